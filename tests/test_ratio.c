/* Host tests of lib/ratio.h: the best fraction with bounded terms, as
 * CPUID leaf 0x15 reports the TSC against a 1 GHz crystal. */
#define TEST_MAIN
#include "tests/test.h"
#include "lib/ratio.h"

#include <stdint.h>

/* No fraction with terms up to max is nearer (brute force). */
static int best(uint64_t p, uint64_t q, uint32_t max)
{
	uint32_t n, d;

	ratio_approx(p, q, max, &n, &d);
	if (!d || n > max || d > max)
		return 0;
	for (uint64_t b = 1; b <= max; b++) {
		uint64_t a = (p * b + q / 2) / q;   /* the nearest numerator for b */
		for (uint64_t c = a ? a - 1 : 0; c <= a + 1 && c <= max; c++)
			if (ratio_error(c, b, p, q) * d < ratio_error(n, d, p, q) * b)
				return 0;
	}
	return 1;
}

TEST(ratio_exact_and_small)
{
	uint32_t n, d;

	ratio_approx(50000, 1000000, 4294, &n, &d);
	CHECK(n == 1 && d == 20);
	ratio_approx(3500000, 1000000, 4294, &n, &d);
	CHECK(n == 7 && d == 2);
	ratio_approx(0, 1000000, 4294, &n, &d);
	CHECK(n == 0 && d == 1);
	ratio_approx(5000000000ull, 1000, 4294, &n, &d);   /* beyond max: the largest */
	CHECK(n == 4294 && d == 1);
}

TEST(ratio_is_the_best)
{
	static const uint64_t tsc_khz[] = { 49998, 49995, 2098026, 2098416, 3499912, 1000000,
					    2399999, 333333, 1, 999999, 4294967 };
	for (unsigned i = 0; i < sizeof tsc_khz / sizeof tsc_khz[0]; i++)
		CHECK(best(tsc_khz[i], 1000000, 4294));
	CHECK(best(355, 113, 100));
	CHECK(best(31415926, 10000000, 1000));
}

TEST(ratio_error_small_for_tsc_rates)
{
	/* Within 100 ppm for the TSC rates of this machine's emulators. */
	static const uint64_t tsc_khz[] = { 49998, 2098026, 3499912 };
	for (unsigned i = 0; i < 3; i++) {
		uint32_t n, d;
		ratio_approx(tsc_khz[i], 1000000, 4294, &n, &d);
		uint64_t got = 1000000ull * n / d;
		CHECK((got > tsc_khz[i] ? got - tsc_khz[i] : tsc_khz[i] - got) * 10000 <= tsc_khz[i]);
	}
}
