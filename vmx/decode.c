/* The names of the basic exit reasons (SDM Vol. 3D Appendix C), for
 * reports of unhandled exits and failed entries. */
#include "vmx/decode.h"
#include "vmx/exit_reason.h"

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

const char *exit_reason_name(uint32_t reason)
{
	return reason < EXIT_REASON_MAX && names[reason] ? names[reason] : "unknown";
}
