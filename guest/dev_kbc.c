/* Port glue of the 8042 (devices/i8042.c): IRQ1 follows "a keyboard byte
 * waits", and a pulse of the reset line ends the guest (DESIGN.md 4:
 * reset requests stop it). */
#include "devices/i8042.h"
#include "guest/devices.h"
#include "guest/intr.h"
#include "guest/vm.h"

static void after(struct vm *vm)
{
	struct i8042 *k = &vm->kbc;

	vm_set_irq(vm, 1, i8042_irq1(k));
	if (k->reset_requested && vm->state == VM_RUNNABLE)
		vm_reset(vm, "reset requested via port 0x64 (keyboard controller command 0x%x)",
			 k->reset_command);
}

static uint32_t kbc_in(struct vm *vm, uint16_t port, unsigned size)
{
	uint8_t v;

	(void)size;
	v = i8042_read(&vm->kbc, port);
	after(vm);
	return v;
}

static void kbc_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	(void)size;
	i8042_write(&vm->kbc, port, (uint8_t)value);
	after(vm);
}

const struct port_device dev_kbc_data = {
	.name = "i8042-data", .base = I8042_DATA, .count = 1, .in = kbc_in, .out = kbc_out,
};
const struct port_device dev_kbc_command = {
	.name = "i8042", .base = I8042_STATUS, .count = 1, .in = kbc_in, .out = kbc_out,
};
