/* Host tests of core/ksyms.c: naming the function that contains an
 * address, for crash dumps.  The tables are small hand-written ones, not
 * the hypervisor's generated ksyms[]. */
#define TEST_MAIN
#include "tests/test.h"
#include "core/ksyms.h"

#include <stdint.h>

static const struct ksym table[] = {
	{ 0xffffffff80100000ull, "_start" },
	{ 0xffffffff80100040ull, "kmain" },
	{ 0xffffffff80100100ull, "panic" },
	{ 0xffffffff80100101ull, "tiny" },
	{ 0xffffffff80100200ull, "vmx_run" },
	{ 0xffffffff80104000ull, "last_fn" },
};
#define N (sizeof table / sizeof table[0])

/* Lookup returns `name` (compared as a pointer into `table`, so the right
 * entry is found, not just an equal string) and the offset. */
#define EXPECT_SYM(tab, n, addr, idx, off)                                    \
	do {                                                                   \
		uint64_t o_ = 0xdeadbeef;                                      \
		const char *s_ = ksym_lookup((tab), (n), (addr), &o_);         \
		if (s_ != (tab)[idx].name || o_ != (uint64_t)(off))            \
			printf("  0x%llx: got %s+0x%llx\n", (unsigned long long)(addr), \
			       s_ ? s_ : "(null)", (unsigned long long)o_);     \
		CHECK(s_ == (tab)[idx].name);                                  \
		CHECK(o_ == (uint64_t)(off));                                  \
	} while (0)

TEST(ksyms_before_first_is_null)
{
	uint64_t off = 0;

	CHECK(ksym_lookup(table, N, 0, &off) == NULL);
	CHECK(ksym_lookup(table, N, 0x100000, &off) == NULL);
	CHECK(ksym_lookup(table, N, table[0].addr - 1, &off) == NULL);
}

TEST(ksyms_exact_address_offset_zero)
{
	for (size_t i = 0; i < N; i++)
		EXPECT_SYM(table, N, table[i].addr, i, 0);
}

TEST(ksyms_inside_a_function)
{
	EXPECT_SYM(table, N, 0xffffffff80100001ull, 0, 1);
	EXPECT_SYM(table, N, 0xffffffff8010003full, 0, 0x3f);
	EXPECT_SYM(table, N, 0xffffffff80100041ull, 1, 1);
	EXPECT_SYM(table, N, 0xffffffff801000ffull, 1, 0xbf);
	EXPECT_SYM(table, N, 0xffffffff80100102ull, 3, 1);
	EXPECT_SYM(table, N, 0xffffffff80100234ull, 4, 0x34);
	EXPECT_SYM(table, N, 0xffffffff80103fffull, 4, 0x3dff);
}

TEST(ksyms_after_last_is_last)
{
	EXPECT_SYM(table, N, 0xffffffff80104001ull, 5, 1);
	EXPECT_SYM(table, N, 0xffffffff80200000ull, 5, 0xfc000);
	EXPECT_SYM(table, N, UINT64_MAX, 5, UINT64_MAX - 0xffffffff80104000ull);
}

TEST(ksyms_every_address_matches_linear_search)
{
	/* Every address around the table, against the obvious linear scan,
	 * for every table length 1..N (odd and even, so the binary search's
	 * midpoints differ). */
	for (size_t n = 1; n <= N; n++) {
		for (uint64_t a = table[0].addr - 4; a < table[N - 1].addr + 8; a++) {
			const char *want = NULL;
			uint64_t want_off = 0, off = 0;
			for (size_t i = 0; i < n; i++)
				if (table[i].addr <= a) {
					want = table[i].name;
					want_off = a - table[i].addr;
				}
			const char *got = ksym_lookup(table, n, a, &off);
			if (got != want)
				printf("  n %zu addr 0x%llx: got %s want %s\n", n,
				       (unsigned long long)a, got ? got : "(null)",
				       want ? want : "(null)");
			CHECK(got == want);
			if (want)
				CHECK(off == want_off);
		}
	}
}

TEST(ksyms_empty_table)
{
	uint64_t off = 0;

	CHECK(ksym_lookup(table, 0, table[0].addr, &off) == NULL);
	CHECK(ksym_lookup(table, 0, UINT64_MAX, &off) == NULL);
	CHECK(ksym_lookup(NULL, 0, 0x1234, &off) == NULL);
}

TEST(ksyms_single_entry)
{
	static const struct ksym one[] = { { 0x1000, "only" } };
	uint64_t off = 0;

	CHECK(ksym_lookup(one, 1, 0xfff, &off) == NULL);
	EXPECT_SYM(one, 1, 0x1000, 0, 0);
	EXPECT_SYM(one, 1, 0x1234, 0, 0x234);
	EXPECT_SYM(one, 1, UINT64_MAX, 0, UINT64_MAX - 0x1000);
}

TEST(ksyms_symbol_at_zero)
{
	static const struct ksym z[] = { { 0, "zero" }, { 0x10, "ten" } };

	EXPECT_SYM(z, 2, 0, 0, 0);
	EXPECT_SYM(z, 2, 0xf, 0, 0xf);
	EXPECT_SYM(z, 2, 0x10, 1, 0);
}

TEST(ksyms_duplicate_addresses_pick_one_of_them)
{
	/* Aliases (two names at one address) must still resolve to that
	 * address with offset 0, never to a neighbour. */
	static const struct ksym d[] = {
		{ 0x100, "a" }, { 0x200, "b1" }, { 0x200, "b2" }, { 0x300, "c" },
	};
	uint64_t off = 1;
	const char *s = ksym_lookup(d, 4, 0x250, &off);

	CHECK(s == d[1].name || s == d[2].name);
	CHECK(off == 0x50);
	s = ksym_lookup(d, 4, 0x200, &off);
	CHECK(s == d[1].name || s == d[2].name);
	CHECK(off == 0);
	EXPECT_SYM(d, 4, 0x1ff, 0, 0xff);
}
