/* The nested page table format (APM Vol. 2 15.25 "Nested Paging"): an
 * ordinary x86-64 4-level page table over guest-physical addresses, as
 * a guest/memory.h stage-2 backend.  Every nested access counts as a
 * user access (15.25.5), so every entry grants U/S. */
#include "svm/npt.h"

#define NPT_P  (1ull << 0)
#define NPT_RW (1ull << 1)
#define NPT_US (1ull << 2)

static const struct pt_format npt_format = {
	.present_mask = NPT_P,
	.table_flags = NPT_P | NPT_RW | NPT_US,
};

/* Frames leave a guest only when it is destroyed; its ASID is flushed
 * at the next VMRUN that uses it (TLB_CONTROL, svm/vmcb.c), before any
 * other guest can run with it. */
static void npt_flush(const struct pagetable *pt)
{
	(void)pt;
}

/* PAT index 0 (PWT = PCD = PAT = 0): write-back under the host's PAT,
 * combined with the guest's own PAT as the CPU does (15.25.8). */
const struct stage2 npt_stage2 = {
	.format = &npt_format,
	.leaf_rwx = NPT_P | NPT_RW | NPT_US,
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
	return pt_map_page(&m->table, gpa & ~0xFFFull, *hpa | (1ull << 51), 1, npt_stage2.leaf_rwx);
}

void npt_restore(struct guest_memory *m, uint64_t gpa, uint64_t hpa)
{
	pt_map_page(&m->table, gpa & ~0xFFFull, hpa, 1, npt_stage2.leaf_rwx);
}
