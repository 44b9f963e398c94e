/* SVM #VMEXIT information -> the core's decoded exit (APM Vol. 2
 * 15.6 "#VMEXIT", 15.7 "Intercept Operation", Appendix C).  Pure: raw
 * VMCB values in, struct vexit out, so tests/test_svmdecode.c checks it
 * without a VMCB. */
#include "svm/decode.h"
#include "svm/svm_exit.h"
#include "svm/vmcb.h"
#include "virt/insn.h"
#include "virt/tss.h"

/* #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX push an error code. */
#define EXC_WITH_ERROR_CODE ((1u << 8) | (0x1Fu << 10) | (1u << 17) | (1u << 21) | (1u << 29) | \
			     (1u << 30))

static enum vexit_kind kind_of(uint64_t code, uint64_t info1)
{
	/* VMEXIT_INVALID is -1 in the 64-bit EXITCODE; some implementations
	 * (QEMU's) write only its low 32 bits. */
	if ((uint32_t)code == (uint32_t)SVM_EXIT_INVALID)
		return VEXIT_ENTRY_FAILED;
	if (code >= SVM_EXIT_EXCP_BASE && code <= SVM_EXIT_EXCP_LAST)
		return VEXIT_EXCEPTION;
	switch (code) {
	case SVM_EXIT_CPUID: return VEXIT_CPUID;
	case SVM_EXIT_CR0_READ:
	case SVM_EXIT_CR8_READ:
	case SVM_EXIT_CR0_WRITE:
	case SVM_EXIT_CR4_WRITE:
	case SVM_EXIT_CR8_WRITE: return VEXIT_CR;
	case SVM_EXIT_VMMCALL: return VEXIT_HYPERCALL;
	case SVM_EXIT_IOIO: return VEXIT_IO;
	case SVM_EXIT_MSR: return info1 == SVM_EXITINFO1_MSR_WRMSR ? VEXIT_WRMSR : VEXIT_RDMSR;
	case SVM_EXIT_XSETBV: return VEXIT_XSETBV;
	case SVM_EXIT_HLT: return VEXIT_HLT;
	case SVM_EXIT_NPF: return info1 & SVM_NPF_RSVD ? VEXIT_NPT_MISCONFIG : VEXIT_NPF;
	case SVM_EXIT_INVD:
	case SVM_EXIT_WBINVD: return VEXIT_CACHE_FLUSH;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA: return VEXIT_VIRT_INSN;
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT: return VEXIT_UNDEFINED;
	case SVM_EXIT_RDPMC: return VEXIT_RDPMC;
	case SVM_EXIT_TASK_SWITCH: return VEXIT_TASK_SWITCH;
	case SVM_EXIT_NMI: return VEXIT_NMI;
	case SVM_EXIT_INTR: return VEXIT_INTR;
	case SVM_EXIT_VINTR: return VEXIT_IRQ_WINDOW;
	case SVM_EXIT_SHUTDOWN: return VEXIT_SHUTDOWN;
	case SVM_EXIT_INIT: return VEXIT_INIT;
	case SVM_EXIT_INVALID: return VEXIT_ENTRY_FAILED;
	default: return VEXIT_UNHANDLED;
	}
}

/* EXITINTINFO and EVENTINJ share one layout (15.20, 15.7.2): vector 7:0,
 * type 10:8, error code valid 11, valid 31. */
void svm_decode_event(struct vevent *ev, uint32_t info, uint32_t error)
{
	ev->valid = info & EVENTINJ_V;
	ev->vector = (uint8_t)(info & EVENTINJ_VECTOR_MASK);
	ev->type = (uint8_t)((info & EVENTINJ_TYPE_MASK) >> EVENTINJ_TYPE_SHIFT);
	ev->has_error = info & EVENTINJ_EV;
	ev->error = error;
	ev->insn_len = 0;
	/* A software interrupt (INTn) cut off by the exit is not delivered
	 * again: rIP still points at the INTn, which runs again (15.7.2). */
	if (ev->type == VEVENT_SW_INTR)
		ev->valid = false;
	/* INT3 and INTO are reported as exceptions (type 3); they too run
	 * again rather than being injected (KVM does the same). */
	if (ev->type == VEVENT_HW_EXCEPTION && (ev->vector == 3 || ev->vector == 4))
		ev->valid = false;
}

/* A task-switch intercept: the source from EXITINFO2's flags and
 * EXITINTINFO (taken raw: an INT n that went through a task gate is the
 * switch, not an event to run again).  SVM saves no next rIP here, so
 * svm/exit.c decodes the length to skip for CALL, JMP, IRET, INT n,
 * INT3 and INTO (svm_task_switch_skips). */
static void decode_task_switch(struct vexit *e, const struct svm_exit_info *x)
{
	struct vevent *ev = &e->task.event;

	e->task.sel = (uint16_t)x->info1;
	ev->valid = x->int_info & EVENTINJ_V;
	ev->vector = (uint8_t)(x->int_info & EVENTINJ_VECTOR_MASK);
	ev->type = (uint8_t)((x->int_info & EVENTINJ_TYPE_MASK) >> EVENTINJ_TYPE_SHIFT);
	ev->has_error = x->info2 & SVM_EXITINFO2_TS_HAS_ERROR;
	ev->error = (uint32_t)x->info2;
	ev->insn_len = 0;
	if (x->info2 & SVM_EXITINFO2_TS_IRET)
		e->task.source = TS_IRET;
	else if (x->info2 & SVM_EXITINFO2_TS_JMP)
		e->task.source = TS_JMP;
	else
		e->task.source = ev->valid ? TS_GATE : TS_CALL;
	ev->valid = ev->valid && e->task.source == TS_GATE;
	e->vectoring.valid = false;
}

bool svm_task_switch_skips(const struct vexit *e)
{
	const struct vevent *ev = &e->task.event;

	return !ev->valid || ev->type == VEVENT_SW_INTR ||
	       (ev->type == VEVENT_HW_EXCEPTION && (ev->vector == 3 || ev->vector == 4));
}

void svm_decode_exit(struct vexit *e, const struct svm_exit_info *x)
{
	e->kind = kind_of(x->code, x->info1);
	e->reason = (uint32_t)x->code;
	e->insn_len = 0;
	e->cpl = x->cpl;
	svm_decode_event(&e->vectoring, x->int_info, x->int_info_err);
	switch (e->kind) {
	case VEXIT_IO:
		svm_decode_io(e, x->info1, x->decode_assists);
		/* EXITINFO2 holds the rIP of the next instruction (15.10.2). */
		e->insn_len = (uint32_t)(x->info2 - x->rip);
		break;
	case VEXIT_CR:
		/* MOV to CR0/CR4/CR8, or CLTS or LMSW for CR0; MOV from CR0
		 * or CR8, or SMSW.  Exit codes 0-15 read CRn, 16-31 write it.
		 * With decode assists EXITINFO1 names the GPR of a MOV
		 * (15.8.1); otherwise svm/exit.c decodes the instruction. */
		e->cr.cr = (uint8_t)(x->code & 0xF);
		e->cr.type = x->code < SVM_EXIT_CR0_WRITE ? CR_MOV_FROM : CR_MOV_TO;
		e->cr.gpr = x->decode_assists && (x->info1 & SVM_EXITINFO1_CR_MOV) ?
			    (uint8_t)(x->info1 & SVM_EXITINFO1_GPR_MASK) : SVM_GPR_UNKNOWN;
		break;
	case VEXIT_NPF:
	case VEXIT_NPT_MISCONFIG:
		e->npf.gpa = x->info2;
		e->npf.access = svm_npf_access(x->info1);
		break;
	case VEXIT_INTR:
		/* SVM does not acknowledge it: the host takes it through its
		 * IDT once GIF and IF allow (svm/entry.asm, lapic_drain). */
		e->intr.acked = false;
		e->intr.vector = 0;
		break;
	case VEXIT_TASK_SWITCH:
		decode_task_switch(e, x);
		break;
	case VEXIT_EXCEPTION:
		e->exc.vector = (uint8_t)(x->code - SVM_EXIT_EXCP_BASE);
		/* EXITINFO1 holds an error code for those that push one (15.12). */
		e->exc.has_error = (1u << e->exc.vector) & EXC_WITH_ERROR_CODE;
		e->exc.error = (uint32_t)x->info1;
		break;
	default:
		break;
	}
}

/* The instruction an exit code names, for decoding its length when the
 * CPU does not save the next rIP; -1 when the exit is not an
 * instruction that Tern skips. */
int svm_exit_insn(uint64_t code)
{
	switch (code) {
	case SVM_EXIT_CPUID: return INSN_CPUID;
	case SVM_EXIT_VMMCALL: return INSN_VMMCALL;
	case SVM_EXIT_HLT: return INSN_HLT;
	case SVM_EXIT_XSETBV: return INSN_XSETBV;
	case SVM_EXIT_INVD: return INSN_INVD;
	case SVM_EXIT_WBINVD: return INSN_WBINVD;
	case SVM_EXIT_IOIO: return INSN_IO;
	case SVM_EXIT_CR0_READ:
	case SVM_EXIT_CR8_READ:
	case SVM_EXIT_CR0_WRITE:
	case SVM_EXIT_CR4_WRITE:
	case SVM_EXIT_CR8_WRITE: return INSN_MOV_CR;
	default: return -1;
	}
}

/* RDMSR and WRMSR share one exit code: EXITINFO1 tells them apart. */
int svm_exit_insn_msr(uint64_t info1)
{
	return info1 == SVM_EXITINFO1_MSR_WRMSR ? INSN_WRMSR : INSN_RDMSR;
}
