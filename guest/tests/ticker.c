/* ticker: an interrupt-driven guest written the way PC kernels drive the
 * 8259 and the 8254.  It
 *  - initialises both PICs (vectors 20h and 28h), runs channel 0 at
 *    100 Hz (mode 2) and counts IRQ0 in a handler that sends the EOI;
 *  - waits for 20 ticks with sti; hlt and checks that each HLT slept
 *    until a tick and that each tick returned right after its HLT;
 *  - then calibrates the TSC with PIT channel 2 and port 61h, as Linux
 *    and many small kernels do (mode 0, poll OUT2 in bit 5), and checks
 *    that the ticks came at that rate;
 *  - runs the RTC's periodic interrupt (IRQ8, through the slave 8259) at
 *    1024 Hz for 32 ticks against the calibrated TSC, reading register C
 *    in the handler as a driver must, and reads the time of day;
 *  - checks the PIC's registers (IRR while masked, ISR in the handler),
 *    that a masked IRQ0 is held and delivered on unmasking, that one
 *    raised while interrupts are off arrives just after STI, and the
 *    PIT's latch and read-back commands.
 * Command line "ticks=N" changes the number of ticks waited for. */
#include "guest/tests/lib/libguest.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_HZ 1193182u
#define HZ 100u
#define PERIOD (PIT_HZ / HZ)       /* 11931 clocks: 10 ms */
#define VEC_IRQ0 0x20

static volatile unsigned ticks;
static volatile uint8_t isr_in_handler;

static void on_irq0(unsigned vector)
{
	(void)vector;
	outb(PIC1_CMD, 0x0B);            /* OCW3: read ISR */
	isr_in_handler = inb(PIC1_CMD);
	outb(PIC1_CMD, 0x0A);            /* back to IRR */
	ticks++;
	outb(PIC1_CMD, 0x20);            /* non-specific EOI */
}

/* sti; hlt, and the address right after the HLT: where an interrupt
 * that ends the halt must return to. */
static uint32_t sti_hlt_at(void)
{
	uint32_t after;
	__asm__ volatile("movl $1f, %0\n\tsti\n\thlt\n1:" : "=r"(after) : : "memory");
	return after;
}

static volatile unsigned rtc_ticks;

/* IRQ8: register C must be read, or the RTC never interrupts again. */
static void on_irq8(unsigned vector)
{
	(void)vector;
	if (cmos_read(0x0C) & 0x40)
		rtc_ticks++;
	outb(PIC2_CMD, 0x20);            /* EOI to the slave, then the master */
	outb(PIC1_CMD, 0x20);
}

/* 1024 Hz periodic interrupt (rate 6) for `want` ticks: the slave 8259,
 * the cascade, register C; the time they took against the TSC. */
static void rtc_checks(uint64_t per_10ms)
{
	unsigned want = 32, halts = 0;

	uint8_t sec = cmos_read(0x00), min = cmos_read(0x02), hour = cmos_read(0x04);
	uint8_t day = cmos_read(0x07), mon = cmos_read(0x08), year = cmos_read(0x09);
	printf("RTC: 20%02x-%02x-%02x %02x:%02x:%02x\n", year, mon, day, hour, min, sec);
	check(mon >= 1 && mon <= 0x12 && day >= 1 && day <= 0x31 && (cmos_read(0x0D) & 0x80),
	      "RTC date in BCD, register D valid");
	irq_set_handler(0x28, on_irq8);
	outb(PIC2_DATA, 0xFE);                    /* slave: IRQ8 */
	outb(PIC1_DATA, 0xFB);                    /* master: the cascade only */
	cmos_read(0x0C);
	cmos_write(0x0A, 0x26);                   /* 32.768 kHz, rate 6: 1024 Hz */
	cmos_write(0x0B, cmos_read(0x0B) | 0x40); /* PIE */
	sti();
	uint64_t t0 = rdtsc();
	while (rtc_ticks < want && halts < 4 * want) {
		sti_hlt();
		halts++;
	}
	uint64_t elapsed = rdtsc() - t0;
	cli();
	cmos_write(0x0B, cmos_read(0x0B) & ~0x40);
	outb(PIC2_DATA, 0xFF);
	outb(PIC1_DATA, 0xFF);
	/* Never faster than 1024 Hz; slower only as far as late interrupts
	 * coalesce (a loaded host under QEMU's TCG), not the next rate's 2x. */
	uint64_t expect = per_10ms * 100 * want / 1024;
	check(rtc_ticks >= want && elapsed > expect - expect / 5 && elapsed < expect * 19 / 10,
	      "RTC periodic IRQ8: %u ticks in %llu TSC ticks, %llu expected (-20%%, +90%%)",
	      rtc_ticks, (unsigned long long)elapsed, (unsigned long long)expect);
}

static void pic_init(void)
{
	outb(PIC1_CMD, 0x11); outb(PIC2_CMD, 0x11);    /* ICW1: cascade, ICW4 */
	outb(PIC1_DATA, 0x20); outb(PIC2_DATA, 0x28);  /* ICW2: vector bases */
	outb(PIC1_DATA, 0x04); outb(PIC2_DATA, 0x02);  /* ICW3: slave on IR2 */
	outb(PIC1_DATA, 0x01); outb(PIC2_DATA, 0x01);  /* ICW4: 8086 mode */
	outb(PIC1_DATA, 0xFF); outb(PIC2_DATA, 0xFF);  /* all masked */
}

/* TSC ticks in `clocks` PIT clocks, timed with channel 2 in mode 0. */
static uint64_t calibrate(uint16_t clocks)
{
	uint64_t start, end;
	unsigned polls = 0;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);   /* gate 2 on, speaker off */
	outb(PIT_CMD, 0xB0);                      /* ch2, LSB then MSB, mode 0 */
	check(!(inb(0x61) & 0x20), "OUT2 is low after a mode 0 control word");
	outb(PIT_CH2, clocks & 0xFF);
	start = rdtsc();
	outb(PIT_CH2, clocks >> 8);
	while (!(inb(0x61) & 0x20) && ++polls < 10000000)
		;
	end = rdtsc();
	check(polls > 1 && polls < 10000000, "OUT2 went high at terminal count after %u polls", polls);
	return end - start;
}

static uint16_t read_ch0_latched(void)
{
	outb(PIT_CMD, 0x00);                      /* counter latch, channel 0 */
	uint8_t lo = inb(PIT_CH0);
	return (uint16_t)(lo | inb(PIT_CH0) << 8);
}

static void pit_checks(void)
{
	uint16_t a = read_ch0_latched();
	for (volatile int i = 0; i < 2000; i++)
		;
	uint16_t b = read_ch0_latched();
	check(a <= PERIOD && b <= PERIOD && a != b, "channel 0 counts down within its period "
	      "(latched 0x%x then 0x%x)", a, b);
	outb(PIT_CMD, 0xE2);                      /* read-back: status and count of ch0 */
	uint8_t status = inb(PIT_CH0);
	check((status & 0x3F) == 0x34, "read-back status: LSB/MSB access, mode 2 (0x%02x)", status);
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	unsigned want = cmdline_number(mbi_cmdline(mbi), "ticks", 20), halts = 0, woke_after_hlt = 0;

	(void)magic;

	/* The idle part first, so that a CPU-bound guest started beside
	 * this one runs while this one only waits (the bochs-ticker case). */
	pic_init();
	irq_set_handler(VEC_IRQ0, on_irq0);
	outb(PIT_CMD, 0x34);                      /* ch0, LSB then MSB, mode 2 */
	outb(PIT_CH0, PERIOD & 0xFF);
	outb(PIT_CH0, PERIOD >> 8);
	pit_checks();
	outb(PIC1_DATA, 0xFE);                    /* unmask IRQ0 */

	/* Wait for `want` ticks, sleeping in HLT between them. */
	sti();
	unsigned first = ticks;
	while (ticks == first)
		sti_hlt();
	uint64_t t0 = rdtsc();
	unsigned start = ticks;
	while (ticks - start < want) {
		woke_after_hlt += sti_hlt_at() == guest_irq_eip;
		halts++;
	}
	uint64_t elapsed = rdtsc() - t0;
	cli();

	/* Over 50 ms, so that the poll's granularity and one-time costs of
	 * a first exit (large under QEMU's TCG) weigh little. */
	uint64_t per_period = calibrate(5 * PERIOD) / 5;
	printf("TSC: %llu ticks per 10 ms by PIT channel 2\n", (unsigned long long)per_period);
	check(halts == want, "each of %u HLTs slept until a tick (%u HLTs)", want, halts);
	check(woke_after_hlt == halts, "each tick came in right after its HLT (%u of %u)",
	      woke_after_hlt, halts);
	uint64_t expect = per_period * want;
	check(elapsed > expect - expect / 10 && elapsed < expect + expect / 10,
	      "%u ticks took %llu TSC ticks, %llu expected from the calibration (within 10%%)",
	      want, (unsigned long long)elapsed, (unsigned long long)expect);
	check(isr_in_handler & 1, "ISR bit 0 set inside the IRQ0 handler (ISR 0x%02x)", isr_in_handler);

	/* Masked: the request waits in IRR, and goes in on unmasking. */
	outb(PIC1_DATA, 0xFF);
	sti();
	unsigned before = ticks;
	uint64_t until = rdtsc() + 3 * per_period;
	while (rdtsc() < until)
		;
	outb(PIC1_CMD, 0x0A);
	uint8_t irr = inb(PIC1_CMD);
	check(ticks == before && (irr & 1), "masked IRQ0 held in IRR (IRR 0x%02x, %u ticks meanwhile)",
	      irr, ticks - before);
	outb(PIC1_DATA, 0xFE);
	__asm__ volatile("nop; nop" ::: "memory");
	/* (Under QEMU's TCG a tick's worth of wall-clock time may pass
	 * before the check: one more tick is no error.) */
	check(ticks - before >= 1, "the held IRQ0 arrived on unmasking (%u)", ticks - before);

	/* Interrupts off: the tick waits until STI. */
	cli();
	before = ticks;
	until = rdtsc() + 2 * per_period;
	while (rdtsc() < until)
		;
	check(ticks == before, "no interrupt while IF=0");
	sti();
	__asm__ volatile("nop; nop" ::: "memory");
	check(ticks - before >= 1, "the waiting tick arrived right after STI (%u)", ticks - before);
	cli();
	outb(PIC1_DATA, 0xFF);
	rtc_checks(per_period);
	printf("ticks: %u, RTC ticks: %u\n", ticks, rtc_ticks);
	return check_summary("ticker");
}
