#include "vmx/timer.h"
#include "arch/x86/tsc.h"
#include "core/options.h"
#include "vmx/caps.h"

uint32_t timer_quantum_ticks(void)
{
	uint64_t tsc_ticks = options.quantum_us * tsc_khz() / 1000;
	uint64_t ticks = tsc_ticks >> vmx_caps.preemption_shift;

	if (!ticks)
		return 1;
	return ticks > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)ticks;
}
