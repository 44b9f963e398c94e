/* TSC calibration with PIT channel 2 (Intel 8254 data sheet): gate it
 * through port 0x61, count down 10 ms in mode 0, and see how far the TSC
 * moved.  Under Bochs with clock sync=none both advance with emulated
 * instructions, so the result is deterministic there too. */
#include "arch/x86/tsc.h"
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"

#define PIT_HZ      1193182u
#define PIT_CH2     0x42
#define PIT_MODE    0x43
#define PORT_B      0x61
#define CALIBRATE_MS 10

static uint64_t khz;

uint64_t tsc_calibrate(void)
{
	uint16_t count = (uint16_t)(PIT_HZ * CALIBRATE_MS / 1000);
	uint8_t b = inb(PORT_B);

	outb(PORT_B, (uint8_t)((b & ~0x02) | 0x01));   /* gate on, speaker off */
	outb(PIT_MODE, 0xB0);                           /* ch2, lo/hi, mode 0, binary */
	outb(PIT_CH2, count & 0xFF);
	outb(PIT_CH2, count >> 8);
	uint64_t start = rdtsc();
	/* OUT2 (port 0x61 bit 5) goes high when the count reaches zero; a
	 * bound keeps a missing PIT from hanging the boot. */
	for (uint64_t spins = 0; !(inb(PORT_B) & 0x20) && spins < 100000000; spins++)
		pause();
	uint64_t ticks = rdtsc() - start;
	outb(PORT_B, b);
	khz = ticks / CALIBRATE_MS;
	if (!khz)
		khz = 1000000;   /* no PIT: assume 1 GHz rather than divide by zero */
	return khz;
}

uint64_t tsc_khz(void)
{
	return khz;
}
