/* Little-endian fields in byte buffers that come from outside (boot
 * images, firmware tables, a guest's TSS), read and written a byte at a
 * time: no alignment is assumed, and the result is the same on any
 * host.  Pure inline code. */
#ifndef TERN_LIB_LE_H
#define TERN_LIB_LE_H

#include <stdint.h>

/* The width-byte (1 to 8) little-endian value at p. */
static inline uint64_t le_get(const uint8_t *p, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void le_put(uint8_t *p, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t le16(const uint8_t *p) { return (uint16_t)le_get(p, 2); }
static inline uint32_t le32(const uint8_t *p) { return (uint32_t)le_get(p, 4); }
static inline uint64_t le64(const uint8_t *p) { return le_get(p, 8); }

#endif
