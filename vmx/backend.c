/* The VMX backend (virt/backend.h): the core's accessors, injection and
 * vCPU life cycle on a VMCS.  Exits come in through vmx/entry.asm and
 * vmx/exit.c. */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "core/log.h"
#include "guest/vm.h"
#include "mm/frame.h"
#include "virt/backend.h"
#include "vmx/apicv.h"
#include "vmx/caps.h"
#include "vmx/decode.h"
#include "vmx/dump.h"
#include "vmx/ept.h"
#include "vmx/exit.h"
#include "vmx/probe.h"
#include "vmx/timer.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_vcpu.h"

static struct vmx_vcpu vcpus[VM_MAX];

const uint32_t swapped_msrs[SWAPPED_MSRS] = {
	IA32_STAR, IA32_LSTAR, IA32_CSTAR, IA32_FMASK, IA32_KERNEL_GS_BASE, IA32_TSC_AUX,
};

int swapped_msr_index(uint32_t msr)
{
	for (int i = 0; i < SWAPPED_MSRS; i++)
		if (swapped_msrs[i] == msr)
			return i;
	return -1;
}

/* ---- state the VMCS does not switch (SDM Vol. 3C 28.5, 27.3.2) ---- */

/* IA32_TSC_AUX exists only where the CPU has RDTSCP (CPUID.80000001H:
 * EDX[27]): it is the last of swapped_msrs[], left out elsewhere. */
static int swapped_count(void)
{
	return vmx_backend.features & BACKEND_RDTSCP ? SWAPPED_MSRS : SWAPPED_MSRS - 1;
}

static void vmx_put(struct vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);

	for (int i = 0; i < swapped_count(); i++)
		x->guest_msrs[i] = rdmsr(swapped_msrs[i]);
	x->cr2 = read_cr2();
	x->dr[0] = read_dr0();
	x->dr[1] = read_dr1();
	x->dr[2] = read_dr2();
	x->dr[3] = read_dr3();
	x->dr6 = read_dr6();
}

static void vmx_load(struct vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);

	/* Its VMCS current from now on, for the core's accessors too. */
	if (vmcs_load(v))
		pr_err("vmx: VMPTRLD of guest %s's VMCS failed", v->vm->name);
	for (int i = 0; i < swapped_count(); i++)
		wrmsr(swapped_msrs[i], x->guest_msrs[i]);
	write_cr2(x->cr2);
	write_dr0(x->dr[0]);
	write_dr1(x->dr[1]);
	write_dr2(x->dr[2]);
	write_dr3(x->dr[3]);
	write_dr6(x->dr6);
}

/* ---- registers ---- */

/* CR0/CR4 as the guest sees them: bits in the guest/host mask come from
 * the read shadow, all others from the real guest register (SDM Vol. 3C
 * 25.6.6). */
static uint64_t visible(uint32_t real, uint32_t shadow, uint32_t mask)
{
	uint64_t m = vmread(mask);
	return (vmread(real) & ~m) | (vmread(shadow) & m);
}

/* VMCS fields of the registers that are one field each (0: none). */
static const uint32_t vreg_field[VREG_COUNT] = {
	[VREG_RIP] = GUEST_RIP, [VREG_RSP] = GUEST_RSP, [VREG_RFLAGS] = GUEST_RFLAGS,
	[VREG_CR3] = GUEST_CR3, [VREG_EFER] = GUEST_IA32_EFER, [VREG_DR7] = GUEST_DR7,
	[VREG_DEBUGCTL] = GUEST_IA32_DEBUGCTL, [VREG_SYSENTER_CS] = GUEST_SYSENTER_CS,
	[VREG_SYSENTER_ESP] = GUEST_SYSENTER_ESP, [VREG_SYSENTER_EIP] = GUEST_SYSENTER_EIP,
	[VREG_FS_BASE] = GUEST_FS_BASE, [VREG_GS_BASE] = GUEST_GS_BASE,
};

static uint32_t swapped_of(enum vreg r)
{
	switch (r) {
	case VREG_STAR: return IA32_STAR;
	case VREG_LSTAR: return IA32_LSTAR;
	case VREG_CSTAR: return IA32_CSTAR;
	case VREG_SFMASK: return IA32_FMASK;
	case VREG_KERNEL_GS_BASE: return IA32_KERNEL_GS_BASE;
	case VREG_TSC_AUX: return IA32_TSC_AUX;
	default: return 0;
	}
}

static uint64_t vmx_get(struct vcpu *v, enum vreg r)
{
	uint32_t msr = swapped_of(r);

	if (vreg_field[r])
		return vmread(vreg_field[r]);
	if (msr)
		return rdmsr(msr);   /* live: SWAPGS changes KERNEL_GS_BASE without an exit */
	switch (r) {
	case VREG_CR0:
		return visible(GUEST_CR0, CR0_READ_SHADOW, CR0_GUEST_HOST_MASK);
	case VREG_CR4:
		return visible(GUEST_CR4, CR4_READ_SHADOW, CR4_GUEST_HOST_MASK);
	case VREG_CR2:
		return read_cr2();   /* live while the vCPU is loaded */
	case VREG_CPL:
		return (vmread(GUEST_SS_AR_BYTES) >> 5) & 3;   /* SS.DPL, SDM 27.3.1.2 */
	case VREG_CS_L:
		return (vmread(GUEST_CS_AR_BYTES) >> 13) & 1;
	case VREG_PAT:
		return vmx_caps.load_pat ? vmread(GUEST_IA32_PAT) : to_vmx(v)->pat;
	case VREG_TSC_OFFSET:
		return vmx_caps.tsc_offsetting ? vmread(TSC_OFFSET) : 0;
	default:
		return 0;
	}
}

static void vmx_set(struct vcpu *v, enum vreg r, uint64_t value)
{
	uint32_t msr = swapped_of(r);

	if (vreg_field[r]) {
		vmwrite(vreg_field[r], value);
	} else if (msr) {
		to_vmx(v)->guest_msrs[swapped_msr_index(msr)] = value;
		wrmsr(msr, value);   /* this vCPU is the one loaded now */
	} else if (r == VREG_CR2) {
		/* Not in the VMCS: the guest gets the hardware CR2, and the
		 * hypervisor takes no page fault before the VM entry. */
		write_cr2(value);
	} else if (r == VREG_PAT) {
		if (vmx_caps.load_pat)
			vmwrite(GUEST_IA32_PAT, value);
		else
			to_vmx(v)->pat = value;
	} else if (r == VREG_TSC_OFFSET && vmx_caps.tsc_offsetting) {
		vmwrite(TSC_OFFSET, value);
	}
}

/* Segment fields are laid out ES, CS, SS, DS, FS, GS, LDTR, TR at a
 * stride of 2 (SDM Vol. 3D Appendix B), the order of enum vseg_reg. */
static void vmx_get_seg(struct vcpu *v, enum vseg_reg s, struct vseg *out)
{
	(void)v;
	if (s == SEG_GDTR || s == SEG_IDTR) {
		unsigned i = s - SEG_GDTR;
		*out = (struct vseg){ .base = vmread(GUEST_GDTR_BASE + 2 * i),
				      .limit = (uint32_t)vmread(GUEST_GDTR_LIMIT + 2 * i) };
		return;
	}
	out->sel = (uint16_t)vmread(GUEST_ES_SELECTOR + 2 * s);
	out->base = vmread(GUEST_ES_BASE + 2 * s);
	out->limit = (uint32_t)vmread(GUEST_ES_LIMIT + 2 * s);
	out->ar = (uint32_t)vmread(GUEST_ES_AR_BYTES + 2 * s);
}

/* The CPL is SS.DPL (SDM Vol. 3C 27.3.1.2), so loading SS sets it. */
static void vmx_set_seg(struct vcpu *v, enum vseg_reg s, const struct vseg *in)
{
	(void)v;
	if (s == SEG_GDTR || s == SEG_IDTR) {
		vmwrite(GUEST_GDTR_BASE + 2 * (s - SEG_GDTR), in->base);
		vmwrite(GUEST_GDTR_LIMIT + 2 * (s - SEG_GDTR), in->limit);
		return;
	}
	vmwrite(GUEST_ES_SELECTOR + 2 * s, in->sel);
	vmwrite(GUEST_ES_BASE + 2 * s, in->base);
	vmwrite(GUEST_ES_LIMIT + 2 * s, in->limit);
	vmwrite(GUEST_ES_AR_BYTES + 2 * s, in->ar);
}

/* VMX keeps EFER.LMA in the guest EFER field and needs "IA-32e mode
 * guest" to match it (27.3.1.1); with PAE paging outside IA-32e mode
 * it takes the PDPTEs from the VMCS at entry (27.3.2.4). */
static void vmx_set_control_regs(struct vcpu *v, const struct cr_state *st)
{
	uint32_t entry = (uint32_t)vmread(VM_ENTRY_CONTROLS);
	bool lma = st->efer & EFER_LMA;

	(void)v;
	vmwrite(CR0_READ_SHADOW, st->cr0);
	vmwrite(GUEST_CR0, vmx_guest_cr0(st->cr0));
	vmwrite(CR4_READ_SHADOW, st->cr4);
	vmwrite(GUEST_CR4, vmx_guest_cr4(st->cr4));
	vmwrite(GUEST_CR3, st->cr3);
	vmwrite(GUEST_IA32_EFER, st->efer);
	vmwrite(VM_ENTRY_CONTROLS, lma ? entry | ENTRY_IA32E_MODE_GUEST : entry & ~ENTRY_IA32E_MODE_GUEST);
	if (st->pae_pdptes) {
		vmwrite(GUEST_PDPTE0, st->pdpte[0]);
		vmwrite(GUEST_PDPTE1, st->pdpte[1]);
		vmwrite(GUEST_PDPTE2, st->pdpte[2]);
		vmwrite(GUEST_PDPTE3, st->pdpte[3]);
	}
}

static uint64_t vmx_cr4_guest_bits(void)
{
	return vmx_caps.cr4_fixed1 & ~CR4_VMXE;
}

/* ---- events (SDM Vol. 3C 27.6 "Event Injection") ---- */

static void vmx_inject(struct vcpu *v, const struct vevent *ev)
{
	uint32_t info = ev->vector | ((uint32_t)ev->type << INTR_INFO_TYPE_SHIFT) | INTR_INFO_VALID;

	(void)v;
	/* The CPU may refuse to inject an NMI in an STI shadow (SDM Vol. 3C
	 * 27.3.1.5); the shadow may block NMIs or not (Table 25-3), so the
	 * NMI comes first and the shadow goes. */
	if (ev->type == VEVENT_NMI) {
		uint64_t s = vmread(GUEST_INTERRUPTIBILITY_INFO);
		if (s & INTERRUPTIBILITY_STI)
			vmwrite(GUEST_INTERRUPTIBILITY_INFO, s & ~(uint64_t)INTERRUPTIBILITY_STI);
	}
	if (ev->has_error) {
		info |= INTR_INFO_DELIVER_ERROR_CODE;
		vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, ev->error);
	}
	/* Software interrupts/exceptions are re-executed from their
	 * instruction: their length must be given (27.6.1). */
	if (ev->type == VEVENT_SW_INTR || ev->type == VEVENT_SW_EXCEPTION ||
	    ev->type == VEVENT_PRIV_SW_EXCEPTION)
		vmwrite(VM_ENTRY_INSTRUCTION_LEN, ev->insn_len);
	vmwrite(VM_ENTRY_INTR_INFO_FIELD, info);
}

/* No event may go in while one is already set up for this entry, nor
 * past the interruptibility-state bits in `blocking`. */
static bool injectable(uint32_t blocking)
{
	return !(vmread(GUEST_INTERRUPTIBILITY_INFO) & blocking) &&
	       !(vmread(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID);
}

static void proc_control(uint32_t bit, bool on)
{
	uint32_t proc = (uint32_t)vmread(CPU_BASED_VM_EXEC_CONTROL);

	vmwrite(CPU_BASED_VM_EXEC_CONTROL, on ? proc | bit : proc & ~bit);
}

static bool vmx_irq_injectable(struct vcpu *v)
{
	(void)v;
	return injectable(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS);
}

/* Interrupt-window exiting (SDM Vol. 3C 26.7.5): an exit before the
 * first instruction at which RFLAGS.IF = 1 and no shadow blocks. */
static void vmx_irq_window(struct vcpu *v, bool on)
{
	(void)v;
	proc_control(CPU_INTERRUPT_WINDOW_EXITING, on);
}

/* With virtual NMIs the CPU keeps the guest's NMI blocking (set when
 * one is injected, cleared by IRET: SDM Vol. 3C 26.3, 27.6.1.2). */
static bool vmx_nmi_injectable(struct vcpu *v)
{
	(void)v;
	return injectable(INTERRUPTIBILITY_MOV_SS | INTERRUPTIBILITY_NMI);
}

/* NMI-window exiting (26.7.6): an exit before the first instruction
 * with no virtual-NMI blocking and no MOV-SS shadow. */
static void vmx_nmi_window(struct vcpu *v, bool on)
{
	(void)v;
	proc_control(CPU_NMI_WINDOW_EXITING, on);
}

static void vmx_flush_tlb(struct vcpu *v)
{
	vpid_flush(to_vmx(v)->vpid);
}

/* ---- life cycle ---- */

static int vmx_probe_all(void)
{
	int rc = vmx_probe();

	if (rc)
		return rc;
	if (vmx_caps_probe())
		return -1;
	/* RDTSCP runs in the guest only with its control; without it the
	 * guest's RDTSCP is #UD and CPUID hides it (virt/cpuid.c). */
	if ((vmx_caps.proc2 & SECONDARY_ENABLE_RDTSCP) && (cpuid(0x80000001, 0).edx & (1u << 27)))
		vmx_backend.features |= BACKEND_RDTSCP;
	if (vmx_caps.proc2 & SECONDARY_ENABLE_INVPCID)
		vmx_backend.features |= BACKEND_INVPCID;
	if (vmx_caps.tsc_offsetting)
		vmx_backend.features |= BACKEND_TSC_OFFSET;
	return 0;
}

static int vmx_vcpu_create(struct vcpu *v, uint32_t entry)
{
	struct vmx_vcpu *x = &vcpus[v->vm->index];

	*x = (struct vmx_vcpu){ .vmcs = FRAME_NONE, .host_stack = FRAME_NONE };
	v->be = x;
	x->vpid = (uint16_t)(v->vm->index + 1);   /* VPID 0 is the host's (SDM 28.1) */
	x->dr6 = 0xFFFF0FF0;                      /* DR6 at reset (SDM Vol. 3B 18.2.3) */
	x->pat = PAT_POWER_ON_DEFAULT;
	if (vmcs_create(v, entry))
		return -1;
	if (vmx_apicv_on() && vmx_apicv_create(v)) {
		pr_err("vmx: out of memory mapping guest %s's APIC-access page", v->vm->name);
		return -1;
	}
	return 0;
}

static void vmx_vcpu_destroy(struct vcpu *v)
{
	vmx_apicv_destroy(v);
	vmcs_destroy(v);
}

/* Until v->deadline: the VMX-preemption timer ends the run if the guest
 * does not exit before (SDM Vol. 3C 26.5.1); exits check the deadline
 * themselves (vmx/exit.c). */
static void vmx_run(struct vcpu *v)
{
	int rc;

	if (vmcs_load(v)) {
		pr_err("vmx: VMPTRLD of guest %s's VMCS failed", v->vm->name);
		vm_stop(v->vm, "VMPTRLD of its VMCS failed");
		return;
	}
	vmwrite(VMX_PREEMPTION_TIMER_VALUE, timer_ticks_until(v->deadline));
	rc = vmx_enter(v);
	if (rc < 0)
		vmx_report_entry_error(v, rc);
}

static void vmx_dump(struct vcpu *v)
{
	vmcs_dump(v);
}

/* Per decoded exit kind, as the SDM names the exit (Appendix C). */
static const char *const exit_names[VEXIT_KINDS] = {
	[VEXIT_UNHANDLED] = "unhandled", [VEXIT_CPUID] = "CPUID", [VEXIT_HYPERCALL] = "VMCALL",
	[VEXIT_IO] = "I/O instruction", [VEXIT_RDMSR] = "RDMSR", [VEXIT_WRMSR] = "WRMSR",
	[VEXIT_CR] = "CR access", [VEXIT_XSETBV] = "XSETBV", [VEXIT_HLT] = "HLT",
	[VEXIT_IRQ_WINDOW] = "interrupt window", [VEXIT_NMI_WINDOW] = "NMI window",
	[VEXIT_TPR_BELOW] = "TPR below threshold", [VEXIT_APIC_ACCESS] = "APIC access",
	[VEXIT_APIC_WRITE] = "APIC write", [VEXIT_APIC_EOI] = "virtualized EOI",
	[VEXIT_NPF] = "EPT violation", [VEXIT_NPT_MISCONFIG] = "EPT misconfiguration",
	[VEXIT_CACHE_FLUSH] = "INVD/WBINVD", [VEXIT_VIRT_INSN] = "VMX instruction",
	[VEXIT_UNDEFINED] = "GETSEC/MONITOR/MWAIT", [VEXIT_RDPMC] = "RDPMC",
	[VEXIT_TASK_SWITCH] = "task switch", [VEXIT_NMI] = "NMI",
	[VEXIT_EXCEPTION] = "exception", [VEXIT_INTR] = "external interrupt",
	[VEXIT_QUANTUM] = "preemption timer", [VEXIT_SHUTDOWN] = "triple fault",
	[VEXIT_INIT] = "INIT", [VEXIT_SIPI] = "SIPI", [VEXIT_ENTRY_FAILED] = "VM-entry failure",
};

struct backend vmx_backend = {
	.name = "vmx",
	.exit_names = exit_names,
	.control_block = "VMCS",
	.reason_name = exit_reason_name,
	.stage2 = &ept_stage2,
	.cr4_guest_bits = vmx_cr4_guest_bits,
	.probe = vmx_probe_all,
	.init = vmx_init,
	.vcpu_create = vmx_vcpu_create,
	.vcpu_destroy = vmx_vcpu_destroy,
	.run = vmx_run,
	.load = vmx_load,
	.put = vmx_put,
	.get = vmx_get,
	.set = vmx_set,
	.get_seg = vmx_get_seg,
	.set_seg = vmx_set_seg,
	.set_control_regs = vmx_set_control_regs,
	.inject = vmx_inject,
	.step_trap = vmx_step_trap,
	.irq_injectable = vmx_irq_injectable,
	.irq_window = vmx_irq_window,
	.nmi_injectable = vmx_nmi_injectable,
	.nmi_window = vmx_nmi_window,
	.apic_moved = vmx_apic_moved,
	.apic_sync = vmx_apic_sync,
	.flush_tlb = vmx_flush_tlb,
	.dump = vmx_dump,
	.sabotage = vmcs_sabotage,
};
