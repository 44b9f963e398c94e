/*
 * The guest's NMI blocking on SVM without virtual NMIs (APM Vol. 2
 * 15.21.4 leaves it to the hypervisor; vNMI is a recent option).  An
 * injected NMI blocks further NMIs until the guest's handler returns with
 * IRET (SDM Vol. 3A 6.7.1).  The IRET intercept catches that IRET before
 * it runs; NMIs are unblocked once the guest is past it (rIP moved),
 * which is looked at only when an NMI waits.  An NMI that waits for that
 * moment, or for an interrupt shadow to end, is let in after one single
 * step of the guest: RFLAGS.TF set by Tern and the #DB intercept on, both
 * taken off again at the step's #DB, or when the stepped instruction
 * exits and Tern completes it (the technique of KVM's svm.c).  Nothing is
 * added to the exits' hot path.  The guest would see that TF only if the
 * stepped instruction pushed RFLAGS or faulted.
 */
#include "svm/nmi.h"
#include "arch/x86/cpu.h"
#include "svm/svm_exit.h"
#include "svm/svm_vcpu.h"
#include "svm/vmcb.h"
#include "virt/exit.h"
#include "virt/vcpu.h"

#define DB_INTERCEPT (1u << VEC_DB)

static void set_intercepts(struct vmcb *b)
{
	b->control.vmcb_clean &= ~VMCB_CLEAN_I;
}

void svm_nmi_injected(struct vcpu *v)
{
	struct svm_vcpu *s = to_svm(v);

	s->nmi_masked = true;
	s->iret_seen = false;
	s->vmcb->control.intercept_misc1 |= INTERCEPT_IRET;
	set_intercepts(s->vmcb);
}

/* The handler's IRET has run once rIP has left it. */
static void iret_done(struct svm_vcpu *s)
{
	if (s->iret_seen && s->vmcb->save.rip != s->iret_rip)
		s->nmi_masked = s->iret_seen = false;
}

bool svm_nmi_injectable(struct vcpu *v)
{
	struct svm_vcpu *s = to_svm(v);

	iret_done(s);
	return !s->nmi_masked && !(s->vmcb->control.int_state & INTERRUPT_SHADOW) &&
	       !(s->vmcb->control.event_inj & EVENTINJ_V);
}

static void step_start(struct svm_vcpu *s)
{
	struct vmcb *b = s->vmcb;

	if (s->stepping)
		return;
	s->stepping = true;
	s->guest_tf = b->save.rflags & RFLAGS_TF;
	b->save.rflags |= RFLAGS_TF;
	b->control.intercept_exceptions |= DB_INTERCEPT;
	set_intercepts(b);
}

static void step_stop(struct svm_vcpu *s)
{
	struct vmcb *b = s->vmcb;

	s->stepping = false;
	if (!s->guest_tf)
		b->save.rflags &= ~RFLAGS_TF;
	b->control.intercept_exceptions &= ~DB_INTERCEPT;
	set_intercepts(b);
}

/* While the handler runs, its IRET is what to wait for (the intercept
 * is on); past the intercept, or in a shadow, one step ends the wait. */
void svm_nmi_window(struct vcpu *v, bool on)
{
	struct svm_vcpu *s = to_svm(v);

	if (!on) {
		if (s->stepping)
			step_stop(s);
		return;
	}
	iret_done(s);
	if (s->nmi_masked && !s->iret_seen)
		return;
	step_start(s);
}

bool svm_nmi_exit(struct vcpu *v)
{
	struct svm_vcpu *s = to_svm(v);
	struct vmcb *b = s->vmcb;

	if (b->control.exit_code == SVM_EXIT_IRET) {
		b->control.intercept_misc1 &= ~INTERCEPT_IRET;
		set_intercepts(b);
		s->iret_seen = true;
		s->iret_rip = b->save.rip;
		v->nmi_window = false;   /* the core asks again: now for a step */
		return true;
	}
	if (!s->stepping)
		return false;   /* a #DB Tern did not ask for */
	step_stop(s);
	/* The guest's own single step or breakpoint, too: it gets its #DB
	 * (DR6 says which). */
	if (s->guest_tf || (b->save.dr6 & 0xF))
		inject_exception(v, VEC_DB, 0);
	return true;
}

bool svm_nmi_step_done(struct vcpu *v)
{
	struct svm_vcpu *s = to_svm(v);

	if (!s->stepping)
		return false;
	step_stop(s);
	/* The stepped instruction exited (Tern emulated it): the scheduler
	 * looks at the NMI again before the guest goes on. */
	v->nmi_window = false;
	vcpu_kick(v);
	return !s->guest_tf;
}
