/*
 * Running a streaming table's batches exactly once (the protocol is in
 * stream.h), and `wb stream run`.
 *
 * A batch's rows go through the normal Delta insert path (stmt_insert:
 * INSERT INTO t BY NAME <the batch's query>, with schema evolution when
 * the table's columns come from the data), in a commit that carries the
 * txn action (stream id, batch id) and Spark's STREAMING UPDATE
 * commitInfo (outputMode, queryId, epochId). A batch whose files are all
 * gone (ignoreMissingFiles) or that closes no window still commits its
 * txn action, so that every batch id reaches the table.
 *
 * A planned file that is gone when its batch runs fails the batch with an
 * error naming the file; nothing is committed and the checkpoint keeps the
 * plan, so the next run fails the same way until the file is back or the
 * definition says ignoreMissingFiles => true - then the batch runs
 * without it (its name stays processed). Spark behaves the same, with
 * spark.sql.files.ignoreMissingFiles.
 */
#include "cli/stream.h"
#include "cli/stmt_int.h"
#include "store/delta/delta.h"
#include "store/lake/lake.h"
#include "core/datetime.h"
#include "core/json.h"
#include "core/pool.h"
#include "core/xmalloc.h"
#include "sql/parser.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* WB_TEST_CRASH_AT=point[:batch]: the tests' way to die at a chosen moment
 * (after_offsets, after_state, before_commit, after_commit, after_batch)
 * as a kill -9 would: no clean-up of any kind. */
static void
crash_point(const char *point, int64_t batch)
{
	const char *w = getenv("WB_TEST_CRASH_AT");
	size_t n = strlen(point);
	if (w == NULL || strncmp(w, point, n) != 0 || (w[n] != '\0' && w[n] != ':'))
		return;
	if (w[n] == ':' && strtoll(w + n + 1, NULL, 10) != batch)
		return;
	_exit(99);
}

static bool
stopped(const struct stream *st)
{
	return (st->stop && *st->stop) || st->s->cancel;
}

int
stream_table_props(const char *dir, char **definition, char **id, bool *declared, struct wb_error *err)
{
	*definition = *id = NULL;
	*declared = false;
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL)
		return -1;
	bool f;
	const char *d = delta_map_get(&snap->metadata.configuration, STREAM_PROP_DEFINITION, &f);
	const char *i = delta_map_get(&snap->metadata.configuration, STREAM_PROP_ID, &f);
	if (d && i) {
		*definition = xstrdup(d);
		*id = xstrdup(i);
	}
	const char *dc = delta_map_get(&snap->metadata.configuration, STREAM_PROP_DECLARED, &f);
	*declared = dc && strcmp(dc, "true") == 0;
	delta_snapshot_free(snap);
	return 0;
}

/* The last batch of this stream the table holds (its txn version), -1 for
 * none (or no table yet), -2 with err. */
static int64_t
table_txn(const struct stream *st, struct wb_error *err)
{
	if (!delta_table_exists(st->dir))
		return -1;
	struct delta_snapshot *snap = delta_snapshot_open(st->dir, NULL, err);
	if (snap == NULL)
		return -2;
	int64_t v = -1;
	for (int i = 0; i < snap->ntxns; i++)
		if (strcmp(snap->txns[i].app_id, st->id) == 0)
			v = snap->txns[i].version;
	delta_snapshot_free(snap);
	return v;
}

/* Errors of a batch point into the definition (CREATE), or at the
 * statement that ran it (REFRESH: the definition is not in its text). */
static void
map_error(const struct stream *st, const struct stream_sql *sql, struct wb_error *err)
{
	if (!err_isset(err))
		return;
	if (st->err_pos >= 0)
		err->pos = st->err_pos;
	else if (sql && sql->text && err->pos >= 0)
		err->pos = stream_sql_pos(&st->def, sql, err->pos);
	else if (err->pos < 0)
		err->pos = st->def.pos0 + st->def.src_pos;
}

/* An error found in a stored definition: say so, since its text is not
 * the statement's. */
static void
definition_error(const struct stream *st, struct wb_error *err)
{
	if (!err_isset(err) || st->err_pos < 0)
		return;
	char *msg = xasprintf("the definition of streaming table %s: %s", st->name, err->msg);
	free(err->msg);
	err->msg = msg;
	err->pos = st->err_pos;
}

/* ------------------------------------------------------------ messages of inserts */

/* While a batch runs its INSERT (and the CREATE of its table), their
 * routine messages ("400 rows inserted") would repeat what the batch's own
 * line says; anything else (warnings) goes through. */
struct quiet_sink {
	struct wb_sink base;
	struct wb_sink *next;
};

static void
quiet_message(struct wb_sink *sk, const char *text)
{
	struct quiet_sink *q = (struct quiet_sink *)sk;
	size_t n = strspn(text, "0123456789");
	if ((n > 0 && (strcmp(text + n, " rows inserted") == 0 || strcmp(text + n, " row inserted") == 0)) ||
	    (strncmp(text, "Table ", 6) == 0 && strstr(text, " created (") != NULL))
		return;
	if (q->next && q->next->message)
		q->next->message(q->next, text);
}

static void
quiet_begin(struct session *s, struct quiet_sink *q, struct wb_sink **saved)
{
	*saved = s->override_sink;
	memset(q, 0, sizeof *q);
	q->base.message = quiet_message;
	q->next = session_sink(s);
	s->override_sink = &q->base;
}

/* ------------------------------------------------------------ the table */

static struct ast *
prop(struct arena *a, const char *key, const char *value)
{
	struct ast *p = ast_new(a, AST_PROPERTY, 0);
	p->u.prop.key = arena_strdup(a, key);
	struct ast *v = ast_new(a, AST_LITERAL, 0);
	v->u.lit.type = WB_TYPE_VARCHAR;
	v->u.lit.u.s = wb_str_c(arena_strdup(a, value));
	p->u.prop.value = v;
	return p;
}

/* CREATE the streaming table: its columns as listed, or those of query q
 * (a batch's rows: SELECT * FROM (q) LIMIT 0), its properties holding the
 * definition and the stream's id. */
static int
create_table(struct stream *st, struct arena *a, struct ast *q, struct wb_error *err)
{
	const struct stream_create *c = st->create;
	struct ast *ct = ast_new(a, AST_CREATE_TABLE, c->pos);
	ct->u.create.name = c->name;
	ct->u.create.columns = c->columns;
	ct->u.create.partitioned = c->partitioned;
	ct->u.create.comment = c->comment;
	ct->u.create.using_format = "delta";
	for (int i = 0; i < c->props.n; i++)
		ast_list_add(a, &ct->u.create.props, c->props.v[i]);
	char *def = arena_strndup(a, st->def.query, (size_t)st->def.len);
	ast_list_add(a, &ct->u.create.props, prop(a, STREAM_PROP_DEFINITION, def));
	ast_list_add(a, &ct->u.create.props, prop(a, STREAM_PROP_ID, st->id));
	if (c->columns.n > 0)
		ast_list_add(a, &ct->u.create.props, prop(a, STREAM_PROP_DECLARED, "true"));
	if (c->columns.n == 0) {
		struct ast_list items = {0};
		ast_list_add(a, &items, ast_mk_item(a, ast_new(a, AST_STAR, 0), NULL));
		struct ast *outer = ast_mk_select(a, ast_mk_derived(a, q, "batch"), &items, NULL);
		outer->u.query.limit = ast_mk_int(a, 0, 0);
		ct->u.create.query = outer;
	}
	struct quiet_sink qs;
	struct wb_sink *saved;
	quiet_begin(st->s, &qs, &saved);
	int rc = stmt_lake_create(st->s, a, ct, err);
	st->s->override_sink = saved;
	return rc;
}

static void
name_text(const struct ast_name *n, struct strbuf *sb)
{
	for (int i = 0; i < n->n; i++)
		sb_printf(sb, "%s%s", i ? "." : "", n->parts[i]);
}

/* The write options of batch N's commit. */
static void
batch_options(struct stream *st, struct arena *a, int64_t batch, struct lake_write_options *o)
{
	char **k = arena_alloc(a, sizeof *k * 3), **v = arena_alloc(a, sizeof *v * 3);
	k[0] = "outputMode";
	v[0] = "Append";
	k[1] = "queryId";
	v[1] = st->id;
	k[2] = "epochId";
	v[2] = arena_printf(a, "%lld", (long long)batch);
	*o = (struct lake_write_options){.operation = "STREAMING UPDATE", .param_keys = k, .param_values = v,
	    .nparams = 3, .txn_app_id = st->id, .txn_version = batch};
}

/* INSERT INTO t BY NAME q, in a commit with the batch's txn action. */
static int
insert_batch(struct stream *st, struct arena *a, struct ast *q, int64_t batch, struct wb_error *err)
{
	struct ast *ins = ast_new(a, AST_INSERT, 0);
	ins->u.insert.table = st->tname;
	ins->u.insert.by_name = true;
	/* columns that appear in later files join the table (they were not
	 * declared: the data decides them) */
	ins->u.insert.schema_evolution = !st->aggregate && !st->declared;
	ins->u.insert.query = q;
	struct lake_write_options o;
	batch_options(st, a, batch, &o);
	struct quiet_sink qs;
	struct wb_sink *saved;
	quiet_begin(st->s, &qs, &saved);
	int rc = stmt_insert(st->s, a, ins, &o, err);
	st->s->override_sink = saved;
	return rc;
}

/* A commit with the batch's txn action and no rows (no file of the batch
 * left, or no window closed and none open). */
static int
commit_empty(struct stream *st, struct arena *a, int64_t batch, struct wb_error *err)
{
	struct lake_write_options o;
	batch_options(st, a, batch, &o);
	struct lake_write *w = lake_write_begin(st->dir, LAKE_APPEND, 0, NULL, NULL, &o, err);
	int64_t rows;
	return w == NULL || lake_write_commit(w, &rows, err) < 0 ? -1 : 0;
}

/* Batch N's Delta commit: its version and rows written (from commitInfo:
 * operationParameters queryId and epochId, operationMetrics numOutputRows). */
static void
find_commit(const struct stream *st, int64_t batch, int64_t *version, int64_t *rows)
{
	*version = -1;
	*rows = 0;
	char epoch[32];
	snprintf(epoch, sizeof epoch, "%lld", (long long)batch);
	for (int pass = 0; pass < 2 && *version < 0; pass++) {
		struct arena a;
		arena_init(&a, 0);
		struct delta_history_entry *h;
		int64_t n;
		struct wb_error e = WB_ERROR_INIT;
		if (delta_history(st->dir, pass == 0 ? 8 : 0, LAKE_TS_SOURCE, &a, &h, &n, &e) == 0) {
			for (int64_t i = 0; i < n && *version < 0; i++) {
				struct json_error je;
				struct json *j = h[i].commit_info ? json_parse(h[i].commit_info, strlen(h[i].commit_info), &a, 0,
				    &je) : NULL;
				const struct json *p = j ? json_get(j, "operationParameters") : NULL;
				const char *qid = p ? json_get_str(p, "queryId") : NULL, *ep = p ? json_get_str(p, "epochId") : NULL;
				if (qid == NULL || ep == NULL || strcmp(qid, st->id) != 0 || strcmp(ep, epoch) != 0)
					continue;
				*version = h[i].version;
				const struct json *m = json_get(j, "operationMetrics");
				const char *r = m ? json_get_str(m, "numOutputRows") : NULL;
				if (r)
					*rows = strtoll(r, NULL, 10);
			}
		}
		err_clear(&e);
		arena_release(&a);
	}
}

/* Remove the state files of batches before batch (they are not needed
 * once batch's commit is recorded). */
static void
prune_state(const struct stream *st, int64_t batch)
{
	char *dir = stream_ckpt_path(st->ckpt, "state", -1);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char *end;
		long long k = strtoll(e->d_name, &end, 10);
		if (end == e->d_name || *end != '.' || k >= batch)
			continue;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
}

static void
report(struct stream *st, const struct stream_commit *c, bool recovered)
{
	st->batches++;
	st->files += c->files;
	st->rows += c->rows;
	st->late_rows += c->late_rows;
	if (c->delta_version >= 0) {
		if (st->first_version < 0)
			st->first_version = c->delta_version;
		st->last_version = c->delta_version;
	}
	if (st->on_batch) {
		st->on_batch(st, c, recovered);
		return;
	}
	struct strbuf sb = STRBUF_INIT;
	stream_batch_line(st, c, recovered, &sb);
	session_message(st->s, "%s", sb_str(&sb));
	sb_free(&sb);
}

void
stream_batch_line(const struct stream *st, const struct stream_commit *c, bool recovered, struct strbuf *sb)
{
	sb_printf(sb, "batch %lld: ", (long long)c->batch);
	if (recovered)
		sb_puts(sb, "committed before an interruption; ");
	sb_printf(sb, "%lld file%s", (long long)c->files, c->files == 1 ? "" : "s");
	if (c->missing)
		sb_printf(sb, " (%lld missing, skipped)", (long long)c->missing);
	if (st->aggregate) {
		char ts[40];
		sb_printf(sb, ", %lld row%s read, %lld late row%s dropped", (long long)c->input_rows,
		    c->input_rows == 1 ? "" : "s", (long long)c->late_rows, c->late_rows == 1 ? "" : "s");
		if (c->watermark_us != STREAM_NO_TIME) {
			dt_format_timestamp(c->watermark_us, ts);
			sb_printf(sb, ", watermark %s", ts);
		}
		sb_printf(sb, ", %lld window%s written, %lld open", (long long)c->windows, c->windows == 1 ? "" : "s",
		    (long long)c->open_windows);
	} else {
		sb_printf(sb, ", %lld row%s", (long long)c->rows, c->rows == 1 ? "" : "s");
	}
	if (c->delta_version >= 0)
		sb_printf(sb, " (Delta version %lld)", (long long)c->delta_version);
}

/* ------------------------------------------------------------ batches */

/* Batch N was committed but the process stopped before commits/N: record it. */
static int
recover_batch(struct stream *st, const struct stream_offsets *o, struct wb_error *err)
{
	struct stream_commit c;
	stream_commit_init(&c, o->batch);
	if (st->aggregate) {
		char *p = stream_ckpt_state_path(st->ckpt, o->batch, "json");
		bool have = access(p, F_OK) == 0;
		free(p);
		if (have && stream_ckpt_read_commit(st->ckpt, "state", o->batch, &c, err) < 0)
			return -1;
	}
	c.files = o->nfiles;
	find_commit(st, o->batch, &c.delta_version, &c.rows);
	c.time_ms = now_ms();
	if (stream_ckpt_write_commit(st->ckpt, "commits", &c, err) < 0)
		return -1;
	if (st->aggregate)
		prune_state(st, o->batch);
	report(st, &c, true);
	return 0;
}

static int
run_batch(struct stream *st, const struct stream_offsets *o, struct wb_error *err)
{
	int64_t t0 = now_ms(), batch = o->batch;
	struct arena a;
	arena_init(&a, 0);
	struct stream_sql sql = {0};
	struct stream_commit c;
	stream_commit_init(&c, batch);
	char **names = xcalloc((size_t)o->nfiles + 1, sizeof *names);
	int n = 0, rc = -1;
	struct ast *q = NULL, *ins;
	for (int i = 0; i < o->nfiles; i++) {
		const struct stream_file *f = &o->files[i];
		struct stat sb;
		if (stat(f->path, &sb) != 0) {
			if (st->def.ignore_missing) {
				c.missing++;
				wb_notice("streaming table %s, batch %lld: file '%s' is gone; the batch runs without it "
				    "(ignoreMissingFiles)", st->name, (long long)batch, f->path);
				continue;
			}
			err_set(err, -1, "file '%s' of batch %lld of streaming table %s is gone (%s); the batch read nothing "
			    "and committed nothing", f->path, (long long)batch, st->name, strerror(errno));
			err_hint(err, "put the file back and refresh again; or, to run the batch without it, add "
			    "ignoreMissingFiles => true to the STREAM source's options (CREATE OR REFRESH STREAMING TABLE)");
			goto out;
		}
		if (sb.st_size != f->size)
			wb_notice("streaming table %s, batch %lld: file '%s' changed since the batch was planned (%lld bytes "
			    "then, %lld now); it is read as it is now", st->name, (long long)batch, f->path, (long long)f->size,
			    (long long)sb.st_size);
		names[n++] = f->path;
	}
	c.files = n;
	if (n > 0) {
		stream_sql_build(&st->def, names, n, &sql);
		q = parse_statement(sql.text, sql.len, &a, err);
		if (q == NULL)
			goto out;
	}
	ins = q;
	if (st->aggregate) {
		struct stream_commit prev;
		if (batch > 0 && stream_ckpt_read_commit(st->ckpt, "state", batch - 1, &prev, err) < 0) {
			err_hint(err, "the checkpoint lost its aggregation state: REFRESH STREAMING TABLE %s FULL starts over",
			    st->name);
			goto out;
		}
		if (stream_agg_batch(st, &a, q, batch > 0 ? &prev : NULL, batch, &c, &ins, err) < 0)
			goto out;
		crash_point("after_state", batch);
	}
	if (!delta_table_exists(st->dir)) {
		if (st->create == NULL || ins == NULL) {
			err_set(err, -1, "streaming table %s has no Delta table at %s any more", st->name, st->dir);
			err_hint(err, "CREATE OR REFRESH STREAMING TABLE %s AS ... makes it again", st->name);
			goto out;
		}
		if (create_table(st, &a, ins, err) < 0)
			goto out;
	}
	crash_point("before_commit", batch);
	if ((ins ? insert_batch(st, &a, ins, batch, err) : commit_empty(st, &a, batch, err)) < 0)
		goto out;
	crash_point("after_commit", batch);
	find_commit(st, batch, &c.delta_version, &c.rows);
	c.time_ms = now_ms();
	c.duration_ms = c.time_ms - t0;
	if (stream_ckpt_write_commit(st->ckpt, "commits", &c, err) < 0)
		goto out;
	crash_point("after_batch", batch);
	if (st->aggregate)
		prune_state(st, batch);
	report(st, &c, false);
	rc = 0;
out:
	map_error(st, q ? &sql : NULL, err);
	stream_sql_free(&sql);
	free(names);
	arena_release(&a);
	return rc;
}

int
stream_run_available(struct stream *st, struct wb_error *err)
{
	int64_t *offs = NULL, *coms = NULL;
	int noffs = 0, ncoms = 0, nlisted = 0, rc = -1;
	struct stream_file *listed = NULL;
	struct arena a;
	arena_init(&a, 0);
	st->young = 0;
	if (stream_ckpt_list(st->ckpt, "offsets", &offs, &noffs, err) < 0 ||
	    stream_ckpt_list(st->ckpt, "commits", &coms, &ncoms, err) < 0)
		goto out;
	int64_t last_off = noffs ? offs[noffs - 1] : -1, last_com = ncoms ? coms[ncoms - 1] : -1;
	int64_t txn = table_txn(st, err);
	if (txn < -1)
		goto out;
	if (txn > last_off) {
		err_set(err, -1, "streaming table %s holds batch %lld of its stream, but its checkpoint only planned up to "
		    "batch %lld", st->name, (long long)txn, (long long)last_off);
		err_hint(err, "the checkpoint (%s) is not the one the table was written with: put it back, or REFRESH "
		    "STREAMING TABLE %s FULL to process everything again", st->ckpt, st->name);
		goto out;
	}
	/* every file planned before is processed (or being processed); a
	 * process running the stream in a loop reads each plan once (it holds
	 * the lock: no other process plans) */
	for (int i = 0; i < noffs; i++) {
		struct stream_offsets o;
		if (offs[i] <= st->seen_upto)
			continue;
		arena_reset(&a);
		if (stream_ckpt_read_offsets(st->ckpt, offs[i], &a, &o, err) < 0)
			goto out;
		for (int k = 0; k < o.nfiles; k++)
			stream_seen_add(&st->seen, o.files[k].path);
		st->seen_upto = offs[i];
	}
	stream_seen_sort(&st->seen);
	/* a batch planned but not recorded as committed: finish it */
	for (int64_t b = last_com + 1; b <= last_off && !stopped(st); b++) {
		struct stream_offsets o;
		arena_reset(&a);
		if (stream_ckpt_read_offsets(st->ckpt, b, &a, &o, err) < 0)
			goto out;
		if ((b <= txn ? recover_batch(st, &o, err) : run_batch(st, &o, err)) < 0)
			goto out;
	}
	/* new batches, from the files there now (trigger available-now) */
	if (!stopped(st) && stream_list_files(&st->def, &listed, &nlisted, err) < 0) {
		map_error(st, NULL, err);
		goto out;
	}
	int64_t next = (last_off > last_com ? last_off : last_com) + 1;
	while (!stopped(st)) {
		struct stream_file *files;
		int n, young;
		if (stream_plan_batch(&st->def, listed, nlisted, &st->seen, &files, &n, &young, err) < 0)
			goto out;
		st->young = young;
		if (n == 0) {
			free(files);
			break;
		}
		struct stream_offsets o = {next, now_ms(), n, files};
		int r = stream_ckpt_write_offsets(st->ckpt, &o, err);
		if (r == 0) {
			crash_point("after_offsets", next);
			for (int k = 0; k < n; k++)
				stream_seen_add(&st->seen, files[k].path);
			stream_seen_sort(&st->seen);
			st->seen_upto = next;
			r = run_batch(st, &o, err);
		}
		stream_files_free(files, n);
		if (r < 0)
			goto out;
		next++;
	}
	rc = 0;
out:
	if (rc < 0 && err_isset(err) && err->pos < 0)
		err->pos = st->err_pos;
	stream_files_free(listed, nlisted);
	free(offs);
	free(coms);
	arena_release(&a);
	return rc;
}

/* ------------------------------------------------------------ opening */

static int check_state(struct stream *st, struct wb_error *err);

/* Check what the definition does: an aggregation (stream_agg.c) or rows
 * as they come; window() and WATERMARK only make sense in the former. */
static int
check_query(struct stream *st, struct wb_error *err)
{
	const struct stream_def *d = &st->def;
	struct stream_sql sql;
	stream_sql_build(d, NULL, 0, &sql);
	struct arena a;
	arena_init(&a, 0);
	int rc = -1;
	struct ast *q = parse_statement(sql.text, sql.len, &a, err);
	struct stream_agg *g = NULL;
	if (q == NULL) {
		map_error(st, &sql, err);
	} else if (q->kind != AST_QUERY) {
		err_set(err, d->pos0, "a streaming table is defined by a query (SELECT ... FROM STREAM ...)");
	} else if (stream_agg_analyze(d, q, &a, &g, err) < 0) {
		map_error(st, &sql, err);
	} else if (g == NULL && d->wm_column) {
		err_set(err, d->pos0 + d->wm_pos, "WATERMARK applies to a streaming aggregation, and this query aggregates "
		    "nothing");
		err_hint(err, "drop the WATERMARK clause, or GROUP BY window(%s, '10 minutes'), ...", d->wm_column);
	} else {
		int at = -1;
		for (int i = 0; i < d->nedits && g == NULL && at < 0; i++)
			if (d->edits[i].text && strcmp(d->edits[i].text, STREAM_WINDOW_FN) == 0)
				at = d->edits[i].start;
		if (at >= 0) {
			err_set(err, d->pos0 + at, "window() groups the rows of a streaming aggregation");
			err_hint(err, "GROUP BY window(event_time, '10 minutes'), ... with a WATERMARK on event_time");
		} else {
			st->aggregate = g != NULL;
			st->signature = g ? stream_agg_signature(g) : 0;
			rc = 0;
		}
	}
	definition_error(st, err);
	stream_sql_free(&sql);
	arena_release(&a);
	return rc;
}

int
stream_open(struct stream *st, struct session *s, const struct ast_name *tname, int pos,
    const struct stream_create *create, const char *query, int query_len, int query_pos, bool full,
    struct wb_error *err)
{
	memset(st, 0, sizeof *st);
	arena_init(&st->arena, 0);
	st->s = s;
	st->lock_fd = -1;
	st->tname = *tname;
	st->create = create;
	st->err_pos = create ? -1 : pos;
	st->first_version = st->last_version = -1;
	st->seen_upto = -1;
	struct strbuf nb = STRBUF_INIT;
	name_text(tname, &nb);
	st->name = arena_strdup(&st->arena, sb_str(&nb));
	sb_free(&nb);
	char *def = NULL, *id = NULL;
	int rc = -1;
	struct table *t = catalog_find(s->catalog, tname->parts, tname->n);
	if (t != NULL) {
		const char *dir = lake_table_dir(t);
		if (dir == NULL || stream_table_props(dir, &def, &id, &st->declared, err) < 0 || def == NULL) {
			if (!err_isset(err) && create) {
				err_set(err, pos, "table %s exists and is not a streaming table", st->name);
				err_hint(err, "DROP TABLE %s first, or give the streaming table another name", st->name);
			} else if (!err_isset(err)) {
				err_set(err, pos, "%s is not a streaming table", st->name);
				err_hint(err, "CREATE OR REFRESH STREAMING TABLE %s AS SELECT ... FROM STREAM read_csv('...') "
				    "makes one", st->name);
			}
			goto out;
		}
		st->dir = xstrdup(dir);
	} else if (create == NULL) {
		t = catalog_get(s->catalog, tname->parts, tname->n, err);
		err_at(err, pos);
		goto out;
	} else {
		st->dir = catalog_table_dir(s->catalog, tname->parts, tname->n, err);
		if (st->dir == NULL) {
			err_at(err, pos);
			goto out;
		}
		struct stat sb;
		st->created_dir = stat(st->dir, &sb) != 0;
		char uuid[37];
		delta_uuid(uuid);
		id = xstrdup(uuid);
		st->declared = create->columns.n > 0;
	}
	st->id = arena_strdup(&st->arena, id);
	const char *text = create ? query : def;
	int len = create ? query_len : (int)strlen(def);
	char *copy = arena_strndup(&st->arena, text, (size_t)len);
	if (stream_def_parse(copy, len, create ? query_pos : 0, &st->arena, &st->def, err) < 0) {
		definition_error(st, err);
		goto out;
	}
	if (check_query(st, err) < 0)
		goto out;
	st->ckpt = xasprintf("%s/%s", st->dir, STREAM_CHECKPOINT_DIR);
	if (stream_ckpt_mkdirs(st->ckpt, err) < 0 || (st->lock_fd = stream_ckpt_lock(st->ckpt, err)) < 0) {
		err_at(err, pos);
		goto out;
	}
	/* the checkpoint must be this stream's: a table holding batches of the
	 * stream without its checkpoint would read every file again */
	char *ckid = stream_ckpt_id(st->ckpt);
	if (full && t) {
		free(ckid);
		if (stream_reset(st, err) < 0) {
			err_at(err, pos);
			goto out;
		}
		ckid = xstrdup(st->id);
	}
	if (ckid == NULL || strcmp(ckid, st->id) != 0) {
		int64_t v = table_txn(st, err);
		if (v >= 0) {
			err_set(err, pos, "the checkpoint of streaming table %s (%s) is missing or belongs to another stream, "
			    "but the table holds batches 0 to %lld of this one", st->name, st->ckpt, (long long)v);
			err_hint(err, "put the checkpoint back; or REFRESH STREAMING TABLE %s FULL empties the table and "
			    "processes every file again", st->name);
		}
		if (v != -1 || stream_ckpt_reset(st->ckpt, st->id, st->name, err) < 0) {
			free(ckid);
			err_at(err, pos);
			goto out;
		}
	}
	free(ckid);
	int fits = check_state(st, err);
	if (create && t && strcmp(def, copy) != 0) {
		/* CREATE OR REFRESH with a new query (under the lock): the table
		 * keeps its data, its checkpoint and its id; later batches run
		 * the new query - or, when its state does not fit the
		 * checkpoint's, REFRESH ... FULL does */
		char *k[] = {STREAM_PROP_DEFINITION}, *v[] = {copy};
		if (lake_set_properties(st->dir, 1, k, v, false, false, err) < 0) {
			err_at(err, pos);
			goto out;
		}
	}
	if (fits < 0) {
		err->pos = create ? st->def.pos0 : pos;
		goto out;
	}
	if (create && t == NULL && create->columns.n > 0) {
		struct arena a;
		arena_init(&a, 0);
		int r = create_table(st, &a, NULL, err);
		arena_release(&a);
		if (r < 0)
			goto out;
	}
	rc = 0;
out:
	table_unref(t);
	free(def);
	free(id);
	return rc;
}

/* The last batch's state must fit the definition's aggregation: a
 * changed window, key or aggregate needs a FULL refresh. */
static int
check_state(struct stream *st, struct wb_error *err)
{
	int64_t *coms;
	int n;
	if (stream_ckpt_list(st->ckpt, "commits", &coms, &n, err) < 0)
		return -1;
	int64_t last = n ? coms[n - 1] : -1;
	free(coms);
	struct stream_commit c;
	if (last < 0 || stream_ckpt_read_commit(st->ckpt, "commits", last, &c, err) < 0)
		return err_isset(err) ? -1 : 0;
	if (!st->aggregate && c.signature == 0)
		return 0;
	if (st->aggregate && c.signature == st->signature)
		return 0;
	if (st->aggregate && c.signature)
		err_set(err, st->def.pos0, "the definition's windows, keys or aggregates changed since batch %lld: its state "
		    "does not fit them", (long long)last);
	else
		err_set(err, st->def.pos0, "the definition %s since batch %lld: its checkpoint cannot go on with it",
		    st->aggregate ? "aggregates now, and did not" : "no longer aggregates, and did", (long long)last);
	err_hint(err, "the definition is kept: REFRESH STREAMING TABLE %s FULL empties the table and processes every file "
	    "again with it", st->name);
	return -1;
}

/* Does dir hold nothing but a checkpoint (a CREATE that stopped before
 * its table was made)? */
static bool
only_checkpoint(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool only = d != NULL;
	while (d && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 && strcmp(e->d_name, STREAM_CHECKPOINT_DIR) != 0)
			only = false;
	if (d)
		closedir(d);
	return only;
}

void
stream_close(struct stream *st)
{
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	/* a CREATE that made no table leaves no folder behind */
	if (st->create && st->dir && !delta_table_exists(st->dir) && (st->created_dir || only_checkpoint(st->dir))) {
		struct wb_error e = WB_ERROR_INIT;
		lake_remove_tree(st->dir, &e);
		err_clear(&e);
	}
	free(st->dir);
	free(st->ckpt);
	stream_seen_free(&st->seen);
	arena_release(&st->arena);
	memset(st, 0, sizeof *st);
	st->lock_fd = -1;
}

int
stream_reset(struct stream *st, struct wb_error *err)
{
	struct delta_snapshot *snap = delta_snapshot_open(st->dir, NULL, err);
	if (snap == NULL)
		return -1;
	struct arena a;
	arena_init(&a, 0);
	char uuid[37];
	delta_uuid(uuid);
	int ncol = snap->schema.ncols, np = snap->metadata.configuration.n;
	char **names = arena_alloc(&a, sizeof *names * (size_t)(ncol + 1));
	wb_type *types = arena_alloc(&a, sizeof *types * (size_t)(ncol + 1));
	for (int i = 0; i < ncol; i++) {
		names[i] = (char *)snap->schema.cols[i].name;
		types[i] = snap->schema.cols[i].type;
	}
	char **keys = arena_alloc(&a, sizeof *keys * (size_t)(np + 1)), **vals = arena_alloc(&a, sizeof *vals * (size_t)(np + 1));
	for (int i = 0; i < np; i++) {
		keys[i] = (char *)snap->metadata.configuration.keys[i];
		vals[i] = (char *)snap->metadata.configuration.values[i];
		if (strcmp(keys[i], STREAM_PROP_ID) == 0)
			vals[i] = uuid;
	}
	struct lake_write_options o = {.comment = snap->metadata.description, .prop_keys = keys, .prop_values = vals,
	    .nprops = np, .operation = "STREAMING TABLE FULL REFRESH",
	    .partition_by = (char *const *)snap->metadata.partition_columns, .npartition = snap->metadata.npartition_columns};
	struct lake_write *w = lake_write_begin(st->dir, LAKE_REPLACE, ncol, names, types, &o, err);
	int64_t rows;
	int rc = w == NULL || lake_write_commit(w, &rows, err) < 0 ? -1 : 0;
	if (rc == 0) {
		/* from here the old checkpoint is a stranger's: started over now,
		 * or by the next run if this process stops first */
		st->id = arena_strdup(&st->arena, uuid);
		rc = stream_ckpt_reset(st->ckpt, st->id, st->name, err);
	}
	arena_release(&a);
	delta_snapshot_free(snap);
	return rc;
}

/* ------------------------------------------------------------ wb stream run */

static volatile sig_atomic_t cli_stop;

static void
on_stop(int sig)
{
	(void)sig;
	cli_stop = 1;
}

static const char cli_usage[] =
    "usage: wb stream run TABLE [--every DURATION] [--warehouse DIR]\n"
    "\n"
    "Keeps streaming table TABLE up to date: processes the files that arrived,\n"
    "then looks again every DURATION (default 1s; e.g. 500ms, 10s, 5m). Stops on\n"
    "Ctrl-C or SIGTERM after the batch running, with a summary line.\n";

/* "10s", "500ms", "5m", "1h", "2" (seconds): milliseconds, or -1. */
static int64_t
parse_duration(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || v < 0)
		return -1;
	double ms = v * 1000;
	if (strcmp(end, "ms") == 0)
		ms = v;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		ms = v * 60000;
	else if (strcmp(end, "h") == 0)
		ms = v * 3600000;
	else if (*end != '\0' && strcmp(end, "s") != 0)
		return -1;
	return (int64_t)ms;
}

static void
cli_batch(struct stream *st, const struct stream_commit *c, bool recovered)
{
	struct strbuf sb = STRBUF_INIT;
	char ts[40];
	dt_format_timestamp(now_ms() * 1000, ts);
	stream_batch_line(st, c, recovered, &sb);
	printf("%s %s %s\n", ts, st->name, sb_str(&sb));
	fflush(stdout);
	sb_free(&sb);
}

static void
cli_error(struct wb_error *err)
{
	fprintf(stderr, "wb stream run: %s\n", err->msg ? err->msg : "failed");
	if (err->hint)
		fprintf(stderr, "HINT: %s\n", err->hint);
	err_clear(err);
}

int
stream_cli(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "run") != 0) {
		bool help = argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
		fputs(cli_usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	const char *table = NULL, *warehouse = NULL;
	int64_t every = 1000;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if ((strcmp(a, "--every") == 0 || strcmp(a, "--warehouse") == 0) && i + 1 < argc) {
			if (strcmp(a, "--warehouse") == 0) {
				warehouse = argv[++i];
			} else if ((every = parse_duration(argv[++i])) < 0) {
				fprintf(stderr, "wb stream run: --every takes a duration such as 10s, 500ms or 5m, got '%s'\n", argv[i]);
				return 2;
			}
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(cli_usage, stdout);
			return 0;
		} else if (a[0] != '-' && table == NULL) {
			table = a;
		} else {
			fputs(cli_usage, stderr);
			return 2;
		}
	}
	if (table == NULL) {
		fputs(cli_usage, stderr);
		return 2;
	}
	struct session *s = session_new();
	char *root = lake_warehouse_root(warehouse);
	catalog_set_warehouse(s->catalog, root);
	free(root);
	struct wb_error err = WB_ERROR_INIT;
	struct arena a;
	arena_init(&a, 0);
	struct parser p;
	struct ast_name name;
	int rc = 1;
	struct stream st;
	memset(&st, 0, sizeof st);
	st.lock_fd = -1;
	if (!parser_open(&p, table, (int)strlen(table), &a, &err) || !parser_qualified_name(&p, &name) ||
	    !parser_at_end(&p)) {
		if (!err_isset(&err))
			err_set(&err, -1, "'%s' is not a table name", table);
		cli_error(&err);
		goto done;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (stream_open(&st, s, &name, -1, NULL, NULL, 0, 0, false, &err) < 0) {
		cli_error(&err);
		goto done;
	}
	st.stop = &cli_stop;
	st.on_batch = cli_batch;
	int64_t t0 = now_ms();
	rc = 0;
	while (!cli_stop) {
		int64_t start = now_ms();
		if (stream_run_available(&st, &err) < 0) {
			cli_error(&err);
			rc = 1;
			break;
		}
		while (!cli_stop && now_ms() - start < every) {
			struct timespec ts = {0, 50 * 1000000};
			nanosleep(&ts, NULL);
		}
	}
	printf("wb stream run: %s %s after %lld batch%s, %lld file%s, %lld row%s written", st.name,
	    rc == 0 ? "stopped" : "failed", (long long)st.batches, st.batches == 1 ? "" : "es", (long long)st.files,
	    st.files == 1 ? "" : "s", (long long)st.rows, st.rows == 1 ? "" : "s");
	if (st.aggregate)
		printf(", %lld late row%s dropped", (long long)st.late_rows, st.late_rows == 1 ? "" : "s");
	printf(" in %.1f s\n", (double)(now_ms() - t0) / 1000);
	fflush(stdout);
done:
	stream_close(&st);
	arena_release(&a);
	session_free(s);
	pool_shutdown();
	return rc;
}
