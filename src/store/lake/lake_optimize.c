/*
 * OPTIMIZE: bin-packing small files, or rewriting all files in Z-order
 * (lake_zorder.c), as one commit with dataChange false (see lake.h).
 */
#include "store/lake/lake_maint.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int64_t
lake_parse_size(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || v <= 0)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	double mul = 1;
	switch (tolower((unsigned char)*end)) {
	case 'k': mul = 1024.0; break;
	case 'm': mul = 1024.0 * 1024; break;
	case 'g': mul = 1024.0 * 1024 * 1024; break;
	case 't': mul = 1024.0 * 1024 * 1024 * 1024; break;
	case 'b': case '\0': break;
	default: return -1;
	}
	v *= mul;
	return v >= 1 && v < 9e18 ? (int64_t)v : -1;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void
size_account(struct lake_file_sizes *s, int64_t size)
{
	if (s->files == 0 || size < s->min)
		s->min = size;
	if (s->files == 0 || size > s->max)
		s->max = size;
	s->files++;
	s->bytes += size;
}

/* Copying a bin's rows into new files (more than one only when
 * max_rows cuts them). */
struct bin_copy {
	const char *dir;
	const struct delta_schema *schema;
	struct lake_newfile *f;      /* the file being written, or NULL */
	int64_t rows;                /* rows copied */
	int64_t in_file;             /* rows in f */
	int64_t max_rows;            /* 0: no limit */
	struct arena *a;
	struct delta_add *adds;      /* files closed */
	size_t nadds, cap;
};

static int
bin_close_file(struct bin_copy *b, struct wb_error *err)
{
	if (b->f == NULL)
		return 0;
	if (b->nadds == b->cap)
		b->adds = xgrow(b->adds, &b->cap, b->nadds + 1, sizeof *b->adds);
	struct lake_newfile *f = b->f;
	b->f = NULL;
	if (lake_newfile_close(f, false, b->a, &b->adds[b->nadds], err) < 0)
		return -1;
	b->nadds++;
	return 0;
}

static int
copy_chunk(void *arg, const struct chunk *c, struct wb_error *err)
{
	struct bin_copy *b = arg;
	for (int at = 0; at < c->n;) {
		if (b->f == NULL) {
			if ((b->f = lake_newfile_open(b->dir, b->schema, err)) == NULL)
				return -1;
			b->in_file = 0;
		}
		int m = c->n - at;
		if (b->max_rows > 0 && b->in_file + m > b->max_rows)
			m = (int)(b->max_rows - b->in_file);
		int rc;
		if (at == 0 && m == c->n) {
			rc = lake_newfile_write(b->f, c, err);
		} else {
			/* a slice of the chunk */
			struct chunk part = *c;
			struct vec *cols = xcalloc((size_t)c->ncol, sizeof *cols);
			uint32_t *sel = xmalloc((size_t)m * sizeof *sel);
			for (int i = 0; i < m; i++)
				sel[i] = (uint32_t)(at + i);
			for (int k = 0; k < c->ncol; k++) {
				vec_init(&cols[k], c->cols[k].type);
				vec_gather(&cols[k], &c->cols[k], sel, m);
			}
			part.cols = cols;
			part.n = m;
			rc = lake_newfile_write(b->f, &part, err);
			for (int k = 0; k < c->ncol; k++)
				vec_free(&cols[k]);
			free(cols);
			free(sel);
		}
		if (rc < 0)
			return -1;
		at += m;
		b->rows += m;
		b->in_file += m;
		if (b->max_rows > 0 && b->in_file >= b->max_rows && bin_close_file(b, err) < 0)
			return -1;
	}
	return 0;
}

/* Rows of live file f from its statistics, or -1. */
static int64_t
file_rows(const struct delta_snapshot *snap, int64_t f, struct arena *a)
{
	if (snap->files[f].stats == NULL)
		return -1;
	struct delta_file_stats fs;
	struct wb_error e = WB_ERROR_INIT;
	int64_t n = delta_stats_parse(&snap->schema, snap->files[f].stats, a, &fs, &e) == 0 ? fs.num_records : -1;
	err_clear(&e);
	return n;
}

/* Is packing a bin of nfiles files holding rows rows (-1: unknown) worth
 * it? Two or more files, and - when new files are cut at max_rows - fewer
 * files after than before. */
static bool
bin_pays(int64_t nfiles, int64_t rows, int64_t max_rows)
{
	if (nfiles < 2)
		return false;
	return max_rows <= 0 || rows < 0 || (rows + max_rows - 1) / max_rows < nfiles;
}

/* The Z-order columns as schema indexes. */
static int
zorder_columns(const struct delta_snapshot *snap, const struct lake_optimize_options *o, int *zc,
    struct wb_error *err)
{
	if (o->nzorder > 16) {
		err_set(err, -1, "ZORDER BY %d columns: Z-ordering by more than 16 columns keeps none of them together",
		    o->nzorder);
		return -1;
	}
	for (int i = 0; i < o->nzorder; i++) {
		zc[i] = delta_schema_find(&snap->schema, o->zorder[i]);
		if (zc[i] < 0) {
			err_set(err, -1, "ZORDER BY: Delta table %s has no column \"%s\"", snap->table, o->zorder[i]);
			struct strbuf sb = STRBUF_INIT;
			for (int c = 0; c < snap->schema.ncols; c++)
				sb_printf(&sb, "%s%s", c ? ", " : "", snap->schema.cols[c].name);
			err_hint(err, "its columns are: %s", sb_str(&sb));
			sb_free(&sb);
			return -1;
		}
		if (snap->schema.cols[zc[i]].type == WB_TYPE_BOOL) {
			err_set(err, -1, "ZORDER BY \"%s\" would not help: Delta keeps no min/max statistics for BOOLEAN columns",
			    o->zorder[i]);
			return -1;
		}
		for (int j = 0; j < i; j++)
			if (zc[j] == zc[i]) {
				err_set(err, -1, "ZORDER BY lists column \"%s\" twice", o->zorder[i]);
				return -1;
			}
	}
	return 0;
}

int
lake_optimize(const char *dir, const struct lake_optimize_options *o, struct lake_optimize_metrics *m,
    struct wb_error *err)
{
	memset(m, 0, sizeof *m);
	m->version = -1;
	m->start_ms = lake_now_ms();
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL)
		return -1;
	int rc = -1;
	struct arena a;
	arena_init(&a, 0);
	int64_t nf = snap->nfiles;
	int64_t *pick = xcalloc((size_t)(nf ? nf : 1), sizeof *pick);
	int64_t *bin_end = xcalloc((size_t)(nf ? nf : 1), sizeof *bin_end);   /* end index in pick of each bin */
	struct delta_add *adds = NULL;
	int64_t nadds = 0, npick = 0, nbins = 0;
	struct delta_commit *c = NULL;
	int zc[16];

	if (snap->metadata.npartition_columns > 0) {
		err_set(err, -1, "OPTIMIZE of Delta table %s: partitioned tables are not supported yet", dir);
		goto out;
	}
	const char *prop = delta_map_get(&snap->metadata.configuration, "delta.targetFileSize", NULL);
	int64_t target = prop ? lake_parse_size(prop) : -1;
	if (prop && target < 0) {
		err_set(err, -1, "Delta table %s: table property delta.targetFileSize = '%s' is not a size (bytes, or with "
		    "kb, mb, gb)", dir, prop);
		goto out;
	}
	if (target < 0)
		target = o->target_file_size > 0 ? o->target_file_size : LAKE_TARGET_FILE_SIZE;
	m->target_file_size = target;
	m->considered_files = nf;
	if (zorder_columns(snap, o, zc, err) < 0)
		goto out;

	if (o->nzorder > 0) {
		for (int64_t f = 0; f < nf; f++)
			pick[npick++] = f;
		if (npick > 0)
			bin_end[nbins++] = npick;
	} else {
		/* greedy bins of small files, in log order */
		int64_t bin_bytes = 0, bin_rows = 0, bin_start = 0;
		for (int64_t f = 0; f <= nf; f++) {
			int64_t size = f < nf ? snap->files[f].size : 0;
			bool small = f < nf && size < target;
			if (f == nf || !small || bin_bytes + size > target) {
				/* close the bin being filled */
				if (bin_pays(npick - bin_start, bin_rows, o->max_records_per_file))
					bin_end[nbins++] = npick;
				else
					npick = bin_start;     /* nothing to gain: leave its files */
				bin_start = npick;
				bin_bytes = bin_rows = 0;
			}
			if (small) {
				int64_t rows = file_rows(snap, f, &a);
				pick[npick++] = f;
				bin_bytes += size;
				bin_rows = rows < 0 || bin_rows < 0 ? -1 : bin_rows + rows;
			}
		}
	}
	m->skipped_files = nf - npick;
	m->batches = nbins;
	if (npick == 0) {
		rc = 0;
		goto out;
	}
	for (int64_t i = 0; i < npick; i++)
		size_account(&m->removed, snap->files[pick[i]].size);

	if (o->nzorder > 0) {
		if (lake_zorder_rewrite(dir, snap, pick, npick, zc, o->nzorder, target, m->removed.bytes,
		    o->max_records_per_file, &a, &adds, &nadds, err) < 0)
			goto out;
		for (int64_t i = 0; i < nadds; i++) {
			/* rows from the new files' stats */
			struct delta_file_stats fs;
			struct wb_error e = WB_ERROR_INIT;
			if (delta_stats_parse(&snap->schema, adds[i].stats, &a, &fs, &e) == 0 && fs.num_records > 0)
				m->rows += fs.num_records;
			err_clear(&e);
		}
	} else {
		struct bin_copy bc = {.dir = dir, .schema = &snap->schema, .max_rows = o->max_records_per_file, .a = &a};
		int64_t from = 0;
		int brc = 0;
		for (int64_t b = 0; b < nbins && brc == 0; b++) {
			brc = lake_read_files(snap, pick + from, bin_end[b] - from, copy_chunk, &bc, err);
			if (brc == 0)
				brc = bin_close_file(&bc, err);
			from = bin_end[b];
		}
		if (bc.f)
			lake_newfile_abort(bc.f);
		m->rows = bc.rows;
		nadds = (int64_t)bc.nadds;
		adds = arena_alloc(&a, (bc.nadds ? bc.nadds : 1) * sizeof *adds);
		if (bc.nadds > 0)
			memcpy(adds, bc.adds, bc.nadds * sizeof *adds);
		free(bc.adds);
		if (brc < 0)
			goto fail_files;
	}

	c = delta_commit_begin(dir, snap, "OPTIMIZE", err);
	if (c == NULL)
		goto fail_files;
	int64_t now = lake_now_ms();
	for (int64_t i = 0; i < npick; i++) {
		struct delta_remove rm = delta_remove_for(&snap->files[pick[i]], now);
		rm.data_change = false;
		delta_commit_remove(c, &rm);
	}
	int64_t *sizes = arena_alloc(&a, (size_t)(nadds ? nadds : 1) * sizeof *sizes);
	for (int64_t i = 0; i < nadds; i++) {
		delta_commit_add(c, &adds[i]);
		size_account(&m->added, adds[i].size);
		sizes[i] = adds[i].size;
	}
	qsort(sizes, (size_t)nadds, sizeof *sizes, cmp_i64);
	if (nadds > 0) {
		m->p25 = sizes[(nadds - 1) / 4];
		m->p50 = sizes[(nadds - 1) / 2];
		m->p75 = sizes[(nadds - 1) * 3 / 4];
	}
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &sb);
	json_w_array(&w);
	for (int i = 0; i < o->nzorder; i++)
		json_w_string(&w, snap->schema.cols[zc[i]].name);
	json_w_end(&w);
	delta_commit_param(c, "predicate", "[]");
	delta_commit_param(c, "zOrderBy", sb_str(&sb));
	delta_commit_param(c, "auto", "false");
	sb_free(&sb);
	delta_commit_metric(c, "numRemovedFiles", m->removed.files);
	delta_commit_metric(c, "numRemovedBytes", m->removed.bytes);
	delta_commit_metric(c, "p25FileSize", m->p25);
	delta_commit_metric(c, "p50FileSize", m->p50);
	delta_commit_metric(c, "p75FileSize", m->p75);
	delta_commit_metric(c, "minFileSize", m->added.min);
	delta_commit_metric(c, "maxFileSize", m->added.max);
	delta_commit_metric(c, "numAddedFiles", m->added.files);
	delta_commit_metric(c, "numAddedBytes", m->added.bytes);
	delta_commit_metric(c, "numDeletionVectorsRemoved", 0);
	m->version = delta_commit_publish(c, NULL, err);
	if (m->version < 0)
		goto fail_files;
	rc = 0;
	goto out;
fail_files:
	for (int64_t i = 0; i < nadds; i++)
		lake_newfile_unlink(dir, &adds[i]);
out:
	m->end_ms = lake_now_ms();
	delta_commit_free(c);
	free(pick);
	free(bin_end);
	arena_release(&a);
	delta_snapshot_free(snap);
	return rc;
}
