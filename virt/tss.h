/*
 * The hardware task switch (Intel SDM Vol. 3A 7.3, AMD APM Vol. 2
 * 12.3), emulated for a guest that switches tasks with CALL or JMP to a
 * TSS or task gate, IRET with EFLAGS.NT, or an IDT task gate.  VMX
 * cannot run a task switch in the guest (SDM Vol. 3C 26.4.2: it always
 * exits) and Tern intercepts it under SVM too, so both backends reach
 * this one emulation (virt/task.c glues it to a vCPU).
 *
 * Pure code: it works on a snapshot of the registers a task switch
 * reads and writes, and reaches guest memory by linear address through
 * a callback, so tests/test_tss.c runs it against a fake memory.
 */
#ifndef TERN_VIRT_TSS_H
#define TERN_VIRT_TSS_H

#include <stdbool.h>
#include <stdint.h>

#include "virt/backend.h"

/* What started the switch, in the order of the VMX exit qualification
 * bits 31:30 (SDM Vol. 3C Table 28-2). */
enum ts_source { TS_CALL, TS_IRET, TS_JMP, TS_GATE };

/* The registers a task switch reads or writes (outside IA-32e mode
 * only the low 32 bits of a GPR count). */
struct ts_regs {
	uint32_t gpr[8];          /* EAX..EDI in register-number order */
	uint32_t eip, eflags;
	uint64_t cr0, cr3;
	struct vseg seg[8];       /* ES CS SS DS FS GS LDTR TR (enum vseg_reg) */
	struct vseg gdtr, idtr;
};

struct ts_request {
	uint16_t sel;             /* the new task's TSS selector */
	enum ts_source source;
	/* TS_GATE: the event delivered through the IDT task gate. */
	uint8_t vector;
	bool software;            /* INT n, INT3, INTO: the gate's DPL is checked */
	bool has_error;           /* an exception's error code, pushed on the new stack */
	uint32_t error;
};

/* How a switch ended. */
enum ts_outcome {
	TS_DONE,      /* the new task runs */
	TS_FAULT,     /* deliver `vector` (in the new task if `committed`) */
	TS_STOP,      /* guest memory outside its RAM: `why` says which access */
};

struct ts_result {
	enum ts_outcome outcome;
	bool committed;           /* TR and the registers hold the new task */
	bool cr3_loaded;          /* the new TSS's CR3 was loaded (32-bit TSS, paging on) */
	uint8_t vector;
	bool has_error;
	uint32_t error;
	uint64_t cr2;             /* #PF: the faulting linear address */
	const char *why;
};

/* Guest memory by linear address, with the rights of an implicit
 * supervisor access (SDM Vol. 3A 4.6) under r's CR0 and CR3: 0; 1 with
 * *cr2 and *pf set for the #PF the access takes; -1 outside the guest's
 * RAM. */
struct ts_mem {
	void *ctx;
	int (*access)(void *ctx, const struct ts_regs *r, uint64_t linear, void *buf, unsigned size,
		      bool write, uint64_t *cr2, uint32_t *pf);
};

/* Switch r from the current task (TR) to rq->sel.  For CALL, JMP, IRET
 * and software interrupts r->eip must already point past the
 * instruction: that is where the old task resumes. */
void tss_switch(struct ts_regs *r, const struct ts_request *rq, const struct ts_mem *m,
		struct ts_result *res);

#endif
