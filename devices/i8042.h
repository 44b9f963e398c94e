/*
 * The 8042 keyboard controller at ports 60h (data) and 64h (status and
 * command), enough for kernels that probe it: the status register, the
 * controller command byte, self-tests, enabling and disabling the
 * keyboard and aux ports, the output port with its A20 gate and reset
 * line, and the keyboard's answers to the commands a driver sends it at
 * start (reset, identify, LEDs, scan-code set, enable).  No key is ever
 * pressed and there is no mouse.  Pure state machine
 * (tests/test_i8042.c); the platform raises IRQ1 while i8042_irq1() says
 * a keyboard byte waits, and ends the guest when reset_requested is set.
 */
#ifndef TERN_DEVICES_I8042_H
#define TERN_DEVICES_I8042_H

#include <stdbool.h>
#include <stdint.h>

#define I8042_DATA   0x60
#define I8042_STATUS 0x64    /* read: status; write: command */

#define I8042_QUEUE 8
#define I8042_FROM_CONTROLLER 0
#define I8042_FROM_KEYBOARD   1
#define I8042_FROM_AUX        2

struct i8042 {
	uint8_t cmd_byte;        /* bit 0 keyboard IRQ, bit 1 aux IRQ, bit 2 system flag,
				  * bit 4 keyboard disabled, bit 5 aux disabled, bit 6 translation */
	uint8_t out_port;        /* bit 0 reset line (active low), bit 1 A20 */
	uint8_t expect;          /* a controller command waiting for its data byte, or 0 */
	uint8_t kbd_expect;      /* a keyboard command waiting for its parameter, or 0 */
	bool last_was_command;   /* status bit 3 */
	uint8_t queue[I8042_QUEUE];
	uint8_t source[I8042_QUEUE];   /* I8042_FROM_*: who put the byte there */
	unsigned head, len;
	bool reset_requested;
	uint8_t reset_command;   /* the command that pulsed the reset line */
};

void i8042_reset(struct i8042 *k);
uint8_t i8042_read(struct i8042 *k, uint16_t port);
void i8042_write(struct i8042 *k, uint16_t port, uint8_t value);
/* A byte from the keyboard waits and its interrupt is enabled. */
bool i8042_irq1(const struct i8042 *k);

#endif
