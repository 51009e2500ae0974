/*
 * pq_nwrite: writing a file with nested columns from levels the caller
 * computed (see pq.h). Small by design: one row group, PLAIN values, RLE
 * levels in v1 data pages, pages cut at about 1 MiB on row boundaries.
 */
#include "config.h"
#include "store/parquet/pq_int.h"

#include "core/xmalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NW_PAGE_BYTES (1 << 20)
#define NW_MAX_DEPTH 16

struct nw_leaf {
	int elem;
	const char *path[NW_MAX_DEPTH];
	int npath;
	int max_def, max_rep;
};

struct nw {
	const struct pq_nelem *schema;
	int nschema;
	struct nw_leaf *leaves;
	int nleaves;
};

static int
nw_walk(struct nw *w, int *i, int depth, const char **path, int def, int rep, const char **why)
{
	if (*i >= w->nschema || depth >= NW_MAX_DEPTH) {
		*why = "the schema tree is malformed";
		return -1;
	}
	int at = (*i)++;
	const struct pq_nelem *e = &w->schema[at];
	def += e->repetition != 0;
	rep += e->repetition == 2;
	path[depth] = e->name;
	if (e->nchildren <= 0) {
		w->leaves = xrealloc(w->leaves, sizeof *w->leaves * (size_t)(w->nleaves + 1));
		struct nw_leaf *l = &w->leaves[w->nleaves++];
		l->elem = at;
		memcpy(l->path, path, sizeof l->path);
		l->npath = depth + 1;
		l->max_def = def;
		l->max_rep = rep;
		return 0;
	}
	for (int c = 0; c < e->nchildren; c++)
		if (nw_walk(w, i, depth + 1, path, def, rep, why) < 0)
			return -1;
	return 0;
}

static void
put_le32(struct strbuf *b, uint32_t v)
{
	char c[4] = {(char)v, (char)(v >> 8), (char)(v >> 16), (char)(v >> 24)};
	sb_add(b, c, 4);
}

/* The levels [from, to) hybrid-encoded with their 4-byte length. */
static void
put_levels(struct strbuf *b, const uint8_t *lv, int64_t from, int64_t to, int max)
{
	int64_t n = to - from;
	uint32_t *v = xmalloc(sizeof *v * (size_t)(n ? n : 1));
	for (int64_t i = 0; i < n; i++)
		v[i] = lv ? lv[from + i] : 0;
	struct strbuf t = STRBUF_INIT;
	pq_rle_encode(&t, v, (int)n, pq_bit_width((uint64_t)max));
	put_le32(b, (uint32_t)t.len);
	sb_add(b, t.s, t.len);
	sb_free(&t);
	free(v);
}

static void
put_values(struct strbuf *b, const struct pq_nelem *e, const void *vals, int64_t from, int64_t to)
{
	switch (e->type) {
	case WB_TYPE_BOOL: {
		const uint8_t *v = vals;
		size_t bytes = (size_t)(to - from + 7) / 8;
		uint8_t *d = xcalloc(1, bytes ? bytes : 1);
		for (int64_t i = from; i < to; i++)
			d[(i - from) >> 3] |= (uint8_t)((v[i] != 0) << ((i - from) & 7));
		sb_add(b, (const char *)d, bytes);
		free(d);
		break;
	}
	case WB_TYPE_VARCHAR: {
		const wb_str *v = vals;
		for (int64_t i = from; i < to; i++) {
			put_le32(b, v[i].n);
			sb_add(b, v[i].p, v[i].n);
		}
		break;
	}
	default: {
		const int64_t *v = vals;
		for (int64_t i = from; i < to; i++) {
			if (e->int32) {
				put_le32(b, (uint32_t)(int32_t)v[i]);
			} else {
				uint64_t x = (uint64_t)v[i];
				char c[8];
				for (int k = 0; k < 8; k++)
					c[k] = (char)(x >> (8 * k));
				sb_add(b, c, 8);
			}
		}
	}
	}
}

static size_t
value_bytes(const struct pq_nelem *e, const void *vals, int64_t i)
{
	switch (e->type) {
	case WB_TYPE_BOOL: return 1;
	case WB_TYPE_VARCHAR: return 4 + ((const wb_str *)vals)[i].n;
	default: return e->int32 ? 4 : 8;
	}
}

/* Check a leaf's levels against its place in the tree. */
static const char *
check_leaf(const struct nw_leaf *l, const struct pq_nleaf *d, int64_t rows)
{
	int64_t nrows = 0, nvals = 0;
	for (int64_t i = 0; i < d->nlevels; i++) {
		int r = d->rep ? d->rep[i] : 0, df = d->def[i];
		if (r > l->max_rep || df > l->max_def)
			return "a level above the column's maximum";
		if (i == 0 && r != 0)
			return "the first level does not start a row";
		nrows += r == 0;
		nvals += df == l->max_def;
	}
	if (nrows != rows)
		return "the levels do not hold the file's row count";
	if (nvals != d->nvals)
		return "the levels do not match the number of values";
	return NULL;
}

static int
write_chunk(struct nw *w, int li, const struct pq_nleaf *d, int codec, struct pq_zctx *z, struct strbuf *out,
    int64_t base, struct arena *a, struct pq_column_chunk *cc)
{
	const struct nw_leaf *l = &w->leaves[li];
	const struct pq_nelem *e = &w->schema[l->elem];
	struct strbuf page = STRBUF_INIT, comp = STRBUF_INIT;
	int64_t start = base + (int64_t)out->len, usize = 0, csize = 0;
	int64_t lv = 0, val = 0;
	while (lv < d->nlevels || (lv == 0 && d->nlevels == 0)) {
		/* a page: levels [lv, end), values [val, vend) */
		int64_t end = lv, vend = val;
		size_t bytes = 0;
		while (end < d->nlevels) {
			if (d->def[end] == l->max_def) {
				bytes += value_bytes(e, d->vals, vend);
				vend++;
			}
			end++;
			if (bytes >= NW_PAGE_BYTES && end < d->nlevels && (d->rep ? d->rep[end] : 0) == 0)
				break;
		}
		sb_clear(&page);
		if (l->max_rep > 0)
			put_levels(&page, d->rep, lv, end, l->max_rep);
		if (l->max_def > 0)
			put_levels(&page, d->def, lv, end, l->max_def);
		put_values(&page, e, d->vals, val, vend);
		sb_clear(&comp);
		size_t clen = pq_compress(codec, 0, z, (const uint8_t *)page.s, page.len, &comp);
		struct pq_page_header h;
		memset(&h, 0, sizeof h);
		h.type = PQ_PAGE_DATA;
		h.uncompressed_size = (int32_t)page.len;
		h.compressed_size = (int32_t)clen;
		h.has_data = true;
		h.data.num_values = (int32_t)(end - lv);
		h.data.encoding = PQ_ENC_PLAIN;
		h.data.def_encoding = PQ_ENC_RLE;
		h.data.rep_encoding = PQ_ENC_RLE;
		size_t at = out->len;
		pq_page_header_encode(out, &h);
		size_t hl = out->len - at;
		sb_add(out, comp.s, clen);
		usize += (int64_t)(hl + page.len);
		csize += (int64_t)(hl + clen);
		lv = end;
		val = vend;
		if (d->nlevels == 0)
			break;
	}
	sb_free(&page);
	sb_free(&comp);
	memset(cc, 0, sizeof *cc);
	cc->file_offset = start;
	cc->has_meta = true;
	struct pq_column_meta *m = &cc->meta;
	m->type = e->type == WB_TYPE_BOOL ? PQ_BOOLEAN : e->type == WB_TYPE_VARCHAR ? PQ_BYTE_ARRAY :
	    e->int32 ? PQ_INT32 : PQ_INT64;
	m->nenc = 2;
	m->encodings = arena_alloc(a, sizeof *m->encodings * 2);
	m->encodings[0] = PQ_ENC_PLAIN;
	m->encodings[1] = PQ_ENC_RLE;
	m->npath = l->npath - 1;   /* without the root */
	m->path = arena_alloc(a, sizeof *m->path * (size_t)m->npath);
	for (int k = 0; k < m->npath; k++)
		m->path[k] = (char *)l->path[k + 1];
	m->codec = codec;
	m->num_values = d->nlevels;
	m->total_uncompressed_size = usize;
	m->total_compressed_size = csize;
	m->data_page_offset = start;
	m->index_page_offset = m->dictionary_page_offset = -1;
	return 0;
}

static void
elem_init(struct pq_schema_elem *s)
{
	memset(s, 0, sizeof *s);
	s->type = s->repetition = s->num_children = s->converted = -1;
	s->type_length = s->scale = s->precision = s->field_id = -1;
}

int
pq_nwrite(const char *path, const struct pq_nelem *schema, int nschema, const struct pq_nleaf *leaves,
    int64_t rows, int codec, struct wb_error *err)
{
	struct nw w = {schema, nschema, NULL, 0};
	const char *why = NULL, *names[NW_MAX_DEPTH];
	int i = 1;
	names[0] = schema[0].name;
	for (int c = 0; c < schema[0].nchildren; c++)
		if (nw_walk(&w, &i, 1, names, 0, 0, &why) < 0)
			break;
	if (why == NULL && i != nschema)
		why = "the schema tree has elements outside the root";
	for (int k = 0; why == NULL && k < w.nleaves; k++) {
		why = check_leaf(&w.leaves[k], &leaves[k], rows);
		if (why)
			err_set(err, -1, "cannot write '%s': leaf %d (%s): %s", path, k, schema[w.leaves[k].elem].name, why);
	}
	if (why) {
		err_set(err, -1, "cannot write '%s': %s", path, why);
		free(w.leaves);
		return -1;
	}

	struct arena *a = arena_new(4096);
	struct strbuf out = STRBUF_INIT;
	struct pq_zctx *z = pq_zctx_new();
	sb_add(&out, "PAR1", 4);
	struct pq_row_group rg;
	memset(&rg, 0, sizeof rg);
	rg.ncols = w.nleaves;
	rg.cols = arena_alloc(a, sizeof *rg.cols * (size_t)(w.nleaves ? w.nleaves : 1));
	rg.num_rows = rows;
	rg.file_offset = 4;
	rg.ordinal = 0;
	for (int k = 0; k < w.nleaves; k++) {
		write_chunk(&w, k, &leaves[k], codec, z, &out, 0, a, &rg.cols[k]);
		rg.total_byte_size += rg.cols[k].meta.total_uncompressed_size;
	}
	rg.total_compressed_size = (int64_t)out.len - 4;
	pq_zctx_free(z);

	struct pq_file_meta m;
	memset(&m, 0, sizeof m);
	m.version = 1;
	m.nschema = nschema;
	m.schema = arena_alloc(a, sizeof *m.schema * (size_t)nschema);
	for (int k = 0; k < nschema; k++) {
		const struct pq_nelem *e = &schema[k];
		struct pq_schema_elem *s = &m.schema[k];
		elem_init(s);
		s->name = (char *)e->name;
		if (k > 0)
			s->repetition = e->repetition;
		if (e->nchildren > 0) {
			s->num_children = e->nchildren;
			if (e->annot == PQ_NA_MAP) {
				s->converted = PQ_CT_MAP;
				s->logical.kind = PQ_LT_MAP;
			} else if (e->annot == PQ_NA_LIST) {
				s->converted = PQ_CT_LIST;
				s->logical.kind = PQ_LT_LIST;
			}
		} else if (e->type == WB_TYPE_VARCHAR) {
			s->type = PQ_BYTE_ARRAY;
			s->converted = PQ_CT_UTF8;
			s->logical.kind = PQ_LT_STRING;
		} else if (e->type == WB_TYPE_BOOL) {
			s->type = PQ_BOOLEAN;
		} else {
			s->type = e->int32 ? PQ_INT32 : PQ_INT64;
		}
	}
	m.num_rows = rows;
	m.nrg = 1;
	m.rgs = &rg;
	m.created_by = "wb version " PACKAGE_VERSION;
	m.ncolumn_orders = w.nleaves;
	struct strbuf foot = STRBUF_INIT;
	pq_meta_encode(&foot, &m);
	sb_add(&out, foot.s, foot.len);
	put_le32(&out, (uint32_t)foot.len);
	sb_add(&out, "PAR1", 4);
	sb_free(&foot);
	arena_free(a);
	free(w.leaves);

	int rc = 0;
	FILE *fp = fopen(path, "wb");
	if (fp == NULL || fwrite(out.s, 1, out.len, fp) != out.len || fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		err_set(err, -1, "cannot write '%s': %s", path, strerror(errno));
		rc = -1;
	}
	if (fp && fclose(fp) != 0 && rc == 0) {
		err_set(err, -1, "cannot write '%s': %s", path, strerror(errno));
		rc = -1;
	}
	if (rc < 0)
		unlink(path);
	sb_free(&out);
	return rc;
}
