/* Guest image formats, detected from the image's bytes (DESIGN.md 3). */
#ifndef TERN_GUEST_IMAGE_H
#define TERN_GUEST_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "guest/memory.h"

/* The register state an image starts with. */
struct image_entry {
	uint64_t rip, rax, rbx;
};

/* Load into guest memory; 0, or -1 with a one-line reason in err. */
int image_load(struct guest_memory *mem, const uint8_t *image, size_t size, const char *cmdline,
	       struct image_entry *entry, char *err, size_t err_size);

#endif
