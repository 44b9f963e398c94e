/* libFuzzer target: the guest page walker (guest/gva.c) over a fuzzed
 * guest memory: the first 40 bytes give CR0, CR3, CR4, EFER and the
 * linear address, the rest is guest-physical memory from 0. */
#include <stdint.h>
#include <string.h>

#include "guest/gva.h"

static const uint8_t *mem;
static size_t mem_size;

static int rd(void *ctx, uint64_t gpa, void *dst, unsigned size)
{
	(void)ctx;
	if (gpa >= mem_size || mem_size - gpa < size)
		return -1;
	memcpy(dst, mem + gpa, size);
	return 0;
}

static int wr(void *ctx, uint64_t gpa, const void *src, unsigned size)
{
	(void)ctx, (void)src;
	return gpa >= mem_size || mem_size - gpa < size ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t r[5], gpa;
	uint32_t pf;

	if (size < sizeof r)
		return 0;
	memcpy(r, data, sizeof r);
	mem = data + sizeof r;
	mem_size = size - sizeof r;
	struct gva_mode m = { r[0], r[1], r[2], r[3], rd, NULL, wr, (unsigned)(r[4] >> 58) };
	gva_translate(&m, r[4], (unsigned)r[4] & 6, &gpa, &pf);
	return 0;
}
