/*
 * ABTEST metric BY variant [CONTROL 'A'] [TYPE proportion|mean] [ALPHA 0.05]
 *        [SPLIT (0.5, 0.5)] [COVARIATE pre_metric] FROM source
 *
 * Each variant against the control: one row per non-control variant with
 * both groups' sizes and values (rate or mean), the absolute lift with
 * its confidence interval, the relative lift (difference / control value)
 * with a delta-method interval, the test statistic and p-value, Holm's
 * adjusted p-value when there are several variants, whether it is
 * significant at ALPHA, the sample-ratio-mismatch check of the variants'
 * sizes against the planned SPLIT, and a one-line verdict.
 *
 * The tests: TYPE proportion, the two-proportion
 * z-test (pooled SE for the test, unpooled SE for the interval, as R's
 * prop.test(correct = FALSE)); TYPE mean, Welch's t-test (t.test). TYPE is
 * proportion by default when the metric is BOOLEAN or only 0 and 1, mean
 * otherwise. COVARIATE adjusts the metric by CUPED before the comparison,
 * which then is Welch's test on the adjusted values whatever TYPE.
 */
#include "stats/stats.h"
#include "stats/stats_ctab.h"
#include "core/xmalloc.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum ab_type { AB_AUTO, AB_PROPORTION, AB_MEAN };

struct abtest_opt {
	char *control;      /* CONTROL, or NULL: the first level */
	int control_pos;
	enum ab_type type;
	int type_pos;
	double alpha;
	double *split;      /* SPLIT weights, or NULL: equal */
	int nsplit, split_pos;
	int cov;            /* COVARIATE's variable index, or -1 */
};

/* One variant's summary of the compared values. */
struct ab_group {
	const char *label;
	int64_t assigned;   /* rows with this variant, whatever the metric (SRM) */
	int64_t n;          /* rows with a value */
	double mean, ss;    /* their mean (proportion: the rate) and sum of squared deviations */
	double sum;
};

/* A variant against the control. */
struct ab_cmp {
	double diff, lo, hi;          /* absolute lift and its interval */
	double rel, rel_lo, rel_hi;   /* relative lift and its interval */
	double stat, df, p, p_adj;    /* df NaN for the z-test */
	bool significant;
};

/* SRM is flagged below this p-value: with millions of units a real
 * imbalance shows far below it, and a looser bound would cry wolf. */
#define SRM_ALPHA 0.001

enum {
	C_VARIANT, C_CONTROL, C_N, C_VALUE, C_CN, C_CVALUE, C_ABS, C_ABS_LO, C_ABS_HI, C_REL, C_REL_LO, C_REL_HI,
	C_STAT, C_DF, C_P, C_PADJ, C_SIG, C_SRM_P, C_SRM, NBASE
};

/* ------------------------------------------------------------ checks */

/* The control's level: CONTROL's, or the first. -1 with err set. */
static int
find_control(const struct stats_stmt *st, const struct stats_column *g, struct wb_error *err)
{
	const struct abtest_opt *o = st->opt;
	if (o->control == NULL)
		return 0;
	int l = stats_level_find(g, o->control);
	if (l >= 0)
		return l;
	struct strbuf b;
	sb_init(&b);
	for (int i = 0; i < g->nlevels && i < 10; i++)
		sb_printf(&b, "%s'%s'", i ? ", " : "", g->labels[i]);
	if (g->nlevels > 10)
		sb_printf(&b, ", ... (%d in all)", g->nlevels);
	err_set(err, o->control_pos, "ABTEST: CONTROL '%s' is not a level of %s", o->control, g->name);
	err_hint(err, "the levels are %s", sb_str(&b));
	sb_free(&b);
	return -1;
}

/* Whether every non-missing value of y is 0 or 1; the first other value
 * goes to *bad. */
static bool
only_01(const struct stats_column *y, const struct stats_column *g, int64_t n, double *bad)
{
	if (y->type == WB_TYPE_BOOL)
		return true;
	for (int64_t i = 0; i < n; i++) {
		double v = y->x[i];
		if (g->level[i] >= 0 && !isnan(v) && v != 0 && v != 1) {
			*bad = v;
			return false;
		}
	}
	return true;
}

/* ------------------------------------------------------------ CUPED */

/* CUPED (Deng et al. 2013): over all units with a variant, metric and
 * covariate, theta = cov(y, x) / var(x) and y - theta (x - mean(x)) into
 * out (NaN where a value is missing); the variance reduction
 * 1 - var(adjusted) / var(y) into *vr. A constant covariate is an error:
 * it cannot explain anything, and theta would be 0 / 0. */
static int
cuped(const struct stats_stmt *st, const struct stats_data *d, double *out, double *theta, double *vr,
    struct wb_error *err)
{
	const struct abtest_opt *o = st->opt;
	const struct stats_column *y = &d->col[0], *g = &d->col[1], *x = &d->col[o->cov];
	double *ys = xmalloc(sizeof *ys * (size_t)(d->n ? d->n : 1));
	double *xs = xmalloc(sizeof *xs * (size_t)(d->n ? d->n : 1));
	int64_t m = 0;
	for (int64_t i = 0; i < d->n; i++)
		if (g->level[i] >= 0 && !isnan(y->x[i]) && !isnan(x->x[i])) {
			ys[m] = y->x[i];
			xs[m++] = x->x[i];
		}
	double my, ssy, mx, ssx, sxy = 0;
	stats_mean_ss(ys, m, &my, &ssy);
	stats_mean_ss(xs, m, &mx, &ssx);
	for (int64_t i = 0; i < m; i++)
		sxy += (ys[i] - my) * (xs[i] - mx);
	int rc = 0;
	if (m < 2 || !(ssx > 0)) {
		err_set(err, st->vars[o->cov].pos, "ABTEST: the covariate %s is %s; CUPED needs one that varies", x->name,
		    m < 2 ? "missing in almost every row" : "constant");
		err_hint(err, "use a pre-period metric that differs between units, or leave COVARIATE out");
		rc = -1;
	} else {
		*theta = sxy / ssx;
		for (int64_t i = 0; i < m; i++)
			ys[i] -= *theta * (xs[i] - mx);
		double mc, ssc;
		stats_mean_ss(ys, m, &mc, &ssc);
		*vr = ssy > 0 ? 1 - ssc / ssy : NAN;
		for (int64_t i = 0; i < d->n; i++)
			out[i] = isnan(x->x[i]) ? NAN : y->x[i] - *theta * (x->x[i] - mx);
	}
	free(ys);
	free(xs);
	return rc;
}

/* ------------------------------------------------------------ groups */

/* Each variant's summary of the compared values v (NaN: missing); the
 * assigned counts include rows whose metric is missing (SRM is about the
 * assignment). Fails when a variant has no values. */
static int
summarize(const struct stats_stmt *st, const struct stats_data *d, double *v, struct ab_group *grp,
    struct wb_error *err)
{
	const struct stats_column *g = &d->col[1];
	struct stats_column cols[2] = {{.name = d->col[0].name, .role = STATS_NUMERIC, .x = v}, d->col[1]};
	struct stats_data sd = {.n = d->n, .ncol = 2, .col = cols};
	struct stats_groups gs;
	stats_groups_split(&sd, 0, 1, &gs);
	for (int l = 0; l < g->nlevels; l++)
		grp[l] = (struct ab_group){.label = g->labels[l]};
	for (int64_t i = 0; i < d->n; i++)
		if (g->level[i] >= 0)
			grp[g->level[i]].assigned++;
	/* the groups come in level order, without the levels left empty */
	int k = 0;
	for (int l = 0; l < g->nlevels; l++) {
		if (k >= gs.k || gs.label[k] != g->labels[l]) {
			err_set(err, st->vars[0].pos, "ABTEST: variant '%s' has no value of %s", g->labels[l], d->col[0].name);
			err_hint(err, "check the metric's NULLs in that variant, or leave it out (WHERE %s <> '%s')", g->name,
			    g->labels[l]);
			stats_groups_free(&gs);
			return -1;
		}
		struct ab_group *a = &grp[l];
		const double *x = gs.x + gs.start[k];
		a->n = gs.n[k];
		stats_mean_ss(x, a->n, &a->mean, &a->ss);
		for (int64_t i = 0; i < a->n; i++)
			a->sum += x[i];
		k++;
	}
	stats_groups_free(&gs);
	return 0;
}

/* ------------------------------------------------------------ tests */

/* The relative lift diff / c0 of a variant whose value is m1 against a
 * control's c0, with the delta method's interval: the variance of
 * m1 / c0 is approximately var1 / c0^2 + m1^2 var0 / c0^4 (var1, var0:
 * the variances of the two estimates); z the normal quantile. NaN when
 * the control's value is 0 (the ratio is undefined). */
static void
relative_lift(struct ab_cmp *o, double m1, double c0, double var1, double var0, double z)
{
	if (c0 == 0) {
		o->rel = o->rel_lo = o->rel_hi = NAN;
		return;
	}
	double c2 = c0 * c0, se = sqrt(var1 / c2 + m1 * m1 * var0 / (c2 * c2));
	o->rel = o->diff / c0;
	o->rel_lo = o->rel - z * se;
	o->rel_hi = o->rel + z * se;
}

/* The two-proportion z-test of v against c: z = diff / SE with the
 * pooled rate's SE, sqrt(p (1 - p) (1/n1 + 1/n0)) - the standard error
 * under the null hypothesis of equal rates, so z^2 is prop.test(correct =
 * FALSE)'s X-squared - and the interval diff +- z SE with the unpooled SE,
 * sqrt(p1 (1 - p1)/n1 + p0 (1 - p0)/n0), clipped to [-1, 1] as prop.test
 * does. When both rates are 0, or both 1, the pooled SE is 0: the
 * statistic and p-value are NaN (as in R). */
static void
ab_proportions(const struct ab_group *v, const struct ab_group *c, double alpha, struct ab_cmp *o)
{
	double n1 = (double)v->n, n0 = (double)c->n, p1 = v->sum / n1, p0 = c->sum / n0;
	double var1 = p1 * (1 - p1) / n1, var0 = p0 * (1 - p0) / n0;
	double z = gsl_cdf_ugaussian_Pinv(1 - alpha / 2), se = sqrt(var1 + var0);
	o->diff = p1 - p0;
	o->lo = fmax(o->diff - z * se, -1);
	o->hi = fmin(o->diff + z * se, 1);
	double pp = (v->sum + c->sum) / (n1 + n0), sp = sqrt(pp * (1 - pp) * (1 / n1 + 1 / n0));
	o->stat = sp > 0 ? o->diff / sp : NAN;
	o->p = sp > 0 ? 2 * gsl_cdf_ugaussian_Q(fabs(o->stat)) : NAN;
	o->df = NAN;
	relative_lift(o, p1, p0, var1, var0, z);
}

/* Welch's two-sample t-test of v against c (as R's t.test(v, c)): t =
 * diff / sqrt(s1^2/n1 + s0^2/n0) with Welch-Satterthwaite df, the interval
 * diff +- t(1 - alpha/2, df) SE. An error when a variant has fewer than 2
 * values or both are constant (R stops too: the test is undefined). */
static int
ab_welch(const struct ab_group *v, const struct ab_group *c, double alpha, struct ab_cmp *o, const char *metric,
    struct wb_error *err)
{
	if (v->n < 2 || c->n < 2) {
		const struct ab_group *one = v->n < 2 ? v : c;
		err_set(err, -1, "ABTEST: variant '%s' has %lld value%s of %s; Welch's t-test needs at least 2 per variant",
		    one->label, (long long)one->n, one->n == 1 ? "" : "s", metric);
		err_hint(err, "collect more data, or leave that variant out with WHERE");
		return -1;
	}
	double n1 = (double)v->n, n0 = (double)c->n;
	double var1 = v->ss / (n1 - 1) / n1, var0 = c->ss / (n0 - 1) / n0, se = sqrt(var1 + var0);
	if (!(se > 0)) {
		err_set(err, -1, "ABTEST: %s is constant in variants '%s' and '%s'; the t-test is undefined", metric,
		    v->label, c->label);
		err_hint(err, "there is no variation to test; check the metric");
		return -1;
	}
	o->diff = v->mean - c->mean;
	o->stat = o->diff / se;
	o->df = (var1 + var0) * (var1 + var0) / (var1 * var1 / (n1 - 1) + var0 * var0 / (n0 - 1));
	o->p = 2 * gsl_cdf_tdist_Q(fabs(o->stat), o->df);
	double q = gsl_cdf_tdist_Pinv(1 - alpha / 2, o->df);
	o->lo = o->diff - q * se;
	o->hi = o->diff + q * se;
	relative_lift(o, v->mean, c->mean, var1, var0, gsl_cdf_ugaussian_Pinv(1 - alpha / 2));
	return 0;
}

/* ------------------------------------------------------------ output */

/* Decimals that show an interval of this width with two significant
 * digits, within [lo, hi]. */
static int
decimals(double width, int lo, int hi)
{
	int dec = width > 0 && isfinite(width) ? 1 - (int)floor(log10(width)) : lo;
	return dec < lo ? lo : dec > hi ? hi : dec;
}

/* "+12.3% (95% CI +4.1% to +20.5%)": the relative lift, or the absolute
 * one where the relative is undefined (control value 0). */
static void
lift_text(struct strbuf *b, const struct ab_cmp *c, double conf)
{
	bool rel = isfinite(c->rel);
	double s = rel ? 100 : 1, v = c->rel, lo = c->rel_lo, hi = c->rel_hi;
	if (!rel) {
		v = c->diff;
		lo = c->lo;
		hi = c->hi;
	}
	const char *u = rel ? "%" : "";
	int dec = decimals((hi - lo) * s, rel ? 1 : 0, 6);
	sb_printf(b, "%+.*f%s", dec, v * s, u);
	if (isfinite(lo) && isfinite(hi))
		sb_printf(b, " (%g%% CI %+.*f%s to %+.*f%s)", 100 * conf, dec, lo * s, u, dec, hi * s, u);
}

static char *
verdict(const struct ab_group *v, const struct ab_group *c, const struct ab_cmp *cmp, bool srm, double conf)
{
	struct strbuf b;
	sb_init(&b);
	if (srm)
		sb_puts(&b, "SRM: check the assignment");
	else if (isnan(cmp->p))
		sb_printf(&b, "no test: %s and %s have the same constant value", v->label, c->label);
	else if (cmp->significant) {
		sb_printf(&b, "%s %s %s: ", v->label, cmp->diff > 0 ? "beats" : "loses to", c->label);
		lift_text(&b, cmp, conf);
	} else {
		sb_printf(&b, "no significant difference: %s vs %s ", v->label, c->label);
		lift_text(&b, cmp, conf);
	}
	return sb_detach(&b);
}

/* The SRM check: a chi-square test of the assigned counts against the
 * planned split; the p-value. */
static double
srm_test(const struct abtest_opt *o, const struct ab_group *grp, int k)
{
	double *obs = xmalloc(sizeof *obs * (size_t)k), *p = xmalloc(sizeof *p * (size_t)k);
	double tot = 0;
	for (int l = 0; l < k; l++) {
		obs[l] = (double)grp[l].assigned;
		tot += o->split ? o->split[l] : 1;
	}
	for (int l = 0; l < k; l++)
		p[l] = (o->split ? o->split[l] : 1) / tot;
	double x2 = stats_chisq_gof(obs, p, k, NULL);
	free(obs);
	free(p);
	return gsl_cdf_chisq_Q(x2, (double)(k - 1));
}

static void
result_init(struct stats_result *r, const char *gname, bool cov)
{
	static const char *const base[NBASE] = {"variant", "control", "n", "value", "control_n", "control_value",
		"lift_abs", "lift_abs_ci_low", "lift_abs_ci_high", "lift_rel", "lift_rel_ci_low", "lift_rel_ci_high",
		"statistic", "df", "p_value", "p_adj", "significant", "srm_p_value", "srm"};
	const char *names[NBASE + 3];
	wb_type types[NBASE + 3];
	int nc = 0;
	(void)gname;
	for (int c = 0; c < NBASE; c++, nc++) {
		names[nc] = base[c];
		types[nc] = c == C_VARIANT || c == C_CONTROL ? WB_TYPE_VARCHAR
		    : c == C_N || c == C_CN                ? WB_TYPE_BIGINT
		    : c == C_SIG || c == C_SRM             ? WB_TYPE_BOOL
		                                           : WB_TYPE_DOUBLE;
	}
	if (cov) {
		names[nc] = "theta";
		types[nc++] = WB_TYPE_DOUBLE;
		names[nc] = "variance_reduction";
		types[nc++] = WB_TYPE_DOUBLE;
	}
	names[nc] = "verdict";
	types[nc++] = WB_TYPE_VARCHAR;
	stats_result_init(r, nc, names, types);
	r->stars_col = C_PADJ;
}

/* ------------------------------------------------------------ run */

static int
abtest_run(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct abtest_opt *o = st->opt;
	const struct stats_column *y = &d->col[0], *g = &d->col[1];
	int k = g->nlevels;
	if (k < 2) {
		if (k == 1)
			err_set(err, st->vars[1].pos, "ABTEST: %s has a single variant ('%s'); an A/B test needs at least 2",
			    g->name, g->labels[0]);
		else
			err_set(err, st->vars[1].pos, "ABTEST: no rows with a %s; an A/B test needs at least 2 variants",
			    g->name);
		err_hint(err, "check the source and WHERE: every variant's rows must be there");
		return -1;
	}
	int ctl = find_control(st, g, err);
	if (ctl < 0)
		return -1;
	if (o->split != NULL && o->nsplit != k) {
		err_set(err, o->split_pos, "ABTEST: SPLIT gives %d share%s but %s has %d variants", o->nsplit,
		    o->nsplit == 1 ? "" : "s", g->name, k);
		err_hint(err, "give one share per variant, in value order");
		return -1;
	}
	double bad = 0;
	bool binary = only_01(y, g, d->n, &bad);
	bool prop = o->type == AB_PROPORTION || (o->type == AB_AUTO && binary);
	if (o->type == AB_PROPORTION && !binary) {
		err_set(err, o->type_pos, "ABTEST: TYPE proportion needs a metric of 0s and 1s; %s has %g", y->name, bad);
		err_hint(err, "use TYPE mean, or a 0/1 metric such as (%s > 0)", y->name);
		return -1;
	}
	bool cov = o->cov >= 0;
	double theta = NAN, vr = NAN;
	double *v = y->x, *adj = NULL;
	if (cov) {
		adj = xmalloc(sizeof *adj * (size_t)(d->n ? d->n : 1));
		if (cuped(st, d, adj, &theta, &vr, err) < 0) {
			free(adj);
			return -1;
		}
		v = adj;
	}
	struct ab_group *grp = xcalloc((size_t)k, sizeof *grp);
	struct ab_group *raw = cov ? xcalloc((size_t)k, sizeof *raw) : NULL;
	int rc = summarize(st, d, v, grp, err);
	if (rc == 0 && cov) {
		/* the unadjusted means over the same rows, for the notes */
		double *yr = xmalloc(sizeof *yr * (size_t)(d->n ? d->n : 1));
		for (int64_t i = 0; i < d->n; i++)
			yr[i] = isnan(adj[i]) ? NAN : y->x[i];
		rc = summarize(st, d, yr, raw, err);
		free(yr);
	}
	if (rc == 0 && prop && !cov)
		for (int l = 0; l < k; l++)
			grp[l].mean = grp[l].sum / (double)grp[l].n;   /* the rate exactly as the test uses it */
	struct ab_cmp *cmp = xcalloc((size_t)k, sizeof *cmp);
	for (int l = 0; rc == 0 && l < k; l++) {
		if (l == ctl)
			continue;
		if (prop && !cov)
			ab_proportions(&grp[l], &grp[ctl], o->alpha, &cmp[l]);
		else
			rc = ab_welch(&grp[l], &grp[ctl], o->alpha, &cmp[l], y->name, err);
	}
	if (rc < 0) {
		err_at(err, st->vars[0].pos);
		free(cmp);
		free(grp);
		free(raw);
		free(adj);
		return -1;
	}
	/* Holm over the comparisons that have a p-value, when there are several */
	double *pv = xmalloc(sizeof *pv * (size_t)k);
	int *at = xmalloc(sizeof *at * (size_t)k);
	int m = 0;
	for (int l = 0; l < k; l++) {
		cmp[l].p_adj = cmp[l].p;
		if (l != ctl && !isnan(cmp[l].p)) {
			at[m] = l;
			pv[m++] = cmp[l].p;
		}
	}
	if (k > 2) {
		stats_holm(pv, m, pv);
		for (int i = 0; i < m; i++)
			cmp[at[i]].p_adj = pv[i];
	}
	double srm_p = srm_test(o, grp, k);
	bool srm = srm_p < SRM_ALPHA;
	double conf = 1 - o->alpha;

	result_init(r, g->name, cov);
	const char *test = prop && !cov ? "two-proportion z-test" : "Welch two-sample t-test";
	if (cov)
		stats_title(r, "A/B test of %s by %s: %s on CUPED-adjusted %s (covariate %s), control '%s'", y->name,
		    g->name, test, y->name, d->col[o->cov].name, g->labels[ctl]);
	else
		stats_title(r, "A/B test of %s by %s: %s, control '%s'", y->name, g->name, test, g->labels[ctl]);
	struct strbuf notes;
	sb_init(&notes);
	for (int l = 0; l < k; l++) {
		if (l == ctl)
			continue;
		const struct ab_cmp *c = &cmp[l];
		cmp[l].significant = c->p_adj < o->alpha;
		stats_s(r, C_VARIANT, g->labels[l]);
		stats_s(r, C_CONTROL, g->labels[ctl]);
		stats_i(r, C_N, grp[l].n);
		stats_d(r, C_VALUE, grp[l].mean);
		stats_i(r, C_CN, grp[ctl].n);
		stats_d(r, C_CVALUE, grp[ctl].mean);
		stats_d(r, C_ABS, c->diff);
		stats_d(r, C_ABS_LO, c->lo);
		stats_d(r, C_ABS_HI, c->hi);
		stats_d(r, C_REL, c->rel);
		stats_d(r, C_REL_LO, c->rel_lo);
		stats_d(r, C_REL_HI, c->rel_hi);
		stats_d(r, C_STAT, c->stat);
		if (isnan(c->df))
			stats_null(r, C_DF);
		else
			stats_d(r, C_DF, c->df);
		stats_d(r, C_P, c->p);
		stats_d(r, C_PADJ, c->p_adj);
		stats_b(r, C_SIG, c->significant);
		stats_d(r, C_SRM_P, srm_p);
		stats_b(r, C_SRM, srm);
		int col = NBASE;
		if (cov) {
			stats_d(r, col++, theta);
			stats_d(r, col++, vr);
		}
		char *vt = verdict(&grp[l], &grp[ctl], c, srm, conf);
		stats_s(r, col, vt);
		stats_row(r);
		sb_printf(&notes, "%s\n", vt);
		free(vt);
	}
	/* notes: what was left out, the method's choices, warnings, verdicts */
	int64_t nullv = 0, nully = 0, nullx = 0;
	for (int64_t i = 0; i < d->n; i++) {
		if (g->level[i] < 0)
			nullv++;
		else if (isnan(y->x[i]))
			nully++;
		else if (cov && isnan(d->col[o->cov].x[i]))
			nullx++;
	}
	if (nullv > 0)
		stats_note(r, "%lld row%s with a NULL %s left out", (long long)nullv, nullv == 1 ? "" : "s", g->name);
	if (nully > 0)
		stats_note(r, "%lld row%s with a NULL %s left out (still counted for the SRM check)", (long long)nully,
		    nully == 1 ? "" : "s", y->name);
	if (nullx > 0)
		stats_note(r, "%lld row%s with a NULL %s left out (still counted for the SRM check)", (long long)nullx,
		    nullx == 1 ? "" : "s", d->col[o->cov].name);
	if (cov) {
		stats_note(r, "CUPED: theta = %.6g, variance of %s reduced by %.1f%%; value and control_value are the "
		    "adjusted means", theta, y->name, 100 * vr);
		for (int l = 0; l < k; l++)
			stats_note(r, "  %s: n = %lld, unadjusted mean %.6g, adjusted %.6g", g->labels[l],
			    (long long)raw[l].n, raw[l].mean, grp[l].mean);
	}
	if (prop && !cov)
		stats_note(r, "z-test with the pooled rate's SE; intervals (%g%%) with the unpooled SE, relative lift "
		    "by the delta method", 100 * conf);
	else
		stats_note(r, "intervals (%g%%): Welch's t for the difference, the delta method (normal) for the "
		    "relative lift", 100 * conf);
	if (k > 2)
		stats_note(r, "p_adj: Holm's adjustment over %d comparisons with the control", m);
	if (srm) {
		struct strbuf b;
		sb_init(&b);
		for (int l = 0; l < k; l++)
			sb_printf(&b, "%s%s %lld", l ? ", " : "", g->labels[l], (long long)grp[l].assigned);
		stats_note(r, "SRM: sample ratio mismatch (p = %.3g < %g): observed %s against the planned split - "
		    "check the assignment before trusting the results", srm_p, SRM_ALPHA, sb_str(&b));
		sb_free(&b);
	}
	sb_puts(&r->notes, sb_str(&notes));
	sb_free(&notes);
	free(pv);
	free(at);
	free(cmp);
	free(grp);
	free(raw);
	free(adj);
	return 0;
}

/* ------------------------------------------------------------ parsing */

/* SPLIT (w1, w2, ...): positive shares, in the variants' value order;
 * they are normalized, so (0.5, 0.5), (1, 1) and (50, 50) are the same. */
static int
parse_split(struct parser *p, struct abtest_opt *o)
{
	o->split_pos = parser_peek(p, 0)->pos;
	if (!parser_expect_op(p, "("))
		return -1;
	int cap = 8;
	o->split = arena_alloc(p->arena, sizeof *o->split * (size_t)cap);
	do {
		if (o->nsplit == cap) {
			double *v = arena_alloc(p->arena, sizeof *v * (size_t)cap * 2);
			memcpy(v, o->split, sizeof *v * (size_t)cap);
			o->split = v;
			cap *= 2;
		}
		int pos = parser_peek(p, 0)->pos;
		double v;
		if (!parser_number(p, &v))
			return -1;
		if (!(v > 0) || !isfinite(v)) {
			err_set(p->err, pos, "ABTEST: a SPLIT share must be above 0, not %g", v);
			return -1;
		}
		o->split[o->nsplit++] = v;
	} while (parser_accept_op(p, ","));
	return parser_expect_op(p, ")") ? 0 : -1;
}

static int
abtest_parse(struct parser *p, void **data)
{
	struct stats_stmt *st = stats_stmt_new(p, abtest_run, "ABTEST");
	struct abtest_opt *o = arena_zalloc(p->arena, sizeof *o);
	st->opt = o;
	*data = st;
	o->alpha = 0.05;
	o->cov = -1;
	if (stats_parse_var(p, st, STATS_NUMERIC) < 0)
		return -1;
	if (!parser_expect_word(p, "BY"))
		return -1;
	if (stats_parse_var(p, st, STATS_FACTOR) < 0)
		return -1;
	for (;;) {
		if (parser_accept_word(p, "CONTROL")) {
			o->control_pos = parser_peek(p, 0)->pos;
			if ((o->control = stats_parse_label(p, "CONTROL")) == NULL)
				return -1;
		} else if (parser_accept_word(p, "TYPE")) {
			o->type_pos = parser_peek(p, 0)->pos;
			if (parser_accept_word(p, "proportion"))
				o->type = AB_PROPORTION;
			else if (parser_accept_word(p, "mean"))
				o->type = AB_MEAN;
			else
				return parser_syntax_error(p, "proportion or mean");
		} else if (parser_accept_word(p, "ALPHA")) {
			if (!stats_parse_number(p, "ALPHA", 1e-6, 0.5, &o->alpha))
				return -1;
		} else if (parser_accept_word(p, "SPLIT")) {
			if (parse_split(p, o) < 0)
				return -1;
		} else if (parser_accept_word(p, "COVARIATE")) {
			if ((o->cov = stats_parse_var(p, st, STATS_NUMERIC)) < 0)
				return -1;
		} else {
			break;
		}
	}
	return stats_parse_from(p, st);
}

const struct stmt_ext stats_ext_abtest = {
	.word = "ABTEST",
	.parse = abtest_parse,
	.query = true,
	.usage = "ABTEST metric BY variant [CONTROL 'A'] [TYPE proportion|mean] [ALPHA 0.05] [SPLIT (0.5, 0.5)] "
	         "[COVARIATE pre_metric] FROM source [WHERE cond]",
	.summary = "A/B comparison against a control: lifts with CIs, z-test or Welch, Holm, SRM check, CUPED, verdict",
};
