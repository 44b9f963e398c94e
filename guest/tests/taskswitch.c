/* taskswitch: hardware task switches (SDM Vol. 3A 7.3), which the CPU
 * leaves to the hypervisor in a guest.  The guest builds its own GDT
 * with TSSs and checks, as a 32-bit OS using them would, that
 *  - JMP to a TSS runs the task from where it last stopped and back
 *    (registers kept in each TSS, busy flags moved, CR0.TS set);
 *  - CALL to a TSS, and through a task gate in the GDT, nests the task
 *    (NT set, back link to the caller) and its IRET returns after the
 *    CALL, freeing it;
 *  - INT n through an IDT task gate does the same;
 *  - a #GP through an IDT task gate brings its error code on the
 *    handler task's stack;
 *  - an external interrupt (a self-IPI) and an NMI through IDT task
 *    gates; NMIs are blocked until the NMI task's IRET and not after;
 *  - a 16-bit TSS saves and loads its own layout;
 *  - a bad segment in the new task faults (#TS) in the new task.
 * Command line `hostile=past-ram` or `hostile=in-mmio`: instead, a far
 * JMP (through a pointer in memory) to a TSS past the end of its RAM or
 * in the I/O APIC's page, which must get the guest stopped. */
#include "guest/tests/lib/libguest.h"

#define APIC ((volatile uint32_t *)0xFEE00000u)
#define LAPIC_SVR       0xF0
#define LAPIC_EOI       0xB0
#define LAPIC_ICR_LO    0x300
#define LAPIC_ICR_HI    0x310
#define ICR_FIXED       0u
#define ICR_NMI         (4u << 8)
#define VEC_IPI         0x90
#define VEC_SOFT        0x81
#define EFLAGS_NT       (1u << 14)
#define CR0_TS          (1u << 3)

/* The GDT: the flat segments start.asm uses, then this test's own. */
enum {
	SEL_CODE = 0x08, SEL_DATA = 0x10,
	SEL_A = 0x18,      /* the main task */
	SEL_J = 0x20,      /* switched to by JMP */
	SEL_B = 0x28,      /* switched to by CALL, gates; returns with IRET */
	SEL_GATE = 0x30,   /* a task gate to B */
	SEL_G = 0x38,      /* the #GP handler task */
	SEL_I = 0x40,      /* the interrupt handler task */
	SEL_N = 0x48,      /* the NMI handler task */
	SEL_16 = 0x50,     /* a 16-bit TSS */
	SEL_CODE16 = 0x58, /* code for it: based at 1 MiB so its IP fits 16 bits */
	SEL_BADGS = 0x60,  /* a task whose GS names an execute-only segment */
	SEL_XONLY = 0x68,
	SEL_PAST_RAM = 0x70, /* a TSS at 256 MiB */
	SEL_IN_MMIO = 0x78,  /* a TSS in the I/O APIC's page */
	GDT_ENTRIES = 16,
};

struct tss32 {
	uint16_t link, r0;
	uint32_t esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap;
} __attribute__((packed));

struct tss16 {
	uint16_t link, sp0, ss0, sp1, ss1, sp2, ss2, ip, flags;
	uint16_t ax, cx, dx, bx, sp, bp, si, di, es, cs, ss, ds, ldt;
} __attribute__((packed));

static uint64_t gdt[GDT_ENTRIES];
static struct tss32 tss_a, tss_j, tss_b, tss_g, tss_i, tss_n, tss_badgs;
static struct tss16 tss_16;
static uint8_t stacks[6][1024] __attribute__((aligned(16)));

/* What the tasks saw, written by their entry code below. */
volatile uint32_t j_runs, j_eax, j_ebx, b_runs, b_eflags, g_runs, g_error, i_runs, n_runs;
volatile uint32_t t16_runs, t16_ebx, badgs_runs;
volatile uint32_t nmi_sent_inside, n_seen_inside;

/* Each task is a loop: it starts at its entry the first time and, after
 * switching away, resumes right after the instruction that did. */
void task_j(void), task_b(void), task_g(void), task_i(void), task_n(void), task_16(void),
	task_16_resume(void), task_badgs(void);
__asm__(
	".text\n"
	"task_j:\n"
	"	movl %eax, j_eax\n"
	"	movl %ebx, j_ebx\n"
	"	incl j_runs\n"
	"	ljmp $0x18, $0\n"
	"	jmp task_j\n"
	"task_b:\n"
	"	pushfl\n"
	"	popl b_eflags\n"
	"	incl b_runs\n"
	"	iretl\n"
	"	jmp task_b\n"
	/* #GP through a task gate: the error code is on this task's stack;
	 * the main task faulted on a 7-byte far JMP, which it skips. */
	"task_g:\n"
	"	popl g_error\n"
	"	incl g_runs\n"
	"	addl $7, tss_a+0x20\n"
	"	iretl\n"
	"	jmp task_g\n"
	"task_i:\n"
	"	incl i_runs\n"
	"	movl $0, 0xFEE000B0\n"
	"	iretl\n"
	"	jmp task_i\n"
	/* An NMI sent from the NMI task must wait for its IRET. */
	"task_n:\n"
	"	incl n_runs\n"
	"	cmpl $0, nmi_sent_inside\n"
	"	jne 1f\n"
	"	movl $1, nmi_sent_inside\n"
	"	movl $0, 0xFEE00310\n"
	"	movl $0x400, 0xFEE00300\n"
	"	movl n_runs, %eax\n"
	"	movl %eax, n_seen_inside\n"
	"1:	iretl\n"
	"	jmp task_n\n"
	/* CS is based at 1 MiB; DS is flat, from the TSS. */
	"task_16:\n"
	"	movl %ebx, t16_ebx\n"
	"	incl t16_runs\n"
	"	ljmp $0x18, $0\n"
	"task_16_resume:\n"
	"	jmp task_16\n"
	/* The catcher resumes the faulting task past one byte: the NOP. */
	"task_badgs:\n"
	"	nop\n"
	"	incl badgs_runs\n"
	"	iretl\n"
	"	jmp task_badgs\n");

static uint64_t seg_desc(uint32_t base, uint32_t limit, unsigned type_byte, unsigned flags)
{
	return (limit & 0xFFFF) | (uint64_t)(base & 0xFFFFFF) << 16 | (uint64_t)type_byte << 40 |
	       (uint64_t)((limit >> 16) & 0xF) << 48 | (uint64_t)flags << 52 |
	       (uint64_t)(base >> 24) << 56;
}

static void tss_init(struct tss32 *t, void (*entry)(void), unsigned stack)
{
	memset(t, 0, sizeof *t);
	t->eip = (uint32_t)entry;
	t->eflags = 0x2;
	t->esp = (uint32_t)&stacks[stack][sizeof stacks[stack]];
	t->cs = SEL_CODE;
	t->ss = t->ds = t->es = t->fs = t->gs = SEL_DATA;
	t->iomap = sizeof *t;
}

static void set_gate(unsigned vector, uint16_t sel)
{
	struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr;
	__asm__ volatile("sidt %0" : "=m"(idtr));
	uint64_t *idt = (uint64_t *)idtr.base;
	static uint64_t saved[256];

	if (sel) {
		saved[vector] = idt[vector];
		idt[vector] = (uint64_t)sel << 16 | (uint64_t)0x85 << 40;   /* task gate, DPL 0 */
	} else {
		idt[vector] = saved[vector];
	}
}

static uint8_t type_of(uint16_t sel)
{
	return (uint8_t)(gdt[sel >> 3] >> 40);
}

static void setup(void)
{
	const uint32_t code16_base = 0x100000;

	gdt[SEL_CODE >> 3] = 0x00CF9A000000FFFFull;
	gdt[SEL_DATA >> 3] = 0x00CF92000000FFFFull;
	tss_init(&tss_a, NULL, 0);
	tss_init(&tss_j, task_j, 1);
	tss_j.eax = 0x1234ABCD;
	tss_j.ebx = 0x5A5A5A5A;
	tss_init(&tss_b, task_b, 2);
	tss_init(&tss_g, task_g, 3);
	tss_init(&tss_i, task_i, 4);
	tss_init(&tss_n, task_n, 5);
	tss_init(&tss_badgs, task_badgs, 5);
	tss_badgs.gs = SEL_XONLY;
	memset(&tss_16, 0, sizeof tss_16);
	tss_16.ip = (uint16_t)((uint32_t)task_16 - code16_base);
	tss_16.flags = 0x2;
	tss_16.bx = 0x1616;
	tss_16.cs = SEL_CODE16;
	tss_16.ss = tss_16.ds = tss_16.es = SEL_DATA;
	gdt[SEL_A >> 3] = seg_desc((uint32_t)&tss_a, sizeof tss_a - 1, 0x89, 0);
	gdt[SEL_J >> 3] = seg_desc((uint32_t)&tss_j, sizeof tss_j - 1, 0x89, 0);
	gdt[SEL_B >> 3] = seg_desc((uint32_t)&tss_b, sizeof tss_b - 1, 0x89, 0);
	gdt[SEL_GATE >> 3] = (uint64_t)SEL_B << 16 | (uint64_t)0x85 << 40;
	gdt[SEL_G >> 3] = seg_desc((uint32_t)&tss_g, sizeof tss_g - 1, 0x89, 0);
	gdt[SEL_I >> 3] = seg_desc((uint32_t)&tss_i, sizeof tss_i - 1, 0x89, 0);
	gdt[SEL_N >> 3] = seg_desc((uint32_t)&tss_n, sizeof tss_n - 1, 0x89, 0);
	gdt[SEL_16 >> 3] = seg_desc((uint32_t)&tss_16, sizeof tss_16 - 1, 0x81, 0);
	gdt[SEL_CODE16 >> 3] = seg_desc(code16_base, 0xFFFF, 0x9A, 0x4);
	gdt[SEL_BADGS >> 3] = seg_desc((uint32_t)&tss_badgs, sizeof tss_badgs - 1, 0x89, 0);
	gdt[SEL_XONLY >> 3] = seg_desc(0, 0xFFFFF, 0x98, 0xC);   /* code, execute-only */
	gdt[SEL_PAST_RAM >> 3] = seg_desc(0x10000000, 0x67, 0x89, 0);
	gdt[SEL_IN_MMIO >> 3] = seg_desc(IOAPIC_PAGE, 0x67, 0x89, 0);

	struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr = {
		sizeof gdt - 1, (uint32_t)gdt,
	};
	__asm__ volatile("lgdt %0; ltr %w1" : : "m"(gdtr), "r"(SEL_A) : "memory");
}

static void clts(void) { __asm__ volatile("clts"); }

static void test_jmp(void)
{
	uint32_t esi = 0, edi = 0;

	clts();
	for (unsigned i = 0; i < 2; i++)
		__asm__ volatile("movl $0xA1A1A1A1, %%esi; movl $0xB2B2B2B2, %%edi\n\t"
				 "ljmp $0x20, $0\n\t"
				 "movl %%esi, %0; movl %%edi, %1"
				 : "=m"(esi), "=m"(edi) : : "esi", "edi", "memory");
	check(j_runs == 2, "JMP to a TSS runs the task, which JMPs back, twice (%u)", j_runs);
	check(j_eax == 0x1234ABCD && j_ebx == 0x5A5A5A5A, "the task's registers come from its TSS");
	check(esi == 0xA1A1A1A1 && edi == 0xB2B2B2B2, "the main task's registers survive the round trip");
	check(type_of(SEL_J) == 0x89 && type_of(SEL_A) == 0x8B, "JMP moved the busy flag back and forth");
	check(read_cr0() & CR0_TS, "a task switch sets CR0.TS");
	check(tss_j.link == 0 && !(read_eflags() & EFLAGS_NT), "JMP links nothing and sets no NT");
}

static void test_call(void)
{
	__asm__ volatile("lcall $0x28, $0" ::: "memory");
	check(b_runs == 1 && (b_eflags & EFLAGS_NT), "CALL to a TSS runs the task with NT set");
	check(tss_b.link == SEL_A, "the called task links back to its caller");
	check(type_of(SEL_B) == 0x89 && type_of(SEL_A) == 0x8B, "its IRET freed it, the caller stays busy");
	check(!(read_eflags() & EFLAGS_NT), "the caller resumes after the CALL without NT");
	__asm__ volatile("lcall $0x30, $0" ::: "memory");
	check(b_runs == 2, "CALL through a task gate in the GDT");
	set_gate(VEC_SOFT, SEL_B);
	__asm__ volatile("int $0x81" ::: "memory");
	set_gate(VEC_SOFT, 0);
	check(b_runs == 3 && (b_eflags & EFLAGS_NT), "INT n through an IDT task gate, back after the INT");
}

static void test_gp_gate(void)
{
	set_gate(13, SEL_G);
	/* A JMP to the running task's own (busy) TSS: #GP(selector). */
	__asm__ volatile("ljmp $0x18, $0" ::: "memory");
	set_gate(13, 0);
	check(g_runs == 1, "#GP through an IDT task gate runs the handler task");
	check(g_error == SEL_A, "its error code is on the handler task's stack (0x%x)", g_error);
}

static void test_interrupts(void)
{
	APIC[LAPIC_SVR / 4] = 0x1FF;
	set_gate(VEC_IPI, SEL_I);
	APIC[LAPIC_ICR_HI / 4] = 0;
	APIC[LAPIC_ICR_LO / 4] = ICR_FIXED | VEC_IPI;
	for (int i = 0; i < 1000 && !i_runs; i++)
		sti_hlt();
	cli();
	set_gate(VEC_IPI, 0);
	check(i_runs == 1, "an external interrupt through an IDT task gate");

	set_gate(2, SEL_N);
	APIC[LAPIC_ICR_HI / 4] = 0;
	APIC[LAPIC_ICR_LO / 4] = ICR_NMI;
	for (int i = 0; i < 100000 && n_runs < 2; i++)
		cpu_pause();
	check(n_runs == 2 && n_seen_inside == 1,
	      "an NMI through an IDT task gate; one sent in its task waits for the IRET (%u, %u)",
	      n_runs, n_seen_inside);
	set_gate(2, 0);
}

static void test_16bit(void)
{
	for (unsigned i = 0; i < 2; i++)
		__asm__ volatile("ljmp $0x50, $0" ::: "memory");
	check(t16_runs == 2 && (t16_ebx & 0xFFFF) == 0x1616, "a 16-bit TSS, twice (%u)", t16_runs);
	check(tss_16.ip == (uint16_t)((uint32_t)task_16_resume - 0x100000),
	      "it saved IP past its far JMP (0x%x)", tss_16.ip);
}

static void test_fault_in_new_task(void)
{
	expect_exception(10, 1);
	__asm__ volatile("lcall $0x60, $0" ::: "memory");
	int v = caught_exception();
	check(v == 10 && guest_trap_error == SEL_XONLY, "an execute-only GS is #TS(0x%x) (%d)",
	      guest_trap_error, v);
	check(guest_trap_eip == (uint32_t)task_badgs && badgs_runs == 1,
	      "...raised in the new task, which then ran (eip 0x%x)", guest_trap_eip);
}

/* A far JMP through a pointer in memory (FF /5) to a TSS the guest
 * does not have. */
static int hostile(const char *what)
{
	struct { uint32_t offset; uint16_t sel; } __attribute__((packed)) target = {
		0, !strcmp(what, "past-ram") ? SEL_PAST_RAM : SEL_IN_MMIO,
	};

	printf("switching to a TSS %s\n", what);
	__asm__ volatile("ljmp *%0" : : "m"(target) : "memory");
	printf("FAIL: the guest survived a TSS %s\n", what);
	return 1;
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	char what[16];

	(void)magic;
	setup();
	if (cmdline_value(mbi_cmdline(mbi), "hostile", what, sizeof what))
		return hostile(what);
	test_jmp();
	test_call();
	test_gp_gate();
	test_interrupts();
	test_16bit();
	test_fault_in_new_task();
	return check_summary("taskswitch");
}
