/* Guest image formats, detected from the image's bytes (DESIGN.md 3). */
#ifndef TERN_GUEST_IMAGE_H
#define TERN_GUEST_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "guest/memory.h"

/* The register state an image starts with: in the flat 32-bit
 * protected mode every guest starts in, or with boot_gdt set, with
 * GDTR there and CS/DS as the Linux 32-bit boot protocol names them. */
struct image_entry {
	uint64_t rip, rax, rbx, rsi;
	uint32_t boot_gdt;
};

/* A module another guest takes as its initial RAM disk. */
struct image_initrd {
	const uint8_t *data;
	size_t size;
};

/* Load into guest memory (with an initrd: NULL for none); 0, or -1 with
 * a one-line reason in err. */
int image_load(struct guest_memory *mem, const uint8_t *image, size_t size,
	       const struct image_initrd *initrd, const char *cmdline, struct image_entry *entry,
	       char *err, size_t err_size);

#endif
