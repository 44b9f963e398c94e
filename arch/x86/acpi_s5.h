/* Finding what S5 (soft-off) needs from ACPI tables: pure parsing, so
 * tests/test_acpi.c can feed it real and broken tables. */
#ifndef TERN_ARCH_X86_ACPI_S5_H
#define TERN_ARCH_X86_ACPI_S5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sum of bytes mod 256 (ACPI 6.4, 5.2.5.3 and 5.2.6: valid tables sum to 0). */
uint8_t acpi_checksum(const void *p, size_t len);

/* Find "Name(_S5_, Package(){a, b, ...})" in the DSDT's AML and return
 * SLP_TYPa/SLP_TYPb (ACPI 6.4, 7.4.2 "\_Sx (System States)").
 * Returns 0, or -1 when there is no parsable _S5 object. */
int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb);

/* A register as the FADT gives it: I/O port or memory address, width in
 * bytes (0: there is none). */
struct acpi_reg {
	uint8_t space;      /* ACPI_SPACE_MEMORY or ACPI_SPACE_IO */
	uint8_t width;      /* 1, 2 or 4 */
	uint64_t addr;
};
#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO     1

/* How to enter S5 on this machine, from the FADT (ACPI 6.4 5.2.9,
 * 4.8.3.2.1, 16.1.x) and the DSDT's \_S5 values. */
struct acpi_s5_plan {
	bool hw_reduced;            /* FADT flag 20: only the sleep control register */
	struct acpi_reg pm1a, pm1b; /* PM1 control blocks (X_ fields preferred) */
	struct acpi_reg sleep_ctl;  /* hardware-reduced: SLEEP_CONTROL_REG */
	uint16_t smi_cmd;           /* write acpi_enable there when SCI_EN is 0 */
	uint8_t acpi_enable;
	uint8_t slp_typa, slp_typb;
};

/* Fill *plan from a FADT of len bytes; 0, or -1 if the FADT names no
 * register S5 could be entered through. */
int acpi_s5_plan(const uint8_t *fadt, size_t len, uint8_t slp_typa, uint8_t slp_typb,
		 struct acpi_s5_plan *plan);

#endif
