/* The ACPI tables Tern reads: RSDP -> RSDT/XSDT -> FADT -> DSDT, for the
 * S5 power-off registers. */
#ifndef TERN_ARCH_X86_ACPI_H
#define TERN_ARCH_X86_ACPI_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* rsdp: the copy from the multiboot2 info, or NULL to scan the BIOS
 * areas.  Reports what it found, registers S5 with power.c; returns 0 or
 * -1 (power-off then falls back to the other methods). */
int acpi_init(const void *rsdp);
/* The console UART the ACPI SPCR table names (a 16550 kind); 0 or -1. */
int acpi_spcr_uart(bool *mmio, uint64_t *base, unsigned *width);
/* Call fn with the address of every I/O APIC the MADT lists; how many. */
int acpi_for_each_ioapic(void (*fn)(uint64_t addr));
/* The RSDP's OEM ID (6 characters), or NULL when there is no RSDP. */
const char *acpi_oem_id(void);

#endif
