/*
 * SHOW PARTITIONS table: the partitions of a partitioned Delta table as
 * Databricks lists them - one column per partition column, of its type,
 * one row per distinct partition that has live files, sorted (NULL
 * first). The values come from the add actions of the latest version.
 */
#include "cli/stmt_int.h"
#include "store/delta/delta.h"
#include "store/scan_pred.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
parse_partitions(struct parser *p, void **data)
{
	struct stmt_target *t = arena_zalloc(p->arena, sizeof *t);
	*data = t;
	if (!stmt_parse_target(p, t))
		return -1;
	return parser_at_end(p) ? 0 : parser_syntax_error(p, "the end of the statement");
}

/* A file's partition values, as qsort sorts them. */
struct part_row {
	const struct wb_value *vals;   /* np values */
	int np;
};

static int
cmp_value(const struct wb_value *a, const struct wb_value *b)
{
	if (a->is_null || b->is_null)
		return a->is_null == b->is_null ? 0 : a->is_null ? -1 : 1;
	if (a->type == WB_TYPE_DOUBLE && (isnan(a->u.d) || isnan(b->u.d)))
		return isnan(a->u.d) == isnan(b->u.d) ? 0 : isnan(a->u.d) ? 1 : -1;   /* NaN last */
	int c = scan_value_cmp(a, b);
	return c == 2 ? 0 : c;
}

static int
cmp_rows(const void *x, const void *y)
{
	const struct part_row *a = x, *b = y;
	for (int k = 0; k < a->np; k++) {
		int c = cmp_value(&a->vals[k], &b->vals[k]);
		if (c)
			return c;
	}
	return 0;
}

static int
exec_partitions(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct stmt_target *tg = data;
	const char *dir;
	struct table *t = stmt_target_open(s, tg, "SHOW PARTITIONS", true, &dir, err);
	if (t == NULL)
		return -1;
	const char *name = arena_strdup(a, t->name);
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	table_unref(t);
	if (snap == NULL) {
		err_at(err, tg->pos);
		return -1;
	}
	int np = snap->metadata.npartition_columns, rc = -1;
	if (np == 0) {
		err_set(err, tg->pos, "SHOW PARTITIONS: Delta table \"%s\" is not partitioned", name);
		err_hint(err, "CREATE TABLE ... PARTITIONED BY (col) makes a partitioned table");
		delta_snapshot_free(snap);
		return -1;
	}
	const struct delta_column **cols = arena_zalloc(a, sizeof *cols * (size_t)np);
	const char **names = arena_zalloc(a, sizeof(char *) * (size_t)np);
	wb_type *types = arena_zalloc(a, sizeof(wb_type) * (size_t)np);
	for (int k = 0; k < np; k++) {
		int c = delta_schema_find(&snap->schema, snap->metadata.partition_columns[k]);
		if (c < 0) {
			err_set(err, tg->pos, "Delta table %s: partition column %s is not in its schema", snap->table,
			    snap->metadata.partition_columns[k]);
			goto out;
		}
		cols[k] = &snap->schema.cols[c];
		names[k] = cols[k]->name;
		types[k] = cols[k]->type;
	}
	/* each file's values, sorted; equal neighbours are one partition */
	int64_t nrows = snap->nfiles;
	struct wb_value *vals = arena_zalloc(a, sizeof *vals * (size_t)(nrows ? nrows : 1) * (size_t)np);
	struct part_row *rows = arena_zalloc(a, sizeof *rows * (size_t)(nrows ? nrows : 1));
	for (int64_t f = 0; f < nrows; f++) {
		const struct delta_add *add = &snap->files[f];
		for (int k = 0; k < np; k++)
			if (delta_partition_value(cols[k], delta_add_partition_text(add, cols[k]->name), a, &vals[f * np + k],
			    err) < 0) {
				err_at(err, tg->pos);
				goto out;
			}
		rows[f] = (struct part_row){&vals[f * np], np};
	}
	qsort(rows, (size_t)nrows, sizeof *rows, cmp_rows);
	struct rowset_builder r;
	rsb_init(&r, np, names, types);
	for (int64_t i = 0; i < nrows; i++) {
		if (i > 0 && cmp_rows(&rows[i - 1], &rows[i]) == 0)
			continue;
		for (int k = 0; k < np; k++)
			rsb_value(&r, k, &rows[i].vals[k]);
		rsb_end_row(&r);
	}
	rc = rows_emit(s, &r, err);
out:
	delta_snapshot_free(snap);
	return rc;
}

const struct stmt_ext stmt_ext_show_partitions = {
	.word = "SHOW",
	.words2 = "PARTITIONS",
	.parse = parse_partitions,
	.exec = (void *)exec_partitions,
	.usage = "SHOW PARTITIONS table",
	.summary = "a partitioned Delta table's partitions, one row each",
};
