/* Query grammar: WITH, set operations, SELECT cores, FROM items and joins,
 * VALUES, PIVOT / UNPIVOT, ORDER BY / LIMIT / OFFSET. */
#include "sql/parse_int.h"

#include <string.h>
#include <strings.h>

static struct ast *P_setop_expr(struct parser *p);
static struct ast *P_select_core(struct parser *p);

/* [AS] alias [(c1, c2)]. need_as: only accept an alias after AS or a
 * plain name that cannot start the next clause. */
bool
P_alias(struct parser *p, char **alias, struct ast_list *col_aliases, bool need_as)
{
	bool as = P_accept_kw(p, KW_AS);
	if (!as && need_as)
		return true;
	if (!P_is_name(p)) {
		if (as)
			return parser_syntax_error(p, "an alias after AS"), false;
		return true;
	}
	/* A non-reserved keyword that starts a clause is not an alias. */
	if (!as) {
		const struct token *t = P_tok(p);
		if (t->type == TOK_IDENT && (t->kw == KW_PIVOT || t->kw == KW_UNPIVOT || t->kw == KW_ANTI ||
		    t->kw == KW_SEMI || t->kw == KW_VERSION || t->kw == KW_TIMESTAMP))
			return true;
	}
	*alias = P_tok_text(p, P_tok(p));
	p->cur++;
	if (col_aliases != NULL && P_is_op(p, "(")) {
		p->cur++;
		do {
			if (!P_is_name(p))
				return parser_syntax_error(p, "a column alias"), false;
			struct ast *c = ast_new(p->arena, AST_COLREF, P_tok(p)->pos);
			c->u.name.n = 1;
			c->u.name.parts[0] = P_tok_text(p, P_tok(p));
			p->cur++;
			ast_list_add(p->arena, col_aliases, c);
		} while (parser_accept_op(p, ","));
		if (!parser_expect_op(p, ")"))
			return false;
	}
	return true;
}

struct ast *
P_values(struct parser *p)
{
	struct ast *v = ast_new(p->arena, AST_VALUES, p->toks[p->cur - 1].pos);
	do {
		int pos = P_tok(p)->pos;
		struct ast *row = ast_new(p->arena, AST_LIST, pos);
		if (!parser_expect_op(p, "("))
			return NULL;
		if (!P_expr_list(p, &row->u.list.items) || !parser_expect_op(p, ")"))
			return NULL;
		if (v->u.values.rows.n > 0 && row->u.list.items.n != v->u.values.rows.v[0]->u.list.items.n) {
			p->err->pos = -1;
			err_set(p->err, pos, "VALUES rows must all have %d values, this one has %d",
			    v->u.values.rows.v[0]->u.list.items.n, row->u.list.items.n);
			return NULL;
		}
		ast_list_add(p->arena, &v->u.values.rows, row);
	} while (parser_accept_op(p, ","));
	return v;
}

struct ast *
P_query(struct parser *p)
{
	struct ast *q = ast_new(p->arena, AST_QUERY, P_tok(p)->pos);
	if (!P_enter(p))
		return NULL;
	if (P_accept_kw(p, KW_WITH)) {
		q->u.query.recursive = P_accept_kw(p, KW_RECURSIVE);
		do {
			struct ast *c = ast_new(p->arena, AST_CTE, P_tok(p)->pos);
			c->u.cte.name = parser_ident(p, "a name for the WITH query");
			if (c->u.cte.name == NULL)
				return NULL;
			if (P_is_op(p, "(")) {
				char *dummy = NULL;
				p->cur--;
				/* reuse alias-column parsing: name (a, b) */
				if (!P_alias(p, &dummy, &c->u.cte.columns, false))
					return NULL;
			}
			if (!P_expect_kw(p, KW_AS))
				return NULL;
			c->u.cte.materialized = -1;
			if (P_accept_kw(p, KW_MATERIALIZED)) {
				c->u.cte.materialized = 1;
			} else if (P_is_kw(p, KW_NOT) && P_is_kw_at(p, 1, KW_MATERIALIZED)) {
				p->cur += 2;
				c->u.cte.materialized = 0;
			}
			if (!parser_expect_op(p, "("))
				return NULL;
			c->u.cte.query = P_query(p);
			if (c->u.cte.query == NULL || !parser_expect_op(p, ")"))
				return NULL;
			ast_list_add(p->arena, &q->u.query.with, c);
		} while (parser_accept_op(p, ","));
	}
	q->u.query.body = P_setop_expr(p);
	if (q->u.query.body == NULL)
		return NULL;
	if (P_accept_kw(p, KW_ORDER)) {
		if (!P_expect_kw(p, KW_BY))
			return NULL;
		if (P_is_kw(p, KW_ALL) && !P_is_op_at(p, 1, "(")) {
			p->cur++;
			q->u.query.order_all = true;
			struct ast *o = ast_new(p->arena, AST_ORDER_ITEM, P_tok(p)->pos);
			o->u.order.nulls_first = -1;
			if (P_accept_kw(p, KW_DESC))
				o->u.order.desc = true;
			else
				P_accept_kw(p, KW_ASC);
			ast_list_add(p->arena, &q->u.query.order, o);
		} else if (!P_order_list(p, &q->u.query.order)) {
			return NULL;
		}
	}
	for (int k = 0; k < 2; k++) {
		if (q->u.query.limit == NULL && P_is_kw(p, KW_LIMIT)) {
			q->u.query.limit_pos = P_tok(p)->pos;
			p->cur++;
			if (P_accept_kw(p, KW_ALL))
				continue;
			q->u.query.limit = P_expr(p);
			if (q->u.query.limit == NULL)
				return NULL;
			if (parser_accept_op(p, ",")) {
				/* LIMIT offset, count (MySQL/SQLite) */
				q->u.query.offset = q->u.query.limit;
				q->u.query.limit = P_expr(p);
				if (q->u.query.limit == NULL)
					return NULL;
			}
		}
		if (q->u.query.offset == NULL && P_accept_kw(p, KW_OFFSET)) {
			q->u.query.offset = P_expr(p);
			if (q->u.query.offset == NULL)
				return NULL;
			if (!P_accept_kw(p, KW_ROWS))
				P_accept_kw(p, KW_ROW);
		}
	}
	if (q->u.query.limit == NULL && P_is_kw(p, KW_FETCH)) {
		/* FETCH FIRST|NEXT n ROWS ONLY */
		q->u.query.limit_pos = P_tok(p)->pos;
		p->cur++;
		if (!P_accept_kw(p, KW_FIRST) && !P_expect_kw(p, KW_NEXT))
			return NULL;
		q->u.query.limit = P_expr(p);
		if (q->u.query.limit == NULL)
			return NULL;
		if (!P_accept_kw(p, KW_ROWS) && !P_expect_kw(p, KW_ROW))
			return NULL;
		if (!P_expect_kw(p, KW_ONLY))
			return NULL;
	}
	P_leave(p);
	return q;
}

static struct ast *
P_set_term(struct parser *p)
{
	if (P_is_op(p, "(")) {
		p->cur++;
		struct ast *q = P_query(p);
		if (q == NULL || !parser_expect_op(p, ")"))
			return NULL;
		return q;
	}
	if (P_accept_kw(p, KW_VALUES))
		return P_values(p);
	if (P_is_kw(p, KW_SELECT) || P_is_kw(p, KW_FROM))
		return P_select_core(p);
	struct ast *ext = P_ext_query(p);
	if (ext != NULL || err_isset(p->err))
		return ext;
	if (P_is_kw(p, KW_TABLE)) {
		/* TABLE t == SELECT * FROM t */
		int pos = P_tok(p)->pos;
		p->cur++;
		struct ast *s = ast_new(p->arena, AST_SELECT, pos);
		struct ast *item = ast_new(p->arena, AST_SELECT_ITEM, pos);
		item->u.item.expr = ast_new(p->arena, AST_STAR, pos);
		ast_list_add(p->arena, &s->u.select.items, item);
		s->u.select.from = P_table_ref(p);
		return s->u.select.from ? s : NULL;
	}
	if (P_tok(p)->type == TOK_EOF)
		parser_error(p, "unexpected end of input, expected SELECT");
	else
		parser_syntax_error(p, "SELECT, VALUES or WITH");
	return NULL;
}

static int
setop_prec(struct parser *p)
{
	if (P_is_kw(p, KW_UNION) || P_is_kw(p, KW_EXCEPT))
		return 1;
	if (P_is_kw(p, KW_INTERSECT))
		return 2;
	if (P_is_name(p) && P_tok(p)->len == 5 && strncasecmp(P_tok(p)->text, "MINUS", 5) == 0)
		return 1;
	return 0;
}

static struct ast *
P_setop_rhs(struct parser *p, struct ast *left, int minprec)
{
	int prec;
	while ((prec = setop_prec(p)) >= minprec && prec > 0) {
		int pos = P_tok(p)->pos;
		struct ast *n = ast_new(p->arena, AST_SETOP, pos);
		if (P_is_kw(p, KW_UNION))
			n->u.setop.op = SETOP_UNION;
		else if (P_is_kw(p, KW_INTERSECT))
			n->u.setop.op = SETOP_INTERSECT;
		else
			n->u.setop.op = SETOP_EXCEPT;
		p->cur++;
		if (P_accept_kw(p, KW_ALL))
			n->u.setop.all = true;
		else
			P_accept_kw(p, KW_DISTINCT);
		if (P_is_kw(p, KW_BY) && P_tok(p + 0)->type == TOK_IDENT) {
			/* UNION BY NAME */
			if (p->cur + 1 < p->ntoks && p->toks[p->cur + 1].len == 4 &&
			    strncasecmp(p->toks[p->cur + 1].text, "NAME", 4) == 0) {
				p->cur += 2;
				n->u.setop.by_name = true;
			}
		}
		struct ast *right = P_set_term(p);
		if (right == NULL)
			return NULL;
		int next;
		while ((next = setop_prec(p)) > prec) {
			right = P_setop_rhs(p, right, next);
			if (right == NULL)
				return NULL;
		}
		n->u.setop.left = left;
		n->u.setop.right = right;
		left = n;
	}
	return left;
}

static struct ast *
P_setop_expr(struct parser *p)
{
	struct ast *left = P_set_term(p);
	if (left == NULL)
		return NULL;
	return P_setop_rhs(p, left, 1);
}

static bool
P_star_modifiers(struct parser *p, struct ast *star)
{
	for (;;) {
		if (P_accept_kw(p, KW_EXCLUDE) || (P_is_kw(p, KW_EXCEPT) && P_is_op_at(p, 1, "(") && (p->cur++, true))) {
			bool paren = parser_accept_op(p, "(");
			do {
				if (!P_is_name(p))
					return parser_syntax_error(p, "a column name"), false;
				struct ast *c = ast_new(p->arena, AST_COLREF, P_tok(p)->pos);
				c->u.name.n = 1;
				c->u.name.parts[0] = P_tok_text(p, P_tok(p));
				p->cur++;
				if (P_is_op(p, ".") && P_is_name_at(p, 1)) {
					p->cur++;
					c->u.name.parts[c->u.name.n++] = P_tok_text(p, P_tok(p));
					p->cur++;
				}
				ast_list_add(p->arena, &star->u.star.exclude, c);
			} while (paren && parser_accept_op(p, ","));
			if (paren && !parser_expect_op(p, ")"))
				return false;
		} else if (P_is_kw(p, KW_REPLACE) && P_is_op_at(p, 1, "(")) {
			p->cur += 2;
			do {
				struct ast *it = ast_new(p->arena, AST_SELECT_ITEM, P_tok(p)->pos);
				it->u.item.expr = P_expr(p);
				if (it->u.item.expr == NULL || !P_expect_kw(p, KW_AS))
					return false;
				it->u.item.alias = parser_ident(p, "a column name");
				if (it->u.item.alias == NULL)
					return false;
				ast_list_add(p->arena, &star->u.star.replace, it);
			} while (parser_accept_op(p, ","));
			if (!parser_expect_op(p, ")"))
				return false;
		} else {
			return true;
		}
	}
}

static bool
P_select_list(struct parser *p, struct ast *s)
{
	do {
		struct ast *it = ast_new(p->arena, AST_SELECT_ITEM, P_tok(p)->pos);
		it->u.item.expr = P_expr(p);
		if (it->u.item.expr == NULL)
			return false;
		if (it->u.item.expr->kind == AST_STAR) {
			if (!P_star_modifiers(p, it->u.item.expr))
				return false;
		} else {
			bool as = P_accept_kw(p, KW_AS);
			if (as || P_is_name(p) || P_tok(p)->type == TOK_STRING) {
				if (P_tok(p)->type == TOK_STRING || P_is_name(p)) {
					it->u.item.alias = P_tok_text(p, P_tok(p));
					p->cur++;
				} else {
					return parser_syntax_error(p, "an alias after AS"), false;
				}
			}
		}
		ast_list_add(p->arena, &s->u.select.items, it);
		/* trailing comma before FROM (DuckDB allows it) */
		if (P_is_op(p, ",") && (P_is_kw_at(p, 1, KW_FROM) || p->toks[p->cur + 1].type == TOK_EOF)) {
			p->cur++;
			break;
		}
	} while (parser_accept_op(p, ","));
	return true;
}

static bool
P_group_by(struct parser *p, struct ast *s)
{
	if (P_is_kw(p, KW_ALL) && !P_is_op_at(p, 1, "(")) {
		p->cur++;
		s->u.select.group_kind = GROUP_ALL;
		return true;
	}
	if ((P_is_kw(p, KW_ROLLUP) || P_is_kw(p, KW_CUBE)) && P_is_op_at(p, 1, "(")) {
		s->u.select.group_kind = P_is_kw(p, KW_ROLLUP) ? GROUP_ROLLUP : GROUP_CUBE;
		p->cur += 2;
		if (!P_expr_list(p, &s->u.select.group) || !parser_expect_op(p, ")"))
			return false;
		return true;
	}
	if (P_is_kw(p, KW_GROUPING) && P_is_kw_at(p, 1, KW_SETS)) {
		s->u.select.group_kind = GROUP_SETS;
		p->cur += 2;
		if (!parser_expect_op(p, "("))
			return false;
		do {
			struct ast *set = ast_new(p->arena, AST_LIST, P_tok(p)->pos);
			if (parser_accept_op(p, "(")) {
				if (!P_is_op(p, ")") && !P_expr_list(p, &set->u.list.items))
					return false;
				if (!parser_expect_op(p, ")"))
					return false;
			} else {
				struct ast *e = P_expr(p);
				if (e == NULL)
					return false;
				ast_list_add(p->arena, &set->u.list.items, e);
			}
			ast_list_add(p->arena, &s->u.select.group, set);
		} while (parser_accept_op(p, ","));
		return parser_expect_op(p, ")");
	}
	if (!P_expr_list(p, &s->u.select.group))
		return false;
	/* Spark: GROUP BY a, b WITH ROLLUP | WITH CUBE */
	if (P_is_kw(p, KW_WITH) && (P_is_kw_at(p, 1, KW_ROLLUP) || P_is_kw_at(p, 1, KW_CUBE))) {
		s->u.select.group_kind = P_is_kw_at(p, 1, KW_ROLLUP) ? GROUP_ROLLUP : GROUP_CUBE;
		p->cur += 2;
	}
	return true;
}

static struct ast *
P_select_core(struct parser *p)
{
	struct ast *s = ast_new(p->arena, AST_SELECT, P_tok(p)->pos);
	bool from_first = false;
	if (P_is_kw(p, KW_FROM)) {
		/* DuckDB's FROM-first: FROM t [SELECT ...] */
		from_first = true;
		p->cur++;
		s->u.select.from = P_table_ref(p);
		if (s->u.select.from == NULL)
			return NULL;
		while (parser_accept_op(p, ",")) {
			struct ast *r = P_table_ref(p);
			if (r == NULL)
				return NULL;
			struct ast *j = ast_new(p->arena, AST_JOIN, r->pos);
			j->u.join.type = JOIN_CROSS;
			j->u.join.left = s->u.select.from;
			j->u.join.right = r;
			s->u.select.from = j;
		}
		if (!P_is_kw(p, KW_SELECT)) {
			struct ast *item = ast_new(p->arena, AST_SELECT_ITEM, s->pos);
			item->u.item.expr = ast_new(p->arena, AST_STAR, s->pos);
			ast_list_add(p->arena, &s->u.select.items, item);
			goto after_from;
		}
	}
	if (!P_expect_kw(p, KW_SELECT))
		return NULL;
	if (P_accept_kw(p, KW_DISTINCT)) {
		s->u.select.distinct = true;
		if (P_accept_kw(p, KW_ON)) {
			if (!parser_expect_op(p, "(") || !P_expr_list(p, &s->u.select.distinct_on) ||
			    !parser_expect_op(p, ")"))
				return NULL;
		}
	} else {
		P_accept_kw(p, KW_ALL);
	}
	if (!P_select_list(p, s))
		return NULL;
	if (!from_first && P_accept_kw(p, KW_FROM)) {
		s->u.select.from = P_table_ref(p);
		if (s->u.select.from == NULL)
			return NULL;
		while (parser_accept_op(p, ",")) {
			struct ast *r = P_table_ref(p);
			if (r == NULL)
				return NULL;
			struct ast *j = ast_new(p->arena, AST_JOIN, r->pos);
			j->u.join.type = JOIN_CROSS;
			j->u.join.left = s->u.select.from;
			j->u.join.right = r;
			s->u.select.from = j;
		}
	}
after_from:
	if (P_accept_kw(p, KW_WHERE)) {
		s->u.select.where = P_expr(p);
		if (s->u.select.where == NULL)
			return NULL;
	}
	if (P_accept_kw(p, KW_GROUP)) {
		if (!P_expect_kw(p, KW_BY) || !P_group_by(p, s))
			return NULL;
	}
	if (P_accept_kw(p, KW_HAVING)) {
		s->u.select.having = P_expr(p);
		if (s->u.select.having == NULL)
			return NULL;
	}
	if (P_accept_kw(p, KW_WINDOW)) {
		do {
			struct ast *w = ast_new(p->arena, AST_WINDOW_SPEC, P_tok(p)->pos);
			w->u.win.name = parser_ident(p, "a window name");
			if (w->u.win.name == NULL || !P_expect_kw(p, KW_AS) || !parser_expect_op(p, "("))
				return NULL;
			if (P_window_spec_body(p, w) == NULL)
				return NULL;
			ast_list_add(p->arena, &s->u.select.windows, w);
		} while (parser_accept_op(p, ","));
	}
	if (P_accept_kw(p, KW_QUALIFY)) {
		s->u.select.qualify = P_expr(p);
		if (s->u.select.qualify == NULL)
			return NULL;
	}
	return s;
}

/* name [@vN | @yyyyMMddHHmmssSSS] [VERSION AS OF n] [TIMESTAMP AS OF x]
 * [FOR SYSTEM_VERSION AS OF n] [FOR SYSTEM_TIME AS OF x] */
static struct ast *
P_named_table(struct parser *p)
{
	struct ast *t = ast_new(p->arena, AST_TABLE, P_tok(p)->pos);
	if (!parser_qualified_name(p, &t->u.table.name))
		return NULL;
	if (P_is_op(p, "@")) {
		/* t@v3 (Delta's shorthand) */
		p->cur++;
		const struct token *v = P_tok(p);
		if (v->type == TOK_IDENT && (v->text[0] == 'v' || v->text[0] == 'V') && v->len > 1) {
			struct ast *lit = ast_new(p->arena, AST_LITERAL, v->pos);
			lit->u.lit.type = WB_TYPE_BIGINT;
			if (!parse_int64(v->text + 1, (size_t)v->len - 1, &lit->u.lit.u.i))
				return parser_syntax_error(p, "a version like @v3"), NULL;
			t->u.table.version = lit;
			p->cur++;
		} else if (v->type == TOK_INTEGER && v->len == 17) {
			/* t@yyyyMMddHHmmssSSS: a timestamp (Databricks) */
			const char *d = v->text;
			struct ast *lit = ast_new(p->arena, AST_LITERAL, v->pos);
			lit->u.lit.type = WB_TYPE_VARCHAR;
			lit->u.lit.u.s = wb_str_c(arena_printf(p->arena, "%.4s-%.2s-%.2s %.2s:%.2s:%.2s.%.3s", d, d + 4, d + 6,
			    d + 8, d + 10, d + 12, d + 14));
			t->u.table.timestamp = lit;
			p->cur++;
		} else if (v->type == TOK_INTEGER) {
			struct ast *lit = ast_new(p->arena, AST_LITERAL, v->pos);
			lit->u.lit.type = WB_TYPE_BIGINT;
			parse_int64(v->text, (size_t)v->len, &lit->u.lit.u.i);
			t->u.table.version = lit;
			p->cur++;
		} else {
			return parser_syntax_error(p, "a version like @v3"), NULL;
		}
	}
	for (;;) {
		/* FOR SYSTEM_VERSION AS OF / FOR SYSTEM_TIME AS OF (SQL:2011, Spark) */
		bool sys_version = false, sys_time = false;
		if (P_is_kw(p, KW_FOR) && P_is_kw_at(p, 2, KW_AS) && P_is_kw_at(p, 3, KW_OF)) {
			const struct token *w = parser_peek(p, 1);
			sys_version = w->type == TOK_IDENT && w->len == 14 && strncasecmp(w->text, "SYSTEM_VERSION", 14) == 0;
			sys_time = w->type == TOK_IDENT && w->len == 11 && strncasecmp(w->text, "SYSTEM_TIME", 11) == 0;
			if (sys_version || sys_time)
				p->cur++;
		}
		if (sys_version || (P_is_kw(p, KW_VERSION) && P_is_kw_at(p, 1, KW_AS) && P_is_kw_at(p, 2, KW_OF))) {
			p->cur += 3;
			t->u.table.version = P_expr(p);
			if (t->u.table.version == NULL)
				return NULL;
		} else if (sys_time || (P_is_kw(p, KW_TIMESTAMP) && P_is_kw_at(p, 1, KW_AS) && P_is_kw_at(p, 2, KW_OF))) {
			p->cur += 3;
			t->u.table.timestamp = P_expr(p);
			if (t->u.table.timestamp == NULL)
				return NULL;
		} else {
			break;
		}
	}
	if (!P_alias(p, &t->u.table.alias, &t->u.table.col_aliases, false))
		return NULL;
	return t;
}

static struct ast *
P_table_func(struct parser *p, char *name, int pos)
{
	struct ast *f = ast_new(p->arena, AST_TABLE_FUNC, pos);
	f->u.tfunc.name = name;
	if (!parser_expect_op(p, "("))
		return NULL;
	if (!P_is_op(p, ")")) {
		do {
			struct ast *a;
			/* named options: name = value | name => value | name := value */
			if (P_is_name(p) && (P_is_op_at(p, 1, "=") || P_is_op_at(p, 1, "=>") || P_is_op_at(p, 1, ":="))) {
				a = ast_new(p->arena, AST_NAMED_ARG, P_tok(p)->pos);
				a->u.named.name = P_tok_text(p, P_tok(p));
				p->cur += 2;
				a->u.named.value = P_expr(p);
				if (a->u.named.value == NULL)
					return NULL;
			} else if (P_is_kw(p, KW_TABLE) || P_is_kw(p, KW_SELECT) || P_is_kw(p, KW_WITH)) {
				/* table argument: TABLE t or a query */
				a = ast_new(p->arena, AST_SUBQUERY, P_tok(p)->pos);
				a->u.sub.query = P_query(p);
				if (a->u.sub.query == NULL)
					return NULL;
			} else {
				a = P_expr(p);
				if (a == NULL)
					return NULL;
			}
			ast_list_add(p->arena, &f->u.tfunc.args, a);
		} while (parser_accept_op(p, ","));
	}
	if (!parser_expect_op(p, ")"))
		return NULL;
	if (!P_alias(p, &f->u.tfunc.alias, &f->u.tfunc.col_aliases, false))
		return NULL;
	return f;
}

static struct ast *P_pivot_suffix(struct parser *p, struct ast *src);

static struct ast *
P_table_primary(struct parser *p)
{
	const struct token *t = P_tok(p);
	int pos = t->pos;
	struct ast *r = NULL;

	if (P_is_op(p, "(")) {
		p->cur++;
		if (P_is_kw(p, KW_SELECT) || P_is_kw(p, KW_WITH) || P_is_kw(p, KW_VALUES) ||
		    P_is_kw(p, KW_FROM) || P_is_op(p, "(") || P_at_ext_query(p)) {
			int save = p->cur;
			struct ast *q = NULL;
			if (!P_is_op(p, "("))
				q = P_query(p);
			else {
				/* ((SELECT ...)) or ((t JOIN u)): try a query first */
				struct wb_error *saved = p->err;
				struct wb_error tmp = WB_ERROR_INIT;
				p->err = &tmp;
				q = P_query(p);
				p->err = saved;
				if (q == NULL || !P_is_op(p, ")")) {
					err_clear(&tmp);
					p->cur = save;
					q = NULL;
				}
			}
			if (q != NULL) {
				if (!parser_expect_op(p, ")"))
					return NULL;
				r = ast_new(p->arena, AST_DERIVED, pos);
				r->u.derived.query = q;
				if (!P_alias(p, &r->u.derived.alias, &r->u.derived.col_aliases, false))
					return NULL;
				return P_pivot_suffix(p, r);
			}
			if (err_isset(p->err))
				return NULL;
		}
		r = P_table_ref(p);
		if (r == NULL || !parser_expect_op(p, ")"))
			return NULL;
		return P_pivot_suffix(p, r);
	}
	if (P_accept_kw(p, KW_LATERAL)) {
		if (!parser_expect_op(p, "("))
			return NULL;
		r = ast_new(p->arena, AST_DERIVED, pos);
		r->u.derived.lateral = true;
		r->u.derived.query = P_query(p);
		if (r->u.derived.query == NULL || !parser_expect_op(p, ")"))
			return NULL;
		if (!P_alias(p, &r->u.derived.alias, &r->u.derived.col_aliases, false))
			return NULL;
		return r;
	}
	if (P_accept_kw(p, KW_VALUES)) {
		r = P_values(p);
		if (r == NULL)
			return NULL;
		if (!P_alias(p, &r->u.values.alias, &r->u.values.col_aliases, false))
			return NULL;
		/* wrap so the binder sees a derived table */
		struct ast *q = ast_new(p->arena, AST_QUERY, pos);
		q->u.query.body = r;
		struct ast *d = ast_new(p->arena, AST_DERIVED, pos);
		d->u.derived.query = q;
		d->u.derived.alias = r->u.values.alias;
		d->u.derived.col_aliases = r->u.values.col_aliases;
		return d;
	}
	if (t->type == TOK_STRING) {
		/* FROM 'file.csv' */
		r = ast_new(p->arena, AST_TABLE_FUNC, pos);
		r->u.tfunc.name = "";
		struct ast *lit = ast_new(p->arena, AST_LITERAL, pos);
		lit->u.lit.type = WB_TYPE_VARCHAR;
		lit->u.lit.u.s = wb_str_c(P_tok_text(p, t));
		ast_list_add(p->arena, &r->u.tfunc.args, lit);
		p->cur++;
		if (!P_alias(p, &r->u.tfunc.alias, &r->u.tfunc.col_aliases, false))
			return NULL;
		return P_pivot_suffix(p, r);
	}
	struct ast *call = P_ext_call(p);
	if (call != NULL) {
		/* ML.PREDICT(...): an extension's table, as a derived table */
		struct ast *q = ast_new(p->arena, AST_QUERY, pos);
		q->u.query.body = call;
		r = ast_new(p->arena, AST_DERIVED, pos);
		r->u.derived.query = q;
		if (!P_alias(p, &r->u.derived.alias, &r->u.derived.col_aliases, false))
			return NULL;
		return P_pivot_suffix(p, r);
	}
	if (err_isset(p->err))
		return NULL;
	if (P_is_name(p)) {
		/* table function: name( ... ) (single-part name) */
		if (P_is_op_at(p, 1, "(")) {
			char *name = P_tok_text(p, t);
			p->cur++;
			r = P_table_func(p, name, pos);
		} else {
			r = P_named_table(p);
		}
		if (r == NULL)
			return NULL;
		return P_pivot_suffix(p, r);
	}
	if (t->type == TOK_EOF)
		parser_error(p, "unexpected end of input, expected a table name");
	else
		parser_syntax_error(p, "a table name, a table function, a file name or (subquery)");
	return NULL;
}

/* source PIVOT (agg [AS a], ... FOR col IN (v [AS a], ...)) [alias]
 * source UNPIVOT [INCLUDE NULLS] (value FOR name IN (c1 [AS a], ...)) [alias] */
static struct ast *
P_pivot_suffix(struct parser *p, struct ast *src)
{
	for (;;) {
		int pos = P_tok(p)->pos;
		if (P_accept_kw(p, KW_PIVOT)) {
			struct ast *pv = ast_new(p->arena, AST_PIVOT, pos);
			pv->u.pivot.source = src;
			if (!parser_expect_op(p, "("))
				return NULL;
			do {
				struct ast *it = ast_new(p->arena, AST_SELECT_ITEM, P_tok(p)->pos);
				it->u.item.expr = P_expr(p);
				if (it->u.item.expr == NULL)
					return NULL;
				if (P_accept_kw(p, KW_AS) || (P_is_name(p) && !P_is_kw(p, KW_FOR))) {
					it->u.item.alias = parser_ident(p, "an alias");
					if (it->u.item.alias == NULL)
						return NULL;
				}
				ast_list_add(p->arena, &pv->u.pivot.aggs, it);
			} while (parser_accept_op(p, ","));
			if (!P_expect_kw(p, KW_FOR))
				return NULL;
			{
				bool paren = parser_accept_op(p, "(");
				do {
					struct ast *c = ast_new(p->arena, AST_COLREF, P_tok(p)->pos);
					if (!parser_qualified_name(p, &c->u.name))
						return NULL;
					ast_list_add(p->arena, &pv->u.pivot.for_cols, c);
				} while (paren && parser_accept_op(p, ","));
				if (paren && !parser_expect_op(p, ")"))
					return NULL;
			}
			if (!P_expect_kw(p, KW_IN) || !parser_expect_op(p, "("))
				return NULL;
			do {
				struct ast *it = ast_new(p->arena, AST_SELECT_ITEM, P_tok(p)->pos);
				it->u.item.expr = P_expr(p);
				if (it->u.item.expr == NULL)
					return NULL;
				if (P_accept_kw(p, KW_AS) || P_is_name(p)) {
					it->u.item.alias = parser_ident(p, "an alias");
					if (it->u.item.alias == NULL)
						return NULL;
				}
				ast_list_add(p->arena, &pv->u.pivot.in_values, it);
			} while (parser_accept_op(p, ","));
			if (!parser_expect_op(p, ")"))
				return NULL;
			if (!parser_expect_op(p, ")"))
				return NULL;
			if (!P_alias(p, &pv->u.pivot.alias, NULL, false))
				return NULL;
			src = pv;
			continue;
		}
		if (P_accept_kw(p, KW_UNPIVOT)) {
			struct ast *up = ast_new(p->arena, AST_UNPIVOT, pos);
			up->u.unpivot.source = src;
			if (P_is_name(p) && P_tok(p)->len == 7 && strncasecmp(P_tok(p)->text, "INCLUDE", 7) == 0) {
				p->cur++;
				if (!P_expect_kw(p, KW_NULLS))
					return NULL;
				up->u.unpivot.include_nulls = true;
			} else if (P_is_kw(p, KW_EXCLUDE)) {
				p->cur++;
				if (!P_expect_kw(p, KW_NULLS))
					return NULL;
			}
			if (!parser_expect_op(p, "("))
				return NULL;
			struct ast_list *lists[2] = {&up->u.unpivot.value_cols, &up->u.unpivot.name_cols};
			for (int k = 0; k < 2; k++) {
				bool paren = parser_accept_op(p, "(");
				do {
					if (!P_is_name(p))
						return parser_syntax_error(p, "a column name"), NULL;
					struct ast *c = ast_new(p->arena, AST_COLREF, P_tok(p)->pos);
					c->u.name.n = 1;
					c->u.name.parts[0] = P_tok_text(p, P_tok(p));
					p->cur++;
					ast_list_add(p->arena, lists[k], c);
				} while (paren && parser_accept_op(p, ","));
				if (paren && !parser_expect_op(p, ")"))
					return NULL;
				if (k == 0 && !P_expect_kw(p, KW_FOR))
					return NULL;
			}
			if (!P_expect_kw(p, KW_IN) || !parser_expect_op(p, "("))
				return NULL;
			do {
				struct ast *it = ast_new(p->arena, AST_SELECT_ITEM, P_tok(p)->pos);
				it->u.item.expr = P_expr(p);
				if (it->u.item.expr == NULL)
					return NULL;
				if (P_accept_kw(p, KW_AS) || P_is_name(p) || P_tok(p)->type == TOK_STRING) {
					it->u.item.alias = P_tok_text(p, P_tok(p));
					p->cur++;
				}
				ast_list_add(p->arena, &up->u.unpivot.in_cols, it);
			} while (parser_accept_op(p, ","));
			if (!parser_expect_op(p, ")") || !parser_expect_op(p, ")"))
				return NULL;
			if (!P_alias(p, &up->u.unpivot.alias, NULL, false))
				return NULL;
			src = up;
			continue;
		}
		return src;
	}
}

static bool
P_join_type(struct parser *p, enum ast_join_type *type, bool *natural)
{
	int save = p->cur;
	*natural = P_accept_kw(p, KW_NATURAL);
	if (P_accept_kw(p, KW_JOIN)) {
		*type = JOIN_INNER;
		return true;
	}
	if (P_accept_kw(p, KW_INNER)) {
		*type = JOIN_INNER;
	} else if (P_accept_kw(p, KW_CROSS)) {
		*type = JOIN_CROSS;
	} else if (P_accept_kw(p, KW_LEFT)) {
		if (P_accept_kw(p, KW_SEMI))
			*type = JOIN_SEMI;
		else if (P_accept_kw(p, KW_ANTI))
			*type = JOIN_ANTI;
		else {
			P_accept_kw(p, KW_OUTER);
			*type = JOIN_LEFT;
		}
	} else if (P_accept_kw(p, KW_RIGHT)) {
		P_accept_kw(p, KW_OUTER);
		*type = JOIN_RIGHT;
	} else if (P_accept_kw(p, KW_FULL)) {
		P_accept_kw(p, KW_OUTER);
		*type = JOIN_FULL;
	} else if (P_is_kw(p, KW_SEMI) && P_is_kw_at(p, 1, KW_JOIN)) {
		p->cur++;
		*type = JOIN_SEMI;
	} else if (P_is_kw(p, KW_ANTI) && P_is_kw_at(p, 1, KW_JOIN)) {
		p->cur++;
		*type = JOIN_ANTI;
	} else {
		p->cur = save;
		return false;
	}
	if (!P_expect_kw(p, KW_JOIN))
		return false;
	return true;
}

struct ast *
P_table_ref(struct parser *p)
{
	if (!P_enter(p))
		return NULL;
	struct ast *left = P_table_primary(p);
	while (left != NULL) {
		int pos = P_tok(p)->pos;
		enum ast_join_type type;
		bool natural;
		if (!P_join_type(p, &type, &natural)) {
			if (err_isset(p->err))
				left = NULL;
			break;
		}
		struct ast *j = ast_new(p->arena, AST_JOIN, pos);
		j->u.join.type = type;
		j->u.join.natural = natural;
		j->u.join.left = left;
		j->u.join.right = P_table_primary(p);
		if (j->u.join.right == NULL)
			return NULL;
		if (type != JOIN_CROSS && !natural) {
			if (P_accept_kw(p, KW_ON)) {
				j->u.join.on = P_expr(p);
				if (j->u.join.on == NULL)
					return NULL;
			} else if (P_accept_kw(p, KW_USING)) {
				if (!parser_expect_op(p, "("))
					return NULL;
				do {
					if (!P_is_name(p))
						return parser_syntax_error(p, "a column name"), NULL;
					struct ast *c = ast_new(p->arena, AST_COLREF, P_tok(p)->pos);
					c->u.name.n = 1;
					c->u.name.parts[0] = P_tok_text(p, P_tok(p));
					p->cur++;
					ast_list_add(p->arena, &j->u.join.using_cols, c);
				} while (parser_accept_op(p, ","));
				if (!parser_expect_op(p, ")"))
					return NULL;
			} else {
				parser_syntax_error(p, "ON or USING after the joined table");
				return NULL;
			}
		}
		left = j;
	}
	P_leave(p);
	return left;
}
