/*
 * MANNWHITNEY y BY g [ALTERNATIVE a] [EXACT | APPROX] [CORRECT true|false] [MU d] FROM source
 * MANNWHITNEY x, y ... FROM source                 (two columns)
 * WILCOXON y BY g ... | WILCOXON x, y ...           (the same rank-sum test)
 * WILCOXON a, b PAIRED [MU m] ... FROM source      (signed rank of a - b)
 * WILCOXON y [MU m] ... FROM source                (signed rank of y - m)
 *
 * Wilcoxon's rank-sum (Mann-Whitney) and signed-rank tests with R's
 * wilcox.test semantics (R 4.2):
 *
 * Rank sum: W = the sum of the ranks of x - mu among x - mu and y, less
 * n_x (n_x + 1) / 2 (Mann-Whitney's U of x). Exact p-value when both
 * samples have fewer than 50 values and there are no ties (or EXACT and no
 * ties); otherwise the normal approximation with the ties correction of
 * the variance and, unless CORRECT false, a continuity correction of 1/2.
 *
 * Signed rank: V = the sum of the ranks of |d| over the positive d, where
 * d = x - mu (paired: a - b - mu) and zero d are dropped. Exact when fewer
 * than 50 d are left and there are neither ties nor zeros (or EXACT and
 * neither); otherwise normal with ties and continuity corrections.
 *
 * The exact null distributions are counted here by dynamic programming
 * over probabilities (all terms positive, so no cancellation):
 *   rank sum:    P(m, n, u) = m/(m+n) P(m-1, n, u-n) + n/(m+n) P(m, n-1, u)
 *                (the largest value is an x, adding n to U, or a y)
 *   signed rank: P_i(s) = (P_(i-1)(s) + P_(i-1)(s-i)) / 2
 *                (rank i is positive or not)
 * up to the smaller tail's bound only.
 *
 * Effect size: the rank-biserial correlation, P(X > Y) - P(X < Y) =
 * 2 W / (n_x n_y) - 1 for the rank sum; (V - (S - V)) / S = 2 V / S - 1,
 * S = n (n + 1) / 2 the sum of all ranks, for the signed rank (matched
 * pairs).
 */
#include "stats/stats.h"
#include "core/xmalloc.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum wx_exact { WX_AUTO, WX_EXACT, WX_APPROX };

struct wilcox_opt {
	bool signed_rank, paired;
	int nv, by;
	enum wx_exact exact;
	bool correct;
	double mu;
	enum stats_alt alt;
};

/* The exact counts cost about this many steps at most (a second or so);
 * beyond it EXACT is refused. */
#define WX_MAX_STEPS 5e8

/* ------------------------------------------------------------ exact */

/* P(U <= q) for Mann-Whitney's U with samples of m and n values and no
 * ties, 0 <= q (integer). The distribution is symmetric in m and n and
 * about m n / 2, so the DP runs over the smaller sample and up to q. */
static double
ranksum_cdf(int64_t m, int64_t n, int64_t q)
{
	if (q < 0)
		return 0;
	if (q >= m * n)
		return 1;
	if (m > n) {
		int64_t t = m;
		m = n;
		n = t;
	}
	/* f[i][u] = P(m' = i, n' = j, U = u) for the current j, u <= q */
	int64_t w = q + 1;
	double *f = xcalloc((size_t)((m + 1) * w), sizeof *f);
	for (int64_t i = 0; i <= m; i++)
		f[i * w] = 1;   /* j = 0: U is 0 */
	for (int64_t j = 1; j <= n; j++) {
		/* i = 0: U is 0 whatever j is; rows i > 0 in increasing i, so row
		 * i - 1 already holds j's values */
		for (int64_t i = 1; i <= m; i++) {
			double a = (double)i / (double)(i + j), b = (double)j / (double)(i + j);
			double *fi = f + i * w, *fp = f + (i - 1) * w;
			for (int64_t u = q; u >= 0; u--)
				fi[u] = b * fi[u] + (u >= j ? a * fp[u - j] : 0);
		}
	}
	double p = 0;
	for (int64_t u = 0; u <= q; u++)
		p += f[m * w + u];
	free(f);
	return p > 1 ? 1 : p;
}

/* P(V <= q) for the signed-rank statistic of n values, no ties or zeros. */
static double
signrank_cdf(int64_t n, int64_t q)
{
	int64_t total = n * (n + 1) / 2;
	if (q < 0)
		return 0;
	if (q >= total)
		return 1;
	double *f = xcalloc((size_t)(q + 1), sizeof *f);
	f[0] = 1;
	for (int64_t i = 1; i <= n; i++)
		for (int64_t s = q; s >= 0; s--)
			f[s] = (f[s] + (s >= i ? f[s - i] : 0)) / 2;
	double p = 0;
	for (int64_t s = 0; s <= q; s++)
		p += f[s];
	free(f);
	return p > 1 ? 1 : p;
}

/* An exact null distribution: the rank sum's of m and n values, or the
 * signed rank's of n values (m unused). Both are symmetric about max / 2. */
struct exact_dist {
	bool signed_rank;
	int64_t m, n, max;
};

/* P(S <= k), counted over the smaller side: P(S <= k) = 1 - P(S <= max -
 * k - 1) by the symmetry. */
static double
exact_le(const struct exact_dist *e, int64_t k)
{
	if (k < 0)
		return 0;
	if (k >= e->max)
		return 1;
	if (2 * k > e->max)
		return 1 - exact_le(e, e->max - k - 1);
	return e->signed_rank ? signrank_cdf(e->n, k) : ranksum_cdf(e->m, e->n, k);
}

/* The exact p-value of the statistic s (an integer) with R's rule for
 * each alternative; P(S >= k) = P(S <= max - k) by the symmetry. */
static double
exact_p(const struct exact_dist *e, double s, enum stats_alt alt)
{
	int64_t k = (int64_t)llround(s);
	double upper = exact_le(e, e->max - k);
	switch (alt) {
	case STATS_GREATER: return upper;
	case STATS_LESS: return exact_le(e, k);
	default: return fmin(2 * (2 * k > e->max ? upper : exact_le(e, k)), 1);
	}
}

/* The steps the exact counts of the smaller tail would take. */
static double
exact_steps(bool signed_rank, double m, double n, double s)
{
	if (signed_rank) {
		double max = n * (n + 1) / 2;
		return n * (fmin(s, max - s) + 1);
	}
	return fmin(m, n) * fmax(m, n) * (fmin(s, m * n - s) + 1);
}

/* ------------------------------------------------------------ tests */

/* The approximate p-value of z (after its corrections) for alt. */
static double
normal_p(double z, enum stats_alt alt)
{
	switch (alt) {
	case STATS_LESS: return gsl_cdf_ugaussian_P(z);
	case STATS_GREATER: return gsl_cdf_ugaussian_Q(z);
	default: return 2 * fmin(gsl_cdf_ugaussian_P(z), gsl_cdf_ugaussian_Q(z));
	}
}

static double
continuity(double z, enum stats_alt alt)
{
	switch (alt) {
	case STATS_LESS: return -0.5;
	case STATS_GREATER: return 0.5;
	default: return z > 0 ? 0.5 : z < 0 ? -0.5 : 0;
	}
}

/* Whether to count exactly: R's rule (small and no ties/zeros) or the
 * request, refused when too costly. Notes R's warnings. */
static int
use_exact(const struct stats_stmt *st, const struct wilcox_opt *o, bool small, bool ties, bool zeros, double steps,
    struct stats_result *r, bool *exact, struct wb_error *err)
{
	bool want = o->exact == WX_EXACT || (o->exact == WX_AUTO && small);
	*exact = want && !ties && !zeros;
	if (want && ties)
		stats_note(r, "cannot compute the exact p-value with ties: normal approximation");
	if (want && zeros)
		stats_note(r, "cannot compute the exact p-value with zeros: normal approximation");
	if (*exact && steps > WX_MAX_STEPS) {
		err_set(err, st->pos, "%s: the exact distribution is too large to count for these sample sizes", st->what);
		err_hint(err, "use APPROX (the normal approximation), or leave EXACT out for R's rule (exact below 50)");
		return -1;
	}
	return 0;
}

enum { RS_STAT, RS_P, RS_Z, RS_NX, RS_NY, RS_R, RS_METHOD, RS_ALT, RS_NCOLS };
enum { SR_STAT, SR_P, SR_Z, SR_N, SR_NZERO, SR_R, SR_METHOD, SR_ALT, SR_NCOLS };

/* The rank-sum test of x[0..nx) against y[0..ny). */
static int
ranksum(const struct stats_stmt *st, const struct wilcox_opt *o, const double *x, int64_t nx, const double *y,
    int64_t ny, const char *wx, const char *wy, struct stats_result *r, struct wb_error *err)
{
	static const char *const names[RS_NCOLS] = {"statistic", "p_value", "z", "n_x", "n_y", "rank_biserial",
		"method", "alternative"};
	const wb_type types[RS_NCOLS] = {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_BIGINT, WB_TYPE_BIGINT,
		WB_TYPE_DOUBLE, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
	stats_result_init(r, RS_NCOLS, names, types);
	r->stars_col = RS_P;
	const struct { const double *v; int64_t n; const char *w; } s[2] = {{x, nx, wx}, {y, ny, wy}};
	for (int i = 0; i < 2; i++)
		if (s[i].n < 1) {
			err_set(err, st->pos, "%s: %s has no values", st->what, s[i].w);
			err_hint(err, "check the data and the WHERE condition");
			return -1;
		}
	int64_t n = nx + ny;
	double *all = xmalloc(sizeof *all * (size_t)n);
	for (int64_t i = 0; i < nx; i++)
		all[i] = x[i] - o->mu;
	memcpy(all + nx, y, sizeof *y * (size_t)ny);
	const int64_t start[2] = {0, nx}, cnt[2] = {nx, ny};
	double rsum[2];
	double ties = stats_rank_sums(all, 2, start, cnt, rsum);
	double sum = rsum[0];
	free(all);
	double dx = (double)nx, dy = (double)ny, dn = (double)n;
	double w = sum - dx * (dx + 1) / 2;
	bool exact;
	if (use_exact(st, o, nx < 50 && ny < 50, ties > 0, false, exact_steps(false, dx, dy, w), r, &exact, err) < 0)
		return -1;
	const char *method;
	double p, z = NAN;
	if (exact) {
		method = "Wilcoxon rank sum exact test";
		struct exact_dist e = {.m = nx, .n = ny, .max = nx * ny};
		p = exact_p(&e, w, o->alt);
	} else {
		double sigma = sqrt(dx * dy / 12 * ((dn + 1) - ties / (dn * (dn - 1))));
		if (!(sigma > 0)) {
			err_set(err, st->pos, "%s: all values are tied; there is nothing to rank", st->what);
			err_hint(err, "the samples are constant and equal: there is no evidence of a shift");
			return -1;
		}
		z = w - dx * dy / 2;
		double corr = o->correct ? continuity(z, o->alt) : 0;
		z = (z - corr) / sigma;
		p = normal_p(z, o->alt);
		method = o->correct ? "Wilcoxon rank sum test with continuity correction" : "Wilcoxon rank sum test";
	}
	stats_d(r, RS_STAT, w);
	stats_d(r, RS_P, p);
	if (exact)
		stats_null(r, RS_Z);
	else
		stats_d(r, RS_Z, z);
	stats_i(r, RS_NX, nx);
	stats_i(r, RS_NY, ny);
	stats_d(r, RS_R, 2 * w / (dx * dy) - 1);
	stats_s(r, RS_METHOD, method);
	stats_s(r, RS_ALT, stats_alt_name(o->alt));
	stats_row(r);
	stats_title(r, "%s", method);
	stats_note(r, "x: %s (n = %lld), y: %s (n = %lld); W = Mann-Whitney U of x", wx, (long long)nx, wy,
	    (long long)ny);
	stats_note(r, "alternative: true location shift is %s %g",
	    o->alt == STATS_LESS ? "less than" : o->alt == STATS_GREATER ? "greater than" : "not equal to", o->mu);
	return 0;
}

/* The signed-rank test of d[0..n) (already less mu; modified here). */
static int
signrank(const struct stats_stmt *st, const struct wilcox_opt *o, double *d, int64_t n, const char *what,
    struct stats_result *r, struct wb_error *err)
{
	static const char *const names[SR_NCOLS] = {"statistic", "p_value", "z", "n", "n_zero", "rank_biserial",
		"method", "alternative"};
	const wb_type types[SR_NCOLS] = {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_BIGINT, WB_TYPE_BIGINT,
		WB_TYPE_DOUBLE, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
	stats_result_init(r, SR_NCOLS, names, types);
	r->stars_col = SR_P;
	if (n < 1) {
		err_set(err, st->pos, "%s: %s has no values", st->what, what);
		err_hint(err, o->paired ? "a pair counts when both of its values are not NULL" :
		    "check the data and the WHERE condition");
		return -1;
	}
	/* zeros are dropped (R does too), but still rule out the exact test */
	int64_t m = 0;
	for (int64_t i = 0; i < n; i++)
		if (d[i] != 0)
			d[m++] = d[i];
	int64_t zeros = n - m;
	if (m == 0) {
		err_set(err, st->pos, "%s: all %lld differences of %s from %g are zero; there is nothing to rank", st->what,
		    (long long)n, what, o->mu);
		err_hint(err, "no difference at all: there is no evidence of a shift");
		return -1;
	}
	/* |d| of the positive d, then of the negative ones: V is the first
	 * group's rank sum */
	double *a = xmalloc(sizeof *a * (size_t)m);
	int64_t npos = 0, nneg = 0;
	for (int64_t i = 0; i < m; i++)
		if (d[i] > 0)
			a[npos++] = d[i];
	for (int64_t i = 0; i < m; i++)
		if (d[i] < 0)
			a[npos + nneg++] = -d[i];
	const int64_t start[2] = {0, npos}, cnt[2] = {npos, nneg};
	double rsum[2];
	double ties = stats_rank_sums(a, 2, start, cnt, rsum);
	double v = rsum[0];
	free(a);
	double dn = (double)m, total = dn * (dn + 1) / 2;
	bool exact;
	if (use_exact(st, o, m < 50, ties > 0, zeros > 0, exact_steps(true, 0, dn, v), r, &exact, err) < 0)
		return -1;
	const char *method;
	double p, z = NAN;
	if (exact) {
		method = "Wilcoxon signed rank exact test";
		struct exact_dist e = {.signed_rank = true, .n = m, .max = m * (m + 1) / 2};
		p = exact_p(&e, v, o->alt);
	} else {
		double sigma = sqrt(dn * (dn + 1) * (2 * dn + 1) / 24 - ties / 48);
		z = v - total / 2;
		double corr = o->correct ? continuity(z, o->alt) : 0;
		z = (z - corr) / sigma;
		p = normal_p(z, o->alt);
		method = o->correct ? "Wilcoxon signed rank test with continuity correction" : "Wilcoxon signed rank test";
	}
	stats_d(r, SR_STAT, v);
	stats_d(r, SR_P, p);
	if (exact)
		stats_null(r, SR_Z);
	else
		stats_d(r, SR_Z, z);
	stats_i(r, SR_N, m);
	stats_i(r, SR_NZERO, zeros);
	stats_d(r, SR_R, 2 * v / total - 1);
	stats_s(r, SR_METHOD, method);
	stats_s(r, SR_ALT, stats_alt_name(o->alt));
	stats_row(r);
	stats_title(r, "%s", method);
	stats_note(r, "V = sum of the ranks of |%s| where it is positive; n = %lld non-zero%s", what, (long long)m,
	    zeros ? " (zeros dropped)" : "");
	stats_note(r, "alternative: true location%s is %s %g", o->paired ? " shift" : "",
	    o->alt == STATS_LESS ? "less than" : o->alt == STATS_GREATER ? "greater than" : "not equal to", o->mu);
	return 0;
}

static int
wilcox_run(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct wilcox_opt *o = st->opt;
	int rc;
	if (!o->signed_rank && o->by >= 0) {
		struct stats_groups gs;
		if (stats_two_groups(st, d, 0, o->by, "a rank-sum test", &gs, err) < 0)
			return -1;
		const char *q = d->col[o->by].type == WB_TYPE_VARCHAR ? "'" : "";
		char *wx = xasprintf("%s in %s %s%s%s", d->col[0].name, d->col[o->by].name, q, gs.label[0], q);
		char *wy = xasprintf("%s in %s %s%s%s", d->col[0].name, d->col[o->by].name, q, gs.label[1], q);
		rc = ranksum(st, o, gs.x + gs.start[0], gs.n[0], gs.x + gs.start[1], gs.n[1], wx, wy, r, err);
		if (rc == 0 && gs.dropped > 0)
			stats_note(r, "%lld missing value%s left out", (long long)gs.dropped, gs.dropped == 1 ? "" : "s");
		free(wx);
		free(wy);
		stats_groups_free(&gs);
	} else if (!o->signed_rank) {
		int64_t nx, ny;
		double *x = stats_non_missing(&d->col[0], d->n, &nx), *y = stats_non_missing(&d->col[1], d->n, &ny);
		rc = ranksum(st, o, x, nx, y, ny, d->col[0].name, d->col[1].name, r, err);
		free(x);
		free(y);
	} else if (o->paired) {
		const double *a = d->col[0].x, *b = d->col[1].x;
		double *diff = xmalloc(sizeof *diff * (size_t)(d->n ? d->n : 1));
		int64_t n = 0;
		for (int64_t i = 0; i < d->n; i++)
			if (!isnan(a[i]) && !isnan(b[i]))
				diff[n++] = (a[i] - b[i]) - o->mu;   /* R: x - y, then - mu */
		char *w = xasprintf("%s - %s", d->col[0].name, d->col[1].name);
		rc = signrank(st, o, diff, n, w, r, err);
		if (rc == 0 && d->n > n)
			stats_note(r, "%lld incomplete pair%s left out", (long long)(d->n - n), d->n - n == 1 ? "" : "s");
		free(w);
		free(diff);
	} else {
		int64_t n;
		double *x = stats_non_missing(&d->col[0], d->n, &n);
		for (int64_t i = 0; i < n; i++)
			x[i] -= o->mu;
		rc = signrank(st, o, x, n, d->col[0].name, r, err);
		if (rc == 0 && d->n > n)
			stats_note(r, "%lld missing value%s left out", (long long)(d->n - n), d->n - n == 1 ? "" : "s");
		free(x);
	}
	return rc;
}

/* The options after the variables, shared by both statements. */
static int
wilcox_options(struct parser *p, struct stats_stmt *st, struct wilcox_opt *o)
{
	for (;;) {
		int pos = parser_peek(p, 0)->pos;
		if (parser_accept_word(p, "BY")) {
			if (o->by >= 0 || o->nv == 2) {
				err_set(p->err, pos, "%s: BY takes one variable: %s y BY g", st->what, st->what);
				return -1;
			}
			if ((o->by = stats_parse_var(p, st, STATS_FACTOR)) < 0)
				return -1;
		} else if (parser_accept_word(p, "PAIRED")) {
			o->paired = true;
		} else if (parser_accept_word(p, "EXACT")) {
			o->exact = WX_EXACT;
		} else if (parser_accept_word(p, "APPROX")) {
			o->exact = WX_APPROX;
		} else if (parser_accept_word(p, "CORRECT")) {
			if (parser_accept_word(p, "TRUE"))
				o->correct = true;
			else if (parser_accept_word(p, "FALSE"))
				o->correct = false;
			else
				return parser_syntax_error(p, "true or false");
		} else if (parser_accept_word(p, "MU")) {
			if (!stats_parse_number(p, "MU", -1e308, 1e308, &o->mu))
				return -1;
		} else if (parser_accept_word(p, "ALTERNATIVE")) {
			if (!stats_parse_alternative(p, false, &o->alt))
				return -1;
		} else {
			return 0;
		}
	}
}

/* Both statements: variables, options, FROM. The rank-sum test is BY g
 * or two columns; the signed-rank one (WILCOXON only) is one column or
 * two PAIRED. */
static int
wilcox_parse(struct parser *p, void **data, bool mann_whitney)
{
	struct stats_stmt *st = stats_stmt_new(p, wilcox_run, mann_whitney ? "MANNWHITNEY" : "WILCOXON");
	struct wilcox_opt *o = arena_zalloc(p->arena, sizeof *o);
	st->opt = o;
	*data = st;
	o->by = -1;
	o->correct = true;
	o->alt = STATS_TWO_SIDED;
	o->nv = stats_parse_vars(p, st, STATS_NUMERIC);
	if (o->nv < 0)
		return -1;
	if (o->nv > 2)
		return parser_error(p, "%s takes one variable (with BY g%s) or two", st->what,
		    mann_whitney ? "" : ", or one sample");
	if (wilcox_options(p, st, o) < 0)
		return -1;
	if (o->paired && (mann_whitney || o->nv != 2)) {
		err_set(p->err, st->pos, "%s", mann_whitney ? "MANNWHITNEY compares independent samples; for pairs use "
		    "WILCOXON a, b PAIRED" : "WILCOXON: PAIRED needs two variables: WILCOXON before, after PAIRED");
		return -1;
	}
	if (mann_whitney && o->nv == 1 && o->by < 0) {
		err_set(p->err, st->pos, "MANNWHITNEY compares two samples: MANNWHITNEY y BY g, or MANNWHITNEY x, y");
		err_hint(p->err, "for one sample use WILCOXON y MU m (the signed-rank test)");
		return -1;
	}
	o->signed_rank = o->paired || (o->nv == 1 && o->by < 0);
	return stats_parse_from(p, st);
}

static int
mannwhitney_parse(struct parser *p, void **data)
{
	return wilcox_parse(p, data, true);
}

static int
wilcoxon_parse(struct parser *p, void **data)
{
	return wilcox_parse(p, data, false);
}

const struct stmt_ext stats_ext_mannwhitney = {
	.word = "MANNWHITNEY",
	.parse = mannwhitney_parse,
	.query = true,
	.usage = "MANNWHITNEY y BY g [ALTERNATIVE two-sided|less|greater] [EXACT | APPROX] [CORRECT true|false] "
		 "[MU d] FROM source",
	.summary = "Mann-Whitney U / Wilcoxon rank-sum test (exact or normal with ties correction), as R's wilcox.test",
};

const struct stmt_ext stats_ext_wilcoxon = {
	.word = "WILCOXON",
	.parse = wilcoxon_parse,
	.query = true,
	.usage = "WILCOXON a, b PAIRED | WILCOXON y [MU m] | WILCOXON y BY g [ALTERNATIVE ...] [EXACT | APPROX] "
		 "[CORRECT true|false] FROM source",
	.summary = "Wilcoxon signed-rank test (one sample or paired) and rank-sum test, as R's wilcox.test",
};
