/* Guest-linear to guest-physical translation by walking the guest's own
 * page tables (SDM Vol. 3A 4.3 32-bit, 4.4 PAE, 4.5 4-level paging),
 * for emulation that touches guest memory by linear address (string
 * I/O, MMIO instruction fetch), as the CPU walks them: reserved bits
 * fault (RSVD in the error code), and a successful walk sets the
 * accessed flags of the entries it used and the dirty flag of the leaf
 * for a write (4.8).  Pure code: tables are reached through callbacks. */
#ifndef TERN_GUEST_GVA_H
#define TERN_GUEST_GVA_H

#include <stdbool.h>
#include <stdint.h>

struct gva_mode {
	uint64_t cr0, cr3, cr4, efer;
	/* Read a naturally aligned 4- or 8-byte table entry; 0 or -1. */
	int (*read)(void *ctx, uint64_t gpa, void *dst, unsigned size);
	void *ctx;
	/* Write one back (A/D flags); NULL: the flags are not set. */
	int (*write)(void *ctx, uint64_t gpa, const void *src, unsigned size);
	unsigned maxphyaddr;   /* physical-address width (CPUID 80000008h); 0: 52 */
};

/* Access bits for the walk (match #PF error-code bits 1 and 2). */
#define GVA_WRITE (1u << 1)
#define GVA_USER  (1u << 2)
#define GVA_PF_RSVD (1u << 3)   /* #PF error code: a reserved bit was set */

/* 0 with *gpa set; or -1 with *pf_error the #PF error code a CPU would
 * report (bit 0 = present). */
int gva_translate(const struct gva_mode *m, uint64_t linear, unsigned access, uint64_t *gpa,
		  uint32_t *pf_error);

#endif
