/*
 * The CPU backend interface (DESIGN.md 1): what the vendor-neutral core
 * needs from VMX (vmx/) or SVM (svm/).  One backend is chosen at boot
 * (virt/backend.c) and reached through `backend`; the core never
 * includes a backend header.
 */
#ifndef TERN_VIRT_BACKEND_H
#define TERN_VIRT_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "virt/vexit.h"

struct vcpu;
struct vm;
struct stage2;
struct cpuid_regs;

/* Architectural registers held by the VMCS or VMCB (or, for the
 * backend's swapped MSRs, on the CPU while the vCPU runs).  CR0 and CR4
 * are the values the guest sees; EFER includes LMA. */
enum vreg {
	VREG_RIP, VREG_RSP, VREG_RFLAGS,
	VREG_CR0, VREG_CR2, VREG_CR3, VREG_CR4, VREG_EFER, VREG_DR7,
	VREG_CPL,              /* read only */
	VREG_CS_L,             /* read only: 1 in 64-bit code */
	VREG_PAT, VREG_DEBUGCTL,
	VREG_SYSENTER_CS, VREG_SYSENTER_ESP, VREG_SYSENTER_EIP,
	VREG_FS_BASE, VREG_GS_BASE, VREG_KERNEL_GS_BASE,
	VREG_STAR, VREG_LSTAR, VREG_CSTAR, VREG_SFMASK, VREG_TSC_AUX,
	VREG_TSC_OFFSET,
	VREG_COUNT,
};

enum vseg_reg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEG_GDTR, SEG_IDTR };

/* A segment register; `ar` in the VMX access-rights layout (SDM Vol. 3C
 * Table 25-2: type 3:0, S 4, DPL 6:5, P 7, AVL 12, L 13, D/B 14, G 15,
 * unusable 16), which the SVM backend converts from the VMCB's packing. */
struct vseg {
	uint16_t sel;
	uint32_t limit, ar;
	uint64_t base;
};

/* Control-register state after an emulated write, checked by the core
 * (virt/cr.c) before the backend commits it. */
struct cr_state {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t pdpte[4];
	bool pae_pdptes;            /* PAE paging outside IA-32e mode */
};

/* Features the backend gives guests or not (CPUID follows them). */
#define BACKEND_RDTSCP  (1u << 0)   /* RDTSCP runs in the guest */
#define BACKEND_INVPCID (1u << 1)   /* INVPCID runs in the guest */
#define BACKEND_TSC_OFFSET (1u << 2) /* the guest's TSC can be offset */

struct backend {
	const char *name;                     /* "vmx", "svm" */
	/* Per decoded exit kind, the vendor's name for it ("EPT violation"
	 * or "NPF"), for the exit counts printed when a guest ends. */
	const char *const *exit_names;
	const char *control_block;            /* "VMCS", "VMCB" */
	/* The vendor's name of a raw exit reason (VEXIT_UNHANDLED reports). */
	const char *(*reason_name)(uint32_t reason);
	const struct stage2 *stage2;          /* EPT or NPT */
	unsigned features;                    /* BACKEND_* */
	/* CR4 bits a guest may set (the rest are reserved: #GP). */
	uint64_t (*cr4_guest_bits)(void);

	/* Is this vendor's virtualization here and able to run guests?
	 * 0 yes; 1 not this vendor's CPU (silently); -1 present but
	 * unusable, after naming every missing feature in one line. */
	int (*probe)(void);
	/* Bring the CPU into VMX/SVM operation (after probe succeeded). */
	int (*init)(void);
	/* Set up v (its VMCS/VMCB, host stack) for a flat 32-bit
	 * protected-mode machine starting at `entry`.  0 or -1. */
	int (*vcpu_create)(struct vcpu *v, uint32_t entry);
	void (*vcpu_destroy)(struct vcpu *v);
	/* Run v until v->deadline (a TSC value): arm a timer for it,
	 * enter, handle exits until one goes back to the scheduler (or the
	 * guest is stopped). */
	void (*run)(struct vcpu *v);
	/* v's state that is not switched by VM entry/exit, onto or off the
	 * CPU (guest/run.c switches the rest). */
	void (*load)(struct vcpu *v);
	void (*put)(struct vcpu *v);

	uint64_t (*get)(struct vcpu *v, enum vreg r);
	void (*set)(struct vcpu *v, enum vreg r, uint64_t value);
	void (*get_seg)(struct vcpu *v, enum vseg_reg s, struct vseg *out);
	/* Load a segment register as a descriptor load would (loading SS
	 * sets the CPL to its DPL: emulated task switches), or GDTR/IDTR's
	 * base and limit (a boot protocol's initial state). */
	void (*set_seg)(struct vcpu *v, enum vseg_reg s, const struct vseg *in);
	/* Commit checked control-register state (and PDPTEs where VMX
	 * needs them). */
	void (*set_control_regs)(struct vcpu *v, const struct cr_state *st);
	/* Deliver an event at the next entry. */
	void (*inject)(struct vcpu *v, const struct vevent *ev);
	/* An instruction Tern emulated has completed with RFLAGS.TF set:
	 * deliver the single-step #DB (DR6.BS) the CPU would have. */
	void (*step_trap)(struct vcpu *v);
	/* Could an external interrupt be injected at the next entry: no
	 * STI/MOV-SS shadow and no event already being injected (RFLAGS.IF
	 * is the core's to check). */
	bool (*irq_injectable)(struct vcpu *v);
	/* Exit (VEXIT_IRQ_WINDOW) as soon as the guest can take an
	 * interrupt: on, or off. */
	void (*irq_window)(struct vcpu *v, bool on);
	/* Could an NMI be injected at the next entry: no NMI blocking (the
	 * guest's NMI handler has returned with IRET), no MOV-SS shadow (nor
	 * an STI shadow where the vendor blocks NMIs in it), and no event
	 * already being injected.  Injecting an NMI blocks further NMIs
	 * until the guest's next IRET. */
	bool (*nmi_injectable)(struct vcpu *v);
	/* Exit (VEXIT_NMI_WINDOW) as soon as an NMI could be injected (VMX
	 * NMI-window exiting; SVM: the IRET intercept, then one step). */
	void (*nmi_window)(struct vcpu *v, bool on);
	/* The CPU's APIC virtualization, for a backend that set
	 * vm->apicv (vmx/apicv.c; NULL otherwise): IA32_APIC_BASE has
	 * changed (the APIC-access page follows the LAPIC's page); before an
	 * entry, tell the CPU what the LAPIC model holds (the TPR threshold,
	 * or with vm->apic_delivers the requested and in-service vectors). */
	void (*apic_moved)(struct vcpu *v);
	void (*apic_sync)(struct vcpu *v);
	/* Drop v's cached guest-linear translations (emulated CR3 load). */
	void (*flush_tlb)(struct vcpu *v);
	/* Print the VMCS/VMCB (hypervisor-bug reports). */
	void (*dump)(struct vcpu *v);
	/* crashtest=vmentry|vmcontrol|eptmisconfig: break v on purpose. */
	void (*sabotage)(struct vcpu *v, const char *kind);
};

extern const struct backend *backend;
extern struct backend vmx_backend;         /* vmx/backend.c */
extern struct backend svm_backend;         /* svm/backend.c */

/* Pick the backend this CPU has (VMX on Intel, SVM on AMD), after
 * checking that it can run guests; prints why not and returns -1. */
int backend_select(void);

#endif
