#include "lib/textcon.h"

#include <stdbool.h>
#include "lib/font8x16.h"

/* ---- EGA text cells ---- */

static void ega_draw(struct textcon *t, unsigned x, unsigned y, unsigned char c)
{
	volatile uint16_t *row = (volatile uint16_t *)(t->base + (uint64_t)y * t->pitch);
	row[x] = (uint16_t)(TEXTCON_ATTR << 8 | c);
}

static void ega_move_rows(struct textcon *t, unsigned to, unsigned from, unsigned n)
{
	for (unsigned r = 0; r < n; r++) {
		volatile uint16_t *d = (volatile uint16_t *)(t->base + (uint64_t)(to + r) * t->pitch);
		volatile uint16_t *s = (volatile uint16_t *)(t->base + (uint64_t)(from + r) * t->pitch);
		for (unsigned x = 0; x < t->cols; x++)
			d[x] = s[x];
	}
}

void textcon_init(struct textcon *t, volatile void *cells, unsigned cols, unsigned rows,
		  unsigned pitch_bytes)
{
	*t = (struct textcon){ .base = cells, .cols = cols, .rows = rows, .scroll_by = 1,
			       .pitch = pitch_bytes >= 2 * cols ? pitch_bytes : 2 * cols,
			       .draw = ega_draw, .move_rows = ega_move_rows };
	for (unsigned y = 0; y < rows; y++)
		for (unsigned x = 0; x < cols; x++)
			ega_draw(t, x, y, ' ');
}

/* ---- pixel framebuffers ---- */

static void put_pixel(volatile uint8_t *p, unsigned bytes_pp, uint32_t v)
{
	if (bytes_pp == 4) {
		*(volatile uint32_t *)p = v;
	} else if (bytes_pp == 2) {
		*(volatile uint16_t *)p = (uint16_t)v;
	} else {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)(v >> 16);
	}
}

static void fb_render(struct textcon *t, unsigned x, unsigned y, unsigned char c)
{
	const uint8_t *glyph = font8x16 + (c & 0x7F) * FONT_H;

	for (unsigned gy = 0; gy < FONT_H; gy++) {
		volatile uint8_t *p = t->base + (uint64_t)(y * FONT_H + gy) * t->pitch +
				      (uint64_t)x * FONT_W * t->bytes_pp;
		for (unsigned gx = 0; gx < FONT_W; gx++, p += t->bytes_pp)
			put_pixel(p, t->bytes_pp, glyph[gy] & (0x80 >> gx) ? t->fg : t->bg);
	}
}

static void fb_draw(struct textcon *t, unsigned x, unsigned y, unsigned char c)
{
	uint8_t *was = t->shadow ? &t->shadow[y * t->cols + x] : 0;

	if (was && *was == c)
		return;
	fb_render(t, x, y, c);
	if (was)
		*was = c;
}

/* Rows move up (to < from), so each source row is read before it is
 * overwritten.  With a shadow, cells are redrawn from it; without, whole
 * pixel rows are copied, eight bytes at a time where the pitch allows. */
static void fb_move_rows(struct textcon *t, unsigned to, unsigned from, unsigned n)
{
	uint64_t bytes = (uint64_t)n * FONT_H * t->pitch;
	volatile uint8_t *d = t->base + (uint64_t)to * FONT_H * t->pitch;
	volatile uint8_t *s = t->base + (uint64_t)from * FONT_H * t->pitch;

	if (t->shadow) {
		for (unsigned r = 0; r < n; r++)
			for (unsigned x = 0; x < t->cols; x++)
				fb_draw(t, x, to + r, t->shadow[(from + r) * t->cols + x]);
	} else if (!(bytes & 7) && !(t->pitch & 7)) {
		for (uint64_t i = 0; i < bytes / 8; i++)
			((volatile uint64_t *)d)[i] = ((volatile uint64_t *)s)[i];
	} else {
		for (uint64_t i = 0; i < bytes; i++)
			d[i] = s[i];
	}
}

int textcon_set_shadow(struct textcon *t, uint8_t *buf, unsigned long size)
{
	if (t->draw != fb_draw || t->x || t->y || size < (unsigned long)t->cols * t->rows)
		return -1;
	/* The screen as textcon_init_fb left it: blank. */
	for (unsigned long i = 0; i < (unsigned long)t->cols * t->rows; i++)
		buf[i] = ' ';
	t->shadow = buf;
	return 0;
}

static bool pixels_supported(const struct textcon_pixels *px)
{
	if (px->bpp == 16)
		return px->red_size == 5 && px->green_size == 6 && px->blue_size == 5;
	return (px->bpp == 24 || px->bpp == 32) &&
	       px->red_size == 8 && px->green_size == 8 && px->blue_size == 8;
}

int textcon_init_fb(struct textcon *t, volatile void *fb, unsigned width, unsigned height,
		    unsigned pitch, const struct textcon_pixels *px)
{
	unsigned bpp = px->bpp;
	uint32_t grey;

	if (!pixels_supported(px) || width < FONT_W || height < FONT_H || pitch < width * (bpp / 8))
		return -1;
	/* Light grey: 0xAA in 8-bit fields, 0x15/0x2A in 5-6-5. */
	grey = bpp == 16 ? (0x15u << px->red_pos | 0x2Au << px->green_pos | 0x15u << px->blue_pos)
			 : (0xAAu << px->red_pos | 0xAAu << px->green_pos | 0xAAu << px->blue_pos);
	*t = (struct textcon){ .base = fb, .pitch = pitch, .cols = width / FONT_W,
			       .rows = height / FONT_H, .bytes_pp = bpp / 8, .fg = grey, .bg = 0,
			       .draw = fb_draw, .move_rows = fb_move_rows };
	/* Moving a framebuffer is slow: half a screen at once. */
	t->scroll_by = t->rows / 2 ? t->rows / 2 : 1;
	for (unsigned y = 0; y < t->rows; y++)
		for (unsigned x = 0; x < t->cols; x++)
			fb_draw(t, x, y, ' ');
	return 0;
}

/* ---- the cursor ---- */

static void newline(struct textcon *t)
{
	t->x = 0;
	if (++t->y < t->rows)
		return;
	t->move_rows(t, 0, t->scroll_by, t->rows - t->scroll_by);
	for (unsigned y = t->rows - t->scroll_by; y < t->rows; y++)
		for (unsigned x = 0; x < t->cols; x++)
			t->draw(t, x, y, ' ');
	t->y = t->rows - t->scroll_by;
}

void textcon_putc(struct textcon *t, char c)
{
	unsigned char ch = (unsigned char)c;

	if (!t->base || !t->cols || !t->rows)
		return;
	if (c == '\n') {
		newline(t);
		return;
	}
	if (c == '\r')
		return;
	if (c == '\t') {
		do
			textcon_putc(t, ' ');
		while (t->x % 8);
		return;
	}
	if (t->x == t->cols)
		newline(t);
	t->draw(t, t->x++, t->y, ch >= 0x20 && ch < 0x7F ? ch : '?');
}
