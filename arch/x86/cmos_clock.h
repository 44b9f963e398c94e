/* The host's own real-time clock (the PC's CMOS RTC), read once at boot
 * so that guests' clocks start at the time of day. */
#ifndef TERN_ARCH_X86_CMOS_CLOCK_H
#define TERN_ARCH_X86_CMOS_CLOCK_H

#include <stdint.h>

/* Seconds since 2000-01-01 00:00:00 by the host's RTC, or 0 when it
 * gives no valid time. */
uint64_t host_rtc_seconds(void);
/* The same now: the RTC read once, then the TSC counting on. */
uint64_t host_time_of_day(void);

#endif
