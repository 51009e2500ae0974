/*
 * pq_meta: FileMetaData and PageHeader (with the structs inside them)
 * between Thrift compact bytes and the C structs of pq_int.h. Field ids
 * are those of parquet-format's parquet.thrift.
 *
 * Decoding is lenient where that is safe and strict where it matters: a
 * field with an unexpected wire type or an unknown id is skipped, integer
 * fields accept any integer wire type (range-checked), and only the fields
 * a reader cannot do without are required.
 */
#include "store/parquet/pq_int.h"
#include "core/xmalloc.h"

#include <string.h>

static bool
is_int(int type)
{
	return type == PQ_TT_I8 || type == PQ_TT_I16 || type == PQ_TT_I32 || type == PQ_TT_I64;
}

static int32_t
get_i32(struct pq_tin *t, int type)
{
	return type == PQ_TT_I8 ? pq_tin_i8(t) : pq_tin_i32(t);
}

static int64_t
get_i64(struct pq_tin *t, int type)
{
	return type == PQ_TT_I8 ? pq_tin_i8(t) : pq_tin_i64(t);
}

static char *
get_str(struct pq_tin *t, struct arena *a)
{
	const uint8_t *p;
	uint32_t n;
	if (!pq_tin_binary(t, &p, &n))
		return arena_strdup(a, "");
	return arena_strndup(a, (const char *)p, n);
}

static void
get_bin(struct pq_tin *t, struct pq_bin *b)
{
	b->set = pq_tin_binary(t, &b->p, &b->n);
}

/* Skip the rest of a struct whose first fields were read. */
#define FIELDS(t, last, id, type) \
	int last = 0, id, type; \
	if (!pq_tin_enter(t)) \
		return; \
	while (pq_tin_field(t, &last, &id, &type))

static void
decode_stats(struct pq_tin *t, struct pq_stats *s)
{
	memset(s, 0, sizeof *s);
	s->max_exact = s->min_exact = -1;
	FIELDS(t, last, id, type) {
		if (type == PQ_TT_BINARY && id >= 1 && id <= 6 && id != 3 && id != 4) {
			get_bin(t, id == 1 ? &s->max : id == 2 ? &s->min : id == 5 ? &s->max_value : &s->min_value);
		} else if (id == 3 && is_int(type)) {
			s->null_count = get_i64(t, type);
			s->has_null_count = true;
		} else if (id == 4 && is_int(type)) {
			s->distinct_count = get_i64(t, type);
			s->has_distinct_count = true;
		} else if (id == 9 && is_int(type)) {
			s->nan_count = get_i64(t, type);
			s->has_nan_count = true;
		} else if ((id == 7 || id == 8) && (type == PQ_TT_TRUE || type == PQ_TT_FALSE)) {
			int8_t v = pq_tin_bool_field(t, type);
			if (id == 7)
				s->max_exact = v;
			else
				s->min_exact = v;
		} else {
			pq_tin_skip(t, type);
		}
	}
	pq_tin_leave(t);
}

static void
decode_time_unit(struct pq_tin *t, int *unit)
{
	FIELDS(t, last, id, type) {
		if (type == PQ_TT_STRUCT && id >= 1 && id <= 3)
			*unit = id;
		pq_tin_skip(t, type);
	}
	pq_tin_leave(t);
}

/* TimestampType / TimeType */
static void
decode_time_type(struct pq_tin *t, struct pq_logical *l)
{
	FIELDS(t, last, id, type) {
		if (id == 1 && (type == PQ_TT_TRUE || type == PQ_TT_FALSE))
			l->utc = pq_tin_bool_field(t, type);
		else if (id == 2 && type == PQ_TT_STRUCT)
			decode_time_unit(t, &l->unit);
		else
			pq_tin_skip(t, type);
	}
	pq_tin_leave(t);
}

static void
decode_decimal_type(struct pq_tin *t, struct pq_logical *l)
{
	FIELDS(t, last, id, type) {
		if (id == 1 && is_int(type))
			l->scale = get_i32(t, type);
		else if (id == 2 && is_int(type))
			l->precision = get_i32(t, type);
		else
			pq_tin_skip(t, type);
	}
	pq_tin_leave(t);
}

static void
decode_int_type(struct pq_tin *t, struct pq_logical *l)
{
	FIELDS(t, last, id, type) {
		if (id == 1 && is_int(type))
			l->bit_width = get_i32(t, type);
		else if (id == 2 && (type == PQ_TT_TRUE || type == PQ_TT_FALSE))
			l->is_signed = pq_tin_bool_field(t, type);
		else
			pq_tin_skip(t, type);
	}
	pq_tin_leave(t);
}

static void
decode_logical(struct pq_tin *t, struct pq_logical *l)
{
	memset(l, 0, sizeof *l);
	l->is_signed = true;
	l->bit_width = 64;
	FIELDS(t, last, id, type) {
		if (type != PQ_TT_STRUCT) {
			pq_tin_skip(t, type);
			continue;
		}
		switch (id) {
		case PQ_LT_DECIMAL:
			l->kind = id;
			decode_decimal_type(t, l);
			break;
		case PQ_LT_TIME:
		case PQ_LT_TIMESTAMP:
			l->kind = id;
			decode_time_type(t, l);
			break;
		case PQ_LT_INTEGER:
			l->kind = id;
			decode_int_type(t, l);
			break;
		case PQ_LT_STRING: case PQ_LT_MAP: case PQ_LT_LIST: case PQ_LT_ENUM: case PQ_LT_DATE:
		case PQ_LT_UNKNOWN: case PQ_LT_JSON: case PQ_LT_BSON: case PQ_LT_UUID: case PQ_LT_FLOAT16:
		case PQ_LT_VARIANT: case PQ_LT_GEOMETRY: case PQ_LT_GEOGRAPHY:
			l->kind = id;
			pq_tin_skip(t, type);
			break;
		default:
			l->kind = PQ_LT_OTHER;
			pq_tin_skip(t, type);
		}
	}
	pq_tin_leave(t);
}

static void
decode_schema_elem(struct pq_tin *t, struct arena *a, struct pq_schema_elem *e, bool *has_name)
{
	memset(e, 0, sizeof *e);
	e->type = e->repetition = e->converted = -1;
	e->type_length = e->num_children = e->scale = e->precision = e->field_id = -1;
	*has_name = false;
	FIELDS(t, last, id, type) {
		if (id == 4 && type == PQ_TT_BINARY) {
			e->name = get_str(t, a);
			*has_name = true;
		} else if (id == 10 && type == PQ_TT_STRUCT) {
			decode_logical(t, &e->logical);
		} else if (id >= 1 && id <= 9 && is_int(type)) {
			int32_t v = get_i32(t, type);
			switch (id) {
			case 1: e->type = v; break;
			case 2: e->type_length = v; break;
			case 3: e->repetition = v; break;
			case 5: e->num_children = v; break;
			case 6: e->converted = v; break;
			case 7: e->scale = v; break;
			case 8: e->precision = v; break;
			case 9: e->field_id = v; break;
			}
		} else {
			pq_tin_skip(t, type);
		}
	}
	pq_tin_leave(t);
}

static void
decode_kv(struct pq_tin *t, struct arena *a, struct pq_kv *kv)
{
	kv->key = NULL;
	kv->value = NULL;
	FIELDS(t, last, id, type) {
		if (id == 1 && type == PQ_TT_BINARY)
			kv->key = get_str(t, a);
		else if (id == 2 && type == PQ_TT_BINARY)
			kv->value = get_str(t, a);
		else
			pq_tin_skip(t, type);
	}
	pq_tin_leave(t);
	if (kv->key == NULL)
		kv->key = arena_strdup(a, "");
}

enum {
	CM_TYPE = 1, CM_CODEC = 2, CM_NUM_VALUES = 4, CM_COMPRESSED = 8, CM_DATA_OFFSET = 16,
	CM_REQUIRED = CM_TYPE | CM_CODEC | CM_NUM_VALUES | CM_COMPRESSED | CM_DATA_OFFSET
};

static void
decode_column_meta(struct pq_tin *t, struct arena *a, struct pq_column_meta *m)
{
	int have = 0;
	memset(m, 0, sizeof *m);
	m->index_page_offset = m->dictionary_page_offset = -1;
	m->type = m->codec = -1;
	FIELDS(t, last, id, type) {
		if ((id == 2 || id == 3) && type == PQ_TT_LIST) {
			int et, n = pq_tin_list(t, &et);
			if (n < 0)
				break;
			if (id == 2 && is_int(et)) {
				m->encodings = arena_alloc(a, sizeof(int) * (size_t)(n ? n : 1));
				m->nenc = n;
				for (int i = 0; i < n; i++)
					m->encodings[i] = get_i32(t, et);
			} else if (id == 3 && et == PQ_TT_BINARY) {
				m->path = arena_alloc(a, sizeof(char *) * (size_t)(n ? n : 1));
				m->npath = n;
				for (int i = 0; i < n; i++)
					m->path[i] = get_str(t, a);
			} else {
				for (int i = 0; i < n && !t->err; i++)
					pq_tin_skip(t, et);
			}
		} else if (id == 12 && type == PQ_TT_STRUCT) {
			decode_stats(t, &m->stats);
			m->has_stats = true;
		} else if (is_int(type) && (id == 1 || id == 4 || id == 5 || id == 6 || id == 7 || id == 9 ||
		    id == 10 || id == 11)) {
			int64_t v = get_i64(t, type);
			switch (id) {
			case 1: m->type = (int)v; have |= CM_TYPE; break;
			case 4: m->codec = (int)v; have |= CM_CODEC; break;
			case 5: m->num_values = v; have |= CM_NUM_VALUES; break;
			case 6: m->total_uncompressed_size = v; break;
			case 7: m->total_compressed_size = v; have |= CM_COMPRESSED; break;
			case 9: m->data_page_offset = v; have |= CM_DATA_OFFSET; break;
			case 10: m->index_page_offset = v; break;
			case 11: m->dictionary_page_offset = v; break;
			}
		} else {
			pq_tin_skip(t, type);
		}
	}
	pq_tin_leave(t);
	if ((have & CM_REQUIRED) != CM_REQUIRED)
		pq_tin_fail(t, "column metadata lacks a required field");
}

static void
decode_column_chunk(struct pq_tin *t, struct arena *a, struct pq_column_chunk *c)
{
	memset(c, 0, sizeof *c);
	FIELDS(t, last, id, type) {
		if (id == 1 && type == PQ_TT_BINARY)
			c->file_path = get_str(t, a);
		else if (id == 2 && is_int(type))
			c->file_offset = get_i64(t, type);
		else if (id == 3 && type == PQ_TT_STRUCT) {
			decode_column_meta(t, a, &c->meta);
			c->has_meta = true;
		} else
			pq_tin_skip(t, type);
	}
	pq_tin_leave(t);
}

static void
decode_row_group(struct pq_tin *t, struct arena *a, struct pq_row_group *g)
{
	bool have_cols = false, have_rows = false;
	memset(g, 0, sizeof *g);
	g->file_offset = g->total_compressed_size = -1;
	g->ordinal = -1;
	FIELDS(t, last, id, type) {
		if (id == 1 && type == PQ_TT_LIST) {
			int et, n = pq_tin_list(t, &et);
			if (n < 0)
				break;
			if (et != PQ_TT_STRUCT) {
				pq_tin_fail(t, "row group columns are not structs");
				break;
			}
			g->cols = arena_alloc(a, sizeof *g->cols * (size_t)(n ? n : 1));
			g->ncols = n;
			for (int i = 0; i < n && !t->err; i++)
				decode_column_chunk(t, a, &g->cols[i]);
			have_cols = true;
		} else if (is_int(type) && id >= 2 && id <= 7 && id != 4) {
			int64_t v = get_i64(t, type);
			switch (id) {
			case 2: g->total_byte_size = v; break;
			case 3: g->num_rows = v; have_rows = true; break;
			case 5: g->file_offset = v; break;
			case 6: g->total_compressed_size = v; break;
			case 7: g->ordinal = (int32_t)v; break;
			}
		} else {
			pq_tin_skip(t, type);
		}
	}
	pq_tin_leave(t);
	if (!t->err && (!have_cols || !have_rows))
		pq_tin_fail(t, "a row group lacks its columns or row count");
}

int
pq_meta_decode(const uint8_t *p, size_t n, struct arena *a, struct pq_file_meta *m, const char **why)
{
	struct pq_tin tin, *t = &tin;
	bool have_schema = false, have_rows = false, have_rgs = false;
	int last = 0, id, type;

	memset(m, 0, sizeof *m);
	pq_tin_init(t, p, n);
	pq_tin_enter(t);
	while (pq_tin_field(t, &last, &id, &type)) {
		if ((id == 2 || id == 4 || id == 5 || id == 7) && type == PQ_TT_LIST) {
			int et, cnt = pq_tin_list(t, &et);
			if (cnt < 0)
				break;
			if (et != PQ_TT_STRUCT) {
				for (int i = 0; i < cnt && !t->err; i++)
					pq_tin_skip(t, et);
				continue;
			}
			if (id == 2) {
				m->schema = arena_alloc(a, sizeof *m->schema * (size_t)(cnt ? cnt : 1));
				m->nschema = cnt;
				for (int i = 0; i < cnt && !t->err; i++) {
					bool has_name;
					decode_schema_elem(t, a, &m->schema[i], &has_name);
					if (!has_name && !t->err)
						pq_tin_fail(t, "a schema element has no name");
				}
				have_schema = true;
			} else if (id == 4) {
				m->rgs = arena_alloc(a, sizeof *m->rgs * (size_t)(cnt ? cnt : 1));
				m->nrg = cnt;
				for (int i = 0; i < cnt && !t->err; i++)
					decode_row_group(t, a, &m->rgs[i]);
				have_rgs = true;
			} else if (id == 5) {
				m->kv = arena_alloc(a, sizeof *m->kv * (size_t)(cnt ? cnt : 1));
				m->nkv = cnt;
				for (int i = 0; i < cnt && !t->err; i++)
					decode_kv(t, a, &m->kv[i]);
			} else {
				m->ncolumn_orders = cnt;
				for (int i = 0; i < cnt && !t->err; i++)
					pq_tin_skip(t, et);
			}
		} else if (id == 1 && is_int(type)) {
			m->version = get_i32(t, type);
		} else if (id == 3 && is_int(type)) {
			m->num_rows = get_i64(t, type);
			have_rows = true;
		} else if (id == 6 && type == PQ_TT_BINARY) {
			m->created_by = get_str(t, a);
		} else {
			if (id == 8)
				m->encrypted = true;
			pq_tin_skip(t, type);
		}
	}
	pq_tin_leave(t);
	if (t->err) {
		*why = t->err;
		return -1;
	}
	if (!have_schema || !have_rows || !have_rgs) {
		*why = "the footer lacks the schema, row count or row groups";
		return -1;
	}
	if (m->nschema == 0) {
		*why = "the schema is empty";
		return -1;
	}
	return 0;
}

static void
decode_data_page(struct pq_tin *t, struct pq_page_header *h)
{
	struct pq_data_page *d = &h->data;
	int have = 0;
	FIELDS(t, last, id, type) {
		if (id >= 1 && id <= 4 && is_int(type)) {
			int32_t v = get_i32(t, type);
			have |= 1 << id;
			switch (id) {
			case 1: d->num_values = v; break;
			case 2: d->encoding = v; break;
			case 3: d->def_encoding = v; break;
			case 4: d->rep_encoding = v; break;
			}
		} else if (id == 5 && type == PQ_TT_STRUCT) {
			decode_stats(t, &h->stats);
			h->has_stats = true;
		} else {
			pq_tin_skip(t, type);
		}
	}
	pq_tin_leave(t);
	if (!t->err && (have & 0x6) != 0x6)
		pq_tin_fail(t, "a data page header lacks its value count or encoding");
}

static void
decode_dict_page(struct pq_tin *t, struct pq_page_header *h)
{
	struct pq_dict_page *d = &h->dict;
	int have = 0;
	d->is_sorted = -1;
	FIELDS(t, last, id, type) {
		if ((id == 1 || id == 2) && is_int(type)) {
			int32_t v = get_i32(t, type);
			have |= 1 << id;
			if (id == 1)
				d->num_values = v;
			else
				d->encoding = v;
		} else if (id == 3 && (type == PQ_TT_TRUE || type == PQ_TT_FALSE)) {
			d->is_sorted = pq_tin_bool_field(t, type);
		} else {
			pq_tin_skip(t, type);
		}
	}
	pq_tin_leave(t);
	if (!t->err && (have & 0x6) != 0x6)
		pq_tin_fail(t, "a dictionary page header lacks its value count or encoding");
}

static void
decode_data_page_v2(struct pq_tin *t, struct pq_page_header *h)
{
	struct pq_data_page_v2 *d = &h->v2;
	int have = 0;
	d->is_compressed = true;
	FIELDS(t, last, id, type) {
		if (id >= 1 && id <= 6 && is_int(type)) {
			int32_t v = get_i32(t, type);
			have |= 1 << id;
			switch (id) {
			case 1: d->num_values = v; break;
			case 2: d->num_nulls = v; break;
			case 3: d->num_rows = v; break;
			case 4: d->encoding = v; break;
			case 5: d->def_len = v; break;
			case 6: d->rep_len = v; break;
			}
		} else if (id == 7 && (type == PQ_TT_TRUE || type == PQ_TT_FALSE)) {
			d->is_compressed = pq_tin_bool_field(t, type);
		} else if (id == 8 && type == PQ_TT_STRUCT) {
			decode_stats(t, &h->stats);
			h->has_stats = true;
		} else {
			pq_tin_skip(t, type);
		}
	}
	pq_tin_leave(t);
	if (!t->err && (have & 0x7e) != 0x7e)
		pq_tin_fail(t, "a v2 data page header lacks a required field");
}

int
pq_page_header_decode(const uint8_t *p, size_t n, struct pq_page_header *h, size_t *len, const char **why)
{
	struct pq_tin tin, *t = &tin;
	int last = 0, id, type, have = 0;

	memset(h, 0, sizeof *h);
	h->type = -1;
	pq_tin_init(t, p, n);
	pq_tin_enter(t);
	while (pq_tin_field(t, &last, &id, &type)) {
		if (id >= 1 && id <= 4 && is_int(type)) {
			int64_t v = get_i64(t, type);
			switch (id) {
			case 1: h->type = (int)v; have |= 2; break;
			case 2: h->uncompressed_size = (int32_t)v; have |= 4; break;
			case 3: h->compressed_size = (int32_t)v; have |= 8; break;
			case 4: h->crc = (uint32_t)v; h->has_crc = true; break;
			}
			if ((id == 2 || id == 3) && (v < 0 || v > INT32_MAX))
				pq_tin_fail(t, "negative or huge page size");
		} else if (id == 5 && type == PQ_TT_STRUCT) {
			decode_data_page(t, h);
			h->has_data = true;
		} else if (id == 7 && type == PQ_TT_STRUCT) {
			decode_dict_page(t, h);
			h->has_dict = true;
		} else if (id == 8 && type == PQ_TT_STRUCT) {
			decode_data_page_v2(t, h);
			h->has_v2 = true;
		} else {
			pq_tin_skip(t, type);
		}
	}
	pq_tin_leave(t);
	if (t->err) {
		*why = t->err;
		return -1;
	}
	if (have != 14) {
		*why = "a page header lacks its type or sizes";
		return -1;
	}
	*len = (size_t)(t->p - p);
	return 0;
}

/* ------------------------------------------------------------ encoding */

void
pq_stats_encode(struct pq_tout *t, int id, const struct pq_stats *s)
{
	pq_tout_struct(t, id);
	if (s->max.set)
		pq_tout_binary(t, 1, s->max.p, s->max.n);
	if (s->min.set)
		pq_tout_binary(t, 2, s->min.p, s->min.n);
	if (s->has_null_count)
		pq_tout_i64(t, 3, s->null_count);
	if (s->has_distinct_count)
		pq_tout_i64(t, 4, s->distinct_count);
	if (s->max_value.set)
		pq_tout_binary(t, 5, s->max_value.p, s->max_value.n);
	if (s->min_value.set)
		pq_tout_binary(t, 6, s->min_value.p, s->min_value.n);
	if (s->max_exact >= 0)
		pq_tout_bool(t, 7, s->max_exact);
	if (s->min_exact >= 0)
		pq_tout_bool(t, 8, s->min_exact);
	if (s->has_nan_count)
		pq_tout_i64(t, 9, s->nan_count);
	pq_tout_end(t);
}

static void
empty_struct(struct pq_tout *t, int id)
{
	pq_tout_struct(t, id);
	pq_tout_end(t);
}

static void
encode_logical(struct pq_tout *t, const struct pq_logical *l)
{
	pq_tout_struct(t, 10);
	switch (l->kind) {
	case PQ_LT_DECIMAL:
		pq_tout_struct(t, l->kind);
		pq_tout_i32(t, 1, l->scale);
		pq_tout_i32(t, 2, l->precision);
		pq_tout_end(t);
		break;
	case PQ_LT_TIME:
	case PQ_LT_TIMESTAMP:
		pq_tout_struct(t, l->kind);
		pq_tout_bool(t, 1, l->utc);
		pq_tout_struct(t, 2);
		empty_struct(t, l->unit);
		pq_tout_end(t);
		pq_tout_end(t);
		break;
	case PQ_LT_INTEGER:
		pq_tout_struct(t, l->kind);
		pq_tout_i8(t, 1, (int8_t)l->bit_width);
		pq_tout_bool(t, 2, l->is_signed);
		pq_tout_end(t);
		break;
	default:
		empty_struct(t, l->kind);
	}
	pq_tout_end(t);
}

static void
encode_schema_elem(struct pq_tout *t, const struct pq_schema_elem *e)
{
	pq_tout_elem_struct(t);
	if (e->type >= 0)
		pq_tout_i32(t, 1, e->type);
	if (e->type_length >= 0)
		pq_tout_i32(t, 2, e->type_length);
	if (e->repetition >= 0)
		pq_tout_i32(t, 3, e->repetition);
	pq_tout_string(t, 4, e->name);
	if (e->num_children >= 0)
		pq_tout_i32(t, 5, e->num_children);
	if (e->converted >= 0)
		pq_tout_i32(t, 6, e->converted);
	if (e->scale >= 0)
		pq_tout_i32(t, 7, e->scale);
	if (e->precision >= 0)
		pq_tout_i32(t, 8, e->precision);
	if (e->field_id >= 0)
		pq_tout_i32(t, 9, e->field_id);
	if (e->logical.kind != PQ_LT_NONE && e->logical.kind != PQ_LT_OTHER)
		encode_logical(t, &e->logical);
	pq_tout_end(t);
}

static void
encode_column_meta(struct pq_tout *t, const struct pq_column_meta *m)
{
	pq_tout_struct(t, 3);
	pq_tout_i32(t, 1, m->type);
	pq_tout_list(t, 2, PQ_TT_I32, m->nenc);
	for (int i = 0; i < m->nenc; i++)
		pq_tout_zigzag(t, m->encodings[i]);
	pq_tout_list(t, 3, PQ_TT_BINARY, m->npath);
	for (int i = 0; i < m->npath; i++)
		pq_tout_elem_binary(t, m->path[i], strlen(m->path[i]));
	pq_tout_i32(t, 4, m->codec);
	pq_tout_i64(t, 5, m->num_values);
	pq_tout_i64(t, 6, m->total_uncompressed_size);
	pq_tout_i64(t, 7, m->total_compressed_size);
	pq_tout_i64(t, 9, m->data_page_offset);
	if (m->index_page_offset >= 0)
		pq_tout_i64(t, 10, m->index_page_offset);
	if (m->dictionary_page_offset >= 0)
		pq_tout_i64(t, 11, m->dictionary_page_offset);
	if (m->has_stats)
		pq_stats_encode(t, 12, &m->stats);
	pq_tout_end(t);
}

void
pq_meta_encode(struct strbuf *b, const struct pq_file_meta *m)
{
	struct pq_tout tout, *t = &tout;
	pq_tout_init(t, b);
	pq_tout_begin(t);
	pq_tout_i32(t, 1, m->version);
	pq_tout_list(t, 2, PQ_TT_STRUCT, m->nschema);
	for (int i = 0; i < m->nschema; i++)
		encode_schema_elem(t, &m->schema[i]);
	pq_tout_i64(t, 3, m->num_rows);
	pq_tout_list(t, 4, PQ_TT_STRUCT, m->nrg);
	for (int i = 0; i < m->nrg; i++) {
		const struct pq_row_group *g = &m->rgs[i];
		pq_tout_elem_struct(t);
		pq_tout_list(t, 1, PQ_TT_STRUCT, g->ncols);
		for (int c = 0; c < g->ncols; c++) {
			const struct pq_column_chunk *cc = &g->cols[c];
			pq_tout_elem_struct(t);
			if (cc->file_path)
				pq_tout_string(t, 1, cc->file_path);
			pq_tout_i64(t, 2, cc->file_offset);
			if (cc->has_meta)
				encode_column_meta(t, &cc->meta);
			pq_tout_end(t);
		}
		pq_tout_i64(t, 2, g->total_byte_size);
		pq_tout_i64(t, 3, g->num_rows);
		if (g->file_offset >= 0)
			pq_tout_i64(t, 5, g->file_offset);
		if (g->total_compressed_size >= 0)
			pq_tout_i64(t, 6, g->total_compressed_size);
		if (g->ordinal >= 0)
			pq_tout_field(t, 7, PQ_TT_I16), pq_tout_zigzag(t, g->ordinal);
		pq_tout_end(t);
	}
	if (m->nkv > 0) {
		pq_tout_list(t, 5, PQ_TT_STRUCT, m->nkv);
		for (int i = 0; i < m->nkv; i++) {
			pq_tout_elem_struct(t);
			pq_tout_string(t, 1, m->kv[i].key);
			if (m->kv[i].value)
				pq_tout_string(t, 2, m->kv[i].value);
			pq_tout_end(t);
		}
	}
	if (m->created_by)
		pq_tout_string(t, 6, m->created_by);
	if (m->ncolumn_orders > 0) {
		/* ColumnOrder union { 1: TypeDefinedOrder TYPE_ORDER } */
		pq_tout_list(t, 7, PQ_TT_STRUCT, m->ncolumn_orders);
		for (int i = 0; i < m->ncolumn_orders; i++) {
			pq_tout_elem_struct(t);
			empty_struct(t, 1);
			pq_tout_end(t);
		}
	}
	pq_tout_end(t);
}

void
pq_page_header_encode(struct strbuf *b, const struct pq_page_header *h)
{
	struct pq_tout tout, *t = &tout;
	pq_tout_init(t, b);
	pq_tout_begin(t);
	pq_tout_i32(t, 1, h->type);
	pq_tout_i32(t, 2, h->uncompressed_size);
	pq_tout_i32(t, 3, h->compressed_size);
	if (h->has_crc)
		pq_tout_i32(t, 4, (int32_t)h->crc);
	if (h->has_data) {
		pq_tout_struct(t, 5);
		pq_tout_i32(t, 1, h->data.num_values);
		pq_tout_i32(t, 2, h->data.encoding);
		pq_tout_i32(t, 3, h->data.def_encoding);
		pq_tout_i32(t, 4, h->data.rep_encoding);
		if (h->has_stats)
			pq_stats_encode(t, 5, &h->stats);
		pq_tout_end(t);
	}
	if (h->has_dict) {
		pq_tout_struct(t, 7);
		pq_tout_i32(t, 1, h->dict.num_values);
		pq_tout_i32(t, 2, h->dict.encoding);
		if (h->dict.is_sorted >= 0)
			pq_tout_bool(t, 3, h->dict.is_sorted);
		pq_tout_end(t);
	}
	if (h->has_v2) {
		pq_tout_struct(t, 8);
		pq_tout_i32(t, 1, h->v2.num_values);
		pq_tout_i32(t, 2, h->v2.num_nulls);
		pq_tout_i32(t, 3, h->v2.num_rows);
		pq_tout_i32(t, 4, h->v2.encoding);
		pq_tout_i32(t, 5, h->v2.def_len);
		pq_tout_i32(t, 6, h->v2.rep_len);
		if (!h->v2.is_compressed)
			pq_tout_bool(t, 7, false);
		if (h->has_stats)
			pq_stats_encode(t, 8, &h->stats);
		pq_tout_end(t);
	}
	pq_tout_end(t);
}

const char *
pq_ptype_name(int t)
{
	static const char *const names[] = {"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE",
		"BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
	return t >= 0 && t <= 7 ? names[t] : "unknown type";
}

const char *
pq_enc_name(int e)
{
	switch (e) {
	case PQ_ENC_PLAIN: return "PLAIN";
	case PQ_ENC_PLAIN_DICTIONARY: return "PLAIN_DICTIONARY";
	case PQ_ENC_RLE: return "RLE";
	case PQ_ENC_BIT_PACKED: return "BIT_PACKED";
	case PQ_ENC_DELTA_BINARY_PACKED: return "DELTA_BINARY_PACKED";
	case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: return "DELTA_LENGTH_BYTE_ARRAY";
	case PQ_ENC_DELTA_BYTE_ARRAY: return "DELTA_BYTE_ARRAY";
	case PQ_ENC_RLE_DICTIONARY: return "RLE_DICTIONARY";
	case PQ_ENC_BYTE_STREAM_SPLIT: return "BYTE_STREAM_SPLIT";
	default: return "an unknown encoding";
	}
}
