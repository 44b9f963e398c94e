/*
 * Emulating the instruction that touched a device's MMIO page.  A
 * guest's access to emulated MMIO (the local APIC, the I/O APIC) exits as
 * an EPT violation or nested page fault that names the guest-physical
 * address but not what the instruction does with it: the bytes at CS:rIP
 * are decoded here and the instruction carried out, its memory operand
 * read or written through callbacks (the device), its register operands
 * and RFLAGS in struct mmio_cpu.
 *
 * Pure code (tests/test_mmio_insn.c): Intel SDM Vol. 2 chapters 2-4 and
 * AMD APM Vol. 3 for the encodings, SDM Vol. 1 3.4.3 and Appendix A for
 * the flags.
 *
 * The forms kernels use on device registers:
 *   MOV        88, 89, 8A, 8B (r/m <-> reg), C6 /0, C7 /0 (imm to r/m),
 *              A0-A3 (moffs <-> AL/AX/EAX/RAX)
 *   MOVZX      0F B6, 0F B7;  MOVSX  0F BE, 0F BF
 *   ADD OR ADC SBB AND SUB XOR CMP
 *              00-3B in their r/m,reg and reg,r/m forms (8 and full size),
 *              80, 81, 83 /0-/7 (imm to r/m)
 *   TEST       84, 85 (r/m, reg), F6 /0, F7 /0 (r/m, imm)
 *   XCHG       86, 87
 *   STOS       AA, AB (the destination is the MMIO operand), with REP
 *              (F3): the elements go to the device, at offsets
 *              0, +-size, +-2*size ... (DF) from the faulting address,
 *              as many as fit in the device's room (struct mmio_access);
 *              if rCX asks for more, rCX and rDI are left counting the
 *              rest and `repeat` says the instruction is not finished
 *              (the caller runs it again: the rest may be RAM)
 * with the prefixes 66 (operand size), 67 (address size: only changes
 * how ModRM/SIB/displacement and moffs are decoded, and which of
 * rCX/rDI STOS uses), F0 (LOCK), segment overrides (ignored: the address
 * is known), REX (40-4F, 64-bit code only; 8-bit registers SPL, BPL, SIL,
 * DIL with a REX prefix, AH, CH, DH, BH without), in 16-, 32- and 64-bit
 * code.  A register destination is written as the CPU writes it: 32-bit
 * results zero-extend to 64 bits in 64-bit code, 8- and 16-bit results
 * keep the rest of the register.
 *
 * Anything else -- another opcode, a register (mod = 3) operand where
 * memory is required, MOVS, a REP prefix on anything but STOS, more than
 * 15 bytes, bytes running out -- is refused: 0 is returned and *why names
 * the problem in a few words (the caller stops the guest with it, the
 * bytes and the RIP).
 */
#ifndef TERN_VIRT_MMIO_INSN_H
#define TERN_VIRT_MMIO_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The code the guest runs: the default operand and address size. */
enum mmio_mode { MMIO_MODE16 = 2, MMIO_MODE32 = 4, MMIO_MODE64 = 8 };

struct mmio_cpu {
	uint64_t gpr[16];          /* x86 register-number order; RSP included */
	uint64_t rflags;           /* arithmetic flags updated as the CPU would */
	enum mmio_mode mode;
	bool repeat;               /* out: a REP STOS stopped at the device's edge */
};

/* The memory operand: `offset` bytes from the faulting address (0 but
 * for STOS elements after the first), `size` 1, 2, 4 or 8 bytes. */
struct mmio_access {
	uint64_t (*read)(void *ctx, int64_t offset, unsigned size);
	void (*write)(void *ctx, int64_t offset, unsigned size, uint64_t value);
	void *ctx;
	/* Bytes of device from the faulting byte up to its end, and from
	 * its start up to the faulting byte, both including that byte (0:
	 * no bound).  A REP STOS stays inside them. */
	uint64_t room_up, room_down;
};

/* Decode bytes[0..avail) (avail may exceed the instruction) and carry
 * the instruction out.  Returns its length (1-15), or 0 with *why set. */
unsigned mmio_emulate(const uint8_t *bytes, size_t avail, struct mmio_cpu *cpu,
		      const struct mmio_access *mem, const char **why);

#endif
