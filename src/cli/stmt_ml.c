/*
 * stmt_ml: the executor of the ML statements (ml/ml_stmt.h) - models in
 * the warehouse, CREATE MODEL, DROP / SHOW / DESCRIBE MODEL - and their
 * registration with the parser.
 *
 * A model made by CREATE MODEL [schema.]name lives beside the schema's
 * tables as <warehouse>/main/<schema>/_models/<name>.wbm (ml_model.h says
 * what the file holds); '_' folders are not tables, so listings skip it.
 * Every CREATE MODEL is also a tracked run (stmt_ml_track.c) whose
 * artifacts hold a copy of the model, which registered versions point at.
 */
#include "cli/stmt_ml_int.h"
#include "core/datetime.h"
#include "ml/ml_als.h"
#include "ml/ml_train.h"
#include "core/progress.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "func/func.h"
#include "store/lake/lake.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern const struct scalar_fn ml_predict_fn;

/* ------------------------------------------------------------ where models live */

static char *
models_dir_of(const char *table_dir, const char **base)
{
	const char *slash = strrchr(table_dir, '/');
	*base = slash ? slash + 1 : table_dir;
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%.*s/_models", (int)(slash ? slash - table_dir : 0), table_dir);
	return sb_detach(&sb);
}

char *
ml_model_file(struct session *s, const struct ast_name *n, struct wb_error *err)
{
	/* the name becomes a file name (no directories, no hidden files) and
	 * is written in references, which split at '.', '@' and '/' */
	const char *last = n->n > 0 ? n->parts[n->n - 1] : "";
	if (last[0] == '\0' || strpbrk(last, "./\\@") != NULL) {
		err_set(err, -1, "\"%s\" cannot name a model", last);
		err_hint(err, "a model's name has no '.', '/', '\\' or '@'");
		return NULL;
	}
	char *dir = catalog_table_dir(s->catalog, (char *const *)n->parts, n->n, err);
	if (dir == NULL)
		return NULL;
	const char *base;
	char *mdir = models_dir_of(dir, &base);
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s/%s.wbm", mdir, base);
	free(mdir);
	free(dir);
	return sb_detach(&sb);
}

static bool
file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static char *
name_text(const struct ast_name *n)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < n->n; i++)
		sb_printf(&sb, "%s%s", i ? "." : "", n->parts[i]);
	return sb_detach(&sb);
}

void
ml_resolved_free(struct ml_resolved *r)
{
	free(r->path);
	free(r->display);
	memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------ CREATE MODEL */

/* Training progress on the terminal: a bar over iterations or trees. */
struct train_progress {
	pthread_mutex_t mu;     /* forests report from several threads */
	struct progress *bar;
	const char *label;
	int64_t last_total, last_done;
};

static void
on_progress(void *arg, int64_t done, int64_t total, const char *unit)
{
	struct train_progress *tp = arg;
	pthread_mutex_lock(&tp->mu);
	if (tp->bar == NULL || tp->last_total != total) {
		progress_free(tp->bar);
		tp->bar = progress_new(tp->label, total);
		progress_set_unit(tp->bar, unit);
		tp->last_total = total;
		tp->last_done = 0;
	}
	if (done > tp->last_done) {
		progress_add(tp->bar, done - tp->last_done);
		tp->last_done = done;
	}
	pthread_mutex_unlock(&tp->mu);
}

static int
print_model_summary(struct session *s, const char *name, const struct ml_model *m)
{
	struct strbuf sb = STRBUF_INIT;
	if (m->als)
		sb_printf(&sb, "model %s: als on %lld interactions", name, (long long)m->train_rows);
	else
		sb_printf(&sb, "model %s: %s on %lld rows, %d feature%s", name, m->model_type, (long long)m->train_rows,
		    m->p, m->p == 1 ? "" : "s");
	if (m->eval_rows > 0)
		sb_printf(&sb, ", %lld held out", (long long)m->eval_rows);
	for (int i = 0; i < m->nmetrics && i < 8; i++)
		sb_printf(&sb, "%s%s %.4g", i ? ", " : "; ", m->metrics[i].name, m->metrics[i].value);
	if (m->run_id)
		sb_printf(&sb, " (run %s)", m->run_id);
	session_message(s, "%s", sb_str(&sb));
	for (int i = 0; i < m->nnotes; i++)
		session_message(s, "  %s", m->notes[i]);
	sb_free(&sb);
	return 0;
}

static void
record_options(struct ml_model *m, const struct ml_opts *o)
{
	m->nopts = o->n;
	m->opt_keys = xcalloc((size_t)(o->n ? o->n : 1), sizeof(char *));
	m->opt_vals = xcalloc((size_t)(o->n ? o->n : 1), sizeof(char *));
	for (int i = 0; i < o->n; i++) {
		m->opt_keys[i] = xstrdup(o->v[i].key);
		m->opt_vals[i] = ml_opt_text(&o->v[i]);
	}
}

static int
exec_create(struct session *s, struct arena *a, struct ml_stmt *st, struct wb_error *err)
{
	char *path = ml_model_file(s, &st->name, err);
	if (path == NULL) {
		err_at(err, st->pos);
		return -1;
	}
	char *name = name_text(&st->name);
	int rc = -1;
	struct ml_run_ctx *run = NULL;
	struct ml_model *m = NULL;
	struct ml_plan plan = {0};
	struct stats_data d = {0};
	struct ml_eval ev = {0};
	struct ml_log log;
	ml_log_init(&log);
	if (file_exists(path) && !st->or_replace) {
		if (st->if_not_exists) {
			session_message(s, "model %s exists; left as it is", name);
			rc = 0;
		} else {
			err_set(err, st->pos, "model %s already exists", name);
			err_hint(err, "CREATE OR REPLACE MODEL %s ... replaces it", name);
		}
		goto out;
	}
	for (int i = 0; i < st->opts.n; i++)
		st->opts.v[i].used = false;
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, st->query, err);
	if (p == NULL) {
		stmt_finish(s, &b, NULL);
		goto out;
	}
	if (ml_train_plan(&plan, &st->opts, p->ncol, p->names, p->types, err) < 0) {
		stmt_finish(s, &b, p);
		goto out;
	}
	run = ml_track_start(s, st, name, err);
	if (run == NULL && err_isset(err)) {
		stmt_finish(s, &b, p);
		goto out;
	}
	if (stmt_read_columns(s, &b, p, plan.roles, "CREATE MODEL", a, &d, err) < 0)
		goto failed;
	struct train_progress tp = {.mu = PTHREAD_MUTEX_INITIALIZER, .label = name};
	if (s->interactive || isatty(2)) {
		log.progress = on_progress;
		log.progress_arg = &tp;
	}
	log.cancel = (volatile int *)&s->cancel;
	m = ml_train_run(&plan, &d, &log, &ev, err);
	progress_free(tp.bar);
	if (m == NULL)
		goto failed;
	m->name = xstrdup(name);
	m->created_ms = dt_now_ms();
	m->eval_query = xstrdup(st->query_text ? st->query_text : "");
	record_options(m, &st->opts);
	if (run != NULL) {
		m->run_id = xstrdup(ml_track_run_id(run));
		m->experiment_id = xstrdup(ml_track_experiment_id(run));
	}
	/* the model file, then the run that points at it */
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	rc = lake_mkdirs(dir, err);
	free(dir);
	if (rc == 0)
		rc = ml_model_save(m, path, err);
	if (rc < 0)
		goto failed;
	if (run != NULL) {
		rc = ml_track_end(s, run, m, path, NULL, err);
		run = NULL;
		if (rc < 0)
			goto out;
	}
	print_model_summary(s, name, m);
	rc = 0;
	goto out;
failed:
	rc = -1;
	if (run != NULL) {
		struct wb_error e2 = WB_ERROR_INIT;
		ml_track_end(s, run, NULL, NULL, err, &e2);
		err_clear(&e2);
		run = NULL;
	}
out:
	ml_eval_free(&ev);
	ml_log_free(&log);
	stmt_free_columns(&d);
	ml_plan_free(&plan);
	ml_model_free(m);
	free(name);
	free(path);
	if (rc < 0)
		err_at(err, st->pos);
	return rc;
}

/* ------------------------------------------------------------ DROP / SHOW / DESCRIBE */

static int
exec_drop(struct session *s, struct ml_stmt *st, struct wb_error *err)
{
	char *path = ml_model_file(s, &st->name, err);
	if (path == NULL)
		return -1;
	char *name = name_text(&st->name);
	int rc = 0;
	if (!file_exists(path)) {
		if (!st->if_exists) {
			err_set(err, st->pos, "model %s does not exist", name);
			err_hint(err, "SHOW MODELS lists them");
			rc = -1;
		}
	} else if (unlink(path) < 0) {
		err_set(err, st->pos, "cannot remove model %s (%s): %s", name, path, strerror(errno));
		rc = -1;
	} else {
		session_message(s, "model %s dropped (its runs stay in the experiment)", name);
	}
	free(name);
	free(path);
	return rc;
}

static const char *
primary_metric(const struct ml_model *m, double *v)
{
	static const char *const prefer[] = {"roc_auc", "r2_score", "accuracy", "recall_at_5", "root_mean_squared_error",
	    NULL};
	for (int k = 0; prefer[k]; k++)
		for (int i = 0; i < m->nmetrics; i++)
			if (strcmp(m->metrics[i].name, prefer[k]) == 0) {
				*v = m->metrics[i].value;
				return prefer[k];
			}
	if (m->nmetrics > 0) {
		*v = m->metrics[0].value;
		return m->metrics[0].name;
	}
	return NULL;
}

struct show_ctx {
	struct session *s;
	struct rowset_builder *rb;
	const char *only;
};

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct schema_list {
	char **v;
	int n;
	size_t cap;
};

static void
collect_schema(void *arg, const char *catalog, const char *schema)
{
	(void)catalog;
	struct schema_list *l = arg;
	l->v = xgrow(l->v, &l->cap, (size_t)l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrdup(schema);
}


static void
show_schema(void *arg, const char *catalog, const char *schema)
{
	struct show_ctx *c = arg;
	if (c->only && strcasecmp(c->only, schema) != 0)
		return;
	struct ast_name n = {2, {(char *)schema, "x"}};
	struct wb_error e = WB_ERROR_INIT;
	char *dir = catalog_table_dir(c->s->catalog, n.parts, 2, &e);
	err_clear(&e);
	if (dir == NULL)
		return;
	const char *base;
	char *mdir = models_dir_of(dir, &base);
	free(dir);
	DIR *d = opendir(mdir);
	if (d == NULL) {
		free(mdir);
		return;
	}
	char **names = NULL;
	size_t nn = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len > 4 && strcmp(de->d_name + len - 4, ".wbm") == 0) {
			names = xgrow(names, &cap, nn + 1, sizeof *names);
			names[nn++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, nn, sizeof *names, cmp_names);
	for (size_t i = 0; i < nn; i++) {
		struct strbuf p = STRBUF_INIT;
		sb_printf(&p, "%s/%s", mdir, names[i]);
		const struct ml_model *m = ml_cache_acquire(sb_str(&p), &e);
		names[i][strlen(names[i]) - 4] = '\0';
		rsb_str(c->rb, 0, catalog);
		rsb_str(c->rb, 1, schema);
		rsb_str(c->rb, 2, names[i]);
		if (m == NULL) {
			rsb_str(c->rb, 3, "(unreadable)");
			for (int k = 4; k < 10; k++)
				rsb_null(c->rb, k);
			rsb_str(c->rb, 9, e.msg);
			err_clear(&e);
		} else {
			rsb_str(c->rb, 3, m->model_type);
			if (m->als)
				rsb_null(c->rb, 4);
			else
				rsb_str(c->rb, 4, m->label.name);
			rsb_int(c->rb, 5, m->als ? 0 : m->nfeat);
			rsb_int(c->rb, 6, m->train_rows);
			double v = NAN;
			const char *pm = primary_metric(m, &v);
			if (pm) {
				rsb_str(c->rb, 7, pm);
				rsb_double(c->rb, 8, v);
			} else {
				rsb_null(c->rb, 7);
				rsb_null(c->rb, 8);
			}
			if (m->run_id)
				rsb_str(c->rb, 9, m->run_id);
			else
				rsb_null(c->rb, 9);
			ml_cache_release(m);
		}
		rsb_end_row(c->rb);
		sb_free(&p);
		free(names[i]);
	}
	free(names);
	free(mdir);
}

static int
exec_show_models(struct session *s, struct ml_stmt *st, struct wb_error *err)
{
	static const char *const names[] = {"catalog", "schema", "name", "model_type", "label", "features",
	    "training_rows", "metric", "value", "run_id"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR,
	    WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_DOUBLE, WB_TYPE_VARCHAR};
	struct rowset_builder rb;
	rsb_init(&rb, 10, names, types);
	const char *only = st->name.n > 0 ? st->name.parts[st->name.n - 1] : NULL;
	if (only && !catalog_schema_exists(s->catalog, only)) {
		rsb_free(&rb);
		err_set(err, st->pos, "schema %s does not exist", only);
		return -1;
	}
	/* the catalog is locked during catalog_each_schema: collect, then list */
	struct schema_list sl = {0};
	catalog_each_schema(s->catalog, collect_schema, &sl);
	struct show_ctx c = {s, &rb, only};
	for (int i = 0; i < sl.n; i++) {
		show_schema(&c, "main", sl.v[i]);
		free(sl.v[i]);
	}
	free(sl.v);
	return rows_emit(s, &rb, err);
}

static void
kv(struct rowset_builder *rb, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
kv(struct rowset_builder *rb, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct strbuf sb = STRBUF_INIT;
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	rsb_str(rb, 0, key);
	rsb_str(rb, 1, sb_str(&sb));
	rsb_end_row(rb);
	sb_free(&sb);
}

static int
exec_describe(struct session *s, struct ml_stmt *st, struct wb_error *err)
{
	struct ml_resolved r = {0};
	if (ml_resolve(s, st->ref, st->ref_pos, &r, err) < 0)
		return -1;
	const struct ml_model *m = ml_cache_acquire(r.path, err);
	if (m == NULL) {
		ml_resolved_free(&r);
		return -1;
	}
	static const char *const names[] = {"property", "value"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
	struct rowset_builder rb;
	rsb_init(&rb, 2, names, types);
	kv(&rb, "name", "%s", r.display);
	kv(&rb, "model_type", "%s", m->model_type);
	kv(&rb, "file", "%s", r.path);
	if (m->run_id)
		kv(&rb, "run_id", "%s", m->run_id);
	if (m->experiment_id)
		kv(&rb, "experiment_id", "%s", m->experiment_id);
	time_t t = (time_t)(m->created_ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	char when[40];
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	kv(&rb, "created", "%s", when);
	struct strbuf sb = STRBUF_INIT;
	if (m->als) {
		kv(&rb, "user_col", "%s", m->user_col);
		kv(&rb, "item_col", "%s", m->item_col);
		kv(&rb, "rating_col", "%s", m->rating_col ? m->rating_col : "(none: each interaction counts 1)");
	} else {
		kv(&rb, "label", "%s (%s)", m->label.name, type_name(m->label.type));
		if (m->label.nclass > 0) {
			for (int c = 0; c < m->label.nclass; c++)
				sb_printf(&sb, "%s%s", c ? ", " : "", m->label.classes[c]);
			kv(&rb, "classes", "%s", sb_str(&sb));
			sb_clear(&sb);
		}
		for (int i = 0; i < m->nfeat; i++) {
			const struct ml_feature *f = &m->feat[i];
			sb_printf(&sb, "%s%s %s", i ? ", " : "", f->name,
			    f->enc == ML_ENC_NUMERIC ? type_name(f->type) : f->enc == ML_ENC_ONEHOT ? "one-hot" : "ordinal");
			if (f->enc != ML_ENC_NUMERIC)
				sb_printf(&sb, " (%d levels)", f->nlevels);
		}
		kv(&rb, "features", "%s", sb_str(&sb));
		sb_clear(&sb);
		kv(&rb, "encoded_features", "%d", m->p);
		kv(&rb, "null_handling", "%s", m->drop_nulls ? "drop" : "impute");
		kv(&rb, "standardized", "%s", m->standardize ? "yes" : "no");
	}
	for (int i = 0; i < m->nopts; i++)
		sb_printf(&sb, "%s%s = %s", i ? ", " : "", m->opt_keys[i], m->opt_vals[i]);
	kv(&rb, "options", "%s", sb_str(&sb));
	sb_clear(&sb);
	kv(&rb, "split", "%s%s%s, %lld training, %lld held out", m->split_method ? m->split_method : "none",
	    m->split_col ? " by " : "", m->split_col ? m->split_col : "", (long long)m->train_rows,
	    (long long)m->eval_rows);
	for (int i = 0; i < m->nmetrics; i++)
		kv(&rb, m->metrics[i].name, "%.6g", m->metrics[i].value);
	struct ml_kv k = {0};
	if (m->kind && m->kind->describe)
		m->kind->describe(m->impl, &k);
	if (m->als)
		ml_als_describe(m->als, &k);
	for (int i = 0; i < k.n; i++)
		kv(&rb, k.keys[i], "%s", k.vals[i]);
	ml_kv_free(&k);
	for (int i = 0; i < m->nnotes; i++)
		kv(&rb, "note", "%s", m->notes[i]);
	if (m->eval_query)
		kv(&rb, "query", "%s", m->eval_query);
	sb_free(&sb);
	ml_cache_release(m);
	ml_resolved_free(&r);
	return rows_emit(s, &rb, err);
}

/* ------------------------------------------------------------ dispatch */

static int
exec_ml(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct ml_stmt *st = data;
	int rc;
	switch (st->kind) {
	case MLS_CREATE: return exec_create(s, a, st, err);
	case MLS_DROP: rc = exec_drop(s, st, err); break;
	case MLS_SHOW_MODELS: rc = exec_show_models(s, st, err); break;
	case MLS_DESCRIBE: rc = exec_describe(s, st, err); break;
	case MLS_PREDICT:
	case MLS_EVALUATE:
	case MLS_CONFUSION:
	case MLS_ROC:
	case MLS_IMPORTANCE:
	case MLS_TRAINING_INFO:
	case MLS_WEIGHTS:
	case MLS_RECOMMEND:
		rc = ml_exec_fn(s, a, st, err);
		break;
	default:
		rc = ml_exec_track(s, a, st, err);
		break;
	}
	if (rc < 0)
		err_at(err, st->pos);
	return rc;
}

void
stmt_register_ml(void)
{
	static struct stmt_ext copies[32];
	static int n;
	if (n > 0)
		return;
	fn_register_hidden(&ml_predict_fn);
	for (int i = 0; ml_exts[i] != NULL && i < (int)(sizeof copies / sizeof copies[0]); i++) {
		copies[i] = *ml_exts[i];
		copies[i].exec = (void *)exec_ml;
		if (copies[i].fn && strcmp(copies[i].words2, "PREDICT") == 0)
			copies[i].rewrite = (void *)ml_rewrite_predict;
		parse_register_ext(&copies[i]);
		n++;
	}
	ml_register_history();
}
