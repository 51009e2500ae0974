/*
 * The statements of constraints and expectations (expect.h):
 *
 *   ALTER TABLE t ADD CONSTRAINT c CHECK (cond)
 *   ALTER TABLE t ADD CONSTRAINT c EXPECT (cond) [ON VIOLATION DROP ROW | FAIL UPDATE | QUARANTINE]
 *   ALTER TABLE t DROP CONSTRAINT [IF EXISTS] c
 *   DESCRIBE EXPECTATIONS t [LIMIT n]
 *
 * ADD and DROP are metadata commits on the version they read (Spark's
 * ADD CONSTRAINT / DROP CONSTRAINT, operationParameters name and expr):
 * a CHECK constraint is added only when no row of that version violates
 * it - a commit since then that changed data makes the ADD fail with a
 * conflict rather than admit rows nobody checked. Expectations look at
 * the rows written from then on; the rows already there are not judged.
 * DESCRIBE EXPECTATIONS reads the counts each write recorded in its
 * commitInfo ("wb.expectations"), newest write first.
 */
#include "cli/expect_int.h"
#include "cli/stmt_int.h"
#include "core/datetime.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Rows of the snapshot (pinned as rel's table) where cond is not TRUE. */
static int64_t
violating_rows(struct session *s, struct arena *a, struct table *pin, const char *name, const char *cond,
    int pos, struct wb_error *err)
{
	struct ast *e = parse_expression(cond, (int)strlen(cond), a, err);
	if (e == NULL)
		return -1;
	struct ast_name nm = {1, {(char *)name}};
	struct ast *rel = ast_mk_table(a, &nm, name, pin, pos);
	struct ast *cnt = ast_mk_func(a, "count", pos, 0);
	cnt->u.func.star = true;
	struct ast_list items = {0};
	ast_list_add(a, &items, ast_mk_item(a, cnt, "n"));
	struct ast *q = ast_mk_select(a, rel, &items, ast_mk_not(a, ast_mk_is_true(a, e)));
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	struct rowset *rs = NULL;
	int64_t n = -1;
	if (p && stmt_collect(s, p, &rs, err) == 0) {
		struct wb_value v;
		rowset_get(rs, 0, 0, &v);
		n = v.u.i;
	}
	rowset_free(rs);
	stmt_finish(s, &b, p);
	return n;
}

static int
add_constraint(struct session *s, struct arena *a, struct ast *st, struct table *t, struct delta_snapshot *snap,
    const struct expect_rules *rules, struct wb_error *err)
{
	struct ast *c = st->u.alter.constraint;
	struct expect_rule r;
	expect_rule_from_node(a, c, &r);
	const struct expect_rule *old = expect_rule_find(rules, r.name);
	if (old) {
		err_set(err, c->pos, "table \"%s\" already has %s %s named \"%s\" (%s)", t->name,
		    old->action == EXPECT_CHECK ? "a" : "an", expect_kind_name(old->action), old->name, old->cond);
		err_hint(err, "drop it first: ALTER TABLE %s DROP CONSTRAINT %s", t->name, old->name);
		return -1;
	}
	struct table *pin = lake_table_pinned(t->name, snap, NULL, 0, 0);
	struct ast_name nm = {1, {t->name}};
	struct ast_list one = {0};
	ast_list_add(a, &one, c);
	int rc = expect_check_conditions(s, NULL, a, ast_mk_table(a, &nm, t->name, pin, st->pos), NULL, &one, err);
	int64_t bad = 0;
	if (rc == 0 && r.action == EXPECT_CHECK) {
		bad = violating_rows(s, a, pin, t->name, r.cond, c->pos, err);
		if (bad < 0) {
			rc = -1;
		} else if (bad > 0) {
			err_set(err, c->pos, "%lld row%s in %s violate%s the new CHECK constraint %s (%s)", (long long)bad,
			    bad == 1 ? "" : "s", t->name, bad == 1 ? "s" : "", r.name, r.cond);
			err_hint(err, "find them: SELECT * FROM %s WHERE NOT ((%s) IS TRUE); fix or delete them first", t->name,
			    r.cond);
			rc = -1;
		}
	}
	table_unref(pin);
	if (rc < 0)
		return -1;
	char *keys[2], *values[2];
	int nset = expect_rule_props(a, &r, keys, values);
	char *pk[3] = {"name", "expr", "action"}, *pv[3] = {(char *)r.name, (char *)r.cond, (char *)expect_action_name(r.action)};
	int64_t v = lake_change_properties(lake_table_dir(t), snap, "ADD CONSTRAINT", nset, keys, values, 0, NULL,
	    r.action == EXPECT_CHECK ? 2 : 3, pk, pv, err);
	if (v < 0) {
		err_at(err, st->pos);
		return -1;
	}
	session_message(s, "%s %s added to %s (Delta version %lld)", r.action == EXPECT_CHECK ? "CHECK constraint" :
	    "Expectation", r.name, t->name, (long long)v);
	return 0;
}

static int
drop_constraint(struct session *s, struct arena *a, struct ast *st, struct table *t, struct delta_snapshot *snap,
    const struct expect_rules *rules, struct wb_error *err)
{
	const char *name = st->u.alter.column;
	const struct expect_rule *r = expect_rule_find(rules, name);
	if (r == NULL) {
		if (st->u.alter.if_exists) {
			session_message(s, "Table %s has no constraint %s: nothing dropped", t->name, name);
			return 0;
		}
		err_set(err, st->pos, "cannot drop constraint \"%s\": table \"%s\" has no such constraint", name, t->name);
		struct strbuf sb = STRBUF_INIT;
		for (int i = 0; i < rules->n; i++)
			sb_printf(&sb, "%s%s", i ? ", " : "", rules->v[i].name);
		if (sb.len)
			err_hint(err, "its constraints: %s; DROP CONSTRAINT IF EXISTS ignores a missing one", sb_str(&sb));
		else
			err_hint(err, "it has none; DROP CONSTRAINT IF EXISTS ignores a missing one");
		sb_free(&sb);
		return -1;
	}
	/* the keys as the configuration spells them (Spark lower-cases them,
	 * but match whatever is there) */
	char *want[2], *vals[2];
	int nwant = expect_rule_props(a, r, want, vals);
	const struct delta_map *conf = &snap->metadata.configuration;
	char **unset = arena_alloc(a, sizeof(char *) * (size_t)(conf->n ? conf->n : 1));
	int nunset = 0;
	for (int i = 0; i < conf->n; i++)
		for (int k = 0; k < nwant; k++)
			if (strcasecmp(conf->keys[i], want[k]) == 0)
				unset[nunset++] = (char *)conf->keys[i];
	char *pk[2] = {"name", "expr"}, *pv[2] = {(char *)r->name, (char *)r->cond};
	int64_t v = lake_change_properties(lake_table_dir(t), snap, "DROP CONSTRAINT", 0, NULL, NULL, nunset, unset, 2, pk,
	    pv, err);
	if (v < 0) {
		err_at(err, st->pos);
		return -1;
	}
	session_message(s, "%s %s dropped from %s (Delta version %lld)", r->action == EXPECT_CHECK ? "CHECK constraint" :
	    "Expectation", r->name, t->name, (long long)v);
	return 0;
}

int
expect_alter(struct session *s, struct arena *a, struct ast *st, struct table *t, struct wb_error *err)
{
	const char *dir = lake_table_dir(t);
	if (dir == NULL) {
		err_set(err, st->pos, "constraints and expectations belong to Delta tables; \"%s\" is in memory", t->name);
		err_hint(err, "CREATE TABLE ... USING DELTA AS SELECT * FROM %s makes a Delta copy", t->name);
		return -1;
	}
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL) {
		err_at(err, st->pos);
		return -1;
	}
	struct expect_rules rules;
	expect_rules_of(&snap->metadata.configuration, a, &rules);
	int rc = st->u.alter.what == ALTER_ADD_CONSTRAINT ? add_constraint(s, a, st, t, snap, &rules, err)
	                                                  : drop_constraint(s, a, st, t, snap, &rules, err);
	delta_snapshot_free(snap);
	return rc;
}

/* ------------------------------------------------------- DESCRIBE EXPECTATIONS */

struct describe_stmt {
	struct stmt_target target;
	int64_t limit;              /* writes; 0: all */
};

/* DESCRIBE EXPECTATIONS table [LIMIT n] */
static int
parse_describe(struct parser *p, void **data)
{
	struct describe_stmt *d = arena_zalloc(p->arena, sizeof *d);
	*data = d;
	if (!stmt_parse_target(p, &d->target))
		return -1;
	if (parser_accept_word(p, "LIMIT") && parser_count(p, &d->limit, "LIMIT", "writes") < 0)
		return -1;
	return parser_at_query_end(p) ? 0 : parser_syntax_error(p, "LIMIT or the end of the statement");
}

static int
exec_describe(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct describe_stmt *d = data;
	const char *dir;
	struct table *t = stmt_target_open(s, &d->target, "DESCRIBE EXPECTATIONS", true, &dir, err);
	if (t == NULL)
		return -1;
	struct delta_history_entry *e;
	int64_t n;
	int rc = delta_history(dir, 0, LAKE_TS_SOURCE, a, &e, &n, err);
	table_unref(t);
	if (rc < 0) {
		err_at(err, d->target.pos);
		return -1;
	}
	static const char *const names[] = {"version", "timestamp", "operation", "expectation", "condition", "action",
	    "passed_records", "failed_records"};
	static const wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_TIMESTAMP, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR,
	    WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_BIGINT};
	struct rowset_builder r;
	rsb_init(&r, 8, names, types);
	struct arena scratch;
	arena_init(&scratch, 0);
	int64_t writes = 0;
	for (int64_t i = 0; i < n && (d->limit == 0 || writes < d->limit); i++) {
		arena_reset(&scratch);
		if (e[i].commit_info == NULL)
			continue;
		const struct json *ci = json_parse(e[i].commit_info, strlen(e[i].commit_info), &scratch, 0, NULL);
		const struct json *xs = json_get(ci, EXPECT_COMMIT_INFO);
		if (!json_is(xs, JSON_ARRAY) || xs->n == 0)
			continue;
		writes++;
		for (uint32_t k = 0; k < xs->n; k++) {
			const struct json *x = &xs->u.items[k];
			int64_t passed, failed;
			rsb_int(&r, 0, e[i].version);
			rsb_int(&r, 1, e[i].timestamp < 0 ? INT64_MIN : e[i].timestamp * 1000);
			rsb_str(&r, 2, e[i].operation);
			rsb_str(&r, 3, json_get_str(x, "name"));
			rsb_str(&r, 4, json_get_str(x, "condition"));
			rsb_str(&r, 5, json_get_str(x, "action"));
			rsb_int(&r, 6, json_get_int(x, "passed", &passed) ? passed : INT64_MIN);
			rsb_int(&r, 7, json_get_int(x, "failed", &failed) ? failed : INT64_MIN);
			rsb_end_row(&r);
		}
	}
	arena_release(&scratch);
	return rows_emit(s, &r, err);
}

const struct stmt_ext expect_ext_describe = {
	.word = "DESCRIBE",
	.words2 = "EXPECTATIONS",
	.parse = parse_describe,
	.exec = (void *)exec_describe,
	.usage = "DESCRIBE EXPECTATIONS table [LIMIT n]",
	.summary = "what each write's expectations passed and failed, newest write first",
	.query = true,   /* SELECT ... FROM (DESCRIBE EXPECTATIONS t) */
};
