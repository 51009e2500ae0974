/* Unit tests for src/exec/expr: the evaluator's shapes (FLAT, CONST,
 * DICT), the per-dictionary cache, NULL logic, CASE, IN. */
#include "tests/tap.h"

#include "exec/expr.h"
#include "func/func.h"

static struct arena *A;

static struct bexpr *
call(const char *fn, struct bexpr *x, struct bexpr *y)
{
	const struct scalar_fn *f = fn_lookup(fn);
	wb_type at[2] = {x->type, y ? y->type : WB_TYPE_NULL}, cast[2], ret;
	struct wb_error err = WB_ERROR_INIT;
	const struct fn_sig *sig = fn_resolve(f, at, NULL, y ? 2 : 1, cast, &ret, &err);
	struct bexpr *e = bexpr_new(A, BX_FUNC, ret, 0, y ? 2 : 1);
	e->u.func.fn = f;
	e->u.func.sig = sig;
	e->args[0] = x;
	if (y)
		e->args[1] = y;
	return e;
}

static struct bexpr *
cstr(const char *s)
{
	struct wb_value v = {.type = WB_TYPE_VARCHAR};
	v.u.s = wb_str_c(s);
	return bexpr_const(A, &v, 0);
}

static struct bexpr *
cint(int64_t i)
{
	struct wb_value v = {.type = WB_TYPE_BIGINT, .u.i = i};
	return bexpr_const(A, &v, 0);
}

int
main(void)
{
	A = arena_new(0);
	static const wb_str dv[] = {{"view", 4}, {"cart", 4}, {"purchase", 8}};
	struct wb_dict dict = {3, dv, dict_next_id()};
	wb_type types[2] = {WB_TYPE_VARCHAR, WB_TYPE_BIGINT};
	struct chunk in;
	chunk_init(&in, 2, types);
	chunk_reset(&in);
	in.n = 6;
	struct vec *s = &in.cols[0];
	s->kind = VEC_DICT;
	s->dict = &dict;
	for (int i = 0; i < 6; i++) {
		vec_codes(s)[i] = (uint32_t)(i % 3);
		vec_i64(&in.cols[1])[i] = i;
	}
	s->n = in.cols[1].n = 6;
	vec_set_null(s, 4);
	struct wb_error err = WB_ERROR_INIT;

	/* event_type = 'purchase' over a dictionary: computed per entry */
	struct bexpr *eq = call("=", bexpr_column(A, 0, WB_TYPE_VARCHAR), cstr("purchase"));
	struct expr_state *st = expr_state_new(eq, &err);
	struct vec *r;
	ok(expr_eval(st, &in, &r, &err) == 0, "evaluate = over a dictionary column");
	uint32_t sel[8];
	int m = expr_select_true(r, 6, sel);
	ok(m == 2 && sel[0] == 2 && sel[1] == 5, "the purchase rows are selected");
	ok(vec_is_null(r, 4), "a NULL row stays NULL");
	expr_state_free(st);

	/* upper() over a dictionary returns a dictionary */
	struct bexpr *up = call("upper", bexpr_column(A, 0, WB_TYPE_VARCHAR), NULL);
	st = expr_state_new(up, &err);
	ok(expr_eval(st, &in, &r, &err) == 0 && r->kind == VEC_DICT, "upper() keeps the column dictionary-encoded");
	wb_str u = vec_str_at(r, 5);
	ok(u.n == 8 && memcmp(u.p, "PURCHASE", 8) == 0, "and computes each entry");
	expr_state_free(st);

	/* coalesce over a dictionary with NULLs must not take the dictionary path */
	struct bexpr *co = call("coalesce", bexpr_column(A, 0, WB_TYPE_VARCHAR), cstr("none"));
	st = expr_state_new(co, &err);
	ok(expr_eval(st, &in, &r, &err) == 0 && !vec_is_null(r, 4) && wb_str_eq(vec_str_at(r, 4), wb_str_c("none")),
	    "coalesce replaces the NULL row of a dictionary column");
	expr_state_free(st);

	/* constants fold to a CONST vector */
	struct bexpr *plus = call("+", cint(40), cint(2));
	st = expr_state_new(plus, &err);
	ok(expr_eval(st, &in, &r, &err) == 0 && r->kind == VEC_CONST && vec_i64(r)[0] == 42, "constant expression is CONST");
	expr_state_free(st);

	/* CASE evaluates a branch only on the rows that take it */
	struct bexpr *cs = bexpr_new(A, BX_CASE, WB_TYPE_BIGINT, 0, 3);
	cs->args[0] = call(">", bexpr_column(A, 1, WB_TYPE_BIGINT), cint(2));
	cs->args[1] = call("*", bexpr_column(A, 1, WB_TYPE_BIGINT), cint(INT64_C(4611686018427387904)));
	cs->args[2] = cint(-1);
	struct chunk small;
	chunk_init(&small, 2, types);
	chunk_reset(&small);
	small.n = 3;
	for (int i = 0; i < 3; i++) {
		vec_i64(&small.cols[1])[i] = i - 1;   /* -1, 0, 1: never > 2 */
		vec_str(&small.cols[0])[i] = wb_str_c("x");
	}
	st = expr_state_new(cs, &err);
	ok(expr_eval(st, &small, &r, &err) == 0 && vec_i64(r)[0] == -1, "CASE skips the overflowing branch for rows not taking it");
	expr_state_free(st);
	vec_i64(&small.cols[1])[2] = 3;
	st = expr_state_new(cs, &err);
	ok(expr_eval(st, &small, &r, &err) < 0 && err.msg && strstr(err.msg, "overflow"), "... and raises it for a row that does");
	err_clear(&err);
	expr_state_free(st);
	chunk_free(&small);

	/* IN with a NULL in the list: unknown unless found */
	struct bexpr *in_e = bexpr_new(A, BX_IN, WB_TYPE_BOOL, 0, 3);
	in_e->args[0] = bexpr_column(A, 1, WB_TYPE_BIGINT);
	in_e->args[1] = cint(3);
	struct wb_value nv = {.type = WB_TYPE_BIGINT, .is_null = true};
	in_e->args[2] = bexpr_const(A, &nv, 0);
	st = expr_state_new(in_e, &err);
	ok(expr_eval(st, &in, &r, &err) == 0 && vec_bool(r)[3] == 1 && !vec_is_null(r, 3) && vec_is_null(r, 0),
	    "x IN (3, NULL): true for 3, NULL otherwise");
	expr_state_free(st);

	chunk_free(&in);
	arena_free(A);
	return done_testing();
}
