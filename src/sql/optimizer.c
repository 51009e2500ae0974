#include "sql/optimizer.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define TOPN_MAX_ROWS 100000

static void
mark_expr(const struct bexpr *e, bool *used, int ncol)
{
	bexpr_columns_used(e, used, ncol);
}

/* Columns the scans of each shared CTE need (pruning its body afterwards,
 * once every reference is known) and the scans to rewrite then. */
struct mat_need {
	struct pnode *mat;
	bool *need;                 /* over the materialisation's columns */
	struct pnode **scans;
	int nscans;
	size_t cap;
};

struct prune_ctx {
	struct mat_need *v;
	int n;
	size_t cap;
};

static struct prune_ctx *pctx;   /* set by optimize(); single-threaded */

static struct mat_need *
mat_need_of(struct pnode *mat)
{
	for (int i = 0; i < pctx->n; i++)
		if (pctx->v[i].mat == mat)
			return &pctx->v[i];
	pctx->v = xgrow(pctx->v, &pctx->cap, (size_t)pctx->n + 1, sizeof *pctx->v);
	struct mat_need *m = &pctx->v[pctx->n++];
	memset(m, 0, sizeof *m);
	m->mat = mat;
	m->need = xcalloc((size_t)mat->ncol + 1, 1);
	return m;
}

/*
 * Prune n so that it outputs at least the columns in need[] (n->ncol
 * entries). Returns map[old output index] = new index (or -1 if dropped),
 * allocated in the arena. Nodes may keep extra columns when dropping them
 * would not help.
 */
static int *
prune(struct arena *a, struct pnode *n, const bool *need)
{
	int *map = arena_alloc(a, sizeof(int) * (size_t)(n->ncol ? n->ncol : 1));
	for (int i = 0; i < n->ncol; i++)
		map[i] = i;
	switch (n->kind) {
	case PN_SCAN: {
		int k = 0;
		for (int i = 0; i < n->ncol; i++) {
			if (!need[i]) {
				map[i] = -1;
				continue;
			}
			map[i] = k;
			n->u.scan.proj[k] = n->u.scan.proj[i];
			n->names[k] = n->names[i];
			n->types[k] = n->types[i];
			k++;
		}
		n->u.scan.nproj = k;
		n->ncol = k;
		return map;
	}
	case PN_VALUES:
		return map;
	case PN_FILTER: {
		struct pnode *c = n->child;
		bool *cneed = xcalloc((size_t)(c->ncol ? c->ncol : 1), 1);
		for (int i = 0; i < n->ncol; i++)
			cneed[i] = need[i];
		mark_expr(n->u.filter.pred, cneed, c->ncol);
		int *cmap = prune(a, c, cneed);
		free(cneed);
		n->u.filter.pred = bexpr_remap(a, n->u.filter.pred, cmap);
		/* the filter passes its child's columns through */
		int oldn = n->ncol;
		n->ncol = c->ncol;
		n->types = c->types;
		n->names = c->names;
		for (int i = 0; i < oldn; i++)
			map[i] = cmap[i];
		return map;
	}
	case PN_PROJECT: {
		struct pnode *c = n->child;
		int k = 0;
		for (int i = 0; i < n->ncol; i++) {
			if (!need[i]) {
				map[i] = -1;
				continue;
			}
			map[i] = k;
			n->u.project.exprs[k] = n->u.project.exprs[i];
			n->names[k] = n->names[i];
			n->types[k] = n->types[i];
			k++;
		}
		n->ncol = k;
		bool *cneed = xcalloc((size_t)(c->ncol ? c->ncol : 1), 1);
		for (int i = 0; i < k; i++)
			mark_expr(n->u.project.exprs[i], cneed, c->ncol);
		int *cmap = prune(a, c, cneed);
		free(cneed);
		for (int i = 0; i < k; i++)
			n->u.project.exprs[i] = bexpr_remap(a, n->u.project.exprs[i], cmap);
		return map;
	}
	case PN_AGG: {
		struct pnode *c = n->child;
		bool *cneed = xcalloc((size_t)(c->ncol ? c->ncol : 1), 1);
		for (int g = 0; g < n->u.agg.ngroups; g++)
			mark_expr(n->u.agg.groups[g], cneed, c->ncol);
		for (int i = 0; i < n->u.agg.naggs; i++) {
			struct pn_agg *ag = &n->u.agg.aggs[i];
			for (int j = 0; j < ag->nargs; j++)
				mark_expr(ag->args[j], cneed, c->ncol);
			if (ag->filter)
				mark_expr(ag->filter, cneed, c->ncol);
		}
		int *cmap = prune(a, c, cneed);
		free(cneed);
		for (int g = 0; g < n->u.agg.ngroups; g++)
			n->u.agg.groups[g] = bexpr_remap(a, n->u.agg.groups[g], cmap);
		for (int i = 0; i < n->u.agg.naggs; i++) {
			struct pn_agg *ag = &n->u.agg.aggs[i];
			for (int j = 0; j < ag->nargs; j++)
				ag->args[j] = bexpr_remap(a, ag->args[j], cmap);
			if (ag->filter)
				ag->filter = bexpr_remap(a, ag->filter, cmap);
		}
		return map;
	}
	case PN_SORT:
	case PN_TOPN:
	case PN_LIMIT: {
		struct pnode *c = n->child;
		bool *cneed = xcalloc((size_t)(c->ncol ? c->ncol : 1), 1);
		for (int i = 0; i < n->ncol; i++)
			cneed[i] = need[i];
		if (n->kind != PN_LIMIT)
			for (int k = 0; k < n->u.sort.nkeys; k++)
				mark_expr(n->u.sort.keys[k].expr, cneed, c->ncol);
		int *cmap = prune(a, c, cneed);
		free(cneed);
		if (n->kind != PN_LIMIT)
			for (int k = 0; k < n->u.sort.nkeys; k++)
				n->u.sort.keys[k].expr = bexpr_remap(a, n->u.sort.keys[k].expr, cmap);
		int oldn = n->ncol;
		n->ncol = c->ncol;
		n->types = c->types;
		n->names = c->names;
		for (int i = 0; i < oldn; i++)
			map[i] = cmap[i];
		return map;
	}
	case PN_HASH_JOIN:
	case PN_NL_JOIN: {
		struct pnode *l = n->child, *r = n->u.join.right;
		int nl = l->ncol, nr = r->ncol;
		bool right_out = n->u.join.type != PJ_SEMI && n->u.join.type != PJ_ANTI;
		bool *ln = xcalloc((size_t)(nl ? nl : 1), 1), *rn = xcalloc((size_t)(nr ? nr : 1), 1);
		for (int i = 0; i < nl; i++)
			ln[i] = need[i];
		if (right_out)
			for (int i = 0; i < nr; i++)
				rn[i] = need[nl + i];
		for (int k = 0; k < n->u.join.nkeys; k++) {
			mark_expr(n->u.join.lkeys[k], ln, nl);
			mark_expr(n->u.join.rkeys[k], rn, nr);
		}
		if (n->u.join.residual) {
			bool *both = xcalloc((size_t)(nl + nr + 1), 1);
			mark_expr(n->u.join.residual, both, nl + nr);
			for (int i = 0; i < nl; i++)
				ln[i] |= both[i];
			for (int i = 0; i < nr; i++)
				rn[i] |= both[nl + i];
			free(both);
		}
		/* an empty side still has to produce its row count */
		int *lmap = prune(a, l, ln), *rmap = prune(a, r, rn);
		free(ln);
		free(rn);
		struct pnode *l2 = n->child, *r2 = n->u.join.right;
		for (int k = 0; k < n->u.join.nkeys; k++) {
			n->u.join.lkeys[k] = bexpr_remap(a, n->u.join.lkeys[k], lmap);
			n->u.join.rkeys[k] = bexpr_remap(a, n->u.join.rkeys[k], rmap);
		}
		int nl2 = l2->ncol, nr2 = r2->ncol;
		if (n->u.join.residual) {
			int *cm = arena_alloc(a, sizeof(int) * (size_t)(nl + nr + 1));
			for (int i = 0; i < nl; i++)
				cm[i] = lmap[i];
			for (int i = 0; i < nr; i++)
				cm[nl + i] = rmap[i] < 0 ? -1 : nl2 + rmap[i];
			n->u.join.residual = bexpr_remap(a, n->u.join.residual, cm);
		}
		int oldn = n->ncol;
		int newn = right_out ? nl2 + nr2 : nl2;
		wb_type *t = arena_alloc(a, sizeof(wb_type) * (size_t)(newn ? newn : 1));
		char **nm = arena_alloc(a, sizeof(char *) * (size_t)(newn ? newn : 1));
		for (int i = 0; i < nl2; i++) {
			t[i] = l2->types[i];
			nm[i] = l2->names[i];
		}
		if (right_out)
			for (int i = 0; i < nr2; i++) {
				t[nl2 + i] = r2->types[i];
				nm[nl2 + i] = r2->names[i];
			}
		n->types = t;
		n->names = nm;
		n->ncol = newn;
		for (int i = 0; i < oldn; i++)
			map[i] = i < nl ? lmap[i] : (rmap[i - nl] < 0 ? -1 : nl2 + rmap[i - nl]);
		return map;
	}
	case PN_WINDOW: {
		struct pnode *c = n->child;
		int cn = c->ncol, nf = n->u.window.nfuncs;
		bool *cneed = xcalloc((size_t)(cn ? cn : 1), 1);
		for (int i = 0; i < cn; i++)
			cneed[i] = need[i];
		/* functions nobody reads are dropped (one stays: the node
		 * remains a window) */
		bool *keep = xcalloc((size_t)nf + 1, 1);
		int nkeep = 0;
		for (int f = 0; f < nf; f++)
			nkeep += keep[f] = need[cn + f];
		if (nkeep == 0)
			keep[0] = true, nkeep = 1;
		for (int k = 0; k < n->u.window.npartition; k++)
			mark_expr(n->u.window.partition[k], cneed, cn);
		for (int k = 0; k < n->u.window.norder; k++)
			mark_expr(n->u.window.order[k].expr, cneed, cn);
		for (int f = 0; f < nf; f++)
			for (int j = 0; keep[f] && j < n->u.window.funcs[f].nargs; j++)
				mark_expr(n->u.window.funcs[f].args[j], cneed, cn);
		int *cmap = prune(a, c, cneed);
		free(cneed);
		for (int k = 0; k < n->u.window.npartition; k++)
			n->u.window.partition[k] = bexpr_remap(a, n->u.window.partition[k], cmap);
		for (int k = 0; k < n->u.window.norder; k++)
			n->u.window.order[k].expr = bexpr_remap(a, n->u.window.order[k].expr, cmap);
		int ncn = c->ncol, oldn = n->ncol;
		wb_type *t = arena_alloc(a, sizeof(wb_type) * (size_t)(ncn + nkeep));
		char **nm = arena_alloc(a, sizeof(char *) * (size_t)(ncn + nkeep));
		memcpy(t, c->types, sizeof(wb_type) * (size_t)ncn);
		memcpy(nm, c->names, sizeof(char *) * (size_t)ncn);
		struct pn_winfn *fns = arena_alloc(a, sizeof *fns * (size_t)nkeep);
		int k = 0;
		for (int f = 0; f < nf; f++) {
			if (!keep[f]) {
				map[cn + f] = -1;
				continue;
			}
			fns[k] = n->u.window.funcs[f];
			fns[k].args = arena_alloc(a, sizeof(struct bexpr *) * (size_t)(fns[k].nargs + 1));
			for (int j = 0; j < fns[k].nargs; j++)
				fns[k].args[j] = bexpr_remap(a, n->u.window.funcs[f].args[j], cmap);
			t[ncn + k] = n->types[cn + f];
			nm[ncn + k] = n->names[cn + f];
			map[cn + f] = ncn + k;
			k++;
		}
		free(keep);
		for (int i = 0; i < cn && i < oldn; i++)
			map[i] = cmap[i];
		n->u.window.funcs = fns;
		n->u.window.nfuncs = nkeep;
		n->types = t;
		n->names = nm;
		n->ncol = ncn + nkeep;
		return map;
	}
	case PN_UNION: {
		/* every input keeps exactly the needed columns, in order */
		int k = 0;
		for (int i = 0; i < n->ncol; i++)
			map[i] = need[i] ? k++ : -1;
		for (int in = 0; in < n->u.set.ninputs; in++) {
			struct pnode *c = n->u.set.inputs[in];
			int *cmap = prune(a, c, need);
			bool same = c->ncol == k;
			for (int i = 0; i < n->ncol && same; i++)
				same = !need[i] || cmap[i] == map[i];
			if (same)
				continue;
			struct pnode *p = pnode_new(a, PN_PROJECT, c, k);
			p->u.project.exprs = arena_alloc(a, sizeof(struct bexpr *) * (size_t)(k ? k : 1));
			for (int i = 0; i < n->ncol; i++) {
				if (!need[i])
					continue;
				p->u.project.exprs[map[i]] = bexpr_column(a, cmap[i], c->types[cmap[i]]);
				p->types[map[i]] = c->types[cmap[i]];
				p->names[map[i]] = c->names[cmap[i]];
			}
			p->est_rows = c->est_rows;
			n->u.set.inputs[in] = p;
		}
		n->child = n->u.set.inputs[0];
		wb_type *t = arena_alloc(a, sizeof(wb_type) * (size_t)(k ? k : 1));
		char **nm = arena_alloc(a, sizeof(char *) * (size_t)(k ? k : 1));
		for (int i = 0; i < n->ncol; i++)
			if (need[i]) {
				t[map[i]] = n->types[i];
				nm[map[i]] = n->names[i];
			}
		n->types = t;
		n->names = nm;
		n->ncol = k;
		return map;
	}
	case PN_CTE_SCAN: {
		struct pnode *m = n->u.cte.source;
		if (m->child == NULL || pctx == NULL)
			return map;   /* a recursive working table: all columns */
		struct mat_need *mn = mat_need_of(m);
		bool seen = false;
		for (int i = 0; i < mn->nscans; i++)
			seen |= mn->scans[i] == n;
		if (!seen) {
			mn->scans = xgrow(mn->scans, &mn->cap, (size_t)mn->nscans + 1, sizeof *mn->scans);
			mn->scans[mn->nscans++] = n;
		}
		if (n->u.cte.proj == NULL) {
			n->u.cte.proj = arena_alloc(a, sizeof(int) * (size_t)(n->ncol ? n->ncol : 1));
			for (int i = 0; i < n->ncol; i++)
				n->u.cte.proj[i] = i;
		}
		int k = 0;
		for (int i = 0; i < n->ncol; i++) {
			if (!need[i]) {
				map[i] = -1;
				continue;
			}
			mn->need[n->u.cte.proj[i]] = true;
			map[i] = k;
			n->u.cte.proj[k] = n->u.cte.proj[i];
			n->names[k] = n->names[i];
			n->types[k] = n->types[i];
			k++;
		}
		n->ncol = k;
		return map;
	}
	default:
		/* nodes not (yet) pruned keep all their columns, and so do their
		 * inputs */
		return map;
	}
	return map;
}

static struct pnode *
topn(struct pnode *n)
{
	if (n == NULL)
		return NULL;
	n->child = topn(n->child);
	if (n->kind == PN_LIMIT && n->child && n->child->kind == PN_SORT && n->u.limit.limit >= 0 &&
	    n->u.limit.limit + n->u.limit.offset <= TOPN_MAX_ROWS) {
		struct pnode *s = n->child;
		s->kind = PN_TOPN;
		s->u.sort.limit = n->u.limit.limit + n->u.limit.offset;
		s->u.sort.offset = n->u.limit.offset;
		s->est_rows = (double)n->u.limit.limit < s->est_rows ? (double)n->u.limit.limit : s->est_rows;
		return s;
	}
	return n;
}

/* PROJECT over PROJECT: one projection, when no inner expression that
 * costs anything would be evaluated twice. */
static int
uses_of(const struct bexpr *e, int c)
{
	int n = e->kind == BX_COLUMN && e->u.column == c;
	for (int i = 0; i < e->nargs; i++)
		n += uses_of(e->args[i], c);
	return n;
}

static struct bexpr *
inline_cols(struct arena *a, const struct bexpr *e, struct bexpr *const *inner)
{
	if (e->kind == BX_COLUMN)
		return bexpr_remap(a, inner[e->u.column], NULL);
	struct bexpr *c = arena_alloc(a, sizeof *c);
	*c = *e;
	if (e->nargs > 0) {
		c->args = arena_alloc(a, sizeof(struct bexpr *) * (size_t)e->nargs);
		for (int i = 0; i < e->nargs; i++)
			c->args[i] = inline_cols(a, e->args[i], inner);
	}
	return c;
}

static struct pnode *
merge_projects(struct arena *a, struct pnode *n)
{
	struct pnode *kids[64];
	int nk = pnode_children(n, kids, 64);
	for (int i = 0; i < nk; i++) {
		struct pnode *m = merge_projects(a, kids[i]);
		if (m != kids[i])
			pnode_replace_child(n, kids[i], m);
	}
	if (n->kind != PN_PROJECT || n->child == NULL || n->child->kind != PN_PROJECT)
		return n;
	struct pnode *in = n->child;
	for (int c = 0; c < in->ncol; c++) {
		const struct bexpr *ie = in->u.project.exprs[c];
		if (ie->kind == BX_COLUMN || ie->kind == BX_CONST)
			continue;
		int uses = 0;
		for (int k = 0; k < n->ncol; k++)
			uses += uses_of(n->u.project.exprs[k], c);
		if (uses > 1)
			return n;
	}
	for (int k = 0; k < n->ncol; k++)
		n->u.project.exprs[k] = inline_cols(a, n->u.project.exprs[k], in->u.project.exprs);
	n->child = in->child;
	n->est_rows = in->est_rows;
	return n;
}

/* ---------------------------------------------------------- join sides
 *
 * A hash join builds a table of its right input and streams its left
 * one; the binder keeps the written order (FROM big JOIN small builds on
 * small). When the right input is estimated clearly larger, swap the
 * inputs (LEFT <-> RIGHT for outer joins) and restore the column order
 * with a projection. Semi and anti joins keep their sides. */

static struct bexpr *
swap_cols(struct arena *a, const struct bexpr *e, int nl, int nr)
{
	struct bexpr *c = arena_alloc(a, sizeof *c);
	*c = *e;
	if (e->kind == BX_COLUMN)
		c->u.column = e->u.column < nl ? e->u.column + nr : e->u.column - nl;
	if (e->nargs > 0) {
		c->args = arena_alloc(a, sizeof(struct bexpr *) * (size_t)e->nargs);
		for (int i = 0; i < e->nargs; i++)
			c->args[i] = swap_cols(a, e->args[i], nl, nr);
	}
	return c;
}

static struct pnode *
choose_build_sides(struct arena *a, struct pnode *n)
{
	struct pnode *kids[64];
	int nk = pnode_children(n, kids, 64);
	for (int i = 0; i < nk; i++) {
		struct pnode *k = choose_build_sides(a, kids[i]);
		if (k != kids[i])
			pnode_replace_child(n, kids[i], k);
	}
	if (n->kind != PN_HASH_JOIN)
		return n;
	enum pn_join_type t = n->u.join.type;
	if (t != PJ_INNER && t != PJ_LEFT && t != PJ_RIGHT && t != PJ_FULL)
		return n;
	struct pnode *l = n->child, *r = n->u.join.right;
	if (!(r->est_rows > 2 * l->est_rows))
		return n;
	int nl = l->ncol, nr = r->ncol;
	n->child = r;
	n->u.join.right = l;
	struct bexpr **tmp = n->u.join.lkeys;
	n->u.join.lkeys = n->u.join.rkeys;
	n->u.join.rkeys = tmp;
	if (n->u.join.residual)
		n->u.join.residual = swap_cols(a, n->u.join.residual, nl, nr);
	n->u.join.type = t == PJ_LEFT ? PJ_RIGHT : t == PJ_RIGHT ? PJ_LEFT : t;
	wb_type *types = n->types;
	char **names = n->names;
	int ncol = n->ncol;
	n->types = arena_alloc(a, sizeof(wb_type) * (size_t)ncol);
	n->names = arena_alloc(a, sizeof(char *) * (size_t)ncol);
	for (int i = 0; i < nr; i++) {
		n->types[i] = types[nl + i];
		n->names[i] = names[nl + i];
	}
	for (int i = 0; i < nl; i++) {
		n->types[nr + i] = types[i];
		n->names[nr + i] = names[i];
	}
	/* the parent sees the original order */
	struct pnode *p = pnode_new(a, PN_PROJECT, n, ncol);
	p->u.project.exprs = arena_alloc(a, sizeof(struct bexpr *) * (size_t)(ncol ? ncol : 1));
	for (int i = 0; i < ncol; i++) {
		int from = i < nl ? nr + i : i - nl;
		p->u.project.exprs[i] = bexpr_column(a, from, types[i]);
		p->types[i] = types[i];
		p->names[i] = names[i];
	}
	p->est_rows = n->est_rows;
	return p;
}

/* ---------------------------------------------------------- CTEs
 *
 * The binder turns every WITH query into one PN_MATERIALIZE node that all
 * its references scan. A query referenced once (and not declared AS
 * MATERIALIZED) is put back in place of its scan, so that filters and
 * column pruning reach into it; the others are optimised on their own. */

struct cte_use {
	struct pnode *mat;
	int refs;
};

struct cte_uses {
	struct cte_use *v;
	int n;
	size_t cap;
};

static void
count_ctes(struct pnode *n, struct cte_uses *u)
{
	if (n->kind == PN_CTE_SCAN) {
		for (int i = 0; i < u->n; i++)
			if (u->v[i].mat == n->u.cte.source) {
				u->v[i].refs++;
				return;
			}
		u->v = xgrow(u->v, &u->cap, (size_t)u->n + 1, sizeof *u->v);
		u->v[u->n++] = (struct cte_use){n->u.cte.source, 1};
		if (n->u.cte.source->child)   /* not a recursive working table */
			count_ctes(n->u.cte.source->child, u);
		return;
	}
	struct pnode *kids[64];
	int nk = pnode_children(n, kids, 64);
	for (int i = 0; i < nk; i++)
		count_ctes(kids[i], u);
}

static int
cte_refs(const struct cte_uses *u, const struct pnode *mat)
{
	for (int i = 0; i < u->n; i++)
		if (u->v[i].mat == mat)
			return u->v[i].refs;
	return 0;
}

static struct pnode *
inline_ctes(struct pnode *n, const struct cte_uses *u)
{
	if (n->kind == PN_CTE_SCAN) {
		struct pnode *m = n->u.cte.source;
		if (m->u.cte.forced || cte_refs(u, m) != 1)
			return n;
		struct pnode *body = inline_ctes(m->child, u);
		body->names = n->names;   /* the reference's column aliases */
		return body;
	}
	struct pnode *kids[64];
	int nk = pnode_children(n, kids, 64);
	for (int i = 0; i < nk; i++) {
		struct pnode *k = inline_ctes(kids[i], u);
		if (k != kids[i])
			pnode_replace_child(n, kids[i], k);
	}
	return n;
}

static struct pnode *
optimize_tree(struct arena *a, struct pnode *root)
{
	root = opt_pushdown(a, root);
	opt_estimate(root);
	root = opt_join_order(a, root);
	root = choose_build_sides(a, root);
	root = topn(root);
	bool *need = xcalloc((size_t)(root->ncol ? root->ncol : 1), 1);
	for (int i = 0; i < root->ncol; i++)
		need[i] = true;
	prune(a, root, need);
	free(need);
	return merge_projects(a, root);
}

/* Shared CTEs: prune each body to what its scans read, in discovery
 * order (a body's own scans of later CTEs are pruned before those), and
 * point the scans at the new columns. */
/* A scan of m that pruning never reached (below a node it does not
 * descend into) reads m's columns as they are: then m keeps them all. */
static void
find_unpruned_scans(struct pnode *n, struct pnode **visited, int *nv)
{
	if (n->kind == PN_CTE_SCAN) {
		struct pnode *m = n->u.cte.source;
		if (m->child == NULL)
			return;
		if (n->u.cte.proj == NULL)
			for (int i = 0; i < pctx->n; i++)
				if (pctx->v[i].mat == m)
					memset(pctx->v[i].need, 1, (size_t)m->ncol);
		for (int i = 0; i < *nv; i++)
			if (visited[i] == m)
				return;
		if (*nv < 256) {
			visited[(*nv)++] = m;
			find_unpruned_scans(m->child, visited, nv);
		}
		return;
	}
	struct pnode *kids[64];
	int nk = pnode_children(n, kids, 64);
	for (int i = 0; i < nk; i++)
		find_unpruned_scans(kids[i], visited, nv);
}

static void
prune_materialisations(struct arena *a, struct pnode *root)
{
	struct pnode *visited[256];
	int nv = 0;
	find_unpruned_scans(root, visited, &nv);
	for (int i = 0; i < pctx->n; i++) {
		struct pnode *m = pctx->v[i].mat;
		/* pruning the body may register scans of other CTEs (and move
		 * pctx->v): index, do not hold pointers */
		int *cmap = prune(a, m->child, pctx->v[i].need);
		struct mat_need *mn = &pctx->v[i];
		m->ncol = m->child->ncol;
		m->types = m->child->types;
		m->names = m->child->names;
		for (int s = 0; s < mn->nscans; s++) {
			struct pnode *sc = mn->scans[s];
			for (int k = 0; k < sc->ncol; k++)
				sc->u.cte.proj[k] = cmap[sc->u.cte.proj[k]];
		}
	}
	for (int i = 0; i < pctx->n; i++) {
		free(pctx->v[i].need);
		free(pctx->v[i].scans);
	}
	free(pctx->v);
}

struct pnode *
optimize(struct arena *a, struct pnode *root)
{
	struct prune_ctx ctx = {0};
	pctx = &ctx;
	struct cte_uses u = {0};
	count_ctes(root, &u);
	root = inline_ctes(root, &u);
	for (int i = 0; i < u.n; i++) {
		struct pnode *m = u.v[i].mat;
		if (m->child && (m->u.cte.forced || u.v[i].refs != 1))
			m->child = optimize_tree(a, inline_ctes(m->child, &u));
	}
	free(u.v);
	root = optimize_tree(a, root);
	prune_materialisations(a, root);
	pctx = NULL;
	opt_scan_preds(a, root);
	opt_estimate(root);
	return root;
}
