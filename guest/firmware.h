/*
 * The firmware tables in a guest's BIOS ROM, as a PC BIOS leaves them
 * (DESIGN.md section 4, docs/guest-platform.md):
 *
 *   9FC40h  ACPI FACS (in the EBDA: RAM, as the OS may write it)
 *   E0000h  ACPI RSDP (revision 2) -> RSDT and XSDT -> FADT, MADT;
 *           FADT -> DSDT (with \_S5) and the FACS
 *   F0000h  MultiProcessor Specification 1.4 floating pointer and
 *           configuration table
 *
 * Both describe the same machine: one CPU (APIC ID 0), the I/O APIC
 * (ID 1, 24 pins, GSI 0), ISA IRQ 0 on pin 2, the SCI on IRQ 9 (level,
 * active high), ExtINT on LINT0 and NMI on LINT1, the ACPI PM registers
 * at ACPI_PM_PORT and the reset register 0CF9h.
 *
 * Pure code (tests/test_firmware.c parses the tables back).
 */
#ifndef TERN_GUEST_FIRMWARE_H
#define TERN_GUEST_FIRMWARE_H

#include <stdint.h>

#include "guest/multiboot.h"

#define FW_FACS_ADDR     0x9FC40u
#define FW_RSDP_ADDR     0xE0000u
#define FW_RSDT_ADDR     0xE0040u
#define FW_XSDT_ADDR     0xE0080u
#define FW_FADT_ADDR     0xE0100u
#define FW_MADT_ADDR     0xE0200u
#define FW_DSDT_ADDR     0xE0300u
#define FW_MP_FLOAT_ADDR 0xF0000u
#define FW_MP_TABLE_ADDR 0xF0010u

/* What the MP table's processor entry says about the CPU (CPUID leaf 1
 * EAX and EDX, as the guest sees them). */
struct fw_cpu {
	uint32_t signature, features;
};

/* Write every table; 0, or -1 when a write failed. */
int firmware_write(const struct guest_writer *w, const struct fw_cpu *cpu);

#endif
