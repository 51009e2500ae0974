/*
 * bind_pivot: PIVOT and UNPIVOT in FROM (Spark / SQL-standard syntax).
 *
 *   src PIVOT (agg(x) [AS a], ... FOR col IN (v1 [AS n1], ...))
 *     = SELECT <other columns>, agg(x) FILTER (WHERE col = v1) AS n1, ...
 *       FROM src GROUP BY <other columns>
 *     where <other columns> are the source columns neither the aggregates
 *     nor the FOR columns use. One aggregate: a column per value, named
 *     after it; several: <value>_<aggregate alias>.
 *
 *   src UNPIVOT [INCLUDE NULLS] (v FOR name IN (c1 [AS a1], ...))
 *     = one row per source row and listed column: the other columns, name
 *       = 'a1' (or 'c1'), v = c1; rows whose value is NULL are dropped
 *       unless INCLUDE NULLS. Several value columns: (v1, v2) FOR name IN
 *       ((c1, c2) AS a, ...).
 *
 * Both are rewritten into a SELECT (PIVOT) or a UNION ALL over one
 * materialisation of the source (UNPIVOT), bound over the already bound
 * source (an AST_BOUND relation).
 */
#include "sql/bind_int.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct ast *
bound_rel(struct binder *b, struct pnode *p, struct scope *s, int pos)
{
	struct ast *r = ast_new(b->arena, AST_BOUND, pos);
	r->u.bound.plan = p;
	struct scope *copy = arena_zalloc(b->arena, sizeof *copy);
	*copy = *s;
	r->u.bound.scope = copy;
	return r;
}

static struct ast *
colref(struct binder *b, const struct scope_col *c, int pos)
{
	struct ast *r = ast_new(b->arena, AST_COLREF, pos);
	if (c->qual) {
		r->u.name.n = 2;
		r->u.name.parts[0] = (char *)c->qual;
		r->u.name.parts[1] = (char *)c->name;
	} else {
		r->u.name.n = 1;
		r->u.name.parts[0] = (char *)c->name;
	}
	return r;
}

static struct ast *
binary(struct binder *b, const char *op, struct ast *l, struct ast *r, int pos)
{
	struct ast *e = ast_new(b->arena, AST_BINARY, pos);
	e->u.binary.op = op;
	e->u.binary.left = l;
	e->u.binary.right = r;
	return e;
}

/* The text a pivot value gives its column: the constant as wb prints it. */
static char *
value_name(struct binder *b, struct ast *v)
{
	struct strbuf sb = STRBUF_INIT;
	struct ast_list one = {.n = 1, .v = &v};
	struct ast_list *items = v->kind == AST_LIST ? &v->u.list.items : &one;
	for (int i = 0; i < items->n; i++) {
		struct wb_value val;
		if (i)
			sb_putc(&sb, '_');
		if (bind_constant(b, items->v[i], &val) < 0)
			return NULL;
		value_format(&val, &sb, "NULL");
	}
	char *s = arena_strdup(b->arena, sb_str(&sb));
	sb_free(&sb);
	return s;
}

struct pnode *
bind_pivot(struct binder *b, struct ast *pv, struct scope *out)
{
	struct scope src = {0};
	struct pnode *plan = bind_from(b, pv->u.pivot.source, &src);
	if (plan == NULL)
		return NULL;
	int nfor = pv->u.pivot.for_cols.n, naggs = pv->u.pivot.aggs.n;
	/* which source columns the aggregates and FOR columns use */
	bool *used = xcalloc((size_t)src.ncol + 1, 1);
	struct agg_collect ac = {0};
	struct bind_env env = {.scope = &src, .agg = &ac, .clause = "PIVOT"};
	for (int a = 0; a < naggs; a++) {
		struct ast *ae = pv->u.pivot.aggs.v[a]->u.item.expr;
		if (!ast_has_aggregate(ae)) {
			err_set(b->err, ae->pos, "PIVOT needs aggregates (such as sum(x) or count(*)) before FOR");
			free(used);
			return NULL;
		}
		if (bind_expr(b, ae, &env) == NULL) {
			free(used);
			return NULL;
		}
	}
	for (int a = 0; a < ac.n; a++) {
		for (int k = 0; k < ac.aggs[a].nargs; k++)
			bexpr_columns_used(ac.aggs[a].args[k], used, src.ncol);
		if (ac.aggs[a].filter)
			bexpr_columns_used(ac.aggs[a].filter, used, src.ncol);
	}
	struct bind_env fenv = {.scope = &src, .clause = "PIVOT FOR"};
	for (int f = 0; f < nfor; f++) {
		struct bexpr *e = bind_expr(b, pv->u.pivot.for_cols.v[f], &fenv);
		if (e == NULL) {
			free(used);
			return NULL;
		}
		bexpr_columns_used(e, used, src.ncol);
	}
	/* SELECT <group columns>, <agg per value> FROM <bound source> GROUP BY <group columns> */
	struct ast *sel = ast_new(b->arena, AST_SELECT, pv->pos);
	sel->u.select.from = bound_rel(b, plan, &src, pv->pos);
	for (int i = 0; i < src.ncol; i++) {
		if (used[i] || src.cols[i].hidden)
			continue;
		struct ast *it = ast_new(b->arena, AST_SELECT_ITEM, pv->pos);
		it->u.item.expr = colref(b, &src.cols[i], pv->pos);
		it->u.item.alias = (char *)src.cols[i].name;
		ast_list_add(b->arena, &sel->u.select.items, it);
		ast_list_add(b->arena, &sel->u.select.group, colref(b, &src.cols[i], pv->pos));
	}
	free(used);
	for (int v = 0; v < pv->u.pivot.in_values.n; v++) {
		struct ast *vi = pv->u.pivot.in_values.v[v];
		struct ast *val = vi->u.item.expr;
		int nval = val->kind == AST_LIST ? val->u.list.items.n : 1;
		if (nval != nfor) {
			err_set(b->err, val->pos, "PIVOT has %d FOR column%s but this IN value has %d", nfor, nfor == 1 ? "" : "s", nval);
			return NULL;
		}
		char *vname = vi->u.item.alias ? vi->u.item.alias : value_name(b, val);
		if (vname == NULL)
			return NULL;
		/* FOR columns = this value */
		struct ast *cond = NULL;
		for (int f = 0; f < nfor; f++) {
			struct ast *rhs = val->kind == AST_LIST ? val->u.list.items.v[f] : val;
			struct ast *eq = binary(b, "=", pv->u.pivot.for_cols.v[f], rhs, val->pos);
			cond = cond ? binary(b, "AND", cond, eq, val->pos) : eq;
		}
		for (int a = 0; a < naggs; a++) {
			struct ast *ai = pv->u.pivot.aggs.v[a];
			struct ast *ae = ai->u.item.expr;
			if (ae->kind != AST_FUNC) {
				err_set(b->err, ae->pos, "a PIVOT aggregate must be a single aggregate call such as sum(x)");
				return NULL;
			}
			struct ast *call = ast_new(b->arena, AST_FUNC, ae->pos);
			*call = *ae;
			call->u.func.filter = ae->u.func.filter ? binary(b, "AND", ae->u.func.filter, cond, ae->pos) : cond;
			struct ast *it = ast_new(b->arena, AST_SELECT_ITEM, ae->pos);
			it->u.item.expr = call;
			if (naggs == 1)
				it->u.item.alias = vname;
			else
				it->u.item.alias = arena_printf(b->arena, "%s_%s", vname, ai->u.item.alias ? ai->u.item.alias : bind_expr_name(b, ae));
			ast_list_add(b->arena, &sel->u.select.items, it);
		}
	}
	if (sel->u.select.group.n == 0)
		sel->u.select.group_kind = GROUP_PLAIN;
	struct scope s = {0};
	struct pnode *p = bind_select(b, sel, NULL, &s);
	if (p == NULL)
		return NULL;
	scope_from_plan(b, out, p, pv->u.pivot.alias);
	return p;
}

struct pnode *
bind_unpivot(struct binder *b, struct ast *up, struct scope *out)
{
	struct scope src = {0};
	struct pnode *plan = bind_from(b, up->u.unpivot.source, &src);
	if (plan == NULL)
		return NULL;
	int nv = up->u.unpivot.value_cols.n, nin = up->u.unpivot.in_cols.n;
	if (up->u.unpivot.name_cols.n != 1) {
		err_set(b->err, up->pos, "UNPIVOT takes one name column after FOR");
		return NULL;
	}
	/* the listed columns, per IN item */
	int *cols = arena_zalloc(b->arena, sizeof(int) * (size_t)(nin * nv + 1));
	bool *listed = xcalloc((size_t)src.ncol + 1, 1);
	struct bind_env env = {.scope = &src, .clause = "UNPIVOT"};
	wb_type *vt = arena_zalloc(b->arena, sizeof(wb_type) * (size_t)nv);
	for (int i = 0; i < nin; i++) {
		struct ast *e = up->u.unpivot.in_cols.v[i]->u.item.expr;
		int n = e->kind == AST_LIST ? e->u.list.items.n : 1;
		if (n != nv) {
			err_set(b->err, e->pos, "UNPIVOT has %d value column%s but this IN item has %d", nv, nv == 1 ? "" : "s", n);
			free(listed);
			return NULL;
		}
		for (int k = 0; k < nv; k++) {
			struct ast *c = e->kind == AST_LIST ? e->u.list.items.v[k] : e;
			struct bexpr *be = c->kind == AST_COLREF ? bind_expr(b, c, &env) : NULL;
			if (be == NULL || be->kind != BX_COLUMN) {
				if (!err_isset(b->err))
					err_set(b->err, c->pos, "UNPIVOT IN lists columns of the source");
				free(listed);
				return NULL;
			}
			cols[i * nv + k] = be->u.column;
			listed[be->u.column] = true;
			wb_type t = src.cols[be->u.column].type;
			if (i == 0) {
				vt[k] = t;
			} else if (!fn_common_type(vt[k], t, &vt[k])) {
				err_set(b->err, c->pos, "UNPIVOT cannot put %s and %s values in one column", type_name(vt[k]), type_name(t));
				err_hint(b->err, "CAST the columns to one type in a subquery first");
				free(listed);
				return NULL;
			}
		}
	}
	/* each branch: kept columns, the name, the values */
	int nkeep = 0;
	for (int i = 0; i < src.ncol; i++)
		nkeep += !listed[i] && !src.cols[i].hidden;
	int ncol = nkeep + 1 + nv;
	struct pnode *m = pnode_new(b->arena, PN_MATERIALIZE, plan, plan->ncol);
	memcpy(m->types, plan->types, sizeof(wb_type) * (size_t)plan->ncol);
	memcpy(m->names, plan->names, sizeof(char *) * (size_t)plan->ncol);
	m->u.cte.name = "unpivot input";
	m->u.cte.forced = nin > 1;
	m->est_rows = plan->est_rows;
	struct pnode *u = pnode_new(b->arena, PN_UNION, NULL, ncol);
	u->u.set.ninputs = nin;
	u->u.set.inputs = arena_zalloc(b->arena, sizeof(struct pnode *) * (size_t)nin);
	char **names = arena_zalloc(b->arena, sizeof(char *) * (size_t)ncol);
	for (int i = 0; i < nin; i++) {
		struct ast *item = up->u.unpivot.in_cols.v[i];
		struct pnode *scan = pnode_new(b->arena, PN_CTE_SCAN, NULL, plan->ncol);
		memcpy(scan->types, plan->types, sizeof(wb_type) * (size_t)plan->ncol);
		memcpy(scan->names, plan->names, sizeof(char *) * (size_t)plan->ncol);
		scan->u.cte.source = m;
		scan->u.cte.name = m->u.cte.name;
		scan->est_rows = plan->est_rows;
		struct bexpr **ex = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)ncol);
		int k = 0;
		for (int c = 0; c < src.ncol; c++) {
			if (listed[c] || src.cols[c].hidden)
				continue;
			ex[k] = bexpr_column(b->arena, c, src.cols[c].type);
			names[k++] = (char *)src.cols[c].name;
		}
		const char *label = item->u.item.alias;
		if (label == NULL)
			label = nv == 1 ? src.cols[cols[i * nv]].name : value_name(b, item->u.item.expr);
		if (label == NULL) {
			free(listed);
			return NULL;
		}
		if (label[0] == '\'') {
			/* a quoted alias token: its text */
			size_t n = strlen(label);
			label = arena_strndup(b->arena, label + 1, n >= 2 ? n - 2 : 0);
		}
		struct wb_value lv = {.type = WB_TYPE_VARCHAR, .u.s = wb_str_c(label)};
		ex[k] = bexpr_const(b->arena, &lv, item->pos);
		names[k++] = up->u.unpivot.name_cols.v[0]->u.name.parts[0];
		struct bexpr **nn = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)nv);
		for (int v = 0; v < nv; v++) {
			int c = cols[i * nv + v];
			ex[k] = bind_coerce(b, bexpr_column(b->arena, c, src.cols[c].type), vt[v], item->pos);
			if (ex[k] == NULL) {
				free(listed);
				return NULL;
			}
			names[k] = up->u.unpivot.value_cols.v[v]->u.name.parts[0];
			struct bexpr *isn = bexpr_new(b->arena, BX_IS_NULL, WB_TYPE_BOOL, item->pos, 1);
			isn->args[0] = bexpr_column(b->arena, c, src.cols[c].type);
			isn->negate = true;
			nn[v] = isn;
			k++;
		}
		struct pnode *in = scan;
		if (!up->u.unpivot.include_nulls) {
			/* a row is dropped when all its values are NULL */
			struct bexpr *any = nn[0];
			if (nv > 1) {
				any = bexpr_new(b->arena, BX_OR, WB_TYPE_BOOL, item->pos, nv);
				memcpy(any->args, nn, sizeof(struct bexpr *) * (size_t)nv);
			}
			in = bind_filter(b, scan, any);
			in->est_rows = scan->est_rows * 0.9;
		}
		u->u.set.inputs[i] = bind_project(b, in, ncol, ex, names);
		u->est_rows += u->u.set.inputs[i]->est_rows;
	}
	free(listed);
	u->child = u->u.set.inputs[0];
	memcpy(u->types, u->child->types, sizeof(wb_type) * (size_t)ncol);
	memcpy(u->names, u->child->names, sizeof(char *) * (size_t)ncol);
	scope_from_plan(b, out, u, up->u.unpivot.alias);
	return u;
}
