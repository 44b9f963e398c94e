/*
 * Host tests for boot/mb2.c, the multiboot2 boot information parser.
 *
 * Info blobs are built with the little builder below (spec 3.6 layout:
 * fixed part, 8-aligned tags, end tag).  Parses that should catch
 * overreads run on a malloc'ed copy of exactly `limit` bytes so ASan
 * reports any read past it.
 */
#define TEST_MAIN
#include "tests/test.h"

#include <stdint.h>

#include "boot/mb2.h"

/* The hypervisor's formatter, stubbed onto the host libc. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- builder ---- */

#define BLOB_MAX 65536   /* room for a 1000+ entry memory map */

struct blob {
	uint64_t words[BLOB_MAX / 8];   /* 8-byte aligned storage */
	uint32_t len;
	uint32_t tag;                   /* offset of the open tag */
};

static unsigned char *bytes(struct blob *b)
{
	return (unsigned char *)b->words;
}

static void put32(struct blob *b, uint32_t off, uint32_t v)
{
	memcpy(bytes(b) + off, &v, 4);
}

static uint32_t get32(const unsigned char *p, uint32_t off)
{
	uint32_t v;
	memcpy(&v, p + off, 4);
	return v;
}

static void emit(struct blob *b, const void *p, uint32_t n)
{
	if (b->len + n > BLOB_MAX)
		abort();
	memcpy(bytes(b) + b->len, p, n);
	b->len += n;
}

static void emit32(struct blob *b, uint32_t v)
{
	emit(b, &v, 4);
}

static void emit64(struct blob *b, uint64_t v)
{
	emit(b, &v, 8);
}

static void emit_str(struct blob *b, const char *s)
{
	emit(b, s, (uint32_t)strlen(s) + 1);
}

static void pad8(struct blob *b)
{
	static const unsigned char zero[8];
	emit(b, zero, (8 - b->len % 8) % 8);
}

static void blob_init(struct blob *b)
{
	memset(b, 0, sizeof *b);
	emit32(b, 0);   /* total_size, filled by blob_finish */
	emit32(b, 0);   /* reserved */
}

static void tag_begin(struct blob *b, uint32_t type)
{
	pad8(b);
	b->tag = b->len;
	emit32(b, type);
	emit32(b, 0);   /* size, filled by tag_end */
}

/* Close the open tag: size is the unpadded length (spec 3.6.2). */
static void tag_end(struct blob *b)
{
	put32(b, b->tag + 4, b->len - b->tag);
}

static void blob_finish(struct blob *b)
{
	tag_begin(b, 0);
	tag_end(b);
	put32(b, 0, b->len);
}

static void add_string_tag(struct blob *b, uint32_t type, const char *s)
{
	tag_begin(b, type);
	emit_str(b, s);
	tag_end(b);
}

static void add_module(struct blob *b, uint32_t start, uint32_t end,
		       const char *cmdline)
{
	tag_begin(b, 3);
	emit32(b, start);
	emit32(b, end);
	emit_str(b, cmdline);
	tag_end(b);
}

struct mm { uint64_t base, len; uint32_t type; };

static void add_mmap(struct blob *b, const struct mm *e, size_t n)
{
	tag_begin(b, 6);
	emit32(b, 24);  /* entry_size */
	emit32(b, 0);   /* entry_version */
	for (size_t i = 0; i < n; i++) {
		emit64(b, e[i].base);
		emit64(b, e[i].len);
		emit32(b, e[i].type);
		emit32(b, 0);
	}
	tag_end(b);
}

static const struct mm small_map[] = {
	{ 0x0, 0x9fc00, 1 },
	{ 0x100000, 0x7fe0000, 1 },
};

static void add_small_mmap(struct blob *b)
{
	add_mmap(b, small_map, 2);
}

/* Fake RSDP contents, `n` bytes of "RSD PTR " followed by a pattern. */
static void add_rsdp(struct blob *b, uint32_t type, uint32_t n)
{
	unsigned char r[64];
	memcpy(r, "RSD PTR ", 8);
	for (uint32_t i = 8; i < sizeof r; i++)
		r[i] = (unsigned char)(type * 16 + i);
	tag_begin(b, type);
	emit(b, r, n);
	tag_end(b);
}

/* The GRUB-like blob most tests start from. */
static const struct mm grub_map[] = {
	{ 0x0, 0x9fc00, 1 },
	{ 0x9fc00, 0x400, 2 },
	{ 0x100000, 0xbfee0000, 1 },
	{ 0xbffe0000, 0x20000, 3 },
	{ 0x100000000ull, 0x140000000ull, 1 },
};

static void build_grub(struct blob *b)
{
	blob_init(b);
	add_string_tag(b, 1, "tern console=serial");
	add_string_tag(b, 2, "GRUB 2.06");
	add_module(b, 0x200000, 0x280000, "guest.elf");
	add_module(b, 0x300000, 0x301234, "initrd root=/dev/vda");
	tag_begin(b, 4);        /* basic meminfo: ignored */
	emit32(b, 639);
	emit32(b, 0x3ff00);
	tag_end(b);
	add_mmap(b, grub_map, 5);
	add_rsdp(b, 14, 20);
	add_rsdp(b, 15, 36);
	blob_finish(b);
}

/* ---- the EFI memory map (tag 17) ---- */

struct efi_desc { uint32_t type; uint64_t start, pages, attr; };

#define WB (1ull << 3)
#define SP (1ull << 18)

/* descriptor_size is 48 as on real firmware (8 bytes more than the
 * structure), so the parser must step by it, not by the structure. */
static void add_efi_mmap(struct blob *b, const struct efi_desc *d, size_t n, uint32_t desc_size)
{
	tag_begin(b, 17);
	emit32(b, desc_size);
	emit32(b, 1);   /* descriptor_version */
	for (size_t i = 0; i < n; i++) {
		uint32_t start = b->len;
		emit32(b, d[i].type);
		emit32(b, 0);
		emit64(b, d[i].start);
		emit64(b, 0xdead0000);  /* VirtualStart: ignored */
		emit64(b, d[i].pages);
		emit64(b, d[i].attr);
		while (b->len < start + desc_size)
			emit32(b, 0xEEEEEEEE);
	}
	tag_end(b);
}

/* An OVMF-like map: loader, boot services and conventional memory are
 * RAM once boot services are gone; runtime services, MMIO, ACPI and
 * unusable memory are not; RAM without WB or marked specific-purpose is
 * not general RAM. */
static const struct efi_desc ovmf_map[] = {
	{ 3, 0x0, 0x9f, WB },                   /* BootServicesCode */
	{ 7, 0x9f000, 0x1, WB },                /* Conventional: merges */
	{ 7, 0x100000, 0x100, WB },             /* Conventional */
	{ 2, 0x200000, 0x64, WB },              /* LoaderData: the image */
	{ 4, 0x264000, 0x100, WB },             /* BootServicesData */
	{ 1, 0x364000, 0x10, WB },              /* LoaderCode */
	{ 9, 0x374000, 0x8, WB },               /* ACPIReclaim */
	{ 10, 0x37c000, 0x4, WB },              /* ACPI NVS */
	{ 6, 0x380000, 0x20, WB | (1ull << 63) }, /* RuntimeServicesData */
	{ 7, 0x3a0000, 0x10, 0 },               /* Conventional, UC only */
	{ 7, 0x3b0000, 0x10, WB | SP },         /* Conventional, specific-purpose */
	{ 8, 0x3c0000, 0x10, WB },              /* Unusable */
	{ 11, 0xffc00000, 0x200, 1 },           /* MMIO (flash) */
	{ 14, 0x100000000ull, 0x1000, WB },     /* PersistentMemory */
	{ 7, 0x101000000ull, 0x40000, WB },     /* Conventional, above 4 GiB */
};

static void build_uefi(struct blob *b)
{
	blob_init(b);
	add_string_tag(b, 1, "tern");
	add_string_tag(b, 2, "GRUB 2.06");
	add_mmap(b, small_map, 2);              /* GRUB's converted map */
	add_efi_mmap(b, ovmf_map, sizeof ovmf_map / sizeof ovmf_map[0], 48);
	add_rsdp(b, 15, 36);
	blob_finish(b);
}

/* Parse a malloc'ed copy of exactly len bytes (so ASan sees overreads).
 * Strings in *out point into the copy, which is freed: callers of this
 * helper only look at the return code and the error. */
static int parse_copy(const void *p, size_t len, struct mb2_info *out,
		      const char **err)
{
	void *copy = malloc(len ? len : 1);
	int rc;
	memcpy(copy, p, len);
	rc = mb2_parse(copy, len, out, err);
	free(copy);
	return rc;
}

static int has(const char *s, const char *needle)
{
	return s && strstr(s, needle) != NULL;
}

/* Parse b (on an exact-size copy) and expect failure mentioning `what`;
 * the error must be a single line. */
static int fails_with(struct blob *b, const char *what)
{
	static struct mb2_info info;
	const char *err = NULL;
	if (parse_copy(b->words, b->len, &info, &err) != -1)
		return 0;
	if (!err || strchr(err, '\n') || !has(err, "multiboot2 info: "))
		return 0;
	if (!has(err, what)) {
		printf("  (error was: %s)\n", err);
		return 0;
	}
	/* A failed parse leaves the result empty. */
	return info.mmap_count == 0 && info.module_count == 0 &&
	       info.rsdp == NULL && strcmp(info.cmdline, "") == 0;
}

static struct mb2_info info;

/* ---- tests ---- */

TEST(mb2_valid_grub_like)
{
	static struct blob b;
	const char *err = NULL;
	const unsigned char *base;

	build_grub(&b);
	base = bytes(&b);
	CHECK(mb2_parse(b.words, b.len, &info, &err) == 0);
	CHECK(info.total_size == b.len);
	CHECK(strcmp(info.cmdline, "tern console=serial") == 0);
	CHECK(strcmp(info.loader_name, "GRUB 2.06") == 0);

	CHECK(info.module_count == 2);
	CHECK(info.modules[0].start == 0x200000);
	CHECK(info.modules[0].end == 0x280000);
	CHECK(strcmp(info.modules[0].cmdline, "guest.elf") == 0);
	CHECK(info.modules[1].start == 0x300000);
	CHECK(info.modules[1].end == 0x301234);
	CHECK(strcmp(info.modules[1].cmdline, "initrd root=/dev/vda") == 0);

	CHECK(info.mmap_count == 5);
	for (size_t i = 0; i < 5; i++) {
		CHECK(info.mmap[i].base == grub_map[i].base);
		CHECK(info.mmap[i].len == grub_map[i].len);
		CHECK(info.mmap[i].type == grub_map[i].type);
	}
	CHECK(info.mmap[4].base == 0x100000000ull);
	CHECK(info.mmap[4].len == 0x140000000ull);

	/* The new RSDP wins and points into the buffer. */
	CHECK(info.rsdp_revision == 2);
	CHECK(info.rsdp_len == 36);
	CHECK((const unsigned char *)info.rsdp > base);
	CHECK((const unsigned char *)info.rsdp + 36 <= base + b.len);
	CHECK(memcmp(info.rsdp, "RSD PTR ", 8) == 0);
	CHECK(((const unsigned char *)info.rsdp)[8] == 15 * 16 + 8);
	/* The strings point into the buffer too. */
	CHECK((const unsigned char *)info.cmdline > base &&
	      (const unsigned char *)info.cmdline < base + b.len);
}

TEST(mb2_valid_on_exact_buffer)
{
	static struct blob b;
	const char *err = NULL;
	build_grub(&b);
	CHECK(parse_copy(b.words, b.len, &info, &err) == 0);
	CHECK(info.mmap_count == 5 && info.module_count == 2);
	/* A larger limit than total_size is fine (the kernel's case). */
	CHECK(mb2_parse(b.words, BLOB_MAX, &info, &err) == 0);
	CHECK(info.total_size == b.len);
}

TEST(mb2_absent_strings_are_empty)
{
	static struct blob b;
	const char *err = NULL;
	blob_init(&b);
	add_small_mmap(&b);
	blob_finish(&b);
	CHECK(parse_copy(b.words, b.len, &info, &err) == 0);
	CHECK(info.cmdline != NULL && strcmp(info.cmdline, "") == 0);
	CHECK(info.loader_name != NULL && strcmp(info.loader_name, "") == 0);
	CHECK(info.module_count == 0);
	CHECK(info.mmap_count == 2);
	CHECK(info.rsdp == NULL && info.rsdp_len == 0 &&
	      info.rsdp_revision == 0);
}

TEST(mb2_empty_strings_accepted)
{
	static struct blob b;
	const char *err = NULL;
	blob_init(&b);
	add_string_tag(&b, 1, "");
	add_module(&b, 0x1000, 0x1000, "");     /* empty module is fine */
	add_small_mmap(&b);
	blob_finish(&b);
	CHECK(mb2_parse(b.words, b.len, &info, &err) == 0);
	CHECK(strcmp(info.cmdline, "") == 0);
	CHECK(info.module_count == 1);
	CHECK(strcmp(info.modules[0].cmdline, "") == 0);
}

TEST(mb2_old_rsdp_only)
{
	static struct blob b;
	const char *err = NULL;
	blob_init(&b);
	add_small_mmap(&b);
	add_rsdp(&b, 14, 20);
	blob_finish(&b);
	CHECK(mb2_parse(b.words, b.len, &info, &err) == 0);
	CHECK(info.rsdp_revision == 0);
	CHECK(info.rsdp_len == 20);
	CHECK(memcmp(info.rsdp, "RSD PTR ", 8) == 0);
	CHECK(((const unsigned char *)info.rsdp)[8] == 14 * 16 + 8);
}

TEST(mb2_new_rsdp_preferred_in_either_order)
{
	static struct blob b;
	const char *err = NULL;
	blob_init(&b);
	add_rsdp(&b, 15, 36);
	add_small_mmap(&b);
	add_rsdp(&b, 14, 20);
	blob_finish(&b);
	CHECK(mb2_parse(b.words, b.len, &info, &err) == 0);
	CHECK(info.rsdp_revision == 2 && info.rsdp_len == 36);
	CHECK(((const unsigned char *)info.rsdp)[8] == 15 * 16 + 8);
}

TEST(mb2_null_and_misaligned)
{
	static struct blob b;
	const char *err = NULL;
	build_grub(&b);
	CHECK(mb2_parse(NULL, 4096, &info, &err) == -1);
	CHECK(has(err, "NULL"));
	err = NULL;
	CHECK(mb2_parse(bytes(&b) + 4, b.len, &info, &err) == -1);
	CHECK(has(err, "not 8-byte aligned"));
	CHECK(mb2_parse(b.words, b.len, NULL, &err) == -1);
	/* err may be NULL. */
	CHECK(mb2_parse(NULL, 4096, &info, NULL) == -1);
}

TEST(mb2_truncated_by_limit)
{
	static struct blob b;
	const char *err = NULL;
	build_grub(&b);
	CHECK(parse_copy(b.words, b.len - 8, &info, &err) == -1);
	CHECK(has(err, "truncated"));
	CHECK(parse_copy(b.words, 12, &info, &err) == -1);
	CHECK(has(err, "limit 12"));
	CHECK(parse_copy(b.words, 0, &info, &err) == -1);
}

TEST(mb2_total_size_too_small)
{
	static struct blob b;
	build_grub(&b);
	put32(&b, 0, 8);
	CHECK(fails_with(&b, "total_size 8 leaves no room"));
	put32(&b, 0, 0);
	CHECK(fails_with(&b, "total_size 0 leaves no room"));
}

TEST(mb2_total_size_short_of_tags)
{
	static struct blob b;
	/* total_size cuts the mmap tag: it runs past total_size. */
	build_grub(&b);
	put32(&b, 0, 0x70);
	CHECK(fails_with(&b, "running past total_size 112"));
}

TEST(mb2_tag_size_below_header)
{
	static struct blob b;
	uint32_t t21;
	blob_init(&b);
	add_small_mmap(&b);             /* 8 + 64 bytes: next tag at 0x48 */
	tag_begin(&b, 21);
	emit32(&b, 0);
	tag_end(&b);
	t21 = b.tag;
	blob_finish(&b);
	CHECK(t21 == 0x48);
	put32(&b, t21 + 4, 4);          /* the type-21 tag claims size 4 */
	CHECK(fails_with(&b, "tag type 21 at offset 0x48 has size 4, "
			 "smaller than its header"));
	put32(&b, t21 + 4, 0);
	CHECK(fails_with(&b, "has size 0, smaller than its header"));
}

TEST(mb2_mmap_size_below_its_header)
{
	static struct blob b;
	const char *err = NULL;
	blob_init(&b);
	/* 50 characters: size 59, padded 64, so the mmap lands at 0x48. */
	add_string_tag(&b, 1, "0123456789abcdefghijklmnopqrstuvwxyz"
			      "0123456789abcd");
	tag_begin(&b, 6);
	emit32(&b, 24);
	tag_end(&b);
	blob_finish(&b);
	CHECK(parse_copy(b.words, b.len, &info, &err) == -1);
	CHECK(strcmp(err, "multiboot2 info: memory map tag at offset 0x48 "
		     "has size 12, smaller than its 16-byte header") == 0);
}

TEST(mb2_tag_runs_past_end)
{
	static struct blob b;
	build_grub(&b);
	put32(&b, 8 + 4, b.len);        /* cmdline tag claims it all */
	CHECK(fails_with(&b, "tag type 1 at offset 0x8 has size"));
	CHECK(fails_with(&b, "running past total_size"));
	put32(&b, 8 + 4, 0xfffffff8u);  /* huge size: no overflow */
	CHECK(fails_with(&b, "running past total_size"));
}

TEST(mb2_missing_end_tag)
{
	static struct blob b;
	blob_init(&b);
	add_small_mmap(&b);
	put32(&b, 0, b.len);            /* no end tag at all */
	CHECK(fails_with(&b, "no end tag"));

	/* A trailing partial header (4 bytes) is not an end tag either. */
	emit32(&b, 0);
	put32(&b, 0, b.len);
	CHECK(fails_with(&b, "no end tag"));

	/* An end tag with the wrong size. */
	blob_init(&b);
	add_small_mmap(&b);
	blob_finish(&b);
	put32(&b, b.len - 4, 16);
	CHECK(fails_with(&b, "running past total_size"));
	emit32(&b, 0);
	emit32(&b, 0);
	put32(&b, 0, b.len);
	CHECK(fails_with(&b, "end tag at offset"));
}

TEST(mb2_padding_runs_past_end)
{
	static struct blob b;
	/* The last tag's padded size steps over total_size: no end tag. */
	blob_init(&b);
	add_small_mmap(&b);
	add_string_tag(&b, 2, "abc");   /* size 12, padded to 16 */
	put32(&b, 0, b.len);            /* total_size = unpadded end */
	CHECK(fails_with(&b, "no end tag"));
}

TEST(mb2_unterminated_strings)
{
	static struct blob b;

	blob_init(&b);
	add_small_mmap(&b);
	add_string_tag(&b, 1, "console=serial");
	blob_finish(&b);
	/* Shrink the tag to drop the NUL: "console=serial" is 14 bytes. */
	put32(&b, b.tag - 24 + 4, 8 + 14);
	CHECK(fails_with(&b, "tag type 1 at offset"));
	CHECK(fails_with(&b, "not NUL-terminated"));

	blob_init(&b);
	add_small_mmap(&b);
	tag_begin(&b, 2);
	emit(&b, "GRUBGRUB", 8);        /* no NUL in the tag; next bytes 0 */
	tag_end(&b);
	blob_finish(&b);
	CHECK(fails_with(&b, "tag type 2 at offset"));
	CHECK(fails_with(&b, "not NUL-terminated"));

	/* Empty payload: not even a NUL. */
	blob_init(&b);
	add_small_mmap(&b);
	tag_begin(&b, 1);
	tag_end(&b);
	blob_finish(&b);
	CHECK(fails_with(&b, "not NUL-terminated"));

	/* Module string without its NUL. */
	blob_init(&b);
	add_small_mmap(&b);
	tag_begin(&b, 3);
	emit32(&b, 0x1000);
	emit32(&b, 0x2000);
	emit(&b, "modmodmo", 8);
	tag_end(&b);
	blob_finish(&b);
	CHECK(fails_with(&b, "tag type 3 at offset"));
	CHECK(fails_with(&b, "not NUL-terminated"));

	/* Module tag with no room for any string. */
	blob_init(&b);
	add_small_mmap(&b);
	tag_begin(&b, 3);
	emit32(&b, 0x1000);
	emit32(&b, 0x2000);
	tag_end(&b);
	blob_finish(&b);
	CHECK(fails_with(&b, "too small for its fields and string"));
}

TEST(mb2_module_end_before_start)
{
	static struct blob b;
	blob_init(&b);
	add_small_mmap(&b);
	add_module(&b, 0x300000, 0x2fffff, "bad");
	blob_finish(&b);
	CHECK(fails_with(&b, "ends at 0x2fffff, before its start 0x300000"));
}

TEST(mb2_mmap_bad_entry_size)
{
	static struct blob b;
	uint32_t es_off;

	blob_init(&b);
	add_small_mmap(&b);
	blob_finish(&b);
	es_off = 8 + 8;                 /* entry_size of the first tag */
	CHECK(get32(bytes(&b), es_off) == 24);

	put32(&b, es_off, 20);          /* < 24 */
	CHECK(fails_with(&b, "entry_size 20"));
	put32(&b, es_off, 0);           /* zero: no division by zero */
	CHECK(fails_with(&b, "entry_size 0"));
	put32(&b, es_off, 28);          /* not a multiple of 8 */
	CHECK(fails_with(&b, "entry_size 28"));
	put32(&b, es_off, 32);          /* 48 bytes of entries / 32 */
	CHECK(fails_with(&b, "not a multiple of entry_size 32"));
	put32(&b, es_off, 0xfffffff8u);
	CHECK(fails_with(&b, "not a multiple of entry_size"));
}

TEST(mb2_mmap_larger_entry_size)
{
	static struct blob b;
	const char *err = NULL;
	/* A future entry_version with 32-byte entries still parses. */
	blob_init(&b);
	tag_begin(&b, 6);
	emit32(&b, 32);
	emit32(&b, 1);
	for (int i = 0; i < 3; i++) {
		emit64(&b, 0x100000ull * (uint64_t)(i + 1));
		emit64(&b, 0x1000);
		emit32(&b, (uint32_t)i + 1);
		emit32(&b, 0);
		emit64(&b, 0xdeadbeefdeadbeefull);      /* unknown extension */
	}
	tag_end(&b);
	blob_finish(&b);
	CHECK(parse_copy(b.words, b.len, &info, &err) == 0);
	CHECK(info.mmap_count == 3);
	CHECK(info.mmap[2].base == 0x300000 && info.mmap[2].len == 0x1000 &&
	      info.mmap[2].type == 3);
}

/* ---- memory maps longer than the table (policy in boot/mb2.h) ---- */

/* Is [base, end) covered by the union of input entries of `type`? */
static int covered_by(const struct mm *in, size_t n, uint32_t type,
		      uint64_t base, uint64_t end)
{
	uint64_t pos = base;
	int progress = 1;

	while (pos < end && progress) {
		progress = 0;
		for (size_t i = 0; i < n; i++) {
			if (in[i].type != type || in[i].len == 0)
				continue;
			if (in[i].base <= pos && pos < in[i].base + in[i].len) {
				pos = in[i].base + in[i].len;
				progress = 1;
			}
		}
	}
	return pos >= end;
}

static uint64_t avail_bytes_in(const struct mm *in, size_t n)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		if (in[i].type == MB2_MMAP_AVAILABLE)
			sum += in[i].len;
	return sum;
}

static uint64_t avail_bytes_kept(const struct mb2_info *in)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < in->mmap_count; i++)
		if (in->mmap[i].type == MB2_MMAP_AVAILABLE)
			sum += in->mmap[i].len;
	return sum;
}

/* What every parse of a map must satisfy, whatever its length: every
 * kept entry is made of input entries of its own type (so no byte
 * changes type, and no reserved byte becomes available), the counts add
 * up, and (the inputs here do not overlap) every available byte is
 * either kept or counted as dropped. */
static int map_sound(const struct mm *in, size_t n, const struct mb2_info *out)
{
	if (out->mmap_count > MB2_MAX_MMAP || out->mmap_total != n ||
	    out->mmap_count + out->mmap_merged + out->mmap_dropped != n)
		return 0;
	for (size_t k = 0; k < out->mmap_count; k++) {
		const struct mb2_mmap_entry *e = &out->mmap[k];
		if (e->len == 0 ||
		    !covered_by(in, n, e->type, e->base, e->base + e->len))
			return 0;
		if (e->type != MB2_MMAP_AVAILABLE)
			continue;
		/* Explicitly: no input non-available byte inside it. */
		for (size_t i = 0; i < n; i++)
			if (in[i].type != MB2_MMAP_AVAILABLE &&
			    in[i].len != 0 &&
			    in[i].base < e->base + e->len &&
			    e->base < in[i].base + in[i].len)
				return 0;
	}
	return avail_bytes_kept(out) + out->mmap_dropped_bytes_available ==
	       avail_bytes_in(in, n);
}

static struct mm big_map[1200];

/* Parse a blob holding just the map `in` (on an exact-size copy for
 * ASan, then in place to look at the result). */
static int parse_map(const struct mm *in, size_t n)
{
	static struct blob b;
	const char *err = NULL;

	blob_init(&b);
	add_mmap(&b, in, n);
	blob_finish(&b);
	if (parse_copy(b.words, b.len, &info, &err) != 0 ||
	    mb2_parse(b.words, b.len, &info, &err) != 0) {
		printf("  (error was: %s)\n", err);
		return 0;
	}
	return 1;
}

TEST(mb2_mmap_empty_and_long)
{
	static struct mm many[MB2_MAX_MMAP + 1];

	/* An empty map parses (count 0). */
	CHECK(parse_map(many, 0));
	CHECK(info.mmap_count == 0 && info.mmap_total == 0);

	/* Exactly the table's size, with gaps: kept as given. */
	for (size_t i = 0; i <= MB2_MAX_MMAP; i++) {
		many[i].base = i * 0x2000;
		many[i].len = 0x1000;
		many[i].type = 1;
	}
	CHECK(parse_map(many, MB2_MAX_MMAP));
	CHECK(info.mmap_count == MB2_MAX_MMAP);
	CHECK(info.mmap_merged == 0 && info.mmap_dropped == 0);
	CHECK(info.mmap[MB2_MAX_MMAP - 1].base ==
	      (MB2_MAX_MMAP - 1) * 0x2000ull);
	CHECK(map_sound(many, MB2_MAX_MMAP, &info));

	/* One more is no longer an error: the table keeps 128 and the
	 * one left out (all the same size: the new one) is counted. */
	CHECK(parse_map(many, MB2_MAX_MMAP + 1));
	CHECK(info.mmap_count == MB2_MAX_MMAP && info.mmap_total == 129);
	CHECK(info.mmap_dropped == 1 &&
	      info.mmap_dropped_bytes_available == 0x1000);
	CHECK(info.mmap[MB2_MAX_MMAP - 1].base ==
	      (MB2_MAX_MMAP - 1) * 0x2000ull);
	CHECK(map_sound(many, MB2_MAX_MMAP + 1, &info));

	/* Without the gaps the 129 entries are one range. */
	for (size_t i = 0; i <= MB2_MAX_MMAP; i++)
		many[i].base = i * 0x1000;
	CHECK(parse_map(many, MB2_MAX_MMAP + 1));
	CHECK(info.mmap_count == 1 && info.mmap_merged == MB2_MAX_MMAP);
	CHECK(info.mmap[0].base == 0 &&
	      info.mmap[0].len == (MB2_MAX_MMAP + 1) * 0x1000ull);
	CHECK(map_sound(many, MB2_MAX_MMAP + 1, &info));
}

TEST(mb2_mmap_600_contiguous_merge_into_one)
{
	for (size_t i = 0; i < 600; i++)
		big_map[i] = (struct mm){ 0x100000 + i * 0x3000, 0x3000, 1 };
	CHECK(parse_map(big_map, 600));
	CHECK(info.mmap_count == 1);
	CHECK(info.mmap_total == 600 && info.mmap_merged == 599);
	CHECK(info.mmap_dropped == 0 && info.mmap_dropped_bytes_available == 0);
	CHECK(info.mmap[0].base == 0x100000 && info.mmap[0].len == 600 * 0x3000);
	CHECK(info.mmap[0].type == 1);
	CHECK(map_sound(big_map, 600, &info));

	/* The same for a non-available type: it keeps its type. */
	for (size_t i = 0; i < 600; i++)
		big_map[i].type = MB2_MMAP_NVS;
	CHECK(parse_map(big_map, 600));
	CHECK(info.mmap_count == 1 && info.mmap[0].type == MB2_MMAP_NVS);
	CHECK(info.mmap[0].len == 600 * 0x3000);
	CHECK(map_sound(big_map, 600, &info));
}

TEST(mb2_mmap_contiguous_different_types_stay_apart)
{
	/* 300 contiguous entries alternating available / reserved: no
	 * merge may happen, and when the table fills the reserved ones go
	 * first, never letting an available entry swallow a reserved one. */
	for (size_t i = 0; i < 300; i++)
		big_map[i] = (struct mm){ i * 0x1000, 0x1000,
					  i % 2 ? MB2_MMAP_RESERVED : 1 };
	CHECK(parse_map(big_map, 20));
	CHECK(info.mmap_count == 20 && info.mmap_merged == 0);
	for (size_t i = 0; i < 20; i++)
		CHECK(info.mmap[i].base == big_map[i].base &&
		      info.mmap[i].len == 0x1000 &&
		      info.mmap[i].type == big_map[i].type);
	CHECK(map_sound(big_map, 20, &info));

	CHECK(parse_map(big_map, 300));
	CHECK(info.mmap_count == MB2_MAX_MMAP && info.mmap_merged == 0);
	CHECK(info.mmap_dropped == 300 - MB2_MAX_MMAP);
	for (size_t i = 0; i < info.mmap_count; i++)
		CHECK(info.mmap[i].type == 1 && info.mmap[i].len == 0x1000);
	CHECK(info.mmap_dropped_bytes_available ==
	      (150 - MB2_MAX_MMAP) * 0x1000ull);
	CHECK(map_sound(big_map, 300, &info));
}

TEST(mb2_mmap_1000_alternating_with_gaps)
{
	/* Available [i*64K, +32K), then reserved [+40K, +56K): gaps on
	 * both sides of every reserved entry.  500 available entries do
	 * not fit, so every reserved one is dropped first, then the
	 * available ones beyond the table (all of a size: the newest). */
	for (size_t i = 0; i < 1000; i++) {
		uint64_t slot = (uint64_t)(i / 2) * 0x10000;
		big_map[i] = i % 2 ?
			(struct mm){ slot + 0xA000, 0x4000, MB2_MMAP_RESERVED } :
			(struct mm){ slot, 0x8000, MB2_MMAP_AVAILABLE };
	}
	CHECK(parse_map(big_map, 1000));
	CHECK(info.mmap_total == 1000);
	CHECK(info.mmap_count == MB2_MAX_MMAP);
	CHECK(info.mmap_merged == 0);
	CHECK(info.mmap_dropped == 1000 - MB2_MAX_MMAP);
	CHECK(info.mmap_dropped_bytes_available ==
	      (500 - MB2_MAX_MMAP) * 0x8000ull);
	for (size_t i = 0; i < MB2_MAX_MMAP; i++)
		CHECK(info.mmap[i].type == 1 &&
		      info.mmap[i].base == i * 0x10000ull &&
		      info.mmap[i].len == 0x8000);
	CHECK(map_sound(big_map, 1000, &info));

	/* 1000 entries whose available runs are contiguous (a UEFI map:
	 * boot-services pieces), 5 available + 3 non-available of mixed
	 * types per group, with a gap after each group: everything
	 * fits once merged, so nothing is dropped. */
	{
		size_t n = 0;
		for (size_t g = 0; n < 1000; g++) {
			uint64_t at = g * 0x100000ull;
			static const uint32_t types[8] = { 1, 1, 1, 1, 1, 2, 2, 4 };
			for (size_t k = 0; k < 8 && n < 1000; k++) {
				big_map[n++] = (struct mm){ at, 0x4000, types[k] };
				at += 0x4000;
			}
		}
		CHECK(parse_map(big_map, 1000));
		/* 125 groups -> available, reserved, NVS each: 375 > 128. */
		CHECK(info.mmap_total == 1000);
		CHECK(map_sound(big_map, 1000, &info));
		CHECK(info.mmap_dropped_bytes_available == 0);
		CHECK(info.mmap_count == MB2_MAX_MMAP);
		/* All 125 available runs kept, 80K each (5 x 16K). */
		CHECK(avail_bytes_kept(&info) == 125 * 5 * 0x4000ull);
	}

	/* The same with 40 groups (320 entries) fits the table entirely. */
	CHECK(parse_map(big_map, 320));
	CHECK(info.mmap_count == 120 && info.mmap_dropped == 0);
	CHECK(info.mmap_merged == 200);
	CHECK(info.mmap[0].base == 0 && info.mmap[0].len == 5 * 0x4000 &&
	      info.mmap[0].type == 1);
	CHECK(info.mmap[1].base == 5 * 0x4000 && info.mmap[1].len == 2 * 0x4000 &&
	      info.mmap[1].type == 2);
	CHECK(info.mmap[2].base == 7 * 0x4000 && info.mmap[2].len == 0x4000 &&
	      info.mmap[2].type == 4);
	CHECK(info.mmap[3].base == 0x100000 && info.mmap[3].type == 1);
	CHECK(map_sound(big_map, 320, &info));
}

TEST(mb2_mmap_available_alone_exceeds_table)
{
	/* 10 reserved entries, then 200 available ones (with gaps) of
	 * 1..200 pages in a shuffled order, then 10 more reserved.  The
	 * reserved ones go first; of the available ones the 128 largest
	 * stay, in the loader's order, and the 72 smallest are reported. */
	size_t n = 0;
	uint64_t smallest = UINT64_MAX;

	for (size_t i = 0; i < 10; i++)
		big_map[n++] = (struct mm){ 0x2000 * i, 0x1000, MB2_MMAP_RESERVED };
	for (size_t i = 0; i < 200; i++)
		big_map[n++] = (struct mm){ 0x100000000ull * (i + 1),
					    0x1000ull * (1 + (i * 7) % 200), 1 };
	for (size_t i = 0; i < 10; i++)
		big_map[n++] = (struct mm){ 0x10000000000ull + 0x1000 * i * 2,
					    0x1000, MB2_MMAP_ACPI_RECLAIMABLE };
	CHECK(parse_map(big_map, n));
	CHECK(info.mmap_total == 220 && info.mmap_count == MB2_MAX_MMAP);
	CHECK(info.mmap_dropped == 220 - MB2_MAX_MMAP);
	CHECK(info.mmap_dropped_bytes_available == 0x1000ull * 72 * 73 / 2);
	for (size_t i = 0; i < info.mmap_count; i++) {
		CHECK(info.mmap[i].type == 1);
		if (info.mmap[i].len < smallest)
			smallest = info.mmap[i].len;
		if (i)
			CHECK(info.mmap[i].base > info.mmap[i - 1].base);
	}
	CHECK(smallest == 73 * 0x1000ull);
	CHECK(map_sound(big_map, n, &info));
}

TEST(mb2_mmap_merge_rules)
{
	static const struct mm overlap[] = {
		{ 0x1000, 0x2000, 1 },          /* [1000, 3000) */
		{ 0x2000, 0x3000, 1 },          /* overlaps: [1000, 5000) */
		{ 0x2000, 0x1000, 1 },          /* inside: no change */
		{ 0x5001, 0x1000, 1 },          /* one byte gap: apart */
		{ 0x0, 0x800, 1 },              /* before it: apart */
		{ 0x800, 0x0, 2 },              /* empty: skipped */
		{ 0x800, 0x800, 2 },            /* other type: apart */
		{ 0x1000, 0x1000, 2 },          /* contiguous reserved */
	};
	CHECK(parse_map(overlap, 8));
	CHECK(info.mmap_total == 8 && info.mmap_count == 4);
	CHECK(info.mmap_merged == 4 && info.mmap_dropped == 0);
	CHECK(info.mmap[0].base == 0x1000 && info.mmap[0].len == 0x4000);
	CHECK(info.mmap[1].base == 0x5001 && info.mmap[1].len == 0x1000);
	CHECK(info.mmap[2].base == 0x0 && info.mmap[2].len == 0x800);
	CHECK(info.mmap[3].base == 0x800 && info.mmap[3].len == 0x1800 &&
	      info.mmap[3].type == 2);
}

TEST(mb2_mmap_full_table_drops_reserved_not_ram)
{
	/* 128 available entries fill the table; the reserved ones after
	 * them are dropped, costing no RAM; a larger available entry
	 * then displaces the smallest kept one. */
	size_t n = 0;
	for (size_t i = 0; i < MB2_MAX_MMAP; i++)
		big_map[n++] = (struct mm){ i * 0x10000ull, 0x1000 + (i == 5), 1 };
	for (size_t i = 0; i < 50; i++)
		big_map[n++] = (struct mm){ 0x10000000 + i * 0x2000, 0x1000,
					    i % 2 ? 5u : 2u };
	CHECK(parse_map(big_map, n));
	CHECK(info.mmap_count == MB2_MAX_MMAP && info.mmap_dropped == 50);
	CHECK(info.mmap_dropped_bytes_available == 0);
	CHECK(map_sound(big_map, n, &info));

	big_map[n++] = (struct mm){ 0x20000000, 0x100000, 1 };
	CHECK(parse_map(big_map, n));
	CHECK(info.mmap_count == MB2_MAX_MMAP && info.mmap_dropped == 51);
	CHECK(info.mmap_dropped_bytes_available == 0x1000);
	/* The first of the equal smallest went: entry 0. */
	CHECK(info.mmap[0].base == 0x10000);
	CHECK(info.mmap[MB2_MAX_MMAP - 1].base == 0x20000000);
	CHECK(map_sound(big_map, n, &info));
}

TEST(mb2_mmap_entry_wraps)
{
	static struct blob b;
	static const struct mm bad[] = {
		{ 0x1000, 0x1000, 1 },
		{ 0xfffffffffffff000ull, 0x2000, 2 },
	};
	static const struct mm at_top[] = {
		{ 0xfffffffffffff000ull, 0x1000, 2 },   /* end == 2^64 */
	};
	static const struct mm edge[] = {
		{ 0xfffffffffffff000ull, 0xfff, 2 },    /* end == 2^64 - 1 */
	};
	const char *err = NULL;

	blob_init(&b);
	add_mmap(&b, bad, 2);
	blob_finish(&b);
	CHECK(fails_with(&b, "memory map entry 1"));
	CHECK(fails_with(&b, "does not end below 2^64"));

	blob_init(&b);
	add_mmap(&b, at_top, 1);
	blob_finish(&b);
	CHECK(fails_with(&b, "memory map entry 0"));

	blob_init(&b);
	add_mmap(&b, edge, 1);
	blob_finish(&b);
	CHECK(parse_copy(b.words, b.len, &info, &err) == 0);
}

TEST(mb2_no_memory_map)
{
	static struct blob b;
	const char *err = NULL;
	blob_init(&b);
	add_string_tag(&b, 1, "tern");
	blob_finish(&b);
	CHECK(parse_copy(b.words, b.len, &info, &err) == -1);
	CHECK(strcmp(err, "multiboot2 info: no memory map tag") == 0);

	/* The minimal info: fixed part + end tag. */
	blob_init(&b);
	blob_finish(&b);
	CHECK(b.len == 16);
	CHECK(fails_with(&b, "no memory map tag"));
}

TEST(mb2_too_many_modules)
{
	static struct blob b;
	const char *err = NULL;

	blob_init(&b);
	add_small_mmap(&b);
	for (uint32_t i = 0; i < MB2_MAX_MODULES; i++)
		add_module(&b, i * 0x1000, i * 0x1000 + 0x800, "m");
	blob_finish(&b);
	CHECK(parse_copy(b.words, b.len, &info, &err) == 0);
	CHECK(info.module_count == MB2_MAX_MODULES);

	blob_init(&b);
	add_small_mmap(&b);
	for (uint32_t i = 0; i <= MB2_MAX_MODULES; i++)
		add_module(&b, i * 0x1000, i * 0x1000 + 0x800, "m");
	blob_finish(&b);
	CHECK(fails_with(&b, "more than 32 module tags"));
}

TEST(mb2_short_rsdp_tags)
{
	static struct blob b;
	const char *err = NULL;

	blob_init(&b);
	add_small_mmap(&b);
	add_rsdp(&b, 14, 19);
	blob_finish(&b);
	CHECK(fails_with(&b, "tag type 14 at offset"));
	CHECK(fails_with(&b, "too small for a 20-byte RSDP"));

	blob_init(&b);
	add_small_mmap(&b);
	add_rsdp(&b, 15, 35);
	blob_finish(&b);
	CHECK(fails_with(&b, "tag type 15 at offset"));
	CHECK(fails_with(&b, "too small for a 36-byte RSDP"));

	/* A v2 tag carrying only a v1-sized copy is also too short. */
	blob_init(&b);
	add_small_mmap(&b);
	add_rsdp(&b, 15, 20);
	blob_finish(&b);
	CHECK(fails_with(&b, "too small for a 36-byte RSDP"));

	/* Longer copies are fine. */
	blob_init(&b);
	add_small_mmap(&b);
	add_rsdp(&b, 15, 40);
	blob_finish(&b);
	CHECK(parse_copy(b.words, b.len, &info, &err) == 0);
	CHECK(info.rsdp_len == 36);
}

TEST(mb2_unknown_tags_skipped)
{
	static struct blob b;
	const char *err = NULL;

	blob_init(&b);
	tag_begin(&b, 8);               /* framebuffer (all ones) */
	for (int i = 0; i < 7; i++)
		emit32(&b, 0xffffffffu);
	emit(&b, "\x01\x02\x03", 3);    /* odd size: padding follows */
	tag_end(&b);
	tag_begin(&b, 0x7777);          /* unknown type */
	tag_end(&b);                    /* header only */
	add_small_mmap(&b);
	tag_begin(&b, 21);              /* load base addr */
	emit32(&b, 0x200000);
	tag_end(&b);
	add_string_tag(&b, 1, "after unknowns");
	blob_finish(&b);
	CHECK(parse_copy(b.words, b.len, &info, &err) == 0);
	CHECK(info.mmap_count == 2);

	/* Parse in place to look at the string. */
	CHECK(mb2_parse(b.words, b.len, &info, &err) == 0);
	CHECK(strcmp(info.cmdline, "after unknowns") == 0);
}

/* A small memory map and a 1280x800x32 RGB framebuffer tag at
 * 0x180000000, with or without its colour fields. */
static void add_rgb_framebuffer(struct blob *b, int colours)
{
	blob_init(b);
	add_small_mmap(b);
	tag_begin(b, 8);
	emit32(b, 0x80000000);
	emit32(b, 0x1);
	emit32(b, 5120);
	emit32(b, 1280);
	emit32(b, 800);
	emit(b, "\x20\x01\x00\x00", 4);   /* bpp 32, type 1 (RGB) */
	if (colours)
		emit(b, "\x10\x08\x08\x08\x00\x08\x00\x00", 8);
	tag_end(b);
	blob_finish(b);
}

TEST(mb2_framebuffer_tag)
{
	static struct blob b;
	const char *err = NULL;

	blob_init(&b);
	add_small_mmap(&b);
	tag_begin(&b, 8);
	emit32(&b, 0xB8000);           /* framebuffer_addr, low and high */
	emit32(&b, 0);
	emit32(&b, 160);               /* pitch */
	emit32(&b, 80);                /* width */
	emit32(&b, 25);                /* height */
	emit(&b, "\x10\x02\x00\x00", 4);   /* bpp 16, type 2 (EGA text), reserved */
	tag_end(&b);
	blob_finish(&b);
	CHECK(parse_copy(b.words, b.len, &info, &err) == 0);
	CHECK(info.have_fb && info.fb.addr == 0xB8000 && info.fb.pitch == 160);
	CHECK(info.fb.width == 80 && info.fb.height == 25 && info.fb.bpp == 16);
	CHECK(info.fb.type == MB2_FB_EGA_TEXT);

	/* Too short for the fixed fields: ignored, the boot goes on. */
	blob_init(&b);
	add_small_mmap(&b);
	tag_begin(&b, 8);
	emit32(&b, 0xB8000);
	emit32(&b, 0);
	tag_end(&b);
	blob_finish(&b);
	CHECK(parse_copy(b.words, b.len, &info, &err) == 0 && !info.have_fb && info.mmap_count == 2);

	/* An RGB screen, as GRUB passes UEFI's GOP: BGRX, 32 bpp. */
	add_rgb_framebuffer(&b, 1);
	CHECK(parse_copy(b.words, b.len, &info, &err) == 0 && info.have_fb);
	CHECK(info.fb.addr == 0x180000000ull && info.fb.type == MB2_FB_RGB && info.fb.bpp == 32);
	CHECK(info.fb.red_pos == 16 && info.fb.red_size == 8 && info.fb.green_pos == 8);
	CHECK(info.fb.blue_pos == 0 && info.fb.blue_size == 8);

	/* RGB without its colour fields: ignored. */
	add_rgb_framebuffer(&b, 0);
	CHECK(parse_copy(b.words, b.len, &info, &err) == 0 && !info.have_fb);
}

TEST(mb2_efi_map_wins_and_converts)
{
	static struct blob b;
	static const struct mm want[] = {
		{ 0x0, 0xa0000, 1 },            /* BootServicesCode + Conventional */
		{ 0x100000, 0x274000, 1 },      /* Conventional .. LoaderCode */
		{ 0x374000, 0x8000, 3 },
		{ 0x37c000, 0x4000, 4 },
		{ 0x380000, 0x40000, 2 },       /* runtime data, UC-only, SP */
		{ 0x3c0000, 0x10000, 5 },
		{ 0xffc00000, 0x200000, 2 },
		{ 0x100000000ull, 0x1000000, 2 },
		{ 0x101000000ull, 0x40000000, 1 },
	};
	const char *err = NULL;

	build_uefi(&b);
	CHECK(mb2_parse(b.words, b.len, &info, &err) == 0);
	CHECK(info.mmap_from_efi == 1);
	CHECK(info.mmap_total == sizeof ovmf_map / sizeof ovmf_map[0]);
	CHECK(info.mmap_count == sizeof want / sizeof want[0]);
	for (size_t i = 0; i < info.mmap_count && i < sizeof want / sizeof want[0]; i++) {
		CHECK(info.mmap[i].base == want[i].base);
		CHECK(info.mmap[i].len == want[i].len);
		CHECK(info.mmap[i].type == want[i].type);
	}
	CHECK(info.mmap_count + info.mmap_merged == info.mmap_total && !info.mmap_dropped);

	/* The EFI map wins wherever it stands among the tags. */
	blob_init(&b);
	add_efi_mmap(&b, ovmf_map, 3, 40);
	add_mmap(&b, grub_map, 5);
	blob_finish(&b);
	CHECK(mb2_parse(b.words, b.len, &info, &err) == 0);
	CHECK(info.mmap_from_efi == 1 && info.mmap_count == 2 && info.mmap_total == 3);
	CHECK(info.mmap[1].base == 0x100000 && info.mmap[1].len == 0x100000);

	/* Alone, it is enough; without it the loader's map is used. */
	blob_init(&b);
	add_efi_mmap(&b, ovmf_map, 3, 40);
	blob_finish(&b);
	CHECK(mb2_parse(b.words, b.len, &info, &err) == 0 && info.mmap_from_efi == 1);
	build_grub(&b);
	CHECK(mb2_parse(b.words, b.len, &info, &err) == 0 && info.mmap_from_efi == 0);
}

TEST(mb2_efi_map_malformed)
{
	static struct blob b;
	static const struct efi_desc huge[] = {
		{ 7, 0x100000, 0x1000, WB },
		{ 7, 0xfffffffffff00000ull, 0x100, WB },        /* ends at 2^64 */
	};
	static const struct efi_desc too_many_pages[] = {
		{ 7, 0x1000, 1ull << 52, WB },                  /* pages << 12 wraps */
	};

	blob_init(&b);
	add_efi_mmap(&b, ovmf_map, 2, 32);
	blob_finish(&b);
	CHECK(fails_with(&b, "EFI memory map tag at offset 0x8 has descriptor_size 32"));

	blob_init(&b);
	add_efi_mmap(&b, ovmf_map, 2, 44);
	blob_finish(&b);
	CHECK(fails_with(&b, "descriptor_size 44 (need a multiple of 8"));

	blob_init(&b);
	add_efi_mmap(&b, ovmf_map, 2, 48);
	b.len -= 8;     /* cut the last descriptor short */
	tag_end(&b);
	blob_finish(&b);
	CHECK(fails_with(&b, "88 bytes of descriptors is not a multiple of descriptor_size 48"));

	blob_init(&b);
	tag_begin(&b, 17);
	emit32(&b, 48);
	tag_end(&b);
	blob_finish(&b);
	CHECK(fails_with(&b, "EFI memory map tag at offset 0x8 has size 12, smaller than its 16-byte header"));

	blob_init(&b);
	add_efi_mmap(&b, huge, 2, 48);
	blob_finish(&b);
	CHECK(fails_with(&b, "EFI memory descriptor 1 (start 0xfffffffffff00000, 0x100 pages) does not end below 2^64"));

	blob_init(&b);
	add_efi_mmap(&b, too_many_pages, 1, 48);
	blob_finish(&b);
	CHECK(fails_with(&b, "EFI memory descriptor 0"));

	blob_init(&b);
	add_efi_mmap(&b, ovmf_map, 2, 48);
	add_efi_mmap(&b, ovmf_map, 2, 48);
	blob_finish(&b);
	CHECK(fails_with(&b, "tag type 17 at offset"));
	CHECK(fails_with(&b, "duplicate"));
}

TEST(mb2_duplicates_rejected)
{
	static struct blob b;

	blob_init(&b);
	add_small_mmap(&b);
	add_small_mmap(&b);
	blob_finish(&b);
	CHECK(fails_with(&b, "tag type 6 at offset"));
	CHECK(fails_with(&b, "duplicate"));

	blob_init(&b);
	add_small_mmap(&b);
	add_string_tag(&b, 1, "a");
	add_string_tag(&b, 1, "b");
	blob_finish(&b);
	CHECK(fails_with(&b, "tag type 1 at offset"));
	CHECK(fails_with(&b, "duplicate"));

	blob_init(&b);
	add_small_mmap(&b);
	add_rsdp(&b, 14, 20);
	add_rsdp(&b, 14, 20);
	blob_finish(&b);
	CHECK(fails_with(&b, "tag type 14 at offset"));
	CHECK(fails_with(&b, "duplicate"));
}

TEST(mb2_bytes_after_end_tag_ignored)
{
	static struct blob b;
	const char *err = NULL;
	blob_init(&b);
	add_small_mmap(&b);
	blob_finish(&b);
	emit64(&b, 0xffffffffffffffffull);      /* garbage after the end */
	put32(&b, 0, b.len);
	CHECK(parse_copy(b.words, b.len, &info, &err) == 0);
	CHECK(info.total_size == b.len);
}

TEST(mb2_failure_resets_output)
{
	static struct blob good, bad;
	const char *err = NULL;

	build_grub(&good);
	CHECK(mb2_parse(good.words, good.len, &info, &err) == 0);
	CHECK(info.module_count == 2);

	/* Fails after the modules were parsed: the output is emptied. */
	build_grub(&bad);
	put32(&bad, bad.len - 4, 9);    /* end tag size 9 */
	CHECK(mb2_parse(bad.words, bad.len, &info, &err) == -1);
	CHECK(has(err, "running past total_size"));
	CHECK(info.module_count == 0 && info.mmap_count == 0);
	CHECK(strcmp(info.cmdline, "") == 0 &&
	      strcmp(info.loader_name, "") == 0);
	CHECK(info.rsdp == NULL && info.total_size == 0);
}

/* ---- fuzz-ish: corrupt the valid blob and parse exact-size copies ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* A string the parser returned must lie inside [p, p + len). */
static int string_inside(const char *s, const unsigned char *p, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	if (strcmp(s, "") == 0 && (u < p || u >= p + len))
		return 1;       /* the static "" for an absent tag */
	if (u < p || u >= p + len)
		return 0;
	return memchr(u, 0, (size_t)(p + len - u)) != NULL;
}

/* Parse an exact-size copy and, on success, check every pointer and
 * count the parser returned stays inside the buffer. */
static int fuzz_one(const unsigned char *src, size_t len)
{
	unsigned char *copy = malloc(len ? len : 1);
	const char *err = NULL;
	int ok = 1;

	memcpy(copy, src, len);
	if (mb2_parse(copy, len, &info, &err) == 0) {
		const unsigned char *r = info.rsdp;
		ok = info.total_size <= len && info.total_size >= 16 &&
		     info.mmap_count <= MB2_MAX_MMAP &&
		     info.mmap_count + info.mmap_merged + info.mmap_dropped ==
		     info.mmap_total &&
		     info.module_count <= MB2_MAX_MODULES &&
		     string_inside(info.cmdline, copy, len) &&
		     string_inside(info.loader_name, copy, len);
		for (size_t i = 0; ok && i < info.module_count; i++)
			ok = string_inside(info.modules[i].cmdline, copy, len) &&
			     info.modules[i].end >= info.modules[i].start;
		if (ok && r)
			ok = r > copy && r + info.rsdp_len <= copy + len;
	} else {
		ok = err != NULL && strncmp(err, "multiboot2 info: ", 17) == 0 &&
		     strchr(err, '\n') == NULL;
	}
	free(copy);
	return ok;
}

static void fuzz_blob(const struct blob *b);

/* Two seeds: a BIOS-like and a UEFI-like boot information. */
TEST(mb2_fuzz_corruptions)
{
	static struct blob b;

	build_grub(&b);
	fuzz_blob(&b);
	build_uefi(&b);
	fuzz_blob(&b);
}

static void fuzz_blob(const struct blob *b)
{
	static unsigned char work[BLOB_MAX];
	size_t len = b->len;

	for (int iter = 0; iter < 20000; iter++) {
		uint32_t pos, kind = rng() % 6;

		memcpy(work, b->words, len);
		switch (kind) {
		case 0:         /* flip one random byte */
			work[rng() % len] = (unsigned char)rng();
			break;
		case 1: {       /* overwrite an aligned u32 with a nasty value */
			static const uint32_t nasty[] = {
				0, 1, 7, 8, 9, 15, 16, 23, 24, 0x7fffffff,
				0x80000000u, 0xfffffff8u, 0xffffffffu,
			};
			uint32_t v = rng() % 3 ? nasty[rng() % 13] : rng();
			pos = (rng() % (uint32_t)(len / 4)) * 4;
			memcpy(work + pos, &v, 4);
			break;
		}
		case 2:         /* small delta on an aligned u32 (sizes!) */
			pos = (rng() % (uint32_t)(len / 4)) * 4;
			{
				uint32_t v;
				memcpy(&v, work + pos, 4);
				v += (rng() % 33) - 16;
				memcpy(work + pos, &v, 4);
			}
			break;
		case 3:         /* truncate the buffer */
			CHECK(fuzz_one(work, rng() % len));
			continue;
		case 4: {       /* shrink total_size to cut tags */
			uint32_t t = rng() % (uint32_t)len;
			memcpy(work, &t, 4);
			break;
		}
		default:        /* several corruptions at once */
			for (int k = 0; k < 4; k++)
				work[rng() % len] = (unsigned char)rng();
			break;
		}
		CHECK(fuzz_one(work, len));
		/* The same corruption also against a truncated buffer. */
		CHECK(fuzz_one(work, rng() % (len + 1)));
	}
}
