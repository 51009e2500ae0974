/*
 * New data files for maintenance commits (lake_maint.h): a Parquet file
 * of the table's data columns written serially - in its partition's
 * directory, without the partition columns, when the table is
 * partitioned - then its add action with the partition values and the
 * statistics Delta readers skip files by (numRecords, minValues,
 * maxValues, nullCount), as lake_write writes them.
 */
#include "store/lake/lake_int.h"
#include "store/parquet/pq.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct lake_newfile {
	const struct delta_schema *schema;
	struct delta_map pv;           /* partition values (the caller's until close) */
	int ndata;                     /* data columns: the schema's less its partition columns */
	int *dcol;                     /* ... their schema column */
	struct vec *view;              /* ... a chunk's, as a chunk of the file's columns */
	char *name;                    /* relative to the table directory */
	char *path;
	struct pq_writer *pq;
};

static void
nf_free(struct lake_newfile *f)
{
	free(f->dcol);
	free(f->view);
	free(f->name);
	free(f->path);
	free(f);
}

/* The file's name: in the partition's directory (made here) when the
 * table is partitioned. */
static int
nf_name(struct lake_newfile *f, const char *dir, struct wb_error *err)
{
	struct strbuf key = STRBUF_INIT;
	lake_partition_dir(&f->pv, &key);
	char uuid[37];
	delta_uuid(uuid);
	const char *k = sb_str(&key);
	f->name = xasprintf("%s%spart-00000-%s-c000.zstd.parquet", k, k[0] ? "/" : "", uuid);
	f->path = xasprintf("%s/%s", dir, f->name);
	int rc = 0;
	if (k[0]) {
		char *d = xasprintf("%s/%s", dir, k);
		rc = lake_mkdirs(d, err);
		free(d);
	}
	sb_free(&key);
	return rc;
}

struct lake_newfile *
lake_newfile_open(const char *dir, const struct delta_schema *schema, const struct delta_map *partition_values,
    struct wb_error *err)
{
	int n = schema->ncols;
	struct lake_newfile *f = xcalloc(1, sizeof *f);
	f->schema = schema;
	if (partition_values)
		f->pv = *partition_values;
	f->dcol = xcalloc((size_t)(n ? n : 1), sizeof *f->dcol);
	f->view = xcalloc((size_t)(n ? n : 1), sizeof *f->view);
	char **names = xcalloc((size_t)(n ? n : 1), sizeof(char *));
	wb_type *types = xcalloc((size_t)(n ? n : 1), sizeof(wb_type));
	for (int c = 0; c < n; c++) {
		if (schema->cols[c].partition_index >= 0)
			continue;      /* in the directory name and partitionValues, not in the file */
		names[f->ndata] = (char *)schema->cols[c].name;
		types[f->ndata] = schema->cols[c].type;
		f->dcol[f->ndata++] = c;
	}
	if (nf_name(f, dir, err) == 0) {
		struct pq_write_options po;
		pq_write_options_init(&po);
		f->pq = pq_writer_open(f->path, f->ndata, names, types, &po, err);
	}
	free(names);
	free(types);
	if (f->pq == NULL) {
		nf_free(f);
		return NULL;
	}
	return f;
}

int
lake_newfile_write(struct lake_newfile *f, const struct chunk *c, struct wb_error *err)
{
	if (f->ndata == c->ncol)
		return pq_writer_write(f->pq, c, err);
	/* the data columns only: shallow copies of the chunk's vectors */
	struct chunk data = *c;
	for (int j = 0; j < f->ndata; j++)
		f->view[j] = c->cols[f->dcol[j]];
	data.ncol = f->ndata;
	data.cols = f->view;
	return pq_writer_write(f->pq, &data, err);
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
	struct strbuf stats = STRBUF_INIT, rel = STRBUF_INIT;
	lake_stats_json(f->schema, f->dcol, f->ndata, &ws, a, &stats);
	delta_path_encode(f->name, &rel);
	memset(out, 0, sizeof *out);
	out->path = arena_strndup(a, rel.s, rel.len);
	delta_map_copy(a, &f->pv, &out->partition_values);
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
