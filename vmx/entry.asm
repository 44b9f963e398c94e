; The one way into and out of a guest (DESIGN.md section 1).
;
;   int vmx_enter(struct vcpu *v)
;       Called by the scheduler.  Saves the callee-saved registers on the
;       scheduler's stack, switches to the vCPU's host stack, loads the
;       guest GPRs and does VMLAUNCH (first time) or VMRESUME.
;
;   vmx_exit_stub (HOST_RIP in the VMCS)
;       Where every VM exit lands, on the vCPU's host stack (HOST_RSP,
;       whose top slot holds the vcpu pointer).  Saves the guest GPRs into
;       the vcpu, calls vmx_exit_dispatch(v).  0 means resume the guest:
;       reload the GPRs and VMRESUME without leaving this loop.  Anything
;       else returns that value from vmx_enter to the scheduler.
;
; A VMLAUNCH/VMRESUME that fails (SDM Vol. 3C 31.2: CF = VMfailInvalid,
; ZF = VMfailValid) returns VMX_ENTER_FAIL_INVALID / _VALID.
;
; struct vcpu layout (guest/vm.h, checked by vmx/vmcs.c):
VCPU_GPR      equ 0          ; uint64_t gpr[16], x86 register-number order
VCPU_HOST_RSP equ 16 * 8
VCPU_LAUNCHED equ 17 * 8
VCPU_STACK    equ 18 * 8     ; the host stack slot holding the vcpu pointer = HOST_RSP

VMX_ENTER_FAIL_VALID   equ -1
VMX_ENTER_FAIL_INVALID equ -2

extern vmx_exit_dispatch
global vmx_enter
global vmx_exit_stub

%define GPR(n) [rdi + VCPU_GPR + (n) * 8]

section .text
bits 64

; Load guest GPRs from the vcpu at RDI; RDI itself last.
%macro LOAD_GUEST_GPRS 0
	mov rax, GPR(0)
	mov rcx, GPR(1)
	mov rdx, GPR(2)
	mov rbx, GPR(3)
	mov rbp, GPR(5)
	mov rsi, GPR(6)
	mov r8,  GPR(8)
	mov r9,  GPR(9)
	mov r10, GPR(10)
	mov r11, GPR(11)
	mov r12, GPR(12)
	mov r13, GPR(13)
	mov r14, GPR(14)
	mov r15, GPR(15)
	mov rdi, GPR(7)
%endmacro

vmx_enter:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov [rdi + VCPU_HOST_RSP], rsp
	mov rsp, [rdi + VCPU_STACK]             ; = HOST_RSP: [rsp] = vcpu
	cmp qword [rdi + VCPU_LAUNCHED], 0
	mov qword [rdi + VCPU_LAUNCHED], 1      ; from now on VMRESUME (mov keeps the flags)
	LOAD_GUEST_GPRS
	je .launch
	vmresume
	jmp entry_failed
.launch:
	vmlaunch
	jmp entry_failed

vmx_exit_stub:
	push rdi                                ; guest RDI; [rsp + 8] = vcpu
	mov rdi, [rsp + 8]
	mov GPR(0), rax
	mov GPR(1), rcx
	mov GPR(2), rdx
	mov GPR(3), rbx
	mov GPR(5), rbp
	mov GPR(6), rsi
	mov GPR(8), r8
	mov GPR(9), r9
	mov GPR(10), r10
	mov GPR(11), r11
	mov GPR(12), r12
	mov GPR(13), r13
	mov GPR(14), r14
	mov GPR(15), r15
	pop rax
	mov GPR(7), rax
	call vmx_exit_dispatch                  ; RSP is HOST_RSP: 16-byte aligned
	test eax, eax
	jnz to_scheduler
	mov rdi, [rsp]
	LOAD_GUEST_GPRS
	vmresume
	; fall through: VMRESUME failed

entry_failed:
	mov eax, VMX_ENTER_FAIL_VALID
	mov ecx, VMX_ENTER_FAIL_INVALID
	cmovc eax, ecx
	; The guest GPRs are still in the vcpu: nothing to save.
to_scheduler:
	; On every path RSP is HOST_RSP again, whose slot holds the vcpu;
	; vmx_enter left the scheduler's RSP in vcpu->host_rsp.
	mov rdi, [rsp]
	mov rsp, [rdi + VCPU_HOST_RSP]
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
