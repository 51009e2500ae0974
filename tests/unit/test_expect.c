/* Unit tests for src/cli/expect.h: reading rules from a configuration,
 * and expect_store, which makes a table's expectations exactly a declared
 * list (CREATE OR REFRESH of a streaming table) - no SQL statement of its
 * own calls it. A session with a temporary warehouse sets tables up. */
#include "tests/tap.h"

#include "cli/expect.h"
#include "cli/session.h"
#include "core/pool.h"
#include "sql/parser.h"
#include "store/delta/delta.h"
#include "store/lake/lake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char root[1024];

static void
test_rules_of(void)
{
	struct arena a;
	arena_init(&a, 0);
	const char *k[] = {"wb.expectations.b.condition", "delta.constraints.Pos", "wb.expectations.a.action",
	    "wb.expectations.a.condition", "wb.expectations.b.action", "wb.expectations.c.action", "delta.appendOnly",
	    "wb.expectations.d.condition"};
	const char *v[] = {"y > 1", "x > 0", "QUARANTINE", "x IS NOT NULL", "sometimes", "drop", "true", "z"};
	struct delta_map conf = {8, k, v};
	struct expect_rules r;
	expect_rules_of(&conf, &a, &r);
	ok(r.n == 4, "a CHECK constraint and three expectations (c has no condition: none)");
	ok(r.n == 4 && strcmp(r.v[0].name, "pos") == 0 && r.v[0].action == EXPECT_CHECK && strcmp(r.v[0].cond, "x > 0") == 0,
	    "CHECK constraints first, named in lower case");
	ok(r.n == 4 && strcmp(r.v[1].name, "b") == 0 && r.v[1].action == EXPECT_WARN,
	    "an unknown action word reads as a warning");
	ok(r.n == 4 && strcmp(r.v[2].name, "a") == 0 && r.v[2].action == EXPECT_QUARANTINE,
	    "action words in any case; expectations in the order of their conditions");
	ok(r.n == 4 && strcmp(r.v[3].name, "d") == 0 && r.v[3].action == EXPECT_WARN, "no action property: a warning");
	ok(expect_rule_find(&r, "POS") == &r.v[0] && expect_rule_find(&r, "c") == NULL, "found by name, any case");
	ok(expect_reserved_key("Delta.Constraints.x") && expect_reserved_key("wb.expectations.a.action") &&
	    !expect_reserved_key("delta.appendOnly"), "the reserved keys");
	arena_release(&a);
}

static const char *
conf_get(const char *dir, const char *key, int64_t *version)
{
	static char buf[256];
	struct wb_error err = WB_ERROR_INIT;
	struct delta_snapshot *s = delta_snapshot_open(dir, NULL, &err);
	if (s == NULL) {
		err_clear(&err);
		return NULL;
	}
	bool found;
	const char *v = delta_map_get(&s->metadata.configuration, key, &found);
	snprintf(buf, sizeof buf, "%s", found && v ? v : "(none)");
	if (version)
		*version = s->version;
	delta_snapshot_free(s);
	return buf;
}

/* The CONSTRAINT list of a CREATE TABLE statement's text. */
static struct ast_list *
constraints(struct arena *a, const char *sql)
{
	struct wb_error err = WB_ERROR_INIT;
	struct ast *st = parse_statement(sql, (int)strlen(sql), a, &err);
	if (st == NULL) {
		printf("# %s: %s\n", sql, err.msg);
		err_clear(&err);
		return NULL;
	}
	return &st->u.create.constraints;
}

static void
test_store(void)
{
	struct session *s = session_new();
	catalog_set_warehouse(s->catalog, root);
	s->out = stderr;         /* messages are not TAP */
	session_reset_sink(s);
	const char *setup = "CREATE TABLE st (id BIGINT, price DOUBLE, CONSTRAINT a EXPECT (price > 0)) USING DELTA";
	ok(session_exec_sql(s, setup, (int)strlen(setup)) == 0, "a table with one expectation");
	char *parts[] = {"st"};
	struct wb_error err = WB_ERROR_INIT;
	struct table *t = catalog_get(s->catalog, parts, 1, &err);
	const char *dir = t ? lake_table_dir(t) : NULL;
	if (dir == NULL) {
		printf("Bail out! no table st: %s\n", err.msg ? err.msg : "");
		exit(1);
	}
	struct arena a;
	arena_init(&a, 0);
	int64_t v = -2, ver;

	struct ast_list *l = constraints(&a, "CREATE TABLE x (CONSTRAINT a EXPECT (price > 1) ON VIOLATION DROP ROW, "
	    "CONSTRAINT B EXPECT (id IS NOT NULL)) AS SELECT 1");
	ok(l && expect_store(s, &a, t, l, &v, &err) == 0 && v == 1, "a new list: one commit (version 1)");
	ok(strcmp(conf_get(dir, "wb.expectations.a.condition", NULL), "price > 1") == 0 &&
	    strcmp(conf_get(dir, "wb.expectations.a.action", NULL), "drop") == 0 &&
	    strcmp(conf_get(dir, "wb.expectations.b.condition", NULL), "id IS NOT NULL") == 0 &&
	    strcmp(conf_get(dir, "wb.expectations.b.action", NULL), "warn") == 0, "the table's expectations are the list's");

	ok(expect_store(s, &a, t, l, &v, &err) == 0 && v == -1, "the same list again: no commit");
	conf_get(dir, "wb.expectations.a.action", &ver);
	is_int(ver, 1, "the table stays at version 1");

	struct ast_list *bad = constraints(&a, "CREATE TABLE x (CONSTRAINT a EXPECT (nope > 1)) AS SELECT 1");
	ok(bad && expect_store(s, &a, t, bad, &v, &err) < 0 && err.msg && strstr(err.msg, "column \"nope\" does not exist"),
	    "a condition over a column the table lacks is an error");
	err_clear(&err);
	struct ast_list *chk = constraints(&a, "CREATE TABLE x (CONSTRAINT c CHECK (id > 0)) AS SELECT 1");
	ok(chk && expect_store(s, &a, t, chk, &v, &err) < 0 && err.msg && strstr(err.msg, "must be checked first"),
	    "CHECK constraints are refused (ALTER TABLE ADD CONSTRAINT checks the rows)");
	err_clear(&err);
	conf_get(dir, "wb.expectations.a.action", &ver);
	is_int(ver, 1, "neither committed anything");

	const char *add = "ALTER TABLE st ADD CONSTRAINT c CHECK (id > 0)";
	ok(session_exec_sql(s, add, (int)strlen(add)) == 0, "a CHECK constraint added (version 2)");
	struct ast_list *clash = constraints(&a, "CREATE TABLE x (CONSTRAINT C EXPECT (id > 5)) AS SELECT 1");
	ok(clash && expect_store(s, &a, t, clash, &v, &err) < 0 && err.msg && strstr(err.msg, "has a CHECK constraint named"),
	    "an expectation cannot take a CHECK constraint's name");
	err_clear(&err);

	struct ast_list *one = constraints(&a, "CREATE TABLE x (CONSTRAINT b EXPECT (id IS NOT NULL)) AS SELECT 1");
	ok(one && expect_store(s, &a, t, one, &v, &err) == 0 && v == 3, "a shorter list: expectation a goes (version 3)");
	ok(strcmp(conf_get(dir, "wb.expectations.a.condition", NULL), "(none)") == 0 &&
	    strcmp(conf_get(dir, "wb.expectations.a.action", NULL), "(none)") == 0 &&
	    strcmp(conf_get(dir, "wb.expectations.b.action", NULL), "warn") == 0 &&
	    strcmp(conf_get(dir, "delta.constraints.c", NULL), "id > 0") == 0, "b stays, and so does the CHECK constraint");

	struct ast_list none = {0};
	ok(expect_store(s, &a, t, &none, &v, &err) == 0 && v == 4 &&
	    strcmp(conf_get(dir, "wb.expectations.b.condition", NULL), "(none)") == 0, "an empty list removes them all");
	err_clear(&err);
	arena_release(&a);
	table_unref(t);
	session_free(s);
}

int
main(void)
{
	snprintf(root, sizeof root, "%s/wb-test-expect-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(root) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	test_rules_of();
	test_store();
	struct wb_error err = WB_ERROR_INIT;
	lake_remove_tree(root, &err);
	err_clear(&err);
	pool_shutdown();
	return done_testing();
}
