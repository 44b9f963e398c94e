#include "arch/x86/pic.h"
#include "arch/x86/io.h"

#define PIC1_DATA 0x21
#define PIC2_DATA 0xA1

void pic_mask_all(void)
{
	outb(PIC1_DATA, 0xFF);   /* OCW1: interrupt mask register */
	outb(PIC2_DATA, 0xFF);
}
