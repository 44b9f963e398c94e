; Test guest entry (multiboot v1): header, flat GDT, stack, exception stubs.
;
; The loader enters _start in 32-bit protected mode with paging off,
; EAX = 0x2BADB002 and EBX = the multiboot information; GDTR, IDTR and ESP
; are not valid.  We load our own flat GDT, clear .bss, switch to our
; stack, call guest_init(magic, mbi) and main(magic, mbi), and give main's
; return value to the exit port (exit() in libguest.c).

bits 32

MB_MAGIC    equ 0x1BADB002
MB_FLAGS    equ (1 << 0) | (1 << 1)     ; page-align modules, memory info
STACK_SIZE  equ 16384

section .multiboot progbits alloc noexec nowrite align=4
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)

section .text
global _start
extern guest_init, main, exit, exc_dispatch
extern __bss_start, __bss_end

_start:
	cli
	cld
	mov esi, eax                    ; multiboot magic (callee-saved)
	; EBX = multiboot info: kept in EBX, which is callee-saved too
	lgdt [gdt_desc]
	jmp 0x08:.flat
.flat:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	mov edi, __bss_start            ; .bss holds the stack: clear it first
	mov ecx, __bss_end
	sub ecx, edi
	xor eax, eax
	rep stosb
	mov esp, stack_top
	xor ebp, ebp
	push ebx
	push esi
	call guest_init                 ; guest_init(magic, mbi)
	add esp, 8
	push ebx
	push esi
	call main                       ; main(magic, mbi)
	add esp, 8
	push eax
	call exit                       ; exit(main's value): does not return
.hang:
	cli
	hlt
	jmp .hang

; Stubs for all 256 vectors (exceptions, then interrupts).  Each pushes an error code (a dummy 0 where the CPU pushes none)
; and its vector, then exc_common builds a struct exc_frame (libguest.h)
; and calls exc_dispatch(frame).
%assign i 0
%rep 256
exc_stub_%[i]:
%if i == 8 || (i >= 10 && i <= 14) || i == 17 || i == 21 || i == 29 || i == 30
%else
	push dword 0
%endif
	push dword i
	jmp exc_common
%assign i i + 1
%endrep

exc_common:
	pushad
	cld
	push esp
	call exc_dispatch
	add esp, 4
	popad
	add esp, 8                      ; vector, error code
	iretd

section .rodata
global exc_stub_table
align 4
exc_stub_table:
%assign i 0
%rep 256
	dd exc_stub_%[i]
%assign i i + 1
%endrep

align 8
gdt:
	dq 0                            ; null
	dq 0x00CF9A000000FFFF           ; 0x08: code, base 0, limit 4 GiB, 32-bit
	dq 0x00CF92000000FFFF           ; 0x10: data, base 0, limit 4 GiB
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dd gdt

section .bss
align 16
stack_bottom:
	resb STACK_SIZE
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
