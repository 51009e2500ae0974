/* Expression binding: names, functions and operators, casts, folding,
 * aggregates. */
#include "sql/bind_int.h"
#include "core/strutil.h"
#include "core/xmalloc.h"
#include "func/agg.h"
#include "func/func.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *
lower_dup(struct binder *b, const char *s)
{
	char *r = arena_strdup(b->arena, s);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

char *
bind_expr_name(struct binder *b, struct ast *e)
{
	struct strbuf sb = STRBUF_INIT;
	if (e->kind == AST_COLREF) {
		sb_puts(&sb, e->u.name.parts[e->u.name.n - 1]);
	} else {
		ast_expr_sql(e, &sb);
		/* drop the outer parentheses of a binary expression */
		if (sb.len > 2 && sb.s[0] == '(' && sb.s[sb.len - 1] == ')' && e->kind == AST_BINARY) {
			memmove(sb.s, sb.s + 1, sb.len - 2);
			sb.len -= 2;
			sb.s[sb.len] = '\0';
		}
	}
	char *r = arena_strdup(b->arena, sb_str(&sb));
	sb_free(&sb);
	return r;
}

struct bexpr *
bind_fold(struct binder *b, struct bexpr *e)
{
	if (e == NULL || e->kind == BX_CONST || !bexpr_is_const(e))
		return e;
	struct wb_value v;
	if (expr_eval_const(e, b->arena, &v, b->err) < 0) {
		err_at(b->err, e->pos);
		return NULL;
	}
	struct bexpr *c = bexpr_const(b->arena, &v, e->pos);
	c->type = e->type;
	c->u.value.type = e->type;
	return c;
}

struct bexpr *
bind_coerce(struct binder *b, struct bexpr *e, wb_type to, int pos)
{
	if (e == NULL || e->type == to)
		return e;
	if (e->kind == BX_CONST && (e->u.value.is_null || e->type == WB_TYPE_NULL)) {
		struct wb_value v = {.type = to, .is_null = true};
		return bexpr_const(b->arena, &v, e->pos);
	}
	fn_kernel k = cast_kernel(e->type, to, false);
	if (k == NULL) {
		err_set(b->err, pos >= 0 ? pos : e->pos, "cannot convert %s to %s", type_name(e->type), type_name(to));
		err_hint(b->err, "use an explicit CAST(... AS %s) if a conversion exists", type_name(to));
		return NULL;
	}
	struct bexpr *c = bexpr_new(b->arena, BX_CAST, to, e->pos, 1);
	c->args[0] = e;
	c->u.cast.kernel = k;
	return bind_fold(b, c);
}

static bool
is_literal_ast(const struct ast *e)
{
	return e->kind == AST_LITERAL || e->kind == AST_PARAM;
}

/* ---------------------------------------------------------------- names */

static const char *
col_display(const struct scope_col *c, struct strbuf *sb)
{
	sb_clear(sb);
	if (c->qual)
		sb_printf(sb, "%s.", c->qual);
	sb_puts(sb, c->name);
	return sb_str(sb);
}

/* The column of s named (qual.)col: its index, -1 if none; *count says
 * how many match (more than one = ambiguous). */
static int
scope_find(const struct scope *s, const char *qual, const char *col, int *count)
{
	int found = -1;
	*count = 0;
	for (int i = 0; s && i < s->ncol; i++) {
		if (strcasecmp(s->cols[i].name, col) != 0)
			continue;
		if (qual && (s->cols[i].qual == NULL || strcasecmp(s->cols[i].qual, qual) != 0))
			continue;
		if (!qual && s->cols[i].hidden)
			continue;
		if (found < 0)
			found = i;
		(*count)++;
	}
	return found;
}

static struct bexpr *
bind_colref(struct binder *b, struct ast *e, struct bind_env *env)
{
	const struct ast_name *nm = &e->u.name;
	const char *col = nm->parts[nm->n - 1];
	const char *qual = nm->n >= 2 ? nm->parts[nm->n - 2] : NULL;
	struct scope *s = env->scope;
	int count;
	int found = scope_find(s, qual, col, &count);
	if (count > 1) {
		struct strbuf sb = STRBUF_INIT;
		err_set(b->err, e->pos, "column reference \"%s\" is ambiguous", col);
		struct strbuf hint = STRBUF_INIT;
		for (int i = 0; i < s->ncol; i++)
			if (strcasecmp(s->cols[i].name, col) == 0 && s->cols[i].qual)
				sb_printf(&hint, "%s%s", hint.len ? " or " : "qualify it: ", col_display(&s->cols[i], &sb));
		if (hint.len)
			err_hint(b->err, "%s", sb_str(&hint));
		sb_free(&sb);
		sb_free(&hint);
		return NULL;
	}
	if (found >= 0) {
		struct bexpr *r = bexpr_column(b->arena, found, s->cols[found].type);
		r->pos = e->pos;
		return r;
	}
	/* a select-list alias (GROUP BY / HAVING / ORDER BY) */
	if (nm->n == 1 && env->nalias > 0 && env->alias_depth < 4) {
		for (int i = 0; i < env->nalias; i++) {
			if (env->alias_names[i] && strcasecmp(env->alias_names[i], col) == 0) {
				struct bind_env sub = *env;
				sub.alias_depth++;
				sub.nalias = 0;
				return bind_expr(b, env->alias_exprs[i], &sub);
			}
		}
	}
	/* a column of an enclosing query: a correlated subquery */
	int depth = 1;
	for (struct outer_ref *o = b->outer; o; o = o->up, depth++) {
		int oc = scope_find(o->scope, qual, col, &count);
		if (oc < 0)
			continue;
		if (count > 1) {
			err_set(b->err, e->pos, "outer column reference \"%s\" is ambiguous", col);
			err_hint(b->err, "qualify it with the outer table's alias");
			return NULL;
		}
		if (depth > 1) {
			err_set(b->err, e->pos, "\"%s\" refers to a query %d levels out; only the directly enclosing query can be referenced",
			    col, depth);
			err_hint(b->err, "pass the value through the enclosing subquery, or rewrite with joins");
			return NULL;
		}
		o->used = true;
		struct bexpr *r = bexpr_new(b->arena, BX_OUTER, o->scope->cols[oc].type, e->pos, 0);
		r->u.outer.depth = depth;
		r->u.outer.column = oc;
		return r;
	}
	if (qual && s) {
		bool known = false;
		for (int i = 0; i < s->ncol && !known; i++)
			known = s->cols[i].qual && strcasecmp(s->cols[i].qual, qual) == 0;
		if (!known) {
			err_set(b->err, e->pos, "unknown table or alias \"%s\"", qual);
			const char **cands = xcalloc((size_t)s->ncol + 1, sizeof *cands);
			int nc = 0;
			for (int i = 0; i < s->ncol; i++)
				if (s->cols[i].qual)
					cands[nc++] = s->cols[i].qual;
			const char *sug = str_suggest(qual, cands, nc);
			if (sug)
				err_hint(b->err, "did you mean \"%s\"?", sug);
			free(cands);
			return NULL;
		}
	}
	err_set(b->err, e->pos, "column \"%s\" does not exist", col);
	if (s && s->ncol > 0) {
		const char **cands = xcalloc((size_t)s->ncol + (size_t)env->nalias + 1, sizeof *cands);
		int nc = 0;
		for (int i = 0; i < s->ncol; i++)
			cands[nc++] = s->cols[i].name;
		for (int i = 0; i < env->nalias; i++)
			if (env->alias_names[i])
				cands[nc++] = env->alias_names[i];
		const char *sug = str_suggest(col, cands, nc);
		if (sug) {
			err_hint(b->err, "did you mean \"%s\"?", sug);
		} else {
			struct strbuf h = STRBUF_INIT;
			for (int i = 0; i < s->ncol && i < 12; i++)
				sb_printf(&h, "%s%s", i ? ", " : "", s->cols[i].name);
			if (s->ncol > 12)
				sb_puts(&h, ", ...");
			err_hint(b->err, "columns are: %s", sb_str(&h));
			sb_free(&h);
		}
		free(cands);
	} else if (s == NULL || s->ncol == 0) {
		err_hint(b->err, "there is no FROM clause; for a string use single quotes: '%s'", col);
	}
	return NULL;
}

/* ------------------------------------------------------------ functions */

static struct bexpr *
make_call_fn(struct binder *b, const struct scalar_fn *fn, struct bexpr **args, bool *is_lit, int nargs, int pos)
{
	const char *name = fn->name;
	wb_type types[64] = {0}, cast_to[64], ret;
	bool lits[64] = {0};
	if (nargs > 64) {
		err_set(b->err, pos, "%s: too many arguments", name);
		return NULL;
	}
	for (int i = 0; i < nargs; i++) {
		types[i] = args[i]->type;
		lits[i] = is_lit ? is_lit[i] : args[i]->kind == BX_CONST;
	}
	const struct fn_sig *sig = fn_resolve(fn, types, lits, nargs, cast_to, &ret, b->err);
	if (sig == NULL) {
		err_at(b->err, pos);
		return NULL;
	}
	struct bexpr *e = bexpr_new(b->arena, BX_FUNC, ret, pos, nargs);
	e->u.func.fn = fn;
	e->u.func.sig = sig;
	for (int i = 0; i < nargs; i++) {
		e->args[i] = bind_coerce(b, args[i], cast_to[i], args[i]->pos);
		if (e->args[i] == NULL)
			return NULL;
	}
	return bind_fold(b, e);
}

static struct bexpr *
make_call(struct binder *b, const char *name, struct bexpr **args, bool *is_lit, int nargs, int pos)
{
	const struct scalar_fn *fn = fn_lookup(name);
	if (fn == NULL) {
		err_set(b->err, pos, "internal: operator %s missing from the function table", name);
		return NULL;
	}
	return make_call_fn(b, fn, args, is_lit, nargs, pos);
}

struct bexpr *
bind_call_fn(struct binder *b, const struct scalar_fn *fn, struct bexpr **args, int nargs, int pos)
{
	return make_call_fn(b, fn, args, NULL, nargs, pos);
}

struct bexpr *
bind_call(struct binder *b, const char *name, struct bexpr **args, int nargs, int pos)
{
	return make_call(b, name, args, NULL, nargs, pos);
}

static struct bexpr *
call2(struct binder *b, const char *name, struct bexpr *x, struct bexpr *y, int pos)
{
	struct bexpr *args[2] = {x, y};
	return make_call(b, name, args, NULL, 2, pos);
}

/* Does some signature of af have flag? */
static bool
agg_has_flag(const struct agg_fn *af, unsigned flag)
{
	for (int s = 0; s < af->nsigs; s++)
		if (af->sigs[s].flags & flag)
			return true;
	return false;
}

/*
 * AGG_PARAM_ARG / AGG_SPARAM_ARG (see func/agg.h): args[1..nargs) must be
 * constants; the second becomes *param (checked against the signature's
 * range) or *sparam (copied into the plan arena; NULL becomes "").
 */
static int
bind_agg_params(struct binder *b, const struct agg_fn *af, const struct agg_sig *sig, struct bexpr **args,
    int nargs, double *param, const char **sparam)
{
	const char *rule = sig->param_rule ? sig->param_rule : "the parameters must be constants";
	for (int i = 1; i < nargs; i++) {
		args[i] = bind_fold(b, args[i]);
		if (args[i] == NULL)
			return -1;
		if (args[i]->kind != BX_CONST) {
			err_set(b->err, args[i]->pos, "%s: %s", af->name, rule);
			return -1;
		}
	}
	const struct wb_value *v = &args[1]->u.value;
	if (sig->flags & AGG_SPARAM_ARG) {
		*sparam = v->is_null ? "" : arena_strndup(b->arena, v->u.s.p, v->u.s.n);
		return 0;
	}
	bool ok = !v->is_null;
	double x = 0;
	switch (args[1]->type) {
	case WB_TYPE_BOOL: x = v->u.b; break;
	case WB_TYPE_DOUBLE: x = v->u.d; break;
	case WB_TYPE_BIGINT: x = (double)v->u.i; break;
	default: ok = false;
	}
	if (ok && (sig->param_min != 0 || sig->param_max != 0))
		ok = x >= sig->param_min && x <= sig->param_max;
	if (!ok) {
		err_set(b->err, args[1]->pos, "%s: %s", af->name, rule);
		return -1;
	}
	*param = x;
	return 0;
}

static struct bexpr *
bind_aggregate(struct binder *b, struct ast *e, const struct agg_fn *af, struct bind_env *env)
{
	if (env->agg == NULL) {
		err_set(b->err, e->pos, "aggregate functions are not allowed in %s", env->clause ? env->clause : "this context");
		if (env->clause && strcmp(env->clause, "WHERE") == 0)
			err_hint(b->err, "filter groups with HAVING, or aggregate in a subquery");
		return NULL;
	}
	if (env->in_agg) {
		err_set(b->err, e->pos, "aggregate function calls cannot be nested");
		err_hint(b->err, "compute the inner aggregate in a subquery");
		return NULL;
	}
	struct bind_env sub = *env;
	sub.in_agg = true;
	sub.clause = "aggregate arguments";
	int nargs = e->u.func.star ? 0 : e->u.func.args.n;
	struct bexpr *args[AGG_MAXARGS] = {0};
	wb_type types[AGG_MAXARGS], cast_to[AGG_MAXARGS], ret;
	/* agg(p) WITHIN GROUP (ORDER BY x) is agg(x, p) */
	int norder = e->u.func.order.n;
	if (norder > 0 && (norder != 1 || !agg_has_flag(af, AGG_WITHIN_GROUP))) {
		err_set(b->err, e->pos, "%s does not support ORDER BY inside the call", af->name);
		if (agg_has_flag(af, AGG_ORDER_SENSITIVE))
			err_hint(b->err, "it follows the input order: aggregate a subquery that has the ORDER BY");
		return NULL;
	}
	if (nargs + norder > AGG_MAXARGS) {
		err_set(b->err, e->pos, "%s: too many arguments", af->name);
		return NULL;
	}
	struct ast *argv[AGG_MAXARGS];
	bool desc = false;
	if (norder) {
		argv[0] = e->u.func.order.v[0]->u.order.expr;
		desc = e->u.func.order.v[0]->u.order.desc;
	}
	for (int i = 0; i < nargs; i++)
		argv[norder + i] = e->u.func.args.v[i];
	nargs += norder;
	for (int i = 0; i < nargs; i++) {
		if (argv[i]->kind == AST_NAMED_ARG) {
			err_set(b->err, argv[i]->pos, "%s does not take named arguments", af->name);
			return NULL;
		}
		args[i] = bind_expr(b, argv[i], &sub);
		if (args[i] == NULL)
			return NULL;
		types[i] = args[i]->type;
	}
	if (e->u.func.star && strcasecmp(af->name, "count") != 0) {
		err_set(b->err, e->pos, "%s(*) is not valid; only count(*) takes *", af->name);
		return NULL;
	}
	const struct agg_sig *sig = agg_resolve(af, types, nargs, cast_to, &ret, b->err);
	if (sig == NULL) {
		err_at(b->err, e->pos);
		return NULL;
	}
	for (int i = 0; i < nargs; i++) {
		args[i] = bind_coerce(b, args[i], cast_to[i], args[i]->pos);
		if (args[i] == NULL)
			return NULL;
	}
	double param = 0;
	const char *sparam = desc ? "desc" : NULL;
	if (sig->flags & (AGG_PARAM_ARG | AGG_SPARAM_ARG)) {
		if (bind_agg_params(b, af, sig, args, nargs, &param, &sparam) < 0)
			return NULL;
		nargs = 1;   /* update() sees only the first argument */
	}
	/* IGNORE NULLS / RESPECT NULLS (-1: neither); RESPECT NULLS is what
	 * the other aggregates do anyway */
	if (e->u.func.ignore_nulls >= 0 && (sig->flags & AGG_NULLS_PARAM)) {
		param = e->u.func.ignore_nulls;
	} else if (e->u.func.ignore_nulls == 1) {
		if (sig->flags & AGG_PARAM_ARG)
			err_set(b->err, e->pos, "%s: give either the ignore_nulls argument or IGNORE NULLS", af->name);
		else
			err_set(b->err, e->pos, "%s does not take IGNORE NULLS", af->name);
		err_hint(b->err, "first, last, first_value and last_value do; the other aggregates skip NULLs");
		return NULL;
	}
	if (e->u.func.distinct && nargs != 1) {
		err_set(b->err, e->pos, "DISTINCT is supported for aggregates of one argument");
		return NULL;
	}
	if (e->u.func.distinct && (sig->flags & AGG_SEES_NULLS)) {
		/* the distinct set drops NULL rows these aggregates must see */
		err_set(b->err, e->pos, "%s(DISTINCT ...) is not supported", af->name);
		return NULL;
	}
	struct bexpr *filter = NULL;
	if (e->u.func.filter) {
		filter = bind_expr(b, e->u.func.filter, &sub);
		if (filter == NULL)
			return NULL;
		filter = bind_coerce(b, filter, WB_TYPE_BOOL, e->u.func.filter->pos);
		if (filter == NULL)
			return NULL;
	}
	/* reuse an identical aggregate */
	struct agg_collect *ac = env->agg;
	for (int i = 0; i < ac->n; i++) {
		struct pn_agg *p = &ac->aggs[i];
		if (p->fn != af || p->sig != sig || p->nargs != nargs || p->distinct != e->u.func.distinct ||
		    p->param != param || (p->sparam != sparam && (!p->sparam || !sparam || strcmp(p->sparam, sparam) != 0)))
			continue;
		bool same = bexpr_equal(p->filter, filter);
		for (int a = 0; a < nargs && same; a++)
			same = bexpr_equal(p->args[a], args[a]);
		if (same) {
			struct bexpr *r = bexpr_new(b->arena, BX_AGGREF, ret, e->pos, 0);
			r->u.column = i;
			return r;
		}
	}
	if (ac->n == ac->cap) {
		int ncap = ac->cap ? ac->cap * 2 : 8;
		struct pn_agg *na = arena_zalloc(b->arena, sizeof *na * (size_t)ncap);
		if (ac->n)
			memcpy(na, ac->aggs, sizeof *na * (size_t)ac->n);
		ac->aggs = na;
		ac->cap = ncap;
	}
	struct pn_agg *p = &ac->aggs[ac->n];
	p->fn = af;
	p->sig = sig;
	p->nargs = nargs;
	p->args = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(nargs ? nargs : 1));
	memcpy(p->args, args, sizeof(struct bexpr *) * (size_t)nargs);
	p->distinct = e->u.func.distinct;
	p->filter = filter;
	p->ret = ret;
	p->param = param;
	p->sparam = sparam;
	p->pos = e->pos;
	struct bexpr *r = bexpr_new(b->arena, BX_AGGREF, ret, e->pos, 0);
	r->u.column = ac->n++;
	return r;
}

static void
unknown_function(struct binder *b, struct ast *e, const char *name)
{
	err_set(b->err, e->pos, "function %s() does not exist", name);
	const char *sug = fn_suggest(name);
	const char **aggs = xcalloc((size_t)agg_count(), sizeof *aggs);
	for (int i = 0; i < agg_count(); i++)
		aggs[i] = agg_at(i)->name;
	const char *asug = str_suggest(name, aggs, agg_count());
	if (asug && (!sug || str_edit_distance(name, asug) < str_edit_distance(name, sug)))
		sug = asug;
	free(aggs);
	if (sug)
		err_hint(b->err, "did you mean %s()?", sug);
	else
		err_hint(b->err, "SHOW FUNCTIONS lists the functions");
}

static struct bexpr *
bind_func(struct binder *b, struct ast *e, struct bind_env *env)
{
	char *name = lower_dup(b, e->u.func.name);
	if (e->u.func.over)
		return bind_window_call(b, e, env);
	if (strcmp(name, "grouping") == 0 || strcmp(name, "grouping_id") == 0)
		return bind_grouping_call(b, e, env);
	const struct agg_fn *af = agg_lookup(name);
	if (af != NULL)
		return bind_aggregate(b, e, af, env);
	if (strcmp(name, "typeof") == 0 && e->u.func.args.n == 1) {
		/* typeof(x): the bound type, known before execution */
		struct bexpr *a = bind_expr(b, e->u.func.args.v[0], env);
		if (a == NULL)
			return NULL;
		struct wb_value v = {.type = WB_TYPE_VARCHAR};
		v.u.s = wb_str_c(type_name(a->type == WB_TYPE_NULL ? WB_TYPE_NULL : a->type));
		return bexpr_const(b->arena, &v, e->pos);
	}
	if (e->u.func.distinct || e->u.func.star || e->u.func.filter) {
		if (fn_lookup(name) == NULL)
			unknown_function(b, e, name);
		else
			err_set(b->err, e->pos, "%s() is not an aggregate: DISTINCT, * and FILTER do not apply", name);
		return NULL;
	}
	const struct scalar_fn *fn = fn_lookup(name);
	if (fn == NULL) {
		unknown_function(b, e, name);
		return NULL;
	}
	int nargs = e->u.func.args.n;
	struct bexpr **args = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(nargs ? nargs : 1));
	bool *lits = arena_zalloc(b->arena, sizeof(bool) * (size_t)(nargs ? nargs : 1));
	for (int i = 0; i < nargs; i++) {
		struct ast *a = e->u.func.args.v[i];
		if (a->kind == AST_NAMED_ARG) {
			err_set(b->err, a->pos, "%s() does not take named arguments", name);
			return NULL;
		}
		args[i] = bind_expr(b, a, env);
		if (args[i] == NULL)
			return NULL;
		lits[i] = is_literal_ast(a);
	}
	return make_call(b, fn->name, args, lits, nargs, e->pos);
}

/* ---------------------------------------------------------- main switch */

static struct bexpr *
bind_in(struct binder *b, struct ast *e, struct bind_env *env)
{
	struct bexpr *x = bind_expr(b, e->u.in.arg, env);
	if (x == NULL)
		return NULL;
	int n = e->u.in.list.n;
	struct bexpr **items;
	if (e->u.in.subquery) {
		struct rowset *rs = bind_subquery_rows(b, e->u.in.subquery, env, e->pos);
		if (rs == NULL)
			return NULL;
		if (rs->ncol != 1) {
			err_set(b->err, e->pos, "the IN subquery must return one column, this one returns %d", rs->ncol);
			rowset_free(rs);
			return NULL;
		}
		if (rs->nrows > 10000000) {
			err_set(b->err, e->pos, "the IN subquery returned %lld rows; rewrite it as a join", (long long)rs->nrows);
			rowset_free(rs);
			return NULL;
		}
		n = (int)rs->nrows;
		items = arena_zalloc(b->arena, sizeof *items * (size_t)(n ? n : 1));
		for (int i = 0; i < n; i++) {
			struct wb_value v;
			rowset_get(rs, i, 0, &v);
			v.type = rs->types[0];
			items[i] = bexpr_const(b->arena, &v, e->pos);
		}
		rowset_free(rs);
		if (n == 0) {
			/* x IN (empty) is false, NOT IN (empty) true, even for NULL x */
			struct wb_value v = {.type = WB_TYPE_BOOL, .u.b = e->u.in.not};
			return bexpr_const(b->arena, &v, e->pos);
		}
	} else {
		items = arena_zalloc(b->arena, sizeof *items * (size_t)(n ? n : 1));
		for (int i = 0; i < n; i++) {
			items[i] = bind_expr(b, e->u.in.list.v[i], env);
			if (items[i] == NULL)
				return NULL;
		}
	}
	wb_type t = x->type;
	for (int i = 0; i < n; i++) {
		wb_type u;
		if (!fn_common_type(t, items[i]->type, &u)) {
			/* a string literal compared with a date etc. converts to the column type */
			if (items[i]->kind == BX_CONST && items[i]->type == WB_TYPE_VARCHAR) {
				continue;
			}
			err_set(b->err, items[i]->pos, "cannot compare %s with %s in IN list", type_name(x->type), type_name(items[i]->type));
			return NULL;
		}
		t = u;
	}
	bool all_const = true;
	for (int i = 0; i < n; i++)
		all_const &= items[i]->kind == BX_CONST;
	if (t == WB_TYPE_NULL)
		t = WB_TYPE_BIGINT;
	/* the constant set (BX_IN) holds scalars; lists compare one by one */
	if (all_const && !type_is_list(t)) {
		struct bexpr *r = bexpr_new(b->arena, BX_IN, WB_TYPE_BOOL, e->pos, n + 1);
		r->args[0] = bind_coerce(b, x, t, e->pos);
		if (r->args[0] == NULL)
			return NULL;
		for (int i = 0; i < n; i++) {
			r->args[i + 1] = bind_coerce(b, items[i], t, items[i]->pos);
			if (r->args[i + 1] == NULL)
				return NULL;
		}
		r->negate = e->u.in.not;
		return bind_fold(b, r);
	}
	/* x = a OR x = b ... */
	struct bexpr *ors = bexpr_new(b->arena, BX_OR, WB_TYPE_BOOL, e->pos, n);
	for (int i = 0; i < n; i++) {
		ors->args[i] = call2(b, "=", x, items[i], e->pos);
		if (ors->args[i] == NULL)
			return NULL;
	}
	struct bexpr *r = ors;
	if (e->u.in.not) {
		r = bexpr_new(b->arena, BX_NOT, WB_TYPE_BOOL, e->pos, 1);
		r->args[0] = ors;
	}
	return bind_fold(b, r);
}

static struct bexpr *
bool_arg(struct binder *b, struct ast *a, struct bind_env *env, const char *what)
{
	struct bexpr *x = bind_expr(b, a, env);
	if (x == NULL)
		return NULL;
	if (x->type != WB_TYPE_BOOL && x->type != WB_TYPE_NULL) {
		err_set(b->err, a->pos, "%s expects a BOOLEAN, got %s", what, type_name(x->type));
		return NULL;
	}
	return bind_coerce(b, x, WB_TYPE_BOOL, a->pos);
}

static struct bexpr *
bind_case(struct binder *b, struct ast *e, struct bind_env *env)
{
	int nw = e->u.kase.whens.n;
	bool has_else = e->u.kase.els != NULL;
	struct bexpr *r = bexpr_new(b->arena, BX_CASE, WB_TYPE_NULL, e->pos, nw * 2 + (has_else ? 1 : 0));
	struct bexpr *operand = NULL;
	if (e->u.kase.operand) {
		operand = bind_expr(b, e->u.kase.operand, env);
		if (operand == NULL)
			return NULL;
	}
	wb_type t = WB_TYPE_NULL;
	for (int i = 0; i < nw; i++) {
		struct ast *w = e->u.kase.whens.v[i];
		struct bexpr *c;
		if (operand) {
			struct bexpr *v = bind_expr(b, w->u.when.cond, env);
			if (v == NULL)
				return NULL;
			bool lits[2] = {false, is_literal_ast(w->u.when.cond)};
			struct bexpr *args[2] = {operand, v};
			c = make_call(b, "=", args, lits, 2, w->pos);
		} else {
			c = bool_arg(b, w->u.when.cond, env, "WHEN");
		}
		if (c == NULL)
			return NULL;
		r->args[2 * i] = c;
		r->args[2 * i + 1] = bind_expr(b, w->u.when.then, env);
		if (r->args[2 * i + 1] == NULL)
			return NULL;
	}
	if (has_else) {
		r->args[2 * nw] = bind_expr(b, e->u.kase.els, env);
		if (r->args[2 * nw] == NULL)
			return NULL;
	}
	for (int i = 0; i < r->nargs; i++) {
		if (i < 2 * nw && i % 2 == 0)
			continue;
		wb_type u;
		if (!fn_common_type(t, r->args[i]->type, &u)) {
			err_set(b->err, r->args[i]->pos, "CASE branches have incompatible types %s and %s", type_name(t),
			    type_name(r->args[i]->type));
			err_hint(b->err, "CAST the branches to a common type");
			return NULL;
		}
		t = u;
	}
	if (t == WB_TYPE_NULL)
		t = WB_TYPE_BIGINT;
	for (int i = 0; i < r->nargs; i++) {
		if (i < 2 * nw && i % 2 == 0)
			continue;
		r->args[i] = bind_coerce(b, r->args[i], t, r->args[i]->pos);
		if (r->args[i] == NULL)
			return NULL;
	}
	r->type = t;
	return bind_fold(b, r);
}

static struct bexpr *
bind_param(struct binder *b, struct ast *e)
{
	const struct wb_value *v = b->param ? b->param(b->param_arg, e->u.param.name) : NULL;
	if (v == NULL) {
		if (e->u.param.name[0] == '\0')
			err_set(b->err, e->pos, "positional parameters (?) are not supported; use :name");
		else
			err_set(b->err, e->pos, "parameter :%s is not set", e->u.param.name);
		err_hint(b->err, "set it with .param set %s VALUE, or wb -p %s=VALUE", e->u.param.name, e->u.param.name);
		return NULL;
	}
	return bexpr_const(b->arena, v, e->pos);
}

struct bexpr *
bind_expr(struct binder *b, struct ast *e, struct bind_env *env)
{
	if (++b->depth > 1000) {
		err_set(b->err, e->pos, "expression is nested too deeply");
		b->depth--;
		return NULL;
	}
	struct bexpr *r = NULL;
	switch (e->kind) {
	case AST_LITERAL:
		r = bexpr_const(b->arena, &e->u.lit, e->pos);
		break;
	case AST_PARAM:
		r = bind_param(b, e);
		break;
	case AST_COLREF:
		r = bind_colref(b, e, env);
		break;
	case AST_STAR:
		err_set(b->err, e->pos, "* is only allowed in the select list and in count(*)");
		break;
	case AST_UNARY:
		if (strcmp(e->u.unary.op, "NOT") == 0) {
			struct bexpr *a = bool_arg(b, e->u.unary.arg, env, "NOT");
			if (a) {
				r = bexpr_new(b->arena, BX_NOT, WB_TYPE_BOOL, e->pos, 1);
				r->args[0] = a;
				r = bind_fold(b, r);
			}
		} else {
			struct bexpr *a = bind_expr(b, e->u.unary.arg, env);
			if (a) {
				struct bexpr *args[1] = {a};
				r = make_call(b, "neg", args, NULL, 1, e->pos);
			}
		}
		break;
	case AST_BINARY: {
		const char *op = e->u.binary.op;
		if (strcmp(op, "AND") == 0 || strcmp(op, "OR") == 0) {
			struct bexpr *x = bool_arg(b, e->u.binary.left, env, op);
			struct bexpr *y = x ? bool_arg(b, e->u.binary.right, env, op) : NULL;
			if (y) {
				r = bexpr_new(b->arena, op[0] == 'A' ? BX_AND : BX_OR, WB_TYPE_BOOL, e->pos, 2);
				r->args[0] = x;
				r->args[1] = y;
				r = bind_fold(b, r);
			}
			break;
		}
		struct bexpr *x = bind_expr(b, e->u.binary.left, env);
		struct bexpr *y = x ? bind_expr(b, e->u.binary.right, env) : NULL;
		if (y) {
			struct bexpr *args[2] = {x, y};
			bool lits[2] = {is_literal_ast(e->u.binary.left), is_literal_ast(e->u.binary.right)};
			r = make_call(b, op, args, lits, 2, e->pos);
		}
		break;
	}
	case AST_FUNC:
		r = bind_func(b, e, env);
		break;
	case AST_CASE:
		r = bind_case(b, e, env);
		break;
	case AST_CAST: {
		struct bexpr *a = bind_expr(b, e->u.cast.arg, env);
		if (a == NULL)
			break;
		wb_type to = e->u.cast.type;
		if (a->type == to) {
			r = a;
			break;
		}
		if (a->kind == BX_CONST && (a->u.value.is_null || a->type == WB_TYPE_NULL)) {
			r = bind_coerce(b, a, to, e->pos);
			break;
		}
		fn_kernel k = cast_kernel(a->type, to, e->u.cast.try_cast);
		if (k == NULL) {
			err_set(b->err, e->pos, "cannot cast %s to %s", type_name(a->type), type_name(to));
			break;
		}
		r = bexpr_new(b->arena, BX_CAST, to, e->pos, 1);
		r->args[0] = a;
		r->u.cast.kernel = k;
		r->u.cast.try_cast = e->u.cast.try_cast;
		r = bind_fold(b, r);
		break;
	}
	case AST_IN:
		r = bind_in(b, e, env);
		break;
	case AST_BETWEEN: {
		struct bexpr *x = bind_expr(b, e->u.between.arg, env);
		struct bexpr *lo = x ? bind_expr(b, e->u.between.lo, env) : NULL;
		struct bexpr *hi = lo ? bind_expr(b, e->u.between.hi, env) : NULL;
		if (hi == NULL)
			break;
		bool l1[2] = {false, is_literal_ast(e->u.between.lo)}, l2[2] = {false, is_literal_ast(e->u.between.hi)};
		struct bexpr *a1[2] = {x, lo}, *a2[2] = {x, hi};
		struct bexpr *ge = make_call(b, ">=", a1, l1, 2, e->pos);
		struct bexpr *le = ge ? make_call(b, "<=", a2, l2, 2, e->pos) : NULL;
		if (le == NULL)
			break;
		r = bexpr_new(b->arena, BX_AND, WB_TYPE_BOOL, e->pos, 2);
		r->args[0] = ge;
		r->args[1] = le;
		if (e->u.between.not) {
			struct bexpr *n = bexpr_new(b->arena, BX_NOT, WB_TYPE_BOOL, e->pos, 1);
			n->args[0] = r;
			r = n;
		}
		r = bind_fold(b, r);
		break;
	}
	case AST_LIKE: {
		const char *fname = strcmp(e->u.like.op, "glob") == 0 ? "glob" : e->u.like.op;
		struct bexpr *args[3];
		bool lits[3] = {false, is_literal_ast(e->u.like.pattern), true};
		int na = 2;
		args[0] = bind_expr(b, e->u.like.arg, env);
		args[1] = args[0] ? bind_expr(b, e->u.like.pattern, env) : NULL;
		if (args[1] == NULL)
			break;
		if (e->u.like.escape) {
			args[2] = bind_expr(b, e->u.like.escape, env);
			if (args[2] == NULL)
				break;
			na = 3;
		}
		if (fn_lookup(fname) == NULL) {
			err_set(b->err, e->pos, "%s is not supported", e->u.like.op);
			break;
		}
		r = make_call(b, fname, args, lits, na, e->pos);
		if (r && e->u.like.not) {
			struct bexpr *n = bexpr_new(b->arena, BX_NOT, WB_TYPE_BOOL, e->pos, 1);
			n->args[0] = r;
			r = bind_fold(b, n);
		}
		break;
	}
	case AST_IS: {
		struct bexpr *x = bind_expr(b, e->u.is.arg, env);
		if (x == NULL)
			break;
		switch (e->u.is.what) {
		case IS_NULL:
			r = bexpr_new(b->arena, BX_IS_NULL, WB_TYPE_BOOL, e->pos, 1);
			r->args[0] = x;
			r->negate = e->u.is.not;
			r = bind_fold(b, r);
			break;
		case IS_TRUE:
		case IS_FALSE: {
			struct bexpr *bx = bind_coerce(b, x, WB_TYPE_BOOL, e->pos);
			if (bx == NULL)
				break;
			/* x IS TRUE == x IS NOT NULL AND x (never NULL) */
			struct bexpr *nn = bexpr_new(b->arena, BX_IS_NULL, WB_TYPE_BOOL, e->pos, 1);
			nn->args[0] = bx;
			nn->negate = true;
			struct bexpr *v = bx;
			if (e->u.is.what == IS_FALSE) {
				v = bexpr_new(b->arena, BX_NOT, WB_TYPE_BOOL, e->pos, 1);
				v->args[0] = bx;
			}
			r = bexpr_new(b->arena, BX_AND, WB_TYPE_BOOL, e->pos, 2);
			r->args[0] = nn;
			r->args[1] = v;
			if (e->u.is.not) {
				struct bexpr *n = bexpr_new(b->arena, BX_NOT, WB_TYPE_BOOL, e->pos, 1);
				n->args[0] = r;
				r = n;
			}
			r = bind_fold(b, r);
			break;
		}
		case IS_DISTINCT_FROM: {
			struct bexpr *y = bind_expr(b, e->u.is.other, env);
			if (y == NULL)
				break;
			wb_type t;
			if (!fn_common_type(x->type, y->type, &t)) {
				err_set(b->err, e->pos, "cannot compare %s with %s", type_name(x->type), type_name(y->type));
				break;
			}
			if (t == WB_TYPE_NULL)
				t = WB_TYPE_BIGINT;
			r = bexpr_new(b->arena, BX_IS_DISTINCT, WB_TYPE_BOOL, e->pos, 2);
			r->args[0] = bind_coerce(b, x, t, e->pos);
			r->args[1] = r->args[0] ? bind_coerce(b, y, t, e->pos) : NULL;
			if (r->args[1] == NULL) {
				r = NULL;
				break;
			}
			r->negate = e->u.is.not;
			r = bind_fold(b, r);
			break;
		}
		}
		break;
	}
	case AST_SUBQUERY:
	case AST_EXISTS:
		r = bind_subquery_expr(b, e, env);
		break;
	case AST_LIST:
		if (e->u.list.bracket) {
			/* [a, b, ...]: DuckDB's list literal, Spark's array(a, b, ...) */
			struct ast call = *e;
			call.kind = AST_FUNC;
			memset(&call.u, 0, sizeof call.u);
			call.u.func.name = "array";
			call.u.func.args = e->u.list.items;
			call.u.func.ignore_nulls = -1;
			r = bind_func(b, &call, env);
			break;
		}
		err_set(b->err, e->pos, "row values are not supported in expressions");
		err_hint(b->err, "for a list write [a, b] or array(a, b)");
		break;
	case AST_STRUCT:
		err_set(b->err, e->pos, "{...} maps are only allowed as table function options");
		break;
	default:
		err_set(b->err, e->pos, "unexpected %s in an expression", ast_kind_name(e->kind));
	}
	b->depth--;
	if (r == NULL && !err_isset(b->err))
		err_set(b->err, e->pos, "could not bind expression");
	return r;
}

bool
ast_has_aggregate(const struct ast *e)
{
	if (e == NULL)
		return false;
	switch (e->kind) {
	case AST_FUNC:
		if (e->u.func.over == NULL && (agg_lookup(e->u.func.name) != NULL ||
		    strcasecmp(e->u.func.name, "grouping") == 0 || strcasecmp(e->u.func.name, "grouping_id") == 0))
			return true;
		for (int i = 0; i < e->u.func.args.n; i++)
			if (ast_has_aggregate(e->u.func.args.v[i]))
				return true;
		if (e->u.func.over) {
			struct ast *w = e->u.func.over;
			for (int i = 0; i < w->u.win.partition.n; i++)
				if (ast_has_aggregate(w->u.win.partition.v[i]))
					return true;
			for (int i = 0; i < w->u.win.order.n; i++)
				if (ast_has_aggregate(w->u.win.order.v[i]->u.order.expr))
					return true;
		}
		return false;
	case AST_UNARY:
		return ast_has_aggregate(e->u.unary.arg);
	case AST_BINARY:
		return ast_has_aggregate(e->u.binary.left) || ast_has_aggregate(e->u.binary.right);
	case AST_CASE:
		if (ast_has_aggregate(e->u.kase.operand) || ast_has_aggregate(e->u.kase.els))
			return true;
		for (int i = 0; i < e->u.kase.whens.n; i++)
			if (ast_has_aggregate(e->u.kase.whens.v[i]->u.when.cond) ||
			    ast_has_aggregate(e->u.kase.whens.v[i]->u.when.then))
				return true;
		return false;
	case AST_CAST:
		return ast_has_aggregate(e->u.cast.arg);
	case AST_IN:
		if (ast_has_aggregate(e->u.in.arg))
			return true;
		for (int i = 0; i < e->u.in.list.n; i++)
			if (ast_has_aggregate(e->u.in.list.v[i]))
				return true;
		return false;
	case AST_BETWEEN:
		return ast_has_aggregate(e->u.between.arg) || ast_has_aggregate(e->u.between.lo) ||
		    ast_has_aggregate(e->u.between.hi);
	case AST_LIKE:
		return ast_has_aggregate(e->u.like.arg) || ast_has_aggregate(e->u.like.pattern);
	case AST_IS:
		return ast_has_aggregate(e->u.is.arg) || ast_has_aggregate(e->u.is.other);
	default:
		return false;
	}
}

struct bexpr *
bind_post_agg(struct binder *b, struct bexpr *e, struct bexpr **groups, int ngroups, struct scope *from, int pos)
{
	for (int g = 0; g < ngroups; g++) {
		if (bexpr_equal(e, groups[g])) {
			struct bexpr *c = bexpr_column(b->arena, g, e->type);
			c->pos = e->pos;
			return c;
		}
	}
	if (e->kind == BX_AGGREF) {
		struct bexpr *c = bexpr_column(b->arena, ngroups + e->u.column, e->type);
		c->pos = e->pos;
		return c;
	}
	if (e->kind == BX_COLUMN) {
		const char *name = from && e->u.column < from->ncol ? from->cols[e->u.column].name : "?";
		err_set(b->err, e->pos >= 0 ? e->pos : pos,
		    "column \"%s\" must appear in the GROUP BY clause or be used in an aggregate function", name);
		err_hint(b->err, "add it to GROUP BY, wrap it in an aggregate such as max(), or use GROUP BY ALL");
		return NULL;
	}
	if (e->nargs == 0)
		return e;
	struct bexpr *c = arena_alloc(b->arena, sizeof *c);
	*c = *e;
	c->args = arena_alloc(b->arena, sizeof(struct bexpr *) * (size_t)e->nargs);
	for (int i = 0; i < e->nargs; i++) {
		c->args[i] = bind_post_agg(b, e->args[i], groups, ngroups, from, pos);
		if (c->args[i] == NULL)
			return NULL;
	}
	return c;
}
