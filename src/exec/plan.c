#include "exec/plan.h"

#include <string.h>

struct pnode *
pnode_new(struct arena *a, enum pn_kind kind, struct pnode *child, int ncol)
{
	struct pnode *n = arena_zalloc(a, sizeof *n);
	n->kind = kind;
	n->child = child;
	n->ncol = ncol;
	n->types = arena_zalloc(a, sizeof(wb_type) * (size_t)(ncol ? ncol : 1));
	n->names = arena_zalloc(a, sizeof(char *) * (size_t)(ncol ? ncol : 1));
	n->est_rows = child ? child->est_rows : 1;
	return n;
}

void
pnode_set_col(struct arena *a, struct pnode *n, int i, const char *name, wb_type type)
{
	n->names[i] = arena_strdup(a, name ? name : "");
	n->types[i] = type;
}

const char *
pnode_kind_name(enum pn_kind k)
{
	switch (k) {
	case PN_SCAN: return "SCAN";
	case PN_VALUES: return "VALUES";
	case PN_FILTER: return "FILTER";
	case PN_PROJECT: return "PROJECT";
	case PN_AGG: return "HASH_AGGREGATE";
	case PN_SORT: return "ORDER_BY";
	case PN_TOPN: return "TOP_N";
	case PN_LIMIT: return "LIMIT";
	case PN_HASH_JOIN: return "HASH_JOIN";
	case PN_NL_JOIN: return "NESTED_LOOP_JOIN";
	case PN_WINDOW: return "WINDOW";
	case PN_UNION: return "UNION_ALL";
	case PN_MATERIALIZE: return "MATERIALIZE";
	case PN_CTE_SCAN: return "CTE_SCAN";
	case PN_RECURSIVE: return "RECURSIVE_CTE";
	}
	return "?";
}

int
pnode_children(const struct pnode *n, struct pnode **out, int max)
{
	int k = 0;
	switch (n->kind) {
	case PN_UNION:
		for (int i = 0; i < n->u.set.ninputs && k < max; i++)
			out[k++] = n->u.set.inputs[i];
		return k;
	case PN_RECURSIVE:
		if (k < max)
			out[k++] = n->u.rec.base;
		if (k < max)
			out[k++] = n->u.rec.step;
		return k;
	case PN_CTE_SCAN:
		return 0;
	default:
		break;
	}
	if (n->child && k < max)
		out[k++] = n->child;
	if ((n->kind == PN_HASH_JOIN || n->kind == PN_NL_JOIN) && n->u.join.right && k < max)
		out[k++] = n->u.join.right;
	return k;
}

void
pnode_replace_child(struct pnode *n, const struct pnode *old, struct pnode *repl)
{
	if (n->kind == PN_UNION) {
		for (int i = 0; i < n->u.set.ninputs; i++)
			if (n->u.set.inputs[i] == old)
				n->u.set.inputs[i] = repl;
		n->child = n->u.set.inputs[0];
		return;
	}
	if (n->kind == PN_RECURSIVE) {
		if (n->u.rec.base == old)
			n->u.rec.base = repl;
		if (n->u.rec.step == old)
			n->u.rec.step = repl;
		return;
	}
	if (n->child == old)
		n->child = repl;
	if ((n->kind == PN_HASH_JOIN || n->kind == PN_NL_JOIN) && n->u.join.right == old)
		n->u.join.right = repl;
}
