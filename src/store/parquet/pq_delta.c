/*
 * pq_delta: the delta encodings and BYTE_STREAM_SPLIT (Encodings.md).
 *
 * DELTA_BINARY_PACKED:
 *   header  := <block size> <miniblocks per block> <total count> <first value (zigzag)>
 *   block   := <min delta (zigzag)> <one bit-width byte per miniblock> <miniblocks>
 * Each miniblock holds (block size / miniblocks) deltas minus the block's
 * min delta, bit-packed; the last miniblock is padded to full size, and
 * miniblocks after the last value are absent (their widths are present and
 * ignored). Arithmetic wraps (two's complement), as the format says.
 */
#include "store/parquet/pq_int.h"
#include "core/xmalloc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct rd {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t
rd_uvarint(struct rd *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 70; shift += 7) {
		if (r->p >= r->end) {
			r->bad = true;
			return 0;
		}
		uint8_t b = *r->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

static int64_t
rd_zigzag(struct rd *r)
{
	uint64_t u = rd_uvarint(r);
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* Unpack count values of bw bits (0..64). */
static void
unpack64(const uint8_t *in, int bw, uint64_t *out, int count)
{
	if (bw == 0) {
		memset(out, 0, sizeof *out * (size_t)count);
		return;
	}
	for (int i = 0; i < count; i++) {
		size_t bit = (size_t)i * (size_t)bw;
		size_t byte = bit >> 3;
		int sh = (int)(bit & 7);
		/* up to 64 + 7 bits: gather 9 bytes as needed */
		unsigned __int128 v = 0;
		int need = (sh + bw + 7) / 8;
		for (int k = 0; k < need; k++)
			v |= (unsigned __int128)in[byte + (size_t)k] << (8 * k);
		v >>= sh;
		out[i] = bw == 64 ? (uint64_t)v : (uint64_t)v & (((uint64_t)1 << bw) - 1);
	}
}

int
pq_delta_init(struct pq_delta *d, const uint8_t *p, size_t n, bool is32, const char **why)
{
	struct rd r = {p, p + n, false};
	uint64_t block = rd_uvarint(&r);
	uint64_t nmini = rd_uvarint(&r);
	uint64_t total = rd_uvarint(&r);
	int64_t first = rd_zigzag(&r);
	memset(d, 0, offsetof(struct pq_delta, vals));
	if (r.bad) {
		*why = "truncated DELTA_BINARY_PACKED header";
		return -1;
	}
	if (block == 0 || block % 128 != 0 || nmini == 0 || block % nmini != 0 || (block / nmini) % 32 != 0 ||
	    block / nmini > PQ_DELTA_MAX_MINI) {
		*why = "bad DELTA_BINARY_PACKED block layout";
		return -1;
	}
	d->p = r.p;
	d->end = r.end;
	d->is32 = is32;
	d->block = (uint32_t)block;
	d->nmini = (uint32_t)nmini;
	d->per_mini = (uint32_t)(block / nmini);
	d->total = total;
	d->prev = (uint64_t)first;
	if (is32)
		d->prev = (uint64_t)(int64_t)(int32_t)(uint32_t)d->prev;
	d->mini = d->nmini;
	return 0;
}

/* Decode the next miniblock into d->vals; false at the end or on error. */
static bool
next_mini(struct pq_delta *d)
{
	struct rd r = {d->p, d->end, false};
	if (d->mini >= d->nmini) {
		d->min_delta = (uint64_t)rd_zigzag(&r);
		if (r.bad || (uint64_t)(r.end - r.p) < d->nmini) {
			d->err = "truncated DELTA_BINARY_PACKED block";
			return false;
		}
		d->widths = r.p;
		r.p += d->nmini;
		d->mini = 0;
	}
	int bw = d->widths[d->mini++];
	if (bw > 64) {
		d->err = "DELTA_BINARY_PACKED bit width above 64";
		return false;
	}
	uint64_t left = d->total - d->got;
	uint32_t k = left < d->per_mini ? (uint32_t)left : d->per_mini;
	size_t bytes = (size_t)d->per_mini * (size_t)bw / 8;
	if ((size_t)(r.end - r.p) < bytes) {
		/* the last miniblock may lack its padding */
		size_t need = ((size_t)k * (size_t)bw + 7) / 8;
		if ((size_t)(r.end - r.p) < need || k == d->per_mini) {
			d->err = "truncated DELTA_BINARY_PACKED miniblock";
			return false;
		}
		bytes = (size_t)(r.end - r.p);
	}
	unpack64(r.p, bw, d->vals, (int)k);
	r.p += bytes;
	d->p = r.p;
	uint64_t prev = d->prev, md = d->min_delta;
	for (uint32_t i = 0; i < k; i++) {
		prev = prev + md + d->vals[i];
		if (d->is32)
			prev = (uint64_t)(int64_t)(int32_t)(uint32_t)prev;
		d->vals[i] = prev;
	}
	d->prev = prev;
	d->pos = 0;
	d->n = k;
	return true;
}

int
pq_delta_next(struct pq_delta *d, int64_t *out, int n)
{
	int got = 0;
	while (got < n && d->got < d->total && d->err == NULL) {
		if (d->got == 0) {
			out[got++] = (int64_t)d->prev;
			d->got++;
			continue;
		}
		if (d->pos >= d->n && !next_mini(d))
			break;
		uint32_t k = d->n - d->pos;
		if (k > (uint32_t)(n - got))
			k = (uint32_t)(n - got);
		memcpy(out + got, d->vals + d->pos, sizeof *out * k);
		d->pos += k;
		d->got += k;
		got += (int)k;
	}
	return got;
}

const uint8_t *
pq_delta_end(const uint8_t *p, size_t n, const char **why)
{
	struct rd r = {p, p + n, false};
	uint64_t block = rd_uvarint(&r);
	uint64_t nmini = rd_uvarint(&r);
	uint64_t total = rd_uvarint(&r);
	rd_zigzag(&r);
	if (r.bad || block == 0 || block % 128 != 0 || nmini == 0 || block % nmini != 0 ||
	    (block / nmini) % 32 != 0 || block / nmini > PQ_DELTA_MAX_MINI) {
		*why = "bad DELTA_BINARY_PACKED header";
		return NULL;
	}
	uint64_t per = block / nmini, got = total > 0 ? 1 : 0;
	while (got < total) {
		rd_zigzag(&r);
		if (r.bad || (uint64_t)(r.end - r.p) < nmini) {
			*why = "truncated DELTA_BINARY_PACKED block";
			return NULL;
		}
		const uint8_t *w = r.p;
		r.p += nmini;
		for (uint64_t m = 0; m < nmini && got < total; m++) {
			if (w[m] > 64) {
				*why = "DELTA_BINARY_PACKED bit width above 64";
				return NULL;
			}
			size_t bytes = (size_t)(per * w[m] / 8);
			uint64_t k = total - got < per ? total - got : per;
			if ((size_t)(r.end - r.p) < bytes) {
				size_t need = (size_t)((k * w[m] + 7) / 8);
				if ((size_t)(r.end - r.p) < need || k == per) {
					*why = "truncated DELTA_BINARY_PACKED miniblock";
					return NULL;
				}
				bytes = (size_t)(r.end - r.p);
			}
			r.p += bytes;
			got += k;
		}
	}
	return r.p;
}

static void
put_uvarint(struct strbuf *out, uint64_t v)
{
	char buf[10];
	int n = 0;
	while (v >= 0x80) {
		buf[n++] = (char)(v | 0x80);
		v >>= 7;
	}
	buf[n++] = (char)v;
	sb_add(out, buf, (size_t)n);
}

static void
put_zigzag(struct strbuf *out, int64_t v)
{
	put_uvarint(out, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void
pack64(const uint64_t *in, int bw, uint8_t *out, int count)
{
	unsigned __int128 acc = 0;
	int nbits = 0;
	size_t o = 0;
	if (bw == 0)
		return;
	for (int i = 0; i < count; i++) {
		uint64_t x = bw == 64 ? in[i] : in[i] & (((uint64_t)1 << bw) - 1);
		acc |= (unsigned __int128)x << nbits;
		nbits += bw;
		while (nbits >= 8) {
			out[o++] = (uint8_t)acc;
			acc >>= 8;
			nbits -= 8;
		}
	}
	if (nbits > 0)
		out[o++] = (uint8_t)acc;
}

void
pq_delta_encode(struct strbuf *out, const int64_t *vals, int64_t n)
{
	enum { BLOCK = 128, NMINI = 4, PER = BLOCK / NMINI };
	put_uvarint(out, BLOCK);
	put_uvarint(out, NMINI);
	put_uvarint(out, (uint64_t)n);
	put_zigzag(out, n > 0 ? vals[0] : 0);
	uint64_t deltas[BLOCK];
	for (int64_t at = 1; at < n; at += BLOCK) {
		int k = n - at < BLOCK ? (int)(n - at) : BLOCK;
		int64_t min = INT64_MAX;
		for (int i = 0; i < k; i++) {
			int64_t d = (int64_t)((uint64_t)vals[at + i] - (uint64_t)vals[at + i - 1]);
			deltas[i] = (uint64_t)d;
			if (d < min)
				min = d;
		}
		put_zigzag(out, min);
		uint8_t widths[NMINI];
		int nm = (k + PER - 1) / PER;
		for (int m = 0; m < NMINI; m++) {
			uint64_t mx = 0;
			for (int i = m * PER; i < (m + 1) * PER && i < k; i++) {
				deltas[i] -= (uint64_t)min;
				if (deltas[i] > mx)
					mx = deltas[i];
			}
			widths[m] = m < nm ? (uint8_t)pq_bit_width(mx) : 0;
		}
		for (int i = k; i < BLOCK; i++)
			deltas[i] = 0;
		sb_add(out, (const char *)widths, NMINI);
		for (int m = 0; m < nm; m++) {
			size_t bytes = (size_t)PER * widths[m] / 8;
			sb_reserve(out, bytes + 16);
			pack64(deltas + m * PER, widths[m], (uint8_t *)out->s + out->len, PER);
			out->len += bytes;
			out->s[out->len] = '\0';
		}
	}
}

int
pq_dlba_init(struct pq_dlba *s, const uint8_t *p, size_t n, const char **why)
{
	const uint8_t *data = pq_delta_end(p, n, why);
	if (data == NULL || pq_delta_init(&s->len, p, (size_t)(data - p), true, why) < 0)
		return -1;
	s->data = data;
	s->end = p + n;
	return 0;
}

int
pq_dlba_next(struct pq_dlba *s, wb_str *out, int n, const char **why)
{
	int got = 0;
	while (got < n) {
		int want = n - got < 256 ? n - got : 256;
		int k = pq_delta_next(&s->len, s->lens, want);
		for (int i = 0; i < k; i++) {
			int64_t l = s->lens[i];
			if (l < 0 || l > s->end - s->data) {
				*why = "DELTA_LENGTH_BYTE_ARRAY lengths run past the page";
				return -1;
			}
			out[got + i].p = (const char *)s->data;
			out[got + i].n = (uint32_t)l;
			s->data += l;
		}
		got += k;
		if (k < want) {
			if (s->len.err) {
				*why = s->len.err;
				return -1;
			}
			break;
		}
	}
	return got;
}

void
pq_dlba_encode(struct strbuf *out, const wb_str *vals, int64_t n)
{
	int64_t *lens = xmalloc(sizeof *lens * (size_t)(n ? n : 1));
	for (int64_t i = 0; i < n; i++)
		lens[i] = vals[i].n;
	pq_delta_encode(out, lens, n);
	free(lens);
	for (int64_t i = 0; i < n; i++)
		sb_add(out, vals[i].p, vals[i].n);
}

int
pq_dba_init(struct pq_dba *s, const uint8_t *p, size_t n, const char **why)
{
	const uint8_t *suf = pq_delta_end(p, n, why);
	s->last = NULL;
	s->last_n = 0;
	s->last_cap = 0;
	if (suf == NULL || pq_delta_init(&s->pre, p, (size_t)(suf - p), true, why) < 0)
		return -1;
	return pq_dlba_init(&s->suf, suf, n - (size_t)(suf - p), why);
}

int
pq_dba_next(struct pq_dba *s, wb_str *out, int n, char *(*alloc)(void *arg, size_t n), void *arg,
    const char **why)
{
	int got = 0;
	while (got < n) {
		int want = n - got < 256 ? n - got : 256;
		int k = pq_delta_next(&s->pre, s->pres, want);
		if (k < want && s->pre.err) {
			*why = s->pre.err;
			return -1;
		}
		int ks = pq_dlba_next(&s->suf, out + got, k, why);
		if (ks < 0)
			return -1;
		if (ks < k) {
			*why = "DELTA_BYTE_ARRAY has fewer suffixes than prefixes";
			return -1;
		}
		for (int i = 0; i < k; i++) {
			wb_str sf = out[got + i];
			int64_t pl = s->pres[i];
			if (pl < 0 || (uint64_t)pl > s->last_n) {
				*why = "DELTA_BYTE_ARRAY prefix longer than the previous value";
				return -1;
			}
			uint64_t len = (uint64_t)pl + sf.n;
			if (len > ((uint64_t)1 << 30)) {
				*why = "DELTA_BYTE_ARRAY value too long";
				return -1;
			}
			char *v = alloc(arg, (size_t)len);
			if (pl > 0)
				memcpy(v, s->last, (size_t)pl);
			if (sf.n)
				memcpy(v + pl, sf.p, sf.n);
			if (len > s->last_cap) {
				s->last_cap = len * 2;
				s->last = xrealloc(s->last, s->last_cap);
			}
			if (len)
				memcpy(s->last, v, (size_t)len);
			s->last_n = (uint32_t)len;
			out[got + i].p = v;
			out[got + i].n = (uint32_t)len;
		}
		got += k;
		if (k < want)
			break;
	}
	return got;
}

void
pq_dba_fini(struct pq_dba *s)
{
	free(s->last);
	s->last = NULL;
	s->last_n = 0;
	s->last_cap = 0;
}

void
pq_dba_encode(struct strbuf *out, const wb_str *vals, int64_t n)
{
	int64_t *pre = xmalloc(sizeof *pre * (size_t)(n ? n : 1));
	wb_str *suf = xmalloc(sizeof *suf * (size_t)(n ? n : 1));
	for (int64_t i = 0; i < n; i++) {
		uint32_t k = 0;
		if (i > 0) {
			uint32_t m = vals[i].n < vals[i - 1].n ? vals[i].n : vals[i - 1].n;
			while (k < m && vals[i].p[k] == vals[i - 1].p[k])
				k++;
		}
		pre[i] = k;
		suf[i].p = vals[i].p + k;
		suf[i].n = vals[i].n - k;
	}
	pq_delta_encode(out, pre, n);
	pq_dlba_encode(out, suf, n);
	free(pre);
	free(suf);
}

int
pq_bss_decode(const uint8_t *p, size_t n, int width, int64_t count, uint8_t *out, const char **why)
{
	if (width <= 0 || (uint64_t)count * (uint64_t)width > n) {
		*why = "BYTE_STREAM_SPLIT data shorter than its values";
		return -1;
	}
	for (int k = 0; k < width; k++) {
		const uint8_t *s = p + (size_t)k * (size_t)count;
		for (int64_t i = 0; i < count; i++)
			out[(size_t)i * (size_t)width + (size_t)k] = s[i];
	}
	return 0;
}

void
pq_bss_encode(struct strbuf *out, const uint8_t *vals, int width, int64_t count)
{
	size_t total = (size_t)width * (size_t)count;
	sb_reserve(out, total + 1);
	uint8_t *d = (uint8_t *)out->s + out->len;
	for (int k = 0; k < width; k++)
		for (int64_t i = 0; i < count; i++)
			d[(size_t)k * (size_t)count + (size_t)i] = vals[(size_t)i * (size_t)width + (size_t)k];
	out->len += total;
	out->s[out->len] = '\0';
}
