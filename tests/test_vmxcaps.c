/*
 * Host tests of vmx/caps_adjust.c: a VMX control value from its
 * allowed-settings MSR (SDM Vol. 3D A.3-A.5: bit n of the low half set
 * = control n must be 1; bit 32 + n of the high half set = it may be 1).
 */
#define TEST_MAIN
#include "tests/test.h"
#include "vmx/caps.h"

#include <stdint.h>

static uint64_t msr(uint32_t must_be_one, uint32_t may_be_one)
{
	return (uint64_t)may_be_one << 32 | must_be_one;
}

/* The properties every result must have, for consistent MSRs (allowed-0
 * bits are a subset of allowed-1 bits, as on real hardware). */
static int valid(uint64_t allowed, uint32_t required, uint32_t optional, uint32_t v,
		 uint32_t missing)
{
	uint32_t must = (uint32_t)allowed, may = (uint32_t)(allowed >> 32);

	if ((v & must) != must)
		return 0;                          /* a must-be-one bit is clear */
	if (v & ~may)
		return 0;                          /* a bit that may not be one is set */
	if (missing != (required & ~may))
		return 0;                          /* wrong report of what is missing */
	if ((v & (required | optional)) != ((required | optional) & may))
		return 0;                          /* a wanted, allowed bit is clear */
	if (v & ~(must | required | optional))
		return 0;                          /* an unasked-for optional bit is set */
	return 1;
}

TEST(vmxcaps_all_allowed)
{
	uint32_t missing = 0xDEAD;
	uint32_t v = vmx_adjust_controls(msr(0, 0xFFFFFFFF), 0x81, 0x1000, &missing);

	CHECK(v == 0x1081);
	CHECK(missing == 0);
}

TEST(vmxcaps_must_be_one_bits_set)
{
	uint32_t missing = 0xDEAD;
	/* Pin-based controls on many CPUs: bits 1, 2, 4 are default-1. */
	uint64_t pin = 0x7f00000016ull;
	uint32_t v = vmx_adjust_controls(pin, 0, 0, &missing);

	CHECK(v == 0x16);
	CHECK(missing == 0);
	v = vmx_adjust_controls(pin, 0x1, 0x8, &missing);   /* ext-int exiting, NMI exiting */
	CHECK(v == 0x1F);
	CHECK(missing == 0);
}

TEST(vmxcaps_required_not_allowed_is_missing)
{
	uint32_t missing = 0;
	/* may be one: bits 0-7 only; must be one: bit 1 */
	uint64_t allowed = msr(0x2, 0xFF);
	uint32_t v = vmx_adjust_controls(allowed, 0x301, 0, &missing);

	CHECK(missing == 0x300);
	CHECK(v == 0x3);          /* bit 0 granted, bit 1 forced, 8-9 not set */
	CHECK((v & missing) == 0);
}

TEST(vmxcaps_optional_only_when_allowed)
{
	uint32_t missing = 0xDEAD;
	uint64_t allowed = msr(0, 0x0000F0F0);
	uint32_t v = vmx_adjust_controls(allowed, 0, 0xFFFF, &missing);

	CHECK(v == 0xF0F0);
	CHECK(missing == 0);      /* optional bits are never "missing" */
	v = vmx_adjust_controls(allowed, 0, 0x0F0F, &missing);
	CHECK(v == 0);
	CHECK(missing == 0);
}

TEST(vmxcaps_nothing_allowed)
{
	uint32_t missing = 0;
	uint32_t v = vmx_adjust_controls(0, 0x80000001u, 0x7FFFFFFEu, &missing);

	CHECK(v == 0);
	CHECK(missing == 0x80000001u);
}

/* IA32_VMX_PROCBASED_CTLS of a real Intel core (Skylake-era). */
#define PROCBASED_MSR 0xfff9fffe0401e172ull
#define CPU_HLT_EXITING      (1u << 7)
#define CPU_CR3_LOAD_EXITING (1u << 15)
#define CPU_CR3_STORE_EXITING (1u << 16)
#define CPU_USE_TSC_OFFSET   (1u << 3)
#define CPU_USE_IO_BITMAPS   (1u << 25)
#define CPU_USE_MSR_BITMAPS  (1u << 28)
#define CPU_SECONDARY        (1u << 31)
#define CPU_BIT0             (1u << 0)    /* reserved: may not be one here */
#define CPU_BIT17            (1u << 17)   /* reserved: may not be one here */

TEST(vmxcaps_realistic_procbased)
{
	uint32_t missing = 0xDEAD;
	uint32_t required = CPU_HLT_EXITING | CPU_USE_IO_BITMAPS | CPU_USE_MSR_BITMAPS |
			    CPU_SECONDARY;
	uint32_t v = vmx_adjust_controls(PROCBASED_MSR, required, 0, &missing);

	CHECK(missing == 0);
	CHECK(valid(PROCBASED_MSR, required, 0, v, missing));
	/* Must-be-one bits (CR3-load/store exiting and the default-1
	 * reserved bits 1, 4-6, 8, 13-14, 26) kept. */
	CHECK(v & CPU_CR3_LOAD_EXITING);
	CHECK(v & CPU_CR3_STORE_EXITING);
	CHECK((v & 0x04006172u) == 0x04006172u);
	CHECK(v == (0x0401e172u | required));
	CHECK(v == 0x9601e1f2u);
	/* An optional bit that is allowed, and required reserved ones that are not. */
	v = vmx_adjust_controls(PROCBASED_MSR, required | CPU_BIT0 | CPU_BIT17, CPU_USE_TSC_OFFSET,
				&missing);
	CHECK(missing == (CPU_BIT0 | CPU_BIT17));
	CHECK(v == (0x0401e172u | required | CPU_USE_TSC_OFFSET));
	CHECK(!(v & (CPU_BIT0 | CPU_BIT17)));
	CHECK(valid(PROCBASED_MSR, required | CPU_BIT0 | CPU_BIT17, CPU_USE_TSC_OFFSET, v, missing));
}

TEST(vmxcaps_random_consistent_msrs)
{
	uint64_t x = 0x243F6A8885A308D3ull;

	for (int i = 0; i < 20000; i++) {
		uint32_t r[4];
		for (int k = 0; k < 4; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			r[k] = (uint32_t)x;
		}
		uint32_t may = r[0] | r[1];
		uint32_t must = r[1] & r[2] & may;        /* subset of may */
		uint32_t required = r[2] & r[3];
		uint32_t optional = r[3] ^ r[0];
		uint32_t missing = 0xDEAD;
		uint32_t v = vmx_adjust_controls(msr(must, may), required, optional, &missing);
		CHECK(valid(msr(must, may), required, optional, v, missing));
	}
}

/* ---- the controls vmx/caps_adjust.c asks for (vmx_caps_compute) ---- */

#include "arch/x86/msr.h"
#include "vmx/vmx_controls.h"

#include <string.h>

/* A made-up CPU: every control allowed (IA32_VMX_BASIC[55] set, so the
 * TRUE_* MSRs count), EPT/VPID with everything, INS/OUTS information. */
static uint64_t cap_ept_vpid = ~0ull;
static uint32_t deny_proc2;   /* secondary controls this CPU lacks */
static uint32_t deny_pin, deny_proc;   /* pin-based and primary ones */

static uint64_t fake_msr(uint32_t m)
{
	switch (m) {
	case IA32_VMX_BASIC: return (1ull << 55) | (1ull << 54) | 0x12;
	case IA32_VMX_PROCBASED_CTLS2: return (uint64_t)~deny_proc2 << 32;
	case IA32_VMX_TRUE_PINBASED_CTLS: return (uint64_t)~deny_pin << 32;
	case IA32_VMX_TRUE_PROCBASED_CTLS: return (uint64_t)~deny_proc << 32;
	case IA32_VMX_EPT_VPID_CAP: return cap_ept_vpid;
	case IA32_VMX_MISC: return 5 | (1u << 5);
	case IA32_VMX_CR0_FIXED0: case IA32_VMX_CR4_FIXED0: return 0;
	case IA32_VMX_CR0_FIXED1: case IA32_VMX_CR4_FIXED1: return ~0ull;
	default: return 0xFFFFFFFFull << 32;   /* controls: all may be 1, none must */
	}
}

static struct vmx_caps computed(char *lacking, size_t size, int *rc)
{
	struct vmx_caps c;
	memset(&c, 0, sizeof c);
	*rc = vmx_caps_compute(fake_msr, &c, lacking, size);
	return c;
}

/* Each control Tern's exit handling relies on is asked for: dropping one
 * from vmx/caps_adjust.c fails here. */
TEST(vmxcaps_requested_controls)
{
	char lacking[256];
	int rc;
	struct vmx_caps c;

	cap_ept_vpid = ~0ull;
	deny_proc2 = 0;
	c = computed(lacking, sizeof lacking, &rc);
	CHECK(rc == 0 && lacking[0] == 0);
	CHECK(c.revision == 0x12);
	CHECK((c.pin & (PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING | PIN_VIRTUAL_NMIS |
			PIN_PREEMPTION_TIMER)) ==
	      (PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING | PIN_VIRTUAL_NMIS | PIN_PREEMPTION_TIMER));
	CHECK(c.proc & CPU_HLT_EXITING);
	CHECK(c.proc & CPU_USE_IO_BITMAPS);
	CHECK(c.proc & CPU_USE_MSR_BITMAPS);
	CHECK(c.proc & CPU_MWAIT_EXITING);
	CHECK(c.proc & CPU_MONITOR_EXITING);
	CHECK(c.proc & CPU_ACTIVATE_SECONDARY_CONTROLS);
	CHECK(c.proc & CPU_USE_TSC_OFFSETTING);
	CHECK(c.tsc_offsetting);
	CHECK(c.proc2 & SECONDARY_ENABLE_EPT);
	CHECK(c.proc2 & SECONDARY_UNRESTRICTED_GUEST);
	CHECK(c.proc2 & SECONDARY_ENABLE_VPID);
	CHECK(c.proc2 & SECONDARY_ENABLE_RDTSCP);
	CHECK(c.proc2 & SECONDARY_ENABLE_INVPCID);
	CHECK(c.exit & EXIT_HOST_ADDR_SPACE_SIZE);
	CHECK(c.exit & EXIT_SAVE_IA32_EFER);
	CHECK(c.exit & EXIT_LOAD_IA32_EFER);
	CHECK(c.exit & EXIT_SAVE_PREEMPTION_TIMER);
	CHECK(c.exit & EXIT_SAVE_DEBUG_CONTROLS);
	CHECK(c.exit & EXIT_ACK_INTR_ON_EXIT);
	CHECK((c.exit & (EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT)) == (EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT));
	CHECK(c.entry & ENTRY_LOAD_IA32_EFER);
	CHECK(c.entry & ENTRY_LOAD_DEBUG_CONTROLS);
	CHECK(c.entry & ENTRY_LOAD_IA32_PAT);
	CHECK(c.load_pat && c.lma_saved && c.preemption_shift == 5);
	CHECK(c.ept_1g && c.invept_single && c.invvpid_single);
	/* Nothing Tern does not use: no unrestricted extra controls.  The
	 * APIC virtualization controls are each vCPU's (vmx/apicv.c). */
	CHECK(!(c.proc & (CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING | CPU_USE_TPR_SHADOW |
			  CPU_NMI_WINDOW_EXITING)));
	CHECK(!(c.proc2 & (SECONDARY_VIRTUALIZE_APIC | SECONDARY_APIC_REGISTER_VIRT |
			   SECONDARY_VIRTUAL_INTR_DELIVERY)));
	CHECK(c.apicv && c.apic_reg_virt);
}

/* APIC virtualization is used as far as the CPU allows it: TPR shadow and
 * virtualized APIC accesses both, then register virtualization on top;
 * none of it is required. */
TEST(vmxcaps_apic_virtualization_optional)
{
	char lacking[256];
	int rc;
	struct vmx_caps c;

	cap_ept_vpid = ~0ull;
	deny_proc2 = SECONDARY_APIC_REGISTER_VIRT;
	c = computed(lacking, sizeof lacking, &rc);
	CHECK(rc == 0 && c.apicv && !c.apic_reg_virt);
	deny_proc2 = SECONDARY_VIRTUALIZE_APIC;
	c = computed(lacking, sizeof lacking, &rc);
	CHECK(rc == 0 && !c.apicv && !c.apic_reg_virt);
	deny_proc2 = 0;
}

/* Virtual NMIs and NMI-window exiting are required (NMIs into guests). */
TEST(vmxcaps_virtual_nmis_required)
{
	char lacking[256];
	int rc;
	struct vmx_caps c;

	cap_ept_vpid = ~0ull;
	deny_proc2 = 0;
	deny_pin = PIN_VIRTUAL_NMIS;
	c = computed(lacking, sizeof lacking, &rc);
	CHECK(rc == -1 && strstr(lacking, "virtual NMIs"));
	deny_pin = 0;
	deny_proc = CPU_NMI_WINDOW_EXITING;
	c = computed(lacking, sizeof lacking, &rc);
	CHECK(rc == -1 && strstr(lacking, "NMI-window exiting"));
	deny_proc = CPU_USE_TPR_SHADOW;
	c = computed(lacking, sizeof lacking, &rc);
	CHECK(rc == 0 && !c.apicv);
	deny_proc = 0;
}

/* Every missing requirement is named in one line. */
TEST(vmxcaps_missing_features_named)
{
	char lacking[256];
	int rc;

	cap_ept_vpid = ~0ull;
	deny_proc2 = SECONDARY_UNRESTRICTED_GUEST | SECONDARY_ENABLE_VPID;
	computed(lacking, sizeof lacking, &rc);
	CHECK(rc == -1);
	CHECK(strstr(lacking, "unrestricted guest") && strstr(lacking, "VPID"));
	CHECK(!strstr(lacking, "EPT,") && strncmp(lacking, "EPT", 3));

	deny_proc2 = 0;
	cap_ept_vpid = ~0ull & ~EPT_CAP_WB;
	computed(lacking, sizeof lacking, &rc);
	CHECK(rc == -1 && strstr(lacking, "write-back EPT memory type"));
	cap_ept_vpid = ~0ull;
}

TEST(vmxcaps_preemption_timer_errata)
{
	CHECK(vmx_preemption_timer_broken(0x000206E6));
	CHECK(vmx_preemption_timer_broken(0x000306A8));
	/* Reserved bits 15:14 and 31:28 do not count. */
	CHECK(vmx_preemption_timer_broken(0xF001C6A5));   /* = 0x000106A5 */
	CHECK(!vmx_preemption_timer_broken(0x000906EA));   /* Coffee Lake */
	CHECK(!vmx_preemption_timer_broken(0x000306A9));   /* Ivy Bridge E3 v2, another stepping */
	CHECK(!vmx_preemption_timer_broken(0x00A20F10));   /* an AMD signature */
}
