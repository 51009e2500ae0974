/*
 * stats_anova_post: ANOVA's one-factor alternatives to the table.
 *
 * ANOVA y BY g LEVENE [MEAN | MEDIAN]: Levene's test of equal variances,
 *   the one-way ANOVA of |y - centre of its group| - centre the median
 *   (Brown-Forsythe, car::leveneTest's default) or the mean (Levene's
 *   original). Table: term, df, f_value, p_value (the factor's row and a
 *   Residuals row), as car::leveneTest prints it.
 * ANOVA y BY g WELCH: Welch's ANOVA, as R's oneway.test(var.equal =
 *   FALSE): statistic (F), num_df, den_df, p_value.
 * ANOVA y BY g TUKEY [CONF 0.95]: Tukey's honest significant differences,
 *   as R's TukeyHSD(aov(y ~ g)): one row per pair of groups, term 'B-A'
 *   (the later level first), diff, ci_low, ci_high, p_adj.
 */
#include "stats/stats_anova.h"
#include "stats/stats_ptukey.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The groups of the response (variable 0) by the factor (variable 1),
 * with at least two groups; -1 and err set otherwise. */
static int
split(const struct stats_stmt *st, const struct stats_data *d, const char *what, struct stats_groups *gs,
    struct wb_error *err)
{
	stats_groups_split(d, 0, 1, gs);
	if (gs->k >= 2) {
		/* less the first value: means of values near 1e12 would keep 4
		 * decimals of their differences, of the shifted values all; the
		 * tests and comparisons use differences only */
		double shift = gs->x[0];
		for (int64_t i = 0; i < gs->total; i++)
			gs->x[i] -= shift;
		return 0;
	}
	if (gs->k == 1) {
		err_set(err, st->vars[1].pos, "ANOVA %s: %s has one level ('%s') in the rows used; the test compares two "
		    "or more groups", what, d->col[1].name, gs->label[0]);
		err_hint(err, "check the WHERE condition, or that %s has more than one value", d->col[1].name);
	} else {
		err_set(err, st->vars[1].pos, "ANOVA %s: no rows where %s and %s are both given", what, d->col[0].name,
		    d->col[1].name);
		err_hint(err, "check the WHERE condition, and that %s and %s are not all NULL", d->col[0].name,
		    d->col[1].name);
	}
	stats_groups_free(gs);
	return -1;
}

static void
dropped_note(struct stats_result *r, const struct stats_data *d, const struct stats_groups *gs)
{
	if (gs->dropped > 0)
		stats_note(r, "%lld of %lld rows left out: %s or %s is NULL or NaN", (long long)gs->dropped,
		    (long long)d->n, d->col[0].name, d->col[1].name);
}

/* ------------------------------------------------------------ Levene */

/* The median of x[0..n), n > 0 (x is reordered). */
static double
median(double *x, size_t n)
{
	static const double half = 0.5;
	double m;
	stats_quantiles(x, (int64_t)n, &half, 1, &m);
	return m;
}

int
anova_levene(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct anova_opt *o = st->opt;
	struct stats_groups gs;
	if (split(st, d, "LEVENE", &gs, err) < 0)
		return -1;
	int k = gs.k;
	int64_t rdf = gs.total - k;
	if (rdf < 1) {
		err_set(err, st->vars[1].pos, "ANOVA LEVENE: no residual degrees of freedom: %lld values in %d groups",
		    (long long)gs.total, k);
		err_hint(err, "the test needs more values than groups (some group with two or more)");
		stats_groups_free(&gs);
		return -1;
	}
	/* absolute deviations from each group's centre, in place */
	for (int g = 0; g < k; g++) {
		double *x = gs.x + gs.start[g];
		size_t n = (size_t)gs.n[g];
		double c, ss;
		if (o->center_mean) {
			stats_mean_ss(x, gs.n[g], &c, &ss);
		} else {
			c = median(x, n);
		}
		for (size_t i = 0; i < n; i++)
			x[i] = fabs(x[i] - c);
	}
	double grand, sst, ssb = 0, ssw = 0;
	stats_mean_ss(gs.x, gs.total, &grand, &sst);
	for (int g = 0; g < k; g++) {
		double m, ss;
		stats_mean_ss(gs.x + gs.start[g], gs.n[g], &m, &ss);
		ssb += (double)gs.n[g] * (m - grand) * (m - grand);
		ssw += ss;
	}
	static const char *const names[] = {"term", "df", "f_value", "p_value"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE};
	stats_result_init(r, 4, names, types);
	r->stars_col = 3;
	stats_title(r, "Levene's test for homogeneity of variance (center = %s)",
	    o->center_mean ? "mean" : "median: Brown-Forsythe");
	double msb = ssb / (double)(k - 1), msw = ssw / (double)rdf;
	double f = msw > 0 ? msb / msw : msb > 0 ? INFINITY : NAN;
	stats_s(r, 0, d->col[1].name);
	stats_i(r, 1, k - 1);
	stats_d(r, 2, f);
	stats_d(r, 3, anova_f_pvalue(f, (double)(k - 1), (double)rdf));
	stats_row(r);
	stats_s(r, 0, "Residuals");
	stats_i(r, 1, rdf);
	stats_null(r, 2);
	stats_null(r, 3);
	stats_row(r);
	dropped_note(r, d, &gs);
	if (msw == 0)
		stats_note(r, "The absolute deviations are constant within every group: F is Inf (NaN if equal across "
		    "groups too)");
	stats_groups_free(&gs);
	return 0;
}

/* ------------------------------------------------------------ Welch */

int
anova_welch(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	struct stats_groups gs;
	if (split(st, d, "WELCH", &gs, err) < 0)
		return -1;
	int k = gs.k;
	double *m = xmalloc(sizeof *m * (size_t)k), *w = xmalloc(sizeof *w * (size_t)k);
	int rc = 0;
	for (int g = 0; g < k && rc == 0; g++) {
		double ss;
		stats_mean_ss(gs.x + gs.start[g], gs.n[g], &m[g], &ss);
		if (gs.n[g] < 2) {
			err_set(err, st->vars[1].pos, "ANOVA WELCH: group '%s' of %s has 1 value; Welch's ANOVA needs a "
			    "variance in every group", gs.label[g], d->col[1].name);
			err_hint(err, "leave that group out with WHERE, or use the ANOVA table (equal variances)");
			rc = -1;
		} else if (ss == 0) {
			err_set(err, st->vars[1].pos, "ANOVA WELCH: the values of group '%s' of %s are all equal; Welch's "
			    "weights n/s^2 are infinite", gs.label[g], d->col[1].name);
			err_hint(err, "leave that group out with WHERE, or use the ANOVA table (equal variances)");
			rc = -1;
		} else {
			w[g] = (double)gs.n[g] / (ss / (double)(gs.n[g] - 1));
		}
	}
	if (rc == 0) {
		/* Welch (1951): F = [sum w (m - m_w)^2 / (k - 1)] / [1 + 2 (k - 2) t],
		 * t = sum (1 - w/u)^2 / (n - 1) / (k^2 - 1), u = sum w, den df 1 / (3 t) */
		double u = 0, mw = 0, a = 0, t = 0, dk = (double)k;
		for (int g = 0; g < k; g++)
			u += w[g];
		for (int g = 0; g < k; g++)
			mw += w[g] * m[g];
		mw /= u;
		for (int g = 0; g < k; g++) {
			a += w[g] * (m[g] - mw) * (m[g] - mw);
			double e = 1 - w[g] / u;
			t += e * e / (double)(gs.n[g] - 1);
		}
		a /= dk - 1;
		t /= dk * dk - 1;
		double f = a / (1 + 2 * (dk - 2) * t), df2 = 1 / (3 * t);
		static const char *const names[] = {"statistic", "num_df", "den_df", "p_value"};
		static const wb_type types[] = {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE};
		stats_result_init(r, 4, names, types);
		r->stars_col = 3;
		stats_title(r, "One-way analysis of means (not assuming equal variances): %s by %s", d->col[0].name,
		    d->col[1].name);
		stats_d(r, 0, f);
		stats_d(r, 1, dk - 1);
		stats_d(r, 2, df2);
		stats_d(r, 3, anova_f_pvalue(f, dk - 1, df2));
		stats_row(r);
		dropped_note(r, d, &gs);
	}
	free(m);
	free(w);
	stats_groups_free(&gs);
	return rc;
}

/* ------------------------------------------------------------ Tukey */

int
anova_tukey(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct anova_opt *o = st->opt;
	struct stats_groups gs;
	if (split(st, d, "TUKEY", &gs, err) < 0)
		return -1;
	int k = gs.k;
	int64_t rdf = gs.total - k;
	if (rdf < 1) {
		err_set(err, st->vars[1].pos, "ANOVA TUKEY: no residual degrees of freedom: %lld values in %d groups",
		    (long long)gs.total, k);
		err_hint(err, "the comparisons need more values than groups (some group with two or more)");
		stats_groups_free(&gs);
		return -1;
	}
	double *m = xmalloc(sizeof *m * (size_t)k), ssw = 0;
	for (int g = 0; g < k; g++) {
		double ss;
		stats_mean_ss(gs.x + gs.start[g], gs.n[g], &m[g], &ss);
		ssw += ss;
	}
	double mse = ssw / (double)rdf, q = stats_qtukey(o->conf, k, (double)rdf);
	static const char *const names[] = {"term", "diff", "ci_low", "ci_high", "p_adj"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE};
	stats_result_init(r, 5, names, types);
	r->stars_col = 4;
	stats_title(r, "Tukey multiple comparisons of means: %s by %s, %g%% family-wise confidence level",
	    d->col[0].name, d->col[1].name, 100 * o->conf);
	struct strbuf term;
	sb_init(&term);
	/* R's order: every later level against the first, then the second... */
	for (int i = 0; i < k; i++) {
		for (int j = i + 1; j < k; j++) {
			double diff = m[j] - m[i];
			double se = sqrt(mse / 2 * (1 / (double)gs.n[i] + 1 / (double)gs.n[j]));
			sb_clear(&term);
			sb_printf(&term, "%s-%s", gs.label[j], gs.label[i]);
			stats_s(r, 0, sb_str(&term));
			stats_d(r, 1, diff);
			stats_d(r, 2, diff - q * se);
			stats_d(r, 3, diff + q * se);
			/* |diff| / se is Inf or NaN when mse is 0 */
			double t = se > 0 ? fabs(diff) / se : diff != 0 ? INFINITY : NAN;
			stats_d(r, 4, stats_ptukey(t, k, (double)rdf, false));
			stats_row(r);
		}
	}
	sb_free(&term);
	stats_note(r, "Residual mean square %.6g on %lld degrees of freedom; studentized range quantile %.10g",
	    mse, (long long)rdf, q);
	dropped_note(r, d, &gs);
	if (mse == 0)
		stats_note(r, "Every group's values are equal: the intervals have width 0 and p_adj is 0 (NaN for equal "
		    "means)");
	free(m);
	stats_groups_free(&gs);
	return 0;
}
