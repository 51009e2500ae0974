/*
 * types: wb's SQL types and single values.
 *
 * Physical representation (what a vector's data array holds):
 *   BOOLEAN    uint8_t (0 or 1)
 *   BIGINT     int64_t        (INT, INTEGER, SMALLINT, TINYINT, LONG are aliases)
 *   DOUBLE     double         (FLOAT, REAL are aliases)
 *   VARCHAR    wb_str         (STRING, TEXT are aliases) - a view, not owned
 *   DATE       int64_t days since 1970-01-01
 *   TIMESTAMP  int64_t microseconds since 1970-01-01 00:00:00 UTC
 *   INTERVAL   wb_interval    (months, days, microseconds; expressions only)
 * NULL is the type of an untyped NULL literal before binding.
 */
#ifndef WB_CORE_TYPES_H
#define WB_CORE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

typedef enum wb_type {
	WB_TYPE_NULL = 0,
	WB_TYPE_BOOL,
	WB_TYPE_BIGINT,
	WB_TYPE_DOUBLE,
	WB_TYPE_VARCHAR,
	WB_TYPE_DATE,
	WB_TYPE_TIMESTAMP,
	WB_TYPE_INTERVAL,
	WB_TYPE__COUNT
} wb_type;

/* A string view: `p` points at `n` bytes that are not NUL-terminated in
 * general and are owned by someone else (a table, an arena, a buffer). */
typedef struct wb_str {
	const char *p;
	uint32_t n;
} wb_str;

static inline wb_str wb_str_c(const char *s)
{
	wb_str r = {s, 0};
	while (s[r.n])
		r.n++;
	return r;
}

typedef struct wb_interval {
	int32_t months;
	int32_t days;
	int64_t micros;
} wb_interval;

struct wb_value {
	wb_type type;
	bool is_null;
	union {
		bool b;
		int64_t i;   /* BIGINT, DATE, TIMESTAMP */
		double d;
		wb_str s;
		wb_interval iv;
	} u;
};

/* "BIGINT", "VARCHAR", ... */
const char *type_name(wb_type t);
/* Parses a SQL type name (case-insensitive, aliases included, "DECIMAL(p,s)"
 * style parameters ignored... see types.c); returns false if unknown. */
bool type_from_name(const char *name, size_t n, wb_type *out);
/* Bytes per value in a vector's data array. */
size_t type_size(wb_type t);
static inline bool type_is_integer_like(wb_type t)
{
	return t == WB_TYPE_BIGINT || t == WB_TYPE_DATE || t == WB_TYPE_TIMESTAMP;
}
static inline bool type_is_numeric(wb_type t)
{
	return t == WB_TYPE_BIGINT || t == WB_TYPE_DOUBLE;
}

/* Append a value's text form (as rendered in tables and CSV: no quotes,
 * NULL as `null_text`). Doubles use the shortest text that reads back to
 * the same double. */
void value_format(const struct wb_value *v, struct strbuf *out, const char *null_text);
/* Shortest round-trip formatting of a double into buf (>= 32 bytes);
 * returns length. NaN -> "nan", infinities -> "inf" / "-inf". */
int format_double(double d, char *buf);
/* Format an interval like "1 year 2 months 3 days 04:05:06". */
void format_interval(wb_interval iv, struct strbuf *out);

/* Parse a whole string as an integer / double (leading and trailing spaces
 * allowed). Return false on syntax error or (int) overflow. */
bool parse_int64(const char *s, size_t n, int64_t *out);
bool parse_double(const char *s, size_t n, double *out);
/* true/false/t/f/yes/no/1/0, case-insensitive */
bool parse_bool(const char *s, size_t n, bool *out);

#endif
