/* Join binding: FROM a JOIN b ON/USING/NATURAL, semi/anti joins, and the
 * shared "make a join from two inputs and a condition" step that subquery
 * decorrelation and the optimizer also use. */
#include "sql/bind_int.h"
#include "core/xmalloc.h"
#include "func/func.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
bexpr_conjuncts(struct arena *a, struct bexpr *e, struct bexpr ***out, int *n, int *cap)
{
	if (e->kind == BX_AND) {
		for (int i = 0; i < e->nargs; i++)
			bexpr_conjuncts(a, e->args[i], out, n, cap);
		return;
	}
	if (e->kind == BX_CONST && !e->u.value.is_null && e->type == WB_TYPE_BOOL && e->u.value.u.b)
		return;   /* TRUE adds nothing */
	if (*n == *cap) {
		int nc = *cap ? *cap * 2 : 8;
		struct bexpr **nv = arena_alloc(a, sizeof *nv * (size_t)nc);
		if (*n)
			memcpy(nv, *out, sizeof *nv * (size_t)*n);
		*out = nv;
		*cap = nc;
	}
	(*out)[(*n)++] = e;
}

struct bexpr *
bexpr_and(struct arena *a, struct bexpr **conj, int n)
{
	if (n == 0)
		return NULL;
	if (n == 1)
		return conj[0];
	struct bexpr *e = bexpr_new(a, BX_AND, WB_TYPE_BOOL, conj[0]->pos, n);
	memcpy(e->args, conj, sizeof *conj * (size_t)n);
	return e;
}

/* Columns e uses, as a side: 1 = only [0, nl), 2 = only [nl, ...), 3 = both,
 * 0 = none. */
static int
side_of(const struct bexpr *e, int nl)
{
	if (e->kind == BX_COLUMN)
		return e->u.column < nl ? 1 : 2;
	int s = 0;
	for (int i = 0; i < e->nargs; i++)
		s |= side_of(e->args[i], nl);
	return s;
}

static struct bexpr *
shift_columns(struct arena *a, const struct bexpr *e, int delta)
{
	struct bexpr *c = arena_alloc(a, sizeof *c);
	*c = *e;
	if (e->kind == BX_COLUMN)
		c->u.column += delta;
	if (e->nargs > 0) {
		c->args = arena_alloc(a, sizeof(struct bexpr *) * (size_t)e->nargs);
		for (int i = 0; i < e->nargs; i++)
			c->args[i] = shift_columns(a, e->args[i], delta);
	}
	return c;
}

static bool
is_equality(const struct bexpr *e, bool *null_eq)
{
	if (e->kind == BX_FUNC && e->nargs == 2 && strcmp(e->u.func.fn->name, "=") == 0) {
		*null_eq = false;
		return true;
	}
	if (e->kind == BX_IS_DISTINCT && e->negate) {   /* IS NOT DISTINCT FROM */
		*null_eq = true;
		return true;
	}
	return false;
}

struct pnode *
bind_make_join(struct binder *b, struct pnode *left, struct pnode *right, enum pn_join_type type, struct bexpr *cond,
    int pos)
{
	int nl = left->ncol, nr = right->ncol;
	struct bexpr **conj = NULL;
	int nc = 0, cc = 0;
	if (cond)
		bexpr_conjuncts(b->arena, cond, &conj, &nc, &cc);
	struct bexpr **lk = arena_zalloc(b->arena, sizeof *lk * (size_t)(nc ? nc : 1));
	struct bexpr **rk = arena_zalloc(b->arena, sizeof *rk * (size_t)(nc ? nc : 1));
	bool *neq = arena_zalloc(b->arena, sizeof *neq * (size_t)(nc ? nc : 1));
	struct bexpr **rest = arena_zalloc(b->arena, sizeof *rest * (size_t)(nc ? nc : 1));
	int nkeys = 0, nrest = 0;
	for (int i = 0; i < nc; i++) {
		struct bexpr *e = conj[i];
		bool null_eq;
		if (type != PJ_CROSS && is_equality(e, &null_eq)) {
			int s0 = side_of(e->args[0], nl), s1 = side_of(e->args[1], nl);
			struct bexpr *l = NULL, *r = NULL;
			if (s0 == 1 && s1 == 2) {
				l = e->args[0];
				r = e->args[1];
			} else if (s0 == 2 && s1 == 1) {
				l = e->args[1];
				r = e->args[0];
			}
			if (l != NULL) {
				lk[nkeys] = l;
				rk[nkeys] = shift_columns(b->arena, r, -nl);
				neq[nkeys] = null_eq;
				nkeys++;
				continue;
			}
		}
		rest[nrest++] = e;
	}
	bool outputs_right = type != PJ_SEMI && type != PJ_ANTI;
	int ncol = outputs_right ? nl + nr : nl;
	struct pnode *j = pnode_new(b->arena, nkeys > 0 ? PN_HASH_JOIN : PN_NL_JOIN, left, ncol);
	for (int i = 0; i < nl; i++)
		pnode_set_col(b->arena, j, i, left->names[i], left->types[i]);
	if (outputs_right)
		for (int i = 0; i < nr; i++)
			pnode_set_col(b->arena, j, nl + i, right->names[i], right->types[i]);
	j->u.join.type = nkeys == 0 && type == PJ_INNER && nrest == 0 ? PJ_CROSS : type;
	j->u.join.right = right;
	j->u.join.nkeys = nkeys;
	j->u.join.lkeys = lk;
	j->u.join.rkeys = rk;
	j->u.join.null_eq = neq;
	j->u.join.residual = bexpr_and(b->arena, rest, nrest);
	double le = left->est_rows, re = right->est_rows;
	switch (type) {
	case PJ_INNER: j->est_rows = nkeys ? (le > re ? le : re) : le * re * (nrest ? 0.1 : 1); break;
	case PJ_LEFT: j->est_rows = le > re ? le : re; break;
	case PJ_RIGHT: j->est_rows = re > le ? re : le; break;
	case PJ_FULL: j->est_rows = le + re; break;
	case PJ_SEMI:
	case PJ_ANTI: j->est_rows = le / 2; break;
	case PJ_CROSS: j->est_rows = le * re; break;
	}
	(void)pos;
	return j;
}

/* Key pair l.c = r.c for USING/NATURAL, with a common type. */
static struct bexpr *
using_eq(struct binder *b, int li, wb_type lt, int ri, wb_type rt, int pos)
{
	wb_type t;
	if (!fn_common_type(lt, rt, &t)) {
		err_set(b->err, pos, "the USING column types %s and %s cannot be compared", type_name(lt), type_name(rt));
		return NULL;
	}
	struct bexpr *l = bind_coerce(b, bexpr_column(b->arena, li, lt), t, pos);
	struct bexpr *r = bind_coerce(b, bexpr_column(b->arena, ri, rt), t, pos);
	if (l == NULL || r == NULL)
		return NULL;
	const struct scalar_fn *eq = fn_lookup("=");
	wb_type at[2] = {t, t}, cast[2], ret;
	const struct fn_sig *sig = fn_resolve(eq, at, NULL, 2, cast, &ret, b->err);
	if (sig == NULL)
		return NULL;
	struct bexpr *e = bexpr_new(b->arena, BX_FUNC, WB_TYPE_BOOL, pos, 2);
	e->u.func.fn = eq;
	e->u.func.sig = sig;
	e->args[0] = l;
	e->args[1] = r;
	return e;
}

static enum pn_join_type
join_type_of(enum ast_join_type t)
{
	switch (t) {
	case JOIN_LEFT: return PJ_LEFT;
	case JOIN_RIGHT: return PJ_RIGHT;
	case JOIN_FULL: return PJ_FULL;
	case JOIN_CROSS: return PJ_CROSS;
	case JOIN_SEMI: return PJ_SEMI;
	case JOIN_ANTI: return PJ_ANTI;
	default: return PJ_INNER;
	}
}

struct pnode *
bind_join(struct binder *b, struct ast *j, struct scope *s)
{
	struct scope ls = {0}, rs = {0};
	struct pnode *left = bind_from(b, j->u.join.left, &ls);
	if (left == NULL)
		return NULL;
	struct pnode *right = bind_from(b, j->u.join.right, &rs);
	if (right == NULL)
		return NULL;
	enum pn_join_type type = join_type_of(j->u.join.type);
	int nl = ls.ncol, nr = rs.ncol;
	/* the scope the ON condition sees: left then right */
	struct scope cs = {nl + nr, arena_zalloc(b->arena, sizeof(struct scope_col) * (size_t)(nl + nr + 1))};
	memcpy(cs.cols, ls.cols, sizeof(struct scope_col) * (size_t)nl);
	memcpy(cs.cols + nl, rs.cols, sizeof(struct scope_col) * (size_t)nr);

	/* USING / NATURAL: the shared column names */
	int nusing = 0;
	int *uleft = NULL, *uright = NULL;
	if (j->u.join.natural || j->u.join.using_cols.n > 0) {
		uleft = arena_zalloc(b->arena, sizeof(int) * (size_t)(nl + 1));
		uright = arena_zalloc(b->arena, sizeof(int) * (size_t)(nl + 1));
		if (j->u.join.natural) {
			for (int i = 0; i < nl; i++) {
				if (ls.cols[i].hidden)
					continue;
				for (int k = 0; k < nr; k++) {
					if (!rs.cols[k].hidden && strcasecmp(ls.cols[i].name, rs.cols[k].name) == 0) {
						uleft[nusing] = i;
						uright[nusing] = k;
						nusing++;
						break;
					}
				}
			}
		} else {
			for (int u = 0; u < j->u.join.using_cols.n; u++) {
				struct ast *c = j->u.join.using_cols.v[u];
				const char *nm = c->u.name.parts[0];
				int li = -1, ri = -1, lc = 0, rc = 0;
				for (int i = 0; i < nl; i++)
					if (!ls.cols[i].hidden && strcasecmp(ls.cols[i].name, nm) == 0) {
						li = i;
						lc++;
					}
				for (int k = 0; k < nr; k++)
					if (!rs.cols[k].hidden && strcasecmp(rs.cols[k].name, nm) == 0) {
						ri = k;
						rc++;
					}
				if (li < 0 || ri < 0) {
					err_set(b->err, c->pos, "USING column \"%s\" is not in the %s side of the join", nm,
					    li < 0 ? "left" : "right");
					return NULL;
				}
				if (lc > 1 || rc > 1) {
					err_set(b->err, c->pos, "USING column \"%s\" is ambiguous in the %s side", nm, lc > 1 ? "left" : "right");
					return NULL;
				}
				uleft[nusing] = li;
				uright[nusing] = ri;
				nusing++;
			}
		}
	}
	struct bexpr *cond = NULL;
	if (nusing > 0) {
		struct bexpr **eqs = arena_zalloc(b->arena, sizeof *eqs * (size_t)nusing);
		for (int u = 0; u < nusing; u++) {
			eqs[u] = using_eq(b, uleft[u], ls.cols[uleft[u]].type, nl + uright[u], rs.cols[uright[u]].type, j->pos);
			if (eqs[u] == NULL)
				return NULL;
		}
		cond = bexpr_and(b->arena, eqs, nusing);
	} else if (j->u.join.on) {
		struct bind_env env = {.scope = &cs, .clause = "JOIN ... ON"};
		cond = bind_expr(b, j->u.join.on, &env);
		if (cond == NULL)
			return NULL;
		if (cond->type != WB_TYPE_BOOL && cond->type != WB_TYPE_NULL) {
			err_set(b->err, j->u.join.on->pos, "the join condition must be BOOLEAN, not %s", type_name(cond->type));
			return NULL;
		}
		cond = bind_coerce(b, cond, WB_TYPE_BOOL, j->u.join.on->pos);
	}
	struct pnode *jn = bind_make_join(b, left, right, type, cond, j->pos);
	if (type == PJ_SEMI || type == PJ_ANTI) {
		s->ncol = nl;
		s->cols = ls.cols;
		return jn;
	}
	if (nusing == 0) {
		*s = cs;
		return jn;
	}
	/* USING: the merged columns first (coalesce for outer joins, whose
	 * other side may be missing), then the remaining columns of each side;
	 * the sides' own copies stay reachable qualified */
	int nout = nusing + nl + nr;
	struct bexpr **ex = arena_zalloc(b->arena, sizeof *ex * (size_t)nout);
	char **names = arena_zalloc(b->arena, sizeof(char *) * (size_t)nout);
	struct scope_col *sc = arena_zalloc(b->arena, sizeof *sc * (size_t)nout);
	int k = 0;
	for (int u = 0; u < nusing; u++) {
		int li = uleft[u], ri = nl + uright[u];
		wb_type t;
		fn_common_type(ls.cols[uleft[u]].type, rs.cols[uright[u]].type, &t);
		struct bexpr *l = bind_coerce(b, bexpr_column(b->arena, li, ls.cols[uleft[u]].type), t, j->pos);
		struct bexpr *r = bind_coerce(b, bexpr_column(b->arena, ri, rs.cols[uright[u]].type), t, j->pos);
		if (type == PJ_RIGHT) {
			ex[k] = r;
		} else if (type == PJ_FULL) {
			const struct scalar_fn *co = fn_lookup("coalesce");
			wb_type at[2] = {t, t}, cast[2], ret;
			const struct fn_sig *sig = fn_resolve(co, at, NULL, 2, cast, &ret, b->err);
			if (sig == NULL)
				return NULL;
			struct bexpr *c = bexpr_new(b->arena, BX_FUNC, t, j->pos, 2);
			c->u.func.fn = co;
			c->u.func.sig = sig;
			c->args[0] = l;
			c->args[1] = r;
			ex[k] = c;
		} else {
			ex[k] = l;
		}
		names[k] = (char *)ls.cols[uleft[u]].name;
		sc[k].name = names[k];
		sc[k].type = t;
		k++;
	}
	for (int i = 0; i < nl + nr; i++) {
		ex[k] = bexpr_column(b->arena, i, cs.cols[i].type);
		names[k] = (char *)cs.cols[i].name;
		sc[k] = cs.cols[i];
		for (int u = 0; u < nusing; u++)
			if ((i < nl && i == uleft[u]) || (i >= nl && i - nl == uright[u]))
				sc[k].hidden = true;
		k++;
	}
	struct pnode *p = bind_project(b, jn, nout, ex, names);
	s->ncol = nout;
	s->cols = sc;
	return p;
}
