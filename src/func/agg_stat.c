/*
 * Statistical aggregates: corr, covar_pop, covar_samp, the regr_* family
 * (SQL:2003 linear regression of y on x), skewness, kurtosis,
 * kurtosis_pop, and product.
 *
 * Two-variable aggregates take (y, x) like the SQL standard and Spark, and
 * count a row only when both are non-NULL (the operator folds every
 * argument's NULLs into skip). Sums of squares and co-moments are
 * accumulated around running means (Welford's updates), and partial
 * states are merged with the pairwise formulas of Chan, Golub and LeVeque
 * (and Pebay's for the third and fourth moments), so neither large offsets
 * nor threads cost precision the naive sum-of-products formulas lose.
 *
 * Degenerate inputs give NULL, as in Spark (non-legacy) and DuckDB: no
 * rows; covar_samp of one row; corr or regr_slope when x (or y) is
 * constant.
 */
#include "func/agg_impl.h"

#include <math.h>

/* ---- co-moments: corr, covar, regr ---- */

struct cov_state {
	int64_t n;
	double mx, my;       /* means */
	double sxx, syy;     /* sums of squared deviations */
	double sxy;          /* sum of co-deviations */
};

static int
cov_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	const double *vy = vec_f64(args[0]), *vx = vec_f64(args[1]);
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct cov_state *s = STATE(struct cov_state, i);
		double x = vx[i], y = vy[i];
		s->n++;
		double dx = x - s->mx, dy = y - s->my;
		s->mx += dx / (double)s->n;
		s->my += dy / (double)s->n;
		/* dx (old mean) times the deviation from the new mean */
		s->sxx += dx * (x - s->mx);
		s->syy += dy * (y - s->my);
		s->sxy += dx * (y - s->my);
	}
	return 0;
}

static void
cov_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct cov_state *a = (struct cov_state *)dst;
	const struct cov_state *b = (const struct cov_state *)src;
	if (b->n == 0)
		return;
	if (a->n == 0) {
		*a = *b;
		return;
	}
	double na = (double)a->n, nb = (double)b->n, n = na + nb;
	double dx = b->mx - a->mx, dy = b->my - a->my, f = na * nb / n;
	a->sxx += b->sxx + dx * dx * f;
	a->syy += b->syy + dy * dy * f;
	a->sxy += b->sxy + dx * dy * f;
	a->mx += dx * nb / n;
	a->my += dy * nb / n;
	a->n += b->n;
}

#define COV_STATE(st) const struct cov_state *s = (const struct cov_state *)(st)

static int
result(struct vec *out, int row, bool ok, double v)
{
	if (ok)
		vec_f64(out)[row] = v;
	else
		vec_set_null(out, row);
	return 0;
}

static int
covar_pop_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	COV_STATE(state);
	return result(out, row, s->n > 0, s->sxy / (double)s->n);
}

static int
covar_samp_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	COV_STATE(state);
	return result(out, row, s->n > 1, s->sxy / (double)(s->n - 1));
}

static int
corr_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	COV_STATE(state);
	double r = s->sxy / sqrt(s->sxx * s->syy);
	/* rounding must not push |r| past 1 */
	if (r > 1)
		r = 1;
	if (r < -1)
		r = -1;
	return result(out, row, s->n > 0 && s->sxx > 0 && s->syy > 0, r);
}

static int
regr_slope_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	COV_STATE(state);
	return result(out, row, s->n > 0 && s->sxx > 0, s->sxy / s->sxx);
}

static int
regr_intercept_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	COV_STATE(state);
	return result(out, row, s->n > 0 && s->sxx > 0, s->my - s->sxy / s->sxx * s->mx);
}

/* r^2 of the fit; 1 when y is constant (the fit is exact), NULL when x is. */
static int
regr_r2_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	COV_STATE(state);
	if (s->n == 0 || s->sxx == 0)
		return result(out, row, false, 0);
	if (s->syy == 0)
		return result(out, row, true, 1);
	double r2 = s->sxy / s->sxx * (s->sxy / s->syy);
	return result(out, row, true, r2 > 1 ? 1 : r2);
}

static int
regr_count_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	COV_STATE(state);
	vec_i64(out)[row] = s->n;
	return 0;
}

static int
regr_avgx_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	COV_STATE(state);
	return result(out, row, s->n > 0, s->mx);
}

static int
regr_avgy_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	COV_STATE(state);
	return result(out, row, s->n > 0, s->my);
}

static int
regr_sxx_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	COV_STATE(state);
	return result(out, row, s->n > 0, s->sxx);
}

static int
regr_syy_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	COV_STATE(state);
	return result(out, row, s->n > 0, s->syy);
}

static int
regr_sxy_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	COV_STATE(state);
	return result(out, row, s->n > 0, s->sxy);
}

#define COV_SIG(NAME, RET) \
const struct agg_sig agg_##NAME##_sigs[1] = { \
	{RET, 2, {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE}, sizeof(struct cov_state), 0, NULL, cov_update, cov_combine, \
	    NAME##_finalize, NULL}, \
};
COV_SIG(corr, WB_TYPE_DOUBLE)
COV_SIG(covar_pop, WB_TYPE_DOUBLE)
COV_SIG(covar_samp, WB_TYPE_DOUBLE)
COV_SIG(regr_avgx, WB_TYPE_DOUBLE)
COV_SIG(regr_avgy, WB_TYPE_DOUBLE)
COV_SIG(regr_count, WB_TYPE_BIGINT)
COV_SIG(regr_intercept, WB_TYPE_DOUBLE)
COV_SIG(regr_r2, WB_TYPE_DOUBLE)
COV_SIG(regr_slope, WB_TYPE_DOUBLE)
COV_SIG(regr_sxx, WB_TYPE_DOUBLE)
COV_SIG(regr_sxy, WB_TYPE_DOUBLE)
COV_SIG(regr_syy, WB_TYPE_DOUBLE)

/* ---- higher moments: skewness, kurtosis ---- */

struct mom_state {
	int64_t n;
	double mean, m2, m3, m4;   /* sums of powers of deviations from mean */
};

/* Terriberry's single-pass update of the central moments. */
static int
mom_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	const double *v = vec_f64(args[0]);
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct mom_state *s = STATE(struct mom_state, i);
		double n1 = (double)s->n;
		s->n++;
		double nn = (double)s->n;
		double d = v[i] - s->mean, dn = d / nn, dn2 = dn * dn, t1 = d * dn * n1;
		s->mean += dn;
		s->m4 += t1 * dn2 * (nn * nn - 3 * nn + 3) + 6 * dn2 * s->m2 - 4 * dn * s->m3;
		s->m3 += t1 * dn * (nn - 2) - 3 * dn * s->m2;
		s->m2 += t1;
	}
	return 0;
}

/* Pebay's pairwise combination ("Formulas for robust, one-pass parallel
 * computation of covariances and arbitrary-order statistical moments",
 * 2008). */
static void
mom_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct mom_state *a = (struct mom_state *)dst;
	const struct mom_state *b = (const struct mom_state *)src;
	if (b->n == 0)
		return;
	if (a->n == 0) {
		*a = *b;
		return;
	}
	double na = (double)a->n, nb = (double)b->n, n = na + nb;
	double d = b->mean - a->mean, d2 = d * d, d3 = d2 * d, d4 = d2 * d2;
	double m2 = a->m2 + b->m2 + d2 * na * nb / n;
	double m3 = a->m3 + b->m3 + d3 * na * nb * (na - nb) / (n * n) + 3 * d * (na * b->m2 - nb * a->m2) / n;
	double m4 = a->m4 + b->m4 + d4 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n) +
	    6 * d2 * (na * na * b->m2 + nb * nb * a->m2) / (n * n) + 4 * d * (na * b->m3 - nb * a->m3) / n;
	a->mean += d * nb / n;
	a->m2 = m2;
	a->m3 = m3;
	a->m4 = m4;
	a->n += b->n;
}

/* Sample skewness, adjusted (as DuckDB and Excel's SKEW):
 * sqrt(n (n-1)) / (n-2) * g1, g1 = sqrt(n) m3 / m2^1.5. NULL for n < 3 or
 * constant input. (Spark's skewness is g1, the population version.) */
static int
skewness_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct mom_state *s = (const struct mom_state *)state;
	double n = (double)s->n;
	if (s->n < 3 || !(s->m2 > 0))
		return result(out, row, false, 0);
	double g1 = sqrt(n) * s->m3 / pow(s->m2, 1.5);
	return result(out, row, true, sqrt(n * (n - 1)) / (n - 2) * g1);
}

/* Sample excess kurtosis, adjusted (as DuckDB and Excel's KURT). NULL for
 * n < 4 or constant input. */
static int
kurtosis_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct mom_state *s = (const struct mom_state *)state;
	double n = (double)s->n;
	if (s->n < 4 || !(s->m2 > 0))
		return result(out, row, false, 0);
	double g2 = n * s->m4 / (s->m2 * s->m2);   /* m4 / m2^2 of the population */
	return result(out, row, true, (n - 1) * ((n + 1) * g2 - 3 * (n - 1)) / ((n - 2) * (n - 3)));
}

/* Population excess kurtosis m4 / m2^2 - 3 (Spark's kurtosis). */
static int
kurtosis_pop_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct mom_state *s = (const struct mom_state *)state;
	double n = (double)s->n;
	if (s->n < 1 || !(s->m2 > 0))
		return result(out, row, false, 0);
	return result(out, row, true, n * s->m4 / (s->m2 * s->m2) - 3);
}

#define MOM_SIG(NAME) \
const struct agg_sig agg_##NAME##_sigs[1] = { \
	{WB_TYPE_DOUBLE, 1, {WB_TYPE_DOUBLE}, sizeof(struct mom_state), 0, NULL, mom_update, mom_combine, \
	    NAME##_finalize, NULL}, \
};
MOM_SIG(skewness)
MOM_SIG(kurtosis)
MOM_SIG(kurtosis_pop)

/* ---- product ---- */

struct prod_state {
	double p;
	int64_t n;
};

static void
prod_init(const struct agg_ctx *ctx, char *state)
{
	((struct prod_state *)state)->p = 1;
}

static int
prod_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	const double *v = vec_f64(args[0]);
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct prod_state *s = STATE(struct prod_state, i);
		s->p *= v[i];
		s->n++;
	}
	return 0;
}

static void
prod_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct prod_state *d = (struct prod_state *)dst;
	const struct prod_state *s = (const struct prod_state *)src;
	d->p *= s->p;
	d->n += s->n;
}

static int
prod_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct prod_state *s = (const struct prod_state *)state;
	return result(out, row, s->n > 0, s->p);
}

/* DOUBLE, like Spark and DuckDB: an exact BIGINT product overflows after a
 * handful of rows. */
const struct agg_sig agg_product_sigs[1] = {
	{WB_TYPE_DOUBLE, 1, {WB_TYPE_DOUBLE}, sizeof(struct prod_state), 0, prod_init, prod_update, prod_combine,
	    prod_finalize, NULL},
};
