/* Host tests of lib/textcon.c: the text-mode screen console. */
#define TEST_MAIN
#include "tests/test.h"
#include "lib/textcon.h"

static uint16_t screen[25 * 80];

static char at(unsigned x, unsigned y)
{
	return (char)(screen[y * 80 + x] & 0xFF);
}

static void puts_(struct textcon *t, const char *s)
{
	while (*s)
		textcon_putc(t, *s++);
}

TEST(textcon_writes_and_wraps)
{
	struct textcon t;

	memset(screen, 0xAB, sizeof screen);
	textcon_init(&t, screen, 80, 25, 160);
	CHECK(at(0, 0) == ' ' && (screen[0] >> 8) == TEXTCON_ATTR && at(79, 24) == ' ');
	puts_(&t, "tern: hello\r\n");
	CHECK(at(0, 0) == 't' && at(10, 0) == 'o' && at(11, 0) == ' ' && t.x == 0 && t.y == 1);
	for (int i = 0; i < 85; i++)
		textcon_putc(&t, 'x');
	CHECK(at(79, 1) == 'x' && at(4, 2) == 'x' && at(5, 2) == ' ');
	puts_(&t, "\n\tA\x01");
	CHECK(at(8, 3) == 'A' && at(9, 3) == '?');
}

TEST(textcon_scrolls)
{
	struct textcon t;
	char line[8];

	textcon_init(&t, screen, 80, 25, 160);
	for (int i = 0; i < 30; i++) {
		line[0] = (char)('a' + i % 26);
		line[1] = '\n';
		line[2] = 0;
		puts_(&t, line);
	}
	/* 30 lines on 25 rows: rows show lines 6..29, the cursor row is empty. */
	CHECK(at(0, 0) == 'g' && at(0, 23) == 'd' && at(0, 24) == ' ' && t.y == 24);
}

TEST(textcon_pitch_wider_than_text)
{
	static uint16_t wide[25 * 100];
	struct textcon t;

	textcon_init(&t, wide, 80, 25, 200);
	puts_(&t, "a\nb");
	CHECK((wide[0] & 0xFF) == 'a' && (wide[100] & 0xFF) == 'b');
}

/* ---- pixel framebuffers ---- */

#include "lib/font8x16.h"

/* BGRX (GOP's usual), RGB at 24 bpp, 5-6-5 at 16. */
static const struct textcon_pixels bgrx32 = { 32, 16, 8, 8, 8, 0, 8 };
static const struct textcon_pixels rgb24 = { 24, 0, 8, 8, 8, 16, 8 };
static const struct textcon_pixels rgb565 = { 16, 11, 5, 5, 6, 0, 5 };

#define FB_W 64   /* 8 columns */
#define FB_H 64   /* 4 rows */

/* The character drawn in cell (x, y) of a 32-bpp framebuffer, found by
 * matching its pixels against every glyph; -1 if none matches. */
static int fb_char_at(const uint32_t *fb, unsigned pitch_px, unsigned x, unsigned y, uint32_t fg)
{
	for (int c = 0x20; c < 0x7F; c++) {
		const uint8_t *g = font8x16 + c * FONT_H;
		int ok = 1;

		for (unsigned gy = 0; gy < FONT_H && ok; gy++)
			for (unsigned gx = 0; gx < FONT_W && ok; gx++) {
				uint32_t px = fb[(y * FONT_H + gy) * pitch_px + x * FONT_W + gx];
				ok = px == ((g[gy] & (0x80 >> gx)) ? fg : 0);
			}
		if (ok)
			return c;
	}
	return -1;
}

TEST(textcon_fb_draws_glyphs)
{
	static uint32_t fb[FB_H * (FB_W + 8)];
	struct textcon t;

	memset(fb, 0x5A, sizeof fb);
	/* Pitch wider than the visible width, red at bit 16 (BGRX, GOP's usual). */
	CHECK(textcon_init_fb(&t, fb, FB_W, FB_H, (FB_W + 8) * 4, &bgrx32) == 0);
	CHECK(t.cols == 8 && t.rows == 4 && t.fg == 0xAAAAAA);
	CHECK(fb_char_at(fb, FB_W + 8, 7, 3, t.fg) == ' ');
	puts_(&t, "Tern!\nA");
	CHECK(fb_char_at(fb, FB_W + 8, 0, 0, t.fg) == 'T' && fb_char_at(fb, FB_W + 8, 4, 0, t.fg) == '!');
	CHECK(fb_char_at(fb, FB_W + 8, 0, 1, t.fg) == 'A' && fb_char_at(fb, FB_W + 8, 1, 1, t.fg) == ' ');
	/* The padding beyond the visible width is not the console's. */
	CHECK(fb[FB_W] == 0x5A5A5A5A && fb[(FB_H - 1) * (FB_W + 8) + FB_W + 7] == 0x5A5A5A5A);
	/* Glyphs differ: a font of blanks would pass nothing above. */
	CHECK(fb_char_at(fb, FB_W + 8, 1, 0, t.fg) == 'e');
}

TEST(textcon_fb_scrolls_half_a_screen)
{
	static uint32_t fb[FB_H * FB_W];
	struct textcon t;

	CHECK(textcon_init_fb(&t, fb, FB_W, FB_H, FB_W * 4, &bgrx32) == 0);
	puts_(&t, "a\nb\nc\nd\ne");
	/* Four rows: the fourth newline moved c, d up by two rows. */
	CHECK(fb_char_at(fb, FB_W, 0, 0, t.fg) == 'c' && fb_char_at(fb, FB_W, 0, 1, t.fg) == 'd');
	CHECK(fb_char_at(fb, FB_W, 0, 2, t.fg) == 'e' && fb_char_at(fb, FB_W, 0, 3, t.fg) == ' ');
	CHECK(t.y == 2 && t.x == 1);
}

TEST(textcon_fb_24_and_16_bpp)
{
	static uint8_t fb[FB_H * FB_W * 3];
	struct textcon t;

	CHECK(textcon_init_fb(&t, fb, FB_W, FB_H, FB_W * 3, &rgb24) == 0);
	puts_(&t, "|");
	/* '|' has a lit pixel in row 8 somewhere: find it, three bytes 0xAA. */
	int lit = 0;
	for (unsigned x = 0; x < FONT_W; x++) {
		const uint8_t *p = fb + 8 * FB_W * 3 + x * 3;
		lit += p[0] == 0xAA && p[1] == 0xAA && p[2] == 0xAA;
	}
	CHECK(lit >= 1 && lit < FONT_W);
	CHECK(textcon_init_fb(&t, fb, FB_W, FB_H, FB_W * 2, &rgb565) == 0);
	CHECK(t.fg == (0x15u << 11 | 0x2Au << 5 | 0x15u));
}

TEST(textcon_fb_rejects_what_it_cannot_draw)
{
	static uint32_t fb[FB_H * FB_W];
	struct textcon t;

	CHECK(textcon_init_fb(&t, fb, FB_W, FB_H, FB_W * 4, &(struct textcon_pixels){ 8, 0, 3, 3, 3, 6, 2 }) == -1);
	/* 32 bpp with 10-bit colour fields: not 8-8-8. */
	CHECK(textcon_init_fb(&t, fb, FB_W, FB_H, FB_W * 4, &(struct textcon_pixels){ 32, 20, 10, 10, 10, 0, 10 }) == -1);
	CHECK(textcon_init_fb(&t, fb, FB_W, FB_H, FB_W * 2, &bgrx32) == -1);  /* pitch too small */
	CHECK(textcon_init_fb(&t, fb, 4, FB_H, 16, &bgrx32) == -1);          /* narrower than a glyph */
}

TEST(textcon_fb_shadow_redraws_from_characters)
{
	static uint32_t fb[FB_H * FB_W];
	static uint8_t shadow[8 * 4], small[8 * 3];
	struct textcon t;

	CHECK(textcon_init_fb(&t, fb, FB_W, FB_H, FB_W * 4, &bgrx32) == 0);
	CHECK(textcon_set_shadow(&t, small, sizeof small) == -1);
	CHECK(textcon_set_shadow(&t, shadow, sizeof shadow) == 0 && shadow[31] == ' ');
	puts_(&t, "a\nb\nc\nd");
	CHECK(shadow[0] == 'a' && shadow[3 * 8] == 'd');
	/* Smudge a pixel of 'c' on screen: a scroll that reads pixels would
	 * carry the smudge up; one that redraws from the shadow does not. */
	fb[2 * FONT_H * FB_W + FB_W + 1] = 0x123456;
	puts_(&t, "\ne");
	CHECK(fb_char_at(fb, FB_W, 0, 0, t.fg) == 'c' && fb_char_at(fb, FB_W, 0, 1, t.fg) == 'd');
	CHECK(fb_char_at(fb, FB_W, 0, 2, t.fg) == 'e' && fb_char_at(fb, FB_W, 0, 3, t.fg) == ' ');
	CHECK(shadow[0] == 'c' && shadow[8] == 'd' && shadow[16] == 'e' && shadow[24] == ' ');
	/* Too late once something is on screen; an EGA screen has no use for one. */
	CHECK(textcon_set_shadow(&t, shadow, sizeof shadow) == -1);
	textcon_init(&t, screen, 80, 25, 160);
	CHECK(textcon_set_shadow(&t, shadow, sizeof shadow) == -1);
}
