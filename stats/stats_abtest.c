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
 * it cannot explain anything, and theta would be 0 / 0. Three passes over
 * the rows, no copies: sums, then deviations (with the corrected two-pass
 * algorithm's correction of the means), then the adjusted values. */
static int
cuped(const struct stats_stmt *st, const struct stats_data *d, double *out, double *theta, double *vr,
    struct wb_error *err)
{
	const struct abtest_opt *o = st->opt;
	const struct stats_column *yc = &d->col[0], *g = &d->col[1], *xc = &d->col[o->cov];
	const double *y = yc->x, *x = xc->x;
	const int32_t *lv = g->level;
	int64_t m = 0;
	double sy = 0, sx = 0;
	for (int64_t i = 0; i < d->n; i++)
		if (lv[i] >= 0 && !isnan(y[i]) && !isnan(x[i])) {
			sy += y[i];
			sx += x[i];
			m++;
		}
	if (m < 2) {
		err_set(err, st->vars[o->cov].pos, "ABTEST: fewer than 2 rows have both %s and the covariate %s",
		    yc->name, xc->name);
		err_hint(err, "check the NULLs of %s and %s", yc->name, xc->name);
		return -1;
	}
	double my = sy / (double)m, mx = sx / (double)m, ey = 0, ex = 0, ssy = 0, ssx = 0, sxy = 0;
	for (int64_t i = 0; i < d->n; i++)
		if (lv[i] >= 0 && !isnan(y[i]) && !isnan(x[i])) {
			double dy = y[i] - my, dx = x[i] - mx;
			ey += dy;
			ex += dx;
			ssy += dy * dy;
			ssx += dx * dx;
			sxy += dy * dx;
		}
	/* deviations from the corrected means */
	ssy -= ey * ey / (double)m;
	ssx -= ex * ex / (double)m;
	sxy -= ey * ex / (double)m;
	my += ey / (double)m;
	mx += ex / (double)m;
	if (!(ssx > 0)) {
		err_set(err, st->vars[o->cov].pos, "ABTEST: the covariate %s is constant; CUPED needs one that varies",
		    xc->name);
		err_hint(err, "use a pre-period metric that differs between units, or leave COVARIATE out");
		return -1;
	}
	double t = sxy / ssx, ec = 0, ssc = 0;
	for (int64_t i = 0; i < d->n; i++) {
		if (isnan(x[i])) {
			out[i] = NAN;
			continue;
		}
		out[i] = y[i] - t * (x[i] - mx);
		if (lv[i] >= 0 && !isnan(y[i])) {
			double e = out[i] - my;   /* the adjusted values' mean is mean(y) */
			ec += e;
			ssc += e * e;
		}
	}
	ssc -= ec * ec / (double)m;
	*theta = t;
	*vr = ssy > 0 ? 1 - ssc / ssy : NAN;
	return 0;
}

/* ------------------------------------------------------------ groups */

/* Each variant's summary of the compared values v (NaN: missing): two
 * passes over the rows, per level - counts and sums, then squared
 * deviations from the means (corrected as by stats_mean_ss) - with no copy
 * of the data (millions of rows, a handful of variants). The assigned
 * counts include rows whose value is missing (SRM is about the
 * assignment). Fails when a variant has no values. */
static int
summarize(const struct stats_stmt *st, const struct stats_data *d, const double *v, struct ab_group *grp,
    struct wb_error *err)
{
	const struct stats_column *g = &d->col[1];
	const int32_t *lv = g->level;
	int k = g->nlevels;
	for (int l = 0; l < k; l++)
		grp[l] = (struct ab_group){.label = g->labels[l]};
	for (int64_t i = 0; i < d->n; i++) {
		if (lv[i] < 0)
			continue;
		struct ab_group *a = &grp[lv[i]];
		a->assigned++;
		if (!isnan(v[i])) {
			a->n++;
			a->sum += v[i];
		}
	}
	for (int l = 0; l < k; l++) {
		if (grp[l].n > 0)
			continue;
		const struct abtest_opt *o = st->opt;
		if (o->cov >= 0)
			err_set(err, st->vars[0].pos, "ABTEST: variant '%s' has no row with both %s and %s", g->labels[l],
			    d->col[0].name, d->col[o->cov].name);
		else
			err_set(err, st->vars[0].pos, "ABTEST: variant '%s' has no value of %s", g->labels[l], d->col[0].name);
		err_hint(err, "check the metric's NULLs in that variant, or leave it out (WHERE %s <> '%s')", g->name,
		    g->labels[l]);
		return -1;
	}
	double *dev = xcalloc((size_t)k, sizeof *dev);
	for (int l = 0; l < k; l++)
		grp[l].mean = grp[l].sum / (double)grp[l].n;
	for (int64_t i = 0; i < d->n; i++) {
		if (lv[i] < 0 || isnan(v[i]))
			continue;
		struct ab_group *a = &grp[lv[i]];
		double e = v[i] - a->mean;
		dev[lv[i]] += e;
		a->ss += e * e;
	}
	for (int l = 0; l < k; l++) {
		struct ab_group *a = &grp[l];
		double n = (double)a->n;
		a->mean += dev[l] / n;
		a->ss -= dev[l] * dev[l] / n;
		if (a->ss < 0)
			a->ss = 0;
	}
	free(dev);
	return 0;
}

/* The unadjusted means of y over the rows CUPED used (adj not NaN), for
 * the notes. */
static void
raw_means(const struct stats_data *d, const double *adj, struct ab_group *raw)
{
	const struct stats_column *g = &d->col[1];
	const double *y = d->col[0].x;
	for (int l = 0; l < g->nlevels; l++)
		raw[l] = (struct ab_group){.label = g->labels[l]};
	for (int64_t i = 0; i < d->n; i++) {
		int32_t l = g->level[i];
		if (l >= 0 && !isnan(adj[i]) && !isnan(y[i])) {
			raw[l].n++;
			raw[l].sum += y[i];
		}
	}
	for (int l = 0; l < g->nlevels; l++)
		raw[l].mean = raw[l].sum / (double)raw[l].n;
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
	o->p = stats_t_pvalue(o->stat, o->df);
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

/* One run's state, shared by its steps. */
struct ab_run {
	const struct stats_stmt *st;
	const struct abtest_opt *o;
	const struct stats_data *d;
	const struct stats_column *y, *g, *x;   /* metric, variant, covariate (or NULL) */
	int k, ctl;                             /* variants; the control's level */
	bool prop;                              /* the z-test (TYPE proportion, no COVARIATE) */
	double theta, vr;                       /* CUPED */
	struct ab_group *grp, *raw;             /* per level: compared values; unadjusted (CUPED) */
	struct ab_cmp *cmp;                     /* per level (not the control) */
	int ncmp;                               /* comparisons with a p-value (Holm's m) */
	double srm_p;
	bool srm;
};

/* The checks that need the data: variants, CONTROL, SPLIT, TYPE. */
static int
ab_check(struct ab_run *a, struct wb_error *err)
{
	const struct abtest_opt *o = a->o;
	const struct stats_column *y = a->y, *g = a->g;
	if (a->k < 2) {
		if (a->k == 1)
			err_set(err, a->st->vars[1].pos, "ABTEST: %s has a single variant ('%s'); an A/B test needs at least 2",
			    g->name, g->labels[0]);
		else
			err_set(err, a->st->vars[1].pos, "ABTEST: no rows with a %s; an A/B test needs at least 2 variants",
			    g->name);
		err_hint(err, "check the source and WHERE: every variant's rows must be there");
		return -1;
	}
	if ((a->ctl = find_control(a->st, g, err)) < 0)
		return -1;
	if (o->split != NULL && o->nsplit != a->k) {
		err_set(err, o->split_pos, "ABTEST: SPLIT gives %d share%s but %s has %d variants", o->nsplit,
		    o->nsplit == 1 ? "" : "s", g->name, a->k);
		err_hint(err, "give one share per variant, in value order");
		return -1;
	}
	double bad = 0;
	bool binary = only_01(y, g, a->d->n, &bad);
	if (o->type == AB_PROPORTION && !binary) {
		err_set(err, o->type_pos, "ABTEST: TYPE proportion needs a metric of 0s and 1s; %s has %g", y->name, bad);
		err_hint(err, "use TYPE mean, or a 0/1 metric such as (%s > 0)", y->name);
		return -1;
	}
	a->prop = a->x == NULL && (o->type == AB_PROPORTION || (o->type == AB_AUTO && binary));
	return 0;
}

/* The groups' summaries (CUPED first when asked), each comparison with
 * the control, Holm's adjustment and the SRM check. */
static int
ab_compare(struct ab_run *a, struct wb_error *err)
{
	const struct stats_data *d = a->d;
	int k = a->k;
	a->grp = xcalloc((size_t)k, sizeof *a->grp);
	a->cmp = xcalloc((size_t)k, sizeof *a->cmp);
	int rc;
	if (a->x != NULL) {
		double *adj = xmalloc(sizeof *adj * (size_t)(d->n ? d->n : 1));
		rc = cuped(a->st, d, adj, &a->theta, &a->vr, err);
		if (rc == 0)
			rc = summarize(a->st, d, adj, a->grp, err);
		if (rc == 0) {
			a->raw = xcalloc((size_t)k, sizeof *a->raw);
			raw_means(d, adj, a->raw);
		}
		free(adj);
	} else {
		rc = summarize(a->st, d, a->y->x, a->grp, err);
	}
	if (rc < 0)
		return -1;
	for (int l = 0; l < k; l++) {
		if (a->prop)
			a->grp[l].mean = a->grp[l].sum / (double)a->grp[l].n;   /* the rate exactly as the test uses it */
		if (l == a->ctl)
			continue;
		if (a->prop)
			ab_proportions(&a->grp[l], &a->grp[a->ctl], a->o->alpha, &a->cmp[l]);
		else if (ab_welch(&a->grp[l], &a->grp[a->ctl], a->o->alpha, &a->cmp[l], a->y->name, err) < 0) {
			err_at(err, a->st->vars[0].pos);
			return -1;
		}
	}
	/* Holm over the comparisons that have a p-value, when there are several */
	double *pv = xmalloc(sizeof *pv * (size_t)k);
	int *at = xmalloc(sizeof *at * (size_t)k);
	for (int l = 0; l < k; l++) {
		a->cmp[l].p_adj = a->cmp[l].p;
		if (l != a->ctl && !isnan(a->cmp[l].p)) {
			at[a->ncmp] = l;
			pv[a->ncmp++] = a->cmp[l].p;
		}
	}
	if (k > 2) {
		stats_holm(pv, a->ncmp, pv);
		for (int i = 0; i < a->ncmp; i++)
			a->cmp[at[i]].p_adj = pv[i];
	}
	for (int l = 0; l < k; l++)
		a->cmp[l].significant = a->cmp[l].p_adj < a->o->alpha;
	free(pv);
	free(at);
	a->srm_p = srm_test(a->o, a->grp, k);
	a->srm = a->srm_p < SRM_ALPHA;
	return 0;
}

static void
ab_result_init(struct stats_result *r, bool cov)
{
	static const char *const base[NBASE] = {"variant", "control", "n", "value", "control_n", "control_value",
		"lift_abs", "lift_abs_ci_low", "lift_abs_ci_high", "lift_rel", "lift_rel_ci_low", "lift_rel_ci_high",
		"statistic", "df", "p_value", "p_adj", "significant", "srm_p_value", "srm"};
	const char *names[NBASE + 3];
	wb_type types[NBASE + 3];
	int nc = 0;
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

/* The table: one row per variant but the control; the verdicts also go
 * to `verdicts` for the notes. */
static void
ab_rows(const struct ab_run *a, struct stats_result *r, struct strbuf *verdicts)
{
	const struct ab_group *c0 = &a->grp[a->ctl];
	ab_result_init(r, a->x != NULL);
	for (int l = 0; l < a->k; l++) {
		if (l == a->ctl)
			continue;
		const struct ab_cmp *c = &a->cmp[l];
		stats_s(r, C_VARIANT, a->grp[l].label);
		stats_s(r, C_CONTROL, c0->label);
		stats_i(r, C_N, a->grp[l].n);
		stats_d(r, C_VALUE, a->grp[l].mean);
		stats_i(r, C_CN, c0->n);
		stats_d(r, C_CVALUE, c0->mean);
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
		stats_d(r, C_SRM_P, a->srm_p);
		stats_b(r, C_SRM, a->srm);
		int col = NBASE;
		if (a->x != NULL) {
			stats_d(r, col++, a->theta);
			stats_d(r, col++, a->vr);
		}
		char *vt = verdict(&a->grp[l], c0, c, a->srm, 1 - a->o->alpha);
		stats_s(r, col, vt);
		stats_row(r);
		if (!a->srm)   /* the SRM note says it, with the counts */
			sb_printf(verdicts, "%s\n", vt);
		free(vt);
	}
}

/* The title and the notes: what was left out, the method's choices,
 * CUPED's numbers, the SRM warning, then the verdicts. */
static void
ab_notes(const struct ab_run *a, struct stats_result *r, const char *verdicts)
{
	const struct stats_column *y = a->y, *g = a->g, *x = a->x;
	const char *ctl = g->labels[a->ctl];
	double conf = 1 - a->o->alpha;
	if (x != NULL)
		stats_title(r, "A/B test of %s by %s: Welch two-sample t-test on CUPED-adjusted %s (covariate %s), "
		    "control '%s'", y->name, g->name, y->name, x->name, ctl);
	else
		stats_title(r, "A/B test of %s by %s: %s, control '%s'", y->name, g->name,
		    a->prop ? "two-proportion z-test" : "Welch two-sample t-test", ctl);
	int64_t nullv = 0, nully = 0, nullx = 0;
	for (int64_t i = 0; i < a->d->n; i++) {
		if (g->level[i] < 0)
			nullv++;
		else if (isnan(y->x[i]))
			nully++;
		else if (x != NULL && isnan(x->x[i]))
			nullx++;
	}
	if (nullv > 0)
		stats_note(r, "%lld row%s with a NULL %s left out", (long long)nullv, nullv == 1 ? "" : "s", g->name);
	if (nully > 0)
		stats_note(r, "%lld row%s with a NULL %s left out (still counted for the SRM check)", (long long)nully,
		    nully == 1 ? "" : "s", y->name);
	if (nullx > 0)
		stats_note(r, "%lld row%s with a NULL %s left out (still counted for the SRM check)", (long long)nullx,
		    nullx == 1 ? "" : "s", x->name);
	if (x != NULL) {
		stats_note(r, "CUPED: theta = %.6g, variance of %s reduced by %.1f%%; value and control_value are the "
		    "adjusted means", a->theta, y->name, 100 * a->vr);
		for (int l = 0; l < a->k; l++)
			stats_note(r, "  %s: n = %lld, unadjusted mean %.6g, adjusted %.6g", g->labels[l],
			    (long long)a->raw[l].n, a->raw[l].mean, a->grp[l].mean);
	}
	if (a->prop)
		stats_note(r, "z-test with the pooled rate's SE; intervals (%g%%) with the unpooled SE, relative lift "
		    "by the delta method", 100 * conf);
	else
		stats_note(r, "intervals (%g%%): Welch's t for the difference, the delta method (normal) for the "
		    "relative lift", 100 * conf);
	if (a->k > 2)
		stats_note(r, "p_adj: Holm's adjustment over %d comparisons with the control", a->ncmp);
	if (a->srm) {
		struct strbuf b;
		sb_init(&b);
		for (int l = 0; l < a->k; l++)
			sb_printf(&b, "%s%s %lld", l ? ", " : "", g->labels[l], (long long)a->grp[l].assigned);
		stats_note(r, "SRM: sample ratio mismatch (p = %.3g < %g): observed %s against the planned split - "
		    "check the assignment before trusting the results", a->srm_p, SRM_ALPHA, sb_str(&b));
		sb_free(&b);
	}
	sb_puts(&r->notes, verdicts);
}

/* ------------------------------------------------------------ run */

static int
abtest_run(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct abtest_opt *o = st->opt;
	struct ab_run a = {.st = st, .o = o, .d = d, .y = &d->col[0], .g = &d->col[1], .theta = NAN, .vr = NAN};
	a.x = o->cov >= 0 ? &d->col[o->cov] : NULL;
	a.k = a.g->nlevels;
	int rc = ab_check(&a, err);
	if (rc == 0)
		rc = ab_compare(&a, err);
	if (rc == 0) {
		struct strbuf verdicts;
		sb_init(&verdicts);
		ab_rows(&a, r, &verdicts);
		ab_notes(&a, r, sb_str(&verdicts));
		sb_free(&verdicts);
	}
	free(a.grp);
	free(a.raw);
	free(a.cmp);
	return rc;
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
