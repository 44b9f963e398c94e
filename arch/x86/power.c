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
#include "arch/x86/acpi_s5.h"
#include "arch/x86/cpu.h"
#include "arch/x86/emulator.h"
#include "arch/x86/io.h"
#include "arch/x86/uart16550.h"
#include "mm/paging.h"

#define ISA_DEBUG_EXIT_PORT 0xF4
#define DEBUG_CONSOLE_PORT 0xE9
#define BOCHS_SHUTDOWN_PORT 0x8900
#define ACPI_SLP_EN (1u << 13)
#define ACPI_SCI_EN (1u << 0)

static struct acpi_s5_plan s5;
static bool s5_valid;

void power_set_acpi_s5(const struct acpi_s5_plan *plan)
{
	s5 = *plan;
	s5_valid = true;
}

static uint32_t reg_read(const struct acpi_reg *r)
{
	if (r->space == ACPI_SPACE_IO)
		return r->width == 1 ? inb((uint16_t)r->addr) : r->width == 2 ? inw((uint16_t)r->addr) :
								      inl((uint16_t)r->addr);
	if (r->addr >= paging_direct_map_limit())
		return 0;
	if (r->width == 1)
		return *(volatile uint8_t *)phys_to_virt(r->addr);
	return r->width == 2 ? *(volatile uint16_t *)phys_to_virt(r->addr) :
			       *(volatile uint32_t *)phys_to_virt(r->addr);
}

static void reg_write(const struct acpi_reg *r, uint32_t v)
{
	if (r->space == ACPI_SPACE_IO) {
		if (r->width == 1)
			outb((uint16_t)r->addr, (uint8_t)v);
		else if (r->width == 2)
			outw((uint16_t)r->addr, (uint16_t)v);
		else
			outl((uint16_t)r->addr, v);
		return;
	}
	if (r->addr >= paging_direct_map_limit())
		return;
	if (r->width == 1)
		*(volatile uint8_t *)phys_to_virt(r->addr) = (uint8_t)v;
	else if (r->width == 2)
		*(volatile uint16_t *)phys_to_virt(r->addr) = (uint16_t)v;
	else
		*(volatile uint32_t *)phys_to_virt(r->addr) = v;
}

/* SLP_TYP | SLP_EN into a PM1 control register, keeping its other bits
 * (ACPI 6.4 4.8.3.2.1: read-modify-write). */
static void pm1_sleep(const struct acpi_reg *r, uint8_t slp_typ)
{
	uint32_t v = reg_read(r) & ~(7u << 10);

	reg_write(r, v | (uint32_t)(slp_typ & 7) << 10 | ACPI_SLP_EN);
}

/* Legacy ACPI: the OS turns ACPI mode on by writing ACPI_ENABLE to
 * SMI_CMD and waiting for PM1 control's SCI_EN (4.8.2.1, 16.3.1);
 * firmware may have left the machine in legacy (SMM) mode. */
static void enter_acpi_mode(void)
{
	if ((reg_read(&s5.pm1a) & ACPI_SCI_EN) || !s5.smi_cmd || !s5.acpi_enable)
		return;
	outb(s5.smi_cmd, s5.acpi_enable);
	for (unsigned i = 0; i < 1000000 && !(reg_read(&s5.pm1a) & ACPI_SCI_EN); i++)
		pause();
}

static void acpi_s5(void)
{
	if (s5.hw_reduced) {
		/* SLEEP_CONTROL_REG: SLP_TYP in bits 4:2, SLP_EN bit 5 (4.8.3.7). */
		reg_write(&s5.sleep_ctl, (uint32_t)(s5.slp_typa & 7) << 2 | 1u << 5);
		return;
	}
	enter_acpi_mode();
	pm1_sleep(&s5.pm1a, s5.slp_typa);
	if (s5.pm1b.width)
		pm1_sleep(&s5.pm1b, s5.slp_typb);
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
	if (s5_valid)
		acpi_s5();
	if (on_emulator())
		for (const char *p = "Shutdown"; *p; p++)
			outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*p);
	halt_forever();
}
