/* The host's I/O APICs: masked at boot, since Tern takes no device
 * interrupts and firmware may have left pins enabled (82093AA datasheet;
 * ACPI MADT for where they are). */
#ifndef TERN_ARCH_X86_IOAPIC_H
#define TERN_ARCH_X86_IOAPIC_H

#include <stdint.h>

/* Mask every redirection entry of the I/O APIC at addr. */
void ioapic_mask_all(uint64_t addr);

#endif
