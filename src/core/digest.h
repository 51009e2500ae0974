/*
 * digest: MD5 (RFC 1321), SHA-1 and SHA-2 (FIPS 180-4) as lower-case hex,
 * written from the specifications. Used by md5()/sha1()/sha2(), the
 * sqllogictest runner's result hashing, and anywhere a content digest is
 * needed.
 */
#ifndef WB_CORE_DIGEST_H
#define WB_CORE_DIGEST_H

#include <stddef.h>

enum digest { D_MD5, D_SHA1, D_SHA224, D_SHA256, D_SHA384, D_SHA512 };

/* Hex digest of data[0..len) into out (>= 129 bytes, NUL-terminated);
 * returns the number of hex characters. */
size_t digest_hex(enum digest kind, const void *data, size_t len, char *out);
/* MD5 as 32 hex characters into out[33]. */
void digest_md5_hex(const void *data, size_t len, char out[33]);

#endif
