/*
 * stats_ptukey: the studentized range distribution by numerical
 * integration (GSL's adaptive Gauss-Kronrod rules).
 *
 * With k means and df degrees of freedom, Q = W / S where W is the range
 * of k standard normals and S = sqrt(chi2_df / df), so
 *
 *   P(Q <= q) = integral over s of g(s) * P(W <= q s) ds
 *
 * with g the density of S, and for the range (z the smallest value's
 * position, m = k - 1, Phi the normal cdf, phi its density)
 *
 *   P(W <= w) = k * integral phi(z) (Phi(z) - Phi(z - w))^m dz
 *   P(W >  w) = k * integral phi(z) (Phi(z)^m - (Phi(z) - Phi(z - w))^m) dz.
 *
 * Both tails are integrated directly, each from an integrand without
 * cancellation (a^m - b^m is computed as -a^m expm1(m log1p(-(a-b)/a))
 * from a - b = Phi(z - w)), so a p-value of 1e-12 keeps its digits
 * instead of being 1 - 0.999999999999. The density of S is evaluated in
 * a form that stays exact for large df (see s_density).
 */
#include "stats/stats_ptukey.h"
#include "stats/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_log.h>
#include <math.h>

enum { WS_SIZE = 200 };

/* Relative tolerances: the inner integral tighter than the outer one, so
 * the outer rule sees a smooth function. */
#define INNER_EPS 1e-13
#define OUTER_EPS 1e-12

struct range_par {
	double w, m, k;
	bool upper;
};

/* Phi(z) - Phi(z - w) for w >= 0, from whichever tails avoid cancellation. */
static double
normal_mass(double z, double w)
{
	double zw = z - w;
	if (zw >= 0)
		return gsl_cdf_ugaussian_Q(zw) - gsl_cdf_ugaussian_Q(z);
	if (z <= 0)
		return gsl_cdf_ugaussian_P(z) - gsl_cdf_ugaussian_P(zw);
	return 1.0 - gsl_cdf_ugaussian_Q(z) - gsl_cdf_ugaussian_P(zw);
}

static double
range_integrand(double z, void *vp)
{
	const struct range_par *p = vp;
	double phi = exp(-0.5 * z * z) / sqrt(2 * M_PI);
	if (phi == 0)
		return 0;
	if (!p->upper) {
		double b = normal_mass(z, p->w);
		return b > 0 ? p->k * phi * pow(b, p->m) : 0;
	}
	double a = gsl_cdf_ugaussian_P(z);
	if (a == 0)
		return 0;
	double r = gsl_cdf_ugaussian_P(z - p->w) / a;   /* (a - b) / a, in [0, 1] */
	if (r >= 1)
		return p->k * phi * pow(a, p->m);
	return -p->k * phi * pow(a, p->m) * expm1(p->m * log1p(-r));
}

/* Integrate f over [lo, hi] to relative eps; NaN when GSL cannot reach
 * about that accuracy. */
static double
integrate(gsl_function *f, double lo, double hi, double eps, gsl_integration_workspace *ws)
{
	double res, abserr;
	int rc = gsl_integration_qag(f, lo, hi, 0, eps, WS_SIZE, GSL_INTEG_GAUSS31, ws, &res, &abserr);
	if (rc != GSL_SUCCESS && !(abserr <= 1e3 * eps * fabs(res)))
		return NAN;
	return res;
}

/* P(W <= w) or P(W > w) for the range W of k standard normals. */
static double
range_tail(double w, double k, bool upper, gsl_integration_workspace *ws)
{
	if (!(w > 0))
		return upper ? 1.0 : 0.0;
	if (k == 2)   /* W = |Z1 - Z2| = sqrt(2) |N(0, 1)| */
		return upper ? erfc(w / 2) : erf(w / 2);
	struct range_par p = {.w = w, .m = k - 1, .k = k, .upper = upper};
	gsl_function f = {.function = range_integrand, .params = &p};
	/* phi(z) is below 1e-49 outside [-15, 15]; the upper tail's mass sits
	 * near z = w/2 */
	double hi = w / 2 + 15 > 15 ? w / 2 + 15 : 15;
	return integrate(&f, -15, hi, INNER_EPS, ws);
}

struct outer_par {
	double q, k, df, logc;
	bool upper;
	gsl_integration_workspace *inner;
};

/*
 * The density of S = sqrt(chi2_df / df) at s = 1 + e, times the range's
 * tail at q s. The density is
 *   2 (df/2)^(df/2) / Gamma(df/2) s^(df-1) exp(-df s^2 / 2)
 * = c / s * exp(-df h(s)),  h(s) = s^2/2 - 1/2 - log s  (>= 0, h(1) = 0),
 * with log c = log 2 + log(df/2)/2 - log(2 pi)/2 - lgamma_rest(df/2):
 * the large terms cancel analytically, and h = e^2/2 - (log1p(e) - e) is
 * a sum of two non-negative terms, exact near s = 1.
 */
static double
outer_integrand(double e, void *vp)
{
	const struct outer_par *p = vp;
	double s = 1 + e;
	if (!(s > 0))
		return 0;
	double h = 0.5 * e * e - gsl_sf_log_1plusx_mx(e);
	double g = exp(p->logc - log(s) - p->df * h);
	if (g == 0)
		return 0;
	return g * range_tail(p->q * s, p->k, p->upper, p->inner);
}

/*
 * The outer integral by Gauss-Hermite quadrature, for large df: the
 * density of S at 1 + e is c / (1 + e) exp(-df e^2) exp(df (e^2/2 +
 * log1p(e) - e)), a Gaussian of sd 1/sqrt(2 df) times a factor that is
 * nearly 1 where that Gaussian has its mass (its exponent is df e^3 / 3
 * there); HERMITE_N nodes of the weight exp(-df e^2) integrate it and the
 * range's tail at q (1 + e) as well as the adaptive rule does (the two
 * agree to 5e-13 on a grid of k = 3..100, df = 100..1e8, both tails; to
 * 1e-11 at the edge) for df >= 100 and q^2 <= 2 sqrt(2 df), where the
 * tail varies slowly over the Gaussian. Some
 * 40 inner integrals instead of the adaptive rule's hundreds: Tukey's
 * comparisons of many groups on many rows.
 */
enum { HERMITE_N = 40, HERMITE_MIN_DF = 100 };

static double
outer_hermite(const struct outer_par *p)
{
	gsl_integration_fixed_workspace *w =
	    gsl_integration_fixed_alloc(gsl_integration_fixed_hermite, HERMITE_N, 0, p->df, 0, 0);
	if (w == NULL)
		return NAN;
	const double *x = gsl_integration_fixed_nodes(w), *wt = gsl_integration_fixed_weights(w);
	double sum = 0;
	for (int i = 0; i < HERMITE_N; i++) {
		double e = x[i], s = 1 + e;
		if (!(s > 0) || wt[i] == 0)
			continue;
		double corr = exp(p->logc - log(s) + p->df * (0.5 * e * e + gsl_sf_log_1plusx_mx(e)));
		sum += wt[i] * corr * range_tail(p->q * s, p->k, p->upper, p->inner);
	}
	gsl_integration_fixed_free(w);
	return sum;
}

double
stats_ptukey(double q, double k, double df, bool lower)
{
	if (isnan(q) || isnan(k) || isnan(df) || !(k >= 2) || !(df > 0))
		return NAN;
	if (q <= 0)
		return lower ? 0.0 : 1.0;
	if (isinf(q))
		return lower ? 1.0 : 0.0;
	gsl_integration_workspace *wi = gsl_integration_workspace_alloc(WS_SIZE);
	double res;
	if (isinf(df)) {
		res = range_tail(q, k, !lower, wi);
	} else {
		struct outer_par p = {.q = q, .k = k, .df = df, .upper = !lower, .inner = wi};
		p.logc = log(2.0) + 0.5 * log(df / 2) - 0.5 * log(2 * M_PI) - stats_lgamma_rest(df / 2);
		if (df >= HERMITE_MIN_DF && q * q <= 2 * sqrt(2 * df)) {
			res = outer_hermite(&p);
			gsl_integration_workspace_free(wi);
			return res < 0 ? 0 : res > 1 ? 1 : res;
		}
		gsl_integration_workspace *wo = gsl_integration_workspace_alloc(WS_SIZE);
		/* S concentrates at its mode sqrt((df-1)/df) with sd about
		 * 1/sqrt(2 df); 40 sd either side leaves out less than e^-400 of
		 * it (its right tail falls like exp(-df s^2/2)) */
		double mode = df > 1 ? sqrt((df - 1) / df) : 0, sd = 1 / sqrt(2 * df);
		double lo = mode - 40 * sd, hi = mode + 40 * sd;
		if (lo < 0)
			lo = 0;
		gsl_function f = {.function = outer_integrand, .params = &p};
		double r, abserr;
		int rc;
		if (lo == 0 && df < 2)   /* s^(df-2) ... a singular or steep start: QAGS extrapolates */
			rc = gsl_integration_qags(&f, lo - 1, hi - 1, 0, OUTER_EPS, WS_SIZE, wo, &r, &abserr);
		else
			rc = gsl_integration_qag(&f, lo - 1, hi - 1, 0, OUTER_EPS, WS_SIZE, GSL_INTEG_GAUSS31, wo, &r,
			    &abserr);
		res = rc == GSL_SUCCESS || abserr <= 1e3 * OUTER_EPS * fabs(r) ? r : NAN;
		gsl_integration_workspace_free(wo);
	}
	gsl_integration_workspace_free(wi);
	if (res < 0)
		res = 0;
	if (res > 1)
		res = 1;
	return res;
}

struct root_par {
	double k, df, logt;
	bool upper;
};

/* log of the tail at q minus the log of its target: increasing in q for
 * the lower tail, decreasing for the upper one. */
static double
root_f(double q, void *vp)
{
	const struct root_par *p = vp;
	double t = stats_ptukey(q, p->k, p->df, !p->upper);
	return (t > 0 ? log(t) : -1e300) - p->logt;
}

double
stats_qtukey(double p, double k, double df)
{
	if (!(p > 0 && p < 1) || !(k >= 2) || !(df > 0))
		return NAN;
	/* solve on the smaller tail, where it has its relative accuracy */
	struct root_par rp = {.k = k, .df = df, .upper = p > 0.5};
	rp.logt = rp.upper ? log1p(-p) : log(p);
	gsl_function f = {.function = root_f, .params = &rp};
	/* bracket: the tail's sign changes between lo and hi */
	double lo = 0.5, hi = 4;
	double flo = root_f(lo, &rp), fhi = root_f(hi, &rp);
	for (int i = 0; i < 200 && !(flo * fhi <= 0); i++) {
		bool below = rp.upper ? flo < 0 : flo > 0;   /* the root is below lo */
		if (below) {
			hi = lo;
			fhi = flo;
			lo /= 4;
			flo = root_f(lo, &rp);
		} else {
			lo = hi;
			flo = fhi;
			hi *= 4;
			fhi = root_f(hi, &rp);
		}
		if (isnan(flo) || isnan(fhi))
			return NAN;
	}
	if (!(flo * fhi <= 0))
		return NAN;
	if (flo == 0)
		return lo;
	if (fhi == 0)
		return hi;
	gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	if (s == NULL || gsl_root_fsolver_set(s, &f, lo, hi) != GSL_SUCCESS) {
		if (s)
			gsl_root_fsolver_free(s);
		return NAN;
	}
	double root = NAN;
	for (int i = 0; i < 200; i++) {
		if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
			break;
		root = gsl_root_fsolver_root(s);
		double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
		if (gsl_root_test_interval(a, b, 0, 1e-14) == GSL_SUCCESS)
			break;
	}
	gsl_root_fsolver_free(s);
	return root;
}
