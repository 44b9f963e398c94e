/* The core's share of a vCPU (virt/vcpu.h). */
#include "virt/vcpu.h"
#include "arch/x86/cpuid.h"
#include "guest/gva.h"
#include "guest/vm.h"
#include "lib/string.h"

uint64_t vcpu_get_gpr(struct vcpu *v, unsigned n)
{
	return n == GPR_RSP ? vcpu_get(v, VREG_RSP) : v->gpr[n];
}

void vcpu_set_gpr(struct vcpu *v, unsigned n, uint64_t value)
{
	if (n == GPR_RSP)
		vcpu_set(v, VREG_RSP, value);
	else
		v->gpr[n] = value;
}

/* FXSAVE image with FCW 0x37F and MXCSR 0x1F80, all else 0 (SDM Vol. 1
 * 10.5.1), and XCR0 = x87 only: no guest sees another's registers. */
void vcpu_reset_core_state(struct vcpu *v)
{
	memset(v->fpu, 0, sizeof v->fpu);
	v->fpu[0] = 0x7F;
	v->fpu[1] = 0x03;
	*(uint32_t *)&v->fpu[24] = 0x1F80;
	v->xcr0 = 1;
}

static int read_table(void *ctx, uint64_t gpa, void *dst, unsigned size)
{
	return gmem_read(ctx, gpa, dst, size);
}

unsigned vcpu_fetch_insn(struct vcpu *v, uint8_t *buf, unsigned max)
{
	struct vseg cs;
	uint64_t linear;
	unsigned n;

	vcpu_get_seg(v, SEG_CS, &cs);
	linear = (vcpu_long_mode(v) ? 0 : cs.base) + vcpu_get(v, VREG_RIP);
	/* One translation per page: an instruction spans at most two. */
	for (n = 0; n < max;) {
		uint64_t gpa, at = linear + n;
		uint32_t pf;
		unsigned chunk = 0x1000 - (unsigned)(at & 0xFFF);
		if (chunk > max - n)
			chunk = max - n;
		if (vcpu_translate(v, at, 0, &gpa, &pf))
			break;
		if (gmem_read(&v->vm->mem, gpa, &buf[n], chunk)) {
			/* RAM may end inside the chunk: byte by byte to its end. */
			while (chunk-- && !gmem_read(&v->vm->mem, gpa++, &buf[n], 1))
				n++;
			break;
		}
		n += chunk;
	}
	return n;
}

static int write_table(void *ctx, uint64_t gpa, const void *src, unsigned size)
{
	return gmem_write(ctx, gpa, src, size);
}

/* The guest's physical-address width: the host's, which CPUID leaf
 * 80000008h passes through (virt/cpuid.c); asked once. */
static unsigned guest_maxphyaddr(void)
{
	static unsigned bits;

	if (!bits) {
		bits = cpuid(0x80000000, 0).eax >= 0x80000008 ? cpuid(0x80000008, 0).eax & 0xFF : 36;
		if (bits < 32 || bits > 52)
			bits = 36;
	}
	return bits;
}

static int translate(struct vcpu *v, uint64_t cr0, uint64_t cr3, uint64_t linear, unsigned access,
		     uint64_t *gpa, uint32_t *pf)
{
	struct gva_mode mode = {
		.cr0 = cr0, .cr3 = cr3, .cr4 = vcpu_get(v, VREG_CR4),
		.efer = vcpu_get(v, VREG_EFER), .read = read_table, .ctx = &v->vm->mem,
		.write = write_table, .maxphyaddr = guest_maxphyaddr(),
	};

	return gva_translate(&mode, linear, access, gpa, pf);
}

int vcpu_translate(struct vcpu *v, uint64_t linear, unsigned access, uint64_t *gpa, uint32_t *pf)
{
	if (vcpu_cpl(v) == 3)
		access |= GVA_USER;
	return translate(v, vcpu_get(v, VREG_CR0), vcpu_get(v, VREG_CR3), linear, access, gpa, pf);
}

int vcpu_copy_linear(struct vcpu *v, const struct linear_access *a, uint64_t linear, void *buf,
		     unsigned size, uint64_t *fault_addr, uint32_t *pf)
{
	bool write = a->access & GVA_WRITE;

	while (size) {
		unsigned chunk = 0x1000 - (unsigned)(linear & 0xFFF);
		uint64_t gpa;
		int rc;

		if (chunk > size)
			chunk = size;
		if (translate(v, a->cr0, a->cr3, linear, a->access, &gpa, pf)) {
			*fault_addr = linear;
			return 1;
		}
		rc = write ? gmem_write(&v->vm->mem, gpa, buf, chunk) : gmem_read(&v->vm->mem, gpa, buf, chunk);
		if (rc)
			return -1;
		linear += chunk;
		buf = (uint8_t *)buf + chunk;
		size -= chunk;
	}
	return 0;
}

struct linear_access vcpu_linear_access(struct vcpu *v, bool write)
{
	return (struct linear_access){
		.cr0 = vcpu_get(v, VREG_CR0), .cr3 = vcpu_get(v, VREG_CR3),
		.access = (write ? GVA_WRITE : 0) | (vcpu_cpl(v) == 3 ? GVA_USER : 0),
	};
}
