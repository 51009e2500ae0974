/*
 * fn_arith.c: arithmetic and comparison operators, and ||.
 *
 * Integer arithmetic detects overflow instead of wrapping; division and
 * modulo by zero give NULL (Spark's non-ANSI behaviour). Comparisons are
 * defined for every type against itself; mixed types meet through the
 * implicit casts of overload resolution.
 */
#include "func/fn_impl.h"

#include <inttypes.h>
#include <math.h>

/* ---- errors ---- */

static int
overflow_error(struct fn_call *call, int64_t a, const char *op, int64_t b)
{
	err_set(call->err, call->pos, "integer overflow: %" PRId64 " %s %" PRId64, a, op, b);
	err_hint(call->err, "cast an operand to DOUBLE to compute with floating point");
	return -1;
}

static int
range_error(struct fn_call *call, const char *what)
{
	err_set(call->err, call->pos, "%s out of range", what);
	return -1;
}

/* ---- BIGINT arithmetic ---- */

/*
 * The fast loops compute every row, NULL or not (values under NULL are
 * safe to read), and accumulate an overflow flag without branches so that
 * they vectorise. Only when the flag is set do we look for a non-NULL row
 * that really overflowed, to report it.
 */
static int
find_overflow(struct fn_call *call, const struct vec *out, const int64_t *a, const int64_t *b, int n,
    const char *op)
{
	for (int i = 0; i < n; i++) {
		int64_t r;
		bool o;
		if (fn_skip(out, i))
			continue;
		switch (op[0]) {
		case '+': o = __builtin_add_overflow(a[i], b[i], &r); break;
		case '-': o = __builtin_sub_overflow(a[i], b[i], &r); break;
		default: o = __builtin_mul_overflow(a[i], b[i], &r); break;
		}
		if (o)
			return overflow_error(call, a[i], op, b[i]);
	}
	return 0;
}

static int
add_i64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]), *b = vec_i64(args[1]);
	int64_t *r = vec_i64(out);
	uint64_t ovf = 0;
	for (int i = 0; i < n; i++) {
		uint64_t x = (uint64_t)a[i], y = (uint64_t)b[i], s = x + y;
		ovf |= (x ^ s) & (y ^ s);
		r[i] = (int64_t)s;
	}
	return ovf >> 63 ? find_overflow(call, out, a, b, n, "+") : 0;
}

static int
sub_i64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]), *b = vec_i64(args[1]);
	int64_t *r = vec_i64(out);
	uint64_t ovf = 0;
	for (int i = 0; i < n; i++) {
		uint64_t x = (uint64_t)a[i], y = (uint64_t)b[i], s = x - y;
		ovf |= (x ^ y) & (x ^ s);
		r[i] = (int64_t)s;
	}
	return ovf >> 63 ? find_overflow(call, out, a, b, n, "-") : 0;
}

static int
mul_i64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]), *b = vec_i64(args[1]);
	int64_t *r = vec_i64(out);
	bool ovf = false;
	for (int i = 0; i < n; i++)
		ovf |= __builtin_mul_overflow(a[i], b[i], &r[i]);
	return ovf ? find_overflow(call, out, a, b, n, "*") : 0;
}

/* Integer division truncating toward zero; x div 0 is NULL. */
static int
div_i64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]), *b = vec_i64(args[1]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		if (b[i] == 0) {
			vec_set_null(out, i);
			r[i] = 0;
		} else if (b[i] == -1) {
			if (a[i] == INT64_MIN)
				return overflow_error(call, a[i], "div", b[i]);
			r[i] = -a[i];
		} else {
			r[i] = a[i] / b[i];
		}
	}
	return 0;
}

/* Remainder with the sign of the dividend (C and Spark agree); x % 0 is NULL. */
static int
mod_i64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]), *b = vec_i64(args[1]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		if (b[i] == 0) {
			vec_set_null(out, i);
			r[i] = 0;
		} else {
			/* b == -1 would trap on INT64_MIN; the remainder is 0 anyway */
			r[i] = b[i] == -1 ? 0 : a[i] % b[i];
		}
	}
	return 0;
}

static int
neg_i64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]);
	int64_t *r = vec_i64(out);
	bool ovf = false;
	for (int i = 0; i < n; i++) {
		ovf |= a[i] == INT64_MIN;
		r[i] = (int64_t)(0 - (uint64_t)a[i]);
	}
	if (ovf)
		for (int i = 0; i < n; i++)
			if (!fn_skip(out, i) && a[i] == INT64_MIN) {
				err_set(call->err, call->pos, "integer overflow: -(%" PRId64 ")", a[i]);
				return -1;
			}
	return 0;
}

/* ---- DOUBLE arithmetic ---- */

#define F64_BINOP(name, expr) \
	static int name(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out) \
	{ \
		const double *a = vec_f64(args[0]), *b = vec_f64(args[1]); \
		double *r = vec_f64(out); \
		for (int i = 0; i < n; i++) \
			r[i] = (expr); \
		return 0; \
	}
F64_BINOP(add_f64, a[i] + b[i])
F64_BINOP(sub_f64, a[i] - b[i])
F64_BINOP(mul_f64, a[i] * b[i])

/* Rows whose divisor is zero become NULL. */
static void
null_where_zero(struct vec *out, const double *b, int n)
{
	bool any = false;
	for (int i = 0; i < n; i++)
		any |= b[i] == 0;
	if (any)
		for (int i = 0; i < n; i++)
			if (b[i] == 0)
				vec_set_null(out, i);
}

static int
div_f64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const double *a = vec_f64(args[0]), *b = vec_f64(args[1]);
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++)
		r[i] = a[i] / b[i];
	null_where_zero(out, b, n);
	return 0;
}

static int
mod_f64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const double *a = vec_f64(args[0]), *b = vec_f64(args[1]);
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++)
		r[i] = b[i] == 0 ? 0 : fmod(a[i], b[i]);
	null_where_zero(out, b, n);
	return 0;
}

static int
neg_f64(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const double *a = vec_f64(args[0]);
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++)
		r[i] = -a[i];
	return 0;
}

/* ---- dates, timestamps, intervals ---- */

/* Dates and timestamps are kept within what a TIMESTAMP can hold
 * (about +-292,000 years) so that any date converts to a timestamp. */
#define DAY_LIMIT (INT64_MAX / DT_US_PER_DAY - 1)

static inline bool
day_ok(int64_t d)
{
	return d >= -DAY_LIMIT && d <= DAY_LIMIT;
}

bool
fn_ts_add_interval(int64_t ts, wb_interval iv, int64_t *out)
{
	if (iv.months != 0) {
		int64_t day = dt_ts_day(ts), tod = ts - day * DT_US_PER_DAY;
		day = dt_add_months(day, iv.months);
		if (!day_ok(day))
			return false;
		ts = day * DT_US_PER_DAY + tod;
	}
	int64_t dus;
	if (__builtin_mul_overflow((int64_t)iv.days, DT_US_PER_DAY, &dus) ||
	    __builtin_add_overflow(ts, dus, &ts) || __builtin_add_overflow(ts, iv.micros, &ts))
		return false;
	*out = ts;
	return true;
}

static bool
iv_neg(wb_interval a, wb_interval *r)
{
	if (a.months == INT32_MIN || a.days == INT32_MIN || a.micros == INT64_MIN)
		return false;
	r->months = -a.months;
	r->days = -a.days;
	r->micros = -a.micros;
	return true;
}

static int
date_add_days(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	/* DATE + BIGINT or BIGINT + DATE */
	int dpos = args[0]->type == WB_TYPE_DATE ? 0 : 1;
	const int64_t *d = vec_i64(args[dpos]), *k = vec_i64(args[1 - dpos]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		if (__builtin_add_overflow(d[i], k[i], &r[i]) || !day_ok(r[i]))
			return range_error(call, "date");
	}
	return 0;
}

static int
date_sub_days(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *d = vec_i64(args[0]), *k = vec_i64(args[1]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		if (__builtin_sub_overflow(d[i], k[i], &r[i]) || !day_ok(r[i]))
			return range_error(call, "date");
	}
	return 0;
}

static int
date_diff_days(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]), *b = vec_i64(args[1]);
	int64_t *r = vec_i64(out);
	/* dates are within DAY_LIMIT, so no overflow */
	for (int i = 0; i < n; i++)
		r[i] = a[i] - b[i];
	return 0;
}

/* TIMESTAMP/DATE +- INTERVAL (either order for +); sign is +1 or -1. */
static int
ts_iv(struct fn_call *call, struct vec **args, int n, struct vec *out, int sign)
{
	int tpos = args[0]->type == WB_TYPE_INTERVAL ? 1 : 0;
	bool is_date = args[tpos]->type == WB_TYPE_DATE;
	const int64_t *t = vec_i64(args[tpos]);
	const wb_interval *iv = vec_iv(args[1 - tpos]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		int64_t ts = t[i];
		wb_interval x = iv[i];
		if (is_date && (!day_ok(ts) || __builtin_mul_overflow(ts, DT_US_PER_DAY, &ts)))
			return range_error(call, "timestamp");
		if (sign < 0 && !iv_neg(x, &x))
			return range_error(call, "interval");
		if (!fn_ts_add_interval(ts, x, &r[i]))
			return range_error(call, "timestamp");
	}
	return 0;
}

static int
ts_add_iv(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return ts_iv(call, args, n, out, 1);
}

static int
ts_sub_iv(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return ts_iv(call, args, n, out, -1);
}

/* TIMESTAMP - TIMESTAMP: whole days plus the remaining microseconds, both
 * with the sign of the difference ("1 day 02:00:00"), as DuckDB does. */
static int
ts_diff(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]), *b = vec_i64(args[1]);
	wb_interval *r = vec_iv(out);
	for (int i = 0; i < n; i++) {
		int64_t d;
		if (fn_skip(out, i))
			continue;
		if (__builtin_sub_overflow(a[i], b[i], &d))
			return range_error(call, "interval");
		r[i].months = 0;
		r[i].days = (int32_t)(d / DT_US_PER_DAY);
		r[i].micros = d % DT_US_PER_DAY;
	}
	return 0;
}

static int
iv_addsub(struct fn_call *call, struct vec **args, int n, struct vec *out, int sign)
{
	const wb_interval *a = vec_iv(args[0]), *b = vec_iv(args[1]);
	wb_interval *r = vec_iv(out);
	for (int i = 0; i < n; i++) {
		wb_interval y = b[i];
		if (fn_skip(out, i))
			continue;
		if ((sign < 0 && !iv_neg(y, &y)) || __builtin_add_overflow(a[i].months, y.months, &r[i].months) ||
		    __builtin_add_overflow(a[i].days, y.days, &r[i].days) ||
		    __builtin_add_overflow(a[i].micros, y.micros, &r[i].micros))
			return range_error(call, "interval");
	}
	return 0;
}

static int
iv_add(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return iv_addsub(call, args, n, out, 1);
}

static int
iv_sub(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return iv_addsub(call, args, n, out, -1);
}

static int
iv_mul(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	int ipos = args[0]->type == WB_TYPE_INTERVAL ? 0 : 1;
	const wb_interval *a = vec_iv(args[ipos]);
	const int64_t *k = vec_i64(args[1 - ipos]);
	wb_interval *r = vec_iv(out);
	for (int i = 0; i < n; i++) {
		int64_t m, d;
		if (fn_skip(out, i))
			continue;
		if (__builtin_mul_overflow((int64_t)a[i].months, k[i], &m) || m < INT32_MIN || m > INT32_MAX ||
		    __builtin_mul_overflow((int64_t)a[i].days, k[i], &d) || d < INT32_MIN || d > INT32_MAX ||
		    __builtin_mul_overflow(a[i].micros, k[i], &r[i].micros))
			return range_error(call, "interval");
		r[i].months = (int32_t)m;
		r[i].days = (int32_t)d;
	}
	return 0;
}

static int
neg_iv(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_interval *a = vec_iv(args[0]);
	wb_interval *r = vec_iv(out);
	for (int i = 0; i < n; i++)
		if (!fn_skip(out, i) && !iv_neg(a[i], &r[i]))
			return range_error(call, "interval");
	return 0;
}

/* ---- comparisons ---- */

/*
 * One kernel per (type, operator). Numeric loops are branch-free so the
 * compiler vectorises them. Doubles order NaN above every other value and
 * equal to itself (as Spark and DuckDB sort them), so comparisons agree
 * with ORDER BY.
 */
#define CMP_KERNEL(name, T, acc, expr) \
	static int name(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out) \
	{ \
		const T *a = acc(args[0]), *b = acc(args[1]); \
		uint8_t *r = vec_bool(out); \
		for (int i = 0; i < n; i++) { \
			T x = a[i], y = b[i]; \
			r[i] = (uint8_t)(expr); \
		} \
		return 0; \
	}
#define CMP_FAMILY(tag, T, acc) \
	CMP_KERNEL(eq_##tag, T, acc, x == y) \
	CMP_KERNEL(ne_##tag, T, acc, x != y) \
	CMP_KERNEL(lt_##tag, T, acc, x < y) \
	CMP_KERNEL(le_##tag, T, acc, x <= y) \
	CMP_KERNEL(gt_##tag, T, acc, x > y) \
	CMP_KERNEL(ge_##tag, T, acc, x >= y)
CMP_FAMILY(i64, int64_t, vec_i64)
CMP_FAMILY(b, uint8_t, vec_bool)

/* NaN-aware double comparisons: x != x is "x is NaN". */
CMP_KERNEL(eq_f64, double, vec_f64, (x == y) | ((x != x) & (y != y)))
CMP_KERNEL(ne_f64, double, vec_f64, !((x == y) | ((x != x) & (y != y))))
CMP_KERNEL(lt_f64, double, vec_f64, (x < y) | ((x == x) & (y != y)))
CMP_KERNEL(le_f64, double, vec_f64, (x <= y) | (y != y))
CMP_KERNEL(gt_f64, double, vec_f64, (x > y) | ((x != x) & (y == y)))
CMP_KERNEL(ge_f64, double, vec_f64, (x >= y) | (x != x))

/* Strings compare bytewise (UTF-8 byte order is code point order). */
CMP_KERNEL(eq_str, wb_str, vec_str, wb_str_eq(x, y))
CMP_KERNEL(ne_str, wb_str, vec_str, !wb_str_eq(x, y))
CMP_KERNEL(lt_str, wb_str, vec_str, wb_str_cmp(x, y) < 0)
CMP_KERNEL(le_str, wb_str, vec_str, wb_str_cmp(x, y) <= 0)
CMP_KERNEL(gt_str, wb_str, vec_str, wb_str_cmp(x, y) > 0)
CMP_KERNEL(ge_str, wb_str, vec_str, wb_str_cmp(x, y) >= 0)

/* Intervals compare by their length with a month counted as 30 days
 * (DuckDB's rule): INTERVAL '1 month' = INTERVAL '30 days'. */
static inline __int128
iv_key(wb_interval v)
{
	return ((__int128)v.months * 30 + v.days) * DT_US_PER_DAY + v.micros;
}
CMP_KERNEL(eq_iv, wb_interval, vec_iv, iv_key(x) == iv_key(y))
CMP_KERNEL(ne_iv, wb_interval, vec_iv, iv_key(x) != iv_key(y))
CMP_KERNEL(lt_iv, wb_interval, vec_iv, iv_key(x) < iv_key(y))
CMP_KERNEL(le_iv, wb_interval, vec_iv, iv_key(x) <= iv_key(y))
CMP_KERNEL(gt_iv, wb_interval, vec_iv, iv_key(x) > iv_key(y))
CMP_KERNEL(ge_iv, wb_interval, vec_iv, iv_key(x) >= iv_key(y))

/* ---- || ---- */

static int
concat_op(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]), *b = vec_str(args[1]);
	wb_str *r = vec_str(out);
	size_t total = 0;
	for (int i = 0; i < n; i++)
		if (!fn_skip(out, i))
			total += (size_t)a[i].n + b[i].n;
	char *p = total ? vec_str_alloc(out, total) : NULL;
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i)) {
			r[i].p = "";
			r[i].n = 0;
			continue;
		}
		if ((size_t)a[i].n + b[i].n > FN_MAX_STR) {
			err_set(call->err, call->pos, "||: result of %zu bytes is too long",
			    (size_t)a[i].n + b[i].n);
			return -1;
		}
		r[i].p = p;
		r[i].n = a[i].n + b[i].n;
		if (a[i].n)
			memcpy(p, a[i].p, a[i].n);
		if (b[i].n)
			memcpy(p + a[i].n, b[i].p, b[i].n);
		p += r[i].n;
	}
	return 0;
}

/* ---- table ---- */

static const struct fn_sig add_sigs[] = {
	SIG2(T_I64, T_I64, T_I64, add_i64),
	SIG2(T_F64, T_F64, T_F64, add_f64),
	SIG2(T_DATE, T_DATE, T_I64, date_add_days),
	SIG2(T_DATE, T_I64, T_DATE, date_add_days),
	SIG2(T_TS, T_DATE, T_IV, ts_add_iv),
	SIG2(T_TS, T_IV, T_DATE, ts_add_iv),
	SIG2(T_TS, T_TS, T_IV, ts_add_iv),
	SIG2(T_TS, T_IV, T_TS, ts_add_iv),
	SIG2(T_IV, T_IV, T_IV, iv_add),
};

static const struct fn_sig sub_sigs[] = {
	SIG2(T_I64, T_I64, T_I64, sub_i64),
	SIG2(T_F64, T_F64, T_F64, sub_f64),
	SIG2(T_I64, T_DATE, T_DATE, date_diff_days),
	SIG2(T_DATE, T_DATE, T_I64, date_sub_days),
	SIG2(T_TS, T_DATE, T_IV, ts_sub_iv),
	SIG2(T_IV, T_TS, T_TS, ts_diff),
	SIG2(T_TS, T_TS, T_IV, ts_sub_iv),
	SIG2(T_IV, T_IV, T_IV, iv_sub),
};

static const struct fn_sig mul_sigs[] = {
	SIG2(T_I64, T_I64, T_I64, mul_i64),
	SIG2(T_F64, T_F64, T_F64, mul_f64),
	SIG2(T_IV, T_IV, T_I64, iv_mul),
	SIG2(T_IV, T_I64, T_IV, iv_mul),
};

static const struct fn_sig fdiv_sigs[] = {
	SIG2(T_F64, T_F64, T_F64, div_f64),
};

static const struct fn_sig mod_sigs[] = {
	SIG2(T_I64, T_I64, T_I64, mod_i64),
	SIG2(T_F64, T_F64, T_F64, mod_f64),
};

static const struct fn_sig idiv_sigs[] = {
	SIG2(T_I64, T_I64, T_I64, div_i64),
};

static const struct fn_sig neg_sigs[] = {
	SIG1(T_I64, T_I64, neg_i64),
	SIG1(T_F64, T_F64, neg_f64),
	SIG1(T_IV, T_IV, neg_iv),
};

#define CMP_SIGS(op) \
	static const struct fn_sig op##_sigs[] = { \
		SIG2(T_BOOL, T_BOOL, T_BOOL, op##_b), \
		SIG2(T_BOOL, T_I64, T_I64, op##_i64), \
		SIG2(T_BOOL, T_F64, T_F64, op##_f64), \
		SIG2(T_BOOL, T_STR, T_STR, op##_str), \
		SIG2(T_BOOL, T_DATE, T_DATE, op##_i64), \
		SIG2(T_BOOL, T_TS, T_TS, op##_i64), \
		SIG2(T_BOOL, T_IV, T_IV, op##_iv), \
		SIG2(T_BOOL, FN_LIST, FN_LIST, fn_list_##op##_k), \
	};
CMP_SIGS(eq)
CMP_SIGS(ne)
CMP_SIGS(lt)
CMP_SIGS(le)
CMP_SIGS(gt)
CMP_SIGS(ge)

static const struct fn_sig concat_op_sigs[] = {
	SIG2(T_STR, T_STR, T_STR, concat_op, .flags = FN_ANY_TO_STR),
	SIG2(FN_LIST, FN_LIST, FN_LIST, fn_list_concat_k),
};

const struct scalar_fn fn_arith_table[] = {
	{.name = "+", SIGS(add_sigs), .usage = "a + b",
	    .doc = "Addition; BIGINT overflow is an error; DATE + days is a DATE; TIMESTAMP or DATE + INTERVAL is a TIMESTAMP",
	    .example = "DATE '2019-10-31' + 1", .example_result = "2019-11-01"},
	{.name = "-", SIGS(sub_sigs), .usage = "a - b",
	    .doc = "Subtraction; DATE - DATE is the number of days, TIMESTAMP - TIMESTAMP an INTERVAL, DATE - days a DATE",
	    .example = "DATE '2019-11-01' - DATE '2019-10-01'", .example_result = "31"},
	{.name = "*", SIGS(mul_sigs), .usage = "a * b",
	    .doc = "Multiplication; BIGINT overflow is an error; INTERVAL * BIGINT scales an interval",
	    .example = "6 * 7", .example_result = "42"},
	{.name = "/", SIGS(fdiv_sigs), .usage = "a / b",
	    .doc = "Division, always DOUBLE (Spark); division by zero gives NULL (Spark's non-ANSI mode)",
	    .example = "7 / 2", .example_result = "3.5"},
	{.name = "%", SIGS(mod_sigs), .usage = "a % b",
	    .doc = "Remainder with the sign of the dividend; modulo by zero gives NULL",
	    .example = "-7 % 3", .example_result = "-1"},
	{.name = "div", SIGS(idiv_sigs), .usage = "a div b",
	    .doc = "Integer division truncating toward zero; division by zero gives NULL",
	    .example = "7 div 2", .example_result = "3"},
	{.name = "neg", SIGS(neg_sigs), .usage = "-a",
	    .doc = "Unary minus; negating the smallest BIGINT is an overflow error"},
	{.name = "=", SIGS(eq_sigs), .usage = "a = b",
	    .doc = "Equality; strings compare bytewise, NaN equals NaN, NULL if either side is NULL",
	    .example = "'abc' = 'abc'", .example_result = "true"},
	{.name = "<>", SIGS(ne_sigs), .usage = "a <> b",
	    .doc = "Inequality (also written !=)",
	    .example = "1 <> 2", .example_result = "true"},
	{.name = "<", SIGS(lt_sigs), .usage = "a < b",
	    .doc = "Less than; strings compare bytewise, NaN is greater than every other number",
	    .example = "'abc' < 'abd'", .example_result = "true"},
	{.name = "<=", SIGS(le_sigs), .usage = "a <= b",
	    .doc = "Less than or equal",
	    .example = "DATE '2019-10-01' <= DATE '2019-10-01'", .example_result = "true"},
	{.name = ">", SIGS(gt_sigs), .usage = "a > b",
	    .doc = "Greater than; intervals compare with a month counted as 30 days",
	    .example = "2.5 > 2", .example_result = "true"},
	{.name = ">=", SIGS(ge_sigs), .usage = "a >= b",
	    .doc = "Greater than or equal",
	    .example = "'b' >= 'abc'", .example_result = "true"},
	{.name = "||", SIGS(concat_op_sigs), .usage = "a || b",
	    .doc = "String concatenation (other types are converted to strings), or of two lists; NULL if either side is NULL",
	    .example = "'lake' || 'house'", .example_result = "lakehouse"},
};
const int fn_arith_count = (int)(sizeof fn_arith_table / sizeof fn_arith_table[0]);
