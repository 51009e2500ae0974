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
 *   T[]        wb_list        a list (Spark's ARRAY<T>) of BOOLEAN, BIGINT,
 *                             DOUBLE, VARCHAR, DATE or TIMESTAMP elements, or
 *                             NULL[] (the type of array() and [] before
 *                             anything gives the elements a type); a view,
 *                             not owned - see core/list.h
 * NULL is the type of an untyped NULL literal before binding.
 *
 * List types. wb_type stays a plain enum used by value: there is one list
 * type per element type, laid out in the order of the element types so
 * that type_list_of() and type_list_elem() are additions. Lists do not nest
 * (no list of lists) and there are no INTERVAL lists. Names print the
 * DuckDB way, like the scalar names: BIGINT[], VARCHAR[]; the parser also
 * accepts Spark's ARRAY<BIGINT>, ARRAY<STRING>.
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
	/* lists: WB_TYPE_LIST_NULL + element type, see type_list_of() */
	WB_TYPE_LIST_NULL,
	WB_TYPE_LIST_BOOL,
	WB_TYPE_LIST_BIGINT,
	WB_TYPE_LIST_DOUBLE,
	WB_TYPE_LIST_VARCHAR,
	WB_TYPE_LIST_DATE,
	WB_TYPE_LIST_TIMESTAMP,
	WB_TYPE__COUNT
} wb_type;

_Static_assert(WB_TYPE_LIST_TIMESTAMP - WB_TYPE_LIST_NULL == WB_TYPE_TIMESTAMP - WB_TYPE_NULL,
    "list types follow the order of their element types");

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

/* A list view (see core/list.h): `n` elements at `data` in the element
 * type's physical representation, and their NULL flags at `nulls` (NULL
 * when no element is NULL; else nulls[i] != 0 marks element i NULL).
 * `data` is never NULL, even for an empty list. */
typedef struct wb_list {
	const void *data;
	const uint8_t *nulls;
	uint32_t n;
} wb_list;

struct wb_value {
	wb_type type;
	bool is_null;
	union {
		bool b;
		int64_t i;   /* BIGINT, DATE, TIMESTAMP */
		double d;
		wb_str s;
		wb_interval iv;
		wb_list l;
	} u;
};

/* "BIGINT", "VARCHAR", "BIGINT[]", ... */
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
static inline bool type_is_list(wb_type t)
{
	return t >= WB_TYPE_LIST_NULL && t <= WB_TYPE_LIST_TIMESTAMP;
}
/* Can t be the element type of a list? (NULL .. TIMESTAMP, not INTERVAL
 * and not a list.) */
static inline bool type_is_elem(wb_type t)
{
	return t >= WB_TYPE_NULL && t <= WB_TYPE_TIMESTAMP;
}
/* Element type of list type t (t must be a list type). */
static inline wb_type type_list_elem(wb_type t)
{
	return (wb_type)(t - WB_TYPE_LIST_NULL + WB_TYPE_NULL);
}
/* The list type of element type t (type_is_elem(t) must hold). */
static inline wb_type type_list_of(wb_type t)
{
	return (wb_type)(t - WB_TYPE_NULL + WB_TYPE_LIST_NULL);
}

/* Append a value's text form (as rendered in tables and CSV: no quotes,
 * NULL as `null_text`; lists as list_format() writes them). Doubles use the shortest text that reads back to
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
