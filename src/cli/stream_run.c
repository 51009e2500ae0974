/*
 * Running a streaming table's batches exactly once (the protocol is in
 * stream.h): finishing what a crash left, planning, running and
 * recording batches.
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
#include "core/datetime.h"
#include "core/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
	stream_find_commit(st, o->batch, &c.delta_version, &c.rows);
	c.time_ms = dt_now_ms();
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
	int64_t t0 = dt_now_ms(), batch = o->batch;
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
	if (n > 0 || st->aggregate) {
		/* (an aggregation with no file left still needs its query's shape) */
		stream_sql_build(&st->def, names, n, &sql);
		q = parse_statement(sql.text, sql.len, &a, err);
		if (q == NULL)
			goto out;
	}
	ins = n > 0 ? q : NULL;
	if (st->aggregate) {
		struct stream_commit prev;
		if (batch > 0 && stream_ckpt_read_commit(st->ckpt, "state", batch - 1, &prev, err) < 0) {
			err_hint(err, "the checkpoint lost its aggregation state: REFRESH STREAMING TABLE %s FULL starts over",
			    st->name);
			goto out;
		}
		if (stream_agg_batch(st, &a, q, n > 0, batch > 0 ? &prev : NULL, batch, &c, &ins, err) < 0)
			goto out;
		crash_point("after_state", batch);
	}
	if (!delta_table_exists(st->dir)) {
		if (st->create == NULL || ins == NULL) {
			err_set(err, -1, "streaming table %s has no Delta table at %s any more", st->name, st->dir);
			err_hint(err, "CREATE OR REFRESH STREAMING TABLE %s AS ... makes it again", st->name);
			goto out;
		}
		if (stream_create_table(st, &a, ins, err) < 0)
			goto out;
	}
	crash_point("before_commit", batch);
	if ((ins ? stream_insert_batch(st, &a, ins, batch, err) : stream_commit_empty(st, &a, batch, err)) < 0)
		goto out;
	crash_point("after_commit", batch);
	stream_find_commit(st, batch, &c.delta_version, &c.rows);
	c.time_ms = dt_now_ms();
	c.duration_ms = c.time_ms - t0;
	if (stream_ckpt_write_commit(st->ckpt, "commits", &c, err) < 0)
		goto out;
	crash_point("after_batch", batch);
	if (st->aggregate)
		prune_state(st, batch);
	report(st, &c, false);
	rc = 0;
out:
	stream_map_error(st, q ? &sql : NULL, err);
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
	int64_t txn = stream_table_txn(st, err);
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
		stream_map_error(st, NULL, err);
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
		struct stream_offsets o = {next, dt_now_ms(), n, files};
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

