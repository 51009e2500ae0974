/* Statement grammar, token helpers and the extension-statement registry. */
#include "sql/parse_int.h"
#include "core/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- token helpers ---- */

bool
P_is_op(struct parser *p, const char *op)
{
	const struct token *t = P_tok(p);
	return t->type == TOK_OP && (size_t)t->len == strlen(op) && memcmp(t->text, op, (size_t)t->len) == 0;
}

bool
P_is_op_at(struct parser *p, int ahead, const char *op)
{
	int i = p->cur + ahead;
	if (i >= p->ntoks)
		return false;
	const struct token *t = &p->toks[i];
	return t->type == TOK_OP && (size_t)t->len == strlen(op) && memcmp(t->text, op, (size_t)t->len) == 0;
}

bool
P_is_name_at(struct parser *p, int ahead)
{
	int i = p->cur + ahead;
	if (i >= p->ntoks)
		return false;
	const struct token *t = &p->toks[i];
	if (t->type == TOK_QIDENT)
		return true;
	return t->type == TOK_IDENT && (t->kw == KW_NONE_ || !kw_reserved(t->kw));
}

bool
P_is_name(struct parser *p)
{
	return P_is_name_at(p, 0);
}

char *
P_tok_text(struct parser *p, const struct token *t)
{
	char q = t->type == TOK_STRING ? '\'' : t->type == TOK_QIDENT ? t->text[-1] : 0;
	if (q == 0)
		return arena_strndup(p->arena, t->text, (size_t)t->len);
	/* undouble the quote character */
	char *s = arena_alloc(p->arena, (size_t)t->len + 1);
	int j = 0;
	for (int i = 0; i < t->len; i++) {
		s[j++] = t->text[i];
		if (t->text[i] == q && i + 1 < t->len && t->text[i + 1] == q)
			i++;
	}
	s[j] = '\0';
	return s;
}

bool
P_enter(struct parser *p)
{
	if (++p->depth > PARSE_MAX_DEPTH) {
		parser_error(p, "statement is nested too deeply (more than %d levels)", PARSE_MAX_DEPTH);
		return false;
	}
	return true;
}

int
parser_error(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(p->err, P_tok(p)->pos, fmt, ap);
	va_end(ap);
	return -1;
}

int
parser_syntax_error(struct parser *p, const char *expected)
{
	const struct token *t = P_tok(p);
	if (t->type == TOK_EOF)
		err_set(p->err, t->pos, "syntax error: unexpected end of input");
	else if (t->type == TOK_STRING)
		err_set(p->err, t->pos, "syntax error at or near '%.*s'", t->len + 2, t->text - 1);
	else if (t->type == TOK_QIDENT)
		err_set(p->err, t->pos, "syntax error at or near %.*s", t->len + 2, t->text - 1);
	else
		err_set(p->err, t->pos, "syntax error at or near \"%.*s\"", t->len, t->text);
	if (expected != NULL && p->err->hint == NULL)
		err_hint(p->err, "expected %s", expected);
	return -1;
}

bool
P_expect_kw(struct parser *p, enum kw_id k)
{
	if (P_accept_kw(p, k))
		return true;
	parser_syntax_error(p, kw_name(k));
	return false;
}

const struct token *
parser_peek(struct parser *p, int ahead)
{
	int i = p->cur + ahead;
	if (i >= p->ntoks)
		i = p->ntoks - 1;
	return &p->toks[i];
}

bool
parser_at_end(struct parser *p)
{
	return P_tok(p)->type == TOK_EOF || P_is_op(p, ";");
}

bool
parser_at_query_end(struct parser *p)
{
	return parser_at_end(p) || P_is_op(p, ")");
}

int
parser_count(struct parser *p, int64_t *out, const char *what, const char *unit)
{
	double d;
	int at = p->cur;
	if (!parser_number(p, &d))
		return -1;
	if (d < 1 || d > 1e18 || d != (double)(int64_t)d) {
		p->cur = at;
		return parser_error(p, "%s needs a positive whole number%s%s", what, unit ? " of " : "", unit ? unit : "");
	}
	*out = (int64_t)d;
	return 0;
}

bool
parser_accept_word(struct parser *p, const char *word)
{
	const struct token *t = P_tok(p);
	if (t->type == TOK_IDENT && (size_t)t->len == strlen(word) && strncasecmp(t->text, word, (size_t)t->len) == 0) {
		p->cur++;
		return true;
	}
	return false;
}

bool
parser_expect_word(struct parser *p, const char *word)
{
	if (parser_accept_word(p, word))
		return true;
	parser_syntax_error(p, word);
	return false;
}

bool
parser_accept_op(struct parser *p, const char *op)
{
	if (P_is_op(p, op)) {
		p->cur++;
		return true;
	}
	return false;
}

bool
parser_expect_op(struct parser *p, const char *op)
{
	if (parser_accept_op(p, op))
		return true;
	char buf[32];
	snprintf(buf, sizeof buf, "'%s'", op);
	parser_syntax_error(p, buf);
	return false;
}

char *
parser_ident(struct parser *p, const char *what)
{
	if (!P_is_name(p)) {
		parser_syntax_error(p, what);
		return NULL;
	}
	char *s = P_tok_text(p, P_tok(p));
	p->cur++;
	return s;
}

bool
parser_qualified_name(struct parser *p, struct ast_name *out)
{
	out->n = 0;
	do {
		if (out->n == 4) {
			parser_error(p, "too many name parts");
			return false;
		}
		char *part = parser_ident(p, "a name");
		if (part == NULL)
			return false;
		out->parts[out->n++] = part;
	} while (P_is_op(p, ".") && P_is_name_at(p, 1) && (p->cur++, true));
	return true;
}

struct ast *
parser_expr(struct parser *p)
{
	return P_expr(p);
}

struct ast *
parser_query(struct parser *p)
{
	return P_query(p);
}

struct ast *
parser_table_ref(struct parser *p)
{
	return P_table_ref(p);
}

char *
parser_string(struct parser *p, const char *what)
{
	if (P_tok(p)->type != TOK_STRING) {
		parser_syntax_error(p, what);
		return NULL;
	}
	char *s = P_tok_text(p, P_tok(p));
	p->cur++;
	return s;
}

bool
parser_number(struct parser *p, double *out)
{
	bool neg = parser_accept_op(p, "-");
	const struct token *t = P_tok(p);
	if (t->type != TOK_INTEGER && t->type != TOK_FLOAT) {
		parser_syntax_error(p, "a number");
		return false;
	}
	*out = strtod(P_tok_text(p, t), NULL);
	if (neg)
		*out = -*out;
	p->cur++;
	return true;
}

/* ---- extension registry ---- */

/* Registered at start-up (session_new), before any thread parses; the
 * table grows as modules add statements. */
static const struct stmt_ext **exts;
static int nexts;
static size_t exts_cap;

void
parse_register_ext(const struct stmt_ext *ext)
{
	for (int i = 0; i < nexts; i++)
		if (exts[i] == ext)
			return;
	exts = xgrow(exts, &exts_cap, (size_t)nexts + 1, sizeof *exts);
	exts[nexts++] = ext;
}

int
parse_ext_count(void)
{
	return nexts;
}

const struct stmt_ext *
parse_ext_at(int i)
{
	return exts[i];
}

/* Whether the token is the identifier or keyword word (case-insensitive). */
static bool
tok_is_word(const struct token *t, const char *word, size_t len)
{
	return t->type == TOK_IDENT && (size_t)t->len == len && strncasecmp(word, t->text, len) == 0;
}

/* How many tokens ext's words take at the parser's position (0: no match).
 * Statement words are WORD WORDS2...; a table-valued call is WORD . WORDS2 (. */
static int
ext_match(struct parser *p, const struct stmt_ext *e)
{
	if (!tok_is_word(P_tok(p), e->word, strlen(e->word)))
		return 0;
	int k = 1;
	if (e->fn) {
		if (!P_is_op_at(p, 1, ".") || !tok_is_word(parser_peek(p, 2), e->words2, strlen(e->words2)) ||
		    !P_is_op_at(p, 3, "("))
			return 0;
		return 4;
	}
	for (const char *w = e->words2; w != NULL && *w;) {
		size_t len = strcspn(w, " ");
		if (!tok_is_word(parser_peek(p, k), w, len))
			return 0;
		k++;
		w += len;
		w += strspn(w, " ");
	}
	if (e->words2 != NULL && !e->bare) {
		/* "DESCRIBE history" with nothing after names a table called
		 * history: statements of several words need more */
		const struct token *t = parser_peek(p, k);
		if (t->type == TOK_EOF || (t->type == TOK_OP && t->len == 1 && t->text[0] == ';'))
			return 0;
	}
	return k;
}

/* The registered statement (fn: table-valued call) at the parser's
 * position; the longest match wins. *ntok: the tokens its words take. */
static const struct stmt_ext *
find_ext_kind(struct parser *p, bool fn, int *ntok)
{
	const struct stmt_ext *best = NULL;
	int bestk = 0;
	for (int i = 0; i < nexts; i++) {
		if (exts[i]->fn != fn)
			continue;
		int k = ext_match(p, exts[i]);
		if (k > bestk) {
			best = exts[i];
			bestk = k;
		}
	}
	if (ntok)
		*ntok = bestk;
	return best;
}

static const struct stmt_ext *
find_ext(struct parser *p)
{
	return find_ext_kind(p, false, NULL);
}

/* ---- statements ---- */

bool
P_props(struct parser *p, struct ast_list *out)
{
	if (!parser_expect_op(p, "("))
		return false;
	do {
		struct ast *pr = ast_new(p->arena, AST_PROPERTY, P_tok(p)->pos);
		const struct token *t = P_tok(p);
		if (t->type == TOK_STRING || P_is_name(p)) {
			/* dotted keys: delta.appendOnly */
			struct strbuf key = STRBUF_INIT;
			sb_puts(&key, P_tok_text(p, t));
			p->cur++;
			while (t->type != TOK_STRING && P_is_op(p, ".") && P_is_name_at(p, 1)) {
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
		parser_accept_op(p, "=");
		pr->u.prop.value = P_expr(p);
		if (pr->u.prop.value == NULL)
			return false;
		ast_list_add(p->arena, out, pr);
	} while (parser_accept_op(p, ","));
	return parser_expect_op(p, ")");
}

struct ast *
P_column_def(struct parser *p)
{
	struct ast *c = ast_new(p->arena, AST_COLDEF, P_tok(p)->pos);
	c->u.coldef.name = parser_ident(p, "a column name");
	if (c->u.coldef.name == NULL)
		return NULL;
	if (!P_type_name(p, &c->u.coldef.type, &c->u.coldef.type_text))
		return NULL;
	for (;;) {
		if (P_is_kw(p, KW_NOT) && P_is_kw_at(p, 1, KW_NULL)) {
			p->cur += 2;
			c->u.coldef.not_null = true;
		} else if (P_accept_kw(p, KW_NULL)) {
		} else if (P_accept_kw(p, KW_COMMENT)) {
			c->u.coldef.comment = parser_string(p, "a comment string");
			if (c->u.coldef.comment == NULL)
				return NULL;
		} else if (parser_accept_word(p, "DEFAULT")) {
			c->u.coldef.default_value = P_expr(p);
			if (c->u.coldef.default_value == NULL)
				return NULL;
		} else if (parser_accept_word(p, "PRIMARY")) {
			if (!parser_expect_word(p, "KEY"))
				return NULL;
		} else {
			break;
		}
	}
	return c;
}

bool
P_column_defs(struct parser *p, struct ast_list *out)
{
	do {
		struct ast *c = P_column_def(p);
		if (c == NULL)
			return false;
		ast_list_add(p->arena, out, c);
	} while (parser_accept_op(p, ","));
	return true;
}

static struct ast *
P_create(struct parser *p, int pos)
{
	bool or_replace = false, temp = false;
	if (P_accept_kw(p, KW_OR)) {
		if (!P_expect_kw(p, KW_REPLACE))
			return NULL;
		or_replace = true;
	}
	if (P_accept_kw(p, KW_TEMP) || P_accept_kw(p, KW_TEMPORARY))
		temp = true;
	if (P_accept_kw(p, KW_SCHEMA) || P_accept_kw(p, KW_DATABASE)) {
		struct ast *n = ast_new(p->arena, AST_CREATE_SCHEMA, pos);
		if (P_accept_kw(p, KW_IF)) {
			if (!P_expect_kw(p, KW_NOT) || !P_expect_kw(p, KW_EXISTS))
				return NULL;
			n->u.create.if_not_exists = true;
		}
		if (!parser_qualified_name(p, &n->u.create.name))
			return NULL;
		if (P_accept_kw(p, KW_COMMENT)) {
			n->u.create.comment = parser_string(p, "a comment string");
			if (n->u.create.comment == NULL)
				return NULL;
		}
		return n;
	}
	if (P_accept_kw(p, KW_VIEW)) {
		struct ast *n = ast_new(p->arena, AST_CREATE_VIEW, pos);
		n->u.create.or_replace = or_replace;
		n->u.create.temp = temp;
		if (P_accept_kw(p, KW_IF)) {
			if (!P_expect_kw(p, KW_NOT) || !P_expect_kw(p, KW_EXISTS))
				return NULL;
			n->u.create.if_not_exists = true;
		}
		if (!parser_qualified_name(p, &n->u.create.name))
			return NULL;
		if (P_is_op(p, "(")) {
			p->cur++;
			do {
				struct ast *c = ast_new(p->arena, AST_COLDEF, P_tok(p)->pos);
				c->u.coldef.name = parser_ident(p, "a column name");
				if (c->u.coldef.name == NULL)
					return NULL;
				ast_list_add(p->arena, &n->u.create.columns, c);
			} while (parser_accept_op(p, ","));
			if (!parser_expect_op(p, ")"))
				return NULL;
		}
		if (P_accept_kw(p, KW_COMMENT)) {
			n->u.create.comment = parser_string(p, "a comment string");
			if (n->u.create.comment == NULL)
				return NULL;
		}
		if (!P_expect_kw(p, KW_AS))
			return NULL;
		n->u.create.query = P_query(p);
		return n->u.create.query ? n : NULL;
	}
	if (!P_expect_kw(p, KW_TABLE))
		return NULL;
	struct ast *n = ast_new(p->arena, AST_CREATE_TABLE, pos);
	n->u.create.or_replace = or_replace;
	n->u.create.temp = temp;
	if (P_accept_kw(p, KW_IF)) {
		if (!P_expect_kw(p, KW_NOT) || !P_expect_kw(p, KW_EXISTS))
			return NULL;
		n->u.create.if_not_exists = true;
	}
	if (!parser_qualified_name(p, &n->u.create.name))
		return NULL;
	if (P_is_op(p, "(") && !parser_table_elements(p, &n->u.create.columns, &n->u.create.constraints))
		return NULL;
	for (;;) {
		if (P_accept_kw(p, KW_USING)) {
			n->u.create.using_format = parser_ident(p, "a table format (DELTA)");
			if (n->u.create.using_format == NULL)
				return NULL;
		} else if (P_accept_kw(p, KW_PARTITIONED)) {
			if (!P_expect_kw(p, KW_BY) || !parser_expect_op(p, "("))
				return NULL;
			do {
				struct ast *c = ast_new(p->arena, AST_COLREF, P_tok(p)->pos);
				c->u.name.n = 1;
				c->u.name.parts[0] = parser_ident(p, "a column name");
				if (c->u.name.parts[0] == NULL)
					return NULL;
				ast_list_add(p->arena, &n->u.create.partitioned, c);
			} while (parser_accept_op(p, ","));
			if (!parser_expect_op(p, ")"))
				return NULL;
		} else if (P_accept_kw(p, KW_TBLPROPERTIES)) {
			if (!P_props(p, &n->u.create.props))
				return NULL;
		} else if (P_accept_kw(p, KW_COMMENT)) {
			n->u.create.comment = parser_string(p, "a comment string");
			if (n->u.create.comment == NULL)
				return NULL;
		} else if (P_accept_kw(p, KW_LOCATION)) {
			n->u.create.location = parser_string(p, "a location string");
			if (n->u.create.location == NULL)
				return NULL;
		} else {
			break;
		}
	}
	if (P_accept_kw(p, KW_AS)) {
		n->u.create.query = P_query(p);
		if (n->u.create.query == NULL)
			return NULL;
	} else if (P_is_kw(p, KW_SELECT) || P_is_kw(p, KW_WITH)) {
		return parser_syntax_error(p, "AS before the query"), NULL;
	} else if (n->u.create.columns.n == 0 && n->u.create.location == NULL) {
		parser_syntax_error(p, n->u.create.constraints.n ? "AS query (the table's columns)" : "a column list or AS query");
		return NULL;
	}
	return n;
}

static struct ast *
P_drop(struct parser *p, int pos)
{
	struct ast *n = ast_new(p->arena, AST_DROP, pos);
	if (P_accept_kw(p, KW_TABLE))
		n->u.drop.what = OBJ_TABLE;
	else if (P_accept_kw(p, KW_VIEW))
		n->u.drop.what = OBJ_VIEW;
	else if (P_accept_kw(p, KW_SCHEMA) || P_accept_kw(p, KW_DATABASE))
		n->u.drop.what = OBJ_SCHEMA;
	else if (P_is_name(p)) {
		n->u.drop.what = OBJ_OTHER;
		n->u.drop.what_text = P_tok_text(p, P_tok(p));
		p->cur++;
	} else {
		return parser_syntax_error(p, "TABLE, VIEW or SCHEMA"), NULL;
	}
	if (P_accept_kw(p, KW_IF)) {
		if (!P_expect_kw(p, KW_EXISTS))
			return NULL;
		n->u.drop.if_exists = true;
	}
	if (!parser_qualified_name(p, &n->u.drop.name))
		return NULL;
	if (parser_accept_word(p, "CASCADE"))
		n->u.drop.cascade = true;
	return n;
}

static struct ast *
P_insert(struct parser *p, int pos)
{
	struct ast *n = ast_new(p->arena, AST_INSERT, pos);
	if (P_accept_kw(p, KW_WITH)) {
		/* Databricks: INSERT WITH SCHEMA EVOLUTION INTO */
		if (!P_expect_kw(p, KW_SCHEMA) || !parser_expect_word(p, "EVOLUTION"))
			return NULL;
		n->u.insert.schema_evolution = true;
	}
	if (P_accept_kw(p, KW_OVERWRITE)) {
		n->u.insert.overwrite = true;
		P_accept_kw(p, KW_TABLE);
	} else {
		if (!P_expect_kw(p, KW_INTO))
			return NULL;
		P_accept_kw(p, KW_TABLE);
	}
	if (!parser_qualified_name(p, &n->u.insert.table))
		return NULL;
	if (parser_accept_word(p, "PARTITION")) {
		/* Spark: PARTITION (k = 'v', k2) - static values and dynamic columns */
		if (!parser_expect_op(p, "("))
			return NULL;
		do {
			struct ast *a = ast_new(p->arena, AST_ASSIGN, P_tok(p)->pos);
			a->u.assign.target.n = 1;
			a->u.assign.target.parts[0] = parser_ident(p, "a partition column");
			if (a->u.assign.target.parts[0] == NULL)
				return NULL;
			if (parser_accept_op(p, "=") && (a->u.assign.value = P_expr(p)) == NULL)
				return NULL;
			ast_list_add(p->arena, &n->u.insert.partition, a);
		} while (parser_accept_op(p, ","));
		if (!parser_expect_op(p, ")"))
			return NULL;
	}
	if (P_is_op(p, "(") && !(P_is_kw_at(p, 1, KW_SELECT) || P_is_kw_at(p, 1, KW_WITH) || P_is_kw_at(p, 1, KW_VALUES))) {
		p->cur++;
		do {
			struct ast *c = ast_new(p->arena, AST_COLREF, P_tok(p)->pos);
			c->u.name.n = 1;
			c->u.name.parts[0] = parser_ident(p, "a column name");
			if (c->u.name.parts[0] == NULL)
				return NULL;
			ast_list_add(p->arena, &n->u.insert.columns, c);
		} while (parser_accept_op(p, ","));
		if (!parser_expect_op(p, ")"))
			return NULL;
	}
	if (P_is_kw(p, KW_BY) && parser_peek(p, 1)->type == TOK_IDENT && parser_peek(p, 1)->len == 4 &&
	    strncasecmp(parser_peek(p, 1)->text, "NAME", 4) == 0) {
		p->cur += 2;
		n->u.insert.by_name = true;
	}
	if (P_accept_kw(p, KW_REPLACE)) {
		if (!P_expect_kw(p, KW_WHERE))
			return NULL;
		n->u.insert.replace_where = P_expr(p);
		if (n->u.insert.replace_where == NULL)
			return NULL;
	}
	n->u.insert.query = P_query(p);
	return n->u.insert.query ? n : NULL;
}

static struct ast *
P_update(struct parser *p, int pos)
{
	struct ast *n = ast_new(p->arena, AST_UPDATE, pos);
	struct ast *t = ast_new(p->arena, AST_TABLE, P_tok(p)->pos);
	if (!parser_qualified_name(p, &t->u.table.name))
		return NULL;
	if (!P_is_kw(p, KW_SET) && !P_alias(p, &t->u.table.alias, NULL, false))
		return NULL;
	n->u.update.table = t;
	if (!P_expect_kw(p, KW_SET))
		return NULL;
	do {
		struct ast *a = ast_new(p->arena, AST_ASSIGN, P_tok(p)->pos);
		if (!parser_qualified_name(p, &a->u.assign.target) || !parser_expect_op(p, "="))
			return NULL;
		a->u.assign.value = P_expr(p);
		if (a->u.assign.value == NULL)
			return NULL;
		ast_list_add(p->arena, &n->u.update.set, a);
	} while (parser_accept_op(p, ","));
	if (P_accept_kw(p, KW_FROM)) {
		n->u.update.from = P_table_ref(p);
		if (n->u.update.from == NULL)
			return NULL;
	}
	if (P_accept_kw(p, KW_WHERE)) {
		n->u.update.where = P_expr(p);
		if (n->u.update.where == NULL)
			return NULL;
	}
	return n;
}

static struct ast *
P_delete(struct parser *p, int pos)
{
	struct ast *n = ast_new(p->arena, AST_DELETE, pos);
	if (!P_expect_kw(p, KW_FROM))
		return NULL;
	struct ast *t = ast_new(p->arena, AST_TABLE, P_tok(p)->pos);
	if (!parser_qualified_name(p, &t->u.table.name))
		return NULL;
	if (!P_is_kw(p, KW_WHERE) && !P_alias(p, &t->u.table.alias, NULL, false))
		return NULL;
	n->u.del.table = t;
	if (P_accept_kw(p, KW_WHERE)) {
		n->u.del.where = P_expr(p);
		if (n->u.del.where == NULL)
			return NULL;
	}
	return n;
}

static struct ast *P_statement(struct parser *p);

static struct ast *
P_explain(struct parser *p, int pos)
{
	struct ast *n = ast_new(p->arena, AST_EXPLAIN, pos);
	if (P_accept_kw(p, KW_ANALYZE))
		n->u.explain.analyze = true;
	if (P_is_op(p, "(")) {
		/* EXPLAIN (FORMAT json, ANALYZE) */
		p->cur++;
		do {
			if (P_accept_kw(p, KW_ANALYZE)) {
				n->u.explain.analyze = true;
			} else if (P_accept_kw(p, KW_FORMAT)) {
				n->u.explain.format = parser_ident(p, "a format (TEXT or JSON)");
				if (n->u.explain.format == NULL)
					return NULL;
			} else {
				return parser_syntax_error(p, "FORMAT or ANALYZE"), NULL;
			}
		} while (parser_accept_op(p, ","));
		if (!parser_expect_op(p, ")"))
			return NULL;
	}
	if (P_accept_kw(p, KW_FORMAT)) {
		n->u.explain.format = parser_ident(p, "a format (TEXT or JSON)");
		if (n->u.explain.format == NULL)
			return NULL;
	}
	n->u.explain.stmt = P_statement(p);
	return n->u.explain.stmt ? n : NULL;
}

static struct ast *
P_show(struct parser *p, int pos)
{
	struct ast *n = ast_new(p->arena, AST_SHOW, pos);
	if (P_accept_kw(p, KW_TABLES)) {
		n->u.show.what = SHOW_TABLES;
	} else if (P_accept_kw(p, KW_SCHEMAS) || parser_accept_word(p, "DATABASES")) {
		n->u.show.what = SHOW_SCHEMAS;
	} else if (P_accept_kw(p, KW_FUNCTIONS)) {
		n->u.show.what = SHOW_FUNCTIONS;
	} else if (P_accept_kw(p, KW_VIEWS)) {
		n->u.show.what = SHOW_VIEWS;
	} else if (P_accept_kw(p, KW_COLUMNS)) {
		n->u.show.what = SHOW_COLUMNS;
		if (!P_accept_kw(p, KW_FROM) && !P_expect_kw(p, KW_IN))
			return NULL;
		if (!parser_qualified_name(p, &n->u.show.in))
			return NULL;
		return n;
	} else if (P_is_name(p)) {
		n->u.show.what = SHOW_OTHER;
		n->u.show.what_text = P_tok_text(p, P_tok(p));
		p->cur++;
	} else {
		return parser_syntax_error(p, "TABLES, SCHEMAS, FUNCTIONS or COLUMNS"), NULL;
	}
	if (P_accept_kw(p, KW_IN) || P_accept_kw(p, KW_FROM)) {
		if (!parser_qualified_name(p, &n->u.show.in))
			return NULL;
	}
	if (P_accept_kw(p, KW_LIKE)) {
		n->u.show.like = parser_string(p, "a pattern string");
		if (n->u.show.like == NULL)
			return NULL;
	}
	return n;
}

static struct ast *
P_describe(struct parser *p, int pos)
{
	struct ast *n = ast_new(p->arena, AST_DESCRIBE, pos);
	/* DESCRIBE HISTORY t / DETAIL t (the statements themselves are
	 * extensions); DESCRIBE history alone names a table */
	const struct token *after = parser_peek(p, 1);
	bool more = after->type != TOK_EOF && !(after->type == TOK_OP && after->len == 1 && after->text[0] == ';');
	if (P_accept_kw(p, KW_EXTENDED) || parser_accept_word(p, "FORMATTED"))
		n->u.describe.extended = true;
	else if (more && P_accept_kw(p, KW_HISTORY))
		n->u.describe.what = "HISTORY";
	else if (more && parser_accept_word(p, "DETAIL"))
		n->u.describe.what = "DETAIL";
	P_accept_kw(p, KW_TABLE);
	if (P_is_kw(p, KW_SELECT) || P_is_kw(p, KW_WITH) || P_is_kw(p, KW_VALUES) || P_is_op(p, "(") ||
	    P_is_kw(p, KW_FROM)) {
		n->u.describe.query = P_query(p);
		return n->u.describe.query ? n : NULL;
	}
	if (P_tok(p)->type == TOK_STRING || (P_is_name(p) && P_is_op_at(p, 1, "("))) {
		/* DESCRIBE 'file.csv' / DESCRIBE read_csv(...) */
		struct ast *q = ast_new(p->arena, AST_QUERY, pos);
		struct ast *s = ast_new(p->arena, AST_SELECT, pos);
		struct ast *item = ast_new(p->arena, AST_SELECT_ITEM, pos);
		item->u.item.expr = ast_new(p->arena, AST_STAR, pos);
		ast_list_add(p->arena, &s->u.select.items, item);
		s->u.select.from = P_table_ref(p);
		if (s->u.select.from == NULL)
			return NULL;
		q->u.query.body = s;
		n->u.describe.query = q;
		return n;
	}
	if (!parser_qualified_name(p, &n->u.describe.name))
		return NULL;
	return n;
}

static struct ast *
P_set(struct parser *p, int pos)
{
	struct ast *n = ast_new(p->arena, AST_SET, pos);
	/* SET name = value | SET name TO value; dotted names allowed */
	struct strbuf name = STRBUF_INIT;
	char *part = parser_ident(p, "a setting name");
	if (part == NULL)
		return NULL;
	sb_puts(&name, part);
	while (P_is_op(p, ".") && P_is_name_at(p, 1)) {
		p->cur++;
		sb_putc(&name, '.');
		sb_puts(&name, P_tok_text(p, P_tok(p)));
		p->cur++;
	}
	n->u.set.name = arena_strdup(p->arena, sb_str(&name));
	sb_free(&name);
	if (!parser_accept_op(p, "=") && !P_accept_kw(p, KW_TO))
		return parser_syntax_error(p, "'=' or TO"), NULL;
	int start = P_tok(p)->pos;
	n->u.set.value = P_expr(p);
	if (n->u.set.value == NULL)
		return NULL;
	int end = P_tok(p)->pos;
	while (end > start && (p->src[end - 1] == ' ' || p->src[end - 1] == '\n'))
		end--;
	n->u.set.value_text = arena_strndup(p->arena, p->src + start, (size_t)(end - start));
	return n;
}

/* 'key' = 'value' pairs of FORMAT_OPTIONS / COPY_OPTIONS, as NAMED_ARGs
 * with string values. */
static bool
P_copy_pairs(struct parser *p, struct ast_list *out)
{
	if (!parser_expect_op(p, "("))
		return false;
	do {
		struct ast *a = ast_new(p->arena, AST_NAMED_ARG, P_tok(p)->pos);
		a->u.named.name = P_is_name(p) ? parser_ident(p, "an option name") : parser_string(p, "an option name");
		if (a->u.named.name == NULL || !parser_expect_op(p, "="))
			return false;
		a->u.named.value = P_expr(p);
		if (a->u.named.value == NULL)
			return false;
		ast_list_add(p->arena, out, a);
	} while (parser_accept_op(p, ","));
	return parser_expect_op(p, ")");
}

/* COPY INTO t FROM 'path' [FILEFORMAT = fmt | FORMAT fmt] [FORMAT_OPTIONS (...)]
 * [COPY_OPTIONS (...)] */
static struct ast *
P_copy_into(struct parser *p, struct ast *n)
{
	n->u.copy.into = true;
	if (!parser_qualified_name(p, &n->u.copy.table) || !P_expect_kw(p, KW_FROM))
		return NULL;
	n->u.copy.path = parser_string(p, "a file, folder or glob pattern");
	if (n->u.copy.path == NULL)
		return NULL;
	for (;;) {
		if (!P_is_name(p))
			break;
		const char *w = P_tok_text(p, P_tok(p));
		if (strcasecmp(w, "FILEFORMAT") == 0 || strcasecmp(w, "FORMAT") == 0) {
			/* FILEFORMAT = csv (Databricks) or FORMAT csv */
			bool eq = strcasecmp(w, "FILEFORMAT") == 0;
			p->cur++;
			if (eq ? !parser_expect_op(p, "=") : (parser_accept_op(p, "="), false))
				return NULL;
			n->u.copy.fileformat = parser_ident(p, "CSV or PARQUET");
			if (n->u.copy.fileformat == NULL)
				return NULL;
		} else if (strcasecmp(w, "FORMAT_OPTIONS") == 0) {
			p->cur++;
			if (!P_copy_pairs(p, &n->u.copy.options))
				return NULL;
		} else if (strcasecmp(w, "COPY_OPTIONS") == 0) {
			p->cur++;
			struct ast_list co = {0};
			if (!P_copy_pairs(p, &co))
				return NULL;
			for (int i = 0; i < co.n; i++) {
				const struct ast *v = co.v[i]->u.named.value;
				bool on = v->kind == AST_LITERAL && ((v->u.lit.type == WB_TYPE_BOOL && v->u.lit.u.b) ||
				    (v->u.lit.type == WB_TYPE_VARCHAR && strcasecmp(v->u.lit.u.s.p, "true") == 0));
				if (strcasecmp(co.v[i]->u.named.name, "force") == 0)
					n->u.copy.force = on;
				else if (strcasecmp(co.v[i]->u.named.name, "mergeSchema") != 0) {
					err_set(p->err, co.v[i]->pos, "unknown COPY_OPTIONS option '%s'", co.v[i]->u.named.name);
					err_hint(p->err, "COPY_OPTIONS are 'force' and 'mergeSchema'");
					return NULL;
				}
			}
		} else {
			break;
		}
	}
	return n;
}

static struct ast *
P_copy(struct parser *p, int pos)
{
	struct ast *n = ast_new(p->arena, AST_COPY, pos);
	if (P_accept_kw(p, KW_INTO))
		return P_copy_into(p, n);
	if (P_is_op(p, "(")) {
		p->cur++;
		n->u.copy.query = P_query(p);
		if (n->u.copy.query == NULL || !parser_expect_op(p, ")"))
			return NULL;
	} else if (!parser_qualified_name(p, &n->u.copy.table)) {
		return NULL;
	}
	if (P_accept_kw(p, KW_TO))
		n->u.copy.to = true;
	else if (!P_expect_kw(p, KW_FROM))
		return NULL;
	n->u.copy.path = parser_string(p, "a file name");
	if (n->u.copy.path == NULL)
		return NULL;
	bool paren = parser_accept_op(p, "(");
	if (paren || P_accept_kw(p, KW_WITH)) {
		if (!paren && !parser_expect_op(p, "("))
			return NULL;
		do {
			struct ast *a = ast_new(p->arena, AST_NAMED_ARG, P_tok(p)->pos);
			a->u.named.name = parser_ident(p, "an option name");
			if (a->u.named.name == NULL)
				return NULL;
			parser_accept_op(p, "=");
			if (P_is_op(p, ",") || P_is_op(p, ")")) {
				struct ast *t = ast_new(p->arena, AST_LITERAL, P_tok(p)->pos);
				t->u.lit.type = WB_TYPE_BOOL;
				t->u.lit.u.b = true;
				a->u.named.value = t;
			} else if (P_is_name(p) && !P_is_op_at(p, 1, "(")) {
				/* bare word value: FORMAT parquet */
				struct ast *t = ast_new(p->arena, AST_LITERAL, P_tok(p)->pos);
				t->u.lit.type = WB_TYPE_VARCHAR;
				t->u.lit.u.s = wb_str_c(P_tok_text(p, P_tok(p)));
				p->cur++;
				a->u.named.value = t;
			} else {
				a->u.named.value = P_expr(p);
				if (a->u.named.value == NULL)
					return NULL;
			}
			ast_list_add(p->arena, &n->u.copy.options, a);
		} while (parser_accept_op(p, ","));
		if (!parser_expect_op(p, ")"))
			return NULL;
	}
	return n;
}

/* An extension statement at the parser's position (ext found there). */
static struct ast *
P_ext(struct parser *p, const struct stmt_ext *ext)
{
	struct ast *n = ast_new(p->arena, AST_EXT, P_tok(p)->pos);
	int k;
	find_ext_kind(p, ext->fn, &k);
	p->cur += k;
	n->u.ext.ext = ext;
	if (ext->parse(p, &n->u.ext.data) < 0) {
		if (!err_isset(p->err))
			parser_syntax_error(p, NULL);
		return NULL;
	}
	return n;
}

bool
P_at_ext_query(struct parser *p)
{
	const struct stmt_ext *ext = find_ext(p);
	return ext != NULL && ext->query;
}

struct ast *
P_ext_call(struct parser *p)
{
	const struct stmt_ext *ext = find_ext_kind(p, true, NULL);
	return ext != NULL ? P_ext(p, ext) : NULL;
}

struct ast *
P_ext_query(struct parser *p)
{
	const struct stmt_ext *ext = find_ext(p);
	return ext != NULL && ext->query ? P_ext(p, ext) : NULL;
}

static struct ast *
P_statement(struct parser *p)
{
	const struct token *t = P_tok(p);
	int pos = t->pos;
	const struct stmt_ext *ext = find_ext(p);
	if (ext != NULL)
		return P_ext(p, ext);
	if (t->type == TOK_IDENT) {
		switch (t->kw) {
		case KW_SELECT:
		case KW_WITH:
		case KW_VALUES:
		case KW_FROM:
		case KW_TABLE:
			return P_query(p);
		case KW_CREATE:
			p->cur++;
			return P_create(p, pos);
		case KW_DROP:
			p->cur++;
			return P_drop(p, pos);
		case KW_INSERT:
			p->cur++;
			return P_insert(p, pos);
		case KW_UPDATE:
			p->cur++;
			return P_update(p, pos);
		case KW_DELETE:
			p->cur++;
			return P_delete(p, pos);
		case KW_EXPLAIN:
			p->cur++;
			return P_explain(p, pos);
		case KW_SHOW:
			p->cur++;
			return P_show(p, pos);
		case KW_DESCRIBE:
		case KW_DESC:
			p->cur++;
			return P_describe(p, pos);
		case KW_SET:
			p->cur++;
			return P_set(p, pos);
		case KW_USE: {
			p->cur++;
			struct ast *n = ast_new(p->arena, AST_USE, pos);
			if (P_accept_kw(p, KW_SCHEMA) || P_accept_kw(p, KW_DATABASE) || P_accept_kw(p, KW_CATALOG)) {
			}
			if (!parser_qualified_name(p, &n->u.use.name))
				return NULL;
			return n;
		}
		case KW_COPY:
			p->cur++;
			return P_copy(p, pos);
		case KW_MERGE:
			p->cur++;
			return P_merge(p, pos);
		case KW_ALTER:
			p->cur++;
			return P_alter(p, pos);
		case KW_TRUNCATE:
			p->cur++;
			return P_truncate(p, pos);
		case KW_CACHE:
		case KW_UNCACHE: {
			struct ast *n = ast_new(p->arena, AST_CACHE, pos);
			n->u.cache.uncache = t->kw == KW_UNCACHE;
			p->cur++;
			if (!n->u.cache.uncache && P_is_name(p) && strcasecmp(P_tok_text(p, P_tok(p)), "lazy") == 0) {
				n->u.cache.lazy = true;
				p->cur++;
			}
			if (!P_expect_kw(p, KW_TABLE))
				return NULL;
			if (n->u.cache.uncache && P_accept_kw(p, KW_IF)) {
				if (!P_expect_kw(p, KW_EXISTS))
					return NULL;
				n->u.cache.if_exists = true;
			}
			if (!parser_qualified_name(p, &n->u.cache.name))
				return NULL;
			return n;
		}
		default:
			break;
		}
	}
	if (P_is_op(p, "("))
		return P_query(p);
	if (t->type == TOK_EOF)
		parser_error(p, "empty statement");
	else
		parser_syntax_error(p, "a statement (SELECT, CREATE, INSERT, DROP, SHOW, DESCRIBE, EXPLAIN, ...)");
	return NULL;
}

static bool
tokenize(struct parser *p, const char *src, int len)
{
	struct lexer lx;
	size_t cap = 0;
	lex_init(&lx, src, len);
	p->toks = NULL;
	p->ntoks = 0;
	for (;;) {
		struct token t;
		if (lex_next(&lx, &t, p->err) < 0)
			return false;
		if ((size_t)p->ntoks + 4 > cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct token *nt = arena_alloc(p->arena, ncap * sizeof(struct token));
			if (p->ntoks)
				memcpy(nt, p->toks, (size_t)p->ntoks * sizeof(struct token));
			p->toks = nt;
			cap = ncap;
		}
		p->toks[p->ntoks++] = t;
		if (t.type == TOK_EOF) {
			/* pad with EOFs so lookahead never runs off the end */
			p->toks[p->ntoks] = t;
			p->toks[p->ntoks + 1] = t;
			p->toks[p->ntoks + 2] = t;
			return true;
		}
	}
}

static void
parser_init(struct parser *p, const char *src, int len, struct arena *arena, struct wb_error *err)
{
	memset(p, 0, sizeof *p);
	p->src = src;
	p->len = len;
	p->arena = arena;
	p->err = err;
}

bool
parser_open(struct parser *p, const char *src, int len, struct arena *arena, struct wb_error *err)
{
	parser_init(p, src, len, arena, err);
	return tokenize(p, src, len);
}

struct ast *
parse_statement(const char *src, int len, struct arena *arena, struct wb_error *err)
{
	struct parser p;
	parser_init(&p, src, len, arena, err);
	if (!tokenize(&p, src, len))
		return NULL;
	struct ast *stmt = P_statement(&p);
	if (stmt == NULL) {
		if (!err_isset(err))
			parser_syntax_error(&p, NULL);
		return NULL;
	}
	parser_accept_op(&p, ";");
	if (P_tok(&p)->type != TOK_EOF) {
		parser_syntax_error(&p, "end of statement");
		return NULL;
	}
	return stmt;
}

struct ast *
parse_expression(const char *src, int len, struct arena *arena, struct wb_error *err)
{
	struct parser p;
	parser_init(&p, src, len, arena, err);
	if (!tokenize(&p, src, len))
		return NULL;
	struct ast *e = P_expr(&p);
	if (e == NULL)
		return NULL;
	if (P_tok(&p)->type != TOK_EOF) {
		parser_syntax_error(&p, "end of expression");
		return NULL;
	}
	return e;
}
