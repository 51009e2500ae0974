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
