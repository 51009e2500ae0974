/*
 * list.c: list values - copying, comparing, hashing and text.
 */
#include "core/list.h"
#include "core/datetime.h"
#include "core/hash.h"

#include <string.h>

/* Storage for empty lists: `data` must never be NULL (memcpy and friends
 * may not be given NULL even for zero bytes). */
static const uint64_t empty_data[1];

wb_list
list_empty(void)
{
	wb_list l = {empty_data, NULL, 0};
	return l;
}

void
list_get(wb_list l, wb_type elem, uint32_t i, struct wb_value *out)
{
	memset(out, 0, sizeof *out);
	out->type = elem;
	out->is_null = elem == WB_TYPE_NULL || list_is_null_at(l, i);
	if (out->is_null)
		return;
	const void *p = list_at(l, elem, i);
	switch (elem) {
	case WB_TYPE_BOOL: out->u.b = *(const uint8_t *)p != 0; break;
	case WB_TYPE_DOUBLE: memcpy(&out->u.d, p, 8); break;
	case WB_TYPE_VARCHAR: memcpy(&out->u.s, p, sizeof(wb_str)); break;
	default: memcpy(&out->u.i, p, 8); break;
	}
}

static inline size_t
round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

wb_list
list_alloc(struct arena *a, wb_type elem, uint32_t n, bool want_nulls, void **data, uint8_t **nulls)
{
	size_t dsz = round8((size_t)n * type_size(elem));
	char *p = arena_alloc(a, dsz + (want_nulls ? n : 0) + 1);
	wb_list l = {p, NULL, n};
	*data = p;
	if (want_nulls) {
		*nulls = (uint8_t *)p + dsz;
		memset(*nulls, 0, n);
		l.nulls = *nulls;
	} else {
		*nulls = NULL;
	}
	return l;
}

size_t
list_copy_size(wb_list l, wb_type elem)
{
	size_t sz = round8((size_t)l.n * type_size(elem)) + round8(l.nulls ? l.n : 0);
	if (elem == WB_TYPE_VARCHAR) {
		const wb_str *s = l.data;
		for (uint32_t i = 0; i < l.n; i++)
			if (!list_is_null_at(l, i))
				sz += s[i].n;
	}
	return sz ? sz : 8;
}

wb_list
list_copy_to(void *buf, wb_list l, wb_type elem)
{
	char *p = buf;
	size_t dsz = (size_t)l.n * type_size(elem);
	wb_list r = {p, NULL, l.n};
	if (dsz)
		memcpy(p, l.data, dsz);
	p += round8(dsz);
	if (l.nulls) {
		memcpy(p, l.nulls, l.n);
		r.nulls = (const uint8_t *)p;
		p += round8(l.n);
	}
	if (elem == WB_TYPE_VARCHAR) {
		wb_str *s = (wb_str *)buf;
		for (uint32_t i = 0; i < l.n; i++) {
			if (list_is_null_at(l, i) || s[i].n == 0) {
				s[i] = (wb_str){"", 0};
				continue;
			}
			memcpy(p, s[i].p, s[i].n);
			s[i].p = p;
			p += s[i].n;
		}
	}
	return r;
}

wb_list
list_copy(struct arena *a, wb_list l, wb_type elem)
{
	return list_copy_to(arena_alloc(a, list_copy_size(l, elem)), l, elem);
}

static inline double
rd_f64(const void *p)
{
	double d;
	memcpy(&d, p, 8);
	return d;
}

static inline int64_t
rd_i64(const void *p)
{
	int64_t x;
	memcpy(&x, p, 8);
	return x;
}

bool
list_elem_eq(wb_type elem, const void *a, const void *b)
{
	switch (elem) {
	case WB_TYPE_NULL: return true;
	case WB_TYPE_BOOL: return *(const uint8_t *)a == *(const uint8_t *)b;
	case WB_TYPE_DOUBLE: {
		double x = rd_f64(a), y = rd_f64(b);
		return x == y || (x != x && y != y);
	}
	case WB_TYPE_VARCHAR: return wb_str_eq(*(const wb_str *)a, *(const wb_str *)b);
	default: return rd_i64(a) == rd_i64(b);
	}
}

int
list_elem_cmp(wb_type elem, const void *a, const void *b)
{
	switch (elem) {
	case WB_TYPE_NULL: return 0;
	case WB_TYPE_BOOL: return (int)*(const uint8_t *)a - (int)*(const uint8_t *)b;
	case WB_TYPE_DOUBLE: {
		double x = rd_f64(a), y = rd_f64(b);
		if (x != x)
			return y != y ? 0 : 1;
		if (y != y)
			return -1;
		return (x > y) - (x < y);
	}
	case WB_TYPE_VARCHAR: return wb_str_cmp(*(const wb_str *)a, *(const wb_str *)b);
	default: {
		int64_t x = rd_i64(a), y = rd_i64(b);
		return (x > y) - (x < y);
	}
	}
}

uint64_t
list_elem_hash(wb_type elem, const void *a)
{
	switch (elem) {
	case WB_TYPE_NULL: return HASH_NULL;
	case WB_TYPE_BOOL: return hash_u64(*(const uint8_t *)a);
	case WB_TYPE_DOUBLE: return hash_double(rd_f64(a));
	case WB_TYPE_VARCHAR: {
		const wb_str *s = a;
		return hash_bytes(s->p, s->n);
	}
	default: return hash_u64((uint64_t)rd_i64(a));
	}
}

bool
list_eq(wb_list a, wb_list b, wb_type elem)
{
	if (a.n != b.n)
		return false;
	size_t sz = type_size(elem);
	for (uint32_t i = 0; i < a.n; i++) {
		bool na = elem == WB_TYPE_NULL || list_is_null_at(a, i);
		bool nb = elem == WB_TYPE_NULL || list_is_null_at(b, i);
		if (na || nb) {
			if (na != nb)
				return false;
			continue;
		}
		if (!list_elem_eq(elem, (const char *)a.data + i * sz, (const char *)b.data + i * sz))
			return false;
	}
	return true;
}

int
list_cmp(wb_list a, wb_list b, wb_type elem)
{
	uint32_t m = a.n < b.n ? a.n : b.n;
	size_t sz = type_size(elem);
	for (uint32_t i = 0; i < m; i++) {
		bool na = elem == WB_TYPE_NULL || list_is_null_at(a, i);
		bool nb = elem == WB_TYPE_NULL || list_is_null_at(b, i);
		if (na || nb) {
			if (na != nb)
				return na ? -1 : 1;
			continue;
		}
		int c = list_elem_cmp(elem, (const char *)a.data + i * sz, (const char *)b.data + i * sz);
		if (c)
			return c < 0 ? -1 : 1;
	}
	return (a.n > b.n) - (a.n < b.n);
}

uint64_t
list_hash(wb_list l, wb_type elem)
{
	uint64_t h = hash_u64(UINT64_C(0x6c697374) ^ l.n);
	size_t sz = type_size(elem);
	for (uint32_t i = 0; i < l.n; i++) {
		bool isnull = elem == WB_TYPE_NULL || list_is_null_at(l, i);
		h = hash_combine(h, isnull ? HASH_NULL : list_elem_hash(elem, (const char *)l.data + i * sz));
	}
	return h;
}

void
list_format_elem(wb_list l, wb_type elem, uint32_t i, struct strbuf *out)
{
	struct wb_value v;
	list_get(l, elem, i, &v);
	value_format(&v, out, "null");
}

void
list_format(wb_list l, wb_type elem, struct strbuf *out)
{
	sb_putc(out, '[');
	for (uint32_t i = 0; i < l.n; i++) {
		if (i)
			sb_add(out, ", ", 2);
		list_format_elem(l, elem, i, out);
	}
	sb_putc(out, ']');
}
