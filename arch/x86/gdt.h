/* The hypervisor's GDT and TSS (SDM Vol. 3A 3.4.5, 8.7 "Task Management
 * in 64-bit Mode").  VMX host state points at these (vmx/vmcs.c). */
#ifndef TERN_ARCH_X86_GDT_H
#define TERN_ARCH_X86_GDT_H

#include <stdint.h>

#define SEL_KERNEL_CODE 0x08
#define SEL_KERNEL_DATA 0x10
#define SEL_TSS         0x18

/* Interrupt stack table slots (1-based, as the IDT gate encodes them). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_MACHINE_CHECK 3

struct __attribute__((packed)) descriptor_table_ptr {
	uint16_t limit;
	uint64_t base;
};

void gdt_init(void);
uint64_t gdt_base(void);
uint64_t tss_base(void);

#endif
