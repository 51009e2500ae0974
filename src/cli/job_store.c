/*
 * job_store: the run history in the warehouse.
 *
 *   <warehouse>/_jobs/.run_id              the last run id given (under flock)
 *   <warehouse>/_jobs/<job>/lock           held while a run of the job goes on
 *   <warehouse>/_jobs/<job>/runs/<id>/run.json     the run record
 *   <warehouse>/_jobs/<job>/runs/<id>/logs/<task>.<attempt>.log
 *   <warehouse>/_jobs/<job>/runs/<id>/logs/<task>.<attempt>.commits
 *
 * run.json is replaced atomically (a temporary file renamed over it) each
 * time a task ends, so a reader - SHOW JOB RUNS in another process, a
 * repair after a crash - sees one consistent record, never a part. Times
 * are epoch milliseconds, as Databricks' Jobs API gives them. The '_'
 * folder is invisible to the catalog (lake_each_dir skips '_' names).
 */
#include "cli/job.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/strutil.h"
#include "core/xmalloc.h"
#include "ml/ml_yaml.h"
#include "store/lake/lake.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

char *
job_home(const char *warehouse, const char *job_name)
{
	return xasprintf("%s/_jobs/%s", warehouse, job_name);
}

/* ------------------------------------------------------------ freeing */

static void
strv_free(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
job_run_free(struct job_run *r)
{
	free(r->job_name);
	free(r->job_file);
	free(r->warehouse);
	free(r->trigger);
	free(r->dir);
	job_kv_free(r->params, r->nparams);
	for (int i = 0; i < r->nrepairs; i++)
		strv_free(r->repairs[i].tasks, r->repairs[i].ntasks);
	free(r->repairs);
	for (int t = 0; t < r->ntasks; t++) {
		struct job_task_run *k = &r->tasks[t];
		free(k->key);
		free(k->notebook);
		strv_free(k->deps, k->ndeps);
		free(k->error);
		free(k->log);
		job_kv_free(k->params, k->nparams);
		for (int c = 0; c < k->ncommits; c++) {
			free(k->commits[c].table);
			free(k->commits[c].operation);
			free(k->commits[c].expectations);
		}
		free(k->commits);
		for (int a = 0; a < k->nattempts; a++) {
			free(k->attempts[a].error);
			free(k->attempts[a].log);
		}
		free(k->attempts);
	}
	free(r->tasks);
	memset(r, 0, sizeof *r);
}

int
job_run_task_find(const struct job_run *r, const char *key)
{
	for (int t = 0; t < r->ntasks; t++)
		if (strcmp(r->tasks[t].key, key) == 0)
			return t;
	return -1;
}

/* ------------------------------------------------------------ run ids */

int64_t
job_new_run_id(const char *warehouse, struct wb_error *err)
{
	char *dir = xasprintf("%s/_jobs", warehouse);
	char *path = xasprintf("%s/.run_id", dir);
	int64_t id = -1;
	int fd = -1;
	if (lake_mkdirs(dir, err) < 0)
		goto out;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		err_set(err, -1, "cannot open the run id counter %s: %s", path, strerror(errno));
		err_hint(err, "the warehouse's _jobs folder must be writable");
		goto out;
	}
	char buf[32] = {0};
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	int64_t last = n > 0 ? strtoll(buf, NULL, 10) : 0;
	id = last + 1;
	int len = snprintf(buf, sizeof buf, "%lld\n", (long long)id);
	if (pwrite(fd, buf, (size_t)len, 0) != len || ftruncate(fd, len) < 0) {
		err_set(err, -1, "cannot write the run id counter %s: %s", path, strerror(errno));
		id = -1;
	}
out:
	if (fd >= 0)
		close(fd);     /* releases the flock */
	free(dir);
	free(path);
	return id;
}

/* ------------------------------------------------------------ writing */

static void
w_time(struct json_writer *w, const char *key, int64_t ms)
{
	json_w_key(w, key);
	if (ms < 0)
		json_w_null(w);
	else
		json_w_int(w, ms);
}

static void
w_params_object(struct json_writer *w, const struct job_kv *kv, int n)
{
	json_w_object(w);
	for (int i = 0; i < n; i++) {
		json_w_key(w, kv[i].key);
		json_w_string(w, kv[i].value);
	}
	json_w_end(w);
}

static void
w_params(struct json_writer *w, const struct job_kv *kv, int n)
{
	json_w_key(w, "parameters");
	w_params_object(w, kv, n);
}

static void
w_strings(struct json_writer *w, const char *key, char *const *v, int n)
{
	json_w_key(w, key);
	json_w_array(w);
	for (int i = 0; i < n; i++)
		json_w_string(w, v[i]);
	json_w_end(w);
}

static void
w_task(struct json_writer *w, const struct job_task_run *k)
{
	json_w_object(w);
	json_w_key(w, "task_key");
	json_w_string(w, k->key);
	json_w_key(w, "notebook");
	json_w_string(w, k->notebook);
	w_strings(w, "depends_on", k->deps, k->ndeps);
	json_w_key(w, "run_if");
	json_w_string(w, job_run_if_name(k->run_if));
	json_w_key(w, "status");
	json_w_string(w, job_status_name(k->status));
	w_time(w, "start_time", k->start_ms);
	w_time(w, "end_time", k->end_ms);
	json_w_key(w, "attempts");
	json_w_int(w, k->nattempts);
	json_w_key(w, "rows_written");
	json_w_int(w, k->rows);
	json_w_key(w, "error");
	json_w_string(w, k->error);
	json_w_key(w, "log");
	json_w_string(w, k->log);
	w_params(w, k->params, k->nparams);
	json_w_key(w, "commits");
	json_w_array(w);
	for (int c = 0; c < k->ncommits; c++) {
		json_w_object(w);
		json_w_key(w, "table");
		json_w_string(w, k->commits[c].table);
		json_w_key(w, "version");
		json_w_int(w, k->commits[c].version);
		json_w_key(w, "operation");
		json_w_string(w, k->commits[c].operation);
		json_w_key(w, "rows");
		json_w_int(w, k->commits[c].rows);
		if (k->commits[c].expectations) {
			json_w_key(w, "expectations");
			json_w_string(w, k->commits[c].expectations);
		}
		json_w_end(w);
	}
	json_w_end(w);
	json_w_key(w, "attempt_history");
	json_w_array(w);
	for (int a = 0; a < k->nattempts; a++) {
		const struct job_attempt *at = &k->attempts[a];
		json_w_object(w);
		json_w_key(w, "attempt");
		json_w_int(w, at->attempt);
		json_w_key(w, "repair");
		json_w_int(w, at->repair);
		w_time(w, "start_time", at->start_ms);
		w_time(w, "end_time", at->end_ms);
		json_w_key(w, "status");
		json_w_string(w, job_status_name(at->status));
		json_w_key(w, "exit_code");
		json_w_int(w, at->exit_code);
		json_w_key(w, "signal");
		json_w_int(w, at->signal);
		json_w_key(w, "rows_written");
		json_w_int(w, at->rows);
		json_w_key(w, "error");
		json_w_string(w, at->error);
		json_w_key(w, "log");
		json_w_string(w, at->log);
		json_w_end(w);
	}
	json_w_end(w);
	json_w_end(w);
}

/* The record as JSON: one member per line at the top and one task per
 * line, so that the file reads (and greps) well. */
static void
record_json(const struct job_run *r, struct strbuf *out)
{
	struct strbuf b = STRBUF_INIT;
	struct json_writer w;
#define LINE(stmts) do { sb_clear(&b); json_w_init(&w, &b); stmts; } while (0)
	sb_puts(out, "{\n");
	LINE(json_w_int(&w, 1));
	sb_printf(out, "  \"format\": %s,\n", sb_str(&b));
	sb_printf(out, "  \"run_id\": %lld,\n", (long long)r->run_id);
	LINE(json_w_string(&w, r->job_name));
	sb_printf(out, "  \"job_name\": %s,\n", sb_str(&b));
	LINE(json_w_string(&w, r->job_file));
	sb_printf(out, "  \"job_file\": %s,\n", sb_str(&b));
	LINE(json_w_string(&w, r->warehouse));
	sb_printf(out, "  \"warehouse\": %s,\n", sb_str(&b));
	LINE(json_w_string(&w, r->trigger));
	sb_printf(out, "  \"trigger\": %s,\n", sb_str(&b));
	sb_printf(out, "  \"status\": \"%s\",\n", job_status_name(r->status));
	sb_printf(out, "  \"start_time\": %lld,\n", (long long)r->start_ms);
	if (r->end_ms < 0)
		sb_puts(out, "  \"end_time\": null,\n");
	else
		sb_printf(out, "  \"end_time\": %lld,\n", (long long)r->end_ms);
	LINE(w_params_object(&w, r->params, r->nparams));
	sb_printf(out, "  \"parameters\": %s,\n", sb_str(&b));
	sb_printf(out, "  \"repair_count\": %d,\n", r->nrepairs);
	sb_puts(out, "  \"repairs\": [");
	for (int i = 0; i < r->nrepairs; i++) {
		const struct job_repair *rp = &r->repairs[i];
		LINE(json_w_object(&w); json_w_key(&w, "repair_id"); json_w_int(&w, rp->id);
		    w_time(&w, "start_time", rp->start_ms); w_time(&w, "end_time", rp->end_ms);
		    json_w_key(&w, "status"); json_w_string(&w, job_status_name(rp->status));
		    w_strings(&w, "tasks", rp->tasks, rp->ntasks); json_w_end(&w));
		sb_printf(out, "%s\n    %s", i ? "," : "", sb_str(&b));
	}
	sb_puts(out, r->nrepairs ? "\n  ],\n" : "],\n");
	sb_puts(out, "  \"tasks\": [");
	for (int t = 0; t < r->ntasks; t++) {
		LINE(w_task(&w, &r->tasks[t]));
		sb_printf(out, "%s\n    %s", t ? "," : "", sb_str(&b));
	}
	sb_puts(out, r->ntasks ? "\n  ]\n}\n" : "]\n}\n");
#undef LINE
	sb_free(&b);
}

int
job_run_save(const struct job_run *r, struct wb_error *err)
{
	struct strbuf b = STRBUF_INIT;
	record_json(r, &b);
	char *path = xasprintf("%s/run.json", r->dir);
	int rc = lake_mkdirs(r->dir, err) < 0 ? -1 : ml_yaml_file_write(path, NULL, b.s, b.len, false, err);
	free(path);
	sb_free(&b);
	return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------ reading */

static char *
dup_str(const struct json *o, const char *key)
{
	const char *s = json_get_str(o, key);
	return s ? xstrdup(s) : NULL;
}

static int64_t
get_time(const struct json *o, const char *key)
{
	int64_t v;
	return json_get_int(o, key, &v) ? v : -1;
}

static void
get_params(const struct json *o, struct job_kv **kv, int *n)
{
	const struct json *p = json_get(o, "parameters");
	*kv = NULL;
	*n = 0;
	if (!json_is(p, JSON_OBJECT))
		return;
	*kv = xcalloc(p->n ? p->n : 1, sizeof **kv);
	for (uint32_t i = 0; i < p->n; i++) {
		const struct json *v = &p->u.members[i].value;
		(*kv)[*n] = (struct job_kv){xstrdup(p->u.members[i].key), xstrdup(json_is(v, JSON_STRING) ? v->u.s : ""), 0};
		(*n)++;
	}
}

static char **
get_strings(const struct json *o, const char *key, int *n)
{
	const struct json *a = json_get(o, key);
	*n = 0;
	if (!json_is(a, JSON_ARRAY))
		return NULL;
	char **v = xcalloc(a->n ? a->n : 1, sizeof *v);
	for (uint32_t i = 0; i < a->n; i++)
		if (json_is(&a->u.items[i], JSON_STRING))
			v[(*n)++] = xstrdup(a->u.items[i].u.s);
	return v;
}

static enum job_status
get_status(const struct json *o, const char *key)
{
	const char *s = json_get_str(o, key);
	enum job_status st;
	return s && job_status_parse(s, &st) ? st : JOB_PENDING;
}

static void
read_task(const struct json *o, struct job_task_run *k)
{
	memset(k, 0, sizeof *k);
	k->key = dup_str(o, "task_key");
	k->notebook = dup_str(o, "notebook");
	k->deps = get_strings(o, "depends_on", &k->ndeps);
	const char *ri = json_get_str(o, "run_if");
	if (ri == NULL || !job_run_if_parse(ri, &k->run_if))
		k->run_if = JOB_ALL_SUCCESS;
	k->status = get_status(o, "status");
	k->start_ms = get_time(o, "start_time");
	k->end_ms = get_time(o, "end_time");
	if (!json_get_int(o, "rows_written", &k->rows))
		k->rows = 0;
	k->error = dup_str(o, "error");
	k->log = dup_str(o, "log");
	get_params(o, &k->params, &k->nparams);
	const struct json *c = json_get(o, "commits");
	if (json_is(c, JSON_ARRAY) && c->n > 0) {
		k->commits = xcalloc(c->n, sizeof *k->commits);
		for (uint32_t i = 0; i < c->n; i++) {
			const struct json *e = &c->u.items[i];
			struct job_commit *jc = &k->commits[k->ncommits++];
			jc->table = dup_str(e, "table");
			jc->operation = dup_str(e, "operation");
			jc->expectations = dup_str(e, "expectations");
			if (!json_get_int(e, "version", &jc->version))
				jc->version = -1;
			if (!json_get_int(e, "rows", &jc->rows))
				jc->rows = 0;
			if (jc->table == NULL)
				jc->table = xstrdup("");
			if (jc->operation == NULL)
				jc->operation = xstrdup("");
		}
	}
	const struct json *h = json_get(o, "attempt_history");
	if (json_is(h, JSON_ARRAY) && h->n > 0) {
		k->attempts = xcalloc(h->n, sizeof *k->attempts);
		for (uint32_t i = 0; i < h->n; i++) {
			const struct json *e = &h->u.items[i];
			struct job_attempt *a = &k->attempts[k->nattempts++];
			int64_t v;
			a->attempt = json_get_int(e, "attempt", &v) ? (int)v : (int)i + 1;
			a->repair = json_get_int(e, "repair", &v) ? (int)v : 0;
			a->start_ms = get_time(e, "start_time");
			a->end_ms = get_time(e, "end_time");
			a->status = get_status(e, "status");
			a->exit_code = json_get_int(e, "exit_code", &v) ? (int)v : 0;
			a->signal = json_get_int(e, "signal", &v) ? (int)v : 0;
			a->rows = json_get_int(e, "rows_written", &v) ? v : 0;
			a->error = dup_str(e, "error");
			a->log = dup_str(e, "log");
		}
	}
}

int
job_run_load(const char *path, struct job_run *r, struct wb_error *err)
{
	memset(r, 0, sizeof *r);
	size_t len;
	char *text = ml_yaml_file_read(path, &len, NULL, err);
	if (text == NULL)
		return -1;
	struct arena a;
	arena_init(&a, 0);
	char what[600];
	snprintf(what, sizeof what, "run record %s", path);
	const struct json *o = json_parse_err(text, len, &a, 0, what, err);
	free(text);
	int rc = -1;
	if (o == NULL)
		goto out;
	int64_t fmt;
	if (!json_is(o, JSON_OBJECT) || !json_get_int(o, "run_id", &r->run_id) || json_get_str(o, "job_name") == NULL ||
	    !json_get_int(o, "format", &fmt)) {
		err_set(err, -1, "run record %s is not one wb wrote (no run_id, job_name or format)", path);
		goto out;
	}
	if (fmt != 1) {
		err_set(err, -1, "run record %s has format %lld; this wb reads format 1", path, (long long)fmt);
		err_hint(err, "a newer wb wrote it");
		goto out;
	}
	r->job_name = dup_str(o, "job_name");
	r->job_file = dup_str(o, "job_file");
	r->warehouse = dup_str(o, "warehouse");
	r->trigger = dup_str(o, "trigger");
	if (r->trigger == NULL)
		r->trigger = xstrdup("ONE_TIME");
	r->status = get_status(o, "status");
	r->start_ms = get_time(o, "start_time");
	r->end_ms = get_time(o, "end_time");
	get_params(o, &r->params, &r->nparams);
	const struct json *rp = json_get(o, "repairs");
	if (json_is(rp, JSON_ARRAY) && rp->n > 0) {
		r->repairs = xcalloc(rp->n, sizeof *r->repairs);
		for (uint32_t i = 0; i < rp->n; i++) {
			const struct json *e = &rp->u.items[i];
			struct job_repair *x = &r->repairs[r->nrepairs++];
			int64_t v;
			x->id = json_get_int(e, "repair_id", &v) ? (int)v : (int)i + 1;
			x->start_ms = get_time(e, "start_time");
			x->end_ms = get_time(e, "end_time");
			x->status = get_status(e, "status");
			x->tasks = get_strings(e, "tasks", &x->ntasks);
		}
	}
	const struct json *ts = json_get(o, "tasks");
	if (json_is(ts, JSON_ARRAY) && ts->n > 0) {
		r->tasks = xcalloc(ts->n, sizeof *r->tasks);
		for (uint32_t i = 0; i < ts->n; i++) {
			if (!json_is(&ts->u.items[i], JSON_OBJECT) || json_get_str(&ts->u.items[i], "task_key") == NULL) {
				err_set(err, -1, "run record %s: task %u has no task_key", path, i + 1);
				goto out;
			}
			read_task(&ts->u.items[i], &r->tasks[r->ntasks++]);
		}
	}
	const char *slash = strrchr(path, '/');
	r->dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	rc = 0;
out:
	arena_release(&a);
	if (rc < 0)
		job_run_free(r);
	return rc;
}

/* ------------------------------------------------------------ finding */

struct names {
	char **v;
	int n;
};

static void
collect(void *arg, const char *name)
{
	struct names *ns = arg;
	ns->v = xrealloc(ns->v, sizeof *ns->v * (size_t)(ns->n + 1));
	ns->v[ns->n++] = xstrdup(name);
}

int
job_run_find(const char *warehouse, int64_t run_id, struct job_run *r, struct wb_error *err)
{
	char *jobs = xasprintf("%s/_jobs", warehouse);
	struct names ns = {NULL, 0};
	lake_each_dir(jobs, false, collect, &ns);
	int rc = 1;
	for (int i = 0; i < ns.n && rc == 1; i++) {
		char *path = xasprintf("%s/%s/runs/%lld/run.json", jobs, ns.v[i], (long long)run_id);
		if (access(path, F_OK) == 0)
			rc = job_run_load(path, r, err);
		free(path);
	}
	strv_free(ns.v, ns.n);
	if (rc == 1) {
		err_set(err, -1, "no run %lld in the warehouse %s", (long long)run_id, warehouse);
		err_hint(err, "wb job runs lists the runs (--warehouse DIR names another warehouse)");
		rc = -1;
	}
	free(jobs);
	return rc;
}

static int
cmp_newest(const void *a, const void *b)
{
	const struct job_run *x = a, *y = b;
	return x->run_id < y->run_id ? 1 : x->run_id > y->run_id ? -1 : 0;
}

int
job_runs_list(const char *warehouse, const char *name, struct job_run **out, int *n, struct wb_error *err)
{
	char *jobs = xasprintf("%s/_jobs", warehouse);
	struct names js = {NULL, 0};
	lake_each_dir(jobs, false, collect, &js);
	if (name) {
		/* one job: it must have run here (a typo, or another warehouse) */
		int found = -1;
		for (int i = 0; i < js.n; i++)
			if (strcmp(js.v[i], name) == 0)
				found = i;
		if (found < 0) {
			err_set(err, -1, "job %s has no runs in the warehouse %s", name, warehouse);
			const char *s = str_suggest(name, (const char *const *)js.v, js.n);
			if (s)
				err_hint(err, "did you mean %s?", s);
			else
				err_hint(err, "wb job run FILE runs it; --warehouse DIR (or $WB_WAREHOUSE) names another warehouse");
			strv_free(js.v, js.n);
			free(jobs);
			return -1;
		}
		strv_free(js.v, js.n);
		js.v = NULL;
		js.n = 0;
		collect(&js, name);
	}
	struct job_run *v = NULL;
	int nv = 0;
	for (int i = 0; i < js.n; i++) {
		char *runs = xasprintf("%s/%s/runs", jobs, js.v[i]);
		struct names rs = {NULL, 0};
		lake_each_dir(runs, false, collect, &rs);
		for (int k = 0; k < rs.n; k++) {
			char *path = xasprintf("%s/%s/run.json", runs, rs.v[k]);
			struct job_run r;
			struct wb_error e = WB_ERROR_INIT;
			if (access(path, F_OK) != 0) {
				/* a run folder whose record was never written: the
				 * runner died before its first save */
			} else if (job_run_load(path, &r, &e) == 0) {
				v = xrealloc(v, sizeof *v * (size_t)(nv + 1));
				v[nv++] = r;
			} else {
				wb_notice("%s", e.msg);
			}
			err_clear(&e);
			free(path);
		}
		strv_free(rs.v, rs.n);
		free(runs);
	}
	strv_free(js.v, js.n);
	free(jobs);
	qsort(v, (size_t)nv, sizeof *v, cmp_newest);
	*out = v;
	*n = nv;
	return 0;
}

/* ------------------------------------------------------------ commits */

/* "catalog.schema.table" for a folder warehouse/catalog/schema/table. */
static char *
table_name(const char *dir, const char *warehouse)
{
	size_t wl = strlen(warehouse);
	if (strncmp(dir, warehouse, wl) == 0 && dir[wl] == '/') {
		const char *rest = dir + wl + 1;
		int slashes = 0;
		for (const char *p = rest; *p; p++)
			slashes += *p == '/';
		if (slashes == 2 && rest[0] != '_') {
			char *s = xstrdup(rest);
			for (char *p = s; *p; p++)
				if (*p == '/')
					*p = '.';
			return s;
		}
	}
	return xstrdup(dir);
}

int
job_commits_read(const char *path, const char *warehouse, struct job_commit **c, int *n, int64_t *rows,
    struct wb_error *err)
{
	*rows = 0;
	bool missing = false;
	size_t len;
	struct wb_error e = WB_ERROR_INIT;
	char *text = ml_yaml_file_read(path, &len, &missing, &e);
	if (text == NULL) {
		if (missing) {
			err_clear(&e);
			return 0;
		}
		err_move(err, &e);
		return -1;
	}
	struct arena a;
	arena_init(&a, 0);
	char *line = text;
	int rc = 0;
	while (*line) {
		char *nl = strchr(line, '\n');
		if (nl == NULL)
			break;      /* a line being written when the task was killed */
		struct json_error je;
		const struct json *o = json_parse(line, (size_t)(nl - line), &a, 0, &je);
		const char *dir = o ? json_get_str(o, "table") : NULL;
		int64_t version, r;
		if (dir == NULL || !json_get_int(o, "version", &version) || !json_get_int(o, "rows", &r)) {
			err_set(err, -1, "commit log %s: a line is not a commit: %.*s", path, (int)(nl - line), line);
			rc = -1;
			break;
		}
		const char *op = json_get_str(o, "operation");
		*c = xrealloc(*c, sizeof **c * (size_t)(*n + 1));
		const char *ex = json_get_str(o, "expectations");
		(*c)[(*n)++] = (struct job_commit){table_name(dir, warehouse), version, xstrdup(op ? op : ""), r,
		    ex ? xstrdup(ex) : NULL};
		*rows += r;
		line = nl + 1;
	}
	arena_release(&a);
	free(text);
	return rc;
}
