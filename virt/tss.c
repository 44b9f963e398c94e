/*
 * The hardware task switch (see virt/tss.h), step by step as Intel SDM
 * Vol. 3A 7.3 "Task Switching" lists it, with the checks of its
 * Table 7-1 "Exception Conditions Checked During a Task Switch":
 *
 *   1. read and check the new TSS descriptor (faults: old task);
 *   2. read the whole new TSS, and the old TSS's save area;
 *   3. JMP and IRET clear the old descriptor's busy flag;
 *   4. save the old task's state in its TSS (IRET clears NT there);
 *   5. CALL and task gates link the new TSS back to the old one and
 *      set NT in the new EFLAGS;
 *   6. all but IRET set the new descriptor's busy flag;
 *   7. load TR, set CR0.TS: the switch is committed;
 *   8. load the new state: CR3, EFLAGS, EIP, GPRs, then LDTR and the
 *      segment registers with their checks (faults: new task);
 *   9. push the error code of an exception that came through a gate.
 *
 * A 32-bit TSS (type 9/B) and a 16-bit one (type 1/3) differ only in
 * where each field sits and how wide it is (SDM Vol. 3A Figures 7-2
 * and 7-11), so one layout table serves both.  Not emulated: the TSS's
 * debug-trap flag T (no #DB after the switch).
 */
#include "virt/tss.h"
#include "lib/le.h"

#define VEC_TS 10
#define VEC_NP 11
#define VEC_SS 12
#define VEC_GP 13
#define VEC_PF 14

#define EFLAGS_NT    (1u << 14)
#define EFLAGS_VM    (1u << 17)
#define EFLAGS_FIXED (1u << 1)
#define CR0_PG       (1ull << 31)
#define CR0_TS       (1ull << 3)
#define EXT          1u        /* error-code bit: an external event started it */

/* Access rights in the VMX layout (virt/backend.h). */
#define AR_TYPE(ar)  ((ar) & 0xFu)
#define AR_S         (1u << 4)
#define AR_DPL(ar)   (((ar) >> 5) & 3u)
#define AR_P         (1u << 7)
#define AR_DB        (1u << 14)
#define AR_G         (1u << 15)
#define AR_UNUSABLE  (1u << 16)
#define TYPE_ACCESSED 1u
#define TYPE_RW       2u       /* data: writable; code: readable */
#define TYPE_CONFORM  4u       /* code: conforming */
#define TYPE_CODE     8u
#define TYPE_BUSY     2u       /* in a TSS descriptor's type */
#define TYPE_LDT      2u
#define TYPE_TSS16    1u
#define TYPE_TSS32    9u

/* Where a TSS keeps each field (SDM Vol. 3A Figures 7-2 and 7-11). */
struct tss_layout {
	unsigned width;          /* of EIP, EFLAGS, a GPR, a selector slot */
	unsigned eip, eflags, gpr, seg, nseg, ldt, cr3;
	unsigned min_limit;      /* a smaller limit is #TS (Table 7-1) */
	unsigned size;           /* bytes read from the new TSS */
};

static const struct tss_layout tss32 = {
	.width = 4, .eip = 0x20, .eflags = 0x24, .gpr = 0x28, .seg = 0x48, .nseg = 6,
	.ldt = 0x60, .cr3 = 0x1C, .min_limit = 0x67, .size = 0x68,
};
static const struct tss_layout tss16 = {
	.width = 2, .eip = 0x0E, .eflags = 0x10, .gpr = 0x12, .seg = 0x22, .nseg = 4,
	.ldt = 0x2A, .cr3 = 0, .min_limit = 0x2B, .size = 0x2C,
};

/* The part of a TSS a switch saves the outgoing task into: EIP up to
 * the last selector slot. */
static unsigned save_start(const struct tss_layout *l) { return l->eip; }
static unsigned save_end(const struct tss_layout *l) { return l->seg + l->nseg * l->width; }

struct ctx {
	struct ts_regs *r;
	const struct ts_mem *m;
	struct ts_result *res;
	uint32_t ext;            /* EXT for error codes */
};

/* Record a fault; returns -1 so that callers can `return fault(...)`. */
static int fault(struct ctx *c, unsigned vector, bool has_error, uint32_t error)
{
	c->res->outcome = TS_FAULT;
	c->res->vector = (uint8_t)vector;
	c->res->has_error = has_error;
	c->res->error = error;
	return -1;
}

static int sel_fault(struct ctx *c, unsigned vector, uint16_t sel)
{
	return fault(c, vector, true, (sel & 0xFFFCu) | c->ext);
}

static int mem(struct ctx *c, uint64_t linear, void *buf, unsigned size, bool write, const char *what)
{
	uint32_t pf = 0;
	uint64_t cr2 = 0;
	int rc = c->m->access(c->m->ctx, c->r, linear, buf, size, write, &cr2, &pf);

	if (rc > 0) {
		c->res->cr2 = cr2;
		return fault(c, VEC_PF, true, pf);
	}
	if (rc < 0) {
		c->res->outcome = TS_STOP;
		c->res->why = what;
		return -1;
	}
	return 0;
}

/* A segment descriptor's base, limit (scaled by G) and access rights
 * (SDM Vol. 3A 3.4.5, Figure 3-8), as the VMX layout holds them. */
static void decode_desc(uint64_t d, uint16_t sel, struct vseg *s)
{
	uint32_t limit = (uint32_t)(d & 0xFFFF) | (uint32_t)((d >> 32) & 0xF0000);

	s->sel = sel;
	s->ar = (uint32_t)(d >> 40) & 0xF0FFu;
	s->limit = (s->ar & AR_G) ? (limit << 12) | 0xFFF : limit;
	s->base = ((d >> 16) & 0xFFFFFF) | ((d >> 32) & 0xFF000000ull);
}

/* The descriptor `sel` names, in the GDT or (TI = 1) the LDT: 0 with
 * *d and its address; 1 if it lies outside the table; -1 on a memory
 * fault (already recorded). */
static int read_desc(struct ctx *c, uint16_t sel, uint64_t *d, uint64_t *addr)
{
	const struct vseg *table = (sel & 4) ? &c->r->seg[SEG_LDTR] : &c->r->gdtr;

	if ((sel & 4) && (table->ar & AR_UNUSABLE))
		return 1;
	if ((uint32_t)(sel & ~7u) + 7 > table->limit)
		return 1;
	*addr = table->base + (sel & ~7u);
	return mem(c, *addr, d, 8, false, "reading a descriptor") ? -1 : 0;
}

/* Write back byte 5 (type, S, DPL, P) of the descriptor at addr. */
static int write_type_byte(struct ctx *c, uint64_t addr, uint32_t ar)
{
	uint8_t b = (uint8_t)ar;

	return mem(c, addr + 5, &b, 1, true, "writing a descriptor");
}

/* Step 1: the new TSS descriptor.  JMP, CALL and gates need an
 * available TSS, IRET a busy one (the task it returns to). */
static int check_new_tss(struct ctx *c, const struct ts_request *rq, struct vseg *tss, uint64_t *addr)
{
	unsigned bad_type = rq->source == TS_IRET ? VEC_TS : VEC_GP;
	unsigned want_busy = rq->source == TS_IRET ? TYPE_BUSY : 0;
	uint64_t d;
	int rc;

	if (rq->sel & 4)
		return sel_fault(c, bad_type, rq->sel);
	rc = read_desc(c, rq->sel, &d, addr);
	if (rc)
		return rc < 0 ? -1 : sel_fault(c, bad_type, rq->sel);
	decode_desc(d, rq->sel, tss);
	if ((tss->ar & AR_S) || (AR_TYPE(tss->ar) & ~TYPE_BUSY & ~8u) != TYPE_TSS16 ||
	    (AR_TYPE(tss->ar) & TYPE_BUSY) != want_busy)
		return sel_fault(c, bad_type, rq->sel);
	if (!(tss->ar & AR_P))
		return sel_fault(c, VEC_NP, rq->sel);
	if (tss->limit < ((AR_TYPE(tss->ar) & 8) ? tss32.min_limit : tss16.min_limit))
		return sel_fault(c, VEC_TS, rq->sel);
	return 0;
}

/* INT n, INT3 and INTO through a task gate: the gate's DPL must allow
 * the current privilege level (SDM Vol. 3A 6.12.1.1). */
static int check_gate_dpl(struct ctx *c, const struct ts_request *rq)
{
	uint64_t gate, addr = c->r->idtr.base + rq->vector * 8u;
	unsigned cpl = AR_DPL(c->r->seg[SEG_SS].ar);

	if (rq->vector * 8u + 7 > c->r->idtr.limit)
		return fault(c, VEC_GP, true, rq->vector * 8u + 2);
	if (mem(c, addr, &gate, 8, false, "reading the IDT"))
		return -1;
	if (((gate >> 45) & 3) < cpl)
		return fault(c, VEC_GP, true, rq->vector * 8u + 2);
	return 0;
}

/* Step 8's segment loads, with Table 7-1's checks: LDTR from the GDT;
 * CS a code segment of the new CPL; SS writable data at the new CPL;
 * the others data or readable code that the new CPL may use.  A
 * descriptor in use gets its accessed flag set, as the CPU does. */
static int load_seg(struct ctx *c, enum vseg_reg s, uint16_t sel, unsigned cpl)
{
	struct vseg *seg = &c->r->seg[s];
	uint64_t d, addr;
	unsigned type, dpl, rpl = sel & 3u;
	int rc;

	if (!(sel & ~3u)) {
		if (s == SEG_CS || s == SEG_SS)
			return sel_fault(c, VEC_TS, sel);
		*seg = (struct vseg){ .sel = sel, .ar = AR_UNUSABLE };
		return 0;
	}
	if (s == SEG_LDTR && (sel & 4))
		return sel_fault(c, VEC_TS, sel);
	rc = read_desc(c, sel, &d, &addr);
	if (rc)
		return rc < 0 ? -1 : sel_fault(c, VEC_TS, sel);
	struct vseg n;
	decode_desc(d, sel, &n);
	type = AR_TYPE(n.ar);
	dpl = AR_DPL(n.ar);
	if (s == SEG_LDTR) {
		if ((n.ar & AR_S) || type != TYPE_LDT || !(n.ar & AR_P))
			return sel_fault(c, VEC_TS, sel);
		*seg = n;
		return 0;
	}
	if (!(n.ar & AR_S))
		return sel_fault(c, VEC_TS, sel);
	if (s == SEG_CS) {
		if (!(type & TYPE_CODE) ||
		    ((type & TYPE_CONFORM) ? dpl > rpl : dpl != rpl))
			return sel_fault(c, VEC_TS, sel);
	} else if (s == SEG_SS) {
		if ((type & TYPE_CODE) || !(type & TYPE_RW) || rpl != cpl || dpl != cpl)
			return sel_fault(c, VEC_TS, sel);
	} else {
		if ((type & TYPE_CODE) && !(type & TYPE_RW))
			return sel_fault(c, VEC_TS, sel);
		if ((!(type & TYPE_CODE) || !(type & TYPE_CONFORM)) && (rpl > dpl || cpl > dpl))
			return sel_fault(c, VEC_TS, sel);
	}
	if (!(n.ar & AR_P))
		return sel_fault(c, s == SEG_SS ? VEC_SS : VEC_NP, sel);
	if (!(type & TYPE_ACCESSED)) {
		n.ar |= TYPE_ACCESSED;
		if (write_type_byte(c, addr, n.ar))
			return -1;
	}
	*seg = n;
	return 0;
}

/* A virtual-8086 task's segments are real-mode style (SDM Vol. 3A
 * 20.2.1), with the access rights VM entry requires (SDM Vol. 3C
 * 27.3.1.2). */
static void load_v86_seg(struct vseg *seg, uint16_t sel)
{
	*seg = (struct vseg){ .sel = sel, .base = (uint64_t)sel << 4, .limit = 0xFFFF, .ar = 0xF3 };
}

/* Step 8 after the switch: the new task's registers from its TSS. */
static int load_state(struct ctx *c, const struct tss_layout *l, const uint8_t *tss)
{
	struct ts_regs *r = c->r;
	static const enum vseg_reg order[] = { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS };
	uint16_t sel[6];
	unsigned cpl;

	if (l->cr3 && (r->cr0 & CR0_PG)) {
		r->cr3 = (uint32_t)le_get(tss + l->cr3, 4);
		c->res->cr3_loaded = true;
	}
	r->eip = (uint32_t)le_get(tss + l->eip, l->width);
	r->eflags = (uint32_t)le_get(tss + l->eflags, l->width) | EFLAGS_FIXED;
	for (unsigned i = 0; i < 8; i++)
		r->gpr[i] = (uint32_t)le_get(tss + l->gpr + i * l->width, l->width);
	/* The selectors first, then their descriptors (SDM 7.3 step 12):
	 * a fault while loading one leaves the others' selectors loaded. */
	for (unsigned i = 0; i < l->nseg; i++) {
		sel[i] = (uint16_t)le_get(tss + l->seg + i * l->width, 2);
		r->seg[order[i]].sel = sel[i];
	}
	if (load_seg(c, SEG_LDTR, (uint16_t)le_get(tss + l->ldt, 2), 0))
		return -1;
	/* A 16-bit TSS has no FS and GS: they keep what they held. */
	cpl = sel[SEG_CS] & 3u;
	for (unsigned i = 0; i < l->nseg; i++) {
		if (r->eflags & EFLAGS_VM)
			load_v86_seg(&r->seg[order[i]], sel[i]);
		else if (load_seg(c, order[i], sel[i], cpl))
			return -1;
	}
	return 0;
}

/* Step 9: an exception's error code, pushed on the new task's stack as
 * a word or doubleword by the TSS's size (SDM Vol. 3A 6.12.2). */
static int push_error(struct ctx *c, const struct tss_layout *l, uint32_t error)
{
	struct ts_regs *r = c->r;
	const struct vseg *ss = &r->seg[SEG_SS];
	bool big = ss->ar & AR_DB;     /* SS.B: ESP, else SP */
	uint32_t sp = r->gpr[4] - l->width;

	if (mem(c, ss->base + (big ? sp : sp & 0xFFFFu), &error, l->width, true,
		"pushing the error code"))
		return -1;
	r->gpr[4] = big ? sp : (r->gpr[4] & 0xFFFF0000u) | (sp & 0xFFFFu);
	return 0;
}

void tss_switch(struct ts_regs *r, const struct ts_request *rq, const struct ts_mem *m,
		struct ts_result *res)
{
	struct ctx c = { r, m, res, 0 };
	struct vseg *tr = &r->seg[SEG_TR], ntss;
	const struct tss_layout *ol, *nl;
	uint8_t old[0x68], new[0x68];
	uint64_t new_addr, old_addr;
	uint64_t d;

	*res = (struct ts_result){ .outcome = TS_DONE };
	if (rq->source == TS_GATE && !rq->software)
		c.ext = EXT;
	if (rq->source == TS_GATE && rq->software && check_gate_dpl(&c, rq))
		return;
	if (check_new_tss(&c, rq, &ntss, &new_addr))
		return;
	nl = (AR_TYPE(ntss.ar) & 8) ? &tss32 : &tss16;
	ol = (AR_TYPE(tr->ar) & 8) ? &tss32 : &tss16;

	/* Step 2.  The old TSS must hold the state it is about to save. */
	if (tr->limit < save_end(ol) - 1)
		return (void)sel_fault(&c, VEC_TS, tr->sel);
	if (mem(&c, ntss.base, new, nl->size, false, "reading the new TSS") ||
	    mem(&c, tr->base + save_start(ol), old + save_start(ol), save_end(ol) - save_start(ol), false,
		"reading the old TSS"))
		return;

	/* Step 3. */
	if (rq->source == TS_JMP || rq->source == TS_IRET) {
		int rc = read_desc(&c, tr->sel, &d, &old_addr);

		if (rc > 0)
			sel_fault(&c, VEC_TS, tr->sel);
		if (rc)
			return;
		if (write_type_byte(&c, old_addr, (uint32_t)(d >> 40) & ~TYPE_BUSY))
			return;
	}

	/* Step 4. */
	le_put(old + ol->eip, ol->width, r->eip);
	le_put(old + ol->eflags, ol->width, rq->source == TS_IRET ? r->eflags & ~EFLAGS_NT : r->eflags);
	for (unsigned i = 0; i < 8; i++)
		le_put(old + ol->gpr + i * ol->width, ol->width, r->gpr[i]);
	for (unsigned i = 0; i < ol->nseg; i++)
		le_put(old + ol->seg + i * ol->width, 2, r->seg[i].sel);
	if (mem(&c, tr->base + save_start(ol), old + save_start(ol), save_end(ol) - save_start(ol), true,
		"writing the old TSS"))
		return;

	/* Step 5.  The link field is the TSS's first word. */
	if (rq->source == TS_CALL || rq->source == TS_GATE) {
		le_put(new + nl->eflags, 2, (uint32_t)le_get(new + nl->eflags, 2) | EFLAGS_NT);
		le_put(new, 2, tr->sel);
		if (mem(&c, ntss.base, new, 2, true, "writing the new TSS's link"))
			return;
	}

	/* Step 6. */
	if (rq->source != TS_IRET) {
		ntss.ar |= TYPE_BUSY;
		if (write_type_byte(&c, new_addr, ntss.ar))
			return;
	}

	/* Step 7. */
	*tr = ntss;
	r->cr0 |= CR0_TS;
	res->committed = true;

	if (load_state(&c, nl, new))
		return;
	if (rq->source == TS_GATE && rq->has_error && push_error(&c, nl, rq->error))
		return;
	/* The new EIP must lie in the new CS (Table 7-1, last row). */
	if (!(r->eflags & EFLAGS_VM) && r->eip > r->seg[SEG_CS].limit)
		fault(&c, VEC_GP, true, 0);
}
