/* Running every guest the boot loader gave us, to the end. */
#ifndef TERN_GUEST_RUN_H
#define TERN_GUEST_RUN_H

#include <stdbool.h>

#include "boot/mb2.h"

struct vm;

/* Does a guest other than vm want the CPU now (runnable, not halted)?
 * While none does, vm's console is not rate-limited (guest/vm.c). */
bool guests_others_running(const struct vm *vm);

/* Create a guest per module, run them all, report, power off. */
_Noreturn void guests_run(const struct mb2_info *info);

#endif
