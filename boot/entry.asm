; 32-bit entry from a multiboot2 boot loader, up to the jump into C.
;
; State on entry (Multiboot2 spec 3.3): protected mode, paging off,
; EAX = 0x36D76289, EBX = physical address of the boot information,
; no usable stack, and the image wherever GRUB chose to put it.  We check
; the magic, find the load offset and check long-mode support, build
; page tables that map the first 4 GiB (identity, for this code and the
; boot information) and the image at KERNEL_VMA (for the C hypervisor),
; turn on long mode (SDM Vol. 3A 10.8.5 "Initializing IA-32e Mode")
; and call kmain(magic, info_phys) on the hypervisor's boot stack.
; mm/paging.c later replaces these tables with the final ones.

%include "boot/layout.inc"

COM1            equ 0x3F8
CR0_PE          equ 1 << 0
CR0_WP          equ 1 << 16
CR0_PG          equ 1 << 31
CR4_PAE         equ 1 << 5
MSR_EFER        equ 0xC0000080
EFER_LME        equ 1 << 8
EFER_NXE        equ 1 << 11
PTE_P           equ 1 << 0
PTE_W           equ 1 << 1
PTE_PS          equ 1 << 7
MB2_LOADER_MAGIC equ 0x36D76289

extern kmain
extern _image_phys_start, _image_phys_end    ; linker.ld

global _start
global boot_pdpt_high
global boot_stack_top
global image_load_offset

section .boot.text progbits alloc exec nowrite
bits 32
_start:
	cli
	cld
	mov esi, eax                    ; keep magic and info pointer
	mov edi, ebx
	cmp esi, MB2_LOADER_MAGIC
	jne .not_multiboot2

	; Where are we?  GRUB may have moved the whole image by one offset
	; (the relocatable tag in boot/header.asm).  CALL pushes EIP, but
	; there is no stack yet: borrow the reserved word of the boot
	; information ([EBX+4], spec 3.6.1) for the one push, and clear it
	; again.  EBP holds the load offset from here on; the code below
	; adds it to every absolute address it uses.
	lea esp, [ebx + 8]
	call .here
.here:
	pop ebp
	sub ebp, .here
	mov dword [ebx + 4], 0
	lea esp, [ebp + boot_stack_top - KERNEL_VMA]
	call serial_init
	test ebp, 0x1FFFFF              ; the image is mapped with 2 MiB pages
	jnz .misaligned
	mov [ebp + image_load_offset - KERNEL_VMA], ebp

	call has_long_mode
	test eax, eax
	jz .no_long_mode

	call build_page_tables
	call enter_long_mode
	lea eax, [ebp + boot_gdt]       ; the GDT pointer holds a physical address
	mov [ebp + boot_gdt_ptr + 2], eax
	lgdt [ebp + boot_gdt_ptr]
	push 0x08                       ; far jump to 64-bit code, by RETF because
	lea eax, [ebp + long_mode_low]  ; the target moves with the image
	push eax
	retf

.not_multiboot2:
	; Not our loader, so no relocation either: assume the link address.
	xor ebp, ebp
	mov esp, boot_stack_top - KERNEL_VMA
	call serial_init
	lea ebx, [ebp + msg_not_mb2]
	jmp fail32
.misaligned:
	lea ebx, [ebp + msg_misaligned]
	jmp fail32
.no_long_mode:
	lea ebx, [ebp + msg_no_lm]
	jmp fail32

; Print the NUL-terminated string at EBX on COM1 and halt for good.
fail32:
	call serial_puts
.halt:
	cli
	hlt
	jmp .halt

; 115200 8N1, FIFOs on: the same settings arch/x86/uart16550.c uses.
serial_init:
	mov dx, COM1 + 1
	xor al, al
	out dx, al                      ; no interrupts
	mov dx, COM1 + 3
	mov al, 0x80
	out dx, al                      ; DLAB on
	mov dx, COM1 + 0
	mov al, 1
	out dx, al                      ; divisor 1 = 115200 baud
	mov dx, COM1 + 1
	xor al, al
	out dx, al
	mov dx, COM1 + 3
	mov al, 0x03
	out dx, al                      ; 8N1, DLAB off
	mov dx, COM1 + 2
	mov al, 0x07
	out dx, al                      ; FIFOs on and cleared
	ret

serial_puts:
.next:
	mov al, [ebx]
	test al, al
	jz .done
	mov ah, al
	mov dx, COM1 + 5
.wait:
	in al, dx
	test al, 0x20                   ; transmitter holding register empty
	jz .wait
	mov dx, COM1
	mov al, ah
	out dx, al
	inc ebx
	jmp .next
.done:
	ret

; EAX = 1 when CPUID exists and reports long mode (CPUID.80000001H:EDX[29]).
has_long_mode:
	pushfd
	pop eax
	mov ecx, eax
	xor eax, 1 << 21                ; EFLAGS.ID toggles only if CPUID exists
	push eax
	popfd
	pushfd
	pop eax
	push ecx
	popfd
	xor eax, ecx
	jz .no
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no
	mov eax, 1
	ret
.no:
	xor eax, eax
	ret

; PML4[0]   -> boot_pdpt_low  -> boot_pd[0..3]: identity map of 0..4 GiB
; PML4[511] -> boot_pdpt_high -> entry 510 = boot_pd_image: KERNEL_VMA +
;              L maps physical L + load offset for the 2 MiB pages that
;              hold the image (link addresses _image_phys_start.._end),
;              wherever GRUB put it, and nothing else: no alias of other
;              memory with another type (a framebuffer is write-combining).
; All with 2 MiB pages.  The tables live in .bss, already zeroed by the
; loader (ELF segments' memsz beyond filesz are zero-filled).
build_page_tables:
	lea eax, [ebp + boot_pdpt_low - KERNEL_VMA]
	or eax, PTE_P | PTE_W
	mov [ebp + boot_pml4 - KERNEL_VMA], eax
	lea eax, [ebp + boot_pdpt_high - KERNEL_VMA]
	or eax, PTE_P | PTE_W
	mov [ebp + boot_pml4 - KERNEL_VMA + 511 * 8], eax
	lea eax, [ebp + boot_pd_image - KERNEL_VMA]
	or eax, PTE_P | PTE_W
	mov [ebp + boot_pdpt_high - KERNEL_VMA + 510 * 8], eax

	xor ecx, ecx                    ; four page directories
.pdpt:
	mov eax, ecx
	shl eax, 12
	lea eax, [ebp + eax + boot_pd - KERNEL_VMA]
	or eax, PTE_P | PTE_W
	mov [ebp + ecx * 8 + boot_pdpt_low - KERNEL_VMA], eax
	inc ecx
	cmp ecx, 4
	jb .pdpt

	xor ecx, ecx                    ; 2048 PDEs of 2 MiB each
.pde:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_P | PTE_W | PTE_PS
	mov edx, ecx
	shr edx, 11                     ; bits 32+ of the address (always 0 here)
	mov [ebp + ecx * 8 + boot_pd - KERNEL_VMA], eax
	mov [ebp + ecx * 8 + boot_pd - KERNEL_VMA + 4], edx
	inc ecx
	cmp ecx, 2048
	jb .pde

	mov ecx, _image_phys_start      ; PDEs for the image's 2 MiB pages
	shr ecx, 21
	mov ebx, _image_phys_end
	add ebx, 0x1FFFFF
	shr ebx, 21
.image_pde:
	mov eax, ecx
	shl eax, 21
	xor edx, edx
	add eax, ebp                    ; may carry past 4 GiB
	adc edx, 0
	or eax, PTE_P | PTE_W | PTE_PS
	mov [ebp + ecx * 8 + boot_pd_image - KERNEL_VMA], eax
	mov [ebp + ecx * 8 + boot_pd_image - KERNEL_VMA + 4], edx
	inc ecx
	cmp ecx, ebx
	jb .image_pde
	ret

enter_long_mode:
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	lea eax, [ebp + boot_pml4 - KERNEL_VMA]
	mov cr3, eax
	mov eax, 0x80000001
	cpuid
	push edx
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	pop ebx
	test ebx, 1 << 20               ; CPUID.80000001H:EDX.NX: XD may be off in firmware
	jz .no_nx
	or eax, EFER_NXE
.no_nx:
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_PE | CR0_WP
	mov cr0, eax
	ret

bits 64
long_mode_low:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax
	mov rax, long_mode_high
	jmp rax

section .text
long_mode_high:
	mov rsp, boot_stack_top
	xor ebp, ebp                    ; ends the frame-pointer backtrace
	xchg esi, edi                   ; kmain(magic = RDI, info_phys = RSI)
	call kmain
.hang:
	cli
	hlt
	jmp .hang

section .boot.data progbits alloc noexec write
align 16
; Temporary GDT: null, 64-bit code, data.  arch/x86/gdt.c installs the
; real one (with the TSS) from C.
boot_gdt:
	dq 0
	dq 0x00AF9A000000FFFF           ; code: L=1, P=1, DPL 0, execute/read
	dq 0x00CF92000000FFFF           ; data: P=1, DPL 0, read/write
boot_gdt_end:
boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dd boot_gdt

msg_not_mb2: db "tern: not started by a multiboot2 boot loader (bad magic in EAX); halting", 13, 10, 0
msg_misaligned: db "tern: the boot loader moved the image by an offset that is not a multiple of 2 MiB (relocatable tag ignored?); halting", 13, 10, 0
msg_no_lm:   db "tern: this CPU has no long mode (CPUID.80000001H:EDX[29] = 0); Tern needs x86-64; halting", 13, 10, 0

; Physical address minus link address of the image (mm/paging.h).
section .data
align 8
image_load_offset: dq 0

; Boot page tables and stack (.bss: zeroed by the loader, linked at
; KERNEL_VMA, so the 32-bit code above subtracts KERNEL_VMA and adds
; the load offset).
section .bss
align 4096
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4 * 4096
boot_pd_image:  resb 4096
align 16
boot_stack:     resb 32768
boot_stack_top:
