/*
 * stats_util: helpers several statements share - splitting a variable by
 * a factor, stable sums, ranks, Holm's adjustment - and GSL's setup.
 */
#include "stats/stats.h"
#include "core/xmalloc.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void
stats_init(void)
{
	/* GSL's default handler calls abort(); statements check return codes */
	gsl_set_error_handler_off();
}

void
stats_groups_split(const struct stats_data *d, int ycol, int gcol, struct stats_groups *out)
{
	const struct stats_column *y = &d->col[ycol], *g = &d->col[gcol];
	memset(out, 0, sizeof *out);
	int nl = g->nlevels;
	int64_t *cnt = xcalloc((size_t)nl + 1, sizeof *cnt);
	int64_t used = 0;
	for (int64_t i = 0; i < d->n; i++) {
		int32_t l = g->level[i];
		if (l >= 0 && !isnan(y->x[i])) {
			cnt[l]++;
			used++;
		}
	}
	out->total = used;
	out->dropped = d->n - used;
	out->n = xcalloc((size_t)nl + 1, sizeof *out->n);
	out->start = xcalloc((size_t)nl + 1, sizeof *out->start);
	out->label = xcalloc((size_t)nl + 1, sizeof *out->label);
	int32_t *slot = xmalloc(sizeof *slot * ((size_t)nl + 1));
	int64_t *fill = xcalloc((size_t)nl + 1, sizeof *fill);
	int64_t at = 0;
	for (int l = 0; l < nl; l++) {
		slot[l] = -1;
		if (cnt[l] == 0)
			continue;   /* a level WHERE or missing values emptied */
		slot[l] = out->k;
		out->n[out->k] = cnt[l];
		out->start[out->k] = at;
		out->label[out->k] = g->labels[l];
		fill[out->k] = at;
		at += cnt[l];
		out->k++;
	}
	out->x = xmalloc(sizeof *out->x * (size_t)(used ? used : 1));
	for (int64_t i = 0; i < d->n; i++) {
		int32_t l = g->level[i];
		if (l >= 0 && !isnan(y->x[i]))
			out->x[fill[slot[l]]++] = y->x[i];
	}
	free(fill);
	free(slot);
	free(cnt);
}

void
stats_groups_free(struct stats_groups *gs)
{
	free(gs->n);
	free(gs->start);
	free(gs->label);
	free(gs->x);
	memset(gs, 0, sizeof *gs);
}

void
stats_mean_ss(const double *x, int64_t n, double *mean, double *ss)
{
	if (n <= 0) {
		*mean = NAN;
		*ss = NAN;
		return;
	}
	double s = 0;
	for (int64_t i = 0; i < n; i++)
		s += x[i];
	double m = s / (double)n;
	/* second pass: squared deviations, and the sum of deviations that
	 * corrects m for the first pass's rounding (the corrected two-pass
	 * algorithm of Chan, Golub and LeVeque) */
	double dev = 0, sq = 0;
	for (int64_t i = 0; i < n; i++) {
		double e = x[i] - m;
		dev += e;
		sq += e * e;
	}
	*mean = m + dev / (double)n;
	*ss = sq - dev * dev / (double)n;
	if (*ss < 0)
		*ss = 0;
}

static int
cmp_index(const void *a, const void *b, void *arg)
{
	const double *x = arg;
	double u = x[*(const int64_t *)a], v = x[*(const int64_t *)b];
	return u < v ? -1 : u > v ? 1 : 0;
}

double
stats_rank(const double *x, int64_t n, double *r)
{
	int64_t *ix = xmalloc(sizeof *ix * (size_t)(n ? n : 1));
	for (int64_t i = 0; i < n; i++)
		ix[i] = i;
	qsort_r(ix, (size_t)n, sizeof *ix, cmp_index, (void *)x);
	double ties = 0;
	for (int64_t i = 0; i < n;) {
		int64_t j = i + 1;
		while (j < n && x[ix[j]] == x[ix[i]])
			j++;
		double avg = (double)(i + 1 + j) / 2.0;   /* ranks i+1 .. j */
		for (int64_t k = i; k < j; k++)
			r[ix[k]] = avg;
		double t = (double)(j - i);
		ties += t * t * t - t;
		i = j;
	}
	free(ix);
	return ties;
}

int
stats_level_find(const struct stats_column *c, const char *label)
{
	for (int l = 0; l < c->nlevels; l++)
		if (strcmp(c->labels[l], label) == 0)
			return l;
	return -1;
}

void
stats_holm(const double *p, int m, double *adj)
{
	int *ix = xmalloc(sizeof *ix * (size_t)(m ? m : 1));
	double *q = xmalloc(sizeof *q * (size_t)(m ? m : 1));
	for (int i = 0; i < m; i++)
		ix[i] = i;
	/* insertion sort by p: m is the number of comparisons, small */
	for (int i = 1; i < m; i++)
		for (int j = i; j > 0 && p[ix[j]] < p[ix[j - 1]]; j--) {
			int t = ix[j];
			ix[j] = ix[j - 1];
			ix[j - 1] = t;
		}
	double run = 0;
	for (int i = 0; i < m; i++) {
		double v = (double)(m - i) * p[ix[i]];
		if (v > 1)
			v = 1;
		if (v < run)
			v = run;   /* adjusted p-values never decrease along the order */
		run = v;
		q[ix[i]] = v;
	}
	memcpy(adj, q, sizeof *q * (size_t)m);
	free(q);
	free(ix);
}

double
stats_lgamma_rest(double x)
{
	if (x < 10)
		return lgamma(x) - ((x - 0.5) * log(x) - x + 0.5 * log(2 * M_PI));
	/* the asymptotic series: the next term is below 1e-13 x^-11 */
	double r = 1 / x, r2 = r * r;
	return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
}

/*
 * The regularized incomplete beta function I_x(a, b) where its continued
 * fraction converges fast, x < (a + 1) / (a + b + 2); y = 1 - x, given
 * exactly by the caller. The prefactor x^a (1-x)^b / (a B(a, b)) is
 * summed in logarithms from terms of moderate size: with a the larger,
 * lgamma(a + b) - lgamma(a) written by Stirling's formula as
 *   (a - 1/2) log1p(b/a) + b log(a + b) - b + rest(a + b) - rest(a)
 * and a log x as a log1p(-y), so that no two large numbers cancel when a
 * is large (1e7 degrees of freedom). The fraction is evaluated by the
 * modified Lentz method.
 */
static double
beta_inc_cf(double a, double b, double x, double y)
{
	double lpre;
	if (a >= b)
		lpre = a * log1p(-y) + b * log(y * (a + b)) + (a - 0.5) * log1p(b / a) - b - log(a) - lgamma(b)
		    + stats_lgamma_rest(a + b) - stats_lgamma_rest(a);
	else   /* the same with the roles of a and b (and x and y) swapped */
		lpre = b * log1p(-x) + a * log(x * (a + b)) + (b - 0.5) * log1p(a / b) - a - log(a) - lgamma(a)
		    + stats_lgamma_rest(a + b) - stats_lgamma_rest(b);
	const double tiny = 1e-300;
	/* 1 - (a + b) x / (a + 1), without its cancellation near the limit */
	double c = 1, d = (1 - b + (a + b) * y) / (a + 1);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	double h = d;
	for (int m = 1; m < 100000; m++) {
		double m2 = 2.0 * m;
		double an = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + an * d;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = 1 + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		h *= d * c;
		an = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + an * d;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = 1 + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-16)
			break;
	}
	return exp(lpre) * h;
}

double
stats_fdist_Q(double f, double df1, double df2)
{
	if (isnan(f) || isnan(df1) || isnan(df2) || !(df1 > 0) || !(df2 > 0))
		return NAN;
	if (f <= 0)
		return 1;
	if (isinf(f))
		return 0;
	/* GSL is accurate to about 1e-11 down to p = 1e-3 but not beyond it
	 * (it takes the tail from its complement); below, the fraction */
	double q = gsl_cdf_fdist_Q(f, df1, df2);
	if (q >= 1e-3)
		return q;
	/* Q = I_x(df2/2, df1/2), x = df2 / (df2 + df1 f); P = I_y(df1/2, df2/2),
	 * y = 1 - x: each tail from the fraction that converges for it */
	double a = df2 / 2, b = df1 / 2, t = df1 * f;
	double x = df2 / (df2 + t), y = t / (df2 + t);
	if (x < (a + 1) / (a + b + 2))
		return beta_inc_cf(a, b, x, y);
	return 1 - beta_inc_cf(b, a, y, x);
}
