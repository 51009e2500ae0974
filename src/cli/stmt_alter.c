/*
 * ALTER TABLE on Delta and in-memory tables.
 *
 *   ADD COLUMN[S]        Delta: a metadata commit (older files read the new
 *                        columns as NULL); memory: the table rebuilt
 *   RENAME COLUMN        memory only: a Delta table without column mapping
 *   DROP COLUMN[S]       stores columns by name, so renaming or dropping one
 *                        would need delta.columnMapping.mode = 'name' (which
 *                        wb does not support yet) - refused, as Databricks
 *                        refuses it on such tables
 *   SET / UNSET TBLPROPERTIES, ALTER COLUMN c COMMENT   Delta only
 *   ADD / DROP CONSTRAINT   Delta only (stmt_expect.c)
 *
 * A table whose columns change gets a new table object in the catalog
 * (catalog_swap); queries already running keep the old one.
 */
#include "cli/stmt_int.h"
#include "cli/expect.h"
#include "store/lake/lake.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Rebuild in-memory table t as SELECT exprs AS names FROM t. */
static int
memory_rebuild(struct session *s, struct arena *a, struct table *t, int n, struct ast **exprs, char **names,
    struct wb_error *err)
{
	struct ast_list items = {0};
	for (int i = 0; i < n; i++)
		ast_list_add(a, &items, ast_mk_item(a, exprs[i], names[i]));
	ast_list_add(a, &items, ast_mk_item(a, ast_mk_int(a, DML_COPY, 0), DML_ACTION_COLUMN));
	struct ast_name nm = {1, {t->name}};
	struct ast *q = ast_mk_select(a, ast_mk_table(a, &nm, t->name, t, 0), &items, NULL);
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	struct mt_rowgroup **rgs = NULL;
	int nrg = 0;
	struct dml_counts counts;
	int rc = p ? dml_run(s, p, NULL, &rgs, &nrg, &counts, NULL, err) : -1;
	struct table *nt = NULL;
	if (rc == 0) {
		struct memtable *mt = memtable_new(n, p->types);
		memtable_add(mt, rgs, nrg);
		free(rgs);
		nt = memtable_table(t->name, n, names, p->types, mt);
		if (t->comment)
			nt->comment = xstrdup(t->comment);
	}
	stmt_finish(s, &b, p);
	if (nt == NULL)
		return -1;
	return catalog_swap(s->catalog, t, nt, err);
}

static int
column_of(struct table *t, const char *name, int pos, struct wb_error *err)
{
	int c = table_column(t, name);
	if (c < 0)
		err_set(err, pos, "table \"%s\" has no column \"%s\"", t->name, name);
	return c;
}

static int
add_columns(struct session *s, struct arena *a, struct ast *st, struct table *t, struct wb_error *err)
{
	struct ast_list *cols = &st->u.alter.columns;
	int n = cols->n;
	char **names = arena_alloc(a, sizeof(char *) * (size_t)n);
	wb_type *types = arena_alloc(a, sizeof(wb_type) * (size_t)n);
	char **comments = arena_alloc(a, sizeof(char *) * (size_t)n);
	for (int i = 0; i < n; i++) {
		struct ast *c = cols->v[i];
		if (c->u.coldef.not_null || c->u.coldef.default_value) {
			err_set(err, c->pos, "column \"%s\": a column added to an existing table is nullable, without a default",
			    c->u.coldef.name);
			err_hint(err, "the rows already there get NULL; UPDATE them afterwards");
			return -1;
		}
		names[i] = c->u.coldef.name;
		types[i] = c->u.coldef.type;
		comments[i] = c->u.coldef.comment;
		for (int k = 0; k < t->ncol + i; k++)
			if (strcasecmp(k < t->ncol ? t->names[k] : names[k - t->ncol], names[i]) == 0) {
				err_set(err, c->pos, "table \"%s\" already has a column \"%s\"", t->name, names[i]);
				return -1;
			}
	}
	if (lake_table_dir(t)) {
		int64_t v = lake_add_columns(lake_table_dir(t), n, names, types, comments, err);
		if (v < 0) {
			err_at(err, st->pos);
			return -1;
		}
		stmt_lake_refresh(s, t);
		session_message(s, "Table %s: %d column%s added (Delta version %lld)", t->name, n, n == 1 ? "" : "s",
		    (long long)v);
		return 0;
	}
	int m = t->ncol + n;
	struct ast **exprs = arena_alloc(a, sizeof(struct ast *) * (size_t)m);
	char **all = arena_alloc(a, sizeof(char *) * (size_t)m);
	for (int i = 0; i < t->ncol; i++) {
		exprs[i] = ast_mk_col(a, t->name, t->names[i], st->pos);
		all[i] = t->names[i];
	}
	for (int i = 0; i < n; i++) {
		exprs[t->ncol + i] = ast_mk_cast(a, ast_mk_null(a, st->pos), types[i]);
		all[t->ncol + i] = names[i];
	}
	return memory_rebuild(s, a, t, m, exprs, all, err);
}

static int
refuse_without_mapping(struct ast *st, struct table *t, const char *what, struct wb_error *err)
{
	err_set(err, st->pos, "cannot %s a column of Delta table \"%s\": its columns are stored by name, so this needs "
	    "column mapping (delta.columnMapping.mode = 'name'), which wb does not support yet", what, t->name);
	err_hint(err, "rewrite the table: CREATE OR REPLACE TABLE %s AS SELECT ... FROM %s (with the columns you want)",
	    t->name, t->name);
	return -1;
}

/* RENAME COLUMN / DROP COLUMNS on an in-memory table. */
static int
reshape_columns(struct session *s, struct arena *a, struct ast *st, struct table *t, struct wb_error *err)
{
	struct ast **exprs = arena_alloc(a, sizeof(struct ast *) * (size_t)(t->ncol ? t->ncol : 1));
	char **names = arena_alloc(a, sizeof(char *) * (size_t)(t->ncol ? t->ncol : 1));
	bool *drop = arena_zalloc(a, sizeof(bool) * (size_t)(t->ncol ? t->ncol : 1));
	int rename = -1;
	if (st->u.alter.what == ALTER_RENAME_COLUMN) {
		rename = column_of(t, st->u.alter.column, st->pos, err);
		if (rename < 0)
			return -1;
		int other = table_column(t, st->u.alter.new_name);
		if (other >= 0 && other != rename) {
			err_set(err, st->pos, "table \"%s\" already has a column \"%s\"", t->name, st->u.alter.new_name);
			return -1;
		}
	} else {
		for (int i = 0; i < st->u.alter.columns.n; i++) {
			struct ast *c = st->u.alter.columns.v[i];
			int k = column_of(t, c->u.name.parts[0], c->pos, err);
			if (k < 0)
				return -1;
			drop[k] = true;
		}
	}
	int n = 0;
	for (int i = 0; i < t->ncol; i++) {
		if (drop[i])
			continue;
		exprs[n] = ast_mk_col(a, t->name, t->names[i], st->pos);
		names[n++] = i == rename ? st->u.alter.new_name : t->names[i];
	}
	if (n == 0) {
		err_set(err, st->pos, "cannot drop every column of \"%s\"", t->name);
		err_hint(err, "DROP TABLE %s", t->name);
		return -1;
	}
	return memory_rebuild(s, a, t, n, exprs, names, err);
}

static int
properties(struct session *s, struct arena *a, struct ast *st, struct table *t, struct wb_error *err)
{
	bool unset = st->u.alter.what == ALTER_UNSET_PROPS;
	int n = st->u.alter.props.n;
	char **keys = arena_alloc(a, sizeof(char *) * (size_t)n);
	char **values = arena_alloc(a, sizeof(char *) * (size_t)n);
	for (int i = 0; i < n; i++) {
		const struct ast *pr = st->u.alter.props.v[i];
		if (expect_reserved_key(pr->u.prop.key)) {
			/* so that a CHECK constraint is never added unchecked */
			err_set(err, pr->pos, "table property '%s' holds a constraint: it is changed with ADD CONSTRAINT and "
			    "DROP CONSTRAINT", pr->u.prop.key);
			err_hint(err, "ALTER TABLE %s ADD CONSTRAINT name CHECK (...) | EXPECT (...); ALTER TABLE %s DROP "
			    "CONSTRAINT name", t->name, t->name);
			return -1;
		}
		keys[i] = pr->u.prop.key;
		values[i] = NULL;
		if (unset)
			continue;
		const struct ast *val = pr->u.prop.value;
		if (val == NULL || val->kind != AST_LITERAL || val->u.lit.is_null) {
			err_set(err, pr->pos, "table property '%s' needs a literal value", pr->u.prop.key);
			return -1;
		}
		struct strbuf sb = STRBUF_INIT;
		value_format(&val->u.lit, &sb, "");
		values[i] = arena_strdup(a, sb_str(&sb));
		sb_free(&sb);
	}
	int64_t v = lake_set_properties(lake_table_dir(t), n, keys, values, unset, st->u.alter.if_exists, err);
	if (v < 0) {
		err_at(err, st->pos);
		return -1;
	}
	session_message(s, "Table %s: properties %s (Delta version %lld)", t->name, unset ? "unset" : "set", (long long)v);
	return 0;
}

/* ALTER TABLE t ADD COLUMNS | RENAME COLUMN | DROP COLUMNS | SET/UNSET TBLPROPERTIES | ALTER COLUMN c COMMENT */
int
stmt_alter(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	struct table *t = stmt_dml_target(s, &st->u.alter.name, st->pos, "alter", err);
	if (t == NULL)
		return -1;
	bool delta = lake_table_dir(t) != NULL;
	int rc = -1;
	switch (st->u.alter.what) {
	case ALTER_ADD_COLUMNS:
		rc = add_columns(s, a, st, t, err);
		break;
	case ALTER_RENAME_COLUMN:
	case ALTER_DROP_COLUMNS:
		if (delta)
			refuse_without_mapping(st, t, st->u.alter.what == ALTER_RENAME_COLUMN ? "rename" : "drop", err);
		else
			rc = reshape_columns(s, a, st, t, err);
		break;
	case ALTER_SET_PROPS:
	case ALTER_UNSET_PROPS:
		if (!delta) {
			err_set(err, st->pos, "table properties belong to Delta tables; \"%s\" is in memory", t->name);
			break;
		}
		rc = properties(s, a, st, t, err);
		break;
	case ALTER_COLUMN_COMMENT:
		if (!delta) {
			err_set(err, st->pos, "column comments are kept by Delta tables; \"%s\" is in memory", t->name);
			break;
		}
		if (column_of(t, st->u.alter.column, st->pos, err) < 0)
			break;
		if (lake_comment_column(lake_table_dir(t), st->u.alter.column, st->u.alter.comment, err) < 0) {
			err_at(err, st->pos);
			break;
		}
		rc = 0;
		break;
	case ALTER_ADD_CONSTRAINT:
	case ALTER_DROP_CONSTRAINT:
		rc = expect_alter(s, a, st, t, err);
		break;
	case ALTER_RENAME_TABLE:
		err_set(err, st->pos, "ALTER TABLE ... RENAME TO is not supported yet");
		err_hint(err, "CREATE TABLE %s AS SELECT * FROM %s, then DROP TABLE %s", st->u.alter.new_name, t->name, t->name);
		break;
	}
	table_unref(t);
	return rc;
}
