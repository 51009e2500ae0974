/* Statement execution. */
#include "cli/stmt_int.h"
#include "cli/expect.h"
#include "store/lake/lake.h"
#include "core/pool.h"
#include "core/strutil.h"
#include "core/xmalloc.h"
#include "exec/exec.h"
#include "func/agg.h"
#include "func/func.h"
#include "func/tablefn.h"
#include "sql/explain.h"
#include "sql/optimizer.h"
#include "sql/parser.h"
#include "store/memtable.h"
#include "store/parquet/pq.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const struct wb_value *
param_cb(void *arg, const char *name)
{
	return session_get_param(arg, name);
}

void
stmt_ctx_setup(struct session *s, struct exec_ctx *ctx)
{
	exec_ctx_init(ctx);
	ctx->cancel = &s->cancel;
	ctx->max_workers = s->threads;
}

int
stmt_collect(struct session *s, struct pnode *plan, struct rowset **out, struct wb_error *err)
{
	struct exec_ctx ctx;
	stmt_ctx_setup(s, &ctx);
	struct rowset_sink rs;
	rowset_sink_init(&rs);
	int rc = exec_run(plan, &ctx, &rs.base);
	exec_cleanup(plan);
	if (rc < 0) {
		err_move(err, &ctx.err);
		rowset_free(rs.rs);
		exec_ctx_fini(&ctx);
		return -1;
	}
	exec_ctx_fini(&ctx);
	*out = rs.rs;
	return 0;
}

static int
run_cb(void *arg, struct pnode *plan, struct rowset **out, struct wb_error *err)
{
	struct session *s = arg;
	return stmt_collect(s, plan, out, err);
}

/* An extension statement standing as a query: run it with its result
 * caught instead of shown. */
static int
ext_cb(void *arg, struct ast *e, struct arena *qa, struct rowset **out, struct ast **query, struct wb_error *err)
{
	struct session *s = arg;
	if (e->u.ext.ext->rewrite != NULL) {
		stmt_ext_rewrite_fn rw = (stmt_ext_rewrite_fn)e->u.ext.ext->rewrite;
		*query = rw(s, qa, e->u.ext.data, err);
		return *query != NULL ? 0 : -1;
	}
	struct rowset_sink rs;
	rowset_sink_init(&rs);
	struct wb_sink *saved = s->override_sink;
	s->override_sink = &rs.base;
	struct arena a;
	arena_init(&a, 16384);
	stmt_ext_fn fn = (stmt_ext_fn)e->u.ext.ext->exec;
	int rc = fn(s, &a, e->u.ext.data, err);
	arena_release(&a);
	s->override_sink = saved;
	if (rc == 0 && rs.rs == NULL) {
		err_set(err, e->pos, "%s returned no table", e->u.ext.ext->word);
		rc = -1;
	}
	if (rc < 0) {
		rowset_free(rs.rs);
		return -1;
	}
	*out = rs.rs;
	return 0;
}

static void
binder_setup(struct session *s, struct binder *b, struct arena *a, struct wb_error *err)
{
	binder_init(b, a, s->catalog, err);
	b->param = param_cb;
	b->param_arg = s;
	b->run = run_cb;
	b->run_arg = s;
	b->ext = ext_cb;
}

struct pnode *
stmt_plan_query(struct session *s, struct binder *b, struct arena *a, struct ast *q, struct wb_error *err)
{
	binder_setup(s, b, a, err);
	struct pnode *p = bind_query(b, q);
	if (p == NULL)
		return NULL;
	return optimize(a, p);
}

/*
 * After a plan ran (or failed): store rows that scans rejected (read_csv
 * with store_rejects) as temporary tables, then release the plan's
 * resources and the binder's.
 */
void
stmt_finish(struct session *s, struct binder *b, struct pnode *p)
{
	for (int i = 0; i < b->nowned; i++) {
		struct pnode *n = b->owned[i];
		struct source *src = n->kind == PN_SCAN ? n->u.scan.src : NULL;
		if (src == NULL || src->rejects_table == NULL || src->ops->rejects == NULL)
			continue;
		struct rowset *rs = src->ops->rejects(src);
		if (rs == NULL)
			continue;
		struct memtable *mt = memtable_new(rs->ncol, rs->types);
		struct mt_builder *mb = mt_builder_new(rs->ncol, rs->types);
		for (int c = 0; c < rs->nchunks; c++)
			mt_builder_append(mb, &rs->chunks[c]);
		int nrg;
		struct mt_rowgroup **rgs = mt_builder_finish(mb, &nrg);
		memtable_add(mt, rgs, nrg);
		free(rgs);
		mt_builder_free(mb);
		char *parts[1] = {src->rejects_table};
		struct table *t = memtable_table(src->rejects_table, rs->ncol, rs->names, rs->types, mt);
		struct wb_error e = WB_ERROR_INIT;
		if (catalog_put(s->catalog, parts, 1, t, true, true, false, &e) == 0)
			session_message(s, "%lld rejected row%s stored in %s", (long long)rs->nrows, rs->nrows == 1 ? "" : "s",
			    src->rejects_table);
		err_clear(&e);
		rowset_free(rs);
	}
	if (p)
		exec_cleanup(p);
	binder_release(b);
}

/* --------------------------------------------------------------- queries */

static int
run_query(struct session *s, struct arena *a, struct ast *q, struct wb_error *err)
{
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	int rc = -1;
	if (p != NULL) {
		struct exec_ctx ctx;
		stmt_ctx_setup(s, &ctx);
		rc = exec_run(p, &ctx, session_sink(s));
		if (rc < 0)
			err_move(err, &ctx.err);
		exec_ctx_fini(&ctx);
	}
	stmt_finish(s, &b, p);
	return rc;
}

static int
discard_chunk(struct wb_sink *sk, const struct chunk *c, struct wb_error *err)
{
	return 0;
}

static int
run_explain(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	struct ast *q = st->u.explain.stmt;
	if (q->kind != AST_QUERY) {
		err_set(err, q->pos, "EXPLAIN supports queries (SELECT, VALUES, WITH)");
		return -1;
	}
	bool json = false;
	if (st->u.explain.format) {
		if (strcasecmp(st->u.explain.format, "json") == 0)
			json = true;
		else if (strcasecmp(st->u.explain.format, "text") != 0) {
			err_set(err, st->pos, "unknown EXPLAIN format '%s'", st->u.explain.format);
			err_hint(err, "formats: TEXT, JSON");
			return -1;
		}
	}
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	if (p == NULL) {
		binder_release(&b);
		return -1;
	}
	double total_ms = 0;
	long long total_mem = -1;
	if (st->u.explain.analyze) {
		struct exec_ctx ctx;
		stmt_ctx_setup(s, &ctx);
		ctx.analyze = true;
		struct wb_sink discard = {0};
		discard.chunk = discard_chunk;
		long long t0 = exec_now_ns();
		unsigned long long m0 = xmem_allocated();
		int rc = exec_run(p, &ctx, &discard);
		total_ms = (double)(exec_now_ns() - t0) / 1e6;
		total_mem = (long long)(xmem_allocated() - m0);
		if (rc < 0) {
			err_move(err, &ctx.err);
			exec_ctx_fini(&ctx);
			stmt_finish(s, &b, p);
			return -1;
		}
		exec_ctx_fini(&ctx);
	}
	struct rowset *rs = json ? explain_json(p, st->u.explain.analyze, total_ms, total_mem)
	                         : explain_table(p, st->u.explain.analyze, total_ms, total_mem);
	stmt_finish(s, &b, p);
	int rc = session_emit(s, rs, err);
	rowset_free(rs);
	return rc;
}

/* ------------------------------------------------------------------ DDL */

int
stmt_check_names(char *const *names, int n, int pos, struct wb_error *err)
{
	for (int i = 0; i < n; i++) {
		if (names[i] == NULL || names[i][0] == '\0') {
			err_set(err, pos, "column %d has no name", i + 1);
			err_hint(err, "give it an alias: expr AS name");
			return -1;
		}
		for (int j = 0; j < i; j++)
			if (strcasecmp(names[i], names[j]) == 0) {
				err_set(err, pos, "duplicate column name \"%s\"", names[i]);
				err_hint(err, "give one of them a different alias");
				return -1;
			}
	}
	return 0;
}

static struct memtable *
materialize(struct session *s, struct pnode *p, struct wb_error *err)
{
	struct exec_ctx ctx;
	stmt_ctx_setup(s, &ctx);
	struct memtable *mt = exec_materialize(p, &ctx);
	if (mt == NULL)
		err_move(err, &ctx.err);
	exec_ctx_fini(&ctx);
	return mt;   /* the caller runs stmt_finish() */
}

static int
create_table(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	struct ast_name *nm = &st->u.create.name;
	const char *name = nm->parts[nm->n - 1];
	const char *fmt = st->u.create.using_format;
	if (fmt && strcasecmp(fmt, "memory") != 0 && strcasecmp(fmt, "delta") != 0) {
		err_set(err, st->pos, "USING %s: tables are Delta (USING DELTA) or in memory (USING MEMORY)", fmt);
		return -1;
	}
	if (st->u.create.if_not_exists) {
		struct table *t = catalog_find(s->catalog, nm->parts, nm->n);
		if (t) {
			table_unref(t);
			return 0;
		}
	}
	if (stmt_lake_wanted(s, st))
		return stmt_lake_create(s, a, st, err);
	if (st->u.create.constraints.n > 0) {
		err_set(err, st->u.create.constraints.v[0]->pos, "constraints and expectations belong to Delta tables; "
		    "\"%s\" would be in memory", name);
		err_hint(err, "drop TEMP / USING MEMORY (or SET default_table_format = delta)");
		return -1;
	}
	struct table *t;
	int64_t rows = 0;
	if (st->u.create.query) {
		struct binder b;
		struct pnode *p = stmt_plan_query(s, &b, a, st->u.create.query, err);
		if (p && st->u.create.columns.n > 0) {
			int n = st->u.create.columns.n;
			wb_type *types = arena_alloc(a, sizeof(wb_type) * (size_t)n);
			char **names = arena_alloc(a, sizeof(char *) * (size_t)n);
			for (int i = 0; i < n; i++) {
				types[i] = st->u.create.columns.v[i]->u.coldef.type;
				names[i] = st->u.create.columns.v[i]->u.coldef.name;
			}
			p = bind_cast_columns(&b, p, types, names, n, st->u.create.query->pos);
		}
		if (p == NULL || stmt_check_names(p->names, p->ncol, st->u.create.query->pos, err) < 0) {
			stmt_finish(s, &b, p);
			return -1;
		}
		struct memtable *mt = materialize(s, p, err);
		if (mt != NULL)
			t = memtable_table(name, p->ncol, p->names, p->types, mt);
		stmt_finish(s, &b, p);
		if (mt == NULL)
			return -1;
		rows = mt->nrows;
	} else {
		int n = st->u.create.columns.n;
		char **names = arena_alloc(a, sizeof(char *) * (size_t)(n ? n : 1));
		wb_type *types = arena_alloc(a, sizeof(wb_type) * (size_t)(n ? n : 1));
		for (int i = 0; i < n; i++) {
			names[i] = st->u.create.columns.v[i]->u.coldef.name;
			types[i] = st->u.create.columns.v[i]->u.coldef.type;
		}
		if (stmt_check_names(names, n, st->pos, err) < 0)
			return -1;
		t = memtable_table(name, n, names, types, memtable_new(n, types));
	}
	if (st->u.create.comment)
		t->comment = xstrdup(st->u.create.comment);
	if (catalog_put(s->catalog, nm->parts, nm->n, t, st->u.create.temp, st->u.create.or_replace,
	    st->u.create.if_not_exists, err) < 0) {
		err_at(err, st->pos);
		return -1;
	}
	if (st->u.create.query)
		session_message(s, "Table %s created (%lld rows)", name, (long long)rows);
	return 0;
}

static int
create_view(struct session *s, struct arena *a, struct ast *st, const char *sql, int len, struct wb_error *err)
{
	struct ast_name *nm = &st->u.create.name;
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, st->u.create.query, err);
	if (p == NULL) {
		binder_release(&b);
		return -1;
	}
	int n = p->ncol;
	char **names = arena_alloc(a, sizeof(char *) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++)
		names[i] = p->names[i];
	if (st->u.create.columns.n > 0) {
		if (st->u.create.columns.n != n) {
			err_set(err, st->pos, "the view lists %d column names but its query returns %d columns",
			    st->u.create.columns.n, n);
			stmt_finish(s, &b, p);
			return -1;
		}
		for (int i = 0; i < n; i++)
			names[i] = st->u.create.columns.v[i]->u.coldef.name;
	}
	int rc = stmt_check_names(names, n, st->pos, err);
	if (rc == 0) {
		int qpos = st->u.create.query->pos;
		int end = len;
		while (end > qpos && (sql[end - 1] == ';' || sql[end - 1] == ' ' || sql[end - 1] == '\n'))
			end--;
		char *text = xstrndup(sql + qpos, (size_t)(end - qpos));
		struct table *t = table_new_view(nm->parts[nm->n - 1], text, n, names, p->types);
		free(text);
		rc = catalog_put(s->catalog, nm->parts, nm->n, t, st->u.create.temp, st->u.create.or_replace,
		    st->u.create.if_not_exists, err);
	}
	stmt_finish(s, &b, p);
	return rc;
}

/* SELECT <items> FROM <table> [WHERE <where>] as an AST. */
static struct ast *
mk_select(struct arena *a, struct ast *table, struct ast_list *items, struct ast *where)
{
	struct ast *q = ast_new(a, AST_QUERY, table->pos);
	struct ast *sel = ast_new(a, AST_SELECT, table->pos);
	sel->u.select.items = *items;
	sel->u.select.from = table;
	sel->u.select.where = where;
	q->u.query.body = sel;
	return q;
}

static struct ast *
mk_item(struct arena *a, struct ast *e, const char *alias)
{
	struct ast *it = ast_new(a, AST_SELECT_ITEM, e->pos);
	it->u.item.expr = e;
	it->u.item.alias = (char *)alias;
	return it;
}

/* ---------------------------------------------------------- SHOW / DESC */

struct rs_builder {
	struct rowset *rs;
	struct chunk c;
	int ncol;
};

static void
rb_init(struct rs_builder *rb, int ncol, char **names, wb_type *types)
{
	rb->rs = rowset_new(ncol, names, types);
	rb->ncol = ncol;
	chunk_init(&rb->c, ncol, types);
}

/* Add a row; args per column: const char * for VARCHAR, int64_t for
 * BIGINT, (char *)NULL / INT64_MIN for NULL. */
static void
rb_row(struct rs_builder *rb, ...)
{
	va_list ap;
	va_start(ap, rb);
	chunk_reset(&rb->c);
	rb->c.n = 1;
	for (int i = 0; i < rb->ncol; i++) {
		struct vec *v = &rb->c.cols[i];
		v->n = 1;
		if (v->type == WB_TYPE_VARCHAR) {
			const char *sv = va_arg(ap, const char *);
			if (sv == NULL)
				vec_set_null(v, 0);
			else
				vec_str(v)[0] = wb_str_c(sv);
		} else if (v->type == WB_TYPE_BOOL) {
			vec_bool(v)[0] = (uint8_t)va_arg(ap, int);
		} else {
			int64_t iv = va_arg(ap, int64_t);
			if (iv == INT64_MIN)
				vec_set_null(v, 0);
			else
				vec_i64(v)[0] = iv;
		}
	}
	va_end(ap);
	rowset_append(rb->rs, &rb->c, 0, 1);
}

static struct rowset *
rb_done(struct rs_builder *rb)
{
	chunk_free(&rb->c);
	return rb->rs;
}

struct show_tables_arg {
	struct rs_builder *rb;
	const char *like;
};

static void
show_table_cb(void *arg, const struct catalog_entry *e)
{
	struct show_tables_arg *sa = arg;
	if (sa->like && !str_like(e->name, sa->like))
		return;
	const char *kind = e->table->view_sql ? (e->temp ? "temp view" : "view") : (e->temp ? "temp table" : "table");
	int64_t rows = INT64_MIN;
	if (e->table->ops && e->table->ops->row_count)
		rows = e->table->ops->row_count(e->table);
	rb_row(sa->rb, e->schema, e->name, kind, (int64_t)e->table->ncol, rows);
}

static void
show_schema_cb(void *arg, const char *catalog, const char *schema)
{
	rb_row(arg, catalog, schema);
}

static int describe(struct session *s, struct arena *a, struct ast *st, struct wb_error *err);

static int
show(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	struct rs_builder rb;
	struct rowset *rs = NULL;
	switch (st->u.show.what) {
	case SHOW_TABLES:
	case SHOW_VIEWS: {
		char *names[] = {"schema", "name", "kind", "columns", "rows"};
		wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_BIGINT};
		rb_init(&rb, 5, names, types);
		const char *schema = NULL;
		if (st->u.show.in.n > 0) {
			schema = st->u.show.in.parts[st->u.show.in.n - 1];
			if (!catalog_schema_exists(s->catalog, schema)) {
				err_set(err, st->pos, "schema \"%s\" does not exist", schema);
				err_hint(err, "SHOW SCHEMAS lists the schemas");
				rowset_free(rb_done(&rb));
				return -1;
			}
		}
		struct show_tables_arg sa = {&rb, st->u.show.like};
		catalog_each_table(s->catalog, schema, show_table_cb, &sa);
		rs = rb_done(&rb);
		break;
	}
	case SHOW_SCHEMAS: {
		char *names[] = {"catalog", "schema"};
		wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
		rb_init(&rb, 2, names, types);
		catalog_each_schema(s->catalog, show_schema_cb, &rb);
		rs = rb_done(&rb);
		break;
	}
	case SHOW_FUNCTIONS: {
		char *names[] = {"name", "kind", "usage", "description"};
		wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
		rb_init(&rb, 4, names, types);
		for (int i = 0; i < fn_count(); i++) {
			const struct scalar_fn *f = fn_at(i);
			if (st->u.show.like && !str_like(f->name, st->u.show.like))
				continue;
			rb_row(&rb, f->name, "scalar", f->usage ? f->usage : f->name, f->doc ? f->doc : "");
		}
		for (int i = 0; i < agg_count(); i++) {
			const struct agg_fn *f = agg_at(i);
			if (st->u.show.like && !str_like(f->name, st->u.show.like))
				continue;
			rb_row(&rb, f->name, "aggregate", f->usage, f->doc);
		}
		for (int i = 0; i < tablefn_count(); i++) {
			const struct table_fn *f = tablefn_at(i);
			if (st->u.show.like && !str_like(f->name, st->u.show.like))
				continue;
			rb_row(&rb, f->name, "table", f->usage, f->doc);
		}
		rs = rb_done(&rb);
		break;
	}
	case SHOW_COLUMNS: {
		struct ast *d = ast_new(a, AST_DESCRIBE, st->pos);
		d->u.describe.name = st->u.show.in;
		return describe(s, a, d, err);
	}
	default:
		err_set(err, st->pos, "SHOW %s is not supported", st->u.show.what_text ? st->u.show.what_text : "?");
		err_hint(err, "SHOW TABLES, SHOW SCHEMAS, SHOW FUNCTIONS, SHOW COLUMNS FROM t");
		return -1;
	}
	int rc = session_emit(s, rs, err);
	rowset_free(rs);
	return rc;
}

static void
extended_row(void *arg, const char *key, const char *value)
{
	rb_row(arg, key, value, NULL);
}

static int
describe(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	char *names[] = {"column_name", "column_type", "null"};
	wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
	struct rs_builder rb;
	if (st->u.describe.what) {
		err_set(err, st->pos, "DESCRIBE %s needs a Delta table", st->u.describe.what);
		return -1;
	}
	if (st->u.describe.query) {
		struct binder b;
		struct pnode *p = stmt_plan_query(s, &b, a, st->u.describe.query, err);
		if (p == NULL) {
			binder_release(&b);
			return -1;
		}
		rb_init(&rb, 3, names, types);
		for (int i = 0; i < p->ncol; i++)
			rb_row(&rb, p->names[i], type_name(p->types[i]), "YES");
		stmt_finish(s, &b, p);
	} else {
		struct table *t = catalog_get(s->catalog, st->u.describe.name.parts, st->u.describe.name.n, err);
		if (t == NULL) {
			err_at(err, st->pos);
			return -1;
		}
		rb_init(&rb, 3, names, types);
		for (int i = 0; i < t->ncol; i++)
			rb_row(&rb, t->names[i], type_name(t->types[i]), "YES");
		if (st->u.describe.extended) {
			char buf[64];
			rb_row(&rb, "", "", NULL);
			rb_row(&rb, "# detailed table information", "", NULL);
			rb_row(&rb, "name", t->name, NULL);
			rb_row(&rb, "kind", t->view_sql ? "view" : t->ops->kind, NULL);
			if (t->view_sql)
				rb_row(&rb, "definition", t->view_sql, NULL);
			if (t->ops) {
				snprintf(buf, sizeof buf, "%lld", (long long)t->ops->row_count(t));
				rb_row(&rb, "rows", buf, NULL);
				snprintf(buf, sizeof buf, "%lld", (long long)t->ops->byte_size(t));
				rb_row(&rb, "bytes", buf, NULL);
			}
			if (t->comment)
				rb_row(&rb, "comment", t->comment, NULL);
			if (lake_table_dir(t))
				stmt_lake_describe_extended(t, extended_row, &rb);
		}
		table_unref(t);
	}
	struct rowset *rs = rb_done(&rb);
	int rc = session_emit(s, rs, err);
	rowset_free(rs);
	return rc;
}

/* ------------------------------------------------------------ SET / COPY */

static int
set_stmt(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	const char *name = st->u.set.name;
	struct binder b;
	binder_setup(s, &b, a, err);
	struct wb_value v;
	int rc = bind_constant(&b, st->u.set.value, &v);
	binder_release(&b);
	if (rc < 0)
		return -1;
	if (strcasecmp(name, "threads") == 0 || strcasecmp(name, "worker_threads") == 0) {
		if (v.is_null || v.type != WB_TYPE_BIGINT || v.u.i < 1) {
			err_set(err, st->u.set.value->pos, "threads must be a positive integer");
			return -1;
		}
		if (v.u.i > pool_size()) {
			err_set(err, st->u.set.value->pos, "threads can be at most %d in this process", pool_size());
			err_hint(err, "start wb with --threads N (or WB_THREADS=N) for more");
			return -1;
		}
		s->threads = (int)v.u.i;
		return 0;
	}
	if (strcasecmp(name, "max_rows") == 0 || strcasecmp(name, "maxrows") == 0) {
		if (v.is_null || v.type != WB_TYPE_BIGINT || v.u.i < 0) {
			err_set(err, st->u.set.value->pos, "max_rows must be a non-negative integer");
			return -1;
		}
		s->render.max_rows = v.u.i;
		session_reset_sink(s);
		return 0;
	}
	if (strcasecmp(name, "default_table_format") == 0) {
		if (v.is_null || v.type != WB_TYPE_VARCHAR ||
		    (strcasecmp(v.u.s.p, "delta") != 0 && strcasecmp(v.u.s.p, "memory") != 0)) {
			err_set(err, st->u.set.value->pos, "default_table_format is 'delta' or 'memory'");
			return -1;
		}
		s->default_delta = strcasecmp(v.u.s.p, "delta") == 0;
		return 0;
	}
	if (strcasecmp(name, "spark.databricks.delta.schema.autoMerge.enabled") == 0) {
		bool on = false, ok = false;
		if (!v.is_null && v.type == WB_TYPE_BOOL) {
			on = v.u.b;
			ok = true;
		} else if (!v.is_null && v.type == WB_TYPE_VARCHAR) {
			on = strcasecmp(v.u.s.p, "true") == 0;
			ok = on || strcasecmp(v.u.s.p, "false") == 0;
		}
		if (!ok) {
			err_set(err, st->u.set.value->pos, "%s is true or false", name);
			return -1;
		}
		s->schema_auto_merge = on;
		return 0;
	}
	int r = stmt_lake_setting(s, name, &v, st->u.set.value->pos, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	err_set(err, st->pos, "unknown setting \"%s\"", name);
	err_hint(err, "settings: threads, max_rows, default_table_format, spark.databricks.delta.schema.autoMerge.enabled, "
	    "spark.databricks.delta.retentionDurationCheck.enabled, spark.databricks.delta.optimize.maxFileSize, "
	    "spark.sql.files.maxRecordsPerFile, spark.sql.sources.partitionOverwriteMode");
	return -1;
}

/* COPY ... TO 'x.parquet': every worker of the query's pipeline feeds its
 * own writer part, which encodes and writes row groups as they fill. */
struct copy_pq {
	struct pq_part **parts;
};

static int
copy_pq_consume(void *arg, int worker, struct chunk *c, struct wb_error *err)
{
	struct copy_pq *cp = arg;
	return pq_part_write(cp->parts[worker], c, err);
}

static bool
copy_is_parquet(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	const char *path = st->u.copy.path;
	size_t pl = strlen(path);
	bool pq = pl > 8 && strcasecmp(path + pl - 8, ".parquet") == 0;
	for (int i = 0; i < st->u.copy.options.n; i++) {
		struct ast *o = st->u.copy.options.v[i];
		if (strcasecmp(o->u.named.name, "format") != 0)
			continue;
		struct wb_value v;
		struct binder b;
		binder_setup(s, &b, a, err);
		int r = bind_constant(&b, o->u.named.value, &v);
		binder_release(&b);
		if (r < 0) {
			err_clear(err);
			continue;
		}
		pq = v.type == WB_TYPE_VARCHAR && strcasecmp(v.u.s.p, "parquet") == 0;
	}
	return pq;
}

/* COPY (query) | table TO 'file.parquet' [(FORMAT parquet, COMPRESSION c,
 * COMPRESSION_LEVEL n, ROW_GROUP_SIZE n, ROW_GROUP_SIZE_BYTES n)] */
static int
copy_to_parquet(struct session *s, struct arena *a, struct ast *st, struct ast *q, struct wb_error *err)
{
	const char *path = st->u.copy.path;
	struct pq_write_options po;
	pq_write_options_init(&po);
	for (int i = 0; i < st->u.copy.options.n; i++) {
		struct ast *o = st->u.copy.options.v[i];
		const char *on = o->u.named.name;
		struct wb_value v;
		struct binder b;
		binder_setup(s, &b, a, err);
		int r = bind_constant(&b, o->u.named.value, &v);
		binder_release(&b);
		if (r < 0)
			return -1;
		if (strcasecmp(on, "format") == 0)
			continue;
		if (strcasecmp(on, "compression") == 0 || strcasecmp(on, "codec") == 0) {
			if (v.type != WB_TYPE_VARCHAR || !pq_codec_from_name(v.u.s.p, &po.codec)) {
				err_set(err, o->pos, "COPY TO parquet: unknown or unavailable compression '%s'",
				    v.type == WB_TYPE_VARCHAR ? v.u.s.p : "?");
				err_hint(err, "compressions: zstd (default), snappy, gzip, lz4, uncompressed");
				return -1;
			}
		} else if (strcasecmp(on, "compression_level") == 0) {
			if (v.type != WB_TYPE_BIGINT || v.u.i < -7 || v.u.i > 22) {
				err_set(err, o->pos, "COPY TO parquet: compression_level must be an integer (zstd: 1 to 22)");
				return -1;
			}
			po.level = (int)v.u.i;
		} else if (strcasecmp(on, "row_group_size") == 0 || strcasecmp(on, "row_group_size_bytes") == 0) {
			if (v.type != WB_TYPE_BIGINT || v.u.i < 1 || v.u.i > ((int64_t)1 << 40)) {
				err_set(err, o->pos, "COPY TO parquet: %s must be a positive integer", on);
				return -1;
			}
			if (strcasecmp(on, "row_group_size") == 0)
				po.row_group_rows = v.u.i < INT32_MAX ? v.u.i : INT32_MAX;
			else
				po.row_group_bytes = v.u.i;
		} else {
			err_set(err, o->pos, "COPY TO parquet: unknown option \"%s\"", on);
			err_hint(err, "options: FORMAT, COMPRESSION, COMPRESSION_LEVEL, ROW_GROUP_SIZE, ROW_GROUP_SIZE_BYTES");
			return -1;
		}
	}
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	if (p == NULL) {
		stmt_finish(s, &b, p);
		return -1;
	}
	/* a temporary file renamed at the end: a failed COPY leaves nothing */
	char *tmp = xasprintf("%s.wb-tmp-%d", path, (int)getpid());
	struct pq_writer *w = pq_writer_open(tmp, p->ncol, p->names, p->types, &po, err);
	int rc = -1;
	struct pq_write_stats ws = {0};
	if (w == NULL) {
		/* name the file the user asked for, not the temporary one */
		char *at = err->msg ? strstr(err->msg, tmp) : NULL;
		if (at) {
			char *msg = xasprintf("%.*s%s%s", (int)(at - err->msg), err->msg, path, at + strlen(tmp));
			free(err->msg);
			err->msg = msg;
		}
		err_at(err, st->pos);
	} else {
		struct exec_ctx ctx;
		stmt_ctx_setup(s, &ctx);
		int nw = pool_size();
		struct copy_pq cp = {xcalloc((size_t)nw, sizeof *cp.parts)};
		for (int i = 0; i < nw; i++)
			cp.parts[i] = pq_writer_part(w);
		rc = exec_prepare(p, &ctx);
		if (rc == 0)
			rc = exec_parallel(p, &ctx, copy_pq_consume, &cp, NULL);
		if (rc < 0) {
			err_move(err, &ctx.err);
			pq_writer_abort(w);
		} else {
			rc = pq_writer_close(w, &ws, err);
		}
		free(cp.parts);
		exec_ctx_fini(&ctx);
	}
	stmt_finish(s, &b, p);
	if (rc == 0 && rename(tmp, path) != 0) {
		err_set(err, st->pos, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	free(tmp);
	if (rc == 0)
		session_message(s, "%lld row%s written to %s", (long long)ws.rows, ws.rows == 1 ? "" : "s", path);
	pq_write_stats_free(&ws);
	return rc;
}

static int
copy_stmt(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	if (!st->u.copy.to) {
		/* COPY t FROM 'file' == INSERT INTO t SELECT * FROM read_csv('file', options) */
		struct ast *tf = ast_new(a, AST_TABLE_FUNC, st->pos);
		tf->u.tfunc.name = "read_csv";
		struct ast *lit = ast_new(a, AST_LITERAL, st->pos);
		lit->u.lit.type = WB_TYPE_VARCHAR;
		lit->u.lit.u.s = wb_str_c(st->u.copy.path);
		ast_list_add(a, &tf->u.tfunc.args, lit);
		for (int i = 0; i < st->u.copy.options.n; i++) {
			struct ast *o = st->u.copy.options.v[i];
			if (strcasecmp(o->u.named.name, "format") == 0)
				continue;
			if (strcasecmp(o->u.named.name, "delimiter") == 0)
				o->u.named.name = "delim";
			ast_list_add(a, &tf->u.tfunc.args, o);
		}
		struct ast *star = ast_new(a, AST_STAR, st->pos);
		struct ast_list items = {0};
		ast_list_add(a, &items, mk_item(a, star, NULL));
		struct ast *ins = ast_new(a, AST_INSERT, st->pos);
		ins->u.insert.table = st->u.copy.table;
		ins->u.insert.query = mk_select(a, tf, &items, NULL);
		return stmt_insert(s, a, ins, NULL, err);
	}
	if (copy_is_parquet(s, a, st, err)) {
		struct ast *q = st->u.copy.query;
		if (q == NULL) {
			struct ast *tab = ast_new(a, AST_TABLE, st->pos);
			tab->u.table.name = st->u.copy.table;
			struct ast *star = ast_new(a, AST_STAR, st->pos);
			struct ast_list items = {0};
			ast_list_add(a, &items, mk_item(a, star, NULL));
			q = mk_select(a, tab, &items, NULL);
		}
		return copy_to_parquet(s, a, st, q, err);
	}
	struct render_options ro;
	render_options_init(&ro);
	ro.mode = RENDER_CSV;
	const char *path = st->u.copy.path;
	size_t pl = strlen(path);
	if (pl > 5 && strcasecmp(path + pl - 5, ".json") == 0)
		ro.mode = RENDER_JSON;
	if (pl > 6 && strcasecmp(path + pl - 6, ".jsonl") == 0)
		ro.mode = RENDER_JSONL;
	if (pl > 4 && strcasecmp(path + pl - 4, ".tsv") == 0)
		ro.mode = RENDER_TSV;
	for (int i = 0; i < st->u.copy.options.n; i++) {
		struct ast *o = st->u.copy.options.v[i];
		const char *on = o->u.named.name;
		struct wb_value v;
		struct binder b;
		binder_setup(s, &b, a, err);
		int r = bind_constant(&b, o->u.named.value, &v);
		binder_release(&b);
		if (r < 0)
			return -1;
		if (strcasecmp(on, "header") == 0) {
			ro.header = v.type == WB_TYPE_BOOL ? v.u.b : true;
		} else if (strcasecmp(on, "format") == 0 && v.type == WB_TYPE_VARCHAR) {
			if (!render_mode_from_name(v.u.s.p, &ro.mode) || ro.mode == RENDER_BOX) {
				err_set(err, o->pos, "COPY TO: unknown format '%s'", v.u.s.p);
				err_hint(err, "formats: csv, tsv, json, jsonl, parquet");
				return -1;
			}
		} else if (strcasecmp(on, "delimiter") == 0 || strcasecmp(on, "delim") == 0 || strcasecmp(on, "sep") == 0) {
			if (v.type != WB_TYPE_VARCHAR || v.u.s.n != 1 || v.u.s.p[0] != '\t') {
				if (!(v.type == WB_TYPE_VARCHAR && v.u.s.n == 1 && v.u.s.p[0] == ',')) {
					err_set(err, o->pos, "COPY TO supports the delimiters ',' (csv) and tab (tsv)");
					return -1;
				}
			} else {
				ro.mode = RENDER_TSV;
			}
		} else {
			err_set(err, o->pos, "COPY TO: unknown option \"%s\"", on);
			err_hint(err, "options: FORMAT, HEADER, DELIMITER");
			return -1;
		}
	}
	struct ast *q = st->u.copy.query;
	if (q == NULL) {
		struct ast *tab = ast_new(a, AST_TABLE, st->pos);
		tab->u.table.name = st->u.copy.table;
		struct ast *star = ast_new(a, AST_STAR, st->pos);
		struct ast_list items = {0};
		ast_list_add(a, &items, mk_item(a, star, NULL));
		q = mk_select(a, tab, &items, NULL);
	}
	/* write a temporary file next to the target, then rename: a failed
	 * COPY never leaves a half-written file behind */
	char *tmp = xasprintf("%s.wb-tmp-%d", path, (int)getpid());
	FILE *f = fopen(tmp, "w");
	if (f == NULL) {
		err_set(err, st->pos, "cannot write '%s': %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	struct wb_sink *sink = render_sink_new(&ro, f);
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	int rc = -1;
	int64_t rows = 0;
	if (p) {
		struct exec_ctx ctx;
		stmt_ctx_setup(s, &ctx);
		rc = exec_run(p, &ctx, sink);
		if (rc < 0)
			err_move(err, &ctx.err);
		rows = render_sink_rows(sink);
		exec_ctx_fini(&ctx);
	}
	stmt_finish(s, &b, p);
	render_sink_free(sink);
	if (fclose(f) != 0 && rc == 0) {
		err_set(err, st->pos, "cannot write '%s': %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		err_set(err, st->pos, "cannot write '%s': %s", path, strerror(errno));
		rc = -1;
	}
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	if (rc == 0)
		session_message(s, "%lld row%s written to %s", (long long)rows, rows == 1 ? "" : "s", path);
	return rc;
}

/* ------------------------------------------------------------ dispatch */

int
stmt_run(struct session *s, const char *sql, int len, struct wb_error *err)
{
	struct arena *a = arena_new(64 * 1024);
	long long t0 = exec_now_ns();
	int rc = -1;
	free(s->expect_note);      /* a note is about this statement's writes */
	s->expect_note = NULL;
	struct ast *st = parse_statement(sql, len, a, err);
	if (st == NULL)
		goto done;
	switch (st->kind) {
	case AST_QUERY:
		rc = run_query(s, a, st, err);
		break;
	case AST_EXPLAIN:
		rc = run_explain(s, a, st, err);
		break;
	case AST_CREATE_TABLE:
		rc = create_table(s, a, st, err);
		break;
	case AST_CREATE_VIEW:
		rc = create_view(s, a, st, sql, len, err);
		break;
	case AST_CREATE_SCHEMA:
		rc = catalog_create_schema(s->catalog, st->u.create.name.parts, st->u.create.name.n, st->u.create.if_not_exists, err);
		if (rc < 0)
			err_at(err, st->pos);
		break;
	case AST_DROP:
		if (st->u.drop.what == OBJ_SCHEMA)
			rc = catalog_drop_schema(s->catalog, st->u.drop.name.parts, st->u.drop.name.n, st->u.drop.if_exists,
			    st->u.drop.cascade, err);
		else if (st->u.drop.what == OBJ_OTHER) {
			err_set(err, st->pos, "DROP %s is not supported", st->u.drop.what_text);
			err_hint(err, "DROP TABLE, DROP VIEW, DROP SCHEMA");
		} else
			rc = catalog_drop(s->catalog, st->u.drop.name.parts, st->u.drop.name.n, st->u.drop.what == OBJ_VIEW,
			    st->u.drop.if_exists, err);
		if (rc < 0)
			err_at(err, st->pos);
		break;
	case AST_INSERT:
		rc = stmt_insert(s, a, st, NULL, err);
		break;
	case AST_UPDATE:
		rc = stmt_update(s, a, st, err);
		break;
	case AST_DELETE:
		rc = stmt_delete(s, a, st, err);
		break;
	case AST_TRUNCATE:
		rc = stmt_truncate(s, a, st, err);
		break;
	case AST_MERGE:
		rc = stmt_merge(s, a, st, err);
		break;
	case AST_ALTER_TABLE:
		rc = stmt_alter(s, a, st, err);
		break;
	case AST_SHOW:
		rc = show(s, a, st, err);
		break;
	case AST_DESCRIBE:
		rc = describe(s, a, st, err);
		break;
	case AST_SET:
		rc = set_stmt(s, a, st, err);
		break;
	case AST_USE:
		rc = catalog_use(s->catalog, st->u.use.name.parts, st->u.use.name.n, err);
		if (rc < 0)
			err_at(err, st->pos);
		break;
	case AST_CACHE:
		rc = stmt_cache(s, st, err);
		break;
	case AST_COPY:
		rc = st->u.copy.into ? stmt_copy_into(s, a, st, err) : copy_stmt(s, a, st, err);
		break;
	case AST_EXT: {
		stmt_ext_fn fn = (stmt_ext_fn)st->u.ext.ext->exec;
		rc = fn(s, a, st->u.ext.data, err);
		break;
	}
	default:
		err_set(err, st->pos, "%s statements are not supported", ast_kind_name(st->kind));
	}
done:
	expect_note_flush(s);
	if (s->timer) {
		double ms = (double)(exec_now_ns() - t0) / 1e6;
		fprintf(s->errout, "Run Time: %.3f s\n", ms / 1000);
	}
	arena_free(a);
	return rc;
}
