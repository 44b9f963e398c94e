#include "vmx/timer.h"
#include "arch/x86/cpu.h"
#include "vmx/caps.h"

uint32_t timer_ticks_until(uint64_t deadline)
{
	uint64_t now = rdtsc();
	uint64_t ticks = deadline > now ? (deadline - now) >> vmx_caps.preemption_shift : 0;

	if (!ticks)
		return 1;
	return ticks > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)ticks;
}
