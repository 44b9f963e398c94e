/* Host tests of arch/x86/acpi_s5.c: the ACPI table checksum and finding
 * \_S5's SLP_TYP values in hand-assembled DSDT AML (ACPI 6.4, 20.2).
 *
 * Every AML buffer is first copied into a malloc'ed buffer of exactly its
 * length, so AddressSanitizer reports any read past `len`. */
#define TEST_MAIN
#include "tests/test.h"
#include "arch/x86/acpi_s5.h"

#include <stdbool.h>
#include <stdint.h>

/* A string literal of AML bytes, without its terminating NUL. */
#define AML(s) ((const uint8_t *)(s)), (sizeof(s) - 1)

/* acpi_find_s5 over an exact-size heap copy of src[0..len). */
static int find_s5(const uint8_t *src, size_t len, uint8_t *a, uint8_t *b)
{
	uint8_t *copy = malloc(len);
	int rc;

	if (!copy && len) {
		printf("FAIL - %s: out of host memory\n", test_current);
		exit(1);
	}
	if (len)
		memcpy(copy, src, len);
	rc = acpi_find_s5(copy, len, a, b);
	free(copy);
	return rc;
}

/* Found, with these values (a and b start as junk to prove they are
 * written).  The variadic part is "aml, len", usually AML("..."). */
#define EXPECT_S5(want_a, want_b, ...)                                        \
	do {                                                                    \
		uint8_t a_ = 0xee, b_ = 0xee;                                   \
		int rc_ = find_s5(__VA_ARGS__, &a_, &b_);                        \
		if (rc_ != 0 || a_ != (want_a) || b_ != (want_b))                \
			printf("  rc %d a %u b %u\n", rc_, a_, b_);              \
		CHECK(rc_ == 0);                                                \
		CHECK(a_ == (want_a));                                          \
		CHECK(b_ == (want_b));                                          \
	} while (0)

#define EXPECT_NO_S5(...)                                                      \
	do {                                                                    \
		uint8_t a_ = 0xee, b_ = 0xee;                                   \
		CHECK(find_s5(__VA_ARGS__, &a_, &b_) == -1);                     \
	} while (0)

/* ---- checksum ---------------------------------------------------------- */

TEST(acpi_checksum_sums_bytes_mod_256)
{
	static const uint8_t b[] = { 1, 2, 3 };
	static const uint8_t wrap[] = { 0xff, 0x02 };
	static const uint8_t zero[] = { 0x80, 0x80 };
	uint8_t big[1000];

	CHECK(acpi_checksum(b, 0) == 0);
	CHECK(acpi_checksum(b, 3) == 6);
	CHECK(acpi_checksum(b, 2) == 3);
	CHECK(acpi_checksum(wrap, 2) == 1);
	CHECK(acpi_checksum(zero, 2) == 0);
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)i;
	/* sum(0..999) mod 256 computed independently. */
	unsigned long s = 0;
	for (size_t i = 0; i < sizeof big; i++)
		s += (uint8_t)i;
	CHECK(acpi_checksum(big, sizeof big) == (uint8_t)s);
}

TEST(acpi_checksum_of_valid_table_is_zero)
{
	/* An RSDP 1.0 (20 bytes): "RSD PTR ", checksum, OEM id, revision,
	 * RSDT address; byte 8 is chosen so the 20 bytes sum to 0. */
	uint8_t rsdp[20] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ', 0, 'B', 'O', 'C', 'H',
			     'S', ' ', 0, 0x00, 0x10, 0xfe, 0x07 };
	rsdp[8] = (uint8_t)(0x100 - acpi_checksum(rsdp, sizeof rsdp));
	CHECK(acpi_checksum(rsdp, sizeof rsdp) == 0);
	rsdp[12] ^= 0x20;
	CHECK(acpi_checksum(rsdp, sizeof rsdp) != 0);
	rsdp[12] ^= 0x20;
	rsdp[19]++;
	CHECK(acpi_checksum(rsdp, sizeof rsdp) == 1);
}

/* ---- _S5 --------------------------------------------------------------- */

TEST(acpi_s5_zero_package)
{
	EXPECT_S5(0, 0, AML("\x08_S5_\x12\x06\x04\x00\x00\x00\x00"));
}

TEST(acpi_s5_element_encodings)
{
	/* OneOp, ZeroOp. */
	EXPECT_S5(1, 0, AML("\x08_S5_\x12\x06\x04\x01\x00\x00\x00"));
	EXPECT_S5(0, 1, AML("\x08_S5_\x12\x06\x04\x00\x01\x00\x00"));
	/* BytePrefix. */
	EXPECT_S5(5, 5, AML("\x08_S5_\x12\x08\x04\x0A\x05\x0A\x05\x00\x00"));
	EXPECT_S5(7, 3, AML("\x08_S5_\x12\x08\x04\x0A\x07\x0A\x03\x00\x00"));
	/* WordPrefix (little endian). */
	EXPECT_S5(6, 2, AML("\x08_S5_\x12\x0A\x02\x0B\x06\x00\x0B\x02\x00"));
	/* Mixed. */
	EXPECT_S5(4, 1, AML("\x08_S5_\x12\x06\x02\x0A\x04\x01"));
	EXPECT_S5(1, 6, AML("\x08_S5_\x12\x06\x02\x01\x0A\x06"));
}

TEST(acpi_s5_root_prefix)
{
	EXPECT_S5(5, 5, AML("\x08\\_S5_\x12\x08\x04\x0A\x05\x0A\x05\x00\x00"));
	EXPECT_S5(0, 0, AML("\x08\\_S5_\x12\x06\x04\x00\x00\x00\x00"));
}

TEST(acpi_s5_values_masked_to_3_bits)
{
	EXPECT_S5(5, 7, AML("\x08_S5_\x12\x08\x02\x0A\x0D\x0A\xFF"));
	EXPECT_S5(0, 1, AML("\x08_S5_\x12\x08\x02\x0A\x08\x0A\x09"));
	/* Word values: only the low 3 bits of the low byte count. */
	EXPECT_S5(7, 0, AML("\x08_S5_\x12\x0A\x02\x0B\x1F\x12\x0B\x00\x01"));
}

TEST(acpi_s5_two_byte_pkglength)
{
	/* Lead byte 0x40 | low nibble, then bits 11:4 of the length. */
	EXPECT_S5(3, 6, AML("\x08_S5_\x12\x48\x00\x04\x0A\x03\x0A\x06\x00\x00"));
	EXPECT_S5(3, 6, AML("\x08_S5_\x12\x46\x01\x04\x0A\x03\x0A\x06\x00\x00"));
	/* Three- and four-byte PkgLength (lead 0x80 / 0xC0). */
	EXPECT_S5(2, 4, AML("\x08_S5_\x12\x89\x00\x00\x04\x0A\x02\x0A\x04\x00\x00"));
	EXPECT_S5(2, 4, AML("\x08_S5_\x12\xCA\x00\x00\x00\x04\x0A\x02\x0A\x04\x00\x00"));
	/* A 2-byte PkgLength whose follow byte looks like an element (0x01):
	 * it must be skipped as length, not read as NumElements or a value. */
	EXPECT_S5(5, 5, AML("\x08_S5_\x12\x41\x01\x02\x0A\x05\x0A\x05"));
}

TEST(acpi_s5_single_element_package)
{
	/* At the very end of the AML. */
	EXPECT_S5(5, 0, AML("\x08_S5_\x12\x04\x01\x0A\x05"));
	EXPECT_S5(1, 0, AML("\x08_S5_\x12\x03\x01\x01"));
	/* Followed by another object. */
	EXPECT_S5(5, 0, AML("\x08_S5_\x12\x04\x01\x0A\x05"
			    "\x14\x08_PTS\x01\xA4\x00"));
	EXPECT_S5(7, 0, AML("\x08_S5_\x12\x04\x01\x0A\x07"
			    "\x08_S6_\x12\x04\x01\x0A\x03"));
	/* What follows a one-element package is not its second element,
	 * even when it looks like an integer. */
	EXPECT_S5(5, 0, AML("\x08_S5_\x12\x04\x01\x0A\x05\x01"));
	EXPECT_S5(5, 0, AML("\x08_S5_\x12\x04\x01\x0A\x05\x0A\x06"));
}

TEST(acpi_s5_empty_package_rejected)
{
	EXPECT_NO_S5(AML("\x08_S5_\x12\x02\x00"));
	EXPECT_NO_S5(AML("\x08_S5_\x12\x02\x00\x0A\x05"));
}

TEST(acpi_s5_not_a_package_rejected)
{
	/* Name(_S5_, 5): an integer, not a package. */
	EXPECT_NO_S5(AML("\x08_S5_\x0A\x05"));
	/* A package whose first element is not an integer we understand
	 * (a DWordPrefix, a name). */
	EXPECT_NO_S5(AML("\x08_S5_\x12\x09\x02\x0C\x05\x00\x00\x00\x00"));
	EXPECT_NO_S5(AML("\x08_S5_\x12\x07\x01""ABCD"));
	/* A buffer (BufferOp 0x11), not a package. */
	EXPECT_NO_S5(AML("\x08_S5_\x11\x05\x0A\x02\x05\x05"));
	/* Buffer(One){0x01}: after the opcode it reads like a package. */
	EXPECT_NO_S5(AML("\x08_S5_\x11\x04\x01\x01"));
}

/* A Bochs/QEMU-like DSDT fragment: \_S5_ is referenced inside a method
 * (StoreOp, root prefix) and _S4_ is declared before the real _S5_. */
static const char bochs_dsdt[] =
	"\x10\x1F\\_SB_"                           /* Scope(\_SB) { ... } */
	"\x5B\x82\x18PCI0"                         /* Device(PCI0) */
	"\x08_HID\x0C\x41\xD0\x0A\x03"             /* Name(_HID, EisaId("PNP0A03")) */
	"\x08_ADR\x00"                             /* Name(_ADR, 0) */
	"\x08_UID\x01"                             /* Name(_UID, 1) */
	"\x14\x13_PTS\x01"                         /* Method(_PTS, 1) */
	"\xA0\x0E\x93\x68\x0A\x05"                 /*   If (LEqual(Arg0, 5)) */
	"\x70\\_S5_\x60"                           /*     Store(\_S5_, Local0) */
	"\x70\x60_S5_"                             /*     a name right after Local0 */
	"\x08_S4_\x12\x08\x04\x0A\x02\x0A\x02\x00\x00"   /* Name(_S4_, {2, 2, 0, 0}) */
	"\x08_S5X\x12\x06\x02\x0A\x06\x0A\x06"           /* Name(_S5X, {6, 6}) */
	"\x08\\_S5_\x12\x0A\x04\x0A\x05\x0A\x03\x00\x00" /* Name(\_S5_, {5, 3, 0, 0}) */
	"\x14\x0A_WAK\x01\xA4\x12\x04\x02\x00\x00";      /* Method(_WAK) */

/* Offset of the real Name(\_S5_, ...) in bochs_dsdt. */
static size_t bochs_real_s5(void)
{
	static const char pat[] = "\x08\\_S5_\x12";
	for (size_t i = 0; i + sizeof pat - 1 <= sizeof bochs_dsdt - 1; i++)
		if (memcmp(bochs_dsdt + i, pat, sizeof pat - 1) == 0)
			return i;
	return 0;
}

TEST(acpi_s5_bochs_like_dsdt)
{
	/* The fixture has distractors before the real object. */
	CHECK(bochs_real_s5() > 40);
	EXPECT_S5(5, 3, AML(bochs_dsdt));
}

TEST(acpi_s5_first_parsable_name_wins)
{
	/* An unparsable Name(_S5_, ...) is skipped, the next one is used. */
	EXPECT_S5(6, 1, AML("\x08_S5_\x0A\x05"
			    "\x08_S5_\x12\x06\x02\x0A\x06\x01"));
	/* Two good ones: the first. */
	EXPECT_S5(2, 2, AML("\x08_S5_\x12\x06\x02\x0A\x02\x0A\x02"
			    "\x08_S5_\x12\x06\x02\x0A\x07\x0A\x07"));
}

TEST(acpi_s5_absent)
{
	uint8_t a = 0xee, b = 0xee;

	CHECK(acpi_find_s5((const uint8_t *)"", 0, &a, &b) == -1);
	EXPECT_NO_S5(AML("\x08_S4_\x12\x06\x04\x00\x00\x00\x00"));
	EXPECT_NO_S5(AML("\x08_S5X\x12\x06\x04\x00\x00\x00\x00"));
	EXPECT_NO_S5(AML("\x08_s5_\x12\x06\x04\x00\x00\x00\x00"));
	/* The name without a NameOp before it. */
	EXPECT_NO_S5(AML("_S5_\x12\x06\x04\x00\x00\x00\x00"));
	EXPECT_NO_S5(AML("\\_S5_\x12\x06\x04\x00\x00\x00\x00"));
	EXPECT_NO_S5(AML("\x70_S5_\x12\x06\x04\x00\x00\x00\x00"));
	EXPECT_NO_S5(AML("\x70\\_S5_\x12\x06\x04\x00\x00\x00\x00"));
	/* NameOp, then something between it and the name. */
	EXPECT_NO_S5(AML("\x08\\\\_S5_\x12\x06\x04\x00\x00\x00\x00"));
	/* The Bochs-like DSDT cut just before its real Name(\_S5_, ...). */
	EXPECT_NO_S5((const uint8_t *)bochs_dsdt, bochs_real_s5());
}

/* Every prefix of `aml` (copied to an exact-size buffer): -1 until the
 * first element is complete, then a parse whose a is right and whose b is
 * either right or 0 (b not complete yet); the whole buffer parses fully. */
static void check_truncations(const uint8_t *aml, size_t len, size_t a_end, uint8_t want_a,
			      uint8_t want_b)
{
	for (size_t n = 0; n <= len; n++) {
		uint8_t a = 0xee, b = 0xee;
		int rc = find_s5(aml, n, &a, &b);
		if (rc != -1 && rc != 0)
			printf("  length %zu: rc %d\n", n, rc);
		CHECK(rc == -1 || rc == 0);
		if (n < a_end) {
			if (rc != -1)
				printf("  length %zu of %zu parsed: a %u b %u\n", n, len, a, b);
			CHECK(rc == -1);
		} else {
			if (rc != 0 || a != want_a || (b != want_b && b != 0))
				printf("  length %zu of %zu: rc %d a %u b %u\n", n, len, rc, a, b);
			CHECK(rc == 0);
			CHECK(a == want_a);
			CHECK(b == want_b || b == 0);
		}
	}
	uint8_t a = 0, b = 0;
	CHECK(find_s5(aml, len, &a, &b) == 0 && a == want_a && b == want_b);
}

TEST(acpi_s5_truncated_at_every_length)
{
	/* a_end: bytes up to and including the first element. */
	check_truncations(AML("\x08_S5_\x12\x06\x04\x01\x00\x00\x00"), 9, 1, 0);
	check_truncations(AML("\x08\\_S5_\x12\x08\x04\x0A\x05\x0A\x06\x00\x00"), 11, 5, 6);
	check_truncations(AML("\x08_S5_\x12\x0A\x02\x0B\x06\x00\x0B\x02\x00"), 11, 6, 2);
	check_truncations(AML("\x08_S5_\x12\x48\x00\x04\x0A\x03\x0A\x06\x00\x00"), 11, 3, 6);
	check_truncations(AML("\x08_S5_\x12\xCA\x00\x00\x00\x04\x0A\x02\x0A\x04"), 13, 2, 4);
	check_truncations(AML("\x08_S5_\x12\x04\x01\x0A\x05"), 10, 5, 0);
	/* NameOp '\' name PackageOp PkgLength NumElements BytePrefix value. */
	CHECK(bochs_real_s5() > 0);
	check_truncations(AML(bochs_dsdt), bochs_real_s5() + 11, 5, 3);
}

TEST(acpi_s5_truncated_inside_pkglength)
{
	/* The lead byte promises 3 more PkgLength bytes that are not there. */
	EXPECT_NO_S5(AML("\x08_S5_\x12\xC0"));
	EXPECT_NO_S5(AML("\x08_S5_\x12\xC0\x00"));
	EXPECT_NO_S5(AML("\x08_S5_\x12\xC0\x00\x00\x00"));
	EXPECT_NO_S5(AML("\x08_S5_\x12\x80\x00\x00"));
	EXPECT_NO_S5(AML("\x08_S5_\x12\x40\x00"));
	/* Truncated inside a BytePrefix / WordPrefix first element. */
	EXPECT_NO_S5(AML("\x08_S5_\x12\x04\x01\x0A"));
	EXPECT_NO_S5(AML("\x08_S5_\x12\x05\x01\x0B\x05"));
}

/* ---- entering S5 from the FADT (acpi_s5_plan) ---- */

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_gas(uint8_t *g, uint8_t space, uint8_t bits, uint8_t access, uint64_t addr)
{
	g[0] = space;
	g[1] = bits;
	g[2] = 0;
	g[3] = access;
	put32(g + 4, (uint32_t)addr);
	put32(g + 8, (uint32_t)(addr >> 32));
}

TEST(acpi_plan_legacy_fadt)
{
	uint8_t f[116] = { 0 };
	struct acpi_s5_plan p;

	put32(f + 48, 0xB2);      /* SMI_CMD */
	f[52] = 0xF1;             /* ACPI_ENABLE */
	put32(f + 64, 0xB004);    /* PM1a_CNT_BLK */
	CHECK(acpi_s5_plan(f, sizeof f, 5, 0, &p) == 0);
	CHECK(!p.hw_reduced && p.pm1a.space == ACPI_SPACE_IO && p.pm1a.addr == 0xB004 && p.pm1a.width == 2);
	CHECK(p.pm1b.width == 0);          /* no PM1b: nothing written to port 0 */
	CHECK(p.smi_cmd == 0xB2 && p.acpi_enable == 0xF1 && p.slp_typa == 5);
}

TEST(acpi_plan_x_fields_win)
{
	uint8_t f[276] = { 0 };
	struct acpi_s5_plan p;

	put32(f + 64, 0x404);
	put32(f + 68, 0x408);
	put_gas(f + 172, ACPI_SPACE_MEMORY, 16, 2, 0xFED80000ull);
	put_gas(f + 184, ACPI_SPACE_IO, 16, 0, 0x1808);
	CHECK(acpi_s5_plan(f, sizeof f, 7, 6, &p) == 0);
	CHECK(p.pm1a.space == ACPI_SPACE_MEMORY && p.pm1a.addr == 0xFED80000ull && p.pm1a.width == 2);
	CHECK(p.pm1b.space == ACPI_SPACE_IO && p.pm1b.addr == 0x1808 && p.pm1b.width == 2);
	/* An X_ field left zero falls back to the 32-bit one. */
	put_gas(f + 184, 0, 0, 0, 0);
	CHECK(acpi_s5_plan(f, sizeof f, 7, 6, &p) == 0 && p.pm1b.addr == 0x408);
}

TEST(acpi_plan_hw_reduced)
{
	uint8_t f[276] = { 0 };
	struct acpi_s5_plan p;

	put32(f + 112, 1u << 20);                                   /* HW_REDUCED_ACPI */
	CHECK(acpi_s5_plan(f, sizeof f, 5, 5, &p) == -1);           /* no SLEEP_CONTROL_REG */
	put_gas(f + 244, ACPI_SPACE_IO, 8, 1, 0x1804);
	CHECK(acpi_s5_plan(f, sizeof f, 5, 5, &p) == 0);
	CHECK(p.hw_reduced && p.sleep_ctl.addr == 0x1804 && p.sleep_ctl.width == 1);
	CHECK(p.pm1a.width == 0);
}

TEST(acpi_plan_refuses_empty)
{
	uint8_t f[116] = { 0 };
	struct acpi_s5_plan p;

	CHECK(acpi_s5_plan(f, sizeof f, 5, 0, &p) == -1);           /* no PM1a at all */
	CHECK(acpi_s5_plan(f, 40, 5, 0, &p) == -1);                 /* truncated FADT */
	put32(f + 64, 0x12345);                                     /* not an I/O port */
	CHECK(acpi_s5_plan(f, sizeof f, 5, 0, &p) == -1);
}
