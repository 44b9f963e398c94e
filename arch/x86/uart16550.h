/* The hypervisor console: a 16550 UART driven by polling, in I/O space
 * (the PC's COM ports) or memory-mapped with 1- or 4-byte register
 * spacing (as ACPI SPCR describes many laptops' and servers' UARTs). */
#ifndef TERN_ARCH_X86_UART16550_H
#define TERN_ARCH_X86_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#define COM1_PORT 0x3F8

void uart_init(uint16_t base);
/* A memory-mapped UART at virtual address regs, registers width bytes apart. */
void uart_init_mmio(volatile uint8_t *regs, unsigned width);
/* No serial console from now on. */
void uart_disable(void);
/* Does a 16550 answer at this I/O port (its scratch register keeps what
 * is written)? */
bool uart_present_io(uint16_t base);
void uart_putc(char c);
/* Buffer the output from now on (true), or flush and stop (false); send
 * what the transmitter takes now, without waiting; bytes still to send. */
void uart_buffer(bool on);
void uart_drain(void);
unsigned uart_pending(void);
/* A byte typed on the console, or -1 when none waits (or no UART). */
int uart_getc(void);
/* Whether the console is a UART (and so can be typed into). */
bool uart_active(void);
/* Wait until the transmitter is completely empty (LSR.TEMT), so that a
 * power-off right after does not cut the last line short. */
void uart_flush(void);

#endif
