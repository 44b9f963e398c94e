/* Where the host's page tables must not use one large page across: the
 * boundaries of the MTRRs' memory-type ranges and of RAM.  A large page
 * that spans two memory types is undefined behaviour (SDM Vol. 3A
 * 12.11.9); with these boundaries mm/paging.c clips its large pages.
 * Pure: the MSR values come in, tests/test_mtrr.c feeds made-up ones. */
#ifndef TERN_MM_MTRR_H
#define TERN_MM_MTRR_H

#include <stddef.h>
#include <stdint.h>

#include "mm/frame.h"

#define MTRR_MAX_VAR 32

struct mtrr_state {
	uint64_t cap;                    /* IA32_MTRRCAP: VCNT in 7:0 */
	uint64_t def_type;               /* IA32_MTRR_DEF_TYPE: E bit 11 */
	uint64_t base[MTRR_MAX_VAR], mask[MTRR_MAX_VAR];   /* IA32_MTRR_PHYSBASE/PHYSMASKn */
	unsigned phys_bits;              /* MAXPHYADDR */
};

/* Boundaries inside (0, limit): the end of the fixed-range MTRRs
 * (1 MiB) and 2 MiB (mm/paging.c maps the first 2 MiB with 4 KiB pages),
 * both ends of each enabled variable MTRR range (for a mask with holes,
 * every multiple of its lowest bit), and both ends of every RAM range.
 * Sorted, without duplicates.  Returns how many; max + 1 when they did
 * not all fit (then out holds max of them, and the caller must not
 * trust large pages). */
size_t mtrr_boundaries(const struct mtrr_state *m, const struct mem_range *ram, size_t n_ram,
		       uint64_t limit, uint64_t *out, size_t max);

#endif
