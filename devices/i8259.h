/*
 * A pair of Intel 8259A programmable interrupt controllers, cascaded as
 * on every PC: the master at ports 20h/21h, the slave at A0h/A1h on the
 * master's IRQ2, and the edge/level control registers (ELCR) at
 * 4D0h/4D1h.  Pure state machine (tests/test_i8259.c): the platform
 * wires device lines in with i8259_set_irq() and the CPU side takes
 * interrupts with i8259_output() and i8259_ack().
 *
 * What it models (8259A datasheet; the PIIX4 datasheet for the ELCR):
 * ICW1-ICW4 (single or cascade, edge or level, vector base, auto-EOI),
 * OCW1 (mask), OCW2 (non-specific, specific and rotating EOI, set
 * priority), OCW3 (read IRR or ISR, poll, special mask mode), priority
 * rotation, the spurious IRQ7/IRQ15 of an interrupt that went away
 * before it was acknowledged, and the ELCR.  Not modelled: buffered
 * mode and the 8080 call-address format (ICW4 bit 0 = 0), which no PC
 * uses; special fully nested mode is accepted and behaves as the
 * ordinary fully nested mode.
 */
#ifndef TERN_DEVICES_I8259_H
#define TERN_DEVICES_I8259_H

#include <stdbool.h>
#include <stdint.h>

struct i8259_chip {
	uint8_t irr, isr, imr;
	uint8_t lines;          /* input levels as last set */
	uint8_t elcr, elcr_mask;/* level-triggered inputs; which bits exist */
	uint8_t base;           /* ICW2: vector of IR0 */
	uint8_t lowest;         /* the input with the lowest priority (rotation) */
	uint8_t init_step;      /* 0: operating; 2, 3, 4: the ICW expected next */
	bool icw4_needed, single, auto_eoi, rotate_on_aeoi, read_isr, poll, special_mask;
	bool level_icw1;        /* ICW1 LTIM: every input level-triggered */
};

struct i8259 {
	struct i8259_chip chip[2];   /* master, slave */
};

#define I8259_MASTER_CMD   0x20
#define I8259_MASTER_DATA  0x21
#define I8259_SLAVE_CMD    0xA0
#define I8259_SLAVE_DATA   0xA1
#define I8259_ELCR1        0x4D0
#define I8259_ELCR2        0x4D1

/* Power-on state: both chips uninitialised, all inputs masked. */
void i8259_reset(struct i8259 *p);
/* Drive ISA IRQ line irq (0-15) to level (0 or 1). */
void i8259_set_irq(struct i8259 *p, unsigned irq, int level);
/* Is ISA IRQ irq masked, at its chip or (IRQ8-15) at the cascade? */
bool i8259_masked(const struct i8259 *p, unsigned irq);
/* The master's INT output: an interrupt awaits acknowledgement. */
bool i8259_output(const struct i8259 *p);
/* The CPU's INTA cycle: the vector of the interrupt being taken (a
 * spurious IRQ7/IRQ15 vector when it went away meanwhile). */
uint8_t i8259_ack(struct i8259 *p);
/* Port access, ports as defined above (1-byte accesses). */
uint8_t i8259_read(struct i8259 *p, uint16_t port);
void i8259_write(struct i8259 *p, uint16_t port, uint8_t value);

#endif
