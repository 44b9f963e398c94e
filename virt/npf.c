/* Nested page faults (EPT violations and misconfigurations on VMX, NPF
 * on SVM): the path of DESIGN.md section 2, the same for both. */
#include "guest/mmio.h"
#include "guest/vm.h"
#include "virt/exit.h"
#include "virt/vcpu.h"

static const char *access_name(unsigned access)
{
	if (access & NPF_FETCH)
		return "fetch";
	return access & NPF_WRITE ? "write" : "read";
}

HOT_PATH enum exit_action handle_npf(struct vcpu *v, const struct vexit *e)
{
	uint64_t gpa = e->npf.gpa;
	struct mmio_access dev;

	switch (gmem_fault(&v->vm->mem, gpa)) {
	case GMEM_MAPPED:
		/* If the fault interrupted an event's delivery (a guest IDT or
		 * stack page touched for the first time), deliver it again. */
		reinject_vectoring_event(v, e);
		return EXIT_RESUME;
	case GMEM_NO_MEMORY:
		vm_stop(v->vm, "out of host memory backing gpa=0x%llx", (unsigned long long)gpa);
		return EXIT_STOP;
	default:
		/* Outside RAM: a device's MMIO page, or nothing.  Only an
		 * instruction's own access is emulated: a walk of page tables
		 * or an IDT, GDT or stack during an event's delivery that
		 * reaches device memory is not what the instruction at RIP
		 * did, and nothing sane does it. */
		if ((e->npf.access & (NPF_LINEAR | NPF_FINAL)) != (NPF_LINEAR | NPF_FINAL)) {
			vm_stop(v->vm, "guest page-table walk reached gpa=0x%llx outside RAM rip=0x%llx",
				(unsigned long long)gpa, (unsigned long long)vcpu_get(v, VREG_RIP));
			return EXIT_STOP;
		}
		if (e->vectoring.valid) {
			vm_stop(v->vm, "delivery of vector %u reached gpa=0x%llx outside RAM rip=0x%llx",
				e->vectoring.vector, (unsigned long long)gpa,
				(unsigned long long)vcpu_get(v, VREG_RIP));
			return EXIT_STOP;
		}
		if (vm_mmio_device(v->vm, gpa, &dev))
			return vcpu_emulate_mmio(v, gpa, &dev);
		vm_stop(v->vm, "%s gpa=0x%llx rip=0x%llx (%s)", backend->exit_names[VEXIT_NPF],
			(unsigned long long)gpa, (unsigned long long)vcpu_get(v, VREG_RIP),
			access_name(e->npf.access));
		return EXIT_STOP;
	}
}

/* Only Tern writes nested page tables, so a misconfiguration is a
 * hypervisor bug: show everything, stop this guest, keep the others. */
enum exit_action handle_npt_misconfig(struct vcpu *v, const struct vexit *e)
{
	backend->dump(v);
	vm_stop(v->vm, "%s at gpa=0x%llx (a hypervisor bug; %s dumped above)",
		backend->exit_names[VEXIT_NPT_MISCONFIG], (unsigned long long)e->npf.gpa,
		backend->control_block);
	return EXIT_STOP;
}
