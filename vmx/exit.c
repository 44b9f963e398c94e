/* One dispatcher for every VM exit, indexed by basic exit reason
 * (SDM Vol. 3C 28.2.1).  The fast path is: read the reason, count it,
 * call the handler, maybe skip the instruction, resume. */
#include "vmx/exit.h"
#include "core/log.h"
#include "guest/vm.h"
#include "vmx/exit_reason.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

static enum exit_action unhandled(struct vcpu *v);

/* Every slot has a handler, so the fast path needs no range or NULL
 * check: the table covers every value of reason & EXIT_REASON_MASK. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const exit_handler_fn handlers[EXIT_REASON_SLOTS] = {
	[0 ... EXIT_REASON_SLOTS - 1] = unhandled,
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_reschedule,
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_INIT] = handle_ignore,
	[EXIT_REASON_SIPI] = handle_ignore,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_GETSEC] = handle_undefined,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_INVD] = handle_cache_flush,
	[EXIT_REASON_WBINVD] = handle_cache_flush,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	[EXIT_REASON_VMCLEAR] = handle_vmx_instruction,
	[EXIT_REASON_VMLAUNCH] = handle_vmx_instruction,
	[EXIT_REASON_VMPTRLD] = handle_vmx_instruction,
	[EXIT_REASON_VMPTRST] = handle_vmx_instruction,
	[EXIT_REASON_VMREAD] = handle_vmx_instruction,
	[EXIT_REASON_VMRESUME] = handle_vmx_instruction,
	[EXIT_REASON_VMWRITE] = handle_vmx_instruction,
	[EXIT_REASON_VMXOFF] = handle_vmx_instruction,
	[EXIT_REASON_VMXON] = handle_vmx_instruction,
	[EXIT_REASON_INVEPT] = handle_vmx_instruction,
	[EXIT_REASON_INVVPID] = handle_vmx_instruction,
	[EXIT_REASON_VMFUNC] = handle_vmx_instruction,
	[EXIT_REASON_CR_ACCESS] = handle_cr_access,
	[EXIT_REASON_IO_INSTRUCTION] = handle_io,
	[EXIT_REASON_MSR_READ] = handle_rdmsr,
	[EXIT_REASON_MSR_WRITE] = handle_wrmsr,
	[EXIT_REASON_MWAIT_INSTRUCTION] = handle_undefined,
	[EXIT_REASON_MONITOR_INSTRUCTION] = handle_undefined,
	[EXIT_REASON_EPT_VIOLATION] = handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG] = handle_ept_misconfig,
	[EXIT_REASON_PREEMPTION_TIMER] = handle_reschedule,
	[EXIT_REASON_XSETBV] = handle_xsetbv,
};
#pragma GCC diagnostic pop

static const char *const names[EXIT_REASON_MAX] = {
	[0] = "exception or NMI", [1] = "external interrupt", [2] = "triple fault",
	[3] = "INIT", [4] = "SIPI", [5] = "I/O SMI", [6] = "other SMI",
	[7] = "interrupt window", [8] = "NMI window", [9] = "task switch", [10] = "CPUID",
	[11] = "GETSEC", [12] = "HLT", [13] = "INVD", [14] = "INVLPG", [15] = "RDPMC",
	[16] = "RDTSC", [17] = "RSM", [18] = "VMCALL", [19] = "VMCLEAR", [20] = "VMLAUNCH",
	[21] = "VMPTRLD", [22] = "VMPTRST", [23] = "VMREAD", [24] = "VMRESUME",
	[25] = "VMWRITE", [26] = "VMXOFF", [27] = "VMXON", [28] = "CR access",
	[29] = "MOV DR", [30] = "I/O instruction", [31] = "RDMSR", [32] = "WRMSR",
	[33] = "VM-entry failure: invalid guest state", [34] = "VM-entry failure: MSR loading",
	[36] = "MWAIT", [37] = "monitor trap flag", [39] = "MONITOR", [40] = "PAUSE",
	[41] = "VM-entry failure: machine check", [43] = "TPR below threshold",
	[44] = "APIC access", [45] = "virtualized EOI", [46] = "GDTR/IDTR access",
	[47] = "LDTR/TR access", [48] = "EPT violation", [49] = "EPT misconfiguration",
	[50] = "INVEPT", [51] = "RDTSCP", [52] = "preemption timer", [53] = "INVVPID",
	[54] = "WBINVD", [55] = "XSETBV", [56] = "APIC write", [57] = "RDRAND",
	[58] = "INVPCID", [59] = "VMFUNC", [60] = "ENCLS", [61] = "RDSEED",
	[62] = "PML full", [63] = "XSAVES", [64] = "XRSTORS", [67] = "UMWAIT", [68] = "TPAUSE",
};

const char *exit_reason_name(unsigned reason)
{
	return reason < EXIT_REASON_MAX && names[reason] ? names[reason] : "unknown";
}

HOT_PATH void advance_rip(struct vcpu *v)
{
	(void)v;
	vmwrite(GUEST_RIP, vmread(GUEST_RIP) + vmread(VM_EXIT_INSTRUCTION_LEN));
}

static uint64_t visible(uint32_t real, uint32_t shadow, uint32_t mask)
{
	uint64_t m = vmread(mask);
	return (vmread(real) & ~m) | (vmread(shadow) & m);
}

uint64_t guest_visible_cr0(void)
{
	return visible(GUEST_CR0, CR0_READ_SHADOW, CR0_GUEST_HOST_MASK);
}

uint64_t guest_visible_cr4(void)
{
	return visible(GUEST_CR4, CR4_READ_SHADOW, CR4_GUEST_HOST_MASK);
}

bool guest_in_64bit_code(void)
{
	return vmread(GUEST_CS_AR_BYTES) & (1u << 13);   /* CS.L, SDM 25.4.1 */
}

uint64_t guest_gpr(struct vcpu *v, unsigned n)
{
	return n == GPR_RSP ? vmread(GUEST_RSP) : v->gpr[n];
}

void set_guest_gpr(struct vcpu *v, unsigned n, uint64_t value)
{
	if (n == GPR_RSP)
		vmwrite(GUEST_RSP, value);
	else
		v->gpr[n] = value;
}

static enum exit_action unhandled(struct vcpu *v)
{
	unsigned reason = (unsigned)vmread(VM_EXIT_REASON) & 0xFFFF;

	vm_stop(v->vm, "unhandled VM exit %u (%s) at rip=0x%llx", reason, exit_reason_name(reason),
		(unsigned long long)vmread(GUEST_RIP));
	return EXIT_STOP;
}

/* The hot path of every exit, so it keeps no frame pointer (a crash
 * dump still shows its caller through the "from RSP" line). */
HOT_PATH int vmx_exit_dispatch(struct vcpu *v)
{
	uint32_t reason = (uint32_t)vmread(VM_EXIT_REASON);
	unsigned slot = reason & EXIT_REASON_MASK;
	enum exit_action action;

	v->exits[slot]++;
	if (__builtin_expect(reason & EXIT_REASON_FAILED_VMENTRY, 0))
		action = handle_entry_failure(v, reason);
	else
		action = handlers[slot](v);
	/* Handlers that end the guest say so with EXIT_STOP; only
	 * EXIT_RESUME and EXIT_ADVANCE go straight back in. */
	if (action == EXIT_ADVANCE) {
		advance_rip(v);
		return 0;
	}
	return action == EXIT_RESUME ? 0 : VMX_TO_SCHEDULER;
}
