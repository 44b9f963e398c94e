/* The SVM backend (virt/backend.h): the core's accessors, injection and
 * vCPU life cycle on a VMCB (AMD APM Vol. 2 chapter 15). */
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/msr.h"
#include "core/log.h"
#include "core/options.h"
#include "guest/vm.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "svm/npt.h"
#include "svm/nmi.h"
#include "svm/svm_exit.h"
#include "svm/svm_vcpu.h"
#include "virt/backend.h"

static struct svm_vcpu vcpus[VM_MAX];
static struct vcpu *last_run;   /* whose VMCB the CPU may have cached */
/* crashtest=eptmisconfig: the page made reserved, to put back. */
static uint64_t sabotaged_gpa, sabotaged_hpa;
static struct vcpu *sabotaged;

static struct vmcb *vmcb_of(struct vcpu *v)
{
	return to_svm(v)->vmcb;
}

/* After a change to VMCB state that the CPU may cache, tell it (15.15
 * "VMCB State Caching"); without clean bits nothing is ever clean. */
static void dirty(struct vcpu *v, uint32_t bits)
{
	vmcb_of(v)->control.vmcb_clean &= ~bits;
}

/* ---- state neither VMRUN nor VMLOAD/VMSAVE switch ---- */

static void svm_put(struct vcpu *v)
{
	struct svm_vcpu *s = to_svm(v);

	if (backend->features & BACKEND_RDTSCP)   /* the MSR exists only with RDTSCP */
		s->tsc_aux = rdmsr(IA32_TSC_AUX);
	s->dr[0] = read_dr0();
	s->dr[1] = read_dr1();
	s->dr[2] = read_dr2();
	s->dr[3] = read_dr3();
}

static void svm_load(struct vcpu *v)
{
	struct svm_vcpu *s = to_svm(v);

	if (backend->features & BACKEND_RDTSCP)
		wrmsr(IA32_TSC_AUX, s->tsc_aux);
	write_cr2(s->vmcb->save.cr2);   /* for Bochs 2.7: see svm_set() */
	write_dr0(s->dr[0]);
	write_dr1(s->dr[1]);
	write_dr2(s->dr[2]);
	write_dr3(s->dr[3]);
}

/* ---- registers ---- */

/* CD and NW stay clear in the real CR0, so that a guest cannot make
 * its memory -- and the hypervisor's, on the same caches -- uncached
 * (Linux sets CD during MTRR/PAT set-up).  SVM has no read shadow: while
 * the guest has either bit set, its CR0 reads (MOV from CR0, SMSW) are
 * intercepted and answered with its own value (virt/cr.c), as KVM does;
 * otherwise they run at full speed. */
static void guest_cr0(struct vcpu *v, uint64_t cr0)
{
	struct vmcb *b = vmcb_of(v);
	uint64_t hidden = cr0 & (CR0_CD | CR0_NW);

	b->save.cr0 = cr0 & ~(CR0_CD | CR0_NW);
	if (hidden != to_svm(v)->cr0_hidden) {
		to_svm(v)->cr0_hidden = hidden;
		if (hidden)
			b->control.intercept_cr_read |= INTERCEPT_CR(0);
		else
			b->control.intercept_cr_read &= ~INTERCEPT_CR(0);
		dirty(v, VMCB_CLEAN_I);
	}
}

static uint64_t *save_field(struct vmcb_save *st, enum vreg r)
{
	switch (r) {
	case VREG_RIP: return &st->rip;
	case VREG_RSP: return &st->rsp;
	case VREG_RFLAGS: return &st->rflags;
	case VREG_CR2: return &st->cr2;
	case VREG_CR3: return &st->cr3;
	case VREG_CR4: return &st->cr4;
	case VREG_DR7: return &st->dr7;
	case VREG_PAT: return &st->g_pat;
	case VREG_DEBUGCTL: return &st->dbgctl;
	case VREG_SYSENTER_CS: return &st->sysenter_cs;
	case VREG_SYSENTER_ESP: return &st->sysenter_esp;
	case VREG_SYSENTER_EIP: return &st->sysenter_eip;
	case VREG_FS_BASE: return &st->fs.base;
	case VREG_GS_BASE: return &st->gs.base;
	case VREG_KERNEL_GS_BASE: return &st->kernel_gs_base;
	case VREG_STAR: return &st->star;
	case VREG_LSTAR: return &st->lstar;
	case VREG_CSTAR: return &st->cstar;
	case VREG_SFMASK: return &st->sfmask;
	default: return NULL;
	}
}

/* The clean bit covering a register (15.15.3). */
static uint32_t clean_bit(enum vreg r)
{
	switch (r) {
	case VREG_CR0: case VREG_CR3: case VREG_CR4: case VREG_EFER: return VMCB_CLEAN_CRX;
	case VREG_CR2: return VMCB_CLEAN_CR2;
	case VREG_DR7: return VMCB_CLEAN_DRX;
	case VREG_PAT: return VMCB_CLEAN_NP;
	case VREG_DEBUGCTL: return VMCB_CLEAN_LBR;
	case VREG_TSC_OFFSET: return VMCB_CLEAN_I;
	default: return 0;
	}
}

static uint64_t svm_get(struct vcpu *v, enum vreg r)
{
	struct vmcb *b = vmcb_of(v);
	uint64_t *f = save_field(&b->save, r);

	if (f)
		return *f;
	switch (r) {
	case VREG_CR0:
		return b->save.cr0 | to_svm(v)->cr0_hidden;
	case VREG_EFER:
		return b->save.efer & ~EFER_SVME;   /* the guest has no SVM */
	case VREG_CPL:
		return b->save.cpl;
	case VREG_CS_L:
		return (b->save.cs.attrib & SVM_ATTRIB_L) != 0;
	case VREG_TSC_OFFSET:
		return b->control.tsc_offset;
	case VREG_TSC_AUX:
		return rdmsr(IA32_TSC_AUX);   /* live while the vCPU is loaded */
	default:
		return 0;
	}
}

static void svm_set(struct vcpu *v, enum vreg r, uint64_t value)
{
	struct vmcb *b = vmcb_of(v);
	uint64_t *f = save_field(&b->save, r);

	dirty(v, clean_bit(r));
	if (f)
		*f = value;
	/* VMRUN loads CR2 from the VMCB (APM Vol. 2 15.5.1); Bochs 2.7 does
	 * not, and leaves the guest the CPU's CR2.  The hypervisor takes no
	 * page fault before the next VMRUN, so the real CR2 can carry it too. */
	if (r == VREG_CR2)
		write_cr2(value);
	else if (r == VREG_EFER)
		b->save.efer = value | EFER_SVME;
	else if (r == VREG_CR0)
		guest_cr0(v, value);
	else if (r == VREG_TSC_OFFSET)
		b->control.tsc_offset = value;
	else if (r == VREG_TSC_AUX)
		wrmsr(IA32_TSC_AUX, to_svm(v)->tsc_aux = value);
}

static struct vmcb_seg *vmcb_seg_of(struct vcpu *v, enum vseg_reg s)
{
	struct vmcb_save *st = &vmcb_of(v)->save;
	static const unsigned offset[] = {
		[SEG_ES] = __builtin_offsetof(struct vmcb_save, es),
		[SEG_CS] = __builtin_offsetof(struct vmcb_save, cs),
		[SEG_SS] = __builtin_offsetof(struct vmcb_save, ss),
		[SEG_DS] = __builtin_offsetof(struct vmcb_save, ds),
		[SEG_FS] = __builtin_offsetof(struct vmcb_save, fs),
		[SEG_GS] = __builtin_offsetof(struct vmcb_save, gs),
		[SEG_LDTR] = __builtin_offsetof(struct vmcb_save, ldtr),
		[SEG_TR] = __builtin_offsetof(struct vmcb_save, tr),
		[SEG_GDTR] = __builtin_offsetof(struct vmcb_save, gdtr),
		[SEG_IDTR] = __builtin_offsetof(struct vmcb_save, idtr),
	};
	return (void *)((uint8_t *)st + offset[s]);
}

static void svm_get_seg(struct vcpu *v, enum vseg_reg s, struct vseg *out)
{
	const struct vmcb_seg *seg = vmcb_seg_of(v, s);

	out->sel = seg->selector;
	out->base = seg->base;
	out->limit = seg->limit;
	out->ar = svm_attrib_to_vmx_ar(seg->attrib);
}

/* An unusable segment is one with P clear (svm/vmcb.h); the VMCB
 * keeps the CPL in its own field (APM Vol. 2 15.5.1), which follows
 * SS.DPL as on VMX. */
static void svm_set_seg(struct vcpu *v, enum vseg_reg s, const struct vseg *in)
{
	struct vmcb_seg *seg = vmcb_seg_of(v, s);

	seg->base = in->base;
	seg->limit = in->limit;
	if (s == SEG_GDTR || s == SEG_IDTR) {
		dirty(v, VMCB_CLEAN_DT);
		return;
	}
	seg->selector = in->sel;
	seg->attrib = (in->ar & (1u << 16)) ? 0 : vmx_ar_to_svm_attrib(in->ar);
	if (s == SEG_SS)
		vmcb_of(v)->save.cpl = (uint8_t)((in->ar >> 5) & 3);
	dirty(v, VMCB_CLEAN_SEG);
}

/* CR0 and CR4 writes are intercepted and checked by the core
 * (virt/cr.c, svm/vmcb.c says why); the checked values land here. */
static void svm_set_control_regs(struct vcpu *v, const struct cr_state *st)
{
	struct vmcb_save *s = &vmcb_of(v)->save;

	guest_cr0(v, st->cr0);
	s->cr3 = st->cr3;
	s->cr4 = st->cr4;
	s->efer = st->efer | EFER_SVME;
	dirty(v, VMCB_CLEAN_CRX);
}

/* CR4 bits as CPUID offers them to the guest (APM Vol. 2 3.1.3; virt/cpuid.c
 * hides PKE and CET, and the guest page walker knows no LA57). */
static uint64_t svm_cr4_guest_bits(void)
{
	struct cpuid_regs l1 = cpuid(1, 0), l7 = cpuid(0, 0).eax >= 7 ? cpuid(7, 0) :
						   (struct cpuid_regs){ 0, 0, 0, 0 };
	uint64_t bits = 0x7FF;   /* VME .. OSXMMEXCPT */

	if (l7.ecx & (1u << 2))
		bits |= 1ull << 11;   /* UMIP */
	if (l7.ebx & (1u << 0))
		bits |= 1ull << 16;   /* FSGSBASE */
	if (l1.ecx & (1u << 17))
		bits |= 1ull << 17;   /* PCIDE */
	if (l1.ecx & (1u << 26))
		bits |= CR4_OSXSAVE;
	if (l7.ebx & (1u << 7))
		bits |= 1ull << 20;   /* SMEP */
	if (l7.ebx & (1u << 20))
		bits |= 1ull << 21;   /* SMAP */
	return bits;
}

/* ---- events (15.20 "Event Injection") ---- */

static void svm_inject(struct vcpu *v, const struct vevent *ev)
{
	struct vmcb_control *c = &vmcb_of(v)->control;
	uint32_t type = ev->type;

	/* ICEBP, INT3, INTO: SVM injects them as exceptions (type 3). */
	if (type == VEVENT_SW_EXCEPTION || type == VEVENT_PRIV_SW_EXCEPTION)
		type = VEVENT_HW_EXCEPTION;
	c->event_inj = ev->vector | (type << EVENTINJ_TYPE_SHIFT) | EVENTINJ_V |
		       (ev->has_error ? EVENTINJ_EV : 0);
	c->event_inj_err = ev->error;
	if (ev->type == VEVENT_NMI)
		svm_nmi_injected(v);
}

/* The ASID's TLB entries go at the next VMRUN. */
static bool svm_irq_injectable(struct vcpu *v)
{
	struct vmcb *b = vmcb_of(v);

	return !(b->control.int_state & INTERRUPT_SHADOW) && !(b->control.event_inj & EVENTINJ_V);
}

/* The interrupt window without a window control (APM Vol. 2 15.21.4):
 * a virtual interrupt (V_IRQ, above any TPR) whose taking the VINTR
 * intercept catches -- the guest takes it where it could take a real
 * one: RFLAGS.IF set, no interrupt shadow. */
static void svm_irq_window(struct vcpu *v, bool on)
{
	struct vmcb *b = vmcb_of(v);

	if (on) {
		b->control.int_ctl |= V_IRQ | V_IGN_TPR | V_INTR_PRIO_MASK;
		b->control.intercept_misc1 |= INTERCEPT_VINTR;
	} else {
		b->control.int_ctl &= ~(V_IRQ | V_IGN_TPR | V_INTR_PRIO_MASK);
		b->control.intercept_misc1 &= ~INTERCEPT_VINTR;
	}
	dirty(v, VMCB_CLEAN_I | VMCB_CLEAN_TPR);
}

static void svm_flush_tlb(struct vcpu *v)
{
	vmcb_of(v)->control.tlb_control = svm_caps.flush_by_asid ? TLB_CONTROL_FLUSH_ASID :
								  TLB_CONTROL_FLUSH_ALL;
}

/* ---- life cycle ---- */

static int svm_probe_all(void)
{
	int rc = svm_probe();

	/* Neither is intercepted: the guest may use them where the CPU has
	 * them (CPUID passes the host's bits through). */
	if (rc == 0 && (cpuid(0x80000001, 0).edx & (1u << 27)))
		svm_backend.features |= BACKEND_RDTSCP;
	if (rc == 0)   /* the VMCB always has a TSC offset */
		svm_backend.features |= BACKEND_INVPCID | BACKEND_TSC_OFFSET;
	return rc;
}

static int svm_vcpu_create(struct vcpu *v, uint32_t entry)
{
	struct svm_vcpu *s = &vcpus[v->vm->index];

	*s = (struct svm_vcpu){ .vmcb_pa = FRAME_NONE };
	v->be = s;
	/* ASID 0 is the host's (15.16); guests are fewer than the ASIDs. */
	s->asid = v->vm->index + 1;
	if (s->asid >= svm_caps.asids) {
		pr_err("svm: no ASID left for guest %s (%u ASIDs)", v->vm->name, svm_caps.asids);
		return -1;
	}
	return vmcb_create(v, entry);
}

static void svm_vcpu_destroy(struct vcpu *v)
{
	if (sabotaged == v) {
		npt_restore(&v->vm->mem, sabotaged_gpa, sabotaged_hpa);
		sabotaged = NULL;
	}
	if (last_run == v)
		last_run = NULL;
	vmcb_destroy(v);
}

/* Until v->deadline: a one-shot host LAPIC timer ends the run through
 * the INTR intercept if the guest does not exit before (SVM has no
 * preemption timer).  Exits that only resume go straight back in, unless
 * the deadline passed (svm/exit.c). */
static HOT_PATH void svm_run(struct vcpu *v)
{
	struct svm_vcpu *s = to_svm(v);
	struct vmcb *b = s->vmcb;
	uint64_t host_vmcb = svm_host_vmcb_pa();

	/* Another VMCB ran since: nothing of this one is cached (15.15.1). */
	if (last_run != v || !svm_caps.vmcb_clean)
		b->control.vmcb_clean = 0;
	last_run = v;
	lapic_drain();   /* an old quantum's interrupt must not end this one */
	lapic_timer_oneshot_until(v->deadline);
	do {
		b->save.rax = v->gpr[GPR_RAX];
		svm_vmrun(v, s->vmcb_pa, host_vmcb);
		v->gpr[GPR_RAX] = b->save.rax;
		b->control.tlb_control = TLB_CONTROL_DO_NOTHING;
		b->control.event_inj = 0;
		b->control.vmcb_clean = svm_caps.vmcb_clean ? ~0u : 0;
	} while (svm_exit_dispatch(v) == 0);
	lapic_drain();   /* the timer's interrupt, if it ended the quantum */
}

static void svm_sabotage(struct vcpu *v, const char *kind)
{
	struct vmcb *b = vmcb_of(v);

	if (!strcmp(kind, "vmentry")) {
		/* EFER.SVME = 0 in the guest state is illegal (15.5.1). */
		b->save.efer &= ~EFER_SVME;
	} else if (!strcmp(kind, "vmcontrol")) {
		/* ASID 0 is the host's: VMRUN refuses it (15.5.1). */
		b->control.asid = 0;
	} else if (!strcmp(kind, "eptmisconfig")) {
		unsigned bits = cpuid(0x80000008, 0).eax & 0xFF;
		sabotaged_gpa = b->save.rip;
		if (!npt_sabotage(&v->vm->mem, sabotaged_gpa, bits, &sabotaged_hpa))
			sabotaged = v;
	}
}

static const char *svm_reason_name(uint32_t reason)
{
	(void)reason;
	return "SVM exit code";
}

/* Per decoded exit kind, as the APM names the intercept (Appendix C). */
static const char *const exit_names[VEXIT_KINDS] = {
	[VEXIT_UNHANDLED] = "unhandled", [VEXIT_CPUID] = "CPUID", [VEXIT_HYPERCALL] = "VMMCALL",
	[VEXIT_IO] = "IOIO", [VEXIT_RDMSR] = "RDMSR", [VEXIT_WRMSR] = "WRMSR",
	[VEXIT_CR] = "CR access", [VEXIT_XSETBV] = "XSETBV", [VEXIT_HLT] = "HLT",
	[VEXIT_NPF] = "nested page fault", [VEXIT_NPT_MISCONFIG] = "nested page fault (reserved bit)",
	[VEXIT_CACHE_FLUSH] = "INVD/WBINVD", [VEXIT_VIRT_INSN] = "SVM instruction",
	[VEXIT_UNDEFINED] = "MONITOR/MWAIT", [VEXIT_RDPMC] = "RDPMC",
	[VEXIT_TASK_SWITCH] = "task switch", [VEXIT_NMI] = "NMI",
	[VEXIT_EXCEPTION] = "exception", [VEXIT_INTR] = "INTR",
	[VEXIT_QUANTUM] = "quantum", [VEXIT_IRQ_WINDOW] = "VINTR",
	[VEXIT_NMI_WINDOW] = "IRET/NMI step", [VEXIT_SHUTDOWN] = "shutdown",
	[VEXIT_INIT] = "INIT", [VEXIT_SIPI] = "SIPI", [VEXIT_ENTRY_FAILED] = "VMEXIT_INVALID",
};

struct backend svm_backend = {
	.name = "svm",
	.exit_names = exit_names,
	.control_block = "VMCB",
	.reason_name = svm_reason_name,
	.stage2 = &npt_stage2,
	.cr4_guest_bits = svm_cr4_guest_bits,
	.probe = svm_probe_all,
	.init = svm_init,
	.vcpu_create = svm_vcpu_create,
	.vcpu_destroy = svm_vcpu_destroy,
	.run = svm_run,
	.load = svm_load,
	.put = svm_put,
	.get = svm_get,
	.set = svm_set,
	.get_seg = svm_get_seg,
	.set_seg = svm_set_seg,
	.set_control_regs = svm_set_control_regs,
	.inject = svm_inject,
	.step_trap = svm_step_trap,
	.irq_injectable = svm_irq_injectable,
	.irq_window = svm_irq_window,
	.nmi_injectable = svm_nmi_injectable,
	.nmi_window = svm_nmi_window,
	.flush_tlb = svm_flush_tlb,
	.dump = vmcb_dump,
	.sabotage = svm_sabotage,
};
