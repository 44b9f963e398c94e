/* Control-register accesses.  Where the backend intercepts them (VMX:
 * writes to CR0/CR4 bits in the guest/host masks; SVM: every CR0/CR4
 * write, and CR0 reads while the real CD/NW differ from the guest's),
 * they are checked here as the CPU would check them, then committed by
 * the backend (read shadow and real register for VMX).  The backend
 * decodes the access (SDM Vol. 3C Table 28-3). */
#include "arch/x86/cpu.h"
#include "arch/x86/cpuid.h"
#include "arch/x86/msr.h"
#include "guest/dev_lapic.h"
#include "guest/vm.h"
#include "virt/exit.h"
#include "virt/vcpu.h"

#define CR4_PCIDE      (1ull << 17)
#define CR4_SMEP       (1ull << 20)
#define CR4_TLB_BITS   (CR4_PSE | CR4_PAE | CR4_PGE | CR4_PCIDE | CR4_SMEP)
#define CR3_NOFLUSH    (1ull << 63)
/* Reserved bits of a present PAE PDPTE (SDM Vol. 3A 4.4.1, Table 4-8). */
#define PDPTE_RESERVED 0x1E6ull

/* The control-register state a write would produce (struct cr_state,
 * virt/backend.h) is checked in full before any of it reaches the
 * backend: a refused write leaves the guest exactly as it was. */
static struct cr_state current_state(struct vcpu *v)
{
	return (struct cr_state){
		.cr0 = vcpu_get(v, VREG_CR0), .cr3 = vcpu_get(v, VREG_CR3),
		.cr4 = vcpu_get(v, VREG_CR4), .efer = vcpu_get(v, VREG_EFER),
	};
}

static uint64_t phys_addr_mask(void)
{
	unsigned bits = cpuid(0x80000008, 0).eax & 0xFF;
	return bits ? (1ull << bits) - 1 : (1ull << 36) - 1;
}

/* With PAE paging outside IA-32e mode the CPU takes the four PDPTEs
 * from the VMCS at VM entry (27.3.2.4), so a write that enters or
 * changes that mode must load them, and refuse bad ones with #GP as
 * MOV to CR0/CR3/CR4 would (SDM Vol. 3A 4.4.1). */
static int prepare_pdptes(struct vcpu *v, struct cr_state *st)
{
	bool lma = (st->cr0 & CR0_PG) && (st->efer & EFER_LME);

	st->pae_pdptes = (st->cr0 & CR0_PG) && (st->cr4 & CR4_PAE) && !lma;
	if (!st->pae_pdptes)
		return 0;
	if (gmem_read(&v->vm->mem, st->cr3 & 0xFFFFFFE0ull, st->pdpte, sizeof st->pdpte))
		return -1;
	for (int i = 0; i < 4; i++)
		if ((st->pdpte[i] & 1) &&
		    ((st->pdpte[i] & PDPTE_RESERVED) || (st->pdpte[i] & ~phys_addr_mask() & ~0xFFFull)))
			return -1;
	return 0;
}

static enum exit_action apply(struct vcpu *v, struct cr_state *st)
{
	bool lma = (st->cr0 & CR0_PG) && (st->efer & EFER_LME);

	if (prepare_pdptes(v, st))
		return inject_gp0(v);
	/* Turning paging on with EFER.LME activates IA-32e mode; turning it
	 * off leaves it (SDM Vol. 3A 10.8.5). */
	st->efer = lma ? st->efer | EFER_LMA : st->efer & ~EFER_LMA;
	backend->set_control_regs(v, st);
	return EXIT_ADVANCE;
}

/* #GP conditions of MOV to CR0 (SDM Vol. 2B "MOV—Move to/from Control
 * Registers"; Vol. 3A 10.8.5 for leaving IA-32e mode). */
static enum exit_action guest_write_cr0(struct vcpu *v, uint64_t value)
{
	struct cr_state st = current_state(v);
	bool lma = st.efer & EFER_LMA;

	if ((value >> 32) || ((value & CR0_PG) && !(value & CR0_PE)) ||
	    ((value & CR0_NW) && !(value & CR0_CD)) ||
	    ((value & CR0_PG) && !(st.cr0 & CR0_PG) && (st.efer & EFER_LME) && !(st.cr4 & CR4_PAE)) ||
	    (!(value & CR0_PG) && lma && vcpu_long_mode(v)) ||
	    (!(value & CR0_PG) && (st.cr4 & CR4_PCIDE)))
		return inject_gp0(v);
	st.cr0 = value | CR0_ET;   /* hardwired to 1 since the i486 */
	return apply(v, &st);
}

static enum exit_action guest_write_cr4(struct vcpu *v, uint64_t value)
{
	struct cr_state st = current_state(v);
	/* Bits the backend cannot give the guest (VMXE among them: the
	 * guest has no VMX, CPUID says so) are #GP as reserved bits are. */
	uint64_t allowed = backend->cr4_guest_bits();

	uint64_t changed = value ^ st.cr4;
	enum exit_action a;

	if ((value & ~allowed) || ((st.efer & EFER_LMA) && !(value & CR4_PAE)) ||
	    ((value & CR4_PCIDE) && !(st.cr4 & CR4_PCIDE) &&
	     (!(st.efer & EFER_LMA) || (st.cr3 & 0xFFF))))
		return inject_gp0(v);
	st.cr4 = value;
	a = apply(v, &st);
	/* Changing these flushes the TLB on a real CPU (SDM Vol. 3A 4.10.4.1);
	 * an emulated write must do it itself. */
	if (a == EXIT_ADVANCE && (changed & CR4_TLB_BITS))
		backend->flush_tlb(v);
	return a;
}

/* MOV to CR3 exits only where the CPU forces CR3-load exiting. */
static enum exit_action guest_write_cr3(struct vcpu *v, uint64_t value)
{
	struct cr_state st = current_state(v);
	enum exit_action a;

	if (st.cr4 & CR4_PCIDE)
		value &= ~CR3_NOFLUSH;
	st.cr3 = value;
	a = apply(v, &st);
	/* Emulating a CR3 load must flush the guest's linear translations
	 * itself (SDM Vol. 3C 29.4.3.3). */
	if (a == EXIT_ADVANCE)
		backend->flush_tlb(v);
	return a;
}

/* A task switch sets CR0.TS and may load CR3 (SDM Vol. 3A 7.3 steps 10
 * and 12); with PAE paging that loads the PDPTEs too. */
enum exit_action cr_task_switch(struct vcpu *v, uint64_t cr0, uint64_t cr3)
{
	struct cr_state st = current_state(v);
	bool new_cr3 = cr3 != st.cr3;
	enum exit_action a;

	st.cr0 = cr0;
	st.cr3 = cr3;
	a = apply(v, &st);
	if (a == EXIT_ADVANCE && new_cr3)
		backend->flush_tlb(v);
	return a;
}

static enum exit_action mov_to_cr(struct vcpu *v, unsigned cr, uint64_t value)
{
	/* Outside 64-bit code only the low 32 bits of the register count. */
	if (!vcpu_long_mode(v))
		value = (uint32_t)value;
	switch (cr) {
	case 0:
		return guest_write_cr0(v, value);
	case 3:
		return guest_write_cr3(v, value);
	case 4:
		return guest_write_cr4(v, value);
	default:   /* CR8: TPR[7:4] of the local APIC (SDM Vol. 3A 11.8.6) */
		if (value >> 4)
			return inject_gp0(v);
		lapic_set_tpr(&v->vm->lapic, (uint32_t)value << 4);
		vm_lapic_push(v->vm);
		vcpu_kick(v);   /* a lower TPR may let an interrupt through */
		return EXIT_ADVANCE;
	}
}

/* SMSW to a register writes the operand size's worth of CR0 (the SDM
 * leaves the upper half of a 32-bit destination undefined; CPUs and
 * KVM's emulator store CR0 there): 16 bits merge, 32 zero-extend. */
static uint64_t smsw_value(uint64_t old, uint64_t cr0, unsigned size)
{
	if (size == 2)
		return (old & ~0xFFFFull) | (cr0 & 0xFFFF);
	return size == 4 ? (uint32_t)cr0 : cr0;
}

enum exit_action handle_cr_access(struct vcpu *v, const struct vexit *e)
{
	unsigned cr = e->cr.cr, reg = e->cr.gpr;
	uint64_t cr0 = vcpu_get(v, VREG_CR0);

	switch (e->cr.type) {
	case CR_MOV_TO:
		return mov_to_cr(v, cr, vcpu_get_gpr(v, reg));
	case CR_MOV_FROM:
		/* VMX: CR3 and CR8 stores; SVM: CR0 reads while the guest's
		 * CD/NW differ from the real ones (svm/backend.c). */
		vcpu_set_gpr(v, reg, cr == 0 ? cr0 : cr == 3 ? vcpu_get(v, VREG_CR3) :
				     cr == 8 ? lapic_tpr(&v->vm->lapic) >> 4 : 0);
		return EXIT_ADVANCE;
	case CR_SMSW:
		vcpu_set_gpr(v, reg, smsw_value(vcpu_get_gpr(v, reg), cr0, e->cr.smsw_size));
		return EXIT_ADVANCE;
	case CR_CLTS:
		return guest_write_cr0(v, cr0 & ~CR0_TS);
	default: {
		/* LMSW loads PE, MP, EM, TS but cannot clear PE. */
		uint64_t src = e->cr.lmsw_source & 0xF;
		return guest_write_cr0(v, (cr0 & ~0xEull) | src | (cr0 & CR0_PE));
	}
	}
}
