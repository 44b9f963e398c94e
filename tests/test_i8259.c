/* Host tests of devices/i8259.c: the PC's cascaded pair of 8259A PICs
 * and the PIIX ELCR, driven the way a guest kernel drives them (port
 * writes, device lines, INTA cycles).  Expected behaviour is the Intel
 * 8259A datasheet's (ELCR: the PIIX4 datasheet); each test says which
 * rule it checks.  Most tests start from the standard PC programming:
 * master vectors 20h-27h, slave 28h-2Fh on the master's IR2, edge
 * triggered, normal EOI, nothing masked. */
#define TEST_MAIN
#include "tests/test.h"
#include "devices/i8259.h"

#define M_CMD  I8259_MASTER_CMD
#define M_DATA I8259_MASTER_DATA
#define S_CMD  I8259_SLAVE_CMD
#define S_DATA I8259_SLAVE_DATA

static struct i8259 pic;   /* the device under test, fresh in each test */

static void out(uint16_t port, uint8_t v) { i8259_write(&pic, port, v); }
static uint8_t in(uint16_t port) { return i8259_read(&pic, port); }
static void line(unsigned n, int level) { i8259_set_irq(&pic, n, level); }
static bool output(void) { return i8259_output(&pic); }
static uint8_t ack(void) { return i8259_ack(&pic); }

/* One chip's ICW1-ICW4 (ICW1 0x11: edge, cascade, ICW4 follows). */
static void init_chip(uint16_t cmd, uint8_t base, uint8_t icw3, uint8_t icw4)
{
	out(cmd, 0x11);
	out(cmd + 1, base);
	out(cmd + 1, icw3);
	out(cmd + 1, icw4);
}

/* What the BIOS and Linux do: ICW2 20h/28h, ICW3 4 (slave on IR2) and
 * 2 (slave ID), ICW4 1 (8086 mode, normal EOI). */
static void pc_init(void)
{
	i8259_reset(&pic);
	init_chip(M_CMD, 0x20, 0x04, 0x01);
	init_chip(S_CMD, 0x28, 0x02, 0x01);
}

/* OCW3 0x0A / 0x0B select IRR / ISR for the next read of the command port. */
static uint8_t read_irr(uint16_t cmd) { out(cmd, 0x0A); return in(cmd); }

static uint8_t read_isr(uint16_t cmd)
{
	uint8_t v;
	out(cmd, 0x0B);
	v = in(cmd);
	out(cmd, 0x0A);
	return v;
}

/* An edge: the line goes high and back low. */
static void pulse(unsigned n) { line(n, 1); line(n, 0); }

/* OCW2 20h: non-specific EOI; a slave interrupt needs one on each chip. */
static void eoi(uint16_t cmd) { out(cmd, 0x20); }
static void eoi_both(void) { eoi(S_CMD); eoi(M_CMD); }

/* INT is asserted and INTA returns vector v. */
static bool takes(uint8_t v) { return output() && ack() == v; }

TEST(init_standard_pc)
{
	/* Power-on: everything masked, no interrupt whatever the lines do. */
	i8259_reset(&pic);
	CHECK(in(M_DATA) == 0xFF && in(S_DATA) == 0xFF);
	pulse(1);
	CHECK(!output());
	pc_init();
	CHECK(in(M_DATA) == 0x00 && in(S_DATA) == 0x00);
	CHECK(!output());
	pulse(0);
	CHECK(takes(0x20));
	eoi(M_CMD);
	pulse(6);
	CHECK(takes(0x26));

	/* 8086 mode: ICW2 supplies T7-T3; the low 3 bits are the input. */
	init_chip(M_CMD, 0x47, 0x04, 0x01);
	pulse(1);
	CHECK(ack() == 0x41);
}

TEST(ocw1_masks_inputs)
{
	pc_init();
	out(M_DATA, 0xFA);           /* only IR0 and IR2 (cascade) open */
	out(S_DATA, 0xEF);           /* only IRQ12 open */
	CHECK(in(M_DATA) == 0xFA && in(S_DATA) == 0xEF);
	pulse(1); pulse(13);
	CHECK(!output());
	pulse(12);
	CHECK(takes(0x2C));
}

TEST(masked_request_remembered_in_irr)
{
	pc_init();
	out(M_DATA, 0x08);           /* mask IR3 */
	pulse(3);
	CHECK(!output());
	/* The mask gates the request after the IRR: it is still latched. */
	CHECK(read_irr(M_CMD) == 0x08);
	out(M_DATA, 0x00);
	CHECK(takes(0x23));
	CHECK(read_irr(M_CMD) == 0x00);
}

TEST(edge_requests_on_rising_edge_only)
{
	pc_init();
	line(4, 1);
	CHECK(takes(0x24));
	/* The edge was consumed by INTA; a line held high (and re-driven
	 * high) is no new edge, so after EOI nothing is requested. */
	line(4, 1);
	eoi(M_CMD);
	CHECK(!output() && read_irr(M_CMD) == 0x00);
	/* A low-high cycle is a new request. */
	line(4, 0);
	CHECK(!output());
	line(4, 1);
	CHECK(takes(0x24));
}

TEST(level_requests_via_elcr)
{
	pc_init();
	out(I8259_ELCR1, 0x20);      /* IRQ5 level-triggered */
	out(I8259_ELCR2, 0x08);      /* IRQ11 level-triggered */
	line(5, 1);
	CHECK(output());
	/* The request follows the line: low withdraws it. */
	line(5, 0);
	CHECK(!output() && read_irr(M_CMD) == 0x00);
	line(5, 1);
	CHECK(ack() == 0x25);
	/* Still high after INTA: IRR keeps it, the ISR holds it off ... */
	CHECK(read_irr(M_CMD) == 0x20 && !output());
	/* ... and EOI with the line still high requests again. */
	eoi(M_CMD);
	CHECK(takes(0x25));
	line(5, 0);
	eoi(M_CMD);
	CHECK(!output());

	/* The same through the cascade. */
	line(11, 1);
	CHECK(ack() == 0x2B);
	eoi_both();
	CHECK(takes(0x2B));
}

TEST(elcr_read_only_bits)
{
	pc_init();
	CHECK(in(I8259_ELCR1) == 0x00 && in(I8259_ELCR2) == 0x00);
	/* PIIX4: IRQ0, 1, 2, 8 and 13 are edge only; their bits read 0. */
	out(I8259_ELCR1, 0xFF);
	out(I8259_ELCR2, 0xFF);
	CHECK(in(I8259_ELCR1) == 0xF8 && in(I8259_ELCR2) == 0xDE);
	/* IRQ1 therefore stays edge-triggered: high after EOI is no request. */
	line(1, 1);
	CHECK(ack() == 0x21);
	eoi(M_CMD);
	CHECK(!output());
	out(I8259_ELCR1, 0x00);
	CHECK(in(I8259_ELCR1) == 0x00);
}

TEST(priority_irq0_beats_irq1)
{
	pc_init();
	pulse(1); pulse(0);
	CHECK(ack() == 0x20);
	eoi(M_CMD);
	CHECK(ack() == 0x21);
}

TEST(lower_priority_waits_while_higher_in_service)
{
	pc_init();
	pulse(3);
	CHECK(ack() == 0x23);
	/* Fully nested mode: IR5 and IR3 itself wait behind IR3 in service. */
	pulse(5); pulse(3);
	CHECK(!output() && read_irr(M_CMD) == 0x28);
	eoi(M_CMD);
	CHECK(ack() == 0x23);
	eoi(M_CMD);
	CHECK(ack() == 0x25);
}

TEST(higher_priority_interrupts_lower_in_service)
{
	pc_init();
	pulse(6);
	CHECK(ack() == 0x26);
	pulse(1);
	CHECK(takes(0x21));
	CHECK(read_isr(M_CMD) == 0x42);
}

TEST(nonspecific_eoi_clears_highest_in_service)
{
	pc_init();
	pulse(4);
	CHECK(ack() == 0x24);
	pulse(1);
	CHECK(ack() == 0x21);
	CHECK(read_isr(M_CMD) == 0x12);
	out(M_CMD, 0x20);            /* clears IR1, the highest */
	CHECK(read_isr(M_CMD) == 0x10);
	out(M_CMD, 0x20);
	CHECK(read_isr(M_CMD) == 0x00);
	out(M_CMD, 0x20);            /* nothing in service: harmless */
	CHECK(read_isr(M_CMD) == 0x00 && !output());
}

TEST(specific_eoi_clears_named_level)
{
	pc_init();
	pulse(4);
	CHECK(ack() == 0x24);
	pulse(1);
	CHECK(ack() == 0x21);
	out(M_CMD, 0x64);            /* specific EOI for IR4, not the highest */
	CHECK(read_isr(M_CMD) == 0x02);
	out(M_CMD, 0x61);
	CHECK(read_isr(M_CMD) == 0x00);
}

TEST(cascade_slave_irqs_through_ir2)
{
	pc_init();
	for (unsigned n = 8; n < 16; n++) {
		pulse(n);
		CHECK(takes(0x28 + (n - 8)));
		CHECK(read_isr(S_CMD) == 1u << (n - 8));
		CHECK(read_isr(M_CMD) == 0x04);
		eoi_both();
		CHECK(!output());
	}

	/* IR2 in service blocks lower master inputs, not higher ones. */
	pulse(12);
	CHECK(ack() == 0x2C);
	pulse(3);
	CHECK(!output());
	pulse(1);
	CHECK(ack() == 0x21);
	eoi(M_CMD);                  /* ends IR1; IR2 still in service */
	CHECK(!output());

	/* Both chips need their EOI: with only the slave's, a new slave
	 * request still waits behind the master's IR2 in service. */
	pulse(14);
	eoi(S_CMD);
	CHECK(!output());
	eoi(M_CMD);
	CHECK(takes(0x2E));       /* and IR3 still waits behind IR2 */
	CHECK(!output());
	eoi_both();
	CHECK(ack() == 0x23);
}

TEST(spurious_irq7_level_line_dropped)
{
	pc_init();
	out(I8259_ELCR1, 0x20);
	line(5, 1);
	CHECK(output());
	/* The IR input must stay high until INTA; if it goes away the
	 * 8259A answers with IR7's vector and sets no ISR bit. */
	line(5, 0);
	CHECK(ack() == 0x27);
	CHECK(read_isr(M_CMD) == 0x00);
}

TEST(spurious_irq7_masked_after_output)
{
	pc_init();
	pulse(1);
	CHECK(output());
	out(M_DATA, 0x02);           /* masked between INT and INTA */
	CHECK(ack() == 0x27);
	CHECK(read_isr(M_CMD) == 0x00);
	/* The edge request itself is still latched for later. */
	CHECK(read_irr(M_CMD) == 0x02);
	out(M_DATA, 0x00);
	CHECK(ack() == 0x21);
}

TEST(spurious_irq15_slave_line_dropped)
{
	pc_init();
	out(I8259_ELCR2, 0x04);      /* IRQ10 level-triggered */
	line(10, 1);
	CHECK(output());
	line(10, 0);
	/* The slave has nothing left at INTA: its IR7, vector 2Fh, with
	 * no slave ISR bit set. */
	CHECK(ack() == 0x2F);
	CHECK(read_isr(S_CMD) == 0x00);
}

TEST(ocw3_reads_irr_or_isr)
{
	pc_init();
	pulse(3); pulse(5);
	CHECK(in(M_CMD) == 0x28);    /* IRR is the default */
	CHECK(ack() == 0x23);
	out(M_CMD, 0x0B);
	CHECK(in(M_CMD) == 0x08);
	CHECK(in(M_CMD) == 0x08);    /* the selection sticks */
	CHECK(in(M_DATA) == 0x00);   /* data port still reads the IMR */
	out(M_CMD, 0x0A);
	CHECK(in(M_CMD) == 0x20);
}

TEST(poll_mode_reads_and_acknowledges)
{
	pc_init();
	out(M_CMD, 0x0C);            /* nothing requested: I bit clear */
	CHECK(in(M_CMD) == 0x00);
	pulse(6); pulse(3);
	out(M_CMD, 0x0C);
	CHECK(in(M_CMD) == 0x83);
	/* The read acted as INTA: IR3 in service, its request gone. */
	CHECK(read_isr(M_CMD) == 0x08);
	CHECK(read_irr(M_CMD) == 0x40 && !output());
	/* Only one read is a poll; the next is a normal IRR read. */
	out(M_CMD, 0x0C);
	CHECK(in(M_CMD) == 0x00);    /* IR6 waits behind IR3 */
	CHECK(in(M_CMD) == 0x40);
	eoi(M_CMD);

	/* A slave request polls as IR2 on the master, then on the slave. */
	pulse(9);
	out(M_CMD, 0x0C);
	CHECK(in(M_CMD) == 0x82);
	out(S_CMD, 0x0C);
	CHECK(in(S_CMD) == 0x81);
	CHECK(read_isr(S_CMD) == 0x02);
}

TEST(auto_eoi_sets_no_isr_bit)
{
	pc_init();
	init_chip(M_CMD, 0x20, 0x04, 0x03);   /* ICW4 AEOI */
	pulse(3);
	CHECK(ack() == 0x23);
	CHECK(read_isr(M_CMD) == 0x00);
	/* No EOI needed: a lower-priority input is served at once. */
	pulse(5);
	CHECK(takes(0x25));
	CHECK(read_isr(M_CMD) == 0x00);
}

TEST(rotate_on_nonspecific_eoi)
{
	pc_init();
	pulse(3);
	CHECK(ack() == 0x23);
	/* OCW2 A0h: EOI, and IR3 becomes the lowest priority: 4,5,6,7,0,1,2,3. */
	out(M_CMD, 0xA0);
	CHECK(read_isr(M_CMD) == 0x00);
	pulse(0); pulse(3); pulse(4);
	CHECK(ack() == 0x24);
	eoi(M_CMD);
	CHECK(ack() == 0x20);
	eoi(M_CMD);
	CHECK(ack() == 0x23);
}

TEST(set_priority_command)
{
	pc_init();
	/* OCW2 C5h: IR5 lowest, so IR6 highest: 6,7,0,1,2,3,4,5. */
	out(M_CMD, 0xC5);
	pulse(1); pulse(5); pulse(6);
	CHECK(ack() == 0x26);
	CHECK(!output());        /* IR1 is now below IR6 */
	eoi(M_CMD);
	CHECK(ack() == 0x21);
	CHECK(!output());        /* and IR5, the lowest, below IR1 */
	eoi(M_CMD);
	CHECK(ack() == 0x25);
}

TEST(special_mask_mode)
{
	pc_init();
	pulse(3);
	CHECK(ack() == 0x23);
	pulse(5);
	CHECK(!output());
	/* Special mask mode alone: IR3 is unmasked, so it still blocks. */
	out(M_CMD, 0x68);
	CHECK(!output());
	/* Masking the level in service enables all other unmasked levels. */
	out(M_DATA, 0x08);
	CHECK(takes(0x25));
	CHECK(read_isr(M_CMD) == 0x28);
	out(M_CMD, 0x65);            /* specific EOI, as SMM requires */
	/* Back to normal mode (OCW3 48h): IR3 in service blocks IR6 again. */
	out(M_CMD, 0x48);
	out(M_DATA, 0x00);
	pulse(6);
	CHECK(!output());
	out(M_CMD, 0x63);
	CHECK(ack() == 0x26);
}

TEST(icw1_clears_imr_isr_and_modes)
{
	pc_init();
	pulse(1);
	CHECK(ack() == 0x21);
	out(M_DATA, 0xF0);
	out(M_CMD, 0x68);            /* special mask mode on */
	out(M_CMD, 0xC3);            /* IR4 highest priority */
	out(M_CMD, 0x0B);            /* read ISR */
	CHECK(in(M_CMD) == 0x02);
	/* ICW1: IMR and ISR cleared, special mask mode off, status read
	 * set to IRR, IR7 lowest priority again. */
	init_chip(M_CMD, 0x20, 0x04, 0x01);
	CHECK(in(M_DATA) == 0x00);
	pulse(7);
	CHECK(in(M_CMD) == 0x80);    /* IRR, not the (empty) ISR */
	CHECK(read_isr(M_CMD) == 0x00);
	pulse(0);
	CHECK(ack() == 0x20);        /* IR0 over IR7 */
	/* SMM off: IR0 in service blocks IR7 even when masked. */
	out(M_DATA, 0x01);
	CHECK(!output());
}

TEST(icw1_resets_edge_sense)
{
	pc_init();
	line(1, 1);
	/* "The edge sense circuit is reset, which means that following
	 * initialization, an interrupt request (IR) input must make a
	 * low-to-high transition to generate an interrupt." */
	init_chip(M_CMD, 0x20, 0x04, 0x01);
	CHECK(read_irr(M_CMD) == 0x00);
	line(1, 1);                  /* still high: no transition */
	CHECK(!output());
	line(1, 0);
	line(1, 1);
	CHECK(ack() == 0x21);
}
