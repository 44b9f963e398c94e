#include "arch/x86/pic.h"
#include "arch/x86/io.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1

/* Re-initialize both 8259As with their vectors at 0x20-0x2F, away from
 * the CPU exceptions where the BIOS leaves the master (0x08-0x0F), then
 * mask every line: a spurious IRQ7/IRQ15 then lands on a host-interrupt
 * vector, not on #DF or #GP (8259A datasheet, ICW1-ICW4, OCW1). */
void pic_mask_all(void)
{
	outb(PIC1_CMD, 0x11);    /* ICW1: edge, cascade, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, 0x20);   /* ICW2: vector base */
	outb(PIC2_DATA, 0x28);
	outb(PIC1_DATA, 0x04);   /* ICW3: slave on IRQ2 */
	outb(PIC2_DATA, 0x02);
	outb(PIC1_DATA, 0x01);   /* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xFF);   /* OCW1: interrupt mask register */
	outb(PIC2_DATA, 0xFF);
}
