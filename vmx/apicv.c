/*
 * The CPU's APIC virtualization (SDM Vol. 3C chapter 30), where VMX has
 * it and `apicv=off` does not turn it off: a TPR shadow and the
 * APIC-access page, and APIC-register virtualization where the CPU has
 * it too (without it, every access but the TPR's is an APIC-access exit).
 *
 *  - Each vCPU has a virtual-APIC page (vm->vapic), which the LAPIC model
 *    keeps up to date (lapic_mirror, guest/dev_lapic.c).  The guest reads
 *    its APIC registers from there without an exit -- all but the
 *    timer's current count -- and writes its TPR there (MOV to CR8 too:
 *    CR8 exiting is off); a TPR below the threshold the core sets exits
 *    (VEXIT_TPR_BELOW) so that the interrupt it held back goes in.
 *  - Other writes land in the page and exit afterwards, trap-like, with
 *    the register's offset (APIC-write exits, VEXIT_APIC_WRITE): the model
 *    carries them out with no instruction to decode.
 *  - What the CPU does not virtualize (current-count reads, unaligned or
 *    narrow writes, registers outside the list) exits before the access
 *    (APIC-access exits, VEXIT_APIC_ACCESS) and goes through the MMIO
 *    instruction emulator, as every access does without APIC
 *    virtualization.
 *  - The CPU knows the APIC page by the guest-physical address that EPT
 *    maps to the APIC-access page (30.4): one host page for all guests,
 *    mapped at the LAPIC's base while the LAPIC is enabled in xAPIC mode.
 *
 * Interrupts are still injected by the core (no virtual-interrupt
 * delivery: the model, not the CPU, owns IRR and ISR).
 */
#include "vmx/apicv.h"
#include "core/log.h"
#include "core/options.h"
#include "guest/vm.h"
#include "mm/frame.h"
#include "mm/paging.h"
#include "mm/setup.h"
#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_vcpu.h"

static uint64_t apic_access_page = FRAME_NONE;

bool vmx_apicv_on(void)
{
	return vmx_caps.apicv && !options.no_apicv;
}

/* Map the APIC-access page where the guest's LAPIC is, or nowhere. */
static int map_apic_page(struct vcpu *v)
{
	struct vm *vm = v->vm;
	const struct lapic *l = &vm->lapic;

	if (!lapic_enabled(l) || lapic_x2apic(l)) {
		gmem_unmap_device(&vm->mem);
		return 0;
	}
	return gmem_map_device(&vm->mem, l->base & 0xFFFFFF000ull, apic_access_page);
}

int vmx_apicv_init(void)
{
	if (vmx_apicv_on())
		apic_access_page = frame_alloc_zeroed(0);
	return vmx_apicv_on() && apic_access_page == FRAME_NONE ? -1 : 0;
}

int vmx_apicv_create(struct vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);

	x->vapic = frame_alloc_zeroed(0);
	if (apic_access_page == FRAME_NONE || x->vapic == FRAME_NONE)
		return -1;
	v->vm->vapic = phys_to_virt(x->vapic);
	lapic_mirror(&v->vm->lapic, v->vm->vapic);
	/* The TPR shadow makes CR8 the page's TPR; no CR8 exits (26.3.1.1
	 * wants no CR8 exiting for MOV to CR8 to be virtualized). */
	vmwrite(CPU_BASED_VM_EXEC_CONTROL,
		(vmread(CPU_BASED_VM_EXEC_CONTROL) | CPU_USE_TPR_SHADOW) &
			~(CPU_CR8_LOAD_EXITING | CPU_CR8_STORE_EXITING));
	vmwrite(SECONDARY_VM_EXEC_CONTROL,
		vmread(SECONDARY_VM_EXEC_CONTROL) | SECONDARY_VIRTUALIZE_APIC |
			(vmx_caps.apic_reg_virt ? SECONDARY_APIC_REGISTER_VIRT : 0));
	vmwrite(VIRTUAL_APIC_PAGE_ADDR, x->vapic);
	vmwrite(APIC_ACCESS_ADDR, apic_access_page);
	vmwrite(TPR_THRESHOLD, 0);
	return map_apic_page(v);
}

void vmx_apicv_destroy(struct vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);

	if (x->vapic == FRAME_NONE)
		return;
	gmem_unmap_device(&v->vm->mem);
	v->vm->vapic = NULL;
	frame_free(&frames, x->vapic, 0);
	x->vapic = FRAME_NONE;
}

void vmx_apic_moved(struct vcpu *v)
{
	if (map_apic_page(v))
		vm_stop(v->vm, "no host memory to map its APIC page at 0x%llx",
			(unsigned long long)(v->vm->lapic.base & 0xFFFFFF000ull));
}

/* Bits 3:0 only (no virtual-interrupt delivery, 26.3.1.1: not above
 * VTPR[7:4], which lapic_tpr_threshold keeps). */
void vmx_tpr_threshold(struct vcpu *v, unsigned cls)
{
	struct vmx_vcpu *x = to_vmx(v);

	if (x->tpr_threshold != cls) {
		vmwrite(TPR_THRESHOLD, cls);
		x->tpr_threshold = (uint8_t)cls;
	}
}
