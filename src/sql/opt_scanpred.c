/*
 * Scan pruning hints: the conjuncts of a filter directly above a scan that
 * read `column op constant` become the scan's scan_preds (store/scan_pred.h),
 * so a source can skip row groups or files whose statistics rule them out.
 * The filter stays where it is (a source may ignore the hints). Shapes:
 *   col = | < | <= | > | >= const   (either side; the constant of the
 *                                    column's type, as binding and constant
 *                                    folding leave literals)
 *   col IS [NOT] NULL
 *   col IN (c1, c2, ...)            as col >= min(ci) AND col <= max(ci)
 * Anything else (casts of the column, functions, OR) gives no hint.
 */
#include "sql/optimizer.h"
#include "store/scan_pred.h"
#include "core/strbuf.h"

#include <string.h>

struct hints {
	struct scan_pred v[32];
	int n;
	struct strbuf text;
};

static enum scan_op
op_of(const char *name, bool flip)
{
	static const struct {
		const char *name;
		enum scan_op op, flipped;
	} ops[] = {
		{"=", SCAN_EQ, SCAN_EQ}, {"<", SCAN_LT, SCAN_GT}, {"<=", SCAN_LE, SCAN_GE},
		{">", SCAN_GT, SCAN_LT}, {">=", SCAN_GE, SCAN_LE},
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strcmp(name, ops[i].name) == 0)
			return flip ? ops[i].flipped : ops[i].op;
	return 0;
}

static bool
usable_const(const struct bexpr *e, wb_type t)
{
	/* lists have no min/max statistics (and no order scan_value_cmp knows) */
	return e->kind == BX_CONST && !e->u.value.is_null && e->u.value.type == t && t != WB_TYPE_INTERVAL &&
	    !type_is_list(t);
}

/* names: the scan's output names; out: its output column (for EXPLAIN's
 * list of the columns that prune) */
static void
add(struct hints *h, int col, enum scan_op op, const struct wb_value *v, char *const *names, int out)
{
	if (h->n == (int)(sizeof h->v / sizeof h->v[0]))
		return;
	bool listed = false;
	for (int i = 0; i < h->n; i++)
		listed |= h->v[i].col == col;
	h->v[h->n++] = (struct scan_pred){col, op, v ? *v : (struct wb_value){0}};
	if (!listed)
		sb_printf(&h->text, "%s%s", h->text.len ? ", " : "", names[out]);
}

static void
collect(struct hints *h, const struct bexpr *e, const struct pnode *scan)
{
	const int *proj = scan->u.scan.proj;
	if (e->kind == BX_AND) {
		for (int i = 0; i < e->nargs; i++)
			collect(h, e->args[i], scan);
		return;
	}
	if (e->kind == BX_IS_NULL && e->args[0]->kind == BX_COLUMN) {
		int c = e->args[0]->u.column;
		add(h, proj[c], e->negate ? SCAN_NOT_NULL : SCAN_IS_NULL, NULL, scan->names, c);
		return;
	}
	if (e->kind == BX_IN && !e->negate && e->args[0]->kind == BX_COLUMN) {
		const struct bexpr *c = e->args[0];
		const struct wb_value *lo = NULL, *hi = NULL;
		for (int i = 1; i < e->nargs; i++) {
			const struct bexpr *x = e->args[i];
			if (x->kind == BX_CONST && x->u.value.is_null)
				continue;    /* = NULL never holds */
			if (!usable_const(x, c->type) || (x->u.value.type == WB_TYPE_DOUBLE && x->u.value.u.d != x->u.value.u.d))
				return;    /* NaN would need the top of the order */
			if (lo == NULL || scan_value_cmp(&x->u.value, lo) < 0)
				lo = &x->u.value;
			if (hi == NULL || scan_value_cmp(&x->u.value, hi) > 0)
				hi = &x->u.value;
		}
		if (lo == NULL)
			return;
		add(h, proj[c->u.column], SCAN_GE, lo, scan->names, c->u.column);
		if (h->n < (int)(sizeof h->v / sizeof h->v[0]))
			h->v[h->n++] = (struct scan_pred){proj[c->u.column], SCAN_LE, *hi};
		return;
	}
	if (e->kind != BX_FUNC || e->nargs != 2)
		return;
	const struct bexpr *a = e->args[0], *b = e->args[1];
	bool flip = false;
	if (a->kind != BX_COLUMN) {
		const struct bexpr *t = a;
		a = b;
		b = t;
		flip = true;
	}
	if (a->kind != BX_COLUMN || !usable_const(b, a->type))
		return;
	enum scan_op op = op_of(e->u.func.fn->name, flip);
	if (op == 0)
		return;
	add(h, proj[a->u.column], op, &b->u.value, scan->names, a->u.column);
}

static void
walk(struct arena *ar, struct pnode *n, struct pnode **seen, int *nseen)
{
	if (n->kind == PN_FILTER && n->child->kind == PN_SCAN && n->child->u.scan.npreds == 0) {
		struct pnode *scan = n->child;
		struct hints h = {.n = 0, .text = STRBUF_INIT};
		collect(&h, n->u.filter.pred, scan);
		if (h.n > 0) {
			scan->u.scan.preds = arena_alloc(ar, sizeof(struct scan_pred) * (size_t)h.n);
			memcpy(scan->u.scan.preds, h.v, sizeof(struct scan_pred) * (size_t)h.n);
			scan->u.scan.npreds = h.n;
			scan->u.scan.preds_sql = arena_strdup(ar, sb_str(&h.text));
		}
		sb_free(&h.text);
	}
	if (n->kind == PN_CTE_SCAN) {
		struct pnode *m = n->u.cte.source;
		for (int i = 0; i < *nseen; i++)
			if (seen[i] == m)
				return;
		if (*nseen < 256 && m->child) {
			seen[(*nseen)++] = m;
			walk(ar, m->child, seen, nseen);
		}
		return;
	}
	struct pnode *kids[64];
	int nk = pnode_children(n, kids, 64);
	for (int i = 0; i < nk; i++)
		walk(ar, kids[i], seen, nseen);
}

void
opt_scan_preds(struct arena *a, struct pnode *root)
{
	struct pnode *seen[256];
	int nseen = 0;
	walk(a, root, seen, &nseen);
}
