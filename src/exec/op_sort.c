/*
 * ORDER BY and TOP-N.
 *
 * Workers copy their input rows plus the evaluated sort keys into private
 * stores. Sorting works on 16-byte items (a 64-bit order-preserving prefix
 * of the first key, chunk, row): an LSD radix sort over the prefix bytes
 * that vary, then a comparison sort of each run of equal prefixes using
 * all keys (only when ties can be decided by more than the prefix).
 *
 * TOP-N keeps at most ~2N candidate rows per worker: whenever the store
 * grows past that, it is sorted and cut to N, and the N-th prefix becomes a
 * boundary below which incoming rows are dropped without being copied.
 *
 * Prefixes, key comparison and the radix sort are shared with windows
 * (sort_int.h).
 *
 * Cancellation: the serial phases after the input (building the items,
 * sorting, copying the rows out) take seconds for tens of millions of rows,
 * so they look at the context every SORT_CHECK items; a stopped sort
 * leaves its items in any order and emits nothing.
 */
#include "exec/exec_int.h"
#include "exec/sort_int.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct sort_store {
	struct result_chunks rows;   /* child columns + key columns */
	int64_t nrows;
	bool have_bound;
	uint64_t bound;              /* TOP-N: rows with prefix > bound are out */
};

struct sort_global {
	struct result_chunks result; /* first: see exec_int.h */
	struct pnode *n;
	int nstore;                  /* child columns + keys */
	wb_type *stypes;
	struct sort_store *stores;
	int nworkers;
	struct exec_ctx *ctx;
};

#define SORT_CHECK 0xffff        /* items between cancellation checks, minus one */

/* The chunks a set of sort items addresses: items hold indexes into all.
 * Built per sort call (one per worker for TOP-N compaction, one for the
 * final sort), never shared between threads. */
struct sort_view {
	const struct sort_global *G;
	struct chunk **all;
	int nall;
};

static bool
sort_stopped(const struct sort_view *V)
{
	return exec_should_stop(V->G->ctx);
}

struct sort_worker {
	struct expr_state **keys;
	struct chunk tmp;            /* child columns + evaluated keys */
	uint32_t sel[WB_VEC_SIZE];
	uint64_t prefix[WB_VEC_SIZE];
};

static int
cmp_items(const struct sort_view *V, const struct sort_item *a, const struct sort_item *b)
{
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	const struct pnode *n = V->G->n;
	int base = n->child->ncol;
	const struct chunk *ca = V->all[a->chunk], *cb = V->all[b->chunk];
	for (int k = 0; k < n->u.sort.nkeys; k++) {
		int c = sortkey_cmp(&ca->cols[base + k], (int)a->row, &cb->cols[base + k], (int)b->row, &n->u.sort.keys[k]);
		if (c)
			return c;
	}
	/* stable: earlier stored rows first */
	if (a->chunk != b->chunk)
		return a->chunk < b->chunk ? -1 : 1;
	return a->row < b->row ? -1 : a->row > b->row;
}

/* Merge sort on items (stable, used for runs of equal prefixes). */
static void
msort(const struct sort_view *G, struct sort_item *v, struct sort_item *tmp, int64_t n)
{
	if (n < 16) {
		for (int64_t i = 1; i < n; i++) {
			struct sort_item x = v[i];
			int64_t j = i;
			while (j > 0 && cmp_items(G, &x, &v[j - 1]) < 0) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
		return;
	}
	/* a run of equal prefixes can be the whole input (a string key
	 * whose first 8 bytes repeat): large merges look at the context, and
	 * a stopped one leaves v as it was (two sorted halves) */
	bool big = n > SORT_CHECK;
	if (big && sort_stopped(G))
		return;
	int64_t h = n / 2;
	msort(G, v, tmp, h);
	msort(G, v + h, tmp, n - h);
	if (cmp_items(G, &v[h - 1], &v[h]) <= 0)
		return;
	int64_t i = 0, j = h, k = 0;
	while (i < h && j < n) {
		if (big && (k & SORT_CHECK) == SORT_CHECK && sort_stopped(G))
			return;
		tmp[k++] = cmp_items(G, &v[j], &v[i]) < 0 ? v[j++] : v[i++];
	}
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, sizeof *v * (size_t)n);
}

void
sort_radix(struct sort_item *v, struct sort_item *tmp, int64_t n)
{
	sort_radix_on(v, tmp, n, false);
}

/* Sort items: radix on prefixes, then resolve runs of equal prefixes. */
static void
sort_items(const struct sort_view *G, struct sort_item *items, int64_t n)
{
	if (n < 2)
		return;
	struct sort_item *tmp = xmalloc(sizeof *tmp * (size_t)n);
	sort_radix(items, tmp, n);
	if (sort_stopped(G)) {
		free(tmp);
		return;
	}
	/* prefixes give up their lowest bit so that 0 and all ones can stand
	 * for NULL, and hold only 8 bytes of a string: equal prefixes are ties
	 * to compare in full (runs of one or two rows for numbers) */
	{
		int64_t i = 0, checked = 0;
		while (i < n) {
			if (i - checked > SORT_CHECK) {
				if (sort_stopped(G))
					break;
				checked = i;
			}
			int64_t j = i + 1;
			while (j < n && items[j].prefix == items[i].prefix)
				j++;
			if (j - i > 1)
				msort(G, items + i, tmp, j - i);
			i = j;
		}
	}
	free(tmp);
}

/* Items for every row of stores[0..nstores), indexing V->all (built here;
 * the caller frees V->all). */
static struct sort_item *
make_items(struct sort_view *V, struct sort_store *stores, int nstores, int64_t *nitems)
{
	const struct pnode *n = V->G->n;
	int base = n->child->ncol;
	int64_t total = 0;
	V->nall = 0;
	for (int w = 0; w < nstores; w++)
		V->nall += stores[w].rows.n;
	V->all = xmalloc(sizeof *V->all * (size_t)(V->nall ? V->nall : 1));
	int ci = 0;
	for (int w = 0; w < nstores; w++)
		for (int c = 0; c < stores[w].rows.n; c++) {
			V->all[ci++] = &stores[w].rows.chunks[c];
			total += stores[w].rows.chunks[c].n;
		}
	struct sort_item *items = xmalloc(sizeof *items * (size_t)(total ? total : 1));
	int64_t k = 0;
	for (int c = 0; c < V->nall; c++) {
		if ((c & 31) == 31 && sort_stopped(V)) {
			total = k;
			break;
		}
		const struct chunk *ch = V->all[c];
		const struct vec *kv = &ch->cols[base];
		for (int r = 0; r < ch->n; r++) {
			items[k].prefix = sortkey_prefix(kv, r, &n->u.sort.keys[0]);
			items[k].chunk = (uint32_t)c;
			items[k].row = (uint32_t)r;
			k++;
		}
	}
	*nitems = total;
	return items;
}

/* Copy rows in item order [from, to) into dst (the first ncol columns).
 * -1 when the query stopped meanwhile (dst then holds some of the rows). */
static int
emit_items(const struct sort_view *V, const struct sort_item *items, int64_t from, int64_t to,
    struct result_chunks *dst, int ncol, const wb_type *types)
{
	uint32_t sel[WB_VEC_SIZE];
	int64_t i = from, checked = from;
	while (i < to) {
		if (i - checked > SORT_CHECK) {
			if (sort_stopped(V))
				return -1;
			checked = i;
		}
		/* runs of items from the same chunk are copied with one call */
		uint32_t c = items[i].chunk;
		int m = 0;
		while (i < to && items[i].chunk == c && m < WB_VEC_SIZE)
			sel[m++] = items[i++].row;
		result_chunks_append(dst, ncol, types, V->all[c], sel, 0, m);
	}
	return 0;
}

/* TOP-N: keep the best `limit` rows of worker w's store (thread-local).
 * -1 when the query stopped meanwhile (the store is then left as it was). */
static int
topn_compact(struct sort_global *G, int w)
{
	struct sort_store *st = &G->stores[w];
	int64_t keep = G->n->u.sort.limit;
	struct sort_view V = {G, NULL, 0};
	int64_t n;
	struct sort_item *items = make_items(&V, st, 1, &n);
	sort_items(&V, items, n);
	struct result_chunks fresh;
	result_chunks_init(&fresh);
	int64_t m = n < keep ? n : keep;
	if (sort_stopped(&V) || emit_items(&V, items, 0, m, &fresh, G->nstore, G->stypes) < 0) {
		free(items);
		free(V.all);
		result_chunks_free(&fresh);
		return -1;
	}
	if (m > 0) {
		st->have_bound = m == keep;
		st->bound = items[m - 1].prefix;
	}
	free(items);
	free(V.all);
	result_chunks_free(&st->rows);
	st->rows = fresh;
	st->nrows = m;
	return 0;
}

struct sort_run {
	struct sort_global *G;
	struct sort_worker **workers;
};

static int
sort_consume(void *arg, int worker, struct chunk *c, struct wb_error *err)
{
	struct sort_run *run = arg;
	struct sort_global *G = run->G;
	struct sort_worker *w = run->workers[worker];
	struct sort_store *st = &G->stores[worker];
	const struct pnode *n = G->n;
	int base = n->child->ncol;
	/* child columns referenced, keys evaluated */
	for (int col = 0; col < base; col++)
		vec_ref(&w->tmp.cols[col], &c->cols[col]);
	for (int k = 0; k < n->u.sort.nkeys; k++) {
		struct vec *v;
		if (expr_eval(w->keys[k], c, &v, err) < 0)
			return -1;
		vec_ref(&w->tmp.cols[base + k], v);
	}
	w->tmp.n = c->n;
	if (n->kind == PN_TOPN && st->have_bound) {
		const struct vec *kv = &w->tmp.cols[base];
		int m = 0;
		for (int i = 0; i < c->n; i++)
			if (sortkey_prefix(kv, i, &n->u.sort.keys[0]) <= st->bound)
				w->sel[m++] = (uint32_t)i;
		if (m == 0)
			return 0;
		result_chunks_append(&st->rows, G->nstore, G->stypes, &w->tmp, w->sel, 0, m);
		st->nrows += m;
	} else {
		result_chunks_append(&st->rows, G->nstore, G->stypes, &w->tmp, NULL, 0, c->n);
		st->nrows += c->n;
	}
	if (n->kind == PN_TOPN && st->nrows > 2 * n->u.sort.limit + WB_VEC_SIZE && topn_compact(G, worker) < 0)
		return -1;     /* stopped: the context holds the reason */
	return 0;
}

int
sort_prepare(struct pnode *n, struct exec_ctx *ctx)
{
	struct sort_global *G = xcalloc(1, sizeof *G);
	n->gstate = G;
	result_chunks_init(&G->result);
	G->n = n;
	G->ctx = ctx;
	int base = n->child->ncol, nk = n->u.sort.nkeys;
	G->nstore = base + nk;
	G->stypes = xmalloc(sizeof(wb_type) * (size_t)G->nstore);
	memcpy(G->stypes, n->child->types, sizeof(wb_type) * (size_t)base);
	for (int k = 0; k < nk; k++) {
		G->stypes[base + k] = n->u.sort.keys[k].expr->type;
	}
	int w = pool_size();
	if (ctx->max_workers > 0 && ctx->max_workers < w)
		w = ctx->max_workers;
	int p = exec_parallelism(n->child);
	if (p < w)
		w = p;
	if (w < 1)
		w = 1;
	G->nworkers = w;
	G->stores = xcalloc((size_t)w, sizeof *G->stores);
	struct sort_run run = {G, xcalloc((size_t)w, sizeof(struct sort_worker *))};
	struct wb_error err = WB_ERROR_INIT;
	int rc = 0;
	for (int i = 0; i < w; i++) {
		result_chunks_init(&G->stores[i].rows);
		struct sort_worker *sw = xcalloc(1, sizeof *sw);
		run.workers[i] = sw;
		chunk_init(&sw->tmp, G->nstore, G->stypes);
		sw->keys = xcalloc((size_t)(nk ? nk : 1), sizeof *sw->keys);
		for (int k = 0; k < nk && rc == 0; k++) {
			sw->keys[k] = expr_state_new(n->u.sort.keys[k].expr, &err);
			if (sw->keys[k] == NULL)
				rc = -1;
		}
	}
	if (rc < 0) {
		exec_fail(ctx, &err);
	} else {
		int used, saved = ctx->max_workers;
		ctx->max_workers = w;
		rc = exec_parallel(n->child, ctx, sort_consume, &run, &used);
		ctx->max_workers = saved;
		n->stats.workers = used;
	}
	for (int i = 0; i < w; i++) {
		struct sort_worker *sw = run.workers[i];
		for (int k = 0; k < nk; k++)
			expr_state_free(sw->keys[k]);
		free(sw->keys);
		/* tmp columns only borrowed data */
		for (int c = 0; c < G->nstore; c++) {
			sw->tmp.cols[c].data = NULL;
			sw->tmp.cols[c].nulls = NULL;
		}
		chunk_free(&sw->tmp);
		free(sw);
	}
	free(run.workers);
	if (rc < 0)
		return -1;
	int64_t nitems;
	struct sort_view V = {G, NULL, 0};
	struct sort_item *items = make_items(&V, G->stores, G->nworkers, &nitems);
	sort_items(&V, items, nitems);
	int64_t from = 0, to = nitems;
	if (n->kind == PN_TOPN) {
		from = n->u.sort.offset < nitems ? n->u.sort.offset : nitems;
		to = n->u.sort.limit < nitems ? n->u.sort.limit : nitems;
	}
	if (sort_stopped(&V) || emit_items(&V, items, from, to, &G->result, n->ncol, n->types) < 0)
		rc = -1;     /* the context holds the reason; cleanup frees the rest */
	free(items);
	free(V.all);
	/* the result holds copies: the stores can go now */
	for (int i = 0; i < w; i++)
		result_chunks_free(&G->stores[i].rows);
	return rc;
}

void
sort_cleanup(struct pnode *n)
{
	struct sort_global *G = n->gstate;
	if (G == NULL)
		return;
	result_chunks_free(&G->result);
	for (int i = 0; i < G->nworkers; i++)
		result_chunks_free(&G->stores[i].rows);
	free(G->stores);
	free(G->stypes);
	free(G);
	n->gstate = NULL;
}
