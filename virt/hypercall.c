/* VMCALL (Intel) / VMMCALL (AMD): Tern's hypercalls (docs/hypercalls.md). */
#include "guest/vm.h"
#include "virt/exit.h"
#include "virt/hypercall.h"
#include "virt/vcpu.h"

/* Not inlined: its frame would cost every hypercall. */
static __attribute__((noinline)) int64_t console_write(struct vcpu *v, uint64_t gpa, uint64_t len)
{
	static char buf[TERN_HC_CONSOLE_MAX];

	if (len > TERN_HC_CONSOLE_MAX)
		return -TERN_EINVAL;
	if (gmem_read(&v->vm->mem, gpa, buf, len))
		return -TERN_EFAULT;
	for (uint64_t i = 0; i < len; i++)
		guest_console_putc(v->vm, buf[i]);
	return (int64_t)len;
}

/* Outside 64-bit code the arguments are the 32-bit registers. */
static uint64_t arg(struct vcpu *v, enum gpr r, bool long_mode)
{
	return long_mode ? v->gpr[r] : (uint32_t)v->gpr[r];
}

HOT_PATH enum exit_action handle_hypercall(struct vcpu *v, const struct vexit *e)
{
	uint32_t nr = (uint32_t)v->gpr[GPR_RAX];
	int64_t ret;

	/* Like KVM: hypercalls are for the guest kernel (CPL 0). */
	if (e->cpl) {
		v->gpr[GPR_RAX] = (uint64_t)-TERN_EPERM;
		return EXIT_ADVANCE;
	}
	switch (nr) {
	case TERN_HC_VERSION:
		ret = TERN_HC_ABI_VERSION;
		break;
	case TERN_HC_CONSOLE_WRITE: {
		bool lm = vcpu_long_mode(v);
		ret = console_write(v, arg(v, GPR_RBX, lm), arg(v, GPR_RCX, lm));
		break;
	}
	case TERN_HC_EXIT:
		vm_exit(v->vm, (uint32_t)v->gpr[GPR_RBX]);
		return EXIT_STOP;
	case TERN_HC_YIELD:
		v->gpr[GPR_RAX] = 0;
		return EXIT_ADVANCE_SCHEDULE;
	default:
		ret = -TERN_ENOSYS;
		break;
	}
	v->gpr[GPR_RAX] = (uint64_t)ret;
	return EXIT_ADVANCE;
}
