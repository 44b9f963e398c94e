/* libFuzzer target: the MMIO instruction decoder/emulator
 * (virt/mmio_insn.c): the first byte picks the code size, the next 16
 * are the instruction bytes, the rest seed the registers. */
#include <stdint.h>
#include <string.h>

#include "virt/mmio_insn.h"

static uint64_t dev_read(void *ctx, int64_t offset, unsigned size)
{
	(void)ctx;
	return (uint64_t)offset * 0x0101010101010101ull >> (64 - 8 * size);
}

static void dev_write(void *ctx, int64_t offset, unsigned size, uint64_t value)
{
	(void)ctx, (void)offset, (void)size, (void)value;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum mmio_mode modes[3] = { MMIO_MODE16, MMIO_MODE32, MMIO_MODE64 };
	struct mmio_cpu cpu;
	struct mmio_access dev = { dev_read, dev_write, NULL, 0x1000, 0x1000 };
	const char *why;
	uint8_t bytes[16];

	if (size < 1 + sizeof bytes)
		return 0;
	memset(&cpu, 0, sizeof cpu);
	cpu.mode = modes[data[0] % 3];
	memcpy(bytes, data + 1, sizeof bytes);
	size_t regs = size - 17 < sizeof cpu.gpr ? size - 17 : sizeof cpu.gpr;
	memcpy(cpu.gpr, data + 17, regs);
	unsigned len = mmio_emulate(bytes, sizeof bytes, &cpu, &dev, &why);
	if (len > 15 || (!len && !why))
		__builtin_trap();   /* a length is 1-15, a refusal has a reason */
	return 0;
}
