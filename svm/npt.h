/* The nested page table format (APM Vol. 2 15.25) as a stage-2 backend. */
#ifndef TERN_SVM_NPT_H
#define TERN_SVM_NPT_H

#include <stdint.h>

#include "guest/memory.h"
#include "mm/formats.h"

extern const struct stage2 npt_stage2;

/* crashtest=eptmisconfig: set a reserved address bit in gpa's entry
 * (its frame in *hpa); npt_restore() undoes it. */
int npt_sabotage(struct guest_memory *m, uint64_t gpa, unsigned phys_bits, uint64_t *hpa);
void npt_restore(struct guest_memory *m, uint64_t gpa, uint64_t hpa);

#endif
