/*
 * Overflow-safe range arithmetic for sizes and addresses that come from
 * outside (boot information, guest images, guest registers): the checks
 * are written so that no sum can wrap, instead of `base + len <= limit`,
 * which a huge len turns true.  Pure inline code (tests/test_range.c).
 */
#ifndef TERN_LIB_RANGE_H
#define TERN_LIB_RANGE_H

#include <stdbool.h>
#include <stdint.h>

/* [base, base + len) lies inside [0, limit). */
static inline bool range_within(uint64_t base, uint64_t len, uint64_t limit)
{
	return len <= limit && base <= limit - len;
}

/* [a, a + alen) and [b, b + blen) share a byte; an empty range shares
 * none, and a range reaching past 2^64 counts up to 2^64. */
static inline bool range_overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	if (!alen || !blen)
		return false;
	return (a <= b) ? b - a < alen : a - b < blen;
}

/* *sum = a + b, or false when it would wrap. */
static inline bool range_add(uint64_t a, uint64_t b, uint64_t *sum)
{
	return !__builtin_add_overflow(a, b, sum);
}

#endif
