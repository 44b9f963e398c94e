/* resetter: asks the machine to reset through the port named on its
 * command line (port=cf9, port=64 or port=92).  The hypervisor must stop
 * it with a reason that names the port. */
#include "guest/tests/lib/libguest.h"

static const struct {
	const char *name;
	uint16_t port;
	uint8_t value;
	const char *what;
} resets[] = {
	{ "cf9", 0xCF9, 0x06, "reset control register: full reset" },
	{ "64", 0x64, 0xFE, "keyboard controller: pulse reset line" },
	{ "92", 0x92, 0x01, "system control port A: fast reset" },
};

int main(uint32_t magic, const struct mb_info *mbi)
{
	char port[16];

	(void)magic;
	if (!cmdline_value(mbi_cmdline(mbi), "port", port, sizeof port)) {
		printf("FAIL: no port= on the command line \"%s\" (want port=cf9, 64 or 92)\n",
		       mbi_cmdline(mbi));
		return 1;
	}
	for (unsigned i = 0; i < sizeof resets / sizeof resets[0]; i++) {
		if (strcmp(port, resets[i].name) != 0)
			continue;
		printf("resetting via port 0x%x value 0x%02x (%s)\n",
		       resets[i].port, resets[i].value, resets[i].what);
		serial_flush();
		outb(resets[i].port, resets[i].value);
		/* A real chipset may take a moment; the hypervisor must not. */
		for (int n = 0; n < 100000; n++)
			cpu_pause();
		printf("FAIL: still running after reset via port %s\n", port);
		return 1;
	}
	printf("FAIL: unknown port=%s (want cf9, 64 or 92)\n", port);
	return 1;
}
