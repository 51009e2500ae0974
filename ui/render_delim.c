/*
 * render_delim: csv (RFC 4180) and tsv, streamed chunk by chunk.
 *
 * csv quotes only what needs it, so numbers and plain words stay bare and
 * the output diffs well; NULL is the null text (empty by default) and a
 * value equal to it is quoted, so "" (empty string) and NULL survive a
 * round trip through any RFC 4180 reader that distinguishes them
 * (DuckDB's and wb's do). Lines end in LF, as DuckDB and Spark write them.
 *
 * tsv cannot quote (the IANA text/tab-separated-values format has no
 * quoting), so tab, newline, CR and backslash are backslash-escaped, the
 * convention of PostgreSQL's text format and of most TSV readers.
 */
#include "ui/render_priv.h"

#include <string.h>

static bool
csv_needs_quotes(const char *s, size_t n, const char *null_text)
{
	if (n == 0)
		return null_text[0] == '\0';
	if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
		return true;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ',' || c == '"' || c == '\n' || c == '\r')
			return true;
	}
	return strlen(null_text) == n && memcmp(s, null_text, n) == 0;
}

static void
csv_put(struct strbuf *out, const char *s, size_t n, const char *null_text)
{
	if (!csv_needs_quotes(s, n, null_text)) {
		sb_add(out, s, n);
		return;
	}
	sb_putc(out, '"');
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"') {
			sb_add(out, s + start, i + 1 - start);   /* through the quote */
			sb_putc(out, '"');                       /* and double it */
			start = i + 1;
		}
	}
	sb_add(out, s + start, n - start);
	sb_putc(out, '"');
}

static void
tsv_put(struct strbuf *out, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *esc;
		switch (s[i]) {
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\\': esc = "\\\\"; break;
		default: continue;
		}
		sb_add(out, s + start, i - start);
		sb_add(out, esc, 2);
		start = i + 1;
	}
	sb_add(out, s + start, n - start);
}

static void
put_field(struct render_sink *r, const char *s, size_t n)
{
	if (r->o.mode == RENDER_TSV)
		tsv_put(&r->buf, s, n);
	else
		csv_put(&r->buf, s, n, r->null_text);
}

static int
delim_begin(struct render_sink *r, struct wb_error *err)
{
	if (!r->o.header || r->ncol == 0)
		return 0;
	char sep = r->o.mode == RENDER_TSV ? '\t' : ',';
	for (int i = 0; i < r->ncol; i++) {
		if (i > 0)
			sb_putc(&r->buf, sep);
		put_field(r, r->names[i], strlen(r->names[i]));
	}
	sb_putc(&r->buf, '\n');
	return 0;
}

static int
delim_chunk(struct render_sink *r, const struct chunk *c, struct wb_error *err)
{
	char sep = r->o.mode == RENDER_TSV ? '\t' : ',';
	struct strbuf *out = &r->buf;
	struct strbuf tmp = STRBUF_INIT;
	size_t nulllen = strlen(r->null_text);
	for (int i = 0; i < c->n; i++) {
		for (int col = 0; col < c->ncol; col++) {
			const struct vec *v = &c->cols[col];
			if (col > 0)
				sb_putc(out, sep);
			if (vec_is_null(v, i) || v->type == WB_TYPE_NULL) {
				sb_add(out, r->null_text, nulllen);
			} else if (v->type == WB_TYPE_VARCHAR) {
				wb_str s = vec_str_at(v, i);
				put_field(r, s.p, s.n);
			} else if (v->type == WB_TYPE_BIGINT || v->type == WB_TYPE_DOUBLE ||
			    v->type == WB_TYPE_BOOL) {
				/* never contain a delimiter, quote or newline */
				render_format_value(v, i, out);
			} else {
				sb_clear(&tmp);
				render_format_value(v, i, &tmp);
				put_field(r, tmp.s, tmp.len);
			}
		}
		sb_putc(out, '\n');
		/* keep the staging buffer small on very wide rows */
		if (out->len > (1u << 20) && render_flush(r, err) < 0) {
			sb_free(&tmp);
			return -1;
		}
	}
	sb_free(&tmp);
	return 0;
}

const struct render_ops render_csv_ops = {
	.begin = delim_begin,
	.chunk = delim_chunk,
	.print_messages = false,
};

const struct render_ops render_tsv_ops = {
	.begin = delim_begin,
	.chunk = delim_chunk,
	.print_messages = false,
};
