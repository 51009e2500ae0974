/*
 * collect_list(x) (array_agg, list) and collect_set(x): the non-NULL values
 * of a group as a list, as Spark has them: NULL inputs are skipped, and a
 * group without a non-NULL value (or a global aggregate over no rows) gives
 * the empty list [], not NULL. collect_set keeps each distinct value once
 * (values compare as list elements do: NaN equals NaN, -0 equals 0).
 *
 * Order. Spark leaves the order of the elements undefined (it depends on
 * how partitions are merged). wb makes it the input order where the input
 * has one, the way string_agg does (agg_string.c): collect_list keeps runs
 * of the elements that came in one chunk together with the chunk's order
 * key (ctx->seq), combine() concatenates runs, and finalize() stably sorts
 * them by key when they are out of order; collect_set keeps every value at
 * its first occurrence (each element remembers the smallest key it was seen
 * with). So over a stored table or a sorted subquery both follow that order
 * whatever the number of threads; inputs without order keys give the order
 * of arrival per thread. In a window the order is the frame's. DISTINCT
 * hands each value over once, in first-occurrence order per thread. There
 * is no collect_list(x ORDER BY y): sort in a subquery, or use array_sort.
 *
 * Memory: the elements, in the element type's physical representation, in
 * an array in the heap that doubles when full; string bytes in blocks in
 * the heap that double up to 1 MiB (as string_agg's); collect_set adds an
 * 8-byte key per element and a hash index of 4-byte slots. combine() never
 * takes over src's arrays (src stays unchanged, see agg.h): it copies the
 * elements, whose strings keep pointing at src's bytes (never written
 * again).
 */
#include "func/agg_impl.h"

#include <stdlib.h>
#include <string.h>

struct coll_run {
	uint64_t seq;          /* order key of the chunk */
	uint32_t start;        /* first element of the run */
};

struct coll_state {
	char *v;               /* n elements of type et, room for cap */
	uint64_t *keys;        /* collect_set: each element's smallest order key */
	struct coll_run *runs; /* collect_list: nruns runs, room for rcap */
	uint32_t *slots;       /* collect_set: mask + 1 slots, element index + 1 (0 = empty) */
	char *blk;             /* string bytes: the current block */
	uint32_t n, cap, nruns, rcap, mask;
	uint32_t used, size;   /* of blk */
	uint8_t et;            /* element type, set by the first value */
	uint8_t unsorted;      /* runs (keys) are not in ascending order */
};

#define COLL_MAX UINT32_MAX

/* Room for `need` elements (and their keys when `keyed`). */
static void
coll_reserve(const struct agg_ctx *ctx, struct coll_state *s, uint64_t need, bool keyed)
{
	if (need <= s->cap)
		return;
	uint64_t c = s->cap ? (uint64_t)s->cap * 2 : 4;
	while (c < need)
		c *= 2;
	if (c > COLL_MAX)
		c = COLL_MAX;
	size_t sz = type_size((wb_type)s->et);
	char *v = arena_alloc(ctx->heap, (size_t)c * sz);
	if (s->n)
		memcpy(v, s->v, (size_t)s->n * sz);
	s->v = v;
	if (keyed) {
		uint64_t *k = arena_alloc(ctx->heap, (size_t)c * sizeof *k);
		if (s->n)
			memcpy(k, s->keys, (size_t)s->n * sizeof *k);
		s->keys = k;
	}
	s->cap = (uint32_t)c;
}

/* A copy of string x in s's blocks. */
static wb_str
coll_str(const struct agg_ctx *ctx, struct coll_state *s, wb_str x)
{
	if (x.n == 0)
		return (wb_str){"", 0};
	if (s->size - s->used < x.n) {
		uint32_t size = s->size < 16 ? 64 : s->size < (1u << 20) ? s->size * 2 : s->size;
		if (size < x.n)
			size = x.n;
		s->blk = arena_alloc(ctx->heap, size);
		s->size = size;
		s->used = 0;
	}
	char *p = s->blk + s->used;
	memcpy(p, x.p, x.n);
	s->used += x.n;
	return (wb_str){p, x.n};
}

/* Start a run with key seq at element `start` (runs are added in the
 * order of their elements) unless the last run has that key. */
static void
coll_run(const struct agg_ctx *ctx, struct coll_state *s, uint64_t seq, uint32_t start)
{
	if (s->nruns && s->runs[s->nruns - 1].seq == seq)
		return;
	if (s->nruns && s->runs[s->nruns - 1].seq > seq)
		s->unsorted = 1;
	if (s->nruns == s->rcap) {
		uint32_t c = s->rcap ? s->rcap * 2 : 2;
		struct coll_run *r = arena_alloc(ctx->heap, sizeof *r * c);
		if (s->nruns)
			memcpy(r, s->runs, sizeof *r * s->nruns);
		s->runs = r;
		s->rcap = c;
	}
	s->runs[s->nruns++] = (struct coll_run){seq, start};
}

static int
too_many(const struct agg_ctx *ctx)
{
	err_set(ctx->err, ctx->pos, "more than %u values in one group: too many for a list", COLL_MAX - 1);
	err_hint(ctx->err, "group by a finer key, or filter the rows");
	return -1;
}

static int
cl_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids, struct vec **args, int n,
    const uint8_t *skip)
{
	const struct vec *x = args[0];
	wb_type et = x->type;
	size_t sz = type_size(et);
	bool str = et == WB_TYPE_VARCHAR;
	const char *src = x->data;
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct coll_state *s = STATE(struct coll_state, i);
		if (s->n == COLL_MAX - 1)
			return too_many(ctx);
		s->et = (uint8_t)et;
		if (s->n == s->cap)
			coll_reserve(ctx, s, (uint64_t)s->n + 1, false);
		coll_run(ctx, s, ctx->seq, s->n);
		char *dst = s->v + (size_t)s->n * sz;
		if (str)
			*(wb_str *)dst = coll_str(ctx, s, ((const wb_str *)src)[i]);
		else
			memcpy(dst, src + (size_t)i * sz, sz);
		s->n++;
	}
	return 0;
}

static void
cl_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct coll_state *d = (struct coll_state *)dst;
	const struct coll_state *s = (const struct coll_state *)src;
	if (s->n == 0)
		return;
	d->et = s->et;
	/* combine() cannot fail: past COLL_MAX - 1 the group keeps what fits
	 * (4 billion values of one group do not fit in memory anyway) */
	uint32_t take = (uint64_t)d->n + s->n < COLL_MAX ? s->n : COLL_MAX - 1 - d->n;
	coll_reserve(ctx, d, (uint64_t)d->n + take, false);
	size_t sz = type_size((wb_type)s->et);
	memcpy(d->v + (size_t)d->n * sz, s->v, (size_t)take * sz);
	for (uint32_t r = 0; r < s->nruns && s->runs[r].start < take; r++)
		coll_run(ctx, d, s->runs[r].seq, d->n + s->runs[r].start);
	if (s->unsorted)
		d->unsorted = 1;
	d->n += take;
}

/* Sort items: by key, ties in index order (a stable order). */
struct coll_item {
	uint64_t key;
	uint32_t idx;
};

static int
item_cmp(const void *a, const void *b)
{
	const struct coll_item *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The list of the n elements at v (type et) in ctx->heap. */
static wb_list
coll_list(const struct agg_ctx *ctx, wb_type et, const char *v, uint32_t n, void **data)
{
	uint8_t *nulls;
	wb_list l = list_alloc(ctx->heap, et, n, false, data, &nulls);
	if (v && n)
		memcpy(*data, v, (size_t)n * type_size(et));
	return l;
}

static int
cl_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct coll_state *s = (const struct coll_state *)state;
	wb_type et = type_list_elem(out->type);
	if (s->n == 0) {
		vec_list(out)[row] = list_empty();
		return 0;
	}
	void *data;
	if (!s->unsorted) {
		vec_list(out)[row] = coll_list(ctx, et, s->v, s->n, &data);
		return 0;
	}
	/* runs in key order (ties: in the order they were added); run k
	 * ends where run k + 1 starts */
	wb_list l = coll_list(ctx, et, NULL, s->n, &data);
	struct coll_item *it = arena_alloc(ctx->heap, sizeof *it * s->nruns);
	for (uint32_t k = 0; k < s->nruns; k++)
		it[k] = (struct coll_item){s->runs[k].seq, k};
	qsort(it, s->nruns, sizeof *it, item_cmp);
	size_t sz = type_size(et);
	char *p = data;
	for (uint32_t k = 0; k < s->nruns; k++) {
		uint32_t r = it[k].idx, start = s->runs[r].start, end = r + 1 < s->nruns ? s->runs[r + 1].start : s->n;
		memcpy(p, s->v + (size_t)start * sz, (size_t)(end - start) * sz);
		p += (size_t)(end - start) * sz;
	}
	vec_list(out)[row] = l;
	return 0;
}

/* ---- collect_set ---- */

/* Index of the element equal to the one at x, or -1; *slot gets the slot
 * where it is or would go. */
static int64_t
cs_find(const struct coll_state *s, wb_type et, const void *x, uint64_t h, uint32_t *slot)
{
	size_t sz = type_size(et);
	uint32_t j = (uint32_t)h & s->mask;
	for (; s->slots[j]; j = (j + 1) & s->mask) {
		uint32_t k = s->slots[j] - 1;
		if (list_elem_eq(et, s->v + (size_t)k * sz, x)) {
			*slot = j;
			return k;
		}
	}
	*slot = j;
	return -1;
}

static void
cs_grow_index(const struct agg_ctx *ctx, struct coll_state *s, wb_type et)
{
	uint32_t slots = s->mask ? (s->mask + 1) * 2 : 8;
	s->slots = arena_zalloc(ctx->heap, sizeof *s->slots * slots);
	s->mask = slots - 1;
	size_t sz = type_size(et);
	for (uint32_t k = 0; k < s->n; k++) {
		uint32_t j = (uint32_t)list_elem_hash(et, s->v + (size_t)k * sz) & s->mask;
		while (s->slots[j])
			j = (j + 1) & s->mask;
		s->slots[j] = k + 1;
	}
}

/* Add the element at x (a string is copied when `copy`) seen with key seq.
 * Returns false when the group is full. */
static bool
cs_add(const struct agg_ctx *ctx, struct coll_state *s, wb_type et, const void *x, uint64_t seq, bool copy)
{
	uint64_t h = list_elem_hash(et, x);
	uint32_t j;
	if (s->mask != 0) {
		int64_t k = cs_find(s, et, x, h, &j);
		if (k >= 0) {
			if (seq < s->keys[k]) {
				s->keys[k] = seq;
				s->unsorted = 1;
			}
			return true;
		}
	}
	if (s->n == COLL_MAX - 1)
		return false;
	if (((uint64_t)s->n + 1) * 2 > (uint64_t)s->mask + 1) {
		cs_grow_index(ctx, s, et);
		cs_find(s, et, x, h, &j);
	}
	if (s->n == s->cap)
		coll_reserve(ctx, s, (uint64_t)s->n + 1, true);
	size_t sz = type_size(et);
	char *dst = s->v + (size_t)s->n * sz;
	if (et == WB_TYPE_VARCHAR && copy)
		*(wb_str *)dst = coll_str(ctx, s, *(const wb_str *)x);
	else
		memcpy(dst, x, sz);
	if (s->n && s->keys[s->n - 1] > seq)
		s->unsorted = 1;
	s->keys[s->n] = seq;
	s->slots[j] = ++s->n;
	return true;
}

static int
cs_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids, struct vec **args, int n,
    const uint8_t *skip)
{
	const struct vec *x = args[0];
	wb_type et = x->type;
	size_t sz = type_size(et);
	const char *src = x->data;
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct coll_state *s = STATE(struct coll_state, i);
		s->et = (uint8_t)et;
		if (!cs_add(ctx, s, et, src + (size_t)i * sz, ctx->seq, true))
			return too_many(ctx);
	}
	return 0;
}

static void
cs_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct coll_state *d = (struct coll_state *)dst;
	const struct coll_state *s = (const struct coll_state *)src;
	if (s->n == 0)
		return;
	wb_type et = (wb_type)s->et;
	d->et = s->et;
	size_t sz = type_size(et);
	/* strings stay views into src's bytes; past COLL_MAX - 1 values the
	 * rest is dropped (combine() cannot fail) */
	for (uint32_t k = 0; k < s->n; k++)
		if (!cs_add(ctx, d, et, s->v + (size_t)k * sz, s->keys[k], false))
			break;
}

static int
cs_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct coll_state *s = (const struct coll_state *)state;
	wb_type et = type_list_elem(out->type);
	if (s->n == 0) {
		vec_list(out)[row] = list_empty();
		return 0;
	}
	void *data;
	if (!s->unsorted) {
		vec_list(out)[row] = coll_list(ctx, et, s->v, s->n, &data);
		return 0;
	}
	wb_list l = coll_list(ctx, et, NULL, s->n, &data);
	struct coll_item *it = arena_alloc(ctx->heap, sizeof *it * s->n);
	for (uint32_t k = 0; k < s->n; k++)
		it[k] = (struct coll_item){s->keys[k], k};
	qsort(it, s->n, sizeof *it, item_cmp);
	size_t sz = type_size(et);
	for (uint32_t k = 0; k < s->n; k++)
		memcpy((char *)data + (size_t)k * sz, s->v + (size_t)it[k].idx * sz, sz);
	vec_list(out)[row] = l;
	return 0;
}

/* BIGINT first: a NULL argument (no type) collects into a BIGINT[]. */
#define COLL_SIGS(UPD, COMB, FIN) \
	{WB_TYPE_LIST_BIGINT, 1, {WB_TYPE_BIGINT}, sizeof(struct coll_state), AGG_ORDER_SENSITIVE, NULL, UPD, COMB, FIN, NULL}, \
	{WB_TYPE_LIST_DOUBLE, 1, {WB_TYPE_DOUBLE}, sizeof(struct coll_state), AGG_ORDER_SENSITIVE, NULL, UPD, COMB, FIN, NULL}, \
	{WB_TYPE_LIST_VARCHAR, 1, {WB_TYPE_VARCHAR}, sizeof(struct coll_state), AGG_ORDER_SENSITIVE, NULL, UPD, COMB, FIN, NULL}, \
	{WB_TYPE_LIST_BOOL, 1, {WB_TYPE_BOOL}, sizeof(struct coll_state), AGG_ORDER_SENSITIVE, NULL, UPD, COMB, FIN, NULL}, \
	{WB_TYPE_LIST_DATE, 1, {WB_TYPE_DATE}, sizeof(struct coll_state), AGG_ORDER_SENSITIVE, NULL, UPD, COMB, FIN, NULL}, \
	{WB_TYPE_LIST_TIMESTAMP, 1, {WB_TYPE_TIMESTAMP}, sizeof(struct coll_state), AGG_ORDER_SENSITIVE, NULL, UPD, COMB, FIN, NULL},

const struct agg_sig agg_collect_list_sigs[6] = {COLL_SIGS(cl_update, cl_combine, cl_finalize)};
const struct agg_sig agg_collect_set_sigs[6] = {COLL_SIGS(cs_update, cs_combine, cs_finalize)};
