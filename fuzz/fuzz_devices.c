/* libFuzzer target: the device models fed random register sequences, as
 * a guest can: each 4-byte record is (device, register, value, time
 * step).  Devices: 16550, 8259, 8254, I/O APIC, 8042, RTC, ACPI PM. */
#include <stdint.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "devices/i8042.h"
#include "devices/i8254.h"
#include "devices/i8259.h"
#include "devices/ioapic.h"
#include "devices/rtc.h"
#include "devices/uart16550.h"

static void deliver(void *ctx, uint8_t vector, uint8_t dest, bool logical, bool level, bool nmi)
{
	(void)ctx, (void)vector, (void)dest, (void)logical, (void)level, (void)nmi;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct uart16550 uart;
	static struct i8259 pic;
	static struct i8254 pit;
	static struct ioapic io;
	static struct i8042 kbc;
	static struct rtc rtc;
	static struct acpi_pm pm;
	uint64_t now = 0;

	uart16550_reset(&uart);
	i8259_reset(&pic);
	i8254_reset(&pit, 0);
	ioapic_reset(&io);
	io.deliver = deliver;
	i8042_reset(&kbc);
	rtc_reset(&rtc, 0x12345678, 64u << 20);
	acpi_pm_reset(&pm, 0);
	for (size_t i = 0; i + 4 <= size; i += 4) {
		uint8_t dev = data[i] & 7, reg = data[i + 1], val = data[i + 2];
		bool wr = data[i] & 8;
		now += (uint64_t)data[i + 3] << (data[i] >> 4);
		switch (dev) {
		case 0:
			if (wr) uart16550_write(&uart, reg & 7, val); else uart16550_read(&uart, reg & 7);
			if (reg & 0x80) uart16550_receive(&uart, val);
			uart16550_irq(&uart);
			break;
		case 1: {
			uint16_t port = (reg & 1) | (reg & 2 ? 0xA0 : 0x20);
			if (wr) i8259_write(&pic, port, val); else i8259_read(&pic, port);
			i8259_set_irq(&pic, reg >> 4, val & 1);
			if (i8259_output(&pic)) i8259_ack(&pic);
			break;
		}
		case 2:
			if (wr) i8254_write(&pit, 0x40 + (reg & 3), val, now);
			else i8254_read(&pit, 0x40 + (reg & 3), now);
			i8254_irq0_edges(&pit, now);
			break;
		case 3:
			if (wr) ioapic_write(&io, reg & 0x40 ? 0x10 : 0, (uint32_t)val << (8 * (reg & 3)) | val);
			else ioapic_read(&io, reg & 0x40 ? 0x10 : 0);
			ioapic_set_pin(&io, reg % 24, val & 1);
			ioapic_eoi(&io, val);
			break;
		case 4:
			if (wr) i8042_write(&kbc, reg & 1 ? 0x64 : 0x60, val);
			else i8042_read(&kbc, reg & 1 ? 0x64 : 0x60);
			break;
		case 5:
			if (wr) rtc_write(&rtc, 0x70 + (reg & 1), val, now);
			else rtc_read(&rtc, 0x70 + (reg & 1), now);
			rtc_update(&rtc, now);
			rtc_next_event(&rtc, now);
			break;
		default:
			if (wr) acpi_pm_write(&pm, reg % 16, 1u << (val % 3), (uint32_t)val * 0x01010101u, now);
			else acpi_pm_read(&pm, reg % 16, 1u << (val % 3), now);
			acpi_pm_sci(&pm, now);
			acpi_pm_next_event(&pm, now);
			break;
		}
	}
	return 0;
}
