/* panic(): the hypervisor's last word.  Prints the message and a crash
 * report, then powers the machine off with a failure status.  Pure
 * modules call it for broken invariants; host tests supply their own. */
#ifndef TERN_CORE_PANIC_H
#define TERN_CORE_PANIC_H

_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
