/*
 * strbuf: a growable NUL-terminated byte buffer (malloc-owned).
 */
#ifndef WB_CORE_STRBUF_H
#define WB_CORE_STRBUF_H

#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

struct strbuf {
	char *s;     /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void sb_init(struct strbuf *b);
void sb_reserve(struct strbuf *b, size_t extra);
void sb_add(struct strbuf *b, const char *s, size_t n);
/* Append everything f has left to read; false when reading failed
 * (ferror(f), errno set). */
bool sb_read_stream(struct strbuf *b, FILE *f);
void sb_puts(struct strbuf *b, const char *s);
void sb_putc(struct strbuf *b, char c);
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *b, const char *fmt, va_list ap);
/* Append c n times. */
void sb_repeat(struct strbuf *b, const char *s, int n);
void sb_clear(struct strbuf *b);          /* len = 0, keeps memory */
const char *sb_str(struct strbuf *b);     /* "" when empty */
char *sb_detach(struct strbuf *b);        /* caller frees; b is reset */
void sb_free(struct strbuf *b);

#endif
