/*
 * OPTIMIZE: bin-packing small files, or rewriting all files in Z-order
 * (lake_zorder.c), as one commit with dataChange false (see lake.h).
 *
 * A partitioned table is optimized partition by partition, as Databricks
 * does: the candidate files are grouped by their partition values, bins
 * never hold files of two partitions, each partition is Z-ordered on its
 * own, and every new file goes to the directory of its partition with
 * the partition's values in its add action.
 */
#include "store/lake/lake_int.h"
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
		if (snap->schema.cols[zc[i]].partition_index >= 0) {
			err_set(err, -1, "ZORDER BY \"%s\": %s is a partition column; Z-ordering applies to data columns only",
			    o->zorder[i], snap->schema.cols[zc[i]].name);
			err_hint(err, "each partition holds one value of it already: Z-order by other columns, and pick "
			    "partitions with OPTIMIZE ... WHERE");
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

/* ---------------------------------------------------------------- plan */

/* A candidate file and its partition. */
struct opt_file {
	int64_t f;                   /* index into snap->files */
	const char *key;             /* the partition's directory ("" unpartitioned) */
	struct delta_map pv;         /* its values (lake_add_partition) */
};

/* A bin: files rewritten together, all of one partition. */
struct opt_bin {
	int64_t end;                 /* end index in pick (it starts where the previous bin ends) */
	const struct delta_map *pv;  /* the partition */
	int64_t bytes;               /* the files' size */
};

/* What OPTIMIZE rewrites. */
struct opt_plan {
	int64_t *pick;               /* files rewritten (snap->files indexes), bin after bin */
	int64_t npick;
	struct opt_bin *bins;
	int64_t nbins;
	int64_t partitions;          /* partitions with a bin */
};

static int
cmp_opt_file(const void *a, const void *b)
{
	const struct opt_file *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->f > y->f) - (x->f < y->f);
}

/* The candidate files - o->files, or every live file - with their
 * partitions, sorted by partition and, within one, in log order. */
static struct opt_file *
candidate_files(const struct delta_snapshot *snap, const struct lake_optimize_options *o, struct arena *a,
    int64_t *n)
{
	int64_t nf = o->files ? o->nfiles : snap->nfiles;
	struct opt_file *v = arena_zalloc(a, sizeof *v * (size_t)(nf ? nf : 1));
	struct strbuf key = STRBUF_INIT;
	for (int64_t i = 0; i < nf; i++) {
		v[i].f = o->files ? o->files[i] : i;
		lake_add_partition(snap, &snap->files[v[i].f], a, &v[i].pv);
		sb_clear(&key);
		lake_partition_dir(&v[i].pv, &key);
		v[i].key = arena_strdup(a, sb_str(&key));
	}
	sb_free(&key);
	qsort(v, (size_t)nf, sizeof *v, cmp_opt_file);
	*n = nf;
	return v;
}

static void
plan_bin(struct opt_plan *p, const struct opt_file *part, int64_t bytes)
{
	p->bins[p->nbins].end = p->npick;
	p->bins[p->nbins].pv = &part->pv;
	p->bins[p->nbins].bytes = bytes;
	p->nbins++;
}

/* Z-order: all the files of partition v[0..n) in one bin. */
static void
plan_zorder(const struct delta_snapshot *snap, const struct opt_file *v, int64_t n, struct opt_plan *p)
{
	int64_t bytes = 0;
	for (int64_t i = 0; i < n; i++) {
		p->pick[p->npick++] = v[i].f;
		bytes += snap->files[v[i].f].size;
	}
	plan_bin(p, &v[0], bytes);
	p->partitions++;
}

/* Bin-packing partition v[0..n): greedy bins of its small files (below
 * target), in log order, each at most target bytes; bins that would not
 * pay (bin_pays) are dropped. */
static void
plan_packing(const struct delta_snapshot *snap, const struct opt_file *v, int64_t n, int64_t target,
    int64_t max_rows, struct arena *a, struct opt_plan *p)
{
	int64_t bin_bytes = 0, bin_rows = 0, bin_start = p->npick, nbins = p->nbins;
	for (int64_t i = 0; i <= n; i++) {
		int64_t size = i < n ? snap->files[v[i].f].size : 0;
		bool small = i < n && size < target;
		if (i == n || !small || bin_bytes + size > target) {
			/* close the bin being filled */
			if (bin_pays(p->npick - bin_start, bin_rows, max_rows))
				plan_bin(p, &v[0], bin_bytes);
			else
				p->npick = bin_start;     /* nothing to gain: leave its files */
			bin_start = p->npick;
			bin_bytes = bin_rows = 0;
		}
		if (small) {
			int64_t rows = delta_add_num_records(&snap->schema, &snap->files[v[i].f], a);
			p->pick[p->npick++] = v[i].f;
			bin_bytes += size;
			bin_rows = rows < 0 || bin_rows < 0 ? -1 : bin_rows + rows;
		}
	}
	if (p->nbins > nbins)
		p->partitions++;
}

/* Plan the rewrite of the candidate files v[0..n), partition by partition. */
static void
plan_optimize(const struct delta_snapshot *snap, const struct lake_optimize_options *o, const struct opt_file *v,
    int64_t n, int64_t target, struct arena *a, struct opt_plan *p)
{
	p->pick = arena_alloc(a, sizeof *p->pick * (size_t)(n ? n : 1));
	p->bins = arena_alloc(a, sizeof *p->bins * (size_t)(n ? n : 1));
	for (int64_t i = 0; i < n;) {
		int64_t j = i + 1;
		while (j < n && strcmp(v[j].key, v[i].key) == 0)
			j++;
		if (o->nzorder > 0)
			plan_zorder(snap, v + i, j - i, p);
		else
			plan_packing(snap, v + i, j - i, target, o->max_records_per_file, a, p);
		i = j;
	}
}

/* ------------------------------------------------------------- rewrite */

/* The new files: bins' rows copied, or Z-ordered, into them. */
struct opt_out {
	const char *dir;
	const struct delta_snapshot *snap;
	const struct delta_map *pv;  /* the partition of the bin being written */
	struct lake_newfile *f;      /* the file being written, or NULL */
	int64_t rows;                /* rows written */
	int64_t in_file;             /* rows in f */
	int64_t max_rows;            /* 0: no limit */
	struct arena *a;
	struct delta_add *adds;      /* files closed (strings in a) */
	size_t nadds, cap;
};

static void
out_add(struct opt_out *b, const struct delta_add *add)
{
	if (b->nadds == b->cap)
		b->adds = xgrow(b->adds, &b->cap, b->nadds + 1, sizeof *b->adds);
	b->adds[b->nadds++] = *add;
}

static int
out_close_file(struct opt_out *b, struct wb_error *err)
{
	if (b->f == NULL)
		return 0;
	struct lake_newfile *f = b->f;
	b->f = NULL;
	struct delta_add add;
	if (lake_newfile_close(f, false, b->a, &add, err) < 0)
		return -1;
	out_add(b, &add);
	return 0;
}

/* rows [at, at + m) of c */
static int
write_slice(struct lake_newfile *f, const struct chunk *c, int at, int m, struct wb_error *err)
{
	if (at == 0 && m == c->n)
		return lake_newfile_write(f, c, err);
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
	int rc = lake_newfile_write(f, &part, err);
	for (int k = 0; k < c->ncol; k++)
		vec_free(&cols[k]);
	free(cols);
	free(sel);
	return rc;
}

/* lake_chunk_fn: copy a chunk into the bin's files, cut at max_rows. */
static int
copy_chunk(void *arg, const struct chunk *c, struct wb_error *err)
{
	struct opt_out *b = arg;
	for (int at = 0; at < c->n;) {
		if (b->f == NULL) {
			if ((b->f = lake_newfile_open(b->dir, &b->snap->schema, b->pv, err)) == NULL)
				return -1;
			b->in_file = 0;
		}
		int m = c->n - at;
		if (b->max_rows > 0 && b->in_file + m > b->max_rows)
			m = (int)(b->max_rows - b->in_file);
		if (write_slice(b->f, c, at, m, err) < 0)
			return -1;
		at += m;
		b->rows += m;
		b->in_file += m;
		if (b->max_rows > 0 && b->in_file >= b->max_rows && out_close_file(b, err) < 0)
			return -1;
	}
	return 0;
}

/* Bin-packing: the bin's files' rows, in log order, into new files. */
static int
pack_bin(struct opt_out *b, const int64_t *files, int64_t n, struct wb_error *err)
{
	if (lake_read_files(b->snap, files, n, copy_chunk, b, err) < 0)
		return -1;
	return out_close_file(b, err);
}

/* Z-order: the bin's rows sorted along the curve into new files. */
static int
zorder_bin(struct opt_out *b, const int64_t *files, int64_t n, const struct opt_bin *bin, const int *zc, int nz,
    int64_t target, struct wb_error *err)
{
	struct delta_add *adds;
	int64_t nadds;
	if (lake_zorder_rewrite(b->dir, b->snap, files, n, bin->pv, zc, nz, target, bin->bytes, b->max_rows, b->a,
	    &adds, &nadds, err) < 0)
		return -1;
	for (int64_t i = 0; i < nadds; i++) {
		out_add(b, &adds[i]);
		/* rows from the new files' stats */
		struct delta_file_stats fs;
		struct wb_error e = WB_ERROR_INIT;
		if (delta_stats_parse(&b->snap->schema, adds[i].stats, b->a, &fs, &e) == 0 && fs.num_records > 0)
			b->rows += fs.num_records;
		err_clear(&e);
	}
	return 0;
}

/* Write the plan's bins into b's new files. On failure, the files
 * closed so far stay in b->adds for the caller to remove. */
static int
rewrite_bins(struct opt_out *b, const struct opt_plan *p, const int *zc, int nz, int64_t target,
    struct wb_error *err)
{
	int64_t from = 0;
	for (int64_t i = 0; i < p->nbins; i++) {
		const struct opt_bin *bin = &p->bins[i];
		b->pv = bin->pv;
		int rc = nz > 0 ? zorder_bin(b, p->pick + from, bin->end - from, bin, zc, nz, target, err)
		    : pack_bin(b, p->pick + from, bin->end - from, err);
		if (rc < 0) {
			lake_newfile_abort(b->f);
			b->f = NULL;
			return -1;
		}
		from = bin->end;
	}
	return 0;
}

/* -------------------------------------------------------------- commit */

/* The OPTIMIZE commit on top of snap: the plan's files removed, b's
 * added; metrics into m. The version, or -1 with err. */
static int64_t
commit_optimize(const char *dir, const struct delta_snapshot *snap, const struct lake_optimize_options *o,
    const struct opt_plan *p, const struct opt_out *b, const int *zc, struct lake_optimize_metrics *m,
    struct wb_error *err)
{
	struct delta_commit *c = delta_commit_begin(dir, snap, "OPTIMIZE", err);
	if (c == NULL)
		return -1;
	int64_t now = lake_now_ms();
	for (int64_t i = 0; i < p->npick; i++) {
		struct delta_remove rm = delta_remove_for(&snap->files[p->pick[i]], now);
		rm.data_change = false;
		delta_commit_remove(c, &rm);
	}
	int64_t nadds = (int64_t)b->nadds;
	int64_t *sizes = xcalloc((size_t)(nadds ? nadds : 1), sizeof *sizes);
	for (int64_t i = 0; i < nadds; i++) {
		delta_commit_add(c, &b->adds[i]);
		size_account(&m->added, b->adds[i].size);
		sizes[i] = b->adds[i].size;
	}
	qsort(sizes, (size_t)nadds, sizeof *sizes, cmp_i64);
	if (nadds > 0) {
		m->p25 = sizes[(nadds - 1) / 4];
		m->p50 = sizes[(nadds - 1) / 2];
		m->p75 = sizes[(nadds - 1) * 3 / 4];
	}
	free(sizes);
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &sb);
	json_w_array(&w);
	for (int i = 0; i < o->nzorder; i++)
		json_w_string(&w, snap->schema.cols[zc[i]].name);
	json_w_end(&w);
	delta_commit_param(c, "predicate", o->predicate ? o->predicate : "[]");
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
	int64_t v = delta_commit_publish(c, NULL, err);
	lake_commit_notify(dir, v, "OPTIMIZE", 0);
	delta_commit_free(c);
	return v;
}

/* The target file size: the table's property, else the option's, else
 * the default. -1 with err when the property is not a size. */
static int64_t
target_size(const char *dir, const struct delta_snapshot *snap, const struct lake_optimize_options *o,
    struct wb_error *err)
{
	const char *prop = delta_map_get(&snap->metadata.configuration, "delta.targetFileSize", NULL);
	int64_t target = prop ? lake_parse_size(prop) : -1;
	if (prop && target < 0) {
		err_set(err, -1, "Delta table %s: table property delta.targetFileSize = '%s' is not a size (bytes, or with "
		    "kb, mb, gb)", dir, prop);
		return -1;
	}
	if (target < 0)
		target = o->target_file_size > 0 ? o->target_file_size : LAKE_TARGET_FILE_SIZE;
	return target;
}

int
lake_optimize_at(const char *dir, const struct delta_snapshot *snap, const struct lake_optimize_options *o,
    struct lake_optimize_metrics *m, struct wb_error *err)
{
	memset(m, 0, sizeof *m);
	m->version = -1;
	m->start_ms = lake_now_ms();
	struct arena a;
	arena_init(&a, 0);
	struct opt_out b = {.dir = dir, .snap = snap, .max_rows = o->max_records_per_file, .a = &a};
	int zc[16];
	int rc = -1;
	int64_t target = target_size(dir, snap, o, err);
	if (target < 0 || zorder_columns(snap, o, zc, err) < 0)
		goto out;
	m->target_file_size = target;
	int64_t nc;
	struct opt_file *cand = candidate_files(snap, o, &a, &nc);
	struct opt_plan p = {0};
	plan_optimize(snap, o, cand, nc, target, &a, &p);
	m->considered_files = nc;
	m->skipped_files = nc - p.npick;
	m->batches = p.nbins;
	m->partitions = p.partitions;
	if (p.npick == 0) {
		rc = 0;
		goto out;
	}
	for (int64_t i = 0; i < p.npick; i++)
		size_account(&m->removed, snap->files[p.pick[i]].size);
	if (rewrite_bins(&b, &p, zc, o->nzorder, target, err) < 0)
		goto fail_files;
	m->rows = b.rows;
	m->version = commit_optimize(dir, snap, o, &p, &b, zc, m, err);
	if (m->version < 0)
		goto fail_files;
	rc = 0;
	goto out;
fail_files:
	for (size_t i = 0; i < b.nadds; i++)
		lake_newfile_unlink(dir, &b.adds[i]);
out:
	m->end_ms = lake_now_ms();
	free(b.adds);
	arena_release(&a);
	return rc;
}

int
lake_optimize(const char *dir, const struct lake_optimize_options *o, struct lake_optimize_metrics *m,
    struct wb_error *err)
{
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL) {
		memset(m, 0, sizeof *m);
		m->version = -1;
		return -1;
	}
	int rc = lake_optimize_at(dir, snap, o, m, err);
	delta_snapshot_free(snap);
	return rc;
}
