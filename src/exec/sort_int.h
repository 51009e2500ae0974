/*
 * sort_int: private to src/exec — the sort-key machinery shared by ORDER BY
 * / TOP-N (op_sort.c) and windows (op_window.c).
 *
 * A sort key value maps to a 64-bit prefix that orders like the value
 * (first 8 bytes for strings), with 0 and all ones kept for NULL (NULLS
 * FIRST / LAST, not flipped by DESC). Prefixes give up their lowest bit for
 * that, so equal prefixes are ties to be decided by sortkey_cmp(); different
 * prefixes are different values in that order.
 *
 * NULL ordering: NULLs sort as the smallest value unless NULLS LAST is given
 * (Spark's default: ASC puts NULLs first, DESC puts them last). Doubles
 * order NaN above everything and -0 equal to 0. Lists order as list_cmp()
 * says (core/list.h); their prefix only tells the empty list, a list that
 * starts with a NULL element and the first element's own prefix apart.
 */
#ifndef WB_EXEC_SORT_INT_H
#define WB_EXEC_SORT_INT_H

#include <stdint.h>
#include <string.h>

#include "core/list.h"
#include "core/vector.h"
#include "exec/plan.h"

struct sort_item {
	uint64_t prefix;
	uint32_t chunk;
	uint32_t row;
};

/* Months count as 30 days, as DuckDB compares intervals. */
static inline int64_t
sortkey_iv(wb_interval iv)
{
	return (int64_t)iv.months * 30 * INT64_C(86400000000) + (int64_t)iv.days * INT64_C(86400000000) + iv.micros;
}

static inline uint64_t sortkey_scalar_prefix(wb_type t, const void *val);

/* A list's prefix: 1 for [], 2 for a list starting with NULL, else 2 +
 * the first element's prefix (which is at most 2^63). */
static inline uint64_t
sortkey_list_prefix(wb_type t, wb_list l)
{
	wb_type et = type_list_elem(t);
	if (l.n == 0)
		return 1;
	if (et == WB_TYPE_NULL || list_is_null_at(l, 0))
		return 2;
	return 2 + sortkey_scalar_prefix(et, l.data);
}

static inline uint64_t
sortkey_prefix(const struct vec *v, int i, const struct pn_sortkey *k)
{
	uint64_t p;
	if (vec_is_null(v, i))
		return k->nulls_first ? 0 : UINT64_MAX;   /* not flipped by DESC */
	int r = v->kind == VEC_CONST ? 0 : i;
	switch (v->type) {
	case WB_TYPE_BOOL:
		p = ((const uint8_t *)v->data)[r] ? 2 : 1;
		break;
	case WB_TYPE_DOUBLE: {
		double d = ((const double *)v->data)[r];
		uint64_t b;
		if (d != d) {
			b = UINT64_C(0x7ff8000000000000);
		} else {
			if (d == 0)
				d = 0;
			memcpy(&b, &d, 8);
		}
		p = (b & (UINT64_C(1) << 63)) ? ~b : b | (UINT64_C(1) << 63);
		p = (p >> 1) + 1;   /* keep 0 and all-ones for NULL */
		break;
	}
	case WB_TYPE_VARCHAR: {
		wb_str s = vec_str_at(v, i);
		unsigned char b[8] = {0};
		memcpy(b, s.p, s.n < 8 ? s.n : 8);
		p = 0;
		for (int j = 0; j < 8; j++)
			p = (p << 8) | b[j];
		p = (p >> 1) + 1;
		break;
	}
	case WB_TYPE_INTERVAL: {
		int64_t key = sortkey_iv(((const wb_interval *)v->data)[r]);
		p = (((uint64_t)key ^ (UINT64_C(1) << 63)) >> 1) + 1;
		break;
	}
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP: {
		int64_t x = ((const int64_t *)v->data)[r];
		p = (((uint64_t)x ^ (UINT64_C(1) << 63)) >> 1) + 1;
		break;
	}
	default:   /* lists */
		p = sortkey_list_prefix(v->type, ((const wb_list *)v->data)[r]);
	}
	return k->desc ? ~p : p;
}

/* The ascending prefix of a non-NULL scalar at val (as sortkey_prefix
 * computes it for a FLAT vector of type t). */
static inline uint64_t
sortkey_scalar_prefix(wb_type t, const void *val)
{
	struct vec one = {.type = t, .kind = VEC_FLAT, .n = 1, .data = (void *)val};
	static const struct pn_sortkey asc = {NULL, false, true};
	return sortkey_prefix(&one, 0, &asc);
}

static inline int
sortkey_dcmp(double a, double b)
{
	if (a != a)
		return b != b ? 0 : 1;
	if (b != b)
		return -1;
	return a < b ? -1 : a > b;
}

/* Compare value i of va with value j of vb (same type) under key k. */
static inline int
sortkey_cmp(const struct vec *va, int i, const struct vec *vb, int j, const struct pn_sortkey *k)
{
	bool na = vec_is_null(va, i), nb = vec_is_null(vb, j);
	int c;
	if (na || nb) {
		if (na && nb)
			return 0;
		/* NULL position does not flip with DESC */
		c = na ? -1 : 1;
		return k->nulls_first ? c : -c;
	}
	int ri = va->kind == VEC_CONST ? 0 : i, rj = vb->kind == VEC_CONST ? 0 : j;
	switch (va->type) {
	case WB_TYPE_BOOL:
		c = (int)((const uint8_t *)va->data)[ri] - (int)((const uint8_t *)vb->data)[rj];
		break;
	case WB_TYPE_DOUBLE:
		c = sortkey_dcmp(((const double *)va->data)[ri], ((const double *)vb->data)[rj]);
		break;
	case WB_TYPE_VARCHAR:
		c = wb_str_cmp(vec_str_at(va, i), vec_str_at(vb, j));
		break;
	case WB_TYPE_INTERVAL: {
		int64_t kx = sortkey_iv(((const wb_interval *)va->data)[ri]);
		int64_t ky = sortkey_iv(((const wb_interval *)vb->data)[rj]);
		c = kx < ky ? -1 : kx > ky;
		break;
	}
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP: {
		int64_t x = ((const int64_t *)va->data)[ri], y = ((const int64_t *)vb->data)[rj];
		c = x < y ? -1 : x > y;
		break;
	}
	default:   /* lists */
		c = list_cmp(((const wb_list *)va->data)[ri], ((const wb_list *)vb->data)[rj], type_list_elem(va->type));
	}
	return k->desc ? -c : c;
}

/* Stable LSD radix sort of v[0..n) on prefix (by_chunk: on the 32-bit
 * chunk field instead), skipping bytes that never vary; tmp holds n items.
 * Inlined with a constant by_chunk, so each caller gets its own loops. */
static inline __attribute__((always_inline)) void
sort_radix_on(struct sort_item *v, struct sort_item *tmp, int64_t n, bool by_chunk)
{
#define SORT_RADIX_KEY(it) (by_chunk ? (uint64_t)(it).chunk : (it).prefix)
	uint64_t or_all = 0, and_all = ~UINT64_C(0);
	for (int64_t i = 0; i < n; i++) {
		or_all |= SORT_RADIX_KEY(v[i]);
		and_all &= SORT_RADIX_KEY(v[i]);
	}
	uint64_t varying = or_all ^ and_all;
	struct sort_item *src = v, *dst = tmp;
	for (int shift = 0; shift < (by_chunk ? 32 : 64); shift += 8) {
		if (((varying >> shift) & 0xff) == 0)
			continue;
		int64_t count[257] = {0};
		for (int64_t i = 0; i < n; i++)
			count[((SORT_RADIX_KEY(src[i]) >> shift) & 0xff) + 1]++;
		for (int b = 0; b < 256; b++)
			count[b + 1] += count[b];
		for (int64_t i = 0; i < n; i++)
			dst[count[(SORT_RADIX_KEY(src[i]) >> shift) & 0xff]++] = src[i];
		struct sort_item *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, sizeof *v * (size_t)n);
#undef SORT_RADIX_KEY
}

/* sort_radix_on(v, tmp, n, false), out of line. */
void sort_radix(struct sort_item *v, struct sort_item *tmp, int64_t n);

#endif
