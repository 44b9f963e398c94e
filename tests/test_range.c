/* Host tests of lib/range.h: the overflow-safe range checks. */
#define TEST_MAIN
#include "tests/test.h"
#include "lib/range.h"

TEST(range_within_limits)
{
	CHECK(range_within(0, 0x1000, 0x1000));
	CHECK(range_within(0xFFF, 1, 0x1000));
	CHECK(!range_within(0xFFF, 2, 0x1000));
	CHECK(!range_within(0x1000, 1, 0x1000));
	CHECK(range_within(0x1000, 0, 0x1000));                 /* empty at the end */
	/* What `base + len <= limit` gets wrong: the sum wraps. */
	CHECK(!range_within(0x10, UINT64_MAX - 7, 0x1000));
	CHECK(!range_within(UINT64_MAX, 2, UINT64_MAX));
	CHECK(range_within(UINT64_MAX - 1, 1, UINT64_MAX));
}

TEST(range_overlaps_edges)
{
	CHECK(range_overlaps(0xE0000, 0x20000, 0xFFFFF, 1));
	CHECK(!range_overlaps(0xE0000, 0x20000, 0x100000, 0x1000));
	CHECK(!range_overlaps(0xD0000, 0x10000, 0xE0000, 0x20000));
	CHECK(range_overlaps(0xD0000, 0x10001, 0xE0000, 0x20000));
	CHECK(!range_overlaps(0xE0000, 0, 0xE0000, 0x20000));   /* empty */
	/* A length that wraps past 2^64 still overlaps what follows it. */
	CHECK(range_overlaps(0x10, UINT64_MAX, 0xE0000, 0x20000));
	CHECK(range_overlaps(0xF0000, 1, 0, UINT64_MAX));
}

TEST(range_add_detects_wrap)
{
	uint64_t s;

	CHECK(range_add(1, 2, &s) && s == 3);
	CHECK(range_add(UINT64_MAX - 1, 1, &s) && s == UINT64_MAX);
	CHECK(!range_add(UINT64_MAX, 1, &s));
}
