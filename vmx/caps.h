/* What this CPU's VMX offers, and the control values Tern uses, all
 * computed from the capability MSRs (SDM Vol. 3D Appendix A). */
#ifndef TERN_VMX_CAPS_H
#define TERN_VMX_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmx_caps {
	uint32_t revision;            /* IA32_VMX_BASIC[30:0] */
	uint32_t pin, proc, proc2, exit, entry;   /* control values to use */
	uint64_t ept_vpid;            /* IA32_VMX_EPT_VPID_CAP */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	unsigned preemption_shift;    /* timer ticks = TSC >> shift */
	bool lma_saved;               /* IA32_VMX_MISC[5]: exits store EFER.LMA in "IA-32e mode guest" */
	bool tsc_offsetting;          /* "use TSC offsetting" was granted */
	bool ept_1g;                  /* 1 GiB EPT pages */
	bool invept_single;           /* else all-context INVEPT */
	bool invvpid_single;
	bool load_pat;                /* save/load IA32_PAT available */
	/* The CPU's APIC virtualization that Tern uses (vmx/apicv.c): TPR
	 * shadow and APIC-access page (apicv), APIC-register virtualization
	 * on top (apic_reg_virt).  Not set in proc/proc2: each vCPU turns
	 * them on with its own pages. */
	bool apicv, apic_reg_virt, apic_vid;   /* ... and virtual-interrupt delivery */
};

extern struct vmx_caps vmx_caps;

/* Fill vmx_caps.  Returns 0, or -1 after naming every missing feature
 * in one line. */
int vmx_caps_probe(void);

/* The pure computation (vmx/caps_adjust.c, tested in tests/test_vmxcaps.c):
 * fill *caps from the MSRs read_msr returns; 0, or -1 with the missing
 * features, comma-separated, in lacking. */
int vmx_caps_compute(uint64_t (*read_msr)(uint32_t msr), struct vmx_caps *caps, char *lacking,
		     size_t size);

/* The CPU (by CPUID.1:EAX) is one whose preemption timer runs at the
 * wrong rate (vmx/caps_adjust.c has the list). */
bool vmx_preemption_timer_broken(uint32_t cpuid1_eax);

/* Split out for tests/test_vmxcaps.c: a control value from the allowed
 * settings MSR (low half: bits that must be 1, high half: bits that may
 * be 1).  `required` bits missing from allowed-1 are returned in *missing. */
uint32_t vmx_adjust_controls(uint64_t allowed, uint32_t required, uint32_t optional,
			     uint32_t *missing);

#endif
