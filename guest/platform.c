/* The guest platform of DESIGN.md section 4, in one place. */
#include "guest/devices.h"
#include "guest/vm.h"

static const struct port_device *const platform[] = {
	&dev_uart_com1, &dev_debug_exit, &dev_fw_cfg, &dev_reset_cf9, &dev_kbc_data,
	&dev_kbc_command, &dev_reset_port92, &dev_pic_master, &dev_pic_slave, &dev_elcr, &dev_pit,
	&dev_port61, &dev_crtc, &dev_crtc_mono, &dev_vga_status, &dev_rtc, &dev_imcr, &dev_acpi_pm,
};

int platform_attach_devices(struct vm *vm)
{
	for (unsigned i = 0; i < sizeof platform / sizeof platform[0]; i++)
		if (port_bus_add(&vm->ports, platform[i]))
			return -1;
	return 0;
}
