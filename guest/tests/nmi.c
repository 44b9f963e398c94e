/* nmi: NMIs into the guest, as the CPU delivers them (SDM Vol. 3A 6.7.1,
 * 11.6.1; 82093AA 3.2.4).  It checks that
 *  - an NMI IPI to itself (ICR delivery mode 100b, its own APIC ID) is
 *    taken at once, with interrupts disabled;
 *  - NMIs are blocked while the NMI handler runs: one sent from inside
 *    the handler waits for its IRET, and handlers never nest;
 *  - the CPU latches one NMI: three sent from inside the handler come in
 *    as one;
 *  - an I/O APIC pin in NMI delivery mode (the PIT's IRQ0 on pin 2) sends
 *    NMIs with interrupts disabled;
 *  - an NMI wakes `sti; hlt` (the PIT in one-shot mode as its source).
 * Command line `key`: then the console's NMI key (Ctrl-A i, typed by the
 * test through COM1) is checked too, as the PC wires its NMI line:
 * dropped while port 70h bit 7 masks NMIs; an NMI through LINT1 once
 * unmasked; the LVT's vector when LINT1 is programmed for a fixed
 * interrupt. */
#include "guest/tests/lib/libguest.h"

#define APIC ((volatile uint32_t *)0xFEE00000u)
#define LAPIC_EOI       0xB0
#define LAPIC_ICR_LO    0x300
#define LAPIC_ICR_HI    0x310
#define LAPIC_LVT_LINT1 0x360
#define ICR_NMI         (4u << 8)
#define RTE_NMI         (4u << 8)
#define RTE_MASKED      (1u << 16)
#define VEC_LINT1       0x50
#define VEC_COM1        0x44
#define COM1            0x3F8

static volatile unsigned nmis, depth, max_depth, burst, lint1_irqs, com1_bytes;
static volatile unsigned seen_in_handler;
static uint64_t tsc_per_second;

static void apic_write(unsigned reg, uint32_t v) { APIC[reg / 4] = v; }

/* An NMI IPI to APIC 0, this CPU (the vector field is ignored). */
static void self_nmi(void)
{
	apic_write(LAPIC_ICR_HI, 0);
	apic_write(LAPIC_ICR_LO, ICR_NMI);
}

/* Sends `burst` NMIs to itself the first time; each must wait. */
static void on_nmi(void)
{
	unsigned n = burst;

	depth++;
	if (depth > max_depth)
		max_depth = depth;
	nmis++;
	burst = 0;
	for (unsigned i = 0; i < n; i++)
		self_nmi();
	if (n)
		seen_in_handler = nmis;   /* none came in while the handler ran */
	depth--;
}

/* Wait with interrupts as they are until nmis reaches `want` (at most a
 * second of TSC). */
static bool wait_nmis(unsigned want)
{
	uint64_t end = rdtsc() + tsc_per_second;

	while (nmis < want && rdtsc() < end)
		cpu_pause();
	return nmis >= want;
}

static void ipi_checks(void)
{
	unsigned before, after;

	cli();
	self_nmi();
	check(nmis == 1 && max_depth == 1, "an NMI IPI to itself is taken at once with IF=0 (%u)", nmis);
	/* Nothing exits between the handler's IRET and the read of nmis:
	 * the waiting NMI must come in at that IRET (the NMI window). */
	before = nmis;
	burst = 1;
	self_nmi();
	after = nmis;
	check(seen_in_handler == before + 1, "an NMI sent inside the handler waits for its IRET");
	check(after == before + 2 && max_depth == 1,
	      "then it is taken at the IRET, not nested (%u NMIs, depth %u)", after - before, max_depth);
	before = nmis;
	burst = 3;
	self_nmi();
	after = nmis;
	check(after == before + 2, "three NMIs sent inside the handler come in as one (%u)", after - before - 1);
	check(max_depth == 1, "NMI handlers never nested");
}

/* PIT channel 0 in mode `mode` with `count`, its IRQ0 to I/O APIC pin 2
 * in NMI delivery mode (edge), the 8259s masked. */
static void pit_nmi(unsigned mode, uint16_t count)
{
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
	ioapic_write(0x11 + 2 * 2, 0);
	ioapic_write(0x10 + 2 * 2, RTE_NMI);
	outb(0x43, (uint8_t)(0x30 | mode << 1));
	outb(0x40, (uint8_t)count);
	outb(0x40, (uint8_t)(count >> 8));
}

static void ioapic_checks(void)
{
	unsigned before = nmis;

	cli();
	pit_nmi(2, 1193);   /* 1 kHz */
	bool came = wait_nmis(before + 3);
	check(came, "the PIT through an I/O APIC NMI entry: NMIs with IF=0 (%u)", nmis - before);
	ioapic_write(0x10 + 2 * 2, RTE_NMI | RTE_MASKED);
	outb(0x43, 0x30);   /* channel 0 stopped: mode 0, no count */
	before = nmis;
	pit_nmi(0, 11932);  /* one shot, 10 ms */
	sti_hlt();
	cli();
	check(nmis == before + 1, "an NMI wakes sti; hlt (%u)", nmis - before);
	ioapic_write(0x10 + 2 * 2, RTE_NMI | RTE_MASKED);
	check(max_depth == 1, "NMI handlers never nested");
}

/* ---- the console's NMI key ------------------------------------------ */

static void on_lint1(unsigned vector)
{
	(void)vector;
	lint1_irqs++;
	apic_write(LAPIC_EOI, 0);
}

static void on_com1(unsigned vector)
{
	(void)vector;
	while (inb(COM1 + 5) & 0x01) {
		(void)inb(COM1);
		com1_bytes++;
	}
	apic_write(LAPIC_EOI, 0);
}

/* Sleep until `*what` passes `from` (an interrupt or an NMI wakes it). */
static void wait_for(volatile unsigned *what, unsigned from)
{
	while (*what == from)
		sti_hlt();
	cli();
}

static void key_checks(void)
{
	unsigned before;

	irq_set_handler(VEC_LINT1, on_lint1);
	irq_set_handler(VEC_COM1, on_com1);
	ioapic_write(0x11 + 2 * 4, 0);
	ioapic_write(0x10 + 2 * 4, VEC_COM1);
	outb(COM1 + 4, 0x0B);
	outb(COM1 + 1, 0x01);   /* received-data interrupt */

	before = nmis;
	outb(0x70, 0x8D);       /* NMIs masked */
	printf("NMI masked: press Ctrl-A i, then a key\n");
	wait_for(&com1_bytes, 0);
	check(nmis == before, "with port 70h bit 7 set the NMI key sends nothing");

	outb(0x70, 0x0D);
	printf("NMI unmasked: press Ctrl-A i\n");
	wait_for(&nmis, before);
	check(nmis == before + 1, "unmasked, the NMI key sends an NMI through LINT1");

	before = nmis;
	apic_write(LAPIC_LVT_LINT1, VEC_LINT1);
	printf("LINT1 fixed: press Ctrl-A i\n");
	wait_for(&lint1_irqs, 0);
	check(lint1_irqs == 1 && nmis == before, "LINT1 programmed fixed: vector 0x%x, no NMI", VEC_LINT1);
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = mbi_cmdline(mbi);

	(void)magic;
	tsc_per_second = (uint64_t)cpuid(0x40000010, 0).eax * 1000;
	nmi_set_handler(on_nmi);
	ipi_checks();
	ioapic_checks();
	if (cmdline_has_word(cmdline, "key"))
		key_checks();
	return check_summary("nmi");
}
