/* Host tests of devices/rtc.c: the MC146818A real-time clock and the PC's
 * CMOS memory at ports 70h (index, bit 7 the NMI mask) and 71h (data).
 * Time is explicit: `now` counts 32.768 kHz ticks since power-on, and the
 * time of day at power-on is seconds since 2000-01-01, so each test states
 * exact clocks.  Expected behaviour is the Motorola MC146818A datasheet's
 * ("Registers A-D", "Update cycle", "Interrupts") and the IBM PC/AT CMOS
 * layout's (as SeaBIOS and QEMU fill it); each test says which rule. */
#define TEST_MAIN
#include "tests/test.h"
#include "devices/rtc.h"

#define HZ   ((uint64_t)RTC_HZ)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

static struct rtc rtc;   /* the device under test, reset in each test */

static uint8_t reg_read(struct rtc *r, uint8_t index, uint64_t now)
{
	rtc_write(r, RTC_INDEX, index, now);
	return rtc_read(r, RTC_DATA, now);
}

static void reg_write(struct rtc *r, uint8_t index, uint8_t v, uint64_t now)
{
	rtc_write(r, RTC_INDEX, index, now);
	rtc_write(r, RTC_DATA, v, now);
}

static uint64_t secs(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
	struct rtc_time t = { .year = y, .month = mo, .day = d, .hour = h, .minute = mi, .second = s };
	return rtc_seconds(&t);
}

/* The seven time registers and the century, as read at `now`:
 * seconds, minutes, hours, weekday, date, month, year, century. */
static bool time_is(uint64_t now, uint8_t s, uint8_t mi, uint8_t h, uint8_t wd,
		    uint8_t d, uint8_t mo, uint8_t y, uint8_t c)
{
	static const uint8_t index[8] = { 0, 2, 4, 6, 7, 8, 9, 0x32 };
	uint8_t want[8] = { s, mi, h, wd, d, mo, y, c }, got[8];

	for (int i = 0; i < 8; i++)
		got[i] = reg_read(&rtc, index[i], now);
	if (!memcmp(got, want, 8))
		return true;
	printf("  at %llu: got %02x:%02x:%02x wd %02x %02x-%02x-%02x%02x\n", (unsigned long long)now,
	       got[2], got[1], got[0], got[3], got[4], got[5], got[7], got[6]);
	return false;
}

static bool civil_is(uint64_t s, unsigned y, unsigned mo, unsigned d, unsigned wd)
{
	struct rtc_time t;

	rtc_civil(s, &t);
	return t.year == y && t.month == mo && t.day == d && t.weekday == wd;
}

/* Known dates, weekday 1 = Sunday: 2000-01-01 was a Saturday, 2000 is a
 * leap year (divisible by 400), 2100 is not (divisible by 100 only). */
TEST(rtc_civil_known_dates)
{
	struct rtc_time t;

	CHECK(civil_is(0, 2000, 1, 1, 7) && secs(2000, 1, 1, 0, 0, 0) == 0);
	CHECK(secs(2000, 2, 29, 0, 0, 0) == 59 * 86400ull);
	CHECK(civil_is(59 * 86400ull, 2000, 2, 29, 3));
	CHECK(civil_is(60 * 86400ull, 2000, 3, 1, 4));
	CHECK(secs(2024, 2, 29, 0, 0, 0) == 8825 * 86400ull && civil_is(8825 * 86400ull, 2024, 2, 29, 5));
	CHECK(civil_is(secs(2100, 2, 28, 0, 0, 0) + 86400, 2100, 3, 1, 2));
	CHECK(secs(2100, 3, 1, 0, 0, 0) == 36584 * 86400ull);
	CHECK(secs(2026, 12, 5, 0, 0, 0) == 9835 * 86400ull && civil_is(9835 * 86400ull, 2026, 12, 5, 7));
	rtc_civil(9835 * 86400ull + 13 * 3600 + 45 * 60 + 59, &t);
	CHECK(t.hour == 13 && t.minute == 45 && t.second == 59);
}

/* Day by day for 250 years against a naive calendar (month lengths, the
 * Gregorian leap rule, weekdays cycling), and seconds -> date -> seconds. */
TEST(rtc_civil_round_trip_many)
{
	static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned y = 2000, mo = 1, d = 1, wd = 7;

	for (uint64_t day = 0; y < 2250; day++) {
		uint64_t s = day * 86400 + (day * 7919) % 86400;
		struct rtc_time t;
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

		rtc_civil(s, &t);
		CHECK(t.year == y && t.month == mo && t.day == d && t.weekday == wd);
		CHECK(t.hour * 3600 + t.minute * 60 + t.second == (day * 7919) % 86400);
		CHECK(rtc_seconds(&t) == s);
		wd = wd % 7 + 1;
		if (++d > mdays[mo - 1] + (mo == 2 && leap)) {
			d = 1;
			if (++mo > 12)
				mo = 1, y++;
		}
	}
}

/* Power-on: A = 26h (divider 010 for 32.768 kHz, rate 6), B = 02h (24-hour,
 * BCD), C = 0, D bit 7 (VRT, valid RAM and time); the time registers show
 * the power-on time in BCD, century 20h at 32h. */
TEST(rtc_reset_state)
{
	rtc_reset(&rtc, secs(2026, 12, 5, 13, 45, 59), MiB(32));
	CHECK(reg_read(&rtc, 0x0A, 10) == 0x26 && reg_read(&rtc, 0x0B, 10) == 0x02);
	CHECK(reg_read(&rtc, 0x0C, 10) == 0x00 && reg_read(&rtc, 0x0D, 10) == 0x80);
	CHECK(!rtc_update(&rtc, 10));
	CHECK(time_is(10, 0x59, 0x45, 0x13, 0x07, 0x05, 0x12, 0x26, 0x20));
}

/* B bit 2 (DM) selects binary; bit 1 selects 24-hour.  In 12-hour mode the
 * hour is 1-12 with bit 7 for PM: midnight is 12 AM (12h), noon 12 PM (92h). */
TEST(rtc_time_formats)
{
	rtc_reset(&rtc, secs(2026, 12, 5, 13, 45, 59), MiB(32));
	reg_write(&rtc, 0x0B, 0x06, 0);   /* binary, 24-hour */
	CHECK(time_is(0, 59, 45, 13, 7, 5, 12, 26, 20));
	reg_write(&rtc, 0x0B, 0x00, 0);   /* BCD, 12-hour */
	CHECK(reg_read(&rtc, 4, 0) == 0x81);
	reg_write(&rtc, 0x0B, 0x04, 0);   /* binary, 12-hour */
	CHECK(reg_read(&rtc, 4, 0) == 0x81);

	rtc_reset(&rtc, secs(2026, 12, 5, 0, 30, 0), MiB(32));
	reg_write(&rtc, 0x0B, 0x00, 0);
	CHECK(reg_read(&rtc, 4, 0) == 0x12);       /* 12 AM */
	CHECK(reg_read(&rtc, 4, 12 * 3600 * HZ) == 0x92);  /* 12 PM */
	CHECK(reg_read(&rtc, 4, 11 * 3600 * HZ) == 0x11);
	CHECK(reg_read(&rtc, 4, 23 * 3600 * HZ) == 0x91);
	reg_write(&rtc, 0x0B, 0x04, 0);
	CHECK(reg_read(&rtc, 4, 0) == 0x0C);
	CHECK(reg_read(&rtc, 4, 12 * 3600 * HZ) == 0x8C);
}

/* The time advances once per 32768 ticks of the time base, carrying
 * seconds into minutes, hours, date (and weekday), month, year, century. */
TEST(rtc_time_advances_and_carries)
{
	rtc_reset(&rtc, secs(2000, 2, 28, 23, 59, 58), MiB(32));
	CHECK(time_is(2 * HZ - 1, 0x59, 0x59, 0x23, 0x02, 0x28, 0x02, 0x00, 0x20));
	CHECK(time_is(2 * HZ, 0x00, 0x00, 0x00, 0x03, 0x29, 0x02, 0x00, 0x20));   /* 2000 is leap */
	CHECK(time_is(2 * HZ + 86400 * HZ, 0x00, 0x00, 0x00, 0x04, 0x01, 0x03, 0x00, 0x20));

	rtc_reset(&rtc, secs(2100, 2, 28, 23, 59, 59), MiB(32));
	CHECK(time_is(HZ, 0x00, 0x00, 0x00, 0x02, 0x01, 0x03, 0x00, 0x21));         /* 2100 is not */

	rtc_reset(&rtc, secs(2099, 12, 31, 23, 59, 59), MiB(32));
	CHECK(time_is(HZ - 1, 0x59, 0x59, 0x23, 0x05, 0x31, 0x12, 0x99, 0x20));
	CHECK(time_is(HZ, 0x00, 0x00, 0x00, 0x06, 0x01, 0x01, 0x00, 0x21));

	rtc_reset(&rtc, secs(2024, 4, 30, 9, 58, 30), MiB(32));
	CHECK(time_is(90 * HZ, 0x00, 0x00, 0x10, 0x03, 0x30, 0x04, 0x24, 0x20));
	CHECK(time_is(90 * HZ + 14 * 3600 * HZ, 0x00, 0x00, 0x00, 0x04, 0x01, 0x05, 0x24, 0x20));
}

/* Register A bit 7 (UIP) is 1 for the 244 us (8 ticks) before each update
 * and 0 otherwise; no update, so no UIP, while SET or with the divider
 * not at 010 (stopped or in reset).  Writes cannot set it. */
TEST(rtc_update_in_progress)
{
	rtc_reset(&rtc, 0, MiB(32));
	for (uint64_t k = 1; k <= 3; k++) {
		CHECK(reg_read(&rtc, 0x0A, k * HZ - 9) == 0x26 && reg_read(&rtc, 0x0A, k * HZ - 8) == 0xA6);
		CHECK(reg_read(&rtc, 0x0A, k * HZ - 1) == 0xA6 && reg_read(&rtc, 0x0A, k * HZ) == 0x26);
	}
	reg_write(&rtc, 0x0A, 0xA6, 5 * HZ);
	CHECK(reg_read(&rtc, 0x0A, 5 * HZ) == 0x26);
	reg_write(&rtc, 0x0B, 0x82, 0);
	CHECK(reg_read(&rtc, 0x0A, HZ - 1) == 0x26);
	reg_write(&rtc, 0x0B, 0x02, 0);
	reg_write(&rtc, 0x0A, 0x76, 0);   /* divider in reset */
	CHECK(reg_read(&rtc, 0x0A, HZ - 1) == 0x76);
	reg_write(&rtc, 0x0A, 0x06, 0);   /* divider 000: oscillator off */
	CHECK(reg_read(&rtc, 0x0A, HZ - 1) == 0x06);
}

/* SET (B bit 7) stops updates: the time registers freeze, writes to them
 * stick, no UF; clearing SET starts the clock from the values written. */
TEST(rtc_set_bit_sets_the_clock)
{
	rtc_reset(&rtc, secs(2026, 12, 5, 10, 20, 30), MiB(32));
	reg_write(&rtc, 0x0A, 0x20, 0);   /* no periodic flag in the way */
	reg_write(&rtc, 0x0B, 0x82, HZ / 2);
	CHECK(reg_read(&rtc, 0x0C, HZ / 2) == 0);
	CHECK(time_is(4 * HZ, 0x30, 0x20, 0x10, 0x07, 0x05, 0x12, 0x26, 0x20));
	CHECK(reg_read(&rtc, 0x0C, 4 * HZ) == 0);   /* no update, no UF */
	reg_write(&rtc, 0, 0x00, 4 * HZ);
	reg_write(&rtc, 2, 0x00, 4 * HZ);
	reg_write(&rtc, 4, 0x08, 4 * HZ);
	reg_write(&rtc, 6, 0x03, 4 * HZ);
	reg_write(&rtc, 7, 0x01, 4 * HZ);
	reg_write(&rtc, 8, 0x01, 4 * HZ);
	reg_write(&rtc, 9, 0x30, 4 * HZ);
	CHECK(time_is(5 * HZ - 1, 0x00, 0x00, 0x08, 0x03, 0x01, 0x01, 0x30, 0x20));
	reg_write(&rtc, 0x0B, 0x02, 5 * HZ);
	CHECK(reg_read(&rtc, 0x0B, 5 * HZ) == 0x02);
	CHECK(time_is(5 * HZ, 0x00, 0x00, 0x08, 0x03, 0x01, 0x01, 0x30, 0x20));   /* 2030-01-01, Tuesday */
	CHECK(time_is(8 * HZ, 0x03, 0x00, 0x08, 0x03, 0x01, 0x01, 0x30, 0x20));
}

/* "UIE is cleared to 0 when SET is written to a 1" (datasheet, register B). */
TEST(rtc_set_clears_uie)
{
	rtc_reset(&rtc, 0, MiB(32));
	reg_write(&rtc, 0x0B, 0x12, 0);
	CHECK(reg_read(&rtc, 0x0B, 0) == 0x12);
	reg_write(&rtc, 0x0B, 0x92, 0);
	CHECK(reg_read(&rtc, 0x0B, 0) == 0x82);
	reg_write(&rtc, 0x0B, 0xF2, 0);   /* PIE and AIE survive */
	CHECK(reg_read(&rtc, 0x0B, 0) == 0xE2);
}

/* Without SET a write to a time register changes the time at once (the
 * other registers keep counting); the century register too. */
TEST(rtc_write_without_set_moves_clock)
{
	rtc_reset(&rtc, secs(2026, 12, 5, 10, 20, 30), MiB(32));
	reg_write(&rtc, 2, 0x45, 2 * HZ);
	CHECK(time_is(2 * HZ, 0x32, 0x45, 0x10, 0x07, 0x05, 0x12, 0x26, 0x20));
	CHECK(time_is(5 * HZ, 0x35, 0x45, 0x10, 0x07, 0x05, 0x12, 0x26, 0x20));
	reg_write(&rtc, 9, 0x27, 5 * HZ);   /* 2027-12-05 is a Sunday */
	CHECK(time_is(5 * HZ, 0x35, 0x45, 0x10, 0x01, 0x05, 0x12, 0x27, 0x20));
	reg_write(&rtc, 0x32, 0x21, 5 * HZ);   /* 2127-12-05 is a Friday */
	CHECK(time_is(5 * HZ, 0x35, 0x45, 0x10, 0x06, 0x05, 0x12, 0x27, 0x21));
	reg_write(&rtc, 0x0B, 0x00, 5 * HZ);   /* 12-hour BCD: 92h is noon */
	reg_write(&rtc, 4, 0x92, 5 * HZ);
	reg_write(&rtc, 0x0B, 0x02, 5 * HZ);
	CHECK(reg_read(&rtc, 4, 5 * HZ) == 0x12);
	reg_write(&rtc, 0x0B, 0x00, 5 * HZ);
	reg_write(&rtc, 4, 0x12, 5 * HZ);      /* 12h is midnight */
	reg_write(&rtc, 0x0B, 0x06, 5 * HZ);   /* binary 24-hour */
	CHECK(time_is(5 * HZ, 35, 45, 0, 6, 5, 12, 27, 21));
	reg_write(&rtc, 0, 10, 5 * HZ);
	CHECK(reg_read(&rtc, 0, 7 * HZ) == 12);
}

/* Values outside the registers' ranges (month 13, second 60) do not set
 * the clock: it keeps its time, written directly or through SET. */
TEST(rtc_nonsense_values_ignored)
{
	rtc_reset(&rtc, secs(2026, 12, 5, 10, 20, 30), MiB(32));
	reg_write(&rtc, 8, 0x13, HZ);
	reg_write(&rtc, 0, 0x60, HZ);
	reg_write(&rtc, 7, 0x00, HZ);
	CHECK(time_is(2 * HZ, 0x32, 0x20, 0x10, 0x07, 0x05, 0x12, 0x26, 0x20));
	reg_write(&rtc, 0x0B, 0x82, 2 * HZ);
	reg_write(&rtc, 8, 0x13, 2 * HZ);
	reg_write(&rtc, 0x0B, 0x02, 3 * HZ);
	CHECK(time_is(4 * HZ, 0x34, 0x20, 0x10, 0x07, 0x05, 0x12, 0x26, 0x20));
}

/* Periodic interrupt: rate 3-15 gives 65536 >> rate Hz (8192 Hz .. 2 Hz),
 * rates 1 and 2 give 256 and 128 Hz, rate 0 none.  PF is set at that rate
 * whether or not PIE is set; reading C returns and clears the flags. */
TEST(rtc_periodic_rates)
{
	for (unsigned rate = 0; rate < 16; rate++) {
		unsigned want = rate == 0 ? 0 : rate == 1 ? 256 : rate == 2 ? 128 : 65536u >> rate;
		uint64_t first = 0;
		unsigned n = 0;

		rtc_reset(&rtc, 0, MiB(32));
		reg_write(&rtc, 0x0A, (uint8_t)(0x20 | rate), 0);
		for (uint64_t now = 1; now <= HZ; now++)
			if (reg_read(&rtc, 0x0C, now) & 0x40) {
				n++;
				if (!first)
					first = now;
			}
		if (n != want)
			printf("  rate %u: %u PF per second, want %u\n", rate, n, want);
		CHECK(n == want);
		CHECK(!want || first == HZ / want);
	}
}

/* IRQF (C bit 7, the IRQ8 line) = PF.PIE + AF.AIE + UF.UIE; flags set
 * without their enable do not raise it.  Reading C clears C. */
TEST(rtc_periodic_flag_and_irqf)
{
	rtc_reset(&rtc, 0, MiB(32));   /* rate 6: 1024 Hz, 32 ticks */
	CHECK(!rtc_update(&rtc, 31));
	CHECK(!rtc_update(&rtc, 32));
	CHECK(reg_read(&rtc, 0x0C, 32) == 0x40);
	CHECK(reg_read(&rtc, 0x0C, 32) == 0x00);
	reg_write(&rtc, 0x0B, 0x42, 40);
	CHECK(!rtc_update(&rtc, 63));
	CHECK(rtc_update(&rtc, 64));
	CHECK(rtc_update(&rtc, 65));   /* held until C is read */
	CHECK(reg_read(&rtc, 0x0C, 65) == 0xC0);
	CHECK(!rtc_update(&rtc, 66) && reg_read(&rtc, 0x0C, 66) == 0x00);
	reg_write(&rtc, 0x0A, 0x20, 70);   /* rate 0: no periodic interrupt */
	CHECK(!rtc_update(&rtc, 1000));
	reg_write(&rtc, 0x0A, 0x76, 1000);   /* divider in reset: none either */
	CHECK(!rtc_update(&rtc, 2000));
}

/* UF is set by each update, once per second; IRQF only with UIE. */
TEST(rtc_update_ended_once_per_second)
{
	rtc_reset(&rtc, 0, MiB(32));
	reg_write(&rtc, 0x0A, 0x20, 0);   /* no periodic flag in the way */
	CHECK(reg_read(&rtc, 0x0C, HZ - 1) == 0x00);
	CHECK(reg_read(&rtc, 0x0C, HZ) == 0x10);
	CHECK(reg_read(&rtc, 0x0C, 2 * HZ - 1) == 0x00);
	reg_write(&rtc, 0x0B, 0x12, 2 * HZ - 1);
	CHECK(!rtc_update(&rtc, 2 * HZ - 1));
	CHECK(rtc_update(&rtc, 2 * HZ));
	CHECK(reg_read(&rtc, 0x0C, 2 * HZ + 5) == 0x90);
	CHECK(reg_read(&rtc, 0x0C, 3 * HZ - 1) == 0x00);
	CHECK(reg_read(&rtc, 0x0C, 5 * HZ) == 0x90);   /* several seconds: still one flag */
}

/* AF is set by the update at which seconds, minutes and hours equal the
 * alarm registers (1, 3, 5); a value of C0h-FFh matches any value. */
TEST(rtc_alarm)
{
	rtc_reset(&rtc, secs(2026, 12, 5, 10, 20, 30), MiB(32));
	reg_write(&rtc, 0x0A, 0x20, 0);
	reg_write(&rtc, 1, 0x33, 0);
	reg_write(&rtc, 3, 0x20, 0);
	reg_write(&rtc, 5, 0x10, 0);
	CHECK(reg_read(&rtc, 1, 0) == 0x33 && reg_read(&rtc, 3, 0) == 0x20 && reg_read(&rtc, 5, 0) == 0x10);
	CHECK(reg_read(&rtc, 0x0C, 2 * HZ) == 0x10);
	CHECK(reg_read(&rtc, 0x0C, 3 * HZ) == 0x30);   /* AF without AIE: no IRQF */
	CHECK(reg_read(&rtc, 0x0C, 4 * HZ) == 0x10);
	reg_write(&rtc, 0x0B, 0x22, 4 * HZ);
	reg_write(&rtc, 5, 0xC0, 4 * HZ);   /* hh:20:33 */
	reg_write(&rtc, 3, 0xC0, 4 * HZ);   /* hh:mm:33 */
	CHECK(!rtc_update(&rtc, 62 * HZ));
	CHECK(reg_read(&rtc, 0x0C, 62 * HZ) == 0x10);
	CHECK(rtc_update(&rtc, 63 * HZ));
	CHECK(reg_read(&rtc, 0x0C, 63 * HZ) == 0xB0);
	reg_write(&rtc, 1, 0xC0, 63 * HZ);   /* every second */
	reg_write(&rtc, 3, 0xFF, 63 * HZ);
	CHECK(reg_read(&rtc, 0x0C, 64 * HZ) == 0xB0);
	CHECK(reg_read(&rtc, 0x0C, 65 * HZ) == 0xB0);
	reg_write(&rtc, 0x0B, 0x00, 65 * HZ);   /* 12-hour: 10:22:00 PM does not match */
	reg_write(&rtc, 1, 0x00, 65 * HZ);
	reg_write(&rtc, 3, 0x22, 65 * HZ);
	reg_write(&rtc, 5, 0x90, 65 * HZ);
	CHECK(reg_read(&rtc, 0x0C, 90 * HZ) == 0x10);
	reg_write(&rtc, 5, 0x10, 90 * HZ);     /* 10:22:00 AM, a day later */
	CHECK(reg_read(&rtc, 0x0C, (90 + 86399) * HZ) == 0x10);
	CHECK(reg_read(&rtc, 0x0C, (90 + 86400) * HZ) == 0x30);
}

/* The flags are latched: an alarm that matched while nobody looked (AIE
 * clear, no rtc_update at that second) is still in C when it is read
 * later ("bring the interrupt flags up to now"). */
TEST(rtc_alarm_flag_latched_until_read)
{
	rtc_reset(&rtc, secs(2026, 12, 5, 10, 20, 30), MiB(32));
	reg_write(&rtc, 1, 0x33, 0);
	reg_write(&rtc, 3, 0x20, 0);
	reg_write(&rtc, 5, 0x10, 0);
	CHECK(reg_read(&rtc, 0x0C, 10 * HZ) & 0x20);
}

/* rtc_next_event: the next periodic tick with PIE, the next update (second
 * boundary) with UIE or AIE, the earlier of both, else RTC_NEVER. */
TEST(rtc_next_event_times)
{
	rtc_reset(&rtc, 0, MiB(32));
	CHECK(rtc_next_event(&rtc, 100) == RTC_NEVER);
	reg_write(&rtc, 0x0B, 0x42, 0);   /* PIE, rate 6: 32 ticks */
	CHECK(rtc_next_event(&rtc, 100) == 128 && rtc_next_event(&rtc, 128) == 160);
	reg_write(&rtc, 0x0A, 0x2F, 0);   /* rate 15: 16384 ticks */
	CHECK(rtc_next_event(&rtc, 40000) == 49152);
	reg_write(&rtc, 0x0A, 0x20, 0);
	CHECK(rtc_next_event(&rtc, 40000) == RTC_NEVER);
	reg_write(&rtc, 0x0B, 0x12, 0);   /* UIE */
	CHECK(rtc_next_event(&rtc, 100) == HZ && rtc_next_event(&rtc, HZ) == 2 * HZ);
	reg_write(&rtc, 0x0B, 0x22, 0);   /* AIE */
	CHECK(rtc_next_event(&rtc, 40000) == 2 * HZ);
	reg_write(&rtc, 0x0A, 0x2F, 0);
	reg_write(&rtc, 0x0B, 0x52, 0);   /* PIE and UIE */
	CHECK(rtc_next_event(&rtc, 40000) == 49152 && rtc_next_event(&rtc, 50000) == 2 * HZ);
	reg_write(&rtc, 0x0B, 0x12, 0);
	reg_write(&rtc, 0x0B, 0xA2, 0);   /* AIE while SET: no updates */
	CHECK(rtc_next_event(&rtc, 100) == RTC_NEVER);
}

/* Little-endian CMOS words: 16 bits at lo, lo + 1; 24 bits from lo. */
/* A day or more without a look at register C: every time of day went
 * by, so an alarm naming one is flagged, and one naming no time the clock
 * reaches (minutes 75) is not. */
TEST(rtc_alarm_over_days_unread)
{
	rtc_reset(&rtc, secs(2026, 12, 5, 10, 20, 30), MiB(32));
	reg_write(&rtc, 1, 0x00, 0);
	reg_write(&rtc, 3, 0x00, 0);
	reg_write(&rtc, 5, 0x03, 0);                 /* 03:00:00 */
	CHECK(reg_read(&rtc, 0x0C, 2 * 86400ull * HZ) & 0x20);
	reg_write(&rtc, 3, 0x75, 0);                 /* no such minute */
	CHECK(!(reg_read(&rtc, 0x0C, 4 * 86400ull * HZ) & 0x20));
	reg_write(&rtc, 3, 0xC0, 0);                 /* any minute of 03:xx:00 */
	CHECK(reg_read(&rtc, 0x0C, 6 * 86400ull * HZ) & 0x20);
}

static unsigned cmos16(uint8_t lo) { return reg_read(&rtc, lo, 0) | reg_read(&rtc, lo + 1, 0) << 8; }
static unsigned cmos24(uint8_t lo) { return cmos16(lo) | (unsigned)reg_read(&rtc, lo + 2, 0) << 16; }

/* PC/AT CMOS: 15h-16h base memory 640 KiB; 17h-18h and 30h-31h extended
 * memory above 1 MiB in KiB (at most FFFFh); 34h-35h 64 KiB blocks from
 * 16 MiB up to the hole below 4 GiB (FEC00000h); 5Bh-5Dh 64 KiB blocks
 * above 4 GiB.  All little-endian. */
TEST(rtc_cmos_memory_sizes)
{
	rtc_reset(&rtc, 0, MiB(32));
	CHECK(cmos16(0x15) == 640 && cmos16(0x17) == 0x7C00 && cmos16(0x30) == 0x7C00);
	CHECK(cmos16(0x34) == 0x0100 && cmos24(0x5B) == 0);
	rtc_reset(&rtc, 0, MiB(64));
	CHECK(cmos16(0x15) == 640 && cmos16(0x17) == 0xFC00 && cmos16(0x30) == 0xFC00);
	CHECK(cmos16(0x34) == 0x0300 && cmos24(0x5B) == 0);
	rtc_reset(&rtc, 0, MiB(16));
	CHECK(cmos16(0x17) == 0x3C00 && cmos16(0x34) == 0 && cmos24(0x5B) == 0);
	rtc_reset(&rtc, 0, GiB(5));
	CHECK(cmos16(0x15) == 640 && cmos16(0x17) == 0xFFFF && cmos16(0x30) == 0xFFFF);
	CHECK(cmos16(0x34) == (0xFEC00000u - 0x1000000u) >> 16 && cmos24(0x5B) == 0x4000);
	rtc_reset(&rtc, 0, GiB(3));
	CHECK(cmos16(0x34) == (0xC0000000u - 0x1000000u) >> 16 && cmos24(0x5B) == 0);
}

/* 2Eh (high byte) and 2Fh (low byte): the sum of bytes 10h-2Dh. */
TEST(rtc_cmos_checksum)
{
	static const uint64_t sizes[] = { MiB(2), MiB(32), MiB(64), GiB(1), GiB(5), GiB(64) };

	rtc_reset(&rtc, 0, MiB(32));   /* 14h 02h + 15h 80h + 16h 02h + 18h 7Ch = 100h */
	CHECK(reg_read(&rtc, 0x2E, 0) == 0x01 && reg_read(&rtc, 0x2F, 0) == 0x00);
	for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		unsigned sum = 0;

		rtc_reset(&rtc, 0, sizes[k]);
		for (uint8_t i = 0x10; i <= 0x2D; i++)
			sum += reg_read(&rtc, i, 0);
		CHECK(reg_read(&rtc, 0x2E, 0) == (sum >> 8 & 0xFF));
		CHECK(reg_read(&rtc, 0x2F, 0) == (sum & 0xFF));
	}
}

/* Bytes 0Eh-7Fh other than the century are plain RAM; C and D are
 * read-only (D reads 80h, VRT). */
TEST(rtc_cmos_plain_bytes)
{
	rtc_reset(&rtc, 0, MiB(32));
	static const uint8_t index[] = { 0x0E, 0x2D, 0x40, 0x5E, 0x7F };

	for (unsigned i = 0; i < sizeof index; i++)
		reg_write(&rtc, index[i], (uint8_t)(0xA5 + i), 0);
	for (unsigned i = 0; i < sizeof index; i++)
		CHECK(reg_read(&rtc, index[i], 10 * HZ) == (uint8_t)(0xA5 + i));
	reg_write(&rtc, 0x0D, 0x00, 0);
	CHECK(reg_read(&rtc, 0x0D, 0) == 0x80);
	reg_write(&rtc, 0x0C, 0xF0, 0);
	CHECK(reg_read(&rtc, 0x0C, 0) == 0x00);
}

/* Port 70h: bits 6-0 select the register, bit 7 masks NMI (recorded, not
 * part of the index); the port is write-only and reads FFh. */
TEST(rtc_index_port_and_nmi_mask)
{
	rtc_reset(&rtc, 0, MiB(32));
	reg_write(&rtc, 0x40, 0x77, 0);
	rtc_write(&rtc, RTC_INDEX, 0xC0, 0);
	CHECK(rtc.nmi_masked && rtc_read(&rtc, RTC_DATA, 0) == 0x77);
	CHECK(rtc_read(&rtc, RTC_INDEX, 0) == 0xFF);
	rtc_write(&rtc, RTC_DATA, 0x88, 0);
	rtc_write(&rtc, RTC_INDEX, 0x40, 0);
	CHECK(!rtc.nmi_masked && rtc_read(&rtc, RTC_DATA, 0) == 0x88);
	rtc_write(&rtc, RTC_INDEX, 0x8D, 0);
	CHECK(rtc.nmi_masked && rtc_read(&rtc, RTC_DATA, 0) == 0x80);
	CHECK(rtc_read(&rtc, RTC_INDEX, 0) == 0xFF);
}
