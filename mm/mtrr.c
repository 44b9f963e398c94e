#include "mm/mtrr.h"

#include <stdbool.h>

#define MTRR_ENABLE     (1ull << 11)   /* in DEF_TYPE: MTRRs on */
#define MTRR_MASK_VALID (1ull << 11)   /* in PHYSMASKn */
#define MIB             (1ull << 20)

static void add(uint64_t *out, size_t *n, size_t max, uint64_t v, uint64_t limit)
{
	size_t i, j;

	v &= ~0xFFFull;   /* pages are 4 KiB at the least: a boundary inside one is its start */
	if (v == 0 || v >= limit)
		return;
	if (*n > max)
		return;
	for (i = 0; i < *n && out[i] < v; i++)
		;
	if (i < *n && out[i] == v)
		return;
	if (*n == max) {
		*n = max + 1;   /* overflow: the caller is told */
		return;
	}
	for (j = *n; j > i; j--)
		out[j] = out[j - 1];
	out[i] = v;
	(*n)++;
}

size_t mtrr_boundaries(const struct mtrr_state *m, const struct mem_range *ram, size_t n_ram,
		       uint64_t limit, uint64_t *out, size_t max)
{
	uint64_t addr_mask = (m->phys_bits >= 64 ? ~0ull : (1ull << m->phys_bits) - 1) & ~0xFFFull;
	unsigned vcnt = (unsigned)(m->cap & 0xFF);
	size_t n = 0;

	add(out, &n, max, 1 * MIB, limit);
	add(out, &n, max, 2 * MIB, limit);
	if ((m->def_type & MTRR_ENABLE) && vcnt) {
		if (vcnt > MTRR_MAX_VAR)
			vcnt = MTRR_MAX_VAR;
		for (unsigned i = 0; i < vcnt; i++) {
			uint64_t mask = m->mask[i] & addr_mask, base = m->base[i] & addr_mask;
			uint64_t size;
			if (!(m->mask[i] & MTRR_MASK_VALID) || !mask)
				continue;
			/* A range is contiguous when the mask is all ones from
			 * its lowest set bit up (12.11.3); other masks make
			 * scattered ranges: then every 4 KiB could change type,
			 * so the range's alignment unit is its lowest mask bit. */
			size = mask & -mask;
			if (((mask | (size - 1)) & addr_mask) == addr_mask) {
				add(out, &n, max, base & mask, limit);
				add(out, &n, max, (base & mask) + size, limit);
			} else {
				/* Scattered: bound every page by the smallest unit. */
				for (uint64_t a = 0; a < limit && n <= max; a += size)
					add(out, &n, max, a, limit);
			}
		}
	}
	for (size_t i = 0; i < n_ram; i++) {
		add(out, &n, max, ram[i].base, limit);
		add(out, &n, max, ram[i].end, limit);
	}
	return n;
}
