/*
 * Hash aggregation.
 *
 * Each worker aggregates its share of the input into a private table
 * (partial aggregation); the tables are then merged into the first one and
 * finalised into result chunks. Group ids are dense (0..ngroups-1) in
 * first-seen order; keys live column-wise in growable arrays, aggregate
 * states in one array per aggregate indexed by group id, so updates are a
 * loop over (gid, value) pairs per aggregate with no per-row dispatch.
 *
 * Fast paths: no keys (one group); a single DICT key (codes are mapped to
 * group ids once per dictionary); a single integer-like key (compared as
 * int64 without a type switch).
 *
 * DISTINCT aggregates: workers only collect distinct (group, value) pairs;
 * the merge inserts them into a global set and feeds the aggregate with the
 * pairs that are new there, so duplicates across threads count once.
 */
#include "exec/exec_int.h"
#include "core/hash.h"
#include "core/list.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct keycol {
	wb_type type;
	void *vals;
	uint8_t *nulls;
};

struct dset {            /* distinct (gid, value) pairs */
	uint32_t *slots;     /* index + 1 */
	uint32_t mask;
	uint32_t n;
	size_t cap;
	uint32_t *gids;
	uint64_t *hashes;
	int64_t *ivals;      /* int64 bits of BIGINT/DOUBLE/BOOL/DATE/TS */
	wb_str *svals;
	wb_list *lvals;      /* lists (copies in the table's heap) */
	wb_type type;
};

/* One hash slot: 16 bytes, so a probe touches one cache line. In integer
 * mode (a single BIGINT/DATE/TIMESTAMP key) hv is the key itself and the
 * group's keys are never consulted; otherwise hv is the hash. */
struct ht_slot {
	uint64_t hv;
	uint32_t gid1;       /* group id + 1, 0 = empty */
	uint32_t pad;
};

struct agg_table {
	int nkeys;
	bool intkey;
	struct keycol *keys;
	uint64_t *hashes;
	uint32_t ngroups;
	size_t cap;
	struct ht_slot *slots;
	uint32_t mask;
	int naggs;
	/* states row-wise: group g's aggregate a lives at
	 * srows + g * rstride + aoff[a], so the aggregates of one group share
	 * cache lines */
	char *srows;
	size_t rstride;
	size_t *aoff;
	struct dset *dsets;   /* per aggregate (only for DISTINCT ones) */
	struct arena heap;
	/* single DICT key cache */
	uint64_t dict_id;
	uint32_t *dict_map;
	uint32_t dict_cap;
	int64_t null_gid;     /* gid of the NULL key for the dict path, -1 */
};

/*
 * High cardinality: a worker's table is capped at SPILL_GROUPS groups so
 * that it stays in cache; when it fills, its groups (hash, keys, partial
 * states) move to the worker's per-partition spill lists and the table
 * starts over. The merge then combines, per hash partition, the groups of
 * every spill list and table, each partition small enough to stay in cache
 * too (DuckDB's radix-partitioned aggregation works the same way). Low
 * cardinality never fills the table and never spills.
 */
#define SPILL_GROUPS (1u << 16)
#define NPARTS 64

struct agg_global {
	struct result_chunks result;   /* first: see exec_int.h */
	struct pnode *n;
	struct agg_table **tables;   /* per worker; after the merge, per partition */
	int nworkers;
	struct agg_table ***spills;  /* [worker][NPARTS] append-only lists, or NULL */
	int nspill_workers;
	bool can_spill;              /* no DISTINCT aggregates, at least one key */
	struct agg_table **retired;  /* worker tables after the merge (heaps in use) */
	int nretired;
	struct agg_ctx *ctxs;        /* per aggregate (heap = final table heap) */
	struct exec_ctx *ctx;
};

/* per-worker evaluation state */
struct agg_worker {
	struct expr_state **gexprs;
	struct expr_state **aexprs;   /* flattened: aggregate a's args start at aoff[a] */
	struct expr_state **fexprs;
	int *aoff;
	struct vec *flat;             /* scratch flattened vectors, per arg */
	uint32_t gids[WB_VEC_SIZE];
	uint64_t hashes[WB_VEC_SIZE];
	uint8_t skip[WB_VEC_SIZE];
	struct vec *keyflat;          /* flattened keys */
};

static size_t
state_stride(const struct pn_agg *a)
{
	size_t s = a->sig->state_size;
	return (s + 7) & ~(size_t)7;
}

static struct agg_table *
ht_new(struct pnode *n)
{
	struct agg_table *t = xcalloc(1, sizeof *t);
	t->nkeys = n->u.agg.ngroups;
	t->keys = xcalloc((size_t)(t->nkeys ? t->nkeys : 1), sizeof *t->keys);
	for (int k = 0; k < t->nkeys; k++)
		t->keys[k].type = n->u.agg.groups[k]->type;
	t->intkey = t->nkeys == 1 && type_is_integer_like(t->keys[0].type);
	t->naggs = n->u.agg.naggs;
	t->aoff = xcalloc((size_t)(t->naggs ? t->naggs : 1), sizeof(size_t));
	/* states of 16 bytes or more may hold __int128 (exact BIGINT sums):
	 * give them, and then the whole row, 16-byte alignment */
	bool align16 = false;
	for (int a = 0; a < t->naggs; a++) {
		size_t st = state_stride(&n->u.agg.aggs[a]);
		if (st >= 16) {
			t->rstride = (t->rstride + 15) & ~(size_t)15;
			align16 = true;
		}
		t->aoff[a] = t->rstride;
		t->rstride += st;
	}
	if (align16)
		t->rstride = (t->rstride + 15) & ~(size_t)15;
	if (t->rstride == 0)
		t->rstride = 8;
	t->dsets = xcalloc((size_t)(t->naggs ? t->naggs : 1), sizeof(struct dset));
	t->mask = 1023;
	t->slots = xcalloc_written(t->mask + 1, sizeof(struct ht_slot));
	arena_init(&t->heap, 256 * 1024);
	t->null_gid = -1;
	return t;
}

static void
dset_free(struct dset *d)
{
	free(d->slots);
	free(d->gids);
	free(d->hashes);
	free(d->ivals);
	free(d->svals);
	free(d->lvals);
}

static void
ht_free(struct agg_table *t, struct pnode *n)
{
	if (t == NULL)
		return;
	for (int k = 0; k < t->nkeys; k++) {
		free(t->keys[k].vals);
		free(t->keys[k].nulls);
	}
	free(t->keys);
	free(t->hashes);
	free(t->slots);
	for (int a = 0; a < t->naggs; a++) {
		const struct pn_agg *ag = &n->u.agg.aggs[a];
		if (ag->sig->destroy && t->srows)
			for (uint32_t g = 0; g < t->ngroups; g++)
				ag->sig->destroy(t->srows + g * t->rstride + t->aoff[a]);
		dset_free(&t->dsets[a]);
	}
	free(t->srows);
	free(t->aoff);
	free(t->dsets);
	free(t->dict_map);
	arena_release(&t->heap);
	free(t);
}

static void
ht_grow_groups(struct agg_table *t, struct pnode *n, struct agg_ctx *ctxs)
{
	size_t old = t->cap;
	size_t cap = old ? old * 2 : 1024;
	for (int k = 0; k < t->nkeys; k++) {
		struct keycol *kc = &t->keys[k];
		size_t sz = type_size(kc->type);
		kc->vals = xrealloc(kc->vals, sz * cap);
		if (kc->nulls) {
			kc->nulls = xrealloc(kc->nulls, cap);
			memset(kc->nulls + old, 0, cap - old);
		}
	}
	t->hashes = xrealloc(t->hashes, sizeof(uint64_t) * cap);
	t->srows = xrealloc(t->srows, t->rstride * cap);
	memset(t->srows + t->rstride * old, 0, t->rstride * (cap - old));
	for (int a = 0; a < t->naggs; a++) {
		const struct pn_agg *ag = &n->u.agg.aggs[a];
		if (ag->sig->init)
			for (size_t g = old; g < cap; g++)
				ag->sig->init(&ctxs[a], t->srows + t->rstride * g + t->aoff[a]);
	}
	t->cap = cap;
}

static void
ht_rehash(struct agg_table *t)
{
	uint32_t ncap = (t->mask + 1) * 2;
	struct ht_slot *old = t->slots;
	uint32_t oldcap = t->mask + 1;
	t->slots = xcalloc_written(ncap, sizeof(struct ht_slot));
	t->mask = ncap - 1;
	for (uint32_t k = 0; k < oldcap; k++) {
		if (old[k].gid1 == 0)
			continue;
		uint32_t s = (uint32_t)t->hashes[old[k].gid1 - 1] & t->mask;
		while (t->slots[s].gid1)
			s = (s + 1) & t->mask;
		t->slots[s] = old[k];
	}
	free(old);
}

/* Does group g's key equal row i of the key vectors (FLAT)? */
static inline bool
key_equal(const struct agg_table *t, uint32_t g, struct vec *const *kv, int i)
{
	for (int k = 0; k < t->nkeys; k++) {
		const struct keycol *kc = &t->keys[k];
		bool gn = kc->nulls && kc->nulls[g];
		bool rn = kv[k]->nulls && kv[k]->nulls[i];
		if (gn || rn) {
			if (gn != rn)
				return false;
			continue;
		}
		switch (kc->type) {
		case WB_TYPE_VARCHAR:
			if (!wb_str_eq(((wb_str *)kc->vals)[g], vec_str(kv[k])[i]))
				return false;
			break;
		case WB_TYPE_DOUBLE: {
			double a = ((double *)kc->vals)[g], b = vec_f64(kv[k])[i];
			if (!(a == b || (a != a && b != b)))
				return false;
			break;
		}
		case WB_TYPE_BOOL:
			if (((uint8_t *)kc->vals)[g] != vec_bool(kv[k])[i])
				return false;
			break;
		case WB_TYPE_INTERVAL:
			if (memcmp(&((wb_interval *)kc->vals)[g], &vec_iv(kv[k])[i], sizeof(wb_interval)) != 0)
				return false;
			break;
		case WB_TYPE_BIGINT:
		case WB_TYPE_DATE:
		case WB_TYPE_TIMESTAMP:
			if (((int64_t *)kc->vals)[g] != vec_i64(kv[k])[i])
				return false;
			break;
		default:   /* lists */
			if (!list_eq(((wb_list *)kc->vals)[g], vec_list(kv[k])[i], type_list_elem(kc->type)))
				return false;
		}
	}
	return true;
}

static uint32_t
ht_add_group(struct agg_table *t, struct pnode *n, struct agg_ctx *ctxs, uint64_t h, struct vec *const *kv, int i)
{
	if (t->ngroups == t->cap)
		ht_grow_groups(t, n, ctxs);
	uint32_t g = t->ngroups++;
	t->hashes[g] = h;
	for (int k = 0; k < t->nkeys; k++) {
		struct keycol *kc = &t->keys[k];
		size_t sz = type_size(kc->type);
		if (kv[k]->nulls && kv[k]->nulls[i]) {
			if (kc->nulls == NULL)
				kc->nulls = xcalloc(t->cap, 1);
			kc->nulls[g] = 1;
			memset((char *)kc->vals + g * sz, 0, sz);
			if (type_is_list(kc->type))
				((wb_list *)kc->vals)[g] = list_empty();
			continue;
		}
		if (type_is_list(kc->type)) {
			((wb_list *)kc->vals)[g] = list_copy(&t->heap, vec_list(kv[k])[i], type_list_elem(kc->type));
		} else if (kc->type == WB_TYPE_VARCHAR) {
			wb_str s = vec_str(kv[k])[i];
			char *p = arena_alloc(&t->heap, s.n);
			if (s.n)
				memcpy(p, s.p, s.n);
			((wb_str *)kc->vals)[g] = (wb_str){p, s.n};
		} else {
			memcpy((char *)kc->vals + g * sz, (const char *)kv[k]->data + (size_t)i * sz, sz);
		}
	}
	return g;
}

/* Find or insert the group of row i (hash h) of FLAT key vectors. */
static inline uint32_t
ht_find(struct agg_table *t, struct pnode *n, struct agg_ctx *ctxs, uint64_t h, struct vec *const *kv, int i)
{
	if (t->intkey && kv[0]->nulls && kv[0]->nulls[i]) {
		/* integer mode keeps the NULL group out of the slots */
		if (t->null_gid < 0)
			t->null_gid = ht_add_group(t, n, ctxs, h, kv, i);
		return (uint32_t)t->null_gid;
	}
	uint64_t hv = t->intkey ? (uint64_t)vec_i64(kv[0])[i] : h;
	uint32_t s = (uint32_t)h & t->mask;
	for (;;) {
		const struct ht_slot *sl = &t->slots[s];
		if (sl->gid1 == 0)
			break;
		if (sl->hv == hv && (t->intkey || key_equal(t, sl->gid1 - 1, kv, i)))
			return sl->gid1 - 1;
		s = (s + 1) & t->mask;
	}
	uint32_t g = ht_add_group(t, n, ctxs, h, kv, i);
	t->slots[s].hv = hv;
	t->slots[s].gid1 = g + 1;
	if (t->ngroups * 2 > t->mask)
		ht_rehash(t);
	return g;
}

/* Single integer-like key without NULLs: compare int64 directly. */
static void
find_int_keys(struct agg_table *t, struct pnode *n, struct agg_ctx *ctxs, struct vec *kv, int cnt,
    const uint64_t *h, uint32_t *gids)
{
	const int64_t *v = vec_i64(kv);
	/* the slot of row i + PF is fetched while row i is probed: the slots
	 * of a large table miss the cache, and the hashes are known */
	enum { PF = 16 };
	for (int i = 0; i < cnt && i < PF; i++)
		__builtin_prefetch(&t->slots[(uint32_t)h[i] & t->mask]);
	for (int i = 0; i < cnt; i++) {
		if (i + PF < cnt)
			__builtin_prefetch(&t->slots[(uint32_t)h[i + PF] & t->mask]);
		uint64_t key = (uint64_t)v[i];
		uint32_t s = (uint32_t)h[i] & t->mask;
		uint32_t g = UINT32_MAX;
		for (;;) {
			const struct ht_slot *sl = &t->slots[s];
			if (sl->gid1 == 0)
				break;
			if (sl->hv == key) {
				g = sl->gid1 - 1;
				break;
			}
			s = (s + 1) & t->mask;
		}
		if (g == UINT32_MAX) {
			g = ht_add_group(t, n, ctxs, h[i], &kv, i);
			t->slots[s].hv = key;
			t->slots[s].gid1 = g + 1;
			if (t->ngroups * 2 > t->mask)
				ht_rehash(t);
		}
		gids[i] = g;
	}
}

/* Single DICT key: map dictionary codes to groups once per dictionary. */
static void
find_dict_keys(struct agg_table *t, struct pnode *n, struct agg_ctx *ctxs, const struct vec *kv, int cnt,
    uint32_t *gids)
{
	const struct wb_dict *d = kv->dict;
	if (t->dict_id != d->id) {
		if (t->dict_cap < d->n) {
			free(t->dict_map);
			t->dict_map = xmalloc(sizeof(uint32_t) * d->n);
			t->dict_cap = d->n;
		}
		memset(t->dict_map, 0xff, sizeof(uint32_t) * d->n);
		t->dict_id = d->id;
	}
	const uint32_t *codes = vec_codes(kv);
	struct vec one;
	vec_init(&one, WB_TYPE_VARCHAR);
	for (int i = 0; i < cnt; i++) {
		if (kv->nulls && kv->nulls[i]) {
			if (t->null_gid < 0) {
				vec_reset(&one);
				vec_str(&one)[0] = (wb_str){"", 0};
				vec_nulls_writable(&one)[0] = 1;
				one.n = 1;
				struct vec *pv = &one;
				t->null_gid = ht_find(t, n, ctxs, HASH_NULL, &pv, 0);
			}
			gids[i] = (uint32_t)t->null_gid;
			continue;
		}
		uint32_t c = codes[i];
		uint32_t g = t->dict_map[c];
		if (g == UINT32_MAX) {
			vec_reset(&one);
			vec_str(&one)[0] = d->vals[c];
			one.n = 1;
			struct vec *pv = &one;
			uint64_t h = hash_bytes(d->vals[c].p, d->vals[c].n);
			g = t->dict_map[c] = ht_find(t, n, ctxs, h, &pv, 0);
		}
		gids[i] = g;
	}
	vec_free(&one);
}

/* ---- distinct sets ---- */

static void
dset_grow(struct dset *d)
{
	uint32_t ncap = d->mask ? (d->mask + 1) * 2 : 1024;
	free(d->slots);
	d->slots = xcalloc_written(ncap, sizeof(uint32_t));
	d->mask = ncap - 1;
	for (uint32_t k = 0; k < d->n; k++) {
		uint32_t s = (uint32_t)d->hashes[k] & d->mask;
		while (d->slots[s])
			s = (s + 1) & d->mask;
		d->slots[s] = k + 1;
	}
}

/* Insert (gid, value); returns true when new. Strings and lists are
 * copied to heap. The value is iv (int64 bits), sv (VARCHAR) or lv
 * (lists), by d->type. */
static bool
dset_insert(struct dset *d, struct arena *heap, uint32_t gid, uint64_t vh, int64_t iv, wb_str sv, wb_list lv)
{
	bool is_list = type_is_list(d->type);
	if (d->mask == 0 || d->n * 2 >= d->mask)
		dset_grow(d);
	uint64_t h = hash_combine(vh, gid);
	uint32_t s = (uint32_t)h & d->mask;
	for (;;) {
		uint32_t e = d->slots[s];
		if (e == 0)
			break;
		uint32_t k = e - 1;
		if (d->hashes[k] == h && d->gids[k] == gid &&
		    (d->type == WB_TYPE_VARCHAR ? wb_str_eq(d->svals[k], sv) :
		    is_list ? list_eq(d->lvals[k], lv, type_list_elem(d->type)) : d->ivals[k] == iv))
			return false;
		s = (s + 1) & d->mask;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->gids = xrealloc(d->gids, sizeof(uint32_t) * d->cap);
		d->hashes = xrealloc(d->hashes, sizeof(uint64_t) * d->cap);
		if (d->type == WB_TYPE_VARCHAR)
			d->svals = xrealloc(d->svals, sizeof(wb_str) * d->cap);
		else if (is_list)
			d->lvals = xrealloc(d->lvals, sizeof(wb_list) * d->cap);
		else
			d->ivals = xrealloc(d->ivals, sizeof(int64_t) * d->cap);
	}
	uint32_t k = d->n++;
	d->gids[k] = gid;
	d->hashes[k] = h;
	if (d->type == WB_TYPE_VARCHAR) {
		char *p = arena_alloc(heap, sv.n);
		if (sv.n)
			memcpy(p, sv.p, sv.n);
		d->svals[k] = (wb_str){p, sv.n};
	} else if (is_list) {
		d->lvals[k] = list_copy(heap, lv, type_list_elem(d->type));
	} else {
		d->ivals[k] = iv;
	}
	d->slots[s] = k + 1;
	return true;
}

static inline int64_t
value_bits(const struct vec *v, int i)
{
	switch (v->type) {
	case WB_TYPE_BOOL: return vec_bool(v)[i];
	case WB_TYPE_DOUBLE: {
		double d = vec_f64(v)[i];
		int64_t b;
		if (d == 0)
			d = 0;
		memcpy(&b, &d, 8);
		return b;
	}
	default: return vec_i64(v)[i];
	}
}

/* ---- spilling ---- */

static inline int part_of(uint64_t h, int nparts);

/* Append group g of src to dst (an append-only list with src's layout).
 * Key strings keep pointing into src's heap, which lives as long as G. */
static void
ht_append(struct agg_table *dst, struct pnode *n, struct agg_ctx *ctxs, const struct agg_table *src, uint32_t g)
{
	if (dst->ngroups == dst->cap)
		ht_grow_groups(dst, n, ctxs);
	uint32_t d = dst->ngroups++;
	dst->hashes[d] = src->hashes[g];
	for (int k = 0; k < dst->nkeys; k++) {
		size_t sz = type_size(dst->keys[k].type);
		memcpy((char *)dst->keys[k].vals + d * sz, (const char *)src->keys[k].vals + g * sz, sz);
		if (src->keys[k].nulls && src->keys[k].nulls[g]) {
			if (dst->keys[k].nulls == NULL)
				dst->keys[k].nulls = xcalloc(dst->cap, 1);
			dst->keys[k].nulls[d] = 1;
		}
	}
	memcpy(dst->srows + d * dst->rstride, src->srows + g * src->rstride, src->rstride);
}

/* Move worker w's groups to its spill lists and empty its table. */
static void
spill(struct agg_global *G, int w)
{
	struct pnode *n = G->n;
	struct agg_table *t = G->tables[w];
	for (uint32_t g = 0; g < t->ngroups; g++) {
		int p = part_of(t->hashes[g], NPARTS);
		if (G->spills[w][p] == NULL)
			G->spills[w][p] = ht_new(n);
		ht_append(G->spills[w][p], n, G->ctxs, t, g);
	}
	/* reuse the table: no groups, fresh states */
	t->ngroups = 0;
	memset(t->slots, 0, sizeof(struct ht_slot) * (t->mask + 1));
	memset(t->srows, 0, t->rstride * t->cap);
	for (int a = 0; a < t->naggs; a++) {
		const struct pn_agg *ag = &n->u.agg.aggs[a];
		if (ag->sig->init)
			for (size_t g = 0; g < t->cap; g++)
				ag->sig->init(&G->ctxs[a], t->srows + t->rstride * g + t->aoff[a]);
	}
	for (int k = 0; k < t->nkeys; k++)
		if (t->keys[k].nulls)
			memset(t->keys[k].nulls, 0, t->cap);
	t->dict_id = 0;
	t->null_gid = -1;
}

/* ---- worker ---- */

struct agg_run {
	struct agg_global *g;
	struct agg_worker **workers;
};

static void worker_free(struct agg_worker *w, struct pnode *n);

static struct agg_worker *
worker_new(struct pnode *n, struct wb_error *err)
{
	struct agg_worker *w = xcalloc(1, sizeof *w);
	int ng = n->u.agg.ngroups, na = n->u.agg.naggs;
	w->gexprs = xcalloc((size_t)(ng ? ng : 1), sizeof *w->gexprs);
	w->keyflat = xcalloc((size_t)(ng ? ng : 1), sizeof *w->keyflat);
	w->aoff = xcalloc((size_t)na + 1, sizeof(int));
	int total = 0;
	for (int a = 0; a < na; a++) {
		w->aoff[a] = total;
		total += n->u.agg.aggs[a].nargs;
	}
	w->aoff[na] = total;
	w->aexprs = xcalloc((size_t)(total ? total : 1), sizeof *w->aexprs);
	w->flat = xcalloc((size_t)(total ? total : 1), sizeof *w->flat);
	w->fexprs = xcalloc((size_t)(na ? na : 1), sizeof *w->fexprs);
	for (int k = 0; k < ng; k++) {
		vec_init(&w->keyflat[k], n->u.agg.groups[k]->type);
		w->gexprs[k] = expr_state_new(n->u.agg.groups[k], err);
		if (w->gexprs[k] == NULL)
			goto fail;
	}
	for (int a = 0; a < na; a++) {
		const struct pn_agg *ag = &n->u.agg.aggs[a];
		for (int j = 0; j < ag->nargs; j++) {
			vec_init(&w->flat[w->aoff[a] + j], ag->args[j]->type);
			w->aexprs[w->aoff[a] + j] = expr_state_new(ag->args[j], err);
			if (w->aexprs[w->aoff[a] + j] == NULL)
				goto fail;
		}
		if (ag->filter) {
			w->fexprs[a] = expr_state_new(ag->filter, err);
			if (w->fexprs[a] == NULL)
				goto fail;
		}
	}
	return w;
fail:
	worker_free(w, n);
	return NULL;
}

static void
worker_free(struct agg_worker *w, struct pnode *n)
{
	if (w == NULL)
		return;
	for (int k = 0; k < n->u.agg.ngroups; k++) {
		expr_state_free(w->gexprs[k]);
		vec_free(&w->keyflat[k]);
	}
	for (int a = 0; a < n->u.agg.naggs; a++) {
		for (int j = 0; j < n->u.agg.aggs[a].nargs; j++) {
			expr_state_free(w->aexprs[w->aoff[a] + j]);
			vec_free(&w->flat[w->aoff[a] + j]);
		}
		expr_state_free(w->fexprs[a]);
	}
	free(w->gexprs);
	free(w->keyflat);
	free(w->aexprs);
	free(w->flat);
	free(w->fexprs);
	free(w->aoff);
	free(w);
}

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
agg_consume(void *arg, int worker, struct chunk *c, struct wb_error *err)
{
	struct agg_run *run = arg;
	struct agg_global *G = run->g;
	struct pnode *n = G->n;
	struct agg_table *t = G->tables[worker];
	struct agg_worker *w = run->workers[worker];
	int cnt = c->n, ng = n->u.agg.ngroups;
	if (cnt == 0)
		return 0;
	/* a table that may grow past the cap this chunk spills first */
	if (G->can_spill && t->ngroups + (uint32_t)cnt > SPILL_GROUPS && t->ngroups > SPILL_GROUPS / 2)
		spill(G, worker);

	/* group ids */
	if (ng == 0) {
		memset(w->gids, 0, sizeof(uint32_t) * (size_t)cnt);
	} else {
		/* more than 64 keys (wide GROUP BY / EXCEPT): a heap array */
		struct vec *kvbuf[64];
		struct vec **kv = ng <= 64 ? kvbuf : xmalloc(sizeof *kv * (size_t)ng);
		for (int k = 0; k < ng; k++)
			if (expr_eval(w->gexprs[k], c, &kv[k], err) < 0) {
				if (kv != kvbuf)
					free(kv);
				return -1;
			}
		if (ng == 1 && kv[0]->kind == VEC_DICT) {
			find_dict_keys(t, n, G->ctxs, kv[0], cnt, w->gids);
		} else {
			for (int k = 0; k < ng; k++) {
				kv[k] = flat_of(&w->keyflat[k], kv[k], cnt);
				hash_vec(kv[k], cnt, w->hashes, k > 0);
			}
			if (ng == 1 && type_is_integer_like(kv[0]->type) && kv[0]->nulls == NULL) {
				find_int_keys(t, n, G->ctxs, kv[0], cnt, w->hashes, w->gids);
			} else {
				for (int i = 0; i < cnt; i++) {
					if (i + 16 < cnt)
						__builtin_prefetch(&t->slots[(uint32_t)w->hashes[i + 16] & t->mask]);
					w->gids[i] = ht_find(t, n, G->ctxs, w->hashes[i], kv, i);
				}
			}
		}
		if (kv != kvbuf)
			free(kv);
	}

	/* aggregates */
	for (int a = 0; a < n->u.agg.naggs; a++) {
		const struct pn_agg *ag = &n->u.agg.aggs[a];
		struct vec *args[AGG_MAXARGS];
		bool any_skip = false;
		memset(w->skip, 0, (size_t)cnt);
		if (w->fexprs[a]) {
			struct vec *f;
			if (expr_eval(w->fexprs[a], c, &f, err) < 0)
				return -1;
			for (int i = 0; i < cnt; i++) {
				uint8_t isnull = vec_is_null(f, i);
				uint8_t v = vec_bool(f)[f->kind == VEC_CONST ? 0 : i];
				w->skip[i] = isnull || !v;
				any_skip |= w->skip[i];
			}
		}
		for (int j = 0; j < ag->nargs; j++) {
			struct vec *v;
			if (expr_eval(w->aexprs[w->aoff[a] + j], c, &v, err) < 0)
				return -1;
			args[j] = flat_of(&w->flat[w->aoff[a] + j], v, cnt);
			if (!(ag->sig->flags & AGG_SEES_NULLS) && args[j]->nulls) {
				for (int i = 0; i < cnt; i++)
					w->skip[i] |= args[j]->nulls[i];
				any_skip = true;
			}
		}
		if (ag->distinct) {
			struct dset *d = &t->dsets[a];
			d->type = ag->args[0]->type;
			const struct vec *v = args[0];
			for (int i = 0; i < cnt; i++) {
				if (w->skip[i])
					continue;
				if (d->type == WB_TYPE_VARCHAR) {
					wb_str s = vec_str(v)[i];
					dset_insert(d, &t->heap, w->gids[i], hash_bytes(s.p, s.n), 0, s, (wb_list){0});
				} else if (type_is_list(d->type)) {
					wb_list l = vec_list(v)[i];
					dset_insert(d, &t->heap, w->gids[i], list_hash(l, type_list_elem(d->type)), 0, (wb_str){0}, l);
				} else {
					int64_t b = value_bits(v, i);
					dset_insert(d, &t->heap, w->gids[i], hash_u64((uint64_t)b), b, (wb_str){0}, (wb_list){0});
				}
			}
			continue;
		}
		struct agg_ctx actx = G->ctxs[a];
		actx.heap = &t->heap;
		actx.err = err;
		actx.seq = c->seq;
		if (ag->sig->update(&actx, t->srows + t->aoff[a], t->rstride, w->gids, args, cnt, any_skip ? w->skip : NULL) < 0) {
			err_at(err, ag->pos);
			return -1;
		}
	}
	return 0;
}

/*
 * Feed distinct (gid, value) pairs of src into aggregate a of table dst, in
 * batches. With gmap, src's group ids are mapped (and entries whose group
 * is not in partition `part` skipped, when src_hashes is given) and each
 * pair is inserted into dst's own set first, so that duplicates seen by
 * several workers count once; without gmap, src is dst's own set.
 */
static int
feed_distinct(struct agg_global *G, struct agg_table *dst, int a, const struct dset *src, const uint32_t *gmap,
    const uint64_t *src_hashes, int part, int nparts, struct wb_error *err)
{
	const struct pn_agg *ag = &G->n->u.agg.aggs[a];
	struct dset *dd = &dst->dsets[a];
	dd->type = src->type;
	struct vec v;
	vec_init(&v, src->type);
	uint32_t gids[WB_VEC_SIZE];
	int m = 0;
	struct agg_ctx actx = G->ctxs[a];
	actx.heap = &dst->heap;
	actx.err = err;
	int rc = 0;
	vec_reset(&v);
	for (uint32_t k = 0; k <= src->n; k++) {
		if (k < src->n) {
			uint32_t sg = src->gids[k];
			if (src_hashes && (int)((src_hashes[sg] >> 40) % (uint64_t)nparts) != part)
				continue;
			uint32_t g = gmap ? gmap[sg] : sg;
			bool fresh;
			if (src->type == WB_TYPE_VARCHAR)
				fresh = gmap == NULL || dset_insert(dd, &dst->heap, g, hash_bytes(src->svals[k].p, src->svals[k].n), 0,
				    src->svals[k], (wb_list){0});
			else if (type_is_list(src->type))
				fresh = gmap == NULL || dset_insert(dd, &dst->heap, g, list_hash(src->lvals[k], type_list_elem(src->type)),
				    0, (wb_str){0}, src->lvals[k]);
			else
				fresh = gmap == NULL || dset_insert(dd, &dst->heap, g, hash_u64((uint64_t)src->ivals[k]), src->ivals[k],
				    (wb_str){0}, (wb_list){0});
			if (!fresh)
				continue;
			gids[m] = g;
			switch (src->type) {
			case WB_TYPE_VARCHAR: vec_str(&v)[m] = src->svals[k]; break;
			case WB_TYPE_BOOL: vec_bool(&v)[m] = (uint8_t)src->ivals[k]; break;
			case WB_TYPE_DOUBLE: memcpy(&vec_f64(&v)[m], &src->ivals[k], 8); break;
			default:
				if (type_is_list(src->type))
					vec_list(&v)[m] = src->lvals[k];
				else
					vec_i64(&v)[m] = src->ivals[k];
			}
			m++;
		}
		if (m == WB_VEC_SIZE || (k == src->n && m > 0)) {
			/* a batch is the unit of cancellation (a set can hold
			 * millions of pairs) */
			if (exec_should_stop(G->ctx)) {
				rc = -1;
				break;
			}
			v.n = m;
			struct vec *args[1] = {&v};
			actx.seq++;   /* batches in set order */
			if (ag->sig->update(&actx, dst->srows + dst->aoff[a], dst->rstride, gids, args, m, NULL) < 0) {
				rc = -1;
				break;
			}
			m = 0;
			vec_reset(&v);
		}
	}
	vec_free(&v);
	return rc;
}

/* Make sure t can hold `groups` groups without growing. */
static void
ht_reserve(struct agg_table *t, struct pnode *n, struct agg_ctx *ctxs, uint32_t groups)
{
	while (t->cap < groups)
		ht_grow_groups(t, n, ctxs);
	uint32_t want = 1024;
	while (want < groups * 2 + 2)
		want *= 2;
	if (want > t->mask + 1) {
		free(t->slots);
		t->slots = xcalloc_written(want, sizeof(struct ht_slot));
		t->mask = want - 1;
		/* only called on empty tables */
	}
}

static inline int
part_of(uint64_t h, int nparts)
{
	/* slot positions use the low bits: partition by high ones */
	return (int)((h >> 40) % (uint64_t)nparts);
}

/* Merging checks for cancellation every MERGE_CHECK + 1 groups. */
#define MERGE_CHECK 0xffffu

struct merge_job {
	struct agg_global *G;
	struct agg_table **parts;
	int nparts;
	uint32_t **gmaps;          /* per worker table: its group -> partition group */
	struct wb_error *errs;     /* per partition */
};

/* Build partition p: every group of every worker table whose hash falls in
 * p, with states combined; then the distinct pairs of those groups. */
static void
merge_part(void *arg, int p, int worker)
{
	struct merge_job *J = arg;
	struct agg_global *G = J->G;
	struct pnode *n = G->n;
	if (exec_should_stop(G->ctx))
		return;
	uint32_t upper = 0;
	for (int w = 0; w < G->nworkers; w++) {
		struct agg_table *t = G->tables[w];
		for (uint32_t g = 0; g < t->ngroups; g++)
			upper += part_of(t->hashes[g], J->nparts) == p;
		if (G->spills && G->spills[w][p])
			upper += G->spills[w][p]->ngroups;
	}
	struct agg_table *T = ht_new(n);
	J->parts[p] = T;
	ht_reserve(T, n, G->ctxs, upper);
	/* combine() allocates from the destination's heap */
	int na = n->u.agg.naggs;
	struct agg_ctx *cctx = xcalloc((size_t)(na ? na : 1), sizeof *cctx);
	for (int a = 0; a < na; a++) {
		cctx[a] = G->ctxs[a];
		cctx[a].heap = &T->heap;
	}
	int nk = T->nkeys;
	struct vec *kv = xcalloc((size_t)(nk ? nk : 1), sizeof *kv);
	struct vec **pkv = xcalloc((size_t)(nk ? nk : 1), sizeof *pkv);
	for (int k = 0; k < nk; k++) {
		vec_init(&kv[k], T->keys[k].type);
		pkv[k] = &kv[k];
	}
	bool stopped = false;
	for (int w = 0; w < G->nworkers && !stopped; w++) {
		struct agg_table *t = G->tables[w];
		for (uint32_t g = 0; g < t->ngroups; g++) {
			if ((g & MERGE_CHECK) == MERGE_CHECK && (stopped = exec_should_stop(G->ctx)))
				break;
			if (g + 16 < t->ngroups)
				__builtin_prefetch(&T->slots[(uint32_t)t->hashes[g + 16] & T->mask]);
			if (part_of(t->hashes[g], J->nparts) != p)
				continue;
			/* view group g's key as row 0 of FLAT vectors */
			for (int k = 0; k < nk; k++) {
				size_t sz = type_size(kv[k].type);
				kv[k].kind = VEC_FLAT;
				kv[k].data = (char *)t->keys[k].vals + g * sz;
				kv[k].nulls = t->keys[k].nulls ? t->keys[k].nulls + g : NULL;
				kv[k].n = 1;
			}
			uint32_t dg = ht_find(T, n, G->ctxs, t->hashes[g], pkv, 0);
			J->gmaps[w][g] = dg;
			for (int a = 0; a < n->u.agg.naggs; a++) {
				const struct pn_agg *ag = &n->u.agg.aggs[a];
				if (!ag->distinct)
					ag->sig->combine(&cctx[a], T->srows + dg * T->rstride + T->aoff[a],
					    t->srows + g * t->rstride + t->aoff[a]);
			}
		}
	}
	/* spilled groups of partition p (no DISTINCT aggregates when spilling) */
	for (int w = 0; G->spills && w < G->nworkers && !stopped; w++) {
		struct agg_table *t = G->spills[w][p];
		if (t == NULL)
			continue;
		for (uint32_t g = 0; g < t->ngroups; g++) {
			if ((g & MERGE_CHECK) == MERGE_CHECK && (stopped = exec_should_stop(G->ctx)))
				break;
			if (g + 16 < t->ngroups)
				__builtin_prefetch(&T->slots[(uint32_t)t->hashes[g + 16] & T->mask]);
			for (int k = 0; k < nk; k++) {
				size_t sz = type_size(kv[k].type);
				kv[k].kind = VEC_FLAT;
				kv[k].data = (char *)t->keys[k].vals + g * sz;
				kv[k].nulls = t->keys[k].nulls ? t->keys[k].nulls + g : NULL;
				kv[k].n = 1;
			}
			uint32_t dg = ht_find(T, n, G->ctxs, t->hashes[g], pkv, 0);
			for (int a = 0; a < n->u.agg.naggs; a++)
				n->u.agg.aggs[a].sig->combine(&cctx[a], T->srows + dg * T->rstride + T->aoff[a],
				    t->srows + g * t->rstride + t->aoff[a]);
		}
	}
	for (int k = 0; k < nk; k++) {
		kv[k].data = NULL;
		kv[k].nulls = NULL;
		vec_free(&kv[k]);
	}
	free(kv);
	free(pkv);
	free(cctx);
	for (int a = 0; a < n->u.agg.naggs && !stopped; a++) {
		if (!n->u.agg.aggs[a].distinct)
			continue;
		for (int w = 0; w < G->nworkers; w++) {
			struct agg_table *t = G->tables[w];
			if (feed_distinct(G, T, a, &t->dsets[a], J->gmaps[w], t->hashes, p, J->nparts, &J->errs[p]) < 0)
				return;
		}
	}
}

/*
 * Combine the workers' partial tables. One worker: its table is final
 * (its distinct pairs still have to be fed). Several: groups are
 * redistributed over hash partitions built in parallel, each a table of its
 * own, so merging a million groups is not a serial pass over one big table.
 */
static int
merge_tables(struct agg_global *G, struct exec_ctx *ctx, struct wb_error *err)
{
	struct pnode *n = G->n;
	bool spilled = false;
	for (int w = 0; G->spills && w < G->nworkers && !spilled; w++)
		for (int p = 0; p < NPARTS && !spilled; p++)
			spilled = G->spills[w][p] != NULL;
	if ((G->nworkers == 1 && !spilled) || n->u.agg.ngroups == 0) {
		struct agg_table *gt = G->tables[0];
		for (int a = 0; a < n->u.agg.naggs; a++) {
			if (!n->u.agg.aggs[a].distinct)
				continue;
			struct dset copy = gt->dsets[a];
			if (feed_distinct(G, gt, a, &copy, NULL, NULL, 0, 1, err) < 0)
				return -1;
		}
		if (G->nworkers == 1)
			return 0;
		/* no keys: every table has the single group 0 */
		for (int w = 1; w < G->nworkers; w++) {
			struct agg_table *t = G->tables[w];
			for (int a = 0; a < n->u.agg.naggs; a++) {
				const struct pn_agg *ag = &n->u.agg.aggs[a];
				/* one combine can copy millions of values (a percentile's) */
				if (exec_should_stop(ctx))
					return -1;
				if (!ag->distinct) {
					struct agg_ctx cctx = G->ctxs[a];
					cctx.heap = &gt->heap;
					ag->sig->combine(&cctx, gt->srows + gt->aoff[a], t->srows + t->aoff[a]);
				} else {
					uint32_t *gmap = xcalloc(t->ngroups ? t->ngroups : 1, sizeof(uint32_t));
					int r = feed_distinct(G, gt, a, &t->dsets[a], gmap, NULL, 0, 1, err);
					free(gmap);
					if (r < 0)
						return -1;
				}
			}
		}
		return 0;
	}
	uint32_t total = 0;
	for (int w = 0; w < G->nworkers; w++)
		total += G->tables[w]->ngroups;
	/* spill lists are already cut into NPARTS partitions */
	int nparts = spilled ? NPARTS : total < 4096 ? 1 : 4 * G->nworkers;
	struct merge_job J = {G, xcalloc((size_t)nparts, sizeof(struct agg_table *)), nparts,
	    xcalloc((size_t)G->nworkers, sizeof(uint32_t *)), xcalloc((size_t)nparts, sizeof(struct wb_error))};
	for (int w = 0; w < G->nworkers; w++)
		J.gmaps[w] = xmalloc(sizeof(uint32_t) * (G->tables[w]->ngroups ? G->tables[w]->ngroups : 1));
	pool_run(nparts, merge_part, &J);
	/* a cancelled merge leaves partitions unbuilt (NULL) */
	int rc = exec_should_stop(ctx) ? -1 : 0;
	for (int p = 0; p < nparts; p++) {
		if (err_isset(&J.errs[p])) {
			if (rc == 0)
				err_move(err, &J.errs[p]);
			else
				err_clear(&J.errs[p]);
			rc = -1;
		}
	}
	for (int w = 0; w < G->nworkers; w++)
		free(J.gmaps[w]);
	free(J.gmaps);
	free(J.errs);
	/* the partitions replace the worker tables (whose heaps they no
	 * longer need: keys were copied) */
	/* the partitions replace the worker tables and spill lists; their
	 * heaps (key strings, string states) stay until cleanup */
	for (int w = 0; w < G->nworkers; w++) {
		G->tables[w]->ngroups = 0;
		if (G->spills)
			for (int p = 0; p < NPARTS; p++)
				if (G->spills[w][p])
					G->spills[w][p]->ngroups = 0;
	}
	G->retired = G->tables;
	G->nretired = G->nworkers;
	G->tables = J.parts;
	G->nworkers = nparts;
	return rc;
}

/* Finalise every table's groups into result chunks. */
static int
finalize(struct agg_global *G, struct wb_error *err)
{
	struct pnode *n = G->n;
	struct result_chunks *r = &G->result;
	int ng = n->u.agg.ngroups;
	int ntables = n->u.agg.ngroups == 0 ? 1 : G->nworkers;
	for (int ti = 0; ti < ntables; ti++) {
		struct agg_table *gt = G->tables[ti];
		for (uint32_t off = 0; off < gt->ngroups; off += WB_VEC_SIZE) {
			if (exec_should_stop(G->ctx))
				return -1;
			int m = gt->ngroups - off < WB_VEC_SIZE ? (int)(gt->ngroups - off) : WB_VEC_SIZE;
			r->chunks = xgrow(r->chunks, &r->cap, (size_t)r->n + 1, sizeof *r->chunks);
			struct chunk *c = &r->chunks[r->n++];
			chunk_init(c, n->ncol, n->types);
			chunk_reset(c);
			c->n = m;
			for (int k = 0; k < ng; k++) {
				struct vec *v = &c->cols[k];
				size_t sz = type_size(v->type);
				memcpy(v->data, (char *)gt->keys[k].vals + off * sz, sz * (size_t)m);
				if (gt->keys[k].nulls)
					memcpy(vec_nulls_writable(v), gt->keys[k].nulls + off, (size_t)m);
				v->n = m;
			}
			for (int a = 0; a < n->u.agg.naggs; a++) {
				const struct pn_agg *ag = &n->u.agg.aggs[a];
				struct vec *v = &c->cols[ng + a];
				/* one group's percentile alone sorts all its values */
				if (exec_should_stop(G->ctx))
					return -1;
				struct agg_ctx actx = G->ctxs[a];
				actx.heap = &gt->heap;
				actx.err = err;
				for (int i = 0; i < m; i++) {
					if (ag->sig->finalize(&actx, gt->srows + (off + (uint32_t)i) * gt->rstride + gt->aoff[a], v, i) < 0) {
						err_at(err, ag->pos);
						return -1;
					}
				}
				v->n = m;
			}
		}
	}
	return 0;
}

int
agg_prepare(struct pnode *n, struct exec_ctx *ctx)
{
	struct agg_global *G = xcalloc(1, sizeof *G);
	n->gstate = G;
	G->n = n;
	G->ctx = ctx;
	result_chunks_init(&G->result);
	int na = n->u.agg.naggs;
	G->ctxs = xcalloc((size_t)(na ? na : 1), sizeof *G->ctxs);
	for (int a = 0; a < na; a++) {
		G->ctxs[a].pos = n->u.agg.aggs[a].pos;
		G->ctxs[a].param = n->u.agg.aggs[a].param;
		G->ctxs[a].sparam = n->u.agg.aggs[a].sparam;
	}
	int w = pool_size();
	if (ctx->max_workers > 0 && ctx->max_workers < w)
		w = ctx->max_workers;
	int maxw = exec_parallelism(n->child);
	if (maxw < w)
		w = maxw;
	if (w < 1)
		w = 1;
	G->nworkers = w;
	G->tables = xcalloc((size_t)w, sizeof *G->tables);
	G->can_spill = n->u.agg.ngroups > 0;
	for (int a = 0; a < n->u.agg.naggs; a++)
		if (n->u.agg.aggs[a].distinct)
			G->can_spill = false;
	if (G->can_spill) {
		G->spills = xcalloc((size_t)w, sizeof *G->spills);
		G->nspill_workers = w;
		for (int i = 0; i < w; i++)
			G->spills[i] = xcalloc(NPARTS, sizeof(struct agg_table *));
	}
	struct agg_run run = {G, xcalloc((size_t)w, sizeof(struct agg_worker *))};
	struct wb_error err = WB_ERROR_INIT;
	int rc = 0;
	for (int i = 0; i < w && rc == 0; i++) {
		G->tables[i] = ht_new(n);
		if (n->u.agg.ngroups == 0) {
			ht_grow_groups(G->tables[i], n, G->ctxs);
			G->tables[i]->ngroups = 1;
		}
		run.workers[i] = worker_new(n, &err);
		if (run.workers[i] == NULL)
			rc = -1;
	}
	if (rc < 0) {
		exec_fail(ctx, &err);
	} else {
		int used, saved = ctx->max_workers;
		ctx->max_workers = w;   /* worker slots == tables */
		rc = exec_parallel(n->child, ctx, agg_consume, &run, &used);
		ctx->max_workers = saved;
		n->stats.workers = used;
	}
	for (int i = 0; i < w; i++)
		worker_free(run.workers[i], n);
	free(run.workers);
	if (rc == 0 && (merge_tables(G, ctx, &err) < 0 || finalize(G, &err) < 0)) {
		exec_fail(ctx, &err);
		rc = -1;
	}
	/* the served result lives in G->result; everything it points at
	 * (key strings, string aggregates) lives in the tables' heaps */
	return rc;
}

void
agg_cleanup(struct pnode *n)
{
	struct agg_global *G = n->gstate;
	if (G == NULL)
		return;
	result_chunks_free(&G->result);
	for (int i = 0; i < G->nworkers; i++)
		ht_free(G->tables[i], n);
	free(G->tables);
	for (int i = 0; i < G->nretired; i++)
		ht_free(G->retired[i], n);
	free(G->retired);
	for (int w = 0; G->spills && w < G->nspill_workers; w++) {
		for (int p = 0; p < NPARTS; p++)
			ht_free(G->spills[w][p], n);
		free(G->spills[w]);
	}
	free(G->spills);
	free(G->ctxs);
	free(G);
	n->gstate = NULL;
}
