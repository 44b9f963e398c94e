/*
 * Host tests of guest/multiboot.c, the multiboot (v1) kernel loader
 * (Multiboot Specification 0.6.96): header search (3.1.1), ELF and
 * a.out-kludge loading (3.1.3), and the boot information (3.3).
 *
 * Guest RAM is a malloc'ed buffer behind a guest_writer that
 * bounds-checks every write and logs it.  Images are built in memory
 * and handed to the loader in a malloc'ed buffer of exactly their size,
 * so ASan reports any read past the end.  Cases that could crash (the
 * fuzz run, the over-read checks) run in a forked child so a sanitizer
 * abort shows up as one FAIL line and the other tests still run.
 */
#define TEST_MAIN
#include "tests/test.h"
#include "guest/layout.h"
#include "guest/multiboot.h"

#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- fake guest RAM ------------------------------------------------ */

#define LOG_MAX 32

struct fake_ram {
	uint8_t *buf;
	uint64_t buf_size;       /* bytes actually backed (may be < ram_size) */
	unsigned writes;
	unsigned rejected;       /* writes outside buf, refused */
	uint64_t bytes;          /* total bytes written */
	struct {
		uint64_t gpa;
		size_t len;
	} log[LOG_MAX];
};

static int ram_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	struct fake_ram *r = ctx;

	if (gpa > r->buf_size || len > r->buf_size - gpa) {
		r->rejected++;
		return -1;
	}
	memcpy(r->buf + gpa, src, len);
	if (r->writes < LOG_MAX) {
		r->log[r->writes].gpa = gpa;
		r->log[r->writes].len = len;
	}
	r->writes++;
	r->bytes += len;
	return 0;
}

static void ram_init(struct fake_ram *r, struct guest_writer *w, uint64_t size)
{
	memset(r, 0, sizeof *r);
	r->buf = calloc(1, size);
	if (!r->buf)
		abort();
	r->buf_size = size;
	w->write = ram_write;
	w->ctx = r;
}

static void ram_free(struct fake_ram *r)
{
	free(r->buf);
	r->buf = NULL;
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* ---- little-endian helpers ----------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ---- image builders ------------------------------------------------ */

struct image {
	uint8_t *data;
	size_t size;
};

static struct image image_new(size_t size)
{
	struct image im = { calloc(1, size ? size : 1), size };
	if (!im.data)
		abort();
	return im;
}

/* A copy of the first `size` bytes in a buffer of exactly that size. */
static struct image image_exact(const struct image *src, size_t size)
{
	struct image im = { malloc(size ? size : 1), size };
	if (!im.data)
		abort();
	memcpy(im.data, src->data, size);
	return im;
}

static void image_free(struct image *im)
{
	free(im->data);
	im->data = NULL;
}

static void mb_header(uint8_t *p, uint32_t flags)
{
	put32(p, MULTIBOOT_HEADER_MAGIC);
	put32(p + 4, flags);
	put32(p + 8, (uint32_t)-(MULTIBOOT_HEADER_MAGIC + flags));
}

static void fill_pattern(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(((i * 7) + seed * 31) % 251 + 1);   /* never 0 */
}

/* Image (a): ELF32 executable, multiboot header (flags 3) at 0x80, two
 * PT_LOAD segments: 0x800 bytes at 1 MiB (vaddr 0xC0100000, to check
 * the loader uses p_paddr), and 0x400 file bytes + bss up to 0x2000 at
 * 1 MiB + 0x3000. */
#define E32_SIZE     0x2400u
#define E32_MBH      0x80u
#define E32_PH       52u
#define E32_SEG0_OFF 0x1000u
#define E32_SEG0_PA  0x100000u
#define E32_SEG0_SZ  0x800u
#define E32_SEG1_OFF 0x2000u
#define E32_SEG1_PA  0x103000u
#define E32_SEG1_FSZ 0x400u
#define E32_SEG1_MSZ 0x2000u
#define E32_ENTRY    0x10000Cu

static void elf32_phdr(uint8_t *ph, uint32_t type, uint32_t off, uint32_t vaddr, uint32_t paddr,
		       uint32_t filesz, uint32_t memsz)
{
	put32(ph + 0, type);
	put32(ph + 4, off);
	put32(ph + 8, vaddr);
	put32(ph + 12, paddr);
	put32(ph + 16, filesz);
	put32(ph + 20, memsz);
	put32(ph + 24, 7);
	put32(ph + 28, 0x1000);
}

static struct image build_elf32(void)
{
	struct image im = image_new(E32_SIZE);
	uint8_t *p = im.data;

	memcpy(p, "\x7f" "ELF", 4);
	p[4] = 1;                 /* ELFCLASS32 */
	p[5] = 1;                 /* little-endian */
	p[6] = 1;                 /* EV_CURRENT */
	put16(p + 16, 2);         /* ET_EXEC */
	put16(p + 18, 3);         /* EM_386 */
	put32(p + 20, 1);
	put32(p + 24, E32_ENTRY);
	put32(p + 28, E32_PH);    /* e_phoff */
	put16(p + 40, 52);        /* e_ehsize */
	put16(p + 42, 32);        /* e_phentsize */
	put16(p + 44, 2);         /* e_phnum */
	elf32_phdr(p + E32_PH, 1, E32_SEG0_OFF, 0xC0100000u, E32_SEG0_PA, E32_SEG0_SZ, E32_SEG0_SZ);
	elf32_phdr(p + E32_PH + 32, 1, E32_SEG1_OFF, 0xC0103000u, E32_SEG1_PA, E32_SEG1_FSZ,
		   E32_SEG1_MSZ);
	mb_header(p + E32_MBH, 3);
	fill_pattern(p + E32_SEG0_OFF, E32_SEG0_SZ, 1);
	fill_pattern(p + E32_SEG1_OFF, E32_SEG1_FSZ, 2);
	return im;
}

/* Image (c): ELF64 executable (as GRUB loads multiboot kernels built
 * for x86-64), multiboot header at 0x100, one PT_NOTE and one PT_LOAD
 * of 0x300 file bytes + bss at 2 MiB. */
#define E64_SIZE    0x1300u
#define E64_MBH     0x100u
#define E64_PH      64u
#define E64_SEG_OFF 0x1000u
#define E64_SEG_PA  0x200000u
#define E64_SEG_FSZ 0x300u
#define E64_SEG_MSZ 0x1000u
#define E64_ENTRY   0x200010u

static void elf64_phdr(uint8_t *ph, uint32_t type, uint64_t off, uint64_t vaddr, uint64_t paddr,
		       uint64_t filesz, uint64_t memsz)
{
	put32(ph + 0, type);
	put32(ph + 4, 7);
	put64(ph + 8, off);
	put64(ph + 16, vaddr);
	put64(ph + 24, paddr);
	put64(ph + 32, filesz);
	put64(ph + 40, memsz);
	put64(ph + 48, 0x1000);
}

static struct image build_elf64(void)
{
	struct image im = image_new(E64_SIZE);
	uint8_t *p = im.data;

	memcpy(p, "\x7f" "ELF", 4);
	p[4] = 2;                 /* ELFCLASS64 */
	p[5] = 1;
	p[6] = 1;
	put16(p + 16, 2);         /* ET_EXEC */
	put16(p + 18, 62);        /* EM_X86_64 */
	put32(p + 20, 1);
	put64(p + 24, E64_ENTRY);
	put64(p + 32, E64_PH);    /* e_phoff */
	put16(p + 52, 64);        /* e_ehsize */
	put16(p + 54, 56);        /* e_phentsize */
	put16(p + 56, 2);         /* e_phnum */
	/* A PT_NOTE whose addresses are nonsense: must be ignored. */
	elf64_phdr(p + E64_PH, 4, 0xFFFFFF00u, 0, 0xFFFFFFFFFFFF0000ull, 0x10000, 0x10000);
	elf64_phdr(p + E64_PH + 56, 1, E64_SEG_OFF, 0xFFFFFFFF80200000ull, E64_SEG_PA, E64_SEG_FSZ,
		   E64_SEG_MSZ);
	mb_header(p + E64_MBH, 3);
	fill_pattern(p + E64_SEG_OFF, E64_SEG_FSZ, 3);
	return im;
}

/* Image (b): a.out kludge.  The file is loaded from the start:
 * header at file offset 0x40 with header_addr 0x100040 means the file
 * begins at load_addr 0x100000; load_end_addr 0x101800 loads 0x1800 of
 * the 0x2000 file bytes; bss_end_addr 0x103000. */
#define AOUT_SIZE     0x2000u
#define AOUT_MBH      0x40u
#define AOUT_LOAD     0x100000u
#define AOUT_LOAD_END 0x101800u
#define AOUT_BSS_END  0x103000u
#define AOUT_ENTRY    0x100080u

static void aout_fields(uint8_t *h, uint32_t header_addr, uint32_t load, uint32_t load_end,
			uint32_t bss_end, uint32_t entry)
{
	put32(h + 12, header_addr);
	put32(h + 16, load);
	put32(h + 20, load_end);
	put32(h + 24, bss_end);
	put32(h + 28, entry);
}

static struct image build_aout(void)
{
	struct image im = image_new(AOUT_SIZE);

	fill_pattern(im.data, AOUT_SIZE, 4);
	im.data[0] = 'M';   /* not ELF: the a.out fields are the only way */
	im.data[1] = 'Z';
	mb_header(im.data + AOUT_MBH, (1u << 16) | 3);
	aout_fields(im.data + AOUT_MBH, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, AOUT_LOAD_END,
		    AOUT_BSS_END, AOUT_ENTRY);
	return im;
}

/* ---- running the loader -------------------------------------------- */

#define RAM_SIZE (8ull << 20)

static char err[256];

/* Load image bytes [0, size) from an exact-size copy. */
static int load(const struct image *im, size_t size, uint64_t ram_size, struct fake_ram *r,
		struct multiboot_image *out)
{
	struct guest_writer w = { ram_write, r };
	struct image copy = image_exact(im, size);
	int rc;

	memset(out, 0xa5, sizeof *out);
	memset(err, 0, sizeof err);
	rc = multiboot_load(copy.data, copy.size, ram_size, &w, out, err, sizeof err);
	image_free(&copy);
	return rc;
}

static int one_line_error(void)
{
	if (!err[0] || strchr(err, '\n') || strchr(err, '\r')) {
		printf("  bad error message \"%s\"\n", err);
		return 0;
	}
	return 1;
}

/* Expect load() to fail with a one-line reason containing `what`
 * (a fragment of the message), having written nothing out of range. */
static int loads(const struct image *im)
{
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image out;
	int rc;

	ram_init(&r, &w, RAM_SIZE);
	rc = load(im, im->size, RAM_SIZE, &r, &out);
	ram_free(&r);
	return rc == 0;
}

static int load_fails(const struct image *im, size_t size, const char *what)
{
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image out;
	int rc;

	ram_init(&r, &w, RAM_SIZE);
	rc = load(im, size, RAM_SIZE, &r, &out);
	ram_free(&r);
	if (rc != -1) {
		printf("  load returned %d, expected -1 (%s)\n", rc, what);
		return 0;
	}
	if (r.rejected) {
		printf("  %u writes outside RAM\n", r.rejected);
		return 0;
	}
	if (!one_line_error())
		return 0;
	if (what && !strstr(err, what)) {
		printf("  error \"%s\" lacks \"%s\"\n", err, what);
		return 0;
	}
	return 1;
}

static _Noreturn void child_fail(void)
{
	fflush(stdout);
	_exit(1);
}

/* Run fn in a child process: 0 if it exited 0 (a sanitizer report makes
 * it exit non-zero). */
static int in_child(void (*fn)(void))
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fn();
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	printf("  child %s %d\n", WIFEXITED(status) ? "exited with" : "killed by signal",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 1;
}

/* ---- header search ------------------------------------------------- */

TEST(mb_find_header_positions)
{
	struct image im = image_new(0x3000);

	CHECK(multiboot_find_header(im.data, im.size) == -1);
	mb_header(im.data + 0x100, 3);
	CHECK(multiboot_find_header(im.data, im.size) == 0x100);
	/* The first valid one wins. */
	mb_header(im.data + 0x40, 0);
	CHECK(multiboot_find_header(im.data, im.size) == 0x40);
	image_free(&im);

	/* Only 32-bit aligned positions count. */
	im = image_new(0x3000);
	mb_header(im.data + 0x102, 3);
	CHECK(multiboot_find_header(im.data, im.size) == -1);
	image_free(&im);

	/* Last place a whole header fits in the first 8 KiB: 8180. */
	im = image_new(0x3000);
	mb_header(im.data + 8180, 3);
	CHECK(multiboot_find_header(im.data, im.size) == 8180);
	image_free(&im);

	/* Straddling 8192, or beyond it: not found. */
	im = image_new(0x3000);
	mb_header(im.data + 8184, 3);
	CHECK(multiboot_find_header(im.data, im.size) == -1);
	mb_header(im.data + 8192, 3);
	CHECK(multiboot_find_header(im.data, im.size) == -1);
	mb_header(im.data + 0x2800, 3);
	CHECK(multiboot_find_header(im.data, im.size) == -1);
	image_free(&im);
}

TEST(mb_find_header_small_images)
{
	struct image full = image_new(12);
	mb_header(full.data, 3);

	for (size_t n = 0; n <= 12; n++) {
		struct image im = image_exact(&full, n);
		long off = multiboot_find_header(im.data, im.size);
		image_free(&im);
		CHECK(off == (n == 12 ? 0 : -1));
	}
	image_free(&full);
}

TEST(mb_find_header_needs_checksum)
{
	struct image im = image_new(0x1000);

	mb_header(im.data + 0x20, 3);
	put32(im.data + 0x28, get32(im.data + 0x28) + 1);
	CHECK(multiboot_find_header(im.data, im.size) == -1);
	image_free(&im);
}

/* ---- (a) ELF32 ------------------------------------------------------ */

TEST(mb_load_elf32)
{
	struct image im = build_elf32();
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image out;

	ram_init(&r, &w, RAM_SIZE);
	CHECK(load(&im, im.size, RAM_SIZE, &r, &out) == 0);
	CHECK(out.header_offset == E32_MBH);
	CHECK(out.flags == 3);
	CHECK(out.entry == E32_ENTRY);
	CHECK(out.load_start == E32_SEG0_PA);
	CHECK(out.load_end == E32_SEG1_PA + E32_SEG1_MSZ);
	/* File bytes at p_paddr, nothing else written. */
	CHECK(memcmp(r.buf + E32_SEG0_PA, im.data + E32_SEG0_OFF, E32_SEG0_SZ) == 0);
	CHECK(memcmp(r.buf + E32_SEG1_PA, im.data + E32_SEG1_OFF, E32_SEG1_FSZ) == 0);
	CHECK(r.rejected == 0);
	CHECK(r.bytes == E32_SEG0_SZ + E32_SEG1_FSZ);
	CHECK(all_zero(r.buf, E32_SEG0_PA));
	CHECK(all_zero(r.buf + E32_SEG0_PA + E32_SEG0_SZ,
		       E32_SEG1_PA - (E32_SEG0_PA + E32_SEG0_SZ)));
	/* bss stays zero (fresh RAM) */
	CHECK(all_zero(r.buf + E32_SEG1_PA + E32_SEG1_FSZ, RAM_SIZE - (E32_SEG1_PA + E32_SEG1_FSZ)));
	ram_free(&r);
	image_free(&im);
}

TEST(mb_load_elf32_skips_non_load_segments)
{
	struct image im = build_elf32();
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image out;

	/* Turn segment 0 into PT_NOTE pointing far outside RAM and the file:
	 * only segment 1 is loaded. */
	elf32_phdr(im.data + E32_PH, 4, 0xFFFFF000u, 0, 0xF0000000u, 0x100000, 0x100000);
	ram_init(&r, &w, RAM_SIZE);
	CHECK(load(&im, im.size, RAM_SIZE, &r, &out) == 0);
	CHECK(out.load_start == E32_SEG1_PA);
	CHECK(out.load_end == E32_SEG1_PA + E32_SEG1_MSZ);
	CHECK(r.bytes == E32_SEG1_FSZ);
	CHECK(all_zero(r.buf + E32_SEG0_PA, E32_SEG0_SZ));
	ram_free(&r);
	image_free(&im);
}

TEST(mb_load_elf32_video_flag_accepted)
{
	struct image im = build_elf32();
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image out;

	/* Bit 2 (video mode) is a requirement Tern knows; optional bits
	 * 17-31 other than 16 are ignored. */
	mb_header(im.data + E32_MBH, 7 | (1u << 20));
	ram_init(&r, &w, RAM_SIZE);
	CHECK(load(&im, im.size, RAM_SIZE, &r, &out) == 0);
	CHECK(out.flags == (7 | (1u << 20)));
	CHECK(out.entry == E32_ENTRY);
	ram_free(&r);
	image_free(&im);
}

TEST(mb_load_elf32_header_late_in_search_window)
{
	struct image im = image_new(0x3000);
	struct image base = build_elf32();
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image out;

	memcpy(im.data, base.data, base.size);
	memset(im.data + E32_MBH, 0, 12);
	mb_header(im.data + 8180, 3);
	ram_init(&r, &w, RAM_SIZE);
	CHECK(load(&im, im.size, RAM_SIZE, &r, &out) == 0);
	CHECK(out.header_offset == 8180);
	CHECK(out.entry == E32_ENTRY);
	ram_free(&r);

	/* The same header at 8192 is not found. */
	memset(im.data + 8180, 0, 12);
	mb_header(im.data + 8192, 3);
	CHECK(load_fails(&im, im.size, "header"));
	image_free(&base);
	image_free(&im);
}

/* ---- (b) a.out kludge ----------------------------------------------- */

TEST(mb_load_aout)
{
	struct image im = build_aout();
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image out;

	ram_init(&r, &w, RAM_SIZE);
	CHECK(load(&im, im.size, RAM_SIZE, &r, &out) == 0);
	CHECK(out.header_offset == AOUT_MBH);
	CHECK(out.flags == ((1u << 16) | 3));
	CHECK(out.entry == AOUT_ENTRY);
	CHECK(out.load_start == AOUT_LOAD);
	CHECK(out.load_end == AOUT_BSS_END);
	CHECK(memcmp(r.buf + AOUT_LOAD, im.data, AOUT_LOAD_END - AOUT_LOAD) == 0);
	CHECK(r.bytes == AOUT_LOAD_END - AOUT_LOAD);
	CHECK(all_zero(r.buf + AOUT_LOAD_END, AOUT_BSS_END - AOUT_LOAD_END));
	CHECK(all_zero(r.buf, AOUT_LOAD));
	ram_free(&r);
	image_free(&im);
}

TEST(mb_load_aout_defaults_and_offset_start)
{
	struct image im = build_aout();
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image out;

	/* load_end_addr 0: the rest of the file; bss_end_addr 0: no bss. */
	aout_fields(im.data + AOUT_MBH, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, 0, 0, AOUT_ENTRY);
	ram_init(&r, &w, RAM_SIZE);
	CHECK(load(&im, im.size, RAM_SIZE, &r, &out) == 0);
	CHECK(out.load_start == AOUT_LOAD);
	CHECK(out.load_end == AOUT_LOAD + AOUT_SIZE);
	CHECK(memcmp(r.buf + AOUT_LOAD, im.data, AOUT_SIZE) == 0);
	CHECK(r.bytes == AOUT_SIZE);
	ram_free(&r);

	/* load_addr == header_addr: the file is loaded from the header on. */
	aout_fields(im.data + AOUT_MBH, 0x200000, 0x200000, 0x200100, 0x200400, 0x200020);
	ram_init(&r, &w, RAM_SIZE);
	CHECK(load(&im, im.size, RAM_SIZE, &r, &out) == 0);
	CHECK(out.load_start == 0x200000);
	CHECK(out.load_end == 0x200400);
	CHECK(out.entry == 0x200020);
	CHECK(memcmp(r.buf + 0x200000, im.data + AOUT_MBH, 0x100) == 0);
	CHECK(r.bytes == 0x100);
	ram_free(&r);
	image_free(&im);
}

TEST(mb_load_aout_errors)
{
	struct image im = build_aout();
	uint8_t *h = im.data + AOUT_MBH;

	/* load_addr above header_addr */
	aout_fields(h, 0x100000, 0x100040, 0, 0, AOUT_ENTRY);
	CHECK(load_fails(&im, im.size, "load_addr"));
	/* header_addr - load_addr larger than the header's file offset */
	aout_fields(h, 0x100100, 0x100000, 0, 0, AOUT_ENTRY);
	CHECK(load_fails(&im, im.size, "load_addr"));
	/* load_end_addr below load_addr */
	aout_fields(h, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, AOUT_LOAD - 1, 0, AOUT_ENTRY);
	CHECK(load_fails(&im, im.size, NULL));
	/* load_end_addr past the end of the file */
	aout_fields(h, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, AOUT_LOAD + AOUT_SIZE + 1, 0, AOUT_ENTRY);
	CHECK(load_fails(&im, im.size, NULL));
	/* bss_end_addr below load_end_addr */
	aout_fields(h, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, AOUT_LOAD_END, AOUT_LOAD_END - 4, AOUT_ENTRY);
	CHECK(load_fails(&im, im.size, "bss_end_addr"));
	/* bss beyond RAM */
	aout_fields(h, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, AOUT_LOAD_END, (uint32_t)RAM_SIZE + 1,
		    AOUT_ENTRY);
	CHECK(load_fails(&im, im.size, "RAM"));
	/* bss up to the end of RAM exactly: fine */
	aout_fields(h, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, AOUT_LOAD_END, (uint32_t)RAM_SIZE,
		    AOUT_ENTRY);
	{
		struct fake_ram r;
		struct guest_writer w;
		struct multiboot_image out;
		ram_init(&r, &w, RAM_SIZE);
		CHECK(load(&im, im.size, RAM_SIZE, &r, &out) == 0);
		CHECK(out.load_end == (uint32_t)RAM_SIZE);
		ram_free(&r);
	}
	/* load address beyond RAM */
	aout_fields(h, 0xF0000040u, 0xF0000000u, 0, 0, 0xF0000000u);
	CHECK(load_fails(&im, im.size, "RAM"));
	/* loaded below 1 MiB, its bss reaching the BIOS ROM at E0000h */
	aout_fields(h, 0x10000 + AOUT_MBH, 0x10000, 0x10000 + AOUT_SIZE, 0xE0001, 0x10000);
	CHECK(load_fails(&im, im.size, "BIOS ROM"));
	aout_fields(h, 0x10000 + AOUT_MBH, 0x10000, 0x10000 + AOUT_SIZE, 0xE0000, 0x10000);
	CHECK(loads(&im));
	image_free(&im);
}

/* The BIOS area E0000h-FFFFFh is ROM to the guest (guest/memory.h): an
 * ELF segment there is refused, one just below or above it loads. */
TEST(mb_load_elf64_segment_over_bios_rom)
{
	struct image im = build_elf64();

	put64(im.data + E64_PH + 56 + 24, 0xFFFF0);
	CHECK(load_fails(&im, im.size, "BIOS ROM"));
	put64(im.data + E64_PH + 56 + 24, 0x100000);
	CHECK(loads(&im));
	image_free(&im);
}

/* The address fields follow the 12-byte header: an image that ends
 * inside them is refused, and the loader must not read past its end.
 * (Run in a child: an over-read is an ASan abort.) */
static void aout_truncated_header_child(void)
{
	struct image im = build_aout();

	for (size_t size = AOUT_MBH + 12; size < AOUT_MBH + 32; size += 4)
		if (!load_fails(&im, size, NULL))
			child_fail();
	image_free(&im);
}

TEST(mb_load_aout_truncated_header_no_overread)
{
	CHECK(in_child(aout_truncated_header_child) == 0);
}

/* ---- (c) ELF64 ------------------------------------------------------ */

TEST(mb_load_elf64)
{
	struct image im = build_elf64();
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image out;

	ram_init(&r, &w, RAM_SIZE);
	CHECK(load(&im, im.size, RAM_SIZE, &r, &out) == 0);
	CHECK(out.header_offset == E64_MBH);
	CHECK(out.entry == E64_ENTRY);
	CHECK(out.load_start == E64_SEG_PA);
	CHECK(out.load_end == E64_SEG_PA + E64_SEG_MSZ);
	CHECK(memcmp(r.buf + E64_SEG_PA, im.data + E64_SEG_OFF, E64_SEG_FSZ) == 0);
	CHECK(r.bytes == E64_SEG_FSZ);
	CHECK(r.rejected == 0);
	ram_free(&r);
	image_free(&im);
}

TEST(mb_load_elf64_entry_above_4g)
{
	struct image im = build_elf64();

	put64(im.data + 24, 0x100000000ull + E64_ENTRY);
	CHECK(load_fails(&im, im.size, "entry"));
	put64(im.data + 24, 0xFFFFFFFF80200010ull);
	CHECK(load_fails(&im, im.size, "entry"));
	image_free(&im);
}

TEST(mb_load_elf64_segment_paddr_above_4g)
{
	struct image im = build_elf64();

	put64(im.data + E64_PH + 56 + 24, 0x100000000ull + E64_SEG_PA);
	CHECK(load_fails(&im, im.size, NULL));
	image_free(&im);
}

/* e_phoff near 2^64: phoff + phnum * phentsize wraps around.  The
 * loader must refuse it, not index the image with it.  (Child: the
 * wrapped pointer is an ASan report or a crash.) */
static void elf64_phoff_wrap_child(void)
{
	struct image im = build_elf64();

	put16(im.data + 56, 1);                                 /* e_phnum */
	put64(im.data + 32, 0ull - 8);                          /* e_phoff */
	if (!load_fails(&im, im.size, NULL))
		child_fail();
	put64(im.data + 32, 0ull - 56 * 1 + E64_PH);            /* wraps to 64 */
	if (!load_fails(&im, im.size, NULL))
		child_fail();
	image_free(&im);
}

TEST(mb_load_elf64_phoff_overflow)
{
	CHECK(in_child(elf64_phoff_wrap_child) == 0);
}

/* ---- errors --------------------------------------------------------- */

TEST(mb_err_no_header)
{
	struct image im = build_elf32();

	memset(im.data + E32_MBH, 0, 12);
	CHECK(load_fails(&im, im.size, "header"));
	CHECK(load_fails(&im, 0, "header"));
	CHECK(load_fails(&im, 11, "header"));
	image_free(&im);
}

TEST(mb_err_bad_checksum)
{
	struct image im = build_elf32();

	put32(im.data + E32_MBH + 8, get32(im.data + E32_MBH + 8) ^ 0x100);
	CHECK(load_fails(&im, im.size, NULL));
	image_free(&im);
}

TEST(mb_err_unsupported_required_flags)
{
	struct image im = build_elf32();
	static const uint32_t bad[] = { 1u << 3, 1u << 4, 1u << 8, 1u << 15, 3 | (1u << 3) };

	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mb_header(im.data + E32_MBH, bad[i]);
		CHECK(load_fails(&im, im.size, "flags"));
	}
	image_free(&im);
}

TEST(mb_err_segment_beyond_ram)
{
	struct image im = build_elf32();
	uint8_t *ph1 = im.data + E32_PH + 32;

	/* File bytes beyond RAM */
	put32(ph1 + 12, (uint32_t)RAM_SIZE - 0x200);
	CHECK(load_fails(&im, im.size, "RAM"));
	/* Only the bss beyond RAM */
	put32(ph1 + 12, (uint32_t)RAM_SIZE - E32_SEG1_MSZ + 0x1000);
	CHECK(load_fails(&im, im.size, "RAM"));
	/* Ending exactly at the end of RAM: fine */
	put32(ph1 + 12, (uint32_t)RAM_SIZE - E32_SEG1_MSZ);
	{
		struct fake_ram r;
		struct guest_writer w;
		struct multiboot_image out;
		ram_init(&r, &w, RAM_SIZE);
		CHECK(load(&im, im.size, RAM_SIZE, &r, &out) == 0);
		CHECK(out.load_end == (uint32_t)RAM_SIZE);
		CHECK(memcmp(r.buf + RAM_SIZE - E32_SEG1_MSZ, im.data + E32_SEG1_OFF,
			     E32_SEG1_FSZ) == 0);
		ram_free(&r);
	}
	/* paddr + memsz wrapping 32 bits */
	put32(ph1 + 12, 0xFFFFF000u);
	CHECK(load_fails(&im, im.size, NULL));
	image_free(&im);
}

TEST(mb_err_segment_past_end_of_file)
{
	struct image im = build_elf32();
	uint8_t *ph1 = im.data + E32_PH + 32;

	/* p_offset + p_filesz one byte past the end of the image */
	put32(ph1 + 16, E32_SIZE - E32_SEG1_OFF + 1);
	put32(ph1 + 20, E32_SEG1_MSZ);
	CHECK(load_fails(&im, im.size, NULL));
	/* Exactly to the end: fine */
	put32(ph1 + 16, E32_SIZE - E32_SEG1_OFF);
	{
		struct fake_ram r;
		struct guest_writer w;
		struct multiboot_image out;
		ram_init(&r, &w, RAM_SIZE);
		CHECK(load(&im, im.size, RAM_SIZE, &r, &out) == 0);
		ram_free(&r);
	}
	/* Same image cut short by one byte */
	CHECK(load_fails(&im, im.size - 1, NULL));
	/* p_offset far past the end, and p_offset + p_filesz wrapping */
	put32(ph1 + 4, 0xFFFFFF00u);
	put32(ph1 + 16, 0x200);
	CHECK(load_fails(&im, im.size, NULL));
	/* filesz > memsz */
	put32(ph1 + 4, E32_SEG1_OFF);
	put32(ph1 + 16, 0x400);
	put32(ph1 + 20, 0x200);
	CHECK(load_fails(&im, im.size, NULL));
	image_free(&im);
}

TEST(mb_err_no_load_segment)
{
	struct image im = build_elf32();

	put32(im.data + E32_PH, 4);        /* PT_NOTE */
	put32(im.data + E32_PH + 32, 6);   /* PT_PHDR */
	CHECK(load_fails(&im, im.size, "loadable"));
	image_free(&im);
}

TEST(mb_err_not_elf_without_aout_flag)
{
	struct image im = build_aout();

	mb_header(im.data + AOUT_MBH, 3);   /* no flag 16 */
	CHECK(load_fails(&im, im.size, "ELF"));
	image_free(&im);

	/* ELF class/endianness/type the loader cannot use */
	im = build_elf32();
	im.data[4] = 3;
	CHECK(load_fails(&im, im.size, NULL));
	im.data[4] = 1;
	im.data[5] = 2;   /* big-endian */
	CHECK(load_fails(&im, im.size, NULL));
	im.data[5] = 1;
	put16(im.data + 16, 3);   /* ET_DYN */
	CHECK(load_fails(&im, im.size, NULL));
	image_free(&im);
}

TEST(mb_err_truncated_program_headers)
{
	struct image im = build_elf32();

	/* More headers than the file holds */
	put16(im.data + 44, 0x200);
	CHECK(load_fails(&im, im.size, "program headers"));
	put16(im.data + 44, 2);
	/* Table starting past the end */
	put32(im.data + 28, E32_SIZE - 32);
	CHECK(load_fails(&im, im.size, "program headers"));
	put32(im.data + 28, E32_PH);
	/* phentsize too small for an ELF32 program header */
	put16(im.data + 42, 16);
	CHECK(load_fails(&im, im.size, "program headers"));
	put16(im.data + 42, 32);
	/* No program headers at all */
	put16(im.data + 44, 0);
	CHECK(load_fails(&im, im.size, NULL));
	image_free(&im);

	/* A 64-bit image whose file ends inside the ELF64 header, with the
	 * multiboot header moved forward so it is still found. */
	im = build_elf64();
	mb_header(im.data + 0x30, 3);
	CHECK(load_fails(&im, 0x3C, NULL));
	image_free(&im);
}

TEST(mb_err_writer_failure_reported)
{
	struct image im = build_elf32();
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image out;

	/* The writer refuses everything above 1 MiB + 4 KiB (host out of
	 * memory, as the loader sees it): the load fails cleanly. */
	ram_init(&r, &w, RAM_SIZE);
	r.buf_size = E32_SEG0_PA + 0x1000;
	CHECK(load(&im, im.size, RAM_SIZE, &r, &out) == -1);
	CHECK(one_line_error());
	ram_free(&r);
	image_free(&im);
}

/* ---- boot information ----------------------------------------------- */

#define MBI_LOW 0x9000u

static int write_info(const struct multiboot_image *img, struct fake_ram *r, uint64_t ram_size,
		      const char *cmdline, uint32_t *mbi)
{
	struct guest_writer w = { ram_write, r };

	memset(err, 0, sizeof err);
	*mbi = 0xDEADBEEF;
	return multiboot_write_info(img, ram_size, cmdline, &w, mbi, err, sizeof err);
}

static int cstr_at(const struct fake_ram *r, uint32_t gpa, const char *want)
{
	size_t n = strlen(want) + 1;
	if (gpa >= r->buf_size || n > r->buf_size - gpa)
		return 0;
	return memcmp(r->buf + gpa, want, n) == 0;
}

/* Check every field Tern promises (spec 3.3, DESIGN.md 4) for a guest
 * of ram_size bytes whose MBI is at mbi. */
static int mbi_ok(const struct fake_ram *r, uint32_t mbi, uint64_t ram_size, const char *cmdline)
{
	const uint8_t *p = r->buf + mbi;
	uint32_t flags = get32(p);
	uint64_t upper = (ram_size - (1u << 20)) >> 10;

#define MUST(e) do { if (!(e)) { printf("  MBI check failed: %s\n", #e); return 0; } } while (0)
	MUST(flags & (1u << 0));
	MUST(flags & (1u << 2));
	MUST(flags & (1u << 3));
	MUST(flags & (1u << 6));
	MUST(flags & (1u << 9));
	MUST(!(flags & (1u << 4)) && !(flags & (1u << 5)));   /* not both symbol kinds */
	MUST(get32(p + 4) == 639);                             /* below the EBDA */
	MUST(get32(p + 8) == (upper > 0xFFFFFFFFu ? 0xFFFFFFFFu : upper));
	MUST(cstr_at(r, get32(p + 16), cmdline));
	MUST(get32(p + 20) == 0);                              /* mods_count */
	/* The PC's map (DESIGN.md 4): RAM to the EBDA, the EBDA, the BIOS
	 * area, RAM from 1 MiB to mem, the I/O APIC and local APIC pages. */
	static const struct { uint64_t base, len; uint32_t type; } want[] = {
		{ 0, 0x9FC00, 1 }, { 0x9FC00, 0x400, 2 }, { 0xE0000, 0x20000, 2 },
		{ 1u << 20, 0, 1 }, { 0xFEC00000, 0x1000, 2 }, { 0xFEE00000, 0x1000, 2 },
	};
	MUST(get32(p + 44) == 6 * 24);                         /* mmap_length */
	uint32_t mm = get32(p + 48);
	MUST(mm >= mbi && mm + 6 * 24 <= mbi + 4096);
	const uint8_t *e = r->buf + mm;
	for (unsigned i = 0; i < 6; i++, e += 4 + get32(e)) {
		MUST(get32(e) == 20);
		MUST(get64(e + 4) == want[i].base);
		MUST(get64(e + 12) == (want[i].len ? want[i].len : ram_size - (1u << 20)));
		MUST(get32(e + 20) == want[i].type);
	}
	MUST(cstr_at(r, get32(p + 64), "Tern"));
#undef MUST
	return 1;
}

TEST(mb_info_low_page)
{
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image img = { .load_start = 0x100000, .load_end = 0x104800 };
	const char *cmd = "console=ttyS0 verbose x=1";
	uint32_t mbi;

	ram_init(&r, &w, 32ull << 20);
	CHECK(write_info(&img, &r, 32ull << 20, cmd, &mbi) == 0);
	CHECK(mbi == MBI_LOW);
	CHECK(mbi_ok(&r, mbi, 32ull << 20, cmd));
	CHECK(get32(r.buf + mbi + 8) == 31744);   /* (32M - 1M) / 1K */
	/* Everything it wrote is in that one page. */
	CHECK(r.rejected == 0);
	CHECK(all_zero(r.buf, MBI_LOW));
	CHECK(all_zero(r.buf + MBI_LOW + 4096, (32u << 20) - MBI_LOW - 4096));
	ram_free(&r);
}

TEST(mb_info_empty_cmdline)
{
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image img = { .load_start = 0x100000, .load_end = 0x101000 };
	uint32_t mbi;

	ram_init(&r, &w, 2ull << 20);
	CHECK(write_info(&img, &r, 2ull << 20, "", &mbi) == 0);
	CHECK(mbi_ok(&r, mbi, 2ull << 20, ""));
	CHECK(get32(r.buf + mbi + 8) == 1024);
	ram_free(&r);
}

TEST(mb_info_after_kernel_that_covers_low_page)
{
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image img = { .load_start = 0x8000, .load_end = 0x20123 };
	const char *cmd = "low kernel";
	uint32_t mbi;

	ram_init(&r, &w, 4ull << 20);
	/* The kernel's bytes must survive. */
	memset(r.buf + img.load_start, 0x5A, img.load_end - img.load_start);
	CHECK(write_info(&img, &r, 4ull << 20, cmd, &mbi) == 0);
	CHECK(mbi >= img.load_end);
	CHECK(mbi % 4096 == 0);
	CHECK(mbi_ok(&r, mbi, 4ull << 20, cmd));
	for (uint32_t a = img.load_start; a < img.load_end; a++)
		CHECK(r.buf[a] == 0x5A);
	ram_free(&r);
}

TEST(mb_info_kernel_edges_of_low_page)
{
	struct fake_ram r;
	struct guest_writer w;
	uint32_t mbi;

	/* Kernel ending right where the low page starts, and one starting
	 * right after it: the low page is free. */
	struct multiboot_image below = { .load_start = 0x1000, .load_end = MBI_LOW };
	struct multiboot_image above = { .load_start = MBI_LOW + 0x1000, .load_end = 0x30000 };
	struct multiboot_image one_byte = { .load_start = MBI_LOW + 0xFFF, .load_end = MBI_LOW + 0x1000 };

	ram_init(&r, &w, 2ull << 20);
	CHECK(write_info(&below, &r, 2ull << 20, "a", &mbi) == 0);
	CHECK(mbi == MBI_LOW);
	CHECK(write_info(&above, &r, 2ull << 20, "a", &mbi) == 0);
	CHECK(mbi == MBI_LOW);
	/* One kernel byte in the low page is enough to move the MBI. */
	CHECK(write_info(&one_byte, &r, 2ull << 20, "a", &mbi) == 0);
	CHECK(mbi == MBI_LOW + 0x1000);
	CHECK(mbi_ok(&r, mbi, 2ull << 20, "a"));
	ram_free(&r);
}

TEST(mb_info_large_ram)
{
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image img = { .load_start = 0x100000, .load_end = 0x110000 };
	uint64_t ram = 8ull << 30;   /* 8 GiB guest; only the first MiB backed here */
	uint32_t mbi;

	ram_init(&r, &w, 1ull << 20);
	CHECK(write_info(&img, &r, ram, "big", &mbi) == 0);
	CHECK(mbi == MBI_LOW);
	CHECK(mbi_ok(&r, mbi, ram, "big"));
	CHECK(get32(r.buf + mbi + 8) == (uint32_t)((ram - (1u << 20)) >> 10));
	ram_free(&r);
}

TEST(mb_info_cmdline_too_long)
{
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image img = { .load_start = 0x100000, .load_end = 0x101000 };
	char *cmd = malloc(5001);
	uint32_t mbi;

	memset(cmd, 'c', 5000);
	cmd[5000] = 0;
	ram_init(&r, &w, 2ull << 20);
	CHECK(write_info(&img, &r, 2ull << 20, cmd, &mbi) == -1);
	CHECK(one_line_error());
	CHECK(r.writes == 0);
	/* A long but acceptable one (3000 bytes) arrives whole. */
	cmd[3000] = 0;
	CHECK(write_info(&img, &r, 2ull << 20, cmd, &mbi) == 0);
	CHECK(mbi_ok(&r, mbi, 2ull << 20, cmd));
	ram_free(&r);
	free(cmd);
}

/* Every command line length up to the limit either arrives whole or is
 * refused; none overruns the loader's page buffer (child: a stack
 * overflow is an ASan abort). */
static void cmdline_lengths_child(void)
{
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image img = { .load_start = 0x100000, .load_end = 0x101000 };
	char *cmd = malloc(4097);
	uint32_t mbi;

	ram_init(&r, &w, 2ull << 20);
	for (size_t len = 3500; len <= 4096; len++) {
		memset(cmd, 'x', len);
		cmd[len] = 0;
		int rc = write_info(&img, &r, 2ull << 20, cmd, &mbi);
		if (rc == 0 ? !mbi_ok(&r, mbi, 2ull << 20, cmd) : !one_line_error()) {
			printf("  length %zu\n", len);
			child_fail();
		}
	}
	ram_free(&r);
	free(cmd);
}

TEST(mb_info_cmdline_length_boundary)
{
	CHECK(in_child(cmdline_lengths_child) == 0);
}

TEST(mb_info_ram_too_small)
{
	struct fake_ram r;
	struct guest_writer w;
	uint32_t mbi;

	/* The kernel covers the low page and runs up to the end of RAM. */
	struct multiboot_image img = { .load_start = 0x8000, .load_end = (2u << 20) - 0x800 };
	ram_init(&r, &w, 2ull << 20);
	CHECK(write_info(&img, &r, 2ull << 20, "", &mbi) == -1);
	CHECK(one_line_error());
	CHECK(r.writes == 0);
	/* One free page after it is enough. */
	img.load_end = (2u << 20) - 0x1000;
	CHECK(write_info(&img, &r, 2ull << 20, "", &mbi) == 0);
	CHECK(mbi == (2u << 20) - 0x1000);
	ram_free(&r);

	/* RAM ending inside the low page. */
	struct multiboot_image tiny = { .load_start = 0x1000, .load_end = 0x2000 };
	ram_init(&r, &w, 0x9800);
	CHECK(write_info(&tiny, &r, 0x9800, "", &mbi) == -1);
	CHECK(one_line_error());
	CHECK(r.writes == 0);
	ram_free(&r);
}

TEST(mb_load_then_info)
{
	struct image im = build_elf32();
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image out;
	uint32_t mbi;
	uint8_t *kernel = malloc(E32_SEG1_PA + E32_SEG1_MSZ - E32_SEG0_PA);

	ram_init(&r, &w, RAM_SIZE);
	CHECK(load(&im, im.size, RAM_SIZE, &r, &out) == 0);
	memcpy(kernel, r.buf + E32_SEG0_PA, out.load_end - out.load_start);
	CHECK(write_info(&out, &r, RAM_SIZE, "hello", &mbi) == 0);
	CHECK(mbi == MBI_LOW);
	CHECK(mbi_ok(&r, mbi, RAM_SIZE, "hello"));
	CHECK(memcmp(kernel, r.buf + E32_SEG0_PA, out.load_end - out.load_start) == 0);
	free(kernel);
	ram_free(&r);
	image_free(&im);
}

/* ---- fuzz ----------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static void put_checksum(uint8_t *data, size_t size)
{
	/* Re-validate whichever multiboot header the image had, so
	 * corruptions of flags and address fields reach the loader. */
	for (size_t off = 0; off + 12 <= size && off < MULTIBOOT_SEARCH; off += 4)
		if (get32(data + off) == MULTIBOOT_HEADER_MAGIC) {
			uint32_t flags = get32(data + off + 4);
			put32(data + off + 8, (uint32_t)-(MULTIBOOT_HEADER_MAGIC + flags));
			return;
		}
}

static void corrupt(uint8_t *data, size_t size)
{
	unsigned n = 1 + (unsigned)(rng() % 6);

	for (unsigned i = 0; i < n; i++) {
		/* Mostly in the headers (ELF, program and multiboot headers). */
		size_t off = rng() % 4 ? rng() % (size < 0x180 ? size : 0x180) : rng() % size;
		static const uint32_t extremes[] = {
			0, 1, 0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 0x100000u, 0xFFFFF000u, 0x10000u,
		};
		switch (rng() % 4) {
		case 0:
			data[off] = (uint8_t)rng();
			break;
		case 1:
			data[off] ^= (uint8_t)(1u << (rng() % 8));
			break;
		default:
			off &= ~(size_t)3;
			if (off + 4 <= size)
				put32(data + off, extremes[rng() % 8]);
			break;
		}
	}
	if (rng() % 2)
		put_checksum(data, size);
}

static unsigned fuzz_failures, fuzz_loaded, fuzz_refused;

static void fuzz_one(const struct image *base, unsigned iter)
{
	struct image work = image_new(base->size);
	size_t size = base->size;
	struct fake_ram r;
	struct guest_writer w;
	struct multiboot_image out;
	int rc;

	memcpy(work.data, base->data, base->size);
	if (rng() % 3)
		corrupt(work.data, work.size);
	switch (rng() % 4) {
	case 0:
		size = rng() % (work.size + 1);
		break;
	case 1:
		size = rng() % 0x200;   /* inside the headers */
		if (size > work.size)
			size = work.size;
		break;
	default:
		break;
	}
	ram_init(&r, &w, RAM_SIZE);
	rc = load(&work, size, RAM_SIZE, &r, &out);
	if (rc == 0)
		fuzz_loaded++;
	else
		fuzz_refused++;
	if (r.rejected) {
		printf("  iteration %u: %u writes outside RAM (rc %d)\n", iter, r.rejected, rc);
		fuzz_failures++;
	} else if (rc == 0 && (out.load_start > out.load_end || out.load_end > RAM_SIZE)) {
		printf("  iteration %u: span [0x%x, 0x%x)\n", iter, out.load_start, out.load_end);
		fuzz_failures++;
	} else if (rc == 0) {
		for (unsigned i = 0; i < r.writes && i < LOG_MAX; i++)
			if (r.log[i].gpa < out.load_start ||
			    r.log[i].gpa + r.log[i].len > out.load_end) {
				printf("  iteration %u: write [0x%llx +0x%zx) outside [0x%x, 0x%x)\n",
				       iter, (unsigned long long)r.log[i].gpa, r.log[i].len,
				       out.load_start, out.load_end);
				fuzz_failures++;
				break;
			}
	} else if (rc != -1 || !one_line_error()) {
		printf("  iteration %u: rc %d\n", iter, rc);
		fuzz_failures++;
	}
	ram_free(&r);
	image_free(&work);
}

static void fuzz_child(void)
{
	struct image bases[3] = { build_elf32(), build_elf64(), build_aout() };

	rng_state = 0x9E3779B97F4A7C15ull;
	for (unsigned i = 0; i < 6000; i++)
		fuzz_one(&bases[i % 3], i);
	for (unsigned b = 0; b < 3; b++)
		image_free(&bases[b]);
	/* Both outcomes are well represented, or the run proves little. */
	if (fuzz_loaded < 500 || fuzz_refused < 500) {
		printf("  fuzz: %u loaded, %u refused\n", fuzz_loaded, fuzz_refused);
		child_fail();
	}
	if (fuzz_failures)
		child_fail();
}

TEST(mb_fuzz_corrupt_and_truncate)
{
	CHECK(in_child(fuzz_child) == 0);
}

/* The BIOS data area as a PC BIOS leaves it (guest/layout.c): COM1 at
 * 3F8h, one serial port in the equipment word, the EBDA's segment, base
 * memory below it, and the EBDA's size word. */
TEST(bda_as_a_bios_leaves_it)
{
	struct fake_ram r;
	struct guest_writer w;

	ram_init(&r, &w, 2ull << 20);
	CHECK(guest_write_bda(&w) == 0);
	CHECK(get16(r.buf + 0x400) == 0x3F8 && get16(r.buf + 0x402) == 0);
	CHECK(get16(r.buf + 0x40E) == 0x9FC0);
	CHECK(((get16(r.buf + 0x410) >> 9) & 7) == 1);
	CHECK(get16(r.buf + 0x413) == 639);
	CHECK(get16(r.buf + 0x9FC00) == 1);
	ram_free(&r);
}
