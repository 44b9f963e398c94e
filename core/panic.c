#include "core/panic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/exception.h"
#include "arch/x86/power.h"
#include "core/log.h"

_Noreturn void panic(const char *fmt, ...)
{
	static int nested;
	va_list ap;

	cli();
	if (nested++)
		power_off(EXIT_PANIC);
	kprintf("\ntern: PANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	backtrace_print((uint64_t)__builtin_frame_address(0));
	pr_always("CRASH: powering off");
	power_off(EXIT_PANIC);
}
