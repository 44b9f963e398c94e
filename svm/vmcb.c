/* Building a vCPU's VMCB (APM Vol. 2 15.5 "VMRUN Instruction", Appendix
 * B "Layout of VMCB"; the state VMRUN checks is 15.5.1). */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "core/log.h"
#include "guest/vm.h"
#include "lib/string.h"
#include "mm/paging.h"
#include "mm/setup.h"
#include "svm/svm_exit.h"
#include "svm/svm_vcpu.h"

/* Every exit the platform needs (DESIGN.md 4): the same set VMX takes,
 * plus the SVM instructions themselves (the guest's EFER.SVME is really
 * set, so they would run) and the host's interrupts (the quantum). */
#define MISC1 (INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_INIT | INTERCEPT_CPUID | INTERCEPT_RDPMC | \
	       INTERCEPT_INVD | INTERCEPT_HLT | INTERCEPT_INVLPGA | INTERCEPT_IOIO_PROT | \
	       INTERCEPT_MSR_PROT | INTERCEPT_TASK_SWITCH | INTERCEPT_SHUTDOWN)
#define MISC2 (INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD | INTERCEPT_VMSAVE | \
	       INTERCEPT_STGI | INTERCEPT_CLGI | INTERCEPT_SKINIT | INTERCEPT_WBINVD | \
	       INTERCEPT_MONITOR | INTERCEPT_MWAIT | INTERCEPT_XSETBV)

static void flat_segment(struct vmcb_seg *s, uint16_t sel, uint32_t vmx_ar)
{
	*s = (struct vmcb_seg){ .selector = sel, .attrib = vmx_ar_to_svm_attrib(vmx_ar),
				.limit = 0xFFFFFFFF, .base = 0 };
}

static void write_control(struct vcpu *v, struct vmcb_control *c)
{
	struct svm_vcpu *s = to_svm(v);

	/* CR0 and CR4 writes are checked by the core (virt/cr.c), as under
	 * VMX: QEMU's SVM lets a guest set CR0.PG without PE and ends it with
	 * VMEXIT_INVALID for a reserved CR4 bit, where a CPU raises #GP. */
	/* CR8 is the guest's TPR, kept in its local APIC (virt/cr.c). */
	c->intercept_cr_write = INTERCEPT_CR(0) | INTERCEPT_CR(4) | INTERCEPT_CR(8);
	c->intercept_cr_read = INTERCEPT_CR(8);
	c->intercept_misc1 = MISC1;
	c->intercept_misc2 = MISC2;
	c->iopm_base_pa = svm_iopm_pa();
	c->msrpm_base_pa = svm_msrpm_pa();
	c->asid = s->asid;
	/* The ASID may have served a guest that is gone (15.16). */
	c->tlb_control = svm_caps.flush_by_asid ? TLB_CONTROL_FLUSH_ASID : TLB_CONTROL_FLUSH_ALL;
	/* The guest's RFLAGS.IF masks only virtual interrupts; the host's
	 * interrupts exit the guest (15.21.1). */
	c->int_ctl = V_INTR_MASKING;
	c->nested_ctl = NP_ENABLE;
	c->n_cr3 = gmem_root(&v->vm->mem);
	c->vmcb_clean = 0;
}

/* The machine state the multiboot specification (3.2) promises: 32-bit
 * protected mode, paging off, flat 4 GiB code and data segments. */
static void write_save(struct vmcb_save *st, uint32_t entry)
{
	const uint32_t code_ar = 0xC09B, data_ar = 0xC093;   /* as vmx/vmcs.c */

	flat_segment(&st->cs, 0x08, code_ar);
	flat_segment(&st->ss, 0x10, data_ar);
	flat_segment(&st->ds, 0x10, data_ar);
	flat_segment(&st->es, 0x10, data_ar);
	flat_segment(&st->fs, 0x10, data_ar);
	flat_segment(&st->gs, 0x10, data_ar);
	st->tr = (struct vmcb_seg){ .attrib = vmx_ar_to_svm_attrib(0x8B), .limit = 0xFFFF };
	st->ldtr = (struct vmcb_seg){ 0 };
	st->gdtr = (struct vmcb_seg){ 0 };
	st->idtr = (struct vmcb_seg){ 0 };
	st->cpl = 0;
	st->efer = EFER_SVME;          /* VMRUN requires it (15.5.1); hidden from the guest */
	st->cr0 = CR0_PE | CR0_ET;
	st->cr3 = 0;
	st->cr4 = 0;
	st->dr6 = 0xFFFF0FF0;
	st->dr7 = 0x400;
	st->rflags = 0x2;
	st->rip = entry;
	st->rsp = 0;
	st->g_pat = PAT_POWER_ON_DEFAULT;
}

int vmcb_create(struct vcpu *v, uint32_t entry)
{
	struct svm_vcpu *s = to_svm(v);

	s->vmcb_pa = frame_alloc_zeroed(0);
	if (s->vmcb_pa == FRAME_NONE) {
		pr_err("svm: out of memory for a VMCB");
		return -1;
	}
	s->vmcb = phys_to_virt(s->vmcb_pa);
	write_control(v, &s->vmcb->control);
	write_save(&s->vmcb->save, entry);
	return 0;
}

void vmcb_destroy(struct vcpu *v)
{
	struct svm_vcpu *s = to_svm(v);

	if (s->vmcb_pa != FRAME_NONE)
		frame_free(&frames, s->vmcb_pa, 0);
	s->vmcb_pa = FRAME_NONE;
	s->vmcb = NULL;
}

static void print_seg(const char *name, const struct vmcb_seg *s)
{
	kprintf("    %-4s sel=0x%04x attrib=0x%03x limit=0x%08x base=0x%016llx\n", name, s->selector,
		s->attrib, s->limit, (unsigned long long)s->base);
}

#define FIELD(x) kprintf("    %-22s 0x%016llx\n", #x, (unsigned long long)(x))

void vmcb_dump(struct vcpu *v)
{
	struct vmcb *b = to_svm(v)->vmcb;
	struct vmcb_control *c = &b->control;
	struct vmcb_save *st = &b->save;

	kprintf("VMCB of guest %s (at 0x%llx):\n", v->vm->name,
		(unsigned long long)to_svm(v)->vmcb_pa);
	kprintf("  guest state:\n");
	FIELD(st->rip); FIELD(st->rsp); FIELD(st->rflags); FIELD(st->cr0); FIELD(st->cr3);
	FIELD(st->cr4); FIELD(st->efer); FIELD(st->dr7); FIELD(st->cpl); FIELD(st->g_pat);
	print_seg("cs", &st->cs); print_seg("ss", &st->ss); print_seg("ds", &st->ds);
	print_seg("es", &st->es); print_seg("fs", &st->fs); print_seg("gs", &st->gs);
	print_seg("tr", &st->tr); print_seg("ldtr", &st->ldtr); print_seg("gdtr", &st->gdtr);
	print_seg("idtr", &st->idtr);
	kprintf("  controls:\n");
	FIELD(c->intercept_cr_read); FIELD(c->intercept_cr_write); FIELD(c->intercept_exceptions);
	FIELD(c->intercept_misc1); FIELD(c->intercept_misc2); FIELD(c->iopm_base_pa);
	FIELD(c->msrpm_base_pa); FIELD(c->asid); FIELD(c->tlb_control); FIELD(c->int_ctl);
	FIELD(c->nested_ctl); FIELD(c->n_cr3); FIELD(c->event_inj); FIELD(c->vmcb_clean);
	kprintf("  exit information:\n");
	FIELD(c->exit_code); FIELD(c->exit_info_1); FIELD(c->exit_info_2); FIELD(c->exit_int_info);
	FIELD(c->next_rip);
}
