/* printf-style formatting for the hypervisor (see format.h).  Pure code:
 * compiled into the hypervisor and into tests/test_format.c. */
#include "lib/format.h"

#include <stdbool.h>
#include <stdint.h>

struct spec {
	bool left;      /* '-' flag: pad on the right */
	bool zero;      /* '0' flag: pad with zeros */
	int width;
	int length;     /* 0 = int, 1 = long, 2 = long long, 3 = size_t */
};

struct out {
	format_emit_fn emit;
	void *ctx;
	int count;
};

static void put(struct out *o, char c)
{
	o->emit(c, o->ctx);
	o->count++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static size_t bounded_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* Emit text with the field's padding.  Zero padding goes after a sign
 * or "0x" prefix, as C's printf does. */
static void put_field(struct out *o, const struct spec *sp, const char *prefix,
		      const char *body, int body_len)
{
	int prefix_len = (int)bounded_strlen(prefix);
	int padding = sp->width - prefix_len - body_len;

	if (!sp->left && !sp->zero)
		pad(o, ' ', padding);
	for (int i = 0; i < prefix_len; i++)
		put(o, prefix[i]);
	if (!sp->left && sp->zero)
		pad(o, '0', padding);
	for (int i = 0; i < body_len; i++)
		put(o, body[i]);
	if (sp->left)
		pad(o, ' ', padding);
}

static void put_unsigned(struct out *o, const struct spec *sp, const char *prefix,
			 unsigned long long v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = sizeof tmp;

	do {
		tmp[--n] = digits[v % base];
		v /= base;
	} while (v);
	put_field(o, sp, prefix, tmp + n, (int)sizeof tmp - n);
}

static unsigned long long arg_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 1: return va_arg(*ap, unsigned long);
	case 2: return va_arg(*ap, unsigned long long);
	case 3: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static long long arg_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 1: return va_arg(*ap, long);
	case 2: return va_arg(*ap, long long);
	case 3: return (long long)va_arg(*ap, size_t);
	default: return va_arg(*ap, int);
	}
}

static const char *parse_spec(const char *f, struct spec *sp)
{
	*sp = (struct spec){ 0 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == 'l') {
		sp->length = 1;
		if (*++f == 'l') {
			sp->length = 2;
			f++;
		}
	} else if (*f == 'z') {
		sp->length = 3;
		f++;
	}
	return f;
}

static void convert(struct out *o, const struct spec *sp, char conv, va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i': {
		long long v = arg_signed(sp, ap);
		unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
		put_unsigned(o, sp, v < 0 ? "-" : "", mag, 10, false);
		break;
	}
	case 'u':
		put_unsigned(o, sp, "", arg_unsigned(sp, ap), 10, false);
		break;
	case 'x':
	case 'X':
		put_unsigned(o, sp, "", arg_unsigned(sp, ap), 16, conv == 'X');
		break;
	case 'p':
		put_unsigned(o, sp, "0x", (uintptr_t)va_arg(*ap, void *), 16, false);
		break;
	case 'c': {
		char c = (char)va_arg(*ap, int);
		put_field(o, sp, "", &c, 1);
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		put_field(o, sp, "", s, (int)bounded_strlen(s));
		break;
	}
	case '%':
		put(o, '%');
		break;
	default:
		/* Unknown conversion: show it rather than guess at va_arg. */
		put(o, '%');
		if (conv)
			put(o, conv);
		break;
	}
}

int kvformat(format_emit_fn emit, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { emit, ctx, 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		struct spec sp;
		fmt = parse_spec(fmt + 1, &sp);
		convert(&o, &sp, *fmt, &args);
		if (*fmt)
			fmt++;
	}
	va_end(args);
	return o.count;
}

struct buf_ctx {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_emit(char c, void *ctx)
{
	struct buf_ctx *b = ctx;
	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_ctx b = { buf, size, 0 };
	int n = kvformat(buf_emit, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = 0;
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
