/*
 * Linux bzImage loader (Documentation/arch/x86/boot.rst, "The Linux/x86
 * Boot Protocol"): the setup header, the protected-mode kernel where
 * the header asks, an initrd, and the zero page ("boot_params",
 * Documentation/arch/x86/zero-page.rst) with the command line and the
 * E820 map.  Tern enters the kernel by the 32-bit boot protocol: the
 * flat 32-bit protected mode it gives every guest, ESI = the zero page,
 * EIP = the kernel's load address (docs/linux.md says why not 64-bit).
 * Pure code (tests/test_linux.c): guest memory only through struct
 * guest_writer.
 */
#ifndef TERN_GUEST_LINUX_H
#define TERN_GUEST_LINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/multiboot.h"

/* Where the loader puts what is not the kernel (below the EBDA). */
#define LINUX_ZERO_PAGE   0x10000u
#define LINUX_GDT         0x11000u     /* __BOOT_CS 0x10, __BOOT_DS 0x18 */
#define LINUX_CMDLINE     0x20000u
#define LINUX_CMDLINE_MAX 4096u

#define LINUX_BOOT_CS     0x10u
#define LINUX_BOOT_DS     0x18u
#define LINUX_MIN_VERSION 0x0206u      /* 2.06: cmdline_size, LOADED_HIGH initrds */

struct linux_image {
	uint16_t version;            /* boot protocol, e.g. 0x020F */
	uint64_t load_addr;          /* where the protected-mode kernel went */
	uint64_t load_end;           /* load_addr + init_size: what it needs */
	uint64_t initrd_addr, initrd_size;
	uint32_t entry;              /* the 32-bit entry point (= load_addr) */
};

/* A bzImage: the boot sector signature and "HdrS" in the setup header. */
bool linux_is_bzimage(const uint8_t *image, size_t size);

/* Load the kernel and the initrd (NULL: none) into guest RAM of
 * ram_size bytes and write the zero page, the command line and the boot
 * GDT; rsdp is the ACPI RSDP's address.  0, or -1 with a one-line
 * reason in err. */
int linux_load(const uint8_t *image, size_t size, const uint8_t *initrd, size_t initrd_size,
	       const char *cmdline, uint64_t ram_size, uint64_t rsdp, const struct guest_writer *w,
	       struct linux_image *out, char *err, size_t err_size);

#endif
