/*
 * Stateful window aggregation in a streaming table, with a watermark.
 *
 *   SELECT window(event_time, '10 minutes') AS w, event_type,
 *          count(*) AS n, sum(price) AS revenue
 *   FROM STREAM read_csv('landing/')
 *        WATERMARK event_time DELAY OF INTERVAL 10 MINUTES
 *   GROUP BY ALL
 *
 * Output mode: append, as Spark writes a windowed aggregation to a Delta
 * table. A window's row is written once, when the watermark passes the
 * window's end, with its final values; until then the window is open and
 * its partial aggregates live in the checkpoint's state.
 *
 * Semantics, per batch N:
 *   - the watermark W(N-1) is the greatest event time seen in batches
 *     0..N-1 minus the delay (none before any event time was seen);
 *   - a row whose event time is before W(N-1), or NULL, is late: dropped,
 *     and counted (lateRows of the batch);
 *   - the other rows are grouped by their window and keys into partial
 *     aggregates, merged with the open windows of state N-1;
 *   - W(N) is computed with this batch's event times; the windows whose
 *     end is <= W(N) are written to the table in the batch's commit, the
 *     others stay in state N.
 * So a late row within the delay still updates its window. Windows are
 * tumbling: window(ts, duration) puts ts in [start, start + duration),
 * start a multiple of the duration since the epoch; wb has no struct type,
 * so a window is written as two TIMESTAMP columns, <alias>_start and
 * <alias>_end (window_start, window_end without an alias).
 *
 * Decomposable aggregates only: count, sum, min, max and avg (kept as sum
 * and count), with FILTER (WHERE ...) allowed; anything else - DISTINCT,
 * other functions, window functions - is refused naming it.
 *
 * The state of batch N is state/N.parquet (the windows open before the
 * batch, plus its rows) and state/N.json (watermark, counts, the layout's
 * signature); both are written before the batch's Delta commit, so a batch
 * run again after a crash starts from the same state N-1.
 */
#include "cli/stream.h"
#include "sql/lexer.h"
#include "cli/stmt_int.h"
#include "store/parquet/pq.h"
#include "core/hash.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum agg_kind { A_COUNT, A_SUM, A_MIN, A_MAX, A_AVG };

struct agg_key {
	struct ast *expr;
	char *text;                 /* ast_expr_text: how items and GROUP BY match it */
};

struct agg_call {
	struct ast *call;
	enum agg_kind kind;
};

struct agg_out {
	struct ast *expr;           /* the item's expression */
	char *name;
	int key;                    /* the key it is, or -1: an aggregate expression */
};

struct stream_agg {
	struct agg_key *keys;
	int nkeys;
	int window;                 /* the window key */
	int64_t window_us;
	struct agg_call *calls;
	int ncalls;
	struct agg_out *outs;
	int nouts;
	int64_t signature;
	struct ast *select;
};

static const char *const kind_names[] = {"count", "sum", "min", "max", "avg"};

/* ------------------------------------------------------------ walking expressions */

typedef int (*slot_fn)(void *arg, struct ast **slot, struct wb_error *err);

/* Call fn on each child slot of expression e; subqueries are refused. */
static int
each_child(struct ast *e, slot_fn fn, void *arg, struct wb_error *err)
{
	struct ast **one[3] = {0};
	struct ast_list *lists[2] = {0};
	switch (e->kind) {
	case AST_UNARY: one[0] = &e->u.unary.arg; break;
	case AST_BINARY: one[0] = &e->u.binary.left; one[1] = &e->u.binary.right; break;
	case AST_FUNC: lists[0] = &e->u.func.args; one[0] = &e->u.func.filter; break;
	case AST_CASE: one[0] = &e->u.kase.operand; lists[0] = &e->u.kase.whens; one[1] = &e->u.kase.els; break;
	case AST_WHEN: one[0] = &e->u.when.cond; one[1] = &e->u.when.then; break;
	case AST_CAST: one[0] = &e->u.cast.arg; break;
	case AST_IN:
		if (e->u.in.subquery)
			goto subquery;
		one[0] = &e->u.in.arg;
		lists[0] = &e->u.in.list;
		break;
	case AST_BETWEEN: one[0] = &e->u.between.arg; one[1] = &e->u.between.lo; one[2] = &e->u.between.hi; break;
	case AST_LIKE: one[0] = &e->u.like.arg; one[1] = &e->u.like.pattern; one[2] = &e->u.like.escape; break;
	case AST_IS: one[0] = &e->u.is.arg; one[1] = &e->u.is.other; break;
	case AST_LIST: lists[0] = &e->u.list.items; break;
	case AST_NAMED_ARG: one[0] = &e->u.named.value; break;
	case AST_EXISTS:
	case AST_SUBQUERY:
	subquery:
		err_set(err, e->pos, "a streaming aggregation cannot use a subquery in its select list");
		err_hint(err, "join the other table in FROM instead");
		return -1;
	default:
		return 0;
	}
	for (int i = 0; i < 3; i++)
		if (one[i] && *one[i] && fn(arg, one[i], err) < 0)
			return -1;
	for (int l = 0; l < 2; l++)
		for (int i = 0; lists[l] && i < lists[l]->n; i++)
			if (fn(arg, &lists[l]->v[i], err) < 0)
				return -1;
	return 0;
}

static char *
expr_text(struct arena *a, const struct ast *e)
{
	struct strbuf sb = STRBUF_INIT;
	ast_expr_text(e, &sb);
	char *s = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return s;
}

/* The column name a query gives an unaliased item (as the binder does). */
static char *
item_name(struct arena *a, const struct ast *e)
{
	struct strbuf sb = STRBUF_INIT;
	if (e->kind == AST_COLREF) {
		sb_puts(&sb, e->u.name.parts[e->u.name.n - 1]);
	} else if (e->kind == AST_FUNC && e->u.func.star) {
		sb_printf(&sb, "%s(*)", e->u.func.name);
	} else {
		ast_expr_sql(e, &sb);
		if (sb.len > 2 && sb.s[0] == '(' && sb.s[sb.len - 1] == ')' && e->kind == AST_BINARY) {
			memmove(sb.s, sb.s + 1, sb.len - 2);
			sb.len -= 2;
			sb.s[sb.len] = '\0';
		}
	}
	char *s = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return s;
}

static bool
is_window(const struct ast *e)
{
	return e->kind == AST_FUNC && strcasecmp(e->u.func.name, STREAM_WINDOW_FN) == 0;
}

static bool
is_aggregate(const struct ast *e)
{
	return e->kind == AST_FUNC && e->u.func.over == NULL && agg_lookup(e->u.func.name) != NULL;
}

/* ------------------------------------------------------------ analysis */

struct walk {
	struct stream_agg *g;
	struct arena *a;
	bool found;                 /* an aggregate call or a window */
};

static int
find_calls(void *arg, struct ast **slot, struct wb_error *err)
{
	struct walk *w = arg;
	struct ast *e = *slot;
	if (e->kind == AST_FUNC && e->u.func.over) {
		err_set(err, e->pos, "a streaming table cannot use window functions (%s(...) OVER)", e->u.func.name);
		err_hint(err, "compute them when reading the table");
		return -1;
	}
	if (!is_aggregate(e))
		return each_child(e, find_calls, w, err);
	const char *n = e->u.func.name;
	enum agg_kind k;
	if (strcasecmp(n, "count") == 0)
		k = A_COUNT;
	else if (strcasecmp(n, "sum") == 0)
		k = A_SUM;
	else if (strcasecmp(n, "min") == 0)
		k = A_MIN;
	else if (strcasecmp(n, "max") == 0)
		k = A_MAX;
	else if (strcasecmp(n, "avg") == 0 || strcasecmp(n, "mean") == 0)
		k = A_AVG;
	else {
		err_set(err, e->pos, "%s() cannot be kept as a running state: a streaming aggregation supports count, sum, "
		    "min, max and avg", n);
		err_hint(err, "compute %s() when reading the table, or aggregate the table with a query", n);
		return -1;
	}
	if (e->u.func.distinct || e->u.func.order.n > 0 || (k != A_COUNT && e->u.func.args.n != 1) ||
	    (k == A_COUNT && !e->u.func.star && e->u.func.args.n != 1)) {
		err_set(err, e->pos, "%s(%s...) cannot be kept as a running state", n, e->u.func.distinct ? "DISTINCT " : "");
		err_hint(err, "a streaming aggregation supports count(*), count(x), sum(x), min(x), max(x) and avg(x)");
		return -1;
	}
	struct stream_agg *g = w->g;
	struct agg_call *c = arena_alloc(w->a, sizeof *c * (size_t)(g->ncalls + 1));
	if (g->ncalls)
		memcpy(c, g->calls, sizeof *c * (size_t)g->ncalls);
	c[g->ncalls++] = (struct agg_call){e, k};
	g->calls = c;
	w->found = true;
	return 0;
}

static int
key_of(const struct stream_agg *g, const char *text)
{
	for (int j = 0; j < g->nkeys; j++)
		if (strcmp(g->keys[j].text, text) == 0)
			return j;
	return -1;
}

static void
add_key(struct stream_agg *g, struct arena *a, struct ast *e)
{
	char *text = expr_text(a, e);
	if (key_of(g, text) >= 0)
		return;
	struct agg_key *k = arena_alloc(a, sizeof *k * (size_t)(g->nkeys + 1));
	if (g->nkeys)
		memcpy(k, g->keys, sizeof *k * (size_t)g->nkeys);
	k[g->nkeys++] = (struct agg_key){e, text};
	g->keys = k;
}

static int
probe_slot(void *arg, struct ast **slot, struct wb_error *err)
{
	bool *found = arg;
	if (is_aggregate(*slot)) {
		*found = true;
		return 0;
	}
	return each_child(*slot, probe_slot, arg, err);
}

static int
over_slot(void *arg, struct ast **slot, struct wb_error *err)
{
	int *at = arg;
	if ((*slot)->kind == AST_FUNC && (*slot)->u.func.over) {
		*at = (*slot)->pos;
		return -1;
	}
	return each_child(*slot, over_slot, arg, err);
}

/* Where e calls a window function (OVER), or -1. */
static int
over_at(struct ast *e)
{
	int at = -1;
	struct wb_error e2 = WB_ERROR_INIT;
	over_slot(&at, &e, &e2);
	err_clear(&e2);
	return at;
}

/* Does e hold an aggregate call (outside window functions' OVER)? */
static bool
has_aggregate(struct ast *e)
{
	bool found = false;
	struct wb_error e2 = WB_ERROR_INIT;
	probe_slot(&found, &e, &e2);
	err_clear(&e2);
	return found;
}

static int
refuse(struct wb_error *err, int pos, const char *what)
{
	err_set(err, pos, "a streaming table cannot use %s", what);
	err_hint(err, "apply it when you read the table");
	return -1;
}

/* The window key: window(<watermark column>, 'duration'). */
static int
check_window(const struct stream_def *d, struct stream_agg *g, struct arena *a, int j, struct wb_error *err)
{
	struct ast *e = g->keys[j].expr;
	if (g->window >= 0) {
		err_set(err, e->pos, "a streaming aggregation groups by one window");
		return -1;
	}
	g->window = j;
	if (e->u.func.args.n == 3) {
		err_set(err, e->pos, "sliding windows (window's third argument) are not supported: windows are tumbling");
		err_hint(err, "window(%s, '10 minutes')", d->wm_column);
		return -1;
	}
	struct ast *ts = e->u.func.args.n == 2 ? e->u.func.args.v[0] : NULL;
	if (ts == NULL || ts->kind != AST_COLREF || strcasecmp(ts->u.name.parts[ts->u.name.n - 1], d->wm_column) != 0) {
		err_set(err, ts ? ts->pos : e->pos, "window() takes the watermark column \"%s\" and a duration",
		    d->wm_column);
		err_hint(err, "GROUP BY window(%s, '10 minutes'), ...: the watermark closes the windows of its column",
		    d->wm_column);
		return -1;
	}
	g->window_us = stream_interval_us(e->u.func.args.v[1], "window()'s duration", a, err);
	return g->window_us < 0 ? -1 : 0;
}

int
stream_agg_analyze(const struct stream_def *d, struct ast *q, struct arena *a, struct stream_agg **out,
    struct wb_error *err)
{
	*out = NULL;
	struct ast *sel = q->kind == AST_QUERY ? q->u.query.body : q;
	if (sel->kind != AST_SELECT) {
		err_set(err, sel->pos, "a streaming table's query is one SELECT over its stream (no UNION, INTERSECT, "
		    "EXCEPT or VALUES)");
		err_hint(err, "make one streaming table per source, and combine them when reading");
		return -1;
	}
	bool agg = sel->u.select.group.n > 0 || sel->u.select.group_kind != GROUP_PLAIN || sel->u.select.having;
	for (int i = 0; i < sel->u.select.items.n && !agg; i++)
		agg = sel->u.select.items.v[i]->u.item.expr->kind != AST_STAR &&
		    has_aggregate(sel->u.select.items.v[i]->u.item.expr);
	if (!agg) {
		/* rows as they come: what would only hold within one batch is refused */
		if (sel->u.select.distinct)
			return refuse(err, sel->pos, "SELECT DISTINCT (it would remove duplicates only within each batch)");
		if (q->kind == AST_QUERY && (q->u.query.order.n > 0 || q->u.query.order_all))
			return refuse(err, q->pos, "ORDER BY");
		if (q->kind == AST_QUERY && (q->u.query.limit || q->u.query.offset))
			return refuse(err, q->u.query.limit_pos, "LIMIT");
		if (sel->u.select.qualify)
			return refuse(err, sel->u.select.qualify->pos, "QUALIFY");
		for (int i = 0; i < sel->u.select.items.n; i++) {
			struct ast *e = sel->u.select.items.v[i]->u.item.expr;
			int at = e->kind == AST_STAR ? -1 : over_at(e);
			if (at >= 0) {
				err_set(err, at, "a streaming table cannot use window functions (OVER): a batch sees only its "
				    "own rows");
				err_hint(err, "compute them when reading the table");
				return -1;
			}
		}
		return 0;
	}
	if (d->wm_column == NULL) {
		err_set(err, d->src_pos, "a streaming aggregation needs a watermark, to know when a window is complete");
		err_hint(err, "FROM STREAM read_csv(...) WATERMARK event_time DELAY OF INTERVAL 10 MINUTES ... GROUP BY "
		    "window(event_time, '10 minutes'), ...");
		return -1;
	}
	if (sel->u.select.distinct)
		return refuse(err, sel->pos, "SELECT DISTINCT");
	if (sel->u.select.having)
		return refuse(err, sel->u.select.having->pos, "HAVING");
	if (sel->u.select.qualify)
		return refuse(err, sel->u.select.qualify->pos, "QUALIFY");
	if (q->kind == AST_QUERY && (q->u.query.order.n > 0 || q->u.query.order_all))
		return refuse(err, q->pos, "ORDER BY");
	if (q->kind == AST_QUERY && (q->u.query.limit || q->u.query.offset))
		return refuse(err, q->u.query.limit_pos, "LIMIT");
	if (sel->u.select.group_kind != GROUP_PLAIN && sel->u.select.group_kind != GROUP_ALL)
		return refuse(err, sel->pos, "ROLLUP, CUBE or GROUPING SETS");
	struct stream_agg *g = arena_zalloc(a, sizeof *g);
	g->window = -1;
	g->select = sel;
	const struct ast_list *items = &sel->u.select.items;
	/* the keys */
	if (sel->u.select.group_kind == GROUP_ALL) {
		for (int i = 0; i < items->n; i++) {
			struct ast *e = items->v[i]->u.item.expr;
			if (e->kind != AST_STAR && !has_aggregate(e))
				add_key(g, a, e);
		}
	} else {
		for (int i = 0; i < sel->u.select.group.n; i++) {
			struct ast *e = sel->u.select.group.v[i];
			if (e->kind == AST_LITERAL && e->u.lit.type == WB_TYPE_BIGINT && !e->u.lit.is_null) {
				if (e->u.lit.u.i < 1 || e->u.lit.u.i > items->n) {
					err_set(err, e->pos, "GROUP BY %lld: the select list has %d items", (long long)e->u.lit.u.i,
					    items->n);
					return -1;
				}
				e = items->v[e->u.lit.u.i - 1]->u.item.expr;
			} else if (e->kind == AST_COLREF && e->u.name.n == 1) {
				for (int k = 0; k < items->n; k++)
					if (items->v[k]->u.item.alias && strcasecmp(items->v[k]->u.item.alias, e->u.name.parts[0]) == 0)
						e = items->v[k]->u.item.expr;
			}
			add_key(g, a, e);
		}
	}
	for (int j = 0; j < g->nkeys; j++) {
		if (is_window(g->keys[j].expr) && check_window(d, g, a, j, err) < 0)
			return -1;
	}
	if (g->window < 0) {
		err_set(err, sel->pos, "a streaming aggregation groups by window(%s, duration), which the watermark closes",
		    d->wm_column);
		err_hint(err, "SELECT window(%s, '10 minutes') AS w, ..., count(*) ... GROUP BY ALL", d->wm_column);
		return -1;
	}
	/* the items: keys, or expressions of aggregates */
	g->outs = arena_zalloc(a, sizeof *g->outs * (size_t)(items->n ? items->n : 1));
	for (int i = 0; i < items->n; i++) {
		const struct ast *it = items->v[i];
		struct ast *e = it->u.item.expr;
		if (e->kind == AST_STAR) {
			err_set(err, e->pos, "a streaming aggregation lists its columns (no *)");
			return -1;
		}
		struct agg_out *o = &g->outs[g->nouts++];
		o->expr = e;
		o->key = key_of(g, expr_text(a, e));
		if (o->key == g->window)
			o->name = it->u.item.alias ? it->u.item.alias : "window";
		else
			o->name = it->u.item.alias ? it->u.item.alias : item_name(a, e);
		if (o->key >= 0)
			continue;
		struct walk w = {g, a, false};
		if (find_calls(&w, &o->expr, err) < 0)
			return -1;
		if (!w.found) {
			err_set(err, e->pos, "\"%s\" must be in GROUP BY or inside an aggregate", expr_text(a, e));
			err_hint(err, "add it to GROUP BY, or use GROUP BY ALL");
			return -1;
		}
	}
	/* the state's layout: the window, the keys and the partial aggregates */
	struct strbuf sig = STRBUF_INIT;
	sb_printf(&sig, "window %lld", (long long)g->window_us);
	for (int j = 0; j < g->nkeys; j++)
		sb_printf(&sig, "|key %s", g->keys[j].text);
	for (int i = 0; i < g->ncalls; i++)
		sb_printf(&sig, "|%s %s", kind_names[g->calls[i].kind], expr_text(a, g->calls[i].call));
	g->signature = (int64_t)(hash_bytes(sig.s, sig.len) >> 1) | 1;
	sb_free(&sig);
	*out = g;
	return 0;
}

int64_t
stream_agg_signature(const struct stream_agg *g)
{
	return g->signature;
}

/* ------------------------------------------------------------ running a batch */

struct pq_feed {
	struct pq_part **parts;
};

static int
pq_consume(void *arg, int worker, struct chunk *c, struct wb_error *err)
{
	struct pq_feed *f = arg;
	return pq_part_write(f->parts[worker], c, err);
}

/* Run query q into a new Parquet file at path (a temporary file, fsynced
 * and renamed: path is whole or absent). */
static int
write_parquet(struct session *s, struct arena *a, struct ast *q, const char *path, struct wb_error *err)
{
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	int rc = -1;
	char *tmp = NULL;
	if (p == NULL)
		goto out;
	const char *slash = strrchr(path, '/');
	tmp = xasprintf("%.*s/.%s.tmp-%d", (int)(slash - path), path, slash + 1, (int)getpid());
	struct pq_write_options po;
	pq_write_options_init(&po);
	struct pq_writer *w = pq_writer_open(tmp, p->ncol, p->names, p->types, &po, err);
	if (w == NULL)
		goto out;
	struct exec_ctx ctx;
	stmt_ctx_setup(s, &ctx);
	int nw = pool_size();
	struct pq_feed f = {xcalloc((size_t)nw, sizeof *f.parts)};
	for (int i = 0; i < nw; i++)
		f.parts[i] = pq_writer_part(w);
	rc = exec_prepare(p, &ctx);
	if (rc == 0)
		rc = exec_parallel(p, &ctx, pq_consume, &f, NULL);
	if (rc < 0) {
		err_move(err, &ctx.err);
		pq_writer_abort(w);
	} else {
		rc = pq_writer_close(w, NULL, err);
	}
	free(f.parts);
	exec_ctx_fini(&ctx);
	if (rc == 0) {
		int fd = open(tmp, O_RDONLY);
		if (fd < 0 || fsync(fd) != 0 || rename(tmp, path) != 0) {
			err_set(err, -1, "cannot write the stream state '%s': %s", path, strerror(errno));
			unlink(tmp);
			rc = -1;
		}
		if (fd >= 0)
			close(fd);
		if (rc == 0)
			stream_sync_dir(path);
	}
out:
	stmt_finish(s, &b, p);
	free(tmp);
	return rc;
}

/* Run a generated query and read its first row's BIGINT values (NULL:
 * INT64_MIN) into v[0..n). */
static int
query_ints(struct session *s, const char *sql, int64_t *v, int n, struct wb_error *err)
{
	struct arena a;
	arena_init(&a, 0);
	struct binder b;
	struct pnode *p = NULL;
	struct rowset *rs = NULL;
	int rc = -1;
	struct ast *q = parse_statement(sql, (int)strlen(sql), &a, err);
	if (q && (p = stmt_plan_query(s, &b, &a, q, err)) != NULL && stmt_collect(s, p, &rs, err) == 0) {
		for (int i = 0; i < n; i++) {
			struct wb_value x;
			rowset_get(rs, 0, i, &x);
			v[i] = x.is_null ? INT64_MIN : x.u.i;
		}
		rc = 0;
	}
	if (q)
		stmt_finish(s, &b, p);
	rowset_free(rs);
	arena_release(&a);
	return rc;
}

static struct ast *
expr(struct arena *a, const char *text, struct wb_error *err)
{
	return parse_expression(text, (int)strlen(text), a, err);
}

/* The event time of a row, as a TIMESTAMP. */
static void
event_time(const struct stream_def *d, struct strbuf *sb)
{
	sb_puts(sb, "CAST(`");
	for (const char *c = d->wm_column; *c; c++)
		sb_printf(sb, *c == '`' ? "``" : "%c", *c);
	sb_puts(sb, "` AS TIMESTAMP)");
}

/* The partial aggregation of the batch's rows: __late, __ws, __k<j>,
 * __p<i> (and __q<i> for avg), __n, __maxts. */
static struct ast *
partial_query(const struct stream_def *d, const struct stream_agg *g, struct arena *a, struct ast *q, int64_t wm,
    struct wb_error *err)
{
	struct strbuf et = STRBUF_INIT, sb = STRBUF_INIT;
	event_time(d, &et);
	const char *e = sb_str(&et);
	struct ast_list items = {0};
	if (wm == STREAM_NO_TIME)
		sb_printf(&sb, "%s IS NULL", e);
	else
		sb_printf(&sb, "%s IS NULL OR %s < timestamp_micros(%lld)", e, e, (long long)wm);
	ast_list_add(a, &items, ast_mk_item(a, expr(a, sb_str(&sb), err), "__late"));
	sb_clear(&sb);
	sb_printf(&sb, "timestamp_micros(unix_micros(%s) - pmod(unix_micros(%s), %lld))", e, e, (long long)g->window_us);
	ast_list_add(a, &items, ast_mk_item(a, expr(a, sb_str(&sb), err), "__ws"));
	for (int j = 0; j < g->nkeys; j++)
		if (j != g->window)
			ast_list_add(a, &items, ast_mk_item(a, g->keys[j].expr, arena_printf(a, "__k%d", j)));
	for (int i = 0; i < g->ncalls; i++) {
		struct ast *c = g->calls[i].call;
		if (g->calls[i].kind != A_AVG) {
			ast_list_add(a, &items, ast_mk_item(a, c, arena_printf(a, "__p%d", i)));
			continue;
		}
		struct ast *sum = ast_new(a, AST_FUNC, c->pos), *cnt = ast_new(a, AST_FUNC, c->pos);
		sum->u.func = c->u.func;
		sum->u.func.name = "sum";
		cnt->u.func = c->u.func;
		cnt->u.func.name = "count";
		ast_list_add(a, &items, ast_mk_item(a, sum, arena_printf(a, "__p%d", i)));
		ast_list_add(a, &items, ast_mk_item(a, cnt, arena_printf(a, "__q%d", i)));
	}
	ast_list_add(a, &items, ast_mk_item(a, expr(a, "count(*)", err), "__n"));
	sb_clear(&sb);
	sb_printf(&sb, "max(%s)", e);
	ast_list_add(a, &items, ast_mk_item(a, expr(a, sb_str(&sb), err), "__maxts"));
	sb_free(&sb);
	sb_free(&et);
	if (err_isset(err))
		return NULL;
	struct ast *pq = ast_mk_select(a, g->select->u.select.from, &items, g->select->u.select.where);
	pq->u.query.body->u.select.group_kind = GROUP_ALL;
	if (q->kind == AST_QUERY) {
		pq->u.query.with = q->u.query.with;
		pq->u.query.recursive = q->u.query.recursive;
	}
	return pq;
}

/* The state's columns: __ws, __k<j>..., __p<i>, __q<i>... (merge: the
 * aggregates that merge them; else plain names). */
static void
state_columns(const struct stream_agg *g, bool merge, struct strbuf *sb)
{
	sb_puts(sb, "__ws");
	for (int j = 0; j < g->nkeys; j++)
		if (j != g->window)
			sb_printf(sb, ", __k%d", j);
	for (int i = 0; i < g->ncalls; i++) {
		enum agg_kind k = g->calls[i].kind;
		const char *m = k == A_MIN ? "min" : k == A_MAX ? "max" : "sum";
		if (merge)
			sb_printf(sb, ", %s(__p%d) AS __p%d", m, i, i);
		else
			sb_printf(sb, ", __p%d", i);
		if (k == A_AVG)
			sb_printf(sb, merge ? ", sum(__q%d) AS __q%d" : ", __q%d", i, i);
	}
}

static bool
file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The final value of aggregate call i over the state's columns. */
static struct ast *
final_value(const struct stream_agg *g, struct arena *a, int i, struct wb_error *err)
{
	char *t = g->calls[i].kind == A_AVG ?
	    arena_printf(a, "CAST(__p%d AS DOUBLE) / CASE WHEN __q%d > 0 THEN __q%d END", i, i, i) :
	    arena_printf(a, "__p%d", i);
	return expr(a, t, err);
}

struct rewrite {
	const struct stream_agg *g;
	struct arena *a;
};

/* Replace, in an item's expression, the keys by their state columns and
 * the aggregate calls by their final values. */
static int
rewrite_slot(void *arg, struct ast **slot, struct wb_error *err)
{
	struct rewrite *r = arg;
	const struct stream_agg *g = r->g;
	struct ast *e = *slot;
	int j = key_of(g, expr_text(r->a, e));
	if (j >= 0) {
		if (j == g->window) {
			err_set(err, e->pos, "window() stands alone in the select list (it makes two columns)");
			return -1;
		}
		*slot = ast_mk_col(r->a, NULL, arena_printf(r->a, "__k%d", j), e->pos);
		return 0;
	}
	for (int i = 0; i < g->ncalls; i++) {
		if (g->calls[i].call == e) {
			*slot = final_value(g, r->a, i, err);
			return *slot ? 0 : -1;
		}
	}
	if (e->kind == AST_COLREF) {
		err_set(err, e->pos, "column \"%s\" must be in GROUP BY or inside an aggregate", e->u.name.parts[e->u.name.n - 1]);
		return -1;
	}
	return each_child(e, rewrite_slot, r, err);
}

/* SELECT <the query's columns> FROM read_parquet(state) WHERE the window closed */
static struct ast *
emit_query(const struct stream_agg *g, struct arena *a, const char *state, int64_t wm, struct wb_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, "SELECT 1 FROM read_parquet(");
	lex_put_string(&sb, state);
	if (wm == STREAM_NO_TIME)
		sb_puts(&sb, ") WHERE false");
	else
		sb_printf(&sb, ") WHERE unix_micros(__ws) + %lld <= %lld", (long long)g->window_us, (long long)wm);
	char *text = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	struct ast *q = parse_statement(text, (int)strlen(text), a, err);
	if (q == NULL)
		return NULL;
	struct ast_list items = {0};
	struct rewrite r = {g, a};
	for (int i = 0; i < g->nouts; i++) {
		const struct agg_out *o = &g->outs[i];
		if (o->key == g->window) {
			ast_list_add(a, &items, ast_mk_item(a, ast_mk_col(a, NULL, "__ws", o->expr->pos),
			    arena_printf(a, "%s_start", o->name)));
			struct ast *end = expr(a, arena_printf(a, "timestamp_micros(unix_micros(__ws) + %lld)",
			    (long long)g->window_us), err);
			if (end == NULL)
				return NULL;
			ast_list_add(a, &items, ast_mk_item(a, end, arena_printf(a, "%s_end", o->name)));
		} else if (o->key >= 0) {
			ast_list_add(a, &items, ast_mk_item(a, ast_mk_col(a, NULL, arena_printf(a, "__k%d", o->key),
			    o->expr->pos), o->name));
		} else {
			struct ast *e = o->expr;
			if (rewrite_slot(&r, &e, err) < 0)
				return NULL;
			ast_list_add(a, &items, ast_mk_item(a, e, o->name));
		}
	}
	q->u.query.body->u.select.items = items;
	return q;
}

static int64_t
max_time(int64_t x, int64_t y)
{
	if (x == STREAM_NO_TIME || x == INT64_MIN)
		return y == INT64_MIN ? STREAM_NO_TIME : y;
	if (y == STREAM_NO_TIME || y == INT64_MIN)
		return x;
	return x > y ? x : y;
}

int
stream_agg_batch(struct stream *st, struct arena *a, struct ast *q, bool rows, const struct stream_commit *prev,
    int64_t batch, struct stream_commit *c, struct ast **emit, struct wb_error *err)
{
	struct session *s = st->s;
	const struct stream_def *d = &st->def;
	*emit = NULL;
	struct stream_agg *g;
	if (stream_agg_analyze(d, q, a, &g, err) < 0)
		return -1;
	if (g == NULL) {
		err_set(err, d->src_pos, "the definition no longer aggregates, but its checkpoint holds aggregation state");
		err_hint(err, "REFRESH STREAMING TABLE %s FULL starts over with the new definition", st->name);
		return -1;
	}
	if (prev && prev->signature != 0 && prev->signature != g->signature) {
		err_set(err, g->select->pos, "the definition's windows, keys or aggregates changed since batch %lld: its "
		    "state does not fit them", (long long)prev->batch);
		err_hint(err, "REFRESH STREAMING TABLE %s FULL starts over with the new definition", st->name);
		return -1;
	}
	int64_t w_prev = prev ? prev->watermark_us : STREAM_NO_TIME;
	int64_t m_prev = prev ? prev->max_event_us : STREAM_NO_TIME;
	char *prev_state = prev ? stream_ckpt_state_path(st->ckpt, prev->batch, "parquet") : NULL;
	char *state = stream_ckpt_state_path(st->ckpt, batch, "parquet");
	char *partial = xasprintf("%s/state/.partial-%lld.parquet", st->ckpt, (long long)batch);
	struct strbuf sb = STRBUF_INIT;
	int rc = -1;
	bool have_prev = prev_state && file_exists(prev_state);
	bool have_rows = rows;
	int64_t v[3] = {0, 0, INT64_MIN};
	if (have_rows) {
		struct ast *pq = partial_query(d, g, a, q, w_prev, err);
		if (pq == NULL || write_parquet(s, a, pq, partial, err) < 0)
			goto out;
		sb_puts(&sb, "SELECT coalesce(sum(__n), 0), coalesce(sum(__n) FILTER (WHERE __late), 0), "
		    "unix_micros(max(__maxts)) FROM read_parquet(");
		lex_put_string(&sb, partial);
		sb_puts(&sb, ")");
		if (query_ints(s, sb_str(&sb), v, 3, err) < 0)
			goto out;
	}
	c->input_rows = v[0];
	c->late_rows = v[1];
	c->max_event_us = max_time(m_prev, v[2]);
	c->watermark_us = c->max_event_us == STREAM_NO_TIME ? STREAM_NO_TIME : c->max_event_us - d->wm_delay_us;
	if (w_prev != STREAM_NO_TIME && (c->watermark_us == STREAM_NO_TIME || c->watermark_us < w_prev))
		c->watermark_us = w_prev;    /* never goes back */
	c->signature = g->signature;
	if (have_rows || have_prev) {
		/* state N: the windows still open after batch N-1, merged with the batch's rows */
		sb_clear(&sb);
		sb_puts(&sb, "SELECT ");
		state_columns(g, true, &sb);
		sb_puts(&sb, " FROM (");
		if (have_prev) {
			sb_puts(&sb, "SELECT ");
			state_columns(g, false, &sb);
			sb_puts(&sb, " FROM read_parquet(");
			lex_put_string(&sb, prev_state);
			sb_puts(&sb, ")");
			if (w_prev != STREAM_NO_TIME)
				sb_printf(&sb, " WHERE unix_micros(__ws) + %lld > %lld", (long long)g->window_us, (long long)w_prev);
		}
		if (have_prev && have_rows)
			sb_puts(&sb, " UNION ALL ");
		if (have_rows) {
			sb_puts(&sb, "SELECT ");
			state_columns(g, false, &sb);
			sb_puts(&sb, " FROM read_parquet(");
			lex_put_string(&sb, partial);
			sb_puts(&sb, ") WHERE NOT __late");
		}
		sb_puts(&sb, ") GROUP BY ALL");
		char *text = arena_strdup(a, sb_str(&sb));
		struct ast *cq = parse_statement(text, (int)strlen(text), a, err);
		if (cq == NULL || write_parquet(s, a, cq, state, err) < 0)
			goto out;
		sb_clear(&sb);
		if (c->watermark_us == STREAM_NO_TIME)
			sb_puts(&sb, "SELECT 0, count(*) FROM read_parquet(");
		else
			sb_printf(&sb, "SELECT count(*) FILTER (WHERE unix_micros(__ws) + %lld <= %lld), count(*) FILTER (WHERE "
			    "unix_micros(__ws) + %lld > %lld) FROM read_parquet(", (long long)g->window_us,
			    (long long)c->watermark_us, (long long)g->window_us, (long long)c->watermark_us);
		lex_put_string(&sb, state);
		sb_puts(&sb, ")");
		int64_t w[2];
		if (query_ints(s, sb_str(&sb), w, 2, err) < 0)
			goto out;
		c->windows = w[0];
		c->open_windows = w[1];
		*emit = emit_query(g, a, state, c->watermark_us, err);
		if (*emit == NULL)
			goto out;
	} else {
		unlink(state);
	}
	if (stream_ckpt_write_commit(st->ckpt, "state", c, err) < 0)
		goto out;
	rc = 0;
out:
	unlink(partial);
	sb_free(&sb);
	free(partial);
	free(state);
	free(prev_state);
	return rc;
}
