/* CPUID as a C function: shared by the hypervisor and the 32-bit test
 * guests (guest/tests/lib/libguest.h), so it uses only 32-bit registers. */
#ifndef TERN_ARCH_X86_CPUID_H
#define TERN_ARCH_X86_CPUID_H

#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;
	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/* The vendor string of leaf 0 says "AuthenticAMD" (EBX = "Auth"). */
static inline int cpuid_vendor_amd(void)
{
	return cpuid(0, 0).ebx == 0x68747541u;
}

/* Under a hypervisor (CPUID.1:ECX[31]), its leaf 40000000H: the highest
 * hypervisor leaf in EAX, the vendor signature in EBX, ECX, EDX. */
static inline int cpuid_hypervisor(struct cpuid_regs *leaf)
{
	if (!(cpuid(1, 0).ecx & (1u << 31)))
		return 0;
	*leaf = cpuid(0x40000000, 0);
	return 1;
}

#endif
