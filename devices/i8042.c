/* The 8042 model (i8042.h).  Command and answer values: IBM PC/AT
 * Technical Reference, "Keyboard Controller" and "Keyboard" chapters, as
 * QEMU's pckbd implements them. */
#include "devices/i8042.h"

#define ST_OBF      0x01
#define ST_SYSTEM   0x04
#define ST_COMMAND  0x08
#define ST_UNLOCKED 0x10
#define ST_AUX_OBF  0x20
#define CB_KBD_IRQ  0x01
#define CB_SYSTEM   0x04
#define CB_KBD_OFF  0x10
#define CB_AUX_OFF  0x20
#define CB_XLATE    0x40
#define OUT_RESET   0x01   /* the CPU's reset line, high = running */
#define OUT_A20     0x02
#define ACK         0xFA
#define CTRL        I8042_FROM_CONTROLLER
#define KBD         I8042_FROM_KEYBOARD
#define AUX         I8042_FROM_AUX

void i8042_reset(struct i8042 *k)
{
	*k = (struct i8042){
		.cmd_byte = CB_KBD_IRQ | CB_SYSTEM | CB_XLATE,   /* as a BIOS leaves it */
		.out_port = OUT_RESET | OUT_A20,
	};
}

static void push(struct i8042 *k, uint8_t byte, uint8_t source)
{
	unsigned at;

	if (k->len == I8042_QUEUE)
		return;   /* full: the controller drops it, as a real one would overrun */
	at = (k->head + k->len++) % I8042_QUEUE;
	k->queue[at] = byte;
	k->source[at] = source;
}

static void set_out_port(struct i8042 *k, uint8_t value, uint8_t command)
{
	k->out_port = value | 0xC0 | OUT_RESET;
	if (!(value & OUT_RESET)) {   /* the reset line pulled low */
		k->reset_requested = true;
		k->reset_command = command;
	}
}

/* A command to the controller (written to 64h). */
static void command(struct i8042 *k, uint8_t c)
{
	k->last_was_command = true;
	k->expect = 0;   /* a new command ends one still waiting for its data */
	if (c >= 0xF0) {   /* pulse output lines: bit 0 clear pulses the reset line */
		if (!(c & 1)) {
			k->reset_requested = true;
			k->reset_command = c;
		}
		return;
	}
	switch (c) {
	case 0x20: push(k, k->cmd_byte, CTRL); break;   /* read command byte */
	case 0x60: case 0xD1: case 0xD2: case 0xD3: case 0xD4:
		k->expect = c;                                   /* a data byte follows */
		break;
	case 0xA7: k->cmd_byte |= CB_AUX_OFF; break;
	case 0xA8: k->cmd_byte &= (uint8_t)~CB_AUX_OFF; break;
	case 0xA9: push(k, 0x00, CTRL); break;                  /* aux interface test: ok */
	case 0xAA: push(k, 0x55, CTRL); k->cmd_byte |= CB_SYSTEM; break;   /* self-test passed */
	case 0xAB: push(k, 0x00, CTRL); break;                  /* keyboard interface test: ok */
	case 0xAD: k->cmd_byte |= CB_KBD_OFF; break;
	case 0xAE: k->cmd_byte &= (uint8_t)~CB_KBD_OFF; break;
	case 0xC0: push(k, 0x00, CTRL); break;                  /* input port */
	case 0xD0: push(k, k->out_port, CTRL); break;           /* read output port */
	case 0xDD: k->out_port &= (uint8_t)~OUT_A20; break;
	case 0xDF: k->out_port |= OUT_A20; break;
	default: break;                                          /* ignored */
	}
}

/* With translation on (command byte bit 6) the controller turns the
 * keyboard's set-2 codes into set 1: 83h (MF2 ID) reads 41h, and so does
 * set number 2 (QEMU's pckbd does the same). */
static uint8_t translated(const struct i8042 *k, uint8_t set2)
{
	return (k->cmd_byte & CB_XLATE) && (set2 == 0x83 || set2 == 0x02) ? 0x41 : set2;
}

/* A byte sent to the keyboard (written to 60h with nothing expected). */
static void keyboard(struct i8042 *k, uint8_t c)
{
	if (k->kbd_expect) {   /* the parameter of ED (LEDs), F0 (scan-code set), F3 (rate) */
		push(k, ACK, KBD);
		if (k->kbd_expect == 0xF0 && c == 0)
			push(k, translated(k, 0x02), KBD);   /* "which set?": set 2 */
		k->kbd_expect = 0;
		return;
	}
	push(k, ACK, KBD);
	switch (c) {
	case 0xED: case 0xF0: case 0xF3: k->kbd_expect = c; break;
	case 0xF2: push(k, 0xAB, KBD); push(k, translated(k, 0x83), KBD); break;   /* MF2 ID */
	case 0xFF: push(k, 0xAA, KBD); break;                       /* reset: self-test passed */
	default: break;                                              /* F4, F5, F6 ...: ACK */
	}
}

void i8042_write(struct i8042 *k, uint16_t port, uint8_t value)
{
	uint8_t expect = k->expect;

	if (port == I8042_STATUS) {
		command(k, value);
		return;
	}
	if (port != I8042_DATA)
		return;
	k->last_was_command = false;
	k->expect = 0;
	switch (expect) {
	case 0x60: k->cmd_byte = value; break;
	case 0xD1: set_out_port(k, value, 0xD1); break;
	case 0xD2: push(k, value, KBD); break;      /* as if from the keyboard */
	case 0xD3: push(k, value, AUX); break;     /* as if from the aux port */
	case 0xD4: break;                            /* to the mouse: there is none */
	default: keyboard(k, value); break;
	}
}

uint8_t i8042_read(struct i8042 *k, uint16_t port)
{
	if (port == I8042_STATUS)
		return (uint8_t)((k->len ? ST_OBF : 0) | (k->cmd_byte & CB_SYSTEM ? ST_SYSTEM : 0) |
				 (k->len && k->source[k->head] == AUX ? ST_AUX_OBF : 0) |
				 (k->last_was_command ? ST_COMMAND : 0) | ST_UNLOCKED);
	if (port != I8042_DATA)
		return 0xFF;
	if (!k->len)   /* nothing new: the last byte again */
		return k->queue[(k->head + I8042_QUEUE - 1) % I8042_QUEUE];
	uint8_t byte = k->queue[k->head];
	k->head = (k->head + 1) % I8042_QUEUE;
	k->len--;
	return byte;
}

bool i8042_irq1(const struct i8042 *k)
{
	return k->len && k->source[k->head] == KBD && (k->cmd_byte & CB_KBD_IRQ);
}
