/* The guest-physical pages of emulated devices -- the local APIC, the
 * I/O APIC, and the BIOS ROM for writes -- which, if any, answers an
 * access that RAM does not. */
#ifndef TERN_GUEST_MMIO_H
#define TERN_GUEST_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "virt/mmio_insn.h"

struct vm;

/* Fill *dev for the device at gpa; false if there is none. */
bool vm_mmio_device(struct vm *vm, uint64_t gpa, struct mmio_access *dev);

#endif
