/*
 * ml_logistic: logistic_reg, binary and multinomial (softmax) logistic
 * regression with optional ridge and lasso penalties.
 *
 * Objective, over rows i with weights w_i (1 when the data has none), the
 * intercepts never penalized:
 *
 *   sum_i w_i logloss_i + (l2_reg/2) ||b||^2 + l1_reg ||b||_1
 *
 * logloss_i = -log p_i(y_i), with p_i(1) = 1 / (1 + exp(-b0 - x_i.b)) for
 * two classes and the softmax of K coefficient sets for K > 2 (its
 * intercepts and slopes each kept summing to 0 over the classes, as
 * scikit-learn's multinomial fit does from its zero start). So
 * scikit-learn's LogisticRegression(C) with penalty 'l2' is l2_reg = 1/C,
 * and 'elasticnet' with l1_ratio r is l2_reg = (1-r)/C, l1_reg = r/C.
 *
 * Options (ml_glm_options):
 *   l2_reg = 0, l1_reg = 0, fit_intercept = TRUE,
 *   optimize_strategy = 'auto' | 'irls' | 'lbfgs' | 'coordinate_descent'
 *     irls: Newton's method (iteratively reweighted least squares) with
 *       step halving; two classes, l1_reg = 0.
 *     coordinate_descent: proximal Newton (as glmnet): each Newton
 *       quadratic minimized with its l1 term by coordinate descent, then a
 *       line search on the objective; two classes.
 *     lbfgs: limited-memory BFGS (10 pairs, weak-Wolfe line search); any
 *       number of classes, l1_reg = 0.
 *     auto: two classes: coordinate_descent when l1_reg > 0, irls when
 *       p <= 150 (a pass with the Hessian costs n p^2/2 multiply-adds and
 *       Newton needs about 3, where L-BFGS needs 15 to 100 passes of 2 n p),
 *       lbfgs beyond; more classes: lbfgs.
 *     l1_reg > 0 with more than two classes is rejected (the hint: l2_reg,
 *     or one binary model per class), as are 'qr', and 'irls' / 'lbfgs'
 *     with l1_reg > 0.
 *   max_iterations = 50 for irls and coordinate_descent (Newton steps),
 *     1000 for lbfgs.
 *   min_rel_progress = 1e-10 for irls / coordinate_descent, 1e-13 for
 *     lbfgs. Newton stops when the step it is about to take is predicted
 *     (by its quadratic model) to lower the objective by at most this
 *     fraction of it; the step is then taken without another pass over
 *     the rows (its loss in the training log is the model's, exact to third
 *     order in the step) - unless the fit has standard errors, which need
 *     the Hessian at the optimum: then every step is evaluated and the fit
 *     stops when one lowered the objective by at most the fraction. L-BFGS
 *     stops when an iteration lowered the objective by at most the fraction
 *     and the gradient's largest component is at most 1000 times it (times
 *     |objective|): its convergence is linear, and small decreases alone
 *     can leave weak directions off by 1e-4.
 *
 * Every pass over the rows (loss, gradient, Hessian X'WX) runs on the
 * thread pool in row tasks fixed by n and p, reduced in task order. Newton
 * on 200 000 rows or more starts from the fit on ~50 000 of them (runs of
 * 256 rows spread evenly over the table, penalties scaled to their share
 * of the weight): the full data then takes 2-3 Newton steps instead of
 * 4-5 (1 M rows x 20 features: 3 passes with the Hessian).
 *
 * Standard errors (coefs' covariance, the inverse Hessian at the optimum,
 * as R's glm with dispersion 1; an intercept not fitted has 0 there) for
 * an unpenalized binary fit. Without a
 * penalty, a feature that is a combination of the ones before it (in the
 * weighted design) is aliased as R's glm does - coefficient 0, NaN in the
 * covariance, a note - and if the fit separates the classes (every row on
 * its side of the boundary) training stops with a note "the classes are
 * separable along ...; set l2_reg > 0": the optimum is at infinity. Rows
 * fitted with probability numerically 0 or 1 get R's warning as a note.
 * A class without rows (of positive weight) is an error.
 *
 * Training log: loss is the objective divided by sum(w); eval_loss, on the
 * held-out rows when there are some, is their mean log loss.
 */
#include "ml/ml.h"
#include "ml/ml_glm.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LOGIT_NEWTON_ITER 50
#define LOGIT_NEWTON_TOL 1e-10
#define LOGIT_LBFGS_ITER 1000
#define LOGIT_LBFGS_TOL 1e-13
#define LOGIT_AUTO_NEWTON_P 150
#define LOGIT_MAX_NEWTON_P 4000
/* Aliasing: a pivot of the Hessian's Cholesky factor at most this
 * fraction of its diagonal (squared scale: ~3e-6 on the QR's). */
#define LOGIT_ALIAS_TOL 1e-11
/* Objective differences below this fraction are rounding of the sums. */
#define LOGIT_SLACK 1e-13
/* Unpenalized standard errors after L-BFGS cost one Hessian pass: only
 * when n (p+1)^2 is at most this. */
#define LOGIT_LBFGS_SE_WORK 4e10
/* Newton on at least LOGIT_WARM_MIN rows starts from a fit on about
 * LOGIT_WARM_ROWS of them. */
#define LOGIT_WARM_MIN 200000
#define LOGIT_WARM_ROWS 50000

/* ------------------------------------------------------------ passes */

enum { PASS_LOSS, PASS_GRAD, PASS_HESS };

/* Per-task partial results: loss, rows not strictly on their side,
 * rows fitted numerically 0 or 1, then the gradient and the Hessian. */
#define P_LOSS 0
#define P_WRONG 1
#define P_EXTREME 2
#define P_GRAD 3

struct pass {
	const double *x, *y, *w;
	int64_t n;
	int p, K;                   /* K: classes (2: one coefficient set) */
	const double *beta;         /* nset x (p + 1) */
	int mode;
	int ntasks;
	size_t stride;              /* doubles per task */
	double *part;
	double *scratch;            /* per worker */
	size_t wscratch;            /* doubles per worker */
	const double *ones;         /* GLM_BLOCK ones (the intercept's column) */
};

static void
block_eta(const struct pass *P, const double *beta, int64_t i0, int nb, double *eta)
{
	for (int i = 0; i < nb; i++)
		eta[i] = beta[0];
	for (int j = 0; j < P->p; j++) {
		double b = beta[j + 1];
		const double *xj = P->x + (size_t)j * P->n + i0;
		if (b != 0)
			for (int i = 0; i < nb; i++)
				eta[i] += b * xj[i];
	}
}

/* gradient: g_0 += sum r, g_j += x_j . r */
static void
block_grad(const struct pass *P, int64_t i0, int nb, const double *r, double *g)
{
	double s = 0;
	for (int i = 0; i < nb; i++)
		s += r[i];
	g[0] += s;
	for (int j = 0; j < P->p; j++) {
		const double *xj = P->x + (size_t)j * P->n + i0;
		double s0 = 0, s1 = 0;
		int i = 0;
		for (; i + 2 <= nb; i += 2) {
			s0 += xj[i] * r[i];
			s1 += xj[i + 1] * r[i + 1];
		}
		for (; i < nb; i++)
			s0 += xj[i] * r[i];
		g[j + 1] += s0 + s1;
	}
}

/* Rows per block: GLM_BLOCK, fewer with many features so that the block
 * of every column (~128 KB) is still in the L2 cache when the gradient
 * reads it again after the linear predictor. */
static int
pass_block(int p)
{
	int b = p > 0 ? 16384 / p : GLM_BLOCK;
	b = b < 32 ? 32 : b > GLM_BLOCK ? GLM_BLOCK : b;
	return b & ~1;
}

static void
binary_task(void *arg, int task, int worker)
{
	struct pass *P = arg;
	int p1 = P->p + 1;
	int64_t lo, hi;
	ml_glm_task_rows(P->n, P->ntasks, task, &lo, &hi);
	double *out = P->part + (size_t)task * P->stride;
	memset(out, 0, sizeof *out * P->stride);
	double *eta = P->scratch + (size_t)worker * P->wscratch, *r = eta + GLM_BLOCK, *v = r + GLM_BLOCK;
	double *u = v + GLM_BLOCK;
	const double *cols[p1];
	double loss = 0, wrong = 0, extreme = 0;
	int B = pass_block(P->p);
	for (int64_t i0 = lo; i0 < hi; i0 += B) {
		int nb = hi - i0 < B ? (int)(hi - i0) : B;
		block_eta(P, P->beta, i0, nb, eta);
		double bl = 0;
		for (int i = 0; i < nb; i++) {
			double w = P->w ? P->w[i0 + i] : 1, y = P->y[i0 + i], z = eta[i];
			double e = exp(-fabs(z)), mu = z >= 0 ? 1 / (1 + e) : e / (1 + e);
			bool one = y > 0.5;
			/* -log p(y): log1p(e), plus |z| when z is on the other side */
			bl += w * (log1p(e) + (one ? (z < 0 ? -z : 0) : (z > 0 ? z : 0)));
			if (w > 0) {
				wrong += one ? z <= 0 : z >= 0;
				extreme += e < 10 * DBL_EPSILON;
			}
			r[i] = w * (mu - y);
			v[i] = w * (e / ((1 + e) * (1 + e)));
		}
		loss += bl;
		if (P->mode >= PASS_GRAD)
			block_grad(P, i0, nb, r, out + P_GRAD);
		if (P->mode == PASS_HESS) {
			cols[0] = P->ones;
			for (int j = 0; j < P->p; j++)
				cols[j + 1] = P->x + (size_t)j * P->n + i0;
			ml_glm_gram_block(cols, p1, nb, v, u, out + P_GRAD + p1);
		}
	}
	out[P_LOSS] = loss;
	out[P_WRONG] = wrong;
	out[P_EXTREME] = extreme;
}

static void
multi_task(void *arg, int task, int worker)
{
	struct pass *P = arg;
	int p1 = P->p + 1, K = P->K;
	int64_t lo, hi;
	ml_glm_task_rows(P->n, P->ntasks, task, &lo, &hi);
	double *out = P->part + (size_t)task * P->stride;
	memset(out, 0, sizeof *out * P->stride);
	double *eta = P->scratch + (size_t)worker * P->wscratch;
	double loss = 0, wrong = 0, extreme = 0;
	int B = pass_block(P->p);
	for (int64_t i0 = lo; i0 < hi; i0 += B) {
		int nb = hi - i0 < B ? (int)(hi - i0) : B;
		for (int k = 0; k < K; k++)
			block_eta(P, P->beta + (size_t)k * p1, i0, nb, eta + (size_t)k * GLM_BLOCK);
		double bl = 0;
		for (int i = 0; i < nb; i++) {
			double w = P->w ? P->w[i0 + i] : 1;
			int y = (int)P->y[i0 + i];
			double mx = eta[i], s = 0, ey = eta[(size_t)y * GLM_BLOCK + i];
			bool strict = true;
			for (int k = 1; k < K; k++)
				mx = fmax(mx, eta[(size_t)k * GLM_BLOCK + i]);
			for (int k = 0; k < K; k++) {
				double z = eta[(size_t)k * GLM_BLOCK + i];
				s += exp(z - mx);
				if (k != y && z >= ey)
					strict = false;
			}
			double lse = mx + log(s);
			bl += w * (lse - ey);
			if (w > 0) {
				wrong += !strict;
				extreme += lse - ey < 10 * DBL_EPSILON || ey - lse < log(10 * DBL_EPSILON);
			}
			for (int k = 0; k < K; k++) {
				double *z = eta + (size_t)k * GLM_BLOCK + i;
				*z = w * (exp(*z - lse) - (k == y));
			}
		}
		loss += bl;
		if (P->mode >= PASS_GRAD)
			for (int k = 0; k < K; k++)
				block_grad(P, i0, nb, eta + (size_t)k * GLM_BLOCK, out + P_GRAD + (size_t)k * p1);
	}
	out[P_LOSS] = loss;
	out[P_WRONG] = wrong;
	out[P_EXTREME] = extreme;
}

static void
pass_init(struct pass *P, const double *x, const double *y, const double *w, int64_t n, int p, int K, bool hess)
{
	int p1 = p + 1, nset = K == 2 ? 1 : K;
	memset(P, 0, sizeof *P);
	P->x = x;
	P->y = y;
	P->w = w;
	P->n = n;
	P->p = p;
	P->K = K;
	P->stride = P_GRAD + (size_t)nset * p1 + (hess ? (size_t)p1 * p1 : 0);
	P->ntasks = ml_glm_ntasks(n, P->stride);
	P->part = xmalloc(sizeof *P->part * P->stride * (size_t)P->ntasks);
	P->wscratch = K == 2 ? 3 * GLM_BLOCK + GLM_GRAM_SCRATCH(p1) : (size_t)K * GLM_BLOCK;
	P->scratch = xmalloc(sizeof *P->scratch * P->wscratch * (size_t)pool_size());
	double *ones = xmalloc(sizeof *ones * GLM_BLOCK);
	for (int i = 0; i < GLM_BLOCK; i++)
		ones[i] = 1;
	P->ones = ones;
}

static void
pass_free(struct pass *P)
{
	free(P->part);
	free(P->scratch);
	free((void *)P->ones);
}

/* Run a pass at beta; out gets the task sums in task order (stride
 * doubles, the parts the mode computed). */
static void
pass_run(struct pass *P, const double *beta, int mode, double *out)
{
	P->beta = beta;
	P->mode = mode;
	pool_run(P->ntasks, P->K == 2 ? binary_task : multi_task, P);
	/* the tasks zeroed what the mode does not compute */
	memset(out, 0, sizeof *out * P->stride);
	for (int t = 0; t < P->ntasks; t++)
		for (size_t i = 0; i < P->stride; i++)
			out[i] += P->part[(size_t)t * P->stride + i];
}

/* ------------------------------------------------------------ the fit */

struct fit {
	const struct ml_data *d;
	struct ml_glm_opts go;
	struct ml_log *log;
	int p, p1, K, nset, nvar;
	double sumw;
	bool plain;                 /* no penalty */
	struct pass P, V;           /* training rows, held-out rows */
	bool has_v;
	double *sums;               /* stride doubles */
	double *vsums;
	bool *fixed;                /* nvar: held at 0 (intercepts when not fitted, aliased) */
	int64_t max_iter;
	double tol;
	bool newton_kind;           /* irls or coordinate_descent */
	bool se;                    /* standard errors: keep the Hessian at the optimum */
	/* the last pass, and the extreme-fit count at the last accepted point */
	double wrong, extreme, extreme_final;
	bool separated, cancelled;
	double rel;
};

/* The penalty of beta and, when g is given, its gradient added to g. */
static double
penalty(const struct fit *F, const double *beta, double *g)
{
	double s2 = 0, s1 = 0;
	for (int k = 0; k < F->nset; k++)
		for (int j = 1; j < F->p1; j++) {
			double b = beta[(size_t)k * F->p1 + j];
			s2 += b * b;
			s1 += fabs(b);
			if (g)
				g[(size_t)k * F->p1 + j] += F->go.l2 * b;
		}
	return 0.5 * F->go.l2 * s2 + F->go.l1 * s1;
}

static double
eval_loss(struct fit *F, const double *beta)
{
	if (!F->has_v)
		return NAN;
	pass_run(&F->V, beta, PASS_LOSS, F->vsums);
	return F->vsums[P_LOSS] / (double)F->d->nv;
}

/* The feature with the largest mean |coefficient|, for messages. */
static int
largest(const struct fit *F, const double *beta)
{
	int best = 0;
	double bv = -1;
	for (int j = 1; j < F->p1; j++) {
		double s = 0;
		for (int k = 0; k < F->nset; k++)
			s += fabs(beta[(size_t)k * F->p1 + j]);
		if (s > bv) {
			bv = s;
			best = j - 1;
		}
	}
	return best;
}

static void
note_separated(struct fit *F, const double *beta)
{
	char buf[32];
	if (F->p == 0)
		ml_log_note(F->log, "the classes are separable: the unpenalized fit has no finite optimum; set l2_reg > 0");
	else
		ml_log_note(F->log, "the classes are separable along %s (and the other features with large coefficients): "
		    "the unpenalized fit has no finite optimum; set l2_reg > 0",
		    ml_glm_name(F->d, largest(F, beta), buf, sizeof buf));
}

/* After each iteration: the training log, progress, cancellation and
 * the separation check. True: stop. */
static bool
after_iteration(struct fit *F, int it, const double *beta, double f)
{
	F->extreme_final = F->extreme;
	ml_log_step(F->log, it, f / F->sumw, eval_loss(F, beta));
	ml_log_progress(F->log, it + 1, F->max_iter, "iterations");
	if (ml_log_cancelled(F->log)) {
		F->cancelled = true;
		return true;
	}
	if (F->plain && F->wrong == 0) {
		F->separated = true;
		note_separated(F, beta);
		return true;
	}
	return false;
}

/* The objective at beta, with the gradient (mode >= PASS_GRAD) and the
 * Hessian (PASS_HESS) of its smooth part in F->sums. */
static double
objective(struct fit *F, const double *beta, int mode)
{
	pass_run(&F->P, beta, mode, F->sums);
	F->wrong = F->sums[P_WRONG];
	F->extreme = F->sums[P_EXTREME];
	double *g = mode >= PASS_GRAD ? F->sums + P_GRAD : NULL;
	double f = F->sums[P_LOSS] + penalty(F, beta, g);
	if (mode == PASS_HESS) {
		double *h = F->sums + P_GRAD + F->p1;
		for (int j = 1; j < F->p1; j++)
			h[(size_t)j * F->p1 + j] += F->go.l2;
		ml_glm_symmetrize(h, F->p1);
	}
	return f;
}

/* The fit's state for the rows of d (options, strategy and classes
 * already checked). */
static void
fit_start(struct fit *F, const struct ml_data *d, const struct ml_glm_opts *go, double sumw, struct ml_log *log)
{
	memset(F, 0, sizeof *F);
	F->d = d;
	F->go = *go;
	F->log = log;
	F->p = d->p;
	F->p1 = d->p + 1;
	F->K = d->nclass;
	F->nset = F->K > 2 ? F->K : 1;
	F->nvar = F->nset * F->p1;
	F->sumw = sumw;
	F->newton_kind = go->strategy == GLM_IRLS || go->strategy == GLM_CD;
	F->plain = go->l1 == 0 && go->l2 == 0;
	F->max_iter = go->max_iter ? go->max_iter : F->newton_kind ? LOGIT_NEWTON_ITER : LOGIT_LBFGS_ITER;
	F->tol = go->tol >= 0 ? go->tol : F->newton_kind ? LOGIT_NEWTON_TOL : LOGIT_LBFGS_TOL;
	F->se = F->plain && F->K == 2 && (F->newton_kind || (double)d->n * F->p1 * F->p1 <= LOGIT_LBFGS_SE_WORK);
	pass_init(&F->P, d->x, d->y, d->w, d->n, F->p, F->K, F->newton_kind || F->se);
	F->sums = xmalloc(sizeof *F->sums * F->P.stride);
	F->has_v = d->nv > 0 && d->xv && d->yv;
	if (F->has_v) {
		pass_init(&F->V, d->xv, d->yv, NULL, d->nv, F->p, F->K, false);
		F->vsums = xmalloc(sizeof *F->vsums * F->V.stride);
	}
	F->fixed = xcalloc((size_t)F->nvar, sizeof *F->fixed);
	for (int k = 0; k < F->nset; k++)
		F->fixed[(size_t)k * F->p1] = !go->intercept;
	F->rel = NAN;
}

static void
fit_end(struct fit *F)
{
	free(F->fixed);
	free(F->sums);
	free(F->vsums);
	pass_free(&F->P);
	if (F->has_v)
		pass_free(&F->V);
}

static bool newton(struct fit *F, double *beta, int *iterations, double *fout, double *hout);

/* Newton on many rows starts from the fit on a subsample: LOGIT_WARM_ROWS
 * rows in runs of GLM_BLOCK spread evenly over the table (whole runs keep
 * the copy cheap), the penalties scaled to its share of the weight. From
 * there the full data needs about two Newton steps instead of four or
 * five. Fills beta and returns true when it ran. */
static bool
warm_start(struct fit *F, double *beta)
{
	const struct ml_data *d = F->d;
	int64_t nblk = (d->n + GLM_BLOCK - 1) / GLM_BLOCK, every = nblk / (LOGIT_WARM_ROWS / GLM_BLOCK);
	if (d->n < LOGIT_WARM_MIN || every < 4)
		return false;
	int64_t m = 0;
	for (int64_t b = 0; b < nblk; b += every)
		m += d->n - b * GLM_BLOCK < GLM_BLOCK ? d->n - b * GLM_BLOCK : GLM_BLOCK;
	double *x = xmalloc(sizeof *x * (size_t)m * (d->p ? d->p : 1)), *y = xmalloc(sizeof *y * (size_t)m);
	double *w = d->w ? xmalloc(sizeof *w * (size_t)m) : NULL, sw = 0;
	int64_t at = 0;
	for (int64_t b = 0; b < nblk; b += every) {
		int64_t i0 = b * GLM_BLOCK, nb = d->n - i0 < GLM_BLOCK ? d->n - i0 : GLM_BLOCK;
		for (int j = 0; j < d->p; j++)
			memcpy(x + (size_t)j * m + at, d->x + (size_t)j * d->n + i0, sizeof *x * (size_t)nb);
		memcpy(y + at, d->y + i0, sizeof *y * (size_t)nb);
		if (w)
			memcpy(w + at, d->w + i0, sizeof *w * (size_t)nb);
		for (int64_t i = 0; i < nb; i++)
			sw += w ? w[at + i] : 1;
		at += nb;
	}
	struct ml_data sd = {.n = m, .p = d->p, .x = x, .y = y, .w = w, .nclass = d->nclass, .names = d->names};
	struct ml_glm_opts go = F->go;
	go.l2 *= sw / F->sumw;
	go.l1 *= sw / F->sumw;
	go.tol = 1e-8;
	struct ml_log quiet;
	ml_log_init(&quiet);
	quiet.cancel = F->log ? F->log->cancel : NULL;
	struct fit S;
	fit_start(&S, &sd, &go, sw, &quiet);
	S.se = false;
	int it;
	double f;
	bool ran = sw > 0;
	if (ran)
		newton(&S, beta, &it, &f, NULL);
	if (S.separated || !(f < sw * log(2.0))) {
		memset(beta, 0, sizeof *beta * (size_t)F->p1);
		ran = false;
	}
	for (int j = 0; j < F->p1; j++)
		if (F->fixed[j])
			beta[j] = 0;
	fit_end(&S);
	ml_log_free(&quiet);
	free(x), free(y), free(w);
	return ran;
}

/* Binary Newton: irls (the step from the Cholesky factor) or proximal
 * Newton (the step by coordinate descent on the quadratic with the l1
 * term), then step halving until the objective decreases enough. */
static bool
newton(struct fit *F, double *beta, int *iterations, double *fout, double *hout)
{
	int p1 = F->p1;
	bool cd = F->go.strategy == GLM_CD;
	size_t hs = (size_t)p1 * p1;
	double *g = xmalloc(sizeof *g * p1), *h = xmalloc(sizeof *h * hs), *l = xmalloc(sizeof *l * hs);
	double *delta = xmalloc(sizeof *delta * p1), *bt = xmalloc(sizeof *bt * p1), *c = xmalloc(sizeof *c * p1);
	double *pen = xmalloc(sizeof *pen * p1);
	for (int j = 0; j < p1; j++)
		pen[j] = j > 0 ? F->go.l1 : 0;
	double f;
	if (!warm_start(F, beta) || !((f = objective(F, beta, PASS_HESS)) < F->sumw * log(2.0))) {
		/* from 0 (also when the warm start is worse than 0, whose loss
		 * is log 2 a row) */
		memset(beta, 0, sizeof *beta * p1);
		f = objective(F, beta, PASS_HESS);
	}
	memcpy(g, F->sums + P_GRAD, sizeof *g * p1);
	memcpy(h, F->sums + P_GRAD + p1, sizeof *h * hs);
	if (F->plain) {
		/* aliasing, once, from the Hessian at the start (X'WX / 4) */
		ml_glm_chol(h, p1, F->fixed, LOGIT_ALIAS_TOL, l, F->fixed);
	}
	bool converged = false;
	int it;
	for (it = 0; it < F->max_iter; it++) {
		for (int j = 0; j < p1; j++)
			if (F->fixed[j])
				g[j] = 0;
		if (cd) {
			/* c = H beta - g: the quadratic model's linear term in beta */
			for (int j = 0; j < p1; j++) {
				double s = 0;
				for (int k = 0; k < p1; k++)
					s += h[(size_t)j * p1 + k] * beta[k];
				c[j] = s - g[j];
			}
			memcpy(bt, beta, sizeof *bt * p1);
			/* sweeps cost p^2, nothing next to a pass over the rows:
			 * solve the quadratic to rounding, so that the steps are
			 * Newton's and converge as fast */
			ml_glm_cd(p1, h, c, pen, F->fixed, bt, 1000, 1e-20 * fabs(f), NULL);
			for (int j = 0; j < p1; j++)
				delta[j] = bt[j] - beta[j];
		} else {
			if (ml_glm_chol(h, p1, F->fixed, 0, l, NULL) < 0) {
				ml_log_note(F->log, "the Hessian became singular (fitted probabilities numerically 0 or 1): "
				    "training stopped; set l2_reg > 0");
				break;
			}
			for (int j = 0; j < p1; j++)
				delta[j] = -g[j];
			ml_glm_chol_solve(l, p1, delta);
		}
		/* pred: the directional derivative along delta (with the l1
		 * term's change); q: the quadratic model's change */
		double pred = 0, q = 0;
		for (int j = 0; j < p1; j++) {
			double hd = 0;
			for (int k = 0; k < p1; k++)
				hd += h[(size_t)j * p1 + k] * delta[k];
			double dl1 = pen[j] * (fabs(beta[j] + delta[j]) - fabs(beta[j]));
			pred += g[j] * delta[j] + dl1;
			q += g[j] * delta[j] + 0.5 * delta[j] * hd + dl1;
		}
		if (!F->se && -q <= F->tol * fabs(f)) {
			/* Newton's stopping rule: the step's predicted decrease is
			 * below the tolerance. Near the optimum the model is exact
			 * to third order, so the step is taken and f moved by the
			 * model without another pass over the rows (the standard
			 * errors, which need the Hessian at the optimum, take the
			 * evaluated path below) */
			for (int j = 0; j < p1; j++)
				beta[j] += delta[j];
			f += q;
			F->rel = f != 0 ? -q / fabs(f) : 0;
			after_iteration(F, it, beta, f);   /* the fit is not plain here: no separation check */
			it++;
			converged = true;
			break;
		}
		double t = 1, ft = NAN;
		bool ok = false;
		for (int ls = 0; ls < 40 && !ok; ls++, t *= 0.5) {
			for (int j = 0; j < p1; j++)
				bt[j] = beta[j] + t * delta[j];
			ft = objective(F, bt, PASS_HESS);
			ok = ft <= f + 1e-4 * t * fmin(pred, 0) + LOGIT_SLACK * fabs(f);
		}
		if (!ok) {
			/* no decrease along the step: f is at its rounding floor */
			converged = !(pred < -1e3 * F->tol * fabs(f));
			if (!converged)
				ml_log_note(F->log, "the line search could not lower the objective: training stopped");
			break;
		}
		double dec = f - ft;
		memcpy(beta, bt, sizeof *beta * p1);
		f = ft;
		memcpy(g, F->sums + P_GRAD, sizeof *g * p1);
		memcpy(h, F->sums + P_GRAD + p1, sizeof *h * hs);
		F->rel = f != 0 ? dec / fabs(f) : 0;
		if (after_iteration(F, it, beta, f)) {
			it++;
			break;
		}
		if (dec <= F->tol * fabs(f)) {
			converged = true;
			it++;
			break;
		}
	}
	if (hout)
		memcpy(hout, h, sizeof *h * hs);   /* at beta when F->se */
	*fout = f;
	*iterations = it;
	free(g), free(h), free(l), free(delta), free(bt), free(c), free(pen);
	return converged;
}

static double
lbfgs_fg(void *ctx, const double *x, double *g)
{
	struct fit *F = ctx;
	double f = objective(F, x, PASS_GRAD);
	memcpy(g, F->sums + P_GRAD, sizeof *g * (size_t)F->nvar);
	return f;
}

static bool
lbfgs_iter(void *ctx, int it, const double *x, double f)
{
	return after_iteration(ctx, it, x, f);
}

/* The covariance of an unpenalized binary fit: the inverse of the
 * Hessian h at beta (computed when h is NULL); NaN for aliased
 * coefficients, 0 for an intercept not fitted. NULL when a collinearity
 * shows that was not aliased (after L-BFGS). */
static double *
covariance(struct fit *F, const double *beta, const double *h)
{
	int p1 = F->p1;
	size_t hs = (size_t)p1 * p1;
	if (h == NULL) {
		objective(F, beta, PASS_HESS);
		h = F->sums + P_GRAD + p1;
	}
	double *l = xmalloc(sizeof *l * hs), *cov = xmalloc(sizeof *cov * hs);
	bool *al = xcalloc((size_t)p1, sizeof *al);
	ml_glm_chol(h, p1, F->fixed, LOGIT_ALIAS_TOL, l, al);
	bool bad = false;
	for (int j = 0; j < p1; j++)
		bad |= al[j];
	if (bad) {
		ml_log_note(F->log, "collinear features: the coefficients are not unique and have no standard errors; "
		    "set l2_reg > 0 or use optimize_strategy 'irls'");
		free(l), free(cov), free(al);
		return NULL;
	}
	ml_glm_chol_inverse(l, p1, NAN, cov);
	if (!F->go.intercept)
		for (int j = 0; j < p1; j++)
			cov[j] = cov[(size_t)j * p1] = 0;
	free(l), free(al);
	return cov;
}

/* Rejects the strategies that do not apply and resolves 'auto'. */
static int
check_strategy(struct ml_glm_opts *go, const struct ml_data *d, struct wb_error *err)
{
	const char *name = ml_glm_strategy_names[go->strategy];
	int K = d->nclass;
	if (go->strategy == GLM_QR) {
		err_set(err, go->strategy_pos, "optimize_strategy 'qr' does not apply to logistic_reg");
		err_hint(err, "logistic_reg takes 'auto', 'irls', 'lbfgs' or 'coordinate_descent'");
		return -1;
	}
	if (K > 2 && go->l1 > 0) {
		err_set(err, -1, "logistic_reg: l1_reg is not supported with more than two classes (%d here)", K);
		err_hint(err, "set l1_reg = 0 (l2_reg works), or train one binary model per class");
		return -1;
	}
	if (K > 2 && (go->strategy == GLM_IRLS || go->strategy == GLM_CD)) {
		err_set(err, go->strategy_pos, "optimize_strategy '%s' fits two classes; the label has %d", name, K);
		err_hint(err, "use 'lbfgs' or 'auto' for more than two classes");
		return -1;
	}
	if (go->l1 > 0 && (go->strategy == GLM_IRLS || go->strategy == GLM_LBFGS)) {
		err_set(err, go->strategy_pos, "optimize_strategy '%s' cannot fit l1_reg > 0", name);
		err_hint(err, "use 'coordinate_descent', or 'auto', which takes it when l1_reg > 0");
		return -1;
	}
	if (go->strategy == GLM_AUTO)
		go->strategy = K > 2 ? GLM_LBFGS : go->l1 > 0 ? GLM_CD : d->p <= LOGIT_AUTO_NEWTON_P ? GLM_IRLS :
		    GLM_LBFGS;
	if ((go->strategy == GLM_IRLS || go->strategy == GLM_CD) && d->p > LOGIT_MAX_NEWTON_P) {
		err_set(err, go->strategy_pos, "optimize_strategy '%s' needs the (p+1)^2 Hessian: %d features are too many",
		    ml_glm_strategy_names[go->strategy], d->p);
		err_hint(err, "use 'lbfgs' (with l1_reg = 0), or fewer features");
		return -1;
	}
	return 0;
}

static int
check_classes(int K, const double *classw, struct wb_error *err)
{
	int have = 0, miss = -1;
	for (int k = 0; k < K; k++) {
		if (classw[k] > 0)
			have++;
		else if (miss < 0)
			miss = k;
	}
	if (have == K)
		return 0;
	if (have == 1)
		err_set(err, -1, "logistic_reg: all training rows are of one class");
	else
		err_set(err, -1, "logistic_reg: class %d of %d has no training rows", miss, K);
	err_hint(err, "the training rows need every class of the label (with a positive weight)");
	return -1;
}

static void *
logistic_train(const struct ml_data *d, const struct ml_opts *o, struct ml_log *log, struct wb_error *err)
{
	struct fit F;
	struct ml_glm_opts go;
	int K = d->nclass;
	if (K < 2) {
		err_set(err, -1, "logistic_reg needs a label of at least two classes (got %d)", K);
		err_hint(err, "use linear_reg for a numeric label");
		return NULL;
	}
	if (ml_glm_read_opts(o, &go, err) < 0 || check_strategy(&go, d, err) < 0)
		return NULL;
	double *classw = xcalloc((size_t)K, sizeof *classw), sumw;
	int64_t npos;
	if (ml_glm_check_rows(d, "logistic_reg", &sumw, &npos, classw, err) < 0 || check_classes(K, classw, err) < 0) {
		free(classw);
		return NULL;
	}
	free(classw);
	fit_start(&F, d, &go, sumw, log);
	bool newton_kind = F.newton_kind, se = F.se;
	double *beta = xcalloc((size_t)F.nvar, sizeof *beta), *hfin = NULL;
	bool converged;
	int iterations;
	double f;
	if (newton_kind) {
		hfin = xmalloc(sizeof *hfin * (size_t)F.p1 * F.p1);
		converged = newton(&F, beta, &iterations, &f, hfin);
	} else {
		struct ml_glm_lbfgs L = {F.nvar, lbfgs_fg, lbfgs_iter, &F, F.fixed, (int)F.max_iter, F.tol};
		ml_glm_lbfgs(&L, beta);
		converged = L.converged;
		iterations = L.iterations;
		F.rel = L.rel;
		f = L.f;
		if (L.ls_failed && !converged)
			ml_log_note(log, "the line search could not lower the objective: training stopped");
		/* softmax is unchanged by adding a vector to every class's
		 * coefficients; the gradients keep the sums over classes at 0
		 * but rounding drifts: remove the drift */
		for (int j = 0; F.nset > 1 && j < F.p1; j++) {
			double s = 0;
			for (int k = 0; k < F.nset; k++)
				s += beta[(size_t)k * F.p1 + j];
			for (int k = 0; k < F.nset; k++)
				beta[(size_t)k * F.p1 + j] -= s / F.nset;
		}
	}
	struct ml_glm *g = NULL;
	if (F.cancelled) {
		err_set(err, -1, "training cancelled");
		goto out;
	}
	double extreme = F.extreme_final;
	if (!F.separated)
		ml_glm_note_convergence(log, converged, iterations, F.rel, "iteration");
	if (F.plain && !F.separated && extreme > 0) {
		char buf[32];
		ml_log_note(log, "fitted probabilities numerically 0 or 1 occurred (%.0f rows): the classes may be "
		    "separable along %s; set l2_reg > 0", extreme, ml_glm_name(d, largest(&F, beta), buf, sizeof buf));
	}
	g = ml_glm_new(F.p, F.K, F.nset);
	memcpy(g->coef, beta, sizeof *beta * (size_t)F.nvar);
	if (F.nset == 1) {
		for (int j = 1; j < F.p1; j++)
			g->aliased[j] = F.fixed[j];
		int nal = 0;
		for (int j = 1; j < F.p1; j++)
			nal += g->aliased[j];
		if (nal > 0) {
			char buf[32];
			struct ml_kv names = {0};
			for (int j = 1; j < F.p1; j++)
				if (g->aliased[j])
					ml_kv_add(&names, "", "%s", ml_glm_name(d, j - 1, buf, sizeof buf));
			char *list = xstrdup("");
			for (int i = 0; i < names.n; i++) {
				char *t = xasprintf("%s%s%s", list, i ? ", " : "", names.vals[i]);
				free(list);
				list = t;
			}
			ml_log_note(log, "%d feature%s collinear with the features before %s (aliased: coefficient 0, "
			    "standard error NaN): %s", nal, nal > 1 ? "s are" : " is", nal > 1 ? "them" : "it", list);
			free(list);
			ml_kv_free(&names);
		}
		g->rank = 0;
		for (int j = 0; j < F.p1; j++)
			g->rank += !F.fixed[j];
	}
	if (se && !F.separated)
		g->cov = covariance(&F, beta, hfin);
	g->strategy = F.go.strategy;
	g->intercept = F.go.intercept;
	g->converged = converged;
	g->iterations = iterations;
	g->l2 = F.go.l2;
	g->l1 = F.go.l1;
	g->objective = f;
	g->sumw = F.sumw;
	g->nrows = npos;
out:
	free(beta);
	free(hfin);
	fit_end(&F);
	return g;
}

static void *
logistic_load(struct ml_rbuf *r, int p, int nclass, struct wb_error *err)
{
	return ml_glm_load(r, p, nclass, true, err);
}

const struct ml_kind ml_kind_logistic_reg = {
	.name = "logistic_reg",
	.task = ML_CLASSIFICATION,
	.summary = "logistic regression (binary or multinomial) with optional ridge (l2_reg) and lasso (l1_reg) penalties",
	.options = ml_glm_options,
	.standardize = true,
	.train = logistic_train,
	.predict = ml_glm_predict,
	.importance = ml_glm_importance,
	.describe = ml_glm_describe,
	.coefs = ml_glm_coefs,
	.save = ml_glm_save,
	.load = logistic_load,
	.free = ml_glm_free,
};
