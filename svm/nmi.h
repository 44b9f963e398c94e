/* The guest's NMI blocking on SVM, kept by Tern (svm/nmi.c). */
#ifndef TERN_SVM_NMI_H
#define TERN_SVM_NMI_H

#include <stdbool.h>

struct vcpu;

/* An NMI goes in at the next VMRUN: NMIs are blocked until its IRET. */
void svm_nmi_injected(struct vcpu *v);
/* backend->nmi_injectable, backend->nmi_window. */
bool svm_nmi_injectable(struct vcpu *v);
void svm_nmi_window(struct vcpu *v, bool on);
/* At an IRET or #DB intercept: true if it was the NMI machinery's own
 * (the IRET intercept, the step's #DB), which the core then sees as
 * VEXIT_NMI_WINDOW. */
bool svm_nmi_exit(struct vcpu *v);
/* Tern completed an instruction with TF set (svm_step_trap): if the
 * step was Tern's, end it; true if the guest gets no #DB for it (TF was
 * not its own). */
bool svm_nmi_step_done(struct vcpu *v);

#endif
