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
; uint64_t gpr[16] at offset 0, x86 register-number order (virt/gprs.inc)
VCPU_HOST_RSP equ 16 * 8
VCPU_LAUNCHED equ 17 * 8
VCPU_STACK    equ 18 * 8     ; the host stack slot holding the vcpu pointer = HOST_RSP

VMX_ENTER_FAIL_VALID   equ -1
VMX_ENTER_FAIL_INVALID equ -2

extern vmx_exit_dispatch
global vmx_enter
global vmx_exit_stub

%include "virt/gprs.inc"

section .text
bits 64

; Load guest GPRs from the vcpu at RDI; RDI itself last.
%macro LOAD_GUEST_GPRS 0
	mov rax, GPR(0)
	LOAD_GPRS_BUT_RAX_RDI
	mov rdi, GPR(7)
%endmacro

vmx_enter:
	PUSH_CALLEE_SAVED
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
	SAVE_GPRS_BUT_RAX_RDI
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
	POP_CALLEE_SAVED
	ret
