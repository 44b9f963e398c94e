/* Running every guest the boot loader gave us, to the end. */
#ifndef TERN_GUEST_RUN_H
#define TERN_GUEST_RUN_H

#include "boot/mb2.h"

/* Create a guest per module, run them all, report, power off. */
_Noreturn void guests_run(const struct mb2_info *info);

#endif
