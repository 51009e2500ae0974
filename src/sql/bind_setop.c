/* UNION [ALL], INTERSECT [ALL], EXCEPT [ALL] [BY NAME]. */
#include "sql/bind_int.h"
#include "func/func.h"

#include <string.h>
#include <strings.h>

struct pnode *
bind_distinct(struct binder *b, struct pnode *p)
{
	struct pnode *d = pnode_new(b->arena, PN_AGG, p, p->ncol);
	d->u.agg.ngroups = p->ncol;
	d->u.agg.groups = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(p->ncol ? p->ncol : 1));
	for (int i = 0; i < p->ncol; i++) {
		d->u.agg.groups[i] = bexpr_column(b->arena, i, p->types[i]);
		pnode_set_col(b->arena, d, i, p->names[i], p->types[i]);
	}
	d->est_rows = p->est_rows / 2 > 1 ? p->est_rows / 2 : 1;
	return d;
}

/* Flatten nested UNION ALLs into one node's input list. */
static void
collect_union(struct binder *b, struct pnode *p, struct pnode ***v, int *n, int *cap)
{
	if (p->kind == PN_UNION) {
		for (int i = 0; i < p->u.set.ninputs; i++)
			collect_union(b, p->u.set.inputs[i], v, n, cap);
		return;
	}
	if (*n == *cap) {
		int nc = *cap ? *cap * 2 : 4;
		struct pnode **nv = arena_alloc(b->arena, sizeof *nv * (size_t)nc);
		if (*n)
			memcpy(nv, *v, sizeof *nv * (size_t)*n);
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = p;
}

static const char *
op_name(const struct ast *n)
{
	return n->u.setop.op == SETOP_UNION ? "UNION" : n->u.setop.op == SETOP_INTERSECT ? "INTERSECT" : "EXCEPT";
}

struct pnode *
bind_setop(struct binder *b, struct ast *n, struct scope *out)
{
	struct scope ls = {0}, rs = {0};
	struct pnode *l = bind_body_plain(b, n->u.setop.left, &ls);
	if (l == NULL)
		return NULL;
	struct pnode *r = bind_body_plain(b, n->u.setop.right, &rs);
	if (r == NULL)
		return NULL;
	if (n->u.setop.by_name) {
		/* match the right side's columns to the left's by name; columns
		 * missing on one side are NULL there (DuckDB's UNION BY NAME) */
		int nl = l->ncol, extra = 0;
		int *rmap = arena_zalloc(b->arena, sizeof(int) * (size_t)(nl + r->ncol + 1));
		for (int i = 0; i < nl; i++) {
			rmap[i] = -1;
			for (int k = 0; k < r->ncol; k++)
				if (strcasecmp(l->names[i], r->names[k]) == 0)
					rmap[i] = k;
		}
		int *rextra = arena_zalloc(b->arena, sizeof(int) * (size_t)(r->ncol + 1));
		for (int k = 0; k < r->ncol; k++) {
			bool used = false;
			for (int i = 0; i < nl; i++)
				used |= rmap[i] == k;
			if (!used)
				rextra[extra++] = k;
		}
		int nout = nl + extra;
		struct bexpr **le = arena_zalloc(b->arena, sizeof *le * (size_t)(nout ? nout : 1));
		struct bexpr **re = arena_zalloc(b->arena, sizeof *re * (size_t)(nout ? nout : 1));
		char **names = arena_zalloc(b->arena, sizeof(char *) * (size_t)(nout ? nout : 1));
		for (int i = 0; i < nout; i++) {
			if (i < nl) {
				names[i] = l->names[i];
				le[i] = bexpr_column(b->arena, i, l->types[i]);
				if (rmap[i] >= 0) {
					re[i] = bexpr_column(b->arena, rmap[i], r->types[rmap[i]]);
				} else {
					struct wb_value nv = {.type = l->types[i], .is_null = true};
					re[i] = bexpr_const(b->arena, &nv, n->pos);
				}
			} else {
				int k = rextra[i - nl];
				names[i] = r->names[k];
				re[i] = bexpr_column(b->arena, k, r->types[k]);
				struct wb_value nv = {.type = r->types[k], .is_null = true};
				le[i] = bexpr_const(b->arena, &nv, n->pos);
			}
		}
		l = bind_project(b, l, nout, le, names);
		r = bind_project(b, r, nout, re, names);
	}
	if (l->ncol != r->ncol) {
		err_set(b->err, n->pos, "each %s query must have the same number of columns: %d on the left, %d on the right",
		    op_name(n), l->ncol, r->ncol);
		err_hint(b->err, "or use %s BY NAME to match columns by name", op_name(n));
		return NULL;
	}
	/* common column types */
	int nc = l->ncol;
	wb_type *types = arena_zalloc(b->arena, sizeof(wb_type) * (size_t)(nc ? nc : 1));
	for (int i = 0; i < nc; i++) {
		/* a column of untyped NULLs (SELECT NULL) takes the other side's type */
		if (bind_null_column(r, i))
			types[i] = l->types[i];
		else if (bind_null_column(l, i))
			types[i] = r->types[i];
		else if (!fn_common_type(l->types[i], r->types[i], &types[i])) {
			err_set(b->err, n->pos, "%s column %d (\"%s\") is %s on the left and %s on the right", op_name(n), i + 1,
			    l->names[i], type_name(l->types[i]), type_name(r->types[i]));
			err_hint(b->err, "CAST one side to the other's type");
			return NULL;
		}
		if (types[i] == WB_TYPE_NULL)
			types[i] = WB_TYPE_BIGINT;
	}
	l = bind_cast_columns(b, l, types, l->names, nc, n->pos);
	if (l == NULL)
		return NULL;
	r = bind_cast_columns(b, r, types, l->names, nc, n->pos);
	if (r == NULL)
		return NULL;
	struct pnode *p;
	if (n->u.setop.op == SETOP_UNION) {
		struct pnode **in = NULL;
		int ni = 0, ci = 0;
		collect_union(b, l, &in, &ni, &ci);
		collect_union(b, r, &in, &ni, &ci);
		p = pnode_new(b->arena, PN_UNION, in[0], nc);
		for (int i = 0; i < nc; i++)
			pnode_set_col(b->arena, p, i, l->names[i], types[i]);
		p->u.set.inputs = in;
		p->u.set.ninputs = ni;
		p->est_rows = 0;
		for (int i = 0; i < ni; i++)
			p->est_rows += in[i]->est_rows;
		if (!n->u.setop.all)
			p = bind_distinct(b, p);
	} else {
		/* INTERSECT: distinct left rows with a match on the right;
		 * EXCEPT: without one. Rows match when every column is equal or
		 * both NULL (set operations treat NULLs as equal). With ALL, each
		 * side numbers the copies of every row (row_number per row
		 * value) and copy k matches copy k: INTERSECT ALL keeps
		 * min(m, n) copies, EXCEPT ALL max(m - n, 0). */
		bool all = n->u.setop.all;
		struct pnode *dl = l;
		int nk = nc;
		if (all) {
			int *keys = arena_zalloc(b->arena, sizeof(int) * (size_t)(nc ? nc : 1));
			for (int i = 0; i < nc; i++)
				keys[i] = i;
			dl = bind_row_number(b, l, keys, nc, NULL, 0);
			r = bind_row_number(b, r, keys, nc, NULL, 0);
			nk = nc + 1;
		} else {
			dl = bind_distinct(b, l);
		}
		struct bexpr **conj = arena_zalloc(b->arena, sizeof *conj * (size_t)nk);
		for (int i = 0; i < nk; i++) {
			wb_type t = i < nc ? types[i] : WB_TYPE_BIGINT;
			struct bexpr *e = bexpr_new(b->arena, BX_IS_DISTINCT, WB_TYPE_BOOL, n->pos, 2);
			e->args[0] = bexpr_column(b->arena, i, t);
			e->args[1] = bexpr_column(b->arena, nk + i, t);
			e->negate = true;
			conj[i] = e;
		}
		p = bind_make_join(b, dl, r, n->u.setop.op == SETOP_INTERSECT ? PJ_SEMI : PJ_ANTI, bexpr_and(b->arena, conj, nk),
		    n->pos);
		if (all) {
			struct bexpr **ex = arena_zalloc(b->arena, sizeof *ex * (size_t)(nc ? nc : 1));
			for (int i = 0; i < nc; i++)
				ex[i] = bexpr_column(b->arena, i, types[i]);
			p = bind_project(b, p, nc, ex, l->names);
		}
		for (int i = 0; i < nc; i++)
			p->names[i] = l->names[i];
	}
	scope_from_plan(b, out, p, NULL);
	return p;
}
