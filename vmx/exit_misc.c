/* The small exit handlers: HLT, XSETBV, cache flushes, triple fault,
 * VMX instructions, and the ones that only return to the scheduler. */
#include "arch/x86/cpu.h"
#include "guest/vm.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

/* HLT (reason 12).  The platform has no interrupt sources yet, so a
 * halted guest can never wake: it is finished (DESIGN.md 5, "halted"). */
enum exit_action handle_hlt(struct vcpu *v)
{
	if (vmread(GUEST_RFLAGS) & RFLAGS_IF)
		vm_stop(v->vm, "halted with interrupts enabled, but this platform has no interrupt "
			       "source to wake it");
	else
		vm_stop(v->vm, "halted");
	return EXIT_STOP;
}

/* The XCR0 states a guest may enable: x87 and SSE, the ones FXSAVE
 * switches between guests (guest/run.c).  CPUID leaf 0xD says the same
 * (vmx/exit_cpuid.c), and a whitelist means a future CPU's new state
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

/* XSETBV (reason 55) always exits; check it as the CPU would, then load
 * it: the vCPU's XCR0 is live on the CPU while it runs. */
enum exit_action handle_xsetbv(struct vcpu *v)
{
	uint64_t value = (v->gpr[GPR_RDX] << 32) | (uint32_t)v->gpr[GPR_RAX];

	if (!(guest_visible_cr4() & CR4_OSXSAVE))
		return inject_ud(v);
	if ((uint32_t)v->gpr[GPR_RCX] != 0 || !valid_xcr0(value) ||
	    ((vmread(GUEST_SS_AR_BYTES) >> 5) & 3))
		return inject_gp0(v);
	v->xcr0 = value;
	xsetbv0(value);
	return EXIT_ADVANCE;
}

/* INVD/WBINVD (13, 54): guest RAM is ordinary write-back memory and
 * nothing is cached behind the hypervisor's back, so there is nothing to
 * flush on the guest's behalf. */
enum exit_action handle_cache_flush(struct vcpu *v)
{
	(void)v;
	return EXIT_ADVANCE;
}

enum exit_action handle_triple_fault(struct vcpu *v)
{
	vm_stop(v->vm, "triple fault at rip=0x%llx", (unsigned long long)vmread(GUEST_RIP));
	return EXIT_STOP;
}

/* VMXON & co. (19-27, 50, 53, 59): the guest has no VMX (CPUID.1:ECX.VMX
 * = 0, CR4.VMXE refused), and a CPU without VMX raises #UD for them. */
enum exit_action handle_vmx_instruction(struct vcpu *v)
{
	return inject_ud(v);
}

/* GETSEC, MONITOR, MWAIT: not advertised in CPUID, so #UD. */
enum exit_action handle_undefined(struct vcpu *v)
{
	return inject_ud(v);
}

/* Preemption timer, external interrupt: the slice is over. */
enum exit_action handle_reschedule(struct vcpu *v)
{
	(void)v;
	return EXIT_SCHEDULE;
}

/* INIT/SIPI: a single-vCPU guest has no one to send them. */
enum exit_action handle_ignore(struct vcpu *v)
{
	(void)v;
	return EXIT_RESUME;
}

/* Reason 0 with an empty exception bitmap: only NMIs exit here.  The
 * NMI belongs to the host; there is nothing for the guest to do. */
enum exit_action handle_exception_nmi(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmread(VM_EXIT_INTR_INFO);

	if (((info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT) == INTR_TYPE_NMI)
		return EXIT_RESUME;
	vm_stop(v->vm, "unexpected exception exit (interruption info 0x%x)", info);
	return EXIT_STOP;
}
