/* EPT as a stage 2: INVEPT drops what the CPU cached (SDM Vol. 3C
 * 29.4.3.1). */
#include "vmx/ept.h"
#include "core/panic.h"
#include "vmx/caps.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

static void ept_flush(const struct pagetable *pt)
{
	uint64_t type = vmx_caps.invept_single ? INVEPT_SINGLE_CONTEXT : INVEPT_ALL_CONTEXT;

	if (invept(type, pt->root | ept_format.root_flags))
		panic("vmx: INVEPT type %llu failed", (unsigned long long)type);
}

const struct stage2 ept_stage2 = {
	.format = &ept_format,
	.flush = ept_flush,
};

/* crashtest=eptmisconfig: make the page at gpa write-only, which no
 * EPT entry may be (SDM Vol. 3C 29.3.3.1: writable implies readable),
 * so the guest's next access to it is an EPT misconfiguration. */
void ept_sabotage(struct guest_memory *m, uint64_t gpa)
{
	uint64_t hpa, flags;
	int level;

	if (!pt_translate(&m->table, gpa, &hpa, &flags, &level))
		return;
	pt_map_page(&m->table, gpa & ~0xFFFull, hpa & ~0xFFFull, 1, EPT_WRITE | EPT_MEMTYPE_WB);
	gmem_invalidate(m);
}
