/* Expression grammar (precedence from low to high):
 *   OR; AND; NOT; comparison / IS / BETWEEN / IN / LIKE; ||; + -; * / % DIV //;
 *   unary + - ; postfix ::type; primary. */
#include "sql/parse_int.h"
#include "core/datetime.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct ast *P_or(struct parser *p);

static struct ast *
mk_binary(struct parser *p, const char *op, struct ast *l, struct ast *r, int pos)
{
	struct ast *n = ast_new(p->arena, AST_BINARY, pos);
	n->u.binary.op = op;
	n->u.binary.left = l;
	n->u.binary.right = r;
	return n;
}

struct ast *
P_expr(struct parser *p)
{
	struct ast *e;
	if (!P_enter(p))
		return NULL;
	e = P_or(p);
	P_leave(p);
	return e;
}

bool
P_expr_list(struct parser *p, struct ast_list *out)
{
	do {
		struct ast *e = P_expr(p);
		if (e == NULL)
			return false;
		ast_list_add(p->arena, out, e);
	} while (parser_accept_op(p, ","));
	return true;
}

static struct ast *P_and(struct parser *p);
static struct ast *P_not(struct parser *p);
static struct ast *P_cmp(struct parser *p);
static struct ast *P_concat(struct parser *p);
static struct ast *P_add(struct parser *p);
static struct ast *P_mul(struct parser *p);
static struct ast *P_unary(struct parser *p);
static struct ast *P_postfix(struct parser *p);
static struct ast *P_primary(struct parser *p);

static struct ast *
P_or(struct parser *p)
{
	struct ast *l = P_and(p);
	while (l && P_is_kw(p, KW_OR)) {
		int pos = P_tok(p)->pos;
		p->cur++;
		struct ast *r = P_and(p);
		if (r == NULL)
			return NULL;
		l = mk_binary(p, "OR", l, r, pos);
	}
	return l;
}

static struct ast *
P_and(struct parser *p)
{
	struct ast *l = P_not(p);
	while (l && P_is_kw(p, KW_AND)) {
		int pos = P_tok(p)->pos;
		p->cur++;
		struct ast *r = P_not(p);
		if (r == NULL)
			return NULL;
		l = mk_binary(p, "AND", l, r, pos);
	}
	return l;
}

static struct ast *
P_not(struct parser *p)
{
	if (P_is_kw(p, KW_NOT) && !P_is_kw_at(p, 1, KW_EXISTS)) {
		int pos = P_tok(p)->pos;
		p->cur++;
		if (!P_enter(p))
			return NULL;
		struct ast *a = P_not(p);
		P_leave(p);
		if (a == NULL)
			return NULL;
		struct ast *n = ast_new(p->arena, AST_UNARY, pos);
		n->u.unary.op = "NOT";
		n->u.unary.arg = a;
		return n;
	}
	return P_cmp(p);
}

static const char *
cmp_op(struct parser *p)
{
	static const char *const ops[][2] = {
		{"=", "="}, {"==", "="}, {"<>", "<>"}, {"!=", "<>"}, {"<", "<"},
		{"<=", "<="}, {">", ">"}, {">=", ">="}, {"<=>", "<=>"},
	};
	const struct token *t = P_tok(p);
	if (t->type != TOK_OP)
		return NULL;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if ((int)strlen(ops[i][0]) == t->len && memcmp(t->text, ops[i][0], (size_t)t->len) == 0)
			return ops[i][1];
	return NULL;
}

static struct ast *
P_cmp(struct parser *p)
{
	struct ast *l = P_concat(p);
	if (l == NULL)
		return NULL;
	for (;;) {
		int pos = P_tok(p)->pos;
		const char *op = cmp_op(p);
		if (op != NULL) {
			p->cur++;
			struct ast *r = P_concat(p);
			if (r == NULL)
				return NULL;
			if (strcmp(op, "<=>") == 0) {
				/* a <=> b  ==  a IS NOT DISTINCT FROM b */
				struct ast *n = ast_new(p->arena, AST_IS, pos);
				n->u.is.what = IS_DISTINCT_FROM;
				n->u.is.arg = l;
				n->u.is.other = r;
				n->u.is.not = true;
				l = n;
			} else {
				l = mk_binary(p, op, l, r, pos);
			}
			continue;
		}
		if (P_is_kw(p, KW_IS)) {
			p->cur++;
			struct ast *n = ast_new(p->arena, AST_IS, pos);
			n->u.is.arg = l;
			n->u.is.not = P_accept_kw(p, KW_NOT);
			if (P_accept_kw(p, KW_NULL)) {
				n->u.is.what = IS_NULL;
			} else if (P_accept_kw(p, KW_TRUE)) {
				n->u.is.what = IS_TRUE;
			} else if (P_accept_kw(p, KW_FALSE)) {
				n->u.is.what = IS_FALSE;
			} else if (P_accept_kw(p, KW_DISTINCT)) {
				if (!P_expect_kw(p, KW_FROM))
					return NULL;
				n->u.is.what = IS_DISTINCT_FROM;
				n->u.is.other = P_concat(p);
				if (n->u.is.other == NULL)
					return NULL;
			} else {
				parser_syntax_error(p, "NULL, TRUE, FALSE or DISTINCT FROM after IS");
				return NULL;
			}
			l = n;
			continue;
		}
		bool not = false;
		int save = p->cur;
		if (P_is_kw(p, KW_NOT)) {
			not = true;
			p->cur++;
		}
		if (P_accept_kw(p, KW_BETWEEN)) {
			struct ast *n = ast_new(p->arena, AST_BETWEEN, pos);
			n->u.between.arg = l;
			n->u.between.not = not;
			n->u.between.lo = P_concat(p);
			if (n->u.between.lo == NULL || !P_expect_kw(p, KW_AND))
				return NULL;
			n->u.between.hi = P_concat(p);
			if (n->u.between.hi == NULL)
				return NULL;
			l = n;
			continue;
		}
		if (P_accept_kw(p, KW_IN)) {
			struct ast *n = ast_new(p->arena, AST_IN, pos);
			n->u.in.arg = l;
			n->u.in.not = not;
			if (!parser_expect_op(p, "("))
				return NULL;
			if (P_is_kw(p, KW_SELECT) || P_is_kw(p, KW_WITH) || P_is_kw(p, KW_VALUES)) {
				n->u.in.subquery = P_query(p);
				if (n->u.in.subquery == NULL)
					return NULL;
			} else if (!P_expr_list(p, &n->u.in.list)) {
				return NULL;
			}
			if (!parser_expect_op(p, ")"))
				return NULL;
			l = n;
			continue;
		}
		const char *likeop = NULL;
		if (P_is_kw(p, KW_LIKE))
			likeop = "like";
		else if (P_is_kw(p, KW_ILIKE))
			likeop = "ilike";
		else if (P_is_kw(p, KW_RLIKE) || P_is_kw(p, KW_REGEXP))
			likeop = "rlike";
		else if (P_is_kw(p, KW_GLOB))
			likeop = "glob";
		else if (P_is_kw(p, KW_SIMILAR) && P_is_kw_at(p, 1, KW_TO)) {
			likeop = "rlike";
			p->cur++;
		}
		if (likeop != NULL) {
			p->cur++;
			struct ast *n = ast_new(p->arena, AST_LIKE, pos);
			n->u.like.op = likeop;
			n->u.like.arg = l;
			n->u.like.not = not;
			n->u.like.pattern = P_concat(p);
			if (n->u.like.pattern == NULL)
				return NULL;
			if (P_accept_kw(p, KW_ESCAPE)) {
				n->u.like.escape = P_concat(p);
				if (n->u.like.escape == NULL)
					return NULL;
			}
			l = n;
			continue;
		}
		p->cur = save;
		return l;
	}
}

static struct ast *
P_concat(struct parser *p)
{
	struct ast *l = P_add(p);
	while (l && P_is_op(p, "||")) {
		int pos = P_tok(p)->pos;
		p->cur++;
		struct ast *r = P_add(p);
		if (r == NULL)
			return NULL;
		l = mk_binary(p, "||", l, r, pos);
	}
	return l;
}

static struct ast *
P_add(struct parser *p)
{
	struct ast *l = P_mul(p);
	while (l && (P_is_op(p, "+") || P_is_op(p, "-"))) {
		int pos = P_tok(p)->pos;
		const char *op = P_is_op(p, "+") ? "+" : "-";
		p->cur++;
		struct ast *r = P_mul(p);
		if (r == NULL)
			return NULL;
		l = mk_binary(p, op, l, r, pos);
	}
	return l;
}

static struct ast *
P_mul(struct parser *p)
{
	struct ast *l = P_unary(p);
	for (;;) {
		if (l == NULL)
			return NULL;
		int pos = P_tok(p)->pos;
		const char *op = NULL;
		if (P_is_op(p, "*"))
			op = "*";
		else if (P_is_op(p, "/"))
			op = "/";
		else if (P_is_op(p, "%"))
			op = "%";
		else if (P_is_kw(p, KW_DIV) || P_is_op(p, "//"))
			op = "div";     /* // is DuckDB's spelling */
		if (op == NULL)
			return l;
		p->cur++;
		struct ast *r = P_unary(p);
		if (r == NULL)
			return NULL;
		l = mk_binary(p, op, l, r, pos);
	}
}

static struct ast *
P_unary(struct parser *p)
{
	if (P_is_op(p, "-") || P_is_op(p, "+")) {
		int pos = P_tok(p)->pos;
		bool neg = P_is_op(p, "-");
		p->cur++;
		if (neg && P_tok(p)->type == TOK_INTEGER && P_tok(p)->len == 19 &&
		    memcmp(P_tok(p)->text, "9223372036854775808", 19) == 0) {
			/* the one BIGINT whose magnitude has no positive literal */
			struct ast *lit = ast_new(p->arena, AST_LITERAL, pos);
			lit->u.lit.type = WB_TYPE_BIGINT;
			lit->u.lit.u.i = INT64_MIN;
			p->cur++;
			return lit;
		}
		if (!P_enter(p))
			return NULL;
		struct ast *a = P_unary(p);
		P_leave(p);
		if (a == NULL)
			return NULL;
		if (!neg)
			return a;
		/* fold -literal so that -9223372036854775808 is a valid BIGINT */
		if (a->kind == AST_LITERAL && !a->u.lit.is_null) {
			if (a->u.lit.type == WB_TYPE_DOUBLE) {
				a->u.lit.u.d = -a->u.lit.u.d;
				a->pos = pos;
				return a;
			}
			if (a->u.lit.type == WB_TYPE_BIGINT && a->u.lit.u.i != INT64_MIN) {
				a->u.lit.u.i = -a->u.lit.u.i;
				a->pos = pos;
				return a;
			}
		}
		struct ast *n = ast_new(p->arena, AST_UNARY, pos);
		n->u.unary.op = "-";
		n->u.unary.arg = a;
		return n;
	}
	return P_postfix(p);
}

/* Can a list have elements of type t? Error at pos if not. */
static bool
P_type_list_ok(struct parser *p, wb_type t, int pos)
{
	if (type_is_elem(t))
		return true;
	err_set(p->err, pos, type_is_list(t) ? "lists of lists are not supported" : "lists of %s are not supported",
	    type_name(t));
	err_hint(p->err, "list elements are BOOLEAN, BIGINT, DOUBLE, VARCHAR, DATE or TIMESTAMP");
	return false;
}

bool
P_type_name(struct parser *p, wb_type *type, char **text)
{
	const struct token *t = P_tok(p);
	int start = t->pos;
	if (!(t->type == TOK_IDENT || t->type == TOK_QIDENT)) {
		parser_syntax_error(p, "a type name");
		return false;
	}
	char *name = P_tok_text(p, t);
	p->cur++;
	/* multi-word types */
	if (strcasecmp(name, "DOUBLE") == 0 && P_tok(p)->type == TOK_IDENT &&
	    P_tok(p)->len == 9 && strncasecmp(P_tok(p)->text, "PRECISION", 9) == 0)
		p->cur++;
	if (strcasecmp(name, "TIMESTAMP") == 0 && P_is_kw(p, KW_WITH)) {
		/* TIMESTAMP WITH TIME ZONE: wb timestamps are UTC instants */
		p->cur++;
		for (int k = 0; k < 2 && P_tok(p)->type == TOK_IDENT; k++)
			p->cur++;
	}
	if (strcasecmp(name, "ARRAY") == 0 && P_is_op(p, "<")) {
		/* Spark's ARRAY<element type> */
		p->cur++;
		int epos = P_tok(p)->pos;
		wb_type et;
		if (!P_type_name(p, &et, NULL))
			return false;
		if (!P_type_list_ok(p, et, epos) || !parser_expect_op(p, ">"))
			return false;
		*type = type_list_of(et);
	} else if (!type_from_name(name, (int)strlen(name), type)) {
		p->cur--;
		parser_error(p, "unknown type '%s'", name);
		err_hint(p->err, "types are BOOLEAN, BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP, INTERVAL, and lists such as VARCHAR[] or ARRAY<STRING>");
		return false;
	}
	if (P_is_op(p, "(")) {
		/* DECIMAL(10,2), VARCHAR(20): parameters accepted and ignored */
		while (!P_is_op(p, ")") && P_tok(p)->type != TOK_EOF)
			p->cur++;
		if (!parser_expect_op(p, ")"))
			return false;
	}
	while (P_is_op(p, "[") && P_is_op_at(p, 1, "]")) {
		/* DuckDB's T[] */
		if (!P_type_list_ok(p, *type, start))
			return false;
		*type = type_list_of(*type);
		p->cur += 2;
	}
	if (text) {
		int end = P_tok(p)->pos;
		const struct token *prev = &p->toks[p->cur - 1];
		end = prev->pos + prev->len + (prev->type == TOK_QIDENT ? 2 : 0);
		*text = arena_strndup(p->arena, p->src + start, (size_t)(end - start));
	}
	return true;
}

bool
P_order_list(struct parser *p, struct ast_list *out)
{
	do {
		struct ast *o = ast_new(p->arena, AST_ORDER_ITEM, P_tok(p)->pos);
		o->u.order.expr = P_expr(p);
		if (o->u.order.expr == NULL)
			return false;
		o->u.order.nulls_first = -1;
		if (P_accept_kw(p, KW_DESC))
			o->u.order.desc = true;
		else
			P_accept_kw(p, KW_ASC);
		if (P_accept_kw(p, KW_NULLS)) {
			if (P_accept_kw(p, KW_FIRST))
				o->u.order.nulls_first = 1;
			else if (P_accept_kw(p, KW_LAST))
				o->u.order.nulls_first = 0;
			else {
				parser_syntax_error(p, "FIRST or LAST after NULLS");
				return false;
			}
		}
		ast_list_add(p->arena, out, o);
	} while (parser_accept_op(p, ","));
	return true;
}

static bool
P_frame_bound(struct parser *p, struct ast_frame_bound *b)
{
	if (P_accept_kw(p, KW_UNBOUNDED)) {
		if (P_accept_kw(p, KW_PRECEDING))
			b->type = BOUND_UNBOUNDED_PRECEDING;
		else if (P_accept_kw(p, KW_FOLLOWING))
			b->type = BOUND_UNBOUNDED_FOLLOWING;
		else
			return parser_syntax_error(p, "PRECEDING or FOLLOWING"), false;
		return true;
	}
	if (P_accept_kw(p, KW_CURRENT)) {
		if (!P_expect_kw(p, KW_ROW))
			return false;
		b->type = BOUND_CURRENT_ROW;
		return true;
	}
	b->offset = P_add(p);
	if (b->offset == NULL)
		return false;
	if (P_accept_kw(p, KW_PRECEDING))
		b->type = BOUND_PRECEDING;
	else if (P_accept_kw(p, KW_FOLLOWING))
		b->type = BOUND_FOLLOWING;
	else
		return parser_syntax_error(p, "PRECEDING or FOLLOWING"), false;
	return true;
}

struct ast *
P_window_spec_body(struct parser *p, struct ast *w)
{
	/* optional base window name */
	if (P_is_name(p) && !P_is_kw(p, KW_PARTITION) && !P_is_kw(p, KW_ORDER) &&
	    !P_is_kw(p, KW_ROWS) && !P_is_kw(p, KW_RANGE)) {
		w->u.win.base = P_tok_text(p, P_tok(p));
		p->cur++;
	}
	if (P_accept_kw(p, KW_PARTITION)) {
		if (!P_expect_kw(p, KW_BY) || !P_expr_list(p, &w->u.win.partition))
			return NULL;
	}
	if (P_accept_kw(p, KW_ORDER)) {
		if (!P_expect_kw(p, KW_BY) || !P_order_list(p, &w->u.win.order))
			return NULL;
	}
	if (P_is_kw(p, KW_ROWS) || P_is_kw(p, KW_RANGE)) {
		w->u.win.frame = P_is_kw(p, KW_ROWS) ? FRAME_ROWS : FRAME_RANGE;
		p->cur++;
		if (P_accept_kw(p, KW_BETWEEN)) {
			if (!P_frame_bound(p, &w->u.win.start) || !P_expect_kw(p, KW_AND) ||
			    !P_frame_bound(p, &w->u.win.end))
				return NULL;
			w->u.win.has_end = true;
		} else {
			if (!P_frame_bound(p, &w->u.win.start))
				return NULL;
			w->u.win.end.type = BOUND_CURRENT_ROW;
		}
	}
	if (!parser_expect_op(p, ")"))
		return NULL;
	return w;
}

/* Function call after `name (`. */
static struct ast *
P_func_call(struct parser *p, char *name, int pos)
{
	struct ast *f = ast_new(p->arena, AST_FUNC, pos);
	f->u.func.name = name;
	f->u.func.ignore_nulls = -1;
	if (P_is_op(p, "*")) {
		p->cur++;
		f->u.func.star = true;
	} else if (!P_is_op(p, ")")) {
		if (P_accept_kw(p, KW_DISTINCT))
			f->u.func.distinct = true;
		else
			P_accept_kw(p, KW_ALL);
		do {
			struct ast *a;
			if (P_is_name(p) && (P_is_op_at(p, 1, "=>") || P_is_op_at(p, 1, ":="))) {
				a = ast_new(p->arena, AST_NAMED_ARG, P_tok(p)->pos);
				a->u.named.name = P_tok_text(p, P_tok(p));
				p->cur += 2;
				a->u.named.value = P_expr(p);
				if (a->u.named.value == NULL)
					return NULL;
			} else {
				a = P_expr(p);
				if (a == NULL)
					return NULL;
			}
			ast_list_add(p->arena, &f->u.func.args, a);
		} while (parser_accept_op(p, ","));
		if (P_is_kw(p, KW_ORDER)) {
			p->cur++;
			if (!P_expect_kw(p, KW_BY) || !P_order_list(p, &f->u.func.order))
				return NULL;
		}
		if (P_is_kw(p, KW_IGNORE) || P_is_kw(p, KW_RESPECT)) {
			f->u.func.ignore_nulls = P_is_kw(p, KW_IGNORE);
			p->cur++;
			if (!P_expect_kw(p, KW_NULLS))
				return NULL;
		}
	}
	if (!parser_expect_op(p, ")"))
		return NULL;
	if (P_is_kw(p, KW_WITHIN)) {
		p->cur++;
		if (!P_expect_kw(p, KW_GROUP) || !parser_expect_op(p, "(") || !P_expect_kw(p, KW_ORDER) ||
		    !P_expect_kw(p, KW_BY) || !P_order_list(p, &f->u.func.order) || !parser_expect_op(p, ")"))
			return NULL;
	}
	if (P_is_kw(p, KW_FILTER)) {
		p->cur++;
		if (!parser_expect_op(p, "(") || !P_expect_kw(p, KW_WHERE))
			return NULL;
		f->u.func.filter = P_expr(p);
		if (f->u.func.filter == NULL || !parser_expect_op(p, ")"))
			return NULL;
	}
	if (P_is_kw(p, KW_IGNORE) || P_is_kw(p, KW_RESPECT)) {
		f->u.func.ignore_nulls = P_is_kw(p, KW_IGNORE);
		p->cur++;
		if (!P_expect_kw(p, KW_NULLS))
			return NULL;
	}
	if (P_accept_kw(p, KW_OVER)) {
		struct ast *w = ast_new(p->arena, AST_WINDOW_SPEC, P_tok(p)->pos);
		if (P_is_name(p)) {
			w->u.win.base = P_tok_text(p, P_tok(p));
			p->cur++;
		} else {
			if (!parser_expect_op(p, "(") || P_window_spec_body(p, w) == NULL)
				return NULL;
		}
		f->u.func.over = w;
	}
	return f;
}

static bool
interval_unit(struct parser *p, wb_interval *unit)
{
	static const struct {
		enum kw_id kw;
		wb_interval iv;
	} units[] = {
		{KW_YEAR, {12, 0, 0}}, {KW_YEARS, {12, 0, 0}}, {KW_MONTH, {1, 0, 0}}, {KW_MONTHS, {1, 0, 0}},
		{KW_QUARTER, {3, 0, 0}}, {KW_WEEK, {0, 7, 0}}, {KW_WEEKS, {0, 7, 0}},
		{KW_DAY, {0, 1, 0}}, {KW_DAYS, {0, 1, 0}},
		{KW_HOUR, {0, 0, INT64_C(3600000000)}}, {KW_HOURS, {0, 0, INT64_C(3600000000)}},
		{KW_MINUTE, {0, 0, 60000000}}, {KW_MINUTES, {0, 0, 60000000}},
		{KW_SECOND, {0, 0, 1000000}}, {KW_SECONDS, {0, 0, 1000000}},
		{KW_MILLISECOND, {0, 0, 1000}}, {KW_MILLISECONDS, {0, 0, 1000}},
		{KW_MICROSECOND, {0, 0, 1}}, {KW_MICROSECONDS, {0, 0, 1}},
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (P_is_kw(p, units[i].kw)) {
			p->cur++;
			*unit = units[i].iv;
			return true;
		}
	}
	return false;
}

/* INTERVAL '1' DAY | INTERVAL 1 DAY [2 HOURS ...] | INTERVAL '2 hours' */
static struct ast *
P_interval(struct parser *p, int pos)
{
	wb_interval total = {0, 0, 0};
	bool any = false;
	for (;;) {
		const struct token *t = P_tok(p);
		double amount;
		bool neg = false;
		if (any && !(t->type == TOK_INTEGER || t->type == TOK_FLOAT || t->type == TOK_STRING ||
		    (t->type == TOK_OP && t->len == 1 && t->text[0] == '-')))
			break;
		if (t->type == TOK_OP && t->len == 1 && t->text[0] == '-') {
			neg = true;
			p->cur++;
			t = P_tok(p);
		}
		if (t->type == TOK_STRING) {
			char *s = P_tok_text(p, t);
			p->cur++;
			wb_interval unit;
			if (!interval_unit(p, &unit)) {
				if (any || neg)
					return parser_syntax_error(p, "an interval unit"), NULL;
				/* INTERVAL '2 hours': cast of a string */
				struct ast *lit = ast_new(p->arena, AST_LITERAL, t->pos);
				lit->u.lit.type = WB_TYPE_VARCHAR;
				lit->u.lit.u.s = wb_str_c(s);
				struct ast *c = ast_new(p->arena, AST_CAST, pos);
				c->u.cast.arg = lit;
				c->u.cast.type = WB_TYPE_INTERVAL;
				c->u.cast.type_text = "INTERVAL";
				return c;
			}
			if (!parse_double(s, strlen(s), &amount)) {
				p->cur -= 2;
				parser_error(p, "invalid interval amount '%s'", s);
				return NULL;
			}
			if (neg)
				amount = -amount;
			total.months += (int32_t)(unit.months * amount);
			total.days += (int32_t)(unit.days * amount);
			total.micros += (int64_t)((double)unit.micros * amount);
		} else if (t->type == TOK_INTEGER || t->type == TOK_FLOAT) {
			char *s = P_tok_text(p, t);
			parse_double(s, strlen(s), &amount);
			if (neg)
				amount = -amount;
			p->cur++;
			wb_interval unit;
			if (!interval_unit(p, &unit))
				return parser_syntax_error(p, "an interval unit (DAY, HOUR, ...)"), NULL;
			if (unit.months && amount != (double)(int64_t)amount) {
				parser_error(p, "fractional months or years are not allowed in an interval");
				return NULL;
			}
			total.months += (int32_t)(unit.months * amount);
			total.days += (int32_t)(unit.days * amount);
			total.micros += (int64_t)((double)unit.micros * amount);
		} else {
			return parser_syntax_error(p, "an interval amount"), NULL;
		}
		any = true;
	}
	struct ast *lit = ast_new(p->arena, AST_LITERAL, pos);
	lit->u.lit.type = WB_TYPE_INTERVAL;
	lit->u.lit.u.iv = total;
	return lit;
}

/* {'key': value, ...} */
static struct ast *
P_struct(struct parser *p, int pos)
{
	struct ast *s = ast_new(p->arena, AST_STRUCT, pos);
	if (!P_is_op(p, "}")) {
		do {
			struct ast *k;
			const struct token *t = P_tok(p);
			if (t->type == TOK_STRING || t->type == TOK_QIDENT || P_is_name(p)) {
				k = ast_new(p->arena, AST_LITERAL, t->pos);
				k->u.lit.type = WB_TYPE_VARCHAR;
				k->u.lit.u.s = wb_str_c(P_tok_text(p, t));
				p->cur++;
			} else {
				return parser_syntax_error(p, "a key"), NULL;
			}
			if (!parser_expect_op(p, ":"))
				return NULL;
			struct ast *v = P_expr(p);
			if (v == NULL)
				return NULL;
			ast_list_add(p->arena, &s->u.strct.keys, k);
			ast_list_add(p->arena, &s->u.strct.values, v);
		} while (parser_accept_op(p, ","));
	}
	if (!parser_expect_op(p, "}"))
		return NULL;
	return s;
}

static struct ast *
P_literal_number(struct parser *p, const struct token *t)
{
	struct ast *n = ast_new(p->arena, AST_LITERAL, t->pos);
	char *s = P_tok_text(p, t);
	int64_t i;
	if (t->type == TOK_INTEGER && parse_int64(s, strlen(s), &i)) {
		n->u.lit.type = WB_TYPE_BIGINT;
		n->u.lit.u.i = i;
	} else {
		n->u.lit.type = WB_TYPE_DOUBLE;
		n->u.lit.u.d = strtod(s, NULL);
	}
	p->cur++;
	return n;
}

static struct ast *
P_primary(struct parser *p)
{
	const struct token *t = P_tok(p);
	int pos = t->pos;
	struct ast *n;

	switch (t->type) {
	case TOK_INTEGER:
	case TOK_FLOAT:
		return P_literal_number(p, t);
	case TOK_STRING:
		n = ast_new(p->arena, AST_LITERAL, pos);
		n->u.lit.type = WB_TYPE_VARCHAR;
		n->u.lit.u.s = wb_str_c(P_tok_text(p, t));
		p->cur++;
		return n;
	case TOK_PARAM:
		n = ast_new(p->arena, AST_PARAM, pos);
		n->u.param.name = arena_strndup(p->arena, t->text, (size_t)t->len);
		p->cur++;
		return n;
	case TOK_OP:
		if (P_is_op(p, "(")) {
			p->cur++;
			if (P_is_kw(p, KW_SELECT) || P_is_kw(p, KW_WITH) || P_is_kw(p, KW_VALUES)) {
				n = ast_new(p->arena, AST_SUBQUERY, pos);
				n->u.sub.query = P_query(p);
				if (n->u.sub.query == NULL || !parser_expect_op(p, ")"))
					return NULL;
				return n;
			}
			n = P_expr(p);
			if (n == NULL)
				return NULL;
			if (P_is_op(p, ",")) {
				/* row value (a, b): only meaningful in IN lists and
				 * VALUES; represent as a LIST */
				struct ast *l = ast_new(p->arena, AST_LIST, pos);
				ast_list_add(p->arena, &l->u.list.items, n);
				while (parser_accept_op(p, ",")) {
					struct ast *e = P_expr(p);
					if (e == NULL)
						return NULL;
					ast_list_add(p->arena, &l->u.list.items, e);
				}
				n = l;
			}
			if (!parser_expect_op(p, ")"))
				return NULL;
			return n;
		}
		if (P_is_op(p, "*")) {
			p->cur++;
			n = ast_new(p->arena, AST_STAR, pos);
			return n;
		}
		if (P_is_op(p, "{")) {
			p->cur++;
			return P_struct(p, pos);
		}
		if (P_is_op(p, "[")) {
			p->cur++;
			n = ast_new(p->arena, AST_LIST, pos);
			n->u.list.bracket = true;
			if (!P_is_op(p, "]") && !P_expr_list(p, &n->u.list.items))
				return NULL;
			if (!parser_expect_op(p, "]"))
				return NULL;
			return n;
		}
		break;
	case TOK_IDENT:
		switch (t->kw) {
		case KW_NULL:
			p->cur++;
			n = ast_new(p->arena, AST_LITERAL, pos);
			n->u.lit.type = WB_TYPE_NULL;
			n->u.lit.is_null = true;
			return n;
		case KW_TRUE:
		case KW_FALSE:
			p->cur++;
			n = ast_new(p->arena, AST_LITERAL, pos);
			n->u.lit.type = WB_TYPE_BOOL;
			n->u.lit.u.b = t->kw == KW_TRUE;
			return n;
		case KW_CASE: {
			p->cur++;
			n = ast_new(p->arena, AST_CASE, pos);
			if (!P_is_kw(p, KW_WHEN)) {
				n->u.kase.operand = P_expr(p);
				if (n->u.kase.operand == NULL)
					return NULL;
			}
			while (P_is_kw(p, KW_WHEN)) {
				struct ast *w = ast_new(p->arena, AST_WHEN, P_tok(p)->pos);
				p->cur++;
				w->u.when.cond = P_expr(p);
				if (w->u.when.cond == NULL || !P_expect_kw(p, KW_THEN))
					return NULL;
				w->u.when.then = P_expr(p);
				if (w->u.when.then == NULL)
					return NULL;
				ast_list_add(p->arena, &n->u.kase.whens, w);
			}
			if (n->u.kase.whens.n == 0)
				return parser_syntax_error(p, "WHEN"), NULL;
			if (P_accept_kw(p, KW_ELSE)) {
				n->u.kase.els = P_expr(p);
				if (n->u.kase.els == NULL)
					return NULL;
			}
			if (!P_expect_kw(p, KW_END))
				return NULL;
			return n;
		}
		case KW_CAST:
		case KW_TRY_CAST:
			p->cur++;
			n = ast_new(p->arena, AST_CAST, pos);
			n->u.cast.try_cast = t->kw == KW_TRY_CAST;
			if (!parser_expect_op(p, "("))
				return NULL;
			n->u.cast.arg = P_expr(p);
			if (n->u.cast.arg == NULL || !P_expect_kw(p, KW_AS))
				return NULL;
			if (!P_type_name(p, &n->u.cast.type, &n->u.cast.type_text) || !parser_expect_op(p, ")"))
				return NULL;
			return n;
		case KW_EXISTS:
			p->cur++;
			n = ast_new(p->arena, AST_EXISTS, pos);
			if (!parser_expect_op(p, "("))
				return NULL;
			n->u.sub.query = P_query(p);
			if (n->u.sub.query == NULL || !parser_expect_op(p, ")"))
				return NULL;
			return n;
		case KW_NOT:
			if (P_is_kw_at(p, 1, KW_EXISTS)) {
				p->cur++;
				n = P_primary(p);
				if (n)
					n->u.sub.not = true;
				return n;
			}
			break;
		case KW_INTERVAL:
			p->cur++;
			return P_interval(p, pos);
		case KW_DATE:
		case KW_TIMESTAMP:
			if (p->toks[p->cur + 1].type == TOK_STRING) {
				/* typed literal DATE '2019-10-01' */
				p->cur++;
				struct ast *lit = ast_new(p->arena, AST_LITERAL, P_tok(p)->pos);
				lit->u.lit.type = WB_TYPE_VARCHAR;
				lit->u.lit.u.s = wb_str_c(P_tok_text(p, P_tok(p)));
				p->cur++;
				n = ast_new(p->arena, AST_CAST, pos);
				n->u.cast.arg = lit;
				n->u.cast.type = t->kw == KW_DATE ? WB_TYPE_DATE : WB_TYPE_TIMESTAMP;
				n->u.cast.type_text = t->kw == KW_DATE ? "DATE" : "TIMESTAMP";
				return n;
			}
			break;
		case KW_LEFT:
		case KW_RIGHT:
		case KW_LIKE:
		case KW_ILIKE:
		case KW_RLIKE:
		case KW_REGEXP:
			/* reserved (joins, operators), but also functions: left(s, n), regexp(s, p) */
			if (P_is_op_at(p, 1, "(")) {
				char *fname = P_tok_text(p, t);
				p->cur += 2;
				return P_func_call(p, fname, pos);
			}
			break;
		case KW_EXTRACT:
			if (P_is_op_at(p, 1, "(")) {
				/* EXTRACT(field FROM expr) -> date_part('field', expr) */
				p->cur += 2;
				if (!P_is_name(p))
					return parser_syntax_error(p, "a date part (YEAR, MONTH, ...)"), NULL;
				char *field = P_tok_text(p, P_tok(p));
				for (char *c = field; *c; c++)
					*c = (char)tolower((unsigned char)*c);
				p->cur++;
				if (!P_expect_kw(p, KW_FROM))
					return NULL;
				struct ast *arg = P_expr(p);
				if (arg == NULL || !parser_expect_op(p, ")"))
					return NULL;
				n = ast_new(p->arena, AST_FUNC, pos);
				n->u.func.name = "date_part";
				n->u.func.ignore_nulls = -1;
				struct ast *f = ast_new(p->arena, AST_LITERAL, pos);
				f->u.lit.type = WB_TYPE_VARCHAR;
				f->u.lit.u.s = wb_str_c(field);
				ast_list_add(p->arena, &n->u.func.args, f);
				ast_list_add(p->arena, &n->u.func.args, arg);
				return n;
			}
			break;
		default:
			break;
		}
		/* FALLTHROUGH to names */
		/* FALLTHROUGH */
	case TOK_QIDENT:
		if (!P_is_name(p))
			break;
		{
			bool quoted = t->type == TOK_QIDENT;
			char *name = P_tok_text(p, t);
			p->cur++;
			if (!quoted && P_is_op(p, "(")) {
				p->cur++;
				/* position(a IN b) */
				if (strcasecmp(name, "position") == 0) {
					int save = p->cur;
					struct ast *a = P_concat(p);
					if (a && P_accept_kw(p, KW_IN)) {
						struct ast *b = P_expr(p);
						if (b == NULL || !parser_expect_op(p, ")"))
							return NULL;
						n = ast_new(p->arena, AST_FUNC, pos);
						n->u.func.name = name;
						n->u.func.ignore_nulls = -1;
						ast_list_add(p->arena, &n->u.func.args, a);
						ast_list_add(p->arena, &n->u.func.args, b);
						return n;
					}
					if (err_isset(p->err))
						return NULL;
					p->cur = save;
				}
				return P_func_call(p, name, pos);
			}
			n = ast_new(p->arena, AST_COLREF, pos);
			n->u.name.n = 1;
			n->u.name.parts[0] = name;
			while (P_is_op(p, ".")) {
				if (P_is_op_at(p, 1, "*")) {
					/* t.* */
					struct ast *s = ast_new(p->arena, AST_STAR, pos);
					s->u.star.qualifier = n->u.name.parts[n->u.name.n - 1];
					p->cur += 2;
					return s;
				}
				p->cur++;
				if (!P_is_name(p) && !(P_tok(p)->type == TOK_IDENT))
					return parser_syntax_error(p, "a name after '.'"), NULL;
				if (n->u.name.n == 4)
					return parser_error(p, "too many name parts (at most catalog.schema.table.column)"), NULL;
				n->u.name.parts[n->u.name.n++] = P_tok_text(p, P_tok(p));
				p->cur++;
			}
			return n;
		}
	default:
		break;
	}
	if (t->type == TOK_EOF)
		parser_error(p, "unexpected end of input, expected an expression");
	else
		parser_syntax_error(p, "an expression");
	return NULL;
}

/* primary, then any number of ::type casts and [index] subscripts (Spark's
 * arr[i], 0-based: get(arr, i)). */
static struct ast *
P_postfix(struct parser *p)
{
	struct ast *e = P_primary(p);
	while (e && (P_is_op(p, "::") || P_is_op(p, "["))) {
		int pos = P_tok(p)->pos;
		p->cur++;
		if (p->toks[p->cur - 1].text[0] == '[') {
			struct ast *idx = P_expr(p);
			if (idx == NULL || !parser_expect_op(p, "]"))
				return NULL;
			struct ast *f = ast_new(p->arena, AST_FUNC, pos);
			f->u.func.name = "get";
			f->u.func.ignore_nulls = -1;
			f->u.func.subscript = true;
			ast_list_add(p->arena, &f->u.func.args, e);
			ast_list_add(p->arena, &f->u.func.args, idx);
			e = f;
			continue;
		}
		struct ast *c = ast_new(p->arena, AST_CAST, pos);
		c->u.cast.arg = e;
		if (!P_type_name(p, &c->u.cast.type, &c->u.cast.type_text))
			return NULL;
		e = c;
	}
	return e;
}
