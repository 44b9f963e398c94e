/* ACPI PM1 registers and PM timer (devices/acpi_pm.h). */
#include "devices/acpi_pm.h"

#define EN_BITS (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_SLPBTN | ACPI_PM1_RTC)
#define CNT_BITS (ACPI_CNT_BM_RLD | (7u << 10))

void acpi_pm_reset(struct acpi_pm *pm, uint64_t clock)
{
	pm->en = 0;
	pm->cnt = 0;
	pm->tmr_cleared = clock >> 23;
	pm->sleep = -1;
}

uint32_t acpi_pm_timer(uint64_t clock)
{
	return (uint32_t)(clock & 0xFFFFFF);
}

/* TMR_STS: bit 23 of the count changed since the guest last cleared it
 * (4.8.2.1: set on every transition of the timer's top bit). */
static uint16_t status(const struct acpi_pm *pm, uint64_t clock)
{
	return (clock >> 23) != pm->tmr_cleared ? ACPI_PM1_TMR : 0;
}

/* The block's 12 bytes as 32-bit little-endian words: a byte or word
 * access takes its lanes, as an I/O access to a chipset register does. */
static uint32_t word(const struct acpi_pm *pm, unsigned at, uint64_t clock)
{
	switch (at) {
	case ACPI_PM1_STS:
		return status(pm, clock) | (uint32_t)pm->en << 16;
	case ACPI_PM1_CNT:
		return pm->cnt | ACPI_CNT_SCI_EN;
	default:
		return acpi_pm_timer(clock);
	}
}

static uint32_t lanes(unsigned size)
{
	return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

uint32_t acpi_pm_read(const struct acpi_pm *pm, unsigned offset, unsigned size, uint64_t clock)
{
	if (offset >= ACPI_PM_PORTS || (offset & 3) + size > 4)
		return lanes(size);
	return (word(pm, offset & ~3u, clock) >> (8 * (offset & 3))) & lanes(size);
}

void acpi_pm_write(struct acpi_pm *pm, unsigned offset, unsigned size, uint32_t value, uint64_t clock)
{
	unsigned shift = 8 * (offset & 3);
	uint32_t mask = lanes(size) << shift;

	if (offset >= ACPI_PM_PORTS || (offset & 3) + size > 4)
		return;
	value = (value << shift) & mask;
	switch (offset & ~3u) {
	case ACPI_PM1_STS:
		/* Status bits clear when written with 1 (4.8.1). */
		if ((mask & ACPI_PM1_TMR) && (value & ACPI_PM1_TMR))
			pm->tmr_cleared = clock >> 23;
		if (mask & 0xFFFF0000u)
			pm->en = (uint16_t)((pm->en & ~(mask >> 16)) | ((value >> 16) & EN_BITS));
		break;
	case ACPI_PM1_CNT:
		pm->cnt = (uint16_t)((pm->cnt & ~mask) | (value & CNT_BITS));
		if (value & ACPI_CNT_SLP_EN)
			pm->sleep = (int)ACPI_CNT_SLP_TYP(pm->cnt);
		break;
	default:
		break;   /* the timer is read-only */
	}
}

bool acpi_pm_sci(const struct acpi_pm *pm, uint64_t clock)
{
	return (status(pm, clock) & pm->en) != 0;
}

uint64_t acpi_pm_next_event(const struct acpi_pm *pm, uint64_t clock)
{
	if (!(pm->en & ACPI_PM1_TMR) || status(pm, clock))
		return ACPI_PM_NEVER;
	return (pm->tmr_cleared + 1) << 23;
}
