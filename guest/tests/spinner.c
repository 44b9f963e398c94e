/* spinner: CPU-bound without ever yielding.  Prints "spin N" five times,
 * busy-waiting 2,000,000 TSC ticks between lines.  Two spinners side by
 * side interleave their lines only if the scheduler preempts them (the
 * VMX-preemption timer); each exits 0.
 *
 * With "work" on its command line it instead runs a fixed amount of
 * computation -- 5,000,000 iterations of a two-instruction loop, no exit
 * -- and prints the TSC ticks it took ("spin work N ticks").  Under
 * Bochs, where the TSC counts instructions, that is 10,000,000 plus
 * whatever the CPU spent elsewhere meanwhile: beside a guest that only
 * waits in HLT, almost nothing. */
#include "guest/tests/lib/libguest.h"

#define ROUNDS 5
#define SPIN_TICKS 2000000ull
#define WORK_LOOPS 5000000u

static void work(void)
{
	uint32_t n = WORK_LOOPS;
	uint64_t start = rdtsc();

	__asm__ volatile("1: decl %0\n\tjnz 1b" : "+r"(n) : : "cc");
	printf("spin work %llu ticks\n", (unsigned long long)(rdtsc() - start));
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	if (cmdline_has_word(mbi_cmdline(mbi), "work")) {
		work();
		return 0;
	}
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t until = rdtsc() + SPIN_TICKS;
		while (rdtsc() < until)
			;
		printf("spin %d\n", i);
	}
	return 0;
}
