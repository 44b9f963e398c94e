/*
 * Multiboot (v1) kernel loader, as the Multiboot Specification 0.6.96
 * says: header search (3.1.1), a.out-kludge or ELF load addresses
 * (3.1.3), the boot information structure (3.3) and the machine state
 * at entry (3.2).  Pure code (tests/test_multiboot.c): it writes guest
 * memory only through struct guest_writer.
 */
#ifndef TERN_GUEST_MULTIBOOT_H
#define TERN_GUEST_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#define MULTIBOOT_HEADER_MAGIC     0x1BADB002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u
#define MULTIBOOT_SEARCH           8192

struct guest_writer {
	/* Copy len bytes to guest-physical gpa; 0 or -1. */
	int (*write)(void *ctx, uint64_t gpa, const void *src, size_t len);
	void *ctx;
};

struct multiboot_image {
	uint32_t header_offset;   /* where the header is in the file */
	uint32_t flags;
	uint32_t entry;
	uint32_t load_start, load_end;   /* guest-physical span incl. bss */
};

/* Offset of a valid multiboot header in the first 8 KiB, or -1. */
long multiboot_find_header(const uint8_t *image, size_t size);

/* Load the kernel into guest RAM of ram_size bytes.  0, or -1 with a
 * one-line reason in err. */
int multiboot_load(const uint8_t *image, size_t size, uint64_t ram_size,
		   const struct guest_writer *w, struct multiboot_image *out, char *err,
		   size_t err_size);

/* Write the multiboot information (mem_lower/upper, memory map, command
 * line, boot loader name) to a page that does not overlap the kernel;
 * *mbi_addr gets its guest-physical address. */
int multiboot_write_info(const struct multiboot_image *img, uint64_t ram_size,
			 const char *cmdline, const struct guest_writer *w, uint32_t *mbi_addr,
			 char *err, size_t err_size);

#endif
