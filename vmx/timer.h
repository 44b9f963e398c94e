/* The VMX-preemption timer (SDM Vol. 3C 26.5.1): it counts down at the
 * TSC rate >> IA32_VMX_MISC[4:0] while the guest runs and forces a VM
 * exit at zero.  Tern loads it with what is left until the vCPU's
 * deadline: the end of its slice or its next device timer. */
#ifndef TERN_VMX_TIMER_H
#define TERN_VMX_TIMER_H

#include <stdint.h>

/* Timer ticks from now until TSC value `deadline` (at least 1). */
uint32_t timer_ticks_until(uint64_t deadline);

#endif
