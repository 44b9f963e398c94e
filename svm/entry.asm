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

%include "virt/gprs.inc"

section .text
bits 64

svm_vmrun:
	PUSH_CALLEE_SAVED
	push rdx                    ; [rsp + 16] host VMCB
	push rsi                    ; [rsp + 8]  guest VMCB
	push rdi                    ; [rsp]      vcpu
	mov rax, rdx
	vmsave
	clgi
	sti
	LOAD_GPRS_BUT_RAX_RDI
	mov rax, [rsp + 8]
	mov rdi, GPR(7)
	vmload
	vmrun
	; #VMEXIT: RAX = the guest VMCB again, RSP as at VMRUN, GIF = 0.
	vmsave
	push rdi                    ; guest RDI
	mov rdi, [rsp + 8]          ; vcpu
	SAVE_GPRS_BUT_RAX_RDI
	pop rax
	mov GPR(7), rax
	mov rax, [rsp + 16]
	vmload
	cli
	stgi
	add rsp, 24
	POP_CALLEE_SAVED
	ret
