/* A small printf-style formatter with no libc underneath.
 * Conversions: %s %c %d %i %u %x %X %p %% with the length modifiers
 * l, ll, z (so %lx %llx %zu %zx), a field width, '0' padding and '-'
 * left adjustment.  Output is always NUL-terminated when size > 0; the
 * return value is the length the full output would have had. */
#ifndef TERN_LIB_FORMAT_H
#define TERN_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Streaming form: every output character goes to emit(c, ctx). */
typedef void (*format_emit_fn)(char c, void *ctx);
int kvformat(format_emit_fn emit, void *ctx, const char *fmt, va_list ap);

#endif
