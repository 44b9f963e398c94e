/* Polled 16550 driver for the hypervisor console (register layout: the
 * NS16550A data sheet; the same one every PC COM port emulates). */
#include "arch/x86/uart16550.h"
#include "arch/x86/io.h"

#include <stddef.h>

#define UART_THR 0   /* transmit holding register (write) */
#define UART_IER 1   /* interrupt enable */
#define UART_DLL 0   /* divisor latch, DLAB = 1 */
#define UART_DLM 1
#define UART_FCR 2   /* FIFO control (write) */
#define UART_LCR 3   /* line control */
#define UART_MCR 4   /* modem control */
#define UART_RBR 0   /* receive buffer */
#define UART_LSR 5   /* line status */
#define UART_SCR 7   /* scratch */

#define LSR_DR   0x01  /* data ready: a byte was received */
#define LSR_THRE 0x20  /* holding register empty: room for a byte */
#define LSR_TEMT 0x40  /* holding and shift registers both empty */

static uint16_t io_base;              /* I/O UART, or 0 */
static volatile uint8_t *mmio_regs;   /* MMIO UART, or NULL */
static unsigned mmio_width;

static uint8_t reg_read(unsigned reg)
{
	if (mmio_regs)
		return mmio_width == 4 ? (uint8_t)*(volatile uint32_t *)(mmio_regs + 4 * reg) :
					 mmio_regs[reg];
	return inb((uint16_t)(io_base + reg));
}

static void reg_write(unsigned reg, uint8_t v)
{
	if (mmio_regs) {
		if (mmio_width == 4)
			*(volatile uint32_t *)(mmio_regs + 4 * reg) = v;
		else
			mmio_regs[reg] = v;
		return;
	}
	outb((uint16_t)(io_base + reg), v);
}

static bool active(void)
{
	return io_base || mmio_regs;
}

static void program(void)
{
	reg_write(UART_IER, 0x00);      /* polled: no interrupts */
	reg_write(UART_LCR, 0x80);      /* DLAB on to set the divisor */
	reg_write(UART_DLL, 0x01);      /* 115200 baud */
	reg_write(UART_DLM, 0x00);
	reg_write(UART_LCR, 0x03);      /* 8 data bits, no parity, 1 stop */
	reg_write(UART_FCR, 0x07);      /* FIFOs on and cleared */
	reg_write(UART_MCR, 0x03);      /* DTR, RTS */
}

void uart_init(uint16_t base)
{
	mmio_regs = NULL;
	io_base = base;
	program();
}

void uart_init_mmio(volatile uint8_t *regs, unsigned width)
{
	io_base = 0;
	mmio_regs = regs;
	mmio_width = width;
	program();
}

void uart_disable(void)
{
	io_base = 0;
	mmio_regs = NULL;
}

bool uart_present_io(uint16_t base)
{
	outb((uint16_t)(base + UART_SCR), 0x5A);
	if (inb((uint16_t)(base + UART_SCR)) != 0x5A)
		return false;
	outb((uint16_t)(base + UART_SCR), 0xA5);
	return inb((uint16_t)(base + UART_SCR)) == 0xA5;
}

/* A bounded wait: a missing UART must not hang the hypervisor. */
static void wait_lsr(uint8_t bit)
{
	for (unsigned spins = 0; spins < 1000000; spins++)
		if (reg_read(UART_LSR) & bit)
			return;
}

/*
 * Buffered output, while the guests run (uart_buffer): a byte at 115200
 * baud takes 87 us, so a guest that prints a lot would hold the CPU in
 * the exit that prints it.  Bytes wait in a ring instead and go out as
 * the transmitter takes them -- at every uart_putc() and whenever the
 * scheduler calls uart_drain() -- never waiting for it; only a full ring
 * waits (for one byte).  uart_flush() sends everything (power-off, crash
 * dump).  Before the guests, output goes straight out, so nothing is
 * lost if boot hangs.
 */
#define RING 8192
#define FIFO_DEPTH 16          /* a 16550's transmit FIFO, empty when THRE */

static char ring[RING];
static unsigned ring_head, ring_len;
static bool buffered;

static void send_waiting(char c)
{
	wait_lsr(LSR_THRE);
	reg_write(UART_THR, (uint8_t)c);
}

void uart_drain(void)
{
	if (!ring_len || !(reg_read(UART_LSR) & LSR_THRE))
		return;
	for (unsigned n = 0; n < FIFO_DEPTH && ring_len; n++, ring_len--) {
		reg_write(UART_THR, (uint8_t)ring[ring_head]);
		ring_head = (ring_head + 1) % RING;
	}
}

unsigned uart_pending(void)
{
	return ring_len;
}

void uart_buffer(bool on)
{
	if (!on)
		uart_flush();
	buffered = on;
}

static void put_byte(char c)
{
	if (!buffered) {
		send_waiting(c);
		return;
	}
	if (ring_len == RING) {
		send_waiting(ring[ring_head]);
		ring_head = (ring_head + 1) % RING;
		ring_len--;
	}
	ring[(ring_head + ring_len++) % RING] = c;
}

void uart_putc(char c)
{
	if (!active())
		return;
	if (c == '\n')
		put_byte('\r');
	put_byte(c);
	if (buffered)
		uart_drain();
}

int uart_getc(void)
{
	if (!active() || !(reg_read(UART_LSR) & LSR_DR))
		return -1;
	return reg_read(UART_RBR);
}

bool uart_active(void)
{
	return active();
}

void uart_flush(void)
{
	if (!active())
		return;
	for (; ring_len; ring_len--) {
		send_waiting(ring[ring_head]);
		ring_head = (ring_head + 1) % RING;
	}
	wait_lsr(LSR_TEMT);
}
