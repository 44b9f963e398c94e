/* The host's local APIC, as far as the SVM backend needs it: SVM has no
 * preemption timer, so a one-shot LAPIC timer interrupt ends a guest's
 * quantum (it exits the guest through the INTR intercept).  xAPIC MMIO
 * at IA32_APIC_BASE (SDM Vol. 3A 11.4, 11.5.4). */
#ifndef TERN_ARCH_X86_LAPIC_H
#define TERN_ARCH_X86_LAPIC_H

#include <stdint.h>

#define LAPIC_TIMER_VECTOR    0xF0
#define LAPIC_SPURIOUS_VECTOR 0xFF

/* Enable the LAPIC, mask what firmware left in its LVTs, measure the
 * timer's rate against the TSC.  Returns the rate in kHz (0: no timer). */
uint64_t lapic_timer_init(void);
/* Fire LAPIC_TIMER_VECTOR once, `us` microseconds from now. */
void lapic_timer_oneshot(uint64_t us);
/* Take a pending timer interrupt now (IF=1 for one instruction), so
 * the next guest entry does not exit at once for an old quantum. */
void lapic_drain(void);
/* Called from arch/x86/isr.asm for the timer and spurious vectors. */
void lapic_interrupt(uint64_t vector);

#endif
