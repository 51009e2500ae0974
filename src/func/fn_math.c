/*
 * fn_math.c: numeric functions.
 *
 * Results outside a function's domain (sqrt(-1), ln(0), asin(2)) are NULL
 * rather than NaN or -inf: Spark returns NULL for logarithms of values <=
 * 0, and wb extends that to every domain error so that a NaN never
 * appears from non-NaN input. Rounding follows Spark: round() is HALF_UP
 * (away from zero) applied to the shortest decimal form of a double, so
 * round(2.675, 2) is 2.68 as a person reading "2.675" expects.
 */
#include "func/fn_impl.h"

#include "core/xmalloc.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* Rows whose result is NaN from a non-NaN input become NULL. */
static void
domain_nulls(struct vec *out, const double *x, const double *r, int n)
{
	bool any = false;
	for (int i = 0; i < n; i++)
		any |= isnan(r[i]) & !isnan(x[i]);
	if (any)
		for (int i = 0; i < n; i++)
			if (isnan(r[i]) && !isnan(x[i]))
				vec_set_null(out, i);
}

#define F64_UNARY(name, expr) \
	static int name(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out) \
	{ \
		const double *a = vec_f64(args[0]); \
		double *r = vec_f64(out); \
		for (int i = 0; i < n; i++) { \
			double x = a[i]; \
			r[i] = (expr); \
		} \
		domain_nulls(out, a, r, n); \
		return 0; \
	}

/* For two-argument functions NaN from non-NaN inputs is NULL too. */
#define F64_BINARY(name, expr) \
	static int name(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out) \
	{ \
		const double *a = vec_f64(args[0]), *b = vec_f64(args[1]); \
		double *r = vec_f64(out); \
		for (int i = 0; i < n; i++) { \
			double x = a[i], y = b[i]; \
			r[i] = (expr); \
			if (isnan(r[i]) && !isnan(x) && !isnan(y)) \
				vec_set_null(out, i); \
		} \
		return 0; \
	}

/* The C library's cbrt can be an ulp off on perfect cubes (cbrt(27) =
 * 3.0000000000000004); snap to the integer when it cubes back exactly,
 * as Java's StrictMath.cbrt gives. */
static inline double
exact_cbrt(double x)
{
	double y = cbrt(x), c = nearbyint(y);
	return fabs(c) < 2097152 && c * c * c == x ? c : y;
}

F64_UNARY(abs_f64, fabs(x))
F64_UNARY(sqrt_f64, sqrt(x))
F64_UNARY(cbrt_f64, exact_cbrt(x))
F64_UNARY(exp_f64, exp(x))
F64_UNARY(expm1_f64, expm1(x))
F64_UNARY(ln_f64, x > 0 ? log(x) : NAN)
F64_UNARY(log10_f64, x > 0 ? log10(x) : NAN)
F64_UNARY(log2_f64, x > 0 ? log2(x) : NAN)
F64_UNARY(log1p_f64, x > -1 ? log1p(x) : NAN)
F64_UNARY(sin_f64, sin(x))
F64_UNARY(cos_f64, cos(x))
F64_UNARY(tan_f64, tan(x))
F64_UNARY(cot_f64, 1.0 / tan(x))
F64_UNARY(asin_f64, asin(x))
F64_UNARY(acos_f64, acos(x))
F64_UNARY(atan_f64, atan(x))
F64_UNARY(sinh_f64, sinh(x))
F64_UNARY(cosh_f64, cosh(x))
F64_UNARY(tanh_f64, tanh(x))
F64_UNARY(degrees_f64, x * (180.0 / M_PI))
F64_UNARY(radians_f64, x * (M_PI / 180.0))
F64_UNARY(sign_f64, x > 0 ? 1.0 : x < 0 ? -1.0 : x == 0 ? 0.0 : x)
F64_BINARY(pow_f64, pow(x, y))
F64_BINARY(atan2_f64, atan2(x, y))
F64_BINARY(hypot_f64, hypot(x, y))
/* log(base, x): NULL unless both are > 0 (Spark) */
F64_BINARY(logb_f64, x > 0 && y > 0 ? log(y) / log(x) : NAN)

static int
abs_i64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (a[i] == INT64_MIN && !fn_skip(out, i)) {
			err_set(call->err, call->pos, "integer overflow: abs(%" PRId64 ")", a[i]);
			return -1;
		}
		r[i] = a[i] < 0 ? (int64_t)(0 - (uint64_t)a[i]) : a[i];
	}
	return 0;
}

/* ---- round, bround ---- */

static const double pow10_tab[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * Round |x| to d decimal places on its shortest decimal representation
 * (what Java's Double.toString and hence Spark's BigDecimal(x) see):
 * half-up, or half-even for bround.
 */
static double
round_decimal(double x, int64_t d, bool even)
{
	char buf[48];
	int prec;
	/* shortest %.Ne that reads back as x */
	for (prec = 14; prec < 17; prec++) {
		snprintf(buf, sizeof buf, "%.*e", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	snprintf(buf, sizeof buf, "%.*e", prec, x);
	char dig[24];
	int nd = 0;
	const char *p = buf;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			dig[nd++] = *p;
	int e10 = atoi(p + 1);
	/* digit k has place value 10^(e10 - k); keep those with place >= 10^-d */
	int64_t keep = (int64_t)e10 + d + 1;
	if (keep >= nd)
		return x;
	bool up;
	int64_t first_dropped = keep < 0 ? -1 : keep;
	if (first_dropped < 0) {
		return 0.0; /* below half a unit of the last kept place */
	}
	char c = dig[first_dropped];
	bool rest_zero = true;
	for (int k = (int)first_dropped + 1; k < nd; k++)
		rest_zero &= dig[k] == '0';
	if (!even)
		up = c >= '5';
	else if (c != '5')
		up = c > '5';
	else if (!rest_zero)
		up = true;
	else
		up = keep > 0 && (dig[keep - 1] - '0') % 2 == 1;
	/* build the kept digits, rounded */
	char out[64];
	int no = 0;
	for (int k = 0; k < keep; k++)
		out[no++] = dig[k];
	if (keep == 0)
		out[no++] = '0';
	if (up) {
		int k = no - 1;
		while (k >= 0 && out[k] == '9')
			out[k--] = '0';
		if (k >= 0) {
			out[k]++;
		} else {
			memmove(out + 1, out, (size_t)no);
			out[0] = '1';
			no++;
			e10++;
		}
	}
	/* value = 0.out * 10^(e10 + 1) when keep > 0, else out * 10^-d */
	char res[96];
	if (keep == 0)
		snprintf(res, sizeof res, "%.*se%lld", no, out, (long long)-d);
	else
		snprintf(res, sizeof res, "0.%.*se%d", no, out, e10 + 1);
	return strtod(res, NULL);
}

static double
round_f64(double x, int64_t d, bool even)
{
	if (!isfinite(x) || x == 0)
		return x;
	if (d > 330)
		return x;
	if (d < -330)
		return 0.0;
	double ax = fabs(x), r;
	/*
	 * Fast path: scale by an exact power of ten. Away from a .5 tie the
	 * decision is clear despite the rounding noise of the scaling (below
	 * 1e-4 for y < 1e11). Near a tie, compare x with the double nearest
	 * to the tie (k + 0.5) * 10^-d: at this magnitude no other decimal
	 * with d + 1 places is within an ulp of x, so x's shortest decimal
	 * form is the tie exactly when x equals that double, and lies on x's
	 * side of it otherwise. The result k * 10^-d computed from exact
	 * integers is correctly rounded, i.e. what strtod gives for it.
	 */
	if (d >= -22 && d <= 22) {
		double y = d >= 0 ? ax * pow10_tab[d] : ax / pow10_tab[-d];
		if (y < 1e11) {
			double fl = floor(y), frac = y - fl, k;
			if (fabs(frac - 0.5) > 1e-4) {
				k = frac > 0.5 ? fl + 1 : fl;
			} else {
				double tie = d >= 0 ? (2 * fl + 1) / (2 * pow10_tab[d]) : (2 * fl + 1) * (pow10_tab[-d] / 2);
				if (ax != tie)
					k = ax > tie ? fl + 1 : fl;
				else
					k = even && fmod(fl, 2) == 0 ? fl : fl + 1;
			}
			r = d >= 0 ? k / pow10_tab[d] : k * pow10_tab[-d];
			return x < 0 && r != 0 ? -r : r;
		}
	}
	r = round_decimal(ax, d, even);
	return x < 0 && r != 0 ? -r : r;
}

static int
round_kernel(struct vec **args, int nargs, int n, struct vec *out, bool even)
{
	const double *a = vec_f64(args[0]);
	const int64_t *d = nargs > 1 ? vec_i64(args[1]) : NULL;
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++)
		r[i] = fn_skip(out, i) ? 0 : round_f64(a[i], d ? d[i] : 0, even);
	return 0;
}

static int
round_f64_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return round_kernel(args, nargs, n, out, false);
}

static int
bround_f64_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return round_kernel(args, nargs, n, out, true);
}

/* Integers round only for negative d: round(1250, -2) = 1300. */
static int
round_i64_kernel(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out, bool even)
{
	const int64_t *a = vec_i64(args[0]);
	const int64_t *d = nargs > 1 ? vec_i64(args[1]) : NULL;
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		int64_t dd = d ? d[i] : 0;
		r[i] = a[i];
		if (fn_skip(out, i) || dd >= 0)
			continue;
		if (dd < -18) {
			r[i] = 0;
			continue;
		}
		int64_t p = 1;
		for (int64_t k = 0; k < -dd; k++)
			p *= 10;
		int64_t q = a[i] / p, rem = a[i] % p;
		int64_t arem = rem < 0 ? -rem : rem;
		bool up = even ? (arem * 2 > p || (arem * 2 == p && q % 2 != 0)) : arem * 2 >= p;
		if (up)
			q += a[i] < 0 ? -1 : 1;
		if (__builtin_mul_overflow(q, p, &r[i])) {
			err_set(call->err, call->pos, "integer overflow: round(%" PRId64 ", %" PRId64 ")", a[i], dd);
			return -1;
		}
	}
	return 0;
}

static int
round_i64_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return round_i64_kernel(call, args, nargs, n, out, false);
}

static int
bround_i64_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return round_i64_kernel(call, args, nargs, n, out, true);
}

/* ---- floor, ceil ---- */

/* floor/ceil of a DOUBLE are BIGINT (Spark); out of range is an error. */
static int
floorceil(struct fn_call *call, struct vec **args, int n, struct vec *out, bool up)
{
	const double *a = vec_f64(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		double v = up ? ceil(a[i]) : floor(a[i]);
		if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) {
			char b[48];
			format_double(a[i], b);
			err_set(call->err, call->pos, "%s: %s is out of range for BIGINT", up ? "ceil" : "floor", b);
			return -1;
		}
		r[i] = (int64_t)v;
	}
	return 0;
}

static int
floor_f64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return floorceil(call, args, n, out, false);
}

static int
ceil_f64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return floorceil(call, args, n, out, true);
}

static int
ident_i64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	memcpy(vec_i64(out), vec_i64(args[0]), (size_t)n * sizeof(int64_t));
	return 0;
}

/* ---- mod, pmod ---- */

static int
mod_i64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]), *b = vec_i64(args[1]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (b[i] == 0)
			vec_set_null(out, i);
		else
			r[i] = b[i] == -1 ? 0 : a[i] % b[i];
	}
	return 0;
}

static int
mod_f64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const double *a = vec_f64(args[0]), *b = vec_f64(args[1]);
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++) {
		r[i] = b[i] == 0 ? 0 : fmod(a[i], b[i]);
		if (b[i] == 0)
			vec_set_null(out, i);
	}
	return 0;
}

/* pmod(a, n): Spark's "positive" modulo: a % n, plus n if negative, mod n. */
static int
pmod_i64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]), *b = vec_i64(args[1]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (b[i] == 0) {
			vec_set_null(out, i);
			continue;
		}
		if (b[i] == -1)
			continue;
		int64_t m = a[i] % b[i];
		if (m < 0) {
			/* (m + b) can overflow only when b < 0, where it equals m % b anyway */
			int64_t s;
			if (!__builtin_add_overflow(m, b[i], &s))
				m = s % b[i];
		}
		r[i] = m;
	}
	return 0;
}

static int
pmod_f64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const double *a = vec_f64(args[0]), *b = vec_f64(args[1]);
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++) {
		if (b[i] == 0) {
			r[i] = 0;
			vec_set_null(out, i);
			continue;
		}
		double m = fmod(a[i], b[i]);
		r[i] = m < 0 ? fmod(m + b[i], b[i]) : m;
	}
	return 0;
}

/* ---- constants ---- */

static int
pi_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++)
		r[i] = M_PI;
	return 0;
}

static int
e_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++)
		r[i] = M_E;
	return 0;
}

/* factorial(n) for 0 <= n <= 20, else NULL (Spark). */
static int
factorial_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		r[i] = 1;
		if (fn_skip(out, i))
			continue;
		if (a[i] < 0 || a[i] > 20) {
			vec_set_null(out, i);
			continue;
		}
		for (int64_t k = 2; k <= a[i]; k++)
			r[i] *= k;
	}
	return 0;
}

/* ---- rand, randn ---- */

/*
 * Per-thread xoshiro256** generators seeded by splitmix64, from the
 * constant seed if one is given (repeatable when evaluated by one thread)
 * or from the clock and a process-wide counter.
 */
struct rng {
	uint64_t s[4];
	bool have_spare;
	double spare;
};

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *g)
{
	uint64_t *s = g->s;
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

static inline double
rng_unit(struct rng *g)
{
	return (double)(rng_next(g) >> 11) * 0x1.0p-53;
}

static void *
rand_prepare(const struct wb_value *consts, const bool *is_const, int nargs, struct wb_error *err)
{
	static _Atomic uint64_t counter;
	uint64_t seed;
	if (nargs > 0) {
		if (!is_const[0]) {
			err_set(err, -1, "rand: the seed must be a constant");
			return NULL;
		}
		seed = consts[0].is_null ? 0 : (uint64_t)consts[0].u.i;
	} else {
		seed = (uint64_t)fn_now_us() ^ (atomic_fetch_add(&counter, 1) * UINT64_C(0x9e3779b97f4a7c15));
	}
	struct rng *g = xcalloc(1, sizeof *g);
	for (int k = 0; k < 4; k++)
		g->s[k] = splitmix64(&seed);
	return g;
}

static void
rand_release(void *state)
{
	free(state);
}

static int
rand_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct rng *g = call->state;
	double *r = vec_f64(out);
	out->nulls = NULL; /* a NULL seed means seed 0, not a NULL result */
	for (int i = 0; i < n; i++)
		r[i] = rng_unit(g);
	return 0;
}

/* Standard normal by the polar Box-Muller method. */
static int
randn_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct rng *g = call->state;
	double *r = vec_f64(out);
	out->nulls = NULL;
	for (int i = 0; i < n; i++) {
		if (g->have_spare) {
			g->have_spare = false;
			r[i] = g->spare;
			continue;
		}
		double u, v, s;
		do {
			u = rng_unit(g) * 2 - 1;
			v = rng_unit(g) * 2 - 1;
			s = u * u + v * v;
		} while (s >= 1 || s == 0);
		double m = sqrt(-2 * log(s) / s);
		g->spare = v * m;
		g->have_spare = true;
		r[i] = u * m;
	}
	return 0;
}

/* ---- table ---- */

#define U1(k) static const struct fn_sig k##_sigs[] = {SIG1(T_F64, T_F64, k)}
U1(sqrt_f64);
U1(cbrt_f64);
U1(exp_f64);
U1(expm1_f64);
U1(ln_f64);
U1(log10_f64);
U1(log2_f64);
U1(log1p_f64);
U1(sin_f64);
U1(cos_f64);
U1(tan_f64);
U1(cot_f64);
U1(asin_f64);
U1(acos_f64);
U1(atan_f64);
U1(sinh_f64);
U1(cosh_f64);
U1(tanh_f64);
U1(degrees_f64);
U1(radians_f64);
U1(sign_f64);
static const struct fn_sig abs_sigs[] = {SIG1(T_I64, T_I64, abs_i64), SIG1(T_F64, T_F64, abs_f64)};
static const struct fn_sig log_sigs[] = {SIG1(T_F64, T_F64, ln_f64), SIG2(T_F64, T_F64, T_F64, logb_f64)};
static const struct fn_sig pow_sigs[] = {SIG2(T_F64, T_F64, T_F64, pow_f64)};
static const struct fn_sig atan2_sigs[] = {SIG2(T_F64, T_F64, T_F64, atan2_f64)};
static const struct fn_sig hypot_sigs[] = {SIG2(T_F64, T_F64, T_F64, hypot_f64)};
static const struct fn_sig round_sigs[] = {
	SIG1(T_I64, T_I64, round_i64_k),
	SIG2(T_I64, T_I64, T_I64, round_i64_k),
	SIG1(T_F64, T_F64, round_f64_k),
	SIG2(T_F64, T_F64, T_I64, round_f64_k),
};
static const struct fn_sig bround_sigs[] = {
	SIG1(T_I64, T_I64, bround_i64_k),
	SIG2(T_I64, T_I64, T_I64, bround_i64_k),
	SIG1(T_F64, T_F64, bround_f64_k),
	SIG2(T_F64, T_F64, T_I64, bround_f64_k),
};
static const struct fn_sig floor_sigs[] = {SIG1(T_I64, T_I64, ident_i64), SIG1(T_I64, T_F64, floor_f64)};
static const struct fn_sig ceil_sigs[] = {SIG1(T_I64, T_I64, ident_i64), SIG1(T_I64, T_F64, ceil_f64)};
static const struct fn_sig mod_sigs[] = {SIG2(T_I64, T_I64, T_I64, mod_i64), SIG2(T_F64, T_F64, T_F64, mod_f64)};
static const struct fn_sig pmod_sigs[] = {SIG2(T_I64, T_I64, T_I64, pmod_i64), SIG2(T_F64, T_F64, T_F64, pmod_f64)};
static const struct fn_sig pi_sigs[] = {SIG0(T_F64, pi_k)};
static const struct fn_sig e_sigs[] = {SIG0(T_F64, e_k)};
static const struct fn_sig factorial_sigs[] = {SIG1(T_I64, T_I64, factorial_k)};
static const struct fn_sig rand_sigs[] = {
	SIG0(T_F64, rand_k, .flags = FN_VOLATILE),
	SIG1(T_F64, T_I64, rand_k, .flags = FN_VOLATILE | FN_NONSTRICT),
};
static const struct fn_sig randn_sigs[] = {
	SIG0(T_F64, randn_k, .flags = FN_VOLATILE),
	SIG1(T_F64, T_I64, randn_k, .flags = FN_VOLATILE | FN_NONSTRICT),
};

const struct scalar_fn fn_math_table[] = {
	{.name = "abs", SIGS(abs_sigs), .usage = "abs(x)",
	    .doc = "Absolute value; abs of the smallest BIGINT is an overflow error",
	    .example = "abs(-3.5)", .example_result = "3.5"},
	{.name = "round", SIGS(round_sigs), .usage = "round(x [, d])",
	    .doc = "x rounded to d decimal places (default 0; negative d rounds left of the point), halves away from zero (Spark's HALF_UP)",
	    .example = "round(2.675, 2)", .example_result = "2.68"},
	{.name = "bround", SIGS(bround_sigs), .usage = "bround(x [, d])",
	    .doc = "x rounded to d decimal places with halves to the even neighbour (banker's rounding)",
	    .example = "bround(2.5)", .example_result = "2.0"},
	{.name = "floor", SIGS(floor_sigs), .usage = "floor(x)",
	    .doc = "Largest integer <= x, as BIGINT (Spark); out of BIGINT range is an error",
	    .example = "floor(-1.5)", .example_result = "-2"},
	{.name = "ceil", SIGS(ceil_sigs), .usage = "ceil(x)",
	    .doc = "Smallest integer >= x, as BIGINT (Spark); out of BIGINT range is an error",
	    .example = "ceil(1.2)", .example_result = "2"},
	{.name = "ceiling", SIGS(ceil_sigs), .usage = "ceiling(x)",
	    .doc = "Same as ceil(x)",
	    .example = "ceiling(-1.2)", .example_result = "-1"},
	{.name = "sqrt", SIGS(sqrt_f64_sigs), .usage = "sqrt(x)",
	    .doc = "Square root; NULL for negative x",
	    .example = "sqrt(2)", .example_result = "1.4142135623730951"},
	{.name = "cbrt", SIGS(cbrt_f64_sigs), .usage = "cbrt(x)",
	    .doc = "Cube root",
	    .example = "cbrt(27)", .example_result = "3.0"},
	{.name = "pow", SIGS(pow_sigs), .usage = "pow(x, y)",
	    .doc = "x raised to the power y; NULL when undefined (negative x, fractional y)",
	    .example = "pow(2, 10)", .example_result = "1024.0"},
	{.name = "power", SIGS(pow_sigs), .usage = "power(x, y)",
	    .doc = "Same as pow(x, y)",
	    .example = "power(10, -2)", .example_result = "0.01"},
	{.name = "exp", SIGS(exp_f64_sigs), .usage = "exp(x)",
	    .doc = "e raised to the power x",
	    .example = "exp(1)", .example_result = "2.718281828459045"},
	{.name = "expm1", SIGS(expm1_f64_sigs), .usage = "expm1(x)",
	    .doc = "exp(x) - 1, accurate for small x",
	    .example = "expm1(0)", .example_result = "0.0"},
	{.name = "ln", SIGS(ln_f64_sigs), .usage = "ln(x)",
	    .doc = "Natural logarithm; NULL for x <= 0 (Spark)",
	    .example = "ln(1)", .example_result = "0.0"},
	{.name = "log", SIGS(log_sigs), .usage = "log([base,] x)",
	    .doc = "Logarithm of x to base; with one argument the natural logarithm (Spark, unlike DuckDB's log10); NULL for x <= 0 or base <= 0",
	    .example = "log(2, 8)", .example_result = "3.0"},
	{.name = "log10", SIGS(log10_f64_sigs), .usage = "log10(x)",
	    .doc = "Base-10 logarithm; NULL for x <= 0",
	    .example = "log10(1000)", .example_result = "3.0"},
	{.name = "log2", SIGS(log2_f64_sigs), .usage = "log2(x)",
	    .doc = "Base-2 logarithm; NULL for x <= 0",
	    .example = "log2(8)", .example_result = "3.0"},
	{.name = "log1p", SIGS(log1p_f64_sigs), .usage = "log1p(x)",
	    .doc = "ln(1 + x), accurate for small x; NULL for x <= -1",
	    .example = "log1p(0)", .example_result = "0.0"},
	{.name = "sign", SIGS(sign_f64_sigs), .usage = "sign(x)",
	    .doc = "-1.0, 0.0 or 1.0 according to the sign of x (DOUBLE, as Spark's signum)",
	    .example = "sign(-42)", .example_result = "-1.0"},
	{.name = "signum", SIGS(sign_f64_sigs), .usage = "signum(x)",
	    .doc = "Same as sign(x)",
	    .example = "signum(0.5)", .example_result = "1.0"},
	{.name = "mod", SIGS(mod_sigs), .usage = "mod(a, b)",
	    .doc = "Remainder of a / b with the sign of a (same as a % b); NULL when b is 0",
	    .example = "mod(-7, 3)", .example_result = "-1"},
	{.name = "pmod", SIGS(pmod_sigs), .usage = "pmod(a, b)",
	    .doc = "Remainder of a / b made non-negative for positive b (Spark); NULL when b is 0",
	    .example = "pmod(-7, 3)", .example_result = "2"},
	{.name = "pi", SIGS(pi_sigs), .usage = "pi()",
	    .doc = "The constant pi",
	    .example = "pi()", .example_result = "3.141592653589793"},
	{.name = "e", SIGS(e_sigs), .usage = "e()",
	    .doc = "Euler's number e",
	    .example = "e()", .example_result = "2.718281828459045"},
	{.name = "sin", SIGS(sin_f64_sigs), .usage = "sin(x)",
	    .doc = "Sine of x radians",
	    .example = "sin(0)", .example_result = "0.0"},
	{.name = "cos", SIGS(cos_f64_sigs), .usage = "cos(x)",
	    .doc = "Cosine of x radians",
	    .example = "cos(0)", .example_result = "1.0"},
	{.name = "tan", SIGS(tan_f64_sigs), .usage = "tan(x)",
	    .doc = "Tangent of x radians",
	    .example = "tan(0)", .example_result = "0.0"},
	{.name = "cot", SIGS(cot_f64_sigs), .usage = "cot(x)",
	    .doc = "Cotangent of x radians",
	    .example = "cot(1)", .example_result = "0.6420926159343306"},
	{.name = "asin", SIGS(asin_f64_sigs), .usage = "asin(x)",
	    .doc = "Arc sine in radians; NULL outside [-1, 1]",
	    .example = "asin(1)", .example_result = "1.5707963267948966"},
	{.name = "acos", SIGS(acos_f64_sigs), .usage = "acos(x)",
	    .doc = "Arc cosine in radians; NULL outside [-1, 1]",
	    .example = "acos(1)", .example_result = "0.0"},
	{.name = "atan", SIGS(atan_f64_sigs), .usage = "atan(x)",
	    .doc = "Arc tangent in radians",
	    .example = "atan(1)", .example_result = "0.7853981633974483"},
	{.name = "atan2", SIGS(atan2_sigs), .usage = "atan2(y, x)",
	    .doc = "Angle in radians between the positive x axis and the point (x, y)",
	    .example = "atan2(1, 1)", .example_result = "0.7853981633974483"},
	{.name = "sinh", SIGS(sinh_f64_sigs), .usage = "sinh(x)",
	    .doc = "Hyperbolic sine",
	    .example = "sinh(0)", .example_result = "0.0"},
	{.name = "cosh", SIGS(cosh_f64_sigs), .usage = "cosh(x)",
	    .doc = "Hyperbolic cosine",
	    .example = "cosh(0)", .example_result = "1.0"},
	{.name = "tanh", SIGS(tanh_f64_sigs), .usage = "tanh(x)",
	    .doc = "Hyperbolic tangent",
	    .example = "tanh(0)", .example_result = "0.0"},
	{.name = "hypot", SIGS(hypot_sigs), .usage = "hypot(a, b)",
	    .doc = "sqrt(a*a + b*b) without intermediate overflow",
	    .example = "hypot(3, 4)", .example_result = "5.0"},
	{.name = "degrees", SIGS(degrees_f64_sigs), .usage = "degrees(x)",
	    .doc = "Radians converted to degrees",
	    .example = "degrees(pi())", .example_result = "180.0"},
	{.name = "radians", SIGS(radians_f64_sigs), .usage = "radians(x)",
	    .doc = "Degrees converted to radians",
	    .example = "radians(180)", .example_result = "3.141592653589793"},
	{.name = "factorial", SIGS(factorial_sigs), .usage = "factorial(n)",
	    .doc = "n! for n in 0..20; NULL otherwise",
	    .example = "factorial(5)", .example_result = "120"},
	{.name = "rand", SIGS(rand_sigs), .usage = "rand([seed])",
	    .doc = "Uniform random DOUBLE in [0, 1), a new value per row; a constant seed repeats the sequence per thread",
	    .example = "rand() < 1", .example_result = "true",
	    .prepare = rand_prepare, .release = rand_release},
	{.name = "random", SIGS(rand_sigs), .usage = "random([seed])",
	    .doc = "Same as rand([seed])",
	    .example = "random() >= 0", .example_result = "true",
	    .prepare = rand_prepare, .release = rand_release},
	{.name = "randn", SIGS(randn_sigs), .usage = "randn([seed])",
	    .doc = "Random DOUBLE from the standard normal distribution, a new value per row",
	    .example = "typeof(randn())", .example_result = "DOUBLE",
	    .prepare = rand_prepare, .release = rand_release},
};
const int fn_math_count = (int)(sizeof fn_math_table / sizeof fn_math_table[0]);
