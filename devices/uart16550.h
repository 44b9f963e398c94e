/*
 * A 16550A UART (National Semiconductor PC16550D data sheet; the PC's
 * COM ports): the divisor latch, IER, IIR with its four interrupt
 * sources in priority order, the FIFO control register with the
 * receiver trigger levels, LCR, MCR with loopback, LSR with data-ready,
 * overrun and transmitter status, MSR with its delta bits, and the
 * scratch register.
 *
 * Transmission takes no time: a byte written to THR goes out at once
 * (uart16550_write returns it), so THR and the transmitter are always empty
 * and every write ends in a THRE interrupt (when enabled), as the chip
 * gives one when THR empties.  Received bytes come in through
 * uart16550_receive() (not in loopback, where the line is disconnected):
 * into the 16-byte FIFO, or the one-byte holding register with the FIFOs
 * off; with no room, overrun is set and the byte is lost (FIFO) or
 * replaces the unread one (no FIFO).  With bytes below the trigger level the character
 * timeout is reported at once rather than after four character times
 * (a driver reads everything on either).  The interrupt output is not
 * gated by OUT2, as in QEMU (xv6 leaves OUT2 clear and expects its
 * receive interrupts).
 *
 * Pure code (tests/test_uart.c).
 */
#ifndef TERN_DEVICES_UART16550_H
#define TERN_DEVICES_UART16550_H

#include <stdbool.h>
#include <stdint.h>

/* Register offsets from the base port. */
#define UART_RBR 0      /* read: receive buffer; write: THR (DLL with DLAB) */
#define UART_IER 1      /* DLM with DLAB */
#define UART_IIR 2      /* read: IIR; write: FCR */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI   0x01   /* received data available (and timeout) */
#define UART_IER_THRI  0x02   /* THR empty */
#define UART_IER_RLSI  0x04   /* receiver line status */
#define UART_IER_MSI   0x08   /* modem status */

#define UART_IIR_NONE  0x01
#define UART_IIR_MSI   0x00
#define UART_IIR_THRI  0x02
#define UART_IIR_RDI   0x04
#define UART_IIR_RLSI  0x06
#define UART_IIR_CTI   0x0C   /* character timeout */
#define UART_IIR_FIFO  0xC0

#define UART_FCR_ENABLE   0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04

#define UART_LCR_DLAB  0x80
#define UART_MCR_LOOP  0x10

#define UART_LSR_DR    0x01
#define UART_LSR_OE    0x02
#define UART_LSR_THRE  0x20
#define UART_LSR_TEMT  0x40

#define UART_FIFO_SIZE 16

struct uart16550 {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t lsr_errors;          /* OE until LSR is read */
	uint8_t msr_delta;           /* MSR bits 3:0 until MSR is read */
	bool thre_pending;           /* THRE interrupt not yet acknowledged */
	uint8_t rx[UART_FIFO_SIZE];
	unsigned rx_head, rx_count;
};

void uart16550_reset(struct uart16550 *u);
/* Register `reg` (0-7).  Reads have side effects (RBR pops, IIR
 * acknowledges THRE, LSR and MSR clear their flags). */
uint8_t uart16550_read(struct uart16550 *u, unsigned reg);
/* Returns the byte transmitted to the outside, or -1 (no byte: another
 * register, or loopback, where it comes back into the receiver). */
int uart16550_write(struct uart16550 *u, unsigned reg, uint8_t value);
/* A byte arriving on the line; false if it was lost (overrun). */
bool uart16550_receive(struct uart16550 *u, uint8_t byte);
/* How many more bytes the receiver holds without overrun. */
unsigned uart16550_rx_room(const struct uart16550 *u);
/* The INTR output: some enabled interrupt is pending. */
bool uart16550_irq(const struct uart16550 *u);

#endif
