/*
 * Buddy allocator of physical frames; see mm/frame.h for the contract.
 *
 * Metadata layout: meta[pfn] exists for every pfn below fa->nframes, in a
 * buffer the caller owns.  Each entry is in one of four states:
 *
 *   UNMANAGED  hole, reserved, or otherwise never handed out
 *   TAIL       managed frame inside a block, but not its first frame
 *   FREE       first frame ("head") of a free block of order meta.order,
 *              linked into free list meta.order via next/prev
 *   USED       head of an allocated block of order meta.order
 *
 * Only heads carry a meaningful order, so splitting and merging touch
 * O(1) entries per level instead of every frame of the block.  Knowing the
 * allocated order at the head is also what lets frame_free() reject double
 * frees and order mismatches instead of corrupting the lists.
 *
 * Free lists are circular and their emptiness is given by free_blocks[],
 * so every 32-bit value is a valid pfn and no sentinel is needed: all
 * 2^32 frames below FRAME_PHYS_LIMIT are addressable.
 */
#include "mm/frame.h"

#include "core/panic.h"

enum frame_state {
	FS_UNMANAGED = 0, /* zero so that clearing the array unmanages all */
	FS_TAIL,
	FS_FREE,
	FS_USED,
};

struct frame_meta {
	uint32_t next, prev; /* free-list links (pfns), valid in FS_FREE */
	uint8_t order;       /* block order, valid in FS_FREE / FS_USED */
	uint8_t state;       /* enum frame_state */
};

_Static_assert(sizeof(struct frame_meta) <= 12, "frame metadata too large");
_Static_assert(sizeof(size_t) >= 8, "metadata sizes need a 64-bit size_t");
_Static_assert(FRAME_SIZE == 1 << FRAME_SHIFT, "FRAME_SIZE/SHIFT mismatch");
_Static_assert((FRAME_PHYS_LIMIT >> FRAME_SHIFT) - 1 <= UINT32_MAX,
	       "pfns must fit the 32-bit links");

#define FRAME_MASK ((uint64_t)FRAME_SIZE - 1)

static inline uint64_t order_frames(unsigned order)
{
	return 1ULL << order;
}

static inline struct frame_meta *meta_of(const struct frame_alloc *fa,
					 uint64_t pfn)
{
	return &fa->meta[pfn];
}

/* ---- free lists ------------------------------------------------------ */

/* Push pfn at the head of free list `order`: recently freed blocks are
 * handed out first, which keeps the working set small. */
static void list_push(struct frame_alloc *fa, uint64_t pfn, unsigned order)
{
	struct frame_meta *m = meta_of(fa, pfn);

	if (fa->free_blocks[order] == 0) {
		m->next = m->prev = (uint32_t)pfn;
	} else {
		uint32_t h = fa->head[order];
		struct frame_meta *hm = meta_of(fa, h);
		uint32_t t = hm->prev;

		m->next = h;
		m->prev = t;
		meta_of(fa, t)->next = (uint32_t)pfn;
		hm->prev = (uint32_t)pfn;
	}
	fa->head[order] = (uint32_t)pfn;
	fa->free_blocks[order]++;
}

/* Unlink pfn (known to be on free list `order`) in O(1). */
static void list_remove(struct frame_alloc *fa, uint64_t pfn, unsigned order)
{
	struct frame_meta *m = meta_of(fa, pfn);

	if (fa->free_blocks[order] > 1) {
		meta_of(fa, m->prev)->next = m->next;
		meta_of(fa, m->next)->prev = m->prev;
		if (fa->head[order] == pfn)
			fa->head[order] = m->next;
	}
	fa->free_blocks[order]--;
}

/* Mark pfn as the head of a free block and put it on its list. */
static void add_free_block(struct frame_alloc *fa, uint64_t pfn,
			   unsigned order)
{
	struct frame_meta *m = meta_of(fa, pfn);

	m->state = FS_FREE;
	m->order = (uint8_t)order;
	list_push(fa, pfn, order);
}

/* ---- initialisation -------------------------------------------------- */

size_t frame_meta_size(uint64_t max_phys)
{
	if (max_phys > FRAME_PHYS_LIMIT)
		max_phys = FRAME_PHYS_LIMIT;
	return (size_t)(max_phys >> FRAME_SHIFT) * sizeof(struct frame_meta);
}

/* Whole frames of a usable range, as [*first, *last) pfns: the base is
 * rounded up and the end down so a partial frame is never handed out.
 * Returns false if no whole frame remains. */
static bool usable_pfns(const struct mem_range *r, uint64_t *first,
			uint64_t *last)
{
	uint64_t end = r->end < FRAME_PHYS_LIMIT ? r->end : FRAME_PHYS_LIMIT;

	if (r->base >= end)
		return false;
	/* base < end <= 2^44, so rounding up cannot overflow. */
	*first = (r->base + FRAME_MASK) >> FRAME_SHIFT;
	*last = end >> FRAME_SHIFT;
	return *first < *last;
}

/* One past the highest usable pfn: the length of the metadata array. */
static uint64_t usable_nframes(const struct mem_range *usable, size_t n)
{
	uint64_t nframes = 0, first, last;

	for (size_t i = 0; i < n; i++)
		if (usable_pfns(&usable[i], &first, &last) && last > nframes)
			nframes = last;
	return nframes;
}

/* Mark every whole usable frame as managed (TAIL for now; heads are
 * chosen later).  Marking per frame makes overlapping and unsorted
 * ranges free to handle: the union simply falls out. */
static void mark_usable(struct frame_alloc *fa, const struct mem_range *usable,
			size_t n)
{
	uint64_t first, last;

	for (size_t i = 0; i < n; i++) {
		if (!usable_pfns(&usable[i], &first, &last))
			continue;
		for (uint64_t pfn = first; pfn < last; pfn++)
			meta_of(fa, pfn)->state = FS_TAIL;
	}
}

/* Unmanage every frame that a reserved range touches even partially
 * (base rounded down, end up): handing out a frame that overlaps, say,
 * the kernel image by one byte would be just as wrong as a full one. */
static void mark_reserved(struct frame_alloc *fa,
			  const struct mem_range *reserved, size_t n)
{
	uint64_t limit = fa->nframes << FRAME_SHIFT;

	for (size_t i = 0; i < n; i++) {
		uint64_t base = reserved[i].base, end = reserved[i].end;

		if (end > limit)
			end = limit;
		if (base >= end)
			continue;
		for (uint64_t pfn = base >> FRAME_SHIFT;
		     pfn < (end + FRAME_MASK) >> FRAME_SHIFT; pfn++)
			meta_of(fa, pfn)->state = FS_UNMANAGED;
	}
}

/* Largest order of a block that starts at pfn (natural alignment) and
 * fits in n >= 1 frames. */
static unsigned max_order_at(uint64_t pfn, uint64_t n)
{
	unsigned order = FRAME_MAX_ORDER;
	unsigned fit = 63 - (unsigned)__builtin_clzll(n);

	if (pfn != 0 && (unsigned)__builtin_ctzll(pfn) < order)
		order = (unsigned)__builtin_ctzll(pfn);
	return fit < order ? fit : order;
}

/* Cover the managed run [s, e) with maximal aligned blocks.  Greedy
 * carving yields exactly the fully coalesced state (no two free buddies),
 * which is what freeing everything later converges back to. */
static void carve_run(struct frame_alloc *fa, uint64_t s, uint64_t e)
{
	while (s < e) {
		unsigned order = max_order_at(s, e - s);

		add_free_block(fa, s, order);
		fa->free_frames += order_frames(order);
		s += order_frames(order);
	}
}

/* Find maximal runs of managed frames and turn each into free blocks. */
static void build_free_lists(struct frame_alloc *fa)
{
	uint64_t pfn = 0;

	while (pfn < fa->nframes) {
		if (meta_of(fa, pfn)->state != FS_TAIL) {
			pfn++;
			continue;
		}
		uint64_t s = pfn;
		while (pfn < fa->nframes && meta_of(fa, pfn)->state == FS_TAIL)
			pfn++;
		carve_run(fa, s, pfn);
	}
	fa->total_frames = fa->free_frames;
}

int frame_init(struct frame_alloc *fa, const struct mem_range *usable,
	       size_t n_usable, const struct mem_range *reserved,
	       size_t n_reserved, void *meta, size_t meta_size)
{
	uint64_t nframes = usable_nframes(usable, n_usable);

	/* Start empty so a failed init still yields a harmless allocator. */
	*fa = (struct frame_alloc){ 0 };
	if (meta_size < nframes * sizeof(struct frame_meta))
		return -1;
	if (nframes != 0 &&
	    (meta == NULL ||
	     (uintptr_t)meta % _Alignof(struct frame_meta) != 0))
		return -1;

	fa->meta = meta;
	fa->nframes = nframes;
	/* The buffer's previous contents are arbitrary: clear every entry
	 * so holes between usable ranges read as UNMANAGED. */
	for (uint64_t pfn = 0; pfn < nframes; pfn++)
		*meta_of(fa, pfn) = (struct frame_meta){ 0 };
	mark_usable(fa, usable, n_usable);
	mark_reserved(fa, reserved, n_reserved);
	build_free_lists(fa);
	return 0;
}

/* ---- allocation ------------------------------------------------------ */

static void check_order(unsigned order)
{
	if (order > FRAME_MAX_ORDER)
		panic("frame_alloc: invalid order %u (max %u)", order,
		      (unsigned)FRAME_MAX_ORDER);
}

/* Take the free block of order k at pfn and return its first 2^order
 * frames: keep the lower half, give each upper half back at the next
 * lower order.  Those halves were TAIL frames and become heads. */
static uint64_t take(struct frame_alloc *fa, uint64_t pfn, unsigned k,
		     unsigned order)
{
	list_remove(fa, pfn, k);
	while (k > order) {
		k--;
		add_free_block(fa, pfn + order_frames(k), k);
	}

	struct frame_meta *m = meta_of(fa, pfn);
	m->state = FS_USED;
	m->order = (uint8_t)order;
	fa->free_frames -= order_frames(order);
	fa->used_frames += order_frames(order);
	return pfn << FRAME_SHIFT;
}

uint64_t frame_alloc(struct frame_alloc *fa, unsigned order)
{
	unsigned k = order;

	check_order(order);
	while (k <= FRAME_MAX_ORDER && fa->free_blocks[k] == 0)
		k++;
	if (k > FRAME_MAX_ORDER)
		return FRAME_NONE;
	return take(fa, fa->head[k], k, order);
}

uint64_t frame_alloc_below(struct frame_alloc *fa, unsigned order,
			   uint64_t limit)
{
	uint64_t limit_pfn = limit >> FRAME_SHIFT;

	check_order(order);
	/* Smallest order first, so large low blocks are split last; each
	 * list is walked in full, which is fine for the few boot-time
	 * allocations this serves. */
	for (unsigned k = order; k <= FRAME_MAX_ORDER; k++) {
		uint64_t pfn = fa->head[k];
		for (uint64_t i = 0; i < fa->free_blocks[k]; i++) {
			if (pfn + order_frames(order) <= limit_pfn)
				return take(fa, pfn, k, order);
			pfn = meta_of(fa, pfn)->next;
		}
	}
	return FRAME_NONE;
}

/* Reject anything that is not exactly a block previously returned by
 * frame_alloc(fa, order).  Runs before any state changes so that a caught
 * panic (host tests) leaves the allocator intact. */
static void check_free(const struct frame_alloc *fa, uint64_t phys,
		       unsigned order)
{
	unsigned long long a = (unsigned long long)phys;

	if (order > FRAME_MAX_ORDER)
		panic("frame_free: invalid order %u (max %u): 0x%llx", order,
		      (unsigned)FRAME_MAX_ORDER, a);
	if (phys & ((order_frames(order) << FRAME_SHIFT) - 1))
		panic("frame_free: address not aligned to order: 0x%llx order %u",
		      a, order);

	uint64_t pfn = phys >> FRAME_SHIFT;
	if (pfn >= fa->nframes)
		panic("frame_free: foreign address beyond managed RAM (end 0x%llx): 0x%llx order %u",
		      (unsigned long long)(fa->nframes << FRAME_SHIFT), a,
		      order);

	const struct frame_meta *m = meta_of(fa, pfn);
	if (m->state == FS_UNMANAGED)
		panic("frame_free: foreign address in a hole or reserved range: 0x%llx order %u",
		      a, order);
	if (m->state != FS_USED)
		panic("frame_free: double free or never allocated: 0x%llx order %u",
		      a, order);
	if (m->order != order)
		panic("frame_free: order mismatch: 0x%llx freed with order %u, allocated with order %u",
		      a, order, (unsigned)m->order);
}

void frame_free(struct frame_alloc *fa, uint64_t phys, unsigned order)
{
	check_free(fa, phys, order);

	uint64_t pfn = phys >> FRAME_SHIFT;
	unsigned k = order;

	fa->free_frames += order_frames(order);
	fa->used_frames -= order_frames(order);

	/* Merge with the buddy while it is a whole free block of the same
	 * order.  A free buddy is by construction entirely managed, so this
	 * stops exactly at the largest fully managed aligned block. */
	while (k < FRAME_MAX_ORDER) {
		uint64_t buddy = pfn ^ order_frames(k);

		if (buddy >= fa->nframes)
			break;
		struct frame_meta *bm = meta_of(fa, buddy);
		if (bm->state != FS_FREE || bm->order != k)
			break;
		list_remove(fa, buddy, k);
		/* The higher half stops being a head. */
		meta_of(fa, pfn | order_frames(k))->state = FS_TAIL;
		pfn &= ~order_frames(k);
		k++;
	}
	add_free_block(fa, pfn, k);
}

bool frame_is_allocated(const struct frame_alloc *fa, uint64_t phys)
{
	uint64_t pfn = phys >> FRAME_SHIFT;

	if (phys & FRAME_MASK || pfn >= fa->nframes)
		return false;
	return meta_of(fa, pfn)->state == FS_USED;
}

/* ---- consistency check ----------------------------------------------- */

/* Walk free list `order`: exactly free_blocks[order] nodes, all FREE
 * heads of that order, with consistent back links.  Since every node's
 * next->prev points back at it, the walk cannot enter a cycle except
 * through the head, so "head not revisited early" means all distinct. */
static bool check_list(const struct frame_alloc *fa, unsigned order)
{
	uint64_t n = fa->free_blocks[order];

	if (n == 0)
		return true;
	uint64_t pfn = fa->head[order];
	for (uint64_t i = 0; i < n; i++) {
		if (pfn >= fa->nframes)
			return false;
		const struct frame_meta *m = meta_of(fa, pfn);
		if (m->state != FS_FREE || m->order != order ||
		    m->next >= fa->nframes ||
		    meta_of(fa, m->next)->prev != pfn)
			return false;
		pfn = m->next;
		if (pfn == fa->head[order])
			return i == n - 1; /* cycle closes after n steps */
	}
	return false;
}

/* Check the block headed by pfn: aligned, in range, body all TAIL, and
 * (for a free block) not mergeable with a free buddy. */
static bool check_block(const struct frame_alloc *fa, uint64_t pfn)
{
	const struct frame_meta *m = meta_of(fa, pfn);

	if (m->order > FRAME_MAX_ORDER)
		return false;
	uint64_t n = order_frames(m->order);
	if ((pfn & (n - 1)) || pfn + n > fa->nframes)
		return false;
	for (uint64_t i = 1; i < n; i++)
		if (meta_of(fa, pfn + i)->state != FS_TAIL)
			return false;
	if (m->state == FS_FREE && m->order < FRAME_MAX_ORDER) {
		uint64_t buddy = pfn ^ n;
		if (buddy < fa->nframes &&
		    meta_of(fa, buddy)->state == FS_FREE &&
		    meta_of(fa, buddy)->order == m->order)
			return false;
	}
	return true;
}

bool frame_check(const struct frame_alloc *fa)
{
	uint64_t blocks[FRAME_MAX_ORDER + 1] = { 0 };
	uint64_t free_frames = 0, used_frames = 0, pfn = 0;

	while (pfn < fa->nframes) {
		const struct frame_meta *m = meta_of(fa, pfn);

		if (m->state == FS_UNMANAGED) {
			pfn++;
			continue;
		}
		/* A TAIL here is not covered by any preceding head. */
		if (m->state == FS_TAIL || !check_block(fa, pfn))
			return false;
		if (m->state == FS_FREE) {
			blocks[m->order]++;
			free_frames += order_frames(m->order);
		} else {
			used_frames += order_frames(m->order);
		}
		pfn += order_frames(m->order);
	}
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		if (blocks[k] != fa->free_blocks[k] || !check_list(fa, k))
			return false;
	return free_frames == fa->free_frames &&
	       used_frames == fa->used_frames &&
	       free_frames + used_frames == fa->total_frames;
}
