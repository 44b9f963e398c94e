/* Building the hypervisor's final page tables (layout in paging.h). */
#include "mm/paging.h"
#include "arch/x86/cpu.h"
#include "core/panic.h"
#include "mm/formats.h"
#include "mm/pagetable.h"


uint64_t phys_map_offset;

static uint64_t direct_map_limit;
static uint64_t root;

extern uint64_t boot_pdpt_high[];   /* boot/entry.asm's kernel mapping */


/* Tables come from the frame allocator, below 4 GiB: until the switch
 * they are reached through the boot identity map, which covers 4 GiB.
 * They are never freed. */
static uint64_t table_alloc(void *ctx)
{
	uint64_t phys = frame_alloc_below(ctx, 0, 1ull << 32);
	return phys == FRAME_NONE ? 0 : phys;
}

static void table_free(void *ctx, uint64_t phys)
{
	(void)ctx;
	panic("paging: page table 0x%llx of the direct map freed", (unsigned long long)phys);
}

static uint64_t *table_ptr(void *ctx, uint64_t phys)
{
	(void)ctx;
	return phys_to_virt(phys);
}

#define GIB (1ull << 30)
#define LOW_4G (4 * GIB)

static int cpu_has_1g_pages(void)
{
	return (cpuid(0x80000001, 0).edx >> 26) & 1;   /* CPUID.80000001H:EDX.Page1GB */
}

static uint64_t nx_bit(void)
{
	return (cpuid(0x80000001, 0).edx >> 20) & 1 ? PTE_NX : 0;   /* EDX.NX (boot/entry.asm) */
}

/* The direct map covers the first 4 GiB (firmware tables, the BIOS
 * areas) and all RAM above. */
static uint64_t map_limit(uint64_t max_phys)
{
	uint64_t end = (max_phys + GIB - 1) & ~(GIB - 1);
	return end > LOW_4G ? end : LOW_4G;
}

void paging_init(uint64_t max_phys, struct frame_alloc *fa)
{
	struct pt_mem mem = { table_alloc, table_free, table_ptr, fa };
	struct pagetable pt;

	uint64_t flags = PTE_P | PTE_W | nx_bit();

	direct_map_limit = map_limit(max_phys);
	/* Below 4 GiB RAM and MMIO holes share GiBs, and a large page that
	 * spans different MTRR memory types is undefined (SDM Vol. 3A
	 * 12.11.9): 2 MiB pages there, 1 GiB pages (if any) above. */
	if (pt_create(&pt, &host_format, &mem, 2) ||
	    pt_map(&pt, DIRECT_MAP_BASE, 0, LOW_4G, flags))
		panic("paging: no memory below 4 GiB for the direct map's page tables");
	pt.max_leaf_level = cpu_has_1g_pages() ? 3 : 2;
	if (pt_map(&pt, DIRECT_MAP_BASE + LOW_4G, LOW_4G, direct_map_limit - LOW_4G, flags))
		panic("paging: no memory below 4 GiB for the direct map's page tables");

	/* The image mapping is the boot one: PML4[511] -> boot_pdpt_high. */
	uint64_t *pml4 = phys_to_virt(pt.root);
	pml4[511] = virt_to_phys(boot_pdpt_high) | PTE_P | PTE_W;

	root = pt.root;
	write_cr3(root);
	phys_map_offset = DIRECT_MAP_BASE;
}

uint64_t paging_direct_map_limit(void)
{
	return direct_map_limit;
}

uint64_t paging_root(void)
{
	return root;
}
