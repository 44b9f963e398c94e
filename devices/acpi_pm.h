/*
 * The ACPI fixed-hardware registers of a PC chipset (ACPI 6.4 section 4.8):
 * the PM1a event block (PM1_STS, PM1_EN), the PM1a control block
 * (PM1_CNT: SCI_EN, SLP_TYP, SLP_EN) and the power-management timer, a
 * 24-bit counter at 3.579545 MHz whose bit 23 toggling sets TMR_STS.
 * The firmware tables (guest/firmware.c) name the ports.
 *
 * There is no SMI command port, so the machine is always in ACPI mode:
 * SCI_EN reads as 1 (4.8.2.1.1: with SMI_CMD zero the OS finds the
 * system in ACPI mode).  Of the fixed events only the timer exists (no
 * power or sleep button, no RTC alarm wake: the FADT says so); its
 * status with TMR_EN raises the SCI, a level-triggered interrupt.
 *
 * Time is passed in: `clock` counts ACPI_PM_HZ ticks since power-on.
 * Pure code (tests/test_acpi_pm.c).
 */
#ifndef TERN_DEVICES_ACPI_PM_H
#define TERN_DEVICES_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>

#define ACPI_PM_HZ        3579545u
#define ACPI_PM_NEVER     UINT64_MAX

/* Port offsets in the model's one block: PM1a_EVT_BLK (4 bytes),
 * PM1a_CNT_BLK (2, padded to 4), PM_TMR_BLK (4). */
#define ACPI_PM1_STS      0
#define ACPI_PM1_EN       2
#define ACPI_PM1_CNT      4
#define ACPI_PM_TMR       8
#define ACPI_PM_PORTS     12

/* PM1 status and enable bits (Tables 4-16, 4-17), control (4-19). */
#define ACPI_PM1_TMR      (1u << 0)
#define ACPI_PM1_GBL      (1u << 5)
#define ACPI_PM1_PWRBTN   (1u << 8)
#define ACPI_PM1_SLPBTN   (1u << 9)
#define ACPI_PM1_RTC      (1u << 10)
#define ACPI_PM1_WAK      (1u << 15)    /* status only */
#define ACPI_CNT_SCI_EN   (1u << 0)
#define ACPI_CNT_BM_RLD   (1u << 1)
#define ACPI_CNT_GBL_RLS  (1u << 2)
#define ACPI_CNT_SLP_TYP(cnt) (((cnt) >> 10) & 7u)
#define ACPI_CNT_SLP_EN   (1u << 13)

struct acpi_pm {
	uint16_t en;           /* PM1_EN as written */
	uint16_t cnt;          /* PM1_CNT's read/write bits (BM_RLD, SLP_TYP) */
	uint64_t tmr_cleared;  /* clock >> 23 when TMR_STS was last cleared */
	int sleep;             /* out: SLP_TYP of a write with SLP_EN, else -1 */
};

void acpi_pm_reset(struct acpi_pm *pm, uint64_t clock);
/* The timer's value (bits 23:0; 31:24 read as 0, the FADT says 24 bits). */
uint32_t acpi_pm_timer(uint64_t clock);
/* `size` bytes (1, 2 or 4) at `offset` in the block; other offsets read
 * as ones and ignore writes.  A write with SLP_EN leaves its SLP_TYP in
 * pm->sleep for the platform to act on. */
uint32_t acpi_pm_read(const struct acpi_pm *pm, unsigned offset, unsigned size, uint64_t clock);
void acpi_pm_write(struct acpi_pm *pm, unsigned offset, unsigned size, uint32_t value, uint64_t clock);
/* The SCI's level now, and the clock at which it next rises (ACPI_PM_NEVER:
 * only a register write can change it). */
bool acpi_pm_sci(const struct acpi_pm *pm, uint64_t clock);
uint64_t acpi_pm_next_event(const struct acpi_pm *pm, uint64_t clock);

#endif
