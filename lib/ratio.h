/* The best approximation of p/q by a fraction num/den with both at most
 * max (continued fractions, with the last step's semiconvergent: no
 * fraction with terms that small is nearer).  For CPUID leaf 0x15,
 * whose TSC/crystal ratio guests multiply in 32 bits.  Pure inline code
 * for p, q below 2^32 (tests/test_ratio.c). */
#ifndef TERN_LIB_RATIO_H
#define TERN_LIB_RATIO_H

#include <stdint.h>

/* |a/b - p/q| scaled by b*q: |a*q - b*p|. */
static inline uint64_t ratio_error(uint64_t a, uint64_t b, uint64_t p, uint64_t q)
{
	return a * q > b * p ? a * q - b * p : b * p - a * q;
}

static inline void ratio_approx(uint64_t p, uint64_t q, uint32_t max, uint32_t *num, uint32_t *den)
{
	uint64_t h0 = 0, h1 = 1, k0 = 1, k1 = 0, x = p, y = q;

	while (y) {
		uint64_t a = x / y, h2 = a * h1 + h0, k2 = a * k1 + k0, r = x % y;

		if (h2 > max || k2 > max) {
			/* The largest semiconvergent within max, if nearer. */
			uint64_t t = h1 ? (max - h0) / h1 : a;
			if (k1 && (max - k0) / k1 < t)
				t = (max - k0) / k1;
			uint64_t hs = t * h1 + h0, ks = t * k1 + k0;
			if (!k1 || (ks && ratio_error(hs, ks, p, q) * k1 < ratio_error(h1, k1, p, q) * ks))
				h1 = hs, k1 = ks;
			break;
		}
		h0 = h1, h1 = h2, k0 = k1, k1 = k2, x = y, y = r;
	}
	*num = (uint32_t)h1;
	*den = (uint32_t)(k1 ? k1 : 1);
}

#endif
