/* The console's escape key (guest/focus.h). */
#include "guest/focus.h"

enum focus_action focus_key(struct focus_keys *k, uint8_t *byte)
{
	if (!k->escape) {
		if (*byte != FOCUS_ESCAPE)
			return FOCUS_SEND;
		k->escape = true;
		return FOCUS_NONE;
	}
	k->escape = false;
	if (*byte == FOCUS_ESCAPE)
		return FOCUS_SEND;
	return *byte == 'n' || *byte == 'N' ? FOCUS_NEXT : FOCUS_HELP;
}
