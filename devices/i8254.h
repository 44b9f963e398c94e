/*
 * The Intel 8254 programmable interval timer at ports 40h-43h, and the
 * PC's port 61h (NMI status and control) whose bit 0 gates channel 2 and
 * whose bit 5 shows channel 2's output -- the pair that Linux and many
 * small kernels calibrate their TSC with.  Pure state machine (tests/
 * test_i8254.c): time is the caller's, a count of the 8254's input clock
 * (I8254_HZ) passed to every call, so the model is exact and testable.
 *
 * What it models (8254 datasheet): three channels with modes 0-5, binary
 * or BCD counts, LSB/MSB/both access, the counter-latch and read-back
 * commands (count and status), gates (channel 2's from port 61h; 0 and 1
 * are always enabled, as on a PC), null count, and the outputs.  Channel
 * 0's output is IRQ0: i8254_irq0_edges() counts its rising edges.  A new
 * count written in modes 2 and 3 takes effect at the end of the current
 * period (the datasheet says half-period for mode 3).  Simplified: in
 * mode 3 an odd count reads N, N-2, ... (not N-1, N-3, ...), and in modes
 * 2 and 3 a channel whose gate is low reads its reload value.
 */
#ifndef TERN_DEVICES_I8254_H
#define TERN_DEVICES_I8254_H

#include <stdbool.h>
#include <stdint.h>

#define I8254_HZ        1193182u   /* the PC's 14.31818 MHz / 12 */
#define I8254_PORT_BASE 0x40       /* 40h-42h channels, 43h control word */
#define I8254_CONTROL   0x43
#define PORT61          0x61
#define I8254_NEVER     UINT64_MAX

struct i8254_channel {
	uint32_t reload;        /* the count written, 1..65536 (0 means 65536) */
	uint64_t start;         /* clock at which the count was loaded or the gate triggered */
	uint64_t frozen;        /* modes 0 and 4 with the gate low: clocks counted so far */
	uint8_t mode, rw, bcd;  /* control word fields; rw: 1 LSB, 2 MSB, 3 LSB then MSB;
				 * mode 0-5 (6 and 7 are 2 and 3) */
	uint8_t mode_bits;      /* the mode field as written, for the status byte */
	bool pending;           /* modes 2, 3: a new count waits for the period's end */
	uint32_t next_reload;
	uint64_t switch_at;
	bool armed;             /* a count has been written since the control word */
	bool triggered;         /* modes 1 and 5: a gate rising edge started it */
	bool gate;
	bool null_count;        /* control word written, count not yet loaded */
	bool read_msb, write_msb;   /* LSB-then-MSB access: the next byte is the MSB */
	uint8_t write_lsb;
	bool count_latched, status_latched, latch_msb;
	uint16_t latched;
	uint8_t status;
};

struct i8254 {
	struct i8254_channel ch[3];
	uint8_t port61;         /* bits 0 (gate 2) and 1 (speaker data) as written */
	uint64_t irq0_next;     /* clock of channel 0's next rising output edge */
};

void i8254_reset(struct i8254 *p, uint64_t now);
uint8_t i8254_read(struct i8254 *p, uint16_t port, uint64_t now);
void i8254_write(struct i8254 *p, uint16_t port, uint8_t value, uint64_t now);
/* A channel's output and current count (tests, port 61h). */
bool i8254_out(const struct i8254_channel *c, uint64_t now);
uint32_t i8254_count(const struct i8254_channel *c, uint64_t now);
/* Rising edges of channel 0's output in (last call, now]: IRQ0 edges. */
unsigned i8254_irq0_edges(struct i8254 *p, uint64_t now);
/* The clock of the next IRQ0 edge, or I8254_NEVER. */
uint64_t i8254_irq0_next(const struct i8254 *p);

#endif
