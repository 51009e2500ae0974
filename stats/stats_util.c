/*
 * stats_util: helpers several statements share - splitting a variable by
 * a factor, stable sums, ranks, Holm's adjustment, the ALTERNATIVE
 * option - and GSL's setup.
 */
#include "stats/stats.h"
#include "core/xmalloc.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_math.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

double *
stats_non_missing(const struct stats_column *c, int64_t rows, int64_t *n)
{
	double *x = xmalloc(sizeof *x * (size_t)(rows ? rows : 1));
	int64_t k = 0;
	for (int64_t i = 0; i < rows; i++)
		if (!isnan(c->x[i]))
			x[k++] = c->x[i];
	*n = k;
	return x;
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

/* Put the value x[k] would hold sorted at x[k], smaller-or-equal ones
 * in x[lo..k) and greater-or-equal ones after (Hoare's quickselect with
 * median-of-three pivots; after more rounds than a good split needs,
 * the rest is sorted, so the worst case stays O(n log n)). GSL's sort is
 * a heapsort: 10 M values take seconds where selecting takes a pass. */
static void
select_kth(double *x, int64_t lo, int64_t hi, int64_t k)
{
	int budget = 64;
	while (hi > lo) {
		if (budget-- == 0) {
			gsl_sort(x + lo, 1, (size_t)(hi - lo + 1));
			return;
		}
		int64_t mid = lo + (hi - lo) / 2;
		double a = x[lo], b = x[mid], c = x[hi];
		double pv = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		int64_t i = lo, j = hi;
		for (;;) {
			while (x[i] < pv)
				i++;
			while (x[j] > pv)
				j--;
			if (i >= j)
				break;
			double t = x[i];
			x[i] = x[j];
			x[j] = t;
			i++;
			j--;
		}
		/* now x[lo..j] <= pivot <= x[j+1..hi] */
		if (k <= j)
			hi = j;
		else
			lo = j + 1;
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

bool
stats_parse_alternative(struct parser *p, bool one_sided, enum stats_alt *out)
{
	const struct token *t = parser_peek(p, 0);
	int pos = t->pos;
	char word[32];
	if (t->type == TOK_STRING) {
		char *s = parser_string(p, "an alternative");
		if (s == NULL)
			return false;
		snprintf(word, sizeof word, "%s", s);
	} else {
		char *s = parser_ident(p, "two-sided, less or greater");
		if (s == NULL)
			return false;
		snprintf(word, sizeof word, "%s", s);
		/* two-sided and one-sided are three tokens */
		if ((strcasecmp(word, "two") == 0 || strcasecmp(word, "one") == 0) && parser_accept_op(p, "-")) {
			if (!parser_expect_word(p, "sided"))
				return false;
			strcat(word, "-sided");
		}
	}
	for (char *c = word; *c; c++)
		if (*c == '.' || *c == '_')
			*c = '-';
	if (strcasecmp(word, "two-sided") == 0)
		*out = STATS_TWO_SIDED;
	else if (strcasecmp(word, "less") == 0 && !one_sided)
		*out = STATS_LESS;
	else if (strcasecmp(word, "greater") == 0 && !one_sided)
		*out = STATS_GREATER;
	else if (strcasecmp(word, "one-sided") == 0 && one_sided)
		*out = STATS_ONE_SIDED;
	else {
		err_set(p->err, pos, "ALTERNATIVE must be %s, not %s", one_sided ? "two-sided or one-sided" :
		    "two-sided, less or greater", word);
		return false;
	}
	return true;
}

int
stats_two_groups(const struct stats_stmt *st, const struct stats_data *d, int ycol, int gcol, const char *test,
    struct stats_groups *gs, struct wb_error *err)
{
	stats_groups_split(d, ycol, gcol, gs);
	if (gs->k == 2)
		return 0;
	const struct stats_column *y = &d->col[ycol], *g = &d->col[gcol];
	const char *q = g->type == WB_TYPE_BIGINT || g->type == WB_TYPE_DOUBLE || g->type == WB_TYPE_BOOL ? "" : "'";
	if (gs->k == 0) {
		err_set(err, st->pos, "%s: no row has both %s and %s", st->what, y->name, g->name);
		err_hint(err, "check that neither is NULL everywhere (and the WHERE condition)");
	} else {
		struct strbuf b;
		sb_init(&b);
		for (int l = 0; l < gs->k && l < 6; l++)
			sb_printf(&b, "%s%s%s%s", l ? ", " : "", q, gs->label[l], q);
		if (gs->k > 6)
			sb_puts(&b, ", ...");
		err_set(err, st->pos, "%s: %s has %d level%s among the rows with %s (%s); %s compares exactly 2",
		    st->what, g->name, gs->k, gs->k == 1 ? "" : "s", y->name, sb_str(&b), test);
		if (gs->k == 1)
			err_hint(err, "a one-sample test takes no BY; or check the WHERE condition");
		else
			err_hint(err, "compare two of them: WHERE %s IN (%s%s%s, %s%s%s)", g->name, q, gs->label[0], q, q,
			    gs->label[1], q);
		sb_free(&b);
	}
	stats_groups_free(gs);
	return -1;
}

/* Order-preserving keys of doubles: the bits, sign-flipped for negatives
 * (all bits) and positives (the top bit), compare as unsigned integers
 * the way the doubles do (-0.0 is made 0.0 first: the two are equal). */
static uint64_t
sort_key(double v)
{
	if (v == 0)
		v = 0;
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Sort the keys k[0..n) (tmp: n more) by four 16-bit LSD radix passes,
 * or qsort when n is small; passes where every key has the same digit
 * are skipped. */
static void
sort_keys(uint64_t *k, uint64_t *tmp, int64_t n)
{
	if (n < 2048) {
		qsort(k, (size_t)n, sizeof *k, cmp_u64);
		return;
	}
	int64_t *count = xmalloc(sizeof *count * 65536);
	uint64_t *src = k, *dst = tmp;
	for (int shift = 0; shift < 64; shift += 16) {
		memset(count, 0, sizeof *count * 65536);
		for (int64_t i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xffff]++;
		if (count[(src[0] >> shift) & 0xffff] == n)
			continue;
		int64_t at = 0;
		for (int d = 0; d < 65536; d++) {
			int64_t c = count[d];
			count[d] = at;
			at += c;
		}
		for (int64_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != k)
		memcpy(k, src, sizeof *k * (size_t)n);
	free(count);
}

/* The min-heap of groups by their next key (k sorted groups merged). */
struct merge_heap {
	int *g;
	int n;
	const uint64_t *key;
	int64_t *pos;
};

static bool
heap_less(const struct merge_heap *h, int a, int b)
{
	return h->key[h->pos[h->g[a]]] < h->key[h->pos[h->g[b]]];
}

static void
heap_down(struct merge_heap *h, int i)
{
	for (;;) {
		int l = 2 * i + 1, m = i;
		if (l < h->n && heap_less(h, l, m))
			m = l;
		if (l + 1 < h->n && heap_less(h, l + 1, m))
			m = l + 1;
		if (m == i)
			return;
		int t = h->g[i];
		h->g[i] = h->g[m];
		h->g[m] = t;
		i = m;
	}
}

double
stats_rank_sums(const double *x, int k, const int64_t *start, const int64_t *n, double *rsum)
{
	int64_t total = 0;
	for (int g = 0; g < k; g++)
		total += n[g];
	uint64_t *key = xmalloc(sizeof *key * (size_t)(total ? total : 1));
	uint64_t *tmp = xmalloc(sizeof *tmp * (size_t)(total ? total : 1));
	int64_t *pos = xmalloc(sizeof *pos * (size_t)(k ? k : 1));
	int64_t *end = xmalloc(sizeof *end * (size_t)(k ? k : 1));
	/* each group's values as keys, sorted, one segment per group */
	int64_t at = 0;
	for (int g = 0; g < k; g++) {
		pos[g] = at;
		for (int64_t i = 0; i < n[g]; i++)
			key[at + i] = sort_key(x[start[g] + i]);
		sort_keys(key + at, tmp, n[g]);
		at += n[g];
		end[g] = at;
		rsum[g] = 0;
	}
	free(tmp);
	/* merge: each run of equal values over all groups is a tie group
	 * of t values taking ranks done + 1 .. done + t */
	struct merge_heap h = {.g = xmalloc(sizeof(int) * (size_t)(k ? k : 1)), .key = key, .pos = pos};
	for (int g = 0; g < k; g++)
		if (n[g] > 0)
			h.g[h.n++] = g;
	for (int i = h.n / 2 - 1; i >= 0; i--)
		heap_down(&h, i);
	int64_t *cnt = xcalloc((size_t)(k ? k : 1), sizeof *cnt);
	int *seen = xmalloc(sizeof(int) * (size_t)(k ? k : 1));
	double ties = 0, done = 0;
	while (h.n > 0) {
		uint64_t v = key[pos[h.g[0]]];
		int ns = 0;
		int64_t t = 0;
		while (h.n > 0 && key[pos[h.g[0]]] == v) {
			int g = h.g[0];
			int64_t c = 0;
			while (pos[g] < end[g] && key[pos[g]] == v) {
				pos[g]++;
				c++;
			}
			cnt[g] = c;
			seen[ns++] = g;
			t += c;
			if (pos[g] == end[g])
				h.g[0] = h.g[--h.n];
			heap_down(&h, 0);
		}
		double avg = done + (double)(t + 1) / 2, dt = (double)t;
		for (int i = 0; i < ns; i++)
			rsum[seen[i]] += (double)cnt[seen[i]] * avg;
		ties += dt * dt * dt - dt;
		done += dt;
	}
	free(seen);
	free(cnt);
	free(h.g);
	free(end);
	free(pos);
	free(key);
	return ties;
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
