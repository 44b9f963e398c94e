/*
 * The address arithmetic of string instructions (INS/OUTS here, as the
 * CPU does it for every string instruction): the index register's and
 * the count register's low address-size bits count, and only they
 * change (SDM Vol. 1 3.3.7 "Address Calculations in 64-Bit Mode", Vol. 2B
 * "INS/INSB/INSW/INSD", Vol. 3A 3.4 for the segment base).
 *  - A 16-bit index wraps at 64 KiB: ES:FFFF is followed by ES:0000, and
 *    bits 63:16 of the register stay.
 *  - A 32-bit index in 64-bit code is written as a 32-bit register is:
 *    bits 63:32 become zero.  Outside 64-bit code they are not visible
 *    and stay.
 *  - The linear address (base + index) wraps at 4 GiB outside 64-bit code.
 * Pure inline code (tests/test_strio.c).
 */
#ifndef TERN_VIRT_STRIO_H
#define TERN_VIRT_STRIO_H

#include <stdbool.h>
#include <stdint.h>

/* The bits of an index or count at address size 2, 4 or 8 bytes. */
static inline uint64_t strio_mask(unsigned addr_size)
{
	return addr_size == 8 ? ~0ull : (1ull << (8 * addr_size)) - 1;
}

/* The register after it takes `value` (already masked or not). */
static inline uint64_t strio_set(uint64_t reg, uint64_t value, unsigned addr_size, bool code64)
{
	uint64_t mask = strio_mask(addr_size);

	if (addr_size == 4 && code64)
		return value & mask;
	return (reg & ~mask) | (value & mask);
}

/* The index after one element of `step` bytes (negative with DF). */
static inline uint64_t strio_next(uint64_t reg, int64_t step, unsigned addr_size, bool code64)
{
	return strio_set(reg, reg + (uint64_t)step, addr_size, code64);
}

/* The linear address of the element at `reg` in a segment at `base`. */
static inline uint64_t strio_linear(uint64_t base, uint64_t reg, unsigned addr_size, bool code64)
{
	uint64_t linear = base + (reg & strio_mask(addr_size));

	return code64 ? linear : (uint32_t)linear;
}

#endif
