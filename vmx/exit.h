/* The VMX exit path: the dispatcher vmx/entry.asm calls. */
#ifndef TERN_VMX_EXIT_H
#define TERN_VMX_EXIT_H

#include <stdint.h>

#include "virt/vexit.h"

struct vcpu;

/* Called by vmx/entry.asm for every exit: 0 = resume the guest. */
int vmx_exit_dispatch(struct vcpu *v);
/* backend->step_trap: the single-step #DB after an emulated instruction. */
void vmx_step_trap(struct vcpu *v);

#endif
