/* What the VMX backend keeps per vCPU besides the core's struct vcpu:
 * the VMCS, the host stack, the VPID, and the guest state VMX does not
 * switch (SDM Vol. 3C 28.5, 27.3.2), which stays on the CPU while the
 * vCPU runs (vmx/backend.c loads and saves it). */
#ifndef TERN_VMX_VMX_VCPU_H
#define TERN_VMX_VMX_VCPU_H

#include <stdint.h>

#include "virt/vcpu.h"

/* MSRs switched with the vCPU (STAR, LSTAR, CSTAR, FMASK,
 * KERNEL_GS_BASE, TSC_AUX). */
#define SWAPPED_MSRS 6
extern const uint32_t swapped_msrs[SWAPPED_MSRS];

struct vmx_vcpu {
	uint64_t vmcs;            /* physical address of the VMCS */
	uint64_t host_stack;      /* physical address of the host stack (4 pages) */
	uint16_t vpid;
	uint64_t guest_msrs[SWAPPED_MSRS];
	uint64_t cr2;
	uint64_t dr[4], dr6;      /* DR7 is in the VMCS */
	uint64_t pat;             /* where the CPU cannot load IA32_PAT */
	uint8_t tpr_threshold;    /* as written to the VMCS (vmx/apicv.c) */
	uint64_t eoi_exit[4];     /* the EOI-exit bitmap as written */
};

static inline struct vmx_vcpu *to_vmx(struct vcpu *v)
{
	return v->be;
}

/* Index of msr in swapped_msrs[], or -1. */
int swapped_msr_index(uint32_t msr);

#endif
