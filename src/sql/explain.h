/*
 * explain: plans as tables.
 *
 * EXPLAIN returns one row per operator: `plan` (the operator drawn as a
 * tree with its key expressions) and `est_rows`; EXPLAIN ANALYZE adds the
 * actual `rows`, `time_ms` spent in the operator (including building, for
 * breakers), `workers`, and `memory_mb` (for operators that build a
 * state: what the build allocated, its input pipeline's buffers included;
 * frees are not subtracted), followed by a total row. EXPLAIN (FORMAT json)
 * returns a single `plan` cell holding the tree as JSON, for tools.
 */
#ifndef WB_SQL_EXPLAIN_H
#define WB_SQL_EXPLAIN_H

#include <stdbool.h>

#include "core/rowset.h"
#include "exec/plan.h"

struct rowset *explain_table(const struct pnode *root, bool analyze, double total_ms, long long total_mem);
struct rowset *explain_json(const struct pnode *root, bool analyze, double total_ms, long long total_mem);
/* One-line description of a node (operator and key details). */
void explain_node_text(const struct pnode *n, struct strbuf *out);

#endif
