/* What the SVM backend keeps per vCPU besides the core's struct vcpu:
 * the VMCB, the ASID, the guest state that neither VMRUN nor
 * VMLOAD/VMSAVE switch (APM Vol. 2 15.5.1, 15.5.2): DR0-3, TSC_AUX, and
 * the CR0 bits the guest sees but the CPU does not. */
#ifndef TERN_SVM_SVM_VCPU_H
#define TERN_SVM_SVM_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "svm/vmcb.h"
#include "virt/vcpu.h"

struct svm_vcpu {
	uint64_t vmcb_pa;
	struct vmcb *vmcb;
	uint32_t asid;
	uint64_t tsc_aux;
	uint64_t dr[4];
	/* CR0.CD/NW as the guest set them; the real CR0 keeps them clear
	 * (svm/backend.c, guest_cr0). */
	uint64_t cr0_hidden;
	/* The guest's NMI blocking (svm/nmi.c): an NMI went in and its
	 * IRET has not yet run; that IRET seen at rip iret_rip; one step
	 * of the guest under way, and whether TF was the guest's own. */
	bool nmi_masked, iret_seen, stepping, guest_tf;
	uint64_t iret_rip;
};

static inline struct svm_vcpu *to_svm(struct vcpu *v)
{
	return v->be;
}

/* SVM capabilities (svm/svm.c). */
struct svm_caps {
	uint32_t asids;          /* CPUID 8000_000AH:EBX */
	bool nrips;              /* next RIP saved on #VMEXIT */
	bool flush_by_asid;      /* TLB_CONTROL = 3 */
	bool vmcb_clean;
	bool decode_assists;
	bool pause_filter;
};
extern struct svm_caps svm_caps;

/* svm/svm.c */
int svm_probe(void);
int svm_init(void);
/* The I/O and MSR permission maps all guests share (all ones). */
uint64_t svm_iopm_pa(void);
uint64_t svm_msrpm_pa(void);
uint64_t svm_host_vmcb_pa(void);

/* svm/vmcb.c */
int vmcb_create(struct vcpu *v, uint32_t entry);
void vmcb_destroy(struct vcpu *v);
void vmcb_dump(struct vcpu *v);

/* svm/entry.asm: VMLOAD, VMRUN, VMSAVE with the guest GPRs in place. */
void svm_vmrun(struct vcpu *v, uint64_t vmcb_pa, uint64_t host_vmcb_pa);

/* svm/exit.c: handle the exit in v's VMCB; 0 = enter the guest again. */
int svm_exit_dispatch(struct vcpu *v);
/* backend->step_trap: the single-step #DB after an emulated instruction. */
void svm_step_trap(struct vcpu *v);

#endif
