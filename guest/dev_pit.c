/* Port glue of the 8254 and port 61h (devices/i8254.c), on the VM's
 * clock (guest/intr.c). */
#include "devices/i8254.h"
#include "guest/devices.h"
#include "guest/intr.h"
#include "guest/vm.h"

static uint32_t pit_in(struct vm *vm, uint16_t port, unsigned size)
{
	uint64_t now = vm_clock(vm, rdtsc(), I8254_HZ);
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)i8254_read(&vm->pit, (uint16_t)(port + i), now) << (8 * i);
	return v;
}

static void pit_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	uint64_t now = vm_clock(vm, rdtsc(), I8254_HZ);

	for (unsigned i = 0; i < size; i++)
		i8254_write(&vm->pit, (uint16_t)(port + i), (uint8_t)(value >> (8 * i)), now);
	/* Channel 0 may have a new period: the scheduler re-arms its timer. */
	vcpu_kick(&vm->vcpu);
}

const struct port_device dev_pit = {
	.name = "8254", .base = I8254_PORT_BASE, .count = 4, .in = pit_in, .out = pit_out,
};
const struct port_device dev_port61 = {
	.name = "port61", .base = PORT61, .count = 1, .in = pit_in, .out = pit_out,
};
