/*
 * approx_count_distinct(x [, rsd]): HyperLogLog over 64-bit value hashes.
 *
 * Precision p (2^p one-byte registers) comes from rsd as in Spark,
 * p = ceil(2 log2(1.106 / rsd)), clamped to 4..18; without rsd p = 12,
 * whose relative standard error is 1.04 / sqrt(4096) = 1.6%.
 *
 * A group starts sparse: an exact set of the hashes it has seen (the
 * first two in the state itself, then a hash set in the heap), so small
 * groups (up to 2^p / 16 distinct values, 256 by default) are counted
 * exactly and cost a few bytes, not 2^p. Past that the group turns dense
 * (registers). The dense estimate is Ertl's improved raw estimator ("New
 * cardinality estimation algorithms for HyperLogLog sketches", 2017),
 * which needs neither empirical bias tables nor a switch to linear
 * counting: it is unbiased from a few values to 2^64 / 2^p.
 *
 * Register j keeps the largest rank seen for hashes whose top p bits are j;
 * the rank of a hash is 1 + the number of leading zeros of its remaining
 * 64 - p bits (64 - p + 1 when all are zero). Combining takes the
 * register-wise maximum, so partial states merge exactly.
 */
#include "func/agg_impl.h"
#include "core/hash.h"

#include <math.h>
#include <string.h>

#define HLL_DEFAULT_P 12
#define HLL_MIN_P 4
#define HLL_MAX_P 18

#define HLL_DENSE UINT32_MAX
#define HLL_INLINE 2

/* cap says which member of u is live: 0 the inline hashes (n of them),
 * HLL_DENSE the registers, else a hash set of cap slots holding n. */
struct hll_state {
	union {
		uint8_t *reg;                 /* 2^p registers */
		uint64_t *set;                /* open addressing, 0 = empty slot */
		uint64_t inl[HLL_INLINE];
	} u;
	uint32_t n, cap;
};

static int
hll_precision(const struct agg_ctx *ctx)
{
	if (!(ctx->param > 0))
		return HLL_DEFAULT_P;
	int p = (int)ceil(2.0 * log2(1.106 / ctx->param));
	return p < HLL_MIN_P ? HLL_MIN_P : p > HLL_MAX_P ? HLL_MAX_P : p;
}

/* Sparse sets turn dense when they would outgrow the registers. */
static uint32_t
hll_sparse_max(int p)
{
	uint32_t m = (uint32_t)1 << p;
	return m / 16 < 16 ? 16 : m / 16;
}

static inline void
hll_reg_add(uint8_t *reg, int p, uint64_t h)
{
	uint64_t w = h << p;
	uint8_t r = w ? (uint8_t)(__builtin_clzll(w) + 1) : (uint8_t)(64 - p + 1);
	uint32_t j = (uint32_t)(h >> (64 - p));
	if (r > reg[j])
		reg[j] = r;
}

/* The hashes of a sparse state (inline or set; 0 entries are empty). */
static inline const uint64_t *
hll_hashes(const struct hll_state *s, uint32_t *count)
{
	*count = s->cap ? s->cap : s->n;
	return s->cap ? s->u.set : s->u.inl;
}

static void
hll_to_dense(const struct agg_ctx *ctx, struct hll_state *s, int p)
{
	uint8_t *reg = arena_zalloc(ctx->heap, (size_t)1 << p);
	uint32_t m;
	const uint64_t *hs = hll_hashes(s, &m);
	for (uint32_t k = 0; k < m; k++)
		if (hs[k])
			hll_reg_add(reg, p, hs[k]);
	s->u.reg = reg;
	s->n = 0;
	s->cap = HLL_DENSE;
}

static void
hll_set_grow(const struct agg_ctx *ctx, struct hll_state *s)
{
	uint32_t cap = s->cap ? s->cap * 2 : 8, m;
	uint64_t *set = arena_zalloc(ctx->heap, sizeof *set * cap);
	const uint64_t *hs = hll_hashes(s, &m);
	for (uint32_t k = 0; k < m; k++) {
		uint64_t h = hs[k];
		if (h == 0)
			continue;
		uint32_t j = (uint32_t)h & (cap - 1);
		while (set[j])
			j = (j + 1) & (cap - 1);
		set[j] = h;
	}
	s->u.set = set;
	s->cap = cap;
}

static void
hll_add(const struct agg_ctx *ctx, struct hll_state *s, int p, uint64_t h)
{
	if (s->cap == HLL_DENSE) {
		hll_reg_add(s->u.reg, p, h);
		return;
	}
	if (h == 0)
		h = 1;   /* 0 marks empty slots; one hash value in 2^64 shifts */
	if (s->cap == 0) {
		for (uint32_t k = 0; k < s->n; k++)
			if (s->u.inl[k] == h)
				return;
		if (s->n < HLL_INLINE) {
			s->u.inl[s->n++] = h;
			return;
		}
		hll_set_grow(ctx, s);
	} else {
		uint32_t j = (uint32_t)h & (s->cap - 1);
		while (s->u.set[j]) {
			if (s->u.set[j] == h)
				return;
			j = (j + 1) & (s->cap - 1);
		}
	}
	if ((s->n + 1) * 2 > s->cap) {
		if (s->n + 1 > hll_sparse_max(p)) {
			hll_to_dense(ctx, s, p);
			hll_reg_add(s->u.reg, p, h);
			return;
		}
		hll_set_grow(ctx, s);
	}
	uint32_t j = (uint32_t)h & (s->cap - 1);
	while (s->u.set[j])
		j = (j + 1) & (s->cap - 1);
	s->u.set[j] = h;
	s->n++;
}

static int
hll_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	uint64_t h[WB_VEC_SIZE];
	int p = hll_precision(ctx);
	hash_vec(args[0], n, h, 0);
	for (int i = 0; i < n; i++)
		if (!SKIP(i))
			hll_add(ctx, STATE(struct hll_state, i), p, h[i]);
	return 0;
}

static void
hll_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct hll_state *d = (struct hll_state *)dst;
	const struct hll_state *s = (const struct hll_state *)src;
	int p = hll_precision(ctx);
	uint32_t m;
	if (s->cap != HLL_DENSE && s->n == 0)
		return;
	if (d->cap != HLL_DENSE && d->n == 0 && s->cap == 0) {
		*d = *s;   /* inline hashes: nothing shared */
		return;
	}
	if (s->cap != HLL_DENSE) {
		const uint64_t *hs = hll_hashes(s, &m);
		for (uint32_t k = 0; k < m; k++)
			if (hs[k])
				hll_add(ctx, d, p, hs[k]);
		return;
	}
	if (d->cap != HLL_DENSE) {
		/* a copy of src's registers (src must not change), plus dst's
		 * hashes */
		struct hll_state t = *d;
		const uint64_t *hs = hll_hashes(&t, &m);
		d->u.reg = arena_alloc(ctx->heap, (size_t)1 << p);
		memcpy(d->u.reg, s->u.reg, (size_t)1 << p);
		d->n = 0;
		d->cap = HLL_DENSE;
		for (uint32_t k = 0; k < m; k++)
			if (hs[k])
				hll_reg_add(d->u.reg, p, hs[k]);
		return;
	}
	size_t nreg = (size_t)1 << p;
	for (size_t j = 0; j < nreg; j++)
		if (s->u.reg[j] > d->u.reg[j])
			d->u.reg[j] = s->u.reg[j];
}

/* Ertl's sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1). */
static double
hll_sigma(double x)
{
	if (x == 1)
		return INFINITY;
	double y = 1, z = x, zp;
	do {
		x *= x;
		zp = z;
		z += x * y;
		y += y;
	} while (z != zp);
	return z;
}

/* Ertl's tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3. */
static double
hll_tau(double x)
{
	if (x == 0 || x == 1)
		return 0;
	double y = 1, z = 1 - x, zp;
	do {
		x = sqrt(x);
		zp = z;
		y *= 0.5;
		z -= (1 - x) * (1 - x) * y;
	} while (z != zp);
	return z / 3;
}

static double
hll_estimate(const uint8_t *reg, int p)
{
	uint32_t m = (uint32_t)1 << p;
	int q = 64 - p;
	uint32_t c[66] = {0};
	for (uint32_t j = 0; j < m; j++)
		c[reg[j]]++;
	double dm = (double)m;
	double z = dm * hll_tau(1.0 - (double)c[q + 1] / dm);
	for (int k = q; k >= 1; k--)
		z = 0.5 * (z + (double)c[k]);
	z += dm * hll_sigma((double)c[0] / dm);
	return dm * dm / (2.0 * log(2.0)) / z;
}

static int
hll_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct hll_state *s = (const struct hll_state *)state;
	if (s->cap != HLL_DENSE)
		vec_i64(out)[row] = s->n;   /* exact while sparse */
	else
		vec_i64(out)[row] = (int64_t)llround(hll_estimate(s->u.reg, hll_precision(ctx)));
	return 0;
}

const struct agg_sig agg_hll_sigs[2] = {
	{WB_TYPE_BIGINT, 1, {WB_TYPE_NULL}, sizeof(struct hll_state), 0, NULL, hll_update, hll_combine, hll_finalize, NULL},
	{WB_TYPE_BIGINT, 2, {WB_TYPE_NULL, WB_TYPE_DOUBLE}, sizeof(struct hll_state), AGG_PARAM_ARG, NULL, hll_update,
	    hll_combine, hll_finalize, NULL, "the relative standard deviation must be a constant between 0.001 and 0.39",
	    0.001, 0.39},
};
