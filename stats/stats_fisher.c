/*
 * FISHER a BY b [ALTERNATIVE two-sided|less|greater] [CONF 0.95] FROM source
 *
 * Fisher's exact test of a 2 x 2 table, as R's fisher.test(table(a, b)):
 * one row with the conditional maximum-likelihood estimate of the odds
 * ratio (estimate), p_value, the conditional confidence interval (ci_low,
 * ci_high), n, alternative and method.
 *
 * Conditioned on the margins, the top-left count X follows Fisher's
 * noncentral hypergeometric distribution with odds ratio psi,
 * P(X = x) proportional to C(m, x) C(n, k - x) psi^x over lo <= x <= hi
 * (m, n: the columns' totals, k: the first row's). The p-value is the
 * tail under psi = 1; two-sided, the sum of the probabilities no larger
 * than the observed one's (times 1 + 1e-7, as R, against rounding). The
 * estimate solves E[X; psi] = x and the interval's ends solve
 * P(X <= x; psi) = alpha and P(X >= x; psi) = alpha (alpha = (1 - CONF)/2
 * two-sided). R finds these roots with uniroot()'s default tolerance
 * (about 1e-4 relative to [0, 1]); wb solves them to full precision, in
 * log(psi), so the two agree to that tolerance (tests/stats/chisq.R).
 * Larger tables are an error (CHISQ tests them).
 */
#include "stats/stats.h"
#include "stats/stats_ctab.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


struct fisher_opt {
	enum stats_alt alt;
	double conf;
};

/* The conditional distribution of X: the log of C(m, x) C(n, k - x) up to
 * a constant, ld[i] for x = lo + i; xo the observed x. */
struct nchyper {
	double m, n, k;
	int64_t lo, hi, xo, s;   /* s = hi - lo + 1 values */
	double *ld;
	double *w;               /* scratch: weights under the current psi */
};

static void
nch_init(struct nchyper *h, double m, double n, double k, int64_t x)
{
	h->m = m;
	h->n = n;
	h->k = k;
	h->lo = (int64_t)(k - n > 0 ? k - n : 0);
	h->hi = (int64_t)(k < m ? k : m);
	h->xo = x;
	h->s = h->hi - h->lo + 1;
	h->ld = xmalloc(sizeof *h->ld * (size_t)h->s);
	h->w = xmalloc(sizeof *h->w * (size_t)h->s);
	/* ratios of successive terms: P(x + 1) / P(x) =
	 * (m - x)(k - x) / ((x + 1)(n - k + x + 1)); no large lgamma values
	 * to cancel, so the relative error stays near the rounding unit */
	h->ld[0] = 0;
	for (int64_t i = 1; i < h->s; i++) {
		double x0 = (double)(h->lo + i - 1);
		h->ld[i] = h->ld[i - 1] + log(m - x0) + log(k - x0) - log(x0 + 1) - log(n - k + x0 + 1);
	}
}

static void
nch_free(struct nchyper *h)
{
	free(h->ld);
	free(h->w);
}

/* Weights proportional to P(X = lo + i) under log odds ratio u, the
 * largest 1, into h->w; returns their sum. */
static double
nch_weights(struct nchyper *h, double u)
{
	double mx = -INFINITY;
	for (int64_t i = 0; i < h->s; i++) {
		double v = h->ld[i] + u * (double)i;
		h->w[i] = v;
		if (v > mx)
			mx = v;
	}
	double sum = 0;
	for (int64_t i = 0; i < h->s; i++) {
		h->w[i] = exp(h->w[i] - mx);
		sum += h->w[i];
	}
	return sum;
}

/* E[X] under log odds ratio u. */
static double
nch_mean(struct nchyper *h, double u)
{
	double sum = nch_weights(h, u), m = 0;
	for (int64_t i = 0; i < h->s; i++)
		m += (double)i * h->w[i];
	return (double)h->lo + m / sum;
}

/* P(X <= x) (upper false) or P(X >= x) (upper true) under log odds ratio
 * u, each summed over its own tail (not 1 minus the other: small tails
 * keep their precision). */
static double
nch_tail(struct nchyper *h, double u, int64_t x, bool upper)
{
	double sum = nch_weights(h, u), t = 0;
	int64_t at = x - h->lo;
	for (int64_t i = upper ? at : 0; i < (upper ? h->s : at + 1); i++)
		t += h->w[i];
	return t / sum;
}

enum fn { FN_MEAN, FN_LOWER, FN_UPPER };

static double
nch_eval(struct nchyper *h, enum fn f, double u)
{
	switch (f) {
	case FN_MEAN: return nch_mean(h, u);
	case FN_LOWER: return -nch_tail(h, u, h->xo, false);   /* decreasing in u: negated to increase */
	default: return nch_tail(h, u, h->xo, true);
	}
}

/* The log odds ratio u where the increasing function f reaches target,
 * by bracketing from 0 outwards and bisecting to the last bit. f goes
 * from its value at u -> -inf to that at u -> +inf; the callers make sure
 * the target lies strictly between. */
static double
nch_solve(struct nchyper *h, enum fn f, double target)
{
	double a = 0, b = 0;
	if (nch_eval(h, f, 0) < target) {
		b = 1;
		while (nch_eval(h, f, b) < target && b < 1024)
			a = b, b *= 2;
	} else {
		a = -1;
		while (nch_eval(h, f, a) >= target && a > -1024)
			b = a, a *= 2;
	}
	for (int it = 0; it < 200; it++) {
		double mid = 0.5 * (a + b);
		if (mid <= a || mid >= b)
			break;   /* a and b are adjacent doubles */
		if (nch_eval(h, f, mid) < target)
			a = mid;
		else
			b = mid;
	}
	return 0.5 * (a + b);
}

/* The conditional MLE of the odds ratio. */
static double
fisher_mle(struct nchyper *h)
{
	if (h->xo == h->lo)
		return 0;
	if (h->xo == h->hi)
		return INFINITY;
	return exp(nch_solve(h, FN_MEAN, (double)h->xo));
}

/* The upper end of the interval: P(X <= x; psi) = alpha. */
static double
fisher_upper(struct nchyper *h, double alpha)
{
	if (h->xo == h->hi)
		return INFINITY;
	return exp(nch_solve(h, FN_LOWER, -alpha));
}

/* The lower end: P(X >= x; psi) = alpha. */
static double
fisher_lower(struct nchyper *h, double alpha)
{
	if (h->xo == h->lo)
		return 0;
	return exp(nch_solve(h, FN_UPPER, alpha));
}

/* The p-value under psi = 1. */
static double
fisher_p(struct nchyper *h, enum stats_alt alt)
{
	double p;
	if (alt == STATS_LESS) {
		p = nch_tail(h, 0, h->xo, false);
	} else if (alt == STATS_GREATER) {
		p = nch_tail(h, 0, h->xo, true);
	} else {
		double sum = nch_weights(h, 0), lim = h->w[h->xo - h->lo] * (1 + 1e-7), t = 0;
		for (int64_t i = 0; i < h->s; i++)
			if (h->w[i] <= lim)
				t += h->w[i];
		p = t / sum;
	}
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

static const char *const alt_names[] = {"two-sided", "less", "greater"};

static int
fisher_run(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct fisher_opt *o = st->opt;
	const struct stats_column *a = &d->col[0], *b = &d->col[1];
	struct stats_ctab t;
	if (stats_ctab_build(d, 0, 1, "FISHER", &t, err) < 0)
		return -1;
	if (t.n == 0) {
		err_set(err, st->pos, "FISHER: no rows where both %s and %s are not NULL", a->name, b->name);
		err_hint(err, "check the source, WHERE and the variables' NULLs");
		stats_ctab_free(&t);
		return -1;
	}
	if (t.r != 2 || t.c != 2) {
		bool rows = t.r != 2;
		int lv = rows ? t.r : t.c;
		err_set(err, st->vars[rows ? 0 : 1].pos,
		    "FISHER: %s has %d level%s where %s is not NULL; Fisher's exact test here is for 2 x 2 tables",
		    rows ? a->name : b->name, lv, lv == 1 ? "" : "s", rows ? b->name : a->name);
		if (lv > 2)
			err_hint(err, "test a larger table with CHISQ %s BY %s, or group the levels into two", a->name,
			    b->name);
		else
			err_hint(err, "each variable needs two levels among the rows used (check WHERE and NULLs)");
		stats_ctab_free(&t);
		return -1;
	}
	struct nchyper h;
	/* x = the top-left count; m, n = the columns' totals; k = the first row's */
	nch_init(&h, t.csum[0], t.csum[1], t.rsum[0], (int64_t)t.obs[0]);
	double est = fisher_mle(&h), lo, hi;
	double alpha = o->alt == STATS_TWO_SIDED ? (1 - o->conf) / 2 : 1 - o->conf;
	lo = o->alt == STATS_LESS ? 0 : fisher_lower(&h, alpha);
	hi = o->alt == STATS_GREATER ? INFINITY : fisher_upper(&h, alpha);
	double p = fisher_p(&h, o->alt);
	nch_free(&h);

	static const char *const names[] = {"estimate", "p_value", "ci_low", "ci_high", "n", "alternative", "method"};
	static const wb_type types[] = {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_BIGINT,
		WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
	const char *method = "Fisher's Exact Test for Count Data";
	stats_result_init(r, 7, names, types);
	r->stars_col = 1;
	stats_title(r, "%s: %s by %s (odds ratio, %g%% confidence interval)", method, a->name, b->name,
	    100 * o->conf);
	stats_d(r, 0, est);
	stats_d(r, 1, p);
	stats_d(r, 2, lo);
	stats_d(r, 3, hi);
	stats_i(r, 4, (int64_t)t.n);
	stats_s(r, 5, alt_names[o->alt]);
	stats_s(r, 6, method);
	stats_row(r);
	struct strbuf head;
	sb_init(&head);
	sb_printf(&head, "Counts, %s (rows) by %s (columns); the odds ratio is that of (top-left x bottom-right) / "
	    "(top-right x bottom-left)", a->name, b->name);
	stats_ctab_note(r, &t, NULL, sb_str(&head));
	sb_free(&head);
	if (o->alt != STATS_TWO_SIDED)
		stats_note(r, "alternative: the true odds ratio is %s than 1", o->alt == STATS_LESS ? "less" : "greater");
	if (t.dropped > 0)
		stats_note(r, "%lld row%s with a NULL %s or %s left out", (long long)t.dropped, t.dropped == 1 ? "" : "s",
		    a->name, b->name);
	stats_ctab_free(&t);
	return 0;
}

static int
fisher_parse(struct parser *p, void **data)
{
	struct stats_stmt *st = stats_stmt_new(p, fisher_run, "FISHER");
	struct fisher_opt *o = arena_zalloc(p->arena, sizeof *o);
	st->opt = o;
	*data = st;
	o->alt = STATS_TWO_SIDED;
	o->conf = 0.95;
	if (stats_parse_var(p, st, STATS_FACTOR) < 0)
		return -1;
	if (!parser_expect_word(p, "BY"))
		return -1;
	if (stats_parse_var(p, st, STATS_FACTOR) < 0)
		return -1;
	for (;;) {
		if (parser_accept_word(p, "ALTERNATIVE")) {
			if (!stats_parse_alternative(p, false, &o->alt))
				return -1;
		} else if (parser_accept_word(p, "CONF")) {
			if (!stats_parse_number(p, "CONF", 0.5, 0.9999, &o->conf))
				return -1;
		} else {
			break;
		}
	}
	return stats_parse_from(p, st);
}

const struct stmt_ext stats_ext_fisher = {
	.word = "FISHER",
	.parse = fisher_parse,
	.query = true,
	.usage = "FISHER a BY b [ALTERNATIVE two-sided|less|greater] [CONF 0.95] FROM source [WHERE cond]",
	.summary = "Fisher's exact test of a 2 x 2 table: p-value, conditional odds ratio and its confidence interval",
};
