/*
 * Host unit tests for mm/frame.c, the buddy allocator of physical frames.
 *
 * The allocator only ever sees physical addresses as numbers, so these
 * tests can describe machines with RAM far above what the host has; only
 * the metadata buffer is real memory.  Every test compares the allocator
 * against an independent reference (which frames a map makes usable) and
 * calls frame_check() to validate the internal lists.
 */
#define TEST_MAIN
#include "tests/test.h"

#include <stdbool.h>
#include <stdint.h>

#include "mm/frame.h"

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- fixtures -------------------------------------------------------- */

struct map {
	const struct mem_range *usable;
	size_t n_usable;
	const struct mem_range *reserved;
	size_t n_reserved;
};

#define MAP(u, r) ((struct map){ (u), ARRAY_LEN(u), (r), ARRAY_LEN(r) })
#define MAP_NORES(u) ((struct map){ (u), ARRAY_LEN(u), NULL, 0 })

/* Host allocations of the current test.  A test that fails early returns
 * without cleaning up, so the next setup() releases them instead. */
static void *scratch[8];
static size_t n_scratch;

static void release_all(void)
{
	for (size_t i = 0; i < n_scratch; i++)
		free(scratch[i]);
	n_scratch = 0;
}

static void *tmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p) {
		printf("FAIL - %s: out of host memory\n", test_current);
		exit(1);
	}
	scratch[n_scratch++] = p;
	return p;
}

static uint64_t map_max_end(const struct map *m)
{
	uint64_t max = 0;
	for (size_t i = 0; i < m->n_usable; i++)
		if (m->usable[i].end > max)
			max = m->usable[i].end;
	return max;
}

/* Initialise fa over map m with a metadata buffer of exactly the
 * documented size, filled with garbage to prove init does not rely on
 * zeroed memory. */
static bool setup(struct frame_alloc *fa, const struct map *m)
{
	size_t size = frame_meta_size(map_max_end(m));
	void *meta;

	release_all();
	meta = tmalloc(size);
	memset(meta, 0xa5, size);
	return frame_init(fa, m->usable, m->n_usable, m->reserved,
			  m->n_reserved, meta, size) == 0;
}

/* Reference model, written independently of the allocator: a frame is
 * managed iff it lies entirely inside some usable range and overlaps no
 * reserved range. */
static bool ref_frame_managed(const struct map *m, uint64_t phys)
{
	bool in = false;

	for (size_t i = 0; i < m->n_usable; i++)
		if (m->usable[i].base <= phys &&
		    phys + FRAME_SIZE <= m->usable[i].end)
			in = true;
	if (!in)
		return false;
	for (size_t i = 0; i < m->n_reserved; i++)
		if (phys < m->reserved[i].end &&
		    m->reserved[i].base < phys + FRAME_SIZE)
			return false;
	return true;
}

static uint64_t ref_total_frames(const struct map *m)
{
	uint64_t n = 0, end = map_max_end(m);

	for (uint64_t p = 0; p + FRAME_SIZE <= end; p += FRAME_SIZE)
		n += ref_frame_managed(m, p);
	return n;
}

/* Statistics agree with each other. */
static bool counters_ok(const struct frame_alloc *fa)
{
	uint64_t sum = 0;

	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		sum += fa->free_blocks[k] << k;
	return sum == fa->free_frames &&
	       fa->free_frames + fa->used_frames == fa->total_frames;
}

/* Per-frame ownership map to prove blocks never overlap each other nor
 * unmanaged memory.  Returns false on the first violation. */
struct owner {
	const struct map *map;
	uint8_t *owned; /* by pfn */
	uint64_t nframes;
};

static void owner_init(struct owner *o, const struct map *m)
{
	o->map = m;
	o->nframes = map_max_end(m) >> FRAME_SHIFT;
	o->owned = tmalloc(o->nframes);
	memset(o->owned, 0, o->nframes);
}

static bool owner_claim(struct owner *o, uint64_t phys, unsigned order)
{
	uint64_t pfn = phys >> FRAME_SHIFT, n = 1ULL << order;

	if (phys & ((n << FRAME_SHIFT) - 1) || pfn + n > o->nframes)
		return false;
	for (uint64_t i = 0; i < n; i++) {
		if (o->owned[pfn + i] ||
		    !ref_frame_managed(o->map, (pfn + i) << FRAME_SHIFT))
			return false;
		o->owned[pfn + i] = 1;
	}
	return true;
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, good enough to shuffle. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

struct block {
	uint64_t phys;
	unsigned order;
};

static void shuffle(struct block *b, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rng() % i;
		struct block t = b[i - 1];
		b[i - 1] = b[j];
		b[j] = t;
	}
}

static bool same_free_blocks(const uint64_t *a, const uint64_t *b)
{
	return memcmp(a, b, sizeof(uint64_t) * (FRAME_MAX_ORDER + 1)) == 0;
}

/* Assert that the last panic message mentions `what` and address phys. */
static bool panic_says(const char *what, uint64_t phys)
{
	char addr[32];

	snprintf(addr, sizeof addr, "0x%llx", (unsigned long long)phys);
	return strstr(test_panic_msg, what) != NULL &&
	       strstr(test_panic_msg, addr) != NULL;
}

/* A QEMU-like PC map: low RAM, a hole for VGA/BIOS, RAM up to the PCI
 * hole at 3 GiB with the kernel reserved at 1..2 MiB, then RAM above
 * 4 GiB. */
static const struct mem_range qemu_usable[] = {
	{ 0, KiB(640) },
	{ MiB(1), GiB(3) },
	{ GiB(4), GiB(6) },
};
static const struct mem_range qemu_reserved[] = {
	{ MiB(1), MiB(2) },
};

/* ---- tests ----------------------------------------------------------- */

TEST(simple_map)
{
	static const struct mem_range u[] = { { 0, MiB(64) } };
	struct map m = MAP_NORES(u);
	struct frame_alloc fa;
	uint64_t init[FRAME_MAX_ORDER + 1];

	CHECK(setup(&fa, &m));
	CHECK(fa.total_frames == 16384);
	CHECK(fa.free_frames == 16384 && fa.used_frames == 0);
	/* 64 MiB at 0 is exactly one order-14 block. */
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		CHECK(fa.free_blocks[k] == (k == 14));
	CHECK(frame_check(&fa));
	memcpy(init, fa.free_blocks, sizeof init);

	uint64_t p = frame_alloc(&fa, 0);
	CHECK(p != FRAME_NONE && p < MiB(64) && (p & 0xfff) == 0);
	CHECK(frame_is_allocated(&fa, p));
	CHECK(fa.free_frames == 16383 && fa.used_frames == 1);
	/* Splitting 14 -> 0 leaves one free block at each order 0..13. */
	for (unsigned k = 0; k < 14; k++)
		CHECK(fa.free_blocks[k] == 1);
	CHECK(fa.free_blocks[14] == 0);
	CHECK(frame_check(&fa));

	frame_free(&fa, p, 0);
	CHECK(!frame_is_allocated(&fa, p));
	CHECK(same_free_blocks(fa.free_blocks, init));
	CHECK(fa.free_frames == 16384 && fa.used_frames == 0);
	CHECK(frame_check(&fa));
	release_all();
}

TEST(qemu_map_with_holes)
{
	struct map m = MAP(qemu_usable, qemu_reserved);
	struct frame_alloc fa;
	uint64_t expect[FRAME_MAX_ORDER + 1] = { 0 };

	CHECK(setup(&fa, &m));
	CHECK(fa.total_frames == ref_total_frames(&m));
	CHECK(fa.total_frames == 160 + (GiB(3) - MiB(2)) / 4096 + GiB(2) / 4096);
	/* [0,640K) = 128 + 32 frames; [2M,1G) = one block of each order
	 * 9..17; [1G,3G) and [4G,6G) = four 1 GiB blocks. */
	expect[7] = 1;
	expect[5] = 1;
	for (unsigned k = 9; k <= 17; k++)
		expect[k] = 1;
	expect[18] = 4;
	CHECK(same_free_blocks(fa.free_blocks, expect));
	CHECK(frame_check(&fa));

	/* Drain the large blocks: none may touch a hole or the kernel. */
	struct owner o;
	owner_init(&o, &m);
	uint64_t p;
	unsigned n1g = 0, n2m = 0;
	while ((p = frame_alloc(&fa, FRAME_ORDER_1G)) != FRAME_NONE) {
		CHECK(owner_claim(&o, p, FRAME_ORDER_1G));
		n1g++;
	}
	while ((p = frame_alloc(&fa, FRAME_ORDER_2M)) != FRAME_NONE) {
		CHECK(owner_claim(&o, p, FRAME_ORDER_2M));
		n2m++;
	}
	CHECK(n1g == 4);
	CHECK(n2m == 511); /* [2M, 1G) */
	CHECK(fa.free_frames == 160);
	CHECK(counters_ok(&fa) && frame_check(&fa));
	release_all();
}

TEST(ram_above_4g)
{
	static const struct mem_range u[] = {
		{ GiB(4), GiB(4) + MiB(32) },
		{ GiB(8) + MiB(2), GiB(8) + MiB(6) },
	};
	struct map m = MAP_NORES(u);
	struct frame_alloc fa;
	struct owner o;
	uint64_t p, n = 0;

	CHECK(setup(&fa, &m));
	CHECK(fa.total_frames == (MiB(32) + MiB(4)) / 4096);
	CHECK(fa.free_blocks[13] == 1); /* 32 MiB at 4 GiB */
	CHECK(fa.free_blocks[9] == 2); /* 8G+2M and 8G+4M */
	CHECK(frame_check(&fa));

	owner_init(&o, &m);
	while ((p = frame_alloc(&fa, 0)) != FRAME_NONE) {
		/* Catches any truncation of addresses to 32 bits. */
		CHECK(p >= GiB(4));
		CHECK(owner_claim(&o, p, 0));
		CHECK(frame_is_allocated(&fa, p));
		n++;
	}
	CHECK(n == fa.total_frames && fa.free_frames == 0);
	CHECK(frame_is_allocated(&fa, GiB(8) + MiB(6) - 4096));
	CHECK(frame_check(&fa));
	release_all();
}

TEST(unaligned_region_bounds)
{
	static const struct mem_range u[] = {
		{ 0x1234, 0x5800 },       /* frames 0x2000..0x4fff */
		{ 0x100001, 0x200fff },   /* frames 0x101000..0x1fffff */
		{ 0x300100, 0x300f00 },   /* no whole frame */
	};
	struct map m = MAP_NORES(u);
	struct frame_alloc fa;
	struct owner o;
	uint64_t p, n = 0;

	CHECK(setup(&fa, &m));
	CHECK(fa.total_frames == 3 + 255);
	CHECK(fa.total_frames == ref_total_frames(&m));
	/* pfn 2 starts an order-1 block, pfn 4 an order-0 one. */
	CHECK(fa.free_blocks[1] >= 1 && fa.free_blocks[0] >= 1);
	CHECK(frame_check(&fa));

	owner_init(&o, &m);
	while ((p = frame_alloc(&fa, 0)) != FRAME_NONE) {
		CHECK(p != 0x1000 && p != 0x5000 && p != 0x100000 &&
		      p != 0x200000 && p != 0x300000);
		CHECK(owner_claim(&o, p, 0));
		n++;
	}
	CHECK(n == 258);
	release_all();
}

TEST(reserved_inside_usable)
{
	static const struct mem_range u[] = { { 0, MiB(16) } };
	static const struct mem_range r[] = {
		{ MiB(1) + 0x800, MiB(2) - 0x800 }, /* partial frames count */
		{ MiB(8), MiB(8) + 4096 },
		{ MiB(15), MiB(20) },               /* runs past usable */
	};
	struct map m = MAP(u, r);
	struct frame_alloc fa;
	uint64_t expect[FRAME_MAX_ORDER + 1] = { 0 };

	CHECK(setup(&fa, &m));
	CHECK(fa.total_frames == 4096 - 256 - 1 - 256);
	CHECK(fa.total_frames == ref_total_frames(&m));
	/* [0,1M): o8; [2M,8M): o9+o10; [8M+4K,15M): o0..o7 once, then
	 * o8 at 9M, o9 at 10M and 12M, o8 at 14M. */
	for (unsigned k = 0; k <= 7; k++)
		expect[k] = 1;
	expect[8] = 3;
	expect[9] = 3;
	expect[10] = 1;
	CHECK(same_free_blocks(fa.free_blocks, expect));
	CHECK(frame_check(&fa));

	struct owner o;
	uint64_t p, n = 0;
	owner_init(&o, &m);
	while ((p = frame_alloc(&fa, 0)) != FRAME_NONE) {
		CHECK(!(p >= MiB(1) && p < MiB(2)) && p != MiB(8) &&
		      p < MiB(15));
		CHECK(owner_claim(&o, p, 0));
		n++;
	}
	CHECK(n == fa.total_frames);
	release_all();
}

TEST(overlapping_unsorted_regions)
{
	static const struct mem_range u[] = {
		{ MiB(8), MiB(16) },
		{ 0, MiB(4) },
		{ MiB(2), MiB(10) },
		{ 0, MiB(4) },         /* duplicate */
		{ MiB(5), MiB(1) },    /* inverted: empty */
		{ 0x3000, 0x3800 },    /* inside, sub-frame */
	};
	struct map m = MAP_NORES(u);
	struct frame_alloc fa;

	CHECK(setup(&fa, &m));
	/* The union is [0,16M): one order-12 block. */
	CHECK(fa.total_frames == 4096);
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		CHECK(fa.free_blocks[k] == (k == 12));
	CHECK(frame_alloc(&fa, 12) == 0);
	CHECK(frame_alloc(&fa, 0) == FRAME_NONE);
	frame_free(&fa, 0, 12);
	CHECK(frame_check(&fa));
	release_all();
}

TEST(aligned_2m_and_1g_blocks)
{
	static const struct mem_range u[] = { { MiB(1), GiB(5) + MiB(2) } };
	static const struct mem_range r[] = { { GiB(1) + 4096, GiB(1) + 8192 } };
	struct map m = MAP(u, r);
	struct frame_alloc fa;
	struct owner o;
	struct block *blocks;
	size_t n = 0;
	uint64_t init[FRAME_MAX_ORDER + 1], p;

	CHECK(setup(&fa, &m));
	memcpy(init, fa.free_blocks, sizeof init);
	owner_init(&o, &m);
	blocks = tmalloc(4096 * sizeof *blocks);

	/* Only [2G,3G), [3G,4G) and [4G,5G) are whole managed 1 GiB blocks. */
	while ((p = frame_alloc(&fa, FRAME_ORDER_1G)) != FRAME_NONE) {
		CHECK(p % GiB(1) == 0);
		CHECK(owner_claim(&o, p, FRAME_ORDER_1G));
		blocks[n++] = (struct block){ p, FRAME_ORDER_1G };
	}
	CHECK(n == 3);
	/* 2 MiB blocks: 511 in [2M,1G), 511 in [1G,2G) (the first one
	 * holds the reserved frame) and [5G,5G+2M). */
	while ((p = frame_alloc(&fa, FRAME_ORDER_2M)) != FRAME_NONE) {
		CHECK(p % MiB(2) == 0);
		CHECK(owner_claim(&o, p, FRAME_ORDER_2M));
		CHECK(frame_is_allocated(&fa, p));
		CHECK(!frame_is_allocated(&fa, p + 4096));
		blocks[n++] = (struct block){ p, FRAME_ORDER_2M };
	}
	CHECK(n == 3 + 1023);
	CHECK(counters_ok(&fa) && frame_check(&fa));

	rng_state = 0x1234567;
	shuffle(blocks, n);
	for (size_t i = 0; i < n; i++)
		frame_free(&fa, blocks[i].phys, blocks[i].order);
	CHECK(same_free_blocks(fa.free_blocks, init));
	CHECK(fa.used_frames == 0 && fa.free_frames == fa.total_frames);
	CHECK(frame_check(&fa));
	release_all();
}

TEST(order0_everything_unique_and_managed)
{
	static const struct mem_range u[] = {
		{ 0, KiB(640) },
		{ MiB(1), MiB(256) },
		{ GiB(4), GiB(4) + MiB(64) },
	};
	/* Kernel image, and an unaligned stand-in for the metadata buffer. */
	static const struct mem_range r[] = {
		{ MiB(1), MiB(2) },
		{ MiB(200), MiB(200) + 12345 },
	};
	struct map m = MAP(u, r);
	struct frame_alloc fa;
	struct owner o;
	struct block *blocks;
	uint64_t init[FRAME_MAX_ORDER + 1], p;
	size_t n = 0;

	CHECK(setup(&fa, &m));
	CHECK(fa.total_frames == ref_total_frames(&m));
	memcpy(init, fa.free_blocks, sizeof init);
	owner_init(&o, &m);
	blocks = tmalloc(fa.total_frames * sizeof *blocks);

	while ((p = frame_alloc(&fa, 0)) != FRAME_NONE) {
		CHECK(n < fa.total_frames);
		CHECK(owner_claim(&o, p, 0)); /* unique and managed */
		blocks[n++] = (struct block){ p, 0 };
	}
	CHECK(n == fa.total_frames);
	CHECK(fa.free_frames == 0 && fa.used_frames == fa.total_frames);
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		CHECK(fa.free_blocks[k] == 0);
	CHECK(frame_check(&fa));

	rng_state = 42;
	shuffle(blocks, n);
	for (size_t i = 0; i < n; i++)
		frame_free(&fa, blocks[i].phys, 0);
	CHECK(same_free_blocks(fa.free_blocks, init));
	CHECK(frame_check(&fa));
	release_all();
}

TEST(mixed_orders_never_overlap)
{
	struct map m = MAP(qemu_usable, qemu_reserved);
	struct frame_alloc fa;
	struct owner o;
	struct block *blocks;
	uint64_t init[FRAME_MAX_ORDER + 1];
	size_t n = 0;

	/* Scale down: the QEMU map's first 3 GiB only. */
	m.n_usable = 2;
	CHECK(setup(&fa, &m));
	memcpy(init, fa.free_blocks, sizeof init);
	owner_init(&o, &m);
	blocks = tmalloc(fa.total_frames * sizeof *blocks);

	/* Random orders until even order 0 fails: memory fully handed out. */
	rng_state = 7;
	for (;;) {
		unsigned order = (unsigned)(rng() % 19);
		uint64_t p = frame_alloc(&fa, order);

		if (p == FRAME_NONE) {
			order = 0;
			p = frame_alloc(&fa, 0);
			if (p == FRAME_NONE)
				break;
		}
		CHECK(owner_claim(&o, p, order));
		blocks[n++] = (struct block){ p, order };
	}
	CHECK(fa.free_frames == 0 && fa.used_frames == fa.total_frames);
	CHECK(frame_check(&fa));

	shuffle(blocks, n);
	for (size_t i = 0; i < n; i++)
		frame_free(&fa, blocks[i].phys, blocks[i].order);
	CHECK(same_free_blocks(fa.free_blocks, init));
	CHECK(fa.free_frames == fa.total_frames && fa.used_frames == 0);
	CHECK(frame_check(&fa));
	release_all();
}

TEST(random_churn_coalesces_to_init_state)
{
	struct map m = MAP(qemu_usable, qemu_reserved);
	struct frame_alloc fa;
	struct block *live;
	uint64_t init[FRAME_MAX_ORDER + 1], used = 0;
	size_t n = 0;
	const size_t cap = 100000;

	CHECK(setup(&fa, &m));
	memcpy(init, fa.free_blocks, sizeof init);
	live = tmalloc(cap * sizeof *live);

	/* Interleave allocations (biased towards small orders) with frees
	 * of random live blocks, checking the counters at every step. */
	rng_state = 99;
	for (int step = 0; step < 200000; step++) {
		if (n < cap && (n == 0 || rng() % 3 != 0)) {
			unsigned order = (unsigned)(rng() % 13);
			if (rng() % 2)
				order = 0;
			uint64_t p = frame_alloc(&fa, order);
			if (p == FRAME_NONE)
				continue;
			live[n++] = (struct block){ p, order };
			used += 1ULL << order;
		} else {
			size_t i = rng() % n;
			frame_free(&fa, live[i].phys, live[i].order);
			used -= 1ULL << live[i].order;
			live[i] = live[--n];
		}
		CHECK(fa.used_frames == used);
		CHECK(counters_ok(&fa));
	}
	CHECK(frame_check(&fa));

	shuffle(live, n);
	while (n > 0) {
		n--;
		frame_free(&fa, live[n].phys, live[n].order);
	}
	CHECK(same_free_blocks(fa.free_blocks, init));
	CHECK(fa.used_frames == 0 && fa.free_frames == fa.total_frames);
	CHECK(frame_check(&fa));
	release_all();
}

TEST(counters_exact)
{
	static const struct mem_range u[] = { { 0, MiB(8) } };
	struct map m = MAP_NORES(u);
	struct frame_alloc fa;

	CHECK(setup(&fa, &m));
	CHECK(fa.total_frames == 2048 && fa.free_frames == 2048);

	uint64_t a = frame_alloc(&fa, 0);
	uint64_t b = frame_alloc(&fa, FRAME_ORDER_2M);
	uint64_t c = frame_alloc(&fa, 3);
	CHECK(a != FRAME_NONE && b != FRAME_NONE && c != FRAME_NONE);
	CHECK(fa.used_frames == 1 + 512 + 8);
	CHECK(fa.free_frames == 2048 - 521);
	CHECK(fa.total_frames == 2048);
	CHECK(counters_ok(&fa) && frame_check(&fa));

	frame_free(&fa, b, FRAME_ORDER_2M);
	CHECK(fa.used_frames == 9 && fa.free_frames == 2039);
	frame_free(&fa, a, 0);
	frame_free(&fa, c, 3);
	CHECK(fa.used_frames == 0 && fa.free_frames == 2048);
	CHECK(fa.free_blocks[11] == 1);
	CHECK(counters_ok(&fa) && frame_check(&fa));

	/* frame_check() is not vacuous: it notices a skewed counter. */
	fa.free_frames++;
	CHECK(!frame_check(&fa));
	fa.free_frames--;
	fa.free_blocks[3]++;
	CHECK(!frame_check(&fa));
	fa.free_blocks[3]--;
	CHECK(frame_check(&fa));
	release_all();
}

TEST(exhaustion_returns_none)
{
	static const struct mem_range u[] = { { MiB(1), MiB(2) } };
	struct map m = MAP_NORES(u);
	struct frame_alloc fa;
	uint64_t seen[256], p;

	CHECK(setup(&fa, &m));
	CHECK(fa.total_frames == 256 && fa.free_blocks[8] == 1);
	/* Free memory exists, but no block that large. */
	CHECK(frame_alloc(&fa, 9) == FRAME_NONE);
	CHECK(frame_alloc(&fa, FRAME_ORDER_1G) == FRAME_NONE);
	CHECK(fa.free_frames == 256);

	CHECK(frame_alloc(&fa, 8) == MiB(1));
	CHECK(frame_alloc(&fa, 0) == FRAME_NONE);
	frame_free(&fa, MiB(1), 8);

	for (int i = 0; i < 256; i++) {
		seen[i] = frame_alloc(&fa, 0);
		CHECK(seen[i] != FRAME_NONE);
		for (int j = 0; j < i; j++)
			CHECK(seen[j] != seen[i]);
	}
	CHECK(frame_alloc(&fa, 0) == FRAME_NONE);
	CHECK(frame_alloc(&fa, 0) == FRAME_NONE);
	CHECK(fa.free_frames == 0 && fa.used_frames == 256);

	/* A freed frame is immediately reusable. */
	frame_free(&fa, seen[17], 0);
	p = frame_alloc(&fa, 0);
	CHECK(p == seen[17]);
	CHECK(frame_alloc(&fa, 0) == FRAME_NONE);
	for (int i = 0; i < 256; i++)
		frame_free(&fa, seen[i], 0);
	CHECK(fa.free_blocks[8] == 1 && frame_check(&fa));
	release_all();
}

TEST(empty_map)
{
	struct frame_alloc fa;

	CHECK(frame_init(&fa, NULL, 0, NULL, 0, NULL, 0) == 0);
	CHECK(fa.total_frames == 0 && fa.free_frames == 0);
	CHECK(frame_alloc(&fa, 0) == FRAME_NONE);
	CHECK(!frame_is_allocated(&fa, 0));
	CHECK(frame_check(&fa));
	EXPECT_PANIC(frame_free(&fa, 0, 0));
	CHECK(panic_says("beyond", 0));
}

TEST(double_free_panics)
{
	static const struct mem_range u[] = { { 0, MiB(4) } };
	struct map m = MAP_NORES(u);
	struct frame_alloc fa;

	CHECK(setup(&fa, &m));
	uint64_t p = frame_alloc(&fa, 0);
	uint64_t q = frame_alloc(&fa, 0); /* keeps p from coalescing */
	CHECK(p != FRAME_NONE && q != FRAME_NONE);
	frame_free(&fa, p, 0);
	EXPECT_PANIC(frame_free(&fa, p, 0));
	CHECK(panic_says("double free", p));
	/* The rejected free changed nothing. */
	CHECK(fa.used_frames == 1 && frame_check(&fa));
	frame_free(&fa, q, 0);
	EXPECT_PANIC(frame_free(&fa, q, 0));
	CHECK(panic_says("double free", q));
	CHECK(fa.used_frames == 0 && frame_check(&fa));
	release_all();
}

TEST(free_never_allocated_panics)
{
	static const struct mem_range u[] = { { 0, MiB(4) } };
	struct map m = MAP_NORES(u);
	struct frame_alloc fa;

	CHECK(setup(&fa, &m));
	/* Head of a free block, and a frame inside one. */
	EXPECT_PANIC(frame_free(&fa, 0, 0));
	CHECK(panic_says("never allocated", 0));
	EXPECT_PANIC(frame_free(&fa, MiB(2), 9));
	CHECK(panic_says("never allocated", MiB(2)));
	EXPECT_PANIC(frame_free(&fa, 0x5000, 0));
	CHECK(panic_says("never allocated", 0x5000));

	/* A frame inside an allocated block is not a block of its own. */
	uint64_t p = frame_alloc(&fa, FRAME_ORDER_2M);
	CHECK(p != FRAME_NONE);
	EXPECT_PANIC(frame_free(&fa, p + 4096, 0));
	CHECK(panic_says("never allocated", p + 4096));
	CHECK(frame_is_allocated(&fa, p) && fa.used_frames == 512);
	frame_free(&fa, p, FRAME_ORDER_2M);
	CHECK(fa.free_blocks[10] == 1 && frame_check(&fa));
	release_all();
}

TEST(free_foreign_address_panics)
{
	struct map m = MAP(qemu_usable, qemu_reserved);
	struct frame_alloc fa;
	uint64_t init[FRAME_MAX_ORDER + 1];

	CHECK(setup(&fa, &m));
	memcpy(init, fa.free_blocks, sizeof init);

	EXPECT_PANIC(frame_free(&fa, KiB(640), 0)); /* VGA hole */
	CHECK(panic_says("hole or reserved", KiB(640)));
	EXPECT_PANIC(frame_free(&fa, GiB(3) + MiB(512), 0)); /* PCI hole */
	CHECK(panic_says("hole or reserved", GiB(3) + MiB(512)));
	EXPECT_PANIC(frame_free(&fa, GiB(3), FRAME_ORDER_1G));
	CHECK(panic_says("hole or reserved", GiB(3)));
	EXPECT_PANIC(frame_free(&fa, MiB(1), 0)); /* reserved kernel */
	CHECK(panic_says("hole or reserved", MiB(1)));
	EXPECT_PANIC(frame_free(&fa, MiB(1) + 4096 * 7, 0));
	CHECK(panic_says("hole or reserved", MiB(1) + 4096 * 7));
	EXPECT_PANIC(frame_free(&fa, GiB(6), 0)); /* just past the end */
	CHECK(panic_says("beyond", GiB(6)));
	EXPECT_PANIC(frame_free(&fa, 1ULL << 50, 0));
	CHECK(panic_says("beyond", 1ULL << 50));
	EXPECT_PANIC(frame_free(&fa, 0xfffffffffffff000ULL, 0));
	CHECK(panic_says("beyond", 0xfffffffffffff000ULL));

	CHECK(same_free_blocks(fa.free_blocks, init));
	CHECK(fa.used_frames == 0 && frame_check(&fa));
	release_all();
}

TEST(misaligned_free_panics)
{
	static const struct mem_range u[] = { { 0, MiB(8) } };
	struct map m = MAP_NORES(u);
	struct frame_alloc fa;

	CHECK(setup(&fa, &m));
	uint64_t p = frame_alloc(&fa, FRAME_ORDER_2M);
	CHECK(p != FRAME_NONE);
	EXPECT_PANIC(frame_free(&fa, p + 4096, FRAME_ORDER_2M));
	CHECK(panic_says("not aligned", p + 4096));
	EXPECT_PANIC(frame_free(&fa, p + 1, 0));
	CHECK(panic_says("not aligned", p + 1));
	EXPECT_PANIC(frame_free(&fa, p + 0x800, FRAME_ORDER_2M));
	CHECK(panic_says("not aligned", p + 0x800));
	CHECK(frame_is_allocated(&fa, p) && fa.used_frames == 512);
	CHECK(!frame_is_allocated(&fa, p + 1));
	frame_free(&fa, p, FRAME_ORDER_2M);
	CHECK(fa.free_blocks[11] == 1 && frame_check(&fa));
	release_all();
}

/* First address in a[] aligned to `align`, or FRAME_NONE.  (A helper so
 * the result is assigned once: EXPECT_PANIC uses setjmp.) */
static uint64_t first_aligned(const uint64_t *a, int n, uint64_t align)
{
	for (int i = 0; i < n; i++)
		if ((a[i] & (align - 1)) == 0)
			return a[i];
	return FRAME_NONE;
}

TEST(wrong_order_free_panics)
{
	static const struct mem_range u[] = { { 0, MiB(8) } };
	struct map m = MAP_NORES(u);
	struct frame_alloc fa;
	uint64_t small[8];

	CHECK(setup(&fa, &m));
	uint64_t big = frame_alloc(&fa, FRAME_ORDER_2M);
	CHECK(big != FRAME_NONE);
	/* Some order-0 frame at an 8 KiB boundary, so that freeing it as
	 * order 1 passes the alignment check and hits the order check. */
	for (int i = 0; i < 8; i++) {
		small[i] = frame_alloc(&fa, 0);
		CHECK(small[i] != FRAME_NONE);
	}
	const uint64_t even = first_aligned(small, 8, 0x2000);
	CHECK(even != FRAME_NONE);

	/* Smaller order than allocated. */
	EXPECT_PANIC(frame_free(&fa, big, 0));
	CHECK(panic_says("order mismatch", big));
	CHECK(strstr(test_panic_msg, "allocated with order 9") != NULL);
	/* Larger order than allocated. */
	EXPECT_PANIC(frame_free(&fa, even, 1));
	CHECK(panic_says("order mismatch", even));
	CHECK(strstr(test_panic_msg, "freed with order 1") != NULL);

	CHECK(fa.used_frames == 512 + 8 && frame_check(&fa));
	frame_free(&fa, big, FRAME_ORDER_2M);
	for (int i = 0; i < 8; i++)
		frame_free(&fa, small[i], 0);
	CHECK(fa.free_blocks[11] == 1 && frame_check(&fa));
	release_all();
}

TEST(invalid_order_panics)
{
	static const struct mem_range u[] = { { 0, MiB(8) } };
	struct map m = MAP_NORES(u);
	struct frame_alloc fa;

	CHECK(setup(&fa, &m));
	EXPECT_PANIC(frame_alloc(&fa, FRAME_MAX_ORDER + 1));
	CHECK(strstr(test_panic_msg, "invalid order 19") != NULL);
	EXPECT_PANIC(frame_alloc(&fa, 1000));
	CHECK(strstr(test_panic_msg, "invalid order 1000") != NULL);
	EXPECT_PANIC(frame_free(&fa, 0, FRAME_MAX_ORDER + 1));
	CHECK(panic_says("invalid order 19", 0));
	EXPECT_PANIC(frame_free(&fa, 0, 64));
	CHECK(panic_says("invalid order 64", 0));
	CHECK(fa.free_frames == 2048 && frame_check(&fa));
	release_all();
}

TEST(is_allocated)
{
	struct map m = MAP(qemu_usable, qemu_reserved);
	struct frame_alloc fa;

	CHECK(setup(&fa, &m));
	uint64_t p = frame_alloc(&fa, 0);
	CHECK(p != FRAME_NONE);
	CHECK(frame_is_allocated(&fa, p));
	CHECK(!frame_is_allocated(&fa, p + 1));
	CHECK(!frame_is_allocated(&fa, p ^ 4096)); /* free buddy */
	CHECK(!frame_is_allocated(&fa, KiB(640)));
	CHECK(!frame_is_allocated(&fa, MiB(1)));
	CHECK(!frame_is_allocated(&fa, GiB(6)));
	CHECK(!frame_is_allocated(&fa, FRAME_NONE));
	frame_free(&fa, p, 0);
	CHECK(!frame_is_allocated(&fa, p));
	release_all();
}

TEST(meta_too_small)
{
	static const struct mem_range u[] = { { 0, MiB(64) + 0x123 } };
	struct frame_alloc fa;
	size_t need = frame_meta_size(MiB(64) + 0x123);
	void *meta;

	/* The partial last frame needs no metadata. */
	CHECK(need == frame_meta_size(MiB(64)));
	CHECK(need > 0 && need <= 12 * 16384);
	release_all();
	meta = tmalloc(need + 16);

	CHECK(frame_init(&fa, u, 1, NULL, 0, meta, need - 1) == -1);
	/* A failed init leaves an empty, harmless allocator. */
	CHECK(fa.total_frames == 0 && frame_alloc(&fa, 0) == FRAME_NONE);
	CHECK(frame_init(&fa, u, 1, NULL, 0, meta, 0) == -1);
	CHECK(frame_init(&fa, u, 1, NULL, 0, NULL, need) == -1);
	CHECK(frame_init(&fa, u, 1, NULL, 0, (char *)meta + 1, need) == -1);
	CHECK(frame_init(&fa, u, 1, NULL, 0, meta, need) == 0);
	CHECK(fa.total_frames == 16384 && frame_check(&fa));
	release_all();
}

TEST(meta_size_bounds)
{
	/* At most 12 bytes per frame, e.g. 64 GiB -> 16 Mi frames. */
	CHECK(frame_meta_size(GiB(64)) <= 12 * (GiB(64) >> 12));
	CHECK(frame_meta_size(GiB(64)) >= 8 * (GiB(64) >> 12));
	CHECK(frame_meta_size(0) == 0);
	CHECK(frame_meta_size(4095) == 0);
	CHECK(frame_meta_size(4096) == frame_meta_size(8191));
	/* pfns are 32-bit: everything at or above 2^44 is clamped. */
	CHECK(frame_meta_size(1ULL << 50) == frame_meta_size(1ULL << 44));
	CHECK(frame_meta_size(UINT64_MAX) == frame_meta_size(1ULL << 44));
	CHECK(frame_meta_size(1ULL << 44) / (frame_meta_size(4096)) ==
	      1ULL << 32);
}

TEST(large_map_64g)
{
	static const struct mem_range u[] = { { 0, GiB(64) } };
	static const struct mem_range r[] = { { 0, MiB(1) } };
	struct map m = MAP(u, r);
	struct frame_alloc fa;

	CHECK(setup(&fa, &m));
	CHECK(fa.total_frames == (GiB(64) - MiB(1)) / 4096);
	/* [1M,1G) = one block each of orders 8..17, then 63 x 1 GiB. */
	CHECK(fa.free_blocks[18] == 63);
	for (unsigned k = 8; k <= 17; k++)
		CHECK(fa.free_blocks[k] == 1);
	CHECK(fa.free_blocks[7] == 0);

	uint64_t p = frame_alloc(&fa, FRAME_ORDER_1G);
	CHECK(p != FRAME_NONE && p % GiB(1) == 0 && p >= GiB(1));
	uint64_t q = frame_alloc(&fa, 0);
	CHECK(q != FRAME_NONE && q >= MiB(1));
	CHECK(frame_check(&fa));
	frame_free(&fa, p, FRAME_ORDER_1G);
	frame_free(&fa, q, 0);
	CHECK(fa.free_blocks[18] == 63 && fa.used_frames == 0);
	release_all();
}

TEST(alloc_below_limit)
{
	/* RAM in [1M, 16M) and [4G, 4G+64M): blocks below 4 GiB only. */
	static const struct mem_range usable[] = {
		{ 1ull << 20, 16ull << 20 }, { 4ull << 30, (4ull << 30) + (64ull << 20) },
	};
	size_t msize = frame_meta_size((4ull << 30) + (64ull << 20));
	void *meta = malloc(msize);
	struct frame_alloc fa;
	uint64_t got[4000];
	size_t n = 0;

	CHECK(frame_init(&fa, usable, 2, NULL, 0, meta, msize) == 0);
	uint64_t start_free = fa.free_frames;
	for (;;) {
		uint64_t p = frame_alloc_below(&fa, 0, 4ull << 30);
		if (p == FRAME_NONE)
			break;
		CHECK(n < sizeof got / sizeof got[0]);
		CHECK(p >= (1ull << 20) && p + 4096 <= (16ull << 20));
		got[n++] = p;
	}
	/* Every frame below 4 GiB, and nothing above it, was handed out. */
	CHECK(n == (15ull << 20) / 4096);
	CHECK(fa.free_frames == start_free - n);
	uint64_t p2m = frame_alloc_below(&fa, FRAME_ORDER_2M, 8ull << 30);
	CHECK(p2m >= (4ull << 30) && !(p2m & ((2ull << 20) - 1)));
	CHECK(frame_alloc_below(&fa, 0, 1ull << 20) == FRAME_NONE);
	for (size_t i = 0; i < n; i++)
		frame_free(&fa, got[i], 0);
	frame_free(&fa, p2m, FRAME_ORDER_2M);
	CHECK(fa.free_frames == start_free);
	CHECK(frame_check(&fa));
	free(meta);
}
