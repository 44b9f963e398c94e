/* The memory invariants (guest/check.h), checked with `checks=on`. */
#include "guest/check.h"
#include "core/log.h"
#include "core/panic.h"
#include "guest/vm.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/paging.h"
#include "mm/setup.h"

struct leaf_walk {
	const struct vm *vm;
	uint8_t *seen;               /* a bit per frame: mapped by a guest walked so far */
	const char *bad;             /* the first broken invariant, or NULL */
	uint64_t bad_pa, bad_gpa;
	uint64_t leaves;
};

static void check_leaf(void *arg, uint64_t gpa, uint64_t pa, int level, uint64_t flags)
{
	struct leaf_walk *w = arg;
	uint64_t pfn = pa >> FRAME_SHIFT;

	(void)flags;
	if (w->bad || gpa == w->vm->mem.device_gpa)
		return;   /* the APIC-access page is Tern's, shared on purpose */
	w->leaves++;
	if (level != 1)
		w->bad = "a guest RAM leaf larger than 4 KiB";
	else if (pfn >= frames.nframes || !frame_is_allocated(&frames, pa))
		w->bad = "a guest maps a frame the allocator does not hold as allocated";
	else if (w->seen && (w->seen[pfn / 8] & (1u << (pfn % 8))))
		w->bad = "a frame is mapped twice (into two guests, or twice into one)";
	if (w->bad) {
		w->bad_pa = pa;
		w->bad_gpa = gpa;
		return;
	}
	if (w->seen)
		w->seen[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
}

/* The smallest order whose block holds `bytes`. */
static unsigned order_for(uint64_t bytes)
{
	unsigned order = 0;

	while (((uint64_t)FRAME_SIZE << order) < bytes && order < FRAME_MAX_ORDER)
		order++;
	return order;
}

void vm_check_invariants(const struct vm *vms, unsigned count, const char *when)
{
	uint64_t bytes = (frames.nframes + 7) / 8, leaves = 0;
	unsigned order = order_for(bytes);
	uint64_t bitmap = frame_alloc(&frames, order);
	uint8_t *seen = bitmap == FRAME_NONE ? NULL : phys_to_virt(bitmap);

	if (!frame_check(&frames))
		panic("checks (%s): the frame allocator's invariants do not hold", when);
	if (seen)
		memset(seen, 0, bytes);
	for (unsigned i = 0; i < count; i++) {
		const struct vm *vm = &vms[i];
		struct leaf_walk w = { .vm = vm, .seen = seen };

		if (!vm->mem.ram_size || !vm->mem.table.root)
			continue;
		pt_for_each_leaf(&vm->mem.table, check_leaf, &w);
		if (w.bad)
			panic("checks (%s): %s: guest %s, gpa 0x%llx -> frame 0x%llx", when, w.bad,
			      vm->name, (unsigned long long)w.bad_gpa, (unsigned long long)w.bad_pa);
		leaves += w.leaves;
	}
	if (seen)
		frame_free(&frames, bitmap, order);
	pr_info("checks (%s): allocator consistent, %llu guest pages, each an allocated frame of "
		"one guest%s", when, (unsigned long long)leaves,
		seen ? "" : " (no memory for the double-mapping bitmap: not checked)");
}

void vm_check_sabotage(struct vm *vms, unsigned count)
{
	uint64_t hpa, flags;
	int level;

	/* crashtest=doublemap: the first guest's first page of its image
	 * also in the second guest, at its last page (never backed yet). */
	if (count < 2 || !pt_translate(&vms[0].mem.table, 0x100000, &hpa, &flags, &level) ||
	    pt_map_page(&vms[1].mem.table, vms[1].mem.ram_size - FRAME_SIZE, hpa, 1, flags))
		pr_warn("crashtest: doublemap needs two guests");
	else
		pr_info("crashtest: frame 0x%llx of guest %s mapped into guest %s too",
			(unsigned long long)hpa, vms[0].name, vms[1].name);
}
