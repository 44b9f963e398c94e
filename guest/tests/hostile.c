/* hostile: one hostile act per run, chosen by `-- case=NAME`; the test
 * (scripts/cases.py, bochs-hostile-*) states the verdict each must get.
 * Acts that a CPU answers with a fault are caught here and reported
 * ("NAME: #GP as a CPU raises it"); the others must get the guest stopped
 * with a reason, so reaching the line after them is a FAIL.
 *
 *   write-past-ram   a store 1 MiB past the end of RAM
 *   fetch-past-ram   a jump there
 *   unmapped-mmio    a load from 0xFED00000, where no device is
 *   mmio-fxsave      FXSAVE into the I/O APIC's page (no emulation)
 *   pt-in-mmio       paging on with CR3 in the I/O APIC's page
 *   pt-past-ram      paging on with CR3 past the end of RAM
 *   idt-in-mmio      the IDT in the I/O APIC's page, then #UD
 *   stack-in-mmio    ESP in the I/O APIC's page, then #UD (its delivery
 *                    pushes there)
 *   gdt-in-mmio      the GDT in the I/O APIC's page, then a segment load
 *   acpi-s3          ACPI sleep state S3, which the DSDT does not offer
 *   apic-base-ram    IA32_APIC_BASE moved into RAM: #GP
 *   apic-base-rsvd   IA32_APIC_BASE with a reserved bit: #GP
 *   x2apic-to-xapic  x2APIC back to xAPIC without disabling: #GP
 *   port-read-all    IN from every one of the 65536 ports: all answer
 *   msr-read-scan    RDMSR over 0-1FFFh and C0000000h-C0001FFFh: #GP for
 *                    those not offered, no crash
 *   cpuid-scan       every CPUID leaf up to each range's maximum + 16
 *   hypercall-scan   VMCALL numbers 0-255 with junk arguments (none that
 *                    ends the guest): ENOSYS for the unknown ones
 *   illegal-vectors  a self-IPI with vector 3: the ESR's "send illegal
 *                    vector" bit, nothing delivered
 *   ipi-storm        100000 self-IPIs with interrupts off, then on: they
 *                    pile up in one IRR bit and come in once
 *   nmi-storm        an NMI for every period of the PIT at 12 kHz (I/O
 *                    APIC NMI entry) for 200 ms: the guest takes them and
 *                    goes on (faster than its handler, the NMIs would
 *                    leave it no time, on a CPU as here)
 */
#include "guest/tests/lib/libguest.h"

#define IA32_APIC_BASE 0x1B

static uint32_t ram_end;

/* The operand of LGDT/LIDT. */
struct dt_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

static void about_to(const char *what)
{
	printf("hostile: %s\n", what);
	serial_flush();
}

static int survived(const char *what)
{
	printf("FAIL: %s: still running\n", what);
	return 1;
}

/* WRMSR that must raise #GP. */
static int expect_gp_wrmsr(const char *name, uint32_t msr, uint64_t value)
{
	expect_exception(13, 0);
	__asm__ volatile(TRAP_INSN("wrmsr") : : "c"(msr), "a"((uint32_t)value),
			 "d"((uint32_t)(value >> 32)) : "memory");
	if (caught_exception() != 13) {
		printf("FAIL: %s: no #GP\n", name);
		return 1;
	}
	printf("%s: #GP as a CPU raises it\n", name);
	return 0;
}

static int paging_with_cr3(const char *name, uint32_t cr3)
{
	about_to(name);
	__asm__ volatile("mov %0, %%cr3\n\t"
			 "mov %%cr0, %%eax\n\t"
			 "or $0x80000000, %%eax\n\t"
			 "mov %%eax, %%cr0\n\t"
			 "nop" : : "r"(cr3) : "eax", "memory");
	return survived(name);
}

static volatile unsigned nmis;
static void on_nmi(void) { nmis++; }

static int nmi_storm(void)
{
	uint64_t end = rdtsc() + (uint64_t)cpuid(0x40000010, 0).eax * 200;   /* 200 ms */
	unsigned work = 0;

	nmi_set_handler(on_nmi);
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
	ioapic_write(0x10 + 2 * 2, 4u << 8);   /* pin 2 (IRQ0): NMI */
	outb(0x43, 0x34);                     /* PIT mode 2, 1193182 / 100 Hz */
	outb(0x40, 100);
	outb(0x40, 0);
	while (rdtsc() < end)
		work++;
	ioapic_write(0x10 + 2 * 2, 1u << 16);
	outb(0x43, 0x30);
	printf("nmi-storm: %u NMIs taken, the guest ran on (%u loops)\n", nmis, work);
	return nmis == 0 || work == 0;
}

static int port_read_all(void)
{
	unsigned ff = 0;

	for (uint32_t port = 0; port < 0x10000; port++)
		ff += inb((uint16_t)port) == 0xFF;
	printf("port-read-all: 65536 ports read, %u of them 0xFF\n", ff);
	return 0;
}

static unsigned msr_range(uint32_t first, uint32_t count)
{
	unsigned gp = 0;

	for (uint32_t m = first; m < first + count; m++) {
		expect_exception(13, 0);
		__asm__ volatile(TRAP_INSN("rdmsr") : : "c"(m) : "eax", "edx", "memory");
		gp += caught_exception() == 13;
	}
	return gp;
}

static int msr_read_scan(void)
{
	unsigned gp = msr_range(0, 0x2000) + msr_range(0xC0000000u, 0x2000);

	printf("msr-read-scan: %u of 16384 MSRs raised #GP\n", gp);
	return gp == 0 || gp == 16384;
}

static int cpuid_scan(void)
{
	static const uint32_t bases[] = { 0, 0x40000000u, 0x80000000u };
	unsigned n = 0;

	for (unsigned b = 0; b < 3; b++) {
		uint32_t max = cpuid(bases[b], 0).eax;
		if (max < bases[b] || max > bases[b] + 0x100)
			max = bases[b];
		for (uint32_t leaf = bases[b]; leaf <= max + 16; leaf++, n++)
			for (uint32_t sub = 0; sub < 4; sub++)
				(void)cpuid(leaf, sub);
	}
	printf("cpuid-scan: %u leaves, 4 subleaves each\n", n);
	return 0;
}

static int hypercall_scan(void)
{
	unsigned enosys = 0;

	for (uint32_t nr = 0; nr < 256; nr++) {
		uint32_t ret;
		if (nr == TERN_HC_EXIT)
			continue;   /* that one ends the guest, as it should */
		if (try_vmcall(nr, 0xFFFFFFFFu, 0xFFFFF000u, 0x12345678u, &ret) < 0 && ret == TERN_HC_ENOSYS)
			enosys++;
	}
	printf("hypercall-scan: 255 calls, %u ENOSYS\n", enosys);
	return enosys < 250;
}

static int illegal_vectors(void)
{
	volatile uint32_t *apic = (volatile uint32_t *)0xFEE00000u;
	uint32_t esr;

	apic[0x280 / 4] = 0;
	sti();
	apic[0x300 / 4] = 3 | (1u << 18);       /* fixed self-IPI, vector 3 */
	cli();
	apic[0x280 / 4] = 0;
	esr = apic[0x280 / 4];
	printf("illegal-vectors: ESR 0x%x after a self-IPI with vector 3\n", esr);
	return !(esr & (1u << 5));
}

static volatile unsigned ipis;
static void on_ipi(unsigned vector) { (void)vector; ipis++; *(volatile uint32_t *)0xFEE000B0u = 0; }

static int ipi_storm(void)
{
	irq_set_handler(0x60, on_ipi);
	cli();
	for (unsigned i = 0; i < 100000; i++)
		*(volatile uint32_t *)0xFEE00300u = 0x60 | (1u << 18);   /* self-IPI, vector 0x60 */
	sti();
	for (unsigned i = 0; i < 1000; i++)
		cpu_pause();
	cli();
	printf("ipi-storm: 100000 self-IPIs sent with IF=0, %u taken\n", ipis);
	return ipis != 1;
}

/* The acts after which the guest must go on to a clean end. */
static const struct {
	const char *name;
	int (*run)(void);
} scans[] = {
	{ "nmi-storm", nmi_storm }, { "port-read-all", port_read_all },
	{ "msr-read-scan", msr_read_scan }, { "cpuid-scan", cpuid_scan },
	{ "hypercall-scan", hypercall_scan }, { "illegal-vectors", illegal_vectors },
	{ "ipi-storm", ipi_storm },
};

static int run(const char *c)
{
	if (!strcmp(c, "write-past-ram")) {
		about_to(c);
		*(volatile uint32_t *)(ram_end + 0x100000) = 1;
		return survived(c);
	}
	if (!strcmp(c, "fetch-past-ram")) {
		about_to(c);
		((void (*)(void))(ram_end + 0x100000))();
		return survived(c);
	}
	if (!strcmp(c, "unmapped-mmio")) {
		about_to(c);
		(void)*(volatile uint32_t *)0xFED00000u;
		return survived(c);
	}
	if (!strcmp(c, "mmio-fxsave")) {
		about_to(c);
		__asm__ volatile("fxsave (%0)" : : "r"(IOAPIC_PAGE) : "memory");
		return survived(c);
	}
	if (!strcmp(c, "pt-in-mmio"))
		return paging_with_cr3(c, IOAPIC_PAGE);
	if (!strcmp(c, "pt-past-ram"))
		return paging_with_cr3(c, ram_end + 0x100000);
	if (!strcmp(c, "idt-in-mmio")) {
		struct dt_ptr idt = { 0x7FF, IOAPIC_PAGE };
		about_to(c);
		__asm__ volatile("lidt %0\n\tud2" : : "m"(idt) : "memory");
		return survived(c);
	}
	if (!strcmp(c, "stack-in-mmio")) {
		about_to(c);
		__asm__ volatile("mov %0, %%esp\n\tud2" : : "r"(IOAPIC_PAGE + 0x100) : "memory");
		return survived(c);
	}
	if (!strcmp(c, "gdt-in-mmio")) {
		struct dt_ptr gdt = { 0x17, IOAPIC_PAGE };
		about_to(c);
		__asm__ volatile("lgdt %0\n\tmov $0x10, %%eax\n\tmov %%eax, %%ds" : : "m"(gdt) : "eax", "memory");
		return survived(c);
	}
	if (!strcmp(c, "acpi-s3")) {
		about_to(c);
		outw(0x604, (3u << 10) | (1u << 13));   /* PM1a_CNT: SLP_TYP 3, SLP_EN */
		return survived(c);
	}
	if (!strcmp(c, "apic-base-ram"))
		return expect_gp_wrmsr(c, IA32_APIC_BASE, 0x00200000u | (1u << 11) | (1u << 8));
	if (!strcmp(c, "apic-base-rsvd"))
		return expect_gp_wrmsr(c, IA32_APIC_BASE, 0xFEE00000u | (1u << 11) | (1u << 8) | (1u << 9));
	if (!strcmp(c, "x2apic-to-xapic")) {
		wrmsr(IA32_APIC_BASE, 0xFEE00000u | (1u << 11) | (1u << 10) | (1u << 8));
		return expect_gp_wrmsr(c, IA32_APIC_BASE, 0xFEE00000u | (1u << 11) | (1u << 8));
	}
	for (unsigned i = 0; i < sizeof scans / sizeof scans[0]; i++)
		if (!strcmp(c, scans[i].name))
			return scans[i].run();
	printf("FAIL: unknown case \"%s\"\n", c);
	return 1;
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	char c[32];

	(void)magic;
	ram_end = (uint32_t)mbi_mem_bytes(mbi);
	if (!cmdline_value(mbi_cmdline(mbi), "case", c, sizeof c)) {
		puts("FAIL: no case= on the command line");
		return 1;
	}
	return run(c);
}
