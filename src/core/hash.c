#include "core/hash.h"
#include "core/list.h"

#include <string.h>

static inline uint64_t
rd64(const unsigned char *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
	return x;
}

/*
 * Two independent lanes of multiply-xorshift over 8-byte words (so the two
 * multiplications per 16 bytes overlap), a length-tagged tail, then the
 * 64-bit finaliser. Written for short keys (brands, UUIDs, codes).
 */
uint64_t
hash_bytes(const void *data, size_t n)
{
	const unsigned char *p = data;
	const uint64_t k1 = UINT64_C(0x9e3779b97f4a7c15), k2 = UINT64_C(0xc2b2ae3d27d4eb4f);
	uint64_t a = (uint64_t)n * k2, b = UINT64_C(0x165667b19e3779f9);
	while (n >= 16) {
		a = (a ^ rd64(p)) * k1;
		b = (b ^ rd64(p + 8)) * k2;
		a ^= a >> 31;
		b ^= b >> 29;
		p += 16;
		n -= 16;
	}
	if (n >= 8) {
		a = (a ^ rd64(p)) * k1;
		a ^= a >> 31;
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		uint64_t t = 0;
		memcpy(&t, p, n);
		b = (b ^ t ^ ((uint64_t)n << 59)) * k2;
	}
	return hash_u64(a ^ (b * k1));
}

uint64_t
hash_double(double d)
{
	uint64_t x;
	if (d == 0)
		d = 0; /* -0.0 and 0.0 hash alike */
	if (d != d)
		return UINT64_C(0x7ff8000000000000);
	memcpy(&x, &d, 8);
	return hash_u64(x);
}

static inline uint64_t
hash_str(wb_str s)
{
	return hash_bytes(s.p, s.n);
}

void
hash_vec(const struct vec *v, int n, uint64_t *h, int combine)
{
	const uint8_t *nulls = v->nulls;
	/* combining: a NULL row's result must not depend on the (unspecified)
	 * value under it, so compute it before the value loops overwrite h */
	uint64_t nullh[WB_VEC_SIZE];
	if (nulls && combine && v->kind != VEC_CONST)
		for (int i = 0; i < n && i < WB_VEC_SIZE; i++)
			if (nulls[i])
				nullh[i] = hash_combine(h[i], HASH_NULL);
	if (v->kind == VEC_CONST) {
		struct wb_value val;
		uint64_t x;
		vec_get(v, 0, &val);
		if (val.is_null)
			x = HASH_NULL;
		else if (v->type == WB_TYPE_VARCHAR)
			x = hash_str(val.u.s);
		else if (v->type == WB_TYPE_DOUBLE)
			x = hash_double(val.u.d);
		else if (v->type == WB_TYPE_BOOL)
			x = hash_u64(val.u.b);
		else if (v->type == WB_TYPE_INTERVAL)
			x = hash_bytes(&val.u.iv, sizeof val.u.iv);
		else if (type_is_list(v->type))
			x = list_hash(val.u.l, type_list_elem(v->type));
		else
			x = hash_u64((uint64_t)val.u.i);
		for (int i = 0; i < n; i++)
			h[i] = combine ? hash_combine(h[i], x) : x;
		return;
	}
	switch (v->type) {
	case WB_TYPE_VARCHAR:
		if (v->kind == VEC_DICT) {
			const uint32_t *c = v->data;
			const wb_str *dv = v->dict->vals;
			const uint64_t *dh = v->dict->hashes;
			if (dh && !combine) {
				for (int i = 0; i < n; i++)
					h[i] = dh[c[i]];
			} else if (dh) {
				for (int i = 0; i < n; i++)
					h[i] = hash_combine(h[i], dh[c[i]]);
			} else {
				for (int i = 0; i < n; i++) {
					uint64_t x = hash_str(dv[c[i]]);
					h[i] = combine ? hash_combine(h[i], x) : x;
				}
			}
		} else {
			const wb_str *s = v->data;
			for (int i = 0; i < n; i++) {
				uint64_t x = hash_str(s[i]);
				h[i] = combine ? hash_combine(h[i], x) : x;
			}
		}
		break;
	case WB_TYPE_DOUBLE: {
		const double *d = v->data;
		for (int i = 0; i < n; i++) {
			uint64_t x = hash_double(d[i]);
			h[i] = combine ? hash_combine(h[i], x) : x;
		}
		break;
	}
	case WB_TYPE_BOOL: {
		const uint8_t *b = v->data;
		for (int i = 0; i < n; i++) {
			uint64_t x = hash_u64(b[i]);
			h[i] = combine ? hash_combine(h[i], x) : x;
		}
		break;
	}
	case WB_TYPE_INTERVAL: {
		const wb_interval *iv = v->data;
		for (int i = 0; i < n; i++) {
			uint64_t x = hash_bytes(&iv[i], sizeof iv[i]);
			h[i] = combine ? hash_combine(h[i], x) : x;
		}
		break;
	}
	case WB_TYPE_NULL:
		for (int i = 0; i < n; i++)
			h[i] = combine ? hash_combine(h[i], HASH_NULL) : HASH_NULL;
		return;
	default: {
		if (type_is_list(v->type)) {
			const wb_list *l = v->data;
			wb_type et = type_list_elem(v->type);
			for (int i = 0; i < n; i++) {
				uint64_t x = nulls && nulls[i] ? HASH_NULL : list_hash(l[i], et);
				h[i] = combine ? hash_combine(h[i], x) : x;
			}
			break;
		}
		const int64_t *d = v->data;
		if (combine)
			for (int i = 0; i < n; i++)
				h[i] = hash_combine(h[i], hash_u64((uint64_t)d[i]));
		else
			for (int i = 0; i < n; i++)
				h[i] = hash_u64((uint64_t)d[i]);
	}
	}
	if (nulls) {
		for (int i = 0; i < n && i < WB_VEC_SIZE; i++)
			if (nulls[i])
				h[i] = combine ? nullh[i] : HASH_NULL;
	}
}
