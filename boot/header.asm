; Multiboot2 header (Multiboot2 Specification 2.0, section 3.1).
; It must sit in the first 32 KiB of the image, 8-byte aligned; the
; linker script places .multiboot2 first.

MB2_MAGIC        equ 0xE85250D6
MB2_ARCH_I386    equ 0            ; 32-bit protected mode entry

section .multiboot2
align 8
mb2_header:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	; End tag.
	align 8
	dw 0, 0
	dd 8
mb2_header_end:
