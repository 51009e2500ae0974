/*
 * The scan of a Delta snapshot.
 *
 * Each live data file kept after file skipping gets its own Parquet
 * source: files written at different times may have different columns (a
 * column added by ALTER TABLE ADD COLUMNS or schema evolution is absent
 * from older files, and reads as NULL there). Readers walk the files in
 * order and share each file's row groups, so the scan is as parallel as
 * before and chunk sequence numbers still follow file and row order:
 * seq = kept-file ordinal << 44 | the file's own seq (morsel << 24 | chunk).
 *
 * Partition columns are not in the files: each file's value comes from its
 * add action's partitionValues (a constant per file), and file skipping
 * treats that value as the file's min and max.
 *
 * Extra columns for statements that rewrite files (lake.h, LAKE_PIN_*):
 * the file's index in the snapshot (a constant per file) and the row's
 * position in its file (the Parquet source's file_row_number).
 */
#include "store/lake/lake_int.h"
#include "store/parquet/pq.h"
#include "core/arena.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define FILE_SHIFT 44

/* Where an output column comes from, per file. */
enum { FROM_MISSING = -1, FROM_FILE_INDEX = -2, FROM_PARTITION = -3 };

struct lake_part {
	struct source *src;            /* Parquet over the one file */
	int64_t file;                  /* index in snap->files */
	int *map;                      /* projected column -> inner projected column, or FROM_* */
	int ninner;                    /* inner projected columns */
	wb_type *itypes;
	struct scan_pred *ipreds;      /* hints in the inner source's columns */
	struct wb_value *pvals;        /* per projected column: its partition value (FROM_PARTITION) */
};

struct lake_scan {
	struct source src;
	struct delta_snapshot *snap;
	bool own_snap;
	int ncol;                      /* table columns (extras follow) */
	int *scol;
	int64_t *files;                /* NULL: all */
	int64_t nfiles;
	int file_col, row_col;         /* source columns of the extras, -1 when absent */
	struct lake_part *parts;
	int nparts;
	struct arena pv;               /* partition values' strings */
};

/* Is table column c a partition column? */
static const struct delta_column *
partition_col(const struct lake_scan *ls, int c)
{
	if (c >= ls->ncol)
		return NULL;
	const struct delta_column *dc = &ls->snap->schema.cols[ls->scol[c]];
	return dc->partition_index >= 0 ? dc : NULL;
}

/* File f's value of partition column dc (SQL NULL when absent). */
static int
partition_value(struct lake_scan *ls, const struct delta_add *add, const struct delta_column *dc,
    struct wb_value *out, struct wb_error *err)
{
	return delta_partition_value(dc, delta_add_partition_text(add, dc->name), &ls->pv, out, err);
}

struct lake_reader {
	int part;                      /* current part */
	void *inner;                   /* its reader, NULL before the first call */
	struct chunk tmp;              /* the inner source's chunk */
	bool tmp_init;
};

/* ------------------------------------------------------------ start */

/* May file f hold rows matching the scan's hints? (counts it as read or
 * skipped) */
static bool
file_may_match(struct lake_scan *ls, const struct delta_add *add, struct arena *a, struct col_stats *cs,
    const struct col_stats **csp)
{
	struct source *s = &ls->src;
	struct delta_file_stats fs;
	struct wb_error e = WB_ERROR_INIT;
	bool have = add->stats && delta_stats_parse(&ls->snap->schema, add->stats, a, &fs, &e) == 0;
	err_clear(&e);
	for (int c = 0; c < s->ncol; c++)
		csp[c] = NULL;
	for (int i = 0; i < s->npreds; i++) {
		int c = s->preds[i].col;
		if (c >= ls->ncol)
			continue;      /* extra columns have no statistics */
		const struct delta_column *pc = partition_col(ls, c);
		if (pc) {
			/* partition pruning: the file's one value is its min and max */
			struct wb_value v;
			struct wb_error pe = WB_ERROR_INIT;
			if (partition_value(ls, add, pc, &v, &pe) == 0) {
				cs[c] = (struct col_stats){!v.is_null, v, v, v.is_null ? 1 : 0, 1};
				csp[c] = &cs[c];
			}
			err_clear(&pe);
			continue;
		}
		if (!have)
			continue;
		const struct delta_col_stats *d = &fs.cols[ls->scol[c]];
		cs[c] = (struct col_stats){d->has_min && d->has_max, d->min, d->max, d->null_count, fs.num_records};
		csp[c] = &cs[c];
	}
	return source_morsel_may_match(s, csp);
}

/* Open file f as part p and map the projected columns onto its own. */
static int
open_part(struct lake_scan *ls, struct lake_part *p, int64_t f, struct wb_error *err)
{
	struct source *s = &ls->src;
	struct delta_snapshot *snap = ls->snap;
	char *path = delta_file_path(snap->table, snap->files[f].path, err);
	if (path == NULL)
		return -1;
	struct pq_read_options o;
	pq_read_options_init(&o);
	o.file_row_number = ls->row_col >= 0;
	p->file = f;
	p->src = pq_source_open(&path, 1, &o, err);
	if (p->src == NULL) {
		struct stat st;
		if (stat(path, &st) != 0 && errno == ENOENT) {
			/* say it in the table's terms: VACUUM deletes the files
			 * only older versions read; time travel to them fails */
			err_clear(err);
			err_set(err, -1, "version %lld of Delta table %s needs data file %s, which no longer exists",
			    (long long)snap->version, snap->table, path);
			err_hint(err, "VACUUM deletes the files that only versions older than its retention read; DESCRIBE "
			    "HISTORY shows when it ran");
		}
		free(path);
		return -1;
	}
	struct source *in = p->src;
	int nfilecols = in->ncol - (o.file_row_number ? 1 : 0);
	int *iproj = xcalloc((size_t)(s->nproj ? s->nproj : 1), sizeof(int));
	p->map = xcalloc((size_t)(s->nproj ? s->nproj : 1), sizeof(int));
	p->itypes = xcalloc((size_t)(s->nproj ? s->nproj : 1), sizeof(wb_type));
	p->pvals = xcalloc((size_t)(s->nproj ? s->nproj : 1), sizeof *p->pvals);
	int rc = -1;
	for (int k = 0; k < s->nproj; k++) {
		int c = s->proj[k];
		if (c == ls->file_col) {
			p->map[k] = FROM_FILE_INDEX;
			continue;
		}
		const struct delta_column *pc = partition_col(ls, c);
		if (pc) {
			if (partition_value(ls, &snap->files[f], pc, &p->pvals[k], err) < 0)
				goto out;
			p->map[k] = FROM_PARTITION;
			continue;
		}
		int ic = -1;
		if (c == ls->row_col) {
			ic = in->ncol - 1;
		} else {
			/* Delta column names are unique regardless of case */
			for (int j = 0; j < nfilecols && ic < 0; j++)
				if (strcasecmp(in->names[j], s->names[c]) == 0)
					ic = j;
			if (ic < 0) {
				p->map[k] = FROM_MISSING;
				continue;
			}
			if (in->types[ic] != s->types[c]) {
				err_set(err, -1, "Delta table %s: its data file %s has column \"%s\" as %s, the table's schema says %s",
				    snap->table, path, s->names[c], type_name(in->types[ic]), type_name(s->types[c]));
				err_hint(err, "the table's files do not match its schema; they may have been written by hand");
				goto out;
			}
		}
		p->map[k] = p->ninner;
		p->itypes[p->ninner] = in->types[ic];
		iproj[p->ninner++] = ic;
	}
	source_project(in, iproj, p->ninner);
	if (s->npreds > 0) {
		/* the hints whose columns the file has, for sources that prune
		 * row groups */
		p->ipreds = xcalloc((size_t)s->npreds, sizeof *p->ipreds);
		int n = 0;
		for (int i = 0; i < s->npreds; i++) {
			int c = s->preds[i].col;
			if (c >= ls->ncol)
				continue;
			for (int j = 0; j < nfilecols; j++)
				if (strcasecmp(in->names[j], s->names[c]) == 0) {
					p->ipreds[n] = s->preds[i];
					p->ipreds[n++].col = j;
					break;
				}
		}
		in->preds = p->ipreds;
		in->npreds = n;
	}
	rc = in->ops->start(in, err);
out:
	free(iproj);
	free(path);
	return rc;
}

static int
ls_start(struct source *s, struct wb_error *err)
{
	struct lake_scan *ls = s->impl;
	struct delta_snapshot *snap = ls->snap;
	int64_t n = ls->files ? ls->nfiles : snap->nfiles;
	struct arena a;
	arena_init(&a, 0);
	struct col_stats *cs = xcalloc((size_t)(s->ncol ? s->ncol : 1), sizeof *cs);
	const struct col_stats **csp = xcalloc((size_t)(s->ncol ? s->ncol : 1), sizeof *csp);
	ls->parts = xcalloc((size_t)(n ? n : 1), sizeof *ls->parts);
	int rc = -1;
	for (int64_t i = 0; i < n; i++) {
		int64_t f = ls->files ? ls->files[i] : i;
		if (s->npreds > 0 && !file_may_match(ls, &snap->files[f], &a, cs, csp))
			continue;
		if (ls->nparts >= (1 << (64 - FILE_SHIFT)) - 1) {
			err_set(err, -1, "Delta table %s: too many data files to scan (%lld)", snap->table, (long long)n);
			err_hint(err, "compact the table (OPTIMIZE)");
			goto out;
		}
		/* counted before opening, so that a failure frees what opened */
		struct lake_part *p = &ls->parts[ls->nparts++];
		if (open_part(ls, p, f, err) < 0)
			goto out;
	}
	rc = 0;
out:
	free(cs);
	free(csp);
	arena_release(&a);
	return rc;
}

/* ------------------------------------------------------------ readers */

static void *
ls_reader_new(struct source *s)
{
	return xcalloc(1, sizeof(struct lake_reader));
}

static void
reader_leave_part(struct lake_scan *ls, struct lake_reader *r)
{
	if (r->inner) {
		struct source *in = ls->parts[r->part].src;
		in->ops->reader_free(in, r->inner);
		r->inner = NULL;
	}
	if (r->tmp_init) {
		chunk_free(&r->tmp);
		r->tmp_init = false;
	}
}

static int
ls_next(struct source *s, void *reader, struct chunk *out, struct wb_error *err)
{
	struct lake_scan *ls = s->impl;
	struct lake_reader *r = reader;
	for (;;) {
		if (r->part >= ls->nparts)
			return 0;
		struct lake_part *p = &ls->parts[r->part];
		if (r->inner == NULL) {
			r->inner = p->src->ops->reader_new(p->src);
			chunk_init(&r->tmp, p->ninner, p->itypes);
			r->tmp_init = true;
		}
		chunk_reset(&r->tmp);
		int n = p->src->ops->next(p->src, r->inner, &r->tmp, err);
		if (n < 0)
			return -1;
		if (n == 0) {
			reader_leave_part(ls, r);
			r->part++;
			continue;
		}
		for (int k = 0; k < s->nproj; k++) {
			struct vec *v = &out->cols[k];
			int m = p->map[k];
			if (m >= 0) {
				vec_ref(v, &r->tmp.cols[m]);
			} else if (m == FROM_PARTITION) {
				vec_set_const(v, &p->pvals[k], n);
			} else {
				struct wb_value val = {.type = s->types[s->proj[k]], .is_null = m == FROM_MISSING};
				val.u.i = p->file;
				vec_set_const(v, &val, n);
			}
		}
		out->n = n;
		out->seq = ((uint64_t)r->part << FILE_SHIFT) | r->tmp.seq;
		return n;
	}
}

static void
ls_reader_free(struct source *s, void *reader)
{
	struct lake_scan *ls = s->impl;
	struct lake_reader *r = reader;
	if (r == NULL)
		return;
	if (r->part < ls->nparts)
		reader_leave_part(ls, r);
	free(r);
}

static void
ls_free(struct source *s)
{
	struct lake_scan *ls = s->impl;
	for (int i = 0; i < ls->nparts; i++) {
		source_free(ls->parts[i].src);
		free(ls->parts[i].map);
		free(ls->parts[i].itypes);
		free(ls->parts[i].ipreds);
		free(ls->parts[i].pvals);
	}
	arena_release(&ls->pv);
	free(ls->parts);
	if (ls->own_snap)
		delta_snapshot_free(ls->snap);
	free(ls->scol);
	free(ls->files);
	source_fini(s);
	free(ls);
}

static const struct source_ops lake_scan_ops = {
	.name = "delta",
	.start = ls_start,
	.reader_new = ls_reader_new,
	.next = ls_next,
	.reader_free = ls_reader_free,
	.free = ls_free,
};

struct source *
lake_scan_open(const struct lake_scan_args *a)
{
	struct lake_scan *ls = xcalloc(1, sizeof *ls);
	arena_init(&ls->pv, 0);
	int extra = ((a->flags & LAKE_PIN_FILE) != 0) + ((a->flags & LAKE_PIN_ROW) != 0);
	source_init(&ls->src, &lake_scan_ops, a->ncol + extra);
	for (int c = 0; c < a->ncol; c++)
		source_set_column(&ls->src, c, a->names[c], a->types[c]);
	ls->file_col = ls->row_col = -1;
	int k = a->ncol;
	if (a->flags & LAKE_PIN_FILE) {
		ls->file_col = k;
		source_set_column(&ls->src, k++, LAKE_FILE_COLUMN, WB_TYPE_BIGINT);
	}
	if (a->flags & LAKE_PIN_ROW) {
		ls->row_col = k;
		source_set_column(&ls->src, k++, LAKE_ROW_COLUMN, WB_TYPE_BIGINT);
	}
	ls->src.impl = ls;
	ls->snap = a->snap;
	ls->own_snap = a->own_snap;
	ls->ncol = a->ncol;
	ls->scol = xcalloc((size_t)(a->ncol ? a->ncol : 1), sizeof(int));
	memcpy(ls->scol, a->scol, sizeof(int) * (size_t)a->ncol);
	int64_t n = a->snap->nfiles;
	if (a->files) {
		ls->files = xcalloc((size_t)(a->nfiles ? a->nfiles : 1), sizeof(int64_t));
		memcpy(ls->files, a->files, sizeof(int64_t) * (size_t)a->nfiles);
		ls->nfiles = n = a->nfiles;
	}
	ls->src.unit_name = "files";
	/* rows from the files' statistics, when every file has them */
	int64_t rows = 0;
	struct arena ar;
	arena_init(&ar, 0);
	for (int64_t i = 0; i < n && rows >= 0; i++) {
		const struct delta_add *add = &a->snap->files[ls->files ? ls->files[i] : i];
		struct delta_file_stats fs;
		struct wb_error e = WB_ERROR_INIT;
		if (add->stats && delta_stats_parse(&a->snap->schema, add->stats, &ar, &fs, &e) == 0 && fs.num_records >= 0)
			rows += fs.num_records;
		else
			rows = -1;
		err_clear(&e);
	}
	arena_release(&ar);
	ls->src.est_rows = rows;
	/* any number of readers share the files' row groups */
	ls->src.max_readers = n > 0 ? 256 : 1;
	return &ls->src;
}

int64_t
lake_scan_version(const struct source *s)
{
	return ((const struct lake_scan *)s->impl)->snap->version;
}
