/*
 * bind_int: private to the binder files (bind_expr.c, bind_query.c).
 */
#ifndef WB_SQL_BIND_INT_H
#define WB_SQL_BIND_INT_H

#include "sql/binder.h"

#define BIND_MAX_DEPTH 64

struct scope_col {
	const char *qual;     /* table alias / name qualifying the column, or NULL */
	const char *name;
	wb_type type;
};

struct scope {
	int ncol;
	struct scope_col *cols;
};

struct agg_collect {
	struct pn_agg *aggs;
	int n;
	int cap;
};

struct bind_env {
	struct scope *scope;
	struct agg_collect *agg;   /* NULL: aggregates not allowed */
	const char *clause;        /* for "not allowed in WHERE" messages */
	bool in_agg;               /* binding an aggregate's arguments */
	/* select-list aliases usable in this clause (GROUP BY, HAVING, ORDER BY) */
	int nalias;
	char **alias_names;
	struct ast **alias_exprs;
	int alias_depth;
};

struct bind_cte {
	const char *name;
	struct ast *query;
	struct ast_list *columns;
	struct bind_cte *next;
};

/* bind_expr.c */
struct bexpr *bind_expr(struct binder *b, struct ast *e, struct bind_env *env);
struct bexpr *bind_coerce(struct binder *b, struct bexpr *e, wb_type to, int pos);
struct bexpr *bind_fold(struct binder *b, struct bexpr *e);
bool ast_has_aggregate(const struct ast *e);
/* Replace group-expression matches and aggregate refs by columns of the
 * aggregation output; a remaining raw column is a GROUP BY violation. */
struct bexpr *bind_post_agg(struct binder *b, struct bexpr *e, struct bexpr **groups, int ngroups,
    struct scope *from, int pos);
char *bind_expr_name(struct binder *b, struct ast *e);

/* bind_query.c */
struct pnode *bind_query_scoped(struct binder *b, struct ast *q, struct scope *out);

#endif
