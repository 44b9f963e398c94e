/* triple: an IDT with limit 0, then ud2.  #UD cannot be delivered, nor
 * the #GP that follows, nor the #DF: a triple fault, which the hypervisor
 * must report ("stopped: triple fault"). */
#include "guest/tests/lib/libguest.h"

int main(uint32_t magic, const struct mb_info *mbi)
{
	static const struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	(void)magic;
	(void)mbi;
	puts("loading an empty IDT and executing ud2");
	serial_flush();
	__asm__ volatile("lidt %0\n\tud2" : : "m"(empty_idt) : "memory");
	puts("FAIL: still running after ud2 with an empty IDT");
	return 1;
}
