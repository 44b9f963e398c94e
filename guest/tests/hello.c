/* hello: the smallest guest.  Prints a greeting and its command line,
 * exits with 0 (status=1). */
#include "guest/tests/lib/libguest.h"

int main(uint32_t magic, const struct mb_info *mbi)
{
	puts("hello from a Tern guest");
	if (magic != MB_BOOTLOADER_MAGIC) {
		printf("FAIL: multiboot magic 0x%08x, want 0x%08x\n", magic, MB_BOOTLOADER_MAGIC);
		return 1;
	}
	printf("command line: %s\n", mbi_cmdline(mbi));
	return 0;
}
