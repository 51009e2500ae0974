#include "core/types.h"
#include "core/datetime.h"
#include "core/list.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const type_names[WB_TYPE__COUNT] = {
	[WB_TYPE_NULL] = "NULL",
	[WB_TYPE_BOOL] = "BOOLEAN",
	[WB_TYPE_BIGINT] = "BIGINT",
	[WB_TYPE_DOUBLE] = "DOUBLE",
	[WB_TYPE_VARCHAR] = "VARCHAR",
	[WB_TYPE_DATE] = "DATE",
	[WB_TYPE_TIMESTAMP] = "TIMESTAMP",
	[WB_TYPE_INTERVAL] = "INTERVAL",
	[WB_TYPE_LIST_NULL] = "NULL[]",
	[WB_TYPE_LIST_BOOL] = "BOOLEAN[]",
	[WB_TYPE_LIST_BIGINT] = "BIGINT[]",
	[WB_TYPE_LIST_DOUBLE] = "DOUBLE[]",
	[WB_TYPE_LIST_VARCHAR] = "VARCHAR[]",
	[WB_TYPE_LIST_DATE] = "DATE[]",
	[WB_TYPE_LIST_TIMESTAMP] = "TIMESTAMP[]",
};

const char *
type_name(wb_type t)
{
	return (unsigned)t < WB_TYPE__COUNT ? type_names[t] : "?";
}

static const struct {
	const char *name;
	wb_type type;
} type_aliases[] = {
	{"BOOLEAN", WB_TYPE_BOOL}, {"BOOL", WB_TYPE_BOOL},
	{"BIGINT", WB_TYPE_BIGINT}, {"INT", WB_TYPE_BIGINT}, {"INTEGER", WB_TYPE_BIGINT},
	{"INT8", WB_TYPE_BIGINT}, {"INT4", WB_TYPE_BIGINT}, {"INT2", WB_TYPE_BIGINT},
	{"SMALLINT", WB_TYPE_BIGINT}, {"TINYINT", WB_TYPE_BIGINT}, {"LONG", WB_TYPE_BIGINT},
	{"SHORT", WB_TYPE_BIGINT}, {"BYTE", WB_TYPE_BIGINT}, {"HUGEINT", WB_TYPE_BIGINT},
	{"UBIGINT", WB_TYPE_BIGINT}, {"UINTEGER", WB_TYPE_BIGINT},
	{"DOUBLE", WB_TYPE_DOUBLE}, {"FLOAT", WB_TYPE_DOUBLE}, {"REAL", WB_TYPE_DOUBLE},
	{"FLOAT8", WB_TYPE_DOUBLE}, {"FLOAT4", WB_TYPE_DOUBLE}, {"NUMERIC", WB_TYPE_DOUBLE},
	{"DECIMAL", WB_TYPE_DOUBLE}, {"DEC", WB_TYPE_DOUBLE},
	{"VARCHAR", WB_TYPE_VARCHAR}, {"STRING", WB_TYPE_VARCHAR}, {"TEXT", WB_TYPE_VARCHAR},
	{"CHAR", WB_TYPE_VARCHAR}, {"BPCHAR", WB_TYPE_VARCHAR},
	{"DATE", WB_TYPE_DATE},
	{"TIMESTAMP", WB_TYPE_TIMESTAMP}, {"DATETIME", WB_TYPE_TIMESTAMP},
	{"TIMESTAMP_NTZ", WB_TYPE_TIMESTAMP}, {"TIMESTAMP_LTZ", WB_TYPE_TIMESTAMP},
	{"TIMESTAMPTZ", WB_TYPE_TIMESTAMP},
	{"INTERVAL", WB_TYPE_INTERVAL},
};

bool
type_from_name(const char *name, size_t n, wb_type *out)
{
	for (size_t i = 0; i < sizeof type_aliases / sizeof type_aliases[0]; i++) {
		if (strlen(type_aliases[i].name) == n && strncasecmp(type_aliases[i].name, name, n) == 0) {
			*out = type_aliases[i].type;
			return true;
		}
	}
	return false;
}

size_t
type_size(wb_type t)
{
	switch (t) {
	case WB_TYPE_BOOL: return 1;
	case WB_TYPE_VARCHAR: return sizeof(wb_str);
	case WB_TYPE_INTERVAL: return sizeof(wb_interval);
	case WB_TYPE_NULL: return 1;
	default: return type_is_list(t) ? sizeof(wb_list) : 8;
	}
}

int
format_double(double d, char *buf)
{
	if (isnan(d))
		return sprintf(buf, "nan");
	if (isinf(d))
		return sprintf(buf, d < 0 ? "-inf" : "inf");
	if (d == 0)
		return sprintf(buf, signbit(d) ? "-0.0" : "0.0");
	for (int prec = 15; prec <= 17; prec++) {
		int n = snprintf(buf, 40, "%.*g", prec, d);
		if (prec == 17 || strtod(buf, NULL) == d) {
			/* Make integral doubles visibly doubles ("3.0"), as DuckDB
			 * and Spark print them, unless in exponent form. */
			if (strpbrk(buf, ".eni") == NULL) {
				buf[n++] = '.';
				buf[n++] = '0';
				buf[n] = '\0';
			}
			return n;
		}
	}
	return (int)strlen(buf);
}

void
format_interval(wb_interval iv, struct strbuf *out)
{
	bool any = false;
	int32_t years = iv.months / 12, months = iv.months % 12;
	if (years) {
		sb_printf(out, "%d year%s", years, years == 1 || years == -1 ? "" : "s");
		any = true;
	}
	if (months) {
		sb_printf(out, "%s%d month%s", any ? " " : "", months, months == 1 || months == -1 ? "" : "s");
		any = true;
	}
	if (iv.days) {
		sb_printf(out, "%s%d day%s", any ? " " : "", iv.days, iv.days == 1 || iv.days == -1 ? "" : "s");
		any = true;
	}
	if (iv.micros || !any) {
		int64_t us = iv.micros;
		const char *sign = "";
		if (us < 0) {
			sign = "-";
			us = -us;
		}
		int64_t secs = us / 1000000, frac = us % 1000000;
		sb_printf(out, "%s%s%02lld:%02lld:%02lld", any ? " " : "", sign,
		    (long long)(secs / 3600), (long long)(secs / 60 % 60), (long long)(secs % 60));
		if (frac) {
			char f[8];
			snprintf(f, sizeof f, "%06lld", (long long)frac);
			int l = 6;
			while (l > 0 && f[l - 1] == '0')
				l--;
			f[l] = '\0';
			sb_printf(out, ".%s", f);
		}
	}
}

void
value_format(const struct wb_value *v, struct strbuf *out, const char *null_text)
{
	char buf[64];
	if (v->is_null || v->type == WB_TYPE_NULL) {
		sb_puts(out, null_text);
		return;
	}
	switch (v->type) {
	case WB_TYPE_BOOL:
		sb_puts(out, v->u.b ? "true" : "false");
		break;
	case WB_TYPE_BIGINT:
		sb_printf(out, "%lld", (long long)v->u.i);
		break;
	case WB_TYPE_DOUBLE:
		sb_add(out, buf, (size_t)format_double(v->u.d, buf));
		break;
	case WB_TYPE_VARCHAR:
		sb_add(out, v->u.s.p, v->u.s.n);
		break;
	case WB_TYPE_DATE:
		sb_add(out, buf, (size_t)dt_format_date(v->u.i, buf));
		break;
	case WB_TYPE_TIMESTAMP:
		sb_add(out, buf, (size_t)dt_format_timestamp(v->u.i, buf));
		break;
	case WB_TYPE_INTERVAL:
		format_interval(v->u.iv, out);
		break;
	default:
		if (type_is_list(v->type))
			list_format(v->u.l, type_list_elem(v->type), out);
		else
			sb_puts(out, "?");
	}
}

static void
trim_span(const char **s, size_t *n)
{
	while (*n > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

bool
parse_int64(const char *s, size_t n, int64_t *out)
{
	trim_span(&s, &n);
	if (n == 0)
		return false;
	size_t i = 0;
	bool neg = false;
	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		i = 1;
		if (n == 1)
			return false;
	}
	uint64_t acc = 0;
	const uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			return false;
		if (acc > (lim - d) / 10)
			return false;
		acc = acc * 10 + d;
	}
	*out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
	return true;
}

bool
parse_double(const char *s, size_t n, double *out)
{
	char buf[128];
	char *end;
	trim_span(&s, &n);
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	/* strtod accepts hex floats and "infinity"; accept inf/nan words
	 * (Spark and DuckDB do), reject hex. */
	if (memchr(buf, 'x', n) || memchr(buf, 'X', n))
		return false;
	errno = 0;
	double d = strtod(buf, &end);
	if (end != buf + n)
		return false;
	*out = d;
	return true;
}

bool
parse_bool(const char *s, size_t n, bool *out)
{
	static const char *const t[] = {"true", "t", "yes", "y", "1"};
	static const char *const f[] = {"false", "f", "no", "n", "0"};
	trim_span(&s, &n);
	for (size_t i = 0; i < 5; i++) {
		if (strlen(t[i]) == n && strncasecmp(s, t[i], n) == 0) {
			*out = true;
			return true;
		}
		if (strlen(f[i]) == n && strncasecmp(s, f[i], n) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}
