#include "arch/x86/idt.h"
#include "arch/x86/gdt.h"

/* 64-bit interrupt gate (SDM Vol. 3A Figure 6-8). */
struct __attribute__((packed)) idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
};

#define GATE_INTERRUPT 0x8E   /* P=1, DPL=0, type 0xE */

extern const uint64_t isr_stub_table[32];   /* arch/x86/isr.asm */
extern char nmi_ignore[];
extern const uint64_t irq_stub_table[224];  /* arch/x86/isr.asm: vectors 32-255 */

static struct idt_gate idt[256] __attribute__((aligned(16)));

static void set_gate(int vec, uint64_t handler, uint8_t ist)
{
	idt[vec] = (struct idt_gate){
		.offset_low = handler & 0xFFFF,
		.selector = SEL_KERNEL_CODE,
		.ist = ist,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (handler >> 16) & 0xFFFF,
		.offset_high = handler >> 32,
	};
}

/* #DF, NMI and #MC run on their own stacks so that a corrupt or
 * exhausted stack still produces a crash dump. */
static uint8_t ist_for_vector(int vec)
{
	switch (vec) {
	case 2: return IST_NMI;
	case 8: return IST_DOUBLE_FAULT;
	case 18: return IST_MACHINE_CHECK;
	default: return 0;
	}
}

void idt_init(void)
{
	struct descriptor_table_ptr ptr = { sizeof idt - 1, (uint64_t)idt };

	for (int v = 0; v < 32; v++)
		set_gate(v, isr_stub_table[v], ist_for_vector(v));
	set_gate(2, (uint64_t)nmi_ignore, IST_NMI);
	for (int v = 32; v < 256; v++)
		set_gate(v, irq_stub_table[v - 32], 0);
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

uint64_t idt_base(void)
{
	return (uint64_t)idt;
}
