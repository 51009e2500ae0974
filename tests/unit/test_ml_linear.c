/* Unit tests for ml/ml_linear.c and ml/ml_logistic.c (linear_reg and
 * logistic_reg): coefficients, probabilities and standard errors against
 * scikit-learn 1.2.1 and R 4.2.2 on tests/ml/linear_data.csv (the
 * references come from tests/ml/linear_ref.py, recorded in
 * tests/ml/linear_ref.inc), every strategy against the same references,
 * save/load round trips, corrupt payloads, and the documented behaviour
 * for one class, separable classes and collinear features. */
#include "tests/tap.h"

#include "core/xmalloc.h"
#include "ml/ml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lin_ref {
	const char *name;
	int weighted;
	double l2, l1;
	int intercept;
	double coef[6];
};

struct log_ref {
	const char *name;
	int weighted;
	double l2, l1;
	int intercept, K;
	double coef[18];
	double proba[15];
};

struct se_ref {
	const char *name;
	double se[6];
};

#include "tests/ml/linear_ref.inc"

#define N 300
#define P 5
#define NPROBA 5

static double X[P * N], W[N], YREG[N], YBIN[N], YMULTI[N];

static int
load_data(void)
{
	const char *srcdir = getenv("srcdir");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/ml/linear_data.csv", srcdir ? srcdir : ".");
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	char line[1024];
	if (!fgets(line, sizeof line, f)) {
		fclose(f);
		return -1;
	}
	int i = 0;
	while (i < N && fgets(line, sizeof line, f)) {
		char *s = line, *e;
		double v[9];
		for (int k = 0; k < 9; k++) {
			v[k] = strtod(s, &e);
			s = e + 1;
		}
		for (int j = 0; j < P; j++)
			X[j * N + i] = v[j];
		W[i] = v[5];
		YREG[i] = v[6];
		YBIN[i] = v[7];
		YMULTI[i] = v[8];
		i++;
	}
	fclose(f);
	return i == N ? 0 : -1;
}

/* ------------------------------------------------------------ options */

struct optset {
	struct ml_opt v[8];
	struct ml_opts o;
	char text[8][32];
};

static void
opts_init(struct optset *s)
{
	memset(s, 0, sizeof *s);
	s->o.v = s->v;
}

static void
opt_num(struct optset *s, const char *key, double v)
{
	int i = s->o.n++;
	snprintf(s->text[i], sizeof s->text[i], "%.17g", v);
	s->v[i] = (struct ml_opt){.key = (char *)key, .type = MLO_NUM, .num = v, .str = s->text[i], .pos = -1};
}

static void
opt_str(struct optset *s, const char *key, const char *v)
{
	int i = s->o.n++;
	s->v[i] = (struct ml_opt){.key = (char *)key, .type = MLO_STR, .str = (char *)v, .pos = -1};
}

static void
opt_bool(struct optset *s, const char *key, bool b)
{
	int i = s->o.n++;
	s->v[i] = (struct ml_opt){.key = (char *)key, .type = MLO_BOOL, .b = b, .str = b ? "true" : "false", .pos = -1};
}

/* ------------------------------------------------------------ helpers */

static double
relerr(double got, double want)
{
	if (want == 0)
		return fabs(got);
	return fabs(got - want) / fabs(want);
}

/* Train kind on d with the options; on failure prints the error. */
static void *
train(const struct ml_kind *k, const struct ml_data *d, struct optset *s, struct ml_log *log, struct wb_error *err)
{
	ml_log_init(log);
	err_init(err);
	void *m = k->train(d, &s->o, log, err);
	return m;
}

static bool
has_note(const struct ml_log *log, const char *needle)
{
	for (int i = 0; i < log->nnotes; i++)
		if (strstr(log->notes[i], needle))
			return true;
	return false;
}

static void
show_notes(const struct ml_log *log)
{
	for (int i = 0; i < log->nnotes; i++)
		diag("note: %s", log->notes[i]);
}

static struct ml_data
data_for(const double *y, bool weighted, int nclass)
{
	static char *names[] = {"x1", "x2", "x3", "x4", "x5"};
	struct ml_data d = {.n = N, .p = P, .x = X, .y = y, .w = weighted ? W : NULL, .nclass = nclass,
	    .names = names};
	return d;
}

/* Rows [0, k) of the column-major n-row matrix x (p columns) into out. */
static void
head_rows(const double *x, int64_t n, int p, int k, double *out)
{
	for (int j = 0; j < p; j++)
		memcpy(out + (size_t)j * k, x + (size_t)j * n, sizeof *out * (size_t)k);
}

/* ------------------------------------------------------------ linear_reg */

static void
test_linear_refs(void)
{
	const struct ml_kind *k = ml_kind_find("linear_reg");
	static const char *strategies[] = {"auto", "qr", "coordinate_descent"};
	for (size_t c = 0; c < sizeof lin_refs / sizeof lin_refs[0]; c++) {
		const struct lin_ref *r = &lin_refs[c];
		struct ml_data d = data_for(YREG, r->weighted, 0);
		for (int s = 0; s < 3; s++) {
			if (s == 1 && r->l1 > 0)
				continue;
			struct optset o;
			opts_init(&o);
			opt_num(&o, "l2_reg", r->l2);
			opt_num(&o, "l1_reg", r->l1);
			opt_bool(&o, "fit_intercept", r->intercept);
			opt_str(&o, "optimize_strategy", strategies[s]);
			struct ml_log log;
			struct wb_error err;
			void *m = train(k, &d, &o, &log, &err);
			if (!ok(m != NULL, "linear_reg %s (%s) trains", r->name, strategies[s])) {
				diag("%s", err.msg);
				ml_log_free(&log);
				err_clear(&err);
				continue;
			}
			const double *est, *cov;
			k->coefs(m, &est, &cov);
			double worst = 0;
			bool zeros = true;
			for (int j = 0; j <= P; j++) {
				worst = fmax(worst, relerr(est[j], r->coef[j]));
				zeros &= (r->coef[j] == 0) == (est[j] == 0);
			}
			/* QR agrees to rounding (~1e-14); coordinate descent
			 * stops at min_rel_progress 1e-20 (~1e-10) */
			double tol = s == 2 || r->l1 > 0 ? 1e-9 : 1e-12;
			ok(worst <= tol, "linear_reg %s (%s): coefficients within %g of scikit-learn (worst %.2e)", r->name,
			    strategies[s], tol, worst);
			ok(zeros, "linear_reg %s (%s): the same coefficients are exactly 0", r->name, strategies[s]);
			ok(has_note(&log, "converged after"), "linear_reg %s (%s): a convergence note", r->name,
			    strategies[s]);
			bool plain = r->l1 == 0 && r->l2 == 0 && s != 2;
			ok((cov != NULL) == plain, "linear_reg %s (%s): covariance %s", r->name, strategies[s],
			    plain ? "given" : "absent (regularized / coordinate descent)");
			k->free(m);
			ml_log_free(&log);
			err_clear(&err);
		}
	}
}

static const struct se_ref *
find_se(const char *name)
{
	for (size_t i = 0; i < sizeof se_refs / sizeof se_refs[0]; i++)
		if (strcmp(se_refs[i].name, name) == 0)
			return &se_refs[i];
	return NULL;
}

static void
test_linear_se(void)
{
	const struct ml_kind *k = ml_kind_find("linear_reg");
	static const char *cases[] = {"ols", "ols_w", "ols_noint"};
	for (int c = 0; c < 3; c++) {
		struct ml_data d = data_for(YREG, c == 1, 0);
		struct optset o;
		opts_init(&o);
		opt_bool(&o, "fit_intercept", c != 2);
		struct ml_log log;
		struct wb_error err;
		void *m = train(k, &d, &o, &log, &err);
		const double *est, *cov;
		k->coefs(m, &est, &cov);
		const struct se_ref *r = find_se(cases[c]);
		double worst = 0, worst_np = 0;
		for (int j = 0; j <= P; j++) {
			double se = sqrt(cov[j * (P + 1) + j]);
			worst = fmax(worst, relerr(se, r->se[j]));
			if (c == 0)
				worst_np = fmax(worst_np, relerr(se, ols_se_numpy[j]));
		}
		ok(worst <= 1e-10, "linear_reg %s: standard errors within 1e-10 of R's lm (worst %.2e)", cases[c], worst);
		if (c == 0)
			ok(worst_np <= 1e-10, "linear_reg ols: standard errors within 1e-10 of sigma^2 (X'X)^-1 in numpy "
			    "(worst %.2e)", worst_np);
		/* symmetric */
		bool sym = true;
		for (int a = 0; a <= P; a++)
			for (int b = 0; b <= P; b++)
				sym &= cov[a * (P + 1) + b] == cov[b * (P + 1) + a];
		ok(sym, "linear_reg %s: the covariance is symmetric", cases[c]);
		struct ml_kv kv = {0};
		k->describe(m, &kv);
		bool rse = false;
		for (int i = 0; i < kv.n; i++)
			rse |= strcmp(kv.keys[i], "residual standard error") == 0 &&
			    strstr(kv.vals[i], c == 2 ? "on 295 degrees" : "on 294 degrees") != NULL;
		ok(rse, "linear_reg %s: DESCRIBE gives the residual standard error and its df", cases[c]);
		ml_kv_free(&kv);
		k->free(m);
		ml_log_free(&log);
		err_clear(&err);
	}
}

/* x6 = x1 + x2: aliased like R (coefficient 0, NaN standard error), the
 * other coefficients those of the fit without it. */
static void
test_linear_collinear(void)
{
	const struct ml_kind *k = ml_kind_find("linear_reg");
	static double x6[(P + 1) * N];
	memcpy(x6, X, sizeof X);
	for (int i = 0; i < N; i++)
		x6[P * N + i] = X[i] + X[N + i];
	char *names[] = {"x1", "x2", "x3", "x4", "x5", "x6"};
	struct ml_data d = {.n = N, .p = P + 1, .x = x6, .y = YREG, .names = names};
	struct optset o;
	opts_init(&o);
	struct ml_log log;
	struct wb_error err;
	void *m = train(k, &d, &o, &log, &err);
	const double *est, *cov;
	k->coefs(m, &est, &cov);
	double worst = 0;
	for (int j = 0; j <= P; j++)
		worst = fmax(worst, relerr(est[j], lin_refs[0].coef[j]));
	ok(worst <= 1e-9, "linear_reg collinear: the other coefficients are the fit without x6 (worst %.2e)", worst);
	ok(est[P + 1] == 0, "linear_reg collinear: x6's coefficient is 0");
	ok(cov && isnan(cov[(P + 1) * (P + 2) + P + 1]) && isnan(cov[P + 1]), "linear_reg collinear: x6's standard "
	    "error is NaN");
	const struct se_ref *r = find_se("ols");
	ok(cov && relerr(sqrt(cov[1 * (P + 2) + 1]), r->se[1]) <= 1e-9, "linear_reg collinear: x1's standard error "
	    "is the fit without x6's");
	ok(has_note(&log, "aliased") && has_note(&log, "x6"), "linear_reg collinear: a note names x6 as aliased");
	double imp[P + 1];
	k->importance(m, imp);
	ok(imp[P] == 0 && fabs(imp[0] - fabs(est[1])) == 0, "linear_reg collinear: importance is |coefficient|");
	k->free(m);
	ml_log_free(&log);
	err_clear(&err);
}

/* eval_loss is half the mean squared error on the held-out rows. */
static void
test_linear_eval(void)
{
	const struct ml_kind *k = ml_kind_find("linear_reg");
	struct ml_data d = data_for(YREG, false, 0);
	d.nv = 40;
	static double xv[P * 40];
	for (int j = 0; j < P; j++)
		memcpy(xv + j * 40, X + j * N + 100, sizeof(double) * 40);
	d.xv = xv;
	d.yv = YREG + 100;
	for (int s = 0; s < 2; s++) {
		struct optset o;
		opts_init(&o);
		opt_str(&o, "optimize_strategy", s ? "coordinate_descent" : "qr");
		opt_num(&o, "l2_reg", 3);
		struct ml_log log;
		struct wb_error err;
		void *m = train(k, &d, &o, &log, &err);
		double pred[40], want = 0;
		k->predict(m, xv, 40, pred);
		for (int i = 0; i < 40; i++)
			want += 0.5 * (YREG[100 + i] - pred[i]) * (YREG[100 + i] - pred[i]) / 40;
		double got = log.nsteps ? log.steps[log.nsteps - 1].eval_loss : NAN;
		ok(relerr(got, want) <= 1e-9, "linear_reg (%s): eval_loss %.10g is half the held-out MSE %.10g",
		    s ? "coordinate_descent" : "qr", got, want);
		const double *est, *cov;
		k->coefs(m, &est, &cov);
		double obj = 0, sw = N;
		for (int i = 0; i < N; i++) {
			double e = YREG[i] - est[0];
			for (int j = 0; j < P; j++)
				e -= est[j + 1] * X[j * N + i];
			obj += 0.5 * e * e;
		}
		for (int j = 1; j <= P; j++)
			obj += 0.5 * 3 * est[j] * est[j];
		ok(relerr(log.steps[log.nsteps - 1].loss, obj / sw) <= 1e-9, "linear_reg (%s): loss is the objective / "
		    "sum(w)", s ? "coordinate_descent" : "qr");
		k->free(m);
		ml_log_free(&log);
		err_clear(&err);
	}
}

/* ------------------------------------------------------------ logistic_reg */

static void
test_logistic_refs(void)
{
	const struct ml_kind *k = ml_kind_find("logistic_reg");
	static const char *strategies[] = {"auto", "irls", "lbfgs", "coordinate_descent"};
	for (size_t c = 0; c < sizeof log_refs / sizeof log_refs[0]; c++) {
		const struct log_ref *r = &log_refs[c];
		struct ml_data d = data_for(r->K == 2 ? YBIN : YMULTI, r->weighted, r->K);
		int nset = r->K == 2 ? 1 : r->K;
		for (int s = 0; s < 4; s++) {
			if (s > 0 && (r->K > 2 ? s != 2 : r->l1 > 0 && s != 3))
				continue;
			struct optset o;
			opts_init(&o);
			opt_num(&o, "l2_reg", r->l2);
			opt_num(&o, "l1_reg", r->l1);
			opt_bool(&o, "fit_intercept", r->intercept);
			opt_str(&o, "optimize_strategy", strategies[s]);
			struct ml_log log;
			struct wb_error err;
			void *m = train(k, &d, &o, &log, &err);
			if (!ok(m != NULL, "logistic_reg %s (%s) trains", r->name, strategies[s])) {
				diag("%s", err.msg);
				ml_log_free(&log);
				err_clear(&err);
				continue;
			}
			const double *est, *cov;
			k->coefs(m, &est, &cov);
			if (r->K > 2)
				ok(est == NULL && cov == NULL, "logistic_reg %s: no coefficients for the framework (multinomial)",
				    r->name);
			/* the coefficients through save/load (and coefs for binary) */
			const double *coef = est;
			struct ml_wbuf b = {0};
			k->save(m, &b);
			struct ml_rbuf rb = {b.p, b.n, 0, false};
			struct wb_error lerr = WB_ERROR_INIT;
			void *m2 = k->load(&rb, P, r->K, &lerr);
			ok(m2 != NULL && rb.off == b.n, "logistic_reg %s (%s): save/load", r->name, strategies[s]);
			double cbuf[18];
			if (coef == NULL) {
				/* multinomial: read them off predictions? no - from
				 * the payload: it is ours, so decode the known layout */
				struct ml_rbuf rr = {b.p, b.n, 0, false};
				ml_r_u32(&rr), ml_r_u8(&rr), ml_r_u32(&rr), ml_r_u32(&rr), ml_r_u32(&rr);
				ml_r_u8(&rr), ml_r_u8(&rr), ml_r_u8(&rr), ml_r_u32(&rr);
				for (int t = 0; t < 6; t++)
					ml_r_f64(&rr);
				ml_r_i64(&rr), ml_r_u32(&rr);
				ml_r_f64s(&rr, cbuf, (size_t)nset * (P + 1));
				coef = cbuf;
			}
			double worst = 0;
			bool zeros = true;
			for (int j = 0; j < nset * (P + 1); j++) {
				worst = fmax(worst, relerr(coef[j], r->coef[j]));
				zeros &= (r->coef[j] == 0) == (coef[j] == 0);
			}
			/* Newton (irls, coordinate_descent) agrees to ~1e-11,
			 * L-BFGS at its min_rel_progress 1e-13 to ~5e-8 */
			double tol = s == 2 || r->K > 2 ? 1e-7 : 1e-9;
			ok(worst <= tol, "logistic_reg %s (%s): coefficients within %g of scikit-learn (worst %.2e)", r->name,
			    strategies[s], tol, worst);
			if (r->l1 > 0)
				ok(zeros, "logistic_reg %s (%s): the same coefficients are exactly 0", r->name, strategies[s]);
			ok(has_note(&log, "converged after"), "logistic_reg %s (%s): a convergence note", r->name,
			    strategies[s]);
			if (!has_note(&log, "converged after"))
				show_notes(&log);
			double xh[P * NPROBA], pr[NPROBA * 3], pr2[NPROBA * 3];
			head_rows(X, N, P, NPROBA, xh);
			k->predict(m, xh, NPROBA, pr);
			double pw = 0;
			for (int i = 0; i < NPROBA * r->K; i++)
				pw = fmax(pw, fabs(pr[i] - r->proba[i]));
			ok(pw <= 1e-8, "logistic_reg %s (%s): probabilities within 1e-8 of predict_proba (worst %.2e)",
			    r->name, strategies[s], pw);
			if (m2) {
				k->predict(m2, xh, NPROBA, pr2);
				ok(memcmp(pr, pr2, sizeof(double) * NPROBA * r->K) == 0, "logistic_reg %s (%s): the loaded "
				    "model predicts the same bits", r->name, strategies[s]);
				k->free(m2);
			}
			ml_wbuf_free(&b);
			err_clear(&lerr);
			k->free(m);
			ml_log_free(&log);
			err_clear(&err);
		}
	}
}

static void
test_logistic_se(void)
{
	const struct ml_kind *k = ml_kind_find("logistic_reg");
	static const char *cases[] = {"logit_none", "logit_none_w"};
	static const char *strategies[] = {"irls", "lbfgs", "coordinate_descent"};
	for (int c = 0; c < 2; c++)
		for (int s = 0; s < 3; s++) {
			struct ml_data d = data_for(YBIN, c == 1, 2);
			struct optset o;
			opts_init(&o);
			opt_str(&o, "optimize_strategy", strategies[s]);
			struct ml_log log;
			struct wb_error err;
			void *m = train(k, &d, &o, &log, &err);
			const double *est, *cov;
			k->coefs(m, &est, &cov);
			const struct se_ref *r = find_se(cases[c]);
			double worst = 0;
			for (int j = 0; j <= P; j++)
				worst = fmax(worst, cov ? relerr(sqrt(cov[j * (P + 1) + j]), r->se[j]) : INFINITY);
			ok(worst <= 1e-8, "logistic_reg %s (%s): standard errors within 1e-8 of R's glm (worst %.2e)",
			    cases[c], strategies[s], worst);
			k->free(m);
			ml_log_free(&log);
			err_clear(&err);
		}
	/* penalized: no covariance */
	struct ml_data d = data_for(YBIN, false, 2);
	struct optset o;
	opts_init(&o);
	opt_num(&o, "l2_reg", 1);
	struct ml_log log;
	struct wb_error err;
	void *m = train(k, &d, &o, &log, &err);
	const double *est, *cov;
	k->coefs(m, &est, &cov);
	ok(est != NULL && cov == NULL, "logistic_reg l2_reg = 1: coefficients without a covariance");
	k->free(m);
	ml_log_free(&log);
	err_clear(&err);
}

static void
test_logistic_collinear(void)
{
	const struct ml_kind *k = ml_kind_find("logistic_reg");
	static double x6[(P + 1) * N];
	memcpy(x6, X, sizeof X);
	for (int i = 0; i < N; i++)
		x6[P * N + i] = X[i] - 2 * X[3 * N + i];
	char *names[] = {"x1", "x2", "x3", "x4", "x5", "x6"};
	struct ml_data d = {.n = N, .p = P + 1, .x = x6, .y = YBIN, .nclass = 2, .names = names};
	for (int s = 0; s < 2; s++) {
		struct optset o;
		opts_init(&o);
		opt_str(&o, "optimize_strategy", s ? "coordinate_descent" : "irls");
		struct ml_log log;
		struct wb_error err;
		void *m = train(k, &d, &o, &log, &err);
		const double *est, *cov;
		k->coefs(m, &est, &cov);
		double worst = 0;
		for (int j = 0; j <= P; j++)
			worst = fmax(worst, relerr(est[j], log_refs[2].coef[j]));
		ok(worst <= 1e-9 && est[P + 1] == 0, "logistic_reg collinear (%s): x6 aliased to 0, the rest the fit "
		    "without it (worst %.2e)", s ? "coordinate_descent" : "irls", worst);
		ok(cov && isnan(cov[(P + 1) * (P + 2) + P + 1]), "logistic_reg collinear: x6's standard error is NaN");
		ok(has_note(&log, "aliased") && has_note(&log, "x6"), "logistic_reg collinear: a note names x6");
		k->free(m);
		ml_log_free(&log);
		err_clear(&err);
	}
}

/* Perfectly separable classes: a note, no divergence; with l2_reg the fit
 * converges. */
static void
test_logistic_separable(void)
{
	const struct ml_kind *k = ml_kind_find("logistic_reg");
	enum { M = 40 };
	static double x[2 * M], y[M];
	for (int i = 0; i < M; i++) {
		x[i] = i - 19.5;
		x[M + i] = (i * 7 % 11) - 5.0;
		y[i] = i >= 20;
	}
	char *names[] = {"a", "b"};
	struct ml_data d = {.n = M, .p = 2, .x = x, .y = y, .nclass = 2, .names = names};
	static const char *strategies[] = {"irls", "lbfgs", "coordinate_descent"};
	for (int s = 0; s < 3; s++) {
		struct optset o;
		opts_init(&o);
		opt_str(&o, "optimize_strategy", strategies[s]);
		struct ml_log log;
		struct wb_error err;
		void *m = train(k, &d, &o, &log, &err);
		ok(m != NULL && has_note(&log, "separable along a"), "logistic_reg separable (%s): a note names feature a",
		    strategies[s]);
		if (!has_note(&log, "separable along a"))
			show_notes(&log);
		struct ml_kv kv = {0};
		if (m) {
			k->describe(m, &kv);
			bool conv_no = false;
			for (int i = 0; i < kv.n; i++)
				conv_no |= strcmp(kv.keys[i], "converged") == 0 && strcmp(kv.vals[i], "no") == 0;
			ok(conv_no, "logistic_reg separable (%s): not converged", strategies[s]);
			double pr[2 * M];
			k->predict(m, x, M, pr);
			int right = 0;
			for (int i = 0; i < M; i++)
				right += (pr[2 * i + 1] > 0.5) == (y[i] > 0.5);
			ok(right == M && log.nsteps < 30, "logistic_reg separable (%s): stopped early (%d steps) with a "
			    "separating fit", strategies[s], log.nsteps);
			ml_kv_free(&kv);
			k->free(m);
		}
		ml_log_free(&log);
		err_clear(&err);
	}
	struct optset o;
	opts_init(&o);
	opt_num(&o, "l2_reg", 1);
	struct ml_log log;
	struct wb_error err;
	void *m = train(k, &d, &o, &log, &err);
	ok(m && has_note(&log, "converged after") && !has_note(&log, "separable"), "logistic_reg separable, l2_reg = 1: "
	    "converges");
	k->free(m);
	ml_log_free(&log);
	err_clear(&err);
	/* three classes in three stretches of a */
	static double y3[M];
	for (int i = 0; i < M; i++)
		y3[i] = i < 13 ? 0 : i < 27 ? 1 : 2;
	d.y = y3;
	d.nclass = 3;
	opts_init(&o);
	m = train(k, &d, &o, &log, &err);
	ok(m && has_note(&log, "separable along a") && log.nsteps < 100, "logistic_reg separable, 3 classes: a note "
	    "names feature a (%d steps)", log.nsteps);
	k->free(m);
	ml_log_free(&log);
	err_clear(&err);
}

static void
test_logistic_errors(void)
{
	const struct ml_kind *lk = ml_kind_find("logistic_reg"), *rk = ml_kind_find("linear_reg");
	static double zeros[N], two[N];
	for (int i = 0; i < N; i++)
		two[i] = YMULTI[i] == 2 ? 1 : 0;
	struct {
		const struct ml_kind *k;
		const double *y;
		int nclass;
		const char *key, *sval;
		double nval;
		const char *want;
	} cases[] = {
		{lk, zeros, 2, NULL, NULL, 0, "all training rows are of one class"},
		{lk, two, 3, NULL, NULL, 0, "class 2 of 3 has no training rows"},
		{lk, YMULTI, 3, "l1_reg", NULL, 1, "not supported with more than two classes"},
		{lk, YMULTI, 3, "optimize_strategy", "irls", 0, "fits two classes"},
		{lk, YBIN, 2, "optimize_strategy", "qr", 0, "does not apply to logistic_reg"},
		{lk, YBIN, 2, "optimize_strategy", "newton", 0, "is not known"},
		{rk, YREG, 0, "optimize_strategy", "lbfgs", 0, "does not apply to linear_reg"},
		{lk, YBIN, 2, "l2_reg", NULL, -1, "out of range"},
		{lk, YBIN, 2, "max_iterations", NULL, 2.5, "whole number"},
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct ml_data d = data_for(cases[c].y, false, cases[c].nclass);
		struct optset o;
		opts_init(&o);
		if (cases[c].key && cases[c].sval)
			opt_str(&o, cases[c].key, cases[c].sval);
		else if (cases[c].key)
			opt_num(&o, cases[c].key, cases[c].nval);
		struct ml_log log;
		struct wb_error err;
		void *m = train(cases[c].k, &d, &o, &log, &err);
		ok(m == NULL && err.msg && strstr(err.msg, cases[c].want), "%s error: %s", cases[c].k->name,
		    cases[c].want);
		if (err.msg && !strstr(err.msg, cases[c].want))
			diag("got: %s", err.msg);
		ml_log_free(&log);
		err_clear(&err);
	}
	/* the two strategy / penalty conflicts that need l1_reg with the strategy */
	static const char *conflict[][3] = {
		{"logistic_reg", "irls", "cannot fit l1_reg > 0"},
		{"logistic_reg", "lbfgs", "cannot fit l1_reg > 0"},
		{"linear_reg", "qr", "cannot fit l1_reg > 0"},
	};
	for (int c = 0; c < 3; c++) {
		const struct ml_kind *k = ml_kind_find(conflict[c][0]);
		struct ml_data d = data_for(k == lk ? YBIN : YREG, false, k == lk ? 2 : 0);
		struct optset o;
		opts_init(&o);
		opt_num(&o, "l1_reg", 1);
		opt_str(&o, "optimize_strategy", conflict[c][1]);
		struct ml_log log;
		struct wb_error err;
		void *m = train(k, &d, &o, &log, &err);
		ok(m == NULL && err.msg && strstr(err.msg, conflict[c][2]), "%s '%s' with l1_reg: an error", conflict[c][0],
		    conflict[c][1]);
		ml_log_free(&log);
		err_clear(&err);
	}
	/* negative weight */
	static double wneg[N];
	for (int i = 0; i < N; i++)
		wneg[i] = i == 7 ? -1 : 1;
	struct ml_data d = data_for(YBIN, false, 2);
	d.w = wneg;
	struct optset o;
	opts_init(&o);
	struct ml_log log;
	struct wb_error err;
	void *m = train(lk, &d, &o, &log, &err);
	ok(m == NULL && err.msg && strstr(err.msg, "row 8 has weight -1"), "a negative weight is an error naming the row");
	ml_log_free(&log);
	err_clear(&err);
	/* cancellation */
	volatile int cancel = 1;
	opts_init(&o);
	d = data_for(YBIN, false, 2);
	ml_log_init(&log);
	log.cancel = &cancel;
	err_init(&err);
	m = lk->train(&d, &o.o, &log, &err);
	ok(m == NULL && err.msg && strstr(err.msg, "cancelled"), "a cancelled training returns an error");
	ml_log_free(&log);
	err_clear(&err);
	for (int s = 0; s < 2; s++) {
		d = data_for(YREG, false, 0);
		opts_init(&o);
		opt_str(&o, "optimize_strategy", s ? "coordinate_descent" : "qr");
		ml_log_init(&log);
		log.cancel = &cancel;
		err_init(&err);
		m = rk->train(&d, &o.o, &log, &err);
		ok(m == NULL && err.msg && strstr(err.msg, "cancelled"), "a cancelled linear_reg (%s) returns an error",
		    s ? "coordinate_descent" : "qr");
		ml_log_free(&log);
		err_clear(&err);
	}
}

/* ------------------------------------------------------------ model files */

static void
test_corrupt(void)
{
	const struct ml_kind *k = ml_kind_find("logistic_reg");
	struct ml_data d = data_for(YBIN, false, 2);
	struct optset o;
	opts_init(&o);
	struct ml_log log;
	struct wb_error err;
	void *m = train(k, &d, &o, &log, &err);
	struct ml_wbuf b = {0};
	k->save(m, &b);
	/* every truncation is an error */
	int fails = 0;
	for (size_t len = 0; len < b.n; len++) {
		struct ml_rbuf r = {b.p, len, 0, false};
		struct wb_error e = WB_ERROR_INIT;
		void *x = k->load(&r, P, 2, &e);
		if (x != NULL || e.msg == NULL)
			fails++;
		if (x)
			k->free(x);
		err_clear(&e);
	}
	ok(fails == 0, "every truncation of the %zu-byte payload is an error (%d were not)", b.n, fails);
	/* wrong p or nclass from the framework */
	struct ml_rbuf r = {b.p, b.n, 0, false};
	struct wb_error e = WB_ERROR_INIT;
	ok(k->load(&r, P + 1, 2, &e) == NULL && e.msg, "a feature count other than the model's is an error");
	err_clear(&e);
	r = (struct ml_rbuf){b.p, b.n, 0, false};
	ok(k->load(&r, P, 3, &e) == NULL && e.msg, "a class count other than the model's is an error");
	err_clear(&e);
	r = (struct ml_rbuf){b.p, b.n, 0, false};
	ok(ml_kind_find("linear_reg")->load(&r, P, 0, &e) == NULL && e.msg, "linear_reg refuses logistic_reg's payload");
	err_clear(&e);
	/* garbage counts and flipped bytes: errors or models, never a crash */
	uint8_t *c = xmalloc(b.n);
	struct { size_t off; uint8_t v; } garbage[] = {
		{5, 0xff}, {8, 0x7f}, {9, 0xff}, {12, 0xff}, {13, 0xff}, {16, 0xff}, {17, 9}, {18, 7}, {19, 5}, {83, 0x7f},
	};
	int bad = 0;
	for (size_t g = 0; g < sizeof garbage / sizeof garbage[0]; g++) {
		memcpy(c, b.p, b.n);
		c[garbage[g].off] = garbage[g].v;
		struct ml_rbuf rr = {c, b.n, 0, false};
		struct wb_error ee = WB_ERROR_INIT;
		void *x = k->load(&rr, P, 2, &ee);
		bad += x != NULL || ee.msg == NULL;
		if (x)
			k->free(x);
		err_clear(&ee);
	}
	ok(bad == 0, "garbage in the counts and flags is an error (%d were not)", bad);
	struct ml_rng rng;
	ml_rng_seed(&rng, 7, 0);
	int loaded = 0;
	for (int t = 0; t < 2000; t++) {
		memcpy(c, b.p, b.n);
		for (int f = 0; f < 3; f++)
			c[ml_rng_below(&rng, b.n)] = (uint8_t)ml_rng_next(&rng);
		struct ml_rbuf rr = {c, b.n, 0, false};
		struct wb_error ee = WB_ERROR_INIT;
		void *x = k->load(&rr, P, 2, &ee);
		if (x) {
			double pr[2 * NPROBA], xh[P * NPROBA];
			head_rows(X, N, P, NPROBA, xh);
			k->predict(x, xh, NPROBA, pr);
			struct ml_kv kv = {0};
			k->describe(x, &kv);
			ml_kv_free(&kv);
			k->free(x);
			loaded++;
		}
		err_clear(&ee);
	}
	ok(1, "2000 payloads with random bytes changed load or fail without a crash (%d loaded)", loaded);
	free(c);
	ml_wbuf_free(&b);
	k->free(m);
	ml_log_free(&log);
	err_clear(&err);
}

static void
test_roundtrip_linear(void)
{
	const struct ml_kind *k = ml_kind_find("linear_reg");
	struct ml_data d = data_for(YREG, true, 0);
	struct optset o;
	opts_init(&o);
	opt_num(&o, "l1_reg", 20);
	opt_num(&o, "l2_reg", 5);
	struct ml_log log;
	struct wb_error err;
	void *m = train(k, &d, &o, &log, &err);
	struct ml_wbuf b = {0};
	k->save(m, &b);
	struct ml_rbuf r = {b.p, b.n, 0, false};
	struct wb_error e = WB_ERROR_INIT;
	void *m2 = k->load(&r, P, 0, &e);
	double *p1 = xmalloc(sizeof(double) * N), *p2 = xmalloc(sizeof(double) * N);
	k->predict(m, X, N, p1);
	if (m2)
		k->predict(m2, X, N, p2);
	ok(m2 && memcmp(p1, p2, sizeof(double) * N) == 0, "linear_reg: save/load gives identical predictions");
	struct ml_kv kv1 = {0}, kv2 = {0};
	k->describe(m, &kv1);
	if (m2)
		k->describe(m2, &kv2);
	bool same = kv1.n == kv2.n;
	for (int i = 0; same && i < kv1.n; i++)
		same = strcmp(kv1.keys[i], kv2.keys[i]) == 0 && strcmp(kv1.vals[i], kv2.vals[i]) == 0;
	ok(same, "linear_reg: save/load keeps DESCRIBE's lines");
	bool strat = false;
	for (int i = 0; i < kv1.n; i++)
		strat |= strcmp(kv1.keys[i], "optimize_strategy") == 0 && strcmp(kv1.vals[i], "coordinate_descent") == 0;
	ok(strat, "linear_reg with l1_reg: DESCRIBE says coordinate_descent");
	ml_kv_free(&kv1);
	ml_kv_free(&kv2);
	free(p1);
	free(p2);
	if (m2)
		k->free(m2);
	err_clear(&e);
	/* truncations */
	int fails = 0;
	for (size_t len = 0; len < b.n; len++) {
		struct ml_rbuf rr = {b.p, len, 0, false};
		struct wb_error ee = WB_ERROR_INIT;
		void *x = k->load(&rr, P, 0, &ee);
		fails += x != NULL || ee.msg == NULL;
		if (x)
			k->free(x);
		err_clear(&ee);
	}
	ok(fails == 0, "linear_reg: every truncation of the payload is an error");
	ml_wbuf_free(&b);
	k->free(m);
	ml_log_free(&log);
	err_clear(&err);
}

/* ------------------------------------------------------------ more rows */

/* 60000 rows (several row tasks): the strategies agree with each other,
 * and the multinomial eval_loss is the mean held-out log loss. */
static void
test_large(void)
{
	enum { M = 60000, Q = 8 };
	double *x = xmalloc(sizeof(double) * M * Q), *yb = xmalloc(sizeof(double) * M);
	double *yr = xmalloc(sizeof(double) * M), *ym = xmalloc(sizeof(double) * M);
	struct ml_rng rng;
	ml_rng_seed(&rng, 11, 0);
	for (int i = 0; i < M; i++) {
		double eta = 0.2, er = 1;
		for (int j = 0; j < Q; j++) {
			double v = ml_rng_normal(&rng);
			x[(size_t)j * M + i] = v;
			eta += (j % 3 - 1) * 0.4 * v;
			er += (j + 1) * 0.3 * v;
		}
		yb[i] = ml_rng_uniform(&rng) < 1 / (1 + exp(-eta));
		yr[i] = er + ml_rng_normal(&rng);
		ym[i] = (double)((int)(eta * 2 + 10 + ml_rng_uniform(&rng) * 2) % 4);
	}
	const struct ml_kind *lk = ml_kind_find("logistic_reg"), *rk = ml_kind_find("linear_reg");
	struct ml_data d = {.n = M, .p = Q, .x = x, .y = yb, .nclass = 2};
	static const char *st[] = {"irls", "lbfgs", "coordinate_descent"};
	double c0[Q + 1];
	for (int s = 0; s < 3; s++) {
		struct optset o;
		opts_init(&o);
		opt_num(&o, "l2_reg", 2);
		opt_str(&o, "optimize_strategy", st[s]);
		struct ml_log log;
		struct wb_error err;
		void *m = train(lk, &d, &o, &log, &err);
		const double *est, *cov;
		lk->coefs(m, &est, &cov);
		if (s == 0)
			memcpy(c0, est, sizeof c0);
		double worst = 0;
		for (int j = 0; j <= Q; j++)
			worst = fmax(worst, relerr(est[j], c0[j]));
		if (s > 0)
			ok(worst <= 1e-7, "logistic_reg 60000 rows: %s agrees with irls (worst %.2e)", st[s], worst);
		lk->free(m);
		ml_log_free(&log);
		err_clear(&err);
	}
	d.y = yr;
	d.nclass = 0;
	for (int s = 0; s < 2; s++) {
		struct optset o;
		opts_init(&o);
		opt_str(&o, "optimize_strategy", s ? "coordinate_descent" : "qr");
		struct ml_log log;
		struct wb_error err;
		void *m = train(rk, &d, &o, &log, &err);
		const double *est, *cov;
		rk->coefs(m, &est, &cov);
		if (s == 0)
			memcpy(c0, est, sizeof c0);
		double worst = 0;
		for (int j = 0; j <= Q; j++)
			worst = fmax(worst, relerr(est[j], c0[j]));
		if (s > 0)
			ok(worst <= 1e-9, "linear_reg 60000 rows: coordinate_descent agrees with qr (worst %.2e)", worst);
		rk->free(m);
		ml_log_free(&log);
		err_clear(&err);
	}
	/* multinomial with a held-out part */
	d.y = ym;
	d.nclass = 4;
	d.n = M - 1000;
	d.nv = 1000;
	double *xv = xmalloc(sizeof(double) * 1000 * Q);
	for (int j = 0; j < Q; j++)
		memcpy(xv + (size_t)j * 1000, x + (size_t)j * M + (M - 1000), sizeof(double) * 1000);
	/* the training part is the first M-1000 rows of each column: copy */
	double *xt = xmalloc(sizeof(double) * (M - 1000) * Q);
	for (int j = 0; j < Q; j++)
		memcpy(xt + (size_t)j * (M - 1000), x + (size_t)j * M, sizeof(double) * (M - 1000));
	d.x = xt;
	d.xv = xv;
	d.yv = ym + (M - 1000);
	struct optset o;
	opts_init(&o);
	opt_num(&o, "l2_reg", 1);
	struct ml_log log;
	struct wb_error err;
	void *m = train(lk, &d, &o, &log, &err);
	double *pr = xmalloc(sizeof(double) * 1000 * 4), want = 0;
	lk->predict(m, xv, 1000, pr);
	for (int i = 0; i < 1000; i++)
		want -= logl(pr[i * 4 + (int)d.yv[i]]) / 1000;
	double got = log.steps[log.nsteps - 1].eval_loss;
	ok(relerr(got, want) <= 1e-12, "logistic_reg multinomial: eval_loss %.12g is the held-out mean log loss %.12g",
	    got, want);
	ok(has_note(&log, "converged after"), "logistic_reg multinomial 59000 rows converges");
	double imp[Q];
	lk->importance(m, imp);
	bool pos = true;
	for (int j = 0; j < Q; j++)
		pos &= imp[j] > 0;
	ok(pos, "logistic_reg multinomial: importance (mean |coefficient| over classes) is positive");
	lk->free(m);
	ml_log_free(&log);
	err_clear(&err);
	free(pr);
	free(xv);
	free(xt);
	free(x);
	free(yb);
	free(yr);
	free(ym);
}

/* Newton on 220000 rows starts from a subsample's fit: the same optimum
 * as L-BFGS, with and without l1_reg; intercept-only fits are the
 * weighted mean / its logit. */
static void
test_warm_and_edges(void)
{
	enum { M = 220000, Q = 3 };
	double *x = xmalloc(sizeof(double) * M * Q), *y = xmalloc(sizeof(double) * M), *w = xmalloc(sizeof(double) * M);
	struct ml_rng rng;
	ml_rng_seed(&rng, 5, 1);
	for (int i = 0; i < M; i++) {
		double eta = -0.5;
		for (int j = 0; j < Q; j++) {
			double v = ml_rng_normal(&rng);
			x[(size_t)j * M + i] = v;
			eta += (j + 1) * 0.5 * v;
		}
		y[i] = ml_rng_uniform(&rng) < 1 / (1 + exp(-eta));
		w[i] = 0.5 + ml_rng_uniform(&rng);
	}
	const struct ml_kind *lk = ml_kind_find("logistic_reg"), *rk = ml_kind_find("linear_reg");
	struct ml_data d = {.n = M, .p = Q, .x = x, .y = y, .w = w, .nclass = 2};
	double c0[Q + 1];
	for (int s = 0; s < 3; s++) {
		static const char *st[] = {"irls", "lbfgs", "coordinate_descent"};
		struct optset o;
		opts_init(&o);
		opt_str(&o, "optimize_strategy", st[s]);
		opt_num(&o, "l2_reg", 10);
		if (s == 2)
			opt_num(&o, "l1_reg", 20000);
		struct ml_log log;
		struct wb_error err;
		void *m = train(lk, &d, &o, &log, &err);
		const double *est, *cov;
		lk->coefs(m, &est, &cov);
		if (s == 0)
			memcpy(c0, est, sizeof c0);
		if (s == 1) {
			double worst = 0;
			for (int j = 0; j <= Q; j++)
				worst = fmax(worst, relerr(est[j], c0[j]));
			ok(worst <= 1e-8, "logistic_reg %d rows: irls from the subsample's start agrees with lbfgs (worst %.2e)",
			    M, worst);
		}
		if (s != 1)
			ok(log.nsteps <= 4, "logistic_reg %d rows (%s): %d Newton iterations on all rows", M, st[s], log.nsteps);
		if (s == 2) {
			/* the optimality conditions: the smooth part's gradient is
			 * -l1 sign(b_j) where b_j != 0, within [-l1, l1] where 0 */
			double g[Q + 1] = {0}, worst = 0;
			for (int i = 0; i < M; i++) {
				double eta = est[0];
				for (int j = 0; j < Q; j++)
					eta += est[j + 1] * x[(size_t)j * M + i];
				double r = w[i] * (1 / (1 + exp(-eta)) - y[i]);
				g[0] += r;
				for (int j = 0; j < Q; j++)
					g[j + 1] += r * x[(size_t)j * M + i];
			}
			worst = fabs(g[0]);
			for (int j = 1; j <= Q; j++) {
				double gj = g[j] + 10 * est[j];
				worst = fmax(worst, est[j] != 0 ? fabs(gj + 20000 * (est[j] > 0 ? 1 : -1)) : fmax(fabs(gj) - 20000, 0));
			}
			double sw = 0;
			for (int i = 0; i < M; i++)
				sw += w[i];
			ok(worst <= 1e-9 * sw, "logistic_reg %d rows with l1_reg: coordinate_descent from the subsample's start "
			    "meets the optimality conditions (worst %.2e of sum(w) = %.0f)", M, worst, sw);
		}
		lk->free(m);
		ml_log_free(&log);
		err_clear(&err);
	}
	/* no features: the intercept alone */
	double sw = 0, swy = 0;
	for (int i = 0; i < M; i++) {
		sw += w[i];
		swy += w[i] * y[i];
	}
	d.p = 0;
	struct optset o;
	opts_init(&o);
	struct ml_log log;
	struct wb_error err;
	void *m = train(lk, &d, &o, &log, &err);
	const double *est, *cov;
	lk->coefs(m, &est, &cov);
	ok(m && relerr(est[0], (double)logl(swy / (sw - swy))) <= 1e-12, "logistic_reg without features: the intercept is the "
	    "logit of the weighted mean");
	ok(cov && relerr(cov[0], sw / (swy * (sw - swy))) <= 1e-10, "logistic_reg without features: its variance is "
	    "1 / (sum w p (1 - p))");
	lk->free(m);
	ml_log_free(&log);
	err_clear(&err);
	d.y = x;   /* a regression on the first column's values */
	d.nclass = 0;
	m = train(rk, &d, &o, &log, &err);
	rk->coefs(m, &est, &cov);
	double sx = 0;
	for (int i = 0; i < M; i++)
		sx += w[i] * x[i];
	ok(m && relerr(est[0], sx / sw) <= 1e-12, "linear_reg without features: the intercept is the weighted mean");
	rk->free(m);
	ml_log_free(&log);
	err_clear(&err);
	/* one row: estimated, no residual degrees of freedom */
	struct ml_data one = {.n = 1, .p = 1, .x = x, .y = y};
	m = train(rk, &one, &o, &log, &err);
	rk->coefs(m, &est, &cov);
	ok(m && cov && isnan(cov[0]) && est[0] == y[0] && est[2 - 1] == 0, "linear_reg on one row: the intercept fits "
	    "it, the feature is aliased, the variance is NaN");
	rk->free(m);
	ml_log_free(&log);
	err_clear(&err);
	free(x);
	free(y);
	free(w);
}

int
main(void)
{
	if (!ok(load_data() == 0, "read tests/ml/linear_data.csv"))
		return done_testing();
	ok(ml_kind_find("linear_reg") && ml_kind_find("linear_reg")->task == ML_REGRESSION &&
	    ml_kind_find("linear_reg")->standardize, "linear_reg is registered, regression, standardized");
	ok(ml_kind_find("logistic_reg") && ml_kind_find("logistic_reg")->task == ML_CLASSIFICATION,
	    "logistic_reg is registered, classification");
	test_linear_refs();
	test_linear_se();
	test_linear_collinear();
	test_linear_eval();
	test_roundtrip_linear();
	test_logistic_refs();
	test_logistic_se();
	test_logistic_collinear();
	test_logistic_separable();
	test_logistic_errors();
	test_corrupt();
	test_large();
	test_warm_and_edges();
	return done_testing();
}
