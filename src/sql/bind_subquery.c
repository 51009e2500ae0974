/*
 * bind_subquery: subqueries inside expressions.
 *
 * A subquery is bound with the enclosing query's scope visible (struct
 * outer_ref); a column found there is an outer reference (BX_OUTER) and
 * makes the subquery correlated. The subquery's top SELECT keeps its WHERE
 * conjuncts that use outer columns aside (struct corr_capture) and they
 * become join conditions:
 *
 *   uncorrelated scalar / EXISTS     run once while binding, a constant
 *   WHERE ... AND [NOT] EXISTS (q)   semi (anti) join of the outer plan
 *                                    with q's FROM + WHERE
 *   WHERE ... AND x [NOT] IN (q)     semi join on x = q's column; NOT IN is
 *                                    a null-aware anti join
 *   x IN (q) elsewhere               q runs once, a constant IN list
 *   correlated scalar aggregate      q grouped by its correlation keys,
 *                                    left-joined; no match = the aggregate
 *                                    over no rows (count 0)
 *   correlated scalar value          grouped the same way with a check that
 *                                    at most one row matches
 *   correlated EXISTS elsewhere      left join with the distinct keys
 *
 * Correlated scalar subqueries and nested EXISTS need equality conditions
 * (inner = outer); semi/anti joins take any condition.
 */
#include "sql/bind_int.h"
#include "core/xmalloc.h"
#include "func/agg.h"
#include "func/func.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct sub_plan {
	struct pnode *plan;
	struct scope scope;
	struct corr_capture cap;
	bool correlated;
};

/* 1: uses a column of its own input, 2: uses an outer column */
static int
refs_of(const struct bexpr *e)
{
	int r = e->kind == BX_COLUMN ? 1 : e->kind == BX_OUTER ? 2 : 0;
	for (int i = 0; i < e->nargs; i++)
		r |= refs_of(e->args[i]);
	return r;
}

bool
bexpr_has_outer(const struct bexpr *e)
{
	return (refs_of(e) & 2) != 0;
}

static bool
any_outer(struct bexpr *const *v, int n)
{
	for (int i = 0; i < n; i++)
		if (v[i] && (refs_of(v[i]) & 2))
			return true;
	return false;
}

/* Does any expression of the plan still reference an outer column? */
static bool
plan_has_outer(const struct pnode *n)
{
	switch (n->kind) {
	case PN_FILTER:
		if (any_outer(&n->u.filter.pred, 1))
			return true;
		break;
	case PN_PROJECT:
		if (any_outer(n->u.project.exprs, n->ncol))
			return true;
		break;
	case PN_AGG:
		if (any_outer(n->u.agg.groups, n->u.agg.ngroups))
			return true;
		for (int a = 0; a < n->u.agg.naggs; a++)
			if (any_outer(n->u.agg.aggs[a].args, n->u.agg.aggs[a].nargs) || any_outer(&n->u.agg.aggs[a].filter, 1))
				return true;
		break;
	case PN_SORT:
	case PN_TOPN:
		for (int k = 0; k < n->u.sort.nkeys; k++)
			if (any_outer(&n->u.sort.keys[k].expr, 1))
				return true;
		break;
	case PN_HASH_JOIN:
	case PN_NL_JOIN:
		if (any_outer(n->u.join.lkeys, n->u.join.nkeys) || any_outer(n->u.join.rkeys, n->u.join.nkeys) ||
		    any_outer(&n->u.join.residual, 1))
			return true;
		break;
	case PN_WINDOW:
		if (any_outer(n->u.window.partition, n->u.window.npartition))
			return true;
		for (int k = 0; k < n->u.window.norder; k++)
			if (any_outer(&n->u.window.order[k].expr, 1))
				return true;
		for (int f = 0; f < n->u.window.nfuncs; f++)
			if (any_outer(n->u.window.funcs[f].args, n->u.window.funcs[f].nargs))
				return true;
		break;
	default:
		break;
	}
	struct pnode *kids[64];
	int nk = pnode_children(n, kids, 64);
	for (int i = 0; i < nk; i++)
		if (plan_has_outer(kids[i]))
			return true;
	return false;
}

static int
plan_subquery(struct binder *b, struct ast *q, struct bind_env *env, struct sub_plan *sp, int pos)
{
	memset(sp, 0, sizeof *sp);
	/* the subquery gets its own materialisations of the enclosing
	 * query's CTEs: it is planned (and maybe run) on its own */
	int nctes = 0;
	for (struct bind_cte *c = b->ctes; c; c = c->next)
		nctes++;
	struct pnode **saved = xcalloc((size_t)nctes + 1, sizeof *saved);
	int k = 0;
	for (struct bind_cte *c = b->ctes; c; c = c->next, k++) {
		saved[k] = c->mat;
		c->mat = NULL;
	}
	struct outer_ref o = {.scope = env->scope, .up = b->outer};
	b->outer = &o;
	struct ast *body = q->kind == AST_QUERY ? q->u.query.body : q;
	struct corr_capture *saved_cap = b->capture;
	b->capture = body->kind == AST_SELECT ? &sp->cap : NULL;
	sp->plan = bind_query_scoped(b, q, &sp->scope);
	b->capture = saved_cap;
	b->outer = o.up;
	k = 0;
	for (struct bind_cte *c = b->ctes; c; c = c->next, k++)
		c->mat = saved[k];
	free(saved);
	if (sp->plan == NULL)
		return -1;
	sp->correlated = o.used;
	if (!o.used)
		return 0;
	if (body->kind != AST_SELECT) {
		err_set(b->err, pos, "a correlated subquery must be a single SELECT (not UNION, INTERSECT, EXCEPT or VALUES)");
		return -1;
	}
	if (plan_has_outer(sp->plan)) {
		err_set(b->err, pos, "a subquery can use the outer query's columns only in its WHERE clause");
		err_hint(b->err, "move the condition on outer columns into the subquery's WHERE");
		return -1;
	}
	return 0;
}

static struct rowset *
run_plan(struct binder *b, struct pnode *plan, int pos)
{
	if (b->run == NULL) {
		err_set(b->err, pos, "subqueries are not available here");
		return NULL;
	}
	struct rowset *rs = NULL;
	if (b->run(b->run_arg, plan, &rs, b->err) < 0) {
		err_at(b->err, pos);
		return NULL;
	}
	return rs;
}

/* ---------------------------------------------------------- decorrelation */

/* A correlated condition over (outer plan columns, then the subquery's
 * FROM columns): outer references become the outer plan's columns, the
 * subquery's columns move right by pncol. */
static struct bexpr *
to_join_cond(struct arena *a, const struct bexpr *e, int pncol)
{
	struct bexpr *c = arena_alloc(a, sizeof *c);
	*c = *e;
	if (e->kind == BX_OUTER) {
		c->kind = BX_COLUMN;
		c->u.column = e->u.outer.column;
	} else if (e->kind == BX_COLUMN) {
		c->u.column = e->u.column + pncol;
	}
	if (e->nargs > 0) {
		c->args = arena_alloc(a, sizeof(struct bexpr *) * (size_t)e->nargs);
		for (int i = 0; i < e->nargs; i++)
			c->args[i] = to_join_cond(a, e->args[i], pncol);
	}
	return c;
}

/* The correlation as equality keys: inner[i] (over the subquery's FROM)
 * = outer[i] (over the outer plan). False if some condition is not such
 * an equality. */
struct corr_keys {
	int n;
	struct bexpr **inner, **outer;
};

static bool
equality_keys(struct binder *b, const struct corr_capture *cap, struct corr_keys *k)
{
	k->n = 0;
	k->inner = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(cap->npreds ? cap->npreds : 1));
	k->outer = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(cap->npreds ? cap->npreds : 1));
	for (int i = 0; i < cap->npreds; i++) {
		const struct bexpr *e = cap->preds[i];
		if (!(e->kind == BX_FUNC && e->nargs == 2 && strcmp(e->u.func.fn->name, "=") == 0))
			return false;
		int r0 = refs_of(e->args[0]), r1 = refs_of(e->args[1]);
		struct bexpr *in, *out;
		if (r0 == 1 && r1 == 2) {
			in = e->args[0];
			out = e->args[1];
		} else if (r0 == 2 && r1 == 1) {
			in = e->args[1];
			out = e->args[0];
		} else {
			return false;
		}
		k->inner[k->n] = in;
		k->outer[k->n] = to_join_cond(b->arena, out, 0);
		k->n++;
	}
	return true;
}

static struct bexpr *
and_all(struct binder *b, struct bexpr **v, int n)
{
	return bexpr_and(b->arena, v, n);
}

/* outer[i] = column pncol + i, for every key */
static struct bexpr *
key_cond(struct binder *b, const struct corr_keys *k, int pncol, int pos)
{
	struct bexpr **eq = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(k->n ? k->n : 1));
	for (int i = 0; i < k->n; i++) {
		struct bexpr *args[2] = {k->outer[i], bexpr_column(b->arena, pncol + i, k->inner[i]->type)};
		eq[i] = bind_call(b, "=", args, 2, pos);
		if (eq[i] == NULL)
			return NULL;
	}
	return and_all(b, eq, k->n);
}

static struct bexpr *
shift_cols(struct arena *a, const struct bexpr *e, int from, int delta)
{
	struct bexpr *c = arena_alloc(a, sizeof *c);
	*c = *e;
	if (e->kind == BX_COLUMN && e->u.column >= from)
		c->u.column += delta;
	if (e->nargs > 0) {
		c->args = arena_alloc(a, sizeof(struct bexpr *) * (size_t)e->nargs);
		for (int i = 0; i < e->nargs; i++)
			c->args[i] = shift_cols(a, e->args[i], from, delta);
	}
	return c;
}

/* e over an aggregation's output with every aggregate column replaced by
 * the aggregate's value over no rows (count 0, the others NULL). */
static struct bexpr *
over_no_rows(struct binder *b, const struct bexpr *e, const struct pnode *agg)
{
	if (e->kind == BX_COLUMN) {
		const struct pn_agg *a = &agg->u.agg.aggs[e->u.column];
		const char *nm = a->fn->name;
		bool zero = strcmp(nm, "count") == 0 || strcmp(nm, "count_if") == 0 || strcmp(nm, "count_star") == 0 ||
		    strcmp(nm, "approx_count_distinct") == 0;
		struct wb_value v = {.type = e->type, .is_null = !zero};
		if (zero)
			v.u.i = 0;
		return bexpr_const(b->arena, &v, e->pos);
	}
	struct bexpr *c = arena_alloc(b->arena, sizeof *c);
	*c = *e;
	if (e->nargs > 0) {
		c->args = arena_alloc(b->arena, sizeof(struct bexpr *) * (size_t)e->nargs);
		for (int i = 0; i < e->nargs; i++)
			c->args[i] = over_no_rows(b, e->args[i], agg);
	}
	return bind_fold(b, c);
}

static struct pnode *
group_by_keys(struct binder *b, struct pnode *input, const struct corr_keys *k, struct pn_agg *aggs, int naggs)
{
	struct pnode *a = pnode_new(b->arena, PN_AGG, input, k->n + naggs);
	a->u.agg.ngroups = k->n;
	a->u.agg.groups = k->inner;
	a->u.agg.naggs = naggs;
	a->u.agg.aggs = aggs;
	for (int i = 0; i < k->n; i++)
		pnode_set_col(b->arena, a, i, arena_printf(b->arena, "#key%d", i), k->inner[i]->type);
	for (int i = 0; i < naggs; i++)
		pnode_set_col(b->arena, a, k->n + i, bind_agg_label(b, &aggs[i], input->names), aggs[i].ret);
	a->est_rows = input->est_rows > 100 ? input->est_rows / 10 : input->est_rows;
	return a;
}

static bool
make_agg(struct binder *b, struct pn_agg *out, const char *name, struct bexpr *arg, int pos)
{
	memset(out, 0, sizeof *out);
	out->fn = agg_lookup(name);
	wb_type t[1], cast_to[1];
	int nargs = arg ? 1 : 0;
	if (arg)
		t[0] = arg->type;
	out->sig = out->fn ? agg_resolve(out->fn, t, nargs, cast_to, &out->ret, b->err) : NULL;
	if (out->sig == NULL) {
		err_at(b->err, pos);
		return false;
	}
	out->nargs = nargs;
	out->args = arena_zalloc(b->arena, sizeof(struct bexpr *));
	if (arg && (out->args[0] = bind_coerce(b, arg, cast_to[0], pos)) == NULL)
		return false;
	out->pos = pos;
	return true;
}

/* A correlated scalar subquery: left-join its value per key onto *plan. */
static struct bexpr *
scalar_join(struct binder *b, struct sub_plan *sp, struct bind_env *env, int pos)
{
	struct corr_capture *cap = &sp->cap;
	if (env->plan == NULL) {
		err_set(b->err, pos, "a correlated subquery is not supported in %s", env->clause ? env->clause : "this clause");
		err_hint(b->err, "use it in WHERE, or in the select list of a query without GROUP BY; or join explicitly");
		return NULL;
	}
	struct corr_keys k;
	if (!equality_keys(b, cap, &k)) {
		err_set(b->err, pos, "a correlated scalar subquery can only use equality conditions (inner = outer) on outer columns");
		err_hint(b->err, "rewrite it as a join with the condition in ON, then aggregate");
		return NULL;
	}
	if (cap->nitems != 1) {
		err_set(b->err, pos, "a scalar subquery must return one column, this one returns %d", cap->nitems);
		return NULL;
	}
	if (cap->grouped || cap->windows || (cap->limited && cap->agg)) {
		err_set(b->err, pos, "a correlated scalar subquery with GROUP BY, window functions or LIMIT is not supported");
		err_hint(b->err, "compute it in a CTE grouped by the correlation columns and join it");
		return NULL;
	}
	if (cap->limited && cap->ordered) {
		err_set(b->err, pos, "a correlated scalar subquery with ORDER BY ... LIMIT is not supported");
		err_hint(b->err, "use max_by(value, key) / min_by(value, key) in the subquery instead");
		return NULL;
	}
	struct pnode *P = *env->plan;
	int pn = P->ncol, m = k.n;
	struct pnode *side;
	struct bexpr *empty = NULL;
	if (cap->agg) {
		/* the same aggregates, per correlation key */
		struct pnode *old = cap->agg;
		int na = old->u.agg.naggs;
		struct pn_agg *aggs = arena_zalloc(b->arena, sizeof *aggs * (size_t)(na ? na : 1));
		memcpy(aggs, old->u.agg.aggs, sizeof *aggs * (size_t)na);
		side = group_by_keys(b, cap->base, &k, aggs, na);
		if (cap->having) {
			side = bind_filter(b, side, shift_cols(b->arena, cap->having, 0, m));
			struct bexpr *h = over_no_rows(b, cap->having, old);
			bool passes = h->kind == BX_CONST && !h->u.value.is_null && h->u.value.u.b;
			if (!passes) {
				struct wb_value v = {.type = cap->item0_agg->type, .is_null = true};
				empty = bexpr_const(b->arena, &v, pos);
			}
		}
		if (empty == NULL)
			empty = over_no_rows(b, cap->item0_agg, old);
		struct bexpr **ex = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(m + 1));
		char **nm = arena_zalloc(b->arena, sizeof(char *) * (size_t)(m + 1));
		for (int i = 0; i < m; i++) {
			ex[i] = bexpr_column(b->arena, i, side->types[i]);
			nm[i] = side->names[i];
		}
		ex[m] = shift_cols(b->arena, cap->item0_agg, 0, m);
		nm[m] = "#value";
		side = bind_project(b, side, m + 1, ex, nm);
	} else {
		/* one value per key: min() of it, and a check there is one row */
		struct pn_agg *aggs = arena_zalloc(b->arena, sizeof *aggs * 2);
		if (!make_agg(b, &aggs[0], "min", cap->item0, pos) || !make_agg(b, &aggs[1], "count", NULL, pos))
			return NULL;
		if (cap->distinct) {
			if (!make_agg(b, &aggs[1], "count", cap->item0, pos))
				return NULL;
			aggs[1].distinct = true;
		}
		side = group_by_keys(b, cap->base, &k, aggs, 2);
		struct bexpr **ex = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(m + 1));
		char **nm = arena_zalloc(b->arena, sizeof(char *) * (size_t)(m + 1));
		for (int i = 0; i < m; i++) {
			ex[i] = bexpr_column(b->arena, i, side->types[i]);
			nm[i] = side->names[i];
		}
		struct bexpr *v = bexpr_column(b->arena, m, aggs[0].ret);
		if (cap->limited) {
			ex[m] = v;   /* LIMIT 1 without ORDER BY: any one row */
		} else {
			struct bexpr *args[2] = {bexpr_column(b->arena, m + 1, WB_TYPE_BIGINT), v};
			ex[m] = bind_call_fn(b, &fn_single_row_check, args, 2, pos);
			if (ex[m] == NULL)
				return NULL;
		}
		nm[m] = "#value";
		side = bind_project(b, side, m + 1, ex, nm);
	}
	struct bexpr *cond = key_cond(b, &k, pn, pos);
	if (cond == NULL)
		return NULL;
	*env->plan = bind_make_join(b, P, side, PJ_LEFT, cond, pos);
	struct bexpr *value = bexpr_column(b->arena, pn + m, side->types[m]);
	value->pos = pos;
	if (empty == NULL || (empty->kind == BX_CONST && empty->u.value.is_null))
		return value;
	/* no matching key: the aggregate over no rows */
	struct bexpr *isnull = bexpr_new(b->arena, BX_IS_NULL, WB_TYPE_BOOL, pos, 1);
	isnull->args[0] = bexpr_column(b->arena, pn, side->types[0]);
	struct bexpr *c = bexpr_new(b->arena, BX_CASE, value->type, pos, 3);
	c->args[0] = isnull;
	c->args[1] = bind_coerce(b, empty, value->type, pos);
	c->args[2] = value;
	return c->args[1] ? c : NULL;
}

/* A correlated EXISTS below the top of WHERE: a left join with the
 * subquery's distinct correlation keys, EXISTS = a match. */
static struct bexpr *
exists_mark(struct binder *b, struct sub_plan *sp, struct bind_env *env, bool not, int pos)
{
	struct corr_capture *cap = &sp->cap;
	if (env->plan == NULL) {
		err_set(b->err, pos, "a correlated EXISTS is not supported in %s", env->clause ? env->clause : "this clause");
		return NULL;
	}
	struct corr_keys k;
	if (!equality_keys(b, cap, &k)) {
		err_set(b->err, pos, "a correlated EXISTS inside OR / NOT / CASE can only use equality conditions on outer columns");
		err_hint(b->err, "at the top of WHERE (combined with AND) any condition works");
		return NULL;
	}
	struct pnode *P = *env->plan;
	int pn = P->ncol;
	struct pnode *d = group_by_keys(b, cap->base, &k, NULL, 0);
	*env->plan = bind_make_join(b, P, d, PJ_LEFT, key_cond(b, &k, pn, pos), pos);
	struct bexpr *r = bexpr_new(b->arena, BX_IS_NULL, WB_TYPE_BOOL, pos, 1);
	r->args[0] = bexpr_column(b->arena, pn, d->types[0]);
	r->negate = !not;
	return r;
}

static bool
always_one_row(const struct corr_capture *cap)
{
	return cap->agg != NULL && !cap->grouped && cap->having == NULL;
}

struct bexpr *
bind_subquery_expr(struct binder *b, struct ast *e, struct bind_env *env)
{
	struct sub_plan sp;
	if (plan_subquery(b, e->u.sub.query, env, &sp, e->pos) < 0)
		return NULL;
	if (sp.correlated) {
		if (e->kind == AST_EXISTS) {
			if (always_one_row(&sp.cap)) {
				struct wb_value v = {.type = WB_TYPE_BOOL, .u.b = !e->u.sub.not};
				return bexpr_const(b->arena, &v, e->pos);
			}
			if (sp.cap.grouped || sp.cap.having || sp.cap.limited) {
				err_set(b->err, e->pos, "a correlated EXISTS with GROUP BY, HAVING or LIMIT is not supported");
				return NULL;
			}
			return exists_mark(b, &sp, env, e->u.sub.not, e->pos);
		}
		return scalar_join(b, &sp, env, e->pos);
	}
	struct rowset *rs = run_plan(b, sp.plan, e->pos);
	if (rs == NULL)
		return NULL;
	struct bexpr *r = NULL;
	if (e->kind == AST_EXISTS) {
		struct wb_value v = {.type = WB_TYPE_BOOL, .u.b = (rs->nrows > 0) != e->u.sub.not};
		r = bexpr_const(b->arena, &v, e->pos);
	} else if (rs->ncol != 1) {
		err_set(b->err, e->pos, "a scalar subquery must return one column, this one returns %d", rs->ncol);
	} else if (rs->nrows > 1) {
		err_set(b->err, e->pos, "a scalar subquery returned more than one row (%lld rows)", (long long)rs->nrows);
		err_hint(b->err, "add LIMIT 1 or aggregate the rows");
	} else {
		struct wb_value v = {.type = rs->types[0], .is_null = true};
		if (rs->nrows == 1)
			rowset_get(rs, 0, 0, &v);
		v.type = rs->types[0];
		r = bexpr_const(b->arena, &v, e->pos);
	}
	rowset_free(rs);
	return r;
}

struct rowset *
bind_subquery_rows(struct binder *b, struct ast *q, struct bind_env *env, int pos)
{
	struct sub_plan sp;
	if (plan_subquery(b, q, env, &sp, pos) < 0)
		return NULL;
	if (sp.correlated) {
		err_set(b->err, pos, "a correlated IN subquery is supported only at the top of WHERE (combined with AND)");
		err_hint(b->err, "rewrite it as EXISTS (SELECT ... WHERE inner = outer AND inner_value = x)");
		return NULL;
	}
	return run_plan(b, sp.plan, pos);
}

int
bind_subquery_conjunct(struct binder *b, struct ast *e, struct bind_env *env, struct pnode **plan)
{
	bool is_exists = e->kind == AST_EXISTS;
	bool is_in = e->kind == AST_IN && e->u.in.subquery != NULL;
	if (!is_exists && !is_in)
		return 0;
	struct pnode *P = *plan;
	int pn = P->ncol;
	struct bexpr *x = NULL;
	if (is_in) {
		struct bind_env xenv = *env;
		xenv.plan = plan;
		x = bind_expr(b, e->u.in.arg, &xenv);
		if (x == NULL)
			return -1;
		P = *plan;   /* the operand may have added a join */
		pn = P->ncol;
	}
	struct sub_plan sp;
	struct bind_env senv = *env;
	if (plan_subquery(b, is_in ? e->u.in.subquery : e->u.sub.query, &senv, &sp, e->pos) < 0)
		return -1;
	bool not = is_in ? e->u.in.not : e->u.sub.not;
	struct corr_capture *cap = &sp.cap;
	struct pnode *build;
	struct bexpr **conds = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(cap->npreds + 2));
	int nc = 0;
	if (is_exists && !sp.correlated) {
		/* uncorrelated EXISTS: decided once */
		struct rowset *rs = run_plan(b, sp.plan, e->pos);
		if (rs == NULL)
			return -1;
		bool keep = (rs->nrows > 0) != not;
		rowset_free(rs);
		if (!keep) {
			struct wb_value v = {.type = WB_TYPE_BOOL, .u.b = false};
			*plan = bind_filter(b, P, bexpr_const(b->arena, &v, e->pos));
		}
		return 1;
	}
	if (sp.correlated) {
		if (is_exists && always_one_row(cap)) {
			if (not) {
				struct wb_value v = {.type = WB_TYPE_BOOL, .u.b = false};
				*plan = bind_filter(b, P, bexpr_const(b->arena, &v, e->pos));
			}
			return 1;
		}
		if (cap->agg || cap->grouped || cap->having || cap->limited || cap->windows) {
			err_set(b->err, e->pos, "a correlated %s subquery with aggregates, GROUP BY, LIMIT or window functions is not supported",
			    is_in ? "IN" : "EXISTS");
			err_hint(b->err, "compute it in a CTE and join on the correlation columns");
			return -1;
		}
		if (is_in && not) {
			err_set(b->err, e->pos, "a correlated NOT IN subquery is not supported");
			err_hint(b->err, "use NOT EXISTS (... WHERE inner = outer AND value = x); it differs only when values are NULL");
			return -1;
		}
		build = cap->base;
		for (int i = 0; i < cap->npreds; i++)
			conds[nc++] = to_join_cond(b->arena, cap->preds[i], pn);
		if (is_in) {
			if (cap->nitems != 1) {
				err_set(b->err, e->pos, "the IN subquery must return one column, this one returns %d", cap->nitems);
				return -1;
			}
			struct bexpr *args[2] = {x, to_join_cond(b->arena, cap->item0, pn)};
			if ((conds[nc++] = bind_call(b, "=", args, 2, e->pos)) == NULL)
				return -1;
		}
	} else {
		/* uncorrelated IN: a join with the subquery's result */
		build = sp.plan;
		if (build->ncol != 1) {
			err_set(b->err, e->pos, "the IN subquery must return one column, this one returns %d", build->ncol);
			return -1;
		}
		struct bexpr *args[2] = {x, bexpr_column(b->arena, pn, build->types[0])};
		if ((conds[nc++] = bind_call(b, "=", args, 2, e->pos)) == NULL)
			return -1;
	}
	struct pnode *j = bind_make_join(b, P, build, not ? PJ_ANTI : PJ_SEMI, and_all(b, conds, nc), e->pos);
	if (is_in && not)
		j->u.join.null_aware = true;   /* NOT IN: a NULL anywhere means unknown */
	*plan = j;
	return 1;
}
