/* SVM on this CPU: the probe (APM Vol. 2 15.4 "Enabling SVM") and
 * EFER.SVME, the host save area, the shared permission maps. */
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/msr.h"
#include "core/log.h"
#include "lib/string.h"
#include "mm/paging.h"
#include "mm/setup.h"
#include "svm/svm_exit.h"
#include "svm/svm_vcpu.h"

struct svm_caps svm_caps;

static uint64_t hsave, host_vmcb, iopm, msrpm;

/* Append `name` to the list when `lacking`. */
static void note(char *buf, size_t size, size_t *len, bool lacking, const char *name)
{
	size_t n = strlen(name);

	if (!lacking || *len + n + 3 >= size)
		return;
	if (*len) {
		memcpy(buf + *len, ", ", 2);
		*len += 2;
	}
	memcpy(buf + *len, name, n + 1);
	*len += n;
}

/* CPUID 8000_0001H:ECX.SVM says the CPU has SVM; VM_CR.SVMDIS says
 * firmware turned it off (with VM_CR.LOCK, for good) (15.4). */
int svm_probe(void)
{
	struct cpuid_regs r;
	uint64_t vm_cr;
	char missing[128] = "";
	size_t len = 0;

	if (cpuid(0x80000000, 0).eax < CPUID_SVM_LEAF ||
	    !(cpuid(0x80000001, 0).ecx & CPUID_80000001_ECX_SVM))
		return 1;
	/* Read safely: emulators (Bochs 2.7) may not have VM_CR at all. */
	if (rdmsr_safe(MSR_VM_CR, &vm_cr))
		vm_cr = 0;
	if (vm_cr & VM_CR_SVMDIS) {
		pr_err("no AMD-V: VM_CR (MSR 0xc0010114) has SVMDIS set%s; enable SVM in the "
		       "firmware setup", vm_cr & VM_CR_LOCK ? " and locked" : "");
		return -1;
	}
	r = cpuid(CPUID_SVM_LEAF, 0);
	svm_caps.asids = r.ebx;
	svm_caps.nrips = r.edx & CPUID_8000000A_EDX_NRIPS;
	svm_caps.flush_by_asid = r.edx & CPUID_8000000A_EDX_FLUSHBYASID;
	svm_caps.vmcb_clean = r.edx & CPUID_8000000A_EDX_VMCBCLEAN;
	svm_caps.decode_assists = r.edx & CPUID_8000000A_EDX_DECODEASSISTS;
	svm_caps.pause_filter = r.edx & CPUID_8000000A_EDX_PAUSEFILTER;
	/* Required: nested paging, and an ASID for every guest besides the
	 * host's ASID 0. */
	note(missing, sizeof missing, &len, !(r.edx & CPUID_8000000A_EDX_NP), "nested paging (NPT)");
	note(missing, sizeof missing, &len, r.ebx < 2, "guest ASIDs");
	if (len) {
		pr_err("svm: cannot run guests: this CPU's AMD-V lacks %s", missing);
		return -1;
	}
	pr_info("svm: AMD-V present: NPT, %u ASIDs; NRIP save %s, flush by ASID %s, VMCB clean "
		"bits %s, decode assists %s, pause filter %s", svm_caps.asids,
		svm_caps.nrips ? "yes" : "no (instruction lengths decoded)",
		svm_caps.flush_by_asid ? "yes" : "no (full flushes)",
		svm_caps.vmcb_clean ? "yes" : "no", svm_caps.decode_assists ? "yes" : "no",
		svm_caps.pause_filter ? "yes (unused)" : "no");
	return 0;
}

static uint64_t alloc_filled(unsigned order, int byte)
{
	uint64_t pa = frame_alloc(&frames, order);

	if (pa != FRAME_NONE)
		memset(phys_to_virt(pa), byte, 4096ull << order);
	return pa;
}

int svm_init(void)
{
	uint64_t khz;

	wrmsr(IA32_EFER, rdmsr(IA32_EFER) | EFER_SVME);
	hsave = alloc_filled(0, 0);
	host_vmcb = alloc_filled(0, 0);
	/* Every I/O port and every MSR is intercepted (DESIGN.md 4): the
	 * IOPM is 12 KiB (three pages, 16 KiB allocated), the MSRPM 8 KiB. */
	iopm = alloc_filled(2, 0xFF);
	msrpm = alloc_filled(1, 0xFF);
	if (hsave == FRAME_NONE || host_vmcb == FRAME_NONE || iopm == FRAME_NONE ||
	    msrpm == FRAME_NONE) {
		pr_err("svm: no memory for the host save area and permission maps");
		return -1;
	}
	wrmsr(MSR_VM_HSAVE_PA, hsave);
	khz = lapic_timer_init();
	if (!khz) {
		pr_err("svm: no local APIC timer for the scheduler's quantum");
		return -1;
	}
	pr_info("svm: EFER.SVME set; quantum timer: local APIC at %llu kHz",
		(unsigned long long)khz);
	return 0;
}

uint64_t svm_iopm_pa(void) { return iopm; }
uint64_t svm_msrpm_pa(void) { return msrpm; }
uint64_t svm_host_vmcb_pa(void) { return host_vmcb; }
