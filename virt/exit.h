/* The core's exit handlers, one per decoded exit kind (virt/exit.c
 * dispatches), and the event-injection helpers they share. */
#ifndef TERN_VIRT_EXIT_H
#define TERN_VIRT_EXIT_H

#include <stdbool.h>
#include <stdint.h>

#include "virt/backend.h"
#include "virt/vexit.h"

struct vcpu;

/* Handlers, by file. */
HOT_PATH enum exit_action handle_cpuid(struct vcpu *v, const struct vexit *e);     /* cpuid.c */
HOT_PATH enum exit_action handle_io(struct vcpu *v, const struct vexit *e);        /* io.c */
HOT_PATH enum exit_action handle_hypercall(struct vcpu *v, const struct vexit *e); /* hypercall.c */
enum exit_action handle_cr_access(struct vcpu *v, const struct vexit *e);          /* cr.c */
enum exit_action handle_task_switch(struct vcpu *v, const struct vexit *e);        /* task.c */
/* CR0 and CR3 as a task switch loads them: EXIT_ADVANCE, or #GP(0)
 * injected for bad PAE PDPTEs (cr.c). */
enum exit_action cr_task_switch(struct vcpu *v, uint64_t cr0, uint64_t cr3);
enum exit_action handle_rdmsr(struct vcpu *v, const struct vexit *e);              /* msr.c */
enum exit_action handle_wrmsr(struct vcpu *v, const struct vexit *e);
HOT_PATH enum exit_action handle_npf(struct vcpu *v, const struct vexit *e);       /* npf.c */
enum exit_action handle_npt_misconfig(struct vcpu *v, const struct vexit *e);
enum exit_action handle_apic_write(struct vcpu *v, const struct vexit *e);           /* mmio.c */
enum exit_action handle_apic_eoi(struct vcpu *v, const struct vexit *e);
enum exit_action handle_irq_window(struct vcpu *v, const struct vexit *e);         /* irq.c */
enum exit_action handle_hlt(struct vcpu *v, const struct vexit *e);                /* misc.c */
enum exit_action handle_xsetbv(struct vcpu *v, const struct vexit *e);
enum exit_action handle_cache_flush(struct vcpu *v, const struct vexit *e);
enum exit_action handle_shutdown(struct vcpu *v, const struct vexit *e);
enum exit_action handle_undefined(struct vcpu *v, const struct vexit *e);
enum exit_action handle_rdpmc(struct vcpu *v, const struct vexit *e);
enum exit_action handle_reschedule(struct vcpu *v, const struct vexit *e);
enum exit_action handle_host_interrupt(struct vcpu *v, const struct vexit *e);
enum exit_action handle_nmi(struct vcpu *v, const struct vexit *e);
enum exit_action handle_exception(struct vcpu *v, const struct vexit *e);
enum exit_action handle_ignore(struct vcpu *v, const struct vexit *e);

/* Carry out the instruction that touched `gpa`, a device's MMIO, with
 * dev answering (virt/mmio.c). */
struct mmio_access;
enum exit_action vcpu_emulate_mmio(struct vcpu *v, uint64_t gpa, const struct mmio_access *dev);

/* Event injection through the backend (virt/inject.c). */
#define VEC_DE 0
#define VEC_DB 1
#define VEC_UD 6
#define VEC_DF 8
#define VEC_GP 13
#define VEC_PF 14
void inject_exception(struct vcpu *v, unsigned vector, uint32_t error_code);
enum exit_action inject_gp0(struct vcpu *v);
enum exit_action inject_ud(struct vcpu *v);
void inject_page_fault(struct vcpu *v, uint64_t linear, uint32_t error_code);
/* Deliver again an event whose delivery the exit cut off. */
static inline HOT_PATH void reinject_vectoring_event(struct vcpu *v, const struct vexit *e)
{
	if (unlikely(e->vectoring.valid))
		backend->inject(v, &e->vectoring);
}

#endif
