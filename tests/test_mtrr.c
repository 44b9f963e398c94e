/* Host tests of mm/mtrr.c: where large pages must stop. */
#define TEST_MAIN
#include "tests/test.h"
#include "mm/mtrr.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)

static bool has(const uint64_t *b, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] == v)
			return true;
	return false;
}

static bool sorted_unique(const uint64_t *b, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (b[i] <= b[i - 1])
			return false;
	return true;
}

/* A typical PC: WB by default, UC for 3.5-4 GiB (PCI hole) and a WC
 * framebuffer at 0xC0000000 of 256 MiB. */
static struct mtrr_state pc(void)
{
	struct mtrr_state m = { .cap = 0x508, .def_type = (1u << 11) | 6, .phys_bits = 39 };
	uint64_t addr = (1ull << 39) - 1;

	m.base[0] = 0xE0000000ull | 0;                         /* UC */
	m.mask[0] = (~(512 * MIB - 1) & addr & ~0xFFFull) | (1u << 11);
	m.base[1] = 0xC0000000ull | 1;                         /* WC */
	m.mask[1] = (~(256 * MIB - 1) & addr & ~0xFFFull) | (1u << 11);
	return m;
}

TEST(mtrr_variable_ranges_bound_pages)
{
	struct mtrr_state m = pc();
	struct mem_range ram[] = { { 0, 640 * 1024 }, { MIB, 0xBFF00000ull }, { 4 * GIB, 6 * GIB } };
	uint64_t b[64];
	size_t n = mtrr_boundaries(&m, ram, 3, 8 * GIB, b, 64);

	CHECK(sorted_unique(b, n));
	CHECK(has(b, n, 1 * MIB) && has(b, n, 2 * MIB));
	CHECK(has(b, n, 0xE0000000ull) && has(b, n, 0x100000000ull));
	CHECK(has(b, n, 0xC0000000ull) && has(b, n, 0xD0000000ull));
	CHECK(has(b, n, 640 * 1024) && has(b, n, 0xBFF00000ull) && has(b, n, 6 * GIB));
	for (size_t i = 0; i < n; i++)
		CHECK((b[i] & 0xFFF) == 0);
	/* A RAM range ending inside a page bounds at that page's start. */
	ram[0].end = 0x9FC00;
	n = mtrr_boundaries(&m, ram, 3, 8 * GIB, b, 64);
	CHECK(has(b, n, 0x9F000) && !has(b, n, 0x9FC00));
	CHECK(!has(b, n, 0) && !has(b, n, 8 * GIB));   /* only inside (0, limit) */
}

TEST(mtrr_disabled_or_invalid_ranges_ignored)
{
	struct mtrr_state m = pc();
	uint64_t b[64];
	size_t n;

	m.def_type &= ~(1ull << 11);                   /* MTRRs off */
	n = mtrr_boundaries(&m, NULL, 0, 8 * GIB, b, 64);
	CHECK(n == 2 && b[0] == MIB && b[1] == 2 * MIB);
	m = pc();
	m.mask[1] &= ~(1ull << 11);                    /* range 1 not valid */
	n = mtrr_boundaries(&m, NULL, 0, 8 * GIB, b, 64);
	CHECK(has(b, n, 0xE0000000ull) && !has(b, n, 0xC0000000ull));
	m = pc();
	m.cap = 1;                                     /* only range 0 exists */
	n = mtrr_boundaries(&m, NULL, 0, 8 * GIB, b, 64);
	CHECK(!has(b, n, 0xC0000000ull));
}

TEST(mtrr_scattered_mask_gives_fine_boundaries)
{
	struct mtrr_state m = { .cap = 1, .def_type = 1u << 11, .phys_bits = 36 };
	uint64_t b[600];
	size_t n;

	/* Mask with a hole: selects every other 16 MiB block. */
	m.base[0] = 0;
	m.mask[0] = (0xFFFFFFFFFull & ~0xFFFull & ~(16 * MIB - 1) & ~(32 * MIB)) | (1u << 11);
	n = mtrr_boundaries(&m, NULL, 0, GIB, b, 600);
	CHECK(sorted_unique(b, n));
	CHECK(has(b, n, 16 * MIB) && has(b, n, 48 * MIB) && has(b, n, 1008 * MIB));
}

TEST(mtrr_full_table_stays_sorted)
{
	struct mtrr_state m = pc();
	struct mem_range ram[40];
	uint64_t b[8];
	size_t n;

	for (int i = 0; i < 40; i++)
		ram[i] = (struct mem_range){ (uint64_t)i * 64 * MIB + 4096, (uint64_t)i * 64 * MIB + 32 * MIB };
	n = mtrr_boundaries(&m, ram, 40, 8 * GIB, b, 8);
	CHECK(n == 9 && sorted_unique(b, 8));   /* overflow is reported, not hidden */
}
