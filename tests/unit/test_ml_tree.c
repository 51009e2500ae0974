/* Unit tests for ml/ml_tree.c and ml/ml_forest.c: decision trees and
 * random forests against scikit-learn 1.2.1 on the data sets that
 * tests/ml/tree_ref.py wrote (tests/ml/tree_{train,test}.csv, reference
 * scores in tests/ml/tree_ref.txt), a tiny data set whose best split is
 * known by hand, determinism across thread counts, model files and their
 * corruption, option errors, cancellation and the training log.
 *
 * Tolerances: test AUC and R^2 within 0.01 of sklearn's with the same
 * hyper-parameters (binned thresholds and different random draws move
 * them by less), accuracies within 0.02 (a coarser score on 2000 rows),
 * importances within 0.05 of sklearn's. */
#include "tests/tap.h"

#include "core/pool.h"
#include "core/xmalloc.h"
#include "ml/ml.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ data */

#define NF 6

struct set {
	int64_t n;
	double *x;          /* column-major, NF columns */
	double *yb, *yr, *y3;
};

static void
read_set(const char *name, struct set *s)
{
	const char *dir = getenv("srcdir");
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/ml/%s", dir ? dir : ".", name);
	FILE *fp = fopen(path, "r");
	memset(s, 0, sizeof *s);
	if (fp == NULL) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	char line[1024];
	int64_t cap = 0, n = 0;
	double *rows = NULL;
	if (fgets(line, sizeof line, fp) == NULL)
		exit(1);
	while (fgets(line, sizeof line, fp)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			rows = xrealloc(rows, (size_t)cap * 9 * sizeof *rows);
		}
		char *p = line;
		for (int j = 0; j < 9; j++) {
			rows[n * 9 + j] = strtod(p, &p);
			if (*p == ',')
				p++;
		}
		n++;
	}
	fclose(fp);
	s->n = n;
	s->x = xmalloc((size_t)n * NF * sizeof *s->x);
	s->yb = xmalloc((size_t)n * sizeof *s->yb);
	s->yr = xmalloc((size_t)n * sizeof *s->yr);
	s->y3 = xmalloc((size_t)n * sizeof *s->y3);
	for (int64_t i = 0; i < n; i++) {
		for (int j = 0; j < NF; j++)
			s->x[j * n + i] = rows[i * 9 + j];
		s->yb[i] = rows[i * 9 + 6];
		s->yr[i] = rows[i * 9 + 7];
		s->y3[i] = rows[i * 9 + 8];
	}
	free(rows);
}

static void
free_set(struct set *s)
{
	free(s->x);
	free(s->yb);
	free(s->yr);
	free(s->y3);
}

/* tests/ml/tree_ref.txt: "key value" lines */
static char ref_keys[64][64];
static double ref_vals[64];
static int nref;

static void
read_ref(void)
{
	const char *dir = getenv("srcdir");
	char path[1024], line[256];
	snprintf(path, sizeof path, "%s/tests/ml/tree_ref.txt", dir ? dir : ".");
	FILE *fp = fopen(path, "r");
	if (fp == NULL) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	while (fgets(line, sizeof line, fp) && nref < 64)
		if (line[0] != '#' && sscanf(line, "%63s %lf", ref_keys[nref], &ref_vals[nref]) == 2)
			nref++;
	fclose(fp);
}

static double
ref(const char *key)
{
	for (int i = 0; i < nref; i++)
		if (strcmp(ref_keys[i], key) == 0)
			return ref_vals[i];
	printf("Bail out! no reference value %s\n", key);
	exit(1);
}

/* ------------------------------------------------------------ options */

struct optset {
	struct ml_opts o;
	struct ml_opt v[16];
	char text[16][32];
};

static void
opt_num(struct optset *s, const char *key, double num)
{
	struct ml_opt *v = &s->v[s->o.n];
	snprintf(s->text[s->o.n], sizeof s->text[0], "%.17g", num);
	*v = (struct ml_opt){.key = (char *)key, .type = MLO_NUM, .num = num, .str = s->text[s->o.n], .pos = -1};
	s->o.v = s->v;
	s->o.n++;
}

/* a number written with a decimal point (max_features = 1.0 is a fraction) */
static void
opt_numtext(struct optset *s, const char *key, double num, const char *text)
{
	opt_num(s, key, num);
	snprintf(s->text[s->o.n - 1], sizeof s->text[0], "%s", text);
}

static void
opt_str(struct optset *s, const char *key, const char *str)
{
	s->v[s->o.n] = (struct ml_opt){.key = (char *)key, .type = MLO_STR, .str = (char *)str, .pos = -1};
	s->o.v = s->v;
	s->o.n++;
}

static void
opt_bool(struct optset *s, const char *key, bool b)
{
	s->v[s->o.n] = (struct ml_opt){.key = (char *)key, .type = MLO_BOOL, .b = b, .str = b ? "true" : "false",
	    .pos = -1};
	s->o.v = s->v;
	s->o.n++;
}

/* ------------------------------------------------------------ helpers */

static struct ml_data
data_of(const struct set *s, const double *y, int nclass)
{
	return (struct ml_data){.n = s->n, .p = NF, .x = s->x, .y = y, .nclass = nclass};
}

/* Predictions for all rows of s, through chunks of ML_CHUNK rows. */
static double *
predict_all(const struct ml_kind *k, const void *m, const double *x, int64_t n, int p, int nval)
{
	double *out = xmalloc((size_t)n * (size_t)nval * sizeof *out);
	double *chunk = xmalloc((size_t)ML_CHUNK * (size_t)p * sizeof *chunk);
	for (int64_t i0 = 0; i0 < n; i0 += ML_CHUNK) {
		int c = (int)(n - i0 < ML_CHUNK ? n - i0 : ML_CHUNK);
		for (int j = 0; j < p; j++)
			memcpy(chunk + (size_t)j * (size_t)c, x + (size_t)j * (size_t)n + (size_t)i0, (size_t)c * sizeof *chunk);
		k->predict(m, chunk, c, out + (size_t)i0 * (size_t)nval);
	}
	free(chunk);
	return out;
}

static int
cmp_pair(const void *a, const void *b)
{
	const double *x = a, *y = b;
	return (x[0] > y[0]) - (x[0] < y[0]);
}

/* AUC of p1 = pr[2i + 1] with midranks for ties */
static double
auc2(const double *pr, const double *y, int64_t n)
{
	double *v = xmalloc((size_t)n * 2 * sizeof *v), npos = 0, rs = 0;
	for (int64_t i = 0; i < n; i++) {
		v[2 * i] = pr[2 * i + 1];
		v[2 * i + 1] = y[i];
		npos += y[i] > 0.5;
	}
	qsort(v, (size_t)n, 2 * sizeof *v, cmp_pair);
	for (int64_t i = 0; i < n;) {
		int64_t j = i;
		double pos = 0;
		while (j < n && v[2 * j] == v[2 * i])
			pos += v[2 * j++ + 1] > 0.5;
		rs += pos * ((double)(i + 1) + (double)j) / 2;
		i = j;
	}
	free(v);
	return (rs - npos * (npos + 1) / 2) / (npos * ((double)n - npos));
}

static double
r2(const double *pr, const double *y, int64_t n)
{
	double m = 0, sst = 0, sse = 0;
	for (int64_t i = 0; i < n; i++)
		m += y[i];
	m /= (double)n;
	for (int64_t i = 0; i < n; i++) {
		sst += (y[i] - m) * (y[i] - m);
		sse += (y[i] - pr[i]) * (y[i] - pr[i]);
	}
	return 1 - sse / sst;
}

static double
accuracy(const double *pr, const double *y, int64_t n, int k)
{
	int64_t good = 0;
	for (int64_t i = 0; i < n; i++) {
		int best = 0;
		for (int c = 1; c < k; c++)
			if (pr[i * k + c] > pr[i * k + best])
				best = c;
		good += best == (int)y[i];
	}
	return (double)good / (double)n;
}

static const char *
kv_get(const struct ml_kv *kv, const char *key)
{
	for (int i = 0; i < kv->n; i++)
		if (strcmp(kv->keys[i], key) == 0)
			return kv->vals[i];
	return NULL;
}

/* Train, or fail the test with the error. */
static void *
train_ok(const struct ml_kind *k, const struct ml_data *d, const struct optset *o, struct ml_log *log,
    const char *what)
{
	struct wb_error err = WB_ERROR_INIT;
	void *m = k->train(d, o ? &o->o : NULL, log, &err);
	if (!ok(m != NULL, "%s trains", what))
		diag("error: %s", err.msg ? err.msg : "(none)");
	err_clear(&err);
	return m;
}

/* Train expecting an error whose message contains want. */
static void
train_fails(const struct ml_kind *k, const struct ml_data *d, const struct optset *o, const char *want,
    const char *what)
{
	struct wb_error err = WB_ERROR_INIT;
	struct ml_log log;
	ml_log_init(&log);
	void *m = k->train(d, &o->o, &log, &err);
	ok(m == NULL && err.msg && strstr(err.msg, want), "%s is an error (%s)", what, err.msg ? err.msg : "none");
	if (m)
		k->free(m);
	err_clear(&err);
	ml_log_free(&log);
}

static void *
save_load(const struct ml_kind *k, const void *m, int p, int nclass, struct ml_wbuf *b)
{
	struct wb_error err = WB_ERROR_INIT;
	memset(b, 0, sizeof *b);
	k->save(m, b);
	struct ml_rbuf r = {b->p, b->n, 0, false};
	void *m2 = k->load(&r, p, nclass, &err);
	if (m2 == NULL)
		diag("load: %s", err.msg);
	err_clear(&err);
	return m2;
}

/* ------------------------------------------------------------ the tiny data set */

/* x1 <= 2.5 splits the positives 2 of 6 / 4 of 6; x0 splits them 3/3
 * (no gain); cutting x1 at 1.5 or 3.5 is worse (gini 5.78 against 5.33). */
static const double tiny_x[2][12] = {
	{0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0},
	{1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4},
};
static const double tiny_y[12] = {1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0};

static void
test_tiny(void)
{
	double x[24];
	memcpy(x, tiny_x[0], sizeof tiny_x[0]);
	memcpy(x + 12, tiny_x[1], sizeof tiny_x[1]);
	struct ml_data d = {.n = 12, .p = 2, .x = x, .y = tiny_y, .nclass = 2};
	struct optset o = {0};
	opt_num(&o, "max_depth", 1);
	struct ml_log log;
	ml_log_init(&log);
	const struct ml_kind *k = &ml_kind_tree_classifier;
	void *m = train_ok(k, &d, &o, &log, "tiny tree");
	if (m == NULL)
		return;
	is_dbl(ref("tiny_feature"), 1, 0, "sklearn splits the tiny set on feature 1");
	is_dbl(ref("tiny_threshold"), 2.5, 0, "sklearn's threshold is 2.5");
	/* x1 = 2.5 goes left, the next double right, x0 does not matter */
	double q[8] = {0, 1, 0, 1, 2.5, nextafter(2.5, 3), 1, 4}, out[8];
	k->predict(m, q, 4, out);
	is_dbl(out[1], ref("tiny_left_p1"), 1e-15, "x1 = 2.5 -> left leaf, P(1) = 1/3");
	is_dbl(out[0], 2.0 / 3, 1e-15, "left leaf P(0) = 2/3");
	is_dbl(out[3], ref("tiny_right_p1"), 1e-15, "x1 just above 2.5 -> right leaf, P(1) = 2/3");
	is_dbl(out[5], 1.0 / 3, 1e-15, "x1 = 1 -> left leaf");
	is_dbl(out[7], 2.0 / 3, 1e-15, "x1 = 4 -> right leaf");
	double imp[2];
	k->importance(m, imp);
	ok(imp[0] == 0 && imp[1] == 1, "importance: all of it to feature 1 (%g, %g)", imp[0], imp[1]);
	struct ml_kv kv = {0};
	k->describe(m, &kv);
	is_str(kv_get(&kv, "leaves"), "2", "tiny tree has 2 leaves");
	is_str(kv_get(&kv, "depth_reached"), "1", "tiny tree depth 1");
	ml_kv_free(&kv);
	/* training info: error 6/12 at depth 0, 4/12 at depth 1 */
	is_int(log.nsteps, 2, "tiny tree logs a step per depth");
	if (log.nsteps == 2) {
		is_dbl(log.steps[0].loss, 0.5, 1e-15, "training error at depth 0");
		is_dbl(log.steps[1].loss, 4.0 / 12, 1e-15, "training error at depth 1");
		ok(isnan(log.steps[0].eval_loss), "no held-out rows, no eval_loss");
	}
	k->free(m);
	ml_log_free(&log);

	/* the gain matches sklearn's impurity decrease: gini 1/2 -> 4/9 */
	is_dbl(ref("tiny_improvement"), 0.5 - 4.0 / 9, 1e-12, "sklearn's impurity decrease is 1/18");

	/* the same with entropy picks the same split */
	struct optset oe = {0};
	opt_num(&oe, "max_depth", 1);
	opt_str(&oe, "criterion", "entropy");
	m = train_ok(k, &d, &oe, NULL, "tiny entropy tree");
	if (m) {
		k->predict(m, q, 4, out);
		ok(out[1] == 1.0 / 3 && out[3] == 2.0 / 3, "entropy: same leaves (%g, %g)", out[1], out[3]);
		k->free(m);
	}

	/* regression: leaf means 1/3 and 2/3 */
	struct ml_data dr = d;
	dr.nclass = 0;
	m = train_ok(&ml_kind_tree_regressor, &dr, &o, NULL, "tiny regression tree");
	if (m) {
		ml_kind_tree_regressor.predict(m, q, 4, out);
		is_dbl(out[0], 1.0 / 3, 1e-15, "regression left leaf mean 1/3");
		is_dbl(out[1], 2.0 / 3, 1e-15, "regression right leaf mean 2/3");
		ml_kind_tree_regressor.free(m);
	}

	/* min_samples_leaf = 7: no split leaves 7 rows on both sides */
	struct optset ol = {0};
	opt_num(&ol, "min_samples_leaf", 7);
	m = train_ok(k, &d, &ol, NULL, "tiny tree, min_samples_leaf 7");
	if (m) {
		k->predict(m, q, 4, out);
		ok(out[1] == 0.5 && out[7] == 0.5, "min_samples_leaf = 7 leaves the root a leaf");
		k->free(m);
	}
	/* row weights count: doubling the positives left of 2.5 makes x0
	 * the better split (sklearn: x0 <= 0.5, leaves [2, 6] and [4, 2]) */
	double w[12];
	for (int i = 0; i < 12; i++)
		w[i] = tiny_y[i] == 1 && tiny_x[1][i] <= 2 ? 2 : 1;
	struct ml_data dw = d;
	dw.w = w;
	m = train_ok(k, &dw, &o, NULL, "tiny weighted tree");
	if (m) {
		k->predict(m, q, 4, out);
		is_dbl(out[1], 0.75, 1e-15, "weighted: x0 = 0 -> P(1) = 6/8");
		is_dbl(out[3], 1.0 / 3, 1e-15, "weighted: x0 = 1 -> P(1) = 2/6");
		k->free(m);
	}
	/* one row of weight > 0: many bootstrap draws hold none of it */
	for (int i = 0; i < 12; i++)
		w[i] = i == 3;
	struct optset of = {0};
	opt_num(&of, "num_trees", 20);
	m = train_ok(&ml_kind_forest_classifier, &dw, &of, NULL, "forest where most rows weigh 0");
	if (m) {
		ml_kind_forest_classifier.predict(m, q, 4, out);
		ok(isfinite(out[0]) && isfinite(out[7]) && out[1] > 0.5, "finite predictions, leaning to the weighted "
		    "row's class (%g)", out[1]);
		ml_kind_forest_classifier.free(m);
	}
	for (int i = 0; i < 12; i++)
		w[i] = 0;
	struct optset o0 = {0};
	train_fails(k, &dw, &o0, "weight 0", "all rows weighing 0");
}

/* ------------------------------------------------------------ against sklearn */

static void
test_sklearn(const struct set *tr, const struct set *te)
{
	struct ml_log log;
	void *m;
	double *pr;

	/* decision tree classifier, gini and entropy */
	struct optset o = {0};
	opt_num(&o, "max_depth", 6);
	opt_num(&o, "min_samples_leaf", 5);
	struct ml_data d = data_of(tr, tr->yb, 2);
	d.nv = te->n;
	d.xv = te->x;
	d.yv = te->yb;
	ml_log_init(&log);
	const struct ml_kind *k = &ml_kind_tree_classifier;
	if ((m = train_ok(k, &d, &o, &log, "decision tree (gini)")) != NULL) {
		pr = predict_all(k, m, te->x, te->n, NF, 2);
		double a = auc2(pr, te->yb, te->n);
		ok(fabs(a - ref("tree_gini_auc")) <= 0.01, "tree gini test AUC %.4f, sklearn %.4f", a, ref("tree_gini_auc"));
		is_int(log.nsteps, 7, "tree logs depths 0..6");
		ok(log.nsteps == 7 && log.steps[6].loss < log.steps[0].loss && isfinite(log.steps[6].eval_loss) &&
		    log.steps[6].eval_loss < log.steps[0].eval_loss, "training and held-out error fall with depth");
		free(pr);
		k->free(m);
	}
	ml_log_free(&log);
	struct optset oe = o;
	opt_str(&oe, "criterion", "entropy");
	if ((m = train_ok(k, &d, &oe, NULL, "decision tree (entropy)")) != NULL) {
		pr = predict_all(k, m, te->x, te->n, NF, 2);
		double a = auc2(pr, te->yb, te->n);
		ok(fabs(a - ref("tree_entropy_auc")) <= 0.01, "tree entropy test AUC %.4f, sklearn %.4f", a,
		    ref("tree_entropy_auc"));
		free(pr);
		k->free(m);
	}
	/* class weights as sklearn's class_weight = 'balanced' */
	double *w = xmalloc((size_t)tr->n * sizeof *w), pos = 0;
	for (int64_t i = 0; i < tr->n; i++)
		pos += tr->yb[i];
	for (int64_t i = 0; i < tr->n; i++)
		w[i] = tr->yb[i] == 1 ? 0.5 * (double)tr->n / pos : 0.5 * (double)tr->n / ((double)tr->n - pos);
	struct ml_data dw = data_of(tr, tr->yb, 2);
	dw.w = w;
	if ((m = train_ok(k, &dw, &o, NULL, "weighted decision tree")) != NULL) {
		pr = predict_all(k, m, te->x, te->n, NF, 2);
		double a = auc2(pr, te->yb, te->n);
		ok(fabs(a - ref("tree_weighted_auc")) <= 0.01, "weighted tree test AUC %.4f, sklearn %.4f", a,
		    ref("tree_weighted_auc"));
		free(pr);
		k->free(m);
	}
	free(w);
	/* three classes */
	struct ml_data d3 = data_of(tr, tr->y3, 3);
	if ((m = train_ok(k, &d3, &o, NULL, "3-class decision tree")) != NULL) {
		pr = predict_all(k, m, te->x, te->n, NF, 3);
		double a = accuracy(pr, te->y3, te->n, 3);
		ok(fabs(a - ref("tree_3class_acc")) <= 0.02, "3-class tree test accuracy %.4f, sklearn %.4f", a,
		    ref("tree_3class_acc"));
		free(pr);
		k->free(m);
	}
	/* regression tree, depth 5 (see tree_ref.py) */
	struct ml_data dr = data_of(tr, tr->yr, 0);
	k = &ml_kind_tree_regressor;
	struct optset o5 = {0};
	opt_num(&o5, "max_depth", 5);
	opt_num(&o5, "min_samples_leaf", 10);
	if ((m = train_ok(k, &dr, &o5, NULL, "regression tree")) != NULL) {
		pr = predict_all(k, m, te->x, te->n, NF, 1);
		double r = r2(pr, te->yr, te->n);
		ok(fabs(r - ref("tree_reg_r2")) <= 0.01, "regression tree test R^2 %.4f, sklearn %.4f", r,
		    ref("tree_reg_r2"));
		free(pr);
		k->free(m);
	}

	/* random forest classifier: 100 trees, depth 8, sqrt features */
	struct optset of = {0};
	opt_num(&of, "num_trees", 100);
	opt_num(&of, "max_depth", 8);
	k = &ml_kind_forest_classifier;
	ml_log_init(&log);
	if ((m = train_ok(k, &d, &of, &log, "random forest classifier")) != NULL) {
		pr = predict_all(k, m, te->x, te->n, NF, 2);
		double a = auc2(pr, te->yb, te->n);
		ok(fabs(a - ref("forest_auc")) <= 0.01, "forest test AUC %.4f, sklearn %.4f", a, ref("forest_auc"));
		struct ml_kv kv = {0};
		k->describe(m, &kv);
		const char *oa = kv_get(&kv, "oob_accuracy"), *ou = kv_get(&kv, "oob_auc");
		ok(oa && fabs(atof(oa) - ref("forest_oob_acc")) <= 0.02, "OOB accuracy %s, sklearn %.4f", oa ? oa : "none",
		    ref("forest_oob_acc"));
		ok(ou && fabs(atof(ou) - ref("forest_oob_auc")) <= 0.01, "OOB AUC %s, sklearn %.4f", ou ? ou : "none",
		    ref("forest_oob_auc"));
		is_str(kv_get(&kv, "max_features"), "2 of 6", "sqrt(6) features per split");
		ml_kv_free(&kv);
		double imp[NF], s = 0;
		k->importance(m, imp);
		for (int j = 0; j < NF; j++)
			s += imp[j];
		is_dbl(s, 1, 1e-12, "importances sum to 1");
		double min_signal = 1, max_noise = 0;
		for (int j = 0; j < 4; j++)
			min_signal = fmin(min_signal, imp[j]);
		for (int j = 4; j < NF; j++)
			max_noise = fmax(max_noise, imp[j]);
		ok(min_signal > max_noise, "signal features x0..x3 rank above the noise (%.3f > %.3f)", min_signal, max_noise);
		for (int j = 0; j < NF; j++) {
			char key[64];
			snprintf(key, sizeof key, "forest_importance_%d", j);
			ok(fabs(imp[j] - ref(key)) <= 0.05, "importance of x%d %.4f, sklearn %.4f", j, imp[j], ref(key));
		}
		/* the log: a step per tree, OOB error that ends lower than a single tree's */
		is_int(log.nsteps, 100, "forest logs a step per tree");
		ok(log.nsteps == 100 && log.steps[99].loss < log.steps[0].loss && isfinite(log.steps[99].eval_loss),
		    "OOB error falls over the trees (%.4f -> %.4f), held-out error logged",
		    log.nsteps ? log.steps[0].loss : NAN, log.nsteps ? log.steps[log.nsteps - 1].loss : NAN);
		ok(log.nnotes >= 2 && strstr(log.notes[0], "out-of-bag") && strstr(log.notes[1], "AUC"),
		    "notes say what the log holds and the OOB score");
		free(pr);
		k->free(m);
	}
	ml_log_free(&log);
	/* three classes, entropy */
	struct optset of3 = of;
	opt_str(&of3, "criterion", "entropy");
	if ((m = train_ok(k, &d3, &of3, NULL, "3-class random forest")) != NULL) {
		pr = predict_all(k, m, te->x, te->n, NF, 3);
		double a = accuracy(pr, te->y3, te->n, 3), worst = 0;
		ok(fabs(a - ref("forest_3class_acc")) <= 0.02, "3-class forest test accuracy %.4f, sklearn %.4f", a,
		    ref("forest_3class_acc"));
		for (int64_t i = 0; i < te->n; i++)
			worst = fmax(worst, fabs(pr[3 * i] + pr[3 * i + 1] + pr[3 * i + 2] - 1));
		ok(worst < 1e-12, "class probabilities sum to 1");
		free(pr);
		k->free(m);
	}
	/* random forest regressor: all features per split */
	k = &ml_kind_forest_regressor;
	if ((m = train_ok(k, &dr, &of, NULL, "random forest regressor")) != NULL) {
		pr = predict_all(k, m, te->x, te->n, NF, 1);
		double r = r2(pr, te->yr, te->n);
		ok(fabs(r - ref("forest_reg_r2")) <= 0.01, "forest regressor test R^2 %.4f, sklearn %.4f", r,
		    ref("forest_reg_r2"));
		struct ml_kv kv = {0};
		k->describe(m, &kv);
		const char *o2 = kv_get(&kv, "oob_r2");
		ok(o2 && fabs(atof(o2) - ref("forest_reg_oob_r2")) <= 0.01, "OOB R^2 %s, sklearn %.4f", o2 ? o2 : "none",
		    ref("forest_reg_oob_r2"));
		is_str(kv_get(&kv, "max_features"), "6 of 6", "regressor: all features per split");
		ml_kv_free(&kv);
		free(pr);
		k->free(m);
	}
}

/* ------------------------------------------------------------ the same trees as sklearn */

/* On features rounded to 0.1 every feature has fewer distinct values than
 * bins, so the candidate splits are sklearn's and the trees must match:
 * the same leaf count and the same training predictions (compared through
 * their sum, sum of squares and index-weighted sum). */
static void
grid_case(const char *key, const struct ml_kind *k, const struct ml_data *d, const struct optset *o, int nval)
{
	void *m = train_ok(k, d, o, NULL, key);
	if (m == NULL)
		return;
	double *pr = predict_all(k, m, d->x, d->n, NF, nval), sum = 0, sq = 0, ws = 0;
	for (int64_t i = 0; i < d->n; i++) {
		double v = nval == 1 ? pr[i] : nval == 2 ? pr[2 * i + 1] : pr[3 * i + 1] + 2 * pr[3 * i + 2];
		sum += v;
		sq += v * v;
		ws += v * (double)(i + 1);
	}
	char rk[64];
	struct ml_kv kv = {0};
	k->describe(m, &kv);
	snprintf(rk, sizeof rk, "%s_leaves", key);
	is_int(atoi(kv_get(&kv, "leaves")), (long long)ref(rk), "%s: sklearn's leaf count", key);
	snprintf(rk, sizeof rk, "%s_sum", key);
	is_dbl(sum, ref(rk), 1e-9, "%s: sum of training predictions", key);
	snprintf(rk, sizeof rk, "%s_sumsq", key);
	is_dbl(sq, ref(rk), 1e-9, "%s: sum of squares", key);
	snprintf(rk, sizeof rk, "%s_wsum", key);
	is_dbl(ws, ref(rk), 1e-9, "%s: index-weighted sum", key);
	ml_kv_free(&kv);
	free(pr);
	k->free(m);
}

static void
test_grid(const struct set *tr)
{
	struct set g = *tr;
	g.x = xmalloc((size_t)tr->n * NF * sizeof *g.x);
	for (int64_t i = 0; i < tr->n * NF; i++)
		g.x[i] = rint(tr->x[i] * 10) / 10;    /* numpy's round(x, 1) */
	struct optset o = {0};
	opt_num(&o, "max_depth", 6);
	opt_num(&o, "min_samples_leaf", 5);
	struct ml_data d = data_of(&g, tr->yb, 2);
	struct optset oc = {0};    /* no tied best splits (tree_ref.py) */
	opt_num(&oc, "max_depth", 6);
	opt_num(&oc, "min_samples_leaf", 20);
	grid_case("grid_gini", &ml_kind_tree_classifier, &d, &oc, 2);
	double *w = xmalloc((size_t)tr->n * sizeof *w), pos = 0;
	for (int64_t i = 0; i < tr->n; i++)
		pos += tr->yb[i];
	for (int64_t i = 0; i < tr->n; i++)
		w[i] = tr->yb[i] == 1 ? 0.5 * (double)tr->n / pos : 0.5 * (double)tr->n / ((double)tr->n - pos);
	d.w = w;
	grid_case("grid_weighted", &ml_kind_tree_classifier, &d, &oc, 2);
	free(w);
	struct ml_data d3 = data_of(&g, tr->y3, 3);
	struct optset o3 = {0};
	opt_num(&o3, "max_depth", 5);
	opt_str(&o3, "criterion", "entropy");
	grid_case("grid_3class", &ml_kind_tree_classifier, &d3, &o3, 3);
	struct ml_data dr = data_of(&g, tr->yr, 0);
	grid_case("grid_reg", &ml_kind_tree_regressor, &dr, &o, 1);
	struct optset om = {0};
	opt_num(&om, "max_depth", 8);
	opt_num(&om, "min_samples_split", 20);
	opt_num(&om, "min_impurity_decrease", 0.001);
	grid_case("grid_reg_mid", &ml_kind_tree_regressor, &dr, &om, 1);
	free(g.x);
}

/* ------------------------------------------------------------ determinism, files */

struct inline_arg {
	const struct ml_kind *k;
	const struct ml_data *d;
	const struct optset *o;
	void *m;
};

static void
train_inline(void *arg, int task, int worker)
{
	struct inline_arg *a = arg;
	struct wb_error err = WB_ERROR_INIT;
	a->m = a->k->train(a->d, &a->o->o, NULL, &err);
	err_clear(&err);
}

static void
test_determinism(const struct set *tr, const struct set *te)
{
	const struct ml_kind *k = &ml_kind_forest_classifier;
	struct ml_data d = data_of(tr, tr->yb, 2);
	struct optset o = {0};
	opt_num(&o, "num_trees", 30);
	opt_num(&o, "seed", 42);
	opt_numtext(&o, "max_features", 0.5, "0.5");
	void *a = train_ok(k, &d, &o, NULL, "forest on the pool");
	/* a pool_run task runs nested pool_runs inline: one thread */
	struct inline_arg ia = {k, &d, &o, NULL};
	pool_run(1, train_inline, &ia);
	void *b = ia.m;
	ok(b != NULL, "forest on one thread trains");
	struct optset o2 = {0};
	opt_num(&o2, "num_trees", 30);
	opt_num(&o2, "seed", 43);
	opt_numtext(&o2, "max_features", 0.5, "0.5");
	void *c = train_ok(k, &d, &o2, NULL, "forest with another seed");
	if (a && b && c) {
		double *pa = predict_all(k, a, te->x, te->n, NF, 2), *pb = predict_all(k, b, te->x, te->n, NF, 2);
		double *pc = predict_all(k, c, te->x, te->n, NF, 2);
		ok(memcmp(pa, pb, (size_t)te->n * 2 * sizeof *pa) == 0, "%d threads and 1 thread: bit-identical predictions",
		    pool_size());
		ok(memcmp(pa, pc, (size_t)te->n * 2 * sizeof *pa) != 0, "another seed, other predictions");
		double ia_[NF], ib_[NF];
		k->importance(a, ia_);
		k->importance(b, ib_);
		ok(memcmp(ia_, ib_, sizeof ia_) == 0, "identical importances");
		struct ml_kv ka = {0}, kb = {0};
		k->describe(a, &ka);
		k->describe(b, &kb);
		ok(strcmp(kv_get(&ka, "oob_auc"), kv_get(&kb, "oob_auc")) == 0, "identical OOB AUC");
		ml_kv_free(&ka);
		ml_kv_free(&kb);

		/* save / load */
		struct ml_wbuf buf;
		void *l = save_load(k, a, NF, 2, &buf);
		ok(l != NULL, "forest loads back");
		if (l) {
			double *pl = predict_all(k, l, te->x, te->n, NF, 2);
			ok(memcmp(pa, pl, (size_t)te->n * 2 * sizeof *pa) == 0, "loaded forest: identical predictions");
			struct ml_kv k1 = {0}, k2 = {0};
			k->describe(a, &k1);
			k->describe(l, &k2);
			int same = k1.n == k2.n;
			for (int i = 0; same && i < k1.n; i++)
				same = strcmp(k1.vals[i], k2.vals[i]) == 0;
			ok(same, "loaded forest: same description");
			ml_kv_free(&k1);
			ml_kv_free(&k2);
			free(pl);
			k->free(l);
		}
		/* the wrong kind, feature count or class count */
		struct wb_error err = WB_ERROR_INIT;
		struct ml_rbuf r = {buf.p, buf.n, 0, false};
		ok(ml_kind_tree_classifier.load(&r, NF, 2, &err) == NULL && err.msg, "a forest is not a tree");
		err_clear(&err);
		r = (struct ml_rbuf){buf.p, buf.n, 0, false};
		ok(k->load(&r, NF + 1, 2, &err) == NULL && err.msg, "a model of 6 features is not one of 7");
		err_clear(&err);
		r = (struct ml_rbuf){buf.p, buf.n, 0, false};
		ok(k->load(&r, NF, 3, &err) == NULL && err.msg, "2 classes are not 3");
		err_clear(&err);
		ml_wbuf_free(&buf);
		free(pa);
		free(pb);
		free(pc);
	}
	if (a)
		k->free(a);
	if (b)
		k->free(b);
	if (c)
		k->free(c);
}

/* Every prefix of a model file fails to load; flipped bytes either fail
 * or give a model that predicts finite values; pointed corruptions of a
 * node fail. */
static void
test_corrupt(const struct set *tr, const struct set *te)
{
	const struct ml_kind *k = &ml_kind_tree_classifier;
	struct ml_data d = data_of(tr, tr->yb, 2);
	struct optset o = {0};
	opt_num(&o, "max_depth", 4);
	void *m = train_ok(k, &d, &o, NULL, "small tree for corruption");
	if (m == NULL)
		return;
	struct ml_wbuf b = {0};
	k->save(m, &b);
	int bad_prefix = 0;
	for (size_t len = 0; len < b.n; len++) {
		struct wb_error err = WB_ERROR_INIT;
		struct ml_rbuf r = {b.p, len, 0, false};
		void *l = k->load(&r, NF, 2, &err);
		if (l != NULL || err.msg == NULL)
			bad_prefix++;
		if (l)
			k->free(l);
		err_clear(&err);
	}
	ok(bad_prefix == 0, "all %zu truncations are errors", b.n);
	uint8_t *copy = xmalloc(b.n);
	int loaded = 0, rejected = 0, nonfinite = 0;
	struct ml_rng rng;
	ml_rng_seed(&rng, 1, 1);
	for (int trial = 0; trial < 3000; trial++) {
		memcpy(copy, b.p, b.n);
		for (int f = 0; f < 1 + trial % 3; f++)
			copy[ml_rng_below(&rng, b.n)] ^= (uint8_t)(1 + ml_rng_below(&rng, 255));
		struct wb_error err = WB_ERROR_INIT;
		struct ml_rbuf r = {copy, b.n, 0, false};
		void *l = k->load(&r, NF, 2, &err);
		if (l) {
			loaded++;
			double out[2 * 64];
			k->predict(l, te->x, 64, out);   /* the first 64 rows of the column-major test set */
			for (int i = 0; i < 128; i++)
				nonfinite += !isfinite(out[i]);
			k->free(l);
		} else
			rejected += err.msg != NULL;
		err_clear(&err);
	}
	ok(loaded + rejected == 3000 && nonfinite == 0, "3000 corrupted files: %d rejected, %d load and predict "
	    "finite values", rejected, loaded);
	/* The header is 2 + 12 + 40 + 16 + 3 + 56 bytes, then 6 importances,
	 * then the tree: node count, leaf count, nodes of 20 bytes. */
	size_t tree0 = 2 + 12 + 40 + 16 + 3 + 56 + 8 * NF, node0 = tree0 + 8;
	struct { size_t off; uint32_t v; const char *what; } cases[] = {
		{node0, NF, "a feature index of p"},
		{node0, 0x80000000u, "a negative feature index"},
		{node0 + 12, 0, "a child pointing at its parent"},
		{node0 + 16, 0x7fffffff, "a child beyond the nodes"},
		{tree0, 0xffffffffu, "a huge node count"},
		{tree0 + 4, 0, "no leaves"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memcpy(copy, b.p, b.n);
		for (int j = 0; j < 4; j++)
			copy[cases[i].off + (size_t)j] = (uint8_t)(cases[i].v >> (8 * j));
		struct wb_error err = WB_ERROR_INIT;
		struct ml_rbuf r = {copy, b.n, 0, false};
		void *l = k->load(&r, NF, 2, &err);
		ok(l == NULL && err.msg, "%s is an error (%s)", cases[i].what, err.msg ? err.msg : "loaded");
		if (l)
			k->free(l);
		err_clear(&err);
	}
	/* an untouched copy still loads (the offsets above are right) */
	memcpy(copy, b.p, b.n);
	struct wb_error err = WB_ERROR_INIT;
	struct ml_rbuf r = {copy, b.n, 0, false};
	void *l = k->load(&r, NF, 2, &err);
	ok(l != NULL && r.off == b.n, "the intact file loads and is read to its end");
	if (l)
		k->free(l);
	err_clear(&err);
	free(copy);
	ml_wbuf_free(&b);
	k->free(m);
}

/* ------------------------------------------------------------ errors, cancel, progress */

struct progress_seen {
	int64_t calls, last_done, total;
	int monotone_ok;
};

static void
on_progress(void *arg, int64_t done, int64_t total, const char *unit)
{
	struct progress_seen *p = arg;
	__atomic_add_fetch(&p->calls, 1, __ATOMIC_SEQ_CST);
	if (done > __atomic_load_n(&p->last_done, __ATOMIC_SEQ_CST))
		__atomic_store_n(&p->last_done, done, __ATOMIC_SEQ_CST);
	p->total = total;
	if (strcmp(unit, "trees") != 0)
		p->monotone_ok = 0;
}

static void
test_errors(const struct set *tr)
{
	struct ml_data d = data_of(tr, tr->yb, 2);
	const struct ml_kind *f = &ml_kind_forest_classifier, *t = &ml_kind_tree_classifier;
	struct optset o;
	o = (struct optset){0};
	opt_num(&o, "max_bins", 1);
	train_fails(t, &d, &o, "max_bins", "max_bins = 1");
	o = (struct optset){0};
	opt_num(&o, "max_depth", 65);
	train_fails(t, &d, &o, "max_depth", "max_depth = 65");
	o = (struct optset){0};
	opt_str(&o, "criterion", "variance");
	train_fails(t, &d, &o, "criterion", "a classifier with criterion 'variance'");
	o = (struct optset){0};
	opt_str(&o, "criterion", "gini");
	train_fails(&ml_kind_tree_regressor, &d, &o, "criterion", "a regressor with criterion 'gini'");
	o = (struct optset){0};
	opt_str(&o, "max_features", "half");
	train_fails(f, &d, &o, "max_features", "max_features = 'half'");
	o = (struct optset){0};
	opt_numtext(&o, "max_features", 1.5, "1.5");
	train_fails(f, &d, &o, "max_features", "max_features = 1.5");
	o = (struct optset){0};
	opt_bool(&o, "bootstrap", false);
	opt_bool(&o, "oob_score", true);
	train_fails(f, &d, &o, "oob_score", "oob_score without bootstrap");
	o = (struct optset){0};
	opt_num(&o, "subsample", 0);
	train_fails(f, &d, &o, "subsample", "subsample = 0");
	o = (struct optset){0};
	opt_num(&o, "num_trees", 0);
	train_fails(f, &d, &o, "num_trees", "num_trees = 0");
	double *y = xmalloc((size_t)tr->n * sizeof *y);
	memcpy(y, tr->yb, (size_t)tr->n * sizeof *y);
	y[5] = 2;
	struct ml_data dbad = data_of(tr, y, 2);
	o = (struct optset){0};
	train_fails(t, &dbad, &o, "label", "a label outside the classes");
	free(y);

	/* max_features beyond p is clamped with a note; 1.0 is all */
	struct ml_log log;
	ml_log_init(&log);
	o = (struct optset){0};
	opt_num(&o, "num_trees", 3);
	opt_num(&o, "max_features", 50);
	void *m = train_ok(f, &d, &o, &log, "max_features = 50");
	ok(log.nnotes > 0 && strstr(log.notes[0], "max_features"), "a note says max_features was clamped");
	if (m)
		f->free(m);
	ml_log_free(&log);
	o = (struct optset){0};
	opt_num(&o, "num_trees", 3);
	opt_numtext(&o, "max_features", 1.0, "1.0");
	opt_bool(&o, "bootstrap", false);
	opt_num(&o, "subsample", 0.5);
	m = train_ok(f, &d, &o, NULL, "max_features = 1.0, subsample 0.5 without bootstrap");
	if (m) {
		struct ml_kv kv = {0};
		f->describe(m, &kv);
		is_str(kv_get(&kv, "max_features"), "6 of 6", "max_features = 1.0 means all");
		ok(kv_get(&kv, "oob_accuracy") != NULL, "subsampling without bootstrap still has OOB rows");
		ml_kv_free(&kv);
		f->free(m);
	}

	/* progress and cancellation */
	struct progress_seen ps = {0, 0, 0, 1};
	ml_log_init(&log);
	log.progress = on_progress;
	log.progress_arg = &ps;
	o = (struct optset){0};
	opt_num(&o, "num_trees", 20);
	m = train_ok(f, &d, &o, &log, "forest with progress");
	ok(ps.calls == 20 && ps.last_done == 20 && ps.total == 20 && ps.monotone_ok, "progress: 20 calls up to 20 of "
	    "20 trees (%lld calls)", (long long)ps.calls);
	if (m)
		f->free(m);
	ml_log_free(&log);
	volatile int cancel = 1;
	ml_log_init(&log);
	log.cancel = &cancel;
	struct wb_error err = WB_ERROR_INIT;
	m = f->train(&d, &o.o, &log, &err);
	ok(m == NULL && err.msg && strstr(err.msg, "cancelled"), "a cancelled training returns an error");
	err_clear(&err);
	ml_log_free(&log);
}

int
main(void)
{
	pool_init(2);
	read_ref();
	struct set tr, te;
	read_set("tree_train.csv", &tr);
	read_set("tree_test.csv", &te);
	ok(tr.n == 3000 && te.n == 2000, "data sets read (%lld, %lld rows)", (long long)tr.n, (long long)te.n);
	ok(ml_kind_find("random_forest_classifier") == &ml_kind_forest_classifier &&
	    ml_kind_find("DECISION_TREE_REGRESSOR") == &ml_kind_tree_regressor, "the kinds are registered");
	test_tiny();
	test_sklearn(&tr, &te);
	test_grid(&tr);
	test_determinism(&tr, &te);
	test_corrupt(&tr, &te);
	test_errors(&tr);
	free_set(&tr);
	free_set(&te);
	pool_shutdown();    /* joins the workers, so valgrind sees no thread stacks */
	return done_testing();
}
