/*
 * parser: statement text -> AST (hand-written recursive descent).
 *
 * parse_statement() parses exactly one statement (the caller splits scripts
 * at top-level semicolons with lex_split_statements); a trailing ';' is
 * allowed. Errors are "syntax error at or near 'X'" style messages with the
 * byte position of the offending token, plus a hint when the parser knows
 * what it expected.
 *
 * Extensions (statistics, ML) register statements that start with their
 * own leading word (TTEST, ANOVA, ...) through parse_register_ext(); their
 * parse callback gets the parser and may use the parser_* helpers below to
 * read names, expressions, queries and table references with the same
 * error handling as the core grammar.
 */
#ifndef WB_SQL_PARSER_H
#define WB_SQL_PARSER_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/error.h"
#include "sql/ast.h"
#include "sql/lexer.h"

struct parser {
	const char *src;
	int len;
	struct token *toks;    /* all tokens, last one TOK_EOF */
	int ntoks;
	int cur;
	struct arena *arena;
	struct wb_error *err;
	int depth;             /* recursion guard */
};

struct stmt_ext {
	const char *word;       /* leading word, upper case ("TTEST") */
	const char *words2;     /* optional further words, space-separated ("STATS" for
	                           DESCRIBE STATS, "OR REPLACE MODEL"), or NULL */
	/* Parse after the leading word(s); store the result in *data
	 * (arena-allocated). Return 0 or -1 (error set via parser_error). */
	int (*parse)(struct parser *p, void **data);
	/* Opaque to the parser: the session's executor for this statement. */
	void *exec;
	/* Opaque: instead of exec, when standing as a query, the session's
	 * rewriter giving the query to bind in the statement's place (so
	 * ML.PREDICT streams through the engine instead of materializing). */
	void *rewrite;
	const char *usage;
	const char *summary;
	/* The statement returns one table and may stand where a query does:
	 * CREATE TABLE x AS TTEST ..., FROM (ANOVA ...), WITH r AS (...). */
	bool query;
	/* The words alone are a whole statement (SHOW MODELS); otherwise a
	 * two-word statement needs more after its words, so that
	 * "DESCRIBE history" still describes a table called history. */
	bool bare;
	/* A table-valued call in FROM: WORD.WORDS2(...) (ML.PREDICT(...)).
	 * parse is called after the '(' and consumes the ')'; the statement
	 * stands where a derived table does. Never a statement of its own. */
	bool fn;
};

/* Set p up to read src with the parser_* helpers below (tokenized
 * whole; false with err set on a lexical error) - for statements that
 * parse a text of their own, such as a definition kept in a table. */
bool parser_open(struct parser *p, const char *src, int len, struct arena *arena, struct wb_error *err);
/* Parse one statement. Returns NULL on error (err set). */
struct ast *parse_statement(const char *src, int len, struct arena *arena, struct wb_error *err);
/* Parse a standalone expression (used by tests and `.chart` options). */
struct ast *parse_expression(const char *src, int len, struct arena *arena, struct wb_error *err);

void parse_register_ext(const struct stmt_ext *ext);
int parse_ext_count(void);
const struct stmt_ext *parse_ext_at(int i);

/* Helpers for extension parsers. All return NULL/false/-1 with the parser
 * error set when they fail (except the accept_* probes). */
const struct token *parser_peek(struct parser *p, int ahead);
bool parser_at_end(struct parser *p);   /* EOF or ';' */
/* The end of a statement that may stand in FROM (...): EOF, ';' or ')'. */
bool parser_at_query_end(struct parser *p);
/* A positive whole number (LIMIT n, FOR RUN n) into *out; -1 with the
 * error "<what> needs a positive whole number[ of <unit>]" at it. */
int parser_count(struct parser *p, int64_t *out, const char *what, const char *unit);
bool parser_accept_word(struct parser *p, const char *word);   /* keyword or identifier, case-insensitive */
bool parser_expect_word(struct parser *p, const char *word);
bool parser_accept_op(struct parser *p, const char *op);
bool parser_expect_op(struct parser *p, const char *op);
char *parser_ident(struct parser *p, const char *what);          /* a name */
bool parser_qualified_name(struct parser *p, struct ast_name *out);
struct ast *parser_expr(struct parser *p);
struct ast *parser_query(struct parser *p);
/* A FROM-style source: table name, table function, 'file', or (query). */
struct ast *parser_table_ref(struct parser *p);
/* Literal string / number helpers. */
char *parser_string(struct parser *p, const char *what);
bool parser_number(struct parser *p, double *out);
int parser_error(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A CREATE TABLE element list, parentheses included: column definitions
 * (COLDEF nodes, to columns) and table constraints (CONSTRAINT nodes, to
 * constraints) in any order, as Delta Live Tables writes them:
 *   (id BIGINT, CONSTRAINT c EXPECT (id > 0) ON VIOLATION DROP ROW, ...)
 * (parse_constraint.c). */
bool parser_table_elements(struct parser *p, struct ast_list *columns, struct ast_list *constraints);
/* "syntax error at or near ..." for the current token, with a hint. */
int parser_syntax_error(struct parser *p, const char *expected);

#endif
