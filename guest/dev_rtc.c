/* Port glue of the RTC and CMOS memory (devices/rtc.c): its 32.768 kHz
 * clock on the VM's (guest/intr.c), its IRQ8 line. */
#include "devices/rtc.h"
#include "guest/devices.h"
#include "guest/intr.h"
#include "guest/vm.h"

static uint32_t rtc_in(struct vm *vm, uint16_t port, unsigned size)
{
	uint64_t now = vm_clock(vm, rdtsc(), RTC_HZ);
	uint8_t v;

	(void)size;
	v = rtc_read(&vm->rtc, port, now);
	vm_set_irq(vm, 8, rtc_update(&vm->rtc, now));   /* a read of C drops IRQ8 */
	return v;
}

static void rtc_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	uint64_t now = vm_clock(vm, rdtsc(), RTC_HZ);

	(void)size;
	rtc_write(&vm->rtc, port, (uint8_t)value, now);
	vm_set_irq(vm, 8, rtc_update(&vm->rtc, now));
	vcpu_kick(&vm->vcpu);   /* a new rate or enable: the scheduler re-arms the timer */
}

const struct port_device dev_rtc = {
	.name = "rtc", .base = RTC_INDEX, .count = 2, .in = rtc_in, .out = rtc_out,
};
