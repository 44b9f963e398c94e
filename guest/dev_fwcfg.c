/* QEMU's fw_cfg, legacy I/O interface (QEMU docs/specs/fw_cfg.rst):
 * write a 16-bit key to the selector port, then read the item byte by
 * byte from the data port.  Items: signature, interface id, RAM size,
 * CPU counts, and an empty file directory. */
#include "guest/devices.h"
#include "guest/vm.h"

#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_ID        0x0001
#define FW_CFG_RAM_SIZE  0x0003
#define FW_CFG_NB_CPUS   0x0005
#define FW_CFG_MAX_CPUS  0x000F
#define FW_CFG_FILE_DIR  0x0019

/* Byte `off` of the item, little-endian numbers as QEMU stores them
 * (the file directory count is big-endian, and zero). */
static uint8_t item_byte(const struct vm *vm, uint16_t key, uint32_t off)
{
	uint64_t v;
	unsigned len;

	switch (key) {
	case FW_CFG_SIGNATURE:
		return off < 4 ? (uint8_t)"QEMU"[off] : 0;
	case FW_CFG_ID: v = 1; len = 4; break;          /* traditional interface only */
	case FW_CFG_RAM_SIZE: v = vm->mem.ram_size; len = 8; break;
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS: v = 1; len = 2; break;
	default: return 0;                             /* FILE_DIR: 0 files; unknown: 0 */
	}
	return off < len ? (uint8_t)(v >> (8 * off)) : 0;
}

static uint32_t fw_cfg_in(struct vm *vm, uint16_t port, unsigned size)
{
	uint32_t v = 0;

	if (port != FW_CFG_PORT_DATA)
		return 0xFFFFFFFF;
	/* Wider reads return consecutive bytes, lowest first. */
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)item_byte(vm, vm->fwcfg_key, vm->fwcfg_offset++) << (8 * i);
	return v;
}

static void fw_cfg_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	(void)size;
	if (port == FW_CFG_PORT_SEL) {
		vm->fwcfg_key = (uint16_t)value;
		vm->fwcfg_offset = 0;
	}
}

const struct port_device dev_fw_cfg = {
	.name = "fw_cfg", .base = FW_CFG_PORT_SEL, .count = 2, .in = fw_cfg_in, .out = fw_cfg_out,
};
