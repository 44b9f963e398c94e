/* toucher: writes a per-page value into every 4 KiB page of its RAM from
 * the end of its image up to the end of RAM, then reads them all back.  Every first touch is an EPT
 * violation the hypervisor must back with a fresh frame. */
#include "guest/tests/lib/libguest.h"

#define PAGE            4096u
#define MIB             0x100000u

static uint32_t page_value(uint32_t addr)
{
	return addr ^ 0x5A5A0000u;
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	uint64_t mem = mbi_mem_bytes(mbi);
	uint64_t limit = mem;

	if (magic != MB_BOOTLOADER_MAGIC || mem == 0) {
		puts("FAIL: no multiboot memory information");
		return 1;
	}
	/* Touch only what the memory map calls available: the region that
	 * starts at 1 MiB (Tern: [1M, mem); QEMU ends it a little lower). */
	if (mbi->flags & MB_INFO_MMAP) {
		const struct mb_mmap_entry *e;
		for (unsigned i = 0; (e = mbi_mmap_entry(mbi, i)); i++)
			if (e->type == MB_MMAP_AVAILABLE && e->base <= MIB && e->base + e->len > MIB)
				limit = e->base + e->len < mem ? e->base + e->len : mem;
	}
	if (limit > 0xFFFFF000u)
		limit = 0xFFFFF000u;

	/* The multiboot information may lie up there too: we are done with
	 * it, and overwriting it is harmless. */
	uint32_t start = ((uint32_t)_end + PAGE - 1) & ~(PAGE - 1);
	uint32_t end = (uint32_t)limit & ~(PAGE - 1);
	if (start >= end) {
		printf("FAIL: no RAM above the image (0x%08x) below 0x%08x\n", start, end);
		return 1;
	}
	printf("touching pages 0x%08x-0x%08x of RAM size 0x%llx\n", start, end,
	       (unsigned long long)mem);

	/* Tight loops: one write per page, then one read per page. */
	uint32_t pages = (end - start) / PAGE;
	for (uint32_t a = start; a < end; a += PAGE)
		*(volatile uint32_t *)a = page_value(a);
	printf("touched %u pages\n", pages);

	uint32_t bad = 0;
	for (uint32_t a = start; a < end; a += PAGE) {
		uint32_t v = *(volatile uint32_t *)a;
		if (v != page_value(a) && bad++ < 8)
			printf("FAIL: page 0x%08x reads 0x%08x, wrote 0x%08x\n", a, v, page_value(a));
	}
	if (bad) {
		printf("FAIL: %u of %u pages read back wrong\n", bad, pages);
		return 1;
	}
	printf("verified %u pages\n", pages);
	return 0;
}
