/* Every VM exit arrives here from vmx/entry.asm: the basic exit reason
 * (SDM Vol. 3C 28.2.1) and its qualification are decoded into a struct
 * vexit, the core handles it (virt/exit.c), and the answer is carried
 * out: skip the instruction, resume, or leave for the scheduler.  The
 * fast path is: read the reason, look up its kind, call the core,
 * advance RIP, resume. */
#include "vmx/exit.h"
#include "core/log.h"
#include "guest/vm.h"
#include "virt/tss.h"
#include "virt/vcpu.h"
#include "vmx/decode.h"
#include "vmx/dump.h"
#include "vmx/exit_reason.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

/* Basic exit reason -> decoded kind.  Every slot has one, so the fast
 * path needs no range check: the table covers reason & EXIT_REASON_MASK. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const uint8_t kinds[EXIT_REASON_SLOTS] = {
	[0 ... EXIT_REASON_SLOTS - 1] = VEXIT_UNHANDLED,
	[EXIT_REASON_EXCEPTION_NMI] = VEXIT_EXCEPTION,   /* NMI or exception: decode() tells */
	[EXIT_REASON_EXTERNAL_INTERRUPT] = VEXIT_INTR,
	[EXIT_REASON_TRIPLE_FAULT] = VEXIT_SHUTDOWN,
	[EXIT_REASON_INIT] = VEXIT_INIT,
	[EXIT_REASON_SIPI] = VEXIT_SIPI,
	[EXIT_REASON_CPUID] = VEXIT_CPUID,
	[EXIT_REASON_GETSEC] = VEXIT_UNDEFINED,
	[EXIT_REASON_RDPMC] = VEXIT_RDPMC,
	[EXIT_REASON_HLT] = VEXIT_HLT,
	[EXIT_REASON_INTERRUPT_WINDOW] = VEXIT_IRQ_WINDOW,
	[EXIT_REASON_NMI_WINDOW] = VEXIT_NMI_WINDOW,
	[EXIT_REASON_TPR_BELOW_THRESHOLD] = VEXIT_TPR_BELOW,
	[EXIT_REASON_APIC_ACCESS] = VEXIT_APIC_ACCESS,
	[EXIT_REASON_APIC_WRITE] = VEXIT_APIC_WRITE,
	[EXIT_REASON_EOI_INDUCED] = VEXIT_APIC_EOI,
	[EXIT_REASON_INVD] = VEXIT_CACHE_FLUSH,
	[EXIT_REASON_WBINVD] = VEXIT_CACHE_FLUSH,
	[EXIT_REASON_VMCALL] = VEXIT_HYPERCALL,
	[EXIT_REASON_VMCLEAR] = VEXIT_VIRT_INSN,
	[EXIT_REASON_VMLAUNCH] = VEXIT_VIRT_INSN,
	[EXIT_REASON_VMPTRLD] = VEXIT_VIRT_INSN,
	[EXIT_REASON_VMPTRST] = VEXIT_VIRT_INSN,
	[EXIT_REASON_VMREAD] = VEXIT_VIRT_INSN,
	[EXIT_REASON_VMRESUME] = VEXIT_VIRT_INSN,
	[EXIT_REASON_VMWRITE] = VEXIT_VIRT_INSN,
	[EXIT_REASON_VMXOFF] = VEXIT_VIRT_INSN,
	[EXIT_REASON_VMXON] = VEXIT_VIRT_INSN,
	[EXIT_REASON_INVEPT] = VEXIT_VIRT_INSN,
	[EXIT_REASON_INVVPID] = VEXIT_VIRT_INSN,
	[EXIT_REASON_VMFUNC] = VEXIT_VIRT_INSN,
	[EXIT_REASON_CR_ACCESS] = VEXIT_CR,
	[EXIT_REASON_IO_INSTRUCTION] = VEXIT_IO,
	[EXIT_REASON_MSR_READ] = VEXIT_RDMSR,
	[EXIT_REASON_MSR_WRITE] = VEXIT_WRMSR,
	[EXIT_REASON_MWAIT_INSTRUCTION] = VEXIT_UNDEFINED,
	[EXIT_REASON_MONITOR_INSTRUCTION] = VEXIT_UNDEFINED,
	[EXIT_REASON_EPT_VIOLATION] = VEXIT_NPF,
	[EXIT_REASON_EPT_MISCONFIG] = VEXIT_NPT_MISCONFIG,
	[EXIT_REASON_PREEMPTION_TIMER] = VEXIT_QUANTUM,
	[EXIT_REASON_XSETBV] = VEXIT_XSETBV,
	[EXIT_REASON_TASK_SWITCH] = VEXIT_TASK_SWITCH,
};
#pragma GCC diagnostic pop

/* An IRET that faulted on EPT had unblocked NMIs; it runs again after
 * the fault is mended, so the blocking must stand until then (SDM Vol.
 * 3C 27.2.3, 28.2.1 bit 12). */
static void nmi_blocked_again(void)
{
	vmwrite(GUEST_INTERRUPTIBILITY_INFO, vmread(GUEST_INTERRUPTIBILITY_INFO) | INTERRUPTIBILITY_NMI);
}

static HOT_PATH void read_vectoring(struct vexit *e)
{
	uint32_t info = (uint32_t)vmread(IDT_VECTORING_INFO_FIELD);

	e->vectoring.valid = false;
	if (info & INTR_INFO_VALID)
		vmx_decode_event(&e->vectoring, info, (uint32_t)vmread(IDT_VECTORING_ERROR_CODE),
				 (uint32_t)vmread(VM_EXIT_INSTRUCTION_LEN));
}

static ALWAYS_INLINE HOT_PATH void decode_npf(struct vexit *e)
{
	uint64_t q = vmread(EXIT_QUALIFICATION);

	vmx_decode_ept(e, q, vmread(GUEST_PHYSICAL_ADDRESS));
	read_vectoring(e);
	if (unlikely(q & EPT_QUAL_NMI_UNBLOCKING) && !e->vectoring.valid)
		nmi_blocked_again();
}

static void decode_exception(struct vexit *e)
{
	struct vevent ev;

	/* With an empty exception bitmap only NMIs exit here. */
	vmx_decode_event(&ev, (uint32_t)vmread(VM_EXIT_INTR_INFO),
			 (uint32_t)vmread(VM_EXIT_INTR_ERROR_CODE), 0);
	if (ev.type == INTR_TYPE_NMI)
		e->kind = VEXIT_NMI;
	e->exc.vector = ev.vector;
	e->exc.has_error = ev.has_error;
	e->exc.error = ev.error;
	read_vectoring(e);
}

/* The switch replaces the instruction or event that started it: an
 * STI or MOV-SS shadow ends with it (and left set, it would fail the
 * entry checks if the new task runs with IF = 0, SDM Vol. 3C 27.3.1.5).
 * An NMI that went through a task gate blocks NMIs until the new task's
 * IRET, as its delivery would have (SDM Vol. 3A 6.7.1); an IRET that
 * switches tasks unblocks them. */
static void decode_task_switch(struct vexit *e)
{
	uint64_t shadow = vmread(GUEST_INTERRUPTIBILITY_INFO) &
			  ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS);

	vmx_decode_task_switch(e, vmread(EXIT_QUALIFICATION), (uint32_t)vmread(IDT_VECTORING_INFO_FIELD),
			       (uint32_t)vmread(IDT_VECTORING_ERROR_CODE),
			       (uint32_t)vmread(VM_EXIT_INSTRUCTION_LEN));
	if (e->task.event.valid && e->task.event.type == INTR_TYPE_NMI)
		shadow |= INTERRUPTIBILITY_NMI;
	else if (e->task.source == TS_IRET)
		shadow &= ~(uint64_t)INTERRUPTIBILITY_NMI;
	vmwrite(GUEST_INTERRUPTIBILITY_INFO, shadow);
}

static uint8_t guest_cpl(void)
{
	return (vmread(GUEST_SS_AR_BYTES) >> 5) & 3;   /* SS.DPL (SDM 27.3.1.2) */
}

/* What the kind's handler needs beyond the kind itself, for the kinds
 * off the hot path. */
static HOT_PATH void decode_other(struct vcpu *v, struct vexit *e)
{
	switch (e->kind) {
	case VEXIT_XSETBV:
		e->cpl = guest_cpl();
		break;
	case VEXIT_CR:
		vmx_decode_cr(e, vmread(EXIT_QUALIFICATION));
		break;
	case VEXIT_NPF:
		decode_npf(e);
		break;
	case VEXIT_APIC_ACCESS:
		vmx_decode_apic_access(e, vmread(EXIT_QUALIFICATION), v->vm->mem.device_gpa);
		read_vectoring(e);
		break;
	case VEXIT_APIC_WRITE:
		e->apic_write.offset = vmread(EXIT_QUALIFICATION) & 0xFFF;
		break;
	case VEXIT_APIC_EOI:
		e->apic_write.offset = vmread(EXIT_QUALIFICATION) & 0xFF;   /* the vector */
		break;
	case VEXIT_NPT_MISCONFIG:
		e->npf.gpa = vmread(GUEST_PHYSICAL_ADDRESS);
		e->npf.access = 0;
		break;
	case VEXIT_EXCEPTION:
		decode_exception(e);
		break;
	case VEXIT_INTR: {
		/* With "acknowledge interrupt on exit" the vector is here. */
		uint32_t info = (uint32_t)vmread(VM_EXIT_INTR_INFO);
		e->intr.acked = info & INTR_INFO_VALID;
		e->intr.vector = (uint8_t)(info & INTR_INFO_VECTOR_MASK);
		read_vectoring(e);
		break;
	}
	case VEXIT_QUANTUM:
		read_vectoring(e);
		break;
	case VEXIT_TASK_SWITCH:
		decode_task_switch(e);
		break;
	default:
		break;
	}
}

/* The single-step trap after an emulated instruction: a pending debug
 * exception with BS set, which the CPU delivers as #DB right after VM
 * entry, DR6 updated (SDM Vol. 3C 25.4.2 "pending debug exceptions",
 * 27.7.3; the entry check of 27.3.1.5 wants BS with TF under a shadow,
 * and advance_rip() has just dropped the shadow). */
void vmx_step_trap(struct vcpu *v)
{
	(void)v;
	vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, vmread(GUEST_PENDING_DBG_EXCEPTIONS) | DR6_BS);
}

/* Skip the emulated instruction.  Its completion ends an STI or MOV-SS
 * shadow, as it would on the CPU: left set, the shadow would block (and
 * make VM entry refuse, SDM Vol. 3C 27.3.1.5) the injection of an
 * interrupt after "sti; hlt". */
static ALWAYS_INLINE HOT_PATH void advance_rip(void)
{
	uint64_t shadow = vmread(GUEST_INTERRUPTIBILITY_INFO);

	vmwrite(GUEST_RIP, vmread(GUEST_RIP) + vmread(VM_EXIT_INSTRUCTION_LEN));
	if (unlikely(shadow & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)))
		vmwrite(GUEST_INTERRUPTIBILITY_INFO,
			shadow & ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
	/* With TF set the CPU would trap after the instruction. */
	if (unlikely(vmread(GUEST_RFLAGS) & RFLAGS_TF))
		vmx_step_trap(NULL);
}

/* Carry out the core's answer: 0 resumes the guest from the exit stub,
 * unless the slice or a device timer is over, or the vCPU was kicked. */
static ALWAYS_INLINE HOT_PATH int finish(struct vcpu *v, enum exit_action action)
{
	if (likely(action == EXIT_ADVANCE)) {
		advance_rip();
		return vcpu_must_yield(v) ? VMX_TO_SCHEDULER : 0;
	}
	if (action == EXIT_RESUME)
		return vcpu_must_yield(v) ? VMX_TO_SCHEDULER : 0;
	/* Handlers that end the guest say so with EXIT_STOP. */
	if (action == EXIT_ADVANCE_SCHEDULE)
		advance_rip();
	return VMX_TO_SCHEDULER;
}

/* Every exit but the three hot kinds, failed entries among them (their
 * reasons 33, 34 and 41 are no hot kind). */
static __attribute__((noinline)) HOT_PATH int dispatch_other(struct vcpu *v, struct vexit *e, uint32_t reason)
{
	e->reason = reason & 0xFFFF;
	if (reason & EXIT_REASON_FAILED_VMENTRY) {
		handle_entry_failure(v, reason);
		e->kind = VEXIT_ENTRY_FAILED;
	} else {
		decode_other(v, e);
	}
	return finish(v, vexit_handle(v, e));
}

/* The hot path of every exit.  CPUID needs no decoding, I/O its
 * qualification, VMCALL the privilege level, an EPT violation its
 * address; the rest go the slow way. */
HOT_PATH int vmx_exit_dispatch(struct vcpu *v)
{
	uint32_t reason = (uint32_t)vmread(VM_EXIT_REASON);
	struct vexit e;

	e.kind = kinds[reason & EXIT_REASON_MASK];
	if (e.kind != VEXIT_CPUID) {
		if (e.kind == VEXIT_IO) {
			uint64_t q = vmread(EXIT_QUALIFICATION);
			vmx_decode_io(&e, q);
			/* The instruction information only means something for INS/OUTS. */
			if (unlikely(q & VIO_STRING))
				vmx_decode_string_io(&e, (uint32_t)vmread(VMX_INSTRUCTION_INFO));
		} else if (e.kind == VEXIT_HYPERCALL) {
			e.cpl = guest_cpl();
		} else if (e.kind == VEXIT_NPF) {
			/* Every first touch of guest RAM comes here. */
			decode_npf(&e);
		} else {
			return dispatch_other(v, &e, reason);
		}
	}
	return finish(v, vexit_handle(v, &e));
}
