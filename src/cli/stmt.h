/*
 * stmt: executing one parsed SQL statement for a session (queries, DDL,
 * DML, SHOW / DESCRIBE / EXPLAIN, SET, COPY, extension statements).
 */
#ifndef WB_CLI_STMT_H
#define WB_CLI_STMT_H

#include "cli/session.h"
#include "core/arena.h"
#include "exec/plan.h"
#include "sql/binder.h"

/* Parse and run one statement; results go to session_sink(s). */
int stmt_run(struct session *s, const char *sql, int len, struct wb_error *err);

/* Helpers shared with extension statements (stats, ML): bind and optimise
 * a query AST with the session's catalog and parameters. The binder must
 * be released with binder_release() after the plan ran. */
struct pnode *stmt_plan_query(struct session *s, struct binder *b, struct arena *a, struct ast *q, struct wb_error *err);
/* Run a plan into a rowset (small results). */
int stmt_collect(struct session *s, struct pnode *plan, struct rowset **out, struct wb_error *err);

/* Register the statements implemented as parser extensions (the Delta
 * maintenance statements); idempotent, called by session_new(). */
void stmt_register_exts(void);

/* Signature of an extension statement's executor (struct stmt_ext.exec). */
typedef int (*stmt_ext_fn)(struct session *s, struct arena *a, void *data, struct wb_error *err);
/* Signature of an extension's rewriter (struct stmt_ext.rewrite): the
 * query (allocated in a) to bind where the statement stands, or NULL with
 * err set. */
typedef struct ast *(*stmt_ext_rewrite_fn)(struct session *s, struct arena *a, void *data, struct wb_error *err);

#endif
