/* CPU exceptions in the hypervisor (root mode) end in a crash dump. */
#ifndef TERN_ARCH_X86_EXCEPTION_H
#define TERN_ARCH_X86_EXCEPTION_H

#include <stdint.h>

/* Laid out by arch/x86/isr.asm: GPRs, then vector and error code, then
 * the CPU's own frame (SDM Vol. 3A 6.14.1 "64-Bit Mode Stack Frame"). */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

_Noreturn void exception_dispatch(struct trap_frame *f);
/* An exception the hypervisor expects (a #GP from rdmsr_safe): handled,
 * RIP moved on; returns 1.  Otherwise 0 and the crash dump follows. */
int exception_fixup(struct trap_frame *f);
const char *exception_name(unsigned vector);

/* Print "  #n ADDR symbol+off" lines following saved frame pointers. */
void backtrace_print(uint64_t rbp);
/* "symbol+0xoff" for addr, into buf. */
void symbolize(uint64_t addr, char *buf, unsigned size);

#endif
