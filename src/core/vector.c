#include "core/vector.h"
#include "core/list.h"
#include "core/xmalloc.h"

#include <stdatomic.h>
#include <stdlib.h>

static _Atomic uint64_t dict_ids = 1;

uint64_t
dict_next_id(void)
{
	return atomic_fetch_add(&dict_ids, 1);
}

static size_t
buf_bytes(wb_type t)
{
	size_t s = type_size(t);
	if (s < sizeof(uint32_t))
		s = sizeof(uint32_t);
	return s * WB_VEC_SIZE;
}

void
vec_init(struct vec *v, wb_type t)
{
	memset(v, 0, sizeof *v);
	v->type = t;
	v->kind = VEC_FLAT;
}

void
vec_free(struct vec *v)
{
	free(v->buf);
	free(v->nullbuf);
	arena_free(v->heap);
	memset(v, 0, sizeof *v);
}

void
vec_reset(struct vec *v)
{
	if (v->buf == NULL)
		v->buf = xmalloc(buf_bytes(v->type));
	v->kind = VEC_FLAT;
	v->data = v->buf;
	v->nulls = NULL;
	v->dict = NULL;
	v->n = 0;
	if (v->heap != NULL && v->heap->total > 0)
		arena_reset(v->heap);
}

void
vec_retype(struct vec *v, wb_type t)
{
	if (buf_bytes(t) > buf_bytes(v->type)) {
		free(v->buf);
		v->buf = NULL;
	}
	v->type = t;
	vec_reset(v);
}

uint8_t *
vec_nulls_writable(struct vec *v)
{
	if (v->nullbuf == NULL)
		v->nullbuf = xmalloc(WB_VEC_SIZE);
	if (v->nulls != v->nullbuf) {
		if (v->nulls != NULL)
			memcpy(v->nullbuf, v->nulls, v->kind == VEC_CONST ? 1 : (size_t)v->n);
		else
			memset(v->nullbuf, 0, WB_VEC_SIZE);
		v->nulls = v->nullbuf;
	}
	return v->nulls;
}

void
vec_set_null(struct vec *v, int i)
{
	vec_nulls_writable(v)[i] = 1;
	/* kernels that read every slot (length, hash) must not meet a
	 * garbage string under a NULL */
	if (v->type == WB_TYPE_VARCHAR && v->kind == VEC_FLAT && v->data != NULL)
		vec_str(v)[i] = (wb_str){0};
}

char *
vec_str_alloc(struct vec *v, size_t n)
{
	if (v->heap == NULL)
		v->heap = arena_new(64 * 1024);
	return arena_alloc(v->heap, n ? n : 1);
}

wb_list
vec_list_alloc(struct vec *v, wb_type elem, uint32_t n, bool want_nulls, void **data, uint8_t **nulls)
{
	if (v->heap == NULL)
		v->heap = arena_new(64 * 1024);
	return list_alloc(v->heap, elem, n, want_nulls, data, nulls);
}

wb_str
vec_str_copy(struct vec *v, const char *p, size_t n)
{
	char *d = vec_str_alloc(v, n);
	memcpy(d, p, n);
	wb_str s = {d, (uint32_t)n};
	return s;
}

void
vec_set_const(struct vec *v, const struct wb_value *val, int n)
{
	vec_reset(v);
	v->kind = VEC_CONST;
	v->n = n;
	if (val->is_null || val->type == WB_TYPE_NULL) {
		vec_nulls_writable(v)[0] = 1;
		memset(v->data, 0, type_size(v->type));
		if (type_is_list(v->type))
			vec_list(v)[0] = list_empty();
		return;
	}
	switch (v->type) {
	case WB_TYPE_BOOL: vec_bool(v)[0] = val->u.b; break;
	case WB_TYPE_DOUBLE: vec_f64(v)[0] = val->type == WB_TYPE_BIGINT ? (double)val->u.i : val->u.d; break;
	case WB_TYPE_VARCHAR: vec_str(v)[0] = val->u.s; break;
	case WB_TYPE_INTERVAL: vec_iv(v)[0] = val->u.iv; break;
	default:
		if (type_is_list(v->type))
			vec_list(v)[0] = val->u.l;
		else
			vec_i64(v)[0] = val->u.i;
		break;
	}
}

size_t
vec_elem_size(const struct vec *v)
{
	return v->kind == VEC_DICT ? sizeof(uint32_t) : type_size(v->type);
}

void
vec_flatten(struct vec *v)
{
	int n = v->n;
	if (v->kind == VEC_FLAT)
		return;
	if (v->buf == NULL)
		v->buf = xmalloc(buf_bytes(v->type));
	if (v->kind == VEC_CONST) {
		size_t sz = type_size(v->type);
		bool isnull = v->nulls != NULL && v->nulls[0];
		/* data may already be buf (own const); copy the value out first */
		union {
			wb_interval iv;
			wb_str s;
			wb_list l;
			int64_t i;
		} val;
		memcpy(&val, v->data, sz);
		unsigned char *d = v->buf;
		if (sz == 8) {
			int64_t x;
			memcpy(&x, &val, 8);
			for (int i = 0; i < n; i++)
				((int64_t *)d)[i] = x;
		} else {
			for (int i = 0; i < n; i++)
				memcpy(d + (size_t)i * sz, &val, sz);
		}
		v->data = v->buf;
		v->kind = VEC_FLAT;
		if (isnull) {
			if (v->nullbuf == NULL)
				v->nullbuf = xmalloc(WB_VEC_SIZE);
			memset(v->nullbuf, 1, (size_t)n);
			v->nulls = v->nullbuf;
		} else {
			v->nulls = NULL;
		}
		return;
	}
	/* DICT -> FLAT. If codes live in buf we must not overwrite them while
	 * reading: wb_str is wider than a code, so walk backwards. */
	const uint32_t *codes = v->data;
	wb_str *out = v->buf;
	const wb_str *dv = v->dict->vals;
	for (int i = n - 1; i >= 0; i--)
		out[i] = dv[codes[i]];
	v->data = v->buf;
	v->kind = VEC_FLAT;
	v->dict = NULL;
}

void
vec_ref(struct vec *dst, const struct vec *src)
{
	dst->type = src->type;
	dst->kind = src->kind;
	dst->n = src->n;
	dst->data = src->data;
	dst->nulls = src->nulls;
	dst->dict = src->dict;
}

void
vec_gather(struct vec *dst, const struct vec *src, const uint32_t *sel, int n)
{
	vec_reset(dst);
	dst->n = n;
	if (src->kind == VEC_CONST) {
		size_t sz = type_size(src->type);
		memcpy(dst->data, src->data, sz);
		dst->kind = VEC_CONST;
		if (src->nulls && src->nulls[0])
			vec_nulls_writable(dst)[0] = 1;
		return;
	}
	size_t sz = vec_elem_size(src);
	if (src->kind == VEC_DICT) {
		dst->kind = VEC_DICT;
		dst->dict = src->dict;
	}
	if (sel == NULL) {
		memcpy(dst->data, src->data, sz * (size_t)n);
		if (src->nulls) {
			memcpy(vec_nulls_writable(dst), src->nulls, (size_t)n);
		}
		return;
	}
	switch (sz) {
	case 1: {
		const uint8_t *s = src->data;
		uint8_t *d = dst->data;
		for (int i = 0; i < n; i++)
			d[i] = s[sel[i]];
		break;
	}
	case 4: {
		const uint32_t *s = src->data;
		uint32_t *d = dst->data;
		for (int i = 0; i < n; i++)
			d[i] = s[sel[i]];
		break;
	}
	case 8: {
		const int64_t *s = src->data;
		int64_t *d = dst->data;
		for (int i = 0; i < n; i++)
			d[i] = s[sel[i]];
		break;
	}
	case 16: {
		const wb_str *s = src->data;
		wb_str *d = dst->data;
		for (int i = 0; i < n; i++)
			d[i] = s[sel[i]];
		break;
	}
	default: {
		const char *s = src->data;
		char *d = dst->data;
		for (int i = 0; i < n; i++)
			memcpy(d + (size_t)i * sz, s + (size_t)sel[i] * sz, sz);
	}
	}
	if (src->nulls) {
		uint8_t *dn = vec_nulls_writable(dst);
		bool any = false;
		for (int i = 0; i < n; i++) {
			dn[i] = src->nulls[sel[i]];
			any |= dn[i];
		}
		if (!any)
			dst->nulls = NULL;
	}
}

void
vec_get(const struct vec *v, int i, struct wb_value *out)
{
	int k = v->kind == VEC_CONST ? 0 : i;
	out->type = v->type;
	out->is_null = v->nulls != NULL && v->nulls[k];
	if (out->is_null)
		return;
	switch (v->type) {
	case WB_TYPE_BOOL: out->u.b = vec_bool(v)[k] != 0; break;
	case WB_TYPE_DOUBLE: out->u.d = vec_f64(v)[k]; break;
	case WB_TYPE_VARCHAR: out->u.s = vec_str_at(v, i); break;
	case WB_TYPE_INTERVAL: out->u.iv = vec_iv(v)[k]; break;
	case WB_TYPE_NULL: out->is_null = true; break;
	default:
		if (type_is_list(v->type))
			out->u.l = vec_list(v)[k];
		else
			out->u.i = vec_i64(v)[k];
		break;
	}
}

bool
vec_has_nulls(const struct vec *v)
{
	if (v->nulls == NULL)
		return false;
	if (v->kind == VEC_CONST)
		return v->nulls[0] != 0;
	for (int i = 0; i < v->n; i++)
		if (v->nulls[i])
			return true;
	return false;
}

int
wb_str_cmp(wb_str a, wb_str b)
{
	uint32_t m = a.n < b.n ? a.n : b.n;
	int c = m ? memcmp(a.p, b.p, m) : 0;
	if (c != 0)
		return c;
	return a.n < b.n ? -1 : a.n > b.n;
}

void
chunk_init(struct chunk *c, int ncol, const wb_type *types)
{
	c->ncol = ncol;
	c->n = 0;
	c->seq = 0;
	c->cols = xcalloc((size_t)(ncol ? ncol : 1), sizeof(struct vec));
	for (int i = 0; i < ncol; i++)
		vec_init(&c->cols[i], types ? types[i] : WB_TYPE_NULL);
}

void
chunk_free(struct chunk *c)
{
	for (int i = 0; i < c->ncol; i++)
		vec_free(&c->cols[i]);
	free(c->cols);
	c->cols = NULL;
	c->ncol = 0;
}

void
chunk_reset(struct chunk *c)
{
	for (int i = 0; i < c->ncol; i++)
		vec_reset(&c->cols[i]);
	c->n = 0;
}
