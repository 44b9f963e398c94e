/* libguest: serial console, exit port, fw_cfg, exception catcher,
 * multiboot helpers and the few C library functions the test guests
 * need (see libguest.h).  Formatting is the hypervisor's own pure
 * lib/format.c, compiled for 32 bits. */
#include "guest/tests/lib/libguest.h"

#include "lib/format.h"

uint32_t guest_mb_magic;
const struct mb_info *guest_mbi;

/* ---- C library -------------------------------------------------------- */

/* memset, memcpy, strlen & co. are the hypervisor's lib/string.c,
 * compiled for 32 bits like lib/format.c (guests.mk). */

/* 64-bit division for a 32-bit target without libgcc (gcc calls these
 * for uint64_t / and %).  Shift and subtract, 32-bit operations only. */
static uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;

	if (d == 0) {
		/* The C behaviour is undefined; a guest bug should be loud. */
		printf("division by zero\n");
		exit(EXIT_UNEXPECTED);
	}
	if ((d >> 32) == 0 && (n >> 32) == 0) {
		uint32_t n32 = (uint32_t)n, d32 = (uint32_t)d;
		if (rem)
			*rem = n32 % d32;
		return n32 / d32;
	}
	for (int i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= (uint64_t)1 << i;
		}
	}
	if (rem)
		*rem = r;
	return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	return udivmod64(n, d, 0);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t r;
	udivmod64(n, d, &r);
	return r;
}

int64_t __divdi3(int64_t n, int64_t d)
{
	uint64_t un = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
	uint64_t ud = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
	uint64_t q = udivmod64(un, ud, 0);
	return (n < 0) != (d < 0) ? (int64_t)(0 - q) : (int64_t)q;
}

int64_t __moddi3(int64_t n, int64_t d)
{
	uint64_t un = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
	uint64_t ud = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
	uint64_t r;
	udivmod64(un, ud, &r);
	return n < 0 ? (int64_t)(0 - r) : (int64_t)r;
}

/* ---- serial console (COM1 16550) --------------------------------------- */

#define UART_THR        0       /* transmit holding (DLAB=0) */
#define UART_IER        1
#define UART_FCR        2
#define UART_LCR        3
#define UART_MCR        4
#define UART_LSR        5
#define LSR_THRE        (1u << 5)
#define LSR_TEMT        (1u << 6)
/* Polls are bounded: a UART that never reports "empty" must not hang
 * the test (each poll is a VM exit).  After one poll times out we stop
 * polling and just write. */
#define UART_SPIN       20000
static bool uart_stuck;

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);    /* no interrupts */
	outb(COM1 + UART_LCR, 0x80);    /* DLAB: divisor follows */
	outb(COM1 + 0, 0x01);           /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + UART_LCR, 0x03);    /* 8N1, DLAB off */
	outb(COM1 + UART_FCR, 0xC7);    /* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x03);    /* DTR, RTS */
}

static void uart_wait(uint8_t bit)
{
	for (int i = 0; !uart_stuck && !(inb(COM1 + UART_LSR) & bit); i++) {
		if (i == UART_SPIN)
			uart_stuck = true;
		cpu_pause();
	}
}

void serial_putc(char c)
{
	uart_wait(LSR_THRE);
	outb(COM1 + UART_THR, (uint8_t)c);
}

void serial_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		serial_putc(s[i]);
}

void serial_flush(void)
{
	uart_wait(LSR_TEMT);
}

int puts(const char *s)
{
	size_t n = strlen(s);
	serial_write(s, n);
	serial_putc('\n');
	return (int)n + 1;
}

static void emit_serial(char c, void *ctx)
{
	(void)ctx;
	serial_putc(c);
}

int vprintf(const char *fmt, va_list ap)
{
	return kvformat(emit_serial, 0, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

_Noreturn void exit(int v)
{
	serial_flush();
	outb(EXIT_PORT, (uint8_t)v);
	printf("exit port 0x%x did not stop the guest (value %d); halting\n", EXIT_PORT, v);
	serial_flush();
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

/* ---- fw_cfg ------------------------------------------------------------- */

void fw_cfg_read(uint16_t key, void *buf, size_t len)
{
	uint8_t *p = buf;
	outw(FW_CFG_PORT_SEL, key);
	for (size_t i = 0; i < len; i++)
		p[i] = inb(FW_CFG_PORT_DATA);
}

uint16_t fw_cfg_read16(uint16_t key)
{
	uint8_t b[2];
	fw_cfg_read(key, b, sizeof b);
	return (uint16_t)(b[0] | b[1] << 8);
}

uint32_t fw_cfg_read32(uint16_t key)
{
	uint8_t b[4];
	fw_cfg_read(key, b, sizeof b);
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

uint64_t fw_cfg_read64(uint16_t key)
{
	uint8_t b[8];
	uint64_t v = 0;
	fw_cfg_read(key, b, sizeof b);
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/* ---- exceptions ------------------------------------------------------------ */

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t zero;
	uint8_t type;           /* present, DPL 0, 32-bit interrupt gate */
	uint16_t offset_hi;
} __attribute__((packed));

struct idt_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

extern const uint32_t exc_stub_table[IDT_VECTORS];       /* start.asm */
static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(8)));
static void (*irq_handlers[IDT_VECTORS - 32])(unsigned vector);

static volatile bool trap_armed;
static volatile int trap_expected = -1;
static volatile int trap_caught = -1;
volatile uint32_t guest_trap_len;
volatile uint32_t guest_trap_eip, guest_trap_error;

static const char *const exc_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
	"#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *exception_name(unsigned vector)
{
	return vector < 32 ? exc_names[vector] : "?";
}

void idt_install(void)
{
	for (int v = 0; v < IDT_VECTORS; v++) {
		uint32_t a = exc_stub_table[v];
		idt[v] = (struct idt_gate){
			.offset_lo = (uint16_t)a, .selector = 0x08, .zero = 0,
			.type = 0x8E, .offset_hi = (uint16_t)(a >> 16),
		};
	}
	struct idt_ptr p = { sizeof idt - 1, (uint32_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p) : "memory");
}

void expect_exception(int vector, uint32_t len)
{
	trap_expected = vector;
	trap_caught = -1;
	guest_trap_len = len;
	trap_armed = true;
	__asm__ volatile("" ::: "memory");
}

int caught_exception(void)
{
	__asm__ volatile("" ::: "memory");
	trap_armed = false;
	return trap_caught;
}

void exc_dispatch(struct exc_frame *f);
volatile uint32_t guest_irq_eip;

void irq_set_handler(unsigned vector, void (*fn)(unsigned vector))
{
	if (vector >= 32 && vector < IDT_VECTORS)
		irq_handlers[vector - 32] = fn;
}

static void (*nmi_handler)(void);

void nmi_set_handler(void (*fn)(void))
{
	nmi_handler = fn;
}

static volatile bool step_armed, step_caught;
volatile uint32_t guest_step_eip, guest_step_dr6;

void expect_single_step(void)
{
	step_caught = false;
	step_armed = true;
}

bool single_step_caught(void)
{
	bool caught = step_caught;

	step_armed = step_caught = false;
	return caught;
}

void exc_dispatch(struct exc_frame *f)
{
	if (f->vector >= 32) {
		void (*fn)(unsigned) = irq_handlers[f->vector - 32];
		guest_irq_eip = f->eip;
		if (fn) {
			fn(f->vector);
			return;
		}
		printf("unexpected interrupt vector %u at eip=0x%08x\n", f->vector, f->eip);
		exit(EXIT_UNEXPECTED);
	}
	if (f->vector == 2 && nmi_handler) {
		nmi_handler();
		return;
	}
	if (f->vector == 1 && step_armed) {
		step_armed = false;
		step_caught = true;
		guest_step_eip = f->eip;
		__asm__ volatile("mov %%dr6, %0" : "=r"(guest_step_dr6));
		__asm__ volatile("mov %0, %%dr6" : : "r"(0xFFFF0FF0u));
		f->eflags &= ~0x100u;      /* TF off: one step only */
		return;
	}
	if (trap_armed && guest_trap_len != 0) {
		trap_armed = false;
		trap_caught = (int)f->vector;
		guest_trap_eip = f->eip;
		guest_trap_error = f->error;
		f->eip += guest_trap_len;
		return;
	}
	trap_armed = false;
	printf("unexpected exception %u (%s) at eip=0x%08x error=0x%x\n",
	       f->vector, exception_name(f->vector), f->eip, f->error);
	exit(EXIT_UNEXPECTED);
}

bool cpu_is_amd;

int try_vmcall(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t *ret)
{
	uint32_t r = 0xDEADBEEF;
	expect_exception(-1, 0);
	if (cpu_is_amd)
		__asm__ volatile(TRAP_INSN("vmmcall")
				 : "=a"(r) : "0"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	else
		__asm__ volatile(TRAP_INSN("vmcall")
				 : "=a"(r) : "0"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	*ret = r;
	return caught_exception();
}

/* ---- multiboot ------------------------------------------------------------ */

uint64_t mbi_mem_bytes(const struct mb_info *mbi)
{
	if (!(mbi->flags & MB_INFO_MEMORY))
		return 0;
	return (uint64_t)mbi->mem_upper * 1024 + 0x100000;
}

const char *mbi_cmdline(const struct mb_info *mbi)
{
	if (!(mbi->flags & MB_INFO_CMDLINE) || !mbi->cmdline)
		return "";
	return (const char *)mbi->cmdline;
}

const char *mbi_loader_name(const struct mb_info *mbi)
{
	if (!(mbi->flags & MB_INFO_LOADER_NAME) || !mbi->boot_loader_name)
		return "";
	return (const char *)mbi->boot_loader_name;
}

const struct mb_mmap_entry *mbi_mmap_entry(const struct mb_info *mbi, unsigned i)
{
	if (!(mbi->flags & MB_INFO_MMAP))
		return 0;
	uint32_t p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;
	for (;;) {
		const struct mb_mmap_entry *e = (const struct mb_mmap_entry *)p;
		if (p + 4 > end || p + 4 + e->size > end || e->size < 20)
			return 0;
		if (i-- == 0)
			return e;
		p += 4 + e->size;
	}
}

static uint32_t max32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

uint32_t mbi_end(const struct mb_info *mbi)
{
	uint32_t end = (uint32_t)mbi + sizeof *mbi;
	const char *s;

	if ((s = mbi_cmdline(mbi))[0])
		end = max32(end, (uint32_t)s + strlen(s) + 1);
	if ((s = mbi_loader_name(mbi))[0])
		end = max32(end, (uint32_t)s + strlen(s) + 1);
	if (mbi->flags & MB_INFO_MMAP)
		end = max32(end, mbi->mmap_addr + mbi->mmap_length);
	return end;
}

/* The word at s (up to a space or the end) and its length. */
static size_t word_len(const char *s)
{
	size_t n = 0;
	while (s[n] && s[n] != ' ')
		n++;
	return n;
}

bool cmdline_has_word(const char *s, const char *word)
{
	size_t wl = strlen(word);
	while (*s) {
		while (*s == ' ')
			s++;
		size_t n = word_len(s);
		if (n == wl && n && strncmp(s, word, n) == 0)
			return true;
		s += n;
	}
	return false;
}

bool cmdline_value(const char *s, const char *key, char *buf, size_t size)
{
	size_t kl = strlen(key);
	while (*s) {
		while (*s == ' ')
			s++;
		size_t n = word_len(s);
		if (n > kl && strncmp(s, key, kl) == 0 && s[kl] == '=') {
			size_t vl = n - kl - 1;
			if (size == 0)
				return true;
			if (vl >= size)
				vl = size - 1;
			memcpy(buf, s + kl + 1, vl);
			buf[vl] = 0;
			return true;
		}
		s += n;
	}
	return false;
}

uint32_t cmdline_number(const char *cmdline, const char *key, uint32_t absent)
{
	char buf[16];
	uint32_t n = 0;

	if (!cmdline_value(cmdline, key, buf, sizeof buf))
		return absent;
	for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (uint32_t)(*p - '0');
	return n;
}

/* ---- start-up ----------------------------------------------------------------- */

void guest_init(uint32_t magic, const struct mb_info *mbi)
{
	struct cpuid_regs v = cpuid(0, 0);

	guest_mb_magic = magic;
	guest_mbi = mbi;
	cpu_is_amd = v.ebx == 0x68747541 && v.edx == 0x69746E65 && v.ecx == 0x444D4163;  /* "AuthenticAMD" */
	serial_init();
	idt_install();
}

/* ---- checks ----------------------------------------------------------- */

static unsigned checks_run, checks_failed;

bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	checks_run++;
	if (!ok)
		checks_failed++;
	printf("%s", ok ? "ok: " : "FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return ok;
}

int check_summary(const char *name)
{
	if (checks_failed) {
		printf("%s: %u of %u checks failed\n", name, checks_failed, checks_run);
		return 1;
	}
	printf("%s: all %u checks passed\n", name, checks_run);
	return 0;
}
