/* Query binding: FROM items, SELECT cores, aggregation, DISTINCT, ORDER BY,
 * LIMIT/OFFSET, VALUES, CTEs and views. */
#include "sql/bind_int.h"
#include "store/lake/lake.h"
#include "core/strutil.h"
#include "core/xmalloc.h"
#include "func/agg.h"
#include "func/func.h"
#include "func/tablefn.h"
#include "exec/exec.h"
#include "sql/parser.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
binder_init(struct binder *b, struct arena *arena, struct catalog *catalog, struct wb_error *err)
{
	memset(b, 0, sizeof *b);
	b->arena = arena;
	b->catalog = catalog;
	b->err = err;
}

void
binder_own(struct binder *b, struct pnode *n)
{
	b->owned = xgrow(b->owned, &b->owned_cap, (size_t)b->nowned + 1, sizeof *b->owned);
	b->owned[b->nowned++] = n;
}

void
binder_release(struct binder *b)
{
	for (int i = 0; i < b->nowned; i++)
		exec_cleanup(b->owned[i]);
	free(b->owned);
	b->owned = NULL;
	b->nowned = 0;
	b->owned_cap = 0;
}

void
scope_from_plan(struct binder *b, struct scope *s, struct pnode *p, const char *qual)
{
	s->ncol = p->ncol;
	s->cols = arena_zalloc(b->arena, sizeof *s->cols * (size_t)(p->ncol ? p->ncol : 1));
	for (int i = 0; i < p->ncol; i++) {
		s->cols[i].qual = qual;
		s->cols[i].name = p->names[i];
		s->cols[i].type = p->types[i];
	}
}

/* Apply `AS alias(c1, c2)` column aliases to a plan by renaming outputs. */
static int
apply_col_aliases(struct binder *b, struct pnode *p, struct ast_list *aliases, const char *what)
{
	if (aliases->n == 0)
		return 0;
	if (aliases->n > p->ncol) {
		err_set(b->err, aliases->v[0]->pos, "%s has %d columns but %d column aliases were given", what, p->ncol, aliases->n);
		return -1;
	}
	for (int i = 0; i < aliases->n; i++)
		p->names[i] = arena_strdup(b->arena, aliases->v[i]->u.name.parts[0]);
	return 0;
}

/* ------------------------------------------------------------ table funcs */

static int
tf_value_of(struct binder *b, struct ast *a, struct tf_value *out)
{
	memset(out, 0, sizeof *out);
	out->pos = a->pos;
	if (a->kind == AST_STRUCT) {
		int n = a->u.strct.keys.n;
		out->kind = TF_MAP;
		out->n = n;
		out->keys = arena_zalloc(b->arena, sizeof(char *) * (size_t)(n ? n : 1));
		out->items = arena_zalloc(b->arena, sizeof(struct tf_value) * (size_t)(n ? n : 1));
		for (int i = 0; i < n; i++) {
			struct ast *k = a->u.strct.keys.v[i];
			out->keys[i] = arena_strndup(b->arena, k->u.lit.u.s.p, k->u.lit.u.s.n);
			if (tf_value_of(b, a->u.strct.values.v[i], &out->items[i]) < 0)
				return -1;
		}
		return 0;
	}
	if (a->kind == AST_LIST) {
		int n = a->u.list.items.n;
		out->kind = TF_LIST;
		out->n = n;
		out->items = arena_zalloc(b->arena, sizeof(struct tf_value) * (size_t)(n ? n : 1));
		for (int i = 0; i < n; i++)
			if (tf_value_of(b, a->u.list.items.v[i], &out->items[i]) < 0)
				return -1;
		return 0;
	}
	out->kind = TF_SCALAR;
	return bind_constant(b, a, &out->v);
}

/* "did you mean generate_series?" or the list, from the function table */
static void
tablefn_hint(struct wb_error *err, const char *name)
{
	int n = tablefn_count();
	const char **names = xmalloc(sizeof *names * (size_t)n);
	for (int i = 0; i < n; i++)
		names[i] = tablefn_at(i)->name;
	const char *near = str_suggest(name, names, n);
	if (near) {
		err_hint(err, "did you mean %s()?", near);
	} else {
		struct strbuf hb = STRBUF_INIT;
		for (int i = 0; i < n; i++)
			sb_printf(&hb, "%s%s", i ? ", " : "", names[i]);
		err_hint(err, "table functions: %s", sb_str(&hb));
		sb_free(&hb);
	}
	free(names);
}

static struct pnode *
bind_table_func(struct binder *b, struct ast *t, struct scope *s)
{
	const char *name = t->u.tfunc.name;
	const struct table_fn *tf;
	if (name[0] == '\0') {
		struct ast *lit = t->u.tfunc.args.v[0];
		tf = tablefn_for_path(lit->u.lit.u.s.p, b->err);
		if (tf == NULL) {
			err_at(b->err, t->pos);
			return NULL;
		}
	} else {
		tf = tablefn_lookup(name);
		if (tf == NULL) {
			err_set(b->err, t->pos, "table function %s() does not exist", name);
			if (fn_lookup(name) || agg_lookup(name))
				err_hint(b->err, "%s() is a scalar function: use it in the select list", name);
			else
				tablefn_hint(b->err, name);
			return NULL;
		}
	}
	struct tf_args args = {0};
	args.call_pos = t->pos;
	int n = t->u.tfunc.args.n;
	args.pos = arena_zalloc(b->arena, sizeof(struct tf_value) * (size_t)(n ? n : 1));
	args.named = arena_zalloc(b->arena, sizeof(struct tf_value) * (size_t)(n ? n : 1));
	args.names = arena_zalloc(b->arena, sizeof(char *) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		struct ast *a = t->u.tfunc.args.v[i];
		if (a->kind == AST_NAMED_ARG) {
			args.names[args.nnamed] = a->u.named.name;
			if (tf_value_of(b, a->u.named.value, &args.named[args.nnamed]) < 0)
				return NULL;
			args.named[args.nnamed].pos = a->pos;
			args.nnamed++;
		} else {
			if (args.nnamed > 0) {
				err_set(b->err, a->pos, "positional arguments must come before named options");
				return NULL;
			}
			if (tf_value_of(b, a, &args.pos[args.npos++]) < 0)
				return NULL;
		}
	}
	struct source *src = tf->bind(&args, b->err);
	if (src == NULL) {
		err_at(b->err, t->pos);
		return NULL;
	}
	struct pnode *p = pnode_new(b->arena, PN_SCAN, NULL, src->ncol);
	for (int i = 0; i < src->ncol; i++)
		pnode_set_col(b->arena, p, i, src->names[i], src->types[i]);
	p->u.scan.src = src;
	binder_own(b, p);
	p->u.scan.nproj = src->ncol;
	p->u.scan.proj = arena_zalloc(b->arena, sizeof(int) * (size_t)(src->ncol ? src->ncol : 1));
	for (int i = 0; i < src->ncol; i++)
		p->u.scan.proj[i] = i;
	struct strbuf lb = STRBUF_INIT;
	if (name[0] == '\0')
		sb_printf(&lb, "%s('%s')", tf->name, t->u.tfunc.args.v[0]->u.lit.u.s.p);
	else
		sb_printf(&lb, "%s(...)", tf->name);
	p->u.scan.label = arena_strdup(b->arena, sb_str(&lb));
	sb_free(&lb);
	p->est_rows = src->est_rows >= 0 ? (double)src->est_rows : 1000000;
	if (apply_col_aliases(b, p, &t->u.tfunc.col_aliases, tf->name) < 0)
		return NULL;
	const char *qual = t->u.tfunc.alias ? t->u.tfunc.alias : (name[0] ? tf->name : NULL);
	if (name[0] == '\0' && t->u.tfunc.alias == NULL) {
		/* FROM 'dir/events.csv' is qualified as events */
		const char *path = t->u.tfunc.args.v[0]->u.lit.u.s.p;
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		char *q = arena_strdup(b->arena, base);
		char *dot = strchr(q, '.');
		if (dot)
			*dot = '\0';
		qual = q;
	}
	scope_from_plan(b, s, p, qual);
	return p;
}

/* ------------------------------------------------------------ FROM items */


static struct pnode *
bind_derived_query(struct binder *b, struct ast *q, const char *alias, struct ast_list *col_aliases, struct scope *s,
    const char *what)
{
	struct scope inner = {0};
	if (++b->depth > BIND_MAX_DEPTH) {
		err_set(b->err, q->pos, "queries are nested too deeply");
		return NULL;
	}
	struct pnode *p = bind_query_scoped(b, q, &inner);
	b->depth--;
	if (p == NULL)
		return NULL;
	if (col_aliases && apply_col_aliases(b, p, col_aliases, what) < 0)
		return NULL;
	scope_from_plan(b, s, p, alias);
	return p;
}

#define RECURSION_MAX_ITERATIONS 100000

static bool
has_table_function_scan(const struct pnode *n)
{
	if (n->kind == PN_SCAN && n->u.scan.table == NULL)
		return true;
	struct pnode *kids[64];
	int nk = pnode_children(n, kids, 64);
	for (int i = 0; i < nk; i++)
		if (has_table_function_scan(kids[i]))
			return true;
	return false;
}

/* WITH RECURSIVE c AS (base UNION [ALL] step), step reading c: a
 * PN_RECURSIVE node; NULL without error when c is not of that form or the
 * step does not read c (then it is an ordinary CTE). */
static struct pnode *
bind_recursive_cte(struct binder *b, struct bind_cte *c)
{
	struct ast *body = c->query;
	if (body->kind == AST_QUERY && body->u.query.with.n == 0 && body->u.query.order.n == 0 && !body->u.query.order_all &&
	    body->u.query.limit == NULL && body->u.query.offset == NULL)
		body = body->u.query.body;
	if (body->kind != AST_SETOP || body->u.setop.op != SETOP_UNION || body->u.setop.by_name)
		return NULL;
	struct bind_cte *saved = b->ctes;
	struct outer_ref *saved_outer = b->outer;
	b->outer = NULL;
	b->ctes = c->next;
	struct scope sb = {0}, ss = {0};
	struct pnode *base = bind_body_plain(b, body->u.setop.left, &sb);
	if (base == NULL || apply_col_aliases(b, base, c->columns, c->name) < 0) {
		b->ctes = saved;
		b->outer = saved_outer;
		return NULL;
	}
	struct pnode *work = pnode_new(b->arena, PN_MATERIALIZE, NULL, base->ncol);
	memcpy(work->types, base->types, sizeof(wb_type) * (size_t)base->ncol);
	memcpy(work->names, base->names, sizeof(char *) * (size_t)base->ncol);
	work->u.cte.name = c->name;
	work->u.cte.forced = true;
	work->est_rows = base->est_rows;
	c->work = work;
	c->work_used = false;
	b->ctes = c;
	struct pnode *step = bind_body_plain(b, body->u.setop.right, &ss);
	b->ctes = saved;
	b->outer = saved_outer;
	c->work = NULL;
	if (step == NULL || !c->work_used)
		return NULL;
	if (step->ncol != base->ncol) {
		err_set(b->err, body->pos, "the two parts of recursive query \"%s\" have %d and %d columns", c->name, base->ncol,
		    step->ncol);
		return NULL;
	}
	step = bind_cast_columns(b, step, base->types, base->names, base->ncol, body->u.setop.right->pos);
	if (step == NULL)
		return NULL;
	if (has_table_function_scan(step)) {
		err_set(b->err, body->u.setop.right->pos, "the recursive part of \"%s\" cannot read a table function directly",
		    c->name);
		err_hint(b->err, "read it in another WITH query and use that one");
		return NULL;
	}
	struct pnode *r = pnode_new(b->arena, PN_RECURSIVE, NULL, base->ncol);
	memcpy(r->types, base->types, sizeof(wb_type) * (size_t)base->ncol);
	memcpy(r->names, base->names, sizeof(char *) * (size_t)base->ncol);
	r->u.rec.base = base;
	r->u.rec.step = step;
	r->u.rec.work = work;
	r->u.rec.union_all = body->u.setop.all;
	r->u.rec.max_iterations = RECURSION_MAX_ITERATIONS;
	r->est_rows = base->est_rows * 10;
	return r;
}

/*
 * t VERSION AS OF n / TIMESTAMP AS OF x (also t@v3, FOR SYSTEM_VERSION /
 * SYSTEM_TIME AS OF): set *tab to a new reference to table x pinned to
 * that version, and *version to the version it reads. The AS OF values are constant expressions; a timestamp may be
 * given as a string or a date. -1 with the error set when the table keeps
 * no history or the version does not exist.
 */
static int
bind_time_travel_at(struct binder *b, struct ast *t, struct table *x, struct table **tab, int64_t *version)
{
	const char *what = t->u.table.version ? "VERSION AS OF" : "TIMESTAMP AS OF";
	if (t->u.table.version && t->u.table.timestamp) {
		err_set(b->err, t->u.table.timestamp->pos, "give either VERSION AS OF or TIMESTAMP AS OF, not both");
		return -1;
	}
	if (x->view_sql || x->ops == NULL || x->ops->as_of == NULL) {
		err_set(b->err, t->pos, "%s needs a Delta table; \"%s\" is %s", what, x->name,
		    x->view_sql ? "a view" : "an in-memory table, which keeps no versions");
		return -1;
	}
	int64_t v = -1, ts = 0;
	struct wb_value val;
	if (t->u.table.version) {
		if (bind_constant(b, t->u.table.version, &val) < 0)
			return -1;
		if (val.is_null || val.type != WB_TYPE_BIGINT || val.u.i < 0) {
			err_set(b->err, t->u.table.version->pos, "VERSION AS OF needs a version number (0, 1, ...)");
			return -1;
		}
		v = val.u.i;
	} else {
		/* CAST(x AS TIMESTAMP): strings and dates as well */
		struct ast *c = ast_new(b->arena, AST_CAST, t->u.table.timestamp->pos);
		c->u.cast.arg = t->u.table.timestamp;
		c->u.cast.type = WB_TYPE_TIMESTAMP;
		c->u.cast.type_text = "TIMESTAMP";
		if (bind_constant(b, c, &val) < 0)
			return -1;
		if (val.is_null) {
			err_set(b->err, t->u.table.timestamp->pos, "TIMESTAMP AS OF needs a time, not NULL");
			return -1;
		}
		ts = val.u.i;
	}
	struct table *pinned = x->ops->as_of(x, v, ts, version, b->err);
	if (pinned == NULL) {
		err_at(b->err, t->u.table.version ? t->u.table.version->pos : t->u.table.timestamp->pos);
		err_hint(b->err, "DESCRIBE HISTORY %s lists the table's versions and their times", x->name);
		return -1;
	}
	*tab = pinned;
	return 0;
}

/* The same, replacing *tab, whose reference is released either way. */
static int
bind_time_travel(struct binder *b, struct ast *t, struct table **tab, int64_t *version)
{
	struct table *x = *tab;
	*tab = NULL;
	int rc = bind_time_travel_at(b, t, x, tab, version);
	table_unref(x);
	return rc;
}

static struct pnode *
bind_table(struct binder *b, struct ast *t, struct scope *s)
{
	const struct ast_name *nm = &t->u.table.name;
	const char *alias = t->u.table.alias ? t->u.table.alias : nm->parts[nm->n - 1];
	bool as_of = t->u.table.version || t->u.table.timestamp;
	/* CTEs shadow tables */
	if (nm->n == 1 && t->u.table.object == NULL) {
		for (struct bind_cte *c = b->ctes; c; c = c->next) {
			if (strcasecmp(c->name, nm->parts[0]) != 0)
				continue;
			if (as_of) {
				err_set(b->err, t->pos, "\"%s\" is a WITH query: it has no versions to travel to", c->name);
				return NULL;
			}
			if (c->work) {
				/* the recursive step reads the working table */
				c->work_used = true;
				struct pnode *p = pnode_new(b->arena, PN_CTE_SCAN, NULL, c->work->ncol);
				memcpy(p->types, c->work->types, sizeof(wb_type) * (size_t)c->work->ncol);
				memcpy(p->names, c->work->names, sizeof(char *) * (size_t)c->work->ncol);
				p->u.cte.source = c->work;
				p->u.cte.name = c->name;
				p->est_rows = c->work->est_rows;
				if (t->u.table.col_aliases.n && apply_col_aliases(b, p, &t->u.table.col_aliases, c->name) < 0)
					return NULL;
				scope_from_plan(b, s, p, alias);
				return p;
			}
			/* bound once, in the scope where it was defined, as a
			 * materialisation every reference scans; the optimizer
			 * inlines it again when it is referenced only once */
			if (c->mat == NULL && c->recursive) {
				struct pnode *r = bind_recursive_cte(b, c);
				if (r == NULL && err_isset(b->err))
					return NULL;
				if (r != NULL) {
					struct pnode *m = pnode_new(b->arena, PN_MATERIALIZE, r, r->ncol);
					memcpy(m->types, r->types, sizeof(wb_type) * (size_t)r->ncol);
					memcpy(m->names, r->names, sizeof(char *) * (size_t)r->ncol);
					m->u.cte.name = c->name;
					m->u.cte.forced = c->materialized == 1;
					m->est_rows = r->est_rows;
					c->mat = m;
				}
			}
			if (c->mat == NULL || c->materialized == 0) {
				/* a WITH query sees the CTEs before it, never the
				 * columns of a query that references it */
				struct bind_cte *saved = b->ctes;
				struct outer_ref *saved_outer = b->outer;
				b->ctes = c->next;
				b->outer = NULL;
				struct scope inner = {0};
				struct pnode *body = bind_derived_query(b, c->query, NULL, c->columns, &inner, c->name);
				b->ctes = saved;
				b->outer = saved_outer;
				if (body == NULL)
					return NULL;
				if (c->materialized == 0) {
					/* NOT MATERIALIZED: every reference is its own copy */
					if (t->u.table.col_aliases.n && apply_col_aliases(b, body, &t->u.table.col_aliases, c->name) < 0)
						return NULL;
					scope_from_plan(b, s, body, alias);
					return body;
				}
				struct pnode *m = pnode_new(b->arena, PN_MATERIALIZE, body, body->ncol);
				memcpy(m->types, body->types, sizeof(wb_type) * (size_t)body->ncol);
				memcpy(m->names, body->names, sizeof(char *) * (size_t)body->ncol);
				m->u.cte.name = c->name;
				m->u.cte.forced = c->materialized == 1;
				m->est_rows = body->est_rows;
				c->mat = m;
			}
			struct pnode *m = c->mat;
			struct pnode *p = pnode_new(b->arena, PN_CTE_SCAN, NULL, m->ncol);
			memcpy(p->types, m->types, sizeof(wb_type) * (size_t)m->ncol);
			memcpy(p->names, m->names, sizeof(char *) * (size_t)m->ncol);
			p->u.cte.source = m;
			p->u.cte.name = c->name;
			p->est_rows = m->child->est_rows;
			if (t->u.table.col_aliases.n && apply_col_aliases(b, p, &t->u.table.col_aliases, c->name) < 0)
				return NULL;
			scope_from_plan(b, s, p, alias);
			return p;
		}
	}
	struct table *tab = t->u.table.object;
	if (tab != NULL)
		table_ref(tab);
	else
		tab = catalog_get(b->catalog, nm->parts, nm->n, b->err);
	if (tab == NULL) {
		err_at(b->err, t->pos);
		if (nm->n == 1 && strchr(nm->parts[0], '.') != NULL)
			err_hint(b->err, "to read a file, quote its name: FROM '%s'", nm->parts[0]);
		return NULL;
	}
	int64_t version = -1;
	if (as_of && bind_time_travel(b, t, &tab, &version) < 0)
		return NULL;
	if (tab->view_sql) {
		struct ast *q = parse_statement(tab->view_sql, (int)strlen(tab->view_sql), b->arena, b->err);
		if (q == NULL) {
			err_set(b->err, t->pos, "view \"%s\" is invalid", tab->name);
			table_unref(tab);
			return NULL;
		}
		struct wb_error inner = WB_ERROR_INIT;
		struct wb_error *saved = b->err;
		b->err = &inner;
		struct bind_cte *saved_ctes = b->ctes;
		struct outer_ref *saved_outer = b->outer;
		b->ctes = NULL;
		b->outer = NULL;
		struct pnode *p = bind_derived_query(b, q, alias, &t->u.table.col_aliases, s, tab->name);
		b->ctes = saved_ctes;
		b->outer = saved_outer;
		b->err = saved;
		if (p == NULL) {
			err_set(b->err, t->pos, "view \"%s\" no longer binds: %s", tab->name, inner.msg ? inner.msg : "?");
			err_hint(b->err, "recreate it with CREATE OR REPLACE VIEW");
		} else if (p->ncol == tab->ncol && t->u.table.col_aliases.n == 0) {
			for (int i = 0; i < p->ncol; i++)
				p->names[i] = arena_strdup(b->arena, tab->names[i]);
			scope_from_plan(b, s, p, alias);
		}
		err_clear(&inner);
		table_unref(tab);
		return p;
	}
	struct pnode *p = pnode_new(b->arena, PN_SCAN, NULL, tab->ncol);
	for (int i = 0; i < tab->ncol; i++)
		pnode_set_col(b->arena, p, i, tab->names[i], tab->types[i]);
	p->u.scan.table = tab;   /* reference released by exec_cleanup */
	binder_own(b, p);
	p->u.scan.nproj = tab->ncol;
	p->u.scan.proj = arena_zalloc(b->arena, sizeof(int) * (size_t)(tab->ncol ? tab->ncol : 1));
	for (int i = 0; i < tab->ncol; i++)
		p->u.scan.proj[i] = i;
	int64_t cached = lake_table_cached_version(tab);
	if (version >= 0) {
		/* EXPLAIN shows the version read: ev@v3 (Databricks' notation) */
		p->u.scan.label = arena_printf(b->arena, "%s@v%lld", tab->name, (long long)version);
	} else if (cached >= 0) {
		p->u.scan.label = arena_printf(b->arena, "%s (cached version %lld)", tab->name, (long long)cached);
	} else {
		p->u.scan.label = arena_strdup(b->arena, tab->name);
	}
	int64_t rows = tab->ops->row_count ? tab->ops->row_count(tab) : -1;
	p->est_rows = rows >= 0 ? (double)rows : 1000;
	if (apply_col_aliases(b, p, &t->u.table.col_aliases, tab->name) < 0)
		return NULL;
	scope_from_plan(b, s, p, alias);
	return p;
}

struct pnode *
bind_from(struct binder *b, struct ast *f, struct scope *s)
{
	switch (f->kind) {
	case AST_TABLE:
		return bind_table(b, f, s);
	case AST_TABLE_FUNC:
		return bind_table_func(b, f, s);
	case AST_DERIVED:
		if (f->u.derived.lateral) {
			err_set(b->err, f->pos, "LATERAL subqueries are not supported yet");
			return NULL;
		}
		return bind_derived_query(b, f->u.derived.query, f->u.derived.alias, &f->u.derived.col_aliases, s, "subquery");
	case AST_JOIN:
		return bind_join(b, f, s);
	case AST_PIVOT:
		return bind_pivot(b, f, s);
	case AST_UNPIVOT:
		return bind_unpivot(b, f, s);
	case AST_BOUND:
		*s = *(struct scope *)f->u.bound.scope;
		return f->u.bound.plan;
	default:
		err_set(b->err, f->pos, "unexpected %s in FROM", ast_kind_name(f->kind));
		return NULL;
	}
}

struct ast *
bind_bound_relation(struct binder *b, struct pnode *p, const char *qual, int pos)
{
	struct scope *s = arena_zalloc(b->arena, sizeof *s);
	scope_from_plan(b, s, p, qual);
	struct ast *r = ast_new(b->arena, AST_BOUND, pos);
	r->u.bound.plan = p;
	r->u.bound.scope = s;
	return r;
}

/* ------------------------------------------------------------ helpers */

int64_t
bind_count(struct binder *b, struct ast *e, const char *what)
{
	struct wb_value v;
	if (bind_constant(b, e, &v) < 0)
		return -2;
	if (v.is_null)
		return -1;
	if (v.type == WB_TYPE_DOUBLE && v.u.d == (double)(int64_t)v.u.d) {
		v.type = WB_TYPE_BIGINT;
		v.u.i = (int64_t)v.u.d;
	}
	if (v.type != WB_TYPE_BIGINT || v.u.i < 0) {
		err_set(b->err, e->pos, "%s must be a non-negative integer", what);
		return -2;
	}
	return v.u.i;
}

struct pnode *
add_limit(struct binder *b, struct pnode *p, struct ast *q)
{
	if (q == NULL || (q->u.query.limit == NULL && q->u.query.offset == NULL))
		return p;
	int64_t limit = -1, offset = 0;
	if (q->u.query.limit) {
		limit = bind_count(b, q->u.query.limit, "LIMIT");
		if (limit == -2)
			return NULL;
	}
	if (q->u.query.offset) {
		offset = bind_count(b, q->u.query.offset, "OFFSET");
		if (offset < 0) {
			if (offset == -1)
				offset = 0;
			else
				return NULL;
		}
	}
	struct pnode *l = pnode_new(b->arena, PN_LIMIT, p, p->ncol);
	memcpy(l->types, p->types, sizeof(wb_type) * (size_t)p->ncol);
	memcpy(l->names, p->names, sizeof(char *) * (size_t)p->ncol);
	l->u.limit.limit = limit;
	l->u.limit.offset = offset;
	if (limit >= 0 && limit < l->est_rows)
		l->est_rows = (double)limit;
	return l;
}

struct pnode *
bind_filter(struct binder *b, struct pnode *child, struct bexpr *pred)
{
	struct pnode *f = pnode_new(b->arena, PN_FILTER, child, child->ncol);
	memcpy(f->types, child->types, sizeof(wb_type) * (size_t)child->ncol);
	memcpy(f->names, child->names, sizeof(char *) * (size_t)child->ncol);
	f->u.filter.pred = pred;
	f->est_rows = child->est_rows * 0.25;
	return f;
}

struct pnode *
bind_project(struct binder *b, struct pnode *child, int n, struct bexpr **exprs, char **names)
{
	struct pnode *p = pnode_new(b->arena, PN_PROJECT, child, n);
	p->u.project.exprs = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		p->u.project.exprs[i] = exprs[i];
		pnode_set_col(b->arena, p, i, names[i], exprs[i]->type == WB_TYPE_NULL ? WB_TYPE_BIGINT : exprs[i]->type);
		if (exprs[i]->type == WB_TYPE_NULL) {
			/* untyped NULL column: make it a typed NULL */
			struct wb_value v = {.type = WB_TYPE_BIGINT, .is_null = true};
			p->u.project.exprs[i] = bexpr_const(b->arena, &v, exprs[i]->pos);
		}
	}
	return p;
}

/* ------------------------------------------------------------ VALUES */

static struct pnode *
bind_values(struct binder *b, struct ast *v, struct scope *out)
{
	int nrows = v->u.values.rows.n;
	int ncol = v->u.values.rows.v[0]->u.list.items.n;
	struct wb_value *vals = xcalloc((size_t)nrows * (size_t)ncol, sizeof *vals);
	wb_type *types = xcalloc((size_t)ncol, sizeof *types);
	struct bind_env env = {.clause = "VALUES"};
	for (int r = 0; r < nrows; r++) {
		struct ast *row = v->u.values.rows.v[r];
		for (int c = 0; c < ncol; c++) {
			struct bexpr *e = bind_expr(b, row->u.list.items.v[c], &env);
			if (e == NULL || (e = bind_fold(b, e)) == NULL)
				goto fail;
			if (e->kind != BX_CONST) {
				err_set(b->err, row->u.list.items.v[c]->pos, "VALUES entries must be constant expressions");
				goto fail;
			}
			vals[r * ncol + c] = e->u.value;
			wb_type u;
			if (!fn_common_type(types[c], e->type, &u)) {
				err_set(b->err, row->u.list.items.v[c]->pos, "VALUES column %d mixes %s and %s", c + 1,
				    type_name(types[c]), type_name(e->type));
				goto fail;
			}
			types[c] = u;
		}
	}
	char **names = xcalloc((size_t)ncol, sizeof(char *));
	for (int c = 0; c < ncol; c++) {
		if (types[c] == WB_TYPE_NULL)
			types[c] = WB_TYPE_BIGINT;
		names[c] = arena_printf(b->arena, "col%d", c);
	}
	struct rowset *rs = rowset_new(ncol, names, types);
	struct chunk ch;
	chunk_init(&ch, ncol, types);
	for (int r = 0; r < nrows; r++) {
		chunk_reset(&ch);
		for (int c = 0; c < ncol; c++) {
			struct wb_value cv;
			if (cast_value(&vals[r * ncol + c], types[c], false, &cv, b->arena, b->err) < 0) {
				err_at(b->err, v->u.values.rows.v[r]->u.list.items.v[c]->pos);
				chunk_free(&ch);
				rowset_free(rs);
				free(names);
				goto fail;
			}
			cv.type = types[c];
			vec_set_const(&ch.cols[c], &cv, 1);
			vec_flatten(&ch.cols[c]);
		}
		ch.n = 1;
		rowset_append(rs, &ch, 0, 1);
	}
	chunk_free(&ch);
	struct pnode *p = pnode_new(b->arena, PN_VALUES, NULL, ncol);
	for (int c = 0; c < ncol; c++)
		pnode_set_col(b->arena, p, c, names[c], types[c]);
	p->u.values.rows = rs;
	binder_own(b, p);
	p->est_rows = nrows;
	free(names);
	free(vals);
	free(types);
	scope_from_plan(b, out, p, NULL);
	return p;
fail:
	free(vals);
	free(types);
	return NULL;
}

/* ------------------------------------------------------------ queries */

/* An extension statement as a query: it runs now, at bind time (like an
 * uncorrelated subquery), and its table becomes a VALUES node. ORDER BY
 * and LIMIT after it are not part of its grammar. */
static struct pnode *
bind_ext(struct binder *b, struct ast *body, struct ast *q, struct scope *out)
{
	const char *word = body->u.ext.ext->word;
	if (b->ext == NULL) {
		err_set(b->err, body->pos, "%s cannot stand as a query here", word);
		return NULL;
	}
	if (q != NULL && (q->u.query.order.n > 0 || q->u.query.limit || q->u.query.offset)) {
		err_set(b->err, body->pos, "%s takes no ORDER BY or LIMIT", word);
		err_hint(b->err, "SELECT * FROM (%s ...) ORDER BY ... sorts its result", word);
		return NULL;
	}
	struct rowset *rs = NULL;
	struct ast *rq = NULL;
	if (b->ext(b->run_arg, body, b->arena, &rs, &rq, b->err) < 0) {
		err_at(b->err, body->pos);
		return NULL;
	}
	if (rq != NULL)
		return bind_query_scoped(b, rq, out);
	struct pnode *p = pnode_new(b->arena, PN_VALUES, NULL, rs->ncol);
	for (int c = 0; c < rs->ncol; c++)
		pnode_set_col(b->arena, p, c, arena_strdup(b->arena, rs->names[c]), rs->types[c]);
	p->u.values.rows = rs;
	binder_own(b, p);
	p->est_rows = (double)rs->nrows;
	scope_from_plan(b, out, p, NULL);
	return p;
}

static struct pnode *
bind_body(struct binder *b, struct ast *body, struct ast *q, struct scope *out)
{
	switch (body->kind) {
	case AST_SELECT:
		return bind_select(b, body, q, out);
	case AST_EXT:
		return bind_ext(b, body, q, out);
	case AST_VALUES:
	case AST_QUERY:
	case AST_SETOP: {
		struct pnode *p;
		if (body->kind == AST_VALUES)
			p = bind_values(b, body, out);
		else if (body->kind == AST_QUERY)
			p = bind_query_scoped(b, body, out);
		else
			p = bind_setop(b, body, out);
		if (p == NULL || q == NULL)
			return p;
		/* ORDER BY / LIMIT over the body's output columns */
		if (q->u.query.order.n > 0) {
			struct scope s = {0};
			scope_from_plan(b, &s, p, NULL);
			struct pnode *sn = pnode_new(b->arena, PN_SORT, p, p->ncol);
			memcpy(sn->types, p->types, sizeof(wb_type) * (size_t)p->ncol);
			memcpy(sn->names, p->names, sizeof(char *) * (size_t)p->ncol);
			int nk = q->u.query.order_all ? p->ncol : q->u.query.order.n;
			sn->u.sort.nkeys = nk;
			sn->u.sort.keys = arena_zalloc(b->arena, sizeof(struct pn_sortkey) * (size_t)(nk ? nk : 1));
			for (int k = 0; k < nk; k++) {
				struct ast *oi = q->u.query.order.v[q->u.query.order_all ? 0 : k];
				struct bexpr *e;
				if (q->u.query.order_all) {
					e = bexpr_column(b->arena, k, p->types[k]);
				} else if (oi->u.order.expr->kind == AST_LITERAL && oi->u.order.expr->u.lit.type == WB_TYPE_BIGINT) {
					int64_t c = oi->u.order.expr->u.lit.u.i;
					if (c < 1 || c > p->ncol) {
						err_set(b->err, oi->pos, "ORDER BY position %lld is not in the select list (1..%d)", (long long)c, p->ncol);
						return NULL;
					}
					e = bexpr_column(b->arena, (int)c - 1, p->types[c - 1]);
				} else {
					e = bind_expr(b, oi->u.order.expr, &(struct bind_env){.scope = &s, .clause = "ORDER BY"});
					if (e == NULL)
						return NULL;
				}
				sn->u.sort.keys[k].expr = e;
				sn->u.sort.keys[k].desc = oi->u.order.desc;
				sn->u.sort.keys[k].nulls_first = oi->u.order.nulls_first >= 0 ? oi->u.order.nulls_first == 1 : !oi->u.order.desc;
			}
			p = sn;
		}
		p = add_limit(b, p, q);
		if (p)
			scope_from_plan(b, out, p, NULL);
		return p;
	}
	default:
		err_set(b->err, body->pos, "unexpected %s as a query", ast_kind_name(body->kind));
		return NULL;
	}
}

struct pnode *
bind_body_plain(struct binder *b, struct ast *body, struct scope *out)
{
	return bind_body(b, body, NULL, out);
}

struct pnode *
bind_query_scoped(struct binder *b, struct ast *q, struct scope *out)
{
	if (q->kind != AST_QUERY)
		return bind_body(b, q, NULL, out);
	struct bind_cte *saved = b->ctes;
	for (int i = 0; i < q->u.query.with.n; i++) {
		struct ast *c = q->u.query.with.v[i];
		for (int j = 0; j < i; j++)
			if (strcasecmp(q->u.query.with.v[j]->u.cte.name, c->u.cte.name) == 0) {
				err_set(b->err, c->pos, "WITH query name \"%s\" is defined twice", c->u.cte.name);
				b->ctes = saved;
				return NULL;
			}
		struct bind_cte *bc = arena_zalloc(b->arena, sizeof *bc);
		bc->name = c->u.cte.name;
		bc->query = c->u.cte.query;
		bc->columns = &c->u.cte.columns;
		bc->materialized = c->u.cte.materialized;
		bc->recursive = q->u.query.recursive;
		bc->next = b->ctes;
		b->ctes = bc;
	}
	struct pnode *p = bind_body(b, q->u.query.body, q, out);
	b->ctes = saved;
	return p;
}

struct pnode *
bind_query(struct binder *b, struct ast *query)
{
	struct scope s = {0};
	return bind_query_scoped(b, query, &s);
}

int
bind_constant(struct binder *b, struct ast *expr, struct wb_value *out)
{
	struct bind_env env = {.clause = "a constant"};
	struct bexpr *e = bind_expr(b, expr, &env);
	if (e == NULL)
		return -1;
	e = bind_fold(b, e);
	if (e == NULL)
		return -1;
	if (e->kind != BX_CONST) {
		err_set(b->err, expr->pos, "expected a constant expression");
		return -1;
	}
	*out = e->u.value;
	return 0;
}

bool
bind_null_column(const struct pnode *plan, int i)
{
	if (plan->kind == PN_PROJECT) {
		const struct bexpr *e = plan->u.project.exprs[i];
		if (e->kind == BX_COLUMN && plan->child != NULL)
			return bind_null_column(plan->child, e->u.column);
		return e->kind == BX_CONST && e->u.value.is_null;
	}
	if (plan->kind == PN_VALUES) {
		const struct rowset *rs = plan->u.values.rows;
		for (int64_t r = 0; r < rs->nrows; r++) {
			struct wb_value v;
			rowset_get(rs, r, i, &v);
			if (!v.is_null)
				return false;
		}
		return true;
	}
	return false;
}

struct pnode *
bind_cast_columns(struct binder *b, struct pnode *plan, const wb_type *types, char *const *names, int ncol, int pos)
{
	if (plan->ncol != ncol) {
		err_set(b->err, pos, "the query produces %d columns but %d are expected", plan->ncol, ncol);
		return NULL;
	}
	struct bexpr **ex = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(ncol ? ncol : 1));
	bool identity = true;
	for (int i = 0; i < ncol; i++) {
		ex[i] = bexpr_column(b->arena, i, plan->types[i]);
		if (plan->types[i] != types[i]) {
			identity = false;
			struct bexpr *c = bind_coerce(b, ex[i], types[i], pos);
			if (c == NULL && bind_null_column(plan, i)) {
				err_clear(b->err);
				struct wb_value nv = {.type = types[i], .is_null = true};
				c = bexpr_const(b->arena, &nv, pos);
			}
			if (c == NULL) {
				err_clear(b->err);
				err_set(b->err, pos, "column \"%s\" expects %s but the query produces %s", names[i],
				    type_name(types[i]), type_name(plan->types[i]));
				err_hint(b->err, "CAST the value to %s", type_name(types[i]));
				return NULL;
			}
			ex[i] = c;
		}
	}
	if (identity) {
		for (int i = 0; i < ncol; i++)
			plan->names[i] = arena_strdup(b->arena, names[i]);
		return plan;
	}
	return bind_project(b, plan, ncol, ex, (char **)names);
}
