/* Event injection (SDM Vol. 3C 27.6) and re-injection of an event whose
 * delivery caused the exit (28.2.4 "Information for VM Exits During
 * Event Delivery"). */
#include "arch/x86/cpu.h"
#include "guest/vm.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

/* Exceptions that push an error code (SDM Vol. 3A Table 6-1). */
static bool has_error_code(unsigned vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
}

void inject_exception(struct vcpu *v, unsigned vector, uint32_t error_code)
{
	uint32_t info = vector | (INTR_TYPE_HW_EXCEPTION << INTR_INFO_TYPE_SHIFT) | INTR_INFO_VALID;
	(void)v;

	/* No error code in real mode: delivering one there fails the VM
	 * entry (27.2.1.3). */
	if (has_error_code(vector) && (vmread(GUEST_CR0) & CR0_PE)) {
		info |= INTR_INFO_DELIVER_ERROR_CODE;
		vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
	}
	vmwrite(VM_ENTRY_INTR_INFO_FIELD, info);
}

enum exit_action inject_gp0(struct vcpu *v)
{
	inject_exception(v, VEC_GP, 0);
	return EXIT_RESUME;
}

enum exit_action inject_ud(struct vcpu *v)
{
	inject_exception(v, VEC_UD, 0);
	return EXIT_RESUME;
}

/* CR2 is not part of the VMCS: the guest gets the hardware CR2, and the
 * hypervisor never takes a page fault between here and VM entry. */
void inject_page_fault(struct vcpu *v, uint64_t linear, uint32_t error_code)
{
	write_cr2(linear);
	inject_exception(v, VEC_PF, error_code);
}

void reinject_vectoring_event(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmread(IDT_VECTORING_INFO_FIELD);
	unsigned type = (info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT;
	(void)v;

	if (!(info & INTR_INFO_VALID))
		return;
	if (info & INTR_INFO_DELIVER_ERROR_CODE)
		vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, vmread(IDT_VECTORING_ERROR_CODE));
	/* Software interrupts/exceptions are re-executed from their
	 * instruction: their length must be given (27.6.1). */
	if (type == INTR_TYPE_SW_INTERRUPT || type == INTR_TYPE_SW_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		vmwrite(VM_ENTRY_INSTRUCTION_LEN, vmread(VM_EXIT_INSTRUCTION_LEN));
	vmwrite(VM_ENTRY_INTR_INFO_FIELD, info & ~(1u << 12));   /* bit 12 is reserved on entry */
}
