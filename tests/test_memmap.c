/* Host tests of mm/memmap.c: finding a free physical range in the boot
 * memory map before the frame allocator exists.  Physical addresses are
 * only numbers here, so maps can describe any machine.  Each result is
 * also compared against a brute-force reference search. */
#define TEST_MAIN
#include "tests/test.h"
#include "mm/memmap.h"

#include <stdbool.h>
#include <stdint.h>

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The contract, checked for one candidate base. */
static bool fits(const struct mem_range *u, size_t nu, const struct mem_range *r, size_t nr,
		 uint64_t base, uint64_t size, uint64_t align, uint64_t min, uint64_t limit)
{
	bool inside = false;

	if (base < min || (base & (align - 1)) || base + size > limit || base + size < base)
		return false;
	for (size_t i = 0; i < nu; i++)
		if (u[i].base <= base && base + size <= u[i].end)
			inside = true;
	if (!inside)
		return false;
	for (size_t i = 0; i < nr; i++)
		if (r[i].base < base + size && base < r[i].end)
			return false;
	return true;
}

/* Brute force over every aligned base up to the highest usable end
 * (only for maps with few candidates). */
static uint64_t reference(const struct mem_range *u, size_t nu, const struct mem_range *r,
			  size_t nr, uint64_t size, uint64_t align, uint64_t min, uint64_t limit)
{
	uint64_t top = 0;
	for (size_t i = 0; i < nu; i++)
		if (u[i].end > top)
			top = u[i].end;
	for (uint64_t b = 0; b < top; b += align)
		if (fits(u, nu, r, nr, b, size, align, min, limit))
			return b;
	return FRAME_NONE;
}

#define FIND(u, r, size, align, min, limit)                                     \
	memmap_find_free((u), ARRAY_LEN(u), (r), ARRAY_LEN(r), (size), (align), (min), \
			 (limit))
#define REF(u, r, size, align, min, limit)                                      \
	reference((u), ARRAY_LEN(u), (r), ARRAY_LEN(r), (size), (align), (min), (limit))

/* Result agrees with the brute-force reference and equals `want`. */
#define EXPECT(want, u, r, size, align, min, limit)                             \
	do {                                                                     \
		uint64_t got_ = FIND(u, r, size, align, min, limit);              \
		uint64_t ref_ = REF(u, r, size, align, min, limit);               \
		if (got_ != (uint64_t)(want) || ref_ != (uint64_t)(want))         \
			printf("  got 0x%llx, reference 0x%llx, want 0x%llx\n",    \
			       (unsigned long long)got_, (unsigned long long)ref_, \
			       (unsigned long long)(want));                        \
		CHECK(ref_ == (uint64_t)(want));                                 \
		CHECK(got_ == (uint64_t)(want));                                 \
	} while (0)

static const struct mem_range no_reserved[1] = { { 0, 0 } };   /* empty range */

TEST(memmap_lowest_fit_in_one_range)
{
	static const struct mem_range u[] = { { MiB(1), MiB(64) } };

	EXPECT(MiB(1), u, no_reserved, KiB(4), KiB(4), 0, UINT64_MAX);
	EXPECT(MiB(1), u, no_reserved, MiB(63), KiB(4), 0, UINT64_MAX);
	/* Whole range and one page more. */
	EXPECT(FRAME_NONE, u, no_reserved, MiB(63) + KiB(4), KiB(4), 0, UINT64_MAX);
}

TEST(memmap_no_reserved_array)
{
	static const struct mem_range u[] = { { MiB(1), MiB(2) } };

	CHECK(memmap_find_free(u, 1, NULL, 0, KiB(4), KiB(4), 0, UINT64_MAX) == MiB(1));
	CHECK(memmap_find_free(u, 0, NULL, 0, KiB(4), KiB(4), 0, UINT64_MAX) == FRAME_NONE);
	CHECK(memmap_find_free(NULL, 0, NULL, 0, KiB(4), KiB(4), 0, UINT64_MAX) == FRAME_NONE);
}

TEST(memmap_alignment_honoured)
{
	static const struct mem_range u[] = { { 0x101000, MiB(64) } };

	EXPECT(0x101000, u, no_reserved, KiB(4), KiB(4), 0, UINT64_MAX);
	EXPECT(MiB(2), u, no_reserved, KiB(4), MiB(2), 0, UINT64_MAX);
	EXPECT(MiB(2), u, no_reserved, MiB(2), MiB(2), 0, UINT64_MAX);
	EXPECT(0x110000, u, no_reserved, KiB(4), KiB(64), 0, UINT64_MAX);
	/* Aligning up leaves too little room: 64 MiB alignment -> 64 MiB, the end. */
	EXPECT(FRAME_NONE, u, no_reserved, KiB(4), MiB(64), 0, UINT64_MAX);
}

TEST(memmap_reserved_range_skipped)
{
	static const struct mem_range u[] = { { MiB(1), MiB(16) } };
	static const struct mem_range r[] = { { MiB(1), MiB(3) + KiB(4) } };

	EXPECT(MiB(3) + KiB(4), u, r, KiB(4), KiB(4), 0, UINT64_MAX);
	/* Aligned after the reserved end. */
	EXPECT(MiB(4), u, r, MiB(1), MiB(2), 0, UINT64_MAX);
}

TEST(memmap_reserved_touching_is_fine)
{
	/* A reserved range ending exactly at base, another starting exactly at
	 * base + size: neither touches [base, base + size). */
	static const struct mem_range u[] = { { 0, MiB(8) } };
	static const struct mem_range r[] = { { 0, MiB(2) }, { MiB(3), MiB(8) } };

	EXPECT(MiB(2), u, r, MiB(1), KiB(4), 0, UINT64_MAX);
	EXPECT(FRAME_NONE, u, r, MiB(1) + KiB(4), KiB(4), 0, UINT64_MAX);
}

TEST(memmap_reserved_in_the_middle_of_the_fit)
{
	/* A one-page hole in the middle of the first candidate. */
	static const struct mem_range u[] = { { MiB(1), MiB(16) } };
	static const struct mem_range r[] = { { MiB(2), MiB(2) + KiB(4) } };

	EXPECT(MiB(1), u, r, MiB(1), KiB(4), 0, UINT64_MAX);
	EXPECT(MiB(2) + KiB(4), u, r, MiB(1) + KiB(4), KiB(4), 0, UINT64_MAX);
}

TEST(memmap_several_adjacent_reserved)
{
	/* Kernel image, then modules, then the multiboot info, back to back
	 * and listed out of order: the search must hop over all of them. */
	static const struct mem_range u[] = { { MiB(1), MiB(32) } };
	static const struct mem_range r[] = {
		{ MiB(5), MiB(6) + KiB(12) },
		{ MiB(1), MiB(3) },
		{ MiB(6) + KiB(12), MiB(6) + KiB(16) },
		{ MiB(3), MiB(5) },
	};

	EXPECT(MiB(6) + KiB(16), u, r, KiB(4), KiB(4), 0, UINT64_MAX);
	EXPECT(MiB(8), u, r, MiB(2), MiB(2), 0, UINT64_MAX);
}

TEST(memmap_reserved_gap_too_small)
{
	/* 8 KiB gaps between reserved ranges; a 12 KiB request goes past them. */
	static const struct mem_range u[] = { { 0, MiB(1) } };
	static const struct mem_range r[] = {
		{ 0, KiB(4) }, { KiB(12), KiB(16) }, { KiB(24), KiB(28) }, { KiB(36), KiB(40) },
	};

	EXPECT(KiB(4), u, r, KiB(8), KiB(4), 0, UINT64_MAX);
	EXPECT(KiB(40), u, r, KiB(12), KiB(4), 0, UINT64_MAX);
}

TEST(memmap_reserved_outside_usable_ignored)
{
	static const struct mem_range u[] = { { MiB(16), MiB(32) } };
	static const struct mem_range r[] = { { 0, MiB(16) }, { MiB(32), MiB(64) } };

	EXPECT(MiB(16), u, r, MiB(16), KiB(4), 0, UINT64_MAX);
}

TEST(memmap_min_honoured)
{
	static const struct mem_range u[] = { { 0, MiB(64) } };
	static const struct mem_range r[] = { { MiB(8), MiB(9) } };

	EXPECT(MiB(1), u, r, KiB(4), KiB(4), MiB(1), UINT64_MAX);
	/* min not aligned: rounded up. */
	EXPECT(MiB(1) + KiB(4), u, r, KiB(4), KiB(4), MiB(1) + 1, UINT64_MAX);
	EXPECT(MiB(2), u, r, KiB(4), MiB(2), MiB(1), UINT64_MAX);
	/* min inside a reserved range. */
	EXPECT(MiB(9), u, r, KiB(4), KiB(4), MiB(8) + KiB(4), UINT64_MAX);
	/* min above every range. */
	EXPECT(FRAME_NONE, u, r, KiB(4), KiB(4), MiB(64), UINT64_MAX);
	/* A range below min is skipped for a later one. */
	{
		static const struct mem_range u2[] = { { 0, MiB(1) }, { MiB(4), MiB(8) } };
		EXPECT(MiB(4), u2, no_reserved, KiB(4), KiB(4), MiB(1), UINT64_MAX);
	}
}

TEST(memmap_limit_honoured)
{
	/* A region straddling 4 GiB: only its part below the limit counts. */
	static const struct mem_range u[] = { { GiB(4) - MiB(16), GiB(4) + GiB(4) } };

	CHECK(FIND(u, no_reserved, MiB(16), MiB(2), 0, GiB(4)) == GiB(4) - MiB(16));
	CHECK(FIND(u, no_reserved, MiB(16) + KiB(4), KiB(4), 0, GiB(4)) == FRAME_NONE);
	/* An allocation ending exactly at the limit is below it. */
	CHECK(FIND(u, no_reserved, KiB(4), KiB(4), GiB(4) - KiB(4), GiB(4)) == GiB(4) - KiB(4));
	CHECK(FIND(u, no_reserved, KiB(4), KiB(4), GiB(4), GiB(4)) == FRAME_NONE);
	/* Without the limit, the part above 4 GiB is usable. */
	CHECK(FIND(u, no_reserved, MiB(32), KiB(4), 0, UINT64_MAX) == GiB(4) - MiB(16));
	CHECK(FIND(u, no_reserved, GiB(1), GiB(1), 0, UINT64_MAX) == GiB(4));
}

TEST(memmap_limit_with_reserved_below_it)
{
	static const struct mem_range u[] = { { GiB(4) - MiB(16), GiB(8) } };
	static const struct mem_range r[] = { { GiB(4) - MiB(8), GiB(4) - MiB(4) } };

	CHECK(FIND(u, r, MiB(4), KiB(4), 0, GiB(4)) == GiB(4) - MiB(16));
	CHECK(FIND(u, r, MiB(8), KiB(4), 0, GiB(4)) == GiB(4) - MiB(16));
	/* The 4 MiB above the reserved range, up to the limit. */
	CHECK(FIND(u, r, MiB(4), KiB(4), GiB(4) - MiB(10), GiB(4)) == GiB(4) - MiB(4));
	CHECK(FIND(u, r, MiB(4) + KiB(4), KiB(4), GiB(4) - MiB(10), GiB(4)) == FRAME_NONE);
	/* 9 MiB fits only right after the reserved range, reaching above
	 * 4 GiB: allowed without a limit, refused with one. */
	CHECK(FIND(u, r, MiB(9), KiB(4), 0, UINT64_MAX) == GiB(4) - MiB(4));
	CHECK(FIND(u, r, MiB(9), KiB(4), 0, GiB(4)) == FRAME_NONE);
}

TEST(memmap_region_too_small)
{
	static const struct mem_range u[] = { { MiB(1), MiB(1) + KiB(8) } };

	EXPECT(MiB(1), u, no_reserved, KiB(8), KiB(4), 0, UINT64_MAX);
	EXPECT(FRAME_NONE, u, no_reserved, KiB(12), KiB(4), 0, UINT64_MAX);
}

TEST(memmap_no_fit)
{
	static const struct mem_range u[] = { { 0, MiB(1) }, { MiB(2), MiB(3) } };
	static const struct mem_range r[] = { { 0, MiB(3) } };

	EXPECT(FRAME_NONE, u, r, KiB(4), KiB(4), 0, UINT64_MAX);
	EXPECT(FRAME_NONE, u, no_reserved, MiB(2), KiB(4), 0, UINT64_MAX);
	/* Two adjacent usable ranges are not one range. */
	{
		static const struct mem_range u2[] = { { 0, MiB(1) }, { MiB(1), MiB(2) } };
		EXPECT(FRAME_NONE, u2, no_reserved, MiB(1) + KiB(4), KiB(4), 0, UINT64_MAX);
	}
}

TEST(memmap_unsorted_usable_lowest_overall)
{
	static const struct mem_range u[] = {
		{ MiB(64), MiB(128) },
		{ MiB(16), MiB(20) },
		{ MiB(1), MiB(2) },      /* too small for 2 MiB */
		{ MiB(8), MiB(12) },
		{ MiB(32), MiB(48) },
	};

	EXPECT(MiB(1), u, no_reserved, KiB(4), KiB(4), 0, UINT64_MAX);
	EXPECT(MiB(8), u, no_reserved, MiB(2), KiB(4), 0, UINT64_MAX);
	EXPECT(MiB(32), u, no_reserved, MiB(8), KiB(4), 0, UINT64_MAX);
	EXPECT(MiB(64), u, no_reserved, MiB(32), KiB(4), 0, UINT64_MAX);
	EXPECT(FRAME_NONE, u, no_reserved, MiB(65), KiB(4), 0, UINT64_MAX);
}

TEST(memmap_unsorted_usable_with_reserved)
{
	/* The lowest range is blocked by a reserved range; the answer is in
	 * the middle entry of the list, not the first or last one looked at. */
	static const struct mem_range u[] = {
		{ MiB(40), MiB(48) },
		{ MiB(1), MiB(4) },
		{ MiB(20), MiB(24) },
		{ MiB(8), MiB(16) },
	};
	static const struct mem_range r[] = {
		{ MiB(2), MiB(3) },
		{ MiB(8), MiB(14) },
	};

	EXPECT(MiB(1), u, r, MiB(1), KiB(4), 0, UINT64_MAX);
	EXPECT(MiB(14), u, r, MiB(2), KiB(4), 0, UINT64_MAX);
	EXPECT(MiB(20), u, r, MiB(3), KiB(4), 0, UINT64_MAX);
	EXPECT(MiB(40), u, r, MiB(5), KiB(4), 0, UINT64_MAX);
}

TEST(memmap_typical_pc_map)
{
	/* Low memory, the hypervisor image at 1 MiB and its modules, RAM up
	 * to 3 GiB, a hole, and RAM again from 4 GiB. */
	static const struct mem_range u[] = {
		{ 0, 0x9fc00 },
		{ MiB(1), GiB(3) },
		{ GiB(4), GiB(6) },
	};
	static const struct mem_range r[] = {
		{ 0, KiB(4) },                    /* real-mode IVT page */
		{ MiB(1), MiB(1) + 0x2a3456 },    /* image */
		{ MiB(4), MiB(4) + 0x1234 },      /* module */
		{ MiB(4) + 0x2000, MiB(5) },      /* module */
	};

	CHECK(FIND(u, r, KiB(4), KiB(4), MiB(1), GiB(4)) == 0x3a4000);
	CHECK(FIND(u, r, MiB(1), MiB(2), MiB(1), GiB(4)) == MiB(6));
	CHECK(FIND(u, r, KiB(4), KiB(4), 0, GiB(4)) == KiB(4));
	CHECK(FIND(u, r, GiB(1), GiB(1), 0, GiB(4)) == GiB(1));
	CHECK(FIND(u, r, GiB(2), GiB(1), 0, GiB(4)) == GiB(1));
	CHECK(FIND(u, r, GiB(2), GiB(2), 0, GiB(4)) == FRAME_NONE);
	CHECK(FIND(u, r, GiB(2), GiB(2), 0, UINT64_MAX) == GiB(4));
}

TEST(memmap_no_wrap_at_top_of_address_space)
{
	const struct mem_range usable[] = { { 0x100000, 0x200000 },
					    { 0xFFFFFFFFFFFF0000ull, 0xFFFFFFFFFFFFF000ull } };
	const struct mem_range reserved[] = { { 0xFFFFFFFFFFFF0000ull, 0xFFFFFFFFFFFFF800ull } };

	/* min close to 2^64: rounding up must not wrap to a low address. */
	CHECK(memmap_find_free(usable, 2, no_reserved, 0, 0x1000, 0x1000,
			       0xFFFFFFFFFFFFF001ull, ~0ull) == FRAME_NONE);
	/* A reserved range ending near 2^64 must not restart the search at 0. */
	CHECK(memmap_find_free(&usable[1], 1, reserved, 1, 0x1000, 0x1000, 0, ~0ull) == FRAME_NONE);
	CHECK(memmap_find_free(usable, 2, reserved, 1, 0x1000, 0x1000, 0, ~0ull) == 0x100000);
}

/* ---- memmap_free_extent: the free pieces the direct map's page-table
 * pool is gathered from (mm/setup.c) ---- */

#define EXTENT(u, r, min, limit, out) \
	memmap_free_extent((u), ARRAY_LEN(u), (r), ARRAY_LEN(r), (min), (limit), (out))

TEST(memmap_extent_cut_by_reserved_and_limit)
{
	static const struct mem_range u[] = { { MiB(1), MiB(64) } };
	static const struct mem_range r[] = { { MiB(1), MiB(2) }, { MiB(3), MiB(3) + KiB(4) } };
	struct mem_range e;

	CHECK(EXTENT(u, r, MiB(1), GiB(4), &e));
	CHECK(e.base == MiB(2) && e.end == MiB(3));
	/* The next one starts after the reservation and runs to the limit. */
	CHECK(EXTENT(u, r, e.end, MiB(10), &e));
	CHECK(e.base == MiB(3) + KiB(4) && e.end == MiB(10));
	/* Nothing at or above the limit. */
	CHECK(!EXTENT(u, r, MiB(10), MiB(10), &e));
}

TEST(memmap_extent_walks_a_fragmented_map_in_order)
{
	/* RAM with a one-page hole every 256 KiB, the way GRUB's cutmem
	 * leaves it (the qemu-fragmented-map case), and one reservation
	 * across a hole. */
	static struct mem_range u[64];
	static const struct mem_range r[] = { { MiB(2) - KiB(8), MiB(2) + KiB(8) } };
	struct mem_range e;
	uint64_t min = 0, total = 0;
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_LEN(u); i++)
		u[i] = (struct mem_range){ MiB(1) + i * KiB(256), MiB(1) + (i + 1) * KiB(256) - KiB(4) };
	while (EXTENT(u, r, min, GiB(4), &e)) {
		CHECK(e.base >= min && e.end > e.base && e.end <= e.base + KiB(252));
		CHECK((e.base | e.end) % KiB(4) == 0);
		CHECK(e.end <= r[0].base || e.base >= r[0].end);
		total += e.end - e.base;
		min = e.end;
		n++;
	}
	CHECK(n == ARRAY_LEN(u));
	CHECK(total == ARRAY_LEN(u) * KiB(252) - KiB(8) - KiB(4));
}

TEST(memmap_extent_unaligned_and_overlapping_entries)
{
	/* An end that is not page-aligned is rounded down; overlapping
	 * usable entries give the furthest end among those holding base. */
	static const struct mem_range u[] = { { MiB(1), MiB(1) + 0x1800 },
					      { MiB(4), MiB(5) }, { MiB(4), MiB(6) + 0x10 } };
	struct mem_range e;

	CHECK(EXTENT(u, no_reserved, 0, GiB(4), &e));
	CHECK(e.base == MiB(1) && e.end == MiB(1) + KiB(4));
	CHECK(EXTENT(u, no_reserved, e.end, GiB(4), &e));
	CHECK(e.base == MiB(4) && e.end == MiB(6));
	CHECK(!EXTENT(u, no_reserved, e.end, GiB(4), &e));
	CHECK(!memmap_free_extent(NULL, 0, NULL, 0, 0, UINT64_MAX, &e));
}
