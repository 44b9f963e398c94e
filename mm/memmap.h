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

#endif
