/* halter: cli; hlt.  The hypervisor must stop it ("stopped: halted"):
 * nothing can ever wake it.  With "sti" on its command line it halts
 * with interrupts enabled but every interrupt source idle (the PICs
 * masked, as the guest finds them): that too can never wake, and must be
 * stopped rather than waited for. */
#include "guest/tests/lib/libguest.h"

int main(uint32_t magic, const struct mb_info *mbi)
{
	bool sti = cmdline_has_word(mbi_cmdline(mbi), "sti");

	(void)magic;
	puts(sti ? "halting with interrupts enabled and no source armed"
		 : "halting with interrupts disabled");
	serial_flush();
	if (sti)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	else
		__asm__ volatile("cli; hlt" ::: "memory");
	puts("FAIL: still running after hlt");
	return 1;
}
