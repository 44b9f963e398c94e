/* The EPT format (SDM Vol. 3C 29.3.2) as a guest/memory.h stage-2
 * backend, and the EPT pointer (25.6.11). */
#ifndef TERN_VMX_EPT_H
#define TERN_VMX_EPT_H

#include <stdint.h>

#include "guest/memory.h"

#define EPT_READ         (1ull << 0)
#define EPT_WRITE        (1ull << 1)
#define EPT_EXECUTE      (1ull << 2)
#define EPT_MEMTYPE_WB   (6ull << 3)   /* bits 5:3 of a leaf */
#define EPT_IGNORE_PAT   (1ull << 6)

/* EPT violation exit qualification (SDM Table 28-7). */
#define EPT_QUAL_READ    (1ull << 0)
#define EPT_QUAL_WRITE   (1ull << 1)
#define EPT_QUAL_FETCH   (1ull << 2)

extern const struct stage2 ept_stage2;

uint64_t ept_pointer(const struct pagetable *pt);
/* crashtest=eptmisconfig: turn the EPT entry of gpa into a misconfiguration. */
void ept_sabotage(struct guest_memory *m, uint64_t gpa);

#endif
