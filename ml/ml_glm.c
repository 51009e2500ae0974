/*
 * ml_glm: the shared internals of linear_reg and logistic_reg (ml_glm.h):
 * options, row checks, the task split and the weighted Gram kernel of the
 * parallel passes, Cholesky with aliasing, coordinate descent on a
 * quadratic, L-BFGS, and the fitted model (predict, importance, describe,
 * coefficients, save and load).
 *
 * Model file payload (little-endian, ml_w_*), version 1:
 *   u32 magic "GLM1", u8 kind (0 linear, 1 logistic),
 *   u32 p, u32 nclass, u32 nset, u8 strategy, u8 fit_intercept,
 *   u8 converged, u32 iterations, f64 l2_reg, l1_reg, objective, sumw,
 *   sigma, df, i64 rows, i32 rank,
 *   f64[nset * (p + 1)] coefficients, u8[p + 1] aliased flags,
 *   u8 has_cov, f64[(p + 1)^2] covariance when has_cov.
 */
#include "ml/ml_glm.h"
#include "core/xmalloc.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GLM_MAGIC 0x314d4c47u   /* "GLM1" */
#define GLM_VERSION 1

/* ------------------------------------------------------------ options */

const char *const ml_glm_strategy_names[] = {
	"auto", "qr", "irls", "lbfgs", "coordinate_descent", NULL,
};

const char *const ml_glm_options[] = {
	"l2_reg", "l1_reg", "fit_intercept", "max_iterations", "min_rel_progress", "optimize_strategy", NULL,
};

int
ml_glm_read_opts(const struct ml_opts *o, struct ml_glm_opts *g, struct wb_error *err)
{
	const char *s;
	memset(g, 0, sizeof *g);
	if (ml_opt_num(o, "l2_reg", 0, 0, DBL_MAX, &g->l2, err) < 0 ||
	    ml_opt_num(o, "l1_reg", 0, 0, DBL_MAX, &g->l1, err) < 0 ||
	    ml_opt_bool(o, "fit_intercept", true, &g->intercept, err) < 0 ||
	    ml_opt_int(o, "max_iterations", 0, 1, 10000000, &g->max_iter, err) < 0 ||
	    ml_opt_num(o, "min_rel_progress", -1, 0, 1, &g->tol, err) < 0 ||
	    ml_opt_choice(o, "optimize_strategy", "auto", ml_glm_strategy_names, &s, err) < 0)
		return -1;
	for (int i = 0; ml_glm_strategy_names[i]; i++)
		if (s == ml_glm_strategy_names[i])
			g->strategy = (enum ml_glm_strategy)i;
	const struct ml_opt *v = ml_opt_find(o, "optimize_strategy");
	g->strategy_pos = v ? v->pos : -1;
	return 0;
}

/* ------------------------------------------------------------ rows */

int
ml_glm_check_rows(const struct ml_data *d, const char *kind, double *sumw, int64_t *npos, double *classw,
    struct wb_error *err)
{
	double sw = 0;
	int64_t np = 0;
	if (classw)
		memset(classw, 0, sizeof *classw * (size_t)d->nclass);
	for (int64_t i = 0; i < d->n; i++) {
		double w = d->w ? d->w[i] : 1, y = d->y[i];
		if (!isfinite(w) || w < 0) {
			err_set(err, -1, "%s: row %lld has weight %g", kind, (long long)i + 1, w);
			err_hint(err, "row weights must be finite and at least 0");
			return -1;
		}
		if (!isfinite(y)) {
			err_set(err, -1, "%s: the label of row %lld is not finite (%g)", kind, (long long)i + 1, y);
			return -1;
		}
		if (d->nclass > 0) {
			if (y < 0 || y >= d->nclass || y != floor(y)) {
				err_set(err, -1, "%s: the label of row %lld (%g) is not a class 0..%d", kind, (long long)i + 1,
				    y, d->nclass - 1);
				return -1;
			}
			if (classw)
				classw[(int)y] += w;
		}
		sw += w;
		np += w > 0;
	}
	if (!(sw > 0)) {
		err_set(err, -1, "%s: no training rows with a positive weight (%lld rows)", kind, (long long)d->n);
		err_hint(err, "train on a query that returns rows, with some weight above 0");
		return -1;
	}
	if (!isfinite(sw)) {
		err_set(err, -1, "%s: the row weights add up to more than the largest double", kind);
		err_hint(err, "rescale the weights");
		return -1;
	}
	*sumw = sw;
	*npos = np;
	return 0;
}

const char *
ml_glm_name(const struct ml_data *d, int j, char *buf, size_t size)
{
	if (j < 0)
		return "(intercept)";
	if (d->names && d->names[j])
		return d->names[j];
	snprintf(buf, size, "feature %d", j + 1);
	return buf;
}

int
ml_glm_ntasks(int64_t n, size_t partial)
{
	/* ~16 K rows a task for load balance, at most 256 tasks, and the
	 * partial results of all tasks within 64 MB */
	int64_t t = (n + 16383) / 16384;
	int64_t cap = (int64_t)((64u << 20) / 8 / (partial ? partial : 1));
	if (t > 256)
		t = 256;
	if (t > cap)
		t = cap;
	return t < 1 ? 1 : (int)t;
}

void
ml_glm_task_rows(int64_t n, int ntasks, int task, int64_t *lo, int64_t *hi)
{
	*lo = (int64_t)((__int128)n * task / ntasks);
	*hi = (int64_t)((__int128)n * (task + 1) / ntasks);
}

/* Two doubles per operation (SSE2, every x86-64; GCC's and clang's
 * vector extension elsewhere). Each of the 2 lanes sums the even or the
 * odd rows, in row order; the lanes are added at the end - a fixed order
 * whatever the machine or thread count. */
typedef double v2d __attribute__((vector_size(16)));

static inline v2d
v2_load(const double *p)
{
	v2d v;
	memcpy(&v, p, sizeof v);
	return v;
}

static inline double
v2_sum(v2d v)
{
	return v[0] + v[1];
}

/* out0[0..3] += sum_i v_i a0_i c_k_i and out1[0..3] += sum_i v_i a1_i c_k_i
 * for the 4 columns c_k from c on, over nb (even) rows: 8 sums in
 * registers, 7 loads for 16 multiply-adds. */
static void
gram_tile24(const double *v, const double *a0, const double *a1, const double *c, int nb, double *out0,
    double *out1)
{
	const double *c0 = c, *c1 = c + GLM_BLOCK, *c2 = c + 2 * GLM_BLOCK, *c3 = c + 3 * GLM_BLOCK;
	v2d s00 = {0, 0}, s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
	for (int i = 0; i < nb; i += 2) {
		v2d w = v2_load(v + i), x0 = w * v2_load(a0 + i), x1 = w * v2_load(a1 + i);
		v2d y0 = v2_load(c0 + i), y1 = v2_load(c1 + i), y2 = v2_load(c2 + i), y3 = v2_load(c3 + i);
		s00 += x0 * y0;
		s01 += x0 * y1;
		s02 += x0 * y2;
		s03 += x0 * y3;
		s10 += x1 * y0;
		s11 += x1 * y1;
		s12 += x1 * y2;
		s13 += x1 * y3;
	}
	out0[0] = v2_sum(s00);
	out0[1] = v2_sum(s01);
	out0[2] = v2_sum(s02);
	out0[3] = v2_sum(s03);
	out1[0] = v2_sum(s10);
	out1[1] = v2_sum(s11);
	out1[2] = v2_sum(s12);
	out1[3] = v2_sum(s13);
}

/* The columns and v are copied into the scratch, padded with a zero row
 * to an even count and followed by 3 zero columns, so that every tile is
 * a full 2 x 4 one (the padding's sums are 0 and dropped). Tiles starting
 * on the diagonal also compute h[j+1][j], below it: the callers take the
 * lower triangle from the upper one. */
void
ml_glm_gram_block(const double *const *cols, int m, int nb, const double *v, double *scratch, double *h)
{
	double *vx = scratch, *cx = scratch + GLM_BLOCK;
	int nb2 = (nb + 1) & ~1;
	memcpy(vx, v, sizeof *vx * (size_t)nb);
	if (nb2 > nb)
		vx[nb] = 0;
	for (int k = 0; k < m + 3; k++) {
		double *ck = cx + (size_t)k * GLM_BLOCK;
		if (k < m) {
			memcpy(ck, cols[k], sizeof *ck * (size_t)nb);
			if (nb2 > nb)
				ck[nb] = 0;
		} else
			memset(ck, 0, sizeof *ck * (size_t)nb2);
	}
	double o0[4], o1[4];
	for (int j = 0; j < m; j += 2) {
		/* an odd last row pairs with a zero column */
		const double *a0 = cx + (size_t)j * GLM_BLOCK, *a1 = a0 + GLM_BLOCK;
		double *h0 = h + (size_t)j * m, *h1 = h0 + m;
		for (int k = j; k < m; k += 4) {
			gram_tile24(vx, a0, a1, cx + (size_t)k * GLM_BLOCK, nb2, o0, o1);
			int kn = m - k < 4 ? m - k : 4;
			for (int t = 0; t < kn; t++) {
				h0[k + t] += o0[t];
				if (j + 1 < m)
					h1[k + t] += o1[t];
			}
		}
	}
}

void
ml_glm_symmetrize(double *a, int m)
{
	for (int j = 0; j < m; j++)
		for (int k = j + 1; k < m; k++)
			a[(size_t)k * m + j] = a[(size_t)j * m + k];
}

/* ------------------------------------------------------------ dense solvers */

int
ml_glm_chol(const double *a, int m, const bool *skip, double tol, double *l, bool *alias)
{
	memset(l, 0, sizeof *l * (size_t)m * (size_t)m);
	int rank = 0;
	for (int j = 0; j < m; j++) {
		if (skip && skip[j])
			continue;
		double ajj = a[(size_t)j * m + j], dj = ajj;
		/* left-looking: the columns before j that were factored have l_kk > 0 */
		for (int k = 0; k < j; k++)
			dj -= l[(size_t)j * m + k] * l[(size_t)j * m + k];
		if (!(ajj > 0) || !(dj > tol * ajj)) {
			if (alias == NULL)
				return -1;
			alias[j] = true;
			for (int k = 0; k < j; k++)
				l[(size_t)j * m + k] = 0;
			continue;
		}
		double ljj = sqrt(dj);
		l[(size_t)j * m + j] = ljj;
		for (int i = j + 1; i < m; i++) {
			if (skip && skip[i])
				continue;
			double s = a[(size_t)i * m + j];
			for (int k = 0; k < j; k++)
				s -= l[(size_t)i * m + k] * l[(size_t)j * m + k];
			l[(size_t)i * m + j] = s / ljj;
		}
		rank++;
	}
	return rank;
}

void
ml_glm_chol_solve(const double *l, int m, double *b)
{
	for (int i = 0; i < m; i++) {
		if (!(l[(size_t)i * m + i] > 0)) {
			b[i] = 0;
			continue;
		}
		double s = b[i];
		for (int k = 0; k < i; k++)
			s -= l[(size_t)i * m + k] * b[k];
		b[i] = s / l[(size_t)i * m + i];
	}
	for (int i = m - 1; i >= 0; i--) {
		if (!(l[(size_t)i * m + i] > 0))
			continue;
		double s = b[i];
		for (int k = i + 1; k < m; k++)
			s -= l[(size_t)k * m + i] * b[k];
		b[i] = s / l[(size_t)i * m + i];
	}
}

void
ml_glm_chol_inverse(const double *l, int m, double fill, double *inv)
{
	double *e = xmalloc(sizeof *e * (size_t)(m ? m : 1));
	for (int c = 0; c < m; c++) {
		if (!(l[(size_t)c * m + c] > 0)) {
			for (int i = 0; i < m; i++)
				inv[(size_t)i * m + c] = inv[(size_t)c * m + i] = fill;
			continue;
		}
		memset(e, 0, sizeof *e * (size_t)m);
		e[c] = 1;
		ml_glm_chol_solve(l, m, e);
		for (int i = 0; i < m; i++)
			if (l[(size_t)i * m + i] > 0)
				inv[(size_t)i * m + c] = e[i];
	}
	/* exactly symmetric: average the two triangles */
	for (int i = 0; i < m; i++)
		for (int k = i + 1; k < m; k++)
			if (l[(size_t)i * m + i] > 0 && l[(size_t)k * m + k] > 0) {
				double s = 0.5 * (inv[(size_t)i * m + k] + inv[(size_t)k * m + i]);
				inv[(size_t)i * m + k] = inv[(size_t)k * m + i] = s;
			}
	free(e);
}

static double
soft(double z, double t)
{
	return z > t ? z - t : z < -t ? z + t : 0;
}

int
ml_glm_cd(int m, const double *a, const double *c, const double *pen, const bool *fixed, double *b,
    int max_sweeps, double tol, double *dec_out)
{
	double *ab = xmalloc(sizeof *ab * (size_t)(m ? m : 1));
	double dec = 0;
	int sweep = 0;
	while (sweep < max_sweeps) {
		/* A b afresh each sweep, so that rounding in the running
		 * updates never accumulates over thousands of sweeps */
		for (int j = 0; j < m; j++) {
			double s = 0;
			for (int k = 0; k < m; k++)
				s += a[(size_t)j * m + k] * b[k];
			ab[j] = s;
		}
		dec = 0;
		for (int j = 0; j < m; j++) {
			if (fixed && fixed[j])
				continue;
			double ajj = a[(size_t)j * m + j], old = b[j], pj = pen ? pen[j] : 0, nb = 0, r = 0;
			if (ajj > 0) {
				r = c[j] - ab[j] + ajj * old;
				nb = soft(r, pj) / ajj;
			}
			double dj = nb - old;
			if (dj == 0)
				continue;
			/* the objective's change along coordinate j, from local terms */
			if (ajj > 0)
				dec -= dj * (0.5 * ajj * (nb + old) - r) + pj * (fabs(nb) - fabs(old));
			b[j] = nb;
			for (int k = 0; k < m; k++)
				ab[k] += dj * a[(size_t)k * m + j];
		}
		sweep++;
		if (dec <= tol)
			break;
	}
	free(ab);
	if (dec_out)
		*dec_out = dec;
	return sweep;
}

/* ------------------------------------------------------------ L-BFGS */

#define LBFGS_M 10

static double
dot(const double *a, const double *b, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static void
mask(double *g, const bool *fixed, int n)
{
	if (fixed)
		for (int i = 0; i < n; i++)
			if (fixed[i])
				g[i] = 0;
}

/* d = -H g by the two-loop recursion over the k stored pairs (the newest
 * at (head - 1) mod M). */
static void
lbfgs_direction(int n, int k, int head, const double *S, const double *Y, const double *rho, const double *g,
    double *d)
{
	double alpha[LBFGS_M];
	for (int i = 0; i < n; i++)
		d[i] = g[i];
	for (int t = 0; t < k; t++) {
		int s = (head - 1 - t + LBFGS_M) % LBFGS_M;
		alpha[s] = rho[s] * dot(S + (size_t)s * n, d, n);
		for (int i = 0; i < n; i++)
			d[i] -= alpha[s] * Y[(size_t)s * n + i];
	}
	if (k > 0) {
		int s = (head - 1 + LBFGS_M) % LBFGS_M;
		double gamma = 1 / (rho[s] * dot(Y + (size_t)s * n, Y + (size_t)s * n, n));
		for (int i = 0; i < n; i++)
			d[i] *= gamma;
	}
	for (int t = k - 1; t >= 0; t--) {
		int s = (head - 1 - t + LBFGS_M) % LBFGS_M;
		double beta = rho[s] * dot(Y + (size_t)s * n, d, n);
		for (int i = 0; i < n; i++)
			d[i] += (alpha[s] - beta) * S[(size_t)s * n + i];
	}
	for (int i = 0; i < n; i++)
		d[i] = -d[i];
}

void
ml_glm_lbfgs(struct ml_glm_lbfgs *o, double *x)
{
	int n = o->nvar;
	size_t sz = sizeof(double) * (size_t)(n ? n : 1);
	double *g = xmalloc(sz), *d = xmalloc(sz), *xn = xmalloc(sz), *gn = xmalloc(sz);
	double *S = xmalloc(sz * LBFGS_M), *Y = xmalloc(sz * LBFGS_M), rho[LBFGS_M];
	int k = 0, head = 0;
	double f = o->fg(o->ctx, x, g), last_dec = INFINITY;
	mask(g, o->fixed, n);
	o->iterations = 0;
	o->converged = o->stopped = o->ls_failed = false;
	o->rel = NAN;
	for (int it = 0; it < o->max_iter; it++) {
		double gmax = 0;
		for (int i = 0; i < n; i++)
			gmax = fmax(gmax, fabs(g[i]));
		if (gmax == 0) {
			o->converged = true;
			o->rel = 0;
			break;
		}
		lbfgs_direction(n, k, head, S, Y, rho, g, d);
		mask(d, o->fixed, n);
		double gd = dot(g, d, n);
		if (!(gd < 0)) {
			/* not a descent direction (a poor curvature pair): restart */
			k = 0;
			for (int i = 0; i < n; i++)
				d[i] = -g[i];
			gd = -dot(g, g, n);
		}
		double t = 1;
		if (k == 0) {
			double gn2 = sqrt(dot(g, g, n));
			t = gn2 > 1 ? 1 / gn2 : 1;
		}
		/* weak Wolfe by bisection and doubling; the slack absorbs the
		 * rounding of f summed over many rows */
		double lo = 0, hi = INFINITY, fn = NAN, slack = 10 * DBL_EPSILON * fabs(f);
		bool ok = false;
		for (int ls = 0; ls < 60; ls++) {
			for (int i = 0; i < n; i++)
				xn[i] = x[i] + t * d[i];
			fn = o->fg(o->ctx, xn, gn);
			mask(gn, o->fixed, n);
			if (!(fn <= f + 1e-4 * t * gd + slack))
				hi = t;
			else if (dot(gn, d, n) < 0.9 * gd)
				lo = t;
			else {
				ok = true;
				break;
			}
			t = isinf(hi) ? 2 * lo : 0.5 * (lo + hi);
		}
		if (!ok && lo > 0) {
			for (int i = 0; i < n; i++)
				xn[i] = x[i] + lo * d[i];
			fn = o->fg(o->ctx, xn, gn);
			mask(gn, o->fixed, n);
			ok = fn <= f + slack;
		}
		if (!ok) {
			o->ls_failed = true;
			o->converged = gmax <= 1e3 * o->tol * fabs(f);
			break;
		}
		/* the new curvature pair, kept when it is positive */
		double *s = S + (size_t)head * n, *y = Y + (size_t)head * n;
		for (int i = 0; i < n; i++) {
			s[i] = xn[i] - x[i];
			y[i] = gn[i] - g[i];
		}
		double sy = dot(s, y, n);
		if (sy > DBL_EPSILON * dot(y, y, n)) {
			rho[head] = 1 / sy;
			head = (head + 1) % LBFGS_M;
			if (k < LBFGS_M)
				k++;
		}
		last_dec = f - fn;
		o->rel = fn != 0 ? last_dec / fabs(fn) : 0;
		f = fn;
		memcpy(x, xn, sz);
		memcpy(g, gn, sz);
		o->iterations = it + 1;
		if (o->iter && o->iter(o->ctx, it, x, f)) {
			o->stopped = true;
			break;
		}
		gmax = 0;
		for (int i = 0; i < n; i++)
			gmax = fmax(gmax, fabs(g[i]));
		if (last_dec <= o->tol * fabs(f) && gmax <= 1e3 * o->tol * fabs(f)) {
			o->converged = true;
			break;
		}
	}
	o->f = f;
	free(g);
	free(d);
	free(xn);
	free(gn);
	free(S);
	free(Y);
}

/* ------------------------------------------------------------ the model */

struct ml_glm *
ml_glm_new(int p, int nclass, int nset)
{
	struct ml_glm *g = xcalloc(1, sizeof *g);
	g->p = p;
	g->nclass = nclass;
	g->nset = nset;
	g->coef = xcalloc((size_t)nset * (size_t)(p + 1), sizeof *g->coef);
	g->aliased = xcalloc((size_t)p + 1, 1);
	g->rank = -1;
	g->sigma = g->df = NAN;
	return g;
}

void
ml_glm_free(void *m)
{
	struct ml_glm *g = m;
	if (g == NULL)
		return;
	free(g->coef);
	free(g->cov);
	free(g->aliased);
	free(g);
}

/* out[i * stride] = b0 + x_i . b over n rows */
static void
linear_predictor(const double *coef, int p, const double *x, int n, int ld, double *out, int stride)
{
	for (int i = 0; i < n; i++)
		out[(size_t)i * stride] = coef[0];
	for (int j = 0; j < p; j++) {
		double b = coef[j + 1];
		const double *xj = x + (size_t)j * ld;
		if (b != 0)
			for (int i = 0; i < n; i++)
				out[(size_t)i * stride] += b * xj[i];
	}
}

void
ml_glm_predict(const void *m, const double *x, int n, double *out)
{
	const struct ml_glm *g = m;
	int p1 = g->p + 1;
	if (g->nclass == 0) {
		linear_predictor(g->coef, g->p, x, n, n, out, 1);
		return;
	}
	if (g->nclass == 2) {
		/* eta into out[2i + 1], then both probabilities without
		 * cancellation: 1 / (1 + e^-eta) and 1 / (1 + e^eta) */
		linear_predictor(g->coef, g->p, x, n, n, out + 1, 2);
		for (int i = 0; i < n; i++) {
			double eta = out[2 * i + 1];
			out[2 * i] = 1 / (1 + exp(eta));
			out[2 * i + 1] = 1 / (1 + exp(-eta));
		}
		return;
	}
	int K = g->nclass;
	for (int k = 0; k < K; k++)
		linear_predictor(g->coef + (size_t)k * p1, g->p, x, n, n, out + k, K);
	for (int i = 0; i < n; i++) {
		double *o = out + (size_t)i * K, mx = o[0], s = 0;
		for (int k = 1; k < K; k++)
			mx = fmax(mx, o[k]);
		for (int k = 0; k < K; k++) {
			o[k] = exp(o[k] - mx);
			s += o[k];
		}
		for (int k = 0; k < K; k++)
			o[k] /= s;
	}
}

void
ml_glm_importance(const void *m, double *out)
{
	const struct ml_glm *g = m;
	int p1 = g->p + 1;
	for (int j = 0; j < g->p; j++) {
		double s = 0;
		for (int k = 0; k < g->nset; k++)
			s += fabs(g->coef[(size_t)k * p1 + j + 1]);
		out[j] = s / g->nset;
	}
}

void
ml_glm_describe(const void *m, struct ml_kv *kv)
{
	const struct ml_glm *g = m;
	int p1 = g->p + 1;
	ml_kv_add(kv, "optimize_strategy", "%s", ml_glm_strategy_names[g->strategy]);
	ml_kv_add(kv, "iterations", "%d", g->iterations);
	ml_kv_add(kv, "converged", "%s", g->converged ? "yes" : "no");
	ml_kv_add(kv, "objective", "%.10g", g->objective);
	ml_kv_add(kv, "loss", "%.10g", g->objective / g->sumw);
	ml_kv_add(kv, "l2_reg", "%.10g", g->l2);
	ml_kv_add(kv, "l1_reg", "%.10g", g->l1);
	ml_kv_add(kv, "fit_intercept", "%s", g->intercept ? "true" : "false");
	ml_kv_add(kv, "training rows", "%lld", (long long)g->nrows);
	ml_kv_add(kv, "sum of weights", "%.10g", g->sumw);
	if (g->nclass > 0)
		ml_kv_add(kv, "classes", "%d%s", g->nclass, g->nclass > 2 ? " (multinomial)" : "");
	if (g->rank >= 0)
		ml_kv_add(kv, "rank", "%d", g->rank);
	int nal = 0;
	for (int j = 1; j < p1; j++)
		nal += g->aliased[j] != 0;
	if (nal > 0) {
		char buf[200];
		int len = 0;
		for (int j = 1; j < p1 && len < (int)sizeof buf - 16; j++)
			if (g->aliased[j])
				len += snprintf(buf + len, sizeof buf - (size_t)len, "%s%d", len ? ", " : "", j);
		ml_kv_add(kv, "aliased features", "%d (feature %s)", nal, buf);
	}
	if (isfinite(g->sigma))
		ml_kv_add(kv, "residual standard error", "%.10g on %.0f degrees of freedom", g->sigma, g->df);
	if (g->l1 > 0) {
		int nz = 0;
		for (int k = 0; k < g->nset; k++)
			for (int j = 1; j < p1; j++)
				nz += g->coef[(size_t)k * p1 + j] != 0;
		ml_kv_add(kv, "nonzero coefficients", "%d of %d", nz, g->nset * g->p);
	}
	ml_kv_add(kv, "standard errors", "%s", g->cov ? "yes" : g->l1 > 0 || g->l2 > 0 ? "no (regularized)" :
	    g->nset > 1 ? "no (multinomial)" : "no");
}

void
ml_glm_coefs(const void *m, const double **est, const double **cov)
{
	const struct ml_glm *g = m;
	if (g->nset > 1) {
		*est = NULL;
		*cov = NULL;
		return;
	}
	*est = g->coef;
	*cov = g->cov;
}

void
ml_glm_save(const void *m, struct ml_wbuf *b)
{
	const struct ml_glm *g = m;
	size_t p1 = (size_t)g->p + 1;
	ml_w_u32(b, GLM_MAGIC);
	ml_w_u8(b, g->nclass > 0);
	ml_w_u32(b, (uint32_t)g->p);
	ml_w_u32(b, (uint32_t)g->nclass);
	ml_w_u32(b, (uint32_t)g->nset);
	ml_w_u8(b, (uint8_t)g->strategy);
	ml_w_u8(b, g->intercept);
	ml_w_u8(b, g->converged);
	ml_w_u32(b, (uint32_t)g->iterations);
	ml_w_f64(b, g->l2);
	ml_w_f64(b, g->l1);
	ml_w_f64(b, g->objective);
	ml_w_f64(b, g->sumw);
	ml_w_f64(b, g->sigma);
	ml_w_f64(b, g->df);
	ml_w_i64(b, g->nrows);
	ml_w_u32(b, (uint32_t)g->rank);
	ml_w_f64s(b, g->coef, (size_t)g->nset * p1);
	for (size_t j = 0; j < p1; j++)
		ml_w_u8(b, g->aliased[j]);
	ml_w_u8(b, g->cov != NULL);
	if (g->cov)
		ml_w_f64s(b, g->cov, p1 * p1);
}

static void *
load_bad(struct ml_glm *g, struct wb_error *err, const char *what)
{
	err_set(err, -1, "the linear model's saved state is corrupt (%s)", what);
	err_hint(err, "train the model again");
	ml_glm_free(g);
	return NULL;
}

void *
ml_glm_load(struct ml_rbuf *r, int p, int nclass, bool logistic, struct wb_error *err)
{
	uint32_t magic = ml_r_u32(r);
	uint8_t kind = ml_r_u8(r);
	uint32_t sp = ml_r_u32(r), snc = ml_r_u32(r), nset = ml_r_u32(r);
	if (!ml_r_ok(r))
		return load_bad(NULL, err, "truncated header");
	if (magic != GLM_MAGIC)
		return load_bad(NULL, err, "not a linear model, or a newer format");
	if (kind != (logistic ? 1 : 0))
		return load_bad(NULL, err, "the payload is of the other linear kind");
	if (p < 0 || sp != (uint32_t)p)
		return load_bad(NULL, err, "feature count differs from the model's");
	if (logistic ? (nclass < 2 || snc != (uint32_t)nclass || nset != (nclass == 2 ? 1u : (uint32_t)nclass)) :
	    (snc != 0 || nset != 1))
		return load_bad(NULL, err, "class count differs from the model's");
	uint64_t p1 = (uint64_t)sp + 1;
	/* the coefficients, flags and covariance must all be in the buffer
	 * before anything sized by the counts is allocated */
	if (!ml_r_fits(r, (uint64_t)nset * p1, 8))
		return load_bad(NULL, err, "truncated coefficients");
	struct ml_glm *g = ml_glm_new(p, logistic ? nclass : 0, (int)nset);
	uint8_t strategy = ml_r_u8(r);
	uint8_t icpt = ml_r_u8(r), conv = ml_r_u8(r);
	uint32_t iters = ml_r_u32(r);
	g->l2 = ml_r_f64(r);
	g->l1 = ml_r_f64(r);
	g->objective = ml_r_f64(r);
	g->sumw = ml_r_f64(r);
	g->sigma = ml_r_f64(r);
	g->df = ml_r_f64(r);
	g->nrows = ml_r_i64(r);
	g->rank = (int32_t)ml_r_u32(r);
	if (!ml_r_ok(r))
		return load_bad(g, err, "truncated header");
	if (strategy > GLM_CD || strategy == GLM_AUTO || icpt > 1 || conv > 1 || iters > INT32_MAX)
		return load_bad(g, err, "bad fit flags");
	if (!(g->l2 >= 0) || !(g->l1 >= 0) || !isfinite(g->l2) || !isfinite(g->l1) || !(g->sumw > 0) ||
	    g->nrows < 0 || g->rank < -1 || (int64_t)g->rank > (int64_t)p1)
		return load_bad(g, err, "bad fit summary");
	g->strategy = (enum ml_glm_strategy)strategy;
	g->intercept = icpt;
	g->converged = conv;
	g->iterations = (int)iters;
	if (!ml_r_fits(r, (uint64_t)nset * p1, 8))
		return load_bad(g, err, "truncated coefficients");
	ml_r_f64s(r, g->coef, (size_t)nset * p1);
	for (uint64_t i = 0; i < (uint64_t)nset * p1; i++)
		if (!isfinite(g->coef[i]))
			return load_bad(g, err, "a coefficient is not finite");
	if (!ml_r_fits(r, p1, 1))
		return load_bad(g, err, "truncated flags");
	for (uint64_t j = 0; j < p1; j++) {
		g->aliased[j] = ml_r_u8(r);
		if (g->aliased[j] > 1)
			return load_bad(g, err, "bad aliased flag");
	}
	uint8_t hascov = ml_r_u8(r);
	if (!ml_r_ok(r) || hascov > 1 || (hascov && nset != 1))
		return load_bad(g, err, "bad covariance flag");
	if (hascov) {
		if (!ml_r_fits(r, p1 * p1, 8))
			return load_bad(g, err, "truncated covariance");
		g->cov = xmalloc(sizeof *g->cov * (size_t)(p1 * p1));
		ml_r_f64s(r, g->cov, (size_t)(p1 * p1));
		for (uint64_t i = 0; i < p1 * p1; i++)
			if (isinf(g->cov[i]))
				return load_bad(g, err, "an infinite covariance");
	}
	if (!ml_r_ok(r))
		return load_bad(g, err, "truncated");
	return g;
}

void
ml_glm_note_convergence(struct ml_log *log, bool converged, int iterations, double rel, const char *unit)
{
	const char *s = iterations == 1 ? "" : "s";
	if (converged)
		ml_log_note(log, "converged after %d %s%s", iterations, unit, s);
	else
		ml_log_note(log, "did not converge in %d %s%s (relative change %.3g); raise max_iterations", iterations,
		    unit, s, rel);
}
