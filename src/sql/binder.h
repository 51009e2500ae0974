/*
 * binder: AST -> executable plan (src/exec/plan.h).
 *
 * Resolves names against the catalog, CTEs and FROM scopes, types every
 * expression, resolves functions and inserts implicit casts, folds
 * constants, expands `*`, splits aggregate queries into an aggregation and
 * a projection over it, and checks the rules a user can break (ambiguous
 * or unknown columns, GROUP BY violations, nested aggregates, aggregates in
 * WHERE) with errors that carry the statement position and a hint.
 *
 * Uncorrelated scalar and EXISTS subqueries (and IN subqueries below the
 * top level of a WHERE) are planned and run during binding through the
 * `run` callback and replaced by their constant result; IN / EXISTS at
 * the top of a WHERE become semi / anti joins, and correlated subqueries
 * are decorrelated into joins (bind_subquery.c).
 */
#ifndef WB_SQL_BINDER_H
#define WB_SQL_BINDER_H

#include "core/arena.h"
#include "core/error.h"
#include "core/rowset.h"
#include "exec/plan.h"
#include "sql/ast.h"
#include "store/catalog.h"

struct bind_cte;
struct outer_ref;
struct corr_capture;

struct binder {
	struct arena *arena;           /* plan arena: lives as long as the plan */
	struct catalog *catalog;
	struct wb_error *err;
	/* named parameters (:name, ${name}); NULL result = unknown */
	const struct wb_value *(*param)(void *arg, const char *name);
	void *param_arg;
	/* run a plan to completion and collect its rows (subqueries) */
	int (*run)(void *arg, struct pnode *plan, struct rowset **out, struct wb_error *err);
	void *run_arg;
	/* run an extension statement standing as a query (AST_EXT, e.g.
	 * CREATE TABLE x AS TTEST ...) and collect its table into *out, or
	 * give the query to bind in its place (*query, in arena a) (arg:
	 * run_arg); NULL: refused */
	int (*ext)(void *arg, struct ast *ext, struct arena *a, struct rowset **out, struct ast **query,
	    struct wb_error *err);
	struct bind_cte *ctes;
	struct outer_ref *outer;        /* enclosing queries' scopes (subqueries) */
	struct corr_capture *capture;   /* taken by the next SELECT core bound */
	int depth;                     /* view / subquery nesting guard */
	/* nodes holding resources (scans, values), released by
	 * binder_release() whether or not binding succeeded */
	struct pnode **owned;
	int nowned;
	size_t owned_cap;
};

void binder_init(struct binder *b, struct arena *arena, struct catalog *catalog, struct wb_error *err);
/* Release every resource the binder created (after execution, or after a
 * failed bind). Safe to call after exec_cleanup() of the plan. */
void binder_release(struct binder *b);
/* Record a node holding resources (internal to the binder). */
void binder_own(struct binder *b, struct pnode *n);
/* Bind a QUERY node (or SELECT / VALUES body). NULL with err set on error. */
struct pnode *bind_query(struct binder *b, struct ast *query);
/* Bind a constant expression (LIMIT values, SET values, options). */
int bind_constant(struct binder *b, struct ast *expr, struct wb_value *out);
/* Add a cast of plan output columns to the given types (INSERT, CTAS with
 * declared columns); error names the column that cannot be converted. A
 * column of untyped NULLs (bind_null_column) fits any type. */
struct pnode *bind_cast_columns(struct binder *b, struct pnode *plan, const wb_type *types, char *const *names,
    int ncol, int pos);
/* A FROM item for an already bound plan p of b, its columns qualified by
 * qual (may be NULL): queries over a plan built outside SQL, bound with
 * bind_query(b, ...) - the same binder. */
struct ast *bind_bound_relation(struct binder *b, struct pnode *p, const char *qual, int pos);
/* Is column i of plan made only of untyped NULLs that binding typed as
 * BIGINT (SELECT NULL, VALUES (NULL), through projections of it)? */
bool bind_null_column(const struct pnode *plan, int i);

#endif
