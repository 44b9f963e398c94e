/* The guest platform's interrupt wiring and clock (guest/intr.h): ISA
 * IRQs go to the 8259 pair, whose INT output reaches the CPU through the
 * local APIC's LINT0 in ExtINT mode (virtual wire, as a PC BIOS leaves
 * it) or directly while the LAPIC is disabled; the LAPIC adds its own
 * interrupts (timer, self-IPIs).  The 8254 and the LAPIC count on the
 * host TSC. */
#include "guest/intr.h"
#include "arch/x86/tsc.h"
#include "devices/acpi_pm.h"
#include "devices/i8254.h"
#include "devices/i8042.h"
#include "devices/i8259.h"
#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "guest/devices.h"
#include "guest/vm.h"
#include "virt/vcpu.h"

/* The I/O APIC's message to the local APIC.  Its 8-bit destination 0xFF
 * is a broadcast in either APIC mode (no interrupt remapping).  An NMI
 * message goes to the CPU's NMI input, past the LAPIC's IRR. */
static void ioapic_deliver(void *ctx, uint8_t vector, uint8_t dest, bool logical, bool level, bool nmi)
{
	struct vm *vm = ctx;

	if (dest != 0xFF && !lapic_is_destination(&vm->lapic, dest, logical))
		return;
	if (nmi) {
		vcpu_raise_nmi(&vm->vcpu);
		return;
	}
	lapic_accept(&vm->lapic, vector, level);
	vcpu_kick(&vm->vcpu);
}

/* NMIs the LAPIC raised (an NMI IPI to itself, LINT1) reach the CPU. */
void vm_lapic_nmi(struct vm *vm)
{
	if (vm->lapic.nmi) {
		vm->lapic.nmi = false;
		vcpu_raise_nmi(&vm->vcpu);
	}
}

/* The PC's NMI line (the chipset's SERR#/IOCHK#, or a front-panel NMI
 * button), gated by the NMI mask at port 70h bit 7: in APIC mode it is
 * wired to LINT1 (MP spec 5.1: virtual-wire mode), in PIC mode straight
 * to the CPU's NMI pin.  False if it was masked. */
bool vm_nmi_line(struct vm *vm)
{
	if (vm->rtc.nmi_masked)
		return false;
	if (!(vm->imcr & IMCR_APIC_MODE) || !lapic_enabled(&vm->lapic)) {
		vcpu_raise_nmi(&vm->vcpu);
		return true;
	}
	lapic_lint_edge(&vm->lapic, 1);
	vm_lapic_nmi(vm);
	vcpu_kick(&vm->vcpu);   /* LINT1 may have been a fixed interrupt */
	return true;
}

void vm_intr_reset(struct vm *vm, uint64_t host_time)
{
	vm->clock_base = rdtsc();
	i8259_reset(&vm->pic);
	i8254_reset(&vm->pit, 0);
	lapic_reset(&vm->lapic, 0, 0);
	ioapic_reset(&vm->ioapic);
	i8042_reset(&vm->kbc);
	rtc_reset(&vm->rtc, host_time, vm->mem.ram_size);
	acpi_pm_reset(&vm->acpi, 0);
	vm->imcr = IMCR_APIC_MODE;
	vm->ioapic.deliver = ioapic_deliver;
	vm->ioapic.ctx = vm;
}

/* Whether the 8259's INT output reaches the CPU: straight in PIC mode,
 * else as far as LINT0 lets it through. */
static bool pic_connected(const struct vm *vm)
{
	return !(vm->imcr & IMCR_APIC_MODE) || lapic_extint(&vm->lapic);
}

static bool extint(const struct vm *vm)
{
	return pic_connected(vm) && i8259_output(&vm->pic);
}

bool vm_intr_pending(const struct vm *vm)
{
	return extint(vm) || lapic_pending(&vm->lapic) >= 0;
}

bool vm_intr_to_inject(const struct vm *vm)
{
	return vm->apic_delivers ? extint(vm) : vm_intr_pending(vm);
}

/* ExtINT first: its vector comes from the 8259's INTA cycle and it is
 * not held back by the LAPIC's priorities (SDM Vol. 3A 11.5.1). */
uint8_t vm_intr_ack(struct vm *vm)
{
	return extint(vm) ? i8259_ack(&vm->pic) : lapic_ack(&vm->lapic);
}

/* ISA IRQ n drives the 8259 input n and I/O APIC pin n, but IRQ0 goes
 * to pin 2 (the MP/ACPI interrupt-source override every PC has). */
void vm_set_irq(struct vm *vm, unsigned irq, int level)
{
	ioapic_set_pin(&vm->ioapic, irq == 0 ? 2 : irq, level);
	i8259_set_irq(&vm->pic, irq, level);
	if (i8259_output(&vm->pic))
		vcpu_kick(&vm->vcpu);
}

/* Whole seconds and the rest, so that no product overflows for
 * centuries of uptime (clocks up to 1 GHz, TSCs up to 8 GHz); both
 * directions round down, and the TSC of a deadline then adds one. */
uint64_t vm_clock(const struct vm *vm, uint64_t tsc, uint64_t hz)
{
	uint64_t tsc_hz = tsc_khz() * 1000, delta = tsc > vm->clock_base ? tsc - vm->clock_base : 0;

	return delta / tsc_hz * hz + delta % tsc_hz * hz / tsc_hz;
}

uint64_t vm_clock_tsc(const struct vm *vm, uint64_t clock, uint64_t hz)
{
	uint64_t tsc_hz = tsc_khz() * 1000;

	return vm->clock_base + clock / hz * tsc_hz + clock % hz * tsc_hz / hz + 1;
}

/* The RTC's next interrupt, after raising IRQ8 for one that is due.
 * With none of its interrupts enabled there is nothing to do: its flags
 * are brought up to date when register C is read (dev_rtc.c). */
static uint64_t rtc_timer(struct vm *vm, uint64_t now)
{
	uint64_t clock = vm_clock(vm, now, RTC_HZ), next = rtc_next_event(&vm->rtc, clock);

	if (next == RTC_NEVER)
		return TIMER_NONE;
	vm_set_irq(vm, 8, rtc_update(&vm->rtc, clock));
	return vm_clock_tsc(vm, next, RTC_HZ);
}

/* The SCI, while the PM timer's overflow event is enabled: raised when
 * bit 23 of the count has turned over (the guest clears it). */
static uint64_t acpi_timer(struct vm *vm, uint64_t now)
{
	uint64_t clock, next;

	if (!(vm->acpi.en & ACPI_PM1_TMR))
		return TIMER_NONE;
	clock = vm_clock(vm, now, ACPI_PM_HZ);
	vm_set_irq(vm, ACPI_SCI_IRQ, acpi_pm_sci(&vm->acpi, clock));
	next = acpi_pm_next_event(&vm->acpi, clock);
	return next == ACPI_PM_NEVER ? TIMER_NONE : vm_clock_tsc(vm, next, ACPI_PM_HZ);
}

uint64_t vm_timers_run(struct vm *vm, uint64_t now)
{
	uint64_t apic = lapic_timer_run(&vm->lapic, vm_clock(vm, now, LAPIC_BUS_HZ));
	uint64_t first = apic == LAPIC_NEVER ? TIMER_NONE : vm_clock_tsc(vm, apic, LAPIC_BUS_HZ);
	uint64_t rtc = rtc_timer(vm, now), acpi = acpi_timer(vm, now), pit;

	if (rtc < first)
		first = rtc;
	if (acpi < first)
		first = acpi;
	/* IRQ0 is edge-triggered: one pulse, however many periods passed
	 * since the guest last ran (the PC loses ticks the same way when
	 * interrupts stay off too long). */
	if (i8254_irq0_edges(&vm->pit, vm_clock(vm, now, I8254_HZ))) {
		vm_set_irq(vm, 0, 1);
		vm_set_irq(vm, 0, 0);
	}
	/* An IRQ0 masked on both paths needs no timer: its request only
	 * shows in the 8259's IRR, and every look at the 8259 brings IRR up
	 * to date first (dev_pic.c).  So a guest halted with the timer
	 * masked has nothing to wake it. */
	pit = i8254_irq0_next(&vm->pit);
	if (pit == I8254_NEVER || ((i8259_masked(&vm->pic, 0) || !pic_connected(vm)) &&
				   ioapic_masked(&vm->ioapic, 2)))
		return first;
	pit = vm_clock_tsc(vm, pit, I8254_HZ);
	return pit < first ? pit : first;
}
