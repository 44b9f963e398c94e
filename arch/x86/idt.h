/* Interrupt descriptor table: the 32 exception vectors go to the crash
 * dump (arch/x86/exception.c). */
#ifndef TERN_ARCH_X86_IDT_H
#define TERN_ARCH_X86_IDT_H

#include <stdint.h>

void idt_init(void);
uint64_t idt_base(void);

#endif
