/* Host tests of devices/ioapic.c: the I/O APIC, driven the way a guest
 * kernel programs it (IOREGSEL at 00h, IOWIN at 10h, the EOI register
 * at 40h) and the way the platform drives its pins.  Expected behaviour
 * is the Intel 82093AA datasheet's (section 3.2: registers, 3.2.4 the
 * redirection table) and, for version 20h's EOI register, the ICH/PCH
 * I/O APIC description; each test says which rule it checks.  Every
 * message to the local APIC is recorded by a fake `deliver` callback. */
#define TEST_MAIN
#include "tests/test.h"
#include "devices/ioapic.h"

#include <stdbool.h>
#include <stdint.h>

/* Register indexes (through IOREGSEL) and redirection entry bits. */
#define REG_ID    0x00
#define REG_VER   0x01
#define REG_ARB   0x02
#define REG_RTE(pin) (0x10 + 2 * (pin))   /* low half; high half is +1 */

#define LOWEST     (1ull << 8)
#define MODE(m)    ((uint64_t)(m) << 8)
#define LOGICAL    (1ull << 11)
#define ACTIVE_LOW (1ull << 13)
#define REMOTE_IRR (1ull << 14)
#define LEVEL      (1ull << 15)
#define MASKED     (1ull << 16)
#define DEST(d)    ((uint64_t)(d) << 56)

struct delivery { uint8_t vector, dest; bool logical, level, nmi; };

static struct ioapic io;             /* the device under test, fresh in each test */
static struct delivery log_[64];     /* every message to the local APIC, in order */
static int nlog;
static int ctx_marker;               /* the callback must get io.ctx back */
static bool ctx_ok;

static void record(void *ctx, uint8_t vector, uint8_t dest, bool logical, bool level, bool nmi)
{
	ctx_ok &= ctx == &ctx_marker;
	if (nlog < (int)(sizeof log_ / sizeof log_[0]))
		log_[nlog] = (struct delivery){ vector, dest, logical, level, nmi };
	nlog++;
}

static void setup(void)
{
	memset(&io, 0xA5, sizeof io);   /* reset must not rely on zeroed memory */
	ioapic_reset(&io);
	io.deliver = record;
	io.ctx = &ctx_marker;
	nlog = 0, ctx_ok = true;
}

static void sel(uint32_t reg) { ioapic_write(&io, IOAPIC_REGSEL, reg); }
static uint32_t rd(uint32_t reg) { sel(reg); return ioapic_read(&io, IOAPIC_WINDOW); }
static void wr(uint32_t reg, uint32_t v) { sel(reg); ioapic_write(&io, IOAPIC_WINDOW, v); }

static uint64_t rte(unsigned pin)
{
	return rd(REG_RTE(pin)) | (uint64_t)rd(REG_RTE(pin) + 1) << 32;
}

/* High half first, then low: the order kernels use, so an unmask is the
 * last write. */
static void set_rte(unsigned pin, uint64_t v)
{
	wr(REG_RTE(pin) + 1, (uint32_t)(v >> 32));
	wr(REG_RTE(pin), (uint32_t)v);
}

static void pin(unsigned p, int level) { ioapic_set_pin(&io, p, level); }

/* The last delivery was `vector`, and there were `n` in all. */
static bool delivered(int n, uint8_t vector)
{
	return ctx_ok && nlog == n && (n == 0 || log_[n - 1].vector == vector);
}

/* 3.2.1-3.2.4: after reset the ID is 0, the version register reads
 * 0x00170020 (maximum redirection entry 23 in bits 23:16, version 20h),
 * and every redirection entry has its mask bit set. */
TEST(ioapic_reset_state)
{
	setup();
	CHECK(ioapic_read(&io, IOAPIC_REGSEL) == 0);
	CHECK(rd(REG_ID) == IOAPIC_DEFAULT_ID << 24 && rd(REG_ARB) == IOAPIC_DEFAULT_ID << 24);
	CHECK(rd(REG_VER) == 0x00170020);
	for (unsigned p = 0; p < IOAPIC_PINS; p++)
		CHECK(rte(p) == MASKED);
	/* Masked pins deliver nothing, whatever the line does. */
	for (unsigned p = 0; p < IOAPIC_PINS; p++) {
		pin(p, 1);
		pin(p, 0);
	}
	CHECK(nlog == 0);
}

/* 3.2.1: IOAPICID holds the ID in bits 27:24; the rest is reserved. */
TEST(ioapic_id_keeps_bits_27_24)
{
	setup();
	wr(REG_ID, 0xFFFFFFFF);
	CHECK(rd(REG_ID) == 0x0F000000);
	wr(REG_ID, 0x05000000);
	CHECK(rd(REG_ID) == 0x05000000);
	wr(REG_ID, 0xF0FFFFFF);
	CHECK(rd(REG_ID) == 0);
}

/* 3.2.2, 3.2.3: IOAPICVER and IOAPICARB are read-only. */
TEST(ioapic_version_and_arbitration_read_only)
{
	setup();
	wr(REG_VER, 0xFFFFFFFF);
	wr(REG_ARB, 0xFFFFFFFF);
	CHECK(rd(REG_VER) == 0x00170020);
	CHECK(rd(REG_ARB) == IOAPIC_DEFAULT_ID << 24);
	CHECK(rd(REG_ID) == IOAPIC_DEFAULT_ID << 24);   /* and the writes went nowhere else */
}

/* 3.1.1: IOREGSEL is read/write; bits 7:0 select the register. */
TEST(ioapic_regsel_reads_back)
{
	setup();
	for (uint32_t v = 0; v < 0x100; v++) {
		sel(v);
		CHECK(ioapic_read(&io, IOAPIC_REGSEL) == v);
	}
	/* Reading through IOWIN does not move the index. */
	sel(REG_VER);
	CHECK(ioapic_read(&io, IOAPIC_WINDOW) == 0x00170020);
	CHECK(ioapic_read(&io, IOAPIC_REGSEL) == REG_VER);
}

/* 3.2: registers exist at 00h-02h and 10h-3Fh only (24 entries); an
 * index with nothing there reads all ones and takes no writes. */
TEST(ioapic_unimplemented_index_reads_all_ones)
{
	setup();
	for (uint32_t r = 0x03; r < 0x10; r++)
		CHECK(rd(r) == 0xFFFFFFFF);
	for (uint32_t r = REG_RTE(IOAPIC_PINS); r < 0x100; r++) {
		wr(r, 0);
		CHECK(rd(r) == 0xFFFFFFFF);
	}
	for (unsigned p = 0; p < IOAPIC_PINS; p++)
		CHECK(rte(p) == MASKED);
	CHECK(rd(REG_ID) == IOAPIC_DEFAULT_ID << 24 && nlog == 0);
}

/* 3.2.4: an entry is two 32-bit registers (low at 10h+2n, high at
 * 11h+2n).  Writable: vector 7:0, delivery mode 10:8, destination mode
 * 11, polarity 13, trigger mode 15, mask 16, destination 63:56.
 * Delivery status (12) and remote IRR (14) are read-only; 55:17 are
 * reserved and read 0. */
TEST(ioapic_rte_writable_bits)
{
	setup();
	wr(REG_RTE(7), 0xFFFFFFFF);
	CHECK(rd(REG_RTE(7)) == 0x0001AFFF);
	wr(REG_RTE(7) + 1, 0xFFFFFFFF);
	CHECK(rd(REG_RTE(7) + 1) == 0xFF000000);
	CHECK(rte(7) == (DEST(0xFF) | MASKED | LEVEL | ACTIVE_LOW | LOGICAL | MODE(7) | 0xFF));
	/* The halves are written independently. */
	wr(REG_RTE(7), 0);
	CHECK(rte(7) == DEST(0xFF));
	wr(REG_RTE(7) + 1, 0x5A000000);
	CHECK(rte(7) == DEST(0x5A) && nlog == 0);
}

/* 3.2.4 trigger mode 0: an edge-triggered pin sends one message per
 * rising edge; holding the line high sends nothing more; remote IRR
 * ("used for level triggered interrupts") stays clear. */
TEST(ioapic_edge_delivers_once_per_rising_edge)
{
	setup();
	set_rte(1, DEST(0) | 0x31);
	pin(1, 1);
	CHECK(delivered(1, 0x31) && !log_[0].level);
	pin(1, 1);
	pin(1, 0);
	CHECK(nlog == 1);
	pin(1, 1);
	CHECK(delivered(2, 0x31));
	/* Remote IRR is for level entries only: an EOI changes nothing. */
	ioapic_eoi(&io, 0x31);
	ioapic_write(&io, IOAPIC_EOI, 0x31);
	CHECK(nlog == 2 && rte(1) == 0x31);
}

/* 3.2.4 mask: "Edge-sensitive interrupts signaled on a masked interrupt
 * pin are ignored (i.e., not delivered or held pending)."  Unmasking
 * with the line still high sends nothing; the next edge does. */
TEST(ioapic_masked_edge_is_not_remembered)
{
	setup();
	set_rte(3, MASKED | 0x33);
	pin(3, 1);
	set_rte(3, 0x33);
	CHECK(nlog == 0);
	pin(3, 0);
	CHECK(nlog == 0);
	pin(3, 1);
	CHECK(delivered(1, 0x33));
}

/* 3.2.4 trigger mode 1, remote IRR: a level interrupt is sent while the
 * line is asserted and sets remote IRR; nothing more is sent until the
 * local APIC's EOI clears it.  Remote IRR is read-only to software. */
TEST(ioapic_level_waits_for_eoi)
{
	setup();
	set_rte(10, LEVEL | 0x50);
	CHECK(nlog == 0);
	pin(10, 1);
	CHECK(delivered(1, 0x50) && log_[0].level && (rte(10) & REMOTE_IRR));
	pin(10, 1);
	pin(10, 0);
	pin(10, 1);
	CHECK(nlog == 1);
	/* Rewriting the entry (remote IRR written 0) neither clears it nor
	 * sends again. */
	set_rte(10, LEVEL | 0x50);
	CHECK(rte(10) == (LEVEL | REMOTE_IRR | 0x50) && nlog == 1);
}

/* 82093AA 3.2.4 remote IRR: reset when the EOI message with a matching
 * vector arrives; a line still asserted then sends again, one that
 * fell meanwhile does not. */
TEST(ioapic_level_eoi_redelivers_while_asserted)
{
	setup();
	set_rte(11, DEST(2) | LEVEL | 0x51);
	pin(11, 1);
	CHECK(delivered(1, 0x51));
	ioapic_eoi(&io, 0x51);
	CHECK(delivered(2, 0x51) && log_[1].level && log_[1].dest == 2);
	CHECK(rte(11) & REMOTE_IRR);   /* set again by the new message */
	/* Deasserted before the EOI: nothing; the next assertion sends. */
	pin(11, 0);
	ioapic_eoi(&io, 0x51);
	CHECK(nlog == 2 && !(rte(11) & REMOTE_IRR));
	pin(11, 1);
	CHECK(delivered(3, 0x51));
}

/* ICH/PCH I/O APIC, EOI register (40h, version 20h): a write compares
 * the low 8 bits with each entry's vector and clears remote IRR on a
 * match; the upper bits are ignored. */
TEST(ioapic_eoi_register_at_0x40)
{
	setup();
	set_rte(12, LEVEL | 0x52);
	pin(12, 1);
	CHECK(delivered(1, 0x52));
	ioapic_write(&io, IOAPIC_EOI, 0xFFFFFF00u | 0x52);
	CHECK(delivered(2, 0x52));
	pin(12, 0);
	ioapic_write(&io, IOAPIC_EOI, 0x52);
	CHECK(nlog == 2 && !(rte(12) & REMOTE_IRR));
}

/* 3.2.4: only the EOI of the entry's own vector clears remote IRR; an
 * EOI clears every level entry with that vector. */
TEST(ioapic_eoi_matches_vector)
{
	setup();
	set_rte(14, LEVEL | 0x54);
	set_rte(15, LEVEL | 0x54);
	set_rte(16, LEVEL | 0x56);
	for (unsigned p = 14; p <= 16; p++)
		pin(p, 1);
	CHECK(nlog == 3);
	ioapic_eoi(&io, 0x55);
	ioapic_write(&io, IOAPIC_EOI, 0x55);
	CHECK(nlog == 3);
	CHECK((rte(14) & REMOTE_IRR) && (rte(15) & REMOTE_IRR) && (rte(16) & REMOTE_IRR));
	pin(14, 0);
	pin(15, 0);
	ioapic_eoi(&io, 0x54);
	CHECK(!(rte(14) & REMOTE_IRR) && !(rte(15) & REMOTE_IRR));
	CHECK((rte(16) & REMOTE_IRR) && nlog == 3);
}

/* 3.2.4 mask: a masked level pin sends nothing and sets no remote IRR;
 * unmasked while the line is still asserted, it sends then. */
TEST(ioapic_unmask_level_while_asserted_delivers)
{
	setup();
	set_rte(17, MASKED | LEVEL | 0x57);
	pin(17, 1);
	CHECK(nlog == 0 && !(rte(17) & REMOTE_IRR));
	set_rte(17, LEVEL | 0x57);
	CHECK(delivered(1, 0x57) && (rte(17) & REMOTE_IRR));
	/* Masked again and unmasked after the line fell: nothing. */
	set_rte(18, MASKED | LEVEL | 0x58);
	pin(18, 1);
	pin(18, 0);
	set_rte(18, LEVEL | 0x58);
	CHECK(nlog == 1);
}

/* 3.2.4 interrupt input pin polarity (bit 13): 1 = low active, so the
 * low line is the asserted one, for edge and level triggering. */
TEST(ioapic_active_low_inverts_the_line)
{
	setup();
	set_rte(5, MASKED | ACTIVE_LOW | 0x35);
	set_rte(6, MASKED | ACTIVE_LOW | LEVEL | 0x36);
	pin(5, 1);                     /* high pins: idle */
	pin(6, 1);
	set_rte(5, ACTIVE_LOW | 0x35);
	set_rte(6, ACTIVE_LOW | LEVEL | 0x36);
	CHECK(nlog == 0);
	pin(5, 0);                     /* falling pin = rising interrupt */
	CHECK(delivered(1, 0x35));
	pin(5, 1);
	CHECK(nlog == 1);
	pin(5, 0);
	CHECK(delivered(2, 0x35));
	pin(6, 0);
	CHECK(delivered(3, 0x36) && (rte(6) & REMOTE_IRR));
	pin(6, 1);                     /* deasserted: the EOI sends nothing */
	ioapic_eoi(&io, 0x36);
	CHECK(nlog == 3 && !(rte(6) & REMOTE_IRR));
}

/* 3.2.4 polarity applies to the pin's signal as it is now: with the pin
 * held high, an entry turned low-active sees a deasserted line (no
 * message) and the pin's fall asserts it. */
TEST(ioapic_polarity_change_applies_to_held_line)
{
	setup();
	set_rte(9, MASKED | 0x39);
	pin(9, 1);                               /* high, entry high active */
	set_rte(9, ACTIVE_LOW | LEVEL | 0x39);   /* now the high pin is idle */
	CHECK(nlog == 0);
	pin(9, 0);
	CHECK(delivered(1, 0x39));
}

/* 3.2.4 delivery mode: 000 fixed, 001 lowest priority and 100 NMI reach
 * the local APIC; SMI, INIT, ExtINT and the reserved codes are kept in
 * the entry but not delivered by this model (ioapic.h), and set no
 * remote IRR. */
static bool reaches_cpu(unsigned m) { return m <= 1 || m == 4; }

TEST(ioapic_fixed_lowest_priority_and_nmi_delivered)
{
	setup();
	for (unsigned m = 0; m < 8; m++) {
		int before = nlog;
		set_rte(2, MODE(m) | 0x42);
		pin(2, 1);
		pin(2, 0);
		CHECK(nlog == before + reaches_cpu(m));
		set_rte(20, MODE(m) | LEVEL | 0x60);
		pin(20, 1);
		CHECK(nlog == before + 2 * reaches_cpu(m));
		CHECK(!!(rte(20) & REMOTE_IRR) == (m <= 1));
		CHECK(((rte(20) >> 8) & 7) == m);
		if (reaches_cpu(m))
			CHECK(log_[nlog - 1].nmi == (m == 4) && log_[nlog - 1].level == (m <= 1));
		pin(20, 0);
		ioapic_eoi(&io, 0x60);
	}
	CHECK(nlog == 6 && log_[2].vector == 0x42 && log_[3].vector == 0x60);
}

/* 3.2.4: "NMI ... delivered as an edge; the trigger mode is ignored".
 * An NMI entry marked level-triggered sends one NMI per rising edge,
 * none while the line stays high, and never waits for an EOI. */
TEST(ioapic_nmi_is_edge_whatever_the_trigger_mode)
{
	setup();
	set_rte(9, MODE(4) | LEVEL);
	pin(9, 1);
	pin(9, 1);
	CHECK(nlog == 1 && log_[0].nmi && !log_[0].level && !(rte(9) & REMOTE_IRR));
	set_rte(9, MODE(4) | LEVEL);   /* rewriting the entry sends nothing */
	ioapic_eoi(&io, 0);
	CHECK(nlog == 1);
	pin(9, 0);
	pin(9, 1);
	CHECK(nlog == 2 && log_[1].nmi && ctx_ok);
}

/* 3.2.4 destination mode (bit 11) and destination (63:56): physical
 * mode names an APIC ID, logical mode a set of APICs; both reach the
 * local APIC with the entry's vector and trigger mode. */
TEST(ioapic_destination_passed_to_local_apic)
{
	setup();
	set_rte(21, DEST(0x0A) | 0x61);
	set_rte(22, DEST(0xA5) | LOGICAL | LOWEST | LEVEL | 0x62);
	pin(21, 1);
	pin(22, 1);
	CHECK(nlog == 2 && ctx_ok);
	CHECK(log_[0].vector == 0x61 && log_[0].dest == 0x0A && !log_[0].logical && !log_[0].level);
	CHECK(log_[1].vector == 0x62 && log_[1].dest == 0xA5 && log_[1].logical && log_[1].level);
	set_rte(23, DEST(0xFF) | 0xFE);
	pin(23, 1);
	CHECK(nlog == 3 && log_[2].dest == 0xFF && log_[2].vector == 0xFE);
}

/* 24 pins (IOAPIC_PINS), each with its own entry: a pin number past
 * the last is ignored. */
TEST(ioapic_pin_out_of_range_ignored)
{
	setup();
	for (unsigned p = 0; p < IOAPIC_PINS; p++)
		set_rte(p, DEST(p) | LEVEL | (0x20 + p));
	for (unsigned p = IOAPIC_PINS; p <= 64; p++)
		pin(p, 1);
	pin(0xFFFFFFFFu, 1);
	CHECK(nlog == 0);
	for (unsigned p = 0; p < IOAPIC_PINS; p++)
		CHECK(rte(p) == (DEST(p) | LEVEL | (0x20 + p)));
	pin(IOAPIC_PINS - 1, 1);   /* the last pin does work */
	CHECK(delivered(1, 0x20 + IOAPIC_PINS - 1));
}

/* Remote IRR is undefined for edge triggering (3.2.4); making an entry
 * edge-triggered clears it (the model's rule, which Linux relies on to
 * clear a stuck remote IRR on I/O APICs without an EOI register, in
 * __eoi_ioapic_pin).  Made level again with the line still asserted and
 * no EOI pending, the pin sends again. */
TEST(ioapic_level_to_edge_clears_remote_irr)
{
	setup();
	set_rte(19, LEVEL | 0x59);
	pin(19, 1);
	CHECK(nlog == 1 && (rte(19) & REMOTE_IRR));
	set_rte(19, 0x59);
	CHECK(rte(19) == 0x59 && nlog == 1);   /* and no new edge */
	set_rte(19, LEVEL | 0x59);
	CHECK(delivered(2, 0x59) && (rte(19) & REMOTE_IRR));
}
