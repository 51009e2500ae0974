#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
sb_init(struct strbuf *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
}

void
sb_reserve(struct strbuf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap)
		b->s = xgrow(b->s, &b->cap, b->len + extra + 1, 1);
}

void
sb_add(struct strbuf *b, const char *s, size_t n)
{
	sb_reserve(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sb_puts(struct strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void
sb_putc(struct strbuf *b, char c)
{
	sb_reserve(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void
sb_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	va_copy(ap2, ap);
	sb_reserve(b, 64);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	if (n >= 0 && (size_t)n >= b->cap - b->len) {
		sb_reserve(b, (size_t)n);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap2);
	}
	va_end(ap2);
	if (n > 0)
		b->len += (size_t)n;
}

void
sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

void
sb_repeat(struct strbuf *b, const char *s, int n)
{
	size_t l = strlen(s);
	for (int i = 0; i < n; i++)
		sb_add(b, s, l);
}

void
sb_clear(struct strbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

const char *
sb_str(struct strbuf *b)
{
	return b->s ? b->s : "";
}

char *
sb_detach(struct strbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	sb_init(b);
	return s;
}

void
sb_free(struct strbuf *b)
{
	free(b->s);
	sb_init(b);
}

bool
sb_read_stream(struct strbuf *b, FILE *f)
{
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(b, buf, n);
	return !ferror(f);
}
