/*
 * Linux bzImage loader (see guest/linux.h).  The image is: the boot
 * sector and the setup code ((setup_sects + 1) * 512 bytes, with the
 * setup header at 1F1h), then the protected-mode kernel.  A boot loader
 * copies the header into the zero page, completes it, loads the
 * protected-mode part where the header allows, and the initrd where it
 * allows (boot.rst, "Details of header fields" and "Loading the rest of
 * the kernel").
 */
#include "guest/linux.h"
#include "guest/layout.h"
#include "lib/format.h"
#include "lib/le.h"
#include "lib/range.h"
#include "lib/string.h"

#define ERR(...) (ksnprintf(err, err_size, __VA_ARGS__), -1)

/* Setup header fields: their offsets in the image and in the zero page. */
#define HDR_SETUP_SECTS     0x1F1
#define HDR_BOOT_FLAG       0x1FE      /* AA55h */
#define HDR_JUMP            0x200      /* its second byte: the header ends at 202h + it */
#define HDR_MAGIC           0x202      /* "HdrS" */
#define HDR_VERSION         0x206
#define HDR_TYPE_OF_LOADER  0x210
#define HDR_LOADFLAGS       0x211
#define HDR_CODE32_START    0x214
#define HDR_RAMDISK_IMAGE   0x218
#define HDR_RAMDISK_SIZE    0x21C
#define HDR_CMD_LINE_PTR    0x228
#define HDR_INITRD_ADDR_MAX 0x22C
#define HDR_KERNEL_ALIGN    0x230
#define HDR_RELOCATABLE     0x234
#define HDR_CMDLINE_SIZE    0x238
#define HDR_PREF_ADDRESS    0x258
#define HDR_INIT_SIZE       0x260

#define LOADED_HIGH         (1u << 0)  /* the protected-mode kernel at 100000h */
#define QUIET_FLAG          (1u << 5)
#define KEEP_SEGMENTS       (1u << 6)
#define LOADER_UNDEFINED    0xFF       /* type_of_loader: no ID assigned */

/* Zero-page fields outside the setup header (zero-page.rst). */
#define ZP_ACPI_RSDP        0x070
#define ZP_E820_ENTRIES     0x1E8
#define ZP_E820_TABLE       0x2D0
#define ZP_SIZE             0x1000
#define E820_ENTRY_SIZE     20
#define E820_MAX            128

#define MIB                 0x100000ull

bool linux_is_bzimage(const uint8_t *image, size_t size)
{
	return size >= 0x264 && le_get(image + HDR_BOOT_FLAG, 2) == 0xAA55 &&
	       !memcmp(image + HDR_MAGIC, "HdrS", 4);
}

/* The header the image carries: its length, and its protected-mode
 * part's offset in the file. */
static int header(const uint8_t *image, size_t size, unsigned *hdr_end, size_t *pm_offset,
		  char *err, size_t err_size)
{
	unsigned sects = image[HDR_SETUP_SECTS] ? image[HDR_SETUP_SECTS] : 4;   /* 0 means 4 */
	uint16_t version = (uint16_t)le_get(image + HDR_VERSION, 2);

	if (version < LINUX_MIN_VERSION)
		return ERR("Linux boot protocol %u.%02u is older than 2.06", version >> 8, version & 0xFF);
	if (!(image[HDR_LOADFLAGS] & LOADED_HIGH))
		return ERR("a zImage (protected-mode kernel at 10000h) cannot be booted, only a bzImage");
	*hdr_end = 0x202u + image[HDR_JUMP + 1];
	*pm_offset = (size_t)(sects + 1) * 512;
	if (*hdr_end > ZP_E820_TABLE || *pm_offset >= size)
		return ERR("truncated bzImage: %zu bytes, its setup part claims %zu", size, *pm_offset);
	return 0;
}

/* Where the kernel goes: its preferred address (protocol 2.10) where it
 * fits, else, if relocatable, the lowest address above 1 MiB with its
 * alignment; it needs init_size bytes from there (at least its own
 * size, before 2.10). */
static int place_kernel(const uint8_t *image, size_t pm_size, uint64_t ram_size, struct linux_image *li,
			char *err, size_t err_size)
{
	uint64_t pref = li->version >= 0x020A ? le_get(image + HDR_PREF_ADDRESS, 8) : MIB;
	uint64_t need = li->version >= 0x020A ? le_get(image + HDR_INIT_SIZE, 4) : 0;
	uint64_t align = le_get(image + HDR_KERNEL_ALIGN, 4);
	bool relocatable = li->version >= 0x0205 && image[HDR_RELOCATABLE];

	if (need < pm_size)
		need = pm_size;
	if (!pref)
		pref = MIB;
	if (!range_within(pref, need, ram_size) && relocatable) {
		if (!align || (align & (align - 1)) || align > 1ull << 30)
			return ERR("bzImage kernel_alignment 0x%llx is not a power of two up to 1 GiB",
				   (unsigned long long)align);
		pref = (MIB + align - 1) & ~(align - 1);
	}
	if (!range_within(pref, need, ram_size) || pref < MIB || pref + need > 0xFFFFFFFFull)
		return ERR("the kernel needs %llu MiB from 0x%llx, more than mem=%lluM holds",
			   (unsigned long long)((need + MIB - 1) >> 20), (unsigned long long)pref,
			   (unsigned long long)(ram_size >> 20));
	li->load_addr = pref;
	li->load_end = pref + need;
	li->entry = (uint32_t)pref;
	return 0;
}

/* The initrd goes as high as initrd_addr_max and RAM allow, page
 * aligned, above the kernel (boot.rst: "as high as possible"). */
static int place_initrd(const uint8_t *image, size_t initrd_size, uint64_t ram_size, struct linux_image *li,
			char *err, size_t err_size)
{
	uint64_t max = le_get(image + HDR_INITRD_ADDR_MAX, 4);   /* the highest byte it may use */
	uint64_t top;

	if (!max)
		max = 0x37FFFFFF;   /* older kernels leave it 0 (boot.rst) */
	top = ram_size < max + 1 ? ram_size : max + 1;
	if (initrd_size > top || ((top - initrd_size) & ~0xFFFull) < li->load_end)
		return ERR("the initrd (%zu KiB) does not fit between the kernel's end at 0x%llx and "
			   "0x%llx (mem=%lluM)", initrd_size >> 10, (unsigned long long)li->load_end,
			   (unsigned long long)top, (unsigned long long)(ram_size >> 20));
	li->initrd_addr = (top - initrd_size) & ~0xFFFull;
	li->initrd_size = initrd_size;
	return 0;
}

/* The E820 map: the platform's layout (guest/layout.c), which also
 * keeps the EBDA (with the FACS) and the BIOS ROM (with the ACPI and MP
 * tables) reserved. */
static void write_e820(uint8_t *zp, uint64_t ram_size)
{
	struct guest_region r[GUEST_LAYOUT_MAX];
	unsigned n = guest_layout(ram_size, r);

	for (unsigned i = 0; i < n; i++) {
		uint8_t *e = zp + ZP_E820_TABLE + i * E820_ENTRY_SIZE;
		le_put(e, 8, r[i].base);
		le_put(e + 8, 8, r[i].len);
		le_put(e + 16, 4, r[i].type);
	}
	zp[ZP_E820_ENTRIES] = (uint8_t)n;
}

/* __BOOT_CS and __BOOT_DS: flat 4 GiB, 32-bit code and data (boot.rst,
 * "32-bit Boot Protocol"). */
static const uint64_t boot_gdt[4] = {
	0, 0, 0x00CF9B000000FFFFull, 0x00CF93000000FFFFull,
};

int linux_load(const uint8_t *image, size_t size, const uint8_t *initrd, size_t initrd_size,
	       const char *cmdline, uint64_t ram_size, uint64_t rsdp, const struct guest_writer *w,
	       struct linux_image *out, char *err, size_t err_size)
{
	static uint8_t zp[ZP_SIZE];
	unsigned hdr_end;
	size_t pm_offset, cmdline_len = strlen(cmdline);
	uint32_t cmdline_max;

	memset(out, 0, sizeof *out);
	if (!linux_is_bzimage(image, size))
		return ERR("not a Linux bzImage");
	if (header(image, size, &hdr_end, &pm_offset, err, err_size))
		return -1;
	out->version = (uint16_t)le_get(image + HDR_VERSION, 2);
	if (place_kernel(image, size - pm_offset, ram_size, out, err, err_size))
		return -1;
	if (initrd && place_initrd(image, initrd_size, ram_size, out, err, err_size))
		return -1;
	cmdline_max = le_get(image + HDR_CMDLINE_SIZE, 4);
	if (cmdline_max > LINUX_CMDLINE_MAX - 1 || !cmdline_max)
		cmdline_max = LINUX_CMDLINE_MAX - 1;
	if (cmdline_len > cmdline_max)
		return ERR("command line of %zu bytes: this kernel takes at most %u", cmdline_len,
			   cmdline_max);

	/* screen_info all zero (0 columns, 0 lines): no VGA text console. */
	memset(zp, 0, sizeof zp);
	memcpy(zp + HDR_SETUP_SECTS, image + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
	zp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	zp[HDR_LOADFLAGS] &= (uint8_t)~(QUIET_FLAG | KEEP_SEGMENTS);
	le_put(zp + HDR_CODE32_START, 4, out->entry);
	le_put(zp + HDR_CMD_LINE_PTR, 4, LINUX_CMDLINE);
	le_put(zp + HDR_RAMDISK_IMAGE, 4, out->initrd_addr);
	le_put(zp + HDR_RAMDISK_SIZE, 4, out->initrd_size);
	if (out->version >= 0x020E)
		le_put(zp + ZP_ACPI_RSDP, 8, rsdp);
	write_e820(zp, ram_size);

	if (w->write(w->ctx, out->load_addr, image + pm_offset, size - pm_offset) ||
	    (initrd && w->write(w->ctx, out->initrd_addr, initrd, initrd_size)) ||
	    w->write(w->ctx, LINUX_ZERO_PAGE, zp, sizeof zp) ||
	    w->write(w->ctx, LINUX_CMDLINE, cmdline, cmdline_len + 1) ||
	    w->write(w->ctx, LINUX_GDT, boot_gdt, sizeof boot_gdt))
		return ERR("out of host memory while loading the kernel");
	return 0;
}
