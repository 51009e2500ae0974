/* The executor core: contexts, operator instances, parallel pipelines, and
 * the streaming operators (scan, filter, project) plus result serving. */
#include "exec/exec_int.h"
#include "core/list.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

long long
exec_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void
exec_ctx_init(struct exec_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	err_init(&ctx->err);
	pthread_mutex_init(&ctx->err_mu, NULL);
	atomic_init(&ctx->stop, false);
}

void
exec_ctx_fini(struct exec_ctx *ctx)
{
	err_clear(&ctx->err);
	pthread_mutex_destroy(&ctx->err_mu);
}

void
exec_fail(struct exec_ctx *ctx, struct wb_error *err)
{
	pthread_mutex_lock(&ctx->err_mu);
	if (!err_isset(&ctx->err) && err_isset(err))
		err_move(&ctx->err, err);
	else
		err_clear(err);
	pthread_mutex_unlock(&ctx->err_mu);
	atomic_store(&ctx->stop, true);
}

bool
exec_should_stop(struct exec_ctx *ctx)
{
	if (atomic_load_explicit(&ctx->stop, memory_order_relaxed))
		return true;
	if (ctx->cancel && *ctx->cancel) {
		struct wb_error e = WB_ERROR_INIT;
		err_set(&e, -1, "statement cancelled");
		err_hint(&e, "Ctrl-C stopped it; a table it was writing is unchanged");
		exec_fail(ctx, &e);
		return true;
	}
	return false;
}

/* ------------------------------------------------------------- op base */

void *
op_alloc(size_t size, const struct op_vtab *vt, struct pnode *n, struct exec_ctx *ctx)
{
	struct op *op = xcalloc(1, size);
	op->vt = vt;
	op->node = n;
	op->ctx = ctx;
	chunk_init(&op->out, n->ncol, n->types);
	err_init(&op->err);
	return op;
}

void
op_base_free(struct op *op)
{
	chunk_free(&op->out);
	err_clear(&op->err);
	free(op);
}

int
op_fail(struct op *op)
{
	if (!err_isset(&op->err))
		err_set(&op->err, -1, "internal error in %s", pnode_kind_name(op->node->kind));
	exec_fail(op->ctx, &op->err);
	return -1;
}

int
op_next(struct op *op, struct chunk **out)
{
	if (exec_should_stop(op->ctx))
		return -1;
	if (!op->ctx->analyze)
		return op->vt->next(op, out);
	long long t0 = exec_now_ns();
	int r = op->vt->next(op, out);
	long long dt = exec_now_ns() - t0;
	atomic_fetch_add(&op->node->stats.ns, dt);
	if (r > 0) {
		atomic_fetch_add(&op->node->stats.rows, (*out)->n);
		atomic_fetch_add(&op->node->stats.chunks, 1);
	}
	return r;
}

void
op_free(struct op *op)
{
	if (op)
		op->vt->free(op);
}

/* ---------------------------------------------------------------- scan */

struct op_scan {
	struct op base;
	struct source *src;
	void *reader;
};

static int
scan_next(struct op *op, struct chunk **out)
{
	struct op_scan *s = (struct op_scan *)op;
	chunk_reset(&op->out);
	int r = s->src->ops->next(s->src, s->reader, &op->out, &op->err);
	if (r < 0)
		return op_fail(op);
	if (r == 0)
		return 0;
	op->out.n = r;
	for (int c = 0; c < op->out.ncol; c++)
		op->out.cols[c].n = r;
	*out = &op->out;
	return 1;
}

static void
scan_free(struct op *op)
{
	struct op_scan *s = (struct op_scan *)op;
	if (s->reader)
		s->src->ops->reader_free(s->src, s->reader);
	op_base_free(op);
}

static const struct op_vtab scan_vt = {scan_next, scan_free};

struct op *
op_scan_create(struct pnode *n, struct exec_ctx *ctx)
{
	struct op_scan *s = op_alloc(sizeof *s, &scan_vt, n, ctx);
	s->src = n->gstate;
	s->reader = s->src->ops->reader_new(s->src);
	return &s->base;
}

/* -------------------------------------------------------------- filter */

struct op_filter {
	struct op base;
	struct op *child;
	struct expr_state *pred;
	uint32_t sel[WB_VEC_SIZE];
};

static int
filter_next(struct op *op, struct chunk **out)
{
	struct op_filter *f = (struct op_filter *)op;
	for (;;) {
		struct chunk *in;
		int r = op_next(f->child, &in);
		if (r <= 0)
			return r;
		struct vec *b;
		if (expr_eval(f->pred, in, &b, &op->err) < 0)
			return op_fail(op);
		int m = expr_select_true(b, in->n, f->sel);
		if (m == 0)
			continue;
		if (m == in->n) {
			*out = in;
			return 1;
		}
		for (int c = 0; c < in->ncol; c++)
			vec_gather(&op->out.cols[c], &in->cols[c], f->sel, m);
		op->out.n = m;
		op->out.seq = in->seq;
		*out = &op->out;
		return 1;
	}
}

static void
filter_free(struct op *op)
{
	struct op_filter *f = (struct op_filter *)op;
	op_free(f->child);
	expr_state_free(f->pred);
	op_base_free(op);
}

static const struct op_vtab filter_vt = {filter_next, filter_free};

struct op *
op_filter_create(struct pnode *n, struct exec_ctx *ctx)
{
	struct op_filter *f = op_alloc(sizeof *f, &filter_vt, n, ctx);
	f->child = op_create(n->child, ctx);
	f->pred = expr_state_new(n->u.filter.pred, &f->base.err);
	if (f->child == NULL || f->pred == NULL) {
		if (f->pred == NULL)
			exec_fail(ctx, &f->base.err);
		filter_free(&f->base);
		return NULL;
	}
	return &f->base;
}

/* ------------------------------------------------------------- project */

struct op_project {
	struct op base;
	struct op *child;
	struct expr_state **exprs;
};

static int
project_next(struct op *op, struct chunk **out)
{
	struct op_project *p = (struct op_project *)op;
	struct chunk *in;
	int r = op_next(p->child, &in);
	if (r <= 0)
		return r;
	for (int c = 0; c < op->out.ncol; c++) {
		struct vec *v;
		if (expr_eval(p->exprs[c], in, &v, &op->err) < 0)
			return op_fail(op);
		vec_ref(&op->out.cols[c], v);
		op->out.cols[c].n = in->n;
	}
	op->out.n = in->n;
	op->out.seq = in->seq;
	*out = &op->out;
	return 1;
}

static void
project_free(struct op *op)
{
	struct op_project *p = (struct op_project *)op;
	op_free(p->child);
	if (p->exprs)
		for (int c = 0; c < op->out.ncol; c++)
			expr_state_free(p->exprs[c]);
	free(p->exprs);
	op_base_free(op);
}

static const struct op_vtab project_vt = {project_next, project_free};

struct op *
op_project_create(struct pnode *n, struct exec_ctx *ctx)
{
	struct op_project *p = op_alloc(sizeof *p, &project_vt, n, ctx);
	p->exprs = xcalloc((size_t)(n->ncol ? n->ncol : 1), sizeof *p->exprs);
	p->child = op_create(n->child, ctx);
	if (p->child == NULL) {
		project_free(&p->base);
		return NULL;
	}
	for (int c = 0; c < n->ncol; c++) {
		p->exprs[c] = expr_state_new(n->u.project.exprs[c], &p->base.err);
		if (p->exprs[c] == NULL) {
			exec_fail(ctx, &p->base.err);
			project_free(&p->base);
			return NULL;
		}
	}
	return &p->base;
}

/* ------------------------------------------------- breaker result serving */

void
result_chunks_init(struct result_chunks *r)
{
	memset(r, 0, sizeof *r);
	atomic_init(&r->next, 0);
	arena_init(&r->heap, 256 * 1024);
}

void
result_chunks_free(struct result_chunks *r)
{
	for (int i = 0; i < r->n; i++)
		chunk_free(&r->chunks[i]);
	free(r->chunks);
	arena_release(&r->heap);
	r->chunks = NULL;
	r->n = 0;
}

struct op_result {
	struct op base;
	struct result_chunks *r;
};

static int
result_next(struct op *op, struct chunk **out)
{
	struct op_result *o = (struct op_result *)op;
	int i = atomic_fetch_add(&o->r->next, 1);
	if (i >= o->r->n)
		return 0;
	struct chunk *c = &o->r->chunks[i];
	for (int col = 0; col < op->out.ncol; col++)
		vec_ref(&op->out.cols[col], &c->cols[col]);
	op->out.n = c->n;
	op->out.seq = SOURCE_SEQ(i, 0);
	*out = &op->out;
	return 1;
}

static void
result_free(struct op *op)
{
	op_base_free(op);
}

static const struct op_vtab result_vt = {result_next, result_free};

struct op *
op_result_create(struct pnode *n, struct exec_ctx *ctx, struct result_chunks *r)
{
	struct op_result *o = op_alloc(sizeof *o, &result_vt, n, ctx);
	o->r = r;
	return &o->base;
}

void
result_chunks_append(struct result_chunks *r, int ncol, const wb_type *types, const struct chunk *c,
    const uint32_t *sel, int from, int m)
{
	int done = 0;
	while (done < m) {
		if (r->n == 0 || r->chunks[r->n - 1].n == WB_VEC_SIZE) {
			r->chunks = xgrow(r->chunks, &r->cap, (size_t)r->n + 1, sizeof *r->chunks);
			chunk_init(&r->chunks[r->n], ncol, types);
			chunk_reset(&r->chunks[r->n]);
			r->n++;
		}
		struct chunk *t = &r->chunks[r->n - 1];
		int room = WB_VEC_SIZE - t->n;
		int k = m - done < room ? m - done : room;
		for (int col = 0; col < ncol; col++) {
			const struct vec *src = &c->cols[col];
			struct vec *dst = &t->cols[col];
			size_t sz = type_size(dst->type);
			for (int i = 0; i < k; i++) {
				int sr = sel ? (int)sel[done + i] : from + done + i, w = t->n + i;
				if (vec_is_null(src, sr)) {
					vec_nulls_writable(dst)[w] = 1;
					memset((char *)dst->data + (size_t)w * sz, 0, sz);
					continue;
				}
				if (dst->nulls)
					dst->nulls[w] = 0;
				if (dst->type == WB_TYPE_VARCHAR) {
					wb_str s = vec_str_at(src, sr);
					char *p = arena_alloc(&r->heap, s.n);
					if (s.n)
						memcpy(p, s.p, s.n);
					vec_str(dst)[w] = (wb_str){p, s.n};
				} else if (type_is_list(dst->type)) {
					wb_list l = vec_list(src)[src->kind == VEC_CONST ? 0 : sr];
					vec_list(dst)[w] = list_copy(&r->heap, l, type_list_elem(dst->type));
				} else {
					int k2 = src->kind == VEC_CONST ? 0 : sr;
					memcpy((char *)dst->data + (size_t)w * sz, (const char *)src->data + (size_t)k2 * sz, sz);
				}
			}
			dst->n = t->n + k;
		}
		t->n += k;
		done += k;
	}
}

int64_t
result_chunks_rows(const struct result_chunks *r)
{
	int64_t n = 0;
	for (int i = 0; i < r->n; i++)
		n += r->chunks[i].n;
	return n;
}

/* ---------------------------------------------------------------- limit */

static int
limit_prepare(struct pnode *n, struct exec_ctx *ctx)
{
	struct result_chunks *r = xmalloc(sizeof *r);
	result_chunks_init(r);
	n->gstate = r;
	int64_t limit = n->u.limit.limit, skip = n->u.limit.offset, seen = 0;
	if (limit == 0)
		return 0;
	/* serial pull so that "the first N rows" means input order */
	struct op *child = op_create(n->child, ctx);
	if (child == NULL)
		return -1;
	struct chunk *c;
	int rc;
	while ((rc = op_next(child, &c)) > 0) {
		int from = 0, k = c->n;
		if (skip > 0) {
			int d = skip < k ? (int)skip : k;
			skip -= d;
			from += d;
			k -= d;
		}
		if (limit >= 0 && seen + k > limit)
			k = (int)(limit - seen);
		if (k > 0) {
			result_chunks_append(r, n->ncol, n->types, c, NULL, from, k);
			seen += k;
		}
		if (limit >= 0 && seen >= limit)
			break;
	}
	op_free(child);
	return rc < 0 ? -1 : 0;
}

/* --------------------------------------------------------------- values */

static int
values_prepare(struct pnode *n, struct exec_ctx *ctx)
{
	struct result_chunks *r = xmalloc(sizeof *r);
	result_chunks_init(r);
	n->gstate = r;
	struct rowset *rs = n->u.values.rows;
	for (int i = 0; i < rs->nchunks; i++)
		result_chunks_append(r, n->ncol, n->types, &rs->chunks[i], NULL, 0, rs->chunks[i].n);
	/* zero-column rows (SELECT without FROM) still count */
	if (n->ncol == 0 && rs->nrows > 0) {
		r->chunks = xgrow(r->chunks, &r->cap, 1, sizeof *r->chunks);
		chunk_init(&r->chunks[0], 0, NULL);
		r->chunks[0].n = (int)rs->nrows;
		r->n = 1;
	}
	return 0;
}

/* ------------------------------------------------------------- dispatch */

static bool
is_result_node(enum pn_kind k)
{
	return k == PN_AGG || k == PN_SORT || k == PN_TOPN || k == PN_LIMIT || k == PN_VALUES || k == PN_MATERIALIZE ||
	    k == PN_RECURSIVE || k == PN_WINDOW;
}

int
exec_prepare(struct pnode *n, struct exec_ctx *ctx)
{
	if (n->gstate != NULL)
		return 0;
	switch (n->kind) {
	case PN_SCAN: {
		struct source *src = n->u.scan.src;
		if (src == NULL) {
			struct wb_error e = WB_ERROR_INIT;
			src = n->u.scan.table->ops->scan(n->u.scan.table, &e);
			if (src == NULL) {
				exec_fail(ctx, &e);
				return -1;
			}
			n->u.scan.src = src;
		}
		source_project(src, n->u.scan.proj, n->u.scan.nproj);
		src->preds = n->u.scan.preds;
		src->npreds = n->u.scan.npreds;
		struct wb_error e = WB_ERROR_INIT;
		if (src->ops->start(src, &e) < 0) {
			exec_fail(ctx, &e);
			return -1;
		}
		n->gstate = src;
		return 0;
	}
	case PN_VALUES:
		return values_prepare(n, ctx);
	case PN_FILTER:
	case PN_PROJECT:
		return exec_prepare(n->child, ctx);
	case PN_UNION:
		for (int i = 0; i < n->u.set.ninputs; i++)
			if (exec_prepare(n->u.set.inputs[i], ctx) < 0)
				return -1;
		n->gstate = n;   /* prepared */
		return 0;
	case PN_CTE_SCAN:
		return cte_scan_prepare(n, ctx);
	case PN_RECURSIVE: {
		long long t0 = exec_now_ns();
		unsigned long long m0 = xmem_allocated();
		int rc = recursive_prepare(n, ctx);
		atomic_fetch_add(&n->stats.build_ns, exec_now_ns() - t0);
		n->stats.peak_bytes = (int64_t)(xmem_allocated() - m0);
		return rc;
	}
	default:
		break;
	}
	if (exec_prepare(n->child, ctx) < 0)
		return -1;
	/* joins: the probe side (child) streams; the build side is consumed */
	if ((n->kind == PN_HASH_JOIN || n->kind == PN_NL_JOIN) && exec_prepare(n->u.join.right, ctx) < 0)
		return -1;
	long long t0 = exec_now_ns();
	unsigned long long m0 = xmem_allocated();
	int rc;
	switch (n->kind) {
	case PN_AGG:
		rc = agg_prepare(n, ctx);
		break;
	case PN_SORT:
	case PN_TOPN:
		rc = sort_prepare(n, ctx);
		break;
	case PN_LIMIT:
		rc = limit_prepare(n, ctx);
		break;
	case PN_MATERIALIZE:
		rc = materialize_prepare(n, ctx);
		break;
	case PN_HASH_JOIN:
	case PN_NL_JOIN:
		rc = join_prepare(n, ctx);
		break;
	case PN_WINDOW:
		rc = window_prepare(n, ctx);
		break;
	default:
		rc = -1;
	}
	atomic_fetch_add(&n->stats.build_ns, exec_now_ns() - t0);
	/* what the build allocated (its input pipeline's buffers included) */
	n->stats.peak_bytes = (int64_t)(xmem_allocated() - m0);
	if (rc < 0 && !err_isset(&ctx->err)) {
		struct wb_error e = WB_ERROR_INIT;
		err_set(&e, -1, "%s failed", pnode_kind_name(n->kind));
		exec_fail(ctx, &e);
	}
	return rc;
}

struct op *
op_create(struct pnode *n, struct exec_ctx *ctx)
{
	switch (n->kind) {
	case PN_SCAN:
		return op_scan_create(n, ctx);
	case PN_FILTER:
		return op_filter_create(n, ctx);
	case PN_PROJECT:
		return op_project_create(n, ctx);
	case PN_UNION:
		return op_union_create(n, ctx);
	case PN_CTE_SCAN:
		return op_cte_scan_create(n, ctx);
	case PN_HASH_JOIN:
	case PN_NL_JOIN:
		return op_join_create(n, ctx);
	default:
		if (is_result_node(n->kind))
			return op_result_create(n, ctx, n->gstate);
		return NULL;
	}
}

/* reset: free the run's state but keep what the plan holds (table
 * references, VALUES rows, shared CTE results), so it can run again. */
static void
cleanup(struct pnode *n, bool reset)
{
	if (n == NULL)
		return;
	if (n->kind == PN_UNION) {
		for (int i = 0; i < n->u.set.ninputs; i++)
			cleanup(n->u.set.inputs[i], reset);
		n->gstate = NULL;
		return;
	}
	if (n->kind == PN_CTE_SCAN) {
		cte_scan_cleanup(n, reset);
		return;
	}
	if (n->kind == PN_RECURSIVE) {
		recursive_cleanup(n);
		return;
	}
	cleanup(n->child, reset);
	switch (n->kind) {
	case PN_SCAN:
		if (n->u.scan.src && n->u.scan.npreds > 0 && n->u.scan.src->unit_name) {
			struct source *s = n->u.scan.src;
			n->stats.unit_name = s->unit_name;
			n->stats.units_read += atomic_exchange(&s->units_read, 0);
			n->stats.units_skipped += atomic_exchange(&s->units_skipped, 0);
		}
		if (n->u.scan.src && (!reset || n->u.scan.table)) {
			/* a table's scan reopens; a table function's source is
			 * the plan's (and runs once) */
			source_free(n->u.scan.src);
			n->u.scan.src = NULL;
		}
		if (n->u.scan.table && !reset) {
			table_unref(n->u.scan.table);
			n->u.scan.table = NULL;
		}
		break;
	case PN_AGG:
		agg_cleanup(n);
		break;
	case PN_SORT:
	case PN_TOPN:
		sort_cleanup(n);
		break;
	case PN_MATERIALIZE:
		materialize_cleanup(n);
		break;
	case PN_HASH_JOIN:
	case PN_NL_JOIN:
		cleanup(n->u.join.right, reset);
		join_cleanup(n);
		break;
	case PN_WINDOW:
		window_cleanup(n);
		break;
	case PN_LIMIT:
	case PN_VALUES:
		if (n->gstate) {
			result_chunks_free(n->gstate);
			free(n->gstate);
		}
		if (n->kind == PN_VALUES && n->u.values.rows && !reset) {
			rowset_free(n->u.values.rows);
			n->u.values.rows = NULL;
		}
		break;
	default:
		break;
	}
	n->gstate = NULL;
}

bool
exec_scan_units(const struct pnode *n, const char **unit, int64_t *read, int64_t *skipped)
{
	const struct source *s = n->kind == PN_SCAN && n->u.scan.npreds > 0 ? n->u.scan.src : NULL;
	*unit = n->stats.unit_name;
	*read = n->stats.units_read;
	*skipped = n->stats.units_skipped;
	if (s && s->unit_name) {
		*unit = s->unit_name;
		*read += atomic_load(&s->units_read);
		*skipped += atomic_load(&s->units_skipped);
	}
	return *unit != NULL && *read + *skipped > 0;
}

void
exec_cleanup(struct pnode *n)
{
	cleanup(n, false);
}

void
exec_reset(struct pnode *n)
{
	cleanup(n, true);
}

int
exec_parallelism(struct pnode *n)
{
	switch (n->kind) {
	case PN_SCAN:
		return n->gstate ? ((struct source *)n->gstate)->max_readers : 1;
	case PN_FILTER:
	case PN_PROJECT:
	case PN_HASH_JOIN:
	case PN_NL_JOIN:
		return exec_parallelism(n->child);
	case PN_UNION: {
		int p = 1;
		for (int i = 0; i < n->u.set.ninputs; i++) {
			int q = exec_parallelism(n->u.set.inputs[i]);
			if (q > p)
				p = q;
		}
		return p;
	}
	case PN_CTE_SCAN:
		return cte_scan_parallelism(n);
	default:
		if (is_result_node(n->kind) && n->gstate)
			return ((struct result_chunks *)n->gstate)->n > 0 ? ((struct result_chunks *)n->gstate)->n : 1;
		return 1;
	}
}

struct par_job {
	struct pnode *n;
	struct exec_ctx *ctx;
	exec_consume_fn consume;
	void *arg;
};

static void
par_task(void *arg, int task, int worker)
{
	struct par_job *job = arg;
	struct op *op = op_create(job->n, job->ctx);
	if (op == NULL)
		return;
	struct chunk *c;
	int r;
	struct wb_error err = WB_ERROR_INIT;
	while ((r = op_next(op, &c)) > 0) {
		if (job->consume(job->arg, task, c, &err) < 0) {
			exec_fail(job->ctx, &err);
			break;
		}
	}
	op_free(op);
}

int
exec_parallel(struct pnode *n, struct exec_ctx *ctx, exec_consume_fn consume, void *arg, int *nworkers_out)
{
	int w = pool_size();
	if (ctx->max_workers > 0 && ctx->max_workers < w)
		w = ctx->max_workers;
	int p = exec_parallelism(n);
	if (p < w)
		w = p;
	if (w < 1)
		w = 1;
	if (nworkers_out)
		*nworkers_out = w;
	struct par_job job = {n, ctx, consume, arg};
	/* tasks == workers: each task is one instance pulling until its
	 * source runs dry, and task indexes double as worker slots */
	pool_run(w, par_task, &job);
	return err_isset(&ctx->err) || atomic_load(&ctx->stop) ? -1 : 0;
}

int
exec_run(struct pnode *root, struct exec_ctx *ctx, struct wb_sink *sink)
{
	if (exec_prepare(root, ctx) < 0)
		return -1;
	struct wb_error err = WB_ERROR_INIT;
	if (sink->begin && sink->begin(sink, root->ncol, root->names, root->types, &err) < 0) {
		exec_fail(ctx, &err);
		return -1;
	}
	struct op *op = op_create(root, ctx);
	if (op == NULL)
		return -1;
	struct chunk *c;
	int r;
	while ((r = op_next(op, &c)) > 0) {
		if (sink->chunk && sink->chunk(sink, c, &err) < 0) {
			exec_fail(ctx, &err);
			r = -1;
			break;
		}
	}
	op_free(op);
	if (r < 0)
		return -1;
	if (sink->end && sink->end(sink, &err) < 0) {
		exec_fail(ctx, &err);
		return -1;
	}
	return 0;
}

struct mat_job {
	struct mt_builder **builders;
};

static int
mat_consume(void *arg, int worker, struct chunk *c, struct wb_error *err)
{
	struct mat_job *m = arg;
	mt_builder_append(m->builders[worker], c);
	return 0;
}

struct memtable *
exec_materialize(struct pnode *root, struct exec_ctx *ctx)
{
	if (exec_prepare(root, ctx) < 0)
		return NULL;
	int w = pool_size();
	struct mat_job m;
	m.builders = xcalloc((size_t)w, sizeof *m.builders);
	for (int i = 0; i < w; i++)
		m.builders[i] = mt_builder_new(root->ncol, root->types);
	int nw;
	int rc = exec_parallel(root, ctx, mat_consume, &m, &nw);
	struct memtable *mt = NULL;
	if (rc == 0) {
		/* all workers' row groups go in together: memtable_add orders
		 * them by sequence number, which restores the input order */
		struct mt_rowgroup **all = NULL;
		size_t cap = 0;
		int total = 0;
		for (int i = 0; i < w; i++) {
			int n;
			struct mt_rowgroup **rgs = mt_builder_finish(m.builders[i], &n);
			all = xgrow(all, &cap, (size_t)(total + n), sizeof *all);
			if (n)
				memcpy(all + total, rgs, sizeof *all * (size_t)n);
			total += n;
			free(rgs);
		}
		mt = memtable_new(root->ncol, root->types);
		memtable_add(mt, all, total);
		free(all);
	}
	for (int i = 0; i < w; i++)
		mt_builder_free(m.builders[i]);
	free(m.builders);
	return mt;
}
