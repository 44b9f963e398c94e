/*
 * Invariant checks for tests and debugging (`checks=on`, DESIGN.md 3),
 * run when the guests have been created and after each one ends:
 *  - the frame allocator is consistent (frame_check);
 *  - every leaf of every guest's EPT/NPT maps a 4 KiB frame that the
 *    allocator holds as allocated (Tern's shared APIC-access page aside);
 *  - no frame is mapped twice: not into two guests, not twice into one.
 * A broken one is a hypervisor bug: panic, with the guest and addresses.
 */
#ifndef TERN_GUEST_CHECK_H
#define TERN_GUEST_CHECK_H

struct vm;

void vm_check_invariants(const struct vm *vms, unsigned count, const char *when);
/* crashtest=doublemap: break the third invariant on purpose. */
void vm_check_sabotage(struct vm *vms, unsigned count);

#endif
