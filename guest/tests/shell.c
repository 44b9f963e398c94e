/* shell: an interrupt-driven guest kernel written the way kernels for
 * PCs are, with a small command loop on COM1.  It
 *  - finds the local APIC and the I/O APIC in the ACPI MADT (RSDP by a
 *    scan of E0000h-FFFFFh, then the XSDT), and the PM timer in the FADT;
 *  - masks both 8259s;
 *  - calibrates the LAPIC timer against the PM timer and runs it
 *    periodic at 100 Hz;
 *  - routes COM1's interrupt (IRQ 4, received data) through the I/O
 *    APIC, taking the pin from the MADT's overrides;
 *  - HLTs whenever it has nothing to do.
 * Commands (one per line): `echo TEXT`, `ticks`, `uptime`, `help`, `exit`.
 * Command line `idle=N`: exit after N seconds without a key (so a run
 * that nobody types into still ends).
 * Typed characters are echoed; the hypervisor shows the guest's output
 * a line at a time, so the command appears when Enter is pressed. */
#include "guest/tests/lib/libguest.h"

#define VEC_TIMER 0x40
#define VEC_COM1 0x44
#define VEC_SPURIOUS 0xFF
#define LAPIC_EOI 0xB0
#define LAPIC_SVR 0xF0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3E0
#define HZ 100

static volatile uint32_t *lapic;
static volatile uint32_t *ioapic;
static uint16_t pm_tmr;
static unsigned com1_pin = 4;

static const uint8_t *mem(uint32_t addr)
{
	__asm__("" : "+r"(addr));   /* a physical address, not a null pointer */
	return (const uint8_t *)addr;
}
static uint16_t rd16(uint32_t a) { return (uint16_t)(mem(a)[0] | mem(a)[1] << 8); }
static uint32_t rd32(uint32_t a) { return rd16(a) | (uint32_t)rd16(a + 2) << 16; }

static uint32_t lapic_read(unsigned reg) { return lapic[reg / 4]; }
static void lapic_write(unsigned reg, uint32_t v) { lapic[reg / 4] = v; }

static void madt_ioapic_write(uint8_t reg, uint32_t v)
{
	ioapic[0] = reg;
	ioapic[4] = v;
}

/* ---- finding the hardware ------------------------------------------- */

static uint32_t find_table(const char *sig)
{
	uint32_t rsdp = 0, xsdt;

	for (uint32_t p = 0xE0000; p < 0x100000 && !rsdp; p += 16)
		if (!memcmp(mem(p), "RSD PTR ", 8))
			rsdp = p;
	if (!rsdp)
		return 0;
	xsdt = rd32(rsdp + 24);
	for (uint32_t off = 36; off + 8 <= rd32(xsdt + 4); off += 8)
		if (!memcmp(mem(rd32(xsdt + off)), sig, 4))
			return rd32(xsdt + off);
	return 0;
}

static bool find_hardware(void)
{
	uint32_t madt = find_table("APIC"), fadt = find_table("FACP");

	if (!madt || !fadt)
		return false;
	lapic = (volatile uint32_t *)rd32(madt + 36);
	for (uint32_t off = 44; off + 2 <= rd32(madt + 4) && mem(madt + off)[1]; off += mem(madt + off)[1]) {
		uint32_t e = madt + off;
		if (mem(e)[0] == 1 && rd32(e + 8) == 0)          /* the I/O APIC with GSI 0 */
			ioapic = (volatile uint32_t *)rd32(e + 4);
		if (mem(e)[0] == 2 && mem(e)[3] == 4)            /* an override of IRQ 4 */
			com1_pin = rd32(e + 4);
	}
	pm_tmr = (uint16_t)rd32(fadt + 76);
	return ioapic && pm_tmr;
}

/* ---- interrupts ------------------------------------------------------- */

static volatile uint32_t ticks, last_key;
static char line[80];
static volatile unsigned line_len;
static volatile bool line_ready;

static void on_timer(unsigned vector)
{
	(void)vector;
	ticks++;
	lapic_write(LAPIC_EOI, 0);
}

/* Received characters: echoed, gathered into a line until Enter. */
static void on_com1(unsigned vector)
{
	(void)vector;
	while (inb(COM1 + 5) & 0x01) {
		char c = (char)inb(COM1);
		last_key = ticks;
		if (line_ready)
			continue;                     /* the last line is not taken yet */
		if (c == '\r' || c == '\n') {
			line[line_len] = 0;
			line_ready = true;
			serial_putc('\n');
		} else if ((c == 0x7F || c == '\b') && line_len) {
			line_len--;
		} else if (c >= 0x20 && c < 0x7F && line_len < sizeof line - 1) {
			line[line_len++] = c;
			serial_putc(c);
		}
	}
	lapic_write(LAPIC_EOI, 0);
}

static void on_spurious(unsigned vector)
{
	(void)vector;
}

/* Count the LAPIC timer (divide by 16) over 1 ms of the PM timer, times
 * ten.  A round that was interrupted (here: the hypervisor ran another
 * guest in between) overshoots, so the smallest of five counts. */
static uint32_t calibrate(void)
{
	uint32_t start, now, best = 0xFFFFFFFFu;

	lapic_write(LAPIC_TIMER_DIV, 0x3);
	lapic_write(LAPIC_LVT_TIMER, 1u << 16);               /* masked, one-shot */
	for (int round = 0; round < 5; round++) {
		lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFFu);
		start = inl(pm_tmr);
		do
			now = inl(pm_tmr);
		while (((now - start) & 0xFFFFFF) < 3580);
		uint32_t count = 0xFFFFFFFFu - lapic_read(LAPIC_TIMER_CUR);
		if (count < best)
			best = count;
	}
	return best * 10;
}

static void start_devices(uint32_t per_10ms)
{
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	lapic_write(LAPIC_LVT_TIMER, (1u << 17) | VEC_TIMER);  /* periodic */
	lapic_write(LAPIC_TIMER_INIT, per_10ms * 100 / HZ);
	madt_ioapic_write((uint8_t)(0x10 + 2 * com1_pin + 1), 0);   /* to APIC 0 */
	madt_ioapic_write((uint8_t)(0x10 + 2 * com1_pin), VEC_COM1); /* edge, high, unmasked */
	outb(COM1 + 4, 0x0B);                                   /* DTR, RTS, OUT2 */
	outb(COM1 + 1, 0x01);                                   /* received-data interrupt */
	while (inb(COM1 + 5) & 0x01)
		(void)inb(COM1);
}

/* ---- the command loop ------------------------------------------------- */

static bool starts(const char *s, const char *word)
{
	size_t n = strlen(word);
	return !strncmp(s, word, n) && (s[n] == 0 || s[n] == ' ');
}

static bool run(const char *cmd)
{
	uint32_t t = ticks;

	if (starts(cmd, "echo"))
		printf("%s\n", cmd[4] ? cmd + 5 : "");
	else if (starts(cmd, "ticks"))
		printf("ticks: %u\n", t);
	else if (starts(cmd, "uptime"))
		printf("uptime: %u.%02u s\n", t / HZ, t % HZ);
	else if (starts(cmd, "help"))
		printf("commands: echo TEXT, ticks, uptime, help, exit\n");
	else if (starts(cmd, "exit"))
		return false;
	else if (cmd[0])
		printf("unknown command: %s\n", cmd);
	return true;
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t per_10ms;

	uint32_t idle = cmdline_number(mbi_cmdline(mbi), "idle", 0);

	(void)magic;
	outb(0x21, 0xFF);                    /* both 8259s masked */
	outb(0xA1, 0xFF);
	if (!find_hardware()) {
		printf("FAIL: no MADT/FADT with an I/O APIC and a PM timer\n");
		exit(1);
	}
	irq_set_handler(VEC_TIMER, on_timer);
	irq_set_handler(VEC_COM1, on_com1);
	irq_set_handler(VEC_SPURIOUS, on_spurious);
	per_10ms = calibrate();
	printf("LAPIC at 0x%x, I/O APIC at 0x%x, COM1 on pin %u, timer %u counts per 10 ms\n",
	       (uint32_t)lapic, (uint32_t)ioapic, com1_pin, per_10ms);
	start_devices(per_10ms);
	printf("shell ready: echo TEXT, ticks, uptime, help, exit\n");
	for (;;) {
		cli();                       /* no wake-up lost between test and HLT */
		while (!line_ready && !(idle && ticks - last_key >= idle * HZ)) {
			sti_hlt();
			cli();
		}
		if (!line_ready) {
			printf("no input for %u s: exiting\n", idle);
			break;
		}
		bool more = run(line);
		line_len = 0;
		line_ready = false;
		if (!more)
			break;
		sti();
	}
	printf("bye after %u ticks\n", ticks);
	return 0;
}
