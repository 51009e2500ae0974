/*
 * The Delta table statements that wb registers as parser extensions
 * (DESCRIBE HISTORY, DESCRIBE DETAIL, SHOW TBLPROPERTIES, SHOW PARTITIONS, COMMENT ON,
 * RESTORE, OPTIMIZE, VACUUM), and what their executors share: naming the
 * target table and building a small result.
 */
#include "cli/stmt_int.h"
#include "cli/expect.h"
#include "cli/stmt_chart.h"
#include "cli/stream.h"
#include "store/lake/lake.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
stmt_register_exts(void)
{
	static const struct stmt_ext *const exts[] = {
		&stmt_ext_describe_history, &stmt_ext_describe_detail, &stmt_ext_show_tblproperties, &stmt_ext_comment_on,
		&stmt_ext_restore, &stmt_ext_optimize, &stmt_ext_vacuum, &stmt_ext_show_partitions,
		&expect_ext_describe,
	};
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
		parse_register_ext(exts[i]);
	stmt_register_stats();
	stmt_register_ml();
	stmt_register_stream();
	stmt_register_chart();
}

/* ------------------------------------------------------------ targets */

bool
stmt_parse_target(struct parser *p, struct stmt_target *t)
{
	memset(t, 0, sizeof *t);
	const struct token *tok = parser_peek(p, 0);
	t->pos = tok->pos;
	if (tok->type == TOK_STRING) {
		t->path = parser_string(p, "a table name or 'path'");
		return t->path != NULL;
	}
	return parser_qualified_name(p, &t->name);
}

struct table *
stmt_target_open(struct session *s, const struct stmt_target *t, const char *what, bool need_delta, const char **dir,
    struct wb_error *err)
{
	struct table *tab;
	if (t->path)
		tab = lake_table_open(t->path, t->path, true, err);
	else
		tab = catalog_get(s->catalog, (char *const *)t->name.parts, t->name.n, err);
	if (tab == NULL) {
		err_at(err, t->pos);
		return NULL;
	}
	*dir = lake_table_dir(tab);
	if (need_delta && *dir == NULL) {
		err_set(err, t->pos, "%s needs a Delta table; \"%s\" is %s", what, tab->name,
		    tab->view_sql ? "a view" : "an in-memory table");
		err_hint(err, "CREATE TABLE ... USING DELTA AS SELECT * FROM %s makes a Delta copy", tab->name);
		table_unref(tab);
		return NULL;
	}
	return tab;
}

void
stmt_target_refresh(struct session *s, const struct stmt_target *t, struct table *old)
{
	const char *dir = lake_table_dir(old);
	if (t->path || dir == NULL || (t->name.n == 2 && strcasecmp(t->name.parts[0], "delta") == 0))
		return;      /* read by path: never kept in the catalog */
	struct wb_error e = WB_ERROR_INIT;
	struct table *fresh = lake_table_open(old->name, dir, lake_table_is_external(old), &e);
	if (fresh)
		catalog_put(s->catalog, (char *const *)t->name.parts, t->name.n, fresh, false, true, false, &e);
	err_clear(&e);
}

/* ------------------------------------------------------------ results */

int
rows_emit(struct session *s, struct rowset_builder *r, struct wb_error *err)
{
	struct rowset *rs = rsb_finish(r);
	int rc = session_emit(s, rs, err);
	rowset_free(rs);
	return rc;
}

/* ------------------------------------------------------------ settings */

int
stmt_lake_setting(struct session *s, const char *name, const struct wb_value *v, int pos, struct wb_error *err)
{
	if (strcasecmp(name, "spark.databricks.delta.retentionDurationCheck.enabled") == 0) {
		bool b;
		if (!v->is_null && v->type == WB_TYPE_BOOL)
			b = v->u.b;
		else if (v->is_null || v->type != WB_TYPE_VARCHAR || !parse_bool(v->u.s.p, v->u.s.n, &b)) {
			err_set(err, pos, "%s is true or false", name);
			return -1;
		}
		s->delta_retention_check = b;
		return 1;
	}
	if (strcasecmp(name, "spark.databricks.delta.optimize.maxFileSize") == 0) {
		int64_t n = -1;
		if (!v->is_null && v->type == WB_TYPE_BIGINT)
			n = v->u.i;
		else if (!v->is_null && v->type == WB_TYPE_VARCHAR)
			n = lake_parse_size(v->u.s.p);
		if (n < 1) {
			err_set(err, pos, "%s is a size in bytes (or with kb, mb, gb), such as 134217728 or '128mb'", name);
			return -1;
		}
		s->delta_target_file_size = n;
		return 1;
	}
	if (strcasecmp(name, "spark.sql.sources.partitionOverwriteMode") == 0) {
		if (v->is_null || v->type != WB_TYPE_VARCHAR ||
		    (strcasecmp(v->u.s.p, "static") != 0 && strcasecmp(v->u.s.p, "dynamic") != 0)) {
			err_set(err, pos, "%s is 'static' (INSERT OVERWRITE replaces the table, or the PARTITION given) or "
			    "'dynamic' (only the partitions written to)", name);
			return -1;
		}
		s->dynamic_partition_overwrite = strcasecmp(v->u.s.p, "dynamic") == 0;
		return 1;
	}
	if (strcasecmp(name, "spark.sql.files.maxRecordsPerFile") == 0) {
		if (v->is_null || v->type != WB_TYPE_BIGINT || v->u.i < 0) {
			err_set(err, pos, "%s is a number of rows (0: no limit)", name);
			return -1;
		}
		s->max_records_per_file = v->u.i;
		return 1;
	}
	return 0;
}
