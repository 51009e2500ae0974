/*
 * ml_linear: linear_reg, least squares with optional ridge and lasso
 * (elastic-net) penalties.
 *
 * Objective, over rows i with weights w_i (1 when the data has none) and
 * the intercept b0 never penalized:
 *
 *   (1/2) sum_i w_i (y_i - b0 - x_i.b)^2 + (l2_reg/2) ||b||^2 + l1_reg ||b||_1
 *
 * so l2_reg is scikit-learn's Ridge(alpha), and Lasso(alpha) is
 * l1_reg = alpha * sum(w) (sum(w) = n without weights); ElasticNet(alpha,
 * l1_ratio r) is l1_reg = alpha r sum(w), l2_reg = alpha (1 - r) sum(w).
 *
 * Options (ml_glm_options):
 *   l2_reg = 0, l1_reg = 0, fit_intercept = TRUE,
 *   optimize_strategy = 'auto' | 'qr' | 'coordinate_descent'
 *     auto: qr when l1_reg = 0, else coordinate_descent. 'irls' and
 *     'lbfgs' are logistic_reg's and are rejected, as is 'qr' with
 *     l1_reg > 0.
 *   max_iterations = 10000: coordinate-descent sweeps (each costs p^2,
 *     not n: they run on the Gram matrix). QR is one pass.
 *   min_rel_progress = 1e-20: coordinate descent stops when a sweep lowers
 *     the objective by at most this fraction of it. The decrease is summed
 *     coordinate by coordinate from local terms, so it is exact down to
 *     rounding even this far below the objective's own precision, and a
 *     sweep costs p^2: the tight default runs to ~1e-10 agreement with
 *     scikit-learn in a few dozen sweeps.
 *
 * qr: rows scaled by sqrt(w_i) go through the long-double sequential
 * Householder QR of stats_lsq (one factor per task of rows, the factors
 * stacked in task order); ridge adds the rows sqrt(l2_reg) e_j. Without
 * penalty the covariance is sigma^2 (X'WX)^-1 with sigma^2 = weighted
 * RSS / (rows of positive weight - rank), as R's lm. A column that is
 * (numerically) a combination of the columns before it is aliased like
 * R's lm (tolerance 1e-7 on the QR's diagonal relative to the column's
 * norm): coefficient 0, its row and column of the covariance NaN, and a
 * note naming it. With fit_intercept = FALSE the intercept is a known 0:
 * its row and column of the covariance are 0 (not NaN), so that mapping
 * the coefficients back to unstandardized features stays finite.
 *
 * coordinate_descent: the weighted means, then the Gram matrix of the
 * centered [X | y] in one parallel pass; cyclic coordinate descent with
 * soft thresholding on it (the intercept is ybar - xbar.b). No standard
 * errors.
 *
 * Training log: loss is the objective divided by sum(w); eval_loss, on the
 * held-out rows when there are some, is half their mean squared error.
 */
#include "ml/ml.h"
#include "ml/ml_glm.h"
#include "core/pool.h"
#include "core/xmalloc.h"
#include "stats/stats_lsq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LINEAR_QR_TOL 1e-7
#define LINEAR_CD_ITER 10000
#define LINEAR_CD_TOL 1e-20
/* The Gram matrix and QR factors are p^2 (the factors in long double: 256
 * MB at this size): beyond this many features the memory and the p^3
 * solve are no longer reasonable. */
#define LINEAR_MAX_P 4000

/* ------------------------------------------------------------ qr */

struct qr_job {
	const struct ml_data *d;
	bool intercept;
	int ntasks;
	struct stats_lsq *q;        /* [ntasks] */
	long double *ss;            /* [ntasks][m]: column sums of squares */
};

/* Rows [lo, hi) scaled by sqrt(w) into the task's own factor, columns
 * (1 or 0, x_1 .. x_p, y). */
static void
qr_task(void *arg, int task, int worker)
{
	struct qr_job *J = arg;
	const struct ml_data *d = J->d;
	int p = d->p, m = p + 2;
	int64_t lo, hi, n = d->n;
	ml_glm_task_rows(n, J->ntasks, task, &lo, &hi);
	struct stats_lsq *q = &J->q[task];
	stats_lsq_init(q, p + 1);
	long double *cols = xmalloc(sizeof *cols * (size_t)m * STATS_LSQ_BLOCK), sw[STATS_LSQ_BLOCK];
	long double *ss = J->ss + (size_t)task * m;
	for (int64_t i0 = lo; i0 < hi; i0 += STATS_LSQ_BLOCK) {
		int nb = hi - i0 < STATS_LSQ_BLOCK ? (int)(hi - i0) : STATS_LSQ_BLOCK;
		for (int r = 0; r < nb; r++)
			sw[r] = sqrtl(d->w ? (long double)d->w[i0 + r] : 1.0L);
		for (int r = 0; r < nb; r++)
			cols[r] = J->intercept ? sw[r] : 0;
		for (int j = 0; j < p; j++) {
			const double *xj = d->x + (size_t)j * n + i0;
			long double *c = cols + (size_t)(j + 1) * STATS_LSQ_BLOCK;
			for (int r = 0; r < nb; r++)
				c[r] = sw[r] * xj[r];
		}
		long double *cy = cols + (size_t)(p + 1) * STATS_LSQ_BLOCK;
		for (int r = 0; r < nb; r++)
			cy[r] = sw[r] * d->y[i0 + r];
		for (int k = 0; k < m; k++) {
			const long double *c = cols + (size_t)k * STATS_LSQ_BLOCK;
			long double s = 0;
			for (int r = 0; r < nb; r++)
				s += c[r] * c[r];
			ss[k] += s;
		}
		stats_lsq_add_block(q, cols, nb);
	}
	free(cols);
}

/* Rows given row-major (nrows x m) into q, 64 at a time. */
static void
qr_add_rows(struct stats_lsq *q, const long double *rows, int nrows, int m, long double *buf)
{
	for (int r0 = 0; r0 < nrows; r0 += STATS_LSQ_BLOCK) {
		int nb = nrows - r0 < STATS_LSQ_BLOCK ? nrows - r0 : STATS_LSQ_BLOCK;
		for (int k = 0; k < m; k++)
			for (int r = 0; r < nb; r++)
				buf[(size_t)k * STATS_LSQ_BLOCK + r] = rows[(size_t)(r0 + r) * m + k];
		stats_lsq_add_block(q, buf, nb);
	}
}

/* Half the mean squared error on the held-out rows (NaN without them). */
static double
linear_eval(const struct ml_data *d, const double *coef)
{
	if (d->nv <= 0 || d->xv == NULL)
		return NAN;
	double s = 0, *f = xmalloc(sizeof *f * ML_CHUNK);
	for (int64_t i0 = 0; i0 < d->nv; i0 += ML_CHUNK) {
		int nb = d->nv - i0 < ML_CHUNK ? (int)(d->nv - i0) : ML_CHUNK;
		for (int i = 0; i < nb; i++)
			f[i] = coef[0];
		for (int j = 0; j < d->p; j++) {
			const double *xj = d->xv + (size_t)j * d->nv + i0;
			for (int i = 0; i < nb; i++)
				f[i] += coef[j + 1] * xj[i];
		}
		for (int i = 0; i < nb; i++) {
			double e = d->yv[i0 + i] - f[i];
			s += e * e;
		}
	}
	free(f);
	return 0.5 * s / (double)d->nv;
}

static void
note_aliased(struct ml_log *log, const struct ml_data *d, const uint8_t *aliased)
{
	char buf[32];
	int nal = 0;
	for (int j = 0; j < d->p; j++)
		nal += aliased[j + 1];
	if (nal == 0)
		return;
	char *names = xstrdup("");
	for (int j = 0, k = 0; j < d->p; j++)
		if (aliased[j + 1]) {
			char *t = xasprintf("%s%s%s", names, k++ ? ", " : "", ml_glm_name(d, j, buf, sizeof buf));
			free(names);
			names = t;
		}
	ml_log_note(log, "%d feature%s collinear with the features before %s (aliased: coefficient 0, standard error NaN): %s",
	    nal, nal > 1 ? "s are" : " is", nal > 1 ? "them" : "it", names);
	free(names);
}

static struct ml_glm *
linear_qr(const struct ml_data *d, const struct ml_glm_opts *go, double sumw, int64_t npos, struct ml_log *log,
    struct wb_error *err)
{
	int p = d->p, m = p + 2;
	struct qr_job J = {d, go->intercept, 0, NULL, NULL};
	J.ntasks = ml_glm_ntasks(d->n, (size_t)m * (m + STATS_LSQ_BLOCK) * 2);
	J.q = xcalloc((size_t)J.ntasks, sizeof *J.q);
	J.ss = xcalloc((size_t)J.ntasks * m, sizeof *J.ss);
	pool_run(J.ntasks, qr_task, &J);
	if (ml_log_cancelled(log)) {
		for (int t = 0; t < J.ntasks; t++)
			stats_lsq_free(&J.q[t]);
		free(J.q);
		free(J.ss);
		err_set(err, -1, "training cancelled");
		return NULL;
	}

	/* the other tasks' factors go into the first one, in task order: a
	 * task's factor and its rows not yet folded stand for its rows */
	struct stats_lsq *fin = &J.q[0];
	long double *buf = xmalloc(sizeof *buf * (size_t)m * STATS_LSQ_BLOCK);
	long double *norm = xcalloc((size_t)m, sizeof *norm);
	for (int t = 0; t < J.ntasks; t++) {
		if (t > 0) {
			qr_add_rows(fin, J.q[t].r, m, m, buf);
			stats_lsq_add_block(fin, J.q[t].blk, J.q[t].nb);
			stats_lsq_free(&J.q[t]);
		}
		for (int k = 0; k < m; k++)
			norm[k] += J.ss[(size_t)t * m + k];
	}
	if (go->l2 > 0) {
		long double *rows = xcalloc((size_t)p * m, sizeof *rows);
		for (int j = 0; j < p; j++) {
			rows[(size_t)j * m + j + 1] = sqrtl((long double)go->l2);
			norm[j + 1] += go->l2;
		}
		qr_add_rows(fin, rows, p, m, buf);
		free(rows);
	}
	for (int k = 0; k < m; k++)
		norm[k] = sqrtl(norm[k]);
	struct stats_lsq_fit fit;
	stats_lsq_solve(fin, norm, LINEAR_QR_TOL, &fit);

	struct ml_glm *g = ml_glm_new(p, 0, 1);
	int p1 = p + 1;
	for (int j = 0; j < p1; j++) {
		g->coef[j] = (double)fit.coef[j];
		g->aliased[j] = fit.aliased[j] && (j > 0 || go->intercept);
	}
	g->rank = fit.rank;
	g->objective = 0.5 * (double)fit.rss;
	bool plain = go->l2 == 0;
	if (plain) {
		g->df = (double)(npos - fit.rank);
		double s2 = g->df > 0 ? (double)fit.rss / g->df : NAN;
		g->sigma = sqrt(s2);
		g->cov = xmalloc(sizeof *g->cov * (size_t)p1 * p1);
		for (size_t i = 0; i < (size_t)p1 * p1; i++)
			g->cov[i] = NAN;
		int k = fit.rank;
		for (int a = 0; a < k; a++)
			for (int b = a; b < k; b++) {
				long double s = 0;
				for (int l = b; l < k; l++)
					s += fit.rinv[a * k + l] * fit.rinv[b * k + l];
				double v = (double)(s * (long double)s2);
				g->cov[(size_t)fit.kept[a] * p1 + fit.kept[b]] = v;
				g->cov[(size_t)fit.kept[b] * p1 + fit.kept[a]] = v;
			}
		if (!go->intercept)
			for (int j = 0; j < p1; j++)
				g->cov[j] = g->cov[(size_t)j * p1] = 0;   /* a known 0, not an estimate */
	}
	note_aliased(log, d, g->aliased);
	if (fit.rank == 0)
		ml_log_note(log, "no column could be estimated: every coefficient is 0");
	stats_lsq_fit_free(&fit);
	stats_lsq_free(fin);
	free(buf);
	free(norm);
	free(J.q);
	free(J.ss);
	g->iterations = 1;
	g->converged = true;
	ml_log_step(log, 0, g->objective / sumw, linear_eval(d, g->coef));
	ml_glm_note_convergence(log, true, 1, 0, "iteration");
	ml_log_progress(log, 1, 1, "iterations");
	return g;
}

/* ------------------------------------------------------------ coordinate descent */

/* Moments (sum w, sum w x_j, sum w y) and then the Gram matrix of the
 * centered, weighted [X | y]; both by tasks reduced in order. */
struct cd_job {
	const double *x, *y, *w;
	int64_t n;
	int p, ntasks;
	const double *mean;         /* p + 1 (x then y); NULL in the moments pass */
	double *part;               /* per task */
	double *scratch;            /* per worker: the centered block, v, the Gram kernel's */
};

static void
moments_task(void *arg, int task, int worker)
{
	struct cd_job *J = arg;
	int64_t lo, hi;
	ml_glm_task_rows(J->n, J->ntasks, task, &lo, &hi);
	double *s = J->part + (size_t)task * (J->p + 2);
	double sw = 0, sy = 0;
	for (int64_t i = lo; i < hi; i++) {
		double w = J->w ? J->w[i] : 1;
		sw += w;
		sy += w * J->y[i];
	}
	s[0] = sw;
	s[J->p + 1] = sy;
	for (int j = 0; j < J->p; j++) {
		const double *xj = J->x + (size_t)j * J->n;
		double t = 0;
		if (J->w)
			for (int64_t i = lo; i < hi; i++)
				t += J->w[i] * xj[i];
		else
			for (int64_t i = lo; i < hi; i++)
				t += xj[i];
		s[j + 1] = t;
	}
}

static void
gram_task(void *arg, int task, int worker)
{
	struct cd_job *J = arg;
	int m = J->p + 1;
	int64_t lo, hi;
	ml_glm_task_rows(J->n, J->ntasks, task, &lo, &hi);
	double *h = J->part + (size_t)task * m * m;
	double *c = J->scratch + (size_t)worker * ((m + 1) * GLM_BLOCK + GLM_GRAM_SCRATCH(m));
	double *v = c + (size_t)m * GLM_BLOCK, *u = v + GLM_BLOCK;
	const double *cols[m];
	for (int k = 0; k < m; k++)
		cols[k] = c + (size_t)k * GLM_BLOCK;
	for (int64_t i0 = lo; i0 < hi; i0 += GLM_BLOCK) {
		int nb = hi - i0 < GLM_BLOCK ? (int)(hi - i0) : GLM_BLOCK;
		for (int k = 0; k < m; k++) {
			const double *src = k < J->p ? J->x + (size_t)k * J->n + i0 : J->y + i0;
			double mk = J->mean[k], *dst = c + (size_t)k * GLM_BLOCK;
			for (int i = 0; i < nb; i++)
				dst[i] = src[i] - mk;
		}
		for (int i = 0; i < nb; i++)
			v[i] = J->w ? J->w[i0 + i] : 1;
		ml_glm_gram_block(cols, m, nb, v, u, h);
	}
}

/* The weighted Gram matrix (p+1)^2 of [X | y] centered at mean (p + 1),
 * full symmetric. */
static double *
centered_gram(const double *x, const double *y, const double *w, int64_t n, int p, const double *mean)
{
	int m = p + 1;
	struct cd_job J = {x, y, w, n, p, 0, mean, NULL, NULL};
	J.ntasks = ml_glm_ntasks(n, (size_t)m * m);
	J.part = xcalloc((size_t)J.ntasks * m * m, sizeof *J.part);
	J.scratch = xmalloc(sizeof *J.scratch * (size_t)pool_size() * ((m + 1) * GLM_BLOCK + GLM_GRAM_SCRATCH(m)));
	pool_run(J.ntasks, gram_task, &J);
	double *g = xcalloc((size_t)m * m, sizeof *g);
	for (int t = 0; t < J.ntasks; t++)
		for (size_t i = 0; i < (size_t)m * m; i++)
			g[i] += J.part[(size_t)t * m * m + i];
	ml_glm_symmetrize(g, m);
	free(J.part);
	free(J.scratch);
	return g;
}

static struct ml_glm *
linear_cd(const struct ml_data *d, const struct ml_glm_opts *go, double sumw, int64_t npos, struct ml_log *log,
    struct wb_error *err)
{
	int p = d->p, m = p + 1;
	double *mean = xcalloc((size_t)m, sizeof *mean);
	if (go->intercept) {
		struct cd_job J = {d->x, d->y, d->w, d->n, p, 0, NULL, NULL, NULL};
		J.ntasks = ml_glm_ntasks(d->n, (size_t)p + 2);
		J.part = xcalloc((size_t)J.ntasks * (p + 2), sizeof *J.part);
		pool_run(J.ntasks, moments_task, &J);
		double s[p + 2];
		memset(s, 0, sizeof s);
		for (int t = 0; t < J.ntasks; t++)
			for (int k = 0; k < p + 2; k++)
				s[k] += J.part[(size_t)t * (p + 2) + k];
		for (int k = 0; k < m; k++)
			mean[k] = s[k + 1] / s[0];
		free(J.part);
	}
	double *G = centered_gram(d->x, d->y, d->w, d->n, p, mean);
	/* held-out rows centered at the training means: half their MSE is
	 * then a quadratic form in b alone (the intercept is ybar - xbar.b) */
	double *V = NULL;
	if (d->nv > 0 && d->xv)
		V = centered_gram(d->xv, d->yv, NULL, d->nv, p, mean);
	double *A = xmalloc(sizeof *A * (size_t)(p ? p : 1) * (p ? p : 1)), *c = xmalloc(sizeof *c * (size_t)m);
	double *pen = xmalloc(sizeof *pen * (size_t)m), *b = xcalloc((size_t)m, sizeof *b);
	for (int j = 0; j < p; j++) {
		for (int k = 0; k < p; k++)
			A[(size_t)j * p + k] = G[(size_t)j * m + k];
		A[(size_t)j * p + j] += go->l2;
		c[j] = G[(size_t)j * m + p];
		pen[j] = go->l1;
	}
	double yy = G[(size_t)p * m + p];
	int64_t max_iter = go->max_iter ? go->max_iter : LINEAR_CD_ITER;
	double tol = go->tol >= 0 ? go->tol : LINEAR_CD_TOL, f = 0.5 * yy, rel = NAN;
	int it;
	bool converged = false;
	for (it = 0; it < max_iter; it++) {
		if (ml_log_cancelled(log)) {
			err_set(err, -1, "training cancelled");
			free(mean), free(G), free(V), free(A), free(c), free(pen), free(b);
			return NULL;
		}
		double dec;
		ml_glm_cd(p, A, c, pen, NULL, b, 1, 0, &dec);
		/* (1/2) yy - c'b + (1/2) b'Ab + l1 |b|_1 */
		double q = 0, l1n = 0, cb = 0;
		for (int j = 0; j < p; j++) {
			double s = 0;
			for (int k = 0; k < p; k++)
				s += A[(size_t)j * p + k] * b[k];
			q += b[j] * s;
			cb += c[j] * b[j];
			l1n += fabs(b[j]);
		}
		f = 0.5 * yy - cb + 0.5 * q + go->l1 * l1n;
		double ev = NAN;
		if (V) {
			double s = V[(size_t)p * m + p];
			for (int j = 0; j < p; j++) {
				s -= 2 * b[j] * V[(size_t)j * m + p];
				for (int k = 0; k < p; k++)
					s += b[j] * V[(size_t)j * m + k] * b[k];
			}
			ev = 0.5 * fmax(s, 0) / (double)d->nv;
		}
		ml_log_step(log, it, f / sumw, ev);
		ml_log_progress(log, it + 1, max_iter, "iterations");
		rel = f != 0 ? dec / fabs(f) : 0;
		if (dec <= tol * fabs(f)) {
			converged = true;
			it++;
			break;
		}
	}
	struct ml_glm *g = ml_glm_new(p, 0, 1);
	double b0 = mean[p];
	for (int j = 0; j < p; j++) {
		g->coef[j + 1] = b[j];
		b0 -= mean[j] * b[j];
	}
	g->coef[0] = go->intercept ? b0 : 0;
	g->objective = f;
	g->iterations = it;
	g->converged = converged;
	ml_glm_note_convergence(log, converged, it, rel, "iteration");
	free(mean), free(G), free(V), free(A), free(c), free(pen), free(b);
	(void)npos;
	return g;
}

/* ------------------------------------------------------------ the kind */

static void *
linear_train(const struct ml_data *d, const struct ml_opts *o, struct ml_log *log, struct wb_error *err)
{
	struct ml_glm_opts go;
	if (ml_glm_read_opts(o, &go, err) < 0)
		return NULL;
	if (go.strategy == GLM_IRLS || go.strategy == GLM_LBFGS) {
		err_set(err, go.strategy_pos, "optimize_strategy '%s' does not apply to linear_reg",
		    ml_glm_strategy_names[go.strategy]);
		err_hint(err, "linear_reg takes 'auto', 'qr' or 'coordinate_descent'");
		return NULL;
	}
	if (go.strategy == GLM_QR && go.l1 > 0) {
		err_set(err, go.strategy_pos, "optimize_strategy 'qr' cannot fit l1_reg > 0");
		err_hint(err, "use 'coordinate_descent', or 'auto', which takes it when l1_reg > 0");
		return NULL;
	}
	if (go.strategy == GLM_AUTO)
		go.strategy = go.l1 > 0 ? GLM_CD : GLM_QR;
	if (d->p > LINEAR_MAX_P) {
		err_set(err, -1, "linear_reg: %d features are more than the %d it can fit", d->p, LINEAR_MAX_P);
		err_hint(err, "use fewer features (a categorical column with many values makes many)");
		return NULL;
	}
	double sumw;
	int64_t npos;
	if (ml_glm_check_rows(d, "linear_reg", &sumw, &npos, NULL, err) < 0)
		return NULL;
	struct ml_glm *g = go.strategy == GLM_QR ? linear_qr(d, &go, sumw, npos, log, err) :
	    linear_cd(d, &go, sumw, npos, log, err);
	if (g == NULL)
		return NULL;
	g->strategy = go.strategy;
	g->intercept = go.intercept;
	g->l2 = go.l2;
	g->l1 = go.l1;
	g->sumw = sumw;
	g->nrows = npos;
	return g;
}

static void *
linear_load(struct ml_rbuf *r, int p, int nclass, struct wb_error *err)
{
	return ml_glm_load(r, p, nclass, false, err);
}

const struct ml_kind ml_kind_linear_reg = {
	.name = "linear_reg",
	.task = ML_REGRESSION,
	.summary = "linear regression: least squares with optional ridge (l2_reg) and lasso (l1_reg) penalties",
	.options = ml_glm_options,
	.standardize = true,
	.train = linear_train,
	.predict = ml_glm_predict,
	.importance = ml_glm_importance,
	.describe = ml_glm_describe,
	.coefs = ml_glm_coefs,
	.save = ml_glm_save,
	.load = linear_load,
	.free = ml_glm_free,
};
