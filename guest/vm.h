/*
 * The VM abstraction: a guest (struct vm) with its memory, devices and
 * console, and its virtual CPU (struct vcpu, virt/vcpu.h).
 * One vCPU per guest for now; the scheduler (guest/run.c) runs them
 * round-robin on the one physical CPU.
 */
#ifndef TERN_GUEST_VM_H
#define TERN_GUEST_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/acpi_pm.h"
#include "devices/i8254.h"
#include "devices/i8042.h"
#include "devices/i8259.h"
#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "devices/rtc.h"
#include "devices/uart16550.h"
#include "guest/config.h"
#include "guest/image.h"
#include "guest/memory.h"
#include "guest/portbus.h"
#include "virt/vcpu.h"

#define VM_CMDLINE_MAX 512
#define VM_STOP_REASON_MAX 160
#define CONSOLE_LINE_MAX 160
#define VM_MAX 32                 /* guests per boot (one per module2) */

enum vm_state {
	VM_RUNNABLE,
	VM_EXITED,     /* the guest ended itself: exit port or hypercall */
	VM_STOPPED,    /* the hypervisor stopped it */
	VM_RESETTING,  /* it asked for a reset and reboots (on_reset=reboot) */
};

/* Typed input waiting for the guest's UART (guest/dev_uart.c). */
#define GUEST_INPUT_MAX 256
struct guest_input {
	uint8_t buf[GUEST_INPUT_MAX];
	unsigned head, count;
	uint64_t dropped;
};

/* A guest's share of the hypervisor's console: lines go out while its
 * budget lasts (CONSOLE_RATE bytes per second, bursts up to
 * CONSOLE_BURST), the rest are dropped and counted (guest/vm.c). */
#define CONSOLE_RATE  (2u << 10)
#define CONSOLE_BURST (4u << 10)

struct guest_console {
	char line[CONSOLE_LINE_MAX];
	unsigned len;
	uint64_t budget;           /* bytes it may print now */
	uint64_t budget_tsc;       /* when the budget was last topped up */
	uint64_t dropped_lines, dropped_bytes;
};

struct vm {
	char name[GUEST_NAME_MAX];
	char cmdline[VM_CMDLINE_MAX];  /* the guest's own command line */
	unsigned index;
	enum vm_state state;
	bool finished;                 /* its end was reported (guest/run.c) */
	uint64_t exit_status;
	char stop_reason[VM_STOP_REASON_MAX];   /* or why it resets */
	bool reboot_on_reset;
	unsigned reboots;              /* so far; kept across reboots, as below */
	uint64_t reboot_window;        /* host TSC of the first reboot of the last burst */
	unsigned reboots_in_window;
	/* Where it came from, to boot it again. */
	unsigned module;
	const uint8_t *image;
	size_t image_size;
	const char *module_cmdline;
	struct image_initrd initrd;    /* the module named initrd_for= it, or none */

	struct guest_memory mem;
	struct port_bus ports;
	struct guest_console console;
	struct vcpu vcpu;

	/* Devices' state. */
	struct uart16550 uart;         /* COM1 */
	struct guest_input input;
	bool uart_irq;                 /* its interrupt output, as IRQ 4 last saw it */
	uint16_t fwcfg_key;
	uint32_t fwcfg_offset;
	struct i8259 pic;
	struct i8254 pit;
	struct lapic lapic;            /* the vCPU's local APIC */
	/* The backend uses the CPU's APIC virtualization (vmx/apicv.c):
	 * lapic.regs is the virtual-APIC page, which the guest reads and
	 * whose TPR it writes without exits (guest/dev_lapic.c).  And
	 * whether the CPU delivers the LAPIC's interrupts itself from there
	 * (virtual-interrupt delivery): the core then injects only ExtINT. */
	bool apicv;
	bool apic_delivers;
	struct ioapic ioapic;
	struct i8042 kbc;
	struct rtc rtc;
	struct acpi_pm acpi;
	uint8_t imcr_index, imcr;      /* IMCR_APIC_MODE: the 8259 goes through LINT0 */
	uint8_t crtc_index, crtc[0x19], crtc_status;
	uint64_t tsc_deadline;         /* IA32_TSC_DEADLINE as written (guest TSC) */
	uint64_t mmio_gpa;             /* the MMIO access being emulated (guest/mmio.c) */
	uint64_t rom_writes;           /* writes to the BIOS ROM, dropped */
	uint64_t clock_base;       /* host TSC at power-on: the platform's time 0 */

};

/* Create guest number `index` from boot module number `module`: parse
 * its options, set up memory, devices and the vCPU, load the image (and
 * the initrd a module gave it: data NULL for none).  0,
 * or -1 with a one-line reason in err (vm->name is the name= given, or
 * "moduleN"). */
int vm_create(struct vm *vm, unsigned index, unsigned module, const uint8_t *image, size_t size,
	      const char *module_cmdline, const struct image_initrd *initrd, char *err, size_t err_size);
/* Flush its console, return every frame it used. */
void vm_destroy(struct vm *vm);

/* Stop the guest: the hypervisor will report "stopped: <reason>". */
void vm_stop(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The guest asked for a reset (a reset port, the FADT's reset register,
 * a triple fault): it reboots when its module says on_reset=reboot,
 * else it is stopped with the reason. */
void vm_reset(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Boot a guest in VM_RESETTING again: fresh memory and devices, the
 * image loaded again, same name; the CMOS memory survives, as on a PC.
 * 0, or -1 with the reason in err (the guest is then destroyed). */
int vm_reboot(struct vm *vm, char *err, size_t err_size);

/* The guest ended itself with `status`. */
void vm_exit(struct vm *vm, uint64_t status);

/* Console output of the guest, one line at a time as "[name] text". */
void guest_console_putc(struct vm *vm, char c);
void guest_console_flush(struct vm *vm);

#endif
