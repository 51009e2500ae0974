/*
 * Order statistics: median, percentile_cont (percentile, quantile_cont),
 * percentile_disc (quantile_disc, quantile), percentile_approx
 * (approx_percentile), and mode.
 *
 * The percentiles are exact: each group keeps all of its non-NULL values
 * (8 bytes each, in an array in the aggregation's heap that doubles when
 * full) and finalize() selects the wanted ranks in O(n) with quickselect.
 * Memory is therefore bounded by the group's values, as for Spark's
 * `percentile`; percentile_approx is the same exact computation (Spark's
 * result for it is a rank of the data too, within its accuracy).
 *
 * mode keeps a per-group hash table of distinct values and their counts,
 * so its memory is bounded by the group's distinct values.
 */
#include "func/agg_impl.h"
#include "core/hash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the value arrays of the percentiles ---- */

/* The first VALS_INLINE values live in the state itself (most groups of a
 * high-cardinality GROUP BY have one or two), then in an array in the
 * heap that doubles when full. */
#define VALS_INLINE 2
#define VALS_MAX UINT32_MAX

struct vals_state {
	union {
		char *v;                    /* cap 8-byte values, when cap > 0 */
		uint64_t inl[VALS_INLINE];  /* when cap == 0 */
	} u;
	uint32_t n, cap;
};

static inline char *
vals_base(const struct vals_state *s)
{
	return s->cap ? s->u.v : (char *)s->u.inl;
}

static int
vals_reserve(const struct agg_ctx *ctx, struct vals_state *s, uint64_t need)
{
	if (need <= (s->cap ? s->cap : VALS_INLINE))
		return 0;
	if (need > VALS_MAX) {
		err_set(ctx->err, ctx->pos, "more than %u values in one group: too many for an exact percentile", VALS_MAX);
		err_hint(ctx->err, "group by a finer key, or filter the rows");
		return -1;
	}
	uint64_t c = s->cap ? (uint64_t)s->cap * 2 : 8;
	while (c < need)
		c *= 2;
	if (c > VALS_MAX)
		c = VALS_MAX;
	char *nv = arena_alloc(ctx->heap, c * 8);
	if (s->n)
		memcpy(nv, vals_base(s), (size_t)s->n * 8);
	s->u.v = nv;
	s->cap = (uint32_t)c;
	return 0;
}

/* Every argument type here is 8 bytes wide, so one update serves all. */
static int
vals_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	const char *v = args[0]->data;
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct vals_state *s = STATE(struct vals_state, i);
		if (s->n == (s->cap ? s->cap : VALS_INLINE) && vals_reserve(ctx, s, (uint64_t)s->n + 1) < 0)
			return -1;
		memcpy(vals_base(s) + (size_t)s->n * 8, v + (size_t)i * 8, 8);
		s->n++;
	}
	return 0;
}

static void
vals_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct vals_state *d = (struct vals_state *)dst;
	const struct vals_state *s = (const struct vals_state *)src;
	if (s->n == 0)
		return;
	if (d->n == 0) {
		*d = *s;   /* src's array, read-only: full, so that adding copies */
		if (d->cap)
			d->cap = d->n;
		return;
	}
	/* combine() cannot fail: past VALS_MAX the group keeps what fits
	 * (4 billion values of one group do not fit in memory anyway) */
	uint64_t n = (uint64_t)d->n + s->n;
	if (n > VALS_MAX)
		n = VALS_MAX;
	struct wb_error ignore = WB_ERROR_INIT;
	struct agg_ctx c = *ctx;
	c.err = &ignore;
	vals_reserve(&c, d, n);
	memcpy(vals_base(d) + (size_t)d->n * 8, vals_base(s), (size_t)(n - d->n) * 8);
	d->n = (uint32_t)n;
}

/*
 * Quickselect (Hoare partitioning around a median of three): afterwards
 * v[k] holds the value of rank k, v[0..k) <= v[k] <= v[k+1..n). Falls back
 * to qsort of the remaining range after too many rounds, so adversarial
 * inputs cost O(n log n), not O(n^2).
 */
#define SELECT_FN(NAME, T, LESS, CMPFN) \
static int \
CMPFN(const void *a, const void *b) \
{ \
	T x = *(const T *)a, y = *(const T *)b; \
	return LESS(x, y) ? -1 : LESS(y, x); \
} \
static void \
NAME(T *v, int64_t n, int64_t k) \
{ \
	int64_t lo = 0, hi = n - 1; \
	int rounds = 0; \
	while (lo < hi) { \
		if (++rounds > 64) { \
			qsort(v + lo, (size_t)(hi - lo + 1), sizeof(T), CMPFN); \
			return; \
		} \
		int64_t mid = lo + (hi - lo) / 2; \
		T t; \
		if (LESS(v[mid], v[lo])) { t = v[mid]; v[mid] = v[lo]; v[lo] = t; } \
		if (LESS(v[hi], v[lo])) { t = v[hi]; v[hi] = v[lo]; v[lo] = t; } \
		if (LESS(v[hi], v[mid])) { t = v[hi]; v[hi] = v[mid]; v[mid] = t; } \
		T pivot = v[mid]; \
		int64_t i = lo, j = hi; \
		while (i <= j) { \
			while (LESS(v[i], pivot)) \
				i++; \
			while (LESS(pivot, v[j])) \
				j--; \
			if (i <= j) { \
				t = v[i]; v[i] = v[j]; v[j] = t; \
				i++; \
				j--; \
			} \
		} \
		if (k <= j) \
			hi = j; \
		else if (k >= i) \
			lo = i; \
		else \
			return; \
	} \
}

#define LESS_I(a, b) ((a) < (b))
#define LESS_D(a, b) (agg_dcmp((a), (b)) < 0)
SELECT_FN(select_i64, int64_t, LESS_I, cmp_i64)
SELECT_FN(select_f64, double, LESS_D, cmp_f64)

/* WITHIN GROUP (ORDER BY x DESC) counts ranks from the top. */
static bool
pct_desc(const struct agg_ctx *ctx)
{
	return ctx->sparam != NULL && ctx->sparam[0] == 'd';
}

/* The rank percentile_disc picks: the first value whose cumulative
 * fraction reaches q (SQL's PERCENTILE_DISC; the same rank as DuckDB's
 * quantile_disc and Spark's percentile_disc). */
static int64_t
disc_rank(const struct agg_ctx *ctx, int64_t n, double q)
{
	int64_t fl = (int64_t)floor((double)n - (double)n * q);
	int64_t r = n - fl;
	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	r -= 1;
	return pct_desc(ctx) ? n - 1 - r : r;
}

static int
disc_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct vals_state *s = (const struct vals_state *)state;
	if (s->n == 0) {
		vec_set_null(out, row);
		return 0;
	}
	int64_t n = (int64_t)s->n, k = disc_rank(ctx, n, ctx->param);
	/* select in place: the values are a multiset, so reordering them
	 * (even in an array shared with another state) changes no result */
	if (out->type == WB_TYPE_DOUBLE) {
		double *v = (double *)vals_base(s);
		select_f64(v, n, k);
		vec_f64(out)[row] = v[k];
	} else {
		int64_t *v = (int64_t *)vals_base(s);
		select_i64(v, n, k);
		vec_i64(out)[row] = v[k];
	}
	return 0;
}

#define US_PER_DAY INT64_C(86400000000)

/* Linear interpolation between the values of ranks floor((n-1)q) and
 * ceil((n-1)q), as Spark's percentile and DuckDB's quantile_cont. Integer
 * values are TIMESTAMP micros, or DATE days when scale is US_PER_DAY (the
 * result is then a TIMESTAMP, as in DuckDB). */
static int
cont_finalize_q(const struct agg_ctx *ctx, const char *state, struct vec *out, int row, double q, int64_t scale)
{
	const struct vals_state *s = (const struct vals_state *)state;
	if (s->n == 0) {
		vec_set_null(out, row);
		return 0;
	}
	int64_t n = (int64_t)s->n;
	if (pct_desc(ctx))
		q = 1 - q;
	double rn = (double)(n - 1) * q;
	int64_t f = (int64_t)floor(rn);
	if (f < 0)
		f = 0;
	if (f > n - 1)
		f = n - 1;
	double frac = rn - (double)f;
	if (out->type == WB_TYPE_DOUBLE) {
		double *v = (double *)vals_base(s);
		select_f64(v, n, f);
		double lo = v[f], hi = lo;
		if (frac > 0 && f + 1 < n) {
			hi = v[f + 1];
			for (int64_t i = f + 2; i < n; i++)
				if (LESS_D(v[i], hi))
					hi = v[i];
		}
		vec_f64(out)[row] = frac > 0 ? lo + (hi - lo) * frac : lo;
		return 0;
	}
	int64_t *v = (int64_t *)vals_base(s);
	select_i64(v, n, f);
	int64_t lo = v[f], hi = lo;
	if (frac > 0 && f + 1 < n) {
		hi = v[f + 1];
		for (int64_t i = f + 2; i < n; i++)
			if (v[i] < hi)
				hi = v[i];
	}
	lo *= scale;
	hi *= scale;
	/* truncated toward lo, as DuckDB interpolates timestamps */
	vec_i64(out)[row] = frac > 0 ? lo + (int64_t)((double)(hi - lo) * frac) : lo;
	return 0;
}

static int
cont_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	return cont_finalize_q(ctx, state, out, row, ctx->param, 1);
}

static int
median_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	return cont_finalize_q(ctx, state, out, row, 0.5, 1);
}

static int
cont_date_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	return cont_finalize_q(ctx, state, out, row, ctx->param, US_PER_DAY);
}

static int
median_date_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	return cont_finalize_q(ctx, state, out, row, 0.5, US_PER_DAY);
}

#define VS sizeof(struct vals_state)
#define FRACTION "the fraction must be a constant between 0 and 1"
#define PF (AGG_PARAM_ARG | AGG_WITHIN_GROUP)

const struct agg_sig agg_median_sigs[3] = {
	{WB_TYPE_DOUBLE, 1, {WB_TYPE_DOUBLE}, VS, 0, NULL, vals_update, vals_combine, median_finalize, NULL},
	{WB_TYPE_TIMESTAMP, 1, {WB_TYPE_TIMESTAMP}, VS, 0, NULL, vals_update, vals_combine, median_finalize, NULL},
	{WB_TYPE_TIMESTAMP, 1, {WB_TYPE_DATE}, VS, 0, NULL, vals_update, vals_combine, median_date_finalize, NULL},
};

const struct agg_sig agg_pct_cont_sigs[3] = {
	{WB_TYPE_DOUBLE, 2, {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE}, VS, PF, NULL, vals_update, vals_combine, cont_finalize, NULL,
	    FRACTION, 0, 1},
	{WB_TYPE_TIMESTAMP, 2, {WB_TYPE_TIMESTAMP, WB_TYPE_DOUBLE}, VS, PF, NULL, vals_update, vals_combine, cont_finalize, NULL,
	    FRACTION, 0, 1},
	{WB_TYPE_TIMESTAMP, 2, {WB_TYPE_DATE, WB_TYPE_DOUBLE}, VS, PF, NULL, vals_update, vals_combine, cont_date_finalize, NULL,
	    FRACTION, 0, 1},
};

#define DISC_SIG(T, FLAGS) \
	{T, 2, {T, WB_TYPE_DOUBLE}, VS, FLAGS, NULL, vals_update, vals_combine, disc_finalize, NULL, FRACTION, 0, 1}
#define APPROX3_SIG(T) \
	{T, 3, {T, WB_TYPE_DOUBLE, WB_TYPE_BIGINT}, VS, AGG_PARAM_ARG, NULL, vals_update, vals_combine, disc_finalize, NULL, \
	    FRACTION, 0, 1}

const struct agg_sig agg_pct_disc_sigs[4] = {
	DISC_SIG(WB_TYPE_BIGINT, PF),
	DISC_SIG(WB_TYPE_DOUBLE, PF),
	DISC_SIG(WB_TYPE_DATE, PF),
	DISC_SIG(WB_TYPE_TIMESTAMP, PF),
};

const struct agg_sig agg_pct_approx_sigs[8] = {
	DISC_SIG(WB_TYPE_BIGINT, AGG_PARAM_ARG),
	DISC_SIG(WB_TYPE_DOUBLE, AGG_PARAM_ARG),
	DISC_SIG(WB_TYPE_DATE, AGG_PARAM_ARG),
	DISC_SIG(WB_TYPE_TIMESTAMP, AGG_PARAM_ARG),
	APPROX3_SIG(WB_TYPE_BIGINT),
	APPROX3_SIG(WB_TYPE_DOUBLE),
	APPROX3_SIG(WB_TYPE_DATE),
	APPROX3_SIG(WB_TYPE_TIMESTAMP),
};

/* ---- mode: per-group table of (value, count) ---- */

struct mode_ent {
	uint64_t h;
	union agg_val v;
	int64_t cnt;       /* 0 = empty slot */
};

/* Up to MODE_LINEAR distinct values the entries are a plain array searched
 * linearly (small groups stay small: 2, 4, then 8 entries); past that an
 * open-addressing hash table of cap slots (a power of two, at most half
 * full). */
#define MODE_LINEAR 8

struct mode_state {
	struct mode_ent *e;   /* in the heap */
	uint32_t n, cap;
};

static inline bool
mode_eq(wb_type t, union agg_val a, union agg_val b)
{
	switch (t) {
	case WB_TYPE_DOUBLE: return a.d == b.d || (a.d != a.d && b.d != b.d);
	case WB_TYPE_VARCHAR: return wb_str_eq(a.s, b.s);
	case WB_TYPE_INTERVAL: return memcmp(&a.iv, &b.iv, sizeof a.iv) == 0;
	default: return a.i == b.i;
	}
}

static void
mode_insert_hashed(struct mode_ent *e, uint32_t cap, const struct mode_ent *x)
{
	uint32_t j = (uint32_t)x->h & (cap - 1);
	while (e[j].cnt)
		j = (j + 1) & (cap - 1);
	e[j] = *x;
}

static void
mode_grow(const struct agg_ctx *ctx, struct mode_state *s)
{
	uint32_t cap = s->cap == 0 ? 2 : s->cap < MODE_LINEAR ? s->cap * 2 : s->cap == MODE_LINEAR ? 32 : s->cap * 2;
	struct mode_ent *e = arena_zalloc(ctx->heap, sizeof *e * cap);
	if (cap <= MODE_LINEAR) {
		if (s->n)
			memcpy(e, s->e, sizeof *e * s->n);
	} else {
		for (uint32_t k = 0; k < s->cap; k++)
			if (s->e[k].cnt)
				mode_insert_hashed(e, cap, &s->e[k]);
	}
	s->e = e;
	s->cap = cap;
}

/* Add cnt occurrences of v (hash h). New strings are copied to the heap
 * when `copy` (values from a chunk), kept as they are otherwise (from a
 * partial state, whose heap outlives the aggregation). */
static void
mode_add(const struct agg_ctx *ctx, struct mode_state *s, wb_type t, uint64_t h, union agg_val v, int64_t cnt,
    bool copy)
{
	uint32_t j;
	if (s->cap <= MODE_LINEAR) {
		for (j = 0; j < s->n; j++) {
			if (s->e[j].h == h && mode_eq(t, s->e[j].v, v)) {
				s->e[j].cnt += cnt;
				return;
			}
		}
	} else {
		for (j = (uint32_t)h & (s->cap - 1); s->e[j].cnt; j = (j + 1) & (s->cap - 1)) {
			if (s->e[j].h == h && mode_eq(t, s->e[j].v, v)) {
				s->e[j].cnt += cnt;
				return;
			}
		}
	}
	if (t == WB_TYPE_VARCHAR && copy && v.s.n) {
		char *p = arena_alloc(ctx->heap, v.s.n);
		memcpy(p, v.s.p, v.s.n);
		v.s.p = p;
	}
	struct mode_ent x = {h, v, cnt};
	if (s->cap <= MODE_LINEAR ? s->n == s->cap : (s->n + 1) * 2 > s->cap) {
		mode_grow(ctx, s);
		if (s->cap > MODE_LINEAR) {
			mode_insert_hashed(s->e, s->cap, &x);
			s->n++;
			return;
		}
		j = s->n;
	}
	s->e[j] = x;
	s->n++;
}

/* Every entry of s (linear: the first n; hashed: the used slots). */
#define MODE_FOREACH(s, ent) \
	for (uint32_t mode_k = 0; mode_k < ((s)->cap <= MODE_LINEAR ? (s)->n : (s)->cap); mode_k++) \
		if ((ent = &(s)->e[mode_k])->cnt != 0)

static int
mode_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	uint64_t h[WB_VEC_SIZE];
	const struct vec *v = args[0];
	hash_vec(v, n, h, 0);
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		mode_add(ctx, STATE(struct mode_state, i), v->type, h[i], agg_val_load(v, i), 1, true);
	}
	return 0;
}

/* combine() is not told the value type (the state does not keep it), so
 * each family of types that compares differently has its own. */
#define MODE_COMBINE(NAME, T) \
static void \
NAME(const struct agg_ctx *ctx, char *dst, const char *src) \
{ \
	struct mode_state *d = (struct mode_state *)dst; \
	const struct mode_state *s = (const struct mode_state *)src; \
	if (s->n == 0) \
		return; \
	/* into dst's own table (src's must not change) */ \
	const struct mode_ent *e; \
	MODE_FOREACH(s, e) \
		mode_add(ctx, d, T, e->h, e->v, e->cnt, false); \
}
MODE_COMBINE(mode_combine_i, WB_TYPE_BIGINT)
MODE_COMBINE(mode_combine_d, WB_TYPE_DOUBLE)
MODE_COMBINE(mode_combine_s, WB_TYPE_VARCHAR)
MODE_COMBINE(mode_combine_iv, WB_TYPE_INTERVAL)

/* The most frequent value; ties go to the smallest value, so the result
 * does not depend on input order or threads (Spark's mode(x, true)). */
static int
mode_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct mode_state *s = (const struct mode_state *)state;
	const struct mode_ent *best = NULL, *e;
	MODE_FOREACH(s, e) {
		if (best == NULL || e->cnt > best->cnt ||
		    (e->cnt == best->cnt && agg_val_cmp(out->type, e->v, best->v) < 0))
			best = e;
	}
	if (best == NULL)
		vec_set_null(out, row);
	else
		agg_val_store(out, row, best->v);
	return 0;
}

#define MODE_SIG(T, COMBINE) \
	{T, 1, {T}, sizeof(struct mode_state), AGG_WITHIN_GROUP, NULL, mode_update, COMBINE, mode_finalize, NULL}

const struct agg_sig agg_mode_sigs[7] = {
	MODE_SIG(WB_TYPE_BIGINT, mode_combine_i),
	MODE_SIG(WB_TYPE_DOUBLE, mode_combine_d),
	MODE_SIG(WB_TYPE_VARCHAR, mode_combine_s),
	MODE_SIG(WB_TYPE_DATE, mode_combine_i),
	MODE_SIG(WB_TYPE_TIMESTAMP, mode_combine_i),
	MODE_SIG(WB_TYPE_BOOL, mode_combine_i),
	MODE_SIG(WB_TYPE_INTERVAL, mode_combine_iv),
};
