/* The hypervisor console: printf to COM1 with log levels.
 * Every hypervisor line starts "tern: " (DESIGN.md section 5); a guest's
 * console lines start "[name] " and are written with kprintf. */
#ifndef TERN_CORE_LOG_H
#define TERN_CORE_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level {
	LOG_NONE = 0,
	LOG_ERROR = 1,
	LOG_WARN = 2,
	LOG_INFO = 3,
	LOG_DEBUG = 4,
};

extern enum log_level log_level;

/* Raw console output, no prefix, no level. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
void console_putc(char c);
/* The console is chosen (core/console.c): stop keeping early output,
 * show it on the screen console (if any), and print it again on the
 * new serial console if `replay`. */
void console_replay_early(bool replay);
/* The console is chosen (core/console.c): stop keeping early output,
 * and print it again on the new console if `replay`. */
void console_replay_early(bool replay);

/* "tern: ..." lines, printed when level <= log_level.  The contract
 * lines of DESIGN.md section 5 are printed at LOG_ERROR or LOG_INFO
 * with pr_always so no log level can hide a verdict. */
void klog(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define pr_err(...)    klog(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)   klog(LOG_WARN, __VA_ARGS__)
#define pr_info(...)   klog(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)  klog(LOG_DEBUG, __VA_ARGS__)
#define pr_always(...) klog(LOG_NONE, __VA_ARGS__)

/* Parse "error|warn|info|debug" or "0".."4"; returns -1 if neither. */
int log_level_parse(const char *s);

#endif
