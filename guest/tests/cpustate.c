/* cpustate: the exits that keep the guest's CPU state honest.
 *  - CR4.VMXE cannot be set (#GP) and never shows; CR0 writes that touch
 *    bits VMX owns (NE) read back as written; PG without PE is #GP.
 *  - XSETBV: #UD without CR4.OSXSAVE, #GP for a bad XCR0 or ECX != 0,
 *    and a good value is really loaded (XGETBV reads it back).
 *  - WBINVD and INVD come back.
 *  - String I/O through the guest's own page tables: REP OUTSB from a
 *    virtual address that 32-bit (4 MiB pages) and PAE (2 MiB pages)
 *    paging map to different physical memory, REP INSB into it, and a
 *    #PF with the right CR2 for an unmapped source.
 * Needs mem >= 16M.  One line per check, exits 0 when all pass. */
#include "guest/tests/lib/libguest.h"

#define CR0_PE   (1u << 0)
#define CR0_ET   (1u << 4)
#define CR0_NE   (1u << 5)
#define CR0_NW   (1u << 29)
#define CR0_CD   (1u << 30)
#define CR0_PG   (1u << 31)
#define CR4_PSE  (1u << 4)
#define CR4_PAE  (1u << 5)
#define CR4_VMXE (1u << 13)
#define CR4_OSXSAVE (1u << 18)
#define CPUID1_ECX_XSAVE   (1u << 26)
#define CPUID1_ECX_OSXSAVE (1u << 27)

#define PHYS_TEXT 0x00600000u   /* where the message really is */
#define VIRT_TEXT 0x00E00000u   /* where paging puts it: same offset in a 4 MiB page */
#define UNMAPPED  0x40000000u

static uint32_t pd32[1024] __attribute__((aligned(4096)));
static uint64_t pdpt[4] __attribute__((aligned(32)));
static uint64_t pd_pae[512] __attribute__((aligned(4096)));

static void write_cr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static void write_cr3(uint32_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static void write_cr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

static int trap_write_cr(int cr, uint32_t v)
{
	expect_exception(13, 0);
	if (cr == 0)
		__asm__ volatile(TRAP_INSN("mov %0, %%cr0") : : "r"(v) : "memory");
	else
		__asm__ volatile(TRAP_INSN("mov %0, %%cr4") : : "r"(v) : "memory");
	return caught_exception();
}

/* A guest that turns caching off (Linux does while it programs MTRRs and
 * PAT) keeps running at full speed: Tern owns CD/NW.  The guest still
 * reads back what it wrote, through MOV and SMSW (the VMX read shadow;
 * under SVM, CR0 reads intercepted while the bits differ). */
static void check_caching_disabled(uint32_t cr0)
{
	static volatile uint32_t probe;
	uint32_t seen, smsw32, smsw16 = 0xABCD0000u;

	write_cr0(cr0 | CR0_CD | CR0_NW);
	__asm__ volatile("wbinvd" ::: "memory");
	probe = 0x1234;
	seen = read_cr0();
	__asm__ volatile("smsw %0" : "=r"(smsw32));
	__asm__ volatile("smsw %w0" : "+r"(smsw16));     /* 66 0F 01 /4: AX only */
	write_cr0(cr0);
	check(probe == 0x1234, "memory works with CR0.CD|NW set");
	check(seen == (cr0 | CR0_CD | CR0_NW), "CR0.CD|NW read back as written (0x%x)", seen);
	check((smsw32 & 0xFFFF) == (cr0 & 0xFFFF), "SMSW r32 with CD set gives CR0[15:0] (0x%x)", smsw32);
	check(smsw16 == (0xABCD0000u | (cr0 & 0xFFFF)),
	      "SMSW r16 with CD set writes only the low 16 bits (0x%x)", smsw16);
	check(read_cr0() == cr0, "CR0.CD|NW cleared again (0x%x)", read_cr0());
}

static void check_control_registers(void)
{
	uint32_t cr0 = read_cr0(), cr4 = read_cr4();

	check(!(cr4 & CR4_VMXE), "CR4 reads without VMXE (0x%x)", cr4);
	check(trap_write_cr(4, cr4 | CR4_VMXE) == 13, "setting CR4.VMXE raises #GP");
	check(!(read_cr4() & CR4_VMXE), "CR4.VMXE still clear afterwards");
	write_cr0(cr0 | CR0_NE);
	check((read_cr0() & CR0_NE) != 0, "CR0.NE set by the guest reads back set (0x%x)", read_cr0());
	write_cr0(cr0 & ~CR0_NE);
	check(!(read_cr0() & CR0_NE), "CR0.NE cleared by the guest reads back clear (0x%x)", read_cr0());
	check(trap_write_cr(0, CR0_PG | CR0_ET) == 13, "CR0.PG without PE raises #GP");
	check(read_cr0() == cr0, "CR0 unchanged by the refused write (0x%x)", read_cr0());
	check(trap_write_cr(0, cr0 | CR0_NW) == 13, "CR0.NW without CD raises #GP");
	check_caching_disabled(cr0);
}

static int trap_xsetbv(uint32_t ecx, uint64_t value, int vector)
{
	expect_exception(vector, 0);
	__asm__ volatile(TRAP_INSN("xsetbv") : : "c"(ecx), "a"((uint32_t)value),
			 "d"((uint32_t)(value >> 32)) : "memory");
	return caught_exception();
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static void check_xsetbv(void)
{
	if (!(cpuid(1, 0).ecx & CPUID1_ECX_XSAVE)) {
		check(true, "no XSAVE on this CPU: XSETBV checks skipped");
		return;
	}
	check(trap_xsetbv(0, 3, 6) == 6, "XSETBV without CR4.OSXSAVE raises #UD");
	write_cr4(read_cr4() | CR4_OSXSAVE);
	check((cpuid(1, 0).ecx & CPUID1_ECX_OSXSAVE) != 0, "CPUID.1:ECX.OSXSAVE follows the guest's CR4");
	check(trap_xsetbv(0, 0, 13) == 13, "XSETBV of XCR0 = 0 (no x87) raises #GP");
	check(trap_xsetbv(1, 3, 13) == 13, "XSETBV with ECX = 1 raises #GP");
	check(trap_xsetbv(0, 5, 13) == 13, "XSETBV of AVX without SSE raises #GP");
	check(trap_xsetbv(0, 3, -1) == -1, "XSETBV of x87|SSE is accepted");
	check(xgetbv0() == 3, "XGETBV reads XCR0 = 0x%llx (want 0x3)", (unsigned long long)xgetbv0());
}

static void rep_outsb(uint16_t port, const void *src, uint32_t n)
{
	__asm__ volatile("cld; rep outsb" : "+S"(src), "+c"(n) : "d"(port) : "memory");
}

static void rep_insb(uint16_t port, void *dst, uint32_t n)
{
	__asm__ volatile("cld; rep insb" : "+D"(dst), "+c"(n) : "d"(port) : "memory");
}

/* Through the mapping paging set up: print via COM1, fill from an
 * unassigned port, fault on an unmapped source. */
static void string_io_checks(const char *mode)
{
	static const char msg[] = "string I/O through guest paging works\n";
	rep_outsb(0x3F8, (const void *)VIRT_TEXT, sizeof msg - 1);
	rep_insb(0x2E8, (void *)(VIRT_TEXT + 0x100), 16);
	bool all_ff = true;
	for (int i = 0; i < 16; i++)
		all_ff &= ((volatile uint8_t *)VIRT_TEXT)[0x100 + i] == 0xFF;
	check(all_ff, "%s: REP INSB from an unassigned port fills virtual memory with 0xff", mode);

	uint32_t n = 4;
	const void *src = (const void *)UNMAPPED;
	expect_exception(14, 0);
	__asm__ volatile(TRAP_INSN("rep outsb") : "+S"(src), "+c"(n) : "d"(0x2E8) : "memory");
	int v = caught_exception();
	uint32_t cr2;
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	check(v == 14 && cr2 == UNMAPPED, "%s: REP OUTSB from an unmapped address raises #PF (vector %d, CR2 0x%x)",
	      mode, v, cr2);
}

static void with_paging(uint32_t cr3, uint32_t cr4_bits, const char *mode)
{
	uint32_t cr0 = read_cr0(), cr4 = read_cr4();

	write_cr3(cr3);
	write_cr4(cr4 | cr4_bits);
	/* Toggle NE too, so this write is one Tern emulates (NE is VMX's). */
	write_cr0((cr0 ^ CR0_NE) | CR0_PG);
	check((read_cr0() & CR0_PG) != 0, "%s: paging on", mode);
	string_io_checks(mode);
	write_cr0(cr0);
	write_cr4(cr4);
	check(!(read_cr0() & CR0_PG), "%s: paging off again", mode);
}

static void check_string_io_paging(void)
{
	static const char msg[] = "string I/O through guest paging works\n";
	uint32_t i;

	memcpy((void *)PHYS_TEXT, msg, sizeof msg);
	memset((void *)(PHYS_TEXT + 0x100), 0, 16);

	/* 32-bit paging: identity 4 MiB pages for the first 12 MiB, then
	 * VIRT_TEXT's 4 MiB page (at 12 MiB) -> the one holding PHYS_TEXT. */
	for (i = 0; i < 3; i++)
		pd32[i] = (i << 22) | 0x83;   /* P, R/W, PS */
	pd32[VIRT_TEXT >> 22] = (PHYS_TEXT & 0xFFC00000u) | 0x83;
	with_paging((uint32_t)pd32, CR4_PSE, "32-bit paging");

	/* PAE: 2 MiB pages, VIRT_TEXT -> PHYS_TEXT's 2 MiB page. */
	for (i = 0; i < 8; i++)
		pd_pae[i] = ((uint64_t)i << 21) | 0x83;
	pd_pae[VIRT_TEXT >> 21] = (PHYS_TEXT & 0xFFE00000u) | 0x83;
	pdpt[0] = (uint32_t)pd_pae | 1;
	with_paging((uint32_t)pdpt, CR4_PAE, "PAE paging");
}

/* INVD and WBINVD always exit (SDM Vol. 3C 26.1.2); the guest must get
 * control back right after them. */
static void check_cache_flushes(void)
{
	volatile uint32_t marker = 0;

	__asm__ volatile("wbinvd" ::: "memory");
	marker = 1;
	__asm__ volatile("invd" ::: "memory");
	marker |= 2;
	check(marker == 3, "WBINVD and INVD return to the next instruction");
}

/* CPUID offers no performance counters (leaf 0Ah is zero), so RDPMC
 * faults as on a CPU without them; IA32_MTRR_DEF_TYPE's reserved bits and
 * undefined types are #GP (SDM Vol. 3A 12.11.2.1), and so are changes
 * to the IA32_MISC_ENABLE bits Tern does not offer. */
static void check_rdpmc_and_mtrr_def_type(void)
{
	expect_exception(13, 0);
	__asm__ volatile(TRAP_INSN("rdpmc") : : "c"(0) : "eax", "edx", "memory");
	check(caught_exception() == 13, "RDPMC raises #GP (no counters offered)");
	uint64_t def = rdmsr(0x2FF);
	expect_exception(13, 0);
	__asm__ volatile(TRAP_INSN("wrmsr") : : "c"(0x2FF), "a"(0x1006), "d"(0) : "memory");
	check(caught_exception() == 13, "IA32_MTRR_DEF_TYPE reserved bit 12: #GP");
	expect_exception(13, 0);
	__asm__ volatile(TRAP_INSN("wrmsr") : : "c"(0x2FF), "a"(0xC02), "d"(0) : "memory");
	check(caught_exception() == 13, "IA32_MTRR_DEF_TYPE type 2 (reserved): #GP");
	wrmsr(0x2FF, 0xC06);
	check(rdmsr(0x2FF) == 0xC06, "IA32_MTRR_DEF_TYPE E, FE, WB accepted and read back");
	wrmsr(0x2FF, def);
	/* IA32_MISC_ENABLE: fast strings (bit 0) on at reset and switchable;
	 * the other bits read 0 and setting one (here "limit CPUID maxval",
	 * bit 22) is #GP. */
	check(rdmsr(0x1A0) == 0x1801, "IA32_MISC_ENABLE: fast strings on, BTS and PEBS unavailable");
	wrmsr(0x1A0, 0x1800);
	check(rdmsr(0x1A0) == 0x1800, "IA32_MISC_ENABLE fast strings off, read back");
	expect_exception(13, 0);
	__asm__ volatile(TRAP_INSN("wrmsr") : : "c"(0x1A0), "a"(0x1801u | 1u << 22), "d"(0) : "memory");
	check(caught_exception() == 13, "IA32_MISC_ENABLE bit 22: #GP");
	expect_exception(13, 0);
	__asm__ volatile(TRAP_INSN("wrmsr") : : "c"(0x1A0), "a"(0x0801u), "d"(0) : "memory");
	check(caught_exception() == 13, "IA32_MISC_ENABLE read-only PEBS bit cleared: #GP");
	wrmsr(0x1A0, 0x1801);
	check(rdmsr(0x1A0) == 0x1801, "IA32_MISC_ENABLE fast strings on again");
	/* AMD's NB_CFG: bit 46 (CF8h extended configuration) writable, the
	 * rest #GP; on Intel the MSR does not exist. */
	if (cpu_is_amd) {
		check(rdmsr(0xC001001F) == 0, "NB_CFG reads 0");
		wrmsr(0xC001001F, 1ull << 46);
		check(rdmsr(0xC001001F) == 1ull << 46, "NB_CFG bit 46 written and read back");
		expect_exception(13, 0);
		__asm__ volatile(TRAP_INSN("wrmsr") : : "c"(0xC001001F), "a"(1), "d"(0) : "memory");
		check(caught_exception() == 13, "NB_CFG bit 0: #GP");
	} else {
		expect_exception(13, 0);
		__asm__ volatile(TRAP_INSN("rdmsr") : : "c"(0xC001001F) : "eax", "edx", "memory");
		check(caught_exception() == 13, "NB_CFG on Intel: #GP");
	}
}

/* TF set by POPF traps after the next instruction (SDM Vol. 3B 18.3.1.4):
 * also when the hypervisor emulated it -- CPUID and OUT exit and are
 * skipped, the LAPIC read exits as MMIO and is emulated from its bytes.
 * The #DB must come right after that instruction, with DR6.BS. */
#define STEP_OVER(insn, ...)                                                    \
	__asm__ volatile("pushfl\n\torl $0x100, (%%esp)\n\tpopfl\n\t" insn "\n"       \
			 "1:\tnop\n\tmovl $1b, %0" : "=&S"(after), "+a"(eax) : : __VA_ARGS__)

static void step_check(const char *what, uint32_t after)
{
	bool caught = single_step_caught();

	check(caught && guest_step_eip == after && (guest_step_dr6 & (1u << 14)),
	      "single step over %s: #DB at 0x%x (want 0x%x), DR6 0x%x", what,
	      caught ? guest_step_eip : 0, after, caught ? guest_step_dr6 : 0);
}

static void check_single_step(void)
{
	uint32_t after, eax = 0;

	expect_single_step();
	STEP_OVER("addl $1, %%eax", "memory");
	step_check("ADD (native)", after);
	expect_single_step();
	eax = 0;
	STEP_OVER("cpuid", "ebx", "ecx", "edx", "memory");
	step_check("CPUID (exit)", after);
	expect_single_step();
	STEP_OVER("outb %%al, $0x80", "memory");
	step_check("OUT (exit)", after);
	expect_single_step();
	STEP_OVER("movl 0xFEE00030, %%eax", "memory");
	step_check("a LAPIC read (MMIO, emulated)", after);
}

static volatile uint8_t *phys(uint32_t addr)
{
	__asm__("" : "+r"(addr));   /* a physical address, not a null pointer */
	return (volatile uint8_t *)addr;
}

/* A 16-bit REP INSB (67h prefix in 32-bit code) from ES:FFFE for four
 * bytes wraps to ES:0000 (SDM Vol. 1 3.3.7): "QEMU" from fw_cfg lands at
 * FFFEh, FFFFh, 0 and 1, nothing at 10000h; DI and CX change in their
 * low 16 bits only. */
static void check_string_io_wrap(void)
{
	volatile uint8_t *low = phys(0), *high = phys(0xFFFE), *past = phys(0x10000);
	uint8_t saved[2] = { low[0], low[1] };
	uint32_t edi = 0xABCDFFFE, ecx = 0x12340004;

	past[0] = past[1] = 0x5A;
	outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
	__asm__ volatile("cld\n\t.byte 0x67\n\trep insb" : "+D"(edi), "+c"(ecx) : "d"(FW_CFG_PORT_DATA)
			 : "memory");
	check(high[0] == 'Q' && high[1] == 'E' && low[0] == 'M' && low[1] == 'U' && past[0] == 0x5A &&
	      past[1] == 0x5A && edi == 0xABCD0002 && ecx == 0x12340000,
	      "16-bit REP INSB wraps from ES:FFFF to ES:0000 (%c%c at FFFE, %c%c at 0, %02x%02x at 10000, "
	      "EDI 0x%08x, ECX 0x%08x)", high[0], high[1], low[0], low[1], past[0], past[1], edi, ecx);
	low[0] = saved[0], low[1] = saved[1];
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	if (mbi_mem_bytes(mbi) < (16u << 20)) {
		puts("FAIL: cpustate needs mem >= 16M");
		return 1;
	}
	check_control_registers();
	check_xsetbv();
	check_cache_flushes();
	check_rdpmc_and_mtrr_def_type();
	check_single_step();
	check_string_io_wrap();
	check_string_io_paging();
	return check_summary("cpustate");
}
