#include "guest/multiboot.h"
#include "guest/layout.h"
#include "lib/format.h"
#include "lib/le.h"
#include "lib/range.h"

#include <stdbool.h>

#define FLAG_PAGE_ALIGN    (1u << 0)
#define FLAG_MEMORY_INFO   (1u << 1)
#define FLAG_VIDEO_MODE    (1u << 2)
#define FLAG_AOUT_KLUDGE   (1u << 16)
/* Bits 0-15 are requirements: a loader that does not know one must
 * refuse the kernel (spec 3.1.2).  Tern knows 0, 1 and 2 (it offers no
 * video mode; a kernel that asks still boots, with no framebuffer info,
 * as GRUB does when it cannot set the mode). */
#define FLAGS_KNOWN_REQUIRED (FLAG_PAGE_ALIGN | FLAG_MEMORY_INFO | FLAG_VIDEO_MODE)

#define ERR(...) (ksnprintf(err, err_size, __VA_ARGS__), -1)

long multiboot_find_header(const uint8_t *image, size_t size)
{
	size_t limit = size < MULTIBOOT_SEARCH ? size : MULTIBOOT_SEARCH;

	/* 32-bit aligned, magic + flags + checksum summing to zero (3.1.2). */
	for (size_t off = 0; off + 12 <= limit; off += 4) {
		uint32_t magic = le32(image + off);
		if (magic == MULTIBOOT_HEADER_MAGIC &&
		    (uint32_t)(magic + le32(image + off + 4) + le32(image + off + 8)) == 0)
			return (long)off;
	}
	return -1;
}

/* The BIOS area is ROM to the guest (guest/memory.h): a kernel loaded
 * there could not write its data, so it is refused as GRUB refuses to
 * load over firmware. */
static bool over_rom(uint64_t base, uint64_t len)
{
	return range_overlaps(base, len, GUEST_BIOS_BASE, GUEST_HIGH_BASE - GUEST_BIOS_BASE);
}

/* a.out kludge (3.1.3): the header's address fields say where to load. */
static int load_aout(const uint8_t *image, size_t size, uint64_t ram_size,
		     const struct guest_writer *w, struct multiboot_image *out, char *err,
		     size_t err_size)
{
	const uint8_t *h = image + out->header_offset;

	if (out->header_offset + 32 > size)
		return ERR("multiboot header truncated (address fields missing)");
	uint32_t header_addr = le32(h + 12), load_addr = le32(h + 16);
	uint32_t load_end = le32(h + 20), bss_end = le32(h + 24);
	if (load_addr > header_addr || header_addr - load_addr > out->header_offset)
		return ERR("multiboot header: load_addr 0x%x is inconsistent with header_addr 0x%x",
			   load_addr, header_addr);
	uint32_t file_start = out->header_offset - (header_addr - load_addr);
	uint64_t len = load_end ? (uint64_t)load_end - load_addr : size - file_start;
	if (load_end && load_end < load_addr)
		return ERR("multiboot header: load_end_addr below load_addr");
	if (file_start + len > size)
		return ERR("multiboot header: image is %zu bytes, header asks for %llu from offset %u",
			   size, (unsigned long long)len, file_start);
	uint64_t end = bss_end ? bss_end : load_addr + len;
	if (end < load_addr + len)
		return ERR("multiboot header: bss_end_addr below the loaded image");
	if (!range_within(load_addr, end - load_addr, ram_size))
		return ERR("kernel [0x%x-0x%llx) does not fit in guest RAM of %llu KiB", load_addr,
			   (unsigned long long)end, (unsigned long long)(ram_size >> 10));
	if (over_rom(load_addr, end - load_addr))
		return ERR("kernel [0x%x-0x%llx) overlaps the BIOS ROM [0xe0000-0x100000)", load_addr,
			   (unsigned long long)end);
	if (w->write(w->ctx, load_addr, image + file_start, len))
		return ERR("out of host memory while loading the kernel");
	out->entry = le32(h + 28);
	out->load_start = load_addr;
	out->load_end = (uint32_t)end;
	return 0;
}

/* ELF32 or ELF64 program headers (System V ABI; ELF64 as GRUB accepts
 * it for multiboot kernels): every PT_LOAD at its physical address. */
struct elf_view {
	bool is64;
	uint64_t entry, phoff;
	unsigned phentsize, phnum;
};

static int elf_header(const uint8_t *image, size_t size, struct elf_view *e, char *err,
		      size_t err_size)
{
	if (size < 52 || image[0] != 0x7F || image[1] != 'E' || image[2] != 'L' || image[3] != 'F')
		return ERR("multiboot kernel is not ELF and has no a.out-kludge addresses (flag 16)");
	if (image[5] != 1)
		return ERR("ELF kernel is not little-endian");
	e->is64 = image[4] == 2;
	if (image[4] != 1 && !e->is64)
		return ERR("ELF kernel has an unknown class %u", image[4]);
	if (e->is64 && size < 64)
		return ERR("ELF64 header truncated");
	if (le16(image + 16) != 2)
		return ERR("ELF kernel is not an executable (e_type %u)", le16(image + 16));
	e->entry = e->is64 ? le64(image + 24) : le32(image + 24);
	e->phoff = e->is64 ? le64(image + 32) : le32(image + 28);
	e->phentsize = le16(image + (e->is64 ? 54 : 42));
	e->phnum = le16(image + (e->is64 ? 56 : 44));
	/* Written so that no sum can wrap: e_phoff is a 64-bit file field. */
	if (e->phentsize < (e->is64 ? 56u : 32u) || !e->phnum || e->phoff > size ||
	    (uint64_t)e->phnum * e->phentsize > size - e->phoff)
		return ERR("ELF program headers lie outside the image");
	return 0;
}

static int load_segment(const uint8_t *image, size_t size, uint64_t ram_size, const uint8_t *ph,
			bool is64, const struct guest_writer *w, struct multiboot_image *out,
			char *err, size_t err_size)
{
	uint64_t offset = is64 ? le64(ph + 8) : le32(ph + 4);
	uint64_t paddr = is64 ? le64(ph + 24) : le32(ph + 12);
	uint64_t filesz = is64 ? le64(ph + 32) : le32(ph + 16);
	uint64_t memsz = is64 ? le64(ph + 40) : le32(ph + 20);

	if (filesz > memsz || offset + filesz < offset || offset + filesz > size)
		return ERR("ELF segment at 0x%llx: file bytes outside the image",
			   (unsigned long long)paddr);
	if (!range_within(paddr, memsz, ram_size) || paddr + memsz > 0xFFFFFFFFull)
		return ERR("kernel segment [0x%llx-0x%llx) does not fit in guest RAM of %llu KiB",
			   (unsigned long long)paddr, (unsigned long long)(paddr + memsz),
			   (unsigned long long)(ram_size >> 10));
	if (over_rom(paddr, memsz))
		return ERR("kernel segment [0x%llx-0x%llx) overlaps the BIOS ROM [0xe0000-0x100000)",
			   (unsigned long long)paddr, (unsigned long long)(paddr + memsz));
	if (filesz && w->write(w->ctx, paddr, image + offset, filesz))
		return ERR("out of host memory while loading the kernel");
	/* The rest up to memsz (bss) is fresh guest RAM: already zero. */
	if (paddr < out->load_start)
		out->load_start = (uint32_t)paddr;
	if (paddr + memsz > out->load_end)
		out->load_end = (uint32_t)(paddr + memsz);
	return 0;
}

static int load_elf(const uint8_t *image, size_t size, uint64_t ram_size,
		    const struct guest_writer *w, struct multiboot_image *out, char *err,
		    size_t err_size)
{
	struct elf_view e;
	unsigned loaded = 0;

	if (elf_header(image, size, &e, err, err_size))
		return -1;
	out->load_start = 0xFFFFFFFF;
	out->load_end = 0;
	for (unsigned i = 0; i < e.phnum; i++) {
		const uint8_t *ph = image + e.phoff + (uint64_t)i * e.phentsize;
		if (le32(ph) != 1)   /* PT_LOAD */
			continue;
		if (load_segment(image, size, ram_size, ph, e.is64, w, out, err, err_size))
			return -1;
		loaded++;
	}
	if (!loaded)
		return ERR("ELF kernel has no loadable segment");
	if (e.entry > 0xFFFFFFFFull)
		return ERR("ELF entry point 0x%llx is not a 32-bit address", (unsigned long long)e.entry);
	out->entry = (uint32_t)e.entry;
	return 0;
}

int multiboot_load(const uint8_t *image, size_t size, uint64_t ram_size,
		   const struct guest_writer *w, struct multiboot_image *out, char *err,
		   size_t err_size)
{
	long off = multiboot_find_header(image, size);

	if (off < 0)
		return ERR("no multiboot header in the first 8 KiB");
	out->header_offset = (uint32_t)off;
	out->flags = le32(image + off + 4);
	if (out->flags & 0xFFFF & ~FLAGS_KNOWN_REQUIRED)
		return ERR("multiboot header requires unsupported features (flags 0x%x)", out->flags);
	if (out->flags & FLAG_AOUT_KLUDGE)
		return load_aout(image, size, ram_size, w, out, err, err_size);
	return load_elf(image, size, ram_size, w, out, err, err_size);
}

/* Boot information layout (spec 3.3). */
#define MBI_SIZE            120
#define MBI_FLAG_MEM        (1u << 0)
#define MBI_FLAG_CMDLINE    (1u << 2)
#define MBI_FLAG_MODS       (1u << 3)
#define MBI_FLAG_MMAP       (1u << 6)
#define MBI_FLAG_LOADER     (1u << 9)
#define MBI_PAGE_LOW        0x9000u   /* below 640 KiB, above the BDA */
#define LOADER_NAME         "Tern"

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

/* mmap entry: u32 size (of the rest, 20), u64 base, u64 length, u32 type. */
static void mmap_entry(uint8_t *p, const struct guest_region *r)
{
	wr32(p, 20);
	wr64(p + 4, r->base);
	wr64(p + 12, r->len);
	wr32(p + 20, r->type);
}

int multiboot_write_info(const struct multiboot_image *img, uint64_t ram_size,
			 const char *cmdline, const struct guest_writer *w, uint32_t *mbi_addr,
			 char *err, size_t err_size)
{
	uint8_t page[4096] = { 0 };
	size_t cmd_len = 0;
	uint32_t base = MBI_PAGE_LOW;

	while (cmdline[cmd_len])
		cmd_len++;
	if (cmd_len >= 4096 - 512)   /* the string and its NUL in [512, 4096) */
		return ERR("guest command line too long (%zu bytes)", cmd_len);
	/* The kernel wins the low page if it sits there: use the page after it. */
	if (img->load_start < base + 4096 && img->load_end > base)
		base = (img->load_end + 4095) & ~4095u;
	if ((uint64_t)base + 4096 > ram_size)
		return ERR("no room for the multiboot information after the kernel");

	uint64_t upper_kib = ram_size > (1u << 20) ? (ram_size - (1u << 20)) >> 10 : 0;
	struct guest_region map[GUEST_LAYOUT_MAX];
	unsigned regions = guest_layout(ram_size, map);

	_Static_assert(128 + 24 * GUEST_LAYOUT_MAX <= 480, "the memory map overlaps the loader's name");
	wr32(page + 0, MBI_FLAG_MEM | MBI_FLAG_CMDLINE | MBI_FLAG_MODS | MBI_FLAG_MMAP | MBI_FLAG_LOADER);
	wr32(page + 4, guest_base_memory_kib());
	wr32(page + 8, upper_kib > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)upper_kib);
	wr32(page + 16, base + 512);                  /* cmdline */
	wr32(page + 20, 0);                           /* no modules */
	wr32(page + 44, regions * 24);                /* mmap_length */
	/* The page: the MBI at 0, the map at 128 (up to 6 entries, 144
	 * bytes), the loader's name at 480, the command line from 512. */
	wr32(page + 48, base + 128);
	wr32(page + 64, base + 480);                  /* boot_loader_name */
	for (unsigned i = 0; i < regions; i++)
		mmap_entry(page + 128 + 24 * i, &map[i]);
	for (size_t i = 0; i < sizeof LOADER_NAME; i++)
		page[480 + i] = (uint8_t)LOADER_NAME[i];
	for (size_t i = 0; i <= cmd_len; i++)
		page[512 + i] = (uint8_t)cmdline[i];
	if (w->write(w->ctx, base, page, sizeof page))
		return ERR("out of host memory while writing the multiboot information");
	*mbi_addr = base;
	return 0;
}
