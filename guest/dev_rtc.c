/* Port glue of the RTC and CMOS memory (devices/rtc.c): its 32.768 kHz
 * clock on the host TSC from the guest's power-on, its IRQ8 line. */
#include "devices/rtc.h"
#include "arch/x86/tsc.h"
#include "guest/devices.h"
#include "guest/intr.h"
#include "guest/vm.h"
#include "lib/muldiv.h"

uint64_t vm_rtc_clock(const struct vm *vm, uint64_t tsc)
{
	return tsc > vm->clock_base ? muldiv64(tsc - vm->clock_base, RTC_HZ, (uint32_t)tsc_khz()) / 1000
				    : 0;
}

uint64_t vm_rtc_tsc(const struct vm *vm, uint64_t clock)
{
	return vm->clock_base + muldiv64(clock * 1000, (uint32_t)tsc_khz(), RTC_HZ) + 1;
}

static uint32_t rtc_in(struct vm *vm, uint16_t port, unsigned size)
{
	uint64_t now = vm_rtc_clock(vm, rdtsc());
	uint8_t v;

	(void)size;
	v = rtc_read(&vm->rtc, port, now);
	vm_set_irq(vm, 8, rtc_update(&vm->rtc, now));   /* a read of C drops IRQ8 */
	return v;
}

static void rtc_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	uint64_t now = vm_rtc_clock(vm, rdtsc());

	(void)size;
	rtc_write(&vm->rtc, port, (uint8_t)value, now);
	vm_set_irq(vm, 8, rtc_update(&vm->rtc, now));
	vcpu_kick(&vm->vcpu);   /* a new rate or enable: the scheduler re-arms the timer */
}

const struct port_device dev_rtc = {
	.name = "rtc", .base = RTC_INDEX, .count = 2, .in = rtc_in, .out = rtc_out,
};
