/* bigbss: a kernel whose image (a 3 MiB .bss) cannot fit in 2 MiB of
 * guest RAM.  Given mem=2M, the loader must refuse it with a reason; if
 * it ever runs, it says so and fails. */
#include "guest/tests/lib/libguest.h"

static volatile uint8_t big[3u << 20];

int main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic, (void)mbi;
	big[sizeof big - 1] = 1;
	puts("FAIL: bigbss runs although its image exceeds its RAM");
	return 1;
}
