/*
 * func: the table of scalar functions and operators.
 *
 * Every scalar function and operator ("+", "=", "||", "like", lower(), ...)
 * is declared once in a `struct scalar_fn` with its signatures, docs and a
 * runnable example; the binder resolves calls against this table, `.help`,
 * completion and man/wb-sql.7 list it, and tests run every example.
 *
 * Kernel contract (fn_kernel):
 *   - args[0..nargs) are FLAT vectors of n rows (n <= WB_VEC_SIZE) whose
 *     types are exactly the chosen signature's argument types (the binder
 *     inserts casts); the evaluator has already flattened CONST and DICT
 *     inputs, or is calling the kernel once per dictionary entry.
 *   - out has been vec_reset() to a FLAT vector of the return type. For a
 *     strict function (no FN_NONSTRICT), when any input row is NULL the
 *     evaluator has set out->nulls to the OR of the input NULL flags before
 *     the call; the kernel may skip those rows (values under NULL are
 *     ignored) and may set further rows NULL with vec_set_null(). A
 *     FN_NONSTRICT kernel sees inputs' nulls and sets out's itself.
 *   - Strings in out are allocated with vec_str_alloc(out, len) /
 *     vec_str_copy(), or are views into the inputs' strings.
 *   - Return 0, or -1 with call->err set (message names the function and
 *     the offending value, e.g. "substr: length -1 is negative").
 *   - Kernels must not read values under NULL in a way that can trap or
 *     raise errors (e.g. an overflow check on garbage): skip NULL rows.
 *   - No allocation per row except string results in out's heap.
 */
#ifndef WB_FUNC_FUNC_H
#define WB_FUNC_FUNC_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/types.h"
#include "core/vector.h"

#define FN_MAXARGS 8
/* A signature argument type meaning "any type": with FN_SAME_TYPE, such
 * arguments are cast to their common type; without it, the argument is
 * passed uncast and the kernel handles every type (hash, typeof). */
#define FN_ANY WB_TYPE_NULL
/*
 * Pseudo-types for list functions (signature types only, never the type
 * of a value; outside the wb_type range). In one call, every FN_LIST and
 * FN_ELEM argument is unified to a single element type E: the common type
 * (fn_common_type) of the FN_LIST arguments' element types and of the
 * FN_ELEM arguments' types, where a string literal adapts to the others as
 * with FN_SAME_TYPE and a NULL argument takes no part. FN_LIST arguments
 * must be lists (or NULL) and are cast to E[]; FN_ELEM arguments are cast
 * to E; a return type FN_LIST means E[], FN_ELEM means E. E may be NULL
 * (array(), [NULL]): kernels see NULL[] lists and NULL-typed vectors.
 */
#define FN_LIST ((wb_type)(WB_TYPE__COUNT + 1))
#define FN_ELEM ((wb_type)(WB_TYPE__COUNT + 2))

enum fn_flags {
	FN_NONSTRICT = 1u << 0,  /* kernel handles NULL inputs (coalesce, concat_ws) */
	FN_VOLATILE = 1u << 1,   /* random(), now(): never folded or cached */
	FN_VARIADIC = 1u << 2,   /* last argument repeats (>= nargs-1 arguments) */
	FN_SAME_TYPE = 1u << 3,  /* FN_ANY args are cast to their common type; a
	                            FN_ANY return type is that common type */
	FN_ANY_TO_STR = 1u << 4, /* VARCHAR args accept any type, implicitly cast
	                            to VARCHAR (concat, ||, concat_ws, as Spark) */
};

struct fn_call {
	struct wb_error *err;
	void *state;           /* from scalar_fn.prepare, per evaluating thread */
	int pos;               /* byte offset of the call in the statement */
};

typedef int (*fn_kernel)(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out);

struct fn_sig {
	wb_type ret;                 /* FN_ANY: the common type (FN_SAME_TYPE) */
	int nargs;
	wb_type args[FN_MAXARGS];
	fn_kernel kernel;
	unsigned flags;
};

struct scalar_fn {
	const char *name;            /* lower case; operators by symbol: "+", "=" */
	const struct fn_sig *sigs;
	int nsigs;
	const char *usage;           /* "substr(str, start [, len])" */
	const char *doc;             /* one line, no trailing period */
	const char *example;         /* "substr('hello', 2, 3)" or NULL (operators) */
	const char *example_result;  /* "ell": the example's value as wb prints it */
	/* Optional per-thread preparation, given which arguments are
	 * constants (is_const[i]) and their values (consts[i]); e.g. compile a
	 * LIKE pattern or a regex once per query. Returns the state stored in
	 * fn_call.state (may be NULL), or NULL with err set. */
	void *(*prepare)(const struct wb_value *consts, const bool *is_const, int nargs,
	    struct wb_error *err);
	void (*release)(void *state);
};

/* Look up by name (case-insensitive); NULL when unknown. */
const struct scalar_fn *fn_lookup(const char *name);
/* Every function, for help, completion, docs and example tests. Operators
 * (names that are not identifiers) included. */
int fn_count(void);
const struct scalar_fn *fn_at(int i);
/* Not in the table (never visible to users): the binder's row-count check
 * for correlated scalar subqueries, single_row_check(rows, value). */
extern const struct scalar_fn fn_single_row_check;
/* Register a function that other modules' rewrites call (ml's
 * __ml_predict): found by fn_lookup, but not listed by fn_at (no help,
 * docs or completion). Names start with "__". Idempotent. */
void fn_register_hidden(const struct scalar_fn *f);
/* Closest known function name to `name` (edit distance), or NULL. */
const char *fn_suggest(const char *name);

/*
 * Overload resolution. Given argument types, pick the signature with the
 * cheapest implicit casts: NULL -> anything, BIGINT -> DOUBLE,
 * DATE -> TIMESTAMP (and the same between lists of those element types),
 * and VARCHAR -> DATE/TIMESTAMP/INTERVAL/BIGINT/DOUBLE/BOOLEAN only for
 * arguments flagged as literals. On success fills
 * cast_to[i] (the type each argument must be cast to) and *ret.
 */
const struct fn_sig *fn_resolve(const struct scalar_fn *f, const wb_type *argtypes,
    const bool *is_literal, int nargs, wb_type *cast_to, wb_type *ret, struct wb_error *err);
/* Common supertype of two types for UNION, CASE, coalesce, comparisons:
 * NULL+T = T, BIGINT+DOUBLE = DOUBLE, DATE+TIMESTAMP = TIMESTAMP, and for
 * lists the list of the elements' common type (NULL[]+T[] = T[]); false if
 * none. */
bool fn_common_type(wb_type a, wb_type b, wb_type *out);

/*
 * Casts. cast_kernel returns a kernel converting one FLAT vector of `from`
 * to `to` (strict: NULL stays NULL). With try_cast, failures give NULL;
 * otherwise an error naming the value and both types, e.g.
 *   could not convert 'abc' to BIGINT
 * Returns NULL when the cast is not allowed.
 */
fn_kernel cast_kernel(wb_type from, wb_type to, bool try_cast);
/* Cast a single value (used by constant folding); same rules, same
 * kernels. A VARCHAR result is copied into `strings`. */
int cast_value(const struct wb_value *in, wb_type to, bool try_cast, struct wb_value *out,
    struct arena *strings, struct wb_error *err);

#endif
