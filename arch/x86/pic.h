/* The legacy 8259A interrupt controllers. */
#ifndef TERN_ARCH_X86_PIC_H
#define TERN_ARCH_X86_PIC_H

/* Move the vectors to 0x20-0x2F and mask every IRQ line.  Tern runs
 * with interrupts off and has no use for device interrupts; a line left
 * unmasked by the firmware (the PIT's, typically) would otherwise cause
 * endless external-interrupt exits. */
void pic_mask_all(void);

#endif
