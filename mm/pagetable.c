#include "mm/pagetable.h"

#include <stddef.h>

#define FLAGS_MASK (~PT_ADDR_MASK)

static unsigned index_at(uint64_t va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

static uint64_t *table(const struct pagetable *pt, uint64_t phys)
{
	return pt->mem->table_ptr(pt->mem->ctx, phys);
}

static bool present(const struct pagetable *pt, uint64_t e)
{
	return (e & pt->fmt->present_mask) != 0;
}

static bool is_leaf(uint64_t e, int level)
{
	return level == 1 || (e & PT_LARGE);
}

/* A leaf's flags as a 4 KiB or large leaf wants them. */
static uint64_t leaf_flags(uint64_t flags, int level)
{
	flags &= FLAGS_MASK & ~PT_LARGE;
	return level > 1 ? flags | PT_LARGE : flags;
}

static uint64_t new_table(struct pagetable *pt)
{
	uint64_t phys = pt->mem->alloc_table(pt->mem->ctx);
	if (phys)
		__builtin_memset(table(pt, phys), 0, 4096);
	return phys;
}

int pt_create(struct pagetable *pt, const struct pt_format *fmt, const struct pt_mem *mem,
	      int max_leaf_level)
{
	pt->fmt = fmt;
	pt->mem = mem;
	pt->max_leaf_level = max_leaf_level;
	pt->root = new_table(pt);
	return pt->root ? 0 : -1;
}

/* Replace a large leaf by a table of 512 leaves one level down that map
 * the same memory with the same flags. */
static int split(struct pagetable *pt, uint64_t *entry, int level)
{
	uint64_t t = new_table(pt);
	uint64_t base = *entry & PT_ADDR_MASK & ~(PT_LEVEL_SIZE(level) - 1);
	uint64_t flags = *entry & FLAGS_MASK;

	if (!t)
		return -1;
	uint64_t *sub = table(pt, t);
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		sub[i] = (base + i * PT_LEVEL_SIZE(level - 1)) | leaf_flags(flags, level - 1);
	*entry = t | pt->fmt->table_flags;
	return 0;
}

/* The entry for va at `target` level, creating tables (and splitting
 * large pages) on the way down.  NULL when out of memory. */
static uint64_t *walk_create(struct pagetable *pt, uint64_t va, int target)
{
	uint64_t *t = table(pt, pt->root);

	for (int level = PT_LEVELS; level > target; level--) {
		uint64_t *e = &t[index_at(va, level)];
		if (!present(pt, *e)) {
			uint64_t n = new_table(pt);
			if (!n)
				return NULL;
			*e = n | pt->fmt->table_flags;
		} else if (is_leaf(*e, level) && split(pt, e, level)) {
			return NULL;
		}
		t = table(pt, *e & PT_ADDR_MASK);
	}
	return &t[index_at(va, target)];
}

static void free_subtree(struct pagetable *pt, uint64_t phys, int level)
{
	uint64_t *t = table(pt, phys);

	if (level > 1)
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			if (present(pt, t[i]) && !is_leaf(t[i], level))
				free_subtree(pt, t[i] & PT_ADDR_MASK, level - 1);
	pt->mem->free_table(pt->mem->ctx, phys);
}

int pt_map_page(struct pagetable *pt, uint64_t va, uint64_t pa, int level, uint64_t flags)
{
	uint64_t *e = walk_create(pt, va, level);

	if (!e)
		return -1;
	/* Replacing a table by a leaf: the table and its subtree go. */
	if (level > 1 && present(pt, *e) && !is_leaf(*e, level))
		free_subtree(pt, *e & PT_ADDR_MASK, level - 1);
	*e = (pa & PT_ADDR_MASK) | leaf_flags(flags, level);
	return 0;
}

static int best_level(const struct pagetable *pt, uint64_t va, uint64_t pa, uint64_t left)
{
	for (int level = pt->max_leaf_level; level > 1; level--) {
		uint64_t sz = PT_LEVEL_SIZE(level);
		if (!((va | pa) & (sz - 1)) && left >= sz)
			return level;
	}
	return 1;
}

int pt_map(struct pagetable *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	while (size) {
		int level = best_level(pt, va, pa, size);
		if (pt_map_page(pt, va, pa, level, flags))
			return -1;
		va += PT_LEVEL_SIZE(level);
		pa += PT_LEVEL_SIZE(level);
		size -= PT_LEVEL_SIZE(level);
	}
	return 0;
}

/* The present entry covering va and its level, or NULL. */
static uint64_t *walk_find(const struct pagetable *pt, uint64_t va, int *level_out)
{
	uint64_t *t = table(pt, pt->root);

	for (int level = PT_LEVELS; level >= 1; level--) {
		uint64_t *e = &t[index_at(va, level)];
		if (!present(pt, *e))
			return NULL;
		if (is_leaf(*e, level)) {
			*level_out = level;
			return e;
		}
		t = table(pt, *e & PT_ADDR_MASK);
	}
	return NULL;
}

int pt_unmap(struct pagetable *pt, uint64_t va, uint64_t size)
{
	if ((va | size) & (PT_LEVEL_SIZE(1) - 1))
		return -1;
	/* Count down the size rather than compare against va + size, which
	 * wraps to 0 for a range that ends at the top of the address space. */
	while (size) {
		int level = 0;
		uint64_t *e = walk_find(pt, va, &level);
		if (!e) {
			/* Nothing here: skip to the next 4 KiB page. */
			va += PT_LEVEL_SIZE(1);
			size -= PT_LEVEL_SIZE(1);
			continue;
		}
		uint64_t sz = PT_LEVEL_SIZE(level);
		if ((va & (sz - 1)) || size < sz) {
			/* Only part of this large page goes: split, then retry. */
			if (split(pt, e, level))
				return -1;
			continue;
		}
		*e = 0;
		va += sz;
		size -= sz;
	}
	return 0;
}

bool pt_translate(const struct pagetable *pt, uint64_t va, uint64_t *pa, uint64_t *flags,
		  int *level)
{
	int lvl = 0;
	uint64_t *e = walk_find(pt, va, &lvl);

	if (!e)
		return false;
	uint64_t sz = PT_LEVEL_SIZE(lvl);
	*pa = (*e & PT_ADDR_MASK & ~(sz - 1)) | (va & (sz - 1));
	*flags = *e & FLAGS_MASK;
	*level = lvl;
	return true;
}

bool pt_merge(struct pagetable *pt, uint64_t va, int level)
{
	uint64_t *t = table(pt, pt->root);
	uint64_t *e = NULL;

	if (level < 2 || level > pt->max_leaf_level)
		return false;   /* e.g. no 1 GiB leaves where the CPU has none */

	for (int l = PT_LEVELS; l >= level; l--) {
		e = &t[index_at(va, l)];
		if (!present(pt, *e) || is_leaf(*e, l))
			return false;
		if (l > level)
			t = table(pt, *e & PT_ADDR_MASK);
	}
	uint64_t sub_phys = *e & PT_ADDR_MASK;
	uint64_t *sub = table(pt, sub_phys);
	uint64_t first = sub[0];
	uint64_t base = first & PT_ADDR_MASK;
	if (!present(pt, first) || !is_leaf(first, level - 1) ||
	    (base & (PT_LEVEL_SIZE(level) - 1)))
		return false;
	for (unsigned i = 1; i < PT_ENTRIES; i++) {
		uint64_t want = (base + i * PT_LEVEL_SIZE(level - 1)) | (first & FLAGS_MASK);
		if (sub[i] != want)
			return false;
	}
	*e = base | leaf_flags(first & FLAGS_MASK, level);
	pt->mem->free_table(pt->mem->ctx, sub_phys);
	return true;
}

/* Addresses of the upper half (level-4 index 256 and up) are canonical:
 * bits 63:48 copy bit 47. */
static uint64_t canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16);
}

static void leaves_in(const struct pagetable *pt, uint64_t phys, int level, uint64_t va_base,
		      void (*fn)(void *, uint64_t, uint64_t, int, uint64_t), void *arg)
{
	uint64_t *t = table(pt, phys);

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = t[i];
		uint64_t va = canonical(va_base + i * PT_LEVEL_SIZE(level));
		if (!present(pt, e))
			continue;
		if (is_leaf(e, level))
			fn(arg, va, e & PT_ADDR_MASK, level, e & FLAGS_MASK);
		else
			leaves_in(pt, e & PT_ADDR_MASK, level - 1, va, fn, arg);
	}
}

void pt_for_each_leaf(const struct pagetable *pt,
		      void (*fn)(void *arg, uint64_t va, uint64_t pa, int level, uint64_t flags),
		      void *arg)
{
	leaves_in(pt, pt->root, PT_LEVELS, 0, fn, arg);
}

void pt_destroy(struct pagetable *pt)
{
	if (pt->root)
		free_subtree(pt, pt->root, PT_LEVELS);
	pt->root = 0;
}
