/* The host's local APIC (SDM Vol. 3A chapter 11), in xAPIC (MMIO at
 * IA32_APIC_BASE) or x2APIC mode (MSRs 800h ff.), whichever firmware
 * left on.  Tern uses it for two things: quiescing what firmware armed,
 * and, under SVM, which has no preemption timer, a one-shot timer
 * interrupt that ends a guest's quantum (it exits the guest through the
 * INTR intercept). */
#ifndef TERN_ARCH_X86_LAPIC_H
#define TERN_ARCH_X86_LAPIC_H

#include <stdint.h>

#define LAPIC_TIMER_VECTOR    0xF0
#define LAPIC_SPURIOUS_VECTOR 0xFF

/* At boot: software-enable the LAPIC with the spurious vector, mask every
 * LVT firmware may have left armed.  Nothing if the CPU has none. */
void lapic_quiesce(void);
/* Measure the timer's rate against the TSC (once); kHz, 0 without a
 * LAPIC. */
uint64_t lapic_timer_init(void);
/* The rate measured, 0 before or without one. */
uint64_t lapic_timer_khz(void);
/* Fire LAPIC_TIMER_VECTOR once when the TSC reaches `deadline` (at once
 * if it has). */
void lapic_timer_oneshot_until(uint64_t deadline);
/* Take a pending interrupt now (IF=1 for one instruction), so the next
 * guest entry does not exit at once for an old quantum. */
void lapic_drain(void);
/* End of interrupt (not for the spurious vector). */
void lapic_eoi(void);
/* Every host interrupt, vectors 32-255, from arch/x86/isr.asm or from a
 * VMX exit that acknowledged it: EOI, and a line for one that is not the
 * quantum timer's. */
void host_interrupt(uint64_t vector);
/* Host interrupts other than the timer's seen so far. */
uint64_t host_stray_interrupts(void);

#endif
