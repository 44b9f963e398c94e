/* Building the hypervisor's final page tables (layout in paging.h). */
#include "mm/paging.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "boot/mb2.h"
#include "core/panic.h"
#include "core/log.h"
#include "mm/formats.h"
#include "mm/mtrr.h"
#include "mm/pagetable.h"


uint64_t phys_map_offset;

static uint64_t direct_map_limit;
static uint64_t root;

extern uint64_t boot_pdpt_high[];   /* boot/entry.asm's kernel mapping */


/* Tables come from a pool below 4 GiB that mm_init sets aside: until the
 * switch they are reached through the boot identity map, which covers
 * 4 GiB, and the frame allocator does not exist yet (its metadata may lie
 * above 4 GiB, reachable only through the direct map built here).  The
 * pool is a few free extents, used in order: a fragmented memory map may
 * have no single piece as large as the worst case needs.  Tables are
 * never freed. */
struct table_pool {
	struct mem_range *ext;
	size_t n, i;
	uint64_t next;
};

static uint64_t table_alloc(void *ctx)
{
	struct table_pool *pool = ctx;
	uint64_t phys;

	while (pool->i < pool->n && pool->next >= pool->ext[pool->i].end)
		if (++pool->i < pool->n)
			pool->next = pool->ext[pool->i].base;
	if (pool->i == pool->n)
		return 0;
	phys = pool->next;
	pool->next += 4096;
	return phys;
}

/* Shrink the extents to the parts used; returns the number of tables. */
static size_t table_pool_trim(struct table_pool *pool)
{
	size_t used = 0;

	for (size_t k = 0; k < pool->n; k++) {
		struct mem_range *e = &pool->ext[k];
		if (k == pool->i)
			e->end = pool->next;
		else if (k > pool->i)
			e->end = e->base;
		used += (size_t)((e->end - e->base) / 4096);
	}
	return used;
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

/* The MTRRs as the CPU has them (SDM Vol. 3A 12.11); none without the
 * MTRR feature (CPUID.1:EDX[12]). */
static void read_mtrrs(struct mtrr_state *m)
{
	unsigned bits = cpuid(0x80000000, 0).eax >= 0x80000008 ? cpuid(0x80000008, 0).eax & 0xFF : 36;

	*m = (struct mtrr_state){ .phys_bits = bits };
	if (!(cpuid(1, 0).edx & (1u << 12)))
		return;
	m->cap = rdmsr(IA32_MTRRCAP);
	m->def_type = rdmsr(IA32_MTRR_DEF_TYPE);
	for (unsigned i = 0; i < (m->cap & 0xFF) && i < MTRR_MAX_VAR; i++) {
		m->base[i] = rdmsr(IA32_MTRR_PHYSBASE0 + 2 * i);
		m->mask[i] = rdmsr(IA32_MTRR_PHYSBASE0 + 2 * i + 1);
	}
}

/* Both ends of every RAM range the boot map can give, of every variable
 * MTRR, and a few more (the fixed ranges' end, 2 MiB, the framebuffer):
 * a map fragmented to its limit still gets its large pages clipped. */
#define MAX_BOUNDS (2 * MB2_MAX_MMAP + 2 * MTRR_MAX_VAR + 8)

/* The host PAT (SDM Vol. 3A 13.12.2, 13.12.3): the power-on entries but
 * for entry 1 (PWT alone), write-combining instead of write-through, as
 * Linux programs it.  A page with PWT set is then WC -- the type a
 * framebuffer wants: with the MTRRs' UC for the PCI hole, PAT WC still
 * gives WC (Table 13-7), so pixel writes are combined into bursts. */
#define PAT_WC 0x01ull
#define HOST_PAT ((PAT_POWER_ON_DEFAULT & ~(0xFFull << 8)) | PAT_WC << 8)
#define PTE_WC PTE_PWT

/* Add v to the sorted, duplicate-free bounds[0..n) if it lies in
 * (0, limit); returns the new count (max + 1 when there is no room). */
static size_t insert_bound(uint64_t *bounds, size_t n, size_t max, uint64_t limit, uint64_t v)
{
	size_t i = 0;

	if (n > max || v == 0 || v >= limit)
		return n;
	while (i < n && bounds[i] < v)
		i++;
	if (i < n && bounds[i] == v)
		return n;
	if (n == max)
		return max + 1;
	for (size_t j = n; j > i; j--)
		bounds[j] = bounds[j - 1];
	bounds[i] = v;
	return n + 1;
}

/* Map [0, limit) so that no large page crosses an MTRR range's or a RAM
 * range's boundary (a large page over two memory types is undefined,
 * SDM Vol. 3A 12.11.9), with 4 KiB pages in the first 2 MiB (the
 * fixed-range MTRRs change type every 4-64 KiB there), and the range wc
 * (if any) write-combining. */
static void map_direct(struct pagetable *pt, const struct mem_range *ram, size_t n_ram,
		       const struct mem_range *wc, uint64_t flags)
{
	static uint64_t bounds[MAX_BOUNDS + 2];
	struct mtrr_state mtrrs;
	size_t n;
	int large = cpu_has_1g_pages() ? 3 : 2;

	read_mtrrs(&mtrrs);
	n = mtrr_boundaries(&mtrrs, ram, n_ram, direct_map_limit, bounds + 1, MAX_BOUNDS);
	if (wc) {
		n = insert_bound(bounds + 1, n, MAX_BOUNDS, direct_map_limit, wc->base);
		n = insert_bound(bounds + 1, n, MAX_BOUNDS, direct_map_limit, wc->end);
	}
	if (n > MAX_BOUNDS) {
		/* Too many to honour one by one: 2 MiB pages below 4 GiB, as
		 * firmware's MTRR ranges are at least that coarse in practice. */
		pr_warn("paging: more than %d MTRR/RAM boundaries; 2 MiB pages below 4 GiB", MAX_BOUNDS);
		n = 0;
		bounds[++n] = 2ull << 20;
		bounds[++n] = LOW_4G;
	}
	bounds[0] = 0;
	bounds[n + 1] = direct_map_limit;
	for (size_t i = 0; i <= n; i++) {
		uint64_t start = bounds[i], end = bounds[i + 1];
		uint64_t f = wc && start >= wc->base && end <= wc->end ? flags | PTE_WC : flags;

		pt->max_leaf_level = end <= (2ull << 20) ? 1 : (end <= LOW_4G && n == 2) ? 2 : large;
		if (end > start && pt_map(pt, DIRECT_MAP_BASE + start, start, end - start, f))
			panic("paging: the direct map needs more page tables than the pool set aside has");
	}
}

size_t paging_tables_bound(uint64_t max_phys)
{
	uint64_t limit = map_limit(max_phys);
	size_t n = 1 + (size_t)((limit + 512 * GIB - 1) / (512 * GIB));   /* PML4, PDPTs */

	/* A PD and a PT for every boundary map_direct may honour, and for
	 * the first 2 MiB; without 1 GiB pages, a PD for every GiB. */
	n += 2 * (MAX_BOUNDS + 3);
	if (!cpu_has_1g_pages())
		n += (size_t)(limit / GIB);
	return n;
}

size_t paging_init(uint64_t max_phys, struct mem_range *pool_ext, size_t n_pool,
		   const struct mem_range *ram, size_t n_ram, const struct mem_range *wc)
{
	struct table_pool pool = { pool_ext, n_pool, 0, n_pool ? pool_ext[0].base : 0 };
	struct pt_mem mem = { table_alloc, table_free, table_ptr, &pool };
	struct pagetable pt;

	uint64_t flags = PTE_P | PTE_W | nx_bit();

	direct_map_limit = map_limit(max_phys);
	if (pt_create(&pt, &host_format, &mem, 1))
		panic("paging: no room for the direct map's page tables");
	map_direct(&pt, ram, n_ram, wc, flags);

	/* The image mapping is the boot one: PML4[511] -> boot_pdpt_high. */
	uint64_t *pml4 = phys_to_virt(pt.root);
	pml4[511] = virt_to_phys(boot_pdpt_high) | PTE_P | PTE_W;

	root = pt.root;
	/* The new PAT before the tables that use it; the boot tables have
	 * no PWT page, so nothing changes type under our feet. */
	wrmsr(IA32_PAT, HOST_PAT);
	write_cr3(root);
	phys_map_offset = DIRECT_MAP_BASE;
	return table_pool_trim(&pool);
}

uint64_t paging_direct_map_limit(void)
{
	return direct_map_limit;
}

uint64_t paging_root(void)
{
	return root;
}
