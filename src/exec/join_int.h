/*
 * join_int: private to the join operators (join_build.c, op_join.c).
 *
 * The build side (u.join.right) is stored column-wise in blocks of
 * WB_VEC_SIZE rows; a build row is named by a 32-bit id
 * (block << JB_SHIFT) | row. Blocks come from several collecting workers,
 * so the last block of each worker may be partly filled: ids have gaps,
 * which only the "every row" iteration of nested loops has to skip.
 *
 * Stored columns ("store columns") are the build columns the join outputs
 * or its residual reads, plus one column per key expression that is not
 * simply one of those columns. Strings are copied into the workers' heaps.
 *
 * One extra block after the real ones holds a single all-NULL row, id
 * G->null_id: outer joins pair unmatched probe rows with it, so gathering
 * build columns never branches on "no match".
 *
 * Hash table: radix-partitioned by hash bits 40.., each partition an open
 * addressing table of 16-byte slots with linear probing. One slot per
 * distinct key: `hv` is the key itself in integer mode (a single BIGINT /
 * DATE / TIMESTAMP key compared with '='), else the 64-bit hash (keys are
 * then compared once per probe row, vectorized); `head` is the first row
 * id + 1 of the key's rows, chained through next[id] (id + 1, 0 ends), in
 * build order. Partitions are built in parallel, each by one task.
 */
#ifndef WB_EXEC_JOIN_INT_H
#define WB_EXEC_JOIN_INT_H

#include "exec/exec_int.h"

#define JB_SHIFT 11
#define JB_MASK ((1u << JB_SHIFT) - 1)
_Static_assert(WB_VEC_SIZE == 1 << JB_SHIFT, "join blocks hold one vector");

struct jblock {
	int n;
	void **cols;          /* per store column: WB_VEC_SIZE values */
	uint8_t **nulls;      /* per store column: NULL while no row is NULL */
	uint64_t *hashes;     /* key hashes (build only; freed once built) */
};

/* A dictionary whose entries were copied into a store's heap. */
struct jdict_cache {
	uint64_t id;
	wb_str *map;          /* per code; n == UINT32_MAX: not copied yet */
	uint32_t cap;
};

/* One collecting worker's rows. */
struct jstore {
	struct jblock **blocks;
	int nblocks;
	size_t cap;
	struct arena heap;
	struct jdict_cache *dicts;   /* per store column */
	int64_t rows_in;             /* build input rows seen, stored or not */
	bool null_key;               /* a row had a NULL key */
};

struct jslot {
	uint64_t hv;
	uint32_t head;
	uint32_t pad;
};

struct jpart {
	struct jslot *slots;
	uint32_t mask;
	bool dup;             /* some key has several rows */
};

struct join_global {
	struct pnode *n;
	enum pn_join_type type;
	bool allrows;                /* nested loop (or no keys): every build row is a candidate */
	int pncol, bncol;            /* probe / build input columns */
	int nkeys;
	bool intmode;
	/* store layout */
	int nstore;
	wb_type *stypes;
	int *bcol_store;             /* build column -> store column, -1 if not stored */
	int *key_store;              /* key -> store column */
	bool *key_eval;              /* key must be evaluated (not an aliased column) */
	bool *res_used;              /* residual reads column c of (probe, build) */
	bool keep_null_keys;         /* RIGHT/FULL keep rows that cannot match */
	/* collected rows */
	struct jstore *stores;
	int nstores;
	struct jblock **blocks;      /* every store's blocks, in worker order */
	uint32_t nblocks;            /* real blocks; block nblocks is the NULL row */
	uint32_t *bn;                /* rows per block; bn[nblocks] = 0 */
	void ***cdata;               /* [store column][block] -> values */
	uint8_t ***cnulls;           /* [store column][block] -> nulls or NULL */
	bool *cany_null;             /* store column has a NULL somewhere (NULL row included) */
	uint32_t null_id;
	int64_t nrows;               /* stored rows */
	int64_t build_rows;          /* build input rows */
	bool build_null_key;
	/* hash table */
	uint32_t *next;
	struct jpart *parts;
	struct jslot *slots;         /* every partition's slots */
	uint32_t pmask;
	bool unique;                 /* no key has two rows: chains are never followed */
	/* RIGHT / FULL */
	uint8_t *matched;            /* per id, set with relaxed atomic stores */
	atomic_int active;           /* probe instances still reading */
	atomic_bool unmatched_taken; /* one instance emits the unmatched rows */
};

static inline uint32_t
join_part_of(const struct join_global *G, uint64_t h)
{
	return (uint32_t)(h >> 40) & G->pmask;
}

/* Collect the build side and build the table (join_build.c). */
int join_build(struct join_global *G, struct exec_ctx *ctx);
void join_build_free(struct join_global *G);
/* Does probe key row i (FLAT vectors kv) equal build row id's keys? */
bool join_keys_equal(const struct join_global *G, struct vec *const *kv, int i, uint32_t id);

#endif
