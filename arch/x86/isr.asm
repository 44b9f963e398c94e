; Exception entry stubs for vectors 0-31.  Each pushes a dummy error code
; where the CPU pushes none (SDM Vol. 3A 6.13 "Error Code"), then the
; vector, saves the GPRs in struct trap_frame order and calls
; exception_dispatch(frame), which prints the crash dump and never returns.

extern exception_dispatch
extern exception_fixup
extern host_interrupt
global isr_stub_table
global irq_stub_table
global nmi_ignore

section .text
bits 64

; An NMI in root mode (a platform or watchdog NMI, QEMU's "nmi" command)
; is no hypervisor bug: return from it.  It runs on its own IST stack.
nmi_ignore:
	iretq

%macro STUB 1
isr_stub_%1:
%if %1 = 8 || (%1 >= 10 && %1 <= 14) || %1 = 17 || %1 = 21 || %1 = 29 || %1 = 30
	; The CPU already pushed an error code.
%else
	push 0
%endif
	push %1
	jmp isr_common
%endmacro

%assign v 0
%rep 32
	STUB v
%assign v v + 1
%endrep

isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	mov rdi, rsp
	mov rbx, rsp                    ; the frame (rbx is saved above)
	and rsp, -16                    ; SysV ABI stack alignment for the call
	call exception_fixup            ; an expected fault (rdmsr_safe)?
	test eax, eax
	jnz .resume
	mov rdi, rbx
	call exception_dispatch
.hang:
	cli
	hlt
	jmp .hang

; exception_fixup() moved RIP past the faulting instruction: return there.
.resume:
	mov rsp, rbx
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16                     ; vector, error code
	iretq

; Vectors 32-255: host interrupts.  In root mode Tern runs with IF=0,
; except for one instruction in lapic_drain() (the SVM quantum's timer
; interrupt); anything else that arrives there (or, with IF=0, an NMI-like
; stray vector) must be reported, not turned into a #GP and a #DF.  Each
; stub pushes its vector; irq_common saves the caller-saved registers and
; calls host_interrupt(vector) (arch/x86/lapic.c), which sends the EOI.
%macro IRQ_STUB 1
irq_stub_%1:
	push %1
	jmp irq_common
%endmacro

%assign v 32
%rep 224
	IRQ_STUB v
%assign v v + 1
%endrep

irq_common:
	push rax
	push rcx
	push rdx
	push rsi
	push rdi
	push r8
	push r9
	push r10
	push r11
	mov rdi, [rsp + 9 * 8]          ; the vector
	mov rsi, rsp
	and rsp, -16
	push rsi
	sub rsp, 8
	call host_interrupt
	add rsp, 8
	pop rsp
	pop r11
	pop r10
	pop r9
	pop r8
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rax
	add rsp, 8                      ; the vector
	iretq

section .rodata
align 8
isr_stub_table:
%assign v 0
%rep 32
	dq isr_stub_ %+ v
%assign v v + 1
%endrep

irq_stub_table:
%assign v 32
%rep 224
	dq irq_stub_ %+ v
%assign v v + 1
%endrep
