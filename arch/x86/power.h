/* Ending the machine: the verdict of a run is "it powered off, and the
 * console said why" (DESIGN.md sections 5 and 6). */
#ifndef TERN_ARCH_X86_POWER_H
#define TERN_ARCH_X86_POWER_H

#include <stdint.h>

/* Values written to QEMU's isa-debug-exit (port 0xF4); QEMU then exits
 * with (value << 1) | 1, shown in brackets. */
enum exit_status {
	EXIT_SUCCESS = 0,   /* (1) every guest exited with status 1 */
	EXIT_FAILURE = 1,   /* (3) a guest stopped or exited non-1, or bad boot input */
	EXIT_PANIC = 2,     /* (5) hypervisor crash dump or panic */
	EXIT_NO_VMX = 3,    /* (7) this CPU cannot run guests (no usable VT-x) */
};

struct acpi_s5_plan;
/* Remember how to enter ACPI S5, found by arch/x86/acpi.c. */
void power_set_acpi_s5(const struct acpi_s5_plan *plan);
_Noreturn void power_off(enum exit_status status);

#endif
