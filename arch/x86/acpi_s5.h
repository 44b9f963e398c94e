/* Finding what S5 (soft-off) needs from ACPI tables: pure parsing, so
 * tests/test_acpi.c can feed it real and broken tables. */
#ifndef TERN_ARCH_X86_ACPI_S5_H
#define TERN_ARCH_X86_ACPI_S5_H

#include <stddef.h>
#include <stdint.h>

/* Sum of bytes mod 256 (ACPI 6.4, 5.2.5.3 and 5.2.6: valid tables sum to 0). */
uint8_t acpi_checksum(const void *p, size_t len);

/* Find "Name(_S5_, Package(){a, b, ...})" in the DSDT's AML and return
 * SLP_TYPa/SLP_TYPb (ACPI 6.4, 7.4.2 "\_Sx (System States)").
 * Returns 0, or -1 when there is no parsable _S5 object. */
int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb);

#endif
