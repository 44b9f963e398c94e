/* Compiler attributes the hypervisor uses in more than one place. */
#ifndef TERN_LIB_COMPILER_H
#define TERN_LIB_COMPILER_H

/* Functions on the path of every exit skip the frame-pointer prologue:
 * at ~100 instructions per exit, three each are worth it (a crash dump
 * still shows their caller through the "from RSP" line). */
#define HOT_PATH __attribute__((optimize("omit-frame-pointer")))
/* For the exit paths' small helpers: a call and return cost as much as
 * their bodies. */
#define ALWAYS_INLINE inline __attribute__((always_inline))

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif
