/* VMX exit information -> the core's decoded exit (SDM Vol. 3C 28.2).
 * Pure: raw VMCS values in, struct vexit out, so tests/test_vmxdecode.c
 * checks it without a VMCS; inline, because they sit on the exit path. */
#ifndef TERN_VMX_DECODE_H
#define TERN_VMX_DECODE_H

#include <stdint.h>

#include "virt/vexit.h"
#include "vmx/vmx_controls.h"

/* Name of a basic exit reason ("CPUID", "EPT violation", ...). */
const char *exit_reason_name(uint32_t reason);

/* I/O exit qualification (Table 28-5) and, for INS/OUTS, the VM-exit
 * instruction information (28.2.5: address size in bits 9:7, segment
 * in bits 17:15). */
static inline void vmx_decode_io(struct vexit *e, uint64_t qual)
{
	e->io.size = (uint8_t)((qual & 7) + 1);
	e->io.flags = qual & (VIO_IN | VIO_STRING | VIO_REP);   /* same bits */
	e->io.port = (uint16_t)(qual >> 16);
}

static inline void vmx_decode_string_io(struct vexit *e, uint32_t insn_info)
{
	/* 0, 1, 2: 16, 32, 64 bits; 3 is not used -- taken as 64 rather
	 * than let a 128-bit mask reach the string I/O code. */
	static const uint8_t sizes[4] = { 2, 4, 8, 8 };

	e->io.addr_size = sizes[(insn_info >> 7) & 3];
	e->io.seg = (uint8_t)((insn_info >> 15) & 7);   /* ES..GS: the order of enum vseg_reg */
}

/* Control-register access qualification (Table 28-3). */
static inline void vmx_decode_cr(struct vexit *e, uint64_t qual)
{
	e->cr.cr = qual & 15;
	e->cr.type = (qual >> 4) & 3;   /* 0 MOV to, 1 MOV from, 2 CLTS, 3 LMSW */
	e->cr.gpr = (qual >> 8) & 15;
	e->cr.lmsw_source = (uint16_t)(qual >> 16);
}

/* EPT violation qualification (Table 28-7): bits 0-2 = read, write,
 * instruction fetch; 7 and 8, whether the access was the translated one
 * (the same bits in npf.access). */
static inline void vmx_decode_ept(struct vexit *e, uint64_t qual, uint64_t gpa)
{
	e->npf.gpa = gpa;
	e->npf.access = (unsigned)(qual & (NPF_READ | NPF_WRITE | NPF_FETCH | NPF_LINEAR | NPF_FINAL));
}

/* APIC-access exit qualification (Table 28-6): the offset in the page
 * (11:0) and the access type (15:12).  Linear reads and writes (0, 1)
 * are MMIO accesses at page + offset; fetches and accesses during event
 * delivery or page walks are not emulated (VEXIT_UNHANDLED). */
static inline void vmx_decode_apic_access(struct vexit *e, uint64_t qual, uint64_t page)
{
	unsigned type = (qual >> 12) & 0xF;

	e->npf.gpa = page | (qual & 0xFFF);
	e->npf.access = (type == 1 ? NPF_WRITE : NPF_READ) | NPF_LINEAR | NPF_FINAL;
	if (type > 1)
		e->kind = VEXIT_UNHANDLED;
}

/* IDT-vectoring or VM-exit interruption information (Table 25-19). */
static inline void vmx_decode_event(struct vevent *ev, uint32_t info, uint32_t error, uint32_t insn_len)
{
	ev->valid = info & INTR_INFO_VALID;
	ev->vector = (uint8_t)(info & INTR_INFO_VECTOR_MASK);
	ev->type = (uint8_t)((info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT);
	ev->has_error = info & INTR_INFO_DELIVER_ERROR_CODE;
	ev->error = error;
	ev->insn_len = insn_len;
}

/* Task-switch exit qualification (Table 28-2): the new TSS's selector
 * in bits 15:0, the source in bits 31:30 (0 CALL, 1 IRET, 2 JMP, 3 an
 * IDT task gate, whose event the IDT-vectoring information holds).  The
 * instruction length counts for CALL, IRET, JMP and software events
 * (28.2.5); the core skips it before the old task's state is saved. */
static inline void vmx_decode_task_switch(struct vexit *e, uint64_t qual, uint32_t idt_info,
					  uint32_t idt_error, uint32_t insn_len)
{
	struct vevent *ev = &e->task.event;

	e->task.sel = (uint16_t)qual;
	e->task.source = (uint8_t)((qual >> 30) & 3);
	vmx_decode_event(ev, idt_info, idt_error, 0);
	ev->valid = ev->valid && e->task.source == 3;
	e->insn_len = !ev->valid || ev->type == INTR_TYPE_SW_INTERRUPT ||
		      ev->type == INTR_TYPE_PRIV_SW_EXCEPTION || ev->type == INTR_TYPE_SW_EXCEPTION ?
		      insn_len : 0;
	e->vectoring.valid = false;   /* the switch delivers it, not a re-injection */
}

#endif
