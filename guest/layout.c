/* The guest's physical memory map and BIOS data area (layout.h). */
#include "guest/layout.h"
#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "lib/le.h"

unsigned guest_layout(uint64_t ram_size, struct guest_region *out)
{
	unsigned n = 0;

	out[n++] = (struct guest_region){ 0, GUEST_EBDA_BASE, GUEST_REGION_RAM };
	out[n++] = (struct guest_region){ GUEST_EBDA_BASE, GUEST_EBDA_KIB << 10, GUEST_REGION_RESERVED };
	out[n++] = (struct guest_region){ GUEST_BIOS_BASE, GUEST_HIGH_BASE - GUEST_BIOS_BASE,
					  GUEST_REGION_RESERVED };
	out[n++] = (struct guest_region){ GUEST_HIGH_BASE, ram_size - GUEST_HIGH_BASE, GUEST_REGION_RAM };
	out[n++] = (struct guest_region){ IOAPIC_DEFAULT_BASE, 0x1000, GUEST_REGION_RESERVED };
	out[n++] = (struct guest_region){ LAPIC_DEFAULT_BASE, 0x1000, GUEST_REGION_RESERVED };
	return n;
}

int guest_write_bda(const struct guest_writer *w)
{
	uint8_t bda[0x20] = { 0 }, ebda_size[2];

	le_put(bda + 0x00, 2, 0x3F8);                    /* COM1..COM4 I/O bases */
	le_put(bda + 0x0E, 2, GUEST_EBDA_BASE >> 4);     /* EBDA segment */
	le_put(bda + 0x10, 2, 1u << 9);                  /* equipment: one serial port */
	le_put(bda + 0x13, 2, (uint16_t)guest_base_memory_kib());
	le_put(ebda_size, 2, GUEST_EBDA_KIB);            /* the EBDA's first word: its size */
	if (w->write(w->ctx, GUEST_BDA_BASE, bda, sizeof bda) ||
	    w->write(w->ctx, GUEST_EBDA_BASE, ebda_size, sizeof ebda_size))
		return -1;
	return 0;
}
