/* firmware: a guest that finds its platform the way PC kernels do, from
 * the firmware tables in the BIOS ROM.  It checks
 *  - the MP floating pointer, searched as xv6's mpsearch() does (the
 *    EBDA from the BDA, the last KiB of base memory, F0000h-FFFFFh), and
 *    the configuration table: checksums, one boot CPU, the I/O APIC,
 *    IRQ0 on pin 2;
 *  - the ACPI RSDP (scan of E0000h-FFFFFh), the XSDT, FADT and MADT
 *    with their checksums; the MADT's I/O APIC and override agree with
 *    the MP table; \_S5 found in the DSDT's AML;
 *  - the PM timer at the FADT's port counts at 3.579545 MHz against the
 *    TSC (rate from CPUID leaf 0x40000010);
 *  - the ROM stays as it was after a MOV, an OR, a REP STOSB and a REP
 *    INSB into it;
 *  - the SCI: the PM timer's overflow event, routed through I/O APIC pin
 *    9 (level, active high, as the MADT says) wakes a HLT, and clearing
 *    TMR_STS ends the level;
 *  - the IMCR reads back virtual-wire (APIC) mode.
 * Then it powers itself off through ACPI S5, as `poweroff` does; the
 * hypervisor reports that as "exited status=1". */
#include "guest/tests/lib/libguest.h"

#define APIC_EOI (*(volatile uint32_t *)0xFEE000B0u)
#define VEC_SCI 0x49

/* Physical memory (paging is off).  The asm hides the constant address
 * from gcc, which would otherwise treat low addresses as null pointers. */
static const uint8_t *mem(uint32_t addr)
{
	__asm__("" : "+r"(addr));
	return (const uint8_t *)addr;
}
static uint16_t rd16(uint32_t a) { return (uint16_t)(mem(a)[0] | mem(a)[1] << 8); }
static uint32_t rd32(uint32_t a) { return rd16(a) | (uint32_t)rd16(a + 2) << 16; }

static uint8_t sum(uint32_t addr, uint32_t len)
{
	uint8_t s = 0;
	while (len--)
		s = (uint8_t)(s + mem(addr++)[0]);
	return s;
}

/* ---- MP --------------------------------------------------------------- */

static uint32_t mp_scan(uint32_t a, uint32_t len)
{
	for (uint32_t p = a; p + 16 <= a + len; p += 16)
		if (!memcmp(mem(p), "_MP_", 4) && sum(p, 16) == 0)
			return p;
	return 0;
}

static uint32_t mp_search(void)
{
	uint32_t p, ebda = (uint32_t)rd16(0x40E) << 4, base = (uint32_t)rd16(0x413) * 1024;

	if (ebda && (p = mp_scan(ebda, 1024)))
		return p;
	if ((p = mp_scan(base - 1024, 1024)))
		return p;
	return mp_scan(0xF0000, 0x10000);
}

static uint32_t mp_ioapic;

static void mp_checks(void)
{
	uint32_t fp = mp_search(), t, len, off, cpus = 0, irq0_pin = 0xFF;

	if (!check(fp != 0, "MP floating pointer found (at 0x%x)", fp))
		return;
	t = rd32(fp + 4);
	check(mem(fp)[9] == 4 && (mem(fp)[12] & 0x80) == 0, "MP spec 1.4, virtual wire (IMCRP clear)");
	if (!check(!memcmp(mem(t), "PCMP", 4) && sum(t, rd16(t + 4)) == 0,
		   "MP configuration table at 0x%x, checksum good", t))
		return;
	len = rd16(t + 4);
	for (off = 44; off < len; off += mem(t + off)[0] == 0 ? 20 : 8) {
		const uint8_t *e = mem(t + off);
		if (e[0] == 0 && (e[3] & 3) == 3)
			cpus++;
		if (e[0] == 2)
			mp_ioapic = rd32(t + off + 4);
		if (e[0] == 3 && e[1] == 0 && e[5] == 0)
			irq0_pin = e[7];
	}
	check(cpus == 1 && mp_ioapic == 0xFEC00000u && irq0_pin == 2,
	      "MP: %u boot CPU, I/O APIC at 0x%x, IRQ0 on pin %u", cpus, mp_ioapic, irq0_pin);
}

/* ---- ACPI ------------------------------------------------------------- */

static uint32_t rsdp, fadt, madt, dsdt;
static uint16_t pm_tmr, pm1a_cnt, pm1a_evt, sci;
static int slp_typ = -1;

static bool sdt_ok(uint32_t a, const char *sig)
{
	return a && !memcmp(mem(a), sig, 4) && sum(a, rd32(a + 4)) == 0;
}

static void acpi_find(void)
{
	for (uint32_t p = 0xE0000; p < 0x100000 && !rsdp; p += 16)
		if (!memcmp(mem(p), "RSD PTR ", 8) && sum(p, 20) == 0)
			rsdp = p;
	if (!check(rsdp && mem(rsdp)[15] == 2 && sum(rsdp, 36) == 0,
		   "RSDP revision 2 at 0x%x, both checksums good", rsdp))
		return;
	uint32_t xsdt = rd32(rsdp + 24);
	if (!check(sdt_ok(xsdt, "XSDT") && rd32(rsdp + 28) == 0, "XSDT at 0x%x", xsdt))
		return;
	for (uint32_t off = 36; off + 8 <= rd32(xsdt + 4); off += 8) {
		uint32_t t = rd32(xsdt + off);
		if (!memcmp(mem(t), "FACP", 4))
			fadt = t;
		if (!memcmp(mem(t), "APIC", 4))
			madt = t;
	}
	check(sdt_ok(fadt, "FACP") && sdt_ok(madt, "APIC"), "FADT at 0x%x, MADT at 0x%x", fadt, madt);
}

static void fadt_checks(void)
{
	if (!fadt)
		return;
	sci = rd16(fadt + 46);
	pm1a_evt = (uint16_t)rd32(fadt + 56);
	pm1a_cnt = (uint16_t)rd32(fadt + 64);
	pm_tmr = (uint16_t)rd32(fadt + 76);
	dsdt = rd32(fadt + 40);
	check(pm_tmr && pm1a_cnt && pm1a_evt && mem(fadt)[91] == 4,
	      "FADT: PM1a_EVT 0x%x, PM1a_CNT 0x%x, PM_TMR 0x%x, SCI %u", pm1a_evt, pm1a_cnt, pm_tmr, sci);
	check((rd32(fadt + 112) & (1u << 10)) && rd32(fadt + 120) == 0xCF9 && mem(fadt)[128] == 6,
	      "FADT reset register: port 0xcf9, value 6");
	if (!check(sdt_ok(dsdt, "DSDT"), "DSDT at 0x%x", dsdt))
		return;
	/* What hobby kernels do: find "_S5_", skip NameOp's package header,
	 * take the first element (a BytePrefix'ed or Zero/One value). */
	for (uint32_t p = dsdt + 36; p + 10 < dsdt + rd32(dsdt + 4); p++)
		if (!memcmp(mem(p), "_S5_", 4) && mem(p)[4] == 0x12) {
			const uint8_t *q = mem(p + 7);
			slp_typ = q[0] == 0x0A ? q[1] : q[0];
		}
	check(slp_typ >= 0 && slp_typ < 8, "\\_S5 SLP_TYPa = %d", slp_typ);
}

static void madt_checks(void)
{
	uint32_t ioapic = 0, gsi0 = 0xFF, sci_flags = 0;

	if (!madt)
		return;
	for (uint32_t off = 44; off + 2 <= rd32(madt + 4) && mem(madt + off)[1]; off += mem(madt + off)[1]) {
		uint32_t e = madt + off;
		if (mem(e)[0] == 1)
			ioapic = rd32(e + 4);
		if (mem(e)[0] == 2 && mem(e)[3] == 0)
			gsi0 = rd32(e + 4);
		if (mem(e)[0] == 2 && mem(e)[3] == sci)
			sci_flags = rd16(e + 8);
	}
	check(ioapic == mp_ioapic && gsi0 == 2, "MADT: I/O APIC at 0x%x (as the MP table), IRQ0 -> GSI %u",
	      ioapic, gsi0);
	check(sci_flags == 0x0D, "MADT: SCI IRQ %u level, active high (flags 0x%x)", sci, sci_flags);
}

/* ---- PM timer and SCI -------------------------------------------------- */

static uint32_t pm_read(void) { return inl(pm_tmr) & 0xFFFFFF; }

/* Percent the PM timer's rate may differ from the TSC's (command line
 * `tolerance=N`, default 2): exact under Bochs, loose where clocks are wall clocks. */
static uint32_t tolerance;

static void pm_timer_checks(void)
{
	uint32_t eax, ebx, ecx, edx, start, now;
	uint64_t tsc0, tsc;

	__asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0x40000010u), "c"(0));
	start = pm_read();
	tsc0 = rdtsc();
	do
		now = pm_read();
	while (((now - start) & 0xFFFFFF) < 35795);            /* 10 ms */
	tsc = rdtsc() - tsc0;
	/* Expected TSC ticks: 10 ms at eax kHz, within the tolerance. */
	uint64_t want = (uint64_t)eax * 10;
	check(eax && tsc * 100 >= want * (100 - tolerance) &&
	      tsc * 100 <= want * (100 + tolerance) + (uint64_t)eax,
	      "PM timer: 35795 counts in %u TSC ticks (10 ms at %u kHz is %u)", (uint32_t)tsc, eax,
	      (uint32_t)want);
	check((inl(pm_tmr) >> 24) == 0, "PM timer is 24 bits wide");
}

static volatile unsigned scis;
static volatile uint16_t sts_in_handler;

static void on_sci(unsigned vector)
{
	(void)vector;
	scis++;
	sts_in_handler = inw(pm1a_evt);
	outw(pm1a_evt, 1);          /* clear TMR_STS: the SCI level drops */
	outw(pm1a_evt + 2, 0);      /* and no more of them */
	APIC_EOI = 0;
}

static void sci_checks(void)
{
	unsigned halts = 0;

	irq_set_handler(VEC_SCI, on_sci);
	ioapic_write(0x10 + 2 * sci + 1, 0);                        /* to APIC 0 */
	ioapic_write(0x10 + 2 * sci, VEC_SCI | (1u << 15));         /* level, active high */
	outw(pm1a_evt, 1);                                          /* clear a stale TMR_STS */
	outw(pm1a_evt + 2, 1);                                      /* TMR_EN */
	while (!scis && halts < 20) {
		sti_hlt();
		halts++;
	}
	cli();
	check(scis == 1 && (sts_in_handler & 1) && halts <= 2,
	      "SCI from the PM timer's overflow woke HLT (%u SCI in %u HLTs, PM1_STS 0x%x)", scis, halts,
	      sts_in_handler);
	check((inw(pm1a_evt) & 1) == 0, "TMR_STS cleared by writing 1");
	ioapic_write(0x10 + 2 * sci, 1u << 16);
}

/* ---- ROM ---------------------------------------------------------------- */

static void rom_checks(void)
{
	volatile uint32_t *sig = (volatile uint32_t *)rsdp;
	uint8_t before = sum(0xF0000, 16);

	if (!rsdp)
		return;
	*sig = 0x12345678;
	check(!memcmp(mem(rsdp), "RSD PTR ", 8), "a MOV to the ROM changes nothing");
	__asm__ volatile("orl $0xFFFFFFFF, (%0)" : : "r"(rsdp + 4) : "memory");
	check(!memcmp(mem(rsdp), "RSD PTR ", 8) && sum(rsdp, 20) == 0, "an OR to the ROM changes nothing");
	uint32_t dst = 0xF0000, n = 16;
	__asm__ volatile("cld; rep stosb" : "+D"(dst), "+c"(n) : "a"(0) : "memory");
	check(n == 0 && dst == 0xF0010 && !memcmp(mem(0xF0000), "_MP_", 4) && sum(0xF0000, 16) == before,
	      "REP STOSB over the MP pointer: done, the ROM unchanged");
	dst = 0xF0000, n = 4;
	__asm__ volatile("cld; rep insb" : "+D"(dst), "+c"(n) : "d"(0x21) : "memory");
	check(n == 0 && !memcmp(mem(0xF0000), "_MP_", 4), "REP INSB into the ROM changes nothing");
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	tolerance = cmdline_number(mbi_cmdline(mbi), "tolerance", 2);
	outb(0x21, 0xFF);                            /* the 8259s stay masked */
	outb(0xA1, 0xFF);
	mp_checks();
	acpi_find();
	fadt_checks();
	madt_checks();
	rom_checks();
	if (pm_tmr) {
		pm_timer_checks();
		sci_checks();
	}
	outb(0x22, 0x70);
	check(inb(0x23) == 0x01, "IMCR: APIC (virtual wire) mode");
	if (check_summary("firmware") || slp_typ < 0 || !pm1a_cnt)
		exit(1);
	printf("entering ACPI S5 (SLP_TYP %d)\n", slp_typ);
	serial_flush();
	outw(pm1a_cnt, (uint16_t)(slp_typ << 10 | 1u << 13));
	printf("FAIL: still running after S5\n");
	exit(0x10);
}
