/*
 * Writing Delta tables: new Parquet data files (one per statement, or one
 * per batch of rewritten files: lake_write_next_file), then one commit.
 * Every file is written completely (and closed) before the commit that
 * adds it is published, so a crash at any point leaves either the old
 * version (plus unreferenced files that VACUUM removes) or the new one.
 */
#include "store/lake/lake_int.h"
#include "store/parquet/pq.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

struct lake_write {
	char *dir;
	enum lake_write_mode mode;
	struct arena arena;
	struct delta_snapshot *read;   /* the version written on top of; NULL when creating */
	bool own_read;                 /* read is freed with w (not for lake_write_begin_at) */
	bool rewrite;                  /* lake_write_begin_at: the caller's metrics */
	const char *m_added_files, *m_removed_files, *m_added_bytes, *m_removed_bytes;
	int64_t removed_files, removed_bytes;
	struct delta_schema schema;    /* the table's schema after the commit */
	int *scol;                     /* written column -> schema column */
	int ncol;
	struct delta_commit *commit;
	char **names;                  /* the written columns (for each new file) */
	wb_type *types;
	char *file;                    /* the data file being written: relative name, full path */
	char *path;
	struct pq_writer *pq;
	char **done;                   /* full paths of the closed files with rows */
	int ndone;
	size_t done_cap;
	int64_t added_rows, added_bytes;
};

int
lake_check_unpartitioned(const struct delta_snapshot *snap, const char *dir, struct wb_error *err)
{
	if (snap->metadata.npartition_columns == 0)
		return 0;
	err_set(err, -1, "Delta table %s is partitioned by %s: writing partitioned tables is not supported yet", dir,
	    snap->metadata.partition_columns[0]);
	return -1;
}

static void
lw_free(struct lake_write *w)
{
	if (w->commit)
		delta_commit_free(w->commit);
	if (w->own_read)
		delta_snapshot_free(w->read);
	free(w->dir);
	free(w->file);
	free(w->path);
	free(w->scol);
	for (int i = 0; i < w->ndone; i++)
		free(w->done[i]);
	free(w->done);
	arena_release(&w->arena);
	free(w);
}

/* Remove every data file this write made (it failed or gave up). */
static void
lw_unlink_all(struct lake_write *w)
{
	if (w->pq) {
		pq_writer_abort(w->pq);
		w->pq = NULL;
	}
	for (int i = 0; i < w->ndone; i++)
		unlink(w->done[i]);
}

static const char *
default_operation(enum lake_write_mode mode)
{
	switch (mode) {
	case LAKE_CREATE: return "CREATE TABLE AS SELECT";
	case LAKE_REPLACE: return "CREATE OR REPLACE TABLE AS SELECT";
	default: return "WRITE";
	}
}

/* New metadata (CREATE / REPLACE) from the written columns. */
static void
set_new_metadata(struct lake_write *w, int ncol, char *const *names, const wb_type *types,
    const struct lake_write_options *o)
{
	w->schema.ncols = ncol;
	w->schema.cols = arena_zalloc(&w->arena, sizeof(struct delta_column) * (size_t)(ncol ? ncol : 1));
	for (int c = 0; c < ncol; c++) {
		struct delta_column *dc = &w->schema.cols[c];
		dc->name = arena_strdup(&w->arena, names[c]);
		dc->type = types[c];
		dc->delta_type = delta_type_for(types[c]);
		dc->nullable = true;
		dc->metadata = "{}";
		dc->partition_index = -1;
	}
	struct delta_metadata md;
	delta_metadata_new(&w->schema, NULL, 0, &w->arena, &md);
	if (w->read)
		md.id = w->read->metadata.id;     /* a replaced table keeps its identity */
	if (o && o->comment)
		md.description = o->comment;
	if (o && o->nprops > 0) {
		md.configuration.n = o->nprops;
		md.configuration.keys = (const char **)o->prop_keys;
		md.configuration.values = (const char **)o->prop_values;
	}
	delta_commit_set_metadata(w->commit, &md);
}

/* Create a new data file w->file (a fresh name) for the written columns. */
static int
open_data_file(struct lake_write *w, char *const *names, const wb_type *types, struct wb_error *err)
{
	if (w->names == NULL) {
		w->names = arena_zalloc(&w->arena, sizeof(char *) * (size_t)(w->ncol ? w->ncol : 1));
		w->types = arena_zalloc(&w->arena, sizeof(wb_type) * (size_t)(w->ncol ? w->ncol : 1));
		for (int c = 0; c < w->ncol; c++) {
			w->names[c] = arena_strdup(&w->arena, names[c]);
			w->types[c] = types[c];
		}
	}
	char uuid[37];
	delta_uuid(uuid);
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "part-%05d-%s-c000.zstd.parquet", w->ndone, uuid);
	free(w->file);
	w->file = sb_detach(&sb);
	sb_printf(&sb, "%s/%s", w->dir, w->file);
	free(w->path);
	w->path = sb_detach(&sb);
	struct pq_write_options po;
	pq_write_options_init(&po);
	w->pq = pq_writer_open(w->path, w->ncol, w->names, w->types, &po, err);
	return w->pq ? 0 : -1;
}

/* Close the data file being written: with rows, its add action goes to
 * the commit; without, the file goes. */
static int
close_data_file(struct lake_write *w, struct wb_error *err)
{
	struct pq_write_stats ws = {0};
	struct pq_writer *pq = w->pq;
	w->pq = NULL;
	if (pq == NULL)
		return 0;
	if (pq_writer_close(pq, &ws, err) < 0)
		return -1;
	if (ws.rows == 0) {
		unlink(w->path);    /* no rows: no file (as Spark writes none) */
		pq_write_stats_free(&ws);
		return 0;
	}
	/* statistics in the table's column order */
	struct delta_file_stats fs = {ws.rows, true, NULL};
	fs.cols = arena_zalloc(&w->arena, sizeof(struct delta_col_stats) * (size_t)(w->schema.ncols ? w->schema.ncols : 1));
	for (int c = 0; c < w->schema.ncols; c++)
		fs.cols[c].null_count = -1;
	for (int c = 0; c < w->ncol && c < ws.ncol; c++) {
		struct delta_col_stats *d = &fs.cols[w->scol[c]];
		d->has_min = d->has_max = ws.cols[c].has_minmax;
		d->min = ws.cols[c].min;
		d->max = ws.cols[c].max;
		d->null_count = ws.cols[c].null_count;
	}
	struct strbuf stats = STRBUF_INIT, rel = STRBUF_INIT;
	delta_stats_write(&w->schema, &fs, &stats);
	delta_path_encode(w->file, &rel);
	struct delta_add add = {0};
	add.path = sb_str(&rel);
	add.size = ws.bytes;
	add.modification_time = lake_now_ms();
	add.data_change = true;
	add.stats = sb_str(&stats);
	add.base_row_id = -1;
	add.default_row_commit_version = -1;
	delta_commit_add(w->commit, &add);
	sb_free(&stats);
	sb_free(&rel);
	w->done = xgrow(w->done, &w->done_cap, (size_t)w->ndone + 1, sizeof *w->done);
	w->done[w->ndone++] = xstrdup(w->path);
	w->added_rows += ws.rows;
	w->added_bytes += ws.bytes;
	pq_write_stats_free(&ws);
	return 0;
}

int
lake_write_next_file(struct lake_write *w, struct wb_error *err)
{
	if (w->pq == NULL)
		return 0;
	if (close_data_file(w, err) < 0 || open_data_file(w, w->names, w->types, err) < 0) {
		lw_unlink_all(w);
		return -1;
	}
	return 0;
}

/* Map the written columns onto the read schema (w->scol); with
 * merge_schema, columns it lacks are appended to it and the commit gets the
 * new metadata. */
static int
map_columns(struct lake_write *w, int ncol, char *const *names, const wb_type *types, bool merge_schema,
    struct wb_error *err)
{
	const struct delta_schema *old = &w->read->schema;
	w->schema = *old;
	int nnew = 0;
	for (int c = 0; c < ncol; c++) {
		w->scol[c] = delta_schema_find(old, names[c]);
		if (w->scol[c] >= 0 && old->cols[w->scol[c]].type != types[c]) {
			err_set(err, -1, "Delta table %s: column \"%s\" is %s, the data written is %s", w->dir, names[c],
			    type_name(old->cols[w->scol[c]].type), type_name(types[c]));
			return -1;
		}
		if (w->scol[c] < 0 && !merge_schema) {
			err_set(err, -1, "Delta table %s has no column \"%s\"", w->dir, names[c]);
			err_hint(err, "SET spark.databricks.delta.schema.autoMerge.enabled = true adds new columns to the schema");
			return -1;
		}
		if (w->scol[c] < 0)
			nnew++;
	}
	if (nnew == 0)
		return 0;
	w->schema.ncols = old->ncols + nnew;
	w->schema.cols = arena_zalloc(&w->arena, sizeof(struct delta_column) * (size_t)w->schema.ncols);
	memcpy(w->schema.cols, old->cols, sizeof(struct delta_column) * (size_t)old->ncols);
	int k = old->ncols;
	for (int c = 0; c < ncol; c++) {
		if (w->scol[c] >= 0)
			continue;
		if (types[c] == WB_TYPE_INTERVAL || type_is_list(types[c]) || types[c] == WB_TYPE_NULL) {
			err_set(err, -1, "Delta table %s: new column \"%s\" is %s, which a Delta table cannot store", w->dir,
			    names[c], type_name(types[c]));
			err_hint(err, "cast it to a storable type (BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP, BOOLEAN)");
			return -1;
		}
		struct delta_column *dc = &w->schema.cols[k];
		dc->name = arena_strdup(&w->arena, names[c]);
		dc->type = types[c];
		dc->delta_type = delta_type_for(types[c]);
		dc->nullable = true;
		dc->metadata = "{}";
		dc->partition_index = -1;
		w->scol[c] = k++;
	}
	struct delta_metadata md = w->read->metadata;
	struct strbuf sb = STRBUF_INIT;
	delta_schema_write(&w->schema, &sb);
	md.schema_string = arena_strdup(&w->arena, sb_str(&sb));
	sb_free(&sb);
	delta_commit_set_metadata(w->commit, &md);
	return 0;
}

struct lake_write *
lake_write_begin(const char *dir, enum lake_write_mode mode, int ncol, char *const *names, const wb_type *types,
    const struct lake_write_options *o, struct wb_error *err)
{
	struct lake_write *w = xcalloc(1, sizeof *w);
	arena_init(&w->arena, 0);
	w->dir = xstrdup(dir);
	w->mode = mode;
	w->ncol = ncol;
	w->scol = xcalloc((size_t)(ncol ? ncol : 1), sizeof(int));
	bool exists = delta_table_exists(dir);
	if (mode == LAKE_CREATE && exists) {
		err_set(err, -1, "a Delta table already exists at %s", dir);
		err_hint(err, "CREATE OR REPLACE TABLE replaces it; DROP TABLE removes it");
		goto fail;
	}
	if (mode == LAKE_REPLACE && !exists)
		mode = w->mode = LAKE_CREATE;
	if (mode != LAKE_CREATE) {
		w->read = delta_snapshot_open(dir, NULL, err);
		if (w->read == NULL)
			goto fail;
		w->own_read = true;
		if (mode != LAKE_REPLACE && lake_check_unpartitioned(w->read, dir, err) < 0)
			goto fail;
	}
	const char *op = o && o->operation ? o->operation : default_operation(mode);
	w->commit = delta_commit_begin(dir, w->read, op, err);
	if (w->commit == NULL)
		goto fail;
	if (mode == LAKE_CREATE || mode == LAKE_REPLACE) {
		set_new_metadata(w, ncol, names, types, o);
		for (int c = 0; c < ncol; c++)
			w->scol[c] = c;
	} else if (map_columns(w, ncol, names, types, o && o->merge_schema, err) < 0) {
		goto fail;
	}
	for (int i = 0; o && i < o->ntxns; i++)
		delta_commit_set_txn(w->commit, o->txn_ids[i], 1);
	if (mode == LAKE_REPLACE || mode == LAKE_OVERWRITE) {
		int64_t t = lake_now_ms();
		for (int64_t f = 0; f < w->read->nfiles; f++) {
			struct delta_remove rm = delta_remove_for(&w->read->files[f], t);
			delta_commit_remove(w->commit, &rm);
		}
		delta_commit_reads_table(w->commit);
	}
	delta_commit_param(w->commit, "mode", mode == LAKE_APPEND ? "Append" : mode == LAKE_CREATE ? "ErrorIfExists" : "Overwrite");
	if (lake_mkdirs(dir, err) < 0 || open_data_file(w, names, types, err) < 0)
		goto fail;
	return w;
fail:
	lw_free(w);
	return NULL;
}

struct lake_write *
lake_write_begin_at(const char *dir, struct delta_snapshot *read, const char *op, int ncol, char *const *names,
    const wb_type *types, bool merge_schema, struct wb_error *err)
{
	struct lake_write *w = xcalloc(1, sizeof *w);
	arena_init(&w->arena, 0);
	w->dir = xstrdup(dir);
	w->mode = LAKE_APPEND;
	w->rewrite = true;
	w->read = read;
	w->ncol = ncol;
	w->scol = xcalloc((size_t)(ncol ? ncol : 1), sizeof(int));
	if (lake_check_unpartitioned(read, dir, err) < 0)
		goto fail;
	w->commit = delta_commit_begin(dir, read, op, err);
	if (w->commit == NULL)
		goto fail;
	delta_commit_reads_table(w->commit);
	if (ncol > 0) {
		if (map_columns(w, ncol, names, types, merge_schema, err) < 0 || open_data_file(w, names, types, err) < 0)
			goto fail;
	}
	return w;
fail:
	lw_free(w);
	return NULL;
}

void
lake_write_remove(struct lake_write *w, int64_t f)
{
	const struct delta_add *add = &w->read->files[f];
	struct delta_remove rm = delta_remove_for(add, lake_now_ms());
	delta_commit_remove(w->commit, &rm);
	w->removed_files++;
	w->removed_bytes += add->size > 0 ? add->size : 0;
}

void
lake_write_param(struct lake_write *w, const char *key, const char *value)
{
	delta_commit_param(w->commit, key, value);
}

void
lake_write_metric(struct lake_write *w, const char *key, int64_t value)
{
	delta_commit_metric(w->commit, key, value);
}

void
lake_write_file_metrics(struct lake_write *w, const char *added_files, const char *removed_files,
    const char *added_bytes, const char *removed_bytes)
{
	w->m_added_files = added_files;
	w->m_removed_files = removed_files;
	w->m_added_bytes = added_bytes;
	w->m_removed_bytes = removed_bytes;
}

struct pq_part *
lake_write_part(struct lake_write *w)
{
	return pq_writer_part(w->pq);
}

void
lake_write_abort(struct lake_write *w)
{
	lw_unlink_all(w);
	lw_free(w);
}

int64_t
lake_write_commit(struct lake_write *w, int64_t *rows, struct wb_error *err)
{
	if (close_data_file(w, err) < 0) {
		lw_unlink_all(w);
		lw_free(w);
		return -1;
	}
	*rows = w->added_rows;
	if (!w->rewrite) {
		delta_commit_metric(w->commit, "numFiles", w->ndone);
		delta_commit_metric(w->commit, "numOutputRows", w->added_rows);
		delta_commit_metric(w->commit, "numOutputBytes", w->added_bytes);
	} else {
		if (w->m_added_files)
			delta_commit_metric(w->commit, w->m_added_files, w->ndone);
		if (w->m_removed_files)
			delta_commit_metric(w->commit, w->m_removed_files, w->removed_files);
		if (w->m_added_bytes)
			delta_commit_metric(w->commit, w->m_added_bytes, w->added_bytes);
		if (w->m_removed_bytes)
			delta_commit_metric(w->commit, w->m_removed_bytes, w->removed_bytes);
	}
	struct delta_commit_result res;
	int64_t v = delta_commit_publish(w->commit, &res, err);
	if (v < 0)
		lw_unlink_all(w);
	lw_free(w);
	return v;
}
