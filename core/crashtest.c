#include "core/crashtest.h"
#include "core/log.h"
#include "arch/x86/cpu.h"
#include "core/panic.h"
#include "lib/string.h"

#include <stdint.h>

/* noinline keeps these frames in the backtrace the test checks. */
__attribute__((noinline)) static void crash_page_fault(void)
{
	/* Low addresses are unmapped once paging_init() ran. */
	*(volatile uint64_t *)0xdead000 = 1;
}

__attribute__((noinline)) static void crash_invalid_opcode(void)
{
	__asm__ volatile("ud2");
}

__attribute__((noinline)) static void crash_divide(void)
{
	volatile unsigned zero = 0;
	volatile unsigned r = 1 / zero;
	(void)r;
}

/* A host interrupt nobody asked for (here a software INT to an unused
 * vector): it must be reported and survived, not become a #GP or #DF. */
__attribute__((noinline)) static void stray_interrupt(void)
{
	__asm__ volatile("int $0x41" ::: "memory");
	pr_info("crashtest: survived a stray interrupt");
}

/* An MSR no CPU has, through rdmsr_safe: the #GP is expected and
 * survived (arch/x86/exception.c). */
__attribute__((noinline)) static void missing_msr(void)
{
	uint64_t v;
	int rc = rdmsr_safe(0x12345678, &v);

	pr_info("crashtest: rdmsr_safe of MSR 0x12345678: %s", rc ? "#GP, survived" : "read");
}

void crashtest_run(const char *kind)
{
	if (!kind[0])
		return;
	pr_info("crashtest: %s", kind);
	if (!strcmp(kind, "pf"))
		crash_page_fault();
	else if (!strcmp(kind, "ud"))
		crash_invalid_opcode();
	else if (!strcmp(kind, "de"))
		crash_divide();
	else if (!strcmp(kind, "panic"))
		panic("crashtest: deliberate panic");
	else if (!strcmp(kind, "strayirq"))
		stray_interrupt();
	else if (!strcmp(kind, "badmsr"))
		missing_msr();
	else if (!strcmp(kind, "vmentry") || !strcmp(kind, "vmcontrol") || !strcmp(kind, "eptmisconfig"))
		pr_info("crashtest: the first guest will fail (%s)", kind);   /* vmcs_sabotage() */
	else if (!strcmp(kind, "doublemap"))
		pr_info("crashtest: two guests will share a frame");       /* vm_check_sabotage() */
	else
		pr_warn("crashtest: unknown kind '%s' (pf, ud, de, panic, strayirq, badmsr, "
			"vmentry, vmcontrol, eptmisconfig, doublemap)", kind);
}
