/*
 * Writing Delta tables: one new Parquet data file per statement, then one
 * commit. The file is written completely (and closed) before the commit
 * that adds it is published, so a crash at any point leaves either the old
 * version (plus an unreferenced file that VACUUM removes) or the new one.
 */
#include "store/lake/lake.h"
#include "store/delta/delta.h"
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
	struct delta_schema schema;    /* the table's schema after the commit */
	int *scol;                     /* written column -> schema column */
	int ncol;
	struct delta_commit *commit;
	char *file;                    /* the new data file: relative name, full path */
	char *path;
	struct pq_writer *pq;
};

static int64_t
now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void
lw_free(struct lake_write *w)
{
	if (w->commit)
		delta_commit_free(w->commit);
	delta_snapshot_free(w->read);
	free(w->dir);
	free(w->file);
	free(w->path);
	free(w->scol);
	arena_release(&w->arena);
	free(w);
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
	}
	const char *op = o && o->operation ? o->operation : default_operation(mode);
	w->commit = delta_commit_begin(dir, w->read, op, err);
	if (w->commit == NULL)
		goto fail;
	if (mode == LAKE_CREATE || mode == LAKE_REPLACE) {
		set_new_metadata(w, ncol, names, types, o);
		for (int c = 0; c < ncol; c++)
			w->scol[c] = c;
	} else {
		w->schema = w->read->schema;
		for (int c = 0; c < ncol; c++) {
			w->scol[c] = delta_schema_find(&w->schema, names[c]);
			if (w->scol[c] < 0 || w->schema.cols[w->scol[c]].type != types[c]) {
				err_set(err, -1, "Delta table %s has %s column \"%s\"", dir,
				    w->scol[c] < 0 ? "no" : "another type of", names[c]);
				goto fail;
			}
		}
	}
	for (int i = 0; o && i < o->ntxns; i++)
		delta_commit_set_txn(w->commit, o->txn_ids[i], 1);
	if (mode == LAKE_REPLACE || mode == LAKE_OVERWRITE) {
		int64_t t = now_ms();
		for (int64_t f = 0; f < w->read->nfiles; f++) {
			struct delta_remove rm = delta_remove_for(&w->read->files[f], t);
			delta_commit_remove(w->commit, &rm);
		}
		delta_commit_reads_table(w->commit);
	}
	delta_commit_param(w->commit, "mode", mode == LAKE_APPEND ? "Append" : mode == LAKE_CREATE ? "ErrorIfExists" : "Overwrite");
	if (lake_mkdirs(dir, err) < 0)
		goto fail;
	char uuid[37];
	delta_uuid(uuid);
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "part-00000-%s-c000.zstd.parquet", uuid);
	w->file = sb_detach(&sb);
	sb_printf(&sb, "%s/%s", dir, w->file);
	w->path = sb_detach(&sb);
	struct pq_write_options po;
	pq_write_options_init(&po);
	w->pq = pq_writer_open(w->path, ncol, names, types, &po, err);
	if (w->pq == NULL)
		goto fail;
	return w;
fail:
	lw_free(w);
	return NULL;
}

struct pq_part *
lake_write_part(struct lake_write *w)
{
	return pq_writer_part(w->pq);
}

void
lake_write_abort(struct lake_write *w)
{
	if (w->pq)
		pq_writer_abort(w->pq);
	lw_free(w);
}

int64_t
lake_write_commit(struct lake_write *w, int64_t *rows, struct wb_error *err)
{
	struct pq_write_stats ws = {0};
	struct pq_writer *pq = w->pq;
	w->pq = NULL;
	if (pq_writer_close(pq, &ws, err) < 0) {
		lw_free(w);
		return -1;
	}
	*rows = ws.rows;
	if (ws.rows > 0) {
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
		add.modification_time = now_ms();
		add.data_change = true;
		add.stats = sb_str(&stats);
		add.base_row_id = -1;
		add.default_row_commit_version = -1;
		delta_commit_add(w->commit, &add);
		sb_free(&stats);
		sb_free(&rel);
	} else {
		unlink(w->path);    /* no rows: no file (as Spark writes none) */
	}
	delta_commit_metric(w->commit, "numFiles", ws.rows > 0 ? 1 : 0);
	delta_commit_metric(w->commit, "numOutputRows", ws.rows);
	delta_commit_metric(w->commit, "numOutputBytes", ws.rows > 0 ? ws.bytes : 0);
	pq_write_stats_free(&ws);
	struct delta_commit_result res;
	int64_t v = delta_commit_publish(w->commit, &res, err);
	if (v < 0)
		unlink(w->path);
	lw_free(w);
	return v;
}
