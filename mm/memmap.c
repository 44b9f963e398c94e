#include "mm/memmap.h"

/* Round up; FRAME_NONE when that would pass the top of the address space. */
static uint64_t align_up(uint64_t v, uint64_t a)
{
	uint64_t r = (v + a - 1) & ~(a - 1);
	return r < v ? FRAME_NONE : r;
}

/* The end of a reserved range overlapping [base, end), or 0 if none. */
static uint64_t reserved_overlap(const struct mem_range *r, size_t n, uint64_t base, uint64_t end)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].base < end && base < r[i].end)
			return r[i].end;
	return 0;
}

uint64_t memmap_find_free(const struct mem_range *usable, size_t n_usable,
			  const struct mem_range *reserved, size_t n_reserved,
			  uint64_t size, uint64_t align, uint64_t min, uint64_t limit)
{
	uint64_t best = FRAME_NONE;

	for (size_t i = 0; i < n_usable; i++) {
		uint64_t end = usable[i].end < limit ? usable[i].end : limit;
		uint64_t base = align_up(usable[i].base > min ? usable[i].base : min, align);

		while (base != FRAME_NONE && base < end && size <= end - base) {
			uint64_t skip = reserved_overlap(reserved, n_reserved, base, base + size);
			if (!skip) {
				if (base < best)
					best = base;
				break;
			}
			base = align_up(skip, align);
		}
	}
	return best;
}

int memmap_free_extent(const struct mem_range *usable, size_t n_usable,
		       const struct mem_range *reserved, size_t n_reserved,
		       uint64_t min, uint64_t limit, struct mem_range *out)
{
	uint64_t base = memmap_find_free(usable, n_usable, reserved, n_reserved, FRAME_SIZE,
					 FRAME_SIZE, min, limit);
	uint64_t end = 0;

	if (base == FRAME_NONE)
		return 0;
	/* The furthest end of a usable range holding base (entries of a
	 * careless map may overlap), then cut by limit and reservations. */
	for (size_t i = 0; i < n_usable; i++)
		if (usable[i].base <= base && base < usable[i].end && usable[i].end > end)
			end = usable[i].end;
	if (end > limit)
		end = limit;
	for (size_t i = 0; i < n_reserved; i++)
		if (reserved[i].base > base && reserved[i].base < end)
			end = reserved[i].base;
	*out = (struct mem_range){ base, end & ~(uint64_t)(FRAME_SIZE - 1) };
	return 1;
}
