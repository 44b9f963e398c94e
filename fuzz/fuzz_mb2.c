/* libFuzzer target: the multiboot2 information parser (boot/mb2.c) on
 * any bytes, as a boot loader might hand them over. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/mb2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb2_info info;
	const char *err;
	/* The parser reads aligned words: give it an 8-byte aligned copy of
	 * exactly `size` bytes, so ASan sees any read past the end. */
	void *copy = aligned_alloc(8, (size + 7) & ~(size_t)7 ? (size + 7) & ~(size_t)7 : 8);

	memcpy(copy, data, size);
	mb2_parse(copy, size, &info, &err);
	free(copy);
	return 0;
}
