/* The small exit handlers: HLT, XSETBV, cache flushes, triple fault,
 * virtualization instructions, and the ones that only return to the
 * scheduler. */
#include "arch/x86/cpu.h"
#include "arch/x86/cpuid.h"
#include "arch/x86/lapic.h"
#include "guest/vm.h"
#include "virt/exit.h"
#include "virt/vcpu.h"

/* HLT.  With interrupts enabled the vCPU waits for an interrupt or an
 * NMI: the scheduler runs the others, or halts the CPU, until one is
 * pending for it (guest/run.c).  With interrupts disabled only an NMI
 * could wake it, and `cli; hlt` is how a guest says it is finished
 * (DESIGN.md 5, "halted"): it ends there. */
enum exit_action handle_hlt(struct vcpu *v, const struct vexit *e)
{
	(void)e;
	if (!(vcpu_get(v, VREG_RFLAGS) & RFLAGS_IF)) {
		vm_stop(v->vm, "halted");
		return EXIT_STOP;
	}
	v->halted = true;
	return EXIT_ADVANCE_SCHEDULE;
}

/* The XCR0 states a guest may enable: x87 and SSE, the ones FXSAVE
 * switches between guests (guest/run.c).  CPUID leaf 0xD says the same
 * (virt/cpuid.c), and a whitelist means a future CPU's new state
 * rules can never make the real XSETBV below fault in root mode. */
#define XCR0_GUEST_STATES 0x3ull

/* SDM Vol. 1 13.3 "Enabling the XSAVE Feature Set": x87 always set,
 * nothing outside what the CPU and Tern support. */
static bool valid_xcr0(uint64_t x)
{
	struct cpuid_regs r = cpuid(0xD, 0);
	uint64_t supported = (((uint64_t)r.edx << 32) | r.eax) & XCR0_GUEST_STATES;

	return (x & 1) && !(x & ~supported);
}

/* XSETBV always exits; check it as the CPU would, then load it: the
 * vCPU's XCR0 is live on the CPU while it runs. */
enum exit_action handle_xsetbv(struct vcpu *v, const struct vexit *e)
{
	uint64_t value = (v->gpr[GPR_RDX] << 32) | (uint32_t)v->gpr[GPR_RAX];

	if (!(vcpu_get(v, VREG_CR4) & CR4_OSXSAVE))
		return inject_ud(v);
	if ((uint32_t)v->gpr[GPR_RCX] != 0 || !valid_xcr0(value) || e->cpl)
		return inject_gp0(v);
	v->xcr0 = value;
	xsetbv0(value);
	return EXIT_ADVANCE;
}

/* INVD/WBINVD: guest RAM is ordinary write-back memory and
 * nothing is cached behind the hypervisor's back, so there is nothing to
 * flush on the guest's behalf. */
enum exit_action handle_cache_flush(struct vcpu *v, const struct vexit *e)
{
	(void)v, (void)e;
	return EXIT_ADVANCE;
}

enum exit_action handle_shutdown(struct vcpu *v, const struct vexit *e)
{
	(void)e;
	vm_reset(v->vm, "triple fault at rip=0x%llx", (unsigned long long)vcpu_get(v, VREG_RIP));
	return EXIT_STOP;
}

/* VMXON & co., VMRUN & co.: the guest has no VMX or SVM (CPUID says so,
 * CR4.VMXE and EFER.SVME are refused), and a CPU without them raises #UD.
 * GETSEC, MONITOR, MWAIT: not advertised in CPUID, so #UD as well. */
enum exit_action handle_undefined(struct vcpu *v, const struct vexit *e)
{
	(void)e;
	return inject_ud(v);
}

/* RDPMC: CPUID's leaf 0Ah offers no counters, so every counter number is
 * invalid: #GP(0), as the CPU raises for one (SDM Vol. 2B "RDPMC").
 * Native, it would read the host's counters. */
enum exit_action handle_rdpmc(struct vcpu *v, const struct vexit *e)
{
	(void)e;
	return inject_gp0(v);
}

/* Quantum over: the slice is over.  An event whose delivery the exit
 * cut off goes in at the next entry. */
enum exit_action handle_reschedule(struct vcpu *v, const struct vexit *e)
{
	reinject_vectoring_event(v, e);
	return EXIT_SCHEDULE;
}

/* A host interrupt arrived while the guest ran (the SVM quantum's timer,
 * or a stray one): serve it, then the slice is over. */
enum exit_action handle_host_interrupt(struct vcpu *v, const struct vexit *e)
{
	if (e->intr.acked)
		host_interrupt(e->intr.vector);
	else
		lapic_drain();
	return handle_reschedule(v, e);
}

/* INIT/SIPI: a single-vCPU guest has no one to send them. */
enum exit_action handle_ignore(struct vcpu *v, const struct vexit *e)
{
	(void)v, (void)e;
	return EXIT_RESUME;
}

/* The NMI belongs to the host (the backend has let the host take it);
 * there is nothing for the guest to do. */
enum exit_action handle_nmi(struct vcpu *v, const struct vexit *e)
{
	reinject_vectoring_event(v, e);
	return EXIT_RESUME;
}

/* No exception is intercepted today: one that arrives is a bug. */
enum exit_action handle_exception(struct vcpu *v, const struct vexit *e)
{
	vm_stop(v->vm, "unexpected exception exit (vector %u, %s 0x%x)", e->exc.vector,
		e->exc.has_error ? "error code" : "raw reason", e->exc.has_error ? e->exc.error : e->reason);
	return EXIT_STOP;
}
