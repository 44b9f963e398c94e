/* The screen console's glyphs: 128 ASCII characters, 8x16 pixels, one
 * byte per row, most significant bit leftmost.  The data is GRUB's ASCII
 * font, taken at build time from grub-common's /usr/share/grub/ascii.h
 * (the Makefile generates build/font8x16.c; GPL-3+, as the GRUB shipped
 * on the same ISO). */
#ifndef TERN_LIB_FONT8X16_H
#define TERN_LIB_FONT8X16_H

#include <stdint.h>

extern const uint8_t font8x16[128 * 16];

#endif
