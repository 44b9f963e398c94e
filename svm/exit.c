/* Every #VMEXIT is handled here, after svm/entry.asm has put the guest
 * GPRs into the vcpu: decode the VMCB's exit information (svm/decode.c),
 * let the core handle it (virt/exit.c), and carry out its answer. */
#include "core/log.h"
#include "guest/vm.h"
#include "svm/check.h"
#include "svm/decode.h"
#include "svm/nmi.h"
#include "svm/svm_exit.h"
#include "svm/svm_vcpu.h"
#include "virt/exit.h"
#include "virt/insn.h"

static unsigned fetch_insn(struct vcpu *v, uint8_t *buf)
{
	return vcpu_fetch_insn(v, buf, INSN_MAX_LEN);
}

/* Without decode assists a CR access names neither the instruction nor
 * its register (and with them, an SMSW or LMSW still does not): take
 * both from the bytes.  Writes: MOV CRn, reg (0F 22); CLTS; LMSW reg.
 * CR0 reads: MOV reg, CR0 (0F 20); SMSW reg. */
static bool decode_cr(struct vcpu *v, struct vexit *e)
{
	struct vmcb_save *st = &to_svm(v)->vmcb->save;
	uint8_t bytes[INSN_MAX_LEN];
	bool lm = st->cs.attrib & SVM_ATTRIB_L, d32 = st->cs.attrib & SVM_ATTRIB_DB;
	bool read = e->cr.type == CR_MOV_FROM;
	unsigned n = fetch_insn(v, bytes);
	int len, gpr = -1;

	if ((len = insn_length(bytes, n, lm, d32, INSN_MOV_CR)) > 0 &&
	    bytes[len - 2] == (read ? 0x20 : 0x22)) {
		gpr = insn_mov_cr_gpr(bytes, (unsigned)len, lm);
	} else if (read && e->cr.cr == 0 && (len = insn_length(bytes, n, lm, d32, INSN_SMSW)) > 0) {
		gpr = insn_mov_cr_gpr(bytes, (unsigned)len, lm);
		e->cr.type = CR_SMSW;
		e->cr.smsw_size = (uint8_t)insn_operand_size(bytes, (unsigned)len, lm, d32);
	} else if (!read && e->cr.cr == 0 && (len = insn_length(bytes, n, lm, d32, INSN_CLTS)) > 0) {
		e->cr.type = CR_CLTS;
		gpr = 0;
	} else if (!read && e->cr.cr == 0 && (len = insn_length(bytes, n, lm, d32, INSN_LMSW)) > 0) {
		gpr = insn_mov_cr_gpr(bytes, (unsigned)len, lm);
		e->cr.type = CR_LMSW;
		e->cr.lmsw_source = (uint16_t)vcpu_get_gpr(v, (unsigned)gpr);
	}
	if (gpr < 0) {
		vm_stop(v->vm, "could not decode the CR%u %s at rip=0x%llx (%s from memory is not "
			       "emulated)", e->cr.cr, read ? "read" : "write",
			(unsigned long long)st->rip, read ? "SMSW to" : "LMSW");
		return false;
	}
	e->cr.gpr = (uint8_t)gpr;
	e->insn_len = (uint32_t)len;
	return true;
}

/* INS/OUTS without decode assists: the address size and segment come
 * from the instruction's prefixes. */
static bool decode_string_io(struct vcpu *v, struct vexit *e)
{
	struct vmcb_save *st = &to_svm(v)->vmcb->save;
	uint8_t bytes[INSN_MAX_LEN];
	unsigned addr_size;
	int seg;

	if (insn_string_io(bytes, fetch_insn(v, bytes), st->cs.attrib & SVM_ATTRIB_L,
			   st->cs.attrib & SVM_ATTRIB_DB, &addr_size, &seg) < 0) {
		vm_stop(v->vm, "could not decode the string I/O instruction at rip=0x%llx",
			(unsigned long long)st->rip);
		return false;
	}
	if (!e->io.addr_size)
		e->io.addr_size = (uint8_t)addr_size;
	if (e->io.seg == SVM_SEG_UNKNOWN)
		e->io.seg = seg >= 0 ? (uint8_t)seg : SEG_DS;
	return true;
}

/* The length of the exiting instruction: the saved next rIP where the
 * CPU has NRIP save (15.7.1), EXITINFO2 for IOIO, else decoded from the
 * guest's memory (QEMU's TCG has no NRIP save).  0 if unknown. */
static unsigned insn_len(struct vcpu *v, const struct vexit *e)
{
	struct vmcb *b = to_svm(v)->vmcb;
	uint64_t code = b->control.exit_code;
	uint8_t bytes[INSN_MAX_LEN];
	bool lm = b->save.cs.attrib & SVM_ATTRIB_L, d32 = b->save.cs.attrib & SVM_ATTRIB_DB;
	unsigned n;
	int kind, len;

	if (svm_caps.nrips && b->control.next_rip > b->save.rip)
		return (unsigned)(b->control.next_rip - b->save.rip);
	if (e->insn_len)
		return e->insn_len;
	kind = code == SVM_EXIT_MSR ? svm_exit_insn_msr(b->control.exit_info_1) : svm_exit_insn(code);
	if (kind < 0)
		return 0;
	n = fetch_insn(v, bytes);
	len = insn_length(bytes, n, lm, d32, (unsigned)kind);
	/* QEMU (7.2) reports INVD with the WBINVD exit code: take either. */
	if (len < 0 && e->kind == VEXIT_CACHE_FLUSH)
		len = insn_length(bytes, n, lm, d32, kind == INSN_WBINVD ? INSN_INVD : INSN_WBINVD);
	return len > 0 ? (unsigned)len : 0;
}

/* The single-step trap after an emulated instruction: #DB with DR6.BS,
 * as the CPU delivers it after an instruction run with TF (APM Vol. 2
 * 13.1.3.x; DR6 lives in the VMCB). */
void svm_step_trap(struct vcpu *v)
{
	struct vmcb *b = to_svm(v)->vmcb;

	if (svm_nmi_step_done(v))
		return;
	b->save.dr6 |= DR6_BS;
	b->control.vmcb_clean &= ~VMCB_CLEAN_DRX;
	inject_exception(v, VEC_DB, 0);
}

static bool advance_rip(struct vcpu *v, const struct vexit *e)
{
	struct vmcb_save *st = &to_svm(v)->vmcb->save;
	unsigned len = insn_len(v, e);

	if (!len) {
		vm_stop(v->vm, "could not decode the instruction at rip=0x%llx to skip it "
			       "(exit 0x%llx, no NRIP save)", (unsigned long long)st->rip,
			(unsigned long long)to_svm(v)->vmcb->control.exit_code);
		return false;
	}
	/* Skipping an instruction ends an STI/MOV SS interrupt shadow. */
	st->rip += len;
	to_svm(v)->vmcb->control.int_state &= ~INTERRUPT_SHADOW;
	if (unlikely(st->rflags & RFLAGS_TF))
		svm_step_trap(v);
	return true;
}

/* VMRUN refused the VMCB: name the consistency check (15.5.1) it broke,
 * as far as svm/check.c knows them. */
static void entry_failed(struct vcpu *v)
{
	const char *why = vmcb_check(to_svm(v)->vmcb);

	if (!why)
		why = "none of the checks of APM Vol. 2 15.5.1 that Tern knows";
	pr_err("svm: VMRUN of guest %s failed: VMEXIT_INVALID (%s)", v->vm->name, why);
	vmcb_dump(v);
	vm_stop(v->vm, "VM entry failed: VMRUN refused the VMCB (VMEXIT_INVALID: %s)", why);
}

/* Carry out the core's answer: 0 enters the guest again. */
static ALWAYS_INLINE HOT_PATH int finish(struct vcpu *v, const struct vexit *e,
					 enum exit_action action)
{
	struct vmcb *b = to_svm(v)->vmcb;

	if (likely(action == EXIT_ADVANCE)) {
		/* With NRIP save the next rIP is at hand (15.7.1). */
		if (likely(svm_caps.nrips && b->control.next_rip > b->save.rip)) {
			b->save.rip = b->control.next_rip;
			b->control.int_state &= ~INTERRUPT_SHADOW;
			if (unlikely(b->save.rflags & RFLAGS_TF))
				svm_step_trap(v);
			return vcpu_must_yield(v);
		}
		return advance_rip(v, e) ? vcpu_must_yield(v) : 1;
	}
	if (action == EXIT_RESUME)
		return vcpu_must_yield(v);
	if (action == EXIT_ADVANCE_SCHEDULE)
		advance_rip(v, e);
	return 1;
}

/* Before the core switches tasks: the length of the instruction that
 * started it (no next rIP is saved for this intercept), the interrupt
 * shadow dropped (the switch ends it), Tern's own single step taken off
 * so that its TF is not saved in the old TSS, and an NMI that went
 * through a task gate blocking NMIs as its delivery would have. */
static bool prepare_task_switch(struct vcpu *v, struct vexit *e)
{
	struct vmcb *b = to_svm(v)->vmcb;
	struct vevent *ev = &e->task.event;
	uint8_t bytes[INSN_MAX_LEN];
	int len = insn_length(bytes, fetch_insn(v, bytes), false, b->save.cs.attrib & SVM_ATTRIB_DB,
			      INSN_TASK_SWITCH);

	/* Bochs 2.7 reports INT n through a task gate as a valid external
	 * interrupt with vector 0 (it records no EXITINTINFO for software
	 * interrupts).  No external interrupt has vector 0 from Tern's
	 * APIC, so the instruction at rIP tells what it was. */
	if (ev->valid && ev->type == VEVENT_EXT_INTR && ev->vector == 0 && len > 0 &&
	    insn_int_vector(bytes, (unsigned)len) >= 0) {
		ev->vector = (uint8_t)insn_int_vector(bytes, (unsigned)len);
		ev->type = ev->vector == 3 || ev->vector == 4 ? VEVENT_HW_EXCEPTION : VEVENT_SW_INTR;
	}
	if (!svm_task_switch_skips(e))
		len = 0;
	else if (len <= 0) {
		vm_stop(v->vm, "could not decode the instruction at rip=0x%llx that switched tasks",
			(unsigned long long)b->save.rip);
		return false;
	}
	e->insn_len = (uint32_t)len;
	b->control.int_state &= ~INTERRUPT_SHADOW;
	svm_nmi_step_done(v);
	if (ev->valid && ev->type == VEVENT_NMI)
		svm_nmi_injected(v);
	return true;
}

/* The IRET intercept or the step's #DB (svm/nmi.c): the core looks at
 * the pending NMI. */
static __attribute__((noinline)) int nmi_window(struct vcpu *v, struct vexit *e)
{
	struct vmcb *b = to_svm(v)->vmcb;

	e->kind = VEXIT_NMI_WINDOW;
	e->reason = (uint32_t)b->control.exit_code;
	svm_decode_event(&e->vectoring, (uint32_t)b->control.exit_int_info,
			 b->control.exit_int_info_err);
	reinject_vectoring_event(v, e);
	return finish(v, e, vexit_handle(v, e));
}

/* Every exit but the hot ones: decoded in full (svm/decode.c). */
static __attribute__((noinline)) HOT_PATH int dispatch_other(struct vcpu *v, struct vexit *e)
{
	struct vmcb *b = to_svm(v)->vmcb;

	if ((b->control.exit_code == SVM_EXIT_IRET || b->control.exit_code == SVM_EXIT_EXCP(VEC_DB)) &&
	    svm_nmi_exit(v))
		return nmi_window(v, e);
	struct svm_exit_info x = {
		.code = b->control.exit_code, .info1 = b->control.exit_info_1,
		.info2 = b->control.exit_info_2, .int_info = b->control.exit_int_info,
		.int_info_err = b->control.exit_int_info_err, .rip = b->save.rip, .cpl = b->save.cpl,
		.decode_assists = svm_caps.decode_assists,
	};

	svm_decode_exit(e, &x);
	if (e->kind == VEXIT_CR && e->cr.gpr == SVM_GPR_UNKNOWN && !decode_cr(v, e))
		return 1;
	if (e->kind == VEXIT_IO && (e->io.flags & VIO_STRING) &&
	    (!e->io.addr_size || e->io.seg == SVM_SEG_UNKNOWN) && !decode_string_io(v, e))
		return 1;
	if (e->kind == VEXIT_TASK_SWITCH && !prepare_task_switch(v, e))
		return 1;
	if (e->kind == VEXIT_ENTRY_FAILED)
		entry_failed(v);
	else if (e->kind != VEXIT_NPF && e->kind != VEXIT_INTR && e->kind != VEXIT_NMI)
		reinject_vectoring_event(v, e);   /* the core does it for those */
	return finish(v, e, vexit_handle(v, e));
}

/* The hot path: CPUID, VMMCALL, IN/OUT and nested page faults that
 * interrupted no event delivery are decoded here, inline (the same
 * decoding as svm_decode_exit's); everything else goes the slow way. */
HOT_PATH int svm_exit_dispatch(struct vcpu *v)
{
	struct vmcb *b = to_svm(v)->vmcb;
	uint64_t code = b->control.exit_code, info1 = b->control.exit_info_1;
	struct vexit e;

	if (unlikely(b->control.exit_int_info & EVENTINJ_V))
		return dispatch_other(v, &e);
	if (code == SVM_EXIT_CPUID) {
		e.kind = VEXIT_CPUID;
		e.insn_len = 0;
	} else if (code == SVM_EXIT_IOIO && !(info1 & SVM_IOIO_STR)) {
		e.kind = VEXIT_IO;
		svm_decode_io(&e, info1, false);
		e.insn_len = (uint32_t)(b->control.exit_info_2 - b->save.rip);
	} else if (code == SVM_EXIT_VMMCALL) {
		e.kind = VEXIT_HYPERCALL;
		e.cpl = b->save.cpl;
		e.insn_len = 0;
	} else if (code == SVM_EXIT_NPF && !(info1 & (SVM_NPF_RSVD | SVM_NPF_GUEST_PAGE_TABLE))) {
		/* The guest's own access (its page-table walks go the slow way). */
		e.kind = VEXIT_NPF;
		e.npf.gpa = b->control.exit_info_2;
		e.npf.access = svm_npf_access(info1 & ~SVM_NPF_GUEST_PAGE_TABLE);
		e.vectoring.valid = false;
	} else {
		return dispatch_other(v, &e);
	}
	e.reason = (uint32_t)code;
	return finish(v, &e, vexit_handle(v, &e));
}
