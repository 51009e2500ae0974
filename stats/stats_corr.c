/*
 * CORR x, y [, z ...] [PEARSON | SPEARMAN | KENDALL] [CONF 0.95] FROM source
 *
 * Every pair of the variables, over the rows where both are present
 * (pairwise complete observations), tested as R's cor.test(x, y, method)
 * does (two-sided), one row per pair as broom::tidy(cor.test()):
 * x, y, estimate, statistic, df, p_value, ci_low, ci_high, n, method.
 *
 *   PEARSON (default): r; t = r sqrt(n - 2) / sqrt(1 - r^2) with n - 2 df;
 *     the confidence interval by Fisher's z (n > 3, else NULL).
 *   SPEARMAN: rho, the Pearson correlation of the ranks (ties averaged);
 *     S = (n^3 - n)(1 - rho) / 6; the p-value exact (n <= 9) or by
 *     AS 89's Edgeworth series (n <= 1290) without ties, else from t
 *     with n - 2 df - as R.
 *   KENDALL: tau-b; without ties and n < 50, T = the concordant pairs and
 *     the exact p-value; else z = S / sd(S) with the ties-corrected
 *     variance - as R (no continuity correction).
 * df is NULL for the rank methods, the interval too.
 *
 * A constant variable (over a pair's rows) has no correlation: R gives NA
 * with a warning; here the estimate, statistic and p-value are NaN and a
 * note says why. Fewer than 3 complete pairs is an error.
 *
 * Kendall's tau is counted in O(n log n) (Knight's merge sort), not over
 * all n^2 / 2 pairs, so a 10 M-row table takes seconds, not days.
 */
#include "stats/stats.h"
#include "core/xmalloc.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum corr_method { CORR_PEARSON, CORR_SPEARMAN, CORR_KENDALL };

struct corr_opt {
	enum corr_method method;
	double conf;
};

static const char *const method_name[] = {
	"Pearson's product-moment correlation",
	"Spearman's rank correlation rho",
	"Kendall's rank correlation tau",
};

/* ------------------------------------------------------------ Pearson */

/* The correlation of x and y (n > 1), from two-pass centred sums; NaN
 * when either is constant. */
static double
pearson_r(const double *x, const double *y, int64_t n)
{
	double mx, my, sxx, syy;
	stats_mean_ss(x, n, &mx, &sxx);
	stats_mean_ss(y, n, &my, &syy);
	if (sxx == 0 || syy == 0)
		return NAN;
	double sxy = 0;
	for (int64_t i = 0; i < n; i++)
		sxy += (x[i] - mx) * (y[i] - my);
	double r = sxy / sqrt(sxx) / sqrt(syy);
	return r > 1 ? 1 : r < -1 ? -1 : r;   /* rounding may step past +-1 */
}

/* ------------------------------------------------------------ Spearman */

/* Counts of S = sum (i - p(i))^2 over the permutations p of 1..n (n <= 9)
 * into cnt[0 .. (n^3 - n) / 3], by depth-first enumeration. */
static void
spearman_enumerate(int n, int at, unsigned used, int s, double *cnt)
{
	if (at == n) {
		cnt[s] += 1;
		return;
	}
	for (int v = 0; v < n; v++)
		if (!(used & (1u << v))) {
			int d = at - v;
			spearman_enumerate(n, at + 1, used | (1u << v), s + d * d, cnt);
		}
}

/* AS 89 (Best and Roberts 1975): P(S >= is), or P(S < is) when lower,
 * for Spearman's S under independence without ties: exact for n <= 9,
 * else the Edgeworth series expansion (with R's conventions: the caller
 * passes is = round(S), or round(S) + 2 for the lower tail). */
static double
spearman_prho(int n, double is, bool lower)
{
	double smax = (double)n * ((double)n * n - 1) / 3;
	if (is <= 0)
		return lower ? 0 : 1;
	if (is > smax)
		return lower ? 1 : 0;
	if (n <= 9) {
		int m = (int)smax;
		double *cnt = xcalloc((size_t)m + 1, sizeof *cnt), tot = 0, up = 0;
		spearman_enumerate(n, 0, 0, 0, cnt);
		for (int s = 0; s <= m; s++) {
			tot += cnt[s];
			if (s >= is)
				up += cnt[s];
		}
		free(cnt);
		return lower ? (tot - up) / tot : up / tot;
	}
	/* Edgeworth: x ~ -rho sqrt(n - 1), standard normal, plus the series
	 * correction u exp(-x^2 / 2) with AS 89's coefficients */
	static const double c[12] = {0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932, 0.0879, 0.0151, 0.0072, 0.0831,
		0.0131, 4.6e-4};
	double dn = n, b = 1 / dn;
	double x = (6 * (is - 1) * b / (dn * dn - 1) - 1) * sqrt(dn - 1), y = x * x;
	double u = x * b *
	    (c[0] + b * (c[1] + c[2] * b) +
		y * (-c[3] + b * (c[4] + c[5] * b) -
		    y * b * (c[6] + c[7] * b - y * (c[8] - c[9] * b + y * b * (c[10] - c[11] * y)))));
	double corr = u / exp(y / 2);
	double p = lower ? gsl_cdf_ugaussian_P(x) - corr : gsl_cdf_ugaussian_Q(x) + corr;
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* R's two-sided p-value of Spearman's S (cor.test, exact = NULL). */
static double
spearman_p(double s, int64_t n, bool ties)
{
	double dn = (double)n, mid = (dn * dn * dn - dn) / 6;
	bool upper = s > mid;
	double p;
	if (n <= 1290 && !ties) {
		p = upper ? spearman_prho((int)n, round(s), false) : spearman_prho((int)n, round(s) + 2, true);
	} else {
		/* t with n - 2 df of the rho that S stands for; its tail on
		 * rho's side, doubled, is the two-sided p */
		double r = 1 - s / mid, t = r / sqrt((1 - r * r) / (dn - 2));
		return stats_t_pvalue(t, dn - 2);
	}
	p *= 2;
	return p > 1 ? 1 : p;
}

/* ------------------------------------------------------------ Kendall */

struct kendall {
	double tau, s;            /* tau-b and S = concordant - discordant */
	int64_t concordant;
	bool ties;
	/* tie sums over the groups of equal x (and y) values, of size t:
	 * sum t(t-1)/2, sum t(t-1)(2t+5), sum t(t-1), sum t(t-1)(t-2) */
	double tx, vx, ax, bx, ty, vy, ay, by;
};

static const double *sort_x, *sort_y;

static int
cmp_xy(const void *a, const void *b)
{
	int64_t i = *(const int64_t *)a, j = *(const int64_t *)b;
	if (sort_x[i] != sort_x[j])
		return sort_x[i] < sort_x[j] ? -1 : 1;
	if (sort_y[i] != sort_y[j])
		return sort_y[i] < sort_y[j] ? -1 : 1;
	return 0;
}

/* Sort v[0..n) ascending (tmp: scratch of n); the number of pairs i < j
 * with v[i] > v[j] (equal values are no inversion). */
static int64_t
merge_count(double *v, double *tmp, int64_t n)
{
	if (n < 2)
		return 0;
	int64_t h = n / 2;
	int64_t inv = merge_count(v, tmp, h) + merge_count(v + h, tmp, n - h);
	int64_t i = 0, j = h, k = 0;
	while (i < h && j < n) {
		if (v[j] < v[i]) {
			inv += h - i;   /* v[j] is below every value left in the first half */
			tmp[k++] = v[j++];
		} else {
			tmp[k++] = v[i++];
		}
	}
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, sizeof *v * (size_t)n);
	return inv;
}

/* Add the tie group of size t to the sums. */
static void
tie_group(double t, double *pairs, double *v, double *a, double *b)
{
	if (t < 2)
		return;
	*pairs += t * (t - 1) / 2;
	*v += t * (t - 1) * (2 * t + 5);
	*a += t * (t - 1);
	*b += t * (t - 1) * (t - 2);
}

/* Kendall's tau-b of x and y (n > 1) by Knight's algorithm: sort by x
 * (then y), count the inversions of y in that order - the discordant
 * pairs - and the ties from the runs of equal values. */
static void
kendall_tau(const double *x, const double *y, int64_t n, struct kendall *k)
{
	memset(k, 0, sizeof *k);
	int64_t *ix = xmalloc(sizeof *ix * (size_t)n);
	for (int64_t i = 0; i < n; i++)
		ix[i] = i;
	sort_x = x;
	sort_y = y;
	qsort(ix, (size_t)n, sizeof *ix, cmp_xy);
	double joint = 0;
	double *v = xmalloc(sizeof *v * (size_t)n), *tmp = xmalloc(sizeof *tmp * (size_t)n);
	for (int64_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && x[ix[j]] == x[ix[i]]; j++)
			;
		tie_group((double)(j - i), &k->tx, &k->vx, &k->ax, &k->bx);
		for (int64_t a = i, b; a < j; a = b) {
			for (b = a + 1; b < j && y[ix[b]] == y[ix[a]]; b++)
				;
			double t = (double)(b - a);
			joint += t * (t - 1) / 2;
		}
	}
	for (int64_t i = 0; i < n; i++)
		v[i] = y[ix[i]];
	int64_t disc = merge_count(v, tmp, n);
	for (int64_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && v[j] == v[i]; j++)
			;
		tie_group((double)(j - i), &k->ty, &k->vy, &k->ay, &k->by);
	}
	double n0 = (double)n * (double)(n - 1) / 2;
	double untied = n0 - k->tx - k->ty + joint;   /* concordant + discordant */
	k->s = untied - 2 * (double)disc;
	k->concordant = (int64_t)(untied - (double)disc);
	k->ties = k->tx > 0 || k->ty > 0;
	double den = (n0 - k->tx) * (n0 - k->ty);
	k->tau = den > 0 ? k->s / sqrt(den) : NAN;
	free(v);
	free(tmp);
	free(ix);
}

/* P(T >= q) (upper) or P(T <= q) for T the concordant pairs of a random
 * permutation of n (n < 50): the inversion-count distribution, built by
 * P_m(k) = (1/m) sum_{j<m} P_{m-1}(k - j). */
static double
kendall_exact(int64_t q, int n, bool upper)
{
	int kmax = n * (n - 1) / 2;
	double *p = xcalloc((size_t)kmax + 1, sizeof *p), *nx = xcalloc((size_t)kmax + 1, sizeof *nx);
	p[0] = 1;
	for (int m = 2; m <= n; m++) {
		int top = m * (m - 1) / 2;
		double win = 0;   /* sum of p[k - m + 1 .. k] */
		for (int k = 0; k <= top; k++) {
			win += p[k];
			if (k - m >= 0)
				win -= p[k - m];
			nx[k] = win / m;
		}
		memcpy(p, nx, sizeof *p * (size_t)(top + 1));
	}
	double s = 0;
	for (int k = 0; k <= kmax; k++)
		if (upper ? k >= q : k <= q)
			s += p[k];
	free(p);
	free(nx);
	return s;
}

/* ------------------------------------------------------------ CORR */

enum { C_X, C_Y, C_EST, C_STAT, C_DF, C_P, C_LO, C_HI, C_N, C_METHOD, NCOLS };

/* One pair's test into the current row; its estimate. Spearman's come
 * ranked: ra, rb, and whether either has ties. */
static double
corr_pair(struct stats_result *r, const struct corr_opt *o, const char *xn, const char *yn, const double *a,
    const double *b, int64_t n, const double *ra, const double *rb, bool ties)
{
	double dn = (double)n, est = NAN, stat = NAN, p = NAN;
	bool ci = false;
	double lo = NAN, hi = NAN;
	stats_s(r, C_X, xn);
	stats_s(r, C_Y, yn);
	switch (o->method) {
	case CORR_PEARSON:
		est = pearson_r(a, b, n);
		stat = sqrt(dn - 2) * est / sqrt(1 - est * est);
		p = stats_t_pvalue(stat, dn - 2);
		if (n > 3) {
			ci = true;
			double z = atanh(est), sg = 1 / sqrt(dn - 3), q = gsl_cdf_ugaussian_Pinv(0.5 + o->conf / 2);
			lo = tanh(z - q * sg);
			hi = tanh(z + q * sg);
		}
		break;
	case CORR_SPEARMAN:
		est = pearson_r(ra, rb, n);
		stat = (dn * dn * dn - dn) * (1 - est) / 6;
		if (!isnan(est))
			p = spearman_p(stat, n, ties);
		if (ties && !isnan(est))
			stats_note(r, "%s, %s: ties - no exact p-value (t approximation)", xn, yn);
		break;
	case CORR_KENDALL: {
		struct kendall k;
		kendall_tau(a, b, n, &k);
		est = k.tau;
		if (isnan(est))
			break;
		if (n < 50 && !k.ties) {
			int64_t q = k.concordant;
			stat = (double)q;
			double half = dn * (dn - 1) / 4;
			p = 2 * ((double)q > half ? kendall_exact(q, (int)n, true) : kendall_exact(q, (int)n, false));
			if (p > 1)
				p = 1;
		} else {
			double v0 = dn * (dn - 1) * (2 * dn + 5);
			double var = (v0 - k.vx - k.vy) / 18 + k.ax * k.ay / (2 * dn * (dn - 1)) +
			    k.bx * k.by / (9 * dn * (dn - 1) * (dn - 2));
			stat = k.s / sqrt(var);
			p = 2 * gsl_cdf_ugaussian_Q(fabs(stat));
			if (k.ties && n < 50)
				stats_note(r, "%s, %s: ties - no exact p-value (normal approximation, z)", xn, yn);
		}
		break;
	}
	}
	if (isnan(est)) {
		stat = p = NAN;
		if (ci)
			lo = hi = NAN;
		stats_note(r, "%s, %s: a constant variable (standard deviation 0): the correlation is not defined (NaN)",
		    xn, yn);
	}
	stats_d(r, C_EST, est);
	stats_d(r, C_STAT, stat);
	if (o->method == CORR_PEARSON)
		stats_i(r, C_DF, n - 2);
	else
		stats_null(r, C_DF);
	stats_d(r, C_P, p);
	if (ci) {
		stats_d(r, C_LO, lo);
		stats_d(r, C_HI, hi);
	} else {
		stats_null(r, C_LO);
		stats_null(r, C_HI);
	}
	stats_i(r, C_N, n);
	stats_s(r, C_METHOD, method_name[o->method]);
	stats_row(r);
	return est;
}

/* The ranks of x[0..n), variable v's values over a pair's rows: its
 * cached ranks when those rows are all its values (ranked on first use),
 * else ranked into scratch. *ties is set when they have ties. */
static const double *
spearman_ranks(const double *x, int64_t n, int v, const int64_t *present, double **cache, bool *cache_ties,
    double *scratch, bool *ties)
{
	if (n != present[v]) {
		*ties |= stats_rank(x, n, scratch) > 0;
		return scratch;
	}
	if (cache[v] == NULL) {
		cache[v] = xmalloc(sizeof *cache[v] * (size_t)n);
		cache_ties[v] = stats_rank(x, n, cache[v]) > 0;
	}
	*ties |= cache_ties[v];
	return cache[v];
}

/* The matrix of estimates for people: rows and columns by variable, 3
 * decimals. */
static void
matrix_note(struct stats_result *r, const struct stats_data *d, const double *m, const bool *constant)
{
	int k = d->ncol, w = 6;
	for (int v = 0; v < k; v++) {
		int l = (int)strlen(d->col[v].name);
		if (l + 1 > w)
			w = l + 1;
	}
	struct strbuf b;
	sb_init(&b);
	sb_printf(&b, "%*s", w, "");
	for (int v = 0; v < k; v++)
		sb_printf(&b, " %*s", w, d->col[v].name);
	stats_note(r, "%s", sb_str(&b));
	for (int u = 0; u < k; u++) {
		sb_clear(&b);
		sb_printf(&b, "%-*s", w, d->col[u].name);
		for (int v = 0; v < k; v++) {
			double e = u == v ? (constant[u] ? NAN : 1) : m[u * k + v];
			if (isnan(e))
				sb_printf(&b, " %*s", w, "NaN");
			else
				sb_printf(&b, " %*.3f", w, e);
		}
		stats_note(r, "%s", sb_str(&b));
	}
	sb_free(&b);
}

static int
corr_run(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct corr_opt *o = st->opt;
	static const char *const names[NCOLS] = {"x", "y", "estimate", "statistic", "df", "p_value", "ci_low",
		"ci_high", "n", "method"};
	static const wb_type types[NCOLS] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE,
		WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_BIGINT, WB_TYPE_VARCHAR};
	stats_result_init(r, NCOLS, names, types);
	stats_title(r, "%s", method_name[o->method]);
	r->stars_col = C_P;
	int k = d->ncol;
	size_t cap = (size_t)(d->n ? d->n : 1);
	double *a = xmalloc(sizeof *a * cap), *b = xmalloc(sizeof *b * cap);
	double *ra = NULL, *rb = NULL;
	if (o->method == CORR_SPEARMAN) {
		ra = xmalloc(sizeof *ra * cap);
		rb = xmalloc(sizeof *rb * cap);
	}
	double *m = xcalloc((size_t)k * (size_t)k, sizeof *m);
	bool *constant = xcalloc((size_t)k, sizeof *constant);
	/* a variable's ranks over all its values serve every pair whose rows
	 * are all of them (no missing values): rank once, not once per pair */
	int64_t *present = xcalloc((size_t)k, sizeof *present);
	double **cache = xcalloc((size_t)k, sizeof *cache);
	bool *cache_ties = xcalloc((size_t)k, sizeof *cache_ties);
	int64_t nmin = INT64_MAX, nmax = 0;
	int rc = 0;
	for (int v = 0; v < k; v++)
		for (int64_t i = 0; i < d->n; i++)
			present[v] += !isnan(d->col[v].x[i]);
	for (int u = 0; u < k && rc == 0; u++) {
		/* a variable's own spread, for the matrix's diagonal */
		int64_t nu = 0;
		for (int64_t i = 0; i < d->n; i++)
			if (!isnan(d->col[u].x[i]))
				a[nu++] = d->col[u].x[i];
		double mean, ss;
		stats_mean_ss(a, nu, &mean, &ss);
		constant[u] = !(ss > 0);
		for (int v = u + 1; v < k; v++) {
			const double *x = d->col[u].x, *y = d->col[v].x;
			int64_t n = 0;
			for (int64_t i = 0; i < d->n; i++)
				if (!isnan(x[i]) && !isnan(y[i])) {
					a[n] = x[i];
					b[n++] = y[i];
				}
			if (n < 3) {
				err_set(err, st->vars[v].pos, "CORR: %s and %s have %lld complete pair%s; a correlation test needs at least 3",
				    d->col[u].name, d->col[v].name, (long long)n, n == 1 ? "" : "s");
				err_hint(err, "check the columns for NULLs, or the WHERE condition");
				rc = -1;
				break;
			}
			nmin = n < nmin ? n : nmin;
			nmax = n > nmax ? n : nmax;
			const double *rka = NULL, *rkb = NULL;
			bool ties = false;
			if (o->method == CORR_SPEARMAN) {
				rka = spearman_ranks(a, n, u, present, cache, cache_ties, ra, &ties);
				rkb = spearman_ranks(b, n, v, present, cache, cache_ties, rb, &ties);
			}
			double e = corr_pair(r, o, d->col[u].name, d->col[v].name, a, b, n, rka, rkb, ties);
			m[u * k + v] = m[v * k + u] = e;
		}
	}
	if (rc == 0) {
		if (nmin != nmax)
			stats_note(r, "n differs by pair: pairwise complete observations (%lld to %lld)", (long long)nmin,
			    (long long)nmax);
		else if (nmax < d->n)
			stats_note(r, "%lld row%s with a missing value left out", (long long)(d->n - nmax),
			    d->n - nmax == 1 ? "" : "s");
		if (o->method == CORR_PEARSON)
			stats_note(r, "statistic: t with n - 2 df; interval: Fisher's z, %g%%", 100 * o->conf);
		else if (o->method == CORR_SPEARMAN)
			stats_note(r, "statistic: S = (n^3 - n)(1 - rho)/6");
		else
			stats_note(r, "statistic: T = concordant pairs (exact p) without ties and n < 50, else z");
		stats_note(r, "Correlation matrix:");
		matrix_note(r, d, m, constant);
	}
	for (int v = 0; v < k; v++)
		free(cache[v]);
	free(cache);
	free(cache_ties);
	free(present);
	free(constant);
	free(m);
	free(a);
	free(b);
	free(ra);
	free(rb);
	return rc;
}

static int
corr_parse(struct parser *p, void **data)
{
	struct stats_stmt *st = stats_stmt_new(p, corr_run, "CORR");
	struct corr_opt *o = arena_zalloc(p->arena, sizeof *o);
	st->opt = o;
	*data = st;
	o->conf = 0.95;
	o->method = CORR_PEARSON;
	int pos = parser_peek(p, 0)->pos;
	int n = stats_parse_vars(p, st, STATS_NUMERIC);
	if (n < 0)
		return -1;
	if (n < 2) {
		err_set(p->err, pos, "CORR needs two or more variables");
		err_hint(p->err, "CORR x, y [, z ...] FROM source");
		return -1;
	}
	for (;;) {
		if (parser_accept_word(p, "PEARSON"))
			o->method = CORR_PEARSON;
		else if (parser_accept_word(p, "SPEARMAN"))
			o->method = CORR_SPEARMAN;
		else if (parser_accept_word(p, "KENDALL"))
			o->method = CORR_KENDALL;
		else if (parser_accept_word(p, "CONF")) {
			if (!stats_parse_number(p, "CONF", 0.5, 0.9999, &o->conf))
				return -1;
		} else
			break;
	}
	return stats_parse_from(p, st);
}

const struct stmt_ext stats_ext_corr = {
	.word = "CORR",
	.parse = corr_parse,
	.query = true,
	.usage = "CORR x, y [, z ...] [PEARSON | SPEARMAN | KENDALL] [CONF 0.95] FROM source [WHERE cond]",
	.summary = "correlation of every pair of variables with R's cor.test: estimate, statistic, p-value, CI",
};
