#include "core/options.h"
#include "core/log.h"
#include "lib/cmdline.h"
#include "lib/string.h"

struct options options = {
	.quantum_us = 10000,
};

static void bad(const struct cmdline_word *w, const char *why)
{
	char word[64];
	if (!cmdline_copy_value(&(struct cmdline_word){ w->key, w->key_len, 0, 0 }, word, sizeof word))
		word[0] = 0;
	pr_warn("option %s: %s; ignored", word, why);
}

/* `on` or `off`: true and *on set, else reported. */
static bool on_off(const struct cmdline_word *w, bool *on)
{
	char buf[4];

	if (!w->value || !cmdline_copy_value(w, buf, sizeof buf) ||
	    (strcmp(buf, "on") && strcmp(buf, "off"))) {
		bad(w, "expected on or off");
		return false;
	}
	*on = !strcmp(buf, "on");
	return true;
}

static void parse_one(const struct cmdline_word *w)
{
	uint64_t v;
	bool on;

	if (cmdline_key_is(w, "loglevel")) {
		char buf[8];
		int level = w->value && cmdline_copy_value(w, buf, sizeof buf) ? log_level_parse(buf) : -1;
		if (level < 0)
			bad(w, "expected none, error, warn, info, debug or 0-4");
		else
			log_level = (enum log_level)level;
	} else if (cmdline_key_is(w, "quantum")) {
		if (!w->value || !parse_uint(w->value, w->value_len, &v) || !v || v > 10000)
			bad(w, "expected a time slice in milliseconds, 1-10000");
		else
			options.quantum_us = v * 1000;
	} else if (cmdline_key_is(w, "console")) {
		/* Checked when the console is chosen (core/console.c). */
		if (!w->value || !cmdline_copy_value(w, options.console, sizeof options.console))
			bad(w, "expected com1-com4, io:PORT, mmio:ADDRESS[,WIDTH] or none");
	} else if (cmdline_key_is(w, "apicv")) {
		if (on_off(w, &on))
			options.no_apicv = !on;
	} else if (cmdline_key_is(w, "checks")) {
		if (on_off(w, &on))
			options.checks = on;
	} else if (cmdline_key_is(w, "crashtest")) {
		if (!w->value || !cmdline_copy_value(w, options.crashtest, sizeof options.crashtest))
			bad(w, "expected pf, ud, de, panic, vmentry, vmcontrol or eptmisconfig");
	} else {
		bad(w, "unknown option");
	}
}

void options_parse(const char *cmdline)
{
	struct cmdline_iter it;
	struct cmdline_word w;

	cmdline_begin(&it, cmdline);
	while (cmdline_next(&it, &w))
		parse_one(&w);
}
