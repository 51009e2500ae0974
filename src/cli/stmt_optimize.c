/*
 * OPTIMIZE table [WHERE partition-predicate] [ZORDER BY (col, ...)]:
 * compact a Delta table's small files, or rewrite it in Z-order (store/
 * lake lake_optimize). The result is Databricks' row: the table's path
 * and the metrics as JSON.
 */
#include "cli/stmt_int.h"
#include "store/lake/lake.h"
#include "core/json.h"
#include "core/strbuf.h"

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

static int
exec_optimize(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct optimize_stmt *o = data;
	const char *dir;
	struct table *t = stmt_target_open(s, &o->target, "OPTIMIZE", true, &dir, err);
	if (t == NULL)
		return -1;
	int rc = -1;
	if (o->where) {
		/* only partition columns may be named, and wb's Delta tables
		 * have none yet */
		struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
		if (snap == NULL) {
			err_at(err, o->target.pos);
		} else if (snap->metadata.npartition_columns == 0) {
			err_set(err, o->where->pos, "OPTIMIZE ... WHERE may only reference partition columns, and \"%s\" is not "
			    "partitioned", t->name);
			err_hint(err, "drop the WHERE clause to optimize the whole table");
		} else {
			err_set(err, o->where->pos, "OPTIMIZE ... WHERE: partitioned Delta tables are not supported yet");
		}
		delta_snapshot_free(snap);
		table_unref(t);
		return -1;
	}
	struct lake_optimize_options lo = {.zorder = o->zorder, .nzorder = o->nzorder,
	    .target_file_size = s->delta_target_file_size, .max_records_per_file = s->max_records_per_file};
	struct lake_optimize_metrics m;
	if (lake_optimize(dir, &lo, &m, err) < 0) {
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
		struct stmt_rows r;
		rows_init(&r, 2, names, types);
		struct strbuf sb = STRBUF_INIT;
		metrics_json(&m, o->nzorder > 0, t->ncol, &sb);
		rows_str(&r, 0, dir);
		rows_str(&r, 1, sb_str(&sb));
		rows_end_row(&r);
		sb_free(&sb);
		rc = rows_emit(s, &r, err);
	}
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
