/*
 * Host tests of guest/linux.c, the bzImage loader, on synthetic images
 * built here from Documentation/arch/x86/boot.rst: detection, where the
 * kernel goes (preferred address, relocation with its alignment), the
 * initrd's placement under initrd_addr_max, the zero page (header
 * copied and completed, E820 map, RSDP, command line), the boot GDT,
 * and every refusal.
 */
#define TEST_MAIN
#include "tests/test.h"
#include "guest/layout.h"
#include "guest/linux.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define MIB (1u << 20)
#define RAM (64u * MIB)

static uint8_t *ram;
static int write_ram(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	(void)ctx;
	if (gpa > RAM || len > RAM - gpa)
		return -1;
	memcpy(ram + gpa, src, len);
	return 0;
}
static const struct guest_writer w = { write_ram, NULL };

static uint8_t image[8192];
static char err[160];

static void put(uint8_t *p, unsigned off, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *p, unsigned off, unsigned width)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < width; i++)
		v |= (uint64_t)p[off + i] << (8 * i);
	return v;
}

/* A bzImage of protocol `version`: 3 setup sectors after the boot
 * sector, then 4 KiB of "kernel" (0xC3 bytes); preferred at 16 MiB,
 * 2 MiB aligned, relocatable, needing 8 MiB. */
static void make_image(uint16_t version)
{
	memset(ram, 0, RAM);
	memset(image, 0, sizeof image);
	image[0x1F1] = 3;
	put(image, 0x1FE, 2, 0xAA55);
	image[0x201] = 0x66;                   /* header ends at 268h */
	memcpy(image + 0x202, "HdrS", 4);
	put(image, 0x206, 2, version);
	image[0x211] = 1;                      /* LOADED_HIGH */
	put(image, 0x214, 4, 0x100000);
	put(image, 0x22C, 4, 0x7FFFFFFF);      /* initrd_addr_max */
	put(image, 0x230, 4, 2 * MIB);         /* kernel_alignment */
	image[0x234] = 1;                      /* relocatable */
	put(image, 0x238, 4, 2047);            /* cmdline_size */
	put(image, 0x258, 8, 16 * MIB);        /* pref_address */
	put(image, 0x260, 4, 8 * MIB);         /* init_size */
	memset(image + 4 * 512, 0xC3, sizeof image - 4 * 512);
}

static int load(const uint8_t *rd, size_t rd_size, const char *cmdline, uint64_t ram_size,
		struct linux_image *li)
{
	err[0] = 0;
	return linux_load(image, sizeof image, rd, rd_size, cmdline, ram_size, 0xE0000, &w, li, err,
			  sizeof err);
}

static const uint8_t *zp(void) { return ram + LINUX_ZERO_PAGE; }

TEST(linux_detect)
{
	make_image(0x020F);
	CHECK(linux_is_bzimage(image, sizeof image));
	CHECK(!linux_is_bzimage(image, 0x263));
	image[0x1FE] = 0;
	CHECK(!linux_is_bzimage(image, sizeof image));
	make_image(0x020F);
	image[0x205] = 'T';
	CHECK(!linux_is_bzimage(image, sizeof image));
}

TEST(linux_loads_at_the_preferred_address)
{
	struct linux_image li;

	make_image(0x020F);
	CHECK(load(NULL, 0, "console=ttyS0", RAM, &li) == 0);
	CHECK(li.load_addr == 16 * MIB && li.entry == 16 * MIB && li.load_end == 24 * MIB);
	CHECK(ram[16 * MIB] == 0xC3 && ram[16 * MIB + sizeof image - 4 * 512 - 1] == 0xC3);
	CHECK(ram[16 * MIB + sizeof image - 4 * 512] == 0);
	/* The header copied and completed. */
	CHECK(!memcmp(zp() + 0x202, "HdrS", 4) && get(zp(), 0x206, 2) == 0x020F);
	CHECK(zp()[0x210] == 0xFF);                               /* type_of_loader */
	CHECK(get(zp(), 0x214, 4) == 16 * MIB);                   /* code32_start */
	CHECK(get(zp(), 0x228, 4) == LINUX_CMDLINE);
	CHECK(!strcmp((const char *)ram + LINUX_CMDLINE, "console=ttyS0"));
	CHECK(get(zp(), 0x218, 4) == 0 && get(zp(), 0x21C, 4) == 0);   /* no initrd */
	CHECK(get(zp(), 0x070, 8) == 0xE0000);                    /* acpi_rsdp_addr */
	/* Nothing beyond the header's end from the image. */
	CHECK(get(zp(), 0x268, 4) == 0);
	/* screen_info: no VGA text. */
	CHECK(zp()[0x07] == 0 && zp()[0x0E] == 0);
	/* The boot GDT: __BOOT_CS and __BOOT_DS flat. */
	CHECK(get(ram, LINUX_GDT + LINUX_BOOT_CS, 8) == 0x00CF9B000000FFFFull);
	CHECK(get(ram, LINUX_GDT + LINUX_BOOT_DS, 8) == 0x00CF93000000FFFFull);
}

TEST(linux_e820_is_the_platform_layout)
{
	struct linux_image li;
	struct guest_region r[GUEST_LAYOUT_MAX];
	unsigned n = guest_layout(RAM, r);

	make_image(0x020F);
	CHECK(load(NULL, 0, "", RAM, &li) == 0);
	CHECK(zp()[0x1E8] == n && n >= 4);
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *e = zp() + 0x2D0 + 20 * i;
		CHECK(get(e, 0, 8) == r[i].base && get(e, 8, 8) == r[i].len && get(e, 16, 4) == r[i].type);
	}
	/* RAM from 1 MiB to mem=, the BIOS area reserved. */
	CHECK(get(zp() + 0x2D0 + 20 * 3, 0, 8) == MIB && get(zp() + 0x2D0 + 20 * 3, 8, 8) == RAM - MIB);
	CHECK(get(zp() + 0x2D0 + 20 * 2, 16, 4) == 2);
}

TEST(linux_relocates_when_the_preferred_address_does_not_fit)
{
	struct linux_image li;

	make_image(0x020F);
	CHECK(load(NULL, 0, "", 20 * MIB, &li) == 0);
	CHECK(li.load_addr == 2 * MIB && ram[2 * MIB] == 0xC3);   /* 1 MiB rounded up to 2 MiB */
	put(image, 0x230, 4, 4 * MIB);
	CHECK(load(NULL, 0, "", 20 * MIB, &li) == 0 && li.load_addr == 4 * MIB);
	/* A kernel that is not relocatable does not move. */
	image[0x234] = 0;
	CHECK(load(NULL, 0, "", 20 * MIB, &li) == -1);
	CHECK(strstr(err, "needs 8 MiB from 0x1000000, more than mem=20M") != NULL);
	/* A bad alignment is refused, not used. */
	make_image(0x020F);
	put(image, 0x230, 4, 3 * MIB);
	CHECK(load(NULL, 0, "", 20 * MIB, &li) == -1 && strstr(err, "kernel_alignment") != NULL);
}

TEST(linux_initrd_goes_high_below_its_limit)
{
	static uint8_t rd[10000];
	struct linux_image li;

	memset(rd, 0x5A, sizeof rd);
	make_image(0x020F);
	CHECK(load(rd, sizeof rd, "", RAM, &li) == 0);
	CHECK(li.initrd_addr == ((RAM - sizeof rd) & ~0xFFFull) && li.initrd_size == sizeof rd);
	CHECK(ram[li.initrd_addr] == 0x5A && ram[li.initrd_addr + sizeof rd - 1] == 0x5A);
	CHECK(get(zp(), 0x218, 4) == li.initrd_addr && get(zp(), 0x21C, 4) == sizeof rd);
	/* initrd_addr_max is the last byte it may use. */
	put(image, 0x22C, 4, 32 * MIB - 1);
	CHECK(load(rd, sizeof rd, "", RAM, &li) == 0);
	CHECK(li.initrd_addr == ((32 * MIB - sizeof rd) & ~0xFFFull));
	/* Between the kernel's end (24 MiB) and that limit, or refused. */
	put(image, 0x22C, 4, 24 * MIB + 4096 - 1);
	CHECK(load(rd, sizeof rd, "", RAM, &li) == -1 && strstr(err, "initrd") != NULL);
	make_image(0x020F);
	CHECK(load(rd, 41 * MIB, "", RAM, &li) == -1);
	CHECK(strstr(err, "does not fit between the kernel's end at 0x1800000") != NULL);
}

TEST(linux_refusals)
{
	struct linux_image li;
	char line[4096];

	make_image(0x0205);
	CHECK(load(NULL, 0, "", RAM, &li) == -1 && strstr(err, "2.05 is older than 2.06") != NULL);
	make_image(0x020F);
	image[0x211] = 0;
	CHECK(load(NULL, 0, "", RAM, &li) == -1 && strstr(err, "zImage") != NULL);
	make_image(0x020F);
	image[0x1F1] = 60;                       /* setup claims more than the file */
	CHECK(load(NULL, 0, "", RAM, &li) == -1 && strstr(err, "truncated") != NULL);
	make_image(0x020F);
	memset(line, 'x', 2048);
	line[2048] = 0;
	CHECK(load(NULL, 0, line, RAM, &li) == -1 && strstr(err, "at most 2047") != NULL);
	line[2047] = 0;
	CHECK(load(NULL, 0, line, RAM, &li) == 0);
	/* Too little RAM for the kernel at all. */
	CHECK(load(NULL, 0, "", 8 * MIB, &li) == -1 && strstr(err, "more than mem=8M") != NULL);
	make_image(0x020F);
	CHECK(linux_load(image, 100, NULL, 0, "", RAM, 0, &w, &li, err, sizeof err) == -1);
}

TEST(linux_older_protocols)
{
	struct linux_image li;

	/* 2.06-2.09: no pref_address or init_size: 1 MiB, its own size. */
	make_image(0x0209);
	CHECK(load(NULL, 0, "", RAM, &li) == 0);
	CHECK(li.load_addr == MIB && li.load_end == MIB + sizeof image - 4 * 512);
	/* Before 2.14 there is no acpi_rsdp_addr to fill. */
	CHECK(get(zp(), 0x070, 8) == 0);
	/* setup_sects 0 means 4. */
	make_image(0x020F);
	image[0x1F1] = 0;
	CHECK(load(NULL, 0, "", RAM, &li) == 0 && ram[16 * MIB] == 0xC3 && ram[16 * MIB - 1] == 0);
}

__attribute__((constructor)) static void alloc_ram(void)
{
	ram = calloc(1, RAM);
}
