/*
 * Declaring constraints: the table properties they are stored as, reading
 * them back from a table's configuration, and checking a condition before
 * it is stored (it binds against the table's columns, is BOOLEAN, and
 * looks at one row). See expect.h for the property keys.
 */
#include "cli/expect_int.h"
#include "cli/stmt_int.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "func/agg.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COND_SUFFIX ".condition"
#define ACTION_SUFFIX ".action"

static const char *const action_names[] = {
	[EXPECT_CHECK] = "check", [EXPECT_WARN] = "warn", [EXPECT_DROP] = "drop", [EXPECT_FAIL] = "fail",
	[EXPECT_QUARANTINE] = "quarantine",
};

const char *
expect_action_name(enum expect_action a)
{
	return action_names[a];
}

const char *
expect_kind_name(enum expect_action a)
{
	return a == EXPECT_CHECK ? "CHECK constraint" : "expectation";
}

static char *
lower_dup(struct arena *a, const char *s, size_t n)
{
	char *r = arena_strndup(a, s, n);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

static bool
has_prefix(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

bool
expect_reserved_key(const char *key)
{
	return has_prefix(key, EXPECT_CHECK_PREFIX) || has_prefix(key, EXPECT_PREFIX);
}

char *
expect_dir_name(struct arena *a, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	size_t b = n;
	while (b > 0 && dir[b - 1] != '/')
		b--;
	return arena_strndup(a, dir + b, n - b);
}

/* ------------------------------------------------------------ properties */

static void
rules_add(struct expect_rules *out, size_t *cap, struct arena *a, const struct expect_rule *r)
{
	if ((size_t)out->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct expect_rule *v = arena_alloc(a, sizeof *v * nc);
		if (out->n)
			memcpy(v, out->v, sizeof *v * (size_t)out->n);
		out->v = v;
		*cap = nc;
	}
	out->v[out->n++] = *r;
}

static enum expect_action
action_of(const char *word)
{
	for (size_t i = EXPECT_WARN; i < sizeof action_names / sizeof action_names[0]; i++)
		if (word && strcasecmp(word, action_names[i]) == 0)
			return (enum expect_action)i;
	return EXPECT_WARN;
}

void
expect_rules_of(const struct delta_map *conf, struct arena *a, struct expect_rules *out)
{
	memset(out, 0, sizeof *out);
	size_t cap = 0;
	size_t lc = strlen(EXPECT_CHECK_PREFIX), le = strlen(EXPECT_PREFIX), ls = strlen(COND_SUFFIX);
	for (int i = 0; i < conf->n; i++) {
		const char *k = conf->keys[i];
		if (!has_prefix(k, EXPECT_CHECK_PREFIX) || k[lc] == '\0' || conf->values[i] == NULL)
			continue;
		struct expect_rule r = {lower_dup(a, k + lc, strlen(k + lc)), arena_strdup(a, conf->values[i]), EXPECT_CHECK};
		rules_add(out, &cap, a, &r);
	}
	for (int i = 0; i < conf->n; i++) {
		const char *k = conf->keys[i];
		size_t n = strlen(k);
		if (!has_prefix(k, EXPECT_PREFIX) || n <= le + ls || strcasecmp(k + n - ls, COND_SUFFIX) != 0 ||
		    conf->values[i] == NULL)
			continue;
		struct expect_rule r = {lower_dup(a, k + le, n - le - ls), arena_strdup(a, conf->values[i]), EXPECT_WARN};
		char *akey = arena_printf(a, "%.*s" ACTION_SUFFIX, (int)(n - ls), k);
		for (int j = 0; j < conf->n; j++)
			if (strcasecmp(conf->keys[j], akey) == 0)
				r.action = action_of(conf->values[j]);
		if (expect_rule_find(out, r.name) == NULL)
			rules_add(out, &cap, a, &r);
	}
}

const struct expect_rule *
expect_rule_find(const struct expect_rules *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (strcasecmp(r->v[i].name, name) == 0)
			return &r->v[i];
	return NULL;
}

void
expect_rule_from_node(struct arena *a, const struct ast *c, struct expect_rule *r)
{
	static const enum expect_action by_kind[] = {
		[CONSTRAINT_CHECK] = EXPECT_CHECK, [CONSTRAINT_EXPECT] = EXPECT_WARN, [CONSTRAINT_DROP_ROW] = EXPECT_DROP,
		[CONSTRAINT_FAIL_UPDATE] = EXPECT_FAIL, [CONSTRAINT_QUARANTINE] = EXPECT_QUARANTINE,
	};
	r->name = lower_dup(a, c->u.constraint.name, strlen(c->u.constraint.name));
	r->cond = c->u.constraint.cond_text;
	r->action = by_kind[c->u.constraint.kind];
}

int
expect_rule_props(struct arena *a, const struct expect_rule *r, char **keys, char **values)
{
	if (r->action == EXPECT_CHECK) {
		keys[0] = arena_printf(a, EXPECT_CHECK_PREFIX "%s", r->name);
		values[0] = arena_strdup(a, r->cond);
		return 1;
	}
	keys[0] = arena_printf(a, EXPECT_PREFIX "%s" COND_SUFFIX, r->name);
	values[0] = arena_strdup(a, r->cond);
	keys[1] = arena_printf(a, EXPECT_PREFIX "%s" ACTION_SUFFIX, r->name);
	values[1] = arena_strdup(a, expect_action_name(r->action));
	return 2;
}

/* A constraint named like an earlier one of the list: an error at it. */
static int
check_unique(const struct ast_list *cons, struct wb_error *err)
{
	for (int i = 0; i < cons->n; i++)
		for (int j = 0; j < i; j++)
			if (strcasecmp(cons->v[i]->u.constraint.name, cons->v[j]->u.constraint.name) == 0) {
				err_set(err, cons->v[i]->pos, "constraint \"%s\" is declared twice", cons->v[i]->u.constraint.name);
				err_hint(err, "constraint names are unique per table (CHECK constraints and expectations together)");
				return -1;
			}
	return 0;
}

int
expect_add_props(struct arena *a, const struct ast_list *cons, struct lake_write_options *o, struct wb_error *err)
{
	if (cons->n == 0)
		return 0;
	if (check_unique(cons, err) < 0)
		return -1;
	int n = o->nprops + 2 * cons->n;
	char **k = arena_alloc(a, sizeof(char *) * (size_t)n), **v = arena_alloc(a, sizeof(char *) * (size_t)n);
	for (int i = 0; i < o->nprops; i++) {
		k[i] = o->prop_keys[i];
		v[i] = o->prop_values[i];
	}
	int m = o->nprops;
	for (int i = 0; i < cons->n; i++) {
		struct expect_rule r;
		expect_rule_from_node(a, cons->v[i], &r);
		m += expect_rule_props(a, &r, k + m, v + m);
	}
	o->prop_keys = k;
	o->prop_values = v;
	o->nprops = m;
	return 0;
}

/* ------------------------------------------------------------ checking */

void
expect_walk(const struct ast *e, void (*fn)(void *arg, const struct ast *n), void *arg)
{
	if (e == NULL)
		return;
	fn(arg, e);
	const struct ast_list *lists[3] = {NULL, NULL, NULL};
	switch (e->kind) {
	case AST_UNARY:
		expect_walk(e->u.unary.arg, fn, arg);
		break;
	case AST_BINARY:
		expect_walk(e->u.binary.left, fn, arg);
		expect_walk(e->u.binary.right, fn, arg);
		break;
	case AST_FUNC:
		lists[0] = &e->u.func.args;
		lists[1] = &e->u.func.order;
		expect_walk(e->u.func.filter, fn, arg);
		break;
	case AST_CASE:
		expect_walk(e->u.kase.operand, fn, arg);
		lists[0] = &e->u.kase.whens;
		expect_walk(e->u.kase.els, fn, arg);
		break;
	case AST_WHEN:
		expect_walk(e->u.when.cond, fn, arg);
		expect_walk(e->u.when.then, fn, arg);
		break;
	case AST_CAST:
		expect_walk(e->u.cast.arg, fn, arg);
		break;
	case AST_IN:
		expect_walk(e->u.in.arg, fn, arg);
		lists[0] = &e->u.in.list;
		break;
	case AST_BETWEEN:
		expect_walk(e->u.between.arg, fn, arg);
		expect_walk(e->u.between.lo, fn, arg);
		expect_walk(e->u.between.hi, fn, arg);
		break;
	case AST_LIKE:
		expect_walk(e->u.like.arg, fn, arg);
		expect_walk(e->u.like.pattern, fn, arg);
		expect_walk(e->u.like.escape, fn, arg);
		break;
	case AST_IS:
		expect_walk(e->u.is.arg, fn, arg);
		expect_walk(e->u.is.other, fn, arg);
		break;
	case AST_NAMED_ARG:
		expect_walk(e->u.named.value, fn, arg);
		break;
	case AST_STRUCT:
		lists[0] = &e->u.strct.keys;
		lists[1] = &e->u.strct.values;
		break;
	case AST_LIST:
		lists[0] = &e->u.list.items;
		break;
	case AST_ORDER_ITEM:
		expect_walk(e->u.order.expr, fn, arg);
		break;
	default:
		break;
	}
	for (int l = 0; l < 3 && lists[l]; l++)
		for (int i = 0; i < lists[l]->n; i++)
			expect_walk(lists[l]->v[i], fn, arg);
}

struct unfit {
	const struct ast *at;
	const char *what;
};

static void
find_unfit(void *arg, const struct ast *n)
{
	struct unfit *u = arg;
	if (u->at)
		return;
	if (n->kind == AST_SUBQUERY || n->kind == AST_EXISTS || (n->kind == AST_IN && n->u.in.subquery)) {
		u->at = n;
		u->what = "a subquery";
	} else if (n->kind == AST_PARAM) {
		u->at = n;
		u->what = "a parameter";
	} else if (n->kind == AST_FUNC && n->u.func.over) {
		u->at = n;
		u->what = "a window function";
	} else if (n->kind == AST_FUNC && (n->u.func.star || agg_lookup(n->u.func.name) != NULL)) {
		u->at = n;
		u->what = "an aggregate";
	}
}

/* Is there an aggregation or a window between top and stop (NULL: the
 * leaves)? */
static bool
groups_rows(const struct pnode *top, const struct pnode *stop)
{
	for (const struct pnode *n = top; n && n != stop; n = n->child)
		if (n->kind == PN_AGG || n->kind == PN_WINDOW)
			return true;
	return false;
}

static void
min_pos(void *arg, const struct ast *n)
{
	int *p = arg;
	if (n->pos >= 0 && n->pos < *p)
		*p = n->pos;
}

/* Where an expression starts in the statement (its leftmost node; a
 * binary node's own position is its operator's). */
static int
start_pos(const struct ast *e)
{
	int p = e->pos;
	expect_walk(e, min_pos, &p);
	return p;
}

/* SELECT cond FROM rel, planned. */
static int
check_one(struct session *s, struct binder *b, struct arena *a, struct ast *rel, struct pnode *rel_plan,
    const struct ast *c, struct wb_error *err)
{
	const char *kind = c->u.constraint.kind == CONSTRAINT_CHECK ? "a CHECK constraint" : "an expectation";
	struct ast *cond = c->u.constraint.cond;
	struct unfit u = {NULL, NULL};
	expect_walk(cond, find_unfit, &u);
	if (u.at) {
		err_set(err, u.at->pos, "the condition of %s cannot use %s: it is checked on each row by itself", kind, u.what);
		err_hint(err, "use the row's columns, constants and scalar functions");
		return -1;
	}
	struct ast_list items = {0};
	ast_list_add(a, &items, ast_mk_item(a, cond, "cond"));
	struct ast *q = ast_mk_select(a, rel, &items, NULL);
	struct binder own;
	struct pnode *p = b ? bind_query(b, q) : stmt_plan_query(s, &own, a, q, err);
	int rc = -1;
	if (p == NULL) {
		/* the binder's message (an unknown column, ...) points into the condition */
	} else if (groups_rows(p, rel_plan)) {
		err_set(err, start_pos(cond), "the condition of %s cannot use an aggregate: it is checked on each row by itself",
		    kind);
		err_hint(err, "compare the row's columns, e.g. price > 0");
	} else if (p->types[0] != WB_TYPE_BOOL) {
		err_set(err, start_pos(cond), "the condition of constraint \"%s\" is %s; a constraint needs a BOOLEAN condition",
		    c->u.constraint.name, type_name(p->types[0]));
		err_hint(err, "compare it: e.g. (%s) > 0, or (%s) IS NOT NULL", c->u.constraint.cond_text,
		    c->u.constraint.cond_text);
	} else {
		rc = 0;
	}
	if (b == NULL)
		stmt_finish(s, &own, p);
	return rc;
}

int
expect_check_conditions(struct session *s, struct binder *b, struct arena *a, struct ast *rel, struct pnode *rel_plan,
    const struct ast_list *cons, struct wb_error *err)
{
	if (check_unique(cons, err) < 0)
		return -1;
	for (int i = 0; i < cons->n; i++)
		if (check_one(s, b, a, rel, rel_plan, cons->v[i], err) < 0)
			return -1;
	return 0;
}

int
expect_check_columns(struct session *s, struct arena *a, const struct ast_list *cons, int ncol, char *const *names,
    const wb_type *types, const char *qual, struct wb_error *err)
{
	if (cons->n == 0)
		return 0;
	struct ast_list items = {0};
	for (int i = 0; i < ncol; i++)
		ast_list_add(a, &items, ast_mk_item(a, ast_mk_cast(a, ast_mk_null(a, 0), types[i]), names[i]));
	struct ast *rel = ast_mk_derived(a, ast_mk_select(a, NULL, &items, NULL), qual);
	return expect_check_conditions(s, NULL, a, rel, NULL, cons, err);
}

/* ------------------------------------------------------------ storing */

int
expect_store(struct session *s, struct arena *a, struct table *t, const struct ast_list *cons, int64_t *version,
    struct wb_error *err)
{
	*version = -1;
	const char *dir = lake_table_dir(t);
	if (dir == NULL) {
		if (cons->n == 0)
			return 0;
		err_set(err, cons->v[0]->pos, "expectations belong to Delta tables; \"%s\" is in memory", t->name);
		return -1;
	}
	for (int i = 0; i < cons->n; i++)
		if (cons->v[i]->u.constraint.kind == CONSTRAINT_CHECK) {
			err_set(err, cons->v[i]->pos, "CHECK constraint \"%s\": table \"%s\" exists, so its rows must be checked first",
			    cons->v[i]->u.constraint.name, t->name);
			err_hint(err, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s)", t->name, cons->v[i]->u.constraint.name,
			    cons->v[i]->u.constraint.cond_text);
			return -1;
		}
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL)
		return -1;
	int rc = -1;
	struct table *pin = lake_table_pinned(t->name, snap, NULL, 0, 0);
	struct ast_name nm = {1, {t->name}};
	struct ast *rel = ast_mk_table(a, &nm, t->name, pin, 0);
	struct expect_rules old;
	expect_rules_of(&snap->metadata.configuration, a, &old);
	int n = 0, cap = 2 * cons->n + 2 * old.n + 1;
	char **keys = arena_alloc(a, sizeof(char *) * (size_t)cap), **values = arena_alloc(a, sizeof(char *) * (size_t)cap);
	char **unset = arena_alloc(a, sizeof(char *) * (size_t)cap);
	int nunset = 0;
	bool same = true;
	if (expect_check_conditions(s, NULL, a, rel, NULL, cons, err) < 0)
		goto out;
	for (int i = 0; i < cons->n; i++) {
		struct expect_rule r;
		expect_rule_from_node(a, cons->v[i], &r);
		const struct expect_rule *o = expect_rule_find(&old, r.name);
		if (o && o->action == EXPECT_CHECK) {
			err_set(err, cons->v[i]->pos, "table \"%s\" has a CHECK constraint named \"%s\"", t->name, r.name);
			err_hint(err, "give the expectation another name");
			goto out;
		}
		same = same && o && o->action == r.action && strcmp(o->cond, r.cond) == 0;
		n += expect_rule_props(a, &r, keys + n, values + n);
	}
	for (int i = 0; i < old.n; i++) {
		bool kept = old.v[i].action == EXPECT_CHECK;
		for (int j = 0; j < cons->n && !kept; j++)
			kept = strcasecmp(old.v[i].name, cons->v[j]->u.constraint.name) == 0;
		if (kept)
			continue;
		char *k[2], *v[2];
		int m = expect_rule_props(a, &old.v[i], k, v);
		for (int j = 0; j < m; j++)
			unset[nunset++] = k[j];
		same = false;
	}
	if (same) {
		rc = 0;
		goto out;
	}
	struct strbuf js = STRBUF_INIT;
	sb_putc(&js, '{');
	for (int i = 0; i < n; i++) {
		sb_printf(&js, "%s", i ? "," : "");
		json_put_string(&js, keys[i], strlen(keys[i]));
		sb_putc(&js, ':');
		json_put_string(&js, values[i], strlen(values[i]));
	}
	sb_putc(&js, '}');
	char *pk[1] = {"properties"}, *pv[1] = {arena_strdup(a, sb_str(&js))};
	sb_free(&js);
	*version = lake_change_properties(dir, snap, "SET TBLPROPERTIES", n, keys, values, nunset, unset, 1, pk, pv, err);
	if (*version >= 0)
		rc = 0;
out:
	table_unref(pin);
	delta_snapshot_free(snap);
	return rc;
}
