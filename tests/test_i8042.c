/* Host tests of devices/i8042.c: the 8042 keyboard controller at ports
 * 60h (data) and 64h (status / command), driven the way a probing kernel
 * drives it: the status register, the controller command byte, the
 * self-tests, port enable/disable, the output port (A20 gate, reset
 * line), the pulse commands, and the keyboard's answers to the commands
 * a driver sends at start.  Expected values are the IBM PC/AT Technical
 * Reference's ("Keyboard Controller", "Keyboard") as QEMU's
 * hw/input/pckbd.c and ps2.c implement them; each test says which rule
 * it checks. */
#define TEST_MAIN
#include "tests/test.h"
#include "devices/i8042.h"

#define ST_OBF      0x01
#define ST_SYSTEM   0x04
#define ST_COMMAND  0x08
#define ST_AUX_OBF  0x20
#define ACK         0xFA

static struct i8042 kbc;  /* the device under test, reset by each test */

static void cmd(uint8_t c) { i8042_write(&kbc, I8042_STATUS, c); }
static void data(uint8_t v) { i8042_write(&kbc, I8042_DATA, v); }
static uint8_t rd(void) { return i8042_read(&kbc, I8042_DATA); }
static uint8_t st(void) { return i8042_read(&kbc, I8042_STATUS); }

/* D2h/D3h + data: a byte in the output buffer as if from the keyboard /
 * from the aux port. */
static void kbd_byte(uint8_t v) { cmd(0xD2); data(v); }
static void aux_byte(uint8_t v) { cmd(0xD3); data(v); }

/* The command byte, read back with controller command 20h. */
static uint8_t cmd_byte(void)
{
	cmd(0x20);
	return rd();
}

/* Controller command 60h: write the command byte. */
static void set_cmd_byte(uint8_t v)
{
	cmd(0x60);
	data(v);
}

/* The output buffer yields exactly `want` (OBF set before each byte),
 * then is empty.  Prints the first difference (100h: OBF clear). */
static bool answers(const uint8_t *want, unsigned n)
{
	for (unsigned i = 0; i <= n; i++) {
		unsigned b = st() & ST_OBF ? rd() : 0x100, w = i < n ? want[i] : 0x100;
		if (b != w) {
			printf("  byte %u: got 0x%02x, want 0x%02x\n", i, b, w);
			return false;
		}
	}
	return true;
}
#define ANSWERS(...)                                                     \
	do {                                                             \
		static const uint8_t want_[] = { __VA_ARGS__ };           \
		CHECK(answers(want_, sizeof want_));                      \
	} while (0)

/* At reset: status 14h (system flag from the command byte, keyboard not
 * inhibited, no OBF/IBF/timeout/parity, last write "data"); command byte
 * 45h (keyboard IRQ, system flag, translation), read with 20h: OBF set
 * until 60h is read, no IRQ1 for it (a controller answer); no reset. */
TEST(i8042_reset_state)
{
	i8042_reset(&kbc);
	CHECK(st() == 0x14);
	CHECK(!i8042_irq1(&kbc));
	CHECK(!kbc.reset_requested);
	cmd(0x20);
	CHECK(st() & ST_OBF);
	CHECK(!i8042_irq1(&kbc));
	CHECK(rd() == 0x45);
	CHECK(!(st() & ST_OBF));
}

/* Status bit 3 (A2) says whether the last write went to 64h (command)
 * or 60h (data). */
TEST(i8042_status_bit3_follows_last_write)
{
	i8042_reset(&kbc);
	cmd(0xAE);
	CHECK(st() & ST_COMMAND);
	data(0xF4);   /* to the keyboard */
	CHECK(!(st() & ST_COMMAND));
	cmd(0x60);
	CHECK(st() & ST_COMMAND);
	data(0x45);   /* the command byte */
	CHECK(!(st() & ST_COMMAND));
}

/* 60h + data replaces the command byte (20h reads it back), and status
 * bit 2 follows the command byte's system flag (bit 2). */
TEST(i8042_command_byte_write)
{
	i8042_reset(&kbc);
	set_cmd_byte(0x01);
	CHECK(!(st() & (ST_OBF | ST_SYSTEM)));   /* 60h answers nothing */
	CHECK(cmd_byte() == 0x01);
	set_cmd_byte(0x65);
	CHECK(st() & ST_SYSTEM);
	CHECK(cmd_byte() == 0x65);
}

/* AAh (controller self-test) answers 55h and sets the system flag; ABh
 * (keyboard interface test) and A9h (aux interface test) answer 00h. */
TEST(i8042_self_tests)
{
	i8042_reset(&kbc);
	set_cmd_byte(0x00);
	cmd(0xAA);
	ANSWERS(0x55);
	CHECK(st() & ST_SYSTEM);
	cmd(0xAB);
	ANSWERS(0x00);
	cmd(0xA9);
	ANSWERS(0x00);
}

/* ADh/AEh set/clear command-byte bit 4 (keyboard disabled), A7h/A8h bit 5
 * (aux disabled); the other bits stay, and none of them answers. */
TEST(i8042_port_enable_disable)
{
	i8042_reset(&kbc);
	cmd(0xAD);
	CHECK(cmd_byte() == 0x55);
	cmd(0xA7);
	CHECK(cmd_byte() == 0x75);
	cmd(0xAE);
	CHECK(cmd_byte() == 0x65);
	cmd(0xA8);
	CHECK(!(st() & ST_OBF));
	CHECK(cmd_byte() == 0x45);
}

/* D0h reads the output port: reset line (bit 0, high = running) and A20
 * (bit 1) set at reset; DDh clears A20, DFh sets it.  D1h + data writes
 * it: bit 1 is A20, bit 0 clear pulls the reset line (reset_requested,
 * reset_command D1h), bit 0 set does not. */
TEST(i8042_output_port)
{
	static const uint8_t a20[][2] = { { 0xDD, 0 }, { 0xDF, 2 }, { 0xDD, 0 } };

	i8042_reset(&kbc);
	cmd(0xD0);
	CHECK(st() & ST_OBF);
	CHECK((rd() & 0x03) == 0x03);
	for (unsigned i = 0; i < 3; i++) {
		cmd(a20[i][0]);
		cmd(0xD0);
		CHECK((rd() & 0x03) == (1 | a20[i][1]));
	}
	for (unsigned v = 1; v <= 3; v += 2) {
		cmd(0xD1);
		data((uint8_t)(v | 0xDC));
		CHECK(!(st() & ST_OBF));   /* the data byte did not reach the keyboard */
		cmd(0xD0);
		CHECK((rd() & 0x03) == v);
	}
	CHECK(!kbc.reset_requested);
	cmd(0xD1);
	data(0xFE);
	CHECK(kbc.reset_requested);
	CHECK(kbc.reset_command == 0xD1);
}

/* F0h-FFh pulse output-port bits 0-3 low for each clear bit of the
 * command's low nibble: bit 0 clear (FEh, F0h ...) pulses reset, odd
 * commands do not; none answers. */
TEST(i8042_pulse_commands)
{
	for (unsigned c = 0xF0; c <= 0xFF; c++) {
		i8042_reset(&kbc);
		cmd((uint8_t)c);
		CHECK(!(st() & ST_OBF));
		if (c & 1) {
			CHECK(!kbc.reset_requested);
		} else {
			CHECK(kbc.reset_requested);
			CHECK(kbc.reset_command == c);
		}
	}
}

/* A command written to 64h ends one still waiting for its data byte: after
 * D1h, ADh, the 00h goes to the keyboard (ACK), not to the output port;
 * after 60h, 20h, the data byte does not replace the command byte. */
TEST(i8042_new_command_cancels_pending)
{
	i8042_reset(&kbc);
	cmd(0xD1);
	cmd(0xAD);
	data(0x00);
	CHECK(!kbc.reset_requested);
	ANSWERS(ACK);
	i8042_reset(&kbc);
	cmd(0x60);
	cmd(0x20);
	data(0xF4);
	ANSWERS(0x45, ACK);
	CHECK(cmd_byte() == 0x45);
}

/* D2h + data puts the byte in the output buffer as if from the keyboard
 * (IRQ1 while the command byte enables it); D3h as if from the aux port
 * (no IRQ1). */
TEST(i8042_write_kbd_and_aux_buffer)
{
	i8042_reset(&kbc);
	kbd_byte(0x1C);
	CHECK(st() & ST_OBF);
	CHECK(i8042_irq1(&kbc));
	CHECK(rd() == 0x1C);
	CHECK(!i8042_irq1(&kbc));
	aux_byte(0x5A);
	CHECK(st() & ST_OBF);
	CHECK(!i8042_irq1(&kbc));
	CHECK(rd() == 0x5A);
	CHECK(!(st() & ST_OBF));
}

/* A byte put in the output buffer from the aux side sets status bit 5
 * (aux OBF) with bit 0, as on PS/2 controllers and in QEMU's pckbd
 * (KBD_STAT_MOUSE_OBF); a keyboard byte does not. */
TEST(i8042_aux_byte_sets_status_bit5)
{
	i8042_reset(&kbc);
	kbd_byte(0x1C);
	CHECK((st() & (ST_OBF | ST_AUX_OBF)) == ST_OBF);
	rd();
	aux_byte(0x5A);
	CHECK((st() & (ST_OBF | ST_AUX_OBF)) == (ST_OBF | ST_AUX_OBF));
	CHECK(rd() == 0x5A);
	CHECK(!(st() & (ST_OBF | ST_AUX_OBF)));
}

/* Keyboard commands written to 60h, each answered by the keyboard (so
 * with IRQ1): FFh (reset) ACK AAh; EDh (LEDs) + parameter and F3h
 * (typematic) + parameter one ACK each, after which a byte is a command
 * again (FFh answers ACK AAh); F4h (enable) and F5h (disable) ACK. */
TEST(i8042_kbd_command_answers)
{
	i8042_reset(&kbc);
	data(0xFF);
	CHECK(i8042_irq1(&kbc));
	ANSWERS(ACK, 0xAA);
	CHECK(!i8042_irq1(&kbc));
	data(0xED);
	ANSWERS(ACK);
	data(0x07);
	ANSWERS(ACK);
	data(0xFF);
	ANSWERS(ACK, 0xAA);
	data(0xF3);
	data(0x20);
	data(0xFF);
	ANSWERS(ACK, ACK, ACK, 0xAA);
	data(0xF4);
	ANSWERS(ACK);
	data(0xF5);
	ANSWERS(ACK);
}

/* With translation off: F2h (identify) answers ACK ABh 83h (MF2); F0h +
 * 00h (which scan-code set?) ACK ACK 02h; F0h + 02h (select) ACK ACK. */
TEST(i8042_kbd_ids_untranslated)
{
	i8042_reset(&kbc);
	set_cmd_byte(0x05);
	data(0xF2);
	ANSWERS(ACK, 0xAB, 0x83);
	data(0xF0);
	data(0x00);
	ANSWERS(ACK, ACK, 0x02);
	data(0xF0);
	data(0x02);
	ANSWERS(ACK, ACK);
}

/* With translation on (command-byte bit 6, set at reset) the controller
 * translates the ID's 83h to 41h: ACK ABh 41h, as QEMU's ps2.c answers
 * (s->translate ? 0x41 : 0x83) and Linux's atkbd accepts ("ab41"). */
TEST(i8042_kbd_identify_translated)
{
	i8042_reset(&kbc);
	data(0xF2);
	ANSWERS(ACK, 0xAB, 0x41);
}

/* Likewise the scan-code set number passes the translation table,
 * 02h -> 41h (QEMU: translate_table[scancode_set]): ACK ACK 41h. */
TEST(i8042_kbd_scan_set_translated)
{
	i8042_reset(&kbc);
	data(0xF0);
	data(0x00);
	ANSWERS(ACK, ACK, 0x41);
}

/* i8042_irq1: a keyboard byte at the head of the queue and command-byte
 * bit 0 set.  Not for a controller answer ahead of it, not with bit 0
 * clear, not once the queue is drained.  Reading 60h with nothing new
 * returns the last byte again and raises nothing. */
TEST(i8042_irq1_and_empty_read)
{
	i8042_reset(&kbc);
	CHECK(!i8042_irq1(&kbc));
	cmd(0x20);           /* a controller answer first */
	kbd_byte(0x9C);      /* then a keyboard byte */
	CHECK(!i8042_irq1(&kbc));
	CHECK(rd() == 0x45);
	CHECK(i8042_irq1(&kbc));
	set_cmd_byte(0x44);  /* keyboard interrupt off */
	CHECK(!i8042_irq1(&kbc));
	CHECK(st() & ST_OBF);
	set_cmd_byte(0x45);
	CHECK(i8042_irq1(&kbc));
	CHECK(rd() == 0x9C);
	CHECK(!i8042_irq1(&kbc));
	CHECK(!(st() & ST_OBF));
	CHECK(rd() == 0x9C);
	CHECK(rd() == 0x9C);
	CHECK(!(st() & ST_OBF));
	CHECK(!i8042_irq1(&kbc));
}

/* The queue keeps order across the ring's wrap-around. */
TEST(i8042_queue_wraps_in_order)
{
	i8042_reset(&kbc);
	for (unsigned i = 0; i < 3 * I8042_QUEUE; i++) {
		kbd_byte((uint8_t)(0x30 + i));
		kbd_byte((uint8_t)(0x80 + i));
		CHECK(rd() == (uint8_t)(0x30 + i));
		CHECK(rd() == (uint8_t)(0x80 + i));
		CHECK(!(st() & ST_OBF));
	}
}

/* The queue holds I8042_QUEUE bytes: later ones are dropped (no crash,
 * no corruption of those kept), and it works again once drained. */
TEST(i8042_queue_overflow_drops)
{
	i8042_reset(&kbc);
	for (unsigned i = 0; i < I8042_QUEUE + 4; i++)
		kbd_byte((uint8_t)(0x10 + i));
	for (unsigned i = 0; i < I8042_QUEUE; i++) {
		CHECK(st() & ST_OBF);
		CHECK(rd() == (uint8_t)(0x10 + i));
	}
	CHECK(!(st() & ST_OBF));
	CHECK(rd() == (uint8_t)(0x10 + I8042_QUEUE - 1));
	for (unsigned i = 0; i < I8042_QUEUE; i++)
		data(0xFF);   /* two answers each: overflows too */
	for (unsigned i = 0; i < I8042_QUEUE; i++)
		CHECK(rd() == (i & 1 ? 0xAA : ACK));
	CHECK(!(st() & ST_OBF));
	kbd_byte(0x99);
	ANSWERS(0x99);
}

/* Ports other than 60h/64h read FFh; writes to them change nothing. */
TEST(i8042_other_ports)
{
	static const uint16_t ports[] = { 0x00, 0x5F, 0x61, 0x62, 0x63, 0x65, 0x68, 0x160, 0x164 };

	i8042_reset(&kbc);
	for (unsigned i = 0; i < sizeof ports / sizeof ports[0]; i++) {
		CHECK(i8042_read(&kbc, ports[i]) == 0xFF);
		i8042_write(&kbc, ports[i], 0xFE);
	}
	CHECK(st() == 0x14);
	CHECK(!kbc.reset_requested);
	CHECK(cmd_byte() == 0x45);
}
