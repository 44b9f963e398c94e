/*
 * Host tests of mm/pagetable.c, the 4-level page-table builder shared by
 * the hypervisor's x86-64 page tables and the guests' EPT.
 *
 * Tables live in a fake physical memory: a pool of 4096-aligned pages
 * where page i has "physical address" 0x1000 * (i + 1), so 0 (out of
 * memory) is never a table.  The fake allocator hands pages out of a FIFO
 * free list, counts live tables, flags double frees, frees of unknown
 * addresses and accesses to tables that are not allocated, and (under
 * AddressSanitizer) poisons free pages so any use of a freed table is
 * caught.  An allocation budget makes it run out of memory on demand.
 *
 * Every behaviour is checked for both formats: x86 paging (present bit
 * 0, tables P|RW) and EPT (present = any of R/W/X, tables RWX).
 */
#define TEST_MAIN
#include "tests/test.h"
#include "mm/pagetable.h"

#include <stdbool.h>
#include <stdint.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)
#define PAGE 4096ull

/* ---- fake physical memory -------------------------------------------- */

struct fake {
	uint8_t *pool;
	size_t n;               /* pages in the pool */
	size_t *queue;          /* FIFO of free page indices */
	size_t q_head, q_len;
	bool *live;
	long live_count;
	long budget;            /* allocations still allowed; < 0: unlimited */
	int bad_free;           /* double free or unknown address */
	int bad_ptr;            /* table_ptr() of something not a live table */
};

static struct fake fm;

static uint64_t fake_alloc(void *ctx)
{
	struct fake *f = ctx;
	if (f->budget == 0 || f->q_len == 0)
		return 0;
	if (f->budget > 0)
		f->budget--;
	size_t i = f->queue[f->q_head];
	f->q_head = (f->q_head + 1) % f->n;
	f->q_len--;
	f->live[i] = true;
	f->live_count++;
	UNPOISON(f->pool + i * PAGE, PAGE);
	/* Garbage, so the module must clear a fresh table itself. */
	memset(f->pool + i * PAGE, 0x5a, PAGE);
	return PAGE * (i + 1);
}

static bool fake_index(const struct fake *f, uint64_t phys, size_t *i)
{
	if (phys == 0 || (phys & (PAGE - 1)) || phys / PAGE - 1 >= f->n)
		return false;
	*i = phys / PAGE - 1;
	return true;
}

static void fake_free(void *ctx, uint64_t phys)
{
	struct fake *f = ctx;
	size_t i;
	if (!fake_index(f, phys, &i) || !f->live[i]) {
		printf("  bad free_table(0x%llx)\n", (unsigned long long)phys);
		f->bad_free++;
		return;
	}
	f->live[i] = false;
	f->live_count--;
	memset(f->pool + i * PAGE, 0xdb, PAGE);
	POISON(f->pool + i * PAGE, PAGE);
	f->queue[(f->q_head + f->q_len) % f->n] = i;
	f->q_len++;
}

static uint64_t junk_page[512] __attribute__((aligned(4096)));

static uint64_t *fake_table(void *ctx, uint64_t phys)
{
	struct fake *f = ctx;
	size_t i;
	if (!fake_index(f, phys, &i) || !f->live[i]) {
		printf("  bad table_ptr(0x%llx)\n", (unsigned long long)phys);
		f->bad_ptr++;
		memset(junk_page, 0, sizeof junk_page);
		return junk_page;
	}
	return (uint64_t *)(f->pool + i * PAGE);
}

static const struct pt_mem fake_mem = { fake_alloc, fake_free, fake_table, &fm };

static void fake_release(void)
{
	if (fm.pool) {
		UNPOISON(fm.pool, fm.n * PAGE);
		free(fm.pool);
	}
	free(fm.queue);
	free(fm.live);
	memset(&fm, 0, sizeof fm);
}

static void fake_init(size_t pages)
{
	fake_release();
	fm.n = pages;
	fm.pool = aligned_alloc(PAGE, pages * PAGE);
	fm.queue = calloc(pages, sizeof *fm.queue);
	fm.live = calloc(pages, sizeof *fm.live);
	if (!fm.pool || !fm.queue || !fm.live) {
		printf("FAIL - %s: out of host memory\n", test_current);
		exit(1);
	}
	for (size_t i = 0; i < pages; i++)
		fm.queue[i] = i;
	fm.q_len = pages;
	fm.budget = -1;
	POISON(fm.pool, pages * PAGE);
}

/* ---- formats --------------------------------------------------------- */

static const struct pt_format x86_fmt = { .present_mask = 1, .table_flags = 3 };
static const struct pt_format ept_fmt = { .present_mask = 7, .table_flags = 7 };

#define X86_RW   0x3ull                         /* P | RW */
#define X86_RO   (0x1ull | (1ull << 63))        /* P | NX */
#define X86_USR  0x7ull                         /* P | RW | US */
#define EPT_WB   (6ull << 3)                    /* memory type WB, bits 5:3 */
#define EPT_RWX  (0x7ull | EPT_WB)
#define EPT_R    (0x1ull | EPT_WB | (1ull << 6))  /* read, WB, ignore PAT */
#define EPT_RX   (0x5ull | EPT_WB)

struct fmt_case {
	const char *name;
	const struct pt_format *fmt;
	uint64_t f1, f2, f3;    /* three different leaf flag sets */
};

static const struct fmt_case cases[] = {
	{ "x86", &x86_fmt, X86_RW, X86_RO, X86_USR },
	{ "ept", &ept_fmt, EPT_RWX, EPT_R, EPT_RX },
};

/* Run body(c) for both formats. */
#define FOR_BOTH(fn)                                  \
	do {                                          \
		for (size_t ci_ = 0; ci_ < 2; ci_++) { \
			fn(&cases[ci_]);              \
			if (test_failed_flag) {        \
				printf("  (format %s)\n", cases[ci_].name); \
				return;                \
			}                              \
		}                                      \
	} while (0)

static struct pagetable pt;

static bool make(const struct fmt_case *c, int max_level, size_t pool_pages)
{
	fake_init(pool_pages);
	memset(&pt, 0, sizeof pt);
	return pt_create(&pt, c->fmt, &fake_mem, max_level) == 0;
}

/* The flags translate() reports for a leaf mapped with `flags` at level. */
static uint64_t leaf(uint64_t flags, int level)
{
	return level > 1 ? flags | PT_LARGE : flags;
}

/* va translates to pa with the given flags and level (checks the first
 * and last byte of the 4 KiB page at va). */
#define XLATE(va, want_pa, want_flags, want_level)                               \
	do {                                                                      \
		uint64_t pa_ = 0, fl_ = 0;                                         \
		int lv_ = 0;                                                       \
		bool ok_ = pt_translate(&pt, (va), &pa_, &fl_, &lv_);              \
		if (!ok_ || pa_ != (uint64_t)(want_pa) || fl_ != (uint64_t)(want_flags) || \
		    lv_ != (want_level))                                           \
			printf("  va 0x%llx: ok %d pa 0x%llx flags 0x%llx level %d\n", \
			       (unsigned long long)(va), ok_, (unsigned long long)pa_, \
			       (unsigned long long)fl_, lv_);                      \
		CHECK(ok_);                                                        \
		CHECK(pa_ == (uint64_t)(want_pa));                                 \
		CHECK(fl_ == (uint64_t)(want_flags));                              \
		CHECK(lv_ == (want_level));                                        \
		CHECK(pt_translate(&pt, (va) + PAGE - 1, &pa_, &fl_, &lv_));       \
		CHECK(pa_ == (uint64_t)(want_pa) + PAGE - 1);                      \
	} while (0)

#define UNMAPPED(va)                                                             \
	do {                                                                      \
		uint64_t pa_, fl_;                                                 \
		int lv_;                                                           \
		CHECK(!pt_translate(&pt, (va), &pa_, &fl_, &lv_));                 \
	} while (0)

/* Every table freed exactly once, nothing touched after being freed. */
#define CLEAN_DESTROY()                                  \
	do {                                             \
		pt_destroy(&pt);                         \
		CHECK(pt.root == 0);                     \
		CHECK(fm.live_count == 0);               \
		CHECK(fm.bad_free == 0);                 \
		CHECK(fm.bad_ptr == 0);                  \
	} while (0)

/* ---- leaves ---------------------------------------------------------- */

#define MAX_LEAVES 4096

struct leaf_rec {
	uint64_t va, pa, flags;
	int level;
};

struct leaves {
	size_t n;               /* all leaves seen, even beyond MAX_LEAVES */
	size_t per_level[PT_LEVELS + 1];
	struct leaf_rec rec[MAX_LEAVES];
};

static struct leaves lv;

static void leaf_cb(void *arg, uint64_t va, uint64_t pa, int level, uint64_t flags)
{
	struct leaves *l = arg;
	if (l->n < MAX_LEAVES)
		l->rec[l->n] = (struct leaf_rec){ va, pa, flags, level };
	l->n++;
	if (level >= 1 && level <= PT_LEVELS)
		l->per_level[level]++;
}

static void collect_leaves(void)
{
	memset(&lv, 0, sizeof lv);
	pt_for_each_leaf(&pt, leaf_cb, &lv);
}

static const struct leaf_rec *leaf_at(uint64_t va)
{
	for (size_t i = 0; i < lv.n && i < MAX_LEAVES; i++)
		if (lv.rec[i].va == va)
			return &lv.rec[i];
	return NULL;
}

/* ---- basic mapping --------------------------------------------------- */

static void t_create_empty(const struct fmt_case *c)
{
	CHECK(make(c, 3, 8));
	CHECK(pt.root != 0);
	CHECK(fm.live_count == 1);
	UNMAPPED(0);
	UNMAPPED(GiB(1));
	collect_leaves();
	CHECK(lv.n == 0);
	CLEAN_DESTROY();
}

TEST(pt_create_empty_table)
{
	FOR_BOTH(t_create_empty);
}

static void t_map_4k(const struct fmt_case *c)
{
	const uint64_t va = 0x400000, pa = 0x12345000;

	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, va, pa, 16 * PAGE, c->f1) == 0);
	/* Root, PDPT, PD, PT. */
	CHECK(fm.live_count == 4);
	for (uint64_t i = 0; i < 16; i++)
		XLATE(va + i * PAGE, pa + i * PAGE, c->f1, 1);
	/* Inside a page: the offset carries over. */
	{
		uint64_t p, f;
		int l;
		CHECK(pt_translate(&pt, va + 3 * PAGE + 0x123, &p, &f, &l));
		CHECK(p == pa + 3 * PAGE + 0x123);
	}
	UNMAPPED(va - PAGE);
	UNMAPPED(va + 16 * PAGE);
	UNMAPPED(0);
	collect_leaves();
	CHECK(lv.n == 16);
	CHECK(lv.per_level[1] == 16);
	for (uint64_t i = 0; i < 16; i++) {
		const struct leaf_rec *r = leaf_at(va + i * PAGE);
		CHECK(r && r->pa == pa + i * PAGE && r->level == 1 && r->flags == c->f1);
	}
	CLEAN_DESTROY();
}

TEST(pt_map_4k_pages_and_translate)
{
	FOR_BOTH(t_map_4k);
}

static void t_map_page_single(const struct fmt_case *c)
{
	CHECK(make(c, 3, 16));
	CHECK(pt_map_page(&pt, 0x7000, 0x99000, 1, c->f2) == 0);
	XLATE(0x7000, 0x99000, c->f2, 1);
	CHECK(pt_map_page(&pt, MiB(4), MiB(10), 2, c->f1) == 0);
	XLATE(MiB(4), MiB(10), leaf(c->f1, 2), 2);
	XLATE(MiB(6) - PAGE, MiB(12) - PAGE, leaf(c->f1, 2), 2);
	UNMAPPED(MiB(6));
	CHECK(pt_map_page(&pt, GiB(3), GiB(7), 3, c->f3) == 0);
	XLATE(GiB(3), GiB(7), leaf(c->f3, 3), 3);
	XLATE(GiB(4) - PAGE, GiB(8) - PAGE, leaf(c->f3, 3), 3);
	UNMAPPED(GiB(4));
	CLEAN_DESTROY();
}

TEST(pt_map_page_each_level)
{
	FOR_BOTH(t_map_page_single);
}

/* The raw entries: tables carry table_flags, leaves their flags, large
 * leaves PT_LARGE. */
static void t_raw_entries(const struct fmt_case *c)
{
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, GiB(1) + MiB(2), MiB(8), MiB(2) + PAGE, c->f1) == 0);
	uint64_t *pml4 = fake_table(&fm, pt.root);
	uint64_t e4 = pml4[0];
	CHECK((e4 & ~PT_ADDR_MASK) == c->fmt->table_flags);
	uint64_t *pdpt = fake_table(&fm, e4 & PT_ADDR_MASK);
	for (int i = 0; i < 512; i++)
		CHECK(i == 1 || pdpt[i] == 0);
	CHECK((pdpt[1] & ~PT_ADDR_MASK) == c->fmt->table_flags);
	uint64_t *pd = fake_table(&fm, pdpt[1] & PT_ADDR_MASK);
	CHECK(pd[1] == (MiB(8) | c->f1 | PT_LARGE));
	CHECK((pd[2] & ~PT_ADDR_MASK) == c->fmt->table_flags);
	uint64_t *ptab = fake_table(&fm, pd[2] & PT_ADDR_MASK);
	CHECK(ptab[0] == (MiB(10) | c->f1));
	for (int i = 1; i < 512; i++)
		CHECK(ptab[i] == 0);
	CHECK(fm.bad_ptr == 0);
	CLEAN_DESTROY();
}

TEST(pt_raw_entry_encoding)
{
	FOR_BOTH(t_raw_entries);
}

/* ---- choice of page sizes -------------------------------------------- */

static void t_sizes_level3(const struct fmt_case *c)
{
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, 0, 0, GiB(1) + MiB(2) + PAGE, c->f1) == 0);
	collect_leaves();
	CHECK(lv.n == 3);
	CHECK(lv.per_level[3] == 1 && lv.per_level[2] == 1 && lv.per_level[1] == 1);
	CHECK(leaf_at(0) && leaf_at(0)->level == 3);
	CHECK(leaf_at(GiB(1)) && leaf_at(GiB(1))->level == 2);
	CHECK(leaf_at(GiB(1) + MiB(2)) && leaf_at(GiB(1) + MiB(2))->level == 1);
	XLATE(0, 0, leaf(c->f1, 3), 3);
	XLATE(GiB(1) - PAGE, GiB(1) - PAGE, leaf(c->f1, 3), 3);
	XLATE(GiB(1) + MiB(1), GiB(1) + MiB(1), leaf(c->f1, 2), 2);
	XLATE(GiB(1) + MiB(2), GiB(1) + MiB(2), c->f1, 1);
	UNMAPPED(GiB(1) + MiB(2) + PAGE);
	/* Root, PDPT, PD, PT. */
	CHECK(fm.live_count == 4);
	CLEAN_DESTROY();
}

TEST(pt_map_picks_1g_2m_4k)
{
	FOR_BOTH(t_sizes_level3);
}

static void t_sizes_level2(const struct fmt_case *c)
{
	CHECK(make(c, 2, 16));
	CHECK(pt_map(&pt, 0, 0, GiB(1) + MiB(2) + PAGE, c->f1) == 0);
	collect_leaves();
	CHECK(lv.n == 514);
	CHECK(lv.per_level[3] == 0 && lv.per_level[2] == 513 && lv.per_level[1] == 1);
	XLATE(GiB(1) - PAGE, GiB(1) - PAGE, leaf(c->f1, 2), 2);
	XLATE(GiB(1) + MiB(2), GiB(1) + MiB(2), c->f1, 1);
	/* Root, PDPT, two PDs, PT. */
	CHECK(fm.live_count == 5);
	CLEAN_DESTROY();
}

TEST(pt_map_max_level_2_never_1g)
{
	FOR_BOTH(t_sizes_level2);
}

static void t_sizes_level1(const struct fmt_case *c)
{
	CHECK(make(c, 1, 16));
	CHECK(pt_map(&pt, 0, GiB(2), MiB(4) + PAGE, c->f2) == 0);
	collect_leaves();
	CHECK(lv.n == 1025);
	CHECK(lv.per_level[1] == 1025);
	XLATE(MiB(2), GiB(2) + MiB(2), c->f2, 1);
	XLATE(MiB(4), GiB(2) + MiB(4), c->f2, 1);
	/* Root, PDPT, PD, three PTs. */
	CHECK(fm.live_count == 6);
	CLEAN_DESTROY();
}

TEST(pt_map_max_level_1_only_4k)
{
	FOR_BOTH(t_sizes_level1);
}

static void t_sizes_alignment(const struct fmt_case *c)
{
	/* va and pa 2 MiB aligned but pa not 1 GiB aligned: 2 MiB pages. */
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, GiB(1), GiB(1) + MiB(2), GiB(1), c->f1) == 0);
	collect_leaves();
	CHECK(lv.n == 512 && lv.per_level[2] == 512);
	XLATE(GiB(2) - PAGE, GiB(2) + MiB(2) - PAGE, leaf(c->f1, 2), 2);
	CLEAN_DESTROY();

	/* pa only 4 KiB aligned: 4 KiB pages although va is 2 MiB aligned. */
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, MiB(2), MiB(2) + PAGE, MiB(2), c->f1) == 0);
	collect_leaves();
	CHECK(lv.n == 512 && lv.per_level[1] == 512);
	CLEAN_DESTROY();

	/* Unaligned start and end: 4 KiB up to the first 2 MiB boundary,
	 * 2 MiB pages, then 4 KiB again. */
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, MiB(2) - 2 * PAGE, MiB(6) - 2 * PAGE, MiB(4) + 3 * PAGE, c->f3) == 0);
	collect_leaves();
	CHECK(lv.n == 2 + 2 + 1);
	CHECK(lv.per_level[1] == 3 && lv.per_level[2] == 2);
	XLATE(MiB(2) - PAGE, MiB(6) - PAGE, c->f3, 1);
	XLATE(MiB(2), MiB(6), leaf(c->f3, 2), 2);
	XLATE(MiB(6) - PAGE, MiB(10) - PAGE, leaf(c->f3, 2), 2);
	XLATE(MiB(6), MiB(10), c->f3, 1);
	UNMAPPED(MiB(6) + PAGE);
	UNMAPPED(MiB(2) - 3 * PAGE);
	CLEAN_DESTROY();

	/* Exactly 2 MiB minus a page: never a 2 MiB leaf. */
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, 0, 0, MiB(2) - PAGE, c->f1) == 0);
	collect_leaves();
	CHECK(lv.n == 511 && lv.per_level[1] == 511);
	CLEAN_DESTROY();
}

TEST(pt_map_page_size_follows_alignment_and_size)
{
	FOR_BOTH(t_sizes_alignment);
}

/* ---- splitting ------------------------------------------------------- */

static void t_split_2m(const struct fmt_case *c)
{
	const uint64_t va = MiB(2), pa = GiB(1) + MiB(6);

	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, va, pa, MiB(2), c->f1) == 0);
	long before = fm.live_count;
	CHECK(pt_map(&pt, va + 5 * PAGE, 0x777000, PAGE, c->f2) == 0);
	CHECK(fm.live_count == before + 1);
	XLATE(va + 5 * PAGE, 0x777000, c->f2, 1);
	for (uint64_t i = 0; i < 512; i++)
		if (i != 5)
			XLATE(va + i * PAGE, pa + i * PAGE, c->f1, 1);
	UNMAPPED(va + MiB(2));
	UNMAPPED(va - PAGE);
	collect_leaves();
	CHECK(lv.n == 512 && lv.per_level[1] == 512);
	CLEAN_DESTROY();
}

TEST(pt_map_4k_inside_2m_splits)
{
	FOR_BOTH(t_split_2m);
}

static void t_split_1g(const struct fmt_case *c)
{
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, 0, GiB(4), GiB(1), c->f1) == 0);
	/* A 2 MiB page, then a 4 KiB page, inside the 1 GiB page. */
	CHECK(pt_map_page(&pt, MiB(100), MiB(2), 2, c->f2) == 0);
	CHECK(pt_map(&pt, MiB(300) + PAGE, 0x5000, PAGE, c->f3) == 0);
	XLATE(MiB(100), MiB(2), leaf(c->f2, 2), 2);
	XLATE(MiB(300) + PAGE, 0x5000, c->f3, 1);
	XLATE(MiB(300), GiB(4) + MiB(300), c->f1, 1);
	XLATE(MiB(300) + 2 * PAGE, GiB(4) + MiB(300) + 2 * PAGE, c->f1, 1);
	XLATE(MiB(302), GiB(4) + MiB(302), leaf(c->f1, 2), 2);
	XLATE(0, GiB(4), leaf(c->f1, 2), 2);
	XLATE(GiB(1) - PAGE, GiB(5) - PAGE, leaf(c->f1, 2), 2);
	collect_leaves();
	CHECK(lv.per_level[3] == 0);
	CHECK(lv.per_level[2] == 511);
	CHECK(lv.per_level[1] == 512);
	/* Every leaf agrees with translate(). */
	for (size_t i = 0; i < lv.n; i++) {
		uint64_t p, f;
		int l;
		CHECK(pt_translate(&pt, lv.rec[i].va, &p, &f, &l));
		CHECK(p == lv.rec[i].pa && f == lv.rec[i].flags && l == lv.rec[i].level);
	}
	CLEAN_DESTROY();
}

TEST(pt_map_inside_1g_splits)
{
	FOR_BOTH(t_split_1g);
}

static void t_unmap_split(const struct fmt_case *c)
{
	const uint64_t va = MiB(4), pa = MiB(64);

	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, va, pa, MiB(2), c->f1) == 0);
	CHECK(pt_unmap(&pt, va + 16 * PAGE, 2 * PAGE) == 0);
	UNMAPPED(va + 16 * PAGE);
	UNMAPPED(va + 17 * PAGE);
	for (uint64_t i = 0; i < 512; i++)
		if (i != 16 && i != 17)
			XLATE(va + i * PAGE, pa + i * PAGE, c->f1, 1);
	collect_leaves();
	CHECK(lv.n == 510);
	CLEAN_DESTROY();

	/* The middle of a 1 GiB page: 2 MiB pieces stay 2 MiB, the edges
	 * become 4 KiB. */
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, GiB(1), GiB(2), GiB(1), c->f2) == 0);
	CHECK(pt_unmap(&pt, GiB(1) + MiB(2) + PAGE, MiB(4)) == 0);
	UNMAPPED(GiB(1) + MiB(2) + PAGE);
	UNMAPPED(GiB(1) + MiB(4));
	UNMAPPED(GiB(1) + MiB(6));
	XLATE(GiB(1) + MiB(2), GiB(2) + MiB(2), c->f2, 1);
	XLATE(GiB(1) + MiB(6) + PAGE, GiB(2) + MiB(6) + PAGE, c->f2, 1);
	XLATE(GiB(1) + MiB(8), GiB(2) + MiB(8), leaf(c->f2, 2), 2);
	XLATE(GiB(1), GiB(2), leaf(c->f2, 2), 2);
	collect_leaves();
	/* 512 - 3 two-MiB pieces touched; pieces 1 and 3 keep 1 + 511 pages. */
	CHECK(lv.per_level[2] == 509);
	CHECK(lv.per_level[1] == 1 + 511);
	CLEAN_DESTROY();
}

TEST(pt_unmap_part_of_large_page_splits)
{
	FOR_BOTH(t_unmap_split);
}

static void t_unmap_whole(const struct fmt_case *c)
{
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, MiB(2), MiB(2), MiB(6), c->f1) == 0);
	long before = fm.live_count;
	/* Whole 2 MiB leaves go without splitting. */
	CHECK(pt_unmap(&pt, MiB(4), MiB(2)) == 0);
	CHECK(fm.live_count == before);
	UNMAPPED(MiB(4));
	UNMAPPED(MiB(6) - PAGE);
	XLATE(MiB(4) - PAGE, MiB(4) - PAGE, leaf(c->f1, 2), 2);
	XLATE(MiB(6), MiB(6), leaf(c->f1, 2), 2);
	/* Everything. */
	CHECK(pt_unmap(&pt, 0, GiB(1)) == 0);
	collect_leaves();
	CHECK(lv.n == 0);
	CLEAN_DESTROY();
}

TEST(pt_unmap_whole_pages)
{
	FOR_BOTH(t_unmap_whole);
}

static void t_unmap_nothing(const struct fmt_case *c)
{
	CHECK(make(c, 3, 16));
	CHECK(pt_unmap(&pt, 0, MiB(4)) == 0);
	CHECK(pt_unmap(&pt, GiB(3), PAGE) == 0);
	CHECK(fm.live_count == 1);
	collect_leaves();
	CHECK(lv.n == 0);

	CHECK(pt_map(&pt, MiB(8), MiB(8), 4 * PAGE, c->f1) == 0);
	long before = fm.live_count;
	/* Around the mapping, and in the same page table. */
	CHECK(pt_unmap(&pt, MiB(8) - MiB(1), MiB(1)) == 0);
	CHECK(pt_unmap(&pt, MiB(8) + 4 * PAGE, MiB(1)) == 0);
	CHECK(pt_unmap(&pt, GiB(2), MiB(2)) == 0);
	CHECK(pt_unmap(&pt, MiB(8), 0) == 0);
	CHECK(fm.live_count == before);
	collect_leaves();
	CHECK(lv.n == 4);
	for (uint64_t i = 0; i < 4; i++)
		XLATE(MiB(8) + i * PAGE, MiB(8) + i * PAGE, c->f1, 1);
	CLEAN_DESTROY();
}

TEST(pt_unmap_unmapped_is_noop)
{
	FOR_BOTH(t_unmap_nothing);
}

/* ---- merging --------------------------------------------------------- */

/* 512 4 KiB pages at va -> pa, mapped one at a time. */
static int map_512(uint64_t va, uint64_t pa, uint64_t flags)
{
	for (uint64_t i = 0; i < 512; i++)
		if (pt_map_page(&pt, va + i * PAGE, pa + i * PAGE, 1, flags))
			return -1;
	return 0;
}

static void t_merge_2m(const struct fmt_case *c)
{
	const uint64_t va = MiB(2), pa = MiB(6);

	CHECK(make(c, 3, 16));
	CHECK(map_512(va, pa, c->f1) == 0);
	CHECK(fm.live_count == 4);
	CHECK(pt_merge(&pt, va + 17 * PAGE, 2));
	CHECK(fm.live_count == 3);
	XLATE(va, pa, leaf(c->f1, 2), 2);
	XLATE(va + MiB(2) - PAGE, pa + MiB(2) - PAGE, leaf(c->f1, 2), 2);
	collect_leaves();
	CHECK(lv.n == 1 && lv.per_level[2] == 1);
	/* Merging again: already a leaf. */
	CHECK(!pt_merge(&pt, va, 2));
	CHECK(fm.live_count == 3);
	CLEAN_DESTROY();

	/* Split by a 4 KiB remap, then restored: merges back. */
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, va, pa, MiB(2), c->f2) == 0);
	CHECK(pt_map(&pt, va + 100 * PAGE, 0x3000, PAGE, c->f1) == 0);
	CHECK(!pt_merge(&pt, va, 2));
	CHECK(pt_map(&pt, va + 100 * PAGE, pa + 100 * PAGE, PAGE, c->f2) == 0);
	long before = fm.live_count;
	CHECK(pt_merge(&pt, va, 2));
	CHECK(fm.live_count == before - 1);
	XLATE(va + 100 * PAGE, pa + 100 * PAGE, leaf(c->f2, 2), 2);
	CLEAN_DESTROY();
}

TEST(pt_merge_512_pages_into_2m)
{
	FOR_BOTH(t_merge_2m);
}

static void t_merge_1g(const struct fmt_case *c)
{
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, GiB(1), GiB(3), GiB(1), c->f1) == 0);
	/* Split the 1 GiB leaf into 512 2 MiB leaves by remapping one of
	 * them identically. */
	CHECK(pt_map_page(&pt, GiB(1) + MiB(10), GiB(3) + MiB(10), 2, c->f1) == 0);
	collect_leaves();
	CHECK(lv.per_level[2] == 512);
	long before = fm.live_count;
	CHECK(pt_merge(&pt, GiB(1) + MiB(500), 3));
	CHECK(fm.live_count == before - 1);
	XLATE(GiB(1), GiB(3), leaf(c->f1, 3), 3);
	XLATE(GiB(2) - PAGE, GiB(4) - PAGE, leaf(c->f1, 3), 3);
	collect_leaves();
	CHECK(lv.n == 1 && lv.per_level[3] == 1);
	CLEAN_DESTROY();

	/* One of the 512 entries is a table (split further): no merge. */
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, 0, 0, GiB(1), c->f1) == 0);
	CHECK(pt_map(&pt, MiB(2), MiB(2), PAGE, c->f1) == 0);
	before = fm.live_count;
	CHECK(!pt_merge(&pt, 0, 3));
	CHECK(fm.live_count == before);
	/* Merge the 4 KiB level first, then the 1 GiB one works. */
	CHECK(pt_merge(&pt, MiB(2), 2));
	CHECK(pt_merge(&pt, 0, 3));
	CHECK(fm.live_count == before - 2);
	XLATE(MiB(2), MiB(2), leaf(c->f1, 3), 3);
	CLEAN_DESTROY();
}

TEST(pt_merge_512_2m_into_1g)
{
	FOR_BOTH(t_merge_1g);
}

/* Build 512 good 4 KiB leaves at 2 MiB -> 8 MiB, spoil one, and require
 * that merge refuses and changes nothing. */
static void t_merge_refuses(const struct fmt_case *c)
{
	const uint64_t va = MiB(2), pa = MiB(8);

	for (int kind = 0; kind < 5; kind++) {
		CHECK(make(c, 3, 16));
		uint64_t base = kind == 4 ? pa + PAGE : pa;   /* 4: misaligned run */
		CHECK(map_512(va, base, c->f1) == 0);
		switch (kind) {
		case 0:     /* flags differ in one entry */
			CHECK(pt_map_page(&pt, va + 300 * PAGE, base + 300 * PAGE, 1, c->f2) == 0);
			break;
		case 1:     /* address out of sequence in one entry */
			CHECK(pt_map_page(&pt, va + 511 * PAGE, base + 512 * PAGE, 1, c->f1) == 0);
			break;
		case 2:     /* one entry missing */
			CHECK(pt_unmap(&pt, va + 7 * PAGE, PAGE) == 0);
			break;
		case 3:     /* the first entry missing */
			CHECK(pt_unmap(&pt, va, PAGE) == 0);
			break;
		case 4:
			break;
		}
		collect_leaves();
		size_t n = lv.n;
		long before = fm.live_count;
		if (pt_merge(&pt, va, 2))
			printf("  merged case %d\n", kind);
		CHECK(!pt_merge(&pt, va, 2));
		CHECK(fm.live_count == before);
		collect_leaves();
		CHECK(lv.n == n);
		CHECK(lv.per_level[2] == 0);
		XLATE(va + 1 * PAGE, base + 1 * PAGE, c->f1, 1);
		CLEAN_DESTROY();
	}

	/* Nothing mapped there at all. */
	CHECK(make(c, 3, 16));
	CHECK(!pt_merge(&pt, va, 2));
	CHECK(!pt_merge(&pt, va, 3));
	CHECK(fm.live_count == 1);
	CLEAN_DESTROY();

	/* Misaligned 2 MiB leaves cannot form a 1 GiB page. */
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, 0, MiB(2), GiB(1), c->f1) == 0);
	CHECK(!pt_merge(&pt, 0, 3));
	XLATE(0, MiB(2), leaf(c->f1, 2), 2);
	CLEAN_DESTROY();
}

TEST(pt_merge_refuses_irregular_runs)
{
	FOR_BOTH(t_merge_refuses);
}

/* ---- remapping --------------------------------------------------------- */

static void t_remap(const struct fmt_case *c)
{
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, 0x10000, 0x20000, PAGE, c->f1) == 0);
	long before = fm.live_count;
	CHECK(pt_map(&pt, 0x10000, 0x30000, PAGE, c->f2) == 0);
	CHECK(fm.live_count == before);
	XLATE(0x10000, 0x30000, c->f2, 1);

	/* A 2 MiB leaf gets new flags in place. */
	CHECK(pt_map(&pt, MiB(4), MiB(4), MiB(2), c->f1) == 0);
	before = fm.live_count;
	CHECK(pt_map(&pt, MiB(4), MiB(4), MiB(2), c->f3) == 0);
	CHECK(fm.live_count == before);
	XLATE(MiB(5), MiB(5), leaf(c->f3, 2), 2);

	/* A 2 MiB range of 4 KiB pages replaced by one 2 MiB leaf: the page
	 * table it replaces is freed. */
	CHECK(pt_map(&pt, MiB(8), GiB(1), MiB(2) - PAGE, c->f1) == 0);
	before = fm.live_count;
	CHECK(pt_map(&pt, MiB(8), MiB(8), MiB(2), c->f2) == 0);
	CHECK(fm.live_count == before - 1);
	XLATE(MiB(8), MiB(8), leaf(c->f2, 2), 2);
	collect_leaves();
	CHECK(lv.per_level[1] == 1 && lv.per_level[2] == 2);
	CHECK(fm.bad_free == 0 && fm.bad_ptr == 0);

	/* A 1 GiB leaf replacing a subtree of several levels. */
	CHECK(pt_map(&pt, 0, 0, GiB(1), c->f3) == 0);
	CHECK(fm.live_count == 2);      /* root and PDPT */
	collect_leaves();
	CHECK(lv.n == 1 && lv.per_level[3] == 1);
	CLEAN_DESTROY();
}

TEST(pt_remap_with_new_flags)
{
	FOR_BOTH(t_remap);
}

/* ---- out of memory ------------------------------------------------------ */

static void t_oom(const struct fmt_case *c)
{
	/* Not even a root. */
	fake_init(4);
	fm.budget = 0;
	memset(&pt, 0, sizeof pt);
	CHECK(pt_create(&pt, c->fmt, &fake_mem, 3) == -1);
	CHECK(fm.live_count == 0);

	/* Root only: a 4 KiB mapping needs three more tables. */
	CHECK(make(c, 3, 16));
	fm.budget = 2;
	CHECK(pt_map(&pt, MiB(2), MiB(2), PAGE, c->f1) == -1);
	UNMAPPED(MiB(2));
	fm.budget = -1;
	CHECK(pt_map(&pt, MiB(2), MiB(2), PAGE, c->f1) == 0);
	XLATE(MiB(2), MiB(2), c->f1, 1);
	CLEAN_DESTROY();

	/* The pool itself runs dry (no budget): 3 pages = root, PDPT, PD. */
	CHECK(make(c, 3, 3));
	CHECK(pt_map(&pt, 0, 0, MiB(2), c->f1) == 0);   /* one 2 MiB leaf */
	CHECK(pt_map(&pt, MiB(2), 0, PAGE, c->f1) == -1);
	CHECK(pt_map_page(&pt, MiB(4), 0, 1, c->f1) == -1);
	/* Splitting the 2 MiB page needs a table too. */
	CHECK(pt_map(&pt, PAGE, MiB(100), PAGE, c->f2) == -1);
	CHECK(pt_unmap(&pt, PAGE, PAGE) == -1);
	for (uint64_t i = 0; i < 512; i += 37)
		XLATE(i * PAGE, i * PAGE, leaf(c->f1, 2), 2);
	UNMAPPED(MiB(2));
	CLEAN_DESTROY();

	/* What was mapped before running out stays mapped. */
	CHECK(make(c, 1, 16));
	fm.budget = 4;       /* PDPT, PD and two page tables: 4 MiB of the 6 */
	CHECK(pt_map(&pt, 0, GiB(1), MiB(6), c->f1) == -1);
	XLATE(0, GiB(1), c->f1, 1);
	XLATE(MiB(4) - PAGE, GiB(1) + MiB(4) - PAGE, c->f1, 1);
	UNMAPPED(MiB(4));
	CHECK(fm.live_count == 5);
	CLEAN_DESTROY();
}

TEST(pt_out_of_memory)
{
	FOR_BOTH(t_oom);
}

/* ---- teardown ------------------------------------------------------------ */

static void t_destroy(const struct fmt_case *c)
{
	CHECK(make(c, 3, 64));
	/* Several PML4 slots, every level, split and merged tables. */
	CHECK(pt_map(&pt, 0, 0, GiB(2), c->f1) == 0);
	CHECK(pt_map(&pt, 0x1000, 0x9000, PAGE, c->f2) == 0);
	CHECK(pt_map(&pt, GiB(1) + MiB(2) + PAGE, 0x5000, PAGE, c->f2) == 0);
	CHECK(pt_map(&pt, 0x8000000000ull, GiB(6), MiB(4) + 3 * PAGE, c->f3) == 0);
	CHECK(pt_map(&pt, 0x7fffffe00000ull, GiB(9), MiB(2), c->f1) == 0);
	CHECK(pt_unmap(&pt, MiB(2) + PAGE, PAGE) == 0);
	CHECK(map_512(MiB(512), MiB(512), c->f1) == 0);
	CHECK(pt_merge(&pt, MiB(512), 2));
	CHECK(fm.live_count > 8);
	CHECK(fm.bad_free == 0 && fm.bad_ptr == 0);
	CLEAN_DESTROY();
}

TEST(pt_destroy_frees_every_table)
{
	FOR_BOTH(t_destroy);
}

/* ---- high addresses and clean addresses -------------------------------- */

static void t_high(const struct fmt_case *c)
{
	const uint64_t va = 0x7fffe00000ull, pa = 0x1234400000ull;

	CHECK(make(c, 3, 32));
	CHECK(pt_map(&pt, va, pa, MiB(2) + PAGE, c->f1) == 0);
	XLATE(va, pa, leaf(c->f1, 2), 2);
	XLATE(va + MiB(2) - PAGE, pa + MiB(2) - PAGE, leaf(c->f1, 2), 2);
	XLATE(va + MiB(2), pa + MiB(2), c->f1, 1);
	UNMAPPED(va - PAGE);
	UNMAPPED(va & 0xffffffffull);   /* the same address truncated to 32 bits */

	/* The top of the lower canonical half and the top of 52-bit physical
	 * addresses. */
	CHECK(pt_map(&pt, 0x7ffffffff000ull, 0xffffffffff000ull, PAGE, c->f2) == 0);
	XLATE(0x7ffffffff000ull, 0xffffffffff000ull, c->f2, 1);
	/* 1 GiB page above 4 GiB in both. */
	CHECK(pt_map(&pt, 0x400000000000ull, 0x80000000000ull, GiB(1), c->f3) == 0);
	XLATE(0x400000000000ull + GiB(1) - PAGE, 0x80000000000ull + GiB(1) - PAGE,
	      leaf(c->f3, 3), 3);

	collect_leaves();
	CHECK(lv.n == 4);
	CHECK(leaf_at(va) && leaf_at(va)->pa == pa && leaf_at(va)->level == 2);
	CHECK(leaf_at(0x7ffffffff000ull) && leaf_at(0x7ffffffff000ull)->pa == 0xffffffffff000ull);
	CHECK(leaf_at(0x400000000000ull) && leaf_at(0x400000000000ull)->level == 3);
	CLEAN_DESTROY();
}

TEST(pt_high_addresses)
{
	FOR_BOTH(t_high);
}

TEST(pt_ept_memory_type_does_not_leak_into_address)
{
	const struct fmt_case *c = &cases[1];
	const uint64_t fl = 0x7 | (6ull << 3) | (1ull << 6);   /* RWX, WB, ignore PAT */

	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, 0x3000, 0x7000, PAGE, fl) == 0);
	CHECK(pt_map(&pt, MiB(2), MiB(4), MiB(2), fl) == 0);
	CHECK(pt_map(&pt, GiB(1), GiB(2), GiB(1), fl) == 0);

	uint64_t p, f;
	int l;
	CHECK(pt_translate(&pt, 0x3000 + 0x18, &p, &f, &l));
	CHECK(p == 0x7018);
	CHECK(f == fl && ((f >> 3) & 7) == 6 && l == 1);
	CHECK(pt_translate(&pt, MiB(2) + 0x12345, &p, &f, &l));
	CHECK(p == MiB(4) + 0x12345);
	CHECK(f == (fl | PT_LARGE) && l == 2);
	CHECK(pt_translate(&pt, GiB(1) + 0x3fff8, &p, &f, &l));
	CHECK(p == GiB(2) + 0x3fff8);
	CHECK(f == (fl | PT_LARGE) && l == 3);

	collect_leaves();
	CHECK(lv.n == 3);
	for (size_t i = 0; i < lv.n; i++) {
		CHECK((lv.rec[i].pa & ~PT_ADDR_MASK) == 0);
		CHECK(((lv.rec[i].flags >> 3) & 7) == 6);
	}

	/* The memory type survives a split. */
	CHECK(pt_map(&pt, MiB(2), 0x1000, PAGE, 0x7 | (0ull << 3)) == 0);  /* UC page */
	XLATE(MiB(2), 0x1000, 0x7ull, 1);
	XLATE(MiB(2) + PAGE, MiB(4) + PAGE, fl, 1);
	CLEAN_DESTROY();
}

TEST(pt_x86_nx_does_not_leak_into_address)
{
	const struct fmt_case *c = &cases[0];
	const uint64_t fl = 0x3 | (1ull << 63);

	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, MiB(2), GiB(5), MiB(2), fl) == 0);
	XLATE(MiB(2) + PAGE, GiB(5) + PAGE, fl | PT_LARGE, 2);
	collect_leaves();
	CHECK(lv.n == 1 && lv.rec[0].pa == GiB(5));
	CLEAN_DESTROY();
}

/* EPT: an entry with only W or only X set is present (present_mask 7),
 * an x86 entry without bit 0 is not, whatever else it holds. */
TEST(pt_present_mask_per_format)
{
	CHECK(make(&cases[1], 3, 16));
	CHECK(pt_map(&pt, 0, 0x5000, PAGE, 0x4 | EPT_WB) == 0);   /* execute-only */
	XLATE(0, 0x5000, 0x4 | EPT_WB, 1);
	CLEAN_DESTROY();

	CHECK(make(&cases[0], 3, 16));
	CHECK(pt_map(&pt, 0, 0x5000, PAGE, 0x2) == 0);            /* RW, not present */
	UNMAPPED(0);
	collect_leaves();
	CHECK(lv.n == 0);
	/* 512 such not-present entries, otherwise a perfect run, are not
	 * leaves: nothing to merge. */
	CHECK(map_512(MiB(2), MiB(2), 0x2) == 0);
	long before = fm.live_count;
	CHECK(!pt_merge(&pt, MiB(2), 2));
	CHECK(fm.live_count == before);
	UNMAPPED(MiB(2));
	CLEAN_DESTROY();
}

/* The hypervisor lives in the top 2 GiB (KERNEL_VMA), so ranges there
 * must work, including ones that end exactly at 2^64. */
static void t_top_of_address_space(const struct fmt_case *c)
{
	const uint64_t kvma = 0xffffffff80000000ull;

	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, kvma, MiB(1), MiB(4), c->f1) == 0);
	XLATE(kvma, MiB(1), c->f1, 1);
	XLATE(kvma + MiB(4) - PAGE, MiB(5) - PAGE, c->f1, 1);
	CHECK(pt_map(&pt, 0xffffffffffe00000ull, MiB(8), MiB(2), c->f2) == 0);
	XLATE(0xffffffffffe00000ull, MiB(8), leaf(c->f2, 2), 2);
	XLATE(0xfffffffffffff000ull, MiB(10) - PAGE, leaf(c->f2, 2), 2);

	/* Unmapping the last page of the address space: va + size wraps
	 * to 0, which must not make the range empty. */
	CHECK(pt_unmap(&pt, 0xfffffffffffff000ull, PAGE) == 0);
	UNMAPPED(0xfffffffffffff000ull);
	XLATE(0xffffffffffffe000ull, MiB(10) - 2 * PAGE, c->f2, 1);
	CHECK(pt_unmap(&pt, 0xffffffffffe00000ull, MiB(2)) == 0);
	UNMAPPED(0xffffffffffe00000ull);
	UNMAPPED(0xffffffffffffe000ull);
	XLATE(kvma, MiB(1), c->f1, 1);
	CLEAN_DESTROY();
}

TEST(pt_top_of_address_space)
{
	FOR_BOTH(t_top_of_address_space);
}

/* Leaves in the upper half are reported at their canonical address;
 * merging respects max_leaf_level; unmap refuses unaligned ranges. */
static void t_walk_merge_limits(const struct fmt_case *c)
{
	CHECK(make(c, 3, 16));
	CHECK(pt_map(&pt, 0xffffffffffe00000ull, MiB(8), MiB(2), c->f2) == 0);
	collect_leaves();
	CHECK(lv.n == 1);
	CHECK(leaf_at(0xffffffffffe00000ull) != NULL);
	CHECK(pt_unmap(&pt, 0xffffffffffe00000ull, 100) == -1);
	CHECK(pt_unmap(&pt, 0xffffffffffe00800ull, PAGE) == -1);
	XLATE(0xffffffffffe00000ull, MiB(8), leaf(c->f2, 2), 2);
	CLEAN_DESTROY();

	/* 512 2 MiB leaves would make a 1 GiB one, but not at max level 2. */
	CHECK(make(c, 2, 16));
	CHECK(pt_map(&pt, 0, 0, GiB(1), c->f1) == 0);
	CHECK(!pt_merge(&pt, 0, 3));
	XLATE(0, 0, leaf(c->f1, 2), 2);
	CLEAN_DESTROY();
}

TEST(pt_walk_merge_limits)
{
	FOR_BOTH(t_walk_merge_limits);
}
