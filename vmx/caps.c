/* The VMX capability probe on this CPU: vmx/caps_adjust.c computes,
 * this file reads the real MSRs and reports. */
#include "vmx/caps.h"
#include "arch/x86/cpu.h"
#include "core/log.h"
#include "core/options.h"

struct vmx_caps vmx_caps;

static uint64_t read_msr(uint32_t msr)
{
	return rdmsr(msr);
}

int vmx_caps_probe(void)
{
	char lacking[256];

	if (vmx_caps_compute(read_msr, &vmx_caps, lacking, sizeof lacking)) {
		pr_err("vmx: cannot run guests: this CPU's VT-x lacks %s", lacking);
		return -1;
	}
	/* With the erratum the rate is unknown: count as if the timer ran
	 * at the full TSC rate, so a quantum may last longer than asked
	 * (up to 2^shift times), never shorter. */
	if (vmx_preemption_timer_broken(cpuid(1, 0).eax)) {
		pr_warn("vmx: this CPU's VMX-preemption timer runs at the wrong rate (erratum); "
			"quanta may last up to %u times longer", 1u << vmx_caps.preemption_shift);
		vmx_caps.preemption_shift = 0;
	}
	pr_info("vmx: EPT (2 MiB pages%s), unrestricted guest, VPID, preemption timer (TSC >> %u)",
		vmx_caps.ept_1g ? ", 1 GiB pages" : "", vmx_caps.preemption_shift);
	pr_info("vmx: APIC virtualization %s%s%s", !vmx_caps.apicv ? "not offered by the CPU: software APIC" :
		options.no_apicv ? "off (apicv=off): software APIC" : "on: TPR shadow, APIC-access page",
		vmx_caps.apic_reg_virt && !options.no_apicv ? ", APIC-register virtualization" : "",
		vmx_caps.apic_vid && !options.no_apicv ? ", virtual-interrupt delivery" : "");
	return 0;
}
