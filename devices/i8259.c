/* The 8259A pair (i8259.h).  Priorities count from `lowest + 1`: after
 * reset IR0 has the highest priority and IR7 the lowest; rotation moves
 * the lowest priority to the input just served. */
#include "devices/i8259.h"

#define NONE 8   /* "no input" from priority() */

static uint8_t level_inputs(const struct i8259_chip *c)
{
	return c->level_icw1 ? 0xFF : c->elcr;
}

/* The priority (0 highest .. 7) of the best input set in mask, or NONE. */
static unsigned priority(const struct i8259_chip *c, uint8_t mask)
{
	for (unsigned prio = 0; prio < 8; prio++)
		if (mask & (1u << ((prio + c->lowest + 1) & 7)))
			return prio;
	return NONE;
}

static unsigned input_of(const struct i8259_chip *c, unsigned prio)
{
	return (prio + c->lowest + 1) & 7;
}

/* The input this chip would interrupt for now, or -1: the best unmasked
 * request, if it beats everything in service (fully nested mode); in
 * special mask mode masked inputs in service do not block. */
static int pending(const struct i8259_chip *c)
{
	unsigned req = priority(c, c->irr & ~c->imr);
	uint8_t in_service = c->special_mask ? c->isr & ~c->imr : c->isr;

	if (req == NONE || req >= priority(c, in_service))
		return -1;
	return (int)input_of(c, req);
}

/* An input's new level: edge-triggered inputs request on a rising edge,
 * level-triggered ones while high. */
static void chip_set_line(struct i8259_chip *c, unsigned line, int level)
{
	uint8_t bit = (uint8_t)(1u << line);

	if (level_inputs(c) & bit) {
		if (level)
			c->irr |= bit;
		else
			c->irr &= (uint8_t)~bit;
	} else if (level && !(c->lines & bit)) {
		c->irr |= bit;
	}
	c->lines = level ? c->lines | bit : c->lines & (uint8_t)~bit;
}

/* The slave's INT output drives the master's IR2. */
static void update(struct i8259 *p)
{
	chip_set_line(&p->chip[0], 2, pending(&p->chip[1]) >= 0);
}

static void chip_reset(struct i8259_chip *c, uint8_t elcr_mask)
{
	*c = (struct i8259_chip){ .imr = 0xFF, .lowest = 7, .elcr_mask = elcr_mask };
}

void i8259_reset(struct i8259 *p)
{
	/* PIIX ELCR: IRQ0-2 (master) and IRQ8, IRQ13 (slave) are edge only. */
	chip_reset(&p->chip[0], 0xF8);
	chip_reset(&p->chip[1], 0xDE);
}

void i8259_set_irq(struct i8259 *p, unsigned irq, int level)
{
	if (irq >= 16 || irq == 2)   /* IRQ2 is the cascade: no device line */
		return;
	chip_set_line(&p->chip[irq >> 3], irq & 7, level != 0);
	update(p);
}

bool i8259_masked(const struct i8259 *p, unsigned irq)
{
	if (irq >= 8 && (p->chip[0].imr & (1u << 2)))
		return true;
	return p->chip[(irq >> 3) & 1].imr & (1u << (irq & 7));
}

bool i8259_output(const struct i8259 *p)
{
	return pending(&p->chip[0]) >= 0;
}

/* INTA for input `line` of chip c: into service (unless auto-EOI), and
 * an edge request is consumed; a level one stays while the line is high. */
static void take(struct i8259_chip *c, unsigned line)
{
	uint8_t bit = (uint8_t)(1u << line);

	if (!c->auto_eoi)
		c->isr |= bit;
	else if (c->rotate_on_aeoi)
		c->lowest = (uint8_t)line;
	if (!(level_inputs(c) & bit))
		c->irr &= (uint8_t)~bit;
}

uint8_t i8259_ack(struct i8259 *p)
{
	struct i8259_chip *m = &p->chip[0], *s = &p->chip[1];
	int line = pending(m);
	uint8_t vector;

	if (line < 0)   /* the request went away before INTA: spurious IRQ7 */
		return (uint8_t)(m->base + 7);
	if (line == 2) {
		int sline = pending(s);
		if (sline >= 0) {
			take(s, (unsigned)sline);
			vector = (uint8_t)(s->base + sline);
		} else {
			vector = (uint8_t)(s->base + 7);   /* spurious IRQ15 */
		}
	} else {
		vector = (uint8_t)(m->base + line);
	}
	take(m, (unsigned)line);
	update(p);
	return vector;
}

/* OCW2 (SDM-less: 8259A datasheet, "Operation Command Words"). */
static void ocw2(struct i8259_chip *c, uint8_t v)
{
	unsigned cmd = v >> 5, line = v & 7;

	switch (cmd) {
	case 0: case 4:          /* rotate in automatic EOI mode: clear / set */
		c->rotate_on_aeoi = cmd == 4;
		break;
	case 1: case 5: {        /* non-specific EOI (5: and rotate) */
		unsigned prio = priority(c, c->isr);
		if (prio == NONE)
			break;
		line = input_of(c, prio);
		c->isr &= (uint8_t)~(1u << line);
		if (cmd == 5)
			c->lowest = (uint8_t)line;
		break;
	}
	case 3: case 7:          /* specific EOI (7: and rotate) */
		c->isr &= (uint8_t)~(1u << line);
		if (cmd == 7)
			c->lowest = (uint8_t)line;
		break;
	case 6:                  /* set priority: `line` becomes the lowest */
		c->lowest = (uint8_t)line;
		break;
	default:                 /* 2: no operation */
		break;
	}
}

static void write_command(struct i8259_chip *c, uint8_t v)
{
	if (v & 0x10) {          /* ICW1: start of initialisation */
		/* The edge-sense circuits are reset: an edge input that is
		 * high must go low and high again to request.  A level request
		 * whose line is still high stays. */
		uint8_t elcr = c->elcr, mask = c->elcr_mask, level = level_inputs(c);
		uint8_t irr = c->irr & level, lines = c->lines;
		chip_reset(c, mask);
		c->elcr = elcr;
		c->irr = irr;
		c->lines = lines;
		c->imr = 0;      /* ICW1 clears the mask register */
		c->icw4_needed = v & 0x01;
		c->single = v & 0x02;
		c->level_icw1 = v & 0x08;
		c->init_step = 2;
	} else if (v & 0x08) {   /* OCW3 */
		if (v & 0x04)
			c->poll = true;
		if (v & 0x02)
			c->read_isr = v & 0x01;
		if (v & 0x40)
			c->special_mask = v & 0x20;
	} else {
		ocw2(c, v);
	}
}

static void write_data(struct i8259_chip *c, uint8_t v)
{
	switch (c->init_step) {
	case 2:                  /* ICW2: vector base */
		c->base = v & 0xF8;
		c->init_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
		break;
	case 3:                  /* ICW3: cascade wiring, fixed on a PC */
		c->init_step = c->icw4_needed ? 4 : 0;
		break;
	case 4:                  /* ICW4 */
		c->auto_eoi = v & 0x02;
		c->init_step = 0;
		break;
	default:                 /* OCW1: the mask */
		c->imr = v;
		break;
	}
}

/* OCW3 poll: acknowledge the best request as INTA would and return it
 * with bit 7 set, or 0 when there is none. */
static uint8_t poll_read(struct i8259 *p, struct i8259_chip *c)
{
	int line = pending(c);

	c->poll = false;
	if (line < 0)
		return 0;
	take(c, (unsigned)line);
	update(p);
	return (uint8_t)(0x80 | line);
}

uint8_t i8259_read(struct i8259 *p, uint16_t port)
{
	struct i8259_chip *c = &p->chip[(port & 0x80) ? 1 : 0];

	switch (port) {
	case I8259_ELCR1:
		return p->chip[0].elcr;
	case I8259_ELCR2:
		return p->chip[1].elcr;
	case I8259_MASTER_CMD: case I8259_SLAVE_CMD:
		if (c->poll)
			return poll_read(p, c);
		return c->read_isr ? c->isr : c->irr;
	case I8259_MASTER_DATA: case I8259_SLAVE_DATA:
		if (c->poll)
			return poll_read(p, c);
		return c->imr;
	default:
		return 0xFF;
	}
}

void i8259_write(struct i8259 *p, uint16_t port, uint8_t value)
{
	struct i8259_chip *c = &p->chip[(port & 0x80) ? 1 : 0];

	switch (port) {
	case I8259_ELCR1: case I8259_ELCR2: {
		struct i8259_chip *e = &p->chip[port - I8259_ELCR1];
		e->elcr = value & e->elcr_mask;
		break;
	}
	case I8259_MASTER_CMD: case I8259_SLAVE_CMD:
		write_command(c, value);
		break;
	case I8259_MASTER_DATA: case I8259_SLAVE_DATA:
		write_data(c, value);
		break;
	default:
		return;
	}
	update(p);
}
