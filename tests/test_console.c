/* Host tests of lib/console_spec.c: the console= option. */
#define TEST_MAIN
#include "tests/test.h"
#include "lib/console_spec.h"

static struct console_spec parse_ok(const char *s)
{
	struct console_spec c;
	const char *why = 0;
	int rc = console_spec_parse(s, &c, &why);
	if (rc)
		c.kind = (enum console_kind)-1;
	return c;
}

static int rejected(const char *s)
{
	struct console_spec c;
	const char *why = 0;
	return console_spec_parse(s, &c, &why) == -1 && why && why[0];
}

TEST(console_com_ports)
{
	static const uint16_t want[] = { 0x3F8, 0x2F8, 0x3E8, 0x2E8 };
	const char *names[] = { "com1", "com2", "com3", "com4" };

	for (int i = 0; i < 4; i++) {
		struct console_spec c = parse_ok(names[i]);
		CHECK(c.kind == CONSOLE_IO && c.base == want[i]);
	}
	CHECK(rejected("com0"));
	CHECK(rejected("com5"));
	CHECK(rejected("com12"));
	CHECK(rejected("COM1"));
}

TEST(console_io_ports)
{
	struct console_spec c = parse_ok("io:0x2f8");
	CHECK(c.kind == CONSOLE_IO && c.base == 0x2F8);
	c = parse_ok("0x3e8");
	CHECK(c.kind == CONSOLE_IO && c.base == 0x3E8);
	c = parse_ok("io:1016");
	CHECK(c.kind == CONSOLE_IO && c.base == 1016);
	CHECK(rejected("io:0"));
	CHECK(rejected("io:0x10000"));
	CHECK(rejected("io:"));
	CHECK(rejected("io:0x"));
	CHECK(rejected("io:12ab"));
	CHECK(rejected("0xFFFF"));   /* no room for the 8 registers */
}

TEST(console_mmio)
{
	struct console_spec c = parse_ok("mmio:0xfe030000");
	CHECK(c.kind == CONSOLE_MMIO && c.base == 0xFE030000ull && c.width == 1);
	c = parse_ok("mmio:0xFEDC9000,4");
	CHECK(c.kind == CONSOLE_MMIO && c.base == 0xFEDC9000ull && c.width == 4);
	c = parse_ok("mmio:0x40000000000,1");
	CHECK(c.kind == CONSOLE_MMIO && c.base == 0x40000000000ull);
	CHECK(rejected("mmio:"));
	CHECK(rejected("mmio:0"));
	CHECK(rejected("mmio:0x1000,2"));
	CHECK(rejected("mmio:0x1000,"));
	CHECK(rejected("mmio:0x1000,4x"));
	CHECK(rejected("mmio:0xffffffffffffffffff"));
}

TEST(console_none_and_junk)
{
	CHECK(parse_ok("none").kind == CONSOLE_NONE);
	CHECK(rejected(""));
	CHECK(rejected("serial"));
	CHECK(rejected("nonex"));
	CHECK(rejected("vga"));
}
