/* VMCALL (exit reason 18): Tern's hypercalls. */
#include "guest/vm.h"
#include "vmx/exit.h"
#include "vmx/hypercall.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

static int64_t console_write(struct vcpu *v, uint64_t gpa, uint64_t len)
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

HOT_PATH enum exit_action handle_vmcall(struct vcpu *v)
{
	uint32_t nr = (uint32_t)v->gpr[GPR_RAX];
	int64_t ret;

	/* Like KVM: hypercalls are for the guest kernel (CPL = SS.DPL). */
	if ((vmread(GUEST_SS_AR_BYTES) >> 5) & 3) {
		v->gpr[GPR_RAX] = (uint64_t)-TERN_EPERM;
		return EXIT_ADVANCE;
	}
	switch (nr) {
	case TERN_HC_VERSION:
		ret = TERN_HC_ABI_VERSION;
		break;
	case TERN_HC_CONSOLE_WRITE: {
		bool lm = guest_in_64bit_code();
		ret = console_write(v, arg(v, GPR_RBX, lm), arg(v, GPR_RCX, lm));
		break;
	}
	case TERN_HC_EXIT:
		vm_exit(v->vm, (uint32_t)v->gpr[GPR_RBX]);
		return EXIT_STOP;
	case TERN_HC_YIELD:
		v->gpr[GPR_RAX] = 0;
		advance_rip(v);
		return EXIT_SCHEDULE;
	default:
		ret = -TERN_ENOSYS;
		break;
	}
	v->gpr[GPR_RAX] = (uint64_t)ret;
	return EXIT_ADVANCE;
}
