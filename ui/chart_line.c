/*
 * chart_line: line, area and scatter charts of one or more series over a
 * numeric, time or category x.
 *
 * Lines join a series' points in x order (rows with the same x keep their
 * order) with braille dots, 2 x 4 per cell. Areas fill each column down
 * to 0 (or the axis' start) with block eighths, interpolating between
 * points; stacked areas add the series up. Scatter plots put a dot per
 * row. Without colour, series after the first draw with marks ('+', 'x',
 * ...) so that they stay apart; in ASCII the dots of the first series
 * print as the stroke they make (. ' - _ | / \).
 */
#include "ui/chart_int.h"

#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct lines {
	struct cd_points pts;
	double xlo, xhi, ylo, yhi;   /* data ranges (log: exponents) */
	enum axis_kind xk, yk;
	bool area, stacked, scatter;
	bool markers;                /* scatter: few points, a mark per point instead of a dot */
};

struct pt {
	double x, y;
	int64_t i;
};

static int
cmp_pt(const void *a, const void *b)
{
	const struct pt *p = a, *q = b;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return p->i < q->i ? -1 : p->i > q->i;
}

static void
sort_series(struct cd_series *s)
{
	struct pt *v = xmalloc(sizeof *v * (size_t)(s->n + 1));
	for (int64_t i = 0; i < s->n; i++)
		v[i] = (struct pt){s->x[i], s->y[i], i};
	qsort(v, (size_t)s->n, sizeof *v, cmp_pt);
	for (int64_t i = 0; i < s->n; i++) {
		s->x[i] = v[i].x;
		s->y[i] = v[i].y;
	}
	free(v);
}

/* y of series s at x, by straight lines between its points (sorted by x);
 * NaN outside them */
static double
interp(const struct cd_series *s, double x)
{
	if (s->n == 0 || x < s->x[0] || x > s->x[s->n - 1])
		return NAN;
	int64_t lo = 0, hi = s->n - 1;
	while (hi - lo > 1) {
		int64_t m = (lo + hi) / 2;
		if (s->x[m] <= x)
			lo = m;
		else
			hi = m;
	}
	if (s->x[hi] == s->x[lo])
		return s->y[hi];
	double t = (x - s->x[lo]) / (s->x[hi] - s->x[lo]);
	if (t <= 0)
		return s->y[lo];
	if (t >= 1)
		return s->y[hi];
	return s->y[lo] + t * (s->y[hi] - s->y[lo]);
}

static double
stacked_at(const struct lines *L, double x, int upto)
{
	double sum = 0;
	bool any = false;
	for (int k = 0; k <= upto; k++) {
		double v = interp(&L->pts.s[k], x);
		if (!isnan(v)) {
			sum += v;
			any = true;
		}
	}
	return any ? sum : NAN;
}

static void
ranges(struct lines *L, const struct chart_spec *sp, int64_t *nonpos)
{
	double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
	for (int k = 0; k < L->pts.n; k++) {
		const struct cd_series *s = &L->pts.s[k];
		for (int64_t i = 0; i < s->n; i++) {
			double x = s->x[i], y = s->y[i];
			if ((sp->logx && !(x > 0)) || (sp->logy && !(y > 0))) {
				(*nonpos)++;
				continue;
			}
			if (L->stacked)
				y = stacked_at(L, x, L->pts.n - 1);
			xlo = fmin(xlo, x);
			xhi = fmax(xhi, x);
			ylo = fmin(ylo, y);
			yhi = fmax(yhi, y);
		}
	}
	if (L->pts.x_cat) {
		xlo = -0.5;
		xhi = L->pts.xcats.n - 0.5;
	}
	if (!isnan(sp->xmin))
		xlo = sp->xmin;
	if (!isnan(sp->xmax))
		xhi = sp->xmax;
	if (!isnan(sp->ymin))
		ylo = sp->ymin;
	if (!isnan(sp->ymax))
		yhi = sp->ymax;
	if (L->area && !sp->logy) {
		ylo = fmin(ylo, 0);
		yhi = fmax(yhi, 0);
	}
	L->xlo = sp->logx ? log10(xlo) : xlo;
	L->xhi = sp->logx ? log10(xhi) : xhi;
	L->ylo = sp->logy ? log10(ylo) : ylo;
	L->yhi = sp->logy ? log10(yhi) : yhi;
}

static void
yaxis(struct chart_ctx *cx, struct axis *a, int h)
{
	struct lines *L = cx->priv;
	axis_y(a, L->yk, L->ylo, L->yhi, h, false);
}

static void
xaxis(struct chart_ctx *cx, struct axis *a, int w)
{
	struct lines *L = cx->priv;
	if (L->xk == AXIS_CAT) {
		memset(a, 0, sizeof *a);
		a->kind = AXIS_CAT;
		int n = L->pts.xcats.n;
		a->lo = -0.5;
		a->hi = n - 0.5;
		a->nt = n < CHART_MAX_TICKS ? n : CHART_MAX_TICKS;
		for (int i = 0; i < a->nt; i++) {
			int c = n > CHART_MAX_TICKS ? (int)((double)i * n / a->nt) : i;
			a->ticks[i] = c;
			snprintf(a->labels[i], CHART_LABEL_MAX, "%s", L->pts.xcats.names[c]);
			a->labels[i][canvas_text_fit(a->labels[i], CHART_LABEL_MAX - 1, cx->ascii)] = '\0';
		}
		return;
	}
	axis_fit(a, L->xk, L->xlo, L->xhi, w, false, L->pts.x_date, cx->ascii);
}

/* the value at a fraction along an axis (inverse of axis_frac) */
static double
axis_value(const struct axis *a, double f)
{
	double v = a->lo + f * (a->hi - a->lo);
	return a->kind == AXIS_LOG ? pow(10, v) : v;
}

/* every third dot of a line: reference lines, dim */
static void
dotted(struct canvas *cv, int x0, int y0, int x1, int y1, char mark)
{
	int dx = abs(x1 - x0), dy = -abs(y1 - y0);
	int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, e = dx + dy;
	for (int i = 0;; i++) {
		if (i % 3 == 0)
			canvas_dot(cv, x0, y0, CANVAS_DIM, mark);
		if (x0 == x1 && y0 == y1)
			break;
		int e2 = 2 * e;
		if (e2 >= dy) {
			e += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			e += dx;
			y0 += sy;
		}
	}
}

static bool
in_unit(double f)
{
	return f >= -1e-9 && f <= 1 + 1e-9;
}

static void
draw_series(struct chart_ctx *cx, const struct lines *L, const struct axis *xa, const struct axis *ya,
    const struct area *p, int k)
{
	const struct cd_series *s = &L->pts.s[k];
	uint8_t attr = chart_attr(cx, k);
	char mark = chart_mark(cx, k);
	if (L->scatter && mark == 0 && cx->ascii)
		mark = '*';
	bool have = false;
	int px = 0, py = 0;
	for (int64_t i = 0; i < s->n; i++) {
		double fx = axis_frac(xa, s->x[i]), fy = axis_frac(ya, s->y[i]);
		if (!in_unit(fx) || !in_unit(fy)) {
			have = false;   /* off the axes (a log axis' 0, a fixed range) */
			continue;
		}
		int x = area_dotx(p, fx), y = area_doty(p, fy);
		if (L->markers)
			canvas_put(cx->cv, x / 2, y / 4, mark ? (uint32_t)(unsigned char)mark : chart_glyph(cx, 0x2022, '*'), attr);
		else if (L->scatter || !have)
			canvas_dot(cx->cv, x, y, attr, mark);
		else
			canvas_line(cx->cv, px, py, x, y, attr, mark);
		px = x;
		py = y;
		have = true;
	}
}

static void
draw_area(struct chart_ctx *cx, const struct lines *L, const struct axis *xa, const struct axis *ya,
    const struct area *p, int k)
{
	double base = ya->kind == AXIS_LOG ? pow(10, ya->lo) : (ya->lo > 0 ? ya->lo : ya->hi < 0 ? ya->hi : 0);
	double fb = axis_frac(ya, base);
	int base8 = (int)lround(fb * p->h) * 8;   /* at a cell edge */
	for (int c = 0; c < p->w; c++) {
		double x = axis_value(xa, (c + 0.5) / p->w);
		double y = L->stacked ? stacked_at(L, x, k) : interp(&L->pts.s[k], x);
		if (isnan(y))
			continue;
		double fy = axis_frac(ya, y);
		if (!(fy == fy))
			continue;
		fy = fy < 0 ? 0 : fy > 1 ? 1 : fy;
		int e8 = (int)lround(fy * p->h * 8);
		if (e8 > base8)
			canvas_vbar(cx->cv, p->x + c, p->y + p->h - 1 - base8 / 8, e8 - base8, chart_fill(cx, k),
			    chart_attr(cx, k));
		else if (e8 < base8)
			canvas_vbar(cx->cv, p->x + c, p->y + p->h - base8 / 8, e8 - base8, chart_fill(cx, k), chart_attr(cx, k));
	}
}

int
chart_draw_line(struct chart_ctx *cx)
{
	const struct chart_spec *sp = cx->sp;
	struct lines L = {0};
	L.scatter = sp->kind == CHART_SCATTER;
	L.area = sp->kind == CHART_AREA;
	cd_points_build(sp, cx->rs, &L.pts);
	L.stacked = L.area && sp->stacked && L.pts.n > 1;
	if (!L.scatter)
		for (int k = 0; k < L.pts.n; k++)
			sort_series(&L.pts.s[k]);
	int rc = -1;
	int64_t npts = 0, nonpos = 0;
	for (int k = 0; k < L.pts.n; k++)
		npts += L.pts.s[k].n;
	if (npts == 0) {
		err_set(cx->err, -1, "%s chart: no point to draw: every row has a NULL %s or y value", chart_kind_name(sp->kind),
		    sp->x[0].name);
		err_hint(cx->err, "check the query, or chart other columns");
		goto out;
	}
	if (L.pts.x_cat && sp->logx) {
		err_set(cx->err, sp->x[0].pos, "%s chart: x (%s) holds categories; a log scale needs numbers",
		    chart_kind_name(sp->kind), sp->x[0].name);
		goto out;
	}
	ranges(&L, sp, &nonpos);
	if (!isfinite(L.xlo) || !isfinite(L.ylo)) {
		err_set(cx->err, -1, "%s chart: no point to draw: every value is 0 or negative on a log scale",
		    chart_kind_name(sp->kind));
		err_hint(cx->err, "leave out log, or chart positive values");
		goto out;
	}
	if (L.pts.skipped)
		chart_note(cx, "%lld row%s with a NULL (or non-finite) x or y left out", (long long)L.pts.skipped,
		    L.pts.skipped == 1 ? "" : "s");
	if (L.pts.dropped)
		chart_note(cx, "%d of %d series shown (the first); filter the rows or aggregate to see the others", L.pts.n,
		    L.pts.nseries_all);
	if (nonpos)
		chart_note(cx, "%lld point%s <= 0 left out (log scale)", (long long)nonpos, nonpos == 1 ? "" : "s");
	L.xk = L.pts.x_cat ? AXIS_CAT : sp->logx ? AXIS_LOG : L.pts.x_time ? AXIS_TIME : AXIS_LINEAR;
	L.yk = sp->logy ? AXIS_LOG : AXIS_LINEAR;
	int ns = L.pts.n;
	char **names = xcalloc((size_t)ns, sizeof *names);
	uint32_t *g = xcalloc((size_t)ns, sizeof *g);
	uint8_t *at = xcalloc((size_t)ns, sizeof *at);
	for (int k = 0; k < ns; k++) {
		names[k] = L.pts.s[k].name;
		char m = chart_mark(cx, k);
		if (L.area)
			g[k] = chart_fill(cx, k);
		else if (m)
			g[k] = (uint32_t)(unsigned char)m;
		else if (L.scatter)
			g[k] = chart_glyph(cx, 0x2022, '*');
		else
			g[k] = chart_glyph(cx, 0x2501, '-');
		at[k] = chart_attr(cx, k);
	}
	chart_legend_set(cx, ns, names, g, at);
	free(g);
	free(at);
	cx->priv = &L;
	struct axis xa, ya;
	struct xy_layout Lay = {.xa = &xa, .ya = &ya};
	if (chart_xy_layout(cx, &Lay, yaxis, xaxis) < 0) {
		free(names);
		goto out;
	}
	const struct area *p = &Lay.plot;
	L.markers = L.scatter && npts * 6 <= (int64_t)p->w * p->h;
	char refmark = cx->ascii ? '.' : 0;
	if (sp->diagonal)
		dotted(cx->cv, area_dotx(p, 0), area_doty(p, 0), area_dotx(p, 1), area_doty(p, 1), refmark);
	if ((sp->zero_line || L.area) && ya.kind == AXIS_LINEAR && ya.lo < 0 && ya.hi > 0) {
		int y = area_doty(p, axis_frac(&ya, 0));
		dotted(cx->cv, area_dotx(p, 0), y, area_dotx(p, 1), y, refmark);
	}
	/* the first series last, on top */
	for (int k = ns - 1; k >= 0; k--) {
		if (L.area)
			draw_area(cx, &L, &xa, &ya, p, k);
		else
			draw_series(cx, &L, &xa, &ya, p, k);
	}
	chart_xy_axes(cx, &Lay);
	free(names);
	rc = 0;
out:
	cx->priv = NULL;
	cx->nlegend = 0;
	cd_points_free(&L.pts);
	return rc;
}
