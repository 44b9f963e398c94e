/* Host tests of guest/config.c: a guest's module command line
 * "[path] name=NAME mem=SIZE [-- guest command line]" (DESIGN.md 3),
 * the values it accepts and the one-line reasons it gives otherwise. */
#define TEST_MAIN
#include "tests/test.h"
#include "guest/config.h"

#include <stdint.h>

static char err[256];

static int parse(const char *line, struct guest_config *cfg)
{
	memset(cfg, 0xa5, sizeof *cfg);
	memset(err, 0, sizeof err);
	return guest_config_parse(line, cfg, err, sizeof err);
}

/* The reason is non-empty, one line, and names `what` (the option word
 * or the missing option). */
static int one_line_naming(const char *what)
{
	if (!err[0] || strchr(err, '\n') || strchr(err, '\r'))
		return 0;
	if (!strstr(err, what)) {
		printf("  error \"%s\" does not name \"%s\"\n", err, what);
		return 0;
	}
	return 1;
}

/* ---- accepted lines -------------------------------------------------- */

TEST(config_minimal)
{
	struct guest_config cfg;

	CHECK(parse("name=hello mem=16M", &cfg) == 0);
	CHECK(strcmp(cfg.name, "hello") == 0);
	CHECK(cfg.mem == 16ull << 20);
	CHECK(cfg.cmdline != NULL);
	CHECK(strcmp(cfg.cmdline, "") == 0);
}

TEST(config_leading_path_is_skipped)
{
	struct guest_config cfg;

	CHECK(parse("/guests/hello.elf name=hello mem=16M", &cfg) == 0);
	CHECK(strcmp(cfg.name, "hello") == 0);
	CHECK(cfg.mem == 16ull << 20);
	CHECK(strcmp(cfg.cmdline, "") == 0);

	CHECK(parse("(hd0,msdos1)/boot/k.elf mem=2M name=k", &cfg) == 0);
	CHECK(strcmp(cfg.name, "k") == 0);
	CHECK(cfg.mem == 2ull << 20);
}

TEST(config_option_order_and_blanks)
{
	struct guest_config cfg;

	CHECK(parse("  mem=64M\tname=other  ", &cfg) == 0);
	CHECK(strcmp(cfg.name, "other") == 0);
	CHECK(cfg.mem == 64ull << 20);
}

TEST(config_size_suffixes)
{
	struct guest_config cfg;

	CHECK(parse("name=a mem=4096K", &cfg) == 0);
	CHECK(cfg.mem == 4ull << 20);
	CHECK(parse("name=a mem=2048k", &cfg) == 0);
	CHECK(cfg.mem == 2ull << 20);
	CHECK(parse("name=a mem=3M", &cfg) == 0);
	CHECK(cfg.mem == 3ull << 20);
	CHECK(parse("name=a mem=1G", &cfg) == 0);
	CHECK(cfg.mem == 1ull << 30);
	CHECK(parse("name=a mem=64G", &cfg) == 0);
	CHECK(cfg.mem == 64ull << 30);
	CHECK(parse("name=a mem=2097152", &cfg) == 0);   /* plain bytes */
	CHECK(cfg.mem == 2ull << 20);
	CHECK(parse("name=a mem=2M", &cfg) == 0);        /* the minimum */
	CHECK(cfg.mem == GUEST_MEM_MIN);
}

TEST(config_name_characters)
{
	struct guest_config cfg;
	char line[80], name[GUEST_NAME_MAX];

	CHECK(parse("name=Az09-_x mem=16M", &cfg) == 0);
	CHECK(strcmp(cfg.name, "Az09-_x") == 0);

	/* 31 characters is the longest name (32 with its NUL). */
	memset(name, 'n', GUEST_NAME_MAX - 1);
	name[GUEST_NAME_MAX - 1] = 0;
	snprintf(line, sizeof line, "name=%s mem=16M", name);
	CHECK(parse(line, &cfg) == 0);
	CHECK(strcmp(cfg.name, name) == 0);
}

TEST(config_guest_cmdline_after_dashes)
{
	struct guest_config cfg;
	const char *line = "/guests/hello.elf name=hello mem=16M -- console=ttyS0 x=1 -- y";

	CHECK(parse(line, &cfg) == 0);
	CHECK(strcmp(cfg.name, "hello") == 0);
	CHECK(strcmp(cfg.cmdline, "console=ttyS0 x=1 -- y") == 0);
	/* It points into the module's command line, not a copy. */
	CHECK(cfg.cmdline > line && cfg.cmdline < line + strlen(line));

	/* Words after "--" are the guest's, not options: no "unknown option". */
	CHECK(parse("name=a mem=16M --   bogus name=zzz", &cfg) == 0);
	CHECK(strcmp(cfg.name, "a") == 0);
	CHECK(strcmp(cfg.cmdline, "bogus name=zzz") == 0);

	/* "--" with nothing after it. */
	CHECK(parse("name=a mem=16M --", &cfg) == 0);
	CHECK(strcmp(cfg.cmdline, "") == 0);
}

/* ---- rejected lines -------------------------------------------------- */

TEST(config_missing_name)
{
	struct guest_config cfg;

	CHECK(parse("mem=16M", &cfg) == -1);
	CHECK(one_line_naming("name"));
	CHECK(parse("/guests/x.elf mem=16M", &cfg) == -1);
	CHECK(one_line_naming("name"));
	/* name= after "--" belongs to the guest. */
	CHECK(parse("mem=16M -- name=x", &cfg) == -1);
	CHECK(one_line_naming("name"));
	CHECK(parse("", &cfg) == -1);
	CHECK(one_line_naming("name"));
}

TEST(config_missing_mem)
{
	struct guest_config cfg;

	CHECK(parse("name=hello", &cfg) == -1);
	CHECK(one_line_naming("mem"));
	CHECK(parse("/guests/hello.elf name=hello -- mem=16M", &cfg) == -1);
	CHECK(one_line_naming("mem"));
}

TEST(config_bad_name_characters)
{
	struct guest_config cfg;
	static const char *const bad[] = {
		"name=he.llo mem=16M", "name=he/llo mem=16M", "name=a+b mem=16M",
		"name=caf\xc3\xa9 mem=16M", "name=a:b mem=16M", "name=a,b mem=16M",
	};

	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(parse(bad[i], &cfg) == -1);
		CHECK(one_line_naming("name"));
	}
	/* Empty value. */
	CHECK(parse("name= mem=16M", &cfg) == -1);
	CHECK(one_line_naming("name"));
}

TEST(config_name_too_long)
{
	struct guest_config cfg;
	char line[200], name[100];

	for (unsigned len = GUEST_NAME_MAX; len < sizeof name; len += 33) {
		memset(name, 'x', len);
		name[len] = 0;
		snprintf(line, sizeof line, "name=%s mem=16M", name);
		CHECK(parse(line, &cfg) == -1);
		CHECK(one_line_naming("name"));
	}
}

TEST(config_mem_out_of_range)
{
	struct guest_config cfg;
	static const char *const bad[] = {
		"name=a mem=1M",                 /* below 2M */
		"name=a mem=2044K",              /* just below 2M */
		"name=a mem=0",
		"name=a mem=65G",                /* above 64G */
		"name=a mem=68719480832",        /* 64G + 4K */
		"name=a mem=16777217",           /* 16M + 1: not a multiple of 4K */
		"name=a mem=4097K",              /* not a multiple of 4K */
		"name=a mem=2098176",            /* 2M + 1K */
	};

	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(parse(bad[i], &cfg) == -1);
		CHECK(one_line_naming("mem"));
	}
}

TEST(config_mem_unparsable)
{
	struct guest_config cfg;
	static const char *const bad[] = {
		"name=a mem=", "name=a mem=M", "name=a mem=16T", "name=a mem=16MB",
		"name=a mem=-16M", "name=a mem=0x1000000", "name=a mem=1.5G", "name=a mem=16 M",
		"name=a mem=99999999999999999999", "name=a mem=18014398509481984G",
	};

	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(parse(bad[i], &cfg) == -1);
		CHECK(one_line_naming("mem"));
	}
}

TEST(config_unknown_option)
{
	struct guest_config cfg;

	CHECK(parse("name=a mem=16M cpus=2", &cfg) == -1);
	CHECK(one_line_naming("cpus"));
	CHECK(parse("name=a mem=16M verbose", &cfg) == -1);
	CHECK(one_line_naming("verbose"));
	/* A path-like word is only skipped in first position. */
	CHECK(parse("name=a /guests/x.elf mem=16M", &cfg) == -1);
	CHECK(one_line_naming("/guests/x.elf"));
	/* Keys are case-sensitive and must match in full. */
	CHECK(parse("NAME=a mem=16M", &cfg) == -1);
	CHECK(one_line_naming("NAME"));
	CHECK(parse("name=a memory=16M", &cfg) == -1);
	CHECK(one_line_naming("memory"));
}

TEST(config_option_without_value)
{
	struct guest_config cfg;

	CHECK(parse("name mem=16M", &cfg) == -1);
	CHECK(one_line_naming("name"));
	CHECK(parse("name=a mem", &cfg) == -1);
	CHECK(one_line_naming("mem"));
}

TEST(config_error_truncates_to_buffer)
{
	struct guest_config cfg;
	char small[12];

	memset(small, 'Z', sizeof small);
	CHECK(guest_config_parse("name=a mem=16M cpus=2", &cfg, small, sizeof small) == -1);
	CHECK(memchr(small, 0, sizeof small) != NULL);
	CHECK(strlen(small) == sizeof small - 1);
}

TEST(config_long_bad_word_in_error)
{
	struct guest_config cfg;
	char line[400];

	/* A very long unknown word: the reason stays one line and starts
	 * with the word's beginning. */
	memset(line, 'q', 300);
	strcpy(line + 300, "=1 name=a mem=16M");
	CHECK(parse(line, &cfg) == -1);
	CHECK(one_line_naming("qqqqqqqqqqqqqqqq"));
	CHECK(strlen(err) < sizeof err - 1);
}

/* config.h: cfg->name is set from a valid name= even when a later
 * option fails, so the error can be reported against the guest; it is
 * "" when there is no valid name. */
TEST(config_name_kept_on_later_error)
{
	struct guest_config cfg;

	CHECK(parse("name=web mem=1M", &cfg) == -1);
	CHECK(strcmp(cfg.name, "web") == 0);
	CHECK(parse("/guests/w.elf name=web cpus=4 mem=16M", &cfg) == -1);
	CHECK(strcmp(cfg.name, "web") == 0);
	CHECK(parse("name=web", &cfg) == -1);        /* missing mem= */
	CHECK(strcmp(cfg.name, "web") == 0);
	CHECK(parse("name=we.b mem=16M", &cfg) == -1);
	CHECK(strcmp(cfg.name, "") == 0);
	CHECK(parse("mem=16M", &cfg) == -1);
	CHECK(strcmp(cfg.name, "") == 0);
}

TEST(config_name_kept_on_earlier_error)
{
	struct guest_config cfg;

	/* Errors name the guest wherever name= stands. */
	CHECK(parse("mem=1M name=web", &cfg) == -1);
	CHECK(strcmp(cfg.name, "web") == 0);
	CHECK(parse("colour=blue name=web mem=16M", &cfg) == -1);
	CHECK(strcmp(cfg.name, "web") == 0);
}

/* on_reset=stop|reboot (DESIGN.md 3): stop by default. */
TEST(config_on_reset)
{
	struct guest_config cfg;

	CHECK(parse("name=a mem=16M", &cfg) == 0 && !cfg.reboot_on_reset);
	CHECK(parse("name=a mem=16M on_reset=reboot", &cfg) == 0 && cfg.reboot_on_reset);
	CHECK(parse("name=a on_reset=reboot mem=16M on_reset=stop", &cfg) == 0 && !cfg.reboot_on_reset);
	CHECK(parse("name=a mem=16M on_reset=reboots", &cfg) == -1);
	CHECK(one_line_naming("on_reset"));
	CHECK(parse("name=a mem=16M on_reset=", &cfg) == -1);
	CHECK(one_line_naming("on_reset"));
	CHECK(parse("name=a mem=16M on_reset", &cfg) == -1);
	CHECK(one_line_naming("on_reset"));
	/* After -- it is the guest's. */
	CHECK(parse("name=a mem=16M -- on_reset=reboot", &cfg) == 0 && !cfg.reboot_on_reset);
}

/* initrd_for=NAME: the module is that guest's initrd, not a guest; it
 * takes no guest options. */
TEST(config_initrd_for)
{
	struct guest_config cfg;

	CHECK(parse("/guests/initrd.gz initrd_for=linux", &cfg) == 0);
	CHECK(strcmp(cfg.initrd_for, "linux") == 0 && !cfg.name[0] && !cfg.mem);
	CHECK(parse("name=hello mem=16M", &cfg) == 0 && !cfg.initrd_for[0]);
	CHECK(parse("initrd_for=linux name=x", &cfg) == -1 && one_line_naming("no other options"));
	CHECK(parse("initrd_for=linux mem=16M", &cfg) == -1 && one_line_naming("no other options"));
	CHECK(parse("initrd_for=linux -- quiet", &cfg) == -1 && one_line_naming("no other options"));
	CHECK(parse("initrd_for=bad/name", &cfg) == -1 && one_line_naming("initrd_for"));
	CHECK(parse("initrd_for=", &cfg) == -1 && one_line_naming("initrd_for"));
}
