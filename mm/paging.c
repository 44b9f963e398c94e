/* Building the hypervisor's final page tables (layout in paging.h). */
#include "mm/paging.h"
#include "arch/x86/cpu.h"
#include "core/panic.h"
#include "mm/pagetable.h"

/* x86-64 paging entry bits (SDM Vol. 3A 4.5, Table 4-15 ff.). */
#define PTE_P   (1ull << 0)
#define PTE_W   (1ull << 1)
#define PTE_NX  (1ull << 63)

uint64_t phys_map_offset;

static uint64_t direct_map_limit;
static uint64_t root;

extern uint64_t boot_pdpt_high[];   /* boot/entry.asm's kernel mapping */

static const struct pt_format x86_format = {
	.present_mask = PTE_P,
	.table_flags = PTE_P | PTE_W,
};

/* Tables come from a bump pool carved out of RAM before the frame
 * allocator exists; they are never freed. */
struct pool {
	uint64_t next, end;
};

static uint64_t pool_alloc(void *ctx)
{
	struct pool *p = ctx;
	if (p->next >= p->end)
		return 0;
	p->next += 4096;
	return p->next - 4096;
}

static void pool_free(void *ctx, uint64_t phys)
{
	(void)ctx;
	panic("paging: boot page table 0x%llx freed", (unsigned long long)phys);
}

static uint64_t *pool_table(void *ctx, uint64_t phys)
{
	(void)ctx;
	return phys_to_virt(phys);
}

static int cpu_has_1g_pages(void)
{
	return (cpuid(0x80000001, 0).edx >> 26) & 1;   /* CPUID.80000001H:EDX.Page1GB */
}

static uint64_t round_up_gib(uint64_t v)
{
	return (v + (1ull << 30) - 1) & ~((1ull << 30) - 1);
}

size_t paging_tables_needed(uint64_t max_phys)
{
	uint64_t gib = round_up_gib(max_phys) >> 30;
	size_t pdpts = (size_t)((gib + 511) / 512);

	/* PML4 + PDPTs, + one page directory per GiB without 1 GiB pages. */
	return 1 + pdpts + (cpu_has_1g_pages() ? 0 : (size_t)gib);
}

void paging_init(uint64_t max_phys, uint64_t pool_base, size_t pages)
{
	struct pool pool = { pool_base, pool_base + pages * 4096 };
	struct pt_mem mem = { pool_alloc, pool_free, pool_table, &pool };
	struct pagetable pt;

	direct_map_limit = round_up_gib(max_phys);
	if (pt_create(&pt, &x86_format, &mem, cpu_has_1g_pages() ? 3 : 2) ||
	    pt_map(&pt, DIRECT_MAP_BASE, 0, direct_map_limit, PTE_P | PTE_W | PTE_NX))
		panic("paging: page-table pool of %zu pages too small", pages);

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
