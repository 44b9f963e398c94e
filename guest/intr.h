/*
 * The guest platform's interrupt sources and timers, as the scheduler
 * and the core see them (guest/intr.c): ISA IRQ lines into the 8259
 * pair, the 8254's channel 0 on IRQ0, and the platform's clock.
 */
#ifndef TERN_GUEST_INTR_H
#define TERN_GUEST_INTR_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

#define TIMER_NONE UINT64_MAX

/* Start the platform's clock and devices at power-on; host_time: the
 * time of day, seconds since 2000-01-01, for the guest's RTC. */
void vm_intr_reset(struct vm *vm, uint64_t host_time);
/* Is an interrupt waiting for the CPU (INTR asserted)? */
bool vm_intr_pending(const struct vm *vm);
/* Is one pending that the core must inject: the same, but only the
 * 8259's ExtINT where the CPU delivers the local APIC's interrupts
 * itself (vm->apic_delivers)? */
bool vm_intr_to_inject(const struct vm *vm);
/* Acknowledge it: its vector (ExtINT first, so after vm_intr_to_inject
 * the 8259's where that was all it looked at). */
uint8_t vm_intr_ack(struct vm *vm);
/* Drive ISA IRQ line irq; a device that changed it calls this, which
 * makes the vCPU look at its interrupts before it runs on. */
void vm_set_irq(struct vm *vm, unsigned irq, int level);
/* An NMI the local APIC raised (lapic.nmi) goes to the vCPU. */
void vm_lapic_nmi(struct vm *vm);
/* A pulse on the PC's NMI line (the console's NMI key): through the
 * NMI mask (port 70h bit 7) to LINT1, or to the CPU in PIC mode.  False
 * if the mask dropped it. */
bool vm_nmi_line(struct vm *vm);
/* Fire every device timer due at host TSC `now`; the TSC of the next
 * one, or TIMER_NONE. */
uint64_t vm_timers_run(struct vm *vm, uint64_t now);
/* A device's clock of `hz` (the 8254's, the RTC's, the LAPIC timer's)
 * counting from the VM's power-on, at host TSC `tsc`; and the host TSC at
 * which it reaches `clock`, rounded up so that a deadline is never early. */
uint64_t vm_clock(const struct vm *vm, uint64_t tsc, uint64_t hz);
uint64_t vm_clock_tsc(const struct vm *vm, uint64_t clock, uint64_t hz);

#endif
