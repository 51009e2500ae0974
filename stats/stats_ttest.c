/*
 * TTEST y BY g [WELCH | POOLED] [MU d] [ALTERNATIVE a] [CONF c] FROM source
 * TTEST x, y [WELCH | POOLED] ... FROM source       (two columns, unpaired)
 * TTEST x, y PAIRED [MU d] ... FROM source
 * TTEST y [MU m] ... FROM source                    (one sample)
 *
 * Student's t tests with R's t.test semantics (R 4.2): Welch's by
 * default, pooled variance on request; the first level of g in value
 * order is x, as R's formula interface makes it; paired tests use the
 * complete pairs. One row like R's htest - statistic, df, p_value,
 * estimate (the difference in means, or the mean), the confidence
 * interval - plus the group means and sizes and effect sizes:
 *
 *   cohens_d  (mean_x - mean_y - mu) / s_pooled, with s_pooled^2 =
 *             ((n_x - 1) s_x^2 + (n_y - 1) s_y^2) / (n_x + n_y - 2)
 *             (Welch's test too); one sample and paired:
 *             (mean - mu) / sd, of the differences when paired (d_z)
 *   hedges_g  cohens_d * J(df), J(df) = Gamma(df/2) / (sqrt(df/2)
 *             Gamma((df - 1)/2)) with df = n_x + n_y - 2, or n - 1
 *   power     the achieved power at the observed d and alpha = 1 - CONF
 *             (pwr's pwr.t2n.test / pwr.t.test): the statistic is
 *             noncentral t with df as above and ncp = d sqrt(n_x n_y /
 *             (n_x + n_y)) (two samples) or d sqrt(n); two-sided counts
 *             both tails
 */
#include "stats/stats.h"
#include "core/xmalloc.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>

enum ttest_kind { TT_TWO_BY, TT_TWO_COLS, TT_PAIRED, TT_ONE };

struct ttest_opt {
	enum ttest_kind kind;
	int by;               /* BY variable, or -1 */
	bool pooled, var_given;
	double mu, conf;
	enum stats_alt alt;
};

enum { C_STAT, C_DF, C_P, C_EST, C_CILO, C_CIHI, C_MX, C_MY, C_NX, C_NY, C_D, C_G, C_POWER, C_METHOD, C_ALT,
	NCOLS };

/* A sample's summary: size, mean, variance. */
struct sample {
	int64_t n;
	double mean, var;
};

static struct sample
sample_of(const double *x, int64_t n)
{
	struct sample s = {.n = n};
	double ss;
	stats_mean_ss(x, n, &s.mean, &ss);
	s.var = n > 1 ? ss / (double)(n - 1) : NAN;
	return s;
}

/* Hedges' small-sample correction J(df), from log-gammas (it is 0 at
 * df = 1, where Gamma(0) is infinite). */
static double
hedges_j(double df)
{
	if (!(df > 1))
		return df == 1 ? 0 : NAN;
	return exp(gsl_sf_lngamma(df / 2) - 0.5 * log(df / 2) - gsl_sf_lngamma((df - 1) / 2));
}

/* What every form shares once the samples are summarized: the test
 * proper. sx is x (or the differences); sy is y for two samples, NULL
 * otherwise. Fills the statistic's cells; -1 on an error (too few values,
 * constant data) with the message naming what_x / what_y. */
static int
ttest_compute(const struct stats_stmt *st, const struct ttest_opt *o, const struct sample *sx,
    const struct sample *sy, const char *what_x, const char *what_y, struct stats_result *r, struct wb_error *err)
{
	double se, df, est, d, dfd, ncp;
	if (sy == NULL) {
		if (sx->n < 2) {
			err_set(err, st->pos, "%s: %s %s %lld non-missing value%s; a t-test needs at least 2", st->what,
			    what_x, o->kind == TT_PAIRED ? "gives" : "has", (long long)sx->n, sx->n == 1 ? "" : "s");
			err_hint(err, o->kind == TT_PAIRED ? "a pair counts when both of its values are not NULL" :
			    "check the column and the WHERE condition");
			return -1;
		}
		df = (double)(sx->n - 1);
		se = sqrt(sx->var / (double)sx->n);
		if (!(se >= 10 * DBL_EPSILON * fabs(sx->mean)) || se == 0)
			goto constant;
		est = sx->mean;
		d = (sx->mean - o->mu) / sqrt(sx->var);
		dfd = df;
		ncp = d * sqrt((double)sx->n);
	} else {
		const struct sample *s[2] = {sx, sy};
		const char *w[2] = {what_x, what_y};
		for (int i = 0; i < 2; i++)
			if (s[i]->n < 1 || (!o->pooled && s[i]->n < 2)) {
				err_set(err, st->pos, "%s: %s has %lld value%s; %s needs at least %d in each sample",
				    st->what, w[i], (long long)s[i]->n, s[i]->n == 1 ? "" : "s",
				    o->pooled ? "a t-test" : "Welch's t-test", o->pooled ? 1 : 2);
				err_hint(err, o->pooled || s[i]->n == 0 ? "check the data and the WHERE condition" :
				    "POOLED (Student's t-test) takes a sample of 1 when the other has 2 or more");
				return -1;
			}
		double nx = (double)sx->n, ny = (double)sy->n;
		if (o->pooled && nx + ny < 3) {
			err_set(err, st->pos, "%s: %s and %s have 1 value each; a t-test needs 3 in all", st->what, what_x,
			    what_y);
			err_hint(err, "check the data and the WHERE condition");
			return -1;
		}
		/* the pooled variance (Cohen's d uses it for Welch's test too);
		 * a sample of 1 adds nothing to it */
		double ssp = (sx->n > 1 ? (nx - 1) * sx->var : 0) + (sy->n > 1 ? (ny - 1) * sy->var : 0);
		double vp = ssp / (nx + ny - 2);
		if (o->pooled) {
			df = nx + ny - 2;
			se = sqrt(vp * (1 / nx + 1 / ny));
		} else {
			double ex = sx->var / nx, ey = sy->var / ny;
			se = sqrt(ex + ey);
			df = (ex + ey) * (ex + ey) / (ex * ex / (nx - 1) + ey * ey / (ny - 1));
		}
		if (!(se >= 10 * DBL_EPSILON * fmax(fabs(sx->mean), fabs(sy->mean))) || se == 0)
			goto constant;
		est = sx->mean - sy->mean;
		d = (est - o->mu) / sqrt(vp);
		dfd = nx + ny - 2;
		ncp = d * sqrt(nx * ny / (nx + ny));
	}
	double t = (est - o->mu) / se, alpha = 1 - o->conf, p, lo, hi;
	switch (o->alt) {
	case STATS_LESS:
		p = gsl_cdf_tdist_P(t, df);
		lo = -INFINITY;
		hi = o->mu + (t + stats_t_upper_quantile(alpha, df)) * se;
		break;
	case STATS_GREATER:
		p = gsl_cdf_tdist_Q(t, df);
		lo = o->mu + (t - stats_t_upper_quantile(alpha, df)) * se;
		hi = INFINITY;
		break;
	default: {
		p = stats_t_pvalue(t, df);
		double q = stats_t_upper_quantile(alpha / 2, df);
		lo = o->mu + (t - q) * se;
		hi = o->mu + (t + q) * se;
		break;
	}
	}
	stats_d(r, C_STAT, t);
	stats_d(r, C_DF, df);
	stats_d(r, C_P, p);
	stats_d(r, C_EST, est);
	stats_d(r, C_CILO, lo);
	stats_d(r, C_CIHI, hi);
	stats_d(r, C_D, d);
	stats_d(r, C_G, d * hedges_j(dfd));
	stats_d(r, C_POWER, stats_t_power(ncp, dfd, alpha, o->alt, true));
	return 0;
constant:
	err_set(err, st->pos, "%s: the data are essentially constant (the standard error is 0)", st->what);
	err_hint(err, "a t-test needs values that vary within %s", sy ? "the samples" : "the sample");
	return -1;
}

static int
ttest_run(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct ttest_opt *o = st->opt;
	static const char *const names[NCOLS] = {"statistic", "df", "p_value", "estimate", "ci_low", "ci_high",
		"mean_x", "mean_y", "n_x", "n_y", "cohens_d", "hedges_g", "power", "method", "alternative"};
	wb_type types[NCOLS];
	for (int c = 0; c < NCOLS; c++)
		types[c] = c == C_NX || c == C_NY ? WB_TYPE_BIGINT : c >= C_METHOD ? WB_TYPE_VARCHAR : WB_TYPE_DOUBLE;
	stats_result_init(r, NCOLS, names, types);
	r->stars_col = C_P;
	const char *method;
	int rc;
	if (o->kind == TT_TWO_BY || o->kind == TT_TWO_COLS) {
		struct sample sx, sy;
		char *wx, *wy;
		int64_t dropped;
		if (o->kind == TT_TWO_BY) {
			struct stats_groups gs;
			if (stats_two_groups(st, d, 0, o->by, "a two-sample t-test", &gs, err) < 0)
				return -1;
			sx = sample_of(gs.x + gs.start[0], gs.n[0]);
			sy = sample_of(gs.x + gs.start[1], gs.n[1]);
			const char *q = d->col[o->by].type == WB_TYPE_VARCHAR ? "'" : "";
			wx = xasprintf("%s in %s %s%s%s", d->col[0].name, d->col[o->by].name, q, gs.label[0], q);
			wy = xasprintf("%s in %s %s%s%s", d->col[0].name, d->col[o->by].name, q, gs.label[1], q);
			dropped = gs.dropped;
			stats_groups_free(&gs);
		} else {
			int64_t nx, ny;
			double *x = stats_non_missing(&d->col[0], d->n, &nx), *y = stats_non_missing(&d->col[1], d->n, &ny);
			sx = sample_of(x, nx);
			sy = sample_of(y, ny);
			free(x);
			free(y);
			wx = xstrdup(d->col[0].name);
			wy = xstrdup(d->col[1].name);
			dropped = 2 * d->n - nx - ny;
		}
		method = o->pooled ? " Two Sample t-test" : "Welch Two Sample t-test";
		rc = ttest_compute(st, o, &sx, &sy, wx, wy, r, err);
		if (rc == 0) {
			stats_d(r, C_MX, sx.mean);
			stats_d(r, C_MY, sy.mean);
			stats_i(r, C_NX, sx.n);
			stats_i(r, C_NY, sy.n);
			stats_note(r, "x: %s (n = %lld), y: %s (n = %lld); estimate = mean_x - mean_y", wx,
			    (long long)sx.n, wy, (long long)sy.n);
			if (dropped > 0)
				stats_note(r, "%lld missing value%s left out", (long long)dropped, dropped == 1 ? "" : "s");
		}
		free(wx);
		free(wy);
	} else if (o->kind == TT_PAIRED) {
		/* complete pairs only, as R's complete.cases */
		const double *a = d->col[0].x, *b = d->col[1].x;
		double *diff = xmalloc(sizeof *diff * (size_t)(d->n ? d->n : 1));
		double *xa = xmalloc(sizeof *xa * (size_t)(d->n ? d->n : 1));
		double *xb = xmalloc(sizeof *xb * (size_t)(d->n ? d->n : 1));
		int64_t n = 0;
		for (int64_t i = 0; i < d->n; i++)
			if (!isnan(a[i]) && !isnan(b[i])) {
				xa[n] = a[i];
				xb[n] = b[i];
				diff[n++] = a[i] - b[i];
			}
		struct sample sd = sample_of(diff, n), sa = sample_of(xa, n), sb = sample_of(xb, n);
		free(diff);
		free(xa);
		free(xb);
		char *w = xasprintf("%s - %s", d->col[0].name, d->col[1].name);
		method = "Paired t-test";
		rc = ttest_compute(st, o, &sd, NULL, w, NULL, r, err);
		free(w);
		if (rc == 0) {
			stats_d(r, C_MX, sa.mean);
			stats_d(r, C_MY, sb.mean);
			stats_i(r, C_NX, n);
			stats_i(r, C_NY, n);
			stats_note(r, "%lld pairs; estimate = mean of %s - %s", (long long)n, d->col[0].name, d->col[1].name);
			if (d->n > n)
				stats_note(r, "%lld incomplete pair%s left out", (long long)(d->n - n), d->n - n == 1 ? "" : "s");
		}
	} else {
		int64_t n;
		double *x = stats_non_missing(&d->col[0], d->n, &n);
		struct sample sx = sample_of(x, n);
		free(x);
		method = "One Sample t-test";
		rc = ttest_compute(st, o, &sx, NULL, d->col[0].name, NULL, r, err);
		if (rc == 0) {
			stats_d(r, C_MX, sx.mean);
			stats_null(r, C_MY);
			stats_i(r, C_NX, n);
			stats_null(r, C_NY);
			if (d->n > n)
				stats_note(r, "%lld missing value%s left out", (long long)(d->n - n), d->n - n == 1 ? "" : "s");
		}
	}
	if (rc < 0)
		return -1;
	stats_s(r, C_METHOD, method);
	stats_s(r, C_ALT, stats_alt_name(o->alt));
	stats_row(r);
	stats_title(r, "%s", method);
	stats_note(r, "alternative: true %s is %s %g; power at the observed effect, alpha = %g",
	    o->kind == TT_ONE ? "mean" : o->kind == TT_PAIRED ? "mean difference" : "difference in means",
	    o->alt == STATS_LESS ? "less than" : o->alt == STATS_GREATER ? "greater than" : "not equal to", o->mu,
	    1 - o->conf);
	return 0;
}

static int
ttest_parse(struct parser *p, void **data)
{
	struct stats_stmt *st = stats_stmt_new(p, ttest_run, "TTEST");
	struct ttest_opt *o = arena_zalloc(p->arena, sizeof *o);
	st->opt = o;
	*data = st;
	o->conf = 0.95;
	o->by = -1;
	o->alt = STATS_TWO_SIDED;
	int nv = stats_parse_vars(p, st, STATS_NUMERIC);
	if (nv < 0)
		return -1;
	if (nv > 2)
		return parser_error(p, "TTEST takes one variable (with BY g, or one sample) or two (x, y [PAIRED])");
	bool paired = false;
	for (;;) {
		int pos = parser_peek(p, 0)->pos;
		if (parser_accept_word(p, "BY")) {
			if (o->by >= 0 || nv == 2) {
				err_set(p->err, pos, "TTEST: BY takes one variable: TTEST y BY g");
				return -1;
			}
			if ((o->by = stats_parse_var(p, st, STATS_FACTOR)) < 0)
				return -1;
		} else if (parser_accept_word(p, "WELCH")) {
			o->pooled = false;
			o->var_given = true;
		} else if (parser_accept_word(p, "POOLED")) {
			o->pooled = true;
			o->var_given = true;
		} else if (parser_accept_word(p, "PAIRED")) {
			paired = true;
		} else if (parser_accept_word(p, "MU")) {
			if (!stats_parse_number(p, "MU", -DBL_MAX, DBL_MAX, &o->mu))
				return -1;
		} else if (parser_accept_word(p, "ALTERNATIVE")) {
			if (!stats_parse_alternative(p, false, &o->alt))
				return -1;
		} else if (parser_accept_word(p, "CONF")) {
			if (!stats_parse_number(p, "CONF", 0.5, 0.9999, &o->conf))
				return -1;
		} else {
			break;
		}
	}
	if (paired && nv != 2) {
		err_set(p->err, st->pos, "TTEST: PAIRED needs two variables: TTEST before, after PAIRED");
		return -1;
	}
	o->kind = paired ? TT_PAIRED : o->by >= 0 ? TT_TWO_BY : nv == 2 ? TT_TWO_COLS : TT_ONE;
	if (o->var_given && (o->kind == TT_PAIRED || o->kind == TT_ONE)) {
		err_set(p->err, st->pos, "TTEST: WELCH and POOLED are for two samples (BY g, or x, y)");
		return -1;
	}
	return stats_parse_from(p, st);
}

const struct stmt_ext stats_ext_ttest = {
	.word = "TTEST",
	.parse = ttest_parse,
	.query = true,
	.usage = "TTEST y BY g [WELCH | POOLED] [MU d] [ALTERNATIVE two-sided|less|greater] [CONF 0.95] FROM source;"
		 " TTEST y MU m ... FROM source; TTEST a, b PAIRED ... FROM source",
	.summary = "Student's and Welch's t tests (two-sample, one-sample, paired), with Cohen's d, Hedges' g and power",
};
