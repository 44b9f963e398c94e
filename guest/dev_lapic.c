/* The guest's APICs on the platform: the local APIC (devices/lapic.c)
 * with its MMIO page and its MSRs (IA32_APIC_BASE, x2APIC,
 * IA32_TSC_DEADLINE), its timer on the VM's clock at LAPIC_BUS_HZ; and
 * the I/O APIC's MMIO page (devices/ioapic.c). */
#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "arch/x86/msr.h"
#include "guest/dev_lapic.h"
#include "guest/intr.h"
#include "guest/vm.h"

/* After any register access: an EOI or an unmask may let an interrupt
 * through, a timer write changes the deadline; the scheduler looks.  An
 * EOI of a level-triggered vector goes on to the I/O APIC (SDM Vol. 3A
 * 11.8.5), which may send it again. */
static void changed(struct vm *vm)
{
	if (vm->lapic.eoi_level_vector >= 0) {
		ioapic_eoi(&vm->ioapic, (uint8_t)vm->lapic.eoi_level_vector);
		vm->lapic.eoi_level_vector = -1;
	}
	vm_lapic_nmi(vm);
	vm_lapic_push(vm);
	vcpu_kick(&vm->vcpu);
}

void vm_lapic_push(struct vm *vm)
{
	if (vm->apicv)
		lapic_mirror(&vm->lapic);
}

void vm_lapic_eoi_exit(struct vm *vm, uint8_t vector)
{
	if (lapic_level(&vm->lapic, vector))
		ioapic_eoi(&vm->ioapic, vector);
	vm->lapic.page_stale = true;   /* PPR */
	vcpu_kick(&vm->vcpu);
}

void vm_lapic_apic_write(struct vm *vm, unsigned offset)
{
	offset &= 0xFF0;
	lapic_mmio_write(&vm->lapic, offset, vm->lapic.regs[offset / 4], vm_clock(vm, rdtsc(), LAPIC_BUS_HZ));
	changed(vm);
}

/* Both APICs' registers are 32 bits wide: a narrower read sees its bytes
 * of the register; writes other than aligned dwords are dropped (SDM Vol.
 * 3A 11.4.1, 82093AA 3.0: such accesses are undefined). */
static unsigned page_offset(const struct vm *vm, int64_t offset)
{
	return (unsigned)((vm->mmio_gpa + (uint64_t)offset) & 0xFFF);
}

static uint64_t narrow(uint32_t reg, unsigned at, unsigned size)
{
	return size >= 4 ? reg : (reg >> (8 * (at & 3))) & ((1u << (8 * size)) - 1);
}

static uint64_t lapic_mmio_in(void *ctx, int64_t offset, unsigned size)
{
	struct vm *vm = ctx;
	unsigned at = page_offset(vm, offset);

	return narrow(lapic_mmio_read(&vm->lapic, at & ~3u, vm_clock(vm, rdtsc(), LAPIC_BUS_HZ)), at, size);
}

static void lapic_mmio_out(void *ctx, int64_t offset, unsigned size, uint64_t value)
{
	struct vm *vm = ctx;
	unsigned at = page_offset(vm, offset);

	if (size == 4 && !(at & 3))
		lapic_mmio_write(&vm->lapic, at, (uint32_t)value, vm_clock(vm, rdtsc(), LAPIC_BUS_HZ));
	changed(vm);
}

static uint64_t ioapic_mmio_in(void *ctx, int64_t offset, unsigned size)
{
	struct vm *vm = ctx;
	unsigned at = page_offset(vm, offset);

	return narrow(ioapic_read(&vm->ioapic, at & ~3u), at, size);
}

static void ioapic_mmio_out(void *ctx, int64_t offset, unsigned size, uint64_t value)
{
	struct vm *vm = ctx;
	unsigned at = page_offset(vm, offset);

	if (size == 4 && !(at & 3))
		ioapic_write(&vm->ioapic, at, (uint32_t)value);
	vcpu_kick(&vm->vcpu);   /* an unmasked level interrupt may be on its way */
}

bool vm_apic_mmio(struct vm *vm, uint64_t gpa, struct mmio_access *dev)
{
	struct lapic *l = &vm->lapic;
	uint64_t page = gpa & ~0xFFFull;

	/* Both devices are one 4 KiB page. */
	dev->room_up = 0x1000 - (gpa & 0xFFF);
	dev->room_down = (gpa & 0xFFF) + 1;
	if (lapic_enabled(l) && !lapic_x2apic(l) && page == (l->base & 0xFFFFFF000ull)) {
		dev->read = lapic_mmio_in, dev->write = lapic_mmio_out, dev->ctx = vm;
		return true;
	}
	if (page == IOAPIC_DEFAULT_BASE) {
		dev->read = ioapic_mmio_in, dev->write = ioapic_mmio_out, dev->ctx = vm;
		return true;
	}
	return false;
}

int vm_lapic_rdmsr(struct vm *vm, uint32_t msr, uint64_t *value)
{
	struct lapic *l = &vm->lapic;

	if (msr == IA32_APIC_BASE) {
		*value = l->base;
		return 0;
	}
	if (msr == IA32_TSC_DEADLINE) {
		*value = vm->tsc_deadline;
		return 0;
	}
	return lapic_msr_read(l, msr, value, vm_clock(vm, rdtsc(), LAPIC_BUS_HZ));
}

int vm_lapic_wrmsr(struct vm *vm, uint32_t msr, uint64_t value, uint64_t tsc_offset)
{
	struct lapic *l = &vm->lapic;
	uint64_t now = vm_clock(vm, rdtsc(), LAPIC_BUS_HZ);
	int rc;

	if (msr == IA32_APIC_BASE) {
		/* The page must stay outside RAM, where its accesses fault
		 * (guest/memory.c backs everything below mem=). */
		if ((value & APIC_BASE_ENABLE) && (value & 0xFFFFFF000ull) < vm->mem.ram_size)
			return -1;
		rc = lapic_set_base(l, value, now);
		if (!rc && vm->apicv)
			backend->apic_moved(&vm->vcpu);   /* the APIC-access page follows */
	} else if (msr == IA32_TSC_DEADLINE) {
		/* Guest TSC = host TSC + offset; 0 disarms. */
		vm->tsc_deadline = value;
		lapic_set_deadline(l, value ? vm_clock(vm, value - tsc_offset, LAPIC_BUS_HZ) + 1 : 0);
		rc = 0;
	} else {
		rc = lapic_msr_write(l, msr, value, now);
	}
	changed(vm);
	return rc;
}
