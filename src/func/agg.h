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
 *       partial aggregation merges per-thread states this way). It may run
 *       in another thread than the updates; ctx->heap is dst's heap. src
 *       must stay as it is: the window operator's segment trees combine
 *       one state into many results, and update dst afterwards. dst may
 *       point at memory src points to (it lives as long as the
 *       aggregation) but must never write into it - a state that takes
 *       over src's array marks it full, so that its next addition copies.
 *   finalize(ctx, state, out, row)   write the result into out[row]
 *       (out is a FLAT vector of the return type; set NULL with
 *       vec_set_null). Strings may point into ctx->heap.
 *   destroy(state)   release memory a state owns (optional).
 *
 * update/finalize return 0, or -1 with ctx->err set (e.g. BIGINT sum out of
 * range). States that need variable-size memory take it from ctx->heap (an
 * arena that lives as long as the aggregation's result) and keep a pointer
 * to it: states are plain bytes that the operator copies with memcpy
 * (spilling, merging), so they must never point into themselves. init()
 * must not allocate (it runs for unused slots too).
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
	/* first/last/string_agg: the result depends on input order. Such
	 * aggregates order rows by ctx->seq (then by arrival), so that partial
	 * states combined in any order give the input order of the scan. */
	AGG_ORDER_SENSITIVE = 1u << 2,
	/* The arguments after the first are parameters that must be constants
	 * (percentile(x, 0.9), approx_count_distinct(x, 0.02),
	 * first(x, true)): the binder checks them (see param_rule), evaluates
	 * the second into ctx->param (a DOUBLE; BOOLEAN true = 1) and passes
	 * none of them to update(), whose args then hold one vector. A third
	 * (percentile_approx's accuracy) is checked and otherwise unused. */
	AGG_PARAM_ARG = 1u << 3,
	/* The second argument is a constant string parameter (string_agg's
	 * separator; a NULL separator is ""): evaluated into ctx->sparam and
	 * not passed to update(). */
	AGG_SPARAM_ARG = 1u << 4,
	/* agg(p) WITHIN GROUP (ORDER BY x) means agg(x, p) (and mode()
	 * WITHIN GROUP (ORDER BY x) means mode(x)); ORDER BY x DESC sets
	 * ctx->sparam to "desc", which percentiles read as "count from the
	 * top". */
	AGG_WITHIN_GROUP = 1u << 5,
	/* IGNORE NULLS / RESPECT NULLS after the call set ctx->param to 1 / 0
	 * (first(x) IGNORE NULLS = first(x, true)). */
	AGG_NULLS_PARAM = 1u << 6,
};

struct agg_ctx {
	struct arena *heap;
	struct wb_error *err;
	int pos;
	double param;     /* AGG_PARAM_ARG: the constant parameter */
	const char *sparam; /* AGG_SPARAM_ARG: the constant string parameter */
	/* update(): the order key of the chunk the rows come from (struct
	 * chunk's seq: morsel index << 24 | chunk index); rows of one call are
	 * in input order. 0 when the input has no order. */
	uint64_t seq;
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
	/* AGG_PARAM_ARG / AGG_SPARAM_ARG: the binder's message when the
	 * parameter is not a constant or not in [param_min, param_max]
	 * (checked unless both are 0), e.g. "the fraction must be a constant
	 * between 0 and 1"; it is prefixed with the function's name. */
	const char *param_rule;
	double param_min, param_max;
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
