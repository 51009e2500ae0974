/*
 * tui_chart: the chart view, and the two places where the curses-free
 * chart renderer (ui/chart*.c, ui/canvas.c) plugs into the workbench.
 *
 * The view asks tui_hook_chart() for a W x H grid of cells (a code point
 * and a style each) for a table's column against another and draws it;
 * the runs leaderboard asks tui_hook_sparkline() for a one-line trend of
 * its ranking metric. The workbench itself draws no chart: until the
 * renderer is wired in here, the chart view says so and the leaderboard
 * shows no trend. Wiring it means filling in these two functions (a chart
 * spec from xcol/ycol, the rows in idx order, the renderer's cell
 * attributes mapped onto enum tui_style) - nothing else changes.
 */
#include "ui/tui_int.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

int
tui_hook_chart(const struct rowset *rs, const int64_t *idx, int64_t n, int xcol, int ycol, int w, int h,
    struct tui_cell *cells, struct wb_error *err)
{
	(void)rs, (void)idx, (void)n, (void)xcol, (void)ycol, (void)w, (void)h, (void)cells;
	err_set(err, -1, "charts are not built into this wb yet");
	err_hint(err, "the chart renderer (ui/chart) plugs in at tui_hook_chart() in ui/tui_chart.c");
	return -1;
}

int
tui_hook_sparkline(const double *v, int n, int width, struct strbuf *out)
{
	(void)v, (void)n, (void)width, (void)out;
	return -1;
}

struct chart_view {
	struct tui_view base;
	struct tui_table *t;
	int64_t *idx;            /* rows in the grid's order, or NULL */
	int64_t n;
	int xcol, ycol;
};

static void
chart_draw(struct tui_view *v, struct tui_app *app, struct tui_rect r, bool focused)
{
	struct chart_view *c = (struct chart_view *)v;
	v->page = r.h;
	if (r.w < 4 || r.h < 2)
		return;
	struct tui_cell *cells = xcalloc((size_t)r.w * (size_t)r.h, sizeof *cells);
	struct wb_error err = WB_ERROR_INIT;
	if (tui_hook_chart(c->t->rs, c->idx, c->n, c->xcol, c->ycol, r.w, r.h, cells, &err) < 0) {
		tui_puts(r.y + 1, r.x + 2, r.w - 3, err.msg ? err.msg : "the chart cannot be drawn", tui_attr(TUI_ST_ERROR));
		if (err.hint)
			tui_puts(r.y + 2, r.x + 2, r.w - 3, err.hint, tui_attr(TUI_ST_DIM));
		tui_puts(r.y + 4, r.x + 2, r.w - 3, "q goes back to the grid.", tui_attr(TUI_ST_DIM));
		err_clear(&err);
		free(cells);
		return;
	}
	for (int y = 0; y < r.h; y++) {
		for (int x = 0; x < r.w; x++) {
			const struct tui_cell *cell = &cells[(size_t)y * (size_t)r.w + (size_t)x];
			char buf[4];
			int len = cell->cp ? utf8_encode(cell->cp, buf) : 0;
			if (len > 0)
				tui_put(r.y + y, r.x + x, r.w - x, buf, (size_t)len, tui_attr(cell->style));
		}
	}
	free(cells);
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
	.draw = chart_draw,
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
