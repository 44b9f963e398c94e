/* Small platform devices: QEMU's isa-debug-exit, two of the ways a PC
 * guest asks for a reset (the third is the 8042's, guest/dev_kbc.c), and
 * the CRT controller's registers. */
#include "guest/devices.h"
#include "guest/vm.h"

/* isa-debug-exit (DESIGN.md 4): writing V ends the guest with status
 * (V << 1) | 1, as QEMU's device makes QEMU exit. */
static void debug_exit_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	(void)port, (void)size;
	vm_exit(vm, ((uint64_t)value << 1) | 1);
}

const struct port_device dev_debug_exit = {
	.name = "debug-exit", .base = DEBUG_EXIT_PORT, .count = 1, .out = debug_exit_out,
};

/* A reset request reboots the guest or stops it (on_reset=), reported
 * with the port it used. */
static void reset_cf9_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	(void)port, (void)size;
	if (value & 0x04)   /* Reset Control Register: RST_CPU */
		vm_reset(vm, "reset requested via port 0xcf9 (value 0x%x)", value);
}

static uint32_t port92_in(struct vm *vm, uint16_t port, unsigned size)
{
	(void)vm, (void)port, (void)size;
	return 0x02;   /* A20 enabled */
}

static void port92_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	(void)port, (void)size;
	if (value & 0x01)   /* System Control Port A: fast reset */
		vm_reset(vm, "reset requested via port 0x92 (fast reset)");
}

const struct port_device dev_reset_cf9 = {
	.name = "reset-cf9", .base = 0xCF9, .count = 1, .out = reset_cf9_out,
};
const struct port_device dev_reset_port92 = {
	.name = "port92", .base = 0x92, .count = 1, .in = port92_in, .out = port92_out,
};

/* The CRT controller's index and data ports (3D4h/3D5h, 3B4h/3B5h for a
 * monochrome card): registers 00h-18h as written, so that a kernel that
 * moves the text cursor (0Ah-0Fh) reads back what it wrote.  Input
 * status 1 (3DAh) toggles its retrace bits on each read, so loops that
 * wait for a retrace end. */
static uint32_t crtc_in(struct vm *vm, uint16_t port, unsigned size)
{
	(void)size;
	if (port == 0x3DA) {
		vm->crtc_status ^= 0x09;   /* display enable, vertical retrace */
		return vm->crtc_status;
	}
	if (port & 1)
		return vm->crtc_index < sizeof vm->crtc ? vm->crtc[vm->crtc_index] : 0xFF;
	return vm->crtc_index;
}

static void crtc_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	if (!(port & 1)) {
		vm->crtc_index = (uint8_t)value;
		if (size > 1)   /* outw: index and data in one */
			port++, value >>= 8;
		else
			return;
	}
	if (vm->crtc_index < sizeof vm->crtc)
		vm->crtc[vm->crtc_index] = (uint8_t)value;
}

const struct port_device dev_crtc = {
	.name = "crtc", .base = 0x3D4, .count = 2, .in = crtc_in, .out = crtc_out,
};
const struct port_device dev_crtc_mono = {
	.name = "crtc-mono", .base = 0x3B4, .count = 2, .in = crtc_in, .out = crtc_out,
};
const struct port_device dev_vga_status = {
	.name = "vga-status", .base = 0x3DA, .count = 1, .in = crtc_in,
};
