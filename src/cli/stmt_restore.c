/*
 * RESTORE [TABLE] t [TO] VERSION AS OF n | TIMESTAMP AS OF expr: bring a
 * Delta table back to an earlier version with one new commit (store/lake
 * lake_restore does the files); the result row is Databricks' restore
 * metrics.
 */
#include "cli/stmt_int.h"
#include "store/lake/lake.h"
#include "core/datetime.h"
#include "core/xmalloc.h"

#include <stdio.h>
#include <string.h>

struct restore_stmt {
	struct stmt_target target;
	struct ast *version, *timestamp;
};

static int
parse_restore(struct parser *p, void **data)
{
	struct restore_stmt *r = arena_zalloc(p->arena, sizeof *r);
	*data = r;
	parser_accept_word(p, "TABLE");
	if (!stmt_parse_target(p, &r->target))
		return -1;
	parser_accept_word(p, "TO");
	bool ver = parser_accept_word(p, "VERSION");
	if (!ver && !parser_accept_word(p, "TIMESTAMP"))
		return parser_syntax_error(p, "VERSION AS OF n or TIMESTAMP AS OF 'time'");
	if (!parser_expect_word(p, "AS") || !parser_expect_word(p, "OF"))
		return -1;
	struct ast *e = parser_expr(p);
	if (e == NULL)
		return -1;
	if (ver)
		r->version = e;
	else
		r->timestamp = e;
	return parser_at_end(p) ? 0 : parser_syntax_error(p, "the end of the statement");
}

/* The value of a constant expression of the statement. */
static int
constant(struct session *s, struct arena *a, struct ast *e, wb_type as, struct wb_value *out, struct wb_error *err)
{
	if (as != WB_TYPE_NULL) {
		struct ast *c = ast_new(a, AST_CAST, e->pos);
		c->u.cast.arg = e;
		c->u.cast.type = as;
		c->u.cast.type_text = (char *)type_name(as);
		e = c;
	}
	struct binder b;
	binder_init(&b, a, s->catalog, err);
	int rc = bind_constant(&b, e, out);
	binder_release(&b);
	return rc;
}

static int
exec_restore(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct restore_stmt *r = data;
	struct lake_restore_options o = {.to = DELTA_READ_OPTIONS_INIT};
	o.to.ts_source = LAKE_TS_SOURCE;
	struct wb_value v;
	char when[64];
	if (r->version) {
		if (constant(s, a, r->version, WB_TYPE_NULL, &v, err) < 0)
			return -1;
		if (v.is_null || v.type != WB_TYPE_BIGINT || v.u.i < 0) {
			err_set(err, r->version->pos, "RESTORE ... VERSION AS OF needs a version number (0, 1, ...)");
			return -1;
		}
		o.to.version = v.u.i;
	} else {
		if (constant(s, a, r->timestamp, WB_TYPE_TIMESTAMP, &v, err) < 0)
			return -1;
		if (v.is_null) {
			err_set(err, r->timestamp->pos, "RESTORE ... TIMESTAMP AS OF needs a time, not NULL");
			return -1;
		}
		o.to.timestamp = v.u.i >= 0 ? v.u.i / 1000 : -((-v.u.i + 999) / 1000);
		dt_format_timestamp(v.u.i, when);
		o.timestamp_text = when;
	}
	const char *dir;
	struct table *t = stmt_target_open(s, &r->target, "RESTORE", true, &dir, err);
	if (t == NULL)
		return -1;
	struct lake_restore_metrics m;
	int64_t version = lake_restore(dir, &o, &m, err);
	if (version < 0) {
		err_at(err, r->version ? r->version->pos : r->timestamp->pos);
		err_hint(err, "DESCRIBE HISTORY lists the table's versions and their times");
		table_unref(t);
		return -1;
	}
	stmt_target_refresh(s, &r->target, t);
	table_unref(t);
	session_message(s, "Restored to version %lld (Delta version %lld)", (long long)m.restored_version,
	    (long long)version);
	static const char *const names[] = {"table_size_after_restore", "num_of_files_after_restore", "num_removed_files",
	    "num_restored_files", "removed_files_size", "restored_files_size"};
	static const wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_BIGINT,
	    WB_TYPE_BIGINT};
	struct rowset_builder rows;
	rsb_init(&rows, 6, names, types);
	rsb_int(&rows, 0, m.table_size_after);
	rsb_int(&rows, 1, m.num_files_after);
	rsb_int(&rows, 2, m.num_removed_files);
	rsb_int(&rows, 3, m.num_restored_files);
	rsb_int(&rows, 4, m.removed_files_size);
	rsb_int(&rows, 5, m.restored_files_size);
	rsb_end_row(&rows);
	return rows_emit(s, &rows, err);
}

const struct stmt_ext stmt_ext_restore = {
	.word = "RESTORE",
	.parse = parse_restore,
	.exec = (void *)exec_restore,
	.usage = "RESTORE [TABLE] table [TO] VERSION AS OF n | TIMESTAMP AS OF time",
	.summary = "make an earlier version of a Delta table the latest (one new commit)",
};
