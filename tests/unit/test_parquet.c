/*
 * Unit tests for the Parquet module (src/store/parquet): the Thrift compact
 * codec and the metadata structs (round trips, unknown fields, truncation),
 * every encoding (round trips at every bit width, empty input, long
 * strings), the codecs and the CRC.
 */
#include "tests/tap.h"

#include "core/arena.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "store/parquet/pq_int.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* ------------------------------------------------------------ thrift */

static void
test_thrift_primitives(void)
{
	struct strbuf b = STRBUF_INIT;
	struct pq_tout t;
	pq_tout_init(&t, &b);
	pq_tout_begin(&t);
	pq_tout_i32(&t, 1, -1);
	pq_tout_i64(&t, 2, INT64_MIN);
	pq_tout_i64(&t, 3, INT64_MAX);
	pq_tout_bool(&t, 4, true);
	pq_tout_bool(&t, 5, false);
	pq_tout_double(&t, 6, 2.5);
	pq_tout_string(&t, 40, "far field id");       /* long-form header */
	pq_tout_i8(&t, 41, -7);
	pq_tout_list(&t, 42, PQ_TT_I32, 20);           /* long-form list */
	for (int i = 0; i < 20; i++)
		pq_tout_zigzag(&t, i - 10);
	pq_tout_struct(&t, 43);
	pq_tout_i32(&t, 1, 12345);
	pq_tout_end(&t);
	pq_tout_end(&t);

	struct pq_tin r;
	int last = 0, id, type;
	pq_tin_init(&r, b.s, b.len);
	pq_tin_enter(&r);
	int seen = 0;
	while (pq_tin_field(&r, &last, &id, &type)) {
		const uint8_t *p;
		uint32_t n;
		int et;
		switch (id) {
		case 1: is_int(pq_tin_i32(&r), -1, "i32 -1"); seen++; break;
		case 2: ok(pq_tin_i64(&r) == INT64_MIN, "i64 min"); seen++; break;
		case 3: ok(pq_tin_i64(&r) == INT64_MAX, "i64 max"); seen++; break;
		case 4: ok(pq_tin_bool_field(&r, type), "bool true"); seen++; break;
		case 5: ok(!pq_tin_bool_field(&r, type), "bool false"); seen++; break;
		case 6: is_dbl(pq_tin_double(&r), 2.5, 0, "double"); seen++; break;
		case 40:
			ok(pq_tin_binary(&r, &p, &n) && n == 12 && memcmp(p, "far field id", 12) == 0, "string, long header");
			seen++;
			break;
		case 41: is_int(pq_tin_i8(&r), -7, "i8"); seen++; break;
		case 42: {
			int cnt = pq_tin_list(&r, &et);
			is_int(cnt, 20, "long list count");
			int good = et == PQ_TT_I32;
			for (int i = 0; i < cnt; i++)
				good &= pq_tin_i32(&r) == i - 10;
			ok(good, "list elements");
			seen++;
			break;
		}
		default:
			pq_tin_skip(&r, type);
		}
	}
	ok(r.err == NULL && r.p == r.end, "whole struct read, skipping the nested one");
	is_int(seen, 9, "every field seen");
	sb_free(&b);

	/* varint overflow and truncation are errors, not crashes */
	uint8_t bad[12];
	memset(bad, 0xff, sizeof bad);
	pq_tin_init(&r, bad, sizeof bad);
	pq_tin_uvarint(&r);
	ok(r.err != NULL, "overlong varint: %s", r.err ? r.err : "no error");
	pq_tin_init(&r, bad, 3);
	pq_tin_uvarint(&r);
	ok(r.err != NULL, "truncated varint");
	/* a list that claims more elements than bytes */
	uint8_t lst[] = {0xf5, 0xff, 0xff, 0xff, 0x07, 0x00};
	pq_tin_init(&r, lst, sizeof lst);
	ok(pq_tin_list(&r, &type) < 0 && r.err, "list count beyond the data");
	/* deep nesting is refused */
	uint8_t deep[200];
	for (int i = 0; i < 200; i++)
		deep[i] = 0x1c;   /* field 1, struct */
	pq_tin_init(&r, deep, sizeof deep);
	pq_tin_skip(&r, PQ_TT_STRUCT);
	ok(r.err != NULL, "nesting limit: %s", r.err ? r.err : "no error");
}

static struct pq_file_meta
sample_meta(struct arena *a)
{
	struct pq_file_meta m;
	memset(&m, 0, sizeof m);
	m.version = 1;
	m.nschema = 4;
	m.schema = arena_zalloc(a, sizeof *m.schema * 4);
	for (int i = 0; i < 4; i++) {
		struct pq_schema_elem *e = &m.schema[i];
		e->type = e->type_length = e->repetition = e->num_children = e->converted = -1;
		e->scale = e->precision = e->field_id = -1;
	}
	m.schema[0].name = "schema";
	m.schema[0].num_children = 3;
	m.schema[1].name = "ts";
	m.schema[1].type = PQ_INT64;
	m.schema[1].repetition = PQ_OPTIONAL;
	m.schema[1].converted = PQ_CT_TIMESTAMP_MICROS;
	m.schema[1].logical.kind = PQ_LT_TIMESTAMP;
	m.schema[1].logical.utc = true;
	m.schema[1].logical.unit = PQ_UNIT_MICROS;
	m.schema[2].name = "price";
	m.schema[2].type = PQ_FLBA;
	m.schema[2].type_length = 9;
	m.schema[2].repetition = PQ_REQUIRED;
	m.schema[2].converted = PQ_CT_DECIMAL;
	m.schema[2].scale = 2;
	m.schema[2].precision = 20;
	m.schema[2].logical.kind = PQ_LT_DECIMAL;
	m.schema[2].logical.scale = 2;
	m.schema[2].logical.precision = 20;
	m.schema[3].name = "s";
	m.schema[3].type = PQ_BYTE_ARRAY;
	m.schema[3].repetition = PQ_OPTIONAL;
	m.schema[3].converted = PQ_CT_UTF8;
	m.schema[3].logical.kind = PQ_LT_STRING;
	m.num_rows = 1000;
	m.nrg = 2;
	m.rgs = arena_zalloc(a, sizeof *m.rgs * 2);
	for (int g = 0; g < 2; g++) {
		struct pq_row_group *rg = &m.rgs[g];
		rg->num_rows = 500;
		rg->total_byte_size = 12345 + g;
		rg->file_offset = 4 + g * 1000;
		rg->total_compressed_size = 999;
		rg->ordinal = (int32_t)g;
		rg->ncols = 3;
		rg->cols = arena_zalloc(a, sizeof *rg->cols * 3);
		for (int c = 0; c < 3; c++) {
			struct pq_column_chunk *cc = &rg->cols[c];
			struct pq_column_meta *md = &cc->meta;
			cc->file_offset = 100 * c;
			cc->has_meta = true;
			md->type = m.schema[c + 1].type;
			md->nenc = 2;
			md->encodings = arena_alloc(a, sizeof(int) * 2);
			md->encodings[0] = PQ_ENC_PLAIN;
			md->encodings[1] = PQ_ENC_RLE_DICTIONARY;
			md->npath = 1;
			md->path = arena_alloc(a, sizeof(char *));
			md->path[0] = m.schema[c + 1].name;
			md->codec = PQ_CODEC_ZSTD;
			md->num_values = 500;
			md->total_uncompressed_size = 4000;
			md->total_compressed_size = 300 + c;
			md->data_page_offset = 1000 + c;
			md->index_page_offset = -1;
			md->dictionary_page_offset = c == 1 ? -1 : 900 + c;
			md->has_stats = true;
			md->stats.max_exact = md->stats.min_exact = -1;
			md->stats.has_null_count = true;
			md->stats.null_count = c;
			md->stats.min_value = (struct pq_bin){(const uint8_t *)"aaa", 3, true};
			md->stats.max_value = (struct pq_bin){(const uint8_t *)"zzzz", 4, true};
			if (c == 0) {
				md->stats.min = md->stats.min_value;
				md->stats.max = md->stats.max_value;
				md->stats.max_exact = 1;
			}
		}
	}
	m.created_by = "wb version test";
	m.nkv = 1;
	m.kv = arena_zalloc(a, sizeof *m.kv);
	m.kv[0].key = "k";
	m.kv[0].value = "v";
	m.ncolumn_orders = 3;
	return m;
}

static int
same_bin(struct pq_bin a, struct pq_bin b)
{
	return a.set == b.set && (!a.set || (a.n == b.n && memcmp(a.p, b.p, a.n) == 0));
}

static void
test_meta_round_trip(void)
{
	struct arena *a = arena_new(4096);
	struct pq_file_meta m = sample_meta(a), d;
	struct strbuf b = STRBUF_INIT;
	const char *why = NULL;
	pq_meta_encode(&b, &m);
	ok(pq_meta_decode((const uint8_t *)b.s, b.len, a, &d, &why) == 0, "footer decodes: %s", why ? why : "ok");
	is_int(d.version, 1, "version");
	is_int(d.num_rows, 1000, "num_rows");
	is_int(d.nschema, 4, "schema elements");
	is_str(d.schema[2].name, "price", "schema name");
	is_int(d.schema[2].type_length, 9, "type_length");
	is_int(d.schema[2].logical.kind, PQ_LT_DECIMAL, "decimal logical type");
	is_int(d.schema[2].logical.precision, 20, "decimal precision");
	is_int(d.schema[1].logical.unit, PQ_UNIT_MICROS, "timestamp unit");
	ok(d.schema[1].logical.utc, "timestamp utc");
	is_int(d.schema[3].converted, PQ_CT_UTF8, "converted type");
	is_int(d.schema[0].num_children, 3, "root children");
	is_int(d.schema[0].type, -1, "root has no type");
	is_int(d.nrg, 2, "row groups");
	int good = 1;
	for (int g = 0; g < 2; g++) {
		good &= d.rgs[g].num_rows == 500 && d.rgs[g].ordinal == g && d.rgs[g].ncols == 3 &&
		    d.rgs[g].total_byte_size == 12345 + g && d.rgs[g].file_offset == 4 + g * 1000;
		for (int c = 0; c < 3; c++) {
			const struct pq_column_meta *x = &m.rgs[g].cols[c].meta, *y = &d.rgs[g].cols[c].meta;
			good &= x->type == y->type && x->codec == y->codec && x->num_values == y->num_values &&
			    x->total_compressed_size == y->total_compressed_size &&
			    x->data_page_offset == y->data_page_offset &&
			    x->dictionary_page_offset == y->dictionary_page_offset && y->nenc == 2 &&
			    y->encodings[1] == PQ_ENC_RLE_DICTIONARY && y->npath == 1 && strcmp(y->path[0], x->path[0]) == 0 &&
			    y->has_stats && y->stats.null_count == c && same_bin(x->stats.min_value, y->stats.min_value) &&
			    same_bin(x->stats.max_value, y->stats.max_value) && same_bin(x->stats.min, y->stats.min) &&
			    same_bin(x->stats.max, y->stats.max) && x->stats.max_exact == y->stats.max_exact;
		}
	}
	ok(good, "row groups and column metadata round trip");
	is_str(d.created_by, "wb version test", "created_by");
	ok(d.nkv == 1 && strcmp(d.kv[0].key, "k") == 0 && strcmp(d.kv[0].value, "v") == 0, "key/value metadata");
	is_int(d.ncolumn_orders, 3, "column orders");

	/* every truncation fails cleanly */
	int clean = 1;
	for (size_t n = 0; n < b.len; n++) {
		why = NULL;
		if (pq_meta_decode((const uint8_t *)b.s, n, a, &d, &why) == 0 || why == NULL)
			clean = 0;
	}
	ok(clean, "every truncated footer is an error with a reason");
	/* random byte flips never crash (they may decode) */
	for (int k = 0; k < 2000; k++) {
		char *copy = xmalloc(b.len);
		memcpy(copy, b.s, b.len);
		for (int f = 0; f < 3; f++)
			copy[rnd() % b.len] ^= (char)(1 << (rnd() % 8));
		pq_meta_decode((const uint8_t *)copy, b.len, a, &d, &why);
		free(copy);
	}
	ok(1, "2000 corrupted footers decoded or refused");
	sb_free(&b);
	arena_free(a);
}

static void
test_unknown_fields(void)
{
	/* a KeyValue-like struct with fields from a future version: every wire
	 * type, a map, a set, a uuid, a nested struct, then the known field */
	struct strbuf b = STRBUF_INIT;
	struct pq_tout t;
	pq_tout_init(&t, &b);
	pq_tout_begin(&t);
	pq_tout_i32(&t, 1, 1);                               /* version */
	pq_tout_i64(&t, 3, 7);                               /* num_rows */
	pq_tout_list(&t, 4, PQ_TT_STRUCT, 0);                /* no row groups */
	pq_tout_double(&t, 20, 1.5);
	pq_tout_field(&t, 21, PQ_TT_MAP);
	pq_tout_uvarint(&t, 2);
	sb_putc(&b, (char)(PQ_TT_I32 << 4 | PQ_TT_BINARY));
	pq_tout_zigzag(&t, 1);
	pq_tout_elem_binary(&t, "x", 1);
	pq_tout_zigzag(&t, 2);
	pq_tout_elem_binary(&t, "yy", 2);
	pq_tout_field(&t, 22, PQ_TT_SET);
	sb_putc(&b, (char)(3 << 4 | PQ_TT_TRUE));
	sb_putc(&b, 1);
	sb_putc(&b, 0);
	sb_putc(&b, 1);
	pq_tout_field(&t, 23, PQ_TT_UUID);
	sb_add(&b, "0123456789abcdef", 16);
	pq_tout_struct(&t, 24);
	pq_tout_list(&t, 1, PQ_TT_STRUCT, 1);
	pq_tout_elem_struct(&t);
	pq_tout_string(&t, 1, "nested");
	pq_tout_end(&t);
	pq_tout_end(&t);
	pq_tout_list(&t, 2, PQ_TT_STRUCT, 1);                /* schema, after the unknowns */
	pq_tout_elem_struct(&t);
	pq_tout_string(&t, 4, "root");
	pq_tout_i32(&t, 5, 0);
	pq_tout_end(&t);
	pq_tout_end(&t);

	struct arena *a = arena_new(1024);
	struct pq_file_meta m;
	const char *why = NULL;
	ok(pq_meta_decode((const uint8_t *)b.s, b.len, a, &m, &why) == 0, "unknown fields are skipped: %s",
	    why ? why : "ok");
	ok(m.num_rows == 7 && m.nschema == 1 && strcmp(m.schema[0].name, "root") == 0, "known fields around them");
	arena_free(a);
	sb_free(&b);
}

static void
test_page_header(void)
{
	struct pq_page_header h, d;
	memset(&h, 0, sizeof h);
	h.type = PQ_PAGE_DATA_V2;
	h.uncompressed_size = 1 << 20;
	h.compressed_size = 4096;
	h.has_crc = true;
	h.crc = 0xdeadbeef;
	h.has_v2 = true;
	h.v2 = (struct pq_data_page_v2){100, 3, 100, PQ_ENC_RLE_DICTIONARY, 17, 0, false};
	struct strbuf b = STRBUF_INIT;
	pq_page_header_encode(&b, &h);
	sb_add(&b, "payload", 7);
	size_t len = 0;
	const char *why = NULL;
	ok(pq_page_header_decode((const uint8_t *)b.s, b.len, &d, &len, &why) == 0, "v2 page header decodes");
	is_int(len, b.len - 7, "header length");
	ok(d.has_crc && d.crc == 0xdeadbeef, "crc");
	ok(d.has_v2 && d.v2.num_values == 100 && d.v2.num_nulls == 3 && d.v2.def_len == 17 && !d.v2.is_compressed &&
	    d.v2.encoding == PQ_ENC_RLE_DICTIONARY, "v2 fields");
	sb_clear(&b);

	memset(&h, 0, sizeof h);
	h.type = PQ_PAGE_DICT;
	h.uncompressed_size = h.compressed_size = 10;
	h.has_dict = true;
	h.dict = (struct pq_dict_page){5, PQ_ENC_PLAIN, 1};
	pq_page_header_encode(&b, &h);
	ok(pq_page_header_decode((const uint8_t *)b.s, b.len, &d, &len, &why) == 0 && d.has_dict &&
	    d.dict.num_values == 5 && d.dict.is_sorted == 1, "dictionary page header");
	sb_clear(&b);

	memset(&h, 0, sizeof h);
	h.type = PQ_PAGE_DATA;
	h.uncompressed_size = h.compressed_size = 10;
	h.has_data = true;
	h.data = (struct pq_data_page){9, PQ_ENC_PLAIN, PQ_ENC_RLE, PQ_ENC_RLE};
	h.has_stats = true;
	h.stats.max_exact = h.stats.min_exact = -1;
	h.stats.has_null_count = true;
	h.stats.null_count = 2;
	pq_page_header_encode(&b, &h);
	ok(pq_page_header_decode((const uint8_t *)b.s, b.len, &d, &len, &why) == 0 && d.has_data &&
	    d.data.num_values == 9 && d.has_stats && d.stats.null_count == 2, "v1 page header with statistics");
	int clean = 1;
	for (size_t n = 0; n < b.len; n++)
		if (pq_page_header_decode((const uint8_t *)b.s, n, &d, &len, &why) == 0)
			clean = 0;
	ok(clean, "truncated page headers are errors");
	sb_free(&b);
}

/* ------------------------------------------------------------ RLE, bit packing */

static void
test_bitpack(void)
{
	uint32_t in[64], out[64];
	uint8_t buf[64 * 4 + 8];
	int good = 1;
	for (int bw = 0; bw <= 32; bw++) {
		uint64_t mask = bw == 32 ? 0xffffffffu : ((uint64_t)1 << bw) - 1;
		for (int i = 0; i < 64; i++)
			in[i] = (uint32_t)(rnd() & mask);
		memset(buf, 0xaa, sizeof buf);
		pq_pack32(in, bw, buf, 64);
		pq_unpack32(buf, bw, out, 64);
		good &= memcmp(in, out, sizeof in) == 0;
		/* the last bytes are not over-read: unpack from an exact copy */
		size_t bytes = (size_t)64 * (size_t)bw / 8;
		uint8_t *exact = xmalloc(bytes + 1);
		memcpy(exact, buf, bytes);
		pq_unpack32(exact, bw, out, 64);
		good &= memcmp(in, out, sizeof in) == 0;
		free(exact);
	}
	ok(good, "pack/unpack at every bit width 0..32");
}

static int
rle_round_trip(const uint32_t *v, int n, int bw, int chunk)
{
	struct strbuf b = STRBUF_INIT;
	pq_rle_encode(&b, v, n, bw);
	/* decode from an exact-size copy, in pieces of `chunk` */
	uint8_t *copy = xmalloc(b.len + 1);
	if (b.len)
		memcpy(copy, b.s, b.len);
	struct pq_rle r;
	pq_rle_init(&r, copy, b.len, bw);
	uint32_t *out = xmalloc(sizeof *out * (size_t)(n + 1));
	int got = 0;
	while (got < n) {
		int want = n - got < chunk ? n - got : chunk;
		int k = pq_rle_get(&r, out + got, want);
		got += k;
		if (k < want)
			break;
	}
	int good = got == n && (n == 0 || memcmp(out, v, sizeof *v * (size_t)n) == 0) && r.err == NULL;
	free(out);
	free(copy);
	sb_free(&b);
	return good;
}

static void
test_rle(void)
{
	int sizes[] = {0, 1, 7, 8, 9, 15, 16, 17, 100, 1000, 5000};
	uint32_t *v = xmalloc(sizeof *v * 5000);
	int good = 1;
	for (int bw = 0; bw <= 32; bw++) {
		uint64_t mask = bw == 32 ? 0xffffffffu : ((uint64_t)1 << bw) - 1;
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
			int n = sizes[s];
			/* mixed: random stretches and runs of various lengths */
			for (int i = 0; i < n;) {
				int run = (int)(rnd() % 20) + 1;
				uint32_t x = (uint32_t)(rnd() & mask);
				bool lit = rnd() % 2;
				for (int k = 0; k < run && i < n; k++, i++)
					v[i] = lit ? (uint32_t)(rnd() & mask) : x;
			}
			good &= rle_round_trip(v, n, bw, 2048);
			good &= rle_round_trip(v, n, bw, 3);
		}
	}
	ok(good, "RLE/bit-packed hybrid round trips, bit widths 0..32, odd sizes and read sizes");
	/* all equal: one RLE run */
	for (int i = 0; i < 5000; i++)
		v[i] = 5;
	struct strbuf b = STRBUF_INIT;
	pq_rle_encode(&b, v, 5000, 3);
	ok(b.len <= 4, "5000 equal values encode as one run (%zu bytes)", b.len);
	ok(rle_round_trip(v, 5000, 3, 100), "... and decode");
	sb_clear(&b);
	pq_rle_encode_run(&b, 1, 123456, 1);
	struct pq_rle r;
	uint8_t lv[1000];
	pq_rle_init(&r, (const uint8_t *)b.s, b.len, 1);
	int total = 0, k;
	int all1 = 1;
	while ((k = pq_rle_get8(&r, lv, 1000)) > 0) {
		for (int i = 0; i < k; i++)
			all1 &= lv[i] == 1;
		total += k;
	}
	ok(total == 123456 && all1, "a run of levels, read as bytes");
	/* levels mixing runs and literals as bytes */
	for (int i = 0; i < 5000; i++)
		v[i] = (i / 7) % 3 == 0 ? (uint32_t)(rnd() & 1) : 1;
	sb_clear(&b);
	pq_rle_encode(&b, v, 5000, 1);
	pq_rle_init(&r, (const uint8_t *)b.s, b.len, 1);
	uint8_t *lv2 = xmalloc(5000);
	int g2 = 0;
	while (g2 < 5000 && (k = pq_rle_get8(&r, lv2 + g2, 5000 - g2 < 333 ? 5000 - g2 : 333)) > 0)
		g2 += k;
	int same = g2 == 5000;
	for (int i = 0; i < g2; i++)
		same &= lv2[i] == v[i];
	ok(same, "levels mixing runs and bit-packed groups");
	free(lv2);
	/* corrupt: a value wider than the bit width, a truncated run */
	uint8_t bad[] = {0x02, 0xff};
	pq_rle_init(&r, bad, 2, 3);
	ok(pq_rle_get(&r, v, 1) == 0 && r.err, "RLE value wider than its bit width");
	uint8_t trunc[] = {0x03};
	pq_rle_init(&r, trunc, 1, 5);
	ok(pq_rle_get(&r, v, 8) == 0, "bit-packed run without its bytes");
	sb_free(&b);
	free(v);
}

/* ------------------------------------------------------------ delta */

static int
delta_round_trip(const int64_t *v, int64_t n, bool is32)
{
	struct strbuf b = STRBUF_INIT;
	pq_delta_encode(&b, v, n);
	uint8_t *copy = xmalloc(b.len);
	memcpy(copy, b.s, b.len);
	struct pq_delta *d = xmalloc(sizeof *d);
	const char *why = NULL;
	int good = pq_delta_init(d, copy, b.len, is32, &why) == 0;
	int64_t *out = xmalloc(sizeof *out * (size_t)(n + 1));
	int64_t got = 0;
	while (good && got < n) {
		int want = n - got < 77 ? (int)(n - got) : 77;
		int k = pq_delta_next(d, out + got, want);
		got += k;
		if (k < want)
			break;
	}
	good &= got == n && d->err == NULL;
	for (int64_t i = 0; good && i < n; i++)
		good &= out[i] == v[i];
	good &= pq_delta_end(copy, b.len, &why) == copy + b.len;
	free(out);
	free(d);
	free(copy);
	sb_free(&b);
	return good;
}

static void
test_delta(void)
{
	int64_t sizes[] = {0, 1, 2, 31, 32, 33, 127, 128, 129, 1000, 4097};
	int64_t *v = xmalloc(sizeof *v * 4097);
	int good = 1;
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		int64_t n = sizes[s];
		for (int kind = 0; kind < 5; kind++) {
			for (int64_t i = 0; i < n; i++) {
				switch (kind) {
				case 0: v[i] = 1000 + i; break;                          /* sorted */
				case 1: v[i] = (int64_t)(rnd() % 100) - 50; break;       /* small noise */
				case 2: v[i] = (int64_t)rnd(); break;                    /* full range */
				case 3: v[i] = i % 2 ? INT64_MAX : INT64_MIN; break;     /* extreme deltas */
				default: v[i] = (int32_t)rnd(); break;                   /* int32 */
				}
			}
			good &= delta_round_trip(v, n, false);
			if (kind == 4 || kind == 0 || kind == 1)
				good &= delta_round_trip(v, n, true);
		}
	}
	ok(good, "DELTA_BINARY_PACKED round trips (sorted, noise, full range, extremes, int32)");
	/* int32 wrap-around as the format requires */
	for (int i = 0; i < 100; i++)
		v[i] = i % 2 ? INT32_MAX : INT32_MIN;
	ok(delta_round_trip(v, 100, true), "int32 extremes wrap");
	/* corrupt headers */
	const char *why = NULL;
	struct pq_delta *d = xmalloc(sizeof *d);
	uint8_t bad1[] = {0x7f, 0x04, 0x02, 0x00};   /* block 127 */
	ok(pq_delta_init(d, bad1, sizeof bad1, false, &why) < 0, "block size not a multiple of 128");
	uint8_t bad2[] = {0x80, 0x01, 0x03, 0x02, 0x00};   /* 128 / 3 miniblocks */
	ok(pq_delta_init(d, bad2, sizeof bad2, false, &why) < 0, "miniblocks that do not divide the block");
	uint8_t big[] = {0x80, 0x01, 0x04, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00};   /* 4G values, no data */
	ok(pq_delta_init(d, big, sizeof big, false, &why) == 0, "a huge count is only a promise");
	int64_t out[64];
	int k = pq_delta_next(d, out, 64);
	ok(k == 1 && d->err, "... reading past the data is an error, not an allocation (%d)", k);
	ok(pq_delta_end(big, sizeof big, &why) == NULL, "... and the stream has no end");
	free(d);
	free(v);
}

static void
test_byte_arrays(void)
{
	/* empty strings, long strings, shared prefixes */
	int n = 3000;
	wb_str *v = xmalloc(sizeof *v * (size_t)n);
	char *heap = xmalloc(1 << 20);
	size_t at = 0;
	for (int i = 0; i < n; i++) {
		int len = i % 100 == 0 ? 70000 : i % 7 == 0 ? 0 : (int)(rnd() % 40);
		if (at + (size_t)len > (1 << 20))
			len = 0;
		for (int k = 0; k < len; k++)
			heap[at + (size_t)k] = k < 20 && i % 3 ? 'p' : (char)('a' + rnd() % 26);
		v[i].p = heap + at;
		v[i].n = (uint32_t)len;
		at += (size_t)len;
	}
	struct strbuf b = STRBUF_INIT;
	const char *why = NULL;

	pq_dlba_encode(&b, v, n);
	struct pq_dlba *dl = xmalloc(sizeof *dl);
	wb_str *out = xmalloc(sizeof *out * (size_t)n);
	int good = pq_dlba_init(dl, (const uint8_t *)b.s, b.len, &why) == 0;
	int got = 0, k;
	while (good && got < n && (k = pq_dlba_next(dl, out + got, n - got < 500 ? n - got : 500, &why)) > 0)
		got += k;
	good &= got == n;
	for (int i = 0; good && i < n; i++)
		good &= out[i].n == v[i].n && memcmp(out[i].p, v[i].p, v[i].n) == 0;
	ok(good, "DELTA_LENGTH_BYTE_ARRAY round trip (empty and 70000-byte values)");

	sb_clear(&b);
	pq_dba_encode(&b, v, n);
	struct pq_dba *db = xcalloc(1, sizeof *db);
	struct arena *a = arena_new(1 << 16);
	good = pq_dba_init(db, (const uint8_t *)b.s, b.len, &why) == 0;
	got = 0;
	while (good && got < n &&
	    (k = pq_dba_next(db, out + got, n - got < 500 ? n - got : 500,
	    (char *(*)(void *, size_t))arena_alloc, a, &why)) > 0)
		got += k;
	good &= got == n;
	for (int i = 0; good && i < n; i++)
		good &= out[i].n == v[i].n && memcmp(out[i].p, v[i].p, v[i].n) == 0;
	ok(good, "DELTA_BYTE_ARRAY round trip (shared prefixes, empty and long values)");
	pq_dba_fini(db);

	/* a prefix longer than the previous value is refused */
	wb_str two[2] = {{"abc", 3}, {"abd", 3}};
	sb_clear(&b);
	int64_t pre[2] = {0, 9};
	pq_delta_encode(&b, pre, 2);
	pq_dlba_encode(&b, two, 2);
	good = pq_dba_init(db, (const uint8_t *)b.s, b.len, &why) == 0;
	k = pq_dba_next(db, out, 2, (char *(*)(void *, size_t))arena_alloc, a, &why);
	ok(good && k < 0, "DELTA_BYTE_ARRAY prefix beyond the previous value: %s", k < 0 ? why : "accepted");
	pq_dba_fini(db);
	free(db);
	free(dl);
	arena_free(a);

	/* byte stream split of doubles */
	double dv[1001], back[1001];
	for (int i = 0; i < 1001; i++)
		dv[i] = (double)rnd() / 3.0;
	sb_clear(&b);
	pq_bss_encode(&b, (const uint8_t *)dv, 8, 1001);
	ok(b.len == 8 * 1001 && pq_bss_decode((const uint8_t *)b.s, b.len, 8, 1001, (uint8_t *)back, &why) == 0 &&
	    memcmp(dv, back, sizeof dv) == 0, "BYTE_STREAM_SPLIT round trip");
	ok(pq_bss_decode((const uint8_t *)b.s, b.len - 1, 8, 1001, (uint8_t *)back, &why) < 0, "short BYTE_STREAM_SPLIT data");
	sb_free(&b);
	free(out);
	free(heap);
	free(v);
}

/* ------------------------------------------------------------ codecs, CRC, text */

static void
test_codecs(void)
{
	size_t n = 300000;
	uint8_t *in = xmalloc(n), *back = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		in[i] = i % 1000 < 500 ? (uint8_t)(i % 7) : (uint8_t)rnd();
	int codecs[] = {PQ_CODEC_UNCOMPRESSED, PQ_CODEC_SNAPPY, PQ_CODEC_GZIP, PQ_CODEC_ZSTD, PQ_CODEC_LZ4_RAW};
	struct pq_zctx *z = pq_zctx_new();
	for (size_t c = 0; c < sizeof codecs / sizeof codecs[0]; c++) {
		int codec = codecs[c];
		if (!pq_codec_supported(codec)) {
			ok(1, "# SKIP %s not built in", pq_codec_name(codec));
			continue;
		}
		struct strbuf b = STRBUF_INIT;
		size_t len = pq_compress(codec, 0, z, in, n, &b);
		const char *why = NULL;
		ok(pq_check_size(codec, (const uint8_t *)b.s, len, n, &why) == 0 &&
		    pq_decompress(codec, (const uint8_t *)b.s, len, back, n, &why) == 0 && memcmp(in, back, n) == 0,
		    "%s round trip (%zu -> %zu bytes)", pq_codec_name(codec), n, len);
		if (codec != PQ_CODEC_UNCOMPRESSED) {
			why = NULL;
			int bad = pq_decompress(codec, (const uint8_t *)b.s, len / 2, back, n, &why) < 0;
			ok(bad && why, "%s: truncated data is an error", pq_codec_name(codec));
			why = NULL;
			bad = pq_check_size(codec, (const uint8_t *)b.s, len, n + 1, &why) < 0 ||
			    pq_decompress(codec, (const uint8_t *)b.s, len, back, n - 1, &why) < 0;
			ok(bad, "%s: a wrong size is an error", pq_codec_name(codec));
		}
		sb_free(&b);
	}
	ok(!pq_codec_supported(PQ_CODEC_BROTLI) && !pq_codec_supported(PQ_CODEC_LZO), "brotli and lzo are not supported");
	pq_zctx_free(z);
	free(in);
	free(back);

	is_int(pq_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u, "CRC-32 check value");
}

static void
test_text(void)
{
	ok(pq_utf8_check((const uint8_t *)"plain ascii text, long enough", 29) < 0, "ASCII is UTF-8");
	ok(pq_utf8_check((const uint8_t *)"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14) < 0, "multi-byte UTF-8");
	is_int(pq_utf8_check((const uint8_t *)"abcdefgh\xff", 9), 8, "invalid byte found at its offset");
	ok(pq_utf8_check((const uint8_t *)"\xc0\x80", 2) >= 0, "overlong encoding refused");
	ok(pq_utf8_check((const uint8_t *)"\xed\xa0\x80", 3) >= 0, "surrogate refused");
	ok(pq_utf8_check((const uint8_t *)"\xe2\x82", 2) >= 0, "truncated sequence refused");
	const uint8_t blob[] = {0, 'a', '\\', '\'', '"', 0x7f, ' ', '~', 0xc3};
	char out[64];
	size_t len = pq_blob_text_len(blob, sizeof blob);
	pq_blob_text(blob, sizeof blob, out);
	out[len] = '\0';
	is_str(out, "\\x00a\\x5C\\x27\\x22\\x7F ~\\xC3", "BLOB text as DuckDB prints it");
}

/* ------------------------------------------------------------ writer round trips */

static char tmpdir[256];

/* Fill a chunk of `types` with rows [from, from + n) of a deterministic
 * table: value of row r, column c, or NULL by `nullmode` (0 none, 1 some,
 * 2 all). Strings come from `heap`. */
static void
fill_row(struct chunk *c, int i, int64_t r, int col, wb_type t, int nullmode, int card, char *heap)
{
	struct vec *v = &c->cols[col];
	bool null = nullmode == 2 || (nullmode == 1 && (r * 7 + col) % 5 == 0);
	if (null) {
		vec_set_null(v, i);
		return;
	}
	int64_t k = card > 0 ? r % card : r;
	switch (t) {
	case WB_TYPE_BOOL: vec_bool(v)[i] = k % 3 == 0; break;
	case WB_TYPE_DOUBLE: vec_f64(v)[i] = k == 5 ? -0.0 : (double)k / 3.0 - 100; break;
	case WB_TYPE_DATE: vec_i64(v)[i] = k - 20000; break;
	case WB_TYPE_TIMESTAMP: vec_i64(v)[i] = k * 1000003 - 5000000000; break;
	case WB_TYPE_VARCHAR: {
		int len = k % 97 == 3 ? 100000 : (int)(k % 13);
		char *p = vec_str_alloc(v, (size_t)len + 24);
		int n = snprintf(p, 24, "%lld_", (long long)k);
		memcpy(p + n, heap, (size_t)len);
		vec_str(v)[i] = (wb_str){p, (uint32_t)(n + len)};
		break;
	}
	default: vec_i64(v)[i] = k % 11 == 0 ? INT64_MIN + k : k * 1000 - 7; break;
	}
}

static bool
same_value(const struct vec *v, int i, int64_t r, int col, wb_type t, int nullmode, int card, const char *heap)
{
	struct chunk c;
	wb_type tt[1] = {t};
	chunk_init(&c, 1, tt);
	chunk_reset(&c);
	/* the expected value, built the same way */
	struct chunk want;
	wb_type ts[8] = {t, t, t, t, t, t, t, t};
	chunk_init(&want, col + 1, ts);
	chunk_reset(&want);
	for (int k = 0; k <= col; k++)
		vec_reset(&want.cols[k]);
	fill_row(&want, 0, r, col, t, nullmode, card, (char *)heap);
	want.cols[col].n = 1;
	struct wb_value a, b;
	vec_get(v, i, &a);
	vec_get(&want.cols[col], 0, &b);
	bool eq = a.is_null == b.is_null;
	if (eq && !a.is_null) {
		switch (t) {
		case WB_TYPE_BOOL: eq = a.u.b == b.u.b; break;
		case WB_TYPE_DOUBLE: eq = memcmp(&a.u.d, &b.u.d, 8) == 0; break;
		case WB_TYPE_VARCHAR: eq = wb_str_eq(a.u.s, b.u.s); break;
		default: eq = a.u.i == b.u.i;
		}
	}
	chunk_free(&want);
	chunk_free(&c);
	return eq;
}

struct rt_case {
	const char *name;
	int ncol;
	wb_type types[6];
	int64_t rows;
	int nullmode;
	int card;          /* distinct values (0: all distinct) */
	int codec;
	int64_t rg_rows;
	int64_t dict_bytes;
};

/* Write rows with pq_writer_write, read them back with pq_source_open. */
static void
round_trip(const struct rt_case *tc, char *heap)
{
	char path[512];
	snprintf(path, sizeof path, "%s/rt.parquet", tmpdir);
	char *names[6] = {"a", "b", "c", "d", "e", "f"};
	struct pq_write_options o;
	pq_write_options_init(&o);
	o.codec = tc->codec;
	if (tc->rg_rows)
		o.row_group_rows = tc->rg_rows;
	if (tc->dict_bytes)
		o.dict_bytes = tc->dict_bytes;
	struct wb_error err = WB_ERROR_INIT;
	struct pq_writer *w = pq_writer_open(path, tc->ncol, names, tc->types, &o, &err);
	if (!ok(w != NULL, "%s: writer opens", tc->name))
		return;
	struct chunk c;
	chunk_init(&c, tc->ncol, tc->types);
	int64_t r = 0;
	int rc = 0;
	while (r < tc->rows && rc == 0) {
		int n = tc->rows - r < 1500 ? (int)(tc->rows - r) : 1500;   /* not a multiple of anything */
		chunk_reset(&c);
		for (int col = 0; col < tc->ncol; col++)
			for (int i = 0; i < n; i++)
				fill_row(&c, i, r + i, col, tc->types[col], tc->nullmode, tc->card, heap);
		for (int col = 0; col < tc->ncol; col++)
			c.cols[col].n = n;
		c.n = n;
		rc = pq_writer_write(w, &c, &err);
		r += n;
	}
	chunk_free(&c);
	struct pq_write_stats st = {0};
	rc = rc == 0 ? pq_writer_close(w, &st, &err) : (pq_writer_abort(w), -1);
	if (!ok(rc == 0 && st.rows == tc->rows, "%s: %lld rows written%s%s", tc->name, (long long)st.rows,
	    err.msg ? ": " : "", err.msg ? err.msg : "")) {
		err_clear(&err);
		return;
	}
	/* statistics for Delta */
	int64_t want_nulls = tc->nullmode == 2 ? tc->rows : 0;
	if (tc->nullmode == 1)
		for (int64_t k = 0; k < tc->rows; k++)
			want_nulls += (k * 7 + 0) % 5 == 0;
	ok(st.cols[0].null_count == want_nulls && st.cols[0].has_minmax == (tc->nullmode != 2 && tc->rows > 0),
	    "%s: column statistics (nulls %lld)", tc->name, (long long)st.cols[0].null_count);
	pq_write_stats_free(&st);

	/* read back: every value of every column */
	char *paths[1] = {path};
	struct pq_read_options ro;
	pq_read_options_init(&ro);
	struct source *s = pq_source_open(paths, 1, &ro, &err);
	if (!ok(s != NULL && s->ncol == tc->ncol, "%s: reads back%s%s", tc->name, err.msg ? ": " : "", err.msg ? err.msg : "")) {
		err_clear(&err);
		return;
	}
	bool types_ok = true;
	for (int col = 0; col < tc->ncol; col++)
		types_ok &= s->types[col] == tc->types[col];
	ok(types_ok, "%s: types survive", tc->name);
	s->ops->start(s, &err);
	void *rd = s->ops->reader_new(s);
	struct chunk in;
	chunk_init(&in, tc->ncol, tc->types);
	int64_t got = 0;
	int bad = 0, k;
	while ((k = s->ops->next(s, rd, &in, &err)) > 0) {
		for (int col = 0; col < tc->ncol && bad < 3; col++)
			for (int i = 0; i < k && bad < 3; i++)
				if (!same_value(&in.cols[col], i, got + i, col, tc->types[col], tc->nullmode, tc->card, heap)) {
					diag("%s: row %lld column %d differs", tc->name, (long long)(got + i), col);
					bad++;
				}
		got += k;
	}
	ok(k == 0 && got == tc->rows && bad == 0, "%s: %lld rows read back equal%s%s", tc->name, (long long)got,
	    err.msg ? ": " : "", err.msg ? err.msg : "");
	err_clear(&err);
	chunk_free(&in);
	s->ops->reader_free(s, rd);
	source_free(s);
}

static void
test_writer(void)
{
	char *heap = xmalloc(100001);
	for (int i = 0; i < 100000; i++)
		heap[i] = (char)('a' + i % 26);
	wb_type all[6] = {WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_BOOL, WB_TYPE_VARCHAR, WB_TYPE_DATE, WB_TYPE_TIMESTAMP};
	struct rt_case cases[] = {
		{"all types, distinct", 6, {0}, 30000, 0, 0, PQ_CODEC_ZSTD, 0, 0},
		{"all types, NULLs", 6, {0}, 30000, 1, 0, PQ_CODEC_SNAPPY, 0, 0},
		{"all NULL", 6, {0}, 5000, 2, 0, PQ_CODEC_GZIP, 0, 0},
		{"empty", 6, {0}, 0, 0, 0, PQ_CODEC_ZSTD, 0, 0},
		{"one row", 6, {0}, 1, 0, 0, PQ_CODEC_UNCOMPRESSED, 0, 0},
		{"dictionary, 2 values", 6, {0}, 20000, 1, 2, PQ_CODEC_ZSTD, 0, 0},
		{"dictionary, 1000 values, row groups of 4096", 6, {0}, 50000, 1, 1000, PQ_CODEC_ZSTD, 4096, 0},
		{"dictionary overflow falls back to PLAIN", 6, {0}, 30000, 1, 20000, PQ_CODEC_ZSTD, 0, 4096},
		{"lz4, row groups of 7", 6, {0}, 100, 1, 3, PQ_CODEC_LZ4_RAW, 7, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memcpy(cases[i].types, all, sizeof all);
		if (!pq_codec_supported(cases[i].codec))
			cases[i].codec = PQ_CODEC_ZSTD;
		round_trip(&cases[i], heap);
	}
	/* dictionary bit widths 1..17 */
	int good = 1;
	for (int bw = 1; bw <= 17; bw++) {
		struct rt_case tc = {"bit width", 1, {WB_TYPE_BIGINT}, (1 << bw) + 100, 0, 1 << bw, PQ_CODEC_ZSTD, 0, 0};
		int before = tap_failed;
		round_trip(&tc, heap);
		good &= tap_failed == before;
	}
	ok(good, "BIGINT columns of 2 to 2^17 distinct values round trip");
	free(heap);

	/* refused types and values */
	struct wb_error err = WB_ERROR_INIT;
	struct pq_write_options o;
	pq_write_options_init(&o);
	char path[512];
	snprintf(path, sizeof path, "%s/bad.parquet", tmpdir);
	char *nm[1] = {"iv"};
	wb_type iv[1] = {WB_TYPE_INTERVAL};
	ok(pq_writer_open(path, 1, nm, iv, &o, &err) == NULL && err.msg && strstr(err.msg, "INTERVAL"),
	    "INTERVAL is refused: %s", err.msg ? err.msg : "");
	err_clear(&err);
	wb_type dt[1] = {WB_TYPE_DATE};
	struct pq_writer *w = pq_writer_open(path, 1, nm, dt, &o, &err);
	struct chunk c;
	chunk_init(&c, 1, dt);
	chunk_reset(&c);
	vec_i64(&c.cols[0])[0] = (int64_t)1 << 40;
	c.cols[0].n = c.n = 1;
	int rc = pq_writer_write(w, &c, &err);
	if (rc == 0)
		rc = pq_writer_close(w, NULL, &err);
	else
		pq_writer_abort(w);
	ok(rc < 0 && err.msg && strstr(err.msg, "DATE range") && access(path, F_OK) != 0,
	    "a DATE beyond INT32 days fails and leaves no file: %s", err.msg ? err.msg : "");
	err_clear(&err);
	chunk_free(&c);
	ok(pq_writer_open("/nonexistent-dir/x.parquet", 1, nm, dt, &o, &err) == NULL && err.msg &&
	    strstr(err.msg, "/nonexistent-dir/x.parquet"), "unwritable path named: %s", err.msg ? err.msg : "");
	err_clear(&err);
}

/* Statistics handed to Delta: a DOUBLE column with a NaN has no bounds
 * (NaN sorts above them), one without has exact ones. */
static void
test_nan_stats(void)
{
	char path[512];
	snprintf(path, sizeof path, "%s/nan.parquet", tmpdir);
	char *names[2] = {"with_nan", "without"};
	wb_type t[2] = {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE};
	struct pq_write_options o;
	pq_write_options_init(&o);
	struct wb_error err = WB_ERROR_INIT;
	struct pq_writer *w = pq_writer_open(path, 2, names, t, &o, &err);
	struct chunk c;
	chunk_init(&c, 2, t);
	chunk_reset(&c);
	for (int i = 0; i < 100; i++) {
		vec_f64(&c.cols[0])[i] = i == 50 ? NAN : i;
		vec_f64(&c.cols[1])[i] = i - 10;
	}
	c.cols[0].n = c.cols[1].n = c.n = 100;
	pq_writer_write(w, &c, &err);
	chunk_free(&c);
	struct pq_write_stats st = {0};
	ok(pq_writer_close(w, &st, &err) == 0, "NaN file written");
	ok(!st.cols[0].has_minmax, "a DOUBLE column with a NaN has no bounds for Delta");
	ok(st.cols[1].has_minmax && st.cols[1].min.u.d == -10 && st.cols[1].max.u.d == 89, "one without has exact bounds");
	pq_write_stats_free(&st);
	err_clear(&err);
}

/* Parts fed out of order (as parallel workers would) still give a file in
 * input order, with full row groups across morsels. */
static void
test_parts_order(void)
{
	char path[512];
	snprintf(path, sizeof path, "%s/parts.parquet", tmpdir);
	char *names[1] = {"x"};
	wb_type t[1] = {WB_TYPE_BIGINT};
	struct pq_write_options o;
	pq_write_options_init(&o);
	o.row_group_rows = 10000;
	struct wb_error err = WB_ERROR_INIT;
	struct pq_writer *w = pq_writer_open(path, 1, names, t, &o, &err);
	struct pq_part *parts[3] = {pq_writer_part(w), pq_writer_part(w), pq_writer_part(w)};
	/* morsels of 3333 rows (2 chunks of 2000 and 1333); morsel m goes to
	 * part m % 3; delivered in a shuffled order; morsel 5 is missing
	 * (all its rows filtered away) */
	int order[] = {2, 0, 1, 4, 3, 7, 6, 9, 8, 10, 12, 11, 14, 13};
	struct chunk c;
	chunk_init(&c, 1, t);
	int64_t total = 0;
	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
		int m = order[k];
		for (int ch = 0; ch < 2; ch++) {
			int n = ch == 0 ? 2000 : 1333;
			chunk_reset(&c);
			for (int i = 0; i < n; i++)
				vec_i64(&c.cols[0])[i] = (int64_t)m * 3333 + ch * 2000 + i;
			c.cols[0].n = c.n = n;
			c.seq = ((uint64_t)m << 24) | (uint64_t)ch;
			pq_part_write(parts[m % 3], &c, &err);
			total += n;
		}
	}
	chunk_free(&c);
	struct pq_write_stats st = {0};
	ok(pq_writer_close(w, &st, &err) == 0 && st.rows == total, "parts: %lld rows written", (long long)st.rows);
	ok(st.row_groups == (int)((total + 9999) / 10000), "parts: row groups are full across morsels (%d)", st.row_groups);
	pq_write_stats_free(&st);
	char *paths[1] = {path};
	struct pq_read_options ro;
	pq_read_options_init(&ro);
	struct source *s = pq_source_open(paths, 1, &ro, &err);
	s->ops->start(s, &err);
	void *rd = s->ops->reader_new(s);
	struct chunk in;
	chunk_init(&in, 1, t);
	int64_t prev = -1, got = 0;
	bool sorted = true;
	int k;
	while ((k = s->ops->next(s, rd, &in, &err)) > 0) {
		for (int i = 0; i < k; i++) {
			int64_t x = vec_i64(&in.cols[0])[i];
			sorted &= x > prev;
			prev = x;
		}
		got += k;
	}
	ok(sorted && got == total, "parts: read back in input order (%lld rows)", (long long)got);
	chunk_free(&in);
	s->ops->reader_free(s, rd);
	source_free(s);
	err_clear(&err);
}

/* ------------------------------------------------------------ files */

/* Scan every column of a file with one reader; rows or -1 (err set). */
static int64_t
scan_all(const char *path, struct wb_error *err)
{
	char *paths[1] = {(char *)path};
	struct pq_read_options o;
	pq_read_options_init(&o);
	struct source *s = pq_source_open(paths, 1, &o, err);
	if (s == NULL)
		return -1;
	/* every flat column */
	int cols[256], n = 0;
	wb_type types[256];
	for (int c = 0; c < s->ncol && n < 256; c++) {
		cols[n] = c;
		types[n++] = s->types[c];
	}
	source_project(s, cols, n);
	int64_t rows = -1;
	if (s->ops->start(s, err) < 0) {
		/* nested columns: project the readable ones only */
		err_clear(err);
		int m = 0;
		for (int k = 0; k < n; k++) {
			source_project(s, &cols[k], 1);
			if (s->ops->start(s, err) == 0) {
				cols[m] = cols[k];
				types[m++] = types[k];
			}
			err_clear(err);
		}
		n = m;
		source_project(s, cols, n);
	}
	void *r = s->ops->reader_new(s);
	struct chunk c;
	chunk_init(&c, n, types);
	int k;
	rows = 0;
	while ((k = s->ops->next(s, r, &c, err)) > 0) {
		/* touch every value (for ASan / valgrind) */
		for (int j = 0; j < n; j++)
			for (int i = 0; i < k; i++) {
				if (vec_is_null(&c.cols[j], i))
					continue;
				if (types[j] == WB_TYPE_VARCHAR) {
					wb_str x = vec_str_at(&c.cols[j], i);
					volatile char sink = x.n ? x.p[x.n - 1] : 0;
					(void)sink;
				} else if (type_is_list(types[j])) {
					wb_list l = vec_list(&c.cols[j])[i];
					size_t es = type_size(type_list_elem(types[j]));
					volatile char sink = l.n ? ((const char *)l.data)[(size_t)l.n * es - 1] : 0;
					(void)sink;
				}
			}
		rows += k;
	}
	if (k < 0)
		rows = -1;
	chunk_free(&c);
	s->ops->reader_free(s, r);
	source_free(s);
	return rows;
}

/* Every .parquet file of dir reads (rows > 0), and 300 damaged copies of
 * each read or fail with the file named. fuzz: the files are fuzzer
 * findings - any name, and they only must not crash. */
static void
test_dir(const char *dir, bool fuzz)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		if (!fuzz)
			ok(1, "# SKIP %s not found", dir);
		return;
	}
	char tmp[] = "/tmp/wb-test-parquet-XXXXXX";
	int fd = mkstemp(tmp);
	close(fd);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || (!fuzz && (l < 9 || strcmp(e->d_name + l - 8, ".parquet") != 0)))
			continue;
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct wb_error err = WB_ERROR_INIT;
		int64_t rows = scan_all(path, &err);
		if (fuzz) {
			ok(rows >= 0 || (err.msg && strstr(err.msg, path)), "fuzz finding %s: read or refused", e->d_name);
			err_clear(&err);
			continue;
		}
		ok(rows > 0, "%s: %lld rows%s%s", e->d_name, (long long)rows, err.msg ? ": " : "", err.msg ? err.msg : "");
		err_clear(&err);

		/* truncations and byte flips: an error naming the file, or data */
		FILE *f = fopen(path, "rb");
		fseek(f, 0, SEEK_END);
		long size = ftell(f);
		fseek(f, 0, SEEK_SET);
		char *bytes = xmalloc((size_t)size);
		if (fread(bytes, 1, (size_t)size, f) != (size_t)size)
			size = 0;
		fclose(f);
		int named = 1, tries = 0;
		for (int t = 0; t < 300 && size > 0; t++) {
			char *copy = xmalloc((size_t)size);
			memcpy(copy, bytes, (size_t)size);
			long len = size;
			if (t < 100) {
				len = (long)(rnd() % (uint64_t)size);
			} else {
				int flips = 1 + (int)(rnd() % 4);
				for (int k = 0; k < flips; k++) {
					/* the footer is the interesting part: aim there half the time */
					long at = rnd() % 2 ? (long)(rnd() % (uint64_t)size) : size - 1 - (long)(rnd() % 200 % (uint64_t)size);
					copy[at] = (char)rnd();
				}
			}
			FILE *w = fopen(tmp, "wb");
			fwrite(copy, 1, (size_t)len, w);
			fclose(w);
			rows = scan_all(tmp, &err);
			if (rows < 0 && (err.msg == NULL || strstr(err.msg, tmp) == NULL)) {
				named = 0;
				diag("unnamed error: %s", err.msg ? err.msg : "(none)");
			}
			err_clear(&err);
			free(copy);
			tries++;
		}
		ok(named, "%s: %d truncated or corrupted copies read or refused with the file named", e->d_name, tries);
		free(bytes);
	}
	closedir(d);
	unlink(tmp);
}

int
main(void)
{
	test_thrift_primitives();
	test_meta_round_trip();
	test_unknown_fields();
	test_page_header();
	test_bitpack();
	test_rle();
	test_delta();
	test_byte_arrays();
	test_codecs();
	test_text();
	snprintf(tmpdir, sizeof tmpdir, "%s/wb-test-parquet-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return 2;
	test_writer();
	test_nan_stats();
	test_parts_order();
	const char *top = getenv("WB_SRCDIR") ? getenv("WB_SRCDIR") : ".";
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/../shared/data/parquet", top);
	test_dir(dir, false);
	snprintf(dir, sizeof dir, "%s/tests/data/parquet", top);
	test_dir(dir, false);
	snprintf(dir, sizeof dir, "%s/tests/data/parquet/fuzz", top);
	test_dir(dir, true);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	return done_testing();
}
