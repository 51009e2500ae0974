/*
 * stmt_ml_track: run tracking and the model registry, in MLflow's file
 * store under <warehouse>/mlruns (ml/ml_track.h), and how model references
 * resolve.
 *
 * Every CREATE MODEL is a run in the current experiment (SET EXPERIMENT;
 * "Default" until then): params are the options as given, plus
 * model_type; metrics the held-out evaluation (step 0) and the training
 * loss per iteration (training_loss / eval_loss, one step each); tags the
 * user, the source (notebook file and line), wb's version, the model's
 * name, the training query and the Delta version of each table it reads
 * (wb.data.<table>.version) so the run can be reproduced with time
 * travel; artifacts the model file (model/model.wbm, with an MLmodel
 * description), feature_importance.csv and roc_curve.csv. A training that
 * fails ends its run FAILED with the error as the tag wb.error.
 *
 * A registered version's source is its run's artifacts/model folder, so
 * registered models outlive DROP MODEL.
 */
#include "config.h"
#include "cli/stmt_ml_int.h"
#include "ml/ml_track.h"
#include "ml/ml_yaml.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "store/delta/delta.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct ml_run_ctx {
	struct mlt_store *store;
	char *run_id, *exp_id;
};

struct mlt_store *
ml_track_store(struct session *s, struct wb_error *err)
{
	const char *wh = catalog_warehouse(s->catalog);
	if (wh == NULL) {
		err_set(err, -1, "run tracking needs a warehouse (wb --warehouse DIR)");
		return NULL;
	}
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s/mlruns", wh);
	struct mlt_store *st = mlt_open(sb_str(&sb), err);
	sb_free(&sb);
	return st;
}

static const char *
experiment_name(struct session *s)
{
	return s->ml_experiment ? s->ml_experiment : "Default";
}

const char *
ml_track_run_id(const struct ml_run_ctx *r)
{
	return r->run_id;
}

const char *
ml_track_experiment_id(const struct ml_run_ctx *r)
{
	return r->exp_id;
}

static void
run_free(struct ml_run_ctx *r)
{
	if (r == NULL)
		return;
	mlt_close(r->store);
	free(r->run_id);
	free(r->exp_id);
	free(r);
}

/* ------------------------------------------------------------ data versions */

struct versions {
	struct session *s;
	struct mlt_store *store;
	const char *run_id;
};

static void walk_rel(struct versions *v, struct ast *n);

static void
walk_query(struct versions *v, struct ast *q)
{
	if (q == NULL)
		return;
	if (q->kind == AST_QUERY) {
		for (int i = 0; i < q->u.query.with.n; i++)
			walk_query(v, q->u.query.with.v[i]->u.cte.query);
		walk_query(v, q->u.query.body);
	} else if (q->kind == AST_SELECT) {
		walk_rel(v, q->u.select.from);
	} else if (q->kind == AST_SETOP) {
		walk_query(v, q->u.setop.left);
		walk_query(v, q->u.setop.right);
	}
}

static void
walk_rel(struct versions *v, struct ast *n)
{
	if (n == NULL)
		return;
	switch (n->kind) {
	case AST_JOIN:
		walk_rel(v, n->u.join.left);
		walk_rel(v, n->u.join.right);
		break;
	case AST_DERIVED:
		walk_query(v, n->u.derived.query);
		break;
	case AST_TABLE: {
		struct wb_error e = WB_ERROR_INIT;
		char *dir = catalog_table_dir(v->s->catalog, n->u.table.name.parts, n->u.table.name.n, &e);
		if (dir != NULL && delta_table_exists(dir)) {
			int64_t ver = delta_latest_version(dir, &e);
			if (n->u.table.version && n->u.table.version->kind == AST_LITERAL)
				ver = n->u.table.version->u.lit.u.i;
			struct strbuf key = STRBUF_INIT;
			sb_puts(&key, "wb.data.");
			for (int i = 0; i < n->u.table.name.n; i++)
				sb_printf(&key, "%s%s", i ? "." : "", n->u.table.name.parts[i]);
			sb_puts(&key, ".version");
			char val[32];
			snprintf(val, sizeof val, "%lld", (long long)ver);
			if (ver >= 0)
				mlt_set_tag(v->store, v->run_id, sb_str(&key), val, &e);
			sb_free(&key);
		}
		err_clear(&e);
		free(dir);
		break;
	}
	default:
		break;
	}
}

/* ------------------------------------------------------------ runs of CREATE MODEL */

struct ml_run_ctx *
ml_track_start(struct session *s, const struct ml_stmt *st, const char *model_name, struct wb_error *err)
{
	struct ml_run_ctx *r = xcalloc(1, sizeof *r);
	r->store = ml_track_store(s, err);
	if (r->store == NULL || mlt_experiment_get_or_create(r->store, experiment_name(s), &r->exp_id, err) < 0)
		goto fail;
	const char *user = getenv("USER");
	struct strbuf src = STRBUF_INIT;
	if (s->source_name)
		sb_printf(&src, "%s:%d", s->source_name, s->source_line);
	else
		sb_puts(&src, "wb");
	int rc = mlt_run_create(r->store, r->exp_id, model_name, user && *user ? user : "wb", sb_str(&src),
	    mlt_now_ms(), &r->run_id, err);
	sb_free(&src);
	if (rc < 0)
		goto fail;
	for (int i = 0; i < st->opts.n; i++) {
		char *text = ml_opt_text(&st->opts.v[i]);
		rc = mlt_log_param(r->store, r->run_id, st->opts.v[i].key, text, err);
		free(text);
		if (rc < 0)
			goto fail;
	}
	if (mlt_set_tag(r->store, r->run_id, "wb.version", PACKAGE_VERSION, err) < 0 ||
	    mlt_set_tag(r->store, r->run_id, "wb.model", model_name, err) < 0 ||
	    mlt_set_tag(r->store, r->run_id, "wb.query", st->query_text ? st->query_text : "", err) < 0)
		goto fail;
	struct versions v = {.s = s, .store = r->store, .run_id = r->run_id};
	walk_query(&v, st->query);
	return r;
fail:
	if (r->run_id) {
		struct wb_error e2 = WB_ERROR_INIT;
		mlt_run_end(r->store, r->run_id, MLT_FAILED, mlt_now_ms(), &e2);
		err_clear(&e2);
	}
	run_free(r);
	return NULL;
}

static int
copy_file(const char *from, const char *to, struct wb_error *err)
{
	size_t n;
	char *data = ml_yaml_file_read(from, &n, NULL, err);
	if (data == NULL)
		return -1;
	int rc = ml_yaml_file_write(to, NULL, data, n, false, err);
	free(data);
	return rc < 0 ? -1 : 0;
}

static int
write_text(const char *path, const char *text, struct wb_error *err)
{
	return ml_yaml_file_write(path, NULL, text, strlen(text), false, err) < 0 ? -1 : 0;
}

static int
write_artifacts(struct ml_run_ctx *r, const struct ml_model *m, const char *model_file, struct wb_error *err)
{
	char *art = mlt_artifacts_dir(r->store, r->run_id, err);
	if (art == NULL)
		return -1;
	struct strbuf p = STRBUF_INIT, t = STRBUF_INIT;
	int rc = -1;
	sb_printf(&p, "%s/model", art);
	if (mlt_mkdirs(sb_str(&p), err) < 0)
		goto out;
	sb_puts(&p, "/model.wbm");
	if (copy_file(model_file, sb_str(&p), err) < 0)
		goto out;
	struct stat st;
	int64_t size = stat(model_file, &st) == 0 ? (int64_t)st.st_size : 0;
	sb_clear(&p);
	sb_printf(&p, "%s/model/MLmodel", art);
	sb_printf(&t, "artifact_path: model\nflavors:\n  wb:\n    data: model.wbm\n    model_type: %s\n"
	    "    wb_version: %s\nmodel_size_bytes: %lld\nrun_id: %s\n", m->model_type, PACKAGE_VERSION,
	    (long long)size, r->run_id);
	if (write_text(sb_str(&p), sb_str(&t), err) < 0)
		goto out;
	if (m->kind != NULL && m->kind->importance != NULL) {
		double *v = xcalloc((size_t)(m->p ? m->p : 1), sizeof *v);
		m->kind->importance(m->impl, v);
		sb_clear(&t);
		sb_puts(&t, "feature,importance\n");
		for (int j = 0; j < m->p; j++)
			sb_printf(&t, "\"%s\",%.17g\n", m->fnames[j], v[j]);
		free(v);
		sb_clear(&p);
		sb_printf(&p, "%s/feature_importance.csv", art);
		if (write_text(sb_str(&p), sb_str(&t), err) < 0)
			goto out;
	}
	if (m->roc.n > 0) {
		sb_clear(&t);
		sb_puts(&t, "threshold,recall,false_positive_rate,true_positives,false_positives,true_negatives,false_negatives\n");
		for (int i = 0; i < m->roc.n; i++) {
			double pos = (double)(m->roc.tp[i] + m->roc.fn[i]), neg = (double)(m->roc.fp[i] + m->roc.tn[i]);
			sb_printf(&t, "%.17g,%.17g,%.17g,%lld,%lld,%lld,%lld\n", m->roc.threshold[i],
			    pos > 0 ? (double)m->roc.tp[i] / pos : 0, neg > 0 ? (double)m->roc.fp[i] / neg : 0,
			    (long long)m->roc.tp[i], (long long)m->roc.fp[i], (long long)m->roc.tn[i],
			    (long long)m->roc.fn[i]);
		}
		sb_clear(&p);
		sb_printf(&p, "%s/roc_curve.csv", art);
		if (write_text(sb_str(&p), sb_str(&t), err) < 0)
			goto out;
	}
	rc = 0;
out:
	sb_free(&p);
	sb_free(&t);
	free(art);
	return rc;
}

int
ml_track_end(struct session *s, struct ml_run_ctx *r, const struct ml_model *m, const char *model_file,
    const struct wb_error *failure, struct wb_error *err)
{
	(void)s;
	int rc = 0;
	int64_t now = mlt_now_ms();
	if (m == NULL) {
		struct wb_error e2 = WB_ERROR_INIT;
		mlt_set_tag(r->store, r->run_id, "wb.error", failure && failure->msg[0] ? failure->msg : "failed", &e2);
		err_clear(&e2);
		rc = mlt_run_end(r->store, r->run_id, MLT_FAILED, now, err);
		run_free(r);
		return rc;
	}
	for (int i = 0; i < m->nmetrics && rc == 0; i++)
		if (isfinite(m->metrics[i].value))
			rc = mlt_log_metric(r->store, r->run_id, m->metrics[i].name, m->metrics[i].value, 0, now, err);
	for (int i = 0; i < m->nsteps && rc == 0; i++) {
		if (isfinite(m->steps[i].loss))
			rc = mlt_log_metric(r->store, r->run_id, "training_loss", m->steps[i].loss, m->steps[i].iteration, now,
			    err);
		if (rc == 0 && isfinite(m->steps[i].eval_loss))
			rc = mlt_log_metric(r->store, r->run_id, "eval_loss", m->steps[i].eval_loss, m->steps[i].iteration, now,
			    err);
	}
	char num[32];
	snprintf(num, sizeof num, "%lld", (long long)m->train_rows);
	if (rc == 0)
		rc = mlt_set_tag(r->store, r->run_id, "wb.training_rows", num, err);
	snprintf(num, sizeof num, "%lld", (long long)m->eval_rows);
	if (rc == 0)
		rc = mlt_set_tag(r->store, r->run_id, "wb.eval_rows", num, err);
	if (rc == 0)
		rc = write_artifacts(r, m, model_file, err);
	rc = mlt_run_end(r->store, r->run_id, rc == 0 ? MLT_FINISHED : MLT_FAILED, mlt_now_ms(), rc == 0 ? err : NULL)
	    < 0 || rc < 0 ? -1 : 0;
	run_free(r);
	return rc;
}

/* ------------------------------------------------------------ references */

/* A registered version's model file. */
static char *
version_file(const struct mlt_model_version *v)
{
	char *dir = mlt_uri_to_path(v->source);
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s/model.wbm", dir ? dir : v->source);
	free(dir);
	return sb_detach(&sb);
}

int
ml_resolve(struct session *s, const char *ref, int pos, struct ml_resolved *r, struct wb_error *err)
{
	memset(r, 0, sizeof *r);
	bool registry_only = strchr(ref, '@') != NULL || strchr(ref, '/') != NULL;
	if (!registry_only) {
		struct ast_name n = {0};
		char *copy = xstrdup(ref);
		for (char *p = copy, *tok; n.n < 4 && (tok = strsep(&p, ".")) != NULL;)
			n.parts[n.n++] = tok;
		struct wb_error e = WB_ERROR_INIT;
		char *path = ml_model_file(s, &n, &e);
		free(copy);
		if (path != NULL && access(path, F_OK) == 0) {
			r->path = path;
			r->display = xstrdup(ref);
			err_clear(&e);
			return 0;
		}
		free(path);
		err_clear(&e);
	}
	struct mlt_store *st = ml_track_store(s, err);
	if (st == NULL)
		return -1;
	struct mlt_model_version v = {0};
	struct wb_error e = WB_ERROR_INIT;
	int rc = mlt_model_resolve(st, ref, &v, &e);
	mlt_close(st);
	if (rc < 0) {
		if (registry_only) {
			err_set(err, pos, "%s", e.msg);
			err_hint(err, "SHOW MODEL VERSIONS name lists a registered model's versions and aliases");
		} else {
			err_set(err, pos, "model %s does not exist", ref);
			err_hint(err, "SHOW MODELS lists trained models; registered ones are used as name, name@alias or name/N");
		}
		err_clear(&e);
		return -1;
	}
	r->path = version_file(&v);
	struct strbuf d = STRBUF_INIT;
	sb_printf(&d, "%s/%d", v.name, v.version);
	r->display = sb_detach(&d);
	mlt_model_version_clear(&v);
	if (access(r->path, F_OK) != 0) {
		err_set(err, pos, "registered model %s points at %s, which is gone", r->display, r->path);
		err_hint(err, "the run may have been deleted; register another version");
		ml_resolved_free(r);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ statements */

static void
put_time(struct rowset_builder *rb, int col, int64_t ms)
{
	if (ms < 0)
		rsb_null(rb, col);
	else
		rsb_int(rb, col, ms * 1000);   /* TIMESTAMP: microseconds */
}

static int
show_experiments(struct session *s, struct mlt_store *st, struct wb_error *err)
{
	struct mlt_experiment *e;
	int n;
	if (mlt_experiments(st, MLT_ACTIVE, &e, &n, err) < 0)
		return -1;
	static const char *const names[] = {"experiment_id", "name", "runs", "created", "artifact_location",
	    "current"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_TIMESTAMP,
	    WB_TYPE_VARCHAR, WB_TYPE_BOOL};
	struct rowset_builder rb;
	rsb_init(&rb, 6, names, types);
	for (int i = 0; i < n; i++) {
		struct mlt_run *runs = NULL;
		int nr = 0;
		struct wb_error e2 = WB_ERROR_INIT;
		mlt_runs(st, e[i].experiment_id, MLT_ACTIVE, &runs, &nr, &e2);
		err_clear(&e2);
		mlt_runs_free(runs, nr);
		rsb_str(&rb, 0, e[i].experiment_id);
		rsb_str(&rb, 1, e[i].name);
		rsb_int(&rb, 2, nr);
		put_time(&rb, 3, e[i].creation_time);
		rsb_str(&rb, 4, e[i].artifact_location ? e[i].artifact_location : "");
		rsb_bool(&rb, 5, strcmp(e[i].name, experiment_name(s)) == 0);
		rsb_end_row(&rb);
	}
	mlt_experiments_free(e, n);
	return rows_emit(s, &rb, err);
}

/* Column names "params.x", "metrics.y", "tags.z" over all runs, sorted. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **
key_union(const struct mlt_run *runs, int n, int which, int *count)
{
	char **v = NULL;
	size_t k = 0, cap = 0;
	for (int i = 0; i < n; i++) {
		int m = which == 0 ? runs[i].nparams : runs[i].nmetrics;
		for (int j = 0; j < m; j++) {
			const char *key = which == 0 ? runs[i].params[j].key : runs[i].metrics[j].key;
			bool dup = false;
			for (size_t q = 0; q < k && !dup; q++)
				dup = strcmp(v[q], key) == 0;
			if (!dup) {
				v = xgrow(v, &cap, k + 1, sizeof *v);
				v[k++] = xstrdup(key);
			}
		}
	}
	if (k > 1)      /* v is NULL when no run has any */
		qsort(v, k, sizeof *v, cmp_str);
	*count = (int)k;
	return v;
}

static const char *
param_of(const struct mlt_run *r, const char *key)
{
	for (int j = 0; j < r->nparams; j++)
		if (strcmp(r->params[j].key, key) == 0)
			return r->params[j].value;
	return NULL;
}

static const struct mlt_metric *
metric_of(const struct mlt_run *r, const char *key)
{
	for (int j = 0; j < r->nmetrics; j++)
		if (strcmp(r->metrics[j].key, key) == 0)
			return &r->metrics[j];
	return NULL;
}

/* The runs as a table: fixed columns, then params.*, then metrics.*. */
static struct rowset *
runs_table(const struct mlt_run *runs, int n)
{
	int np, nm;
	char **pk = key_union(runs, n, 0, &np), **mk = key_union(runs, n, 1, &nm);
	int fixed = 7, nc = fixed + np + nm;
	const char **names = xmalloc(sizeof *names * (size_t)nc);
	wb_type *types = xmalloc(sizeof *types * (size_t)nc);
	static const char *const fx[] = {"run_id", "experiment", "run_name", "status", "start_time", "duration_s",
	    "user"};
	static const wb_type ft[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR,
	    WB_TYPE_TIMESTAMP, WB_TYPE_DOUBLE, WB_TYPE_VARCHAR};
	struct strbuf sb = STRBUF_INIT;
	char **own = xmalloc(sizeof *own * (size_t)(np + nm + 1));
	for (int i = 0; i < fixed; i++) {
		names[i] = fx[i];
		types[i] = ft[i];
	}
	for (int i = 0; i < np; i++) {
		sb_clear(&sb);
		sb_printf(&sb, "params.%s", pk[i]);
		own[i] = xstrdup(sb_str(&sb));
		names[fixed + i] = own[i];
		types[fixed + i] = WB_TYPE_VARCHAR;
	}
	for (int i = 0; i < nm; i++) {
		sb_clear(&sb);
		sb_printf(&sb, "metrics.%s", mk[i]);
		own[np + i] = xstrdup(sb_str(&sb));
		names[fixed + np + i] = own[np + i];
		types[fixed + np + i] = WB_TYPE_DOUBLE;
	}
	sb_free(&sb);
	struct rowset_builder rb;
	rsb_init(&rb, nc, names, types);
	for (int i = 0; i < n; i++) {
		const struct mlt_run *r = &runs[i];
		rsb_str(&rb, 0, r->run_id);
		rsb_str(&rb, 1, r->experiment_name ? r->experiment_name : r->experiment_id);
		if (r->run_name)
			rsb_str(&rb, 2, r->run_name);
		else
			rsb_null(&rb, 2);
		rsb_str(&rb, 3, r->status);
		put_time(&rb, 4, r->start_time);
		if (r->start_time >= 0 && r->end_time >= 0)
			rsb_double(&rb, 5, (double)(r->end_time - r->start_time) / 1000.0);
		else
			rsb_null(&rb, 5);
		if (r->user_id)
			rsb_str(&rb, 6, r->user_id);
		else
			rsb_null(&rb, 6);
		for (int j = 0; j < np; j++) {
			const char *v = param_of(r, pk[j]);
			if (v)
				rsb_str(&rb, fixed + j, v);
			else
				rsb_null(&rb, fixed + j);
		}
		for (int j = 0; j < nm; j++) {
			const struct mlt_metric *v = metric_of(r, mk[j]);
			if (v)
				rsb_double(&rb, fixed + np + j, v->value);
			else
				rsb_null(&rb, fixed + np + j);
		}
		rsb_end_row(&rb);
	}
	struct rowset *rs = rsb_finish(&rb);
	for (int i = 0; i < np; i++)
		free(pk[i]);
	for (int i = 0; i < nm; i++)
		free(mk[i]);
	for (int i = 0; i < np + nm; i++)
		free(own[i]);
	free(own);
	free(pk);
	free(mk);
	free(names);
	free(types);
	return rs;
}

/* metrics.auc -> the column "metrics.auc" (params., tags. too). */
static void
rename_refs(struct arena *a, struct ast *e)
{
	if (e == NULL)
		return;
	switch (e->kind) {
	case AST_COLREF:
		if (e->u.name.n == 2 && (strcasecmp(e->u.name.parts[0], "metrics") == 0 ||
		    strcasecmp(e->u.name.parts[0], "params") == 0 || strcasecmp(e->u.name.parts[0], "tags") == 0)) {
			e->u.name.parts[0] = arena_printf(a, "%s.%s", e->u.name.parts[0], e->u.name.parts[1]);
			for (char *c = e->u.name.parts[0]; *c != '.'; c++)
				*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
			e->u.name.n = 1;
		}
		break;
	case AST_UNARY: rename_refs(a, e->u.unary.arg); break;
	case AST_BINARY:
		rename_refs(a, e->u.binary.left);
		rename_refs(a, e->u.binary.right);
		break;
	case AST_FUNC:
		for (int i = 0; i < e->u.func.args.n; i++)
			rename_refs(a, e->u.func.args.v[i]);
		break;
	case AST_CASE:
		rename_refs(a, e->u.kase.operand);
		for (int i = 0; i < e->u.kase.whens.n; i++) {
			rename_refs(a, e->u.kase.whens.v[i]->u.when.cond);
			rename_refs(a, e->u.kase.whens.v[i]->u.when.then);
		}
		rename_refs(a, e->u.kase.els);
		break;
	case AST_CAST: rename_refs(a, e->u.cast.arg); break;
	case AST_IN:
		rename_refs(a, e->u.in.arg);
		for (int i = 0; i < e->u.in.list.n; i++)
			rename_refs(a, e->u.in.list.v[i]);
		break;
	case AST_BETWEEN:
		rename_refs(a, e->u.between.arg);
		rename_refs(a, e->u.between.lo);
		rename_refs(a, e->u.between.hi);
		break;
	case AST_LIKE:
		rename_refs(a, e->u.like.arg);
		rename_refs(a, e->u.like.pattern);
		break;
	case AST_IS:
		rename_refs(a, e->u.is.arg);
		rename_refs(a, e->u.is.other);
		break;
	default:
		break;
	}
}

/* A rowset as a FROM source: an extension node whose "statement" emits it. */
static int
emit_rowset(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	(void)a;
	return session_emit(s, data, err);
}

static const struct stmt_ext rowset_source = {
	.word = "SHOW", .words2 = "RUNS", .exec = (void *)emit_rowset, .query = true,
};

static int
show_runs(struct session *s, struct arena *a, struct ml_stmt *stm, struct mlt_store *st, struct wb_error *err)
{
	char *exp_id = NULL;
	if (stm->experiment != NULL) {
		struct mlt_experiment e = {0};
		int found = mlt_experiment_by_name(st, stm->experiment, &e, err);
		if (found <= 0) {
			if (found == 0)
				err_set(err, stm->pos, "experiment %s does not exist", stm->experiment);
			err_hint(err, "SHOW EXPERIMENTS lists them");
			return -1;
		}
		exp_id = xstrdup(e.experiment_id);
		mlt_experiment_clear(&e);
	}
	struct mlt_run *runs;
	int n;
	int rc = mlt_runs(st, exp_id, MLT_ACTIVE, &runs, &n, err);
	free(exp_id);
	if (rc < 0)
		return -1;
	struct rowset *rs = runs_table(runs, n);
	mlt_runs_free(runs, n);
	if (stm->where == NULL && stm->norder == 0 && stm->limit < 0) {
		rc = session_emit(s, rs, err);
		rowset_free(rs);
		return rc;
	}
	/* SELECT * FROM (runs) WHERE ... ORDER BY ... LIMIT n */
	struct ast *ext = ast_new(a, AST_EXT, stm->pos);
	ext->u.ext.ext = &rowset_source;
	ext->u.ext.data = rs;
	struct ast *inner = ast_new(a, AST_QUERY, stm->pos);
	inner->u.query.body = ext;
	struct ast_list items = {0};
	ast_list_add(a, &items, ast_mk_item(a, ast_new(a, AST_STAR, stm->pos), NULL));
	rename_refs(a, stm->where);
	struct ast *q = ast_mk_select(a, ast_mk_derived(a, inner, "runs"), &items, stm->where);
	for (int i = 0; i < stm->norder; i++) {
		struct ast *o = ast_new(a, AST_ORDER_ITEM, stm->pos);
		rename_refs(a, stm->order[i].expr);
		o->u.order.expr = stm->order[i].expr;
		o->u.order.desc = stm->order[i].desc;
		o->u.order.nulls_first = -1;
		ast_list_add(a, &q->u.query.order, o);
	}
	if (stm->limit >= 0)
		q->u.query.limit = ast_mk_int(a, stm->limit, stm->pos);
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	struct rowset *out = NULL;
	rc = p != NULL ? stmt_collect(s, p, &out, err) : -1;
	stmt_finish(s, &b, p);
	if (rc == 0)
		rc = session_emit(s, out, err);
	if (rc < 0 && err->msg[0] && strstr(err->msg, "not found"))
		err_hint(err, "columns are run_id, run_name, status, ..., params.<name>, metrics.<name> (SHOW RUNS lists them)");
	rowset_free(out);
	rowset_free(rs);
	return rc;
}

/* The run with id: 0, or -1 with err set (a run that does not exist, too). */
static int
get_run(struct mlt_store *st, const char *id, int pos, struct mlt_run *r, struct wb_error *err)
{
	int found = mlt_run_get(st, id, r, err);
	if (found == 0) {
		err_set(err, pos, "run %s does not exist", id);
		err_hint(err, "SHOW RUNS lists them");
	}
	return found > 0 ? 0 : -1;
}

static int
compare_runs(struct session *s, struct ml_stmt *stm, struct mlt_store *st, struct wb_error *err)
{
	int n = stm->nruns;
	if (n < 2) {
		err_set(err, stm->pos, "COMPARE RUNS takes two or more run ids");
		return -1;
	}
	struct mlt_run *runs = xcalloc((size_t)n, sizeof *runs);
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++)
		rc = get_run(st, stm->run_ids[i], stm->pos, &runs[i], err);
	if (rc < 0) {
		mlt_runs_free(runs, n);
		return -1;
	}
	int np, nm;
	char **pk = key_union(runs, n, 0, &np), **mk = key_union(runs, n, 1, &nm);
	/* rows: kind, key, one column per run, differs */
	int nc = 3 + n;
	const char **names = xmalloc(sizeof *names * (size_t)nc);
	wb_type *types = xmalloc(sizeof *types * (size_t)nc);
	char **own = xmalloc(sizeof *own * (size_t)n);
	names[0] = "kind";
	names[1] = "key";
	types[0] = types[1] = WB_TYPE_VARCHAR;
	for (int i = 0; i < n; i++) {
		/* the run's name and a short id */
		struct strbuf sb = STRBUF_INIT;
		sb_printf(&sb, "%s (%.8s)", runs[i].run_name ? runs[i].run_name : "run", runs[i].run_id);
		own[i] = sb_detach(&sb);
		names[2 + i] = own[i];
		types[2 + i] = WB_TYPE_VARCHAR;
	}
	names[2 + n] = "differs";
	types[2 + n] = WB_TYPE_BOOL;
	struct rowset_builder rb;
	rsb_init(&rb, nc, names, types);
	for (int which = 0; which < 2; which++) {
		int nk = which == 0 ? np : nm;
		char **keys = which == 0 ? pk : mk;
		for (int k = 0; k < nk; k++) {
			rsb_str(&rb, 0, which == 0 ? "param" : "metric");
			rsb_str(&rb, 1, keys[k]);
			/* differs compares the whole values (not what is shown) */
			bool differs = false, first_has = false;
			const char *first = NULL;
			const struct mlt_metric *first_m = NULL;
			for (int i = 0; i < n; i++) {
				char buf[64];
				const char *v;
				const struct mlt_metric *mt = NULL;
				if (which == 0) {
					v = param_of(&runs[i], keys[k]);
				} else {
					mt = metric_of(&runs[i], keys[k]);
					if (mt)
						mlt_format_float(mt->value, buf);   /* as MLflow stores it */
					v = mt ? buf : NULL;
				}
				if (v)
					rsb_str(&rb, 2 + i, v);
				else
					rsb_null(&rb, 2 + i);
				if (i == 0) {
					first_has = v != NULL;
					first = which == 0 ? v : NULL;
					first_m = mt;
				} else if ((v != NULL) != first_has) {
					differs = true;
				} else if (v != NULL && which == 0) {
					differs |= strcmp(first, v) != 0;
				} else if (v != NULL) {
					differs |= !(mt->value == first_m->value || (isnan(mt->value) && isnan(first_m->value)));
				}
			}
			rsb_bool(&rb, 2 + n, differs);
			rsb_end_row(&rb);
		}
	}
	for (int i = 0; i < np; i++)
		free(pk[i]);
	for (int i = 0; i < nm; i++)
		free(mk[i]);
	free(pk);
	free(mk);
	rc = rows_emit(s, &rb, err);
	for (int i = 0; i < n; i++)
		free(own[i]);
	free(own);
	free(names);
	free(types);
	mlt_runs_free(runs, n);
	return rc;
}

static int
register_model(struct session *s, struct arena *a, struct ml_stmt *stm, struct mlt_store *st, struct wb_error *err)
{
	char *run_id = NULL;
	if (stm->run_query != NULL) {
		/* FROM RUN (query): its first value */
		struct binder b;
		struct pnode *p = stmt_plan_query(s, &b, a, stm->run_query, err);
		struct rowset *rs = NULL;
		int rc = p != NULL ? stmt_collect(s, p, &rs, err) : -1;
		stmt_finish(s, &b, p);
		if (rc == 0 && (rs->nrows == 0 || rs->types[0] != WB_TYPE_VARCHAR ||
		    vec_is_null(&rs->chunks[0].cols[0], 0))) {
			err_set(err, stm->pos, "REGISTER MODEL FROM RUN (query): the query gave %s",
			    rs->nrows == 0 ? "no rows" : "no run id (a VARCHAR) in its first column");
			err_hint(err, "e.g. (SELECT run_id FROM (SHOW RUNS) ORDER BY \"metrics.roc_auc\" DESC LIMIT 1)");
			rc = -1;
		}
		if (rc == 0) {
			wb_str id = vec_str_at(&rs->chunks[0].cols[0], 0);
			run_id = xmalloc(id.n + 1);
			memcpy(run_id, id.p, id.n);
			run_id[id.n] = '\0';
		}
		rowset_free(rs);
		if (rc < 0)
			return -1;
	} else if (stm->experiment != NULL) {
		run_id = xstrdup(stm->experiment);    /* FROM RUN id */
	} else {
		struct strbuf ref = STRBUF_INIT;
		for (int i = 0; i < stm->name.n; i++)
			sb_printf(&ref, "%s%s", i ? "." : "", stm->name.parts[i]);
		char *path = ml_model_file(s, &stm->name, err);
		if (path == NULL || access(path, F_OK) != 0) {
			if (path != NULL) {
				err_set(err, stm->pos, "model %s does not exist", sb_str(&ref));
				err_hint(err, "SHOW MODELS lists trained models");
			}
			free(path);
			sb_free(&ref);
			return -1;
		}
		const struct ml_model *m = ml_cache_acquire(path, err);
		free(path);
		if (m == NULL) {
			sb_free(&ref);
			return -1;
		}
		if (m->run_id)
			run_id = xstrdup(m->run_id);
		ml_cache_release(m);
		if (run_id == NULL) {
			err_set(err, stm->pos, "model %s was trained without a run to register", sb_str(&ref));
			sb_free(&ref);
			return -1;
		}
		sb_free(&ref);
	}
	struct mlt_run r = {0};
	if (get_run(st, run_id, stm->pos, &r, err) < 0) {
		free(run_id);
		return -1;
	}
	char *art = mlt_uri_to_path(r.artifact_uri);
	struct strbuf src = STRBUF_INIT, file = STRBUF_INIT;
	sb_printf(&src, "%s/model", r.artifact_uri);
	sb_printf(&file, "%s/model/model.wbm", art ? art : "");
	int rc = -1;
	if (access(sb_str(&file), F_OK) != 0) {
		err_set(err, stm->pos, "run %s has no wb model artifact (model/model.wbm)", run_id);
	} else {
		int version;
		rc = mlt_model_register(st, stm->target, run_id, sb_str(&src), &version, err);
		if (rc == 0)
			session_message(s, "registered model %s version %d (run %s)", stm->target, version, run_id);
	}
	free(art);
	sb_free(&src);
	sb_free(&file);
	mlt_run_clear(&r);
	free(run_id);
	return rc;
}

static int
show_versions(struct session *s, struct ml_stmt *stm, struct mlt_store *st, struct wb_error *err)
{
	struct mlt_model_version *v;
	int n;
	if (mlt_model_versions(st, stm->target, &v, &n, err) < 0)
		return -1;
	static const char *const names[] = {"name", "version", "aliases", "run_id", "created", "status", "source"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR,
	    WB_TYPE_TIMESTAMP, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
	struct rowset_builder rb;
	rsb_init(&rb, 7, names, types);
	for (int i = 0; i < n; i++) {
		struct strbuf al = STRBUF_INIT;
		for (int k = 0; k < v[i].naliases; k++)
			sb_printf(&al, "%s%s", k ? ", " : "", v[i].aliases[k]);
		rsb_str(&rb, 0, v[i].name);
		rsb_int(&rb, 1, v[i].version);
		rsb_str(&rb, 2, sb_str(&al));
		if (v[i].run_id)
			rsb_str(&rb, 3, v[i].run_id);
		else
			rsb_null(&rb, 3);
		put_time(&rb, 4, v[i].creation_timestamp);
		rsb_str(&rb, 5, v[i].status ? v[i].status : "");
		rsb_str(&rb, 6, v[i].source ? v[i].source : "");
		rsb_end_row(&rb);
		sb_free(&al);
	}
	mlt_model_versions_free(v, n);
	return rows_emit(s, &rb, err);
}

int
ml_exec_track(struct session *s, struct arena *a, struct ml_stmt *stm, struct wb_error *err)
{
	struct mlt_store *st = ml_track_store(s, err);
	if (st == NULL)
		return -1;
	int rc = -1;
	switch (stm->kind) {
	case MLS_SET_EXPERIMENT: {
		char *id = NULL;
		rc = mlt_experiment_get_or_create(st, stm->experiment, &id, err);
		if (rc == 0) {
			free(s->ml_experiment);
			s->ml_experiment = xstrdup(stm->experiment);
			session_message(s, "experiment %s (id %s): runs of CREATE MODEL are logged there", stm->experiment, id);
		}
		free(id);
		break;
	}
	case MLS_SHOW_EXPERIMENTS: rc = show_experiments(s, st, err); break;
	case MLS_SHOW_RUNS: rc = show_runs(s, a, stm, st, err); break;
	case MLS_COMPARE_RUNS: rc = compare_runs(s, stm, st, err); break;
	case MLS_DELETE_RUN:
		rc = 0;
		for (int i = 0; i < stm->nruns && rc == 0; i++) {
			rc = mlt_run_delete(st, stm->run_ids[i], err);
			if (rc == 0)
				session_message(s, "run %s deleted with its artifacts", stm->run_ids[i]);
		}
		break;
	case MLS_REGISTER: rc = register_model(s, a, stm, st, err); break;
	case MLS_SHOW_VERSIONS: rc = show_versions(s, stm, st, err); break;
	case MLS_SET_ALIAS:
		if (stm->version == 0) {
			/* no VERSION: the latest */
			struct mlt_model_version v = {0};
			rc = mlt_model_resolve(st, stm->target, &v, err);
			stm->version = v.version;
			mlt_model_version_clear(&v);
			if (rc < 0)
				break;
		}
		rc = mlt_model_set_alias(st, stm->target, stm->alias, (int)stm->version, err);
		if (rc == 0)
			session_message(s, "%s@%s is version %lld", stm->target, stm->alias, (long long)stm->version);
		break;
	case MLS_DROP_ALIAS:
		rc = mlt_model_delete_alias(st, stm->target, stm->alias, err);
		break;
	default:
		err_set(err, stm->pos, "not an ML tracking statement");
		break;
	}
	mlt_close(st);
	return rc;
}
