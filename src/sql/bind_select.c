/*
 * bind_select: one SELECT core.
 *
 * Order of evaluation, as in SQL: FROM, WHERE, GROUP BY (with grouping
 * sets) and aggregates, HAVING, window functions, QUALIFY, the select
 * list, DISTINCT / DISTINCT ON, ORDER BY, LIMIT. Every expression is bound
 * once over the FROM scope with its aggregates and window calls collected;
 * the aggregation and window nodes are then built and the expressions
 * mapped onto their outputs (bind_post_agg, bind_resolve_winrefs).
 */
#include "sql/bind_int.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct sel_item {
	struct ast *ast;        /* NULL for star-expanded columns */
	struct bexpr *pre;      /* star-expanded column (over FROM scope) */
	char *name;
	struct bexpr *bound;    /* final, over the projection input */
};

static int
expand_star(struct binder *b, struct ast *star, struct scope *s, struct sel_item **items, int *n, int *cap,
    struct bind_env *env)
{
	const char *qual = star->u.star.qualifier;
	int added = 0;
	for (int i = 0; i < s->ncol; i++) {
		if (qual && (s->cols[i].qual == NULL || strcasecmp(s->cols[i].qual, qual) != 0))
			continue;
		if (s->cols[i].hidden && !qual)
			continue;
		bool excluded = false;
		for (int k = 0; k < star->u.star.exclude.n && !excluded; k++) {
			struct ast *ex = star->u.star.exclude.v[k];
			excluded = strcasecmp(ex->u.name.parts[ex->u.name.n - 1], s->cols[i].name) == 0;
		}
		if (excluded)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			struct sel_item *ni = arena_zalloc(b->arena, sizeof *ni * (size_t)*cap);
			if (*n)
				memcpy(ni, *items, sizeof *ni * (size_t)*n);
			*items = ni;
		}
		struct sel_item *it = &(*items)[(*n)++];
		memset(it, 0, sizeof *it);
		it->name = (char *)s->cols[i].name;
		for (int k = 0; k < star->u.star.replace.n; k++) {
			struct ast *rep = star->u.star.replace.v[k];
			if (strcasecmp(rep->u.item.alias, s->cols[i].name) == 0)
				it->ast = rep->u.item.expr;
		}
		if (it->ast == NULL) {
			it->pre = bexpr_column(b->arena, i, s->cols[i].type);
			it->pre->pos = star->pos;
		}
		added++;
	}
	for (int k = 0; k < star->u.star.exclude.n; k++) {
		struct ast *ex = star->u.star.exclude.v[k];
		bool known = false;
		for (int i = 0; i < s->ncol && !known; i++)
			known = strcasecmp(ex->u.name.parts[ex->u.name.n - 1], s->cols[i].name) == 0;
		if (!known) {
			err_set(b->err, ex->pos, "EXCLUDE names column \"%s\", which does not exist", ex->u.name.parts[ex->u.name.n - 1]);
			return -1;
		}
	}
	if (added == 0) {
		if (qual)
			err_set(b->err, star->pos, "%s.* matches no columns (unknown table or alias \"%s\")", qual, qual);
		else if (s->ncol == 0)
			err_set(b->err, star->pos, "SELECT * needs a FROM clause");
		else
			err_set(b->err, star->pos, "* matches no columns after EXCLUDE");
		return -1;
	}
	(void)env;
	return 0;
}





/* Order keys of a query over a projection: ordinal, output name, or an
 * expression equal to an output; else a hidden extra column. */
struct order_ctx {
	struct sel_item *items;
	int nitems;
	struct bexpr **extra;     /* hidden columns (bound like items) */
	int nextra;
	int cap;
};

static int
find_output(struct binder *b, struct ast *oe, struct order_ctx *oc, bool *is_ordinal)
{
	*is_ordinal = false;
	if (oe->kind == AST_LITERAL && !oe->u.lit.is_null && oe->u.lit.type == WB_TYPE_BIGINT) {
		*is_ordinal = true;
		int64_t k = oe->u.lit.u.i;
		if (k < 1 || k > oc->nitems) {
			err_set(b->err, oe->pos, "ORDER BY position %lld is not in the select list (1..%d)", (long long)k, oc->nitems);
			return -2;
		}
		return (int)k - 1;
	}
	if (oe->kind == AST_COLREF && oe->u.name.n == 1) {
		for (int i = 0; i < oc->nitems; i++)
			if (oc->items[i].name && strcasecmp(oc->items[i].name, oe->u.name.parts[0]) == 0)
				return i;
	}
	return -1;
}

/* The GROUP BY keys of a SELECT (distinct, over the FROM scope) and its
 * grouping sets as bit masks over them. */
struct sel_groups {
	struct bexpr **keys;
	int n;
	int cap;
	uint64_t *sets;
	int nsets;
};

static int
add_group_key(struct binder *b, struct sel_groups *g, struct bexpr *e)
{
	for (int k = 0; k < g->n; k++)
		if (bexpr_equal(g->keys[k], e))
			return k;
	if (g->n == 64) {
		err_set(b->err, e->pos, "too many GROUP BY expressions (at most 64)");
		return -1;
	}
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 8;
		struct bexpr **nk = arena_zalloc(b->arena, sizeof *nk * (size_t)g->cap);
		if (g->n)
			memcpy(nk, g->keys, sizeof *nk * (size_t)g->n);
		g->keys = nk;
	}
	g->keys[g->n] = e;
	return g->n++;
}

/* One GROUP BY item: a select-list ordinal, an alias, or an expression. */
static struct bexpr *
bind_group_item(struct binder *b, struct ast *ga, struct sel_item *items, int nitems, struct bind_env *genv)
{
	if (ga->kind == AST_LITERAL && !ga->u.lit.is_null && ga->u.lit.type == WB_TYPE_BIGINT) {
		int64_t k = ga->u.lit.u.i;
		if (k < 1 || k > nitems) {
			err_set(b->err, ga->pos, "GROUP BY position %lld is not in the select list (1..%d)", (long long)k, nitems);
			return NULL;
		}
		struct sel_item *si = &items[k - 1];
		if (si->ast && ast_has_aggregate(si->ast)) {
			err_set(b->err, ga->pos, "GROUP BY position %lld refers to an aggregate (%s)", (long long)k, si->name);
			return NULL;
		}
		return si->ast ? bind_expr(b, si->ast, genv) : si->pre;
	}
	if (ast_has_aggregate(ga)) {
		err_set(b->err, ga->pos, "aggregate functions are not allowed in GROUP BY");
		return NULL;
	}
	return bind_expr(b, ga, genv);
}

static int
bind_groups(struct binder *b, struct ast *sel, struct sel_item *items, int nitems, struct bind_env *genv,
    struct sel_groups *g)
{
	enum ast_group_kind kind = sel->u.select.group_kind;
	struct ast_list *gl = &sel->u.select.group;
	if (kind == GROUP_ALL) {
		/* every select item without an aggregate */
		for (int i = 0; i < nitems; i++) {
			if (items[i].ast && ast_has_aggregate(items[i].ast))
				continue;
			struct bexpr *e = items[i].ast ? bind_expr(b, items[i].ast, genv) : items[i].pre;
			if (e == NULL || add_group_key(b, g, e) < 0)
				return -1;
		}
	} else if (kind == GROUP_SETS) {
		g->sets = arena_zalloc(b->arena, sizeof(uint64_t) * (size_t)(gl->n ? gl->n : 1));
		for (int s = 0; s < gl->n; s++) {
			struct ast_list *set = &gl->v[s]->u.list.items;
			for (int i = 0; i < set->n; i++) {
				struct bexpr *e = bind_group_item(b, set->v[i], items, nitems, genv);
				int k = e ? add_group_key(b, g, e) : -1;
				if (k < 0)
					return -1;
				g->sets[s] |= 1ull << k;
			}
		}
		g->nsets = gl->n;
		return 0;
	} else {
		for (int i = 0; i < gl->n; i++) {
			struct bexpr *e = bind_group_item(b, gl->v[i], items, nitems, genv);
			if (e == NULL || add_group_key(b, g, e) < 0)
				return -1;
		}
	}
	uint64_t all = g->n == 64 ? ~0ull : (1ull << g->n) - 1;
	if (kind == GROUP_ROLLUP) {
		/* (a, b, c), (a, b), (a), () */
		g->nsets = g->n + 1;
		g->sets = arena_zalloc(b->arena, sizeof(uint64_t) * (size_t)g->nsets);
		for (int s = 0; s < g->nsets; s++)
			g->sets[s] = g->n - s == 64 ? ~0ull : (1ull << (g->n - s)) - 1;
	} else if (kind == GROUP_CUBE) {
		if (g->n > 12) {
			err_set(b->err, sel->pos, "CUBE over %d expressions would make %llu grouping sets (at most 12 expressions)",
			    g->n, 1ull << g->n);
			return -1;
		}
		g->nsets = 1 << g->n;
		g->sets = arena_zalloc(b->arena, sizeof(uint64_t) * (size_t)g->nsets);
		for (int s = 0; s < g->nsets; s++)
			g->sets[s] = all & ~(uint64_t)s;
	} else {
		g->nsets = 1;
		g->sets = arena_zalloc(b->arena, sizeof(uint64_t));
		g->sets[0] = all;
	}
	return 0;
}

/* Keys of ORDER BY and DISTINCT ON: output columns (ordinal, name, or an
 * expression equal to an item) or hidden extra projection columns. */
static int
resolve_keys(struct binder *b, struct ast_list *keys, bool is_order, struct bexpr **raw, struct order_ctx *oc,
    bool distinct, int *out)
{
	for (int k = 0; k < keys->n; k++) {
		struct ast *oe = is_order ? keys->v[k]->u.order.expr : keys->v[k];
		bool ordinal;
		int idx = raw[k] ? -1 : find_output(b, oe, oc, &ordinal);
		if (idx == -2)
			return -1;
		if (idx < 0) {
			struct bexpr *e = raw[k];
			for (int i = 0; i < oc->nitems && idx < 0; i++)
				if (bexpr_equal(oc->items[i].bound, e))
					idx = i;
			for (int i = 0; i < oc->nextra && idx < 0; i++)
				if (bexpr_equal(oc->extra[i], e))
					idx = oc->nitems + i;
			if (idx < 0) {
				if (distinct) {
					err_set(b->err, oe->pos, "for SELECT DISTINCT, ORDER BY expressions must appear in the select list");
					return -1;
				}
				if (oc->nextra == oc->cap) {
					oc->cap = oc->cap ? oc->cap * 2 : 4;
					struct bexpr **ne = arena_zalloc(b->arena, sizeof *ne * (size_t)oc->cap);
					if (oc->nextra)
						memcpy(ne, oc->extra, sizeof *ne * (size_t)oc->nextra);
					oc->extra = ne;
				}
				oc->extra[oc->nextra] = e;
				idx = oc->nitems + oc->nextra++;
			}
		}
		out[k] = idx;
	}
	return 0;
}

/* Bind the ORDER BY / DISTINCT ON expressions that are not output
 * references (raw[k] stays NULL for those). */
static int
bind_key_exprs(struct binder *b, struct ast_list *keys, bool is_order, struct order_ctx *probe, struct bind_env *env,
    struct bexpr **raw)
{
	for (int k = 0; k < keys->n; k++) {
		struct ast *oe = is_order ? keys->v[k]->u.order.expr : keys->v[k];
		bool ordinal;
		int idx = find_output(b, oe, probe, &ordinal);
		if (idx == -2)
			return -1;
		if (idx >= 0)
			continue;
		raw[k] = bind_expr(b, oe, env);
		if (raw[k] == NULL)
			return -1;
	}
	return 0;
}

static struct bexpr *
bind_condition(struct binder *b, struct ast *a, struct bind_env *env, const char *clause)
{
	struct bexpr *w = bind_expr(b, a, env);
	if (w == NULL)
		return NULL;
	if (w->type != WB_TYPE_BOOL && w->type != WB_TYPE_NULL) {
		err_set(b->err, a->pos, "%s must be a BOOLEAN condition, not %s", clause, type_name(w->type));
		return NULL;
	}
	return bind_coerce(b, w, WB_TYPE_BOOL, a->pos);
}

/* Apply f to every expression the SELECT bound before building its
 * aggregation / window nodes. */
struct sel_exprs {
	struct sel_item *items;
	int nitems;
	struct bexpr **having, **qualify;
	struct bexpr **order_raw;
	int norder;
	struct bexpr **don_raw;
	int ndon;
	struct win_collect *wc;
};

static int
map_exprs(struct binder *b, struct sel_exprs *x, struct bexpr *(*f)(struct binder *, struct bexpr *, void *), void *arg)
{
#define MAP(p)                                  \
	do {                                    \
		if ((p) != NULL) {              \
			(p) = f(b, (p), arg);   \
			if ((p) == NULL)        \
				return -1;      \
		}                               \
	} while (0)
	for (int i = 0; i < x->nitems; i++)
		MAP(x->items[i].bound);
	MAP(*x->having);
	MAP(*x->qualify);
	for (int k = 0; k < x->norder; k++)
		MAP(x->order_raw[k]);
	for (int k = 0; k < x->ndon; k++)
		MAP(x->don_raw[k]);
	for (int w = 0; w < x->wc->n; w++) {
		struct win_entry *we = &x->wc->v[w];
		for (int i = 0; i < we->fn.nargs; i++)
			MAP(we->fn.args[i]);
		for (int i = 0; i < we->npartition; i++)
			MAP(we->partition[i]);
		for (int i = 0; i < we->norder; i++)
			MAP(we->order[i].expr);
	}
#undef MAP
	return 0;
}

struct post_agg_arg {
	struct sel_groups *g;
	struct scope *from;
};

static struct bexpr *
post_agg_fn(struct binder *b, struct bexpr *e, void *arg)
{
	struct post_agg_arg *pa = arg;
	return bind_post_agg(b, e, pa->g->keys, pa->g->n, pa->from, e->pos);
}

static struct bexpr *
winref_fn(struct binder *b, struct bexpr *e, void *arg)
{
	return bind_resolve_winrefs(b, e, arg);
}

static void
ast_conjuncts(struct binder *b, struct ast *e, struct ast ***v, int *n, int *cap)
{
	if (e->kind == AST_BINARY && strcmp(e->u.binary.op, "AND") == 0) {
		ast_conjuncts(b, e->u.binary.left, v, n, cap);
		ast_conjuncts(b, e->u.binary.right, v, n, cap);
		return;
	}
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		struct ast **nv = arena_zalloc(b->arena, sizeof *nv * (size_t)*cap);
		if (*n)
			memcpy(nv, *v, sizeof *nv * (size_t)*n);
		*v = nv;
	}
	(*v)[(*n)++] = e;
}

/* WHERE, conjunct by conjunct: a correlated subquery's conditions on
 * outer columns go to its capture; [NOT] EXISTS / IN (subquery) become
 * semi / anti joins after the plain filter. */
static int
bind_where(struct binder *b, struct ast *where, struct scope *from, struct pnode **plan, struct corr_capture *cap)
{
	struct ast **conj = NULL;
	int nconj = 0, ccap = 0;
	ast_conjuncts(b, where, &conj, &nconj, &ccap);
	struct bind_env env = {.scope = from, .clause = "WHERE", .plan = plan};
	struct bexpr **local = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)nconj);
	int nlocal = 0;
	for (int i = 0; i < nconj; i++) {
		struct ast *c = conj[i];
		if (c->kind == AST_EXISTS || (c->kind == AST_IN && c->u.in.subquery))
			continue;
		struct bexpr *w = bind_condition(b, c, &env, "WHERE");
		if (w == NULL)
			return -1;
		if (w->kind == BX_CONST && !w->u.value.is_null && w->u.value.u.b)
			continue;
		if (cap && bexpr_has_outer(w)) {
			if (cap->npreds == cap->cap) {
				cap->cap = cap->cap ? cap->cap * 2 : 4;
				struct bexpr **np = arena_zalloc(b->arena, sizeof *np * (size_t)cap->cap);
				if (cap->npreds)
					memcpy(np, cap->preds, sizeof *np * (size_t)cap->npreds);
				cap->preds = np;
			}
			cap->preds[cap->npreds++] = w;
			continue;
		}
		local[nlocal++] = w;
	}
	if (nlocal > 0)
		*plan = bind_filter(b, *plan, bexpr_and(b->arena, local, nlocal));
	for (int i = 0; i < nconj; i++)
		if (bind_subquery_conjunct(b, conj[i], &env, plan) < 0)
			return -1;
	return 0;
}

struct pnode *
bind_select(struct binder *b, struct ast *sel, struct ast *q, struct scope *out)
{
	/* this SELECT is the top of a subquery being checked for correlation */
	struct corr_capture *cap = b->capture;
	b->capture = NULL;
	struct scope from = {0};
	struct pnode *plan;
	if (sel->u.select.from) {
		plan = bind_from(b, sel->u.select.from, &from);
		if (plan == NULL)
			return NULL;
	} else {
		/* one row, no columns */
		plan = pnode_new(b->arena, PN_VALUES, NULL, 0);
		plan->u.values.rows = rowset_new(0, NULL, NULL);
		binder_own(b, plan);
		plan->u.values.rows->nrows = 1;
		plan->est_rows = 1;
	}
	if (sel->u.select.where && bind_where(b, sel->u.select.where, &from, &plan, cap) < 0)
		return NULL;
	for (int i = 0; i < sel->u.select.windows.n; i++)
		for (int j = 0; j < i; j++)
			if (strcasecmp(sel->u.select.windows.v[i]->u.win.name, sel->u.select.windows.v[j]->u.win.name) == 0) {
				err_set(b->err, sel->u.select.windows.v[i]->pos, "window \"%s\" is defined twice",
				    sel->u.select.windows.v[i]->u.win.name);
				return NULL;
			}

	/* select list */
	struct sel_item *items = NULL;
	int nitems = 0, icap = 0;
	for (int i = 0; i < sel->u.select.items.n; i++) {
		struct ast *it = sel->u.select.items.v[i];
		struct ast *ex = it->u.item.expr;
		if (ex->kind == AST_STAR) {
			if (expand_star(b, ex, &from, &items, &nitems, &icap, NULL) < 0)
				return NULL;
			continue;
		}
		if (nitems == icap) {
			icap = icap ? icap * 2 : 16;
			struct sel_item *ni = arena_zalloc(b->arena, sizeof *ni * (size_t)icap);
			if (nitems)
				memcpy(ni, items, sizeof *ni * (size_t)nitems);
			items = ni;
		}
		struct sel_item *si = &items[nitems++];
		memset(si, 0, sizeof *si);
		si->ast = ex;
		si->name = it->u.item.alias ? it->u.item.alias : bind_expr_name(b, ex);
	}
	char **alias_names = arena_zalloc(b->arena, sizeof(char *) * (size_t)(nitems ? nitems : 1));
	struct ast **alias_exprs = arena_zalloc(b->arena, sizeof(struct ast *) * (size_t)(nitems ? nitems : 1));
	int nalias = 0;
	for (int i = 0; i < sel->u.select.items.n; i++) {
		struct ast *it = sel->u.select.items.v[i];
		if (it->u.item.alias && it->u.item.expr->kind != AST_STAR) {
			alias_names[nalias] = it->u.item.alias;
			alias_exprs[nalias] = it->u.item.expr;
			nalias++;
		}
	}

	struct ast_list none = {0};
	struct ast_list *order = q && !q->u.query.order_all ? &q->u.query.order : &none;
	struct ast_list *don = &sel->u.select.distinct_on;
	bool is_agg = sel->u.select.group.n > 0 || sel->u.select.group_kind == GROUP_ALL || sel->u.select.having != NULL;
	for (int i = 0; i < nitems && !is_agg; i++)
		is_agg = items[i].ast && ast_has_aggregate(items[i].ast);
	for (int i = 0; i < order->n && !is_agg; i++)
		is_agg = ast_has_aggregate(order->v[i]->u.order.expr);
	is_agg = is_agg || ast_has_aggregate(sel->u.select.qualify);

	/* GROUP BY keys, over the FROM scope */
	struct sel_groups g = {0};
	struct agg_collect ac = {0};
	struct win_collect wc = {.named = &sel->u.select.windows};
	if (is_agg) {
		struct bind_env genv = {.scope = &from, .clause = "GROUP BY", .nalias = nalias,
		    .alias_names = alias_names, .alias_exprs = alias_exprs};
		if (bind_groups(b, sel, items, nitems, &genv, &g) < 0)
			return NULL;
	}

	/* every expression, with aggregates and window calls collected */
	struct bind_env env = {.scope = &from, .agg = is_agg ? &ac : NULL, .win = &wc, .clause = "SELECT",
	    .nalias = nalias, .alias_names = alias_names, .alias_exprs = alias_exprs, .groups = g.keys, .ngroups = g.n,
	    .plan = is_agg ? NULL : &plan};
	for (int i = 0; i < nitems; i++) {
		if (items[i].ast == NULL) {
			items[i].bound = items[i].pre;
			continue;
		}
		items[i].bound = bind_expr(b, items[i].ast, &env);
		if (items[i].bound == NULL)
			return NULL;
	}
	struct bexpr *having = NULL, *qualify = NULL;
	if (sel->u.select.having) {
		struct bind_env henv = env;
		henv.clause = "HAVING";
		henv.win = NULL;
		henv.plan = NULL;
		if ((having = bind_condition(b, sel->u.select.having, &henv, "HAVING")) == NULL)
			return NULL;
	}
	if (sel->u.select.qualify) {
		struct bind_env qenv = env;
		qenv.clause = "QUALIFY";
		if ((qualify = bind_condition(b, sel->u.select.qualify, &qenv, "QUALIFY")) == NULL)
			return NULL;
	}
	struct order_ctx probe = {items, nitems, NULL, 0, 0};
	struct bexpr **order_raw = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(order->n ? order->n : 1));
	struct bexpr **don_raw = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(don->n ? don->n : 1));
	struct bind_env oenv = env;
	oenv.clause = "ORDER BY";
	if (bind_key_exprs(b, order, true, &probe, &oenv, order_raw) < 0)
		return NULL;
	oenv.clause = "DISTINCT ON";
	oenv.win = NULL;
	oenv.plan = NULL;
	if (bind_key_exprs(b, don, false, &probe, &oenv, don_raw) < 0)
		return NULL;
	struct sel_exprs x = {items, nitems, &having, &qualify, order_raw, order->n, don_raw, don->n, &wc};

	if (cap) {
		cap->base = plan;
		cap->nitems = nitems;
		cap->item0 = nitems > 0 ? items[0].bound : NULL;
		cap->grouped = is_agg && g.n > 0;
		cap->windows = wc.n > 0 || qualify != NULL;
		cap->distinct = sel->u.select.distinct;
		cap->limited = q && (q->u.query.limit || q->u.query.offset);
		cap->ordered = order->n > 0 || (q && q->u.query.order_all);
	}

	/* aggregation, HAVING */
	struct pnode *input = plan;
	if (is_agg) {
		input = bind_aggregation(b, plan, g.keys, g.n, g.sets, g.nsets, &ac);
		if (input == NULL)
			return NULL;
		struct post_agg_arg pa = {&g, &from};
		if (map_exprs(b, &x, post_agg_fn, &pa) < 0)
			return NULL;
		if (cap) {
			cap->agg = input->kind == PN_AGG ? input : NULL;
			cap->grouped = cap->grouped || cap->agg == NULL;
			cap->item0_agg = nitems > 0 ? items[0].bound : NULL;
			cap->having = having;
		}
		if (having) {
			input = bind_filter(b, input, having);
			input->est_rows = input->child->est_rows * 0.5;
		}
	}
	/* windows, QUALIFY */
	if (wc.n > 0) {
		input = bind_window_nodes(b, &wc, input);
		if (map_exprs(b, &x, winref_fn, &wc) < 0)
			return NULL;
	}
	if (qualify)
		input = bind_filter(b, input, qualify);

	/* ORDER BY and DISTINCT ON keys over the projection */
	bool distinct = sel->u.select.distinct && don->n == 0;
	struct order_ctx oc = {items, nitems, NULL, 0, 0};
	int norder = order->n;
	int *okey = arena_zalloc(b->arena, sizeof(int) * (size_t)(norder ? norder : 1));
	int *dkey = arena_zalloc(b->arena, sizeof(int) * (size_t)(don->n ? don->n : 1));
	if (resolve_keys(b, order, true, order_raw, &oc, distinct, okey) < 0 ||
	    resolve_keys(b, don, false, don_raw, &oc, false, dkey) < 0)
		return NULL;

	/* projection: items + hidden keys */
	int np = nitems + oc.nextra;
	struct bexpr **pex = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(np ? np : 1));
	char **pnames = arena_zalloc(b->arena, sizeof(char *) * (size_t)(np ? np : 1));
	for (int i = 0; i < nitems; i++) {
		pex[i] = items[i].bound;
		pnames[i] = items[i].name;
	}
	for (int i = 0; i < oc.nextra; i++) {
		pex[nitems + i] = oc.extra[i];
		pnames[nitems + i] = arena_printf(b->arena, "#key%d", i);
	}
	struct pnode *top = bind_project(b, input, np, pex, pnames);

	if (distinct) {
		struct pnode *d = pnode_new(b->arena, PN_AGG, top, top->ncol);
		d->u.agg.ngroups = top->ncol;
		d->u.agg.groups = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(top->ncol ? top->ncol : 1));
		for (int i = 0; i < top->ncol; i++) {
			d->u.agg.groups[i] = bexpr_column(b->arena, i, top->types[i]);
			pnode_set_col(b->arena, d, i, top->names[i], top->types[i]);
		}
		d->est_rows = top->est_rows / 2;
		top = d;
	}
	struct pn_sortkey *skeys = NULL;
	if (q && q->u.query.order_all) {
		norder = nitems;
		okey = arena_zalloc(b->arena, sizeof(int) * (size_t)(nitems ? nitems : 1));
		for (int i = 0; i < nitems; i++)
			okey[i] = i;
	}
	if (norder > 0) {
		skeys = arena_zalloc(b->arena, sizeof(struct pn_sortkey) * (size_t)norder);
		for (int k = 0; k < norder; k++) {
			struct ast *oi = q->u.query.order_all ? q->u.query.order.v[0] : order->v[k];
			skeys[k].expr = bexpr_column(b->arena, okey[k], top->types[okey[k]]);
			skeys[k].desc = oi->u.order.desc;
			skeys[k].nulls_first = oi->u.order.nulls_first >= 0 ? oi->u.order.nulls_first == 1 : !oi->u.order.desc;
		}
	}
	if (don->n > 0) {
		/* DISTINCT ON (keys): the first row of each key in ORDER BY order */
		struct pnode *w = bind_first_per_key(b, top, dkey, don->n, skeys, norder);
		if (w == NULL)
			return NULL;
		top = w;
	}
	if (norder > 0) {
		struct pnode *s = pnode_new(b->arena, PN_SORT, top, top->ncol);
		memcpy(s->types, top->types, sizeof(wb_type) * (size_t)top->ncol);
		memcpy(s->names, top->names, sizeof(char *) * (size_t)top->ncol);
		s->u.sort.nkeys = norder;
		s->u.sort.keys = skeys;
		top = s;
	}
	top = add_limit(b, top, q);
	if (top == NULL)
		return NULL;
	if (top->ncol > nitems) {
		struct bexpr **fin = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(nitems ? nitems : 1));
		for (int i = 0; i < nitems; i++)
			fin[i] = bexpr_column(b->arena, i, top->types[i]);
		top = bind_project(b, top, nitems, fin, pnames);
	}
	scope_from_plan(b, out, top, NULL);
	return top;
}
