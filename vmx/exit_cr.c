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

/* With PAE paging outside IA-32e mode the CPU takes the four PDPTEs
 * from the VMCS at VM entry (27.3.2.4), so Tern loads them whenever the
 * guest's paging mode or CR3 changes under it. */
static int load_pdptes(struct vcpu *v)
{
	uint64_t pdpte[4];
	uint64_t cr0 = vmread(GUEST_CR0), cr4 = vmread(GUEST_CR4);

	if (!(cr0 & CR0_PG) || !(cr4 & CR4_PAE) || (vmread(GUEST_IA32_EFER) & EFER_LMA))
		return 0;
	if (gmem_read(&v->vm->mem, vmread(GUEST_CR3) & 0xFFFFFFE0ull, pdpte, sizeof pdpte))
		return -1;
	vmwrite(GUEST_PDPTE0, pdpte[0]);
	vmwrite(GUEST_PDPTE1, pdpte[1]);
	vmwrite(GUEST_PDPTE2, pdpte[2]);
	vmwrite(GUEST_PDPTE3, pdpte[3]);
	return 0;
}

/* Turning paging on with EFER.LME activates IA-32e mode; turning it
 * off leaves it (SDM Vol. 3A 10.8.5).  VMX keeps EFER.LMA in the guest
 * EFER field and needs "IA-32e mode guest" to match it (27.3.1.1). */
static void update_long_mode(uint64_t cr0)
{
	uint64_t efer = vmread(GUEST_IA32_EFER);
	uint32_t entry = (uint32_t)vmread(VM_ENTRY_CONTROLS);

	if ((cr0 & CR0_PG) && (efer & EFER_LME)) {
		efer |= EFER_LMA;
		entry |= ENTRY_IA32E_MODE_GUEST;
	} else {
		efer &= ~EFER_LMA;
		entry &= ~ENTRY_IA32E_MODE_GUEST;
	}
	vmwrite(GUEST_IA32_EFER, efer);
	vmwrite(VM_ENTRY_CONTROLS, entry);
}

static enum exit_action guest_write_cr0(struct vcpu *v, uint64_t value)
{
	uint64_t efer = vmread(GUEST_IA32_EFER);

	/* #GP conditions of MOV to CR0 (SDM Vol. 2B "MOV—Move to/from
	 * Control Registers"). */
	if ((value >> 32) || ((value & CR0_PG) && !(value & CR0_PE)) ||
	    ((value & CR0_NW) && !(value & CR0_CD)) ||
	    ((value & CR0_PG) && (efer & EFER_LME) && !(guest_visible_cr4() & CR4_PAE)))
		return inject_gp0(v);
	value |= CR0_ET;   /* hardwired to 1 since the i486 */
	vmwrite(CR0_READ_SHADOW, value);
	vmwrite(GUEST_CR0, vmx_guest_cr0(value));
	update_long_mode(value);
	if (load_pdptes(v))
		return inject_gp0(v);
	return EXIT_ADVANCE;
}

static enum exit_action guest_write_cr4(struct vcpu *v, uint64_t value)
{
	/* VMXE: the guest has no VMX (CPUID says so), so setting it is the
	 * #GP a CPU without VMX gives.  Other bits VMX or this CPU cannot
	 * take: #GP as for reserved bits. */
	uint64_t fixed1 = vmx_caps.cr4_fixed1 & ~CR4_VMXE;

	if (value & ~fixed1)
		return inject_gp0(v);
	if ((vmread(GUEST_IA32_EFER) & EFER_LMA) && !(value & CR4_PAE))
		return inject_gp0(v);
	vmwrite(CR4_READ_SHADOW, value);
	vmwrite(GUEST_CR4, vmx_guest_cr4(value));
	if (load_pdptes(v))
		return inject_gp0(v);
	return EXIT_ADVANCE;
}

static enum exit_action mov_to_cr(struct vcpu *v, unsigned cr, uint64_t value)
{
	switch (cr) {
	case 0:
		return guest_write_cr0(v, value);
	case 4:
		return guest_write_cr4(v, value);
	case 3:
		vmwrite(GUEST_CR3, value);
		return load_pdptes(v) ? inject_gp0(v) : EXIT_ADVANCE;
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
