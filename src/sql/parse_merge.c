/*
 * MERGE INTO (Spark / Databricks grammar):
 *
 *   MERGE [WITH SCHEMA EVOLUTION] INTO target [[AS] alias]
 *     USING source [[AS] alias] ON condition
 *     { WHEN MATCHED [AND cond] THEN { UPDATE SET * | UPDATE SET col = expr, ... | DELETE }
 *     | WHEN NOT MATCHED [BY TARGET] [AND cond] THEN { INSERT * | INSERT [(cols)] VALUES (exprs) }
 *     | WHEN NOT MATCHED BY SOURCE [AND cond] THEN { UPDATE SET col = expr, ... | DELETE } } ...
 *
 * The parser checks what Spark checks before planning: each clause kind
 * has the actions it allows, and among the clauses of one kind only the
 * last may omit its condition (a clause after an unconditional one could
 * never apply).
 */
#include "sql/parse_int.h"

#include <string.h>

static bool
P_assignments(struct parser *p, struct ast_list *out)
{
	do {
		struct ast *a = ast_new(p->arena, AST_ASSIGN, P_tok(p)->pos);
		if (!parser_qualified_name(p, &a->u.assign.target) || !parser_expect_op(p, "="))
			return false;
		a->u.assign.value = P_expr(p);
		if (a->u.assign.value == NULL)
			return false;
		ast_list_add(p->arena, out, a);
	} while (parser_accept_op(p, ","));
	return true;
}

static const char *
when_text(enum ast_merge_when w)
{
	return w == MERGE_MATCHED ? "WHEN MATCHED" : w == MERGE_NOT_MATCHED ? "WHEN NOT MATCHED" : "WHEN NOT MATCHED BY SOURCE";
}

/* After WHEN. */
static struct ast *
P_merge_clause(struct parser *p, int pos)
{
	struct ast *c = ast_new(p->arena, AST_MERGE_CLAUSE, pos);
	if (P_accept_kw(p, KW_NOT)) {
		if (!parser_expect_word(p, "MATCHED"))
			return NULL;
		c->u.mclause.when = MERGE_NOT_MATCHED;
		if (P_accept_kw(p, KW_BY)) {
			if (parser_accept_word(p, "SOURCE"))
				c->u.mclause.when = MERGE_NOT_MATCHED_BY_SOURCE;
			else if (!parser_accept_word(p, "TARGET"))
				return parser_syntax_error(p, "TARGET or SOURCE after NOT MATCHED BY"), NULL;
		}
	} else if (parser_accept_word(p, "MATCHED")) {
		c->u.mclause.when = MERGE_MATCHED;
	} else {
		return parser_syntax_error(p, "MATCHED or NOT MATCHED after WHEN"), NULL;
	}
	if (P_accept_kw(p, KW_AND)) {
		c->u.mclause.cond = P_expr(p);
		if (c->u.mclause.cond == NULL)
			return NULL;
	}
	if (!P_expect_kw(p, KW_THEN))
		return NULL;
	int apos = P_tok(p)->pos;
	if (P_accept_kw(p, KW_UPDATE)) {
		c->u.mclause.action = MERGE_UPDATE;
		if (!P_expect_kw(p, KW_SET))
			return NULL;
		if (parser_accept_op(p, "*"))
			c->u.mclause.star = true;
		else if (!P_assignments(p, &c->u.mclause.set))
			return NULL;
	} else if (P_accept_kw(p, KW_DELETE)) {
		c->u.mclause.action = MERGE_DELETE;
	} else if (P_accept_kw(p, KW_INSERT)) {
		c->u.mclause.action = MERGE_INSERT;
		if (parser_accept_op(p, "*")) {
			c->u.mclause.star = true;
		} else {
			if (parser_accept_op(p, "(")) {
				do {
					struct ast *col = ast_new(p->arena, AST_COLREF, P_tok(p)->pos);
					if (!parser_qualified_name(p, &col->u.name))
						return NULL;
					ast_list_add(p->arena, &c->u.mclause.columns, col);
				} while (parser_accept_op(p, ","));
				if (!parser_expect_op(p, ")"))
					return NULL;
			}
			if (!P_expect_kw(p, KW_VALUES) || !parser_expect_op(p, "(") || !P_expr_list(p, &c->u.mclause.values) ||
			    !parser_expect_op(p, ")"))
				return NULL;
			if (c->u.mclause.columns.n > 0 && c->u.mclause.columns.n != c->u.mclause.values.n) {
				err_set(p->err, apos, "INSERT lists %d columns but %d values", c->u.mclause.columns.n,
				    c->u.mclause.values.n);
				return NULL;
			}
		}
	} else {
		return parser_syntax_error(p, "UPDATE, DELETE or INSERT after THEN"), NULL;
	}
	enum ast_merge_action a = c->u.mclause.action;
	bool ok = c->u.mclause.when == MERGE_NOT_MATCHED ? a == MERGE_INSERT : a != MERGE_INSERT;
	if (!ok) {
		if (c->u.mclause.when == MERGE_NOT_MATCHED) {
			err_set(p->err, apos, "WHEN NOT MATCHED can only INSERT: there is no target row to %s",
			    a == MERGE_UPDATE ? "update" : "delete");
			err_hint(p->err, "THEN INSERT * or THEN INSERT (cols) VALUES (...)");
		} else {
			err_set(p->err, apos, "%s cannot INSERT: the target row exists", when_text(c->u.mclause.when));
			err_hint(p->err, "THEN UPDATE SET ... or THEN DELETE");
		}
		return NULL;
	}
	if (c->u.mclause.when == MERGE_NOT_MATCHED_BY_SOURCE && c->u.mclause.star) {
		err_set(p->err, apos, "WHEN NOT MATCHED BY SOURCE cannot UPDATE SET *: there is no source row");
		err_hint(p->err, "assign the columns: THEN UPDATE SET col = expr, ...");
		return NULL;
	}
	return c;
}

/* After MERGE. */
struct ast *
P_merge(struct parser *p, int pos)
{
	struct ast *n = ast_new(p->arena, AST_MERGE, pos);
	if (P_accept_kw(p, KW_WITH)) {
		if (!P_expect_kw(p, KW_SCHEMA) || !parser_expect_word(p, "EVOLUTION"))
			return NULL;
		n->u.merge.schema_evolution = true;
	}
	if (!P_expect_kw(p, KW_INTO))
		return NULL;
	struct ast *t = ast_new(p->arena, AST_TABLE, P_tok(p)->pos);
	if (!parser_qualified_name(p, &t->u.table.name) || !P_alias(p, &t->u.table.alias, NULL, false))
		return NULL;
	n->u.merge.target = t;
	if (!P_expect_kw(p, KW_USING))
		return NULL;
	n->u.merge.source = P_table_ref(p);
	if (n->u.merge.source == NULL)
		return NULL;
	if (!P_expect_kw(p, KW_ON))
		return NULL;
	n->u.merge.on = P_expr(p);
	if (n->u.merge.on == NULL)
		return NULL;
	/* per clause kind: position of an earlier clause without a condition */
	int uncond[3] = {-1, -1, -1};
	while (P_is_kw(p, KW_WHEN)) {
		int cpos = P_tok(p)->pos;
		p->cur++;
		struct ast *c = P_merge_clause(p, cpos);
		if (c == NULL)
			return NULL;
		int w = c->u.mclause.when;
		if (uncond[w] >= 0) {
			err_set(p->err, cpos, "this %s clause can never apply: an earlier one has no condition", when_text(c->u.mclause.when));
			err_hint(p->err, "only the last %s clause may omit AND condition", when_text(c->u.mclause.when));
			return NULL;
		}
		if (c->u.mclause.cond == NULL)
			uncond[w] = cpos;
		ast_list_add(p->arena, &n->u.merge.clauses, c);
	}
	if (n->u.merge.clauses.n == 0)
		return parser_syntax_error(p, "WHEN MATCHED or WHEN NOT MATCHED"), NULL;
	return n;
}
