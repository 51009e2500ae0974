/*
 * exec_int: private to src/exec — operator constructors and the breaker
 * hooks each operator file provides.
 */
#ifndef WB_EXEC_EXEC_INT_H
#define WB_EXEC_EXEC_INT_H

#include "exec/exec.h"

/* Allocate an op with its output chunk typed like n's schema. */
void *op_alloc(size_t size, const struct op_vtab *vt, struct pnode *n, struct exec_ctx *ctx);
void op_base_free(struct op *op);
/* Report an op-local error through the context. */
int op_fail(struct op *op);

struct op *op_scan_create(struct pnode *n, struct exec_ctx *ctx);
struct op *op_filter_create(struct pnode *n, struct exec_ctx *ctx);
struct op *op_project_create(struct pnode *n, struct exec_ctx *ctx);

/* A breaker's finished result: chunks served to instances in order.
 * Contract: the gstate of every result-serving node (AGG, SORT, TOPN,
 * LIMIT, VALUES) starts with a struct result_chunks. */
struct result_chunks {
	struct chunk *chunks;
	int n;
	size_t cap;
	atomic_int next;
	struct arena heap;       /* strings the chunks point at */
};
void result_chunks_init(struct result_chunks *r);
void result_chunks_free(struct result_chunks *r);
/* Append copies of rows of c: sel[0..m) when sel is given, else rows
 * [from, from + m). Strings and lists are copied into r->heap. */
void result_chunks_append(struct result_chunks *r, int ncol, const wb_type *types, const struct chunk *c,
    const uint32_t *sel, int from, int m);
int64_t result_chunks_rows(const struct result_chunks *r);
/* Instance reading a result_chunks (AGG, SORT, TOPN, LIMIT, VALUES). */
struct op *op_result_create(struct pnode *n, struct exec_ctx *ctx, struct result_chunks *r);

int agg_prepare(struct pnode *n, struct exec_ctx *ctx);
void agg_cleanup(struct pnode *n);
/* Joins (op_join.c): prepare builds the hash table (or materialises the
 * inner side) from u.join.right after exec_prepare(right); the op instance
 * streams the probe side (child). RIGHT/FULL joins emit unmatched build
 * rows from the last probe instance to finish. */
int join_prepare(struct pnode *n, struct exec_ctx *ctx);
struct op *op_join_create(struct pnode *n, struct exec_ctx *ctx);
void join_cleanup(struct pnode *n);
/* Set operations and CTEs (op_set.c). */
struct op *op_union_create(struct pnode *n, struct exec_ctx *ctx);
int materialize_prepare(struct pnode *n, struct exec_ctx *ctx);
void materialize_cleanup(struct pnode *n);
int cte_scan_prepare(struct pnode *n, struct exec_ctx *ctx);
struct op *op_cte_scan_create(struct pnode *n, struct exec_ctx *ctx);
void cte_scan_cleanup(struct pnode *n, bool reset);
int recursive_prepare(struct pnode *n, struct exec_ctx *ctx);
void recursive_cleanup(struct pnode *n);
int cte_scan_parallelism(struct pnode *n);
/* Windows (op_window.c): a breaker; gstate starts with result_chunks. */
int window_prepare(struct pnode *n, struct exec_ctx *ctx);
void window_cleanup(struct pnode *n);
int sort_prepare(struct pnode *n, struct exec_ctx *ctx);
void sort_cleanup(struct pnode *n);

#endif
