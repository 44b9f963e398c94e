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
