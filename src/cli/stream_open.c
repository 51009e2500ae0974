/*
 * Opening a streaming table to run it: the table (or, for CREATE, where it
 * will be), its id and definition, the checks that the definition's query
 * can stream and that the checkpoint belongs to the table and fits the
 * definition, the lock; REFRESH ... FULL; closing.
 */
#include "cli/stream.h"
#include "cli/stmt_int.h"
#include "core/xmalloc.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
int64_t
stream_table_txn(const struct stream *st, struct wb_error *err)
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
void
stream_map_error(const struct stream *st, const struct stream_sql *sql, struct wb_error *err)
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
void
stream_definition_error(const struct stream *st, struct wb_error *err)
{
	if (!err_isset(err) || st->err_pos < 0)
		return;
	char *msg = xasprintf("the definition of streaming table %s: %s", st->name, err->msg);
	free(err->msg);
	err->msg = msg;
	err->pos = st->err_pos;
}

static void
name_text(const struct ast_name *n, struct strbuf *sb)
{
	for (int i = 0; i < n->n; i++)
		sb_printf(sb, "%s%s", i ? "." : "", n->parts[i]);
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
		stream_map_error(st, &sql, err);
	} else if (q->kind != AST_QUERY) {
		err_set(err, d->pos0, "a streaming table is defined by a query (SELECT ... FROM STREAM ...)");
	} else if (stream_agg_analyze(d, q, &a, &g, err) < 0) {
		stream_map_error(st, &sql, err);
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
	stream_definition_error(st, err);
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
		stream_definition_error(st, err);
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
		int64_t v = stream_table_txn(st, err);
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
		int r = stream_create_table(st, &a, NULL, err);
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

