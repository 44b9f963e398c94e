/*
 * Physical frame allocator: a binary buddy allocator over 4 KiB frames.
 *
 * Blocks have orders 0..FRAME_MAX_ORDER (4 KiB .. 1 GiB) and are always
 * naturally aligned in physical address, so a 2 MiB or 1 GiB block can be
 * mapped with a single large page.
 *
 * The allocator never touches the memory it manages: in the hypervisor,
 * RAM above 4 GiB is not mapped when frame_init() runs.  All bookkeeping
 * lives in a caller-provided metadata array with one small entry per
 * frame number (pfn) from 0 to the highest usable frame; free lists are
 * intrusive circular doubly-linked lists threaded through that array with
 * 32-bit pfn links, so every list operation is O(1) and alloc/free are
 * O(FRAME_MAX_ORDER).
 *
 * 32-bit pfns cover physical addresses below 2^44 (16 TiB); usable RAM
 * above FRAME_PHYS_LIMIT is ignored.
 */
#ifndef TERN_MM_FRAME_H
#define TERN_MM_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_SHIFT 12
#define FRAME_SIZE 4096
#define FRAME_ORDER_2M 9
#define FRAME_ORDER_1G 18
#define FRAME_MAX_ORDER 18

/* Physical addresses at or above this are never managed (pfn is 32-bit). */
#define FRAME_PHYS_LIMIT (1ULL << 44)

/* Returned by frame_alloc() when no block of the requested order is left. */
#define FRAME_NONE ((uint64_t)-1)

/* A physical address range [base, end). */
struct mem_range {
	uint64_t base, end;
};

/* Per-frame metadata; private to mm/frame.c, declared here for sizing. */
struct frame_meta;

struct frame_alloc {
	struct frame_meta *meta;   /* one entry per pfn in [0, nframes) */
	uint64_t nframes;          /* entries in meta: highest usable pfn + 1 */
	/* First block of each order's circular free list; meaningful only
	 * while free_blocks[order] != 0, so no "nil" pfn value is needed. */
	uint32_t head[FRAME_MAX_ORDER + 1];

	/* Statistics, always exact. */
	uint64_t free_blocks[FRAME_MAX_ORDER + 1]; /* free blocks per order */
	uint64_t free_frames;      /* free 4 KiB frames */
	uint64_t used_frames;      /* allocated 4 KiB frames */
	uint64_t total_frames;     /* managed frames = free + used */
};

/* Bytes of metadata needed for physical addresses below max_phys. */
size_t frame_meta_size(uint64_t max_phys);

/*
 * Initialise from usable and reserved ranges (any order, may overlap).
 * Usable ranges are shrunk to whole frames; any frame touched by a reserved
 * range is excluded.  meta must be >= frame_meta_size(highest usable end)
 * bytes and aligned for uint32_t; if it lives in managed RAM the caller
 * must list its physical range in `reserved`.  Returns 0, or -1 if meta is
 * too small or misaligned (no panic).
 */
int frame_init(struct frame_alloc *fa, const struct mem_range *usable,
	       size_t n_usable, const struct mem_range *reserved,
	       size_t n_reserved, void *meta, size_t meta_size);

/* Allocate a naturally aligned block of 2^order frames.  Returns its
 * physical address, or FRAME_NONE when exhausted.  Panics on a bad order. */
uint64_t frame_alloc(struct frame_alloc *fa, unsigned order);

/* Like frame_alloc, but the block lies entirely below physical `limit`
 * (for memory reached before the direct map exists).  Walks the free
 * lists: O(free blocks), meant for boot-time use. */
uint64_t frame_alloc_below(struct frame_alloc *fa, unsigned order,
			   uint64_t limit);

/* Free a block obtained from frame_alloc(fa, order).  Panics on a bad
 * order, misaligned or foreign address, double free or order mismatch. */
void frame_free(struct frame_alloc *fa, uint64_t phys, unsigned order);

/* True iff phys is the head of a currently allocated block. */
bool frame_is_allocated(const struct frame_alloc *fa, uint64_t phys);

/*
 * Debug helper: verify every internal invariant (free lists well formed
 * and counted, block states consistent, statistics exact).  O(nframes).
 * Returns true when consistent; never panics.
 */
bool frame_check(const struct frame_alloc *fa);

#endif
