#include "mm/setup.h"
#include "arch/x86/cpu.h"
#include "core/log.h"
#include "core/panic.h"
#include "lib/range.h"
#include "lib/string.h"
#include "mm/memmap.h"
#include "mm/paging.h"

struct frame_alloc frames;

extern char _image_phys_start[], _image_phys_end[];

/* The first MiB holds the real-mode IVT, BDA, EBDA and BIOS: never ours
 * to hand out (and the guest platform has nothing to do with it). */
#define LOW_RESERVED_END (1ull << 20)
/* Free extents below 4 GiB that may hold the direct map's tables. */
#define POOL_EXTENTS 16
#define MAX_RESERVED (MB2_MAX_MODULES + 8 + POOL_EXTENTS)

struct boot_ranges {
	struct mem_range usable[MB2_MAX_MMAP];
	size_t n_usable;
	struct mem_range reserved[MAX_RESERVED];
	size_t n_reserved;
};

static void reserve(struct boot_ranges *b, uint64_t base, uint64_t end)
{
	if (b->n_reserved == MAX_RESERVED)
		panic("mm: more than %d reserved ranges", MAX_RESERVED);
	b->reserved[b->n_reserved++] = (struct mem_range){ base & ~0xFFFull, (end + 0xFFF) & ~0xFFFull };
}

static void collect(const struct mb2_info *info, uint64_t info_phys, struct boot_ranges *b,
		    struct mm_summary *sum)
{
	*sum = (struct mm_summary){ 0 };
	b->n_usable = b->n_reserved = 0;
	for (size_t i = 0; i < info->mmap_count; i++) {
		const struct mb2_mmap_entry *e = &info->mmap[i];
		if (e->type != MB2_MMAP_AVAILABLE || !e->len)
			continue;
		b->usable[b->n_usable++] = (struct mem_range){ e->base, e->base + e->len };
		sum->usable_bytes += e->len;
		sum->usable_regions++;
		if (e->base + e->len > sum->highest_usable)
			sum->highest_usable = e->base + e->len;
	}
	reserve(b, 0, LOW_RESERVED_END);
	reserve(b, (uint64_t)_image_phys_start + image_load_offset,
		(uint64_t)_image_phys_end + image_load_offset);
	reserve(b, info_phys, info_phys + info->total_size);
	for (size_t i = 0; i < info->module_count; i++)
		reserve(b, info->modules[i].start, info->modules[i].end);
}

/* The pixel framebuffer the loader left, page-aligned, for a
 * write-combining direct map; NULL for none or a text screen (whose
 * 4 KiB sit among the legacy VGA ranges the fixed MTRRs type). */
static const struct mem_range *framebuffer(const struct mb2_info *info, struct mem_range *r)
{
	const struct mb2_framebuffer *fb = &info->fb;
	uint64_t len = (uint64_t)fb->pitch * fb->height, end;

	/* The end, rounded up to a page, must not wrap. */
	if (!info->have_fb || fb->type != MB2_FB_RGB || !len || !range_add(fb->addr, len + 0xFFF, &end))
		return NULL;
	if (!(cpuid(1, 0).edx & (1u << 16)))    /* CPUID.1:EDX.PAT: else PWT means write-through */
		return NULL;
	*r = (struct mem_range){ fb->addr & ~0xFFFull, (fb->addr + len + 0xFFF) & ~0xFFFull };
	return r;
}

/* Free extents below 4 GiB, lowest first, until they hold `pages` frames
 * or POOL_EXTENTS of them are taken; returns how many. */
static size_t table_pool(const struct boot_ranges *b, size_t pages, struct mem_range *ext)
{
	uint64_t min = LOW_RESERVED_END, bytes = 0;
	size_t n = 0;

	while (n < POOL_EXTENTS && bytes < pages * FRAME_SIZE &&
	       memmap_free_extent(b->usable, b->n_usable, b->reserved, b->n_reserved, min,
				  1ull << 32, &ext[n])) {
		bytes += ext[n].end - ext[n].base;
		min = ext[n].end;
		n++;
	}
	return n;
}

void mm_init(const struct mb2_info *info, uint64_t info_phys, struct mm_summary *sum)
{
	struct boot_ranges b;
	struct mem_range fb;

	collect(info, info_phys, &b, sum);
	if (!sum->usable_bytes)
		panic("mm: the boot memory map lists no available RAM");

	/* The direct map first, its tables from a pool below 4 GiB (the
	 * boot identity map reaches nothing higher); what the pool does not
	 * use stays in the RAM the allocator will own. */
	struct mem_range pool[POOL_EXTENTS];
	size_t n_pool = table_pool(&b, paging_tables_bound(sum->highest_usable), pool);
	if (!n_pool)
		panic("mm: no free RAM below 4 GiB for the direct map's page tables");
	size_t tables = paging_init(sum->highest_usable, pool, n_pool, b.usable, b.n_usable,
				    framebuffer(info, &fb));
	for (size_t i = 0; i < n_pool; i++)
		if (pool[i].end > pool[i].base)
			reserve(&b, pool[i].base, pool[i].end);

	/* Then the allocator's metadata, the one carve-out: it must exist
	 * before the allocator does.  Anywhere in RAM, through the direct
	 * map: a machine with little memory below 4 GiB and much above
	 * needs more metadata than fits low. */
	size_t meta_bytes = (frame_meta_size(sum->highest_usable) + 0xFFF) & ~0xFFFull;
	uint64_t meta = memmap_find_free(b.usable, b.n_usable, b.reserved, b.n_reserved, meta_bytes,
					 FRAME_SIZE, LOW_RESERVED_END, UINT64_MAX);
	if (meta == FRAME_NONE)
		panic("mm: no %zu KiB of RAM in one piece for the frame metadata", meta_bytes >> 10);
	reserve(&b, meta, meta + meta_bytes);
	if (frame_init(&frames, b.usable, b.n_usable, b.reserved, b.n_reserved, phys_to_virt(meta),
		       meta_bytes))
		panic("mm: frame metadata of %zu bytes too small", meta_bytes);
	pr_debug("mm: %zu KiB of frame metadata at 0x%llx; direct map tables: %zu frames at 0x%llx",
		 meta_bytes >> 10, (unsigned long long)meta, tables, (unsigned long long)pool[0].base);
}

/* Zero whole frames 8 bytes per step: on the EPT first-touch path this
 * is most of the cost, and emulators count rep iterations one by one. */
static void zero_frames(void *p, size_t bytes)
{
	size_t qwords = bytes / 8;
	__asm__ volatile("rep stosq" : "+D"(p), "+c"(qwords) : "a"(0ull) : "memory");
}

uint64_t frame_alloc_zeroed(unsigned order)
{
	uint64_t phys = frame_alloc(&frames, order);

	if (phys != FRAME_NONE)
		zero_frames(phys_to_virt(phys), (size_t)FRAME_SIZE << order);
	return phys;
}

void mm_print_frames(void)
{
	pr_info("frames: %llu free (%llu MiB), %llu used, %llu managed",
		(unsigned long long)frames.free_frames,
		(unsigned long long)(frames.free_frames >> 8),
		(unsigned long long)frames.used_frames,
		(unsigned long long)frames.total_frames);
	for (unsigned o = 0; o <= FRAME_MAX_ORDER; o++)
		if (frames.free_blocks[o])
			pr_debug("frames: order %2u (%6llu KiB): %llu free blocks", o,
				 4ull << o, (unsigned long long)frames.free_blocks[o]);
}
