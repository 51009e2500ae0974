/*
 * ml_train: options, split, encoding, training and held-out evaluation
 * (ml_train.h).
 */
#include "ml/ml_train.h"
#include "ml/ml_als.h"
#include "ml/ml_metrics.h"
#include "core/hash.h"
#include "core/pool.h"
#include "core/strbuf.h"
#include "core/strutil.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const ml_common_options[] = {
	"model_type", "label", "input_label_cols", "data_split", "data_split_method", "split_col", "seed",
	"null_handling", "category_encoding", "standardize_features", "class_weight", "class_weights",
	"threshold", "user_col", "item_col", "rating_col", "k", NULL,
};

/* ------------------------------------------------------------ plan */

static int
find_col(int ncol, char *const *names, const char *name)
{
	for (int j = 0; j < ncol; j++)
		if (strcasecmp(names[j], name) == 0)
			return j;
	return -1;
}

static int
col_option(const struct ml_plan *pl, const char *opt, const char *def, int *out, struct wb_error *err)
{
	const char *name;
	if (ml_opt_str(pl->opts, opt, def, &name, err) < 0)
		return -1;
	*out = -1;
	if (name == NULL)
		return 0;
	*out = find_col(pl->ncol, pl->names, name);
	if (*out < 0) {
		const struct ml_opt *v = ml_opt_find(pl->opts, opt);
		err_set(err, v ? v->pos : -1, "%s '%s' is not a column of the training query", opt, name);
		struct strbuf sb = STRBUF_INIT;
		for (int j = 0; j < pl->ncol && j < 12; j++)
			sb_printf(&sb, "%s%s", j ? ", " : "", pl->names[j]);
		err_hint(err, "its columns: %s", sb_str(&sb));
		sb_free(&sb);
		return -1;
	}
	return 0;
}

static bool
known_option(const struct ml_plan *pl, const char *key)
{
	for (int i = 0; ml_common_options[i]; i++)
		if (strcasecmp(ml_common_options[i], key) == 0)
			return true;
	const char *const *own = pl->als ? ml_als_options : pl->kind->options;
	for (int i = 0; own && own[i]; i++)
		if (strcasecmp(own[i], key) == 0)
			return true;
	return false;
}

static int
check_options(const struct ml_plan *pl, struct wb_error *err)
{
	for (int i = 0; i < pl->opts->n; i++) {
		const struct ml_opt *v = &pl->opts->v[i];
		if (known_option(pl, v->key))
			continue;
		err_set(err, v->pos, "unknown option %s for model_type '%s'", v->key, pl->model_type);
		/* the closest of the common and the kind's own options */
		const char *cands[128];
		int nc = 0;
		const char *const *lists[2] = {ml_common_options, pl->als ? ml_als_options : pl->kind->options};
		for (int l = 0; l < 2; l++)
			for (int k = 0; lists[l] && lists[l][k] && nc < 128; k++)
				cands[nc++] = lists[l][k];
		const char *best = str_suggest(v->key, cands, nc);
		if (best)
			err_hint(err, "did you mean %s?", best);
		else
			err_hint(err, "see `man wb-ml` for the options of each model_type");
		return -1;
	}
	return 0;
}

static int
kind_error(struct ml_opts *opts, const char *type, struct wb_error *err)
{
	const struct ml_opt *v = ml_opt_find(opts, "model_type");
	err_set(err, v ? v->pos : -1, "unknown model_type '%s'", type);
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < ml_kind_count(); i++)
		sb_printf(&sb, "'%s', ", ml_kind_at(i)->name);
	sb_puts(&sb, "'als'");
	err_hint(err, "model_type is one of %s", sb_str(&sb));
	sb_free(&sb);
	return -1;
}

static bool
is_numeric_type(wb_type t)
{
	return t == WB_TYPE_BIGINT || t == WB_TYPE_DOUBLE;
}

static int
plan_als(struct ml_plan *pl, struct wb_error *err)
{
	if (col_option(pl, "user_col", pl->ncol > 0 ? pl->names[0] : NULL, &pl->user_col, err) < 0 ||
	    col_option(pl, "item_col", pl->ncol > 1 ? pl->names[1] : NULL, &pl->item_col, err) < 0 ||
	    col_option(pl, "rating_col", pl->ncol > 2 ? pl->names[2] : NULL, &pl->rating_col, err) < 0)
		return -1;
	if (pl->user_col < 0 || pl->item_col < 0 || pl->user_col == pl->item_col) {
		err_set(err, -1, "als needs a user column and an item column");
		err_hint(err, "AS SELECT user_id, product_id, score FROM ... (or OPTIONS user_col, item_col, rating_col)");
		return -1;
	}
	for (int j = 0; j < pl->ncol; j++)
		pl->roles[j] = STATS_NUMERIC;
	pl->roles[pl->user_col] = STATS_FACTOR;
	pl->roles[pl->item_col] = STATS_FACTOR;
	if (pl->rating_col >= 0 && !is_numeric_type(pl->types[pl->rating_col])) {
		err_set(err, -1, "als: rating column %s is %s; it needs a number", pl->names[pl->rating_col],
		    type_name(pl->types[pl->rating_col]));
		err_hint(err, "map events to scores in SQL first: CASE event_type WHEN 'view' THEN 1 ... END AS score");
		return -1;
	}
	int64_t k;
	if (ml_opt_int(pl->opts, "k", 5, 1, 1000, &k, err) < 0)
		return -1;
	pl->k = (int)k;
	return 0;
}

int
ml_train_plan(struct ml_plan *pl, struct ml_opts *opts, int ncol, char *const *names, const wb_type *types,
    struct wb_error *err)
{
	memset(pl, 0, sizeof *pl);
	pl->opts = opts;
	pl->ncol = ncol;
	pl->names = names;
	pl->types = types;
	pl->label_col = pl->split_col = pl->user_col = pl->item_col = pl->rating_col = -1;
	pl->roles = xcalloc((size_t)(ncol ? ncol : 1), sizeof *pl->roles);
	const char *type;
	if (ml_opt_str(opts, "model_type", NULL, &type, err) < 0)
		return -1;
	if (type == NULL) {
		err_set(err, -1, "CREATE MODEL needs OPTIONS (model_type = '...')");
		err_hint(err, "e.g. OPTIONS (model_type = 'logistic_reg', label = 'purchased')");
		return -1;
	}
	pl->model_type = type;
	pl->als = strcasecmp(type, "als") == 0 || strcasecmp(type, "matrix_factorization") == 0;
	if (!pl->als && (pl->kind = ml_kind_find(type)) == NULL)
		return kind_error(opts, type, err);
	if (pl->als)
		pl->model_type = "als";
	if (check_options(pl, err) < 0)
		return -1;
	int64_t seed;
	if (ml_opt_num(opts, "data_split", 0.2, 0, 0.9, &pl->split_frac, err) < 0 ||
	    ml_opt_int(opts, "seed", 42, 0, INT64_MAX, &seed, err) < 0 ||
	    col_option(pl, "split_col", NULL, &pl->split_col, err) < 0)
		return -1;
	pl->seed = (uint64_t)seed;
	static const char *const methods[] = {"random", "stratified", "column", "none", NULL};
	const char *def = pl->split_col >= 0 ? "column" : pl->split_frac == 0 ? "none" : "random";
	if (ml_opt_choice(opts, "data_split_method", def, methods, &pl->split_method, err) < 0)
		return -1;
	if (strcmp(pl->split_method, "column") == 0 && pl->split_col < 0) {
		err_set(err, -1, "data_split_method = 'column' needs split_col = '<a BOOLEAN column>'");
		return -1;
	}
	if (strcmp(pl->split_method, "none") == 0)
		pl->split_frac = 0;
	if (pl->split_col >= 0 && pl->types[pl->split_col] != WB_TYPE_BOOL) {
		err_set(err, -1, "split_col %s is %s; it must be BOOLEAN (TRUE: held out for evaluation)",
		    pl->names[pl->split_col], type_name(pl->types[pl->split_col]));
		return -1;
	}
	static const char *const nulls[] = {"impute", "drop", "error", NULL};
	static const char *const encs[] = {"one_hot", "ordinal", NULL};
	const char *enc;
	if (ml_opt_choice(opts, "null_handling", "impute", nulls, &pl->null_handling, err) < 0 ||
	    ml_opt_choice(opts, "category_encoding", "one_hot", encs, &enc, err) < 0 ||
	    ml_opt_num(opts, "threshold", 0.5, 0, 1, &pl->threshold, err) < 0)
		return -1;
	pl->ordinal = strcmp(enc, "ordinal") == 0;
	if (pl->als)
		return plan_als(pl, err);
	if (ml_opt_bool(opts, "standardize_features", pl->kind->standardize, &pl->standardize, err) < 0)
		return -1;
	/* the label */
	const char *label = NULL;
	const struct ml_opt *lc = ml_opt_find(opts, "input_label_cols");
	if (lc != NULL) {
		if (lc->type == MLO_LIST && lc->n == 1 && lc->items[0].type == MLO_STR)
			label = lc->items[0].str;
		else if (lc->type == MLO_STR)
			label = lc->str;
		else {
			err_set(err, lc->pos, "input_label_cols takes one column: input_label_cols = ['y']");
			return -1;
		}
	}
	if (label == NULL && ml_opt_str(opts, "label", NULL, &label, err) < 0)
		return -1;
	if (label == NULL) {
		if (find_col(ncol, names, "label") >= 0)
			label = "label";
		else {
			err_set(err, -1, "%s needs a label: OPTIONS (label = '<column>')", pl->model_type);
			err_hint(err, "or name the label column `label` in the query");
			return -1;
		}
	}
	pl->label_col = find_col(ncol, names, label);
	if (pl->label_col < 0) {
		const struct ml_opt *v = ml_opt_find(opts, "label");
		err_set(err, v ? v->pos : -1, "label '%s' is not a column of the training query", label);
		return -1;
	}
	wb_type lt = types[pl->label_col];
	if (pl->kind->task == ML_REGRESSION && !is_numeric_type(lt)) {
		err_set(err, -1, "%s needs a numeric label, but %s is %s", pl->model_type, names[pl->label_col],
		    type_name(lt));
		err_hint(err, "a classifier takes a categorical label: model_type = '%s'",
		    strstr(pl->model_type, "tree") ? "decision_tree_classifier" : strstr(pl->model_type, "forest")
		    ? "random_forest_classifier" : "logistic_reg");
		return -1;
	}
	if (pl->kind->task == ML_CLASSIFICATION && lt != WB_TYPE_BIGINT && lt != WB_TYPE_VARCHAR &&
	    lt != WB_TYPE_BOOL) {
		err_set(err, -1, "%s needs a label of classes (BIGINT, VARCHAR or BOOLEAN), but %s is %s",
		    pl->model_type, names[pl->label_col], type_name(lt));
		return -1;
	}
	int nfeat = 0;
	for (int j = 0; j < ncol; j++) {
		if (j == pl->label_col) {
			pl->roles[j] = pl->kind->task == ML_CLASSIFICATION ? STATS_FACTOR : STATS_NUMERIC;
			continue;
		}
		if (j == pl->split_col) {
			pl->roles[j] = STATS_NUMERIC;
			continue;
		}
		nfeat++;
		if (is_numeric_type(types[j]))
			pl->roles[j] = STATS_NUMERIC;
		else if (types[j] == WB_TYPE_VARCHAR || types[j] == WB_TYPE_BOOL)
			pl->roles[j] = STATS_FACTOR;
		else {
			err_set(err, -1, "feature %s is %s; features are numbers, VARCHAR or BOOLEAN", names[j],
			    type_name(types[j]));
			err_hint(err, "derive a number from it (e.g. dayofweek(%s)) or leave it out of the query", names[j]);
			return -1;
		}
	}
	if (nfeat == 0) {
		err_set(err, -1, "the training query has no feature columns besides the label %s", names[pl->label_col]);
		return -1;
	}
	return 0;
}

void
ml_plan_free(struct ml_plan *pl)
{
	free(pl->roles);
	pl->roles = NULL;
}

/* ------------------------------------------------------------ rows */

/* A hash of row i's values (and the seed): the split's coin. */
static uint64_t
row_hash(const struct stats_data *d, int64_t i, uint64_t seed, int skip)
{
	uint64_t h = hash_u64(seed ^ 0x6a09e667f3bcc909ULL);
	for (int j = 0; j < d->ncol; j++) {
		if (j == skip)
			continue;
		const struct stats_column *c = &d->col[j];
		uint64_t v = c->role == STATS_FACTOR ? (uint64_t)(int64_t)c->level[i] : hash_double(c->x[i]);
		h = hash_combine(h, hash_u64(v + (uint64_t)j));
	}
	return h;
}

struct keyed {
	uint64_t key;
	int64_t row;
};

static int
cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* Mark held-out rows (eval[i] = true) among the kept rows. */
static void
split_rows(const struct ml_plan *pl, const struct stats_data *d, const bool *keep, const int32_t *cls, int nclass,
    bool *eval)
{
	int64_t n = d->n;
	memset(eval, 0, (size_t)n);
	if (strcmp(pl->split_method, "column") == 0) {
		const double *s = d->col[pl->split_col].x;
		for (int64_t i = 0; i < n; i++)
			eval[i] = keep[i] && s[i] == 1;
		return;
	}
	if (pl->split_frac <= 0)
		return;
	int skip = pl->split_col;
	if (strcmp(pl->split_method, "random") == 0 || cls == NULL) {
		uint64_t cut = (uint64_t)(pl->split_frac * 18446744073709551616.0);
		for (int64_t i = 0; i < n; i++)
			eval[i] = keep[i] && row_hash(d, i, pl->seed, skip) < cut;
		return;
	}
	/* stratified: per class, the first round(frac * n_c) rows in hash order */
	struct keyed *k = xmalloc(sizeof *k * (size_t)(n ? n : 1));
	for (int c = 0; c < nclass; c++) {
		int64_t m = 0;
		for (int64_t i = 0; i < n; i++)
			if (keep[i] && cls[i] == c)
				k[m++] = (struct keyed){row_hash(d, i, pl->seed, skip), i};
		qsort(k, (size_t)m, sizeof *k, cmp_keyed);
		int64_t take = (int64_t)llround(pl->split_frac * (double)m);
		for (int64_t r = 0; r < take; r++)
			eval[k[r].row] = true;
	}
	free(k);
}

/* ------------------------------------------------------------ prediction */

struct pred_job {
	const struct ml_model *m;
	const double *x;
	int64_t n;
	double *out;
	int width;
	const struct ml_log *log;     /* cancelled: the remaining chunks are skipped */
};

static void
pred_task(void *arg, int task, int worker)
{
	(void)worker;
	struct pred_job *j = arg;
	if (ml_log_cancelled(j->log))
		return;
	int64_t lo = (int64_t)task * ML_CHUNK, hi = lo + ML_CHUNK < j->n ? lo + ML_CHUNK : j->n;
	int cn = (int)(hi - lo), p = j->m->p;
	double *buf = xmalloc(sizeof *buf * (size_t)cn * (size_t)(p ? p : 1));
	for (int f = 0; f < p; f++)
		memcpy(buf + (size_t)f * (size_t)cn, j->x + (size_t)f * (size_t)j->n + (size_t)lo, sizeof *buf * (size_t)cn);
	j->m->kind->predict(j->m->impl, buf, cn, j->out + (size_t)lo * (size_t)j->width);
	free(buf);
}

/* ml_predict_matrix, stopping early (out then partly unset) when log
 * says the statement was cancelled. */
static void
predict_matrix(const struct ml_model *m, const double *x, int64_t n, double *out, const struct ml_log *log)
{
	struct pred_job j = {m, x, n, out, m->label.nclass ? m->label.nclass : 1, log};
	int64_t tasks = (n + ML_CHUNK - 1) / ML_CHUNK;
	if (tasks > 0)
		pool_run((int)tasks, pred_task, &j);
}

void
ml_predict_matrix(const struct ml_model *m, const double *x, int64_t n, double *out)
{
	predict_matrix(m, x, n, out, NULL);
}

void
ml_eval_free(struct ml_eval *ev)
{
	free(ev->y);
	free(ev->yreg);
	free(ev->pred);
	memset(ev, 0, sizeof *ev);
}

/* ------------------------------------------------------------ supervised */

/* "0: 900 (90.0%), 1: 100 (10.0%)" */
static void
distribution(struct strbuf *sb, const struct ml_label *lab, const int32_t *cls, const bool *sel, int64_t n)
{
	int64_t *cnt = xcalloc((size_t)lab->nclass, sizeof *cnt), tot = 0;
	for (int64_t i = 0; i < n; i++)
		if (sel[i]) {
			cnt[cls[i]]++;
			tot++;
		}
	for (int c = 0; c < lab->nclass; c++)
		sb_printf(sb, "%s%s: %lld (%.1f%%)", c ? ", " : "", lab->classes[c], (long long)cnt[c],
		    tot ? 100.0 * (double)cnt[c] / (double)tot : 0.0);
	free(cnt);
}

static int
class_weights(const struct ml_plan *pl, const struct ml_label *lab, const int32_t *cls, const bool *train,
    int64_t n, double *cw, struct wb_error *err)
{
	int k = lab->nclass;
	for (int c = 0; c < k; c++)
		cw[c] = 1;
	static const char *const modes[] = {"balanced", "none", NULL};
	const char *mode;
	if (ml_opt_choice(pl->opts, "class_weight", "none", modes, &mode, err) < 0)
		return -1;
	const struct ml_opt *map = ml_opt_find(pl->opts, "class_weights");
	if (strcmp(mode, "balanced") == 0) {
		int64_t *cnt = xcalloc((size_t)k, sizeof *cnt), tot = 0;
		for (int64_t i = 0; i < n; i++)
			if (train[i]) {
				cnt[cls[i]]++;
				tot++;
			}
		for (int c = 0; c < k; c++)
			cw[c] = cnt[c] ? (double)tot / ((double)k * (double)cnt[c]) : 1;
		free(cnt);
	}
	if (map != NULL) {
		if (map->type != MLO_MAP) {
			err_set(err, map->pos, "class_weights takes a map of label to weight: {'1': 5.0, '0': 1.0}");
			return -1;
		}
		for (int i = 0; i < map->n; i++) {
			const struct ml_opt *it = &map->items[i];
			int c = -1;
			for (int q = 0; q < k; q++)
				if (strcmp(lab->classes[q], it->key) == 0)
					c = q;
			if (c < 0 || it->type != MLO_NUM || !(it->num > 0) || !isfinite(it->num)) {
				err_set(err, it->pos, c < 0 ? "class_weights: '%s' is not a class of the label"
				    : "class_weights: the weight of '%s' must be a positive number", it->key);
				return -1;
			}
			cw[c] = it->num;
		}
	}
	return 0;
}

/* Build the features of model m from the columns (means and sds over
 * the training rows; levels that occur in them). */
static void
build_features(const struct ml_plan *pl, const struct stats_data *d, const bool *train, struct ml_model *m)
{
	bool linear = pl->kind->coefs != NULL;
	m->feat = xcalloc((size_t)pl->ncol, sizeof *m->feat);
	struct strbuf sb = STRBUF_INIT;
	int p = 0;
	for (int j = 0; j < pl->ncol; j++) {
		if (j == pl->label_col || j == pl->split_col)
			continue;
		const struct stats_column *c = &d->col[j];
		struct ml_feature *f = &m->feat[m->nfeat++];
		f->name = xstrdup(pl->names[j]);
		f->type = pl->types[j];
		f->first = p;
		if (c->role == STATS_NUMERIC) {
			f->enc = ML_ENC_NUMERIC;
			f->width = 1;
			double s = 0, ss = 0, cnt = 0;
			for (int64_t i = 0; i < d->n; i++)
				if (train[i] && !isnan(c->x[i])) {
					s += c->x[i];
					cnt++;
				}
			f->mean = cnt ? s / cnt : 0;
			for (int64_t i = 0; i < d->n; i++)
				if (train[i] && !isnan(c->x[i]))
					ss += (c->x[i] - f->mean) * (c->x[i] - f->mean);
			f->sd = cnt ? sqrt(ss / cnt) : 1;
			if (!(f->sd > 0))
				f->sd = 1;
			p++;
			continue;
		}
		/* levels present in training rows, in value order */
		bool *seen = xcalloc((size_t)(c->nlevels ? c->nlevels : 1), 1);
		for (int64_t i = 0; i < d->n; i++)
			if (train[i] && c->level[i] >= 0)
				seen[c->level[i]] = true;
		f->levels = xmalloc(sizeof *f->levels * (size_t)(c->nlevels ? c->nlevels : 1));
		for (int k = 0; k < c->nlevels; k++)
			if (seen[k])
				f->levels[f->nlevels++] = xstrdup(c->labels[k]);
		free(seen);
		if (pl->ordinal) {
			f->enc = ML_ENC_ORDINAL;
			f->width = 1;
		} else {
			f->enc = ML_ENC_ONEHOT;
			f->skip = linear && f->nlevels > 0 ? 1 : 0;
			f->width = f->nlevels - f->skip;
		}
		p += f->width;
	}
	m->p = p;
	m->fnames = xmalloc(sizeof *m->fnames * (size_t)(p ? p : 1));
	for (int c = 0; c < m->nfeat; c++) {
		const struct ml_feature *f = &m->feat[c];
		for (int k = 0; k < f->width; k++) {
			sb_clear(&sb);
			if (f->enc == ML_ENC_ONEHOT)
				sb_printf(&sb, "%s=%s", f->name, f->levels[k + f->skip]);
			else
				sb_puts(&sb, f->name);
			m->fnames[f->first + k] = xstrdup(sb_str(&sb));
		}
	}
	sb_free(&sb);
	ml_model_index(m);
}

/* Encode the selected rows of d into x (column-major, nrows). */
static void
encode_rows(const struct ml_plan *pl, const struct stats_data *d, const struct ml_model *m, const bool *sel,
    int64_t nrows, double *x)
{
	int fi = 0;
	for (int j = 0; j < pl->ncol; j++) {
		if (j == pl->label_col || j == pl->split_col)
			continue;
		const struct stats_column *c = &d->col[j];
		const struct ml_feature *f = &m->feat[fi++];
		double *col = x + (size_t)f->first * (size_t)nrows;
		int64_t r = 0;
		if (f->enc == ML_ENC_NUMERIC) {
			double mean = m->standardize ? f->mean : 0, sd = m->standardize ? f->sd : 1;
			for (int64_t i = 0; i < d->n; i++)
				if (sel[i]) {
					double v = isnan(c->x[i]) ? f->mean : c->x[i];
					col[r++] = (v - mean) / sd;
				}
			continue;
		}
		/* data level -> model level */
		int32_t *map = xmalloc(sizeof *map * (size_t)(c->nlevels ? c->nlevels : 1));
		for (int k = 0; k < c->nlevels; k++)
			map[k] = ml_feature_level(f, c->labels[k], strlen(c->labels[k]));
		if (f->enc == ML_ENC_ORDINAL) {
			for (int64_t i = 0; i < d->n; i++)
				if (sel[i]) {
					int k = c->level[i] >= 0 ? map[c->level[i]] : -1;
					col[r++] = k < 0 ? -1.0 : (double)k;
				}
		} else {
			memset(col, 0, sizeof *col * (size_t)nrows * (size_t)f->width);
			for (int64_t i = 0; i < d->n; i++)
				if (sel[i]) {
					int k = (c->level[i] >= 0 ? map[c->level[i]] : -1) - f->skip;
					if (k >= 0 && k < f->width)
						col[(size_t)k * (size_t)nrows + (size_t)r] = 1.0;
					r++;
				}
		}
		free(map);
	}
}

static struct ml_model *
train_supervised(const struct ml_plan *pl, const struct stats_data *d, struct ml_log *log, struct ml_eval *ev,
    struct wb_error *err)
{
	int64_t n = d->n;
	const struct stats_column *lab = &d->col[pl->label_col];
	bool classify = pl->kind->task == ML_CLASSIFICATION;
	struct ml_model *m = xcalloc(1, sizeof *m);
	m->kind = pl->kind;
	m->model_type = xstrdup(pl->kind->name);
	m->standardize = pl->standardize;
	m->drop_nulls = strcmp(pl->null_handling, "drop") == 0;
	m->threshold = pl->threshold;
	m->seed = pl->seed;
	m->split_frac = pl->split_frac;
	m->split_method = xstrdup(pl->split_method);
	m->split_col = pl->split_col >= 0 ? xstrdup(pl->names[pl->split_col]) : NULL;
	m->label.name = xstrdup(pl->names[pl->label_col]);
	m->label.type = pl->types[pl->label_col];
	bool *keep = xmalloc((size_t)(n ? n : 1)), *train = xmalloc((size_t)(n ? n : 1)),
	     *eval = xmalloc((size_t)(n ? n : 1));
	int32_t *cls = NULL;
	double *x = NULL, *xv = NULL, *y = NULL, *yv = NULL, *w = NULL;
	struct strbuf sb = STRBUF_INIT;
	/* rows without a label never count; NULL features by null_handling */
	int64_t no_label = 0, null_rows = 0, nnull_feat = 0;
	for (int64_t i = 0; i < n; i++) {
		keep[i] = classify ? lab->level[i] >= 0 : !isnan(lab->x[i]);
		no_label += !keep[i];
	}
	for (int j = 0; j < pl->ncol; j++) {
		if (j == pl->label_col || j == pl->split_col)
			continue;
		const struct stats_column *c = &d->col[j];
		int64_t cnt = 0;
		for (int64_t i = 0; i < n; i++)
			if (keep[i] && (c->role == STATS_NUMERIC ? isnan(c->x[i]) : c->level[i] < 0))
				cnt++;
		if (cnt == 0)
			continue;
		nnull_feat++;
		if (strcmp(pl->null_handling, "error") == 0) {
			err_set(err, -1, "feature %s has %lld NULL value%s (null_handling = 'error')", pl->names[j],
			    (long long)cnt, cnt == 1 ? "" : "s");
			err_hint(err, "null_handling = 'impute' (training mean; categories: none) or 'drop' (leave the rows out)");
			goto fail;
		}
		sb_printf(&sb, "%s%s: %lld", sb.len ? ", " : "", pl->names[j], (long long)cnt);
		if (m->drop_nulls)
			for (int64_t i = 0; i < n; i++)
				if (keep[i] && (c->role == STATS_NUMERIC ? isnan(c->x[i]) : c->level[i] < 0)) {
					keep[i] = false;
					null_rows++;
				}
	}
	if (no_label)
		ml_model_note(m, "%lld row%s without a label left out", (long long)no_label, no_label == 1 ? "" : "s");
	if (nnull_feat)
		ml_model_note(m, m->drop_nulls ? "NULL features (%s): %lld rows dropped" : "NULL features (%s) imputed: numbers by the training mean, categories as none",
		    sb_str(&sb), (long long)null_rows);
	sb_clear(&sb);
	int64_t nkeep = 0;
	for (int64_t i = 0; i < n; i++)
		nkeep += keep[i];
	if (nkeep == 0) {
		err_set(err, -1, "no rows to train on: %lld rows read, %lld without a label, %lld dropped for NULL features",
		    (long long)n, (long long)no_label, (long long)null_rows);
		err_hint(err, "check the query's WHERE, or null_handling = 'impute'");
		goto fail;
	}
	/* classes present in the kept rows */
	if (classify) {
		int *remap = xmalloc(sizeof *remap * (size_t)(lab->nlevels ? lab->nlevels : 1));
		int64_t *cnt = xcalloc((size_t)(lab->nlevels ? lab->nlevels : 1), sizeof *cnt);
		for (int64_t i = 0; i < n; i++)
			if (keep[i])
				cnt[lab->level[i]]++;
		m->label.classes = xmalloc(sizeof(char *) * (size_t)(lab->nlevels ? lab->nlevels : 1));
		for (int k = 0; k < lab->nlevels; k++) {
			remap[k] = -1;
			if (cnt[k] > 0) {
				remap[k] = m->label.nclass;
				m->label.classes[m->label.nclass++] = xstrdup(lab->labels[k]);
			}
		}
		free(cnt);
		cls = xmalloc(sizeof *cls * (size_t)n);
		for (int64_t i = 0; i < n; i++)
			cls[i] = keep[i] ? remap[lab->level[i]] : -1;
		free(remap);
		if (m->label.nclass < 2) {
			err_set(err, -1, "label %s has one class ('%s') in the training rows; a classifier needs two or more",
			    m->label.name, m->label.nclass ? m->label.classes[0] : "");
			err_hint(err, "check the label's definition, or train a regressor");
			goto fail;
		}
	}
	split_rows(pl, d, keep, cls, m->label.nclass, eval);
	int64_t ntrain = 0, neval = 0;
	for (int64_t i = 0; i < n; i++) {
		train[i] = keep[i] && !eval[i];
		ntrain += train[i];
		neval += eval[i];
	}
	if (ntrain == 0) {
		err_set(err, -1, "every row is held out for evaluation; none is left to train on");
		err_hint(err, "a smaller data_split, or a split_col that is FALSE for some rows");
		goto fail;
	}
	if (classify) {
		int *present = xcalloc((size_t)m->label.nclass, sizeof *present), np = 0;
		for (int64_t i = 0; i < n; i++)
			if (train[i] && !present[cls[i]]++)
				np++;
		free(present);
		if (np < 2) {
			err_set(err, -1, "the training split of label %s has one class", m->label.name);
			err_hint(err, "data_split_method = 'stratified' keeps every class in both splits");
			goto fail;
		}
		distribution(&sb, &m->label, cls, train, n);
		ml_model_note(m, "label %s in training rows (%lld): %s", m->label.name, (long long)ntrain, sb_str(&sb));
		sb_clear(&sb);
		if (neval) {
			distribution(&sb, &m->label, cls, eval, n);
			ml_model_note(m, "label %s in held-out rows (%lld): %s", m->label.name, (long long)neval, sb_str(&sb));
			sb_clear(&sb);
		}
	}
	m->train_rows = ntrain;
	m->eval_rows = neval;
	build_features(pl, d, train, m);
	if (m->p == 0) {
		err_set(err, -1, "no features left: every categorical feature has a single level");
		goto fail;
	}
	x = xmalloc(sizeof *x * (size_t)ntrain * (size_t)m->p);
	y = xmalloc(sizeof *y * (size_t)ntrain);
	encode_rows(pl, d, m, train, ntrain, x);
	if (neval) {
		xv = xmalloc(sizeof *xv * (size_t)neval * (size_t)m->p);
		yv = xmalloc(sizeof *yv * (size_t)neval);
		encode_rows(pl, d, m, eval, neval, xv);
	}
	double *cw = NULL;
	if (classify) {
		cw = xmalloc(sizeof *cw * (size_t)m->label.nclass);
		if (class_weights(pl, &m->label, cls, train, n, cw, err) < 0) {
			free(cw);
			goto fail;
		}
		bool weighted = false;
		for (int c = 0; c < m->label.nclass; c++)
			weighted |= cw[c] != 1;
		if (weighted)
			w = xmalloc(sizeof *w * (size_t)ntrain);
	}
	for (int64_t i = 0, r = 0, q = 0; i < n; i++) {
		double v = classify ? (cls[i] >= 0 ? (double)cls[i] : 0) : lab->x[i];
		if (train[i]) {
			if (w)
				w[r] = cw[cls[i]];
			y[r++] = v;
		} else if (eval[i]) {
			yv[q++] = v;
		}
	}
	free(cw);
	struct ml_data data = {
		.n = ntrain, .p = m->p, .x = x, .y = y, .w = w, .nclass = m->label.nclass, .names = m->fnames,
		.nv = neval, .xv = xv, .yv = yv,
	};
	m->impl = ml_log_cancelled(log) ? NULL : pl->kind->train(&data, pl->opts, log, err);
	if (m->impl == NULL && ml_log_cancelled(log) && !err_isset(err))
		err_set(err, -1, "training cancelled");
	if (m->impl == NULL) {
		if (!err_isset(err))
			err_set(err, -1, "%s: training failed", pl->kind->name);
		goto fail;
	}
	/* evaluate on the held-out rows (or, without them, the training rows) */
	const double *ex = neval ? xv : x, *ey = neval ? yv : y;
	int64_t en = neval ? neval : ntrain;
	int width = classify ? m->label.nclass : 1;
	ev->n = en;
	ev->nclass = m->label.nclass;
	ev->on_training = neval == 0;
	ev->pred = xmalloc(sizeof *ev->pred * (size_t)en * (size_t)width);
	predict_matrix(m, ex, en, ev->pred, log);
	if (ml_log_cancelled(log)) {
		err_set(err, -1, "training cancelled");
		goto fail;
	}
	struct ml_metric_set ms;
	if (classify) {
		ev->y = xmalloc(sizeof *ev->y * (size_t)(en ? en : 1));
		for (int64_t i = 0; i < en; i++)
			ev->y[i] = (int32_t)ey[i];
		ml_metrics_classify(ev->y, ev->pred, en, m->label.nclass, m->threshold, &ms);
	} else {
		ev->yreg = xmalloc(sizeof *ev->yreg * (size_t)(en ? en : 1));
		memcpy(ev->yreg, ey, sizeof *ev->yreg * (size_t)en);
		ml_metrics_regress(ev->yreg, ev->pred, en, &ms);
	}
	for (int i = 0; i < ms.n; i++)
		ml_model_add_metric(m, ms.names[i], ms.values[i]);
	if (classify) {
		m->cm = xmalloc(sizeof *m->cm * (size_t)m->label.nclass * (size_t)m->label.nclass);
		ml_confusion(ev->y, ev->pred, en, m->label.nclass, m->threshold, m->cm);
		if (m->label.nclass == 2) {
			double *s = xmalloc(sizeof *s * (size_t)(en ? en : 1));
			for (int64_t i = 0; i < en; i++)
				s[i] = ev->pred[i * 2 + 1];
			ml_roc_curve(ev->y, s, en, 100, &m->roc);
			free(s);
		}
	}
	if (ev->on_training)
		ml_model_note(m, "no held-out rows (data_split = 0): metrics are on the training rows");
	goto out;
fail:
	ml_model_free(m);
	m = NULL;
out:
	free(keep);
	free(train);
	free(eval);
	free(cls);
	free(x);
	free(xv);
	free(y);
	free(yv);
	free(w);
	sb_free(&sb);
	return m;
}

/* Rows in an order fixed by their values: by a hash of all of them, ties
 * (equal hashes) by the values themselves. */
static int
cmp_canonical(const void *a, const void *b, void *arg)
{
	const struct stats_data *d = arg;
	const struct keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	for (int j = 0; j < d->ncol; j++) {
		const struct stats_column *c = &d->col[j];
		if (c->role == STATS_FACTOR) {
			int32_t u = c->level[x->row], v = c->level[y->row];
			if (u != v)
				return u < v ? -1 : 1;
		} else {
			double u = c->x[x->row], v = c->x[y->row];
			bool nu = isnan(u), nv = isnan(v);
			if (nu != nv)
				return nu ? 1 : -1;
			if (!nu && u != v)
				return u < v ? -1 : 1;
		}
	}
	return 0;
}

/*
 * A copy of d with its rows in canonical order (free with
 * free_canonical). Training sees rows in this order so that a model is a
 * function of the rows and the seed alone: a query run in parallel returns
 * its rows in an order that varies from run to run, and the row positions
 * bootstrap samples and shuffles draw from would follow it.
 */
static struct stats_data *
canonical_order(const struct stats_data *d)
{
	int64_t n = d->n;
	struct keyed *k = xmalloc(sizeof *k * (size_t)n);
	for (int64_t i = 0; i < n; i++)
		k[i] = (struct keyed){row_hash(d, i, 0, -1), i};
	qsort_r(k, (size_t)n, sizeof *k, cmp_canonical, (void *)d);
	struct stats_data *o = xcalloc(1, sizeof *o);
	o->n = n;
	o->ncol = d->ncol;
	o->col = xcalloc((size_t)(d->ncol ? d->ncol : 1), sizeof *o->col);
	for (int j = 0; j < d->ncol; j++) {
		const struct stats_column *c = &d->col[j];
		o->col[j] = *c;   /* names and labels are shared */
		if (c->x) {
			o->col[j].x = xmalloc(sizeof *c->x * (size_t)n);
			for (int64_t i = 0; i < n; i++)
				o->col[j].x[i] = c->x[k[i].row];
		}
		if (c->level) {
			o->col[j].level = xmalloc(sizeof *c->level * (size_t)n);
			for (int64_t i = 0; i < n; i++)
				o->col[j].level[i] = c->level[k[i].row];
		}
	}
	free(k);
	return o;
}

static void
free_canonical(struct stats_data *o)
{
	for (int j = 0; j < o->ncol; j++) {
		free(o->col[j].x);
		free(o->col[j].level);
	}
	free(o->col);
	free(o);
}

struct ml_model *
ml_train_run(const struct ml_plan *pl, const struct stats_data *d, struct ml_log *log, struct ml_eval *ev,
    struct wb_error *err)
{
	memset(ev, 0, sizeof *ev);
	if (d->n == 0) {
		err_set(err, -1, "the training query returned no rows");
		return NULL;
	}
	struct stats_data *cd = canonical_order(d);
	struct ml_model *m = pl->als ? ml_train_als(pl, cd, log, ev, err) : train_supervised(pl, cd, log, ev, err);
	free_canonical(cd);
	if (m == NULL)
		return NULL;
	for (int i = 0; i < log->nnotes; i++)
		ml_model_note(m, "%s", log->notes[i]);
	m->nsteps = log->nsteps;
	m->steps = xmalloc(sizeof *m->steps * (size_t)(log->nsteps ? log->nsteps : 1));
	memcpy(m->steps, log->steps, sizeof *m->steps * (size_t)log->nsteps);
	return m;
}
