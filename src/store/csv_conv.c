/*
 * csv_conv: text fields to typed vectors.
 *
 * One tight loop per target type over the tokenized rows (no per-value
 * indirect call). The parsers take the common shapes directly - plain
 * digits, decimals whose value is exact in a double, "YYYY-MM-DD
 * HH:MM:SS[ UTC]" - and hand anything else to the general core parsers,
 * so results never depend on which path ran: doubles are always
 * correctly rounded (the fast path only divides or multiplies an exact
 * integer below 2^53 by an exact power of ten, one correctly rounded
 * operation; everything else goes to strtod).
 */
#include "store/csv_int.h"
#include "core/datetime.h"
#include "core/xmalloc.h"

#include <string.h>
#include <strings.h>

static const double pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static inline unsigned
digit(char c)
{
	return (unsigned)(unsigned char)c - '0';
}

/* Are the 8 bytes of x all ASCII digits? (each byte in 0x30..0x3f, and
 * still below 0x40 after adding 6, i.e. at most '9') */
static inline bool
eight_digits(uint64_t x)
{
	return (x & UINT64_C(0xF0F0F0F0F0F0F0F0)) == UINT64_C(0x3030303030303030) &&
	    ((x + UINT64_C(0x0606060606060606)) & UINT64_C(0xF0F0F0F0F0F0F0F0)) ==
	    UINT64_C(0x3030303030303030);
}

/* Value of 8 ASCII digits loaded little-endian (first digit in the low
 * byte): pairs, then quads, then the whole, with no carries between
 * lanes at any step. */
static inline uint64_t
eight_value(uint64_t x)
{
	x -= UINT64_C(0x3030303030303030);
	x = (x * 10 + (x >> 8)) & UINT64_C(0x00FF00FF00FF00FF);     /* 2-digit lanes */
	x = (x * 100 + (x >> 16)) & UINT64_C(0x0000FFFF0000FFFF);   /* 4-digit lanes */
	return (x & 0xFFFFFFFF) * 10000 + (x >> 32);
}

static inline bool
int64_fast(const char *p, size_t n, int64_t *out)
{
	const char *s = p, *e = p + n;
	bool neg = false;
	uint64_t v = 0;

	if (s < e && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
	}
	size_t nd = (size_t)(e - s);
	if (nd == 0 || nd > 19)
		return parse_int64(p, n, out);
	while (e - s >= 8) {
		uint64_t x;
		memcpy(&x, s, 8);
		if (!eight_digits(x))
			return parse_int64(p, n, out);
		v = v * 100000000 + eight_value(x);
		s += 8;
	}
	for (; s < e; s++) {
		unsigned d = digit(*s);
		if (d > 9)
			return parse_int64(p, n, out);
		v = v * 10 + d;
	}
	/* 19 digits fit in uint64 without wrapping; check the int64 range */
	if (v > (uint64_t)INT64_MAX + (neg ? 1 : 0))
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

bool
csv_parse_int64(const char *p, size_t n, int64_t *out)
{
	return int64_fast(p, n, out);
}

static bool double_general(const char *p, size_t n, double *out);

/* The usual shape, [-]digits[.digits] in at most 18 bytes: all digits go
 * into one integer (< 10^17), scaled once by an exact power of ten. */
static inline bool
double_fast(const char *p, size_t n, double *out)
{
	const char *s = p, *e = p + n, *dot = NULL;
	uint64_t m = 0;
	bool neg = false;
	if (n == 0 || n > 18)
		return double_general(p, n, out);
	if (*s == '-') {
		neg = true;
		s++;
	}
	const char *d0 = s;
	for (; s < e; s++) {
		unsigned d = digit(*s);
		if (d <= 9)
			m = m * 10 + d;
		else if (*s == '.' && dot == NULL)
			dot = s;
		else
			return double_general(p, n, out);
	}
	size_t nd = (size_t)(e - d0) - (dot != NULL);
	if (nd == 0 || m > (UINT64_C(1) << 53))
		return double_general(p, n, out);
	double v = (double)m;
	if (dot != NULL)
		v /= pow10_exact[e - dot - 1];
	*out = neg ? -v : v;
	return true;
}

/* Everything else: exponents, long mantissas (then strtod). */
static bool
double_general(const char *p, size_t n, double *out)
{
	const char *s = p, *e = p + n;
	bool neg = false, any = false;
	uint64_t m = 0;
	int nd = 0, exp = 0;

	if (s < e && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
	}
	for (; s < e && digit(*s) <= 9; s++) {
		unsigned d = digit(*s);
		any = true;
		if (m == 0 && d == 0)
			continue;
		if (nd == 19)
			goto slow;
		m = m * 10 + d;
		nd++;
	}
	if (s < e && *s == '.') {
		for (s++; s < e && digit(*s) <= 9; s++) {
			unsigned d = digit(*s);
			any = true;
			if (m == 0 && d == 0) {
				exp--;
				continue;
			}
			if (nd == 19)
				goto slow;
			m = m * 10 + d;
			nd++;
			exp--;
		}
	}
	if (!any)
		goto slow;
	if (s < e && (*s == 'e' || *s == 'E')) {
		bool eneg = false;
		int ev = 0, ed = 0;
		s++;
		if (s < e && (*s == '-' || *s == '+')) {
			eneg = *s == '-';
			s++;
		}
		for (; s < e && digit(*s) <= 9 && ed < 5; s++, ed++)
			ev = ev * 10 + (int)digit(*s);
		if (ed == 0 || ed == 5)
			goto slow;
		exp += eneg ? -ev : ev;
	}
	if (s != e)
		goto slow;
	if (m == 0) {
		*out = neg ? -0.0 : 0.0;
		return true;
	}
	if (m > (UINT64_C(1) << 53) || exp < -22 || exp > 22)
		goto slow;
	double d = (double)m;
	d = exp < 0 ? d / pow10_exact[-exp] : d * pow10_exact[exp];
	*out = neg ? -d : d;
	return true;
slow:
	return parse_double(p, n, out);
}

bool
csv_parse_double(const char *p, size_t n, double *out)
{
	return double_fast(p, n, out);
}


static inline bool
two_digits(const char *p, int *v)
{
	unsigned a = digit(p[0]), b = digit(p[1]);
	if (a > 9 || b > 9)
		return false;
	*v = (int)(a * 10 + b);
	return true;
}

/* "YYYY-MM-DD" at p (exactly) -> days, false if not that shape. */
static inline bool
fast_date(const char *p, int64_t *days)
{
	int y1, y2, mo, d;
	if (p[4] != '-' || p[7] != '-' || !two_digits(p, &y1) || !two_digits(p + 2, &y2) ||
	    !two_digits(p + 5, &mo) || !two_digits(p + 8, &d))
		return false;
	int y = y1 * 100 + y2;
	if (!dt_valid_date(y, mo, d))
		return false;
	*days = dt_days_from_civil(y, (unsigned)mo, (unsigned)d);
	return true;
}

/* The date part of a timestamp repeats from row to row; remember the
 * last one. */
struct date_cache {
	char key[10];
	int64_t days;
	bool valid;
};

static inline bool
fast_timestamp(const char *p, size_t n, int64_t *out, struct date_cache *dc)
{
	int h, mi, sec;
	int64_t days;
	if (!(n == 19 || (n == 23 && memcmp(p + 19, " UTC", 4) == 0) || (n == 20 && p[19] == 'Z')))
		return false;
	if ((p[10] != ' ' && p[10] != 'T') || p[13] != ':' || p[16] != ':' ||
	    !two_digits(p + 11, &h) || !two_digits(p + 14, &mi) || !two_digits(p + 17, &sec) ||
	    h > 23 || mi > 59 || sec > 59)
		return false;
	if (dc != NULL && dc->valid && memcmp(dc->key, p, 10) == 0) {
		days = dc->days;
	} else {
		if (!fast_date(p, &days))
			return false;
		if (dc != NULL) {
			memcpy(dc->key, p, 10);
			dc->days = days;
			dc->valid = true;
		}
	}
	*out = days * DT_US_PER_DAY + ((int64_t)h * 3600 + mi * 60 + sec) * DT_US_PER_SEC;
	return true;
}

bool
csv_parse_timestamp(const char *p, size_t n, int64_t *out)
{
	return fast_timestamp(p, n, out, NULL) || dt_parse_timestamp(p, n, out);
}

bool
csv_parse_date(const char *p, size_t n, int64_t *out)
{
	return (n == 10 && fast_date(p, out)) || dt_parse_date(p, n, out);
}

bool
csv_parse_bool(const char *p, size_t n, bool strict, uint8_t *out)
{
	bool b;
	if (strict) {
		if ((n == 4 && strncasecmp(p, "true", 4) == 0) || (n == 1 && (*p == 't' || *p == 'T'))) {
			*out = 1;
			return true;
		}
		if ((n == 5 && strncasecmp(p, "false", 5) == 0) || (n == 1 && (*p == 'f' || *p == 'F'))) {
			*out = 0;
			return true;
		}
		return false;
	}
	if (!parse_bool(p, n, &b))
		return false;
	*out = b;
	return true;
}

bool
csv_value_fits(wb_type t, const char *p, size_t n)
{
	int64_t i;
	double d;
	uint8_t b;
	switch (t) {
	case WB_TYPE_BOOL:
		return csv_parse_bool(p, n, true, &b);
	case WB_TYPE_BIGINT:
		return csv_parse_int64(p, n, &i);
	case WB_TYPE_DOUBLE:
		/* words like "nan" or "inf" alone do not make a column numeric */
		for (size_t k = 0; k < n; k++)
			if (digit(p[k]) <= 9)
				return csv_parse_double(p, n, &d);
		return false;
	case WB_TYPE_DATE:
		return csv_parse_date(p, n, &i);
	case WB_TYPE_TIMESTAMP:
		return csv_parse_timestamp(p, n, &i);
	case WB_TYPE_VARCHAR:
		return true;
	default:
		return false;
	}
}

bool
csv_is_null(const struct csv_nulls *nl, const char *p, size_t n, bool varchar)
{
	if (n == 0)
		return !varchar || nl->n == 0 || nl->empty_is_null;
	for (int i = 0; i < nl->n; i++)
		if (nl->len[i] == n && memcmp(nl->s[i], p, n) == 0)
			return true;
	return false;
}

size_t
csv_unescape(char *dst, const char *q, size_t n, const struct csv_dialect *d)
{
	const bool esc_mode = d->escape && d->escape != d->quote;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = q[i];
		if (esc_mode ? c == d->escape : c == d->quote) {
			if (i + 1 < n)
				i++;
			c = q[i];
		}
		dst[o++] = c;
	}
	return o;
}

ssize_t
csv_utf8_check(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (i + 8 <= n) {
			uint64_t x;
			memcpy(&x, p + i, 8);
			if ((x & UINT64_C(0x8080808080808080)) == 0) {
				i += 8;
				continue;
			}
		}
		unsigned c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		unsigned lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0;      /* overlong */
			else if (c == 0xED)
				hi = 0x9F;      /* surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90;      /* overlong */
			else if (c == 0xF4)
				hi = 0x8F;      /* above U+10FFFF */
		} else {
			return (ssize_t)i;
		}
		if (i + len > n)
			return (ssize_t)i;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return (ssize_t)i;
		for (size_t k = 2; k < len; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xBF)
				return (ssize_t)i;
		i += len;
	}
	return -1;
}

/*
 * The text of field (r, c): false when it is NULL. Quoted fields lose
 * their quotes (*quoted set; escapes are still in the text).
 */
static inline bool
field_text(const struct csv_tok *t, int r, int c, char quote, const struct csv_nulls *nl,
    bool varchar, const char **pp, size_t *pn, bool *quoted)
{
	uint32_t s = csv_tok_fstart(t, r, c), e = csv_tok_fend(t, r, c);
	const char *p = t->org + s;
	size_t n = e - s;
	if (n > 0 && *p == quote && quote) {
		*pp = p + 1;
		*pn = n >= 2 ? n - 2 : 0;
		*quoted = true;
		/* "" is the empty string; in other types it can only be NULL */
		return varchar || *pn > 0;
	}
	*quoted = false;
	*pp = p;
	*pn = n;
	if (n == 0)
		return varchar && nl->n > 0 && !nl->empty_is_null;
	return nl->n == 0 || !csv_is_null(nl, p, n, varchar);
}

#define CONV_NULL(r) do { \
	if (nulls == NULL) \
		nulls = vec_nulls_writable(v); \
	nulls[r] = 1; \
} while (0)
#define CONV_BAD(r) do { \
	bad[nbad++] = (r); \
	CONV_NULL(r); \
} while (0)

int
csv_conv_column(const struct csv_tok *t, int c, wb_type type, const struct csv_dialect *d,
    const struct csv_nulls *nl, struct vec *v, int *bad)
{
	const int nr = t->nrows;
	const char quote = d->quote;
	uint8_t *nulls = NULL;
	int nbad = 0;
	const char *p;
	size_t n;
	bool q;

	switch (type) {
	case WB_TYPE_BIGINT: {
		int64_t *o = vec_i64(v);
		for (int r = 0; r < nr; r++) {
			o[r] = 0;
			if (!field_text(t, r, c, quote, nl, false, &p, &n, &q))
				CONV_NULL(r);
			else if (!int64_fast(p, n, &o[r]))
				CONV_BAD(r);
		}
		break;
	}
	case WB_TYPE_DOUBLE: {
		double *o = vec_f64(v);
		for (int r = 0; r < nr; r++) {
			o[r] = 0;
			if (!field_text(t, r, c, quote, nl, false, &p, &n, &q))
				CONV_NULL(r);
			else if (!double_fast(p, n, &o[r]))
				CONV_BAD(r);
		}
		break;
	}
	case WB_TYPE_TIMESTAMP: {
		int64_t *o = vec_i64(v);
		struct date_cache dc = {.valid = false};
		for (int r = 0; r < nr; r++) {
			o[r] = 0;
			if (!field_text(t, r, c, quote, nl, false, &p, &n, &q))
				CONV_NULL(r);
			else if (!fast_timestamp(p, n, &o[r], &dc) && !dt_parse_timestamp(p, n, &o[r]))
				CONV_BAD(r);
		}
		break;
	}
	case WB_TYPE_DATE: {
		int64_t *o = vec_i64(v);
		for (int r = 0; r < nr; r++) {
			o[r] = 0;
			if (!field_text(t, r, c, quote, nl, false, &p, &n, &q))
				CONV_NULL(r);
			else if (!csv_parse_date(p, n, &o[r]))
				CONV_BAD(r);
		}
		break;
	}
	case WB_TYPE_BOOL: {
		uint8_t *o = vec_bool(v);
		for (int r = 0; r < nr; r++) {
			o[r] = 0;
			if (!field_text(t, r, c, quote, nl, false, &p, &n, &q))
				CONV_NULL(r);
			else if (!csv_parse_bool(p, n, false, &o[r]))
				CONV_BAD(r);
		}
		break;
	}
	default: {
		wb_str *o = vec_str(v);
		const char esc = d->escape && d->escape != quote ? d->escape : quote;
		for (int r = 0; r < nr; r++) {
			if (!field_text(t, r, c, quote, nl, true, &p, &n, &q)) {
				o[r].p = "";
				o[r].n = 0;
				CONV_NULL(r);
				continue;
			}
			if (q && (t->flags[r] & CSV_RF_ESCAPED) && memchr(p, esc, n) != NULL) {
				char *dst = vec_str_alloc(v, n);
				n = csv_unescape(dst, p, n, d);
				p = dst;
			}
			o[r].p = p;
			o[r].n = (uint32_t)n;
		}
		break;
	}
	}
	v->n = nr;
	return nbad;
}
