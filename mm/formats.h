/*
 * The page-table formats Tern builds, as data (DESIGN.md 1): the
 * hypervisor's own x86-64 tables, Intel's EPT and AMD's nested page
 * tables.  Each says which bits make an entry present, what a non-leaf
 * entry grants, what a leaf mapping ordinary RAM carries, and what the
 * hardware wants beside the root's address.  mm/pagetable.c builds all
 * three; the backends only add how the CPU drops cached translations.
 */
#ifndef TERN_MM_FORMATS_H
#define TERN_MM_FORMATS_H

#include "mm/pagetable.h"

/* x86-64 paging entries (SDM Vol. 3A 4.5, Tables 4-15 ff.). */
#define PTE_P   (1ull << 0)
#define PTE_W   (1ull << 1)
#define PTE_US  (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_NX  (1ull << 63)

/* EPT entries (SDM Vol. 3C 29.3.2, Tables 29-1 to 29-6). */
#define EPT_READ         (1ull << 0)
#define EPT_WRITE        (1ull << 1)
#define EPT_EXECUTE      (1ull << 2)
#define EPT_MEMTYPE_WB   (6ull << 3)   /* bits 5:3 of a leaf */
#define EPT_IGNORE_PAT   (1ull << 6)
/* The EPT pointer (25.6.11): memory type WB in bits 2:0, page-walk
 * length - 1 = 3 in bits 5:3. */
#define EPTP_WB_4LEVEL   (6ull | (3ull << 3))

extern const struct pt_format host_format;   /* the hypervisor's own tables */
extern const struct pt_format ept_format;
extern const struct pt_format npt_format;

#endif
