/*
 * Validating parser for the multiboot2 boot information structure
 * (GRUB "Multiboot2 Specification version 2.0", section 3.6 "Boot
 * information format").
 *
 * Pure code: compiled into the hypervisor and into tests/test_mb2.c.
 * mb2_parse() never reads outside [info, info + min(total_size, limit))
 * and never trusts a size field it has not checked.  Strings and the
 * RSDP pointer point into the info buffer, so they stay valid exactly as
 * long as that buffer does.
 */
#ifndef TERN_BOOT_MB2_H
#define TERN_BOOT_MB2_H

#include <stddef.h>
#include <stdint.h>

/* Value in EAX when a multiboot2 loader enters the kernel (spec 3.3). */
#define MB2_BOOTLOADER_MAGIC 0x36d76289u

/* The memory map table's size.  A longer map is not an error: see
 * "Memory maps of any length" below. */
#define MB2_MAX_MMAP 128
#define MB2_MAX_MODULES 32

/* Memory map entry types (spec 3.6.8). */
#define MB2_MMAP_AVAILABLE 1u
#define MB2_MMAP_RESERVED 2u
#define MB2_MMAP_ACPI_RECLAIMABLE 3u
#define MB2_MMAP_NVS 4u
#define MB2_MMAP_BAD 5u

/* RSDP structure sizes: ACPI 1.0 (tag 14) and ACPI 2.0+ (tag 15). */
#define MB2_RSDP_V1_LEN 20u
#define MB2_RSDP_V2_LEN 36u

struct mb2_mmap_entry {
	uint64_t base, len;
	uint32_t type;  /* 1 available, 3 ACPI reclaimable, 4 NVS, 5 bad */
};

struct mb2_module {
	uint32_t start, end;    /* physical [start, end) as the loader gives it */
	const char *cmdline;    /* points into the info buffer; "" if empty */
};

/*
 * Memory maps of any length.  UEFI machines report hundreds of entries
 * (one per EFI region), so the tag may hold more entries than mmap[] has
 * room for.  The parser never fails for that; it fills mmap[] in the
 * loader's order like this:
 *   1. An entry of length 0 is skipped (it describes nothing).
 *   2. An entry of the same type as the last kept one that starts inside
 *      or right at the end of it (base <= prev.base + prev.len) is merged
 *      into it: that one grows to cover both.  Lossless, always done.
 *      Gaps are never bridged and types never mixed, so no byte changes
 *      type.
 *   3. Otherwise it takes a free slot.  When there is none:
 *      - an entry that is not available (reserved, ACPI, NVS, bad, any
 *        unknown type) is dropped.  Tern only ever uses available
 *        entries (mm/setup.c) and treats everything else as not RAM, so
 *        a dropped one costs nothing but a line in the printed map;
 *      - an available entry evicts the last kept non-available entry;
 *        if every kept entry is available, the smallest available
 *        entry (kept or new) is dropped, so the RAM lost is as little as
 *        the table allows, and its bytes are counted.
 * Every kept entry is the union of input entries of its own type, so a
 * byte the loader did not call available is never available here.
 * mmap_total == mmap_count + mmap_merged + mmap_dropped.
 */
struct mb2_info {
	uint32_t total_size;
	const char *cmdline;          /* "" when absent */
	const char *loader_name;      /* "" when absent */
	struct mb2_mmap_entry mmap[MB2_MAX_MMAP];
	size_t mmap_count;
	size_t mmap_total;            /* entries in the tag */
	size_t mmap_merged;           /* empty, or merged into a kept entry */
	size_t mmap_dropped;          /* no room: left out (any type) */
	uint64_t mmap_dropped_bytes_available;  /* length of the dropped
						 * available entries */
	/* 1 when mmap[] comes from the EFI memory map (tag 17), which is
	 * used in place of the loader's converted map (tag 6) when both
	 * are present: see parse_efi_mmap in mb2.c. */
	int mmap_from_efi;
	struct mb2_module modules[MB2_MAX_MODULES];
	size_t module_count;
	/* The RSDP copy inside the info buffer: NULL/0/0 when absent.
	 * rsdp_len is the size of the structure the tag guarantees (20 for
	 * tag 14, 36 for tag 15); rsdp_revision is 0 for tag 14 and 2 for
	 * tag 15.  When both tags are present the new one (15) wins.  The
	 * signature and checksums are left to the ACPI code. */
	const void *rsdp;
	size_t rsdp_len;
	int rsdp_revision;
	/* Spec 3.6.12 (type 8): the screen the loader left, when it says. */
	struct mb2_framebuffer {
		uint64_t addr;
		uint32_t pitch, width, height;
		uint8_t bpp, type;    /* type 0 indexed, 1 RGB, 2 EGA text */
		/* Type 1 only: each colour's bit position and width in a pixel. */
		uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
	} fb;
	int have_fb;
};

#define MB2_FB_RGB      1
#define MB2_FB_EGA_TEXT 2

/*
 * Parse the info at `info` (8-byte aligned), reading at most `limit`
 * bytes (the kernel passes a large limit; tests pass their buffer size).
 * Returns 0 with *out filled in, or -1 with *err (when err is not NULL)
 * set to a one-line reason, e.g.
 *   "multiboot2 info: tag type 6 at offset 0x48 has size 12, smaller
 *    than its header".
 * The reason lives in a static buffer that the next failing call
 * overwrites.  On failure *out is left empty (no strings, no entries).
 */
int mb2_parse(const void *info, size_t limit, struct mb2_info *out,
	      const char **err);

#endif
