/*
 * agg_impl: what the aggregate families (agg.c, agg_*.c) share, and the
 * signature arrays that agg.c's table refers to. Private to src/func.
 */
#ifndef WB_FUNC_AGG_IMPL_H
#define WB_FUNC_AGG_IMPL_H

#include "func/agg.h"
#include "core/list.h"

#include <string.h>

#define SKIP(i) (skip && skip[i])
#define STATE(T, i) ((T *)(states + (size_t)gids[i] * stride))
#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

/* Doubles order NaN above everything (as Spark and DuckDB sort them). */
static inline int
agg_dcmp(double a, double b)
{
	if (a != a)
		return b != b ? 0 : 1;
	if (b != b)
		return -1;
	return a < b ? -1 : a > b;
}

static inline int64_t
agg_iv_key(wb_interval iv)
{
	/* months ~ 30 days, as DuckDB compares intervals */
	return (int64_t)iv.months * 30 * INT64_C(86400000000) + (int64_t)iv.days * INT64_C(86400000000) + iv.micros;
}

/* One value of any type, as states keep it. Strings point into a heap.
 * A list is a pointer to its header: into the argument vector's array
 * (agg_val_load, valid during update()) until agg_list_own() copies the
 * header and the list into memory of the state's own. */
union agg_val {
	int64_t i;      /* BIGINT, DATE, TIMESTAMP, BOOLEAN (0/1) */
	double d;
	wb_str s;
	wb_interval iv;
	const wb_list *l;
};

/* Row i of a FLAT vector. */
static inline union agg_val
agg_val_load(const struct vec *v, int i)
{
	union agg_val x;
	memset(&x, 0, sizeof x);
	switch (v->type) {
	case WB_TYPE_BOOL: x.i = vec_bool(v)[i]; break;
	case WB_TYPE_DOUBLE: x.d = vec_f64(v)[i]; break;
	case WB_TYPE_VARCHAR: x.s = vec_str(v)[i]; break;
	case WB_TYPE_INTERVAL: x.iv = vec_iv(v)[i]; break;
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP: x.i = vec_i64(v)[i]; break;
	default: x.l = &vec_list(v)[i]; break;   /* lists */
	}
	return x;
}

/* out[row] = x (out FLAT of type t; strings are referenced). */
static inline void
agg_val_store(struct vec *out, int row, union agg_val x)
{
	switch (out->type) {
	case WB_TYPE_BOOL: vec_bool(out)[row] = (uint8_t)x.i; break;
	case WB_TYPE_DOUBLE: vec_f64(out)[row] = x.d; break;
	case WB_TYPE_VARCHAR: vec_str(out)[row] = x.s; break;
	case WB_TYPE_INTERVAL: vec_iv(out)[row] = x.iv; break;
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP: vec_i64(out)[row] = x.i; break;
	default: vec_list(out)[row] = *x.l; break;   /* lists */
	}
}

/* Compare two values of type t (NaN largest, intervals as DuckDB, lists
 * as list_cmp()). */
static inline int
agg_val_cmp(wb_type t, union agg_val a, union agg_val b)
{
	switch (t) {
	case WB_TYPE_DOUBLE: return agg_dcmp(a.d, b.d);
	case WB_TYPE_VARCHAR: return wb_str_cmp(a.s, b.s);
	case WB_TYPE_INTERVAL: {
		int64_t x = agg_iv_key(a.iv), y = agg_iv_key(b.iv);
		return x < y ? -1 : x > y;
	}
	case WB_TYPE_BOOL:
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP: return a.i < b.i ? -1 : a.i > b.i;
	default: return list_cmp(*a.l, *b.l, type_list_elem(t));
	}
}

/*
 * Make *s (a view into a chunk) a copy owned by the state: reuse the
 * state's previous buffer (*cap bytes) when it is big enough, so that a
 * value replaced on every row (last(), max_by() on a rising key) costs one
 * buffer per group, not one per row.
 */
static inline void
agg_str_own(const struct agg_ctx *ctx, wb_str *s, const char **buf, uint32_t *cap)
{
	if (s->n > *cap || *buf == NULL) {
		uint32_t c = s->n < 16 ? 16 : s->n;
		*buf = arena_alloc(ctx->heap, c);
		*cap = c;
	}
	if (s->n)
		memmove((char *)*buf, s->p, s->n);
	s->p = *buf;
}

/*
 * The same for a list of type t (*l a view into a chunk): the header and a
 * deep copy (list_copy_to) go to the state's buffer, reused when big
 * enough. A buffer a state got from another state in combine() must not
 * be written: combine() sets *cap to 0 so that the next copy allocates.
 */
static inline void
agg_list_own(const struct agg_ctx *ctx, wb_type t, const wb_list **l, const char **buf, uint32_t *cap)
{
	wb_type et = type_list_elem(t);
	size_t need = sizeof(wb_list) + list_copy_size(**l, et);
	if (need > *cap || *buf == NULL) {
		size_t c = need < 64 ? 64 : need;
		if (c > UINT32_MAX)
			c = need;   /* no reuse for lists over 4 GiB */
		*buf = arena_alloc(ctx->heap, c);
		*cap = c > UINT32_MAX ? 0 : (uint32_t)c;
	}
	wb_list *h = (wb_list *)*buf;
	*h = list_copy_to((char *)*buf + sizeof(wb_list), **l, et);
	*l = h;
}

/* The state of the aggregates that keep one row's value (agg_pick.c). */
struct pick_state {
	union agg_val v;
	uint64_t seq;        /* order key of the kept row */
	const char *buf;     /* string or list buffer owned by the state */
	uint32_t cap;
	uint8_t set, null;
	uint8_t pending;     /* v.s / v.l still point into the current chunk */
};

/* X(ET) for every element type of a list type (WB_TYPE_##ET). */
#define AGG_LIST_ELEMS(X) X(NULL) X(BOOL) X(BIGINT) X(DOUBLE) X(VARCHAR) X(DATE) X(TIMESTAMP)

/* min/max of lists (agg_pick.c): combine() is per element type. */
int agg_min_list_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip);
int agg_max_list_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip);
int agg_mm_list_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row);
#define AGG_MM_LIST_DECL(ET) \
	void agg_min_list_combine_##ET(const struct agg_ctx *ctx, char *dst, const char *src); \
	void agg_max_list_combine_##ET(const struct agg_ctx *ctx, char *dst, const char *src);
AGG_LIST_ELEMS(AGG_MM_LIST_DECL)

/* Signature arrays of the families (sizes are checked by the definitions). */
extern const struct agg_sig agg_median_sigs[3];
extern const struct agg_sig agg_pct_cont_sigs[3];
extern const struct agg_sig agg_pct_disc_sigs[4];
extern const struct agg_sig agg_pct_approx_sigs[8];
extern const struct agg_sig agg_mode_sigs[7];
extern const struct agg_sig agg_hll_sigs[2];
extern const struct agg_sig agg_first_sigs[2];
extern const struct agg_sig agg_last_sigs[2];
extern const struct agg_sig agg_any_value_sigs[1];
extern const struct agg_sig agg_max_by_sigs[1];
extern const struct agg_sig agg_min_by_sigs[1];
extern const struct agg_sig agg_corr_sigs[1];
extern const struct agg_sig agg_covar_pop_sigs[1];
extern const struct agg_sig agg_covar_samp_sigs[1];
extern const struct agg_sig agg_regr_avgx_sigs[1];
extern const struct agg_sig agg_regr_avgy_sigs[1];
extern const struct agg_sig agg_regr_count_sigs[1];
extern const struct agg_sig agg_regr_intercept_sigs[1];
extern const struct agg_sig agg_regr_r2_sigs[1];
extern const struct agg_sig agg_regr_slope_sigs[1];
extern const struct agg_sig agg_regr_sxx_sigs[1];
extern const struct agg_sig agg_regr_sxy_sigs[1];
extern const struct agg_sig agg_regr_syy_sigs[1];
extern const struct agg_sig agg_skewness_sigs[1];
extern const struct agg_sig agg_kurtosis_sigs[1];
extern const struct agg_sig agg_kurtosis_pop_sigs[1];
extern const struct agg_sig agg_product_sigs[1];
extern const struct agg_sig agg_bool_and_sigs[1];
extern const struct agg_sig agg_bool_or_sigs[1];
extern const struct agg_sig agg_count_if_sigs[1];
extern const struct agg_sig agg_string_agg_sigs[2];
extern const struct agg_sig agg_collect_list_sigs[6];
extern const struct agg_sig agg_collect_set_sigs[6];
extern const struct agg_sig agg_group_concat_sigs[2];

#endif
