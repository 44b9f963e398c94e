/* Interrupts into the guest, for both vendors.  The NMI first (it has
 * priority over external interrupts, SDM Vol. 3A 6.9): injected when the
 * guest is not blocking NMIs -- its last NMI handler has returned with
 * IRET, no MOV-SS shadow -- and otherwise caught at the first moment it
 * can be (VMX NMI-window exiting; SVM the IRET intercept and one step).
 * Then external interrupts: the platform's interrupt controller
 * (guest/intr.c) says whether one is pending; the core injects it when
 * the guest can take it -- RFLAGS.IF set, no STI/MOV-SS shadow, no other
 * event on its way in (SDM Vol. 3C 26.3.1.5, APM Vol. 2 15.20) -- and
 * otherwise asks the backend for an exit as soon as it can (VMX
 * interrupt-window exiting, SVM V_IRQ + VINTR). */
#include "guest/dev_lapic.h"
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

static void nmi_window(struct vcpu *v, bool on)
{
	if (v->nmi_window != on) {
		backend->nmi_window(v, on);
		v->nmi_window = on;
	}
}

void vcpu_raise_nmi(struct vcpu *v)
{
	v->nmi_pending = true;
	vcpu_kick(v);
}

bool vcpu_wake_pending(const struct vcpu *v)
{
	return v->nmi_pending || vm_intr_pending(v->vm);
}

/* The pending NMI goes in if it can; else the window stays open for it.
 * An injected NMI wakes a halted vCPU, as an interrupt does. */
static void deliver_nmi(struct vcpu *v)
{
	static const struct vevent nmi = { .valid = true, .type = VEVENT_NMI, .vector = 2 };

	if (!backend->nmi_injectable(v)) {
		nmi_window(v, true);
		return;
	}
	backend->inject(v, &nmi);
	v->nmi_pending = false;
	v->halted = false;
	nmi_window(v, false);
}

static void deliver_external(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct vevent ev = { .valid = true, .type = VEVENT_EXT_INTR };

	/* With virtual-interrupt delivery the local APIC's interrupts are the
	 * CPU's to deliver (vmx/apicv.c): only the 8259's ExtINT is injected. */
	if (!vm_intr_to_inject(vm)) {
		irq_window(v, false);
		return;
	}
	/* An NMI injected just now also keeps the interrupt waiting: one
	 * event per entry (irq_injectable says no). */
	if (!(vcpu_get(v, VREG_RFLAGS) & RFLAGS_IF) || !backend->irq_injectable(v)) {
		irq_window(v, true);
		return;
	}
	/* The INTA cycle: the controller names the vector now. */
	ev.vector = vm_intr_ack(vm);
	backend->inject(v, &ev);
	v->halted = false;
	irq_window(v, vm_intr_to_inject(vm));
}

/* With the CPU's APIC virtualization the virtual-APIC page shows the
 * model's state afterwards (an interrupt acknowledged just now is in
 * service), and the CPU learns what is requested: the TPR threshold
 * catches the guest lowering its TPR under an interrupt it holds back,
 * or with virtual-interrupt delivery RVI names the interrupt. */
void vcpu_deliver_interrupt(struct vcpu *v)
{
	struct vm *vm = v->vm;

	if (unlikely(v->nmi_pending))
		deliver_nmi(v);
	else if (unlikely(v->nmi_window))
		nmi_window(v, false);
	deliver_external(v);
	if (vm->apicv) {
		vm_lapic_push(vm);
		backend->apic_sync(v);
	}
}

/* The guest can take an interrupt (or its NMI) now. */
enum exit_action handle_irq_window(struct vcpu *v, const struct vexit *e)
{
	(void)e;
	vcpu_deliver_interrupt(v);
	return EXIT_RESUME;
}
