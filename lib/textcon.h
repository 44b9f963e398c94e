/* A text console on a screen of character cells: the cursor, line
 * breaks, tabs and scrolling, over one of two renderers:
 *  - the PC's EGA/VGA text mode (multiboot2 framebuffer type 2), where a
 *    cell is a character byte and an attribute byte;
 *  - a linear pixel framebuffer (type 1, what UEFI's GOP hands over),
 *    where a cell is an 8x16 glyph of lib/font8x16.h.
 * Pure: the screen is memory the caller maps; tests/test_textcon.c uses
 * arrays. */
#ifndef TERN_LIB_TEXTCON_H
#define TERN_LIB_TEXTCON_H

#include <stdint.h>

struct textcon {
	volatile uint8_t *base;
	unsigned pitch;                /* bytes from one pixel row (or cell row) to the next */
	unsigned cols, rows, x, y;
	unsigned scroll_by;            /* rows moved at once when the screen is full */
	/* Pixel framebuffers only. */
	unsigned bytes_pp;             /* 2, 3 or 4 */
	uint32_t fg, bg;               /* pixel values */
	uint8_t *shadow;               /* the characters on screen, cols x rows, or NULL */
	void (*draw)(struct textcon *t, unsigned x, unsigned y, unsigned char c);
	void (*move_rows)(struct textcon *t, unsigned to, unsigned from, unsigned n);
};

#define TEXTCON_ATTR 0x07   /* light grey on black */
#define FONT_W 8
#define FONT_H 16

/* An EGA text screen of cols x rows cells, pitch_bytes per row. */
void textcon_init(struct textcon *t, volatile void *cells, unsigned cols, unsigned rows,
		  unsigned pitch_bytes);
/* How a pixel is laid out: bits per pixel, and each colour's bit
 * position and width (as the multiboot2 framebuffer tag gives them). */
struct textcon_pixels {
	unsigned bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

/* A pixel framebuffer of width x height pixels.  It draws 8-bit colour
 * fields at 24 or 32 bpp and 5-6-5 at 16: 0, or -1 for any other layout
 * or a screen it cannot hold a glyph on. */
int textcon_init_fb(struct textcon *t, volatile void *fb, unsigned width, unsigned height,
		    unsigned pitch, const struct textcon_pixels *px);
/* Right after textcon_init_fb, before the first character: keep a copy
 * of the characters on the framebuffer in `buf`, so
 * that scrolling redraws from it instead of reading pixels back (reads
 * of a framebuffer, uncached on real hardware, cost a bus round trip
 * each) and skips cells that do not change.  0, or -1 if `size` is too
 * small for the screen or it is too late (the console then moves
 * pixels). */
int textcon_set_shadow(struct textcon *t, uint8_t *buf, unsigned long size);
/* One character: '\n' ends the line, '\r' is ignored, '\t' moves to the
 * next multiple of 8, anything else is shown; the screen scrolls up at
 * the bottom. */
void textcon_putc(struct textcon *t, char c);

#endif
