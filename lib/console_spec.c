#include "lib/console_spec.h"

#include <stdbool.h>
#include <stddef.h>

static bool same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static bool prefix(const char *s, const char *p, const char **rest)
{
	while (*p && *s == *p)
		s++, p++;
	if (*p)
		return false;
	*rest = s;
	return true;
}

/* A decimal or 0x-hex number ending at `stop` (or the end); *end after it. */
static bool number(const char *s, char stop, uint64_t *v, const char **end)
{
	uint64_t x = 0;
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	unsigned digits = 0;

	if (hex)
		s += 2;
	for (; *s && *s != stop; s++, digits++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (hex && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (hex && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		if (x > (~0ull - d) / (hex ? 16 : 10))
			return false;
		x = x * (hex ? 16 : 10) + d;
	}
	if (!digits)
		return false;
	*v = x;
	*end = s;
	return true;
}

int console_spec_parse(const char *text, struct console_spec *out, const char **why)
{
	static const uint16_t com[] = { 0x3F8, 0x2F8, 0x3E8, 0x2E8 };
	const char *rest, *end;
	uint64_t v;

	*out = (struct console_spec){ .kind = CONSOLE_IO, .width = 1 };
	if (same(text, "none")) {
		out->kind = CONSOLE_NONE;
		return 0;
	}
	if (prefix(text, "com", &rest) && rest[0] >= '1' && rest[0] <= '4' && !rest[1]) {
		out->base = com[rest[0] - '1'];
		return 0;
	}
	if (prefix(text, "mmio:", &rest)) {
		if (!number(rest, ',', &v, &end) || !v) {
			*why = "expected mmio:ADDRESS[,WIDTH] with a non-zero address";
			return -1;
		}
		out->kind = CONSOLE_MMIO;
		out->base = v;
		if (*end == ',') {
			uint64_t w;
			if (!number(end + 1, 0, &w, &end) || (w != 1 && w != 4)) {
				*why = "the register width of an MMIO UART is 1 or 4 bytes";
				return -1;
			}
			out->width = (unsigned)w;
		}
		return 0;
	}
	if (!prefix(text, "io:", &rest))
		rest = text;
	if (!number(rest, 0, &v, &end) || !v || v > 0xFFF8) {
		*why = "expected com1-com4, io:PORT, mmio:ADDRESS[,WIDTH] or none";
		return -1;
	}
	out->base = v;
	return 0;
}
