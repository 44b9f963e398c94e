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

void uart_putc(char c)
{
	if (!active())
		return;
	if (c == '\n')
		uart_putc('\r');
	wait_lsr(LSR_THRE);
	reg_write(UART_THR, (uint8_t)c);
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
	if (active())
		wait_lsr(LSR_TEMT);
}
