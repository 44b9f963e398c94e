/* Host tests of devices/acpi_pm.c: the ACPI PM1 event and control
 * registers and the PM timer (ACPI 6.4 4.8.2-4.8.3).  `clock` counts
 * 3.579545 MHz ticks since power-on. */
#define TEST_MAIN
#include "tests/test.h"
#include "devices/acpi_pm.h"

static struct acpi_pm pm;

static uint32_t rd(unsigned off, unsigned size, uint64_t clock) { return acpi_pm_read(&pm, off, size, clock); }
static void wr(unsigned off, unsigned size, uint32_t v, uint64_t clock) { acpi_pm_write(&pm, off, size, v, clock); }

/* 4.8.3.3: a 24-bit counter at 3.579545 MHz; bits 31:24 read as zero
 * when the FADT says 24 bits (TMR_VAL_EXT clear). */
TEST(timer_counts_24_bits)
{
	acpi_pm_reset(&pm, 0);
	CHECK(rd(ACPI_PM_TMR, 4, 0) == 0);
	CHECK(rd(ACPI_PM_TMR, 4, ACPI_PM_HZ) == ACPI_PM_HZ);
	CHECK(rd(ACPI_PM_TMR, 4, 0x1234567) == 0x234567);
	CHECK(rd(ACPI_PM_TMR + 1, 2, 0xABCDEF) == 0xABCD);   /* byte lanes */
	CHECK(rd(ACPI_PM_TMR + 3, 1, 0xFFFFFFFF) == 0);
}

/* 4.8.3.1.1: TMR_STS is set when bit 23 of the counter changes; it
 * clears when written with 1 and is unchanged by a 0. */
TEST(tmr_sts_on_bit23_and_write_one_to_clear)
{
	acpi_pm_reset(&pm, 0);
	CHECK((rd(ACPI_PM1_STS, 2, 0x7FFFFF) & ACPI_PM1_TMR) == 0);
	CHECK(rd(ACPI_PM1_STS, 2, 0x800000) & ACPI_PM1_TMR);
	wr(ACPI_PM1_STS, 2, 0, 0x800001);
	CHECK(rd(ACPI_PM1_STS, 2, 0x800002) & ACPI_PM1_TMR);
	wr(ACPI_PM1_STS, 2, ACPI_PM1_TMR, 0x800003);
	CHECK((rd(ACPI_PM1_STS, 2, 0xFFFFFF) & ACPI_PM1_TMR) == 0);
	CHECK(rd(ACPI_PM1_STS, 2, 0x1000000) & ACPI_PM1_TMR);   /* falling edge too */
}

/* PM1_EN keeps the defined enable bits; the SCI is their AND with the
 * status, level-triggered: it stays up until the status is cleared. */
TEST(sci_follows_status_and_enable)
{
	acpi_pm_reset(&pm, 0);
	wr(ACPI_PM1_EN, 2, 0xFFFF, 0);
	CHECK(rd(ACPI_PM1_EN, 2, 0) == (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN |
					ACPI_PM1_SLPBTN | ACPI_PM1_RTC));
	wr(ACPI_PM1_EN, 2, ACPI_PM1_TMR, 0);
	CHECK(!acpi_pm_sci(&pm, 0x7FFFFF));
	CHECK(acpi_pm_next_event(&pm, 5) == 0x800000);
	CHECK(acpi_pm_sci(&pm, 0x800000));
	CHECK(acpi_pm_next_event(&pm, 0x800000) == ACPI_PM_NEVER);   /* up until cleared */
	wr(ACPI_PM1_STS, 2, ACPI_PM1_TMR, 0x900000);
	CHECK(!acpi_pm_sci(&pm, 0x900000));
	CHECK(acpi_pm_next_event(&pm, 0x900000) == 0x1000000);
	wr(ACPI_PM1_EN, 2, 0, 0x900000);
	CHECK(!acpi_pm_sci(&pm, 0x2000000));
	CHECK(acpi_pm_next_event(&pm, 0x900000) == ACPI_PM_NEVER);
}

/* A 32-bit write to PM1_EVT_BLK writes STS (low word) and EN (high). */
TEST(dword_access_to_the_event_block)
{
	acpi_pm_reset(&pm, 0);
	wr(ACPI_PM1_STS, 4, (uint32_t)ACPI_PM1_TMR << 16 | ACPI_PM1_TMR, 0x800000);
	CHECK(rd(ACPI_PM1_STS, 4, 0x800001) == (uint32_t)ACPI_PM1_TMR << 16);
	wr(ACPI_PM1_EN + 1, 1, 0x01, 0x800001);            /* PWRBTN_EN via its byte */
	CHECK(rd(ACPI_PM1_EN, 2, 0) == (ACPI_PM1_TMR | ACPI_PM1_PWRBTN));
}

/* 4.8.3.2.1: SCI_EN reads 1 (no SMI command port: always ACPI mode);
 * SLP_TYP is kept; SLP_EN is write-only and starts the sleep. */
TEST(pm1_control_and_sleep)
{
	acpi_pm_reset(&pm, 0);
	CHECK(rd(ACPI_PM1_CNT, 2, 0) == ACPI_CNT_SCI_EN);
	wr(ACPI_PM1_CNT, 2, 5u << 10, 0);                  /* SLP_TYP alone: nothing */
	CHECK(pm.sleep == -1);
	CHECK(rd(ACPI_PM1_CNT, 2, 0) == (ACPI_CNT_SCI_EN | 5u << 10));
	wr(ACPI_PM1_CNT, 2, 5u << 10 | ACPI_CNT_SLP_EN, 0);
	CHECK(pm.sleep == 5);
	CHECK((rd(ACPI_PM1_CNT, 2, 0) & ACPI_CNT_SLP_EN) == 0);
	pm.sleep = -1;
	wr(ACPI_PM1_CNT + 1, 1, (3u << 2) | 0x20, 0);      /* high byte: SLP_TYP 3 + SLP_EN */
	CHECK(pm.sleep == 3);
}

TEST(outside_the_block_reads_ones)
{
	acpi_pm_reset(&pm, 0);
	CHECK(rd(ACPI_PM_PORTS, 1, 0) == 0xFF);
	CHECK(rd(6, 2, 0) == 0);                            /* the CNT padding */
	CHECK(rd(ACPI_PM1_CNT + 3, 2, 0) == 0xFFFF);        /* straddles two registers */
	wr(ACPI_PM_TMR, 4, 0, 0x10);                        /* the timer is read-only */
	CHECK(rd(ACPI_PM_TMR, 4, 0x10) == 0x10);
}
