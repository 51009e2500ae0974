/*
 * render_line: sqlite3's line mode, one "name = value" line per column,
 * names right-aligned to the widest, a blank line between rows (and
 * between results, so two results never run together). Values are written
 * as they are, newlines included, as sqlite3 does: this mode is for
 * reading long values, not for keeping a grid.
 */
#include "ui/render_priv.h"

#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct line_state {
	int width;          /* widest name, in terminal columns */
	int *pad;           /* spaces before each name */
	char **names;       /* names escaped for display */
};

static void
line_reset(struct render_sink *r)
{
	struct line_state *st = r->state;
	if (st == NULL)
		return;
	for (int i = 0; i < r->ncol; i++)
		free(st->names[i]);
	free(st->names);
	free(st->pad);
	free(st);
	r->state = NULL;
}

static int
line_begin(struct render_sink *r, struct wb_error *err)
{
	struct line_state *st = xcalloc(1, sizeof *st);
	r->state = st;
	st->names = xcalloc((size_t)r->ncol + 1, sizeof(char *));
	st->pad = xcalloc((size_t)r->ncol + 1, sizeof(int));
	int *w = xcalloc((size_t)r->ncol + 1, sizeof(int));
	st->width = 0;
	for (int i = 0; i < r->ncol; i++) {
		struct strbuf b = STRBUF_INIT;
		w[i] = render_escape_display(&b, r->names[i], strlen(r->names[i]));
		st->names[i] = b.s != NULL ? sb_detach(&b) : xstrdup("");
		if (w[i] > st->width)
			st->width = w[i];
	}
	for (int i = 0; i < r->ncol; i++)
		st->pad[i] = st->width - w[i];
	free(w);
	return 0;
}

static int
line_chunk(struct render_sink *r, const struct chunk *c, struct wb_error *err)
{
	struct line_state *st = r->state;
	for (int i = 0; i < c->n; i++) {
		if (r->rows_before + r->rows + i > 0)
			sb_putc(&r->buf, '\n');
		for (int col = 0; col < c->ncol; col++) {
			sb_repeat(&r->buf, " ", st->pad[col]);
			sb_puts(&r->buf, st->names[col]);
			sb_add(&r->buf, " = ", 3);
			if (!render_format_value(&c->cols[col], i, &r->buf))
				sb_puts(&r->buf, r->null_text);
			sb_putc(&r->buf, '\n');
		}
		if (r->buf.len > (1u << 20) && render_flush(r, err) < 0)
			return -1;
	}
	return 0;
}

const struct render_ops render_line_ops = {
	.begin = line_begin,
	.chunk = line_chunk,
	.reset = line_reset,
	.print_messages = true,
};
