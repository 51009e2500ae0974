/*
 * ml_forest: the decision tree and random forest kinds
 * (decision_tree_classifier, decision_tree_regressor,
 * random_forest_classifier, random_forest_regressor).
 *
 * A decision tree is a forest of one tree grown on every row with every
 * feature looked at per split, so the four kinds share one model: trees
 * (ml_tree.h) whose predictions are averaged - class probabilities (the
 * weighted class fractions of the leaf) or leaf means.
 *
 * Training bins the features once, then grows the trees in parallel on
 * the pool, one task per tree; tree t draws everything (bootstrap rows,
 * features) from ml_rng_seed(seed, t), and every reduction over trees or
 * rows runs in a fixed order, so a seed gives bit-identical models for any
 * WB_THREADS. Rows a tree did not draw are its out-of-bag rows: their
 * predictions give the OOB accuracy / R^2 (and AUC for two classes), and
 * the per-tree training log (ML.TRAINING_INFO): loss is the OOB error of
 * the first t + 1 trees (error rate for classifiers, mean squared error for
 * regressors; without OOB rows, the mean in-bag training error of those
 * trees), eval_loss the same error on the held-out rows when there are
 * some, duration_ms the time tree t took to grow. A decision tree logs one
 * step per depth instead: the weighted training error and the held-out
 * error of the tree cut at that depth.
 *
 * Model file (version 1): kind, p, nclass, the options and summary values
 * DESCRIBE shows, the importances, then the trees (ml_tree_save).
 */
#include "ml/ml_tree.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum forest_kind { FK_TREE_CLS, FK_TREE_REG, FK_FOREST_CLS, FK_FOREST_REG };

#define FOREST_FILE_VERSION 1
#define MAX_TREES 10000
#define MAX_CLASSES 1024   /* histograms hold a weight per class and bin */

struct forest {
	enum forest_kind kind;
	int p, nclass, nval, ntrees;
	struct ml_tree *trees;
	double *importance;       /* p, sums to 1 (or all 0 when no tree split) */
	/* what DESCRIBE shows */
	int64_t n_train, max_depth, min_samples_leaf, min_samples_split, leaves;
	int depth_reached, mtry, max_bins, bins_used;
	enum ml_tree_crit crit;
	bool bootstrap, oob;
	double subsample, min_impurity_decrease, train_loss;
	double oob_score, oob_auc;        /* NaN when not computed */
	int64_t oob_rows;
	uint64_t seed;
};

static bool
is_forest(enum forest_kind k)
{
	return k == FK_FOREST_CLS || k == FK_FOREST_REG;
}

static bool
is_cls(enum forest_kind k)
{
	return k == FK_TREE_CLS || k == FK_FOREST_CLS;
}

static void
forest_free(void *m)
{
	struct forest *f = m;
	if (f == NULL)
		return;
	for (int t = 0; t < f->ntrees; t++)
		ml_tree_free(&f->trees[t]);
	free(f->trees);
	free(f->importance);
	free(f);
}

/* ------------------------------------------------------------ options */

static const char *const tree_options[] = {
	"max_depth", "min_samples_leaf", "min_samples_split", "min_impurity_decrease", "max_bins", "criterion",
	"seed", NULL,
};

static const char *const forest_options[] = {
	"max_depth", "min_samples_leaf", "min_samples_split", "min_impurity_decrease", "max_bins", "criterion",
	"seed", "num_trees", "max_features", "bootstrap", "subsample", "oob_score", NULL,
};

struct forest_opts {
	struct ml_tree_params tp;
	int max_bins, ntrees;
	uint64_t seed;
	bool bootstrap, oob;
	double subsample;
	bool mtry_clamped;
	int64_t mtry_asked;
};

/* max_features: 'sqrt', 'log2', 'all', a fraction with a decimal point
 * ("0.5", "1.0" = all), or a whole number of features. */
static int
read_max_features(const struct ml_opts *o, int p, bool cls, struct forest_opts *fo, struct wb_error *err)
{
	const struct ml_opt *v = ml_opt_find(o, "max_features");
	const char *what = cls ? "sqrt" : "all";
	int m = p;
	if (v != NULL && v->type == MLO_NUM) {
		bool frac = v->str && strpbrk(v->str, ".eE") != NULL;
		if (frac && v->num > 0 && v->num <= 1) {
			m = (int)(v->num * p);
			what = NULL;
		} else if (!frac && v->num >= 1 && v->num == floor(v->num)) {
			fo->mtry_asked = v->num > 1e9 ? (int64_t)1e9 : (int64_t)v->num;
			fo->mtry_clamped = fo->mtry_asked > p;
			m = fo->mtry_clamped ? p : (int)fo->mtry_asked;
			what = NULL;
		} else {
			err_set(err, v->pos, "option max_features = %s is out of range", v->str ? v->str : "?");
			err_hint(err, "max_features takes 'sqrt', 'log2', 'all', a fraction in (0, 1] such as 0.5, "
			    "or a whole number of features");
			return -1;
		}
	} else if (v != NULL) {
		static const char *const allowed[] = {"sqrt", "log2", "all", NULL};
		if (ml_opt_choice(o, "max_features", what, allowed, &what, err) < 0) {
			err_hint(err, "max_features takes 'sqrt', 'log2', 'all', a fraction in (0, 1] such as 0.5, "
			    "or a whole number of features");
			return -1;
		}
	}
	if (what != NULL && strcmp(what, "sqrt") == 0)
		m = (int)sqrt((double)p);
	else if (what != NULL && strcmp(what, "log2") == 0)
		m = (int)log2((double)p);
	fo->tp.mtry = m < 1 ? 1 : m > p ? p : m;
	return 0;
}

static int
read_options(const struct ml_opts *o, enum forest_kind kind, int p, struct forest_opts *fo, struct wb_error *err)
{
	int64_t v;
	double x;
	memset(fo, 0, sizeof *fo);
	if (ml_opt_int(o, "max_depth", 10, 1, ML_TREE_MAX_DEPTH, &v, err) < 0)
		return -1;
	fo->tp.max_depth = (int)v;
	if (ml_opt_int(o, "min_samples_leaf", 1, 1, INT32_MAX, &fo->tp.min_samples_leaf, err) < 0 ||
	    ml_opt_int(o, "min_samples_split", 2, 2, INT32_MAX, &fo->tp.min_samples_split, err) < 0 ||
	    ml_opt_num(o, "min_impurity_decrease", 0, 0, INFINITY, &fo->tp.min_impurity_decrease, err) < 0)
		return -1;
	if (ml_opt_int(o, "max_bins", 255, 2, 255, &v, err) < 0)
		return -1;
	fo->max_bins = (int)v;
	if (ml_opt_int(o, "seed", 0, 0, (int64_t)1 << 53, &v, err) < 0)
		return -1;
	fo->seed = (uint64_t)v;
	const char *crit;
	if (is_cls(kind)) {
		static const char *const allowed[] = {"gini", "entropy", NULL};
		if (ml_opt_choice(o, "criterion", "gini", allowed, &crit, err) < 0)
			return -1;
		fo->tp.crit = strcmp(crit, "gini") == 0 ? ML_CRIT_GINI : ML_CRIT_ENTROPY;
	} else {
		/* sklearn calls it squared_error */
		static const char *const allowed[] = {"variance", "squared_error", NULL};
		if (ml_opt_choice(o, "criterion", "variance", allowed, &crit, err) < 0)
			return -1;
		fo->tp.crit = ML_CRIT_VARIANCE;
	}
	fo->ntrees = 1;
	fo->subsample = 1;
	fo->tp.mtry = p;
	if (!is_forest(kind))
		return 0;
	if (ml_opt_int(o, "num_trees", 100, 1, MAX_TREES, &v, err) < 0)
		return -1;
	fo->ntrees = (int)v;
	if (read_max_features(o, p, is_cls(kind), fo, err) < 0)
		return -1;
	if (ml_opt_bool(o, "bootstrap", true, &fo->bootstrap, err) < 0 ||
	    ml_opt_num(o, "subsample", 1, 0, 1, &x, err) < 0)
		return -1;
	if (!(x > 0)) {
		const struct ml_opt *s = ml_opt_find(o, "subsample");
		err_set(err, s ? s->pos : -1, "option subsample = 0 leaves no rows to grow trees on");
		err_hint(err, "subsample is the fraction of rows each tree draws, in (0, 1]");
		return -1;
	}
	fo->subsample = x;
	bool can_oob = fo->bootstrap || x < 1;
	if (ml_opt_bool(o, "oob_score", can_oob, &fo->oob, err) < 0)
		return -1;
	if (fo->oob && !can_oob) {
		const struct ml_opt *s = ml_opt_find(o, "oob_score");
		err_set(err, s ? s->pos : -1, "oob_score needs out-of-bag rows, and without bootstrap every tree "
		    "sees every row");
		err_hint(err, "set bootstrap = TRUE or subsample below 1, or oob_score = FALSE");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ data checks */

static int
check_data(const struct ml_data *d, enum forest_kind kind, struct wb_error *err)
{
	if (d->n < 1 || d->p < 1) {
		err_set(err, -1, "no training rows or no features to grow trees on");
		return -1;
	}
	if (d->n >= INT32_MAX) {
		err_set(err, -1, "too many training rows for a tree (%lld; at most %d)", (long long)d->n,
		    INT32_MAX - 1);
		err_hint(err, "sample the training query, e.g. with TABLESAMPLE or a WHERE on a hash");
		return -1;
	}
	if (is_cls(kind) && (d->nclass < 2 || d->nclass > MAX_CLASSES)) {
		err_set(err, -1, "a tree classifier needs 2 to %d classes, not %d", MAX_CLASSES, d->nclass);
		return -1;
	}
	for (int64_t i = 0; i < d->n; i++) {
		double y = d->y[i];
		if (is_cls(kind) ? !(y >= 0 && y < d->nclass && y == floor(y)) : !isfinite(y)) {
			err_set(err, -1, "training row %lld has an invalid label %g", (long long)i + 1, y);
			return -1;
		}
	}
	double wsum = 0;
	if (d->w != NULL)
		for (int64_t i = 0; i < d->n; i++) {
			if (!(d->w[i] >= 0 && isfinite(d->w[i]))) {
				err_set(err, -1, "training row %lld has an invalid weight %g", (long long)i + 1, d->w[i]);
				err_hint(err, "row weights must be finite and not negative");
				return -1;
			}
			wsum += d->w[i];
		}
	if (d->w != NULL && !(wsum > 0)) {
		err_set(err, -1, "all training rows have weight 0");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ growing */

struct grow_ctx {
	const struct ml_data *d;
	const struct ml_tree_data *td;
	const struct forest_opts *fo;
	struct forest *f;
	struct ml_log *log;
	struct ml_tree_work **work;   /* per worker */
	int32_t **counts;             /* per worker, bootstrap counts */
	uint64_t *inbag;              /* ntrees * words bits, or NULL */
	size_t words;
	double *imp;                  /* ntrees * p */
	double *loss;                 /* ntrees: in-bag training loss */
	double *ms;                   /* ntrees: build time */
	double *loss_at;              /* decision tree: loss by depth */
	atomic_int done;
	atomic_int failed;
};

static inline double
row_weight(const struct ml_data *d, int64_t i)
{
	return d->w ? d->w[i] : 1;
}

/* Fill the work's in-bag arrays for tree t; returns the row count. */
static int64_t
draw_rows(struct grow_ctx *c, int t, struct ml_tree_work *w, int32_t *counts, struct ml_rng *rng)
{
	const struct ml_data *d = c->d;
	const struct forest_opts *fo = c->fo;
	int32_t *ri = ml_tree_work_rows(w);
	double *rw = ml_tree_work_weights(w);
	uint64_t *bits = c->inbag ? c->inbag + (size_t)t * c->words : NULL;
	int64_t n = d->n, m = 0;
	int64_t draws = is_forest(c->f->kind) ? (int64_t)llround(fo->subsample * (double)n) : n;
	if (draws < 1)
		draws = 1;
	if (is_forest(c->f->kind) && fo->bootstrap) {
		/* n draws with replacement; a row's count is its weight factor */
		memset(counts, 0, (size_t)n * sizeof *counts);
		for (int64_t k = 0; k < draws; k++)
			counts[ml_rng_below(rng, (uint64_t)n)]++;
		for (int64_t i = 0; i < n; i++)
			if (counts[i] > 0) {
				double wi = counts[i] * row_weight(d, i);
				if (bits)
					bits[i >> 6] |= 1ULL << (i & 63);
				if (wi > 0) {
					ri[m] = (int32_t)i;
					rw[m++] = wi;
				}
			}
		return m;
	}
	for (int64_t i = 0, k = 0; i < n; i++) {
		/* selection sampling when subsampling without replacement */
		if (draws < n && !((double)(n - i) * ml_rng_uniform(rng) < (double)(draws - k)))
			continue;
		k++;
		if (bits)
			bits[i >> 6] |= 1ULL << (i & 63);
		double wi = row_weight(d, i);
		if (wi > 0) {
			ri[m] = (int32_t)i;
			rw[m++] = wi;
		}
	}
	return m;
}

static void
grow_task(void *arg, int t, int worker)
{
	struct grow_ctx *c = arg;
	if (atomic_load(&c->failed) || ml_log_cancelled(c->log)) {
		atomic_store(&c->failed, 1);
		return;
	}
	double t0 = ml_now();
	if (c->work[worker] == NULL) {
		c->work[worker] = ml_tree_work_new(c->td, &c->fo->tp);
		if (is_forest(c->f->kind) && c->fo->bootstrap)
			c->counts[worker] = xmalloc((size_t)c->d->n * sizeof(int32_t));
	}
	struct ml_rng rng;
	ml_rng_seed(&rng, c->fo->seed, (uint64_t)t);
	int64_t m = draw_rows(c, t, c->work[worker], c->counts[worker], &rng);
	struct ml_tree_stats st = {.importance = c->imp + (size_t)t * (size_t)c->d->p, .loss_at = c->loss_at};
	if (ml_tree_grow(&c->f->trees[t], c->td, &c->fo->tp, c->work[worker], m, &rng, &st, c->log) < 0) {
		atomic_store(&c->failed, 1);
		return;
	}
	c->loss[t] = st.train_loss;
	c->ms[t] = (ml_now() - t0) * 1e3;
	int done = atomic_fetch_add(&c->done, 1) + 1;
	ml_log_progress(c->log, done, c->f->ntrees, "trees");
}

/* sklearn's feature_importances_: each tree's decreases normalized to sum
 * 1, averaged over the trees that split at all, normalized again. */
static void
average_importance(struct forest *f, const double *imp)
{
	int used = 0;
	for (int t = 0; t < f->ntrees; t++) {
		const double *v = imp + (size_t)t * (size_t)f->p;
		double s = 0;
		for (int j = 0; j < f->p; j++)
			s += v[j];
		if (f->trees[t].nnodes <= 1 || !(s > 0))
			continue;
		used++;
		for (int j = 0; j < f->p; j++)
			f->importance[j] += v[j] / s;
	}
	double s = 0;
	for (int j = 0; j < f->p; j++)
		s += f->importance[j];
	if (used > 0 && s > 0)
		for (int j = 0; j < f->p; j++)
			f->importance[j] /= s;
}

/* ------------------------------------------------------------ ensemble errors */

/* Rows per block of the OOB / held-out passes: a block's codes stay in
 * cache while every tree walks them, and blocks fixed in size keep the
 * sums' order independent of the thread count. */
#define EVAL_BLOCK 2048

struct eval_ctx {
	const struct forest *f;
	int64_t n;
	const double *y;
	const uint8_t *code;          /* binned training rows (OOB), or NULL */
	const double *x;              /* raw held-out rows, or NULL */
	const uint64_t *inbag;        /* OOB: skip rows tree t drew */
	size_t words;
	/* per block and tree: rows newly covered, change of the correct count
	 * (classes) or of the squared error sum (regression) */
	double *dcov, *dstat;
	double *pred;                 /* n: final prediction (p1 for two classes, mean) */
	uint8_t *covered;             /* n */
	const struct ml_log *log;     /* cancelled: blocks are skipped (zeros) */
};

static int
argmax(const double *v, int k)
{
	int best = 0;
	for (int c = 1; c < k; c++)
		if (v[c] > v[best])
			best = c;
	return best;
}

static void
eval_block(void *arg, int blk, int worker)
{
	struct eval_ctx *c = arg;
	const struct forest *f = c->f;
	int nv = f->nval, T = f->ntrees;
	int64_t b0 = (int64_t)blk * EVAL_BLOCK, b1 = b0 + EVAL_BLOCK < c->n ? b0 + EVAL_BLOCK : c->n;
	int len = (int)(b1 - b0);
	if (ml_log_cancelled(c->log)) {
		/* the pass is discarded: zeros, so that nothing reads garbage */
		memset(c->dcov + (size_t)blk * (size_t)T, 0, sizeof *c->dcov * (size_t)T);
		memset(c->dstat + (size_t)blk * (size_t)T, 0, sizeof *c->dstat * (size_t)T);
		memset(c->pred + b0, 0, sizeof *c->pred * (size_t)len);
		memset(c->covered + b0, 0, (size_t)len);
		return;
	}
	double *acc = xcalloc((size_t)len * (size_t)nv, sizeof *acc);
	int *cnt = xcalloc((size_t)len, sizeof *cnt);
	int32_t rows[EVAL_BLOCK], node[EVAL_BLOCK];
	for (int t = 0; t < T; t++) {
		const struct ml_tree *tr = &f->trees[t];
		const uint64_t *bits = c->inbag ? c->inbag + (size_t)t * c->words : NULL;
		int m = 0;
		if (bits) {
			/* the rows tree t did not draw */
			for (int64_t i = b0; i < b1; i++) {
				rows[m] = (int32_t)i;
				m += !(bits[i >> 6] >> (i & 63) & 1);
			}
			ml_tree_walk_code(tr, c->code, (size_t)c->n, rows, m, node);
		} else {
			m = len;
			for (int k = 0; k < len; k++)
				rows[k] = (int32_t)(b0 + k);
			ml_tree_walk(tr, c->x, (size_t)c->n, (size_t)b0, len, node);
		}
		double cov = 0, stat = 0;
		for (int j = 0; j < m; j++) {
			int k = (int)(rows[j] - b0);
			const double *v = ml_tree_value(tr, nv, node[j]);
			double *a = acc + (size_t)k * (size_t)nv, y = c->y[rows[j]];
			if (f->nclass) {
				double before = cnt[k] ? argmax(a, nv) == (int)y : 0;
				for (int q = 0; q < nv; q++)
					a[q] += v[q];
				stat += (argmax(a, nv) == (int)y) - before;
			} else {
				double before = cnt[k] ? (a[0] / cnt[k] - y) * (a[0] / cnt[k] - y) : 0;
				a[0] += v[0];
				double e = a[0] / (cnt[k] + 1) - y;
				stat += e * e - before;
			}
			cov += cnt[k] == 0;
			cnt[k]++;
		}
		c->dcov[(size_t)blk * (size_t)T + (size_t)t] = cov;
		c->dstat[(size_t)blk * (size_t)T + (size_t)t] = stat;
	}
	for (int k = 0; k < len; k++) {
		const double *a = acc + (size_t)k * (size_t)nv;
		c->covered[b0 + k] = cnt[k] > 0;
		c->pred[b0 + k] = cnt[k] == 0 ? 0 : (f->nclass == 2 ? a[1] : a[0]) / cnt[k];
	}
	free(acc);
	free(cnt);
}

/* Error of the first t + 1 trees for each t (error rate or MSE over the
 * rows covered so far, NaN while none is), into err_so_far; returns the
 * covered rows. pred/covered are left in c. */
static int64_t
ensemble_errors(struct eval_ctx *c, double *err_so_far)
{
	int T = c->f->ntrees, nblk = (int)((c->n + EVAL_BLOCK - 1) / EVAL_BLOCK);
	c->dcov = xmalloc((size_t)nblk * (size_t)T * sizeof *c->dcov);
	c->dstat = xmalloc((size_t)nblk * (size_t)T * sizeof *c->dstat);
	c->pred = xmalloc((size_t)c->n * sizeof *c->pred);
	c->covered = xmalloc((size_t)c->n);
	pool_run(nblk, eval_block, c);
	double cov = 0, stat = 0;
	for (int t = 0; t < T; t++) {
		for (int b = 0; b < nblk; b++) {
			cov += c->dcov[(size_t)b * (size_t)T + (size_t)t];
			stat += c->dstat[(size_t)b * (size_t)T + (size_t)t];
		}
		err_so_far[t] = cov == 0 ? NAN : c->f->nclass ? 1 - stat / cov : stat / cov;
	}
	free(c->dcov);
	free(c->dstat);
	return (int64_t)cov;
}

/* Area under the ROC curve of scores s for labels y (0/1) over the rows
 * with keep set: the chance a positive scores above a negative, ties
 * counting one half. NaN without both classes. */
static double
auc(const double *s, const double *y, const uint8_t *keep, int64_t n)
{
	double *pos = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *pos), *neg = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *neg);
	int64_t np = 0, nn = 0;
	for (int64_t i = 0; i < n; i++)
		if (keep[i]) {
			if (y[i] > 0.5)
				pos[np++] = s[i];
			else
				neg[nn++] = s[i];
		}
	double *tmp = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *tmp);
	ml_tree_sort(pos, tmp, np);
	ml_tree_sort(neg, tmp, nn);
	free(tmp);
	double wins = 0;
	int64_t below = 0, upto = 0;     /* negatives < and <= the current score */
	for (int64_t i = 0; i < np; i++) {
		while (below < nn && neg[below] < pos[i])
			below++;
		if (upto < below)
			upto = below;
		while (upto < nn && neg[upto] <= pos[i])
			upto++;
		wins += (double)below + 0.5 * (double)(upto - below);
	}
	free(pos);
	free(neg);
	if (np == 0 || nn == 0)
		return NAN;
	return wins / ((double)np * (double)nn);
}

/* OOB accuracy or R^2 (and AUC) of the forest, and the per-tree OOB error
 * so far into err_so_far. */
static void
oob_scores(struct forest *f, const struct ml_data *d, const struct ml_tree_bins *bins, const uint64_t *inbag,
    size_t words, const struct ml_log *log, double *err_so_far)
{
	struct eval_ctx c = {.f = f, .n = d->n, .y = d->y, .code = bins->code, .inbag = inbag, .words = words,
	    .log = log};
	int64_t cov = ensemble_errors(&c, err_so_far);
	f->oob_rows = cov;
	double e = err_so_far[f->ntrees - 1];
	if (cov > 0 && f->nclass) {
		f->oob_score = 1 - e;
		if (f->nclass == 2)
			f->oob_auc = auc(c.pred, d->y, c.covered, d->n);
	} else if (cov > 0) {
		double mean = 0, sst = 0;
		for (int64_t i = 0; i < d->n; i++)
			if (c.covered[i])
				mean += d->y[i];
		mean /= (double)cov;
		for (int64_t i = 0; i < d->n; i++)
			if (c.covered[i])
				sst += (d->y[i] - mean) * (d->y[i] - mean);
		f->oob_score = sst > 0 ? 1 - e * (double)cov / sst : NAN;
	}
	free(c.pred);
	free(c.covered);
}

/* The decision tree's held-out error when cut at each depth d. */
static void
tree_eval_by_depth(const struct forest *f, const struct ml_data *d, const double *nodeval, double *out)
{
	const struct ml_tree *t = &f->trees[0];
	int D = t->depth, nv = f->nval;
	for (int k = 0; k <= D; k++)
		out[k] = 0;
	for (int64_t i = 0; i < d->nv; i++) {
		int32_t k = 0;
		double y = d->yv[i];
		for (int depth = 0; depth <= D; depth++) {
			/* node ids are the grower's; leaves point to themselves */
			const double *v = nodeval + (size_t)k * (size_t)nv;
			if (f->nclass)
				out[depth] += argmax(v, nv) != (int)y;
			else
				out[depth] += (v[0] - y) * (v[0] - y);
			k = t->kid[2 * k + (d->xv[(size_t)t->feat[k] * (size_t)d->nv + (size_t)i] > t->thr[k])];
		}
	}
	for (int k = 0; k <= D; k++)
		out[k] /= (double)d->nv;
}

/* ------------------------------------------------------------ train */

static void
log_training(struct forest *f, const struct ml_data *d, const struct ml_tree_bins *bins, struct grow_ctx *c,
    const double *nodeval)
{
	struct ml_log *log = c->log;
	int T = f->ntrees;
	const char *errname = f->nclass ? "error rate" : "mean squared error";
	if (!is_forest(f->kind)) {
		int D = f->trees[0].depth;
		double *ev = xmalloc((size_t)(D + 1) * sizeof *ev);
		bool held = d->nv > 0 && d->xv && d->yv;
		if (held)
			tree_eval_by_depth(f, d, nodeval, ev);
		for (int k = 0; k <= D; k++)
			ml_log_step(log, k, c->loss_at[k], held ? ev[k] : NAN);
		free(ev);
		ml_log_note(log, "training info: one step per depth; loss is the weighted training %s of the tree "
		    "cut at that depth%s", errname, held ? ", eval_loss the same on the held-out rows" : "");
		return;
	}
	double *oob = xmalloc((size_t)T * sizeof *oob), *ev = xmalloc((size_t)T * sizeof *ev);
	if (f->oob)
		oob_scores(f, d, bins, c->inbag, c->words, log, oob);
	bool held = d->nv > 0 && d->xv && d->yv;
	if (held) {
		struct eval_ctx e = {.f = f, .n = d->nv, .y = d->yv, .x = d->xv, .log = log};
		ensemble_errors(&e, ev);
		free(e.pred);
		free(e.covered);
	}
	double run = 0;
	for (int t = 0; t < T; t++) {
		run += c->loss[t];
		ml_log_step(log, t, f->oob ? oob[t] : run / (t + 1), held ? ev[t] : NAN);
		log->steps[log->nsteps - 1].duration_ms = c->ms[t];
	}
	ml_log_note(log, "training info: one step per tree; loss is the %s %s of the first trees%s, "
	    "duration_ms the time each tree took to grow (trees grow in parallel)",
	    f->oob ? "out-of-bag" : "mean in-bag training", errname,
	    held ? ", eval_loss the same on the held-out rows" : "");
	if (f->oob && f->oob_rows > 0) {
		if (f->nclass == 2)
			ml_log_note(log, "out-of-bag accuracy %.4f, AUC %.4f over %lld rows", f->oob_score, f->oob_auc,
			    (long long)f->oob_rows);
		else
			ml_log_note(log, "out-of-bag %s %.4f over %lld rows", f->nclass ? "accuracy" : "R^2", f->oob_score,
			    (long long)f->oob_rows);
		if (f->oob_rows < d->n)
			ml_log_note(log, "%lld rows were drawn by every tree and have no out-of-bag prediction",
			    (long long)(d->n - f->oob_rows));
	} else if (f->oob)
		ml_log_note(log, "no out-of-bag score: every row was drawn by every tree");
	free(oob);
	free(ev);
}

static void *
train(const struct ml_data *d, const struct ml_opts *o, struct ml_log *log, struct wb_error *err,
    enum forest_kind kind)
{
	struct forest_opts fo;
	if (check_data(d, kind, err) < 0 || read_options(o, kind, d->p, &fo, err) < 0)
		return NULL;
	struct ml_log quiet;      /* callers may pass no log */
	ml_log_init(&quiet);
	if (log == NULL)
		log = &quiet;
	struct forest *f = xcalloc(1, sizeof *f);
	f->kind = kind;
	f->p = d->p;
	f->nclass = is_cls(kind) ? d->nclass : 0;
	f->nval = f->nclass ? f->nclass : 1;
	f->ntrees = fo.ntrees;
	f->trees = xcalloc((size_t)fo.ntrees, sizeof *f->trees);
	f->importance = xcalloc((size_t)d->p, sizeof *f->importance);
	f->n_train = d->n;
	f->max_depth = fo.tp.max_depth;
	f->min_samples_leaf = fo.tp.min_samples_leaf;
	f->min_samples_split = fo.tp.min_samples_split;
	f->min_impurity_decrease = fo.tp.min_impurity_decrease;
	f->mtry = fo.tp.mtry;
	f->max_bins = fo.max_bins;
	f->crit = fo.tp.crit;
	f->bootstrap = is_forest(kind) && fo.bootstrap;
	f->subsample = fo.subsample;
	f->oob = fo.oob;
	f->oob_score = f->oob_auc = NAN;
	f->seed = fo.seed;
	if (fo.mtry_clamped)
		ml_log_note(log, "max_features = %lld is more than the %d features; using all of them",
		    (long long)fo.mtry_asked, d->p);

	/* bins, drawn from a stream no tree uses */
	struct ml_tree_bins bins;
	ml_tree_bins_build(&bins, d, fo.max_bins, fo.seed, UINT64_MAX);
	for (int j = 0; j < d->p; j++)
		if (bins.nbins[j] > f->bins_used)
			f->bins_used = bins.nbins[j];

	/* regression targets centred (the variance sums lose less) */
	double *ycen = NULL, ymean = 0;
	if (!f->nclass) {
		double sw = 0;
		for (int64_t i = 0; i < d->n; i++) {
			ymean += row_weight(d, i) * d->y[i];
			sw += row_weight(d, i);
		}
		ymean /= sw;
		ycen = xmalloc((size_t)d->n * sizeof *ycen);
		for (int64_t i = 0; i < d->n; i++)
			ycen[i] = d->y[i] - ymean;
	}
	struct ml_tree_data td = {.bins = &bins, .y = ycen ? ycen : d->y, .ymean = ymean, .nclass = f->nclass};

	int nw = pool_size();
	struct grow_ctx c = {.d = d, .td = &td, .fo = &fo, .f = f, .log = log};
	c.work = xcalloc((size_t)nw, sizeof *c.work);
	c.counts = xcalloc((size_t)nw, sizeof *c.counts);
	c.imp = xcalloc((size_t)fo.ntrees * (size_t)d->p, sizeof *c.imp);
	c.loss = xcalloc((size_t)fo.ntrees, sizeof *c.loss);
	c.ms = xcalloc((size_t)fo.ntrees, sizeof *c.ms);
	c.loss_at = is_forest(kind) ? NULL : xcalloc(ML_TREE_MAX_DEPTH + 1, sizeof *c.loss_at);
	if (fo.oob) {
		c.words = (size_t)(d->n + 63) / 64;
		c.inbag = xcalloc((size_t)fo.ntrees * c.words, sizeof *c.inbag);
	}
	atomic_init(&c.done, 0);
	atomic_init(&c.failed, 0);
	pool_run(fo.ntrees, grow_task, &c);

	void *ret = f;
	if (atomic_load(&c.failed)) {
		err_set(err, -1, "training cancelled");
		forest_free(f);
		ret = NULL;
	} else {
		average_importance(f, c.imp);
		double loss = 0;
		for (int t = 0; t < f->ntrees; t++) {
			f->leaves += f->trees[t].nleaves;
			if (f->trees[t].depth > f->depth_reached)
				f->depth_reached = f->trees[t].depth;
			loss += c.loss[t];
		}
		f->train_loss = loss / f->ntrees;
		/* the decision tree's node values are in its (only) work space */
		const double *nodeval = NULL;
		for (int i = 0; i < nw && nodeval == NULL; i++)
			if (c.work[i])
				nodeval = ml_tree_work_node_values(c.work[i]);
		log_training(f, d, &bins, &c, nodeval);
		for (int t = 0; t < f->ntrees; t++) {
			free(f->trees[t].tbin);
			f->trees[t].tbin = NULL;
		}
		/* the out-of-bag and held-out passes stop early when cancelled */
		if (ml_log_cancelled(log)) {
			err_set(err, -1, "training cancelled");
			forest_free(f);
			ret = NULL;
		}
	}
	for (int i = 0; i < nw; i++) {
		ml_tree_work_free(c.work[i]);
		free(c.counts[i]);
	}
	free(c.work);
	free(c.counts);
	free(c.imp);
	free(c.loss);
	free(c.ms);
	free(c.loss_at);
	free(c.inbag);
	free(ycen);
	ml_tree_bins_free(&bins);
	ml_log_free(&quiet);
	return ret;
}

static void *
train_tree_cls(const struct ml_data *d, const struct ml_opts *o, struct ml_log *log, struct wb_error *err)
{
	return train(d, o, log, err, FK_TREE_CLS);
}

static void *
train_tree_reg(const struct ml_data *d, const struct ml_opts *o, struct ml_log *log, struct wb_error *err)
{
	return train(d, o, log, err, FK_TREE_REG);
}

static void *
train_forest_cls(const struct ml_data *d, const struct ml_opts *o, struct ml_log *log, struct wb_error *err)
{
	return train(d, o, log, err, FK_FOREST_CLS);
}

static void *
train_forest_reg(const struct ml_data *d, const struct ml_opts *o, struct ml_log *log, struct wb_error *err)
{
	return train(d, o, log, err, FK_FOREST_REG);
}

/* ------------------------------------------------------------ predict & co */

static void
forest_predict(const void *m, const double *x, int n, double *out)
{
	const struct forest *f = m;
	int nv = f->nval;
	int32_t node[ML_CHUNK];
	memset(out, 0, (size_t)n * (size_t)nv * sizeof *out);
	for (int i0 = 0; i0 < n; i0 += ML_CHUNK) {
		int len = n - i0 < ML_CHUNK ? n - i0 : ML_CHUNK;
		for (int t = 0; t < f->ntrees; t++) {
			const struct ml_tree *tr = &f->trees[t];
			ml_tree_walk(tr, x, (size_t)n, (size_t)i0, len, node);
			for (int i = 0; i < len; i++) {
				const double *v = ml_tree_value(tr, nv, node[i]);
				double *o = out + (size_t)(i0 + i) * (size_t)nv;
				for (int c = 0; c < nv; c++)
					o[c] += v[c];
			}
		}
	}
	double s = 1.0 / f->ntrees;
	for (size_t i = 0; i < (size_t)n * (size_t)nv; i++)
		out[i] *= s;
}

static void
forest_importance(const void *m, double *out)
{
	const struct forest *f = m;
	memcpy(out, f->importance, (size_t)f->p * sizeof *out);
}

static const char *
crit_name(enum ml_tree_crit c)
{
	return c == ML_CRIT_GINI ? "gini" : c == ML_CRIT_ENTROPY ? "entropy" : "variance";
}

static void
forest_describe(const void *m, struct ml_kv *kv)
{
	const struct forest *f = m;
	ml_kv_add(kv, "trees", "%d", f->ntrees);
	ml_kv_add(kv, "max_depth", "%lld", (long long)f->max_depth);
	ml_kv_add(kv, "depth_reached", "%d", f->depth_reached);
	ml_kv_add(kv, "leaves", "%lld", (long long)f->leaves);
	if (is_forest(f->kind))
		ml_kv_add(kv, "leaves_per_tree", "%.1f", (double)f->leaves / f->ntrees);
	ml_kv_add(kv, "criterion", "%s", crit_name(f->crit));
	ml_kv_add(kv, "min_samples_leaf", "%lld", (long long)f->min_samples_leaf);
	ml_kv_add(kv, "min_samples_split", "%lld", (long long)f->min_samples_split);
	if (f->min_impurity_decrease > 0)
		ml_kv_add(kv, "min_impurity_decrease", "%g", f->min_impurity_decrease);
	ml_kv_add(kv, "max_features", "%d of %d", f->mtry, f->p);
	ml_kv_add(kv, "bins", "%d (max_bins %d)", f->bins_used, f->max_bins);
	if (is_forest(f->kind)) {
		ml_kv_add(kv, "bootstrap", "%s", f->bootstrap ? "true" : "false");
		ml_kv_add(kv, "subsample", "%g", f->subsample);
	}
	ml_kv_add(kv, "training_rows", "%lld", (long long)f->n_train);
	ml_kv_add(kv, f->nclass ? "training_error_rate" : "training_mse", "%.6g", f->train_loss);
	if (f->oob && !isnan(f->oob_score)) {
		ml_kv_add(kv, f->nclass ? "oob_accuracy" : "oob_r2", "%.6f", f->oob_score);
		if (!isnan(f->oob_auc))
			ml_kv_add(kv, "oob_auc", "%.6f", f->oob_auc);
		ml_kv_add(kv, "oob_rows", "%lld", (long long)f->oob_rows);
	}
	ml_kv_add(kv, "seed", "%llu", (unsigned long long)f->seed);
}

/* ------------------------------------------------------------ save & load */

static void
forest_save(const void *m, struct ml_wbuf *b)
{
	const struct forest *f = m;
	ml_w_u8(b, FOREST_FILE_VERSION);
	ml_w_u8(b, (uint8_t)f->kind);
	ml_w_u32(b, (uint32_t)f->p);
	ml_w_u32(b, (uint32_t)f->nclass);
	ml_w_u32(b, (uint32_t)f->ntrees);
	ml_w_i64(b, f->n_train);
	ml_w_i64(b, f->max_depth);
	ml_w_i64(b, f->min_samples_leaf);
	ml_w_i64(b, f->min_samples_split);
	ml_w_i64(b, f->leaves);
	ml_w_u32(b, (uint32_t)f->depth_reached);
	ml_w_u32(b, (uint32_t)f->mtry);
	ml_w_u32(b, (uint32_t)f->max_bins);
	ml_w_u32(b, (uint32_t)f->bins_used);
	ml_w_u8(b, (uint8_t)f->crit);
	ml_w_u8(b, f->bootstrap);
	ml_w_u8(b, f->oob);
	ml_w_f64(b, f->subsample);
	ml_w_f64(b, f->min_impurity_decrease);
	ml_w_f64(b, f->train_loss);
	ml_w_f64(b, f->oob_score);
	ml_w_f64(b, f->oob_auc);
	ml_w_i64(b, f->oob_rows);
	ml_w_i64(b, (int64_t)f->seed);
	ml_w_f64s(b, f->importance, (size_t)f->p);
	for (int t = 0; t < f->ntrees; t++)
		ml_tree_save(&f->trees[t], f->nval, b);
}

static void *
load(struct ml_rbuf *r, int p, int nclass, struct wb_error *err, enum forest_kind kind)
{
	uint8_t version = ml_r_u8(r), k = ml_r_u8(r);
	uint32_t fp = ml_r_u32(r), fk = ml_r_u32(r), nt = ml_r_u32(r);
	if (!ml_r_ok(r) || version != FOREST_FILE_VERSION) {
		err_set(err, -1, "corrupt or unknown tree model (version %d)", version);
		return NULL;
	}
	int want_k = is_cls(kind) ? nclass : 0;
	if (k != kind || (int64_t)fp != p || p < 1 || (int64_t)fk != want_k || (want_k && want_k < 2) ||
	    fk > MAX_CLASSES || nt < 1 || nt > MAX_TREES || (!is_forest(kind) && nt != 1)) {
		err_set(err, -1, "corrupt tree model: its header does not match the model (kind %d, %u features, "
		    "%u classes, %u trees)", k, fp, fk, nt);
		return NULL;
	}
	struct forest *f = xcalloc(1, sizeof *f);
	f->kind = kind;
	f->p = p;
	f->nclass = want_k;
	f->nval = want_k ? want_k : 1;
	f->n_train = ml_r_i64(r);
	f->max_depth = ml_r_i64(r);
	f->min_samples_leaf = ml_r_i64(r);
	f->min_samples_split = ml_r_i64(r);
	f->leaves = ml_r_i64(r);
	f->depth_reached = (int)ml_r_u32(r);
	f->mtry = (int)ml_r_u32(r);
	f->max_bins = (int)ml_r_u32(r);
	f->bins_used = (int)ml_r_u32(r);
	uint8_t crit = ml_r_u8(r);
	f->bootstrap = ml_r_u8(r) != 0;
	f->oob = ml_r_u8(r) != 0;
	f->subsample = ml_r_f64(r);
	f->min_impurity_decrease = ml_r_f64(r);
	f->train_loss = ml_r_f64(r);
	f->oob_score = ml_r_f64(r);
	f->oob_auc = ml_r_f64(r);
	f->oob_rows = ml_r_i64(r);
	f->seed = (uint64_t)ml_r_i64(r);
	f->crit = crit == ML_CRIT_ENTROPY ? ML_CRIT_ENTROPY : crit == ML_CRIT_GINI ? ML_CRIT_GINI : ML_CRIT_VARIANCE;
	if (!ml_r_ok(r) || crit > ML_CRIT_VARIANCE || (crit == ML_CRIT_VARIANCE) == is_cls(kind) ||
	    !ml_r_fits(r, (uint64_t)p, 8)) {
		err_set(err, -1, "corrupt tree model: bad summary values");
		forest_free(f);
		return NULL;
	}
	f->importance = xmalloc((size_t)p * sizeof *f->importance);
	ml_r_f64s(r, f->importance, (size_t)p);
	for (int j = 0; j < p; j++)
		if (!isfinite(f->importance[j])) {
			err_set(err, -1, "corrupt tree model: bad feature importance");
			forest_free(f);
			return NULL;
		}
	/* each tree takes at least 28 bytes: bound the allocation by the buffer */
	if (!ml_r_fits(r, nt, 28)) {
		err_set(err, -1, "corrupt tree model: truncated");
		forest_free(f);
		return NULL;
	}
	f->trees = xcalloc(nt, sizeof *f->trees);
	for (uint32_t t = 0; t < nt; t++) {
		if (ml_tree_load(&f->trees[t], r, p, f->nval, err) < 0) {
			forest_free(f);
			return NULL;
		}
		f->ntrees = (int)t + 1;
	}
	return f;
}

static void *
load_tree_cls(struct ml_rbuf *r, int p, int nclass, struct wb_error *err)
{
	return load(r, p, nclass, err, FK_TREE_CLS);
}

static void *
load_tree_reg(struct ml_rbuf *r, int p, int nclass, struct wb_error *err)
{
	return load(r, p, nclass, err, FK_TREE_REG);
}

static void *
load_forest_cls(struct ml_rbuf *r, int p, int nclass, struct wb_error *err)
{
	return load(r, p, nclass, err, FK_FOREST_CLS);
}

static void *
load_forest_reg(struct ml_rbuf *r, int p, int nclass, struct wb_error *err)
{
	return load(r, p, nclass, err, FK_FOREST_REG);
}

/* ------------------------------------------------------------ kinds */

const struct ml_kind ml_kind_tree_classifier = {
	.name = "decision_tree_classifier",
	.task = ML_CLASSIFICATION,
	.summary = "a CART classification tree on binned features (Gini or entropy)",
	.options = tree_options,
	.standardize = false,
	.train = train_tree_cls,
	.predict = forest_predict,
	.importance = forest_importance,
	.describe = forest_describe,
	.coefs = NULL,
	.save = forest_save,
	.load = load_tree_cls,
	.free = forest_free,
};

const struct ml_kind ml_kind_tree_regressor = {
	.name = "decision_tree_regressor",
	.task = ML_REGRESSION,
	.summary = "a CART regression tree on binned features (variance reduction)",
	.options = tree_options,
	.standardize = false,
	.train = train_tree_reg,
	.predict = forest_predict,
	.importance = forest_importance,
	.describe = forest_describe,
	.coefs = NULL,
	.save = forest_save,
	.load = load_tree_reg,
	.free = forest_free,
};

const struct ml_kind ml_kind_forest_classifier = {
	.name = "random_forest_classifier",
	.task = ML_CLASSIFICATION,
	.summary = "a random forest of classification trees (bootstrap rows, sqrt(p) features per split, OOB score)",
	.options = forest_options,
	.standardize = false,
	.train = train_forest_cls,
	.predict = forest_predict,
	.importance = forest_importance,
	.describe = forest_describe,
	.coefs = NULL,
	.save = forest_save,
	.load = load_forest_cls,
	.free = forest_free,
};

const struct ml_kind ml_kind_forest_regressor = {
	.name = "random_forest_regressor",
	.task = ML_REGRESSION,
	.summary = "a random forest of regression trees (bootstrap rows, all features per split, OOB R^2)",
	.options = forest_options,
	.standardize = false,
	.train = train_forest_reg,
	.predict = forest_predict,
	.importance = forest_importance,
	.describe = forest_describe,
	.coefs = NULL,
	.save = forest_save,
	.load = load_forest_reg,
	.free = forest_free,
};
