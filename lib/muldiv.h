/* a * mul / div without the 128-bit intermediate (freestanding code has
 * no __udivti3): exact for mul and div below 2^32. */
#ifndef TERN_LIB_MULDIV_H
#define TERN_LIB_MULDIV_H

#include <stdint.h>

static inline uint64_t muldiv64(uint64_t a, uint32_t mul, uint32_t div)
{
	return a / div * mul + a % div * mul / div;
}

#endif
