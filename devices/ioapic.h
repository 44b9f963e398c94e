/*
 * An I/O APIC (Intel 82093AA datasheet; ICH/PCH datasheets for version
 * 20h's EOI register), the PC's at 0xFEC00000: 24 pins, an index
 * register (IOREGSEL, offset 00h), a data window (IOWIN, 10h) and the
 * EOI register (40h).  Pure state machine (tests/test_ioapic.c): the
 * platform drives pins and passes interrupts on to the local APIC
 * through a callback.
 *
 * Modelled: ID (bits 27:24), version 20h with 24 entries, arbitration ID,
 * redirection entries (vector, delivery mode fixed, lowest priority or
 * NMI, physical or logical destination, polarity, trigger mode, mask,
 * destination), edge and level triggering with remote IRR, the EOI from
 * the local APIC (broadcast) and through the EOI register.  An NMI entry
 * sends an NMI on each rising edge whatever its trigger mode says
 * (82093AA 3.2.4: NMI is edge-triggered).  Delivery modes SMI, INIT and
 * ExtINT are accepted in the entry and not delivered: one vCPU, and the
 * 8259s reach it through LINT0.
 */
#ifndef TERN_DEVICES_IOAPIC_H
#define TERN_DEVICES_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_DEFAULT_BASE 0xFEC00000u
/* Its APIC ID as the firmware leaves it: after the one CPU's 0, as a BIOS
 * numbers the I/O APICs (MP spec 4.3.3: the IDs are unique). */
#define IOAPIC_DEFAULT_ID   1u
#define IOAPIC_PINS         24
#define IOAPIC_REGSEL       0x00
#define IOAPIC_WINDOW       0x10
#define IOAPIC_EOI          0x40
#define IOAPIC_DELIVERY_NMI 4

struct ioapic {
	uint8_t regsel;
	uint32_t id;                 /* bits 27:24 as written */
	uint64_t redir[IOAPIC_PINS];
	uint32_t lines;              /* pin levels as last driven (before polarity) */
	/* Deliver `vector` to the destination (physical or logical, 8 bits);
	 * level: level-triggered; nmi: an NMI (no vector). */
	void (*deliver)(void *ctx, uint8_t vector, uint8_t dest, bool logical, bool level, bool nmi);
	void *ctx;
};

void ioapic_reset(struct ioapic *io);
/* Pin `pin` goes to `level` (1 = asserted, before polarity inversion:
 * an ISA IRQ line's level). */
void ioapic_set_pin(struct ioapic *io, unsigned pin, int level);
/* Is pin `pin`'s entry masked? */
bool ioapic_masked(const struct ioapic *io, unsigned pin);
/* The local APIC's EOI of a level-triggered `vector`. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);
/* MMIO: 32-bit access at offset (00h, 10h, 40h) of the page. */
uint32_t ioapic_read(struct ioapic *io, unsigned offset);
void ioapic_write(struct ioapic *io, unsigned offset, uint32_t value);

#endif
