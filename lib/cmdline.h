/* Command-line words: "key=value" and bare "flag" words separated by
 * blanks, as GRUB passes them for multiboot2 and module2 (DESIGN.md
 * section 3).  Pure code, shared by the hypervisor options and the guest
 * module options; tested by tests/test_cmdline.c. */
#ifndef TERN_LIB_CMDLINE_H
#define TERN_LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cmdline_word {
	const char *key;
	size_t key_len;
	const char *value;      /* NULL for a bare word */
	size_t value_len;
};

struct cmdline_iter {
	const char *p;
	bool first;
};

/* Start iterating.  A first word without '=' that contains '/' is the
 * image's own path (some loaders prepend it) and is skipped. */
void cmdline_begin(struct cmdline_iter *it, const char *cmdline);
/* The next word; false at the end or at a "--" word. */
bool cmdline_next(struct cmdline_iter *it, struct cmdline_word *w);
/* The text after the first "--" word (leading blanks skipped), or NULL. */
const char *cmdline_after_dashes(const char *cmdline);

bool cmdline_key_is(const struct cmdline_word *w, const char *key);
/* Copy the value (or key, for bare words) into buf, NUL-terminated; false
 * if it does not fit. */
bool cmdline_copy_value(const struct cmdline_word *w, char *buf, size_t size);
/* Decimal number with an optional K, M or G suffix (powers of 1024).
 * False on anything else, on overflow, and on an empty string. */
bool parse_size(const char *s, size_t len, uint64_t *out);
/* Plain decimal number. */
bool parse_uint(const char *s, size_t len, uint64_t *out);

#endif
