/* Port glue of the 8259 pair and its ELCR (devices/i8259.c): byte by
 * byte, so a 16-bit access to 20h reaches 20h and 21h as on the bus. */
#include "devices/i8259.h"
#include "guest/devices.h"
#include "guest/intr.h"
#include "guest/vm.h"

static uint32_t pic_in(struct vm *vm, uint16_t port, unsigned size)
{
	uint32_t v = 0;

	vm_timers_run(vm, rdtsc());   /* IRR as of now */
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)i8259_read(&vm->pic, (uint16_t)(port + i)) << (8 * i);
	return v;
}

static void pic_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	uint8_t imr = vm->pic.chip[0].imr;

	vm_timers_run(vm, rdtsc());   /* an unmask sees the requests held so far */
	for (unsigned i = 0; i < size; i++)
		i8259_write(&vm->pic, (uint16_t)(port + i), (uint8_t)(value >> (8 * i)));
	/* An unmask or an EOI may let a waiting request through; a new
	 * mask may arm or disarm the timer of IRQ0 (guest/intr.c). */
	if (i8259_output(&vm->pic) || vm->pic.chip[0].imr != imr)
		vcpu_kick(&vm->vcpu);
}

const struct port_device dev_pic_master = {
	.name = "8259-master", .base = I8259_MASTER_CMD, .count = 2, .in = pic_in, .out = pic_out,
};
const struct port_device dev_pic_slave = {
	.name = "8259-slave", .base = I8259_SLAVE_CMD, .count = 2, .in = pic_in, .out = pic_out,
};
const struct port_device dev_elcr = {
	.name = "elcr", .base = I8259_ELCR1, .count = 2, .in = pic_in, .out = pic_out,
};
