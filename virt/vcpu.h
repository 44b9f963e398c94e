/*
 * The virtual CPU as the vendor-neutral core sees it (DESIGN.md 1): the
 * GPRs the entry stubs save, the state that the hypervisor switches
 * itself (FPU, XCR0), exit counters, and the architectural registers
 * that live in the VMCS or VMCB, reached only through the backend's
 * accessors below.  No core file reads a VMCS or a VMCB.
 */
#ifndef TERN_VIRT_VCPU_H
#define TERN_VIRT_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/cpu.h"
#include "virt/backend.h"
#include "virt/vexit.h"

/* Guest GPRs in the x86 register-number order (SDM Vol. 2A Table 2-2),
 * so "GPR n" of an exit qualification indexes gpr[n].  gpr[GPR_RSP] is
 * not used: RSP lives in the VMCS or VMCB (vcpu_get_gpr() reads it). */
enum gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
};

struct vm;

struct vcpu {
	/* The backends' entry stubs depend on these four members'
	 * offsets (checked with _Static_assert in each backend). */
	uint64_t gpr[16];
	uint64_t host_rsp;        /* the scheduler's stack while the guest runs */
	uint64_t launched;        /* the backend entered it before */
	uint64_t host_stack_top;  /* the slot there holds this vcpu's address */

	/* The exit path goes back to the scheduler, instead of resuming
	 * the guest, at the first exit at or after this TSC value: the end
	 * of the slice, the next device timer, or 0 when the scheduler must
	 * look at the vCPU now (vcpu_kick: an interrupt became pending). */
	uint64_t deadline;
	bool halted;              /* in HLT, waiting for an interrupt */
	bool irq_window;          /* interrupt-window exiting is on */
	bool nmi_pending;         /* an NMI waits to be delivered (one is latched) */
	bool nmi_window;          /* the backend's NMI window is on */

	struct vm *vm;
	void *be;                 /* the backend's own per-vCPU state */
	uint64_t xcr0;            /* live on the CPU while the vCPU runs */
	uint64_t mtrr_def_type;   /* IA32_MTRR_DEF_TYPE as the guest wrote it */
	bool fast_strings_off;    /* IA32_MISC_ENABLE bit 0 clear (set at reset) */
	uint64_t nb_cfg;          /* MSR_AMD64_NB_CFG as written (AMD) */
	uint64_t exits[VEXIT_KINDS];   /* per decoded exit kind */
	uint8_t fpu[512] __attribute__((aligned(16)));  /* FXSAVE image */
};

/* Architectural state, through the backend (virt/backend.h). */
static inline uint64_t vcpu_get(struct vcpu *v, enum vreg r)
{
	return backend->get(v, r);
}

static inline void vcpu_set(struct vcpu *v, enum vreg r, uint64_t value)
{
	backend->set(v, r, value);
}

static inline void vcpu_get_seg(struct vcpu *v, enum vseg_reg s, struct vseg *out)
{
	backend->get_seg(v, s, out);
}

static inline void vcpu_set_seg(struct vcpu *v, enum vseg_reg s, const struct vseg *in)
{
	backend->set_seg(v, s, in);
}

/* Current privilege level: SS.DPL (SDM Vol. 3A 5.5; the VMCB keeps it
 * in its own CPL field). */
static inline unsigned vcpu_cpl(struct vcpu *v)
{
	return (unsigned)vcpu_get(v, VREG_CPL);
}

/* The guest runs 64-bit code (CS.L): only then do registers count in
 * full; otherwise their low 32 bits do. */
static inline bool vcpu_long_mode(struct vcpu *v)
{
	return vcpu_get(v, VREG_CS_L) != 0;
}

/* Handle one decoded exit: count it, run the core's handler. */
static inline HOT_PATH enum exit_action vexit_handle(struct vcpu *v, const struct vexit *e)
{
	v->exits[e->kind]++;
	return vexit_handlers[e->kind](v, e);
}

/* The scheduler must look at v before it runs guest code again. */
static inline void vcpu_kick(struct vcpu *v)
{
	v->deadline = 0;
}

/* Back to the scheduler, rather than into the guest, after this exit?
 * (One RDTSC on every exit: this is what keeps a guest's slice and its
 * device timers to wall-clock time however often it exits.) */
static inline HOT_PATH bool vcpu_must_yield(const struct vcpu *v)
{
	return unlikely(rdtsc() >= v->deadline);
}

/* Inject the pending NMI, or else the highest-priority pending external
 * interrupt, if the guest can take it now; for what it cannot take yet,
 * ask for an exit when it can (virt/irq.c). */
void vcpu_deliver_interrupt(struct vcpu *v);
/* An NMI for the vCPU (edge: NMIs that arrive while one is already
 * pending are one NMI, as on the CPU, SDM Vol. 3A 6.7.1). */
void vcpu_raise_nmi(struct vcpu *v);
/* Would a halted vCPU wake up: an NMI or an interrupt is pending. */
bool vcpu_wake_pending(const struct vcpu *v);

/* GPR n, with RSP from the backend (MOV CR/DR name any GPR). */
uint64_t vcpu_get_gpr(struct vcpu *v, unsigned n);
void vcpu_set_gpr(struct vcpu *v, unsigned n, uint64_t value);

/* The register state of a vCPU at reset, as far as the core keeps it
 * (FPU, XCR0). */
void vcpu_reset_core_state(struct vcpu *v);
/* A linear address through the guest's own paging as it stands, with
 * the access rights of its current privilege level (access: 0 or
 * GVA_WRITE from guest/gva.h): 0 and the guest-physical address, or
 * nonzero and the #PF error code the guest would get. */
int vcpu_translate(struct vcpu *v, uint64_t linear, unsigned access, uint64_t *gpa, uint32_t *pf);
/* How an emulated access reaches guest memory by linear address: the
 * paging it goes through and its rights (GVA_WRITE, GVA_USER from
 * guest/gva.h).  vcpu_linear_access() gives an access of the guest's
 * current privilege level; a task switch makes implicit supervisor
 * accesses under the CR3 it loads. */
struct linear_access {
	uint64_t cr0, cr3;
	unsigned access;
};
struct linear_access vcpu_linear_access(struct vcpu *v, bool write);
/* Copy size bytes to or from guest memory at `linear`, page by page:
 * 0; 1 with the faulting address and #PF error code; -1 if a page lies
 * outside the guest's RAM. */
int vcpu_copy_linear(struct vcpu *v, const struct linear_access *a, uint64_t linear, void *buf,
		     unsigned size, uint64_t *fault_addr, uint32_t *pf);
/* Up to max bytes of the instruction at CS:rIP, through the guest's
 * paging; the number fetched (it stops at the first byte that cannot be
 * read). */
unsigned vcpu_fetch_insn(struct vcpu *v, uint8_t *buf, unsigned max);

#endif
