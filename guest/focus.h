/* Which guest Tern's console input goes to (DESIGN.md 4): the keys that
 * guests never see.  Ctrl-A starts a command for Tern: `n` moves the
 * input to the next guest, `i` sends that guest an NMI (its NMI button),
 * a second Ctrl-A sends one Ctrl-A to the guest, anything else shows the
 * help.  Pure code (tests/test_focus.c). */
#ifndef TERN_GUEST_FOCUS_H
#define TERN_GUEST_FOCUS_H

#include <stdbool.h>
#include <stdint.h>

#define FOCUS_ESCAPE 0x01   /* Ctrl-A */

enum focus_action {
	FOCUS_NONE,    /* the key was Tern's (the escape) */
	FOCUS_SEND,    /* give *byte to the guest that has the input */
	FOCUS_NEXT,    /* move the input to the next guest */
	FOCUS_NMI,     /* pulse the NMI line of the guest with the input */
	FOCUS_HELP,    /* an unknown command: say which there are */
};

struct focus_keys {
	bool escape;   /* Ctrl-A seen, its command not yet */
};

enum focus_action focus_key(struct focus_keys *k, uint8_t *byte);

#endif
