/* RDMSR/WRMSR.  Every MSR access exits (both backends intercept all of
 * them); the guest may use the set below, and anything else raises
 * #GP(0) as an MSR the CPU does not implement would (DESIGN.md 4). */
#include "arch/x86/cpu.h"
#include "arch/x86/cpuid.h"
#include "arch/x86/msr.h"
#include "guest/dev_lapic.h"
#include "guest/vm.h"
#include "virt/exit.h"
#include "virt/vcpu.h"

#define MISC_ENABLE_FIXED (MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)

#define EFER_WRITABLE (EFER_SCE | EFER_LME | EFER_NXE)
/* DEBUGCTL: LBR and BTF only; other bits would need more than the VMCS
 * field (SDM 27.3.1.1 checks the reserved ones). */
#define DEBUGCTL_ALLOWED 0x3ull

/* MSRs that are architectural registers of the vCPU: the backend keeps
 * them (VMCS/VMCB fields, or on the CPU while the vCPU runs). */
static int msr_vreg(uint32_t msr)
{
	switch (msr) {
	case IA32_SYSENTER_CS: return VREG_SYSENTER_CS;
	case IA32_SYSENTER_ESP: return VREG_SYSENTER_ESP;
	case IA32_SYSENTER_EIP: return VREG_SYSENTER_EIP;
	case IA32_FS_BASE: return VREG_FS_BASE;
	case IA32_GS_BASE: return VREG_GS_BASE;
	case IA32_KERNEL_GS_BASE: return VREG_KERNEL_GS_BASE;
	case IA32_STAR: return VREG_STAR;
	case IA32_LSTAR: return VREG_LSTAR;
	case IA32_CSTAR: return VREG_CSTAR;
	case IA32_FMASK: return VREG_SFMASK;
	case IA32_TSC_AUX: return (backend->features & BACKEND_RDTSCP) ? VREG_TSC_AUX : -1;
	case IA32_PAT: return VREG_PAT;
	case IA32_DEBUGCTL: return VREG_DEBUGCTL;
	default: return -1;
	}
}

/* The local APIC's: its base, its TSC deadline, and x2APIC's registers
 * (guest/dev_lapic.c). */
static bool lapic_msr(uint32_t msr)
{
	return msr == IA32_APIC_BASE || msr == IA32_TSC_DEADLINE || (msr >= 0x800 && msr <= 0x8FF);
}

static int read_msr(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	int reg = msr_vreg(msr);

	if (reg >= 0)
		*value = vcpu_get(v, (enum vreg)reg);
	else if (msr == IA32_EFER)
		*value = vcpu_get(v, VREG_EFER);
	else if (msr == IA32_TIME_STAMP_COUNTER)
		*value = rdtsc() + vcpu_get(v, VREG_TSC_OFFSET);
	else if (lapic_msr(msr))
		return vm_lapic_rdmsr(v->vm, msr, value);
	else if (msr == IA32_MISC_ENABLE)
		*value = MISC_ENABLE_FIXED | (v->fast_strings_off ? 0 : MISC_ENABLE_FAST_STRINGS);
	else if (msr == IA32_MTRR_DEF_TYPE)
		*value = v->mtrr_def_type;
	else if (msr == MSR_AMD64_NB_CFG && cpuid_vendor_amd())
		*value = v->nb_cfg;
	else if (msr == IA32_MTRRCAP || msr == IA32_BIOS_SIGN_ID || msr == IA32_MCG_CAP ||
		 msr == IA32_MCG_STATUS)
		*value = 0;   /* no MTRRs, no microcode revision, no machine-check banks */
	else
		return -1;
	return 0;
}

static bool valid_pat(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		uint8_t type = (uint8_t)(pat >> (8 * i));
		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

static int write_efer(struct vcpu *v, uint64_t value)
{
	uint64_t old = vcpu_get(v, VREG_EFER);

	if (value & ~(EFER_WRITABLE | EFER_LMA))
		return -1;
	/* LME cannot change while paging is on (SDM Vol. 3A 10.8.5). */
	if (((value ^ old) & EFER_LME) && (vcpu_get(v, VREG_CR0) & CR0_PG))
		return -1;
	vcpu_set(v, VREG_EFER, (value & EFER_WRITABLE) | (old & EFER_LMA));
	return 0;
}

static bool canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* Values the CPU would refuse with #GP; checked before they reach a
 * real WRMSR (a #GP in root mode is a hypervisor crash) or a VMCS field
 * (a failed VM entry, SDM 27.3.1.1). */
static bool valid_value(uint32_t msr, uint64_t value)
{
	switch (msr) {
	case IA32_LSTAR:
	case IA32_CSTAR:
	case IA32_KERNEL_GS_BASE:
	case IA32_FS_BASE:
	case IA32_GS_BASE:
	case IA32_SYSENTER_ESP:
	case IA32_SYSENTER_EIP:
		return canonical(value);
	case IA32_FMASK:
	case IA32_TSC_AUX:
		return !(value >> 32);   /* bits 63:32 reserved */
	case IA32_PAT:
		return valid_pat(value);
	case IA32_DEBUGCTL:
		return !(value & ~DEBUGCTL_ALLOWED);
	default:
		return true;
	}
}

static int write_msr(struct vcpu *v, uint32_t msr, uint64_t value)
{
	int reg = msr_vreg(msr);

	if (!valid_value(msr, value))
		return -1;
	if (reg >= 0) {
		vcpu_set(v, (enum vreg)reg, value);
	} else if (msr == IA32_EFER) {
		return write_efer(v, value);
	} else if (msr == IA32_TIME_STAMP_COUNTER) {
		/* Without TSC offsetting the guest's TSC is the host's. */
		if (!(backend->features & BACKEND_TSC_OFFSET))
			return -1;
		vcpu_set(v, VREG_TSC_OFFSET, value - rdtsc());
	} else if (msr == IA32_MTRR_DEF_TYPE) {
		/* Type 0, 1, 4, 5 or 6, FE (10), E (11); the rest is
		 * reserved (SDM Vol. 3A 12.11.2.1, Table 12-8). */
		uint8_t type = (uint8_t)value;
		if ((value & ~0xCFFull) || type == 2 || type == 3 || type > 6)
			return -1;
		v->mtrr_def_type = value;
	} else if (lapic_msr(msr)) {
		return vm_lapic_wrmsr(v->vm, msr, value, vcpu_get(v, VREG_TSC_OFFSET));
	} else if (msr == IA32_MISC_ENABLE) {
		/* Fast strings is the one feature here to switch (it changes
		 * nothing a guest can see); BTS and PEBS read "unavailable"
		 * (no PMU is offered) and stay so; every other bit reads 0 --
		 * no thermal control, EIST, MONITOR, CPUID limit or XD disable
		 * to offer -- and changing one is #GP. */
		if ((value & ~(uint64_t)MISC_ENABLE_FAST_STRINGS) != MISC_ENABLE_FIXED)
			return -1;
		v->fast_strings_off = !(value & MISC_ENABLE_FAST_STRINGS);
	} else if (msr == MSR_AMD64_NB_CFG && cpuid_vendor_amd()) {
		/* Linux sets CF8h's extended-configuration bit on AMD (with
		 * no PCI here it changes nothing); the rest reads 0 and stays. */
		if (value & ~NB_CFG_CF8_EXT_CFG)
			return -1;
		v->nb_cfg = value;
	} else if (msr != IA32_BIOS_SIGN_ID) {
		return -1;
	}
	/* IA32_BIOS_SIGN_ID: software writes it (0, by convention) before
	 * CPUID leaf 1, which makes a CPU store its microcode revision
	 * there; every bit is writable and what was written is not kept.
	 * Here the revision read back is 0. */
	return 0;
}

enum exit_action handle_rdmsr(struct vcpu *v, const struct vexit *e)
{
	uint64_t value;

	(void)e;
	if (read_msr(v, (uint32_t)v->gpr[GPR_RCX], &value))
		return inject_gp0(v);
	v->gpr[GPR_RAX] = (uint32_t)value;
	v->gpr[GPR_RDX] = value >> 32;
	return EXIT_ADVANCE;
}

enum exit_action handle_wrmsr(struct vcpu *v, const struct vexit *e)
{
	uint64_t value = (v->gpr[GPR_RDX] << 32) | (uint32_t)v->gpr[GPR_RAX];

	(void)e;
	if (write_msr(v, (uint32_t)v->gpr[GPR_RCX], value))
		return inject_gp0(v);
	return EXIT_ADVANCE;
}
