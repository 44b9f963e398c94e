/* The VMRUN consistency checks on a VMCB (AMD APM Vol. 2 15.5.1, "Canonicalization
 * and Consistency Checks"), so that a VMEXIT_INVALID is reported with the
 * rule it broke: the CPU only says "invalid".  Pure: tests/test_svmdecode.c. */
#include "svm/check.h"
#include "svm/svm_exit.h"

#define CR0_PE (1ull << 0)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LME (1ull << 8)
/* EFER bits that must be zero: 1-7, 9, 16, 19 and 22-63 (APM Vol. 2
 * 3.1.7; 17 MCOMMIT, 18 INTWB, 20 UAIE and 21 AIBRSE are defined on newer
 * CPUs). */
#define EFER_MBZ (0xFEull | (1ull << 9) | (1ull << 16) | (1ull << 19) | ~0x3FFFFFull)

static bool event_valid(uint32_t inj)
{
	uint32_t type = (inj & EVENTINJ_TYPE_MASK) >> EVENTINJ_TYPE_SHIFT;
	uint32_t vector = inj & EVENTINJ_VECTOR_MASK;

	if (!(inj & EVENTINJ_V))
		return true;
	if (type != 0 && type != 2 && type != 3 && type != 4)
		return false;
	/* An exception must be one: vectors 0-31, never NMI's 2 (15.20). */
	return type != 3 || (vector < 32 && vector != 2);
}

const char *vmcb_check(const struct vmcb *b)
{
	const struct vmcb_save *s = &b->save;
	const struct vmcb_control *c = &b->control;
	bool long_paging = (s->efer & EFER_LME) && (s->cr0 & CR0_PG);

	if (!(s->efer & EFER_SVME))
		return "EFER.SVME is zero";
	if (!(s->cr0 & CR0_CD) && (s->cr0 & CR0_NW))
		return "CR0.CD is zero and CR0.NW is set";
	if (s->cr0 >> 32)
		return "CR0[63:32] are not zero";
	if (s->cr3 >> 52)
		return "CR3 has must-be-zero bits set (63:52)";
	if (s->cr4 >> 32)
		return "CR4[63:32] are not zero";
	if ((s->dr6 >> 32) || (s->dr7 >> 32))
		return "DR6[63:32] or DR7[63:32] are not zero";
	if (s->efer & EFER_MBZ)
		return "EFER has must-be-zero bits set";
	if (long_paging && !(s->cr4 & CR4_PAE))
		return "EFER.LME and CR0.PG are set, CR4.PAE is zero";
	if (long_paging && !(s->cr0 & CR0_PE))
		return "EFER.LME and CR0.PG are set, CR0.PE is zero";
	if (long_paging && (s->cr4 & CR4_PAE) && (s->cs.attrib & SVM_ATTRIB_L) &&
	    (s->cs.attrib & SVM_ATTRIB_DB))
		return "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D are all set";
	if (!(c->intercept_misc2 & INTERCEPT_VMRUN))
		return "the VMRUN intercept is clear";
	if (c->asid == 0)
		return "the ASID is 0, which is the host's";
	if (!event_valid(c->event_inj))
		return "EVENTINJ holds an illegal event";
	return 0;
}
