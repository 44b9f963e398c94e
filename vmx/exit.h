/* The VMX exit path: the dispatcher vmx/entry.asm calls. */
#ifndef TERN_VMX_EXIT_H
#define TERN_VMX_EXIT_H

#include <stdint.h>

#include "virt/vexit.h"

struct vcpu;

/* Called by vmx/entry.asm for every exit: 0 = resume the guest. */
int vmx_exit_dispatch(struct vcpu *v);

#endif
