/*
 * The PC's real-time clock and CMOS memory (Motorola MC146818A; the
 * PIIX4's RTC) at ports 70h (index, bit 7 the NMI mask) and 71h (data).
 * Pure state machine (tests/test_rtc.c): the time of day is the caller's,
 * seconds since 2000-01-01 00:00:00 at power-on, and the clock ticks in
 * the RTC's own 32.768 kHz units passed as `now`.
 *
 * Modelled: seconds/minutes/hours (12- or 24-hour), day of week, date,
 * month, year and century (32h), BCD or binary (register B bit 2); the
 * alarm with "don't care" values; register A's update-in-progress bit
 * (set for the 244 us before each second), divider and rate; register
 * B's SET bit (time frozen, fields written, the clock set on release),
 * periodic, alarm and update-ended interrupts; register C's flags, read
 * and cleared, and IRQF as the IRQ8 line; register D's valid-RAM bit;
 * the CMOS bytes a BIOS leaves: memory sizes (15h-18h, 30h-31h, 34h-35h,
 * 5Bh-5Dh), equipment, and the checksum of 10h-2Dh.
 */
#ifndef TERN_DEVICES_RTC_H
#define TERN_DEVICES_RTC_H

#include <stdbool.h>
#include <stdint.h>

#define RTC_INDEX 0x70
#define RTC_DATA  0x71
#define RTC_HZ    32768u
#define RTC_NEVER UINT64_MAX

struct rtc {
	uint8_t index;
	bool nmi_masked;           /* port 70h bit 7 */
	uint8_t cmos[128];         /* 0Eh-7Fh; 0Ah-0Dh are the status registers below */
	uint8_t a, b, c;
	uint8_t alarm[3];          /* seconds, minutes, hours as written (register format) */
	int64_t offset;            /* guest seconds minus (power-on seconds + elapsed) */
	uint64_t boot_seconds;     /* seconds since 2000 at clock 0 */
	uint64_t frozen;           /* while SET: the seconds the fields show */
	uint8_t fields[10];        /* while SET: the time registers 0-9 as written */
	uint64_t checked;          /* clock up to which flags are up to date */
};

/* Power-on: time of day `seconds` since 2000-01-01 at clock 0; guest RAM
 * of ram_size bytes for the CMOS memory-size bytes. */
void rtc_reset(struct rtc *r, uint64_t seconds, uint64_t ram_size);
uint8_t rtc_read(struct rtc *r, uint16_t port, uint64_t now);
void rtc_write(struct rtc *r, uint16_t port, uint8_t value, uint64_t now);
/* Bring the interrupt flags up to `now`; IRQF (the IRQ8 line). */
bool rtc_update(struct rtc *r, uint64_t now);
/* The clock of the next event whose interrupt is enabled, or RTC_NEVER. */
uint64_t rtc_next_event(const struct rtc *r, uint64_t now);

/* Civil date of `seconds` since 2000-01-01 (exposed for tests). */
struct rtc_time { unsigned year, month, day, hour, minute, second, weekday; };
void rtc_civil(uint64_t seconds, struct rtc_time *t);
uint64_t rtc_seconds(const struct rtc_time *t);
/* The time registers 0-9 and the century as register B `reg_b` formats
 * them (BCD or binary, 12- or 24-hour); false if they name no valid time
 * from 2000 on.  (Also how the host's own RTC is read, arch/x86.) */
bool rtc_decode_time(const uint8_t regs[10], uint8_t century, uint8_t reg_b, struct rtc_time *t);

#endif
