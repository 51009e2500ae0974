/*
 * Table constraints (Delta CHECK constraints and Delta Live Tables
 * expectations) and the element list of CREATE TABLE:
 *
 *   CONSTRAINT name CHECK (cond)
 *   CONSTRAINT name EXPECT (cond) [ON VIOLATION DROP ROW | FAIL UPDATE | QUARANTINE]
 *   ( col type ..., CONSTRAINT ..., ... )      columns and constraints mixed
 *
 * The condition is kept twice: as an expression (to check it binds) and as
 * the text the user wrote between the parentheses - what Delta stores in
 * the table's configuration (delta.constraints.<name>), so Spark reads the
 * same condition back.
 */
#include "sql/parse_int.h"

#include <string.h>

bool
P_at_constraint(struct parser *p)
{
	/* "constraint" may be a column name: CONSTRAINT name CHECK|EXPECT decides */
	const struct token *k = parser_peek(p, 2);
	return P_tok(p)->type == TOK_IDENT && P_tok(p)->len == 10 && strncasecmp(P_tok(p)->text, "CONSTRAINT", 10) == 0 &&
	    k->type == TOK_IDENT && ((k->len == 5 && strncasecmp(k->text, "CHECK", 5) == 0) ||
	    (k->len == 6 && strncasecmp(k->text, "EXPECT", 6) == 0));
}

/* ON VIOLATION's action, after ON VIOLATION. */
static bool
violation_action(struct parser *p, enum ast_constraint_kind *kind)
{
	if (parser_accept_word(p, "DROP")) {
		*kind = CONSTRAINT_DROP_ROW;
		return P_expect_kw(p, KW_ROW);
	}
	if (parser_accept_word(p, "FAIL")) {
		*kind = CONSTRAINT_FAIL_UPDATE;
		return P_expect_kw(p, KW_UPDATE);
	}
	if (parser_accept_word(p, "QUARANTINE")) {
		*kind = CONSTRAINT_QUARANTINE;
		return true;
	}
	const struct token *t = P_tok(p);
	if (t->type == TOK_IDENT)
		parser_error(p, "unknown ON VIOLATION action '%.*s'", t->len, t->text);
	else
		parser_syntax_error(p, "an ON VIOLATION action");
	err_hint(p->err, "ON VIOLATION DROP ROW, ON VIOLATION FAIL UPDATE or ON VIOLATION QUARANTINE "
	    "(none: keep the row and warn)");
	return false;
}

struct ast *
P_constraint(struct parser *p)
{
	struct ast *n = ast_new(p->arena, AST_CONSTRAINT, P_tok(p)->pos);
	if (!parser_expect_word(p, "CONSTRAINT"))
		return NULL;
	n->u.constraint.name = parser_ident(p, "a constraint name");
	if (n->u.constraint.name == NULL)
		return NULL;
	if (parser_accept_word(p, "CHECK")) {
		n->u.constraint.kind = CONSTRAINT_CHECK;
	} else if (parser_accept_word(p, "EXPECT")) {
		n->u.constraint.kind = CONSTRAINT_EXPECT;
	} else {
		parser_syntax_error(p, "CHECK (condition) or EXPECT (condition)");
		return NULL;
	}
	if (!parser_expect_op(p, "("))
		return NULL;
	int first = p->cur;
	n->u.constraint.cond = P_expr(p);
	if (n->u.constraint.cond == NULL)
		return NULL;
	if (!P_is_op(p, ")"))
		return parser_syntax_error(p, "')' after the condition"), NULL;
	/* the text up to the ')' (a token's len does not cover a string's quotes) */
	int from = p->toks[first].pos, to = P_tok(p)->pos;
	while (to > from && (p->src[to - 1] == ' ' || p->src[to - 1] == '\t' || p->src[to - 1] == '\n' ||
	    p->src[to - 1] == '\r'))
		to--;
	n->u.constraint.cond_text = arena_strndup(p->arena, p->src + from, (size_t)(to - from));
	p->cur++;
	if (n->u.constraint.kind == CONSTRAINT_EXPECT && P_accept_kw(p, KW_ON)) {
		if (!parser_expect_word(p, "VIOLATION") || !violation_action(p, &n->u.constraint.kind))
			return NULL;
	} else if (n->u.constraint.kind == CONSTRAINT_CHECK && P_is_kw(p, KW_ON) && P_is_name_at(p, 1) &&
	    parser_peek(p, 1)->len == 9 && strncasecmp(parser_peek(p, 1)->text, "VIOLATION", 9) == 0) {
		parser_error(p, "ON VIOLATION goes with EXPECT; a CHECK constraint always fails the statement");
		err_hint(p->err, "CONSTRAINT %s EXPECT (...) ON VIOLATION ...", n->u.constraint.name);
		return NULL;
	}
	return n;
}

bool
parser_table_elements(struct parser *p, struct ast_list *columns, struct ast_list *constraints)
{
	if (!parser_expect_op(p, "("))
		return false;
	do {
		if (P_at_constraint(p)) {
			struct ast *c = P_constraint(p);
			if (c == NULL)
				return false;
			ast_list_add(p->arena, constraints, c);
		} else {
			struct ast *c = P_column_def(p);
			if (c == NULL)
				return false;
			ast_list_add(p->arena, columns, c);
		}
	} while (parser_accept_op(p, ","));
	return parser_expect_op(p, ")");
}
