/*
 * tui_exec: running statements for the workbench - the worker thread, the
 * jobs it runs one at a time, and the store results land in.
 *
 * A job is SQL text (run by session_run, exactly as the REPL runs what is
 * typed: statements and dot-commands) or a function (in-memory work on a
 * result; it may run SQL through tui_job_sql). Results reach the store
 * through the session's override sink, which keeps each table up to the
 * bound (max_rows rows or max_bytes bytes, whichever comes first) and only
 * counts the rest: a 42 M-row SELECT shows its first million rows and says
 * how many there were. Messages, the statements' text output and their
 * errors (which the session writes to stdout/stderr, redirected to a file
 * while the workbench runs) are collected in order into the run's log.
 *
 * Cancelling sets the session's cancel flag, which operators poll, and
 * bail, so that the rest of a script does not run; the flag is set again
 * on every tick while the job runs, because each statement clears it when
 * it starts.
 */
#include "ui/tui_int.h"
#include "core/datetime.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tui_sink {
	struct wb_sink base;
	struct tui_app *app;
	struct tui_run *run;
	struct tui_table *cur;    /* the table being received */
	int64_t row_bytes;        /* fixed bytes per row of cur */
};

/* ------------------------------------------------------------ tables */

struct tui_table *
tui_table_new(struct rowset *rs, const char *sql, int sql_len)
{
	struct tui_table *t = xcalloc(1, sizeof *t);
	t->rs = rs;
	t->total = rs ? rs->nrows : 0;
	if (sql != NULL)
		t->sql = xstrndup(sql, (size_t)(sql_len < 0 ? (int)strlen(sql) : sql_len));
	t->refs = 1;
	return t;
}

struct tui_table *
tui_table_ref(struct tui_table *t)
{
	if (t != NULL)
		t->refs++;
	return t;
}

void
tui_table_unref(struct tui_table *t)
{
	if (t == NULL || --t->refs > 0)
		return;
	rowset_free(t->rs);
	free(t->sql);
	free(t);
}

void
tui_cell_text(const struct tui_table *t, int64_t row, int col, struct strbuf *out, bool *is_null)
{
	struct wb_value v;
	rowset_get(t->rs, row, col, &v);
	if (is_null)
		*is_null = v.is_null;
	value_format(&v, out, "NULL");
}

void
tui_run_free(struct tui_run *r)
{
	if (r == NULL)
		return;
	for (int i = 0; i < r->ntables; i++)
		tui_table_unref(r->tables[i]);
	free(r->tables);
	sb_free(&r->log);
	free(r->error);
	free(r->message);
	free(r);
}

/* ------------------------------------------------------------ the sink */

static int
sink_begin(struct wb_sink *base, int ncol, char *const *names, const wb_type *types, struct wb_error *err)
{
	struct tui_sink *k = (struct tui_sink *)base;
	struct session *s = k->app->s;
	tui_capture_drain(k->app, &k->run->log);
	tui_table_unref(k->cur);
	k->cur = tui_table_new(rowset_new(ncol, names, types), s->stmt_text, s->stmt_len);
	k->row_bytes = 0;
	for (int i = 0; i < ncol; i++)
		k->row_bytes += (int64_t)type_size(types[i]) + 1;
	return 0;
}

static int
sink_chunk(struct wb_sink *base, const struct chunk *c, struct wb_error *err)
{
	struct tui_sink *k = (struct tui_sink *)base;
	struct tui_table *t = k->cur;
	if (t == NULL || c->n == 0)
		return 0;
	struct tui_app *app = k->app;
	t->total += c->n;
	atomic_fetch_add(&app->job_rows, c->n);
	if (t->truncated)
		return 0;
	struct rowset *rs = t->rs;
	int64_t room = app->max_rows - rs->nrows;
	int64_t bytes = rs->nrows * k->row_bytes + (int64_t)rs->heap.total;
	int n = c->n;
	if (room < n || bytes >= app->max_bytes) {
		t->truncated = true;
		n = bytes >= app->max_bytes ? 0 : (int)room;
	}
	if (n > 0)
		rowset_append(rs, c, 0, n);
	return 0;
}

static int
sink_end(struct wb_sink *base, struct wb_error *err)
{
	struct tui_sink *k = (struct tui_sink *)base;
	struct tui_run *r = k->run;
	if (k->cur == NULL)
		return 0;
	r->tables = xgrow(r->tables, &r->cap, (size_t)r->ntables + 1, sizeof *r->tables);
	r->tables[r->ntables++] = k->cur;
	k->cur = NULL;
	return 0;
}

static void
sink_message(struct wb_sink *base, const char *text)
{
	struct tui_sink *k = (struct tui_sink *)base;
	tui_capture_drain(k->app, &k->run->log);
	sb_puts(&k->run->log, text);
	sb_putc(&k->run->log, '\n');
	/* a message's first line says what happened; the lines after it
	 * ("  training info: ...") are its details */
	if (text[0] != ' ' && text[0] != '\0') {
		free(k->run->message);
		k->run->message = xstrndup(text, strcspn(text, "\n"));
	}
}

/* ------------------------------------------------------------ jobs */

struct tui_job *
tui_job_new(const char *label, const char *sql, tui_job_fn work, tui_job_fn done, void *arg)
{
	struct tui_job *j = xcalloc(1, sizeof *j);
	snprintf(j->label, sizeof j->label, "%s", label);
	j->sql = sql ? xstrdup(sql) : NULL;
	j->work = work;
	j->done = done;
	j->arg = arg;
	return j;
}

void
tui_job_free(struct tui_job *job)
{
	if (job == NULL)
		return;
	free(job->sql);
	if (job->free_arg)
		job->free_arg(job->arg);
	tui_run_free(job->run);
	if (job->sink) {
		tui_table_unref(job->sink->cur);
		free(job->sink);
	}
	free(job);
}

int
tui_job_sql(struct tui_app *app, struct tui_job *job, const char *sql)
{
	struct session *s = app->s;
	struct wb_sink *saved_override = s->override_sink, *saved_show = s->show_sink;
	bool saved_bail = s->bail;
	int errors = s->errors;
	/* the workbench is a person: statements format for one (titles,
	 * notes), as they do for the REPL */
	s->override_sink = &job->sink->base;
	s->show_sink = &job->sink->base;
	int rc = session_run(s, sql, NULL, 1);
	s->override_sink = saved_override;
	s->show_sink = saved_show;
	if (atomic_load(&app->cancel))
		s->bail = saved_bail;     /* set by the cancel, not by the user */
	fflush(stdout);
	fflush(stderr);
	tui_capture_drain(app, &job->run->log);
	if (s->errors > errors) {
		job->run->errors += s->errors - errors;
		const char *m = s->last_error.msg ? s->last_error.msg : "statement failed";
		free(job->run->error);
		job->run->error = xstrndup(m, strcspn(m, "\n"));
	}
	return rc;
}

static void *
worker(void *arg)
{
	struct tui_app *app = arg;
	struct tui_job *job = app->job;
	if (job->sql != NULL)
		job->rc = tui_job_sql(app, job, job->sql);
	else
		job->work(app, job);
	job->run->cancelled = atomic_load(&app->cancel);
	job->run->ms = dt_now_ms() - job->t0;
	atomic_store(&app->job_finished, true);
	return NULL;
}

bool
tui_job_busy(struct tui_app *app)
{
	return app->job != NULL;
}

void
tui_job_wait(struct tui_app *app, int ms)
{
	int64_t until = dt_now_ms() + ms;
	while (app->job != NULL && !atomic_load(&app->job_finished) && dt_now_ms() < until)
		napms(5);
	/* reap it, but start nothing queued: the caller is about to use the
	 * session */
	struct tui_job *queued = app->queued;
	app->queued = NULL;
	tui_job_poll(app);
	if (app->queued == NULL)
		app->queued = queued;
	else
		tui_job_free(queued);
}

int64_t
tui_job_rows(struct tui_app *app)
{
	return atomic_load(&app->job_rows);
}

bool
tui_job_cancelled(struct tui_app *app)
{
	return atomic_load(&app->cancel);
}

int
tui_job_start(struct tui_app *app, struct tui_job *job)
{
	if (app->job != NULL) {
		if (app->job->quiet || job->quiet) {
			/* a catalog refresh is quick: queue behind it (or queue it) */
			if (app->queued != NULL && app->queued->quiet && !job->quiet) {
				tui_job_free(app->queued);
				app->queued = NULL;
			}
			if (app->queued == NULL) {
				app->queued = job;
				return 0;
			}
		}
		tui_status(app, true, "busy: %s is still running (Ctrl-C cancels it)", app->job->label);
		tui_job_free(job);
		return -1;
	}
	job->run = xcalloc(1, sizeof *job->run);
	job->sink = xcalloc(1, sizeof *job->sink);
	job->sink->base.begin = sink_begin;
	job->sink->base.chunk = sink_chunk;
	job->sink->base.end = sink_end;
	job->sink->base.message = sink_message;
	job->sink->app = app;
	job->sink->run = job->run;
	job->t0 = dt_now_ms();
	atomic_store(&app->job_finished, false);
	atomic_store(&app->cancel, false);
	atomic_store(&app->job_rows, 0);
	app->job = job;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	/* statements recurse (parser, binder): as much stack as a main thread */
	pthread_attr_setstacksize(&attr, (size_t)16 << 20);
	int e = pthread_create(&app->thread, &attr, worker, app);
	pthread_attr_destroy(&attr);
	if (e != 0) {
		app->job = NULL;
		tui_status(app, true, "cannot start a worker thread: %s", strerror(e));
		tui_job_free(job);
		return -1;
	}
	return 0;
}

void
tui_job_poll(struct tui_app *app)
{
	if (app->job != NULL && atomic_load(&app->cancel)) {
		/* each statement clears the flag when it starts */
		app->s->cancel = 1;
	}
	if (app->job == NULL || !atomic_load(&app->job_finished)) {
		if (app->job == NULL && app->queued != NULL) {
			struct tui_job *q = app->queued;
			app->queued = NULL;
			tui_job_start(app, q);
		}
		return;
	}
	pthread_join(app->thread, NULL);
	struct tui_job *job = app->job;
	app->job = NULL;
	app->s->cancel = 0;
	if (job->done)
		job->done(app, job);
	tui_job_free(job);
	if (app->s->quit)
		app->quit = true;
	if (app->job == NULL && app->queued != NULL) {
		struct tui_job *q = app->queued;
		app->queued = NULL;
		tui_job_start(app, q);
	}
}

/* ------------------------------------------------------------ captured output */

void
tui_capture_drain(struct tui_app *app, struct strbuf *out)
{
	if (app->capture_fd < 0)
		return;
	fflush(stdout);
	fflush(stderr);
	char buf[8192];
	for (;;) {
		ssize_t n = pread(app->capture_fd, buf, sizeof buf, app->capture_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out != NULL)
			sb_add(out, buf, (size_t)n);
		app->capture_off += n;
	}
	/* keep the file small: everything in it has been read */
	if (app->capture_off > (1 << 20) && ftruncate(app->capture_fd, 0) == 0)
		app->capture_off = 0;
}
