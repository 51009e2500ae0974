/*
 * list: values of the list types (Spark's ARRAY<T>, DuckDB's T[]).
 *
 * Types. types.h has one list type per element type (BOOLEAN[], BIGINT[],
 * DOUBLE[], VARCHAR[], DATE[], TIMESTAMP[], and NULL[] for lists whose
 * elements have no type yet, such as array()); lists do not nest.
 *
 * Values. A list value is a wb_list (types.h), a view like wb_str: `n`
 * elements at `data` in the element type's physical representation
 * (uint8_t for BOOLEAN, int64_t for BIGINT/DATE/TIMESTAMP, double, wb_str
 * for VARCHAR; NULL[] elements are 1 byte each and all NULL) and the
 * elements' NULL flags at `nulls` (NULL when no element is NULL). `data`
 * is never NULL, even for an empty list (list_empty()). An element under a
 * NULL flag holds some safe value (a VARCHAR element an empty string).
 *
 * Ownership: exactly as for strings. The element array, the flags and the
 * bytes of string elements belong to someone else - a vector's heap
 * (kernels build results there with vec_list_alloc()), a result's arena, a
 * hash table's heap - and a string element may be a view into yet another
 * place (an input string). Whoever keeps a list longer than the chunk it
 * came in (hash tables, sorts, materialisation, aggregate states, row sets)
 * deep-copies it with list_copy(), which copies the elements, the flags
 * and the string bytes into one block of the given arena.
 *
 * Semantics shared by every operator:
 *   equality (GROUP BY, DISTINCT, joins, =): same length and equal
 *     elements, NULL elements equal to each other, NaN equal to NaN and
 *     -0 to 0 (as hashing treats doubles);
 *   order (ORDER BY, <, min/max): element by element with NULL elements
 *     before all others, then the shorter list first (Spark's ordering of
 *     arrays); doubles order NaN above everything;
 *   text (CAST to VARCHAR, tables, CSV): Spark's form [1, 2, null] -
 *     elements as CAST(x AS VARCHAR) writes them, strings unquoted, NULL
 *     elements as null.
 */
#ifndef WB_CORE_LIST_H
#define WB_CORE_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/strbuf.h"
#include "core/types.h"

/* The empty list (data points at static storage). */
wb_list list_empty(void);

static inline bool list_is_null_at(wb_list l, uint32_t i)
{
	return l.nulls != NULL && l.nulls[i];
}

/* Address of element i (type elem). */
static inline const void *list_at(wb_list l, wb_type elem, uint32_t i)
{
	return (const char *)l.data + (size_t)i * type_size(elem);
}

/* Element i as a value (strings are views into the list). */
void list_get(wb_list l, wb_type elem, uint32_t i, struct wb_value *out);

/* A new list of n elements in arena a. *data gets the writable element
 * array (uninitialised) and, when want_nulls, *nulls the flags (zeroed);
 * otherwise the list has no flags and *nulls is set to NULL. The caller
 * fills them in and may clear l.nulls when no flag was set. */
wb_list list_alloc(struct arena *a, wb_type elem, uint32_t n, bool want_nulls, void **data, uint8_t **nulls);

/* Deep copy into arena a (one block for elements, flags and strings). */
wb_list list_copy(struct arena *a, wb_list l, wb_type elem);
/* The size of that block, and the copy into a caller's block of at least
 * that many bytes (8-byte aligned); used to reuse a buffer. */
size_t list_copy_size(wb_list l, wb_type elem);
wb_list list_copy_to(void *buf, wb_list l, wb_type elem);

/* Equality, order and hash of whole lists (see the top of this file). */
bool list_eq(wb_list a, wb_list b, wb_type elem);
int list_cmp(wb_list a, wb_list b, wb_type elem);
uint64_t list_hash(wb_list l, wb_type elem);

/* The same for single non-NULL elements at a and b. */
bool list_elem_eq(wb_type elem, const void *a, const void *b);
int list_elem_cmp(wb_type elem, const void *a, const void *b);
uint64_t list_elem_hash(wb_type elem, const void *a);

/* Append the text form [a, b, null] (see the top of this file). */
void list_format(wb_list l, wb_type elem, struct strbuf *out);
/* Append element i's text (not NULL) as CAST(x AS VARCHAR) writes it. */
void list_format_elem(wb_list l, wb_type elem, uint32_t i, struct strbuf *out);

#endif
