/* The CPU's APIC virtualization for a vCPU (vmx/apicv.c). */
#ifndef TERN_VMX_APICV_H
#define TERN_VMX_APICV_H

#include <stdbool.h>

struct vcpu;

/* The CPU offers it and `apicv=off` was not given. */
bool vmx_apicv_on(void);
/* The APIC-access page all guests share (at VMX start-up): 0 or -1. */
int vmx_apicv_init(void);
/* Turn it on in v's current VMCS, the LAPIC model's page as the
 * virtual-APIC page: 0 or -1. */
int vmx_apicv_create(struct vcpu *v);
void vmx_apicv_destroy(struct vcpu *v);
/* backend->apic_moved, backend->apic_sync. */
void vmx_apic_moved(struct vcpu *v);
void vmx_apic_sync(struct vcpu *v);

#endif
