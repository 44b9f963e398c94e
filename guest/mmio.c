/* Which device answers an access that faulted outside RAM or into ROM
 * (guest/mmio.h): the BIOS ROM, the local APIC, the I/O APIC. */
#include "guest/mmio.h"
#include "guest/dev_lapic.h"
#include "guest/vm.h"

/* The ROM reads as what Tern wrote there; a write changes nothing, as
 * on a PC whose BIOS area is write-protected.  The writes are counted
 * and reported at the guest's end. */
static uint64_t rom_in(void *ctx, int64_t offset, unsigned size)
{
	struct vm *vm = ctx;
	uint64_t value = 0;

	if (gmem_read(&vm->mem, vm->mmio_gpa + (uint64_t)offset, &value, size))
		return ~0ull;
	return value;
}

static void rom_out(void *ctx, int64_t offset, unsigned size, uint64_t value)
{
	struct vm *vm = ctx;
	(void)offset, (void)size, (void)value;

	vm->rom_writes++;
}

bool vm_mmio_device(struct vm *vm, uint64_t gpa, struct mmio_access *dev)
{
	vm->mmio_gpa = gpa;
	if (gmem_in_rom(gpa)) {
		*dev = (struct mmio_access){ rom_in, rom_out, vm, GMEM_ROM_END - gpa,
					     gpa - GMEM_ROM_BASE + 1 };
		return true;
	}
	return vm_apic_mmio(vm, gpa, dev);
}
