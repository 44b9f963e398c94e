/* Event injection as the core asks for it; the backend encodes it
 * (VMX VM-entry interruption information, SDM Vol. 3C 27.6; SVM
 * EVENTINJ, APM Vol. 2 15.20). */
#include "arch/x86/cpu.h"
#include "virt/exit.h"
#include "virt/vcpu.h"

/* Exceptions that push an error code (SDM Vol. 3A Table 6-1). */
static bool has_error_code(unsigned vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
}

void inject_exception(struct vcpu *v, unsigned vector, uint32_t error_code)
{
	struct vevent ev = {
		.valid = true, .type = VEVENT_HW_EXCEPTION, .vector = (uint8_t)vector,
		.error = error_code,
	};

	/* No error code in real mode: a real-mode IDT entry has no room
	 * for one, and VMX refuses the entry (SDM 27.2.1.3). */
	ev.has_error = has_error_code(vector) && (vcpu_get(v, VREG_CR0) & CR0_PE);
	backend->inject(v, &ev);
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

void inject_page_fault(struct vcpu *v, uint64_t linear, uint32_t error_code)
{
	vcpu_set(v, VREG_CR2, linear);
	inject_exception(v, VEC_PF, error_code);
}
