/*
 * plan: the executable plan tree.
 *
 * The binder (src/sql) builds this tree, the optimizer rewrites it, EXPLAIN
 * prints it and the executor runs it. Every node has an output schema and
 * bound expressions whose column references index its child's output.
 * All nodes and expressions live in the statement's plan arena.
 *
 * Execution model (see exec.h): streaming nodes (SCAN, FILTER, PROJECT) are
 * instantiated once per worker thread and pull chunks from their child;
 * pipeline breakers (AGG, SORT, TOPN, LIMIT, and later joins' build sides
 * and windows) consume their whole input in parallel during exec_prepare()
 * and then serve their result to any number of instances, morsel by morsel.
 */
#ifndef WB_EXEC_PLAN_H
#define WB_EXEC_PLAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rowset.h"
#include "exec/expr.h"
#include "func/agg.h"
#include "store/source.h"
#include "store/table.h"

enum pn_kind {
	PN_SCAN = 1,
	PN_VALUES,
	PN_FILTER,
	PN_PROJECT,
	PN_AGG,
	PN_SORT,
	PN_TOPN,
	PN_LIMIT,
	PN_HASH_JOIN,     /* child = probe side, u.join.right = build side */
	PN_NL_JOIN,       /* nested loop: child = outer, u.join.right = inner (materialised) */
	PN_WINDOW,        /* child columns + one column per window function */
	PN_UNION,         /* UNION ALL of u.set.inputs (same schema) */
	PN_MATERIALIZE,   /* computes child once; read by PN_CTE_SCAN nodes */
	PN_CTE_SCAN,      /* reads a PN_MATERIALIZE node (u.cte.source), own cursor */
	PN_RECURSIVE,     /* WITH RECURSIVE: u.rec.base, u.rec.step (reads the working table) */
};

/*
 * Joins. Output columns: for INNER, LEFT, RIGHT and FULL the probe side's
 * (child's) columns then the build side's; for SEMI and ANTI only the probe
 * side's. Key expressions: lkeys over the probe side's columns, rkeys over
 * the build side's, compared pairwise for equality (NULL never equals
 * anything unless null_eq[k], i.e. IS NOT DISTINCT FROM). `residual` is an
 * extra condition over the concatenated row (probe columns then build
 * columns) that a match must also satisfy; NULL for none. Outer joins pad
 * the missing side with NULLs; RIGHT and FULL also emit the build rows no
 * probe row matched (after the whole probe side was read).
 *
 * null_aware (ANTI only): SQL's NOT IN semantics — if the build side has a
 * row whose key is NULL, no probe row qualifies; a probe row whose key is
 * NULL never qualifies (unless the build side is empty).
 */
enum pn_join_type {
	PJ_INNER = 0,
	PJ_LEFT,     /* probe rows kept */
	PJ_RIGHT,    /* build rows kept */
	PJ_FULL,
	PJ_SEMI,     /* probe rows with at least one match, once each */
	PJ_ANTI,     /* probe rows with no match */
	PJ_CROSS,    /* PN_NL_JOIN only: every pair */
};

/* Window functions (one PN_WINDOW node = one PARTITION BY / ORDER BY; the
 * binder stacks nodes for different ones). */
enum pn_win_kind {
	PW_ROW_NUMBER = 1,
	PW_RANK,
	PW_DENSE_RANK,
	PW_PERCENT_RANK,
	PW_CUME_DIST,
	PW_NTILE,        /* args[0]: bucket count (constant) */
	PW_LAG,          /* args: value [, offset constant [, default]] */
	PW_LEAD,
	PW_FIRST_VALUE,  /* args[0]; honours the frame and ignore_nulls */
	PW_LAST_VALUE,
	PW_NTH_VALUE,    /* args: value, n (constant) */
	PW_AGG,          /* any aggregate over the frame (running sum, moving avg, ...) */
};

enum pn_frame_unit { PF_ROWS = 0, PF_RANGE };
enum pn_bound {
	PB_UNBOUNDED_PRECEDING = 0,
	PB_PRECEDING,      /* offset rows / value distance before */
	PB_CURRENT_ROW,
	PB_FOLLOWING,
	PB_UNBOUNDED_FOLLOWING,
};

struct pn_frame {
	enum pn_frame_unit unit;
	enum pn_bound start, end;
	/* PF_ROWS: row counts in ioff; PF_RANGE: a distance in the type of the
	 * (single) ORDER BY key, BIGINT/DOUBLE, or an INTERVAL for DATE /
	 * TIMESTAMP keys, in voff */
	int64_t start_ioff, end_ioff;
	struct wb_value start_voff, end_voff;
};

struct pn_winfn {
	enum pn_win_kind kind;
	int nargs;
	struct bexpr **args;        /* over the child's columns */
	const struct agg_fn *agg;   /* PW_AGG */
	const struct agg_sig *sig;
	bool distinct;              /* PW_AGG with DISTINCT */
	bool ignore_nulls;          /* FIRST/LAST/NTH_VALUE, LAG/LEAD */
	struct pn_frame frame;      /* the SQL-standard default when none is given:
	                               RANGE UNBOUNDED PRECEDING .. CURRENT ROW with
	                               ORDER BY, the whole partition without */
	wb_type ret;
	int pos;
};

struct pn_sortkey {
	struct bexpr *expr;
	bool desc;
	bool nulls_first;
};

struct pn_agg {
	const struct agg_fn *fn;
	const struct agg_sig *sig;
	int nargs;
	struct bexpr **args;
	bool distinct;
	struct bexpr *filter;     /* FILTER (WHERE ...) or NULL */
	wb_type ret;
	double param;             /* AGG_PARAM_ARG value */
	const char *sparam;       /* AGG_SPARAM_ARG value */
	int pos;
};

/* Per-node runtime counters for EXPLAIN ANALYZE (summed over threads). */
struct pn_stats {
	atomic_llong rows;
	atomic_llong chunks;
	atomic_llong ns;          /* time inside this node (excl. children) */
	atomic_llong build_ns;    /* breakers: time to consume the input */
	int workers;
	int64_t peak_bytes;
	/* scans with pruning hints: morsels read / skipped (source.h) */
	const char *unit_name;
	int64_t units_read, units_skipped;
};

struct pnode {
	enum pn_kind kind;
	struct pnode *child;
	int ncol;
	wb_type *types;
	char **names;
	double est_rows;
	union {
		struct {
			struct table *table;      /* referenced; NULL for table functions */
			struct source *src;       /* table functions: opened at bind time */
			const char *label;        /* table name or function call for EXPLAIN */
			int nproj;                /* projected source columns */
			int *proj;
			/* pruning hints (opt_scanpred.c); their columns' names */
			struct scan_pred *preds;
			int npreds;
			const char *preds_sql;
		} scan;
		struct {
			struct rowset *rows;
		} values;
		struct {
			struct bexpr *pred;
		} filter;
		struct {
			struct bexpr **exprs;     /* ncol expressions */
		} project;
		struct {
			int ngroups;
			struct bexpr **groups;
			int naggs;
			struct pn_agg *aggs;
		} agg;
		struct {
			int nkeys;
			struct pn_sortkey *keys;
			int64_t limit;            /* TOPN: rows kept (offset included) */
			int64_t offset;
		} sort;
		struct {
			int64_t limit;            /* -1: none */
			int64_t offset;
		} limit;
		struct {
			enum pn_join_type type;
			struct pnode *right;      /* build side (hash) / inner side (nested loop) */
			int nkeys;
			struct bexpr **lkeys;
			struct bexpr **rkeys;
			bool *null_eq;
			struct bexpr *residual;
			bool null_aware;
		} join;
		struct {
			int npartition;
			struct bexpr **partition; /* over the child's columns */
			int norder;
			struct pn_sortkey *order;
			int nfuncs;
			struct pn_winfn *funcs;
		} window;
		struct {
			int ninputs;
			struct pnode **inputs;    /* child is inputs[0] */
		} set;
		struct {
			struct pnode *source;     /* PN_CTE_SCAN: the PN_MATERIALIZE node */
			const char *name;
			bool forced;              /* PN_MATERIALIZE: AS MATERIALIZED, never inlined */
			int *proj;                /* PN_CTE_SCAN: source column of each output
			                             column; NULL = all, in order */
		} cte;
		struct {
			struct pnode *base;       /* non-recursive term */
			struct pnode *step;       /* recursive term; reads u.rec.work */
			struct pnode *work;       /* PN_CTE_SCAN-like node over the working table */
			bool union_all;
			int64_t max_iterations;
		} rec;
	} u;
	/* runtime */
	void *gstate;
	struct pn_stats stats;
};

struct pnode *pnode_new(struct arena *a, enum pn_kind kind, struct pnode *child, int ncol);
/* Copy schema arrays into the arena. */
void pnode_set_col(struct arena *a, struct pnode *n, int i, const char *name, wb_type type);
const char *pnode_kind_name(enum pn_kind k);
/* The inputs of n in display/execution order (child first; the build side
 * of a join; every input of a union; base and step of a recursive CTE).
 * A CTE scan's shared source is not a child. Returns the count (<= max). */
int pnode_children(const struct pnode *n, struct pnode **out, int max);
/* Make repl the input of n where old was. */
void pnode_replace_child(struct pnode *n, const struct pnode *old, struct pnode *repl);

#endif
