; Multiboot2 header (Multiboot2 Specification 2.0, section 3.1).
; It must sit in the first 32 KiB of the image, 8-byte aligned; the
; linker script places .multiboot2 first.

MB2_MAGIC        equ 0xE85250D6
MB2_ARCH_I386    equ 0            ; 32-bit protected mode entry
MB2_TAG_RELOCATABLE equ 10
MB2_TAG_OPTIONAL equ 1
MB2_LOAD_PREFER_LOW equ 1

; Where GRUB may put the image (boot/entry.asm finds out where it did).
; UEFI firmware often owns the memory at the link address (2 MiB), and
; GRUB refuses a fixed-address image that overlaps it.  The offset from
; the link address must be a multiple of 2 MiB, because the image is
; mapped with 2 MiB pages; linked at 2 MiB, a 2 MiB-aligned base gives
; that.  Below 3 GiB, so that the image stays inside the boot identity
; map of 4 GiB however the loader reads max_addr (GRUB's ELF loader
; takes it as the highest start address, its a.out loader as the end).
RELOC_MIN_ADDR   equ 0x200000
RELOC_MAX_ADDR   equ 0xC0000000
RELOC_ALIGN      equ 0x200000

section .multiboot2
align 8
mb2_header:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	; Relocatable-image tag (spec 3.1.14).  Optional: a loader that
	; cannot relocate loads the image at its link address, as before.
	align 8
	dw MB2_TAG_RELOCATABLE, MB2_TAG_OPTIONAL
	dd 24
	dd RELOC_MIN_ADDR
	dd RELOC_MAX_ADDR
	dd RELOC_ALIGN
	dd MB2_LOAD_PREFER_LOW          ; scripts/emutest.py patches a copy to "high"
	; End tag.
	align 8
	dw 0, 0
	dd 8
mb2_header_end:
