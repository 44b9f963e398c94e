/* One handler per decoded exit kind, for both vendors (DESIGN.md 1):
 * the backend decodes, this file counts and dispatches, the handlers
 * emulate (virt/cpuid.c, io.c, msr.c, cr.c, hypercall.c, npf.c, misc.c,
 * task.c). */
#include "virt/exit.h"
#include "guest/vm.h"
#include "virt/vcpu.h"

static enum exit_action unhandled(struct vcpu *v, const struct vexit *e)
{
	vm_stop(v->vm, "unhandled VM exit %u (%s) at rip=0x%llx", e->reason,
		backend->reason_name(e->reason), (unsigned long long)vcpu_get(v, VREG_RIP));
	return EXIT_STOP;
}

/* The backend already reported the failed entry and stopped the guest. */
static enum exit_action entry_failed(struct vcpu *v, const struct vexit *e)
{
	(void)v, (void)e;
	return EXIT_STOP;
}

/* Every kind has a handler, so the hot path needs no NULL check. */
const exit_handler_fn vexit_handlers[VEXIT_KINDS] = {
	[VEXIT_UNHANDLED] = unhandled,
	[VEXIT_CPUID] = handle_cpuid,
	[VEXIT_HYPERCALL] = handle_hypercall,
	[VEXIT_IO] = handle_io,
	[VEXIT_RDMSR] = handle_rdmsr,
	[VEXIT_WRMSR] = handle_wrmsr,
	[VEXIT_CR] = handle_cr_access,
	[VEXIT_XSETBV] = handle_xsetbv,
	[VEXIT_HLT] = handle_hlt,
	[VEXIT_IRQ_WINDOW] = handle_irq_window,
	[VEXIT_NMI_WINDOW] = handle_irq_window,
	[VEXIT_TPR_BELOW] = handle_irq_window,
	[VEXIT_APIC_ACCESS] = handle_npf,
	[VEXIT_APIC_WRITE] = handle_apic_write,
	[VEXIT_APIC_EOI] = handle_apic_eoi,
	[VEXIT_NPF] = handle_npf,
	[VEXIT_NPT_MISCONFIG] = handle_npt_misconfig,
	[VEXIT_CACHE_FLUSH] = handle_cache_flush,
	[VEXIT_VIRT_INSN] = handle_undefined,
	[VEXIT_UNDEFINED] = handle_undefined,
	[VEXIT_RDPMC] = handle_rdpmc,
	[VEXIT_TASK_SWITCH] = handle_task_switch,
	[VEXIT_NMI] = handle_nmi,
	[VEXIT_EXCEPTION] = handle_exception,
	[VEXIT_INTR] = handle_host_interrupt,
	[VEXIT_QUANTUM] = handle_reschedule,
	[VEXIT_SHUTDOWN] = handle_shutdown,
	[VEXIT_INIT] = handle_ignore,
	[VEXIT_SIPI] = handle_ignore,
	[VEXIT_ENTRY_FAILED] = entry_failed,
};
