/*
 * pq_column: decoding one column chunk of a flat column into vectors.
 *
 * Pages are read in order: at most one dictionary page first, then data
 * pages (v1 or v2; index pages are skipped). Each pq_cr_read() call takes
 * rows from as many pages as it needs. For each stretch of rows within a
 * page: definition levels give the NULLs and the number of values present;
 * those values are decoded densely (PLAIN, dictionary indices, RLE
 * booleans, delta encodings, byte stream split), converted to wb's
 * representation (pq_conv) and spread out over the non-NULL rows.
 *
 * Dictionaries are converted once, when their page is read; data pages
 * then gather converted values by index. A VARCHAR dictionary of at most
 * half the row group's rows is handed out as a DICT vector (codes only),
 * and kept until the scan ends.
 */
#include "store/parquet/pq_int.h"
#include "core/datetime.h"
#include "core/hash.h"
#include "core/list.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
cr_fail(struct pq_creader *c, struct wb_error *err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	err_set(err, -1, "%s: row group %d, column \"%s\": %s", c->file, c->rg, c->col->name, msg);
	return -1;
}

static void
retire(struct pq_creader *c, void *p)
{
	if (p == NULL)
		return;
	if (c->nretired == c->cap_retired) {
		c->cap_retired = c->cap_retired ? c->cap_retired * 2 : 8;
		c->retired = xrealloc(c->retired, sizeof *c->retired * (size_t)c->cap_retired);
	}
	c->retired[c->nretired++] = p;
}

static void
free_retired(struct pq_creader *c)
{
	for (int i = 0; i < c->nretired; i++)
		free(c->retired[i]);
	c->nretired = 0;
}

static inline int32_t ld32(const uint8_t *p) { int32_t v; memcpy(&v, p, 4); return v; }
static inline int64_t ld64(const uint8_t *p) { int64_t v; memcpy(&v, p, 8); return v; }
static inline float ldf(const uint8_t *p) { float v; memcpy(&v, p, 4); return v; }
static inline double ldd(const uint8_t *p) { double v; memcpy(&v, p, 8); return v; }

/* Bytes per PLAIN value of fixed width; 0 for BYTE_ARRAY, -1 for BOOLEAN. */
static int
plain_width(const struct pq_col *col)
{
	switch (col->ptype) {
	case PQ_BOOLEAN: return -1;
	case PQ_INT32: case PQ_FLOAT: return 4;
	case PQ_INT64: case PQ_DOUBLE: return 8;
	case PQ_INT96: return 12;
	case PQ_FLBA: return col->type_length;
	default: return 0;
	}
}

/* ------------------------------------------------------------ conversions */

static const double pow10_tab[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
	1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31,
	1e32, 1e33, 1e34, 1e35, 1e36, 1e37, 1e38,
};

static double
pow10_of(int32_t scale)
{
	if (scale >= 0 && scale <= 38)
		return pow10_tab[scale];
	return pow(10.0, scale);
}

/* A big-endian two's complement integer of n bytes, as a double. */
static double
be_int_to_double(const uint8_t *p, uint32_t n)
{
	if (n == 0)
		return 0;
	if (n <= 16) {
		unsigned __int128 u = (p[0] & 0x80) ? ~(unsigned __int128)0 : 0;
		for (uint32_t i = 0; i < n; i++)
			u = (u << 8) | p[i];
		return (double)(__int128)u;
	}
	/* wider than 128 bits: accumulate (rare; precision is a double's anyway) */
	bool neg = p[0] & 0x80;
	double d = 0;
	for (uint32_t i = 0; i < n; i++)
		d = d * 256.0 + (double)(neg ? (uint8_t)~p[i] : p[i]);
	return neg ? -(d + 1) : d;
}

static double
half_to_double(uint16_t h)
{
	int e = (h >> 10) & 0x1f, m = h & 0x3ff;
	double v;
	if (e == 0)
		v = ldexp(m, -24);
	else if (e == 31)
		v = m ? NAN : INFINITY;
	else
		v = ldexp(m + 1024, e - 25);
	return (h & 0x8000) ? -v : v;
}

struct str_alloc {
	char *(*fn)(void *arg, size_t n);
	void *arg;
};

static char *
vec_alloc_fn(void *arg, size_t n)
{
	return vec_str_alloc(arg, n);
}

static char *
arena_alloc_fn(void *arg, size_t n)
{
	return arena_alloc(arg, n ? n : 1);
}

static const char hexd[] = "0123456789abcdef";

static int
format_time(int64_t us, char *buf)
{
	int64_t secs = us / 1000000, frac = us % 1000000;
	if (us < 0) {
		/* times are within a day; keep garbage printable */
		secs = 0;
		frac = 0;
	}
	int n = sprintf(buf, "%02lld:%02d:%02d", (long long)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	if (frac) {
		n += sprintf(buf + n, ".%06d", (int)frac);
		while (buf[n - 1] == '0')
			buf[--n] = '\0';
	}
	return n;
}

/*
 * Convert m physical values (layout by c->col->ptype: BOOLEAN bytes,
 * INT32/FLOAT 4 bytes, INT64/DOUBLE 8 bytes, unaligned little endian;
 * INT96, FIXED and BYTE_ARRAY as wb_str views) into dst, an array of the
 * column's wb type.
 */
static int
convert(struct pq_creader *c, const void *phys, int m, void *dst, struct str_alloc al, const char **why)
{
	const uint8_t *p = phys;
	const wb_str *s = phys;
	int64_t *oi = dst;
	double *od = dst;
	uint8_t *ob = dst;
	wb_str *os = dst;
	const struct pq_col *col = c->col;

	switch (col->conv) {
	case PQ_CV_BOOL:
		for (int i = 0; i < m; i++)
			ob[i] = p[i] != 0;
		return 0;
	case PQ_CV_I32:
	case PQ_CV_DATE:
		for (int i = 0; i < m; i++)
			oi[i] = ld32(p + 4 * i);
		return 0;
	case PQ_CV_U32:
		for (int i = 0; i < m; i++)
			oi[i] = (uint32_t)ld32(p + 4 * i);
		return 0;
	case PQ_CV_I64:
	case PQ_CV_TS_US:
		memcpy(oi, p, 8 * (size_t)m);
		return 0;
	case PQ_CV_U64:
		memcpy(oi, p, 8 * (size_t)m);
		for (int i = 0; i < m; i++)
			if (oi[i] < 0) {
				*why = "an unsigned 64-bit value is larger than BIGINT can hold";
				return -1;
			}
		return 0;
	case PQ_CV_TS_MS:
		for (int i = 0; i < m; i++)
			if (__builtin_mul_overflow(ld64(p + 8 * i), 1000, &oi[i])) {
				*why = "a millisecond timestamp is out of range";
				return -1;
			}
		return 0;
	case PQ_CV_TS_NS:
		for (int i = 0; i < m; i++)
			oi[i] = ld64(p + 8 * i) / 1000;
		return 0;
	case PQ_CV_INT96:
		for (int i = 0; i < m; i++) {
			if (s[i].n != 12) {
				*why = "an INT96 value is not 12 bytes";
				return -1;
			}
			const uint8_t *b = (const uint8_t *)s[i].p;
			int64_t nanos = ld64(b);
			int64_t jd = ld32(b + 8);
			oi[i] = (int64_t)((uint64_t)(jd - 2440588) * 86400000000ULL + (uint64_t)(nanos / 1000));
		}
		return 0;
	case PQ_CV_F32:
		for (int i = 0; i < m; i++)
			od[i] = ldf(p + 4 * i);
		return 0;
	case PQ_CV_F64:
		memcpy(od, p, 8 * (size_t)m);
		return 0;
	case PQ_CV_DEC32: {
		double f = pow10_of(col->scale);
		for (int i = 0; i < m; i++)
			od[i] = (double)ld32(p + 4 * i) / f;
		return 0;
	}
	case PQ_CV_DEC64: {
		double f = pow10_of(col->scale);
		for (int i = 0; i < m; i++)
			od[i] = (double)ld64(p + 8 * i) / f;
		return 0;
	}
	case PQ_CV_DECBIN: {
		double f = pow10_of(col->scale);
		for (int i = 0; i < m; i++)
			od[i] = be_int_to_double((const uint8_t *)s[i].p, s[i].n) / f;
		return 0;
	}
	case PQ_CV_F16:
		for (int i = 0; i < m; i++) {
			const uint8_t *b = (const uint8_t *)s[i].p;
			od[i] = half_to_double((uint16_t)(b[0] | b[1] << 8));
		}
		return 0;
	case PQ_CV_STRING:
		for (int i = 0; i < m; i++) {
			if (pq_utf8_check((const uint8_t *)s[i].p, s[i].n) >= 0) {
				*why = "a string value is not valid UTF-8";
				return -1;
			}
			os[i] = s[i];
		}
		return 0;
	case PQ_CV_BLOB:
		for (int i = 0; i < m; i++) {
			size_t len = pq_blob_text_len((const uint8_t *)s[i].p, s[i].n);
			if (len == s[i].n) {
				os[i] = s[i];
				continue;
			}
			if (len > UINT32_MAX) {
				*why = "a binary value is too long";
				return -1;
			}
			char *t = al.fn(al.arg, len);
			pq_blob_text((const uint8_t *)s[i].p, s[i].n, t);
			os[i].p = t;
			os[i].n = (uint32_t)len;
		}
		return 0;
	case PQ_CV_UUID:
		for (int i = 0; i < m; i++) {
			const uint8_t *b = (const uint8_t *)s[i].p;
			char *t = al.fn(al.arg, 36);
			int o = 0;
			for (int k = 0; k < 16; k++) {
				if (k == 4 || k == 6 || k == 8 || k == 10)
					t[o++] = '-';
				t[o++] = hexd[b[k] >> 4];
				t[o++] = hexd[b[k] & 15];
			}
			os[i].p = t;
			os[i].n = 36;
		}
		return 0;
	case PQ_CV_TIME_MS:
	case PQ_CV_TIME_US:
	case PQ_CV_TIME_NS:
		for (int i = 0; i < m; i++) {
			int64_t us = col->conv == PQ_CV_TIME_MS ? (int64_t)ld32(p + 4 * i) * 1000 :
			    col->conv == PQ_CV_TIME_US ? ld64(p + 8 * i) : ld64(p + 8 * i) / 1000;
			char buf[64];
			int n = format_time(us, buf);
			char *t = al.fn(al.arg, (size_t)n);
			memcpy(t, buf, (size_t)n);
			os[i].p = t;
			os[i].n = (uint32_t)n;
		}
		return 0;
	case PQ_CV_INTERVAL: {
		wb_interval *iv = dst;
		for (int i = 0; i < m; i++) {
			const uint8_t *b = (const uint8_t *)s[i].p;
			iv[i].months = ld32(b);
			iv[i].days = ld32(b + 4);
			iv[i].micros = (int64_t)(uint32_t)ld32(b + 8) * 1000;
		}
		return 0;
	}
	default:
		*why = "a column of a type this reader cannot convert";
		return -1;
	}
}

/*
 * m PLAIN values from [*pp, end): returns a pointer to their physical
 * layout (into the page for fixed widths, else into scratch), advancing
 * *pp (and *bit for booleans). NULL when the page has fewer values.
 */
static const void *
plain_fetch(struct pq_creader *c, const uint8_t **pp, const uint8_t *end, int *bit, int m, const char **why)
{
	const uint8_t *p = *pp;
	int w = plain_width(c->col);
	size_t avail = (size_t)(end - p);
	if (w > 0) {
		if ((size_t)m * (size_t)w > avail)
			goto short_page;
		*pp = p + (size_t)m * (size_t)w;
		if (c->col->ptype == PQ_INT96 || c->col->ptype == PQ_FLBA) {
			for (int i = 0; i < m; i++) {
				c->scr.s[i].p = (const char *)p + (size_t)i * (size_t)w;
				c->scr.s[i].n = (uint32_t)w;
			}
			return c->scr.s;
		}
		return p;
	}
	if (w < 0) {
		/* booleans: one bit each, least significant first */
		size_t bits = (size_t)*bit + (size_t)m;
		if ((bits + 7) / 8 > avail)
			goto short_page;
		for (int i = 0; i < m; i++) {
			size_t b = (size_t)*bit + (size_t)i;
			c->scr.b[i] = (p[b >> 3] >> (b & 7)) & 1;
		}
		*pp = p + bits / 8;
		*bit = (int)(bits % 8);
		return c->scr.b;
	}
	for (int i = 0; i < m; i++) {
		if (end - p < 4)
			goto short_page;
		uint32_t len = (uint32_t)ld32(p);
		p += 4;
		if (len > (size_t)(end - p))
			goto short_page;
		c->scr.s[i].p = (const char *)p;
		c->scr.s[i].n = len;
		p += len;
	}
	*pp = p;
	return c->scr.s;
short_page:
	*why = "the page holds fewer values than its header says (truncated or corrupt)";
	return NULL;
}

/* ------------------------------------------------------------ pages */

/* The page's bytes after decompression: src itself when not compressed. */
static const uint8_t *
page_data(struct pq_creader *c, const uint8_t *src, size_t n, size_t out_n, bool compressed, uint8_t **own,
    size_t *len, struct wb_error *err)
{
	const char *why;
	*own = NULL;
	if (!compressed || c->codec == PQ_CODEC_UNCOMPRESSED) {
		*len = n;
		return src;
	}
	if (!pq_codec_supported(c->codec)) {
		cr_fail(c, err, "compressed with %s, which this build of wb cannot read", pq_codec_name(c->codec));
		return NULL;
	}
	if (pq_check_size(c->codec, src, n, out_n, &why) < 0) {
		cr_fail(c, err, "%s", why);
		return NULL;
	}
	uint8_t *buf = xmalloc(out_n ? out_n : 1);
	if (pq_decompress(c->codec, src, n, buf, out_n, &why) < 0) {
		free(buf);
		cr_fail(c, err, "%s", why);
		return NULL;
	}
	*own = buf;
	*len = out_n;
	return buf;
}

static void
drop_page_decoders(struct pq_creader *c)
{
	if (c->dba)
		pq_dba_fini(c->dba);
	retire(c, c->page_buf);
	retire(c, c->bss_buf);
	free(c->lvl_arr);
	c->page_buf = c->bss_buf = c->lvl_arr = NULL;
}

static int
load_dict(struct pq_creader *c, const struct pq_page_header *h, const uint8_t *body, struct wb_error *err)
{
	const char *why = NULL;
	if (h->dict.encoding != PQ_ENC_PLAIN && h->dict.encoding != PQ_ENC_PLAIN_DICTIONARY)
		return cr_fail(c, err, "the dictionary page is encoded with %s (expected PLAIN)", pq_enc_name(h->dict.encoding));
	size_t len;
	const uint8_t *d = page_data(c, body, (size_t)h->compressed_size, (size_t)h->uncompressed_size, true,
	    &c->dict_buf, &len, err);
	if (d == NULL)
		return -1;
	int64_t n = h->dict.num_values;
	int w = plain_width(c->col);
	if (n < 0 || (w > 0 && (uint64_t)n > len / (size_t)w) || (w == 0 && (uint64_t)n > len / 4) ||
	    (w < 0 && (uint64_t)n > len * 8))
		return cr_fail(c, err, "the dictionary page holds fewer values than its header says");
	size_t es = type_size(c->col->vtype);
	c->dict_vals = xmalloc(es * (size_t)(n ? n : 1));
	c->dict_n = n;
	c->has_dict = true;
	if (c->col->vtype == WB_TYPE_VARCHAR)
		c->dict_arena = arena_new(4096);
	struct str_alloc al = {arena_alloc_fn, c->dict_arena};
	const uint8_t *p = d, *end = d + len;
	int bit = 0;
	for (int64_t at = 0; at < n; at += WB_VEC_SIZE) {
		int k = n - at < WB_VEC_SIZE ? (int)(n - at) : WB_VEC_SIZE;
		const void *phys = plain_fetch(c, &p, end, &bit, k, &why);
		if (phys == NULL || convert(c, phys, k, (char *)c->dict_vals + (size_t)at * es, al, &why) < 0)
			return cr_fail(c, err, "dictionary page: %s", why);
	}
	/* strings of a small dictionary travel as codes */
	if (c->col->type == WB_TYPE_VARCHAR && n > 0 && n <= c->rows_total / 2 && n <= UINT32_MAX && c->keep) {
		struct wb_dict *dict = xcalloc(1, sizeof *dict);
		uint64_t *hashes = xmalloc(sizeof *hashes * (size_t)n);
		const wb_str *v = c->dict_vals;
		for (int64_t i = 0; i < n; i++)
			hashes[i] = hash_bytes(v[i].p, v[i].n);
		dict->n = (uint32_t)n;
		dict->vals = v;
		dict->id = dict_next_id();
		dict->hashes = hashes;
		pq_keep_ptr(c->keep, dict);
		pq_keep_ptr(c->keep, hashes);
		pq_keep_ptr(c->keep, c->dict_vals);
		pq_keep_ptr(c->keep, c->dict_buf);
		if (c->dict_arena)
			pq_keep_arena(c->keep, c->dict_arena);
		c->dict = dict;
		c->dict_kept = true;
	}
	return 0;
}

/* Prepare the value decoder of a data page for encoding enc over [vp, vend). */
static int
start_values(struct pq_creader *c, int enc, struct wb_error *err)
{
	const char *why = NULL;
	int pt = c->col->ptype;
	c->page_enc = enc;
	c->bool_bit = 0;
	switch (enc) {
	case PQ_ENC_PLAIN:
		return 0;
	case PQ_ENC_PLAIN_DICTIONARY:
	case PQ_ENC_RLE_DICTIONARY: {
		if (!c->has_dict)
			return cr_fail(c, err, "a dictionary-encoded page without a dictionary page");
		int bw = 0;
		if (c->vp < c->vend)
			bw = *c->vp++;
		if (bw > 32)
			return cr_fail(c, err, "dictionary index bit width %d is above 32", bw);
		pq_rle_init(&c->idx, c->vp, (size_t)(c->vend - c->vp), bw);
		return 0;
	}
	case PQ_ENC_RLE: {
		if (pt != PQ_BOOLEAN)
			return cr_fail(c, err, "RLE-encoded values in a %s column", pq_ptype_name(pt));
		if (c->vend - c->vp < 4)
			return cr_fail(c, err, "truncated RLE boolean page");
		uint32_t len = (uint32_t)ld32(c->vp);
		if (len > (size_t)(c->vend - c->vp - 4))
			return cr_fail(c, err, "RLE boolean data runs past the page");
		pq_rle_init(&c->idx, c->vp + 4, len, 1);
		return 0;
	}
	case PQ_ENC_DELTA_BINARY_PACKED:
		if (pt != PQ_INT32 && pt != PQ_INT64)
			return cr_fail(c, err, "DELTA_BINARY_PACKED values in a %s column", pq_ptype_name(pt));
		if (c->delta == NULL)
			c->delta = xmalloc(sizeof *c->delta);
		if (pq_delta_init(c->delta, c->vp, (size_t)(c->vend - c->vp), pt == PQ_INT32, &why) < 0)
			return cr_fail(c, err, "%s", why);
		return 0;
	case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
		if (pt != PQ_BYTE_ARRAY)
			return cr_fail(c, err, "DELTA_LENGTH_BYTE_ARRAY values in a %s column", pq_ptype_name(pt));
		if (c->dlba == NULL)
			c->dlba = xmalloc(sizeof *c->dlba);
		if (pq_dlba_init(c->dlba, c->vp, (size_t)(c->vend - c->vp), &why) < 0)
			return cr_fail(c, err, "%s", why);
		return 0;
	case PQ_ENC_DELTA_BYTE_ARRAY:
		if (pt != PQ_BYTE_ARRAY && pt != PQ_FLBA)
			return cr_fail(c, err, "DELTA_BYTE_ARRAY values in a %s column", pq_ptype_name(pt));
		if (c->dba == NULL)
			c->dba = xcalloc(1, sizeof *c->dba);
		if (pq_dba_init(c->dba, c->vp, (size_t)(c->vend - c->vp), &why) < 0)
			return cr_fail(c, err, "%s", why);
		return 0;
	case PQ_ENC_BYTE_STREAM_SPLIT: {
		int w = plain_width(c->col);
		if (w <= 0 || pt == PQ_INT96)
			return cr_fail(c, err, "BYTE_STREAM_SPLIT values in a %s column", pq_ptype_name(pt));
		size_t len = (size_t)(c->vend - c->vp);
		if (len % (size_t)w != 0)
			return cr_fail(c, err, "BYTE_STREAM_SPLIT data is not a whole number of values");
		int64_t cnt = (int64_t)(len / (size_t)w);
		retire(c, c->bss_buf);
		c->bss_buf = xmalloc(len ? len : 1);
		if (pq_bss_decode(c->vp, len, w, cnt, c->bss_buf, &why) < 0)
			return cr_fail(c, err, "%s", why);
		c->vp = c->bss_buf;
		c->vend = c->bss_buf + len;
		c->page_enc = PQ_ENC_PLAIN;
		return 0;
	}
	default:
		return cr_fail(c, err, "values encoded with %s, which wb cannot read", pq_enc_name(enc));
	}
}

static int
start_v1(struct pq_creader *c, const struct pq_page_header *h, const uint8_t *body, struct wb_error *err)
{
	size_t len;
	uint8_t *own;
	const uint8_t *d = page_data(c, body, (size_t)h->compressed_size, (size_t)h->uncompressed_size, true, &own,
	    &len, err);
	if (d == NULL)
		return -1;
	c->page_buf = own;
	const uint8_t *p = d, *end = d + len;
	if (h->data.num_values < 0)
		return cr_fail(c, err, "a data page with a negative value count");
	c->page_left = h->data.num_values;
	c->def_all_present = c->col->max_def == 0;
	/* a list-shaped reader of a leaf that never repeats (pq_ncol): every
	 * level starts a row */
	c->rep_none = c->col->max_rep == 0;
	if (c->col->max_rep > 0) {
		if (h->data.rep_encoding != PQ_ENC_RLE)
			return cr_fail(c, err, "repetition levels encoded with %s", pq_enc_name(h->data.rep_encoding));
		if (end - p < 4)
			return cr_fail(c, err, "truncated repetition levels");
		uint32_t l = (uint32_t)ld32(p);
		if (l > (size_t)(end - p - 4))
			return cr_fail(c, err, "repetition levels run past the page");
		pq_rle_init(&c->rep, p + 4, l, pq_bit_width((uint64_t)c->col->max_rep));
		p += 4 + l;
	}
	if (c->col->max_def > 0) {
		int bw = pq_bit_width((uint64_t)c->col->max_def);
		if (h->data.def_encoding == PQ_ENC_RLE) {
			if (end - p < 4)
				return cr_fail(c, err, "truncated definition levels");
			uint32_t l = (uint32_t)ld32(p);
			if (l > (size_t)(end - p - 4))
				return cr_fail(c, err, "definition levels run past the page");
			pq_rle_init(&c->def, p + 4, l, bw);
			p += 4 + l;
		} else if (h->data.def_encoding == PQ_ENC_BIT_PACKED && c->col->max_rep == 0) {
			/* deprecated: bw bits per level, most significant bit first */
			size_t bytes = ((size_t)h->data.num_values * (size_t)bw + 7) / 8;
			if (bytes > (size_t)(end - p))
				return cr_fail(c, err, "truncated definition levels");
			c->lvl_arr = xmalloc((size_t)h->data.num_values + 1);
			for (int64_t i = 0; i < h->data.num_values; i++) {
				int x = 0;
				for (int k = 0; k < bw; k++) {
					size_t bit = (size_t)i * (size_t)bw + (size_t)k;
					x = x << 1 | ((p[bit >> 3] >> (7 - (bit & 7))) & 1);
				}
				c->lvl_arr[i] = (uint8_t)x;
			}
			c->lvl_pos = 0;
			c->lvl_n = h->data.num_values;
			p += bytes;
		} else {
			return cr_fail(c, err, "definition levels encoded with %s", pq_enc_name(h->data.def_encoding));
		}
	}
	c->vp = p;
	c->vend = end;
	return start_values(c, h->data.encoding, err);
}

static int
start_v2(struct pq_creader *c, const struct pq_page_header *h, const uint8_t *body, struct wb_error *err)
{
	const struct pq_data_page_v2 *v = &h->v2;
	if (v->num_values < 0 || v->def_len < 0 || v->rep_len < 0 ||
	    (int64_t)v->def_len + v->rep_len > h->compressed_size ||
	    (int64_t)v->def_len + v->rep_len > h->uncompressed_size)
		return cr_fail(c, err, "a v2 data page with inconsistent sizes");
	size_t lv = (size_t)v->def_len + (size_t)v->rep_len;
	c->page_left = v->num_values;
	c->def_all_present = c->col->max_def == 0 || v->def_len == 0;
	if (!c->def_all_present)
		pq_rle_init(&c->def, body + v->rep_len, (size_t)v->def_len, pq_bit_width((uint64_t)c->col->max_def));
	/* no repetition levels: every value starts a row (lists of one) */
	c->rep_none = v->rep_len == 0;
	if (c->col->max_rep > 0 && !c->rep_none)
		pq_rle_init(&c->rep, body, (size_t)v->rep_len, pq_bit_width((uint64_t)c->col->max_rep));
	size_t len;
	uint8_t *own;
	const uint8_t *d = page_data(c, body + lv, (size_t)h->compressed_size - lv, (size_t)h->uncompressed_size - lv,
	    v->is_compressed, &own, &len, err);
	if (d == NULL)
		return -1;
	c->page_buf = own;
	c->vp = d;
	c->vend = d + len;
	return start_values(c, v->encoding, err);
}

static int
next_page(struct pq_creader *c, struct wb_error *err)
{
	for (;;) {
		struct pq_page_header h;
		size_t hl;
		const char *why;
		if (c->pos >= c->end)
			return cr_fail(c, err, "the column chunk ends before the row group's %lld rows",
			    (long long)c->rows_total);
		if (pq_page_header_decode(c->pos, (size_t)(c->end - c->pos), &h, &hl, &why) < 0)
			return cr_fail(c, err, "page header is corrupt (%s)", why);
		const uint8_t *body = c->pos + hl;
		if ((size_t)h.compressed_size > (size_t)(c->end - body))
			return cr_fail(c, err, "truncated: a page runs past the end of the column chunk");
		c->pos = body + h.compressed_size;
		if (h.has_crc && c->verify_crc && pq_crc32(body, (size_t)h.compressed_size) != h.crc)
			return cr_fail(c, err, "page checksum (CRC) mismatch: the data is corrupt");
		switch (h.type) {
		case PQ_PAGE_DICT:
			if (!h.has_dict)
				return cr_fail(c, err, "a dictionary page without its header");
			if (c->has_dict || c->seen_data)
				return cr_fail(c, err, "a dictionary page %s", c->has_dict ? "twice" : "after data pages");
			if (load_dict(c, &h, body, err) < 0)
				return -1;
			continue;
		case PQ_PAGE_DATA:
		case PQ_PAGE_DATA_V2:
			if (h.type == PQ_PAGE_DATA ? !h.has_data : !h.has_v2)
				return cr_fail(c, err, "a data page without its header");
			c->seen_data = true;
			drop_page_decoders(c);
			if ((h.type == PQ_PAGE_DATA ? start_v1(c, &h, body, err) : start_v2(c, &h, body, err)) < 0)
				return -1;
			if (c->page_left == 0)
				continue;
			return 0;
		default:
			continue;   /* index pages and pages of later format versions */
		}
	}
}

/* ------------------------------------------------------------ values */

/* m values of the current page, converted, into dst. */
static int
page_values(struct pq_creader *c, int m, void *dst, struct vec *v, struct wb_error *err)
{
	const char *why = NULL;
	const void *phys = NULL;
	struct str_alloc al = {vec_alloc_fn, v};
	size_t es = type_size(c->col->vtype);
	int pt = c->col->ptype;

	switch (c->page_enc) {
	case PQ_ENC_PLAIN:
		phys = plain_fetch(c, &c->vp, c->vend, &c->bool_bit, m, &why);
		if (phys == NULL)
			return cr_fail(c, err, "%s", why);
		break;
	case PQ_ENC_PLAIN_DICTIONARY:
	case PQ_ENC_RLE_DICTIONARY: {
		if (pq_rle_get(&c->idx, c->idxs, m) < m)
			return cr_fail(c, err, "dictionary indices end before the page's values%s%s",
			    c->idx.err ? ": " : "", c->idx.err ? c->idx.err : "");
		const uint8_t *dv = c->dict_vals;
		uint8_t *o = dst;
		uint64_t dn = (uint64_t)c->dict_n;
		for (int i = 0; i < m; i++) {
			if (c->idxs[i] >= dn)
				return cr_fail(c, err, "dictionary index %u out of range (%lld entries)", c->idxs[i],
				    (long long)c->dict_n);
		}
		switch (es) {
		case 1:
			for (int i = 0; i < m; i++)
				o[i] = dv[c->idxs[i]];
			break;
		case 8:
			for (int i = 0; i < m; i++)
				((int64_t *)dst)[i] = ((const int64_t *)dv)[c->idxs[i]];
			break;
		default:
			for (int i = 0; i < m; i++)
				memcpy(o + (size_t)i * es, dv + (size_t)c->idxs[i] * es, es);
		}
		return 0;
	}
	case PQ_ENC_RLE:
		if (pq_rle_get(&c->idx, c->idxs, m) < m)
			return cr_fail(c, err, "RLE booleans end before the page's values");
		for (int i = 0; i < m; i++)
			c->scr.b[i] = c->idxs[i] != 0;
		phys = c->scr.b;
		break;
	case PQ_ENC_DELTA_BINARY_PACKED:
		if (pq_delta_next(c->delta, c->scr.i, m) < m)
			return cr_fail(c, err, "%s", c->delta->err ? c->delta->err : "DELTA_BINARY_PACKED data ends early");
		if (pt == PQ_INT32) {
			int32_t *o = (int32_t *)c->scr.b;
			for (int i = 0; i < m; i++)
				o[i] = (int32_t)c->scr.i[i];
		}
		phys = c->scr.b;
		break;
	case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: {
		int k = pq_dlba_next(c->dlba, c->scr.s, m, &why);
		if (k < m)
			return cr_fail(c, err, "%s", k < 0 ? why : "DELTA_LENGTH_BYTE_ARRAY data ends early");
		phys = c->scr.s;
		break;
	}
	case PQ_ENC_DELTA_BYTE_ARRAY: {
		int k = pq_dba_next(c->dba, c->scr.s, m, vec_alloc_fn, v, &why);
		if (k < m)
			return cr_fail(c, err, "%s", k < 0 ? why : "DELTA_BYTE_ARRAY data ends early");
		if (pt == PQ_FLBA)
			for (int i = 0; i < m; i++)
				if (c->scr.s[i].n != (uint32_t)c->col->type_length)
					return cr_fail(c, err, "a fixed-length value of the wrong length");
		phys = c->scr.s;
		break;
	}
	default:
		return cr_fail(c, err, "unexpected page encoding");
	}
	if (convert(c, phys, m, dst, al, &why) < 0)
		return cr_fail(c, err, "%s", why);
	return 0;
}

/* Spread nn dense values at base[at..at+nn) over rows at..at+k by levels
 * (zero values under NULLs). */
static void
scatter(void *base, size_t es, int at, int k, int nn, const uint8_t *lv)
{
	uint8_t *b = base;
	int j = at + nn - 1;
	for (int i = at + k - 1; i >= at && j < i; i--) {
		uint8_t *d = b + (size_t)i * es;
		if (lv[i - at]) {
			memcpy(d, b + (size_t)j * es, es);
			j--;
		} else if (es == sizeof(wb_str)) {
			wb_str e = {"", 0};
			memcpy(d, &e, sizeof e);
		} else {
			memset(d, 0, es);
		}
	}
}

/* Definition levels of the next k rows into c->levels (1 present, 0 NULL);
 * returns the number present or -1. */
static int
read_levels(struct pq_creader *c, int k, struct wb_error *err)
{
	if (c->def_all_present) {
		memset(c->levels, 1, (size_t)k);
		return k;
	}
	if (c->lvl_arr) {
		if (c->lvl_n - c->lvl_pos < k)
			return cr_fail(c, err, "fewer definition levels than values");
		memcpy(c->levels, c->lvl_arr + c->lvl_pos, (size_t)k);
		c->lvl_pos += k;
	} else if (pq_rle_get8(&c->def, c->levels, k) < k) {
		return cr_fail(c, err, "fewer definition levels than values%s%s", c->def.err ? ": " : "",
		    c->def.err ? c->def.err : "");
	}
	int nn = 0;
	for (int i = 0; i < k; i++) {
		if (c->levels[i] > 1)
			return cr_fail(c, err, "definition level %d above the column's maximum 1", c->levels[i]);
		nn += c->levels[i];
	}
	return nn;
}

static bool
page_is_dict(const struct pq_creader *c)
{
	return c->page_enc == PQ_ENC_PLAIN_DICTIONARY || c->page_enc == PQ_ENC_RLE_DICTIONARY;
}

int
pq_cr_open(struct pq_creader *c, const uint8_t *p, size_t n, int64_t rows, struct wb_error *err)
{
	c->pos = p;
	c->end = p + n;
	c->rows_total = rows;
	c->seen_data = false;
	c->has_dict = c->dict_kept = false;
	c->dict_n = 0;
	c->dict_vals = NULL;
	c->dict = NULL;
	c->dict_buf = NULL;
	c->dict_arena = NULL;
	c->page_left = 0;
	c->page_buf = c->bss_buf = c->lvl_arr = NULL;
	c->delta = NULL;
	c->dlba = NULL;
	c->dba = NULL;
	c->retired = NULL;
	c->nretired = c->cap_retired = 0;
	c->lpos = c->ln = 0;
	c->rep_none = false;
	return 0;
}

/* ------------------------------------------------------------ lists */

/* Buffer the next levels of the current page (loading pages as needed);
 * 0 at the end of the column chunk, -1 on error. */
static int
fill_levels(struct pq_creader *c, struct wb_error *err)
{
	if (c->page_left == 0) {
		if (c->pos >= c->end)
			return 0;
		if (next_page(c, err) < 0)
			return -1;
	}
	int k = c->page_left < 2048 ? (int)c->page_left : 2048;
	if (c->def_all_present) {
		memset(c->ldef, c->col->max_def, (size_t)k);
	} else if (c->lvl_arr) {
		/* deprecated BIT_PACKED levels, expanded by start_v1 */
		if (c->lvl_n - c->lvl_pos < k)
			return cr_fail(c, err, "fewer definition levels than values");
		memcpy(c->ldef, c->lvl_arr + c->lvl_pos, (size_t)k);
		c->lvl_pos += k;
	} else if (pq_rle_get8(&c->def, c->ldef, k) < k)
		return cr_fail(c, err, "fewer definition levels than values%s%s", c->def.err ? ": " : "",
		    c->def.err ? c->def.err : "");
	if (c->rep_none)
		memset(c->lrep, 0, (size_t)k);
	else if (pq_rle_get8(&c->rep, c->lrep, k) < k)
		return cr_fail(c, err, "fewer repetition levels than values%s%s", c->rep.err ? ": " : "",
		    c->rep.err ? c->rep.err : "");
	for (int i = 0; i < k; i++)
		if (c->ldef[i] > c->col->max_def || c->lrep[i] > c->col->max_rep)
			return cr_fail(c, err, "a level above the column's maximum");
	c->page_left -= k;
	c->lpos = 0;
	c->ln = k;
	return 1;
}

/*
 * Rows of a list column. Levels are consumed row by row: a row starts at
 * a repetition level of 0 and takes every following level above 0; the
 * level that starts the next row stays buffered for the next call. Each
 * level at or above d_elem is an element slot; the values of present
 * elements are decoded per stretch of levels (always within one page) into
 * the slots, then every row's list points into one block of the vector's
 * heap.
 */
static int
read_list(struct pq_creader *c, int rows, struct vec *v, struct wb_error *err)
{
	const struct pq_col *col = c->col;
	size_t es = type_size(col->vtype);
	int64_t ne = 0;               /* element slots so far */
	int64_t start[2049];
	int r = -1;                   /* current row */
	bool stop = false;
	uint8_t *rownull = c->levels;

	while (!stop) {
		if (c->lpos == c->ln) {
			int f = fill_levels(c, err);
			if (f < 0)
				return -1;
			if (f == 0)
				break;
		}
		int j = c->lpos, present = 0;
		int64_t first_slot = ne;
		for (; j < c->ln; j++) {
			int d = c->ldef[j];
			if (c->lrep[j] == 0) {
				if (r + 1 == rows) {
					stop = true;
					break;
				}
				r++;
				start[r] = ne;
				rownull[r] = d < col->d_list;
			} else if (r < 0) {
				return cr_fail(c, err, "a list continues a row it did not start (repetition level above 0)");
			}
			if (d < col->d_elem)
				continue;   /* NULL or empty list */
			if ((size_t)(ne + 1) * es > c->elems_cap) {
				c->elems_cap = c->elems_cap ? c->elems_cap * 2 : 16384;
				while ((size_t)(ne + 1) * es > c->elems_cap)
					c->elems_cap *= 2;
				c->elems = xrealloc(c->elems, c->elems_cap);
			}
			if ((size_t)(ne + 1) > c->enulls_cap) {
				c->enulls_cap = c->enulls_cap ? c->enulls_cap * 2 : 4096;
				c->enulls = xrealloc(c->enulls, c->enulls_cap);
			}
			c->enulls[ne] = d < col->max_def;
			present += d == col->max_def;
			ne++;
		}
		/* values of the present elements among slots [first_slot, ne) */
		if (present > 0 && page_values(c, present, c->elems + (size_t)first_slot * es, v, err) < 0)
			return -1;
		if (present < ne - first_slot) {
			/* spread them over the slots, NULL slots get a safe value */
			int64_t k = first_slot + present - 1;
			for (int64_t i = ne - 1; i >= first_slot; i--) {
				char *dst = c->elems + (size_t)i * es;
				if (!c->enulls[i]) {
					if (k != i)
						memcpy(dst, c->elems + (size_t)k * es, es);
					k--;
				} else if (col->vtype == WB_TYPE_VARCHAR) {
					wb_str e = {"", 0};
					memcpy(dst, &e, sizeof e);
				} else {
					memset(dst, 0, es);
				}
			}
		}
		c->lpos = j;
	}
	if (r + 1 != rows)
		return cr_fail(c, err, "the column chunk holds %d of the rows the row group announces here", r + 1);
	start[rows] = ne;

	/* one heap block for every element of the chunk */
	char *data = ne ? vec_str_alloc(v, (size_t)ne * es) : NULL;
	uint8_t *flags = ne ? (uint8_t *)vec_str_alloc(v, (size_t)ne) : NULL;
	if (ne) {
		memcpy(data, c->elems, (size_t)ne * es);
		memcpy(flags, c->enulls, (size_t)ne);
	}
	wb_list *out = vec_list(v);
	for (int i = 0; i < rows; i++) {
		int64_t a = start[i], b = start[i + 1];
		if (rownull[i]) {
			vec_set_null(v, i);
			out[i] = list_empty();
			continue;
		}
		if (a == b) {
			out[i] = list_empty();
			continue;
		}
		bool any_null = memchr(flags + a, 1, (size_t)(b - a)) != NULL;
		out[i].data = data + (size_t)a * es;
		out[i].nulls = any_null ? flags + a : NULL;
		out[i].n = (uint32_t)(b - a);
	}
	v->n = rows;
	return 0;
}

int
pq_cr_read(struct pq_creader *c, int rows, struct vec *v, struct wb_error *err)
{
	bool str = c->col->type == WB_TYPE_VARCHAR;
	size_t es = type_size(c->col->type);
	bool codes = false, flat = false;
	int done = 0;

	free_retired(c);
	vec_reset(v);
	if (c->col->is_list)
		return read_list(c, rows, v, err);
	char *data = v->data;
	while (done < rows) {
		if (c->page_left == 0 && next_page(c, err) < 0)
			return -1;
		int k = rows - done;
		if ((int64_t)k > c->page_left)
			k = (int)c->page_left;
		int nn = read_levels(c, k, err);
		if (nn < 0)
			return -1;
		if (nn < k) {
			uint8_t *nulls = vec_nulls_writable(v);
			for (int i = 0; i < k; i++)
				nulls[done + i] = !c->levels[i];
		}
		if (str && c->dict && page_is_dict(c) && !flat) {
			/* codes straight from the indices */
			if (pq_rle_get(&c->idx, c->codes + done, nn) < nn)
				return cr_fail(c, err, "dictionary indices end before the page's values");
			for (int i = 0; i < nn; i++)
				if (c->codes[done + i] >= c->dict->n)
					return cr_fail(c, err, "dictionary index %u out of range (%u entries)",
					    c->codes[done + i], c->dict->n);
			if (nn < k)
				scatter(c->codes, sizeof(uint32_t), done, k, nn, c->levels);
			codes = true;
		} else {
			if (str && codes && !flat) {
				/* the chunk switched from dictionary to plain pages: earlier
				 * rows become strings too */
				wb_str *o = (wb_str *)data;
				for (int i = 0; i < done; i++)
					o[i] = c->dict->vals[c->codes[i]];
			}
			flat = true;
			if (nn > 0 && page_values(c, nn, data + (size_t)done * es, v, err) < 0)
				return -1;
			if (nn < k)
				scatter(data, es, done, k, nn, c->levels);
		}
		c->page_left -= k;
		done += k;
	}
	v->n = rows;
	if (codes && !flat) {
		v->kind = VEC_DICT;
		v->dict = c->dict;
		memcpy(v->data, c->codes, sizeof(uint32_t) * (size_t)rows);
	}
	return 0;
}

void
pq_cr_fini(struct pq_creader *c)
{
	drop_page_decoders(c);
	free_retired(c);
	free(c->retired);
	c->retired = NULL;
	c->cap_retired = 0;
	if (!c->dict_kept) {
		free(c->dict_vals);
		free(c->dict_buf);
		if (c->dict_arena)
			arena_free(c->dict_arena);
	}
	c->dict_vals = NULL;
	c->dict_buf = NULL;
	c->dict_arena = NULL;
	c->dict = NULL;
	c->has_dict = c->dict_kept = false;
	if (c->dba)
		pq_dba_fini(c->dba);
	free(c->delta);
	free(c->dlba);
	free(c->dba);
	c->delta = NULL;
	c->dlba = NULL;
	c->dba = NULL;
	free(c->elems);
	free(c->enulls);
	c->elems = NULL;
	c->enulls = NULL;
	c->elems_cap = c->enulls_cap = 0;
}

/* ------------------------------------------------------------ text helpers */

ssize_t
pq_utf8_check(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		/* ASCII fast path, 8 bytes at a time */
		if (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if ((w & 0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
		uint8_t b = p[i];
		if (b < 0x80) {
			i++;
			continue;
		}
		int len;
		uint32_t cp;
		if ((b & 0xe0) == 0xc0) {
			len = 2;
			cp = b & 0x1f;
		} else if ((b & 0xf0) == 0xe0) {
			len = 3;
			cp = b & 0x0f;
		} else if ((b & 0xf8) == 0xf0) {
			len = 4;
			cp = b & 0x07;
		} else {
			return (ssize_t)i;
		}
		if (i + (size_t)len > n)
			return (ssize_t)i;
		for (int k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return (ssize_t)i;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (ssize_t)i;
		i += (size_t)len;
	}
	return -1;
}

static bool
blob_regular(uint8_t c)
{
	return c >= 32 && c <= 126 && c != '\\' && c != '\'' && c != '"';
}

size_t
pq_blob_text_len(const uint8_t *p, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += blob_regular(p[i]) ? 1 : 4;
	return len;
}

void
pq_blob_text(const uint8_t *p, size_t n, char *out)
{
	static const char hx[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		if (blob_regular(p[i])) {
			*out++ = (char)p[i];
		} else {
			*out++ = '\\';
			*out++ = 'x';
			*out++ = hx[p[i] >> 4];
			*out++ = hx[p[i] & 15];
		}
	}
}
