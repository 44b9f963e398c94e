/* The local APIC model (lapic.h).  Section numbers are Intel SDM Vol. 3A. */
#include "devices/lapic.h"

#define VERSION_VALUE  (0x14u | (LAPIC_LVT_COUNT - 1) << 16)   /* integrated APIC, 6 LVTs */
#define ESR_SEND_ILLEGAL    (1u << 5)
#define ESR_RECEIVE_ILLEGAL (1u << 6)
#define TIMER_MODE(l)  (((l)->lvt[0] >> 17) & 3)
#define TIMER_ONESHOT  0
#define TIMER_PERIODIC 1
#define TIMER_DEADLINE 2

/* Writable bits of each LVT (Figure 11-8): vector and mask everywhere,
 * the timer's mode, the delivery mode of thermal/perf/LINT, LINT's
 * polarity and trigger mode. */
static const uint32_t lvt_writable[LAPIC_LVT_COUNT] = {
	0x000600FF | LVT_MASK, 0x000007FF | LVT_MASK, 0x000007FF | LVT_MASK,
	0x0000A7FF | LVT_MASK, 0x0000A7FF | LVT_MASK, 0x000000FF | LVT_MASK,
};

/* ---- the registers in the page ---- */

#define REG(l, off) ((l)->regs[(off) / 4])
#define IRR(l) (&REG(l, LAPIC_IRR))
#define ISR(l) (&REG(l, LAPIC_ISR))
#define TMR(l) (&REG(l, LAPIC_TMR))

/* A 256-bit register is eight 32-bit words at a 16-byte stride (11.4.1). */
static void set_bit(uint32_t *r, unsigned v) { r[v / 32 * 4] |= 1u << (v % 32); }
static void clear_bit(uint32_t *r, unsigned v) { r[v / 32 * 4] &= ~(1u << (v % 32)); }
static bool test_bit(const uint32_t *r, unsigned v) { return r[v / 32 * 4] & (1u << (v % 32)); }

static int highest(const uint32_t *r)
{
	for (int i = 7; i >= 0; i--)
		if (r[i * 4])
			return i * 32 + 31 - __builtin_clz(r[i * 4]);
	return -1;
}

/* ---- priorities (11.8.3.1) ---- */

static uint32_t ppr(const struct lapic *l)
{
	int isrv = highest(ISR(l));
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xF0;

	return (lapic_tpr(l) & 0xF0) >= isr_class ? lapic_tpr(l) : isr_class;
}

static bool sw_enabled(const struct lapic *l)
{
	return l->svr & SVR_ENABLE;
}

int lapic_pending(const struct lapic *l)
{
	int irrv = highest(IRR(l));

	if (!lapic_enabled(l) || !sw_enabled(l) || irrv < 0)
		return -1;
	return ((uint32_t)irrv & 0xF0) > (ppr(l) & 0xF0) ? irrv : -1;
}

uint8_t lapic_ack(struct lapic *l)
{
	int v = lapic_pending(l);

	if (v < 0)   /* nothing above PPR: the spurious vector (11.9) */
		return (uint8_t)(l->svr & 0xFF);
	clear_bit(IRR(l), (unsigned)v);
	set_bit(ISR(l), (unsigned)v);
	l->page_stale = true;
	return (uint8_t)v;
}

bool lapic_extint(const struct lapic *l)
{
	if (!lapic_enabled(l))
		return true;   /* a disabled LAPIC leaves INTR to the 8259 (11.4.3) */
	return !(l->lvt[3] & LVT_MASK) && LVT_DELIVERY(l->lvt[3]) == DELIVERY_EXTINT;
}

void lapic_accept(struct lapic *l, uint8_t vector, bool level)
{
	if (vector < 16) {   /* vectors 0-15 are illegal (11.5.2) */
		l->esr_pending |= ESR_RECEIVE_ILLEGAL;
		return;
	}
	if (!lapic_enabled(l) || !sw_enabled(l))
		return;
	set_bit(IRR(l), vector);
	if (level)
		set_bit(TMR(l), vector);
	else
		clear_bit(TMR(l), vector);
	l->page_stale = true;
}

static void eoi(struct lapic *l)
{
	int v = highest(ISR(l));

	if (v < 0)
		return;
	clear_bit(ISR(l), (unsigned)v);
	if (test_bit(TMR(l), (unsigned)v))
		l->eoi_level_vector = v;   /* the I/O APIC clears its remote IRR */
}

/* ---- the timer (11.5.4) ---- */

static uint64_t divisor(const struct lapic *l)
{
	unsigned d = (l->timer_div & 3) | ((l->timer_div >> 1) & 4);   /* bits 0, 1, 3 */
	return d == 7 ? 1 : 2ull << d;
}

static uint32_t current_count(const struct lapic *l, uint64_t now)
{
	uint64_t ticks;

	if (!l->timer_armed || !l->timer_init || TIMER_MODE(l) == TIMER_DEADLINE)
		return 0;
	ticks = (now - l->timer_start) / divisor(l);
	if (TIMER_MODE(l) == TIMER_PERIODIC)
		return l->timer_init - (uint32_t)(ticks % l->timer_init);
	return ticks >= l->timer_init ? 0 : l->timer_init - (uint32_t)ticks;
}

static uint64_t next_expiry(const struct lapic *l)
{
	if (TIMER_MODE(l) == TIMER_DEADLINE)
		return l->deadline;
	if (!l->timer_armed || !l->timer_init)
		return LAPIC_NEVER;
	return l->timer_start + (uint64_t)l->timer_init * divisor(l);
}

static void fire(struct lapic *l)
{
	if (!(l->lvt[0] & LVT_MASK))
		lapic_accept(l, (uint8_t)(l->lvt[0] & 0xFF), false);
}

uint64_t lapic_timer_run(struct lapic *l, uint64_t now)
{
	uint64_t due = next_expiry(l);

	if (due == LAPIC_NEVER || now < due)
		return due;
	fire(l);   /* once, however many periods passed: a missed tick is lost */
	if (TIMER_MODE(l) == TIMER_DEADLINE) {
		l->deadline = LAPIC_NEVER;
	} else if (TIMER_MODE(l) == TIMER_PERIODIC) {
		uint64_t period = (uint64_t)l->timer_init * divisor(l);
		l->timer_start += (now - l->timer_start) / period * period;
	} else {
		l->timer_armed = false;
	}
	return next_expiry(l);
}

void lapic_set_deadline(struct lapic *l, uint64_t clock)
{
	if (TIMER_MODE(l) == TIMER_DEADLINE)
		l->deadline = clock ? clock : LAPIC_NEVER;
}

/* ---- IPIs (11.6) ---- */

bool lapic_is_destination(const struct lapic *l, uint32_t dest, bool logical)
{
	bool x2 = lapic_x2apic(l);

	if (!logical)
		return dest == (x2 ? 0xFFFFFFFFu : 0xFFu) || dest == l->id;
	if (x2)   /* cluster in 31:16, a bit per APIC in 15:0 (11.12.10.2) */
		return (dest >> 16 == l->ldr >> 16 || dest >> 16 == 0xFFFF) && (dest & l->ldr & 0xFFFF);
	if (dest == 0xFF)
		return true;
	if ((l->dfr >> 28) == 0xF)   /* flat model: a bit per APIC */
		return dest & (l->ldr >> 24);
	return (dest >> 4) == (l->ldr >> 28) && (dest & (l->ldr >> 24) & 0xF);   /* cluster */
}

static void send_ipi(struct lapic *l, uint32_t lo, uint32_t dest)
{
	unsigned vector = lo & 0xFF, mode = (lo >> 8) & 7, shorthand = (lo >> 18) & 3;
	bool to_self = shorthand == 1 || shorthand == 2 ||
		       (shorthand == 0 && lapic_is_destination(l, dest, lo & (1u << 11)));

	/* Fixed, lowest priority and NMI go to the APICs named; with one
	 * vCPU that is this one or none.  An NMI has no vector (11.6.1).
	 * INIT, SIPI, SMI need other CPUs. */
	if (mode == DELIVERY_NMI) {
		l->nmi |= to_self;
		return;
	}
	if (mode > 1)
		return;
	if (vector < 16) {
		l->esr_pending |= ESR_SEND_ILLEGAL;
		return;
	}
	if (to_self)
		lapic_accept(l, (uint8_t)vector, false);
}

/* ---- registers ---- */

static int lvt_index(unsigned offset)
{
	return offset >= LAPIC_LVT_TIMER && offset <= LAPIC_LVT_ERROR ?
		       (int)((offset - LAPIC_LVT_TIMER) / 16) : -1;
}

static uint32_t read_reg(const struct lapic *l, unsigned offset, uint64_t now)
{
	int lvt = lvt_index(offset);

	if (lvt >= 0)
		return l->lvt[lvt];
	if (offset >= LAPIC_ISR && offset < LAPIC_IRR + 0x80)
		return REG(l, offset);   /* ISR, TMR, IRR */
	switch (offset) {
	case LAPIC_ID: return lapic_x2apic(l) ? l->id : l->id << 24;
	case LAPIC_VERSION: return VERSION_VALUE;
	case LAPIC_TPR: return lapic_tpr(l);
	case LAPIC_PPR: return ppr(l);
	case LAPIC_LDR: return l->ldr;
	case LAPIC_DFR: return l->dfr;
	case LAPIC_SVR: return l->svr;
	case LAPIC_ESR: return l->esr;
	case LAPIC_ICR_LO: return l->icr_lo;
	case LAPIC_ICR_HI: return l->icr_hi;
	case LAPIC_TIMER_INIT: return l->timer_init;
	case LAPIC_TIMER_CUR: return current_count(l, now);
	case LAPIC_TIMER_DIV: return l->timer_div;
	default: return 0;   /* APR, RRD, EOI and reserved offsets */
	}
}

static void write_lvt(struct lapic *l, int i, uint32_t value)
{
	uint32_t old_mode = TIMER_MODE(l);

	if (!sw_enabled(l))
		value |= LVT_MASK;   /* software-disabled: masks stay set (11.4.7.2) */
	l->lvt[i] = value & lvt_writable[i];
	if (i == 0 && old_mode != TIMER_MODE(l)) {
		l->timer_armed = false;   /* 11.5.4.1: a write that changes the mode disarms */
		l->deadline = LAPIC_NEVER;
	}
}

static void write_svr(struct lapic *l, uint32_t value)
{
	l->svr = value & 0x3FF;   /* vector, APIC software enable, focus checking */
	if (!sw_enabled(l))
		for (int i = 0; i < LAPIC_LVT_COUNT; i++)
			l->lvt[i] |= LVT_MASK;
}

/* Writes common to both modes; the caller has checked the mode's rules. */
static void write_reg(struct lapic *l, unsigned offset, uint32_t value, uint64_t now)
{
	int lvt = lvt_index(offset);

	l->page_stale = true;   /* whatever it was, the page shows it next */
	if (lvt >= 0) {
		write_lvt(l, lvt, value);
		return;
	}
	switch (offset) {
	case LAPIC_TPR: REG(l, LAPIC_TPR) = value & 0xFF; break;
	case LAPIC_EOI: eoi(l); break;
	case LAPIC_LDR: if (!lapic_x2apic(l)) l->ldr = value & 0xFF000000u; break;
	case LAPIC_DFR: if (!lapic_x2apic(l)) l->dfr = value | 0x0FFFFFFFu; break;
	case LAPIC_SVR: write_svr(l, value); break;
	case LAPIC_ESR: l->esr = l->esr_pending; l->esr_pending = 0; break;
	case LAPIC_ICR_HI: l->icr_hi = value & 0xFF000000u; break;
	case LAPIC_ICR_LO:
		l->icr_lo = value & 0x000CCFFFu;   /* delivery status reads 0: sent at once */
		send_ipi(l, l->icr_lo, lapic_x2apic(l) ? l->icr_hi : l->icr_hi >> 24);
		break;
	case LAPIC_TIMER_INIT:
		if (TIMER_MODE(l) == TIMER_DEADLINE)
			break;   /* ignored in TSC-deadline mode (11.5.4.1) */
		l->timer_init = value;
		l->timer_start = now;
		l->timer_armed = value != 0;
		break;
	case LAPIC_TIMER_DIV: {
		/* Keep the count where it is, at the new rate from now on. */
		uint32_t left = current_count(l, now);
		l->timer_div = value & 0xB;
		if (l->timer_armed && TIMER_MODE(l) == TIMER_ONESHOT)
			l->timer_start = now - (uint64_t)(l->timer_init - left) * divisor(l);
		break;
	}
	default:
		break;   /* read-only and reserved registers ignore writes */
	}
}

uint32_t lapic_mmio_read(struct lapic *l, unsigned offset, uint64_t now)
{
	if (lapic_x2apic(l))
		return 0;   /* the MMIO page is gone in x2APIC mode (11.12.1.2) */
	return read_reg(l, offset & 0xFF0, now);
}

void lapic_mmio_write(struct lapic *l, unsigned offset, uint32_t value, uint64_t now)
{
	if (!lapic_x2apic(l) && offset != LAPIC_SELF_IPI)
		write_reg(l, offset & 0xFF0, value, now);
}

/* ---- x2APIC MSRs (11.12.1.2, Table 11-6) ---- */

static bool x2apic_readable(unsigned offset)
{
	switch (offset) {
	case LAPIC_ID: case LAPIC_VERSION: case LAPIC_TPR: case LAPIC_PPR: case LAPIC_LDR:
	case LAPIC_SVR: case LAPIC_ESR: case LAPIC_ICR_LO: case LAPIC_TIMER_INIT:
	case LAPIC_TIMER_CUR: case LAPIC_TIMER_DIV:
		return true;
	default:   /* ISR, TMR, IRR (100h-27Fh) and the LVTs */
		return (offset >= LAPIC_ISR && offset < LAPIC_IRR + 0x80) || lvt_index(offset) >= 0;
	}
}

int lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *value, uint64_t now)
{
	unsigned offset = (msr - 0x800) * 16;

	if (!lapic_x2apic(l) || msr < 0x800 || msr > 0x8FF || !x2apic_readable(offset))
		return -1;
	*value = read_reg(l, offset, now);
	if (offset == LAPIC_ICR_LO)
		*value |= (uint64_t)l->icr_hi << 32;
	return 0;
}

int lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t value, uint64_t now)
{
	unsigned offset = (msr - 0x800) * 16;

	if (!lapic_x2apic(l) || msr < 0x800 || msr > 0x8FF)
		return -1;
	switch (offset) {
	case LAPIC_TPR: case LAPIC_SVR: case LAPIC_TIMER_INIT: case LAPIC_TIMER_DIV:
	case LAPIC_LVT_TIMER: case LAPIC_LVT_THERMAL: case LAPIC_LVT_PERF:
	case LAPIC_LVT_LINT0: case LAPIC_LVT_LINT1: case LAPIC_LVT_ERROR:
		if (value >> 32)
			return -1;
		write_reg(l, offset, (uint32_t)value, now);
		return 0;
	case LAPIC_EOI: case LAPIC_ESR:
		if (value)
			return -1;   /* must be written with 0 */
		write_reg(l, offset, 0, now);
		return 0;
	case LAPIC_ICR_LO:
		l->icr_hi = (uint32_t)(value >> 32);
		write_reg(l, offset, (uint32_t)value, now);
		return 0;
	case LAPIC_SELF_IPI:
		if (value >> 8)
			return -1;
		send_ipi(l, (uint32_t)value | 1u << 18, 0);
		return 0;
	default:
		return -1;   /* read-only or reserved */
	}
}

void lapic_lint_edge(struct lapic *l, unsigned pin)
{
	uint32_t lvt = l->lvt[3 + (pin & 1)];

	if (!lapic_enabled(l) || (lvt & LVT_MASK))
		return;
	if (LVT_DELIVERY(lvt) == DELIVERY_NMI)
		l->nmi = true;
	else if (LVT_DELIVERY(lvt) == DELIVERY_FIXED)
		lapic_accept(l, (uint8_t)(lvt & 0xFF), false);
}

/* ---- the virtual-APIC page (SDM Vol. 3C 30.4.1) ---- */

void lapic_mirror(struct lapic *l)
{
	if (!l->page_stale)
		return;
	l->page_stale = false;
	REG(l, LAPIC_ID) = read_reg(l, LAPIC_ID, 0);
	REG(l, LAPIC_VERSION) = VERSION_VALUE;
	REG(l, LAPIC_PPR) = ppr(l);
	REG(l, LAPIC_EOI) = 0;
	REG(l, LAPIC_LDR) = l->ldr;
	REG(l, LAPIC_DFR) = l->dfr;
	REG(l, LAPIC_SVR) = l->svr;
	REG(l, LAPIC_ESR) = l->esr;
	REG(l, LAPIC_ICR_LO) = l->icr_lo;
	REG(l, LAPIC_ICR_HI) = l->icr_hi;
	REG(l, LAPIC_TIMER_INIT) = l->timer_init;
	REG(l, LAPIC_TIMER_DIV) = l->timer_div;
	for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
		REG(l, LAPIC_LVT_TIMER + 16 * i) = l->lvt[i];
}

void lapic_set_tpr(struct lapic *l, uint32_t tpr)
{
	REG(l, LAPIC_TPR) = tpr & 0xFF;
	l->page_stale = true;   /* PPR follows it */
}

int lapic_highest_irr(const struct lapic *l)
{
	return highest(IRR(l));
}

int lapic_highest_isr(const struct lapic *l)
{
	return highest(ISR(l));
}

bool lapic_level(const struct lapic *l, uint8_t vector)
{
	return test_bit(TMR(l), vector);
}

void lapic_tmr(const struct lapic *l, uint64_t out[4])
{
	for (unsigned i = 0; i < 4; i++)
		out[i] = REG(l, LAPIC_TMR + 32 * i) | (uint64_t)REG(l, LAPIC_TMR + 32 * i + 16) << 32;
}

unsigned lapic_tpr_threshold(const struct lapic *l)
{
	int irrv = highest(IRR(l));
	unsigned cls = (unsigned)irrv >> 4;

	if (irrv < 0 || lapic_pending(l) >= 0)
		return 0;
	return cls <= (lapic_tpr(l) >> 4) ? cls : 0;
}

/* ---- enable, disable, mode (11.4.3, 11.12.5) ---- */

static void power_on_registers(struct lapic *l, uint64_t now)
{
	for (unsigned i = 0; i < 1024; i++)
		l->regs[i] = 0;   /* TPR, ISR, TMR, IRR among them */
	for (int i = 0; i < LAPIC_LVT_COUNT; i++)
		l->lvt[i] = LVT_MASK;
	l->ldr = l->esr = l->esr_pending = l->icr_lo = l->icr_hi = 0;
	l->dfr = 0xFFFFFFFFu;
	l->svr = 0xFF;
	l->timer_init = l->timer_div = 0;
	l->timer_start = now;
	l->timer_armed = false;
	l->deadline = LAPIC_NEVER;
	l->eoi_level_vector = -1;
	l->nmi = false;
	l->page_stale = true;
}

void lapic_reset(struct lapic *l, uint32_t id, uint64_t now)
{
	l->id = id;
	l->base = LAPIC_DEFAULT_BASE | APIC_BASE_ENABLE | (id == 0 ? APIC_BASE_BSP : 0);
	power_on_registers(l, now);
	/* What a PC BIOS leaves (MP spec 3.6.2.2, virtual-wire mode). */
	l->svr = SVR_ENABLE | 0xFF;
	l->lvt[3] = DELIVERY_EXTINT << 8;
	l->lvt[4] = 4u << 8;   /* NMI */
}

int lapic_set_base(struct lapic *l, uint64_t value, uint64_t now)
{
	const uint64_t valid = 0xFFFFFF000ull | APIC_BASE_ENABLE | APIC_BASE_EXTD | APIC_BASE_BSP;
	bool was_x2 = lapic_x2apic(l), was_on = lapic_enabled(l);

	if (value & ~valid)
		return -1;
	if ((value & APIC_BASE_EXTD) && !(value & APIC_BASE_ENABLE))
		return -1;   /* invalid state (Table 11-5) */
	if (was_x2 && (value & APIC_BASE_ENABLE) && !(value & APIC_BASE_EXTD))
		return -1;   /* x2APIC to xAPIC needs a pass through disabled */
	if (!was_on && (value & APIC_BASE_EXTD))
		return -1;   /* disabled goes to xAPIC first (11.12.5.1) */
	value = (value & ~APIC_BASE_BSP) | (l->base & APIC_BASE_BSP);
	l->base = value;
	l->page_stale = true;   /* the ID's format, the LDR */
	if (was_on && !lapic_enabled(l))
		power_on_registers(l, now);   /* disabling resets the APIC (11.4.3) */
	if (lapic_x2apic(l) && !was_x2)
		l->ldr = ((l->id >> 4) << 16) | 1u << (l->id & 0xF);   /* 11.12.10.2 */
	return 0;
}
