/* The VMX instructions as C functions (SDM Vol. 3C chapter 31).  Each
 * reports failure through RFLAGS (31.2 "Conventions"): CF = 1 is
 * VMfailInvalid, ZF = 1 is VMfailValid with the reason in the VMCS's
 * VM-instruction error field.  Those return non-zero here. */
#ifndef TERN_VMX_VMX_INSN_H
#define TERN_VMX_VMX_INSN_H

#include <stdint.h>

static inline int vmxon(uint64_t phys)
{
	uint8_t fail;
	__asm__ volatile("vmxon %1; setna %0" : "=qm"(fail) : "m"(phys) : "cc", "memory");
	return fail;
}

static inline void vmxoff(void)
{
	__asm__ volatile("vmxoff" ::: "cc", "memory");
}

static inline int vmclear(uint64_t phys)
{
	uint8_t fail;
	__asm__ volatile("vmclear %1; setna %0" : "=qm"(fail) : "m"(phys) : "cc", "memory");
	return fail;
}

static inline int vmptrld(uint64_t phys)
{
	uint8_t fail;
	__asm__ volatile("vmptrld %1; setna %0" : "=qm"(fail) : "m"(phys) : "cc", "memory");
	return fail;
}

/* vmread/vmwrite of fields that exist cannot fail with a current VMCS;
 * the callers only use encodings from vmcs_fields.h. */
static inline uint64_t vmread(uint64_t field)
{
	uint64_t v;
	__asm__ volatile("vmread %1, %0" : "=r"(v) : "r"(field) : "cc");
	return v;
}

static inline void vmwrite(uint64_t field, uint64_t v)
{
	__asm__ volatile("vmwrite %1, %0" : : "r"(field), "rm"(v) : "cc");
}

/* vmwrite that reports failure (used while building a VMCS, so a field
 * this CPU lacks is named instead of silently ignored). */
static inline int vmwrite_checked(uint64_t field, uint64_t v)
{
	uint8_t fail;
	__asm__ volatile("vmwrite %2, %1; setna %0" : "=qm"(fail) : "r"(field), "rm"(v) : "cc");
	return fail;
}

struct invept_desc {
	uint64_t eptp, reserved;
};

static inline int invept(uint64_t type, uint64_t eptp)
{
	struct invept_desc d = { eptp, 0 };
	uint8_t fail;
	__asm__ volatile("invept %1, %2; setna %0" : "=qm"(fail) : "m"(d), "r"(type) : "cc", "memory");
	return fail;
}

struct invvpid_desc {
	uint64_t vpid, linear;
};

static inline int invvpid(uint64_t type, uint16_t vpid)
{
	struct invvpid_desc d = { vpid, 0 };
	uint8_t fail;
	__asm__ volatile("invvpid %1, %2; setna %0" : "=qm"(fail) : "m"(d), "r"(type) : "cc", "memory");
	return fail;
}

#endif
