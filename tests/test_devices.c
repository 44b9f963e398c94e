/*
 * Host tests of the guest platform's I/O-port devices (DESIGN.md 4):
 * the port bus (guest/portbus.c), the COM1 16550 (guest/dev_uart.c),
 * fw_cfg (guest/dev_fwcfg.c), the exit and reset ports
 * (guest/dev_misc.c) and their assembly (guest/platform.c).
 *
 * guest/vm.c is not linked: vm_stop(), vm_exit() and
 * guest_console_putc() are stubs below that record what the devices
 * asked for.
 */
#define TEST_MAIN
#include "tests/test.h"
#include "guest/devices.h"
#include "guest/vm.h"
#include "guest/dev_lapic.h"
#include "guest/intr.h"
#include "devices/ioapic.h"
#include "devices/lapic.h"

#include <stdint.h>

/* ---- stubs of guest/vm.c -------------------------------------------- */

static struct {
	unsigned stops;
	char reason[256];
	unsigned exits;
	uint64_t status;
	char console[256];
	unsigned console_len;
	struct vm *last_vm;
	unsigned nmis;
} rec;

static void record_stop(struct vm *vm, const char *fmt, va_list ap)
{
	vsnprintf(rec.reason, sizeof rec.reason, fmt, ap);
	rec.stops++;
	rec.last_vm = vm;
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record_stop(vm, fmt, ap);
	va_end(ap);
}

/* A reset request: with on_reset=stop (the default) it is a stop. */
void vm_reset(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record_stop(vm, fmt, ap);
	va_end(ap);
}


void vm_exit(struct vm *vm, uint64_t status)
{
	rec.exits++;
	rec.status = status;
	rec.last_vm = vm;
}

void guest_console_putc(struct vm *vm, char c)
{
	if (rec.console_len < sizeof rec.console - 1)
		rec.console[rec.console_len++] = c;
	rec.console[rec.console_len] = 0;
	rec.last_vm = vm;
}

/* virt/backend.c: no CPU backend (vm.apicv stays false, so the APIC
 * virtualization hooks are never called). */
const struct backend *backend;

/* virt/irq.c: an NMI for the vCPU. */
void vcpu_raise_nmi(struct vcpu *v)
{
	(void)v;
	rec.nmis++;
}

/* arch/x86/tsc.c: a 1 GHz TSC for the platform clock (guest/intr.c). */
uint64_t tsc_khz(void)
{
	return 1000000;
}

/* ---- fixture -------------------------------------------------------- */

static struct vm vm;

static int setup(void)
{
	memset(&vm, 0, sizeof vm);
	memset(&rec, 0, sizeof rec);
	vm_uart_reset(&vm);
	vm.mem.ram_size = 32ull << 20;
	return platform_attach_devices(&vm);
}

static uint32_t in(uint16_t port, unsigned size)
{
	return port_bus_in(&vm, &vm.ports, port, size);
}

static void out(uint16_t port, unsigned size, uint32_t value)
{
	port_bus_out(&vm, &vm.ports, port, size, value);
}

static uint8_t inb(uint16_t port)
{
	return (uint8_t)in(port, 1);
}

static void outb(uint16_t port, uint8_t v)
{
	out(port, 1, v);
}

static int nothing_happened(void)
{
	return rec.stops == 0 && rec.exits == 0 && rec.console_len == 0;
}

#define COM1 UART_COM1_BASE
/* guest/platform.c: COM1, exit port, fw_cfg, reset ports CF9h and 92h,
 * the 8042's two ports, the two 8259s, the ELCR, the 8254, port 61h, and
 * the CRT controller's (colour, mono, input status) and the RTC. */
#define PLATFORM_DEVICES 18

/* ---- port bus ------------------------------------------------------- */

TEST(bus_platform_attaches)
{
	CHECK(setup() == 0);
	CHECK(vm.ports.count == PLATFORM_DEVICES);
	CHECK(nothing_happened());
}

TEST(bus_unassigned_ports_read_all_ones)
{
	static const uint16_t ports[] = {
		0x0000, 0x0080, 0x00F3, 0x00F5, 0x0062, 0x0091, 0x0093, 0x03F7,
		0x0400, 0x050F, 0x0512, 0x0CF8, 0x0CFA, 0x0CFC, 0xFFFF,
	};

	CHECK(setup() == 0);
	for (unsigned i = 0; i < sizeof ports / sizeof ports[0]; i++) {
		CHECK(in(ports[i], 1) == 0xFF);
		CHECK(in(ports[i], 2) == 0xFFFF);
		CHECK(in(ports[i], 4) == 0xFFFFFFFFu);
	}
	CHECK(nothing_happened());
}

TEST(bus_unassigned_ports_ignore_writes)
{
	static const uint16_t ports[] = { 0x0080, 0x03F7, 0x0400, 0x050F, 0x0512, 0x0CF8, 0xFFFF };
	struct uart16550 before;

	CHECK(setup() == 0);
	outb(0x510, 0);   /* select the signature, read one byte */
	CHECK(inb(0x511) == 'Q');
	before = vm.uart;
	for (unsigned i = 0; i < sizeof ports / sizeof ports[0]; i++) {
		out(ports[i], 1, 0xFE);
		out(ports[i], 2, 0x06FE);
		out(ports[i], 4, 0x12345601u);
	}
	CHECK(nothing_happened());
	CHECK(memcmp(&vm.uart, &before, sizeof before) == 0);
	CHECK(vm.fwcfg_key == 0 && vm.fwcfg_offset == 1);
	CHECK(inb(0x511) == 'E');
}

static uint32_t const_in(struct vm *v, uint16_t port, unsigned size)
{
	(void)v, (void)size;
	return 0x12345600u | (port & 0xFF);
}

static unsigned outs;
static uint32_t last_out;

static void count_out(struct vm *v, uint16_t port, unsigned size, uint32_t value)
{
	(void)v, (void)port, (void)size;
	outs++;
	last_out = value;
}

TEST(bus_overlapping_registration_fails)
{
	static const struct port_device overlaps[] = {
		{ .name = "same-as-com1", .base = 0x3F8, .count = 8, .in = const_in },
		{ .name = "into-com1", .base = 0x3F0, .count = 9, .in = const_in },
		{ .name = "com1-tail", .base = 0x3FF, .count = 2, .in = const_in },
		{ .name = "inside-com1", .base = 0x3FA, .count = 1, .in = const_in },
		{ .name = "covers-exit", .base = 0xF0, .count = 0x10, .in = const_in },
		{ .name = "fwcfg-data", .base = 0x511, .count = 1, .in = const_in },
	};
	static const struct port_device below = {
		.name = "below-com1", .base = 0x3F0, .count = 8, .in = const_in, .out = count_out,
	};
	static const struct port_device above = {
		.name = "above-com1", .base = 0x400, .count = 4, .in = const_in,
	};

	CHECK(setup() == 0);
	for (unsigned i = 0; i < sizeof overlaps / sizeof overlaps[0]; i++)
		CHECK(port_bus_add(&vm.ports, &overlaps[i]) == -1);
	CHECK(vm.ports.count == PLATFORM_DEVICES);
	/* Touching but not overlapping ranges are fine, and work. */
	CHECK(port_bus_add(&vm.ports, &below) == 0);
	CHECK(port_bus_add(&vm.ports, &above) == 0);
	CHECK(in(0x3F7, 1) == 0xF7);
	CHECK(in(0x3F0, 2) == 0x56F0);          /* masked to the access size */
	CHECK(in(0x3F0, 4) == 0x123456F0u);
	CHECK(in(0x403, 1) == 0x03);
	CHECK(in(0x404, 1) == 0xFF);
	outs = 0;
	out(0x3F3, 1, 0xABCD);                  /* masked to one byte */
	CHECK(outs == 1 && last_out == 0xCD);
	out(0x3F3, 2, 0x12ABCD);
	CHECK(outs == 2 && last_out == 0xABCD);
	/* No out callback: writes are dropped. */
	out(0x400, 1, 0x55);
	CHECK(outs == 2);
	CHECK(nothing_happened());
}

TEST(bus_holds_port_bus_max_devices)
{
	static struct port_device extra[PORT_BUS_MAX];

	CHECK(setup() == 0);
	for (unsigned i = 0; i < PORT_BUS_MAX; i++)
		extra[i] = (struct port_device){
			.name = "extra", .base = (uint16_t)(0x1000 + 0x10 * i), .count = 4,
			.in = const_in,
		};
	unsigned i = 0;
	for (; vm.ports.count < PORT_BUS_MAX; i++)
		CHECK(port_bus_add(&vm.ports, &extra[i]) == 0);
	CHECK(i == PORT_BUS_MAX - PLATFORM_DEVICES);
	/* One more is refused, though its range is free. */
	CHECK(port_bus_add(&vm.ports, &extra[i]) == -1);
	CHECK(vm.ports.count == PORT_BUS_MAX);
	CHECK(in((uint16_t)(0x1000 + 0x10 * (i - 1)), 1) == ((0x1000 + 0x10 * (i - 1)) & 0xFF));
	CHECK(in((uint16_t)(0x1000 + 0x10 * i), 1) == 0xFF);
	/* And the platform's devices still answer. */
	CHECK(inb(COM1 + 5) == 0x60);
	CHECK(inb(0x92) == 0x02);
}

TEST(bus_empty_bus)
{
	struct port_bus bus;

	memset(&bus, 0, sizeof bus);
	CHECK(port_bus_in(&vm, &bus, 0x3F8, 1) == 0xFF);
	CHECK(port_bus_in(&vm, &bus, 0x3F8, 4) == 0xFFFFFFFFu);
	port_bus_out(&vm, &bus, 0xF4, 1, 0);
}

/* ---- UART ----------------------------------------------------------- */

TEST(uart_thr_goes_to_console)
{
	CHECK(setup() == 0);
	outb(COM1, 'H');
	outb(COM1, 'i');
	outb(COM1, '\n');
	CHECK(strcmp(rec.console, "Hi\n") == 0);
	CHECK(rec.last_vm == &vm);
	/* Only the low byte of a wider write is the character. */
	out(COM1, 2, 0x4100 | '!');
	CHECK(strcmp(rec.console, "Hi\n!") == 0);
	CHECK(rec.stops == 0 && rec.exits == 0);
}

TEST(uart_lsr_transmitter_empty_no_data)
{
	CHECK(setup() == 0);
	CHECK(inb(COM1 + 5) == 0x60);
	outb(COM1, 'x');
	CHECK(inb(COM1 + 5) == 0x60);
	/* Nothing is ever received: RBR reads 0. */
	CHECK(inb(COM1) == 0);
	/* LSR is read-only. */
	outb(COM1 + 5, 0x01);
	CHECK(inb(COM1 + 5) == 0x60);
}

TEST(uart_scratch_register)
{
	CHECK(setup() == 0);
	CHECK(inb(COM1 + 7) == 0);
	outb(COM1 + 7, 0x5A);
	CHECK(inb(COM1 + 7) == 0x5A);
	outb(COM1 + 7, 0xA5);
	CHECK(inb(COM1 + 7) == 0xA5);
	CHECK(nothing_happened());
}

TEST(uart_divisor_latch)
{
	CHECK(setup() == 0);
	outb(COM1 + 1, 0x0F);             /* IER */
	outb(COM1 + 3, 0x83);             /* DLAB, 8N1 */
	CHECK(inb(COM1 + 3) == 0x83);
	outb(COM1 + 0, 0x0C);             /* DLL: 9600 baud */
	outb(COM1 + 1, 0x01);             /* DLM */
	CHECK(inb(COM1 + 0) == 0x0C);
	CHECK(inb(COM1 + 1) == 0x01);
	CHECK(rec.console_len == 0);      /* DLL write is not output */
	outb(COM1 + 3, 0x03);             /* DLAB off */
	CHECK(inb(COM1 + 1) == 0x0F);     /* IER again, unchanged by DLM */
	CHECK(inb(COM1 + 0) == 0);
	outb(COM1, 'A');
	CHECK(strcmp(rec.console, "A") == 0);
	outb(COM1 + 3, 0x80);             /* the latch kept its value */
	CHECK(inb(COM1 + 0) == 0x0C);
	CHECK(inb(COM1 + 1) == 0x01);
}

TEST(uart_ier_keeps_low_nibble)
{
	CHECK(setup() == 0);
	outb(COM1 + 1, 0xFF);
	CHECK(inb(COM1 + 1) == 0x0F);
	outb(COM1 + 1, 0x05);
	CHECK(inb(COM1 + 1) == 0x05);
}

TEST(uart_iir_and_fifo)
{
	CHECK(setup() == 0);
	CHECK(inb(COM1 + 2) == 0x01);     /* no interrupt pending, no FIFO */
	outb(COM1 + 2, 0x07);             /* FCR: enable + clear both FIFOs */
	CHECK(inb(COM1 + 2) == 0xC1);
	outb(COM1 + 2, 0xC7);             /* 14-byte trigger */
	CHECK(inb(COM1 + 2) == 0xC1);
	outb(COM1 + 2, 0x00);
	CHECK(inb(COM1 + 2) == 0x01);
	CHECK(nothing_happened());
}

TEST(uart_loopback_msr)
{
	static const struct {
		uint8_t mcr, msr;
	} cases[] = {
		{ 0x10, 0x00 }, { 0x11, 0x20 },   /* DTR  -> DSR */
		{ 0x12, 0x10 },                   /* RTS  -> CTS */
		{ 0x14, 0x40 },                   /* OUT1 -> RI  */
		{ 0x18, 0x80 },                   /* OUT2 -> DCD */
		{ 0x1F, 0xF0 }, { 0x1A, 0x90 },   /* what Linux's 8250 probe checks */
		{ 0x15, 0x60 },
	};

	CHECK(setup() == 0);
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		outb(COM1 + 4, cases[i].mcr);
		CHECK(inb(COM1 + 4) == cases[i].mcr);
		CHECK((inb(COM1 + 6) & 0xF0) == cases[i].msr);   /* the lines; 3:0 are deltas */
	}
	CHECK(nothing_happened());
}

TEST(uart_loopback_suppresses_output)
{
	CHECK(setup() == 0);
	outb(COM1 + 4, 0x1B);
	outb(COM1, 'L');
	outb(COM1, '\n');
	CHECK(rec.console_len == 0);
	outb(COM1 + 4, 0x0B);             /* loopback off */
	outb(COM1, 'o');
	CHECK(strcmp(rec.console, "o") == 0);
}

TEST(uart_msr_outside_loopback)
{
	CHECK(setup() == 0);
	CHECK(inb(COM1 + 6) == 0xB0);     /* DCD, DSR, CTS */
	outb(COM1 + 4, 0x0F);
	CHECK(inb(COM1 + 6) == 0xB0);
	outb(COM1 + 4, 0x00);
	CHECK(inb(COM1 + 6) == 0xB0);
	outb(COM1 + 6, 0x00);             /* read-only */
	CHECK(inb(COM1 + 6) == 0xB0);
	/* MCR keeps only its five defined bits. */
	outb(COM1 + 4, 0xEF);
	CHECK(inb(COM1 + 4) == 0x0F);
	CHECK(inb(COM1 + 6) == 0xB0);
}

/* Typed input waits in the guest's queue and enters the UART as its
 * receiver has room: nothing is lost to a slow reader until the queue
 * is full, and then the drops are counted. */
TEST(uart_console_input_queue)
{
	CHECK(setup() == 0);
	for (unsigned i = 0; i < GUEST_INPUT_MAX + 5; i++)
		vm_console_input(&vm, (uint8_t)('a' + i % 26));
	CHECK(vm.input.dropped == 4);            /* 261 typed: 1 in the UART, 256 queued */
	for (unsigned i = 0; i < GUEST_INPUT_MAX + 1; i++) {
		CHECK(inb(COM1 + 5) & 0x01);          /* LSR.DR */
		CHECK(inb(COM1) == (uint8_t)('a' + i % 26));
	}
	CHECK((inb(COM1 + 5) & 0x01) == 0);
	CHECK((inb(COM1 + 5) & 0x02) == 0);       /* no overrun: the queue waited */
}

/* The UART's interrupt output is IRQ 4 of the 8259 and I/O APIC pin 4:
 * raised by received data with IER.RDI, lowered when RBR is read. */
TEST(uart_receive_interrupt_on_irq4)
{
	CHECK(setup() == 0);
	outb(0x20, 0x11), outb(0x21, 0x20), outb(0x21, 0x04), outb(0x21, 0x01);   /* ICW1-4 */
	outb(0x21, 0xEF);                         /* only IRQ4 unmasked */
	outb(COM1 + 1, 0x01);                     /* IER: received data */
	CHECK(!i8259_output(&vm.pic));
	vm_console_input(&vm, 'k');
	CHECK(vm.uart_irq && i8259_output(&vm.pic));
	CHECK(inb(COM1 + 2) == 0x04);             /* IIR: received data */
	CHECK(inb(COM1) == 'k');
	CHECK(!vm.uart_irq && inb(COM1 + 2) == 0x01);
}

/* ---- exit port ------------------------------------------------------ */

TEST(exit_port_status)
{
	static const struct {
		uint8_t v;
		uint64_t status;
	} cases[] = { { 0, 1 }, { 1, 3 }, { 0x10, 0x21 }, { 0x7F, 0xFF }, { 0xFF, 0x1FF } };

	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK(setup() == 0);
		outb(DEBUG_EXIT_PORT, cases[i].v);
		CHECK(rec.exits == 1);
		CHECK(rec.status == cases[i].status);
		CHECK(rec.last_vm == &vm);
		CHECK(rec.stops == 0);
	}
	/* Reading it does nothing (all ones). */
	CHECK(setup() == 0);
	CHECK(inb(DEBUG_EXIT_PORT) == 0xFF);
	CHECK(nothing_happened());
}

/* ---- fw_cfg --------------------------------------------------------- */

static void fw_select(uint16_t key)
{
	out(FW_CFG_PORT_SEL, 2, key);
}

static void fw_read(uint8_t *buf, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		buf[i] = inb(FW_CFG_PORT_DATA);
}

TEST(fwcfg_signature)
{
	uint8_t b[8];

	CHECK(setup() == 0);
	fw_select(0);
	fw_read(b, 8);
	CHECK(memcmp(b, "QEMU\0\0\0\0", 8) == 0);
	CHECK(nothing_happened());
}

TEST(fwcfg_ram_size)
{
	uint8_t b[10];
	uint64_t v = 0;

	CHECK(setup() == 0);
	fw_select(3);
	fw_read(b, 10);
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	CHECK(v == 32ull << 20);
	CHECK(b[8] == 0 && b[9] == 0);

	/* Above 4 GiB: all eight bytes count. */
	vm.mem.ram_size = 0x123456789000ull;
	fw_select(3);
	fw_read(b, 8);
	v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	CHECK(v == 0x123456789000ull);
}

TEST(fwcfg_cpu_count_and_id)
{
	uint8_t b[6];

	CHECK(setup() == 0);
	fw_select(5);                     /* FW_CFG_NB_CPUS */
	fw_read(b, 4);
	CHECK(b[0] == 1 && b[1] == 0 && b[2] == 0 && b[3] == 0);
	fw_select(0x0F);                  /* FW_CFG_MAX_CPUS */
	fw_read(b, 3);
	CHECK(b[0] == 1 && b[1] == 0 && b[2] == 0);
	fw_select(1);                     /* FW_CFG_ID: traditional interface */
	fw_read(b, 6);
	CHECK(memcmp(b, "\1\0\0\0\0\0", 6) == 0);
}

TEST(fwcfg_unknown_key_reads_zero)
{
	static const uint16_t keys[] = { 0x0002, 0x0019, 0x4000, 0x8000, 0xFFFF, 0x1234 };
	uint8_t b[16], zero[16] = { 0 };

	CHECK(setup() == 0);
	for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		fw_select(keys[i]);
		fw_read(b, sizeof b);
		CHECK(memcmp(b, zero, sizeof b) == 0);
	}
	CHECK(nothing_happened());
}

TEST(fwcfg_reselect_resets_offset)
{
	uint8_t b[4];

	CHECK(setup() == 0);
	fw_select(0);
	fw_read(b, 3);
	CHECK(memcmp(b, "QEM", 3) == 0);
	fw_select(0);
	fw_read(b, 4);
	CHECK(memcmp(b, "QEMU", 4) == 0);
	/* Switching items mid-way starts the new one at its beginning. */
	fw_select(0);
	fw_read(b, 2);
	fw_select(5);
	CHECK(inb(FW_CFG_PORT_DATA) == 1);
	CHECK(inb(FW_CFG_PORT_DATA) == 0);
	/* A one-byte write to the selector selects too. */
	outb(FW_CFG_PORT_SEL, 0);
	CHECK(inb(FW_CFG_PORT_DATA) == 'Q');
}

TEST(fwcfg_wide_data_reads)
{
	CHECK(setup() == 0);
	fw_select(0);
	CHECK(in(FW_CFG_PORT_DATA, 2) == ('Q' | 'E' << 8));
	CHECK(in(FW_CFG_PORT_DATA, 2) == ('M' | 'U' << 8));
	CHECK(in(FW_CFG_PORT_DATA, 2) == 0);
	fw_select(0);
	CHECK(in(FW_CFG_PORT_DATA, 4) == ('Q' | 'E' << 8 | 'M' << 16 | (uint32_t)'U' << 24));
	fw_select(3);
	CHECK(in(FW_CFG_PORT_DATA, 4) == (32u << 20));
	CHECK(in(FW_CFG_PORT_DATA, 4) == 0);
}

TEST(fwcfg_data_writes_ignored)
{
	CHECK(setup() == 0);
	fw_select(0);
	CHECK(inb(FW_CFG_PORT_DATA) == 'Q');
	outb(FW_CFG_PORT_DATA, 0x03);     /* not a selector write */
	CHECK(vm.fwcfg_key == 0);
	CHECK(inb(FW_CFG_PORT_DATA) == 'E');
	CHECK(nothing_happened());
}

/* ---- reset ports ---------------------------------------------------- */

static int one_stop_naming(const char *what)
{
	if (rec.stops != 1 || rec.exits != 0)
		return 0;
	if (strchr(rec.reason, '\n') || !strstr(rec.reason, what)) {
		printf("  reason \"%s\" lacks \"%s\"\n", rec.reason, what);
		return 0;
	}
	return rec.last_vm == &vm;
}

TEST(reset_cf9)
{
	CHECK(setup() == 0);
	outb(0xCF9, 0x02);                /* SYS_RST without RST_CPU: nothing */
	CHECK(nothing_happened());
	outb(0xCF9, 0x00);
	outb(0xCF9, 0x08);
	CHECK(nothing_happened());
	outb(0xCF9, 0x06);
	CHECK(one_stop_naming("0xcf9"));
	CHECK(setup() == 0);
	outb(0xCF9, 0x0E);                /* full reset */
	CHECK(one_stop_naming("0xcf9"));
	CHECK(setup() == 0);
	outb(0xCF9, 0x04);
	CHECK(one_stop_naming("0xcf9"));
	/* 0xCF8 and 0xCFA (PCI config address) are not the reset register. */
	CHECK(setup() == 0);
	outb(0xCF8, 0x06);
	outb(0xCFA, 0x06);
	CHECK(nothing_happened());
}

TEST(reset_keyboard_controller)
{
	static const uint8_t harmless[] = { 0x00, 0xFF, 0xFD, 0xD1, 0xAD, 0xAE, 0x20, 0x60 };

	CHECK(setup() == 0);
	for (unsigned i = 0; i < sizeof harmless / sizeof harmless[0]; i++)
		outb(0x64, harmless[i]);
	CHECK(nothing_happened());
	outb(0x60, 0xFE);                 /* data port, not the command port */
	CHECK(nothing_happened());
	outb(0x64, 0xFE);
	CHECK(one_stop_naming("0x64"));
}

TEST(reset_port92)
{
	CHECK(setup() == 0);
	CHECK(inb(0x92) == 0x02);         /* A20 on */
	outb(0x92, 0x02);                 /* A20 gate only */
	outb(0x92, 0x00);
	CHECK(nothing_happened());
	CHECK(inb(0x92) == 0x02);
	outb(0x92, 0x01);
	CHECK(one_stop_naming("0x92"));
	CHECK(setup() == 0);
	outb(0x92, 0x03);
	CHECK(one_stop_naming("0x92"));
}

/* The CRT controller keeps its registers (the text cursor a kernel moves
 * reads back), an outw sets index and data at once, and input status 1
 * toggles its retrace bits so a wait for retrace ends. */
TEST(crtc_registers_and_retrace)
{
	CHECK(setup() == 0);
	outb(0x3D4, 0x0E);
	outb(0x3D5, 0x07);
	out(0x3D4, 2, 0xD00F);                  /* index 0Fh, data D0h */
	outb(0x3D4, 0x0E);
	CHECK(in(0x3D5, 1) == 0x07);
	outb(0x3D4, 0x0F);
	CHECK(in(0x3D5, 1) == 0xD0);
	CHECK(in(0x3D4, 1) == 0x0F);
	uint32_t a = in(0x3DA, 1), b = in(0x3DA, 1);
	CHECK((a & 0x08) != (b & 0x08));
	CHECK(nothing_happened());
}

/* ---- NMIs ------------------------------------------------------------ */

static void lapic_write(unsigned offset, uint32_t value)
{
	struct mmio_access dev;

	vm.mmio_gpa = LAPIC_DEFAULT_BASE + offset;
	CHECK(vm_apic_mmio(&vm, vm.mmio_gpa, &dev));
	dev.write(dev.ctx, 0, 4, value);
}

/* The NMI line (the console's NMI key) as a PC wires it: through the
 * NMI mask at port 70h bit 7, then to LINT1 in APIC mode (NMI as the
 * BIOS leaves it, or whatever the LVT says), straight to the CPU in PIC
 * mode (IMCR 0) or with the LAPIC disabled. */
TEST(nmi_line_mask_lint1_and_imcr)
{
	CHECK(setup() == 0);
	vm_intr_reset(&vm, 0);
	CHECK(vm_nmi_line(&vm) && rec.nmis == 1);
	outb(0x70, 0x80);                       /* NMI mask on */
	CHECK(!vm_nmi_line(&vm) && rec.nmis == 1);
	outb(0x70, 0x0D);
	CHECK(vm_nmi_line(&vm) && rec.nmis == 2);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASK | 4u << 8);
	CHECK(vm_nmi_line(&vm) && rec.nmis == 2 && lapic_pending(&vm.lapic) < 0);
	lapic_write(LAPIC_LVT_LINT1, 0x47);     /* fixed: an interrupt, not an NMI */
	CHECK(vm_nmi_line(&vm) && rec.nmis == 2 && lapic_pending(&vm.lapic) == 0x47);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASK);
	outb(0x22, 0x70);
	outb(0x23, 0x00);                       /* PIC mode: LINT1 is bypassed */
	CHECK(vm_nmi_line(&vm) && rec.nmis == 3);
	CHECK(nothing_happened());
}

/* NMIs from inside the platform: an NMI IPI to itself through the
 * LAPIC's ICR, and an I/O APIC pin programmed for NMI delivery. */
TEST(nmi_from_icr_and_ioapic)
{
	struct mmio_access dev;

	CHECK(setup() == 0);
	vm_intr_reset(&vm, 0);
	lapic_write(LAPIC_ICR_LO, 4u << 8 | 1u << 18);          /* NMI, self */
	CHECK(rec.nmis == 1 && !vm.lapic.nmi && lapic_pending(&vm.lapic) < 0);
	vm.mmio_gpa = IOAPIC_DEFAULT_BASE;
	CHECK(vm_apic_mmio(&vm, vm.mmio_gpa, &dev));
	dev.write(dev.ctx, 0, 4, 0x10 + 2 * 4);                 /* IOREGSEL: pin 4, low */
	dev.write(dev.ctx, 0x10, 4, 4u << 8);                   /* NMI, unmasked */
	vm_set_irq(&vm, 4, 1);
	vm_set_irq(&vm, 4, 0);
	CHECK(rec.nmis == 2 && lapic_pending(&vm.lapic) < 0);
}
