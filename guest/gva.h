/* Guest-linear to guest-physical translation by walking the guest's own
 * page tables (SDM Vol. 3A 4.3 32-bit, 4.4 PAE, 4.5 4-level paging),
 * for emulation that touches guest memory by linear address (string
 * I/O).  Pure code: tables are read through a callback. */
#ifndef TERN_GUEST_GVA_H
#define TERN_GUEST_GVA_H

#include <stdbool.h>
#include <stdint.h>

struct gva_mode {
	uint64_t cr0, cr3, cr4, efer;
	/* Read a naturally aligned 4- or 8-byte table entry; 0 or -1. */
	int (*read)(void *ctx, uint64_t gpa, void *dst, unsigned size);
	void *ctx;
};

/* Access bits for the walk (match #PF error-code bits 1 and 2). */
#define GVA_WRITE (1u << 1)
#define GVA_USER  (1u << 2)

/* 0 with *gpa set; or -1 with *pf_error the #PF error code a CPU would
 * report (bit 0 = present). */
int gva_translate(const struct gva_mode *m, uint64_t linear, unsigned access, uint64_t *gpa,
		  uint32_t *pf_error);

#endif
