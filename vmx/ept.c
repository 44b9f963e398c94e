#include "vmx/ept.h"
#include "core/panic.h"
#include "vmx/caps.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

static const struct pt_format ept_format = {
	/* An EPT entry is present if any of R/W/X is set (29.3.2). */
	.present_mask = EPT_READ | EPT_WRITE | EPT_EXECUTE,
	/* Non-leaf entries grant everything; leaves decide. */
	.table_flags = EPT_READ | EPT_WRITE | EPT_EXECUTE,
};

uint64_t ept_pointer(const struct pagetable *pt)
{
	/* Memory type WB (bits 2:0 = 6), page-walk length 4 (bits 5:3 = 3). */
	return pt->root | 6 | (3 << 3);
}

static void ept_flush(const struct pagetable *pt)
{
	uint64_t type = vmx_caps.invept_single ? INVEPT_SINGLE_CONTEXT : INVEPT_ALL_CONTEXT;

	if (invept(type, ept_pointer(pt)))
		panic("vmx: INVEPT type %llu failed", (unsigned long long)type);
}

const struct stage2 ept_stage2 = {
	.format = &ept_format,
	.leaf_rwx = EPT_READ | EPT_WRITE | EPT_EXECUTE | EPT_MEMTYPE_WB,
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
	ept_flush(&m->table);
}
