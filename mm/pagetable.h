/*
 * A 4-level radix page-table builder shared by the hypervisor's own page
 * tables (x86-64 paging, SDM Vol. 3A 4.5) and the guests' EPT (SDM Vol.
 * 3C 29.3).  The two formats agree on everything this code touches: 512
 * 8-byte entries per 4 KiB table, the next table / page frame in bits
 * 51:12, and bit 7 marking a 2 MiB or 1 GiB leaf.  They differ in which
 * bits mean "present" and what a non-leaf entry carries; struct
 * pt_format holds that difference.
 *
 * Pure code: it reaches table memory only through struct pt_mem, so the
 * same file runs over fake memory in tests/test_pagetable.c.
 */
#ifndef TERN_MM_PAGETABLE_H
#define TERN_MM_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

#define PT_ENTRIES      512
#define PT_LEVELS       4
#define PT_LARGE        (1ull << 7)          /* PS bit of a PDPTE/PDE leaf */
#define PT_ADDR_MASK    0x000FFFFFFFFFF000ull

/* Bytes mapped by one entry at level 1 (4 KiB), 2 (2 MiB), 3 (1 GiB). */
#define PT_LEVEL_SIZE(level) (1ull << (12 + 9 * ((level) - 1)))

struct pt_format {
	uint64_t present_mask;   /* any of these bits set = entry in use */
	uint64_t table_flags;    /* flags of an entry pointing to a table */
	uint64_t leaf_ram;       /* flags of a leaf mapping ordinary RAM */
	uint64_t leaf_rom;       /* the same, read-only (a guest's BIOS ROM) */
	uint64_t root_flags;     /* or'ed into the root's address for the CPU */
};

struct pt_mem {
	/* A fresh table's physical address, or 0 when out of memory. */
	uint64_t (*alloc_table)(void *ctx);
	void (*free_table)(void *ctx, uint64_t phys);
	/* Where the hypervisor (or the test) can read/write that table. */
	uint64_t *(*table_ptr)(void *ctx, uint64_t phys);
	void *ctx;
};

struct pagetable {
	const struct pt_format *fmt;
	const struct pt_mem *mem;
	uint64_t root;           /* physical address of the level-4 table */
	int max_leaf_level;      /* 1: 4 KiB only, 2: up to 2 MiB, 3: up to 1 GiB */
};

/* Allocate an empty root table.  Returns 0 or -1 (out of memory). */
int pt_create(struct pagetable *pt, const struct pt_format *fmt, const struct pt_mem *mem,
	      int max_leaf_level);
/* Free every table (never the mapped frames: their owner frees those). */
void pt_destroy(struct pagetable *pt);

/*
 * Map [va, va + size) to [pa, pa + size) with leaf flags `flags` (the
 * present/permission bits; PT_LARGE is added for large leaves), using the
 * largest pages that alignment, size and max_leaf_level allow.  A large
 * page that only partly overlaps the range is split first.  va, pa and
 * size must be 4 KiB aligned.  Returns 0, or -1 when a table could not be
 * allocated (what was mapped so far stays mapped).
 */
int pt_map(struct pagetable *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags);
/* Force a mapping of exactly one page at `level` (1..max_leaf_level). */
int pt_map_page(struct pagetable *pt, uint64_t va, uint64_t pa, int level, uint64_t flags);

/* Remove mappings in [va, va + size), splitting large pages at the edges.
 * va and size must be 4 KiB aligned.  Returns 0, or -1 when they are not
 * or a split could not allocate a table. */
int pt_unmap(struct pagetable *pt, uint64_t va, uint64_t size);

/* Translate va: returns true with *pa, the leaf's flags and level. */
bool pt_translate(const struct pagetable *pt, uint64_t va, uint64_t *pa, uint64_t *flags,
		  int *level);

/* If the table covering the level-`level` block at va holds 512 leaves of
 * one physically contiguous, suitably aligned run with equal flags,
 * replace it by one large leaf and free the table.  Returns true if it
 * merged.  level is 2 (make a 2 MiB page) or 3 (1 GiB), and at most
 * max_leaf_level. */
bool pt_merge(struct pagetable *pt, uint64_t va, int level);

/* Call fn for every leaf (for teardown of the frames a guest used). */
void pt_for_each_leaf(const struct pagetable *pt,
		      void (*fn)(void *arg, uint64_t va, uint64_t pa, int level, uint64_t flags),
		      void *arg);

#endif
