/* The guest platform's interrupt wiring and clock (guest/intr.h): ISA
 * IRQs go to the 8259 pair, whose INT output is the vCPU's INTR line
 * (there is no local APIC yet: the PIC talks to the CPU directly, as on
 * a PC whose LAPIC is disabled); the 8254 counts on the host TSC. */
#include "guest/intr.h"
#include "arch/x86/tsc.h"
#include "devices/i8254.h"
#include "devices/i8259.h"
#include "guest/vm.h"
#include "lib/muldiv.h"

void vm_intr_reset(struct vm *vm)
{
	vm->clock_base = rdtsc();
	i8259_reset(&vm->pic);
	i8254_reset(&vm->pit, 0);
}

bool vm_intr_pending(const struct vm *vm)
{
	return i8259_output(&vm->pic);
}

uint8_t vm_intr_ack(struct vm *vm)
{
	return i8259_ack(&vm->pic);
}

void vm_set_irq(struct vm *vm, unsigned irq, int level)
{
	i8259_set_irq(&vm->pic, irq, level);
	if (i8259_output(&vm->pic))
		vcpu_kick(&vm->vcpu);
}

/* TSC ticks -> 8254 clocks, both from the VM's power-on.  Rounded down
 * twice, so a deadline rounded up (below) is never early. */
uint64_t vm_pit_clock(const struct vm *vm, uint64_t now)
{
	return muldiv64(now - vm->clock_base, I8254_HZ, (uint32_t)tsc_khz()) / 1000;
}

static uint64_t tsc_of_pit_clock(const struct vm *vm, uint64_t clock)
{
	return vm->clock_base + muldiv64(clock * 1000, (uint32_t)tsc_khz(), I8254_HZ) + 1;
}

uint64_t vm_timers_run(struct vm *vm, uint64_t now)
{
	uint64_t next;

	/* IRQ0 is edge-triggered: one pulse, however many periods passed
	 * since the guest last ran (the PC loses ticks the same way when
	 * interrupts stay off too long). */
	if (i8254_irq0_edges(&vm->pit, vm_pit_clock(vm, now))) {
		vm_set_irq(vm, 0, 1);
		vm_set_irq(vm, 0, 0);
	}
	/* A masked IRQ0 needs no timer: its request only shows in IRR,
	 * and every look at the PIC brings IRR up to date first (dev_pic.c).
	 * So a guest halted with the timer masked has nothing to wake it. */
	next = i8254_irq0_next(&vm->pit);
	if (next == I8254_NEVER || i8259_masked(&vm->pic, 0))
		return TIMER_NONE;
	return tsc_of_pit_clock(vm, next);
}
