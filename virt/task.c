/*
 * Hardware task switches (VEXIT_TASK_SWITCH): a legal 32-bit guest
 * switches tasks with CALL or JMP to a TSS or task gate, IRET with
 * EFLAGS.NT, or a task gate in its IDT (a double-fault handler's own
 * stack is the classic use).  The CPU hands every one of them to Tern,
 * which emulates it rather than reflect it: there is nothing a real CPU
 * would do instead.  The vCPU's registers go into a snapshot, virt/tss.c
 * switches it, and the result is committed; a fault the switch raises is
 * delivered in the task it belongs to (SDM Vol. 3A 7.3, Table 7-1).
 */
#include "arch/x86/cpu.h"
#include "guest/gva.h"
#include "guest/vm.h"
#include "virt/exit.h"
#include "virt/tss.h"
#include "virt/vcpu.h"

static void snapshot(struct vcpu *v, struct ts_regs *r, uint32_t insn_len)
{
	for (unsigned i = 0; i < 8; i++)
		r->gpr[i] = (uint32_t)vcpu_get_gpr(v, i);
	/* The old task resumes after the instruction that switched. */
	r->eip = (uint32_t)(vcpu_get(v, VREG_RIP) + insn_len);
	r->eflags = (uint32_t)vcpu_get(v, VREG_RFLAGS);
	r->cr0 = vcpu_get(v, VREG_CR0);
	r->cr3 = vcpu_get(v, VREG_CR3);
	for (unsigned s = SEG_ES; s <= SEG_TR; s++)
		vcpu_get_seg(v, (enum vseg_reg)s, &r->seg[s]);
	vcpu_get_seg(v, SEG_GDTR, &r->gdtr);
	vcpu_get_seg(v, SEG_IDTR, &r->idtr);
}

/* The TSS and descriptor tables are reached with supervisor rights
 * whatever the CPL (SDM Vol. 3A 4.6, "implicit supervisor-mode
 * accesses"), under the CR3 the switch has loaded so far; linear
 * addresses are 32 bits wide outside IA-32e mode. */
static int access(void *ctx, const struct ts_regs *r, uint64_t linear, void *buf, unsigned size,
		  bool write, uint64_t *cr2, uint32_t *pf)
{
	struct linear_access a = { .cr0 = r->cr0, .cr3 = r->cr3, .access = write ? GVA_WRITE : 0 };

	return vcpu_copy_linear(ctx, &a, linear & 0xFFFFFFFFu, buf, size, cr2, pf);
}

static enum exit_action commit(struct vcpu *v, const struct ts_regs *r)
{
	for (unsigned i = 0; i < 8; i++)
		vcpu_set_gpr(v, i, r->gpr[i]);
	vcpu_set(v, VREG_RIP, r->eip);
	vcpu_set(v, VREG_RFLAGS, r->eflags);
	for (unsigned s = SEG_ES; s <= SEG_TR; s++)
		vcpu_set_seg(v, (enum vseg_reg)s, &r->seg[s]);
	return cr_task_switch(v, r->cr0, r->cr3);
}

/* The event that went through the gate was started by an instruction
 * (INT n; INT3 and INTO, which SVM reports as exceptions 3 and 4): its
 * gate's DPL is checked against the CPL. */
static bool software_event(const struct vevent *ev)
{
	return ev->type == VEVENT_SW_INTR || ev->type == VEVENT_SW_EXCEPTION ||
	       (ev->type == VEVENT_HW_EXCEPTION && (ev->vector == 3 || ev->vector == 4));
}

static bool contributory(unsigned vector)
{
	return vector == VEC_DE || (vector >= 10 && vector <= VEC_GP);
}

static void deliver(struct vcpu *v, const struct ts_result *res)
{
	if (res->vector == VEC_PF)
		inject_page_fault(v, res->cr2, res->error);
	else
		inject_exception(v, res->vector, res->error);
}

/* A fault before the switch, while an exception was being delivered
 * through the gate: the two combine as the CPU's double-fault rules say
 * (SDM Vol. 3A 6.15, Table 6-5); a failed #DF gate is a triple fault. */
static enum exit_action old_task_fault(struct vcpu *v, const struct vexit *e,
				       const struct ts_result *res)
{
	const struct vevent *first = &e->task.event;

	if (first->valid && first->type == VEVENT_HW_EXCEPTION) {
		if (first->vector == VEC_DF)
			return handle_shutdown(v, e);
		if ((contributory(first->vector) || first->vector == VEC_PF) &&
		    (contributory(res->vector) || (first->vector == VEC_PF && res->vector == VEC_PF))) {
			inject_exception(v, VEC_DF, 0);
			return EXIT_RESUME;
		}
	}
	deliver(v, res);
	return EXIT_RESUME;
}

enum exit_action handle_task_switch(struct vcpu *v, const struct vexit *e)
{
	struct ts_mem mem = { v, access };
	struct ts_request rq = { .sel = e->task.sel, .source = (enum ts_source)e->task.source };
	struct ts_regs r;
	struct ts_result res;

	if (e->task.event.valid) {
		rq.vector = e->task.event.vector;
		rq.software = software_event(&e->task.event);
		rq.has_error = e->task.event.has_error;
		rq.error = e->task.event.error;
	}
	snapshot(v, &r, e->insn_len);
	tss_switch(&r, &rq, &mem, &res);
	if (res.outcome == TS_STOP) {
		vm_stop(v->vm, "task switch to TSS 0x%x: %s outside its RAM", e->task.sel, res.why);
		return EXIT_STOP;
	}
	if (!res.committed)
		return res.outcome == TS_FAULT ? old_task_fault(v, e, &res) : EXIT_RESUME;
	if (commit(v, &r) != EXIT_ADVANCE)
		return EXIT_RESUME;   /* bad PDPTEs in the new CR3: #GP(0) */
	if (res.outcome == TS_FAULT)
		deliver(v, &res);
	return EXIT_RESUME;
}
