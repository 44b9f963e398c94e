/*
 * A guest's memory space (DESIGN.md sections 1-2): guest-physical RAM
 * [0, ram_size) is backed on first touch, one zeroed 4 KiB frame per
 * nested page fault; nothing else is mapped.  Inside it, the BIOS area
 * [GMEM_ROM_BASE, GMEM_ROM_END) is ROM: backed the same way but mapped
 * read-only, written only by Tern (gmem_write_rom: the firmware tables);
 * the guest's writes there fault and are dropped (guest/mmio.c), as a
 * PC's ROM ignores them.  The second stage is a
 * page table in a format given as data (mm/formats.h: EPT or NPT) plus
 * the backend's way of dropping cached translations (struct stage2).
 * The interface: gmem_fault() backs a page, gmem_root() is what the
 * hardware loads, gmem_invalidate() drops cached translations.
 */
#ifndef TERN_GUEST_MEMORY_H
#define TERN_GUEST_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/layout.h"
#include "mm/pagetable.h"

/* A second-stage translation: its entries' format, and how the CPU
 * drops translations it cached from such a table (INVEPT; for NPT the
 * ASID flush at the next VMRUN). */
struct stage2 {
	const struct pt_format *format;
	void (*flush)(const struct pagetable *pt);
};

struct guest_memory {
	uint64_t ram_size;
	const struct stage2 *s2;
	uint64_t leaf_ram;           /* s2->format->leaf_ram, one load nearer the fault path */
	struct pagetable table;
	struct pt_mem table_mem;
	uint64_t ram_frames;         /* 4 KiB frames backing guest RAM */
	uint64_t table_frames;       /* frames holding the second-stage tables */
	uint64_t device_gpa;         /* where a device page is mapped, or GMEM_NO_DEVICE */
};

#define GMEM_NO_DEVICE (~0ull)

#define GMEM_ROM_BASE ((uint64_t)GUEST_BIOS_BASE)
#define GMEM_ROM_END  ((uint64_t)GUEST_HIGH_BASE)

static inline bool gmem_in_rom(uint64_t gpa)
{
	return gpa - GMEM_ROM_BASE < GMEM_ROM_END - GMEM_ROM_BASE;
}

enum gmem_fault {
	GMEM_MAPPED,     /* backed now (or already): resume the guest */
	GMEM_OUTSIDE,    /* not RAM (a device's page, or nothing), or a
			  * write to ROM: the devices say (guest/mmio.c) */
	GMEM_NO_MEMORY,  /* the host ran out of frames */
};

/* Set up an empty guest memory of ram_size bytes.  -1 when the host
 * cannot promise that much on top of the guests that exist (admission
 * control: a guest never runs out of memory halfway) or has no frame
 * for the root table. */
int gmem_init(struct guest_memory *m, const struct stage2 *s2, uint64_t ram_size);
/* Bytes of free RAM not yet promised to a guest. */
uint64_t gmem_uncommitted(void);
/* Back the page containing gpa, if it is guest RAM. */
enum gmem_fault gmem_fault(struct guest_memory *m, uint64_t gpa);
/* Copy into/out of guest RAM, backing pages as needed (loaders,
 * hypercalls, string I/O).  gmem_write writes as the guest would: the
 * bytes that fall in ROM are dropped.  Return 0, or -1 if any byte is
 * outside RAM or the host is out of memory. */
int gmem_write(struct guest_memory *m, uint64_t gpa, const void *src, size_t len);
int gmem_read(struct guest_memory *m, uint64_t gpa, void *dst, size_t len);
/* Write the ROM's contents (firmware tables); 0, or -1 as above and
 * when [gpa, gpa + len) is not all ROM. */
int gmem_write_rom(struct guest_memory *m, uint64_t gpa, const void *src, size_t len);
/* Map one host page that is not guest RAM -- the VMX APIC-access page,
 * which the CPU recognises by the guest-physical address that maps it
 * (SDM Vol. 3C 30.4) -- at gpa, outside RAM; it replaces the one mapped
 * before.  It is never freed with the RAM.  0, or -1 (gpa in RAM, or no
 * frame for a table). */
int gmem_map_device(struct guest_memory *m, uint64_t gpa, uint64_t hpa);
/* Take the device page out again (nothing if none is mapped). */
void gmem_unmap_device(struct guest_memory *m);
/* Return every frame (RAM and tables) to the allocator. */
void gmem_destroy(struct guest_memory *m);

/* What the hardware loads as the second stage's root: the EPT pointer
 * (with its memory type and walk length) or N_CR3. */
static inline uint64_t gmem_root(const struct guest_memory *m)
{
	return m->table.root | m->s2->format->root_flags;
}

/* Drop the translations the CPU cached from this space (after a
 * mapping was removed or made stricter). */
static inline void gmem_invalidate(const struct guest_memory *m)
{
	m->s2->flush(&m->table);
}

#endif
