#include "vmx/decode.h"
#include "vmx/dump.h"
#include "core/log.h"
#include "guest/vm.h"
#include "vmx/vmx_vcpu.h"
#include "vmx/exit.h"
#include "vmx/exit_reason.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

static const char *const instruction_errors[] = {
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
};

const char *vm_instruction_error_name(uint32_t error)
{
	if (error < sizeof instruction_errors / sizeof instruction_errors[0] &&
	    instruction_errors[error])
		return instruction_errors[error];
	return "unknown VM-instruction error";
}

struct named_field {
	const char *name;
	uint32_t field;
};

static void print_fields(const char *title, const struct named_field *f, unsigned n)
{
	kprintf("  %s:\n", title);
	for (unsigned i = 0; i < n; i++)
		kprintf("    %-30s 0x%016llx\n", f[i].name, (unsigned long long)vmread(f[i].field));
}

#define F(x) { #x, x }

void vmcs_dump(struct vcpu *v)
{
	static const struct named_field guest[] = {
		F(GUEST_RIP), F(GUEST_RSP), F(GUEST_RFLAGS), F(GUEST_CR0), F(CR0_READ_SHADOW),
		F(GUEST_CR3), F(GUEST_CR4), F(CR4_READ_SHADOW), F(GUEST_IA32_EFER), F(GUEST_DR7),
		F(GUEST_CS_SELECTOR), F(GUEST_CS_BASE), F(GUEST_CS_LIMIT), F(GUEST_CS_AR_BYTES),
		F(GUEST_SS_SELECTOR), F(GUEST_SS_AR_BYTES), F(GUEST_DS_SELECTOR), F(GUEST_DS_AR_BYTES),
		F(GUEST_ES_AR_BYTES), F(GUEST_FS_AR_BYTES), F(GUEST_GS_AR_BYTES),
		F(GUEST_TR_SELECTOR), F(GUEST_TR_BASE), F(GUEST_TR_LIMIT), F(GUEST_TR_AR_BYTES),
		F(GUEST_LDTR_AR_BYTES), F(GUEST_GDTR_BASE), F(GUEST_GDTR_LIMIT),
		F(GUEST_IDTR_BASE), F(GUEST_IDTR_LIMIT), F(GUEST_INTERRUPTIBILITY_INFO),
		F(GUEST_ACTIVITY_STATE), F(GUEST_PENDING_DBG_EXCEPTIONS), F(VMCS_LINK_POINTER),
	};
	static const struct named_field controls[] = {
		F(PIN_BASED_VM_EXEC_CONTROL), F(CPU_BASED_VM_EXEC_CONTROL),
		F(SECONDARY_VM_EXEC_CONTROL), F(VM_EXIT_CONTROLS), F(VM_ENTRY_CONTROLS),
		F(EXCEPTION_BITMAP), F(CR0_GUEST_HOST_MASK), F(CR4_GUEST_HOST_MASK),
		F(EPT_POINTER), F(VIRTUAL_PROCESSOR_ID), F(VM_ENTRY_INTR_INFO_FIELD),
		F(VM_ENTRY_EXCEPTION_ERROR_CODE), F(VMX_PREEMPTION_TIMER_VALUE),
		F(VIRTUAL_APIC_PAGE_ADDR), F(APIC_ACCESS_ADDR), F(TPR_THRESHOLD), F(GUEST_INTR_STATUS),
		F(HOST_RIP), F(HOST_RSP), F(HOST_CR3),
	};
	static const struct named_field exit_info[] = {
		F(VM_INSTRUCTION_ERROR), F(VM_EXIT_REASON), F(EXIT_QUALIFICATION),
		F(GUEST_PHYSICAL_ADDRESS), F(VM_EXIT_INTR_INFO), F(VM_EXIT_INTR_ERROR_CODE),
		F(IDT_VECTORING_INFO_FIELD), F(VM_EXIT_INSTRUCTION_LEN),
	};

	kprintf("VMCS of guest %s (at 0x%llx):\n", v->vm->name, (unsigned long long)to_vmx(v)->vmcs);
	print_fields("guest state", guest, sizeof guest / sizeof guest[0]);
	print_fields("controls", controls, sizeof controls / sizeof controls[0]);
	print_fields("exit information", exit_info, sizeof exit_info / sizeof exit_info[0]);
	kprintf("  guest GPRs: rax=%llx rbx=%llx rcx=%llx rdx=%llx rsi=%llx rdi=%llx rbp=%llx\n",
		(unsigned long long)v->gpr[GPR_RAX], (unsigned long long)v->gpr[GPR_RBX],
		(unsigned long long)v->gpr[GPR_RCX], (unsigned long long)v->gpr[GPR_RDX],
		(unsigned long long)v->gpr[GPR_RSI], (unsigned long long)v->gpr[GPR_RDI],
		(unsigned long long)v->gpr[GPR_RBP]);
}

/* Exit qualification of a failed entry for reason 33 (SDM 27.8). */
static const char *entry_failure_detail(uint64_t q)
{
	switch (q) {
	case 2: return "PDPTE loading failed";
	case 3: return "NMI injection blocked";
	case 4: return "invalid VMCS link pointer";
	default: return "a guest-state check of SDM 27.3.1 failed";
	}
}

void handle_entry_failure(struct vcpu *v, uint32_t reason)
{
	unsigned basic = reason & 0xFFFF;
	uint64_t q = vmread(EXIT_QUALIFICATION);

	pr_err("vmx: VM entry of guest %s failed: %s", v->vm->name, exit_reason_name(basic));
	vmcs_dump(v);
	if (basic == EXIT_REASON_INVALID_GUEST_STATE)
		vm_stop(v->vm, "VM entry failed: invalid guest state (%s)", entry_failure_detail(q));
	else if (basic == EXIT_REASON_MSR_LOADING)
		vm_stop(v->vm, "VM entry failed: loading MSR entry %llu failed", (unsigned long long)q);
	else
		vm_stop(v->vm, "VM entry failed: %s", exit_reason_name(basic));
}

void vmx_report_entry_error(struct vcpu *v, int rc)
{
	if (rc == VMX_ENTER_FAIL_INVALID) {
		pr_err("vmx: VM entry of guest %s failed: VMfailInvalid (no current VMCS)", v->vm->name);
		vm_stop(v->vm, "VM entry failed: VMfailInvalid (no current VMCS)");
		return;
	}
	uint32_t err = (uint32_t)vmread(VM_INSTRUCTION_ERROR);
	pr_err("vmx: VM entry of guest %s failed: VM-instruction error %u: %s", v->vm->name, err,
	       vm_instruction_error_name(err));
	vmcs_dump(v);
	vm_stop(v->vm, "VM entry failed: VM-instruction error %u (%s)", err,
		vm_instruction_error_name(err));
}
