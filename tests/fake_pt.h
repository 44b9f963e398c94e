/* Fake physical memory for page-table tests that look at raw entries
 * (tests/test_vmxdecode.c, tests/test_svmdecode.c): included by each,
 * its functions static to that test. */
#ifndef TERN_TESTS_FAKE_PT_H
#define TERN_TESTS_FAKE_PT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mm/pagetable.h"

/* Fake physical memory: page i of the pool is "physical" 0x1000 * (i + 1). */
#define POOL_PAGES 64
static uint64_t *pool;
static size_t pool_used;

static uint64_t fake_alloc(void *ctx)
{
	(void)ctx;
	return pool_used < POOL_PAGES ? 0x1000ull * ++pool_used : 0;
}

static void fake_free(void *ctx, uint64_t phys)
{
	(void)ctx;
	(void)phys;
}

static uint64_t *fake_ptr(void *ctx, uint64_t phys)
{
	(void)ctx;
	if (phys == 0 || (phys & 0xFFF) || phys / 0x1000 > pool_used)
		return NULL;
	return pool + (phys / 0x1000 - 1) * 512;
}

static const struct pt_mem fake_mem = { fake_alloc, fake_free, fake_ptr, NULL };

static void fake_reset(void)
{
	free(pool);
	pool = aligned_alloc(4096, POOL_PAGES * 4096);
	memset(pool, 0x5A, POOL_PAGES * 4096);
	pool_used = 0;
}

/* The raw entries for gpa from the root (index 0 = level 4) down to the
 * leaf, which is at level `leaf`.  False if a table is missing. */
static bool walk(const struct pagetable *pt, uint64_t gpa, int leaf, uint64_t out[4])
{
	uint64_t table = pt->root;
	for (int level = 4, i = 0; level >= leaf; level--, i++) {
		uint64_t *t = fake_ptr(NULL, table & PT_ADDR_MASK);
		if (!t)
			return false;
		out[i] = t[(gpa >> (12 + 9 * (level - 1))) & 511];
		table = out[i];
	}
	return true;
}

#endif
