/* The few C string and memory functions the hypervisor uses.  gcc may
 * also emit calls to memset/memcpy/memmove/memcmp on its own, so these
 * carry the standard names. */
#ifndef TERN_LIB_STRING_H
#define TERN_LIB_STRING_H

#include <stddef.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

#endif
