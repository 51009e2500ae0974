/*
 * complete: what can come next at a point in a line — shared by the
 * readline REPL and the TUI editor.
 *
 * Knows dot-commands and their argument kinds (from the command table),
 * SQL keywords (from the keyword X-macro list), functions (scalar,
 * aggregate, table), tables and views of the catalog, their columns, and
 * file paths inside quotes and for file arguments.
 */
#ifndef WB_CLI_COMPLETE_H
#define WB_CLI_COMPLETE_H

#include "cli/session.h"

/* Candidates for the word that ends at `point` in `line`; *start is set to
 * the offset where that word begins. Returns the count; *out is a
 * malloc'd array of malloc'd strings (free with complete_free). */
int complete_candidates(struct session *s, const char *line, int point, int *start, char ***out);
void complete_free(int n, char **c);

#endif
