/* The guest's local APIC on the platform (guest/dev_lapic.c). */
#ifndef TERN_GUEST_DEV_LAPIC_H
#define TERN_GUEST_DEV_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "virt/mmio_insn.h"

struct vm;

/* The local APIC's page (while it is enabled in xAPIC mode) or the I/O
 * APIC's: fill *dev for gpa (vm->mmio_gpa set); false for neither. */
bool vm_apic_mmio(struct vm *vm, uint64_t gpa, struct mmio_access *dev);

/* With the CPU's APIC virtualization (vm->apicv): write the model's
 * registers into its page for the guest to read (lapic_mirror); a no-op
 * otherwise. */
void vm_lapic_push(struct vm *vm);
/* The guest wrote the register at `offset` (now in the virtual-APIC
 * page): the model carries the write out. */
void vm_lapic_apic_write(struct vm *vm, unsigned offset);

/* Virtual-interrupt delivery: the CPU ended `vector` (an EOI-induced
 * exit); a level-triggered one's EOI goes on to the I/O APIC. */
void vm_lapic_eoi_exit(struct vm *vm, uint8_t vector);

/* IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC MSRs (800h-8FFh):
 * 0, or -1 for #GP.  tsc_offset: the guest's (guest TSC - host TSC). */
int vm_lapic_rdmsr(struct vm *vm, uint32_t msr, uint64_t *value);
int vm_lapic_wrmsr(struct vm *vm, uint32_t msr, uint64_t value, uint64_t tsc_offset);

#endif
