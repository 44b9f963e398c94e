/* Length of an intercepted guest instruction, for SVM exits on CPUs
 * without the NRIP-save feature (AMD APM Vol. 2 15.7.1: with it the
 * VMCB's nRIP field holds the next rIP; without it, QEMU TCG for one,
 * the hypervisor must decode the instruction at CS:rIP to skip it).
 *
 * Pure code: the caller fetches the bytes and says which instruction
 * the exit code names; the decoder checks that the bytes encode it and
 * returns its length (Intel SDM Vol. 2 chapter 2, AMD APM Vol. 3
 * chapter 1). */
#ifndef TERN_VIRT_INSN_H
#define TERN_VIRT_INSN_H

#include <stdbool.h>
#include <stdint.h>

/* The instructions a VM exit can report, with their opcode bytes after
 * any prefixes. */
enum insn_kind {
	INSN_CPUID,    /* 0F A2 */
	INSN_HLT,      /* F4 */
	INSN_RDMSR,    /* 0F 32 */
	INSN_WRMSR,    /* 0F 30 */
	INSN_INVD,     /* 0F 08 */
	INSN_WBINVD,   /* 0F 09 */
	INSN_VMMCALL,  /* 0F 01 D9 */
	INSN_VMCALL,   /* 0F 01 C1 */
	INSN_XSETBV,   /* 0F 01 D1 */
	INSN_RDTSC,    /* 0F 31 */
	INSN_RDTSCP,   /* 0F 01 F9 */
	INSN_RDPMC,    /* 0F 33 */
	INSN_MONITOR,  /* 0F 01 C8 */
	INSN_MWAIT,    /* 0F 01 C9 */
	INSN_PAUSE,    /* F3 90 */
	INSN_INVLPG,   /* 0F 01 /7, memory operand */
	INSN_MOV_CR,   /* 0F 20 /r, 0F 22 /r */
	INSN_IO,       /* E4-E7 ib, EC-EF, 6C-6F */
	INSN_VMRUN,    /* 0F 01 D8 */
	INSN_VMLOAD,   /* 0F 01 DA */
	INSN_VMSAVE,   /* 0F 01 DB */
	INSN_STGI,     /* 0F 01 DC */
	INSN_CLGI,     /* 0F 01 DD */
	INSN_SKINIT,   /* 0F 01 DE */
	INSN_INVLPGA,  /* 0F 01 DF */
	INSN_CLTS,     /* 0F 06 */
	INSN_LMSW,     /* 0F 01 /6, register operand only (F0-F7) */
	INSN_SMSW,     /* 0F 01 /4, register operand only (E0-E7) */
	/* Any instruction that can start a task switch (SDM Vol. 3A 7.3):
	 * CALL/JMP far (9A/EA ptr16:16|32, FF /3 and FF /5 with a memory
	 * operand), IRET (CF), INT n (CD ib), INT3 (CC), INTO (CE), INT1 (F1). */
	INSN_TASK_SWITCH,
	INSN_KIND_COUNT
};

/* The architectural limit on an instruction's length (SDM Vol. 2
 * 2.2.1 and 2.3.11; APM Vol. 3 chapter 1). */
#define INSN_MAX_LEN 15

/*
 * bytes: what could be fetched at the guest's CS:rIP; avail: how many
 * (more than INSN_MAX_LEN are never looked at).  long_mode: the guest
 * runs 64-bit code (CS.L = 1).  default32: CS.D, the default operand
 * and address size outside 64-bit mode.  expect: an enum insn_kind.
 *
 * Returns the instruction's length, prefixes included, or -1 if the
 * bytes do not encode `expect`, the instruction would be longer than
 * INSN_MAX_LEN, or it runs past avail.
 */
int insn_length(const uint8_t *bytes, unsigned avail, bool long_mode, bool default32, unsigned expect);

/* For a MOV to/from CRn of length len (from insn_length): the number of
 * its general register (0-15), or -1 if the bytes do not end in one. */
int insn_mov_cr_gpr(const uint8_t *bytes, unsigned len, bool long_mode);

/* For an instruction of length len that INSN_TASK_SWITCH accepted: the
 * vector INT n (CD ib), INT3 (CC), INTO (CE) or INT1 (F1) raises, or -1
 * for the far CALL, JMP and IRET forms. */
int insn_int_vector(const uint8_t *bytes, unsigned len);

/* The operand size in bytes (2, 4 or 8) of the instruction of length
 * len at bytes, from its 66 and REX.W prefixes (SDM Vol. 1 3.6, Tables
 * 3-3 and 3-4): 8 with REX.W in 64-bit mode, else the default (32 in
 * 64-bit mode, CS.D elsewhere), flipped by 66. */
unsigned insn_operand_size(const uint8_t *bytes, unsigned len, bool long_mode, bool default32);

/* For INS/OUTS (6C-6F) at bytes: its length, its address size in bytes
 * (2, 4 or 8) and the segment an override prefix names (0-5 in the
 * order ES, CS, SS, DS, FS, GS; -1 for none); -1 if it is no INS/OUTS.
 * SVM without decode assists reports neither (QEMU's not even the
 * address size). */
int insn_string_io(const uint8_t *bytes, unsigned avail, bool long_mode, bool default32,
		   unsigned *addr_size, int *seg);

#endif
