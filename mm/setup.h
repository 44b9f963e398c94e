/* Taking ownership of physical memory at boot: the boot memory map minus
 * the first MiB, the hypervisor image, the multiboot2 information and the
 * modules goes to the frame allocator (docs/memory.md). */
#ifndef TERN_MM_SETUP_H
#define TERN_MM_SETUP_H

#include "boot/mb2.h"
#include "mm/frame.h"

extern struct frame_alloc frames;

struct mm_summary {
	uint64_t usable_bytes;      /* sum of available entries in the map */
	size_t usable_regions;
	uint64_t highest_usable;    /* end of the highest available entry */
};

/* Build the direct map and the frame allocator.  `info` was parsed
 * through the boot identity map; returns what the summary prints. */
void mm_init(const struct mb2_info *info, uint64_t info_phys, struct mm_summary *sum);

/* A zero-filled block of 2^order frames, or FRAME_NONE. */
uint64_t frame_alloc_zeroed(unsigned order);

/* "tern: frames: ..." lines, per order at debug level. */
void mm_print_frames(void);

#endif
