/*
 * stmt_ml_fn: the ML.* table functions.
 *
 * ML.PREDICT is a rewrite, not a result: it becomes
 *   SELECT * EXCLUDE (__wb_p), <label from __wb_p> AS predicted_<label>,
 *          __wb_p AS predicted_<label>_probability
 *   FROM (SELECT *, __ml_predict('<model file>', 'p1', f1, f2, ...) AS __wb_p
 *         FROM (<input>) __wb_in) __wb_s
 * so scoring streams through the engine in parallel chunks, keeps every
 * input column, and EXPLAIN shows it. ML.EVALUATE, ML.CONFUSION_MATRIX and
 * ML.ROC_CURVE with an input run that query and compare the label with
 * the predictions; without one they give what was measured on the
 * held-out rows at training. The rest read the model.
 */
#include "cli/stmt_ml_int.h"
#include "ml/ml_als.h"
#include "ml/ml_metrics.h"
#include "stats/stats.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ helpers */

static int
opt_threshold(const struct ml_stmt *st, const struct ml_model *m, double *thr, struct wb_error *err)
{
	if (ml_opt_num(&st->opts, "threshold", m->threshold, 0, 1, thr, err) < 0)
		return -1;
	for (int i = 0; i < st->opts.n; i++) {
		const struct ml_opt *o = &st->opts.v[i];
		if (strcmp(o->key, "threshold") != 0 && strcmp(o->key, "k") != 0) {
			err_set(err, o->pos, "unknown argument %s", o->key);
			err_hint(err, "ML functions take threshold => 0.5 (classifiers) and k => 5 (ML.RECOMMEND)");
			return -1;
		}
	}
	return 0;
}

/* A class of the label as a literal of the label's type. */
static struct ast *
lit_class(struct arena *a, const struct ml_model *m, int c, int pos)
{
	const char *t = m->label.classes[c];
	if (m->label.type == WB_TYPE_BIGINT)
		return ast_mk_int(a, strtoll(t, NULL, 10), pos);
	if (m->label.type == WB_TYPE_BOOL)
		return ast_mk_bool(a, strcmp(t, "true") == 0, pos);
	return ast_mk_str(a, t, pos);
}

/* The input's column names (binding it, not running it). */
static int
input_columns(struct session *s, struct arena *a, struct ast *input, int *ncol, char ***names, wb_type **types,
    struct wb_error *err)
{
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, input, err);
	if (p == NULL) {
		stmt_finish(s, &b, NULL);
		return -1;
	}
	*ncol = p->ncol;
	*names = arena_alloc(a, sizeof(char *) * (size_t)(p->ncol ? p->ncol : 1));
	*types = arena_alloc(a, sizeof(wb_type) * (size_t)(p->ncol ? p->ncol : 1));
	for (int j = 0; j < p->ncol; j++) {
		(*names)[j] = arena_strdup(a, p->names[j]);
		(*types)[j] = p->types[j];
	}
	stmt_finish(s, &b, p);
	return 0;
}

static int
find_name(int n, char *const *names, const char *name)
{
	for (int j = 0; j < n; j++)
		if (strcasecmp(names[j], name) == 0)
			return j;
	return -1;
}

/* Every feature of m is a column of the input. */
static int
check_features(const struct ml_model *m, int ncol, char *const *names, int pos, struct wb_error *err)
{
	for (int i = 0; i < m->nfeat; i++)
		if (find_name(ncol, names, m->feat[i].name) < 0) {
			err_set(err, pos, "the input has no column %s, a feature of model %s", m->feat[i].name, m->name);
			struct strbuf sb = STRBUF_INIT;
			for (int k = 0; k < m->nfeat; k++)
				sb_printf(&sb, "%s%s", k ? ", " : "", m->feat[k].name);
			err_hint(err, "the model's features: %s", sb_str(&sb));
			sb_free(&sb);
			return -1;
		}
	return 0;
}

/* __ml_predict('<file>', mode, features...) */
static struct ast *
predict_call(struct arena *a, const struct ml_model *m, const char *path, const char *mode, int pos)
{
	struct ast *f = ast_mk_func(a, "__ml_predict", pos, 0);
	ast_list_add(a, &f->u.func.args, ast_mk_str(a, path, pos));
	ast_list_add(a, &f->u.func.args, ast_mk_str(a, mode, pos));
	for (int i = 0; i < m->nfeat; i++)
		ast_list_add(a, &f->u.func.args, ast_mk_col(a, "__wb_in", arena_strdup(a, m->feat[i].name), pos));
	return f;
}

/*
 * The scoring query over input: every input column, then
 * predicted_<label> and (classifiers) predicted_<label>_probability.
 */
static struct ast *
predict_query(struct session *s, struct arena *a, const struct ml_model *m, const char *path, struct ast *input,
    double thr, int pos, struct wb_error *err)
{
	int ncol;
	char **names;
	wb_type *types;
	if (input_columns(s, a, input, &ncol, &names, &types, err) < 0 || check_features(m, ncol, names, pos, err) < 0)
		return NULL;
	struct ast *in = ast_mk_derived(a, input, "__wb_in");
	char *pred_name = arena_printf(a, "predicted_%s", m->label.name);
	char *prob_name = arena_printf(a, "predicted_%s_probability", m->label.name);
	struct ast_list items = {0};
	struct ast *star = ast_new(a, AST_STAR, pos);
	star->u.star.qualifier = "__wb_in";
	ast_list_add(a, &items, ast_mk_item(a, star, NULL));
	if (m->label.nclass == 0) {
		ast_list_add(a, &items, ast_mk_item(a, predict_call(a, m, path, "value", pos), pred_name));
		return ast_mk_select(a, in, &items, NULL);
	}
	bool binary = m->label.nclass == 2;
	ast_list_add(a, &items, ast_mk_item(a, predict_call(a, m, path, binary ? "p1" : "pmax", pos), "__wb_p"));
	if (!binary)
		ast_list_add(a, &items, ast_mk_item(a, predict_call(a, m, path, "class", pos), "__wb_c"));
	struct ast *inner = ast_mk_select(a, in, &items, NULL);
	struct ast *mid = ast_mk_derived(a, inner, "__wb_s");
	struct ast_list out = {0};
	struct ast *all = ast_new(a, AST_STAR, pos);
	ast_list_add(a, &all->u.star.exclude, ast_mk_col(a, NULL, "__wb_p", pos));
	if (!binary)
		ast_list_add(a, &all->u.star.exclude, ast_mk_col(a, NULL, "__wb_c", pos));
	ast_list_add(a, &out, ast_mk_item(a, all, NULL));
	struct ast *kase = ast_mk_case(a, pos);
	struct ast *pcol = ast_mk_col(a, NULL, "__wb_p", pos);
	if (binary) {
		ast_case_when(a, kase, ast_mk_binary(a, ">=", pcol, ast_mk_double(a, thr, pos)), lit_class(a, m, 1, pos));
		ast_case_when(a, kase, ast_mk_binary(a, "<", pcol, ast_mk_double(a, thr, pos)), lit_class(a, m, 0, pos));
	} else {
		for (int c = 0; c < m->label.nclass; c++)
			ast_case_when(a, kase, ast_mk_binary(a, "=", ast_mk_col(a, NULL, "__wb_c", pos), ast_mk_double(a, c, pos)),
			    lit_class(a, m, c, pos));
	}
	ast_list_add(a, &out, ast_mk_item(a, kase, pred_name));
	ast_list_add(a, &out, ast_mk_item(a, pcol, prob_name));
	return ast_mk_select(a, mid, &out, NULL);
}

/* The model a statement names, loaded (release with ml_cache_release). */
static const struct ml_model *
load_ref(struct session *s, const struct ml_stmt *st, struct ml_resolved *r, struct wb_error *err)
{
	if (ml_resolve(s, st->ref, st->ref_pos, r, err) < 0)
		return NULL;
	const struct ml_model *m = ml_cache_acquire(r->path, err);
	if (m == NULL)
		ml_resolved_free(r);
	return m;
}

static int
need_supervised(const struct ml_model *m, const char *fn, struct wb_error *err)
{
	if (m->als == NULL)
		return 0;
	err_set(err, -1, "%s does not apply to an als model", fn);
	err_hint(err, "ML.RECOMMEND(MODEL %s) gives its recommendations", m->name);
	return -1;
}

struct ast *
ml_rewrite_predict(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct ml_stmt *st = data;
	struct ml_resolved r = {0};
	const struct ml_model *m = load_ref(s, st, &r, err);
	if (m == NULL)
		return NULL;
	struct ast *q = NULL;
	double thr;
	if (need_supervised(m, "ML.PREDICT", err) == 0 && opt_threshold(st, m, &thr, err) == 0) {
		if (st->query == NULL) {
			err_set(err, st->pos, "ML.PREDICT needs rows to score: ML.PREDICT(MODEL %s, TABLE t)", st->ref);
		} else {
			q = predict_query(s, a, m, r.path, st->query, thr, st->pos, err);
		}
	}
	ml_cache_release(m);
	ml_resolved_free(&r);
	return q;
}

/* ------------------------------------------------------------ scoring an input */

/* Label and predictions of the input's rows (rows without a label or a
 * prediction left out). */
struct scored {
	int64_t n;
	int32_t *y;          /* classifiers: class codes (-1: a class the model does not know) */
	double *yreg;
	double *prob;        /* n x nclass (binary: filled from P(1)) or n predictions */
	int64_t unknown;     /* rows whose label is not a class of the model */
};

static void
scored_free(struct scored *sc)
{
	free(sc->y);
	free(sc->yreg);
	free(sc->prob);
}

static int
score_input(struct session *s, struct arena *a, const struct ml_model *m, const char *path, struct ast *input,
    int pos, struct scored *sc, struct wb_error *err)
{
	memset(sc, 0, sizeof *sc);
	int ncol;
	char **names;
	wb_type *types;
	if (input_columns(s, a, input, &ncol, &names, &types, err) < 0)
		return -1;
	if (find_name(ncol, names, m->label.name) < 0) {
		err_set(err, pos, "the input has no column %s, the label of model %s", m->label.name, m->name);
		return -1;
	}
	if (check_features(m, ncol, names, pos, err) < 0)
		return -1;
	bool classify = m->label.nclass > 0;
	int k = m->label.nclass;
	/* SELECT label, P(class 0), ..., P(class k-1) (binary: P(1); a
	 * regressor: its prediction) FROM (input): metrics such as log_loss
	 * and roc_auc need every class's probability */
	int first = k == 2 ? 1 : 0, width = classify ? k - first : 1;
	struct ast_list items = {0};
	ast_list_add(a, &items, ast_mk_item(a, ast_mk_col(a, "__wb_in", arena_strdup(a, m->label.name), pos), NULL));
	for (int c = 0; c < width; c++) {
		const char *mode = classify ? arena_printf(a, "p%d", first + c) : "value";
		ast_list_add(a, &items, ast_mk_item(a, predict_call(a, m, path, mode, pos), arena_printf(a, "__wb_p%d", c)));
	}
	struct ast *q = ast_mk_select(a, ast_mk_derived(a, input, "__wb_in"), &items, NULL);
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	if (p == NULL) {
		stmt_finish(s, &b, NULL);
		return -1;
	}
	enum stats_role *roles = arena_alloc(a, sizeof *roles * (size_t)(width + 1));
	roles[0] = classify ? STATS_FACTOR : STATS_NUMERIC;
	for (int c = 1; c <= width; c++)
		roles[c] = STATS_NUMERIC;
	struct stats_data d;
	if (stmt_read_columns(s, &b, p, roles, "ML.EVALUATE", a, &d, err) < 0) {
		stmt_free_columns(&d);
		return -1;
	}
	sc->prob = xmalloc(sizeof *sc->prob * (size_t)(d.n ? d.n : 1) * (size_t)(classify ? k : 1));
	if (classify) {
		sc->y = xmalloc(sizeof *sc->y * (size_t)(d.n ? d.n : 1));
		/* the data's label levels -> the model's classes */
		const struct stats_column *lc = &d.col[0];
		int32_t *map = xmalloc(sizeof *map * (size_t)(lc->nlevels ? lc->nlevels : 1));
		for (int l = 0; l < lc->nlevels; l++) {
			map[l] = -1;
			for (int c = 0; c < k; c++)
				if (strcmp(lc->labels[l], m->label.classes[c]) == 0)
					map[l] = c;
		}
		for (int64_t i = 0; i < d.n; i++) {
			int lv = lc->level[i];
			if (lv < 0 || isnan(d.col[1].x[i]))
				continue;
			if (map[lv] < 0) {
				sc->unknown++;
				continue;
			}
			double *row = sc->prob + sc->n * k;
			if (k == 2) {
				row[0] = 1 - d.col[1].x[i];
				row[1] = d.col[1].x[i];
			} else {
				for (int c = 0; c < k; c++)
					row[c] = d.col[1 + c].x[i];
			}
			sc->y[sc->n++] = map[lv];
		}
		free(map);
	} else {
		sc->yreg = xmalloc(sizeof *sc->yreg * (size_t)(d.n ? d.n : 1));
		for (int64_t i = 0; i < d.n; i++) {
			if (isnan(d.col[0].x[i]) || isnan(d.col[1].x[i]))
				continue;
			sc->yreg[sc->n] = d.col[0].x[i] + d.col[0].shift;
			sc->prob[sc->n++] = d.col[1].x[i] + d.col[1].shift;
		}
	}
	stmt_free_columns(&d);
	if (sc->n == 0) {
		if (sc->unknown > 0) {
			err_set(err, pos, "no rows to evaluate: the labels of all %lld rows are classes model %s never saw",
			    (long long)sc->unknown, m->name);
			struct strbuf sb = STRBUF_INIT;
			for (int c = 0; c < k; c++)
				sb_printf(&sb, "%s%s", c ? ", " : "", m->label.classes[c]);
			err_hint(err, "its classes: %s", sb_str(&sb));
			sb_free(&sb);
		} else {
			err_set(err, pos, "no rows to evaluate: the input has no rows with a label and a prediction");
		}
		scored_free(sc);
		return -1;
	}
	if (sc->unknown)
		session_message(s, "%lld rows have a label the model never saw; left out", (long long)sc->unknown);
	return 0;
}

/* ------------------------------------------------------------ the functions */

static int
exec_evaluate(struct session *s, struct arena *a, const struct ml_stmt *st, const struct ml_model *m,
    const char *path, struct wb_error *err)
{
	double thr;
	if (opt_threshold(st, m, &thr, err) < 0)
		return -1;
	struct ml_metric_set ms = {0};
	const char *names[ML_MAX_METRICS + 1];
	wb_type types[ML_MAX_METRICS + 1];
	double vals[ML_MAX_METRICS];
	int n = 0;
	if (st->query == NULL) {
		if (m->nmetrics == 0) {
			err_set(err, st->pos, "model %s has no held-out metrics (trained with data_split = 0)", m->name);
			err_hint(err, "evaluate it on rows: ML.EVALUATE(MODEL %s, TABLE t)", st->ref);
			return -1;
		}
		bool changed = thr != m->threshold;
		if (changed) {
			err_set(err, st->pos, "a threshold other than the model's (%g) needs rows to evaluate", m->threshold);
			err_hint(err, "ML.EVALUATE(MODEL %s, TABLE t, threshold => %g)", st->ref, thr);
			return -1;
		}
		for (int i = 0; i < m->nmetrics && n < ML_MAX_METRICS; i++, n++) {
			names[n] = m->metrics[i].name;
			vals[n] = m->metrics[i].value;
		}
	} else {
		if (need_supervised(m, "ML.EVALUATE", err) < 0)
			return -1;
		struct scored sc;
		if (score_input(s, a, m, path, st->query, st->pos, &sc, err) < 0)
			return -1;
		if (m->label.nclass)
			ml_metrics_classify(sc.y, sc.prob, sc.n, m->label.nclass, thr, &ms);
		else
			ml_metrics_regress(sc.yreg, sc.prob, sc.n, &ms);
		scored_free(&sc);
		for (int i = 0; i < ms.n; i++, n++) {
			names[n] = ms.names[i];
			vals[n] = ms.values[i];
		}
	}
	for (int i = 0; i < n; i++)
		types[i] = WB_TYPE_DOUBLE;
	struct rowset_builder rb;
	rsb_init(&rb, n, names, types);
	for (int i = 0; i < n; i++)
		rsb_double(&rb, i, vals[i]);
	rsb_end_row(&rb);
	return rows_emit(s, &rb, err);
}

static int
exec_confusion(struct session *s, struct arena *a, const struct ml_stmt *st, const struct ml_model *m,
    const char *path, struct wb_error *err)
{
	double thr;
	if (need_supervised(m, "ML.CONFUSION_MATRIX", err) < 0 || opt_threshold(st, m, &thr, err) < 0)
		return -1;
	int k = m->label.nclass;
	if (k == 0) {
		err_set(err, st->pos, "ML.CONFUSION_MATRIX needs a classifier; %s is a %s", m->name, m->model_type);
		return -1;
	}
	int64_t *cm = xmalloc(sizeof *cm * (size_t)k * (size_t)k);
	if (st->query == NULL) {
		if (m->cm == NULL || thr != m->threshold) {
			free(cm);
			err_set(err, st->pos, "ML.CONFUSION_MATRIX needs rows%s",
			    m->cm == NULL ? " (the model has no held-out rows)" : " for a threshold other than the model's");
			err_hint(err, "ML.CONFUSION_MATRIX(MODEL %s, TABLE t [, threshold => x])", st->ref);
			return -1;
		}
		memcpy(cm, m->cm, sizeof *cm * (size_t)k * (size_t)k);
	} else {
		struct scored sc;
		if (score_input(s, a, m, path, st->query, st->pos, &sc, err) < 0) {
			free(cm);
			return -1;
		}
		ml_confusion(sc.y, sc.prob, sc.n, k, thr, cm);
		scored_free(&sc);
	}
	const char **names = arena_alloc(a, sizeof(char *) * (size_t)(k + 1));
	wb_type *types = arena_alloc(a, sizeof(wb_type) * (size_t)(k + 1));
	names[0] = "expected_label";
	types[0] = WB_TYPE_VARCHAR;
	for (int c = 0; c < k; c++) {
		names[c + 1] = m->label.classes[c];
		types[c + 1] = WB_TYPE_BIGINT;
	}
	struct rowset_builder rb;
	rsb_init(&rb, k + 1, names, types);
	for (int r = 0; r < k; r++) {
		rsb_str(&rb, 0, m->label.classes[r]);
		for (int c = 0; c < k; c++)
			rsb_int(&rb, c + 1, cm[r * k + c]);
		rsb_end_row(&rb);
	}
	free(cm);
	return rows_emit(s, &rb, err);
}

static int
exec_roc(struct session *s, struct arena *a, const struct ml_stmt *st, const struct ml_model *m, const char *path,
    struct wb_error *err)
{
	if (need_supervised(m, "ML.ROC_CURVE", err) < 0)
		return -1;
	if (m->label.nclass != 2) {
		err_set(err, st->pos, "ML.ROC_CURVE needs a binary classifier; %s %s", m->name,
		    m->label.nclass ? "has more than two classes" : "is a regressor");
		return -1;
	}
	struct ml_roc roc = {0};
	const struct ml_roc *r = &m->roc;
	if (st->query != NULL) {
		struct scored sc;
		if (score_input(s, a, m, path, st->query, st->pos, &sc, err) < 0)
			return -1;
		double *score = xmalloc(sizeof *score * (size_t)sc.n);
		for (int64_t i = 0; i < sc.n; i++)
			score[i] = sc.prob[i * 2 + 1];
		ml_roc_curve(sc.y, score, sc.n, 100, &roc);
		free(score);
		scored_free(&sc);
		r = &roc;
	} else if (r->n == 0) {
		err_set(err, st->pos, "model %s has no held-out ROC points (trained with data_split = 0)", m->name);
		err_hint(err, "ML.ROC_CURVE(MODEL %s, TABLE t)", st->ref);
		return -1;
	}
	static const char *const names[] = {"threshold", "recall", "false_positive_rate", "true_positives",
	    "false_positives", "true_negatives", "false_negatives"};
	static const wb_type types[] = {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_BIGINT,
	    WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_BIGINT};
	struct rowset_builder rb;
	rsb_init(&rb, 7, names, types);
	for (int i = 0; i < r->n; i++) {
		double pos = (double)(r->tp[i] + r->fn[i]), neg = (double)(r->fp[i] + r->tn[i]);
		rsb_double(&rb, 0, r->threshold[i]);
		rsb_double(&rb, 1, pos > 0 ? (double)r->tp[i] / pos : NAN);
		rsb_double(&rb, 2, neg > 0 ? (double)r->fp[i] / neg : NAN);
		rsb_int(&rb, 3, r->tp[i]);
		rsb_int(&rb, 4, r->fp[i]);
		rsb_int(&rb, 5, r->tn[i]);
		rsb_int(&rb, 6, r->fn[i]);
		rsb_end_row(&rb);
	}
	ml_roc_free(&roc);
	return rows_emit(s, &rb, err);
}

struct imp {
	const char *feature, *input;
	double v;
};

static int
cmp_imp(const void *a, const void *b)
{
	const struct imp *x = a, *y = b;
	if (x->v != y->v)
		return x->v > y->v ? -1 : 1;
	return strcmp(x->feature, y->feature);
}

static int
exec_importance(struct session *s, const struct ml_stmt *st, const struct ml_model *m, struct wb_error *err)
{
	if (need_supervised(m, "ML.FEATURE_IMPORTANCE", err) < 0)
		return -1;
	if (m->kind->importance == NULL) {
		err_set(err, st->pos, "model_type %s has no feature importance", m->model_type);
		return -1;
	}
	double *v = xcalloc((size_t)m->p, sizeof *v);
	m->kind->importance(m->impl, v);
	struct imp *im = xmalloc(sizeof *im * (size_t)m->p);
	for (int c = 0; c < m->nfeat; c++)
		for (int k = 0; k < m->feat[c].width; k++) {
			int j = m->feat[c].first + k;
			im[j] = (struct imp){m->fnames[j], m->feat[c].name, v[j]};
		}
	qsort(im, (size_t)m->p, sizeof *im, cmp_imp);
	static const char *const names[] = {"feature", "input", "importance"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_DOUBLE};
	struct rowset_builder rb;
	rsb_init(&rb, 3, names, types);
	for (int j = 0; j < m->p; j++) {
		rsb_str(&rb, 0, im[j].feature);
		rsb_str(&rb, 1, im[j].input);
		rsb_double(&rb, 2, im[j].v);
		rsb_end_row(&rb);
	}
	free(v);
	free(im);
	return rows_emit(s, &rb, err);
}

static int
exec_training_info(struct session *s, const struct ml_model *m, struct wb_error *err)
{
	static const char *const names[] = {"iteration", "loss", "eval_loss", "duration_ms"};
	static const wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE};
	struct rowset_builder rb;
	rsb_init(&rb, 4, names, types);
	for (int i = 0; i < m->nsteps; i++) {
		rsb_int(&rb, 0, m->steps[i].iteration);
		rsb_double(&rb, 1, m->steps[i].loss);
		if (isnan(m->steps[i].eval_loss))
			rsb_null(&rb, 2);
		else
			rsb_double(&rb, 2, m->steps[i].eval_loss);
		rsb_double(&rb, 3, m->steps[i].duration_ms);
		rsb_end_row(&rb);
	}
	return rows_emit(s, &rb, err);
}

static int
exec_weights(struct session *s, const struct ml_stmt *st, const struct ml_model *m, struct wb_error *err)
{
	if (need_supervised(m, "ML.WEIGHTS", err) < 0)
		return -1;
	if (m->kind->coefs == NULL || m->label.nclass > 2) {
		err_set(err, st->pos, "ML.WEIGHTS needs a linear model (linear_reg, binary logistic_reg); %s is %s",
		    m->name, m->model_type);
		err_hint(err, "ML.FEATURE_IMPORTANCE(MODEL %s) works for every kind", st->ref);
		return -1;
	}
	int p = m->p;
	double *est = xmalloc(sizeof *est * (size_t)(p + 1)), *se = xmalloc(sizeof *se * (size_t)(p + 1));
	ml_model_coefs(m, est, se);
	/* t for linear_reg (df = n - p - 1), z for logistic_reg, as R */
	bool z = m->label.nclass == 2;
	double df = (double)m->train_rows - (p + 1);
	static const char *const names[] = {"term", "weight", "std_error", "statistic", "p_value"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE,
	    WB_TYPE_DOUBLE};
	struct rowset_builder rb;
	rsb_init(&rb, 5, names, types);
	for (int j = 0; j <= p; j++) {
		rsb_str(&rb, 0, j == 0 ? "(Intercept)" : m->fnames[j - 1]);
		rsb_double(&rb, 1, est[j]);
		if (isnan(se[j])) {
			rsb_null(&rb, 2);
			rsb_null(&rb, 3);
			rsb_null(&rb, 4);
		} else {
			double t = est[j] / se[j];
			rsb_double(&rb, 2, se[j]);
			rsb_double(&rb, 3, t);
			rsb_double(&rb, 4, z ? erfc(fabs(t) / sqrt(2.0)) : stats_t_pvalue(t, df));
		}
		rsb_end_row(&rb);
	}
	free(est);
	free(se);
	return rows_emit(s, &rb, err);
}

/* ------------------------------------------------------------ ML.RECOMMEND */

static int
cmp_user(const void *a, const void *b, void *arg)
{
	char *const *users = arg;
	return strcmp(users[*(const int32_t *)a], users[*(const int32_t *)b]);
}

static int
exec_recommend(struct session *s, struct arena *a, const struct ml_stmt *st, const struct ml_model *m,
    struct wb_error *err)
{
	if (m->als == NULL) {
		err_set(err, st->pos, "ML.RECOMMEND needs an als model; %s is %s", m->name, m->model_type);
		return -1;
	}
	int64_t k = st->k;
	if (k == 0 && ml_opt_int(&st->opts, "k", 5, 1, 1000, &k, err) < 0)
		return -1;
	if (k < 1 || k > 1000) {
		err_set(err, st->pos, "ML.RECOMMEND: k = %lld is out of range 1..1000", (long long)k);
		return -1;
	}
	/* which users: the table's first column (or the model's user column), else all */
	int32_t *users = NULL;
	char **cold = NULL;
	int nreq = 0, ncold = 0;
	if (st->query != NULL) {
		int ncol;
		char **names;
		wb_type *types;
		if (input_columns(s, a, st->query, &ncol, &names, &types, err) < 0)
			return -1;
		int uc = find_name(ncol, names, m->user_col);
		if (uc < 0)
			uc = 0;
		struct ast_list items = {0};
		ast_list_add(a, &items, ast_mk_item(a, ast_mk_col(a, NULL, names[uc], st->pos), NULL));
		struct ast *q = ast_mk_select(a, ast_mk_derived(a, st->query, "__wb_u"), &items, NULL);
		struct binder b;
		struct pnode *p = stmt_plan_query(s, &b, a, q, err);
		if (p == NULL) {
			stmt_finish(s, &b, NULL);
			return -1;
		}
		enum stats_role role = STATS_FACTOR;
		struct stats_data d;
		if (stmt_read_columns(s, &b, p, &role, "ML.RECOMMEND", a, &d, err) < 0) {
			stmt_free_columns(&d);
			return -1;
		}
		const struct stats_column *c = &d.col[0];
		users = xmalloc(sizeof *users * (size_t)(c->nlevels ? c->nlevels : 1));
		cold = xmalloc(sizeof *cold * (size_t)(c->nlevels ? c->nlevels : 1));
		/* the model's users by text, for lookups */
		int32_t *byname = xmalloc(sizeof *byname * (size_t)(m->nusers ? m->nusers : 1));
		for (int u = 0; u < m->nusers; u++)
			byname[u] = u;
		qsort_r(byname, (size_t)m->nusers, sizeof *byname, cmp_user, m->users);
		for (int l = 0; l < c->nlevels; l++) {
			int found = -1, lo = 0, hi = m->nusers - 1;
			while (lo <= hi && found < 0) {
				int mid = (lo + hi) / 2, cmp = strcmp(c->labels[l], m->users[byname[mid]]);
				if (cmp == 0)
					found = byname[mid];
				else if (cmp < 0)
					hi = mid - 1;
				else
					lo = mid + 1;
			}
			if (found >= 0 && ml_als_known(m->als, found))
				users[nreq++] = found;
			else
				cold[ncold++] = xstrdup(c->labels[l]);
		}
		free(byname);
		stmt_free_columns(&d);
	} else {
		/* every user; those with no training interactions (all held out)
		 * have no factors and get the popular items, flagged */
		users = xmalloc(sizeof *users * (size_t)(m->nusers ? m->nusers : 1));
		cold = xmalloc(sizeof *cold * (size_t)(m->nusers ? m->nusers : 1));
		for (int u = 0; u < m->nusers; u++) {
			if (ml_als_known(m->als, u))
				users[nreq++] = u;
			else
				cold[ncold++] = xstrdup(m->users[u]);
		}
	}
	int64_t *off = xmalloc(sizeof *off * (size_t)(nreq + 1));
	int64_t tot = 0;
	for (int r = 0; r < nreq; r++) {
		off[r] = tot;
		tot += m->seen_off[users[r] + 1] - m->seen_off[users[r]];
	}
	off[nreq] = tot;
	int32_t *seen = xmalloc(sizeof *seen * (size_t)(tot ? tot : 1));
	for (int r = 0; r < nreq; r++)
		memcpy(seen + off[r], m->seen + m->seen_off[users[r]], sizeof *seen * (size_t)(off[r + 1] - off[r]));
	int32_t *items = xmalloc(sizeof *items * (size_t)(nreq ? nreq : 1) * (size_t)k);
	double *scores = xmalloc(sizeof *scores * (size_t)(nreq ? nreq : 1) * (size_t)k);
	ml_als_recommend_many(m->als, users, nreq, off, seen, (int)k, items, scores);
	static const char *const names[] = {"user", "item", "score", "rank", "cold_start"};
	wb_type types[] = {m->user_type, m->item_type, WB_TYPE_DOUBLE, WB_TYPE_BIGINT, WB_TYPE_BOOL};
	if (types[0] != WB_TYPE_BIGINT)
		types[0] = WB_TYPE_VARCHAR;
	if (types[1] != WB_TYPE_BIGINT)
		types[1] = WB_TYPE_VARCHAR;
	const char *cols[5] = {m->user_col, m->item_col, names[2], names[3], names[4]};
	struct rowset_builder rb;
	rsb_init(&rb, 5, cols, types);
#define PUT_ID(col, text) \
	do { \
		if (types[col] == WB_TYPE_BIGINT) \
			rsb_int(&rb, col, strtoll(text, NULL, 10)); \
		else \
			rsb_str(&rb, col, text); \
	} while (0)
	for (int r = 0; r < nreq; r++)
		for (int j = 0; j < k; j++) {
			int32_t it = items[(size_t)r * (size_t)k + (size_t)j];
			if (it < 0)
				break;
			PUT_ID(0, m->users[users[r]]);
			PUT_ID(1, m->items[it]);
			rsb_double(&rb, 2, scores[(size_t)r * (size_t)k + (size_t)j]);
			rsb_int(&rb, 3, j + 1);
			rsb_bool(&rb, 4, 0);
			rsb_end_row(&rb);
		}
	/* cold start: the most popular items, flagged */
	if (ncold > 0) {
		int got = ml_als_popular(m->als, NULL, 0, (int)k, items, scores);
		for (int c = 0; c < ncold; c++)
			for (int j = 0; j < got; j++) {
				PUT_ID(0, cold[c]);
				PUT_ID(1, m->items[items[j]]);
				rsb_double(&rb, 2, scores[j]);
				rsb_int(&rb, 3, j + 1);
				rsb_bool(&rb, 4, 1);
				rsb_end_row(&rb);
			}
	}
#undef PUT_ID
	for (int c = 0; c < ncold; c++)
		free(cold[c]);
	free(cold);
	free(users);
	free(off);
	free(seen);
	free(items);
	free(scores);
	return rows_emit(s, &rb, err);
}

int
ml_exec_fn(struct session *s, struct arena *a, struct ml_stmt *st, struct wb_error *err)
{
	struct ml_resolved r = {0};
	const struct ml_model *m = load_ref(s, st, &r, err);
	if (m == NULL)
		return -1;
	int rc;
	switch (st->kind) {
	case MLS_EVALUATE: rc = exec_evaluate(s, a, st, m, r.path, err); break;
	case MLS_CONFUSION: rc = exec_confusion(s, a, st, m, r.path, err); break;
	case MLS_ROC: rc = exec_roc(s, a, st, m, r.path, err); break;
	case MLS_IMPORTANCE: rc = exec_importance(s, st, m, err); break;
	case MLS_TRAINING_INFO: rc = exec_training_info(s, m, err); break;
	case MLS_WEIGHTS: rc = exec_weights(s, st, m, err); break;
	case MLS_RECOMMEND: rc = exec_recommend(s, a, st, m, err); break;
	default:
		err_set(err, st->pos, "ML.PREDICT stands in FROM: SELECT * FROM ML.PREDICT(MODEL %s, TABLE t)", st->ref);
		rc = -1;
	}
	ml_cache_release(m);
	ml_resolved_free(&r);
	return rc;
}
