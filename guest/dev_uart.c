/*
 * A 16550A UART as the guest's COM1.  Output goes to the guest console
 * (DESIGN.md 4).  Enough register behaviour for a polled driver and for
 * the probing of Linux's 8250 driver: the scratch register holds its
 * value, IIR reports FIFOs when enabled, LSR always says the transmitter
 * is empty, and loopback mode (MCR bit 4) reflects the modem-control
 * outputs in MSR (16550A data sheet, "Modem Status Register").
 * Nothing is ever received: LSR.DR stays 0.
 */
#include "guest/devices.h"
#include "guest/vm.h"

enum {
	REG_DATA = 0,   /* RBR/THR, or DLL with DLAB */
	REG_IER = 1,    /* or DLM with DLAB */
	REG_IIR = 2,    /* read: IIR; write: FCR */
	REG_LCR = 3,
	REG_MCR = 4,
	REG_LSR = 5,
	REG_MSR = 6,
	REG_SCR = 7,
};

#define LCR_DLAB   0x80
#define MCR_LOOP   0x10
#define LSR_THRE   0x20
#define LSR_TEMT   0x40
#define IIR_NO_INT 0x01
#define IIR_FIFO   0xC0

static uint8_t modem_status(const struct uart_state *u)
{
	if (!(u->mcr & MCR_LOOP))
		return 0xB0;   /* DCD, DSR, CTS: a cable with someone there */
	/* Loopback: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
	return (uint8_t)(((u->mcr & 0x01) << 5) | ((u->mcr & 0x02) << 3) |
			 ((u->mcr & 0x04) << 4) | ((u->mcr & 0x08) << 4));
}

static uint32_t uart_in(struct vm *vm, uint16_t port, unsigned size)
{
	struct uart_state *u = vm->uart;
	(void)size;

	switch (port - UART_COM1_BASE) {
	case REG_DATA: return u->lcr & LCR_DLAB ? u->dll : 0;
	case REG_IER: return u->lcr & LCR_DLAB ? u->dlm : u->ier;
	case REG_IIR: return IIR_NO_INT | (u->fcr & 1 ? IIR_FIFO : 0);
	case REG_LCR: return u->lcr;
	case REG_MCR: return u->mcr;
	case REG_LSR: return LSR_THRE | LSR_TEMT;
	case REG_MSR: return modem_status(u);
	default: return u->scr;
	}
}

static void uart_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	struct uart_state *u = vm->uart;
	uint8_t v = (uint8_t)value;
	(void)size;

	switch (port - UART_COM1_BASE) {
	case REG_DATA:
		if (u->lcr & LCR_DLAB)
			u->dll = v;
		else if (!(u->mcr & MCR_LOOP))
			guest_console_putc(vm, (char)v);
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB)
			u->dlm = v;
		else
			u->ier = v & 0x0F;
		break;
	case REG_IIR: u->fcr = v; break;
	case REG_LCR: u->lcr = v; break;
	case REG_MCR: u->mcr = v & 0x1F; break;
	case REG_SCR: u->scr = v; break;
	default: break;   /* LSR, MSR: read-only */
	}
}

const struct port_device dev_uart_com1 = {
	.name = "com1", .base = UART_COM1_BASE, .count = 8, .in = uart_in, .out = uart_out,
};
