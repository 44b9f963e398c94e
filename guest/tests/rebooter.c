/* rebooter: resets itself through every reset path of a PC, one per
 * boot, counting its boots in CMOS byte 40h (CMOS memory survives a
 * reboot, as on a PC; RAM does not).  Run with on_reset=reboot:
 *   boot 1: port 0xCF9 value 6 (also the FADT's reset register)
 *   boot 2: the 8042's pulse-reset command 0xFE
 *   boot 3: port 0x92 bit 0
 *   boot 4: a triple fault
 *   boot 5: checks that RAM came back fresh, and exits.
 * Command line `loop`: reset through 0xCF9 at every boot (the hypervisor
 * must stop it after a burst of reboots). */
#include "guest/tests/lib/libguest.h"

#define BOOTS 0x40

/* Written by every boot; a fresh boot must find it zero again. */
static volatile uint32_t marker;

int main(uint32_t magic, const struct mb_info *mbi)
{
	static const struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };
	uint8_t boot = (uint8_t)(cmos_read(BOOTS) + 1);

	(void)magic;
	cmos_write(BOOTS, boot);
	if (marker != 0) {
		printf("FAIL: boot %u found RAM from the last boot (0x%x)\n", boot, marker);
		return 1;
	}
	marker = 0x7E57;
	printf("boot %u\n", boot);
	serial_flush();
	if (cmdline_has_word(mbi_cmdline(mbi), "loop"))
		outb(0xCF9, 0x06);
	switch (boot) {
	case 1:
		outb(0xCF9, 0x06);
		break;
	case 2:
		outb(0x64, 0xFE);
		break;
	case 3:
		outb(0x92, inb(0x92) | 1);
		break;
	case 4:
		__asm__ volatile("lidt %0\n\tud2" : : "m"(empty_idt) : "memory");
		break;
	default:
		printf("rebooted through 4 reset paths, RAM fresh each time\n");
		return 0;
	}
	printf("FAIL: still running after the reset of boot %u\n", boot);
	return 1;
}
