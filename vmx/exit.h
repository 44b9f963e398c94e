/* The VM-exit dispatcher and what handlers return (DESIGN.md 1). */
#ifndef TERN_VMX_EXIT_H
#define TERN_VMX_EXIT_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

enum exit_action {
	EXIT_RESUME,     /* re-enter the guest at the same RIP (e.g. after an EPT fault) */
	EXIT_ADVANCE,    /* the instruction was emulated: skip it and re-enter */
	EXIT_SCHEDULE,   /* back to the scheduler (time slice over, yield) */
	EXIT_STOP,       /* the guest is finished: vm_stop()/vm_exit() said why */
};

typedef enum exit_action (*exit_handler_fn)(struct vcpu *v);

/* Functions on the path of every exit skip the frame-pointer prologue:
 * at ~100 instructions per exit, three each are worth it. */
#define HOT_PATH __attribute__((optimize("omit-frame-pointer")))

/* Called by vmx/entry.asm for every exit: 0 = resume the guest. */
int vmx_exit_dispatch(struct vcpu *v);

/* Name of a basic exit reason ("CPUID", "EPT violation", ...). */
const char *exit_reason_name(unsigned reason);

/* Handlers, by file. */
HOT_PATH enum exit_action handle_cpuid(struct vcpu *v);  /* vmx/exit_cpuid.c */
HOT_PATH enum exit_action handle_io(struct vcpu *v);     /* vmx/exit_io.c */
enum exit_action handle_cr_access(struct vcpu *v);       /* vmx/exit_cr.c */
enum exit_action handle_rdmsr(struct vcpu *v);           /* vmx/exit_msr.c */
enum exit_action handle_wrmsr(struct vcpu *v);
enum exit_action handle_ept_violation(struct vcpu *v);   /* vmx/exit_ept.c */
enum exit_action handle_ept_misconfig(struct vcpu *v);
HOT_PATH enum exit_action handle_vmcall(struct vcpu *v); /* vmx/hypercall.c */
enum exit_action handle_hlt(struct vcpu *v);             /* vmx/exit_misc.c */
enum exit_action handle_xsetbv(struct vcpu *v);
enum exit_action handle_cache_flush(struct vcpu *v);
enum exit_action handle_triple_fault(struct vcpu *v);
enum exit_action handle_vmx_instruction(struct vcpu *v);
enum exit_action handle_undefined(struct vcpu *v);
enum exit_action handle_reschedule(struct vcpu *v);
enum exit_action handle_exception_nmi(struct vcpu *v);
enum exit_action handle_ignore(struct vcpu *v);
enum exit_action handle_entry_failure(struct vcpu *v, uint32_t reason);

/* Event injection (vmx/inject.c; SDM Vol. 3C 27.6 "Event Injection"). */
#define VEC_DE 0
#define VEC_UD 6
#define VEC_DF 8
#define VEC_GP 13
#define VEC_PF 14
void inject_exception(struct vcpu *v, unsigned vector, uint32_t error_code);
enum exit_action inject_gp0(struct vcpu *v);
enum exit_action inject_ud(struct vcpu *v);
void inject_page_fault(struct vcpu *v, uint64_t linear, uint32_t error_code);
/* Re-deliver an event whose delivery this exit interrupted (27.2.4). */
void reinject_vectoring_event(struct vcpu *v);

/* Skip the exiting instruction (VM-exit instruction length, 28.2.5). */
HOT_PATH void advance_rip(struct vcpu *v);

/* CR0/CR4 as the guest sees them: bits in the guest/host mask come
 * from the read shadow, all others from the real guest register
 * (SDM Vol. 3C 25.6.6). */
uint64_t guest_visible_cr0(void);
uint64_t guest_visible_cr4(void);
/* The guest runs 64-bit code (CS.L): only then do registers count in
 * full; otherwise their low 32 bits do. */
bool guest_in_64bit_code(void);

/* Guest GPR n as seen by a MOV-CR/DR qualification (4 = RSP, from the VMCS). */
uint64_t guest_gpr(struct vcpu *v, unsigned n);
void set_guest_gpr(struct vcpu *v, unsigned n, uint64_t value);

#endif
