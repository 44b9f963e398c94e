/* Small platform devices: QEMU's isa-debug-exit and the three ways a PC
 * guest asks for a reset. */
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

/* Tern has no guest reboot: a reset request ends the guest, reported
 * with the port it used. */
static void reset_cf9_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	(void)port, (void)size;
	if (value & 0x04)   /* Reset Control Register: RST_CPU */
		vm_stop(vm, "reset requested via port 0xcf9 (value 0x%x); guest reboot is not supported",
			value);
}

static void reset_kbc_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	(void)size;
	if (port == 0x64 && (value & 0xFF) == 0xFE)   /* 8042 "pulse output line 0" */
		vm_stop(vm, "reset requested via port 0x64 (keyboard controller command 0xfe); "
			    "guest reboot is not supported");
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
		vm_stop(vm, "reset requested via port 0x92 (fast reset); guest reboot is not supported");
}

const struct port_device dev_reset_cf9 = {
	.name = "reset-cf9", .base = 0xCF9, .count = 1, .out = reset_cf9_out,
};
const struct port_device dev_reset_kbc = {
	.name = "i8042-reset", .base = 0x64, .count = 1, .out = reset_kbc_out,
};
const struct port_device dev_reset_port92 = {
	.name = "port92", .base = 0x92, .count = 1, .in = port92_in, .out = port92_out,
};
