/*
 * fn_date.c: date and time functions, with Spark's names and semantics.
 *
 * All times are UTC (wb's TIMESTAMP has no time zone). Functions taking a
 * DATE also accept a TIMESTAMP (its day), as Spark casts one to the other.
 * Text conversions use Spark's (Java's) datetime patterns: see
 * fn_dtfmt_compile below for the letters understood.
 *
 * Parsing functions (to_date, to_timestamp, unix_timestamp) give NULL for
 * text that does not match, as Spark does; TRY_CAST-like behaviour is the
 * point of them. Invalid arguments that are part of the query rather than
 * the data (an unknown unit, a bad pattern) are errors.
 */
#include "func/fn_impl.h"

#include "core/xmalloc.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December",
};
/* index: ISO day of week - 1 (Monday first) */
static const char *const dow_names[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

static inline int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return q - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* Day number of a DATE or TIMESTAMP value. */
static inline int64_t
day_of(wb_type t, int64_t v)
{
	return t == WB_TYPE_TIMESTAMP ? dt_ts_day(v) : v;
}

/* ISO 8601 week number: the week (Monday first) containing the year's
 * first Thursday is week 1. */
static int
iso_week(int64_t day)
{
	int64_t thursday = day - dt_iso_dow(day) + 4;
	int y, m, d;
	dt_civil_from_days(thursday, &y, &m, &d);
	return (int)((thursday - dt_days_from_civil(y, 1, 1)) / 7 + 1);
}

/* ---- field extraction ---- */

enum field {
	F_YEAR, F_QUARTER, F_MONTH, F_DAY, F_DOW, F_WEEKDAY, F_ISODOW, F_DOY, F_WEEK,
	F_HOUR, F_MINUTE, F_SECOND, F_MILLISECOND, F_MICROSECOND, F_EPOCH,
};

static int64_t
field_value(enum field f, int64_t day, int64_t tod)
{
	int y, m, d;
	switch (f) {
	case F_YEAR: dt_civil_from_days(day, &y, &m, &d); return y;
	case F_QUARTER: dt_civil_from_days(day, &y, &m, &d); return (m - 1) / 3 + 1;
	case F_MONTH: dt_civil_from_days(day, &y, &m, &d); return m;
	case F_DAY: dt_civil_from_days(day, &y, &m, &d); return d;
	case F_DOW: return dt_iso_dow(day) % 7 + 1;     /* 1 = Sunday (Spark) */
	case F_WEEKDAY: return dt_iso_dow(day) - 1;     /* 0 = Monday (Spark) */
	case F_ISODOW: return dt_iso_dow(day);          /* 1 = Monday */
	case F_DOY:
		dt_civil_from_days(day, &y, &m, &d);
		return day - dt_days_from_civil(y, 1, 1) + 1;
	case F_WEEK: return iso_week(day);
	case F_HOUR: return tod / (3600 * DT_US_PER_SEC);
	case F_MINUTE: return tod / (60 * DT_US_PER_SEC) % 60;
	case F_SECOND: return tod / DT_US_PER_SEC % 60;
	case F_MILLISECOND: return tod / 1000 % 60000;
	case F_MICROSECOND: return tod % (60 * DT_US_PER_SEC);
	case F_EPOCH: return day * 86400 + tod / DT_US_PER_SEC;
	}
	return 0;
}

static int
extract(struct vec **args, int n, struct vec *out, enum field f)
{
	const struct vec *a = args[0];
	const int64_t *v = vec_i64(a);
	int64_t *r = vec_i64(out);
	bool ts = a->type == WB_TYPE_TIMESTAMP;
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i)) {
			r[i] = 0;
			continue;
		}
		int64_t day = ts ? dt_ts_day(v[i]) : v[i];
		r[i] = field_value(f, day, ts ? v[i] - day * DT_US_PER_DAY : 0);
	}
	return 0;
}

#define EXTRACTOR(name, f) \
	static int name(struct fn_call *c, struct vec **args, int nargs, int n, struct vec *out) \
	{ \
		return extract(args, n, out, f); \
	}
EXTRACTOR(year_k, F_YEAR)
EXTRACTOR(quarter_k, F_QUARTER)
EXTRACTOR(month_k, F_MONTH)
EXTRACTOR(day_k, F_DAY)
EXTRACTOR(dayofweek_k, F_DOW)
EXTRACTOR(weekday_k, F_WEEKDAY)
EXTRACTOR(dayofyear_k, F_DOY)
EXTRACTOR(weekofyear_k, F_WEEK)
EXTRACTOR(hour_k, F_HOUR)
EXTRACTOR(minute_k, F_MINUTE)
EXTRACTOR(second_k, F_SECOND)

/* ---- units (date_trunc, trunc, date_part, timestampadd/diff) ---- */

enum unit {
	U_NONE = -1, U_YEAR, U_QUARTER, U_MONTH, U_WEEK, U_DAY, U_HOUR, U_MINUTE, U_SECOND,
	U_MILLISECOND, U_MICROSECOND,
	/* date_part only */
	U_DOW, U_ISODOW, U_DOY, U_EPOCH,
};

static const struct {
	const char *name;
	enum unit u;
} unit_names[] = {
	{"year", U_YEAR}, {"years", U_YEAR}, {"yyyy", U_YEAR}, {"yy", U_YEAR}, {"y", U_YEAR},
	{"yr", U_YEAR}, {"yrs", U_YEAR},
	{"quarter", U_QUARTER}, {"quarters", U_QUARTER}, {"qtr", U_QUARTER},
	{"month", U_MONTH}, {"months", U_MONTH}, {"mon", U_MONTH}, {"mons", U_MONTH}, {"mm", U_MONTH},
	{"week", U_WEEK}, {"weeks", U_WEEK}, {"w", U_WEEK},
	{"day", U_DAY}, {"days", U_DAY}, {"dd", U_DAY}, {"d", U_DAY}, {"dayofmonth", U_DAY},
	{"hour", U_HOUR}, {"hours", U_HOUR}, {"h", U_HOUR}, {"hr", U_HOUR}, {"hrs", U_HOUR},
	{"minute", U_MINUTE}, {"minutes", U_MINUTE}, {"min", U_MINUTE}, {"mins", U_MINUTE}, {"m", U_MINUTE},
	{"second", U_SECOND}, {"seconds", U_SECOND}, {"sec", U_SECOND}, {"secs", U_SECOND}, {"s", U_SECOND},
	{"millisecond", U_MILLISECOND}, {"milliseconds", U_MILLISECOND}, {"ms", U_MILLISECOND},
	{"microsecond", U_MICROSECOND}, {"microseconds", U_MICROSECOND}, {"us", U_MICROSECOND},
	{"dayofweek", U_DOW}, {"dow", U_DOW}, {"dayofweek_iso", U_ISODOW}, {"dow_iso", U_ISODOW},
	{"isodow", U_ISODOW}, {"doy", U_DOY}, {"dayofyear", U_DOY}, {"epoch", U_EPOCH},
};

static enum unit
parse_unit(wb_str s)
{
	while (s.n && isspace((unsigned char)s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && isspace((unsigned char)s.p[s.n - 1]))
		s.n--;
	for (size_t k = 0; k < sizeof unit_names / sizeof unit_names[0]; k++)
		if (strlen(unit_names[k].name) == s.n && strncasecmp(unit_names[k].name, s.p, s.n) == 0)
			return unit_names[k].u;
	return U_NONE;
}

/* Parse a unit and check it is one `fname` accepts (units <= max_unit,
 * or date_part's extra fields when extra is set). */
static bool
get_unit(struct fn_call *call, const char *fname, wb_str s, enum unit max_unit, bool extra, enum unit *out)
{
	enum unit u = parse_unit(s);
	if (u != U_NONE && (u <= max_unit || (extra && u > U_MICROSECOND))) {
		*out = u;
		return true;
	}
	static const char *const names[] = {
		"year", "quarter", "month", "week", "day", "hour", "minute", "second", "millisecond", "microsecond",
	};
	struct strbuf b = STRBUF_INIT;
	for (int k = 0; k <= (int)max_unit; k++)
		sb_printf(&b, "%s%s", k ? ", " : "", names[k]);
	if (extra)
		sb_puts(&b, ", dayofweek, dow_iso, doy, epoch");
	char sb[96];
	err_set(call->err, call->pos, "%s: unknown unit %s", fname, fn_show_str(s, sb, sizeof sb));
	err_hint(call->err, "units: %s", sb_str(&b));
	sb_free(&b);
	return false;
}

/* Truncate a timestamp to a unit (weeks start on Monday). */
static int64_t
trunc_ts(int64_t ts, enum unit u)
{
	int64_t day = dt_ts_day(ts);
	int y, m, d;
	switch (u) {
	case U_YEAR:
		dt_civil_from_days(day, &y, &m, &d);
		return dt_days_from_civil(y, 1, 1) * DT_US_PER_DAY;
	case U_QUARTER:
		dt_civil_from_days(day, &y, &m, &d);
		return dt_days_from_civil(y, (unsigned)((m - 1) / 3 * 3 + 1), 1) * DT_US_PER_DAY;
	case U_MONTH:
		dt_civil_from_days(day, &y, &m, &d);
		return dt_days_from_civil(y, (unsigned)m, 1) * DT_US_PER_DAY;
	case U_WEEK:
		return (day - dt_iso_dow(day) + 1) * DT_US_PER_DAY;
	case U_DAY:
		return day * DT_US_PER_DAY;
	case U_HOUR:
		return floordiv(ts, 3600 * DT_US_PER_SEC) * 3600 * DT_US_PER_SEC;
	case U_MINUTE:
		return floordiv(ts, 60 * DT_US_PER_SEC) * 60 * DT_US_PER_SEC;
	case U_SECOND:
		return floordiv(ts, DT_US_PER_SEC) * DT_US_PER_SEC;
	case U_MILLISECOND:
		return floordiv(ts, 1000) * 1000;
	default:
		return ts;
	}
}

/* date_trunc(unit, ts) -> TIMESTAMP (Spark's argument order) */
static int
date_trunc_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *u = vec_str(args[0]);
	const int64_t *t = vec_i64(args[1]);
	int64_t *r = vec_i64(out);
	enum unit unit = U_NONE;
	wb_str last = {NULL, 0};
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (last.p == NULL || !wb_str_eq(last, u[i])) {
			if (!get_unit(call, "date_trunc", u[i], U_MICROSECOND, false, &unit))
				return -1;
			last = u[i];
		}
		r[i] = trunc_ts(t[i], unit);
	}
	return 0;
}

/* trunc(date, unit) -> DATE; units year, quarter, month, week */
static int
trunc_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *t = vec_i64(args[0]);
	const wb_str *u = vec_str(args[1]);
	wb_type ty = args[0]->type;
	int64_t *r = vec_i64(out);
	enum unit unit = U_NONE;
	wb_str last = {NULL, 0};
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (last.p == NULL || !wb_str_eq(last, u[i])) {
			if (!get_unit(call, "trunc", u[i], U_WEEK, false, &unit))
				return -1;
			last = u[i];
		}
		r[i] = trunc_ts(day_of(ty, t[i]) * DT_US_PER_DAY, unit) / DT_US_PER_DAY;
	}
	return 0;
}

/* date_part(field, source) -> BIGINT (seconds are whole seconds) */
static int
date_part_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *u = vec_str(args[0]);
	const int64_t *t = vec_i64(args[1]);
	bool ts = args[1]->type == WB_TYPE_TIMESTAMP;
	int64_t *r = vec_i64(out);
	enum unit unit = U_NONE;
	wb_str last = {NULL, 0};
	static const enum field map[] = {
		[U_YEAR] = F_YEAR, [U_QUARTER] = F_QUARTER, [U_MONTH] = F_MONTH, [U_WEEK] = F_WEEK,
		[U_DAY] = F_DAY, [U_HOUR] = F_HOUR, [U_MINUTE] = F_MINUTE, [U_SECOND] = F_SECOND,
		[U_MILLISECOND] = F_MILLISECOND, [U_MICROSECOND] = F_MICROSECOND, [U_DOW] = F_DOW,
		[U_ISODOW] = F_ISODOW, [U_DOY] = F_DOY, [U_EPOCH] = F_EPOCH,
	};
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (last.p == NULL || !wb_str_eq(last, u[i])) {
			if (!get_unit(call, "date_part", u[i], U_MICROSECOND, true, &unit))
				return -1;
			last = u[i];
		}
		int64_t day = ts ? dt_ts_day(t[i]) : t[i];
		r[i] = field_value(map[unit], day, ts ? t[i] - day * DT_US_PER_DAY : 0);
	}
	return 0;
}

/* ---- day arithmetic ---- */

#define DAY_LIMIT (INT64_MAX / DT_US_PER_DAY - 1)

static int
date_range_error(struct fn_call *call, const char *fname)
{
	err_set(call->err, call->pos, "%s: date out of range", fname);
	return -1;
}

/* datediff(end, start): days from start to end */
static int
datediff_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]), *b = vec_i64(args[1]);
	wb_type ta = args[0]->type, tb = args[1]->type;
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++)
		r[i] = day_of(ta, a[i]) - day_of(tb, b[i]);
	return 0;
}

static int
add_days(struct fn_call *call, struct vec **args, int n, struct vec *out, int sign, const char *fname)
{
	const int64_t *a = vec_i64(args[0]), *k = vec_i64(args[1]);
	wb_type ta = args[0]->type;
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		int64_t d = day_of(ta, a[i]);
		if (k[i] < -2 * DAY_LIMIT || k[i] > 2 * DAY_LIMIT)
			return date_range_error(call, fname);
		r[i] = d + sign * k[i];
		if (r[i] < -DAY_LIMIT || r[i] > DAY_LIMIT)
			return date_range_error(call, fname);
	}
	return 0;
}

static int
date_add_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return add_days(call, args, n, out, 1, "date_add");
}

static int
date_sub_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return add_days(call, args, n, out, -1, "date_sub");
}

/* add_months(date, n): same day of month, clamped to the month's end */
static int
add_months_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]), *k = vec_i64(args[1]);
	wb_type ta = args[0]->type;
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		/* 3.5 million months is the whole TIMESTAMP range */
		if (k[i] < -4000000 || k[i] > 4000000)
			return date_range_error(call, "add_months");
		r[i] = dt_add_months(day_of(ta, a[i]), k[i]);
		if (r[i] < -DAY_LIMIT || r[i] > DAY_LIMIT)
			return date_range_error(call, "add_months");
	}
	return 0;
}

static int
last_day_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]);
	wb_type ta = args[0]->type;
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		int y, m, d;
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		dt_civil_from_days(day_of(ta, a[i]), &y, &m, &d);
		r[i] = dt_days_from_civil(y, (unsigned)m, (unsigned)dt_days_in_month(y, m));
	}
	return 0;
}

/* Day of week names as Spark's next_day accepts them: "MO", "MON",
 * "MONDAY" (any case). Returns ISO 1..7 or 0. */
static int
parse_dow(wb_str s)
{
	while (s.n && isspace((unsigned char)s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && isspace((unsigned char)s.p[s.n - 1]))
		s.n--;
	for (int k = 0; k < 7; k++) {
		const char *nm = dow_names[k];
		if ((s.n == 2 || s.n == 3 || s.n == strlen(nm)) && strncasecmp(nm, s.p, s.n) == 0)
			return k + 1;
	}
	return 0;
}

/* next_day(date, dow): the first date after `date` that is a `dow` */
static int
next_day_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]);
	const wb_str *w = vec_str(args[1]);
	wb_type ta = args[0]->type;
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		int want = parse_dow(w[i]);
		if (want == 0) {
			char b[96];
			err_set(call->err, call->pos, "next_day: unknown day of week %s", fn_show_str(w[i], b, sizeof b));
			err_hint(call->err, "use a day name or its first two or three letters: 'Mon', 'TU', 'friday'");
			return -1;
		}
		int64_t d = day_of(ta, a[i]);
		int delta = (want - dt_iso_dow(d) + 7) % 7;
		r[i] = d + (delta == 0 ? 7 : delta);
	}
	return 0;
}

/*
 * months_between(t1, t2 [, roundOff]): Spark's rule: whole months when
 * both days of month are equal or both are month ends; otherwise the
 * month difference plus the remaining time counted in 31-day months,
 * rounded to 8 decimals unless roundOff is false.
 */
static double
months_between(int64_t t1, int64_t t2, bool round_off)
{
	int64_t d1 = dt_ts_day(t1), d2 = dt_ts_day(t2);
	int y1, m1, dd1, y2, m2, dd2;
	dt_civil_from_days(d1, &y1, &m1, &dd1);
	dt_civil_from_days(d2, &y2, &m2, &dd2);
	double month_diff = (double)(((int64_t)y1 * 12 + m1) - ((int64_t)y2 * 12 + m2));
	bool end1 = dd1 == dt_days_in_month(y1, m1), end2 = dd2 == dt_days_in_month(y2, m2);
	if (dd1 == dd2 || (end1 && end2))
		return month_diff;
	int64_t s1 = (t1 - d1 * DT_US_PER_DAY) / DT_US_PER_SEC, s2 = (t2 - d2 * DT_US_PER_DAY) / DT_US_PER_SEC;
	double secs = (double)((int64_t)(dd1 - dd2) * 86400 + s1 - s2);
	double diff = month_diff + secs / (31.0 * 86400);
	/* Java's Math.round: floor(x + 0.5) */
	return round_off ? floor(diff * 1e8 + 0.5) / 1e8 : diff;
}

static int
months_between_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]), *b = vec_i64(args[1]);
	const uint8_t *ro = nargs > 2 ? vec_bool(args[2]) : NULL;
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++)
		r[i] = fn_skip(out, i) ? 0 : months_between(a[i], b[i], ro ? ro[i] != 0 : true);
	return 0;
}

/* ---- timestampadd, timestampdiff ---- */

static int
timestampadd_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *u = vec_str(args[0]);
	const int64_t *k = vec_i64(args[1]), *t = vec_i64(args[2]);
	int64_t *r = vec_i64(out);
	enum unit unit = U_NONE;
	wb_str last = {NULL, 0};
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (last.p == NULL || !wb_str_eq(last, u[i])) {
			if (!get_unit(call, "timestampadd", u[i], U_MICROSECOND, false, &unit))
				return -1;
			last = u[i];
		}
		wb_interval iv = {0, 0, 0};
		int64_t v;
		bool ok;
		switch (unit) {
		case U_YEAR:
		case U_QUARTER:
		case U_MONTH:
			ok = !__builtin_mul_overflow(k[i], unit == U_YEAR ? 12 : unit == U_QUARTER ? 3 : 1, &v) &&
			    v >= INT32_MIN && v <= INT32_MAX;
			iv.months = ok ? (int32_t)v : 0;
			break;
		case U_WEEK:
		case U_DAY:
			ok = !__builtin_mul_overflow(k[i], unit == U_WEEK ? 7 : 1, &v) && v >= INT32_MIN && v <= INT32_MAX;
			iv.days = ok ? (int32_t)v : 0;
			break;
		default: {
			int64_t per = unit == U_HOUR ? 3600 * DT_US_PER_SEC : unit == U_MINUTE ? 60 * DT_US_PER_SEC :
			    unit == U_SECOND ? DT_US_PER_SEC : unit == U_MILLISECOND ? 1000 : 1;
			ok = !__builtin_mul_overflow(k[i], per, &iv.micros);
		}
		}
		if (!ok || !fn_ts_add_interval(t[i], iv, &r[i])) {
			err_set(call->err, call->pos, "timestampadd: timestamp out of range");
			return -1;
		}
	}
	return 0;
}

/* Whole units from a to b, truncated toward zero (Java's ChronoUnit.between). */
static int64_t
ts_diff_units(enum unit u, int64_t a, int64_t b)
{
	if (u <= U_MONTH) {
		int64_t da = dt_ts_day(a), db = dt_ts_day(b);
		int ya, ma, xa, yb, mb, xb;
		dt_civil_from_days(da, &ya, &ma, &xa);
		dt_civil_from_days(db, &yb, &mb, &xb);
		int64_t months = ((int64_t)yb * 12 + mb) - ((int64_t)ya * 12 + ma);
		/* the rest of b's month position, compared with a's */
		int64_t ra = (int64_t)xa * DT_US_PER_DAY + (a - da * DT_US_PER_DAY);
		int64_t rb = (int64_t)xb * DT_US_PER_DAY + (b - db * DT_US_PER_DAY);
		if (months > 0 && rb < ra)
			months--;
		else if (months < 0 && rb > ra)
			months++;
		return u == U_YEAR ? months / 12 : u == U_QUARTER ? months / 3 : months;
	}
	int64_t per;
	switch (u) {
	case U_WEEK: per = 7 * DT_US_PER_DAY; break;
	case U_DAY: per = DT_US_PER_DAY; break;
	case U_HOUR: per = 3600 * DT_US_PER_SEC; break;
	case U_MINUTE: per = 60 * DT_US_PER_SEC; break;
	case U_SECOND: per = DT_US_PER_SEC; break;
	case U_MILLISECOND: per = 1000; break;
	default: per = 1;
	}
	/* differences of in-range timestamps fit when computed in 128 bits */
	return (int64_t)(((__int128)b - a) / per);
}

static int
timestampdiff_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *u = vec_str(args[0]);
	const int64_t *a = vec_i64(args[1]), *b = vec_i64(args[2]);
	int64_t *r = vec_i64(out);
	enum unit unit = U_NONE;
	wb_str last = {NULL, 0};
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (last.p == NULL || !wb_str_eq(last, u[i])) {
			if (!get_unit(call, "timestampdiff", u[i], U_MICROSECOND, false, &unit))
				return -1;
			last = u[i];
		}
		r[i] = ts_diff_units(unit, a[i], b[i]);
	}
	return 0;
}

/* ---- make_date, make_timestamp ---- */

/* make_date(y, m, d): NULL for an invalid date (Spark non-ANSI) */
static int
make_date_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *y = vec_i64(args[0]), *m = vec_i64(args[1]), *d = vec_i64(args[2]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (y[i] < 1 || y[i] > 9999 || m[i] < 1 || m[i] > 12 || d[i] < 1 || d[i] > 31 ||
		    !dt_valid_date((int)y[i], (int)m[i], (int)d[i])) {
			vec_set_null(out, i);
			continue;
		}
		r[i] = dt_days_from_civil(y[i], (unsigned)m[i], (unsigned)d[i]);
	}
	return 0;
}

/* make_timestamp(y, mo, d, h, mi, sec): sec may have a fraction; 60
 * seconds roll over to the next minute (Spark); invalid -> NULL */
static int
make_timestamp_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *y = vec_i64(args[0]), *mo = vec_i64(args[1]), *d = vec_i64(args[2]);
	const int64_t *h = vec_i64(args[3]), *mi = vec_i64(args[4]);
	const double *s = vec_f64(args[5]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		bool ok = y[i] >= 1 && y[i] <= 9999 && mo[i] >= 1 && mo[i] <= 12 && d[i] >= 1 && d[i] <= 31 &&
		    dt_valid_date((int)y[i], (int)mo[i], (int)d[i]) && h[i] >= 0 && h[i] <= 23 && mi[i] >= 0 &&
		    mi[i] <= 59 && s[i] >= 0 && s[i] < 61;
		if (!ok) {
			vec_set_null(out, i);
			continue;
		}
		/* 60 seconds (or a fraction rounding to it) is the next minute */
		int64_t us = (int64_t)nearbyint(s[i] * 1e6);
		if (us > 60 * DT_US_PER_SEC) {
			vec_set_null(out, i);
			continue;
		}
		r[i] = dt_days_from_civil(y[i], (unsigned)mo[i], (unsigned)d[i]) * DT_US_PER_DAY +
		    (h[i] * 3600 + mi[i] * 60) * DT_US_PER_SEC + us;
	}
	return 0;
}

/* ---- current time ---- */

/* The clock is read once in prepare, so every row of a statement sees
 * the same value (these are not FN_VOLATILE: the binder may fold them). */
static void *
now_prepare(const struct wb_value *consts, const bool *is_const, int nargs, struct wb_error *err)
{
	int64_t *t = xmalloc(sizeof *t);
	*t = fn_now_us();
	return t;
}

static void
free_release(void *state)
{
	free(state);
}

static int
current_timestamp_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	int64_t t = *(const int64_t *)call->state, *r = vec_i64(out);
	for (int i = 0; i < n; i++)
		r[i] = t;
	return 0;
}

static int
current_date_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	int64_t t = dt_ts_day(*(const int64_t *)call->state), *r = vec_i64(out);
	for (int i = 0; i < n; i++)
		r[i] = t;
	return 0;
}

/* ---- epoch conversions ---- */

#define EPOCH_FROM(name, mult) \
	static int name(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out) \
	{ \
		const int64_t *a = vec_i64(args[0]); \
		int64_t *r = vec_i64(out); \
		for (int i = 0; i < n; i++) { \
			r[i] = 0; \
			if (!fn_skip(out, i) && __builtin_mul_overflow(a[i], (int64_t)(mult), &r[i])) { \
				err_set(call->err, call->pos, "%s: %" PRId64 " is out of the TIMESTAMP range", #name, a[i]); \
				return -1; \
			} \
		} \
		return 0; \
	}
EPOCH_FROM(timestamp_seconds, DT_US_PER_SEC)
EPOCH_FROM(timestamp_millis, 1000)
EPOCH_FROM(timestamp_micros, 1)

#define EPOCH_TO(name, div) \
	static int name(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out) \
	{ \
		const int64_t *a = vec_i64(args[0]); \
		int64_t *r = vec_i64(out); \
		for (int i = 0; i < n; i++) \
			r[i] = floordiv(a[i], (div)); \
		return 0; \
	}
EPOCH_TO(unix_seconds, DT_US_PER_SEC)
EPOCH_TO(unix_millis, 1000)
EPOCH_TO(unix_micros, 1)

static int
unix_date_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	memcpy(vec_i64(out), vec_i64(args[0]), (size_t)n * sizeof(int64_t));
	return 0;
}

static int
date_from_unix_date_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		r[i] = a[i];
		if (!fn_skip(out, i) && (a[i] < -DAY_LIMIT || a[i] > DAY_LIMIT))
			return date_range_error(call, "date_from_unix_date");
	}
	return 0;
}

/* ======================================================================
 * Datetime patterns (Spark / java.time letters):
 *   G era (AD)          y year (yy: two digits, 2000-2099 when parsing)
 *   Q/q quarter         M/L month (M, MM, MMM Oct, MMMM October)
 *   d day of month      D day of year
 *   E day of week (E/EEE Tue, EEEE Tuesday)   a AM/PM
 *   H hour 0-23   h hour 1-12   k hour 1-24   K hour 0-11
 *   m minute      s second      S fraction (SSS milliseconds, SSSSSS micros)
 *   z/V zone name (UTC)   Z +0000   X Z   x +00 / xx +0000 / xxx +00:00
 *   'text' literal text, '' a quote; other non-letters are literal.
 * Parsing is case-insensitive for names and requires the whole input to
 * match; numeric fields with one letter take 1 or more digits, with two
 * or more letters exactly that many.
 * ====================================================================== */

enum df_kind {
	DF_LIT, DF_ERA, DF_YEAR, DF_QUARTER, DF_MONTH, DF_DAY, DF_DOY, DF_DOW, DF_AMPM,
	DF_H23, DF_H12, DF_H24, DF_H11, DF_MIN, DF_SEC, DF_FRAC, DF_ZNAME, DF_ZRFC, DF_ZISO_X, DF_ZISO_x,
};

struct df_op {
	uint8_t kind;
	uint8_t count;
	uint32_t off, len;   /* DF_LIT: bytes in lits */
};

struct fn_dtfmt {
	struct df_op *ops;
	size_t nops, cap;
	char *lits;
	size_t nlits;
	size_t maxlen;
};

void
fn_dtfmt_free(struct fn_dtfmt *f)
{
	if (f == NULL)
		return;
	free(f->ops);
	free(f->lits);
	free(f);
}

static void
df_add(struct fn_dtfmt *f, enum df_kind k, int count, const char *lit, size_t litn)
{
	f->ops = xgrow(f->ops, &f->cap, f->nops + 1, sizeof *f->ops);
	struct df_op *op = &f->ops[f->nops];
	/* merge adjacent literals */
	if (k == DF_LIT && f->nops > 0 && f->ops[f->nops - 1].kind == DF_LIT) {
		memcpy(f->lits + f->nlits, lit, litn);
		f->nlits += litn;
		f->ops[f->nops - 1].len += (uint32_t)litn;
		f->maxlen += litn;
		return;
	}
	op->kind = (uint8_t)k;
	op->count = (uint8_t)count;
	op->off = (uint32_t)f->nlits;
	op->len = (uint32_t)litn;
	if (litn) {
		memcpy(f->lits + f->nlits, lit, litn);
		f->nlits += litn;
	}
	f->nops++;
	size_t w;
	switch (k) {
	case DF_LIT: w = litn; break;
	case DF_MONTH: w = count >= 4 ? 9 : 3; break;
	case DF_DOW: w = count >= 4 ? 9 : 3; break;
	case DF_QUARTER: w = count >= 4 ? 11 : 2; break;
	case DF_YEAR: w = count > 7 ? (size_t)count : 7; break;
	case DF_ZNAME: w = 3; break;
	case DF_ZISO_x: case DF_ZISO_X: case DF_ZRFC: w = 6; break;
	default: w = count > 10 ? (size_t)count : 10; break;
	}
	if (k != DF_LIT)
		f->maxlen += w;
}

struct fn_dtfmt *
fn_dtfmt_compile(const char *fmt, size_t n, const char *fname, struct wb_error *err)
{
	struct fn_dtfmt *f = xcalloc(1, sizeof *f);
	f->lits = xmalloc(n + 1);
	char b[96];
	wb_str whole = {fmt, (uint32_t)n};
	size_t i = 0;
	while (i < n) {
		char c = fmt[i];
		if (c == '\'') {
			/* quoted literal; '' is a quote */
			if (i + 1 < n && fmt[i + 1] == '\'') {
				df_add(f, DF_LIT, 0, "'", 1);
				i += 2;
				continue;
			}
			size_t j = i + 1;
			for (;;) {
				if (j >= n) {
					err_set(err, -1, "%s: unterminated quote in datetime pattern %s", fname,
					    fn_show_str(whole, b, sizeof b));
					goto fail;
				}
				if (fmt[j] == '\'') {
					if (j + 1 < n && fmt[j + 1] == '\'') {
						df_add(f, DF_LIT, 0, "'", 1);
						j += 2;
						continue;
					}
					break;
				}
				df_add(f, DF_LIT, 0, fmt + j, 1);
				j++;
			}
			i = j + 1;
			continue;
		}
		if (!isalpha((unsigned char)c)) {
			df_add(f, DF_LIT, 0, fmt + i, 1);
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && fmt[j] == c)
			j++;
		int count = (int)(j - i);
		int maxc;
		enum df_kind k;
		switch (c) {
		case 'G': k = DF_ERA; maxc = 5; break;
		case 'y': k = DF_YEAR; maxc = 9; break;
		case 'Q': case 'q': k = DF_QUARTER; maxc = 4; break;
		case 'M': case 'L': k = DF_MONTH; maxc = 4; break;
		case 'd': k = DF_DAY; maxc = 2; break;
		case 'D': k = DF_DOY; maxc = 3; break;
		case 'E': k = DF_DOW; maxc = 4; break;
		case 'a': k = DF_AMPM; maxc = 1; break;
		case 'H': k = DF_H23; maxc = 2; break;
		case 'h': k = DF_H12; maxc = 2; break;
		case 'k': k = DF_H24; maxc = 2; break;
		case 'K': k = DF_H11; maxc = 2; break;
		case 'm': k = DF_MIN; maxc = 2; break;
		case 's': k = DF_SEC; maxc = 2; break;
		case 'S': k = DF_FRAC; maxc = 9; break;
		case 'z': case 'V': k = DF_ZNAME; maxc = 4; break;
		case 'Z': k = DF_ZRFC; maxc = 3; break;
		case 'X': k = DF_ZISO_X; maxc = 3; break;
		case 'x': k = DF_ZISO_x; maxc = 3; break;
		default:
			err_set(err, -1, "%s: unsupported letter '%c' in datetime pattern %s", fname, c,
			    fn_show_str(whole, b, sizeof b));
			err_hint(err, "letters: y M d H h m s S E a D Q G z Z X x; quote literal text: 'T'");
			goto fail;
		}
		if (count > maxc) {
			err_set(err, -1, "%s: too many '%c' letters in datetime pattern %s", fname, c,
			    fn_show_str(whole, b, sizeof b));
			goto fail;
		}
		df_add(f, k, count, NULL, 0);
		i = j;
	}
	return f;
fail:
	fn_dtfmt_free(f);
	return NULL;
}

size_t
fn_dtfmt_maxlen(const struct fn_dtfmt *f)
{
	return f->maxlen + 1;
}

static size_t
put_num(char *o, int64_t v, int width)
{
	char tmp[24];
	int k = 0;
	bool neg = v < 0;
	uint64_t u = neg ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (k < width && k < 20)
		tmp[k++] = '0';
	size_t n = 0;
	if (neg)
		o[n++] = '-';
	while (k)
		o[n++] = tmp[--k];
	return n;
}

size_t
fn_dtfmt_format(const struct fn_dtfmt *f, int64_t ts, char *buf)
{
	int64_t day = dt_ts_day(ts), tod = ts - day * DT_US_PER_DAY;
	int y, m, d;
	dt_civil_from_days(day, &y, &m, &d);
	int hour = (int)(tod / (3600 * DT_US_PER_SEC));
	int64_t frac = tod % DT_US_PER_SEC;
	size_t o = 0;
	for (size_t k = 0; k < f->nops; k++) {
		const struct df_op *op = &f->ops[k];
		int c = op->count;
		switch ((enum df_kind)op->kind) {
		case DF_LIT:
			memcpy(buf + o, f->lits + op->off, op->len);
			o += op->len;
			break;
		case DF_ERA:
			memcpy(buf + o, y > 0 ? "AD" : "BC", 2);
			o += 2;
			break;
		case DF_YEAR:
			if (c == 2)
				o += put_num(buf + o, ((y % 100) + 100) % 100, 2);
			else
				o += put_num(buf + o, y, c);
			break;
		case DF_QUARTER: {
			int q = (m - 1) / 3 + 1;
			if (c <= 2) {
				o += put_num(buf + o, q, c);
			} else if (c == 3) {
				buf[o++] = 'Q';
				buf[o++] = (char)('0' + q);
			} else {
				static const char *const qn[] = {"1st quarter", "2nd quarter", "3rd quarter", "4th quarter"};
				size_t l = strlen(qn[q - 1]);
				memcpy(buf + o, qn[q - 1], l);
				o += l;
			}
			break;
		}
		case DF_MONTH:
			if (c <= 2) {
				o += put_num(buf + o, m, c);
			} else {
				const char *nm = month_names[m - 1];
				size_t l = c == 3 ? 3 : strlen(nm);
				memcpy(buf + o, nm, l);
				o += l;
			}
			break;
		case DF_DAY: o += put_num(buf + o, d, c); break;
		case DF_DOY: o += put_num(buf + o, day - dt_days_from_civil(y, 1, 1) + 1, c); break;
		case DF_DOW: {
			const char *nm = dow_names[dt_iso_dow(day) - 1];
			size_t l = c <= 3 ? 3 : strlen(nm);
			memcpy(buf + o, nm, l);
			o += l;
			break;
		}
		case DF_AMPM:
			memcpy(buf + o, hour < 12 ? "AM" : "PM", 2);
			o += 2;
			break;
		case DF_H23: o += put_num(buf + o, hour, c); break;
		case DF_H12: o += put_num(buf + o, hour % 12 == 0 ? 12 : hour % 12, c); break;
		case DF_H24: o += put_num(buf + o, hour == 0 ? 24 : hour, c); break;
		case DF_H11: o += put_num(buf + o, hour % 12, c); break;
		case DF_MIN: o += put_num(buf + o, tod / (60 * DT_US_PER_SEC) % 60, c); break;
		case DF_SEC: o += put_num(buf + o, tod / DT_US_PER_SEC % 60, c); break;
		case DF_FRAC: {
			char digs[16];
			snprintf(digs, sizeof digs, "%06d", (int)frac);
			for (int k2 = 0; k2 < c; k2++)
				buf[o++] = k2 < 6 ? digs[k2] : '0';
			break;
		}
		case DF_ZNAME:
			memcpy(buf + o, "UTC", 3);
			o += 3;
			break;
		case DF_ZRFC:
			memcpy(buf + o, "+0000", 5);
			o += 5;
			break;
		case DF_ZISO_X:
			buf[o++] = 'Z';
			break;
		case DF_ZISO_x: {
			const char *z = c == 1 ? "+00" : c == 2 ? "+0000" : "+00:00";
			size_t l = strlen(z);
			memcpy(buf + o, z, l);
			o += l;
			break;
		}
		}
	}
	return o;
}

/* Read a number of [minw, maxw] digits. */
static bool
rd_num(const char *s, size_t n, size_t *i, int minw, int maxw, int64_t *out)
{
	int64_t v = 0;
	int w = 0;
	while (*i < n && w < maxw && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		w++;
	}
	if (w < minw)
		return false;
	*out = v;
	return true;
}

/* Match one of `names` (full or 3-letter form) case-insensitively;
 * returns the index or -1. */
static int
rd_name(const char *s, size_t n, size_t *i, const char *const *names, int count, bool full)
{
	for (int k = 0; k < count; k++) {
		size_t l = full ? strlen(names[k]) : 3;
		if (n - *i >= l && strncasecmp(s + *i, names[k], l) == 0) {
			*i += l;
			return k;
		}
	}
	return -1;
}

/* Zone offsets: Z, UTC, GMT, +HH, +HHMM, +HH:MM. */
static bool
rd_zone(const char *s, size_t n, size_t *i, int64_t *off_us)
{
	if (*i < n && (s[*i] == 'Z' || s[*i] == 'z')) {
		(*i)++;
		*off_us = 0;
		return true;
	}
	if (n - *i >= 3 && (strncasecmp(s + *i, "UTC", 3) == 0 || strncasecmp(s + *i, "GMT", 3) == 0)) {
		*i += 3;
		*off_us = 0;
		if (*i < n && (s[*i] == '+' || s[*i] == '-'))
			return rd_zone(s, n, i, off_us);
		return true;
	}
	if (*i >= n || (s[*i] != '+' && s[*i] != '-'))
		return false;
	int sign = s[*i] == '-' ? -1 : 1;
	int64_t hh, mm = 0;
	(*i)++;
	if (!rd_num(s, n, i, 2, 2, &hh))
		return false;
	if (*i < n && s[*i] == ':')
		(*i)++;
	if (*i < n && s[*i] >= '0' && s[*i] <= '9' && !rd_num(s, n, i, 2, 2, &mm))
		return false;
	if (hh > 18 || mm > 59)
		return false;
	*off_us = sign * (hh * 3600 + mm * 60) * DT_US_PER_SEC;
	return true;
}

bool
fn_dtfmt_parse(const struct fn_dtfmt *f, const char *s, size_t n, int64_t *ts)
{
	int64_t year = 1970, month = 1, day = 1, doy = -1, hour = 0, minute = 0, second = 0, frac = 0;
	int64_t h12 = -1, off = 0, v;
	int pm = -1;
	size_t i = 0;
	for (size_t k = 0; k < f->nops; k++) {
		const struct df_op *op = &f->ops[k];
		int c = op->count;
		/* one letter: 1..max digits; more: exactly that many */
		int minw = c == 1 ? 1 : c, maxw2 = c == 1 ? 2 : c;
		switch ((enum df_kind)op->kind) {
		case DF_LIT:
			if (n - i < op->len || memcmp(s + i, f->lits + op->off, op->len) != 0)
				return false;
			i += op->len;
			break;
		case DF_ERA:
			if (n - i >= 2 && strncasecmp(s + i, "AD", 2) == 0)
				i += 2;
			else
				return false;
			break;
		case DF_YEAR:
			if (c == 2) {
				if (!rd_num(s, n, &i, 2, 2, &v))
					return false;
				year = 2000 + v;
			} else {
				if (!rd_num(s, n, &i, c == 1 ? 1 : c, c == 1 ? 4 : c, &year))
					return false;
			}
			break;
		case DF_QUARTER:
			if (c == 3 && i < n && (s[i] == 'Q' || s[i] == 'q'))
				i++;
			if (!rd_num(s, n, &i, 1, c <= 2 ? maxw2 : 1, &v) || v < 1 || v > 4)
				return false;
			if (c == 4) {
				/* "1st quarter" */
				if (n - i < 10)
					return false;
				i += 10;
			}
			break;
		case DF_MONTH:
			if (c <= 2) {
				if (!rd_num(s, n, &i, minw, maxw2, &month))
					return false;
			} else {
				int mi = rd_name(s, n, &i, month_names, 12, c == 4);
				if (mi < 0)
					return false;
				month = mi + 1;
			}
			break;
		case DF_DAY:
			if (!rd_num(s, n, &i, minw, maxw2, &day))
				return false;
			break;
		case DF_DOY:
			if (!rd_num(s, n, &i, minw, c == 1 ? 3 : c, &doy))
				return false;
			break;
		case DF_DOW:
			if (rd_name(s, n, &i, dow_names, 7, c == 4) < 0)
				return false;
			break;
		case DF_AMPM:
			if (n - i >= 2 && strncasecmp(s + i, "AM", 2) == 0)
				pm = 0;
			else if (n - i >= 2 && strncasecmp(s + i, "PM", 2) == 0)
				pm = 1;
			else
				return false;
			i += 2;
			break;
		case DF_H23:
			if (!rd_num(s, n, &i, minw, maxw2, &hour) || hour > 23)
				return false;
			break;
		case DF_H12:
			if (!rd_num(s, n, &i, minw, maxw2, &h12) || h12 < 1 || h12 > 12)
				return false;
			break;
		case DF_H24:
			if (!rd_num(s, n, &i, minw, maxw2, &hour) || hour < 1 || hour > 24)
				return false;
			hour %= 24;
			break;
		case DF_H11:
			if (!rd_num(s, n, &i, minw, maxw2, &h12) || h12 > 11)
				return false;
			break;
		case DF_MIN:
			if (!rd_num(s, n, &i, minw, maxw2, &minute) || minute > 59)
				return false;
			break;
		case DF_SEC:
			if (!rd_num(s, n, &i, minw, maxw2, &second) || second > 59)
				return false;
			break;
		case DF_FRAC: {
			int w = 0;
			frac = 0;
			while (i < n && w < c && s[i] >= '0' && s[i] <= '9') {
				if (w < 6)
					frac = frac * 10 + (s[i] - '0');
				w++;
				i++;
			}
			if (w != c)
				return false;
			for (int k2 = w < 6 ? w : 6; k2 < 6; k2++)
				frac *= 10;
			break;
		}
		case DF_ZNAME:
		case DF_ZRFC:
		case DF_ZISO_X:
		case DF_ZISO_x:
			if (!rd_zone(s, n, &i, &off))
				return false;
			break;
		}
	}
	if (i != n)
		return false;
	if (h12 >= 0)
		hour = (h12 % 12) + (pm == 1 ? 12 : 0);
	else if (pm == 1 && hour < 12)
		hour += 12;
	int64_t days;
	if (year < 1 || year > 9999)
		return false;
	if (doy >= 0) {
		int ylen = dt_valid_date((int)year, 2, 29) ? 366 : 365;
		if (doy < 1 || doy > ylen)
			return false;
		days = dt_days_from_civil(year, 1, 1) + doy - 1;
	} else {
		if (!dt_valid_date((int)year, (int)month, (int)day))
			return false;
		days = dt_days_from_civil(year, (unsigned)month, (unsigned)day);
	}
	*ts = days * DT_US_PER_DAY + ((hour * 60 + minute) * 60 + second) * DT_US_PER_SEC + frac - off;
	return true;
}

/* ---- functions using patterns ---- */

struct fmt_state {
	const char *fname;
	struct fn_dtfmt *f;        /* constant or default pattern, or last row's */
	bool constant;
	char *last;
	size_t lastn, lastcap;
	bool have;
	int64_t now;               /* unix_timestamp(): the statement's clock */
};

static const char default_fmt[] = "yyyy-MM-dd HH:mm:ss";

static void
fmt_release(void *state)
{
	struct fmt_state *st = state;
	if (st == NULL)
		return;
	fn_dtfmt_free(st->f);
	free(st->last);
	free(st);
}

/* Pattern argument at index `pidx`; when absent and `dflt` is set, that
 * pattern is used. */
static void *
fmt_prepare(const char *fname, int pidx, const char *dflt, const struct wb_value *consts,
    const bool *is_const, int nargs, struct wb_error *err)
{
	struct fmt_state *st = xcalloc(1, sizeof *st);
	st->fname = fname;
	if (nargs <= pidx) {
		if (dflt != NULL) {
			st->f = fn_dtfmt_compile(dflt, strlen(dflt), fname, err);
			st->constant = true;
		}
	} else if (is_const[pidx] && !consts[pidx].is_null) {
		st->f = fn_dtfmt_compile(consts[pidx].u.s.p, consts[pidx].u.s.n, fname, err);
		if (st->f == NULL) {
			fmt_release(st);
			return NULL;
		}
		st->constant = true;
	}
	return st;
}

static bool
fmt_row(struct fmt_state *st, struct fn_call *call, wb_str fmt)
{
	if (st->constant)
		return true;
	if (st->have && st->lastn == fmt.n && (fmt.n == 0 || memcmp(st->last, fmt.p, fmt.n) == 0))
		return true;
	st->have = false;
	fn_dtfmt_free(st->f);
	st->f = fn_dtfmt_compile(fmt.p, fmt.n, st->fname, call->err);
	if (st->f == NULL)
		return false;
	if (fmt.n + 1 > st->lastcap)
		st->last = xgrow(st->last, &st->lastcap, fmt.n + 1, 1);
	if (fmt.n)
		memcpy(st->last, fmt.p, fmt.n);
	st->lastn = fmt.n;
	st->have = true;
	return true;
}

#define FMT_PREPARE(fn, name, pidx, dflt) \
	static void *fn(const struct wb_value *c, const bool *k, int nargs, struct wb_error *err) \
	{ \
		return fmt_prepare(name, pidx, dflt, c, k, nargs, err); \
	}
FMT_PREPARE(date_format_prepare, "date_format", 1, NULL)
FMT_PREPARE(to_date_prepare, "to_date", 1, NULL)
FMT_PREPARE(to_timestamp_prepare, "to_timestamp", 1, NULL)
FMT_PREPARE(unix_timestamp_prepare, "unix_timestamp", 1, default_fmt)
FMT_PREPARE(to_unix_timestamp_prepare, "to_unix_timestamp", 1, default_fmt)
FMT_PREPARE(from_unixtime_prepare, "from_unixtime", 1, default_fmt)

/* Format timestamps (microseconds) with the row's pattern. */
static int
format_rows(struct fn_call *call, const int64_t *us, const struct vec *fmtv, int n, struct vec *out)
{
	struct fmt_state *st = call->state;
	const wb_str *fv = fmtv ? vec_str(fmtv) : NULL;
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		r[i] = wb_str_c("");
		if (fn_skip(out, i))
			continue;
		if (fv && !fmt_row(st, call, fv[i]))
			return -1;
		char *d = fn_sw_reserve(&w, fn_dtfmt_maxlen(st->f));
		r[i] = fn_sw_commit(&w, fn_dtfmt_format(st->f, us[i], d));
	}
	return 0;
}

/* date_format(ts, fmt) */
static int
date_format_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return format_rows(call, vec_i64(args[0]), args[1], n, out);
}

/* from_unixtime(seconds [, fmt]) */
static int
from_unixtime_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *s = vec_i64(args[0]);
	int64_t us[WB_VEC_SIZE];
	for (int i = 0; i < n; i++) {
		us[i] = 0;
		if (!fn_skip(out, i) && __builtin_mul_overflow(s[i], DT_US_PER_SEC, &us[i])) {
			err_set(call->err, call->pos, "from_unixtime: %" PRId64 " seconds is out of the TIMESTAMP range", s[i]);
			return -1;
		}
	}
	return format_rows(call, us, nargs > 1 ? args[1] : NULL, n, out);
}

/* Parse the row's text to microseconds: with a pattern if the function
 * has one (argument 1, or the default), else the CAST rules. */
static bool
parse_row(struct fmt_state *st, struct fn_call *call, wb_str s, const struct vec *fmtv, int i, int64_t *us,
    bool *err)
{
	*err = false;
	if (fmtv != NULL) {
		if (!fmt_row(st, call, vec_str(fmtv)[i])) {
			*err = true;
			return false;
		}
	}
	if (st->f != NULL)
		return fn_dtfmt_parse(st->f, s.p, s.n, us);
	return dt_parse_timestamp(s.p, s.n, us);
}

/* to_timestamp(str [, fmt]) -> TIMESTAMP, NULL when str does not parse */
static int
to_timestamp_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct fmt_state *st = call->state;
	const wb_str *a = vec_str(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		bool e;
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (!parse_row(st, call, a[i], nargs > 1 ? args[1] : NULL, i, &r[i], &e)) {
			if (e)
				return -1;
			vec_set_null(out, i);
		}
	}
	return 0;
}

/* to_date(str [, fmt]) -> DATE, NULL when str does not parse */
static int
to_date_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct fmt_state *st = call->state;
	const wb_str *a = vec_str(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		bool e;
		int64_t us;
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (nargs == 1 && dt_parse_date(a[i].p, a[i].n, &r[i]))
			continue;
		if (!parse_row(st, call, a[i], nargs > 1 ? args[1] : NULL, i, &us, &e)) {
			if (e)
				return -1;
			vec_set_null(out, i);
			continue;
		}
		r[i] = dt_ts_day(us);
	}
	return 0;
}

static int
ts_to_date_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++)
		r[i] = dt_ts_day(a[i]);
	return 0;
}

static int
date_to_ts_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++)
		r[i] = a[i] * DT_US_PER_DAY;
	return 0;
}

/* unix_timestamp(str [, fmt]): seconds, NULL when str does not parse */
static int
unix_timestamp_str_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct fmt_state *st = call->state;
	const wb_str *a = vec_str(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		bool e;
		int64_t us;
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (!parse_row(st, call, a[i], nargs > 1 ? args[1] : NULL, i, &us, &e)) {
			if (e)
				return -1;
			vec_set_null(out, i);
			continue;
		}
		r[i] = floordiv(us, DT_US_PER_SEC);
	}
	return 0;
}

static int
unix_timestamp_now_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const struct fmt_state *st = call->state;
	int64_t *r = vec_i64(out);
	int64_t t = floordiv(st->now, DT_US_PER_SEC);
	for (int i = 0; i < n; i++)
		r[i] = t;
	return 0;
}

/* unix_timestamp() reads the clock once, like current_timestamp(); the
 * same fmt_state serves its clock and parsing forms. */
static void *
unix_timestamp_any_prepare(const struct wb_value *c, const bool *k, int nargs, struct wb_error *err)
{
	struct fmt_state *st = unix_timestamp_prepare(c, k, nargs, err);
	if (st != NULL)
		st->now = fn_now_us();
	return st;
}

/* ---- table ---- */

#define DT1(k) \
	static const struct fn_sig k##_sigs[] = { \
		SIG1(T_I64, T_DATE, k), \
		SIG1(T_I64, T_TS, k), \
	}
DT1(year_k);
DT1(quarter_k);
DT1(month_k);
DT1(day_k);
DT1(dayofweek_k);
DT1(weekday_k);
DT1(dayofyear_k);
DT1(weekofyear_k);
static const struct fn_sig hour_k_sigs[] = {SIG1(T_I64, T_TS, hour_k)};
static const struct fn_sig minute_k_sigs[] = {SIG1(T_I64, T_TS, minute_k)};
static const struct fn_sig second_k_sigs[] = {SIG1(T_I64, T_TS, second_k)};
static const struct fn_sig date_trunc_sigs[] = {SIG2(T_TS, T_STR, T_TS, date_trunc_k)};
static const struct fn_sig trunc_sigs[] = {
	SIG2(T_DATE, T_DATE, T_STR, trunc_k),
	SIG2(T_DATE, T_TS, T_STR, trunc_k),
};
static const struct fn_sig date_part_sigs[] = {
	SIG2(T_I64, T_STR, T_DATE, date_part_k),
	SIG2(T_I64, T_STR, T_TS, date_part_k),
};
static const struct fn_sig datediff_sigs[] = {
	SIG2(T_I64, T_DATE, T_DATE, datediff_k),
	SIG2(T_I64, T_TS, T_TS, datediff_k),
	SIG3(T_I64, T_STR, T_TS, T_TS, timestampdiff_k),
};
#define DATE_N(k) \
	static const struct fn_sig k##_sigs[] = { \
		SIG2(T_DATE, T_DATE, T_I64, k), \
		SIG2(T_DATE, T_TS, T_I64, k), \
	}
DATE_N(date_add_k);
DATE_N(date_sub_k);
DATE_N(add_months_k);
static const struct fn_sig last_day_sigs[] = {
	SIG1(T_DATE, T_DATE, last_day_k),
	SIG1(T_DATE, T_TS, last_day_k),
};
static const struct fn_sig next_day_sigs[] = {
	SIG2(T_DATE, T_DATE, T_STR, next_day_k),
	SIG2(T_DATE, T_TS, T_STR, next_day_k),
};
static const struct fn_sig months_between_sigs[] = {
	SIG2(T_F64, T_TS, T_TS, months_between_k),
	SIG3(T_F64, T_TS, T_TS, T_BOOL, months_between_k),
};
static const struct fn_sig timestampadd_sigs[] = {SIG3(T_TS, T_STR, T_I64, T_TS, timestampadd_k)};
static const struct fn_sig timestampdiff_sigs[] = {SIG3(T_I64, T_STR, T_TS, T_TS, timestampdiff_k)};
static const struct fn_sig make_date_sigs[] = {SIG3(T_DATE, T_I64, T_I64, T_I64, make_date_k)};
static const struct fn_sig make_timestamp_sigs[] = {
	{.ret = T_TS, .nargs = 6, .args = {T_I64, T_I64, T_I64, T_I64, T_I64, T_F64}, .kernel = make_timestamp_k},
};
static const struct fn_sig current_date_sigs[] = {SIG0(T_DATE, current_date_k)};
static const struct fn_sig current_timestamp_sigs[] = {SIG0(T_TS, current_timestamp_k)};
static const struct fn_sig date_format_sigs[] = {SIG2(T_STR, T_TS, T_STR, date_format_k)};
static const struct fn_sig to_date_sigs[] = {
	SIG1(T_DATE, T_STR, to_date_k),
	SIG2(T_DATE, T_STR, T_STR, to_date_k),
	SIG1(T_DATE, T_TS, ts_to_date_k),
};
static const struct fn_sig to_timestamp_sigs[] = {
	SIG1(T_TS, T_STR, to_timestamp_k),
	SIG2(T_TS, T_STR, T_STR, to_timestamp_k),
	SIG1(T_TS, T_DATE, date_to_ts_k),
};
static const struct fn_sig unix_timestamp_sigs[] = {
	SIG0(T_I64, unix_timestamp_now_k),
	SIG1(T_I64, T_STR, unix_timestamp_str_k),
	SIG2(T_I64, T_STR, T_STR, unix_timestamp_str_k),
	SIG1(T_I64, T_TS, unix_seconds),
};
static const struct fn_sig to_unix_timestamp_sigs[] = {
	SIG1(T_I64, T_STR, unix_timestamp_str_k),
	SIG2(T_I64, T_STR, T_STR, unix_timestamp_str_k),
	SIG1(T_I64, T_TS, unix_seconds),
};
static const struct fn_sig from_unixtime_sigs[] = {
	SIG1(T_STR, T_I64, from_unixtime_k),
	SIG2(T_STR, T_I64, T_STR, from_unixtime_k),
};
static const struct fn_sig timestamp_seconds_sigs[] = {SIG1(T_TS, T_I64, timestamp_seconds)};
static const struct fn_sig timestamp_millis_sigs[] = {SIG1(T_TS, T_I64, timestamp_millis)};
static const struct fn_sig timestamp_micros_sigs[] = {SIG1(T_TS, T_I64, timestamp_micros)};
static const struct fn_sig unix_seconds_sigs[] = {SIG1(T_I64, T_TS, unix_seconds)};
static const struct fn_sig unix_millis_sigs[] = {SIG1(T_I64, T_TS, unix_millis)};
static const struct fn_sig unix_micros_sigs[] = {SIG1(T_I64, T_TS, unix_micros)};
static const struct fn_sig unix_date_sigs[] = {SIG1(T_I64, T_DATE, unix_date_k)};
static const struct fn_sig date_from_unix_date_sigs[] = {SIG1(T_DATE, T_I64, date_from_unix_date_k)};

const struct scalar_fn fn_date_table[] = {
	{.name = "year", SIGS(year_k_sigs), .usage = "year(date)",
	    .doc = "The year of a date or timestamp",
	    .example = "year(DATE '2019-10-01')", .example_result = "2019"},
	{.name = "quarter", SIGS(quarter_k_sigs), .usage = "quarter(date)",
	    .doc = "The quarter of the year, 1 to 4",
	    .example = "quarter(DATE '2019-10-01')", .example_result = "4"},
	{.name = "month", SIGS(month_k_sigs), .usage = "month(date)",
	    .doc = "The month, 1 to 12",
	    .example = "month(TIMESTAMP '2019-10-01 08:30:00')", .example_result = "10"},
	{.name = "day", SIGS(day_k_sigs), .usage = "day(date)",
	    .doc = "The day of the month, 1 to 31",
	    .example = "day(DATE '2019-10-31')", .example_result = "31"},
	{.name = "dayofmonth", SIGS(day_k_sigs), .usage = "dayofmonth(date)",
	    .doc = "Same as day(date)",
	    .example = "dayofmonth(DATE '2019-10-31')", .example_result = "31"},
	{.name = "dayofweek", SIGS(dayofweek_k_sigs), .usage = "dayofweek(date)",
	    .doc = "Day of the week, 1 = Sunday to 7 = Saturday (Spark)",
	    .example = "dayofweek(DATE '2019-10-01')", .example_result = "3"},
	{.name = "weekday", SIGS(weekday_k_sigs), .usage = "weekday(date)",
	    .doc = "Day of the week, 0 = Monday to 6 = Sunday (Spark)",
	    .example = "weekday(DATE '2019-10-01')", .example_result = "1"},
	{.name = "dayofyear", SIGS(dayofyear_k_sigs), .usage = "dayofyear(date)",
	    .doc = "Day of the year, 1 to 366",
	    .example = "dayofyear(DATE '2019-12-31')", .example_result = "365"},
	{.name = "weekofyear", SIGS(weekofyear_k_sigs), .usage = "weekofyear(date)",
	    .doc = "ISO 8601 week number, 1 to 53 (weeks start on Monday; week 1 holds the first Thursday)",
	    .example = "weekofyear(DATE '2019-12-30')", .example_result = "1"},
	{.name = "hour", SIGS(hour_k_sigs), .usage = "hour(ts)",
	    .doc = "The hour, 0 to 23",
	    .example = "hour(TIMESTAMP '2019-10-01 13:45:30')", .example_result = "13"},
	{.name = "minute", SIGS(minute_k_sigs), .usage = "minute(ts)",
	    .doc = "The minute, 0 to 59",
	    .example = "minute(TIMESTAMP '2019-10-01 13:45:30')", .example_result = "45"},
	{.name = "second", SIGS(second_k_sigs), .usage = "second(ts)",
	    .doc = "The second, 0 to 59 (the fraction is dropped)",
	    .example = "second(TIMESTAMP '2019-10-01 13:45:30.5')", .example_result = "30"},
	{.name = "date_trunc", SIGS(date_trunc_sigs), .usage = "date_trunc(unit, ts)",
	    .doc = "ts truncated to the unit: year, quarter, month, week (Monday), day, hour, minute, second, millisecond, microsecond",
	    .example = "date_trunc('month', TIMESTAMP '2019-10-17 13:45:30')", .example_result = "2019-10-01 00:00:00"},
	{.name = "trunc", SIGS(trunc_sigs), .usage = "trunc(date, unit)",
	    .doc = "date truncated to the unit: year, quarter, month or week (Monday)",
	    .example = "trunc(DATE '2019-10-17', 'quarter')", .example_result = "2019-10-01"},
	{.name = "date_part", SIGS(date_part_sigs), .usage = "date_part(field, source)",
	    .doc = "A field of a date or timestamp: year, quarter, month, week, day, hour, minute, second (whole seconds), millisecond, microsecond, dayofweek, dow_iso, doy or epoch",
	    .example = "date_part('doy', DATE '2019-02-01')", .example_result = "32"},
	{.name = "datediff", SIGS(datediff_sigs), .usage = "datediff(end, start) | datediff(unit, start, end)",
	    .doc = "Days from start to end; with a unit first, whole units from start to end (as timestampdiff)",
	    .example = "datediff(DATE '2019-11-01', DATE '2019-10-01')", .example_result = "31"},
	{.name = "date_add", SIGS(date_add_k_sigs), .usage = "date_add(date, days)",
	    .doc = "The date days later (earlier for negative days)",
	    .example = "date_add(DATE '2019-12-31', 1)", .example_result = "2020-01-01"},
	{.name = "date_sub", SIGS(date_sub_k_sigs), .usage = "date_sub(date, days)",
	    .doc = "The date days earlier",
	    .example = "date_sub(DATE '2020-03-01', 1)", .example_result = "2020-02-29"},
	{.name = "add_months", SIGS(add_months_k_sigs), .usage = "add_months(date, n)",
	    .doc = "The date n months later, with the day clamped to the end of the month",
	    .example = "add_months(DATE '2019-01-31', 1)", .example_result = "2019-02-28"},
	{.name = "months_between", SIGS(months_between_sigs), .usage = "months_between(ts1, ts2 [, round])",
	    .doc = "Months from ts2 to ts1; fractions count 31-day months unless both are the same day or month ends; rounded to 8 decimals unless round is false (Spark)",
	    .example = "months_between(TIMESTAMP '1997-02-28 10:30:00', DATE '1996-10-30')", .example_result = "3.94959677"},
	{.name = "last_day", SIGS(last_day_sigs), .usage = "last_day(date)",
	    .doc = "The last day of the date's month",
	    .example = "last_day(DATE '2020-02-10')", .example_result = "2020-02-29"},
	{.name = "next_day", SIGS(next_day_sigs), .usage = "next_day(date, day_of_week)",
	    .doc = "The first date after date that falls on day_of_week ('Mon', 'TU', 'friday', ...)",
	    .example = "next_day(DATE '2019-10-01', 'Mon')", .example_result = "2019-10-07"},
	{.name = "timestampadd", SIGS(timestampadd_sigs), .usage = "timestampadd(unit, n, ts)",
	    .doc = "ts plus n units (year, quarter, month, week, day, hour, minute, second, millisecond, microsecond)",
	    .example = "timestampadd('hour', 5, TIMESTAMP '2019-10-01 22:00:00')", .example_result = "2019-10-02 03:00:00"},
	{.name = "dateadd", SIGS(timestampadd_sigs), .usage = "dateadd(unit, n, ts)",
	    .doc = "Same as timestampadd(unit, n, ts)",
	    .example = "dateadd('month', 1, TIMESTAMP '2019-01-31 00:00:00')", .example_result = "2019-02-28 00:00:00"},
	{.name = "timestampdiff", SIGS(timestampdiff_sigs), .usage = "timestampdiff(unit, start, end)",
	    .doc = "Whole units from start to end, truncated toward zero",
	    .example = "timestampdiff('month', DATE '2019-01-31', DATE '2019-03-30')", .example_result = "1"},
	{.name = "make_date", SIGS(make_date_sigs), .usage = "make_date(year, month, day)",
	    .doc = "The date with these parts; NULL if they do not form a valid date (Spark)",
	    .example = "make_date(2019, 10, 1)", .example_result = "2019-10-01"},
	{.name = "make_timestamp", SIGS(make_timestamp_sigs), .usage = "make_timestamp(year, month, day, hour, min, sec)",
	    .doc = "The timestamp with these parts (sec may have a fraction; 60 rolls over); NULL if invalid",
	    .example = "make_timestamp(2019, 10, 1, 13, 5, 7.25)", .example_result = "2019-10-01 13:05:07.25"},
	{.name = "current_date", SIGS(current_date_sigs), .usage = "current_date()",
	    .doc = "Today's date (UTC), the same for the whole statement",
	    .example = "current_date() > DATE '2019-10-01'", .example_result = "true",
	    .prepare = now_prepare, .release = free_release},
	{.name = "current_timestamp", SIGS(current_timestamp_sigs), .usage = "current_timestamp()",
	    .doc = "The current time (UTC), the same for the whole statement",
	    .example = "current_timestamp() > TIMESTAMP '2019-10-01 00:00:00'", .example_result = "true",
	    .prepare = now_prepare, .release = free_release},
	{.name = "now", SIGS(current_timestamp_sigs), .usage = "now()",
	    .doc = "Same as current_timestamp()",
	    .example = "now() > TIMESTAMP '2019-10-01 00:00:00'", .example_result = "true",
	    .prepare = now_prepare, .release = free_release},
	{.name = "date_format", SIGS(date_format_sigs), .usage = "date_format(ts, pattern)",
	    .doc = "ts as text in a Spark datetime pattern: yyyy yy MM MMM MMMM dd d HH hh mm ss SSS a E EEEE D, 'literal'",
	    .example = "date_format(TIMESTAMP '2019-10-01 13:05:00', 'EEE, d MMM yyyy hh:mm a')",
	    .example_result = "Tue, 1 Oct 2019 01:05 PM",
	    .prepare = date_format_prepare, .release = fmt_release},
	{.name = "to_date", SIGS(to_date_sigs), .usage = "to_date(str [, pattern])",
	    .doc = "str parsed as a date (CAST rules, or a Spark datetime pattern); NULL if it does not parse",
	    .example = "to_date('01/10/2019', 'dd/MM/yyyy')", .example_result = "2019-10-01",
	    .prepare = to_date_prepare, .release = fmt_release},
	{.name = "to_timestamp", SIGS(to_timestamp_sigs), .usage = "to_timestamp(str [, pattern])",
	    .doc = "str parsed as a timestamp (CAST rules, or a Spark datetime pattern); NULL if it does not parse",
	    .example = "to_timestamp('2019-10-01 00:00:05 UTC')", .example_result = "2019-10-01 00:00:05",
	    .prepare = to_timestamp_prepare, .release = fmt_release},
	{.name = "unix_timestamp", SIGS(unix_timestamp_sigs), .usage = "unix_timestamp([ts | str [, pattern]])",
	    .doc = "Seconds since 1970-01-01 00:00:00 UTC of ts, of str parsed with pattern (default yyyy-MM-dd HH:mm:ss; NULL if it does not parse), or of now",
	    .example = "unix_timestamp('2019-10-01 00:00:00')", .example_result = "1569888000",
	    .prepare = unix_timestamp_any_prepare, .release = fmt_release},
	{.name = "to_unix_timestamp", SIGS(to_unix_timestamp_sigs), .usage = "to_unix_timestamp(ts | str [, pattern])",
	    .doc = "Same as unix_timestamp with an argument",
	    .example = "to_unix_timestamp('2019-10-01', 'yyyy-MM-dd')", .example_result = "1569888000",
	    .prepare = to_unix_timestamp_prepare, .release = fmt_release},
	{.name = "from_unixtime", SIGS(from_unixtime_sigs), .usage = "from_unixtime(seconds [, pattern])",
	    .doc = "Seconds since the epoch as text in pattern (default yyyy-MM-dd HH:mm:ss)",
	    .example = "from_unixtime(0)", .example_result = "1970-01-01 00:00:00",
	    .prepare = from_unixtime_prepare, .release = fmt_release},
	{.name = "timestamp_seconds", SIGS(timestamp_seconds_sigs), .usage = "timestamp_seconds(n)",
	    .doc = "The timestamp n seconds after 1970-01-01 00:00:00 UTC",
	    .example = "timestamp_seconds(1569888000)", .example_result = "2019-10-01 00:00:00"},
	{.name = "timestamp_millis", SIGS(timestamp_millis_sigs), .usage = "timestamp_millis(n)",
	    .doc = "The timestamp n milliseconds after the epoch",
	    .example = "timestamp_millis(1569888000123)", .example_result = "2019-10-01 00:00:00.123"},
	{.name = "timestamp_micros", SIGS(timestamp_micros_sigs), .usage = "timestamp_micros(n)",
	    .doc = "The timestamp n microseconds after the epoch",
	    .example = "timestamp_micros(1)", .example_result = "1970-01-01 00:00:00.000001"},
	{.name = "unix_seconds", SIGS(unix_seconds_sigs), .usage = "unix_seconds(ts)",
	    .doc = "Whole seconds since the epoch (rounded down)",
	    .example = "unix_seconds(TIMESTAMP '1969-12-31 23:59:59.5')", .example_result = "-1"},
	{.name = "unix_millis", SIGS(unix_millis_sigs), .usage = "unix_millis(ts)",
	    .doc = "Whole milliseconds since the epoch (rounded down)",
	    .example = "unix_millis(TIMESTAMP '1970-01-01 00:00:01')", .example_result = "1000"},
	{.name = "unix_micros", SIGS(unix_micros_sigs), .usage = "unix_micros(ts)",
	    .doc = "Microseconds since the epoch",
	    .example = "unix_micros(TIMESTAMP '1970-01-01 00:00:01')", .example_result = "1000000"},
	{.name = "unix_date", SIGS(unix_date_sigs), .usage = "unix_date(date)",
	    .doc = "Days since 1970-01-01",
	    .example = "unix_date(DATE '1970-01-02')", .example_result = "1"},
	{.name = "date_from_unix_date", SIGS(date_from_unix_date_sigs), .usage = "date_from_unix_date(days)",
	    .doc = "The date days after 1970-01-01",
	    .example = "date_from_unix_date(18170)", .example_result = "2019-10-01"},
};
const int fn_date_count = (int)(sizeof fn_date_table / sizeof fn_date_table[0]);
