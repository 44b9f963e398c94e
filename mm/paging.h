/*
 * The hypervisor's own address space (docs/memory.md):
 *   0xFFFF800000000000 + P   direct map of physical address P, for all
 *                            of [0, max(4 GiB, end of RAM))
 *   0xFFFFFFFF80000000 + L   the hypervisor image, linked at L (from
 *                            2 MiB) and loaded at L + image_load_offset,
 *                            wherever GRUB put it (boot/header.asm)
 * Nothing is mapped at low addresses once paging_init() has run, so a
 * NULL dereference faults.
 */
#ifndef TERN_MM_PAGING_H
#define TERN_MM_PAGING_H

#include <stddef.h>
#include <stdint.h>

#include "mm/frame.h"

#define DIRECT_MAP_BASE 0xFFFF800000000000ull
#define KERNEL_VMA      0xFFFFFFFF80000000ull

/* 0 while the boot identity map is live, DIRECT_MAP_BASE afterwards. */
extern uint64_t phys_map_offset;
/* Physical minus link address of the image: 0 unless the boot loader
 * relocated it; a multiple of 2 MiB (set by boot/entry.asm). */
extern uint64_t image_load_offset;

static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(phys + phys_map_offset);
}

static inline uint64_t virt_to_phys(const void *virt)
{
	uint64_t v = (uint64_t)virt;
	return v >= KERNEL_VMA ? v - KERNEL_VMA + image_load_offset : v - phys_map_offset;
}

/* How many 4 KiB tables paging_init may need for RAM up to max_phys. */
size_t paging_tables_bound(uint64_t max_phys);
/* Build the final page tables from the pool (n_pool free extents below
 * 4 GiB, reached through the boot identity map, used in order) and switch
 * to them.  Shrinks each extent to the part used and returns the number
 * of tables.  The direct map of wc (4 KiB-aligned; NULL for none: the
 * framebuffer) is write-combining. */
size_t paging_init(uint64_t max_phys, struct mem_range *pool, size_t n_pool,
		   const struct mem_range *ram, size_t n_ram, const struct mem_range *wc);
/* First physical address the direct map does not cover. */
uint64_t paging_direct_map_limit(void);
uint64_t paging_root(void);

#endif
