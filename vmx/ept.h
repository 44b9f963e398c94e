/* EPT as a guest/memory.h stage 2 (the entries are mm/formats.h's
 * ept_format; the flush is INVEPT), and the EPT-violation qualification. */
#ifndef TERN_VMX_EPT_H
#define TERN_VMX_EPT_H

#include <stdint.h>

#include "guest/memory.h"
#include "mm/formats.h"

/* EPT violation exit qualification (SDM Table 28-7). */
#define EPT_QUAL_READ    (1ull << 0)
#define EPT_QUAL_WRITE   (1ull << 1)
#define EPT_QUAL_FETCH   (1ull << 2)

extern const struct stage2 ept_stage2;

/* crashtest=eptmisconfig: turn the EPT entry of gpa into a misconfiguration. */
void ept_sabotage(struct guest_memory *m, uint64_t gpa);

#endif
