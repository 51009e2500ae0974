/*
 * chart_dist: charts of distributions and estimates, one row per group
 * with a value axis along the bottom:
 *
 * Box plots (box y=price x=category): the box from the first to the third
 * quartile (R's type 7 quantiles) with the median in it, whiskers out to
 * the furthest values within 1.5 IQR of the box, and the values beyond
 * them as outliers (o). Three rows per group when there is room, else one:
 *
 *              ┌────┬──────┐                   ├───████┃█████──────┤  o
 *   apple ├────┤    │      ├────────┤  o
 *              └────┴──────┘
 *
 * Interval charts (interval y=mean lo=ci_low hi=ci_high x=group): an
 * estimate (●) and its interval (├──┤) per row, with a dotted line at 0
 * when the estimates are differences, and the numbers on the right when
 * there is room: "0.051 [0.012, 0.09]".
 */
#include "ui/chart_int.h"

#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows of items with their labels on the left, values along the bottom. */
struct hrows {
	int per, gap;      /* rows per item, blank rows between items */
	int n;             /* items that fit */
	int lw;            /* label width */
	struct area plot;  /* the values' area (its h: the rows used) */
	int axrow;
	struct axis va;
};

static int
hrows_layout(struct chart_ctx *cx, struct hrows *H, int nitems, int per_max, char **labels, double lo, double hi,
    bool zero, int right_w)
{
	struct canvas *cv = cx->cv;
	chart_head(cx);
	int top = cx->top + (cx->sp->ylabel ? 1 : 0);
	int rows = cv->h - 2 - (cx->sp->xlabel ? 1 : 0) - top;
	if (rows < 1) {
		err_set(cx->err, -1, "a %s chart needs more rows: %d leave no room for a row of it", chart_kind_name(cx->sp->kind),
		    cv->h);
		err_hint(cx->err, "give it height=%d or more", cv->h + 1 - rows);
		return -1;
	}
	H->per = per_max;
	H->gap = 0;
	if (nitems * per_max > rows)
		H->per = 1;
	if (H->per == 1 && nitems * 2 - 1 <= rows && nitems <= 16 && nitems > 1)
		H->gap = 1;
	H->n = (rows + H->gap) / (H->per + H->gap);
	if (H->n > nitems)
		H->n = nitems;
	int used = H->n * H->per + (H->n - 1) * H->gap;
	H->lw = 0;
	for (int i = 0; i < H->n; i++) {
		int w = canvas_text_width(labels[i], cv->ascii);
		if (w > H->lw)
			H->lw = w;
	}
	if (H->lw > cv->w / 3)
		H->lw = cv->w / 3;
	int px = H->lw + 2;
	int pw = cv->w - px - 1 - right_w;
	if (pw < 8) {
		err_set(cx->err, -1, "a %s chart needs more columns: %d leave no room next to its labels",
		    chart_kind_name(cx->sp->kind), cv->w);
		err_hint(cx->err, "give it width=%d or more", cv->w + 10);
		return -1;
	}
	bool lg = cx->sp->logx || cx->sp->logy;
	if (lg)
		axis_fit(&H->va, AXIS_LOG, log10(lo), log10(hi), pw, false, false, cv->ascii);
	else
		axis_fit(&H->va, AXIS_LINEAR, lo, hi, pw, zero, false, cv->ascii);
	H->plot = (struct area){px, top, pw, used};
	H->axrow = top + used;
	return 0;
}

/* the labels, the line left of the values and the value axis */
static void
hrows_frame(struct chart_ctx *cx, const struct hrows *H, char **labels)
{
	struct canvas *cv = cx->cv;
	const struct area *p = &H->plot;
	uint32_t vline = chart_glyph(cx, 0x2502, '|'), hline = chart_glyph(cx, 0x2500, '-');
	for (int r = p->y; r < H->axrow; r++)
		canvas_put(cv, p->x - 1, r, vline, 0);
	for (int i = 0; i < H->n; i++) {
		int row = p->y + i * (H->per + H->gap) + H->per / 2;
		int w = canvas_text_width(labels[i], cv->ascii);
		int shown = w < H->lw ? w : H->lw;
		canvas_text(cv, p->x - 2 - shown, row, labels[i], shown, 0);
		if (w > H->lw)
			canvas_put(cv, p->x - 3, row, 0x2026, 0);
	}
	canvas_put(cv, p->x - 1, H->axrow, chart_glyph(cx, 0x2514, '+'), 0);
	for (int x = p->x; x < p->x + p->w; x++)
		canvas_put(cv, x, H->axrow, hline, 0);
	int last = -1;
	for (int i = 0; i < H->va.nt; i++) {
		double t = H->va.kind == AXIS_LOG ? pow(10, H->va.ticks[i]) : H->va.ticks[i];
		double f = axis_frac(&H->va, t);
		if (!(f >= -1e-9 && f <= 1 + 1e-9))
			continue;
		int col = area_col(p, f);
		canvas_put(cv, col, H->axrow, chart_glyph(cx, 0x252c, '+'), 0);
		int w = canvas_text_width(H->va.labels[i], cv->ascii);
		int start = col - (w - 1) / 2;
		if (start + w > cv->w)
			start = cv->w - w;
		if (start <= last)
			continue;
		canvas_text(cv, start, H->axrow + 1, H->va.labels[i], w, 0);
		last = start + w;
	}
	if (cx->sp->xlabel) {
		int w = canvas_text_width(cx->sp->xlabel, cv->ascii);
		int start = p->x + (p->w - w) / 2;
		canvas_text(cv, start > 0 ? start : 0, H->axrow + 2, cx->sp->xlabel, -1, 0);
	}
	if (cx->sp->ylabel)
		canvas_text(cv, 0, p->y - 1, cx->sp->ylabel, -1, 0);
}

/* the column of value v (NaN: -1) */
static int
vcol(const struct hrows *H, double v)
{
	double f = axis_frac(&H->va, v);
	if (!(f == f))
		return -1;
	return area_col(&H->plot, f < 0 ? 0 : f > 1 ? 1 : f);
}

/* ------------------------------------------------------------ box plots */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct group {
	double *v;
	int64_t n;
	size_t cap;
};

int
chart_draw_box(struct chart_ctx *cx)
{
	const struct chart_spec *sp = cx->sp;
	const struct rowset *rs = cx->rs;
	int yc = cd_find(rs, &sp->y[0], "y", cx->err);
	int xc[16], nx = sp->nx;
	for (int i = 0; i < nx; i++)
		xc[i] = cd_find(rs, &sp->x[i], "x", cx->err);
	if (nx == 0 && sp->series.name) {
		xc[0] = cd_find(rs, &sp->series, "series", cx->err);
		nx = 1;
	}
	struct cd_cats cats = {0};
	struct group *g = NULL;
	size_t gcap = 0;
	int64_t skipped = 0, nonpos = 0;
	struct strbuf b = STRBUF_INIT;
	bool lg = sp->logx || sp->logy;
	for (int64_t r = 0; r < rs->nrows; r++) {
		sb_clear(&b);
		if (nx)
			cd_label(rs, r, xc, nx, &b);
		else
			sb_puts(&b, rs->names[yc]);
		int k = cd_cat_add(&cats, sb_str(&b));
		if (k >= (int)gcap) {
			size_t old = gcap;
			g = xgrow(g, &gcap, (size_t)k + 1, sizeof *g);
			memset(g + old, 0, sizeof *g * (gcap - old));
		}
		double v = cd_num(rs, r, yc);
		if (!isfinite(v)) {
			skipped++;
			continue;
		}
		if (lg && !(v > 0)) {
			nonpos++;
			continue;
		}
		if ((size_t)g[k].n + 1 > g[k].cap) {
			g[k].cap = g[k].cap ? g[k].cap * 2 : 16;
			g[k].v = xrealloc(g[k].v, sizeof *g[k].v * g[k].cap);
		}
		g[k].v[g[k].n++] = v;
	}
	sb_free(&b);
	int rc = -1;
	double lo = INFINITY, hi = -INFINITY;
	for (int k = 0; k < cats.n; k++) {
		if (g[k].n == 0)
			continue;
		qsort(g[k].v, (size_t)g[k].n, sizeof *g[k].v, cmp_double);   /* for the quartiles */
		lo = fmin(lo, g[k].v[0]);
		hi = fmax(hi, g[k].v[g[k].n - 1]);
	}
	if (!isfinite(lo)) {
		err_set(cx->err, -1, "box plot: no value to draw: every %s is NULL%s", sp->y[0].name,
		    lg ? ", 0 or negative (log scale)" : "");
		err_hint(cx->err, "check the query, or chart another column");
		goto out;
	}
	if (skipped)
		chart_note(cx, "%lld NULL value%s left out", (long long)skipped, skipped == 1 ? "" : "s");
	if (nonpos)
		chart_note(cx, "%lld value%s <= 0 left out (log scale)", (long long)nonpos, nonpos == 1 ? "" : "s");
	struct hrows H;
	if (hrows_layout(cx, &H, cats.n, 3, cats.names, lo, hi, false, 0) < 0)
		goto out;
	if (H.n < cats.n)
		chart_note(cx, "%d of %d groups shown (the first); give it more rows: height=N", H.n, cats.n);
	hrows_frame(cx, &H, cats.names);
	struct canvas *cv = cx->cv;
	uint8_t attr = chart_attr(cx, 0);
	for (int k = 0; k < H.n; k++) {
		if (g[k].n == 0)
			continue;
		const double *x = g[k].v;
		int64_t n = g[k].n;
		double q1 = cd_quantile(x, n, 0.25), med = cd_quantile(x, n, 0.5), q3 = cd_quantile(x, n, 0.75);
		double iqr = q3 - q1;
		double wlo = q1, whi = q3;
		for (int64_t i = 0; i < n; i++)
			if (x[i] >= q1 - 1.5 * iqr) {
				wlo = x[i];
				break;
			}
		for (int64_t i = n - 1; i >= 0; i--)
			if (x[i] <= q3 + 1.5 * iqr) {
				whi = x[i];
				break;
			}
		int mid = H.plot.y + k * (H.per + H.gap) + H.per / 2;
		int cwlo = vcol(&H, wlo), cq1 = vcol(&H, q1), cmed = vcol(&H, med), cq3 = vcol(&H, q3), cwhi = vcol(&H, whi);
		uint32_t hl = chart_glyph(cx, 0x2500, '-');
		for (int c = cwlo; c <= cwhi; c++)
			canvas_put(cv, c, mid, hl, attr);
		canvas_put(cv, cwlo, mid, chart_glyph(cx, 0x251c, '|'), attr);
		canvas_put(cv, cwhi, mid, chart_glyph(cx, 0x2524, '|'), attr);
		if (H.per == 3 && cq3 <= cq1) {
			/* no box: the quartiles share a column */
			canvas_put(cv, cmed, mid - 1, chart_glyph(cx, 0x2502, '|'), attr);
			canvas_put(cv, cmed, mid, chart_glyph(cx, 0x2503, '|'), attr | CANVAS_BOLD);
			canvas_put(cv, cmed, mid + 1, chart_glyph(cx, 0x2502, '|'), attr);
		} else if (H.per == 3) {
			/* ┌──┬──┐ / ┤  │  ├ / └──┴──┘ */
			for (int c = cq1; c <= cq3; c++) {
				canvas_put(cv, c, mid - 1, hl, attr);
				canvas_put(cv, c, mid + 1, hl, attr);
				if (c > cq1 && c < cq3)
					canvas_put(cv, c, mid, ' ', attr);
			}
			canvas_put(cv, cq1, mid - 1, chart_glyph(cx, 0x250c, '+'), attr);
			canvas_put(cv, cq3, mid - 1, chart_glyph(cx, 0x2510, '+'), attr);
			canvas_put(cv, cq1, mid + 1, chart_glyph(cx, 0x2514, '+'), attr);
			canvas_put(cv, cq3, mid + 1, chart_glyph(cx, 0x2518, '+'), attr);
			canvas_put(cv, cq1, mid, chart_glyph(cx, cq1 == cwlo ? 0x2502 : 0x2524, '|'), attr);
			canvas_put(cv, cq3, mid, chart_glyph(cx, cq3 == cwhi ? 0x2502 : 0x251c, '|'), attr);
			if (cmed > cq1 && cmed < cq3) {
				canvas_put(cv, cmed, mid - 1, chart_glyph(cx, 0x252c, '+'), attr);
				canvas_put(cv, cmed, mid, chart_glyph(cx, 0x2502, '|'), attr | CANVAS_BOLD);
				canvas_put(cv, cmed, mid + 1, chart_glyph(cx, 0x2534, '+'), attr);
			} else {
				canvas_put(cv, cmed, mid, chart_glyph(cx, 0x2503, '|'), attr | CANVAS_BOLD);
			}
		} else {
			/* ├───[████┃█████]───┤ in one row */
			for (int c = cq1; c <= cq3; c++)
				canvas_put(cv, c, mid, chart_glyph(cx, 0x2588, '='), attr);
			if (cx->ascii && cq3 > cq1) {
				canvas_put(cv, cq1, mid, '[', attr);
				canvas_put(cv, cq3, mid, ']', attr);
			}
			canvas_put(cv, cmed, mid, chart_glyph(cx, 0x2503, '|'), (uint8_t)(cx->color ? CANVAS_BOLD : attr));
		}
		for (int64_t i = 0; i < n; i++)
			if (x[i] < wlo || x[i] > whi)
				canvas_put(cv, vcol(&H, x[i]), mid, chart_glyph(cx, 0x25cb, 'o'), attr);
	}
	rc = 0;
out:
	for (int k = 0; k < cats.n && k < (int)gcap; k++)
		free(g[k].v);
	free(g);
	cd_cats_free(&cats);
	return rc;
}

/* ------------------------------------------------------------ intervals */

int
chart_draw_interval(struct chart_ctx *cx)
{
	const struct chart_spec *sp = cx->sp;
	const struct rowset *rs = cx->rs;
	int ec = cd_find(rs, &sp->y[0], "y", cx->err);
	int lc = cd_find(rs, &sp->lo, "lo", cx->err), hc = cd_find(rs, &sp->hi, "hi", cx->err);
	int xc[16];
	for (int i = 0; i < sp->nx; i++)
		xc[i] = cd_find(rs, &sp->x[i], "x", cx->err);
	int64_t n = rs->nrows;
	char **labels = xcalloc((size_t)n + 1, sizeof *labels);
	double *est = xmalloc(sizeof *est * (size_t)(n + 1)), *lo = xmalloc(sizeof *lo * (size_t)(n + 1)),
	       *hi = xmalloc(sizeof *hi * (size_t)(n + 1));
	int64_t m = 0, skipped = 0;
	double vlo = INFINITY, vhi = -INFINITY;
	struct strbuf b = STRBUF_INIT;
	bool lg = sp->logx || sp->logy;
	for (int64_t r = 0; r < n; r++) {
		double e = cd_num(rs, r, ec), l = cd_num(rs, r, lc), h = cd_num(rs, r, hc);
		if (lg) {
			e = e > 0 ? e : NAN;
			l = l > 0 ? l : NAN;
			h = h > 0 ? h : NAN;
		}
		if (!isfinite(e) && !(isfinite(l) && isfinite(h))) {
			skipped++;
			continue;
		}
		sb_clear(&b);
		if (sp->nx)
			cd_label(rs, r, xc, sp->nx, &b);
		else
			sb_printf(&b, "%lld", (long long)r + 1);
		labels[m] = xstrdup(sb_str(&b));
		est[m] = isfinite(e) ? e : NAN;
		lo[m] = isfinite(l) ? l : NAN;
		hi[m] = isfinite(h) ? h : NAN;
		for (int k = 0; k < 3; k++) {
			double v = k == 0 ? est[m] : k == 1 ? lo[m] : hi[m];
			if (!isnan(v)) {
				vlo = fmin(vlo, v);
				vhi = fmax(vhi, v);
			}
		}
		m++;
	}
	sb_free(&b);
	int rc = -1;
	if (m == 0) {
		err_set(cx->err, -1, "interval chart: no row has an estimate (%s) or both ends (%s, %s)", sp->y[0].name,
		    sp->lo.name, sp->hi.name);
		err_hint(cx->err, "check the query, or name other columns: interval y=EST lo=LOW hi=HIGH");
		goto out;
	}
	if (skipped)
		chart_note(cx, "%lld row%s without an estimate or interval left out", (long long)skipped,
		    skipped == 1 ? "" : "s");
	/* the numbers on the right: "est [lo, hi]", all with the decimals of
	 * a hundredth of a tick step, so that they line up */
	char (*num)[3 * CHART_LABEL_MAX + 8] = xcalloc((size_t)m, sizeof *num);
	int nw = 0;
	double tk[CHART_MAX_TICKS], step;
	chart_ticks(vlo, vhi, 5, tk, CHART_MAX_TICKS, &step);
	double maxabs = fmax(fabs(vlo), fabs(vhi));
	for (int64_t i = 0; i < m; i++) {
		char a[CHART_LABEL_MAX] = "", l[CHART_LABEL_MAX] = "", h[CHART_LABEL_MAX] = "";
		if (!isnan(est[i]))
			chart_fmt_tick(est[i], step / 100, maxabs, a);
		if (!isnan(lo[i]))
			chart_fmt_tick(lo[i], step / 100, maxabs, l);
		if (!isnan(hi[i]))
			chart_fmt_tick(hi[i], step / 100, maxabs, h);
		if (!isnan(lo[i]) || !isnan(hi[i]))
			snprintf(num[i], sizeof num[i], "%s [%s, %s]", a, l[0] ? l : "?", h[0] ? h : "?");
		else
			snprintf(num[i], sizeof num[i], "%s", a);
		int w = (int)strlen(num[i]);
		if (w > nw)
			nw = w;
	}
	struct hrows H;
	int right = nw + 2;
	if (cx->cv->w - right < 40)
		right = 0;   /* no room for the numbers */
	bool zero = sp->zero_line && !lg;
	if (hrows_layout(cx, &H, (int)m, 1, labels, vlo, vhi, zero, right) < 0)
		goto out_num;
	if (H.n < m)
		chart_note(cx, "%d of %lld rows shown (the first); give it more rows: height=N", H.n, (long long)m);
	hrows_frame(cx, &H, labels);
	struct canvas *cv = cx->cv;
	if (zero && H.va.lo < 0 && H.va.hi > 0) {
		int c = vcol(&H, 0);
		for (int r = H.plot.y; r < H.axrow; r++)
			canvas_put(cv, c, r, chart_glyph(cx, 0x250a, ':'), CANVAS_DIM);
	}
	uint8_t attr = chart_attr(cx, 0);
	for (int i = 0; i < H.n; i++) {
		int row = H.plot.y + i * (H.per + H.gap);
		int cl = vcol(&H, lo[i]), ch = vcol(&H, hi[i]);
		if (cl >= 0 && ch >= 0) {
			for (int c = cl; c <= ch; c++)
				canvas_put(cv, c, row, chart_glyph(cx, 0x2500, '-'), attr);
			canvas_put(cv, cl, row, chart_glyph(cx, 0x251c, '|'), attr);
			canvas_put(cv, ch, row, chart_glyph(cx, 0x2524, '|'), attr);
		}
		int ce = vcol(&H, est[i]);
		if (ce >= 0)
			canvas_put(cv, ce, row, chart_glyph(cx, 0x25cf, 'o'), (uint8_t)(attr | CANVAS_BOLD));
		if (right)
			canvas_text(cv, H.plot.x + H.plot.w + 2, row, num[i], -1, 0);
	}
	rc = 0;
out_num:
	free(num);
out:
	for (int64_t i = 0; i < m; i++)
		free(labels[i]);
	free(labels);
	free(est);
	free(lo);
	free(hi);
	return rc;
}
