/* A guest's life: create from a module, report its end, give back all
 * it used. */
#include "guest/vm.h"
#include "arch/x86/cmos_clock.h"
#include "arch/x86/msr.h"
#include "arch/x86/tsc.h"
#include "core/log.h"
#include "guest/config.h"
#include "guest/devices.h"
#include "guest/image.h"
#include "guest/intr.h"
#include "guest/linux.h"
#include "guest/run.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/paging.h"
#include "virt/backend.h"

/* The guest leaves VM_RUNNABLE for `state`, with the reason; the first
 * reason is the one that counts. */
static void leave(struct vm *vm, enum vm_state state, const char *fmt, va_list ap)
{
	if (vm->state != VM_RUNNABLE)
		return;
	kvsnprintf(vm->stop_reason, sizeof vm->stop_reason, fmt, ap);
	vm->state = state;
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	leave(vm, VM_STOPPED, fmt, ap);
	va_end(ap);
}

void vm_reset(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	leave(vm, vm->reboot_on_reset ? VM_RESETTING : VM_STOPPED, fmt, ap);
	va_end(ap);
}

void vm_exit(struct vm *vm, uint64_t status)
{
	if (vm->state != VM_RUNNABLE)
		return;
	vm->exit_status = status;
	vm->state = VM_EXITED;
}

/* Whether a line of `bytes` fits the guest's console budget, topped up
 * at CONSOLE_RATE since the last look.  A flooding guest loses lines,
 * not the others their share of the console and of the CPU: a byte to
 * a UART at 115200 baud costs 87 us of host time, so the console carries
 * about 11 KiB/s in all, and a 1 KiB REP OUTSB holds the CPU for 89 ms.
 * While no other guest wants the CPU, that time is nobody else's: the
 * line goes out (a kernel's boot log, a long listing), at the UART's
 * pace. */
static bool console_budget(struct vm *vm, unsigned bytes)
{
	struct guest_console *c = &vm->console;
	uint64_t now = rdtsc(), khz = tsc_khz();

	if (now > c->budget_tsc && khz) {
		uint64_t idle = now - c->budget_tsc;
		/* Two seconds refill any budget; the product stays small. */
		c->budget += idle > 2 * khz * 1000 ? CONSOLE_BURST : idle * CONSOLE_RATE / (khz * 1000);
		if (c->budget > CONSOLE_BURST)
			c->budget = CONSOLE_BURST;
		c->budget_tsc = now;
	}
	if (c->budget >= bytes) {
		c->budget -= bytes;
		return true;
	}
	if (!guests_others_running(vm))
		return true;
	/* Said once; the guest's end line counts what was dropped. */
	if (!c->dropped_lines)
		pr_warn("guest %s floods its console (over %u KiB/s): dropping lines beyond that",
			vm->name, CONSOLE_RATE >> 10);
	c->dropped_lines++;
	c->dropped_bytes += bytes;
	return false;
}

void guest_console_flush(struct vm *vm)
{
	struct guest_console *c = &vm->console;

	if (!c->len)
		return;
	c->line[c->len] = 0;
	if (console_budget(vm, c->len + 1))
		kprintf("[%s] %s\n", vm->name, c->line);
	c->len = 0;
}

/* Guest text reaches the console a line at a time, so lines of
 * different guests never interleave mid-line. */
void guest_console_putc(struct vm *vm, char c)
{
	struct guest_console *con = &vm->console;

	if (c == '\n') {
		if (con->len)
			guest_console_flush(vm);
		else if (console_budget(vm, 1))
			kprintf("[%s] \n", vm->name);
		return;
	}
	if (c == '\r')
		return;
	/* Control characters would let a guest forge hypervisor lines. */
	con->line[con->len++] = (c >= 0x20 && c < 0x7F) || c == '\t' ? c : '?';
	if (con->len == CONSOLE_LINE_MAX - 1)
		guest_console_flush(vm);
}

/* A boot protocol that names its segments (Linux's __BOOT_CS and
 * __BOOT_DS): GDTR on its GDT, the flat segments' selectors to match. */
static void load_boot_gdt(struct vcpu *v, uint32_t gdt)
{
	struct vseg s = { .base = gdt, .limit = 4 * 8 - 1 };

	vcpu_set_seg(v, SEG_GDTR, &s);
	for (unsigned r = SEG_ES; r <= SEG_GS; r++) {
		vcpu_get_seg(v, (enum vseg_reg)r, &s);
		s.sel = r == SEG_CS ? LINUX_BOOT_CS : LINUX_BOOT_DS;
		vcpu_set_seg(v, (enum vseg_reg)r, &s);
	}
}

static int load_guest(struct vm *vm, char *err, size_t err_size)
{
	struct image_entry entry;

	if (image_load(&vm->mem, vm->image, vm->image_size, vm->initrd.data ? &vm->initrd : NULL,
		       vm->cmdline, &entry, err, err_size))
		return -1;
	if (backend->vcpu_create(&vm->vcpu, entry.rip)) {
		ksnprintf(err, err_size, "could not set up its %s", backend->control_block);
		return -1;
	}
	vm->vcpu.gpr[GPR_RAX] = entry.rax;
	vm->vcpu.gpr[GPR_RBX] = entry.rbx;
	vm->vcpu.gpr[GPR_RSI] = entry.rsi;
	if (entry.boot_gdt)
		load_boot_gdt(&vm->vcpu, entry.boot_gdt);
	return 0;
}

int vm_create(struct vm *vm, unsigned index, unsigned module, const uint8_t *image, size_t size,
	      const char *module_cmdline, const struct image_initrd *initrd, char *err, size_t err_size)
{
	struct guest_config cfg;
	int rc;

	memset(vm, 0, sizeof *vm);
	vm->index = index;
	vm->vcpu.vm = vm;
	vcpu_reset_core_state(&vm->vcpu);
	vm->console.budget = CONSOLE_BURST;   /* a guest starts with a full console budget */
	vm->console.budget_tsc = rdtsc();
	/* Name the guest as soon as its name is known, so even an option
	 * error is reported against it; "moduleN" before that. */
	rc = guest_config_parse(module_cmdline, &cfg, err, err_size);
	if (cfg.name[0])
		memcpy(vm->name, cfg.name, sizeof vm->name);
	else
		ksnprintf(vm->name, sizeof vm->name, "module%u", module);
	if (rc)
		return -1;
	ksnprintf(vm->cmdline, sizeof vm->cmdline, "%s", cfg.cmdline);
	vm->reboot_on_reset = cfg.reboot_on_reset;
	vm->module = module;
	vm->image = image;
	vm->image_size = size;
	vm->module_cmdline = module_cmdline;
	vm->initrd = *initrd;
	if (gmem_init(&vm->mem, backend->stage2, cfg.mem)) {
		ksnprintf(err, err_size, "not enough host memory for mem=%lluM (%llu MiB free and not "
			  "promised to other guests)", (unsigned long long)(cfg.mem >> 20),
			  (unsigned long long)(gmem_uncommitted() >> 20));
		return -1;
	}
	vm_intr_reset(vm, host_time_of_day());
	vm_uart_reset(vm);
	if (platform_attach_devices(vm)) {
		ksnprintf(err, err_size, "could not attach its devices");
		return -1;
	}
	return load_guest(vm, err, err_size);
}

int vm_reboot(struct vm *vm, char *err, size_t err_size)
{
	/* What survives: where it came from, the reboot counts, the CMOS. */
	unsigned index = vm->index, module = vm->module, reboots = vm->reboots;
	unsigned in_window = vm->reboots_in_window;
	uint64_t window = vm->reboot_window;
	const uint8_t *image = vm->image;
	size_t size = vm->image_size;
	const char *cmdline = vm->module_cmdline;
	struct image_initrd initrd = vm->initrd;
	uint8_t cmos[sizeof vm->rtc.cmos];

	memcpy(cmos, vm->rtc.cmos, sizeof cmos);
	vm_destroy(vm);
	if (vm_create(vm, index, module, image, size, cmdline, &initrd, err, err_size)) {
		vm_destroy(vm);
		return -1;
	}
	vm->reboots = reboots;
	vm->reboot_window = window;
	vm->reboots_in_window = in_window;
	memcpy(vm->rtc.cmos, cmos, sizeof cmos);
	return 0;
}

void vm_destroy(struct vm *vm)
{
	guest_console_flush(vm);
	if (vm->vcpu.be)
		backend->vcpu_destroy(&vm->vcpu);
	gmem_destroy(&vm->mem);
}
