#include "mm/formats.h"

/* The direct map and the image: present and writable; leaves add what
 * each mapping needs (mm/paging.c). */
const struct pt_format host_format = {
	.present_mask = PTE_P,
	.table_flags = PTE_P | PTE_W,
	.leaf_ram = PTE_P | PTE_W,
};

/* An EPT entry is present if any of R/W/X is set (SDM Vol. 3C 29.3.2);
 * non-leaf entries grant everything, leaves decide.  Guest RAM is WB
 * with "ignore PAT" (29.3.7.2): every page Tern maps is ordinary RAM with
 * no device behind it, so whatever the guest's PAT and MTRRs say, its
 * memory stays write-back (as KVM maps RAM without non-coherent DMA). */
const struct pt_format ept_format = {
	.present_mask = EPT_READ | EPT_WRITE | EPT_EXECUTE,
	.table_flags = EPT_READ | EPT_WRITE | EPT_EXECUTE,
	.leaf_ram = EPT_READ | EPT_WRITE | EPT_EXECUTE | EPT_MEMTYPE_WB | EPT_IGNORE_PAT,
	.leaf_rom = EPT_READ | EPT_EXECUTE | EPT_MEMTYPE_WB | EPT_IGNORE_PAT,
	.root_flags = EPTP_WB_4LEVEL,
};

/* Nested page tables (APM Vol. 2 15.25) are x86-64 tables over
 * guest-physical addresses.  Every nested access counts as a user access
 * (15.25.5), so every entry grants U/S.  Leaves use PAT index 0 (PWT =
 * PCD = PAT = 0): write-back under the host's PAT, combined with the
 * guest's own PAT as the CPU does (15.25.8).  N_CR3 is the bare root. */
const struct pt_format npt_format = {
	.present_mask = PTE_P,
	.table_flags = PTE_P | PTE_W | PTE_US,
	.leaf_ram = PTE_P | PTE_W | PTE_US,
	.leaf_rom = PTE_P | PTE_US,
};
