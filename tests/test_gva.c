/*
 * Host tests of guest/gva.c: guest-linear to guest-physical translation
 * through hand-built guest page tables in a fake guest-physical memory,
 * for every paging mode (SDM Vol. 3A 4.3 32-bit, 4.4 PAE, 4.5 4-level)
 * and the #PF error codes of failed walks (4.7).
 */
#define TEST_MAIN
#include "tests/test.h"
#include "guest/gva.h"

#include <stdint.h>

#define CR0_PE   (1ull << 0)
#define CR0_PG   (1ull << 31)
#define CR0_WP   (1ull << 16)
#define CR4_PSE  (1ull << 4)
#define CR4_PAE  (1ull << 5)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)   /* XD is a bit, not reserved (4.5.4) */

#define P  1ull
#define W  2ull
#define U  4ull
#define PS (1ull << 7)
#define XD (1ull << 63)

/* ---- fake guest-physical memory (tables only) ------------------------ */

#define MEM_SIZE 0x40000u

static uint8_t mem[MEM_SIZE];
static unsigned reads, bad_reads;   /* bad: misaligned or wrong size */
static unsigned last_read_size;
static uint64_t fail_gpa = ~0ull;   /* a read of this entry fails */

static int mem_read(void *ctx, uint64_t gpa, void *dst, unsigned size)
{
	(void)ctx;
	reads++;
	last_read_size = size;
	if ((size != 4 && size != 8) || gpa % size) {
		bad_reads++;
		return -1;
	}
	if (gpa >= MEM_SIZE || MEM_SIZE - gpa < size || gpa == fail_gpa)
		return -1;
	memcpy(dst, mem + gpa, size);
	return 0;
}

static void reset_mem(void)
{
	memset(mem, 0, sizeof mem);
	reads = bad_reads = 0;
	fail_gpa = ~0ull;
}

static void set32(uint64_t table, unsigned idx, uint32_t e)
{
	memcpy(mem + table + 4 * idx, &e, 4);
}

static void set64(uint64_t table, unsigned idx, uint64_t e)
{
	memcpy(mem + table + 8 * idx, &e, 8);
}

static struct gva_mode mode(uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer)
{
	struct gva_mode m = { cr0, cr3, cr4, efer, mem_read, NULL, NULL, 0 };
	return m;
}

/* Translate; on success return the address, on failure ~0 with
 * *pf set.  Checks the walk only made well-formed reads. */
static uint64_t xlate(const struct gva_mode *m, uint64_t linear, unsigned access, uint32_t *pf)
{
	uint64_t gpa = 0xBAD;
	uint32_t err = 0xBAD;

	bad_reads = 0;
	int rc = gva_translate(m, linear, access, &gpa, &err);
	if (bad_reads)
		printf("  %u malformed table reads\n", bad_reads);
	if (pf)
		*pf = err;
	if (rc == 0)
		return bad_reads ? 0xBADBAD : gpa;
	return rc == -1 ? ~0ull : 0xBADBAD;
}

#define FAILS ~0ull

/* ---- paging off ------------------------------------------------------ */

TEST(gva_paging_off_is_identity)
{
	reset_mem();
	struct gva_mode m = mode(CR0_PE, 0x1000, 0, 0);

	CHECK(xlate(&m, 0x1234, 0, NULL) == 0x1234);
	CHECK(xlate(&m, 0xFFFFFFFFull, GVA_WRITE | GVA_USER, NULL) == 0xFFFFFFFFull);
	/* Linear addresses are 32 bits wide. */
	CHECK(xlate(&m, 0x123456789ull, GVA_WRITE, NULL) == 0x23456789ull);
	/* No tables read, whatever CR3/CR4/EFER say. */
	m = mode(0, 0x1000, CR4_PAE | CR4_PSE, EFER_LME);
	CHECK(xlate(&m, 0xABCDEF, 0, NULL) == 0xABCDEF);
	CHECK(reads == 0);
}

/* ---- 32-bit paging ---------------------------------------------------- */

#define PD32 0x1000u
#define PT32 0x2000u
#define PT32B 0x3000u

static void build_32bit(void)
{
	reset_mem();
	/* 0x00400000-0x007FFFFF: page table; 4 KiB page 5 -> 0xABC000 */
	set32(PD32, 1, PT32 | P | W | U);
	set32(PT32, 5, 0x00ABC000u | P | W | U);
	set32(PT32, 6, 0x00DEF000u | P | U);          /* read-only */
	set32(PT32, 7, 0x00F00000u | P | W);          /* supervisor */
	/* 0x00800000: a 4 MiB page at 0x01C00000 (with CR4.PSE) */
	set32(PD32, 2, 0x01C00000u | PS | P | W | U);
	/* 0x00C00000: 4 MiB page with PSE-36 bits 20:13 = 3 -> PA 0x3_01C00000 */
	set32(PD32, 3, 0x01C00000u | (3u << 13) | PS | P | W);
	/* 0xFFC00000: PS set, but used as a page table without CR4.PSE */
	set32(PD32, 0x3FF, PT32B | PS | P | W | U);
	set32(PT32B, 0x3FF, 0x00777000u | P | W | U);
}

TEST(gva_32bit_4k_pages)
{
	build_32bit();
	struct gva_mode m = mode(CR0_PE | CR0_PG, PD32, 0, 0);

	CHECK(xlate(&m, 0x00405123, 0, NULL) == 0xABC123);
	CHECK(xlate(&m, 0x00405FFF, GVA_WRITE | GVA_USER, NULL) == 0xABCFFF);
	CHECK(xlate(&m, 0x00406000, GVA_USER, NULL) == 0xDEF000);
	CHECK(last_read_size == 4);
	/* Only the low 32 bits of the linear address count. */
	CHECK(xlate(&m, 0xFFFFFFFF00405123ull, 0, NULL) == 0xABC123);
	/* CR3's low flag bits (PWT, PCD) are not part of the address. */
	m.cr3 = PD32 | 0x18;
	CHECK(xlate(&m, 0x00405123, 0, NULL) == 0xABC123);
}

TEST(gva_32bit_4m_page)
{
	build_32bit();
	struct gva_mode m = mode(CR0_PE | CR0_PG, PD32, CR4_PSE, 0);

	CHECK(xlate(&m, 0x00812345, GVA_WRITE | GVA_USER, NULL) == 0x01C12345);
	CHECK(xlate(&m, 0x00BFFFFF, 0, NULL) == 0x01FFFFFF);
	/* PSE-36: PDE bits 20:13 are physical address bits 39:32. */
	CHECK(xlate(&m, 0x00C00ABC, 0, NULL) == 0x301C00ABCull);
	/* 4 KiB pages still work beside it. */
	CHECK(xlate(&m, 0x00405123, 0, NULL) == 0xABC123);
}

TEST(gva_32bit_ps_ignored_without_pse)
{
	build_32bit();
	struct gva_mode m = mode(CR0_PE | CR0_PG, PD32, 0, 0);

	CHECK(xlate(&m, 0xFFFFF456, 0, NULL) == 0x777456);
	/* The 4 MiB PDE at 0x800000 is a page-table pointer to 0x01C00000,
	 * outside the fake memory: the read fails, so the walk does. */
	CHECK(xlate(&m, 0x00812345, 0, NULL) == FAILS);
}

TEST(gva_32bit_not_present)
{
	uint32_t pf;

	build_32bit();
	struct gva_mode m = mode(CR0_PE | CR0_PG | CR0_WP, PD32, CR4_PSE, 0);

	CHECK(xlate(&m, 0x00000000, 0, &pf) == FAILS);           /* PDE 0 */
	CHECK((pf & 1) == 0);
	CHECK(pf == 0);
	CHECK(xlate(&m, 0x00408000, GVA_WRITE, &pf) == FAILS);   /* PTE 8 */
	CHECK(pf == 0x2);
	CHECK(xlate(&m, 0x00408000, GVA_WRITE | GVA_USER, &pf) == FAILS);
	CHECK(pf == 0x6);
}

TEST(gva_32bit_protection)
{
	uint32_t pf;

	build_32bit();
	struct gva_mode wp = mode(CR0_PE | CR0_PG | CR0_WP, PD32, 0, 0);
	struct gva_mode nowp = mode(CR0_PE | CR0_PG, PD32, 0, 0);

	/* Read-only page */
	CHECK(xlate(&wp, 0x00406010, 0, &pf) == 0xDEF010);
	CHECK(xlate(&wp, 0x00406010, GVA_WRITE, &pf) == FAILS);
	CHECK(pf == 0x3);
	CHECK(xlate(&nowp, 0x00406010, GVA_WRITE, &pf) == 0xDEF010);
	CHECK(xlate(&nowp, 0x00406010, GVA_WRITE | GVA_USER, &pf) == FAILS);
	CHECK(pf == 0x7);
	/* Supervisor page */
	CHECK(xlate(&wp, 0x00407000, GVA_WRITE, &pf) == 0xF00000);
	CHECK(xlate(&wp, 0x00407000, GVA_USER, &pf) == FAILS);
	CHECK(pf == 0x5);
	CHECK(pf & GVA_USER);
	/* A supervisor 4 MiB page */
	wp.cr4 = CR4_PSE;
	CHECK(xlate(&wp, 0x00C00000, GVA_USER, &pf) == FAILS);
	CHECK(pf == 0x5);
}

/* ---- PAE paging -------------------------------------------------------- */

#define PDPT_PAE 0x4020u   /* 32-byte aligned, not page aligned */
#define PD_PAE0  0x5000u
#define PD_PAE3  0x6000u
#define PT_PAE   0x7000u
#define PT_PAE2  0x8000u

static void build_pae(void)
{
	reset_mem();
	/* PDPTEs have no R/W or U/S bits (they are reserved there). */
	set64(PDPT_PAE, 0, PD_PAE0 | P);
	set64(PDPT_PAE, 3, PD_PAE3 | P);
	/* 0x00200000: 2 MiB page at 0x12600000 */
	set64(PD_PAE0, 1, 0x12600000ull | PS | P | W | U);
	/* 0x00400000: 2 MiB read-only page above 4 GiB */
	set64(PD_PAE0, 2, 0x200400000ull | PS | P | U);
	/* 0x00600000: page table with user pages */
	set64(PD_PAE0, 3, PT_PAE2 | P | W | U);
	set64(PT_PAE2, 0, 0x0ABCD000ull | P | W | U);
	set64(PT_PAE2, 1, 0x123456000ull | XD | P | W | U);   /* above 4 GiB, NX */
	/* 0xFFE00000: page table, last PTE -> 0x89ABC000 */
	set64(PD_PAE3, 0x1FF, PT_PAE | P | W);
	set64(PT_PAE, 0x1FF, 0x89ABC000ull | P | W);
}

TEST(gva_pae_2m_page)
{
	build_pae();
	struct gva_mode m = mode(CR0_PE | CR0_PG, PDPT_PAE, CR4_PAE, 0);

	CHECK(xlate(&m, 0x00234567, GVA_WRITE | GVA_USER, NULL) == 0x12634567);
	CHECK(last_read_size == 8);
	CHECK(xlate(&m, 0x003FFFFF, 0, NULL) == 0x127FFFFF);
	CHECK(xlate(&m, 0x00412345, GVA_USER, NULL) == 0x200412345ull);
}

TEST(gva_pae_4k_pages)
{
	build_pae();
	struct gva_mode m = mode(CR0_PE | CR0_PG | CR0_WP, PDPT_PAE, CR4_PAE, EFER_NXE);

	CHECK(xlate(&m, 0xFFFFF123, GVA_WRITE, NULL) == 0x89ABC123);
	/* User write through a PDPTE with no U/S or R/W bits. */
	CHECK(xlate(&m, 0x00600ABC, GVA_WRITE | GVA_USER, NULL) == 0x0ABCDABC);
	/* 64-bit entries reach above 4 GiB; XD is not address. */
	CHECK(xlate(&m, 0x00601FFF, 0, NULL) == 0x123456FFFull);
}

TEST(gva_pae_faults)
{
	uint32_t pf;

	build_pae();
	struct gva_mode m = mode(CR0_PE | CR0_PG | CR0_WP, PDPT_PAE, CR4_PAE, 0);

	/* PDPTE 1 not present */
	CHECK(xlate(&m, 0x40000000, GVA_WRITE, &pf) == FAILS);
	CHECK(pf == 0x2);
	/* PDE not present */
	CHECK(xlate(&m, 0x00000000, 0, &pf) == FAILS);
	CHECK(pf == 0);
	/* PTE not present */
	CHECK(xlate(&m, 0x00602000, GVA_USER, &pf) == FAILS);
	CHECK(pf == 0x4);
	/* Write to the read-only 2 MiB page */
	CHECK(xlate(&m, 0x00400000, GVA_WRITE, &pf) == FAILS);
	CHECK(pf == 0x3);
	m.cr0 &= ~CR0_WP;
	CHECK(xlate(&m, 0x00400000, GVA_WRITE, &pf) == 0x200400000ull);
	/* User access to the supervisor page table's page */
	CHECK(xlate(&m, 0xFFFFF000, GVA_USER, &pf) == FAILS);
	CHECK(pf == 0x5);
}

/* ---- 4-level paging --------------------------------------------------- */

#define PML4  0x10000u
#define PDPT0 0x11000u
#define PDPTH 0x12000u
#define PD4   0x13000u
#define PT4   0x14000u
#define PD4L  0x15000u

static void build_4level(void)
{
	reset_mem();
	set64(PML4, 0, PDPT0 | P | W | U);
	/* 0x40000000: 1 GiB page at 0x4_0000_0000 */
	set64(PDPT0, 1, 0x400000000ull | PS | P | W | U);
	/* 0x80000000: 1 GiB read-only supervisor page */
	set64(PDPT0, 2, 0x80000000ull | PS | P);
	/* 0x00000000: PD with a 2 MiB page at index 1 */
	set64(PDPT0, 0, PD4L | P | W | U);
	set64(PD4L, 1, 0x3FE00000ull | PS | P | W | U);
	/* 0xFFFFFFFF80000000 (kernel half): 4 KiB pages */
	set64(PML4, 0x1FF, PDPTH | P | W);
	set64(PDPTH, 0x1FE, PD4 | P | W);
	set64(PD4, 0, PT4 | P | W);
	set64(PT4, 1, 0x777777000ull | P | W);
	set64(PT4, 2, 0x1000ull | XD | P);               /* read-only, NX */
	set64(PT4, 3, 0x2000ull | P | W | U);             /* U, under supervisor tables */
}

TEST(gva_4level_1g_page)
{
	build_4level();
	struct gva_mode m = mode(CR0_PE | CR0_PG | CR0_WP, PML4, CR4_PAE, EFER_LME | EFER_LMA | EFER_NXE);

	CHECK(xlate(&m, 0x52345678, GVA_WRITE | GVA_USER, NULL) == 0x412345678ull);
	CHECK(xlate(&m, 0x7FFFFFFF, 0, NULL) == 0x43FFFFFFFull);
	CHECK(last_read_size == 8);
	CHECK(xlate(&m, 0x80001234, 0, NULL) == 0x80001234ull);
}

TEST(gva_4level_2m_and_4k_pages)
{
	build_4level();
	struct gva_mode m = mode(CR0_PE | CR0_PG | CR0_WP, PML4, CR4_PAE, EFER_LME | EFER_LMA | EFER_NXE);

	CHECK(xlate(&m, 0x00312345, GVA_USER | GVA_WRITE, NULL) == 0x3FF12345ull);
	CHECK(xlate(&m, 0xFFFFFFFF80001ABCull, GVA_WRITE, NULL) == 0x777777ABCull);
	CHECK(xlate(&m, 0xFFFFFFFF80002010ull, 0, NULL) == 0x1010);   /* XD not in the address */
	/* CR3 flag bits (PWT/PCD) ignored. */
	m.cr3 = PML4 | 0x18;
	CHECK(xlate(&m, 0xFFFFFFFF80001ABCull, 0, NULL) == 0x777777ABCull);
}

TEST(gva_4level_faults)
{
	uint32_t pf;

	build_4level();
	struct gva_mode m = mode(CR0_PE | CR0_PG | CR0_WP, PML4, CR4_PAE, EFER_LME | EFER_LMA | EFER_NXE);

	/* Not present at each level: PML4E, PDPTE, PDE, PTE. */
	CHECK(xlate(&m, 0x0000008000000000ull, 0, &pf) == FAILS);
	CHECK(pf == 0);
	CHECK(xlate(&m, 0xC0000000ull, GVA_WRITE, &pf) == FAILS);
	CHECK(pf == 0x2);
	CHECK(xlate(&m, 0x00000000ull, GVA_USER, &pf) == FAILS);
	CHECK(pf == 0x4);
	CHECK(xlate(&m, 0xFFFFFFFF80000000ull, GVA_WRITE, &pf) == FAILS);
	CHECK(pf == 0x2);
	/* Read-only 4 KiB page */
	CHECK(xlate(&m, 0xFFFFFFFF80002000ull, GVA_WRITE, &pf) == FAILS);
	CHECK(pf == 0x3);
	/* Read-only 1 GiB page */
	CHECK(xlate(&m, 0x80000000ull, GVA_WRITE, &pf) == FAILS);
	CHECK(pf == 0x3);
	/* User access to a supervisor 1 GiB page */
	CHECK(xlate(&m, 0x80000000ull, GVA_USER, &pf) == FAILS);
	CHECK(pf == 0x5);
	/* A U page under supervisor-only upper tables is still supervisor. */
	CHECK(xlate(&m, 0xFFFFFFFF80003000ull, 0, &pf) == 0x2000);
	CHECK(xlate(&m, 0xFFFFFFFF80003000ull, GVA_USER, &pf) == FAILS);
	CHECK(pf == 0x5);
	/* Without CR0.WP a supervisor write to read-only pages succeeds... */
	m.cr0 &= ~CR0_WP;
	CHECK(xlate(&m, 0xFFFFFFFF80002000ull, GVA_WRITE, &pf) == 0x1000);
	CHECK(xlate(&m, 0x80000010ull, GVA_WRITE, &pf) == 0x80000010ull);
	/* ...but a user write does not. */
	CHECK(xlate(&m, 0x00200000ull, GVA_WRITE | GVA_USER, &pf) == 0x3FE00000ull);
	set64(PD4L, 1, 0x3FE00000ull | PS | P | U);
	CHECK(xlate(&m, 0x00200000ull, GVA_WRITE | GVA_USER, &pf) == FAILS);
	CHECK(pf == 0x7);
}

/* SDM Vol. 3A 4.7: the P bit of the error code is 0 when there is no
 * translation because an entry on the walk is not present, even if an
 * upper-level entry also forbids the access (access rights are those
 * of the complete translation, 4.6; KVM's and QEMU's walkers likewise
 * check presence first and permissions at the end). */
TEST(gva_not_present_wins_over_protection)
{
	uint32_t pf;

	build_4level();
	struct gva_mode m = mode(CR0_PE | CR0_PG | CR0_WP, PML4, CR4_PAE, EFER_LME | EFER_LMA | EFER_NXE);

	/* Supervisor PML4E/PDPTE/PDE, PTE 0 not present, user write. */
	CHECK(xlate(&m, 0xFFFFFFFF80000000ull, GVA_WRITE | GVA_USER, &pf) == FAILS);
	CHECK(pf == 0x6);
	/* Read-only PDE above a not-present PTE, supervisor write. */
	set64(PD4, 0, PT4 | P);
	CHECK(xlate(&m, 0xFFFFFFFF80000000ull, GVA_WRITE, &pf) == FAILS);
	CHECK(pf == 0x2);

	/* 32-bit paging: supervisor PDE, PTE 8 not present, user read. */
	build_32bit();
	m = mode(CR0_PE | CR0_PG | CR0_WP, PD32, 0, 0);
	set32(PD32, 1, PT32 | P | W);
	CHECK(xlate(&m, 0x00408000, GVA_USER, &pf) == FAILS);
	CHECK(pf == 0x4);
}

TEST(gva_4level_read_only_upper_level)
{
	uint32_t pf;

	build_4level();
	struct gva_mode m = mode(CR0_PE | CR0_PG | CR0_WP, PML4, CR4_PAE, EFER_LME | EFER_LMA | EFER_NXE);

	/* R/W clear in the PDE makes every page under it read-only. */
	set64(PD4, 0, PT4 | P);
	CHECK(xlate(&m, 0xFFFFFFFF80001000ull, 0, &pf) == 0x777777000ull);
	CHECK(xlate(&m, 0xFFFFFFFF80001000ull, GVA_WRITE, &pf) == FAILS);
	CHECK(pf == 0x3);
	/* Same at the PML4E. */
	build_4level();
	set64(PML4, 0, PDPT0 | P | U);
	CHECK(xlate(&m, 0x52345678, GVA_WRITE, &pf) == FAILS);
	CHECK(pf == 0x3);
}

TEST(gva_read_callback_failure)
{
	uint32_t pf;

	build_4level();
	struct gva_mode m = mode(CR0_PE | CR0_PG, PML4, CR4_PAE, EFER_LME | EFER_LMA);

	CHECK(xlate(&m, 0xFFFFFFFF80001ABCull, 0, &pf) == 0x777777ABCull);
	/* Each table entry of that walk in turn fails to read. */
	static const uint64_t entries[] = {
		PML4 + 8 * 0x1FF, PDPTH + 8 * 0x1FE, PD4 + 0, PT4 + 8 * 1,
	};
	for (unsigned i = 0; i < 4; i++) {
		fail_gpa = entries[i];
		CHECK(xlate(&m, 0xFFFFFFFF80001ABCull, 0, &pf) == FAILS);
	}
	fail_gpa = ~0ull;
	CHECK(xlate(&m, 0xFFFFFFFF80001ABCull, 0, &pf) == 0x777777ABCull);

	/* 32-bit and PAE walks too. */
	build_32bit();
	m = mode(CR0_PE | CR0_PG, PD32, 0, 0);
	fail_gpa = PT32 + 4 * 5;
	CHECK(xlate(&m, 0x00405123, 0, &pf) == FAILS);
	build_pae();
	m = mode(CR0_PE | CR0_PG, PDPT_PAE, CR4_PAE, 0);
	fail_gpa = PDPT_PAE + 8 * 3;
	CHECK(xlate(&m, 0xFFFFF123, 0, &pf) == FAILS);
	/* A table pointer outside guest memory fails the same way. */
	build_pae();
	set64(PD_PAE3, 0x1FF, 0x7FFFF000ull | P | W);
	CHECK(xlate(&m, 0xFFFFF123, 0, &pf) == FAILS);
}

/* ---- reserved bits (4.7: P=1, RSVD=1) and A/D flags (4.8) ---------- */

#define RSVD 8u
#define A (1ull << 5)
#define D (1ull << 6)

static unsigned writes;

static int mem_write(void *ctx, uint64_t gpa, const void *src, unsigned size)
{
	(void)ctx;
	writes++;
	if (gpa >= MEM_SIZE || MEM_SIZE - gpa < size || gpa % size)
		return -1;
	memcpy(mem + gpa, src, size);
	return 0;
}

static uint64_t get64(uint64_t table, unsigned idx)
{
	uint64_t e;
	memcpy(&e, mem + table + 8 * idx, 8);
	return e;
}

static uint32_t get32(uint64_t table, unsigned idx)
{
	uint32_t e;
	memcpy(&e, mem + table + 4 * idx, 4);
	return e;
}

/* XD is reserved while EFER.NXE is clear, in PAE and 4-level paging: a
 * read through such a PTE faults with RSVD as a plain load would. */
TEST(gva_xd_reserved_without_nxe)
{
	uint32_t pf;

	build_pae();
	struct gva_mode m = mode(CR0_PE | CR0_PG, PDPT_PAE, CR4_PAE, 0);
	CHECK(xlate(&m, 0x00601000, 0, &pf) == FAILS);
	CHECK(pf == (1 | RSVD));
	CHECK(xlate(&m, 0x00601000, GVA_WRITE | GVA_USER, &pf) == FAILS);
	CHECK(pf == (1 | 2 | 4 | RSVD));
	m.efer = EFER_NXE;
	CHECK(xlate(&m, 0x00601000, 0, &pf) == 0x123456000ull);
}

/* Bits at or above MAXPHYADDR, PS in a PML4E, bits 20:13 of a 2 MiB
 * page and 29:13 of a 1 GiB page are reserved. */
TEST(gva_reserved_bits_4level)
{
	uint32_t pf;

	build_4level();
	struct gva_mode m = mode(CR0_PE | CR0_PG, PML4, CR4_PAE, EFER_LME | EFER_LMA | EFER_NXE);
	m.maxphyaddr = 34;                                        /* the 1 GiB page at 16 GiB has bit 34 */
	CHECK(xlate(&m, 0x52345678, 0, &pf) == FAILS && pf == (1 | RSVD));
	m.maxphyaddr = 40;
	CHECK(xlate(&m, 0x52345678, 0, &pf) == 0x412345678ull);   /* within 40 bits */
	set64(PD4L, 1, 0x3FE00000ull | (1ull << 13) | PS | P | W | U);
	CHECK(xlate(&m, 0x00312345, 0, &pf) == FAILS && pf == (1 | RSVD));
	set64(PDPT0, 1, 0x400000000ull | (1ull << 20) | PS | P | W | U);
	CHECK(xlate(&m, 0x52345678, 0, &pf) == FAILS && pf == (1 | RSVD));
	set64(PML4, 0, PDPT0 | PS | P | W | U);
	CHECK(xlate(&m, 0x80000000ull, 0, &pf) == FAILS && pf == (1 | RSVD));
}

/* PAE: bits 62:MAXPHYADDR reserved in PDEs and PTEs (not just 51:M). */
TEST(gva_reserved_bits_pae)
{
	uint32_t pf;

	build_pae();
	struct gva_mode m = mode(CR0_PE | CR0_PG, PDPT_PAE, CR4_PAE, EFER_NXE);
	set64(PT_PAE2, 0, 0x0ABCD000ull | (1ull << 60) | P | W | U);
	CHECK(xlate(&m, 0x00600000, 0, &pf) == FAILS && pf == (1 | RSVD));
	set64(PD_PAE0, 1, 0x12600000ull | (1ull << 16) | PS | P | W | U);   /* 2 MiB: 20:13 */
	CHECK(xlate(&m, 0x00234567, 0, &pf) == FAILS && pf == (1 | RSVD));
}

/* 32-bit paging with PSE: bit 21 of a 4 MiB PDE is reserved, and so are
 * the PA bits of 20:13 beyond MAXPHYADDR; 4 KiB entries have none. */
TEST(gva_reserved_bits_32bit_pse)
{
	uint32_t pf;

	reset_mem();
	set32(0x1000, 1, 0x00400000u | (1u << 21) | (uint32_t)(PS | P | W));
	set32(0x1000, 2, 0x00800000u | (1u << 13) | (uint32_t)(PS | P | W));   /* PA bit 32 */
	struct gva_mode m = mode(CR0_PE | CR0_PG, 0x1000, CR4_PSE, 0);
	m.maxphyaddr = 32;
	CHECK(xlate(&m, 0x00400000, 0, &pf) == FAILS && pf == (1 | RSVD));
	CHECK(xlate(&m, 0x00800000, 0, &pf) == FAILS && pf == (1 | RSVD));
	m.maxphyaddr = 36;
	CHECK(xlate(&m, 0x00800010, 0, &pf) == 0x100800010ull);
}

/* A successful walk sets A in each entry it used and D in the leaf for
 * a write; a faulting walk changes nothing; PAE PDPTEs get no A. */
TEST(gva_accessed_and_dirty)
{
	uint32_t pf;

	build_4level();
	struct gva_mode m = mode(CR0_PE | CR0_PG | CR0_WP, PML4, CR4_PAE, EFER_LME | EFER_LMA | EFER_NXE);
	m.write = mem_write;
	writes = 0;
	CHECK(xlate(&m, 0xFFFFFFFF80001ABCull, 0, NULL) == 0x777777ABCull);
	CHECK((get64(PML4, 0x1FF) & A) && (get64(PDPTH, 0x1FE) & A) && (get64(PD4, 0) & A));
	CHECK((get64(PT4, 1) & (A | D)) == A);
	CHECK(writes == 4);
	writes = 0;
	CHECK(xlate(&m, 0xFFFFFFFF80001ABCull, 0, NULL) == 0x777777ABCull);
	CHECK(writes == 0);                                    /* already set: no writes */
	CHECK(xlate(&m, 0xFFFFFFFF80001ABCull, GVA_WRITE, NULL) == 0x777777ABCull);
	CHECK((get64(PT4, 1) & (A | D)) == (A | D) && writes == 1);
	writes = 0;
	CHECK(xlate(&m, 0xFFFFFFFF80002000ull, GVA_WRITE, &pf) == FAILS);   /* read-only: no flags */
	CHECK(writes == 0 && !(get64(PT4, 2) & A));
	/* A 2 MiB leaf gets D. */
	CHECK(xlate(&m, 0x00312345, GVA_WRITE, NULL) == 0x3FF12345ull);
	CHECK((get64(PD4L, 1) & (A | D)) == (A | D));

	build_pae();
	m = mode(CR0_PE | CR0_PG, PDPT_PAE, CR4_PAE, EFER_NXE);
	m.write = mem_write;
	CHECK(xlate(&m, 0xFFFFF123, GVA_WRITE, NULL) == 0x89ABC123);
	CHECK(!(get64(PDPT_PAE, 3) & A));
	CHECK((get64(PD_PAE3, 0x1FF) & A) && (get64(PT_PAE, 0x1FF) & (A | D)) == (A | D));

	reset_mem();
	set32(0x1000, 0, 0x2000u | (uint32_t)(P | W));
	set32(0x2000, 5, 0x7000u | (uint32_t)(P | W));
	m = mode(CR0_PE | CR0_PG, 0x1000, 0, 0);
	m.write = mem_write;
	CHECK(xlate(&m, 0x5123, GVA_WRITE, NULL) == 0x7123);
	CHECK((get32(0x1000, 0) & A) && (get32(0x2000, 5) & (A | D)) == (A | D));
}
