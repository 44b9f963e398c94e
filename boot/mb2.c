/*
 * Validating multiboot2 boot information parser (see mb2.h).
 *
 * Section numbers refer to the GRUB "Multiboot2 Specification version
 * 2.0", section 3.6 "Boot information".  Pure code, no libc: compiled
 * freestanding into the hypervisor and on the host for unit tests.
 *
 * Every read goes through rd8/rd32/rd64 with an offset that has already
 * been checked against the parse bound (min(total_size, limit)), so a
 * malformed or truncated structure can never make us read past it.
 */
#include "boot/mb2.h"

#include <stdarg.h>

#include "lib/format.h"
#include "lib/range.h"

/* Spec 3.6.2: 8-byte fixed part, 8-byte tag headers, 8-byte alignment. */
#define MB2_FIXED_SIZE 8u
#define MB2_TAG_HDR 8u
#define MB2_ALIGN 8u

/* Tag types (spec 3.6.2 - 3.6.17). */
#define MB2_TAG_END 0u
#define MB2_TAG_CMDLINE 1u
#define MB2_TAG_LOADER_NAME 2u
#define MB2_TAG_MODULE 3u
#define MB2_TAG_MMAP 6u
#define MB2_TAG_ACPI_OLD 14u
#define MB2_TAG_ACPI_NEW 15u
#define MB2_TAG_FRAMEBUFFER 8u
#define MB2_TAG_EFI_MMAP 17u
#define MB2_FB_FIXED_LEN 24u   /* addr, pitch, width, height, bpp, type, reserved */
#define MB2_FB_RGB_LEN   6u    /* then, for type 1: position and size of red, green, blue */

/* Spec 3.6.6: header + mod_start + mod_end, then the string. */
#define MB2_MODULE_HDR 16u
/* Spec 3.6.8: header + entry_size + entry_version, then the entries;
 * each entry is base_addr u64, length u64, type u32, reserved u32. */
#define MB2_MMAP_HDR 16u
#define MB2_MMAP_ENTRY_MIN 24u
/* Spec 3.6.15 (type 17): header + descriptor_size + descriptor_version
 * (the same 16 bytes as type 6), then UEFI EFI_MEMORY_DESCRIPTORs (UEFI 2.10, 7.2 GetMemoryMap()):
 * u32 Type, pad, u64 PhysicalStart, u64 VirtualStart, u64 NumberOfPages
 * (4 KiB), u64 Attribute. */
#define EFI_DESC_MIN 40u
#define EFI_PAGE_SHIFT 12
#define EFI_MEMORY_WB (1ull << 3)
#define EFI_MEMORY_SP (1ull << 18)    /* specific-purpose: not general RAM */

/* The one static buffer: the reason for the last failure. */
static char mb2_err_buf[160];

/* Parse state: the buffer and the bound no read may cross. */
struct mb2_cursor {
	const unsigned char *base;
	uint32_t end;           /* total_size, already checked <= limit */
	int have_cmdline, have_loader_name;
	/* The memory map tags, parsed after the walk: the EFI one wins. */
	uint32_t mmap_off, mmap_size, efi_mmap_off, efi_mmap_size;
	const void *rsdp_old, *rsdp_new;
};

/* ---- little-endian reads inside the checked bound ---- */

static uint32_t rd32(const struct mb2_cursor *c, uint32_t off)
{
	const unsigned char *p = c->base + off;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const struct mb2_cursor *c, uint32_t off)
{
	return (uint64_t)rd32(c, off) | (uint64_t)rd32(c, off + 4) << 32;
}

/* Length of the string at [off, off + max), or max if no NUL. */
static uint32_t bounded_strnlen(const struct mb2_cursor *c, uint32_t off,
				uint32_t max)
{
	uint32_t n = 0;
	while (n < max && c->base[off + n] != 0)
		n++;
	return n;
}

/* ---- errors ---- */

__attribute__((format(printf, 2, 3)))
static int fail(const char **err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(mb2_err_buf, sizeof mb2_err_buf, fmt, ap);
	va_end(ap);
	if (err)
		*err = mb2_err_buf;
	return -1;
}

/* The empty result: what *out holds before parsing and after failure.
 * Only scalars are written so no memset is needed freestanding. */
static void info_reset(struct mb2_info *out)
{
	out->total_size = 0;
	out->cmdline = "";
	out->loader_name = "";
	out->mmap_count = 0;
	out->mmap_total = 0;
	out->mmap_merged = 0;
	out->mmap_dropped = 0;
	out->mmap_dropped_bytes_available = 0;
	out->mmap_from_efi = 0;
	out->module_count = 0;
	out->rsdp = NULL;
	out->rsdp_len = 0;
	out->rsdp_revision = 0;
	out->have_fb = 0;
	out->fb = (struct mb2_framebuffer){ .addr = 0 };
}

/* ---- tag handlers: `off` is the tag start, `size` its checked size
 * (>= 8 and within the bound) ---- */

/* A NUL-terminated string filling the tag from `str_off` to its end
 * (spec 3.6.5 command line, 3.6.9 boot loader name, 3.6.6 module). */
static int parse_string(const struct mb2_cursor *c, uint32_t off,
			uint32_t size, uint32_t str_off, const char **str,
			const char **err)
{
	uint32_t max = size - (str_off - off);
	if (bounded_strnlen(c, str_off, max) == max)
		return fail(err, "multiboot2 info: tag type %u at offset 0x%x "
			    "has a string not NUL-terminated within its %u "
			    "bytes", rd32(c, off), off, size);
	*str = (const char *)(c->base + str_off);
	return 0;
}

/* Spec 3.6.5 (type 1) and 3.6.9 (type 2): u8[n] string. */
static int parse_string_tag(struct mb2_cursor *c, uint32_t off,
			    uint32_t size, int *seen, const char **str,
			    const char **err)
{
	if (*seen)
		return fail(err, "multiboot2 info: tag type %u at offset 0x%x "
			    "is a duplicate", rd32(c, off), off);
	*seen = 1;
	return parse_string(c, off, size, off + MB2_TAG_HDR, str, err);
}

/* Spec 3.6.6 (type 3): u32 mod_start, u32 mod_end, u8[n] string. */
static int parse_module(struct mb2_cursor *c, uint32_t off, uint32_t size,
			struct mb2_info *out, const char **err)
{
	struct mb2_module *m;

	if (size < MB2_MODULE_HDR + 1)
		return fail(err, "multiboot2 info: module tag at offset 0x%x "
			    "has size %u, too small for its fields and string",
			    off, size);
	if (out->module_count >= MB2_MAX_MODULES)
		return fail(err, "multiboot2 info: more than %u module tags "
			    "(at offset 0x%x)", MB2_MAX_MODULES, off);
	m = &out->modules[out->module_count];
	m->start = rd32(c, off + 8);
	m->end = rd32(c, off + 12);
	if (m->end < m->start)
		return fail(err, "multiboot2 info: module tag at offset 0x%x "
			    "ends at 0x%x, before its start 0x%x",
			    off, m->end, m->start);
	if (parse_string(c, off, size, off + MB2_MODULE_HDR, &m->cmdline,
			 err))
		return -1;
	out->module_count++;
	return 0;
}

/* ---- filling mmap[]: the policy is in mb2.h, "Memory maps of any
 * length" ---- */

/* Add to the dropped-RAM count, saturating (overlapping entries of a
 * hostile map could otherwise wrap it). */
static void count_dropped_available(struct mb2_info *out, uint64_t len)
{
	uint64_t sum;

	out->mmap_dropped_bytes_available = range_add(out->mmap_dropped_bytes_available, len, &sum) ?
						    sum : UINT64_MAX;
}

/* Remove kept entry k, keeping the others in order. */
static void mmap_remove(struct mb2_info *out, size_t k)
{
	for (size_t i = k + 1; i < out->mmap_count; i++)
		out->mmap[i - 1] = out->mmap[i];
	out->mmap_count--;
}

/* The table is full and an available entry of length `len` wants a
 * slot.  Free one by evicting the last non-available entry; failing
 * that, the smallest available entry if it is smaller than `len`.
 * Returns 1 if a slot was freed, 0 if the new entry is the one to drop. */
static int mmap_make_room(struct mb2_info *out, uint64_t len)
{
	size_t i, small = 0;

	for (i = out->mmap_count; i-- > 0;) {
		if (out->mmap[i].type != MB2_MMAP_AVAILABLE) {
			mmap_remove(out, i);
			out->mmap_dropped++;
			return 1;
		}
	}
	for (i = 1; i < out->mmap_count; i++)
		if (out->mmap[i].len < out->mmap[small].len)
			small = i;
	if (out->mmap[small].len >= len)
		return 0;
	count_dropped_available(out, out->mmap[small].len);
	out->mmap_dropped++;
	mmap_remove(out, small);
	return 1;
}

/* Add one entry (its end already checked to be below 2^64). */
static void mmap_add(struct mb2_info *out, const struct mb2_mmap_entry *e)
{
	if (e->len == 0) {
		out->mmap_merged++;
		return;
	}
	if (out->mmap_count > 0) {
		struct mb2_mmap_entry *prev = &out->mmap[out->mmap_count - 1];
		uint64_t prev_end = prev->base + prev->len;

		if (prev->type == e->type && e->base >= prev->base &&
		    e->base <= prev_end) {
			if (e->base + e->len > prev_end)
				prev->len = e->base + e->len - prev->base;
			out->mmap_merged++;
			return;
		}
	}
	if (out->mmap_count == MB2_MAX_MMAP &&
	    (e->type != MB2_MMAP_AVAILABLE || !mmap_make_room(out, e->len))) {
		if (e->type == MB2_MMAP_AVAILABLE)
			count_dropped_available(out, e->len);
		out->mmap_dropped++;
		return;
	}
	out->mmap[out->mmap_count++] = *e;
}

/* The two memory map tags share a layout: a 16-byte header whose third
 * word is the entry size, then entries of that size. */
struct map_layout {
	const char *tag, *size_field, *entries;
	uint32_t entry_min;
};

/* Check the header and return the number of entries, or -1. */
static int64_t map_entries(const struct mb2_cursor *c, uint32_t off, uint32_t size,
			   const struct map_layout *l, uint32_t *entry_size, const char **err)
{
	uint32_t body;

	if (size < MB2_MMAP_HDR)
		return fail(err, "multiboot2 info: %s tag at offset 0x%x has size %u, "
			    "smaller than its %u-byte header", l->tag, off, size, MB2_MMAP_HDR);
	*entry_size = rd32(c, off + 8);
	if (*entry_size < l->entry_min || *entry_size % 8 != 0)
		return fail(err, "multiboot2 info: %s tag at offset 0x%x has %s %u "
			    "(need a multiple of 8, >= %u)", l->tag, off, l->size_field,
			    *entry_size, l->entry_min);
	body = size - MB2_MMAP_HDR;
	if (body % *entry_size != 0)
		return fail(err, "multiboot2 info: %s tag at offset 0x%x: %u bytes of %s "
			    "is not a multiple of %s %u", l->tag, off, body, l->entries,
			    l->size_field, *entry_size);
	return body / *entry_size;
}

/* Spec 3.6.8 (type 6): u32 entry_size, u32 entry_version, then entries
 * of u64 base_addr, u64 length, u32 type, u32 reserved.  entry_size is a
 * multiple of 8 so a later version may grow the entries; we read only
 * the fields above and ignore entry_version.  Any number of entries is
 * accepted (mmap_add). */
static int parse_mmap(struct mb2_cursor *c, uint32_t off, uint32_t size,
		      struct mb2_info *out, const char **err)
{
	static const struct map_layout layout = { "memory map", "entry_size", "entries",
						  MB2_MMAP_ENTRY_MIN };
	uint32_t entry_size;
	int64_t count = map_entries(c, off, size, &layout, &entry_size, err);

	if (count < 0)
		return -1;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t e = off + MB2_MMAP_HDR + i * entry_size;
		struct mb2_mmap_entry m;
		uint64_t end;

		m.base = rd64(c, e);
		m.len = rd64(c, e + 8);
		m.type = rd32(c, e + 16);
		/* Consumers compute the exclusive end base + len, so it
		 * must be representable: reject ends at or past 2^64. */
		if (!range_add(m.base, m.len, &end))
			return fail(err, "multiboot2 info: memory map entry %u "
				    "(base 0x%llx length 0x%llx) does not end "
				    "below 2^64", i,
				    (unsigned long long)m.base,
				    (unsigned long long)m.len);
		mmap_add(out, &m);
	}
	out->mmap_total = count;
	return 0;
}

/* What an EFI memory type is to Tern after ExitBootServices(), as Linux
 * converts it to E820 (arch/x86/platform/efi): the loader's and boot
 * services' memory is free RAM, as is conventional memory -- if it is
 * write-back cacheable and not set aside for a specific purpose. */
static uint32_t efi_type(uint32_t type, uint64_t attr)
{
	switch (type) {
	case 1: case 2:         /* EfiLoaderCode, EfiLoaderData */
	case 3: case 4:         /* EfiBootServicesCode, EfiBootServicesData */
	case 7:                 /* EfiConventionalMemory */
		return (attr & EFI_MEMORY_WB) && !(attr & EFI_MEMORY_SP) ? MB2_MMAP_AVAILABLE
									 : MB2_MMAP_RESERVED;
	case 8:                 /* EfiUnusableMemory */
		return MB2_MMAP_BAD;
	case 9:                 /* EfiACPIReclaimMemory */
		return MB2_MMAP_ACPI_RECLAIMABLE;
	case 10:                /* EfiACPIMemoryNVS */
		return MB2_MMAP_NVS;
	default:                /* runtime services, MMIO, persistent, unaccepted, ... */
		return MB2_MMAP_RESERVED;
	}
}

/* Spec 3.6.15 (type 17): the firmware's own map, as GRUB got it from
 * ExitBootServices() -- later than the one GRUB converted into the
 * type-6 tag, so nothing GRUB allocated in between is missed. */
static int parse_efi_mmap(struct mb2_cursor *c, uint32_t off, uint32_t size,
			  struct mb2_info *out, const char **err)
{
	static const struct map_layout layout = { "EFI memory map", "descriptor_size",
						  "descriptors", EFI_DESC_MIN };
	uint32_t desc_size;
	int64_t count = map_entries(c, off, size, &layout, &desc_size, err);

	if (count < 0)
		return -1;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t d = off + MB2_MMAP_HDR + i * desc_size;
		uint64_t pages = rd64(c, d + 24);
		struct mb2_mmap_entry m;
		uint64_t end;


		m.base = rd64(c, d + 8);
		m.len = pages << EFI_PAGE_SHIFT;
		m.type = efi_type(rd32(c, d), rd64(c, d + 32));
		if (pages >> (64 - EFI_PAGE_SHIFT) || !range_add(m.base, m.len, &end))
			return fail(err, "multiboot2 info: EFI memory descriptor "
				    "%u (start 0x%llx, 0x%llx pages) does not end "
				    "below 2^64", i, (unsigned long long)m.base,
				    (unsigned long long)pages);
		mmap_add(out, &m);
	}
	out->mmap_total = count;
	out->mmap_from_efi = 1;
	return 0;
}

/* Remember where a memory map tag is; a second one of a kind is an error. */
static int note_map(struct mb2_cursor *c, uint32_t off, uint32_t size, uint32_t *slot_off,
		    uint32_t *slot_size, const char **err)
{
	if (*slot_off)
		return fail(err, "multiboot2 info: tag type %u at offset 0x%x "
			    "is a duplicate", rd32(c, off), off);
	*slot_off = off;
	*slot_size = size;
	return 0;
}

/* Spec 3.6.16 (type 14, copy of the ACPI 1.0 RSDP, 20 bytes) and
 * 3.6.17 (type 15, copy of the ACPI 2.0+ RSDP, 36 bytes). */
static int parse_rsdp(struct mb2_cursor *c, uint32_t off, uint32_t size,
		      uint32_t need, const void **slot, const char **err)
{
	if (*slot)
		return fail(err, "multiboot2 info: tag type %u at offset 0x%x "
			    "is a duplicate", rd32(c, off), off);
	if (size - MB2_TAG_HDR < need)
		return fail(err, "multiboot2 info: tag type %u at offset 0x%x "
			    "has size %u, too small for a %u-byte RSDP",
			    rd32(c, off), off, size, need);
	*slot = c->base + off + MB2_TAG_HDR;
	return 0;
}

/* Spec 3.6.12: framebuffer_addr u64, pitch, width, height u32, bpp and
 * type u8, reserved, then colour information: for an RGB screen (type
 * 1) each colour's field position and size.  The screen is a nicety,
 * not a reason to refuse to boot: a second tag or one too short to
 * describe a screen is ignored. */
static int parse_framebuffer(struct mb2_cursor *c, uint32_t off, uint32_t size,
			     struct mb2_info *out, const char **err)
{
	const uint8_t *p = c->base + off + MB2_TAG_HDR;

	(void)err;
	if (out->have_fb || size - MB2_TAG_HDR < MB2_FB_FIXED_LEN)
		return 0;
	out->fb.addr = rd32(c, off + 8) | (uint64_t)rd32(c, off + 12) << 32;
	out->fb.pitch = rd32(c, off + 16);
	out->fb.width = rd32(c, off + 20);
	out->fb.height = rd32(c, off + 24);
	out->fb.bpp = p[20];
	out->fb.type = p[21];
	if (out->fb.type == MB2_FB_RGB) {
		if (size - MB2_TAG_HDR < MB2_FB_FIXED_LEN + MB2_FB_RGB_LEN)
			return 0;
		out->fb.red_pos = p[24];
		out->fb.red_size = p[25];
		out->fb.green_pos = p[26];
		out->fb.green_size = p[27];
		out->fb.blue_pos = p[28];
		out->fb.blue_size = p[29];
	}
	out->have_fb = 1;
	return 0;
}

static int parse_tag(struct mb2_cursor *c, uint32_t type, uint32_t off,
		     uint32_t size, struct mb2_info *out, const char **err)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		return parse_string_tag(c, off, size, &c->have_cmdline,
					&out->cmdline, err);
	case MB2_TAG_LOADER_NAME:
		return parse_string_tag(c, off, size, &c->have_loader_name,
					&out->loader_name, err);
	case MB2_TAG_MODULE:
		return parse_module(c, off, size, out, err);
	case MB2_TAG_MMAP:
		return note_map(c, off, size, &c->mmap_off, &c->mmap_size, err);
	case MB2_TAG_EFI_MMAP:
		return note_map(c, off, size, &c->efi_mmap_off, &c->efi_mmap_size, err);
	case MB2_TAG_ACPI_OLD:
		return parse_rsdp(c, off, size, MB2_RSDP_V1_LEN, &c->rsdp_old,
				  err);
	case MB2_TAG_ACPI_NEW:
		return parse_rsdp(c, off, size, MB2_RSDP_V2_LEN, &c->rsdp_new,
				  err);
	case MB2_TAG_FRAMEBUFFER:
		return parse_framebuffer(c, off, size, out, err);
	default:
		/* Spec 3.6.2: unknown tags are skipped by their size. */
		return 0;
	}
}

/* Spec 3.6.2: walk the tags from offset 8 until the type-0, size-8 end
 * tag.  Each tag's size is checked before anything in it is read. */
static int walk_tags(struct mb2_cursor *c, struct mb2_info *out,
		     const char **err)
{
	uint32_t off = MB2_FIXED_SIZE;

	while (c->end - off >= MB2_TAG_HDR) {
		uint32_t type = rd32(c, off);
		uint32_t size = rd32(c, off + 4);

		if (size < MB2_TAG_HDR)
			return fail(err, "multiboot2 info: tag type %u at "
				    "offset 0x%x has size %u, smaller than "
				    "its header", type, off, size);
		if (size > c->end - off)
			return fail(err, "multiboot2 info: tag type %u at "
				    "offset 0x%x has size %u, running past "
				    "total_size %u", type, off, size, c->end);
		if (type == MB2_TAG_END) {
			if (size != MB2_TAG_HDR)
				return fail(err, "multiboot2 info: end tag at "
					    "offset 0x%x has size %u, not 8",
					    off, size);
			return 0;
		}
		if (parse_tag(c, type, off, size, out, err))
			return -1;
		/* Next tag at (size + 7) & ~7.  off >= 8 and size <=
		 * end - off, so size + 7 cannot overflow; the padded size
		 * may step past end, which means there is no end tag. */
		size = (size + MB2_ALIGN - 1) & ~(MB2_ALIGN - 1);
		if (size > c->end - off)
			break;
		off += size;
	}
	return fail(err, "multiboot2 info: no end tag (type 0, size 8) "
		    "before total_size %u", c->end);
}

/* Spec 3.6.1/3.6.2: the fixed part and its total_size. */
static int check_fixed(const void *info, size_t limit, uint32_t *total,
		       const char **err)
{
	const unsigned char *p = info;

	if (!info)
		return fail(err, "multiboot2 info: NULL pointer");
	if ((uintptr_t)info % MB2_ALIGN != 0)
		return fail(err, "multiboot2 info: address %p is not 8-byte "
			    "aligned", info);
	if (limit < MB2_FIXED_SIZE + MB2_TAG_HDR)
		return fail(err, "multiboot2 info: limit %zu is too small for "
			    "the fixed part and an end tag", limit);
	*total = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		 (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	if (*total < MB2_FIXED_SIZE + MB2_TAG_HDR)
		return fail(err, "multiboot2 info: total_size %u leaves no "
			    "room for the fixed part and an end tag", *total);
	if (*total > limit)
		return fail(err, "multiboot2 info: total_size %u is larger "
			    "than the %zu bytes available (truncated)",
			    *total, limit);
	return 0;
}

static void finish(const struct mb2_cursor *c, struct mb2_info *out)
{
	out->total_size = c->end;
	if (c->rsdp_new) {
		out->rsdp = c->rsdp_new;
		out->rsdp_len = MB2_RSDP_V2_LEN;
		out->rsdp_revision = 2;
	} else if (c->rsdp_old) {
		out->rsdp = c->rsdp_old;
		out->rsdp_len = MB2_RSDP_V1_LEN;
		out->rsdp_revision = 0;
	}
}

int mb2_parse(const void *info, size_t limit, struct mb2_info *out,
	      const char **err)
{
	struct mb2_cursor c = { 0 };
	uint32_t total = 0;

	if (!out)
		return fail(err, "multiboot2 info: NULL output structure");
	info_reset(out);
	if (check_fixed(info, limit, &total, err))
		return -1;
	c.base = info;
	c.end = total;
	if (walk_tags(&c, out, err))
		goto bad;
	if (c.efi_mmap_off) {
		if (parse_efi_mmap(&c, c.efi_mmap_off, c.efi_mmap_size, out, err))
			goto bad;
	} else if (c.mmap_off) {
		if (parse_mmap(&c, c.mmap_off, c.mmap_size, out, err))
			goto bad;
	} else {
		fail(err, "multiboot2 info: no memory map tag");
		goto bad;
	}
	finish(&c, out);
	return 0;
bad:
	info_reset(out);
	return -1;
}
