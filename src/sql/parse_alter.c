/*
 * ALTER TABLE and TRUNCATE TABLE (Spark / Databricks grammar):
 *
 *   ALTER TABLE t ADD COLUMN[S] (col type [COMMENT 'c'], ...) | ADD COLUMN[S] col type, ...
 *   ALTER TABLE t RENAME COLUMN a TO b
 *   ALTER TABLE t RENAME TO u
 *   ALTER TABLE t DROP COLUMN[S] a | (a, b, ...)
 *   ALTER TABLE t SET TBLPROPERTIES ('k' = 'v', ...)
 *   ALTER TABLE t UNSET TBLPROPERTIES [IF EXISTS] ('k', ...)
 *   ALTER TABLE t ALTER | CHANGE [COLUMN] c COMMENT 'text'
 *   ALTER TABLE t ADD CONSTRAINT c CHECK (cond)
 *   ALTER TABLE t ADD CONSTRAINT c EXPECT (cond) [ON VIOLATION DROP ROW | FAIL UPDATE | QUARANTINE]
 *   ALTER TABLE t DROP CONSTRAINT [IF EXISTS] c
 *   TRUNCATE TABLE t
 */
#include "sql/parse_int.h"

static bool
P_name_list(struct parser *p, struct ast_list *out)
{
	do {
		struct ast *c = ast_new(p->arena, AST_COLREF, P_tok(p)->pos);
		c->u.name.n = 1;
		c->u.name.parts[0] = parser_ident(p, "a column name");
		if (c->u.name.parts[0] == NULL)
			return false;
		ast_list_add(p->arena, out, c);
	} while (parser_accept_op(p, ","));
	return true;
}

/* UNSET TBLPROPERTIES ('a', b.c): keys only */
static bool
P_prop_keys(struct parser *p, struct ast_list *out)
{
	if (!parser_expect_op(p, "("))
		return false;
	do {
		struct ast *pr = ast_new(p->arena, AST_PROPERTY, P_tok(p)->pos);
		const struct token *t = P_tok(p);
		if (t->type == TOK_STRING) {
			pr->u.prop.key = P_tok_text(p, t);
			p->cur++;
		} else if (P_is_name(p)) {
			struct strbuf key = STRBUF_INIT;
			sb_puts(&key, P_tok_text(p, t));
			p->cur++;
			while (P_is_op(p, ".") && P_is_name_at(p, 1)) {
				p->cur++;
				sb_putc(&key, '.');
				sb_puts(&key, P_tok_text(p, P_tok(p)));
				p->cur++;
			}
			pr->u.prop.key = arena_strdup(p->arena, sb_str(&key));
			sb_free(&key);
		} else {
			return parser_syntax_error(p, "a property name"), false;
		}
		ast_list_add(p->arena, out, pr);
	} while (parser_accept_op(p, ","));
	return parser_expect_op(p, ")");
}

/* After ALTER. */
struct ast *
P_alter(struct parser *p, int pos)
{
	struct ast *n = ast_new(p->arena, AST_ALTER_TABLE, pos);
	if (!P_expect_kw(p, KW_TABLE) || !parser_qualified_name(p, &n->u.alter.name))
		return NULL;
	bool add = P_accept_kw(p, KW_ADD), drop = !add && P_accept_kw(p, KW_DROP);
	if (add && P_at_constraint(p)) {
		n->u.alter.what = ALTER_ADD_CONSTRAINT;
		n->u.alter.constraint = P_constraint(p);
		if (n->u.alter.constraint == NULL)
			return NULL;
	} else if (add) {
		n->u.alter.what = ALTER_ADD_COLUMNS;
		if (!P_accept_kw(p, KW_COLUMNS))
			P_accept_kw(p, KW_COLUMN);
		bool paren = parser_accept_op(p, "(");
		if (!P_column_defs(p, &n->u.alter.columns))
			return NULL;
		if (paren && !parser_expect_op(p, ")"))
			return NULL;
	} else if (P_accept_kw(p, KW_RENAME)) {
		if (P_accept_kw(p, KW_COLUMN)) {
			n->u.alter.what = ALTER_RENAME_COLUMN;
			n->u.alter.column = parser_ident(p, "a column name");
			if (n->u.alter.column == NULL)
				return NULL;
		} else {
			n->u.alter.what = ALTER_RENAME_TABLE;
		}
		if (!P_expect_kw(p, KW_TO))
			return NULL;
		n->u.alter.new_name = parser_ident(p, "a new name");
		if (n->u.alter.new_name == NULL)
			return NULL;
	} else if (drop && parser_accept_word(p, "CONSTRAINT")) {
		n->u.alter.what = ALTER_DROP_CONSTRAINT;
		if (P_accept_kw(p, KW_IF)) {
			if (!P_expect_kw(p, KW_EXISTS))
				return NULL;
			n->u.alter.if_exists = true;
		}
		n->u.alter.column = parser_ident(p, "a constraint name");
		if (n->u.alter.column == NULL)
			return NULL;
	} else if (drop) {
		n->u.alter.what = ALTER_DROP_COLUMNS;
		if (!P_accept_kw(p, KW_COLUMNS) && !P_expect_kw(p, KW_COLUMN))
			return NULL;
		bool paren = parser_accept_op(p, "(");
		if (!P_name_list(p, &n->u.alter.columns))
			return NULL;
		if (paren && !parser_expect_op(p, ")"))
			return NULL;
	} else if (P_accept_kw(p, KW_SET)) {
		n->u.alter.what = ALTER_SET_PROPS;
		if (!P_expect_kw(p, KW_TBLPROPERTIES) || !P_props(p, &n->u.alter.props))
			return NULL;
	} else if (parser_accept_word(p, "UNSET")) {
		n->u.alter.what = ALTER_UNSET_PROPS;
		if (!P_expect_kw(p, KW_TBLPROPERTIES))
			return NULL;
		if (P_accept_kw(p, KW_IF)) {
			if (!P_expect_kw(p, KW_EXISTS))
				return NULL;
			n->u.alter.if_exists = true;
		}
		if (!P_prop_keys(p, &n->u.alter.props))
			return NULL;
	} else if (P_accept_kw(p, KW_ALTER) || parser_accept_word(p, "CHANGE")) {
		n->u.alter.what = ALTER_COLUMN_COMMENT;
		P_accept_kw(p, KW_COLUMN);
		n->u.alter.column = parser_ident(p, "a column name");
		if (n->u.alter.column == NULL)
			return NULL;
		if (!P_is_kw(p, KW_COMMENT))
			return parser_syntax_error(p, "COMMENT 'text' (the only column change supported)"), NULL;
		p->cur++;
		n->u.alter.comment = parser_string(p, "a comment string");
		if (n->u.alter.comment == NULL)
			return NULL;
	} else {
		return parser_syntax_error(p, "ADD COLUMNS, RENAME COLUMN, RENAME TO, DROP COLUMN, SET TBLPROPERTIES, "
		    "UNSET TBLPROPERTIES, ALTER COLUMN, ADD CONSTRAINT or DROP CONSTRAINT"), NULL;
	}
	return n;
}

/* After TRUNCATE. */
struct ast *
P_truncate(struct parser *p, int pos)
{
	struct ast *n = ast_new(p->arena, AST_TRUNCATE, pos);
	P_accept_kw(p, KW_TABLE);
	struct ast *t = ast_new(p->arena, AST_TABLE, P_tok(p)->pos);
	if (!parser_qualified_name(p, &t->u.table.name))
		return NULL;
	n->u.del.table = t;
	return n;
}
