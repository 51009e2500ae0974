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
	/* reachable only qualified (qual.name) and not expanded by `*`: the
	 * two sides' copies of a JOIN ... USING column, whose merged column is
	 * the visible one */
	bool hidden;
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

/* Window function calls of one SELECT, collected while its expressions
 * are bound (each call becomes a BX_WINREF to its entry). Expressions are
 * over the FROM scope, or over the aggregation output once the SELECT
 * has mapped them with bind_post_agg. */
struct win_entry {
	struct pn_winfn fn;
	int npartition;
	struct bexpr **partition;
	int norder;
	struct pn_sortkey *order;
	const char *name;          /* for the column name in EXPLAIN */
	int column;                /* output column once the window nodes exist */
};

struct win_collect {
	struct win_entry *v;
	int n;
	int cap;
	struct ast_list *named;    /* the SELECT's WINDOW clause */
};

struct bind_env {
	struct scope *scope;
	struct agg_collect *agg;   /* NULL: aggregates not allowed */
	struct win_collect *win;   /* NULL: window functions not allowed */
	struct bexpr **groups;     /* GROUP BY keys, for GROUPING() */
	int ngroups;
	/* the plan the scope reads, which a correlated subquery in this
	 * clause may extend with a join (new columns go to the right);
	 * NULL: correlated subqueries not allowed here */
	struct pnode **plan;
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
	struct pnode *mat;        /* PN_MATERIALIZE, bound at the first reference */
	int materialized;         /* -1 default, 0 NOT MATERIALIZED, 1 MATERIALIZED */
	bool recursive;           /* in a WITH RECURSIVE */
	struct pnode *work;       /* binding its recursive step: the working table */
	bool work_used;
	struct bind_cte *next;
};

/* A subquery's view of the query around it: a column not found in the
 * subquery's own scope is looked up here (BX_OUTER, depth 1 = this one). */
struct outer_ref {
	struct scope *scope;
	struct outer_ref *up;
	bool used;
};

/* What the top SELECT core of a correlated subquery hands back: its WHERE
 * conjuncts that reference the outer query (over the FROM columns, with
 * BX_OUTER for outer columns), the plan of FROM and the other conjuncts,
 * and enough of the rest to rebuild it grouped by the correlation keys. */
struct corr_capture {
	struct bexpr **preds;
	int npreds, cap;
	struct pnode *base;        /* FROM + uncorrelated WHERE */
	struct bexpr *item0;       /* first select item over base (no aggregates) */
	int nitems;
	struct pnode *agg;         /* the aggregation (0 groups), or NULL */
	struct bexpr *item0_agg;   /* first item over the aggregation output */
	struct bexpr *having;      /* over the aggregation output, or NULL */
	bool grouped, windows, distinct, limited, ordered;
};

/* bind_subquery.c */
/* Bind a subquery expression (scalar, EXISTS, IN) within env. */
struct bexpr *bind_subquery_expr(struct binder *b, struct ast *e, struct bind_env *env);
bool bexpr_has_outer(const struct bexpr *e);
/* The rows of an uncorrelated subquery (IN lists); correlated = error. */
struct rowset *bind_subquery_rows(struct binder *b, struct ast *q, struct bind_env *env, int pos);
/* A top-level WHERE conjunct that is [NOT] EXISTS / [NOT] IN (subquery):
 * join it onto *plan (semi / anti) and return 1; 0 if e is not one; -1 on
 * error. */
int bind_subquery_conjunct(struct binder *b, struct ast *e, struct bind_env *env, struct pnode **plan);

/* bind_pivot.c */
struct pnode *bind_pivot(struct binder *b, struct ast *pv, struct scope *out);
struct pnode *bind_unpivot(struct binder *b, struct ast *up, struct scope *out);

/* bind_select.c */
struct pnode *bind_select(struct binder *b, struct ast *sel, struct ast *q, struct scope *out);

/* bind_group.c */
/* The aggregation of a SELECT: output columns keys[0..nkeys-1] then
 * ac->aggs[0..n-1]. With several grouping sets (bit masks over keys) one
 * aggregation per set over a shared materialisation of input, the keys a
 * set lacks NULL, unioned; GROUPING() entries (fn NULL) become constants
 * per set. */
struct pnode *bind_aggregation(struct binder *b, struct pnode *input, struct bexpr **keys, int nkeys,
    const uint64_t *sets, int nsets, struct agg_collect *ac);
/* "sum(DISTINCT x)": an aggregate's column name over input names. */
char *bind_agg_label(struct binder *b, const struct pn_agg *a, char **names);
/* GROUPING(args) in a grouped SELECT: a GROUPING() entry in env->agg. */
struct bexpr *bind_grouping_call(struct binder *b, struct ast *e, struct bind_env *env);

/* bind_window.c */
struct bexpr *bind_window_call(struct binder *b, struct ast *e, struct bind_env *env);
/* Stack one PN_WINDOW node per distinct (PARTITION BY, ORDER BY) over
 * input and set every entry's output column. */
struct pnode *bind_window_nodes(struct binder *b, struct win_collect *wc, struct pnode *input);
/* DISTINCT ON: keep the first row per key (columns of input) in the
 * given order; output = input's columns plus a row-number column. */
struct pnode *bind_first_per_key(struct binder *b, struct pnode *input, const int *keys, int nkeys,
    struct pn_sortkey *order, int norder);
/* input's columns plus row_number() OVER (PARTITION BY keys ORDER BY order). */
struct pnode *bind_row_number(struct binder *b, struct pnode *input, const int *keys, int nkeys,
    struct pn_sortkey *order, int norder);
/* Replace BX_WINREF by the entry's output column. */
struct bexpr *bind_resolve_winrefs(struct binder *b, struct bexpr *e, const struct win_collect *wc);

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
/* A call of a scalar function or operator ("=", "+") on bound arguments. */
struct bexpr *bind_call(struct binder *b, const char *name, struct bexpr **args, int nargs, int pos);
struct bexpr *bind_call_fn(struct binder *b, const struct scalar_fn *fn, struct bexpr **args, int nargs, int pos);

/* bind_query.c */
struct pnode *bind_query_scoped(struct binder *b, struct ast *q, struct scope *out);
/* A query body without the query-level ORDER BY / LIMIT. */
struct pnode *bind_body_plain(struct binder *b, struct ast *body, struct scope *out);
struct pnode *bind_from(struct binder *b, struct ast *f, struct scope *s);
void scope_from_plan(struct binder *b, struct scope *s, struct pnode *p, const char *qual);
struct pnode *bind_project(struct binder *b, struct pnode *child, int n, struct bexpr **exprs, char **names);
struct pnode *bind_filter(struct binder *b, struct pnode *child, struct bexpr *pred);
/* LIMIT / OFFSET of query q over p (p itself when q has none). */
struct pnode *add_limit(struct binder *b, struct pnode *p, struct ast *q);
/* A constant non-negative count: -1 for NULL, -2 on error. */
int64_t bind_count(struct binder *b, struct ast *e, const char *what);

/* bind_setop.c */
struct pnode *bind_setop(struct binder *b, struct ast *n, struct scope *out);
/* DISTINCT over every column of p. */
struct pnode *bind_distinct(struct binder *b, struct pnode *p);

/* bind_join.c */
struct pnode *bind_join(struct binder *b, struct ast *j, struct scope *s);
/* Build a join of two bound inputs on a condition over their concatenated
 * columns (left then right): equality conjuncts between the sides become
 * hash-join keys, the rest a residual; no keys gives a nested-loop join. */
struct pnode *bind_make_join(struct binder *b, struct pnode *left, struct pnode *right, enum pn_join_type type,
    struct bexpr *cond, int pos);
/* Split an AND tree into conjuncts (appended to *out). */
void bexpr_conjuncts(struct arena *a, struct bexpr *e, struct bexpr ***out, int *n, int *cap);
struct bexpr *bexpr_and(struct arena *a, struct bexpr **conj, int n);

#endif
