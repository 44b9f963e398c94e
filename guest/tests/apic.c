/* apic: a guest that drives its local APIC the way kernels do, with the
 * 8259s masked.  It checks
 *  - CPUID (APIC, x2APIC, TSC-deadline; the timing leaf 0x40000010 with
 *    the TSC and APIC-timer rates) and IA32_APIC_BASE;
 *  - the xAPIC page at 0xFEE00000: ID, version, SVR, and a
 *    read-modify-write instruction on a register (orl to SVR);
 *  - the timer, periodic at 100 Hz from the timing leaf's rate: each
 *    sti; hlt is woken by one tick, the ticks come at the TSC's rate, ISR
 *    shows the vector in the handler, the EOI goes to the register;
 *  - one-shot (fires once) and TSC-deadline (fires at the deadline) modes;
 *  - a self-IPI through the ICR, held back while TPR is at its class
 *    (PPR reads it) and delivered when TPR drops;
 *  - the I/O APIC at 0xFEC00000: version, ID, and the PIT's IRQ0 routed
 *    through pin 2 (the PC's interrupt-source override) to the LAPIC;
 *  - x2APIC mode: the ID and version MSRs, a one-shot timer and a
 *    self-IPI through MSRs, EOI by MSR, and #GP for a write to the EOI
 *    MSR with a value, as the SDM requires.
 * Command line "ticks=N" changes the number of periodic ticks. */
#include "guest/tests/lib/libguest.h"

#define APIC ((volatile uint32_t *)0xFEE00000u)
#define REG(off) APIC[(off) / 4]
#define ID 0x20
#define VERSION 0x30
#define TPR 0x80
#define PPR 0xA0
#define EOI 0xB0
#define SVR 0xF0
#define ISR 0x100
#define ICR_LO 0x300
#define ICR_HI 0x310
#define LVT_TIMER 0x320
#define TIMER_INIT 0x380
#define TIMER_CUR 0x390
#define TIMER_DIV 0x3E0
#define VEC_TIMER 0x40
#define VEC_IPI 0x45
#define VEC_SPURIOUS 0xFF
#define MSR_APIC_BASE 0x1B
#define MSR_TSC_DEADLINE 0x6E0
#define X2(off) (0x800 + (off) / 16)
#define VEC_PIT 0x30

static volatile unsigned timer_ticks, ipis;
static volatile uint32_t isr_seen;
static bool x2apic;

static void eoi(void)
{
	if (x2apic)
		wrmsr(X2(EOI), 0);
	else
		REG(EOI) = 0;
}

static void on_timer(unsigned vector)
{
	isr_seen = x2apic ? (uint32_t)rdmsr(X2(ISR) + vector / 32) : REG(ISR + (vector / 32) * 16);
	timer_ticks++;
	eoi();
}

static void on_ipi(unsigned vector)
{
	(void)vector;
	ipis++;
	eoi();
}

static void on_spurious(unsigned vector)
{
	(void)vector;
	printf("FAIL: spurious interrupt\n");
}

static uint32_t sti_hlt_at(void);
static volatile unsigned pit_ticks;

static void on_pit(unsigned vector)
{
	(void)vector;
	pit_ticks++;
	eoi();
}

/* IRQ0 through I/O APIC pin 2, edge, to APIC ID 0: five PIT ticks. */
static void ioapic_checks(void)
{
	unsigned halts = 0;

	check(ioapic_read(1) == 0x00170020, "I/O APIC version 0x%08x: 24 pins, version 20h",
	      ioapic_read(1));
	ioapic_write(0, 0x0A000000);
	check(ioapic_read(0) == 0x0A000000, "I/O APIC ID writable (0x%08x)", ioapic_read(0));
	check(ioapic_read(0x10 + 2 * 2) & (1u << 16), "pin 2 masked at reset");
	ioapic_write(0x10 + 2 * 2 + 1, 0);          /* destination APIC 0 */
	ioapic_write(0x10 + 2 * 2, VEC_PIT);        /* fixed, physical, edge, high, unmasked */
	outb(0x43, 0x34);                           /* PIT channel 0, mode 2, 100 Hz */
	outb(0x40, 11931 & 0xFF);
	outb(0x40, 11931 >> 8);
	sti();
	while (pit_ticks < 5 && halts < 50) {
		sti_hlt_at();
		halts++;
	}
	cli();
	ioapic_write(0x10 + 2 * 2, VEC_PIT | (1u << 16));   /* masked */
	check(pit_ticks == 5 && halts == 5, "PIT IRQ0 via I/O APIC pin 2: %u ticks in %u HLTs",
	      pit_ticks, halts);
}

static uint32_t sti_hlt_at(void)
{
	uint32_t after;
	__asm__ volatile("movl $1f, %0\n\tsti\n\thlt\n1:" : "=r"(after) : : "memory");
	return after;
}

static void wait_ticks_busy(uint64_t tsc)
{
	uint64_t until = rdtsc() + tsc;
	while (rdtsc() < until)
		;
}

static void cpuid_checks(uint32_t *tsc_khz, uint32_t *bus_khz)
{
	struct cpuid_regs r = cpuid(1, 0);

	check(r.edx & (1u << 9), "CPUID.1:EDX.APIC");
	check(r.ecx & (1u << 21), "CPUID.1:ECX.x2APIC");
	check(r.ecx & (1u << 24), "CPUID.1:ECX.TSC-deadline");
	check(cpuid(0x40000000, 0).eax >= 0x40000010, "hypervisor leaves reach 0x40000010");
	r = cpuid(0x40000010, 0);
	*tsc_khz = r.eax;
	*bus_khz = r.ebx;
	check(r.eax > 1000 && r.ebx > 1000, "timing leaf: TSC %u kHz, APIC timer %u kHz", r.eax, r.ebx);
	uint64_t base = rdmsr(MSR_APIC_BASE);
	check(base == 0xFEE00900ull, "IA32_APIC_BASE = 0x%llx (enabled, BSP, 0xFEE00000)",
	      (unsigned long long)base);
}

static void xapic_register_checks(void)
{
	uint32_t v = REG(VERSION);

	check(REG(ID) == 0, "xAPIC ID 0");
	check((v & 0xFF) == 0x14 && ((v >> 16) & 0xFF) == 5, "version 0x%08x: integrated, 6 LVTs", v);
	check((REG(SVR) & 0x1FF) == 0x1FF, "SVR 0x%x: enabled by the firmware, vector 0xFF", REG(SVR));
	REG(SVR) = VEC_SPURIOUS;                     /* software-disable ... */
	check(!(REG(SVR) & 0x100), "SVR bit 8 clears");
	__asm__ volatile("orl $0x100, %0" : "+m"(REG(SVR)) : : "memory");   /* ... re-enable, RMW */
	check(REG(SVR) == 0x1FF, "orl on SVR re-enabled it (0x%x)", REG(SVR));
}

static void periodic_checks(unsigned want, uint32_t tsc_khz, uint32_t bus_khz)
{
	uint32_t count = bus_khz * 1000u / 16u / 100u;   /* 100 Hz at divide-by-16 */
	unsigned halts = 0, woke = 0;

	REG(TIMER_DIV) = 0x3;                        /* divide by 16 */
	REG(LVT_TIMER) = VEC_TIMER | (1u << 17);     /* periodic */
	REG(TIMER_INIT) = count;
	uint32_t c1 = REG(TIMER_CUR);
	wait_ticks_busy(1000);
	uint32_t c2 = REG(TIMER_CUR);
	check(c1 <= count && c2 < c1, "current count falls (%u, then %u, of %u)", c1, c2, count);

	sti();
	unsigned first = timer_ticks;
	while (timer_ticks == first)
		sti_hlt_at();
	uint64_t t0 = rdtsc();
	unsigned start = timer_ticks;
	while (timer_ticks - start < want) {
		woke += sti_hlt_at() == guest_irq_eip;
		halts++;
	}
	uint64_t elapsed = rdtsc() - t0;
	cli();
	REG(TIMER_INIT) = 0;                         /* stop */
	check(halts == want && woke == halts, "each of %u HLTs woken by one tick, right after it "
	      "(%u HLTs, %u returned there)", want, halts, woke);
	uint64_t expect = (uint64_t)tsc_khz * 10 * want;
	check(elapsed > expect - expect / 10 && elapsed < expect + expect / 10,
	      "%u ticks took %llu TSC ticks, %llu expected at %u kHz (within 10%%)", want,
	      (unsigned long long)elapsed, (unsigned long long)expect, tsc_khz);
	check(isr_seen & (1u << (VEC_TIMER % 32)), "ISR shows vector 0x%x in its handler", VEC_TIMER);
}

static void oneshot_and_deadline_checks(uint32_t tsc_khz, uint32_t bus_khz)
{
	unsigned before = timer_ticks;

	REG(LVT_TIMER) = VEC_TIMER;                  /* one-shot */
	REG(TIMER_INIT) = bus_khz / 16;              /* 1 ms */
	sti();
	wait_ticks_busy((uint64_t)tsc_khz * 5);      /* 5 ms */
	cli();
	check(timer_ticks == before + 1 && REG(TIMER_CUR) == 0,
	      "one-shot fired once (%u) and stopped", timer_ticks - before);

	before = timer_ticks;
	REG(LVT_TIMER) = VEC_TIMER | (2u << 17);     /* TSC-deadline */
	uint64_t deadline = rdtsc() + (uint64_t)tsc_khz * 2;
	wrmsr(MSR_TSC_DEADLINE, deadline);
	sti();
	while (timer_ticks == before && rdtsc() < deadline + (uint64_t)tsc_khz * 20)
		;
	uint64_t at = rdtsc();
	cli();
	check(timer_ticks == before + 1 && at >= deadline, "TSC deadline fired at or after it "
	      "(%lld TSC ticks late)", (long long)(at - deadline));
	check(rdmsr(MSR_TSC_DEADLINE) == deadline, "IA32_TSC_DEADLINE reads back");
	REG(LVT_TIMER) = VEC_TIMER | (1u << 16);     /* masked, one-shot */
}

static void tpr_and_ipi_checks(void)
{
	unsigned before = ipis;

	REG(TPR) = 0x40;                             /* class 4: blocks 0x45 */
	sti();
	REG(ICR_HI) = 0;
	REG(ICR_LO) = VEC_IPI | (1u << 18);          /* fixed, shorthand self */
	__asm__ volatile("nop; nop" ::: "memory");
	check(ipis == before, "a self-IPI of TPR's class waits");
	check(REG(PPR) == 0x40, "PPR = TPR (0x%x)", REG(PPR));
	check(!(REG(ICR_LO) & (1u << 12)), "ICR delivery status idle");
	REG(TPR) = 0;
	__asm__ volatile("nop; nop" ::: "memory");
	check(ipis == before + 1, "and arrives when TPR drops (%u)", ipis - before);
	cli();
}

static void x2apic_checks(uint32_t tsc_khz, uint32_t bus_khz)
{
	unsigned before;
	uint32_t got = 0xFFFFFFFF;

	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 10));
	x2apic = true;
	check(rdmsr(X2(ID)) == 0 && (rdmsr(X2(VERSION)) & 0xFF) == 0x14, "x2APIC ID and version MSRs");
	before = timer_ticks;
	wrmsr(X2(TIMER_DIV), 0xB);                   /* divide by 1 */
	wrmsr(X2(LVT_TIMER), VEC_TIMER);
	wrmsr(X2(TIMER_INIT), bus_khz);              /* 1 ms */
	sti();
	wait_ticks_busy((uint64_t)tsc_khz * 5);
	cli();
	check(timer_ticks == before + 1, "x2APIC one-shot timer fired once (%u)", timer_ticks - before);
	before = ipis;
	sti();
	wrmsr(0x83F, VEC_IPI);                       /* SELF IPI */
	__asm__ volatile("nop; nop" ::: "memory");
	cli();
	check(ipis == before + 1, "x2APIC SELF IPI delivered (%u)", ipis - before);
	expect_exception(13, 0);
	__asm__ volatile(TRAP_INSN("wrmsr") : : "c"(X2(EOI)), "a"(1), "d"(0) : "memory");
	check(caught_exception() == 13, "EOI MSR written with 1: #GP");
	expect_exception(13, 0);
	__asm__ volatile(TRAP_INSN("rdmsr") : "=a"(got) : "c"(X2(EOI)) : "edx", "memory");
	check(caught_exception() == 13, "EOI MSR read: #GP");
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	unsigned want = cmdline_number(mbi_cmdline(mbi), "ticks", 20);
	uint32_t tsc_khz, bus_khz;

	(void)magic;
	outb(0x21, 0xFF);                            /* the 8259s stay masked */
	outb(0xA1, 0xFF);
	irq_set_handler(VEC_TIMER, on_timer);
	irq_set_handler(VEC_IPI, on_ipi);
	irq_set_handler(VEC_SPURIOUS, on_spurious);
	irq_set_handler(VEC_PIT, on_pit);

	cpuid_checks(&tsc_khz, &bus_khz);
	xapic_register_checks();
	periodic_checks(want, tsc_khz, bus_khz);
	oneshot_and_deadline_checks(tsc_khz, bus_khz);
	tpr_and_ipi_checks();
	ioapic_checks();
	x2apic_checks(tsc_khz, bus_khz);
	printf("timer ticks: %u, IPIs: %u\n", timer_ticks, ipis);
	return check_summary("apic");
}
