/*
 * Aggregate functions: count, sum, avg, min, max, and the variance family;
 * and the table of all aggregates (the other families are in agg_*.c).
 */
#include "func/agg.h"
#include "func/agg_impl.h"
#include "func/func.h"

#include <math.h>
#include <string.h>
#include <strings.h>

/* ---- count ---- */

static int
count_star_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	for (int i = 0; i < n; i++)
		if (!SKIP(i))
			(*STATE(int64_t, i))++;
	return 0;
}

static void
count_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	*(int64_t *)dst += *(const int64_t *)src;
}

static int
count_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	vec_i64(out)[row] = *(const int64_t *)state;
	return 0;
}

static const struct agg_sig count_sigs[] = {
	{WB_TYPE_BIGINT, 0, {0}, sizeof(int64_t), AGG_STAR, NULL, count_star_update, count_combine, count_finalize, NULL},
	{WB_TYPE_BIGINT, 1, {WB_TYPE_NULL}, sizeof(int64_t), 0, NULL, count_star_update, count_combine, count_finalize, NULL},
};

/* ---- sum / avg ---- */

struct sum_i_state {
	__int128 sum;
	int64_t n;
};

struct sum_d_state {
	double sum;
	double comp;   /* Neumaier compensation */
	int64_t n;
};

static int
sum_i_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	const int64_t *v = vec_i64(args[0]);
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct sum_i_state *s = STATE(struct sum_i_state, i);
		s->sum += v[i];
		s->n++;
	}
	return 0;
}

static void
sum_i_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct sum_i_state *d = (struct sum_i_state *)dst;
	const struct sum_i_state *s = (const struct sum_i_state *)src;
	d->sum += s->sum;
	d->n += s->n;
}

static int
sum_i_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct sum_i_state *s = (const struct sum_i_state *)state;
	if (s->n == 0) {
		vec_set_null(out, row);
		return 0;
	}
	if (s->sum > INT64_MAX || s->sum < INT64_MIN) {
		err_set(ctx->err, ctx->pos, "sum is out of the BIGINT range");
		err_hint(ctx->err, "cast the argument to DOUBLE: sum(CAST(x AS DOUBLE))");
		return -1;
	}
	vec_i64(out)[row] = (int64_t)s->sum;
	return 0;
}

static int
avg_i_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct sum_i_state *s = (const struct sum_i_state *)state;
	if (s->n == 0) {
		vec_set_null(out, row);
		return 0;
	}
	vec_f64(out)[row] = (double)((long double)s->sum / (long double)s->n);
	return 0;
}

static inline void
neumaier_add(struct sum_d_state *s, double x)
{
	double t = s->sum + x;
	if (fabs(s->sum) >= fabs(x))
		s->comp += (s->sum - t) + x;
	else
		s->comp += (x - t) + s->sum;
	s->sum = t;
}

static int
sum_d_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	const double *v = vec_f64(args[0]);
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct sum_d_state *s = STATE(struct sum_d_state, i);
		neumaier_add(s, v[i]);
		s->n++;
	}
	return 0;
}

static void
sum_d_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct sum_d_state *d = (struct sum_d_state *)dst;
	const struct sum_d_state *s = (const struct sum_d_state *)src;
	neumaier_add(d, s->sum);
	d->comp += s->comp;
	d->n += s->n;
}

static int
sum_d_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct sum_d_state *s = (const struct sum_d_state *)state;
	if (s->n == 0)
		vec_set_null(out, row);
	else
		vec_f64(out)[row] = s->sum + s->comp;
	return 0;
}

static int
avg_d_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct sum_d_state *s = (const struct sum_d_state *)state;
	if (s->n == 0)
		vec_set_null(out, row);
	else
		vec_f64(out)[row] = (s->sum + s->comp) / (double)s->n;
	return 0;
}

/* interval sum/avg: months, days, micros summed separately */
struct sum_iv_state {
	int64_t months, days, micros, n;
};

static int
sum_iv_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	const wb_interval *v = vec_iv(args[0]);
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct sum_iv_state *s = STATE(struct sum_iv_state, i);
		s->months += v[i].months;
		s->days += v[i].days;
		s->micros += v[i].micros;
		s->n++;
	}
	return 0;
}

static void
sum_iv_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct sum_iv_state *d = (struct sum_iv_state *)dst;
	const struct sum_iv_state *s = (const struct sum_iv_state *)src;
	d->months += s->months;
	d->days += s->days;
	d->micros += s->micros;
	d->n += s->n;
}

static int
sum_iv_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct sum_iv_state *s = (const struct sum_iv_state *)state;
	if (s->n == 0) {
		vec_set_null(out, row);
		return 0;
	}
	wb_interval iv = {(int32_t)s->months, (int32_t)s->days, s->micros};
	vec_iv(out)[row] = iv;
	return 0;
}

static const struct agg_sig sum_sigs[] = {
	{WB_TYPE_BIGINT, 1, {WB_TYPE_BIGINT}, sizeof(struct sum_i_state), 0, NULL, sum_i_update, sum_i_combine, sum_i_finalize, NULL},
	{WB_TYPE_DOUBLE, 1, {WB_TYPE_DOUBLE}, sizeof(struct sum_d_state), 0, NULL, sum_d_update, sum_d_combine, sum_d_finalize, NULL},
	{WB_TYPE_INTERVAL, 1, {WB_TYPE_INTERVAL}, sizeof(struct sum_iv_state), 0, NULL, sum_iv_update, sum_iv_combine, sum_iv_finalize, NULL},
};

static const struct agg_sig avg_sigs[] = {
	{WB_TYPE_DOUBLE, 1, {WB_TYPE_BIGINT}, sizeof(struct sum_i_state), 0, NULL, sum_i_update, sum_i_combine, avg_i_finalize, NULL},
	{WB_TYPE_DOUBLE, 1, {WB_TYPE_DOUBLE}, sizeof(struct sum_d_state), 0, NULL, sum_d_update, sum_d_combine, avg_d_finalize, NULL},
};

/* ---- min / max ---- */

struct mm_i_state {
	int64_t v;
	int64_t set;
};
struct mm_d_state {
	double v;
	int64_t set;
};
struct mm_s_state {
	wb_str v;
	int64_t set;
};
struct mm_iv_state {
	wb_interval v;
	int64_t set;
};

#define MM_NUM(NAME, ST, T, GET, LESS) \
static int \
NAME##_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids, \
    struct vec **args, int n, const uint8_t *skip) \
{ \
	const T *v = (const T *)args[0]->data; \
	for (int i = 0; i < n; i++) { \
		if (SKIP(i)) \
			continue; \
		ST *s = STATE(ST, i); \
		T x = GET(v[i]); \
		if (!s->set || LESS(x, s->v)) { \
			s->v = x; \
			s->set = 1; \
		} \
	} \
	return 0; \
} \
static void \
NAME##_combine(const struct agg_ctx *ctx, char *dst, const char *src) \
{ \
	ST *d = (ST *)dst; \
	const ST *s = (const ST *)src; \
	if (s->set && (!d->set || LESS(s->v, d->v))) \
		*d = *s; \
}

#define ID(x) (x)
#define LT_NUM(a, b) ((a) < (b))
#define GT_NUM(a, b) ((a) > (b))
#define LT_DBL(a, b) (agg_dcmp((a), (b)) < 0)
#define GT_DBL(a, b) (agg_dcmp((a), (b)) > 0)
#define LT_IV(a, b) (agg_iv_key(a) < agg_iv_key(b))
#define GT_IV(a, b) (agg_iv_key(a) > agg_iv_key(b))
MM_NUM(min_i, struct mm_i_state, int64_t, ID, LT_NUM)
MM_NUM(max_i, struct mm_i_state, int64_t, ID, GT_NUM)
MM_NUM(min_d, struct mm_d_state, double, ID, LT_DBL)
MM_NUM(max_d, struct mm_d_state, double, ID, GT_DBL)
MM_NUM(min_iv, struct mm_iv_state, wb_interval, ID, LT_IV)
MM_NUM(max_iv, struct mm_iv_state, wb_interval, ID, GT_IV)

static int
mm_b_update_common(char *states, size_t stride, const uint32_t *gids, struct vec **args, int n,
    const uint8_t *skip, bool want_max)
{
	const uint8_t *v = vec_bool(args[0]);
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct mm_i_state *s = STATE(struct mm_i_state, i);
		int64_t x = v[i];
		if (!s->set || (want_max ? x > s->v : x < s->v)) {
			s->v = x;
			s->set = 1;
		}
	}
	return 0;
}

static int
min_b_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	return mm_b_update_common(states, stride, gids, args, n, skip, false);
}

static int
max_b_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	return mm_b_update_common(states, stride, gids, args, n, skip, true);
}

static int
mm_i_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct mm_i_state *s = (const struct mm_i_state *)state;
	if (!s->set)
		vec_set_null(out, row);
	else if (out->type == WB_TYPE_BOOL)
		vec_bool(out)[row] = (uint8_t)s->v;
	else
		vec_i64(out)[row] = s->v;
	return 0;
}

static int
mm_d_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct mm_d_state *s = (const struct mm_d_state *)state;
	if (!s->set)
		vec_set_null(out, row);
	else
		vec_f64(out)[row] = s->v;
	return 0;
}

static int
mm_iv_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct mm_iv_state *s = (const struct mm_iv_state *)state;
	if (!s->set)
		vec_set_null(out, row);
	else
		vec_iv(out)[row] = s->v;
	return 0;
}

/* Strings: the kept value is copied into ctx->heap when it changes, so the
 * state never points into a chunk that is about to be overwritten. */
static int
mm_s_update_common(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip, int want)
{
	const wb_str *v = vec_str(args[0]);
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct mm_s_state *s = STATE(struct mm_s_state, i);
		if (!s->set || wb_str_cmp(v[i], s->v) * want > 0) {
			char *p = arena_alloc(ctx->heap, v[i].n);
			if (v[i].n)
				memcpy(p, v[i].p, v[i].n);
			s->v.p = p;
			s->v.n = v[i].n;
			s->set = 1;
		}
	}
	return 0;
}

static int
min_s_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	return mm_s_update_common(ctx, states, stride, gids, args, n, skip, -1);
}

static int
max_s_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	return mm_s_update_common(ctx, states, stride, gids, args, n, skip, 1);
}

static void
min_s_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct mm_s_state *d = (struct mm_s_state *)dst;
	const struct mm_s_state *s = (const struct mm_s_state *)src;
	if (s->set && (!d->set || wb_str_cmp(s->v, d->v) < 0))
		*d = *s;
}

static void
max_s_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct mm_s_state *d = (struct mm_s_state *)dst;
	const struct mm_s_state *s = (const struct mm_s_state *)src;
	if (s->set && (!d->set || wb_str_cmp(s->v, d->v) > 0))
		*d = *s;
}

static int
mm_s_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct mm_s_state *s = (const struct mm_s_state *)state;
	if (!s->set)
		vec_set_null(out, row);
	else
		vec_str(out)[row] = s->v;
	return 0;
}

#define MM_SIGS(KIND) \
	{WB_TYPE_BIGINT, 1, {WB_TYPE_BIGINT}, sizeof(struct mm_i_state), 0, NULL, KIND##_i_update, KIND##_i_combine, mm_i_finalize, NULL}, \
	{WB_TYPE_DATE, 1, {WB_TYPE_DATE}, sizeof(struct mm_i_state), 0, NULL, KIND##_i_update, KIND##_i_combine, mm_i_finalize, NULL}, \
	{WB_TYPE_TIMESTAMP, 1, {WB_TYPE_TIMESTAMP}, sizeof(struct mm_i_state), 0, NULL, KIND##_i_update, KIND##_i_combine, mm_i_finalize, NULL}, \
	{WB_TYPE_DOUBLE, 1, {WB_TYPE_DOUBLE}, sizeof(struct mm_d_state), 0, NULL, KIND##_d_update, KIND##_d_combine, mm_d_finalize, NULL}, \
	{WB_TYPE_VARCHAR, 1, {WB_TYPE_VARCHAR}, sizeof(struct mm_s_state), 0, NULL, KIND##_s_update, KIND##_s_combine, mm_s_finalize, NULL}, \
	{WB_TYPE_BOOL, 1, {WB_TYPE_BOOL}, sizeof(struct mm_i_state), 0, NULL, KIND##_b_update, KIND##_i_combine, mm_i_finalize, NULL}, \
	{WB_TYPE_INTERVAL, 1, {WB_TYPE_INTERVAL}, sizeof(struct mm_iv_state), 0, NULL, KIND##_iv_update, KIND##_iv_combine, mm_iv_finalize, NULL},

/* lists compare as list_cmp() says (Spark's ordering of arrays) */
#define MIN_LIST_SIG(ET) \
	{WB_TYPE_LIST_##ET, 1, {WB_TYPE_LIST_##ET}, sizeof(struct pick_state), 0, NULL, agg_min_list_update, \
	    agg_min_list_combine_##ET, agg_mm_list_finalize, NULL},
#define MAX_LIST_SIG(ET) \
	{WB_TYPE_LIST_##ET, 1, {WB_TYPE_LIST_##ET}, sizeof(struct pick_state), 0, NULL, agg_max_list_update, \
	    agg_max_list_combine_##ET, agg_mm_list_finalize, NULL},

static const struct agg_sig min_sigs[] = {MM_SIGS(min) AGG_LIST_ELEMS(MIN_LIST_SIG)};
static const struct agg_sig max_sigs[] = {MM_SIGS(max) AGG_LIST_ELEMS(MAX_LIST_SIG)};

/* ---- variance family: Welford updates, Chan et al. combination ---- */

struct var_state {
	int64_t n;
	double mean;
	double m2;
};

static int
var_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	const double *v = vec_f64(args[0]);
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct var_state *s = STATE(struct var_state, i);
		double x = v[i];
		s->n++;
		double d = x - s->mean;
		s->mean += d / (double)s->n;
		s->m2 += d * (x - s->mean);
	}
	return 0;
}

static void
var_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct var_state *a = (struct var_state *)dst;
	const struct var_state *b = (const struct var_state *)src;
	if (b->n == 0)
		return;
	if (a->n == 0) {
		*a = *b;
		return;
	}
	int64_t n = a->n + b->n;
	double d = b->mean - a->mean;
	a->mean += d * (double)b->n / (double)n;
	a->m2 += b->m2 + d * d * (double)a->n * (double)b->n / (double)n;
	a->n = n;
}

enum var_kind { VAR_SAMP, VAR_POP, STD_SAMP, STD_POP };

static int
var_finalize_kind(const char *state, struct vec *out, int row, enum var_kind k)
{
	const struct var_state *s = (const struct var_state *)state;
	int64_t denom = (k == VAR_SAMP || k == STD_SAMP) ? s->n - 1 : s->n;
	if (denom <= 0) {
		vec_set_null(out, row);
		return 0;
	}
	double v = s->m2 / (double)denom;
	if (v < 0)
		v = 0;
	vec_f64(out)[row] = (k == STD_SAMP || k == STD_POP) ? sqrt(v) : v;
	return 0;
}

static int
var_samp_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	return var_finalize_kind(state, out, row, VAR_SAMP);
}
static int
var_pop_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	return var_finalize_kind(state, out, row, VAR_POP);
}
static int
std_samp_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	return var_finalize_kind(state, out, row, STD_SAMP);
}
static int
std_pop_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	return var_finalize_kind(state, out, row, STD_POP);
}

static const struct agg_sig var_samp_sigs[] = {
	{WB_TYPE_DOUBLE, 1, {WB_TYPE_DOUBLE}, sizeof(struct var_state), 0, NULL, var_update, var_combine, var_samp_finalize, NULL},
};
static const struct agg_sig var_pop_sigs[] = {
	{WB_TYPE_DOUBLE, 1, {WB_TYPE_DOUBLE}, sizeof(struct var_state), 0, NULL, var_update, var_combine, var_pop_finalize, NULL},
};
static const struct agg_sig std_samp_sigs[] = {
	{WB_TYPE_DOUBLE, 1, {WB_TYPE_DOUBLE}, sizeof(struct var_state), 0, NULL, var_update, var_combine, std_samp_finalize, NULL},
};
static const struct agg_sig std_pop_sigs[] = {
	{WB_TYPE_DOUBLE, 1, {WB_TYPE_DOUBLE}, sizeof(struct var_state), 0, NULL, var_update, var_combine, std_pop_finalize, NULL},
};

/* Sorted by name (agg_lookup binary-searches; tests check the order). */
static const struct agg_fn agg_table[] = {
	{"any_value", agg_any_value_sigs, N(agg_any_value_sigs), "any_value(x)",
	    "a non-NULL value of the group (the first in input order), NULL if there is none",
	    "SELECT any_value(x) FROM (VALUES (NULL), ('b'), ('c')) t(x)", "b"},
	{"approx_count_distinct", agg_hll_sigs, N(agg_hll_sigs), "approx_count_distinct(x [, rsd])",
	    "approximate count of distinct non-NULL values: HyperLogLog, exact up to 256 per group, then a relative standard error of 1.6% (or about rsd)",
	    "SELECT approx_count_distinct(x) FROM (VALUES (1), (2), (2), (NULL)) t(x)", "2"},
	{"approx_percentile", agg_pct_approx_sigs, N(agg_pct_approx_sigs), "approx_percentile(x, p [, accuracy])",
	    "alias of percentile_approx",
	    "SELECT approx_percentile(x, 0.5) FROM (VALUES (1), (2), (3), (4)) t(x)", "2"},
	{"arg_max", agg_max_by_sigs, N(agg_max_by_sigs), "arg_max(x, y)",
	    "alias of max_by",
	    "SELECT arg_max(name, score) FROM (VALUES ('ann', 3), ('bob', 5), ('cy', 4)) t(name, score)", "bob"},
	{"arg_min", agg_min_by_sigs, N(agg_min_by_sigs), "arg_min(x, y)",
	    "alias of min_by",
	    "SELECT arg_min(name, score) FROM (VALUES ('ann', 3), ('bob', 5), ('cy', 4)) t(name, score)", "ann"},
	{"array_agg", agg_collect_list_sigs, N(agg_collect_list_sigs), "array_agg(x)",
	    "alias of collect_list",
	    "SELECT array_agg(x) FROM (VALUES ('a'), (NULL), ('b')) t(x)", "[a, b]"},
	{"avg", avg_sigs, N(avg_sigs), "avg(x)",
	    "arithmetic mean of the non-NULL values (DOUBLE)",
	    "SELECT avg(x) FROM (VALUES (1), (2), (4)) t(x)", "2.3333333333333335"},
	{"bool_and", agg_bool_and_sigs, N(agg_bool_and_sigs), "bool_and(b)",
	    "true if every non-NULL b is true, NULL if there is none",
	    "SELECT bool_and(b) FROM (VALUES (true), (false), (NULL)) t(b)", "false"},
	{"bool_or", agg_bool_or_sigs, N(agg_bool_or_sigs), "bool_or(b)",
	    "true if some non-NULL b is true, NULL if there is none",
	    "SELECT bool_or(b) FROM (VALUES (true), (false), (NULL)) t(b)", "true"},
	{"collect_list", agg_collect_list_sigs, N(agg_collect_list_sigs), "collect_list(x)",
	    "the non-NULL values as a list (Spark): [] when there are none; in input order where the input has one (a stored table, a sorted subquery, a window frame), as in Spark not guaranteed otherwise",
	    "SELECT collect_list(x) FROM (VALUES (3), (NULL), (1), (3)) t(x)", "[3, 1, 3]"},
	{"collect_set", agg_collect_set_sigs, N(agg_collect_set_sigs), "collect_set(x)",
	    "the distinct non-NULL values as a list (Spark): [] when there are none; in order of first occurrence where the input has an order",
	    "SELECT collect_set(x) FROM (VALUES (3), (NULL), (1), (3)) t(x)", "[3, 1]"},
	{"corr", agg_corr_sigs, N(agg_corr_sigs), "corr(y, x)",
	    "Pearson correlation coefficient of the non-NULL pairs; NULL when x or y is constant",
	    "SELECT corr(y, x) FROM (VALUES (1, 2), (2, 4), (3, 5)) t(x, y)", "0.9819805060619656"},
	{"count", count_sigs, N(count_sigs), "count(*) | count(x) | count(DISTINCT x)",
	    "number of rows, or of non-NULL values of x",
	    "SELECT count(x) FROM (VALUES (1), (NULL), (3)) t(x)", "2"},
	{"count_if", agg_count_if_sigs, N(agg_count_if_sigs), "count_if(b)",
	    "number of rows where b is true (0 for no rows)",
	    "SELECT count_if(x > 1) FROM (VALUES (1), (2), (3)) t(x)", "2"},
	{"covar_pop", agg_covar_pop_sigs, N(agg_covar_pop_sigs), "covar_pop(y, x)",
	    "population covariance (n) of the non-NULL pairs",
	    "SELECT covar_pop(y, x) FROM (VALUES (1, 2), (2, 4), (3, 6)) t(x, y)", "1.3333333333333333"},
	{"covar_samp", agg_covar_samp_sigs, N(agg_covar_samp_sigs), "covar_samp(y, x)",
	    "sample covariance (n - 1) of the non-NULL pairs",
	    "SELECT covar_samp(y, x) FROM (VALUES (1, 2), (2, 4), (3, 6)) t(x, y)", "2.0"},
	{"every", agg_bool_and_sigs, N(agg_bool_and_sigs), "every(b)",
	    "alias of bool_and",
	    "SELECT every(b) FROM (VALUES (true), (true)) t(b)", "true"},
	{"first", agg_first_sigs, N(agg_first_sigs), "first(x [, ignore_nulls]) | first(x) IGNORE NULLS",
	    "value of the first row in input order (NULL included unless ignore_nulls)",
	    "SELECT first(x, true) FROM (VALUES (NULL), (2), (3)) t(x)", "2"},
	{"first_value", agg_first_sigs, N(agg_first_sigs), "first_value(x [, ignore_nulls])",
	    "alias of first",
	    "SELECT first_value(x) FROM (VALUES (1), (2), (3)) t(x)", "1"},
	{"group_concat", agg_group_concat_sigs, N(agg_group_concat_sigs), "group_concat(s [, sep])",
	    "string_agg with ',' as the default separator",
	    "SELECT group_concat(s) FROM (VALUES ('a'), ('b'), (NULL), ('c')) t(s)", "a,b,c"},
	{"kurtosis", agg_kurtosis_sigs, N(agg_kurtosis_sigs), "kurtosis(x)",
	    "sample excess kurtosis (bias-adjusted, as DuckDB; NULL for fewer than 4 values)",
	    "SELECT kurtosis(x) FROM (VALUES (1), (2), (3), (10)) t(x)", "3.227999999999999"},
	{"kurtosis_pop", agg_kurtosis_pop_sigs, N(agg_kurtosis_pop_sigs), "kurtosis_pop(x)",
	    "population excess kurtosis m4 / m2^2 - 3 (Spark's kurtosis)",
	    "SELECT kurtosis_pop(x) FROM (VALUES (1), (2), (3), (10)) t(x)", "-0.7696000000000001"},
	{"last", agg_last_sigs, N(agg_last_sigs), "last(x [, ignore_nulls]) | last(x) IGNORE NULLS",
	    "value of the last row in input order (NULL included unless ignore_nulls)",
	    "SELECT last(x) FROM (VALUES (1), (2), (3)) t(x)", "3"},
	{"last_value", agg_last_sigs, N(agg_last_sigs), "last_value(x [, ignore_nulls])",
	    "alias of last",
	    "SELECT last_value(x, true) FROM (VALUES (1), (2), (NULL)) t(x)", "2"},
	{"list", agg_collect_list_sigs, N(agg_collect_list_sigs), "list(x)",
	    "alias of collect_list (DuckDB's name; NULLs are skipped, as in Spark, where DuckDB keeps them)",
	    "SELECT list(x) FROM (VALUES (1), (2)) t(x)", "[1, 2]"},
	{"listagg", agg_string_agg_sigs, N(agg_string_agg_sigs), "listagg(s [, sep])",
	    "alias of string_agg",
	    "SELECT listagg(s, '-') FROM (VALUES ('a'), ('b')) t(s)", "a-b"},
	{"max", max_sigs, N(max_sigs), "max(x)",
	    "largest non-NULL value (lists compare element by element, then by length)",
	    "SELECT max(x) FROM (VALUES ('a'), ('c'), ('b')) t(x)", "c"},
	{"max_by", agg_max_by_sigs, N(agg_max_by_sigs), "max_by(x, y)",
	    "x at the row with the largest y (rows with a NULL y are skipped; ties: the first row)",
	    "SELECT max_by(name, score) FROM (VALUES ('ann', 3), ('bob', 5), ('cy', 4)) t(name, score)", "bob"},
	{"mean", avg_sigs, N(avg_sigs), "mean(x)",
	    "alias of avg",
	    "SELECT mean(x) FROM (VALUES (1), (2)) t(x)", "1.5"},
	{"median", agg_median_sigs, N(agg_median_sigs), "median(x)",
	    "exact median (percentile_cont(x, 0.5)): DOUBLE, or TIMESTAMP for dates and timestamps",
	    "SELECT median(x) FROM (VALUES (1), (3), (10), (20)) t(x)", "6.5"},
	{"min", min_sigs, N(min_sigs), "min(x)",
	    "smallest non-NULL value (lists compare element by element, then by length)",
	    "SELECT min(x) FROM (VALUES (3), (1), (2)) t(x)", "1"},
	{"min_by", agg_min_by_sigs, N(agg_min_by_sigs), "min_by(x, y)",
	    "x at the row with the smallest y (rows with a NULL y are skipped; ties: the first row)",
	    "SELECT min_by(name, score) FROM (VALUES ('ann', 3), ('bob', 5), ('cy', 4)) t(name, score)", "ann"},
	{"mode", agg_mode_sigs, N(agg_mode_sigs), "mode(x) | mode() WITHIN GROUP (ORDER BY x)",
	    "most frequent non-NULL value (ties: the smallest)",
	    "SELECT mode(x) FROM (VALUES ('a'), ('b'), ('b'), ('c')) t(x)", "b"},
	{"percentile", agg_pct_cont_sigs, N(agg_pct_cont_sigs), "percentile(x, p)",
	    "alias of percentile_cont (Spark's exact percentile)",
	    "SELECT percentile(x, 0.5) FROM (VALUES (1), (2), (3), (4)) t(x)", "2.5"},
	{"percentile_approx", agg_pct_approx_sigs, N(agg_pct_approx_sigs), "percentile_approx(x, p [, accuracy])",
	    "the smallest value with at least a fraction p of the values at or below it; computed exactly (accuracy is accepted and unused)",
	    "SELECT percentile_approx(x, 0.5) FROM (VALUES (1), (2), (3), (4)) t(x)", "2"},
	{"percentile_cont", agg_pct_cont_sigs, N(agg_pct_cont_sigs), "percentile_cont(x, p) | percentile_cont(p) WITHIN GROUP (ORDER BY x)",
	    "exact percentile 0 <= p <= 1, interpolated linearly between the two nearest values",
	    "SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY x) FROM (VALUES (1), (2), (3), (4), (5)) t(x)", "2.0"},
	{"percentile_disc", agg_pct_disc_sigs, N(agg_pct_disc_sigs), "percentile_disc(x, p) | percentile_disc(p) WITHIN GROUP (ORDER BY x)",
	    "exact percentile as one of the values: the first whose cumulative fraction reaches p",
	    "SELECT percentile_disc(x, 0.5) FROM (VALUES (1), (2), (3), (4)) t(x)", "2"},
	{"product", agg_product_sigs, N(agg_product_sigs), "product(x)",
	    "product of the non-NULL values (DOUBLE)",
	    "SELECT product(x) FROM (VALUES (2), (3), (4)) t(x)", "24.0"},
	{"quantile", agg_pct_disc_sigs, N(agg_pct_disc_sigs), "quantile(x, p)",
	    "alias of percentile_disc (as in DuckDB)",
	    "SELECT quantile(x, 0.5) FROM (VALUES (1), (2), (3), (4)) t(x)", "2"},
	{"quantile_cont", agg_pct_cont_sigs, N(agg_pct_cont_sigs), "quantile_cont(x, p)",
	    "alias of percentile_cont",
	    "SELECT quantile_cont(x, 0.5) FROM (VALUES (1), (2), (3), (4)) t(x)", "2.5"},
	{"quantile_disc", agg_pct_disc_sigs, N(agg_pct_disc_sigs), "quantile_disc(x, p)",
	    "alias of percentile_disc",
	    "SELECT quantile_disc(x, 0.5) FROM (VALUES (1), (2), (3), (4)) t(x)", "2"},
	{"regr_avgx", agg_regr_avgx_sigs, N(agg_regr_avgx_sigs), "regr_avgx(y, x)",
	    "mean of x over the non-NULL pairs",
	    "SELECT regr_avgx(y, x) FROM (VALUES (1, 3), (2, 5), (NULL, 6), (3, 7)) t(x, y)", "2.0"},
	{"regr_avgy", agg_regr_avgy_sigs, N(agg_regr_avgy_sigs), "regr_avgy(y, x)",
	    "mean of y over the non-NULL pairs",
	    "SELECT regr_avgy(y, x) FROM (VALUES (1, 3), (2, 5), (NULL, 6), (3, 7)) t(x, y)", "5.0"},
	{"regr_count", agg_regr_count_sigs, N(agg_regr_count_sigs), "regr_count(y, x)",
	    "number of non-NULL pairs",
	    "SELECT regr_count(y, x) FROM (VALUES (1, 3), (2, 5), (NULL, 6), (3, 7)) t(x, y)", "3"},
	{"regr_intercept", agg_regr_intercept_sigs, N(agg_regr_intercept_sigs), "regr_intercept(y, x)",
	    "intercept of the least-squares line of y on x",
	    "SELECT regr_intercept(y, x) FROM (VALUES (1, 3), (2, 5), (3, 7)) t(x, y)", "1.0"},
	{"regr_r2", agg_regr_r2_sigs, N(agg_regr_r2_sigs), "regr_r2(y, x)",
	    "coefficient of determination of the least-squares line of y on x",
	    "SELECT regr_r2(y, x) FROM (VALUES (1, 3), (2, 5), (3, 7)) t(x, y)", "1.0"},
	{"regr_slope", agg_regr_slope_sigs, N(agg_regr_slope_sigs), "regr_slope(y, x)",
	    "slope of the least-squares line of y on x; NULL when x is constant",
	    "SELECT regr_slope(y, x) FROM (VALUES (1, 3), (2, 5), (3, 7)) t(x, y)", "2.0"},
	{"regr_sxx", agg_regr_sxx_sigs, N(agg_regr_sxx_sigs), "regr_sxx(y, x)",
	    "sum of squared deviations of x (over the non-NULL pairs)",
	    "SELECT regr_sxx(y, x) FROM (VALUES (1, 3), (2, 5), (3, 7)) t(x, y)", "2.0"},
	{"regr_sxy", agg_regr_sxy_sigs, N(agg_regr_sxy_sigs), "regr_sxy(y, x)",
	    "sum of products of the deviations of x and y",
	    "SELECT regr_sxy(y, x) FROM (VALUES (1, 3), (2, 5), (3, 7)) t(x, y)", "4.0"},
	{"regr_syy", agg_regr_syy_sigs, N(agg_regr_syy_sigs), "regr_syy(y, x)",
	    "sum of squared deviations of y (over the non-NULL pairs)",
	    "SELECT regr_syy(y, x) FROM (VALUES (1, 3), (2, 5), (3, 7)) t(x, y)", "8.0"},
	{"skewness", agg_skewness_sigs, N(agg_skewness_sigs), "skewness(x)",
	    "sample skewness (bias-adjusted, as DuckDB; NULL for fewer than 3 values)",
	    "SELECT skewness(x) FROM (VALUES (1), (2), (3), (10)) t(x)", "1.763632614803888"},
	{"some", agg_bool_or_sigs, N(agg_bool_or_sigs), "some(b)",
	    "alias of bool_or",
	    "SELECT some(b) FROM (VALUES (false), (true)) t(b)", "true"},
	{"std", std_samp_sigs, N(std_samp_sigs), "std(x)",
	    "alias of stddev_samp",
	    "SELECT std(x) FROM (VALUES (1), (2), (3), (4)) t(x)", "1.2909944487358056"},
	{"stddev", std_samp_sigs, N(std_samp_sigs), "stddev(x)",
	    "sample standard deviation (n - 1), NULL for fewer than 2 values",
	    "SELECT stddev(x) FROM (VALUES (1), (2), (3), (4)) t(x)", "1.2909944487358056"},
	{"stddev_pop", std_pop_sigs, N(std_pop_sigs), "stddev_pop(x)",
	    "population standard deviation (n)",
	    "SELECT stddev_pop(x) FROM (VALUES (1), (2), (3), (4)) t(x)", "1.118033988749895"},
	{"stddev_samp", std_samp_sigs, N(std_samp_sigs), "stddev_samp(x)",
	    "sample standard deviation (n - 1)",
	    "SELECT stddev_samp(x) FROM (VALUES (1), (2), (3), (4)) t(x)", "1.2909944487358056"},
	{"string_agg", agg_string_agg_sigs, N(agg_string_agg_sigs), "string_agg(s [, sep])",
	    "the non-NULL strings joined by sep (default ''), in input order",
	    "SELECT string_agg(s, ', ') FROM (VALUES ('a'), ('b'), (NULL), ('c')) t(s)", "a, b, c"},
	{"sum", sum_sigs, N(sum_sigs), "sum(x)",
	    "sum of the non-NULL values; BIGINT sums are exact and fail when out of range",
	    "SELECT sum(x) FROM (VALUES (1), (2), (NULL)) t(x)", "3"},
	{"var_pop", var_pop_sigs, N(var_pop_sigs), "var_pop(x)",
	    "population variance (n)",
	    "SELECT var_pop(x) FROM (VALUES (1), (2), (3), (4)) t(x)", "1.25"},
	{"var_samp", var_samp_sigs, N(var_samp_sigs), "var_samp(x)",
	    "sample variance (n - 1)",
	    "SELECT var_samp(x) FROM (VALUES (1), (2), (3), (4)) t(x)", "1.6666666666666667"},
	{"variance", var_samp_sigs, N(var_samp_sigs), "variance(x)",
	    "alias of var_samp",
	    "SELECT variance(x) FROM (VALUES (1), (2), (3), (4)) t(x)", "1.6666666666666667"},
};

const struct agg_fn *
agg_lookup(const char *name)
{
	int lo = 0, hi = N(agg_table) - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int c = strcasecmp(name, agg_table[mid].name);
		if (c == 0)
			return &agg_table[mid];
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return NULL;
}

int
agg_count(void)
{
	return N(agg_table);
}

const struct agg_fn *
agg_at(int i)
{
	return &agg_table[i];
}

const struct agg_sig *
agg_resolve(const struct agg_fn *f, const wb_type *argtypes, int nargs, wb_type *cast_to, wb_type *ret,
    struct wb_error *err)
{
	const struct agg_sig *best = NULL;
	int best_cost = 1 << 30;
	for (int s = 0; s < f->nsigs; s++) {
		const struct agg_sig *sig = &f->sigs[s];
		if (sig->nargs != nargs)
			continue;
		int cost = 0;
		bool okay = true;
		for (int a = 0; a < nargs && okay; a++) {
			wb_type want = sig->args[a], got = argtypes[a];
			if (want == WB_TYPE_NULL || want == got)
				continue;
			if (got == WB_TYPE_NULL)
				cost += 1;
			else if (got == WB_TYPE_BIGINT && want == WB_TYPE_DOUBLE)
				cost += 2;
			else
				okay = false;
		}
		if (okay && cost < best_cost) {
			best = sig;
			best_cost = cost;
		}
	}
	if (best == NULL) {
		struct strbuf b = STRBUF_INIT;
		for (int a = 0; a < nargs; a++)
			sb_printf(&b, "%s%s", a ? ", " : "", type_name(argtypes[a]));
		err_set(err, -1, "%s(%s) does not exist", f->name, sb_str(&b));
		sb_clear(&b);
		for (int s = 0; s < f->nsigs; s++) {
			sb_printf(&b, "%s%s(", s ? ", " : "", f->name);
			for (int a = 0; a < f->sigs[s].nargs; a++)
				sb_printf(&b, "%s%s", a ? ", " : "", f->sigs[s].args[a] == WB_TYPE_NULL ? "ANY" : type_name(f->sigs[s].args[a]));
			sb_putc(&b, ')');
		}
		/* collect_list(l): the result would be a list of lists */
		bool nests = false;
		for (int s = 0; s < f->nsigs; s++)
			nests |= type_is_list(f->sigs[s].ret) && nargs > 0 && type_is_list(argtypes[0]);
		if (nests)
			err_hint(err, "lists do not nest: %s collects values into a list, so they cannot be lists", f->name);
		else
			err_hint(err, "candidates: %s", sb_str(&b));
		sb_free(&b);
		return NULL;
	}
	for (int a = 0; a < nargs; a++)
		cast_to[a] = best->args[a] == WB_TYPE_NULL ? (argtypes[a] == WB_TYPE_NULL ? WB_TYPE_BIGINT : argtypes[a]) : best->args[a];
	*ret = best->ret == WB_TYPE_NULL ? cast_to[0] : best->ret;
	return best;
}
