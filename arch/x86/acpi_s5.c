#include "arch/x86/acpi_s5.h"
#include "lib/le.h"

uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum;
}

/* One integer element of a package (ACPI 6.4, 20.2.3 "Data Objects
 * Encoding"): ZeroOp, OneOp, or BytePrefix/WordPrefix followed by the
 * value.  Returns bytes consumed, 0 if not an integer we understand. */
static size_t aml_integer(const uint8_t *p, size_t left, uint8_t *value)
{
	if (left < 1)
		return 0;
	switch (p[0]) {
	case 0x00: *value = 0; return 1;           /* ZeroOp */
	case 0x01: *value = 1; return 1;           /* OneOp */
	case 0x0A:                                 /* BytePrefix */
		if (left < 2)
			return 0;
		*value = p[1];
		return 2;
	case 0x0B:                                 /* WordPrefix: SLP_TYP is 3 bits */
		if (left < 3)
			return 0;
		*value = p[1];
		return 3;
	default:
		return 0;
	}
}

/* PkgLength (20.2.4): bits 7:6 of the lead byte count follow-on bytes. */
static size_t aml_pkglength_size(const uint8_t *p, size_t left)
{
	if (left < 1)
		return 0;
	size_t n = 1 + (p[0] >> 6);
	return n <= left ? n : 0;
}

static int parse_s5_package(const uint8_t *p, size_t left, uint8_t *a, uint8_t *b)
{
	size_t n, pl;

	if (left < 1 || p[0] != 0x12)              /* PackageOp */
		return -1;
	p++, left--;
	pl = aml_pkglength_size(p, left);
	if (!pl)
		return -1;
	p += pl, left -= pl;
	if (left < 1 || p[0] < 1)                  /* NumElements */
		return -1;
	unsigned elements = p[0];
	p++, left--;
	n = aml_integer(p, left, a);
	if (!n)
		return -1;
	p += n, left -= n;
	/* Some firmware gives only SLP_TYPa; PM1b is then unused. */
	if (elements < 2 || !aml_integer(p, left, b))
		*b = 0;
	return 0;
}

int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
	for (size_t i = 0; i + 5 <= len; i++) {
		if (aml[i] != '_' || aml[i + 1] != 'S' || aml[i + 2] != '5' || aml[i + 3] != '_')
			continue;
		/* NameOp directly before the name, or before a root prefix '\'. */
		int named = (i >= 1 && aml[i - 1] == 0x08) ||
			    (i >= 2 && aml[i - 1] == '\\' && aml[i - 2] == 0x08);
		if (!named)
			continue;
		if (parse_s5_package(aml + i + 4, len - i - 4, slp_typa, slp_typb) == 0) {
			*slp_typa &= 7;
			*slp_typb &= 7;
			return 0;
		}
	}
	return -1;
}

/* FADT offsets (ACPI 6.4 Table 5.9). */
#define FADT_SMI_CMD         48
#define FADT_ACPI_ENABLE     52
#define FADT_PM1A_CNT_BLK    64
#define FADT_PM1B_CNT_BLK    68
#define FADT_PM1_CNT_LEN     89
#define FADT_FLAGS           112
#define FADT_X_PM1A_CNT_BLK  172
#define FADT_X_PM1B_CNT_BLK  184
#define FADT_SLEEP_CONTROL   244
#define FADT_HW_REDUCED      (1u << 20)

/* A Generic Address Structure (ACPI 6.4 5.2.3.2): space, bit width, bit
 * offset, access size (1 byte, 2 word, 3 dword), 64-bit address. */
static struct acpi_reg gas(const uint8_t *g, uint8_t default_width)
{
	struct acpi_reg r = { .space = g[0], .addr = le64(g + 4) };
	unsigned bits = g[1];

	if (!r.addr || (r.space != ACPI_SPACE_MEMORY && r.space != ACPI_SPACE_IO))
		return (struct acpi_reg){ 0, 0, 0 };
	r.width = g[3] >= 1 && g[3] <= 3 ? (uint8_t)(1u << (g[3] - 1)) :
		  bits == 8 ? 1 : bits == 32 ? 4 : bits == 16 ? 2 : default_width;
	return r;
}

/* The 32-bit block address, an I/O port (0: none). */
static struct acpi_reg io_block(uint32_t port, uint8_t width)
{
	if (!port || port > 0xFFFF)
		return (struct acpi_reg){ 0, 0, 0 };
	return (struct acpi_reg){ ACPI_SPACE_IO, width, port };
}

int acpi_s5_plan(const uint8_t *fadt, size_t len, uint8_t slp_typa, uint8_t slp_typb,
		 struct acpi_s5_plan *plan)
{
	*plan = (struct acpi_s5_plan){ .slp_typa = slp_typa, .slp_typb = slp_typb };
	if (len < FADT_PM1B_CNT_BLK + 4)
		return -1;
	plan->smi_cmd = le32(fadt + FADT_SMI_CMD) <= 0xFFFF ? (uint16_t)le32(fadt + FADT_SMI_CMD) : 0;
	plan->acpi_enable = fadt[FADT_ACPI_ENABLE];
	plan->hw_reduced = len >= FADT_FLAGS + 4 && (le32(fadt + FADT_FLAGS) & FADT_HW_REDUCED);
	if (plan->hw_reduced) {
		if (len >= FADT_SLEEP_CONTROL + 12)
			plan->sleep_ctl = gas(fadt + FADT_SLEEP_CONTROL, 1);
		return plan->sleep_ctl.width ? 0 : -1;
	}
	/* The 64-bit X_ fields win where they are there (5.2.9: "if non-zero,
	 * the 32-bit field must be ignored"). */
	if (len >= FADT_X_PM1A_CNT_BLK + 12)
		plan->pm1a = gas(fadt + FADT_X_PM1A_CNT_BLK, 2);
	if (!plan->pm1a.width)
		plan->pm1a = io_block(le32(fadt + FADT_PM1A_CNT_BLK), 2);
	if (len >= FADT_X_PM1B_CNT_BLK + 12)
		plan->pm1b = gas(fadt + FADT_X_PM1B_CNT_BLK, 2);
	if (!plan->pm1b.width)
		plan->pm1b = io_block(le32(fadt + FADT_PM1B_CNT_BLK), 2);
	return plan->pm1a.width ? 0 : -1;
}
