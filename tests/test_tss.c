/*
 * Host tests of virt/tss.c, the hardware task switch (SDM Vol. 3A 7.3),
 * against a fake guest memory where linear = physical: what CALL, JMP,
 * IRET and task gates save and load, the busy flags and the back link,
 * every check of Table 7-1 with the context its fault belongs to, the
 * error code pushed for an exception, 16-bit and virtual-8086 tasks.
 */
#define TEST_MAIN
#include "tests/test.h"
#include "virt/tss.h"

#include <stdbool.h>
#include <stdint.h>

#define MEM_SIZE 0x10000
static uint8_t ram[MEM_SIZE];
static uint64_t hole = ~0ull;   /* a linear page that is not present */
static int writes;

enum { GDT = 0x1000, TSS_A = 0x2000, TSS_B = 0x3000, LDT = 0x4000, TSS_16 = 0x5000, IDT = 0x6000 };
enum {
	SEL_CODE = 0x08, SEL_DATA = 0x10, SEL_A = 0x18, SEL_B = 0x20, SEL_LDT = 0x28,
	SEL_CODE3 = 0x33, SEL_DATA3 = 0x3B, SEL_16 = 0x40, SEL_BADSS = 0x48, SEL_NPCODE = 0x50,
	SEL_SMALL = 0x58, SEL_NP = 0x60, SEL_GDT_END = 0x68,
};

static int access(void *ctx, const struct ts_regs *r, uint64_t linear, void *buf, unsigned size,
		  bool write, uint64_t *cr2, uint32_t *pf)
{
	(void)ctx, (void)r;
	for (unsigned i = 0; i < size; i++)
		if (((linear + i) & ~0xFFFull) == hole) {
			*cr2 = linear + i;
			*pf = write ? 2 : 0;
			return 1;
		}
	if (linear + size > MEM_SIZE)
		return -1;
	if (write) {
		memcpy(ram + linear, buf, size);
		writes++;
	} else {
		memcpy(buf, ram + linear, size);
	}
	return 0;
}

static const struct ts_mem mem = { NULL, access };

static uint64_t desc(uint32_t base, uint32_t limit, unsigned type_byte, unsigned flags)
{
	return (limit & 0xFFFF) | (uint64_t)(base & 0xFFFFFF) << 16 | (uint64_t)type_byte << 40 |
	       (uint64_t)((limit >> 16) & 0xF) << 48 | (uint64_t)flags << 52 |
	       (uint64_t)(base >> 24) << 56;
}

static void set_desc(unsigned sel, uint64_t d)
{
	memcpy(ram + GDT + (sel & ~7u), &d, 8);
}

static uint8_t type_byte(unsigned base, unsigned sel)
{
	return ram[base + (sel & ~7u) + 5];
}

static uint32_t rd(unsigned addr, unsigned width)
{
	uint32_t v = 0;
	memcpy(&v, ram + addr, width);
	return v;
}

static void wr(unsigned addr, unsigned width, uint32_t v)
{
	memcpy(ram + addr, &v, width);
}

/* A 32-bit TSS at base for a ring-`cpl` task. */
static void make_tss32(unsigned base, uint32_t eip, unsigned cpl, uint32_t seed)
{
	memset(ram + base, 0, 0x68);
	wr(base + 0x1C, 4, 0x9000 + seed);                  /* CR3 */
	wr(base + 0x20, 4, eip);
	wr(base + 0x24, 4, 0x202);                          /* IF */
	for (unsigned i = 0; i < 8; i++)
		wr(base + 0x28 + 4 * i, 4, seed * 0x100 + i);
	wr(base + 0x38, 4, 0x8000);                         /* ESP */
	unsigned cs = cpl ? SEL_CODE3 : SEL_CODE, ds = cpl ? SEL_DATA3 : SEL_DATA;
	wr(base + 0x48, 2, ds);
	wr(base + 0x4C, 2, cs);
	wr(base + 0x50, 2, ds);
	wr(base + 0x54, 2, ds);
	wr(base + 0x58, 2, ds);
	wr(base + 0x5C, 2, 0);                              /* GS null */
	wr(base + 0x60, 2, 0);                              /* no LDT */
}

static struct ts_regs regs;

/* Task A runs (TR = A, busy); B is an available 32-bit TSS. */
static void setup(void)
{
	memset(ram, 0, sizeof ram);
	hole = ~0ull;
	writes = 0;
	set_desc(SEL_CODE, desc(0, 0xFFFFF, 0x9A, 0xC));
	set_desc(SEL_DATA, desc(0, 0xFFFFF, 0x92, 0xC));
	set_desc(SEL_A, desc(TSS_A, 0x67, 0x8B, 0));
	set_desc(SEL_B, desc(TSS_B, 0x67, 0x89, 0));
	set_desc(SEL_LDT, desc(LDT, 0x17, 0x82, 0));
	set_desc(SEL_CODE3, desc(0, 0xFFFFF, 0xFA, 0xC));
	set_desc(SEL_DATA3, desc(0, 0xFFFFF, 0xF2, 0xC));
	set_desc(SEL_16, desc(TSS_16, 0x2B, 0x81, 0));
	set_desc(SEL_BADSS, desc(0, 0xFFFFF, 0x90, 0xC));   /* read-only data */
	set_desc(SEL_NPCODE, desc(0, 0xFFFFF, 0x1A, 0xC));  /* not present */
	set_desc(SEL_SMALL, desc(TSS_B, 0x60, 0x89, 0));
	set_desc(SEL_NP, desc(TSS_B, 0x67, 0x09, 0));
	make_tss32(TSS_A, 0, 0, 1);
	make_tss32(TSS_B, 0x4242, 0, 2);

	memset(&regs, 0, sizeof regs);
	for (unsigned i = 0; i < 8; i++)
		regs.gpr[i] = 0xA0 + i;
	regs.eip = 0x1234;
	regs.eflags = 0x46;
	regs.cr0 = 0x80000011;
	regs.cr3 = 0x7000;
	for (unsigned s = SEG_ES; s <= SEG_GS; s++)
		regs.seg[s] = (struct vseg){ .sel = SEL_DATA, .limit = 0xFFFFFFFF, .ar = 0xC093 };
	regs.seg[SEG_CS] = (struct vseg){ .sel = SEL_CODE, .limit = 0xFFFFFFFF, .ar = 0xC09B };
	regs.seg[SEG_LDTR] = (struct vseg){ .ar = 1u << 16 };
	regs.seg[SEG_TR] = (struct vseg){ .sel = SEL_A, .base = TSS_A, .limit = 0x67, .ar = 0x8B };
	regs.gdtr = (struct vseg){ .base = GDT, .limit = SEL_GDT_END - 1 };
	regs.idtr = (struct vseg){ .base = IDT, .limit = 0x7FF };
}

static struct ts_result run(uint16_t sel, enum ts_source src)
{
	struct ts_request rq = { .sel = sel, .source = src };
	struct ts_result res;

	tss_switch(&regs, &rq, &mem, &res);
	return res;
}

/* A fault before the switch changes nothing: no register, no memory. */
static bool refused(struct ts_result res, unsigned vector, uint32_t error)
{
	return res.outcome == TS_FAULT && !res.committed && res.vector == vector &&
	       res.has_error && res.error == error && writes == 0 && regs.eip == 0x1234 &&
	       regs.seg[SEG_TR].sel == SEL_A && !(regs.cr0 & 8);
}

TEST(tss_call_saves_links_and_loads)
{
	setup();
	struct ts_result res = run(SEL_B, TS_CALL);
	CHECK(res.outcome == TS_DONE && res.committed && res.cr3_loaded);
	/* The old task's state, in A. */
	CHECK(rd(TSS_A + 0x20, 4) == 0x1234);
	CHECK(rd(TSS_A + 0x24, 4) == 0x46);
	for (unsigned i = 0; i < 8; i++)
		CHECK(rd(TSS_A + 0x28 + 4 * i, 4) == 0xA0 + i);
	CHECK(rd(TSS_A + 0x4C, 2) == SEL_CODE);
	CHECK(rd(TSS_A + 0x1C, 4) == 0x9001);   /* CR3 is not saved */
	/* B links back to A, both busy. */
	CHECK(rd(TSS_B, 2) == SEL_A);
	CHECK(type_byte(GDT, SEL_A) == 0x8B && type_byte(GDT, SEL_B) == 0x8B);
	/* The new task's registers. */
	CHECK(regs.eip == 0x4242);
	CHECK(regs.eflags == (0x202 | 0x4000));   /* NT */
	CHECK(regs.gpr[0] == 0x200 && regs.gpr[4] == 0x8000 && regs.gpr[7] == 0x207);
	CHECK(regs.cr3 == 0x9002);
	CHECK(regs.cr0 & 8);                      /* TS */
	CHECK(regs.seg[SEG_TR].sel == SEL_B && regs.seg[SEG_TR].base == TSS_B &&
	      regs.seg[SEG_TR].ar == 0x8B);
	CHECK(regs.seg[SEG_CS].sel == SEL_CODE && regs.seg[SEG_CS].ar == 0xC09B);
	CHECK(regs.seg[SEG_CS].limit == 0xFFFFFFFF);
	CHECK(regs.seg[SEG_GS].ar & (1u << 16));  /* null: unusable */
	/* The descriptors loaded are marked accessed. */
	CHECK(type_byte(GDT, SEL_CODE) == 0x9B && type_byte(GDT, SEL_DATA) == 0x93);
}

TEST(tss_iret_returns_to_the_caller)
{
	setup();
	CHECK(run(SEL_B, TS_CALL).outcome == TS_DONE);
	regs.gpr[0] = 0xBEEF;
	regs.eip = 0x4300;
	struct ts_result res = run(SEL_A, TS_IRET);
	CHECK(res.outcome == TS_DONE);
	CHECK(regs.eip == 0x1234 && regs.eflags == 0x46 && regs.gpr[0] == 0xA0);
	CHECK(regs.seg[SEG_TR].sel == SEL_A);
	CHECK(type_byte(GDT, SEL_B) == 0x89);     /* B available again */
	CHECK(type_byte(GDT, SEL_A) == 0x8B);     /* A still busy */
	CHECK(rd(TSS_B + 0x20, 4) == 0x4300);     /* B resumes after its IRET */
	CHECK(rd(TSS_B + 0x24, 4) == 0x202);      /* saved with NT clear */
	CHECK(rd(TSS_B + 0x28, 4) == 0xBEEF);
}

TEST(tss_jmp_frees_the_old_task)
{
	setup();
	CHECK(run(SEL_B, TS_JMP).outcome == TS_DONE);
	CHECK(type_byte(GDT, SEL_A) == 0x89 && type_byte(GDT, SEL_B) == 0x8B);
	CHECK(rd(TSS_B, 2) == 0);                 /* no link */
	CHECK(!(regs.eflags & 0x4000));           /* no NT */
	/* ...so JMP back works, and CALL to a busy task does not. */
	CHECK(run(SEL_A, TS_JMP).outcome == TS_DONE && regs.eip == 0x1234);
	writes = 0;
	regs.eip = 0x1234;
	regs.cr0 &= ~8ull;
	CHECK(refused(run(SEL_A, TS_CALL), 13, SEL_A));
}

TEST(tss_new_descriptor_checks)
{
	setup();
	CHECK(refused(run(SEL_A, TS_JMP), 13, SEL_A));              /* busy */
	CHECK(refused(run(SEL_B, TS_IRET), 10, SEL_B));             /* IRET to an available TSS */
	CHECK(refused(run(SEL_NP, TS_CALL), 11, SEL_NP));           /* not present */
	CHECK(refused(run(SEL_SMALL, TS_CALL), 10, SEL_SMALL));     /* limit < 67h */
	CHECK(refused(run(SEL_DATA, TS_CALL), 13, SEL_DATA));       /* not a TSS */
	CHECK(refused(run(SEL_LDT, TS_CALL), 13, SEL_LDT));         /* an LDT is no TSS */
	CHECK(refused(run(SEL_B | 4, TS_CALL), 13, SEL_B | 4));     /* TI = 1 */
	CHECK(refused(run(SEL_GDT_END, TS_CALL), 13, SEL_GDT_END)); /* past the GDT */
	CHECK(refused(run(SEL_GDT_END | 4, TS_IRET), 10, SEL_GDT_END | 4));
}

TEST(tss_faults_reading_are_the_old_tasks)
{
	setup();
	hole = TSS_B;
	struct ts_result res = run(SEL_B, TS_CALL);
	CHECK(res.outcome == TS_FAULT && !res.committed && res.vector == 14 && res.cr2 == TSS_B);
	CHECK(regs.seg[SEG_TR].sel == SEL_A && regs.eip == 0x1234 && writes == 0);
	setup();
	set_desc(SEL_B, desc(0xFFF0, 0x67, 0x89, 0));   /* runs off the guest's RAM */
	res = run(SEL_B, TS_CALL);
	CHECK(res.outcome == TS_STOP && res.why && !res.committed);
}

TEST(tss_new_segment_checks_fault_in_the_new_task)
{
	static const struct { unsigned off, sel, vector; } cases[] = {
		{ 0x50, SEL_BADSS, 10 },     /* SS not writable */
		{ 0x50, SEL_DATA3, 10 },     /* SS DPL 3 for CPL 0 */
		{ 0x50, 0, 10 },             /* SS null */
		{ 0x4C, 0, 10 },             /* CS null */
		{ 0x4C, SEL_DATA, 10 },      /* CS not code */
		{ 0x4C, SEL_NPCODE, 11 },    /* CS not present */
		{ 0x54, SEL_A, 10 },         /* DS a system descriptor */
		{ 0x54, 0x7F8, 10 },         /* DS past the GDT */
		{ 0x54, SEL_B | 4, 10 },     /* DS in an LDT the task has not */
		{ 0x60, SEL_DATA, 10 },      /* LDTR not an LDT */
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		setup();
		wr(TSS_B + cases[i].off, 2, cases[i].sel);
		struct ts_result res = run(SEL_B, TS_CALL);
		CHECK(res.outcome == TS_FAULT && res.committed && res.vector == cases[i].vector);
		CHECK(res.error == (cases[i].sel & 0xFFFCu));
		CHECK(regs.seg[SEG_TR].sel == SEL_B && regs.eip == 0x4242);
	}
	/* SS not present is #SS. */
	setup();
	set_desc(SEL_DATA3, desc(0, 0xFFFFF, 0x72, 0xC));   /* DPL 3, P = 0 */
	make_tss32(TSS_B, 0x4242, 3, 2);
	wr(TSS_B + 0x48, 2, 0);                              /* ES, DS, FS null */
	wr(TSS_B + 0x54, 2, 0);
	wr(TSS_B + 0x58, 2, 0);
	struct ts_result res = run(SEL_B, TS_CALL);
	CHECK(res.outcome == TS_FAULT && res.committed && res.vector == 12 && res.error == SEL_DATA3 - 3);
	/* EIP beyond CS's limit: #GP(0). */
	setup();
	set_desc(SEL_CODE3, desc(0, 0xFFF, 0xFA, 0x4));
	make_tss32(TSS_B, 0x5000, 3, 2);
	res = run(SEL_B, TS_CALL);
	CHECK(res.outcome == TS_FAULT && res.committed && res.vector == 13 && res.error == 0);
}

TEST(tss_ring3_task_and_ldt)
{
	setup();
	make_tss32(TSS_B, 0x4242, 3, 2);
	wr(TSS_B + 0x60, 2, SEL_LDT);
	uint64_t ldt_data = desc(0x100000, 0xFFFF, 0xF2, 0x4);
	memcpy(ram + LDT + 8, &ldt_data, 8);
	wr(TSS_B + 0x5C, 2, 0x0F);   /* GS = LDT entry 1, RPL 3 */
	CHECK(run(SEL_B, TS_CALL).outcome == TS_DONE);
	CHECK(regs.seg[SEG_LDTR].sel == SEL_LDT && regs.seg[SEG_LDTR].base == LDT);
	CHECK(regs.seg[SEG_GS].base == 0x100000 && ((regs.seg[SEG_GS].ar >> 5) & 3) == 3);
	CHECK(ram[LDT + 8 + 5] == 0xF3);          /* accessed, in the LDT */
	CHECK(((regs.seg[SEG_SS].ar >> 5) & 3) == 3 && (regs.seg[SEG_CS].sel & 3) == 3);
}

TEST(tss_gate_pushes_the_error_code)
{
	setup();
	struct ts_request rq = { .sel = SEL_B, .source = TS_GATE, .vector = 13, .has_error = true,
				 .error = 0x1234 };
	struct ts_result res;
	tss_switch(&regs, &rq, &mem, &res);
	CHECK(res.outcome == TS_DONE);
	CHECK(regs.gpr[4] == 0x8000 - 4 && rd(0x8000 - 4, 4) == 0x1234);
	CHECK(rd(TSS_B, 2) == SEL_A && (regs.eflags & 0x4000));
	/* A fault of an externally caused switch has EXT set. */
	setup();
	rq.sel = SEL_NP;
	tss_switch(&regs, &rq, &mem, &res);
	CHECK(res.outcome == TS_FAULT && res.vector == 11 && res.error == (SEL_NP | 1));
}

TEST(tss_software_gate_checks_the_gate_dpl)
{
	setup();
	uint64_t gate = (uint64_t)SEL_B << 16 | (uint64_t)0x85 << 40;   /* task gate, DPL 0 */
	memcpy(ram + IDT + 0x80 * 8, &gate, 8);
	regs.seg[SEG_SS].ar = 0xC0F3;   /* CPL 3 */
	struct ts_request rq = { .sel = SEL_B, .source = TS_GATE, .vector = 0x80, .software = true };
	struct ts_result res;
	tss_switch(&regs, &rq, &mem, &res);
	CHECK(refused(res, 13, 0x80 * 8 + 2));
	gate |= 3ull << 45;             /* DPL 3 */
	memcpy(ram + IDT + 0x80 * 8, &gate, 8);
	tss_switch(&regs, &rq, &mem, &res);
	CHECK(res.outcome == TS_DONE && regs.eip == 0x4242);
}

TEST(tss_16bit_task)
{
	setup();
	memset(ram + TSS_16, 0, 0x2C);
	wr(TSS_16 + 0x0E, 2, 0x0100);     /* IP */
	wr(TSS_16 + 0x10, 2, 0x0002);     /* FLAGS */
	for (unsigned i = 0; i < 8; i++)
		wr(TSS_16 + 0x12 + 2 * i, 2, 0x160 + i);
	wr(TSS_16 + 0x22, 2, SEL_DATA);
	wr(TSS_16 + 0x24, 2, SEL_CODE);
	wr(TSS_16 + 0x26, 2, SEL_DATA);
	wr(TSS_16 + 0x28, 2, SEL_DATA);
	regs.seg[SEG_FS].sel = 0x77;      /* no FS in a 16-bit TSS: kept */
	struct ts_result res = run(SEL_16, TS_CALL);
	CHECK(res.outcome == TS_DONE && !res.cr3_loaded && regs.cr3 == 0x7000);
	CHECK(regs.eip == 0x100 && regs.eflags == (0x2 | 0x4000) && regs.gpr[3] == 0x163);
	CHECK(regs.seg[SEG_FS].sel == 0x77);
	CHECK(rd(TSS_16, 2) == SEL_A && type_byte(GDT, SEL_16) == 0x83);
	/* ...and IRET from it saves into the 16-bit layout. */
	regs.eip = 0x0105;
	wr(TSS_A + 0x58, 2, SEL_DATA);    /* A was saved with that FS */
	CHECK(run(SEL_A, TS_IRET).outcome == TS_DONE && regs.eip == 0x1234);
	CHECK(rd(TSS_16 + 0x0E, 2) == 0x0105 && rd(TSS_16 + 0x10, 2) == 0x0002);
	CHECK(type_byte(GDT, SEL_16) == 0x81);
}

TEST(tss_v86_task)
{
	setup();
	wr(TSS_B + 0x24, 4, 0x20202);     /* VM */
	wr(TSS_B + 0x4C, 2, 0x1000);
	wr(TSS_B + 0x50, 2, 0x2000);
	CHECK(run(SEL_B, TS_JMP).outcome == TS_DONE);
	CHECK(regs.seg[SEG_CS].base == 0x10000 && regs.seg[SEG_CS].limit == 0xFFFF &&
	      regs.seg[SEG_CS].ar == 0xF3);
	CHECK(regs.seg[SEG_SS].base == 0x20000);
}
