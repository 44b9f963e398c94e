/* VMX operation on this CPU and the life of one vCPU's VMCS. */
#ifndef TERN_VMX_VMX_H
#define TERN_VMX_VMX_H

#include <stdint.h>

struct vcpu;
struct vm;

/* Return values of vmx_enter() besides the dispatcher's own. */
#define VMX_ENTER_FAIL_VALID   (-1)
#define VMX_ENTER_FAIL_INVALID (-2)
/* What vmx_exit_dispatch() returns to leave the guest loop. */
#define VMX_TO_SCHEDULER 1

/* Enter VMX root operation (CR0/CR4 fixed bits, VMXON).  0 or -1. */
int vmx_init(void);

/* The I/O and MSR bitmaps all guests share (allocated once). */
int vmcs_setup_shared(void);

/* Allocate and fill the VMCS of v (host state, controls, guest state of
 * a flat 32-bit protected-mode machine at `entry`).  0 or -1. */
int vmcs_create(struct vcpu *v, uint32_t entry);
void vmcs_destroy(struct vcpu *v);
/* crashtest=vmentry|vmcontrol: make v's next VM entry fail on purpose. */
void vmcs_sabotage(struct vcpu *v, const char *kind);
/* Make v's VMCS current on this CPU (VMPTRLD) if it is not already.
 * 0, or -1 if VMPTRLD failed (then no VMCS is current). */
int vmcs_load(struct vcpu *v);
/* INVVPID for one VPID (single-context where supported). */
void vpid_flush(uint16_t vpid);

/* Run v until the dispatcher leaves the guest loop; returns why
 * (VMX_TO_SCHEDULER or a VMX_ENTER_FAIL_*). */
int vmx_enter(struct vcpu *v);
void vmx_exit_stub(void);

/* Guest-visible CR0/CR4 from a value the guest wants (shadow) to the
 * value the CPU needs in VMX non-root operation. */
uint64_t vmx_guest_cr0(uint64_t shadow);
uint64_t vmx_guest_cr4(uint64_t shadow);

#endif
