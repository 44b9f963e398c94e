/* The guest-physical pages of emulated devices (the local APIC; the I/O
 * APIC to come): which device, if any, answers an address outside RAM. */
#ifndef TERN_GUEST_MMIO_H
#define TERN_GUEST_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "virt/mmio_insn.h"

struct vm;

/* Fill *dev for the device at gpa; false if there is none. */
bool vm_mmio_device(struct vm *vm, uint64_t gpa, struct mmio_access *dev);

#endif
