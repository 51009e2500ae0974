/*
 * tui_chart: the chart view, and where the curses-free chart renderer
 * (ui/chart.h) plugs into the workbench.
 *
 * The view asks tui_hook_chart() for a W x H canvas and copies it onto
 * the screen with tui_blit(): the table's rows in the grid's order (sorted or
 * filtered), column ycol against xcol, drawn by the auto chart (bars for a
 * text x, a line for a time x, a scatter for two numbers, a histogram when
 * x is y), with the renderer's colour roles mapped onto the workbench's
 * styles. The runs leaderboard asks tui_hook_sparkline() for a one-line
 * trend of its ranking metric.
 */
#include "ui/tui_int.h"
#include "ui/canvas.h"
#include "ui/chart.h"
#include "core/rowset.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* The renderer's attribute as one of the workbench's styles. */
static enum tui_style
style_of(uint8_t attr)
{
	int c = attr & CANVAS_COLOR_MASK;
	if (c == CANVAS_BAD)
		return TUI_ST_ERROR;
	if (c == CANVAS_GOOD)
		return TUI_ST_STRING;
	if (c >= CANVAS_SERIES && c < CANVAS_SERIES + CANVAS_NSERIES)
		return (c - CANVAS_SERIES) % 2 ? TUI_ST_NUMBER : TUI_ST_BAR;
	if (attr & CANVAS_BOLD)
		return TUI_ST_TITLE;
	if (attr & CANVAS_DIM)
		return TUI_ST_DIM;
	return TUI_ST_NORMAL;
}

void
tui_blit(const struct canvas *cv, struct tui_rect r)
{
	for (int y = 0; y < r.h && y < cv->h; y++)
		for (int x = 0; x < r.w && x < cv->w; x++) {
			char buf[8];
			uint8_t attr;
			int len = canvas_cell_text(cv, x, y, buf, &attr);
			if (len > 0 && !(len == 1 && buf[0] == ' '))   /* blanks are the screen's */
				tui_put(r.y + y, r.x + x, r.w - x, buf, (size_t)len, tui_attr(style_of(attr)));
		}
}

struct canvas *
tui_hook_chart(const struct rowset *rs, const int64_t *idx, int64_t n, int xcol, int ycol, int w, int h,
    struct wb_error *err)
{
	/* the two columns, in the grid's order */
	int nc = xcol == ycol ? 1 : 2;
	const char *names[2] = {rs->names[xcol], rs->names[ycol]};
	wb_type types[2] = {rs->types[xcol], rs->types[ycol]};
	struct rowset_builder b;
	rsb_init(&b, nc, names, types);
	int64_t rows = idx ? n : rs->nrows;
	for (int64_t i = 0; i < rows; i++) {
		int64_t r = idx ? idx[i] : i;
		struct wb_value v;
		rowset_get(rs, r, xcol, &v);
		rsb_value(&b, 0, &v);
		if (nc == 2) {
			rowset_get(rs, r, ycol, &v);
			rsb_value(&b, 1, &v);
		}
		rsb_end_row(&b);
	}
	struct rowset *sub = rsb_finish(&b);
	struct chart_spec sp;
	chart_spec_init(&sp);
	struct canvas *cv = canvas_new(w, h, !chart_locale_utf8());
	struct chart_opts o = {.width = w, .height = h, .ascii = !chart_locale_utf8(), .color = true};
	if (chart_draw(&sp, sub, &o, cv, 0, 0, w, h, NULL, err) < 0) {
		canvas_free(cv);
		cv = NULL;
	}
	chart_spec_free(&sp);
	rowset_free(sub);
	return cv;
}

int
tui_hook_sparkline(const double *v, int n, int width, struct strbuf *out)
{
	if (n < 1 || width < 1)
		return -1;
	chart_sparkline(v, n, width, !chart_locale_utf8(), out);
	return 0;
}

struct chart_view {
	struct tui_view base;
	struct tui_table *t;
	int64_t *idx;            /* rows in the grid's order, or NULL */
	int64_t n;
	int xcol, ycol;
};

static void
view_draw(struct tui_view *v, struct tui_app *app, struct tui_rect r, bool focused)
{
	struct chart_view *c = (struct chart_view *)v;
	v->page = r.h;
	if (r.w < 4 || r.h < 2)
		return;
	struct wb_error err = WB_ERROR_INIT;
	struct canvas *cv = tui_hook_chart(c->t->rs, c->idx, c->n, c->xcol, c->ycol, r.w, r.h, &err);
	if (cv == NULL) {
		tui_puts(r.y + 1, r.x + 2, r.w - 3, err.msg ? err.msg : "the chart cannot be drawn", tui_attr(TUI_ST_ERROR));
		if (err.hint)
			tui_puts(r.y + 2, r.x + 2, r.w - 3, err.hint, tui_attr(TUI_ST_DIM));
		tui_puts(r.y + 4, r.x + 2, r.w - 3, "q goes back to the grid.", tui_attr(TUI_ST_DIM));
		err_clear(&err);
		return;
	}
	tui_blit(cv, r);
	canvas_free(cv);
}

static int
chart_key(struct tui_view *v, struct tui_app *app, enum tui_action a)
{
	return 0;
}

static void
chart_title(struct tui_view *v, struct strbuf *out)
{
	struct chart_view *c = (struct chart_view *)v;
	const struct rowset *rs = c->t->rs;
	sb_printf(out, "Chart of %s by %s", rs->names[c->ycol], rs->names[c->xcol]);
}

static void
chart_free(struct tui_view *v)
{
	struct chart_view *c = (struct chart_view *)v;
	tui_table_unref(c->t);
	free(c->idx);
	free(c);
}

static const struct tui_view_ops chart_ops = {
	.name = "chart",
	.scope = TUI_SC_LIST,
	.draw = view_draw,
	.key = chart_key,
	.title = chart_title,
	.free = chart_free,
};

struct tui_view *
tui_chart_new(struct tui_app *app, struct tui_table *t, const int64_t *idx, int64_t n, int xcol, int ycol)
{
	struct chart_view *c = xcalloc(1, sizeof *c);
	c->base.ops = &chart_ops;
	c->base.id = tui_view_id(app);
	c->t = tui_table_ref(t);
	if (idx != NULL) {
		c->idx = xmalloc((size_t)(n ? n : 1) * sizeof *c->idx);
		memcpy(c->idx, idx, (size_t)n * sizeof *c->idx);
	}
	c->n = n;
	c->xcol = xcol;
	c->ycol = ycol;
	return &c->base;
}
