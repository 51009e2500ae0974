/*
 * pq_rle: bit packing (least significant bit first) and the RLE /
 * bit-packed hybrid encoding of Parquet's Encodings.md, used for
 * definition levels, dictionary indices and RLE booleans.
 *
 *   run        := bit-packed-run | rle-run
 *   header     := ULEB128; low bit 1: bit-packed, (header >> 1) groups of
 *                 8 values follow in (header >> 1) * bw bytes;
 *                 low bit 0: rle, (header >> 1) copies of one value stored
 *                 in ceil(bw / 8) little-endian bytes.
 */
#include "store/parquet/pq_int.h"

#include <string.h>

static inline uint64_t
load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

void
pq_unpack32(const uint8_t *in, int bw, uint32_t *out, int count)
{
	if (bw == 0) {
		memset(out, 0, sizeof *out * (size_t)count);
		return;
	}
	uint64_t mask = bw == 32 ? 0xffffffffu : ((uint64_t)1 << bw) - 1;
	size_t nbytes = ((size_t)count * (size_t)bw + 7) / 8;
	int i = 0;
	if (bw == 8) {
		for (; i < count; i++)
			out[i] = in[i];
		return;
	}
	/* fast: an unaligned 64-bit load holds any value (bit offset <= 7,
	 * width <= 32) as long as 8 bytes remain */
	for (; i < count; i++) {
		size_t bit = (size_t)i * (size_t)bw;
		size_t byte = bit >> 3;
		if (byte + 8 > nbytes)
			break;
		out[i] = (uint32_t)((load64(in + byte) >> (bit & 7)) & mask);
	}
	for (; i < count; i++) {
		size_t bit = (size_t)i * (size_t)bw;
		uint64_t v = 0;
		size_t byte = bit >> 3;
		for (size_t k = 0; k < 8 && byte + k < nbytes; k++)
			v |= (uint64_t)in[byte + k] << (8 * k);
		out[i] = (uint32_t)((v >> (bit & 7)) & mask);
	}
}

void
pq_pack32(const uint32_t *in, int bw, uint8_t *out, int count)
{
	uint64_t acc = 0;
	int nbits = 0;
	size_t o = 0;
	if (bw == 0)
		return;
	uint64_t mask = bw == 32 ? 0xffffffffu : ((uint64_t)1 << bw) - 1;
	for (int i = 0; i < count; i++) {
		acc |= ((uint64_t)in[i] & mask) << nbits;
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

/* ------------------------------------------------------------ decoder */

void
pq_rle_init(struct pq_rle *r, const uint8_t *p, size_t n, int bw)
{
	memset(r, 0, sizeof *r);
	r->p = p;
	r->end = p + n;
	r->bw = bw;
	if (bw < 0 || bw > 32)
		r->err = "bit width above 32";
}

static bool
read_uvarint(struct pq_rle *r, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end)
			return false;
		uint8_t b = *r->p++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return true;
	}
	r->err = "run header too long";
	return false;
}

/* Start the next run; false at the end of the data. */
static bool
next_run(struct pq_rle *r)
{
	uint64_t h;
	if (r->err || !read_uvarint(r, &h))
		return false;
	if (h & 1) {
		uint64_t groups = h >> 1;
		size_t avail = (size_t)(r->end - r->p);
		size_t need = groups * (size_t)r->bw;
		if (groups == 0 || groups > ((uint64_t)1 << 28)) {
			r->err = groups ? "bit-packed run too long" : "empty bit-packed run";
			return false;
		}
		/* a final run may be cut short by the writer: keep what is there */
		if (need > avail) {
			if (r->bw == 0) {
				need = 0;
			} else {
				groups = avail / (size_t)r->bw;
				if (groups == 0) {
					r->err = "truncated bit-packed run";
					return false;
				}
			}
		}
		r->lit = r->p;
		r->lit_left = (uint32_t)(groups * 8);
		r->p += groups * (size_t)r->bw;
		r->buf_pos = r->buf_n = 0;
	} else {
		int nb = (r->bw + 7) / 8;
		uint32_t v = 0;
		if (r->end - r->p < nb) {
			r->err = "truncated run value";
			return false;
		}
		for (int k = 0; k < nb; k++)
			v |= (uint32_t)r->p[k] << (8 * k);
		r->p += nb;
		if (r->bw < 32 && (v >> r->bw) != 0) {
			r->err = "run value wider than the bit width";
			return false;
		}
		if ((h >> 1) > UINT32_MAX) {
			r->err = "run too long";
			return false;
		}
		r->rle_value = v;
		r->rle_left = (uint32_t)(h >> 1);
	}
	return true;
}

int
pq_rle_get(struct pq_rle *r, uint32_t *out, int n)
{
	int got = 0;
	while (got < n) {
		if (r->rle_left > 0) {
			int k = n - got;
			if ((uint32_t)k > r->rle_left)
				k = (int)r->rle_left;
			uint32_t v = r->rle_value;
			for (int i = 0; i < k; i++)
				out[got + i] = v;
			got += k;
			r->rle_left -= (uint32_t)k;
			continue;
		}
		if (r->buf_pos < r->buf_n) {
			while (got < n && r->buf_pos < r->buf_n)
				out[got++] = r->buf[r->buf_pos++];
			continue;
		}
		if (r->lit_left > 0) {
			/* whole groups straight to out, a partial one through buf */
			int groups = (n - got) / 8;
			if ((uint32_t)groups * 8 > r->lit_left)
				groups = (int)(r->lit_left / 8);
			if (groups > 0) {
				pq_unpack32(r->lit, r->bw, out + got, groups * 8);
				r->lit += (size_t)groups * (size_t)r->bw;
				r->lit_left -= (uint32_t)groups * 8;
				got += groups * 8;
				continue;
			}
			pq_unpack32(r->lit, r->bw, r->buf, 8);
			r->lit += r->bw;
			r->lit_left -= 8;
			r->buf_pos = 0;
			r->buf_n = 8;
			continue;
		}
		if (!next_run(r))
			break;
	}
	return got;
}

int
pq_rle_get8(struct pq_rle *r, uint8_t *out, int n)
{
	uint32_t tmp[256];
	int got = 0;
	while (got < n) {
		if (r->rle_left > 0) {
			int k = n - got;
			if ((uint32_t)k > r->rle_left)
				k = (int)r->rle_left;
			memset(out + got, (int)(uint8_t)r->rle_value, (size_t)k);
			got += k;
			r->rle_left -= (uint32_t)k;
			continue;
		}
		int want = n - got < 256 ? n - got : 256;
		/* take at most what the current bit-packed run holds, so that a
		 * long RLE run after it goes through memset */
		if (r->buf_pos >= r->buf_n && r->lit_left == 0) {
			if (!next_run(r))
				break;
			continue;
		}
		int avail = (r->buf_n - r->buf_pos) + (int)r->lit_left;
		if (want > avail)
			want = avail;
		int k = pq_rle_get(r, tmp, want);
		for (int i = 0; i < k; i++)
			out[got + i] = (uint8_t)tmp[i];
		got += k;
		if (k < want)
			break;
	}
	return got;
}

/* ------------------------------------------------------------ encoder */

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
put_rle_run(struct strbuf *out, uint32_t v, uint64_t count, int bw)
{
	char buf[4];
	int nb = (bw + 7) / 8;
	put_uvarint(out, count << 1);
	for (int k = 0; k < nb; k++)
		buf[k] = (char)(v >> (8 * k));
	sb_add(out, buf, (size_t)nb);
}

/* vals[0..n) as bit-packed groups, the last one padded with zeros */
static void
put_literals(struct strbuf *out, const uint32_t *vals, int n, int bw)
{
	if (n == 0)
		return;
	int groups = (n + 7) / 8;
	put_uvarint(out, ((uint64_t)groups << 1) | 1);
	size_t bytes = (size_t)groups * (size_t)bw;
	sb_reserve(out, bytes + 8);
	uint8_t *dst = (uint8_t *)out->s + out->len;
	int full = n / 8 * 8;
	pq_pack32(vals, bw, dst, full);
	if (full < n) {
		uint32_t pad[8] = {0};
		memcpy(pad, vals + full, sizeof *pad * (size_t)(n - full));
		pq_pack32(pad, bw, dst + (size_t)full / 8 * (size_t)bw, 8);
	}
	out->len += bytes;
	out->s[out->len] = '\0';
}

void
pq_rle_encode(struct strbuf *out, const uint32_t *vals, int n, int bw)
{
	int i = 0, lit = 0;   /* literals pending from lit to i */
	while (i < n) {
		int j = i + 1;
		while (j < n && vals[j] == vals[i])
			j++;
		int run = j - i;
		if (run >= 8) {
			/* fill the pending literals up to a whole group from the run */
			int pend = (i - lit) % 8;
			if (pend) {
				int take = 8 - pend;
				i += take;
				run -= take;
			}
			if (run >= 8) {
				put_literals(out, vals + lit, i - lit, bw);
				put_rle_run(out, vals[i], (uint64_t)run, bw);
				i += run;
				lit = i;
				continue;
			}
			i += run;
			continue;
		}
		i = j;
	}
	put_literals(out, vals + lit, n - lit, bw);
}

void
pq_rle_encode_run(struct strbuf *out, uint32_t v, int64_t n, int bw)
{
	if (n > 0)
		put_rle_run(out, v, (uint64_t)n, bw);
}
