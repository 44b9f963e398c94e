/*
 * A local APIC (Intel SDM Vol. 3A chapter 11), the one of a guest's
 * vCPU, in xAPIC mode (registers at 16-byte offsets of a 4 KiB MMIO
 * page) and x2APIC mode (MSRs 800h + offset / 16, SDM 11.12).  Pure state
 * machine (tests/test_lapic.c): time is passed in as `now`, in cycles of
 * the APIC timer's input clock (LAPIC_BUS_KHZ), and the platform wires
 * interrupts in and takes them out (guest/intr.c).
 *
 * Modelled: ID, version (6 LVTs), TPR/PPR and priority classes, EOI (and
 * which vector it ended, for level-triggered sources), LDR/DFR (flat and
 * cluster), SVR (software enable, spurious vector), IRR/ISR/TMR, ESR
 * (illegal vectors), ICR (fixed, lowest-priority and NMI IPIs to itself,
 * by destination or shorthand; others are accepted and ignored: there is
 * one vCPU), every LVT with its writable bits, edges on LINT0/LINT1
 * (fixed or NMI), and the timer in one-shot, periodic and TSC-deadline
 * modes with the divide configuration.  Not modelled: INIT/SIPI/SMI IPIs
 * (single vCPU), the thermal, performance and error interrupts' sources,
 * the arbitration priority (reads 0).
 */
#ifndef TERN_DEVICES_LAPIC_H
#define TERN_DEVICES_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/apic_regs.h"

#define LAPIC_DEFAULT_BASE 0xFEE00000u
#define LAPIC_BUS_KHZ      1000000u      /* 1 GHz: one timer input cycle per ns, as KVM */
#define LAPIC_BUS_HZ       (LAPIC_BUS_KHZ * 1000ull)
#define LAPIC_NEVER        UINT64_MAX

#define LAPIC_LVT_COUNT 6
#define LVT_DELIVERY(v) (((v) >> 8) & 7)
#define DELIVERY_FIXED  0
#define DELIVERY_NMI    4
#define DELIVERY_EXTINT 7

struct lapic {
	/* The register page in the xAPIC layout (offset / 4).  TPR, IRR, ISR
	 * and TMR live only here, so that the CPU's APIC virtualization can
	 * use this page as the virtual-APIC page: the guest then writes its
	 * TPR, and with virtual-interrupt delivery the CPU moves IRR bits to
	 * ISR and clears ISR bits on EOI, here.  The other registers are
	 * copied in by lapic_mirror(). */
	uint32_t regs[1024] __attribute__((aligned(4096)));
	uint32_t id;
	uint64_t base;          /* IA32_APIC_BASE */
	uint32_t ldr, dfr, svr, esr, esr_pending, icr_lo, icr_hi;
	uint32_t lvt[LAPIC_LVT_COUNT];     /* timer, thermal, perf, LINT0, LINT1, error */
	uint32_t timer_init, timer_div;    /* as written */
	uint64_t timer_start;              /* clock of the count's (re)load */
	uint64_t deadline;                 /* TSC-deadline mode: clock to fire, or LAPIC_NEVER */
	bool timer_armed;
	int eoi_level_vector;              /* set by an EOI of a level-triggered vector, else -1 */
	bool nmi;                          /* an NMI for the CPU (IPI, LINT): the platform takes it */
	bool page_stale;                   /* changed since lapic_mirror last wrote the page */
};

/* Power-on state of vCPU `id`'s LAPIC (SDM 11.4.7.1), then what a PC BIOS
 * leaves: software-enabled, LINT0 ExtINT (the 8259 in virtual-wire mode),
 * LINT1 NMI. */
void lapic_reset(struct lapic *l, uint32_t id, uint64_t now);

/* The TPR (CR8 is its bits 7:4, SDM 11.8.6). */
static inline uint32_t lapic_tpr(const struct lapic *l) { return l->regs[LAPIC_TPR / 4] & 0xFF; }
void lapic_set_tpr(struct lapic *l, uint32_t tpr);

/* Globally enabled (IA32_APIC_BASE[11]); in x2APIC mode. */
static inline bool lapic_enabled(const struct lapic *l) { return l->base & APIC_BASE_ENABLE; }
static inline bool lapic_x2apic(const struct lapic *l) { return l->base & APIC_BASE_EXTD; }

/* A write to IA32_APIC_BASE: 0, or -1 for an invalid one (#GP: reserved
 * bits, x2APIC without enable, x2APIC back to xAPIC, SDM 11.12.5). */
int lapic_set_base(struct lapic *l, uint64_t value, uint64_t now);

/* xAPIC MMIO: a 32-bit access at offset (0-0xFF0) of the page. */
uint32_t lapic_mmio_read(struct lapic *l, unsigned offset, uint64_t now);
void lapic_mmio_write(struct lapic *l, unsigned offset, uint32_t value, uint64_t now);
/* x2APIC MSR 800h-8FFh: 0, or -1 for #GP (SDM 11.12.1.2, Table 11-6). */
int lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *value, uint64_t now);
int lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t value, uint64_t now);
/* IA32_TSC_DEADLINE, as a clock value (the caller converts from TSC;
 * 0 disarms).  Ignored unless the timer is in TSC-deadline mode. */
void lapic_set_deadline(struct lapic *l, uint64_t clock);

/* Does destination `dest` (8 bits in xAPIC mode, 32 in x2APIC mode)
 * name this APIC, physically or logically (SDM 11.6.2)? */
bool lapic_is_destination(const struct lapic *l, uint32_t dest, bool logical);

/* An interrupt from the platform (an I/O APIC, an MSI) with `vector`;
 * level-triggered ones set TMR.  Refused (illegal vector) below 16. */
void lapic_accept(struct lapic *l, uint8_t vector, bool level);
/* The vector to deliver to the CPU now (IRR above PPR), or -1. */
int lapic_pending(const struct lapic *l);
/* The CPU takes it: IRR -> ISR.  Returns the vector. */
uint8_t lapic_ack(struct lapic *l);
/* LINT0 passes the 8259's INTR to the CPU (ExtINT, unmasked), or the
 * LAPIC is globally disabled and the 8259 reaches the CPU directly. */
bool lapic_extint(const struct lapic *l);

/* An edge on LINT0 (0) or LINT1 (1), as its LVT entry says: nothing
 * while masked, an NMI (sets nmi), or a fixed interrupt.  (ExtINT on
 * LINT0 is the 8259's level path, lapic_extint.) */
void lapic_lint_edge(struct lapic *l, unsigned pin);

/* Where the CPU virtualizes the APIC (SDM Vol. 3C chapter 30) it reads
 * the registers from regs[] without an exit: write there those that live
 * in fields (ID, version, PPR, EOI, LDR, DFR, SVR, ESR, ICR, the LVTs, the
 * timer's initial count and divide configuration; not the current count,
 * whose reads exit).  Only after a change since the last call. */
void lapic_mirror(struct lapic *l);
/* The highest vector requested (IRR) and in service (ISR), or -1; whether
 * `vector` is level-triggered (TMR). */
int lapic_highest_irr(const struct lapic *l);
int lapic_highest_isr(const struct lapic *l);
bool lapic_level(const struct lapic *l, uint8_t vector);
/* The vectors of level-triggered interrupts (TMR), as four 64-bit words:
 * the EOIs that must reach the I/O APIC. */
void lapic_tmr(const struct lapic *l, uint64_t out[4]);
/* The TPR threshold for a TPR shadow (SDM Vol. 3C 26.7.7): the priority
 * class of the highest requested interrupt when the TPR alone holds it
 * back (an exit when the guest lowers its TPR below it), else 0. */
unsigned lapic_tpr_threshold(const struct lapic *l);

/* Fire the timer if due at `now`; the clock of its next expiry, or
 * LAPIC_NEVER. */
uint64_t lapic_timer_run(struct lapic *l, uint64_t now);

#endif
