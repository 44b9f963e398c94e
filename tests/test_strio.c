/* Host tests of virt/strio.h: the index, count and linear address of a
 * string instruction at each address size (SDM Vol. 1 3.3.7, Vol. 2B
 * "INS"). */
#define TEST_MAIN
#include "tests/test.h"
#include "virt/strio.h"

/* 16-bit addressing: DI wraps from FFFF to 0000, bits 63:16 stay, the
 * linear address follows (ES:FFFF then ES:0000, not linear 10000h). */
TEST(index16_wraps_at_64k)
{
	uint64_t di = 0xABCD1234FFFFull;

	CHECK(strio_linear(0x20000, di, 2, false) == 0x2FFFF);
	di = strio_next(di, 1, 2, false);
	CHECK(di == 0xABCD12340000ull);
	CHECK(strio_linear(0x20000, di, 2, false) == 0x20000);
	CHECK(strio_next(0x5550000, -2, 2, false) == 0x555FFFE);    /* DF=1 wraps down */
	CHECK(strio_next(0xFFFE, 2, 2, true) == 0);                 /* also in 64-bit code (67h) */
}

/* 32-bit addressing outside 64-bit code: bits 63:32 are not visible and
 * stay; the linear address wraps at 4 GiB. */
TEST(index32_legacy)
{
	CHECK(strio_next(0x1FFFFFFFFull, 1, 4, false) == 0x100000000ull);
	CHECK(strio_linear(0x1000, 0xFFFFF000u, 4, false) == 0);
	CHECK(strio_linear(0x10, 0x20, 4, false) == 0x30);
}

/* 32-bit addressing in 64-bit code (67h): a 32-bit register write, so
 * bits 63:32 become zero; the address is zero-extended EDI. */
TEST(index32_in_64bit_code_zero_extends)
{
	CHECK(strio_next(0xDEAD00000010ull, 4, 4, true) == 0x14);
	CHECK(strio_next(0xDEADFFFFFFFFull, 1, 4, true) == 0);
	CHECK(strio_linear(0, 0xFFFF0000FFFFFFF0ull, 4, true) == 0xFFFFFFF0ull);
	CHECK(strio_set(0xFFFFFFFF00000005ull, 3, 4, true) == 3);
	CHECK(strio_set(0xFFFFFFFF00000005ull, 3, 4, false) == 0xFFFFFFFF00000003ull);
}

/* 64-bit addressing: the whole register, no wrap below 2^64. */
TEST(index64)
{
	CHECK(strio_next(0xFFFFFFFFull, 1, 8, true) == 0x100000000ull);
	CHECK(strio_linear(0x1000, 0x7FFF00000000ull, 8, true) == 0x7FFF00001000ull);
	CHECK(strio_set(0x1234, 0, 8, true) == 0);
}

/* The count register (RCX) follows the same rules. */
TEST(count_register)
{
	CHECK(strio_set(0xAAAA0005ull, 5 - 3, 2, false) == 0xAAAA0002ull);
	CHECK(strio_set(0xAAAA00000005ull, 0, 4, true) == 0);
	CHECK(strio_mask(2) == 0xFFFF && strio_mask(4) == 0xFFFFFFFFull && strio_mask(8) == ~0ull);
}
