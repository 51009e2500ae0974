/*
 * pq_wcol: encoding one column chunk for the writer.
 *
 * Input: n rows of one wb column (values in wb's representation, NULL
 * flags). Output: the chunk's pages appended to a buffer - a PLAIN
 * dictionary page and RLE_DICTIONARY data pages when a dictionary pays
 * off, else PLAIN data pages - and its ColumnMetaData with offsets relative
 * to the chunk's start, plus statistics.
 *
 * Data pages are v1: <4-byte length><RLE definition levels><values>, one
 * page per page_bytes of encoded values, each compressed on its own.
 *
 * The dictionary is abandoned (PLAIN) when its PLAIN size passes
 * dict_bytes, or when it would not be smaller than PLAIN values: the
 * dictionary page plus the bit-packed indices against the PLAIN values.
 * Since the general-purpose codec also removes repetition, a dictionary is
 * only kept when it saves at least a quarter of the PLAIN size.
 */
#include "store/parquet/pq_int.h"
#include "core/hash.h"
#include "core/list.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STAT_TRUNC 64   /* longest string statistic written to the file */

struct pq_cenc *
pq_cenc_new(void)
{
	struct pq_cenc *e = xcalloc(1, sizeof *e);
	e->z = pq_zctx_new();
	return e;
}

void
pq_cenc_free(struct pq_cenc *e)
{
	if (e == NULL)
		return;
	pq_zctx_free(e->z);
	sb_free(&e->page);
	sb_free(&e->comp);
	sb_free(&e->alt[0]);
	sb_free(&e->alt[1]);
	free(e->idx);
	free(e->slots);
	free(e->dkeys);
	free(e->dstrs);
	free(e->dhash);
	free(e->dense);
	free(e->lv);
	free(e->ldefs);
	free(e->lreps);
	free(e);
}

static void *
grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 1024;
	while (c < need)
		c *= 2;
	*cap = c;
	return xrealloc(p, c * elem);
}

/* ------------------------------------------------------------ dictionary */

static void
dict_reset(struct pq_cenc *e, size_t expect)
{
	size_t ns = 1024;
	while (ns < expect * 2)
		ns *= 2;
	if (e->nslots < ns) {
		free(e->slots);
		e->slots = xmalloc(sizeof *e->slots * ns);
		e->nslots = ns;
	}
	memset(e->slots, 0, sizeof *e->slots * e->nslots);
	e->ndict = 0;
	memset(e->cache, 0, sizeof e->cache);
}

static void
rehash(struct pq_cenc *e, bool str)
{
	size_t ns = e->nslots * 2;
	free(e->slots);
	e->slots = xcalloc(ns, sizeof *e->slots);
	e->nslots = ns;
	for (uint32_t i = 0; i < e->ndict; i++) {
		uint64_t h = str ? e->dhash[i] : hash_u64(e->dkeys[i]);
		size_t s = (size_t)h & (ns - 1);
		while (e->slots[s])
			s = (s + 1) & (ns - 1);
		e->slots[s] = i + 1;
	}
}

/* Index of key k in the dictionary, added if new. */
static inline uint32_t
dict_key(struct pq_cenc *e, uint64_t k)
{
	uint64_t h = hash_u64(k);
	size_t mask = e->nslots - 1, s = (size_t)h & mask;
	for (;;) {
		uint32_t v = e->slots[s];
		if (v == 0)
			break;
		if (e->dkeys[v - 1] == k)
			return v - 1;
		s = (s + 1) & mask;
	}
	e->dkeys = grow(e->dkeys, &e->dkeys_cap, (size_t)e->ndict + 1, sizeof *e->dkeys);
	e->dkeys[e->ndict] = k;
	e->slots[s] = ++e->ndict;
	if ((size_t)e->ndict * 2 > e->nslots)
		rehash(e, false);
	return e->ndict - 1;
}

static inline uint32_t
dict_str(struct pq_cenc *e, wb_str x)
{
	/* copies of one value from a dictionary-encoded input share their
	 * pointer: a direct-mapped cache on the pointer skips hashing */
	size_t c = ((uintptr_t)x.p >> 3 ^ x.n) & (PQ_ENC_CACHE - 1);
	if (e->cache[c].p == x.p && e->cache[c].n == x.n && x.p != NULL)
		return e->cache[c].idx;
	uint64_t h = hash_bytes(x.p, x.n);
	size_t mask = e->nslots - 1, s = (size_t)h & mask;
	uint32_t r;
	for (;;) {
		uint32_t v = e->slots[s];
		if (v == 0)
			break;
		if (e->dhash[v - 1] == h && wb_str_eq(e->dstrs[v - 1], x)) {
			r = v - 1;
			goto found;
		}
		s = (s + 1) & mask;
	}
	e->dstrs = grow(e->dstrs, &e->dstrs_cap, (size_t)e->ndict + 1, sizeof *e->dstrs);
	e->dhash = grow(e->dhash, &e->dhash_cap, (size_t)e->ndict + 1, sizeof *e->dhash);
	e->dstrs[e->ndict] = x;
	e->dhash[e->ndict] = h;
	e->slots[s] = ++e->ndict;
	r = e->ndict - 1;
	if ((size_t)e->ndict * 2 > e->nslots)
		rehash(e, true);
found:
	e->cache[c].p = x.p;
	e->cache[c].n = x.n;
	e->cache[c].idx = r;
	return r;
}

/* ------------------------------------------------------------ statistics */

static bool
all_ascii(const char *p, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if (w & 0x8080808080808080ULL)
			return false;
	}
	for (; i < n; i++)
		if ((unsigned char)p[i] & 0x80)
			return false;
	return true;
}

static struct pq_bin
bin_copy(struct arena *a, const void *p, size_t n)
{
	struct pq_bin b = {NULL, (uint32_t)n, true};
	uint8_t *d = arena_alloc(a, n ? n : 1);
	if (n)
		memcpy(d, p, n);
	b.p = d;
	return b;
}

/* Length of the longest prefix of s, at most max bytes, that ends on a
 * UTF-8 character boundary. */
static size_t
utf8_cut(wb_str s, size_t max)
{
	size_t n = s.n < max ? s.n : max;
	while (n > 0 && n < s.n && ((unsigned char)s.p[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* String min/max into the file's statistics: exact up to STAT_TRUNC
 * bytes; longer ones become a shorter lower bound (a prefix) and upper
 * bound (a prefix with its last ASCII character incremented), or no upper
 * bound at all. */
static void
str_stats(struct pq_stats *st, struct arena *a, wb_str mn, wb_str mx, bool ascii)
{
	if (mn.n <= STAT_TRUNC) {
		st->min_value = bin_copy(a, mn.p, mn.n);
		st->min_exact = 1;
	} else {
		st->min_value = bin_copy(a, mn.p, utf8_cut(mn, STAT_TRUNC));
		st->min_exact = 0;
	}
	if (mx.n <= STAT_TRUNC) {
		st->max_value = bin_copy(a, mx.p, mx.n);
		st->max_exact = 1;
	} else {
		size_t n = utf8_cut(mx, STAT_TRUNC);
		while (n > 0 && (unsigned char)mx.p[n - 1] >= 0x7f)
			n--;
		if (n > 0) {
			st->max_value = bin_copy(a, mx.p, n);
			((uint8_t *)st->max_value.p)[n - 1]++;
			st->max_exact = 0;
		}
	}
	/* the deprecated fields order bytes as signed: equal for ASCII */
	if (ascii) {
		st->min = st->min_value;
		if (st->max_value.set)
			st->max = st->max_value;
	}
}

/* ------------------------------------------------------------ pages */

static void
put_le32(struct strbuf *b, uint32_t v)
{
	char c[4] = {(char)v, (char)(v >> 8), (char)(v >> 16), (char)(v >> 24)};
	sb_add(b, c, 4);
}

/* Compress e->page and append header + data to out. */
static void
emit_page(struct pq_cenc *e, const struct pq_write_options *o, struct pq_page_header *h, struct strbuf *out,
    int64_t *usize, int64_t *csize)
{
	sb_clear(&e->comp);
	size_t clen = pq_compress(o->codec, o->level, e->z, (const uint8_t *)e->page.s, e->page.len, &e->comp);
	h->uncompressed_size = (int32_t)e->page.len;
	h->compressed_size = (int32_t)clen;
	size_t at = out->len;
	pq_page_header_encode(out, h);
	size_t hl = out->len - at;
	if (clen)
		sb_add(out, e->comp.s, clen);
	*usize += (int64_t)(hl + e->page.len);
	*csize += (int64_t)(hl + clen);
}

static size_t
plain_width(wb_type t)
{
	switch (t) {
	case WB_TYPE_BOOL: return 0;   /* bits */
	case WB_TYPE_DATE: return 4;
	default: return 8;
	}
}

/* PLAIN bytes of dense values [from, to). */
static void
put_plain(struct strbuf *b, wb_type t, const void *dense, int64_t from, int64_t to)
{
	switch (t) {
	case WB_TYPE_BOOL: {
		const uint8_t *v = dense;
		int64_t n = to - from;
		size_t bytes = (size_t)(n + 7) / 8;
		sb_reserve(b, bytes);
		uint8_t *d = (uint8_t *)b->s + b->len;
		memset(d, 0, bytes);
		for (int64_t i = 0; i < n; i++)
			d[i >> 3] |= (uint8_t)((v[from + i] != 0) << (i & 7));
		b->len += bytes;
		b->s[b->len] = '\0';
		break;
	}
	case WB_TYPE_DATE: {
		const int64_t *v = dense;
		sb_reserve(b, (size_t)(to - from) * 4);
		char *d = b->s + b->len;
		for (int64_t i = from; i < to; i++) {
			int32_t x = (int32_t)v[i];
			memcpy(d, &x, 4);
			d += 4;
		}
		b->len += (size_t)(to - from) * 4;
		b->s[b->len] = '\0';
		break;
	}
	case WB_TYPE_VARCHAR: {
		const wb_str *v = dense;
		size_t bytes = 0;
		for (int64_t i = from; i < to; i++)
			bytes += 4 + (size_t)v[i].n;
		sb_reserve(b, bytes);
		char *d = b->s + b->len;
		for (int64_t i = from; i < to; i++) {
			uint32_t n = v[i].n;
			memcpy(d, &n, 4);
			if (n)
				memcpy(d + 4, v[i].p, n);
			d += 4 + n;
		}
		b->len += bytes;
		b->s[b->len] = '\0';
		break;
	}
	default:
		if (to > from)
			sb_add(b, (const char *)dense + (size_t)from * 8, (size_t)(to - from) * 8);
	}
}

/* ------------------------------------------------------------ the chunk */

struct chunk_pages {
	int64_t dict_off, data_off;   /* relative to where the chunk starts in out */
	int64_t usize, csize;
	int64_t dict_csize;           /* of the dictionary page, header included */
};

/* The levels of a chunk: n of them; flat columns take definition levels
 * from NULL flags (nulls, NULL when none), lists from defs and reps. */
struct levels {
	int64_t n, nv;           /* levels, present values */
	const uint8_t *nulls;
	const uint8_t *defs, *reps;
	int max_def;
};

/* The dictionary page (use_dict) and data pages of a chunk, appended to out. */
static void
emit_chunk(struct pq_cenc *e, const struct pq_write_options *o, wb_type t, const struct levels *lv, const void *dense,
    size_t plain_bytes, bool use_dict, int bw, struct strbuf *out, struct chunk_pages *cp)
{
	int64_t n = lv->n, nv = lv->nv;
	size_t start = out->len;
	cp->dict_off = -1;
	cp->usize = cp->csize = cp->dict_csize = 0;
	if (use_dict) {
		sb_clear(&e->page);
		if (t == WB_TYPE_VARCHAR)
			put_plain(&e->page, t, e->dstrs, 0, e->ndict);
		else
			put_plain(&e->page, t, e->dkeys, 0, e->ndict);
		struct pq_page_header h;
		memset(&h, 0, sizeof h);
		h.type = PQ_PAGE_DICT;
		h.has_dict = true;
		h.dict.num_values = (int32_t)e->ndict;
		h.dict.encoding = PQ_ENC_PLAIN;
		h.dict.is_sorted = -1;
		cp->dict_off = (int64_t)(out->len - start);
		emit_page(e, o, &h, out, &cp->usize, &cp->csize);
		cp->dict_csize = cp->csize;
	}

	/* data pages: rows per page from the average encoded size */
	double per_row = use_dict ? bw / 8.0 : (double)plain_bytes / (double)(nv > 0 ? nv : 1);
	per_row = per_row * (double)nv / (double)(n > 0 ? n : 1) + 0.125;
	int64_t rows_per_page = (int64_t)((double)o->page_bytes / per_row);
	if (rows_per_page < 1024)
		rows_per_page = 1024;
	if (rows_per_page > (int64_t)1 << 30)
		rows_per_page = (int64_t)1 << 30;
	cp->data_off = (int64_t)(out->len - start);
	int64_t vpos = 0;
	int dbw = pq_bit_width((uint64_t)lv->max_def);
	for (int64_t r0 = 0, r1; r0 < n || (n == 0 && r0 == 0); r0 = r1) {
		r1 = r0 + rows_per_page < n ? r0 + rows_per_page : n;
		/* a list's levels stay together: pages end where a row ends */
		while (lv->reps && r1 < n && lv->reps[r1] != 0)
			r1++;
		int64_t rows = r1 - r0, nn = rows;
		sb_clear(&e->page);
		if (lv->reps) {
			/* repetition levels */
			put_le32(&e->page, 0);
			size_t rstart = e->page.len;
			e->lv = grow(e->lv, &e->lv_cap, (size_t)rows + 1, sizeof *e->lv);
			for (int64_t i = 0; i < rows; i++)
				e->lv[i] = lv->reps[r0 + i];
			pq_rle_encode(&e->page, e->lv, (int)rows, 1);
			uint32_t rlen = (uint32_t)(e->page.len - rstart);
			memcpy(e->page.s, &rlen, 4);
		}
		/* definition levels */
		size_t lhead = e->page.len;
		put_le32(&e->page, 0);
		size_t lstart = e->page.len;
		bool all_present = true;
		if (lv->defs) {
			for (int64_t i = r0; i < r1 && all_present; i++)
				all_present = lv->defs[i] == lv->max_def;
		} else if (lv->nulls) {
			for (int64_t i = r0; i < r1 && all_present; i++)
				all_present = !lv->nulls[i];
		}
		if (all_present) {
			pq_rle_encode_run(&e->page, (uint32_t)lv->max_def, rows, dbw);
		} else {
			e->lv = grow(e->lv, &e->lv_cap, (size_t)rows + 1, sizeof *e->lv);
			nn = 0;
			for (int64_t i = 0; i < rows; i++) {
				e->lv[i] = lv->defs ? lv->defs[r0 + i] : !lv->nulls[r0 + i];
				nn += e->lv[i] == (uint32_t)lv->max_def;
			}
			pq_rle_encode(&e->page, e->lv, (int)rows, dbw);
		}
		uint32_t llen = (uint32_t)(e->page.len - lstart);
		memcpy(e->page.s + lhead, &llen, 4);
		/* values */
		if (use_dict) {
			char c = (char)bw;
			sb_add(&e->page, &c, 1);
			pq_rle_encode(&e->page, e->idx + vpos, (int)nn, bw);
		} else {
			put_plain(&e->page, t, dense, vpos, vpos + nn);
		}
		vpos += nn;
		struct pq_page_header h;
		memset(&h, 0, sizeof h);
		h.type = PQ_PAGE_DATA;
		h.has_data = true;
		h.data.num_values = (int32_t)rows;
		h.data.encoding = use_dict ? PQ_ENC_RLE_DICTIONARY : PQ_ENC_PLAIN;
		h.data.def_encoding = PQ_ENC_RLE;
		h.data.rep_encoding = PQ_ENC_RLE;
		emit_page(e, o, &h, out, &cp->usize, &cp->csize);
		if (n == 0)
			break;
	}
}


int
pq_wcol_encode(struct pq_cenc *e, const struct pq_write_options *o, const struct pq_wcol_in *in, struct strbuf *out,
    struct arena *a, struct pq_wcol_res *res, struct wb_error *err)
{
	bool is_list = type_is_list(in->type);
	wb_type t = is_list ? type_list_elem(in->type) : in->type;
	int64_t n = in->n, nv = n - in->nnull;
	size_t es = type_size(t);
	memset(res, 0, sizeof *res);
	res->null_count = in->nnull;
	struct levels lv = {n, nv, in->nnull ? in->nulls : NULL, NULL, NULL, 1};

	/* dense non-NULL values */
	const void *dense = in->vals;
	if (is_list) {
		/* levels: a NULL list (rep 0, def 0), an empty one (0, 1), then
		 * per element rep 0 for the first and 1 after, def 3 when present
		 * and 2 when NULL (optional group / repeated group / optional element) */
		const wb_list *ls = in->vals;
		int64_t nl = 0, ne = 0;
		for (int64_t i = 0; i < n; i++) {
			bool null = in->nulls && in->nulls[i];
			nl += null || ls[i].n == 0 ? 1 : ls[i].n;
		}
		e->ldefs = grow(e->ldefs, &e->ldefs_cap, (size_t)nl + 1, 1);
		e->lreps = grow(e->lreps, &e->lreps_cap, (size_t)nl + 1, 1);
		e->dense = grow(e->dense, &e->dense_cap, (size_t)nl + 1, 16);
		char *d = e->dense;
		int64_t k = 0;
		for (int64_t i = 0; i < n; i++) {
			if ((in->nulls && in->nulls[i]) || ls[i].n == 0) {
				e->lreps[k] = 0;
				e->ldefs[k++] = in->nulls && in->nulls[i] ? 0 : 1;
				continue;
			}
			for (uint32_t j = 0; j < ls[i].n; j++) {
				e->lreps[k] = j == 0 ? 0 : 1;
				bool enull = list_is_null_at(ls[i], j);
				e->ldefs[k++] = enull ? 2 : 3;
				if (!enull)
					memcpy(d + (size_t)(ne++) * es, list_at(ls[i], t, j), es);
			}
		}
		lv = (struct levels){nl, ne, NULL, e->ldefs, e->lreps, 3};
		n = nl;
		nv = ne;
		dense = d;
	} else if (in->nnull > 0) {
		e->dense = grow(e->dense, &e->dense_cap, (size_t)nv + 1, 16);
		char *d = e->dense;
		const char *s = in->vals;
		int64_t k = 0;
		for (int64_t i = 0; i < n; i++)
			if (!in->nulls[i])
				memcpy(d + (size_t)(k++) * es, s + (size_t)i * es, es);
		dense = d;
	}
	if (t == WB_TYPE_DATE) {
		const int64_t *v = dense;
		for (int64_t i = 0; i < nv; i++)
			if (v[i] < INT32_MIN || v[i] > INT32_MAX) {
				err_set(err, -1, "column \"%s\": the date %lld days from 1970 is outside Parquet's DATE range",
				    in->name, (long long)v[i]);
				return -1;
			}
	}

	/* plain size, statistics over all values (a dictionary, when used,
	 * would give the same with fewer comparisons, but it is abandoned
	 * often enough that one pass here is simpler) */
	size_t plain_bytes = 0;
	bool ascii = true;
	if (t == WB_TYPE_VARCHAR) {
		const wb_str *v = dense;
		for (int64_t i = 0; i < nv; i++)
			plain_bytes += 4 + (size_t)v[i].n;
	} else if (t == WB_TYPE_BOOL) {
		plain_bytes = (size_t)(nv + 7) / 8;
	} else {
		plain_bytes = (size_t)nv * plain_width(t);
	}

	/* dictionary */
	bool use_dict = false, dict_ok = false, trial = false;
	int bw = 0;
	if (o->dictionary && t != WB_TYPE_BOOL && nv > 0) {
		e->idx = grow(e->idx, &e->idx_cap, (size_t)nv, sizeof *e->idx);
		dict_reset(e, 1024);
		size_t dbytes = 0, limit = (size_t)o->dict_bytes;
		bool ok = true;
		if (t == WB_TYPE_VARCHAR) {
			const wb_str *v = dense;
			for (int64_t i = 0; i < nv && ok; i++) {
				uint32_t before = e->ndict;
				e->idx[i] = dict_str(e, v[i]);
				if (e->ndict != before) {
					dbytes += 4 + (size_t)v[i].n;
					ok = dbytes <= limit;
				}
			}
		} else {
			const char *v = dense;
			size_t w = plain_width(t);
			for (int64_t i = 0; i < nv && ok; i++) {
				uint32_t before = e->ndict;
				uint64_t k;
				memcpy(&k, v + (size_t)i * 8, 8);   /* doubles by their bits */
				e->idx[i] = dict_key(e, k);
				if (e->ndict != before) {
					dbytes += w;
					ok = dbytes <= limit;
				}
			}
		}
		if (ok) {
			dict_ok = true;
			bw = pq_bit_width(e->ndict > 1 ? e->ndict - 1 : 1);
			size_t dict_size = dbytes + (size_t)((nv * bw + 7) / 8) + 16;
			/* few distinct values: the dictionary wins; many: zstd and
			 * friends find the repetition in PLAIN values too, so try
			 * both; a dictionary that saves little: PLAIN */
			if (dict_size * 4 <= plain_bytes * 3) {
				use_dict = true;
				trial = (int64_t)e->ndict * 10 > nv && o->codec != PQ_CODEC_UNCOMPRESSED;
			}
		}
	}

	/* statistics (none for lists: a reader would have to know whether
	 * null_count counts lists or elements) */
	if (nv > 0 && !is_list) {
		struct pq_stats *st = &res->meta.stats;
		st->max_exact = st->min_exact = -1;
		res->has_minmax = true;
		switch (t) {
		case WB_TYPE_VARCHAR: {
			const wb_str *v = dict_ok ? e->dstrs : dense;
			int64_t m = dict_ok ? e->ndict : nv;
			wb_str mn = v[0], mx = v[0];
			for (int64_t i = 1; i < m; i++) {
				if (wb_str_cmp(v[i], mn) < 0)
					mn = v[i];
				if (wb_str_cmp(v[i], mx) > 0)
					mx = v[i];
			}
			for (int64_t i = 0; i < m && ascii; i++)
				ascii = all_ascii(v[i].p, v[i].n);
			res->min.type = res->max.type = t;
			res->min.u.s = mn;
			res->max.u.s = mx;
			str_stats(st, a, mn, mx, ascii);
			break;
		}
		case WB_TYPE_DOUBLE: {
			const char *v = dict_ok ? (const char *)e->dkeys : dense;
			int64_t m = dict_ok ? e->ndict : nv;
			double mn = INFINITY, mx = -INFINITY;
			bool any = false;
			/* NaNs are left out of min/max (as the format says) and
			 * counted, so that readers know whether the bounds hold */
			const double *all = dense;
			st->has_nan_count = true;
			for (int64_t i = 0; i < nv; i++)
				st->nan_count += isnan(all[i]);
			res->nan_count = st->nan_count;
			for (int64_t i = 0; i < m; i++) {
				double x;
				memcpy(&x, v + (size_t)i * 8, 8);
				if (isnan(x))
					continue;
				any = true;
				if (x < mn)
					mn = x;
				if (x > mx)
					mx = x;
			}
			if (!any) {
				res->has_minmax = false;
				break;
			}
			/* -0.0 and +0.0 compare equal: widen to both */
			if (mn == 0)
				mn = -0.0;
			if (mx == 0)
				mx = 0.0;
			res->min.type = res->max.type = t;
			res->min.u.d = mn;
			res->max.u.d = mx;
			st->min_value = st->min = bin_copy(a, &mn, 8);
			st->max_value = st->max = bin_copy(a, &mx, 8);
			break;
		}
		case WB_TYPE_BOOL: {
			const uint8_t *v = dense;
			bool any_t = false, any_f = false;
			for (int64_t i = 0; i < nv && !(any_t && any_f); i++) {
				if (v[i])
					any_t = true;
				else
					any_f = true;
			}
			uint8_t mn = !any_f, mx = any_t;
			res->min.type = res->max.type = t;
			res->min.u.b = mn;
			res->max.u.b = mx;
			st->min_value = st->min = bin_copy(a, &mn, 1);
			st->max_value = st->max = bin_copy(a, &mx, 1);
			break;
		}
		default: {
			const char *v = dict_ok ? (const char *)e->dkeys : dense;
			int64_t m = dict_ok ? e->ndict : nv;
			int64_t mn, mx;
			memcpy(&mn, v, 8);
			mx = mn;
			for (int64_t i = 1; i < m; i++) {
				int64_t x;
				memcpy(&x, v + (size_t)i * 8, 8);
				if (x < mn)
					mn = x;
				if (x > mx)
					mx = x;
			}
			res->min.type = res->max.type = t;
			res->min.u.i = mn;
			res->max.u.i = mx;
			if (t == WB_TYPE_DATE) {
				int32_t a32 = (int32_t)mn, b32 = (int32_t)mx;
				st->min_value = st->min = bin_copy(a, &a32, 4);
				st->max_value = st->max = bin_copy(a, &b32, 4);
			} else {
				st->min_value = st->min = bin_copy(a, &mn, 8);
				st->max_value = st->max = bin_copy(a, &mx, 8);
			}
		}
		}
		if (res->has_minmax)
			st->min_exact = st->max_exact = 1;
	}
	res->meta.has_stats = !is_list;
	res->meta.stats.has_null_count = true;
	res->meta.stats.null_count = in->nnull;
	if (!res->has_minmax)
		res->meta.stats.max_exact = res->meta.stats.min_exact = -1;

	struct pq_column_meta *m = &res->meta;
	m->index_page_offset = -1;
	struct chunk_pages cp;
	if (!trial) {
		emit_chunk(e, o, t, &lv, dense, plain_bytes, use_dict, bw, out, &cp);
	} else {
		/* a dictionary of many distinct values: keep whichever is smaller
		 * after compression. Large chunks are tried on their first
		 * quarter (the dictionary page whole, the rest scaled up), which
		 * saves a third of the compression work of a full trial. */
		struct chunk_pages cd, cpl;
		struct levels sl = lv;
		size_t sample_bytes = plain_bytes;
		if (n > 65536) {
			int64_t k = n / 4 > 32768 ? n / 4 : 32768;
			while (lv.reps && k < n && lv.reps[k] != 0)
				k++;
			sl.n = k;
			sl.nv = 0;
			for (int64_t i = 0; i < k; i++)
				sl.nv += lv.defs ? lv.defs[i] == lv.max_def : !(lv.nulls && lv.nulls[i]);
			if (t == WB_TYPE_VARCHAR) {
				sample_bytes = 0;
				for (int64_t i = 0; i < sl.nv; i++)
					sample_bytes += 4 + (size_t)((const wb_str *)dense)[i].n;
			} else {
				sample_bytes = (size_t)((double)plain_bytes * (double)sl.nv / (double)(nv > 0 ? nv : 1));
			}
		}
		sb_clear(&e->alt[0]);
		sb_clear(&e->alt[1]);
		emit_chunk(e, o, t, &sl, dense, sample_bytes, true, bw, &e->alt[0], &cd);
		emit_chunk(e, o, t, &sl, dense, sample_bytes, false, bw, &e->alt[1], &cpl);
		if (sl.n == n) {
			use_dict = cd.csize < cpl.csize;
			const struct strbuf *pick = use_dict ? &e->alt[0] : &e->alt[1];
			cp = use_dict ? cd : cpl;
			sb_add(out, pick->s, pick->len);
		} else {
			double f = (double)nv / (double)(sl.nv > 0 ? sl.nv : 1);
			double est_dict = (double)cd.dict_csize + (double)(cd.csize - cd.dict_csize) * f;
			double est_plain = (double)cpl.csize * f;
			use_dict = est_dict < est_plain;
			emit_chunk(e, o, t, &lv, dense, plain_bytes, use_dict, bw, out, &cp);
		}
	}
	m->dictionary_page_offset = cp.dict_off;
	m->data_page_offset = cp.data_off;
	int64_t usize = cp.usize, csize = cp.csize;

	m->type = t == WB_TYPE_BOOL ? PQ_BOOLEAN : t == WB_TYPE_DOUBLE ? PQ_DOUBLE : t == WB_TYPE_VARCHAR ? PQ_BYTE_ARRAY :
	    t == WB_TYPE_DATE ? PQ_INT32 : PQ_INT64;
	m->nenc = use_dict ? 3 : 2;
	m->encodings = arena_alloc(a, sizeof(int) * 3);
	m->encodings[0] = PQ_ENC_PLAIN;
	m->encodings[1] = PQ_ENC_RLE;
	m->encodings[2] = PQ_ENC_RLE_DICTIONARY;
	m->npath = is_list ? 3 : 1;
	m->path = arena_alloc(a, sizeof(char *) * 3);
	m->path[0] = arena_strdup(a, in->name);
	m->path[1] = "list";
	m->path[2] = "element";
	m->codec = o->codec;
	m->num_values = n;
	m->total_uncompressed_size = usize;
	m->total_compressed_size = csize;
	res->dict_encoded = use_dict;
	return 0;
}
