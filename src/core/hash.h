/*
 * hash: 64-bit hashing of values and of whole vectors.
 *
 * Equal values hash equally across vector kinds (a DICT string hashes like
 * the same FLAT string) and across BIGINT/DOUBLE only when the caller
 * converts first. NULL hashes to a fixed constant.
 */
#ifndef WB_CORE_HASH_H
#define WB_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "core/vector.h"

#define HASH_NULL UINT64_C(0x9e3779b97f4a7c15)

static inline uint64_t hash_u64(uint64_t x)
{
	/* a 64-bit finaliser (xor-shift-multiply) */
	x ^= x >> 32;
	x *= UINT64_C(0xd6e8feb86659fd93);
	x ^= x >> 32;
	x *= UINT64_C(0xd6e8feb86659fd93);
	x ^= x >> 32;
	return x;
}

static inline uint64_t hash_combine(uint64_t a, uint64_t b)
{
	return hash_u64(a * UINT64_C(0x9e3779b97f4a7c15) + b);
}

uint64_t hash_bytes(const void *p, size_t n);
uint64_t hash_double(double d);
/* hashes[i] = hash(v[i]) (combine == 0) or hash_combine(hashes[i], hash(v[i])). */
void hash_vec(const struct vec *v, int n, uint64_t *hashes, int combine);

#endif
