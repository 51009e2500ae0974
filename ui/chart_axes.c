/*
 * chart_axes: what every chart family shares on the canvas - the title
 * and legend, series' colours, fills and marks, axes (linear, log, time,
 * categories) with their ticks and labels, and the layout of an XY plot:
 *
 *                 title
 *                          ━ loss  ━ eval_loss       legend
 *   ylabel
 *    1.5 ┤⠈⠢⡀                                        y ticks, right-aligned
 *      1 ┤   ⠈⠑⠢⢄⣀
 *    0.5 ┤        ⠉⠉⠒⠒⠤⠤⣀⣀⣀
 *        └┬──────────┬──────────┬──                  the x axis
 *         0          10         20                   x tick labels
 *                    xlabel
 *
 * Positions: a fraction f (0..1) along an axis maps to the cell whose
 * span holds f * length - the same rule for dots, bar ends and tick
 * marks, so that a tick's label sits on the row a bar of that value
 * reaches.
 */
#include "ui/chart_int.h"

#include "core/xmalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
chart_note(struct chart_ctx *cx, const char *fmt, ...)
{
	if (cx->notes == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(cx->notes, fmt, ap);
	va_end(ap);
	sb_putc(cx->notes, '\n');
}

uint32_t
chart_fill(const struct chart_ctx *cx, int k)
{
	static const char ascii[] = "#=+*o%@:";
	static const uint32_t shades[] = {0x2588, 0x2593, 0x2592, 0x2591};
	if (cx->ascii)
		return (uint32_t)(unsigned char)ascii[k % 8];
	if (cx->color)
		return 0x2588;
	return shades[k % 4];
}

char
chart_mark(const struct chart_ctx *cx, int k)
{
	static const char marks[] = "*+xo#@%&";
	if (cx->color && !cx->ascii)
		return 0;
	if (k == 0)
		return 0;
	return marks[k % 8];
}

uint8_t
chart_attr(const struct chart_ctx *cx, int k)
{
	return cx->color ? canvas_series_attr(k) : 0;
}

uint32_t
chart_glyph(const struct chart_ctx *cx, uint32_t utf8, char ascii)
{
	return cx->ascii ? (uint32_t)(unsigned char)ascii : utf8;
}

void
chart_legend_set(struct chart_ctx *cx, int n, char **names, const uint32_t *glyphs, const uint8_t *attrs)
{
	free(cx->legend_glyph);
	free(cx->legend_attr);
	cx->nlegend = n;
	cx->legend = names;
	cx->legend_glyph = xcalloc((size_t)(n ? n : 1), sizeof *cx->legend_glyph);
	cx->legend_attr = xcalloc((size_t)(n ? n : 1), sizeof *cx->legend_attr);
	for (int i = 0; i < n; i++) {
		cx->legend_glyph[i] = glyphs[i];
		cx->legend_attr[i] = attrs[i];
	}
}

void
chart_head(struct chart_ctx *cx)
{
	struct canvas *cv = cx->cv;
	const struct chart_spec *sp = cx->sp;
	int row = 0;
	if (sp->title && sp->title[0] && cv->h >= 4) {
		int tw = canvas_text_width(sp->title, cv->ascii);
		if (tw > cv->w)
			tw = cv->w;
		canvas_text(cv, (cv->w - tw) / 2, row, sp->title, cv->w, CANVAS_BOLD);
		if (canvas_text_width(sp->title, cv->ascii) > cv->w)
			canvas_put(cv, cv->w - 1, row, 0x2026, CANVAS_BOLD);
		row++;
	}
	bool want = sp->legend == 1 || (sp->legend == -1 && cx->nlegend > 1);
	if (want && cx->nlegend > 0 && cv->h >= 6) {
		/* glyph, space, name; three spaces between entries; names cut
		 * evenly when all would not fit */
		int total = 0, longest = 0;
		for (int i = 0; i < cx->nlegend; i++) {
			int nw = canvas_text_width(cx->legend[i], cv->ascii);
			total += 2 + nw + (i ? 3 : 0);
			if (nw > longest)
				longest = nw;
		}
		int cut = longest;
		while (total > cv->w && cut > 1) {
			cut--;
			total = 0;
			for (int i = 0; i < cx->nlegend; i++) {
				int nw = canvas_text_width(cx->legend[i], cv->ascii);
				total += 2 + (nw < cut ? nw : cut) + (i ? 3 : 0);
			}
		}
		int x = total < cv->w ? cv->w - total : 0;
		for (int i = 0; i < cx->nlegend && x < cv->w; i++) {
			canvas_put(cv, x, row, cx->legend_glyph[i], cx->legend_attr[i]);
			int nw = canvas_text_width(cx->legend[i], cv->ascii);
			int used = canvas_text(cv, x + 2, row, cx->legend[i], nw < cut ? nw : cut, 0);
			if (nw > cut && used > 0)
				canvas_put(cv, x + 1 + used, row, 0x2026, 0);
			x += 2 + used + 3;
		}
		row++;
	}
	cx->top = row;
}

/* ------------------------------------------------------------ axes */

static void
label_linear(struct axis *a)
{
	double step = a->nt > 1 ? a->ticks[1] - a->ticks[0] : 1;
	double maxabs = 0;
	for (int i = 0; i < a->nt; i++)
		if (fabs(a->ticks[i]) > maxabs)
			maxabs = fabs(a->ticks[i]);
	for (int i = 0; i < a->nt; i++)
		chart_fmt_tick(a->ticks[i], step, maxabs, a->labels[i]);
}

void
axis_linear(struct axis *a, double lo, double hi, int target, bool include_zero)
{
	memset(a, 0, sizeof *a);
	a->kind = AXIS_LINEAR;
	if (include_zero) {
		if (lo > 0)
			lo = 0;
		if (hi < 0)
			hi = 0;
	}
	double step;
	a->nt = chart_ticks(lo, hi, target, a->ticks, CHART_MAX_TICKS, &step);
	a->lo = a->ticks[0];
	a->hi = a->ticks[a->nt - 1];
	label_linear(a);
}

void
axis_log(struct axis *a, double lo, double hi, int target)
{
	memset(a, 0, sizeof *a);
	a->kind = AXIS_LOG;
	a->nt = chart_log_ticks(lo, hi, target, a->ticks, CHART_MAX_TICKS);
	a->lo = floor(lo);
	a->hi = ceil(hi);
	if (a->hi <= a->lo)
		a->hi = a->lo + 1;
	if (a->ticks[0] < a->lo)
		a->lo = a->ticks[0];
	if (a->ticks[a->nt - 1] > a->hi)
		a->hi = a->ticks[a->nt - 1];
	for (int i = 0; i < a->nt; i++)
		chart_fmt_log_tick(a->ticks[i], a->labels[i]);
}

void
axis_time(struct axis *a, double lo, double hi, int target, bool date_only)
{
	memset(a, 0, sizeof *a);
	a->kind = AXIS_TIME;
	a->date_only = date_only;
	if (hi <= lo) {
		/* one instant: a day (or an hour) around it */
		double d = date_only ? 86400 : 3600;
		lo -= d;
		hi += d;
	}
	a->lo = lo;
	a->hi = hi;
	a->nt = chart_time_ticks(lo, hi, target, date_only, a->ticks, a->labels, CHART_MAX_TICKS);
}

double
axis_frac(const struct axis *a, double v)
{
	if (a->kind == AXIS_LOG) {
		if (!(v > 0))
			return NAN;
		v = log10(v);
	}
	if (a->hi == a->lo)
		return 0.5;
	return (v - a->lo) / (a->hi - a->lo);
}

int
axis_label_width(const struct axis *a, bool ascii)
{
	int w = 0;
	for (int i = 0; i < a->nt; i++) {
		int l = canvas_text_width(a->labels[i], ascii);
		if (l > w)
			w = l;
	}
	return w;
}

/* ------------------------------------------------------------ positions */

static int
span(double frac, int cells)
{
	if (!(frac == frac))
		return 0;
	double p = ceil(frac * cells - 1e-9) - 1;
	if (p < 0)
		p = 0;
	if (p > cells - 1)
		p = cells - 1;
	return (int)p;
}

int
area_doty(const struct area *a, double frac)
{
	return a->y * 4 + a->h * 4 - 1 - span(frac, a->h * 4);
}

int
area_dotx(const struct area *a, double frac)
{
	return a->x * 2 + span(frac, a->w * 2);
}

int
area_row(const struct area *a, double frac)
{
	return area_doty(a, frac) / 4;
}

int
area_col(const struct area *a, double frac)
{
	return area_dotx(a, frac) / 2;
}

/* ------------------------------------------------------------ XY layout */

int
chart_xy_layout(struct chart_ctx *cx, struct xy_layout *L, void (*yaxis)(struct chart_ctx *, struct axis *, int h),
    void (*xaxis)(struct chart_ctx *, struct axis *, int w))
{
	struct canvas *cv = cx->cv;
	chart_head(cx);
	int top = cx->top + (cx->sp->ylabel ? 1 : 0);
	int bottom = cv->h - 2 - (cx->sp->xlabel ? 1 : 0);
	int h = bottom - top;
	if (h < 2) {
		err_set(cx->err, -1, "a %s chart needs more rows: %d do not leave room for the plot", chart_kind_name(cx->sp->kind),
		    cv->h);
		err_hint(cx->err, "give it height=%d or more, or leave out the title and labels", cv->h + 2 - h);
		return -1;
	}
	yaxis(cx, L->ya, h);
	int lw = axis_label_width(L->ya, cv->ascii);
	int x = lw + 2;
	int w = cv->w - x - 1;
	if (w < 4) {
		err_set(cx->err, -1, "a %s chart needs more columns: %d leave no room for the plot next to its labels",
		    chart_kind_name(cx->sp->kind), cv->w);
		err_hint(cx->err, "give it width=%d or more", cv->w + 10);
		return -1;
	}
	xaxis(cx, L->xa, w);
	L->plot = (struct area){x, top, w, h};
	return 0;
}

/* a label centred on column c of row y, inside the canvas, unless it
 * would touch the previous one (*last: the column after it) */
static void
centred_label(struct canvas *cv, int c, int y, const char *s, int maxw, int *last)
{
	int lw = canvas_text_width(s, cv->ascii);
	if (lw > maxw)
		lw = maxw;
	int start = c - (lw - 1) / 2;
	if (start + lw > cv->w)
		start = cv->w - lw;
	if (start < 0)
		start = 0;
	if (start <= *last)
		return;
	canvas_text(cv, start, y, s, lw, 0);
	*last = start + lw;
}

/* how many category slots share one label on an axis of w columns: as
 * few as give each label its whole text (or 12 columns of it) */
static int
cat_every(const struct axis *a, int w, bool ascii, int *labw)
{
	int n = a->nt;
	int longest = axis_label_width(a, ascii);
	for (int k = 1;; k++) {
		int room = (int)((double)w * k / n) - 1;
		if (room >= longest || room >= 12 || k >= n) {
			*labw = room < 1 ? 1 : room;
			return k;
		}
	}
}

/* the value of tick i (log axes keep exponents) */
static double
tick_value(const struct axis *a, int i)
{
	return a->kind == AXIS_LOG ? pow(10, a->ticks[i]) : a->ticks[i];
}

void
chart_xy_axes(struct chart_ctx *cx, const struct xy_layout *L)
{
	struct canvas *cv = cx->cv;
	const struct area *p = &L->plot;
	const struct axis *ya = L->ya, *xa = L->xa;
	uint32_t vline = chart_glyph(cx, 0x2502, '|'), vtick = chart_glyph(cx, 0x2524, '+');
	uint32_t hline = chart_glyph(cx, 0x2500, '-'), htick = chart_glyph(cx, 0x252c, '+');
	uint32_t corner = chart_glyph(cx, 0x2514, '+');
	/* y axis */
	for (int r = p->y; r < p->y + p->h; r++)
		canvas_put(cv, p->x - 1, r, vline, 0);
	int lastrow = -1;
	for (int i = 0; i < ya->nt; i++) {
		double f = axis_frac(ya, tick_value(ya, i));
		if (!(f >= -1e-9 && f <= 1 + 1e-9))
			continue;
		int r = area_row(p, f);
		if (r == lastrow)
			continue;
		lastrow = r;
		canvas_put(cv, p->x - 1, r, vtick, 0);
		int lw = canvas_text_width(ya->labels[i], cv->ascii);
		canvas_text(cv, p->x - 2 - lw >= 0 ? p->x - 2 - lw : 0, r, ya->labels[i], p->x - 2, 0);
	}
	/* x axis */
	int ax = p->y + p->h;
	canvas_put(cv, p->x - 1, ax, corner, 0);
	for (int c = p->x; c < p->x + p->w; c++)
		canvas_put(cv, c, ax, hline, 0);
	int last = -1;
	if (xa->kind == AXIS_CAT) {
		int labw;
		int k = cat_every(xa, p->w, cv->ascii, &labw);
		double nslots = xa->hi - xa->lo;
		for (int i = 0; i < xa->nt; i += k) {
			int c = p->x + (int)((xa->ticks[i] - xa->lo) * p->w / nslots);
			canvas_put(cv, c, ax, htick, 0);
			centred_label(cv, c, ax + 1, xa->labels[i], labw, &last);
		}
	} else {
		for (int i = 0; i < xa->nt; i++) {
			double f = axis_frac(xa, tick_value(xa, i));
			if (!(f >= -1e-9 && f <= 1 + 1e-9))
				continue;
			int c = area_col(p, f);
			canvas_put(cv, c, ax, htick, 0);
			centred_label(cv, c, ax + 1, xa->labels[i], CHART_LABEL_MAX, &last);
		}
	}
	if (cx->sp->xlabel) {
		int lw = canvas_text_width(cx->sp->xlabel, cv->ascii);
		int start = p->x + (p->w - lw) / 2;
		if (start < 0)
			start = 0;
		canvas_text(cv, start, ax + 2, cx->sp->xlabel, cv->w - start, 0);
	}
	if (cx->sp->ylabel)
		canvas_text(cv, 0, p->y - 1, cx->sp->ylabel, cv->w, 0);
}

int
chart_ytarget(int h)
{
	int t = h / 3 + 1;
	return t < 2 ? 2 : t > 10 ? 10 : t;
}

void
axis_y(struct axis *a, enum axis_kind k, double lo, double hi, int h, bool include_zero)
{
	int t = chart_ytarget(h);
	axis_make(a, k, lo, hi, t, include_zero, false);
	if (k != AXIS_LINEAR)
		return;
	/* a tick or two more may fit the data more tightly (0..15 rather than
	 * 0..20 for 10.5); ticks stay two rows apart at least */
	for (int more = t + 1; more <= h / 2 + 1 && more <= t + 3; more++) {
		struct axis b;
		axis_make(&b, k, lo, hi, more, include_zero, false);
		if (b.nt <= h / 2 + 1 && b.hi - b.lo < (a->hi - a->lo) * 0.9)
			*a = b;
	}
}

void
axis_make(struct axis *a, enum axis_kind k, double lo, double hi, int target, bool include_zero, bool date_only)
{
	switch (k) {
	case AXIS_LOG: axis_log(a, lo, hi, target); break;
	case AXIS_TIME: axis_time(a, lo, hi, target, date_only); break;
	default: axis_linear(a, lo, hi, target, include_zero); break;
	}
}

void
axis_fit(struct axis *a, enum axis_kind k, double lo, double hi, int w, bool include_zero, bool date_only, bool ascii)
{
	/* the most ticks whose labels, centred on them, keep a column apart */
	int t = w / 3;
	if (t > 12)
		t = 12;
	for (; t >= 2; t--) {
		axis_make(a, k, lo, hi, t, include_zero, date_only);
		if (a->nt < 2)
			return;
		int lw = axis_label_width(a, ascii);
		double gap = (double)w / (a->nt - 1);
		if (k != AXIS_LINEAR) {
			/* uneven ticks (log 1-2-5, months): the closest two */
			gap = w;
			for (int i = 1; i < a->nt; i++) {
				double g = (axis_frac(a, k == AXIS_LOG ? pow(10, a->ticks[i]) : a->ticks[i]) -
				    axis_frac(a, k == AXIS_LOG ? pow(10, a->ticks[i - 1]) : a->ticks[i - 1])) * w;
				if (g < gap)
					gap = g;
			}
		}
		if (lw + 1 <= gap)
			return;
	}
	axis_make(a, k, lo, hi, 2, include_zero, date_only);
}
