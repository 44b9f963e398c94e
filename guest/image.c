#include "guest/image.h"
#include "arch/x86/cpuid.h"
#include "guest/firmware.h"
#include "guest/layout.h"
#include "guest/linux.h"
#include "guest/multiboot.h"
#include "lib/format.h"

static int write_guest(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	return gmem_write(ctx, gpa, src, len);
}

/* The firmware's writer: the tables go to ROM, the FACS to RAM. */
static int write_firmware(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	return gmem_in_rom(gpa) ? gmem_write_rom(ctx, gpa, src, len) : gmem_write(ctx, gpa, src, len);
}

static int is_elf(const uint8_t *image, size_t size)
{
	return size >= 4 && image[0] == 0x7F && image[1] == 'E' && image[2] == 'L' && image[3] == 'F';
}

int image_load(struct guest_memory *mem, const uint8_t *image, size_t size,
	       const struct image_initrd *initrd, const char *cmdline, struct image_entry *entry,
	       char *err, size_t err_size)
{
	struct guest_writer w = { write_guest, mem }, fw = { write_firmware, mem };
	struct cpuid_regs id = cpuid(1, 0);
	struct fw_cpu cpu = { id.eax, id.edx };
	struct multiboot_image mb;
	uint32_t mbi;

	/* What a BIOS leaves in low memory and in its ROM, for every kind
	 * of guest (a kernel loaded over low memory wins: it is written
	 * after; the ROM it may not overlap). */
	if (guest_write_bda(&w) || firmware_write(&fw, &cpu)) {
		ksnprintf(err, err_size, "out of host memory while writing the BIOS data area and tables");
		return -1;
	}

	/* A bzImage before multiboot: the Linux boot sector may carry a
	 * multiboot header of its own in its first 8 KiB; Tern boots it as
	 * Linux, which it is. */
	if (linux_is_bzimage(image, size)) {
		struct linux_image li;
		if (linux_load(image, size, initrd ? initrd->data : NULL, initrd ? initrd->size : 0,
			       cmdline, mem->ram_size, FW_RSDP_ADDR, &w, &li, err, err_size))
			return -1;
		/* boot.rst, 32-bit boot protocol: ESI = the zero page. */
		*entry = (struct image_entry){ .rip = li.entry, .rsi = LINUX_ZERO_PAGE,
					       .boot_gdt = LINUX_GDT };
		return 0;
	}
	if (initrd) {
		ksnprintf(err, err_size, "it has an initrd (initrd_for=), but is no Linux kernel");
		return -1;
	}
	if (multiboot_find_header(image, size) >= 0) {
		if (multiboot_load(image, size, mem->ram_size, &w, &mb, err, err_size) ||
		    multiboot_write_info(&mb, mem->ram_size, cmdline, &w, &mbi, err, err_size))
			return -1;
		/* Multiboot spec 3.2: EAX = magic, EBX = info. */
		*entry = (struct image_entry){ .rip = mb.entry, .rax = MULTIBOOT_BOOTLOADER_MAGIC, .rbx = mbi };
		return 0;
	}
	if (is_elf(image, size))
		ksnprintf(err, err_size, "ELF image without a multiboot header: plain ELF guests are "
					 "not supported yet");
	else
		ksnprintf(err, err_size, "unknown image format (no multiboot header in the first "
					 "8 KiB, not ELF, not a Linux bzImage)");
	return -1;
}
