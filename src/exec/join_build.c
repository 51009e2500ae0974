/*
 * Join build side: collect u.join.right in parallel into per-worker column
 * blocks, then build the radix-partitioned hash table (see join_int.h).
 *
 * Collection: each worker evaluates the key expressions over its chunks,
 * hashes the keys and appends the rows it keeps (rows with a NULL key
 * cannot match and are dropped unless a RIGHT/FULL join must emit them)
 * to its own blocks, copying strings into its heap once per row, or once
 * per dictionary entry for dictionary-encoded columns.
 *
 * Table build, in three parallel passes: count rows per (block range,
 * partition); scatter (hash or key, row id) entries into one array grouped
 * by partition; build each partition's slot table from its entries, read
 * sequentially (one task per partition, so no two threads ever touch the
 * same slots). Entries are inserted in reverse so that each key's chain
 * lists its rows in build order. Each pass looks at the context every
 * block (partition build: every 64K rows), so that a cancelled query
 * does not finish a table of tens of millions of rows first.
 */
#include "exec/join_int.h"
#include "core/hash.h"
#include "core/list.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- key cells */

static inline bool
cell_eq(wb_type t, const void *a, const void *b)
{
	switch (t) {
	case WB_TYPE_VARCHAR:
		return wb_str_eq(*(const wb_str *)a, *(const wb_str *)b);
	case WB_TYPE_DOUBLE: {
		double x = *(const double *)a, y = *(const double *)b;
		return x == y || (x != x && y != y);
	}
	case WB_TYPE_BOOL:
		return *(const uint8_t *)a == *(const uint8_t *)b;
	case WB_TYPE_INTERVAL:
		return memcmp(a, b, sizeof(wb_interval)) == 0;
	case WB_TYPE_NULL:
		return true;
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP:
		return *(const int64_t *)a == *(const int64_t *)b;
	default:   /* lists */
		return list_eq(*(const wb_list *)a, *(const wb_list *)b, type_list_elem(t));
	}
}

static inline const void *
cell_at(const struct join_global *G, int sc, uint32_t id)
{
	return (const char *)G->cdata[sc][id >> JB_SHIFT] + (size_t)(id & JB_MASK) * type_size(G->stypes[sc]);
}

static inline bool
cell_null(const struct join_global *G, int sc, uint32_t id)
{
	const uint8_t *nl = G->cnulls[sc][id >> JB_SHIFT];
	return nl != NULL && nl[id & JB_MASK];
}

bool
join_keys_equal(const struct join_global *G, struct vec *const *kv, int i, uint32_t id)
{
	const struct pnode *n = G->n;
	for (int k = 0; k < G->nkeys; k++) {
		int sc = G->key_store[k];
		bool bn = cell_null(G, sc, id), pn = kv[k]->nulls && kv[k]->nulls[i];
		if (bn || pn) {
			if (!(bn && pn && n->u.join.null_eq && n->u.join.null_eq[k]))
				return false;
			continue;
		}
		wb_type t = G->stypes[sc];
		if (!cell_eq(t, cell_at(G, sc, id), (const char *)kv[k]->data + (size_t)i * type_size(t)))
			return false;
	}
	return true;
}

/* Do build rows a and b have equal keys (NULLs equal only under null_eq;
 * rows with a NULL non-null_eq key are never inserted)? */
static bool
build_keys_equal(const struct join_global *G, uint32_t a, uint32_t b)
{
	for (int k = 0; k < G->nkeys; k++) {
		int sc = G->key_store[k];
		bool na = cell_null(G, sc, a), nb = cell_null(G, sc, b);
		if (na || nb) {
			if (na != nb)
				return false;
			continue;
		}
		if (!cell_eq(G->stypes[sc], cell_at(G, sc, a), cell_at(G, sc, b)))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------ storing */

static struct jblock *
block_new(const struct join_global *G)
{
	struct jblock *b = xcalloc(1, sizeof *b + (size_t)G->nstore * (sizeof(void *) + sizeof(uint8_t *)));
	b->cols = (void **)(b + 1);
	b->nulls = (uint8_t **)(b->cols + G->nstore);
	for (int sc = 0; sc < G->nstore; sc++)
		b->cols[sc] = xmalloc(type_size(G->stypes[sc]) * WB_VEC_SIZE);
	if (!G->allrows)
		b->hashes = xmalloc(sizeof(uint64_t) * WB_VEC_SIZE);
	return b;
}

static void
block_free(const struct join_global *G, struct jblock *b)
{
	for (int sc = 0; sc < G->nstore; sc++) {
		free(b->cols[sc]);
		free(b->nulls[sc]);
	}
	free(b->hashes);
	free(b);
}

static inline wb_str
heap_copy(struct arena *heap, wb_str s)
{
	if (s.n == 0)
		return (wb_str){"", 0};
	char *p = arena_alloc(heap, s.n);
	memcpy(p, s.p, s.n);
	return (wb_str){p, s.n};
}

/* The heap copy of entry `code` of a dictionary (copied on first use). */
static inline wb_str
dict_entry(struct jstore *st, struct jdict_cache *dc, const struct wb_dict *d, uint32_t code)
{
	if (dc->id != d->id) {
		if (dc->cap < d->n) {
			free(dc->map);
			dc->map = xmalloc(sizeof(wb_str) * d->n);
			dc->cap = d->n;
		}
		for (uint32_t i = 0; i < d->n; i++)
			dc->map[i].n = UINT32_MAX;
		dc->id = d->id;
	}
	wb_str *s = &dc->map[code];
	if (s->n == UINT32_MAX)
		*s = heap_copy(&st->heap, d->vals[code]);
	return *s;
}

/* Copy k rows of src (rows sel[0..k) or from..from+k) to rows at.. of
 * store column sc of block b. */
static void
copy_col(const struct join_global *G, struct jstore *st, int sc, struct jblock *b, int at, const struct vec *src,
    const uint32_t *sel, int from, int k)
{
	wb_type t = G->stypes[sc];
	size_t sz = type_size(t);
	char *dst = (char *)b->cols[sc] + (size_t)at * sz;
	/* NULL flags first: string copies skip NULL rows */
	uint8_t *dn = NULL;
	if (src->nulls) {
		if (src->kind == VEC_CONST) {
			if (src->nulls[0]) {
				if (b->nulls[sc] == NULL)
					b->nulls[sc] = xcalloc(WB_VEC_SIZE, 1);
				memset(b->nulls[sc] + at, 1, (size_t)k);
				memset(dst, 0, sz * (size_t)k);
				if (t == WB_TYPE_VARCHAR)
					for (int i = 0; i < k; i++)
						((wb_str *)dst)[i] = (wb_str){"", 0};
				if (type_is_list(t))
					for (int i = 0; i < k; i++)
						((wb_list *)dst)[i] = list_empty();
				return;
			}
		} else {
			uint8_t any = 0;
			for (int i = 0; i < k; i++)
				any |= src->nulls[sel ? sel[i] : (uint32_t)(from + i)];
			if (any) {
				if (b->nulls[sc] == NULL)
					b->nulls[sc] = xcalloc(WB_VEC_SIZE, 1);
				dn = b->nulls[sc] + at;
				for (int i = 0; i < k; i++)
					dn[i] = src->nulls[sel ? sel[i] : (uint32_t)(from + i)] != 0;
			}
		}
	}
	if (b->nulls[sc] && dn == NULL)
		memset(b->nulls[sc] + at, 0, (size_t)k);

	if (t == WB_TYPE_VARCHAR) {
		wb_str *d = (wb_str *)dst;
		if (src->kind == VEC_CONST) {
			wb_str s = heap_copy(&st->heap, vec_str(src)[0]);
			for (int i = 0; i < k; i++)
				d[i] = s;
		} else if (src->kind == VEC_DICT) {
			const uint32_t *codes = vec_codes(src);
			struct jdict_cache *dc = &st->dicts[sc];
			for (int i = 0; i < k; i++) {
				uint32_t r = sel ? sel[i] : (uint32_t)(from + i);
				d[i] = dn && dn[i] ? (wb_str){"", 0} : dict_entry(st, dc, src->dict, codes[r]);
			}
		} else {
			const wb_str *s = vec_str(src);
			for (int i = 0; i < k; i++) {
				uint32_t r = sel ? sel[i] : (uint32_t)(from + i);
				d[i] = dn && dn[i] ? (wb_str){"", 0} : heap_copy(&st->heap, s[r]);
			}
		}
		return;
	}
	if (type_is_list(t)) {
		/* lists are copied into the heap once per row (a CONST once) */
		wb_list *d = (wb_list *)dst;
		wb_type et = type_list_elem(t);
		wb_list cl = src->kind == VEC_CONST ? list_copy(&st->heap, vec_list(src)[0], et) : list_empty();
		for (int i = 0; i < k; i++) {
			uint32_t r = sel ? sel[i] : (uint32_t)(from + i);
			d[i] = dn && dn[i] ? list_empty() : src->kind == VEC_CONST ? cl : list_copy(&st->heap, vec_list(src)[r], et);
		}
		return;
	}
	if (src->kind == VEC_CONST) {
		for (int i = 0; i < k; i++)
			memcpy(dst + (size_t)i * sz, src->data, sz);
		return;
	}
	if (sel == NULL) {
		memcpy(dst, (const char *)src->data + (size_t)from * sz, sz * (size_t)k);
		return;
	}
	switch (sz) {
	case 1:
		for (int i = 0; i < k; i++)
			((uint8_t *)dst)[i] = ((const uint8_t *)src->data)[sel[i]];
		break;
	case 8:
		for (int i = 0; i < k; i++)
			((int64_t *)dst)[i] = ((const int64_t *)src->data)[sel[i]];
		break;
	default:
		for (int i = 0; i < k; i++)
			memcpy(dst + (size_t)i * sz, (const char *)src->data + (size_t)sel[i] * sz, sz);
	}
}

/* Append m rows (sel[0..m), or the first m) to the store. */
static void
store_append(const struct join_global *G, struct jstore *st, struct vec *const *srcs, const uint32_t *sel, int m,
    const uint64_t *hashes)
{
	int done = 0;
	while (done < m) {
		struct jblock *b = st->nblocks ? st->blocks[st->nblocks - 1] : NULL;
		if (b == NULL || b->n == WB_VEC_SIZE) {
			st->blocks = xgrow(st->blocks, &st->cap, (size_t)st->nblocks + 1, sizeof *st->blocks);
			b = st->blocks[st->nblocks++] = block_new(G);
		}
		int k = m - done < WB_VEC_SIZE - b->n ? m - done : WB_VEC_SIZE - b->n;
		const uint32_t *s = sel ? sel + done : NULL;
		for (int sc = 0; sc < G->nstore; sc++)
			copy_col(G, st, sc, b, b->n, srcs[sc], s, done, k);
		if (b->hashes)
			for (int i = 0; i < k; i++)
				b->hashes[b->n + i] = hashes[s ? s[i] : (uint32_t)(done + i)];
		b->n += k;
		done += k;
	}
}

/* ---------------------------------------------------------- collecting */

struct jworker {
	struct expr_state **keys;    /* evaluated keys only */
	struct vec *kflat;           /* per key: flattened copy */
	struct vec **kv;
	struct vec **srcs;           /* per store column */
	uint64_t hashes[WB_VEC_SIZE];
	uint32_t sel[WB_VEC_SIZE];
	uint8_t nullkey[WB_VEC_SIZE];
};

struct jcollect {
	struct join_global *G;
	struct jworker **workers;
};

static struct vec *
flat_of(struct vec *scratch, struct vec *v, int n)
{
	if (v->kind == VEC_FLAT)
		return v;
	vec_ref(scratch, v);
	scratch->n = n;
	vec_flatten(scratch);
	return scratch;
}

static int
collect(void *arg, int worker, struct chunk *c, struct wb_error *err)
{
	struct jcollect *J = arg;
	struct join_global *G = J->G;
	struct pnode *n = G->n;
	struct jworker *w = J->workers[worker];
	struct jstore *st = &G->stores[worker];
	int cnt = c->n;
	st->rows_in += cnt;
	if (cnt == 0)
		return 0;
	const uint32_t *sel = NULL;
	int m = cnt;
	for (int k = 0; k < G->nkeys; k++) {
		struct vec *v;
		if (G->key_eval[k]) {
			if (expr_eval(w->keys[k], c, &v, err) < 0)
				return -1;
		} else {
			v = &c->cols[n->u.join.rkeys[k]->u.column];
		}
		w->kv[k] = flat_of(&w->kflat[k], v, cnt);
	}
	/* rows with a NULL key (NULL never equals anything unless null_eq) */
	bool anynull = false;
	for (int k = 0; k < G->nkeys; k++) {
		const struct vec *v = w->kv[k];
		if (v->nulls == NULL || (n->u.join.null_eq && n->u.join.null_eq[k]))
			continue;
		if (!anynull)
			memset(w->nullkey, 0, (size_t)cnt);
		anynull = true;
		for (int i = 0; i < cnt; i++)
			w->nullkey[i] |= v->nulls[i];
	}
	if (anynull) {
		int k = 0;
		for (int i = 0; i < cnt; i++) {
			w->sel[k] = (uint32_t)i;
			k += !w->nullkey[i];
		}
		if (k < cnt)
			st->null_key = true;
		if (!G->keep_null_keys && k < cnt) {
			sel = w->sel;
			m = k;
		}
	}
	if (m == 0)
		return 0;
	if (G->nkeys > 0) {
		if (G->intmode) {
			const int64_t *kv = vec_i64(w->kv[0]);
			for (int i = 0; i < cnt; i++)
				w->hashes[i] = hash_u64((uint64_t)kv[i]);
		} else {
			for (int k = 0; k < G->nkeys; k++)
				hash_vec(w->kv[k], cnt, w->hashes, k > 0);
		}
	}
	for (int j = 0; j < G->bncol; j++)
		if (G->bcol_store[j] >= 0)
			w->srcs[G->bcol_store[j]] = &c->cols[j];
	for (int k = 0; k < G->nkeys; k++)
		if (G->key_eval[k])
			w->srcs[G->key_store[k]] = w->kv[k];
	store_append(G, st, w->srcs, sel, m, w->hashes);
	return 0;
}

static void
jworker_free(struct join_global *G, struct jworker *w)
{
	if (w == NULL)
		return;
	for (int k = 0; k < G->nkeys; k++) {
		expr_state_free(w->keys[k]);
		vec_free(&w->kflat[k]);
	}
	free(w->keys);
	free(w->kflat);
	free(w->kv);
	free(w->srcs);
	free(w);
}

static struct jworker *
jworker_new(struct join_global *G, struct wb_error *err)
{
	int nk = G->nkeys ? G->nkeys : 1;
	struct jworker *w = xcalloc(1, sizeof *w);
	w->keys = xcalloc((size_t)nk, sizeof *w->keys);
	w->kflat = xcalloc((size_t)nk, sizeof *w->kflat);
	w->kv = xcalloc((size_t)nk, sizeof *w->kv);
	w->srcs = xcalloc((size_t)(G->nstore ? G->nstore : 1), sizeof *w->srcs);
	for (int k = 0; k < G->nkeys; k++) {
		const struct bexpr *e = G->n->u.join.rkeys[k];
		vec_init(&w->kflat[k], e->type);
		if (G->key_eval[k] && (w->keys[k] = expr_state_new(e, err)) == NULL) {
			jworker_free(G, w);
			return NULL;
		}
	}
	return w;
}

/* ------------------------------------------------------------ building */

struct jbuild {
	struct join_global *G;
	int ntasks;
	uint32_t nparts;
	uint32_t *bstart;       /* per task: first block (ntasks + 1 entries) */
	int64_t *counts;        /* [task][part]: rows, then write offsets */
	int64_t *pstart;        /* per partition: first index in order (nparts + 1) */
	struct jent *order;     /* rows grouped by partition */
	struct exec_ctx *ctx;   /* stopped: the tasks return early */
};

/* A row to insert: its hash (integer mode: its key) and id, so that a
 * partition's build reads its rows sequentially. */
struct jent {
	uint64_t hk;
	uint32_t id;
	uint32_t pad;
};

/* May row id be inserted? (RIGHT/FULL store rows with NULL keys, which
 * can never match.) */
static inline bool
insertable(const struct join_global *G, uint32_t id)
{
	if (!G->keep_null_keys)
		return true;
	const bool *ne = G->n->u.join.null_eq;
	for (int k = 0; k < G->nkeys; k++)
		if (!(ne && ne[k]) && cell_null(G, G->key_store[k], id))
			return false;
	return true;
}

static void
count_task(void *arg, int t, int worker)
{
	struct jbuild *B = arg;
	const struct join_global *G = B->G;
	int64_t *cnt = B->counts + (size_t)t * B->nparts;
	(void)worker;
	for (uint32_t b = B->bstart[t]; b < B->bstart[t + 1]; b++) {
		if (exec_should_stop(B->ctx))
			return;
		const struct jblock *blk = G->blocks[b];
		for (int r = 0; r < blk->n; r++)
			if (insertable(G, b << JB_SHIFT | (uint32_t)r))
				cnt[join_part_of(G, blk->hashes[r])]++;
	}
}

static void
scatter_task(void *arg, int t, int worker)
{
	struct jbuild *B = arg;
	const struct join_global *G = B->G;
	int64_t *off = B->counts + (size_t)t * B->nparts;
	(void)worker;
	for (uint32_t b = B->bstart[t]; b < B->bstart[t + 1]; b++) {
		if (exec_should_stop(B->ctx))
			return;
		const struct jblock *blk = G->blocks[b];
		const int64_t *keys = G->intmode ? G->cdata[G->key_store[0]][b] : NULL;
		for (int r = 0; r < blk->n; r++) {
			uint32_t id = b << JB_SHIFT | (uint32_t)r;
			if (!insertable(G, id))
				continue;
			struct jent *e = &B->order[off[join_part_of(G, blk->hashes[r])]++];
			e->hk = keys ? (uint64_t)keys[r] : blk->hashes[r];
			e->id = id;
		}
	}
}

/* Build partition p's slots from its ids. */
static void
part_task(void *arg, int p, int worker)
{
	struct jbuild *B = arg;
	struct join_global *G = B->G;
	struct jpart *P = &G->parts[p];
	int64_t from = B->pstart[p], to = B->pstart[p + 1];
	(void)worker;
	/* zeroed by writing, not by calloc: a read of a calloc'd page maps
	 * the shared zero page, and the first write after it costs a
	 * copy-on-write fault with a TLB shootdown across all threads */
	memset(P->slots, 0, sizeof *P->slots * ((size_t)P->mask + 1));
	enum { PF = 16 };
	for (int64_t x = to - 1; x >= from; x--) {
		if (((to - 1 - x) & 0xffff) == 0 && exec_should_stop(B->ctx))
			return;
		/* next[] is written at random: fetch it ahead */
		if (x - PF >= from)
			__builtin_prefetch(&G->next[B->order[x - PF].id], 1);
		uint32_t id = B->order[x].id;
		uint64_t hv = B->order[x].hk;
		uint64_t h = G->intmode ? hash_u64(hv) : hv;
		uint32_t s = (uint32_t)h & P->mask;
		for (;;) {
			struct jslot *sl = &P->slots[s];
			if (sl->head == 0) {
				sl->hv = hv;
				sl->head = id + 1;
				G->next[id] = 0;
				break;
			}
			if (sl->hv == hv && (G->intmode || build_keys_equal(G, id, sl->head - 1))) {
				G->next[id] = sl->head;
				sl->head = id + 1;
				P->dup = true;
				break;
			}
			s = (s + 1) & P->mask;
		}
	}
}

/* -1 when the query stopped meanwhile (the table is then unusable). */
static int
build_table(struct join_global *G, struct exec_ctx *ctx)
{
	int threads = pool_size();
	uint32_t nparts = 1;
	if (G->nrows >= 65536) {
		/* enough partitions for every thread, each small enough for
		 * its slots to stay in cache while it is built */
		nparts = 8;
		while (nparts < 8u * (uint32_t)threads || (nparts < 4096 && (int64_t)nparts * 65536 < G->nrows))
			nparts *= 2;
	}
	G->pmask = nparts - 1;
	G->parts = xcalloc(nparts, sizeof *G->parts);
	G->next = xmalloc(sizeof(uint32_t) * ((size_t)G->nblocks << JB_SHIFT));
	struct jbuild B = {G, 1, nparts, NULL, NULL, NULL, NULL, ctx};
	if (nparts > 1) {
		B.ntasks = 4 * threads;
		if ((uint32_t)B.ntasks > G->nblocks)
			B.ntasks = (int)G->nblocks;
	}
	B.bstart = xmalloc(sizeof(uint32_t) * (size_t)(B.ntasks + 1));
	for (int t = 0; t <= B.ntasks; t++)
		B.bstart[t] = (uint32_t)((uint64_t)G->nblocks * (uint64_t)t / (uint64_t)B.ntasks);
	B.counts = xcalloc((size_t)B.ntasks * nparts, sizeof(int64_t));
	B.pstart = xcalloc(nparts + 1, sizeof(int64_t));
	pool_run(B.ntasks, count_task, &B);
	if (exec_should_stop(ctx)) {
		free(B.bstart);
		free(B.counts);
		free(B.pstart);
		return -1;
	}
	int64_t off = 0;
	for (uint32_t p = 0; p < nparts; p++) {
		B.pstart[p] = off;
		for (int t = 0; t < B.ntasks; t++) {
			int64_t c = B.counts[(size_t)t * nparts + p];
			B.counts[(size_t)t * nparts + p] = off;
			off += c;
		}
	}
	B.pstart[nparts] = off;
	/* all partitions' slots in one allocation, each a power of two with
	 * a load factor of at most 2/3 */
	size_t total = 0;
	for (uint32_t p = 0; p < nparts; p++) {
		int64_t cnt = B.pstart[p + 1] - B.pstart[p];
		uint32_t cap = 16;
		while (cap < cnt + cnt / 2 + 1)
			cap *= 2;
		G->parts[p].mask = cap - 1;
		total += cap;
	}
	G->slots = xmalloc(sizeof *G->slots * total);
	total = 0;
	for (uint32_t p = 0; p < nparts; p++) {
		G->parts[p].slots = G->slots + total;
		total += G->parts[p].mask + 1;
	}
	B.order = xmalloc(sizeof *B.order * (size_t)(off ? off : 1));
	pool_run(B.ntasks, scatter_task, &B);
	if (!exec_should_stop(ctx))
		pool_run((int)nparts, part_task, &B);
	G->unique = true;
	for (uint32_t p = 0; p < nparts; p++)
		G->unique &= !G->parts[p].dup;
	free(B.order);
	free(B.bstart);
	free(B.counts);
	free(B.pstart);
	return exec_should_stop(ctx) ? -1 : 0;
}

/* ------------------------------------------------------------- layout */

static int
layout(struct join_global *G, struct wb_error *err)
{
	struct pnode *n = G->n, *right = n->u.join.right;
	G->type = n->u.join.type == PJ_CROSS ? PJ_INNER : n->u.join.type;
	G->pncol = n->child->ncol;
	G->bncol = right->ncol;
	G->nkeys = n->kind == PN_HASH_JOIN ? n->u.join.nkeys : 0;
	G->allrows = G->nkeys == 0;
	G->keep_null_keys = G->type == PJ_RIGHT || G->type == PJ_FULL;
	int tot = G->pncol + G->bncol;
	G->res_used = xcalloc((size_t)(tot ? tot : 1), sizeof(bool));
	if (n->u.join.residual)
		bexpr_columns_used(n->u.join.residual, G->res_used, tot);
	bool semi = G->type == PJ_SEMI || G->type == PJ_ANTI;
	G->bcol_store = xmalloc(sizeof(int) * (size_t)(G->bncol ? G->bncol : 1));
	int nk = G->nkeys ? G->nkeys : 1;
	G->key_store = xcalloc((size_t)nk, sizeof(int));
	G->key_eval = xcalloc((size_t)nk, sizeof(bool));
	G->stypes = xmalloc(sizeof(wb_type) * (size_t)(G->bncol + nk));
	G->nstore = 0;
	for (int j = 0; j < G->bncol; j++) {
		G->bcol_store[j] = -1;
		if (!semi || G->res_used[G->pncol + j]) {
			G->bcol_store[j] = G->nstore;
			G->stypes[G->nstore++] = right->types[j];
		}
	}
	for (int k = 0; k < G->nkeys; k++) {
		const struct bexpr *l = n->u.join.lkeys[k], *r = n->u.join.rkeys[k];
		if (l->type != r->type) {
			err_set(err, -1, "join key %d compares %s with %s (the binder must cast them to one type)", k + 1,
			    type_name(l->type), type_name(r->type));
			return -1;
		}
		if (r->kind == BX_COLUMN && G->bcol_store[r->u.column] >= 0 && right->types[r->u.column] == r->type) {
			G->key_store[k] = G->bcol_store[r->u.column];
		} else {
			G->key_eval[k] = true;
			G->key_store[k] = G->nstore;
			G->stypes[G->nstore++] = r->type;
		}
	}
	G->intmode = G->nkeys == 1 && type_is_integer_like(n->u.join.rkeys[0]->type) &&
	    !(n->u.join.null_eq && n->u.join.null_eq[0]);
	return 0;
}

/* Give every block a global number, set up the column arrays and the
 * all-NULL row. */
static void
assemble(struct join_global *G)
{
	uint32_t nb = 0;
	for (int w = 0; w < G->nstores; w++) {
		nb += (uint32_t)G->stores[w].nblocks;
		G->build_rows += G->stores[w].rows_in;
		G->build_null_key |= G->stores[w].null_key;
	}
	G->nblocks = nb;
	G->blocks = xmalloc(sizeof *G->blocks * ((size_t)nb + 1));
	G->bn = xmalloc(sizeof(uint32_t) * ((size_t)nb + 1));
	nb = 0;
	for (int w = 0; w < G->nstores; w++)
		for (int b = 0; b < G->stores[w].nblocks; b++) {
			G->blocks[nb] = G->stores[w].blocks[b];
			G->bn[nb] = (uint32_t)G->blocks[nb]->n;
			G->nrows += G->blocks[nb]->n;
			nb++;
		}
	struct jblock *nul = block_new(G);
	nul->n = 1;
	for (int sc = 0; sc < G->nstore; sc++) {
		memset(nul->cols[sc], 0, type_size(G->stypes[sc]));
		if (G->stypes[sc] == WB_TYPE_VARCHAR)
			((wb_str *)nul->cols[sc])[0] = (wb_str){"", 0};
		if (type_is_list(G->stypes[sc]))
			((wb_list *)nul->cols[sc])[0] = list_empty();
		nul->nulls[sc] = xcalloc(WB_VEC_SIZE, 1);
		nul->nulls[sc][0] = 1;
	}
	G->blocks[nb] = nul;
	G->bn[nb] = 0;   /* not a row for iteration */
	G->null_id = nb << JB_SHIFT;
	int ns = G->nstore ? G->nstore : 1;
	G->cdata = xcalloc((size_t)ns, sizeof *G->cdata);
	G->cnulls = xcalloc((size_t)ns, sizeof *G->cnulls);
	G->cany_null = xcalloc((size_t)ns, sizeof *G->cany_null);
	bool outer = G->type == PJ_LEFT || G->type == PJ_FULL || G->type == PJ_RIGHT;
	for (int sc = 0; sc < G->nstore; sc++) {
		G->cdata[sc] = xmalloc(sizeof(void *) * ((size_t)nb + 1));
		G->cnulls[sc] = xmalloc(sizeof(uint8_t *) * ((size_t)nb + 1));
		G->cany_null[sc] = outer;
		for (uint32_t b = 0; b <= nb; b++) {
			G->cdata[sc][b] = G->blocks[b]->cols[sc];
			G->cnulls[sc][b] = G->blocks[b]->nulls[sc];
			if (b < nb && G->blocks[b]->nulls[sc])
				G->cany_null[sc] = true;
		}
	}
}

int
join_build(struct join_global *G, struct exec_ctx *ctx)
{
	struct pnode *n = G->n, *right = n->u.join.right;
	struct wb_error err = WB_ERROR_INIT;
	if (layout(G, &err) < 0) {
		exec_fail(ctx, &err);
		return -1;
	}
	int w = pool_size();
	if (ctx->max_workers > 0 && ctx->max_workers < w)
		w = ctx->max_workers;
	int p = exec_parallelism(right);
	if (p < w)
		w = p;
	if (w < 1)
		w = 1;
	G->nstores = w;
	G->stores = xcalloc((size_t)w, sizeof *G->stores);
	struct jcollect J = {G, xcalloc((size_t)w, sizeof(struct jworker *))};
	int rc = 0;
	for (int i = 0; i < w; i++) {
		arena_init(&G->stores[i].heap, 256 * 1024);
		G->stores[i].dicts = xcalloc((size_t)(G->nstore ? G->nstore : 1), sizeof(struct jdict_cache));
		if (rc == 0 && (J.workers[i] = jworker_new(G, &err)) == NULL)
			rc = -1;
	}
	if (rc < 0) {
		exec_fail(ctx, &err);
	} else {
		int used, saved = ctx->max_workers;
		ctx->max_workers = w;   /* worker slots == stores */
		rc = exec_parallel(right, ctx, collect, &J, &used);
		ctx->max_workers = saved;
		n->stats.workers = used;
	}
	for (int i = 0; i < w; i++) {
		jworker_free(G, J.workers[i]);
		struct jstore *st = &G->stores[i];
		for (int sc = 0; sc < G->nstore; sc++)
			free(st->dicts[sc].map);
		free(st->dicts);
		st->dicts = NULL;
	}
	free(J.workers);
	if (rc < 0)
		return -1;
	assemble(G);
	if ((int64_t)G->nblocks >= (INT64_C(1) << (32 - JB_SHIFT)) - 1) {
		err_set(&err, -1, "join build side too large (%lld rows); put the smaller input on the build side",
		    (long long)G->nrows);
		exec_fail(ctx, &err);
		return -1;
	}
	if (!G->allrows && G->nrows > 0 && build_table(G, ctx) < 0)
		return -1;     /* stopped: the context holds the reason */
	for (uint32_t b = 0; b <= G->nblocks; b++) {
		free(G->blocks[b]->hashes);
		G->blocks[b]->hashes = NULL;
	}
	if (G->type == PJ_RIGHT || G->type == PJ_FULL) {
		size_t nm = (size_t)(G->nblocks + 1) << JB_SHIFT;
		G->matched = xmalloc(nm);
		memset(G->matched, 0, nm);   /* written, not calloc'd: see part_task */
	}
	int64_t bytes = 0;
	for (int sc = 0; sc < G->nstore; sc++)
		bytes += (int64_t)type_size(G->stypes[sc]) * G->nrows;
	for (int i = 0; i < G->nstores; i++)
		bytes += (int64_t)G->stores[i].heap.total;
	bytes += G->next ? (int64_t)sizeof(uint32_t) * ((int64_t)G->nblocks << JB_SHIFT) : 0;
	for (uint32_t pi = 0; G->parts && pi <= G->pmask; pi++)
		bytes += (int64_t)sizeof(struct jslot) * (G->parts[pi].mask + 1);
	n->stats.peak_bytes = bytes;
	return 0;
}

void
join_build_free(struct join_global *G)
{
	for (int i = 0; i < G->nstores; i++) {
		struct jstore *st = &G->stores[i];
		for (int b = 0; b < st->nblocks; b++)
			block_free(G, st->blocks[b]);
		free(st->blocks);
		arena_release(&st->heap);
		if (st->dicts) {
			for (int sc = 0; sc < G->nstore; sc++)
				free(st->dicts[sc].map);
			free(st->dicts);
		}
	}
	free(G->stores);
	if (G->blocks)
		block_free(G, G->blocks[G->nblocks]);
	free(G->blocks);
	free(G->bn);
	for (int sc = 0; G->cdata && sc < G->nstore; sc++) {
		free(G->cdata[sc]);
		free(G->cnulls[sc]);
	}
	free(G->cdata);
	free(G->cnulls);
	free(G->cany_null);
	free(G->slots);
	free(G->parts);
	free(G->next);
	free(G->matched);
	free(G->res_used);
	free(G->bcol_store);
	free(G->key_store);
	free(G->key_eval);
	free(G->stypes);
}
