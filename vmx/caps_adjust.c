/* Pure part of the capability probe: every VMX control value from the
 * capability MSRs (SDM Vol. 3D Appendix A), and the list of what the CPU
 * lacks.  The MSRs are read through a callback, so tests/test_vmxcaps.c
 * checks the controls Tern asks for against MSR values it makes up. */
#include "vmx/caps.h"
#include "arch/x86/msr.h"
#include "lib/string.h"
#include "vmx/vmx_controls.h"

/* The MSR reader and the result of the computation under way. */
static uint64_t (*rd)(uint32_t msr);
static struct vmx_caps *caps;

uint32_t vmx_adjust_controls(uint64_t allowed, uint32_t required, uint32_t optional,
			     uint32_t *missing)
{
	uint32_t must_be_one = (uint32_t)allowed;
	uint32_t may_be_one = (uint32_t)(allowed >> 32);

	*missing = required & ~may_be_one;
	return (must_be_one | required | optional) & may_be_one;
}

struct missing {
	char text[256];
	size_t len;
};

static void note(struct missing *m, bool lacking, const char *feature)
{
	if (!lacking)
		return;
	size_t n = strlen(feature);
	if (m->len + n + 3 >= sizeof m->text)
		return;
	if (m->len) {
		memcpy(m->text + m->len, ", ", 2);
		m->len += 2;
	}
	memcpy(m->text + m->len, feature, n + 1);
	m->len += n;
}

/* With IA32_VMX_BASIC[55], the TRUE_* MSRs give the real allowed-0
 * settings (some "default1" bits may then be 0: SDM A.2). */
static uint64_t controls_msr(uint32_t msr, uint32_t true_msr)
{
	return rd(IA32_VMX_BASIC) & VMX_BASIC_TRUE_CTLS ? rd(true_msr) : rd(msr);
}

static void probe_pin_proc(struct missing *m)
{
	uint64_t proc_allowed = controls_msr(IA32_VMX_PROCBASED_CTLS, IA32_VMX_TRUE_PROCBASED_CTLS);
	uint32_t miss;

	caps->pin = vmx_adjust_controls(
		controls_msr(IA32_VMX_PINBASED_CTLS, IA32_VMX_TRUE_PINBASED_CTLS),
		PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING | PIN_VIRTUAL_NMIS | PIN_PREEMPTION_TIMER,
		0, &miss);
	note(m, miss & PIN_PREEMPTION_TIMER, "VMX-preemption timer");
	note(m, miss & PIN_VIRTUAL_NMIS, "virtual NMIs");
	note(m, miss & (PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING), "external-interrupt/NMI exiting");

	/* Interrupt- and NMI-window exiting are switched on and off per
	 * entry (vmx/backend.c), so they are only checked here, not set. */
	note(m, !((proc_allowed >> 32) & CPU_INTERRUPT_WINDOW_EXITING), "interrupt-window exiting");
	note(m, !((proc_allowed >> 32) & CPU_NMI_WINDOW_EXITING), "NMI-window exiting");
	caps->apicv = (proc_allowed >> 32) & CPU_USE_TPR_SHADOW;
	/* CR3 load/store exiting are not asked for (with EPT the guest owns
	 * CR3); they stay on only where allowed-0 forces them. */
	caps->proc = vmx_adjust_controls(
		proc_allowed,
		CPU_HLT_EXITING | CPU_USE_IO_BITMAPS | CPU_USE_MSR_BITMAPS |
			CPU_ACTIVATE_SECONDARY_CONTROLS | CPU_MWAIT_EXITING | CPU_MONITOR_EXITING |
			CPU_CR8_LOAD_EXITING | CPU_CR8_STORE_EXITING | CPU_RDPMC_EXITING,
		CPU_USE_TSC_OFFSETTING, &miss);
	caps->tsc_offsetting = caps->proc & CPU_USE_TSC_OFFSETTING;
	note(m, miss & CPU_USE_IO_BITMAPS, "I/O bitmaps");
	note(m, miss & CPU_USE_MSR_BITMAPS, "MSR bitmaps");
	note(m, miss & CPU_ACTIVATE_SECONDARY_CONTROLS, "secondary controls");
	note(m, miss & (CPU_HLT_EXITING | CPU_MWAIT_EXITING | CPU_MONITOR_EXITING),
	     "HLT/MWAIT/MONITOR exiting");
	/* MOV CR8 is the guest's TPR, not the host's (no TPR shadow used). */
	note(m, miss & (CPU_CR8_LOAD_EXITING | CPU_CR8_STORE_EXITING), "CR8 load/store exiting");
	note(m, miss & CPU_RDPMC_EXITING, "RDPMC exiting");
}

static void probe_secondary(struct missing *m)
{
	uint32_t miss = ~0u;

	caps->proc2 = 0;
	if (caps->proc & CPU_ACTIVATE_SECONDARY_CONTROLS)
		caps->proc2 = vmx_adjust_controls(
			rd(IA32_VMX_PROCBASED_CTLS2),
			SECONDARY_ENABLE_EPT | SECONDARY_UNRESTRICTED_GUEST | SECONDARY_ENABLE_VPID,
			SECONDARY_ENABLE_RDTSCP | SECONDARY_ENABLE_INVPCID,
			&miss);
	/* Optional, and per vCPU (vmx/apicv.c): only whether they may be 1. */
	uint32_t allowed2 = caps->proc & CPU_ACTIVATE_SECONDARY_CONTROLS ?
				    (uint32_t)(rd(IA32_VMX_PROCBASED_CTLS2) >> 32) : 0;
	caps->apicv = caps->apicv && (allowed2 & SECONDARY_VIRTUALIZE_APIC);
	caps->apic_reg_virt = caps->apicv && (allowed2 & SECONDARY_APIC_REGISTER_VIRT);
	caps->apic_vid = caps->apic_reg_virt && (allowed2 & SECONDARY_VIRTUAL_INTR_DELIVERY);
	note(m, miss & SECONDARY_ENABLE_EPT, "EPT");
	note(m, miss & SECONDARY_UNRESTRICTED_GUEST, "unrestricted guest");
	note(m, miss & SECONDARY_ENABLE_VPID, "VPID");
}

static void probe_ept(struct missing *m)
{
	uint64_t cap = 0;

	if (caps->proc2 & SECONDARY_ENABLE_EPT)
		cap = rd(IA32_VMX_EPT_VPID_CAP);
	caps->ept_vpid = cap;
	if (!(caps->proc2 & SECONDARY_ENABLE_EPT))
		return;
	note(m, !(cap & EPT_CAP_PAGE_WALK_4), "4-level EPT");
	note(m, !(cap & EPT_CAP_WB), "write-back EPT memory type");
	note(m, !(cap & EPT_CAP_2MB_PAGES), "2 MiB EPT pages");
	note(m, !(cap & EPT_CAP_INVEPT) ||
		!(cap & (EPT_CAP_INVEPT_SINGLE_CONTEXT | EPT_CAP_INVEPT_ALL_CONTEXT)), "INVEPT");
	note(m, (caps->proc2 & SECONDARY_ENABLE_VPID) &&
		(!(cap & VPID_CAP_INVVPID) ||
		 !(cap & (VPID_CAP_INVVPID_SINGLE_CONTEXT | VPID_CAP_INVVPID_ALL_CONTEXT))), "INVVPID");
	caps->ept_1g = cap & EPT_CAP_1GB_PAGES;
	caps->invept_single = cap & EPT_CAP_INVEPT_SINGLE_CONTEXT;
	caps->invvpid_single = cap & VPID_CAP_INVVPID_SINGLE_CONTEXT;
}

static void probe_exit_entry(struct missing *m)
{
	uint32_t miss, miss_pat;

	caps->exit = vmx_adjust_controls(
		controls_msr(IA32_VMX_EXIT_CTLS, IA32_VMX_TRUE_EXIT_CTLS),
		EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER |
			EXIT_SAVE_PREEMPTION_TIMER | EXIT_SAVE_DEBUG_CONTROLS,
		/* A host interrupt is acknowledged by the exit itself: its
		 * vector comes in the exit information and Tern sends the EOI
		 * (SDM 28.2.2), instead of it staying pending while IF=0. */
		EXIT_ACK_INTR_ON_EXIT, &miss);
	/* Without save/load debug controls every exit would reset the
	 * guest's DR7 and DEBUGCTL (SDM 28.5.1). */
	note(m, miss & EXIT_SAVE_DEBUG_CONTROLS, "save debug controls");
	note(m, miss & (EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER), "save/load IA32_EFER");
	note(m, miss & EXIT_SAVE_PREEMPTION_TIMER, "saving the preemption timer");
	note(m, miss & EXIT_HOST_ADDR_SPACE_SIZE, "64-bit host");
	caps->entry = vmx_adjust_controls(
		controls_msr(IA32_VMX_ENTRY_CTLS, IA32_VMX_TRUE_ENTRY_CTLS),
		ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_DEBUG_CONTROLS, 0, &miss);
	note(m, miss & ENTRY_LOAD_IA32_EFER, "load IA32_EFER on entry");
	note(m, miss & ENTRY_LOAD_DEBUG_CONTROLS, "load debug controls");

	/* PAT: optional, but then the guest's PAT is switched with ours. */
	uint32_t exit_pat = vmx_adjust_controls(controls_msr(IA32_VMX_EXIT_CTLS, IA32_VMX_TRUE_EXIT_CTLS),
						EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT, 0, &miss_pat);
	uint32_t miss_entry_pat;
	uint32_t entry_pat = vmx_adjust_controls(controls_msr(IA32_VMX_ENTRY_CTLS, IA32_VMX_TRUE_ENTRY_CTLS),
						 ENTRY_LOAD_IA32_PAT, 0, &miss_entry_pat);
	caps->load_pat = !miss_pat && !miss_entry_pat;
	if (caps->load_pat) {
		caps->exit |= exit_pat;
		caps->entry |= entry_pat;
	}
}

int vmx_caps_compute(uint64_t (*read_msr)(uint32_t msr), struct vmx_caps *out, char *lacking,
		     size_t size)
{
	struct missing m = { .len = 0 };
	uint64_t basic;

	rd = read_msr;
	caps = out;
	m.text[0] = 0;
	basic = rd(IA32_VMX_BASIC);
	caps->revision = basic & 0x7FFFFFFF;
	caps->cr0_fixed0 = rd(IA32_VMX_CR0_FIXED0);
	caps->cr0_fixed1 = rd(IA32_VMX_CR0_FIXED1);
	caps->cr4_fixed0 = rd(IA32_VMX_CR4_FIXED0);
	caps->cr4_fixed1 = rd(IA32_VMX_CR4_FIXED1);
	caps->preemption_shift = rd(IA32_VMX_MISC) & 0x1F;
	caps->lma_saved = rd(IA32_VMX_MISC) & (1u << 5);
	/* A.1: bit 54 = exits for INS/OUTS report the instruction
	 * information that vmx/decode.h decodes. */
	note(&m, !(basic & (1ull << 54)), "INS/OUTS instruction information");
	probe_pin_proc(&m);
	probe_secondary(&m);
	probe_ept(&m);
	probe_exit_entry(&m);
	if (size) {
		size_t n = m.len < size - 1 ? m.len : size - 1;
		memcpy(lacking, m.text, n);
		lacking[n] = 0;
	}
	return m.len ? -1 : 0;
}

/* CPUs whose VMX-preemption timer does not count at the rate
 * IA32_VMX_MISC[4:0] gives (processor signatures, CPUID.1:EAX without
 * the reserved bits 15:14 and 31:28; the list KVM and VirtualBox keep,
 * from Intel's specification updates: errata BA86, AAX65, AAT59, AAU65,
 * AAO95, AAN92, AAP86, AAM126, AAJ124, AAK139, and Xeon E3-1200 v2). */
static const uint32_t broken_preemption_timer[] = {
	0x000206E6, 0x00020652, 0x00020655, 0x000106E5, 0x000106A0,
	0x000106A1, 0x000106A4, 0x000106A5, 0x000306A8,
};

bool vmx_preemption_timer_broken(uint32_t cpuid1_eax)
{
	uint32_t sig = cpuid1_eax & ~(0x3u << 14 | 0xFu << 28);

	for (unsigned i = 0; i < sizeof broken_preemption_timer / sizeof broken_preemption_timer[0]; i++)
		if (sig == broken_preemption_timer[i])
			return true;
	return false;
}
