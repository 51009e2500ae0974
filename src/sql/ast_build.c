/* Building parse trees for statements rewritten into queries (ast.h). */
#include "sql/ast.h"

#include <stdarg.h>

struct ast *
ast_mk_col(struct arena *a, const char *qual, const char *name, int pos)
{
	struct ast *c = ast_new(a, AST_COLREF, pos);
	if (qual) {
		c->u.name.n = 2;
		c->u.name.parts[0] = (char *)qual;
		c->u.name.parts[1] = (char *)name;
	} else {
		c->u.name.n = 1;
		c->u.name.parts[0] = (char *)name;
	}
	return c;
}

struct ast *
ast_mk_int(struct arena *a, int64_t v, int pos)
{
	struct ast *l = ast_new(a, AST_LITERAL, pos);
	l->u.lit.type = WB_TYPE_BIGINT;
	l->u.lit.u.i = v;
	return l;
}

struct ast *
ast_mk_bool(struct arena *a, bool v, int pos)
{
	struct ast *l = ast_new(a, AST_LITERAL, pos);
	l->u.lit.type = WB_TYPE_BOOL;
	l->u.lit.u.b = v;
	return l;
}

struct ast *
ast_mk_null(struct arena *a, int pos)
{
	struct ast *l = ast_new(a, AST_LITERAL, pos);
	l->u.lit.type = WB_TYPE_NULL;
	l->u.lit.is_null = true;
	return l;
}

struct ast *
ast_mk_double(struct arena *a, double v, int pos)
{
	struct ast *l = ast_new(a, AST_LITERAL, pos);
	l->u.lit.type = WB_TYPE_DOUBLE;
	l->u.lit.u.d = v;
	return l;
}

struct ast *
ast_mk_str(struct arena *a, const char *s, int pos)
{
	struct ast *l = ast_new(a, AST_LITERAL, pos);
	l->u.lit.type = WB_TYPE_VARCHAR;
	l->u.lit.u.s = wb_str_c(arena_strdup(a, s));
	return l;
}

struct ast *
ast_mk_binary(struct arena *a, const char *op, struct ast *l, struct ast *r)
{
	struct ast *e = ast_new(a, AST_BINARY, l->pos);
	e->u.binary.op = op;
	e->u.binary.left = l;
	e->u.binary.right = r;
	return e;
}

struct ast *
ast_mk_not(struct arena *a, struct ast *e)
{
	struct ast *n = ast_new(a, AST_UNARY, e->pos);
	n->u.unary.op = "NOT";
	n->u.unary.arg = e;
	return n;
}

struct ast *
ast_mk_is_true(struct arena *a, struct ast *e)
{
	struct ast *is = ast_new(a, AST_IS, e->pos);
	is->u.is.what = IS_TRUE;
	is->u.is.arg = e;
	return is;
}

struct ast *
ast_mk_is_null(struct arena *a, struct ast *e, bool not)
{
	struct ast *is = ast_new(a, AST_IS, e->pos);
	is->u.is.what = IS_NULL;
	is->u.is.arg = e;
	is->u.is.not = not;
	return is;
}

struct ast *
ast_mk_cast(struct arena *a, struct ast *e, wb_type type)
{
	struct ast *c = ast_new(a, AST_CAST, e->pos);
	c->u.cast.arg = e;
	c->u.cast.type = type;
	c->u.cast.type_text = (char *)type_name(type);
	return c;
}

struct ast *
ast_mk_case(struct arena *a, int pos)
{
	return ast_new(a, AST_CASE, pos);
}

void
ast_case_when(struct arena *a, struct ast *kase, struct ast *cond, struct ast *then)
{
	struct ast *w = ast_new(a, AST_WHEN, cond->pos);
	w->u.when.cond = cond;
	w->u.when.then = then;
	ast_list_add(a, &kase->u.kase.whens, w);
}

struct ast *
ast_mk_func(struct arena *a, const char *name, int pos, int nargs, ...)
{
	struct ast *f = ast_new(a, AST_FUNC, pos);
	f->u.func.name = (char *)name;
	f->u.func.ignore_nulls = -1;
	va_list ap;
	va_start(ap, nargs);
	for (int i = 0; i < nargs; i++)
		ast_list_add(a, &f->u.func.args, va_arg(ap, struct ast *));
	va_end(ap);
	return f;
}

struct ast *
ast_mk_item(struct arena *a, struct ast *e, const char *alias)
{
	struct ast *it = ast_new(a, AST_SELECT_ITEM, e->pos);
	it->u.item.expr = e;
	it->u.item.alias = (char *)alias;
	return it;
}

struct ast *
ast_mk_select(struct arena *a, struct ast *from, struct ast_list *items, struct ast *where)
{
	int pos = from ? from->pos : 0;
	struct ast *q = ast_new(a, AST_QUERY, pos);
	struct ast *sel = ast_new(a, AST_SELECT, pos);
	sel->u.select.items = *items;
	sel->u.select.from = from;
	sel->u.select.where = where;
	q->u.query.body = sel;
	return q;
}

struct ast *
ast_mk_table(struct arena *a, const struct ast_name *name, const char *alias, void *object, int pos)
{
	struct ast *t = ast_new(a, AST_TABLE, pos);
	t->u.table.name = *name;
	t->u.table.alias = (char *)alias;
	t->u.table.object = object;
	return t;
}

struct ast *
ast_mk_derived(struct arena *a, struct ast *query, const char *alias)
{
	struct ast *d = ast_new(a, AST_DERIVED, query->pos);
	d->u.derived.query = query;
	d->u.derived.alias = (char *)alias;
	return d;
}

struct ast *
ast_mk_join(struct arena *a, enum ast_join_type type, struct ast *l, struct ast *r, struct ast *on)
{
	struct ast *j = ast_new(a, AST_JOIN, l->pos);
	j->u.join.type = type;
	j->u.join.left = l;
	j->u.join.right = r;
	j->u.join.on = on;
	return j;
}
