/*
 * chart_int: what the chart_*.c files share; not for other modules (they
 * use ui/chart.h). Unit tests include it for the scale functions.
 */
#ifndef WB_UI_CHART_INT_H
#define WB_UI_CHART_INT_H

#include "ui/chart.h"

#include <stdint.h>

/* ------------------------------------------------------------ scales (chart_scale.c) */

#define CHART_MAX_TICKS 32
#define CHART_LABEL_MAX 32

/* Heckbert's nice number: a 1, 2 or 5 times a power of ten near x (> 0);
 * round: the nearest such number, else the smallest one >= x. */
double chart_nice(double x, bool round);
/* Nice ticks covering [lo, hi] (lo <= hi, finite) about `target` of them:
 * the step is chart_nice((hi - lo) / (target - 1), true), the ticks its
 * multiples from floor(lo / step) * step to ceil(hi / step) * step. lo == hi is widened first (by a tenth of the
 * value, or 1 around 0). Returns the count (2 .. max); *step is the step. */
int chart_ticks(double lo, double hi, int target, double *ticks, int max, double *step);
/* Ticks of a log10 axis over [lo, hi] (exponents, i.e. log10 of the
 * values): the powers of ten, with 2 and 5 times them when there are few
 * decades, or every k-th power when there are many. Values are exponents. */
int chart_log_ticks(double lo, double hi, int target, double *ticks, int max);
/* The label of tick v of an axis whose step is step and whose largest
 * tick magnitude is maxabs: thousands separators ("2,500"), SI suffixes
 * from 10,000 on ("200k", "1.5M", "3G", "1T"), decimals as the step needs,
 * scientific for tiny values ("2e-05"). Returns the length. */
int chart_fmt_tick(double v, double step, double maxabs, char *buf);
/* A value on its own (bar ends, KPI): up to 4 significant digits below
 * 10,000 with separators for integers ("1,846", "273.4", "0.7364"),
 * 3 with an SI suffix above ("847k", "1.14M"). */
int chart_fmt_value(double v, char *buf);
/* A log axis tick (exponent e): "1", "10", "100", "1k", "0.01", "2e-05". */
int chart_fmt_log_tick(double e, char *buf);

/* Time axes: values are seconds since 1970-01-01 UTC (DATE: whole days).
 * Ticks at calendar steps (1 2 5 10 15 30 seconds and minutes, 1 2 3 6 12
 * hours, 1 2 days, weeks from Monday, 1 2 3 6 months, 1 2 5 10 ... years)
 * inside [lo, hi], about target of them (at least 2 when the range
 * allows), labelled as the step needs: "2019", "2019-10", "2019-10-01",
 * "10-01 06:00", "06:00", "06:00:30". Returns the count. */
int chart_time_ticks(double lo, double hi, int target, bool date_only, double *ticks,
    char labels[][CHART_LABEL_MAX], int max);

/* ------------------------------------------------------------ data (chart_data.c) */

/* A deep copy of a spec (chart_auto.c). */
void chart_spec_copy(struct chart_spec *dst, const struct chart_spec *src);

/* The column named by c (case-insensitive; an exact match first). -1 with
 * err at c->pos: "chart option y: no column "revnue" in the result" and
 * a did-you-mean or the list of columns. */
int cd_find(const struct rowset *rs, const struct chart_col *c, const char *option, struct wb_error *err);
/* A cell as a number: BIGINT, DOUBLE, BOOLEAN (0/1), DATE and TIMESTAMP
 * (seconds since the epoch); NaN for NULL and for other types. */
double cd_num(const struct rowset *rs, int64_t row, int col);
/* A cell's text as tables show it ("NULL" for NULL). */
void cd_text(const struct rowset *rs, int64_t row, int col, struct strbuf *out);
/* The text of a category made of columns cols[0..n) joined by " / ". */
void cd_label(const struct rowset *rs, int64_t row, const int *cols, int n, struct strbuf *out);
static inline bool cd_is_time(wb_type t) { return t == WB_TYPE_DATE || t == WB_TYPE_TIMESTAMP; }
static inline bool cd_is_num(wb_type t) { return t == WB_TYPE_BIGINT || t == WB_TYPE_DOUBLE; }

/* Distinct strings in order of first appearance, with a hash index. */
struct cd_cats {
	char **names;
	int n;
	size_t cap;
	int *slots;         /* open addressing: index + 1, 0 empty */
	size_t nslots;
};
int cd_cat_add(struct cd_cats *c, const char *s);   /* its index */
int cd_cat_find(const struct cd_cats *c, const char *s);   /* -1: none */
void cd_cats_free(struct cd_cats *c);

/* Series drawn at most (more cannot be told apart): the first ones. */
#define CHART_MAX_SERIES 16

/* Values by category and series: a bar chart's table. */
struct cd_table {
	struct cd_cats cats;     /* categories (x), in order of appearance */
	struct cd_cats sers;     /* series: the y columns' names, or the series column's values */
	double *v;               /* sers.n * cats.n; v[s * cats.n + c]; NaN: none */
	int64_t skipped;         /* rows left out (NULL or non-finite y) */
	int64_t summed;          /* rows added to a cell that had a value */
	int64_t dropped;         /* rows of series beyond CHART_MAX_SERIES */
	int nseries_all;         /* series there were */
};
/* Build the table of sp (resolved: x, y, series) from rs. */
void cd_table_build(const struct chart_spec *sp, const struct rowset *rs, struct cd_table *t);
void cd_table_free(struct cd_table *t);

/* Points by series, in row order: line, area and scatter charts. */
struct cd_series {
	char *name;
	double *x, *y;
	int64_t n;
	size_t cap;
};
struct cd_points {
	struct cd_series *s;
	int n;
	int64_t skipped;           /* rows with a NULL or non-finite x or y */
	int64_t dropped;           /* rows of series beyond CHART_MAX_SERIES */
	int nseries_all;           /* series there were */
	bool x_time, x_date, x_cat;   /* x is a time / a date / categories (then x = index) */
	struct cd_cats xcats;      /* x_cat: the categories */
};
void cd_points_build(const struct chart_spec *sp, const struct rowset *rs, struct cd_points *p);
void cd_points_free(struct cd_points *p);

/* ------------------------------------------------------------ drawing (chart_axes.c) */

enum axis_kind { AXIS_LINEAR, AXIS_LOG, AXIS_TIME, AXIS_CAT };

struct axis {
	enum axis_kind kind;
	double lo, hi;               /* domain; AXIS_LOG: exponents; AXIS_CAT: -0.5 .. n - 0.5 */
	int nt;
	double ticks[CHART_MAX_TICKS];
	char labels[CHART_MAX_TICKS][CHART_LABEL_MAX];
	bool date_only;
};

/* The state of one drawing. */
struct chart_ctx {
	const struct chart_spec *sp;    /* resolved */
	const struct rowset *rs;
	struct canvas *cv;
	bool ascii, color;
	struct strbuf *notes;           /* may be NULL */
	struct wb_error *err;
	int top;                        /* first row below the title and legend */
	/* the legend: set by the drawer before the layout */
	int nlegend;
	char **legend;                  /* names (borrowed) */
	uint32_t *legend_glyph;         /* per entry: what marks the series */
	uint8_t *legend_attr;
	void *priv;                     /* the drawer's, for its axis callbacks */
};

struct area {
	int x, y, w, h;                 /* cells */
};

void chart_note(struct chart_ctx *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* What series k is drawn with when there is no colour to tell them apart:
 * fills for bars ('█' '▓' '▒' '░', or '#' '=' '+' ...), and marks for dots
 * (0 for the first series - its dots' own shape - then '+' 'x' 'o' ...). */
uint32_t chart_fill(const struct chart_ctx *cx, int k);
char chart_mark(const struct chart_ctx *cx, int k);
/* The attribute of series k (plain when there is no colour). */
uint8_t chart_attr(const struct chart_ctx *cx, int k);
/* A glyph, or its ASCII stand-in. */
uint32_t chart_glyph(const struct chart_ctx *cx, uint32_t utf8, char ascii);

/* The title (row 0, centred, bold) and the legend (the next row) when
 * there is one; sets cx->top. */
void chart_head(struct chart_ctx *cx);
/* Set up the legend: n entries, names borrowed. */
void chart_legend_set(struct chart_ctx *cx, int n, char **names, const uint32_t *glyphs, const uint8_t *attrs);

/* Axis set-up: a linear / log / time axis over [lo, hi] (data range, not
 * yet nice) with about target ticks; for linear axes the domain grows to
 * the outer ticks. */
void axis_linear(struct axis *a, double lo, double hi, int target, bool include_zero);
void axis_log(struct axis *a, double lo, double hi, int target);
void axis_time(struct axis *a, double lo, double hi, int target, bool date_only);
/* Any of the three; and the same with as many ticks as labels fit in w
 * columns along a horizontal axis. */
void axis_make(struct axis *a, enum axis_kind k, double lo, double hi, int target, bool include_zero, bool date_only);
void axis_fit(struct axis *a, enum axis_kind k, double lo, double hi, int w, bool include_zero, bool date_only,
    bool ascii);
/* A y axis over h rows: about a tick every 3 rows, more when they fit
 * the data more tightly. */
void axis_y(struct axis *a, enum axis_kind k, double lo, double hi, int h, bool include_zero);
/* A y axis' tick target for h rows: about one tick every 3 rows. */
int chart_ytarget(int h);
/* The position of v along an axis, 0 .. 1 (NaN: off the axis - a log
 * axis' values <= 0). */
double axis_frac(const struct axis *a, double v);
/* Widest tick label. */
int axis_label_width(const struct axis *a, bool ascii);

/* An XY layout: title/legend above, ylabel, y tick labels on the left,
 * the x axis and its labels (and xlabel) below. The y axis is set up by
 * the caller's callback once the plot's height is known (ticks depend on
 * it), then the x axis once its width is. Returns -1 (err set) when the
 * canvas is too small. */
struct xy_layout {
	struct area plot;
	struct axis *xa, *ya;
	bool xcat_labels;               /* x categories: labels under slots */
};
int chart_xy_layout(struct chart_ctx *cx, struct xy_layout *L, void (*yaxis)(struct chart_ctx *, struct axis *, int h),
    void (*xaxis)(struct chart_ctx *, struct axis *, int w));
/* Draw the axes' lines, ticks and labels around L->plot. For AXIS_CAT x
 * axes the labels are the axis' labels, one per category slot. */
void chart_xy_axes(struct chart_ctx *cx, const struct xy_layout *L);

/* Rows and columns of a plot for a fraction along an axis. */
int area_row(const struct area *a, double frac);     /* frac 1: top row */
int area_col(const struct area *a, double frac);
int area_doty(const struct area *a, double frac);    /* dot coordinates */
int area_dotx(const struct area *a, double frac);

/* ------------------------------------------------------------ families */

int chart_draw_bar(struct chart_ctx *cx);
int chart_draw_hist(struct chart_ctx *cx);
int chart_draw_line(struct chart_ctx *cx);       /* line, area, scatter */
int chart_draw_box(struct chart_ctx *cx);
int chart_draw_interval(struct chart_ctx *cx);
int chart_draw_heatmap(struct chart_ctx *cx);
int chart_draw_spark(struct chart_ctx *cx);
int chart_draw_kpi(struct chart_ctx *cx);

/* Numbers of a column (NaN-free): for histograms and box plots. */
double *cd_column_values(const struct rowset *rs, int col, int64_t *n, int64_t *skipped);
/* The quantile p of sorted x[0..n) by linear interpolation (R's type 7). */
double cd_quantile(const double *x, int64_t n, double p);

#endif
