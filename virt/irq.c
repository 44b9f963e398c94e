/* External interrupts into the guest, for both vendors: the platform's
 * interrupt controller (guest/intr.c) says whether one is pending; the
 * core injects it when the guest can take it -- RFLAGS.IF set, no
 * STI/MOV-SS shadow, no other event on its way in (SDM Vol. 3C 26.3.1.5,
 * APM Vol. 2 15.20) -- and otherwise asks the backend for an exit as
 * soon as it can (VMX interrupt-window exiting, SVM V_IRQ + VINTR). */
#include "guest/intr.h"
#include "guest/vm.h"
#include "virt/exit.h"
#include "virt/vcpu.h"

static void irq_window(struct vcpu *v, bool on)
{
	if (v->irq_window != on) {
		backend->irq_window(v, on);
		v->irq_window = on;
	}
}

void vcpu_deliver_interrupt(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct vevent ev = { .valid = true, .type = VEVENT_EXT_INTR };

	if (!vm_intr_pending(vm)) {
		irq_window(v, false);
		return;
	}
	if (!(vcpu_get(v, VREG_RFLAGS) & RFLAGS_IF) || !backend->irq_injectable(v)) {
		irq_window(v, true);
		return;
	}
	/* The INTA cycle: the controller names the vector now. */
	ev.vector = vm_intr_ack(vm);
	backend->inject(v, &ev);
	v->halted = false;
	irq_window(v, vm_intr_pending(vm));
}

/* The guest can take an interrupt now. */
enum exit_action handle_irq_window(struct vcpu *v, const struct vexit *e)
{
	(void)e;
	vcpu_deliver_interrupt(v);
	return EXIT_RESUME;
}
