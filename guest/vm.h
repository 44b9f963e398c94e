/*
 * The VM abstraction: a guest (struct vm) with its memory, devices and
 * console, and its virtual CPU (struct vcpu) with the VMX state.
 * One vCPU per guest for now; the scheduler (guest/run.c) runs them
 * round-robin on the one physical CPU.
 */
#ifndef TERN_GUEST_VM_H
#define TERN_GUEST_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/config.h"
#include "guest/memory.h"
#include "guest/portbus.h"
#include "vmx/exit_reason.h"

/* MSRs switched with the vCPU (STAR, LSTAR, CSTAR, FMASK,
 * KERNEL_GS_BASE, TSC_AUX), in vmx/exit_msr.c. */
#define SWAPPED_MSRS 6
extern const uint32_t swapped_msrs[SWAPPED_MSRS];

#define VM_CMDLINE_MAX 512
#define VM_STOP_REASON_MAX 160
#define CONSOLE_LINE_MAX 160
#define VM_MAX 32                 /* guests per boot (one per module2) */

/* Guest GPRs in the x86 register-number order (SDM Vol. 2 Table 2-2),
 * so "GPR n" from an exit qualification indexes gpr[n].  gpr[4] (RSP)
 * is unused: the guest's RSP lives in the VMCS. */
enum gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
};

enum vm_state {
	VM_RUNNABLE,
	VM_EXITED,     /* the guest ended itself: exit port or hypercall */
	VM_STOPPED,    /* the hypervisor stopped it */
};

struct vm;

struct vcpu {
	/* vmx/entry.asm depends on these first four members' offsets
	 * (checked in vmx/vmcs.c). */
	uint64_t gpr[16];
	uint64_t host_rsp;        /* the scheduler's stack while the guest runs */
	uint64_t launched;        /* VMLAUNCH done: next entry is VMRESUME */
	uint64_t host_stack_top;  /* = HOST_RSP; the slot there holds this vcpu's address */

	struct vm *vm;
	uint64_t vmcs;            /* physical address of the VMCS */
	uint64_t host_stack;      /* physical address of the host stack (4 pages) */
	uint16_t vpid;
	uint64_t xcr0;
	uint64_t guest_msrs[SWAPPED_MSRS];   /* vmx/exit_msr.c: swapped_msrs[] */
	uint64_t cr2;             /* not in the VMCS: switched by guest/run.c */
	uint64_t dr[4], dr6;      /* likewise: DR7 is in the VMCS */
	uint64_t mtrr_def_type;
	uint8_t fpu[512] __attribute__((aligned(16)));  /* FXSAVE image */
	uint64_t exits[EXIT_REASON_SLOTS];   /* per basic exit reason */
};

struct guest_console {
	char line[CONSOLE_LINE_MAX];
	unsigned len;
};

struct vm {
	char name[GUEST_NAME_MAX];
	char cmdline[VM_CMDLINE_MAX];  /* the guest's own command line */
	unsigned index;
	enum vm_state state;
	uint64_t exit_status;
	char stop_reason[VM_STOP_REASON_MAX];

	struct guest_memory mem;
	struct port_bus ports;
	struct guest_console console;
	struct vcpu vcpu;

	/* Devices' state. */
	struct uart_state *uart;
	uint16_t fwcfg_key;
	uint32_t fwcfg_offset;

};

/* Create guest number `index` from boot module number `module`: parse
 * its options, set up memory, devices and the vCPU, load the image.  0,
 * or -1 with a one-line reason in err (vm->name is the name= given, or
 * "moduleN"). */
int vm_create(struct vm *vm, unsigned index, unsigned module, const uint8_t *image, size_t size,
	      const char *module_cmdline, char *err, size_t err_size);
/* Flush its console, return every frame it used. */
void vm_destroy(struct vm *vm);

/* Stop the guest: the hypervisor will report "stopped: <reason>". */
void vm_stop(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The guest ended itself with `status`. */
void vm_exit(struct vm *vm, uint64_t status);

/* Console output of the guest, one line at a time as "[name] text". */
void guest_console_putc(struct vm *vm, char c);
void guest_console_flush(struct vm *vm);

#endif
