/* Power-off, tried in order:
 *  1. under an emulator (arch/x86/emulator.h): QEMU's isa-debug-exit at
 *     0xF4, which hands the status to the host, and "tern-exit=N" on the
 *     debug console port 0xE9 (Bochs' port_e9_hack, QEMU's -debugcon), so
 *     that the host sees the status under Bochs too;
 *  2. ACPI S5: SLP_TYPx | SLP_EN into PM1a/PM1b_CNT (ACPI 6.4, 4.8.3.2.1
 *     and 7.4.2 "\_S5"), values found by acpi.c;
 *  3. under an emulator, Bochs' shutdown port 0x8900 ("Shutdown");
 *  4. halt with interrupts off, so at least nothing else runs. */
#include "arch/x86/power.h"
#include "arch/x86/cpu.h"
#include "arch/x86/emulator.h"
#include "arch/x86/io.h"
#include "arch/x86/uart16550.h"

#define ISA_DEBUG_EXIT_PORT 0xF4
#define DEBUG_CONSOLE_PORT 0xE9
#define BOCHS_SHUTDOWN_PORT 0x8900
#define ACPI_SLP_EN (1u << 13)

static struct {
	uint16_t pm1a_cnt, pm1b_cnt;
	uint8_t slp_typa, slp_typb;
	int valid;
} s5;

void power_set_acpi_s5(uint16_t pm1a_cnt, uint16_t pm1b_cnt, uint8_t slp_typa, uint8_t slp_typb)
{
	s5.pm1a_cnt = pm1a_cnt;
	s5.pm1b_cnt = pm1b_cnt;
	s5.slp_typa = slp_typa;
	s5.slp_typb = slp_typb;
	s5.valid = 1;
}

_Noreturn void power_off(enum exit_status status)
{
	cli();
	uart_flush();
	if (on_emulator()) {
		for (const char *p = "tern-exit="; *p; p++)
			outb(DEBUG_CONSOLE_PORT, (uint8_t)*p);
		outb(DEBUG_CONSOLE_PORT, (uint8_t)('0' + status));
		outb(DEBUG_CONSOLE_PORT, '\n');
		outb(ISA_DEBUG_EXIT_PORT, (uint8_t)status);
	}
	if (s5.valid) {
		outw(s5.pm1a_cnt, (uint16_t)((s5.slp_typa << 10) | ACPI_SLP_EN));
		if (s5.pm1b_cnt)
			outw(s5.pm1b_cnt, (uint16_t)((s5.slp_typb << 10) | ACPI_SLP_EN));
	}
	if (on_emulator())
		for (const char *p = "Shutdown"; *p; p++)
			outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*p);
	halt_forever();
}
