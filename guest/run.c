/* Running the guests: one per module2, round-robin on this CPU, each
 * for a quantum (the VMX-preemption timer, or a host timer under SVM),
 * until every one has exited or been stopped; then the verdict and
 * power-off (DESIGN.md 5). */
#include "guest/run.h"
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/msr.h"
#include "arch/x86/power.h"
#include "arch/x86/tsc.h"
#include "arch/x86/uart16550.h"
#include "core/log.h"
#include "core/options.h"
#include "guest/check.h"
#include "guest/config.h"
#include "guest/console_in.h"
#include "guest/intr.h"
#include "guest/vm.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/paging.h"
#include "mm/setup.h"
#include "virt/backend.h"

static struct vm vms[VM_MAX];
static unsigned vm_count;
static struct vcpu *loaded;   /* whose FPU/XCR0/MSR state is on the CPU */

static void fxsave(void *area) { __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory"); }
static void fxrstor(const void *area) { __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory"); }

/* The guest state neither VM entry nor VM exit switches, and the
 * hypervisor itself never uses (-mgeneral-regs-only): FPU/SSE and XCR0
 * here, the backend's share (debug registers, CR2, some MSRs) in
 * backend->load/put.  It stays on the CPU while the vCPU runs and goes
 * with it when another runs. */
static void save_cpu_state(struct vcpu *v)
{
	/* XSETBV exits (virt/misc.c keeps v->xcr0), except where an SVM
	 * implementation does not intercept it (QEMU 7.2): read it back. */
	if (read_cr4() & CR4_OSXSAVE)
		v->xcr0 = xgetbv0();
	fxsave(v->fpu);
	backend->put(v);
}

static void load_cpu_state(struct vcpu *v)
{
	if (read_cr4() & CR4_OSXSAVE)
		xsetbv0(v->xcr0);
	fxrstor(v->fpu);
	backend->load(v);
}

/* Put v's state on the CPU, saving the previous vCPU's first.  Costs
 * nothing when the same guest runs again. */
static void switch_to(struct vcpu *v)
{
	if (loaded == v)
		return;
	if (loaded)
		save_cpu_state(loaded);
	load_cpu_state(v);
	loaded = v;
}

#define END_LINE_MAX 512

/* Add to the end line at n; its new length (a full line stays full). */
static int __attribute__((format(printf, 3, 4))) append(char *line, int n, const char *fmt, ...)
{
	va_list ap;

	if (n >= END_LINE_MAX)
		return n;
	va_start(ap, fmt);
	n += kvsnprintf(line + n, END_LINE_MAX - (size_t)n, fmt, ap);
	va_end(ap);
	return n;
}

static void print_exit_counts(const struct vm *vm)
{
	const uint64_t *exits = vm->vcpu.exits;
	char line[END_LINE_MAX];
	int n = 0;
	uint64_t total = 0;

	for (unsigned k = 0; k < VEXIT_KINDS; k++)
		total += exits[k];
	n = append(line, n, "guest %s: %llu exits", vm->name, (unsigned long long)total);
	for (unsigned k = 0; k < VEXIT_KINDS; k++)
		if (exits[k])
			n = append(line, n, ", %s %llu", backend->exit_names[k], (unsigned long long)exits[k]);
	if (vm->rom_writes)
		n = append(line, n, "; %llu writes to ROM dropped", (unsigned long long)vm->rom_writes);
	if (vm->console.dropped_lines)
		n = append(line, n, "; %llu console lines (%llu bytes) dropped",
			   (unsigned long long)vm->console.dropped_lines,
			   (unsigned long long)vm->console.dropped_bytes);
	if (vm->reboots)
		n = append(line, n, "; rebooted %u times", vm->reboots);
	if (vm->input.dropped)
		n = append(line, n, "; %llu typed bytes dropped", (unsigned long long)vm->input.dropped);
	pr_info("%s; %llu pages backed", line, (unsigned long long)vm->mem.ram_frames);
}

/* A guest that asked for a reset with on_reset=reboot boots again --
 * unless it did so REBOOT_BURST times within REBOOT_WINDOW_MS, a loop
 * that would only burn the CPU: then it is stopped. */
#define REBOOT_BURST 5
#define REBOOT_WINDOW_MS 10000

static void reboot(struct vm *vm)
{
	uint64_t now = rdtsc();
	char err[VM_STOP_REASON_MAX], why[VM_STOP_REASON_MAX];

	guest_console_flush(vm);
	memcpy(why, vm->stop_reason, sizeof why);
	if (!vm->reboots_in_window || now - vm->reboot_window > REBOOT_WINDOW_MS * tsc_khz()) {
		vm->reboot_window = now;
		vm->reboots_in_window = 0;
	}
	if (++vm->reboots_in_window > REBOOT_BURST) {
		vm->state = VM_STOPPED;
		ksnprintf(vm->stop_reason, sizeof vm->stop_reason,
			  "%s: %u resets within %u s, rebooting too often", why, REBOOT_BURST + 1,
			  REBOOT_WINDOW_MS / 1000);
		return;
	}
	vm->reboots++;
	pr_always("guest %s reboots (%s; reboot %u)", vm->name, why, vm->reboots);
	if (loaded == &vm->vcpu)
		loaded = NULL;
	if (vm_reboot(vm, err, sizeof err)) {
		vm->state = VM_STOPPED;
		ksnprintf(vm->stop_reason, sizeof vm->stop_reason, "reboot failed: %s", err);
	}
	if (options.checks)
		vm_check_invariants(vms, vm_count, "reboot");
}

static void finish(struct vm *vm, unsigned *exited, unsigned *stopped)
{
	guest_console_flush(vm);
	if (vm->state == VM_EXITED) {
		pr_always("guest %s exited status=%llu", vm->name, (unsigned long long)vm->exit_status);
		(*exited)++;
	} else {
		pr_always("guest %s stopped: %s", vm->name, vm->stop_reason);
		(*stopped)++;
	}
	print_exit_counts(vm);
	if (loaded == &vm->vcpu)
		loaded = NULL;
	vm_destroy(vm);
}

/* The time the console's UART takes to send its FIFO's 16 bytes at
 * 115200 baud (1.4 ms): while output waits (arch/x86/uart16550.c), no
 * run lasts longer, so the console keeps its pace whatever the guests do. */
static uint64_t drain_interval(void)
{
	return tsc_khz() * 14 / 10;
}

/* One slice of a guest: it runs until the slice is over in wall-clock
 * time (the host's work on its exits counts), it halts, or it ends, or
 * until `wake`, when another guest, halted, has a timer due.  In between
 * runs its device timers fire and its interrupts go in; a run never lasts
 * past its next device timer. */
static void run_slice(struct vm *vm, uint64_t slice, uint64_t wake)
{
	struct vcpu *v = &vm->vcpu;
	uint64_t end = rdtsc() + slice;

	if (wake < end)
		end = wake;   /* a waiting guest's timer is due first: let it run */
	switch_to(v);
	while (vm->state == VM_RUNNABLE) {
		uint64_t now = rdtsc();
		uint64_t timer = vm_timers_run(vm, now);

		if (v->halted) {
			if (!vcpu_wake_pending(v))
				return;
			v->halted = false;
		}
		vcpu_deliver_interrupt(v);
		if (now >= end)
			return;
		v->deadline = timer < end ? timer : end;
		if (uart_pending()) {
			uint64_t drained = now + drain_interval();
			uart_drain();
			if (drained < v->deadline)
				v->deadline = drained;
		}
		backend->run(v);
	}
}

/* The first moment a halted guest other than `self` (NULL: any) may
 * need the CPU: now if an interrupt already waits for one, else its
 * first timer (TIMER_NONE: nothing can wake one). */
static uint64_t first_wake(const struct vm *self, uint64_t now)
{
	uint64_t wake = TIMER_NONE;

	for (unsigned i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];
		uint64_t t;
		if (vm == self || vm->state != VM_RUNNABLE || !vm->vcpu.halted)
			continue;
		t = vm_timers_run(vm, now);
		if (vcpu_wake_pending(&vm->vcpu))
			return now;
		if (t < wake)
			wake = t;
	}
	return wake;
}

/* Every live guest is halted: sleep until the first of their timers,
 * with the host's LAPIC timer (the emulators skip the idle time, and a
 * real CPU saves power); without one, wait on the TSC.  A guest that
 * nothing can wake -- no timer armed, no interrupt pending, no input it
 * could receive -- is stopped: it would wait for ever. */
static void idle(void)
{
	uint64_t now = rdtsc(), wake = first_wake(NULL, now);
	/* Typed input is read every 10 ms while a guest may wait for it. */
	uint64_t poll = console_in_may_wake(vms, vm_count) ? now + tsc_khz() * 10 : TIMER_NONE;

	if (wake <= now)
		return;   /* an interrupt waits already, or a timer is due */
	if (poll < wake)
		wake = poll;
	if (wake == TIMER_NONE) {
		for (unsigned i = 0; i < vm_count; i++)
			if (vms[i].state == VM_RUNNABLE)
				vm_stop(&vms[i], "halted with interrupts enabled, and no timer or "
						 "interrupt is armed to wake it");
		return;
	}
	if (uart_pending() && now + drain_interval() < wake)
		wake = now + drain_interval();   /* console output to send */
	if (lapic_timer_khz()) {
		lapic_timer_oneshot_until(wake);
		/* STI's shadow covers HLT: a timer that fired already wakes it. */
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	} else {
		while (rdtsc() < wake)
			pause();
	}
}

bool guests_others_running(const struct vm *vm)
{
	for (unsigned j = 0; j < vm_count; j++)
		if (&vms[j] != vm && vms[j].state == VM_RUNNABLE && !vms[j].vcpu.halted)
			return true;
	return false;
}

static bool name_taken(const struct vm *vm)
{
	for (unsigned j = 0; j < vm_count; j++)
		if (!strcmp(vms[j].name, vm->name))
			return true;
	return false;
}

/* Modules that are another guest's initial RAM disk (initrd_for=NAME,
 * DESIGN.md section 3), found before any guest is created so that the
 * order of the modules does not matter. */
struct initrd_module {
	unsigned module;
	char for_name[GUEST_NAME_MAX];
	struct image_initrd rd;
	bool taken;
};
static struct initrd_module initrds[MB2_MAX_MODULES];
static unsigned initrd_count;

static bool is_initrd(const struct mb2_module *m, unsigned i)
{
	struct guest_config cfg;
	char err[8];

	if (guest_config_parse(m->cmdline, &cfg, err, sizeof err) || !cfg.initrd_for[0])
		return false;
	struct initrd_module *r = &initrds[initrd_count++];
	*r = (struct initrd_module){ .module = i, .rd = { phys_to_virt(m->start), m->end - m->start } };
	memcpy(r->for_name, cfg.initrd_for, sizeof r->for_name);
	return true;
}

/* The initrd for the guest a module's options name (data NULL: none). */
static struct image_initrd initrd_of(const char *module_cmdline)
{
	struct guest_config cfg;
	char err[8];

	if (guest_config_parse(module_cmdline, &cfg, err, sizeof err))
		return (struct image_initrd){ NULL, 0 };
	for (unsigned j = 0; j < initrd_count; j++)
		if (!initrds[j].taken && !strcmp(initrds[j].for_name, cfg.name)) {
			initrds[j].taken = true;
			return initrds[j].rd;
		}
	return (struct image_initrd){ NULL, 0 };
}

/* An initrd no guest took is an error in the boot entry: said, counted
 * as a guest that did not run. */
static void report_unused_initrds(unsigned *stopped)
{
	for (unsigned j = 0; j < initrd_count; j++)
		if (!initrds[j].taken) {
			pr_always("guest module%u stopped: initrd_for=%s names no guest (or one that "
				  "already has an initrd)", initrds[j].module, initrds[j].for_name);
			(*stopped)++;
		}
}

/* Guest number vm_count from boot module i, or a "stopped" line saying
 * why not. */
static void create_guest(const struct mb2_module *m, unsigned i, unsigned *stopped)
{
	struct vm *vm = &vms[vm_count];
	struct image_initrd initrd = initrd_of(m->cmdline);
	char err[160] = "";

	if (vm_count == VM_MAX) {
		pr_always("guest module%u stopped: more than %d guests", i, VM_MAX);
		(*stopped)++;
		return;
	}
	if (vm_create(vm, vm_count, i, phys_to_virt(m->start), m->end - m->start, m->cmdline, &initrd,
		      err, sizeof err))
		vm_stop(vm, "%s", err);
	else if (name_taken(vm))
		vm_stop(vm, "name '%s' is already used by another guest", vm->name);
	if (vm->state != VM_RUNNABLE) {
		pr_always("guest %s stopped: %s", vm->name, vm->stop_reason);
		vm_destroy(vm);
		(*stopped)++;
		return;
	}
	pr_info("guest %s: %llu MiB RAM, command line \"%s\"", vm->name,
		(unsigned long long)(vm->mem.ram_size >> 20), vm->cmdline);
	vm_count++;
}

/* FXSAVE/XSAVE for guests: the hypervisor itself never touches the FPU
 * (-mgeneral-regs-only), but it saves and restores guest FPU state when
 * it switches between guests (CR4.OSFXSR, or FXSAVE leaves out the XMM
 * registers), and emulating XSETBV needs CR4.OSXSAVE in root mode. */
static void enable_fpu_features(void)
{
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;

	if (cpuid(1, 0).ecx & (1u << 26))   /* CPUID.1:ECX.XSAVE */
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);
	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
}

static int setup_backend(void)
{
	enable_fpu_features();
	pr_info("TSC: %llu kHz", (unsigned long long)tsc_calibrate());
	/* The host timer that wakes the CPU when every guest waits. */
	lapic_timer_init();
	return backend->init();
}

_Noreturn void guests_run(const struct mb2_info *info)
{
	unsigned exited = 0, stopped = 0, ok = 0;

	if (setup_backend())
		power_off(EXIT_NO_VMX);
	uint64_t free_before = frames.free_frames;

	bool initrd[MB2_MAX_MODULES] = { false };

	for (unsigned i = 0; i < info->module_count; i++)
		initrd[i] = is_initrd(&info->modules[i], i);
	for (unsigned i = 0; i < info->module_count; i++)
		if (!initrd[i])
			create_guest(&info->modules[i], i, &stopped);
	report_unused_initrds(&stopped);
	if (vm_count)
		backend->sabotage(&vms[0].vcpu, options.crashtest);
	if (!strcmp(options.crashtest, "doublemap"))
		vm_check_sabotage(vms, vm_count);
	if (options.checks)
		vm_check_invariants(vms, vm_count, "guests created");
	uint64_t slice = options.quantum_us * tsc_khz() / 1000;
	uart_buffer(true);   /* a guest's output never holds the CPU (uart16550.c) */
	for (unsigned alive = vm_count; alive;) {
		unsigned running = 0;
		console_in_poll(vms, vm_count);
		uart_drain();   /* output of guests that only wait now */
		for (unsigned i = 0; i < vm_count; i++) {
			struct vm *vm = &vms[i];
			if (vm->state != VM_RUNNABLE)
				continue;
			run_slice(vm, slice, first_wake(vm, rdtsc()));
			running += !vm->vcpu.halted;
		}
		if (!running)
			idle();
		for (unsigned i = 0; i < vm_count; i++) {
			struct vm *vm = &vms[i];
			if (vm->state == VM_RESETTING)
				reboot(vm);
			if (vm->state == VM_RUNNABLE || vm->finished)
				continue;
			if (vm->state == VM_EXITED && vm->exit_status == 1)
				ok++;
			finish(vm, &exited, &stopped);
			vm->finished = true;
			alive--;
			if (options.checks)
				vm_check_invariants(vms, vm_count, vm->name);
		}
	}
	pr_info("frames: %llu free before the guests, %llu after",
		(unsigned long long)free_before, (unsigned long long)frames.free_frames);
	pr_always("all guests done: %u exited, %u stopped", exited, stopped);
	power_off(ok == exited && !stopped ? EXIT_SUCCESS : EXIT_FAILURE);
}
