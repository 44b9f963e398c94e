/* CPUID (exit reason 10): the host's answers, with VMX hidden, the
 * hypervisor bit set, and Tern's own leaves at 0x40000000 (DESIGN.md 4). */
#include "arch/x86/cpu.h"
#include "guest/vm.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

#define HV_LEAF_BASE 0x40000000u
#define HV_LEAF_MAX  0x40000001u

/* CPUID.1:ECX bits (SDM Vol. 2A Table 3-10). */
#define ECX_MONITOR      (1u << 3)
#define ECX_VMX          (1u << 5)
#define ECX_SMX          (1u << 6)
#define ECX_EST          (1u << 7)
#define ECX_TM2          (1u << 8)
#define ECX_PDCM         (1u << 15)
#define ECX_X2APIC       (1u << 21)
#define ECX_TSC_DEADLINE (1u << 24)
#define ECX_OSXSAVE      (1u << 27)
#define ECX_HYPERVISOR   (1u << 31)
/* CPUID.1:EDX bits (Table 3-11). */
#define EDX_APIC         (1u << 9)
#define EDX_ACPI         (1u << 22)
#define EDX_HTT          (1u << 28)
#define EDX_TM           (1u << 29)
#define EDX_PBE          (1u << 31)

/* What the platform does not have is not advertised: no VMX for the
 * guest, no local APIC or thermal/power MSRs, no MONITOR/MWAIT (they
 * would halt the physical CPU), one logical processor. */
static void leaf1(struct cpuid_regs *r)
{
	r->ecx &= ~(ECX_MONITOR | ECX_VMX | ECX_SMX | ECX_EST | ECX_TM2 | ECX_PDCM | ECX_X2APIC |
		    ECX_TSC_DEADLINE | ECX_OSXSAVE);
	r->ecx |= ECX_HYPERVISOR;
	/* OSXSAVE mirrors the guest's CR4.OSXSAVE, not ours. */
	if (guest_visible_cr4() & CR4_OSXSAVE)
		r->ecx |= ECX_OSXSAVE;
	r->edx &= ~(EDX_APIC | EDX_ACPI | EDX_HTT | EDX_TM | EDX_PBE);
	r->ebx = (r->ebx & 0xFFFF) | (1u << 16);   /* APIC id 0, one logical CPU */
}

static struct cpuid_regs hypervisor_leaf(uint32_t leaf)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (leaf == HV_LEAF_BASE) {
		/* Signature in EBX, ECX, EDX, as KVM lays out "KVMKVMKVM". */
		r.eax = HV_LEAF_MAX;
		r.ebx = 0x6E726554;   /* "Tern" */
		r.ecx = 0x6E726554;
		r.edx = 0x6E726554;
	}
	return r;   /* 0x40000001: no paravirtual features yet */
}

static struct cpuid_regs guest_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	if ((leaf & 0xF0000000u) == HV_LEAF_BASE)
		return hypervisor_leaf(leaf);
	r = cpuid(leaf, subleaf);
	switch (leaf) {
	case 1:
		leaf1(&r);
		break;
	case 5:   /* MONITOR/MWAIT */
	case 6:   /* thermal and power management */
	case 0xA: /* performance monitoring: no PMU is virtualized */
		r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	case 7:
		/* Speculation-control MSRs (EDX) are not in the guest's MSR set. */
		if (subleaf == 0)
			r.edx = 0;
		break;
	}
	return r;
}

HOT_PATH enum exit_action handle_cpuid(struct vcpu *v)
{
	struct cpuid_regs r = guest_cpuid((uint32_t)v->gpr[GPR_RAX], (uint32_t)v->gpr[GPR_RCX]);

	/* CPUID writes the 32-bit registers, which clears bits 63:32. */
	v->gpr[GPR_RAX] = r.eax;
	v->gpr[GPR_RBX] = r.ebx;
	v->gpr[GPR_RCX] = r.ecx;
	v->gpr[GPR_RDX] = r.edx;
	return EXIT_ADVANCE;
}
