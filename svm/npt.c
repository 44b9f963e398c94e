/* Nested page tables (APM Vol. 2 15.25 "Nested Paging") as a
 * guest/memory.h stage 2: the entries are mm/formats.h's npt_format. */
#include "svm/npt.h"

/* Frames leave a guest only when it is destroyed; its ASID is flushed
 * at the next VMRUN that uses it (TLB_CONTROL, svm/vmcb.c), before any
 * other guest can run with it. */
static void npt_flush(const struct pagetable *pt)
{
	(void)pt;
}

const struct stage2 npt_stage2 = {
	.format = &npt_format,
	.flush = npt_flush,
};

/* crashtest=eptmisconfig on SVM: set address bit 51 in gpa's leaf.
 * Bits MAXPHYADDR..51 are reserved (15.25.5 with APM Vol. 2 5.3.1), so
 * the next access is an NPF with RSVD set.  The caller puts the leaf
 * back (npt_restore) before the guest's frames are freed. */
int npt_sabotage(struct guest_memory *m, uint64_t gpa, unsigned phys_bits, uint64_t *hpa)
{
	uint64_t flags;
	int level;

	if (phys_bits >= 52 || !pt_translate(&m->table, gpa, hpa, &flags, &level) || level != 1)
		return -1;
	*hpa &= ~0xFFFull;
	return pt_map_page(&m->table, gpa & ~0xFFFull, *hpa | (1ull << 51), 1, npt_format.leaf_ram);
}

void npt_restore(struct guest_memory *m, uint64_t gpa, uint64_t hpa)
{
	pt_map_page(&m->table, gpa & ~0xFFFull, hpa, 1, npt_format.leaf_ram);
}
