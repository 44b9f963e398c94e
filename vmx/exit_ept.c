/* EPT violations and misconfigurations (exit reasons 48, 49): the path
 * of DESIGN.md section 2.  Qualification: SDM Vol. 3C Table 28-7. */
#include "guest/vm.h"
#include "vmx/dump.h"
#include "vmx/ept.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

static const char *access_name(uint64_t q)
{
	if (q & EPT_QUAL_FETCH)
		return "fetch";
	return q & EPT_QUAL_WRITE ? "write" : "read";
}

enum exit_action handle_ept_violation(struct vcpu *v)
{
	uint64_t gpa = vmread(GUEST_PHYSICAL_ADDRESS);

	switch (gmem_fault(&v->vm->mem, gpa)) {
	case GMEM_MAPPED:
		/* If the fault interrupted an event's delivery (a guest IDT or
		 * stack page touched for the first time), deliver it again. */
		reinject_vectoring_event(v);
		return EXIT_RESUME;
	case GMEM_NO_MEMORY:
		vm_stop(v->vm, "out of host memory backing gpa=0x%llx", (unsigned long long)gpa);
		return EXIT_STOP;
	default: {
		uint64_t q = vmread(EXIT_QUALIFICATION);
		vm_stop(v->vm, "EPT violation gpa=0x%llx rip=0x%llx (%s)", (unsigned long long)gpa,
			(unsigned long long)vmread(GUEST_RIP), access_name(q));
		return EXIT_STOP;
	}
	}
}

/* Only Tern writes EPT entries, so a misconfiguration is a hypervisor
 * bug: show everything, stop this guest, keep the others. */
enum exit_action handle_ept_misconfig(struct vcpu *v)
{
	uint64_t gpa = vmread(GUEST_PHYSICAL_ADDRESS);

	vmcs_dump(v);
	vm_stop(v->vm, "EPT misconfiguration at gpa=0x%llx (a hypervisor bug; VMCS dumped above)",
		(unsigned long long)gpa);
	return EXIT_STOP;
}
