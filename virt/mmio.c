/* An access to an emulated device's MMIO page (the local APIC): the
 * nested page fault names the address, the instruction at CS:rIP says
 * what was done there.  It is decoded and carried out by the pure
 * emulator (virt/mmio_insn.c), the device answering through `dev`; then
 * the guest goes on after it, as after any emulated instruction. */
#include "arch/x86/cpu.h"
#include "guest/dev_lapic.h"
#include "guest/vm.h"
#include "lib/format.h"
#include "virt/exit.h"
#include "virt/insn.h"
#include "virt/mmio_insn.h"
#include "virt/vcpu.h"

static enum mmio_mode code_mode(struct vcpu *v)
{
	struct vseg cs;

	if (vcpu_long_mode(v))
		return MMIO_MODE64;
	vcpu_get_seg(v, SEG_CS, &cs);
	return cs.ar & (1u << 14) ? MMIO_MODE32 : MMIO_MODE16;   /* CS.D (SDM Vol. 3A 3.4.5) */
}

static void stop_undecodable(struct vcpu *v, uint64_t gpa, const uint8_t *bytes, unsigned n,
			     const char *why)
{
	char hex[3 * INSN_MAX_LEN + 1] = "";
	int at = 0;

	for (unsigned i = 0; i < n && at < (int)sizeof hex - 3; i++)
		at += ksnprintf(hex + at, sizeof hex - (size_t)at, i ? " %02x" : "%02x", bytes[i]);
	vm_stop(v->vm, "MMIO access at gpa=0x%llx rip=0x%llx not emulated: %s (bytes %s)",
		(unsigned long long)gpa, (unsigned long long)vcpu_get(v, VREG_RIP), why, hex);
}

enum exit_action vcpu_emulate_mmio(struct vcpu *v, uint64_t gpa, const struct mmio_access *dev)
{
	uint8_t bytes[INSN_MAX_LEN];
	unsigned n = vcpu_fetch_insn(v, bytes, INSN_MAX_LEN), len;
	uint64_t rflags = vcpu_get(v, VREG_RFLAGS), rsp = vcpu_get(v, VREG_RSP);
	struct mmio_cpu cpu = { .rflags = rflags, .mode = code_mode(v) };
	const char *why = "bytes ran out";

	for (unsigned i = 0; i < 16; i++)
		cpu.gpr[i] = i == GPR_RSP ? rsp : v->gpr[i];
	len = n ? mmio_emulate(bytes, n, &cpu, dev, &why) : 0;
	if (!len) {
		stop_undecodable(v, gpa, bytes, n, why);
		return EXIT_STOP;
	}
	/* Write back what changed: RSP and RFLAGS live in the VMCS/VMCB. */
	for (unsigned i = 0; i < 16; i++)
		if (cpu.gpr[i] != (i == GPR_RSP ? rsp : v->gpr[i]))
			vcpu_set_gpr(v, i, cpu.gpr[i]);
	if (cpu.rflags != rflags)
		vcpu_set(v, VREG_RFLAGS, cpu.rflags);
	/* The exit gave no instruction length (EPT violations have none):
	 * skip the decoded one here and resume -- unless a REP STOS ran
	 * into the device's edge: then it runs again for the rest. */
	if (cpu.repeat)
		return EXIT_RESUME;
	vcpu_set(v, VREG_RIP, vcpu_get(v, VREG_RIP) + len);
	if (cpu.rflags & RFLAGS_TF)
		backend->step_trap(v);
	return EXIT_RESUME;
}

/* APIC virtualization: the guest's write has gone into the virtual-APIC
 * page already, and RIP is past the instruction (a trap-like exit, SDM
 * Vol. 3C 30.4.3.3); the LAPIC model takes it from there. */
enum exit_action handle_apic_write(struct vcpu *v, const struct vexit *e)
{
	vm_lapic_apic_write(v->vm, e->apic_write.offset);
	return EXIT_RESUME;
}

/* Virtual-interrupt delivery: the CPU has ended a level-triggered vector
 * (ISR cleared in the page); its EOI goes on to the I/O APIC. */
enum exit_action handle_apic_eoi(struct vcpu *v, const struct vexit *e)
{
	vm_lapic_eoi_exit(v->vm, (uint8_t)e->apic_write.offset);
	return EXIT_RESUME;
}
