/*
 * stats_dist: distributions GSL does not have - the noncentral t, for
 * the power of t tests - and t quantiles polished to full precision.
 *
 * The noncentral t CDF is the Poisson mixture of incomplete beta
 * functions (Guenther 1978; Lenth, AS 243): for t >= 0, with
 * x = t^2 / (t^2 + df) and lambda = ncp^2 / 2,
 *
 *   P(T <= t) = Phi(-ncp) + 1/2 sum_j [ p_j I_x(j + 1/2, df/2)
 *                                      + q_j I_x(j + 1,   df/2) ]
 *   p_j = e^-lambda lambda^j / j!,
 *   q_j = sign(ncp) e^-lambda lambda^(j + 1/2) / Gamma(j + 3/2),
 *
 * and, as sum_j p_j = 1 and sum_j q_j = 2 Phi(ncp) - 1, the upper tail
 * P(T > t) is the same sum over I_(1-x)(df/2, j + 1/2) and
 * I_(1-x)(df/2, j + 1), so neither tail is computed as 1 - the other.
 * For t < 0, P(T <= t; ncp) = P(T > -t; -ncp). The sum runs outwards from
 * the Poisson mode, where the weights are largest, until the weights left
 * are negligible; every incomplete beta is GSL's. Far from 0 (ncp > 63)
 * that takes too many terms, and at large df (> 1000) GSL's incomplete
 * betas lose digits: there the CDF is integrated instead (below).
 */
#include "stats/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_log.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>

const char *
stats_alt_name(enum stats_alt a)
{
	switch (a) {
	case STATS_LESS: return "less";
	case STATS_GREATER: return "greater";
	case STATS_ONE_SIDED: return "one.sided";
	default: return "two.sided";
	}
}

/* I_x(a, b); 0 where it underflows (far in the mixture's tail, where
 * GSL says so), NaN where GSL fails otherwise. */
static double
beta_inc(double a, double b, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	gsl_sf_result r;
	int rc = gsl_sf_beta_inc_e(a, b, x, &r);
	if (rc == GSL_EUNDRFLW)
		return 0;
	if (rc != GSL_SUCCESS)
		return NAN;
	return r.val;
}

/* The terms of the mixture at j, given the incomplete betas of the lower
 * tail (upper = false) or of the upper one: *ip with j + 1/2, *iq with
 * j + 1 (iq only when want_q). */
static void
nct_betas(double j, double df, double x, double y, bool upper, bool want_q, double *ip, double *iq)
{
	if (upper) {
		*ip = beta_inc(df / 2, j + 0.5, y);
		*iq = want_q ? beta_inc(df / 2, j + 1, y) : 0;
	} else {
		*ip = beta_inc(j + 0.5, df / 2, x);
		*iq = want_q ? beta_inc(j + 1, df / 2, x) : 0;
	}
}

/* Weights left out are below this fraction of those summed. */
#define NCT_EPS 1e-20

/* Beyond this lambda the mixture has too many terms (some 20 sqrt(lambda)
 * around the mode, each an incomplete beta of large parameters), and
 * beyond this df GSL's incomplete betas lose digits (2e-13 at df 1e5):
 * the CDF is integrated instead, which is good to about 1e-15 there. */
#ifndef NCT_SERIES_MAX
#define NCT_SERIES_MAX 2000.0
#endif
#define NCT_SERIES_MAX_DF 1000.0

/* The integral form: with U = V / df - 1 for V chi-squared with df
 * degrees of freedom, T = (Z + ncp) / sqrt(1 + U), so
 *   P(T <= t) = E[Phi(t sqrt(1 + U) - ncp)]
 * (upper: Q). U's density is proportional to exp(df/2 (log1p(u) - u) -
 * log1p(u)), written so (GSL's log(1+u) - u) that it keeps its precision
 * at large df, where the chi-squared density's own normalization loses
 * eight digits; the constant is removed by dividing by the same quadrature
 * of the density alone. */
struct nct_integral {
	double t, df, ncp;
	bool upper, weighted;
};

static double
nct_integrand(double u, void *arg)
{
	const struct nct_integral *c = arg;
	if (!(u > -1))
		return 0;
	double lf = c->df / 2 * gsl_sf_log_1plusx_mx(u) - log1p(u);
	double f = exp(lf);
	if (!c->weighted || f == 0)
		return f;
	double x = c->t * sqrt(1 + u) - c->ncp;
	return f * (c->upper ? gsl_cdf_ugaussian_Q(x) : gsl_cdf_ugaussian_P(x));
}

static double
nct_integrate(double t, double df, double ncp, bool upper)
{
	/* where U lives: Wilson-Hilferty's normal (V/df)^(1/3) 13 sd either
	 * side for large df (GSL's chi-squared quantiles fail there), GSL's
	 * quantiles at 1e-22 for small df */
	double lo, hi;
	if (df >= 50) {
		double m = 1 - 2 / (9 * df), sd = sqrt(2 / (9 * df));
		lo = pow(fmax(m - 13 * sd, 0), 3) - 1;
		hi = pow(m + 13 * sd, 3) - 1;
	} else {
		lo = gsl_cdf_chisq_Pinv(1e-22, df) / df - 1;
		hi = gsl_cdf_chisq_Qinv(1e-22, df) / df - 1;
		if (!(lo > -1))
			lo = -1;
		if (!isfinite(hi) || hi < 1)
			hi = 200 / df + 200;
	}
	/* break at the density's mode (0) and where the normal factor turns
	 * (t sqrt(1 + u) = ncp), where they are inside */
	double pts[4], turn = t != 0 && ncp / t > 0 ? (ncp / t) * (ncp / t) - 1 : lo;
	size_t np = 0;
	pts[np++] = lo;
	double in[2] = {fmin(0, turn), fmax(0, turn)};
	for (int i = 0; i < 2; i++)
		if (in[i] > pts[np - 1] && in[i] < hi)
			pts[np++] = in[i];
	pts[np++] = hi;
	gsl_integration_workspace *ws = gsl_integration_workspace_alloc(2000);
	struct nct_integral c = {t, df, ncp, upper, true};
	gsl_function f = {nct_integrand, &c};
	double num, den, e;
	int rc = gsl_integration_qagp(&f, pts, np, 0, 1e-13, 2000, ws, &num, &e);
	c.weighted = false;
	if (rc == GSL_SUCCESS || rc == GSL_EROUND)
		rc = gsl_integration_qagp(&f, pts, np, 0, 1e-13, 2000, ws, &den, &e);
	gsl_integration_workspace_free(ws);
	if ((rc != GSL_SUCCESS && rc != GSL_EROUND) || !(den > 0))
		return NAN;
	double p = num / den;
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* P(T <= t) (upper: P(T > t)) for t >= 0.
 *
 * The weights are not computed from logarithms (exp(-lambda + j log
 * lambda - lgamma(j + 1)) carries a relative error of |lambda| * eps, 4e-12
 * at ncp 150) but by their ratios from the mode (p_(j+1) / p_j = lambda /
 * (j + 1), q_(j+1) / q_j = lambda / (j + 3/2)) with the mode's weight 1,
 * and normalized at the end by their sums, which are known exactly:
 * sum p_j = 1 and sum |q_j| = 2 Phi(|ncp|) - 1 = erf(|ncp| / sqrt 2). */
static double
nct_nonneg(double t, double df, double ncp, bool upper)
{
	double lambda = ncp * ncp / 2;
	if (lambda > NCT_SERIES_MAX || df > NCT_SERIES_MAX_DF)
		return nct_integrate(t, df, ncp, upper);
	double t2 = t * t;
	double x = t2 / (t2 + df), y = df / (t2 + df);
	bool want_q = lambda > 0;
	double sp = 0, wp = 0, sq = 0, wq = 0;   /* weighted betas and weights */
	double mode = floor(lambda);
	/* upwards from the mode: the weights fall at least geometrically
	 * once j > lambda */
	double p = 1, q = 1;
	for (double j = mode;; j++) {
		double ip, iq;
		nct_betas(j, df, x, y, upper, want_q, &ip, &iq);
		sp += p * ip;
		wp += p;
		sq += q * iq;
		wq += q;
		double r = lambda / (j + 1);
		if (!want_q || (r < 0.5 && p + q < NCT_EPS * (wp + wq)) || j - mode > 1e6)
			break;
		p *= r;
		q *= lambda / (j + 1.5);
	}
	/* downwards: the weights fall by j / lambda (p) and (j + 1/2) / lambda
	 * (q) per step */
	p = 1;
	q = 1;
	for (double j = mode - 1; j >= 0; j--) {
		p *= (j + 1) / lambda;
		q *= (j + 1.5) / lambda;
		double ip, iq;
		nct_betas(j, df, x, y, upper, want_q, &ip, &iq);
		sp += p * ip;
		wp += p;
		sq += q * iq;
		wq += q;
		if ((p + q) * (j + 1) < NCT_EPS * (wp + wq))
			break;
	}
	double res = sp / wp;
	if (want_q)
		res += (ncp < 0 ? -1 : 1) * gsl_sf_erf(fabs(ncp) / M_SQRT2) * sq / wq;
	res /= 2;
	if (!upper)
		res += gsl_cdf_ugaussian_P(-ncp);
	/* rounding in the sums can step just outside [0, 1] */
	return res < 0 ? 0 : res > 1 ? 1 : res;
}

double
stats_nct_cdf(double t, double df, double ncp, bool lower)
{
	if (isnan(t) || isnan(df) || isnan(ncp) || !(df > 0))
		return NAN;
	if (isinf(t))
		return (t > 0) == lower ? 1 : 0;
	if (t >= 0)
		return nct_nonneg(t, df, ncp, !lower);
	return nct_nonneg(-t, df, -ncp, lower);
}

double
stats_t_upper_quantile(double q, double df)
{
	if (!(q > 0 && q < 1) || !(df > 0))
		return NAN;
	if (q > 0.5)
		return -stats_t_upper_quantile(1 - q, df);
	double t = gsl_cdf_tdist_Qinv(q, df);
	/* GSL stops at about 1e-10 relative; Newton steps on the upper tail
	 * (which it computes to full precision) finish the job */
	for (int i = 0; i < 4 && isfinite(t); i++) {
		double f = gsl_ran_tdist_pdf(t, df);
		if (!(f > 0))
			break;
		double step = (gsl_cdf_tdist_Q(t, df) - q) / f;
		t += step;
		if (fabs(step) <= 1e-16 * fabs(t))
			break;
	}
	return t;
}

double
stats_t_power(double ncp, double df, double alpha, enum stats_alt alt, bool both_tails)
{
	if (alt == STATS_LESS) {
		double q = stats_t_upper_quantile(alpha, df);
		return stats_nct_cdf(-q, df, ncp, true);
	}
	if (alt == STATS_GREATER || alt == STATS_ONE_SIDED)
		return stats_nct_cdf(stats_t_upper_quantile(alpha, df), df, ncp, false);
	double q = stats_t_upper_quantile(alpha / 2, df);
	double p = stats_nct_cdf(q, df, ncp, false);
	if (both_tails)
		p += stats_nct_cdf(-q, df, ncp, true);
	return p;
}
