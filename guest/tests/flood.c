/* flood: floods its console for `seconds=N` (default 3) of TSC time with
 * REP OUTSB, 1 KiB per instruction (16 lines of 64 bytes), as a hostile
 * or broken guest would.  The hypervisor must bound what reaches its
 * console (and the time it spends on it), drop the rest and say how much
 * it dropped -- and the other guests must not notice. */
#include "guest/tests/lib/libguest.h"

static char block[1024];

int main(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t seconds = cmdline_number(mbi_cmdline(mbi), "seconds", 3), eax, ebx, ecx, edx, lines = 0;

	(void)magic;
	__asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0x40000010u), "c"(0));
	for (unsigned i = 0; i < sizeof block; i++)
		block[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	uint64_t end = rdtsc() + (uint64_t)eax * 1000 * seconds;
	while (rdtsc() < end) {
		const char *src = block;
		uint32_t n = sizeof block;
		__asm__ volatile("cld; rep outsb" : "+S"(src), "+c"(n) : "d"(COM1) : "memory");
		lines += sizeof block / 64;
	}
	printf("flood: sent %u lines\n", lines);
	return 0;
}
