/* Tern's console input, for the guests (DESIGN.md 4): read what was
 * typed and give it to the guest that has the input focus. */
#ifndef TERN_GUEST_CONSOLE_IN_H
#define TERN_GUEST_CONSOLE_IN_H

#include <stdbool.h>

struct vm;

/* Read every byte waiting on the console and deliver it (or act on a
 * Ctrl-A command).  The focus starts at the first live guest and moves
 * on when its guest ends; each move is announced. */
void console_in_poll(struct vm *vms, unsigned count);
/* Whether typed input could wake one of the guests: the console can be
 * typed into and a live guest has its UART's receive interrupt on. */
bool console_in_may_wake(const struct vm *vms, unsigned count);

#endif
