/* A text console on a character-cell screen: the PC's EGA/VGA text mode
 * (the multiboot2 framebuffer tag of type 2), where each cell is a
 * character byte and an attribute byte.  Pure: the cells are memory the
 * caller maps; tests/test_textcon.c uses an array. */
#ifndef TERN_LIB_TEXTCON_H
#define TERN_LIB_TEXTCON_H

#include <stdint.h>

struct textcon {
	volatile uint16_t *cells;
	unsigned cols, rows, stride;   /* stride: cells from one row to the next */
	unsigned x, y;
};

#define TEXTCON_ATTR 0x07   /* light grey on black */

/* Start at the top left of a cleared screen. */
void textcon_init(struct textcon *t, volatile void *cells, unsigned cols, unsigned rows,
		  unsigned pitch_bytes);
/* One character: '\n' ends the line, '\r' is ignored, '\t' moves to the
 * next multiple of 8, anything else is shown; the screen scrolls up at
 * the bottom. */
void textcon_putc(struct textcon *t, char c);

#endif
