/*
 * UNION ALL, CTE materialisation and CTE scans.
 *
 * UNION ALL streams its inputs one after the other; every instance walks
 * all inputs, and the inputs' morsels are shared between instances, so a
 * parallel run reads each row once. Output sequence numbers carry the input
 * index in their top bits so that order-preserving consumers keep the
 * inputs' order.
 *
 * A CTE referenced more than once is computed once: PN_MATERIALIZE stores
 * its input (in input order) and each PN_CTE_SCAN reads that store with a
 * cursor of its own.
 */
#include "exec/exec_int.h"
#include "core/hash.h"
#include "core/list.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- UNION ALL */

struct op_union {
	struct op base;
	struct op **inputs;
	int ninputs;
	int cur;
};

static int
union_next(struct op *op, struct chunk **out)
{
	struct op_union *u = (struct op_union *)op;
	while (u->cur < u->ninputs) {
		struct chunk *c;
		int r = op_next(u->inputs[u->cur], &c);
		if (r < 0)
			return -1;
		if (r == 0) {
			u->cur++;
			continue;
		}
		for (int col = 0; col < op->out.ncol; col++)
			vec_ref(&op->out.cols[col], &c->cols[col]);
		op->out.n = c->n;
		op->out.seq = ((uint64_t)u->cur << 56) | (c->seq & ((UINT64_C(1) << 56) - 1));
		*out = &op->out;
		return 1;
	}
	return 0;
}

static void
union_free(struct op *op)
{
	struct op_union *u = (struct op_union *)op;
	for (int i = 0; i < u->ninputs; i++)
		op_free(u->inputs[i]);
	free(u->inputs);
	op_base_free(op);
}

static const struct op_vtab union_vt = {union_next, union_free};

struct op *
op_union_create(struct pnode *n, struct exec_ctx *ctx)
{
	struct op_union *u = op_alloc(sizeof *u, &union_vt, n, ctx);
	u->ninputs = n->u.set.ninputs;
	u->inputs = xcalloc((size_t)(u->ninputs ? u->ninputs : 1), sizeof *u->inputs);
	for (int i = 0; i < u->ninputs; i++) {
		u->inputs[i] = op_create(n->u.set.inputs[i], ctx);
		if (u->inputs[i] == NULL) {
			union_free(&u->base);
			return NULL;
		}
	}
	return &u->base;
}

/* ---------------------------------------------------------- MATERIALIZE */

struct mat_store {
	struct chunk *chunks;   /* one per input chunk, so seq stays attached */
	uint64_t *seqs;
	int n;
	size_t cap;
	struct arena heap;
};

struct mat_global {
	struct result_chunks result;   /* first: see exec_int.h */
	struct pnode *n;
	struct mat_store *stores;
	int nstores;
};

static void mat_free(struct mat_global *G);

static int
mat_consume(void *arg, int worker, struct chunk *c, struct wb_error *err)
{
	struct mat_global *G = arg;
	struct mat_store *st = &G->stores[worker];
	if (c->n == 0)
		return 0;
	/* one stored chunk per input chunk: append into a fresh chunk */
	struct result_chunks tmp;
	result_chunks_init(&tmp);
	tmp.heap = st->heap;
	result_chunks_append(&tmp, G->n->ncol, G->n->types, c, NULL, 0, c->n);
	st->heap = tmp.heap;
	st->chunks = xgrow(st->chunks, &st->cap, (size_t)st->n + 1, sizeof *st->chunks);
	st->seqs = xrealloc(st->seqs, sizeof *st->seqs * st->cap);
	st->chunks[st->n] = tmp.chunks[0];
	st->seqs[st->n] = c->seq;
	st->n++;
	free(tmp.chunks);
	return 0;
}

struct seq_ref {
	uint64_t seq;
	int store, idx;
};

static int
seq_cmp(const void *a, const void *b)
{
	const struct seq_ref *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Run input to completion into a new store with n's schema, in input
 * order. NULL on error (the partial store is freed). */
static struct mat_global *
mat_run(struct pnode *n, struct pnode *input, struct exec_ctx *ctx, int *workers)
{
	struct mat_global *G = xcalloc(1, sizeof *G);
	result_chunks_init(&G->result);
	G->n = n;
	int w = pool_size();
	G->nstores = w;
	G->stores = xcalloc((size_t)w, sizeof *G->stores);
	for (int i = 0; i < w; i++)
		arena_init(&G->stores[i].heap, 256 * 1024);
	int used = 0;
	int saved = ctx->max_workers;
	if (saved <= 0 || saved > w)
		ctx->max_workers = w;
	int rc = exec_prepare(input, ctx);
	if (rc == 0)
		rc = exec_parallel(input, ctx, mat_consume, G, &used);
	ctx->max_workers = saved;
	if (workers)
		*workers = used;
	if (rc < 0) {
		mat_free(G);
		return NULL;
	}
	int total = 0;
	for (int i = 0; i < w; i++)
		total += G->stores[i].n;
	struct seq_ref *refs = xmalloc(sizeof *refs * (size_t)(total ? total : 1));
	int k = 0;
	for (int i = 0; i < w; i++)
		for (int j = 0; j < G->stores[i].n; j++)
			refs[k++] = (struct seq_ref){G->stores[i].seqs[j], i, j};
	qsort(refs, (size_t)total, sizeof *refs, seq_cmp);
	G->result.chunks = xmalloc(sizeof *G->result.chunks * (size_t)(total ? total : 1));
	G->result.cap = (size_t)(total ? total : 1);
	for (int i = 0; i < total; i++)
		G->result.chunks[i] = G->stores[refs[i].store].chunks[refs[i].idx];
	G->result.n = total;
	for (int i = 0; i < w; i++) {
		free(G->stores[i].chunks);
		free(G->stores[i].seqs);
		G->stores[i].chunks = NULL;
		G->stores[i].seqs = NULL;
		G->stores[i].n = 0;
	}
	free(refs);
	return G;
}

int
materialize_prepare(struct pnode *n, struct exec_ctx *ctx)
{
	/* the child was prepared by exec_prepare() */
	struct mat_global *G = mat_run(n, n->child, ctx, &n->stats.workers);
	if (G == NULL)
		return -1;
	n->gstate = G;
	return 0;
}

static void
mat_free(struct mat_global *G)
{
	for (int i = 0; i < G->result.n; i++)
		chunk_free(&G->result.chunks[i]);
	free(G->result.chunks);
	arena_release(&G->result.heap);
	for (int i = 0; i < G->nstores; i++) {
		for (int j = 0; j < G->stores[i].n; j++)
			chunk_free(&G->stores[i].chunks[j]);
		free(G->stores[i].chunks);
		free(G->stores[i].seqs);
		arena_release(&G->stores[i].heap);
	}
	free(G->stores);
	free(G);
}

void
materialize_cleanup(struct pnode *n)
{
	if (n->gstate == NULL)
		return;
	mat_free(n->gstate);
	n->gstate = NULL;
}

/* ---------------------------------------------------------- CTE scan */

struct cte_cursor {
	atomic_int next;
};

int
cte_scan_prepare(struct pnode *n, struct exec_ctx *ctx)
{
	if (exec_prepare(n->u.cte.source, ctx) < 0)
		return -1;
	struct cte_cursor *c = xcalloc(1, sizeof *c);
	atomic_init(&c->next, 0);
	n->gstate = c;
	return 0;
}

struct op_cte {
	struct op base;
	struct result_chunks *r;
	struct cte_cursor *cur;
};

static int
cte_next(struct op *op, struct chunk **out)
{
	struct op_cte *o = (struct op_cte *)op;
	int i = atomic_fetch_add(&o->cur->next, 1);
	if (i >= o->r->n)
		return 0;
	struct chunk *c = &o->r->chunks[i];
	const int *proj = op->node->u.cte.proj;
	for (int col = 0; col < op->out.ncol; col++)
		vec_ref(&op->out.cols[col], &c->cols[proj ? proj[col] : col]);
	op->out.n = c->n;
	op->out.seq = SOURCE_SEQ(i, 0);
	*out = &op->out;
	return 1;
}

static void
cte_free(struct op *op)
{
	op_base_free(op);
}

static const struct op_vtab cte_vt = {cte_next, cte_free};

struct op *
op_cte_scan_create(struct pnode *n, struct exec_ctx *ctx)
{
	struct op_cte *o = op_alloc(sizeof *o, &cte_vt, n, ctx);
	o->r = n->u.cte.source->gstate;
	o->cur = n->gstate;
	return &o->base;
}

void
cte_scan_cleanup(struct pnode *n, bool reset)
{
	free(n->gstate);
	n->gstate = NULL;
	/* the shared source is cleaned by whoever gets there first; a reset
	 * (a recursive step's next round) keeps it, except a working table */
	if (!reset || n->u.cte.source->child == NULL)
		exec_cleanup(n->u.cte.source);
}

int
cte_scan_parallelism(struct pnode *n)
{
	struct result_chunks *r = n->u.cte.source->gstate;
	return r && r->n > 0 ? r->n : 1;
}

/* ---------------------------------------------------------- WITH RECURSIVE
 *
 * The base term runs once; its rows are the first working table. Each
 * iteration runs the step term over the working table (the work node, a
 * MATERIALIZE whose store is set here, read by the step's CTE scans); the
 * rows it yields (for UNION: those never seen before) become the next
 * working table, and every working table is appended to the result. It
 * stops when a working table is empty; max_iterations guards runaways.
 */

struct rec_global {
	struct result_chunks result;   /* first: served as a result node */
	int64_t nrows;
	/* UNION (distinct): every row kept so far, open addressing by hash */
	uint64_t *hashes;
	int64_t *ids;                  /* row id + 1; 0 = empty slot */
	uint64_t mask;
};

static bool
cell_equal(const struct vec *a, int i, const struct vec *b, int j)
{
	bool an = vec_is_null(a, i), bn = vec_is_null(b, j);
	if (an || bn)
		return an && bn;
	switch (a->type) {
	case WB_TYPE_VARCHAR:
		return wb_str_eq(vec_str_at(a, i), vec_str_at(b, j));
	case WB_TYPE_DOUBLE: {
		double x = vec_f64(a)[i], y = vec_f64(b)[j];
		return x == y || (x != x && y != y);
	}
	case WB_TYPE_BOOL:
		return ((const uint8_t *)a->data)[i] == ((const uint8_t *)b->data)[j];
	case WB_TYPE_INTERVAL:
		return memcmp(&vec_iv(a)[i], &vec_iv(b)[j], sizeof(wb_interval)) == 0;
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP:
		return vec_i64(a)[i] == vec_i64(b)[j];
	default:   /* lists */
		return list_eq(vec_list(a)[i], vec_list(b)[j], type_list_elem(a->type));
	}
}

/* Row id r of the result: chunk r / WB_VEC_SIZE (result chunks are full
 * except the last). */
static bool
row_equal(const struct rec_global *R, int64_t r, const struct chunk *c, int i)
{
	const struct chunk *rc = &R->result.chunks[r / WB_VEC_SIZE];
	int ri = (int)(r % WB_VEC_SIZE);
	for (int col = 0; col < c->ncol; col++)
		if (!cell_equal(&rc->cols[col], ri, &c->cols[col], i))
			return false;
	return true;
}

static void
rec_grow(struct rec_global *R)
{
	uint64_t ncap = R->ids ? (R->mask + 1) * 2 : 1024, nmask = ncap - 1;
	uint64_t *nh = xcalloc(ncap, sizeof *nh);
	int64_t *ni = xcalloc(ncap, sizeof *ni);
	for (uint64_t s = 0; R->ids && s <= R->mask; s++) {
		if (R->ids[s] == 0)
			continue;
		uint64_t p = R->hashes[s] & nmask;
		while (ni[p])
			p = (p + 1) & nmask;
		nh[p] = R->hashes[s];
		ni[p] = R->ids[s];
	}
	free(R->hashes);
	free(R->ids);
	R->hashes = nh;
	R->ids = ni;
	R->mask = nmask;
}

/* Append the rows of c not yet in the result (UNION) or all of them
 * (UNION ALL) to the result and to the next working table `next`.
 * Returns the number of rows added. */
static int64_t
rec_add(struct rec_global *R, struct pnode *n, const struct chunk *c, bool distinct, struct result_chunks *next)
{
	if (c->n == 0)
		return 0;
	if (!distinct) {
		result_chunks_append(&R->result, n->ncol, n->types, c, NULL, 0, c->n);
		result_chunks_append(next, n->ncol, n->types, c, NULL, 0, c->n);
		R->nrows += c->n;
		return c->n;
	}
	uint64_t h[WB_VEC_SIZE];
	for (int col = 0; col < c->ncol; col++)
		hash_vec(&c->cols[col], c->n, h, col > 0);
	if (c->ncol == 0)
		memset(h, 0, sizeof h);
	int64_t added = 0;
	for (int i = 0; i < c->n; i++) {
		if (R->ids == NULL || (uint64_t)(R->nrows + 1) * 2 > R->mask + 1)
			rec_grow(R);
		uint64_t p = h[i] & R->mask;
		bool found = false;
		while (R->ids[p]) {
			if (R->hashes[p] == h[i] && row_equal(R, R->ids[p] - 1, c, i)) {
				found = true;
				break;
			}
			p = (p + 1) & R->mask;
		}
		if (found)
			continue;
		uint32_t one = (uint32_t)i;
		result_chunks_append(&R->result, n->ncol, n->types, c, &one, 0, 1);
		result_chunks_append(next, n->ncol, n->types, c, &one, 0, 1);
		R->hashes[p] = h[i];
		R->ids[p] = R->nrows + 1;
		R->nrows++;
		added++;
	}
	return added;
}

int
recursive_prepare(struct pnode *n, struct exec_ctx *ctx)
{
	struct rec_global *R = xcalloc(1, sizeof *R);
	result_chunks_init(&R->result);
	n->gstate = R;
	bool distinct = !n->u.rec.union_all;
	struct pnode *work = n->u.rec.work;
	struct mat_global *in = mat_run(n, n->u.rec.base, ctx, &n->stats.workers);
	for (int64_t iter = 0; in != NULL; iter++) {
		/* the rows of this round that are new become the working table */
		struct mat_global *W = xcalloc(1, sizeof *W);
		result_chunks_init(&W->result);
		W->n = n;
		int64_t added = 0;
		for (int i = 0; i < in->result.n; i++)
			added += rec_add(R, n, &in->result.chunks[i], distinct, &W->result);
		mat_free(in);
		in = NULL;
		if (added == 0) {
			mat_free(W);
			return 0;
		}
		if (iter >= n->u.rec.max_iterations) {
			mat_free(W);
			struct wb_error e = WB_ERROR_INIT;
			err_set(&e, -1, "WITH RECURSIVE %s did not finish after %lld iterations (%lld rows so far)",
			    work->u.cte.name ? work->u.cte.name : "", (long long)n->u.rec.max_iterations, (long long)R->nrows);
			err_hint(&e, "make sure the recursive part stops producing rows, e.g. WHERE depth < 100");
			exec_fail(ctx, &e);
			return -1;
		}
		work->gstate = W;
		in = mat_run(n, n->u.rec.step, ctx, NULL);
		/* resets the step for the next round; its CTE scans free the
		 * working table (or, if none reads it, this does) */
		exec_reset(n->u.rec.step);
		materialize_cleanup(work);
	}
	return -1;
}

void
recursive_cleanup(struct pnode *n)
{
	exec_cleanup(n->u.rec.base);
	exec_cleanup(n->u.rec.step);
	materialize_cleanup(n->u.rec.work);
	struct rec_global *R = n->gstate;
	if (R == NULL)
		return;
	result_chunks_free(&R->result);
	free(R->hashes);
	free(R->ids);
	free(R);
	n->gstate = NULL;
}
