/*
 * chart_auto: from a spec as written to the spec drawn (chart_resolve):
 * every column named is checked against the result, and what the spec
 * leaves out is chosen.
 *
 * The auto chart (no kind, or `auto`) first recognises the shapes wb's
 * own statements return, then goes by column types:
 *   ML.ROC_CURVE (false_positive_rate, recall)  -> line with the diagonal
 *   ML.TRAINING_INFO (iteration, loss, eval_loss) -> lines per step
 *   ABTEST (lift_rel with lift_rel_ci_low/high) -> interval chart, 0 marked
 *   X with X_ci_low / X_ci_high                -> interval chart of X
 *   ci_low and ci_high with mean, estimate, diff, median or value
 *     (DESCRIBE STATS, TTEST, CORR, REGRESS, ANOVA ... TUKEY)
 *                                              -> interval chart
 *   a date/time and numbers                    -> line (a text column: series)
 *   two text columns and a number (few values, making a grid)
 *                                              -> heat map
 *   text and a number                          -> horizontal bar
 *   two numbers                                -> scatter (a line when the
 *                                                 first only increases)
 *   one number                                 -> histogram
 *   no number                                  -> bars counting the rows
 *                                                 of each value
 * Explicit kinds get their missing columns the same way (wb-chart(7)).
 */
#include "ui/chart_int.h"

#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct chart_col
col_dup(const struct chart_col *c)
{
	return (struct chart_col){c->name ? xstrdup(c->name) : NULL, c->pos};
}

static struct chart_col *
cols_dup(const struct chart_col *c, int n)
{
	struct chart_col *d = xcalloc((size_t)(n ? n : 1), sizeof *d);
	for (int i = 0; i < n; i++)
		d[i] = col_dup(&c[i]);
	return d;
}

void
chart_spec_copy(struct chart_spec *d, const struct chart_spec *s)
{
	*d = *s;
	d->x = s->nx ? cols_dup(s->x, s->nx) : NULL;
	d->y = s->ny ? cols_dup(s->y, s->ny) : NULL;
	d->series = col_dup(&s->series);
	d->lo = col_dup(&s->lo);
	d->hi = col_dup(&s->hi);
	d->value = col_dup(&s->value);
	d->prev = col_dup(&s->prev);
	d->title = s->title ? xstrdup(s->title) : NULL;
	d->xlabel = s->xlabel ? xstrdup(s->xlabel) : NULL;
	d->ylabel = s->ylabel ? xstrdup(s->ylabel) : NULL;
}

/* ------------------------------------------------------------ helpers */

static int
col_named(const struct rowset *rs, const char *name)
{
	for (int i = 0; i < rs->ncol; i++)
		if (strcasecmp(rs->names[i], name) == 0)
			return i;
	return -1;
}

static void
set_one(struct chart_col **dst, int *n, const char *name)
{
	for (int i = 0; i < *n; i++)
		free((*dst)[i].name);
	free(*dst);
	*dst = xcalloc(1, sizeof **dst);
	(*dst)[0] = (struct chart_col){xstrdup(name), -1};
	*n = 1;
}

static void
add_col(struct chart_col **dst, int *n, const char *name)
{
	*dst = xrealloc(*dst, sizeof **dst * (size_t)(*n + 1));
	(*dst)[(*n)++] = (struct chart_col){xstrdup(name), -1};
}

static void
set_col(struct chart_col *c, const char *name)
{
	free(c->name);
	c->name = xstrdup(name);
	c->pos = -1;
}

static bool
is_text(wb_type t)
{
	return t == WB_TYPE_VARCHAR || t == WB_TYPE_BOOL;
}

/* Is column c named by the spec already (x, y, series)? */
static bool
used(const struct chart_spec *sp, const struct rowset *rs, int c)
{
	for (int i = 0; i < sp->nx; i++)
		if (strcasecmp(sp->x[i].name, rs->names[c]) == 0)
			return true;
	for (int i = 0; i < sp->ny; i++)
		if (strcasecmp(sp->y[i].name, rs->names[c]) == 0)
			return true;
	return sp->series.name && strcasecmp(sp->series.name, rs->names[c]) == 0;
}

/* The first column of a type class not used yet; -1: none. */
enum tclass { TC_NUM, TC_TEXT, TC_TIME, TC_NOTNUM };

static bool
in_class(wb_type t, enum tclass k)
{
	switch (k) {
	case TC_NUM: return cd_is_num(t);
	case TC_TEXT: return is_text(t);
	case TC_TIME: return cd_is_time(t);
	case TC_NOTNUM: return !cd_is_num(t) && t != WB_TYPE_NULL;
	}
	return false;
}

static int
first_of(const struct chart_spec *sp, const struct rowset *rs, enum tclass k)
{
	for (int i = 0; i < rs->ncol; i++)
		if (in_class(rs->types[i], k) && !used(sp, rs, i))
			return i;
	return -1;
}

static int
count_of(const struct rowset *rs, enum tclass k)
{
	int n = 0;
	for (int i = 0; i < rs->ncol; i++)
		n += in_class(rs->types[i], k);
	return n;
}

/* distinct values of column c, counting up to cap */
static int
distinct(const struct rowset *rs, int c, int cap)
{
	struct cd_cats cats = {0};
	struct strbuf b = STRBUF_INIT;
	for (int64_t r = 0; r < rs->nrows && cats.n <= cap; r++) {
		sb_clear(&b);
		cd_text(rs, r, c, &b);
		cd_cat_add(&cats, sb_str(&b));
	}
	int n = cats.n;
	cd_cats_free(&cats);
	sb_free(&b);
	return n;
}

/* distinct pairs of values of columns a and b: more than either has
 * alone when they make a grid (not when b only names a's group, as
 * ML.FEATURE_IMPORTANCE's input does its features) */
static int
pairs(const struct rowset *rs, int a, int b)
{
	struct cd_cats cats = {0};
	struct strbuf s = STRBUF_INIT;
	for (int64_t r = 0; r < rs->nrows && cats.n <= 2400; r++) {
		sb_clear(&s);
		cd_text(rs, r, a, &s);
		sb_putc(&s, '\x1f');
		cd_text(rs, r, b, &s);
		cd_cat_add(&cats, sb_str(&s));
	}
	int n = cats.n;
	cd_cats_free(&cats);
	sb_free(&s);
	return n;
}

/* does column c only increase, row after row (NULLs aside)? */
static bool
increasing(const struct rowset *rs, int c)
{
	double prev = -INFINITY;
	int64_t seen = 0;
	for (int64_t r = 0; r < rs->nrows; r++) {
		double v = cd_num(rs, r, c);
		if (isnan(v))
			continue;
		if (!(v > prev))
			return false;
		prev = v;
		seen++;
	}
	return seen >= 2;
}

static bool
has_values(const struct rowset *rs, int c)
{
	for (int64_t r = 0; r < rs->nrows; r++)
		if (isfinite(cd_num(rs, r, c)))
			return true;
	return false;
}

/* y: every numeric column not used, up to max */
static void
all_numeric_y(struct chart_spec *sp, const struct rowset *rs, int max)
{
	for (int i = 0; i < rs->ncol && sp->ny < max; i++)
		if (cd_is_num(rs->types[i]) && !used(sp, rs, i))
			add_col(&sp->y, &sp->ny, rs->names[i]);
}

/* ------------------------------------------------------------ shapes */

/* The label columns of an interval chart: the text columns before the
 * estimate (est), those with one value left out when others vary. */
static void
interval_labels(struct chart_spec *sp, const struct rowset *rs, int est)
{
	int cand[16], n = 0;
	for (int i = 0; i < est && n < 16; i++)
		if (is_text(rs->types[i]))
			cand[n++] = i;
	if (n == 0)
		return;
	int keep[16], k = 0;
	for (int i = 0; i < n; i++)
		if (distinct(rs, cand[i], 1) > 1)
			keep[k++] = cand[i];
	if (k == 0)
		keep[k++] = cand[0];
	for (int i = 0; i < k; i++)
		add_col(&sp->x, &sp->nx, rs->names[keep[i]]);
}

static bool
shape_interval(struct chart_spec *sp, const struct rowset *rs)
{
	/* X with X_ci_low and X_ci_high: lift_rel first (ABTEST's verdict) */
	static const char *const pref[] = {"lift_rel", "lift_abs"};
	int est = -1, lo = -1, hi = -1;
	for (size_t i = 0; i < 2 && est < 0; i++) {
		int e = col_named(rs, pref[i]);
		char a[64], b[64];
		snprintf(a, sizeof a, "%s_ci_low", pref[i]);
		snprintf(b, sizeof b, "%s_ci_high", pref[i]);
		if (e >= 0 && col_named(rs, a) >= 0 && col_named(rs, b) >= 0) {
			est = e;
			lo = col_named(rs, a);
			hi = col_named(rs, b);
		}
	}
	for (int i = 0; i < rs->ncol && est < 0; i++) {
		if (!cd_is_num(rs->types[i]))
			continue;
		char a[300], b[300];
		snprintf(a, sizeof a, "%s_ci_low", rs->names[i]);
		snprintf(b, sizeof b, "%s_ci_high", rs->names[i]);
		if (col_named(rs, a) >= 0 && col_named(rs, b) >= 0) {
			est = i;
			lo = col_named(rs, a);
			hi = col_named(rs, b);
		}
	}
	bool zero = est >= 0;
	if (est < 0) {
		lo = col_named(rs, "ci_low");
		hi = col_named(rs, "ci_high");
		if (lo < 0 || hi < 0)
			return false;
		static const char *const ests[] = {"mean", "estimate", "diff", "median", "value", "effect"};
		for (size_t i = 0; i < sizeof ests / sizeof ests[0] && est < 0; i++) {
			int e = col_named(rs, ests[i]);
			if (e >= 0 && cd_is_num(rs->types[e]))
				est = e;
		}
		if (est < 0)
			return false;
		/* differences and coefficients are read against 0; means not */
		zero = strcasecmp(rs->names[est], "mean") != 0 && strcasecmp(rs->names[est], "median") != 0 &&
		    strcasecmp(rs->names[est], "value") != 0;
	}
	if (!cd_is_num(rs->types[lo]) || !cd_is_num(rs->types[hi]))
		return false;
	sp->kind = CHART_INTERVAL;
	if (sp->ny == 0)
		set_one(&sp->y, &sp->ny, rs->names[est]);
	if (!sp->lo.name)
		set_col(&sp->lo, rs->names[lo]);
	if (!sp->hi.name)
		set_col(&sp->hi, rs->names[hi]);
	if (sp->nx == 0)
		interval_labels(sp, rs, est);
	sp->zero_line = zero;
	return true;
}

static bool
shape_roc(struct chart_spec *sp, const struct rowset *rs)
{
	int fx = col_named(rs, "false_positive_rate");
	if (fx < 0)
		fx = col_named(rs, "fpr");
	int ty = col_named(rs, "recall");
	if (ty < 0)
		ty = col_named(rs, "tpr");
	if (ty < 0)
		ty = col_named(rs, "true_positive_rate");
	if (fx < 0 || ty < 0 || !cd_is_num(rs->types[fx]) || !cd_is_num(rs->types[ty]))
		return false;
	sp->kind = CHART_LINE;
	set_one(&sp->x, &sp->nx, rs->names[fx]);
	set_one(&sp->y, &sp->ny, rs->names[ty]);
	sp->diagonal = true;
	sp->xmin = sp->ymin = 0;
	sp->xmax = sp->ymax = 1;
	if (!sp->xlabel)
		sp->xlabel = xstrdup("false positive rate");
	if (!sp->ylabel)
		sp->ylabel = xstrdup("true positive rate (recall)");
	if (!sp->title) {
		/* the area under the points, by trapezoids over x in order */
		int64_t n = 0;
		double *x = xmalloc(sizeof *x * (size_t)(rs->nrows + 1)), *y = xmalloc(sizeof *y * (size_t)(rs->nrows + 1));
		for (int64_t r = 0; r < rs->nrows; r++) {
			double a = cd_num(rs, r, fx), b = cd_num(rs, r, ty);
			if (isfinite(a) && isfinite(b)) {
				x[n] = a;
				y[n++] = b;
			}
		}
		/* insertion sort by x keeping row order for ties (ROC rows are
		 * nearly sorted already) */
		for (int64_t i = 1; i < n; i++) {
			double kx = x[i], ky = y[i];
			int64_t j = i - 1;
			while (j >= 0 && x[j] > kx) {
				x[j + 1] = x[j];
				y[j + 1] = y[j];
				j--;
			}
			x[j + 1] = kx;
			y[j + 1] = ky;
		}
		double auc = 0;
		for (int64_t i = 1; i < n; i++)
			auc += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
		sp->title = n >= 2 ? xasprintf("ROC curve (area %.3f)", auc) : xstrdup("ROC curve");
		free(x);
		free(y);
	}
	return true;
}

static bool
shape_training(struct chart_spec *sp, const struct rowset *rs)
{
	static const char *const steps[] = {"iteration", "step", "epoch"};
	int st = -1;
	for (size_t i = 0; i < 3 && st < 0; i++) {
		int c = col_named(rs, steps[i]);
		if (c >= 0 && cd_is_num(rs->types[c]))
			st = c;
	}
	int loss = col_named(rs, "loss");
	if (st < 0 || loss < 0 || !cd_is_num(rs->types[loss]))
		return false;
	sp->kind = CHART_LINE;
	set_one(&sp->x, &sp->nx, rs->names[st]);
	set_one(&sp->y, &sp->ny, rs->names[loss]);
	/* the other losses that have values (eval_loss is NULL without
	 * held-out rows) */
	for (int i = 0; i < rs->ncol; i++) {
		size_t n = strlen(rs->names[i]);
		if (i != loss && cd_is_num(rs->types[i]) && n > 5 && strcasecmp(rs->names[i] + n - 5, "_loss") == 0 &&
		    has_values(rs, i))
			add_col(&sp->y, &sp->ny, rs->names[i]);
	}
	if (!sp->title)
		sp->title = xstrdup("training loss by iteration");
	return true;
}

/* By the types of the columns (no x/y given, or some given). */
static int
by_types(struct chart_spec *sp, const struct rowset *rs, struct wb_error *err)
{
	int ntext = count_of(rs, TC_TEXT), nnum = count_of(rs, TC_NUM);
	int xt = sp->nx ? col_named(rs, sp->x[0].name) : -1;
	if (xt < 0)
		xt = first_of(sp, rs, TC_TIME);
	else if (!cd_is_time(rs->types[xt]))
		xt = -1;
	if (nnum == 0 && sp->ny == 0 && (sp->nx || first_of(sp, rs, TC_NOTNUM) >= 0)) {
		/* no numbers: count the rows of each value */
		int xc = sp->nx ? col_named(rs, sp->x[0].name) : first_of(sp, rs, TC_NOTNUM);
		sp->kind = CHART_BAR;
		if (sp->nx == 0)
			set_one(&sp->x, &sp->nx, rs->names[xc]);
		sp->count = true;
		return 0;
	}
	if (nnum == 0 && sp->ny == 0) {
		struct strbuf b = STRBUF_INIT;
		for (int i = 0; i < rs->ncol && i < 8; i++)
			sb_printf(&b, "%s%s %s", i ? ", " : "", rs->names[i], type_name(rs->types[i]));
		err_set(err, -1, "nothing to chart: the result has no numeric column (%s%s)", sb_str(&b),
		    rs->ncol > 8 ? ", ..." : "");
		err_hint(err, "count or sum first: SELECT brand, count(*) AS n FROM t GROUP BY brand, then .chart");
		sb_free(&b);
		return -1;
	}
	if (xt >= 0) {
		sp->kind = CHART_LINE;
		if (sp->nx == 0)
			set_one(&sp->x, &sp->nx, rs->names[xt]);
		return 0;
	}
	if (ntext >= 2 && nnum >= 1 && sp->nx == 0 && sp->ny == 0) {
		int a = first_of(sp, rs, TC_TEXT);
		int b = -1;
		for (int i = a + 1; i < rs->ncol && b < 0; i++)
			if (is_text(rs->types[i]))
				b = i;
		int da = distinct(rs, a, 40), db = distinct(rs, b, 60);
		if (da <= 40 && db <= 60 && pairs(rs, a, b) > (da > db ? da : db)) {
			sp->kind = CHART_HEATMAP;
			set_one(&sp->x, &sp->nx, rs->names[b]);
			set_one(&sp->y, &sp->ny, rs->names[a]);
			set_col(&sp->value, rs->names[first_of(sp, rs, TC_NUM)]);
			return 0;
		}
	}
	int xc = sp->nx ? col_named(rs, sp->x[0].name) : first_of(sp, rs, TC_NOTNUM);
	if (xc >= 0 && !cd_is_num(rs->types[xc])) {
		sp->kind = CHART_BAR;
		sp->horizontal = !sp->vertical;
		if (sp->nx == 0)
			set_one(&sp->x, &sp->nx, rs->names[xc]);
		if (sp->ny == 0)
			set_one(&sp->y, &sp->ny, rs->names[first_of(sp, rs, TC_NUM)]);
		return 0;
	}
	if (nnum >= 2 || (sp->nx && sp->ny)) {
		int x0 = sp->nx ? col_named(rs, sp->x[0].name) : first_of(sp, rs, TC_NUM);
		if (sp->nx == 0)
			set_one(&sp->x, &sp->nx, rs->names[x0]);
		if (increasing(rs, x0)) {
			sp->kind = CHART_LINE;
			return 0;
		}
		sp->kind = CHART_SCATTER;
		if (sp->ny == 0)
			set_one(&sp->y, &sp->ny, rs->names[first_of(sp, rs, TC_NUM)]);
		return 0;
	}
	sp->kind = CHART_HISTOGRAM;
	return 0;
}

/* ------------------------------------------------------------ defaults per kind */

static int
need_numeric(const struct rowset *rs, const struct chart_col *c, int col, const char *opt, struct wb_error *err)
{
	if (cd_is_num(rs->types[col]) || (rs->types[col] == WB_TYPE_NULL))
		return 0;
	err_set(err, c->pos, "chart option %s: column \"%s\" is %s; it needs numbers", opt, rs->names[col],
	    type_name(rs->types[col]));
	err_hint(err, "cast it in the query (CAST(%s AS DOUBLE)), or chart another column", rs->names[col]);
	return -1;
}

static int
missing(const char *what, enum chart_kind k, const char *hint, struct wb_error *err)
{
	err_set(err, -1, "%s chart: %s", chart_kind_name(k), what);
	err_hint(err, "%s", hint);
	return -1;
}

static int
fill_defaults(struct chart_spec *sp, const struct rowset *rs, struct wb_error *err)
{
	int c;
	switch (sp->kind) {
	case CHART_AUTO:
	case CHART__COUNT:
		break;
	case CHART_BAR:
		if (sp->nx == 0) {
			c = first_of(sp, rs, TC_NOTNUM);
			if (c < 0 && rs->ncol >= 2)
				c = 0;
			if (c < 0)
				return missing("no column for the categories", sp->kind, "name one: x=COLUMN", err);
			set_one(&sp->x, &sp->nx, rs->names[c]);
		}
		if (sp->ny == 0 && !sp->count) {
			c = first_of(sp, rs, TC_NUM);
			if (c >= 0)
				set_one(&sp->y, &sp->ny, rs->names[c]);
			else
				sp->count = true;   /* no numbers: count the rows */
		}
		if (sp->count && sp->series.name) {
			err_set(err, sp->series.pos, "bar chart: series=%s needs values to split (y=COLUMN); without y the "
			    "bars count rows", sp->series.name);
			return -1;
		}
		if (!sp->horizontal && !sp->vertical) {
			/* names read across; dates and numbers along an axis */
			int xc = col_named(rs, sp->x[0].name);
			sp->horizontal = sp->nx > 1 || !(cd_is_num(rs->types[xc]) || cd_is_time(rs->types[xc]));
		}
		break;
	case CHART_LINE:
	case CHART_AREA:
	case CHART_SCATTER: {
		if (sp->nx == 0) {
			c = first_of(sp, rs, TC_TIME);
			if (c < 0 && (count_of(rs, TC_NUM) >= 2 || sp->ny == 1))
				c = first_of(sp, rs, TC_NUM);
			if (c < 0)
				c = first_of(sp, rs, TC_NOTNUM);
			if (c < 0)
				return missing("no column for x", sp->kind, "name one: x=COLUMN", err);
			set_one(&sp->x, &sp->nx, rs->names[c]);
		}
		if (sp->nx > 1)
			return missing("x is one column here", sp->kind, "several x columns label categories of bar, box "
			    "and interval charts", err);
		if (sp->ny == 0) {
			/* a text column other than x makes the series */
			int t = sp->series.name ? -1 : first_of(sp, rs, TC_TEXT);
			if (t >= 0 && sp->kind != CHART_SCATTER)
				set_col(&sp->series, rs->names[t]);
			if (sp->series.name || sp->kind == CHART_SCATTER) {
				c = first_of(sp, rs, TC_NUM);
				if (c >= 0)
					set_one(&sp->y, &sp->ny, rs->names[c]);
			} else {
				all_numeric_y(sp, rs, CANVAS_NSERIES);
			}
			if (sp->ny == 0)
				return missing("no numeric column for y", sp->kind, "name one: y=COLUMN", err);
		}
		break;
	}
	case CHART_HISTOGRAM:
	case CHART_SPARKLINE:
	case CHART_KPI:
		/* one column of values: y (x is accepted for a histogram) */
		if (sp->kind == CHART_HISTOGRAM && sp->ny == 0 && sp->nx == 1) {
			sp->y = sp->x;
			sp->ny = 1;
			sp->x = NULL;
			sp->nx = 0;
		}
		if (sp->ny == 0) {
			c = first_of(sp, rs, TC_NUM);
			if (c < 0)
				return missing("no numeric column", sp->kind, "name one: y=COLUMN", err);
			set_one(&sp->y, &sp->ny, rs->names[c]);
		}
		if (sp->ny > 1 && sp->kind != CHART_SPARKLINE)
			return missing("one column of values (y)", sp->kind, "chart one column: y=COLUMN", err);
		break;
	case CHART_BOX:
		if (sp->ny == 0) {
			c = first_of(sp, rs, TC_NUM);
			if (c < 0)
				return missing("no numeric column", sp->kind, "name one: y=COLUMN", err);
			set_one(&sp->y, &sp->ny, rs->names[c]);
		}
		if (sp->nx == 0 && !sp->series.name) {
			c = first_of(sp, rs, TC_TEXT);
			if (c >= 0)
				set_one(&sp->x, &sp->nx, rs->names[c]);
		}
		break;
	case CHART_HEATMAP:
		if (sp->nx == 0 || sp->ny == 0) {
			int a = sp->nx ? -1 : first_of(sp, rs, TC_NOTNUM);
			if (a >= 0)
				set_one(&sp->x, &sp->nx, rs->names[a]);
			int b = sp->ny ? -1 : first_of(sp, rs, TC_NOTNUM);
			if (b >= 0)
				set_one(&sp->y, &sp->ny, rs->names[b]);
			if (sp->nx == 0 || sp->ny == 0)
				return missing("two columns of categories are needed (x and y)", sp->kind,
				    "heatmap x=COLUMN y=COLUMN [value=COLUMN]", err);
		}
		if (sp->nx > 1 || sp->ny > 1)
			return missing("x and y are one column each", sp->kind, "heatmap x=COLUMN y=COLUMN value=COLUMN", err);
		if (!sp->value.name) {
			c = first_of(sp, rs, TC_NUM);
			if (c >= 0)
				set_col(&sp->value, rs->names[c]);   /* else: rows are counted */
		}
		break;
	case CHART_INTERVAL:
		if (sp->ny == 0 || !sp->lo.name || !sp->hi.name) {
			struct chart_spec t;
			chart_spec_copy(&t, sp);
			if (!shape_interval(&t, rs)) {
				chart_spec_free(&t);
				return missing("which columns hold the estimate and its interval?", sp->kind,
				    "interval y=ESTIMATE lo=LOW hi=HIGH [x=LABEL]", err);
			}
			chart_spec_free(sp);
			*sp = t;
		}
		if (sp->nx == 0) {
			c = first_of(sp, rs, TC_TEXT);
			if (c >= 0)
				set_one(&sp->x, &sp->nx, rs->names[c]);
		}
		break;
	}
	return 0;
}

static int
check_cols(const struct chart_spec *sp, const struct rowset *rs, struct wb_error *err)
{
	for (int i = 0; i < sp->nx; i++)
		if (cd_find(rs, &sp->x[i], "x", err) < 0)
			return -1;
	for (int i = 0; i < sp->ny; i++)
		if (cd_find(rs, &sp->y[i], "y", err) < 0)
			return -1;
	const struct {
		const struct chart_col *c;
		const char *opt;
	} one[] = {{&sp->series, "series"}, {&sp->lo, "lo"}, {&sp->hi, "hi"}, {&sp->value, "value"}, {&sp->prev, "prev"}};
	for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
		if (one[i].c->name && cd_find(rs, one[i].c, one[i].opt, err) < 0)
			return -1;
	return 0;
}

/* the value columns must hold numbers */
static int
check_types(const struct chart_spec *sp, const struct rowset *rs, struct wb_error *err)
{
	bool heat = sp->kind == CHART_HEATMAP;
	for (int i = 0; i < sp->ny && !heat; i++)
		if (need_numeric(rs, &sp->y[i], cd_find(rs, &sp->y[i], "y", err), "y", err) < 0)
			return -1;
	const struct {
		const struct chart_col *c;
		const char *opt;
	} num[] = {{&sp->lo, "lo"}, {&sp->hi, "hi"}, {&sp->value, "value"}, {&sp->prev, "prev"}};
	for (size_t i = 0; i < sizeof num / sizeof num[0]; i++)
		if (num[i].c->name && need_numeric(rs, num[i].c, cd_find(rs, num[i].c, num[i].opt, err), num[i].opt, err) < 0)
			return -1;
	if ((sp->kind == CHART_SCATTER || ((sp->logx) && sp->kind == CHART_LINE)) && sp->nx == 1) {
		int c = cd_find(rs, &sp->x[0], "x", err);
		if (!cd_is_num(rs->types[c]) && !cd_is_time(rs->types[c]))
			return need_numeric(rs, &sp->x[0], c, "x", err);
	}
	if (sp->series.name && sp->ny > 1) {
		err_set(err, sp->series.pos, "chart: series=%s splits one y column into series; y names %d", sp->series.name,
		    sp->ny);
		err_hint(err, "either y=a,b,c (one series per column) or y=a series=COLUMN");
		return -1;
	}
	return 0;
}

int
chart_resolve(const struct chart_spec *in, const struct rowset *rs, struct chart_spec *out, struct wb_error *err)
{
	chart_spec_copy(out, in);
	if (rs == NULL || rs->ncol == 0) {
		err_set(err, -1, "nothing to chart: no result");
		err_hint(err, "run a query first");
		goto fail;
	}
	if (check_cols(out, rs, err) < 0)
		goto fail;
	if (rs->nrows == 0) {
		err_set(err, -1, "nothing to chart: the result has no rows");
		err_hint(err, "check the query's WHERE conditions");
		goto fail;
	}
	if (out->kind == CHART_AUTO) {
		bool given = out->nx || out->ny;
		if (!(!given && (shape_roc(out, rs) || shape_training(out, rs))) &&
		    !(!given && shape_interval(out, rs)) && by_types(out, rs, err) < 0)
			goto fail;
	}
	if (fill_defaults(out, rs, err) < 0 || check_cols(out, rs, err) < 0 || check_types(out, rs, err) < 0)
		goto fail;
	return 0;
fail:
	chart_spec_free(out);
	return -1;
}
