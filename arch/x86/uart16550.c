/* Polled 16550 driver for the hypervisor console (register layout: the
 * NS16550A data sheet; the same one every PC COM port emulates). */
#include "arch/x86/uart16550.h"
#include "arch/x86/io.h"

#define UART_THR 0   /* transmit holding register (write) */
#define UART_IER 1   /* interrupt enable */
#define UART_DLL 0   /* divisor latch, DLAB = 1 */
#define UART_DLM 1
#define UART_FCR 2   /* FIFO control (write) */
#define UART_LCR 3   /* line control */
#define UART_MCR 4   /* modem control */
#define UART_LSR 5   /* line status */

#define LSR_THRE 0x20  /* holding register empty: room for a byte */
#define LSR_TEMT 0x40  /* holding and shift registers both empty */

static uint16_t uart_base;

void uart_init(uint16_t base)
{
	uart_base = base;
	outb(base + UART_IER, 0x00);      /* polled: no interrupts */
	outb(base + UART_LCR, 0x80);      /* DLAB on to set the divisor */
	outb(base + UART_DLL, 0x01);      /* 115200 baud */
	outb(base + UART_DLM, 0x00);
	outb(base + UART_LCR, 0x03);      /* 8 data bits, no parity, 1 stop */
	outb(base + UART_FCR, 0x07);      /* FIFOs on and cleared */
	outb(base + UART_MCR, 0x03);      /* DTR, RTS */
}

/* A bounded wait: a missing UART must not hang the hypervisor. */
static void wait_lsr(uint8_t bit)
{
	for (unsigned spins = 0; spins < 1000000; spins++)
		if (inb(uart_base + UART_LSR) & bit)
			return;
}

void uart_putc(char c)
{
	if (!uart_base)
		return;
	if (c == '\n')
		uart_putc('\r');
	wait_lsr(LSR_THRE);
	outb(uart_base + UART_THR, (uint8_t)c);
}

void uart_flush(void)
{
	if (uart_base)
		wait_lsr(LSR_TEMT);
}
