/*
 * Delta tables as catalog tables: the "delta" table kind.
 *
 * A scan replays the log when the query opens it (the version it reads)
 * and reads that snapshot through lake_scan.c, which picks the live files
 * at start() - when the planner has set the projection and the pruning
 * hints.
 */
#include "store/lake/lake_int.h"
#include "core/arena.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct lake_tab {
	char *dir;
	bool external;
};

/* ------------------------------------------------------------ table */

/* Open the latest snapshot and check that it still has t's columns. */
static struct delta_snapshot *
snapshot_for(struct table *t, const char *dir, int *scol, struct wb_error *err)
{
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL)
		return NULL;
	if (snap->metadata.npartition_columns > 0) {
		err_set(err, -1, "Delta table %s is partitioned by %s: reading partitioned tables is not supported yet",
		    dir, snap->metadata.partition_columns[0]);
		delta_snapshot_free(snap);
		return NULL;
	}
	for (int c = 0; c < t->ncol; c++) {
		scol[c] = delta_schema_find(&snap->schema, t->names[c]);
		if (scol[c] < 0 || snap->schema.cols[scol[c]].type != t->types[c]) {
			err_set(err, -1, "Delta table %s changed since it was opened: column \"%s\" is %s", dir, t->names[c],
			    scol[c] < 0 ? "gone" : "of another type");
			err_hint(err, "run the statement again");
			delta_snapshot_free(snap);
			return NULL;
		}
	}
	return snap;
}

static struct source *
lt_scan(struct table *t, struct wb_error *err)
{
	struct lake_tab *lt = t->impl;
	int *scol = xcalloc((size_t)(t->ncol ? t->ncol : 1), sizeof(int));
	struct delta_snapshot *snap = snapshot_for(t, lt->dir, scol, err);
	if (snap == NULL) {
		free(scol);
		return NULL;
	}
	struct lake_scan_args a = {
		.snap = snap, .own_snap = true, .ncol = t->ncol, .names = t->names, .types = t->types, .scol = scol,
	};
	struct source *src = lake_scan_open(&a);
	free(scol);
	return src;
}

static int64_t
lt_rows(struct table *t)
{
	struct lake_tab *lt = t->impl;
	struct wb_error e = WB_ERROR_INIT;
	struct delta_snapshot *snap = delta_snapshot_open(lt->dir, NULL, &e);
	int64_t n = snap ? delta_snapshot_num_records(snap, &e) : -1;
	err_clear(&e);
	delta_snapshot_free(snap);
	return n;
}

static int64_t
lt_bytes(struct table *t)
{
	struct lake_tab *lt = t->impl;
	struct wb_error e = WB_ERROR_INIT;
	struct delta_snapshot *snap = delta_snapshot_open(lt->dir, NULL, &e);
	err_clear(&e);
	if (snap == NULL)
		return -1;
	int64_t n = 0;
	for (int64_t f = 0; f < snap->nfiles; f++)
		n += snap->files[f].size;
	delta_snapshot_free(snap);
	return n;
}

static void
lt_destroy(struct table *t)
{
	struct lake_tab *lt = t->impl;
	free(lt->dir);
	free(lt);
}

static const struct table_ops lake_table_ops = {
	.kind = "delta",
	.scan = lt_scan,
	.row_count = lt_rows,
	.byte_size = lt_bytes,
	.destroy = lt_destroy,
};

struct table *
lake_table_open(const char *name, const char *dir, bool external, struct wb_error *err)
{
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL)
		return NULL;
	int n = snap->schema.ncols;
	char **names = xcalloc((size_t)(n ? n : 1), sizeof(char *));
	wb_type *types = xcalloc((size_t)(n ? n : 1), sizeof(wb_type));
	for (int c = 0; c < n; c++) {
		names[c] = (char *)snap->schema.cols[c].name;
		types[c] = snap->schema.cols[c].type;
	}
	struct lake_tab *lt = xcalloc(1, sizeof *lt);
	lt->dir = xstrdup(dir);
	lt->external = external;
	struct table *t = table_new(name, n, names, types, &lake_table_ops, lt);
	if (snap->metadata.description)
		t->comment = xstrdup(snap->metadata.description);
	free(names);
	free(types);
	delta_snapshot_free(snap);
	return t;
}

const char *
lake_table_dir(const struct table *t)
{
	return t && t->ops == &lake_table_ops ? ((const struct lake_tab *)t->impl)->dir : NULL;
}

bool
lake_table_is_external(const struct table *t)
{
	return t && t->ops == &lake_table_ops && ((const struct lake_tab *)t->impl)->external;
}
