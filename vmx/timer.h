/* The VMX-preemption timer (SDM Vol. 3C 26.5.1): it counts down at the
 * TSC rate >> IA32_VMX_MISC[4:0] while the guest runs and forces a VM
 * exit at zero.  Tern loads it with the scheduler quantum. */
#ifndef TERN_VMX_TIMER_H
#define TERN_VMX_TIMER_H

#include <stdint.h>

/* options.quantum_us in preemption-timer ticks (at least 1). */
uint32_t timer_quantum_ticks(void);

#endif
