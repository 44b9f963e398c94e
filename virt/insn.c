/*
 * Length of an intercepted guest instruction (see virt/insn.h).
 *
 * An instruction is: legacy prefixes, in 64-bit mode a REX prefix, the
 * opcode (one byte, or 0F and a second byte), and for some opcodes a
 * ModR/M byte, a SIB byte, a displacement and an immediate (Intel SDM
 * Vol. 2 2.1 and Figure 2-1; AMD APM Vol. 3 chapter 1, "Instruction
 * Encoding").  Every instruction decoded here has a fixed opcode, so
 * only the prefixes and, for INVLPG, the addressing form vary in length.
 */
#include "virt/insn.h"

#define REX_B 0x01
#define REX_W 0x08

/* The bytes of a decode, read front to back; end is at most
 * INSN_MAX_LEN, so an instruction that would be longer fails to read. */
struct cursor {
	const uint8_t *bytes;
	unsigned pos, end;
};

static int next(struct cursor *c)
{
	if (c->pos >= c->end)
		return -1;
	return c->bytes[c->pos++];
}

static bool skip(struct cursor *c, unsigned n)
{
	if (c->end - c->pos < n)
		return false;
	c->pos += n;
	return true;
}

/* Legacy prefixes (SDM Vol. 2 2.1.1, groups 1 to 4; APM Vol. 3
 * chapter 1, "Instruction Prefixes"): LOCK F0, REPNE F2, REP F3; segment overrides
 * 2E 36 3E 26 64 65 (in 64-bit mode CS/SS/DS/ES are ignored, but still
 * prefixes); operand size 66; address size 67.  They may come in any
 * order and repeat; only the 15-byte limit bounds them. */
static bool legacy_prefix(int b)
{
	switch (b) {
	case 0xF0: case 0xF2: case 0xF3:
	case 0x2E: case 0x36: case 0x3E: case 0x26: case 0x64: case 0x65:
	case 0x66: case 0x67:
		return true;
	default:
		return false;
	}
}

/* The opcode bytes of the kinds with one encoding and nothing after the
 * opcode (for the 0F 01 group the third byte is a ModR/M byte with
 * mod = 11 that selects the instruction: group 7 in SDM Vol. 2
 * Table A-6 and in APM Vol. 3 appendix A).  Packed as
 * length << 24 | bytes; 0 for the other kinds. */
#define OP1(a) (1u << 24 | (a))
#define OP2(b) (2u << 24 | 0x0F00u | (b))
#define OP3(c) (3u << 24 | 0x0F0100u | (c))

static uint32_t fixed_opcode(unsigned kind)
{
	switch (kind) {
	case INSN_HLT:     return OP1(0xF4);
	case INSN_CPUID:   return OP2(0xA2);
	case INSN_RDMSR:   return OP2(0x32);
	case INSN_WRMSR:   return OP2(0x30);
	case INSN_INVD:    return OP2(0x08);
	case INSN_WBINVD:  return OP2(0x09);
	case INSN_RDTSC:   return OP2(0x31);
	case INSN_RDPMC:   return OP2(0x33);
	case INSN_VMCALL:  return OP3(0xC1);
	case INSN_MONITOR: return OP3(0xC8);
	case INSN_MWAIT:   return OP3(0xC9);
	case INSN_XSETBV:  return OP3(0xD1);
	case INSN_VMRUN:   return OP3(0xD8);
	case INSN_VMMCALL: return OP3(0xD9);
	case INSN_VMLOAD:  return OP3(0xDA);
	case INSN_VMSAVE:  return OP3(0xDB);
	case INSN_STGI:    return OP3(0xDC);
	case INSN_CLGI:    return OP3(0xDD);
	case INSN_SKINIT:  return OP3(0xDE);
	case INSN_INVLPGA: return OP3(0xDF);
	case INSN_RDTSCP:  return OP3(0xF9);
	case INSN_CLTS:    return OP2(0x06);
	default:           return 0;
	}
}

/* Skip the SIB byte and displacement that follow a ModR/M byte with a
 * memory operand (mod != 11).
 *
 * 16-bit addressing (SDM Vol. 2 Table 2-1): no SIB; mod 00 with
 * r/m 110 is a bare disp16; mod 01 adds disp8, mod 10 disp16.
 *
 * 32- and 64-bit addressing (Tables 2-2 and 2-3; APM Vol. 3 chapter 1,
 * "ModRM and SIB Bytes"): r/m 100 brings a SIB byte; mod 00 with
 * r/m 101 is a bare disp32 (in 64-bit mode RIP-relative, SDM 2.2.1.6
 * and Table 2-7, APM Vol. 3 "RIP-Relative Addressing": still disp32,
 * and EIP-relative under a 67 prefix); mod 00 with SIB base 101 is base-less with disp32;
 * mod 01 adds disp8, mod 10 disp32.  REX.B does not change any of
 * these lengths: r/m 100 needs a SIB and r/m 101 / base 101 with
 * mod 00 mean no base whatever REX.B says (SDM Table 2-5). */
static bool skip_address(struct cursor *c, int modrm, bool addr16)
{
	unsigned mod = (unsigned)modrm >> 6, rm = (unsigned)modrm & 7;

	if (addr16) {
		if (mod == 1)
			return skip(c, 1);
		if (mod == 2 || (mod == 0 && rm == 6))
			return skip(c, 2);
		return true;
	}
	if (rm == 4) {
		int sib = next(c);
		if (sib < 0)
			return false;
		if (mod == 0 && (sib & 7) == 5)
			return skip(c, 4);
	} else if (mod == 0 && rm == 5) {
		return skip(c, 4);
	}
	if (mod == 1)
		return skip(c, 1);
	if (mod == 2)
		return skip(c, 4);
	return true;
}

int insn_length(const uint8_t *bytes, unsigned avail, bool long_mode, bool default32, unsigned expect)
{
	struct cursor c = { bytes, 0, avail < INSN_MAX_LEN ? avail : INSN_MAX_LEN };
	bool addr_override = false, op_override = false, rep = false;
	int rex = 0, op, b;

	/* Prefixes.  40-4F are REX only in 64-bit mode (elsewhere they
	 * are INC/DEC, SDM Vol. 2 2.2.1.2).  A REX prefix counts only
	 * directly before the opcode; one followed by another prefix is
	 * ignored but still part of the instruction (SDM Vol. 2 2.2.1,
	 * "Other placements are ignored"; APM Vol. 3 "REX Prefix"). */
	for (;;) {
		op = next(&c);
		if (op < 0)
			return -1;
		if (legacy_prefix(op)) {
			if (op == 0x67)
				addr_override = true;
			if (op == 0x66)
				op_override = true;
			if (op == 0xF3)
				rep = true;
			rex = 0;
		} else if (long_mode && (op & 0xF0) == 0x40) {
			rex = op;
		} else {
			break;
		}
	}

	switch (expect) {
	case INSN_PAUSE:
		/* F3 90 (SDM Vol. 2 PAUSE).  With REX.B, 90 is XCHG r8, rAX
		 * (SDM Vol. 2 NOP/XCHG), which the F3 does not make a PAUSE. */
		if (op != 0x90 || !rep || (rex & REX_B))
			return -1;
		break;
	case INSN_IO:
		/* IN/OUT with a port imm8 (E4-E7), with the port in DX
		 * (EC-EF), INS/OUTS (6C-6F).  None has a ModR/M byte, and
		 * 66/REX.W change the data size, not the length. */
		if (op >= 0xE4 && op <= 0xE7) {
			if (!skip(&c, 1))
				return -1;
		} else if (!(op >= 0xEC && op <= 0xEF) && !(op >= 0x6C && op <= 0x6F)) {
			return -1;
		}
		break;
	case INSN_MOV_CR:
		/* 0F 20 /r, 0F 22 /r.  The other operand is always a
		 * register: the CPU treats the mod bits as 11 whatever they
		 * hold and reads no displacement (APM Vol. 3, MOV CRn; QEMU's
		 * decoder does the same), so any mod gives 3 bytes. */
		if (op != 0x0F)
			return -1;
		b = next(&c);
		if (b != 0x20 && b != 0x22)
			return -1;
		if (next(&c) < 0)
			return -1;
		break;
	case INSN_LMSW:
	case INSN_SMSW: {
		/* 0F 01 /6 and 0F 01 /4.  Only the register form (mod = 11:
		 * F0-F7, E0-E7) is decoded; a memory operand gives -1. */
		int modrm, first = expect == INSN_LMSW ? 0xF0 : 0xE0;

		if (op != 0x0F || next(&c) != 0x01)
			return -1;
		modrm = next(&c);
		if (modrm < first || modrm > first + 7)
			return -1;
		break;
	}
	case INSN_INVLPG: {
		/* 0F 01 /7 with a memory operand (mod = 11 with reg = 7 is
		 * SWAPGS or RDTSCP).  The address size is 64 in 64-bit mode
		 * (32 under 67, same forms), else CS.D, flipped by 67
		 * (SDM Vol. 1 3.6, Tables 3-3 and 3-4; APM
		 * Vol. 3 "Address-Size Override Prefix"). */
		bool addr16 = !long_mode && default32 == addr_override;
		int modrm;

		if (op != 0x0F || next(&c) != 0x01)
			return -1;
		modrm = next(&c);
		if (modrm < 0 || (modrm >> 6) == 3 || ((modrm >> 3) & 7) != 7)
			return -1;
		if (!skip_address(&c, modrm, addr16))
			return -1;
		break;
	}
	case INSN_TASK_SWITCH: {
		/* A far pointer immediate is a 16-bit selector after a 16- or
		 * 32-bit offset, by the operand size (CS.D flipped by 66); the
		 * FF forms take a memory operand addressed as for INVLPG. */
		bool op16 = !long_mode && default32 == op_override;
		bool addr16 = !long_mode && default32 == addr_override;
		int modrm;

		if (op == 0x9A || op == 0xEA) {
			if (long_mode || !skip(&c, op16 ? 4 : 6))
				return -1;
		} else if (op == 0xFF) {
			modrm = next(&c);
			if (modrm < 0 || (modrm >> 6) == 3 ||
			    (((modrm >> 3) & 7) != 3 && ((modrm >> 3) & 7) != 5) ||
			    !skip_address(&c, modrm, addr16))
				return -1;
		} else if (op == 0xCD) {
			if (!skip(&c, 1))
				return -1;
		} else if (op != 0xCF && op != 0xCC && op != 0xCE && op != 0xF1) {
			return -1;
		}
		break;
	}
	default: {
		uint32_t enc = fixed_opcode(expect);
		unsigned n = enc >> 24;

		if (n == 0)
			return -1;
		for (unsigned i = 0; i < n; i++) {
			int want = (int)((enc >> (8 * (n - 1 - i))) & 0xFF);
			if ((i == 0 ? op : next(&c)) != want)
				return -1;
		}
		break;
	}
	}
	return (int)c.pos;
}

/* The general register of a MOV to/from CRn (or a register LMSW) whose
 * length insn_length() returned: ModR/M.rm of the last byte, extended by
 * REX.B, which must directly precede the 0F (SDM Vol. 2 2.2.1.2, Table
 * 2-4). */
int insn_mov_cr_gpr(const uint8_t *bytes, unsigned len, bool long_mode)
{
	unsigned gpr;

	if (len < 3 || len > INSN_MAX_LEN || bytes[len - 3] != 0x0F)
		return -1;
	gpr = bytes[len - 1] & 7;
	if (long_mode && len >= 4 && (bytes[len - 4] & 0xF0) == 0x40 && (bytes[len - 4] & REX_B))
		gpr |= 8;
	return (int)gpr;
}

int insn_int_vector(const uint8_t *bytes, unsigned len)
{
	unsigned i = 0;

	while (i < len && legacy_prefix(bytes[i]))
		i++;
	if (i + 2 == len && bytes[i] == 0xCD)
		return bytes[i + 1];
	if (i + 1 != len)
		return -1;
	switch (bytes[i]) {
	case 0xCC: return 3;
	case 0xCE: return 4;
	case 0xF1: return 1;
	default: return -1;
	}
}

unsigned insn_operand_size(const uint8_t *bytes, unsigned len, bool long_mode, bool default32)
{
	bool override = false;
	int rex = 0;

	for (unsigned i = 0; i < len && i < INSN_MAX_LEN; i++) {
		uint8_t b = bytes[i];

		if (legacy_prefix(b)) {
			override |= b == 0x66;
			rex = 0;
		} else if (long_mode && (b & 0xF0) == 0x40) {
			rex = b;
		} else {
			break;
		}
	}
	if (rex & REX_W)
		return 8;
	return (long_mode || default32) != override ? 4 : 2;
}

/* Segment-override prefix -> segment number in the order ES, CS, SS, DS,
 * FS, GS (SDM Vol. 2 2.1.1 group 2), or -1. */
static int segment_of(int b)
{
	switch (b) {
	case 0x26: return 0;
	case 0x2E: return 1;
	case 0x36: return 2;
	case 0x3E: return 3;
	case 0x64: return 4;
	case 0x65: return 5;
	default: return -1;
	}
}

int insn_string_io(const uint8_t *bytes, unsigned avail, bool long_mode, bool default32,
		   unsigned *addr_size, int *seg)
{
	unsigned end = avail < INSN_MAX_LEN ? avail : INSN_MAX_LEN;
	bool a67 = false;
	unsigned i;

	*seg = -1;
	for (i = 0; i < end; i++) {
		int b = bytes[i];
		if (legacy_prefix(b)) {
			if (b == 0x67)
				a67 = true;
			if (segment_of(b) >= 0)
				*seg = segment_of(b);   /* the last one counts */
		} else if (!(long_mode && (b & 0xF0) == 0x40)) {
			break;
		}
	}
	if (i == end || bytes[i] < 0x6C || bytes[i] > 0x6F)
		return -1;
	/* Address size: 64 (32 with 67) in 64-bit mode, else CS.D flipped
	 * by 67 (SDM Vol. 1 3.6, Table 3-4). */
	if (long_mode)
		*addr_size = a67 ? 4 : 8;
	else
		*addr_size = default32 != a67 ? 4 : 2;
	return (int)i + 1;
}
