#include "arch/x86/acpi_s5.h"

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
