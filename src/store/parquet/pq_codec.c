/*
 * pq_codec: page compression through the Debian libraries - snappy
 * (snappy-c), gzip (zlib), zstd (libzstd), LZ4_RAW and Hadoop-framed LZ4
 * (liblz4, when configure found it) - and the page CRC (zlib's crc32, the
 * polynomial the format names).
 */
#include "config.h"
#include "store/parquet/pq_int.h"
#include "core/xmalloc.h"

#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#ifdef HAVE_LZ4
#include <lz4.h>
#endif

bool
pq_codec_supported(int codec)
{
	switch (codec) {
	case PQ_CODEC_UNCOMPRESSED:
	case PQ_CODEC_SNAPPY:
	case PQ_CODEC_GZIP:
	case PQ_CODEC_ZSTD:
		return true;
#ifdef HAVE_LZ4
	case PQ_CODEC_LZ4:
	case PQ_CODEC_LZ4_RAW:
		return true;
#endif
	default:
		return false;
	}
}

const char *
pq_codec_name(int codec)
{
	switch (codec) {
	case PQ_CODEC_UNCOMPRESSED: return "UNCOMPRESSED";
	case PQ_CODEC_SNAPPY: return "SNAPPY";
	case PQ_CODEC_GZIP: return "GZIP";
	case PQ_CODEC_LZO: return "LZO";
	case PQ_CODEC_BROTLI: return "BROTLI";
	case PQ_CODEC_LZ4: return "LZ4";
	case PQ_CODEC_ZSTD: return "ZSTD";
	case PQ_CODEC_LZ4_RAW: return "LZ4_RAW";
	default: return "an unknown codec";
	}
}

static int
gunzip(const uint8_t *in, size_t n, uint8_t *out, size_t out_n, const char **why)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	/* 15 + 32: gzip or zlib header, detected */
	if (inflateInit2(&z, 15 + 32) != Z_OK) {
		*why = "zlib could not start";
		return -1;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)out_n;
	int rc;
	for (;;) {
		rc = inflate(&z, Z_FINISH);
		/* concatenated gzip members */
		if (rc == Z_STREAM_END && z.avail_in > 0 && z.avail_out > 0) {
			inflateReset(&z);
			continue;
		}
		break;
	}
	size_t got = out_n - z.avail_out;
	inflateEnd(&z);
	if ((rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && z.avail_in == 0 && got == out_n)) || got != out_n) {
		*why = "gzip data is corrupt or has another size than the page header says";
		return -1;
	}
	return 0;
}

#ifdef HAVE_LZ4
static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Hadoop's framing: blocks of <uncompressed BE32> <compressed BE32> <lz4 block>.
 * Older writers used a bare LZ4 block, tried when the framing does not fit. */
static int
lz4_hadoop(const uint8_t *in, size_t n, uint8_t *out, size_t out_n)
{
	size_t i = 0, o = 0;
	while (i + 8 <= n) {
		uint32_t ulen = be32(in + i), clen = be32(in + i + 4);
		i += 8;
		if (clen > n - i || ulen > out_n - o || clen > INT32_MAX || ulen > INT32_MAX)
			return -1;
		int got = LZ4_decompress_safe((const char *)in + i, (char *)out + o, (int)clen, (int)ulen);
		if (got < 0 || (uint32_t)got != ulen)
			return -1;
		i += clen;
		o += ulen;
	}
	return i == n && o == out_n ? 0 : -1;
}
#endif

int
pq_check_size(int codec, const uint8_t *in, size_t n, size_t out_n, const char **why)
{
	switch (codec) {
	case PQ_CODEC_UNCOMPRESSED:
		return 0;
	case PQ_CODEC_SNAPPY: {
		size_t len;
		if (snappy_uncompressed_length((const char *)in, n, &len) != SNAPPY_OK || len != out_n) {
			*why = "snappy data is corrupt or has another size than the page header says";
			return -1;
		}
		return 0;
	}
	case PQ_CODEC_ZSTD: {
		unsigned long long len = ZSTD_getFrameContentSize(in, n);
		if (len == ZSTD_CONTENTSIZE_ERROR || (len != ZSTD_CONTENTSIZE_UNKNOWN && len > out_n)) {
			*why = "zstd data is corrupt or has another size than the page header says";
			return -1;
		}
		break;
	}
	default:
		break;
	}
	/* deflate and lz4 cannot expand more than about 1000:1 and 255:1 */
	if (out_n > (size_t)64 << 20 && out_n / 1100 > n) {
		*why = "the page header's uncompressed size is implausible for its data";
		return -1;
	}
	return 0;
}

int
pq_decompress(int codec, const uint8_t *in, size_t n, uint8_t *out, size_t out_n, const char **why)
{
	switch (codec) {
	case PQ_CODEC_UNCOMPRESSED:
		if (n != out_n) {
			*why = "uncompressed page with two different sizes";
			return -1;
		}
		memcpy(out, in, n);
		return 0;
	case PQ_CODEC_SNAPPY: {
		size_t len;
		if (snappy_uncompressed_length((const char *)in, n, &len) != SNAPPY_OK || len != out_n) {
			*why = "snappy data is corrupt or has another size than the page header says";
			return -1;
		}
		if (snappy_uncompress((const char *)in, n, (char *)out, &len) != SNAPPY_OK || len != out_n) {
			*why = "snappy data is corrupt";
			return -1;
		}
		return 0;
	}
	case PQ_CODEC_GZIP:
		return gunzip(in, n, out, out_n, why);
	case PQ_CODEC_ZSTD: {
		size_t r = ZSTD_decompress(out, out_n, in, n);
		if (ZSTD_isError(r) || r != out_n) {
			*why = "zstd data is corrupt or has another size than the page header says";
			return -1;
		}
		return 0;
	}
#ifdef HAVE_LZ4
	case PQ_CODEC_LZ4_RAW:
	case PQ_CODEC_LZ4: {
		if (codec == PQ_CODEC_LZ4 && lz4_hadoop(in, n, out, out_n) == 0)
			return 0;
		if (n > INT32_MAX || out_n > INT32_MAX) {
			*why = "lz4 page too large";
			return -1;
		}
		int got = LZ4_decompress_safe((const char *)in, (char *)out, (int)n, (int)out_n);
		if (got < 0 || (size_t)got != out_n) {
			*why = "lz4 data is corrupt or has another size than the page header says";
			return -1;
		}
		return 0;
	}
#endif
	default:
		*why = "unsupported compression codec";
		return -1;
	}
}

struct pq_zctx {
	ZSTD_CCtx *cctx;
};

struct pq_zctx *
pq_zctx_new(void)
{
	struct pq_zctx *z = xcalloc(1, sizeof *z);
	z->cctx = ZSTD_createCCtx();
	if (z->cctx == NULL) {
		/* libzstd only fails here when out of memory */
		xmalloc((size_t)-1);
	}
	return z;
}

void
pq_zctx_free(struct pq_zctx *z)
{
	if (z == NULL)
		return;
	ZSTD_freeCCtx(z->cctx);
	free(z);
}

size_t
pq_compress(int codec, int level, struct pq_zctx *z, const uint8_t *in, size_t n, struct strbuf *out)
{
	size_t at = out->len;
	switch (codec) {
	case PQ_CODEC_SNAPPY: {
		size_t cap = snappy_max_compressed_length(n);
		sb_reserve(out, cap + 1);
		size_t len = cap;
		snappy_compress((const char *)in, n, out->s + at, &len);
		out->len += len;
		break;
	}
	case PQ_CODEC_GZIP: {
		z_stream zs;
		memset(&zs, 0, sizeof zs);
		deflateInit2(&zs, level > 0 ? level : 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
		size_t cap = deflateBound(&zs, (uLong)n) + 32;
		sb_reserve(out, cap + 1);
		zs.next_in = (Bytef *)in;
		zs.avail_in = (uInt)n;
		zs.next_out = (Bytef *)out->s + at;
		zs.avail_out = (uInt)cap;
		deflate(&zs, Z_FINISH);
		out->len += cap - zs.avail_out;
		deflateEnd(&zs);
		break;
	}
	case PQ_CODEC_ZSTD: {
		size_t cap = ZSTD_compressBound(n);
		sb_reserve(out, cap + 1);
		struct pq_zctx *own = z ? NULL : pq_zctx_new();
		size_t r = ZSTD_compressCCtx((z ? z : own)->cctx, out->s + at, cap, in, n,
		    level != 0 ? level : ZSTD_CLEVEL_DEFAULT);
		pq_zctx_free(own);
		if (ZSTD_isError(r))
			xmalloc((size_t)-1);   /* only on allocation failure with a bound-sized buffer */
		out->len += r;
		break;
	}
#ifdef HAVE_LZ4
	case PQ_CODEC_LZ4_RAW: {
		int cap = LZ4_compressBound((int)n);
		sb_reserve(out, (size_t)cap + 1);
		int r = LZ4_compress_default((const char *)in, out->s + at, (int)n, cap);
		out->len += (size_t)r;
		break;
	}
#endif
	default:
		sb_add(out, (const char *)in, n);
		break;
	}
	if (out->s)
		out->s[out->len] = '\0';
	return out->len - at;
}

uint32_t
pq_crc32(const uint8_t *p, size_t n)
{
	uLong c = crc32(0L, Z_NULL, 0);
	while (n > 0) {
		uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
		c = crc32(c, p, k);
		p += k;
		n -= k;
	}
	return (uint32_t)c;
}
