/* The virtual devices of the guest platform (DESIGN.md section 4). */
#ifndef TERN_GUEST_DEVICES_H
#define TERN_GUEST_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/portbus.h"

#define UART_COM1_BASE 0x3F8
#define DEBUG_EXIT_PORT 0xF4
#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define IMCR_PORT_INDEX 0x22
#define IMCR_APIC_MODE  0x01
#define ACPI_PM_PORT    0x600     /* PM1a_EVT 600h, PM1a_CNT 604h, PM_TMR 608h */
#define ACPI_SCI_IRQ    9
#define ACPI_S5_SLP_TYP 5         /* the DSDT's \_S5 */

#define UART_COM1_IRQ 4

extern const struct port_device dev_uart_com1;
extern const struct port_device dev_debug_exit;
extern const struct port_device dev_fw_cfg;
extern const struct port_device dev_reset_cf9;
extern const struct port_device dev_kbc_data;      /* guest/dev_kbc.c */
extern const struct port_device dev_kbc_command;
extern const struct port_device dev_rtc;           /* guest/dev_rtc.c */
extern const struct port_device dev_crtc;          /* guest/dev_misc.c */
extern const struct port_device dev_crtc_mono;
extern const struct port_device dev_vga_status;
extern const struct port_device dev_reset_port92;
extern const struct port_device dev_pic_master;    /* guest/dev_pic.c */
extern const struct port_device dev_pic_slave;
extern const struct port_device dev_elcr;
extern const struct port_device dev_imcr;
extern const struct port_device dev_acpi_pm;       /* guest/dev_acpi.c */
extern const struct port_device dev_pit;           /* guest/dev_pit.c */
extern const struct port_device dev_port61;

/* COM1 (guest/dev_uart.c): reset it and its input queue; a byte typed
 * for the guest; whether it has its receive interrupt enabled (so input
 * may wake it). */
void vm_uart_reset(struct vm *vm);
void vm_console_input(struct vm *vm, uint8_t byte);
bool vm_waits_for_input(const struct vm *vm);

/* Attach the platform's devices to vm's port bus. */
int platform_attach_devices(struct vm *vm);

#endif
