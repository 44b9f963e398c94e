/* halter: cli; hlt.  The hypervisor must stop it ("stopped: halted"):
 * nothing can ever wake it. */
#include "guest/tests/lib/libguest.h"

int main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	(void)mbi;
	puts("halting with interrupts disabled");
	serial_flush();
	__asm__ volatile("cli; hlt" ::: "memory");
	puts("FAIL: still running after cli; hlt");
	return 1;
}
