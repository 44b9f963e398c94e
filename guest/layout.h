/*
 * The guest's physical address space as a PC BIOS describes it (DESIGN.md
 * section 4): RAM below the extended BIOS data area (EBDA), the EBDA, the
 * BIOS area, RAM from 1 MiB to mem=, and the I/O APIC and local APIC
 * pages -- for the boot loaders' memory maps (multiboot, later E820) --
 * and the BIOS data area's contents.  Pure code (tests/test_multiboot.c).
 */
#ifndef TERN_GUEST_LAYOUT_H
#define TERN_GUEST_LAYOUT_H

#include <stdint.h>

#include "guest/multiboot.h"

#define GUEST_BDA_BASE   0x400u
#define GUEST_EBDA_BASE  0x9FC00u     /* the last KiB below 640 KiB */
#define GUEST_EBDA_KIB   1u
#define GUEST_BIOS_BASE  0xE0000u     /* to 1 MiB */
#define GUEST_HIGH_BASE  0x100000u

enum guest_region_type { GUEST_REGION_RAM = 1, GUEST_REGION_RESERVED = 2 };

struct guest_region {
	uint64_t base, len;
	uint32_t type;                /* the multiboot/E820 type */
};

#define GUEST_LAYOUT_MAX 6

/* The regions in address order for a guest of ram_size bytes (at least
 * 1 MiB); returns how many. */
unsigned guest_layout(uint64_t ram_size, struct guest_region *out);
/* Base memory below the EBDA, in KiB (the BDA's word at 413h, the
 * multiboot mem_lower). */
static inline uint32_t guest_base_memory_kib(void) { return GUEST_EBDA_BASE >> 10; }

/* Write the BIOS data area and the EBDA's header as a PC BIOS leaves
 * them: COM1 at 3F8h, one serial port in the equipment word, the EBDA
 * segment at 40Eh, base memory at 413h.  0, or -1. */
int guest_write_bda(const struct guest_writer *w);

#endif
