/* Unit tests for ui/canvas and ui/chart: the nice-tick algorithm against
 * hand-worked examples, number and time labels, the spec grammar and its
 * errors, the auto chart's choices, the canvas' glyphs, and every chart
 * kind rendered at fixed sizes in UTF-8 and ASCII against the expected
 * text in tests/charts/ - degenerate data included (all values equal, one
 * row, NULLs, negative values, huge ranges, no rows).
 *
 * WB_UPDATE_GOLDEN=1 rewrites the expected files from the current output;
 * read the diff before committing it. */
#include "tests/tap.h"

#include "core/datetime.h"
#include "core/rowset.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "ui/canvas.h"
#include "ui/chart.h"
#include "ui/chart_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ ticks */

static void
ticks_are(double lo, double hi, int target, const char *want, const char *name)
{
	double t[CHART_MAX_TICKS], step;
	int n = chart_ticks(lo, hi, target, t, CHART_MAX_TICKS, &step);
	struct strbuf b = STRBUF_INIT;
	double maxabs = 0;
	for (int i = 0; i < n; i++)
		maxabs = fmax(maxabs, fabs(t[i]));
	for (int i = 0; i < n; i++) {
		char l[CHART_LABEL_MAX];
		chart_fmt_tick(t[i], step, maxabs, l);
		sb_printf(&b, "%s%s", i ? " " : "", l);
	}
	is_str(sb_str(&b), want, "ticks %s: [%g, %g] about %d", name, lo, hi, target);
	sb_free(&b);
}

static void
test_nice(void)
{
	/* Heckbert's nice numbers: the smallest of 1, 2, 5 x 10^k >= x, or
	 * the nearest one */
	is_dbl(chart_nice(0.84, false), 1, 1e-12, "nice(0.84) = 1");
	is_dbl(chart_nice(15.8, false), 20, 1e-12, "nice(15.8) = 20");
	is_dbl(chart_nice(3.2e6, false), 5e6, 1e-3, "nice(3.2e6) = 5e6");
	is_dbl(chart_nice(100, false), 100, 1e-9, "nice(100) = 100 (a nice number is its own)");
	is_dbl(chart_nice(0.25, true), 0.2, 1e-12, "round nice(0.25) = 0.2 (2.5 < 3)");
	is_dbl(chart_nice(6.67, true), 5, 1e-12, "round nice(6.67) = 5");
	is_dbl(chart_nice(7.5, true), 10, 1e-12, "round nice(7.5) = 10");
	is_dbl(chart_nice(1.4, true), 1, 1e-12, "round nice(1.4) = 1");

	/* hand-worked: step = the nearest nice number to (hi - lo) / (target - 1),
	 * ticks from floor(lo / step) to ceil(hi / step) */
	ticks_are(0, 100, 6, "0 20 40 60 80 100", "0..100, 6");          /* 100 / 5 = 20 */
	ticks_are(0.13, 0.97, 5, "0.0 0.2 0.4 0.6 0.8 1.0", "fractions"); /* 0.84 / 4 = 0.21 -> 0.2 */
	ticks_are(-3.7, 12.1, 5, "-5 0 5 10 15", "negative start");      /* 15.8 / 4 = 3.95 -> 5 */
	ticks_are(1e6, 4.2e6, 5, "1M 2M 3M 4M 5M", "millions");          /* 3.2e6 / 4 = 8e5 -> 1e6 */
	ticks_are(0, 10.5, 4, "0 5 10 15", "10.5 in four");              /* 3.5 -> 5 */
	ticks_are(0, 6000, 7, "0 1,000 2,000 3,000 4,000 5,000 6,000", "thousands separators");   /* 1000 */
	ticks_are(0, 250000, 6, "0 50k 100k 150k 200k 250k", "SI k");    /* 50000 */
	ticks_are(-2.5e9, 2.5e9, 3, "-4G -2G 0 2G 4G", "SI G, symmetric"); /* 2.5e9 -> 2e9 (2.5 < 3) */
	ticks_are(0.00012, 0.00047, 4, "0.0001 0.0002 0.0003 0.0004 0.0005", "small decimals"); /* 1.17e-4 -> 1e-4 */
	ticks_are(2e-7, 9e-7, 3, "0 5e-07 1e-06", "tiny: scientific");   /* 3.5e-7 -> 5e-7 */
	ticks_are(5, 5, 5, "4.4 4.6 4.8 5.0 5.2 5.4 5.6", "lo == hi: widened by a tenth");   /* 1 / 4 -> 0.2 */
	ticks_are(0, 0, 3, "-1 0 1", "0 == 0: widened by 1");
	ticks_are(1e-5, 1e15, 6, "0 200T 400T 600T 800T 1P", "huge range");   /* 2e14 */
	double t[CHART_MAX_TICKS], step;
	int n = chart_ticks(-1.7e308, 1.7e308, 5, t, CHART_MAX_TICKS, &step);
	ok(n >= 2 && n <= CHART_MAX_TICKS && isfinite(step) && t[0] <= -1.7e308 && t[n - 1] >= 1.7e308,
	    "the ends of the doubles: finite ticks that enclose them (%d, step %g)", n, step);
	n = chart_ticks(0, 1000, 500, t, 8, &step);
	ok(n <= 8, "at most max ticks (%d)", n);

	/* log ticks: exponents */
	n = chart_log_ticks(0, 2, 8, t, CHART_MAX_TICKS);
	struct strbuf b = STRBUF_INIT;
	for (int i = 0; i < n; i++) {
		char l[CHART_LABEL_MAX];
		chart_fmt_log_tick(t[i], l);
		sb_printf(&b, "%s%s", i ? " " : "", l);
	}
	is_str(sb_str(&b), "1 2 5 10 20 50 100", "log ticks over two decades: 1-2-5");
	sb_clear(&b);
	n = chart_log_ticks(-2, 9, 5, t, CHART_MAX_TICKS);
	for (int i = 0; i < n; i++) {
		char l[CHART_LABEL_MAX];
		chart_fmt_log_tick(t[i], l);
		sb_printf(&b, "%s%s", i ? " " : "", l);
	}
	is_str(sb_str(&b), "0.001 1 1,000 1M 1G", "log ticks over 11 decades in 5: every third power");
	sb_free(&b);
}

static void
value_is(double v, const char *want)
{
	char buf[CHART_LABEL_MAX];
	chart_fmt_value(v, buf);
	is_str(buf, want, "value %.17g", v);
}

static void
test_values(void)
{
	value_is(1846, "1,846");
	value_is(273.38, "273.4");
	value_is(0.7364, "0.7364");
	value_is(-5.5, "-5.5");
	value_is(0, "0");
	value_is(846919, "847k");
	value_is(1144056.5, "1.14M");
	value_is(999700, "1M");
	value_is(12000, "12k");
	value_is(-2.5e9, "-2.5G");
	value_is(1.2e-7, "1.2e-07");
	value_is(NAN, "NaN");
	value_is(INFINITY, "inf");
}

static void
time_ticks_are(const char *lo, const char *hi, int target, bool date_only, const char *want)
{
	int64_t a, b;
	double l, h;
	if (date_only) {
		dt_parse_date(lo, strlen(lo), &a);
		dt_parse_date(hi, strlen(hi), &b);
		l = (double)a * 86400;
		h = (double)b * 86400;
	} else {
		dt_parse_timestamp(lo, strlen(lo), &a);
		dt_parse_timestamp(hi, strlen(hi), &b);
		l = (double)a / 1e6;
		h = (double)b / 1e6;
	}
	double t[CHART_MAX_TICKS];
	char labels[CHART_MAX_TICKS][CHART_LABEL_MAX];
	int n = chart_time_ticks(l, h, target, date_only, t, labels, CHART_MAX_TICKS);
	struct strbuf s = STRBUF_INIT;
	for (int i = 0; i < n; i++)
		sb_printf(&s, "%s%s", i ? "|" : "", labels[i]);
	is_str(sb_str(&s), want, "time ticks %s .. %s about %d", lo, hi, target);
	sb_free(&s);
}

static void
test_time(void)
{
	/* October 2019: weeks start on Mondays (the 7th, 14th, ...) */
	time_ticks_are("2019-10-01", "2019-10-31", 6, true, "2019-10-07|2019-10-14|2019-10-21|2019-10-28");
	time_ticks_are("2019-10-01", "2019-10-05", 6, true, "2019-10-01|2019-10-02|2019-10-03|2019-10-04|2019-10-05");
	time_ticks_are("2019-01-01", "2019-12-31", 5, true, "2019-01|2019-04|2019-07|2019-10");
	time_ticks_are("2010-06-01", "2019-06-01", 6, true, "2012|2014|2016|2018");
	time_ticks_are("2019-10-01 00:00:00", "2019-10-01 12:00:00", 5, false, "00:00|03:00|06:00|09:00|12:00");
	time_ticks_are("2019-10-01 00:00:00", "2019-10-03 00:00:00", 5, false,
	    "10-01 00:00|10-01 12:00|10-02 00:00|10-02 12:00|10-03 00:00");
	time_ticks_are("2019-10-01 10:00:00", "2019-10-01 10:00:20", 5, false, "10:00:00|10:00:05|10:00:10|10:00:15|10:00:20");
	/* one instant: its own label */
	time_ticks_are("2019-10-01 10:00:00.25", "2019-10-01 10:00:00.5", 5, false, "10:00:00|10:00:00");
}

/* ------------------------------------------------------------ specs */

static void
spec_ok(const char *text, const char *want)
{
	struct chart_spec sp;
	chart_spec_init(&sp);
	struct wb_error err = WB_ERROR_INIT;
	int rc = chart_spec_parse(&sp, text, 0, &err);
	struct strbuf b = STRBUF_INIT;
	if (rc == 0)
		chart_spec_format(&sp, &b);
	else
		sb_printf(&b, "error: %s", err.msg);
	is_str(sb_str(&b), want, "spec '%s'", text);
	sb_free(&b);
	err_clear(&err);
	chart_spec_free(&sp);
}

static void
spec_err(const char *text, int pos, const char *msg, const char *hint)
{
	struct chart_spec sp;
	chart_spec_init(&sp);
	struct wb_error err = WB_ERROR_INIT;
	int rc = chart_spec_parse(&sp, text, 100, &err);
	ok(rc < 0, "spec '%s' is an error", text);
	is_str(err.msg, msg, "spec '%s': message", text);
	is_int(err.pos, pos, "spec '%s': position (base 100)", text);
	if (hint)
		ok(err.hint && strstr(err.hint, hint), "spec '%s': hint has '%s' (%s)", text, hint, err.hint ? err.hint : "none");
	err_clear(&err);
	chart_spec_free(&sp);
}

static void
test_spec(void)
{
	spec_ok("", "auto");
	spec_ok("bar x=brand y=revenue", "bar x=brand y=revenue");
	spec_ok("BAR X=brand Y=revenue,orders stacked", "bar stacked x=brand y=revenue,orders");
	spec_ok("hbar x=brand y=revenue", "bar horizontal x=brand y=revenue");
	spec_ok("type=line x=day y=amount", "line x=day y=amount");
	spec_ok("line x = day y = amount", "line x=day y=amount");
	spec_ok("hist x=price bins=20 log", "histogram x=price logy bins=20");
	spec_ok("scatter x=a y=b log=xy", "scatter x=a y=b log=xy");
	spec_ok("bar color=event_type y=n", "bar y=n series=event_type");
	spec_ok("title='Revenue, by day' xlabel=\"it's\" ylabel='it''s'",
	    "auto title='Revenue, by day' xlabel='it''s' ylabel='it''s'");
	spec_ok("y='order total',\"n\"", "auto y='order total',n");
	spec_ok("interval y=mean ci_low=lo ci_high=hi", "interval y=mean lo=lo hi=hi");
	spec_ok("kpi y=revenue prev=last_week width=30 height=6 nolegend ascii",
	    "kpi y=revenue prev=last_week width=30 height=6 nolegend ascii");
	spec_ok("heatmap x=hour y=dow z=n unicode", "heatmap x=hour y=dow value=n unicode");
	spec_ok("horizontal=false vertical=true", "auto vertical");

	spec_err("barr x=brand", 100, "chart spec: unknown word 'barr' (not a chart kind or modifier)", "did you mean bar?");
	spec_err("bar colr=brand", 104, "chart spec: unknown option 'colr'", "did you mean color?");
	spec_err("bar serie=brand", 104, "chart spec: unknown option 'serie'", "did you mean series?");
	spec_err("bar widht=80", 104, "chart spec: unknown option 'widht'", "did you mean width?");
	spec_err("bar line", 104, "chart spec: two kinds, bar and line", "one kind");
	spec_err("bar width=5", 110, "chart spec: width must be a whole number from 8 to 1000, not '5'", NULL);
	spec_err("bar bins=x", 109, "chart spec: bins must be a whole number from 1 to 1000, not 'x'", NULL);
	spec_err("bar title='open", 110, "chart spec: the quote '...' does not end", "end it with '");
	spec_err("bar x", 104, "chart spec: option x needs a value: x=COL[,COL]", NULL);
	spec_err("bar x=", 106, "chart spec: option x needs a value after =", NULL);
	spec_err("bar log=z", 108, "chart spec: log is x, y or xy, not 'z'", NULL);
	spec_err("bar stacked=maybe", 112, "chart spec: stacked is true or false, not 'maybe'", NULL);
	spec_err("bar 'x'", 104, "chart spec: expected a kind, a modifier or KEY=VALUE at '", NULL);
	spec_err("type=pie", 105, "chart spec: unknown chart kind 'pie'", "kinds:");

	/* notebook lines: "key: value" */
	struct chart_spec sp;
	chart_spec_init(&sp);
	struct wb_error err = WB_ERROR_INIT;
	ok(chart_spec_parse(&sp, "bar x=brand", 0, &err) == 0 &&
	    chart_spec_parse_line(&sp, "title: revenue by brand, October", 0, &err) == 0 &&
	    chart_spec_parse_line(&sp, "  y: revenue, orders", 0, &err) == 0 &&
	    chart_spec_parse_line(&sp, "stacked:", 0, &err) == 0 &&
	    chart_spec_parse_line(&sp, "xlabel: 'quoted: text'", 0, &err) == 0 && chart_spec_parse_line(&sp, "", 0, &err) == 0 &&
	    chart_spec_parse_line(&sp, "height=12 ascii", 0, &err) == 0,
	    "notebook chart lines parse");
	struct strbuf b = STRBUF_INIT;
	chart_spec_format(&sp, &b);
	is_str(sb_str(&b), "bar stacked x=brand y=revenue,orders title='revenue by brand, October' xlabel='quoted: text' "
	    "height=12 ascii", "notebook chart lines add to the marker's options");
	ok(chart_spec_parse_line(&sp, "titel: x", 50, &err) < 0 && err.pos == 50 && err.hint &&
	    strstr(err.hint, "did you mean title?"), "a misspelt line key: its position and a did-you-mean");
	sb_free(&b);
	err_clear(&err);
	chart_spec_free(&sp);

	b = (struct strbuf)STRBUF_INIT;
	chart_spec_help(&b);
	ok(strstr(sb_str(&b), "binwidth=W") && strstr(sb_str(&b), "(also: color colour by group)"),
	    "the option reference lists every option with its aliases");
	sb_free(&b);
}

/* ------------------------------------------------------------ data sets */

static struct rowset *
brands(void)
{
	const char *names[] = {"brand", "revenue", "orders"};
	wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_DOUBLE, WB_TYPE_BIGINT};
	struct rowset_builder r;
	rsb_init(&r, 3, names, types);
	const char *b[] = {"apple", "samsung", "xiaomi", "huawei", "lg"};
	double rev[] = {1144056.5, 846918.96, 285455.93, 174570.53, 153133.84};
	int64_t n[] = {1846, 2557, 1529, 572, 354};
	for (int i = 0; i < 5; i++) {
		rsb_str(&r, 0, b[i]);
		rsb_double(&r, 1, rev[i]);
		rsb_int(&r, 2, n[i]);
		rsb_end_row(&r);
	}
	return rsb_finish(&r);
}

/* day, event_type, n: three series over two weeks */
static struct rowset *
daily(void)
{
	const char *names[] = {"day", "event_type", "n"};
	wb_type types[] = {WB_TYPE_DATE, WB_TYPE_VARCHAR, WB_TYPE_BIGINT};
	struct rowset_builder r;
	rsb_init(&r, 3, names, types);
	int64_t d0 = dt_days_from_civil(2019, 10, 1);
	const char *ev[] = {"view", "cart", "purchase"};
	for (int d = 0; d < 14; d++)
		for (int e = 0; e < 3; e++) {
			rsb_int(&r, 0, d0 + d);
			rsb_str(&r, 1, ev[e]);
			int64_t base = e == 0 ? 9000 : e == 1 ? 2200 : 1700;
			rsb_int(&r, 2, base + (d * 37 % 11) * (e == 0 ? 300 : 60) + (d % 7 == 5 ? -800 / (e + 1) : 0));
			rsb_end_row(&r);
		}
	return rsb_finish(&r);
}

/* day, views, carts: two numeric columns over a time x */
static struct rowset *
wide(void)
{
	const char *names[] = {"day", "views", "carts"};
	wb_type types[] = {WB_TYPE_TIMESTAMP, WB_TYPE_BIGINT, WB_TYPE_BIGINT};
	struct rowset_builder r;
	rsb_init(&r, 3, names, types);
	int64_t t0 = dt_days_from_civil(2019, 10, 1) * DT_US_PER_DAY;
	for (int h = 0; h < 48; h++) {
		rsb_int(&r, 0, t0 + (int64_t)h * 3600 * DT_US_PER_SEC);
		rsb_int(&r, 1, 400 + (int64_t)(300 * sin(h / 24.0 * 2 * M_PI)) + (h * 7919 % 37));
		rsb_int(&r, 2, 100 + (int64_t)(60 * sin((h - 3) / 24.0 * 2 * M_PI)));
		rsb_end_row(&r);
	}
	return rsb_finish(&r);
}

/* a deterministic, roughly bell-shaped sample */
static double
sample(int i)
{
	double s = 0;
	for (int k = 1; k <= 4; k++)
		s += (double)((i * 7919 + k * 104729) % 1000) / 1000.0;
	return 40 + 30 * s;
}

static struct rowset *
prices(void)
{
	const char *names[] = {"category", "price"};
	wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_DOUBLE};
	struct rowset_builder r;
	rsb_init(&r, 2, names, types);
	const char *c[] = {"electronics", "apparel", "kids"};
	for (int i = 0; i < 300; i++) {
		rsb_str(&r, 0, c[i % 3]);
		double p = sample(i) * (1 + (i % 3) * 0.4);
		if (i % 97 == 5)
			p *= 3;   /* outliers */
		rsb_double(&r, 1, p);
		rsb_end_row(&r);
	}
	return rsb_finish(&r);
}

static struct rowset *
points(void)
{
	const char *names[] = {"views", "spend"};
	wb_type types[] = {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE};
	struct rowset_builder r;
	rsb_init(&r, 2, names, types);
	for (int i = 0; i < 120; i++) {
		double x = (i * 7919 % 200) / 4.0;
		rsb_double(&r, 0, x);
		rsb_double(&r, 1, 3 * x + (i * 104729 % 41) - 20);
		rsb_end_row(&r);
	}
	return rsb_finish(&r);
}

static struct rowset *
heat(void)
{
	const char *names[] = {"dow", "hour", "n"};
	wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_BIGINT};
	struct rowset_builder r;
	rsb_init(&r, 3, names, types);
	const char *d[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	for (int h = 23; h >= 0; h--)   /* out of order: hours are sorted */
		for (int k = 0; k < 7; k++) {
			if (k == 6 && h < 6)
				continue;   /* no rows: blank cells */
			rsb_str(&r, 0, d[k]);
			rsb_int(&r, 1, h);
			rsb_int(&r, 2, (int64_t)(50 + 40 * sin((h - 6) / 24.0 * 2 * M_PI)) * (k >= 5 ? 2 : 1));
			rsb_end_row(&r);
		}
	return rsb_finish(&r);
}

/* DESCRIBE STATS price BY quarter's columns (some) */
static struct rowset *
describe(void)
{
	const char *names[] = {"quarter", "variable", "n", "mean", "sd", "ci_low", "ci_high"};
	wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE,
		WB_TYPE_DOUBLE, WB_TYPE_DOUBLE};
	struct rowset_builder r;
	rsb_init(&r, 7, names, types);
	const char *q[] = {"2019-Q1", "2019-Q2", "2019-Q3", "2019-Q4"};
	double m[] = {288.1, 301.7, 279.4, 312.9}, h[] = {6.1, 5.2, 7.9, 4.4};
	for (int i = 0; i < 4; i++) {
		rsb_str(&r, 0, q[i]);
		rsb_str(&r, 1, "price");
		rsb_int(&r, 2, 1000 + i);
		rsb_double(&r, 3, m[i]);
		rsb_double(&r, 4, 90);
		rsb_double(&r, 5, m[i] - h[i]);
		rsb_double(&r, 6, m[i] + h[i]);
		rsb_end_row(&r);
	}
	return rsb_finish(&r);
}

/* ABTEST's columns (some) */
static struct rowset *
abtest(void)
{
	const char *names[] = {"variant", "control", "lift_abs", "lift_abs_ci_low", "lift_abs_ci_high", "lift_rel",
		"lift_rel_ci_low", "lift_rel_ci_high", "p_value"};
	wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE,
		WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE};
	struct rowset_builder r;
	rsb_init(&r, 9, names, types);
	const char *v[] = {"B", "C"};
	double rel[] = {0.052, -0.018}, half[] = {0.031, 0.027};
	for (int i = 0; i < 2; i++) {
		rsb_str(&r, 0, v[i]);
		rsb_str(&r, 1, "A");
		rsb_double(&r, 2, rel[i] * 0.15);
		rsb_double(&r, 3, (rel[i] - half[i]) * 0.15);
		rsb_double(&r, 4, (rel[i] + half[i]) * 0.15);
		rsb_double(&r, 5, rel[i]);
		rsb_double(&r, 6, rel[i] - half[i]);
		rsb_double(&r, 7, rel[i] + half[i]);
		rsb_double(&r, 8, 0.01);
		rsb_end_row(&r);
	}
	return rsb_finish(&r);
}

/* ML.ROC_CURVE's columns */
static struct rowset *
roc(void)
{
	const char *names[] = {"threshold", "recall", "false_positive_rate", "true_positives"};
	wb_type types[] = {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_BIGINT};
	struct rowset_builder r;
	rsb_init(&r, 4, names, types);
	for (int i = 0; i <= 20; i++) {
		double f = i / 20.0;
		rsb_double(&r, 0, 1 - f);
		rsb_double(&r, 1, 1 - pow(1 - f, 4));
		rsb_double(&r, 2, f);
		rsb_int(&r, 3, i * 10);
		rsb_end_row(&r);
	}
	return rsb_finish(&r);
}

/* ML.TRAINING_INFO's columns */
static struct rowset *
training(bool with_eval)
{
	const char *names[] = {"iteration", "loss", "eval_loss", "duration_ms"};
	wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE};
	struct rowset_builder r;
	rsb_init(&r, 4, names, types);
	for (int i = 0; i < 30; i++) {
		rsb_int(&r, 0, i);
		rsb_double(&r, 1, 0.3 + 0.4 * exp(-i / 6.0));
		if (with_eval)
			rsb_double(&r, 2, 0.33 + 0.4 * exp(-i / 7.0) + (i > 20 ? (i - 20) * 0.004 : 0));
		else
			rsb_null(&r, 2);
		rsb_double(&r, 3, 1.5);
		rsb_end_row(&r);
	}
	return rsb_finish(&r);
}

static struct rowset *
kv(const char *kname, const char *vname, int n, const char *const *keys, const double *vals)
{
	const char *names[] = {kname, vname};
	wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_DOUBLE};
	struct rowset_builder r;
	rsb_init(&r, 2, names, types);
	for (int i = 0; i < n; i++) {
		rsb_str(&r, 0, keys[i]);
		if (isnan(vals[i]))
			rsb_null(&r, 1);
		else
			rsb_double(&r, 1, vals[i]);
		rsb_end_row(&r);
	}
	return rsb_finish(&r);
}

/* event_type, brand, n: two text columns and a number */
static struct rowset *
funnel(void)
{
	const char *names[] = {"event_type", "brand", "n"};
	wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_BIGINT};
	struct rowset_builder r;
	rsb_init(&r, 3, names, types);
	const char *ev[] = {"view", "cart", "purchase"}, *br[] = {"apple", "samsung", "xiaomi", "huawei"};
	for (int e = 0; e < 3; e++)
		for (int b = 0; b < 4; b++) {
			rsb_str(&r, 0, ev[e]);
			rsb_str(&r, 1, br[b]);
			rsb_int(&r, 2, (int64_t)(10000 / (e * 4 + 1)) / (b + 1));
			rsb_end_row(&r);
		}
	return rsb_finish(&r);
}

static struct rowset *
kpi_days(void)
{
	const char *names[] = {"day", "revenue"};
	wb_type types[] = {WB_TYPE_DATE, WB_TYPE_DOUBLE};
	struct rowset_builder r;
	rsb_init(&r, 2, names, types);
	int64_t d0 = dt_days_from_civil(2019, 10, 1);
	double v[] = {512340, 498122, 530990, 577410, 551800, 602345, 684211.5};
	for (int i = 6; i >= 0; i--) {   /* out of order: x sorts them */
		rsb_int(&r, 0, d0 + i);
		rsb_double(&r, 1, v[i]);
		rsb_end_row(&r);
	}
	return rsb_finish(&r);
}

/* ------------------------------------------------------------ golden renders */

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct strbuf b = STRBUF_INIT;
	sb_read_stream(&b, f);
	fclose(f);
	char *s = sb_detach(&b);
	return s ? s : xstrdup("");
}

static void
golden(const char *name, const char *got)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/charts/%s.txt", WB_SRCDIR, name);
	if (getenv("WB_UPDATE_GOLDEN") != NULL) {
		FILE *f = fopen(path, "wb");
		ok(f != NULL && fputs(got, f) >= 0 && fclose(f) == 0, "golden %s written", name);
		return;
	}
	char *want = slurp(path);
	if (want == NULL) {
		ok(0, "golden %s: cannot read %s: %s", name, path, strerror(errno));
		return;
	}
	if (!ok(strcmp(got, want) == 0, "chart %s as in tests/charts/%s.txt", name, name)) {
		const char *g = got, *w = want;
		int line = 1;
		while (*g && *g == *w) {
			if (*g == '\n')
				line++;
			g++, w++;
		}
		while (g > got && g[-1] != '\n')
			g--, w--;
		diag("first difference at line %d", line);
		diag("got:  %.*s", (int)strcspn(g, "\n"), g);
		diag("want: %.*s", (int)strcspn(w, "\n"), w);
	}
	free(want);
}

/* Render spec over rs at w x h, as text (plus its notes, or the error). */
static char *
render(const char *spec, const struct rowset *rs, int w, int h, bool ascii, bool color)
{
	struct chart_spec sp;
	chart_spec_init(&sp);
	struct wb_error err = WB_ERROR_INIT;
	struct strbuf out = STRBUF_INIT, notes = STRBUF_INIT;
	if (chart_spec_parse(&sp, spec, 0, &err) == 0) {
		struct chart_opts o = {.width = w, .height = h, .ascii = ascii, .color = color};
		struct canvas *cv = chart_render(&sp, rs, &o, &notes, &err);
		if (cv != NULL) {
			canvas_write(cv, &out, color);
			canvas_free(cv);
		}
	}
	if (err_isset(&err)) {
		sb_printf(&out, "error: %s\n", err.msg);
		if (err.hint)
			sb_printf(&out, "hint: %s\n", err.hint);
		if (err.pos >= 0)
			sb_printf(&out, "at: %s\n", spec + err.pos);
	}
	if (notes.len) {
		sb_puts(&out, "-- notes\n");
		sb_add(&out, notes.s, notes.len);
	}
	err_clear(&err);
	sb_free(&notes);
	chart_spec_free(&sp);
	char *s = sb_detach(&out);
	return s ? s : xstrdup("");
}

/* The same chart in UTF-8 (name) and ASCII (name_ascii). */
static void
both(const char *name, const char *spec, const struct rowset *rs, int w, int h)
{
	char *s = render(spec, rs, w, h, false, false);
	golden(name, s);
	free(s);
	char an[128];
	snprintf(an, sizeof an, "%s_ascii", name);
	s = render(spec, rs, w, h, true, false);
	golden(an, s);
	/* ASCII means ASCII */
	bool pure = true;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p >= 0x80)
			pure = false;
	ok(pure, "chart %s in ASCII has only ASCII bytes", name);
	free(s);
}

static void
one(const char *name, const char *spec, const struct rowset *rs, int w, int h)
{
	char *s = render(spec, rs, w, h, false, false);
	golden(name, s);
	free(s);
}

static void
test_kinds(void)
{
	struct rowset *b = brands(), *d = daily(), *wd = wide(), *p = prices(), *pt = points(), *ht = heat(),
	              *ds = describe(), *ab = abtest(), *rc = roc(), *tr = training(true), *tr1 = training(false),
	              *kd = kpi_days(), *fu = funnel();
	both("bar_auto", "", b, 60, 12);
	both("bar_vertical", "bar vertical x=brand y=orders title='Orders by brand'", b, 60, 14);
	both("bar_grouped", "bar x=day y=n series=event_type height=16", d, 72, 16);
	both("bar_stacked", "bar x=day y=n series=event_type stacked", d, 72, 14);
	both("bar_hstacked", "bar horizontal x=day y=n series=event_type stacked xlabel=events", d, 72, 20);
	one("bar_log", "bar x=brand y=revenue log", b, 60, 12);
	both("line_series", "line x=day y=n series=event_type title='Events per day' ylabel=events", d, 72, 16);
	both("line_time", "line x=day y=views,carts", wd, 72, 14);
	both("area", "area x=day y=views", wd, 60, 10);
	one("area_stacked", "area x=day y=views,carts stacked", wd, 60, 10);
	both("scatter", "scatter x=views y=spend", pt, 60, 14);
	one("scatter_few", "scatter x=views y=spend", pt, 200, 40);
	both("histogram", "histogram x=price", p, 60, 12);
	one("histogram_bins", "histogram x=price bins=5 xlabel=price", p, 60, 12);
	one("histogram_binwidth", "histogram x=price binwidth=25", p, 60, 12);
	one("histogram_logx", "histogram x=price logx", p, 60, 12);
	one("kpi_untitled", "kpi y=revenue x=day title=''", kd, 40, 5);
	both("box", "box y=price x=category", p, 70, 13);
	both("box_compact", "box y=price x=category", p, 70, 8);
	both("heatmap", "heatmap x=hour y=dow value=n title='Views by hour'", ht, 80, 12);
	one("heatmap_count", "heatmap x=category y=category", p, 40, 8);
	both("heatmap_auto", "", fu, 60, 9);
	both("interval_describe", "", ds, 72, 11);
	both("interval_abtest", "", ab, 72, 8);
	both("roc", "", rc, 60, 16);
	both("training", "", tr, 60, 14);
	one("training_no_eval", "", tr1, 60, 10);
	both("sparkline", "sparkline y=revenue x=day", kd, 30, 1);
	one("sparkline_tall", "sparkline y=revenue x=day height=4", kd, 30, 4);
	both("kpi", "kpi y=revenue x=day title='Revenue'", kd, 40, 6);
	one("kpi_small", "kpi y=revenue x=day", kd, 40, 3);
	one("kpi_line", "kpi y=revenue", kd, 50, 1);

	/* what the auto chart picks, by shape and by column types */
	struct {
		struct rowset *rs;
		const char *want;
	} autos[] = {
		{b, "bar horizontal x=brand y=revenue"},
		{d, "line x=day y=n series=event_type"},
		{wd, "line x=day y=views,carts"},
		{p, "box"},   /* not auto: the next three are */
		{pt, "scatter x=views y=spend"},
		{fu, "heatmap x=brand y=event_type value=n"},
		{ds, "interval x=quarter y=mean lo=ci_low hi=ci_high"},
		{ab, "interval x=variant y=lift_rel lo=lift_rel_ci_low hi=lift_rel_ci_high"},
		{rc, "line x=false_positive_rate y=recall"},
		{tr, "line x=iteration y=loss,eval_loss"},
		{tr1, "line x=iteration y=loss"},
	};
	for (size_t i = 0; i < sizeof autos / sizeof autos[0]; i++) {
		if (autos[i].rs == p)
			continue;
		struct chart_spec in, out;
		chart_spec_init(&in);
		struct wb_error err = WB_ERROR_INIT;
		struct strbuf s = STRBUF_INIT;
		if (chart_resolve(&in, autos[i].rs, &out, &err) == 0) {
			free(out.title);
			free(out.xlabel);
			free(out.ylabel);
			out.title = out.xlabel = out.ylabel = NULL;
			chart_spec_format(&out, &s);
			chart_spec_free(&out);
		} else {
			sb_printf(&s, "error: %s", err.msg);
		}
		is_str(sb_str(&s), autos[i].want, "auto chart of %s", autos[i].rs->names[0]);
		sb_free(&s);
		err_clear(&err);
	}

	/* colour: attributes as ANSI escapes, the same text without them */
	char *plain = render("line x=day y=n series=event_type", d, 60, 12, false, false);
	char *col = render("line x=day y=n series=event_type", d, 60, 12, false, true);
	ok(strstr(col, "\033[0;34m") && strstr(col, "\033[0;33m") && strstr(col, "\033[0m"),
	    "colour: series in blue and yellow, reset after");
	ok(strstr(plain, "\033") == NULL, "no colour: no escape at all");
	ok(strstr(plain, "+") != NULL && strstr(col, "+ cart") == NULL,
	    "without colour the second series is drawn with '+' marks; with colour, not");
	free(plain);
	free(col);

	rowset_free(b);
	rowset_free(d);
	rowset_free(wd);
	rowset_free(p);
	rowset_free(pt);
	rowset_free(ht);
	rowset_free(ds);
	rowset_free(ab);
	rowset_free(rc);
	rowset_free(tr);
	rowset_free(tr1);
	rowset_free(kd);
	rowset_free(fu);
}

static void
test_degenerate(void)
{
	const char *k2[] = {"a", "b", "c"};
	double eq[] = {5, 5, 5}, neg[] = {-5.5, 3.25, -1}, huge[] = {1e-5, 1e15, 42}, nul[] = {NAN, 2, NAN},
	       allnull[] = {NAN, NAN, NAN};
	struct rowset *e = kv("k", "v", 3, k2, eq), *n = kv("k", "v", 3, k2, neg), *h = kv("k", "v", 3, k2, huge),
	              *nl = kv("k", "v", 3, k2, nul), *an = kv("k", "v", 3, k2, allnull), *one_row = kv("k", "v", 1, k2, neg),
	              *empty = kv("k", "v", 0, k2, neg);
	const char *kinds[] = {"bar", "bar vertical", "line", "area", "histogram", "box", "sparkline", "kpi", "scatter"};
	struct {
		const char *name;
		struct rowset *rs;
	} sets[] = {{"equal", e}, {"negative", n}, {"huge", h}, {"nulls", nl}, {"one_row", one_row}};
	for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
		struct strbuf all = STRBUF_INIT;
		for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
			const char *spec = kinds[k];
			char full[64];
			snprintf(full, sizeof full, "%s y=v", spec);
			if (strcmp(spec, "scatter") == 0)
				snprintf(full, sizeof full, "scatter x=v y=v");
			char *r = render(full, sets[s].rs, 40, 8, false, false);
			sb_printf(&all, "== %s\n%s", full, r);
			free(r);
		}
		char name[64];
		snprintf(name, sizeof name, "degenerate_%s", sets[s].name);
		golden(name, sb_str(&all));
		sb_free(&all);
	}
	/* nothing to draw: clear errors */
	char *r = render("bar y=v", an, 40, 8, false, false);
	is_str(r, "error: bar chart: no value to draw: every v is NULL\nhint: check the query, or chart another column\n",
	    "all NULL: an error that says so");
	free(r);
	r = render("line x=k y=v", empty, 40, 8, false, false);
	is_str(r, "error: nothing to chart: the result has no rows\nhint: check the query's WHERE conditions\n"
	    "at: line x=k y=v\n", "no rows: an error that says so (at the kind)");
	free(r);
	r = render("bar y=revnue", e, 40, 8, false, false);
	is_str(r, "error: chart option y: no column \"revnue\" in the result\nhint: the columns: k, v\nat: revnue\n",
	    "an unknown column: named, with the columns, at its position");
	free(r);
	r = render("", an, 40, 8, false, false);
	ok(strstr(r, "error: bar chart: no value to draw") != NULL, "auto chart of all NULL: an error, no crash");
	free(r);
	r = render("bar y=k", e, 40, 8, false, false);
	is_str(r, "error: chart option y: column \"k\" is VARCHAR; it needs numbers\n"
	    "hint: cast it in the query (CAST(k AS DOUBLE)), or chart another column\nat: k\n",
	    "a text column as values: named, with a hint");
	free(r);
	r = render("bar y=v", e, 12, 3, false, false);
	ok(strstr(r, "error: a bar chart needs at least 20x5 cells; it was given 12x3") != NULL,
	    "too small a canvas: an error naming the smallest size");
	free(r);
	r = render("bar y=v log", n, 40, 8, false, false);
	ok(strstr(r, "1 value <= 0 left out (log scale)") != NULL || strstr(r, "2 values <= 0 left out (log scale)") != NULL,
	    "log scale: values <= 0 left out, and said");
	free(r);
	/* every kind at tiny sizes and odd data: no crash, output or error */
	const char *every[] = {"", "bar", "bar vertical", "bar stacked", "line", "area", "area stacked", "scatter",
		"histogram", "box", "heatmap x=k y=k", "interval y=v lo=v hi=v", "sparkline", "kpi", "kpi prev=v"};
	int sizes[][2] = {{20, 5}, {21, 6}, {8, 1}, {4, 1}, {300, 3}, {25, 60}};
	struct rowset *rsets[] = {e, n, h, nl, an, one_row};
	int done = 0;
	for (size_t k = 0; k < sizeof every / sizeof every[0]; k++)
		for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
			for (size_t s = 0; s < sizeof rsets / sizeof rsets[0]; s++) {
				free(render(every[k], rsets[s], sizes[z][0], sizes[z][1], z % 2 == 1, s % 2 == 0));
				done++;
			}
	ok(done == 15 * 6 * 6, "%d odd renders ran", done);
	rowset_free(e);
	rowset_free(n);
	rowset_free(h);
	rowset_free(nl);
	rowset_free(an);
	rowset_free(one_row);
	rowset_free(empty);
}

/* ------------------------------------------------------------ canvas */

static char *
canvas_text_of(const struct canvas *c)
{
	struct strbuf b = STRBUF_INIT;
	canvas_write(c, &b, false);
	char *s = sb_detach(&b);
	return s ? s : xstrdup("");
}

static void
test_canvas(void)
{
	struct canvas *c = canvas_new(4, 2, false);
	canvas_dot(c, 0, 0, 0, 0);
	canvas_dot(c, 1, 3, 0, 0);
	canvas_line(c, 2, 0, 2, 7, 0, 0);   /* a vertical line in cell 1 */
	char *s = canvas_text_of(c);
	is_str(s, "\xe2\xa2\x81\xe2\xa1\x87\n \xe2\xa1\x87\n", "braille: dots (0,0) and (1,3) make U+2881; a line makes U+2847");
	free(s);
	canvas_clear(c);
	canvas_vbar(c, 0, 1, 11, 0, 0);   /* one cell and 3/8 */
	canvas_hbar(c, 1, 1, 13, 0, 0);   /* one cell and 5/8 */
	s = canvas_text_of(c);
	is_str(s, "\xe2\x96\x83\n\xe2\x96\x88\xe2\x96\x88\xe2\x96\x8b\n", "block eighths: up 11/8 is █ then ▃; across 13/8 is █ then ▋");
	free(s);
	canvas_free(c);

	c = canvas_new(6, 2, true);
	canvas_line(c, 0, 7, 11, 0, 0, 0);
	canvas_text(c, 0, 1, "é│─", -1, 0);
	s = canvas_text_of(c);
	ok(strspn(s, " ./\\'_-|:\n?") == strlen(s), "ASCII: dots print as strokes, text as look-alikes");
	free(s);
	canvas_clear(c);
	canvas_put(c, 0, 0, 0x2588, 0);
	canvas_put(c, 1, 0, 0x250c, 0);
	canvas_put(c, 2, 0, 0x2500, 0);
	canvas_dot(c, 8, 0, 0, '+');
	s = canvas_text_of(c);
	is_str(s, "#+- +\n\n", "ASCII: block, corner, line, and a dot's mark");
	free(s);
	canvas_free(c);

	/* wide characters take two cells; a glyph cut by the edge does not print */
	c = canvas_new(5, 1, false);
	int used = canvas_text(c, 0, 0, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", -1, 0);   /* 日本語 */
	is_int(used, 4, "a wide glyph that would not fit whole is not drawn");
	s = canvas_text_of(c);
	is_str(s, "\xe6\x97\xa5\xe6\x9c\xac\n", "two wide glyphs in five cells");
	free(s);
	is_int(canvas_text_width("a\xe6\x97\xa5" "b", false), 4, "width: a wide glyph counts 2");
	is_int(canvas_text_fit("a\xe6\x97\xa5" "b", 2, false), 1, "fit: the wide glyph does not fit in 2 after a");
	char cell[8];
	uint8_t attr;
	canvas_put(c, 4, 0, 'x', CANVAS_BOLD);
	ok(canvas_cell_text(c, 1, 0, cell, &attr) == 0 && cell[0] == '\0', "the right half of a wide glyph prints nothing");
	ok(canvas_cell_text(c, 4, 0, cell, &attr) == 1 && cell[0] == 'x' && attr == CANVAS_BOLD, "a cell's text and attribute");
	canvas_free(c);

	/* blit into a bigger canvas, clipped */
	struct canvas *big = canvas_new(6, 3, false), *small = canvas_new(3, 2, false);
	canvas_text(small, 0, 0, "abc", -1, 0);
	canvas_text(small, 0, 1, "def", -1, 0);
	canvas_blit(big, 4, 2, small);
	s = canvas_text_of(big);
	is_str(s, "\n\n    ab\n", "blit: clipped at the edges");
	free(s);
	canvas_free(big);
	canvas_free(small);

	is_int(canvas_attr_color(canvas_series_attr(0)), 4, "series 1 is blue");
	is_int(canvas_attr_color(canvas_series_attr(1)), 3, "series 2 is yellow");
	is_int(canvas_attr_color(CANVAS_GOOD), 2, "good news is green");
	is_int(canvas_attr_color(CANVAS_BAD), 1, "bad news is red");
	is_int(canvas_attr_color(CANVAS_BOLD), -1, "plain: the terminal's colour");

	struct strbuf sp = STRBUF_INIT;
	double v[] = {1, 2, 3, 4, 5, 6, 7, 8, NAN, 8};
	chart_sparkline(v, 10, 20, false, &sp);
	is_str(sb_str(&sp), "\xe2\x96\x81\xe2\x96\x82\xe2\x96\x83\xe2\x96\x84\xe2\x96\x85\xe2\x96\x86\xe2\x96\x87\xe2\x96\x88 "
	    "\xe2\x96\x88", "sparkline: eight steps, NaN a gap");
	sb_clear(&sp);
	chart_sparkline(v, 8, 4, true, &sp);
	is_str(sb_str(&sp), "_.-^", "sparkline in ASCII, 8 values averaged into 4 cells");
	sb_clear(&sp);
	double flat[] = {3, 3, 3};
	chart_sparkline(flat, 3, 10, false, &sp);
	is_str(sb_str(&sp), "\xe2\x96\x85\xe2\x96\x85\xe2\x96\x85", "sparkline of equal values: the middle step");
	sb_free(&sp);
}

/* Every option of the spec's table (what .chart help prints) is in
 * wb-chart(7), with its aliases. */
static void
test_man(void)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/man/wb-chart.7", WB_SRCDIR);
	char *man = slurp(path);
	if (!ok(man != NULL, "man/wb-chart.7 is readable"))
		return;
	struct strbuf b = STRBUF_INIT;
	chart_spec_help(&b);
	int opts = 0;
	for (const char *p = sb_str(&b); *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len > 2 && p[0] == ' ' && p[1] == ' ' && p[2] != ' ') {
			char name[64];
			size_t n = strcspn(p + 2, "=[ ");
			snprintf(name, sizeof name, "%.*s", (int)n, p + 2);
			bool valued = p[2 + n] == '=';
			char want[80];
			snprintf(want, sizeof want, valued ? "%s=" : "%s", name);
			ok(strstr(man, want) != NULL, "wb-chart(7) documents %s", want);
			opts++;
			/* its aliases: "(also: a b c)" */
			const char *al = strstr(p, "(also: ");
			if (al && al < p + len) {
				al += 7;
				while (*al && *al != ')') {
					size_t k = strcspn(al, " )");
					snprintf(want, sizeof want, "%.*s%s", (int)k, al, valued ? "=" : "");
					ok(strstr(man, want) != NULL, "wb-chart(7) documents the alias %s", want);
					al += k;
					al += *al == ' ';
				}
			}
		}
		p += len + (e ? 1 : 0);
	}
	ok(opts >= 20, "the option table has its options (%d)", opts);
	sb_free(&b);
	free(man);
}

int
main(void)
{
	test_nice();
	test_values();
	test_time();
	test_spec();
	test_canvas();
	test_kinds();
	test_degenerate();
	test_man();
	return done_testing();
}
