/*
 * chart_heat: heat maps - a grid of x categories across and y categories
 * down, each cell shaded by its value in four steps of the range (░ ▒ ▓ █,
 * or . + * # in ASCII), a blank for a cell without rows, with the steps'
 * ranges in a key below. The value of a cell is the sum of value= over
 * its rows, or their count when no value column is given. Categories of
 * numbers, dates and times are sorted; text keeps its first appearance.
 */
#include "ui/chart_int.h"

#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct axis_cats {
	struct cd_cats c;
	double *key;      /* the numeric value of each category (sortable columns) */
	size_t kcap;
	int *order;       /* display position -> category */
	int *pos;         /* category -> display position */
};

static const double *sort_keys;

static int
cmp_key(const void *a, const void *b)
{
	double x = sort_keys[*(const int *)a], y = sort_keys[*(const int *)b];
	if (x != y)
		return x < y ? -1 : 1;
	return *(const int *)a - *(const int *)b;
}

static void
cats_order(struct axis_cats *ac, bool sortable)
{
	int n = ac->c.n;
	ac->order = xmalloc(sizeof *ac->order * (size_t)(n + 1));
	ac->pos = xmalloc(sizeof *ac->pos * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		ac->order[i] = i;
	if (sortable) {
		sort_keys = ac->key;
		qsort(ac->order, (size_t)n, sizeof *ac->order, cmp_key);
		sort_keys = NULL;
	}
	for (int i = 0; i < n; i++)
		ac->pos[ac->order[i]] = i;
}

static void
ac_free(struct axis_cats *ac)
{
	cd_cats_free(&ac->c);
	free(ac->key);
	free(ac->order);
	free(ac->pos);
}

static int
add_cat(struct axis_cats *ac, const struct rowset *rs, int64_t r, int col, struct strbuf *b)
{
	sb_clear(b);
	cd_text(rs, r, col, b);
	int n0 = ac->c.n;
	int k = cd_cat_add(&ac->c, sb_str(b));
	if (ac->c.n > n0) {
		ac->key = xgrow(ac->key, &ac->kcap, (size_t)ac->c.n, sizeof *ac->key);
		double v = cd_num(rs, r, col);
		ac->key[k] = isnan(v) ? INFINITY : v;   /* NULL last */
	}
	return k;
}

int
chart_draw_heatmap(struct chart_ctx *cx)
{
	const struct chart_spec *sp = cx->sp;
	const struct rowset *rs = cx->rs;
	struct canvas *cv = cx->cv;
	int xc = cd_find(rs, &sp->x[0], "x", cx->err), yc = cd_find(rs, &sp->y[0], "y", cx->err);
	int vc = sp->value.name ? cd_find(rs, &sp->value, "value", cx->err) : -1;
	struct axis_cats X = {0}, Y = {0};
	struct strbuf b = STRBUF_INIT;
	int64_t n = rs->nrows, skipped = 0;
	int *rx = xmalloc(sizeof *rx * (size_t)(n + 1)), *ry = xmalloc(sizeof *ry * (size_t)(n + 1));
	for (int64_t r = 0; r < n; r++) {
		rx[r] = add_cat(&X, rs, r, xc, &b);
		ry[r] = add_cat(&Y, rs, r, yc, &b);
	}
	sb_free(&b);
	bool xs = cd_is_num(rs->types[xc]) || cd_is_time(rs->types[xc]);
	bool ys = cd_is_num(rs->types[yc]) || cd_is_time(rs->types[yc]);
	cats_order(&X, xs);
	cats_order(&Y, ys);
	/* cells for the categories a canvas can show at all: a column and a
	 * row each at least */
	int nx = X.c.n < cv->w ? X.c.n : cv->w, ny = Y.c.n < cv->h ? Y.c.n : cv->h;
	double *cell = xmalloc(sizeof *cell * (size_t)nx * (size_t)ny + sizeof *cell);
	for (size_t i = 0; i < (size_t)nx * (size_t)ny; i++)
		cell[i] = NAN;
	for (int64_t r = 0; r < n; r++) {
		if (X.pos[rx[r]] >= nx || Y.pos[ry[r]] >= ny)
			continue;
		double v = vc >= 0 ? cd_num(rs, r, vc) : 1;
		if (!isfinite(v)) {
			skipped++;
			continue;
		}
		double *c = &cell[(size_t)Y.pos[ry[r]] * (size_t)nx + (size_t)X.pos[rx[r]]];
		*c = isnan(*c) ? v : *c + v;
	}
	free(rx);
	free(ry);
	int rc = -1;
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < (size_t)nx * (size_t)ny; i++)
		if (!isnan(cell[i])) {
			lo = fmin(lo, cell[i]);
			hi = fmax(hi, cell[i]);
		}
	if (!isfinite(lo)) {
		err_set(cx->err, -1, "heatmap: no value to shade: every %s is NULL", sp->value.name);
		err_hint(cx->err, "check the query, or name another value column");
		goto out;
	}
	if (skipped)
		chart_note(cx, "%lld row%s with a NULL %s left out", (long long)skipped, skipped == 1 ? "" : "s",
		    sp->value.name);
	chart_head(cx);
	int top = cx->top + (sp->ylabel ? 1 : 0);
	int rows = cv->h - top - 2 - (sp->xlabel ? 1 : 0);
	if (rows < 1) {
		err_set(cx->err, -1, "a heatmap needs more rows: %d leave no room for its grid", cv->h);
		err_hint(cx->err, "give it height=%d or more", cv->h + 1 - rows);
		goto out;
	}
	int showy = ny < rows ? ny : rows;
	int lw = 0, xw = 0;
	for (int i = 0; i < showy; i++) {
		int w = canvas_text_width(Y.c.names[Y.order[i]], cv->ascii);
		lw = w > lw ? w : lw;
	}
	if (lw > cv->w / 3)
		lw = cv->w / 3;
	for (int i = 0; i < nx; i++) {
		int w = canvas_text_width(X.c.names[X.order[i]], cv->ascii);
		xw = w > xw ? w : xw;
	}
	int px = lw + 2, avail = cv->w - px;
	if (avail < 1) {
		err_set(cx->err, -1, "a heatmap needs more columns: %d leave no room next to its labels", cv->w);
		goto out;
	}
	int cw = avail / nx;
	int cap = xw + 1 < 2 ? 2 : xw + 1 > 8 ? 8 : xw + 1;
	if (cw > cap)
		cw = cap;
	if (cw < 1)
		cw = 1;
	int showx = avail / cw < nx ? avail / cw : nx;
	if (showx < X.c.n || showy < Y.c.n)
		chart_note(cx, "%d of %d %s and %d of %d %s shown (the first); give it width=N and height=N", showx, X.c.n,
		    sp->x[0].name, showy, Y.c.n, sp->y[0].name);
	/* the grid */
	static const uint32_t shades[4] = {0x2591, 0x2592, 0x2593, 0x2588};
	static const char ascii[4] = {'.', '+', '*', '#'};
	uint8_t attr = chart_attr(cx, 0);
	for (int j = 0; j < showy; j++) {
		const char *name = Y.c.names[Y.order[j]];
		int w = canvas_text_width(name, cv->ascii);
		int shown = w < lw ? w : lw;
		canvas_text(cv, px - 2 - shown, top + j, name, shown, 0);
		if (w > lw)
			canvas_put(cv, px - 3, top + j, 0x2026, 0);
		canvas_put(cv, px - 1, top + j, chart_glyph(cx, 0x2502, '|'), 0);
		for (int i = 0; i < showx; i++) {
			double v = cell[(size_t)j * (size_t)nx + (size_t)i];
			if (isnan(v))
				continue;
			int lv = hi > lo ? (int)floor((v - lo) / (hi - lo) * 4) : 3;
			lv = lv < 0 ? 0 : lv > 3 ? 3 : lv;
			for (int c = 0; c < cw; c++)
				canvas_put(cv, px + i * cw + c, top + j, chart_glyph(cx, shades[lv], ascii[lv]), attr);
		}
	}
	/* x labels: each under its column when they fit, else every k-th */
	int row = top + showy;
	int k = 1;
	while (k * cw - 1 < (xw < 6 ? xw : 6) && k < showx)
		k++;
	int last = -1;
	for (int i = 0; i < showx; i += k) {
		const char *name = X.c.names[X.order[i]];
		int room = k * cw - (k * cw > 1 ? 1 : 0);
		int w = canvas_text_width(name, cv->ascii);
		int shown = w < room ? w : room;
		int start = px + i * cw + (cw - shown) / 2;
		if (start < px + i * cw)
			start = px + i * cw;
		if (start <= last)
			continue;
		canvas_text(cv, start, row, name, shown, 0);
		last = start + shown;
	}
	if (sp->xlabel) {
		int w = canvas_text_width(sp->xlabel, cv->ascii);
		int start = px + (showx * cw - w) / 2;
		canvas_text(cv, start > 0 ? start : 0, ++row, sp->xlabel, -1, 0);
	}
	if (sp->ylabel)
		canvas_text(cv, 0, top - 1, sp->ylabel, -1, 0);
	/* the key: what each shade stands for - each step's range when they
	 * fit, else the shades and the whole range */
	row++;
	char keys[4][3 * CHART_LABEL_MAX];
	int lvs[4], nkey = 0, keyw = 0;
	for (int lv = 0; lv < 4; lv++) {
		if (hi == lo && lv < 3)
			continue;
		char a[CHART_LABEL_MAX], z[CHART_LABEL_MAX];
		chart_fmt_value(lo + (hi - lo) * lv / 4, a);
		chart_fmt_value(lo + (hi - lo) * (lv + 1) / 4, z);
		if (hi > lo)
			snprintf(keys[nkey], sizeof keys[nkey], "%s-%s", a, z);
		else
			snprintf(keys[nkey], sizeof keys[nkey], "%s", a);
		lvs[nkey] = lv;
		keyw += (nkey ? 2 : 0) + 2 + (int)strlen(keys[nkey]);
		nkey++;
	}
	const char *rows_note = vc < 0 ? " (rows)" : "";
	keyw += (int)strlen(rows_note);
	if (px + keyw > cv->w) {
		/* ░▒▓█ 277 to 10k */
		char a[CHART_LABEL_MAX], z[CHART_LABEL_MAX], t[3 * CHART_LABEL_MAX];
		chart_fmt_value(lo, a);
		chart_fmt_value(hi, z);
		for (int lv = 0; lv < 4; lv++)
			canvas_put(cv, px + lv, row, chart_glyph(cx, shades[lv], ascii[lv]), attr);
		snprintf(t, sizeof t, "%s to %s%s", a, z, rows_note);
		canvas_text(cv, px + 5, row, t, -1, 0);
	} else {
		/* ░ 0-25  ▒ 25-50  ... : each step's range */
		int x = px;
		for (int k = 0; k < nkey; k++) {
			canvas_put(cv, x, row, chart_glyph(cx, shades[lvs[k]], ascii[lvs[k]]), attr);
			x += 2 + canvas_text(cv, x + 2, row, keys[k], -1, 0) + 2;
		}
		canvas_text(cv, x - 2, row, rows_note, -1, 0);
	}
	rc = 0;
out:
	free(cell);
	ac_free(&X);
	ac_free(&Y);
	return rc;
}
