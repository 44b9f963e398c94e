/* Host tests of devices/uart16550.c: the 16550A UART of the PC's COM
 * ports.  Expected behaviour is the National Semiconductor PC16550D data
 * sheet's ("Registers": Table II register summary, Table IV interrupt
 * control functions, the FIFO Control, Line Status, Modem Control and
 * Modem Status Registers), plus the model's documented simplifications
 * (devices/uart16550.h: transmission takes no time, the character
 * timeout is immediate, INTR is not gated by OUT2).  Each test states
 * the rule it checks. */
#define TEST_MAIN
#include "tests/test.h"
#include "devices/uart16550.h"

static struct uart16550 u;   /* the device under test, reset in each test */

static uint8_t rd(unsigned reg) { return uart16550_read(&u, reg); }
static int wr(unsigned reg, uint8_t v) { return uart16550_write(&u, reg, v); }

/* Table II, master reset: IER 0, IIR 01h (no interrupt pending, FIFOs
 * off), LCR (reset to 0 by the chip; the model leaves 03h = 8N1 as
 * firmware would), MCR 0, LSR 60h (THRE and TEMT, nothing received),
 * MSR bits 3:0 clear and bits 7:4 the input lines (DCD, DSR, CTS
 * active, RI inactive = B0h), and INTR low. */
TEST(reset_state)
{
	memset(&u, 0xA5, sizeof u);
	uart16550_reset(&u);
	CHECK(rd(UART_LCR) == 0x03);
	CHECK(rd(UART_IER) == 0x00);
	CHECK(rd(UART_IIR) == 0x01);
	CHECK(rd(UART_MCR) == 0x00);
	CHECK(rd(UART_LSR) == 0x60);
	CHECK(rd(UART_MSR) == 0xB0);
	CHECK(!uart16550_irq(&u));
	CHECK(uart16550_rx_room(&u) == 1);
}

/* Table II: with LCR bit 7 (DLAB) set, offsets 0 and 1 are the divisor
 * latch (DLL, DLM) for both reads and writes; a write to offset 0 then
 * sends nothing and a write to offset 1 leaves IER alone.  Clearing
 * DLAB brings back RBR/THR and IER, and the latch keeps its value. */
TEST(divisor_latch_behind_dlab)
{
	uart16550_reset(&u);
	CHECK(wr(UART_IER, UART_IER_RDI) == -1);
	CHECK(wr(UART_LCR, 0x83) == -1);
	CHECK(rd(UART_LCR) == 0x83);
	CHECK(wr(UART_RBR, 0x0C) == -1);       /* DLL: 9600 baud, not transmitted */
	CHECK(wr(UART_IER, 0x5A) == -1);       /* DLM */
	CHECK(rd(UART_RBR) == 0x0C);
	CHECK(rd(UART_IER) == 0x5A);
	CHECK(uart16550_receive(&u, 'x'));
	CHECK(rd(UART_RBR) == 0x0C);           /* DLL, not the received byte */
	CHECK(rd(UART_LSR) & UART_LSR_DR);
	wr(UART_LCR, 0x03);
	CHECK(rd(UART_IER) == UART_IER_RDI);   /* IER untouched by the DLM write */
	CHECK(rd(UART_RBR) == 'x');
	CHECK(!(rd(UART_LSR) & UART_LSR_DR));
	CHECK(wr(UART_RBR, 'y') == 'y');       /* THR again */
	wr(UART_LCR, 0x83);
	CHECK(rd(UART_RBR) == 0x0C && rd(UART_IER) == 0x5A);
}

/* A write to THR (offset 0, DLAB clear, not in loopback) sends the byte:
 * uart16550_write returns it, every value 00h-FFh.  Writes to the other
 * registers send nothing and return -1.  THR is empty again at once, so
 * LSR keeps THRE and TEMT. */
TEST(transmit_returns_byte)
{
	uart16550_reset(&u);
	for (int b = 0; b < 256; b++)
		CHECK(wr(UART_RBR, (uint8_t)b) == b);
	CHECK((rd(UART_LSR) & 0x60) == 0x60);
	for (unsigned reg = 1; reg < 8; reg++)
		CHECK(wr(reg, 0x41) == -1);
}

/* Table IV, THRE interrupt: set when THR is empty and IER bit 1 is
 * enabled (enabling it with THR already empty interrupts at once); IIR
 * reads 02h; it is reset by reading IIR (when it is the source shown)
 * or by writing THR, which here empties again at once and so re-arms
 * it.  Clearing IER bit 1 masks it. */
TEST(thre_interrupt)
{
	uart16550_reset(&u);
	wr(UART_IER, UART_IER_THRI);
	CHECK(uart16550_irq(&u));
	CHECK(rd(UART_IIR) == 0x02);
	CHECK(rd(UART_IIR) == 0x01);           /* acknowledged by the read */
	CHECK(!uart16550_irq(&u));
	CHECK(wr(UART_RBR, 'a') == 'a');
	CHECK(uart16550_irq(&u));
	CHECK(rd(UART_IIR) == 0x02);
	CHECK(!uart16550_irq(&u));
	wr(UART_RBR, 'b');
	CHECK(uart16550_irq(&u));
	wr(UART_IER, 0);
	CHECK(!uart16550_irq(&u));
	CHECK(rd(UART_IIR) == 0x01);
	/* Enabling again with THR empty interrupts again. */
	wr(UART_IER, UART_IER_THRI);
	CHECK(uart16550_irq(&u) && rd(UART_IIR) == 0x02);
}

/* 16450 mode (FIFOs off): one receiver buffer register.  LSR bit 0 (DR)
 * is set while it holds a byte; reading RBR takes it and clears DR.  A
 * byte arriving while it is full is an overrun: LSR bit 1 (OE) is set
 * until LSR is read, and uart16550_receive reports the loss.  (The data
 * sheet's OE text says the new character overwrites the unread one; the
 * model keeps the old one, see the report, so which byte survives is
 * not checked here.)  Only one byte is held in any case. */
TEST(receive_without_fifo)
{
	uint8_t b;

	uart16550_reset(&u);
	CHECK(uart16550_rx_room(&u) == 1);
	CHECK(!(rd(UART_LSR) & UART_LSR_DR));
	CHECK(uart16550_receive(&u, 'A'));
	CHECK(uart16550_rx_room(&u) == 0);
	CHECK(rd(UART_LSR) == (UART_LSR_DR | 0x60));
	CHECK(rd(UART_RBR) == 'A');
	CHECK(rd(UART_LSR) == 0x60);
	CHECK(uart16550_rx_room(&u) == 1);

	CHECK(uart16550_receive(&u, 'B'));
	CHECK(!uart16550_receive(&u, 'C'));
	CHECK(uart16550_rx_room(&u) == 0);
	CHECK(rd(UART_LSR) == (UART_LSR_DR | UART_LSR_OE | 0x60));
	CHECK(rd(UART_LSR) == (UART_LSR_DR | 0x60));   /* OE cleared by the read */
	b = rd(UART_RBR);
	CHECK(b == 'B' || b == 'C');
	CHECK(rd(UART_LSR) == 0x60);                    /* only one byte was held */
}

/* FIFO mode (FCR bit 0): the receiver FIFO holds 16 bytes, read back in
 * the order received; an overrun happens only when it is full and
 * another byte arrives, which is not transferred to the FIFO (the 16
 * held bytes survive) and sets OE.  rx_room counts the free places. */
TEST(receive_with_fifo)
{
	uart16550_reset(&u);
	wr(UART_IIR, UART_FCR_ENABLE);
	CHECK(uart16550_rx_room(&u) == UART_FIFO_SIZE);
	for (unsigned i = 0; i < UART_FIFO_SIZE; i++) {
		CHECK(uart16550_receive(&u, (uint8_t)(0x30 + i)));
		CHECK(uart16550_rx_room(&u) == UART_FIFO_SIZE - 1 - i);
	}
	CHECK(rd(UART_LSR) == (UART_LSR_DR | 0x60));
	CHECK(!uart16550_receive(&u, 0xEE));
	CHECK(rd(UART_LSR) == (UART_LSR_DR | UART_LSR_OE | 0x60));
	for (unsigned i = 0; i < UART_FIFO_SIZE; i++) {
		CHECK(rd(UART_LSR) & UART_LSR_DR);
		CHECK(rd(UART_RBR) == 0x30 + i);
		CHECK(uart16550_rx_room(&u) == i + 1);
	}
	CHECK(rd(UART_LSR) == 0x60);
	/* The FIFO wraps around: more bytes in and out keep their order. */
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 10; i++)
			CHECK(uart16550_receive(&u, (uint8_t)(round * 16 + i)));
		for (unsigned i = 0; i < 10; i++)
			CHECK(rd(UART_RBR) == round * 16 + i);
	}
}

/* FCR bits 7:6 set the receiver trigger level: 00 = 1, 01 = 4, 10 = 8,
 * 11 = 14 bytes.  With IER bit 0 and the FIFO at or above the level the
 * IIR shows received data available (04h); with data below the level
 * the character timeout (0Ch; immediate in this model).  In FIFO mode
 * IIR bits 7:6 are set.  Reading drops below the level again. */
TEST(trigger_levels)
{
	static const unsigned level[4] = { 1, 4, 8, 14 };

	for (unsigned t = 0; t < 4; t++) {
		uart16550_reset(&u);
		wr(UART_IIR, (uint8_t)(t << 6 | UART_FCR_ENABLE));
		wr(UART_IER, UART_IER_RDI);
		CHECK(rd(UART_IIR) == 0xC1);
		CHECK(!uart16550_irq(&u));
		for (unsigned n = 1; n <= UART_FIFO_SIZE; n++) {
			uart16550_receive(&u, (uint8_t)n);
			CHECK(uart16550_irq(&u));
			if (n < level[t])
				CHECK(rd(UART_IIR) == (UART_IIR_CTI | UART_IIR_FIFO));
			else
				CHECK(rd(UART_IIR) == (UART_IIR_RDI | UART_IIR_FIFO));
		}
		for (unsigned n = UART_FIFO_SIZE; n > 0; n--) {
			if (n < level[t])
				CHECK(rd(UART_IIR) == (UART_IIR_CTI | UART_IIR_FIFO));
			else
				CHECK(rd(UART_IIR) == (UART_IIR_RDI | UART_IIR_FIFO));
			rd(UART_RBR);
		}
		CHECK(rd(UART_IIR) == 0xC1);
		CHECK(!uart16550_irq(&u));
	}
}

/* 16450 mode has no timeout indication (IIR bit 3 is always 0 there):
 * one byte is received data available, 04h, and IIR bits 7:6 are 0.
 * Reading RBR resets it. */
TEST(received_data_without_fifo)
{
	uart16550_reset(&u);
	wr(UART_IER, UART_IER_RDI);
	uart16550_receive(&u, 'z');
	CHECK(uart16550_irq(&u));
	CHECK(rd(UART_IIR) == UART_IIR_RDI);
	CHECK(rd(UART_IIR) == UART_IIR_RDI);   /* not reset by reading IIR */
	CHECK(rd(UART_RBR) == 'z');
	CHECK(rd(UART_IIR) == 0x01 && !uart16550_irq(&u));
}

/* FCR: bit 0 enables the FIFOs, and IIR bits 7:6 read 11 while it is
 * set; changing between FIFO and 16450 mode empties the receiver, as
 * does writing bit 1 (with bit 0 set); bit 2 (transmit reset) leaves
 * the receiver alone.  Rewriting bit 0 unchanged keeps the data. */
TEST(fcr_enable_and_clear)
{
	uart16550_reset(&u);
	CHECK((rd(UART_IIR) & 0xC0) == 0);
	uart16550_receive(&u, 1);
	wr(UART_IIR, UART_FCR_ENABLE);
	CHECK((rd(UART_IIR) & 0xC0) == 0xC0);
	CHECK(!(rd(UART_LSR) & UART_LSR_DR));           /* enabling emptied it */
	CHECK(uart16550_rx_room(&u) == UART_FIFO_SIZE);

	uart16550_receive(&u, 2);
	uart16550_receive(&u, 3);
	wr(UART_IIR, UART_FCR_ENABLE | 0x40);            /* still enabled */
	CHECK(uart16550_rx_room(&u) == UART_FIFO_SIZE - 2);
	wr(UART_IIR, UART_FCR_ENABLE | UART_FCR_CLEAR_TX);
	CHECK(uart16550_rx_room(&u) == UART_FIFO_SIZE - 2);
	CHECK(rd(UART_LSR) & UART_LSR_DR);
	wr(UART_IIR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
	CHECK(!(rd(UART_LSR) & UART_LSR_DR));
	CHECK(uart16550_rx_room(&u) == UART_FIFO_SIZE);
	CHECK((rd(UART_IIR) & 0xC0) == 0xC0);            /* bit 1 does not disable */

	uart16550_receive(&u, 4);
	uart16550_receive(&u, 5);
	wr(UART_IIR, 0);
	CHECK((rd(UART_IIR) & 0xC0) == 0);
	CHECK(!(rd(UART_LSR) & UART_LSR_DR));           /* disabling emptied it */
	CHECK(uart16550_rx_room(&u) == 1);
	uart16550_receive(&u, 6);
	wr(UART_IIR, 0);                                 /* 16450 mode unchanged */
	CHECK(rd(UART_RBR) == 6);
}

/* Table IV priorities: receiver line status (OE with IER bit 2, IIR 06h,
 * reset by reading LSR) first, then received data available (04h), then
 * THRE (02h), then modem status (00h, reset by reading MSR). */
TEST(interrupt_priorities)
{
	uart16550_reset(&u);
	wr(UART_MCR, UART_MCR_LOOP);
	rd(UART_MSR);                                    /* clear entering loopback's deltas */
	wr(UART_MCR, UART_MCR_LOOP | 0x02);              /* RTS -> CTS: DCTS */
	wr(UART_IER, UART_IER_RDI | UART_IER_THRI | UART_IER_RLSI | UART_IER_MSI);
	wr(UART_RBR, 'p');                               /* looped back */
	wr(UART_RBR, 'q');                               /* overrun */
	CHECK(uart16550_irq(&u));
	CHECK(rd(UART_IIR) == UART_IIR_RLSI);
	CHECK(rd(UART_IIR) == UART_IIR_RLSI);            /* THRE still pending too */
	CHECK(rd(UART_LSR) & UART_LSR_OE);
	CHECK(rd(UART_IIR) == UART_IIR_RDI);
	rd(UART_RBR);
	CHECK(rd(UART_IIR) == UART_IIR_THRI);            /* not acknowledged earlier */
	CHECK(uart16550_irq(&u));
	CHECK(rd(UART_IIR) == UART_IIR_MSI);
	CHECK(uart16550_irq(&u));
	CHECK(rd(UART_MSR) == 0x11);                     /* CTS, DCTS */
	CHECK(rd(UART_IIR) == UART_IIR_NONE);
	CHECK(!uart16550_irq(&u));
}

/* Each source needs its IER enable bit: with only some enabled, the
 * others do not show in IIR or raise INTR.  OE without IER bit 2 is
 * still visible in LSR. */
TEST(interrupts_masked_by_ier)
{
	uart16550_reset(&u);
	wr(UART_MCR, UART_MCR_LOOP | 0x01);              /* DTR -> DSR: a delta */
	wr(UART_RBR, 1);                                 /* looped back */
	wr(UART_RBR, 2);                                 /* overrun; THRE */
	CHECK(!uart16550_irq(&u));
	CHECK(rd(UART_IIR) == 0x01);
	wr(UART_IER, UART_IER_MSI);
	CHECK(uart16550_irq(&u) && rd(UART_IIR) == UART_IIR_MSI);
	wr(UART_IER, UART_IER_RDI);
	CHECK(uart16550_irq(&u) && rd(UART_IIR) == UART_IIR_RDI);
	wr(UART_IER, UART_IER_RLSI);
	CHECK(uart16550_irq(&u) && rd(UART_IIR) == UART_IIR_RLSI);
	wr(UART_IER, 0);
	CHECK(!uart16550_irq(&u));
	CHECK(rd(UART_LSR) & UART_LSR_OE);
	/* IER bits 7:4 are always 0. */
	wr(UART_IER, 0xF0);
	CHECK(rd(UART_IER) == 0x00);
}

/* MCR bit 4, loopback: the transmitter's output is looped back to the
 * receiver, so a THR write sends nothing outside (-1) and arrives in the
 * receiver (DR, RBR, and overrun like a line byte); THRE still empties.
 * MCR bits 7:5 read 0. */
TEST(loopback_data)
{
	uart16550_reset(&u);
	wr(UART_MCR, 0xFF);
	CHECK(rd(UART_MCR) == 0x1F);
	wr(UART_MCR, UART_MCR_LOOP);
	wr(UART_IIR, UART_FCR_ENABLE);
	CHECK(wr(UART_RBR, 'L') == -1);
	CHECK(wr(UART_RBR, 'M') == -1);
	CHECK(rd(UART_LSR) == (UART_LSR_DR | 0x60));
	CHECK(rd(UART_RBR) == 'L' && rd(UART_RBR) == 'M');
	CHECK(rd(UART_LSR) == 0x60);

	wr(UART_IIR, 0);                                 /* 16450 mode: one byte */
	CHECK(wr(UART_RBR, 1) == -1);
	CHECK(wr(UART_RBR, 2) == -1);
	CHECK(rd(UART_LSR) & UART_LSR_OE);

	wr(UART_MCR, 0);                                 /* out of loopback: sent again */
	CHECK(wr(UART_RBR, 'N') == 'N');
}

/* Loopback: the four modem control outputs feed the modem status
 * inputs, DTR -> DSR (MSR bit 5), RTS -> CTS (bit 4), OUT1 -> RI
 * (bit 6), OUT2 -> DCD (bit 7).  Outside loopback MSR shows the
 * connected line, B0h, whatever MCR holds. */
TEST(loopback_msr_mapping)
{
	static const uint8_t mcr[4] = { 0x01, 0x02, 0x04, 0x08 };
	static const uint8_t msr[4] = { 0x20, 0x10, 0x40, 0x80 };

	uart16550_reset(&u);
	wr(UART_MCR, 0x0F);
	CHECK((rd(UART_MSR) & 0xF0) == 0xB0);
	wr(UART_MCR, UART_MCR_LOOP);
	rd(UART_MSR);
	CHECK(rd(UART_MSR) == 0x00);
	for (unsigned i = 0; i < 4; i++) {
		wr(UART_MCR, UART_MCR_LOOP | mcr[i]);
		CHECK((rd(UART_MSR) & 0xF0) == msr[i]);
		wr(UART_MCR, UART_MCR_LOOP);
		rd(UART_MSR);
	}
	wr(UART_MCR, UART_MCR_LOOP | 0x0F);
	CHECK((rd(UART_MSR) & 0xF0) == 0xF0);
	wr(UART_MCR, UART_MCR_LOOP | 0x05);
	CHECK((rd(UART_MSR) & 0xF0) == 0x60);
	wr(UART_MCR, 0x05);
	CHECK((rd(UART_MSR) & 0xF0) == 0xB0);
}

/* MSR bits 3:0: DCTS, DDSR and DDCD are set by any change of CTS, DSR
 * and DCD; TERI only when RI goes from active to inactive (1 -> 0).
 * They stay set until MSR is read, which clears them.  No change, no
 * delta. */
TEST(msr_delta_bits)
{
	uart16550_reset(&u);
	wr(UART_MCR, UART_MCR_LOOP | 0x0F);
	rd(UART_MSR);
	CHECK(rd(UART_MSR) == 0xF0);                     /* cleared by the read */
	wr(UART_MCR, UART_MCR_LOOP | 0x0F);              /* same lines */
	CHECK(rd(UART_MSR) == 0xF0);

	wr(UART_MCR, UART_MCR_LOOP | 0x0D);              /* RTS off: CTS 1->0 */
	CHECK(rd(UART_MSR) == (0xE0 | 0x01));
	wr(UART_MCR, UART_MCR_LOOP | 0x0F);              /* CTS 0->1 */
	CHECK(rd(UART_MSR) == (0xF0 | 0x01));
	wr(UART_MCR, UART_MCR_LOOP | 0x0E);              /* DTR off: DSR */
	CHECK(rd(UART_MSR) == (0xD0 | 0x02));
	wr(UART_MCR, UART_MCR_LOOP | 0x0F);
	CHECK(rd(UART_MSR) == (0xF0 | 0x02));
	wr(UART_MCR, UART_MCR_LOOP | 0x07);              /* OUT2 off: DCD */
	CHECK(rd(UART_MSR) == (0x70 | 0x08));
	wr(UART_MCR, UART_MCR_LOOP | 0x0F);
	CHECK(rd(UART_MSR) == (0xF0 | 0x08));
	wr(UART_MCR, UART_MCR_LOOP | 0x0B);              /* OUT1 off: RI 1->0, TERI */
	CHECK(rd(UART_MSR) == (0xB0 | 0x04));
	wr(UART_MCR, UART_MCR_LOOP | 0x0F);              /* RI 0->1: no TERI */
	CHECK(rd(UART_MSR) == 0xF0);

	/* Deltas accumulate until the read. */
	wr(UART_MCR, UART_MCR_LOOP);
	wr(UART_MCR, UART_MCR_LOOP | 0x0F);
	CHECK(rd(UART_MSR) == 0xFF);
	CHECK(rd(UART_MSR) == 0xF0);
}

/* Table IV, modem status interrupt: with IER bit 3 and a delta bit set,
 * IIR reads 00h and INTR is high; reading MSR resets it.  Not reset by
 * reading IIR. */
TEST(modem_status_interrupt)
{
	uart16550_reset(&u);
	wr(UART_MCR, UART_MCR_LOOP);
	rd(UART_MSR);
	wr(UART_IER, UART_IER_MSI);
	CHECK(!uart16550_irq(&u) && rd(UART_IIR) == 0x01);
	wr(UART_MCR, UART_MCR_LOOP | 0x04);              /* RI 0->1: no delta */
	CHECK(!uart16550_irq(&u) && rd(UART_IIR) == 0x01);
	wr(UART_MCR, UART_MCR_LOOP);                     /* RI 1->0: TERI */
	CHECK(uart16550_irq(&u));
	CHECK(rd(UART_IIR) == UART_IIR_MSI);
	CHECK(rd(UART_IIR) == UART_IIR_MSI);
	CHECK(rd(UART_MSR) == 0x04);
	CHECK(!uart16550_irq(&u) && rd(UART_IIR) == 0x01);
}

/* Scratch register (offset 7) holds whatever is written.  LSR and MSR
 * are read-only: writes leave them as they were. */
TEST(scratch_and_read_only_registers)
{
	uart16550_reset(&u);
	for (int v = 0; v < 256; v += 17) {
		wr(UART_SCR, (uint8_t)v);
		CHECK(rd(UART_SCR) == v);
		CHECK(rd(UART_SCR) == v);
	}
	uart16550_receive(&u, 'r');
	wr(UART_LSR, 0x00);
	wr(UART_LSR, 0xFF);
	CHECK(rd(UART_LSR) == (UART_LSR_DR | 0x60));
	wr(UART_MSR, 0x0F);
	wr(UART_MSR, 0x00);
	CHECK(rd(UART_MSR) == 0xB0);
	CHECK(rd(UART_RBR) == 'r');
}

/* On the PC, MCR bit 3 (OUT2) gates the UART's interrupt onto the bus;
 * the model does not gate it (devices/uart16550.h, as QEMU: xv6 leaves
 * OUT2 clear and expects its receive interrupts), so INTR follows IIR
 * whatever OUT2 is. */
TEST(irq_not_gated_by_out2)
{
	uart16550_reset(&u);
	wr(UART_MCR, 0x00);
	wr(UART_IER, UART_IER_RDI);
	uart16550_receive(&u, 'k');
	CHECK(uart16550_irq(&u));
	wr(UART_MCR, 0x08);
	CHECK(uart16550_irq(&u));
	wr(UART_MCR, 0x00);
	CHECK(uart16550_irq(&u));
	rd(UART_RBR);
	CHECK(!uart16550_irq(&u));
}

/* MCR bit 4: in loopback the serial input is disconnected -- a byte from
 * the line is not received (and the receiver shows no room for one). */
TEST(loopback_disconnects_the_line)
{
	uart16550_reset(&u);
	wr(UART_MCR, UART_MCR_LOOP);
	CHECK(uart16550_rx_room(&u) == 0);
	CHECK(!uart16550_receive(&u, 'x'));
	CHECK((rd(UART_LSR) & (UART_LSR_DR | UART_LSR_OE)) == 0);
	wr(UART_MCR, 0);
	CHECK(uart16550_receive(&u, 'y') && rd(UART_RBR) == 'y');
}

/* LSR bit 1 without FIFOs: the next character overwrites the unread one
 * ("thereby destroying the previous character"). */
TEST(overrun_without_fifo_keeps_the_new_byte)
{
	uart16550_reset(&u);
	CHECK(uart16550_receive(&u, 'a'));
	CHECK(!uart16550_receive(&u, 'b'));
	CHECK(rd(UART_LSR) & UART_LSR_OE);
	CHECK(rd(UART_RBR) == 'b');
}

/* FCR bit 0 must be set for the other bits to be programmed: a clear
 * of the receiver written with the FIFOs off does nothing. */
TEST(fcr_bits_need_bit0)
{
	uart16550_reset(&u);
	CHECK(uart16550_receive(&u, 'z'));
	wr(UART_IIR, UART_FCR_CLEAR_RX);
	CHECK(rd(UART_LSR) & UART_LSR_DR);
	CHECK(rd(UART_IIR) == 0x01);
}
