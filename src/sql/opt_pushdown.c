/*
 * Predicate pushdown.
 *
 * Filters move down the plan until they reach the node that produces the
 * columns they read: through projections (column references replaced by
 * the projected expressions), through aggregations when they only read
 * group keys, into every input of a UNION ALL, and into the sides of joins
 * where the join type allows it (a condition on the preserved side of an
 * outer join may not move below it). A condition over both sides of an
 * inner or cross join joins them: equalities become hash-join keys, the
 * rest a residual, so `FROM a, b WHERE a.id = b.id` runs as a hash join.
 */
#include "sql/optimizer.h"
#include "sql/bind_int.h"

#include <stdlib.h>
#include <string.h>

static struct pnode *push(struct arena *a, struct pnode *n, struct bexpr **preds, int np);

static bool
deterministic(const struct bexpr *e)
{
	if (e->kind == BX_FUNC && (e->u.func.sig->flags & FN_VOLATILE))
		return false;
	for (int i = 0; i < e->nargs; i++)
		if (!deterministic(e->args[i]))
			return false;
	return true;
}

/* Copy of e with column i replaced by a copy of exprs[i]. */
static struct bexpr *
subst(struct arena *a, const struct bexpr *e, struct bexpr *const *exprs)
{
	if (e->kind == BX_COLUMN)
		return bexpr_remap(a, exprs[e->u.column], NULL) ;
	struct bexpr *c = arena_alloc(a, sizeof *c);
	*c = *e;
	if (e->nargs > 0) {
		c->args = arena_alloc(a, sizeof(struct bexpr *) * (size_t)e->nargs);
		for (int i = 0; i < e->nargs; i++)
			c->args[i] = subst(a, e->args[i], exprs);
	}
	return c;
}

static struct bexpr *
shift(struct arena *a, const struct bexpr *e, int delta)
{
	struct bexpr *c = arena_alloc(a, sizeof *c);
	*c = *e;
	if (e->kind == BX_COLUMN)
		c->u.column += delta;
	if (e->nargs > 0) {
		c->args = arena_alloc(a, sizeof(struct bexpr *) * (size_t)e->nargs);
		for (int i = 0; i < e->nargs; i++)
			c->args[i] = shift(a, e->args[i], delta);
	}
	return c;
}

/* 1: only columns < nl; 2: only columns >= nl; 3: both; 0: none */
static int
sides(const struct bexpr *e, int nl)
{
	if (e->kind == BX_COLUMN)
		return e->u.column < nl ? 1 : 2;
	int s = 0;
	for (int i = 0; i < e->nargs; i++)
		s |= sides(e->args[i], nl);
	return s;
}

static bool
max_column_below(const struct bexpr *e, int limit)
{
	if (e->kind == BX_COLUMN)
		return e->u.column < limit;
	for (int i = 0; i < e->nargs; i++)
		if (!max_column_below(e->args[i], limit))
			return false;
	return true;
}

static struct pnode *
filter_on(struct arena *a, struct pnode *n, struct bexpr **preds, int np)
{
	/* constant conditions (e.g. NULL = 1 once a grouping set's missing
	 * key is substituted): TRUE disappears, FALSE / NULL stays as the
	 * constant FALSE */
	int k = 0;
	for (int i = 0; i < np; i++) {
		struct bexpr *e = preds[i];
		if (e->kind != BX_CONST && bexpr_is_const(e)) {
			struct wb_value v;
			struct wb_error err = WB_ERROR_INIT;
			if (expr_eval_const(e, a, &v, &err) == 0) {
				struct wb_value b = {.type = WB_TYPE_BOOL, .u.b = !v.is_null && v.u.b};
				e = bexpr_const(a, &b, e->pos);
			}
			err_clear(&err);
		}
		if (e->kind == BX_CONST && !e->u.value.is_null && e->u.value.u.b)
			continue;
		preds[k++] = e;
	}
	np = k;
	if (np == 0)
		return n;
	struct pnode *f = pnode_new(a, PN_FILTER, n, n->ncol);
	memcpy(f->types, n->types, sizeof(wb_type) * (size_t)n->ncol);
	memcpy(f->names, n->names, sizeof(char *) * (size_t)n->ncol);
	f->u.filter.pred = bexpr_and(a, preds, np);
	f->est_rows = n->est_rows;
	for (int i = 0; i < np; i++)
		f->est_rows *= 0.3;
	if (f->est_rows < 1)
		f->est_rows = 1;
	return f;
}

struct plist {
	struct bexpr **v;
	int n, cap;
};

static void
padd(struct arena *a, struct plist *l, struct bexpr *e)
{
	if (l->n == l->cap) {
		int nc = l->cap ? l->cap * 2 : 8;
		struct bexpr **nv = arena_alloc(a, sizeof *nv * (size_t)nc);
		if (l->n)
			memcpy(nv, l->v, sizeof *nv * (size_t)l->n);
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n++] = e;
}

/* Recurse into every child with no predicates of its own. */
static void
push_children(struct arena *a, struct pnode *n)
{
	switch (n->kind) {
	case PN_UNION:
		for (int i = 0; i < n->u.set.ninputs; i++)
			n->u.set.inputs[i] = push(a, n->u.set.inputs[i], NULL, 0);
		n->child = n->u.set.inputs[0];
		return;
	case PN_CTE_SCAN:
		return;
	case PN_RECURSIVE:
		n->u.rec.base = push(a, n->u.rec.base, NULL, 0);
		n->u.rec.step = push(a, n->u.rec.step, NULL, 0);
		return;
	default:
		break;
	}
	if (n->child)
		n->child = push(a, n->child, NULL, 0);
	if ((n->kind == PN_HASH_JOIN || n->kind == PN_NL_JOIN) && n->u.join.right)
		n->u.join.right = push(a, n->u.join.right, NULL, 0);
}

static bool
is_equality(const struct bexpr *e, bool *null_eq)
{
	if (e->kind == BX_FUNC && e->nargs == 2 && strcmp(e->u.func.fn->name, "=") == 0) {
		*null_eq = false;
		return true;
	}
	if (e->kind == BX_IS_DISTINCT && e->negate) {
		*null_eq = true;
		return true;
	}
	return false;
}

static struct pnode *
push_join(struct arena *a, struct pnode *n, struct bexpr **preds, int np)
{
	enum pn_join_type t = n->u.join.type;
	int nl = n->child->ncol;
	bool right_out = t != PJ_SEMI && t != PJ_ANTI;
	struct plist lp = {0}, rp = {0}, above = {0}, keysl = {0}, keysr = {0}, resid = {0};
	bool *neq = NULL;
	int neqcap = 0, nneq = 0;
	/* the join's own residual: for inner/cross joins a filter like any
	 * other; for left joins, conditions on the build side alone restrict
	 * the build side */
	if (n->u.join.residual) {
		struct bexpr **conj = NULL;
		int nc = 0, cc = 0;
		bexpr_conjuncts(a, n->u.join.residual, &conj, &nc, &cc);
		n->u.join.residual = NULL;
		for (int i = 0; i < nc; i++) {
			int s = sides(conj[i], nl);
			if ((t == PJ_INNER || t == PJ_CROSS) || (s == 2 && t == PJ_LEFT) ||
			    (s == 1 && t == PJ_RIGHT) || (s == 2 && (t == PJ_SEMI || t == PJ_ANTI))) {
				if (t == PJ_INNER || t == PJ_CROSS) {
					padd(a, &above, conj[i]);   /* re-classified below */
				} else if (s == 2) {
					padd(a, &rp, shift(a, conj[i], -nl));
				} else {
					padd(a, &lp, conj[i]);
				}
			} else {
				padd(a, &resid, conj[i]);
			}
		}
	}
	struct plist incoming = {0};
	for (int i = 0; i < above.n; i++)
		padd(a, &incoming, above.v[i]);
	above.n = 0;
	for (int i = 0; i < np; i++)
		padd(a, &incoming, preds[i]);
	for (int i = 0; i < incoming.n; i++) {
		struct bexpr *e = incoming.v[i];
		if (!deterministic(e)) {
			padd(a, &above, e);
			continue;
		}
		int s = right_out ? sides(e, nl) : 1;
		if (s == 0 || s == 1) {
			if (t == PJ_INNER || t == PJ_LEFT || t == PJ_SEMI || t == PJ_ANTI || t == PJ_CROSS)
				padd(a, &lp, e);
			else
				padd(a, &above, e);
		} else if (s == 2) {
			if (t == PJ_INNER || t == PJ_RIGHT || t == PJ_CROSS)
				padd(a, &rp, shift(a, e, -nl));
			else
				padd(a, &above, e);
		} else if (t == PJ_INNER || t == PJ_CROSS) {
			bool null_eq;
			int s0, s1;
			if (is_equality(e, &null_eq) && (s0 = sides(e->args[0], nl)) != 3 && (s1 = sides(e->args[1], nl)) != 3 &&
			    s0 && s1 && s0 != s1) {
				struct bexpr *l = s0 == 1 ? e->args[0] : e->args[1];
				struct bexpr *r = s0 == 1 ? e->args[1] : e->args[0];
				padd(a, &keysl, l);
				padd(a, &keysr, shift(a, r, -nl));
				if (nneq == neqcap) {
					neqcap = neqcap ? neqcap * 2 : 8;
					bool *nv = arena_zalloc(a, sizeof *nv * (size_t)neqcap);
					if (nneq)
						memcpy(nv, neq, sizeof *nv * (size_t)nneq);
					neq = nv;
				}
				neq[nneq++] = null_eq;
			} else {
				padd(a, &resid, e);
			}
		} else {
			padd(a, &above, e);
		}
	}
	if (keysl.n > 0) {
		int total = n->u.join.nkeys + keysl.n;
		struct bexpr **lk = arena_alloc(a, sizeof *lk * (size_t)total);
		struct bexpr **rk = arena_alloc(a, sizeof *rk * (size_t)total);
		bool *nq = arena_zalloc(a, sizeof *nq * (size_t)total);
		for (int k = 0; k < n->u.join.nkeys; k++) {
			lk[k] = n->u.join.lkeys[k];
			rk[k] = n->u.join.rkeys[k];
			nq[k] = n->u.join.null_eq ? n->u.join.null_eq[k] : false;
		}
		for (int k = 0; k < keysl.n; k++) {
			lk[n->u.join.nkeys + k] = keysl.v[k];
			rk[n->u.join.nkeys + k] = keysr.v[k];
			nq[n->u.join.nkeys + k] = neq[k];
		}
		n->u.join.lkeys = lk;
		n->u.join.rkeys = rk;
		n->u.join.null_eq = nq;
		n->u.join.nkeys = total;
		n->kind = PN_HASH_JOIN;
		if (t == PJ_CROSS)
			n->u.join.type = t = PJ_INNER;
		double le = n->child->est_rows, re = n->u.join.right->est_rows;
		n->est_rows = le > re ? le : re;
	}
	if (resid.n > 0) {
		if (t == PJ_CROSS)
			n->u.join.type = t = PJ_INNER;
		n->u.join.residual = bexpr_and(a, resid.v, resid.n);
	}
	n->child = push(a, n->child, lp.v, lp.n);
	n->u.join.right = push(a, n->u.join.right, rp.v, rp.n);
	return filter_on(a, n, above.v, above.n);
}

static struct pnode *
push(struct arena *a, struct pnode *n, struct bexpr **preds, int np)
{
	struct plist keep = {0};
	switch (n->kind) {
	case PN_FILTER: {
		struct bexpr **conj = NULL;
		int nc = 0, cc = 0;
		bexpr_conjuncts(a, n->u.filter.pred, &conj, &nc, &cc);
		for (int i = 0; i < np; i++)
			bexpr_conjuncts(a, preds[i], &conj, &nc, &cc);
		return push(a, n->child, conj, nc);
	}
	case PN_PROJECT: {
		struct plist down = {0};
		for (int i = 0; i < np; i++) {
			if (!deterministic(preds[i])) {
				padd(a, &keep, preds[i]);
				continue;
			}
			struct bexpr *s = subst(a, preds[i], n->u.project.exprs);
			if (deterministic(s))
				padd(a, &down, s);
			else
				padd(a, &keep, preds[i]);
		}
		n->child = push(a, n->child, down.v, down.n);
		n->est_rows = n->child->est_rows;
		return filter_on(a, n, keep.v, keep.n);
	}
	case PN_AGG: {
		struct plist down = {0};
		int ng = n->u.agg.ngroups;
		for (int i = 0; i < np; i++) {
			if (ng > 0 && max_column_below(preds[i], ng) && deterministic(preds[i]))
				padd(a, &down, subst(a, preds[i], n->u.agg.groups));
			else
				padd(a, &keep, preds[i]);
		}
		n->child = push(a, n->child, down.v, down.n);
		return filter_on(a, n, keep.v, keep.n);
	}
	case PN_UNION:
		for (int i = 0; i < n->u.set.ninputs; i++) {
			struct bexpr **copy = arena_alloc(a, sizeof *copy * (size_t)(np ? np : 1));
			for (int k = 0; k < np; k++)
				copy[k] = bexpr_remap(a, preds[k], NULL);
			n->u.set.inputs[i] = push(a, n->u.set.inputs[i], copy, np);
		}
		n->child = n->u.set.inputs[0];
		return n;
	case PN_HASH_JOIN:
	case PN_NL_JOIN:
		return push_join(a, n, preds, np);
	default:
		push_children(a, n);
		return filter_on(a, n, preds, np);
	}
}

struct pnode *
opt_pushdown(struct arena *a, struct pnode *root)
{
	return push(a, root, NULL, 0);
}
