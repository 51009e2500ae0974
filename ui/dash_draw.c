/*
 * dash_draw: a dashboard drawn on a canvas (ui/dash.h) - the title bar,
 * the filter bar, and the tiles in boxes on the layout's grid.
 *
 * Sizes: the grid's places split the width evenly; rows of KPI tiles
 * only take the height a KPI needs (DASH_KPI_ROWS, while the other rows
 * keep at least DASH_MIN_ROWS each), the other rows share what is left by
 * their weights. A zoomed tile takes the whole grid. What does not fit in
 * a tile is cut by the tile's own drawer (charts shrink, tables say how
 * many rows are left out); a screen too small for the grid draws what
 * fits - the front ends check sizes.
 */
#include "ui/dash_int.h"

#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define DASH_KPI_ROWS 7    /* a KPI tile's box: big digits, change, sparkline */
#define DASH_MIN_ROWS 7    /* the smallest a chart row gets while KPI rows are kept short */

int
dash_top_rows(const struct dashboard *d)
{
	return d->nb->nparams > 0 ? 2 : 1;
}

static bool
row_is_kpi(const struct dashboard *d, int r)
{
	bool any = false;
	for (int t = 0; t < d->ntiles; t++) {
		const struct dash_tile *x = &d->tiles[t];
		if (r >= x->row && r < x->row + x->rows) {
			if (!x->kpi || x->rows > 1)
				return false;
			any = true;
		}
	}
	return any;
}

/* ys[0..nrows]: where each grid row starts (ys[nrows]: the end). */
static void
row_starts(const struct dashboard *d, int top, int h, int *ys)
{
	int n = d->nrows, room = h - top;
	int *height = xcalloc((size_t)n, sizeof *height);
	int fixed = 0, nk = 0, wsum = 0;
	for (int r = 0; r < n; r++)
		if (row_is_kpi(d, r))
			nk++;
	bool keep_kpi = nk > 0 && nk < n && room - nk * DASH_KPI_ROWS >= (n - nk) * DASH_MIN_ROWS;
	for (int r = 0; r < n; r++) {
		if (keep_kpi && row_is_kpi(d, r)) {
			height[r] = DASH_KPI_ROWS;
			fixed += DASH_KPI_ROWS;
		} else {
			wsum += d->weight[r];
		}
	}
	/* the rest by weight, rounding so that the rows fill it exactly */
	int rest = room - fixed, acc = 0, wacc = 0;
	for (int r = 0; r < n; r++) {
		if (height[r] > 0)
			continue;
		wacc += d->weight[r];
		int upto = wsum > 0 ? (int)((int64_t)rest * wacc / wsum) : 0;
		height[r] = upto - acc;
		acc = upto;
	}
	ys[0] = top;
	for (int r = 0; r < n; r++)
		ys[r + 1] = ys[r] + height[r];
	free(height);
}

bool
dash_tile_rect(const struct dashboard *d, const struct dash_view *v, int w, int h, int t, int *x, int *y, int *tw,
    int *th)
{
	int top = dash_top_rows(d);
	if (t < 0 || t >= d->ntiles || w < 8 || h - top < 3)
		return false;
	if (v != NULL && v->zoomed >= 0) {
		if (t != v->zoomed)
			return false;
		*x = 0, *y = top, *tw = w, *th = h - top;
		return true;
	}
	int *ys = xcalloc((size_t)d->nrows + 1, sizeof *ys);
	row_starts(d, top, h, ys);
	const struct dash_tile *tile = &d->tiles[t];
	int x0 = (int)((int64_t)tile->col * w / d->ncols), x1 = (int)((int64_t)(tile->col + tile->cols) * w / d->ncols);
	*x = x0;
	*y = ys[tile->row];
	*tw = x1 - x0;
	*th = ys[tile->row + tile->rows] - ys[tile->row];
	free(ys);
	return *tw >= 4 && *th >= 2;
}

/* A box with a title in its top border. */
static void
box(struct canvas *cv, int x, int y, int w, int h, const char *title, uint8_t attr, uint8_t title_attr)
{
	for (int i = 1; i < w - 1; i++) {
		canvas_put(cv, x + i, y, 0x2500, attr);
		canvas_put(cv, x + i, y + h - 1, 0x2500, attr);
	}
	for (int j = 1; j < h - 1; j++) {
		canvas_put(cv, x, y + j, 0x2502, attr);
		canvas_put(cv, x + w - 1, y + j, 0x2502, attr);
	}
	canvas_put(cv, x, y, 0x250c, attr);
	canvas_put(cv, x + w - 1, y, 0x2510, attr);
	canvas_put(cv, x, y + h - 1, 0x2514, attr);
	canvas_put(cv, x + w - 1, y + h - 1, 0x2518, attr);
	if (title && *title && w > 6) {
		canvas_put(cv, x + 1, y, ' ', attr);
		int n = canvas_text(cv, x + 2, y, title, w - 5, title_attr);
		canvas_put(cv, x + 2 + n, y, ' ', attr);
	}
}

/* The tile's insides. */
static void
tile_body(const struct dashboard *d, const struct dash_results *r, const struct dash_view *v, int t, struct canvas *cv,
    int x, int y, int w, int h)
{
	const struct dash_tile *tile = &d->tiles[t];
	const struct notebook *nb = d->nb;
	if (w < 1 || h < 1)
		return;
	int row = 0;
	if (tile->kind == DASH_TEXT) {
		/* markdown does not run: its comment lines as they are */
		const struct nb_cell *c = &nb->cells[tile->cell];
		struct strbuf b = STRBUF_INIT;
		for (int n = c->first; n < c->end; n++) {
			const char *s;
			int sl;
			nb_comment_text(nb->lines[n - 1].p, nb->lines[n - 1].len, &s, &sl);
			sb_add(&b, s, (size_t)sl);
			sb_putc(&b, '\n');
		}
		while (b.len > 0 && b.s[b.len - 1] == '\n' && (b.len < 2 || b.s[b.len - 2] == '\n'))
			b.len--, b.s[b.len] = '\0';
		dash_tile_text(cv, x, y, w, h, sb_str(&b), CANVAS_PLAIN, &row);
		sb_free(&b);
		return;
	}
	const struct dash_cell *own = r ? &r->cells[tile->cell] : NULL;
	if (own == NULL || !own->ran) {
		dash_tile_text(cv, x, y, w, h, v->idle ? "not run (cancelled): r runs it" : "running...", CANVAS_DIM, &row);
		return;
	}
	int failed = dash_tile_failed(d, r, t);
	if (failed >= 0) {
		const struct dash_cell *f = &r->cells[failed];
		dash_tile_error(cv, x, y, w, h, f->error, f->hint, nb->path, f->line);
		return;
	}
	if (tile->kind == DASH_TABLE) {
		if (own->rs != NULL)
			dash_tile_table(cv, x, y, w, h, own->rs, own->rows);
		else
			dash_tile_text(cv, x, y, w, h, own->message ? own->message : "(the cell showed no result)", CANVAS_DIM,
			    &row);
		return;
	}
	/* a chart of its SQL cell's result */
	const struct dash_cell *src = tile->src >= 0 ? &r->cells[tile->src] : NULL;
	if (src == NULL || src->rs == NULL) {
		dash_tile_error(cv, x, y, w, h, "nothing to chart: the SQL cell before the chart showed no result",
		    "a chart cell draws the last result of the SQL cell above it: end that cell with a query", nb->path,
		    nb->cells[tile->cell].marker);
		return;
	}
	struct chart_spec sp = *own->spec;
	/* the box has the title; a KPI draws none (else its column's name) */
	sp.title = sp.kind == CHART_KPI ? "" : NULL;
	struct chart_opts o = {.width = w, .height = h, .ascii = v->ascii, .color = v->color};
	struct wb_error err = WB_ERROR_INIT;
	if (chart_draw(&sp, src->rs, &o, cv, x, y, w, h, NULL, &err) < 0)
		dash_tile_error(cv, x, y, w, h, err.msg, err.hint, nb->path, nb->cells[tile->cell].marker);
	err_clear(&err);
}

static void
draw_tile(const struct dashboard *d, const struct dash_results *r, const struct dash_view *v, int t, struct canvas *cv,
    int x, int y, int w, int h)
{
	const struct dash_tile *tile = &d->tiles[t];
	const struct dash_cell *own = r ? &r->cells[tile->cell] : NULL;
	/* a title the run gave the chart (parameters substituted) wins */
	const char *title = own && own->spec && own->spec->title && *own->spec->title ? own->spec->title : tile->title;
	bool sel = v->selected == t;
	uint8_t battr = sel ? (uint8_t)(canvas_series_attr(3) | CANVAS_BOLD) : CANVAS_DIM;
	uint8_t tattr = sel ? (uint8_t)(canvas_series_attr(3) | CANVAS_BOLD) : CANVAS_BOLD;
	box(cv, x, y, w, h, title, battr, tattr);
	tile_body(d, r, v, t, cv, x + 2, y + 1, w - 4, h - 2);
}

/* " name value   name value": the parameters' values, the selected one
 * in brackets. */
static void
filter_bar(const struct dashboard *d, const struct nb_vars *vars, const struct dash_view *v, struct canvas *cv, int y)
{
	int x = 1;
	x += canvas_text(cv, x, y, "Filters", -1, CANVAS_DIM);
	for (int i = 0; i < d->nb->nparams; i++) {
		const char *name = d->nb->params[i].name;
		const char *val = NULL;
		for (int k = 0; vars && k < vars->n && val == NULL; k++)
			if (strcmp(vars->v[k].name, name) == 0)
				val = vars->v[k].text;
		char *shown = val == NULL ? xstrdup("?") : val[0] == '\0' ? xstrdup("''") : xstrdup(val);
		bool sel = v->filter == i;
		x += 3;
		char num[16];
		snprintf(num, sizeof num, "%d ", i + 1);
		if (i < 9)
			x += canvas_text(cv, x, y, num, -1, CANVAS_DIM);
		x += canvas_text(cv, x, y, name, -1, CANVAS_PLAIN);
		x += canvas_text(cv, x, y, sel ? " [" : " ", -1, CANVAS_PLAIN);
		x += canvas_text(cv, x, y, shown, 40,
		    sel ? (uint8_t)(canvas_series_attr(3) | CANVAS_BOLD) : (uint8_t)CANVAS_BOLD);
		if (sel)
			x += canvas_text(cv, x, y, "]", -1, CANVAS_PLAIN);
		free(shown);
	}
}

struct canvas *
dash_draw(const struct dashboard *d, const struct dash_results *r, const struct nb_vars *vars, const struct dash_view *v,
    int w, int h)
{
	struct canvas *cv = canvas_new(w, h, v->ascii);
	if (w < 1 || h < 1)
		return cv;
	/* the title bar */
	int sw = v->status ? canvas_text_width(v->status, v->ascii) : 0;
	canvas_text(cv, 1, 0, d->title, w - sw - 3 > 0 ? w - sw - 3 : w - 1, CANVAS_BOLD);
	if (sw > 0 && sw < w - 2)
		canvas_text(cv, w - sw - 1, 0, v->status, sw, CANVAS_DIM);
	if (d->nb->nparams > 0 && h > 1)
		filter_bar(d, vars, v, cv, 1);
	for (int t = 0; t < d->ntiles; t++) {
		int x, y, tw, th;
		if (dash_tile_rect(d, v, w, h, t, &x, &y, &tw, &th))
			draw_tile(d, r, v, t, cv, x, y, tw, th);
	}
	return cv;
}
