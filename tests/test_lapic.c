/* Host tests of devices/lapic.c, a vCPU's local APIC (Intel SDM Vol. 3A
 * chapter 11), through its MMIO registers, x2APIC MSRs and the platform's
 * calls: reset state, priorities, EOI, ESR, disables, LVTs, the timer's
 * three modes, self-IPIs, x2APIC MSR rules, IA32_APIC_BASE transitions.
 * Timer helpers take clocks relative to T0, when each timer starts. */
#define TEST_MAIN
#include "tests/test.h"
#include "devices/lapic.h"

#include <string.h>

#define T0       1000000u         /* an arbitrary, non-zero start time */
#define DIV_1    0xBu             /* divide configuration 1011b: by 1 */
#define ONESHOT  0u
#define PERIODIC (1u << 17)
#define DEADLINE (2u << 17)
#define SELF     (1u << 18)       /* ICR destination shorthands */
#define ALL_INCL (2u << 18)
#define ALL_EXCL (3u << 18)
#define LOGICAL  (1u << 11)
#define BASE_EN  (LAPIC_DEFAULT_BASE | APIC_BASE_ENABLE)
#define NEVER    LAPIC_NEVER
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static struct lapic l;   /* the device under test, reset by each test */

static void reset(uint32_t id) { lapic_reset(&l, id, T0); }
static uint32_t rd(unsigned off) { return lapic_mmio_read(&l, off, T0); }
static void wr(unsigned off, uint32_t v) { lapic_mmio_write(&l, off, v, T0); }
static void wr_at(unsigned off, uint32_t v, uint64_t t) { lapic_mmio_write(&l, off, v, T0 + t); }
static void edge(uint8_t v) { lapic_accept(&l, v, false); }
static int pend(void) { return lapic_pending(&l); }
static int ack(void) { return lapic_ack(&l); }
static void eoi(void) { wr(LAPIC_EOI, 0); }
static void take(void) { ack(); eoi(); }

/* Vector v's bit in a 256-bit register (ISR, TMR, IRR) read by MMIO. */
static bool reg_bit(unsigned reg, unsigned v) { return rd(reg + v / 32 * 16) >> (v % 32) & 1; }
static bool irr(unsigned v) { return reg_bit(LAPIC_IRR, v); }
static bool isr(unsigned v) { return reg_bit(LAPIC_ISR, v); }
/* The ESR as software reads it: write first, then read (11.5.3). */
static uint32_t esr(void) { wr(LAPIC_ESR, 0); return rd(LAPIC_ESR); }

/* A fixed IPI of `vector` to xAPIC destination `dest`, logical or
 * physical, no shorthand: did it arrive here? */
static bool ipi_to(uint8_t dest, bool logical, uint8_t vector)
{
	wr(LAPIC_ICR_HI, (uint32_t)dest << 24);
	wr(LAPIC_ICR_LO, vector | (logical ? LOGICAL : 0));
	return irr(vector);
}

static int rdmsr(uint32_t msr, uint64_t *v) { return lapic_msr_read(&l, msr, v, T0); }
static int wrmsr(uint32_t msr, uint64_t v) { return lapic_msr_write(&l, msr, v, T0); }
static bool msr_is(uint32_t msr, uint64_t want)
{
	uint64_t r = ~want;
	return rdmsr(msr, &r) == 0 && r == want;
}
/* Vector v's bit in the x2APIC ISR (first = 810h) or IRR (820h). */
static bool msr_bit(uint32_t first, unsigned v)
{
	uint64_t r = 0;
	return rdmsr(first + v / 32, &r) == 0 && (r >> (v % 32) & 1);
}
static int to_x2apic(void) { return lapic_set_base(&l, l.base | APIC_BASE_EXTD, T0); }

/* A fresh APIC with a timer started at T0: divide, LVT, initial count.
 * cur() and run() take and give clocks relative to T0. */
static void timer(uint32_t div, uint32_t lvt, uint32_t count)
{
	reset(0);
	wr(LAPIC_TIMER_DIV, div);
	wr(LAPIC_LVT_TIMER, lvt);
	wr(LAPIC_TIMER_INIT, count);
}
static uint32_t cur(uint64_t t) { return lapic_mmio_read(&l, LAPIC_TIMER_CUR, T0 + t); }
static uint64_t run(uint64_t t)
{
	uint64_t next = lapic_timer_run(&l, T0 + t);
	return next == NEVER ? NEVER : next - T0;
}

/* 11.4.4: IA32_APIC_BASE is FEE00000h, enabled, BSP on the BSP only;
 * 11.4.8: version 14h, max LVT entry 5; 11.4.6: xAPIC ID in 31:24. */
TEST(reset_base_version_id)
{
	reset(0);
	CHECK(l.base == (0xFEE00000u | APIC_BASE_ENABLE | APIC_BASE_BSP));
	CHECK(lapic_enabled(&l) && !lapic_x2apic(&l));
	CHECK(rd(LAPIC_VERSION) == 0x00050014u && rd(LAPIC_ID) == 0);
	reset(5);
	CHECK(l.base == (0xFEE00000u | APIC_BASE_ENABLE) && rd(LAPIC_ID) == 0x05000000u);
}

/* 11.4.7.1 power-up values but the BIOS's virtual wire (MP spec 3.6.2.2):
 * SVR enabled, vector FFh; LINT0 ExtINT; LINT1 NMI; the 8259 reaches INTR. */
TEST(reset_virtual_wire)
{
	reset(0);
	CHECK(rd(LAPIC_SVR) == 0x1FF);
	CHECK(rd(LAPIC_LVT_LINT0) == 0x700 && rd(LAPIC_LVT_LINT1) == 0x400);
	CHECK(rd(LAPIC_LVT_TIMER) == LVT_MASK && rd(LAPIC_LVT_THERMAL) == LVT_MASK);
	CHECK(rd(LAPIC_LVT_PERF) == LVT_MASK && rd(LAPIC_LVT_ERROR) == LVT_MASK);
	CHECK(rd(LAPIC_DFR) == 0xFFFFFFFFu && rd(LAPIC_LDR) == 0);
	CHECK(rd(LAPIC_TPR) == 0 && rd(LAPIC_PPR) == 0);
	CHECK(rd(LAPIC_TIMER_INIT) == 0 && rd(LAPIC_TIMER_CUR) == 0 && rd(LAPIC_TIMER_DIV) == 0);
	for (unsigned i = 0; i < 8; i++)
		CHECK(rd(LAPIC_IRR + i * 16) == 0 && rd(LAPIC_ISR + i * 16) == 0);
	CHECK(lapic_extint(&l) && pend() == -1 && run(1000000) == NEVER);
}

/* 11.8.4: an accepted interrupt sets its IRR bit (TMR too if level-
 * triggered); the highest IRR vector is offered first. */
TEST(accept_sets_irr_highest_pending)
{
	reset(0);
	edge(0x30);
	edge(0x52);
	edge(0x41);
	CHECK(irr(0x30) && irr(0x52) && irr(0x41) && !irr(0x31));
	CHECK(!reg_bit(LAPIC_TMR, 0x52) && pend() == 0x52);
	lapic_accept(&l, 0xFE, true);
	CHECK(reg_bit(LAPIC_TMR, 0xFE) && pend() == 0xFE);
}

/* 11.8.3.1: an interrupt is delivered only if its class (bits 7:4) is
 * above PPR[7:4]; with nothing in service PPR = TPR. */
TEST(tpr_blocks_classes_not_above)
{
	reset(0);
	edge(0x45);
	wr(LAPIC_TPR, 0x40);
	CHECK(rd(LAPIC_TPR) == 0x40 && rd(LAPIC_PPR) == 0x40 && pend() == -1);
	wr(LAPIC_TPR, 0x4F);
	CHECK(rd(LAPIC_PPR) == 0x4F && pend() == -1);
	wr(LAPIC_TPR, 0x3F);
	CHECK(rd(LAPIC_PPR) == 0x3F && pend() == 0x45);
	wr(LAPIC_TPR, 0xF0);
	CHECK(pend() == -1 && ack() == 0xFF && irr(0x45) && !isr(0x45));   /* spurious (11.9) */
}

/* 11.8.4: the acknowledge moves the vector from IRR to ISR; 11.8.3.1:
 * PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] << 4. */
TEST(ack_moves_irr_to_isr_and_ppr)
{
	reset(0);
	edge(0x45);
	CHECK(ack() == 0x45 && !irr(0x45) && isr(0x45));
	CHECK(rd(LAPIC_PPR) == 0x40);            /* ISR class, low nibble 0 */
	wr(LAPIC_TPR, 0x32);
	CHECK(rd(LAPIC_PPR) == 0x40);
	wr(LAPIC_TPR, 0x4A);                     /* same class: TPR */
	CHECK(rd(LAPIC_PPR) == 0x4A);
	wr(LAPIC_TPR, 0x61);
	CHECK(rd(LAPIC_PPR) == 0x61);
}

/* 11.8.3.1: below the in-service class wait for the EOI, above it go at
 * once (nesting); in one class the highest goes first and the rest wait. */
TEST(in_service_class_priority)
{
	reset(0);
	edge(0x60);
	CHECK(ack() == 0x60);
	edge(0x55);
	CHECK(pend() == -1);
	eoi();
	CHECK(ack() == 0x55);
	edge(0x70);
	CHECK(ack() == 0x70);
	CHECK(isr(0x55) && isr(0x70) && rd(LAPIC_PPR) == 0x70);
	reset(0);
	edge(0x41);
	edge(0x45);
	CHECK(ack() == 0x45 && pend() == -1);
	eoi();
	CHECK(ack() == 0x41);
	edge(0x4E);                              /* higher, same class */
	CHECK(pend() == -1);
	eoi();
	CHECK(pend() == 0x4E);
}

/* 11.8.5: an EOI clears the highest ISR bit; for a level-triggered
 * vector (TMR set) the EOI goes on to the I/O APIC. */
TEST(eoi_clears_highest_isr)
{
	reset(0);
	lapic_accept(&l, 0x55, true);
	CHECK(ack() == 0x55);
	edge(0x60);
	CHECK(ack() == 0x60);
	eoi();
	CHECK(isr(0x55) && !isr(0x60));
	CHECK(l.eoi_level_vector == -1);         /* 60h was edge-triggered */
	eoi();
	CHECK(!isr(0x55) && l.eoi_level_vector == 0x55);
}

/* 11.5.2, 11.5.3: vectors 0-15 are refused with "receive illegal vector"
 * (ESR bit 6), shown after an ESR write, which latches new errors only. */
TEST(illegal_vector_refused_esr_latched)
{
	reset(0);
	edge(15);
	CHECK(!irr(15) && pend() == -1);
	CHECK(rd(LAPIC_ESR) == 0);               /* not yet latched */
	wr(LAPIC_ESR, 0);
	CHECK(rd(LAPIC_ESR) == 0x40 && rd(LAPIC_ESR) == 0x40);
	CHECK(esr() == 0);                       /* nothing new since */
	edge(16);                                /* the lowest legal vector */
	CHECK(irr(16) && esr() == 0);
}

/* 11.4.7.2: a software-disabled APIC delivers nothing; clearing SVR bit 8
 * sets every LVT mask, which cannot be cleared until re-enabled. */
TEST(software_disable_masks_and_blocks)
{
	reset(0);
	wr(LAPIC_LVT_TIMER, 0x40);
	wr(LAPIC_SVR, 0x0FF);
	CHECK(rd(LAPIC_SVR) == 0x0FF && rd(LAPIC_LVT_TIMER) == (LVT_MASK | 0x40));
	for (unsigned off = LAPIC_LVT_THERMAL; off <= LAPIC_LVT_ERROR; off += 16)
		CHECK(rd(off) & LVT_MASK);
	CHECK(rd(LAPIC_LVT_LINT0) == (LVT_MASK | 0x700) && !lapic_extint(&l));
	wr(LAPIC_LVT_LINT0, 0x700);              /* cannot unmask */
	CHECK(rd(LAPIC_LVT_LINT0) == (LVT_MASK | 0x700));
	edge(0x50);
	wr(LAPIC_ICR_LO, 0x51 | SELF);
	CHECK(pend() == -1 && !irr(0x50) && !irr(0x51));
	wr(LAPIC_SVR, 0x1FF);                    /* masks stay set ... */
	CHECK(rd(LAPIC_LVT_LINT0) == (LVT_MASK | 0x700));
	wr(LAPIC_LVT_LINT0, 0x700);              /* ... until cleared */
	CHECK(rd(LAPIC_LVT_LINT0) == 0x700 && lapic_extint(&l));
}

/* 11.4.3: with IA32_APIC_BASE[11] clear the processor works as one
 * without an APIC: the 8259's INTR goes straight to the CPU. */
TEST(global_disable_extint)
{
	reset(0);
	wr(LAPIC_LVT_LINT0, LVT_MASK | 0x700);
	CHECK(!lapic_extint(&l));
	CHECK(lapic_set_base(&l, LAPIC_DEFAULT_BASE, T0) == 0 && lapic_extint(&l));
	edge(0x50);
	CHECK(pend() == -1);
}

/* Figure 11-8: each LVT keeps only its read/write bits; delivery status
 * and remote IRR are read-only (0 here). */
TEST(lvt_writable_bits)
{
	static const struct { unsigned off; uint32_t bits; } lvt[] = {
		{ LAPIC_LVT_TIMER, 0x000700FF }, { LAPIC_LVT_THERMAL, 0x000107FF },
		{ LAPIC_LVT_PERF, 0x000107FF },  { LAPIC_LVT_LINT0, 0x0001A7FF },
		{ LAPIC_LVT_LINT1, 0x0001A7FF }, { LAPIC_LVT_ERROR, 0x000100FF },
	};

	for (unsigned i = 0; i < ARRAY_LEN(lvt); i++) {
		reset(0);
		wr(lvt[i].off, 0xFFFFFFFFu);
		CHECK(rd(lvt[i].off) == lvt[i].bits);
		wr(lvt[i].off, 0);
		CHECK(rd(lvt[i].off) == 0);
	}
}

/* 11.5.1: LINT0 passes the 8259's INTR only unmasked with delivery mode
 * ExtINT (111b); polarity and trigger mode do not matter. */
TEST(extint_needs_lint0_unmasked_extint)
{
	static const uint32_t no[] = { LVT_MASK | 0x700, 0x000, 0x400, 0x500, 0x200 };

	for (unsigned i = 0; i < ARRAY_LEN(no); i++) {
		reset(0);
		wr(LAPIC_LVT_LINT0, no[i]);
		CHECK(!lapic_extint(&l));
	}
	wr(LAPIC_LVT_LINT0, 0xA700);             /* ExtINT, level, active low */
	CHECK(lapic_extint(&l));
}

/* Figure 11-10: divide value in bits 0, 1, 3: 000b-110b divide by 2 to
 * 128, 111b by 1; the count drops once per `div` clocks. */
TEST(timer_divide_encodings)
{
	static const struct { uint32_t enc; uint64_t div; } d[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xA, 128 }, { 0xB, 1 },
	};

	for (unsigned i = 0; i < ARRAY_LEN(d); i++) {
		timer(d[i].enc, 0x40, 1000);
		CHECK(rd(LAPIC_TIMER_DIV) == d[i].enc);
		CHECK(cur(10 * d[i].div - 1) == 991 && cur(10 * d[i].div) == 990);
		CHECK(run(0) == 1000 * d[i].div);
	}
}

/* 11.5.4: one-shot: the count goes down from the initial count and
 * "remains at its 0 value until reprogrammed"; one interrupt at 0. */
TEST(timer_oneshot_fires_once)
{
	timer(0x1, ONESHOT | 0x40, 1000);        /* divide by 4 */
	CHECK(rd(LAPIC_TIMER_INIT) == 1000);
	CHECK(cur(0) == 1000 && cur(3) == 1000 && cur(4) == 999);
	CHECK(cur(3999) == 1 && cur(4000) == 0 && cur(99999) == 0);
	CHECK(run(0) == 4000 && run(3999) == 4000 && pend() == -1);
	CHECK(run(4000) == NEVER);
	CHECK(pend() == 0x40 && !reg_bit(LAPIC_TMR, 0x40));   /* edge */
	take();
	CHECK(run(9000) == NEVER && pend() == -1);
	CHECK(cur(99999) == 0 && rd(LAPIC_TIMER_INIT) == 1000);
	wr_at(LAPIC_TIMER_INIT, 10, 100000);     /* a new count restarts it */
	CHECK(run(100000) == 100040);
}

/* 11.5.4: periodic: the count reloads at 0 and each period raises an
 * interrupt; periods missed between two runs raise one. */
TEST(timer_periodic_reloads)
{
	timer(DIV_1, PERIODIC | 0x40, 1000);
	CHECK(cur(250) == 750 && cur(1000) == 1000 && cur(1250) == 750);
	CHECK(run(999) == 1000);
	CHECK(run(1000) == 2000 && pend() == 0x40);
	take();
	CHECK(run(1500) == 2000 && pend() == -1);
	CHECK(run(4700) == 5000 && pend() == 0x40);   /* three periods due */
	take();
	CHECK(run(4999) == 5000 && pend() == -1 && cur(4700) == 300);
}

/* 11.5.4: the LVT mask masks the interrupt, not the counting. */
TEST(timer_masked_counts_without_delivery)
{
	timer(DIV_1, LVT_MASK | ONESHOT | 0x40, 1000);
	CHECK(cur(400) == 600 && run(1000) == NEVER);
	CHECK(!irr(0x40) && pend() == -1);
	timer(DIV_1, LVT_MASK | PERIODIC | 0x40, 1000);
	CHECK(run(2500) == 3000 && cur(2500) == 500);
	CHECK(!irr(0x40) && pend() == -1);
}

/* 11.5.4: "A write of 0 to the initial-count register effectively stops
 * the local APIC timer, in both one-shot and periodic mode." */
TEST(timer_init_zero_stops)
{
	timer(DIV_1, ONESHOT | 0x40, 1000);
	wr_at(LAPIC_TIMER_INIT, 0, 300);
	CHECK(cur(300) == 0 && run(5000) == NEVER && pend() == -1);
	timer(DIV_1, PERIODIC | 0x40, 1000);
	wr_at(LAPIC_TIMER_INIT, 0, 300);
	CHECK(cur(1300) == 0 && run(5000) == NEVER && pend() == -1);
}

/* 11.5.4.1: TSC-deadline: a non-zero deadline arms, firing once when due;
 * 0 disarms; the current count reads 0; initial-count writes are ignored. */
TEST(timer_deadline_fires_once)
{
	timer(DIV_1, DEADLINE | 0x40, 0);
	wr(LAPIC_TIMER_INIT, 1000);              /* ignored */
	CHECK(rd(LAPIC_TIMER_INIT) == 0 && run(5000) == NEVER);
	lapic_set_deadline(&l, T0 + 500);
	CHECK(cur(100) == 0);
	CHECK(run(0) == 500 && run(499) == 500 && pend() == -1);
	CHECK(run(500) == NEVER && pend() == 0x40);
	take();
	CHECK(run(9000) == NEVER && pend() == -1);
	lapic_set_deadline(&l, T0 + 9500);
	lapic_set_deadline(&l, 0);
	CHECK(run(9999) == NEVER && pend() == -1);
}

/* 11.5.4.1: a switch to or from TSC-deadline mode disarms the timer;
 * outside that mode IA32_TSC_DEADLINE writes are ignored. */
TEST(timer_deadline_mode_switch_disarms)
{
	timer(DIV_1, DEADLINE | 0x40, 0);
	lapic_set_deadline(&l, T0 + 500);
	wr(LAPIC_LVT_TIMER, ONESHOT | 0x40);
	CHECK(run(5000) == NEVER && pend() == -1);
	lapic_set_deadline(&l, T0 + 6000);       /* one-shot mode: ignored */
	CHECK(run(7000) == NEVER && pend() == -1);
	timer(DIV_1, ONESHOT | 0x40, 1000);
	wr_at(LAPIC_LVT_TIMER, DEADLINE | 0x40, 100);
	CHECK(run(5000) == NEVER && pend() == -1);
	timer(DIV_1, PERIODIC | 0x40, 1000);
	wr_at(LAPIC_LVT_TIMER, DEADLINE | 0x40, 100);
	wr_at(LAPIC_LVT_TIMER, PERIODIC | 0x40, 200);
	CHECK(run(5000) == NEVER && pend() == -1);
}

/* 11.5.4.1: "A write to the LVT Timer Register that changes the timer
 * mode disarms the local APIC timer": one-shot to periodic too. */
TEST(timer_oneshot_to_periodic_disarms)
{
	timer(DIV_1, ONESHOT | 0x40, 1000);
	wr_at(LAPIC_LVT_TIMER, PERIODIC | 0x40, 100);
	CHECK(run(5000) == NEVER && pend() == -1);
}

/* The model's rule for a divide change (the SDM leaves it open): the
 * one-shot count stays where it was and goes on at the new rate. */
TEST(timer_divide_change_keeps_count)
{
	timer(DIV_1, ONESHOT | 0x40, 1000);
	wr_at(LAPIC_TIMER_DIV, 0x3, 400);        /* divide by 16 */
	CHECK(cur(400) == 600 && cur(400 + 16 * 100) == 500);
	CHECK(run(400) == 400 + 600 * 16);
	wr_at(LAPIC_TIMER_DIV, DIV_1, 400 + 16 * 100);
	CHECK(cur(400 + 16 * 100) == 500);
	CHECK(run(2000) == 2500 && run(2500) == NEVER && pend() == 0x40);
}

/* 11.5.4: a one-shot count at 0 "remains at its 0 value until reprogrammed"
 * and is due, even if the platform runs the timer after a divide change. */
TEST(timer_divide_change_after_expiry)
{
	timer(DIV_1, ONESHOT | 0x40, 1000);
	wr_at(LAPIC_TIMER_DIV, 0xA, 1500);       /* expired at 1000 */
	CHECK(cur(1500) == 0);
	CHECK(run(1500) == NEVER && pend() == 0x40);
}

/* 11.6.1: shorthands 01b (self), 10b (all incl. self) reach this APIC, 11b
 * (all excl. self) does not; 11.6.2.1: physical destination: ID or FFh. */
TEST(icr_self_and_physical)
{
	reset(3);
	wr(LAPIC_ICR_HI, 0x07000000u);           /* not this APIC */
	wr(LAPIC_ICR_LO, 0x40 | SELF);
	CHECK(irr(0x40));
	wr(LAPIC_ICR_LO, 0x41 | ALL_INCL);
	CHECK(irr(0x41));
	wr(LAPIC_ICR_LO, 0x42 | ALL_EXCL);
	wr(LAPIC_ICR_LO, 0x43 | ALL_EXCL | LOGICAL);
	CHECK(!irr(0x42) && !irr(0x43) && pend() == 0x41);
	reset(5);
	CHECK(ipi_to(5, false, 0x50) && ipi_to(0xFF, false, 0x51));
	CHECK(!ipi_to(6, false, 0x52) && !ipi_to(0, false, 0x53) && !ipi_to(0x85, false, 0x54));
}

/* 11.6.2.2: flat model (DFR 1111b): the destination is a bit mask
 * matched against the logical ID in LDR 31:24 (its only bits). */
TEST(icr_logical_flat)
{
	reset(0);
	wr(LAPIC_LDR, 0x02345678u);
	CHECK(rd(LAPIC_LDR) == 0x02000000u && rd(LAPIC_DFR) == 0xFFFFFFFFu);
	CHECK(ipi_to(0x02, true, 0x50) && ipi_to(0xFF, true, 0x52));
	CHECK(ipi_to(0x03, true, 0x51));         /* one of several APICs */
	CHECK(!ipi_to(0x04, true, 0x53) && !ipi_to(0x01, true, 0x54) && !ipi_to(0, true, 0x55));
	CHECK(!ipi_to(0x02, false, 0x56));       /* physical: the ID is 0 */
}

/* 11.6.2.2: cluster model (DFR 0000b): destination bits 7:4 select the
 * cluster, 3:0 the APICs in it; FFh is a broadcast. */
TEST(icr_logical_cluster)
{
	reset(0);
	wr(LAPIC_DFR, 0x0FFFFFFFu);
	CHECK(rd(LAPIC_DFR) == 0x0FFFFFFFu);
	wr(LAPIC_LDR, 0x32000000u);              /* cluster 3, member bit 1 */
	CHECK(ipi_to(0x32, true, 0x50) && ipi_to(0x33, true, 0x51) && ipi_to(0xFF, true, 0x52));
	CHECK(!ipi_to(0x22, true, 0x53));        /* other cluster */
	CHECK(!ipi_to(0x31, true, 0x54));        /* other member */
	CHECK(!ipi_to(0x02, true, 0x55));        /* a flat match, not a cluster one */
}

/* 11.5.3: an IPI with vector 0-15 sets "send illegal vector" (ESR bit 5)
 * and is not delivered. */
TEST(icr_illegal_vector)
{
	reset(0);
	wr(LAPIC_ICR_LO, 0x0F | SELF);
	CHECK(!irr(0x0F) && pend() == -1 && rd(LAPIC_ESR) == 0);
	CHECK(esr() & 0x20);
	CHECK(esr() == 0);
	wr(LAPIC_ICR_LO, 0x10 | SELF);
	CHECK(irr(0x10) && esr() == 0);
}

/* The header: INIT/SIPI IPIs are ignored (one vCPU), vector unchecked.
 * Figure 11-12: delivery status (bit 12) reads 0; reserved bits read 0. */
TEST(icr_init_sipi_ignored_status_zero)
{
	reset(0);
	wr(LAPIC_ICR_LO, 0x40 | 5u << 8 | SELF);   /* INIT */
	wr(LAPIC_ICR_LO, 0x42 | 6u << 8 | SELF);   /* SIPI */
	CHECK(pend() == -1 && !irr(0x40) && !irr(0x42) && esr() == 0 && !l.nmi);
	wr(LAPIC_ICR_LO, 0x43 | 1u << 8 | SELF | 1u << 12);   /* lowest priority */
	CHECK(irr(0x43) && rd(LAPIC_ICR_LO) == (0x143 | SELF));
	wr(LAPIC_ICR_HI, 0xFFFFFFFFu);
	CHECK(rd(LAPIC_ICR_HI) == 0xFF000000u);
	wr(LAPIC_ICR_LO, 0xFFFFFFFFu);           /* ExtINT, all-excluding-self */
	CHECK(rd(LAPIC_ICR_LO) == 0x000CCFFFu);
}

/* 11.6.1 delivery mode 100 (NMI): "the vector information is ignored";
 * it reaches this APIC's CPU when the APIC is a destination (self,
 * all-including-self, its own ID), never its IRR, and raises no ESR bit
 * even with a vector below 16. */
TEST(icr_nmi_to_self_raises_nmi)
{
	reset(0);
	wr(LAPIC_ICR_LO, 0x00 | 4u << 8 | SELF);
	CHECK(l.nmi && pend() == -1 && esr() == 0);
	l.nmi = false;
	wr(LAPIC_ICR_LO, 0x41 | 4u << 8 | ALL_INCL);
	CHECK(l.nmi && !irr(0x41));
	l.nmi = false;
	wr(LAPIC_ICR_LO, 0x41 | 4u << 8 | ALL_EXCL);
	CHECK(!l.nmi);
	wr(LAPIC_ICR_HI, 0x07000000u);
	wr(LAPIC_ICR_LO, 0x41 | 4u << 8);   /* to APIC 7: not this one */
	CHECK(!l.nmi);
	wr(LAPIC_ICR_HI, 0x00000000u);
	wr(LAPIC_ICR_LO, 0x41 | 4u << 8);   /* to APIC 0: this one */
	CHECK(l.nmi && pend() == -1);
}

/* 11.5.1: LINT0/LINT1 edges go as their LVT says -- masked: nothing, NMI
 * (what the BIOS leaves on LINT1): an NMI, fixed: the vector, as an
 * edge-triggered interrupt; a globally disabled APIC passes nothing. */
TEST(lint_edge_follows_lvt)
{
	reset(0);
	lapic_lint_edge(&l, 1);
	CHECK(l.nmi && pend() == -1);
	l.nmi = false;
	wr(LAPIC_LVT_LINT1, LVT_MASK | 4u << 8);
	lapic_lint_edge(&l, 1);
	CHECK(!l.nmi && pend() == -1);
	wr(LAPIC_LVT_LINT1, 0x45);
	lapic_lint_edge(&l, 1);
	CHECK(!l.nmi && pend() == 0x45 && !reg_bit(LAPIC_TMR, 0x45));
	wr(LAPIC_LVT_LINT0, 4u << 8);
	lapic_lint_edge(&l, 0);
	CHECK(l.nmi);
	l.nmi = false;
	CHECK(lapic_set_base(&l, LAPIC_DEFAULT_BASE, T0) == 0);   /* globally disabled */
	lapic_lint_edge(&l, 1);
	CHECK(!l.nmi);
}

/* 11.12.1: EXTD|EN switches to x2APIC; 11.12.10.2: LDR becomes ((id >> 4)
 * << 16) | 1 << (id & 15); 11.12.2: the ID MSR (802h) has all 32 bits. */
TEST(x2apic_switch_ldr_and_id)
{
	static const uint32_t ids[] = { 0x23, 0x1F, 0, 0x12345 };

	for (unsigned i = 0; i < ARRAY_LEN(ids); i++) {
		reset(ids[i]);
		CHECK(to_x2apic() == 0 && lapic_x2apic(&l) && lapic_enabled(&l));
		CHECK(msr_is(0x802, ids[i]));
		CHECK(msr_is(0x80D, ((uint64_t)(ids[i] >> 4) << 16) | 1u << (ids[i] & 15)));
	}
	reset(0x23);
	CHECK(to_x2apic() == 0 && l.base == (0xFEE00000u | APIC_BASE_ENABLE | APIC_BASE_EXTD));
	CHECK(msr_is(0x80D, 0x00020008u) && msr_is(0x803, 0x00050014u));
	CHECK(to_x2apic() == 0 && lapic_x2apic(&l));   /* again: no change */
}

/* 11.12.9: the ICR is one 64-bit MSR (830h), the destination in 63:32:
 * physical, the 32-bit ID or FFFFFFFFh; logical, cluster and bit. */
TEST(x2apic_icr_msr)
{
	uint64_t v;

	reset(0x23);
	CHECK(to_x2apic() == 0);
	CHECK(wrmsr(0x830, 0x23ull << 32 | 0x60) == 0 && msr_bit(0x820, 0x60));
	CHECK(msr_is(0x830, 0x23ull << 32 | 0x60));
	CHECK(wrmsr(0x830, 0x24ull << 32 | 0x61) == 0 && !msr_bit(0x820, 0x61));
	CHECK(wrmsr(0x830, 0x123ull << 32 | 0x62) == 0 && !msr_bit(0x820, 0x62));
	CHECK(wrmsr(0x830, 0xFFFFFFFFull << 32 | 0x63) == 0 && msr_bit(0x820, 0x63));
	CHECK(wrmsr(0x830, 0x20008ull << 32 | LOGICAL | 0x64) == 0 && msr_bit(0x820, 0x64));
	CHECK(wrmsr(0x830, 0x30008ull << 32 | LOGICAL | 0x65) == 0 && !msr_bit(0x820, 0x65));
	CHECK(wrmsr(0x830, 0x20004ull << 32 | LOGICAL | 0x66) == 0 && !msr_bit(0x820, 0x66));
	CHECK(rdmsr(0x831, &v) == -1);           /* no separate high half */
}

/* 11.12.11: SELF IPI (83Fh, write-only, 31:8 reserved) sends to this APIC;
 * Table 11-6: EOI (80Bh) is write-only and, like ESR, takes only 0. */
TEST(x2apic_self_ipi_and_eoi)
{
	uint64_t v;

	reset(0x23);
	CHECK(to_x2apic() == 0);
	CHECK(wrmsr(0x83F, 0x70) == 0 && msr_bit(0x820, 0x70) && pend() == 0x70);
	CHECK(wrmsr(0x83F, 0x171) == -1 && !msr_bit(0x820, 0x71) && rdmsr(0x83F, &v) == -1);
	lapic_accept(&l, 0x80, true);
	CHECK(ack() == 0x80 && msr_bit(0x810, 0x80));
	CHECK(wrmsr(0x80B, 1) == -1 && msr_bit(0x810, 0x80) && rdmsr(0x80B, &v) == -1);
	CHECK(wrmsr(0x80B, 0) == 0 && !msr_bit(0x810, 0x80) && l.eoi_level_vector == 0x80);
	CHECK(wrmsr(0x828, 1) == -1 && wrmsr(0x828, 0) == 0);
}

/* Table 11-6: writes to read-only MSRs and any access to reserved ones
 * (809h, 80Ch, 80Eh: no APR, RRD, DFR) #GP; registers are 32-bit. */
TEST(x2apic_read_only_and_reserved)
{
	static const uint32_t ro[] = { 0x802, 0x803, 0x80A, 0x80D, 0x810, 0x818, 0x820, 0x839 };
	uint64_t v;

	reset(0);
	CHECK(to_x2apic() == 0);
	for (unsigned i = 0; i < ARRAY_LEN(ro); i++)
		CHECK(rdmsr(ro[i], &v) == 0 && wrmsr(ro[i], 0) == -1);
	CHECK(rdmsr(0x80E, &v) == -1 && wrmsr(0x80E, 0) == -1);
	CHECK(rdmsr(0x809, &v) == -1 && wrmsr(0x809, 0) == -1 && rdmsr(0x80C, &v) == -1);
	CHECK(wrmsr(0x808, 1ull << 32) == -1);
	CHECK(wrmsr(0x808, 0x50) == 0 && msr_is(0x808, 0x50) && msr_is(0x80A, 0x50));
}

/* 11.12.1.2: each mode has one interface: the x2APIC MSRs #GP in xAPIC
 * mode; in x2APIC mode MMIO reads give 0 and writes do nothing. */
TEST(x2apic_one_interface_per_mode)
{
	uint64_t v;

	reset(0);
	for (uint32_t m = 0x800; m <= 0x83F; m++)
		CHECK(rdmsr(m, &v) == -1 && wrmsr(m, 0) == -1);
	CHECK(pend() == -1 && to_x2apic() == 0);
	CHECK(rd(LAPIC_VERSION) == 0 && rd(LAPIC_SVR) == 0 && rd(LAPIC_DFR) == 0);
	wr(LAPIC_TPR, 0x50);
	wr(LAPIC_ICR_LO, 0x40 | SELF);
	wr(LAPIC_SVR, 0);
	CHECK(msr_is(0x808, 0) && !msr_bit(0x820, 0x40) && msr_is(0x80F, 0x1FF));
}

/* 11.4.4, 11.12.5.1 (Table 11-5): reserved bits, EXTD without EN, x2APIC
 * straight to xAPIC #GP and change nothing; back through disabled is valid. */
TEST(base_invalid_writes)
{
	uint64_t before;

	reset(0);
	before = l.base;
	CHECK(lapic_set_base(&l, LAPIC_DEFAULT_BASE | APIC_BASE_EXTD, T0) == -1);
	CHECK(lapic_set_base(&l, BASE_EN | 1, T0) == -1);
	CHECK(lapic_set_base(&l, BASE_EN | 1u << 9, T0) == -1);
	CHECK(lapic_set_base(&l, BASE_EN | 1ull << 63, T0) == -1 && l.base == before);
	CHECK(to_x2apic() == 0);
	before = l.base;
	CHECK(lapic_set_base(&l, BASE_EN, T0) == -1);
	CHECK(lapic_set_base(&l, LAPIC_DEFAULT_BASE | APIC_BASE_EXTD, T0) == -1);
	CHECK(l.base == before && lapic_x2apic(&l));
	CHECK(lapic_set_base(&l, LAPIC_DEFAULT_BASE, T0) == 0 && lapic_set_base(&l, BASE_EN, T0) == 0);
	CHECK(lapic_enabled(&l) && !lapic_x2apic(&l));
}

/* 11.12.5.1: "From the disabled state, the only valid x2APIC transition
 * using IA32_APIC_BASE is to the xAPIC mode (EN=1, EXTD=0)." */
TEST(base_disabled_to_x2apic_invalid)
{
	reset(0);
	CHECK(lapic_set_base(&l, LAPIC_DEFAULT_BASE, T0) == 0);
	CHECK(lapic_set_base(&l, BASE_EN | APIC_BASE_EXTD, T0) == -1);
	CHECK(!lapic_enabled(&l) && !lapic_x2apic(&l));
}

/* 11.4.3, 11.12.5.1: a global disable returns the registers to their
 * power-up values (11.4.7.1) but the ID; the timer stops. */
TEST(base_disable_resets_registers)
{
	reset(2);
	wr(LAPIC_TPR, 0x30);
	wr(LAPIC_LDR, 0x01000000u);
	wr(LAPIC_DFR, 0x0FFFFFFFu);
	wr(LAPIC_LVT_TIMER, PERIODIC | 0x40);
	wr(LAPIC_TIMER_DIV, DIV_1);
	wr(LAPIC_TIMER_INIT, 1000);
	edge(0x50);
	edge(0x60);
	CHECK(ack() == 0x60);
	CHECK(lapic_set_base(&l, LAPIC_DEFAULT_BASE, T0 + 10) == 0);
	CHECK(lapic_extint(&l) && run(5000) == NEVER);
	CHECK(lapic_set_base(&l, BASE_EN, T0 + 20) == 0);
	CHECK(rd(LAPIC_ID) == 0x02000000u && rd(LAPIC_SVR) == 0xFF);
	for (unsigned off = LAPIC_LVT_TIMER; off <= LAPIC_LVT_ERROR; off += 16)
		CHECK(rd(off) == LVT_MASK);
	CHECK(rd(LAPIC_TPR) == 0 && rd(LAPIC_LDR) == 0 && rd(LAPIC_DFR) == 0xFFFFFFFFu);
	CHECK(rd(LAPIC_TIMER_INIT) == 0 && rd(LAPIC_TIMER_DIV) == 0);
	CHECK(!irr(0x50) && !isr(0x60) && !lapic_extint(&l) && pend() == -1);
}

/* 11.4.4: software cannot change the BSP flag; 11.4.5: the base can be
 * relocated and IA32_APIC_BASE keeps the new address. */
TEST(base_bsp_fixed_and_relocate)
{
	reset(1);
	CHECK(lapic_set_base(&l, BASE_EN | APIC_BASE_BSP, T0) == 0 && !(l.base & APIC_BASE_BSP));
	reset(0);
	CHECK(lapic_set_base(&l, BASE_EN, T0) == 0 && (l.base & APIC_BASE_BSP));
	CHECK(lapic_set_base(&l, 0xFED00000u | APIC_BASE_ENABLE, T0) == 0);
	CHECK(l.base == (0xFED00000u | APIC_BASE_ENABLE | APIC_BASE_BSP));
	CHECK(rd(LAPIC_VERSION) == 0x00050014u);
	CHECK(lapic_set_base(&l, 0x80000000u | APIC_BASE_ENABLE | APIC_BASE_EXTD, T0) == 0);
	CHECK(l.base == (0x80000000u | APIC_BASE_ENABLE | APIC_BASE_EXTD | APIC_BASE_BSP));
}

/* SDM Vol. 3C 30.4.1: with APIC-register virtualization the CPU reads
 * these from the register page, so the page must say what an MMIO read
 * of the model says, register for register; offsets the CPU does not
 * read there (the current count) are left alone. */
TEST(mirror_matches_every_virtualized_register)
{
	static const unsigned offsets[] = {
		LAPIC_ID, LAPIC_VERSION, LAPIC_TPR, LAPIC_PPR, LAPIC_EOI, LAPIC_LDR, LAPIC_DFR,
		LAPIC_SVR, LAPIC_ESR, LAPIC_ICR_LO, LAPIC_ICR_HI, LAPIC_TIMER_INIT, LAPIC_TIMER_DIV,
	};

	reset(3);
	wr(LAPIC_TPR, 0x20);
	wr(LAPIC_LDR, 0x05000000);
	wr(LAPIC_ICR_HI, 0x03000000);
	wr(LAPIC_ICR_LO, 0x61);
	wr(LAPIC_LVT_TIMER, 0x42 | PERIODIC);
	wr(LAPIC_TIMER_DIV, DIV_1);
	wr(LAPIC_TIMER_INIT, 1000);
	wr(LAPIC_LVT_LINT1, LVT_MASK | 0x55);
	edge(0x91);
	lapic_accept(&l, 0xA3, true);
	ack();
	wr(LAPIC_ICR_LO, 0x05);   /* an illegal vector: an ESR bit */
	l.regs[LAPIC_TIMER_CUR / 4] = 0xEEEEEEEEu;
	lapic_mirror(&l);
	for (unsigned i = 0; i < ARRAY_LEN(offsets); i++)
		CHECK(l.regs[offsets[i] / 4] == rd(offsets[i]));
	for (unsigned i = 0; i < 8; i++) {
		CHECK(l.regs[(LAPIC_ISR + 16 * i) / 4] == rd(LAPIC_ISR + 16 * i));
		CHECK(l.regs[(LAPIC_TMR + 16 * i) / 4] == rd(LAPIC_TMR + 16 * i));
		CHECK(l.regs[(LAPIC_IRR + 16 * i) / 4] == rd(LAPIC_IRR + 16 * i));
	}
	for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
		CHECK(l.regs[(LAPIC_LVT_TIMER + 16 * i) / 4] == rd(LAPIC_LVT_TIMER + 16 * i));
	CHECK(l.regs[LAPIC_TIMER_CUR / 4] == 0xEEEEEEEEu);
	CHECK(l.regs[LAPIC_ID / 4] == 3u << 24 && irr(0x91) && isr(0xA3));
	/* Nothing changed: nothing written.  A change: all of it again. */
	l.regs[LAPIC_SVR / 4] = 0xEEEEEEEEu;
	lapic_mirror(&l);
	CHECK(l.regs[LAPIC_SVR / 4] == 0xEEEEEEEEu);
	wr(LAPIC_LVT_ERROR, 0x4E);
	lapic_mirror(&l);
	CHECK(l.regs[LAPIC_SVR / 4] == rd(LAPIC_SVR) && l.regs[LAPIC_LVT_ERROR / 4] == 0x4E);
	CHECK(lapic_set_base(&l, BASE_EN | APIC_BASE_EXTD, T0) == 0);   /* x2APIC: ID and LDR change */
	lapic_mirror(&l);
	CHECK(l.regs[LAPIC_ID / 4] == 3 && l.regs[LAPIC_LDR / 4] == 1u << 3);
}

/* The CPU works on the page itself (TPR virtualization, 30.1.2; with
 * virtual-interrupt delivery IRR -> ISR and EOIs, 30.2): the model sees
 * it all at once, and its priorities follow. */
TEST(cpu_writes_to_the_page_are_the_model)
{
	reset(0);
	edge(0x45);
	l.regs[LAPIC_TPR / 4] = 0x50;
	CHECK(rd(LAPIC_TPR) == 0x50 && pend() == -1 && lapic_tpr(&l) == 0x50);
	l.regs[LAPIC_TPR / 4] = 0x30;
	CHECK(pend() == 0x45 && lapic_highest_irr(&l) == 0x45 && lapic_highest_isr(&l) == -1);
	/* What virtual-interrupt delivery does on delivering 0x45 ... */
	l.regs[(LAPIC_IRR + 16 * 2) / 4] &= ~(1u << 5);
	l.regs[(LAPIC_ISR + 16 * 2) / 4] |= 1u << 5;
	CHECK(isr(0x45) && !irr(0x45) && lapic_highest_isr(&l) == 0x45 && rd(LAPIC_PPR) == 0x40);
	/* ... and on its EOI. */
	l.regs[(LAPIC_ISR + 16 * 2) / 4] = 0;
	CHECK(rd(LAPIC_PPR) == 0x30 && lapic_highest_isr(&l) == -1);
}

/* TMR as the EOI-exit bitmap wants it: bit v of the four 64-bit words is
 * vector v's trigger mode (SDM Vol. 3C 30.1.4). */
TEST(tmr_as_eoi_exit_bitmap)
{
	uint64_t tmr[4];

	reset(0);
	lapic_accept(&l, 0x21, true);
	lapic_accept(&l, 0x7F, true);
	lapic_accept(&l, 0xC0, false);
	lapic_accept(&l, 0xFE, true);
	lapic_tmr(&l, tmr);
	CHECK(tmr[0] == 1ull << 0x21 && tmr[1] == 1ull << (0x7F - 64) && tmr[2] == 0 &&
	      tmr[3] == 1ull << (0xFE - 192));
	CHECK(lapic_level(&l, 0x7F) && !lapic_level(&l, 0xC0));
}

/* 26.7.7 / 30.1.2: the threshold is the class of the highest requested
 * vector while the TPR alone holds it back -- the exit comes when the
 * guest's TPR drops below it; 0 when it can go in now, when nothing is
 * requested, or when an interrupt in service holds it (its EOI exits). */
TEST(tpr_threshold_only_when_tpr_blocks)
{
	reset(0);
	CHECK(lapic_tpr_threshold(&l) == 0);
	edge(0x45);
	CHECK(lapic_tpr_threshold(&l) == 0);           /* deliverable now */
	wr(LAPIC_TPR, 0x50);
	CHECK(lapic_tpr_threshold(&l) == 4);
	wr(LAPIC_TPR, 0x40);
	CHECK(lapic_tpr_threshold(&l) == 4);           /* same class: still held */
	lapic_set_tpr(&l, 0x00);
	CHECK(ack() == 0x45);
	edge(0x32);                                     /* below the one in service */
	CHECK(pend() == -1 && lapic_tpr_threshold(&l) == 0);
}
