; The one way into and out of an SVM guest (DESIGN.md section 1).
;
;   void svm_vmrun(struct vcpu *v, uint64_t vmcb_pa, uint64_t host_vmcb_pa)
;       Called by svm/backend.c for every entry.  Saves the callee-saved
;       registers, loads the guest GPRs that VMRUN does not (all but RAX
;       and RSP, which live in the VMCB), and runs the guest:
;           VMSAVE host    the host's FS/GS/TR/LDTR, SYSCALL and SYSENTER MSRs,
;                          KernelGsBase: VMRUN/#VMEXIT switch none of them
;           CLGI; STI      host interrupts stay held (GIF = 0) until VMRUN,
;                          then exit the guest (INTR intercept, V_INTR_MASKING)
;           VMLOAD guest, VMRUN, VMSAVE guest
;           VMLOAD host    TR first of all: its IST stacks serve #DF/NMI/#MC
;           CLI; STGI      a held host interrupt stays pending (lapic_drain)
;       then stores the guest GPRs back into the vcpu and returns.  The
;       exit is handled in C (svm/exit.c) with the GPRs in the vcpu.
;       APM Vol. 2 15.5 "VMRUN", 15.5.2 "VMSAVE and VMLOAD", 15.17 "GIF".
;
; VMRUN, VMLOAD and VMSAVE take the VMCB's physical address in RAX.
; struct vcpu layout (virt/vcpu.h): uint64_t gpr[16] first, x86 order.

global svm_vmrun

%define GPR(n) [rdi + (n) * 8]

section .text
bits 64

svm_vmrun:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdx                    ; [rsp + 16] host VMCB
	push rsi                    ; [rsp + 8]  guest VMCB
	push rdi                    ; [rsp]      vcpu
	mov rax, rdx
	vmsave
	clgi
	sti
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
	mov rax, [rsp + 8]
	mov rdi, GPR(7)
	vmload
	vmrun
	; #VMEXIT: RAX = the guest VMCB again, RSP as at VMRUN, GIF = 0.
	vmsave
	push rdi                    ; guest RDI
	mov rdi, [rsp + 8]          ; vcpu
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
	mov rax, [rsp + 16]
	vmload
	cli
	stgi
	add rsp, 24
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
