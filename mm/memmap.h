/* Working with physical ranges of the boot memory map before the frame
 * allocator exists.  Pure code (tests/test_memmap.c). */
#ifndef TERN_MM_MEMMAP_H
#define TERN_MM_MEMMAP_H

#include "mm/frame.h"

/* Lowest base >= min, aligned to align (a power of two), with
 * [base, base + size) inside one usable range, below limit, and touching
 * no reserved range.  FRAME_NONE if there is none. */
uint64_t memmap_find_free(const struct mem_range *usable, size_t n_usable,
			  const struct mem_range *reserved, size_t n_reserved,
			  uint64_t size, uint64_t align, uint64_t min, uint64_t limit);

/* The lowest free extent at or above min and below limit: out->base is
 * the lowest free 4 KiB-aligned address, out->end (4 KiB-aligned) where
 * its usable range, limit or the next reserved range ends it.  Returns 0
 * if there is none. */
int memmap_free_extent(const struct mem_range *usable, size_t n_usable,
		       const struct mem_range *reserved, size_t n_reserved,
		       uint64_t min, uint64_t limit, struct mem_range *out);

#endif
