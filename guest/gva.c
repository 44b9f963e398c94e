#include "guest/gva.h"

#define CR0_PG    (1ull << 31)
#define CR0_WP    (1ull << 16)
#define CR4_PSE   (1ull << 4)
#define CR4_PAE   (1ull << 5)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)
#define PTE_P     1ull
#define PTE_W     2ull
#define PTE_U     4ull
#define PTE_A     (1ull << 5)
#define PTE_D     (1ull << 6)
#define PTE_PS    (1ull << 7)
#define PTE_XD    (1ull << 63)
#define ADDR_MASK 0x000FFFFFFFFFF000ull

struct walk {
	int levels;          /* 2 (32-bit), 3 (PAE), 4 (IA-32e) */
	unsigned entry_size; /* 4 or 8 */
};

/* 32-bit paging indexes 10 bits per level, PAE and 4-level paging 9
 * (PAE's top level uses only 2 of them, see entry_at). */
static unsigned index_bits(const struct walk *w)
{
	return w->entry_size == 4 ? 10 : 9;
}

static unsigned shift_of(const struct walk *w, int level)
{
	return 12 + index_bits(w) * (unsigned)(level - 1);
}

static int entry_at(const struct gva_mode *m, const struct walk *w, uint64_t table, uint64_t linear,
		    int level, uint64_t *e, uint64_t *gpa)
{
	unsigned shift = shift_of(w, level);
	uint64_t idx = (linear >> shift) & ((1ull << index_bits(w)) - 1);
	if (w->levels == 3 && level == 3)
		idx = (linear >> 30) & 3;
	*e = 0;
	*gpa = table + idx * w->entry_size;
	return m->read(m->ctx, *gpa, e, w->entry_size);
}

/* Access rights combine over the whole walk (SDM Vol. 3A 4.6): writable
 * only if every level says R/W, user-accessible only if every level says
 * U/S.  They are judged once, at the leaf: a walk that meets a
 * not-present entry faults with P = 0 whatever the upper levels allow
 * (4.7). */
static bool denied(uint64_t rights, unsigned access, const struct gva_mode *m)
{
	if ((access & GVA_USER) && !(rights & PTE_U))
		return true;
	if ((access & GVA_WRITE) && !(rights & PTE_W) && ((access & GVA_USER) || (m->cr0 & CR0_WP)))
		return true;
	return false;
}

/* Bits [lo, hi) set. */
static uint64_t bits(unsigned lo, unsigned hi)
{
	return hi <= lo ? 0 : (hi >= 64 ? ~0ull : (1ull << hi) - 1) & ~((1ull << lo) - 1);
}

/* The reserved bits a present entry has set (SDM Vol. 3A Tables 4-4 to
 * 4-6 for 32-bit paging, 4-8 to 4-11 PAE, 4-14 to 4-19 4-level).  PAE's
 * PDPTEs are checked by the CPU when CR3 is loaded, not here. */
static uint64_t reserved(const struct gva_mode *m, const struct walk *w, int level, uint64_t e)
{
	unsigned maxpa = m->maxphyaddr && m->maxphyaddr < 52 ? m->maxphyaddr : 52;
	bool large = e & PTE_PS;
	uint64_t r;

	if (w->levels == 2) {
		if (level != 2 || !large || !(m->cr4 & CR4_PSE))
			return 0;
		/* 4 MiB page: bits 20:13 hold PA 39:32, bit 21 is reserved. */
		return e & ((1ull << 21) | bits(13 + (maxpa > 40 ? 8 : maxpa - 32), 21));
	}
	if (w->levels == 3 && level == 3)
		return 0;
	r = bits(maxpa, 52) | (m->efer & EFER_NXE ? 0 : PTE_XD);
	if (w->levels == 3)
		r |= bits(52, 63);                      /* PAE: 62:MAXPHYADDR */
	if (w->levels == 4 && level == 4)
		r |= PTE_PS;                            /* no PS in a PML4E */
	if (large && level == 2)
		r |= bits(13, 21);                      /* 2 MiB page: 20:13 */
	if (large && level == 3 && w->levels == 4)
		r |= bits(13, 30);                      /* 1 GiB page: 29:13 */
	return e & r;
}

/* After a successful walk: the accessed flag in every entry it used
 * (not PAE's PDPTEs, which have none) and the dirty flag in the leaf
 * for a write, each written only if it was clear (4.8). */
static void set_flags(const struct gva_mode *m, const struct walk *w, const uint64_t *at,
		      const uint64_t *val, int used, unsigned access)
{
	for (int i = 0; i < used && m->write; i++) {
		uint64_t e = val[i] | PTE_A;
		if (i == used - 1 && (access & GVA_WRITE))
			e |= PTE_D;
		if (w->levels == 3 && i == 0)
			continue;
		if (e != val[i])
			m->write(m->ctx, at[i], &e, w->entry_size);
	}
}

int gva_translate(const struct gva_mode *m, uint64_t linear, unsigned access, uint64_t *gpa,
		  uint32_t *pf_error)
{
	uint64_t at[4], val[4];
	int used = 0;
	struct walk w;
	uint64_t table, e = 0;

	*pf_error = access & (GVA_WRITE | GVA_USER);
	if (!(m->cr0 & CR0_PG)) {
		*gpa = linear & 0xFFFFFFFFull;
		return 0;
	}
	if (m->efer & EFER_LMA)
		w = (struct walk){ 4, 8 };
	else if (m->cr4 & CR4_PAE)
		w = (struct walk){ 3, 8 };
	else
		w = (struct walk){ 2, 4 };
	table = m->cr3 & (w.levels == 3 ? 0xFFFFFFE0ull : ADDR_MASK);
	if (w.levels == 2)
		linear &= 0xFFFFFFFFull;

	uint64_t rights = PTE_W | PTE_U;

	for (int level = w.levels; level >= 1; level--) {
		if (entry_at(m, &w, table, linear, level, &e, &at[used]) || !(e & PTE_P))
			return -1;
		if (reserved(m, &w, level, e)) {
			*pf_error |= 1 | GVA_PF_RSVD;
			return -1;
		}
		val[used++] = e;
		bool pae_pdpte = w.levels == 3 && level == 3;   /* PDPTEs carry no R/W, U/S */
		if (!pae_pdpte)
			rights &= e;
		/* PS makes a leaf: at the PDE (4 MiB with CR4.PSE in 32-bit
		 * paging, 2 MiB otherwise) and at the 4-level PDPTE (1 GiB). */
		bool large = !pae_pdpte && (e & PTE_PS) &&
			     ((level == 2 && (w.levels != 2 || (m->cr4 & CR4_PSE))) ||
			      (level == 3 && w.levels == 4));
		if (large || level == 1) {
			if (denied(rights, access, m)) {
				*pf_error |= 1;
				return -1;
			}
			unsigned shift = level == 1 ? 12 : shift_of(&w, level);
			uint64_t base;
			if (w.levels == 2 && level == 2)   /* 4 MiB page: bits 20:13 are PA 39:32 */
				base = (e & 0xFFC00000ull) | ((e >> 13) & 0xFFull) << 32;
			else
				base = e & ADDR_MASK & ~((1ull << shift) - 1);
			*gpa = base | (linear & ((1ull << shift) - 1));
			set_flags(m, &w, at, val, used, access);
			return 0;
		}
		table = e & (w.entry_size == 4 ? 0xFFFFF000ull : ADDR_MASK);
	}
	return -1;
}
