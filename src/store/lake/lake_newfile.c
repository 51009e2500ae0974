/*
 * New data files for maintenance commits (lake_maint.h): a Parquet file
 * of the table's columns written serially, then its add action with the
 * statistics Delta readers skip files by (numRecords, minValues,
 * maxValues, nullCount), as lake_write writes them.
 */
#include "store/lake/lake_maint.h"
#include "store/parquet/pq.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct lake_newfile {
	const struct delta_schema *schema;
	char *name;                    /* relative to the table directory */
	char *path;
	struct pq_writer *pq;
};

struct lake_newfile *
lake_newfile_open(const char *dir, const struct delta_schema *schema, struct wb_error *err)
{
	int n = schema->ncols;
	char **names = xcalloc((size_t)(n ? n : 1), sizeof(char *));
	wb_type *types = xcalloc((size_t)(n ? n : 1), sizeof(wb_type));
	for (int c = 0; c < n; c++) {
		names[c] = (char *)schema->cols[c].name;
		types[c] = schema->cols[c].type;
	}
	struct lake_newfile *f = xcalloc(1, sizeof *f);
	f->schema = schema;
	char uuid[37];
	delta_uuid(uuid);
	f->name = xasprintf("part-00000-%s-c000.zstd.parquet", uuid);
	f->path = xasprintf("%s/%s", dir, f->name);
	struct pq_write_options po;
	pq_write_options_init(&po);
	f->pq = pq_writer_open(f->path, n, names, types, &po, err);
	free(names);
	free(types);
	if (f->pq == NULL) {
		free(f->name);
		free(f->path);
		free(f);
		return NULL;
	}
	return f;
}

int
lake_newfile_write(struct lake_newfile *f, const struct chunk *c, struct wb_error *err)
{
	return pq_writer_write(f->pq, c, err);
}

static void
nf_free(struct lake_newfile *f)
{
	free(f->name);
	free(f->path);
	free(f);
}

void
lake_newfile_abort(struct lake_newfile *f)
{
	if (f == NULL)
		return;
	pq_writer_abort(f->pq);
	nf_free(f);
}

int
lake_newfile_close(struct lake_newfile *f, bool data_change, struct arena *a, struct delta_add *out,
    struct wb_error *err)
{
	struct pq_write_stats ws = {0};
	int rc = pq_writer_close(f->pq, &ws, err);
	if (rc < 0) {
		nf_free(f);
		return -1;
	}
	const struct delta_schema *s = f->schema;
	struct delta_file_stats fs = {ws.rows, true, NULL};
	fs.cols = arena_zalloc(a, sizeof(struct delta_col_stats) * (size_t)(s->ncols ? s->ncols : 1));
	for (int c = 0; c < s->ncols; c++) {
		struct delta_col_stats *d = &fs.cols[c];
		d->null_count = -1;
		if (c < ws.ncol) {
			d->has_min = d->has_max = ws.cols[c].has_minmax;
			d->min = ws.cols[c].min;
			d->max = ws.cols[c].max;
			d->null_count = ws.cols[c].null_count;
		}
	}
	struct strbuf stats = STRBUF_INIT, rel = STRBUF_INIT;
	delta_stats_write(s, &fs, &stats);
	delta_path_encode(f->name, &rel);
	memset(out, 0, sizeof *out);
	out->path = arena_strndup(a, rel.s, rel.len);
	out->size = ws.bytes;
	out->modification_time = lake_now_ms();
	out->data_change = data_change;
	out->stats = arena_strndup(a, stats.s, stats.len);
	out->base_row_id = -1;
	out->default_row_commit_version = -1;
	sb_free(&stats);
	sb_free(&rel);
	pq_write_stats_free(&ws);
	nf_free(f);
	return 0;
}

void
lake_newfile_unlink(const char *dir, const struct delta_add *add)
{
	struct wb_error e = WB_ERROR_INIT;
	char *p = delta_file_path(dir, add->path, &e);
	err_clear(&e);
	if (p)
		unlink(p);
	free(p);
}
