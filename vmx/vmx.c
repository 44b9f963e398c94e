/* Entering VMX operation (SDM Vol. 3C 24.7, 24.8). */
#include "vmx/vmx.h"
#include "arch/x86/cpu.h"
#include "core/log.h"
#include "lib/string.h"
#include "mm/paging.h"
#include "mm/setup.h"
#include "vmx/apicv.h"
#include "vmx/caps.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

static uint64_t vmxon_region;

/* A control register value made acceptable to VMX: bits fixed to 1 set,
 * bits fixed to 0 cleared (SDM A.7, A.8). */
static uint64_t fix_bits(uint64_t v, uint64_t fixed0, uint64_t fixed1)
{
	return (v | fixed0) & fixed1;
}

uint64_t vmx_guest_cr0(uint64_t shadow)
{
	/* Unrestricted guest lifts the PE and PG requirements (25.8). */
	uint64_t fixed0 = vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG);
	/* CD and NW are Tern's (vmx/vmcs.c: in the guest/host mask): the
	 * guest sees what it wrote, the CPU keeps caching on, so a guest
	 * that disables caching (Linux does while it sets up MTRRs and PAT)
	 * does not make its memory, and every exit, uncached. */
	return fix_bits(shadow, fixed0, vmx_caps.cr0_fixed1) & ~(CR0_CD | CR0_NW);
}

uint64_t vmx_guest_cr4(uint64_t shadow)
{
	return fix_bits(shadow, vmx_caps.cr4_fixed0, vmx_caps.cr4_fixed1);
}

int vmx_init(void)
{
	write_cr0(fix_bits(read_cr0(), vmx_caps.cr0_fixed0, vmx_caps.cr0_fixed1));
	write_cr4(fix_bits(read_cr4() | CR4_VMXE, vmx_caps.cr4_fixed0, vmx_caps.cr4_fixed1));

	vmxon_region = frame_alloc_zeroed(0);
	if (vmxon_region == FRAME_NONE) {
		pr_err("vmx: no memory for the VMXON region");
		return -1;
	}
	/* The region starts with the VMCS revision identifier (24.11.5). */
	*(uint32_t *)phys_to_virt(vmxon_region) = vmx_caps.revision;
	if (vmxon(vmxon_region)) {
		pr_err("vmx: VMXON failed (CR0=0x%llx CR4=0x%llx)", (unsigned long long)read_cr0(),
		       (unsigned long long)read_cr4());
		return -1;
	}
	/* Translations cached by whoever used VMX before us (firmware, a
	 * previous kernel) must not survive into our guests (SDM 29.4.3). */
	if ((vmx_caps.ept_vpid & EPT_CAP_INVEPT_ALL_CONTEXT) && invept(INVEPT_ALL_CONTEXT, 0))
		pr_warn("vmx: all-context INVEPT failed");
	if ((vmx_caps.ept_vpid & VPID_CAP_INVVPID_ALL_CONTEXT) && invvpid(INVVPID_ALL_CONTEXT, 0))
		pr_warn("vmx: all-context INVVPID failed");
	if (vmcs_setup_shared() || vmx_apicv_init()) {
		pr_err("vmx: no memory for the I/O and MSR bitmaps or the APIC-access page");
		return -1;
	}
	pr_debug("vmx: VMXON done, VMCS revision 0x%x", vmx_caps.revision);
	return 0;
}
