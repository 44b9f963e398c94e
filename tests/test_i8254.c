/* Host tests of devices/i8254.c: the 8254 PIT at ports 40h-43h and the
 * PC's port 61h, driven the way PC guests drive them (the 100 Hz tick,
 * Linux's TSC calibration on channel 2, latches and read-back).  Time is
 * explicit: every access passes `now` in input clocks, so each test
 * states exact clocks.  The model counts from the write of the count
 * (the header's convention): a count N expires exactly N clocks later.
 * Expected behaviour is the Intel 8254 datasheet's; each test says which
 * rule it checks. */
#define TEST_MAIN
#include "tests/test.h"
#include "devices/i8254.h"

#define T0     1000000u   /* an arbitrary, non-zero start time */
#define HZ100  11932u     /* the 100 Hz tick: 1193182 / 100, rounded */

static struct i8254 pit;  /* the device under test, fresh in each test */

static void out(uint16_t port, uint8_t v, uint64_t now) { i8254_write(&pit, port, v, now); }
static uint8_t in(uint16_t port, uint64_t now) { return i8254_read(&pit, port, now); }

/* From reset: control word for channel ch (LSB-then-MSB access, mode
 * m, binary unless bcd), then the count, all at `now`. */
static void program(unsigned ch, unsigned m, bool bcd, uint16_t count, uint64_t now)
{
	i8254_reset(&pit, 0);
	out(I8254_CONTROL, (uint8_t)(ch << 6 | 0x30 | m << 1 | bcd), now);
	out(0x40 + ch, (uint8_t)count, now);
	out(0x40 + ch, (uint8_t)(count >> 8), now);
}

/* Two reads of the channel's port: LSB then MSB. */
static uint16_t read16(unsigned ch, uint64_t now)
{
	uint8_t lo = in(0x40 + ch, now);
	return (uint16_t)(lo | in(0x40 + ch, now) << 8);
}

/* Read-back command (11, COUNT# 1, STATUS# 0) for one channel, then
 * the status byte. */
static uint8_t status(unsigned ch, uint64_t now)
{
	out(I8254_CONTROL, (uint8_t)(0xE0 | 2u << ch), now);
	return in(0x40 + ch, now);
}

static bool out0(uint64_t now) { return i8254_out(&pit.ch[0], now); }
static unsigned edges(uint64_t now) { return i8254_irq0_edges(&pit, now); }
/* Port 61h bit 5: channel 2's OUT. */
static bool out2(uint64_t now) { return in(PORT61, now) & 0x20; }

TEST(mode2_count_decreases)
{
	program(0, 2, false, HZ100, T0);
	CHECK(read16(0, T0 + 1) == HZ100 - 1);
	CHECK(read16(0, T0 + 100) == HZ100 - 100);
	CHECK(read16(0, T0 + HZ100 - 1) == 1);
	/* Periodic: at 1 the counter reloads the initial count. */
	CHECK(read16(0, T0 + HZ100) == HZ100);
	CHECK(read16(0, T0 + HZ100 + 1) == HZ100 - 1);
	CHECK(read16(0, T0 + 7 * HZ100 + 5) == HZ100 - 5);
}

TEST(mode2_output_low_for_one_clock)
{
	/* Mode 2: OUT high, low for one clock while the count is 1. */
	program(0, 2, false, HZ100, T0);
	CHECK(out0(T0));
	CHECK(out0(T0 + HZ100 - 2));
	CHECK(!out0(T0 + HZ100 - 1));
	CHECK(out0(T0 + HZ100));
	CHECK(!out0(T0 + 2 * HZ100 - 1));
}

TEST(mode2_irq0_edges_at_multiples_of_reload)
{
	program(0, 2, false, HZ100, T0);
	CHECK(i8254_irq0_next(&pit) == T0 + HZ100);
	CHECK(edges(T0 + HZ100 - 1) == 0);
	CHECK(edges(T0 + HZ100) == 1);
	CHECK(i8254_irq0_next(&pit) == T0 + 2 * HZ100);
	CHECK(edges(T0 + HZ100) == 0);        /* (last, now] is empty */
	CHECK(edges(T0 + 2 * HZ100 - 1) == 0);
	CHECK(edges(T0 + 2 * HZ100 + 1) == 1);
	CHECK(i8254_irq0_next(&pit) == T0 + 3 * HZ100);
}

TEST(mode2_skipped_periods_counted)
{
	program(0, 2, false, HZ100, T0);
	/* Nobody looked for 5.5 periods: five edges, counted at once. */
	CHECK(edges(T0 + 5 * HZ100 + HZ100 / 2) == 5);
	CHECK(i8254_irq0_next(&pit) == T0 + 6 * HZ100);
	CHECK(edges(T0 + 1000 * HZ100) == 995);
	CHECK(i8254_irq0_next(&pit) == T0 + 1001 * HZ100);
}

TEST(mode3_square_wave)
{
	/* Even count: OUT high for N/2 clocks, low for N/2; the count goes
	 * down by two and starts again from N at the half. */
	program(0, 3, false, 1000, T0);
	CHECK(out0(T0) && out0(T0 + 499));
	CHECK(!out0(T0 + 500) && !out0(T0 + 999));
	CHECK(out0(T0 + 1000) && !out0(T0 + 1500));
	CHECK(read16(0, T0 + 1) == 998);
	CHECK(read16(0, T0 + 500) == 1000);
	CHECK(read16(0, T0 + 501) == 998);
	/* One rising edge per period. */
	CHECK(i8254_irq0_next(&pit) == T0 + 1000);
	CHECK(edges(T0 + 999) == 0);
	CHECK(edges(T0 + 10000) == 10);
	CHECK(edges(T0 + 10999) == 0);

	/* Odd count: high for (N+1)/2 clocks, low for (N-1)/2. */
	program(0, 3, false, 5, T0);
	CHECK(out0(T0 + 2) && !out0(T0 + 3) && !out0(T0 + 4) && out0(T0 + 5));
}

TEST(mode0_one_shot)
{
	i8254_reset(&pit, 0);
	/* Mode 0: OUT goes low on the control word ... */
	out(I8254_CONTROL, 0x30, T0);
	CHECK(!out0(T0 + 10));
	out(0x40, 100, T0 + 10);
	out(0x40, 0, T0 + 10);
	/* ... and high at terminal count, where it stays. */
	CHECK(!out0(T0 + 109));
	CHECK(out0(T0 + 110));
	CHECK(out0(T0 + 110 + 3 * 65536));
	/* Writing the first byte of a new count stops counting, OUT low;
	 * the second byte starts it again. */
	out(0x40, 50, T0 + 200);
	CHECK(!out0(T0 + 300));
	out(0x40, 0, T0 + 300);
	CHECK(!out0(T0 + 349) && out0(T0 + 350));
}

TEST(mode0_single_irq0_edge)
{
	program(0, 0, false, 100, T0);
	CHECK(i8254_irq0_next(&pit) == T0 + 100);
	CHECK(edges(T0 + 99) == 0);
	CHECK(edges(T0 + 100000) == 1);
	CHECK(i8254_irq0_next(&pit) == I8254_NEVER);
	CHECK(edges(T0 + 10000000) == 0);
}

TEST(mode0_count_wraps_past_zero)
{
	/* Modes 0, 1, 4, 5 do not stop at zero: on to FFFFh. */
	program(0, 0, false, 100, T0);
	CHECK(read16(0, T0 + 99) == 1);
	CHECK(read16(0, T0 + 100) == 0);
	CHECK(read16(0, T0 + 101) == 0xFFFF);
	CHECK(read16(0, T0 + 102) == 0xFFFE);
	CHECK(read16(0, T0 + 100 + 65536) == 0);
}

TEST(reload_zero_means_65536)
{
	program(0, 2, false, 0, T0);
	CHECK(read16(0, T0 + 1) == 0xFFFF);
	CHECK(read16(0, T0 + 65535) == 1);
	CHECK(i8254_irq0_next(&pit) == T0 + 65536);
	CHECK(edges(T0 + 3 * 65536) == 3);
	program(0, 0, false, 0, T0);
	CHECK(!out0(T0 + 65535) && out0(T0 + 65536));
}

TEST(counter_latch_freezes_value)
{
	program(0, 2, false, 10000, T0);
	out(I8254_CONTROL, 0x00, T0 + 100);         /* latch channel 0 */
	/* The latched 9900 (26ACh) survives time passing between the reads. */
	CHECK(in(0x40, T0 + 5000) == 0xAC);
	CHECK(in(0x40, T0 + 6000) == 0x26);
	/* Both bytes read: the latch is released, reads follow the counter. */
	CHECK(read16(0, T0 + 7000) == 3000);
}

TEST(second_latch_before_read_is_ignored)
{
	program(0, 2, false, 10000, T0);
	out(I8254_CONTROL, 0x00, T0 + 100);
	out(I8254_CONTROL, 0x00, T0 + 300);
	CHECK(read16(0, T0 + 400) == 9900);
	/* Also between the two bytes: the first latch holds to the MSB. */
	out(I8254_CONTROL, 0x00, T0 + 1000);
	CHECK(in(0x40, T0 + 1000) == (9000 & 0xFF));
	out(I8254_CONTROL, 0x00, T0 + 8000);
	CHECK(in(0x40, T0 + 8000) == 9000 >> 8);
	out(I8254_CONTROL, 0x00, T0 + 8000);
	CHECK(read16(0, T0 + 9000) == 2000);
}

TEST(readback_latches_count_and_status)
{
	program(0, 2, false, 0x1234, T0);
	/* C2h: count and status of channel 0.  Status comes first. */
	out(I8254_CONTROL, 0xC2, T0 + 0x100);
	CHECK(in(0x40, T0 + 0x200) == 0xB4);        /* OUT 1, LSB/MSB, mode 2 */
	CHECK(read16(0, T0 + 0x300) == 0x1134);
	CHECK(read16(0, T0 + 0x400) == 0x0E34);     /* released: live again */
	/* D2h: count only. */
	out(I8254_CONTROL, 0xD2, T0 + 0x500);
	CHECK(read16(0, T0 + 0x600) == 0x0D34);
	/* A second status latch before reading is ignored. */
	program(0, 0, false, 100, T0);
	out(I8254_CONTROL, 0xE2, T0 + 50);          /* OUT still low */
	out(I8254_CONTROL, 0xE2, T0 + 150);         /* OUT high: ignored */
	CHECK(in(0x40, T0 + 150) == 0x30);
	CHECK(status(0, T0 + 150) == 0xB0);
	/* One command for several channels (EEh: status of 0, 1 and 2). */
	out(I8254_CONTROL, 0x54, T0);               /* ch1: LSB only, mode 2 */
	out(I8254_CONTROL, 0x96, T0);               /* ch2: LSB only, mode 3 */
	out(I8254_CONTROL, 0xEE, T0 + 1);
	CHECK(in(0x40, T0 + 1) == 0x30);            /* OUT low, count loaded */
	CHECK(in(0x41, T0 + 1) == 0xD4);            /* OUT, null count, 01, 010 */
	CHECK(in(0x42, T0 + 1) == 0xD6);            /* OUT, null count, 01, 011 */
}

TEST(status_byte_layout)
{
	i8254_reset(&pit, 0);
	/* D7 OUT, D6 null count, D5-4 RW, D3-1 mode, D0 BCD. */
	out(I8254_CONTROL, 0x91, T0);               /* ch2 LSB only, mode 0, BCD */
	CHECK(status(2, T0) == 0x51);
	out(I8254_CONTROL, 0x66, T0);               /* ch1 MSB only, mode 3 */
	CHECK(status(1, T0) == 0xE6);
	out(I8254_CONTROL, 0x3A, T0);               /* ch0 LSB/MSB, mode 5 */
	CHECK(status(0, T0) == 0xFA);
}

TEST(null_count_until_count_loaded)
{
	i8254_reset(&pit, 0);
	out(I8254_CONTROL, 0x34, T0);
	CHECK(status(0, T0) & 0x40);                /* set by the control word */
	out(0x40, 0x10, T0 + 1);
	CHECK(status(0, T0 + 2) & 0x40);            /* half a count is no count */
	out(0x40, 0x27, T0 + 3);
	CHECK(!(status(0, T0 + 4) & 0x40));         /* loaded */
	CHECK(read16(0, T0 + 4) == 0x2710 - 1);
}

TEST(lsb_only_access)
{
	i8254_reset(&pit, 0);
	out(I8254_CONTROL, 0x14, T0);               /* ch0 LSB only, mode 2 */
	out(0x40, 200, T0);
	CHECK(i8254_irq0_next(&pit) == T0 + 200);
	/* Every read is the LSB; there is no byte toggle. */
	CHECK(in(0x40, T0 + 50) == 150);
	CHECK(in(0x40, T0 + 50) == 150);
	CHECK(in(0x40, T0 + 60) == 140);
}

TEST(msb_only_access)
{
	i8254_reset(&pit, 0);
	out(I8254_CONTROL, 0x24, T0);               /* ch0 MSB only, mode 2 */
	out(0x40, 0x02, T0);                        /* count 200h */
	CHECK(i8254_irq0_next(&pit) == T0 + 512);
	CHECK(in(0x40, T0 + 12) == 0x01);           /* 500 = 1F4h */
	CHECK(in(0x40, T0 + 12) == 0x01);
	CHECK(in(0x40, T0 + 300) == 0x00);          /* 212 */
}

TEST(bcd_counting)
{
	/* BCD count 1000h is one thousand clocks; reads are BCD too. */
	program(0, 0, true, 0x1000, T0);
	CHECK(read16(0, T0 + 1) == 0x0999);
	CHECK(read16(0, T0 + 990) == 0x0010);
	CHECK(!out0(T0 + 999) && out0(T0 + 1000));
	CHECK(read16(0, T0 + 1000) == 0x0000);
	program(0, 2, true, 0x0100, T0);
	CHECK(edges(T0 + 1000) == 10);
	/* Count 0 in BCD is 10^4. */
	program(0, 2, true, 0, T0);
	CHECK(i8254_irq0_next(&pit) == T0 + 10000);
	CHECK(read16(0, T0 + 1) == 0x9999);
}

TEST(bcd_mode0_wraps_to_9999)
{
	/* "In Modes 0, 1, 4, and 5 the Counter wraps around to the highest
	 * count, either FFFF hex for binary counting or 9999 for BCD." */
	program(0, 0, true, 0x0010, T0);
	CHECK(read16(0, T0 + 10) == 0x0000);
	CHECK(read16(0, T0 + 11) == 0x9999);
	CHECK(read16(0, T0 + 12) == 0x9998);
}

TEST(ch2_gate_low_pauses_mode0)
{
	i8254_reset(&pit, 0);
	out(PORT61, 0x00, T0);                      /* gate 2 low */
	out(I8254_CONTROL, 0xB0, T0);
	out(0x42, 1000 & 0xFF, T0);
	out(0x42, 1000 >> 8, T0);
	/* Mode 0: GATE low disables counting, OUT stays low. */
	CHECK(read16(2, T0 + 5000) == 1000 && !out2(T0 + 5000));
	out(PORT61, 0x01, T0 + 5000);
	CHECK(read16(2, T0 + 5400) == 600);
	out(PORT61, 0x00, T0 + 5400);
	CHECK(read16(2, T0 + 9000) == 600 && !out2(T0 + 9000));
	/* Gate high again: counting resumes where it stopped. */
	out(PORT61, 0x01, T0 + 9000);
	CHECK(read16(2, T0 + 9599) == 1 && !out2(T0 + 9599));
	CHECK(out2(T0 + 9600));
}

TEST(ch2_linux_tsc_calibration)
{
	/* Linux pit_calibrate_tsc(): gate on, speaker off; channel 2 mode 0
	 * LSB/MSB; a 10 ms count; poll port 61h bit 5 until OUT2 is high. */
	const uint16_t latch = I8254_HZ / 100;
	uint64_t t = T0, start;

	i8254_reset(&pit, 0);
	out(PORT61, (uint8_t)((in(PORT61, t) & ~0x02) | 0x01), t);
	out(I8254_CONTROL, 0xB0, t);
	out(0x42, latch & 0xFF, t);
	out(0x42, latch >> 8, t);
	start = t;
	while (!out2(t) && t < start + 100000)
		t++;
	CHECK(t - start == latch);
	CHECK((in(PORT61, t) & 0x03) == 0x01);
}

TEST(ch2_mode2_restarts_on_gate_rise)
{
	i8254_reset(&pit, 0);
	out(PORT61, 0x01, T0);
	out(I8254_CONTROL, 0xB4, T0);
	out(0x42, 100, T0);
	out(0x42, 0, T0);
	CHECK(read16(2, T0 + 30) == 70);
	CHECK(!out2(T0 + 99));
	/* GATE low forces OUT high ... */
	out(PORT61, 0x00, T0 + 199);
	CHECK(out2(T0 + 199));
	/* ... and its rising edge reloads the initial count. */
	out(PORT61, 0x01, T0 + 1037);
	CHECK(read16(2, T0 + 1047) == 90);
	CHECK(out2(T0 + 1135) && !out2(T0 + 1136) && out2(T0 + 1137));
}

TEST(modes_6_and_7_alias_2_and_3)
{
	/* Mode bits X10 are mode 2, X11 mode 3. */
	program(0, 6, false, 100, T0);
	CHECK(read16(0, T0 + 10) == 90);
	CHECK(!out0(T0 + 99) && out0(T0 + 100));
	CHECK(edges(T0 + 300) == 3);
	program(0, 7, false, 100, T0);
	CHECK(out0(T0 + 49) && !out0(T0 + 50) && out0(T0 + 100));
	CHECK(read16(0, T0 + 10) == 80);
	CHECK(edges(T0 + 300) == 3);
}

TEST(status_mode_bits_as_written)
{
	/* "Bits D5 through D0 contain the Counter's programmed Mode exactly
	 * as written in the last Mode Control Word." */
	program(0, 6, false, 100, T0);
	CHECK((status(0, T0 + 1) & 0x0E) == 0x0C);
	program(0, 7, false, 100, T0);
	CHECK((status(0, T0 + 1) & 0x0E) == 0x0E);
}

TEST(mode2_new_count_takes_effect_next_period)
{
	/* Mode 2: "Writing a new count while counting does not affect the
	 * current counting sequence"; it is loaded at the end of the
	 * current period (no gate trigger on channel 0). */
	program(0, 2, false, 1000, T0);
	out(0x40, 500 & 0xFF, T0 + 300);
	out(0x40, 500 >> 8, T0 + 300);
	CHECK(read16(0, T0 + 400) == 600);
	CHECK(i8254_irq0_next(&pit) == T0 + 1000);
	CHECK(edges(T0 + 2000) == 3);               /* 1000, 1500, 2000 */
}

TEST(port61_low_bits_read_back)
{
	i8254_reset(&pit, 0);
	for (unsigned v = 0; v < 4; v++) {
		out(PORT61, (uint8_t)v, T0);
		CHECK((in(PORT61, T0) & 0x03) == v);
	}
}
