/* The 16550A UART model (devices/uart16550.h). */
#include "devices/uart16550.h"

void uart16550_reset(struct uart16550 *u)
{
	*u = (struct uart16550){ 0 };
	u->lcr = 0x03;      /* 8N1, as firmware leaves a COM port */
}

static bool fifo_on(const struct uart16550 *u)
{
	return u->fcr & UART_FCR_ENABLE;
}

static unsigned capacity(const struct uart16550 *u)
{
	return fifo_on(u) ? UART_FIFO_SIZE : 1;
}

/* FCR bits 7:6 select the receiver trigger level. */
static unsigned trigger(const struct uart16550 *u)
{
	static const unsigned level[4] = { 1, 4, 8, 14 };
	return fifo_on(u) ? level[u->fcr >> 6] : 1;
}

/* MSR as the modem lines show it: a cable with someone there (DCD, DSR,
 * CTS), or in loopback the MCR outputs fed back: DTR->DSR, RTS->CTS,
 * OUT1->RI, OUT2->DCD (data sheet, MCR bit 4). */
static uint8_t modem_lines(uint8_t mcr)
{
	if (!(mcr & UART_MCR_LOOP))
		return 0xB0;
	return (uint8_t)(((mcr & 0x01) << 5) | ((mcr & 0x02) << 3) | ((mcr & 0x04) << 4) |
			 ((mcr & 0x08) << 4));
}

/* Delta bits for a change of the lines from `old` to `now`: DCTS, DDSR,
 * TERI (RI going inactive), DDCD. */
static uint8_t deltas(uint8_t old, uint8_t now)
{
	uint8_t changed = old ^ now, d = 0;

	d |= changed & 0x10 ? 0x01 : 0;
	d |= changed & 0x20 ? 0x02 : 0;
	d |= (old & 0x40) && !(now & 0x40) ? 0x04 : 0;
	d |= changed & 0x80 ? 0x08 : 0;
	return d;
}

/* The highest-priority pending interrupt (data sheet Table IV). */
static uint8_t interrupt_id(const struct uart16550 *u)
{
	if ((u->ier & UART_IER_RLSI) && u->lsr_errors)
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->rx_count)
		return u->rx_count >= trigger(u) ? UART_IIR_RDI : UART_IIR_CTI;
	if ((u->ier & UART_IER_THRI) && u->thre_pending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && u->msr_delta)
		return UART_IIR_MSI;
	return UART_IIR_NONE;
}

bool uart16550_irq(const struct uart16550 *u)
{
	return interrupt_id(u) != UART_IIR_NONE;
}

unsigned uart16550_rx_room(const struct uart16550 *u)
{
	return u->mcr & UART_MCR_LOOP ? 0 : capacity(u) - u->rx_count;
}

/* A byte reaching the receiver (from the line, or looped back).  No
 * room: overrun -- with the FIFOs the byte is not transferred, without
 * them it overwrites the unread one (data sheet, LSR bit 1). */
static bool take(struct uart16550 *u, uint8_t byte)
{
	if (u->rx_count == capacity(u)) {
		u->lsr_errors |= UART_LSR_OE;
		if (!fifo_on(u))
			u->rx[u->rx_head] = byte;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count++) % UART_FIFO_SIZE] = byte;
	return true;
}

/* In loopback the serial input is disconnected (MCR bit 4). */
bool uart16550_receive(struct uart16550 *u, uint8_t byte)
{
	if (u->mcr & UART_MCR_LOOP)
		return false;
	return take(u, byte);
}

static uint8_t pop(struct uart16550 *u)
{
	uint8_t byte;

	if (!u->rx_count)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
	u->rx_count--;
	return byte;
}

uint8_t uart16550_read(struct uart16550 *u, unsigned reg)
{
	uint8_t v;

	switch (reg) {
	case UART_RBR:
		return u->lcr & UART_LCR_DLAB ? u->dll : pop(u);
	case UART_IER:
		return u->lcr & UART_LCR_DLAB ? u->dlm : u->ier;
	case UART_IIR:
		v = interrupt_id(u);
		if (v == UART_IIR_THRI)
			u->thre_pending = false;   /* reading IIR acknowledges THRE */
		return v | (fifo_on(u) ? UART_IIR_FIFO : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		v = (u->rx_count ? UART_LSR_DR : 0) | u->lsr_errors | UART_LSR_THRE | UART_LSR_TEMT;
		u->lsr_errors = 0;
		return v;
	case UART_MSR:
		v = modem_lines(u->mcr) | u->msr_delta;
		u->msr_delta = 0;
		return v;
	default:
		return u->scr;
	}
}

/* Turning the FIFOs on or off empties them, as does bit 1; with bit 0
 * clear the other bits are not programmed (data sheet, FCR bit 0). */
static void write_fcr(struct uart16550 *u, uint8_t v)
{
	if (!(v & UART_FCR_ENABLE)) {
		if (fifo_on(u))
			u->rx_head = u->rx_count = 0;
		u->fcr = 0;
		return;
	}
	if (!fifo_on(u) || (v & UART_FCR_CLEAR_RX))
		u->rx_head = u->rx_count = 0;
	u->fcr = v & (UART_FCR_ENABLE | 0xC0);
}

int uart16550_write(struct uart16550 *u, unsigned reg, uint8_t value)
{
	uint8_t lines;

	switch (reg) {
	case UART_RBR:
		if (u->lcr & UART_LCR_DLAB) {
			u->dll = value;
			return -1;
		}
		u->thre_pending = true;       /* sent at once: THR is empty again */
		if (u->mcr & UART_MCR_LOOP) {
			take(u, value);
			return -1;
		}
		return value;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB) {
			u->dlm = value;
			return -1;
		}
		/* Enabling THRE with THR empty interrupts at once. */
		if ((value & ~u->ier) & UART_IER_THRI)
			u->thre_pending = true;
		u->ier = value & 0x0F;
		return -1;
	case UART_IIR:
		write_fcr(u, value);
		return -1;
	case UART_LCR:
		u->lcr = value;
		return -1;
	case UART_MCR:
		lines = modem_lines(u->mcr);
		u->mcr = value & 0x1F;
		u->msr_delta |= deltas(lines, modem_lines(u->mcr));
		return -1;
	case UART_SCR:
		u->scr = value;
		return -1;
	default:
		return -1;   /* LSR, MSR: read-only */
	}
}
