/* libguest: the little runtime of Tern's test guests (guest/tests/).
 *
 * A test guest is a multiboot (v1) ELF32 kernel linked at 1 MiB with
 * paging off (lib/start.asm, lib/guest.ld).  start.asm calls
 * guest_init(magic, mbi) -- serial port, exception catcher -- and then
 * the guest's main(magic, mbi); main's return value goes to the exit
 * port.  What the guest may rely on is DESIGN.md section 4. */
#ifndef TERN_GUEST_TESTS_LIBGUEST_H
#define TERN_GUEST_TESTS_LIBGUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- multiboot (v1) information ---------------------------------- */

#define MB_BOOTLOADER_MAGIC     0x2BADB002u

#define MB_INFO_MEMORY          (1u << 0)       /* mem_lower, mem_upper */
#define MB_INFO_BOOTDEV         (1u << 1)
#define MB_INFO_CMDLINE         (1u << 2)
#define MB_INFO_MODS            (1u << 3)
#define MB_INFO_MMAP            (1u << 6)
#define MB_INFO_LOADER_NAME     (1u << 9)

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower;             /* KiB from 0 */
	uint32_t mem_upper;             /* KiB from 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;               /* physical address of a C string */
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;           /* bytes */
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;      /* physical address of a C string */
	uint32_t apm_table;
} __attribute__((packed));

#define MB_MMAP_AVAILABLE       1

/* One memory map entry; `size` counts the bytes after itself (20). */
struct mb_mmap_entry {
	uint32_t size;
	uint64_t base;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

/* What start.asm was given, saved by guest_init(). */
extern uint32_t guest_mb_magic;
extern const struct mb_info *guest_mbi;

/* The guest's RAM size: mem_upper KiB above 1 MiB (0 without MB_INFO_MEMORY). */
uint64_t mbi_mem_bytes(const struct mb_info *mbi);
/* The command line, or "" when there is none. */
const char *mbi_cmdline(const struct mb_info *mbi);
/* The boot loader's name, or "" when there is none. */
const char *mbi_loader_name(const struct mb_info *mbi);
/* Memory map entry i (0-based), or NULL past the end / without a map. */
const struct mb_mmap_entry *mbi_mmap_entry(const struct mb_info *mbi, unsigned i);
/* The highest address (exclusive) of anything the information points at:
 * the structure itself, command line, loader name, memory map. */
uint32_t mbi_end(const struct mb_info *mbi);

/* Command line words are separated by spaces.  cmdline_has_word: is
 * `word` one of them?  cmdline_value: copy the value of "key=value" (key
 * given without '=') into buf, NUL-terminated; false when absent. */
bool cmdline_has_word(const char *cmdline, const char *word);
bool cmdline_value(const char *cmdline, const char *key, char *buf, size_t size);
/* The decimal number of "key=N" (its leading digits; 0 if none), or
 * `absent` when there is no such word. */
uint32_t cmdline_number(const char *cmdline, const char *key, uint32_t absent);

/* Image bounds from guest.ld: the image is [__image_start, _end). */
extern char __image_start[], _end[];

/* ---- port I/O, CPU ------------------------------------------------- */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

#include "arch/x86/cpuid.h"

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

/* lfence; rdtsc: CPUID, the usual serialising instruction, exits to the
 * hypervisor, so we order with LFENCE instead. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline uint32_t read_cr0(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint32_t read_cr4(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline uint32_t read_eflags(void)
{
	uint32_t v;
	__asm__ volatile("pushfl; popl %0" : "=r"(v));
	return v;
}

static inline void cpu_pause(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* ---- Tern hypercalls (VMCALL, or VMMCALL on AMD, from CPL 0) ------- */

#define TERN_HC_VERSION         0       /* -> 1 */
#define TERN_HC_CONSOLE_WRITE   1       /* (gpa, len <= 4096) -> bytes written */
#define TERN_HC_EXIT            2       /* (status): the guest ends */
#define TERN_HC_YIELD           3       /* -> 0 */
#define TERN_HC_ENOSYS          ((uint32_t)-38)

/* The CPU is AMD's: hypercalls use VMMCALL, as on KVM (set by
 * guest_init from the CPUID vendor string). */
extern bool cpu_is_amd;

static inline uint32_t vmcall(uint32_t nr, uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t ret;
	if (cpu_is_amd)
		__asm__ volatile("vmmcall" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	else
		__asm__ volatile("vmcall" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

/* A hypercall that survives a CPU without the hypervisor (#UD there):
 * the result goes to *ret; returns the exception vector caught, or -1. */
int try_vmcall(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t *ret);

/* The hypervisor's CPUID signature leaf. */
#define CPUID_HV_LEAF           0x40000000u
#define CPUID1_ECX_VMX          (1u << 5)
#define CPUID1_ECX_HYPERVISOR   (1u << 31)

/* ---- fw_cfg (QEMU layout, I/O ports) -------------------------------- */

#define FW_CFG_PORT_SEL         0x510
#define FW_CFG_PORT_DATA        0x511
#define FW_CFG_SIGNATURE        0x0000
#define FW_CFG_RAM_SIZE         0x0003
#define FW_CFG_NB_CPUS          0x0005

/* Select `key` and read its first `len` bytes. */
void fw_cfg_read(uint16_t key, void *buf, size_t len);
uint16_t fw_cfg_read16(uint16_t key);
uint32_t fw_cfg_read32(uint16_t key);
uint64_t fw_cfg_read64(uint16_t key);

/* ---- console (COM1) and exit ---------------------------------------- */

#define COM1                    0x3F8
#define EXIT_PORT               0xF4
#define EXIT_UNEXPECTED         0x7F    /* exit value after an unexpected exception */

void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s, size_t len);
/* Wait (bounded) until the UART has sent everything. */
void serial_flush(void);
/* The string and a newline. */
int puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* outb(0xF4, v): the guest ends with status (v << 1) | 1 (v = 0: success).
 * Should the guest still run afterwards it says so and halts with
 * interrupts off. */
_Noreturn void exit(int v);

/* The PC's I/O APIC at its usual address (the MP table and MADT name
 * it): register `reg` through IOREGSEL (00h) and IOWIN (10h). */
#define IOAPIC_PAGE 0xFEC00000u
static inline uint32_t ioapic_read(uint8_t reg)
{
	*(volatile uint32_t *)IOAPIC_PAGE = reg;
	return *(volatile uint32_t *)(IOAPIC_PAGE + 0x10);
}

static inline void ioapic_write(uint8_t reg, uint32_t v)
{
	*(volatile uint32_t *)IOAPIC_PAGE = reg;
	*(volatile uint32_t *)(IOAPIC_PAGE + 0x10) = v;
}

/* CMOS/RTC register `reg` through ports 70h/71h (NMI mask bit clear). */
static inline uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static inline void cmos_write(uint8_t reg, uint8_t v)
{
	outb(0x70, reg);
	outb(0x71, v);
}

/* ---- checks ---------------------------------------------------------- */

/* Print "ok: <what>" or "FAIL: <what>" and count it; returns ok. */
bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "<name>: all N checks passed" (returns 0) or "<name>: K of N checks
 * failed" (returns 1): main's return value. */
int check_summary(const char *name);

/* ---- exceptions ------------------------------------------------------ */

/* What exc_common in start.asm pushes: PUSHAD, then vector and error
 * code, then the CPU's EIP, CS, EFLAGS. */
struct exc_frame {
	uint32_t edi, esi, ebp, esp_pushad, ebx, edx, ecx, eax;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
};

/* Load the IDT of all 256 vectors (done by guest_init): the exceptions,
 * and 32-255 for interrupts, which go to the handler set for them (an
 * interrupt without one is unexpected, as an exception is). */
#define IDT_VECTORS 256
void idt_install(void);
void irq_set_handler(unsigned vector, void (*fn)(unsigned vector));
/* The NMI handler (vector 2; none: an NMI is unexpected).  It runs with
 * NMIs blocked until the IRET that ends it. */
void nmi_set_handler(void (*fn)(void));
/* Where the last interrupt came in (the EIP it will return to). */
extern volatile uint32_t guest_irq_eip;

static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
/* sti; hlt: wait for an interrupt with no window for a lost wake-up. */
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

/* Arm the catcher: the next exception is expected to be `vector`, raised
 * as a fault by an instruction `len` bytes long.  The handler records
 * what it caught and resumes at EIP + len.  Then caught_exception()
 * returns the vector caught since (or -1) and disarms.  Any exception
 * while not armed is unexpected: "unexpected exception V ... at EIP" and
 * exit(EXIT_UNEXPECTED).
 *
 * With TRAP_INSN(insn) inside the asm the assembler supplies the length
 * (pass len 0 to expect_exception):
 *     expect_exception(6, 0);
 *     __asm__ volatile(TRAP_INSN("ud2") ::: "memory");
 *     int v = caught_exception();      // 6 */
void expect_exception(int vector, uint32_t len);
int caught_exception(void);
/* Details of the last exception caught while armed. */
extern volatile uint32_t guest_trap_eip, guest_trap_error;
extern volatile uint32_t guest_trap_len;

/* Arm the catcher for one single-step #DB: the handler records EIP and
 * DR6, clears DR6 and turns TF off in the interrupted EFLAGS.  Then
 * single_step_caught() says whether it came and disarms. */
void expect_single_step(void);
bool single_step_caught(void);
extern volatile uint32_t guest_step_eip, guest_step_dr6;

#define TRAP_INSN(insn) \
	"movl $(8889f - 8888f), guest_trap_len\n8888:\n\t" insn "\n8889:\n\t"

/* "#UD", "#GP", ... for vectors 0-31 ("?" otherwise). */
const char *exception_name(unsigned vector);

/* ---- C library bits -------------------------------------------------- */

#include "lib/string.h"

/* ---- the guest ------------------------------------------------------- */

void guest_init(uint32_t magic, const struct mb_info *mbi);
int main(uint32_t magic, const struct mb_info *mbi);

#endif
