/* The crash dump: what a student needs to find a hypervisor bug from the
 * serial log alone. */
#include "arch/x86/exception.h"
#include "arch/x86/cpu.h"
#include "arch/x86/power.h"
#include "core/ksyms.h"
#include "core/log.h"
#include "lib/format.h"
#include "mm/paging.h"

extern char _text_start[], _text_end[], _image_end[];

static const char *const names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS", "#NP segment not present",
	"#SS stack fault", "#GP general protection", "#PF page fault", "reserved (15)",
	"#MF x87 floating point", "#AC alignment check", "#MC machine check", "#XM SIMD floating point",
	"#VE virtualization", "#CP control protection", "reserved (22)", "reserved (23)",
	"reserved (24)", "reserved (25)", "reserved (26)", "reserved (27)",
	"#HV hypervisor injection", "#VC VMM communication", "#SX security", "reserved (31)",
};

const char *exception_name(unsigned vector)
{
	return vector < 32 ? names[vector] : "external interrupt";
}

static int in_text(uint64_t addr)
{
	return addr >= (uint64_t)_text_start && addr < (uint64_t)_text_end;
}

void symbolize(uint64_t addr, char *buf, unsigned size)
{
	uint64_t off;
	const char *name = NULL;

	if (in_text(addr))
		name = ksym_lookup(ksyms, ksyms_count, addr, &off);
	if (name)
		ksnprintf(buf, size, "%s+0x%llx", name, (unsigned long long)off);
	else
		ksnprintf(buf, size, "?");
}

/* A frame pointer is only followed while it stays 8-aligned and inside
 * a hypervisor stack: the image (boot and IST stacks) or the direct map
 * below its end (vCPU host stacks), so a corrupt chain ends the
 * backtrace instead of faulting again. */
static int plausible_frame(uint64_t rbp)
{
	if (rbp & 7)
		return 0;
	if (rbp >= KERNEL_VMA && rbp < (uint64_t)_image_end)
		return 1;
	return rbp >= DIRECT_MAP_BASE && rbp < DIRECT_MAP_BASE + paging_direct_map_limit() - 8;
}

static void print_frame(int depth, uint64_t addr, const char *mark)
{
	char sym[96];

	symbolize(addr, sym, sizeof sym);
	kprintf("  #%d %016llx %s%s\n", depth, (unsigned long long)addr, sym, mark);
}

void backtrace_print(uint64_t rbp)
{
	kprintf("backtrace:\n");
	for (int depth = 0; depth < 32 && plausible_frame(rbp); depth++) {
		uint64_t *frame = (uint64_t *)rbp;
		if (!frame[1])
			break;
		print_frame(depth, frame[1], "");
		if (frame[0] <= rbp)
			break;   /* frames grow upwards: anything else is garbage */
		rbp = frame[0];
	}
}

/* gcc keeps no frame in leaf functions that use no stack, so a fault in
 * one would hide its caller: that return address is then the word at
 * RSP.  It is shown first, marked "(from RSP)", when it is a text
 * address and not already the first frame's. */
static void backtrace_from_fault(const struct trap_frame *f)
{
	uint64_t top = plausible_frame(f->rsp) ? *(uint64_t *)f->rsp : 0;
	uint64_t first = plausible_frame(f->rbp) ? ((uint64_t *)f->rbp)[1] : 0;

	if (in_text(top) && top != first) {
		kprintf("caller of a frameless function:\n");
		print_frame(0, top, " (from RSP)");
	}
	backtrace_print(f->rbp);
}

static void dump_registers(const struct trap_frame *f)
{
	kprintf("CR0=%016llx CR2=%016llx CR3=%016llx CR4=%016llx\n",
		(unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
		(unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	kprintf("RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n",
		(unsigned long long)f->rax, (unsigned long long)f->rbx,
		(unsigned long long)f->rcx, (unsigned long long)f->rdx);
	kprintf("RSI=%016llx RDI=%016llx RBP=%016llx RSP=%016llx\n",
		(unsigned long long)f->rsi, (unsigned long long)f->rdi,
		(unsigned long long)f->rbp, (unsigned long long)f->rsp);
	kprintf("R8 =%016llx R9 =%016llx R10=%016llx R11=%016llx\n",
		(unsigned long long)f->r8, (unsigned long long)f->r9,
		(unsigned long long)f->r10, (unsigned long long)f->r11);
	kprintf("R12=%016llx R13=%016llx R14=%016llx R15=%016llx\n",
		(unsigned long long)f->r12, (unsigned long long)f->r13,
		(unsigned long long)f->r14, (unsigned long long)f->r15);
	kprintf("RFLAGS=%016llx CS=%04llx SS=%04llx\n", (unsigned long long)f->rflags,
		(unsigned long long)f->cs, (unsigned long long)f->ss);
}

/* rdmsr_safe() (arch/x86/cpu.h): the RDMSR at this label may #GP on an
 * MSR the CPU lacks; it is skipped and the caller told. */
extern const char rdmsr_safe_insn[];
static volatile int rdmsr_safe_faulted;

/* Not inlined: the label must exist once. */
__attribute__((noinline)) int rdmsr_safe(uint32_t msr, uint64_t *v)
{
	uint32_t lo = 0, hi = 0;

	rdmsr_safe_faulted = 0;
	__asm__ volatile(".globl rdmsr_safe_insn\nrdmsr_safe_insn: rdmsr"
			 : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	*v = ((uint64_t)hi << 32) | lo;
	return rdmsr_safe_faulted ? -1 : 0;
}

/* A single-step #DB in root mode, where Tern never sets TF, is a guest's
 * trap delivered on the wrong side of #VMEXIT: Bochs 2.7's SVM raises
 * the single-step trap of an intercepted guest instruction (CPUID with
 * TF set) right after VMRUN in the host.  The guest gets its own #DB
 * from Tern (backend->step_trap); this one is dropped, once reported. */
static int spurious_single_step(const struct trap_frame *f)
{
	static bool reported;
	uint64_t dr6;

	if (f->vector != 1 || (f->rflags & RFLAGS_TF))
		return 0;
	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	if (!(dr6 & DR6_BS) || (dr6 & 0xF))
		return 0;   /* not (only) a single step: a real debug event */
	__asm__ volatile("mov %0, %%dr6" : : "r"(0xFFFF0FF0ull));
	if (!reported) {
		reported = true;
		pr_warn("single-step #DB in root mode at rip=0x%llx without TF (an emulator's "
			"misdelivered guest trap): ignored", (unsigned long long)f->rip);
	}
	return 1;
}

int exception_fixup(struct trap_frame *f)
{
	if (f->vector == 13 && f->rip == (uint64_t)rdmsr_safe_insn) {
		rdmsr_safe_faulted = 1;
		f->rip += 2;   /* RDMSR is 0F 32 */
		return 1;
	}
	return spurious_single_step(f);
}

_Noreturn void exception_dispatch(struct trap_frame *f)
{
	static int nested;
	char sym[96];

	if (nested++) {
		/* A fault while dumping: say so and stop, no second dump. */
		pr_always("CRASH: nested exception %llu while printing a crash dump",
			  (unsigned long long)f->vector);
		power_off(EXIT_PANIC);
	}
	symbolize(f->rip, sym, sizeof sym);
	kprintf("\n");
	pr_always("CRASH: CPU exception %llu (%s) in the hypervisor",
		  (unsigned long long)f->vector, exception_name((unsigned)f->vector));
	kprintf("vector=%llu error_code=0x%llx\n", (unsigned long long)f->vector,
		(unsigned long long)f->error_code);
	kprintf("RIP=%016llx %s\n", (unsigned long long)f->rip, sym);
	dump_registers(f);
	backtrace_from_fault(f);
	pr_always("CRASH: powering off");
	power_off(EXIT_PANIC);
}
