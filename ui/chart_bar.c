/*
 * chart_bar: bar charts - vertical or horizontal, one series or several
 * side by side (grouped) or on top of each other (stacked) - and
 * histograms.
 *
 * Bars are drawn in eighths of a cell (block elements); their baseline is
 * 0 (or the axis' start on a log scale), snapped to a cell edge. Stacked
 * segments meet at cell edges (a cell has one colour), the top one ends
 * in eighths. Horizontal bars carry their value at their end.
 *
 * Histogram bins: bins=N splits [min, max] into N equal bins; binwidth=W
 * starts at a multiple of W; otherwise the width is the smaller of
 * Sturges' (range / (log2 n + 1)) and Freedman-Diaconis' (2 IQR / n^(1/3),
 * when the IQR is not 0) - numpy's "auto" - rounded to a nice 1-2-5 number
 * and widened until the bins fit the plot's columns. Bins are [a, b), the
 * last one [a, b].
 */
#include "ui/chart_int.h"

#include "core/xmalloc.h"
#include "ui/render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct bars {
	struct cd_table t;
	int ncat;              /* categories drawn (the first ncat) */
	double lo, hi;         /* value range */
	bool log;
	bool stacked;
	enum axis_kind vkind;
};

static void
value_range(struct bars *b)
{
	const struct cd_table *t = &b->t;
	double lo = INFINITY, hi = -INFINITY;
	for (int c = 0; c < b->ncat; c++) {
		double pos = 0, neg = 0;
		for (int s = 0; s < t->sers.n; s++) {
			double v = t->v[(size_t)s * t->cats.n + c];
			if (isnan(v) || (b->log && !(v > 0)))
				continue;
			if (b->stacked) {
				if (v >= 0)
					pos += v;
				else
					neg += v;
			} else {
				lo = fmin(lo, v);
				hi = fmax(hi, v);
			}
		}
		if (b->stacked) {
			lo = fmin(lo, neg);
			hi = fmax(hi, pos);
		}
	}
	if (!isfinite(lo)) {
		lo = b->log ? 1 : 0;
		hi = b->log ? 10 : 1;
	}
	if (b->log) {
		b->lo = log10(lo);
		b->hi = log10(hi);
	} else {
		b->lo = lo;
		b->hi = hi;
	}
}

static void
value_axis(struct chart_ctx *cx, struct axis *a, int len, bool along_x)
{
	struct bars *b = cx->priv;
	if (along_x)
		axis_fit(a, b->vkind, b->lo, b->hi, len, !b->log, false, cx->ascii);
	else
		axis_y(a, b->vkind, b->lo, b->hi, len, !b->log);
}

static void
yaxis_values(struct chart_ctx *cx, struct axis *a, int h)
{
	value_axis(cx, a, h, false);
}

static void
xaxis_cats(struct chart_ctx *cx, struct axis *a, int w)
{
	struct bars *b = cx->priv;
	memset(a, 0, sizeof *a);
	a->kind = AXIS_CAT;
	int need = b->stacked ? 1 : b->t.sers.n;
	int fit = w / need;
	if (fit < b->ncat)
		b->ncat = fit < 1 ? 1 : fit;
	int n = b->ncat < CHART_MAX_TICKS ? b->ncat : CHART_MAX_TICKS;
	/* labels: kept for up to CHART_MAX_TICKS categories; with more, the
	 * axis labels every k-th (cat_every) from a sample */
	a->nt = b->ncat;
	a->lo = -0.5;
	a->hi = b->ncat - 0.5;
	if (b->ncat > CHART_MAX_TICKS) {
		/* sample evenly: the label of slot i lands at tick i */
		a->nt = n;
	}
	for (int i = 0; i < a->nt; i++) {
		int c = b->ncat > CHART_MAX_TICKS ? (int)((double)i * b->ncat / n) : i;
		a->ticks[i] = c;
		snprintf(a->labels[i], CHART_LABEL_MAX, "%s", b->t.cats.names[c]);
		/* cut at a character boundary */
		int fit_bytes = canvas_text_fit(a->labels[i], CHART_LABEL_MAX - 1, cx->ascii);
		a->labels[i][fit_bytes] = '\0';
	}
}

/* eighths from the start of an axis of len cells to value v */
static int
eighths(const struct axis *a, double v, int len)
{
	double f = axis_frac(a, v);
	if (!(f == f))
		f = 0;
	if (f < 0)
		f = 0;
	if (f > 1)
		f = 1;
	return (int)lround(f * len * 8);
}

static double
base_value(const struct bars *b, const struct axis *a)
{
	if (b->log)
		return pow(10, a->lo);
	return a->lo > 0 ? a->lo : a->hi < 0 ? a->hi : 0;
}

/* One bar (or stacked segment) along an axis of len cells: from eighth
 * from8 to to8. Vertical: x is the column, origin the row below the plot;
 * horizontal: x is the row, origin the plot's first column. */
static void
bar_segment(struct canvas *cv, bool vertical, int x, int origin, int from8, int to8, uint32_t fill, uint8_t attr)
{
	if (to8 == from8)
		return;
	if (vertical) {
		if (to8 > from8)
			canvas_vbar(cv, x, origin - 1 - from8 / 8, to8 - from8, fill, attr);
		else
			canvas_vbar(cv, x, origin - from8 / 8, to8 - from8, fill, attr);
	} else {
		if (to8 > from8)
			canvas_hbar(cv, origin + from8 / 8, x, to8 - from8, fill, attr);
		else
			canvas_hbar(cv, origin + from8 / 8 - 1, x, to8 - from8, fill, attr);
	}
}

/* The bars of category c at position x (a column span or a row span):
 * grouped, each series its own band of the span; stacked, one band. */
static void
draw_category(struct chart_ctx *cx, struct bars *b, const struct axis *va, int len, bool vertical, int origin, int c,
    int x0, int x1)
{
	const struct cd_table *t = &b->t;
	int base8 = eighths(va, base_value(b, va), len);
	base8 = (base8 + 4) / 8 * 8;
	int ns = t->sers.n;
	if (b->stacked) {
		int up8 = base8, down8 = base8;
		double up = 0, down = 0;
		/* the last series going each way ends in eighths; the others
		 * at cell edges */
		int last_up = -1, last_down = -1;
		for (int s = 0; s < ns; s++) {
			double v = t->v[(size_t)s * t->cats.n + c];
			if (isnan(v) || v == 0)
				continue;
			if (v > 0)
				last_up = s;
			else
				last_down = s;
		}
		for (int s = 0; s < ns; s++) {
			double v = t->v[(size_t)s * t->cats.n + c];
			if (isnan(v) || v == 0)
				continue;
			double *cum = v > 0 ? &up : &down;
			int *at8 = v > 0 ? &up8 : &down8;
			*cum += v;
			int end8 = eighths(va, *cum, len);
			if (s != (v > 0 ? last_up : last_down))
				end8 = (end8 + 4) / 8 * 8;
			for (int x = x0; x < x1; x++)
				bar_segment(cx->cv, vertical, x, origin, *at8, end8, chart_fill(cx, s), chart_attr(cx, s));
			*at8 = end8;
		}
		return;
	}
	int span = x1 - x0;
	for (int s = 0; s < ns; s++) {
		double v = t->v[(size_t)s * t->cats.n + c];
		if (isnan(v) || (b->log && !(v > 0)))
			continue;
		int a = x0 + span * s / ns, z = x0 + span * (s + 1) / ns;
		if (z <= a)
			z = a + 1;
		int end8 = eighths(va, v, len);
		for (int x = a; x < z; x++)
			bar_segment(cx->cv, vertical, x, origin, base8, end8, chart_fill(cx, s), chart_attr(cx, s));
	}
}

static int
vertical_bars(struct chart_ctx *cx, struct bars *b)
{
	struct axis xa, ya;
	struct xy_layout L = {.xa = &xa, .ya = &ya};
	if (chart_xy_layout(cx, &L, yaxis_values, xaxis_cats) < 0)
		return -1;
	chart_xy_axes(cx, &L);
	const struct area *p = &L.plot;
	for (int c = 0; c < b->ncat; c++) {
		int s0 = p->x + (int)((double)c * p->w / b->ncat), s1 = p->x + (int)((double)(c + 1) * p->w / b->ncat);
		int sw = s1 - s0;
		int need = b->stacked ? 1 : b->t.sers.n;
		int gw = (int)lround(sw * 0.7);
		if (gw > sw - 1)
			gw = sw - 1;
		if (gw < need)
			gw = need < sw ? need : sw;
		int x0 = s0 + (sw - gw) / 2;
		draw_category(cx, b, &ya, p->h, true, p->y + p->h, c, x0, x0 + gw);
	}
	return 0;
}

static int
horizontal_bars(struct chart_ctx *cx, struct bars *b)
{
	struct canvas *cv = cx->cv;
	const struct cd_table *t = &b->t;
	chart_head(cx);
	int top = cx->top + (cx->sp->ylabel ? 1 : 0);
	int axrow_max = cv->h - 2 - (cx->sp->xlabel ? 1 : 0);
	int rows = axrow_max - top;
	int per = b->stacked ? 1 : t->sers.n;
	if (rows < per) {
		err_set(cx->err, -1, "a bar chart needs more rows: %d leave no room for a bar", cv->h);
		err_hint(cx->err, "give it height=%d or more", cv->h + per - rows);
		return -1;
	}
	/* a blank row between categories when there is room (and they are
	 * not too many to read) */
	int gap = (b->ncat * per + b->ncat - 1 <= rows && b->ncat <= 16 && per * b->ncat > 1) ? 1 : 0;
	int fit = (rows + gap) / (per + gap);
	if (fit < b->ncat)
		b->ncat = fit;
	int used = b->ncat * per + (b->ncat - 1) * gap;
	int axrow = top + used;
	/* labels on the left, at most a third of the width */
	int lw = 0;
	for (int c = 0; c < b->ncat; c++) {
		int w = canvas_text_width(t->cats.names[c], cv->ascii);
		if (w > lw)
			lw = w;
	}
	if (lw > cv->w / 3)
		lw = cv->w / 3;
	/* value labels after the bars */
	int vw = 0;
	char buf[CHART_LABEL_MAX];
	for (int c = 0; c < b->ncat; c++)
		for (int s = 0; s < t->sers.n; s++) {
			double v = t->v[(size_t)s * t->cats.n + c];
			if (b->stacked) {
				if (s > 0)
					break;
				v = 0;
				for (int k = 0; k < t->sers.n; k++)
					if (!isnan(t->v[(size_t)k * t->cats.n + c]))
						v += t->v[(size_t)k * t->cats.n + c];
			}
			if (!isnan(v)) {
				int n = chart_fmt_value(v, buf);
				if (n > vw)
					vw = n;
			}
		}
	int px = lw + 2;
	int pw = cv->w - px - (vw + 1);
	if (pw < 8) {
		/* no room for values: the bars first */
		vw = -1;
		pw = cv->w - px - 1;
	}
	if (pw < 4) {
		err_set(cx->err, -1, "a bar chart needs more columns: %d leave no room for bars next to their labels", cv->w);
		err_hint(cx->err, "give it width=%d or more", cv->w + 10);
		return -1;
	}
	struct axis va;
	value_axis(cx, &va, pw, true);
	uint32_t vline = chart_glyph(cx, 0x2502, '|'), hline = chart_glyph(cx, 0x2500, '-');
	for (int r = top; r < axrow; r++)
		canvas_put(cv, px - 1, r, vline, 0);
	int row = top;
	for (int c = 0; c < b->ncat; c++) {
		const char *name = t->cats.names[c];
		int nw = canvas_text_width(name, cv->ascii);
		int shown = nw <= lw ? nw : lw;
		canvas_text(cv, px - 2 - shown, row, name, shown, 0);
		if (nw > lw)
			canvas_put(cv, px - 3, row, 0x2026, 0);
		draw_category(cx, b, &va, pw, false, px, c, row, row + per);
		if (vw > 0) {
			int base8 = (eighths(&va, base_value(b, &va), pw) + 4) / 8 * 8;
			for (int s = 0; s < (b->stacked ? 1 : t->sers.n); s++) {
				double v = t->v[(size_t)s * t->cats.n + c];
				if (b->stacked) {
					v = NAN;
					for (int k = 0; k < t->sers.n; k++) {
						double x = t->v[(size_t)k * t->cats.n + c];
						if (!isnan(x))
							v = isnan(v) ? x : v + x;
					}
				}
				if (isnan(v) || (b->log && !(v > 0)))
					continue;
				/* after the last cell drawn (or the baseline) */
				int endcol = px + base8 / 8 - 1;
				for (int x = px; x < px + pw; x++) {
					const struct canvas_cell *k = &cv->cells[(size_t)(row + s) * (size_t)cv->w + (size_t)x];
					if (k->cp != 0 && k->cp != ' ')
						endcol = x > endcol ? x : endcol;
				}
				chart_fmt_value(v, buf);
				canvas_text(cv, endcol + 2, row + s, buf, -1, 0);
			}
		}
		row += per + gap;
	}
	/* the value axis */
	canvas_put(cv, px - 1, axrow, chart_glyph(cx, 0x2514, '+'), 0);
	for (int x = px; x < px + pw; x++)
		canvas_put(cv, x, axrow, hline, 0);
	struct area plot = {px, top, pw, used};
	int last = -1;
	for (int i = 0; i < va.nt; i++) {
		double f = axis_frac(&va, b->log ? pow(10, va.ticks[i]) : va.ticks[i]);
		if (!(f >= -1e-9 && f <= 1 + 1e-9))
			continue;
		int col = area_col(&plot, f);
		canvas_put(cv, col, axrow, chart_glyph(cx, 0x252c, '+'), 0);
		int w = canvas_text_width(va.labels[i], cv->ascii);
		int start = col - (w - 1) / 2;
		if (start + w > cv->w)
			start = cv->w - w;
		if (start <= last)
			continue;
		canvas_text(cv, start, axrow + 1, va.labels[i], w, 0);
		last = start + w;
	}
	if (cx->sp->xlabel) {
		int w = canvas_text_width(cx->sp->xlabel, cv->ascii);
		canvas_text(cv, px + (pw - w) / 2 > 0 ? px + (pw - w) / 2 : 0, axrow + 2, cx->sp->xlabel, -1, 0);
	}
	if (cx->sp->ylabel)
		canvas_text(cv, 0, top - 1, cx->sp->ylabel, -1, 0);
	return 0;
}

int
chart_draw_bar(struct chart_ctx *cx)
{
	const struct chart_spec *sp = cx->sp;
	struct bars b = {0};
	cd_table_build(sp, cx->rs, &b.t);
	b.ncat = b.t.cats.n;
	b.log = sp->logy || sp->logx;
	b.vkind = b.log ? AXIS_LOG : AXIS_LINEAR;
	b.stacked = sp->stacked && b.t.sers.n > 1;
	if (b.stacked && b.log) {
		b.stacked = false;
		chart_note(cx, "stacked bars on a log scale are drawn side by side");
	}
	bool any = false;
	size_t cells = (size_t)b.t.sers.n * (size_t)b.t.cats.n;
	int64_t nonpos = 0;
	for (size_t i = 0; i < cells; i++)
		if (!isnan(b.t.v[i])) {
			if (b.log && !(b.t.v[i] > 0))
				nonpos++;
			else
				any = true;
		}
	int rc = -1;
	if (!any) {
		err_set(cx->err, -1, "bar chart: no value to draw: every %s is NULL%s", sp->ny == 1 ? sp->y[0].name : "y value",
		    b.log ? ", 0 or negative (log scale)" : "");
		err_hint(cx->err, "check the query, or chart another column");
		goto out;
	}
	if (sp->count)
		chart_note(cx, "the bars count the rows of each %s", sp->x[0].name);
	if (b.t.dropped)
		chart_note(cx, "%d of %d series shown (the first); filter the rows or aggregate to see the others",
		    b.t.sers.n, b.t.nseries_all);
	if (b.t.skipped)
		chart_note(cx, "%lld NULL value%s left out", (long long)b.t.skipped, b.t.skipped == 1 ? "" : "s");
	if (b.t.summed)
		chart_note(cx, "rows with the same %s are added up (%lld)", sp->x[0].name, (long long)b.t.summed);
	if (nonpos)
		chart_note(cx, "%lld value%s <= 0 left out (log scale)", (long long)nonpos, nonpos == 1 ? "" : "s");
	int ns = b.t.sers.n;
	uint32_t *g = xcalloc((size_t)ns, sizeof *g);
	uint8_t *at = xcalloc((size_t)ns, sizeof *at);
	for (int s = 0; s < ns; s++) {
		g[s] = chart_fill(cx, s);
		at[s] = chart_attr(cx, s);
	}
	chart_legend_set(cx, ns, b.t.sers.names, g, at);
	free(g);
	free(at);
	cx->priv = &b;
	value_range(&b);
	rc = sp->horizontal ? horizontal_bars(cx, &b) : vertical_bars(cx, &b);
	if (rc == 0 && b.ncat < b.t.cats.n)
		chart_note(cx, "%d of %d categories shown (the first); %s", b.ncat, b.t.cats.n,
		    sp->horizontal ? "give it more rows: height=N" : "try horizontal, or width=N");
out:
	cx->priv = NULL;
	cd_table_free(&b.t);
	return rc;
}

/* ------------------------------------------------------------ histograms */

struct hist {
	double *edges;   /* nb + 1 */
	int64_t *count;  /* nb */
	int nb;
	double maxc;
	bool log;        /* counts on a log axis (logy) */
	bool logx;       /* bins of equal width in log10 of the values; edges hold the values */
};

static void
yaxis_counts(struct chart_ctx *cx, struct axis *a, int h)
{
	struct hist *hs = cx->priv;
	if (hs->log)
		axis_log(a, 0, log10(hs->maxc > 1 ? hs->maxc : 10), chart_ytarget(h));
	else
		axis_y(a, AXIS_LINEAR, 0, hs->maxc, h, true);
}

static void
xaxis_edges(struct chart_ctx *cx, struct axis *a, int w)
{
	struct hist *hs = cx->priv;
	if (hs->logx)
		axis_fit(a, AXIS_LOG, log10(hs->edges[0]), log10(hs->edges[hs->nb]), w, false, false, cx->ascii);
	else
		axis_fit(a, AXIS_LINEAR, hs->edges[0], hs->edges[hs->nb], w, false, false, cx->ascii);
}

/* the bins of sorted x[0..n) for at most maxbins columns */
static void
make_bins(const struct chart_spec *sp, const double *x, int64_t n, int maxbins, struct hist *hs, const char **rule,
    double *width)
{
	double lo = x[0], hi = x[n - 1];
	int nb;
	double w, start;
	if (sp->bins > 0 || lo == hi) {
		nb = sp->bins > 0 ? sp->bins : 1;
		if (lo == hi) {
			double d = lo == 0 ? 0.5 : fabs(lo) * 0.05;
			lo -= d;
			hi += d;
		}
		w = (hi - lo) / nb;
		start = lo;
		*rule = sp->bins > 0 ? "as given" : "all values equal";
	} else {
		if (sp->binwidth > 0) {
			w = sp->binwidth;
			*rule = "as given";
		} else {
			double sturges = (hi - lo) / (ceil(log2((double)n)) + 1);
			double iqr = cd_quantile(x, n, 0.75) - cd_quantile(x, n, 0.25);
			double fd = iqr > 0 ? 2 * iqr / cbrt((double)n) : INFINITY;
			w = fmin(sturges, fd);
			*rule = fd < sturges ? "Freedman-Diaconis" : "Sturges";
			w = chart_nice(w, true);
			while ((hi - floor(lo / w) * w) / w > maxbins)
				w = chart_nice(w * 1.5, false);
		}
		start = floor(lo / w) * w;
		nb = (int)ceil((hi - start) / w);
		if (start + nb * w <= hi && sp->binwidth > 0)
			nb++;
		if (nb < 1)
			nb = 1;
		if (nb > 10000) {   /* binwidth far too small for the range */
			nb = 10000;
			w = (hi - start) / nb;
		}
	}
	hs->nb = nb;
	hs->edges = xmalloc(sizeof *hs->edges * (size_t)(nb + 1));
	hs->count = xcalloc((size_t)nb, sizeof *hs->count);
	for (int i = 0; i <= nb; i++)
		hs->edges[i] = start + i * w;
	for (int64_t i = 0; i < n; i++) {
		int k = (int)floor((x[i] - start) / w);
		if (k >= nb)
			k = nb - 1;
		if (k < 0)
			k = 0;
		hs->count[k]++;
	}
	*width = w;
}

int
chart_draw_hist(struct chart_ctx *cx)
{
	const struct chart_spec *sp = cx->sp;
	int col = cd_find(cx->rs, &sp->y[0], "y", cx->err);
	int64_t n, skipped;
	double *x = cd_column_values(cx->rs, col, &n, &skipped);
	struct hist hs = {.log = sp->logy, .logx = sp->logx};
	int rc = -1;
	if (hs.logx && n > 0) {
		/* the values are sorted: the positive ones are a suffix; bins are
		 * made over their logarithms */
		int64_t k = 0;
		while (k < n && !(x[k] > 0))
			k++;
		if (k > 0)
			chart_note(cx, "%lld value%s <= 0 left out (log scale)", (long long)k, k == 1 ? "" : "s");
		for (int64_t i = k; i < n; i++)
			x[i - k] = log10(x[i]);
		n -= k;
		if (n == 0) {
			err_set(cx->err, -1, "histogram: no value to count on a log scale: every %s is NULL, 0 or negative",
			    sp->y[0].name);
			err_hint(cx->err, "drop logx, or chart another column");
			goto out;
		}
	}
	if (n == 0) {
		err_set(cx->err, -1, "histogram: no value to count: every %s is NULL", sp->y[0].name);
		err_hint(cx->err, "check the query, or chart another column");
		goto out;
	}
	if (skipped)
		chart_note(cx, "%lld NULL value%s left out", (long long)skipped, skipped == 1 ? "" : "s");
	const char *rule;
	double w;
	int maxbins = cx->cv->w - 8 > 1 ? cx->cv->w - 8 : 1;
	if (hs.logx && sp->binwidth > 0) {
		chart_note(cx, "binwidth is ignored on a log scale (bins are equal in log10)");
		struct chart_spec s2 = *sp;
		s2.binwidth = 0;
		make_bins(&s2, x, n, maxbins, &hs, &rule, &w);
	} else {
		make_bins(sp, x, n, maxbins, &hs, &rule, &w);
	}
	if (hs.logx)
		for (int i = 0; i <= hs.nb; i++)
			hs.edges[i] = pow(10, hs.edges[i]);
	for (int i = 0; i < hs.nb; i++)
		if (hs.count[i] > hs.maxc)
			hs.maxc = (double)hs.count[i];
	char wb[CHART_LABEL_MAX], sb[CHART_LABEL_MAX];
	chart_fmt_value(w, wb);
	chart_fmt_value(hs.edges[0], sb);
	char nb[32];
	render_group_digits(n, nb);
	if (hs.logx)
		chart_note(cx, "histogram of %s: %s value%s in %d bin%s of %s decades each from %s (%s, on log10)",
		    sp->y[0].name, nb, n == 1 ? "" : "s", hs.nb, hs.nb == 1 ? "" : "s", wb, sb, rule);
	else
		chart_note(cx, "histogram of %s: %s value%s in %d bin%s of width %s from %s (%s)", sp->y[0].name, nb,
		    n == 1 ? "" : "s", hs.nb, hs.nb == 1 ? "" : "s", wb, sb, rule);
	cx->priv = &hs;
	struct axis xa, ya;
	struct xy_layout L = {.xa = &xa, .ya = &ya};
	if (chart_xy_layout(cx, &L, yaxis_counts, xaxis_edges) < 0)
		goto out;
	if (hs.nb > L.plot.w)
		chart_note(cx, "%d bins in %d columns: neighbouring bins share a column", hs.nb, L.plot.w);
	chart_xy_axes(cx, &L);
	const struct area *p = &L.plot;
	for (int i = 0; i < hs.nb; i++) {
		if (hs.count[i] == 0)
			continue;
		double f0 = axis_frac(&xa, hs.edges[i]), f1 = axis_frac(&xa, hs.edges[i + 1]);
		int c0 = p->x + (int)lround(f0 * p->w), c1 = p->x + (int)lround(f1 * p->w);
		if (c1 - c0 >= 4)
			c1--;   /* wide bins keep a column apart, to be told apart */
		if (c1 <= c0)
			c1 = c0 + 1;
		if (c1 > p->x + p->w)
			c1 = p->x + p->w;
		double fy = axis_frac(&ya, (double)hs.count[i]);
		if (!(fy == fy))
			continue;
		int e = (int)lround(fmin(fy, 1) * p->h * 8);
		if (e == 0)
			e = 1;   /* a bin with values is never invisible */
		for (int c = c0; c < c1; c++) {
			if (e < 4 && (cx->ascii || chart_fill(cx, 0) != 0x2588))   /* whole cells only: a low mark */
				canvas_put(cx->cv, c, p->y + p->h - 1, chart_glyph(cx, 0x2581, '_'), chart_attr(cx, 0));
			else
				canvas_vbar(cx->cv, c, p->y + p->h - 1, e, chart_fill(cx, 0), chart_attr(cx, 0));
		}
	}
	rc = 0;
out:
	cx->priv = NULL;
	free(x);
	free(hs.edges);
	free(hs.count);
	return rc;
}
