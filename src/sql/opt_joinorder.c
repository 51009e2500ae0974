/*
 * opt_joinorder: the order of a chain of inner joins.
 *
 * A tree of INNER / CROSS joins (after predicate pushdown has turned WHERE
 * equalities into join keys) is flattened into its inputs ("leaves") and
 * its conditions, then rebuilt left-deep, greedily: the largest input
 * (estimated rows) streams through hash tables built on the others, taking
 * next the smallest input connected to what is joined so far by an
 * equality, so that a fact table meets its dimensions one by one and no
 * intermediate cross product appears while a connected input remains. A
 * projection restores the original column order. Outer, semi and anti
 * joins are boundaries: their inputs are reordered separately.
 */
#include "sql/optimizer.h"
#include "sql/bind_int.h"
#include "core/xmalloc.h"
#include "func/func.h"

#include <stdlib.h>
#include <string.h>

#define JO_MAX_LEAVES 12
#define JO_MAX_CONDS 64

struct jo_cond {
	struct bexpr *l, *r;   /* key: l = r (global columns); residual: l only */
	bool key, null_eq;
	uint32_t lmask, rmask; /* leaves each side uses */
	bool applied;
};

struct jo {
	struct pnode *leaf[JO_MAX_LEAVES];
	int off[JO_MAX_LEAVES];
	int nleaves;
	struct jo_cond cond[JO_MAX_CONDS];
	int nconds;
	bool ok;
};

static bool
is_inner(const struct pnode *n)
{
	return (n->kind == PN_HASH_JOIN || n->kind == PN_NL_JOIN) &&
	    (n->u.join.type == PJ_INNER || n->u.join.type == PJ_CROSS);
}

static struct bexpr *
remap_cols(struct arena *a, const struct bexpr *e, const int *map, int delta)
{
	struct bexpr *c = arena_alloc(a, sizeof *c);
	*c = *e;
	if (e->kind == BX_COLUMN)
		c->u.column = map ? map[e->u.column] : e->u.column + delta;
	if (e->nargs > 0) {
		c->args = arena_alloc(a, sizeof(struct bexpr *) * (size_t)e->nargs);
		for (int i = 0; i < e->nargs; i++)
			c->args[i] = remap_cols(a, e->args[i], map, delta);
	}
	return c;
}

static uint32_t
leaves_of(const struct jo *j, const struct bexpr *e)
{
	uint32_t m = 0;
	if (e->kind == BX_COLUMN) {
		for (int i = j->nleaves - 1; i >= 0; i--)
			if (e->u.column >= j->off[i]) {
				m |= 1u << i;
				break;
			}
	}
	for (int i = 0; i < e->nargs; i++)
		m |= leaves_of(j, e->args[i]);
	return m;
}

static void
add_cond(struct jo *j, struct bexpr *l, struct bexpr *r, bool key, bool null_eq)
{
	if (j->nconds == JO_MAX_CONDS) {
		j->ok = false;
		return;
	}
	j->cond[j->nconds++] = (struct jo_cond){.l = l, .r = r, .key = key, .null_eq = null_eq};
}

static void
flatten(struct arena *a, struct pnode *n, struct jo *j, int off)
{
	if (!j->ok)
		return;
	if (!is_inner(n)) {
		if (j->nleaves == JO_MAX_LEAVES) {
			j->ok = false;
			return;
		}
		j->leaf[j->nleaves] = n;
		j->off[j->nleaves] = off;
		j->nleaves++;
		return;
	}
	int nl = n->child->ncol;
	flatten(a, n->child, j, off);
	flatten(a, n->u.join.right, j, off + nl);
	for (int k = 0; k < n->u.join.nkeys; k++)
		add_cond(j, remap_cols(a, n->u.join.lkeys[k], NULL, off), remap_cols(a, n->u.join.rkeys[k], NULL, off + nl), true,
		    n->u.join.null_eq && n->u.join.null_eq[k]);
	if (n->u.join.residual)
		add_cond(j, remap_cols(a, n->u.join.residual, NULL, off), NULL, false, false);
}

/* l = r as an expression (a key that became a residual) */
static struct bexpr *
equality(struct arena *a, struct bexpr *l, struct bexpr *r, bool null_eq)
{
	if (null_eq) {
		struct bexpr *e = bexpr_new(a, BX_IS_DISTINCT, WB_TYPE_BOOL, l->pos, 2);
		e->args[0] = l;
		e->args[1] = r;
		e->negate = true;
		return e;
	}
	const struct scalar_fn *fn = fn_lookup("=");
	wb_type types[2] = {l->type, r->type}, cast_to[2], ret;
	bool lits[2] = {false, false};
	struct wb_error err = WB_ERROR_INIT;
	const struct fn_sig *sig = fn_resolve(fn, types, lits, 2, cast_to, &ret, &err);
	err_clear(&err);
	if (sig == NULL || cast_to[0] != l->type || cast_to[1] != r->type)
		return NULL;
	struct bexpr *e = bexpr_new(a, BX_FUNC, ret, l->pos, 2);
	e->u.func.fn = fn;
	e->u.func.sig = sig;
	e->args[0] = l;
	e->args[1] = r;
	return e;
}

static struct pnode *reorder(struct arena *a, struct pnode *n);

static struct pnode *
rebuild(struct arena *a, struct pnode *n, struct jo *j)
{
	int ncol = n->ncol;
	int *map = xmalloc(sizeof(int) * (size_t)(ncol ? ncol : 1));   /* global column -> current */
	for (int i = 0; i < ncol; i++)
		map[i] = -1;
	for (int c = 0; c < j->nconds; c++) {
		j->cond[c].lmask = leaves_of(j, j->cond[c].l);
		j->cond[c].rmask = j->cond[c].r ? leaves_of(j, j->cond[c].r) : 0;
	}
	/* start with the largest input */
	int first = 0;
	for (int i = 1; i < j->nleaves; i++)
		if (j->leaf[i]->est_rows > j->leaf[first]->est_rows)
			first = i;
	uint32_t done = 1u << first;
	struct pnode *cur = j->leaf[first];
	for (int i = 0; i < cur->ncol; i++)
		map[j->off[first] + i] = i;
	for (int step = 1; step < j->nleaves; step++) {
		/* the smallest input joined to the current set by a key; else by
		 * any condition; else the smallest */
		int pick = -1, level = 3;
		for (int i = 0; i < j->nleaves; i++) {
			if (done & (1u << i))
				continue;
			int lv = 2;
			for (int c = 0; c < j->nconds; c++) {
				struct jo_cond *k = &j->cond[c];
				uint32_t all = k->lmask | k->rmask;
				if (k->applied || !(all & (1u << i)) || (all & ~(done | (1u << i))))
					continue;
				if (!(all & done))
					continue;
				lv = k->key && ((k->lmask == (1u << i)) != (k->rmask == (1u << i))) ? 0 : (lv < 1 ? lv : 1);
				if (lv == 0)
					break;
			}
			if (lv < level || (lv == level && j->leaf[i]->est_rows < j->leaf[pick]->est_rows)) {
				pick = i;
				level = lv;
			}
		}
		struct pnode *leaf = j->leaf[pick];
		int nc = cur->ncol, nr = leaf->ncol;
		uint32_t lbit = 1u << pick;
		/* the conditions this join can check */
		struct bexpr **lk = arena_zalloc(a, sizeof(struct bexpr *) * (size_t)(j->nconds + 1));
		struct bexpr **rk = arena_zalloc(a, sizeof(struct bexpr *) * (size_t)(j->nconds + 1));
		bool *neq = arena_zalloc(a, sizeof(bool) * (size_t)(j->nconds + 1));
		struct bexpr **res = arena_zalloc(a, sizeof(struct bexpr *) * (size_t)(j->nconds + 1));
		int nk = 0, nres = 0;
		int *both = xmalloc(sizeof(int) * (size_t)(ncol ? ncol : 1));
		for (int i = 0; i < ncol; i++)
			both[i] = map[i];
		for (int i = 0; i < nr; i++)
			both[j->off[pick] + i] = nc + i;
		for (int c = 0; c < j->nconds; c++) {
			struct jo_cond *k = &j->cond[c];
			uint32_t all = k->lmask | k->rmask;
			if (k->applied || (all & ~(done | lbit)))
				continue;
			k->applied = true;
			if (k->key && k->lmask && k->rmask && !(k->lmask & lbit) && k->rmask == lbit) {
				lk[nk] = remap_cols(a, k->l, map, 0);
				rk[nk] = remap_cols(a, k->r, both, -nc);
				rk[nk] = remap_cols(a, rk[nk], NULL, -nc);
				neq[nk++] = k->null_eq;
			} else if (k->key && k->lmask && k->rmask && !(k->rmask & lbit) && k->lmask == lbit) {
				lk[nk] = remap_cols(a, k->r, map, 0);
				rk[nk] = remap_cols(a, remap_cols(a, k->l, both, 0), NULL, -nc);
				neq[nk++] = k->null_eq;
			} else {
				struct bexpr *e = k->key ? equality(a, k->l, k->r, k->null_eq) : k->l;
				if (e == NULL) {
					free(both);
					free(map);
					j->ok = false;
					return n;
				}
				res[nres++] = remap_cols(a, e, both, 0);
			}
		}
		free(both);
		struct pnode *jn = pnode_new(a, nk ? PN_HASH_JOIN : PN_NL_JOIN, cur, nc + nr);
		memcpy(jn->types, cur->types, sizeof(wb_type) * (size_t)nc);
		memcpy(jn->names, cur->names, sizeof(char *) * (size_t)nc);
		memcpy(jn->types + nc, leaf->types, sizeof(wb_type) * (size_t)nr);
		memcpy(jn->names + nc, leaf->names, sizeof(char *) * (size_t)nr);
		jn->u.join.type = nk || nres ? PJ_INNER : PJ_CROSS;
		jn->u.join.right = leaf;
		jn->u.join.nkeys = nk;
		jn->u.join.lkeys = lk;
		jn->u.join.rkeys = rk;
		jn->u.join.null_eq = neq;
		jn->u.join.residual = nres ? bexpr_and(a, res, nres) : NULL;
		double le = cur->est_rows, re = leaf->est_rows;
		jn->est_rows = nk ? (le > re ? le : re) : le * re * (nres ? 0.1 : 1);
		for (int i = 0; i < nr; i++)
			map[j->off[pick] + i] = nc + i;
		done |= lbit;
		cur = jn;
	}
	struct pnode *p = pnode_new(a, PN_PROJECT, cur, ncol);
	p->u.project.exprs = arena_alloc(a, sizeof(struct bexpr *) * (size_t)(ncol ? ncol : 1));
	for (int i = 0; i < ncol; i++) {
		p->u.project.exprs[i] = bexpr_column(a, map[i], n->types[i]);
		p->types[i] = n->types[i];
		p->names[i] = n->names[i];
	}
	p->est_rows = cur->est_rows;
	free(map);
	return p;
}

static struct pnode *
reorder(struct arena *a, struct pnode *n)
{
	if (is_inner(n)) {
		struct jo *j = xcalloc(1, sizeof *j);
		j->ok = true;
		flatten(a, n, j, 0);
		struct pnode *r = n;
		if (j->ok && j->nleaves >= 3) {
			for (int i = 0; i < j->nleaves; i++)
				j->leaf[i] = reorder(a, j->leaf[i]);
			r = rebuild(a, n, j);
		} else {
			n->child = reorder(a, n->child);
			n->u.join.right = reorder(a, n->u.join.right);
		}
		free(j);
		return r;
	}
	struct pnode *kids[64];
	int nk = pnode_children(n, kids, 64);
	for (int i = 0; i < nk; i++) {
		struct pnode *k = reorder(a, kids[i]);
		if (k != kids[i])
			pnode_replace_child(n, kids[i], k);
	}
	return n;
}

struct pnode *
opt_join_order(struct arena *a, struct pnode *root)
{
	return reorder(a, root);
}
