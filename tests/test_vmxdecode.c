/*
 * Host tests of the VMX exit decoders (vmx/decode.h, vmx/decode.c):
 * raw exit qualifications and information fields in, struct vexit out,
 * each field checked against SDM Vol. 3C: the I/O qualification (Table
 * 28-5) and INS/OUTS instruction information (28.2.5), the CR-access
 * qualification (Table 28-3), the EPT-violation qualification (Table
 * 28-7), the interruption information (Tables 25-17, 25-19) and the
 * names of the basic exit reasons (Vol. 3D Appendix C).  Also the EPT
 * entries vmx/ept.c's stage-2 format makes (29.3.2, Tables 29-1..29-6):
 * only its tables are built here, its INVEPT flush is never called.
 */
#define TEST_MAIN
#include "tests/test.h"
#include "mm/pagetable.h"
#include "tests/fake_pt.h"
#include "virt/backend.h"
#include "virt/vexit.h"
#include "vmx/caps.h"
#include "vmx/decode.h"
#include "vmx/ept.h"

#include <stdbool.h>
#include <stdint.h>

/* vmx/ept.c names vmx_caps in its flush, which these tests never call. */
struct vmx_caps vmx_caps;

/* ---- I/O exit qualification (Table 28-5) ----------------------------- */

/* Bits 2:0 size - 1, bit 3 direction (1 = IN), bit 4 string, bit 5 REP,
 * bit 6 operand encoding (1 = immediate), bits 31:16 port. */
#define IOQ(size, in, str, rep, imm, port)                                   \
	((uint64_t)((size) - 1) | ((uint64_t)(in) << 3) | ((uint64_t)(str) << 4) | \
	 ((uint64_t)(rep) << 5) | ((uint64_t)(imm) << 6) | ((uint64_t)(port) << 16))

static struct vexit io(uint64_t qual)
{
	struct vexit e;
	memset(&e, 0xA5, sizeof e);
	vmx_decode_io(&e, qual);
	return e;
}

TEST(vio_flags_are_the_sdm_bits)
{
	/* virt/vexit.h promises the VMX bit positions. */
	CHECK(VIO_IN == 1u << 3);
	CHECK(VIO_STRING == 1u << 4);
	CHECK(VIO_REP == 1u << 5);
}

TEST(io_out_byte_dx)
{
	struct vexit e = io(IOQ(1, 0, 0, 0, 0, 0x3F8));   /* OUT DX, AL */
	CHECK(e.io.size == 1);
	CHECK(e.io.flags == 0);
	CHECK(e.io.port == 0x3F8);
}

TEST(io_in_byte_imm)
{
	struct vexit e = io(IOQ(1, 1, 0, 0, 1, 0x60));     /* IN AL, 60h */
	CHECK(e.io.size == 1);
	CHECK(e.io.flags == VIO_IN);                       /* bit 6 does not leak */
	CHECK(e.io.port == 0x60);
}

TEST(io_word_both_directions)
{
	struct vexit e = io(IOQ(2, 1, 0, 0, 0, 0x1F0));    /* IN AX, DX */
	CHECK(e.io.size == 2);
	CHECK(e.io.flags == VIO_IN);
	CHECK(e.io.port == 0x1F0);
	e = io(IOQ(2, 0, 0, 0, 0, 0x1F0));                 /* OUT DX, AX */
	CHECK(e.io.size == 2);
	CHECK(e.io.flags == 0);
	CHECK(e.io.port == 0x1F0);
}

TEST(io_dword_both_directions_port_ffff)
{
	struct vexit e = io(IOQ(4, 1, 0, 0, 0, 0xFFFF));   /* IN EAX, DX */
	CHECK(e.io.size == 4);
	CHECK(e.io.flags == VIO_IN);
	CHECK(e.io.port == 0xFFFF);
	e = io(IOQ(4, 0, 0, 0, 0, 0xFFFF));                /* OUT DX, EAX */
	CHECK(e.io.size == 4);
	CHECK(e.io.flags == 0);
	CHECK(e.io.port == 0xFFFF);
	e = io(IOQ(4, 0, 0, 0, 0, 0));
	CHECK(e.io.port == 0);
}

TEST(io_string_and_rep)
{
	struct vexit e = io(IOQ(1, 0, 1, 0, 0, 0x3F8));    /* OUTSB */
	CHECK(e.io.size == 1);
	CHECK(e.io.flags == VIO_STRING);
	e = io(IOQ(2, 1, 1, 1, 0, 0x1F0));                 /* REP INSW */
	CHECK(e.io.size == 2);
	CHECK(e.io.flags == (VIO_IN | VIO_STRING | VIO_REP));
	CHECK(e.io.port == 0x1F0);
	e = io(IOQ(4, 0, 1, 1, 0, 0x80));                  /* REP OUTSD */
	CHECK(e.io.size == 4);
	CHECK(e.io.flags == (VIO_STRING | VIO_REP));
	CHECK(e.io.port == 0x80);
}

/* ---- INS/OUTS instruction information (28.2.5) ----------------------- */

/* Bits 9:7 address size (0 16-bit, 1 32-bit, 2 64-bit), bits 17:15
 * segment (0 ES .. 5 GS); the other bits are undefined. */
static struct vexit string_io(uint32_t info)
{
	struct vexit e;
	memset(&e, 0xA5, sizeof e);
	vmx_decode_string_io(&e, info);
	return e;
}

TEST(string_io_address_size)
{
	static const uint8_t bytes[3] = { 2, 4, 8 };
	for (uint32_t a = 0; a < 3; a++) {
		struct vexit e = string_io(a << 7);
		CHECK(e.io.addr_size == bytes[a]);
		CHECK(e.io.seg == SEG_ES);
	}
}

/* Encoding 3 is not used by the CPU; fuzzing found it decoded as 16
 * bytes, a 128-bit mask for virt/strio.h.  It is taken as 64-bit. */
TEST(string_io_address_size_unused_encoding)
{
	CHECK(string_io(3u << 7).io.addr_size == 8);
}

TEST(string_io_segment)
{
	static const enum vseg_reg segs[6] = { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS };
	for (uint32_t s = 0; s < 6; s++) {
		struct vexit e = string_io((s << 15) | (1u << 7));
		CHECK(e.io.seg == segs[s]);
		CHECK(e.io.addr_size == 4);
	}
}

TEST(string_io_ignores_undefined_bits)
{
	/* 64-bit address, FS, with every undefined bit (6:0, 14:10, 31:18) set. */
	uint32_t undefined = 0x7Fu | (0x1Fu << 10) | ~0x3FFFFu;
	struct vexit e = string_io(undefined | (2u << 7) | (4u << 15));
	CHECK(e.io.addr_size == 8);
	CHECK(e.io.seg == SEG_FS);
}

/* ---- CR-access qualification (Table 28-3) ---------------------------- */

/* Bits 3:0 CR number, 5:4 access type, 6 LMSW operand type (1 = memory),
 * 11:8 GPR, 31:16 LMSW source data. */
#define CRQ(cr, type, gpr, lmsw) \
	((uint64_t)(cr) | ((uint64_t)(type) << 4) | ((uint64_t)(gpr) << 8) | ((uint64_t)(lmsw) << 16))

static struct vexit cr(uint64_t qual)
{
	struct vexit e;
	memset(&e, 0xA5, sizeof e);
	vmx_decode_cr(&e, qual);
	return e;
}

TEST(cr_access_types_are_the_sdm_values)
{
	CHECK(CR_MOV_TO == 0 && CR_MOV_FROM == 1 && CR_CLTS == 2 && CR_LMSW == 3);
}

TEST(cr_mov_to_cr0_cr3_cr4)
{
	struct vexit e = cr(CRQ(0, 0, 0, 0));             /* MOV CR0, RAX */
	CHECK(e.cr.cr == 0 && e.cr.type == CR_MOV_TO && e.cr.gpr == 0);
	e = cr(CRQ(3, 0, 4, 0));                          /* MOV CR3, RSP */
	CHECK(e.cr.cr == 3 && e.cr.type == CR_MOV_TO && e.cr.gpr == 4);
	e = cr(CRQ(4, 0, 15, 0));                         /* MOV CR4, R15 */
	CHECK(e.cr.cr == 4 && e.cr.type == CR_MOV_TO && e.cr.gpr == 15);
	e = cr(CRQ(0, 0, 7, 0));                          /* MOV CR0, RDI */
	CHECK(e.cr.cr == 0 && e.cr.type == CR_MOV_TO && e.cr.gpr == 7);
	e = cr(CRQ(4, 0, 8, 0));                          /* MOV CR4, R8 */
	CHECK(e.cr.cr == 4 && e.cr.type == CR_MOV_TO && e.cr.gpr == 8);
	e = cr(CRQ(8, 0, 1, 0));                          /* MOV CR8, RCX */
	CHECK(e.cr.cr == 8 && e.cr.type == CR_MOV_TO && e.cr.gpr == 1);
}

TEST(cr_mov_from_cr3)
{
	struct vexit e = cr(CRQ(3, 1, 3, 0));             /* MOV RBX, CR3 */
	CHECK(e.cr.cr == 3 && e.cr.type == CR_MOV_FROM && e.cr.gpr == 3);
	e = cr(CRQ(3, 1, 4, 0));                          /* MOV RSP, CR3 */
	CHECK(e.cr.cr == 3 && e.cr.type == CR_MOV_FROM && e.cr.gpr == 4);
	e = cr(CRQ(3, 1, 15, 0));                         /* MOV R15, CR3 */
	CHECK(e.cr.cr == 3 && e.cr.type == CR_MOV_FROM && e.cr.gpr == 15);
}

TEST(cr_clts)
{
	struct vexit e = cr(CRQ(0, 2, 0, 0));
	CHECK(e.cr.cr == 0 && e.cr.type == CR_CLTS);
}

TEST(cr_lmsw)
{
	/* LMSW AX with AX = 0x000F; LMSW [mem] (bit 6) with 0xFFF1. */
	struct vexit e = cr(CRQ(0, 3, 0, 0x000F));
	CHECK(e.cr.cr == 0 && e.cr.type == CR_LMSW);
	CHECK(e.cr.lmsw_source == 0x000F);
	e = cr(CRQ(0, 3, 0, 0xFFF1) | (1u << 6));
	CHECK(e.cr.cr == 0 && e.cr.type == CR_LMSW);      /* bit 6 does not leak */
	CHECK(e.cr.lmsw_source == 0xFFF1);
}

/* ---- EPT violation qualification (Table 28-7) ------------------------ */

static struct vexit ept(uint64_t qual, uint64_t gpa)
{
	struct vexit e;
	memset(&e, 0xA5, sizeof e);
	vmx_decode_ept(&e, qual, gpa);
	return e;
}

TEST(ept_access_bits)
{
	CHECK(ept(1u << 0, 0x1000).npf.access == NPF_READ);
	CHECK(ept(1u << 1, 0x1000).npf.access == NPF_WRITE);
	CHECK(ept(1u << 2, 0x1000).npf.access == NPF_FETCH);
	/* A read-modify-write reports read and write (Table 28-7 bit 1 note). */
	CHECK(ept(3, 0x1000).npf.access == (NPF_READ | NPF_WRITE));
}

TEST(ept_higher_bits_do_not_leak)
{
	/* Bits 3-5: the entry's R/W/X; 12: NMI unblocking; none of them is
	 * an access bit.  7 and 8 are passed on as NPF_LINEAR, NPF_FINAL. */
	uint64_t high = (7u << 3) | (1u << 12) | (1ull << 40);
	unsigned own = NPF_LINEAR | NPF_FINAL;
	CHECK(ept(high | own | (1u << 0), 0).npf.access == (NPF_READ | own));
	CHECK(ept(high | own | (1u << 1), 0).npf.access == (NPF_WRITE | own));
	CHECK(ept(high | own | (1u << 2), 0).npf.access == (NPF_FETCH | own));
	CHECK(ept(high, 0).npf.access == 0);
}

/* Table 28-7 bits 7/8: an instruction's own access has both; a guest
 * paging-structure walk has 7 without 8; an access with no linear address
 * (PDPTE loads) has neither.  The NPF handler emulates only the first. */
TEST(ept_walk_bits)
{
	CHECK(ept((1u << 7) | (1u << 8) | 1, 0).npf.access == (NPF_READ | NPF_LINEAR | NPF_FINAL));
	CHECK(ept((1u << 7) | 1, 0).npf.access == (NPF_READ | NPF_LINEAR));
	CHECK(ept(1, 0).npf.access == NPF_READ);
}

TEST(ept_gpa_passed_through)
{
	CHECK(ept(1, 0x0).npf.gpa == 0x0);
	CHECK(ept(1, 0xFEE00ABCull).npf.gpa == 0xFEE00ABCull);
	CHECK(ept(2, 0x000FFFFFFFFFF123ull).npf.gpa == 0x000FFFFFFFFFF123ull);
}

/* ---- interruption information (Tables 25-17, 25-19) ------------------ */

/* Bits 7:0 vector, 10:8 type, 11 error code valid, 12 NMI unblocking
 * (exit info) / reserved, 31 valid. */
#define INTR(valid, type, ev, vector) \
	(((uint32_t)(valid) << 31) | ((uint32_t)(type) << 8) | ((uint32_t)(ev) << 11) | (uint32_t)(vector))

static struct vevent ev(uint32_t info, uint32_t error, uint32_t insn_len)
{
	struct vevent v;
	memset(&v, 0xA5, sizeof v);
	vmx_decode_event(&v, info, error, insn_len);
	return v;
}

/* Task-switch qualification (Table 28-2): selector 15:0, source 31:30;
 * the instruction length counts only for instructions and software
 * events (28.2.5). */
static struct vexit task(uint64_t qual, uint32_t idt_info, uint32_t error, uint32_t len)
{
	struct vexit e;
	memset(&e, 0xA5, sizeof e);
	vmx_decode_task_switch(&e, qual, idt_info, error, len);
	return e;
}

TEST(task_switch_qualification)
{
	struct vexit e = task(0x28, 0, 0, 7);                       /* CALL */
	CHECK(e.task.sel == 0x28 && e.task.source == 0 && e.insn_len == 7);
	CHECK(!e.task.event.valid && !e.vectoring.valid);
	e = task(1u << 30 | 0x18, 0, 0, 1);                         /* IRET */
	CHECK(e.task.sel == 0x18 && e.task.source == 1 && e.insn_len == 1);
	e = task(2u << 30 | 0x20, 0, 0, 7);                         /* JMP */
	CHECK(e.task.source == 2 && e.insn_len == 7);
	/* A JMP's vectoring information (none is valid) is not an event. */
	e = task(2u << 30 | 0x20, INTR(1, 0, 0, 0x30), 0, 7);
	CHECK(!e.task.event.valid);
	/* #GP through a gate: its error code, nothing to skip. */
	e = task(3u << 30 | 0x38, INTR(1, 3, 1, 13), 0x18, 5);
	CHECK(e.task.source == 3 && e.task.event.valid && e.task.event.vector == 13);
	CHECK(e.task.event.has_error && e.task.event.error == 0x18 && e.insn_len == 0);
	/* INT n and INT3 through a gate: skipped. */
	e = task(3u << 30 | 0x28, INTR(1, 4, 0, 0x81), 0, 2);
	CHECK(e.task.event.type == VEVENT_SW_INTR && e.insn_len == 2);
	e = task(3u << 30 | 0x28, INTR(1, 6, 0, 3), 0, 1);
	CHECK(e.insn_len == 1);
	/* An NMI and an external interrupt: not. */
	e = task(3u << 30 | 0x48, INTR(1, 2, 0, 2), 0, 3);
	CHECK(e.task.event.type == VEVENT_NMI && e.insn_len == 0 && !e.vectoring.valid);
	e = task(3u << 30 | 0x40, INTR(1, 0, 0, 0x90), 0, 3);
	CHECK(e.task.event.type == VEVENT_EXT_INTR && e.insn_len == 0);
}

TEST(event_types_are_the_sdm_values)
{
	CHECK(VEVENT_EXT_INTR == 0 && VEVENT_NMI == 2 && VEVENT_HW_EXCEPTION == 3);
	CHECK(VEVENT_SW_INTR == 4 && VEVENT_PRIV_SW_EXCEPTION == 5 && VEVENT_SW_EXCEPTION == 6);
}

TEST(event_external_interrupt)
{
	struct vevent v = ev(INTR(1, 0, 0, 0x20), 0, 0);
	CHECK(v.valid);
	CHECK(v.type == VEVENT_EXT_INTR);
	CHECK(v.vector == 0x20);
	CHECK(!v.has_error);
	v = ev(INTR(1, 0, 0, 0xFF), 0, 0);
	CHECK(v.valid && v.type == VEVENT_EXT_INTR && v.vector == 0xFF);
}

TEST(event_nmi)
{
	struct vevent v = ev(INTR(1, 2, 0, 2) | (1u << 12), 0, 0);   /* with NMI unblocking */
	CHECK(v.valid);
	CHECK(v.type == VEVENT_NMI);
	CHECK(v.vector == 2);
	CHECK(!v.has_error);
}

TEST(event_page_fault_with_error_code)
{
	struct vevent v = ev(INTR(1, 3, 1, 14), 0x6, 0);
	CHECK(v.valid);
	CHECK(v.type == VEVENT_HW_EXCEPTION);
	CHECK(v.vector == 14);
	CHECK(v.has_error);
	CHECK(v.error == 0x6);
	v = ev(INTR(1, 3, 1, 13), 0xFFFF0010u, 0);                  /* #GP */
	CHECK(v.valid && v.type == VEVENT_HW_EXCEPTION && v.vector == 13);
	CHECK(v.has_error && v.error == 0xFFFF0010u);
	v = ev(INTR(1, 3, 0, 6), 0, 0);                             /* #UD, no error code */
	CHECK(v.valid && v.vector == 6 && !v.has_error);
}

TEST(event_software_interrupt_insn_len)
{
	struct vevent v = ev(INTR(1, 4, 0, 0x80), 0, 2);            /* INT 80h */
	CHECK(v.valid);
	CHECK(v.type == VEVENT_SW_INTR);
	CHECK(v.vector == 0x80);
	CHECK(!v.has_error);
	CHECK(v.insn_len == 2);
	v = ev(INTR(1, 6, 0, 3), 0, 1);                             /* INT3 */
	CHECK(v.valid && v.type == VEVENT_SW_EXCEPTION && v.vector == 3 && v.insn_len == 1);
	v = ev(INTR(1, 5, 0, 1), 0, 1);                             /* INT1 (ICEBP) */
	CHECK(v.valid && v.type == VEVENT_PRIV_SW_EXCEPTION && v.vector == 1 && v.insn_len == 1);
}

TEST(event_invalid)
{
	struct vevent v = ev(INTR(0, 3, 1, 14), 0x6, 0);
	CHECK(!v.valid);
	v = ev(0, 0, 0);
	CHECK(!v.valid);
}

/* ---- exit reason names (Vol. 3D Appendix C) -------------------------- */

TEST(exit_reason_names)
{
	CHECK(strcmp(exit_reason_name(0), "exception or NMI") == 0);
	CHECK(strcmp(exit_reason_name(10), "CPUID") == 0);
	CHECK(strcmp(exit_reason_name(12), "HLT") == 0);
	CHECK(strcmp(exit_reason_name(30), "I/O instruction") == 0);
	CHECK(strcmp(exit_reason_name(48), "EPT violation") == 0);
	CHECK(strcmp(exit_reason_name(49), "EPT misconfiguration") == 0);
	CHECK(strcmp(exit_reason_name(55), "XSETBV") == 0);
}

TEST(exit_reason_unknown)
{
	CHECK(strcmp(exit_reason_name(200), "unknown") == 0);
	CHECK(strcmp(exit_reason_name(35), "unknown") == 0);    /* not used by the SDM */
	CHECK(strcmp(exit_reason_name(38), "unknown") == 0);
	CHECK(strcmp(exit_reason_name(42), "unknown") == 0);
	CHECK(strcmp(exit_reason_name(0xFFFFFFFFu), "unknown") == 0);
}

/* ---- EPT entries (29.3.2) --------------------------------------------- */


static const uint64_t gpas[] = {
	0x0, 0x1000, 0x200000, 0x40000000, 0x8000000000ull, 0xFFFFFFF000ull,
};

#define EPT_RWX        (EPT_READ | EPT_WRITE | EPT_EXECUTE)
#define EPT_MEMTYPE(e) (((e) >> 3) & 7)

TEST(ept_entries_grant_rwx_and_wb)
{
	struct pagetable pt;

	fake_reset();
	CHECK(pt_create(&pt, ept_stage2.format, &fake_mem, 1) == 0);
	for (size_t i = 0; i < sizeof gpas / sizeof gpas[0]; i++)
		CHECK(pt_map_page(&pt, gpas[i], 0x10000000ull + i * 0x1000, 1, ept_stage2.format->leaf_ram) == 0);
	for (size_t i = 0; i < sizeof gpas / sizeof gpas[0]; i++) {
		uint64_t e[4], pa, flags;
		int level;

		CHECK(walk(&pt, gpas[i], 1, e));
		/* PML4E, PDPTE, PDE referencing a table (Tables 29-1, 29-3, 29-5):
		 * R, W, X; bits 7:3 reserved (bit 7 = 0: not a page). */
		for (int l = 0; l < 3; l++) {
			CHECK((e[l] & EPT_RWX) == EPT_RWX);
			CHECK((e[l] & 0xF8) == 0);
			CHECK((e[l] >> 52) == 0);
		}
		/* PTE (Table 29-6): R, W, X, memory type 6 (WB) in bits 5:3. */
		CHECK((e[3] & EPT_RWX) == EPT_RWX);
		CHECK(EPT_MEMTYPE(e[3]) == 6);
		CHECK(e[3] & EPT_IGNORE_PAT);       /* RAM stays WB whatever the guest's PAT */
		CHECK((e[3] & PT_ADDR_MASK) == 0x10000000ull + i * 0x1000);
		CHECK((e[3] >> 52) == 0);
		CHECK(pt_translate(&pt, gpas[i], &pa, &flags, &level));
		CHECK(pa == 0x10000000ull + i * 0x1000 && level == 1);
	}
}

TEST(ept_pointer_wb_walk_length_4)
{
	struct pagetable pt = { .root = 0x123456000ull };
	struct guest_memory m = { .s2 = &ept_stage2, .table = pt };
	uint64_t eptp = gmem_root(&m);
	CHECK((eptp & 7) == 6);                    /* bits 2:0: WB */
	CHECK(((eptp >> 3) & 7) == 3);             /* bits 5:3: walk length - 1 */
	CHECK((eptp & PT_ADDR_MASK) == 0x123456000ull);
}
