/* Unit tests for src/func: registry, overload resolution, casts and the
 * scalar functions, driven the way the evaluator drives kernels (see the
 * contract in func/func.h).
 *
 * A tiny expression evaluator (literals, CAST, function calls and one
 * binary operator per level) runs every example in the function table
 * and most of the checks below. */
#include "tests/tap.h"

#include "core/arena.h"
#include "core/datetime.h"
#include "core/list.h"
#include "core/strbuf.h"
#include "core/types.h"
#include "core/vector.h"
#include "func/func.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- calling a function like the evaluator ---- */

/*
 * Call f on nrows rows. cols[k] holds nrows values of argument k (all of
 * one type, or NULL-typed); is_const[k] says the argument is a constant
 * (so prepare sees it) and is_lit[k] that it is a literal for resolution.
 * On success out holds the result (caller frees) and *rtype its type.
 */
static int
call_fn(const char *name, int nargs, struct wb_value **cols, const bool *is_const, const bool *is_lit, int nrows,
    struct vec *out, struct wb_error *err)
{
	const struct scalar_fn *f = fn_lookup(name);
	if (f == NULL) {
		err_set(err, -1, "no function %s", name);
		return -1;
	}
	wb_type types[16], cast_to[16], ret;
	for (int k = 0; k < nargs; k++) {
		types[k] = WB_TYPE_NULL;
		for (int i = 0; i < nrows; i++)
			if (cols[k][i].type != WB_TYPE_NULL)
				types[k] = cols[k][i].type;
	}
	const struct fn_sig *sig = fn_resolve(f, types, is_lit, nargs, cast_to, &ret, err);
	if (sig == NULL)
		return -1;
	struct vec args[16];
	struct vec *argp[16];
	struct wb_value consts[16];
	int rc = 0;
	for (int k = 0; k < nargs; k++) {
		struct vec raw;
		vec_init(&raw, types[k]);
		vec_reset(&raw);
		raw.n = nrows;
		for (int i = 0; i < nrows; i++) {
			struct wb_value v = cols[k][i];
			if (v.is_null || v.type == WB_TYPE_NULL) {
				vec_set_null(&raw, i);
				memset((char *)raw.data + (size_t)i * type_size(types[k]), 0, type_size(types[k]));
				continue;
			}
			switch (types[k]) {
			case WB_TYPE_BOOL: vec_bool(&raw)[i] = v.u.b; break;
			case WB_TYPE_DOUBLE: vec_f64(&raw)[i] = v.u.d; break;
			case WB_TYPE_VARCHAR: vec_str(&raw)[i] = v.u.s; break;
			case WB_TYPE_INTERVAL: vec_iv(&raw)[i] = v.u.iv; break;
			default:
				if (type_is_list(types[k]))
					vec_list(&raw)[i] = v.u.l;
				else
					vec_i64(&raw)[i] = v.u.i;
				break;
			}
		}
		vec_init(&args[k], cast_to[k]);
		if (cast_to[k] == types[k]) {
			vec_reset(&args[k]);
			args[k].n = nrows;
			memcpy(args[k].data, raw.data, type_size(types[k]) * (size_t)nrows);
			if (raw.nulls)
				memcpy(vec_nulls_writable(&args[k]), raw.nulls, (size_t)nrows);
		} else {
			fn_kernel ck = cast_kernel(types[k], cast_to[k], false);
			struct fn_call cc = {.err = err, .state = NULL, .pos = -1};
			struct vec *in[1] = {&raw};
			vec_reset(&args[k]);
			args[k].n = nrows;
			if (raw.nulls)
				memcpy(vec_nulls_writable(&args[k]), raw.nulls, (size_t)nrows);
			if (ck == NULL || ck(&cc, in, 1, nrows, &args[k]) != 0) {
				if (ck == NULL)
					err_set(err, -1, "no cast");
				vec_free(&raw);
				for (int j = 0; j <= k; j++)
					vec_free(&args[j]);
				return -1;
			}
			/* the cast's heap must outlive raw: copy strings into args' heap */
			if (cast_to[k] == WB_TYPE_VARCHAR)
				for (int i = 0; i < nrows; i++)
					if (!vec_is_null(&args[k], i))
						vec_str(&args[k])[i] = vec_str_copy(&args[k], vec_str(&args[k])[i].p,
						    vec_str(&args[k])[i].n);
			if (type_is_list(cast_to[k]))
				for (int i = 0; i < nrows; i++)
					if (!vec_is_null(&args[k], i))
						vec_list(&args[k])[i] = list_copy(args[k].heap, vec_list(&args[k])[i],
						    type_list_elem(cast_to[k]));
		}
		vec_free(&raw);
		argp[k] = &args[k];
		vec_get(&args[k], 0, &consts[k]);
	}
	void *state = NULL;
	bool cflags[16];
	for (int k = 0; k < nargs; k++)
		cflags[k] = is_const[k];
	if (f->prepare) {
		state = f->prepare(consts, cflags, nargs, err);
		if (state == NULL && err_isset(err))
			rc = -1;
	}
	if (rc == 0) {
		vec_init(out, ret);
		vec_reset(out);
		out->n = nrows;
		if (!(sig->flags & FN_NONSTRICT)) {
			for (int k = 0; k < nargs; k++)
				if (args[k].nulls)
					for (int i = 0; i < nrows; i++)
						if (args[k].nulls[i])
							vec_set_null(out, i);
		}
		struct fn_call call = {.err = err, .state = state, .pos = 7};
		rc = sig->kernel(&call, argp, nargs, nrows, out);
		if (rc != 0)
			vec_free(out);
	}
	if (f->release)
		f->release(state);
	/* string results may point into args: keep args alive by copying */
	if (rc == 0 && out->type == WB_TYPE_VARCHAR)
		for (int i = 0; i < nrows; i++)
			if (!vec_is_null(out, i))
				vec_str(out)[i] = vec_str_copy(out, vec_str(out)[i].p, vec_str(out)[i].n);
	if (rc == 0 && type_is_list(out->type)) {
		vec_str_alloc(out, 1);   /* makes sure out has a heap */
		for (int i = 0; i < nrows; i++)
			if (!vec_is_null(out, i))
				vec_list(out)[i] = list_copy(out->heap, vec_list(out)[i], type_list_elem(out->type));
	}
	for (int k = 0; k < nargs; k++)
		vec_free(&args[k]);
	return rc;
}

/* ---- a tiny expression evaluator for examples ---- */

struct ev {
	const char *s;
	size_t i;
	struct arena *a;
	struct wb_error *err;
};

struct evv {
	struct wb_value v;
	bool lit;  /* a literal (for resolution of string literals) */
};

static void
ws(struct ev *e)
{
	while (isspace((unsigned char)e->s[e->i]))
		e->i++;
}

static bool
kw(struct ev *e, const char *w)
{
	size_t n = strlen(w);
	ws(e);
	if (strncasecmp(e->s + e->i, w, n) == 0 && !isalnum((unsigned char)e->s[e->i + n]) && e->s[e->i + n] != '_') {
		e->i += n;
		return true;
	}
	return false;
}

static bool
sym(struct ev *e, const char *w)
{
	size_t n = strlen(w);
	ws(e);
	if (strncmp(e->s + e->i, w, n) == 0) {
		e->i += n;
		return true;
	}
	return false;
}

static bool ev_expr(struct ev *e, struct evv *out);

static bool
ev_string(struct ev *e, wb_str *out)
{
	ws(e);
	if (e->s[e->i] != '\'')
		return false;
	e->i++;
	struct strbuf b = STRBUF_INIT;
	for (;;) {
		char c = e->s[e->i];
		if (c == '\0') {
			sb_free(&b);
			return false;
		}
		e->i++;
		if (c == '\'') {
			if (e->s[e->i] == '\'') {
				sb_putc(&b, '\'');
				e->i++;
				continue;
			}
			break;
		}
		sb_putc(&b, c);
	}
	out->p = arena_strndup(e->a, b.s ? b.s : "", b.len);
	out->n = (uint32_t)b.len;
	sb_free(&b);
	return true;
}

static bool
ev_typed_literal(struct ev *e, wb_type t, struct evv *out)
{
	wb_str s;
	if (!ev_string(e, &s))
		return false;
	struct wb_value in = {.type = WB_TYPE_VARCHAR, .u.s = s};
	if (cast_value(&in, t, false, &out->v, e->a, e->err) != 0)
		return false;
	out->lit = false;
	return true;
}

static bool
call_values(struct ev *e, const char *name, int nargs, struct evv *args, struct evv *out)
{
	struct wb_value *cols[16];
	bool isc[16], isl[16];
	for (int k = 0; k < nargs; k++) {
		cols[k] = &args[k].v;
		isc[k] = true;
		isl[k] = args[k].lit;
	}
	struct vec res;
	if (call_fn(name, nargs, cols, isc, isl, 1, &res, e->err) != 0)
		return false;
	vec_get(&res, 0, &out->v);
	if (!out->v.is_null && out->v.type == WB_TYPE_VARCHAR)
		out->v.u.s.p = arena_strndup(e->a, out->v.u.s.p, out->v.u.s.n);
	if (!out->v.is_null && type_is_list(out->v.type))
		out->v.u.l = list_copy(e->a, out->v.u.l, type_list_elem(out->v.type));
	vec_free(&res);
	out->lit = false;
	return true;
}

static bool ev_primary1(struct ev *e, struct evv *out);

/* A primary, then [i] subscripts (get(arr, i)). */
static bool
ev_primary(struct ev *e, struct evv *out)
{
	if (!ev_primary1(e, out))
		return false;
	while (sym(e, "[")) {
		struct evv args[2];
		args[0] = *out;
		if (!ev_expr(e, &args[1]) || !sym(e, "]"))
			return false;
		if (!call_values(e, "get", 2, args, out))
			return false;
	}
	return true;
}

static bool
ev_primary1(struct ev *e, struct evv *out)
{
	ws(e);
	char c = e->s[e->i];
	memset(out, 0, sizeof *out);
	if (c == '[') {
		/* [a, b, ...] = array(a, b, ...) */
		e->i++;
		struct evv args[16];
		int nargs = 0;
		if (!sym(e, "]")) {
			do {
				if (nargs == 16 || !ev_expr(e, &args[nargs++]))
					return false;
			} while (sym(e, ","));
			if (!sym(e, "]"))
				return false;
		}
		return call_values(e, "array", nargs, args, out);
	}
	if (c == '(') {
		e->i++;
		if (!ev_expr(e, out) || !sym(e, ")"))
			return false;
		return true;
	}
	if (c == '\'') {
		out->v.type = WB_TYPE_VARCHAR;
		out->lit = true;
		return ev_string(e, &out->v.u.s);
	}
	if (isdigit((unsigned char)c) || (c == '-' && isdigit((unsigned char)e->s[e->i + 1]))) {
		size_t st = e->i;
		e->i++;
		bool dbl = false;
		while (isdigit((unsigned char)e->s[e->i]) || e->s[e->i] == '.' || e->s[e->i] == 'e' ||
		    ((e->s[e->i] == '-' || e->s[e->i] == '+') && e->s[e->i - 1] == 'e')) {
			dbl |= e->s[e->i] == '.' || e->s[e->i] == 'e';
			e->i++;
		}
		if (dbl) {
			out->v.type = WB_TYPE_DOUBLE;
			return parse_double(e->s + st, e->i - st, &out->v.u.d);
		}
		out->v.type = WB_TYPE_BIGINT;
		return parse_int64(e->s + st, e->i - st, &out->v.u.i);
	}
	if (kw(e, "NULL")) {
		out->v.type = WB_TYPE_NULL;
		out->v.is_null = true;
		out->lit = true;
		return true;
	}
	if (kw(e, "TRUE") || kw(e, "FALSE")) {
		out->v.type = WB_TYPE_BOOL;
		out->v.u.b = strncasecmp(e->s + e->i - 4, "TRUE", 4) == 0;
		return true;
	}
	if (kw(e, "DATE"))
		return ev_typed_literal(e, WB_TYPE_DATE, out);
	if (kw(e, "TIMESTAMP"))
		return ev_typed_literal(e, WB_TYPE_TIMESTAMP, out);
	if (kw(e, "INTERVAL"))
		return ev_typed_literal(e, WB_TYPE_INTERVAL, out);
	bool try_cast = kw(e, "TRY_CAST");
	if (try_cast || kw(e, "CAST")) {
		struct evv in;
		if (!sym(e, "(") || !ev_expr(e, &in) || !kw(e, "AS"))
			return false;
		ws(e);
		size_t st = e->i;
		while (isalpha((unsigned char)e->s[e->i]))
			e->i++;
		wb_type t;
		if (!type_from_name(e->s + st, e->i - st, &t) || !sym(e, ")"))
			return false;
		if (cast_value(&in.v, t, try_cast, &out->v, e->a, e->err) != 0)
			return false;
		return true;
	}
	if (isalpha((unsigned char)c) || c == '_') {
		size_t st = e->i;
		while (isalnum((unsigned char)e->s[e->i]) || e->s[e->i] == '_')
			e->i++;
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(e->i - st), e->s + st);
		if (!sym(e, "("))
			return false;
		struct evv args[16];
		int nargs = 0;
		if (!sym(e, ")")) {
			do {
				if (nargs == 16 || !ev_expr(e, &args[nargs++]))
					return false;
			} while (sym(e, ","));
			if (!sym(e, ")"))
				return false;
		}
		return call_values(e, name, nargs, args, out);
	}
	return false;
}

static bool
ev_expr(struct ev *e, struct evv *out)
{
	static const char *const ops[] = {
		"||", "<>", "!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "/", "%",
	};
	static const char *const words[] = {"div", "like", "ilike", "rlike"};
	if (!ev_primary(e, out))
		return false;
	const char *op = NULL;
	for (size_t k = 0; k < sizeof ops / sizeof ops[0] && !op; k++)
		if (sym(e, ops[k]))
			op = strcmp(ops[k], "!=") == 0 ? "<>" : ops[k];
	for (size_t k = 0; k < sizeof words / sizeof words[0] && !op; k++)
		if (kw(e, words[k]))
			op = words[k];
	if (op == NULL)
		return true;
	struct evv args[2];
	args[0] = *out;
	if (!ev_primary(e, &args[1]))
		return false;
	return call_values(e, op, 2, args, out);
}

/* Evaluate an expression to its printed value, or "ERROR: msg". The
 * result lives until the next call. */
static char *
ev(const char *expr)
{
	static char *last;
	struct arena *a = arena_new(4096);
	struct wb_error err = WB_ERROR_INIT;
	struct ev e = {expr, 0, a, &err};
	struct evv v;
	struct strbuf b = STRBUF_INIT;
	free(last);
	if (!ev_expr(&e, &v) || (ws(&e), e.s[e.i] != '\0')) {
		if (err_isset(&err))
			sb_printf(&b, "ERROR: %s", err.msg);
		else
			sb_printf(&b, "PARSE ERROR at %zu", e.i);
	} else {
		value_format(&v.v, &b, "NULL");
	}
	err_clear(&err);
	arena_free(a);
	last = sb_detach(&b);
	if (last == NULL)
		last = calloc(1, 1);
	return last;
}

#define EV(expr, want) is_str(ev(expr), want, "%s", expr)

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- tests ---- */

static void
test_registry(void)
{
	int n = fn_count();
	ok(n > 150, "registry has %d functions", n);
	for (int i = 1; i < n; i++)
		if (strcmp(fn_at(i - 1)->name, fn_at(i)->name) >= 0) {
			ok(0, "registry sorted and unique at %s", fn_at(i)->name);
			break;
		}
	ok(fn_lookup("LOWER") == fn_lookup("lower") && fn_lookup("lower") != NULL, "lookup is case-insensitive");
	ok(fn_lookup("+") != NULL && fn_lookup("||") != NULL && fn_lookup("div") != NULL, "operators present");
	ok(fn_lookup("nosuchfn") == NULL, "unknown function");
	is_str(fn_suggest("lowr"), "lower", "suggest lowr -> lower");
	is_str(fn_suggest("substrng"), "substring", "suggest substrng -> substring");
	is_str(fn_suggest("date_formt"), "date_format", "suggest date_formt");
	ok(fn_suggest("xyzzyq") == NULL, "no suggestion for nonsense");

	/* every entry documented; every function has an example */
	int bad = 0;
	for (int i = 0; i < n; i++) {
		const struct scalar_fn *f = fn_at(i);
		bool op = !isalpha((unsigned char)f->name[0]) || strcmp(f->name, "neg") == 0 ||
		    strcmp(f->name, "div") == 0;
		if (f->usage == NULL || f->doc == NULL || f->doc[0] == '\0' || f->nsigs < 1 ||
		    f->doc[strlen(f->doc) - 1] == '.' || (!op && (f->example == NULL || f->example_result == NULL))) {
			diag("entry %s lacks usage/doc/example", f->name);
			bad++;
		}
		for (int s = 0; s < f->nsigs; s++)
			if (f->sigs[s].kernel == NULL || f->sigs[s].nargs > FN_MAXARGS) {
				diag("entry %s sig %d broken", f->name, s);
				bad++;
			}
	}
	is_int(bad, 0, "every entry has usage, doc (no trailing period) and an example");
}

static void
test_examples(void)
{
	int n = fn_count(), bad = 0, run = 0;
	for (int i = 0; i < n; i++) {
		const struct scalar_fn *f = fn_at(i);
		if (f->example == NULL)
			continue;
		run++;
		const char *got = ev(f->example);
		if (strcmp(got, f->example_result) != 0) {
			diag("%s: %s gave '%s', documented '%s'", f->name, f->example, got, f->example_result);
			bad++;
		}
	}
	ok(run > 150, "ran %d examples", run);
	is_int(bad, 0, "every documented example gives its documented result");
}

static void
test_resolution(void)
{
	wb_type t[3], cast[3], ret;
	bool lit[3] = {false, false, false};
	struct wb_error err = WB_ERROR_INIT;
	const struct scalar_fn *plus = fn_lookup("+");

	t[0] = WB_TYPE_BIGINT;
	t[1] = WB_TYPE_DOUBLE;
	ok(fn_resolve(plus, t, lit, 2, cast, &ret, &err) != NULL, "BIGINT + DOUBLE resolves");
	ok(ret == WB_TYPE_DOUBLE && cast[0] == WB_TYPE_DOUBLE && cast[1] == WB_TYPE_DOUBLE, "BIGINT + DOUBLE -> DOUBLE");
	t[0] = t[1] = WB_TYPE_BIGINT;
	fn_resolve(plus, t, lit, 2, cast, &ret, &err);
	ok(ret == WB_TYPE_BIGINT, "BIGINT + BIGINT -> BIGINT");
	t[0] = WB_TYPE_DATE;
	t[1] = WB_TYPE_BIGINT;
	fn_resolve(plus, t, lit, 2, cast, &ret, &err);
	ok(ret == WB_TYPE_DATE, "DATE + BIGINT -> DATE");
	t[1] = WB_TYPE_INTERVAL;
	fn_resolve(plus, t, lit, 2, cast, &ret, &err);
	ok(ret == WB_TYPE_TIMESTAMP, "DATE + INTERVAL -> TIMESTAMP");

	/* a string literal compared with a DATE becomes a DATE */
	const struct scalar_fn *eq = fn_lookup("=");
	t[0] = WB_TYPE_DATE;
	t[1] = WB_TYPE_VARCHAR;
	lit[1] = true;
	ok(fn_resolve(eq, t, lit, 2, cast, &ret, &err) != NULL && cast[1] == WB_TYPE_DATE && ret == WB_TYPE_BOOL,
	    "DATE = 'literal' casts the literal to DATE");
	lit[1] = false;
	ok(fn_resolve(eq, t, lit, 2, cast, &ret, &err) == NULL, "DATE = VARCHAR column is an error");
	ok(err.msg && strstr(err.msg, "operator does not exist: DATE = VARCHAR"), "operator error: %s",
	    err.msg ? err.msg : "");
	ok(err.hint && strstr(err.hint, "CAST"), "hint suggests a CAST");
	err_clear(&err);

	t[0] = WB_TYPE_DATE;
	t[1] = WB_TYPE_TIMESTAMP;
	fn_resolve(eq, t, lit, 2, cast, &ret, &err);
	ok(cast[0] == WB_TYPE_TIMESTAMP && cast[1] == WB_TYPE_TIMESTAMP, "DATE = TIMESTAMP compares as TIMESTAMP");

	const struct scalar_fn *lower = fn_lookup("lower");
	t[0] = WB_TYPE_BIGINT;
	ok(fn_resolve(lower, t, lit, 1, cast, &ret, &err) == NULL, "lower(BIGINT) rejected");
	ok(err.msg && strstr(err.msg, "function lower(BIGINT) does not exist"), "message: %s", err.msg);
	err_clear(&err);
	t[0] = WB_TYPE_NULL;
	ok(fn_resolve(lower, t, lit, 1, cast, &ret, &err) != NULL && cast[0] == WB_TYPE_VARCHAR, "lower(NULL) ok");

	const struct scalar_fn *substr = fn_lookup("substr");
	t[0] = WB_TYPE_VARCHAR;
	ok(fn_resolve(substr, t, lit, 1, cast, &ret, &err) == NULL, "substr with 1 argument rejected");
	ok(err.msg && strstr(err.msg, "substr takes 2 or 3 arguments but was given 1"), "arity message: %s", err.msg);
	ok(err.hint && strstr(err.hint, "substr(str, pos [, len])"), "arity hint shows usage");
	err_clear(&err);

	/* coalesce: common type, string literal adapts */
	const struct scalar_fn *co = fn_lookup("coalesce");
	t[0] = WB_TYPE_BIGINT;
	t[1] = WB_TYPE_DOUBLE;
	t[2] = WB_TYPE_NULL;
	ok(fn_resolve(co, t, lit, 3, cast, &ret, &err) != NULL && ret == WB_TYPE_DOUBLE && cast[2] == WB_TYPE_DOUBLE,
	    "coalesce(BIGINT, DOUBLE, NULL) -> DOUBLE");
	t[0] = WB_TYPE_DATE;
	t[1] = WB_TYPE_VARCHAR;
	lit[1] = true;
	ok(fn_resolve(co, t, lit, 2, cast, &ret, &err) != NULL && ret == WB_TYPE_DATE, "coalesce(DATE, 'lit') -> DATE");
	lit[1] = false;
	ok(fn_resolve(co, t, lit, 2, cast, &ret, &err) == NULL, "coalesce(DATE, VARCHAR) rejected");
	err_clear(&err);
	ok(fn_resolve(co, t, lit, 0, cast, &ret, &err) == NULL, "coalesce() rejected");
	ok(err.msg && strstr(err.msg, "at least 1"), "variadic arity message: %s", err.msg);
	err_clear(&err);

	/* concat converts any argument to a string */
	const struct scalar_fn *cc = fn_lookup("concat");
	t[0] = WB_TYPE_VARCHAR;
	t[1] = WB_TYPE_BIGINT;
	ok(fn_resolve(cc, t, lit, 2, cast, &ret, &err) != NULL && cast[1] == WB_TYPE_VARCHAR, "concat(VARCHAR, BIGINT)");

	wb_type c;
	ok(fn_common_type(WB_TYPE_BIGINT, WB_TYPE_DOUBLE, &c) && c == WB_TYPE_DOUBLE, "common BIGINT,DOUBLE");
	ok(fn_common_type(WB_TYPE_NULL, WB_TYPE_VARCHAR, &c) && c == WB_TYPE_VARCHAR, "common NULL,VARCHAR");
	ok(fn_common_type(WB_TYPE_DATE, WB_TYPE_TIMESTAMP, &c) && c == WB_TYPE_TIMESTAMP, "common DATE,TIMESTAMP");
	ok(!fn_common_type(WB_TYPE_VARCHAR, WB_TYPE_BIGINT, &c), "no common VARCHAR,BIGINT");
	err_clear(&err);
}

static void
test_arith(void)
{
	EV("9223372036854775807 + 1", "ERROR: integer overflow: 9223372036854775807 + 1");
	EV("-9223372036854775807 - 2", "ERROR: integer overflow: -9223372036854775807 - 2");
	EV("4611686018427387904 * 2", "ERROR: integer overflow: 4611686018427387904 * 2");
	EV("neg(-9223372036854775807 - 1)", "ERROR: integer overflow: -(-9223372036854775808)");
	EV("3037000499 * 3037000499", "9223372030926249001");
	EV("1 / 0", "NULL");
	EV("1.5 / 0", "NULL");
	EV("5 % 0", "NULL");
	EV("5 div 0", "NULL");
	EV("5.5 % 2", "1.5");
	EV("-5.5 % 2", "-1.5");
	EV("-7 div 2", "-3");
	EV("1 + 2.5", "3.5");
	EV("0.1 + 0.2", "0.30000000000000004");
	EV("7 / 7", "1.0");
	EV("neg(5)", "-5");
	EV("NULL + 1", "NULL");
	EV("DATE '2020-02-28' + 1", "2020-02-29");
	EV("DATE '2019-01-01' - 1", "2018-12-31");
	EV("DATE '1970-01-01' - DATE '1969-12-31'", "1");
	EV("TIMESTAMP '2019-10-01 10:00:00' - TIMESTAMP '2019-09-30 08:30:00'", "1 day 01:30:00");
	EV("TIMESTAMP '2019-01-31 10:00:00' + INTERVAL '1 month'", "2019-02-28 10:00:00");
	EV("TIMESTAMP '2019-10-01 00:00:00' - INTERVAL '1 second'", "2019-09-30 23:59:59");
	EV("DATE '2019-10-01' + INTERVAL '2 hours 30 minutes'", "2019-10-01 02:30:00");
	EV("INTERVAL '1 day' + INTERVAL '2 hours'", "1 day 02:00:00");
	EV("INTERVAL '1 month' * 14", "1 year 2 months");
	EV("INTERVAL '1 month' = INTERVAL '30 days'", "true");
	EV("'abc' || NULL", "NULL");
	EV("'n=' || 42", "n=42");
	EV("'a' < 'b'", "true");
	EV("'é' > 'z'", "true");
	EV("'abc' = 'ab'", "false");
	EV("CAST('nan' AS DOUBLE) = CAST('nan' AS DOUBLE)", "true");
	EV("CAST('nan' AS DOUBLE) > 1e308", "true");
	EV("1.0 < CAST('nan' AS DOUBLE)", "true");
	EV("CAST('nan' AS DOUBLE) <= 1.0", "false");
	EV("1 = 1.0", "true");
	EV("true > false", "true");
	EV("DATE '2019-10-01' = '2019-10-01'", "true");
	EV("DATE '2019-10-01' < TIMESTAMP '2019-10-01 00:00:01'", "true");
	EV("'5' + 1", "6");

	/* overflow in a NULL row is not an error; the error names the row's operands */
	struct wb_value a[3] = {
		{.type = WB_TYPE_BIGINT, .u.i = INT64_MAX},
		{.type = WB_TYPE_BIGINT, .u.i = 1},
		{.type = WB_TYPE_BIGINT, .u.i = 2},
	};
	struct wb_value b[3] = {
		{.type = WB_TYPE_BIGINT, .is_null = true},
		{.type = WB_TYPE_BIGINT, .u.i = 2},
		{.type = WB_TYPE_BIGINT, .u.i = 3},
	};
	struct wb_value *cols[2] = {a, b};
	bool isc[2] = {false, false}, isl[2] = {false, false};
	struct vec out;
	struct wb_error err = WB_ERROR_INIT;
	ok(call_fn("+", 2, cols, isc, isl, 3, &out, &err) == 0, "overflow under NULL ignored");
	ok(vec_is_null(&out, 0) && vec_i64(&out)[1] == 3 && vec_i64(&out)[2] == 5, "vector add with NULL row");
	vec_free(&out);
	b[0].is_null = false;
	b[0].u.i = 5;
	ok(call_fn("+", 2, cols, isc, isl, 3, &out, &err) != 0 && err.pos == 7, "overflow error carries the call position");
	err_clear(&err);
}

static void
test_casts(void)
{
	EV("CAST('abc' AS BIGINT)", "ERROR: could not convert 'abc' to BIGINT");
	EV("TRY_CAST('abc' AS BIGINT)", "NULL");
	EV("CAST(' 42 ' AS BIGINT)", "42");
	EV("CAST('12.7' AS BIGINT)", "12");
	EV("CAST('-0.5' AS BIGINT)", "0");
	EV("CAST('1e3' AS BIGINT)", "ERROR: could not convert '1e3' to BIGINT");
	EV("CAST('9223372036854775808' AS BIGINT)", "ERROR: could not convert '9223372036854775808' to BIGINT");
	EV("CAST(-3.9 AS BIGINT)", "-3");
	EV("CAST(1e20 AS BIGINT)", "ERROR: could not convert 1e+20 to BIGINT: out of range");
	EV("TRY_CAST(1e20 AS BIGINT)", "NULL");
	EV("CAST(CAST('nan' AS DOUBLE) AS BIGINT)", "ERROR: could not convert nan to BIGINT");
	EV("CAST(3 AS DOUBLE)", "3.0");
	EV("CAST(0.1 AS VARCHAR)", "0.1");
	EV("CAST(1e100 AS VARCHAR)", "1e+100");
	EV("CAST(-9223372036854775807 - 1 AS VARCHAR)", "-9223372036854775808");
	EV("CAST(true AS BIGINT)", "1");
	EV("CAST(0 AS BOOLEAN)", "false");
	EV("CAST(2.5 AS BOOLEAN)", "true");
	EV("CAST(' yes ' AS BOOLEAN)", "true");
	EV("CAST('maybe' AS BOOLEAN)", "ERROR: could not convert 'maybe' to BOOLEAN");
	EV("CAST(false AS VARCHAR)", "false");
	EV("CAST(true AS DOUBLE)", "1.0");
	EV("CAST(' 2019-10-01 ' AS DATE)", "2019-10-01");
	EV("CAST('2019-10-01 23:59:59' AS DATE)", "2019-10-01");
	EV("CAST('2019-02-29' AS DATE)", "ERROR: could not convert '2019-02-29' to DATE");
	EV("CAST('0001-01-01' AS DATE)", "0001-01-01");
	EV("CAST('1969-12-31' AS TIMESTAMP)", "1969-12-31 00:00:00");
	EV("CAST('2019-10-01 00:00:00 UTC' AS TIMESTAMP)", "2019-10-01 00:00:00");
	EV("CAST('2019-10-01T01:02:03.5+01:00' AS TIMESTAMP)", "2019-10-01 00:02:03.5");
	EV("CAST(TIMESTAMP '1969-12-31 23:59:59.999' AS DATE)", "1969-12-31");
	EV("CAST(DATE '2019-10-01' AS TIMESTAMP)", "2019-10-01 00:00:00");
	EV("CAST(DATE '2019-10-01' AS VARCHAR)", "2019-10-01");
	EV("CAST(TIMESTAMP '2019-10-01 00:00:00.123' AS VARCHAR)", "2019-10-01 00:00:00.123");
	EV("CAST(TIMESTAMP '1969-12-31 23:59:59.5' AS BIGINT)", "-1");
	EV("CAST(TIMESTAMP '1970-01-01 00:00:01.5' AS DOUBLE)", "1.5");
	EV("CAST(1569888000 AS TIMESTAMP)", "2019-10-01 00:00:00");
	EV("CAST(1.5 AS TIMESTAMP)", "1970-01-01 00:00:01.5");
	EV("CAST('1 day' AS INTERVAL)", "1 day");
	EV("CAST('2 hours 30 minutes' AS INTERVAL)", "02:30:00");
	EV("CAST('1 year 2 months' AS INTERVAL)", "1 year 2 months");
	EV("CAST('01:02:03' AS INTERVAL)", "01:02:03");
	EV("CAST('-1 day 01:00:00' AS INTERVAL)", "-1 day 01:00:00");
	EV("CAST('1.5 hours' AS INTERVAL)", "01:30:00");
	EV("CAST('interval 3 weeks' AS INTERVAL)", "21 days");
	EV("CAST('1 fortnight' AS INTERVAL)", "ERROR: could not convert '1 fortnight' to INTERVAL");
	EV("CAST(INTERVAL '1 day 00:00:01' AS VARCHAR)", "1 day 00:00:01");
	EV("CAST(NULL AS DATE)", "NULL");
	EV("CAST('x' AS VARCHAR)", "x");
	EV("CAST('inf' AS DOUBLE)", "inf");

	/* every pair the table claims has a kernel and a NULL passes through */
	int pairs = 0;
	for (int f = 0; f < WB_TYPE__COUNT; f++)
		for (int t = 1; t < WB_TYPE__COUNT; t++) {
			fn_kernel k = cast_kernel((wb_type)f, (wb_type)t, false);
			if (k == NULL)
				continue;
			pairs++;
			struct vec in, out;
			struct wb_error err = WB_ERROR_INIT;
			vec_init(&in, (wb_type)f);
			vec_init(&out, (wb_type)t);
			vec_reset(&in);
			vec_reset(&out);
			in.n = out.n = 2;
			memset(in.data, 0, type_size((wb_type)f) * 2);
			if (f == WB_TYPE_VARCHAR) {
				vec_str(&in)[0] = wb_str_c("1");
				vec_str(&in)[1] = wb_str_c("junk");
			}
			vec_set_null(&in, 1);
			vec_set_null(&out, 1);
			struct fn_call call = {.err = &err, .pos = -1};
			struct vec *args[1] = {&in};
			int rc = k(&call, args, 1, 2, &out);
			if (f == WB_TYPE_VARCHAR && (t == WB_TYPE_DATE || t == WB_TYPE_TIMESTAMP || t == WB_TYPE_INTERVAL))
				rc = 0; /* '1' is not a date: an error is right here */
			if (rc != 0 || !vec_is_null(&out, 1))
				diag("cast %s -> %s failed", type_name((wb_type)f), type_name((wb_type)t));
			pairs -= rc != 0 || !vec_is_null(&out, 1);
			err_clear(&err);
			vec_free(&in);
			vec_free(&out);
		}
	ok(pairs >= 30, "%d cast pairs work and keep NULLs", pairs);
	ok(cast_kernel(WB_TYPE_DATE, WB_TYPE_BIGINT, false) == NULL, "DATE -> BIGINT not allowed");
	ok(cast_kernel(WB_TYPE_INTERVAL, WB_TYPE_DATE, false) == NULL, "INTERVAL -> DATE not allowed");

	/* the cast's fast formatting agrees with the core formatters */
	{
		struct vec d, ts, sd, sts;
		struct wb_error e = WB_ERROR_INIT;
		struct fn_call call = {.err = &e, .pos = -1};
		int bad = 0;
		vec_init(&d, WB_TYPE_DOUBLE);
		vec_init(&ts, WB_TYPE_TIMESTAMP);
		vec_init(&sd, WB_TYPE_VARCHAR);
		vec_init(&sts, WB_TYPE_VARCHAR);
		srand(11);
		for (int round = 0; round < 20; round++) {
			vec_reset(&d);
			vec_reset(&ts);
			vec_reset(&sd);
			vec_reset(&sts);
			d.n = ts.n = sd.n = sts.n = WB_VEC_SIZE;
			for (int i = 0; i < WB_VEC_SIZE; i++) {
				double x;
				switch (i % 5) {
				case 0: x = (double)(rand() % 100000) / 100; break;           /* prices */
				case 1: x = (double)rand() / RAND_MAX * pow(10, rand() % 40 - 20); break;
				case 2: x = (double)(rand() % 1000) * pow(10, rand() % 20); break;
				case 3: x = -(double)(rand() % 10000000) / 1000; break;
				default: x = 1.0 / (rand() % 100 + 1) + rand() % 1000; break;
				}
				vec_f64(&d)[i] = x;
				vec_i64(&ts)[i] = ((int64_t)rand() << 20 ^ rand()) * (i % 2 ? 1 : -1) % (INT64_C(400) * 365 * DT_US_PER_DAY);
			}
			struct vec *a1[1] = {&d}, *a2[1] = {&ts};
			cast_kernel(WB_TYPE_DOUBLE, WB_TYPE_VARCHAR, false)(&call, a1, 1, WB_VEC_SIZE, &sd);
			cast_kernel(WB_TYPE_TIMESTAMP, WB_TYPE_VARCHAR, false)(&call, a2, 1, WB_VEC_SIZE, &sts);
			for (int i = 0; i < WB_VEC_SIZE; i++) {
				char b1[64], b2[64];
				int l1 = format_double(vec_f64(&d)[i], b1), l2 = dt_format_timestamp(vec_i64(&ts)[i], b2);
				if (!wb_str_eq(vec_str(&sd)[i], (wb_str){b1, (uint32_t)l1}) ||
				    !wb_str_eq(vec_str(&sts)[i], (wb_str){b2, (uint32_t)l2})) {
					if (bad++ < 5)
						diag("format mismatch: %s / %.*s, %s / %.*s", b1, (int)vec_str(&sd)[i].n,
						    vec_str(&sd)[i].p, b2, (int)vec_str(&sts)[i].n, vec_str(&sts)[i].p);
				}
			}
		}
		is_int(bad, 0, "DOUBLE and TIMESTAMP to VARCHAR agree with format_double/dt_format_timestamp");
		vec_free(&d);
		vec_free(&ts);
		vec_free(&sd);
		vec_free(&sts);
	}

	struct arena *a = arena_new(1024);
	struct wb_error err = WB_ERROR_INIT;
	struct wb_value in = {.type = WB_TYPE_BIGINT, .u.i = 123}, out;
	ok(cast_value(&in, WB_TYPE_VARCHAR, false, &out, a, &err) == 0 && out.u.s.n == 3 && memcmp(out.u.s.p, "123", 3) == 0,
	    "cast_value BIGINT -> VARCHAR into the arena");
	in.type = WB_TYPE_DATE;
	ok(cast_value(&in, WB_TYPE_BIGINT, false, &out, a, &err) != 0 && strstr(err.msg, "cannot cast DATE to BIGINT"),
	    "cast_value refuses DATE -> BIGINT");
	err_clear(&err);
	arena_free(a);
}

static void
test_strings(void)
{
	EV("length('héllo wörld')", "11");
	EV("octet_length('héllo')", "6");
	EV("substr('héllo', 2, 3)", "éll");
	EV("substr('héllo', -3)", "llo");
	EV("substr('héllo', -4, 2)", "él");
	EV("substr('hello', 0, 2)", "he");
	EV("substr('hello', 0)", "hello");
	EV("substr('hello', 10)", "");
	EV("substr('hello', -10, 3)", "");
	EV("substr('hello', -7, 4)", "he");
	EV("substr('hello', 2, -1)", "");
	EV("substr('日本語テキスト', 3, 2)", "語テ");
	EV("substring('hello', 9223372036854775807, 9223372036854775807)", "");
	EV("left('héllo', 2)", "hé");
	EV("left('abc', -1)", "");
	EV("right('héllo', 4)", "éllo");
	EV("right('abc', 10)", "abc");
	EV("upper('straße')", "STRAßE");
	EV("lower('ÀÉÎ ΣΑΣ')", "àéî σασ");
	EV("initcap('hello   wORLD')", "Hello   World");
	EV("trim('  a b  ')", "a b");
	EV("trim('xyabcyx', 'xy')", "abc");
	EV("ltrim('ééaé', 'é')", "aé");
	EV("rtrim('aé  ')", "aé");
	EV("trim('\t a ')", "\t a");
	EV("lpad('hi', 5)", "   hi");
	EV("lpad('hello', 3)", "hel");
	EV("lpad('hi', 6, 'ab')", "ababhi");
	EV("rpad('hé', 4, 'ü')", "héüü");
	EV("lpad('hi', 5, '')", "hi");
	EV("lpad('hi', -1, 'x')", "");
	EV("concat('a', NULL, 'b')", "NULL");
	EV("concat('a', 1, 2.5, true)", "a12.5true");
	EV("concat()", "");
	EV("concat_ws('-', 'a', 'b', 'c')", "a-b-c");
	EV("concat_ws(NULL, 'a')", "NULL");
	EV("concat_ws(',', NULL, NULL)", "");
	EV("concat_ws(',', 'x')", "x");
	EV("split_part('a,b,,c', ',', 3)", "");
	EV("split_part('a,b,,c', ',', 4)", "c");
	EV("split_part('a,b,,c', ',', -1)", "c");
	EV("split_part('a,b,,c', ',', -4)", "a");
	EV("split_part('a,b,,c', ',', 5)", "");
	EV("split_part('a,b,,c', ',', -5)", "");
	EV("split_part('abc', '', 1)", "abc");
	EV("split_part('a::b::c', '::', 2)", "b");
	ok(starts(ev("split_part('a,b', ',', 0)"), "ERROR: split_part: part number 0 is invalid"), "split_part 0 errors");
	EV("instr('héllo', 'l')", "3");
	EV("instr('abc', 'z')", "0");
	EV("instr('abc', '')", "1");
	EV("locate('l', 'héllo', 4)", "4");
	EV("locate('l', 'héllo', 0)", "0");
	EV("locate('l', 'héllo', 6)", "0");
	EV("strpos('ab', 'b')", "2");
	EV("replace('aaa', 'aa', 'b')", "ba");
	EV("replace('abc', '', 'x')", "abc");
	EV("replace('a-b-c', '-')", "abc");
	EV("reverse('héllo')", "olléh");
	EV("reverse('')", "");
	EV("repeat('é', 3)", "ééé");
	EV("repeat('a', -1)", "");
	ok(starts(ev("repeat('abc', 1000000000)"), "ERROR: repeat: result of 3000000000 bytes is longer"), "repeat limit");
	EV("starts_with('abc', '')", "true");
	EV("ends_with('abc', 'abcd')", "false");
	EV("contains('abc', '')", "true");
	EV("contains(NULL, 'a')", "NULL");
	EV("ascii('é')", "233");
	EV("ascii('')", "0");
	EV("chr(233)", "é");
	EV("chr(321)", "A");
	EV("chr(-1)", "");
	EV("translate('héllo', 'él', 'EL')", "hELLo");
	EV("translate('abc', 'aa', 'xy')", "xbc");
	EV("substring_index('www.apache.org', '.', 2)", "www.apache");
	EV("substring_index('www.apache.org', '.', -1)", "org");
	EV("substring_index('www.apache.org', '.', 10)", "www.apache.org");
	EV("substring_index('a.b', '.', 0)", "");
	EV("levenshtein('', 'abc')", "3");
	EV("levenshtein('héllo', 'hello')", "1");
	EV("format_number(1234567.891, 2)", "1,234,567.89");
	EV("format_number(-1234.5, 0)", "-1,234");
	EV("format_number(12, -1)", "NULL");
	EV("format_number(0.5, 0)", "0");
	EV("space(3) || '|'", "   |");
	EV("md5('')", "d41d8cd98f00b204e9800998ecf8427e");
	EV("md5('The quick brown fox jumps over the lazy dog')", "9e107d9d372bb6826bd81d3542a419d6");
	EV("sha1('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')", "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	EV("sha2('', 256)", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	EV("sha2('abc', 0)", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	EV("sha2('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 256)",
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	EV("sha2('abc', 224)", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
	EV("sha2('abc', 384)",
	    "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
	EV("sha2('abc', 512)",
	    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
	EV("sha2('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu', 512)",
	    "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
	EV("sha2('abc', 1)", "NULL");
	EV("crc32('The quick brown fox jumps over the lazy dog')", "1095738169");
	/* 55/56/64-byte messages cross the padding boundary */
	EV("md5(repeat('a', 55))", "ef1772b6dff9a122358552954ad0df65");
	EV("md5(repeat('a', 56))", "3b0c8ac703f828b04c6c197006d17218");
	EV("sha2(repeat('a', 64), 256)", "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
	EV("hash(1) = hash(1)", "true");
	EV("hash(1) = hash(2)", "false");
	EV("hash(NULL) = hash(NULL)", "true");
	EV("hash(1, 'a') = hash('a', 1)", "false");
}

/* Reference LIKE matcher on code points: plain recursion, exponential
 * but obviously right, for small random cases. */
static bool
ref_like(const uint32_t *s, int ns, const uint32_t *p, int np)
{
	if (np == 0)
		return ns == 0;
	if (p[0] == '%')
		return ref_like(s, ns, p + 1, np - 1) || (ns > 0 && ref_like(s + 1, ns - 1, p, np));
	if (ns == 0)
		return false;
	if (p[0] == '_' || p[0] == s[0])
		return ref_like(s + 1, ns - 1, p + 1, np - 1);
	return false;
}

static int
encode_cps(const uint32_t *cp, int n, char *out)
{
	int o = 0;
	for (int i = 0; i < n; i++) {
		if (cp[i] < 0x80) {
			out[o++] = (char)cp[i];
		} else {
			out[o++] = (char)(0xC0 | (cp[i] >> 6));
			out[o++] = (char)(0x80 | (cp[i] & 0x3F));
		}
	}
	out[o] = '\0';
	return o;
}

static void
test_like_random(void)
{
	static const uint32_t alpha_s[] = {'a', 'b', 0xE9};
	static const uint32_t alpha_p[] = {'a', 'b', 0xE9, '%', '_', '%'};
	int bad = 0;
	srand(5);
	for (int round = 0; round < 200; round++) {
		/* one pattern, many strings: exercises the constant-pattern path */
		uint32_t pc[8];
		int np = rand() % 8;
		for (int k = 0; k < np; k++)
			pc[k] = alpha_p[rand() % 6];
		char pat[32];
		encode_cps(pc, np, pat);
		enum { ROWS = 64 };
		struct wb_value sv[ROWS], pv[ROWS];
		char strs[ROWS][32];
		uint32_t sc[ROWS][10];
		int ns[ROWS];
		for (int i = 0; i < ROWS; i++) {
			ns[i] = rand() % 10;
			for (int k = 0; k < ns[i]; k++)
				sc[i][k] = alpha_s[rand() % 3];
			encode_cps(sc[i], ns[i], strs[i]);
			sv[i] = (struct wb_value){.type = WB_TYPE_VARCHAR, .u.s = wb_str_c(strs[i])};
			pv[i] = (struct wb_value){.type = WB_TYPE_VARCHAR, .u.s = wb_str_c(pat)};
		}
		struct wb_value *cols[2] = {sv, pv};
		bool isc[2] = {false, round % 2 == 0}, isl[2] = {false, false};
		struct vec out;
		struct wb_error err = WB_ERROR_INIT;
		if (call_fn("like", 2, cols, isc, isl, ROWS, &out, &err) != 0) {
			bad++;
			err_clear(&err);
			continue;
		}
		for (int i = 0; i < ROWS; i++) {
			bool want = ref_like(sc[i], ns[i], pc, np);
			if (vec_bool(&out)[i] != want && bad++ < 5)
				diag("'%s' LIKE '%s': got %d want %d", strs[i], pat, vec_bool(&out)[i], want);
		}
		vec_free(&out);
	}
	is_int(bad, 0, "LIKE agrees with a reference matcher on 12800 random cases");
}

static void
test_like(void)
{
	EV("'abc' LIKE 'abc'", "true");
	EV("'abc' LIKE 'ab'", "false");
	EV("'abc' LIKE 'a%'", "true");
	EV("'abc' LIKE '%c'", "true");
	EV("'abc' LIKE '%b%'", "true");
	EV("'abc' LIKE '%'", "true");
	EV("'' LIKE '%'", "true");
	EV("'' LIKE '_'", "false");
	EV("'abc' LIKE 'a_c'", "true");
	EV("'aéc' LIKE 'a_c'", "true");
	EV("'aéc' LIKE '___'", "true");
	EV("'abc' LIKE '%%%'", "true");
	EV("'abcabc' LIKE '%bc%bc'", "true");
	EV("'abcab' LIKE '%bc%bc'", "false");
	EV("'abc' LIKE 'a%b%c'", "true");
	EV("'ac' LIKE 'a%b%c'", "false");
	EV("'aXbXc' LIKE 'a_b_c'", "true");
	EV("'mississippi' LIKE 'm%iss%pi'", "true");
	EV("'mississippi' LIKE 'm%i_s%ppi'", "true");
	EV("'mississippi' LIKE '%ss_p%'", "true");
	EV("'mississippi' LIKE '%ss_q%'", "false");
	EV("'abcd' LIKE '%_d'", "true");
	EV("'d' LIKE '%_d'", "false");
	EV("'ab' LIKE 'a__'", "false");
	EV("'100%' LIKE '100\\%'", "true");
	EV("'1000' LIKE '100\\%'", "false");
	EV("'a_c' LIKE 'a\\_c'", "true");
	EV("'abc' LIKE 'a\\_c'", "false");
	EV("'a\\c' LIKE 'a\\\\c'", "true");
	EV("like('a%c', 'a#%c', '#')", "true");
	EV("like('abc', 'a#%c', '#')", "false");
	EV("like('a\\c', 'a\\c', '')", "true");
	ok(starts(ev("'abc' LIKE 'a\\bc'"), "ERROR: like: in pattern 'a\\bc' the escape character '\\' is followed by 'b'"),
	    "bad escape is an error");
	ok(starts(ev("'abc' LIKE 'abc\\'"), "ERROR: like: pattern 'abc\\' ends with the escape character"),
	    "trailing escape is an error");
	ok(starts(ev("like('a', 'a', 'xy')"), "ERROR: like: escape 'xy' must be a single character"), "long escape");
	EV("'ABC' ILIKE 'a%'", "true");
	EV("'abc' ILIKE '%B_'", "true");
	EV("'ÉCOLE' ILIKE 'école'", "true");
	EV("'abc' ILIKE 'abd'", "false");
	EV("NULL LIKE 'a'", "NULL");

	/* non-constant patterns: every row compiles its own, results agree */
	const char *strs[] = {"apple", "banana", "cherry", "apple", "Apple", "b%"};
	const char *pats[] = {"a%", "%an%", "c_erry", "a%", "a%", "b\\%"};
	struct wb_value s[6], p[6];
	for (int i = 0; i < 6; i++) {
		s[i] = (struct wb_value){.type = WB_TYPE_VARCHAR, .u.s = wb_str_c(strs[i])};
		p[i] = (struct wb_value){.type = WB_TYPE_VARCHAR, .u.s = wb_str_c(pats[i])};
	}
	p[2].is_null = true;
	struct wb_value *cols[2] = {s, p};
	bool isc[2] = {false, false}, isl[2] = {false, false};
	struct vec out;
	struct wb_error err = WB_ERROR_INIT;
	ok(call_fn("like", 2, cols, isc, isl, 6, &out, &err) == 0, "like with a pattern column");
	const uint8_t *r = vec_bool(&out);
	ok(r[0] && r[1] && vec_is_null(&out, 2) && r[3] && !r[4] && r[5], "per-row patterns");
	vec_free(&out);
	/* a constant pattern over many rows */
	isc[1] = true;
	for (int i = 0; i < 6; i++)
		p[i] = (struct wb_value){.type = WB_TYPE_VARCHAR, .u.s = wb_str_c("%an%")};
	ok(call_fn("like", 2, cols, isc, isl, 6, &out, &err) == 0, "like with a constant pattern");
	r = vec_bool(&out);
	ok(!r[0] && r[1] && !r[2] && !r[3] && !r[4] && !r[5], "constant %%infix%% over rows");
	vec_free(&out);
}

static void
test_regex(void)
{
	EV("'abc' RLIKE 'b'", "true");
	EV("'abc' RLIKE '^b'", "false");
	EV("regexp_like('ÉCOLE', '^.COLE$')", "true");
	EV("regexp_extract('foo123bar', '([0-9]+)')", "123");
	EV("regexp_extract('foo123bar', '([a-z]+)([0-9]+)', 0)", "foo123");
	EV("regexp_extract('foo', '([0-9]+)')", "");
	EV("regexp_extract('ab', '(a)|(x)', 2)", "");
	ok(starts(ev("regexp_extract('abc', '(b)', 2)"), "ERROR: regexp_extract: group 2 does not exist; '(b)' has 1 group"),
	    "group out of range is an error");
	EV("regexp_extract('x', '(ab')",
	    "ERROR: regexp_extract: invalid regular expression '(ab' at offset 3: missing closing parenthesis");
	ok(starts(ev("'a' RLIKE '[a-'"), "ERROR: rlike: invalid regular expression '[a-' at offset 3"),
	    "rlike error shows pattern and offset");
	EV("regexp_replace('a.b.c', '\\.', '-')", "a-b-c");
	EV("regexp_replace('abc', 'x*', '-')", "-a-b-c-");
	EV("regexp_replace('baaac', 'a*', '-')", "-b--c-");
	EV("regexp_replace('b', 'x*|b', '-')", "-b-");
	EV("regexp_replace('John Smith', '(\\w+) (\\w+)', '$2, $1')", "Smith, John");
	EV("regexp_replace('a1', '([a-z])([0-9])', '${2}${1}')", "1a");
	EV("regexp_replace('cost', 'cost', '\\$5')", "$5");
	EV("regexp_replace('aaa', 'a', 'b', 2)", "abb");
	EV("regexp_replace('héhé', 'h', 'H', 3)", "héHé");
	EV("regexp_replace('abc', 'z', 'y')", "abc");
	ok(starts(ev("regexp_replace('abc', '(b)', '$2')"), "ERROR: regexp_replace: replacement '$2' refers to group 2"),
	    "bad group reference");
	ok(starts(ev("regexp_replace('abc', 'b', '$x')"), "ERROR: regexp_replace: replacement '$x' has '$' not followed"),
	    "bad dollar");
	EV("regexp_replace('a12', '([0-9])', '$10')", "a1020");
	EV("regexp_count('aaa', 'a*')", "2");
	EV("regexp_count('abc', '')", "4");
	EV("regexp_count('ééé', 'é')", "3");
	EV("regexp_instr('héllo', 'l+')", "3");
	EV("regexp_instr('abc', 'z')", "0");
	EV("regexp_instr('abc1', '([a-z])([0-9])', 2)", "4");
	EV("regexp_substr('abc', 'z')", "NULL");
	EV("NULL RLIKE 'a'", "NULL");

	/* catastrophic backtracking stops quickly with an error */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	const char *r = ev("'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' RLIKE '^(a+)+$'");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ok(starts(r, "ERROR: rlike: regular expression '^(a+)+$' backtracks too much"), "catastrophic pattern: %s", r);
	ok(secs < 5, "and fails fast (%.3f s)", secs);

	/* per-row patterns with a compile error in one row */
	struct wb_value s[3], p[3];
	const char *pats[] = {"a", "b+", "("};
	for (int i = 0; i < 3; i++) {
		s[i] = (struct wb_value){.type = WB_TYPE_VARCHAR, .u.s = wb_str_c("abb")};
		p[i] = (struct wb_value){.type = WB_TYPE_VARCHAR, .u.s = wb_str_c(pats[i])};
	}
	struct wb_value *cols[2] = {s, p};
	bool isc[2] = {false, false}, isl[2] = {false, false};
	struct vec out;
	struct wb_error err = WB_ERROR_INIT;
	ok(call_fn("regexp_count", 2, cols, isc, isl, 2, &out, &err) == 0 && vec_i64(&out)[0] == 1 &&
	    vec_i64(&out)[1] == 1, "regexp_count with a pattern column");
	vec_free(&out);
	int rc = call_fn("regexp_count", 2, cols, isc, isl, 3, &out, &err);
	ok(rc != 0 && err.msg && strstr(err.msg, "invalid regular expression '('"), "bad row pattern reported: %s",
	    err.msg ? err.msg : "");
	err_clear(&err);
}

static void
test_math(void)
{
	EV("abs(-9223372036854775807 - 1)", "ERROR: integer overflow: abs(-9223372036854775808)");
	EV("abs(-5)", "5");
	EV("round(2.5)", "3.0");
	EV("round(-2.5)", "-3.0");
	EV("round(0.5)", "1.0");
	EV("round(1.005, 2)", "1.01");
	EV("round(-1.005, 2)", "-1.01");
	EV("round(0.125, 2)", "0.13");
	EV("round(1234.5678, -2)", "1200.0");
	EV("round(0.0004, 2)", "0.0");
	EV("round(0.05, 1)", "0.1");
	EV("round(9.995, 2)", "10.0");
	EV("round(1e300, 2)", "1e+300");
	EV("round(123.456, 1)", "123.5");
	EV("round(1250, -2)", "1300");
	EV("round(-1250, -2)", "-1300");
	EV("round(1249, -2)", "1200");
	EV("round(42)", "42");
	EV("round(9223372036854775807, -1)", "ERROR: integer overflow: round(9223372036854775807, -1)");
	EV("bround(2.5)", "2.0");
	EV("bround(3.5)", "4.0");
	EV("bround(0.125, 2)", "0.12");
	EV("bround(1250, -2)", "1200");
	EV("bround(1350, -2)", "1400");
	EV("floor(-0.5)", "-1");
	EV("floor(5)", "5");
	EV("ceil(-0.5)", "0");
	EV("floor(1e19)", "ERROR: floor: 1e+19 is out of range for BIGINT");
	EV("sqrt(-1)", "NULL");
	EV("ln(0)", "NULL");
	EV("ln(-1)", "NULL");
	EV("log(10)", "2.302585092994046");
	EV("log(0, 8)", "NULL");
	EV("log10(0)", "NULL");
	EV("asin(2)", "NULL");
	EV("pow(-8, 0.5)", "NULL");
	EV("pow(2, -1)", "0.5");
	EV("pow(0, -1)", "inf");
	EV("exp(0)", "1.0");
	EV("sign(0)", "0.0");
	EV("mod(7, -3)", "1");
	EV("mod(7, 0)", "NULL");
	EV("mod(7.5, 2)", "1.5");
	EV("pmod(7, -3)", "1");
	EV("pmod(-7, -3)", "-1");
	EV("pmod(-7.5, 2)", "0.5");
	EV("factorial(20)", "2432902008176640000");
	EV("factorial(21)", "NULL");
	EV("degrees(1)", "57.29577951308232");
	EV("sin(pi() / 2)", "1.0");
	EV("rand(7) = rand(7)", "true");
	EV("rand(NULL) >= 0", "true");

	/* many rows of rand differ and stay in [0, 1) */
	struct wb_value none[1];
	struct vec out;
	struct wb_error err = WB_ERROR_INIT;
	ok(call_fn("rand", 0, NULL, NULL, NULL, 1000, &out, &err) == 0, "rand over 1000 rows");
	int inrange = 0, distinct = 0;
	for (int i = 0; i < 1000; i++) {
		double x = vec_f64(&out)[i];
		inrange += x >= 0 && x < 1;
		distinct += i == 0 || x != vec_f64(&out)[i - 1];
	}
	ok(inrange == 1000 && distinct == 1000, "rand values in range and varying");
	vec_free(&out);
	(void)none;
}

static void
test_dates(void)
{
	EV("year(DATE '1969-12-31')", "1969");
	EV("month(DATE '1900-02-28')", "2");
	EV("day(TIMESTAMP '1969-12-31 23:59:59.999999')", "31");
	EV("hour(TIMESTAMP '1969-12-31 23:59:59')", "23");
	EV("minute(TIMESTAMP '1969-12-31 23:59:59')", "59");
	EV("second(TIMESTAMP '1969-12-31 23:59:59.9')", "59");
	EV("hour(DATE '2019-10-01')", "0");
	EV("year('2019-10-01')", "2019");
	EV("dayofweek(DATE '2019-10-06')", "1");
	EV("dayofweek(DATE '2019-10-05')", "7");
	EV("weekday(DATE '2019-10-06')", "6");
	EV("dayofweek(DATE '1969-12-31')", "4");
	EV("dayofyear(DATE '2020-12-31')", "366");
	EV("dayofyear(DATE '2020-03-01')", "61");
	EV("weekofyear(DATE '2021-01-03')", "53");
	EV("weekofyear(DATE '2021-01-04')", "1");
	EV("weekofyear(DATE '2008-12-29')", "1");
	EV("weekofyear(DATE '1969-12-31')", "1");
	EV("quarter(DATE '2019-03-31')", "1");
	EV("date_trunc('year', TIMESTAMP '2019-10-17 13:45:30')", "2019-01-01 00:00:00");
	EV("date_trunc('QUARTER', TIMESTAMP '2019-08-17 13:45:30')", "2019-07-01 00:00:00");
	EV("date_trunc('week', TIMESTAMP '2019-10-06 13:45:30')", "2019-09-30 00:00:00");
	EV("date_trunc('day', TIMESTAMP '1969-12-31 13:45:30')", "1969-12-31 00:00:00");
	EV("date_trunc('hour', TIMESTAMP '1969-12-31 13:45:30.5')", "1969-12-31 13:00:00");
	EV("date_trunc('minute', TIMESTAMP '1969-12-31 13:45:30.5')", "1969-12-31 13:45:00");
	EV("date_trunc('second', TIMESTAMP '1969-12-31 23:59:59.5')", "1969-12-31 23:59:59");
	EV("date_trunc('mm', DATE '2019-10-17')", "2019-10-01 00:00:00");
	ok(starts(ev("date_trunc('fortnight', DATE '2019-10-17')"), "ERROR: date_trunc: unknown unit 'fortnight'"),
	    "unknown unit is an error");
	EV("trunc(DATE '2019-10-17', 'year')", "2019-01-01");
	EV("trunc(TIMESTAMP '2019-10-17 10:00:00', 'MM')", "2019-10-01");
	ok(starts(ev("trunc(DATE '2019-10-17', 'hour')"), "ERROR: trunc: unknown unit 'hour'"), "trunc rejects hour");
	EV("date_part('year', TIMESTAMP '2019-10-17 10:00:00')", "2019");
	EV("date_part('epoch', TIMESTAMP '1970-01-02 00:00:01')", "86401");
	EV("date_part('dow', DATE '2019-10-06')", "1");
	EV("date_part('second', TIMESTAMP '2019-10-17 10:00:42.5')", "42");
	EV("datediff(DATE '2019-10-01', DATE '2019-11-01')", "-31");
	EV("datediff(TIMESTAMP '2019-10-02 00:00:01', TIMESTAMP '2019-10-01 23:59:59')", "1");
	EV("datediff('2020-03-01', '2020-02-01')", "29");
	EV("datediff('day', TIMESTAMP '2019-10-01 10:00:00', TIMESTAMP '2019-10-03 09:00:00')", "1");
	EV("date_add(DATE '2019-10-01', -1)", "2019-09-30");
	EV("date_add(TIMESTAMP '2019-10-01 23:00:00', 1)", "2019-10-02");
	EV("date_sub(DATE '1970-01-01', 1)", "1969-12-31");
	EV("add_months(DATE '2020-01-31', 1)", "2020-02-29");
	EV("add_months(DATE '2020-03-31', -1)", "2020-02-29");
	EV("add_months(DATE '2019-12-15', 1)", "2020-01-15");
	EV("add_months(DATE '1970-01-31', -2)", "1969-11-30");
	EV("months_between(DATE '2019-03-31', DATE '2019-02-28')", "1.0");
	EV("months_between(DATE '2019-03-15', DATE '2019-02-15')", "1.0");
	EV("months_between(DATE '2019-02-15', DATE '2019-03-15')", "-1.0");
	EV("months_between(TIMESTAMP '1997-02-28 10:30:00', DATE '1996-10-30', false)", "3.9495967741935485");
	EV("last_day(DATE '2019-02-10')", "2019-02-28");
	EV("last_day(DATE '2000-02-10')", "2000-02-29");
	EV("last_day(DATE '1900-02-10')", "1900-02-28");
	EV("last_day(DATE '2019-12-31')", "2019-12-31");
	EV("next_day(DATE '2019-10-07', 'monday')", "2019-10-14");
	EV("next_day(DATE '2019-10-05', 'SU')", "2019-10-06");
	ok(starts(ev("next_day(DATE '2019-10-05', 'xyz')"), "ERROR: next_day: unknown day of week 'xyz'"), "next_day error");
	EV("make_date(2019, 2, 29)", "NULL");
	EV("make_date(2020, 2, 29)", "2020-02-29");
	EV("make_date(1969, 12, 31)", "1969-12-31");
	EV("make_timestamp(2019, 10, 1, 23, 59, 60)", "2019-10-02 00:00:00");
	EV("make_timestamp(2019, 10, 1, 24, 0, 0)", "NULL");
	EV("make_timestamp(2019, 10, 1, 1, 2, 3.000001)", "2019-10-01 01:02:03.000001");
	EV("timestampadd('month', -1, TIMESTAMP '2019-03-31 12:00:00')", "2019-02-28 12:00:00");
	EV("timestampadd('quarter', 1, TIMESTAMP '2019-11-30 00:00:00')", "2020-02-29 00:00:00");
	EV("timestampdiff('year', DATE '2019-02-28', DATE '2020-02-27')", "0");
	EV("timestampdiff('year', DATE '2019-02-28', DATE '2020-02-28')", "1");
	EV("timestampdiff('month', DATE '2019-03-30', DATE '2019-01-31')", "-1");
	EV("timestampdiff('hour', TIMESTAMP '2019-10-01 10:30:00', TIMESTAMP '2019-10-01 08:00:00')", "-2");
	EV("timestampdiff('second', TIMESTAMP '1969-12-31 23:59:59', TIMESTAMP '1970-01-01 00:00:01')", "2");

	/* formatting */
	EV("date_format(TIMESTAMP '2019-10-01 00:00:05.123456', 'yyyy-MM-dd HH:mm:ss.SSS')", "2019-10-01 00:00:05.123");
	EV("date_format(TIMESTAMP '2019-10-01 00:00:05.123456', 'SSSSSS')", "123456");
	EV("date_format(TIMESTAMP '2019-10-01 00:00:05', 'yy MMM MMMM d D E EEEE')", "19 Oct October 1 274 Tue Tuesday");
	EV("date_format(TIMESTAMP '2019-10-01 00:30:00', 'hh:mm a')", "12:30 AM");
	EV("date_format(TIMESTAMP '2019-10-01 12:30:00', 'h:mm a')", "12:30 PM");
	EV("date_format(DATE '2019-10-01', 'yyyy''Q''q')", "2019Q4");
	EV("date_format(DATE '2019-10-01', '''week'' D')", "week 274");
	EV("date_format(TIMESTAMP '2019-10-01 12:30:00', 'h''''mm')", "12'30");
	EV("date_format(DATE '2019-10-01', '''it''''s'' yyyy')", "it's 2019");
	EV("date_format(DATE '2019-10-01', 'yyyy-MM-dd''T''HH:mm:ssXXX')", "2019-10-01T00:00:00Z");
	EV("date_format(DATE '1969-07-20', 'EEEE, MMMM d, yyyy')", "Sunday, July 20, 1969");
	EV("date_format(DATE '2019-10-01', 'DDD QQQ')", "274 Q4");
	ok(starts(ev("date_format(DATE '2019-10-01', 'yyyy-ww')"), "ERROR: date_format: unsupported letter 'w'"),
	    "unknown pattern letter is an error");
	ok(starts(ev("date_format(DATE '2019-10-01', 'yyyy ''T')"), "ERROR: date_format: unterminated quote"),
	    "unterminated quote is an error");
	EV("from_unixtime(1569888000, 'yyyy/MM/dd HH')", "2019/10/01 00");
	EV("from_unixtime(-1)", "1969-12-31 23:59:59");

	/* parsing */
	EV("to_date('2019-10-01')", "2019-10-01");
	EV("to_date('2019-10-01 12:00:00')", "2019-10-01");
	EV("to_date('not a date')", "NULL");
	EV("to_date('2019-02-30')", "NULL");
	EV("to_date('1/2/2019', 'd/M/yyyy')", "2019-02-01");
	EV("to_date('01/02/19', 'dd/MM/yy')", "2019-02-01");
	EV("to_date('2019-10-01 12:00', 'yyyy-MM-dd')", "NULL");
	EV("to_date('20191001', 'yyyyMMdd')", "2019-10-01");
	EV("to_date('Oct 1, 2019', 'MMM d, yyyy')", "2019-10-01");
	EV("to_date('october 1 2019', 'MMMM d yyyy')", "2019-10-01");
	EV("to_date('2019-366', 'yyyy-DDD')", "NULL");
	EV("to_date('2020-366', 'yyyy-DDD')", "2020-12-31");
	EV("to_date(TIMESTAMP '2019-10-01 23:59:59')", "2019-10-01");
	EV("to_timestamp('2019-10-01 01:02:03.5')", "2019-10-01 01:02:03.5");
	EV("to_timestamp('01/10/2019 01:02 PM', 'dd/MM/yyyy hh:mm a')", "2019-10-01 13:02:00");
	EV("to_timestamp('01/10/2019 12:02 AM', 'dd/MM/yyyy hh:mm a')", "2019-10-01 00:02:00");
	EV("to_timestamp('2019-10-01 00:00:00.123', 'yyyy-MM-dd HH:mm:ss.SSS')", "2019-10-01 00:00:00.123");
	EV("to_timestamp('2019-10-01 02:00:00+02:00', 'yyyy-MM-dd HH:mm:ssXXX')", "2019-10-01 00:00:00");
	EV("to_timestamp('2019-10-01 00:00:00 UTC', 'yyyy-MM-dd HH:mm:ss z')", "2019-10-01 00:00:00");
	EV("to_timestamp('garbage', 'yyyy')", "NULL");
	EV("to_timestamp('1969-12-31 23:59:59')", "1969-12-31 23:59:59");
	EV("unix_timestamp('1969-12-31 23:59:59')", "-1");
	EV("unix_timestamp('2019-10-01')", "NULL");
	EV("unix_timestamp(TIMESTAMP '2019-10-01 00:00:00')", "1569888000");
	EV("unix_timestamp(DATE '2019-10-01')", "1569888000");
	EV("unix_timestamp() > 1569888000", "true");
	EV("to_unix_timestamp('2019-10-01 00:00:01')", "1569888001");
	EV("timestamp_seconds(-1)", "1969-12-31 23:59:59");
	EV("unix_millis(TIMESTAMP '1969-12-31 23:59:59.9995')", "-1");
	EV("current_date() = to_date(current_timestamp())", "true");

	/* per-row formats: cached while equal, recompiled when they change */
	struct wb_value t[3], f[3];
	const char *fmts[] = {"yyyy", "yyyy", "MM/dd"};
	for (int i = 0; i < 3; i++) {
		t[i] = (struct wb_value){.type = WB_TYPE_TIMESTAMP, .u.i = INT64_C(1569888000000000)};
		f[i] = (struct wb_value){.type = WB_TYPE_VARCHAR, .u.s = wb_str_c(fmts[i])};
	}
	struct wb_value *cols[2] = {t, f};
	bool isc[2] = {false, false}, isl[2] = {false, false};
	struct vec out;
	struct wb_error err = WB_ERROR_INIT;
	ok(call_fn("date_format", 2, cols, isc, isl, 3, &out, &err) == 0, "date_format with a format column");
	ok(wb_str_eq(vec_str(&out)[0], wb_str_c("2019")) && wb_str_eq(vec_str(&out)[2], wb_str_c("10/01")),
	    "per-row formats applied");
	vec_free(&out);
}

static void
test_cond(void)
{
	EV("coalesce(NULL, NULL)", "NULL");
	EV("coalesce(NULL, 1, 2.5)", "1.0");
	EV("coalesce(NULL, DATE '2019-10-01', TIMESTAMP '2019-10-02 00:00:00')", "2019-10-01 00:00:00");
	EV("coalesce(NULL, 'x')", "x");
	EV("coalesce(DATE '2019-10-01', '2019-10-02')", "2019-10-01");
	EV("nullif(1, 2)", "1");
	EV("nullif(NULL, 2)", "NULL");
	EV("nullif('a', NULL)", "a");
	EV("nullif(CAST('nan' AS DOUBLE), CAST('nan' AS DOUBLE))", "NULL");
	EV("if(NULL, 1, 2)", "2");
	EV("if(true, 1, 2.5)", "1.0");
	EV("if(true, NULL, 'b')", "NULL");
	EV("nvl2(1, 'a', 'b')", "a");
	EV("nvl2(NULL, NULL, 2)", "2");
	EV("greatest(NULL, NULL)", "NULL");
	EV("greatest(1, 2.5, NULL)", "2.5");
	EV("greatest(CAST('nan' AS DOUBLE), 1)", "nan");
	EV("least(CAST('nan' AS DOUBLE), 1)", "1.0");
	EV("greatest('apple', 'banana')", "banana");
	EV("least(DATE '2019-10-01', DATE '2019-09-30')", "2019-09-30");
	EV("greatest(true, false)", "true");
	EV("isnull(1)", "false");
	EV("isnan(NULL)", "false");
	EV("typeof(NULL)", "NULL");
	EV("typeof(DATE '2019-10-01')", "DATE");

	/* coalesce over vectors with interleaved NULLs */
	struct wb_value a[4], b[4];
	for (int i = 0; i < 4; i++) {
		a[i] = (struct wb_value){.type = WB_TYPE_VARCHAR, .is_null = i % 2 == 0, .u.s = wb_str_c("a")};
		b[i] = (struct wb_value){.type = WB_TYPE_VARCHAR, .is_null = i < 2, .u.s = wb_str_c("b")};
	}
	struct wb_value *cols[2] = {a, b};
	bool isc[2] = {false, false}, isl[2] = {false, false};
	struct vec out;
	struct wb_error err = WB_ERROR_INIT;
	ok(call_fn("coalesce", 2, cols, isc, isl, 4, &out, &err) == 0, "coalesce over rows");
	ok(vec_is_null(&out, 0) && wb_str_eq(vec_str(&out)[1], wb_str_c("a")) && wb_str_eq(vec_str(&out)[2], wb_str_c("b")) &&
	    wb_str_eq(vec_str(&out)[3], wb_str_c("a")), "coalesce row by row");
	vec_free(&out);
}

int
main(void)
{
	test_registry();
	test_resolution();
	test_arith();
	test_casts();
	test_strings();
	test_like();
	test_like_random();
	test_regex();
	test_math();
	test_dates();
	test_cond();
	test_examples();
	return done_testing();
}
