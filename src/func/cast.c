/*
 * cast.c: conversions between wb's types (CAST, TRY_CAST and the binder's
 * implicit casts).
 *
 * Allowed conversions:
 *   any      -> VARCHAR       (text as wb prints it)
 *   VARCHAR  -> any scalar    (parsing; surrounding spaces are ignored)
 *   BOOLEAN <-> BIGINT, DOUBLE
 *   BIGINT  <-> DOUBLE        (DOUBLE -> BIGINT truncates toward zero)
 *   DATE    <-> TIMESTAMP     (TIMESTAMP -> DATE keeps the day)
 *   BIGINT, DOUBLE <-> TIMESTAMP  (seconds since 1970-01-01, as Spark)
 *   NULL     -> any
 *   lists    -> VARCHAR and lists of other element types (cast_list.c);
 *               VARCHAR -> list is not allowed
 * A value that cannot be converted is an error naming the value and the
 * target type ("could not convert 'abc' to BIGINT"), or NULL for
 * TRY_CAST. Out-of-range values are errors too (Spark's non-ANSI mode
 * would silently wrap or saturate; wb prefers to say so).
 */
#include "func/fn_impl.h"

#include "core/list.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

/* Casts are strict; make sure out carries the input's NULLs even if the
 * caller did not precompute them. */
static void
take_nulls(struct vec *out, const struct vec *in, int n)
{
	if (in->nulls == NULL || out->nulls != NULL)
		return;
	uint8_t *o = vec_nulls_writable(out);
	memcpy(o, in->nulls, (size_t)n);
}

static int
cast_fail(struct fn_call *call, struct vec *out, int i, bool try_cast, const struct wb_value *v,
    const char *why)
{
	char buf[96];
	if (try_cast) {
		vec_set_null(out, i);
		return 0;
	}
	err_set(call->err, call->pos, "could not convert %s to %s%s%s", fn_show(v, buf, sizeof buf),
	    type_name(out->type), why ? ": " : "", why ? why : "");
	return -1;
}

static int
fail_str(struct fn_call *call, struct vec *out, int i, bool try_cast, wb_str s, const char *why)
{
	struct wb_value v = {.type = WB_TYPE_VARCHAR, .u.s = s};
	return cast_fail(call, out, i, try_cast, &v, why);
}

static int
fail_f64(struct fn_call *call, struct vec *out, int i, bool try_cast, double d)
{
	struct wb_value v = {.type = WB_TYPE_DOUBLE, .u.d = d};
	return cast_fail(call, out, i, try_cast, &v, isnan(d) ? NULL : "out of range");
}

static int
fail_i64(struct fn_call *call, struct vec *out, int i, bool try_cast, int64_t x)
{
	struct wb_value v = {.type = WB_TYPE_BIGINT, .u.i = x};
	return cast_fail(call, out, i, try_cast, &v, "out of range");
}

/* Each cast body is written once with a try_cast flag; CAST_KERNELS makes
 * the two kernels (the kernel signature has no room for the flag). */
#define CAST_KERNELS(name) \
	static int name##_x(struct fn_call *c, struct vec **a, int na, int n, struct vec *o) \
	{ \
		take_nulls(o, a[0], n); \
		return name(c, a[0], n, o, false); \
	} \
	static int name##_t(struct fn_call *c, struct vec **a, int na, int n, struct vec *o) \
	{ \
		take_nulls(o, a[0], n); \
		return name(c, a[0], n, o, true); \
	}

static int
c_identity(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	memcpy(out->data, in->data, type_size(in->type) * (size_t)n);
	return 0;
}
CAST_KERNELS(c_identity)

static int
c_null(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	memset(out->data, 0, type_size(out->type) * (size_t)n);
	if (out->type == WB_TYPE_VARCHAR)
		for (int i = 0; i < n; i++)
			vec_str(out)[i] = wb_str_c("");
	if (type_is_list(out->type))
		for (int i = 0; i < n; i++)
			vec_list(out)[i] = list_empty();
	memset(vec_nulls_writable(out), 1, (size_t)n);
	return 0;
}
CAST_KERNELS(c_null)

/* ---- to BOOLEAN ---- */

static int
c_i64_bool(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const int64_t *a = vec_i64(in);
	uint8_t *r = vec_bool(out);
	for (int i = 0; i < n; i++)
		r[i] = a[i] != 0;
	return 0;
}
CAST_KERNELS(c_i64_bool)

static int
c_f64_bool(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const double *a = vec_f64(in);
	uint8_t *r = vec_bool(out);
	for (int i = 0; i < n; i++)
		r[i] = a[i] != 0;
	return 0;
}
CAST_KERNELS(c_f64_bool)

static int
c_str_bool(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const wb_str *a = vec_str(in);
	uint8_t *r = vec_bool(out);
	for (int i = 0; i < n; i++) {
		bool b;
		if (fn_skip(out, i))
			continue;
		if (!parse_bool(a[i].p, a[i].n, &b)) {
			if (fail_str(call, out, i, t, a[i], NULL))
				return -1;
			continue;
		}
		r[i] = b;
	}
	return 0;
}
CAST_KERNELS(c_str_bool)

/* ---- to BIGINT ---- */

static int
c_bool_i64(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const uint8_t *a = vec_bool(in);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++)
		r[i] = a[i] != 0;
	return 0;
}
CAST_KERNELS(c_bool_i64)

/* Doubles in [-2^63, 2^63) truncate to a BIGINT. */
static inline bool
f64_to_i64(double d, int64_t *out)
{
	if (!(d > -9223372036854777856.0 && d < 9223372036854775808.0))
		return false;
	*out = (int64_t)d;
	return true;
}

static int
c_f64_i64(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const double *a = vec_f64(in);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		if (!f64_to_i64(a[i], &r[i]) && fail_f64(call, out, i, t, a[i]))
			return -1;
	}
	return 0;
}
CAST_KERNELS(c_f64_i64)

/* Spark accepts a decimal part when casting a string to an integer and
 * drops it ('12.7' -> 12); exponents are not accepted. */
static bool
parse_int_trunc(const char *s, size_t n, int64_t *out)
{
	if (parse_int64(s, n, out))
		return true;
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	const char *dot = memchr(s, '.', n);
	if (dot == NULL)
		return false;
	size_t ip = (size_t)(dot - s);
	for (size_t i = ip + 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	if (ip == 0 || (ip == 1 && (s[0] == '-' || s[0] == '+'))) {
		/* ".5" or "-.5": no integer digits, need fraction digits */
		if (ip + 1 == n)
			return false;
		*out = 0;
		return true;
	}
	return parse_int64(s, ip, out);
}

static int
c_str_i64(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const wb_str *a = vec_str(in);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		if (!parse_int_trunc(a[i].p, a[i].n, &r[i]) && fail_str(call, out, i, t, a[i], NULL))
			return -1;
	}
	return 0;
}
CAST_KERNELS(c_str_i64)

/* TIMESTAMP -> BIGINT: whole seconds since the epoch, rounded down (Spark). */
static int
c_ts_i64(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const int64_t *a = vec_i64(in);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		int64_t q = a[i] / DT_US_PER_SEC;
		r[i] = q - (a[i] % DT_US_PER_SEC < 0);
	}
	return 0;
}
CAST_KERNELS(c_ts_i64)

/* ---- to DOUBLE ---- */

static int
c_bool_f64(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const uint8_t *a = vec_bool(in);
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++)
		r[i] = a[i] != 0;
	return 0;
}
CAST_KERNELS(c_bool_f64)

static int
c_i64_f64(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const int64_t *a = vec_i64(in);
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++)
		r[i] = (double)a[i];
	return 0;
}
CAST_KERNELS(c_i64_f64)

static int
c_str_f64(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const wb_str *a = vec_str(in);
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		if (!parse_double(a[i].p, a[i].n, &r[i]) && fail_str(call, out, i, t, a[i], NULL))
			return -1;
	}
	return 0;
}
CAST_KERNELS(c_str_f64)

static int
c_ts_f64(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const int64_t *a = vec_i64(in);
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++)
		r[i] = (double)a[i] / 1e6;
	return 0;
}
CAST_KERNELS(c_ts_f64)

/* ---- to DATE / TIMESTAMP ---- */

static int
c_str_date(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const wb_str *a = vec_str(in);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		int64_t us;
		if (fn_skip(out, i))
			continue;
		if (dt_parse_date(a[i].p, a[i].n, &r[i]))
			continue;
		/* a full timestamp is accepted and cut to its day (Spark) */
		if (dt_parse_timestamp(a[i].p, a[i].n, &us)) {
			r[i] = dt_ts_day(us);
			continue;
		}
		if (fail_str(call, out, i, t, a[i], NULL))
			return -1;
	}
	return 0;
}
CAST_KERNELS(c_str_date)

static int
c_str_ts(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const wb_str *a = vec_str(in);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		if (!dt_parse_timestamp(a[i].p, a[i].n, &r[i]) && fail_str(call, out, i, t, a[i], NULL))
			return -1;
	}
	return 0;
}
CAST_KERNELS(c_str_ts)

static int
c_date_ts(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const int64_t *a = vec_i64(in);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		if (__builtin_mul_overflow(a[i], DT_US_PER_DAY, &r[i])) {
			struct wb_value v = {.type = WB_TYPE_DATE, .u.i = a[i]};
			if (cast_fail(call, out, i, t, &v, "out of range"))
				return -1;
		}
	}
	return 0;
}
CAST_KERNELS(c_date_ts)

static int
c_ts_date(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const int64_t *a = vec_i64(in);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++)
		r[i] = dt_ts_day(a[i]);
	return 0;
}
CAST_KERNELS(c_ts_date)

/* BIGINT seconds since the epoch -> TIMESTAMP (Spark). */
static int
c_i64_ts(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const int64_t *a = vec_i64(in);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		if (__builtin_mul_overflow(a[i], DT_US_PER_SEC, &r[i]) && fail_i64(call, out, i, t, a[i]))
			return -1;
	}
	return 0;
}
CAST_KERNELS(c_i64_ts)

static int
c_f64_ts(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const double *a = vec_f64(in);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		/* microseconds, truncated toward zero like Spark's cast */
		if (!f64_to_i64(a[i] * 1e6, &r[i]) && fail_f64(call, out, i, t, a[i]))
			return -1;
	}
	return 0;
}
CAST_KERNELS(c_f64_ts)

/* ---- to INTERVAL ---- */

static bool
word_is(const char *w, size_t n, const char *const *names)
{
	for (; *names; names++)
		if (strlen(*names) == n && strncasecmp(w, *names, n) == 0)
			return true;
	return false;
}

/*
 * Interval text: an optional leading "interval", then any sequence of
 * "<number> <unit>" pairs (units singular or plural: year, month, week,
 * day, hour, minute, second, millisecond, microsecond, and the usual
 * abbreviations) and an optional "[-]HH:MM[:SS[.ffffff]]" time part.
 * Numbers may be negative; fractions are allowed for days and smaller
 * units ('1.5 hours'), not for years and months.
 */
bool
fn_parse_interval(const char *s, size_t n, wb_interval *out)
{
	static const char *const u_year[] = {"year", "years", "y", "yr", "yrs", NULL};
	static const char *const u_month[] = {"month", "months", "mon", "mons", NULL};
	static const char *const u_week[] = {"week", "weeks", "w", NULL};
	static const char *const u_day[] = {"day", "days", "d", NULL};
	static const char *const u_hour[] = {"hour", "hours", "h", "hr", "hrs", NULL};
	static const char *const u_min[] = {"minute", "minutes", "min", "mins", "m", NULL};
	static const char *const u_sec[] = {"second", "seconds", "sec", "secs", "s", NULL};
	static const char *const u_ms[] = {"millisecond", "milliseconds", "ms", "msec", "msecs", NULL};
	static const char *const u_us[] = {"microsecond", "microseconds", "us", "usec", "usecs", NULL};
	int64_t months = 0, days = 0;
	double micros_f = 0;
	int64_t micros = 0;
	size_t i = 0;
	bool any = false;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (n - i >= 8 && strncasecmp(s + i, "interval", 8) == 0 && (n - i == 8 || isspace((unsigned char)s[i + 8])))
		i += 8;
	for (;;) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		/* a number */
		size_t st = i;
		bool neg = false;
		if (s[i] == '-' || s[i] == '+') {
			neg = s[i] == '-';
			i++;
		}
		size_t ds = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		size_t de = i;
		if (de == ds)
			return false;
		if (i < n && s[i] == ':') {
			/* time part [-]HH:MM[:SS[.f]] */
			int64_t hh = 0, mm = 0, ss = 0, frac = 0;
			if (de - ds > 9)
				return false;
			for (size_t k = ds; k < de; k++)
				hh = hh * 10 + (s[k] - '0');
			i++;
			size_t ms = i;
			while (i < n && s[i] >= '0' && s[i] <= '9' && i - ms < 2)
				mm = mm * 10 + (s[i++] - '0');
			if (i - ms != 2 || mm > 59)
				return false;
			if (i < n && s[i] == ':') {
				i++;
				size_t ss0 = i;
				while (i < n && s[i] >= '0' && s[i] <= '9' && i - ss0 < 2)
					ss = ss * 10 + (s[i++] - '0');
				if (i - ss0 != 2 || ss > 59)
					return false;
				if (i < n && s[i] == '.') {
					int w = 0;
					i++;
					while (i < n && s[i] >= '0' && s[i] <= '9') {
						if (w < 6) {
							frac = frac * 10 + (s[i] - '0');
							w++;
						}
						i++;
					}
					if (w == 0)
						return false;
					for (; w < 6; w++)
						frac *= 10;
				}
			}
			int64_t t = ((hh * 60 + mm) * 60 + ss) * DT_US_PER_SEC + frac;
			micros += neg ? -t : t;
			any = true;
			continue;
		}
		bool frac = false;
		if (i < n && s[i] == '.') {
			i++;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
			frac = true;
		}
		char num[64];
		if (i - st >= sizeof num)
			return false;
		memcpy(num, s + st, i - st);
		num[i - st] = '\0';
		/* a unit */
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		size_t ws = i;
		while (i < n && isalpha((unsigned char)s[i]))
			i++;
		size_t wl = i - ws;
		if (wl == 0)
			return false;
		const char *w = s + ws;
		double v = strtod(num, NULL);
		int64_t iv = 0;
		if (!frac) {
			errno = 0;
			long long ll = strtoll(num, NULL, 10);
			if (errno)
				return false;
			iv = ll;
		}
		double mult;
		if (word_is(w, wl, u_year) || word_is(w, wl, u_month)) {
			if (frac)
				return false;
			int64_t m;
			if (__builtin_mul_overflow(iv, word_is(w, wl, u_year) ? 12 : 1, &m) ||
			    __builtin_add_overflow(months, m, &months))
				return false;
			any = true;
			continue;
		}
		if (word_is(w, wl, u_week) || word_is(w, wl, u_day)) {
			int per = word_is(w, wl, u_week) ? 7 : 1;
			if (!frac) {
				int64_t d;
				if (__builtin_mul_overflow(iv, per, &d) || __builtin_add_overflow(days, d, &days))
					return false;
			} else {
				double whole = trunc(v * per);
				if (fabs(whole) > 1e9)
					return false;
				days += (int64_t)whole;
				micros_f += (v * per - whole) * (double)DT_US_PER_DAY;
			}
			any = true;
			continue;
		}
		if (word_is(w, wl, u_hour))
			mult = 3600e6;
		else if (word_is(w, wl, u_min))
			mult = 60e6;
		else if (word_is(w, wl, u_sec))
			mult = 1e6;
		else if (word_is(w, wl, u_ms))
			mult = 1e3;
		else if (word_is(w, wl, u_us))
			mult = 1;
		else
			return false;
		if (!frac) {
			int64_t m;
			if (__builtin_mul_overflow(iv, (int64_t)mult, &m) || __builtin_add_overflow(micros, m, &micros))
				return false;
		} else {
			micros_f += v * mult;
		}
		any = true;
	}
	if (!any)
		return false;
	if (micros_f != 0) {
		double r = nearbyint(micros_f);
		if (fabs(r) > 9e18)
			return false;
		if (__builtin_add_overflow(micros, (int64_t)r, &micros))
			return false;
	}
	if (months < INT32_MIN || months > INT32_MAX || days < INT32_MIN || days > INT32_MAX)
		return false;
	out->months = (int32_t)months;
	out->days = (int32_t)days;
	out->micros = micros;
	return true;
}

static int
c_str_iv(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const wb_str *a = vec_str(in);
	wb_interval *r = vec_iv(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		if (!fn_parse_interval(a[i].p, a[i].n, &r[i]) && fail_str(call, out, i, t, a[i], NULL))
			return -1;
	}
	return 0;
}
CAST_KERNELS(c_str_iv)

/* ---- to VARCHAR ---- */

static int
c_bool_str(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const uint8_t *a = vec_bool(in);
	wb_str *r = vec_str(out);
	for (int i = 0; i < n; i++)
		r[i] = wb_str_c(a[i] ? "true" : "false");
	return 0;
}
CAST_KERNELS(c_bool_str)

/* Fixed-width formatters: at most 32 bytes per value, so one allocation
 * per chunk holds all of them. */
static int
c_i64_str(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const int64_t *a = vec_i64(in);
	wb_str *r = vec_str(out);
	char *p = vec_str_alloc(out, (size_t)n * 21);
	for (int i = 0; i < n; i++) {
		char tmp[24];
		uint64_t u = a[i] < 0 ? 0 - (uint64_t)a[i] : (uint64_t)a[i];
		int k = 0;
		do {
			tmp[k++] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (a[i] < 0)
			tmp[k++] = '-';
		r[i].p = p;
		r[i].n = (uint32_t)k;
		while (k)
			*p++ = tmp[--k];
	}
	return 0;
}
CAST_KERNELS(c_i64_str)

/*
 * format_double's text, faster for the common case: a double in [1e-4,
 * 1e15) whose shortest decimal form has at most 15 significant digits
 * (prices, measures). The smallest j for which round(|x| * 10^j) / 10^j
 * reads back as |x| gives that form (the division of exact integers is
 * correctly rounded, as strtod is), and with at most 15 digits it is the
 * same number %.15g prints, since no two 15-digit decimals lie within an
 * ulp of each other. Anything else goes to format_double.
 */
static int
fast_format_double(double x, char *buf)
{
	static const double p10[16] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	};
	double ax = fabs(x);
	if (!(ax >= 1e-4 && ax < 1e15))
		return format_double(x, buf);
	for (int j = 0; j < 16; j++) {
		double m = nearbyint(ax * p10[j]);
		if (m >= 1e15)
			break;
		if (m / p10[j] != ax)
			continue;
		/* digits of m, then the point j places from the right */
		char dig[24];
		int nd = 0, o = 0;
		uint64_t u = (uint64_t)m;
		do {
			dig[nd++] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		while (nd <= j)
			dig[nd++] = '0';
		if (x < 0)
			buf[o++] = '-';
		for (int k = nd - 1; k >= j; k--)
			buf[o++] = dig[k];
		buf[o++] = '.';
		if (j == 0)
			buf[o++] = '0';
		for (int k = j - 1; k >= 0; k--)
			buf[o++] = dig[k];
		buf[o] = '\0';
		return o;
	}
	return format_double(x, buf);
}

/* dt_format_timestamp's text without sprintf. */
static int
fast_format_timestamp(int64_t us, char *buf)
{
	int64_t day = dt_ts_day(us), t = us - day * DT_US_PER_DAY;
	int n = dt_format_date(day, buf);
	int secs = (int)(t / DT_US_PER_SEC), frac = (int)(t % DT_US_PER_SEC);
	int hh = secs / 3600, mm = secs / 60 % 60, ss = secs % 60;
	buf[n++] = ' ';
	buf[n++] = (char)('0' + hh / 10);
	buf[n++] = (char)('0' + hh % 10);
	buf[n++] = ':';
	buf[n++] = (char)('0' + mm / 10);
	buf[n++] = (char)('0' + mm % 10);
	buf[n++] = ':';
	buf[n++] = (char)('0' + ss / 10);
	buf[n++] = (char)('0' + ss % 10);
	if (frac) {
		buf[n++] = '.';
		for (int d = 100000; d > 0 && frac; d /= 10) {
			buf[n++] = (char)('0' + frac / d);
			frac %= d;
		}
	}
	buf[n] = '\0';
	return n;
}

static int
c_f64_str(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const double *a = vec_f64(in);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		char buf[48];
		if (fn_skip(out, i)) {
			r[i] = wb_str_c("");
			continue;
		}
		int k = fast_format_double(a[i], buf);
		r[i] = fn_sw_copy(&w, buf, (size_t)k);
	}
	return 0;
}
CAST_KERNELS(c_f64_str)

static int
c_date_str(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const int64_t *a = vec_i64(in);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		char buf[48];
		if (fn_skip(out, i)) {
			r[i] = wb_str_c("");
			continue;
		}
		r[i] = fn_sw_copy(&w, buf, (size_t)dt_format_date(a[i], buf));
	}
	return 0;
}
CAST_KERNELS(c_date_str)

static int
c_ts_str(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const int64_t *a = vec_i64(in);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		char buf[64];
		if (fn_skip(out, i)) {
			r[i] = wb_str_c("");
			continue;
		}
		r[i] = fn_sw_copy(&w, buf, (size_t)fast_format_timestamp(a[i], buf));
	}
	return 0;
}
CAST_KERNELS(c_ts_str)

static int
c_iv_str(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool t)
{
	const wb_interval *a = vec_iv(in);
	wb_str *r = vec_str(out);
	struct strbuf b = STRBUF_INIT;
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i)) {
			r[i] = wb_str_c("");
			continue;
		}
		sb_clear(&b);
		format_interval(a[i], &b);
		r[i] = fn_sw_copy(&w, b.s, b.len);
	}
	sb_free(&b);
	return 0;
}
CAST_KERNELS(c_iv_str)

/* ---- dispatch ---- */

#define PICK(name) (try_cast ? name##_t : name##_x)

fn_kernel
cast_kernel(wb_type from, wb_type to, bool try_cast)
{
	if ((unsigned)from >= WB_TYPE__COUNT || (unsigned)to >= WB_TYPE__COUNT)
		return NULL;
	if (from == to)
		return PICK(c_identity);
	if (from == WB_TYPE_NULL)
		return PICK(c_null);
	if (type_is_list(from) || type_is_list(to))
		return cast_list_kernel(from, to, try_cast);
	switch (to) {
	case WB_TYPE_BOOL:
		switch (from) {
		case WB_TYPE_BIGINT: return PICK(c_i64_bool);
		case WB_TYPE_DOUBLE: return PICK(c_f64_bool);
		case WB_TYPE_VARCHAR: return PICK(c_str_bool);
		default: return NULL;
		}
	case WB_TYPE_BIGINT:
		switch (from) {
		case WB_TYPE_BOOL: return PICK(c_bool_i64);
		case WB_TYPE_DOUBLE: return PICK(c_f64_i64);
		case WB_TYPE_VARCHAR: return PICK(c_str_i64);
		case WB_TYPE_TIMESTAMP: return PICK(c_ts_i64);
		default: return NULL;
		}
	case WB_TYPE_DOUBLE:
		switch (from) {
		case WB_TYPE_BOOL: return PICK(c_bool_f64);
		case WB_TYPE_BIGINT: return PICK(c_i64_f64);
		case WB_TYPE_VARCHAR: return PICK(c_str_f64);
		case WB_TYPE_TIMESTAMP: return PICK(c_ts_f64);
		default: return NULL;
		}
	case WB_TYPE_VARCHAR:
		switch (from) {
		case WB_TYPE_BOOL: return PICK(c_bool_str);
		case WB_TYPE_BIGINT: return PICK(c_i64_str);
		case WB_TYPE_DOUBLE: return PICK(c_f64_str);
		case WB_TYPE_DATE: return PICK(c_date_str);
		case WB_TYPE_TIMESTAMP: return PICK(c_ts_str);
		case WB_TYPE_INTERVAL: return PICK(c_iv_str);
		default: return NULL;
		}
	case WB_TYPE_DATE:
		switch (from) {
		case WB_TYPE_VARCHAR: return PICK(c_str_date);
		case WB_TYPE_TIMESTAMP: return PICK(c_ts_date);
		default: return NULL;
		}
	case WB_TYPE_TIMESTAMP:
		switch (from) {
		case WB_TYPE_VARCHAR: return PICK(c_str_ts);
		case WB_TYPE_DATE: return PICK(c_date_ts);
		case WB_TYPE_BIGINT: return PICK(c_i64_ts);
		case WB_TYPE_DOUBLE: return PICK(c_f64_ts);
		default: return NULL;
		}
	case WB_TYPE_INTERVAL:
		return from == WB_TYPE_VARCHAR ? PICK(c_str_iv) : NULL;
	default:
		return NULL;
	}
}

/*
 * One value through the same kernels as whole vectors, so constant folding
 * and execution can never disagree. A VARCHAR result is copied into
 * `strings` (required when `to` is VARCHAR).
 */
int
cast_value(const struct wb_value *in, wb_type to, bool try_cast, struct wb_value *out,
    struct arena *strings, struct wb_error *err)
{
	fn_kernel k = cast_kernel(in->type, to, try_cast);
	if (k == NULL) {
		err_set(err, -1, "cannot cast %s to %s", type_name(in->type), type_name(to));
		return -1;
	}
	memset(out, 0, sizeof *out);
	out->type = to;
	if (in->is_null || in->type == WB_TYPE_NULL) {
		out->is_null = true;
		return 0;
	}
	struct vec vin, vout;
	vec_init(&vin, in->type);
	vec_init(&vout, to);
	vec_set_const(&vin, in, 1);
	vec_flatten(&vin);
	vec_reset(&vout);
	vout.n = 1;
	struct fn_call call = {.err = err, .state = NULL, .pos = -1};
	struct vec *args[1] = {&vin};
	int rc = k(&call, args, 1, 1, &vout);
	if (rc == 0) {
		vec_get(&vout, 0, out);
		if (!out->is_null && to == WB_TYPE_VARCHAR) {
			char *p = arena_alloc(strings, out->u.s.n ? out->u.s.n : 1);
			if (out->u.s.n)
				memcpy(p, out->u.s.p, out->u.s.n);
			out->u.s.p = p;
		}
		if (!out->is_null && type_is_list(to))
			out->u.l = list_copy(strings, out->u.l, type_list_elem(to));
	}
	vec_free(&vin);
	vec_free(&vout);
	return rc;
}
