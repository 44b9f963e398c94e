/* Pure part of the capability probe (SDM Vol. 3D A.3-A.5: a control
 * bit may be 0 if its allowed-0 setting, bit n of the MSR's low half, is
 * 0; it may be 1 if its allowed-1 setting, bit 32 + n, is 1). */
#include "vmx/caps.h"

uint32_t vmx_adjust_controls(uint64_t allowed, uint32_t required, uint32_t optional,
			     uint32_t *missing)
{
	uint32_t must_be_one = (uint32_t)allowed;
	uint32_t may_be_one = (uint32_t)(allowed >> 32);

	*missing = required & ~may_be_one;
	return (must_be_one | required | optional) & may_be_one;
}
