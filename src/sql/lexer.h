/*
 * lexer: SQL text -> tokens.
 *
 * Tokens are views into the statement text (never copied); `pos` is the
 * byte offset of the first character, used for error carets. Identifiers
 * are case-insensitive; quoted identifiers ("x" or `x`) keep their text
 * and never match keywords. Strings use single quotes with '' doubling
 * (standard SQL; double quotes are identifiers, as in DuckDB/PostgreSQL).
 * Comments: -- to end of line, and C-style block comments (nesting allowed).
 */
#ifndef WB_SQL_LEXER_H
#define WB_SQL_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "sql/keywords.h"

enum kw_id {
	KW_NONE_ = 0,
#define KW_ENUM(name, reserved) KW_##name,
	WB_KEYWORDS(KW_ENUM)
#undef KW_ENUM
	KW__COUNT
};

enum tok_type {
	TOK_EOF = 0,
	TOK_IDENT,      /* unquoted word that is not a keyword (or a keyword, see kw) */
	TOK_QIDENT,     /* "quoted" or `quoted` identifier; text excludes quotes */
	TOK_STRING,     /* 'string'; text excludes quotes, '' not yet undoubled */
	TOK_INTEGER,
	TOK_FLOAT,
	TOK_PARAM,      /* :name, $name, ${name} or ?; text is the name ("" for ?) */
	TOK_OP,         /* punctuation and operators; text is the symbol */
};

struct token {
	enum tok_type type;
	enum kw_id kw;      /* keyword id when type == TOK_IDENT and a keyword */
	const char *text;
	int len;
	int pos;
};

struct lexer {
	const char *src;
	int len;
	int off;
};

void lex_init(struct lexer *lx, const char *src, int len);
/* Next token; on a lexical error (unterminated string/comment, bad char)
 * returns -1 with err set at the position. */
int lex_next(struct lexer *lx, struct token *t, struct wb_error *err);
/* Keyword lookup for a word (case-insensitive); KW_NONE_ if not one. */
enum kw_id kw_lookup(const char *s, int n);
const char *kw_name(enum kw_id k);
bool kw_reserved(enum kw_id k);
/* Tokenize whole text (used by completion and highlighting): calls fn per
 * token; stops on error. */
int lex_all(const char *src, int len, void (*fn)(void *arg, const struct token *t), void *arg);
/* Does `text` end inside a string, quoted identifier or comment? Used by
 * the REPL to decide whether a ';' really ends the statement. */
bool lex_complete_statement(const char *text, int len);
/* Offset of the first top-level ';' in text (outside strings, quoted
 * identifiers and comments), or -1 if there is none. *open is set when the
 * text ends inside a string or comment. */
int lex_statement_end(const char *text, int len, bool *open);
/* true when text holds only whitespace and comments. */
bool lex_is_blank(const char *text, int len);
/* Split text into statements at top-level ';'. Each returned span excludes
 * the ';'. Empty statements are skipped. Returns the number of spans;
 * the arrays in starts and lens are malloc'd. */
int lex_split_statements(const char *text, int len, int **starts, int **lens);
/* Append s as a SQL string literal ('it''s'): what statements built as
 * text (COPY INTO, streaming batches) write for a path or a value. */
struct strbuf;
void lex_put_string(struct strbuf *sb, const char *s);

#endif
