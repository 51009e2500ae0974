/*
 * job_sql: the run history as tables - SHOW JOB RUNS and SHOW JOB TASKS,
 * read from the run records of the session's warehouse (job_store.c).
 * Both are queries: SELECT ... FROM (SHOW JOB RUNS IN nightly) WHERE
 * status <> 'SUCCESS' works, and `wb job runs` / `wb job show` print
 * through them, so the listing has every output mode the session has.
 *
 *   SHOW JOB RUNS [IN job] [LIMIT n]          one row per run, newest first
 *   SHOW JOB TASKS [IN job] [FOR RUN id]      one row per task of each run
 */
#include "cli/job.h"
#include "cli/stmt.h"
#include "cli/stmt_int.h"
#include "core/json.h"
#include "core/rowset.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "sql/parser.h"
#include "store/lake/lake.h"

#include <stdlib.h>
#include <string.h>

struct show_job {
	char *job;                 /* IN job, or NULL */
	int64_t run_id;            /* FOR RUN id, or -1 */
	int64_t limit;             /* 0: all */
	int pos;
};

/* IN job: a name, or a 'quoted' one (job names may hold '-' and '.'). */
static int
parse_in(struct parser *p, struct show_job *sj)
{
	if (!parser_accept_word(p, "IN"))
		return 0;
	const struct token *t = parser_peek(p, 0);
	sj->job = t->type == TOK_STRING ? parser_string(p, "a job name") : parser_ident(p, "a job name");
	return sj->job ? 0 : -1;
}

static int
parse_runs(struct parser *p, void **data)
{
	struct show_job *sj = arena_zalloc(p->arena, sizeof *sj);
	sj->run_id = -1;
	sj->pos = parser_peek(p, 0)->pos;
	*data = sj;
	if (parse_in(p, sj) < 0)
		return -1;
	if (parser_accept_word(p, "LIMIT") && parser_count(p, &sj->limit, "LIMIT", NULL) < 0)
		return -1;
	return 0;      /* what follows is the caller's: the end, or ')' in FROM (SHOW ...) */
}

static int
parse_tasks(struct parser *p, void **data)
{
	struct show_job *sj = arena_zalloc(p->arena, sizeof *sj);
	sj->run_id = -1;
	sj->pos = parser_peek(p, 0)->pos;
	*data = sj;
	if (parse_in(p, sj) < 0)
		return -1;
	if (parser_accept_word(p, "FOR")) {
		if (!parser_expect_word(p, "RUN") || parser_count(p, &sj->run_id, "FOR RUN", NULL) < 0)
			return -1;
	}
	return 0;
}

static char *
warehouse_of(struct session *s)
{
	const char *w = catalog_warehouse(s->catalog);
	return w ? xstrdup(w) : lake_warehouse_root(NULL);
}

static void
ts_or_null(struct rowset_builder *r, int col, int64_t ms)
{
	if (ms < 0)
		rsb_null(r, col);
	else
		rsb_int(r, col, ms * 1000);
}

static void
duration(struct rowset_builder *r, int col, int64_t start, int64_t end)
{
	if (start < 0 || end < 0)
		rsb_null(r, col);
	else
		rsb_double(r, col, (double)(end - start) / 1000);
}

static void
params_json(const struct job_kv *kv, int n, struct strbuf *out)
{
	sb_clear(out);
	struct json_writer w;
	json_w_init(&w, out);
	json_w_object(&w);
	for (int i = 0; i < n; i++) {
		json_w_key(&w, kv[i].key);
		json_w_string(&w, kv[i].value);
	}
	json_w_end(&w);
}

/* The runs the statement asks for (newest first), or -1 with err. */
static int
load_runs(struct session *s, const struct show_job *sj, struct job_run **runs, int *n, struct wb_error *err)
{
	char *wh = warehouse_of(s);
	int rc = 0;
	if (sj->run_id >= 0) {
		*runs = xcalloc(1, sizeof **runs);
		*n = 0;
		if (job_run_find(wh, sj->run_id, &(*runs)[0], err) < 0) {
			err_at(err, sj->pos);
			rc = -1;
		} else if (sj->job && strcmp((*runs)[0].job_name, sj->job) != 0) {
			err_set(err, sj->pos, "run %lld is a run of job %s, not of %s", (long long)sj->run_id,
			    (*runs)[0].job_name, sj->job);
			job_run_free(&(*runs)[0]);
			rc = -1;
		} else {
			*n = 1;
		}
	} else {
		rc = job_runs_list(wh, sj->job, runs, n, err);
	}
	free(wh);
	if (rc < 0 && sj->run_id >= 0) {
		free(*runs);
		*runs = NULL;
	}
	return rc;
}

static void
free_runs(struct job_run *runs, int n)
{
	for (int i = 0; i < n; i++)
		job_run_free(&runs[i]);
	free(runs);
}

/* SHOW JOB RUNS [IN job] [LIMIT n] */
static int
exec_runs(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	(void)a;
	const struct show_job *sj = data;
	struct job_run *runs;
	int n;
	if (load_runs(s, sj, &runs, &n, err) < 0)
		return -1;
	static const char *const names[] = {"run_id", "job_name", "status", "trigger", "start_time", "end_time",
	    "duration_s", "tasks", "succeeded", "failed", "skipped", "rows_written", "repairs", "parameters", "job_file",
	    "run_dir"};
	static const wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR,
	    WB_TYPE_TIMESTAMP, WB_TYPE_TIMESTAMP, WB_TYPE_DOUBLE, WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_BIGINT,
	    WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
	struct rowset_builder r;
	rsb_init(&r, 16, names, types);
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < n && (sj->limit == 0 || i < sj->limit); i++) {
		const struct job_run *x = &runs[i];
		int64_t ok = 0, failed = 0, skipped = 0, rows = 0;
		for (int t = 0; t < x->ntasks; t++) {
			ok += x->tasks[t].status == JOB_SUCCESS;
			failed += job_status_failed(x->tasks[t].status);
			skipped += x->tasks[t].status == JOB_SKIPPED;
			rows += x->tasks[t].rows;
		}
		rsb_int(&r, 0, x->run_id);
		rsb_str(&r, 1, x->job_name);
		rsb_str(&r, 2, job_status_name(x->status));
		rsb_str(&r, 3, x->trigger);
		ts_or_null(&r, 4, x->start_ms);
		ts_or_null(&r, 5, x->end_ms);
		duration(&r, 6, x->start_ms, x->end_ms);
		rsb_int(&r, 7, x->ntasks);
		rsb_int(&r, 8, ok);
		rsb_int(&r, 9, failed);
		rsb_int(&r, 10, skipped);
		rsb_int(&r, 11, rows);
		rsb_int(&r, 12, x->nrepairs);
		params_json(x->params, x->nparams, &sb);
		rsb_str(&r, 13, sb_str(&sb));
		rsb_str(&r, 14, x->job_file);
		rsb_str(&r, 15, x->dir);
		rsb_end_row(&r);
	}
	sb_free(&sb);
	free_runs(runs, n);
	return rows_emit(s, &r, err);
}

/* SHOW JOB TASKS [IN job] [FOR RUN id] */
static int
exec_tasks(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	(void)a;
	const struct show_job *sj = data;
	struct job_run *runs;
	int n;
	if (load_runs(s, sj, &runs, &n, err) < 0)
		return -1;
	static const char *const names[] = {"run_id", "job_name", "task_key", "status", "attempts", "start_time",
	    "end_time", "duration_s", "rows_written", "run_if", "depends_on", "notebook", "error", "log", "parameters",
	    "expectations"};
	static const wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR,
	    WB_TYPE_BIGINT, WB_TYPE_TIMESTAMP, WB_TYPE_TIMESTAMP, WB_TYPE_DOUBLE, WB_TYPE_BIGINT, WB_TYPE_VARCHAR,
	    WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
	struct rowset_builder r;
	rsb_init(&r, 16, names, types);
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < n; i++) {
		const struct job_run *x = &runs[i];
		for (int t = 0; t < x->ntasks; t++) {
			const struct job_task_run *k = &x->tasks[t];
			rsb_int(&r, 0, x->run_id);
			rsb_str(&r, 1, x->job_name);
			rsb_str(&r, 2, k->key);
			rsb_str(&r, 3, job_status_name(k->status));
			rsb_int(&r, 4, k->nattempts);
			ts_or_null(&r, 5, k->start_ms);
			ts_or_null(&r, 6, k->end_ms);
			duration(&r, 7, k->start_ms, k->end_ms);
			rsb_int(&r, 8, k->rows);
			rsb_str(&r, 9, job_run_if_name(k->run_if));
			sb_clear(&sb);
			for (int d = 0; d < k->ndeps; d++)
				sb_printf(&sb, "%s%s", d ? ", " : "", k->deps[d]);
			rsb_str(&r, 10, sb_str(&sb));
			rsb_str(&r, 11, k->notebook);
			rsb_str(&r, 12, k->error);
			if (k->log) {
				sb_clear(&sb);
				sb_printf(&sb, "%s/%s", x->dir, k->log);
				rsb_str(&r, 13, sb_str(&sb));
			} else {
				rsb_null(&r, 13);
			}
			params_json(k->params, k->nparams, &sb);
			rsb_str(&r, 14, sb_str(&sb));
			/* what the expectations of the tables it wrote did, per commit */
			sb_clear(&sb);
			for (int c = 0; c < k->ncommits; c++)
				if (k->commits[c].expectations)
					sb_printf(&sb, "%s%s v%lld: %s", sb.len ? "; " : "", k->commits[c].table,
					    (long long)k->commits[c].version, k->commits[c].expectations);
			if (sb.len)
				rsb_str(&r, 15, sb_str(&sb));
			else
				rsb_null(&r, 15);
			rsb_end_row(&r);
		}
	}
	sb_free(&sb);
	free_runs(runs, n);
	return rows_emit(s, &r, err);
}

static const struct stmt_ext ext_runs = {
	.word = "SHOW",
	.words2 = "JOB RUNS",
	.parse = parse_runs,
	.exec = (void *)exec_runs,
	.usage = "SHOW JOB RUNS [IN job] [LIMIT n]",
	.summary = "the recorded runs of wb jobs (wb-job(5)), newest first",
	.query = true,
	.bare = true,
};

static const struct stmt_ext ext_tasks = {
	.word = "SHOW",
	.words2 = "JOB TASKS",
	.parse = parse_tasks,
	.exec = (void *)exec_tasks,
	.usage = "SHOW JOB TASKS [IN job] [FOR RUN id]",
	.summary = "the tasks of recorded job runs: status, attempts, times, rows written, error",
	.query = true,
	.bare = true,
};

void
job_register_sql(void)
{
	parse_register_ext(&ext_runs);
	parse_register_ext(&ext_tasks);
}
