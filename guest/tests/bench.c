/* bench: what VM exits cost, in TSC ticks per operation, measured from
 * inside the guest.  Under Bochs with a fixed ips and clock: sync=none the
 * TSC counts instructions, so the figures are deterministic.
 *   cpuid            CPUID leaf 0 (always exits)
 *   vmcall           VMCALL (VMMCALL on AMD) TERN_HC_VERSION
 *   pio              inb from the unassigned port 0x2e8
 *   ept_first_touch  reading a fresh page (EPT violation or nested page
 *                    fault, frame allocation)
 * and the emulated platform's costs:
 *   lapic_read       a local APIC register read (TPR, xAPIC MMIO)
 *   lapic_write      a local APIC register write (TPR)
 *   eoi              an EOI write with nothing in service
 *   ioapic_write     an I/O APIC index register write (MMIO)
 *   pit_read         inb from PIT channel 0
 *   irq_latency      TSC-deadline expiry to the interrupt handler's RDTSC,
 *                    the guest busy (the handler is reached through the
 *                    guest library's stub: about 40 of those ticks are
 *                    the guest's own instructions)
 *   hlt_wakeup       the same, the guest waiting in HLT
 * Each loop is timed against the same loop without the exiting
 * instruction; the best of REPS runs counts.  Output, on two lines:
 *   bench: cpuid=<ticks> vmcall=<ticks> pio=<ticks> ept_first_touch=<ticks>
 *   bench-platform: lapic_read=<ticks> lapic_write=... hlt_wakeup=<ticks>
 * Exits 0; 1 when not running under Tern (VMCALL raises #UD, vmcall=-1)
 * or RAM is too small for the first-touch figure (mem >= 16M wanted). */
#include "guest/tests/lib/libguest.h"

#define N               1000u
#define REPS            3
#define TOUCH_PAGES     256u
#define MIB             0x100000u
#define REGION_STRIDE   (2 * MIB)       /* regions 2 MiB apart: no shared large page */

typedef uint64_t (*loop_fn)(uint32_t n);

#define TIMED(body, ...)						\
	do {								\
		uint64_t t0 = rdtsc();					\
		__asm__ volatile(body : "+S"(n) : __VA_ARGS__);		\
		return rdtsc() - t0;					\
	} while (0)

static uint64_t loop_cpuid(uint32_t n)
{
	TIMED("1: movl $0, %%eax\n\txorl %%ecx, %%ecx\n\tcpuid\n\tdecl %%esi\n\tjnz 1b",
	      : "eax", "ebx", "ecx", "edx", "memory", "cc");
}

static uint64_t loop_cpuid_base(uint32_t n)
{
	TIMED("1: movl $0, %%eax\n\txorl %%ecx, %%ecx\n\tdecl %%esi\n\tjnz 1b",
	      : "eax", "ebx", "ecx", "edx", "memory", "cc");
}

static uint64_t loop_vmcall(uint32_t n)
{
	TIMED("1: movl $0, %%eax\n\tvmcall\n\tdecl %%esi\n\tjnz 1b",
	      : "eax", "ebx", "ecx", "edx", "memory", "cc");
}

static uint64_t loop_vmmcall(uint32_t n)
{
	TIMED("1: movl $0, %%eax\n\tvmmcall\n\tdecl %%esi\n\tjnz 1b",
	      : "eax", "ebx", "ecx", "edx", "memory", "cc");
}

static uint64_t loop_vmcall_base(uint32_t n)
{
	TIMED("1: movl $0, %%eax\n\tdecl %%esi\n\tjnz 1b",
	      : "eax", "ebx", "ecx", "edx", "memory", "cc");
}

static uint64_t loop_pio(uint32_t n)
{
	TIMED("1: movw $0x2e8, %%dx\n\tinb %%dx, %%al\n\tdecl %%esi\n\tjnz 1b",
	      : "eax", "edx", "memory", "cc");
}

static uint64_t loop_pio_base(uint32_t n)
{
	TIMED("1: movw $0x2e8, %%dx\n\tdecl %%esi\n\tjnz 1b",
	      : "eax", "edx", "memory", "cc");
}

static int64_t measure(const char *name, loop_fn op, loop_fn base);

static uint64_t loop_base(uint32_t n)
{
	TIMED("1: decl %%esi\n\tjnz 1b", : "eax", "memory", "cc");
}

static uint64_t loop_lapic_read(uint32_t n)
{
	TIMED("1: movl 0xfee00080, %%eax\n\tdecl %%esi\n\tjnz 1b", : "eax", "memory", "cc");
}

static uint64_t loop_lapic_write(uint32_t n)
{
	TIMED("1: movl $0, 0xfee00080\n\tdecl %%esi\n\tjnz 1b", : "eax", "memory", "cc");
}

static uint64_t loop_eoi(uint32_t n)
{
	TIMED("1: movl $0, 0xfee000b0\n\tdecl %%esi\n\tjnz 1b", : "eax", "memory", "cc");
}

static uint64_t loop_ioapic_write(uint32_t n)
{
	TIMED("1: movl $1, 0xfec00000\n\tdecl %%esi\n\tjnz 1b", : "eax", "memory", "cc");
}

static uint64_t loop_pit_read(uint32_t n)
{
	TIMED("1: inb $0x40, %%al\n\tdecl %%esi\n\tjnz 1b", : "eax", "memory", "cc");
}

/* ---- interrupt latency: the LAPIC timer in TSC-deadline mode ---- */

#define APIC_REG(off) (*(volatile uint32_t *)(0xFEE00000u + (off)))
#define VEC_BENCH 0x40
#define LATENCY_RUNS 8

static volatile uint64_t irq_tsc;

static void on_bench_irq(unsigned vector)
{
	irq_tsc = rdtsc();
	(void)vector;
	APIC_REG(0xB0) = 0;   /* EOI */
}

/* Ticks from a TSC deadline to the handler, busy or halted; the best of
 * LATENCY_RUNS (the first runs also page in the handler's path). */
static int64_t latency(bool halt)
{
	int64_t best = -1;

	for (int i = 0; i < LATENCY_RUNS; i++) {
		uint64_t deadline = rdtsc() + 200000;
		irq_tsc = 0;
		wrmsr(0x6E0, deadline);
		sti();
		while (!irq_tsc)
			if (halt)
				__asm__ volatile("hlt" ::: "memory");
		cli();
		int64_t d = (int64_t)(irq_tsc - deadline);
		if (best < 0 || d < best)
			best = d;
	}
	return best;
}

static void bench_platform(void)
{
	int64_t lr = measure("lapic_read", loop_lapic_read, loop_base);
	int64_t lw = measure("lapic_write", loop_lapic_write, loop_base);
	int64_t eoi = measure("eoi", loop_eoi, loop_base);
	int64_t iw = measure("ioapic_write", loop_ioapic_write, loop_base);
	int64_t pr = measure("pit_read", loop_pit_read, loop_base);

	outb(0x21, 0xFF);                          /* 8259s masked */
	outb(0xA1, 0xFF);
	irq_set_handler(VEC_BENCH, on_bench_irq);
	APIC_REG(0x320) = VEC_BENCH | (2u << 17);  /* LVT timer: TSC-deadline */
	int64_t busy = latency(false), halted = latency(true);
	APIC_REG(0x320) = 1u << 16;
	printf("bench-platform: lapic_read=%lld lapic_write=%lld eoi=%lld ioapic_write=%lld "
	       "pit_read=%lld irq_latency=%lld hlt_wakeup=%lld\n", (long long)lr, (long long)lw,
	       (long long)eoi, (long long)iw, (long long)pr, (long long)busy, (long long)halted);
}

/* Read one byte of each of `pages` pages from `base`, 4 KiB apart. */
static uint64_t touch_pages(uint32_t base, uint32_t n)
{
	uint64_t t0 = rdtsc();
	__asm__ volatile("1: movb (%%eax), %%cl\n\taddl $4096, %%eax\n\tdecl %%esi\n\tjnz 1b"
			 : "+a"(base), "+S"(n) : : "ecx", "memory", "cc");
	return rdtsc() - t0;
}

static int64_t per_op(uint64_t total, uint64_t base, uint32_t n)
{
	int64_t d = (int64_t)(total - base);
	return d >= 0 ? (d + n / 2) / n : -((-d + n / 2) / n);
}

/* The best (smallest) per-operation cost over REPS runs. */
static int64_t measure(const char *name, loop_fn op, loop_fn base)
{
	int64_t best = 0;
	for (int r = 0; r < REPS; r++) {
		uint64_t t = op(N), b = base(N);
		int64_t v = per_op(t, b, N);
		printf("%s: run %d: %u iterations %llu ticks, without the exit %llu ticks: %lld per op\n",
		       name, r, N, (unsigned long long)t, (unsigned long long)b, (long long)v);
		if (r == 0 || v < best)
			best = v;
	}
	return best;
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	int ret = 0;
	uint64_t mem = mbi_mem_bytes(mbi);
	uint32_t r;

	if (magic != MB_BOOTLOADER_MAGIC || mem == 0) {
		puts("FAIL: no multiboot memory information");
		return 1;
	}
	int64_t cpuid_t = measure("cpuid", loop_cpuid, loop_cpuid_base);

	int64_t vmcall_t = -1;
	if (try_vmcall(TERN_HC_VERSION, 0, 0, 0, &r) < 0 && r == 1) {
		vmcall_t = measure("vmcall", cpu_is_amd ? loop_vmmcall : loop_vmcall, loop_vmcall_base);
	} else {
		puts("FAIL: no Tern hypercalls (VMCALL raised an exception or VERSION != 1)");
		ret = 1;
	}

	int64_t pio_t = measure("pio", loop_pio, loop_pio_base);

	/* Fresh regions: above the image and the multiboot information,
	 * from 8 MiB, 2 MiB apart. */
	uint32_t lo = (uint32_t)_end > mbi_end(mbi) ? (uint32_t)_end : mbi_end(mbi);
	lo = (lo + REGION_STRIDE - 1) & ~(REGION_STRIDE - 1);
	if (lo < 8 * MIB)
		lo = 8 * MIB;
	int64_t ept_t = -1;
	for (int i = 0; i < REPS; i++) {
		uint32_t base = lo + i * REGION_STRIDE;
		if (base + TOUCH_PAGES * 4096 > mem) {
			printf("FAIL: RAM 0x%llx too small for fresh pages at 0x%08x (want mem >= 16M)\n",
			       (unsigned long long)mem, base);
			ret = 1;
			break;
		}
		uint64_t first = touch_pages(base, TOUCH_PAGES);
		uint64_t again = touch_pages(base, TOUCH_PAGES);
		int64_t v = per_op(first, again, TOUCH_PAGES);
		printf("ept_first_touch: run %d: %u fresh pages at 0x%08x %llu ticks, again %llu ticks: %lld per page\n",
		       i, TOUCH_PAGES, base, (unsigned long long)first, (unsigned long long)again,
		       (long long)v);
		if (i == 0 || v < ept_t)
			ept_t = v;
	}

	printf("bench: cpuid=%lld vmcall=%lld pio=%lld ept_first_touch=%lld\n",
	       (long long)cpuid_t, (long long)vmcall_t, (long long)pio_t, (long long)ept_t);
	bench_platform();
	return ret;
}
