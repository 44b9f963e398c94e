#include "arch/x86/cmos_clock.h"
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"
#include "arch/x86/tsc.h"
#include "devices/rtc.h"

static uint8_t cmos(uint8_t reg)
{
	outb(RTC_INDEX, reg);   /* bit 7 clear: NMIs stay enabled */
	return inb(RTC_DATA);
}

static unsigned bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10u + (v & 0xF);
}

uint64_t host_rtc_seconds(void)
{
	struct rtc_time t;
	uint8_t regs[10], again[10], b;

	/* Read twice, outside an update (register A bit 7), until two reads
	 * agree: the fields are not latched (MC146818A, "Update Cycle"). */
	for (int tries = 0; tries < 8; tries++) {
		for (int spin = 0; spin < 100000 && (cmos(0x0A) & 0x80); spin++)
			;
		for (uint8_t i = 0; i < 10; i++)
			regs[i] = cmos(i);
		for (uint8_t i = 0; i < 10; i++)
			again[i] = cmos(i);
		bool same = true;
		for (int i = 0; i < 10; i++)
			same &= regs[i] == again[i];
		if (same)
			break;
	}
	b = cmos(0x0B);
	bool binary = b & 0x04;
	t.second = bcd(regs[0], binary);
	t.minute = bcd(regs[2], binary);
	t.hour = bcd(regs[4] & 0x7F, binary);
	if (!(b & 0x02) && (regs[4] & 0x80))
		t.hour = t.hour % 12 + 12;   /* 12-hour mode, PM */
	else if (!(b & 0x02))
		t.hour %= 12;
	t.day = bcd(regs[7], binary);
	t.month = bcd(regs[8], binary);
	t.year = 2000 + bcd(regs[9], binary);   /* this century: Tern was written in it */
	if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour > 23 ||
	    t.minute > 59 || t.second > 59)
		return 0;
	return rtc_seconds(&t);
}

uint64_t host_time_of_day(void)
{
	static uint64_t at_read, tsc_at_read;
	static int read;

	if (!read) {
		at_read = host_rtc_seconds();
		tsc_at_read = rdtsc();
		read = 1;
	}
	return tsc_khz() ? at_read + (rdtsc() - tsc_at_read) / (tsc_khz() * 1000) : at_read;
}
