/* The hypervisor console: a 16550 UART (COM1) driven by polling. */
#ifndef TERN_ARCH_X86_UART16550_H
#define TERN_ARCH_X86_UART16550_H

#include <stdint.h>

#define COM1_PORT 0x3F8

void uart_init(uint16_t base);
void uart_putc(char c);
/* Wait until the transmitter is completely empty (LSR.TEMT), so that a
 * power-off right after does not cut the last line short. */
void uart_flush(void);

#endif
