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
	if (*byte == 'n' || *byte == 'N')
		return FOCUS_NEXT;
	return *byte == 'i' || *byte == 'I' ? FOCUS_NMI : FOCUS_HELP;
}
