/*
 * Host tests of virt/mmio_insn.c: decoding and carrying out the
 * instruction that touched an MMIO page.  A fake device records every
 * access; each form of the header in 16-, 32- and 64-bit code with each
 * operand size, the prefixes, byte registers, register write rules,
 * ModR/M/SIB/displacement lengths (SDM Vol. 2 Tables 2-1 to 2-3),
 * flags (SDM Vol. 1 Appendix A), STOS and REP, and every refusal.
 */
#define TEST_MAIN
#include "tests/test.h"
#include "virt/mmio_insn.h"

#include <stdbool.h>
#include <stdint.h>

#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define IF 0x200u
#define DF 0x400u
#define OF 0x800u
#define ARITH (CF | PF | AF | ZF | SF | OF)

enum { M16 = MMIO_MODE16, M32 = MMIO_MODE32, M64 = MMIO_MODE64 };
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

/* ---- the fake device --------------------------------------------- */

struct access {
	char rw;               /* 'r' or 'w' */
	int64_t off;
	unsigned size;
	uint64_t val;
};

#define LOG_MAX 64
static struct {
	struct access log[LOG_MAX];
	unsigned n;            /* every access, also beyond LOG_MAX */
	uint64_t readval;      /* what reads return (wider than asked) */
} dev;

static void record(char rw, int64_t off, unsigned size, uint64_t val)
{
	if (dev.n < LOG_MAX)
		dev.log[dev.n] = (struct access){ rw, off, size, val };
	dev.n++;
}

static uint64_t f_read(void *ctx, int64_t off, unsigned size)
{
	(void)ctx;
	record('r', off, size, dev.readval & (size == 8 ? ~0ull : (1ull << 8 * size) - 1));
	return dev.readval;
}

static void f_write(void *ctx, int64_t off, unsigned size, uint64_t val)
{
	(void)ctx;
	record('w', off, size, val);
}

static const struct mmio_access acc = { f_read, f_write, NULL, 0, 0 };   /* unbounded */
static struct mmio_cpu cpu;
static const char *why;

/* Registers with a distinct pattern, RFLAGS with only the fixed bit. */
static void reset(void)
{
	for (unsigned i = 0; i < 16; i++)
		cpu.gpr[i] = 0xDEADBEEF00000000ull | (i * 0x01010101u);
	cpu.rflags = 0x2;
	dev.readval = 0;
	dev.n = 0;
}

static bool is(unsigned i, char rw, int64_t off, unsigned size, uint64_t val)
{
	const struct access *a = &dev.log[i];
	return i < dev.n && a->rw == rw && a->off == off && a->size == size && a->val == val;
}

static bool same_cpu(const struct mmio_cpu *a, const struct mmio_cpu *b)
{
	return memcmp(a->gpr, b->gpr, sizeof a->gpr) == 0 && a->rflags == b->rflags && a->mode == b->mode;
}

#define B(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

/* Emulate b[0..n) with exactly n bytes available.  One byte fewer must
 * be refused as "bytes ran out" without touching the device or the
 * CPU; a mismatch there returns 99 so the caller's length check fails. */
static unsigned emu_n(int mode, const uint8_t *b, size_t n)
{
	struct mmio_cpu saved;

	cpu.mode = (enum mmio_mode)mode;
	saved = cpu;
	dev.n = 0;
	if (mmio_emulate(b, n - 1, &cpu, &acc, &why) != 0 || strcmp(why, "bytes ran out") != 0 ||
	    dev.n != 0 || !same_cpu(&saved, &cpu))
		return 99;
	why = NULL;
	return mmio_emulate(b, n, &cpu, &acc, &why);
}
#define EMU(mode, ...) emu_n(mode, B(__VA_ARGS__))

/* The length with trailing junk available too (the decoder must stop). */
static unsigned len_pad(int mode, const uint8_t *b, size_t n)
{
	uint8_t buf[40];

	memcpy(buf, b, n);
	memset(buf + n, 0xCC, sizeof buf - n);
	cpu.mode = (enum mmio_mode)mode;
	dev.n = 0;
	return mmio_emulate(buf, sizeof buf, &cpu, &acc, &why);
}

/* Refused with reason `r`, and nothing touched. */
static bool refused(int mode, const char *r, const uint8_t *b, size_t n)
{
	struct mmio_cpu saved;
	uint8_t buf[40];

	memcpy(buf, b, n);
	memset(buf + n, 0x00, sizeof buf - n);
	cpu.mode = (enum mmio_mode)mode;
	saved = cpu;
	dev.n = 0;
	why = NULL;
	return mmio_emulate(buf, n, &cpu, &acc, &why) == 0 && why && strcmp(why, r) == 0 &&
	       dev.n == 0 && same_cpu(&saved, &cpu);
}
#define REFUSED(mode, r, ...) refused(mode, r, B(__VA_ARGS__))

/* ---- MOV ---------------------------------------------------------- */

TEST(mov_store_each_mode_and_size)
{
	reset();
	/* 16-bit code: mov [bx], cx; 66 -> ecx; 67 -> [eax] */
	CHECK(EMU(M16, 0x89, 0x0F) == 2 && dev.n == 1 && is(0, 'w', 0, 2, 0x0101));
	CHECK(EMU(M16, 0x66, 0x89, 0x0F) == 3 && is(0, 'w', 0, 4, 0x01010101));
	CHECK(EMU(M16, 0x67, 0x89, 0x08) == 3 && is(0, 'w', 0, 2, 0x0101));
	/* 32-bit code: mov [eax], ecx; 66 -> cx */
	CHECK(EMU(M32, 0x89, 0x08) == 2 && is(0, 'w', 0, 4, 0x01010101));
	CHECK(EMU(M32, 0x66, 0x89, 0x08) == 3 && is(0, 'w', 0, 2, 0x0101));
	/* 64-bit code: default 4, REX.W 8, 66 2, REX.W wins over 66 */
	CHECK(EMU(M64, 0x89, 0x08) == 2 && is(0, 'w', 0, 4, 0x01010101));
	CHECK(EMU(M64, 0x48, 0x89, 0x08) == 3 && is(0, 'w', 0, 8, 0xDEADBEEF01010101));
	CHECK(EMU(M64, 0x66, 0x89, 0x08) == 3 && is(0, 'w', 0, 2, 0x0101));
	CHECK(EMU(M64, 0x66, 0x48, 0x89, 0x08) == 4 && is(0, 'w', 0, 8, 0xDEADBEEF01010101));
	/* 88: byte, whatever 66 or REX.W say; mov [rax], dl */
	for (int m = M16; m <= M64; m *= 2)
		CHECK(EMU(m, 0x66, 0x88, m == M16 ? 0x17 : 0x10) == 3 && is(0, 'w', 0, 1, 0x02));
	CHECK(EMU(M64, 0x48, 0x88, 0x10) == 3 && is(0, 'w', 0, 1, 0x02));
	CHECK(cpu.rflags == 0x2);
}

TEST(mov_load_register_write_rules)
{
	reset();
	dev.readval = 0x8877665544332211ull;
	/* 64-bit: 32-bit results zero-extend, 8/16 keep the rest */
	CHECK(EMU(M64, 0x8B, 0x08) == 2 && is(0, 'r', 0, 4, 0x44332211) && cpu.gpr[RCX] == 0x44332211);
	CHECK(EMU(M64, 0x66, 0x8B, 0x10) == 3 && cpu.gpr[RDX] == 0xDEADBEEF02022211ull);
	CHECK(EMU(M64, 0x8A, 0x18) == 2 && cpu.gpr[RBX] == 0xDEADBEEF03030311ull);
	CHECK(EMU(M64, 0x48, 0x8B, 0x30) == 3 && is(0, 'r', 0, 8, 0x8877665544332211ull) &&
	      cpu.gpr[RSI] == 0x8877665544332211ull);
	/* 32-bit code: EAX written as a whole (upper half zeroed) */
	reset();
	dev.readval = 0x8877665544332211ull;
	CHECK(EMU(M32, 0x8B, 0x00) == 2 && cpu.gpr[RAX] == 0x44332211);
	CHECK(EMU(M32, 0x66, 0x8B, 0x08) == 3 && cpu.gpr[RCX] == 0xDEADBEEF01012211ull);
	/* 16-bit code: 8B /r is 16 bits, 66 makes it 32 */
	CHECK(EMU(M16, 0x8B, 0x17) == 2 && is(0, 'r', 0, 2, 0x2211) && cpu.gpr[RDX] == 0xDEADBEEF02022211ull);
	CHECK(EMU(M16, 0x66, 0x8B, 0x1F) == 3 && cpu.gpr[RBX] == 0x44332211);
	CHECK(cpu.rflags == 0x2);
}

TEST(byte_registers_ah_vs_spl)
{
	reset();
	cpu.gpr[RAX] = 0x1122;
	cpu.gpr[RSP] = 0x3344;
	/* mov [rax], ah / with REX: spl / REX.R: r12b */
	CHECK(EMU(M64, 0x88, 0x20) == 2 && is(0, 'w', 0, 1, 0x11));
	CHECK(EMU(M64, 0x40, 0x88, 0x20) == 3 && is(0, 'w', 0, 1, 0x44));
	CHECK(EMU(M64, 0x44, 0x88, 0x20) == 3 && is(0, 'w', 0, 1, 0x0C));
	CHECK(EMU(M16, 0x88, 0x27) == 2 && is(0, 'w', 0, 1, 0x11));   /* [bx], ah */
	CHECK(EMU(M32, 0x88, 0x38) == 2 && is(0, 'w', 0, 1, 0x03));   /* bh */
	/* loads: AH is bits 15:8 of RAX, SPL the low byte of RSP */
	dev.readval = 0xA5;
	CHECK(EMU(M64, 0x8A, 0x20) == 2 && cpu.gpr[RAX] == 0xA522 && cpu.gpr[RSP] == 0x3344);
	CHECK(EMU(M64, 0x40, 0x8A, 0x20) == 3 && cpu.gpr[RSP] == 0x33A5 && cpu.gpr[RAX] == 0xA522);
	CHECK(EMU(M64, 0x8A, 0x38) == 2 && cpu.gpr[RBX] == 0xDEADBEEF0303A503ull);   /* bh */
	CHECK(EMU(M64, 0x40, 0x8A, 0x38) == 3 && cpu.gpr[RDI] == 0xDEADBEEF070707A5ull); /* dil */
}

TEST(rex_r_and_b)
{
	reset();
	/* REX.R extends reg: r8..r15; REX.B only extends the base */
	CHECK(EMU(M64, 0x4C, 0x89, 0x00) == 3 && is(0, 'w', 0, 8, 0xDEADBEEF08080808ull));
	CHECK(EMU(M64, 0x44, 0x89, 0x38) == 3 && is(0, 'w', 0, 4, 0x0F0F0F0F));
	CHECK(EMU(M64, 0x41, 0x89, 0x38) == 3 && is(0, 'w', 0, 4, 0x07070707));
	CHECK(EMU(M64, 0x41, 0x89, 0x04, 0x24) == 4 && is(0, 'w', 0, 4, 0));   /* [r12] */
	dev.readval = 0x12345678;
	CHECK(EMU(M64, 0x45, 0x8B, 0x38) == 3 && cpu.gpr[R15] == 0x12345678);
	CHECK(EMU(M64, 0x44, 0x8A, 0x08) == 3 && cpu.gpr[R9] == 0xDEADBEEF09090978ull);
	CHECK(EMU(M64, 0x66, 0x44, 0x8B, 0x10) == 4 && cpu.gpr[R10] == 0xDEADBEEF0A0A5678ull);
	CHECK(EMU(M64, 0x4F, 0x87, 0x1C, 0xE4) == 4 && cpu.gpr[R11] == 0x12345678);  /* xchg [r12], r11 */
}

TEST(rex_must_be_last_prefix)
{
	reset();
	/* 48 66 89: the REX is followed by 66 and is ignored -> 16 bits */
	CHECK(EMU(M64, 0x48, 0x66, 0x89, 0x08) == 4 && is(0, 'w', 0, 2, 0x0101));
	/* 44 F0 01 00: lock add [rax], eax -- not r8d */
	CHECK(EMU(M64, 0x44, 0xF0, 0x01, 0x00) == 4 && is(1, 'w', 0, 4, 0));
	/* 40 2E 88 20: the REX is ignored, so ah, not spl */
	cpu.gpr[RAX] = 0x7700;
	CHECK(EMU(M64, 0x40, 0x2E, 0x88, 0x20) == 4 && is(0, 'w', 0, 1, 0x77));
	/* two REX: the last counts */
	CHECK(EMU(M64, 0x4C, 0x48, 0x89, 0x00) == 4 && is(0, 'w', 0, 8, 0x7700));
	/* outside 64-bit code 40-4F are INC/DEC */
	CHECK(REFUSED(M32, "opcode not emulated", 0x48, 0x89, 0x00));
	CHECK(REFUSED(M16, "opcode not emulated", 0x40, 0x88, 0x20));
}

TEST(mov_immediate)
{
	reset();
	CHECK(EMU(M64, 0xC6, 0x00, 0x9A) == 3 && is(0, 'w', 0, 1, 0x9A));
	CHECK(EMU(M64, 0xC7, 0x00, 0x78, 0x56, 0x34, 0x92) == 6 && is(0, 'w', 0, 4, 0x92345678));
	CHECK(EMU(M64, 0x66, 0xC7, 0x00, 0x34, 0x92) == 5 && is(0, 'w', 0, 2, 0x9234));
	CHECK(EMU(M64, 0x48, 0xC7, 0x00, 0x00, 0x00, 0x00, 0x80) == 7 && is(0, 'w', 0, 8, 0xFFFFFFFF80000000ull));
	CHECK(EMU(M64, 0x48, 0xC7, 0x00, 0xFF, 0xFF, 0xFF, 0x7F) == 7 && is(0, 'w', 0, 8, 0x7FFFFFFF));
	CHECK(EMU(M32, 0xC7, 0x40, 0x10, 0x01, 0x00, 0x00, 0x00) == 7 && is(0, 'w', 0, 4, 1));
	CHECK(EMU(M32, 0x66, 0xC7, 0x00, 0x01, 0x80) == 5 && is(0, 'w', 0, 2, 0x8001));
	CHECK(EMU(M16, 0xC7, 0x06, 0x00, 0x03, 0xEF, 0xBE) == 6 && is(0, 'w', 0, 2, 0xBEEF));
	CHECK(EMU(M16, 0x66, 0xC7, 0x07, 0x01, 0x02, 0x03, 0x04) == 7 && is(0, 'w', 0, 4, 0x04030201));
	CHECK(EMU(M16, 0xC6, 0x47, 0x05, 0x7E) == 4 && is(0, 'w', 0, 1, 0x7E));
	CHECK(cpu.rflags == 0x2);
}

TEST(mov_moffs_sizes)
{
	reset();
	dev.readval = 0x8877665544332211ull;
	/* 64-bit: 8-byte moffs, 4 with 67 */
	CHECK(EMU(M64, 0xA1, 1, 2, 3, 4, 5, 6, 7, 8) == 9 && cpu.gpr[RAX] == 0x44332211);
	CHECK(EMU(M64, 0x48, 0xA1, 1, 2, 3, 4, 5, 6, 7, 8) == 10 && cpu.gpr[RAX] == 0x8877665544332211ull);
	cpu.gpr[RAX] = 0;
	CHECK(EMU(M64, 0x67, 0xA0, 1, 2, 3, 4) == 6 && cpu.gpr[RAX] == 0x11);
	cpu.gpr[RAX] = 0xCAFEF00DBAADC0DEull;
	CHECK(EMU(M64, 0x48, 0xA3, 1, 2, 3, 4, 5, 6, 7, 8) == 10 && is(0, 'w', 0, 8, 0xCAFEF00DBAADC0DEull));
	CHECK(EMU(M64, 0x66, 0x67, 0xA3, 1, 2, 3, 4) == 7 && is(0, 'w', 0, 2, 0xC0DE));
	CHECK(EMU(M64, 0xA2, 1, 2, 3, 4, 5, 6, 7, 8) == 9 && is(0, 'w', 0, 1, 0xDE));
	/* 32-bit: 4, 2 with 67 */
	CHECK(EMU(M32, 0xA3, 1, 2, 3, 4) == 5 && is(0, 'w', 0, 4, 0xBAADC0DE));
	CHECK(EMU(M32, 0x67, 0xA3, 1, 2) == 4 && is(0, 'w', 0, 4, 0xBAADC0DE));
	CHECK(EMU(M32, 0x66, 0xA1, 1, 2, 3, 4) == 6 && cpu.gpr[RAX] == 0xCAFEF00DBAAD2211ull);
	/* 16-bit: 2, 4 with 67 */
	cpu.gpr[RAX] = 0xCAFEF00DBAADC0DEull;
	CHECK(EMU(M16, 0xA1, 1, 2) == 3 && cpu.gpr[RAX] == 0xCAFEF00DBAAD2211ull);
	CHECK(EMU(M16, 0x67, 0xA2, 1, 2, 3, 4) == 6 && is(0, 'w', 0, 1, 0x11));
	CHECK(EMU(M16, 0x66, 0x67, 0xA1, 1, 2, 3, 4) == 7 && cpu.gpr[RAX] == 0x44332211);
	CHECK(len_pad(M64, B(0xA1, 1, 2, 3, 4, 5, 6, 7, 8)) == 9);
}

TEST(movzx_movsx)
{
	reset();
	dev.readval = 0xFFFFFFFFFFFF8081ull;
	CHECK(EMU(M64, 0x0F, 0xB6, 0x08) == 3 && is(0, 'r', 0, 1, 0x81) && cpu.gpr[RCX] == 0x81);
	CHECK(EMU(M64, 0x0F, 0xB7, 0x08) == 3 && is(0, 'r', 0, 2, 0x8081) && cpu.gpr[RCX] == 0x8081);
	CHECK(EMU(M64, 0x0F, 0xBE, 0x10) == 3 && cpu.gpr[RDX] == 0xFFFFFF81);
	CHECK(EMU(M64, 0x48, 0x0F, 0xBE, 0x10) == 4 && cpu.gpr[RDX] == 0xFFFFFFFFFFFFFF81ull);
	CHECK(EMU(M64, 0x48, 0x0F, 0xBF, 0x18) == 4 && cpu.gpr[RBX] == 0xFFFFFFFFFFFF8081ull);
	CHECK(EMU(M64, 0x4C, 0x0F, 0xB7, 0x00) == 4 && cpu.gpr[R8] == 0x8081);
	CHECK(EMU(M64, 0x66, 0x0F, 0xBE, 0x30) == 4 && cpu.gpr[RSI] == 0xDEADBEEF0606FF81ull);
	CHECK(EMU(M64, 0x66, 0x0F, 0xB6, 0x38) == 4 && cpu.gpr[RDI] == 0xDEADBEEF07070081ull);
	CHECK(EMU(M32, 0x0F, 0xBF, 0x28) == 3 && cpu.gpr[RBP] == 0xFFFF8081);
	CHECK(EMU(M16, 0x0F, 0xBE, 0x07) == 3 && cpu.gpr[RAX] == 0xDEADBEEF0000FF81ull);
	CHECK(EMU(M16, 0x66, 0x0F, 0xB7, 0x0F) == 4 && cpu.gpr[RCX] == 0x8081);
	dev.readval = 0x7F;
	CHECK(EMU(M16, 0x0F, 0xBE, 0x27) == 3 && cpu.gpr[RSP] == 0xDEADBEEF0404007Full);
	CHECK(cpu.rflags == 0x2);
}

/* ---- arithmetic ------------------------------------------------------ */

/* op [rax], ecx (opcode alu*8+1, or +0 for bytes) in 64-bit code:
 * memory a, ECX b, CF in.  Returns the flags; *r the written value. */
static unsigned flags_of(unsigned alu, unsigned size, uint64_t a, uint64_t b, unsigned cf, uint64_t *r)
{
	uint8_t insn[3];
	unsigned n = 0, len;

	reset();
	if (size == 2)
		insn[n++] = 0x66;
	if (size == 8)
		insn[n++] = 0x48;
	insn[n++] = (uint8_t)(alu * 8 + (size == 1 ? 0 : 1));
	insn[n++] = 0x08;
	dev.readval = a;
	cpu.gpr[RCX] = b;
	cpu.rflags = 0x2 | IF | DF | (ARITH & ~CF) | cf;
	len = emu_n(M64, insn, n);
	*r = dev.n == 2 ? dev.log[1].val : ~0ull;
	if (len != n || (cpu.rflags & ~ARITH) != (0x2 | IF | DF) || !is(0, 'r', 0, size, a & (size == 8 ? ~0ull : (1ull << 8 * size) - 1)))
		return ~0u;
	return (unsigned)(cpu.rflags & ARITH);
}

enum { ADD, OR, ADC, SBB, AND, SUB, XOR, CMP };
static const struct flag_case {
	unsigned alu, size;
	uint64_t a, b;
	unsigned cf;
	uint64_t r;
	unsigned flags;
} flag_cases[] = {
	{ ADD, 1, 0x7F, 0x01, 0, 0x80, OF | SF | AF },
	{ ADD, 1, 0xFF, 0x01, 0, 0x00, CF | ZF | AF | PF },
	{ ADD, 1, 0x0F, 0x01, 0, 0x10, AF },
	{ ADD, 1, 0x01, 0x02, 1, 0x03, PF },             /* ADD ignores CF */
	{ ADD, 2, 0x7FFF, 0x0001, 0, 0x8000, OF | SF | AF | PF },
	{ ADD, 4, 0xFFFFFFFF, 1, 0, 0, CF | ZF | AF | PF },
	{ ADD, 4, 0x80000000, 0x80000000, 0, 0, CF | OF | ZF | PF },
	{ ADD, 8, ~0ull, 1, 0, 0, CF | ZF | AF | PF },
	{ ADD, 8, 0x8000000000000000ull, 0x8000000000000000ull, 0, 0, CF | OF | ZF | PF },
	{ ADD, 8, 0x7FFFFFFFFFFFFFFFull, 1, 0, 0x8000000000000000ull, OF | SF | AF | PF },
	{ SUB, 1, 0x00, 0x01, 0, 0xFF, CF | SF | AF | PF },
	{ SUB, 1, 0x80, 0x01, 0, 0x7F, OF | AF },
	{ SUB, 1, 0x10, 0x01, 0, 0x0F, AF | PF },
	{ SUB, 1, 0x05, 0x05, 1, 0x00, ZF | PF },
	{ SUB, 2, 0x0000, 0x8000, 0, 0x8000, CF | OF | SF | PF },
	{ SUB, 4, 0x7FFFFFFF, 0xFFFFFFFF, 0, 0x80000000, CF | OF | SF | PF },
	{ SUB, 8, 0, 1, 0, ~0ull, CF | SF | AF | PF },
	{ ADC, 1, 0xFF, 0x00, 1, 0x00, CF | ZF | AF | PF },
	{ ADC, 1, 0x7F, 0x00, 1, 0x80, OF | SF | AF },
	{ ADC, 1, 0x01, 0x01, 1, 0x03, PF },
	{ ADC, 1, 0xFF, 0x00, 0, 0xFF, SF | PF },
	{ ADC, 8, ~0ull, ~0ull, 1, ~0ull, CF | SF | AF | PF },
	{ ADC, 2, 0x7FFE, 0x0001, 1, 0x8000, OF | SF | AF | PF },
	{ SBB, 1, 0x00, 0x00, 1, 0xFF, CF | SF | AF | PF },
	{ SBB, 1, 0x80, 0x00, 1, 0x7F, OF | AF },
	{ SBB, 1, 0x05, 0x04, 1, 0x00, ZF | PF },
	{ SBB, 1, 0x05, 0x04, 0, 0x01, 0 },
	{ SBB, 4, 0, 0xFFFFFFFF, 1, 0, CF | ZF | AF | PF },
	{ SBB, 8, 0, 0, 1, ~0ull, CF | SF | AF | PF },
	{ AND, 1, 0xF0, 0x0F, 1, 0x00, ZF | PF },
	{ AND, 8, 0x8000000000000000ull, ~0ull, 1, 0x8000000000000000ull, SF | PF },
	{ OR, 1, 0x80, 0x01, 1, 0x81, SF | PF },
	{ OR, 2, 0x0100, 0x0000, 1, 0x0100, PF },
	{ OR, 4, 0x00000001, 0x00000002, 1, 0x3, PF },
	{ XOR, 1, 0xFF, 0x01, 1, 0xFE, SF },
	{ XOR, 4, 0x12345678, 0x12345678, 1, 0, ZF | PF },
	{ CMP, 1, 0x00, 0x01, 0, ~0ull, CF | SF | AF | PF },  /* ~0: no write */
	{ CMP, 4, 0x80000000, 1, 0, ~0ull, OF | AF | PF },
	{ CMP, 8, 5, 5, 1, ~0ull, ZF | PF },
};

TEST(flags_of_each_operation)
{
	for (size_t i = 0; i < sizeof flag_cases / sizeof flag_cases[0]; i++) {
		const struct flag_case *c = &flag_cases[i];
		uint64_t r;
		unsigned f = flags_of(c->alu, c->size, c->a, c->b, c->cf, &r);

		if (f != c->flags || r != c->r)
			printf("  case %zu: flags %#x (want %#x), result %#llx\n", i, f, c->flags,
			       (unsigned long long)r);
		CHECK(f == c->flags && r == c->r);
		CHECK(c->alu == CMP ? dev.n == 1 : is(1, 'w', 0, c->size, c->r));
	}
}

TEST(alu_memory_destination_all_ops)
{
	/* op [mem], reg for the eight operations in each mode */
	static const uint32_t want[8] = { 0x0F, 0x0F, 0x0F, 0x09, 0x00, 0x09, 0x0F, 0 };
	for (unsigned op = 0; op < 8; op++) {
		reset();
		dev.readval = 0x0C;
		cpu.gpr[RDX] = 3;
		CHECK(EMU(M64, (uint8_t)(op * 8 + 1), 0x10) == 2 && is(0, 'r', 0, 4, 0x0C));
		CHECK(op == CMP ? dev.n == 1 : dev.n == 2 && is(1, 'w', 0, 4, want[op]));
		CHECK(EMU(M32, (uint8_t)(op * 8 + 0), 0x10) == 2 && is(0, 'r', 0, 1, 0x0C));
		CHECK(op == CMP ? dev.n == 1 : is(1, 'w', 0, 1, want[op]));
		CHECK(EMU(M16, (uint8_t)(op * 8 + 1), 0x17) == 2 && is(0, 'r', 0, 2, 0x0C));
		CHECK(op == CMP ? dev.n == 1 : is(1, 'w', 0, 2, want[op]));
		CHECK(cpu.gpr[RDX] == 3);
	}
	/* lock or dword [rax+disp8], ecx */
	reset();
	dev.readval = 0x100;
	CHECK(EMU(M64, 0xF0, 0x09, 0x48, 0x10) == 4 && is(1, 'w', 0, 4, 0x01010101 | 0x100));
}

TEST(alu_register_destination)
{
	reset();
	dev.readval = 0x8000000000000001ull;
	cpu.gpr[RCX] = 0xFFFFFFFF00000001ull;
	CHECK(EMU(M64, 0x03, 0x08) == 2 && dev.n == 1 && cpu.gpr[RCX] == 2);   /* zero-extended */
	CHECK(EMU(M64, 0x48, 0x03, 0x08) == 3 && cpu.gpr[RCX] == 0x8000000000000003ull && (cpu.rflags & SF));
	CHECK(EMU(M64, 0x66, 0x2B, 0x08) == 3 && cpu.gpr[RCX] == 0x8000000000000002ull);
	CHECK(EMU(M64, 0x3B, 0x08) == 2 && dev.n == 1 && cpu.gpr[RCX] == 0x8000000000000002ull &&
	      (cpu.rflags & ARITH) == 0);          /* 2 - 1: CMP leaves the register */
	cpu.gpr[RAX] = 0x1234;
	CHECK(EMU(M64, 0x02, 0x20) == 2 && cpu.gpr[RAX] == 0x1334);             /* add ah, [rax] */
	CHECK(EMU(M64, 0x40, 0x0A, 0x20) == 3 && cpu.gpr[RSP] == 0xDEADBEEF04040405ull);  /* or spl */
	CHECK(EMU(M64, 0x4C, 0x33, 0x38) == 3 && cpu.gpr[R15] == 0x5EADBEEF0F0F0F0Eull);
	CHECK(EMU(M32, 0x23, 0x18) == 2 && cpu.gpr[RBX] == 1);
	CHECK(EMU(M16, 0x13, 0x17) == 2 && cpu.gpr[RDX] == 0xDEADBEEF02020203ull);  /* adc dx, CF=0 */
	cpu.rflags |= CF;
	CHECK(EMU(M16, 0x1B, 0x17) == 2 && cpu.gpr[RDX] == 0xDEADBEEF02020201ull);  /* sbb dx, [bx] */
}

TEST(alu_immediate_forms)
{
	reset();
	dev.readval = 0x10;
	CHECK(EMU(M64, 0x80, 0x08, 0x81) == 3 && is(1, 'w', 0, 1, 0x91));        /* or byte, 81h */
	CHECK(EMU(M64, 0x81, 0x00, 1, 0, 0, 0x80) == 6 && is(1, 'w', 0, 4, 0x80000011));
	CHECK(EMU(M64, 0x48, 0x81, 0x00, 0xF0, 0xFF, 0xFF, 0xFF) == 7 && is(1, 'w', 0, 8, 0));  /* +(-16) */
	CHECK((cpu.rflags & (CF | ZF)) == (CF | ZF));
	CHECK(EMU(M64, 0x83, 0x00, 0xFF) == 3 && is(1, 'w', 0, 4, 0x0F));        /* add -1 */
	CHECK(EMU(M64, 0x48, 0x83, 0x20, 0xF0) == 4 && is(1, 'w', 0, 8, 0x10));  /* and ~15 */
	CHECK(EMU(M64, 0x66, 0x83, 0x28, 0x20) == 4 && is(1, 'w', 0, 2, 0xFFF0));  /* sub 32 */
	CHECK(EMU(M64, 0x66, 0x81, 0x30, 0x10, 0x80) == 5 && is(1, 'w', 0, 2, 0x8000));  /* xor */
	CHECK(EMU(M64, 0x83, 0x38, 0x10) == 3 && dev.n == 1 && (cpu.rflags & ZF));  /* cmp */
	CHECK(EMU(M64, 0x80, 0x38, 0x11) == 3 && dev.n == 1 && (cpu.rflags & CF));
	cpu.rflags |= CF;
	CHECK(EMU(M32, 0x83, 0x10, 0x01) == 3 && is(1, 'w', 0, 4, 0x12));         /* adc */
	cpu.rflags |= CF;
	CHECK(EMU(M32, 0x83, 0x18, 0x01) == 3 && is(1, 'w', 0, 4, 0x0E));         /* sbb */
	CHECK(EMU(M16, 0x81, 0x0F, 0x01, 0x01) == 4 && is(1, 'w', 0, 2, 0x0111));
	CHECK(EMU(M16, 0x66, 0x81, 0x0F, 1, 2, 3, 4) == 7 && is(1, 'w', 0, 4, 0x04030211));
	CHECK(EMU(M16, 0x66, 0x83, 0x07, 0x80) == 4 && is(1, 'w', 0, 4, 0xFFFFFF90));
	CHECK(EMU(M16, 0x80, 0x06, 0x00, 0x01, 0x04) == 5 && is(1, 'w', 0, 1, 0x14));
}

TEST(test_forms)
{
	reset();
	dev.readval = 0x80;
	cpu.rflags = 0x2 | ARITH;
	CHECK(EMU(M64, 0x84, 0x00) == 2 && dev.n == 1 && (cpu.rflags & ARITH) == ZF + PF);  /* & 0 */
	cpu.gpr[RBX] = 0xFF;
	CHECK(EMU(M64, 0x85, 0x18) == 2 && dev.n == 1 && (cpu.rflags & ARITH) == 0);
	CHECK(EMU(M64, 0xF6, 0x00, 0x80) == 3 && dev.n == 1 && (cpu.rflags & ARITH) == SF);
	dev.readval = 0x8000000000000000ull;
	CHECK(EMU(M64, 0x48, 0xF7, 0x00, 0, 0, 0, 0x80) == 7 && dev.n == 1 && (cpu.rflags & ARITH) == (SF | PF));
	CHECK(EMU(M64, 0xF7, 0x00, 0, 0, 0, 0x80) == 6 && (cpu.rflags & ARITH) == (ZF | PF));
	CHECK(EMU(M32, 0x66, 0xF7, 0x00, 0xFF, 0xFF) == 5 && is(0, 'r', 0, 2, 0));
	CHECK(EMU(M16, 0xF7, 0x06, 0x34, 0x12, 0x01, 0x00) == 6 && is(0, 'r', 0, 2, 0));
	CHECK(cpu.gpr[RBX] == 0xFF);
}

TEST(xchg_forms)
{
	reset();
	dev.readval = 0x8877665544332211ull;
	cpu.gpr[RAX] = 0xFFFFFFFF11112222ull;
	CHECK(EMU(M64, 0x87, 0x00) == 2 && is(0, 'r', 0, 4, 0x44332211) && is(1, 'w', 0, 4, 0x11112222) &&
	      cpu.gpr[RAX] == 0x44332211);
	CHECK(EMU(M64, 0x48, 0x87, 0x08) == 3 && is(1, 'w', 0, 8, 0xDEADBEEF01010101ull) &&
	      cpu.gpr[RCX] == 0x8877665544332211ull);
	CHECK(EMU(M64, 0x86, 0x30) == 2 && is(1, 'w', 0, 1, 0x02) && cpu.gpr[RDX] == 0xDEADBEEF02021102ull);
	CHECK(EMU(M64, 0xF0, 0x66, 0x87, 0x18) == 4 && is(1, 'w', 0, 2, 0x0303) && cpu.gpr[RBX] == 0xDEADBEEF03032211ull);
	CHECK(EMU(M16, 0x87, 0x3F) == 2 && is(1, 'w', 0, 2, 0x0707) && cpu.gpr[RDI] == 0xDEADBEEF07072211ull);
	CHECK(EMU(M32, 0x87, 0x28) == 2 && cpu.gpr[RBP] == 0x44332211);
	CHECK(cpu.rflags == 0x2);
}

/* ---- addressing lengths --------------------------------------------- */

/* 89 /r in 16-bit addressing: mod 00 (rm 110: disp16), 01 disp8, 10 disp16. */
TEST(modrm_lengths_16bit_addressing)
{
	for (unsigned mod = 0; mod < 3; mod++)
		for (unsigned rm = 0; rm < 8; rm++) {
			unsigned disp = mod == 1 ? 1 : mod == 2 || rm == 6 ? 2 : 0;
			uint8_t b[8] = { 0x67, 0x89, (uint8_t)(mod << 6 | 3 << 3 | rm), 1, 2 };

			reset();
			CHECK(len_pad(M16, b + 1, 2) == 2 + disp);
			CHECK(emu_n(M16, b + 1, 2 + disp) == 2 + disp && is(0, 'w', 0, 2, 0x0303));
			CHECK(emu_n(M32, b, 3 + disp) == 3 + disp && is(0, 'w', 0, 4, 0x03030303));
			/* with an immediate after: C7 /0 iw */
			b[1] = 0xC7;
			b[2] = (uint8_t)(mod << 6 | rm);
			b[3 + disp] = 0x34;
			b[4 + disp] = 0x12;
			CHECK(emu_n(M16, b + 1, 4 + disp) == 4 + disp && is(0, 'w', 0, 2, 0x1234));
		}
}

/* 32/64-bit addressing: SIB on rm 100, disp32 on mod 00 rm 101 and on
 * SIB base 101 with mod 00; REX.B and REX.X change nothing. */
TEST(modrm_lengths_32_64bit_addressing)
{
	static const struct { int mode; uint8_t pre[2]; unsigned np; } forms[] = {
		{ M32, { 0 }, 0 }, { M64, { 0 }, 0 }, { M64, { 0x67 }, 1 }, { M16, { 0x67 }, 1 },
		{ M64, { 0x43 }, 1 }, { M64, { 0x67, 0x41 }, 2 },
	};
	for (unsigned f = 0; f < sizeof forms / sizeof forms[0]; f++)
		for (unsigned mod = 0; mod < 3; mod++)
			for (unsigned rm = 0; rm < 8; rm++)
				for (unsigned base = 0; base < (rm == 4 ? 8u : 1u); base++) {
					uint8_t b[16];
					unsigned n = forms[f].np, sib = rm == 4;
					unsigned disp = mod == 1 ? 1 : mod == 2 ? 4
						: (rm == 5 || (sib && base == 5)) ? 4 : 0;

					memcpy(b, forms[f].pre, n);
					b[n++] = 0xC7;
					b[n++] = (uint8_t)(mod << 6 | rm);
					if (sib)
						b[n++] = (uint8_t)(2 << 6 | 6 << 3 | base);
					memset(b + n, 0x11, disp);
					n += disp;
					memcpy(b + n, "\x78\x56\x34\x12", 4);
					n += forms[f].mode == M16 ? 2 : 4;
					reset();
					CHECK(len_pad(forms[f].mode, b, n) == n);
					CHECK(emu_n(forms[f].mode, b, n) == n &&
					      is(0, 'w', 0, forms[f].mode == M16 ? 2 : 4, forms[f].mode == M16 ? 0x5678 : 0x12345678));
				}
}

TEST(rip_relative)
{
	reset();
	dev.readval = 0x55;
	CHECK(EMU(M64, 0x8B, 0x05, 0xF0, 0xFF, 0xFF, 0xFF) == 6 && cpu.gpr[RAX] == 0x55);
	CHECK(EMU(M64, 0xC7, 0x05, 1, 2, 3, 4, 0xEF, 0xBE, 0xAD, 0xDE) == 10 && is(0, 'w', 0, 4, 0xDEADBEEF));
	CHECK(EMU(M64, 0x48, 0x81, 0x3D, 1, 2, 3, 4, 0x55, 0, 0, 0) == 11 && dev.n == 1 && (cpu.rflags & ZF));
	CHECK(EMU(M64, 0x80, 0x0D, 1, 2, 3, 4, 0x80) == 7 && is(1, 'w', 0, 1, 0xD5));
	CHECK(EMU(M64, 0x67, 0x66, 0xC7, 0x05, 1, 2, 3, 4, 0x34, 0x12) == 10 && is(0, 'w', 0, 2, 0x1234));
	CHECK(EMU(M64, 0x4D, 0x89, 0x05, 1, 2, 3, 4) == 7 && is(0, 'w', 0, 8, 0xDEADBEEF08080808ull));
}

/* ---- prefixes ---------------------------------------------------------- */

TEST(lock_and_segment_prefixes)
{
	static const uint8_t seg[] = { 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65 };
	for (int m = M16; m <= M64; m *= 2)
		for (unsigned s = 0; s < sizeof seg; s++) {
			reset();
			CHECK(EMU(m, seg[s], 0x88, 0x07) == 3 && is(0, 'w', 0, 1, 0));
			CHECK(EMU(m, 0xF0, seg[s], 0x80, 0x37, 0x0F) == 5 && is(1, 'w', 0, 1, 0x0F));
			CHECK(EMU(m, seg[s], 0xF0, 0x86, 0x0F) == 4 && is(1, 'w', 0, 1, 0x01));
		}
	reset();
	/* lock on a form that cannot be locked: #UD on the CPU */
	CHECK(REFUSED(M64, "LOCK prefix on a non-lockable instruction", 0xF0, 0x89, 0x00));
	CHECK(REFUSED(M64, "LOCK prefix on a non-lockable instruction", 0xF0, 0x03, 0x00));
	CHECK(REFUSED(M64, "LOCK prefix on a non-lockable instruction", 0xF0, 0x39, 0x00));
	CHECK(REFUSED(M64, "LOCK prefix on a non-lockable instruction", 0xF0, 0x83, 0x38, 0x01));
	CHECK(REFUSED(M64, "LOCK prefix on a non-lockable instruction", 0xF0, 0x85, 0x00));
	CHECK(REFUSED(M64, "LOCK prefix on a non-lockable instruction", 0xF0, 0xC7, 0x00, 1, 2, 3, 4));
	CHECK(REFUSED(M64, "LOCK prefix on a non-lockable instruction", 0xF0, 0x0F, 0xB6, 0x00));
	CHECK(REFUSED(M64, "LOCK prefix on a non-lockable instruction", 0xF0, 0xAB));
	CHECK(EMU(M64, 0xF0, 0x83, 0x30, 0x01) == 4 && is(1, 'w', 0, 4, 1));
}

/* ---- STOS ---------------------------------------------------------------- */

TEST(stos_single)
{
	reset();
	cpu.gpr[RDI] = 0x1000;
	CHECK(EMU(M64, 0xAB) == 1 && dev.n == 1 && is(0, 'w', 0, 4, 0) && cpu.gpr[RDI] == 0x1004);
	cpu.gpr[RAX] = 0x1122334455667788ull;
	CHECK(EMU(M64, 0x48, 0xAB) == 2 && is(0, 'w', 0, 8, 0x1122334455667788ull) && cpu.gpr[RDI] == 0x100C);
	CHECK(EMU(M64, 0xAA) == 1 && is(0, 'w', 0, 1, 0x88) && cpu.gpr[RDI] == 0x100D);
	CHECK(EMU(M64, 0x66, 0xAB) == 2 && is(0, 'w', 0, 2, 0x7788) && cpu.gpr[RDI] == 0x100F);
	cpu.rflags |= DF;
	CHECK(EMU(M64, 0xAB) == 1 && is(0, 'w', 0, 4, 0x55667788) && cpu.gpr[RDI] == 0x100B);
	CHECK(EMU(M32, 0xAA) == 1 && cpu.gpr[RDI] == 0x100A);
	CHECK(EMU(M16, 0xAB) == 1 && is(0, 'w', 0, 2, 0x7788) && cpu.gpr[RDI] == 0x1008);
	CHECK(cpu.gpr[RCX] == 0xDEADBEEF01010101ull && cpu.rflags == (0x2 | DF));
}

TEST(stos_rep)
{
	reset();
	cpu.gpr[RAX] = 0xAABBCCDD;
	cpu.gpr[RCX] = 3;
	cpu.gpr[RDI] = 0x2000;
	CHECK(EMU(M64, 0xF3, 0xAB) == 2 && dev.n == 3 && is(0, 'w', 0, 4, 0xAABBCCDD) &&
	      is(1, 'w', 4, 4, 0xAABBCCDD) && is(2, 'w', 8, 4, 0xAABBCCDD));
	CHECK(cpu.gpr[RCX] == 0 && cpu.gpr[RDI] == 0x200C);
	cpu.rflags |= DF;
	cpu.gpr[RCX] = 3;
	CHECK(EMU(M64, 0xF3, 0x48, 0xAB) == 3 && dev.n == 3 && is(1, 'w', -8, 8, 0xAABBCCDD) &&
	      is(2, 'w', -16, 8, 0xAABBCCDD) && cpu.gpr[RDI] == 0x1FF4 && cpu.gpr[RCX] == 0);
	cpu.gpr[RCX] = 2;
	CHECK(EMU(M64, 0xF3, 0xAA) == 2 && dev.n == 2 && is(1, 'w', -1, 1, 0xDD) && cpu.gpr[RDI] == 0x1FF2);
	cpu.rflags &= ~(uint64_t)DF;
	cpu.gpr[RCX] = 100;
	CHECK(EMU(M32, 0xF3, 0x66, 0xAB) == 3 && dev.n == 100 && is(63, 'w', 126, 2, 0xCCDD) &&
	      cpu.gpr[RDI] == 0x1FF2 + 200 && cpu.gpr[RCX] == 0);
	CHECK(cpu.rflags == 0x2);
}

TEST(stos_rep_address_sizes)
{
	/* 16-bit: CX counts, only DI moves (and wraps) */
	reset();
	cpu.gpr[RCX] = 0xFFFF0000FFFF0002ull;
	cpu.gpr[RDI] = 0x1234567800FFFFFEull;
	CHECK(EMU(M16, 0xF3, 0xAB) == 2 && dev.n == 2 && is(1, 'w', 2, 2, 0));
	CHECK(cpu.gpr[RCX] == 0xFFFF0000FFFF0000ull && cpu.gpr[RDI] == 0x1234567800FF0002ull);
	/* 67 in 32-bit code: the same with CX/DI */
	cpu.gpr[RCX] = 0x10001;
	cpu.gpr[RDI] = 0xAAAA0000;
	cpu.rflags |= DF;
	CHECK(EMU(M32, 0x67, 0xF3, 0xAA) == 3 && dev.n == 1 && cpu.gpr[RCX] == 0x10000 && cpu.gpr[RDI] == 0xAAAAFFFF);
	/* 67 in 16-bit code: ECX, EDI */
	cpu.rflags = 0x2;
	cpu.gpr[RCX] = 0x00010000;
	cpu.gpr[RDI] = 0;
	dev.n = 0;
	CHECK(EMU(M16, 0x67, 0xF3, 0xAA) == 3 && dev.n == 0x10000 && cpu.gpr[RDI] == 0x10000 && cpu.gpr[RCX] == 0);
	/* 67 in 64-bit code: ECX counts, RDI and RCX zero-extended */
	cpu.gpr[RCX] = 0x7FFFFFFF00000002ull;
	cpu.gpr[RDI] = 0x00000001FFFFFFFCull;
	CHECK(EMU(M64, 0x67, 0xF3, 0xAB) == 3 && dev.n == 2 && cpu.gpr[RCX] == 0 && cpu.gpr[RDI] == 4);
	/* without REP, 67 still picks EDI */
	cpu.gpr[RDI] = 0xFFFFFFFF00000010ull;
	CHECK(EMU(M64, 0x67, 0xAB) == 2 && cpu.gpr[RDI] == 0x14);
	CHECK(EMU(M64, 0x48, 0xAB) == 2 && cpu.gpr[RDI] == 0x1C);
}

TEST(stos_rep_count_zero)
{
	reset();
	cpu.gpr[RCX] = 0;
	cpu.gpr[RDI] = 0x3000;
	CHECK(EMU(M64, 0xF3, 0x48, 0xAB) == 3 && dev.n == 0 && cpu.gpr[RDI] == 0x3000 && cpu.gpr[RCX] == 0);
	cpu.gpr[RCX] = 0xFFFF0000;   /* CX = 0 in 16-bit addressing */
	CHECK(EMU(M16, 0xF3, 0xAA) == 2 && dev.n == 0 && cpu.gpr[RDI] == 0x3000 && cpu.gpr[RCX] == 0xFFFF0000);
	cpu.gpr[RCX] = 0x100000000ull;  /* ECX = 0 */
	cpu.gpr[RDI] = 0xFFFFFFFF00003000ull;   /* nothing written: no zero-extension */
	CHECK(EMU(M64, 0x67, 0xF3, 0xAB) == 3 && dev.n == 0 && cpu.gpr[RDI] == 0xFFFFFFFF00003000ull &&
	      cpu.gpr[RCX] == 0x100000000ull);
}

/* ---- refusals -------------------------------------------------------------- */

TEST(refusals)
{
	uint8_t b[20];

	reset();
	CHECK(REFUSED(M64, "bytes ran out"));
	CHECK(REFUSED(M64, "bytes ran out", 0x66, 0xF0));
	CHECK(REFUSED(M64, "bytes ran out", 0x0F));
	CHECK(REFUSED(M64, "bytes ran out", 0x48, 0x89));
	CHECK(REFUSED(M64, "bytes ran out", 0x89, 0x80, 1, 2, 3));
	CHECK(REFUSED(M16, "bytes ran out", 0x89, 0x06, 1));
	CHECK(REFUSED(M64, "bytes ran out", 0x81, 0x00, 1, 2, 3));
	CHECK(REFUSED(M64, "bytes ran out", 0xA1, 1, 2, 3, 4, 5, 6, 7));
	CHECK(REFUSED(M64, "opcode not emulated", 0x90));
	CHECK(REFUSED(M64, "opcode not emulated", 0x04, 0x01));          /* add al, imm */
	CHECK(REFUSED(M64, "opcode not emulated", 0x05, 1, 2, 3, 4));
	CHECK(REFUSED(M32, "opcode not emulated", 0x82, 0x00, 0x01));
	CHECK(REFUSED(M64, "opcode not emulated", 0x63, 0x00));          /* movsxd */
	CHECK(REFUSED(M64, "opcode not emulated", 0xFF, 0x00));          /* inc */
	CHECK(REFUSED(M64, "opcode not emulated", 0xAD));                /* lods */
	CHECK(REFUSED(M64, "opcode 0f xx not emulated", 0x0F, 0x05));
	CHECK(REFUSED(M64, "opcode 0f xx not emulated", 0x0F, 0xB1, 0x08));  /* cmpxchg */
	CHECK(REFUSED(M64, "MOVS not emulated", 0xA5));
	CHECK(REFUSED(M64, "MOVS not emulated", 0xF3, 0xA4));
	CHECK(REFUSED(M64, "register operand", 0x89, 0xC0));
	CHECK(REFUSED(M64, "register operand", 0x81, 0xC0, 1, 0, 0, 0));
	CHECK(REFUSED(M64, "register operand", 0x0F, 0xB6, 0xC1));
	CHECK(REFUSED(M16, "register operand", 0x86, 0xE0));
	CHECK(REFUSED(M64, "opcode extension not emulated", 0xC6, 0x08, 0x01));
	CHECK(REFUSED(M64, "opcode extension not emulated", 0xC7, 0xF8, 0, 0, 0, 0));  /* xbegin */
	CHECK(REFUSED(M64, "opcode extension not emulated", 0xF7, 0x10));   /* not */
	CHECK(REFUSED(M64, "opcode extension not emulated", 0xF6, 0x08, 0x01));  /* /1 */
	CHECK(REFUSED(M64, "REP prefix on an instruction other than STOS", 0xF3, 0x89, 0x00));
	CHECK(REFUSED(M32, "REP prefix on an instruction other than STOS", 0xF3, 0x01, 0x00));
	CHECK(REFUSED(M64, "REPNE prefix not emulated", 0xF2, 0xAB));
	CHECK(REFUSED(M64, "REPNE prefix not emulated", 0xF2, 0x89, 0x00));
	/* 15 bytes: the limit is the instruction's, not the fetch's */
	memset(b, 0x3E, sizeof b);
	memcpy(b + 5, "\xC7\x80\x01\x02\x03\x04\x05\x06\x07\x08", 10);
	CHECK(emu_n(M64, b, 15) == 15 && is(0, 'w', 0, 4, 0x08070605));
	memset(b, 0x3E, sizeof b);
	memcpy(b + 6, "\xC7\x80\x01\x02\x03\x04\x05\x06\x07\x08", 10);
	CHECK(refused(M64, "instruction longer than 15 bytes", b, 16));
	CHECK(refused(M64, "instruction longer than 15 bytes", b, 15));
	CHECK(refused(M64, "instruction longer than 15 bytes", b, 14));   /* known from b[0..12) */
	CHECK(refused(M64, "bytes ran out", b, 11));
	memset(b, 0x66, sizeof b);
	CHECK(refused(M32, "instruction longer than 15 bytes", b, 20));
	memcpy(b + 14, "\x89", 1);
	CHECK(refused(M32, "bytes ran out", b, 14));
	CHECK(refused(M32, "instruction longer than 15 bytes", b, 15));
	CHECK(cpu.gpr[RCX] == 0xDEADBEEF01010101ull && cpu.rflags == 0x2);
}

/* ---- REP STOS at the device's edge: the rest is left to run again ---- */

TEST(stos_rep_stops_at_the_device_edge)
{
	/* rep stosl, ECX = 10, 8 bytes before the end of the page: two
	 * elements go to the device, ECX = 8 and EDI + 8 are left, and
	 * `repeat` asks for the instruction to run again. */
	static const uint8_t rep_stosl[] = { 0xF3, 0xAB };
	struct mmio_access mem = { f_read, f_write, NULL, 8, 0xFF8 + 1 };
	struct mmio_cpu c = { .mode = MMIO_MODE32, .rflags = 0x2 };

	dev.n = 0;
	c.gpr[RAX] = 0x11223344;
	c.gpr[RCX] = 10;
	c.gpr[RDI] = 0xFEE00FF8;
	CHECK(mmio_emulate(rep_stosl, sizeof rep_stosl, &c, &mem, NULL) == 2);
	CHECK(c.repeat && dev.n == 2);
	CHECK(c.gpr[RCX] == 8 && c.gpr[RDI] == 0xFEE01000);
	/* Downwards (DF) from offset 4: elements at 4 and 0, then the edge. */
	dev.n = 0;
	c.rflags = 0x2 | 1u << 10;
	c.gpr[RCX] = 10;
	c.gpr[RDI] = 0xFEE00004;
	mem.room_up = 0x1000 - 4;
	mem.room_down = 4 + 1;
	CHECK(mmio_emulate(rep_stosl, sizeof rep_stosl, &c, &mem, NULL) == 2);
	CHECK(c.repeat && dev.n == 2 && c.gpr[RCX] == 8 && is(1, 'w', -4, 4, 0x11223344));
	/* A count that fits finishes: no repeat, ECX = 0. */
	dev.n = 0;
	c.rflags = 0x2;
	c.gpr[RCX] = 2;
	mem.room_up = 8;
	CHECK(mmio_emulate(rep_stosl, sizeof rep_stosl, &c, &mem, NULL) == 2);
	CHECK(!c.repeat && dev.n == 2 && c.gpr[RCX] == 0);
}
