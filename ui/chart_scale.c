/*
 * chart_scale: axis arithmetic - nice numbers and ticks in 1-2-5 steps
 * (after Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990:
 * the step is the nice number nearest to range / (target - 1), and the
 * "loose" labelling's outer ticks enclose the data), log10 axes,
 * calendar ticks for time axes, and the text of numbers (thousands
 * separators, SI suffixes).
 */
#include "ui/chart_int.h"

#include "core/datetime.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double
chart_nice(double x, bool round)
{
	if (!(x > 0) || !isfinite(x))
		return 1;
	double e = floor(log10(x));
	double p = pow(10, e);
	double f = x / p;
	double nf;
	if (round)
		nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
	else
		nf = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
	return nf * p;
}

/* the next nice step after s: 1 -> 2 -> 5 -> 10 */
static double
next_step(double s)
{
	double e = floor(log10(s) + 1e-9);
	double p = pow(10, e);
	double f = s / p;
	return (f < 1.5 ? 2 : f < 3.5 ? 5 : 10) * p;
}

int
chart_ticks(double lo, double hi, int target, double *ticks, int max, double *stepp)
{
	if (lo > hi) {
		double t = lo;
		lo = hi;
		hi = t;
	}
	if (hi == lo) {
		double d = lo == 0 ? 1 : fabs(lo) * 0.1;
		lo -= d;
		hi += d;
	}
	if (target < 2)
		target = 2;
	if (max < 2)
		max = 2;
	double range = hi - lo;
	double step;
	if (isfinite(range))
		step = chart_nice(range / (target - 1), true);
	else   /* near the ends of the doubles: do not overflow */
		step = chart_nice(hi / (target - 1) - lo / (target - 1), true);
	double a = floor(lo / step), b = ceil(hi / step);
	while (b - a + 1 > max || !isfinite(b - a)) {
		step = next_step(step);
		a = floor(lo / step);
		b = ceil(hi / step);
	}
	int n = (int)(b - a) + 1;
	if (n < 2) {   /* lo == hi on a tick */
		b = a + 1;
		n = 2;
	}
	for (int i = 0; i < n; i++) {
		double v = (a + i) * step;
		ticks[i] = v == 0 ? 0 : v;   /* no -0 */
	}
	if (stepp)
		*stepp = step;
	return n;
}

int
chart_log_ticks(double lo, double hi, int target, double *ticks, int max)
{
	double e0 = floor(lo), e1 = ceil(hi);
	if (e1 <= e0)
		e1 = e0 + 1;
	int decades = (int)(e1 - e0);
	if (target < 2)
		target = 2;
	int n = 0;
	if (decades * 3 + 1 <= target && decades * 3 + 1 <= max) {
		/* few decades: 1, 2, 5 times each power */
		static const double m[3] = {1, 2, 5};
		for (int d = 0; d <= decades; d++)
			for (int k = 0; k < 3 && (d < decades || k == 0); k++)
				ticks[n++] = e0 + d + log10(m[k]);
		return n;
	}
	int k = (decades + target - 2) / (target - 1);
	if (k < 1)
		k = 1;
	while ((decades + k - 1) / k + 1 > max)
		k++;
	e0 = floor(e0 / k) * k;
	for (double e = e0; e < e1 + k && n < max; e += k) {
		ticks[n++] = e;
		if (e >= e1)
			break;
	}
	return n;
}

/* integer digits of text t (leading '-' allowed) grouped by commas */
static int
group_digits(const char *t, char *buf)
{
	const char *p = t;
	char *o = buf;
	if (*p == '-')
		*o++ = *p++;
	int digits = (int)strspn(p, "0123456789");
	for (int i = 0; i < digits; i++) {
		if (i > 0 && (digits - i) % 3 == 0)
			*o++ = ',';
		*o++ = p[i];
	}
	strcpy(o, p + digits);
	return (int)strlen(buf);
}

/* drop trailing zeros of a decimal fraction (and the point), before any suffix */
static void
trim_zeros(char *s)
{
	char *dot = strchr(s, '.');
	if (dot == NULL)
		return;
	char *end = dot + 1;
	while (*end >= '0' && *end <= '9')
		end++;
	char *z = end;
	while (z > dot + 1 && z[-1] == '0')
		z--;
	if (z == dot + 1)
		z = dot;
	memmove(z, end, strlen(end) + 1);
}

static const char si_prefix[] = " kMGTPE";

static int
fmt_si(double v, int decimals_of(double scaled, void *arg), void *arg, char *buf)
{
	double a = fabs(v);
	int p = (int)floor(log10(a) / 3);
	if (p < 1)
		p = 1;
	if (p > 6)
		p = 6;
	for (;;) {
		double scaled = v / pow(10, 3 * p);
		int dec = decimals_of(scaled, arg);
		char t[64];
		snprintf(t, sizeof t, "%.*f", dec, scaled);
		/* rounding up to 1000 moves to the next prefix: 999.7k is 1M */
		if (p < 6 && fabs(atof(t)) >= 1000) {
			p++;
			continue;
		}
		trim_zeros(t);
		return snprintf(buf, CHART_LABEL_MAX, "%s%c", t, si_prefix[p]);
	}
}

static int
tick_decimals(double scaled, void *arg)
{
	double step = *(double *)arg;
	int d = (int)ceil(-log10(step) - 1e-9);
	(void)scaled;
	return d < 0 ? 0 : d > 9 ? 9 : d;
}

int
chart_fmt_tick(double v, double step, double maxabs, char *buf)
{
	if (!isfinite(v))
		return snprintf(buf, CHART_LABEL_MAX, "%s", isnan(v) ? "NaN" : v > 0 ? "inf" : "-inf");
	if (!(step > 0))
		step = 1;
	if (fabs(v) < step * 1e-6)
		v = 0;
	if (v == 0 && (step >= 1 || step < 1e-6))
		return snprintf(buf, CHART_LABEL_MAX, "0");
	if (maxabs >= 1e4 && step >= 1) {
		/* decimals for the step in the prefix's units */
		double a = fabs(v);
		int p = (int)floor(log10(a) / 3);
		p = p < 1 ? 1 : p > 6 ? 6 : p;
		double s = step / pow(10, 3 * p);
		return fmt_si(v, tick_decimals, &s, buf);
	}
	int dec = (int)ceil(-log10(step) - 1e-9);
	if (dec < 0)
		dec = 0;
	if (dec > 6) {
		/* tiny values: scientific, with the digits the step needs */
		int sig = (int)floor(log10(fabs(v))) - (int)floor(log10(step));
		if (sig < 0)
			sig = 0;
		char t[64];
		snprintf(t, sizeof t, "%.*e", sig, v);
		/* "2.0e-05" -> "2e-05" */
		char *e = strchr(t, 'e');
		char mant[64];
		snprintf(mant, sizeof mant, "%.*s", (int)(e - t), t);
		trim_zeros(mant);
		return snprintf(buf, CHART_LABEL_MAX, "%s%s", mant, e);
	}
	char t[64];
	snprintf(t, sizeof t, "%.*f", dec, v);
	return group_digits(t, buf);
}

static int
value_decimals(double scaled, void *arg)
{
	(void)arg;
	double a = fabs(scaled);
	int d = 2 - (int)floor(log10(a < 1 ? 1 : a));
	return d < 0 ? 0 : d;
}

int
chart_fmt_value(double v, char *buf)
{
	if (!isfinite(v))
		return snprintf(buf, CHART_LABEL_MAX, "%s", isnan(v) ? "NaN" : v > 0 ? "inf" : "-inf");
	double a = fabs(v);
	if (a >= 1e4)
		return fmt_si(v, value_decimals, NULL, buf);
	char t[64];
	if (v == floor(v)) {
		snprintf(t, sizeof t, "%.0f", v);
		return group_digits(t, buf);
	}
	if (a < 1e-4)
		return snprintf(buf, CHART_LABEL_MAX, "%.3g", v);
	int dec = 3 - (int)floor(log10(a));
	if (dec < 0)
		dec = 0;
	snprintf(t, sizeof t, "%.*f", dec, v);
	trim_zeros(t);
	return group_digits(t, buf);
}

int
chart_fmt_log_tick(double e, char *buf)
{
	double v = pow(10, e);
	double r = round(e);
	if (fabs(e - r) < 1e-9)
		v = pow(10, r);   /* exact powers */
	if (v >= 1e4)
		return chart_fmt_value(v, buf);
	if (v >= 1e-4) {
		char t[64];
		snprintf(t, sizeof t, "%.6f", v);
		trim_zeros(t);
		return group_digits(t, buf);
	}
	return snprintf(buf, CHART_LABEL_MAX, "%.0e", v);
}

/* ------------------------------------------------------------ time */

enum tunit { T_SEC, T_MIN, T_HOUR, T_DAY, T_WEEK, T_MONTH, T_YEAR };

struct tstep {
	enum tunit unit;
	int n;
	double secs;   /* about */
};

static const struct tstep tsteps[] = {
	{T_SEC, 1, 1}, {T_SEC, 2, 2}, {T_SEC, 5, 5}, {T_SEC, 10, 10}, {T_SEC, 15, 15}, {T_SEC, 30, 30},
	{T_MIN, 1, 60}, {T_MIN, 2, 120}, {T_MIN, 5, 300}, {T_MIN, 10, 600}, {T_MIN, 15, 900}, {T_MIN, 30, 1800},
	{T_HOUR, 1, 3600}, {T_HOUR, 2, 7200}, {T_HOUR, 3, 10800}, {T_HOUR, 6, 21600}, {T_HOUR, 12, 43200},
	{T_DAY, 1, 86400}, {T_DAY, 2, 172800}, {T_WEEK, 1, 604800}, {T_WEEK, 2, 1209600},
	{T_MONTH, 1, 2629746}, {T_MONTH, 2, 5259492}, {T_MONTH, 3, 7889238}, {T_MONTH, 6, 15778476},
	{T_YEAR, 1, 31556952}, {T_YEAR, 2, 63113904}, {T_YEAR, 5, 157784760}, {T_YEAR, 10, 315569520},
	{T_YEAR, 20, 631139040}, {T_YEAR, 50, 1577847600}, {T_YEAR, 100, 3155695200},
	{T_YEAR, 200, 6311390400}, {T_YEAR, 500, 15778476000}, {T_YEAR, 1000, 31556952000},
};
#define NTSTEPS (int)(sizeof tsteps / sizeof tsteps[0])

static double
fdiv_floor(double a, double b)
{
	return floor(a / b) * b;
}

/* the ticks of step st inside [lo, hi] (at most max) */
static int
gen_ticks(const struct tstep *st, double lo, double hi, double *ticks, int max)
{
	int n = 0;
	if (st->unit <= T_DAY) {
		double s = st->secs;
		double t = fdiv_floor(lo, s);
		if (t < lo)
			t += s;
		for (; t <= hi && n < max; t += s)
			ticks[n++] = t;
		return n;
	}
	if (st->unit == T_WEEK) {
		/* Mondays: day 4 (1970-01-05) was one */
		double day = floor(lo / 86400);
		double d = day - fmod(fmod(day - 4, 7 * st->n) + 7 * st->n, 7 * st->n);
		for (double t = d * 86400; t <= hi && n < max; t += 86400.0 * 7 * st->n)
			if (t >= lo)
				ticks[n++] = t;
		return n;
	}
	int y, m, d;
	dt_civil_from_days((int64_t)floor(lo / 86400), &y, &m, &d);
	if (st->unit == T_MONTH) {
		int64_t mi = (int64_t)y * 12 + (m - 1);
		mi -= ((mi % st->n) + st->n) % st->n;
		for (;; mi += st->n) {
			int64_t yy = mi >= 0 ? mi / 12 : -((-mi + 11) / 12);
			int mm = (int)(mi - yy * 12) + 1;
			double t = (double)dt_days_from_civil(yy, (unsigned)mm, 1) * 86400;
			if (t > hi || n >= max)
				break;
			if (t >= lo)
				ticks[n++] = t;
		}
		return n;
	}
	int64_t yy = y - (((int64_t)y % st->n) + st->n) % st->n;
	for (;; yy += st->n) {
		double t = (double)dt_days_from_civil(yy, 1, 1) * 86400;
		if (t > hi || n >= max || yy > 9999)
			break;
		if (t >= lo)
			ticks[n++] = t;
	}
	return n;
}

static void
time_label(double t, enum tunit unit, bool same_day, char *buf)
{
	double day = floor(t / 86400);
	int64_t secs = (int64_t)(t - day * 86400);
	int y, m, d;
	dt_civil_from_days((int64_t)day, &y, &m, &d);
	int hh = (int)(secs / 3600), mi = (int)(secs / 60 % 60), ss = (int)(secs % 60);
	switch (unit) {
	case T_YEAR:
		snprintf(buf, CHART_LABEL_MAX, "%04d", y);
		break;
	case T_MONTH:
		snprintf(buf, CHART_LABEL_MAX, "%04d-%02d", y, m);
		break;
	case T_DAY:
	case T_WEEK:
		snprintf(buf, CHART_LABEL_MAX, "%04d-%02d-%02d", y, m, d);
		break;
	case T_HOUR:
	case T_MIN:
		if (same_day)
			snprintf(buf, CHART_LABEL_MAX, "%02d:%02d", hh, mi);
		else
			snprintf(buf, CHART_LABEL_MAX, "%02d-%02d %02d:%02d", m, d, hh, mi);
		break;
	case T_SEC:
		snprintf(buf, CHART_LABEL_MAX, "%02d:%02d:%02d", hh, mi, ss);
		break;
	}
}

int
chart_time_ticks(double lo, double hi, int target, bool date_only, double *ticks, char labels[][CHART_LABEL_MAX],
    int max)
{
	if (lo > hi) {
		double t = lo;
		lo = hi;
		hi = t;
	}
	if (target < 2)
		target = 2;
	if (target > max)
		target = max;
	bool same_day = floor(lo / 86400) == floor(hi / 86400);
	int first = 0;
	if (date_only)
		while (first < NTSTEPS && tsteps[first].unit < T_DAY)
			first++;
	for (int i = first; i < NTSTEPS; i++) {
		const struct tstep *st = &tsteps[i];
		if ((hi - lo) / st->secs > target + 1)
			continue;
		double tmp[CHART_MAX_TICKS * 2];
		int n = gen_ticks(st, lo, hi, tmp, CHART_MAX_TICKS * 2);
		if (n > target)
			continue;
		if (n < 2 && i > first) {
			/* too coarse: the finer step had too many; keep what the
			 * finer one gives, thinned to the target */
			const struct tstep *fs = &tsteps[i - 1];
			int m = gen_ticks(fs, lo, hi, tmp, CHART_MAX_TICKS * 2);
			int k = (m + target - 1) / target;
			n = 0;
			for (int j = 0; j < m && n < max; j += k)
				tmp[n++] = tmp[j];
			st = fs;
		}
		if (n == 0)
			break;
		for (int j = 0; j < n && j < max; j++) {
			ticks[j] = tmp[j];
			time_label(tmp[j], st->unit, same_day, labels[j]);
		}
		return n < max ? n : max;
	}
	/* no calendar step fits (a range under a second, or a single
	 * instant): the ends, labelled in full */
	int n = 0;
	enum tunit u = date_only ? T_DAY : T_SEC;
	if (!date_only && fmod(lo, 86400) == 0 && fmod(hi, 86400) == 0)
		u = T_DAY;
	ticks[n] = lo;
	time_label(lo, u, same_day, labels[n++]);
	if (hi > lo && max > 1) {
		ticks[n] = hi;
		time_label(hi, u, same_day, labels[n++]);
	}
	return n;
}
