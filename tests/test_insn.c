/*
 * Host tests of virt/insn.c: the length of an intercepted instruction,
 * decoded from its bytes for SVM without NRIP save.  Every kind plain
 * and with prefixes (SDM Vol. 2 2.1.1, 2.2.1), the 15-byte limit,
 * truncated fetches, wrong bytes, and every INVLPG addressing form
 * (SDM Vol. 2 Tables 2-1, 2-2, 2-3, 2-5, 2-7).
 */
#define TEST_MAIN
#include "tests/test.h"
#include "virt/insn.h"

#include <stdbool.h>
#include <stdint.h>

/* Code-segment modes: 16-bit (CS.D = 0), 32-bit (CS.D = 1), 64-bit
 * (CS.L = 1; CS.D must be 0 there, but the decoder ignores it). */
enum mode { M16, M32, M64 };
static const enum mode modes[] = { M16, M32, M64 };

static int len(enum mode m, unsigned kind, const uint8_t *b, unsigned n)
{
	return insn_length(b, n, m == M64, m == M32, kind);
}

/* b[0..n) is exactly one `kind` instruction: the decoder says n, says
 * -1 for every shorter fetch, and stops at n when more bytes follow
 * (also with avail beyond the 15-byte limit). */
static bool exact(enum mode m, unsigned kind, const uint8_t *b, unsigned n)
{
	uint8_t buf[32];

	if (n > 15 || len(m, kind, b, n) != (int)n)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (len(m, kind, b, i) != -1)
			return false;
	memcpy(buf, b, n);
	for (unsigned fill = 0; fill < 2; fill++) {
		memset(buf + n, fill ? 0x0F : 0xCC, sizeof buf - n);
		if (len(m, kind, buf, 15) != (int)n || len(m, kind, buf, sizeof buf) != (int)n)
			return false;
	}
	return true;
}

#define BYTES(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })
#define IS(m, kind, ...)  exact(m, kind, BYTES(__VA_ARGS__))
#define LEN(m, kind, ...) len(m, kind, BYTES(__VA_ARGS__))

/* The kinds with one fixed encoding. */
struct fixed {
	unsigned kind;
	uint8_t n, op[3];
};
static const struct fixed fixed[] = {
	{ INSN_CPUID, 2, { 0x0F, 0xA2 } },        { INSN_HLT, 1, { 0xF4 } },
	{ INSN_RDMSR, 2, { 0x0F, 0x32 } },        { INSN_WRMSR, 2, { 0x0F, 0x30 } },
	{ INSN_INVD, 2, { 0x0F, 0x08 } },         { INSN_WBINVD, 2, { 0x0F, 0x09 } },
	{ INSN_VMMCALL, 3, { 0x0F, 0x01, 0xD9 } }, { INSN_VMCALL, 3, { 0x0F, 0x01, 0xC1 } },
	{ INSN_XSETBV, 3, { 0x0F, 0x01, 0xD1 } },  { INSN_RDTSC, 2, { 0x0F, 0x31 } },
	{ INSN_RDTSCP, 3, { 0x0F, 0x01, 0xF9 } },  { INSN_RDPMC, 2, { 0x0F, 0x33 } },
	{ INSN_MONITOR, 3, { 0x0F, 0x01, 0xC8 } }, { INSN_MWAIT, 3, { 0x0F, 0x01, 0xC9 } },
	{ INSN_VMRUN, 3, { 0x0F, 0x01, 0xD8 } },   { INSN_VMLOAD, 3, { 0x0F, 0x01, 0xDA } },
	{ INSN_VMSAVE, 3, { 0x0F, 0x01, 0xDB } },  { INSN_STGI, 3, { 0x0F, 0x01, 0xDC } },
	{ INSN_CLGI, 3, { 0x0F, 0x01, 0xDD } },    { INSN_SKINIT, 3, { 0x0F, 0x01, 0xDE } },
	{ INSN_INVLPGA, 3, { 0x0F, 0x01, 0xDF } }, { INSN_CLTS, 2, { 0x0F, 0x06 } },
};
#define NFIXED (sizeof fixed / sizeof fixed[0])

static const uint8_t legacy[] = { 0x66, 0x67, 0xF0, 0xF2, 0xF3, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65 };
#define NLEGACY (sizeof legacy / sizeof legacy[0])

/* pre[0..np) then f's opcode, into buf; returns the total length. */
static unsigned build(uint8_t *buf, const uint8_t *pre, unsigned np, const struct fixed *f)
{
	memcpy(buf, pre, np);
	memcpy(buf + np, f->op, f->n);
	return np + f->n;
}

TEST(insn_fixed_plain)
{
	for (unsigned mi = 0; mi < 3; mi++)
		for (unsigned i = 0; i < NFIXED; i++)
			CHECK(exact(modes[mi], fixed[i].kind, fixed[i].op, fixed[i].n));
	/* Every kind is covered by this table or by the tests below. */
	CHECK(NFIXED + 7 == INSN_KIND_COUNT);   /* + PAUSE, IO, MOV CR, INVLPG, LMSW, SMSW, task switch */
}

TEST(insn_fixed_each_legacy_prefix)
{
	uint8_t buf[16];

	for (unsigned mi = 0; mi < 3; mi++)
		for (unsigned i = 0; i < NFIXED; i++)
			for (unsigned p = 0; p < NLEGACY; p++) {
				unsigned n = build(buf, &legacy[p], 1, &fixed[i]);
				CHECK(exact(modes[mi], fixed[i].kind, buf, n));
			}
}

TEST(insn_fixed_all_prefixes_together)
{
	uint8_t buf[16];

	/* 11 distinct prefixes + up to 3 opcode bytes = at most 14. */
	for (unsigned mi = 0; mi < 3; mi++)
		for (unsigned i = 0; i < NFIXED; i++) {
			unsigned n = build(buf, legacy, NLEGACY, &fixed[i]);
			CHECK(exact(modes[mi], fixed[i].kind, buf, n));
		}
	/* Repeats count too. */
	CHECK(IS(M32, INSN_CPUID, 0x66, 0x66, 0x66, 0x0F, 0xA2));
	CHECK(IS(M64, INSN_HLT, 0x2E, 0x2E, 0xF4));
}

TEST(insn_rex_in_long_mode)
{
	uint8_t buf[16], pre[4];

	for (unsigned i = 0; i < NFIXED; i++)
		for (unsigned r = 0x40; r <= 0x4F; r++) {
			/* REX alone, and after a legacy prefix (the mandatory-
			 * prefix order, SDM 2.2.1). */
			pre[0] = (uint8_t)r;
			CHECK(exact(M64, fixed[i].kind, buf, build(buf, pre, 1, &fixed[i])));
			pre[0] = 0x66;
			pre[1] = (uint8_t)r;
			CHECK(exact(M64, fixed[i].kind, buf, build(buf, pre, 2, &fixed[i])));
			/* A REX followed by a prefix is ignored ("other
			 * placements are ignored"), but is still a byte of the
			 * instruction. */
			pre[0] = (uint8_t)r;
			pre[1] = 0xF3;
			CHECK(exact(M64, fixed[i].kind, buf, build(buf, pre, 2, &fixed[i])));
			pre[0] = (uint8_t)r;
			pre[1] = 0x48;
			CHECK(exact(M64, fixed[i].kind, buf, build(buf, pre, 2, &fixed[i])));
		}
	CHECK(IS(M64, INSN_IO, 0x48, 0xED));
	CHECK(IS(M64, INSN_IO, 0x66, 0x41, 0xE6, 0x80));
	CHECK(IS(M64, INSN_MOV_CR, 0x44, 0x0F, 0x20, 0xC0));   /* mov rax, cr8 */
	CHECK(IS(M64, INSN_MOV_CR, 0x49, 0x0F, 0x22, 0xDF));   /* mov cr3, r15 */
}

/* Outside 64-bit mode 40-4F are INC/DEC (SDM 2.2.1.2): the instruction
 * at rIP is not the expected one. */
TEST(insn_rex_is_inc_dec_outside_long_mode)
{
	uint8_t buf[16], pre[2];

	for (unsigned r = 0x40; r <= 0x4F; r++) {
		CHECK(LEN(M32, INSN_CPUID, (uint8_t)r, 0x0F, 0xA2) == -1);
		CHECK(LEN(M16, INSN_CPUID, (uint8_t)r, 0x0F, 0xA2) == -1);
		CHECK(LEN(M64, INSN_CPUID, (uint8_t)r, 0x0F, 0xA2) == 3);
		pre[0] = 0x66;
		pre[1] = (uint8_t)r;
		for (unsigned i = 0; i < NFIXED; i++) {
			unsigned n = build(buf, pre, 2, &fixed[i]);
			CHECK(len(M32, fixed[i].kind, buf, n) == -1);
			CHECK(len(M16, fixed[i].kind, buf, n) == -1);
		}
		CHECK(LEN(M32, INSN_IO, (uint8_t)r, 0xEC) == -1);
		CHECK(LEN(M16, INSN_PAUSE, 0xF3, (uint8_t)r, 0x90) == -1);
		CHECK(LEN(M32, INSN_INVLPG, (uint8_t)r, 0x0F, 0x01, 0x38) == -1);
		CHECK(LEN(M32, INSN_MOV_CR, (uint8_t)r, 0x0F, 0x22, 0xC0) == -1);
	}
}

/* SDM Vol. 2 2.3.11 / 2.2.1: no instruction is longer than 15 bytes,
 * however many prefixes it has. */
TEST(insn_fifteen_byte_limit)
{
	uint8_t buf[32];

	memset(buf, 0x66, sizeof buf);
	/* 13 prefixes + 0F A2 = 15: fine.  14 + 0F A2 = 16: too long,
	 * even when all 16 bytes were fetched. */
	buf[13] = 0x0F;
	buf[14] = 0xA2;
	CHECK(insn_length(buf, 15, false, true, INSN_CPUID) == 15);
	CHECK(insn_length(buf, sizeof buf, false, true, INSN_CPUID) == 15);
	memset(buf, 0x66, sizeof buf);
	buf[14] = 0x0F;
	buf[15] = 0xA2;
	CHECK(insn_length(buf, 16, false, true, INSN_CPUID) == -1);
	CHECK(insn_length(buf, sizeof buf, false, true, INSN_CPUID) == -1);
	/* Prefixes alone, and with REX in 64-bit mode. */
	memset(buf, 0xF3, sizeof buf);
	CHECK(insn_length(buf, sizeof buf, true, false, INSN_PAUSE) == -1);
	memset(buf, 0x48, sizeof buf);
	CHECK(insn_length(buf, sizeof buf, true, false, INSN_HLT) == -1);
	buf[14] = 0xF4;
	CHECK(insn_length(buf, sizeof buf, true, false, INSN_HLT) == 15);
	buf[14] = 0x48;
	buf[15] = 0xF4;
	CHECK(insn_length(buf, sizeof buf, true, false, INSN_HLT) == -1);

	/* The limit counts ModR/M, SIB, displacement and immediate bytes:
	 * 0F 01 BC 24 disp32 (8 bytes) + 7 prefixes = 15, + 8 = 16. */
	CHECK(IS(M64, INSN_INVLPG, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x48, 0x0F, 0x01, 0xBC, 0x24,
		 1, 2, 3, 4));
	CHECK(LEN(M64, INSN_INVLPG, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x48, 0x0F, 0x01, 0xBC,
		  0x24, 1, 2, 3, 4) == -1);
	/* E4 ib + 13 prefixes = 15; + 14 = 16. */
	CHECK(IS(M32, INSN_IO, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		 0x66, 0xE4, 0x60));
	CHECK(LEN(M32, INSN_IO, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		  0x66, 0x66, 0xE4, 0x60) == -1);
	/* 12 prefixes + 0F 01 D9 = 15; 13 = 16. */
	CHECK(IS(M64, INSN_VMMCALL, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3,
		 0x4F, 0x0F, 0x01, 0xD9));
	CHECK(LEN(M64, INSN_VMMCALL, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3,
		  0x2E, 0x4F, 0x0F, 0x01, 0xD9) == -1);
}

/* The instructions that can start a task switch: far pointers sized by
 * the operand size, FF /3 and /5 addressed by the address size, IRET
 * and the INT forms (SDM Vol. 2A CALL, JMP, INT n, IRET). */
TEST(insn_task_switch)
{
	CHECK(IS(M32, INSN_TASK_SWITCH, 0x9A, 0, 0, 0, 0, 0x28, 0));          /* call 0x28:0 */
	CHECK(IS(M32, INSN_TASK_SWITCH, 0x66, 0x9A, 0, 0, 0x28, 0));         /* ptr16:16 */
	CHECK(IS(M16, INSN_TASK_SWITCH, 0xEA, 0, 0, 0x28, 0));               /* jmp 0x28:0 */
	CHECK(IS(M16, INSN_TASK_SWITCH, 0x66, 0xEA, 0, 0, 0, 0, 0x28, 0));
	CHECK(IS(M32, INSN_TASK_SWITCH, 0xFF, 0x1D, 1, 2, 3, 4));            /* call far [disp32] */
	CHECK(IS(M32, INSN_TASK_SWITCH, 0xFF, 0x6C, 0x24, 8));               /* jmp far [esp+8] */
	CHECK(IS(M32, INSN_TASK_SWITCH, 0x67, 0xFF, 0x1E, 1, 2));            /* [disp16] */
	CHECK(IS(M16, INSN_TASK_SWITCH, 0xFF, 0x2F));                        /* jmp far [bx] */
	CHECK(IS(M32, INSN_TASK_SWITCH, 0xCF));
	CHECK(IS(M32, INSN_TASK_SWITCH, 0x66, 0xCF));
	CHECK(IS(M32, INSN_TASK_SWITCH, 0xCD, 0x80));
	CHECK(IS(M32, INSN_TASK_SWITCH, 0xCC));
	CHECK(IS(M32, INSN_TASK_SWITCH, 0xCE));
	CHECK(IS(M32, INSN_TASK_SWITCH, 0xF1));
	CHECK(LEN(M32, INSN_TASK_SWITCH, 0xFF, 0xD8) == -1);   /* FF /3 needs memory */
	CHECK(LEN(M32, INSN_TASK_SWITCH, 0xFF, 0x10) == -1);   /* FF /2: near call */
	CHECK(LEN(M32, INSN_TASK_SWITCH, 0xFF, 0x20) == -1);   /* FF /4: near jmp */
	CHECK(LEN(M64, INSN_TASK_SWITCH, 0x9A, 0, 0, 0, 0, 0x28, 0) == -1);  /* no 9A in 64-bit */
	CHECK(LEN(M32, INSN_TASK_SWITCH, 0xE8, 0, 0, 0, 0) == -1);           /* near call */
	CHECK(LEN(M32, INSN_TASK_SWITCH, 0x9A, 0, 0, 0, 0, 0x28) == -1);     /* truncated */
	/* The vector of the INT forms; -1 for the others, whatever their
	 * operand bytes hold. */
	CHECK(insn_int_vector(BYTES(0xCD, 0x81)) == 0x81);
	CHECK(insn_int_vector(BYTES(0x66, 0xCD, 0x21)) == 0x21);
	CHECK(insn_int_vector(BYTES(0xCC)) == 3);
	CHECK(insn_int_vector(BYTES(0xCE)) == 4);
	CHECK(insn_int_vector(BYTES(0xF1)) == 1);
	CHECK(insn_int_vector(BYTES(0xCF)) == -1);
	CHECK(insn_int_vector(BYTES(0x9A, 0, 0, 0, 0, 0xCD, 0x12)) == -1);
	CHECK(insn_int_vector(BYTES(0xEA, 0, 0, 0, 0, 0xCC, 0)) == -1);
	CHECK(insn_int_vector(BYTES(0xFF, 0x2D, 0xCC, 0, 0, 0xF1)) == -1);
}

TEST(insn_truncated)
{
	/* exact() already tries every short fetch; these name a few. */
	CHECK(insn_length(NULL, 0, false, true, INSN_HLT) == -1);
	CHECK(LEN(M32, INSN_CPUID, 0x0F) == -1);
	CHECK(LEN(M64, INSN_VMRUN, 0x0F, 0x01) == -1);
	CHECK(LEN(M32, INSN_IO, 0xE4) == -1);
	CHECK(LEN(M32, INSN_IO, 0x66, 0xE5) == -1);
	CHECK(LEN(M32, INSN_MOV_CR, 0x0F, 0x22) == -1);
	CHECK(LEN(M32, INSN_INVLPG, 0x0F, 0x01) == -1);
	CHECK(LEN(M32, INSN_INVLPG, 0x0F, 0x01, 0x3C) == -1);             /* SIB missing */
	CHECK(LEN(M32, INSN_INVLPG, 0x0F, 0x01, 0x3C, 0x25, 1, 2, 3) == -1); /* disp32 short */
	CHECK(LEN(M16, INSN_INVLPG, 0x0F, 0x01, 0x3E, 1) == -1);          /* disp16 short */
	CHECK(LEN(M64, INSN_PAUSE, 0xF3) == -1);
	CHECK(LEN(M64, INSN_HLT, 0x66, 0x48) == -1);
}

TEST(insn_wrong_instruction)
{
	/* Each fixed encoding is -1 for every other fixed kind. */
	for (unsigned mi = 0; mi < 3; mi++)
		for (unsigned i = 0; i < NFIXED; i++)
			for (unsigned j = 0; j < NFIXED; j++)
				if (i != j)
					CHECK(len(modes[mi], fixed[j].kind, fixed[i].op, fixed[i].n) == -1);
	/* ...and for the kinds with operands. */
	for (unsigned i = 0; i < NFIXED; i++) {
		CHECK(len(M64, INSN_INVLPG, fixed[i].op, fixed[i].n) == -1);
		CHECK(len(M64, INSN_MOV_CR, fixed[i].op, fixed[i].n) == -1);
		CHECK(len(M64, INSN_IO, fixed[i].op, fixed[i].n) == -1);
		CHECK(len(M64, INSN_PAUSE, fixed[i].op, fixed[i].n) == -1);
	}
	CHECK(LEN(M32, INSN_CPUID, 0x0F, 0xA3, 0xC0) == -1);
	CHECK(LEN(M32, INSN_CPUID, 0xA2) == -1);
	CHECK(LEN(M32, INSN_HLT, 0xF5) == -1);
	CHECK(LEN(M32, INSN_RDTSC, 0x0F, 0x01, 0xF9) == -1);  /* RDTSCP */
	CHECK(LEN(M32, INSN_RDTSCP, 0x0F, 0x31) == -1);       /* RDTSC */
	CHECK(LEN(M32, INSN_VMMCALL, 0x0F, 0x01, 0xC1) == -1); /* Intel's VMCALL */
	CHECK(LEN(M64, INSN_RDTSCP, 0x0F, 0x01, 0xF8) == -1);  /* SWAPGS */
	CHECK(LEN(M32, INSN_VMRUN, 0x0F, 0x01, 0x18) == -1);   /* LIDT [eax] */
	CHECK(LEN(M32, INSN_MOV_CR, 0x0F, 0x21, 0xC0) == -1);  /* MOV from DR */
	CHECK(LEN(M32, INSN_MOV_CR, 0x0F, 0x23, 0xC0) == -1);  /* MOV to DR */
	CHECK(LEN(M32, INSN_MOV_CR, 0x20, 0xC0) == -1);        /* AND r/m8, r8 */
	for (unsigned op = 0; op < 256; op++) {
		bool imm8 = op >= 0xE4 && op <= 0xE7;
		bool io = imm8 || (op >= 0xEC && op <= 0xEF) || (op >= 0x6C && op <= 0x6F);
		int want = !io ? -1 : imm8 ? 2 : 1;
		bool prefix = op == 0x66 || op == 0x67 || op == 0xF0 || op == 0xF2 || op == 0xF3 ||
			      op == 0x2E || op == 0x36 || op == 0x3E || op == 0x26 || op == 0x64 || op == 0x65;

		if (prefix)
			continue;   /* a prefix then 0x00: not I/O either */
		CHECK(LEN(M32, INSN_IO, (uint8_t)op, 0x00) == want);
	}
	/* No such kind. */
	CHECK(LEN(M32, INSN_KIND_COUNT, 0xF4) == -1);
	CHECK(LEN(M32, 1000, 0x0F, 0xA2) == -1);
	CHECK(LEN(M32, ~0u, 0x0F, 0xA2) == -1);
}

TEST(insn_io_forms)
{
	for (unsigned mi = 0; mi < 3; mi++) {
		enum mode m = modes[mi];

		/* IN/OUT imm8: opcode and port byte. */
		for (unsigned op = 0xE4; op <= 0xE7; op++) {
			CHECK(IS(m, INSN_IO, (uint8_t)op, 0x80));
			CHECK(IS(m, INSN_IO, 0x66, (uint8_t)op, 0xF4));
		}
		/* IN/OUT DX and INS/OUTS: opcode only. */
		for (unsigned op = 0xEC; op <= 0xEF; op++) {
			CHECK(IS(m, INSN_IO, (uint8_t)op));
			CHECK(IS(m, INSN_IO, 0x66, (uint8_t)op));
		}
		for (unsigned op = 0x6C; op <= 0x6F; op++) {
			CHECK(IS(m, INSN_IO, (uint8_t)op));
			CHECK(IS(m, INSN_IO, 0xF3, (uint8_t)op));            /* REP */
			CHECK(IS(m, INSN_IO, 0x66, 0x67, 0xF3, (uint8_t)op)); /* rep outsw, a16/a32 */
			CHECK(IS(m, INSN_IO, 0x26, 0xF3, (uint8_t)op));      /* segment override */
		}
	}
}

TEST(insn_io_imm8)
{
	/* The port byte of E4 is part of the instruction, even when it
	 * happens to look like an opcode itself. */
	CHECK(LEN(M32, INSN_IO, 0xE4, 0x60) == 2);
	CHECK(LEN(M32, INSN_IO, 0xE4, 0xF4) == 2);
	CHECK(LEN(M32, INSN_IO, 0xE6, 0x80, 0xE6, 0x80) == 2);
	CHECK(LEN(M32, INSN_IO, 0xEC, 0x60) == 1);
	CHECK(LEN(M64, INSN_IO, 0x66, 0xE5, 0x71) == 3);
	CHECK(LEN(M16, INSN_IO, 0xE7, 0x70) == 2);
}

TEST(insn_pause)
{
	for (unsigned mi = 0; mi < 3; mi++) {
		enum mode m = modes[mi];

		CHECK(IS(m, INSN_PAUSE, 0xF3, 0x90));
		CHECK(IS(m, INSN_PAUSE, 0x66, 0xF3, 0x90));
		CHECK(IS(m, INSN_PAUSE, 0xF3, 0x66, 0x90));
		CHECK(IS(m, INSN_PAUSE, 0xF3, 0xF3, 0x90));
		CHECK(IS(m, INSN_PAUSE, 0x2E, 0xF3, 0x90));
		/* Plain 90 is NOP; 66 90, F2 90 are NOPs too. */
		CHECK(LEN(m, INSN_PAUSE, 0x90) == -1);
		CHECK(LEN(m, INSN_PAUSE, 0x66, 0x90) == -1);
		CHECK(LEN(m, INSN_PAUSE, 0xF2, 0x90) == -1);
		CHECK(LEN(m, INSN_PAUSE, 0xF3, 0x91) == -1);   /* REP XCHG ecx, eax */
		CHECK(LEN(m, INSN_PAUSE, 0xF3) == -1);
	}
	/* In 64-bit mode REX.W/R/X leave 90 a NOP, so F3 makes it PAUSE;
	 * REX.B makes it XCHG r8, rAX, never PAUSE. */
	CHECK(IS(M64, INSN_PAUSE, 0xF3, 0x48, 0x90));
	CHECK(IS(M64, INSN_PAUSE, 0xF3, 0x40, 0x90));
	CHECK(LEN(M64, INSN_PAUSE, 0xF3, 0x41, 0x90) == -1);
	CHECK(LEN(M64, INSN_PAUSE, 0xF3, 0x49, 0x90) == -1);
	/* A REX before the F3 is ignored, so its B bit does not matter. */
	CHECK(IS(M64, INSN_PAUSE, 0x41, 0xF3, 0x90));
	/* Outside 64-bit mode F3 41 is REP INC ECX. */
	CHECK(LEN(M32, INSN_PAUSE, 0xF3, 0x48, 0x90) == -1);
}

TEST(insn_mov_cr)
{
	for (unsigned mi = 0; mi < 3; mi++) {
		enum mode m = modes[mi];

		for (unsigned modrm = 0xC0; modrm <= 0xFF; modrm++) {
			CHECK(IS(m, INSN_MOV_CR, 0x0F, 0x20, (uint8_t)modrm));
			CHECK(IS(m, INSN_MOV_CR, 0x0F, 0x22, (uint8_t)modrm));
		}
		CHECK(IS(m, INSN_MOV_CR, 0xF0, 0x0F, 0x20, 0xC0)); /* AMD's LOCK MOV CR0 = CR8 */
		CHECK(IS(m, INSN_MOV_CR, 0x66, 0x0F, 0x22, 0xE0));
		/* The mod bits are taken as 11 whatever they hold (APM Vol. 3,
		 * MOV CRn): no SIB, no displacement. */
		CHECK(IS(m, INSN_MOV_CR, 0x0F, 0x22, 0x18));
		CHECK(IS(m, INSN_MOV_CR, 0x0F, 0x22, 0x04));
		CHECK(IS(m, INSN_MOV_CR, 0x0F, 0x20, 0x45));
		CHECK(IS(m, INSN_MOV_CR, 0x0F, 0x20, 0x9C));
		CHECK(IS(m, INSN_MOV_CR, 0x0F, 0x22, 0x06));
	}
}

/* INVLPG with 16-bit addressing, SDM Vol. 2 Table 2-1: every mod/rm
 * with a memory operand (reg = 7).  Lengths after the 0F 01 ModR/M. */
static const unsigned disp16_len[3][8] = {
	{ 0, 0, 0, 0, 0, 0, 2, 0 },   /* mod 00: [bp] slot is disp16 */
	{ 1, 1, 1, 1, 1, 1, 1, 1 },   /* mod 01: disp8 */
	{ 2, 2, 2, 2, 2, 2, 2, 2 },   /* mod 10: disp16 */
};

static bool invlpg16(enum mode m, bool a67)
{
	for (unsigned mod = 0; mod < 3; mod++)
		for (unsigned rm = 0; rm < 8; rm++) {
			uint8_t b[16] = { 0x0F, 0x01, (uint8_t)(mod << 6 | 7 << 3 | rm), 0x11, 0x22, 0x33,
					  0x44, 0x55, 0x66 };
			unsigned n = 3 + disp16_len[mod][rm], off = 0;
			uint8_t pb[16];

			if (a67)
				pb[off++] = 0x67;
			memcpy(pb + off, b, n);
			if (!exact(m, INSN_INVLPG, pb, n + off))
				return false;
		}
	return true;
}

TEST(insn_invlpg_16bit_all_forms)
{
	CHECK(invlpg16(M16, false));
	CHECK(invlpg16(M32, true));    /* 67 in 32-bit code: 16-bit addressing */
	/* Named cases: invlpg [bx+si], [0x1234], [bp+0x12], [bx+0x1234]. */
	CHECK(IS(M16, INSN_INVLPG, 0x0F, 0x01, 0x38));
	CHECK(IS(M16, INSN_INVLPG, 0x0F, 0x01, 0x3E, 0x34, 0x12));
	CHECK(IS(M16, INSN_INVLPG, 0x0F, 0x01, 0x7E, 0x12));
	CHECK(IS(M16, INSN_INVLPG, 0x0F, 0x01, 0xBF, 0x34, 0x12));
	/* 16-bit r/m 100 is [si], not a SIB escape; r/m 101 [di] has no
	 * disp32. */
	CHECK(IS(M16, INSN_INVLPG, 0x0F, 0x01, 0x3C));
	CHECK(IS(M16, INSN_INVLPG, 0x0F, 0x01, 0x3D));
	CHECK(IS(M16, INSN_INVLPG, 0x26, 0x0F, 0x01, 0x3D));
}

/* 32/64-bit addressing without SIB, Table 2-2: lengths after ModR/M. */
static const unsigned disp32_len[3][8] = {
	{ 0, 0, 0, 0, 1, 4, 0, 0 },   /* mod 00: SIB at rm 4 (base != 5), disp32 at rm 5 */
	{ 1, 1, 1, 1, 2, 1, 1, 1 },   /* mod 01: disp8 (+ SIB) */
	{ 4, 4, 4, 4, 5, 4, 4, 4 },   /* mod 10: disp32 (+ SIB) */
};

static bool invlpg32(enum mode m, const uint8_t *pre, unsigned np)
{
	for (unsigned mod = 0; mod < 3; mod++)
		for (unsigned rm = 0; rm < 8; rm++) {
			/* SIB 0x24 ([esp], base 100) when rm = 4. */
			uint8_t b[16];
			unsigned n = np;

			if (np)
				memcpy(b, pre, np);
			b[n++] = 0x0F;
			b[n++] = 0x01;
			b[n++] = (uint8_t)(mod << 6 | 7 << 3 | rm);
			for (unsigned k = 0; k < disp32_len[mod][rm]; k++)
				b[n++] = (uint8_t)(rm == 4 && k == 0 ? 0x24 : 0xA0 + k);
			if (!exact(m, INSN_INVLPG, b, n))
				return false;
		}
	return true;
}

TEST(insn_invlpg_32bit_forms)
{
	static const uint8_t a67[] = { 0x67 };

	CHECK(invlpg32(M32, NULL, 0));
	CHECK(invlpg32(M16, a67, 1));  /* 67 in 16-bit code: 32-bit addressing */
	CHECK(invlpg32(M64, NULL, 0));
	CHECK(invlpg32(M64, a67, 1));  /* 67 in 64-bit code: 32-bit, same forms */

	/* invlpg [eax], [0x12345678], [ebp+0x12], [ebp+0x12345678]. */
	CHECK(IS(M32, INSN_INVLPG, 0x0F, 0x01, 0x38));
	CHECK(IS(M32, INSN_INVLPG, 0x0F, 0x01, 0x3D, 0x78, 0x56, 0x34, 0x12));
	CHECK(IS(M32, INSN_INVLPG, 0x0F, 0x01, 0x7D, 0x12));
	CHECK(IS(M32, INSN_INVLPG, 0x0F, 0x01, 0xBD, 0x78, 0x56, 0x34, 0x12));
	/* SIB, Table 2-3: base 101 with mod 00 means disp32, no base. */
	for (unsigned sib = 0; sib < 256; sib++) {
		bool nobase = (sib & 7) == 5;

		if (nobase)
			CHECK(IS(M32, INSN_INVLPG, 0x0F, 0x01, 0x3C, (uint8_t)sib, 1, 2, 3, 4));
		else
			CHECK(IS(M32, INSN_INVLPG, 0x0F, 0x01, 0x3C, (uint8_t)sib));
		/* With mod 01 / 10 base 101 is [ebp] + disp8 / disp32. */
		CHECK(IS(M32, INSN_INVLPG, 0x0F, 0x01, 0x7C, (uint8_t)sib, 0x80));
		CHECK(IS(M32, INSN_INVLPG, 0x0F, 0x01, 0xBC, (uint8_t)sib, 1, 2, 3, 4));
	}
	/* invlpg [eax+ecx*4+0x10], fs:[ebx+esi*8+0x12345678]. */
	CHECK(IS(M32, INSN_INVLPG, 0x0F, 0x01, 0x7C, 0x88, 0x10));
	CHECK(IS(M32, INSN_INVLPG, 0x64, 0x0F, 0x01, 0xBC, 0xF3, 0x78, 0x56, 0x34, 0x12));
}

TEST(insn_invlpg_64bit)
{
	/* mod 00 r/m 101: RIP-relative disp32 (Table 2-7); with 67
	 * EIP-relative, same length. */
	CHECK(IS(M64, INSN_INVLPG, 0x0F, 0x01, 0x3D, 0xF0, 0xFF, 0xFF, 0xFF));
	CHECK(IS(M64, INSN_INVLPG, 0x67, 0x0F, 0x01, 0x3D, 0xF0, 0xFF, 0xFF, 0xFF));
	/* REX.B does not change the special cases (Table 2-5): r/m 101
	 * mod 00 is still RIP-relative, not [r13]; r/m 100 still takes a
	 * SIB ([r12]); SIB base 101 mod 00 is still disp32, not [r13]. */
	CHECK(IS(M64, INSN_INVLPG, 0x41, 0x0F, 0x01, 0x3D, 1, 2, 3, 4));
	CHECK(IS(M64, INSN_INVLPG, 0x41, 0x0F, 0x01, 0x3C, 0x24));
	CHECK(IS(M64, INSN_INVLPG, 0x41, 0x0F, 0x01, 0x3C, 0x25, 1, 2, 3, 4));
	CHECK(IS(M64, INSN_INVLPG, 0x43, 0x0F, 0x01, 0x7C, 0x25, 0x08));  /* [r13+r12+8] */
	CHECK(IS(M64, INSN_INVLPG, 0x41, 0x0F, 0x01, 0x7D, 0x00));         /* [r13+0] */
	/* invlpg [rax], [r15], gs:[rsp+0x8], [rip+x] with prefixes. */
	CHECK(IS(M64, INSN_INVLPG, 0x0F, 0x01, 0x38));
	CHECK(IS(M64, INSN_INVLPG, 0x41, 0x0F, 0x01, 0x3F));
	CHECK(IS(M64, INSN_INVLPG, 0x65, 0x0F, 0x01, 0x7C, 0x24, 0x08));
	CHECK(IS(M64, INSN_INVLPG, 0x66, 0x67, 0x48, 0x0F, 0x01, 0x3D, 1, 2, 3, 4));
	/* 67 never selects 16-bit addressing in 64-bit mode: 67 0F 01 3E
	 * is [rsi] (3 bytes after 67), not [disp16]. */
	CHECK(IS(M64, INSN_INVLPG, 0x67, 0x0F, 0x01, 0x3E));
	CHECK(IS(M64, INSN_INVLPG, 0x67, 0x0F, 0x01, 0x7C, 0x24, 0x08));
	/* Outside 64-bit mode the same bytes are absolute disp32. */
	CHECK(IS(M32, INSN_INVLPG, 0x0F, 0x01, 0x3D, 1, 2, 3, 4));
}

TEST(insn_invlpg_address_size_override)
{
	/* The same bytes, 0F 01 3E 34 12 78 56: in 16-bit addressing
	 * [disp16] (5 bytes), in 32-bit [esi] (3 bytes). */
	static const uint8_t b[] = { 0x0F, 0x01, 0x3E, 0x34, 0x12, 0x78, 0x56 };
	static const uint8_t p[] = { 0x67, 0x0F, 0x01, 0x3E, 0x34, 0x12, 0x78, 0x56 };

	CHECK(len(M16, INSN_INVLPG, b, sizeof b) == 5);
	CHECK(len(M32, INSN_INVLPG, b, sizeof b) == 3);
	CHECK(len(M64, INSN_INVLPG, b, sizeof b) == 3);
	CHECK(len(M16, INSN_INVLPG, p, sizeof p) == 4);
	CHECK(len(M32, INSN_INVLPG, p, sizeof p) == 6);
	CHECK(len(M64, INSN_INVLPG, p, sizeof p) == 4);
	/* 0F 01 3D: [di] (3) in 16-bit, [disp32] (7) in 32-bit. */
	CHECK(LEN(M16, INSN_INVLPG, 0x0F, 0x01, 0x3D, 1, 2, 3, 4) == 3);
	CHECK(LEN(M16, INSN_INVLPG, 0x67, 0x0F, 0x01, 0x3D, 1, 2, 3, 4) == 8);
	CHECK(LEN(M32, INSN_INVLPG, 0x67, 0x0F, 0x01, 0x3D, 1, 2, 3, 4) == 4);
	/* Two 67s are one override, not a toggle back. */
	CHECK(LEN(M32, INSN_INVLPG, 0x67, 0x67, 0x0F, 0x01, 0x3D, 1, 2, 3, 4) == 5);
	/* mod 10: disp16 vs disp32. */
	CHECK(LEN(M16, INSN_INVLPG, 0x0F, 0x01, 0xB8, 1, 2, 3, 4) == 5);
	CHECK(LEN(M16, INSN_INVLPG, 0x67, 0x0F, 0x01, 0xB8, 1, 2, 3, 4) == 8);
	CHECK(LEN(M32, INSN_INVLPG, 0x67, 0x0F, 0x01, 0xB8, 1, 2, 3, 4) == 6);
}

TEST(insn_invlpg_not_invlpg)
{
	for (unsigned mi = 0; mi < 3; mi++) {
		enum mode m = modes[mi];

		for (unsigned modrm = 0; modrm < 256; modrm++) {
			bool inv = (modrm >> 6) != 3 && ((modrm >> 3) & 7) == 7;

			if (!inv)
				CHECK(LEN(m, INSN_INVLPG, 0x0F, 0x01, (uint8_t)modrm, 1, 2, 3, 4, 5,
					  6) == -1);
			else
				CHECK(LEN(m, INSN_INVLPG, 0x0F, 0x01, (uint8_t)modrm, 0x24, 2, 3, 4, 5,
					  6) > 0);
		}
		CHECK(LEN(m, INSN_INVLPG, 0x0F, 0x00, 0x38) == -1);  /* 0F 00 /7: not a thing */
		CHECK(LEN(m, INSN_INVLPG, 0x0F, 0x01, 0x30) == -1);  /* LMSW [eax] */
		CHECK(LEN(m, INSN_INVLPG, 0x0F, 0x01, 0xF8) == -1);  /* SWAPGS */
		CHECK(LEN(m, INSN_INVLPG, 0x0F, 0x01, 0xDF) == -1);  /* INVLPGA */
		CHECK(LEN(m, INSN_INVLPG, 0x01, 0x38) == -1);
	}
}

/* The GPR of MOV to/from CRn: ModR/M.rm, extended by a REX.B directly
 * before the 0F in 64-bit mode only. */
TEST(insn_mov_cr_register)
{
	static const uint8_t plain[] = { 0x0F, 0x22, 0xE7 };           /* mov cr4, edi */
	static const uint8_t rex[] = { 0x41, 0x0F, 0x22, 0xE0 };       /* mov cr4, r8 */
	static const uint8_t rex_r[] = { 0x44, 0x0F, 0x22, 0xC0 };     /* mov cr8, rax */
	static const uint8_t prefixed[] = { 0x66, 0x41, 0x0F, 0x20, 0xDA }; /* mov r10, cr3 */
	static const uint8_t inc[] = { 0x41, 0x0F, 0x22, 0xE0 };

	CHECK(insn_mov_cr_gpr(plain, sizeof plain, false) == 7);
	CHECK(insn_mov_cr_gpr(plain, sizeof plain, true) == 7);
	CHECK(insn_mov_cr_gpr(rex, sizeof rex, true) == 8);
	CHECK(insn_mov_cr_gpr(rex_r, sizeof rex_r, true) == 0);
	CHECK(insn_mov_cr_gpr(prefixed, sizeof prefixed, true) == 10);
	/* Outside 64-bit mode 41 is INC ECX, not a prefix of this MOV. */
	CHECK(insn_mov_cr_gpr(inc, sizeof inc, false) == 0);
	CHECK(insn_mov_cr_gpr(plain, 2, false) == -1);
	CHECK(insn_mov_cr_gpr(rex, sizeof rex - 1, true) == -1);
}

TEST(insn_clts_lmsw)
{
	static const uint8_t lmsw_mem[] = { 0x0F, 0x01, 0x30 };       /* lmsw [eax] */
	static const uint8_t lmsw_r9[] = { 0x41, 0x0F, 0x01, 0xF1 };  /* lmsw r9w */

	CHECK(LEN(M32, INSN_CLTS, 0x0F, 0x06) == 2);
	CHECK(LEN(M64, INSN_CLTS, 0x48, 0x0F, 0x06) == 3);
	CHECK(LEN(M32, INSN_CLTS, 0x0F, 0x07) == -1);
	CHECK(LEN(M32, INSN_LMSW, 0x0F, 0x01, 0xF0) == 3);
	CHECK(LEN(M16, INSN_LMSW, 0x66, 0x0F, 0x01, 0xF7) == 4);
	CHECK(insn_length(lmsw_mem, sizeof lmsw_mem, false, true, INSN_LMSW) == -1);
	CHECK(LEN(M32, INSN_LMSW, 0x0F, 0x01, 0xF8) == -1);            /* SWAPGS slot */
	CHECK(insn_length(lmsw_r9, sizeof lmsw_r9, true, false, INSN_LMSW) == 4);
	CHECK(insn_mov_cr_gpr(lmsw_r9, sizeof lmsw_r9, true) == 9);
}

TEST(insn_smsw)
{
	static const uint8_t smsw_mem[] = { 0x0F, 0x01, 0x20 };            /* smsw [eax] */
	static const uint8_t smsw_r11[] = { 0x49, 0x0F, 0x01, 0xE3 };      /* smsw r11 */
	static const uint8_t smsw_ax[] = { 0x66, 0x0F, 0x01, 0xE0 };       /* smsw ax */

	CHECK(IS(M32, INSN_SMSW, 0x0F, 0x01, 0xE0));
	CHECK(IS(M32, INSN_SMSW, 0x0F, 0x01, 0xE7));
	CHECK(LEN(M32, INSN_SMSW, 0x0F, 0x01, 0xF0) == -1);             /* LMSW */
	CHECK(LEN(M32, INSN_SMSW, 0x0F, 0x01, 0xDF) == -1);             /* INVLPGA */
	CHECK(LEN(M32, INSN_LMSW, 0x0F, 0x01, 0xE0) == -1);
	CHECK(insn_length(smsw_mem, sizeof smsw_mem, false, true, INSN_SMSW) == -1);
	CHECK(insn_length(smsw_r11, sizeof smsw_r11, true, false, INSN_SMSW) == 4);
	CHECK(insn_mov_cr_gpr(smsw_r11, sizeof smsw_r11, true) == 11);
	CHECK(insn_length(smsw_ax, sizeof smsw_ax, false, true, INSN_SMSW) == 4);
	CHECK(insn_mov_cr_gpr(smsw_ax, sizeof smsw_ax, false) == 0);
}

/* Operand size: the default (CS.D; 32 in 64-bit mode), 66 flips it,
 * REX.W makes it 64 -- but only as the last prefix before the opcode. */
TEST(insn_operand_sizes)
{
	static const uint8_t plain[] = { 0x0F, 0x01, 0xE0 };
	static const uint8_t o16[] = { 0x66, 0x0F, 0x01, 0xE0 };
	static const uint8_t rexw[] = { 0x48, 0x0F, 0x01, 0xE0 };
	static const uint8_t o16_rexw[] = { 0x66, 0x48, 0x0F, 0x01, 0xE0 };
	static const uint8_t rexw_lost[] = { 0x48, 0x66, 0x0F, 0x01, 0xE0 };  /* REX not last */
	static const uint8_t rex_b[] = { 0x41, 0x0F, 0x01, 0xE0 };

	CHECK(insn_operand_size(plain, 3, false, true) == 4);
	CHECK(insn_operand_size(plain, 3, false, false) == 2);
	CHECK(insn_operand_size(plain, 3, true, false) == 4);
	CHECK(insn_operand_size(o16, 4, false, true) == 2);
	CHECK(insn_operand_size(o16, 4, false, false) == 4);
	CHECK(insn_operand_size(o16, 4, true, false) == 2);
	CHECK(insn_operand_size(rexw, 4, true, false) == 8);
	CHECK(insn_operand_size(o16_rexw, 5, true, false) == 8);
	CHECK(insn_operand_size(rexw_lost, 5, true, false) == 2);
	CHECK(insn_operand_size(rex_b, 4, true, false) == 4);
	/* Outside 64-bit mode 48 is DEC EAX, not a prefix: it ends the scan. */
	CHECK(insn_operand_size(rexw, 4, false, true) == 4);
}

TEST(insn_string_io_info)
{
	static const uint8_t plain[] = { 0xF3, 0x6E };                   /* rep outsb */
	static const uint8_t fs67[] = { 0x67, 0x64, 0xF3, 0x6F };        /* addr-size, fs: rep outsd */
	static const uint8_t rex[] = { 0xF3, 0x48, 0x6D };               /* rep insd (REX.W) */
	static const uint8_t notstr[] = { 0xF3, 0xEE };                  /* out dx, al */
	unsigned as;
	int seg;

	CHECK(insn_string_io(plain, sizeof plain, false, true, &as, &seg) == 2 && as == 4 && seg == -1);
	CHECK(insn_string_io(plain, sizeof plain, false, false, &as, &seg) == 2 && as == 2);
	CHECK(insn_string_io(plain, sizeof plain, true, false, &as, &seg) == 2 && as == 8);
	CHECK(insn_string_io(fs67, sizeof fs67, false, true, &as, &seg) == 4 && as == 2 && seg == 4);
	CHECK(insn_string_io(fs67, sizeof fs67, false, false, &as, &seg) == 4 && as == 4);
	CHECK(insn_string_io(fs67, sizeof fs67, true, false, &as, &seg) == 4 && as == 4 && seg == 4);
	CHECK(insn_string_io(rex, sizeof rex, true, false, &as, &seg) == 3 && as == 8);
	CHECK(insn_string_io(rex, sizeof rex, false, true, &as, &seg) == -1);   /* 48 is DEC there */
	CHECK(insn_string_io(notstr, sizeof notstr, false, true, &as, &seg) == -1);
	CHECK(insn_string_io(plain, 1, false, true, &as, &seg) == -1);
}
