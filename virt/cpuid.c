/* CPUID: the host's answers, with VMX and SVM hidden, the hypervisor
 * bit set, and Tern's own leaves at 0x40000000 (DESIGN.md 4). */
#include "arch/x86/cpu.h"
#include "arch/x86/tsc.h"
#include "devices/lapic.h"
#include "lib/ratio.h"
#include "virt/exit.h"
#include "virt/vcpu.h"

#define HV_LEAF_BASE 0x40000000u
#define HV_LEAF_MAX  0x40000010u
#define HV_LEAF_TIMING 0x40000010u

/* CPUID.1:ECX bits (SDM Vol. 2A Table 3-10). */
#define ECX_DTES64       (1u << 2)
#define ECX_MONITOR      (1u << 3)
#define ECX_DS_CPL       (1u << 4)
#define ECX_VMX          (1u << 5)
#define ECX_SMX          (1u << 6)
#define ECX_EST          (1u << 7)
#define ECX_TM2          (1u << 8)
#define ECX_PDCM         (1u << 15)
#define ECX_X2APIC       (1u << 21)
#define ECX_TSC_DEADLINE (1u << 24)
#define ECX_FMA          (1u << 12)
#define ECX_OSXSAVE      (1u << 27)
#define ECX_AVX          (1u << 28)
#define ECX_F16C         (1u << 29)
#define ECX_HYPERVISOR   (1u << 31)
/* CPUID.1:EDX bits (Table 3-11). */
#define EDX_APIC         (1u << 9)
#define EDX_DS           (1u << 21)
#define EDX_ACPI         (1u << 22)
#define EDX_HTT          (1u << 28)
#define EDX_TM           (1u << 29)
#define EDX_PBE          (1u << 31)

/* What the platform does not have is not advertised: no VMX for the
 * guest, no thermal/power MSRs, no MONITOR/MWAIT (they would halt the
 * physical CPU), no debug store (its MSRs are not offered), one logical
 * processor.  What it has is, whatever the
 * host has: the local APIC with x2APIC and the TSC-deadline timer
 * (devices/lapic.c). */
static void leaf1(struct vcpu *v, struct cpuid_regs *r)
{
	r->ecx &= ~(ECX_MONITOR | ECX_VMX | ECX_SMX | ECX_EST | ECX_TM2 | ECX_PDCM |
		    ECX_OSXSAVE | ECX_FMA | ECX_AVX | ECX_F16C | ECX_DTES64 | ECX_DS_CPL);
	r->ecx |= ECX_HYPERVISOR | ECX_X2APIC | ECX_TSC_DEADLINE;
	/* OSXSAVE mirrors the guest's CR4.OSXSAVE, not ours. */
	if (vcpu_get(v, VREG_CR4) & CR4_OSXSAVE)
		r->ecx |= ECX_OSXSAVE;
	r->edx &= ~(EDX_ACPI | EDX_HTT | EDX_TM | EDX_PBE | EDX_DS);
	r->edx |= EDX_APIC;
	/* Initial APIC ID 0, one logical CPU. */
	r->ebx = (r->ebx & 0xFFFF) | (1u << 16);
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
	} else if (leaf == HV_LEAF_TIMING) {
		/* The timing leaf VMware and KVM publish: the TSC's and the
		 * APIC timer's input clock in kHz. */
		r.eax = (uint32_t)tsc_khz();
		r.ebx = LAPIC_BUS_KHZ;
	}
	return r;   /* 0x40000001-0x4000000F: no paravirtual features yet */
}

/* Leaves 0x15 and 0x16 (SDM Vol. 2A, CPUID): the TSC's rate as the
 * guest's TSC runs, which is the rate Tern measured -- not the host's
 * leaves, which an emulator may not keep to (Bochs reports 3.5 GHz for
 * a TSC at its instruction rate).  The "crystal" is the local APIC
 * timer's 1 GHz input, which Linux takes for its timer period, and the
 * TSC/crystal ratio is the nearest fraction with terms below 4295,
 * which Linux multiplies by the crystal's kHz in 32 bits. */
static struct cpuid_regs tsc_leaf[2];   /* 15h, 16h */
static bool tsc_leaves_known, tsc_leaves_host;

/* Computed once, out of line: the CPUID exit's hot path only loads them. */
static __attribute__((noinline)) void prepare_tsc_leaves(void)
{
	uint32_t num, den, mhz = (uint32_t)((tsc_khz() + 500) / 1000);   /* rounded */

	ratio_approx(tsc_khz(), LAPIC_BUS_KHZ, 4294, &num, &den);
	tsc_leaf[0] = (struct cpuid_regs){ den, num, LAPIC_BUS_KHZ * 1000u, 0 };
	tsc_leaf[1] = (struct cpuid_regs){ mhz, mhz, LAPIC_BUS_KHZ / 1000, 0 };
	tsc_leaves_host = cpuid(0, 0).eax >= 0x16;   /* the host has them (Intel) */
	tsc_leaves_known = true;
}

/* Leaf 7.0 (SDM Vol. 2A Table 3-8): AVX-class and protection-key
 * features need XCR0 states guests do not get (virt/misc.c), so
 * they are hidden, as are features the backend does not let run. */
#define L7_EBX_HIDDEN ((1u << 5) /* AVX2 */ | (1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | \
		       (1u << 27) | (1u << 28) | (1u << 30) | (1u << 31) /* AVX-512 */)
#define L7_EBX_INVPCID (1u << 10)
#define L7_EBX_TSC_ADJUST (1u << 1)   /* IA32_TSC_ADJUST is not in the guest's MSR set */
#define L7_ECX_HIDDEN ((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14) /* AVX-512 */ | \
		       (1u << 3) | (1u << 4) /* PKU, OSPKE */ | (1u << 5) /* WAITPKG */ | \
		       (1u << 9) | (1u << 10) /* VAES, VPCLMULQDQ */)

static void leaf7(struct cpuid_regs *r, uint32_t subleaf)
{
	if (subleaf != 0) {
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		return;
	}
	r->ebx &= ~(L7_EBX_HIDDEN | L7_EBX_TSC_ADJUST);
	if (!(backend->features & BACKEND_INVPCID))
		r->ebx &= ~L7_EBX_INVPCID;
	r->ecx &= ~L7_ECX_HIDDEN;
	r->edx = 0;   /* speculation-control MSRs are not in the guest's set */
}

/* Leaf 0xD: only the x87 and SSE states (XCR0 bits 0-1), no XSAVES. */
static void leaf_xsave(struct cpuid_regs *r, uint32_t subleaf)
{
	if (subleaf == 0) {
		r->eax &= 3;
		r->edx = 0;
		r->ebx = r->ecx = 576;   /* legacy area + XSAVE header */
	} else if (subleaf == 1) {
		/* XSAVEOPT, XSAVEC and XGETBV with ECX = 1 run natively; no
		 * XSAVES/XRSTORS or IA32_XSS.  EBX: the compacted (XSAVEC)
		 * size for XCR0 | XSS, the same 576 bytes (Linux checks it). */
		r->eax &= ~(1u << 3);
		r->ebx = 576;
		r->ecx = r->edx = 0;
	} else {
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
	}
}

/* CPUID.80000001H (SDM Vol. 2A Table 3-8; APM Vol. 3 E.4.2): no SVM
 * (ECX bit 2), no multi-core legacy or topology extensions (bits 1, 22),
 * RDTSCP (EDX bit 27) only where the backend lets it run. */
#define EXT_ECX_HIDDEN ((1u << 1) | (1u << 2) | (1u << 22))
#define EXT_EDX_RDTSCP (1u << 27)

static void leaf_ext1(struct cpuid_regs *r)
{
	r->ecx &= ~EXT_ECX_HIDDEN;
	if (!(backend->features & BACKEND_RDTSCP))
		r->edx &= ~EXT_EDX_RDTSCP;
}

/* AMD's extended leaves (APM Vol. 3 Appendix E). */
static void extended_leaf(uint32_t leaf, struct cpuid_regs *r)
{
	switch (leaf) {
	case 0x8000000A:  /* SVM features: the guest has no SVM */
	case 0x8000001F:  /* SME/SEV: no encrypted memory (a guest that saw
			   * SEV would read its MSR, which it does not have) */
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	case 0x80000001:
		leaf_ext1(r);
		break;
	case 0x80000008:  /* AMD: ECX[7:0] = cores - 1; one core */
		r->ecx &= ~0xFFu;
		break;
	}
}

static struct cpuid_regs guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	if ((leaf & 0xF0000000u) == HV_LEAF_BASE)
		return hypervisor_leaf(leaf);
	r = cpuid(leaf, subleaf);
	if (leaf > 0x1F) {
		if (leaf >= 0x80000000u)
			extended_leaf(leaf, &r);
		return r;
	}
	switch (leaf) {
	case 1:
		leaf1(v, &r);
		break;
	case 4:   /* cache topology: one core per package */
		r.eax &= 0x03FFFFFF;
		r.eax &= ~(0xFFFu << 14);
		break;
	case 7:
		leaf7(&r, subleaf);
		break;
	case 0xD:
		leaf_xsave(&r, subleaf);
		break;
	case 0x15:
	case 0x16:
		if (!tsc_leaves_known)
			prepare_tsc_leaves();
		if (tsc_leaves_host)
			r = tsc_leaf[leaf - 0x15];
		break;
	case 5:    /* MONITOR/MWAIT */
	case 6:    /* thermal and power management */
	case 0xA:  /* performance monitoring: no PMU is virtualized */
	case 0xB:  /* extended topology: EBX = 0 says "not enumerated" (one CPU) */
	case 0x1F:
		r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	}
	return r;
}

HOT_PATH enum exit_action handle_cpuid(struct vcpu *v, const struct vexit *e)
{
	struct cpuid_regs r = guest_cpuid(v, (uint32_t)v->gpr[GPR_RAX], (uint32_t)v->gpr[GPR_RCX]);

	(void)e;

	/* CPUID writes the 32-bit registers, which clears bits 63:32. */
	v->gpr[GPR_RAX] = r.eax;
	v->gpr[GPR_RBX] = r.ebx;
	v->gpr[GPR_RCX] = r.ecx;
	v->gpr[GPR_RDX] = r.edx;
	return EXIT_ADVANCE;
}
