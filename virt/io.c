/* I/O instructions: IN/OUT and INS/OUTS of 1, 2 or 4 bytes, with or
 * without REP, through the guest's port bus.  The backend decodes port,
 * size, direction and address size (VMX exit qualification and
 * instruction information, SDM Vol. 3C Table 28-5 and 28.2.5; SVM
 * EXITINFO1, APM Vol. 2 15.10.2). */
#include "guest/gva.h"
#include "guest/vm.h"
#include "virt/exit.h"
#include "virt/strio.h"
#include "virt/vcpu.h"

#define RFLAGS_DF      (1ull << 10)
/* Elements moved per exit; a longer REP continues on re-entry, as the
 * CPU itself would after an interrupt (RIP is not advanced). */
#define STRING_IO_BATCH 1024

static HOT_PATH enum exit_action port_in(struct vcpu *v, uint16_t port, unsigned size)
{
	uint32_t value = port_bus_in(v->vm, &v->vm->ports, port, size);
	uint64_t *rax = &v->gpr[GPR_RAX];

	if (size == 4)
		*rax = value;   /* a 32-bit destination clears bits 63:32 */
	else if (size == 2)
		*rax = (*rax & ~0xFFFFull) | value;
	else
		*rax = (*rax & ~0xFFull) | value;
	return EXIT_ADVANCE;
}

/* Guest memory at a linear address; a fault becomes the guest's #PF. */
static int linear_access(struct vcpu *v, uint64_t linear, void *buf, unsigned size, bool write)
{
	struct linear_access a = vcpu_linear_access(v, write);
	uint64_t fault_addr;
	uint32_t pf;
	int rc = vcpu_copy_linear(v, &a, linear, buf, size, &fault_addr, &pf);

	if (rc > 0)
		inject_page_fault(v, fault_addr, pf);
	else if (rc < 0)
		vm_stop(v->vm, "string I/O to linear 0x%llx outside its RAM", (unsigned long long)linear);
	return rc ? -1 : 0;
}

/* INS writes ES:rDI; OUTS reads seg:rSI, DS unless overridden (SDM
 * Vol. 2B "INS", "OUTS").  In 64-bit mode only FS and GS have a base. */
static uint64_t string_base(struct vcpu *v, const struct vexit *e, bool code64)
{
	unsigned seg = e->io.flags & VIO_IN ? SEG_ES : e->io.seg;
	struct vseg s;

	if (code64 && seg != SEG_FS && seg != SEG_GS)
		return 0;
	vcpu_get_seg(v, (enum vseg_reg)seg, &s);
	return s.base;
}

/* Not inlined into handle_io: its frame would cost every IN and OUT.
 * The index and count wrap at the address size (virt/strio.h). */
static __attribute__((noinline)) enum exit_action string_io(struct vcpu *v, const struct vexit *e)
{
	uint16_t port = e->io.port;
	unsigned size = e->io.size, asz = e->io.addr_size;
	bool in = e->io.flags & VIO_IN, rep = e->io.flags & VIO_REP, code64 = vcpu_long_mode(v);
	int64_t step = vcpu_get(v, VREG_RFLAGS) & RFLAGS_DF ? -(int64_t)size : (int64_t)size;
	uint64_t base = string_base(v, e, code64);
	uint64_t count = rep ? v->gpr[GPR_RCX] & strio_mask(asz) : 1;
	uint64_t *index = &v->gpr[in ? GPR_RDI : GPR_RSI];
	uint64_t done = 0;

	for (; done < count && done < STRING_IO_BATCH; done++) {
		uint64_t linear = strio_linear(base, *index, asz, code64);
		uint32_t value = 0;
		if (in) {
			value = port_bus_in(v->vm, &v->vm->ports, port, size);
			if (linear_access(v, linear, &value, size, true))
				break;
		} else {
			if (linear_access(v, linear, &value, size, false))
				break;
			port_bus_out(v->vm, &v->vm->ports, port, size, value);
		}
		*index = strio_next(*index, step, asz, code64);
		if (v->vm->state != VM_RUNNABLE)
			return EXIT_STOP;
	}
	if (v->vm->state != VM_RUNNABLE)
		return EXIT_STOP;   /* it touched memory outside its RAM */
	if (rep && done)   /* no element, no register written */
		v->gpr[GPR_RCX] = strio_set(v->gpr[GPR_RCX], count - done, asz, code64);
	/* Done, or a fault was injected (RIP stays for the handler to retry). */
	if (done == count)
		return EXIT_ADVANCE;
	return EXIT_RESUME;
}

HOT_PATH enum exit_action handle_io(struct vcpu *v, const struct vexit *e)
{
	if (e->io.flags & VIO_STRING)
		return string_io(v, e);
	if (e->io.flags & VIO_IN)
		return port_in(v, e->io.port, e->io.size);
	port_bus_out(v->vm, &v->vm->ports, e->io.port, e->io.size, (uint32_t)v->gpr[GPR_RAX]);
	/* A device may have ended the guest (exit port, reset request). */
	return v->vm->state == VM_RUNNABLE ? EXIT_ADVANCE : EXIT_STOP;
}
