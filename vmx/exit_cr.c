/* Control-register accesses (exit reason 28).  The guest owns CR0/CR4
 * except for the bits in the guest/host masks (vmx/vmcs.c): writes that
 * touch those exit here, are checked like the CPU would check them, and
 * land in the read shadow (what the guest sees) and in the real guest
 * register (what VMX needs).  Qualification: SDM Vol. 3C Table 28-3. */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "guest/vm.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

enum { CR_MOV_TO = 0, CR_MOV_FROM = 1, CR_CLTS = 2, CR_LMSW = 3 };

#define CR4_PCIDE      (1ull << 17)
#define CR3_NOFLUSH    (1ull << 63)
/* Reserved bits of a present PAE PDPTE (SDM Vol. 3A 4.4.1, Table 4-8). */
#define PDPTE_RESERVED 0x1E6ull

/* The control-register state a write would produce, checked in full
 * before any of it reaches the VMCS: a refused write leaves the guest
 * exactly as it was. */
struct cr_state {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t pdpte[4];
	bool pae_pdptes;            /* PAE paging outside IA-32e mode */
};

static struct cr_state current_state(void)
{
	return (struct cr_state){
		.cr0 = guest_visible_cr0(), .cr3 = vmread(GUEST_CR3), .cr4 = guest_visible_cr4(),
		.efer = vmread(GUEST_IA32_EFER),
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

/* Turning paging on with EFER.LME activates IA-32e mode; turning it
 * off leaves it (SDM Vol. 3A 10.8.5).  VMX keeps EFER.LMA in the guest
 * EFER field and needs "IA-32e mode guest" to match it (27.3.1.1). */
static void commit(const struct cr_state *st)
{
	bool lma = (st->cr0 & CR0_PG) && (st->efer & EFER_LME);
	uint32_t entry = (uint32_t)vmread(VM_ENTRY_CONTROLS);

	vmwrite(CR0_READ_SHADOW, st->cr0);
	vmwrite(GUEST_CR0, vmx_guest_cr0(st->cr0));
	vmwrite(CR4_READ_SHADOW, st->cr4);
	vmwrite(GUEST_CR4, vmx_guest_cr4(st->cr4));
	vmwrite(GUEST_CR3, st->cr3);
	vmwrite(GUEST_IA32_EFER, lma ? st->efer | EFER_LMA : st->efer & ~EFER_LMA);
	vmwrite(VM_ENTRY_CONTROLS, lma ? entry | ENTRY_IA32E_MODE_GUEST : entry & ~ENTRY_IA32E_MODE_GUEST);
	if (st->pae_pdptes) {
		vmwrite(GUEST_PDPTE0, st->pdpte[0]);
		vmwrite(GUEST_PDPTE1, st->pdpte[1]);
		vmwrite(GUEST_PDPTE2, st->pdpte[2]);
		vmwrite(GUEST_PDPTE3, st->pdpte[3]);
	}
}

static enum exit_action apply(struct vcpu *v, struct cr_state *st)
{
	if (prepare_pdptes(v, st))
		return inject_gp0(v);
	commit(st);
	return EXIT_ADVANCE;
}

/* #GP conditions of MOV to CR0 (SDM Vol. 2B "MOV—Move to/from Control
 * Registers"; Vol. 3A 10.8.5 for leaving IA-32e mode). */
static enum exit_action guest_write_cr0(struct vcpu *v, uint64_t value)
{
	struct cr_state st = current_state();
	bool lma = st.efer & EFER_LMA;

	if ((value >> 32) || ((value & CR0_PG) && !(value & CR0_PE)) ||
	    ((value & CR0_NW) && !(value & CR0_CD)) ||
	    ((value & CR0_PG) && !(st.cr0 & CR0_PG) && (st.efer & EFER_LME) && !(st.cr4 & CR4_PAE)) ||
	    (!(value & CR0_PG) && lma && guest_in_64bit_code()) ||
	    (!(value & CR0_PG) && (st.cr4 & CR4_PCIDE)))
		return inject_gp0(v);
	st.cr0 = value | CR0_ET;   /* hardwired to 1 since the i486 */
	return apply(v, &st);
}

static enum exit_action guest_write_cr4(struct vcpu *v, uint64_t value)
{
	struct cr_state st = current_state();
	/* VMXE: the guest has no VMX (CPUID says so), so setting it is the
	 * #GP a CPU without VMX gives.  Other bits VMX or this CPU cannot
	 * take: #GP as for reserved bits. */
	uint64_t fixed1 = vmx_caps.cr4_fixed1 & ~CR4_VMXE;

	if ((value & ~fixed1) || ((st.efer & EFER_LMA) && !(value & CR4_PAE)) ||
	    ((value & CR4_PCIDE) && !(st.cr4 & CR4_PCIDE) &&
	     (!(st.efer & EFER_LMA) || (st.cr3 & 0xFFF))))
		return inject_gp0(v);
	st.cr4 = value;
	return apply(v, &st);
}

/* MOV to CR3 exits only where the CPU forces CR3-load exiting. */
static enum exit_action guest_write_cr3(struct vcpu *v, uint64_t value)
{
	struct cr_state st = current_state();
	enum exit_action a;

	if (st.cr4 & CR4_PCIDE)
		value &= ~CR3_NOFLUSH;
	st.cr3 = value;
	a = apply(v, &st);
	/* Emulating a CR3 load must flush the guest's linear translations
	 * itself (SDM Vol. 3C 29.4.3.3). */
	if (a == EXIT_ADVANCE)
		vpid_flush(v->vpid);
	return a;
}

static enum exit_action mov_to_cr(struct vcpu *v, unsigned cr, uint64_t value)
{
	/* Outside 64-bit code only the low 32 bits of the register count. */
	if (!guest_in_64bit_code())
		value = (uint32_t)value;
	switch (cr) {
	case 0:
		return guest_write_cr0(v, value);
	case 3:
		return guest_write_cr3(v, value);
	case 4:
		return guest_write_cr4(v, value);
	default:
		return EXIT_ADVANCE;   /* CR8: no local APIC, the TPR is not modelled */
	}
}

enum exit_action handle_cr_access(struct vcpu *v)
{
	uint64_t q = vmread(EXIT_QUALIFICATION);
	unsigned cr = q & 15, type = (q >> 4) & 3, reg = (q >> 8) & 15;
	uint64_t cr0 = guest_visible_cr0();

	switch (type) {
	case CR_MOV_TO:
		return mov_to_cr(v, cr, guest_gpr(v, reg));
	case CR_MOV_FROM:
		set_guest_gpr(v, reg, cr == 3 ? vmread(GUEST_CR3) : 0);
		return EXIT_ADVANCE;
	case CR_CLTS:
		return guest_write_cr0(v, cr0 & ~CR0_TS);
	default: {
		/* LMSW loads PE, MP, EM, TS but cannot clear PE. */
		uint64_t src = (q >> 16) & 0xF;
		return guest_write_cr0(v, (cr0 & ~0xEull) | src | (cr0 & CR0_PE));
	}
	}
}
