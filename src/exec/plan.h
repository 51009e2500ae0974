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
	double param;
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
	} u;
	/* runtime */
	void *gstate;
	struct pn_stats stats;
};

struct pnode *pnode_new(struct arena *a, enum pn_kind kind, struct pnode *child, int ncol);
/* Copy schema arrays into the arena. */
void pnode_set_col(struct arena *a, struct pnode *n, int i, const char *name, wb_type type);
const char *pnode_kind_name(enum pn_kind k);

#endif
