/* Port glue of the 8259 pair and its ELCR (devices/i8259.c): byte by
 * byte, so a 16-bit access to 20h reaches 20h and 21h as on the bus;
 * and the IMCR, which decides where the pair's INT output goes. */
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

/* The Interrupt Mode Configuration Register (MP spec 3.6.2.1): select
 * register 70h at port 22h, then bit 0 at port 23h -- 0 connects the
 * 8259's INT straight to the CPU (PIC mode), 1 sends it through the
 * local APIC's LINT0 (guest/intr.c).  The platform starts in the second
 * state, virtual wire mode, and its MP table says so (IMCRP clear), so a
 * kernel has no need to write it; one that does gets the wiring it asks
 * for. */
#define IMCR_SELECT 0x70

static uint32_t imcr_in(struct vm *vm, uint16_t port, unsigned size)
{
	(void)size;
	if (port == IMCR_PORT_INDEX)
		return vm->imcr_index;
	return vm->imcr_index == IMCR_SELECT ? vm->imcr : 0xFF;
}

static void imcr_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	(void)size;
	if (port == IMCR_PORT_INDEX)
		vm->imcr_index = (uint8_t)value;
	else if (vm->imcr_index == IMCR_SELECT)
		vm->imcr = (uint8_t)(value & IMCR_APIC_MODE);
	vcpu_kick(&vm->vcpu);   /* the 8259's request may reach the CPU now */
}

const struct port_device dev_imcr = {
	.name = "imcr", .base = IMCR_PORT_INDEX, .count = 2, .in = imcr_in, .out = imcr_out,
};
