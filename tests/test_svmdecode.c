/*
 * Host tests of the SVM backend's pure parts, checked against AMD APM
 * Vol. 2: the #VMEXIT decoder (svm/decode.c: exit codes of Appendix C,
 * IOIO EXITINFO1 of 15.10.2, MSR 15.11, NPF 15.25.6, CR writes with
 * decode assists 15.33, exceptions 15.12, EXITINTINFO 15.7.2), VMRUN's
 * consistency checks (svm/check.c, 15.5.1, with EVENTINJ 15.20), and
 * the nested page table entries svm/npt.c has mm/pagetable.c build
 * (15.25.5: every nested access is a user access; WB through PAT
 * index 0).
 */
#define TEST_MAIN
#include "tests/test.h"
#include "mm/pagetable.h"
#include "tests/fake_pt.h"
#include "svm/check.h"
#include "svm/decode.h"
#include "svm/npt.h"
#include "svm/svm_exit.h"
#include "svm/vmcb.h"
#include "virt/backend.h"
#include "virt/insn.h"
#include "virt/tss.h"
#include "virt/vexit.h"

#include <stdbool.h>
#include <stdint.h>

static struct vexit decode(struct svm_exit_info x)
{
	struct vexit e;
	memset(&e, 0xA5, sizeof e);
	svm_decode_exit(&e, &x);
	return e;
}

#define X(...) ((struct svm_exit_info){ __VA_ARGS__ })

/* ---- IOIO (15.10.2, Figure 15-2) ------------------------------------- */

/* Bit 0 IN, 2 string, 3 REP, 4-6 SZ8/16/32, 7-9 A16/32/64, 12:10
 * segment, 31:16 port. */
#define IN   (1ull << 0)
#define STR  (1ull << 2)
#define REP  (1ull << 3)
#define SZ8  (1ull << 4)
#define SZ16 (1ull << 5)
#define SZ32 (1ull << 6)
#define A16  (1ull << 7)
#define A32  (1ull << 8)
#define A64  (1ull << 9)
#define SEG(s)  ((uint64_t)(s) << 10)
#define PORT(p) ((uint64_t)(p) << 16)

TEST(ioio_bits_are_the_apm_bits)
{
	CHECK(SVM_IOIO_TYPE_IN == IN && SVM_IOIO_STR == STR && SVM_IOIO_REP == REP);
	CHECK(SVM_IOIO_SZ8 == SZ8 && SVM_IOIO_SZ16 == SZ16 && SVM_IOIO_SZ32 == SZ32);
	CHECK(SVM_IOIO_A16 == A16 && SVM_IOIO_A32 == A32 && SVM_IOIO_A64 == A64);
	CHECK(SVM_IOIO_SEG_MASK == SEG(7) && SVM_IOIO_PORT_MASK == PORT(0xFFFF));
}

TEST(ioio_out_byte)
{
	struct vexit e = decode(X(.code = SVM_EXIT_IOIO, .info1 = SZ8 | PORT(0x3F8),
				  .info2 = 0x1001, .rip = 0x1000));   /* OUT DX, AL */
	CHECK(e.kind == VEXIT_IO);
	CHECK(e.reason == SVM_EXIT_IOIO);
	CHECK(e.io.flags == 0);
	CHECK(e.io.size == 1);
	CHECK(e.io.port == 0x3F8);
	CHECK(e.io.addr_size == 0);           /* none given (QEMU) */
	CHECK(e.io.seg == SVM_SEG_UNKNOWN);
	CHECK(e.insn_len == 1);
}

TEST(ioio_in_sizes_and_ports)
{
	struct vexit e = decode(X(.code = SVM_EXIT_IOIO, .info1 = IN | SZ8 | PORT(0x60),
				  .info2 = 0x7C02, .rip = 0x7C00));  /* IN AL, 60h */
	CHECK(e.kind == VEXIT_IO && e.io.flags == VIO_IN && e.io.size == 1 && e.io.port == 0x60);
	CHECK(e.insn_len == 2);
	e = decode(X(.code = SVM_EXIT_IOIO, .info1 = IN | SZ16 | PORT(0x1F0),
		     .info2 = 0x2002, .rip = 0x2000));              /* IN AX, DX (66 ED) */
	CHECK(e.kind == VEXIT_IO && e.io.flags == VIO_IN && e.io.size == 2 && e.io.port == 0x1F0);
	CHECK(e.insn_len == 2);
	e = decode(X(.code = SVM_EXIT_IOIO, .info1 = IN | SZ32 | PORT(0xFFFF),
		     .info2 = 0x3001, .rip = 0x3000));              /* IN EAX, DX */
	CHECK(e.kind == VEXIT_IO && e.io.flags == VIO_IN && e.io.size == 4 && e.io.port == 0xFFFF);
	CHECK(e.insn_len == 1);
	e = decode(X(.code = SVM_EXIT_IOIO, .info1 = SZ32 | PORT(0xFFFF),
		     .info2 = 0x3001, .rip = 0x3000));              /* OUT DX, EAX */
	CHECK(e.kind == VEXIT_IO && e.io.flags == 0 && e.io.size == 4 && e.io.port == 0xFFFF);
	e = decode(X(.code = SVM_EXIT_IOIO, .info1 = SZ16 | PORT(0),
		     .info2 = 0x3002, .rip = 0x3000));              /* OUT DX, AX */
	CHECK(e.kind == VEXIT_IO && e.io.flags == 0 && e.io.size == 2 && e.io.port == 0);
}

TEST(ioio_insn_len_from_exitinfo2)
{
	uint64_t rip = 0xFFFFFFFF80001FFEull;
	struct vexit e = decode(X(.code = SVM_EXIT_IOIO, .info1 = SZ8 | PORT(0x80),
				  .info2 = rip + 3, .rip = rip));
	CHECK(e.insn_len == 3);
	/* Non-I/O exits leave it 0 (EXITINFO2 means something else there). */
	e = decode(X(.code = SVM_EXIT_CPUID, .info2 = rip + 2, .rip = rip));
	CHECK(e.insn_len == 0);
}

TEST(ioio_string_rep_address_size)
{
	/* REP OUTSB, 32-bit addresses, no decode assists. */
	struct vexit e = decode(X(.code = SVM_EXIT_IOIO, .info1 = STR | REP | SZ8 | A32 | SEG(3) | PORT(0x3F8),
				  .info2 = 0x1002, .rip = 0x1000));
	CHECK(e.kind == VEXIT_IO);
	CHECK(e.io.flags == (VIO_STRING | VIO_REP));
	CHECK(e.io.size == 1);
	CHECK(e.io.addr_size == 4);
	CHECK(e.io.seg == SVM_SEG_UNKNOWN);   /* bits 12:10 need decode assists */
	CHECK(e.insn_len == 2);
	/* REP INSW, 16-bit addresses. */
	e = decode(X(.code = SVM_EXIT_IOIO, .info1 = IN | STR | REP | SZ16 | A16 | PORT(0x1F0)));
	CHECK(e.io.flags == (VIO_IN | VIO_STRING | VIO_REP));
	CHECK(e.io.size == 2 && e.io.addr_size == 2 && e.io.port == 0x1F0);
	/* OUTSD, 64-bit addresses. */
	e = decode(X(.code = SVM_EXIT_IOIO, .info1 = STR | SZ32 | A64 | PORT(0x80)));
	CHECK(e.io.flags == VIO_STRING);
	CHECK(e.io.size == 4 && e.io.addr_size == 8);
	/* INSB without an address size (QEMU): 0, for svm/exit.c to decode. */
	e = decode(X(.code = SVM_EXIT_IOIO, .info1 = IN | STR | SZ8 | PORT(0x60)));
	CHECK(e.io.flags == (VIO_IN | VIO_STRING) && e.io.addr_size == 0);
}

TEST(ioio_segment_with_decode_assists)
{
	static const enum vseg_reg segs[6] = { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS };
	for (unsigned s = 0; s < 6; s++) {
		struct vexit e = decode(X(.code = SVM_EXIT_IOIO,
					  .info1 = STR | SZ8 | A64 | SEG(s) | PORT(0x3F8),
					  .decode_assists = true));
		CHECK(e.kind == VEXIT_IO);
		CHECK(e.io.seg == segs[s]);
		CHECK(e.io.addr_size == 8 && e.io.size == 1 && e.io.port == 0x3F8);
		CHECK(e.io.flags == VIO_STRING);
		e = decode(X(.code = SVM_EXIT_IOIO, .info1 = STR | SZ8 | A64 | SEG(s) | PORT(0x3F8)));
		CHECK(e.io.seg == SVM_SEG_UNKNOWN);
	}
}

/* ---- MSR (15.11) ------------------------------------------------------ */

TEST(msr_read_write)
{
	CHECK(decode(X(.code = SVM_EXIT_MSR, .info1 = 0)).kind == VEXIT_RDMSR);
	CHECK(decode(X(.code = SVM_EXIT_MSR, .info1 = 1)).kind == VEXIT_WRMSR);
	CHECK(svm_exit_insn_msr(0) == INSN_RDMSR);
	CHECK(svm_exit_insn_msr(1) == INSN_WRMSR);
	CHECK(svm_exit_insn(SVM_EXIT_MSR) == -1);   /* EXITINFO1 tells them apart */
}

/* ---- NPF (15.25.6) ---------------------------------------------------- */

#define NPF_P_   (1ull << 0)
#define NPF_RW_  (1ull << 1)
#define NPF_US_  (1ull << 2)
#define NPF_RSV_ (1ull << 3)
#define NPF_ID_  (1ull << 4)

TEST(npf_access)
{
	uint64_t gpa = 0x0000000123456789ull;
	const unsigned own = NPF_LINEAR | NPF_FINAL;   /* the guest's own access */
	struct vexit e = decode(X(.code = SVM_EXIT_NPF, .info1 = NPF_US_, .info2 = gpa));
	CHECK(e.kind == VEXIT_NPF);
	CHECK(e.npf.gpa == gpa);
	CHECK(e.npf.access == (NPF_READ | own));
	e = decode(X(.code = SVM_EXIT_NPF, .info1 = NPF_US_ | NPF_RW_, .info2 = 0xFEE00000));
	CHECK(e.kind == VEXIT_NPF);
	CHECK(e.npf.gpa == 0xFEE00000);
	CHECK(e.npf.access == (NPF_WRITE | own));
	e = decode(X(.code = SVM_EXIT_NPF, .info1 = NPF_US_ | NPF_ID_, .info2 = 0x100000));
	CHECK(e.kind == VEXIT_NPF);
	CHECK(e.npf.access & NPF_FETCH);
	CHECK(!(e.npf.access & NPF_WRITE));
	CHECK(e.npf.gpa == 0x100000);
	/* Present (protection) faults change nothing; bit 33, a fault of the
	 * guest's page-table walk, is not the guest's own access (15.25.6). */
	e = decode(X(.code = SVM_EXIT_NPF, .info1 = NPF_P_ | NPF_US_ | NPF_RW_ | SVM_NPF_FINAL_GPA,
		     .info2 = 0x2000));
	CHECK(e.kind == VEXIT_NPF && e.npf.access == (NPF_WRITE | own));
	e = decode(X(.code = SVM_EXIT_NPF, .info1 = NPF_US_ | SVM_NPF_GUEST_PAGE_TABLE, .info2 = 0x3000));
	CHECK(e.kind == VEXIT_NPF && e.npf.access == (NPF_READ | NPF_LINEAR));
}

TEST(npf_rsvd_is_misconfig)
{
	struct vexit e = decode(X(.code = SVM_EXIT_NPF, .info1 = NPF_P_ | NPF_US_ | NPF_RSV_,
				  .info2 = 0xABC000));
	CHECK(e.kind == VEXIT_NPT_MISCONFIG);
	CHECK(e.npf.gpa == 0xABC000);
	e = decode(X(.code = SVM_EXIT_NPF, .info1 = NPF_P_ | NPF_US_ | NPF_RW_ | NPF_RSV_,
		     .info2 = 0xABD000));
	CHECK(e.kind == VEXIT_NPT_MISCONFIG);
	CHECK(e.npf.gpa == 0xABD000);
}

/* ---- CR writes (15.8.1, decode assists 15.33.1) ----------------------- */

#define CR_MOV (1ull << 63)

TEST(cr_write_with_decode_assists)
{
	static const uint8_t gprs[] = { 0, 3, 4, 8, 15 };
	for (unsigned i = 0; i < sizeof gprs; i++) {
		struct vexit e = decode(X(.code = SVM_EXIT_CR0_WRITE, .info1 = CR_MOV | gprs[i],
					  .decode_assists = true));
		CHECK(e.kind == VEXIT_CR);
		CHECK(e.cr.cr == 0 && e.cr.type == CR_MOV_TO && e.cr.gpr == gprs[i]);
		e = decode(X(.code = SVM_EXIT_CR4_WRITE, .info1 = CR_MOV | gprs[i],
			     .decode_assists = true));
		CHECK(e.kind == VEXIT_CR);
		CHECK(e.cr.cr == 4 && e.cr.type == CR_MOV_TO && e.cr.gpr == gprs[i]);
	}
}

TEST(cr_write_gpr_unknown)
{
	/* LMSW/CLTS: bit 63 clear. */
	struct vexit e = decode(X(.code = SVM_EXIT_CR0_WRITE, .info1 = 0, .decode_assists = true));
	CHECK(e.kind == VEXIT_CR && e.cr.cr == 0 && e.cr.gpr == SVM_GPR_UNKNOWN);
	/* No decode assists: EXITINFO1 holds nothing. */
	e = decode(X(.code = SVM_EXIT_CR0_WRITE, .info1 = CR_MOV | 3));
	CHECK(e.kind == VEXIT_CR && e.cr.cr == 0 && e.cr.gpr == SVM_GPR_UNKNOWN);
	e = decode(X(.code = SVM_EXIT_CR4_WRITE, .info1 = CR_MOV | 15));
	CHECK(e.kind == VEXIT_CR && e.cr.cr == 4 && e.cr.gpr == SVM_GPR_UNKNOWN);
	e = decode(X(.code = SVM_EXIT_CR4_WRITE));
	CHECK(e.kind == VEXIT_CR && e.cr.cr == 4 && e.cr.gpr == SVM_GPR_UNKNOWN);
}

/* CR0 reads (intercepted while the guest's CD/NW are hidden): MOV from
 * CR0 names its GPR with decode assists; SMSW (bit 63 clear) and every
 * read without decode assists are decoded from the bytes. */
TEST(cr0_read)
{
	struct vexit e = decode(X(.code = SVM_EXIT_CR0_READ, .info1 = CR_MOV | 9, .decode_assists = true));
	CHECK(e.kind == VEXIT_CR && e.cr.cr == 0 && e.cr.type == CR_MOV_FROM && e.cr.gpr == 9);
	e = decode(X(.code = SVM_EXIT_CR0_READ, .info1 = 0, .decode_assists = true));
	CHECK(e.kind == VEXIT_CR && e.cr.type == CR_MOV_FROM && e.cr.gpr == SVM_GPR_UNKNOWN);
	e = decode(X(.code = SVM_EXIT_CR0_READ, .info1 = CR_MOV | 2));
	CHECK(e.kind == VEXIT_CR && e.cr.cr == 0 && e.cr.type == CR_MOV_FROM && e.cr.gpr == SVM_GPR_UNKNOWN);
	CHECK(svm_exit_insn(SVM_EXIT_CR0_READ) == INSN_MOV_CR);
	/* Other CR reads are never intercepted: not taken for CR0's. */
	e = decode(X(.code = SVM_EXIT_CR_READ(3), .info1 = CR_MOV | 2, .decode_assists = true));
	CHECK(e.kind == VEXIT_UNHANDLED);
}

/* ---- exceptions (15.12) ----------------------------------------------- */

TEST(exceptions)
{
	struct vexit e = decode(X(.code = 0x40 + 14, .info1 = 0x6, .info2 = 0xDEAD000));
	CHECK(e.kind == VEXIT_EXCEPTION);
	CHECK(e.exc.vector == 14);
	CHECK(e.exc.error == 0x6);
	e = decode(X(.code = 0x40 + 13, .info1 = 0x18));
	CHECK(e.kind == VEXIT_EXCEPTION && e.exc.vector == 13 && e.exc.error == 0x18);
	e = decode(X(.code = 0x40));
	CHECK(e.kind == VEXIT_EXCEPTION && e.exc.vector == 0);
	e = decode(X(.code = 0x40 + 6));
	CHECK(e.kind == VEXIT_EXCEPTION && e.exc.vector == 6);
	e = decode(X(.code = 0x5F));
	CHECK(e.kind == VEXIT_EXCEPTION && e.exc.vector == 31);
	CHECK(decode(X(.code = 0x3F)).kind != VEXIT_EXCEPTION);   /* DR15 write */
	CHECK(decode(X(.code = 0x60)).kind != VEXIT_EXCEPTION);   /* INTR */
}

/* ---- the other kinds (Appendix C) ------------------------------------- */

static const struct {
	uint64_t code;
	enum vexit_kind kind;
	int insn;
} kinds[] = {
	{ 0x060, VEXIT_INTR, -1 },         { 0x061, VEXIT_NMI, -1 },
	{ 0x063, VEXIT_INIT, -1 },         { 0x07F, VEXIT_SHUTDOWN, -1 },
	{ 0x081, VEXIT_HYPERCALL, INSN_VMMCALL },
	{ 0x072, VEXIT_CPUID, INSN_CPUID }, { 0x078, VEXIT_HLT, INSN_HLT },
	{ 0x08D, VEXIT_XSETBV, INSN_XSETBV },
	{ 0x076, VEXIT_CACHE_FLUSH, INSN_INVD }, { 0x089, VEXIT_CACHE_FLUSH, INSN_WBINVD },
	{ 0x080, VEXIT_VIRT_INSN, -1 },    /* VMRUN */
	{ 0x082, VEXIT_VIRT_INSN, -1 },    /* VMLOAD */
	{ 0x083, VEXIT_VIRT_INSN, -1 },    /* VMSAVE */
	{ 0x084, VEXIT_VIRT_INSN, -1 },    /* STGI */
	{ 0x085, VEXIT_VIRT_INSN, -1 },    /* CLGI */
	{ 0x086, VEXIT_VIRT_INSN, -1 },    /* SKINIT */
	{ 0x07A, VEXIT_VIRT_INSN, -1 },    /* INVLPGA */
	{ 0x08A, VEXIT_UNDEFINED, -1 },    /* MONITOR */
	{ 0x08B, VEXIT_UNDEFINED, -1 },    /* MWAIT */
	{ 0x07B, VEXIT_IO, INSN_IO },
	{ 0x010, VEXIT_CR, INSN_MOV_CR },  { 0x014, VEXIT_CR, INSN_MOV_CR },
	{ 0x400, VEXIT_NPF, -1 },
};

TEST(exit_kinds)
{
	for (unsigned i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		struct vexit e = decode(X(.code = kinds[i].code));
		if (e.kind != kinds[i].kind || e.reason != kinds[i].code)
			printf("# code 0x%llx: kind %d, expected %d\n",
			       (unsigned long long)kinds[i].code, e.kind, kinds[i].kind);
		CHECK(e.kind == kinds[i].kind);
		CHECK(e.reason == kinds[i].code);
		CHECK(svm_exit_insn(kinds[i].code) == kinds[i].insn);
	}
}

TEST(vmexit_invalid)
{
	struct vexit e = decode(X(.code = ~0ull));
	CHECK(e.kind == VEXIT_ENTRY_FAILED);
	/* QEMU writes only the low 32 bits of EXITCODE. */
	e = decode(X(.code = 0x00000000FFFFFFFFull));
	CHECK(e.kind == VEXIT_ENTRY_FAILED);
	CHECK(svm_exit_insn(~0ull) == -1);
}

TEST(unknown_codes_unhandled)
{
	static const uint64_t codes[] = { 0x06E /* RDTSC */, 0x0A6, 0x0FF, 0x3FF, 0x404, 0x1234,
					  SVM_EXIT_CR3_WRITE, SVM_EXIT_CR_READ(4) };
	for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		CHECK(decode(X(.code = codes[i])).kind == VEXIT_UNHANDLED);
		CHECK(svm_exit_insn(codes[i]) == -1);
	}
}

TEST(cpl_copied)
{
	for (uint8_t cpl = 0; cpl < 4; cpl++) {
		CHECK(decode(X(.code = SVM_EXIT_VMMCALL, .cpl = cpl)).cpl == cpl);
		CHECK(decode(X(.code = SVM_EXIT_XSETBV, .cpl = cpl)).cpl == cpl);
	}
}

/* ---- EXITINTINFO (15.7.2, EVENTINJ layout of 15.20) ------------------- */

#define INT_INFO(valid, type, ev, vector) \
	(((uint32_t)(valid) << 31) | ((uint32_t)(type) << 8) | ((uint32_t)(ev) << 11) | (uint32_t)(vector))

TEST(exitintinfo_vectoring)
{
	/* A #PF with error code whose delivery an NPF cut off. */
	struct vexit e = decode(X(.code = SVM_EXIT_NPF, .info1 = NPF_US_ | NPF_RW_,
				  .int_info = INT_INFO(1, 3, 1, 14), .int_info_err = 0x2));
	CHECK(e.kind == VEXIT_NPF);
	CHECK(e.vectoring.valid);
	CHECK(e.vectoring.type == VEVENT_HW_EXCEPTION);
	CHECK(e.vectoring.vector == 14);
	CHECK(e.vectoring.has_error);
	CHECK(e.vectoring.error == 0x2);
	CHECK(e.vectoring.insn_len == 0);
	/* An external interrupt. */
	e = decode(X(.code = SVM_EXIT_NPF, .int_info = INT_INFO(1, 0, 0, 0x30)));
	CHECK(e.vectoring.valid && e.vectoring.type == VEVENT_EXT_INTR);
	CHECK(e.vectoring.vector == 0x30 && !e.vectoring.has_error);
	/* An NMI. */
	e = decode(X(.code = SVM_EXIT_NPF, .int_info = INT_INFO(1, 2, 0, 2)));
	CHECK(e.vectoring.valid && e.vectoring.type == VEVENT_NMI && e.vectoring.vector == 2);
	/* None. */
	e = decode(X(.code = SVM_EXIT_NPF, .int_info = INT_INFO(0, 3, 1, 14), .int_info_err = 2));
	CHECK(!e.vectoring.valid);
	e = decode(X(.code = SVM_EXIT_CPUID));
	CHECK(!e.vectoring.valid);
}

TEST(exitintinfo_software_interrupt_not_valid)
{
	/* INTn cut off: rIP still points at it, it runs again. */
	struct vexit e = decode(X(.code = SVM_EXIT_NPF, .int_info = INT_INFO(1, 4, 0, 0x80)));
	CHECK(e.kind == VEXIT_NPF);
	CHECK(!e.vectoring.valid);
	struct vevent v;
	memset(&v, 0xA5, sizeof v);
	svm_decode_event(&v, INT_INFO(1, 4, 0, 0x21), 0);
	CHECK(!v.valid);
	svm_decode_event(&v, INT_INFO(1, 3, 1, 13), 0x10);
	CHECK(v.valid && v.type == VEVENT_HW_EXCEPTION && v.vector == 13);
	CHECK(v.has_error && v.error == 0x10 && v.insn_len == 0);
}

/* ---- task switch (EXITINFO1 selector, EXITINFO2 source and error) ---- */

TEST(task_switch_sources)
{
	struct vexit e = decode(X(.code = SVM_EXIT_TASK_SWITCH, .info1 = 0x28));
	CHECK(e.kind == VEXIT_TASK_SWITCH && e.task.sel == 0x28 && e.task.source == TS_CALL);
	CHECK(!e.task.event.valid && !e.vectoring.valid && svm_task_switch_skips(&e));
	e = decode(X(.code = SVM_EXIT_TASK_SWITCH, .info1 = 0x18, .info2 = SVM_EXITINFO2_TS_IRET));
	CHECK(e.task.sel == 0x18 && e.task.source == TS_IRET && svm_task_switch_skips(&e));
	e = decode(X(.code = SVM_EXIT_TASK_SWITCH, .info1 = 0x20, .info2 = SVM_EXITINFO2_TS_JMP));
	CHECK(e.task.source == TS_JMP);
	/* #GP through an IDT task gate: its error code from EXITINFO2, no
	 * re-injection, nothing to skip. */
	e = decode(X(.code = SVM_EXIT_TASK_SWITCH, .info1 = 0x38,
		     .info2 = SVM_EXITINFO2_TS_HAS_ERROR | 0x18, .int_info = INT_INFO(1, 3, 1, 13)));
	CHECK(e.task.source == TS_GATE && e.task.event.valid && e.task.event.vector == 13);
	CHECK(e.task.event.has_error && e.task.event.error == 0x18);
	CHECK(!e.vectoring.valid && !svm_task_switch_skips(&e));
	/* INT n through a gate stays valid here (svm_decode_event would
	 * drop it) and is skipped; so are INT3 and INTO. */
	e = decode(X(.code = SVM_EXIT_TASK_SWITCH, .info1 = 0x28, .int_info = INT_INFO(1, 4, 0, 0x81)));
	CHECK(e.task.source == TS_GATE && e.task.event.valid && e.task.event.type == VEVENT_SW_INTR);
	CHECK(e.task.event.vector == 0x81 && !e.task.event.has_error && svm_task_switch_skips(&e));
	e = decode(X(.code = SVM_EXIT_TASK_SWITCH, .info1 = 0x28, .int_info = INT_INFO(1, 3, 0, 3)));
	CHECK(svm_task_switch_skips(&e));
	/* An NMI and an external interrupt are not. */
	e = decode(X(.code = SVM_EXIT_TASK_SWITCH, .info1 = 0x48, .int_info = INT_INFO(1, 2, 0, 2)));
	CHECK(e.task.event.type == VEVENT_NMI && !svm_task_switch_skips(&e));
	e = decode(X(.code = SVM_EXIT_TASK_SWITCH, .info1 = 0x40, .int_info = INT_INFO(1, 0, 0, 0x90)));
	CHECK(e.task.event.type == VEVENT_EXT_INTR && !svm_task_switch_skips(&e));
}

/* ---- vmcb_check (15.5.1) ---------------------------------------------- */

#define CR0_PE  (1ull << 0)
#define CR0_ET  (1ull << 4)
#define CR0_NW  (1ull << 29)
#define CR0_CD  (1ull << 30)
#define CR0_PG  (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)

/* One 4-KiB VMCB for every test, reachable from here, so a test that
 * fails halfway leaks nothing (a leak report would end the binary
 * before its buffered "FAIL" lines are written). */
static struct vmcb *vmcb;

/* The VMCB, rewritten as svm/vmcb.c writes it for a multiboot guest:
 * 32-bit protected mode, paging off, flat segments. */
static struct vmcb *valid_vmcb(void)
{
	if (!vmcb)
		vmcb = calloc(1, sizeof *vmcb);
	memset(vmcb, 0, sizeof *vmcb);

	struct vmcb *b = vmcb;
	struct vmcb_save *s = &b->save;
	uint16_t code = vmx_ar_to_svm_attrib(0xC09B), data = vmx_ar_to_svm_attrib(0xC093);

	s->cs = (struct vmcb_seg){ .selector = 0x08, .attrib = code, .limit = 0xFFFFFFFF };
	s->ss = s->ds = s->es = s->fs = s->gs =
		(struct vmcb_seg){ .selector = 0x10, .attrib = data, .limit = 0xFFFFFFFF };
	s->tr = (struct vmcb_seg){ .attrib = vmx_ar_to_svm_attrib(0x8B), .limit = 0xFFFF };
	s->efer = EFER_SVME;
	s->cr0 = CR0_PE | CR0_ET;
	s->dr6 = 0xFFFF0FF0;
	s->dr7 = 0x400;
	s->rflags = 0x2;
	s->g_pat = 0x0007040600070406ull;
	b->control.intercept_cr_write = INTERCEPT_CR(0) | INTERCEPT_CR(4);
	b->control.intercept_misc1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_CPUID | INTERCEPT_HLT |
				     INTERCEPT_IOIO_PROT | INTERCEPT_MSR_PROT | INTERCEPT_SHUTDOWN;
	b->control.intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL;
	b->control.asid = 1;
	b->control.nested_ctl = NP_ENABLE;
	return b;
}

/* vmcb_check(b) names a rule, and its name contains `word`. */
static bool names(struct vmcb *b, const char *word)
{
	const char *why = vmcb_check(b);
	bool ok = why && strstr(why, word);
	if (!ok)
		printf("# vmcb_check: \"%s\", expected one naming \"%s\"\n", why ? why : "(null)", word);
	return ok;
}

TEST(vmcb_valid)
{
	struct vmcb *b = valid_vmcb();
	CHECK(vmcb_check(b) == NULL);
	/* Long mode: LME, LMA, PG, PAE, CS.L with CS.D clear. */
	b->save.efer |= EFER_LME | EFER_LMA | (1ull << 11) /* NXE */ | 1 /* SCE */;
	b->save.cr0 |= CR0_PG;
	b->save.cr4 = CR4_PAE;
	b->save.cs.attrib = vmx_ar_to_svm_attrib(0xA09B);   /* L = 1, D = 0 */
	b->save.cr3 = 0x000FFFFFFFFFF000ull;
	CHECK(vmcb_check(b) == NULL);
	/* CD and NW both set is allowed. */
	b->save.cr0 |= CR0_CD | CR0_NW;
	CHECK(vmcb_check(b) == NULL);
}

TEST(vmcb_svme_clear)
{
	struct vmcb *b = valid_vmcb();
	b->save.efer &= ~EFER_SVME;
	CHECK(names(b, "SVME"));
}

TEST(vmcb_cd0_nw1)
{
	struct vmcb *b = valid_vmcb();
	b->save.cr0 |= CR0_NW;
	CHECK(names(b, "CR0.NW"));
}

TEST(vmcb_cr0_high)
{
	struct vmcb *b = valid_vmcb();
	b->save.cr0 |= 1ull << 32;
	CHECK(names(b, "CR0[63:32]"));
	b = valid_vmcb();
	b->save.cr0 |= 1ull << 63;
	CHECK(names(b, "CR0[63:32]"));
}

TEST(vmcb_cr3_high)
{
	struct vmcb *b = valid_vmcb();
	b->save.cr3 = 1ull << 52;
	CHECK(names(b, "CR3"));
	b = valid_vmcb();
	b->save.cr3 = 1ull << 63;
	CHECK(names(b, "CR3"));
}

TEST(vmcb_cr4_high)
{
	struct vmcb *b = valid_vmcb();
	b->save.cr4 = 1ull << 32;
	CHECK(names(b, "CR4[63:32]"));
}

TEST(vmcb_dr6_dr7_high)
{
	struct vmcb *b = valid_vmcb();
	b->save.dr6 |= 1ull << 32;
	CHECK(names(b, "DR6"));
	b = valid_vmcb();
	b->save.dr7 |= 1ull << 63;
	CHECK(names(b, "DR7"));
}

TEST(vmcb_efer_mbz)
{
	static const unsigned bits[] = { 1, 7, 9, 63 };
	for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		struct vmcb *b = valid_vmcb();
		b->save.efer |= 1ull << bits[i];
		CHECK(names(b, "EFER has must-be-zero"));
	}
}

TEST(vmcb_long_mode_without_pae)
{
	struct vmcb *b = valid_vmcb();
	b->save.efer |= EFER_LME;
	b->save.cr0 |= CR0_PG;
	CHECK(names(b, "CR4.PAE is zero"));
}

TEST(vmcb_long_mode_without_pe)
{
	struct vmcb *b = valid_vmcb();
	b->save.efer |= EFER_LME;
	b->save.cr0 = CR0_ET | CR0_PG;
	b->save.cr4 = CR4_PAE;
	CHECK(names(b, "CR0.PE is zero"));
}

TEST(vmcb_long_mode_cs_l_and_d)
{
	struct vmcb *b = valid_vmcb();
	b->save.efer |= EFER_LME | EFER_LMA;
	b->save.cr0 |= CR0_PG;
	b->save.cr4 = CR4_PAE;
	b->save.cs.attrib |= SVM_ATTRIB_L | SVM_ATTRIB_DB;
	CHECK(names(b, "CS.L and CS.D"));
	/* Not in long mode, CS.L with CS.D is no rule's business here. */
	b = valid_vmcb();
	b->save.cs.attrib |= SVM_ATTRIB_L | SVM_ATTRIB_DB;
	CHECK(vmcb_check(b) == NULL);
}

TEST(vmcb_vmrun_intercept_clear)
{
	struct vmcb *b = valid_vmcb();
	b->control.intercept_misc2 &= ~INTERCEPT_VMRUN;
	CHECK(names(b, "VMRUN intercept"));
}

TEST(vmcb_asid_zero)
{
	struct vmcb *b = valid_vmcb();
	b->control.asid = 0;
	CHECK(names(b, "ASID"));
}

TEST(vmcb_eventinj_illegal)
{
	struct vmcb *b = valid_vmcb();
	b->control.event_inj = EVENTINJ_V | (1u << EVENTINJ_TYPE_SHIFT) | 0x20;   /* type 1 */
	CHECK(names(b, "EVENTINJ"));
	for (uint32_t type = 5; type < 8; type++) {
		b = valid_vmcb();
		b->control.event_inj = EVENTINJ_V | (type << EVENTINJ_TYPE_SHIFT) | 3;
		CHECK(names(b, "EVENTINJ"));
	}
	b = valid_vmcb();
	b->control.event_inj = EVENTINJ_V | EVENTINJ_TYPE_EXCEPTION | 2;           /* NMI's vector */
	CHECK(names(b, "EVENTINJ"));
	b = valid_vmcb();
	b->control.event_inj = EVENTINJ_V | EVENTINJ_TYPE_EXCEPTION | 40;          /* not an exception */
	CHECK(names(b, "EVENTINJ"));
}

TEST(vmcb_eventinj_legal)
{
	static const uint32_t legal[] = {
		EVENTINJ_V | EVENTINJ_TYPE_EXCEPTION | EVENTINJ_EV | 13,  /* #GP(error) */
		EVENTINJ_V | EVENTINJ_TYPE_EXCEPTION | EVENTINJ_EV | 14,  /* #PF(error) */
		EVENTINJ_V | EVENTINJ_TYPE_EXCEPTION | 6,                 /* #UD */
		EVENTINJ_V | EVENTINJ_TYPE_INTR | 0x20,
		EVENTINJ_V | EVENTINJ_TYPE_NMI | 2,
		EVENTINJ_V | EVENTINJ_TYPE_SOFT_INT | 0x80,
		(1u << EVENTINJ_TYPE_SHIFT) | 0x20,                       /* not valid: ignored */
	};
	for (unsigned i = 0; i < sizeof legal / sizeof legal[0]; i++) {
		struct vmcb *b = valid_vmcb();
		b->control.event_inj = legal[i];
		b->control.event_inj_err = 0x10;
		CHECK(vmcb_check(b) == NULL);
	}
}

/* ---- nested page table entries (15.25.5) ------------------------------ */


#define P   (1ull << 0)
#define RW  (1ull << 1)
#define US  (1ull << 2)
#define PWT (1ull << 3)
#define PCD (1ull << 4)
#define PS  (1ull << 7)
#define PAT4K (1ull << 7)
#define PAT_LARGE (1ull << 12)
#define NX  (1ull << 63)

static const uint64_t gpas[] = {
	0x0, 0x1000, 0x200000, 0x40000000, 0x8000000000ull, 0xFFFFFFF000ull,
};

TEST(npt_entries_user_rw_wb)
{
	struct pagetable pt;

	fake_reset();
	CHECK(pt_create(&pt, npt_stage2.format, &fake_mem, 1) == 0);
	for (size_t i = 0; i < sizeof gpas / sizeof gpas[0]; i++)
		CHECK(pt_map_page(&pt, gpas[i], 0x10000000ull + i * 0x1000, 1, npt_stage2.format->leaf_ram) == 0);
	for (size_t i = 0; i < sizeof gpas / sizeof gpas[0]; i++) {
		uint64_t e[4], pa, flags;
		int level;

		CHECK(walk(&pt, gpas[i], 1, e));
		/* PML4E, PDPE, PDE pointing to tables: P, R/W, U/S; no PWT/PCD,
		 * no PS (MBZ in a PML4E), no NX. */
		for (int l = 0; l < 3; l++) {
			CHECK((e[l] & (P | RW | US)) == (P | RW | US));
			CHECK((e[l] & (PWT | PCD | PS | NX)) == 0);
		}
		/* PTE: P, R/W, U/S; PAT index 0 (PWT = PCD = PAT = 0): WB. */
		CHECK((e[3] & (P | RW | US)) == (P | RW | US));
		CHECK((e[3] & (PWT | PCD | PAT4K | NX)) == 0);
		CHECK((e[3] & PT_ADDR_MASK) == 0x10000000ull + i * 0x1000);
		CHECK(pt_translate(&pt, gpas[i], &pa, &flags, &level));
		CHECK(pa == 0x10000000ull + i * 0x1000 && level == 1);
	}
}

TEST(npt_large_leaf_wb)
{
	/* A 2 MiB leaf (PDE, PS = 1): its PAT bit is 12. */
	struct pagetable pt;
	uint64_t e[4];

	fake_reset();
	CHECK(pt_create(&pt, npt_stage2.format, &fake_mem, 2) == 0);
	CHECK(pt_map_page(&pt, 0x40200000ull, 0x80000000ull, 2, npt_stage2.format->leaf_ram) == 0);
	CHECK(walk(&pt, 0x40200000ull, 2, e));
	for (int l = 0; l < 2; l++) {
		CHECK((e[l] & (P | RW | US)) == (P | RW | US));
		CHECK((e[l] & (PWT | PCD | PS | NX)) == 0);
	}
	CHECK((e[2] & (P | RW | US | PS)) == (P | RW | US | PS));
	CHECK((e[2] & (PWT | PCD | PAT_LARGE | NX)) == 0);
	CHECK((e[2] & PT_ADDR_MASK) == 0x80000000ull);
}
