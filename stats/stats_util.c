/*
 * stats_util: helpers several statements share - splitting a variable by
 * a factor, stable sums, ranks, Holm's adjustment - and GSL's setup.
 */
#include "stats/stats.h"
#include "core/xmalloc.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>
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

/* Rearrange x[lo..hi] so that x[k] holds the value it would hold sorted,
 * smaller-or-equal values before it and greater-or-equal after. */
static void
select_kth(double *x, int64_t lo, int64_t hi, int64_t k)
{
	while (hi > lo) {
		/* median of three as the pivot; Hoare partition */
		int64_t mid = lo + (hi - lo) / 2;
		double a = x[lo], b = x[mid], c = x[hi];
		double pv = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		int64_t i = lo, j = hi;
		while (i <= j) {
			while (x[i] < pv)
				i++;
			while (x[j] > pv)
				j--;
			if (i <= j) {
				double t = x[i];
				x[i] = x[j];
				x[j] = t;
				i++;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;   /* x[j+1 .. i-1] all equal the pivot */
	}
}

void
stats_quantiles(double *x, int64_t n, const double *p, int np, double *out)
{
	int64_t from = 0;   /* x[0..from) holds values below every later position */
	for (int q = 0; q < np; q++) {
		double h = (double)(n - 1) * p[q];
		int64_t lo = (int64_t)floor(h);
		if (lo < 0)
			lo = 0;
		if (lo > n - 1)
			lo = n - 1;
		if (lo >= from)
			select_kth(x, from, n - 1, lo);
		double v = x[lo], frac = h - (double)lo;
		if (frac > 0 && lo + 1 < n) {
			/* the next order statistic: the least value right of lo */
			double next = x[lo + 1];
			for (int64_t i = lo + 2; i < n; i++)
				if (x[i] < next)
					next = x[i];
			v += frac * (next - v);
		}
		out[q] = v;
		from = lo;
	}
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
stats_t_pvalue(double t, double df)
{
	if (isnan(t) || isnan(df))
		return NAN;
	if (isinf(t))
		return 0;
	/* P(|T| >= |t|) = I_x(df/2, 1/2) with x = df / (df + t^2) */
	double x = df / (df + t * t);
	gsl_sf_result res;
	int rc = gsl_sf_beta_inc_e(df / 2, 0.5, x, &res);
	if (rc == GSL_EUNDRFLW)
		return 0;   /* below the smallest double */
	return rc == GSL_SUCCESS ? res.val : NAN;
}
