/* Host tests of guest/focus.c: the console's Ctrl-A commands, which
 * guests never see (DESIGN.md 4). */
#define TEST_MAIN
#include "tests/test.h"
#include "guest/focus.h"

static enum focus_action key(struct focus_keys *k, uint8_t c, uint8_t *out)
{
	*out = c;
	return focus_key(k, out);
}

TEST(plain_keys_go_to_the_guest)
{
	struct focus_keys k = { 0 };
	uint8_t b;

	CHECK(key(&k, 'a', &b) == FOCUS_SEND && b == 'a');
	CHECK(key(&k, 'n', &b) == FOCUS_SEND && b == 'n');
	CHECK(key(&k, 0x03, &b) == FOCUS_SEND && b == 0x03);   /* Ctrl-C is the guest's */
	CHECK(key(&k, '\r', &b) == FOCUS_SEND);
}

TEST(ctrl_a_n_switches)
{
	struct focus_keys k = { 0 };
	uint8_t b;

	CHECK(key(&k, FOCUS_ESCAPE, &b) == FOCUS_NONE);
	CHECK(key(&k, 'n', &b) == FOCUS_NEXT);
	CHECK(key(&k, 'n', &b) == FOCUS_SEND);                  /* the command is over */
	CHECK(key(&k, FOCUS_ESCAPE, &b) == FOCUS_NONE);
	CHECK(key(&k, 'N', &b) == FOCUS_NEXT);
}

TEST(ctrl_a_twice_sends_one_ctrl_a)
{
	struct focus_keys k = { 0 };
	uint8_t b;

	CHECK(key(&k, FOCUS_ESCAPE, &b) == FOCUS_NONE);
	CHECK(key(&k, FOCUS_ESCAPE, &b) == FOCUS_SEND && b == FOCUS_ESCAPE);
	CHECK(key(&k, 'x', &b) == FOCUS_SEND && b == 'x');
}

TEST(ctrl_a_other_key_is_help_and_swallowed)
{
	struct focus_keys k = { 0 };
	uint8_t b;

	CHECK(key(&k, FOCUS_ESCAPE, &b) == FOCUS_NONE);
	CHECK(key(&k, '?', &b) == FOCUS_HELP);
	CHECK(key(&k, 'q', &b) == FOCUS_SEND && b == 'q');
}

TEST(ctrl_a_i_sends_an_nmi)
{
	struct focus_keys k = { 0 };
	uint8_t b;

	CHECK(key(&k, 'i', &b) == FOCUS_SEND && b == 'i');     /* plain i is the guest's */
	CHECK(key(&k, FOCUS_ESCAPE, &b) == FOCUS_NONE);
	CHECK(key(&k, 'i', &b) == FOCUS_NMI);
	CHECK(key(&k, FOCUS_ESCAPE, &b) == FOCUS_NONE);
	CHECK(key(&k, 'I', &b) == FOCUS_NMI);
	CHECK(key(&k, 'i', &b) == FOCUS_SEND);
}
