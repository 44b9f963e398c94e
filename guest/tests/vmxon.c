/* vmxon: every VMX instruction must raise #UD in the guest, as on a CPU
 * whose CR4.VMXE is 0 (the hypervisor hides VMX).  Encodings are given
 * as bytes so the assembler's mode does not matter; memory operands
 * address through EAX, register operands are EAX/EBX/ECX. */
#include "guest/tests/lib/libguest.h"

/* A VMXON / VMCS region: 4 KiB aligned, zeroed (it is in .bss). */
static uint8_t region[4096] __attribute__((aligned(4096)));
/* 64-bit operands holding the region's physical address. */
static uint64_t region_pa;
/* INVEPT / INVVPID descriptor. */
static uint64_t descriptor[2] __attribute__((aligned(16)));
/* VMPTRST's destination. */
static uint64_t stored_pa;

struct vmx_insn {
	const char *name;
	int op;
};

enum {
	OP_VMXON, OP_VMXOFF, OP_VMCLEAR, OP_VMPTRLD, OP_VMPTRST, OP_VMREAD,
	OP_VMWRITE, OP_VMLAUNCH, OP_VMRESUME, OP_INVEPT, OP_INVVPID, OP_VMFUNC,
};

static const struct vmx_insn insns[] = {
	{ "vmxon", OP_VMXON },  { "vmxoff", OP_VMXOFF },     { "vmclear", OP_VMCLEAR },
	{ "vmptrld", OP_VMPTRLD }, { "vmptrst", OP_VMPTRST }, { "vmread", OP_VMREAD },
	{ "vmwrite", OP_VMWRITE }, { "vmlaunch", OP_VMLAUNCH }, { "vmresume", OP_VMRESUME },
	{ "invept", OP_INVEPT }, { "invvpid", OP_INVVPID },   { "vmfunc", OP_VMFUNC },
};

/* Execute one instruction with the catcher armed; the vector caught or -1. */
static int run(int op)
{
	uint32_t pa = (uint32_t)&region_pa;

	expect_exception(6, 0);
	switch (op) {
	case OP_VMXON:          /* vmxon (%eax) */
		__asm__ volatile(TRAP_INSN(".byte 0xf3, 0x0f, 0xc7, 0x30") : : "a"(pa) : "memory");
		break;
	case OP_VMXOFF:         /* vmxoff */
		__asm__ volatile(TRAP_INSN(".byte 0x0f, 0x01, 0xc4") : : : "memory", "cc");
		break;
	case OP_VMCLEAR:        /* vmclear (%eax) */
		__asm__ volatile(TRAP_INSN(".byte 0x66, 0x0f, 0xc7, 0x30") : : "a"(pa) : "memory", "cc");
		break;
	case OP_VMPTRLD:        /* vmptrld (%eax) */
		__asm__ volatile(TRAP_INSN(".byte 0x0f, 0xc7, 0x30") : : "a"(pa) : "memory", "cc");
		break;
	case OP_VMPTRST:        /* vmptrst (%eax) */
		__asm__ volatile(TRAP_INSN(".byte 0x0f, 0xc7, 0x38")
				 : : "a"((uint32_t)&stored_pa) : "memory", "cc");
		break;
	case OP_VMREAD:         /* vmread %eax, %ebx: field EAX (guest RIP) -> EBX */
		__asm__ volatile(TRAP_INSN(".byte 0x0f, 0x78, 0xc3")
				 : : "a"(0x681Eu), "b"(0) : "memory", "cc");
		break;
	case OP_VMWRITE:        /* vmwrite %ebx, %eax: EBX -> field EAX (guest RIP) */
		__asm__ volatile(TRAP_INSN(".byte 0x0f, 0x79, 0xc3")
				 : : "a"(0x681Eu), "b"(0) : "memory", "cc");
		break;
	case OP_VMLAUNCH:       /* vmlaunch */
		__asm__ volatile(TRAP_INSN(".byte 0x0f, 0x01, 0xc2") : : : "memory", "cc");
		break;
	case OP_VMRESUME:       /* vmresume */
		__asm__ volatile(TRAP_INSN(".byte 0x0f, 0x01, 0xc3") : : : "memory", "cc");
		break;
	case OP_INVEPT:         /* invept (%eax), %ecx: type 2, all contexts */
		__asm__ volatile(TRAP_INSN(".byte 0x66, 0x0f, 0x38, 0x80, 0x08")
				 : : "a"((uint32_t)descriptor), "c"(2) : "memory", "cc");
		break;
	case OP_INVVPID:        /* invvpid (%eax), %ecx: type 2, all contexts */
		__asm__ volatile(TRAP_INSN(".byte 0x66, 0x0f, 0x38, 0x81, 0x08")
				 : : "a"((uint32_t)descriptor), "c"(2) : "memory", "cc");
		break;
	case OP_VMFUNC:         /* vmfunc: EAX = 0 (EPTP switching), ECX = 0 */
		__asm__ volatile(TRAP_INSN(".byte 0x0f, 0x01, 0xd4") : : "a"(0), "c"(0) : "memory", "cc");
		break;
	}
	return caught_exception();
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	unsigned bad = 0, n = sizeof insns / sizeof insns[0];

	(void)magic;
	(void)mbi;
	region_pa = (uint32_t)region;
	printf("VMX region at 0x%08x, CR4=0x%08x\n", (uint32_t)region, read_cr4());
	for (unsigned i = 0; i < n; i++) {
		int v = run(insns[i].op);
		if (v == 6) {
			printf("caught #UD from %s\n", insns[i].name);
		} else if (v < 0) {
			printf("FAIL: %s raised no exception\n", insns[i].name);
			bad++;
		} else {
			printf("FAIL: %s raised vector %d (%s) error=0x%x, want #UD\n",
			       insns[i].name, v, exception_name((unsigned)v), guest_trap_error);
			bad++;
		}
	}
	if (bad) {
		printf("vmxon: %u of %u VMX instructions did not raise #UD\n", bad, n);
		return 1;
	}
	printf("vmxon: all %u VMX instructions raised #UD\n", n);
	return 0;
}
