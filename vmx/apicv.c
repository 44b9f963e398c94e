/*
 * The CPU's APIC virtualization (SDM Vol. 3C chapter 30), where VMX has
 * it and `apicv=off` does not turn it off.
 *
 *  - The LAPIC model's register page (struct lapic, regs[]) is the
 *    virtual-APIC page: TPR, IRR, ISR and TMR live there, the model copies
 *    the other registers in (lapic_mirror).  With a TPR shadow the guest
 *    writes its TPR there (MOV to CR8 too: CR8 exiting is off).
 *  - With APIC-register virtualization the guest reads every register but
 *    the timer's current count from the page without an exit; other
 *    writes land there and exit afterwards, trap-like, with the
 *    register's offset (APIC-write exits, VEXIT_APIC_WRITE): the model
 *    carries them out with no instruction to decode.
 *  - With virtual-interrupt delivery the CPU delivers the LAPIC's
 *    interrupts itself: Tern sets RVI (the highest requested vector) and
 *    SVI before each entry after the model took an interrupt, and the CPU
 *    moves it from IRR to ISR when the guest can take it, and clears ISR
 *    on the guest's EOI without an exit -- except for level-triggered
 *    vectors (the EOI-exit bitmap follows TMR), whose EOI must reach the
 *    I/O APIC (EOI-induced exits, VEXIT_APIC_EOI).  The 8259's ExtINT
 *    and NMIs are still injected.  Without it the core injects every
 *    interrupt, and a TPR lowered below the threshold Tern sets (the class
 *    of an interrupt the TPR holds back) exits (VEXIT_TPR_BELOW).
 *  - What the CPU does not virtualize (current-count reads, unaligned or
 *    narrow accesses, registers outside the lists; everything but the TPR
 *    without register virtualization) exits before the access (APIC-access
 *    exits, VEXIT_APIC_ACCESS) and goes through the MMIO instruction
 *    emulator, as every access does without APIC virtualization.
 *  - The CPU knows the APIC page by the guest-physical address that EPT
 *    maps to the APIC-access page (30.4): one host page for all guests,
 *    mapped at the LAPIC's base while the LAPIC is enabled in xAPIC mode.
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
	struct vm *vm = v->vm;
	uint32_t proc2 = SECONDARY_VIRTUALIZE_APIC;

	if (vmx_caps.apic_reg_virt)
		proc2 |= SECONDARY_APIC_REGISTER_VIRT;
	if (vmx_caps.apic_vid)
		proc2 |= SECONDARY_VIRTUAL_INTR_DELIVERY;
	vm->apicv = true;
	vm->apic_delivers = vmx_caps.apic_vid;
	lapic_mirror(&vm->lapic);
	/* The TPR shadow makes CR8 the page's TPR; no CR8 exits (26.3.1.1
	 * wants no CR8 exiting for MOV to CR8 to be virtualized). */
	vmwrite(CPU_BASED_VM_EXEC_CONTROL,
		(vmread(CPU_BASED_VM_EXEC_CONTROL) | CPU_USE_TPR_SHADOW) &
			~(CPU_CR8_LOAD_EXITING | CPU_CR8_STORE_EXITING));
	vmwrite(SECONDARY_VM_EXEC_CONTROL, vmread(SECONDARY_VM_EXEC_CONTROL) | proc2);
	vmwrite(VIRTUAL_APIC_PAGE_ADDR, virt_to_phys(vm->lapic.regs));
	vmwrite(APIC_ACCESS_ADDR, apic_access_page);
	vmwrite(TPR_THRESHOLD, 0);
	if (vmx_caps.apic_vid) {
		vmwrite(GUEST_INTR_STATUS, 0);
		for (unsigned i = 0; i < 4; i++)
			vmwrite(EOI_EXIT_BITMAP0 + 2 * i, 0);
	}
	return map_apic_page(v);
}

void vmx_apicv_destroy(struct vcpu *v)
{
	if (!v->vm->apicv)
		return;
	gmem_unmap_device(&v->vm->mem);
	v->vm->apicv = false;
	v->vm->apic_delivers = false;
}

void vmx_apic_moved(struct vcpu *v)
{
	if (map_apic_page(v))
		vm_stop(v->vm, "no host memory to map its APIC page at 0x%llx",
			(unsigned long long)(v->vm->lapic.base & 0xFFFFFF000ull));
}

/* Virtual-interrupt delivery (30.2): RVI is the highest requested
 * vector, SVI the highest in service; the CPU keeps them as it delivers
 * and ends interrupts, Tern after the model took one.  The EOIs of
 * level-triggered vectors exit (the EOI-exit bitmap, 30.1.4). */
static void sync_vid(struct vmx_vcpu *x, const struct lapic *l)
{
	int irr = lapic_highest_irr(l), isr = lapic_highest_isr(l);
	uint64_t status = (uint64_t)(isr < 0 ? 0 : isr) << 8 | (uint64_t)(irr < 0 ? 0 : irr);
	uint64_t tmr[4];

	if (vmread(GUEST_INTR_STATUS) != status)
		vmwrite(GUEST_INTR_STATUS, status);
	lapic_tmr(l, tmr);
	for (unsigned i = 0; i < 4; i++)
		if (tmr[i] != x->eoi_exit[i]) {
			vmwrite(EOI_EXIT_BITMAP0 + 2 * i, tmr[i]);
			x->eoi_exit[i] = tmr[i];
		}
}

/* Without it: the TPR threshold, bits 3:0 only (26.3.1.1: not above
 * VTPR[7:4], which lapic_tpr_threshold keeps). */
void vmx_apic_sync(struct vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);
	unsigned cls;

	if (v->vm->apic_delivers) {
		sync_vid(x, &v->vm->lapic);
		return;
	}
	cls = lapic_tpr_threshold(&v->vm->lapic);
	if (x->tpr_threshold != cls) {
		vmwrite(TPR_THRESHOLD, cls);
		x->tpr_threshold = (uint8_t)cls;
	}
}
