#include "arch/x86/gdt.h"

#include <stddef.h>

/* 64-bit TSS (SDM Vol. 3A Figure 8-11). */
struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

#define IST_STACK_SIZE 16384

static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
static struct tss64 tss;

/* null, code (L=1), data, TSS (two slots: a 16-byte system descriptor). */
static uint64_t gdt[5] __attribute__((aligned(16))) = {
	0,
	0x00AF9A000000FFFFull,
	0x00CF92000000FFFFull,
	0,
	0,
};

static void set_tss_descriptor(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof tss - 1;

	/* Type 9 = available 64-bit TSS, P = 1 (SDM Vol. 3A 8.2.3). */
	gdt[3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
		 (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	gdt[4] = base >> 32;
}

void gdt_init(void)
{
	struct descriptor_table_ptr ptr = { sizeof gdt - 1, (uint64_t)gdt };

	for (int i = 0; i < 3; i++)
		tss.ist[i] = (uint64_t)&ist_stacks[i][IST_STACK_SIZE];
	tss.iomap_base = sizeof tss;   /* no I/O permission bitmap */
	set_tss_descriptor();

	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movw %%ax, %%fs\n\t"
		"movw %%ax, %%gs\n\t"
		"ltr %w3"
		:
		: "m"(ptr), "i"(SEL_KERNEL_CODE), "i"(SEL_KERNEL_DATA), "r"((uint16_t)SEL_TSS)
		: "rax", "memory");
}

uint64_t gdt_base(void)
{
	return (uint64_t)gdt;
}

uint64_t tss_base(void)
{
	return (uint64_t)&tss;
}
