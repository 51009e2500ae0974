/*
 * Pinned Delta tables: a snapshot the statement already read, as a table
 * the binder can scan (lake.h, lake_table_pinned). DML plans read the
 * version they commit on top of through these, never the latest one, so
 * the rows they rewrite are exactly the rows of the files they remove.
 */
#include "store/lake/lake_int.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct lake_pin {
	struct delta_snapshot *snap;   /* borrowed */
	int64_t *files;                /* NULL: all */
	int64_t nfiles;
	unsigned flags;
};

static struct source *
pin_scan(struct table *t, struct wb_error *err)
{
	struct lake_pin *lp = t->impl;
	int n = lp->snap->schema.ncols;
	int *scol = xcalloc((size_t)(n ? n : 1), sizeof(int));
	for (int c = 0; c < n; c++)
		scol[c] = c;
	struct lake_scan_args a = {
		.snap = lp->snap, .own_snap = false, .ncol = n, .names = t->names, .types = t->types, .scol = scol,
		.files = lp->files, .nfiles = lp->nfiles, .flags = lp->flags,
	};
	if (lp->files == NULL)
		a.nfiles = lp->snap->nfiles;
	struct source *s = lake_scan_open(&a);
	free(scol);
	return s;
}

static int64_t
pin_rows(struct table *t)
{
	struct source *s = pin_scan(t, NULL);
	int64_t n = s->est_rows;
	source_free(s);
	return n;
}

static int64_t
pin_bytes(struct table *t)
{
	struct lake_pin *lp = t->impl;
	int64_t n = 0, k = lp->files ? lp->nfiles : lp->snap->nfiles;
	for (int64_t i = 0; i < k; i++)
		n += lp->snap->files[lp->files ? lp->files[i] : i].size;
	return n;
}

static void
pin_destroy(struct table *t)
{
	struct lake_pin *lp = t->impl;
	free(lp->files);
	free(lp);
}

static const struct table_ops lake_pinned_ops = {
	.kind = "delta",
	.scan = pin_scan,
	.row_count = pin_rows,
	.byte_size = pin_bytes,
	.destroy = pin_destroy,
};

struct table *
lake_table_pinned(const char *name, struct delta_snapshot *snap, const int64_t *files, int64_t nfiles, unsigned flags)
{
	int n = snap->schema.ncols;
	int extra = ((flags & LAKE_PIN_FILE) != 0) + ((flags & LAKE_PIN_ROW) != 0);
	char **names = xcalloc((size_t)(n + extra ? n + extra : 1), sizeof(char *));
	wb_type *types = xcalloc((size_t)(n + extra ? n + extra : 1), sizeof(wb_type));
	for (int c = 0; c < n; c++) {
		names[c] = (char *)snap->schema.cols[c].name;
		types[c] = snap->schema.cols[c].type;
	}
	int k = n;
	if (flags & LAKE_PIN_FILE) {
		names[k] = LAKE_FILE_COLUMN;
		types[k++] = WB_TYPE_BIGINT;
	}
	if (flags & LAKE_PIN_ROW) {
		names[k] = LAKE_ROW_COLUMN;
		types[k++] = WB_TYPE_BIGINT;
	}
	struct lake_pin *lp = xcalloc(1, sizeof *lp);
	lp->snap = snap;
	lp->flags = flags;
	if (files) {
		lp->files = xcalloc((size_t)(nfiles ? nfiles : 1), sizeof(int64_t));
		memcpy(lp->files, files, sizeof(int64_t) * (size_t)nfiles);
		lp->nfiles = nfiles;
	}
	struct table *t = table_new(name, n + extra, names, types, &lake_pinned_ops, lp);
	free(names);
	free(types);
	return t;
}
