/*
 * The decoded exit (DESIGN.md 1): a backend turns its exit reason and
 * qualification (VMX) or exit code and EXITINFO1/2 (SVM) into one
 * struct vexit; the core handles it once for both vendors
 * (virt/exit.c) and answers with an exit_action.
 */
#ifndef TERN_VIRT_VEXIT_H
#define TERN_VIRT_VEXIT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/compiler.h"

struct vcpu;

enum vexit_kind {
	VEXIT_UNHANDLED,      /* an exit the core has no emulation for */
	VEXIT_CPUID,
	VEXIT_HYPERCALL,      /* VMCALL / VMMCALL */
	VEXIT_IO,             /* IN, OUT, INS, OUTS */
	VEXIT_RDMSR,
	VEXIT_WRMSR,
	VEXIT_CR,             /* MOV to/from CR, CLTS, LMSW */
	VEXIT_XSETBV,
	VEXIT_HLT,
	VEXIT_IRQ_WINDOW,     /* the guest can take the interrupt it was refused before */
	VEXIT_NMI_WINDOW,     /* the guest may be able to take its pending NMI now */
	VEXIT_TPR_BELOW,      /* the guest lowered its TPR below the threshold (APIC virtualization) */
	VEXIT_APIC_ACCESS,    /* an APIC-page access the CPU did not virtualize: as VEXIT_NPF */
	VEXIT_APIC_WRITE,     /* the guest wrote an APIC register (done in the virtual-APIC page) */
	VEXIT_APIC_EOI,       /* the CPU ended a level-triggered vector (virtual-interrupt delivery) */
	VEXIT_NPF,            /* EPT violation / nested page fault */
	VEXIT_NPT_MISCONFIG,  /* EPT misconfiguration / NPF with RSVD */
	VEXIT_CACHE_FLUSH,    /* INVD, WBINVD */
	VEXIT_VIRT_INSN,      /* VMX or SVM instructions: #UD for the guest */
	VEXIT_UNDEFINED,      /* GETSEC, MONITOR, MWAIT: not offered, #UD */
	VEXIT_RDPMC,          /* no performance counters are offered: #GP */
	VEXIT_TASK_SWITCH,    /* CALL/JMP to a TSS, IRET with NT, an IDT task gate (virt/task.c) */
	VEXIT_NMI,            /* a host NMI arrived while the guest ran */
	VEXIT_EXCEPTION,      /* an intercepted guest exception */
	VEXIT_INTR,           /* a host interrupt arrived */
	VEXIT_QUANTUM,        /* the slice is over (preemption timer, host timer) */
	VEXIT_SHUTDOWN,       /* triple fault */
	VEXIT_INIT,           /* INIT signal */
	VEXIT_SIPI,
	VEXIT_ENTRY_FAILED,   /* reported by the backend, which stops the guest */
	VEXIT_KINDS,
};

/* Event types.  The values are the VMX interruption types (SDM Vol. 3C
 * Table 25-17); SVM's EVENTINJ types (APM Vol. 2 15.20) agree for 0, 2,
 * 3 and 4 and have no 5 or 6 (the SVM backend re-executes those). */
enum vevent_type {
	VEVENT_EXT_INTR = 0, VEVENT_NMI = 2, VEVENT_HW_EXCEPTION = 3, VEVENT_SW_INTR = 4,
	VEVENT_PRIV_SW_EXCEPTION = 5, VEVENT_SW_EXCEPTION = 6,
};

struct vevent {
	bool valid;
	bool has_error;
	uint8_t type;             /* enum vevent_type */
	uint8_t vector;
	uint32_t error;
	uint32_t insn_len;        /* software events: the length to skip */
};

/* Nested-page-fault access bits (what the guest tried).  The values are
 * those of the VMX exit qualification (SDM Vol. 3C Table 28-7): bits 0-2,
 * and bits 7/8, "linear address valid" / "the access was to the
 * translated address" -- both set for an instruction's own access, bit 8
 * clear for a guest paging-structure walk.  SVM sets them from
 * EXITINFO1's final-address/page-walk bits. */
#define NPF_READ   (1u << 0)
#define NPF_WRITE  (1u << 1)
#define NPF_FETCH  (1u << 2)
#define NPF_LINEAR (1u << 7)
#define NPF_FINAL  (1u << 8)

/* I/O exit flags.  The values are those of the VMX exit qualification
 * (SDM Vol. 3C Table 28-5), so that backend copies them in one step. */
#define VIO_IN     (1u << 3)
#define VIO_STRING (1u << 4)
#define VIO_REP    (1u << 5)

enum cr_access_type { CR_MOV_TO, CR_MOV_FROM, CR_CLTS, CR_LMSW, CR_SMSW };

struct vexit {
	enum vexit_kind kind;
	uint32_t reason;          /* the backend's raw reason, for messages */
	uint32_t insn_len;        /* of the exiting instruction, where known */
	/* An event whose delivery the exit cut off (SDM Vol. 3C 28.2.4,
	 * APM Vol. 2 15.7.2 EXITINTINFO): the core delivers it again. */
	struct vevent vectoring;
	uint8_t cpl;              /* HYPERCALL, XSETBV: the privilege level */
	union {
		struct {
			uint16_t port;
			uint8_t size;         /* 1, 2 or 4 */
			uint8_t flags;        /* VIO_* */
			uint8_t addr_size;    /* string I/O: 2, 4 or 8 bytes */
			uint8_t seg;          /* OUTS: the source segment (enum vseg_reg) */
		} io;
		struct {
			uint8_t cr, type, gpr; /* enum cr_access_type; GPR for MOV, SMSW */
			uint8_t smsw_size;     /* SMSW to a register: operand size */
			uint16_t lmsw_source;
		} cr;
		struct {
			uint64_t gpa;
			unsigned access;      /* NPF_* */
		} npf;                    /* also VEXIT_APIC_ACCESS */
		struct {
			uint16_t offset;      /* of the register in the APIC page; VEXIT_APIC_EOI: the vector */
		} apic_write;
		struct {
			uint8_t vector;
			bool has_error;
			uint32_t error;
		} exc;
		struct {
			uint8_t vector;
			bool acked;           /* the exit acknowledged it: EOI due */
		} intr;
		/* The backend does not deliver `event` again and has dropped
		 * any STI/MOV-SS shadow; insn_len is the length of the
		 * instruction that started the switch (0 for an event the
		 * CPU raised), which the old task resumes after. */
		struct {
			uint16_t sel;         /* the new task's TSS */
			uint8_t source;       /* enum ts_source (virt/tss.h) */
			struct vevent event;  /* TS_GATE: what went through the IDT's task gate */
		} task;
	};
};

/* EXIT_ADVANCE is 0: the commonest answer costs the fewest instructions. */
enum exit_action {
	EXIT_ADVANCE,    /* the instruction was emulated: skip it and re-enter */
	EXIT_RESUME,     /* re-enter the guest at the same RIP (e.g. after a nested page fault) */
	EXIT_SCHEDULE,   /* back to the scheduler (time slice over) */
	EXIT_ADVANCE_SCHEDULE,  /* skip the instruction, then back to the scheduler (yield) */
	EXIT_STOP,       /* the guest is finished: vm_stop()/vm_exit() said why */
};


typedef enum exit_action (*exit_handler_fn)(struct vcpu *v, const struct vexit *e);

/* The core's handler of each kind (virt/exit.c).  Backends reach them
 * through vexit_handle() (virt/vcpu.h), inlined into their dispatchers:
 * the backend counts nothing and emulates nothing, it decodes, calls
 * the core, and acts on the answer (skipping the instruction for
 * EXIT_ADVANCE). */
extern const exit_handler_fn vexit_handlers[VEXIT_KINDS];

#endif
