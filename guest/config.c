#include "guest/config.h"
#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/string.h"

static int valid_name(const char *s, size_t len)
{
	if (!len || len >= GUEST_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static int fail(char *err, size_t size, const struct cmdline_word *w, const char *why)
{
	char word[48];

	if (!w) {
		ksnprintf(err, size, "%s", why);
		return -1;
	}
	size_t n = w->key_len + (w->value ? w->value_len + 1 : 0);
	if (n >= sizeof word)
		n = sizeof word - 1;
	for (size_t i = 0; i < n; i++)
		word[i] = w->key[i];
	word[n] = 0;
	ksnprintf(err, size, "option '%s': %s", word, why);
	return -1;
}

static int parse_word(const struct cmdline_word *w, struct guest_config *cfg, char *err,
		      size_t size)
{
	if (cmdline_key_is(w, "name")) {
		if (!w->value || !valid_name(w->value, w->value_len))
			return fail(err, size, w, "a name is 1-31 letters, digits, '-' or '_'");
		cmdline_copy_value(w, cfg->name, sizeof cfg->name);
		return 0;
	}
	if (cmdline_key_is(w, "mem")) {
		uint64_t mem;
		if (!w->value || !parse_size(w->value, w->value_len, &mem))
			return fail(err, size, w, "expected a size such as 16M or 1G");
		if (mem < GUEST_MEM_MIN || mem > GUEST_MEM_MAX || (mem & 0xFFF))
			return fail(err, size, w, "guest RAM must be 2M-64G, a multiple of 4K");
		cfg->mem = mem;
		return 0;
	}
	if (cmdline_key_is(w, "initrd_for")) {
		if (!w->value || !valid_name(w->value, w->value_len))
			return fail(err, size, w, "names the guest, 1-31 letters, digits, '-' or '_'");
		cmdline_copy_value(w, cfg->initrd_for, sizeof cfg->initrd_for);
		return 0;
	}
	if (cmdline_key_is(w, "on_reset")) {
		if (w->value && w->value_len == 4 && !strncmp(w->value, "stop", 4))
			cfg->reboot_on_reset = false;
		else if (w->value && w->value_len == 6 && !strncmp(w->value, "reboot", 6))
			cfg->reboot_on_reset = true;
		else
			return fail(err, size, w, "expected on_reset=stop or on_reset=reboot");
		return 0;
	}
	return fail(err, size, w, "unknown option (known: name=, mem=, on_reset=, initrd_for=, and -- "
				  "before the guest's own command line)");
}

int guest_config_parse(const char *module_cmdline, struct guest_config *cfg, char *err,
		       size_t err_size)
{
	struct cmdline_iter it;
	struct cmdline_word w;
	const char *rest = cmdline_after_dashes(module_cmdline);

	cfg->name[0] = 0;
	cfg->mem = 0;
	cfg->reboot_on_reset = false;
	cfg->cmdline = rest ? rest : "";
	cfg->initrd_for[0] = 0;
	/* name= first, wherever it stands, so every error names the guest. */
	cmdline_begin(&it, module_cmdline);
	while (cmdline_next(&it, &w))
		if (cmdline_key_is(&w, "name") && w.value && valid_name(w.value, w.value_len))
			cmdline_copy_value(&w, cfg->name, sizeof cfg->name);
	cmdline_begin(&it, module_cmdline);
	while (cmdline_next(&it, &w))
		if (parse_word(&w, cfg, err, err_size))
			return -1;
	/* An initrd is data for the guest it names: no guest options. */
	if (cfg->initrd_for[0]) {
		if (cfg->name[0] || cfg->mem || cfg->reboot_on_reset || rest)
			return fail(err, err_size, 0, "an initrd_for= module takes no other options");
		return 0;
	}
	if (!cfg->name[0])
		return fail(err, err_size, 0, "missing name= option");
	if (!cfg->mem)
		return fail(err, err_size, 0, "missing mem= option");
	return 0;
}
