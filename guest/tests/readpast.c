/* readpast: reads guest-physical memory 1 MiB past the end of its RAM,
 * where there is neither RAM nor a device.  The hypervisor must stop it
 * ("stopped: EPT violation gpa=... (read)"). */
#include "guest/tests/lib/libguest.h"

int main(uint32_t magic, const struct mb_info *mbi)
{
	uint64_t mem = mbi_mem_bytes(mbi);
	uint64_t target = mem + 0x100000;

	if (magic != MB_BOOTLOADER_MAGIC || mem == 0) {
		puts("FAIL: no multiboot memory information");
		return 1;
	}
	if (target + 4 > 0x100000000ull) {
		printf("FAIL: RAM size 0x%llx leaves no address past it below 4 GiB\n",
		       (unsigned long long)mem);
		return 1;
	}
	printf("RAM ends at 0x%08x; reading 0x%08x\n", (uint32_t)mem, (uint32_t)target);
	puts("reading past the end of RAM");
	serial_flush();
	uint32_t v = *(volatile uint32_t *)(uintptr_t)target;
	printf("FAIL: read past RAM returned 0x%08x\n", v);
	return 1;
}
