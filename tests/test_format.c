/* Host tests of lib/format.c: every conversion the hypervisor uses is
 * checked against the C library's snprintf, which defines the expected
 * output. */
#define TEST_MAIN
#include "tests/test.h"
#include "lib/format.h"

#include <stdint.h>

#define SAME(...)                                                          \
	do {                                                               \
		char got[128], want[128];                                  \
		int gn = ksnprintf(got, sizeof got, __VA_ARGS__);          \
		int wn = snprintf(want, sizeof want, __VA_ARGS__);         \
		if (strcmp(got, want) != 0 || gn != wn)                    \
			printf("  got \"%s\" (%d), want \"%s\" (%d)\n",    \
			       got, gn, want, wn);                         \
		CHECK(strcmp(got, want) == 0);                             \
		CHECK(gn == wn);                                           \
	} while (0)

TEST(format_strings_and_chars)
{
	SAME("plain text");
	SAME("%s|%10s|%-10s|", "abc", "right", "left");
	SAME("%c%c%3c%-3c|", 'a', 'b', 'c', 'd');
	SAME("100%%");
}

TEST(format_signed)
{
	SAME("%d %i %d %d", 0, 42, -42, 2147483647);
	SAME("%d", (int)-2147483647 - 1);
	SAME("%5d|%-5d|%05d|%05d", 42, 42, 42, -42);
	SAME("%ld %lld", -1234567890123L, (long long)INT64_MIN);
}

TEST(format_unsigned_and_hex)
{
	SAME("%u %u", 0u, 4294967295u);
	SAME("%x %X %08x %-8x|", 0xbeefu, 0xbeefu, 0x1234u, 0xabu);
	SAME("%lx %llx %016llx", 0xdeadbeefcafeUL, 0xffffffffffffffffULL, 0x12ULL);
	SAME("%zu %zx", (size_t)123456789, (size_t)0xfff);
}

TEST(format_pointer)
{
	char got[64];
	ksnprintf(got, sizeof got, "%p", (void *)0x1000);
	CHECK(strcmp(got, "0x1000") == 0);
	ksnprintf(got, sizeof got, "%p", (void *)0xffffffff80001234ULL);
	CHECK(strcmp(got, "0xffffffff80001234") == 0);
}

TEST(format_truncates_and_terminates)
{
	char buf[8];
	memset(buf, 'Z', sizeof buf);
	int n = ksnprintf(buf, sizeof buf, "%s-%d", "abcdef", 12345);
	CHECK(n == 12);
	CHECK(strcmp(buf, "abcdef-") == 0);
	CHECK(ksnprintf(buf, 0, "xyz") == 3);
	CHECK(buf[0] == 'a');
}

TEST(format_null_string_and_unknown_conversion)
{
	char buf[32];
	ksnprintf(buf, sizeof buf, "%s", (char *)NULL);
	CHECK(strcmp(buf, "(null)") == 0);
	ksnprintf(buf, sizeof buf, "a%qb");
	CHECK(strcmp(buf, "a%qb") == 0);
}
