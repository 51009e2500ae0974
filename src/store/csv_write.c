/*
 * csv_write: the writer side, one field at a time (COPY TO, .mode csv).
 */
#include "store/csv.h"

#include <string.h>

void
csv_write_field(struct strbuf *out, const char *p, size_t n, char delim, char quote)
{
	bool need = n == 0;
	for (size_t i = 0; i < n && !need; i++) {
		char c = p[i];
		need = c == delim || c == quote || c == '\n' || c == '\r';
	}
	if (!need || !quote) {
		sb_add(out, p, n);
		return;
	}
	sb_reserve(out, n + 2);
	sb_putc(out, quote);
	const char *s = p, *e = p + n, *q;
	while ((q = memchr(s, quote, (size_t)(e - s))) != NULL) {
		sb_add(out, s, (size_t)(q - s) + 1);
		sb_putc(out, quote);
		s = q + 1;
	}
	sb_add(out, s, (size_t)(e - s));
	sb_putc(out, quote);
}
