/*
 * UPDATE, DELETE and TRUNCATE on Delta tables: copy-on-write.
 *
 * The statement reads one snapshot and commits the next version on top of
 * it. First it finds the files that hold affected rows: a query over the
 * snapshot (pinned: lake_table_pinned) with the file of each row as an
 * extra column, filtered by the WHERE - so the scan skips the files whose
 * statistics rule the WHERE out. Then it rewrites only those files - every
 * row of them, updated, or without the deleted ones - into new data files
 * (one per batch: a big file alone, small ones combined, so the table
 * keeps its file layout), and publishes one commit that removes them and
 * adds the new ones (Spark's DELETE / UPDATE actions and metrics). Files
 * without affected rows stay as they are; when no file is affected
 * nothing is committed, as Delta does. DELETE without WHERE and TRUNCATE
 * only remove files.
 *
 * The commit records that it read the table, so a concurrent writer that
 * changed data in between makes it fail with a conflict (store/delta).
 */
#include "cli/stmt_int.h"
#include "store/lake/lake.h"
#include "store/delta/delta.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* The touched files, and with matched the rows matching in each. */
static int
touched(struct session *s, struct arena *a, struct delta_snapshot *snap, const char *name, const char *qual,
    struct ast *where, int64_t **files, int64_t **matched, int64_t *nfiles, struct wb_error *err)
{
	*files = NULL;
	*nfiles = 0;
	if (matched)
		*matched = NULL;
	if (snap->nfiles == 0)
		return 0;
	struct table *pin = lake_table_pinned(name, snap, NULL, 0, LAKE_PIN_FILE);
	struct ast_name nm = {1, {(char *)name}};
	struct ast *rel = ast_mk_table(a, &nm, qual, pin, where ? where->pos : 0);
	struct ast_list items = {0};
	struct ast *fcol = ast_mk_col(a, qual, LAKE_FILE_COLUMN, rel->pos);
	ast_list_add(a, &items, ast_mk_item(a, fcol, "f"));
	if (matched) {
		struct ast *cnt = ast_mk_func(a, "count", rel->pos, 0);
		cnt->u.func.star = true;
		ast_list_add(a, &items, ast_mk_item(a, cnt, "n"));
	}
	struct ast *q = ast_mk_select(a, rel, &items, where);
	ast_list_add(a, &q->u.query.body->u.select.group, ast_mk_col(a, qual, LAKE_FILE_COLUMN, rel->pos));
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	struct rowset *rs = NULL;
	int rc = -1;
	if (p && stmt_collect(s, p, &rs, err) == 0) {
		*files = xcalloc((size_t)(rs->nrows ? rs->nrows : 1), sizeof(int64_t));
		if (matched)
			*matched = xcalloc((size_t)(rs->nrows ? rs->nrows : 1), sizeof(int64_t));
		for (int64_t i = 0; i < rs->nrows; i++) {
			struct wb_value v;
			rowset_get(rs, i, 0, &v);
			(*files)[i] = v.u.i;
			if (matched) {
				rowset_get(rs, i, 1, &v);
				(*matched)[i] = v.u.i;
			}
		}
		*nfiles = rs->nrows;
		rc = 0;
	}
	rowset_free(rs);
	stmt_finish(s, &b, p);
	table_unref(pin);
	return rc;
}

int
stmt_lake_touched(struct session *s, struct arena *a, struct delta_snapshot *snap, const char *name, const char *qual,
    struct ast *where, int64_t **files, int64_t *nfiles, struct wb_error *err)
{
	return touched(s, a, snap, name, qual, where, files, NULL, nfiles, err);
}

int
stmt_lake_doomed(struct session *s, struct arena *a, struct delta_snapshot *snap, const char *name, const char *qual,
    struct ast *where, struct lake_doomed *d, struct wb_error *err)
{
	memset(d, 0, sizeof *d);
	int64_t *matched;
	if (touched(s, a, snap, name, qual, where, &d->files, &matched, &d->nfiles, err) < 0)
		return -1;
	d->partial = xcalloc((size_t)(d->nfiles ? d->nfiles : 1), sizeof(int64_t));
	for (int64_t i = 0; i < d->nfiles; i++) {
		if (matched[i] == delta_add_num_records(&snap->schema, &snap->files[d->files[i]], a))
			d->whole_rows += matched[i];
		else
			d->partial[d->npartial++] = d->files[i];
	}
	free(matched);
	return 0;
}

void
stmt_lake_doomed_free(struct lake_doomed *d)
{
	free(d->files);
	free(d->partial);
}

/* Rows of the given files by their statistics, -1 when one lacks them. */
static int64_t
files_rows(const struct delta_snapshot *snap, const int64_t *files, int64_t n)
{
	struct arena a;
	arena_init(&a, 0);
	int64_t rows = 0;
	for (int64_t i = 0; i < n && rows >= 0; i++) {
		int64_t r = delta_add_num_records(&snap->schema, &snap->files[files ? files[i] : i], &a);
		rows = r < 0 ? -1 : rows + r;
	}
	arena_release(&a);
	return rows;
}

/* Rewritten files go to new data files batch by batch: a file of at least
 * REWRITE_ALONE_ROWS rows (by its statistics) is a batch of its own, and
 * smaller ones are combined up to REWRITE_BATCH_ROWS. A rewrite thus keeps
 * the table's file layout - and its file skipping - while tiny files are
 * compacted. */
#define REWRITE_ALONE_ROWS 500000
#define REWRITE_BATCH_ROWS 1000000

static int64_t
file_rows(const struct delta_snapshot *snap, int64_t f, struct arena *a)
{
	return delta_add_num_records(&snap->schema, &snap->files[f], a);
}

int64_t
stmt_lake_batch_end(struct delta_snapshot *snap, const int64_t *files, int64_t nfiles, int64_t first, struct arena *a)
{
	int64_t rows = file_rows(snap, files ? files[first] : first, a), last = first + 1;
	if (rows < 0)
		return last;        /* unknown size: a batch of its own */
	while (last < nfiles && rows < REWRITE_ALONE_ROWS) {
		int64_t r = file_rows(snap, files ? files[last] : last, a);
		if (r < 0 || rows + r > REWRITE_BATCH_ROWS)
			break;
		rows += r;
		last++;
	}
	return last;
}

int
stmt_lake_rewrite_files(struct session *s, struct arena *a, struct delta_snapshot *snap, const char *name,
    const char *qual, const int64_t *files, int64_t nfiles, struct ast *const *setv, struct ast *where, int pos,
    struct lake_write *w, struct dml_counts *counts, struct wb_error *err)
{
	int n = snap->schema.ncols;
	char **names = arena_alloc(a, sizeof(char *) * (size_t)(n ? n : 1));
	wb_type *types = arena_alloc(a, sizeof(wb_type) * (size_t)(n ? n : 1));
	for (int c = 0; c < n; c++) {
		names[c] = (char *)snap->schema.cols[c].name;
		types[c] = snap->schema.cols[c].type;
	}
	memset(counts, 0, sizeof *counts);
	struct ast_name nm = {1, {(char *)name}};
	for (int64_t first = 0; first < nfiles;) {
		int64_t last = stmt_lake_batch_end(snap, files, nfiles, first, a);
		int64_t *batch = arena_alloc(a, sizeof(int64_t) * (size_t)(last - first));
		for (int64_t i = first; i < last; i++)
			batch[i - first] = files ? files[i] : i;
		if (first > 0 && lake_write_next_file(w, err) < 0)
			return -1;
		struct table *pin = lake_table_pinned(name, snap, batch, last - first, 0);
		struct ast *rel = ast_mk_table(a, &nm, qual, pin, pos);
		struct ast *q = dml_rewrite_query(a, rel, qual, n, names, types, setv, where, pos);
		struct binder b;
		struct pnode *p = stmt_plan_query(s, &b, a, q, err);
		struct dml_counts c;
		int r = p ? dml_run(s, p, w, NULL, NULL, &c, NULL, err) : -1;
		stmt_finish(s, &b, p);
		table_unref(pin);
		if (r < 0)
			return -1;
		for (int k = 0; k < DML_NACTIONS; k++)
			counts->n[k] += c.n[k];
		first = last;
	}
	return 0;
}

int
stmt_lake_rewrite(struct session *s, struct arena *a, struct table *t, const char *qual, struct ast *where,
    const struct ast_list *set, int pos, struct dml_counts *counts, int64_t *version, struct wb_error *err)
{
	const char *dir = lake_table_dir(t);
	const char *op = set ? "UPDATE" : "DELETE";
	long long t0 = exec_now_ns();
	memset(counts, 0, sizeof *counts);
	*version = -1;
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL) {
		delta_snapshot_free(snap);
		err_at(err, pos);
		return -1;
	}
	int rc = -1;
	int64_t *files = NULL, nfiles = snap->nfiles;
	int64_t *rewrite = NULL, nrewrite = 0;
	struct lake_doomed d = {0};
	int n = snap->schema.ncols;
	char **names = arena_alloc(a, sizeof(char *) * (size_t)(n ? n : 1));
	wb_type *types = arena_alloc(a, sizeof(wb_type) * (size_t)(n ? n : 1));
	for (int c = 0; c < n; c++) {
		names[c] = (char *)snap->schema.cols[c].name;
		types[c] = snap->schema.cols[c].type;
	}
	struct ast **setv = NULL;
	if (set && dml_set_columns(a, set, t->name, n, names, &setv, err) < 0)
		goto out;
	/* which files hold affected rows; a DELETE rewrites only those it
	 * does not delete whole */
	if (where && set == NULL) {
		if (stmt_lake_doomed(s, a, snap, t->name, qual, where, &d, err) < 0)
			goto out;
		files = d.files;
		nfiles = d.nfiles;
		rewrite = d.partial;
		nrewrite = d.npartial;
		d.files = d.partial = NULL;
	} else if (where && stmt_lake_touched(s, a, snap, t->name, qual, where, &files, &nfiles, err) < 0) {
		goto out;
	} else {
		rewrite = files;
		nrewrite = nfiles;
	}
	long long t1 = exec_now_ns();
	if (nfiles == 0) {
		rc = 0;             /* nothing to change: no commit */
		goto out;
	}
	bool remove_only = set == NULL && where == NULL;
	struct lake_write *w = lake_write_begin_at(dir, snap, op, remove_only ? 0 : n, names, types, false, err);
	if (w == NULL)
		goto out;
	for (int64_t i = 0; i < nfiles; i++)
		lake_write_remove(w, files ? files[i] : i);
	lake_write_param(w, "predicate", dml_predicate_json(a, where));
	lake_write_file_metrics(w, "numAddedFiles", "numRemovedFiles", "numAddedBytes", "numRemovedBytes");
	if (remove_only) {
		counts->n[DML_DELETE] = files_rows(snap, NULL, snap->nfiles);
	} else if (nrewrite > 0 &&
	    stmt_lake_rewrite_files(s, a, snap, t->name, qual, rewrite, nrewrite, setv, where, pos, w, counts, err) < 0) {
		lake_write_abort(w);
		err_at(err, pos);
		goto out;
	}
	counts->n[DML_DELETE] += d.whole_rows;
	long long t2 = exec_now_ns();
	if (set) {
		lake_write_metric(w, "numUpdatedRows", counts->n[DML_UPDATE]);
	} else if (counts->n[DML_DELETE] >= 0) {
		lake_write_metric(w, "numDeletedRows", counts->n[DML_DELETE]);
	}
	lake_write_metric(w, "numCopiedRows", counts->n[DML_COPY]);
	lake_write_metric(w, "numAddedChangeFiles", 0);
	lake_write_metric(w, "executionTimeMs", (t2 - t0) / 1000000);
	lake_write_metric(w, "scanTimeMs", (t1 - t0) / 1000000);
	lake_write_metric(w, "rewriteTimeMs", (t2 - t1) / 1000000);
	int64_t rows;
	*version = lake_write_commit(w, &rows, err);
	if (*version < 0) {
		err_at(err, pos);
		goto out;
	}
	if (counts->n[DML_DELETE] < 0)
		counts->n[DML_DELETE] = 0;
	rc = 0;
out:
	if (rewrite != files)
		free(rewrite);
	free(files);
	delta_snapshot_free(snap);
	return rc;
}

/* TRUNCATE TABLE t: every file removed, as Databricks records it. */
int
stmt_lake_truncate(struct session *s, struct table *t, struct wb_error *err)
{
	const char *dir = lake_table_dir(t);
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL)
		return -1;
	int rc = -1;
	struct lake_write *w = lake_write_begin_at(dir, snap, "TRUNCATE", 0, NULL, NULL, false, err);
	if (w != NULL) {
		for (int64_t i = 0; i < snap->nfiles; i++)
			lake_write_remove(w, i);
		lake_write_file_metrics(w, NULL, "numRemovedFiles", NULL, "numRemovedBytes");
		int64_t rows;
		int64_t v = lake_write_commit(w, &rows, err);
		if (v >= 0) {
			session_message(s, "Table %s truncated (Delta version %lld)", t->name, (long long)v);
			rc = 0;
		}
	}
	delta_snapshot_free(snap);
	return rc;
}
