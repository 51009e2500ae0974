/* Aggregate functions: count, sum, avg, min, max, and the variance family. */
#include "func/agg.h"
#include "func/func.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#define SKIP(i) (skip && skip[i])
#define STATE(T, i) ((T *)(states + (size_t)gids[i] * stride))

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

/* Doubles order NaN above everything (as Spark and DuckDB sort them). */
static inline int
dcmp(double a, double b)
{
	if (a != a)
		return b != b ? 0 : 1;
	if (b != b)
		return -1;
	return a < b ? -1 : a > b;
}

static inline int64_t
iv_key(wb_interval iv)
{
	/* months ~ 30 days, as DuckDB compares intervals */
	return (int64_t)iv.months * 30 * INT64_C(86400000000) + (int64_t)iv.days * INT64_C(86400000000) + iv.micros;
}

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
#define LT_DBL(a, b) (dcmp((a), (b)) < 0)
#define GT_DBL(a, b) (dcmp((a), (b)) > 0)
#define LT_IV(a, b) (iv_key(a) < iv_key(b))
#define GT_IV(a, b) (iv_key(a) > iv_key(b))
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

static const struct agg_sig min_sigs[] = {MM_SIGS(min)};
static const struct agg_sig max_sigs[] = {MM_SIGS(max)};

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

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

/* Sorted by name (agg_lookup binary-searches). */
static const struct agg_fn agg_table[] = {
	{"avg", avg_sigs, N(avg_sigs), "avg(x)", "arithmetic mean of the non-NULL values (DOUBLE)",
	    "SELECT avg(x) FROM (VALUES (1), (2), (4)) t(x)", "2.3333333333333335"},
	{"count", count_sigs, N(count_sigs), "count(*) | count(x) | count(DISTINCT x)",
	    "number of rows, or of non-NULL values of x", "SELECT count(x) FROM (VALUES (1), (NULL), (3)) t(x)", "2"},
	{"max", max_sigs, N(max_sigs), "max(x)", "largest non-NULL value",
	    "SELECT max(x) FROM (VALUES ('a'), ('c'), ('b')) t(x)", "c"},
	{"mean", avg_sigs, N(avg_sigs), "mean(x)", "alias of avg",
	    "SELECT mean(x) FROM (VALUES (1), (2)) t(x)", "1.5"},
	{"min", min_sigs, N(min_sigs), "min(x)", "smallest non-NULL value",
	    "SELECT min(x) FROM (VALUES (3), (1), (2)) t(x)", "1"},
	{"std", std_samp_sigs, N(std_samp_sigs), "std(x)", "alias of stddev_samp",
	    "SELECT std(x) FROM (VALUES (1), (2), (3), (4)) t(x)", "1.2909944487358056"},
	{"stddev", std_samp_sigs, N(std_samp_sigs), "stddev(x)", "sample standard deviation (n - 1), NULL for fewer than 2 values",
	    "SELECT stddev(x) FROM (VALUES (1), (2), (3), (4)) t(x)", "1.2909944487358056"},
	{"stddev_pop", std_pop_sigs, N(std_pop_sigs), "stddev_pop(x)", "population standard deviation (n)",
	    "SELECT stddev_pop(x) FROM (VALUES (1), (2), (3), (4)) t(x)", "1.118033988749895"},
	{"stddev_samp", std_samp_sigs, N(std_samp_sigs), "stddev_samp(x)", "sample standard deviation (n - 1)",
	    "SELECT stddev_samp(x) FROM (VALUES (1), (2), (3), (4)) t(x)", "1.2909944487358056"},
	{"sum", sum_sigs, N(sum_sigs), "sum(x)", "sum of the non-NULL values; BIGINT sums are exact and fail when out of range",
	    "SELECT sum(x) FROM (VALUES (1), (2), (NULL)) t(x)", "3"},
	{"var_pop", var_pop_sigs, N(var_pop_sigs), "var_pop(x)", "population variance (n)",
	    "SELECT var_pop(x) FROM (VALUES (1), (2), (3), (4)) t(x)", "1.25"},
	{"var_samp", var_samp_sigs, N(var_samp_sigs), "var_samp(x)", "sample variance (n - 1)",
	    "SELECT var_samp(x) FROM (VALUES (1), (2), (3), (4)) t(x)", "1.6666666666666667"},
	{"variance", var_samp_sigs, N(var_samp_sigs), "variance(x)", "alias of var_samp",
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
		err_hint(err, "candidates: %s", sb_str(&b));
		sb_free(&b);
		return NULL;
	}
	for (int a = 0; a < nargs; a++)
		cast_to[a] = best->args[a] == WB_TYPE_NULL ? (argtypes[a] == WB_TYPE_NULL ? WB_TYPE_BIGINT : argtypes[a]) : best->args[a];
	*ret = best->ret == WB_TYPE_NULL ? cast_to[0] : best->ret;
	return best;
}
