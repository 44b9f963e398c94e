#include "core/log.h"
#include "arch/x86/uart16550.h"
#include "core/console.h"
#include "lib/format.h"
#include "lib/string.h"

enum log_level log_level = LOG_INFO;

/* Everything printed before console_choose() settled on a console, so
 * that it can be shown again there (the boot summary, option errors). */
#define EARLY_LOG 8192
static char early[EARLY_LOG];
static unsigned early_len;
static bool early_done;

void console_putc(char c)
{
	if (!early_done && early_len < EARLY_LOG)
		early[early_len++] = c;
	uart_putc(c);
	console_screen_putc(c);
}

void console_replay_early(bool replay)
{
	early_done = true;
	for (unsigned i = 0; i < early_len; i++) {
		if (replay)
			uart_putc(early[i]);
		console_screen_putc(early[i]);
	}
}

static void emit_console(char c, void *ctx)
{
	(void)ctx;
	console_putc(c);
}

void kvprintf(const char *fmt, va_list ap)
{
	kvformat(emit_console, 0, fmt, ap);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void klog(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	kprintf("tern: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	console_putc('\n');
}

int log_level_parse(const char *s)
{
	static const char *const names[] = { "none", "error", "warn", "info", "debug" };

	for (int i = 0; i <= LOG_DEBUG; i++)
		if (!strcmp(s, names[i]))
			return i;
	if (s[0] >= '0' && s[0] <= '4' && s[1] == 0)
		return s[0] - '0';
	return -1;
}
