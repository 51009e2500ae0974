/*
 * pq_thrift: the Thrift compact protocol, as Parquet footers and page
 * headers use it (structs, lists, binary, zigzag varints; maps and sets are
 * only skipped). Written from the protocol description in Apache Thrift's
 * doc/specs/thrift-compact-protocol.md.
 */
#include "store/parquet/pq_int.h"

#include <string.h>

void
pq_tin_init(struct pq_tin *t, const void *p, size_t n)
{
	t->p = p;
	t->end = t->p + n;
	t->depth = 0;
	t->err = NULL;
}

void
pq_tin_fail(struct pq_tin *t, const char *why)
{
	if (t->err == NULL)
		t->err = why;
	t->p = t->end;   /* everything after an error reads as end of input */
}

bool
pq_tin_enter(struct pq_tin *t)
{
	if (++t->depth > PQ_THRIFT_MAX_DEPTH) {
		pq_tin_fail(t, "structures nested too deeply");
		return false;
	}
	return t->err == NULL;
}

void
pq_tin_leave(struct pq_tin *t)
{
	t->depth--;
}

uint64_t
pq_tin_uvarint(struct pq_tin *t)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 70; shift += 7) {
		if (t->p >= t->end) {
			pq_tin_fail(t, "truncated");
			return 0;
		}
		uint8_t b = *t->p++;
		if (shift == 63 && (b & 0x7e)) {
			pq_tin_fail(t, "varint too long");
			return 0;
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	pq_tin_fail(t, "varint too long");
	return 0;
}

int64_t
pq_tin_i64(struct pq_tin *t)
{
	uint64_t u = pq_tin_uvarint(t);
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

int32_t
pq_tin_i32(struct pq_tin *t)
{
	int64_t v = pq_tin_i64(t);
	if (v < INT32_MIN || v > INT32_MAX) {
		pq_tin_fail(t, "32-bit integer out of range");
		return 0;
	}
	return (int32_t)v;
}

int8_t
pq_tin_i8(struct pq_tin *t)
{
	if (t->p >= t->end) {
		pq_tin_fail(t, "truncated");
		return 0;
	}
	return (int8_t)*t->p++;
}

double
pq_tin_double(struct pq_tin *t)
{
	double d = 0;
	if (t->end - t->p < 8) {
		pq_tin_fail(t, "truncated");
		return 0;
	}
	/* little endian on the wire (and on every machine wb runs on) */
	memcpy(&d, t->p, 8);
	t->p += 8;
	return d;
}

bool
pq_tin_binary(struct pq_tin *t, const uint8_t **p, uint32_t *n)
{
	uint64_t len = pq_tin_uvarint(t);
	if (t->err)
		return false;
	if (len > (uint64_t)(t->end - t->p)) {
		pq_tin_fail(t, "truncated (a string runs past the end)");
		return false;
	}
	*p = t->p;
	*n = (uint32_t)len;
	t->p += len;
	return true;
}

bool
pq_tin_field(struct pq_tin *t, int *last, int *id, int *type)
{
	if (t->p >= t->end) {
		pq_tin_fail(t, "truncated (a struct has no end)");
		return false;
	}
	uint8_t b = *t->p++;
	if (b == PQ_TT_STOP)
		return false;
	int ty = b & 0x0f, delta = b >> 4;
	if (delta)
		*id = *last + delta;
	else
		*id = pq_tin_i32(t);
	if (ty > PQ_TT_UUID) {
		pq_tin_fail(t, "unknown field type");
		return false;
	}
	if (t->err)
		return false;
	*last = *id;
	*type = ty;
	return true;
}

int
pq_tin_list(struct pq_tin *t, int *etype)
{
	if (t->p >= t->end) {
		pq_tin_fail(t, "truncated");
		return -1;
	}
	uint8_t b = *t->p++;
	uint64_t n = b >> 4;
	*etype = b & 0x0f;
	if (n == 15)
		n = pq_tin_uvarint(t);
	if (t->err)
		return -1;
	/* every element takes at least one byte */
	if (n > (uint64_t)(t->end - t->p) || n > INT32_MAX) {
		pq_tin_fail(t, "list longer than its data");
		return -1;
	}
	if (*etype == PQ_TT_STOP || *etype > PQ_TT_UUID) {
		pq_tin_fail(t, "unknown list element type");
		return -1;
	}
	return (int)n;
}

bool
pq_tin_bool_elem(struct pq_tin *t)
{
	return pq_tin_i8(t) == 1;
}

bool
pq_tin_bool_field(struct pq_tin *t, int type)
{
	if (type == PQ_TT_TRUE)
		return true;
	if (type != PQ_TT_FALSE)
		pq_tin_fail(t, "a bool field has another type");
	return false;
}

void
pq_tin_skip(struct pq_tin *t, int type)
{
	const uint8_t *p;
	uint32_t n;
	int et, kt, last = 0, id, ft;

	if (t->err)
		return;
	switch (type) {
	case PQ_TT_TRUE:
	case PQ_TT_FALSE:
		/* as a field: no payload; as an element the caller used bool_elem */
		break;
	case PQ_TT_I8:
		pq_tin_i8(t);
		break;
	case PQ_TT_I16:
	case PQ_TT_I32:
	case PQ_TT_I64:
		pq_tin_uvarint(t);
		break;
	case PQ_TT_DOUBLE:
		pq_tin_double(t);
		break;
	case PQ_TT_BINARY:
		pq_tin_binary(t, &p, &n);
		break;
	case PQ_TT_UUID:
		if (t->end - t->p < 16)
			pq_tin_fail(t, "truncated");
		else
			t->p += 16;
		break;
	case PQ_TT_LIST:
	case PQ_TT_SET: {
		int cnt = pq_tin_list(t, &et);
		if (!pq_tin_enter(t))
			break;
		for (int i = 0; i < cnt && !t->err; i++) {
			if (et == PQ_TT_TRUE || et == PQ_TT_FALSE)
				pq_tin_i8(t);
			else
				pq_tin_skip(t, et);
		}
		pq_tin_leave(t);
		break;
	}
	case PQ_TT_MAP: {
		uint64_t cnt = pq_tin_uvarint(t);
		if (t->err || cnt == 0)
			break;
		if (cnt > (uint64_t)(t->end - t->p)) {
			pq_tin_fail(t, "map longer than its data");
			break;
		}
		uint8_t kv = (uint8_t)pq_tin_i8(t);
		kt = kv >> 4;
		et = kv & 0x0f;
		if (kt == PQ_TT_STOP || et == PQ_TT_STOP || kt > PQ_TT_UUID || et > PQ_TT_UUID) {
			pq_tin_fail(t, "unknown map element type");
			break;
		}
		if (!pq_tin_enter(t))
			break;
		for (uint64_t i = 0; i < cnt && !t->err; i++) {
			if (kt == PQ_TT_TRUE || kt == PQ_TT_FALSE)
				pq_tin_i8(t);
			else
				pq_tin_skip(t, kt);
			if (et == PQ_TT_TRUE || et == PQ_TT_FALSE)
				pq_tin_i8(t);
			else
				pq_tin_skip(t, et);
		}
		pq_tin_leave(t);
		break;
	}
	case PQ_TT_STRUCT:
		if (!pq_tin_enter(t))
			break;
		while (pq_tin_field(t, &last, &id, &ft))
			pq_tin_skip(t, ft);
		pq_tin_leave(t);
		break;
	default:
		pq_tin_fail(t, "unknown type");
	}
}

/* ------------------------------------------------------------ writer */

void
pq_tout_init(struct pq_tout *t, struct strbuf *b)
{
	t->b = b;
	t->depth = 0;
	t->last[0] = 0;
}

static void
put_byte(struct pq_tout *t, uint8_t c)
{
	sb_putc(t->b, (char)c);
}

void
pq_tout_uvarint(struct pq_tout *t, uint64_t v)
{
	char buf[10];
	int n = 0;
	while (v >= 0x80) {
		buf[n++] = (char)(v | 0x80);
		v >>= 7;
	}
	buf[n++] = (char)v;
	sb_add(t->b, buf, (size_t)n);
}

void
pq_tout_zigzag(struct pq_tout *t, int64_t v)
{
	pq_tout_uvarint(t, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void
pq_tout_begin(struct pq_tout *t)
{
	t->last[++t->depth] = 0;
}

void
pq_tout_end(struct pq_tout *t)
{
	put_byte(t, PQ_TT_STOP);
	t->depth--;
}

void
pq_tout_field(struct pq_tout *t, int id, int type)
{
	int delta = id - t->last[t->depth];
	if (delta > 0 && delta <= 15) {
		put_byte(t, (uint8_t)(delta << 4 | type));
	} else {
		put_byte(t, (uint8_t)type);
		pq_tout_zigzag(t, id);
	}
	t->last[t->depth] = id;
}

void
pq_tout_struct(struct pq_tout *t, int id)
{
	pq_tout_field(t, id, PQ_TT_STRUCT);
	pq_tout_begin(t);
}

void
pq_tout_elem_struct(struct pq_tout *t)
{
	pq_tout_begin(t);
}

void
pq_tout_i32(struct pq_tout *t, int id, int32_t v)
{
	pq_tout_field(t, id, PQ_TT_I32);
	pq_tout_zigzag(t, v);
}

void
pq_tout_i64(struct pq_tout *t, int id, int64_t v)
{
	pq_tout_field(t, id, PQ_TT_I64);
	pq_tout_zigzag(t, v);
}

void
pq_tout_i8(struct pq_tout *t, int id, int8_t v)
{
	pq_tout_field(t, id, PQ_TT_I8);
	put_byte(t, (uint8_t)v);
}

void
pq_tout_bool(struct pq_tout *t, int id, bool v)
{
	pq_tout_field(t, id, v ? PQ_TT_TRUE : PQ_TT_FALSE);
}

void
pq_tout_double(struct pq_tout *t, int id, double v)
{
	char buf[8];
	pq_tout_field(t, id, PQ_TT_DOUBLE);
	memcpy(buf, &v, 8);
	sb_add(t->b, buf, 8);
}

void
pq_tout_elem_binary(struct pq_tout *t, const void *p, size_t n)
{
	pq_tout_uvarint(t, n);
	if (n)
		sb_add(t->b, p, n);
}

void
pq_tout_binary(struct pq_tout *t, int id, const void *p, size_t n)
{
	pq_tout_field(t, id, PQ_TT_BINARY);
	pq_tout_elem_binary(t, p, n);
}

void
pq_tout_string(struct pq_tout *t, int id, const char *s)
{
	pq_tout_binary(t, id, s, strlen(s));
}

void
pq_tout_list(struct pq_tout *t, int id, int etype, int n)
{
	pq_tout_field(t, id, PQ_TT_LIST);
	if (n < 15) {
		put_byte(t, (uint8_t)(n << 4 | etype));
	} else {
		put_byte(t, (uint8_t)(0xf0 | etype));
		pq_tout_uvarint(t, (uint64_t)n);
	}
}
