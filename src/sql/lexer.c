#include "sql/lexer.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct kw_entry {
	const char *name;
	unsigned char len;
	unsigned char reserved;
} kw_table[KW__COUNT] = {
	[KW_NONE_] = {"", 0, 0},
#define KW_ROW(name, res) [KW_##name] = {#name, sizeof(#name) - 1, res},
	WB_KEYWORDS(KW_ROW)
#undef KW_ROW
};

const char *
kw_name(enum kw_id k)
{
	return kw_table[k].name;
}

bool
kw_reserved(enum kw_id k)
{
	return kw_table[k].reserved != 0;
}

enum kw_id
kw_lookup(const char *s, int n)
{
	/* The table is in alphabetical order (keywords.h keeps it sorted), so
	 * binary search over ids 1..KW__COUNT-1. */
	int lo = 1, hi = KW__COUNT - 1;
	char up[32];
	if (n <= 0 || n >= (int)sizeof up)
		return KW_NONE_;
	for (int i = 0; i < n; i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	up[n] = '\0';
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int c = strcmp(up, kw_table[mid].name);
		if (c == 0)
			return (enum kw_id)mid;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return KW_NONE_;
}

void
lex_init(struct lexer *lx, const char *src, int len)
{
	lx->src = src;
	lx->len = len;
	lx->off = 0;
}

static bool
ident_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static bool
ident_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80 || c == '$';
}

/* Skip whitespace and comments; -1 on an unterminated block comment. */
static int
skip_space(struct lexer *lx, struct wb_error *err)
{
	const char *s = lx->src;
	while (lx->off < lx->len) {
		char c = s[lx->off];
		if (isspace((unsigned char)c)) {
			lx->off++;
		} else if (c == '-' && lx->off + 1 < lx->len && s[lx->off + 1] == '-') {
			while (lx->off < lx->len && s[lx->off] != '\n')
				lx->off++;
		} else if (c == '/' && lx->off + 1 < lx->len && s[lx->off + 1] == '*') {
			int start = lx->off, depth = 0;
			do {
				if (lx->off + 1 < lx->len && s[lx->off] == '/' && s[lx->off + 1] == '*') {
					depth++;
					lx->off += 2;
				} else if (lx->off + 1 < lx->len && s[lx->off] == '*' && s[lx->off + 1] == '/') {
					depth--;
					lx->off += 2;
				} else {
					lx->off++;
				}
			} while (depth > 0 && lx->off < lx->len);
			if (depth > 0) {
				err_set(err, start, "unterminated comment");
				err_hint(err, "close it with */");
				return -1;
			}
		} else {
			break;
		}
	}
	return 0;
}

static const char *const ops3[] = {"<=>", NULL};
static const char *const ops2[] = {"<=", ">=", "<>", "!=", "==", "||", "::", "=>", "->", ":=", "//", NULL};

int
lex_next(struct lexer *lx, struct token *t, struct wb_error *err)
{
	const char *s = lx->src;
	if (skip_space(lx, err) < 0)
		return -1;
	t->kw = KW_NONE_;
	t->pos = lx->off;
	if (lx->off >= lx->len) {
		t->type = TOK_EOF;
		t->text = s + lx->len;
		t->len = 0;
		return 0;
	}
	int start = lx->off;
	unsigned char c = (unsigned char)s[start];

	if (c == '\'') {
		int i = start + 1;
		for (;;) {
			if (i >= lx->len) {
				err_set(err, start, "unterminated string literal");
				err_hint(err, "close it with ' (write '' for a quote inside a string)");
				return -1;
			}
			if (s[i] == '\'') {
				if (i + 1 < lx->len && s[i + 1] == '\'') {
					i += 2;
					continue;
				}
				break;
			}
			i++;
		}
		t->type = TOK_STRING;
		t->text = s + start + 1;
		t->len = i - start - 1;
		lx->off = i + 1;
		return 0;
	}
	if (c == '"' || c == '`') {
		int i = start + 1;
		for (;;) {
			if (i >= lx->len) {
				err_set(err, start, "unterminated quoted identifier");
				err_hint(err, "close it with %c", c);
				return -1;
			}
			if ((unsigned char)s[i] == c) {
				if (i + 1 < lx->len && (unsigned char)s[i + 1] == c) {
					i += 2;
					continue;
				}
				break;
			}
			i++;
		}
		t->type = TOK_QIDENT;
		t->text = s + start + 1;
		t->len = i - start - 1;
		lx->off = i + 1;
		return 0;
	}
	if (isdigit(c) || (c == '.' && start + 1 < lx->len && isdigit((unsigned char)s[start + 1]))) {
		int i = start;
		bool isfloat = false;
		while (i < lx->len && isdigit((unsigned char)s[i]))
			i++;
		if (i < lx->len && s[i] == '.' && !(i + 1 < lx->len && s[i + 1] == '.')) {
			isfloat = true;
			i++;
			while (i < lx->len && isdigit((unsigned char)s[i]))
				i++;
		}
		if (i < lx->len && (s[i] == 'e' || s[i] == 'E')) {
			int j = i + 1;
			if (j < lx->len && (s[j] == '+' || s[j] == '-'))
				j++;
			if (j < lx->len && isdigit((unsigned char)s[j])) {
				isfloat = true;
				i = j;
				while (i < lx->len && isdigit((unsigned char)s[i]))
					i++;
			}
		}
		if (i < lx->len && ident_start((unsigned char)s[i]) && !(s[i] == 'e' || s[i] == 'E')) {
			/* "1abc": not a number followed by a name */
			int j = i;
			while (j < lx->len && ident_char((unsigned char)s[j]))
				j++;
			err_set(err, start, "invalid number '%.*s'", j - start, s + start);
			return -1;
		}
		t->type = isfloat ? TOK_FLOAT : TOK_INTEGER;
		t->text = s + start;
		t->len = i - start;
		lx->off = i;
		return 0;
	}
	if (ident_start(c)) {
		int i = start + 1;
		while (i < lx->len && ident_char((unsigned char)s[i]))
			i++;
		t->type = TOK_IDENT;
		t->text = s + start;
		t->len = i - start;
		t->kw = kw_lookup(t->text, t->len);
		lx->off = i;
		return 0;
	}
	/* parameters: :name, $name, ${name}, ? */
	if ((c == ':' || c == '$') && start + 1 < lx->len) {
		int i = start + 1;
		if (c == '$' && s[i] == '{') {
			int j = i + 1;
			while (j < lx->len && s[j] != '}')
				j++;
			if (j >= lx->len) {
				err_set(err, start, "unterminated parameter ${...}");
				return -1;
			}
			t->type = TOK_PARAM;
			t->text = s + i + 1;
			t->len = j - i - 1;
			lx->off = j + 1;
			return 0;
		}
		if (ident_start((unsigned char)s[i]) && (c == '$' || s[i] != ':')) {
			int j = i;
			while (j < lx->len && (isalnum((unsigned char)s[j]) || s[j] == '_'))
				j++;
			t->type = TOK_PARAM;
			t->text = s + i;
			t->len = j - i;
			lx->off = j;
			return 0;
		}
	}
	if (c == '?') {
		t->type = TOK_PARAM;
		t->text = s + start;
		t->len = 0;
		lx->off = start + 1;
		return 0;
	}
	for (int k = 0; ops3[k]; k++) {
		if (lx->len - start >= 3 && memcmp(s + start, ops3[k], 3) == 0) {
			t->type = TOK_OP;
			t->text = s + start;
			t->len = 3;
			lx->off = start + 3;
			return 0;
		}
	}
	for (int k = 0; ops2[k]; k++) {
		if (lx->len - start >= 2 && memcmp(s + start, ops2[k], 2) == 0) {
			t->type = TOK_OP;
			t->text = s + start;
			t->len = 2;
			lx->off = start + 2;
			return 0;
		}
	}
	if (strchr("+-*/%=<>(),.;[]{}:^&|~!@", c) != NULL) {
		t->type = TOK_OP;
		t->text = s + start;
		t->len = 1;
		lx->off = start + 1;
		return 0;
	}
	if (c < 0x20 || c == 0x7f)
		err_set(err, start, "unexpected control character 0x%02x", c);
	else
		err_set(err, start, "unexpected character '%c'", c);
	return -1;
}

int
lex_all(const char *src, int len, void (*fn)(void *arg, const struct token *t), void *arg)
{
	struct lexer lx;
	struct token t;
	struct wb_error err = WB_ERROR_INIT;
	lex_init(&lx, src, len);
	for (;;) {
		if (lex_next(&lx, &t, &err) < 0) {
			err_clear(&err);
			return -1;
		}
		if (t.type == TOK_EOF)
			return 0;
		fn(arg, &t);
	}
}

/* Scan for top-level semicolons, honouring strings, quoted identifiers and
 * comments but not requiring the text to be valid SQL. */
static int
scan_semis(const char *s, int len, int *out, int max, bool *open)
{
	int n = 0, i = 0;
	*open = false;
	while (i < len) {
		char c = s[i];
		if (c == '\'' || c == '"' || c == '`') {
			int j = i + 1;
			for (;;) {
				if (j >= len) {
					*open = true;
					return n;
				}
				if (s[j] == c) {
					if (j + 1 < len && s[j + 1] == c) {
						j += 2;
						continue;
					}
					break;
				}
				j++;
			}
			i = j + 1;
		} else if (c == '-' && i + 1 < len && s[i + 1] == '-') {
			while (i < len && s[i] != '\n')
				i++;
		} else if (c == '/' && i + 1 < len && s[i + 1] == '*') {
			int depth = 0;
			do {
				if (i + 1 < len && s[i] == '/' && s[i + 1] == '*') {
					depth++;
					i += 2;
				} else if (i + 1 < len && s[i] == '*' && s[i + 1] == '/') {
					depth--;
					i += 2;
				} else {
					i++;
				}
			} while (depth > 0 && i < len);
			if (depth > 0) {
				*open = true;
				return n;
			}
		} else {
			if (c == ';') {
				if (out && n < max)
					out[n] = i;
				n++;
				if (out && n >= max)
					return n;   /* caller wants only the first max */
			}
			i++;
		}
	}
	return n;
}

bool
lex_complete_statement(const char *text, int len)
{
	bool open;
	int n = scan_semis(text, len, NULL, 0, &open);
	if (open || n == 0)
		return false;
	/* complete when only whitespace/comments follow the last ';' */
	int *semis = xmalloc(sizeof(int) * (size_t)n);
	scan_semis(text, len, semis, n, &open);
	int last = semis[n - 1];
	free(semis);
	struct lexer lx;
	struct token t;
	struct wb_error err = WB_ERROR_INIT;
	lex_init(&lx, text + last + 1, len - last - 1);
	if (lex_next(&lx, &t, &err) < 0) {
		err_clear(&err);
		return false;
	}
	return t.type == TOK_EOF;
}

int
lex_split_statements(const char *text, int len, int **starts, int **lens)
{
	bool open;
	int n = scan_semis(text, len, NULL, 0, &open);
	int *semis = xmalloc(sizeof(int) * (size_t)(n + 1));
	scan_semis(text, len, semis, n, &open);
	semis[n] = len;
	int *st = xmalloc(sizeof(int) * (size_t)(n + 1));
	int *ln = xmalloc(sizeof(int) * (size_t)(n + 1));
	int count = 0, prev = 0;
	for (int k = 0; k <= n; k++) {
		int end = semis[k];
		/* skip spans holding only whitespace and comments */
		struct lexer lx;
		struct token t;
		struct wb_error err = WB_ERROR_INIT;
		lex_init(&lx, text + prev, end - prev);
		int r = lex_next(&lx, &t, &err);
		err_clear(&err);
		if (r < 0 || t.type != TOK_EOF) {
			st[count] = prev;
			ln[count] = end - prev;
			count++;
		}
		prev = end + 1;
	}
	free(semis);
	*starts = st;
	*lens = ln;
	return count;
}

int
lex_statement_end(const char *text, int len, bool *open)
{
	int pos;
	int n = scan_semis(text, len, &pos, 1, open);
	return n > 0 ? pos : -1;
}

bool
lex_is_blank(const char *text, int len)
{
	struct lexer lx;
	struct token t;
	struct wb_error err = WB_ERROR_INIT;
	lex_init(&lx, text, len);
	int r = lex_next(&lx, &t, &err);
	err_clear(&err);
	return r == 0 && t.type == TOK_EOF;
}

void
lex_put_string(struct strbuf *sb, const char *s)
{
	sb_putc(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_putc(sb, '\'');
		sb_putc(sb, *s);
	}
	sb_putc(sb, '\'');
}
