/* libFuzzer target: the task switch (virt/tss.c) over a fuzzed guest:
 * the input's first bytes give the registers (GDTR, IDTR, TR, LDTR,
 * segments, EFLAGS) and the request, the rest is guest memory from
 * linear address 0 (a few pages of it "not present").  Checked for what
 * the core relies on: a switch that did not commit left every register
 * as it was; one that committed loaded TR with the requested selector;
 * a fault names a vector the switch can raise. */
#include <stdint.h>
#include <string.h>

#include "virt/tss.h"

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static uint8_t *mem;
static size_t mem_size;
static uint8_t holes;    /* bit n: page n is not present */

static int access(void *ctx, const struct ts_regs *r, uint64_t linear, void *buf, unsigned size,
		  bool write, uint64_t *cr2, uint32_t *pf)
{
	(void)ctx, (void)r;
	for (unsigned i = 0; i < size; i++)
		if ((linear + i) / 4096 < 8 && (holes >> ((linear + i) / 4096)) & 1) {
			*cr2 = linear + i;
			*pf = write ? 2 : 0;
			return 1;
		}
	if (linear >= mem_size || mem_size - linear < size)
		return -1;
	if (write)
		memcpy(mem + linear, buf, size);
	else
		memcpy(buf, mem + linear, size);
	return 0;
}

struct input {
	uint32_t gdt_base, idt_base, tr_base, ldt_base;
	uint16_t gdt_limit, idt_limit, tr_sel, ldt_sel;
	uint32_t tr_limit, tr_ar, ldt_ar, eflags, cr0;
	uint16_t sel;
	uint8_t source, vector, flags, hole_mask;
	uint32_t error;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[1 << 16];
	struct input in;
	struct ts_regs r, before;
	struct ts_result res;

	if (size < sizeof in)
		return 0;
	memcpy(&in, data, sizeof in);
	mem_size = size - sizeof in < sizeof buf ? size - sizeof in : sizeof buf;
	memcpy(buf, data + sizeof in, mem_size);
	mem = buf;
	holes = in.hole_mask;

	memset(&r, 0, sizeof r);
	for (unsigned i = 0; i < 8; i++)
		r.gpr[i] = 0x1000 * i;
	r.eip = 0x100;
	r.eflags = in.eflags;
	r.cr0 = in.cr0;
	for (unsigned s = SEG_ES; s <= SEG_GS; s++)
		r.seg[s] = (struct vseg){ .sel = 0x10, .limit = 0xFFFFFFFF, .ar = 0xC093 };
	r.seg[SEG_CS] = (struct vseg){ .sel = 0x08, .limit = 0xFFFFFFFF, .ar = 0xC09B };
	r.seg[SEG_LDTR] = (struct vseg){ .sel = in.ldt_sel, .base = in.ldt_base, .limit = 0xFFFF,
					 .ar = in.ldt_ar & 0x1F0FF };
	r.seg[SEG_TR] = (struct vseg){ .sel = in.tr_sel, .base = in.tr_base, .limit = in.tr_limit,
				       .ar = in.tr_ar & 0xF0FF };
	r.gdtr = (struct vseg){ .base = in.gdt_base, .limit = in.gdt_limit };
	r.idtr = (struct vseg){ .base = in.idt_base, .limit = in.idt_limit };
	before = r;

	struct ts_request rq = {
		.sel = in.sel, .source = (enum ts_source)(in.source & 3), .vector = in.vector,
		.software = in.flags & 1, .has_error = in.flags & 2, .error = in.error,
	};
	struct ts_mem m = { NULL, access };
	tss_switch(&r, &rq, &m, &res);

	CHECK(res.outcome == TS_DONE || res.outcome == TS_FAULT || res.outcome == TS_STOP);
	if (!res.committed)
		CHECK(!memcmp(&r, &before, sizeof r));
	else
		CHECK(r.seg[SEG_TR].sel == in.sel && (r.cr0 & 8));
	if (res.outcome == TS_STOP)
		CHECK(res.why != NULL);
	if (res.outcome == TS_FAULT)
		CHECK(res.vector == 10 || res.vector == 11 || res.vector == 12 || res.vector == 13 ||
		      res.vector == 14);
	return 0;
}
