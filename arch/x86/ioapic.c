#include "arch/x86/ioapic.h"
#include "core/log.h"
#include "mm/paging.h"

#define IOREGSEL      0x00
#define IOWIN         0x10
#define IOAPICVER     0x01
#define IOREDTBL(n)   (0x10 + 2 * (n))   /* low dword of entry n */
#define IOREDTBL_MASK (1u << 16)

static uint32_t ioapic_read(volatile uint32_t *base, uint32_t reg)
{
	base[IOREGSEL / 4] = reg;
	return base[IOWIN / 4];
}

static void ioapic_write(volatile uint32_t *base, uint32_t reg, uint32_t value)
{
	base[IOREGSEL / 4] = reg;
	base[IOWIN / 4] = value;
}

void ioapic_mask_all(uint64_t addr)
{
	volatile uint32_t *base;
	unsigned entries;

	/* I/O APICs sit below 4 GiB (the MADT field is 32 bits), in the
	 * direct map. */
	if (!addr || addr >= paging_direct_map_limit())
		return;
	base = phys_to_virt(addr);
	entries = ((ioapic_read(base, IOAPICVER) >> 16) & 0xFF) + 1;
	for (unsigned i = 0; i < entries; i++)
		ioapic_write(base, IOREDTBL(i), ioapic_read(base, IOREDTBL(i)) | IOREDTBL_MASK);
	pr_debug("ioapic at 0x%llx: %u pins masked", (unsigned long long)addr, entries);
}
