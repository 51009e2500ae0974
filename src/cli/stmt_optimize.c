/*
 * OPTIMIZE table [WHERE partition-predicate] [ZORDER BY (col, ...)]:
 * compact a Delta table's small files, or rewrite it in Z-order (store/
 * lake lake_optimize). A partitioned table is optimized per partition;
 * WHERE, which may only reference partition columns, chooses the
 * partitions (the files holding rows it is true of, found by a query
 * over the same snapshot that OPTIMIZE then commits on top of). The
 * result is Databricks' row: the table's path and the metrics as JSON.
 */
#include "cli/stmt_int.h"
#include "store/lake/lake.h"
#include "store/delta/delta.h"
#include "core/json.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

struct optimize_stmt {
	struct stmt_target target;
	struct ast *where;
	char **zorder;
	int nzorder;
	int zorder_pos;
};

static int
parse_optimize(struct parser *p, void **data)
{
	struct optimize_stmt *o = arena_zalloc(p->arena, sizeof *o);
	*data = o;
	if (!stmt_parse_target(p, &o->target))
		return -1;
	if (parser_accept_word(p, "WHERE")) {
		o->where = parser_expr(p);
		if (o->where == NULL)
			return -1;
	}
	if (parser_accept_word(p, "ZORDER")) {
		o->zorder_pos = parser_peek(p, -1)->pos;
		if (!parser_expect_word(p, "BY"))
			return -1;
		bool paren = parser_accept_op(p, "(");
		int cap = 0;
		do {
			char *c = parser_ident(p, "a column name");
			if (c == NULL)
				return -1;
			if (o->nzorder == cap) {
				cap = cap ? 2 * cap : 4;
				char **v = arena_alloc(p->arena, sizeof(char *) * (size_t)cap);
				if (o->nzorder)
					memcpy(v, o->zorder, sizeof(char *) * (size_t)o->nzorder);
				o->zorder = v;
			}
			o->zorder[o->nzorder++] = c;
		} while (parser_accept_op(p, ","));
		if (paren && !parser_expect_op(p, ")"))
			return -1;
	}
	return parser_at_end(p) ? 0 : parser_syntax_error(p, "WHERE, ZORDER BY or the end of the statement");
}

static void
sizes_json(struct json_writer *w, const char *key, const struct lake_file_sizes *f)
{
	json_w_key(w, key);
	json_w_object(w);
	json_w_key(w, "min");
	json_w_int(w, f->min);
	json_w_key(w, "max");
	json_w_int(w, f->max);
	json_w_key(w, "avg");
	json_w_double(w, f->files ? (double)f->bytes / (double)f->files : 0);
	json_w_key(w, "totalFiles");
	json_w_int(w, f->files);
	json_w_key(w, "totalSize");
	json_w_int(w, f->bytes);
	json_w_end(w);
}

static void
metrics_json(const struct lake_optimize_metrics *m, bool zorder, int ncols, struct strbuf *out)
{
	struct json_writer w;
	json_w_init(&w, out);
	json_w_object(&w);
	json_w_key(&w, "numFilesAdded");
	json_w_int(&w, m->added.files);
	json_w_key(&w, "numFilesRemoved");
	json_w_int(&w, m->removed.files);
	sizes_json(&w, "filesAdded", &m->added);
	sizes_json(&w, "filesRemoved", &m->removed);
	json_w_key(&w, "partitionsOptimized");
	json_w_int(&w, m->partitions);
	json_w_key(&w, "zOrderStats");
	if (zorder && m->removed.files > 0) {
		json_w_object(&w);
		json_w_key(&w, "strategyName");
		json_w_string(&w, "all");
		json_w_key(&w, "inputCubeFiles");
		json_w_raw(&w, "{\"num\":0,\"size\":0}", 18);
		json_w_key(&w, "inputOtherFiles");
		json_w_object(&w);
		json_w_key(&w, "num");
		json_w_int(&w, m->removed.files);
		json_w_key(&w, "size");
		json_w_int(&w, m->removed.bytes);
		json_w_end(&w);
		json_w_key(&w, "inputNumCubes");
		json_w_int(&w, 0);
		json_w_key(&w, "mergedFiles");
		json_w_object(&w);
		json_w_key(&w, "num");
		json_w_int(&w, m->removed.files);
		json_w_key(&w, "size");
		json_w_int(&w, m->removed.bytes);
		json_w_end(&w);
		json_w_key(&w, "numOutputCubes");
		json_w_int(&w, m->added.files);
		json_w_end(&w);
	} else {
		json_w_null(&w);
	}
	json_w_key(&w, "numBatches");
	json_w_int(&w, m->batches);
	json_w_key(&w, "totalConsideredFiles");
	json_w_int(&w, m->considered_files);
	json_w_key(&w, "totalFilesSkipped");
	json_w_int(&w, m->skipped_files);
	json_w_key(&w, "preserveInsertionOrder");
	json_w_bool(&w, !zorder);
	json_w_key(&w, "numRowsRewritten");
	json_w_int(&w, m->rows);
	json_w_key(&w, "targetFileSize");
	json_w_int(&w, m->target_file_size);
	json_w_key(&w, "numTableColumns");
	json_w_int(&w, ncols);
	json_w_key(&w, "startTimeMs");
	json_w_int(&w, m->start_ms);
	json_w_key(&w, "endTimeMs");
	json_w_int(&w, m->end_ms);
	json_w_end(&w);
}

/* ------------------------------------------------------------ WHERE */

static const struct ast *where_offender(const struct ast *n, const struct delta_snapshot *snap);

static const struct ast *
list_offender(const struct ast_list *l, const struct delta_snapshot *snap)
{
	const struct ast *bad = NULL;
	for (int i = 0; i < l->n && bad == NULL; i++)
		bad = where_offender(l->v[i], snap);
	return bad;
}

/* The first node of an OPTIMIZE ... WHERE expression that does not only
 * choose partitions: a column reference that is not to a partition column
 * of snap (another column, or none), or a subquery (EXISTS, IN (SELECT
 * ...), a scalar one); NULL when there is none. */
static const struct ast *
where_offender(const struct ast *n, const struct delta_snapshot *snap)
{
	if (n == NULL)
		return NULL;
	const struct ast *bad = NULL;
	switch (n->kind) {
	case AST_COLREF: {
		int c = delta_schema_find(&snap->schema, n->u.name.parts[n->u.name.n - 1]);
		return c < 0 || snap->schema.cols[c].partition_index < 0 ? n : NULL;
	}
	case AST_EXISTS:
	case AST_SUBQUERY:
		return n;
	case AST_UNARY:
		return where_offender(n->u.unary.arg, snap);
	case AST_BINARY:
		bad = where_offender(n->u.binary.left, snap);
		return bad ? bad : where_offender(n->u.binary.right, snap);
	case AST_FUNC:
		bad = list_offender(&n->u.func.args, snap);
		if (bad == NULL)
			bad = list_offender(&n->u.func.order, snap);
		return bad ? bad : where_offender(n->u.func.filter, snap);
	case AST_ORDER_ITEM:
		return where_offender(n->u.order.expr, snap);
	case AST_CASE:
		bad = where_offender(n->u.kase.operand, snap);
		if (bad == NULL)
			bad = list_offender(&n->u.kase.whens, snap);
		return bad ? bad : where_offender(n->u.kase.els, snap);
	case AST_WHEN:
		bad = where_offender(n->u.when.cond, snap);
		return bad ? bad : where_offender(n->u.when.then, snap);
	case AST_CAST:
		return where_offender(n->u.cast.arg, snap);
	case AST_IN:
		if (n->u.in.subquery)
			return n;
		bad = where_offender(n->u.in.arg, snap);
		return bad ? bad : list_offender(&n->u.in.list, snap);
	case AST_BETWEEN:
		bad = where_offender(n->u.between.arg, snap);
		if (bad == NULL)
			bad = where_offender(n->u.between.lo, snap);
		return bad ? bad : where_offender(n->u.between.hi, snap);
	case AST_LIKE:
		bad = where_offender(n->u.like.arg, snap);
		if (bad == NULL)
			bad = where_offender(n->u.like.pattern, snap);
		return bad ? bad : where_offender(n->u.like.escape, snap);
	case AST_IS:
		bad = where_offender(n->u.is.arg, snap);
		return bad ? bad : where_offender(n->u.is.other, snap);
	case AST_LIST:
		return list_offender(&n->u.list.items, snap);
	default:
		return NULL;     /* literals, parameters */
	}
}

/* The partition columns of snap, for messages: "k, day". */
static void
partition_list(const struct delta_snapshot *snap, struct strbuf *out)
{
	for (int i = 0; i < snap->metadata.npartition_columns; i++)
		sb_printf(out, "%s%s", i ? ", " : "", snap->metadata.partition_columns[i]);
}

/* Check that `where` only chooses partitions of snap (an error at the
 * offending node otherwise); 0 or -1. */
static int
check_where(const struct ast *where, const struct delta_snapshot *snap, const char *tname, struct wb_error *err)
{
	if (snap->metadata.npartition_columns == 0) {
		err_set(err, where->pos, "OPTIMIZE ... WHERE may only reference partition columns, and \"%s\" is not "
		    "partitioned", tname);
		err_hint(err, "drop the WHERE clause to optimize the whole table");
		return -1;
	}
	const struct ast *bad = where_offender(where, snap);
	if (bad == NULL)
		return 0;
	struct strbuf cols = STRBUF_INIT;
	partition_list(snap, &cols);
	const char *col = bad->kind == AST_COLREF ? bad->u.name.parts[bad->u.name.n - 1] : NULL;
	if (col && delta_schema_find(&snap->schema, col) < 0) {
		err_set(err, bad->pos, "OPTIMIZE ... WHERE: \"%s\" has no column \"%s\"", tname, col);
		err_hint(err, "the predicate may only reference the partition columns of \"%s\" (%s)", tname,
		    sb_str(&cols));
	} else if (col) {
		err_set(err, bad->pos, "OPTIMIZE ... WHERE: predicate references non-partition column \"%s\"", col);
		err_hint(err, "OPTIMIZE rewrites whole partitions: the predicate may only reference the partition "
		    "columns of \"%s\" (%s)", tname, sb_str(&cols));
	} else {
		err_set(err, bad->pos, "OPTIMIZE ... WHERE cannot use a subquery: the predicate chooses partitions by "
		    "their values");
		err_hint(err, "write the partition values as literals, e.g. %s IN ('a', 'b')",
		    snap->metadata.partition_columns[0]);
	}
	sb_free(&cols);
	return -1;
}

/* The options for optimizing snapshot snap: the WHERE's files and
 * predicate when there is one. *files is malloc'd (the caller frees it). */
static int
optimize_options(struct session *s, struct arena *a, const struct optimize_stmt *o, struct table *t,
    struct delta_snapshot *snap, struct lake_optimize_options *lo, int64_t **files, struct wb_error *err)
{
	*lo = (struct lake_optimize_options){.zorder = o->zorder, .nzorder = o->nzorder,
	    .target_file_size = s->delta_target_file_size, .max_records_per_file = s->max_records_per_file};
	*files = NULL;
	if (o->where == NULL)
		return 0;
	if (check_where(o->where, snap, t->name, err) < 0)
		return -1;
	const char *qual = o->target.path ? t->name : o->target.name.parts[o->target.name.n - 1];
	int64_t n;
	if (stmt_lake_touched(s, a, snap, t->name, qual, o->where, files, &n, err) < 0)
		return -1;
	static const int64_t none[1];
	lo->files = *files ? *files : none;     /* no file matches: none, not all */
	lo->nfiles = n;
	lo->predicate = dml_predicate_json(a, o->where);
	return 0;
}

/* OPTIMIZE table [WHERE partition-predicate] [ZORDER BY (col, ...)] */
static int
exec_optimize(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct optimize_stmt *o = data;
	const char *dir;
	struct table *t = stmt_target_open(s, &o->target, "OPTIMIZE", true, &dir, err);
	if (t == NULL)
		return -1;
	int rc = -1;
	int64_t *files = NULL;
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	struct lake_optimize_options lo;
	struct lake_optimize_metrics m;
	if (snap == NULL) {
		err_at(err, o->target.pos);
	} else if (optimize_options(s, a, o, t, snap, &lo, &files, err) < 0) {
		err_at(err, o->where->pos);
	} else if (lake_optimize_at(dir, snap, &lo, &m, err) < 0) {
		err_at(err, o->nzorder && strstr(err->msg ? err->msg : "", "ZORDER") ? o->zorder_pos : o->target.pos);
	} else {
		if (m.version >= 0)
			session_message(s, "OPTIMIZE: %lld file%s rewritten as %lld (Delta version %lld)",
			    (long long)m.removed.files, m.removed.files == 1 ? "" : "s", (long long)m.added.files,
			    (long long)m.version);
		else
			session_message(s, "OPTIMIZE: nothing to do (%lld file%s, none smaller than the target together with "
			    "another)", (long long)m.considered_files, m.considered_files == 1 ? "" : "s");
		static const char *const names[] = {"path", "metrics"};
		static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
		struct rowset_builder r;
		rsb_init(&r, 2, names, types);
		struct strbuf sb = STRBUF_INIT;
		metrics_json(&m, o->nzorder > 0, t->ncol, &sb);
		rsb_str(&r, 0, dir);
		rsb_str(&r, 1, sb_str(&sb));
		rsb_end_row(&r);
		sb_free(&sb);
		rc = rows_emit(s, &r, err);
	}
	free(files);
	delta_snapshot_free(snap);
	table_unref(t);
	return rc;
}

const struct stmt_ext stmt_ext_optimize = {
	.word = "OPTIMIZE",
	.parse = parse_optimize,
	.exec = (void *)exec_optimize,
	.usage = "OPTIMIZE table [WHERE partition-predicate] [ZORDER BY (col, ...)]",
	.summary = "compact a Delta table's small files, or rewrite it clustered by columns (Z-order)",
};
