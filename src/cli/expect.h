/*
 * expect: rules every row written to a Delta table must pass - Delta CHECK
 * constraints and data-quality expectations (Delta Live Tables' EXPECT).
 *
 * Where they live. Both are table properties, so they travel with the
 * table and Spark keeps them:
 *   delta.constraints.<name>          = condition SQL   (Delta's own key;
 *                                       Spark enforces it too; writer
 *                                       version 3)
 *   wb.expectations.<name>.condition  = condition SQL
 *   wb.expectations.<name>.action     = warn | drop | fail | quarantine
 * Names are lower case and unique per table over both kinds.
 *
 * What a write does. Every write of rows into a Delta table (INSERT,
 * INSERT OVERWRITE / REPLACE WHERE, CREATE TABLE AS, COPY INTO, UPDATE,
 * MERGE - whatever runs rows into a lake_write) hands its plan to
 * expect_guard_prepare, which adds one BOOLEAN column per rule to it (a
 * projection of the conditions, evaluated vectorized like any query), and
 * each chunk to expect_guard_rows, which reads those columns:
 *   - a CHECK constraint not TRUE (FALSE or NULL) fails the statement:
 *     "CHECK constraint c (cond) violated by row with values: col = v";
 *   - an expectation not TRUE counts as failed; the action decides:
 *     warn keeps the row, drop leaves it out, fail fails the statement
 *     naming the expectation and the row, quarantine writes it to the
 *     Delta table <dir>_quarantine (the table's columns, then
 *     _expectation - the names of the expectations it failed - and
 *     _quarantined_at) and leaves it out.
 * CHECK constraints apply to every row written (rows a rewrite copies
 * unchanged included, as Delta does); expectations to the new and changed
 * rows only (INSERT, UPDATE's and MERGE's new values).
 * Nothing is committed when the statement fails. Just before the table's
 * commit the quarantine table's rows are committed (a commit of its own,
 * first: if the process dies between the two, the quarantine holds rows
 * the table never got - they carry _quarantined_at and the quarantine
 * commit names the table's version it read), and the counts per
 * expectation (passed, failed, action) go into the table's commitInfo as
 * "wb.expectations" - DESCRIBE EXPECTATIONS reads them back.
 */
#ifndef WB_CLI_EXPECT_H
#define WB_CLI_EXPECT_H

#include "cli/session.h"
#include "exec/plan.h"
#include "sql/ast.h"
#include "sql/binder.h"
#include "sql/parser.h"
#include "store/lake/lake.h"

#define EXPECT_CHECK_PREFIX "delta.constraints."
#define EXPECT_PREFIX "wb.expectations."
#define EXPECT_COMMIT_INFO "wb.expectations"
#define EXPECT_QUARANTINE_SUFFIX "_quarantine"

enum expect_action {
	EXPECT_CHECK,        /* a Delta CHECK constraint */
	EXPECT_WARN,         /* EXPECT: keep the row, count it */
	EXPECT_DROP,         /* ON VIOLATION DROP ROW */
	EXPECT_FAIL,         /* ON VIOLATION FAIL UPDATE */
	EXPECT_QUARANTINE,   /* ON VIOLATION QUARANTINE */
};

struct expect_rule {
	const char *name;            /* lower case */
	const char *cond;            /* the condition's SQL text */
	enum expect_action action;
};

struct expect_rules {
	int n;
	struct expect_rule *v;
};

/* "check", "warn", "drop", "fail", "quarantine" (the stored words). */
const char *expect_action_name(enum expect_action a);
/* The rules of a table configuration (strings in a): CHECK constraints
 * first, then expectations, each kind in configuration order. An
 * expectation whose action property is missing or unknown is a warning
 * rule (and the condition property decides whether there is one). */
void expect_rules_of(const struct delta_map *conf, struct arena *a, struct expect_rules *out);
/* The rule named name (case-insensitive) or NULL. */
const struct expect_rule *expect_rule_find(const struct expect_rules *r, const char *name);
/* Is key one of the properties constraints are stored under? (SET
 * TBLPROPERTIES refuses them: ADD / DROP CONSTRAINT keep them right.) */
bool expect_reserved_key(const char *key);

/* ---- declaring (expect_decl.c) ---- */

/* Append the properties storing constraints (CONSTRAINT nodes, CHECK and
 * EXPECT) to o's table properties (arrays and strings in a), for a table
 * being created. A name given twice is an error at the second. */
int expect_add_props(struct arena *a, const struct ast_list *constraints, struct lake_write_options *o,
    struct wb_error *err);
/* Check each constraint's condition against relation rel (a FROM item):
 * it must bind (an unknown column is an error at its position with a
 * "did you mean"), be BOOLEAN, and depend on one row only (no aggregates,
 * window functions, subqueries or parameters). b: the caller's binder,
 * set up, whose arena holds rel (CREATE TABLE AS: rel a bound relation
 * over the query's plan, rel_plan that plan; nothing is run), or NULL:
 * each condition is planned with a binder of the session's in a (rel a
 * table or a derived table; rel_plan NULL). */
int expect_check_conditions(struct session *s, struct binder *b, struct arena *a, struct ast *rel,
    struct pnode *rel_plan, const struct ast_list *constraints, struct wb_error *err);
/* The same against columns names/types (a table declared without a
 * query), qualified by qual (the table's name). */
int expect_check_columns(struct session *s, struct arena *a, const struct ast_list *constraints, int ncol,
    char *const *names, const wb_type *types, const char *qual, struct wb_error *err);
/* For a table that exists (CREATE OR REFRESH of a streaming table): make
 * the expectations of Delta table t exactly the EXPECT constraints given
 * (checked against its columns), in one metadata commit when they differ
 * (*version: the version committed, -1 when nothing changed). CHECK
 * constraints are refused here: ALTER TABLE ADD CONSTRAINT checks the
 * rows already there. */
int expect_store(struct session *s, struct arena *a, struct table *t, const struct ast_list *constraints,
    int64_t *version, struct wb_error *err);

/* ---- enforcing (expect_guard.c) ---- */

struct expect_guard;

/* Before running plan *plan into w: the first ncol columns of *plan are
 * the written ones; with actions, a BIGINT column of enum dml_action
 * (stmt_int.h) follows them and only rows whose action gives them new
 * values are checked against expectations. When the table has rules,
 * *plan becomes a plan with one more BOOLEAN column per rule and *out the
 * guard (attached to w: it lives until w is committed or aborted, over
 * every run into w); otherwise *out is NULL and *plan unchanged. -1 with
 * err when a condition cannot be evaluated against the columns. */
int expect_guard_prepare(struct session *s, struct lake_write *w, struct pnode **plan, int ncol, bool actions,
    struct expect_guard **out, struct wb_error *err);
/* Worker worker's chunk c of the prepared plan: of the rows sel[0..*nsel)
 * (those the statement writes), keep in sel those that go to the table;
 * quarantined rows are written to the quarantine table. -1 with err for
 * a CHECK violation or a failing FAIL UPDATE expectation. */
int expect_guard_rows(struct expect_guard *g, int worker, const struct chunk *c, uint32_t *sel, int *nsel,
    struct wb_error *err);

/* ---- messages ---- */

/* What the expectations did in the statement's writes ("expectation
 * valid_price: 3 failed (dropped)"): appended to sb after "; " and
 * forgotten. Statements add it to their message ("1000 rows inserted;
 * expectation ..."); stmt_run prints what no message took. */
void expect_note_append(struct session *s, struct strbuf *sb);
/* Print a note no statement message took, and forget it. */
void expect_note_flush(struct session *s);

/* ---- statements (stmt_expect.c) ---- */

/* ALTER TABLE t ADD CONSTRAINT ... / DROP CONSTRAINT [IF EXISTS] c */
int expect_alter(struct session *s, struct arena *a, struct ast *st, struct table *t, struct wb_error *err);
/* DESCRIBE EXPECTATIONS table [LIMIT n] */
extern const struct stmt_ext expect_ext_describe;

#endif
