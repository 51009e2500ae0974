/*
 * stmt_int: helpers shared by the statement executors of src/cli
 * (stmt.c and stmt_lake.c); not for other modules.
 */
#ifndef WB_CLI_STMT_INT_H
#define WB_CLI_STMT_INT_H

#include "cli/stmt.h"
#include "exec/exec.h"

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

#endif
