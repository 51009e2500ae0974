/*
 * render_markdown: a GitHub-flavoured Markdown table, streamed.
 *
 * Rows are not padded to a common width (that would need the whole result
 * before the first line); Markdown does not require it, and the header and
 * its rule line up because the rule is as wide as the header cell. Values
 * are escaped as in box mode (so a newline cannot end the row) and "|" as
 * "\|", the only escape a GFM table cell needs.
 */
#include "ui/render_priv.h"

#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

static void
md_cell(struct strbuf *out, const char *s, size_t n, struct strbuf *tmp)
{
	sb_clear(tmp);
	render_escape_display(tmp, s, n);
	size_t start = 0;
	for (size_t i = 0; i < tmp->len; i++) {
		if (tmp->s[i] == '|') {
			sb_add(out, tmp->s + start, i - start);
			sb_add(out, "\\|", 2);
			start = i + 1;
		}
	}
	sb_add(out, tmp->s + start, tmp->len - start);
}

static int
md_begin(struct render_sink *r, struct wb_error *err)
{
	struct strbuf tmp = STRBUF_INIT;
	if (r->ncol == 0)
		return 0;
	if (r->results > 1)
		sb_putc(&r->buf, '\n');   /* two tables need a blank line between */
	int *w = xcalloc((size_t)r->ncol, sizeof(int));
	struct strbuf cell = STRBUF_INIT;
	sb_putc(&r->buf, '|');
	for (int i = 0; i < r->ncol; i++) {
		sb_clear(&cell);
		md_cell(&cell, r->names[i], strlen(r->names[i]), &tmp);
		w[i] = render_safe_width(cell.s, cell.len) + 2;
		sb_putc(&r->buf, ' ');
		sb_add(&r->buf, cell.s, cell.len);
		sb_add(&r->buf, " |", 2);
	}
	sb_putc(&r->buf, '\n');
	/* the rule as wide as each header cell, so the two lines align */
	sb_putc(&r->buf, '|');
	for (int i = 0; i < r->ncol; i++) {
		if (w[i] < 3)
			w[i] = 3;
		bool right = render_type_is_right(r->types[i]);
		sb_repeat(&r->buf, "-", right ? w[i] - 1 : w[i]);
		sb_add(&r->buf, right ? ":|" : "|", right ? 2 : 1);
	}
	sb_putc(&r->buf, '\n');
	free(w);
	sb_free(&cell);
	sb_free(&tmp);
	return 0;
}

static int
md_chunk(struct render_sink *r, const struct chunk *c, struct wb_error *err)
{
	struct strbuf val = STRBUF_INIT, tmp = STRBUF_INIT;
	if (c->ncol == 0)
		return 0;
	for (int i = 0; i < c->n; i++) {
		sb_putc(&r->buf, '|');
		for (int col = 0; col < c->ncol; col++) {
			sb_putc(&r->buf, ' ');
			sb_clear(&val);
			if (render_format_value(&c->cols[col], i, &val))
				md_cell(&r->buf, val.s, val.len, &tmp);
			else
				md_cell(&r->buf, r->null_text, strlen(r->null_text), &tmp);
			sb_add(&r->buf, " |", 2);
		}
		sb_putc(&r->buf, '\n');
	}
	sb_free(&val);
	sb_free(&tmp);
	return 0;
}

const struct render_ops render_markdown_ops = {
	.begin = md_begin,
	.chunk = md_chunk,
	.print_messages = true,
};
