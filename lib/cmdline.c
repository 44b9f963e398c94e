#include "lib/cmdline.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_blanks(const char *p)
{
	while (*p && blank(*p))
		p++;
	return p;
}

static size_t word_len(const char *p)
{
	size_t n = 0;
	while (p[n] && !blank(p[n]))
		n++;
	return n;
}

static bool is_dashes(const char *p, size_t len)
{
	return len == 2 && p[0] == '-' && p[1] == '-';
}

void cmdline_begin(struct cmdline_iter *it, const char *cmdline)
{
	it->p = cmdline ? cmdline : "";
	it->first = true;
}

static void split_word(const char *p, size_t len, struct cmdline_word *w)
{
	w->key = p;
	w->key_len = len;
	w->value = NULL;
	w->value_len = 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '=') {
			w->key_len = i;
			w->value = p + i + 1;
			w->value_len = len - i - 1;
			return;
		}
	}
}

static bool looks_like_path(const struct cmdline_word *w)
{
	if (w->value)
		return false;
	for (size_t i = 0; i < w->key_len; i++)
		if (w->key[i] == '/')
			return true;
	return false;
}

bool cmdline_next(struct cmdline_iter *it, struct cmdline_word *w)
{
	for (;;) {
		const char *p = skip_blanks(it->p);
		size_t len = word_len(p);
		bool first = it->first;

		it->first = false;
		if (!len || is_dashes(p, len)) {
			it->p = p;
			return false;
		}
		it->p = p + len;
		split_word(p, len, w);
		if (first && looks_like_path(w))
			continue;
		return true;
	}
}

const char *cmdline_after_dashes(const char *cmdline)
{
	const char *p = cmdline ? cmdline : "";

	for (;;) {
		p = skip_blanks(p);
		size_t len = word_len(p);
		if (!len)
			return NULL;
		if (is_dashes(p, len))
			return skip_blanks(p + len);
		p += len;
	}
}

bool cmdline_key_is(const struct cmdline_word *w, const char *key)
{
	size_t i = 0;
	for (; i < w->key_len; i++)
		if (key[i] != w->key[i])
			return false;
	return key[i] == 0;
}

bool cmdline_copy_value(const struct cmdline_word *w, char *buf, size_t size)
{
	const char *s = w->value ? w->value : w->key;
	size_t len = w->value ? w->value_len : w->key_len;

	if (len + 1 > size)
		return false;
	for (size_t i = 0; i < len; i++)
		buf[i] = s[i];
	buf[len] = 0;
	return true;
}

bool parse_uint(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool parse_size(const char *s, size_t len, uint64_t *out)
{
	unsigned shift = 0;
	uint64_t v;

	if (len && (s[len - 1] == 'K' || s[len - 1] == 'k'))
		shift = 10;
	else if (len && (s[len - 1] == 'M' || s[len - 1] == 'm'))
		shift = 20;
	else if (len && (s[len - 1] == 'G' || s[len - 1] == 'g'))
		shift = 30;
	if (shift)
		len--;
	if (!parse_uint(s, len, &v) || (v << shift) >> shift != v)
		return false;
	*out = v << shift;
	return true;
}
