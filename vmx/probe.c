#include <stdbool.h>

#include "vmx/probe.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "core/log.h"

static const char how_to_get_vmx[] =
	"run Tern where VT-x is available: under Bochs (make run EMU=bochs) or under KVM with "
	"nested VT-x (make run EMU=kvm; needs /dev/kvm and kvm_intel nested=1)";

/* SDM Vol. 3C 24.6 "Discovering Support for VMX": CPUID.1:ECX.VMX[bit 5].
 * Without it this is not a VMX machine (virt/backend.c tries SVM). */
static bool have_vmx(void)
{
	return cpuid(1, 0).ecx & (1u << 5);
}

/* SDM Vol. 3C 24.7: VMXON needs IA32_FEATURE_CONTROL locked with
 * "VMX outside SMX" set.  Firmware normally locks it; when it did not,
 * set and lock it ourselves. */
static int check_feature_control(void)
{
	uint64_t fc = rdmsr(IA32_FEATURE_CONTROL);

	if (!(fc & FEATURE_CONTROL_LOCKED)) {
		fc |= FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
		wrmsr(IA32_FEATURE_CONTROL, fc);
		pr_debug("vmx: IA32_FEATURE_CONTROL was unlocked; enabled VMX and locked it");
		return 0;
	}
	if (fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)
		return 0;
	pr_err("no VT-x: IA32_FEATURE_CONTROL (MSR 0x3a) = 0x%llx is locked with "
	       "VMX-outside-SMX off (VT-x disabled in firmware); enable VT-x in the firmware setup, or %s",
	       (unsigned long long)fc, how_to_get_vmx);
	return -1;
}

int vmx_probe(void)
{
	if (!have_vmx())
		return 1;
	if (check_feature_control())
		return -1;
	pr_info("vmx: VT-x present (CPUID.1:ECX.VMX = 1, IA32_FEATURE_CONTROL allows VMXON)");
	return 0;
}
