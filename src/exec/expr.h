/*
 * expr: bound expressions and their vectorized evaluation.
 *
 * The binder turns AST expressions into `struct bexpr` trees whose column
 * references are indexes into the input chunk of the operator that
 * evaluates them, and whose functions are resolved signatures from the
 * function table (casts inserted). A bexpr tree is immutable once bound and
 * shared by all threads; each evaluating thread builds its own
 * `struct expr_state` tree (result vectors, function states, caches).
 *
 * Evaluation is per chunk and per node: children first, then one kernel
 * call over the whole vector. Two generic fast paths apply to every
 * deterministic function, cast and IN list:
 *   - all inputs constant: computed once, result is a CONST vector;
 *   - one DICT input, the rest constant: computed once per dictionary entry
 *     (cached by dictionary id across chunks) and mapped through the codes,
 *     so `lower(brand)` or `event_type = 'purchase'` costs one evaluation
 *     per distinct value, not per row.
 * CASE evaluates each branch only on the rows that take it, so errors in
 * branches that are not taken are not raised.
 */
#ifndef WB_EXEC_EXPR_H
#define WB_EXEC_EXPR_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/vector.h"
#include "func/func.h"

enum bexpr_kind {
	BX_CONST = 1,   /* value */
	BX_COLUMN,      /* column index into the input chunk */
	BX_FUNC,        /* fn, sig, args */
	BX_CAST,        /* args[0], kernel */
	BX_AND,         /* args (2+) */
	BX_OR,
	BX_NOT,         /* args[0] */
	BX_IS_NULL,     /* args[0]; negate for IS NOT NULL */
	BX_CASE,        /* args: cond0, then0, cond1, then1, ..., [else] */
	BX_IN,          /* args[0] IN (args[1..]); all list items constants */
	BX_IS_DISTINCT, /* args[0] IS [NOT] DISTINCT FROM args[1] (negate) */
	/* placeholders used only while binding (never evaluated) */
	BX_AGGREF,      /* index into the aggregate list being collected */
	BX_WINREF,      /* index into the window function list */
	BX_OUTER,       /* correlated reference to an outer query column */
};

struct bexpr {
	enum bexpr_kind kind;
	wb_type type;
	int pos;                      /* statement offset for errors */
	int nargs;
	struct bexpr **args;
	bool negate;                  /* IS NOT NULL, NOT IN, IS NOT DISTINCT */
	union {
		struct wb_value value;    /* BX_CONST (strings in the plan arena) */
		int column;               /* BX_COLUMN, BX_AGGREF, BX_WINREF */
		struct {
			const struct scalar_fn *fn;
			const struct fn_sig *sig;
		} func;
		struct {
			fn_kernel kernel;
			bool try_cast;
		} cast;
		struct {
			int depth;            /* BX_OUTER: how many scopes out */
			int column;
		} outer;
	} u;
};

struct bexpr *bexpr_new(struct arena *a, enum bexpr_kind kind, wb_type type, int pos, int nargs);
struct bexpr *bexpr_const(struct arena *a, const struct wb_value *v, int pos);
struct bexpr *bexpr_column(struct arena *a, int column, wb_type type);
/* Deep structural equality (used to match GROUP BY expressions). */
bool bexpr_equal(const struct bexpr *a, const struct bexpr *b);
/* Copy with column indexes remapped: map[i] = new index (or -1 = error);
 * map NULL: a plain deep copy. */
struct bexpr *bexpr_remap(struct arena *a, const struct bexpr *e, const int *map);
/* Does e reference input column c / any column at all? */
bool bexpr_uses_column(const struct bexpr *e, int c);
void bexpr_columns_used(const struct bexpr *e, bool *used, int ncol);
bool bexpr_is_const(const struct bexpr *e);   /* no columns, no volatile fns */
/* Human-readable text for EXPLAIN; names[i] names input column i. */
void bexpr_to_sql(const struct bexpr *e, char *const *names, struct strbuf *out);

struct expr_state;

/* Build per-thread state; prepares function states (e.g. regex compile).
 * Returns NULL with err set on failure. */
struct expr_state *expr_state_new(const struct bexpr *e, struct wb_error *err);
void expr_state_free(struct expr_state *s);
/* Evaluate over the first in->n rows of `in`. *out points at a vector owned
 * by the state (or a column of `in`), valid until the next call. */
int expr_eval(struct expr_state *s, const struct chunk *in, struct vec **out, struct wb_error *err);
/* Evaluate a constant expression to a value (strings copied into `a`). */
int expr_eval_const(const struct bexpr *e, struct arena *a, struct wb_value *out, struct wb_error *err);

/* Selection helpers for filters: sel[k] = indexes of rows where a BOOLEAN
 * vector is true (not NULL); returns the count. */
int expr_select_true(const struct vec *v, int n, uint32_t *sel);

#endif
