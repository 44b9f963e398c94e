/* libFuzzer target: the multiboot loader (guest/multiboot.c) on any
 * image: header search, a.out kludge or ELF32/64 loading into 16 MiB of
 * guest RAM (writes bounds-checked here), and the information block. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest/multiboot.h"

#define RAM (16u << 20)

static int write_ram(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	(void)ctx, (void)src;
	if (gpa > RAM || len > RAM - gpa)
		abort();   /* the loader must check before it writes */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_writer w = { write_ram, NULL };
	struct multiboot_image mb;
	char err[160];
	uint32_t mbi;
	uint8_t *image = malloc(size ? size : 1);

	memcpy(image, data, size);
	if (multiboot_find_header(image, size) >= 0 &&
	    !multiboot_load(image, size, RAM, &w, &mb, err, sizeof err))
		multiboot_write_info(&mb, RAM, "a -- b", &w, &mbi, err, sizeof err);
	free(image);
	return 0;
}
