/* The TSC's rate, from the most trustworthy source the CPU offers
 * (the quantum and the LAPIC timer's calibration depend on it):
 *  1. a hypervisor's timing leaf 40000010H (EAX = TSC kHz), when Tern
 *     itself runs nested (KVM, VMware publish it);
 *  2. CPUID 15H: TSC = crystal Hz * EBX / EAX (SDM Vol. 3B 18.7.3), when
 *     all three are given;
 *  2b. MSR_PLATFORM_INFO on Intel since Sandy Bridge (ratio x 100 MHz),
 *     read with rdmsr_safe;
 *  3. PIT channel 2 (Intel 8254 data sheet): gate it through port 0x61,
 *     count down 10 ms in mode 0, and see how far the TSC moved.  Under
 *     Bochs with clock sync=none both advance with emulated instructions,
 *     so the result is deterministic there too.
 * CPUID 16H's base frequency is only a cross-check: it is the nominal
 * core clock, which is not always the TSC's.  Every result must lie in
 * [TSC_MIN_KHZ, TSC_MAX_KHZ]; one that does not is reported and the next
 * source tried, down to a fixed 2 GHz, so a gated or missing PIT can
 * neither give a 1-tick quantum nor stall the boot. */
#include <stdbool.h>

#include "arch/x86/tsc.h"
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"
#include "core/log.h"

#define PIT_HZ       1193182u
#define PIT_CH2      0x42
#define PIT_MODE     0x43
#define PORT_B       0x61
#define CALIBRATE_MS 10
/* Polls of port 0x61 before giving up on the PIT: each is at least
 * ~1 us on real hardware (an ISA bus cycle), so 10 ms needs ~10,000;
 * 2,000,000 bounds a dead PIT to a few seconds at most. */
#define PIT_MAX_POLLS 2000000u
#define TSC_MIN_KHZ  10000ull        /* 10 MHz: Bochs' ips settings are above it */
#define TSC_MAX_KHZ  20000000ull     /* 20 GHz */
#define TSC_FALLBACK_KHZ 2000000ull

static uint64_t khz;

static bool sane(uint64_t k)
{
	return k >= TSC_MIN_KHZ && k <= TSC_MAX_KHZ;
}

static uint64_t from_hypervisor_leaf(void)
{
	struct cpuid_regs h;

	if (!cpuid_hypervisor(&h) || h.eax < 0x40000010)
		return 0;
	return cpuid(0x40000010, 0).eax;
}

static uint64_t from_cpuid_15h(void)
{
	struct cpuid_regs r;

	if (cpuid(0, 0).eax < 0x15)
		return 0;
	r = cpuid(0x15, 0);
	if (!r.eax || !r.ebx || !r.ecx)
		return 0;   /* crystal not enumerated: no exact figure */
	return (uint64_t)r.ecx / 1000 * r.ebx / r.eax;
}

/* Intel since Sandy Bridge: MSR_PLATFORM_INFO[15:8] is the maximum
 * non-turbo ratio, times the 100 MHz bus clock the TSC runs at (SDM
 * Vol. 4, Table 2-25).  Read safely: where it does not exist (AMD, many
 * emulators and nested hypervisors) it raises #GP. */
#define MSR_PLATFORM_INFO 0xCE

static uint64_t from_platform_info(void)
{
	struct cpuid_regs v = cpuid(0, 0), f = cpuid(1, 0);
	unsigned family = (f.eax >> 8) & 0xF, model = ((f.eax >> 4) & 0xF) | ((f.eax >> 12) & 0xF0);
	uint64_t info;

	if (v.ebx != 0x756E6547 || family != 6 || model < 0x2A)   /* "Genu", Sandy Bridge on */
		return 0;
	if (rdmsr_safe(MSR_PLATFORM_INFO, &info))
		return 0;
	return ((info >> 8) & 0xFF) * 100000;
}

/* Channel 2's count as of now: latch it (counter latch command), then
 * read low and high bytes.  Where no PIT answers, the bus reads 0xFFFF. */
static uint16_t pit_ch2_count(void)
{
	uint8_t lo;

	outb(PIT_MODE, 0x80);
	lo = inb(PIT_CH2);
	return (uint16_t)(lo | inb(PIT_CH2) << 8);
}

static uint64_t from_pit(void)
{
	uint16_t count = (uint16_t)(PIT_HZ * CALIBRATE_MS / 1000), now;
	uint8_t b = inb(PORT_B);
	uint64_t start, ticks;
	uint32_t polls;

	outb(PORT_B, (uint8_t)((b & ~0x02) | 0x01));   /* gate on, speaker off */
	outb(PIT_MODE, 0xB0);                           /* ch2, lo/hi, mode 0, binary */
	outb(PIT_CH2, count & 0xFF);
	outb(PIT_CH2, count >> 8);
	start = rdtsc();
	/* A live channel counts down from `count` with OUT2 low (mode 0
	 * drives OUT low from the control word until the count expires);
	 * anything else is no PIT, and port 0x61 bit 5 would mean nothing. */
	now = pit_ch2_count();
	if (now > count || (inb(PORT_B) & 0x20)) {
		outb(PORT_B, b);
		pr_warn("TSC: PIT channel 2 does not count (read 0x%x after loading 0x%x)", now, count);
		return 0;
	}
	/* OUT2 (port 0x61 bit 5) goes high when the count reaches zero. */
	for (polls = 0; !(inb(PORT_B) & 0x20) && polls < PIT_MAX_POLLS; polls++)
		pause();
	ticks = rdtsc() - start;
	outb(PORT_B, b);
	if (polls == PIT_MAX_POLLS) {
		pr_warn("TSC: PIT channel 2 never counted down (gated or missing)");
		return 0;
	}
	return ticks / CALIBRATE_MS;
}

static uint64_t try_source(uint64_t (*fn)(void), const char *name)
{
	uint64_t k = fn();

	if (k && !sane(k))
		pr_warn("TSC: %s says %llu kHz, outside %llu-%llu kHz; not used", name,
			(unsigned long long)k, TSC_MIN_KHZ, TSC_MAX_KHZ);
	if (!sane(k))
		return 0;
	pr_debug("TSC: %llu kHz from %s", (unsigned long long)k, name);
	return k;
}

uint64_t tsc_calibrate(void)
{
	khz = try_source(from_hypervisor_leaf, "hypervisor leaf 40000010H");
	if (!khz)
		khz = try_source(from_cpuid_15h, "CPUID 15H");
	if (!khz)
		khz = try_source(from_platform_info, "MSR_PLATFORM_INFO");
	if (!khz)
		khz = try_source(from_pit, "PIT channel 2");
	if (!khz) {
		pr_warn("TSC: no usable rate; assuming %llu kHz", TSC_FALLBACK_KHZ);
		khz = TSC_FALLBACK_KHZ;
	}
	return khz;
}

uint64_t tsc_khz(void)
{
	return khz;
}
