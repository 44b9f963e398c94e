/*
 * Emulating the instruction that touched a device's MMIO page (see
 * virt/mmio_insn.h).
 *
 * The bytes are decoded completely first -- prefixes, opcode, ModR/M,
 * SIB, displacement, immediate (Intel SDM Vol. 2 2.1, Figure 2-1) -- and
 * only an instruction that is understood in full is carried out, so a
 * refusal never has touched the device or the registers.
 *
 * Choices where the architecture leaves room (see the header comment
 * for the contract):
 *  - AND/OR/XOR/TEST clear AF (undefined per the SDM; what Intel and
 *    AMD parts do).
 *  - A 32-bit register result is zero-extended to 64 bits in every mode
 *    (SDM Vol. 1 3.4.1.1: required in 64-bit mode, the upper half is
 *    undefined outside it).
 *  - LOCK on an instruction that cannot be locked is refused: the CPU
 *    raises #UD for it (SDM Vol. 2 "LOCK").
 *  - F2 (REPNE) is refused everywhere: it is not one of the prefixes the
 *    header lists.
 */
#include "virt/mmio_insn.h"

#include <stdbool.h>

#define MAX_LEN 15      /* SDM Vol. 2 2.3.11: at most 15 bytes */

#define REX_R 0x04
#define REX_W 0x08

/* RFLAGS bits (SDM Vol. 1 3.4.3, Figure 3-8). */
#define FL_CF 0x001ull
#define FL_PF 0x004ull
#define FL_AF 0x010ull
#define FL_ZF 0x040ull
#define FL_SF 0x080ull
#define FL_DF 0x400ull
#define FL_OF 0x800ull
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/* The eight arithmetic operations in opcode order: 00-3B use bits 5:3
 * of the opcode, 80/81/83 the ModR/M reg field (SDM Vol. 2 Table A-2,
 * Table A-6 group 1). */
enum alu_op { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* What the instruction does, once decoded.  "M" is the memory operand,
 * "R" the register (ModR/M.reg, or rAX for moffs/STOS), "I" the
 * immediate: the destination comes first. */
enum kind {
	K_ALU_MR, K_ALU_RM, K_ALU_MI,
	K_TEST_MR, K_TEST_MI,
	K_XCHG,
	K_MOV_MR, K_MOV_RM, K_MOV_MI,
	K_MOVZX, K_MOVSX,
	K_STOS,
};

/* How the immediate is encoded (SDM Vol. 2 2.2.1.5). */
enum imm { IMM_NONE, IMM_8, IMM_8S, IMM_Z, IMM_MOFFS };

struct insn {
	enum mmio_mode mode;
	unsigned opsize;       /* 1, 2, 4, 8: the size of the operation */
	unsigned addrsize;     /* 2, 4, 8 */
	unsigned rex;          /* the REX prefix that counts, or 0 */
	bool has_rex, lock, rep, repne, o66, a67;
	unsigned opcode;       /* one byte, or 0x0F00 | the second byte */
	enum kind kind;
	enum imm imm_kind;
	bool byte_op, has_modrm;
	unsigned alu;          /* enum alu_op for the K_ALU_* kinds */
	unsigned srcsize;      /* MOVZX/MOVSX: the memory operand's size */
	unsigned reg;          /* register operand, REX.R included */
	uint64_t imm;
	unsigned len;
};

/* ------------------------------------------------------------------ */
/* Reading the bytes                                                  */

struct cursor {
	const uint8_t *bytes;
	size_t avail;
	unsigned pos;
	const char *why;       /* set by the first failed fetch */
};

/* The next n bytes as a little-endian number (SDM Vol. 1 1.3.1).  An
 * instruction that needs a 16th byte is too long whatever follows. */
static bool fetch(struct cursor *c, unsigned n, uint64_t *value)
{
	uint64_t v = 0;

	if (c->pos + n > MAX_LEN) {
		c->why = "instruction longer than 15 bytes";
		return false;
	}
	if (c->pos + n > c->avail) {
		c->why = "bytes ran out";
		return false;
	}
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)c->bytes[c->pos + i] << (8 * i);
	c->pos += n;
	*value = v;
	return true;
}

static bool fetch_byte(struct cursor *c, unsigned *b)
{
	uint64_t v;

	if (!fetch(c, 1, &v))
		return false;
	*b = (unsigned)v;
	return true;
}

/* ------------------------------------------------------------------ */
/* Decoding                                                           */

/* A legacy prefix (SDM Vol. 2 2.1.1, groups 1-4), noted in *in. */
static bool legacy_prefix(struct insn *in, unsigned b)
{
	switch (b) {
	case 0x66: in->o66 = true; return true;
	case 0x67: in->a67 = true; return true;
	case 0xF0: in->lock = true; return true;
	case 0xF2: in->repne = true; return true;
	case 0xF3: in->rep = true; return true;
	/* Segment overrides: ignored, the address is already known. */
	case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
		return true;
	default:
		return false;
	}
}

/* Legacy prefixes (SDM Vol. 2 2.1.1) and REX (2.2.1), up to the opcode
 * byte, which is returned in *op.  40-4F are REX only in 64-bit mode
 * (elsewhere INC/DEC, 2.2.1.2); a REX counts only if it directly
 * precedes the opcode: one followed by a legacy prefix is ignored
 * (2.2.1, "other placements are ignored") but is still a byte. */
static bool prefixes(struct cursor *c, struct insn *in, unsigned *op)
{
	unsigned b;

	for (;;) {
		if (!fetch_byte(c, &b))
			return false;
		if (legacy_prefix(in, b)) {
			in->rex = 0;
			in->has_rex = false;
		} else if (in->mode == MMIO_MODE64 && (b & 0xF0) == 0x40) {
			in->rex = b;
			in->has_rex = true;
		} else {
			*op = b;
			return true;
		}
	}
}

/* Effective operand and address size (SDM Vol. 1 3.6, Tables 3-3 and
 * 3-4; Vol. 2 2.2.1.2): 66 flips the default 2 <-> 4, REX.W makes it 8
 * and wins over 66; 67 flips the address size 2 <-> 4, or 8 -> 4. */
static void sizes(struct insn *in)
{
	if (in->rex & REX_W)
		in->opsize = 8;
	else if (in->mode == MMIO_MODE16)
		in->opsize = in->o66 ? 4 : 2;
	else
		in->opsize = in->o66 ? 2 : 4;
	if (in->mode == MMIO_MODE64)
		in->addrsize = in->a67 ? 4 : 8;
	else if (in->mode == MMIO_MODE32)
		in->addrsize = in->a67 ? 2 : 4;
	else
		in->addrsize = in->a67 ? 4 : 2;
}

static void set(struct insn *in, enum kind k, bool byte_op, bool modrm, enum imm imm)
{
	in->kind = k;
	in->byte_op = byte_op;
	in->has_modrm = modrm;
	in->imm_kind = imm;
}

/* The opcode maps (SDM Vol. 2 Appendix A, Tables A-2 and A-3): the
 * forms listed in the header, or a refusal. */
static const char *classify(struct insn *in)
{
	unsigned op = in->opcode;

	/* 00-3B: ADD OR ADC SBB AND SUB XOR CMP, low bits 0-3 are
	 * Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev (SDM Vol. 2 Table A-2). */
	if (op < 0x40 && (op & 7) < 4) {
		in->alu = op >> 3;
		set(in, (op & 2) ? K_ALU_RM : K_ALU_MR, !(op & 1), true, IMM_NONE);
		return NULL;
	}
	switch (op) {
	case 0x80: set(in, K_ALU_MI, true, true, IMM_8); return NULL;
	case 0x81: set(in, K_ALU_MI, false, true, IMM_Z); return NULL;
	case 0x83: set(in, K_ALU_MI, false, true, IMM_8S); return NULL;
	case 0x84: case 0x85: set(in, K_TEST_MR, op == 0x84, true, IMM_NONE); return NULL;
	case 0x86: case 0x87: set(in, K_XCHG, op == 0x86, true, IMM_NONE); return NULL;
	case 0x88: case 0x89: set(in, K_MOV_MR, op == 0x88, true, IMM_NONE); return NULL;
	case 0x8A: case 0x8B: set(in, K_MOV_RM, op == 0x8A, true, IMM_NONE); return NULL;
	/* A0/A1 load AL/rAX from moffs, A2/A3 store it (SDM Vol. 2 MOV). */
	case 0xA0: case 0xA1: set(in, K_MOV_RM, op == 0xA0, false, IMM_MOFFS); return NULL;
	case 0xA2: case 0xA3: set(in, K_MOV_MR, op == 0xA2, false, IMM_MOFFS); return NULL;
	case 0xAA: case 0xAB: set(in, K_STOS, op == 0xAA, false, IMM_NONE); return NULL;
	case 0xC6: set(in, K_MOV_MI, true, true, IMM_8); return NULL;
	case 0xC7: set(in, K_MOV_MI, false, true, IMM_Z); return NULL;
	case 0xF6: set(in, K_TEST_MI, true, true, IMM_8); return NULL;
	case 0xF7: set(in, K_TEST_MI, false, true, IMM_Z); return NULL;
	case 0x0FB6: case 0x0FB7:
		set(in, K_MOVZX, false, true, IMM_NONE);
		in->srcsize = op == 0x0FB6 ? 1 : 2;
		return NULL;
	case 0x0FBE: case 0x0FBF:
		set(in, K_MOVSX, false, true, IMM_NONE);
		in->srcsize = op == 0x0FBE ? 1 : 2;
		return NULL;
	case 0xA4: case 0xA5:
		return "MOVS not emulated";
	}
	return op > 0xFF ? "opcode 0f xx not emulated" : "opcode not emulated";
}

/* Skip the SIB byte and displacement of a memory operand (mod != 11).
 *
 * 16-bit addressing (SDM Vol. 2 Table 2-1): no SIB; mod 00 with
 * r/m 110 is a bare disp16, mod 01 adds disp8, mod 10 disp16.
 *
 * 32/64-bit addressing (Tables 2-2, 2-3): r/m 100 brings a SIB byte,
 * whose base 101 with mod 00 means no base and a disp32; mod 00 with
 * r/m 101 is a bare disp32 (RIP-relative in 64-bit mode, 2.2.1.6 and
 * Table 2-7, still 4 bytes); mod 01 adds disp8, mod 10 disp32.  REX.B
 * and REX.X change none of these lengths (Table 2-5). */
static bool skip_address(struct cursor *c, unsigned modrm, unsigned addrsize)
{
	unsigned mod = modrm >> 6, rm = modrm & 7, sib;
	uint64_t disp;

	if (addrsize == 2) {
		if (mod == 1)
			return fetch(c, 1, &disp);
		if (mod == 2 || (mod == 0 && rm == 6))
			return fetch(c, 2, &disp);
		return true;
	}
	if (rm == 4) {
		if (!fetch_byte(c, &sib))
			return false;
		if (mod == 0 && (sib & 7) == 5)
			return fetch(c, 4, &disp);
	} else if (mod == 0 && rm == 5) {
		return fetch(c, 4, &disp);
	}
	if (mod == 1)
		return fetch(c, 1, &disp);
	if (mod == 2)
		return fetch(c, 4, &disp);
	return true;
}

/* The ModR/M byte: the memory operand must be memory; reg names the
 * register (extended by REX.R, SDM Vol. 2 2.2.1.2 and Table 3-1) or, for
 * 80/81/83/C6/C7/F6/F7, the operation (Table A-6, groups 1, 3, 11). */
static const char *modrm(struct cursor *c, struct insn *in)
{
	unsigned b, reg;

	if (!fetch_byte(c, &b))
		return c->why;
	reg = (b >> 3) & 7;
	switch (in->opcode) {
	case 0x80: case 0x81: case 0x83:
		in->alu = reg;
		break;
	case 0xC6: case 0xC7: case 0xF6: case 0xF7:
		if (reg != 0)
			return "opcode extension not emulated";
		break;
	default:
		in->reg = reg | ((in->rex & REX_R) ? 8 : 0);
		break;
	}
	if ((b >> 6) == 3)
		return "register operand";
	if (!skip_address(c, b, in->addrsize))
		return c->why;
	return NULL;
}

/* The immediate (SDM Vol. 2 2.2.1.5): imm8, sign-extended for 83;
 * imm16/imm32 by operand size, and imm32 sign-extended when the operand
 * size is 64.  A moffs is 2, 4 or 8 bytes by the address size (2.2.1.4)
 * and is only skipped: the address is known. */
static bool immediate(struct cursor *c, struct insn *in)
{
	uint64_t v = 0;

	switch (in->imm_kind) {
	case IMM_NONE:
		return true;
	case IMM_8:
		return fetch(c, 1, &in->imm);
	case IMM_8S:
		if (!fetch(c, 1, &v))
			return false;
		in->imm = (uint64_t)(int64_t)(int8_t)(uint8_t)v;
		return true;
	case IMM_Z:
		if (in->opsize == 2)
			return fetch(c, 2, &in->imm);
		if (!fetch(c, 4, &v))
			return false;
		in->imm = (uint64_t)(int64_t)(int32_t)(uint32_t)v;
		return true;
	case IMM_MOFFS:
		return fetch(c, in->addrsize, &v);
	}
	return false;
}

/* LOCK is allowed only on the read-modify-write forms with a memory
 * destination: ADD ADC AND OR SBB SUB XOR (not CMP) and XCHG; anything
 * else raises #UD (SDM Vol. 2 "LOCK").  REP only with STOS here. */
static const char *check_prefixes(const struct insn *in)
{
	bool lockable = in->kind == K_XCHG ||
		((in->kind == K_ALU_MR || in->kind == K_ALU_MI) && in->alu != ALU_CMP);

	if (in->lock && !lockable)
		return "LOCK prefix on a non-lockable instruction";
	if (in->repne)
		return "REPNE prefix not emulated";
	if (in->rep && in->kind != K_STOS)
		return "REP prefix on an instruction other than STOS";
	return NULL;
}

static const char *decode(const uint8_t *bytes, size_t avail, enum mmio_mode mode, struct insn *in)
{
	struct cursor c = { bytes, avail, 0, NULL };
	const char *err;
	unsigned op, op2;

	*in = (struct insn){ .mode = mode };
	if (!prefixes(&c, in, &op))
		return c.why;
	if (op == 0x0F) {
		if (!fetch_byte(&c, &op2))
			return c.why;
		op = 0x0F00 | op2;
	}
	in->opcode = op;
	sizes(in);
	if ((err = classify(in)) != NULL)
		return err;
	if (in->byte_op)
		in->opsize = 1;
	if (in->has_modrm && (err = modrm(&c, in)) != NULL)
		return err;
	if (!immediate(&c, in))
		return c.why;
	if ((err = check_prefixes(in)) != NULL)
		return err;
	in->len = c.pos;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Registers and memory                                               */

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static uint64_t sign_bit(unsigned size)
{
	return 1ull << (8 * size - 1);
}

static uint64_t sign_extend(uint64_t v, unsigned size)
{
	v &= size_mask(size);
	return (v & sign_bit(size)) ? v | ~size_mask(size) : v;
}

/* Byte registers 4-7 are AH CH DH BH (bits 15:8 of registers 0-3)
 * without a REX prefix, SPL BPL SIL DIL with any REX (SDM Vol. 2
 * 2.2.1.2, Table 3-1). */
static bool high_byte(const struct insn *in, unsigned n, unsigned size)
{
	return size == 1 && !in->has_rex && n >= 4 && n <= 7;
}

static uint64_t reg_read(const struct mmio_cpu *cpu, const struct insn *in, unsigned n, unsigned size)
{
	if (high_byte(in, n, size))
		return (cpu->gpr[n - 4] >> 8) & 0xFF;
	return cpu->gpr[n] & size_mask(size);
}

/* A 32-bit result zero-extends to 64 bits; 8- and 16-bit results keep
 * the rest of the register (SDM Vol. 1 3.4.1.1). */
static void reg_write(struct mmio_cpu *cpu, const struct insn *in, unsigned n, unsigned size, uint64_t v)
{
	if (high_byte(in, n, size)) {
		cpu->gpr[n - 4] = (cpu->gpr[n - 4] & ~0xFF00ull) | ((v & 0xFF) << 8);
		return;
	}
	if (size >= 4)
		cpu->gpr[n] = v & size_mask(size);
	else
		cpu->gpr[n] = (cpu->gpr[n] & ~size_mask(size)) | (v & size_mask(size));
}

/* rCX and rDI as the address size names them: CX/ECX/RCX (SDM Vol. 2
 * "REP", "STOS"); writes follow reg_write's rule, so only CX changes
 * with 16-bit addresses and ECX zero-extends. */
static void addr_reg_write(struct mmio_cpu *cpu, unsigned n, unsigned addrsize, uint64_t v)
{
	if (addrsize >= 4)
		cpu->gpr[n] = v & size_mask(addrsize);
	else
		cpu->gpr[n] = (cpu->gpr[n] & ~0xFFFFull) | (v & 0xFFFF);
}

static uint64_t mem_read(const struct mmio_access *mem, int64_t off, unsigned size)
{
	return mem->read(mem->ctx, off, size) & size_mask(size);
}

static void mem_write(const struct mmio_access *mem, int64_t off, unsigned size, uint64_t v)
{
	mem->write(mem->ctx, off, size, v & size_mask(size));
}

/* ------------------------------------------------------------------ */
/* Arithmetic and flags (SDM Vol. 1 3.4.3.1, Appendix A; Vol. 2 ADD,  */
/* ADC, SUB, SBB, CMP, AND, OR, XOR, TEST)                            */

/* PF: set if the low byte of the result has an even number of ones. */
static uint64_t parity_flag(uint64_t r)
{
	unsigned b = (unsigned)(r & 0xFF);

	b ^= b >> 4;
	b ^= b >> 2;
	b ^= b >> 1;
	return (b & 1) ? 0 : FL_PF;
}

/* SF, ZF, PF of a result already masked to its size. */
static uint64_t result_flags(uint64_t r, unsigned size)
{
	return ((r & sign_bit(size)) ? FL_SF : 0) | (r == 0 ? FL_ZF : 0) | parity_flag(r);
}

/* a + b + cin.  The carry out of each bit is majority(a, b, carry in),
 * which is (a & b) | ((a | b) & ~r): CF is the carry out of the top bit,
 * AF out of bit 3; OF when both inputs have the sign opposite to r. */
static uint64_t add_flags(uint64_t a, uint64_t b, uint64_t cin, unsigned size, uint64_t *fl)
{
	uint64_t r = (a + b + cin) & size_mask(size);
	uint64_t carries = (a & b) | ((a | b) & ~r);

	*fl = ((carries & sign_bit(size)) ? FL_CF : 0) | ((carries & 0x08) ? FL_AF : 0) |
	      (((a ^ r) & (b ^ r) & sign_bit(size)) ? FL_OF : 0);
	return r;
}

/* a - b - bin.  The borrow out of each bit is majority(~a, b, borrow
 * in), which is (~a & b) | (~(a ^ b) & r): CF the top bit's borrow, AF
 * bit 3's; OF when a and b differ in sign and r's sign differs from a. */
static uint64_t sub_flags(uint64_t a, uint64_t b, uint64_t bin, unsigned size, uint64_t *fl)
{
	uint64_t r = (a - b - bin) & size_mask(size);
	uint64_t borrows = (~a & b) | (~(a ^ b) & r);

	*fl = ((borrows & sign_bit(size)) ? FL_CF : 0) | ((borrows & 0x08) ? FL_AF : 0) |
	      (((a ^ b) & (a ^ r) & sign_bit(size)) ? FL_OF : 0);
	return r;
}

/* One of the eight operations on a and b, the six status flags updated
 * in *rflags.  ADC/SBB take CF as carry/borrow in.  AND/OR/XOR clear OF
 * and CF; AF is undefined and is cleared here. */
static uint64_t alu(unsigned op, uint64_t a, uint64_t b, unsigned size, uint64_t *rflags)
{
	uint64_t cf = (*rflags & FL_CF) ? 1 : 0, fl = 0, r;

	a &= size_mask(size);
	b &= size_mask(size);
	switch (op) {
	case ALU_ADD: r = add_flags(a, b, 0, size, &fl); break;
	case ALU_ADC: r = add_flags(a, b, cf, size, &fl); break;
	case ALU_SUB:
	case ALU_CMP: r = sub_flags(a, b, 0, size, &fl); break;
	case ALU_SBB: r = sub_flags(a, b, cf, size, &fl); break;
	case ALU_OR:  r = a | b; break;
	case ALU_AND: r = a & b; break;
	default:      r = a ^ b; break;     /* ALU_XOR */
	}
	*rflags = (*rflags & ~FL_ARITH) | fl | result_flags(r, size);
	return r;
}

/* ------------------------------------------------------------------ */
/* Carrying it out                                                    */

/* STOS (SDM Vol. 2 "STOS", "REP"): AL/AX/EAX/RAX to ES:rDI, rDI moved
 * by the size, down if DF; with REP, rCX times (rCX by the address
 * size), rCX left 0 -- or as many as the device's room holds, rCX left
 * with the rest and cpu->repeat set (an interrupted REP, as the CPU
 * leaves one, SDM Vol. 2 "REP"). */
static void stos(const struct insn *in, struct mmio_cpu *cpu, const struct mmio_access *mem)
{
	uint64_t amask = size_mask(in->addrsize);
	uint64_t value = cpu->gpr[0] & size_mask(in->opsize);
	bool down = cpu->rflags & FL_DF;
	uint64_t step = down ? (uint64_t)0 - in->opsize : in->opsize;
	uint64_t count = in->rep ? cpu->gpr[1] & amask : 1, off = 0;
	uint64_t room = down ? mem->room_down : mem->room_up;
	/* Down, the elements start at the faulting byte and end below it. */
	uint64_t fit = down ? (room ? (room - 1) / in->opsize + 1 : 0) : room / in->opsize;

	if (count == 0)
		return;         /* REP with rCX = 0: nothing, not even rDI */
	if (room && fit == 0)
		fit = 1;        /* the faulting element itself */
	if (room && count > fit) {
		count = fit;
		cpu->repeat = true;
	}
	for (uint64_t i = 0; i < count; i++, off += step)
		mem_write(mem, (int64_t)off, in->opsize, value);
	addr_reg_write(cpu, 7, in->addrsize, cpu->gpr[7] + step * count);
	if (in->rep)
		addr_reg_write(cpu, 1, in->addrsize, cpu->repeat ? (cpu->gpr[1] & amask) - count : 0);
}

static void execute(const struct insn *in, struct mmio_cpu *cpu, const struct mmio_access *mem)
{
	unsigned size = in->opsize;
	uint64_t m, r;

	switch (in->kind) {
	case K_ALU_MR:
	case K_ALU_MI:
		m = mem_read(mem, 0, size);
		r = in->kind == K_ALU_MR ? reg_read(cpu, in, in->reg, size) : in->imm;
		r = alu(in->alu, m, r, size, &cpu->rflags);
		if (in->alu != ALU_CMP)
			mem_write(mem, 0, size, r);
		break;
	case K_ALU_RM:
		m = mem_read(mem, 0, size);
		r = alu(in->alu, reg_read(cpu, in, in->reg, size), m, size, &cpu->rflags);
		if (in->alu != ALU_CMP)
			reg_write(cpu, in, in->reg, size, r);
		break;
	case K_TEST_MR:
	case K_TEST_MI:
		m = mem_read(mem, 0, size);
		r = in->kind == K_TEST_MR ? reg_read(cpu, in, in->reg, size) : in->imm;
		alu(ALU_AND, m, r, size, &cpu->rflags);
		break;
	case K_XCHG:
		m = mem_read(mem, 0, size);
		mem_write(mem, 0, size, reg_read(cpu, in, in->reg, size));
		reg_write(cpu, in, in->reg, size, m);
		break;
	case K_MOV_MR:
		mem_write(mem, 0, size, reg_read(cpu, in, in->reg, size));
		break;
	case K_MOV_RM:
		reg_write(cpu, in, in->reg, size, mem_read(mem, 0, size));
		break;
	case K_MOV_MI:
		mem_write(mem, 0, size, in->imm);
		break;
	case K_MOVZX:
		reg_write(cpu, in, in->reg, size, mem_read(mem, 0, in->srcsize));
		break;
	case K_MOVSX:
		reg_write(cpu, in, in->reg, size, sign_extend(mem_read(mem, 0, in->srcsize), in->srcsize));
		break;
	case K_STOS:
		stos(in, cpu, mem);
		break;
	}
}

unsigned mmio_emulate(const uint8_t *bytes, size_t avail, struct mmio_cpu *cpu,
		      const struct mmio_access *mem, const char **why)
{
	struct insn in;
	const char *err = decode(bytes, avail, cpu->mode, &in);

	if (err) {
		if (why)
			*why = err;
		return 0;
	}
	cpu->repeat = false;
	execute(&in, cpu, mem);
	return in.len;
}
