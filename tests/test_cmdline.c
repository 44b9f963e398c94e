/* Host tests of lib/cmdline.c: splitting GRUB command lines into
 * key=value and bare words, and the number parsers used for option
 * values. */
#define TEST_MAIN
#include "tests/test.h"
#include "lib/cmdline.h"

#include <stdint.h>

#define MAX_WORDS 16

/* Every word cmdline_next() yields, as "key=value" or "key" strings
 * rebuilt from the (pointer, length) pairs, so tests compare text. */
struct words {
	int n;
	char text[MAX_WORDS][64];
	struct cmdline_word w[MAX_WORDS];
};

static void collect(const char *cmdline, struct words *out)
{
	struct cmdline_iter it;
	struct cmdline_word w;

	out->n = 0;
	cmdline_begin(&it, cmdline);
	while (out->n < MAX_WORDS && cmdline_next(&it, &w)) {
		char *t = out->text[out->n];
		if (w.value)
			snprintf(t, 64, "%.*s=%.*s", (int)w.key_len, w.key, (int)w.value_len,
				 w.value);
		else
			snprintf(t, 64, "%.*s", (int)w.key_len, w.key);
		out->w[out->n++] = w;
	}
}

/* A word built by hand, for the key/value helpers. */
static struct cmdline_word word_of(const char *s)
{
	struct cmdline_iter it;
	struct cmdline_word w;

	memset(&w, 0xa5, sizeof w);
	cmdline_begin(&it, s);
	if (!cmdline_next(&it, &w)) {
		w.key = NULL;
		w.key_len = 0;
	}
	return w;
}

/* ---- iteration ------------------------------------------------------- */

TEST(cmdline_key_value_and_bare_words)
{
	struct words ws;

	collect("a=1 flag b=two", &ws);
	CHECK(ws.n == 3);
	CHECK(strcmp(ws.text[0], "a=1") == 0);
	CHECK(strcmp(ws.text[1], "flag") == 0);
	CHECK(strcmp(ws.text[2], "b=two") == 0);
	CHECK(ws.w[1].value == NULL);
	CHECK(ws.w[0].key_len == 1 && ws.w[0].value_len == 1);
	CHECK(ws.w[2].value_len == 3);
}

TEST(cmdline_blanks_tabs_newlines)
{
	struct words ws;

	collect("  \t x=1\t\ty \r\n  z=  ", &ws);
	CHECK(ws.n == 3);
	CHECK(strcmp(ws.text[0], "x=1") == 0);
	CHECK(strcmp(ws.text[1], "y") == 0);
	/* "z=" has an empty (not missing) value. */
	CHECK(strcmp(ws.text[2], "z=") == 0);
	CHECK(ws.w[2].value != NULL && ws.w[2].value_len == 0);
}

TEST(cmdline_value_keeps_later_equals)
{
	struct words ws;

	collect("root=UUID=abc", &ws);
	CHECK(ws.n == 1);
	CHECK(ws.w[0].key_len == 4);
	CHECK(ws.w[0].value_len == 8);
	CHECK(strncmp(ws.w[0].value, "UUID=abc", 8) == 0);
}

TEST(cmdline_empty_and_null)
{
	struct words ws;

	collect("", &ws);
	CHECK(ws.n == 0);
	collect("   \t ", &ws);
	CHECK(ws.n == 0);
	collect(NULL, &ws);
	CHECK(ws.n == 0);
}

TEST(cmdline_next_after_end_stays_false)
{
	struct cmdline_iter it;
	struct cmdline_word w;

	cmdline_begin(&it, "a -- b");
	CHECK(cmdline_next(&it, &w));
	CHECK(!cmdline_next(&it, &w));
	CHECK(!cmdline_next(&it, &w));
	CHECK(!cmdline_next(&it, &w));
}

TEST(cmdline_design_module_line_with_path)
{
	struct words ws;
	const char *line = "/guests/hello.elf name=hello mem=16M -- console=ttyS0 foo";

	collect(line, &ws);
	CHECK(ws.n == 2);
	CHECK(strcmp(ws.text[0], "name=hello") == 0);
	CHECK(strcmp(ws.text[1], "mem=16M") == 0);
	CHECK(cmdline_after_dashes(line) != NULL);
	CHECK(strcmp(cmdline_after_dashes(line), "console=ttyS0 foo") == 0);
}

TEST(cmdline_design_module_line_without_path)
{
	struct words ws;
	const char *line = "name=hello mem=16M -- console=ttyS0 foo";

	collect(line, &ws);
	CHECK(ws.n == 2);
	CHECK(strcmp(ws.text[0], "name=hello") == 0);
	CHECK(strcmp(ws.text[1], "mem=16M") == 0);
	CHECK(strcmp(cmdline_after_dashes(line), "console=ttyS0 foo") == 0);
}

TEST(cmdline_design_hypervisor_line)
{
	struct words ws;
	uint64_t q = 0;
	char buf[16];

	collect("loglevel=debug quantum=5", &ws);
	CHECK(ws.n == 2);
	CHECK(cmdline_key_is(&ws.w[0], "loglevel"));
	CHECK(cmdline_copy_value(&ws.w[0], buf, sizeof buf));
	CHECK(strcmp(buf, "debug") == 0);
	CHECK(cmdline_key_is(&ws.w[1], "quantum"));
	CHECK(parse_uint(ws.w[1].value, ws.w[1].value_len, &q));
	CHECK(q == 5);
	CHECK(cmdline_after_dashes("loglevel=debug quantum=5") == NULL);
}

TEST(cmdline_path_skipped_only_as_first_word)
{
	struct words ws;

	/* A later path-like bare word is an ordinary word. */
	collect("a=1 /x/y", &ws);
	CHECK(ws.n == 2);
	CHECK(strcmp(ws.text[1], "/x/y") == 0);

	/* A relative path still contains '/'. */
	collect("guests/hello.elf k=v", &ws);
	CHECK(ws.n == 1);
	CHECK(strcmp(ws.text[0], "k=v") == 0);

	/* Only one path word is skipped. */
	collect("/a/b /c/d", &ws);
	CHECK(ws.n == 1);
	CHECK(strcmp(ws.text[0], "/c/d") == 0);

	/* Leading blanks do not stop the first word from being the path. */
	collect("   /boot/tern k", &ws);
	CHECK(ws.n == 1);
	CHECK(strcmp(ws.text[0], "k") == 0);
}

TEST(cmdline_first_word_with_slash_and_equals_is_kept)
{
	struct words ws;

	collect("initrd=/boot/x.img quiet", &ws);
	CHECK(ws.n == 2);
	CHECK(strcmp(ws.text[0], "initrd=/boot/x.img") == 0);
	CHECK(strcmp(ws.text[1], "quiet") == 0);

	/* Even with the '/' in the key part. */
	collect("dir/x=1 y", &ws);
	CHECK(ws.n == 2);
	CHECK(strcmp(ws.text[0], "dir/x=1") == 0);
}

TEST(cmdline_first_bare_word_without_slash_is_kept)
{
	struct words ws;

	collect("hello.elf name=x", &ws);
	CHECK(ws.n == 2);
	CHECK(strcmp(ws.text[0], "hello.elf") == 0);
}

TEST(cmdline_stops_at_dashes)
{
	struct words ws;

	collect("a -- b c", &ws);
	CHECK(ws.n == 1);
	CHECK(strcmp(ws.text[0], "a") == 0);

	/* Dashes first: nothing at all. */
	collect("-- a", &ws);
	CHECK(ws.n == 0);

	/* Path then dashes. */
	collect("/p/q -- a", &ws);
	CHECK(ws.n == 0);

	/* "---", "--x" and "x--" are ordinary words, not the separator. */
	collect("--- --x x-- -", &ws);
	CHECK(ws.n == 4);
	CHECK(strcmp(ws.text[0], "---") == 0);
	CHECK(strcmp(ws.text[1], "--x") == 0);
	CHECK(strcmp(ws.text[2], "x--") == 0);
	CHECK(strcmp(ws.text[3], "-") == 0);
}

TEST(cmdline_after_dashes_cases)
{
	CHECK(cmdline_after_dashes(NULL) == NULL);
	CHECK(cmdline_after_dashes("") == NULL);
	CHECK(cmdline_after_dashes("a b c") == NULL);
	CHECK(cmdline_after_dashes("a --b c") == NULL);
	CHECK(cmdline_after_dashes("a b--") == NULL);
	/* Leading blanks after the dashes are skipped. */
	CHECK(strcmp(cmdline_after_dashes("a --   \t x y"), "x y") == 0);
	/* Dashes at the end: an empty (not NULL) rest. */
	CHECK(cmdline_after_dashes("a --") != NULL);
	CHECK(strcmp(cmdline_after_dashes("a --"), "") == 0);
	CHECK(strcmp(cmdline_after_dashes("a --  "), "") == 0);
	/* Only the first "--" separates. */
	CHECK(strcmp(cmdline_after_dashes("-- x -- y"), "x -- y") == 0);
	/* The rest points into the original string. */
	const char *s = "k=v -- tail";
	CHECK(cmdline_after_dashes(s) == s + 7);
}

/* ---- keys and values ------------------------------------------------- */

TEST(cmdline_key_is_exact)
{
	struct cmdline_word w = word_of("mem=16M");

	CHECK(w.key != NULL);
	CHECK(cmdline_key_is(&w, "mem"));
	CHECK(!cmdline_key_is(&w, "me"));
	CHECK(!cmdline_key_is(&w, "m"));
	CHECK(!cmdline_key_is(&w, ""));
	CHECK(!cmdline_key_is(&w, "memory"));
	CHECK(!cmdline_key_is(&w, "mem="));
	CHECK(!cmdline_key_is(&w, "Mem"));

	w = word_of("quiet");
	CHECK(cmdline_key_is(&w, "quiet"));
	CHECK(!cmdline_key_is(&w, "quie"));
	CHECK(!cmdline_key_is(&w, "quieter"));

	w = word_of("=v");
	CHECK(cmdline_key_is(&w, ""));
	CHECK(!cmdline_key_is(&w, "v"));
}

TEST(cmdline_copy_value_fits)
{
	struct cmdline_word w = word_of("name=hello");
	char buf[6];

	memset(buf, 'x', sizeof buf);
	CHECK(cmdline_copy_value(&w, buf, sizeof buf));   /* exactly 5 + NUL */
	CHECK(strcmp(buf, "hello") == 0);

	/* A bare word copies its key. */
	w = word_of("verbose other");
	{
		char big[16];
		CHECK(cmdline_copy_value(&w, big, sizeof big));
		CHECK(strcmp(big, "verbose") == 0);
	}

	/* An empty value. */
	w = word_of("name=");
	CHECK(cmdline_copy_value(&w, buf, 1));
	CHECK(buf[0] == 0);
}

TEST(cmdline_copy_value_does_not_fit)
{
	struct cmdline_word w = word_of("name=hello");
	char buf[8];

	memset(buf, 'x', sizeof buf);
	CHECK(!cmdline_copy_value(&w, buf, 5));    /* needs 6 */
	CHECK(!cmdline_copy_value(&w, buf, 0));
	/* Nothing written past the size it was given. */
	CHECK(buf[5] == 'x' && buf[6] == 'x');

	w = word_of("verbose");
	CHECK(!cmdline_copy_value(&w, buf, 7));    /* needs 8 */
	CHECK(cmdline_copy_value(&w, buf, 8));
	CHECK(strcmp(buf, "verbose") == 0);

	w = word_of("name=");
	CHECK(!cmdline_copy_value(&w, buf, 0));
}

/* ---- numbers --------------------------------------------------------- */

static bool size_of(const char *s, uint64_t *out)
{
	return parse_size(s, strlen(s), out);
}

static bool uint_of(const char *s, uint64_t *out)
{
	return parse_uint(s, strlen(s), out);
}

TEST(cmdline_parse_size_suffixes)
{
	uint64_t v;

	CHECK(size_of("0", &v) && v == 0);
	CHECK(size_of("4096", &v) && v == 4096);
	CHECK(size_of("4K", &v) && v == 4096);
	CHECK(size_of("4k", &v) && v == 4096);
	CHECK(size_of("16M", &v) && v == 16ull << 20);
	CHECK(size_of("16m", &v) && v == 16ull << 20);
	CHECK(size_of("2G", &v) && v == 2ull << 30);
	CHECK(size_of("2g", &v) && v == 2ull << 30);
	CHECK(size_of("0M", &v) && v == 0);
	CHECK(size_of("007K", &v) && v == 7ull << 10);
}

TEST(cmdline_parse_size_uses_len_not_nul)
{
	uint64_t v = 0;

	/* Parsing a value in the middle of a line: only len bytes count. */
	CHECK(parse_size("16M quantum=5", 3, &v) && v == 16ull << 20);
	CHECK(parse_size("128Kx", 4, &v) && v == 128ull << 10);
	CHECK(parse_uint("5 x", 1, &v) && v == 5);
}

TEST(cmdline_parse_size_limits)
{
	uint64_t v;

	CHECK(size_of("18446744073709551615", &v) && v == UINT64_MAX);
	CHECK(size_of("17179869183G", &v) && v == (17179869183ull << 30));
	CHECK(size_of("17592186044415K", &v) && v == (17592186044415ull << 10));
}

TEST(cmdline_parse_size_rejects)
{
	uint64_t v;

	CHECK(!size_of("", &v));
	CHECK(!size_of("M", &v));
	CHECK(!size_of("k", &v));
	CHECK(!size_of("12X", &v));
	CHECK(!size_of("12KB", &v));
	CHECK(!size_of("12MK", &v));
	CHECK(!size_of("1.5G", &v));
	CHECK(!size_of("-1", &v));
	CHECK(!size_of("+1", &v));
	CHECK(!size_of(" 1", &v));
	CHECK(!size_of("1 ", &v));
	CHECK(!size_of("0x10", &v));
	CHECK(!size_of("T", &v));
	CHECK(!size_of("1T", &v));
	/* Overflow of the number itself and of the suffix shift. */
	CHECK(!size_of("18446744073709551616", &v));
	CHECK(!size_of("99999999999999999999", &v));
	CHECK(!size_of("99999999999G", &v));
	CHECK(!size_of("17179869184G", &v));       /* exactly 2^64 */
	CHECK(!size_of("17592186044416M", &v));    /* exactly 2^64 */
	CHECK(!size_of("18014398509481984K", &v)); /* exactly 2^64 */
	CHECK(!size_of("18446744073709551615K", &v));
}

TEST(cmdline_parse_uint_cases)
{
	uint64_t v;

	CHECK(uint_of("0", &v) && v == 0);
	CHECK(uint_of("5", &v) && v == 5);
	CHECK(uint_of("1234567890", &v) && v == 1234567890ull);
	CHECK(uint_of("18446744073709551615", &v) && v == UINT64_MAX);
	CHECK(uint_of("18446744073709551610", &v) && v == UINT64_MAX - 5);
	CHECK(!uint_of("", &v));
	CHECK(!uint_of("18446744073709551616", &v));
	CHECK(!uint_of("18446744073709551620", &v));
	CHECK(!uint_of("184467440737095516150", &v));
	CHECK(!uint_of("16M", &v));
	CHECK(!uint_of("1K", &v));
	CHECK(!uint_of("12a", &v));
	CHECK(!uint_of("-3", &v));
	CHECK(!uint_of(" 3", &v));
}

TEST(cmdline_parse_design_mem_value)
{
	struct words ws;
	uint64_t mem = 0;

	collect("/guests/hello.elf name=hello mem=16M -- console=ttyS0 foo", &ws);
	CHECK(ws.n == 2);
	CHECK(cmdline_key_is(&ws.w[1], "mem"));
	CHECK(parse_size(ws.w[1].value, ws.w[1].value_len, &mem));
	CHECK(mem == 16ull << 20);
}
