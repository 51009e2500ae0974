/*
 * opt_estimate: row estimates, recomputed bottom-up once the plan has its
 * final shape (the binder's estimates predate pushdown and join ordering).
 *
 * Scans know their table's row count. Everything else uses textbook
 * heuristics: an equality keeps 10% of the rows, a range comparison a
 * third, LIKE a quarter, IS NULL 10%; AND multiplies, OR adds (capped);
 * a grouped aggregation keeps a tenth of its input (large inputs) and a
 * key join (probe and build) the larger of its inputs. They only rank
 * alternatives (build sides, join order) and label EXPLAIN.
 */
#include "sql/optimizer.h"

#include <string.h>

static double
selectivity(const struct bexpr *e)
{
	switch (e->kind) {
	case BX_CONST:
		return !e->u.value.is_null && e->type == WB_TYPE_BOOL && e->u.value.u.b ? 1.0 : 0.0;
	case BX_AND: {
		double s = 1;
		for (int i = 0; i < e->nargs; i++)
			s *= selectivity(e->args[i]);
		return s;
	}
	case BX_OR: {
		double s = 0;
		for (int i = 0; i < e->nargs; i++)
			s += selectivity(e->args[i]);
		return s > 1 ? 1 : s;
	}
	case BX_NOT:
		return 1 - selectivity(e->args[0]);
	case BX_IS_NULL:
		return e->negate ? 0.9 : 0.1;
	case BX_IN: {
		double s = 0.1 * (e->nargs - 1);
		s = s > 0.5 ? 0.5 : s;
		return e->negate ? 1 - s : s;
	}
	case BX_IS_DISTINCT:
		return e->negate ? 0.1 : 0.9;
	case BX_FUNC: {
		const char *f = e->u.func.fn->name;
		if (strcmp(f, "=") == 0)
			return 0.1;
		if (strcmp(f, "<>") == 0 || strcmp(f, "!=") == 0)
			return 0.9;
		if (strcmp(f, "<") == 0 || strcmp(f, "<=") == 0 || strcmp(f, ">") == 0 || strcmp(f, ">=") == 0)
			return 1.0 / 3;
		if (strcmp(f, "like") == 0 || strcmp(f, "ilike") == 0 || strcmp(f, "rlike") == 0)
			return 0.25;
		return 0.5;
	}
	default:
		return 0.5;
	}
}

static double
at_least_one(double x)
{
	return x < 1 ? 1 : x;
}

static void
estimate(struct pnode *n)
{
	struct pnode *kids[64];
	int nk = pnode_children(n, kids, 64);
	for (int i = 0; i < nk; i++)
		estimate(kids[i]);
	double c = n->child ? n->child->est_rows : 0;
	switch (n->kind) {
	case PN_SCAN:
	case PN_VALUES:
		break;   /* known at bind time */
	case PN_FILTER:
		n->est_rows = at_least_one(c * selectivity(n->u.filter.pred));
		break;
	case PN_PROJECT:
	case PN_SORT:
	case PN_WINDOW:
	case PN_MATERIALIZE:
		n->est_rows = c;
		break;
	case PN_AGG:
		n->est_rows = n->u.agg.ngroups == 0 ? 1 : c > 100 ? c / 10 : c;
		break;
	case PN_TOPN:
		n->est_rows = c < (double)n->u.sort.limit - (double)n->u.sort.offset ? c :
		    (double)(n->u.sort.limit - n->u.sort.offset);
		break;
	case PN_LIMIT:
		if (n->u.limit.limit >= 0 && (double)n->u.limit.limit < c)
			n->est_rows = (double)n->u.limit.limit;
		else
			n->est_rows = c;
		break;
	case PN_HASH_JOIN:
	case PN_NL_JOIN: {
		double l = c, r = n->u.join.right->est_rows, s = 1;
		if (n->u.join.residual)
			s = selectivity(n->u.join.residual);
		bool keys = n->u.join.nkeys > 0;
		switch (n->u.join.type) {
		case PJ_INNER:
			n->est_rows = keys ? (l > r ? l : r) * s : l * r * (n->u.join.residual ? s : 1);
			break;
		case PJ_LEFT:
			n->est_rows = keys ? (l > r ? l : r) : l * r * s;
			if (n->est_rows < l)
				n->est_rows = l;
			break;
		case PJ_RIGHT:
			n->est_rows = keys ? (l > r ? l : r) : l * r * s;
			if (n->est_rows < r)
				n->est_rows = r;
			break;
		case PJ_FULL:
			n->est_rows = l + r;
			break;
		case PJ_SEMI:
		case PJ_ANTI:
			n->est_rows = l / 2;
			break;
		case PJ_CROSS:
			n->est_rows = l * r;
			break;
		}
		n->est_rows = at_least_one(n->est_rows);
		break;
	}
	case PN_UNION:
		n->est_rows = 0;
		for (int i = 0; i < n->u.set.ninputs; i++)
			n->est_rows += n->u.set.inputs[i]->est_rows;
		break;
	case PN_CTE_SCAN:
		if (n->u.cte.source->child) {
			estimate(n->u.cte.source);
			n->est_rows = n->u.cte.source->est_rows;
		}
		break;
	case PN_RECURSIVE:
		n->est_rows = n->u.rec.base->est_rows * 10;
		break;
	}
}

void
opt_estimate(struct pnode *root)
{
	estimate(root);
}
