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
	/* This century (Tern was written in it): the century byte is not
	 * where every firmware keeps it. */
	if (!rtc_decode_time(regs, b & 0x04 ? 20 : 0x20, b, &t))
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
