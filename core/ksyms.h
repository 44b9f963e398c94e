/* The hypervisor's own symbol table, embedded at link time (see
 * scripts/gensyms.sh and the two-pass link in the Makefile), so crash
 * dumps name functions without a debugger. */
#ifndef TERN_CORE_KSYMS_H
#define TERN_CORE_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	const char *name;
};

extern const struct ksym ksyms[];   /* sorted by address */
extern const size_t ksyms_count;

/* Name of the function containing addr, or NULL; *offset = addr - start. */
const char *ksym_lookup(const struct ksym *table, size_t count, uint64_t addr,
			uint64_t *offset);

#endif
