/* The guest's local APIC on the platform (guest/dev_lapic.c). */
#ifndef TERN_GUEST_DEV_LAPIC_H
#define TERN_GUEST_DEV_LAPIC_H

#include <stdint.h>

struct vm;

/* IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC MSRs (800h-8FFh):
 * 0, or -1 for #GP.  tsc_offset: the guest's (guest TSC - host TSC). */
int vm_lapic_rdmsr(struct vm *vm, uint32_t msr, uint64_t *value);
int vm_lapic_wrmsr(struct vm *vm, uint32_t msr, uint64_t value, uint64_t tsc_offset);

#endif
