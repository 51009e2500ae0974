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

int
materialize_prepare(struct pnode *n, struct exec_ctx *ctx)
{
	struct mat_global *G = xcalloc(1, sizeof *G);
	n->gstate = G;
	result_chunks_init(&G->result);
	G->n = n;
	int w = pool_size();
	G->nstores = w;
	G->stores = xcalloc((size_t)w, sizeof *G->stores);
	for (int i = 0; i < w; i++)
		arena_init(&G->stores[i].heap, 256 * 1024);
	int used;
	int saved = ctx->max_workers;
	if (saved <= 0 || saved > w)
		ctx->max_workers = w;
	int rc = exec_parallel(n->child, ctx, mat_consume, G, &used);
	ctx->max_workers = saved;
	n->stats.workers = used;
	if (rc < 0)
		return -1;
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
	return 0;
}

void
materialize_cleanup(struct pnode *n)
{
	struct mat_global *G = n->gstate;
	if (G == NULL)
		return;
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
	for (int col = 0; col < op->out.ncol; col++)
		vec_ref(&op->out.cols[col], &c->cols[col]);
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
cte_scan_cleanup(struct pnode *n)
{
	free(n->gstate);
	n->gstate = NULL;
	/* the shared source is cleaned by whoever gets there first */
	exec_cleanup(n->u.cte.source);
}

int
cte_scan_parallelism(struct pnode *n)
{
	struct result_chunks *r = n->u.cte.source->gstate;
	return r && r->n > 0 ? r->n : 1;
}
