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
	default:
		/* nodes not (yet) pruned keep all their columns */
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

struct pnode *
optimize(struct arena *a, struct pnode *root)
{
	root = topn(root);
	bool *need = xcalloc((size_t)(root->ncol ? root->ncol : 1), 1);
	for (int i = 0; i < root->ncol; i++)
		need[i] = true;
	prune(a, root, need);
	free(need);
	return root;
}
