#include <stdbool.h>

#include "arch/x86/lapic.h"
#include "arch/x86/apic_regs.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/tsc.h"
#include "core/log.h"
#include "lib/muldiv.h"
#include "mm/paging.h"

#define LVT_MASKED        LVT_MASK
#define TIMER_DIV_16      0x3
#define CALIBRATION_US    10000
#define STRAY_REPORTS     8              /* lines printed; the rest are counted */

static volatile uint32_t *regs;          /* xAPIC MMIO */
static bool x2apic, present;
static uint64_t timer_khz, stray;

static uint32_t lapic_read(unsigned reg)
{
	return x2apic ? (uint32_t)rdmsr(0x800 + reg / 16) : regs[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t value)
{
	if (x2apic)
		wrmsr(0x800 + reg / 16, value);
	else
		regs[reg / 4] = value;
}

/* The LAPIC's MMIO page lies below 4 GiB, inside the direct map. */
static bool lapic_enable(void)
{
	uint64_t base;

	if (present)
		return true;
	if (!(cpuid(1, 0).edx & (1u << 9)))   /* CPUID.1:EDX.APIC */
		return false;
	base = rdmsr(IA32_APIC_BASE);
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(IA32_APIC_BASE, base |= APIC_BASE_ENABLE);
	x2apic = base & APIC_BASE_EXTD;
	regs = phys_to_virt(base & 0xFFFFFF000ull);
	present = true;
	lapic_write(LAPIC_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
	return true;
}

void lapic_quiesce(void)
{
	if (!lapic_enable())
		return;
	/* Nothing firmware armed may interrupt the hypervisor (11.5.1). */
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
	lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	/* The CMCI LVT exists where the version register counts 7+ LVTs. */
	if (((lapic_read(LAPIC_VERSION) >> 16) & 0xFF) >= 6)
		lapic_write(LAPIC_LVT_CMCI, LVT_MASKED);
	pr_debug("lapic: %s mode, LVTs masked", x2apic ? "x2APIC" : "xAPIC");
}

uint64_t lapic_timer_init(void)
{
	uint64_t khz = tsc_khz(), start, ticks;

	if (timer_khz)
		return timer_khz;
	if (!khz || !lapic_enable())
		return 0;
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LAPIC_TIMER_VECTOR);
	lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFFu);
	start = rdtsc();
	while (rdtsc() - start < khz * CALIBRATION_US / 1000)
		;
	ticks = 0xFFFFFFFFu - lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);
	timer_khz = ticks * 1000 / CALIBRATION_US;
	lapic_write(LAPIC_LVT_TIMER, LAPIC_TIMER_VECTOR);   /* one-shot, unmasked */
	return timer_khz;
}

uint64_t lapic_timer_khz(void)
{
	return timer_khz;
}

void lapic_timer_oneshot_until(uint64_t deadline)
{
	uint64_t now = rdtsc();
	uint64_t count = deadline > now ? muldiv64(deadline - now, (uint32_t)timer_khz,
						   (uint32_t)tsc_khz()) : 0;

	lapic_write(LAPIC_TIMER_INIT, count ? (count > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)count) : 1);
}

void lapic_drain(void)
{
	__asm__ volatile("sti; nop; cli" ::: "memory");
}

void lapic_eoi(void)
{
	if (present)
		lapic_write(LAPIC_EOI, 0);
}

void host_interrupt(uint64_t vector)
{
	/* A spurious interrupt sets no ISR bit and takes no EOI (11.9). */
	if (vector == LAPIC_SPURIOUS_VECTOR)
		return;
	lapic_eoi();
	if (vector == LAPIC_TIMER_VECTOR)
		return;
	if (stray++ < STRAY_REPORTS)
		pr_warn("host interrupt vector %llu: no handler (EOI sent; masked sources should "
			"not interrupt)", (unsigned long long)vector);
}

uint64_t host_stray_interrupts(void)
{
	return stray;
}
