/* The ACPI PM registers on the platform (devices/acpi_pm.c) at the ports
 * the FADT names (guest/firmware.c), on the VM's clock; the SCI on
 * IRQ 9.  Entering S5 is the guest powering itself off. */
#include "devices/acpi_pm.h"
#include "guest/devices.h"
#include "guest/intr.h"
#include "guest/vm.h"

static uint32_t acpi_in(struct vm *vm, uint16_t port, unsigned size)
{
	return acpi_pm_read(&vm->acpi, port - ACPI_PM_PORT, size, vm_clock(vm, rdtsc(), ACPI_PM_HZ));
}

static void acpi_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	uint64_t clock = vm_clock(vm, rdtsc(), ACPI_PM_HZ);
	struct acpi_pm *pm = &vm->acpi;

	acpi_pm_write(pm, port - ACPI_PM_PORT, size, value, clock);
	vm_set_irq(vm, ACPI_SCI_IRQ, acpi_pm_sci(pm, clock));
	vcpu_kick(&vm->vcpu);   /* TMR_EN may have armed the timer */
	if (pm->sleep < 0)
		return;
	/* The DSDT offers S5 only (ACPI 6.4 7.4.2): the others have no
	 * meaning here, and a guest that sleeps with nothing to wake it
	 * would hang, so it is stopped with what it asked for. */
	if (pm->sleep == ACPI_S5_SLP_TYP)
		vm_exit(vm, 1);
	else
		vm_stop(vm, "entered ACPI sleep state SLP_TYP=%d, which the DSDT does not offer "
			    "(only \\_S5, soft-off)", pm->sleep);
	pm->sleep = -1;
}

const struct port_device dev_acpi_pm = {
	.name = "acpi-pm", .base = ACPI_PM_PORT, .count = ACPI_PM_PORTS, .in = acpi_in, .out = acpi_out,
};
