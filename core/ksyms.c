#include "core/ksyms.h"

/* Binary search for the last symbol at or below addr. */
const char *ksym_lookup(const struct ksym *table, size_t count, uint64_t addr,
			uint64_t *offset)
{
	size_t lo = 0, hi = count;

	if (!count || addr < table[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - table[lo].addr;
	return table[lo].name;
}
