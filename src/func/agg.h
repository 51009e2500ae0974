/*
 * agg: the table of aggregate functions.
 *
 * An aggregate keeps one fixed-size state per group. The hash-aggregate
 * operator owns arrays of states (zeroed, then init() if given) indexed by
 * group id and drives them with whole vectors:
 *
 *   update(ctx, states, gids, args, n, skip)
 *       for each row i with !(skip && skip[i]): fold args[*] row i into the
 *       state at states + gids[i] * state_size. args are FLAT vectors of the
 *       signature's types. For aggregates without AGG_SEES_NULLS the operator
 *       has already folded argument NULLs (and FILTER clauses) into skip.
 *   combine(ctx, dst, src)   merge a partial state into another (parallel
 *       partial aggregation merges per-thread states this way).
 *   finalize(ctx, state, out, row)   write the result into out[row]
 *       (out is a FLAT vector of the return type; set NULL with
 *       vec_set_null). Strings may point into ctx->heap.
 *   destroy(state)   release memory a state owns (optional).
 *
 * update/finalize return 0, or -1 with ctx->err set (e.g. BIGINT sum out of
 * range). States that need variable-size memory take it from ctx->heap (an
 * arena that lives as long as the aggregation's result).
 */
#ifndef WB_FUNC_AGG_H
#define WB_FUNC_AGG_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/vector.h"

#define AGG_MAXARGS 3

enum agg_flags {
	AGG_SEES_NULLS = 1u << 0,   /* update gets NULL rows (count(*) semantics) */
	AGG_STAR = 1u << 1,         /* count(*): no arguments */
	AGG_ORDER_SENSITIVE = 1u << 2, /* first/last: result depends on input order */
	/* The last argument of the signature is a parameter that must be a
	 * constant (percentile(x, 0.9), approx_count_distinct(x, 0.02)): the
	 * binder checks it, evaluates it into ctx->param (as a DOUBLE) and does
	 * NOT pass it to update(), whose args then hold nargs - 1 vectors. */
	AGG_PARAM_ARG = 1u << 3,
	/* The second argument is a constant string parameter (string_agg's
	 * separator): evaluated into ctx->sparam and not passed to update(). */
	AGG_SPARAM_ARG = 1u << 4,
};

struct agg_ctx {
	struct arena *heap;
	struct wb_error *err;
	int pos;
	double param;     /* AGG_PARAM_ARG: the constant parameter */
	const char *sparam; /* AGG_SPARAM_ARG: the constant string parameter */
	void *aux;        /* per-aggregate prepared data */
};

struct agg_sig {
	wb_type ret;              /* FN-style: WB_TYPE_NULL = same as args[0] */
	int nargs;
	wb_type args[AGG_MAXARGS];/* WB_TYPE_NULL = any type */
	size_t state_size;
	unsigned flags;
	void (*init)(const struct agg_ctx *ctx, char *state);
	int (*update)(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
	    struct vec **args, int n, const uint8_t *skip);
	void (*combine)(const struct agg_ctx *ctx, char *dst, const char *src);
	int (*finalize)(const struct agg_ctx *ctx, const char *state, struct vec *out, int row);
	void (*destroy)(char *state);
};

struct agg_fn {
	const char *name;
	const struct agg_sig *sigs;
	int nsigs;
	const char *usage;
	const char *doc;
	const char *example;          /* a query, e.g. "SELECT sum(x) FROM (VALUES (1),(2)) t(x)" */
	const char *example_result;
};

const struct agg_fn *agg_lookup(const char *name);
int agg_count(void);
const struct agg_fn *agg_at(int i);
/* Pick the signature for argument types (BIGINT -> DOUBLE promotion
 * allowed); sets *ret and cast_to[]. NULL with err set when none fits. */
const struct agg_sig *agg_resolve(const struct agg_fn *f, const wb_type *argtypes, int nargs,
    wb_type *cast_to, wb_type *ret, struct wb_error *err);

#endif
