/* The 8254 and port 61h (i8254.h).  A channel's state is a function of
 * time: the clock at which its count was loaded (or its gate moved), so
 * nothing ticks; reads compute the count and output at `now`. */
#include "devices/i8254.h"

static uint32_t from_bcd(uint32_t v)
{
	return (v >> 12 & 0xF) * 1000 + (v >> 8 & 0xF) * 100 + (v >> 4 & 0xF) * 10 + (v & 0xF);
}

static uint16_t to_bcd(uint32_t v)
{
	v %= 10000;
	return (uint16_t)((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

/* A count written in mode 2 or 3 during counting replaces the old one
 * at the end of the current period; from then on the channel is as if
 * loaded then. */
static void settle(struct i8254_channel *c, uint64_t now)
{
	if (c->pending && now >= c->switch_at) {
		c->start = c->switch_at;
		c->reload = c->next_reload;
		c->pending = false;
	}
}

/* Modes 1 and 5 count only once a gate rising edge triggered them; 2 and
 * 3 stop (output high) while the gate is low; 0 and 4 pause. */
static bool counting(const struct i8254_channel *c)
{
	if (!c->armed)
		return false;
	if (c->mode == 1 || c->mode == 5)
		return c->triggered;
	return c->gate || c->mode == 0 || c->mode == 4;
}

/* Input clocks counted since the count was loaded (or triggered). */
static uint64_t elapsed(const struct i8254_channel *c, uint64_t now)
{
	if ((c->mode == 0 || c->mode == 4) && !c->gate)
		return c->frozen;
	return now > c->start ? now - c->start : 0;
}

uint32_t i8254_count(const struct i8254_channel *ch, uint64_t now)
{
	struct i8254_channel settled = *ch, *c = &settled;
	uint64_t e;
	uint32_t r, wrap;

	settle(c, now);
	r = c->reload;
	wrap = c->bcd ? 10000 : 65536;   /* past 0: FFFFh, or 9999 in BCD */
	if (!counting(c) || ((c->mode == 2 || c->mode == 3) && !c->gate))
		return r & 0xFFFF;
	e = elapsed(c, now);
	switch (c->mode) {
	case 2:
		return (uint32_t)(r - e % r) & 0xFFFF;
	case 3: {
		/* Counts down by two, twice per period (datasheet, mode 3). */
		uint32_t phase = (uint32_t)(e % r), half = (r + 1) / 2;
		uint32_t v = phase < half ? r - 2 * phase : r - 2 * (phase - half);
		return v & 0xFFFF;
	}
	default:   /* 0, 1, 4, 5: down to 0, then on from the top */
		return (uint32_t)((r + wrap - e % wrap) % wrap);
	}
}

bool i8254_out(const struct i8254_channel *ch, uint64_t now)
{
	struct i8254_channel settled = *ch, *c = &settled;
	uint64_t e;

	settle(c, now);
	if (!c->armed)
		return c->mode != 0;       /* mode 0 goes low on the control word */
	if (!counting(c))
		return true;               /* modes 1 and 5 untriggered; 2 and 3 gated off */
	if ((c->mode == 2 || c->mode == 3) && !c->gate)
		return true;
	e = elapsed(c, now);
	switch (c->mode) {
	case 0: case 1:
		return e >= c->reload;     /* high at terminal count */
	case 2:
		return e % c->reload != c->reload - 1u;   /* low while the count is 1 */
	case 3:
		return e % c->reload < (c->reload + 1) / 2;
	default:   /* 4, 5: a one-clock low pulse at terminal count */
		return e != c->reload;
	}
}

/* Channel 0's next rising edge after `now` (its gate is always high). */
static uint64_t next_edge(const struct i8254_channel *c, uint64_t now)
{
	uint64_t e;

	if (!counting(c))
		return I8254_NEVER;
	e = elapsed(c, now);
	switch (c->mode) {
	case 0: case 1:
		return e < c->reload ? c->start + c->reload : I8254_NEVER;
	case 2: case 3:
		return c->start + (e / c->reload + 1) * c->reload;
	default:
		return e <= c->reload ? c->start + c->reload + 1 : I8254_NEVER;
	}
}

static void rearm_irq0(struct i8254 *p, uint64_t now)
{
	settle(&p->ch[0], now);
	p->irq0_next = next_edge(&p->ch[0], now);
}

unsigned i8254_irq0_edges(struct i8254 *p, uint64_t now)
{
	struct i8254_channel *c = &p->ch[0];
	uint64_t n = 1;

	if (p->irq0_next > now)
		return 0;
	if (c->mode == 2 || c->mode == 3) {
		/* Periods of the old count up to a count change, then of the new. */
		if (c->pending && now >= c->switch_at) {
			n = (c->switch_at - p->irq0_next) / c->reload + 1;
			settle(c, now);
			n += (now - c->start) / c->reload;
		} else {
			n = (now - p->irq0_next) / c->reload + 1;
		}
	}
	rearm_irq0(p, now);
	return n > 0xFFFF ? 0xFFFF : (unsigned)n;
}

uint64_t i8254_irq0_next(const struct i8254 *p)
{
	return p->irq0_next;
}

static void set_gate(struct i8254_channel *c, bool level, uint64_t now)
{
	settle(c, now);
	if (level == c->gate)
		return;
	if (!level) {
		if (c->mode == 0 || c->mode == 4)
			c->frozen = elapsed(c, now);
		c->gate = false;
		return;
	}
	c->gate = true;
	if (c->mode == 0 || c->mode == 4) {
		c->start = now - c->frozen;
	} else {
		/* Modes 1 and 5 are triggered, 2 and 3 start a new period. */
		c->triggered = c->armed;
		c->start = now;
	}
}

static void load(struct i8254_channel *c, uint32_t raw, uint64_t now)
{
	uint32_t v = c->bcd ? from_bcd(raw) : raw;

	v = v ? v : (c->bcd ? 10000 : 65536);
	settle(c, now);
	if ((c->mode == 2 || c->mode == 3) && counting(c) && c->gate) {
		/* The current period runs out first. */
		c->next_reload = v;
		c->switch_at = c->start + ((now - c->start) / c->reload + 1) * c->reload;
		c->pending = true;
		c->null_count = false;
		return;
	}
	c->pending = false;
	c->reload = v;
	c->start = now;
	c->frozen = 0;
	c->armed = true;
	c->triggered = false;
	c->null_count = false;
}

/* The first latch holds until it is read (a second one is ignored). */
static void latch_count(struct i8254_channel *c, uint64_t now)
{
	uint32_t n;

	if (c->count_latched)
		return;
	n = i8254_count(c, now);
	c->latched = c->bcd ? to_bcd(n) : (uint16_t)n;
	c->count_latched = true;
	c->latch_msb = false;
}

static void control_word(struct i8254 *p, uint8_t v, uint64_t now)
{
	unsigned sc = v >> 6;

	if (sc == 3) {   /* read-back: bit 5 clear latches counts, bit 4 status */
		for (unsigned i = 0; i < 3; i++) {
			struct i8254_channel *c = &p->ch[i];
			if (!(v & (2u << i)))
				continue;
			if (!(v & 0x20))
				latch_count(c, now);
			if (!(v & 0x10) && !c->status_latched) {
				c->status = (uint8_t)(i8254_out(c, now) << 7 | c->null_count << 6 |
						      c->rw << 4 | c->mode_bits << 1 | c->bcd);
				c->status_latched = true;
			}
		}
		return;
	}
	struct i8254_channel *c = &p->ch[sc];
	if (!(v & 0x30)) {   /* counter latch command */
		latch_count(c, now);
		return;
	}
	c->rw = (v >> 4) & 3;
	c->mode_bits = c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;            /* 6 and 7 are modes 2 and 3 */
	c->bcd = v & 1;
	c->armed = c->triggered = c->pending = false;
	c->null_count = true;
	c->read_msb = c->write_msb = false;
	c->count_latched = c->status_latched = false;
	if (sc == 0)
		rearm_irq0(p, now);
}

static void write_count(struct i8254 *p, unsigned i, uint8_t v, uint64_t now)
{
	struct i8254_channel *c = &p->ch[i];

	switch (c->rw) {
	case 1:
		load(c, v, now);
		break;
	case 2:
		load(c, (uint32_t)v << 8, now);
		break;
	default:
		if (!c->write_msb) {
			c->write_lsb = v;
			c->write_msb = true;
			if (c->mode == 0)
				c->armed = false;   /* writing the LSB stops mode 0 */
			break;
		}
		c->write_msb = false;
		load(c, c->write_lsb | (uint32_t)v << 8, now);
		break;
	}
	if (i == 0)
		rearm_irq0(p, now);
}

static uint8_t read_count(struct i8254_channel *c, uint64_t now)
{
	uint16_t n;
	bool msb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->count_latched) {
		n = c->latched;
		msb = c->rw == 2 || (c->rw == 3 && c->latch_msb);
		if (c->rw == 3 && !c->latch_msb)
			c->latch_msb = true;
		else
			c->count_latched = false;
	} else {
		uint32_t v = i8254_count(c, now);
		n = c->bcd ? to_bcd(v) : (uint16_t)v;
		msb = c->rw == 2 || (c->rw == 3 && c->read_msb);
		if (c->rw == 3)
			c->read_msb = !c->read_msb;
	}
	return msb ? (uint8_t)(n >> 8) : (uint8_t)n;
}

void i8254_reset(struct i8254 *p, uint64_t now)
{
	*p = (struct i8254){ 0 };
	for (unsigned i = 0; i < 3; i++)
		p->ch[i] = (struct i8254_channel){ .reload = 65536, .rw = 3, .gate = i != 2, .start = now };
	p->irq0_next = I8254_NEVER;
}

uint8_t i8254_read(struct i8254 *p, uint16_t port, uint64_t now)
{
	if (port == PORT61) {
		/* Bit 4 toggles with each DRAM refresh, about every 15 us. */
		bool refresh = (now / 18) & 1;
		return (uint8_t)((p->port61 & 0x0F) | refresh << 4 | i8254_out(&p->ch[2], now) << 5);
	}
	if (port >= I8254_PORT_BASE && port < I8254_CONTROL)
		return read_count(&p->ch[port - I8254_PORT_BASE], now);
	return 0xFF;   /* the control word register cannot be read */
}

void i8254_write(struct i8254 *p, uint16_t port, uint8_t value, uint64_t now)
{
	if (port == PORT61) {
		p->port61 = value & 0x0F;
		set_gate(&p->ch[2], value & 1, now);
	} else if (port == I8254_CONTROL) {
		control_word(p, value, now);
	} else if (port >= I8254_PORT_BASE && port < I8254_CONTROL) {
		write_count(p, port - I8254_PORT_BASE, value, now);
	}
}
