/*
 * fn_hash.c: digests and hashes: md5, sha1, sha2 (224/256/384/512),
 * crc32, and wb's own hash().
 *
 * The digest algorithms are written from their specifications (RFC 1321
 * for MD5, FIPS 180-4 for SHA-1 and SHA-2) and return lower-case hex of
 * the UTF-8 bytes of their argument, as Spark does for strings.
 */
#include "func/fn_impl.h"

#include "core/digest.h"
#include "core/hash.h"

#include <pthread.h>


static int
digest_kernel(struct vec **args, int n, struct vec *out, enum digest kind)
{
	const wb_str *a = vec_str(args[0]);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i)) {
			r[i] = wb_str_c("");
			continue;
		}
		char *d = fn_sw_reserve(&w, 128);
		r[i] = fn_sw_commit(&w, digest_hex(kind, a[i].p, a[i].n, d));
	}
	return 0;
}

static int
md5_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return digest_kernel(args, n, out, D_MD5);
}

static int
sha1_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return digest_kernel(args, n, out, D_SHA1);
}

/* sha2(str, bits): bits 224, 256 (or 0), 384, 512; NULL otherwise (Spark) */
static int
sha2_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]);
	const int64_t *bits = vec_i64(args[1]);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		r[i] = wb_str_c("");
		if (fn_skip(out, i))
			continue;
		enum digest kind;
		switch (bits[i]) {
		case 0:
		case 256: kind = D_SHA256; break;
		case 224: kind = D_SHA224; break;
		case 384: kind = D_SHA384; break;
		case 512: kind = D_SHA512; break;
		default:
			vec_set_null(out, i);
			continue;
		}
		char *d = fn_sw_reserve(&w, 128);
		r[i] = fn_sw_commit(&w, digest_hex(kind, a[i].p, a[i].n, d));
	}
	return 0;
}

/* ---- crc32 ---- */

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), table built once. */
static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void
crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static int
crc32_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]);
	int64_t *r = vec_i64(out);
	pthread_once(&crc_once, crc_init);
	for (int i = 0; i < n; i++) {
		uint32_t c = 0xffffffffu;
		const uint8_t *p = (const uint8_t *)a[i].p;
		for (uint32_t k = 0; k < a[i].n; k++)
			c = crc_table[(c ^ p[k]) & 0xff] ^ (c >> 8);
		r[i] = (int64_t)(c ^ 0xffffffffu);
	}
	return 0;
}

/* ---- hash ---- */

/*
 * hash(a, ...): wb's own 64-bit hash of its arguments: starting from 42,
 * each argument's value hash (core/hash.h: the hash joins and GROUP BY
 * use) is combined in order; NULL arguments hash to a fixed constant.
 * Stable across runs; NOT the value Spark's murmur3-based hash() gives.
 */
static int
hash_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	uint64_t h[WB_VEC_SIZE];
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++)
		h[i] = 42;
	for (int k = 0; k < nargs; k++)
		hash_vec(args[k], n, h, 1);
	for (int i = 0; i < n; i++)
		r[i] = (int64_t)h[i];
	out->nulls = NULL;
	return 0;
}

static const struct fn_sig md5_sigs[] = {SIG1(T_STR, T_STR, md5_k)};
static const struct fn_sig sha1_sigs[] = {SIG1(T_STR, T_STR, sha1_k)};
static const struct fn_sig sha2_sigs[] = {SIG2(T_STR, T_STR, T_I64, sha2_k)};
static const struct fn_sig crc32_sigs[] = {SIG1(T_I64, T_STR, crc32_k)};
static const struct fn_sig hash_sigs[] = {SIG1(T_I64, T_ANY, hash_k, .flags = FN_VARIADIC | FN_NONSTRICT)};

const struct scalar_fn fn_hash_table[] = {
	{.name = "md5", SIGS(md5_sigs), .usage = "md5(str)",
	    .doc = "MD5 digest of str as 32 hex digits",
	    .example = "md5('abc')", .example_result = "900150983cd24fb0d6963f7d28e17f72"},
	{.name = "sha1", SIGS(sha1_sigs), .usage = "sha1(str)",
	    .doc = "SHA-1 digest of str as 40 hex digits",
	    .example = "sha1('abc')", .example_result = "a9993e364706816aba3e25717850c26c9cd0d89d"},
	{.name = "sha", SIGS(sha1_sigs), .usage = "sha(str)",
	    .doc = "Same as sha1(str)",
	    .example = "sha('')", .example_result = "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
	{.name = "sha2", SIGS(sha2_sigs), .usage = "sha2(str, bits)",
	    .doc = "SHA-2 digest of str in hex; bits is 224, 256 (or 0), 384 or 512; NULL for other bits (Spark)",
	    .example = "sha2('abc', 256)", .example_result = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{.name = "crc32", SIGS(crc32_sigs), .usage = "crc32(str)",
	    .doc = "CRC-32 checksum of str as a BIGINT",
	    .example = "crc32('abc')", .example_result = "891568578"},
	{.name = "hash", SIGS(hash_sigs), .usage = "hash(a, ...)",
	    .doc = "wb's own 64-bit hash of the arguments (seed 42, as used by joins and GROUP BY; not Spark's murmur3 value)",
	    .example = "hash('abc') = hash('abc')", .example_result = "true"},
};
const int fn_hash_count = (int)(sizeof fn_hash_table / sizeof fn_hash_table[0]);
