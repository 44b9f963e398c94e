#include "lib/textcon.h"

static void clear_row(struct textcon *t, unsigned y)
{
	for (unsigned x = 0; x < t->cols; x++)
		t->cells[y * t->stride + x] = (uint16_t)(TEXTCON_ATTR << 8 | ' ');
}

void textcon_init(struct textcon *t, volatile void *cells, unsigned cols, unsigned rows,
		  unsigned pitch_bytes)
{
	t->cells = cells;
	t->cols = cols;
	t->rows = rows;
	t->stride = pitch_bytes / 2 >= cols ? pitch_bytes / 2 : cols;
	t->x = t->y = 0;
	for (unsigned y = 0; y < rows; y++)
		clear_row(t, y);
}

static void newline(struct textcon *t)
{
	t->x = 0;
	if (++t->y < t->rows)
		return;
	for (unsigned y = 1; y < t->rows; y++)
		for (unsigned x = 0; x < t->cols; x++)
			t->cells[(y - 1) * t->stride + x] = t->cells[y * t->stride + x];
	clear_row(t, t->rows - 1);
	t->y = t->rows - 1;
}

void textcon_putc(struct textcon *t, char c)
{
	if (!t->cells || !t->cols || !t->rows)
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
	t->cells[t->y * t->stride + t->x++] =
		(uint16_t)(TEXTCON_ATTR << 8 | ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7F ? (unsigned char)c : '?'));
}
