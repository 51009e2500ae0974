/*
 * parse_int: private to the parser files (parser.c, parse_expr.c,
 * parse_query.c): token cursor helpers and cross-file entry points.
 */
#ifndef WB_SQL_PARSE_INT_H
#define WB_SQL_PARSE_INT_H

#include "sql/parser.h"

#define PARSE_MAX_DEPTH 500

static inline const struct token *
P_tok(struct parser *p)
{
	return &p->toks[p->cur];
}

static inline bool
P_is_kw(struct parser *p, enum kw_id k)
{
	const struct token *t = P_tok(p);
	return t->type == TOK_IDENT && t->kw == k;
}

static inline bool
P_is_kw_at(struct parser *p, int ahead, enum kw_id k)
{
	int i = p->cur + ahead;
	if (i >= p->ntoks)
		return false;
	return p->toks[i].type == TOK_IDENT && p->toks[i].kw == k;
}

static inline bool
P_accept_kw(struct parser *p, enum kw_id k)
{
	if (P_is_kw(p, k)) {
		p->cur++;
		return true;
	}
	return false;
}

bool P_is_op(struct parser *p, const char *op);
bool P_is_op_at(struct parser *p, int ahead, const char *op);
bool P_expect_kw(struct parser *p, enum kw_id k);
/* Is the current token usable as a name (identifier, quoted identifier,
 * or non-reserved keyword)? */
bool P_is_name(struct parser *p);
bool P_is_name_at(struct parser *p, int ahead);
char *P_tok_text(struct parser *p, const struct token *t);  /* arena copy; quotes undoubled */
bool P_enter(struct parser *p);
static inline void P_leave(struct parser *p) { p->depth--; }

/* parser.c */
bool P_props(struct parser *p, struct ast_list *out);              /* ( 'k' = v, ... ) */
bool P_column_defs(struct parser *p, struct ast_list *out);        /* col type [NOT NULL] [COMMENT 'c'], ... */
struct ast *P_column_def(struct parser *p);                        /* one of them */

/* parse_constraint.c: CONSTRAINT name CHECK (...) | EXPECT (...) [ON VIOLATION ...] */
bool P_at_constraint(struct parser *p);
struct ast *P_constraint(struct parser *p);

/* parse_merge.c, parse_alter.c: after the statement's first word */
struct ast *P_merge(struct parser *p, int pos);
struct ast *P_alter(struct parser *p, int pos);
struct ast *P_truncate(struct parser *p, int pos);

/* parse_expr.c */
struct ast *P_expr(struct parser *p);
struct ast *P_window_spec_body(struct parser *p, struct ast *w);  /* after '(' up to and including ')' */
bool P_order_list(struct parser *p, struct ast_list *out);        /* after ORDER BY */
bool P_type_name(struct parser *p, wb_type *type, char **text);
bool P_expr_list(struct parser *p, struct ast_list *out);         /* e, e, ... */

/* parse_query.c */
struct ast *P_query(struct parser *p);
/* A query-returning extension statement (TTEST ...) at the position, or
 * NULL (an error set if it failed to parse). */
struct ast *P_ext_query(struct parser *p);
/* A registered table-valued call (ML.PREDICT(...)) at the position, or
 * NULL (with the error set when it failed to parse). */
struct ast *P_ext_call(struct parser *p);
bool P_at_ext_query(struct parser *p);
struct ast *P_table_ref(struct parser *p);                         /* one FROM item incl. joins */
bool P_alias(struct parser *p, char **alias, struct ast_list *col_aliases, bool need_as);
struct ast *P_values(struct parser *p);                            /* after VALUES */

#endif
