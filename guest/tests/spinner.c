/* spinner: CPU-bound without ever yielding.  Prints "spin N" five times,
 * busy-waiting 2,000,000 TSC ticks between lines.  Two spinners side by
 * side interleave their lines only if the scheduler preempts them (the
 * VMX-preemption timer); each exits 0. */
#include "guest/tests/lib/libguest.h"

#define ROUNDS 5
#define SPIN_TICKS 2000000ull

int main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic, (void)mbi;
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t until = rdtsc() + SPIN_TICKS;
		while (rdtsc() < until)
			;
		printf("spin %d\n", i);
	}
	return 0;
}
