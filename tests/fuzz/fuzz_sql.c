/*
 * libFuzzer target for the SQL front end: lexer, statement splitter,
 * parser, AST dump, and (for statements that parse) binding and running
 * them in a fresh session with an in-memory catalog.
 *
 * Build and run (see tests/fuzz/build.sh):
 *   tests/fuzz/build.sh sql && /tmp/wb-fuzz/fuzz_sql -max_total_time=300 /tmp/wb-fuzz/corpus-sql
 * Crashers found are kept in tests/data/fuzz/sql/ and replayed by
 * tests/fuzz_regress.sh in make check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/session.h"
#include "core/arena.h"
#include "sql/lexer.h"
#include "sql/parser.h"

static struct session *S;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	/* lexer-level helpers never fail hard */
	lex_complete_statement(text, (int)size);
	int *st, *ln;
	int n = lex_split_statements(text, (int)size, &st, &ln);
	for (int i = 0; i < n; i++) {
		struct arena *a = arena_new(0);
		struct wb_error err = WB_ERROR_INIT;
		struct ast *node = parse_statement(text + st[i], ln[i], a, &err);
		if (node != NULL) {
			struct strbuf sb = STRBUF_INIT;
			ast_dump(node, &sb);
			sb_free(&sb);
		}
		err_clear(&err);
		arena_free(a);
	}
	free(st);
	free(ln);
	/* execute only inputs without file access or huge generators */
	if (strstr(text, "read_csv") == NULL && strstr(text, "'") == NULL && strstr(text, "range") == NULL &&
	    strstr(text, "generate_series") == NULL && strstr(text, "COPY") == NULL && strstr(text, "copy") == NULL &&
	    strstr(text, ".") == NULL) {
		if (S == NULL) {
			S = session_new();
			S->render.mode = RENDER_TRASH;
			session_reset_sink(S);
			S->errout = fopen("/dev/null", "w");
		}
		session_run(S, text, NULL, 1);
	}
	free(text);
	return 0;
}
