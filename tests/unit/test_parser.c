/* Parser golden tests: tests/data/parser/cases.txt holds records
 *   SQL (one or more lines)
 *   ----
 *   expected S-expression, or "error <pos>: <message>"
 *   (blank line)
 * Run with --print FILE to print actual output for new cases. */
#include "tests/tap.h"

#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "sql/lexer.h"
#include "sql/parser.h"

#include <stdlib.h>

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf b = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&b, buf, n);
	fclose(f);
	return sb_detach(&b);
}

static void
run(const char *sql, struct strbuf *out)
{
	struct arena *a = arena_new(0);
	struct wb_error err = WB_ERROR_INIT;
	struct ast *n = parse_statement(sql, (int)strlen(sql), a, &err);
	sb_clear(out);
	if (n == NULL)
		sb_printf(out, "error %d: %s", err.pos, err.msg ? err.msg : "(no message)");
	else
		ast_dump(n, out);
	err_clear(&err);
	arena_free(a);
}

static void
test_keywords_sorted(void)
{
	int sorted = 1;
	for (int k = 2; k < KW__COUNT; k++)
		if (strcmp(kw_name(k - 1), kw_name(k)) >= 0) {
			diag("keywords.h out of order at %s", kw_name(k));
			sorted = 0;
		}
	ok(sorted, "keyword table is sorted (binary search relies on it)");
	ok(kw_lookup("select", 6) == KW_SELECT && kw_lookup("SeLeCt", 6) == KW_SELECT, "keyword lookup is case-insensitive");
	ok(kw_lookup("selects", 7) == KW_NONE_, "non-keyword");
}

static void
test_split(void)
{
	const char *s = "select 1; select ';' ; -- c;\n /* ; */ select \"a;b\";  ";
	int *st, *ln;
	int n = lex_split_statements(s, (int)strlen(s), &st, &ln);
	is_int(n, 3, "three statements split at top-level semicolons");
	ok(lex_complete_statement("select 1;", 9), "complete statement");
	ok(!lex_complete_statement("select ';", 9), "open string is incomplete");
	ok(!lex_complete_statement("select 1; select 2", 18), "text after ; is incomplete");
	free(st);
	free(ln);
}

int
main(int argc, char **argv)
{
	const char *dir = getenv("WB_SRCDIR");
	char path[4096];
	bool print = argc > 1 && strcmp(argv[1], "--print") == 0;
	snprintf(path, sizeof path, "%s/tests/data/parser/cases.txt", print && argc > 2 ? "." : dir ? dir : ".");
	if (print && argc > 2)
		snprintf(path, sizeof path, "%s", argv[2]);
	char *text = slurp(path);
	if (text == NULL) {
		printf("Bail out! cannot read %s\n", path);
		return 1;
	}
	struct strbuf got = STRBUF_INIT;
	char *p = text;
	int line = 1;
	while (*p) {
		while (*p == '\n') {
			p++;
			line++;
		}
		if (!*p)
			break;
		char *sep = strstr(p, "\n----\n");
		if (sep == NULL)
			break;
		int start_line = line;
		*sep = '\0';
		for (char *q = p; *q; q++)
			line += *q == '\n';
		char *exp = sep + 6;
		char *end = strstr(exp, "\n\n");
		char *next;
		if (end) {
			*end = '\0';
			next = end + 2;
		} else {
			end = exp + strlen(exp);
			if (end > exp && end[-1] == '\n')
				end[-1] = '\0';
			next = end;
		}
		line += 2;
		for (char *q = exp; *q; q++)
			line += *q == '\n';
		line += 1;
		run(p, &got);
		if (print)
			printf("%s\n----\n%s\n\n", p, sb_str(&got));
		else
			is_str(sb_str(&got), exp, "cases.txt:%d: %.40s", start_line, p);
		p = next;
	}
	free(text);
	sb_free(&got);
	if (print)
		return 0;
	test_keywords_sorted();
	test_split();
	return done_testing();
}
