/*
 * stmt_int: helpers shared by the statement executors of src/cli
 * (stmt.c and stmt_lake.c); not for other modules.
 */
#ifndef WB_CLI_STMT_INT_H
#define WB_CLI_STMT_INT_H

#include "cli/stmt.h"
#include "exec/exec.h"
#include "sql/parser.h"

/* An execution context with the session's cancel flag and threads. */
void stmt_ctx_setup(struct session *s, struct exec_ctx *ctx);
/* Store scans' rejected rows, free the plan's state and the binder. */
void stmt_finish(struct session *s, struct binder *b, struct pnode *p);
/* Every output column has a non-empty name (else an error at pos). */
int stmt_check_names(char *const *names, int n, int pos, struct wb_error *err);

/* stmt_lake.c: Delta tables. Does this CREATE TABLE make a Delta table
 * (USING DELTA, LOCATION, TBLPROPERTIES, or the session's default)? */
bool stmt_lake_wanted(struct session *s, const struct ast *st);
int stmt_lake_create(struct session *s, struct arena *a, struct ast *st, struct wb_error *err);
/* Append (or overwrite with) plan p's rows - already of the table's
 * columns and types - to Delta table t. */
struct lake_write_options;
int stmt_lake_insert(struct session *s, struct table *t, struct pnode *p, bool overwrite,
    const struct lake_write_options *o, int64_t *rows, struct wb_error *err);
/* INSERT INTO ... (stmt.c); o: options of a Delta commit (NULL: none). */
int stmt_insert(struct session *s, struct arena *a, struct ast *st, const struct lake_write_options *o,
    struct wb_error *err);
/* COPY INTO delta_table FROM 'dir' | 'glob' | 'file' ...: load the files
 * not loaded before (each recorded as a txn action in the commit). */
int stmt_copy_into(struct session *s, struct arena *a, struct ast *st, struct wb_error *err);
/* CACHE TABLE t / UNCACHE TABLE [IF EXISTS] t */
int stmt_cache(struct session *s, struct ast *st, struct wb_error *err);

/* ---- Delta table statements registered as parser extensions
 * (stmt_lake_ext.c): DESCRIBE HISTORY / DETAIL, SHOW TBLPROPERTIES,
 * COMMENT ON (stmt_history.c), RESTORE (stmt_restore.c), OPTIMIZE
 * (stmt_optimize.c), VACUUM (stmt_vacuum.c). */

/* The table a statement names: a (qualified) name - delta.`/path`
 * included - or a quoted path. */
struct stmt_target {
	struct ast_name name;
	char *path;                 /* 'path' form, else NULL */
	int pos;
};

/* Parse a target; false with the parser error set. */
bool stmt_parse_target(struct parser *p, struct stmt_target *t);
/* The table a target names (a new reference) and, when it is a Delta
 * table, its directory in *dir (else NULL); what names the statement for
 * errors. need_delta: refuse other tables ("OPTIMIZE needs a Delta
 * table; \"t\" is an in-memory table"). */
struct table *stmt_target_open(struct session *s, const struct stmt_target *t, const char *what, bool need_delta,
    const char **dir, struct wb_error *err);
/* After a commit that changed a named table's schema or comment, put a
 * freshly opened table object in the catalog so later statements see it. */
void stmt_target_refresh(struct session *s, const struct stmt_target *t, struct table *old);

/* A small result built row by row: columns VARCHAR, BIGINT, BOOLEAN or
 * TIMESTAMP. Set a row's values with rows_* (strings copied;
 * a NULL string or INT64_MIN for BIGINT/TIMESTAMP is SQL NULL), then
 * rows_end_row(). */
struct stmt_rows {
	struct rowset *rs;
	struct chunk c;
};

void rows_init(struct stmt_rows *r, int ncol, const char *const *names, const wb_type *types);
void rows_str(struct stmt_rows *r, int col, const char *v);
void rows_int(struct stmt_rows *r, int col, int64_t v);
void rows_bool(struct stmt_rows *r, int col, int v);      /* -1: NULL */
void rows_end_row(struct stmt_rows *r);
/* Emit as the statement's result and free. */
int rows_emit(struct session *s, struct stmt_rows *r, struct wb_error *err);
void rows_free(struct stmt_rows *r);

/* stmt_history.c: the Delta details DESCRIBE EXTENDED adds (key, value). */
void stmt_lake_describe_extended(struct table *t, void (*row)(void *arg, const char *key, const char *value),
    void *arg);
/* SET names of the Delta settings: 1 handled, 0 not a Delta setting, -1
 * error (bad value). */
int stmt_lake_setting(struct session *s, const char *name, const struct wb_value *v, int pos, struct wb_error *err);

extern const struct stmt_ext stmt_ext_describe_history, stmt_ext_describe_detail, stmt_ext_show_tblproperties,
    stmt_ext_comment_on, stmt_ext_restore, stmt_ext_optimize, stmt_ext_vacuum;

#endif
