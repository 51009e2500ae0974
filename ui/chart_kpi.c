/*
 * chart_kpi: sparklines and KPI tiles.
 *
 * A sparkline is a series in one row of eighth-blocks (▁▂▃▄▅▆▇█; ASCII
 * _.-^), its minimum the lowest step; longer series are averaged into the
 * cells; NaN is a gap. In more than one row it becomes a small area chart
 * under a line giving the name, the last value and the range.
 *
 * A KPI tile shows the last value of y (rows in order, or ordered by x)
 * big, its change against the previous value (the row before, or prev=COL
 * of the same row) with an arrow and a percentage, and a sparkline of
 * the values:
 *
 *   revenue
 *   █▀▀ ▀▀█ █ █ ▄ █▀▀ █▄▄   M
 *   ▀▀█   █ ▀▀█   ▀▀█ █▄█
 *   ▀▀▀   ▀   ▀ ▀ ▀▀▀ ▀▀▀
 *   ▲ +12.3% (+583k) vs 2019-10-02
 *   ▁▂▂▃▅▄▆█
 */
#include "ui/chart_int.h"

#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* the n values averaged into width cells (width >= n: one each) */
static int
resample(const double *v, int n, int width, double *out)
{
	if (n <= width) {
		memcpy(out, v, sizeof *v * (size_t)n);
		return n;
	}
	for (int c = 0; c < width; c++) {
		int a = (int)((int64_t)c * n / width), z = (int)((int64_t)(c + 1) * n / width);
		double sum = 0;
		int k = 0;
		for (int i = a; i < z; i++)
			if (isfinite(v[i])) {
				sum += v[i];
				k++;
			}
		out[c] = k ? sum / k : NAN;
	}
	return width;
}

static void
minmax(const double *v, int n, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (int i = 0; i < n; i++)
		if (isfinite(v[i])) {
			*lo = fmin(*lo, v[i]);
			*hi = fmax(*hi, v[i]);
		}
}

/* the step (0..levels-1) of v in [lo, hi] */
static int
level(double v, double lo, double hi, int levels)
{
	if (!(hi > lo))
		return levels / 2;
	int l = (int)floor((v - lo) / (hi - lo) * levels);
	return l < 0 ? 0 : l >= levels ? levels - 1 : l;
}

static const char spark_ascii[] = "_.-^";

void
chart_sparkline(const double *v, int n, int width, bool ascii, struct strbuf *out)
{
	if (width < 1 || n < 1)
		return;
	double *r = xmalloc(sizeof *r * (size_t)(n < width ? n : width) + sizeof *r);
	int m = resample(v, n, width, r);
	double lo, hi;
	minmax(r, m, &lo, &hi);
	char buf[8];
	for (int i = 0; i < m; i++) {
		if (!isfinite(r[i])) {
			sb_putc(out, ' ');
			continue;
		}
		if (ascii) {
			sb_putc(out, spark_ascii[level(r[i], lo, hi, 4)]);
			continue;
		}
		uint32_t cp = 0x2581 + (uint32_t)level(r[i], lo, hi, 8);
		/* U+2581..U+2588: three bytes each */
		buf[0] = (char)(0xe0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		sb_add(out, buf, 3);
	}
	free(r);
}

void
chart_sparkline_draw(struct canvas *cv, int x, int y, int width, const double *v, int n, uint8_t attr)
{
	if (width < 1 || n < 1)
		return;
	double *r = xmalloc(sizeof *r * (size_t)(n < width ? n : width) + sizeof *r);
	int m = resample(v, n, width, r);
	double lo, hi;
	minmax(r, m, &lo, &hi);
	for (int i = 0; i < m; i++) {
		if (!isfinite(r[i]))
			continue;
		if (cv->ascii)
			canvas_put(cv, x + i, y, (uint32_t)(unsigned char)spark_ascii[level(r[i], lo, hi, 4)], attr);
		else
			canvas_put(cv, x + i, y, 0x2581 + (uint32_t)level(r[i], lo, hi, 8), attr);
	}
	free(r);
}

/* ------------------------------------------------------------ the values */

struct kv {
	double x, y, prev;
	int64_t row;
};

static int
cmp_kv(const void *a, const void *b)
{
	const struct kv *p = a, *q = b;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return p->row < q->row ? -1 : p->row > q->row;
}

/* the series of y in order (by x when x is given and numeric or time) */
static struct kv *
series(struct chart_ctx *cx, int *n, int64_t *skipped)
{
	const struct chart_spec *sp = cx->sp;
	const struct rowset *rs = cx->rs;
	int yc = cd_find(rs, &sp->y[0], "y", cx->err);
	int xc = sp->nx ? cd_find(rs, &sp->x[0], "x", cx->err) : -1;
	int pc = sp->prev.name ? cd_find(rs, &sp->prev, "prev", cx->err) : -1;
	bool order = xc >= 0 && (cd_is_num(rs->types[xc]) || cd_is_time(rs->types[xc]));
	struct kv *v = xmalloc(sizeof *v * (size_t)(rs->nrows + 1));
	int k = 0;
	*skipped = 0;
	for (int64_t r = 0; r < rs->nrows; r++) {
		double y = cd_num(rs, r, yc);
		if (!isfinite(y)) {
			(*skipped)++;
			continue;
		}
		double x = order ? cd_num(rs, r, xc) : (double)r;
		if (order && !isfinite(x)) {
			(*skipped)++;
			continue;
		}
		v[k++] = (struct kv){x, y, pc >= 0 ? cd_num(rs, r, pc) : NAN, r};
	}
	if (order)
		qsort(v, (size_t)k, sizeof *v, cmp_kv);
	*n = k;
	return v;
}

int
chart_draw_spark(struct chart_ctx *cx)
{
	struct canvas *cv = cx->cv;
	int n;
	int64_t skipped;
	struct kv *kv = series(cx, &n, &skipped);
	if (n == 0) {
		free(kv);
		err_set(cx->err, -1, "sparkline: no value to draw: every %s is NULL", cx->sp->y[0].name);
		return -1;
	}
	if (skipped)
		chart_note(cx, "%lld NULL value%s left out", (long long)skipped, skipped == 1 ? "" : "s");
	double *v = xmalloc(sizeof *v * (size_t)n);
	for (int i = 0; i < n; i++)
		v[i] = kv[i].y;
	const char *name = cx->sp->title ? cx->sp->title : cx->sp->y[0].name;
	char last[CHART_LABEL_MAX], lo[CHART_LABEL_MAX], hi[CHART_LABEL_MAX];
	chart_fmt_value(v[n - 1], last);
	double a, z;
	minmax(v, n, &a, &z);
	chart_fmt_value(a, lo);
	chart_fmt_value(z, hi);
	uint8_t attr = chart_attr(cx, 0);
	if (cv->h == 1) {
		/* name ▁▂▄█ last */
		int nw = canvas_text_width(name, cv->ascii), lw = (int)strlen(last);
		int x = 0;
		if (nw + lw + 2 + 4 <= cv->w) {
			x = canvas_text(cv, 0, 0, name, -1, 0) + 1;
			chart_sparkline_draw(cv, x, 0, cv->w - x - lw - 1, v, n, attr);
			int end = x + (n < cv->w - x - lw - 1 ? n : cv->w - x - lw - 1);
			canvas_text(cv, end + 1, 0, last, -1, CANVAS_BOLD);
		} else {
			chart_sparkline_draw(cv, 0, 0, cv->w, v, n, attr);
		}
	} else {
		char head[4 * CHART_LABEL_MAX + 256];
		snprintf(head, sizeof head, "%s %s (%s to %s)", name, last, lo, hi);
		canvas_text(cv, 0, 0, head, -1, 0);
		int h = cv->h - 1, w = cv->w;
		double *r = xmalloc(sizeof *r * (size_t)(n < w ? n : w) + sizeof *r);
		int m = resample(v, n, w, r);
		for (int i = 0; i < m; i++) {
			if (!isfinite(r[i]))
				continue;
			int e = z > a ? (int)lround((r[i] - a) / (z - a) * (h * 8 - 1)) + 1 : h * 4;
			canvas_vbar(cv, i, cv->h - 1, e, chart_fill(cx, 0), attr);
		}
		free(r);
	}
	free(v);
	free(kv);
	return 0;
}

/* ------------------------------------------------------------ KPI */

/* Big digits, 3 rows by 3 columns (one for '.', ',', ':'); other
 * characters print plain in the last row. */
struct bigch {
	char c;
	const char *u[3];   /* UTF-8 */
	const char *a[3];   /* ASCII, seven-segment style */
};

static const struct bigch big[] = {
	{'0', {"█▀█", "█ █", "▀▀▀"}, {" _ ", "| |", "|_|"}},
	{'1', {"▀█ ", " █ ", "▀▀▀"}, {"   ", "  |", "  |"}},
	{'2', {"▀▀█", "█▀▀", "▀▀▀"}, {" _ ", " _|", "|_ "}},
	{'3', {"▀▀█", " ▀█", "▀▀▀"}, {" _ ", " _|", " _|"}},
	{'4', {"█ █", "▀▀█", "  ▀"}, {"   ", "|_|", "  |"}},
	{'5', {"█▀▀", "▀▀█", "▀▀▀"}, {" _ ", "|_ ", " _|"}},
	{'6', {"█▀▀", "█▀█", "▀▀▀"}, {" _ ", "|_ ", "|_|"}},
	{'7', {"▀▀█", "  █", "  ▀"}, {" _ ", "  |", "  |"}},
	{'8', {"█▀█", "█▀█", "▀▀▀"}, {" _ ", "|_|", "|_|"}},
	{'9', {"█▀█", "▀▀█", "▀▀▀"}, {" _ ", "|_|", " _|"}},
	{'-', {"   ", "▀▀▀", "   "}, {"   ", " _ ", "   "}},
	{'.', {" ", " ", "▀"}, {" ", " ", "."}},
	{',', {" ", " ", "▄"}, {" ", " ", ","}},
};

static const struct bigch *
big_of(char c)
{
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
		if (big[i].c == c)
			return &big[i];
	return NULL;
}

/* columns text takes in big digits (plain characters: one column) */
static int
big_width(const char *t)
{
	int w = 0;
	for (const char *p = t; *p; p++) {
		const struct bigch *b = big_of(*p);
		w += (b ? canvas_text_width(b->a[0], true) : 1) + 1;
	}
	return w > 0 ? w - 1 : 0;
}

static void
big_text(struct canvas *cv, int x, int y, const char *t, uint8_t attr)
{
	for (const char *p = t; *p; p++) {
		const struct bigch *b = big_of(*p);
		if (b == NULL) {
			canvas_put(cv, x, y + 2, (uint32_t)(unsigned char)*p, attr);
			x += 2;
			continue;
		}
		for (int r = 0; r < 3; r++)
			canvas_text(cv, x, y + r, cv->ascii ? b->a[r] : b->u[r], -1, attr);
		x += canvas_text_width(b->a[0], true) + 1;
	}
}

/* the KPI's value: whole below a million (from 100 on, rounded) */
static void
kpi_text(double v, char *buf)
{
	if (fabs(v) < 1e6 && (v == floor(v) || fabs(v) >= 100)) {
		chart_fmt_tick(round(v), 1, 1, buf);   /* digits grouped: 846,919 */
		return;
	}
	chart_fmt_value(v, buf);
}

int
chart_draw_kpi(struct chart_ctx *cx)
{
	struct canvas *cv = cx->cv;
	const struct chart_spec *sp = cx->sp;
	int n;
	int64_t skipped;
	struct kv *kv = series(cx, &n, &skipped);
	if (n == 0) {
		free(kv);
		err_set(cx->err, -1, "kpi: no value to show: every %s is NULL", sp->y[0].name);
		err_hint(cx->err, "check the query, or name another column: kpi y=COLUMN");
		return -1;
	}
	if (skipped)
		chart_note(cx, "%lld NULL value%s left out", (long long)skipped, skipped == 1 ? "" : "s");
	double cur = kv[n - 1].y;
	double prev = sp->prev.name ? kv[n - 1].prev : n >= 2 ? kv[n - 2].y : NAN;
	char vtext[CHART_LABEL_MAX];
	kpi_text(cur, vtext);
	/* the change: "▲ +12.3% (+583k) vs 2019-10-02" */
	char delta[4 * CHART_LABEL_MAX + 64] = "";
	uint8_t dattr = 0;
	if (isfinite(prev)) {
		double d = cur - prev;
		char ds[CHART_LABEL_MAX];
		chart_fmt_value(fabs(d), ds);
		const char *arrow = d > 0 ? (cx->ascii ? "^" : "▲") : d < 0 ? (cx->ascii ? "v" : "▼") : "=";
		char pct[48] = "";
		if (prev != 0 && fabs(d / prev) < 100)   /* beyond 10,000% a percentage says nothing */
			snprintf(pct, sizeof pct, "%+.1f%% ", d / fabs(prev) * 100);
		char vs[CHART_LABEL_MAX + 8] = "";
		if (!sp->prev.name && sp->nx && n >= 2) {
			struct strbuf b = STRBUF_INIT;
			int xc = cd_find(cx->rs, &sp->x[0], "x", cx->err);
			cd_text(cx->rs, kv[n - 2].row, xc, &b);
			snprintf(vs, sizeof vs, " vs %.*s", CHART_LABEL_MAX - 1, sb_str(&b));
			sb_free(&b);
		} else {
			snprintf(vs, sizeof vs, " vs %s", sp->prev.name ? sp->prev.name : "previous");
		}
		snprintf(delta, sizeof delta, "%s %s(%s%s)%s", arrow, pct, d < 0 ? "-" : "+", ds, vs);
		/* what it is compared with goes first when the line is too long */
		if (canvas_text_width(delta, cx->ascii) > cv->w)
			snprintf(delta, sizeof delta, "%s %s(%s%s)", arrow, pct, d < 0 ? "-" : "+", ds);
		if (cx->color)
			dattr = d > 0 ? CANVAS_GOOD : d < 0 ? CANVAS_BAD : 0;
	}
	const char *title = sp->title ? sp->title : sp->y[0].name;
	double *v = xmalloc(sizeof *v * (size_t)n);
	for (int i = 0; i < n; i++)
		v[i] = kv[i].y;
	int h = cv->h, w = cv->w;
	bool spark = n >= 2 && h >= 4;
	/* big digits take three rows: with the title, the change and the
	 * sparkline, six (five without a title) */
	bool bigv = h >= (*title ? 6 : 5) && big_width(vtext) <= w;
	if (h == 1) {
		int x = canvas_text(cv, 0, 0, title, w / 2, 0);
		x += 1 + canvas_text(cv, x + 1, 0, vtext, -1, CANVAS_BOLD);
		canvas_text(cv, x + 1, 0, delta, -1, dattr);
	} else {
		int row = 0;
		if (*title)   /* title='': none (a dashboard's tile has it in its box) */
			canvas_text(cv, 0, row++, title, w, CANVAS_BOLD);
		if (bigv) {
			big_text(cv, 0, row, vtext, CANVAS_BOLD | chart_attr(cx, 0));
			row += 3;
		} else {
			canvas_text(cv, 0, row++, vtext, w, CANVAS_BOLD);
		}
		if (row < h && delta[0])
			canvas_text(cv, 0, row++, delta, w, dattr);
		if (spark && row < h)
			chart_sparkline_draw(cv, 0, row, w, v, n, chart_attr(cx, 0));
	}
	free(v);
	free(kv);
	return 0;
}
