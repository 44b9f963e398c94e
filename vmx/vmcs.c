/* Building a vCPU's VMCS (SDM Vol. 3C chapter 25 "Virtual Machine
 * Control Structures"; the guest-state checks it must pass are 27.3). */
#include "arch/x86/cpu.h"
#include "arch/x86/gdt.h"
#include "arch/x86/idt.h"
#include "arch/x86/msr.h"
#include "core/log.h"
#include "core/options.h"
#include "guest/vm.h"
#include "vmx/vmx_vcpu.h"
#include "lib/string.h"
#include "mm/paging.h"
#include "mm/setup.h"
#include "vmx/caps.h"
#include "vmx/ept.h"
#include "vmx/timer.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

#define HOST_STACK_ORDER 2            /* 16 KiB per vCPU */

/* Every I/O port and every MSR exits: the guest platform is entirely
 * emulated (DESIGN.md 4), so the bitmaps are all ones and shared. */
static uint64_t io_bitmaps, msr_bitmap;

static struct vcpu *current;

int vmcs_setup_shared(void)
{
	if (io_bitmaps)
		return 0;
	io_bitmaps = frame_alloc(&frames, 1);   /* A and B: two contiguous pages */
	msr_bitmap = frame_alloc(&frames, 0);
	if (io_bitmaps == FRAME_NONE || msr_bitmap == FRAME_NONE)
		return -1;
	memset(phys_to_virt(io_bitmaps), 0xFF, 8192);
	memset(phys_to_virt(msr_bitmap), 0xFF, 4096);
	return 0;
}

struct field_value {
	uint32_t field;
	uint64_t value;
};

/* Write a table of fields, naming the first that this CPU refuses. */
static int write_fields(const struct field_value *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (vmwrite_checked(f[i].field, f[i].value)) {
			pr_err("vmx: VMWRITE of field 0x%x failed (error %llu)", f[i].field,
			       (unsigned long long)vmread(VM_INSTRUCTION_ERROR));
			return -1;
		}
	}
	return 0;
}

static int write_host_state(struct vcpu *v)
{
	const struct field_value f[] = {
		{ HOST_CR0, read_cr0() },
		{ HOST_CR3, read_cr3() },
		{ HOST_CR4, read_cr4() },
		{ HOST_CS_SELECTOR, SEL_KERNEL_CODE },
		{ HOST_SS_SELECTOR, SEL_KERNEL_DATA },
		{ HOST_DS_SELECTOR, SEL_KERNEL_DATA },
		{ HOST_ES_SELECTOR, SEL_KERNEL_DATA },
		{ HOST_FS_SELECTOR, 0 },
		{ HOST_GS_SELECTOR, 0 },
		{ HOST_TR_SELECTOR, SEL_TSS },
		{ HOST_FS_BASE, 0 },
		{ HOST_GS_BASE, 0 },
		{ HOST_TR_BASE, tss_base() },
		{ HOST_GDTR_BASE, gdt_base() },
		{ HOST_IDTR_BASE, idt_base() },
		{ HOST_IA32_SYSENTER_CS, 0 },
		{ HOST_IA32_SYSENTER_ESP, 0 },
		{ HOST_IA32_SYSENTER_EIP, 0 },
		{ HOST_IA32_EFER, rdmsr(IA32_EFER) },
		{ HOST_RSP, v->host_stack_top },
		{ HOST_RIP, (uint64_t)vmx_exit_stub },
	};
	if (write_fields(f, sizeof f / sizeof f[0]))
		return -1;
	if (vmx_caps.load_pat && vmwrite_checked(HOST_IA32_PAT, rdmsr(IA32_PAT)))
		return -1;
	return 0;
}

/* The TSC offset exists only where "use TSC offsetting" was granted. */
static int write_tsc_offset(void)
{
	return vmx_caps.tsc_offsetting ? vmwrite_checked(TSC_OFFSET, 0) : 0;
}

/* CR0/CR4 bits the guest may not own: the ones VMX fixes, plus
 * CR4.VMXE, which the guest must not see or set (SDM 25.6.6). */
/* Where exits do not store EFER.LMA into the "IA-32e mode guest" entry
 * control (IA32_VMX_MISC[5] = 0, SDM Vol. 3D A.6), a guest that turns
 * paging on or off with EFER.LME set must exit, so that Tern sets the
 * control itself (vmx_set_control_regs): CR0.PG is then Tern's too. */
static uint64_t cr0_mask(void)
{
	/* CD and NW are Tern's too: vmx_guest_cr0() keeps them clear. */
	uint64_t mask = (vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG)) | ~vmx_caps.cr0_fixed1 |
			CR0_CD | CR0_NW;

	return vmx_caps.lma_saved ? mask : mask | CR0_PG;
}

static uint64_t cr4_mask(void)
{
	return vmx_caps.cr4_fixed0 | ~vmx_caps.cr4_fixed1 | CR4_VMXE;
}

static int write_controls(struct vcpu *v)
{
	const struct field_value f[] = {
		{ PIN_BASED_VM_EXEC_CONTROL, vmx_caps.pin },
		{ CPU_BASED_VM_EXEC_CONTROL, vmx_caps.proc },
		{ SECONDARY_VM_EXEC_CONTROL, vmx_caps.proc2 },
		{ VM_EXIT_CONTROLS, vmx_caps.exit },
		{ VM_ENTRY_CONTROLS, vmx_caps.entry },
		{ EXCEPTION_BITMAP, 0 },
		{ PAGE_FAULT_ERROR_CODE_MASK, 0 },
		{ PAGE_FAULT_ERROR_CODE_MATCH, 0 },
		{ CR3_TARGET_COUNT, 0 },
		{ VM_EXIT_MSR_STORE_COUNT, 0 },
		{ VM_EXIT_MSR_LOAD_COUNT, 0 },
		{ VM_ENTRY_MSR_LOAD_COUNT, 0 },
		{ VM_ENTRY_INTR_INFO_FIELD, 0 },
		{ IO_BITMAP_A, io_bitmaps },
		{ IO_BITMAP_B, io_bitmaps + 4096 },
		{ MSR_BITMAP, msr_bitmap },
		{ EPT_POINTER, gmem_root(&v->vm->mem) },
		{ VIRTUAL_PROCESSOR_ID, to_vmx(v)->vpid },
		{ CR0_GUEST_HOST_MASK, cr0_mask() },
		{ CR4_GUEST_HOST_MASK, cr4_mask() },
		{ VMX_PREEMPTION_TIMER_VALUE, 1 },   /* vmx_run sets it */
	};
	return write_fields(f, sizeof f / sizeof f[0]);
}

/* The machine state the multiboot specification (3.2) promises: 32-bit
 * protected mode, paging off, flat 4 GiB code and data segments. */
static int write_guest_state(uint32_t entry)
{
	const uint32_t code_ar = 0xC09B;   /* G, D/B, P, S, type 0xB: code exec/read, accessed */
	const uint32_t data_ar = 0xC093;   /* G, D/B, P, S, type 0x3: data read/write, accessed */
	const uint64_t cr0 = CR0_PE | CR0_ET;
	const struct field_value f[] = {
		{ GUEST_CR0, vmx_guest_cr0(cr0) },
		{ CR0_READ_SHADOW, cr0 },
		{ GUEST_CR3, 0 },
		{ GUEST_CR4, vmx_guest_cr4(0) },
		{ CR4_READ_SHADOW, 0 },
		{ GUEST_DR7, 0x400 },
		{ GUEST_RSP, 0 },
		{ GUEST_RIP, entry },
		{ GUEST_RFLAGS, 0x2 },
		{ GUEST_CS_SELECTOR, 0x08 }, { GUEST_CS_BASE, 0 }, { GUEST_CS_LIMIT, 0xFFFFFFFF },
		{ GUEST_CS_AR_BYTES, code_ar },
		{ GUEST_SS_SELECTOR, 0x10 }, { GUEST_SS_BASE, 0 }, { GUEST_SS_LIMIT, 0xFFFFFFFF },
		{ GUEST_SS_AR_BYTES, data_ar },
		{ GUEST_DS_SELECTOR, 0x10 }, { GUEST_DS_BASE, 0 }, { GUEST_DS_LIMIT, 0xFFFFFFFF },
		{ GUEST_DS_AR_BYTES, data_ar },
		{ GUEST_ES_SELECTOR, 0x10 }, { GUEST_ES_BASE, 0 }, { GUEST_ES_LIMIT, 0xFFFFFFFF },
		{ GUEST_ES_AR_BYTES, data_ar },
		{ GUEST_FS_SELECTOR, 0x10 }, { GUEST_FS_BASE, 0 }, { GUEST_FS_LIMIT, 0xFFFFFFFF },
		{ GUEST_FS_AR_BYTES, data_ar },
		{ GUEST_GS_SELECTOR, 0x10 }, { GUEST_GS_BASE, 0 }, { GUEST_GS_LIMIT, 0xFFFFFFFF },
		{ GUEST_GS_AR_BYTES, data_ar },
		{ GUEST_LDTR_SELECTOR, 0 }, { GUEST_LDTR_BASE, 0 }, { GUEST_LDTR_LIMIT, 0 },
		{ GUEST_LDTR_AR_BYTES, AR_UNUSABLE },
		/* TR must be a usable busy TSS even though the guest has none yet (27.3.1.2). */
		{ GUEST_TR_SELECTOR, 0 }, { GUEST_TR_BASE, 0 }, { GUEST_TR_LIMIT, 0xFFFF },
		{ GUEST_TR_AR_BYTES, 0x8B },
		{ GUEST_GDTR_BASE, 0 }, { GUEST_GDTR_LIMIT, 0 },
		{ GUEST_IDTR_BASE, 0 }, { GUEST_IDTR_LIMIT, 0 },
		{ GUEST_IA32_DEBUGCTL, 0 },
		{ GUEST_IA32_EFER, 0 },
		{ GUEST_SYSENTER_CS, 0 }, { GUEST_SYSENTER_ESP, 0 }, { GUEST_SYSENTER_EIP, 0 },
		{ GUEST_INTERRUPTIBILITY_INFO, 0 },
		{ GUEST_ACTIVITY_STATE, 0 },
		{ GUEST_PENDING_DBG_EXCEPTIONS, 0 },
		{ VMCS_LINK_POINTER, ~0ull },
	};
	if (write_fields(f, sizeof f / sizeof f[0]))
		return -1;
	if (vmx_caps.load_pat && vmwrite_checked(GUEST_IA32_PAT, PAT_POWER_ON_DEFAULT))
		return -1;
	return 0;
}

static int alloc_vmcs(struct vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);

	x->vmcs = frame_alloc_zeroed(0);
	x->host_stack = frame_alloc(&frames, HOST_STACK_ORDER);
	if (x->vmcs == FRAME_NONE || x->host_stack == FRAME_NONE)
		return -1;
	*(uint32_t *)phys_to_virt(x->vmcs) = vmx_caps.revision;   /* 25.2 */
	/* The top 16 bytes of the stack: the vcpu pointer, and padding so
	 * HOST_RSP is 16-byte aligned for the C call in the exit stub. */
	v->host_stack_top = (uint64_t)phys_to_virt(x->host_stack) +
			    (4096ull << HOST_STACK_ORDER) - 16;
	*(struct vcpu **)v->host_stack_top = v;
	return 0;
}

int vmcs_create(struct vcpu *v, uint32_t entry)
{
	struct vmx_vcpu *x = to_vmx(v);

	x->vmcs = x->host_stack = FRAME_NONE;
	if (vmcs_setup_shared() || alloc_vmcs(v)) {
		pr_err("vmx: out of memory for a VMCS");
		return -1;
	}
	if (vmclear(x->vmcs) || vmptrld(x->vmcs)) {
		pr_err("vmx: VMCLEAR/VMPTRLD of a new VMCS failed");
		return -1;
	}
	current = v;
	v->launched = 0;
	return write_host_state(v) || write_controls(v) || write_tsc_offset() ||
	       write_guest_state(entry) ? -1 : 0;
}

void vpid_flush(uint16_t vpid)
{
	uint64_t type = vmx_caps.invvpid_single ? INVVPID_SINGLE_CONTEXT : INVVPID_ALL_CONTEXT;

	if (invvpid(type, vpid))
		pr_err("vmx: INVVPID of VPID %u failed", vpid);
}

/* crashtest=vmentry|vmcontrol|eptmisconfig: break v's next VM entry
 * (or its first instruction fetch) on purpose, so the failure reports
 * are tested rather than trusted. */
void vmcs_sabotage(struct vcpu *v, const char *kind)
{
	if (vmcs_load(v))
		return;
	if (!strcmp(kind, "vmentry")) {
		/* TR must be usable (SDM 27.3.1.2): invalid guest state, exit 33. */
		vmwrite(GUEST_TR_AR_BYTES, AR_UNUSABLE);
	} else if (!strcmp(kind, "eptmisconfig")) {
		ept_sabotage(&v->vm->mem, vmread(GUEST_RIP));
	} else if (!strcmp(kind, "vmcontrol")) {
		/* Interruption type 1 is reserved (27.2.1.3): VMfailValid, error 7. */
		vmwrite(VM_ENTRY_INTR_INFO_FIELD, INTR_INFO_VALID | (1u << INTR_INFO_TYPE_SHIFT));
	}
}

int vmcs_load(struct vcpu *v)
{
	if (current == v)
		return 0;
	if (vmptrld(to_vmx(v)->vmcs)) {
		/* Whatever VMCS is current now belongs to someone else. */
		current = NULL;
		return -1;
	}
	current = v;
	return 0;
}

void vmcs_destroy(struct vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);

	/* The next guest may get this VPID: drop its cached translations. */
	if (x->vmcs != FRAME_NONE) {
		vpid_flush(x->vpid);
		vmclear(x->vmcs);   /* flush it out of the CPU before the frame is reused */
		frame_free(&frames, x->vmcs, 0);
	}
	if (x->host_stack != FRAME_NONE)
		frame_free(&frames, x->host_stack, HOST_STACK_ORDER);
	if (current == v)
		current = NULL;
	x->vmcs = x->host_stack = FRAME_NONE;
}

/* vmx/entry.asm addresses these members of the core's vcpu by fixed offsets. */
_Static_assert(__builtin_offsetof(struct vcpu, gpr) == 0, "entry.asm: VCPU_GPR");
_Static_assert(__builtin_offsetof(struct vcpu, host_rsp) == 16 * 8, "entry.asm: VCPU_HOST_RSP");
_Static_assert(__builtin_offsetof(struct vcpu, launched) == 17 * 8, "entry.asm: VCPU_LAUNCHED");
_Static_assert(__builtin_offsetof(struct vcpu, host_stack_top) == 18 * 8, "entry.asm: VCPU_STACK");
