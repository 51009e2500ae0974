/*
 * Window functions (PN_WINDOW): one PARTITION BY / ORDER BY and any number
 * of functions; the output is the child's columns followed by one column
 * per function. A pipeline breaker; everything happens in window_prepare:
 *
 *  1. collect  Workers evaluate the partition, order and argument
 *              expressions that are not plain columns and a 64-bit hash of
 *              the partition key, and copy each row into their private
 *              store for the row's hash bucket (the hash's top bits), so a
 *              partition never spans buckets and a bucket's rows sit
 *              together in memory (radix partitioning, as DuckDB's hash
 *              partitioned windows do). The bucket count comes from the
 *              planner's row estimate: ~8K rows a bucket, 16 to 256.
 *  2. buckets  In parallel, one task per bucket: its rows become 16-byte
 *              sort items (prefix of the first ORDER BY key, low 32 bits
 *              of the partition hash, row id); a radix sort on the hash
 *              groups partitions (a run of equal hashes whose keys differ —
 *              a collision — is sorted by the full keys instead), each
 *              partition is sorted by its ORDER BY keys (prefix radix sort,
 *              full comparison of equal prefixes; a single numeric key
 *              without NULLs is its own exact prefix and needs none), the
 *              rows are copied into the bucket's own output chunks and
 *              every function is computed into them by position. A
 *              bucket's chunks belong to it alone, so no locks are taken.
 *
 * Frames. Every row's frame is computed as a half-open range [fs, fe) of
 * partition positions; for every frame SQL allows, fs and fe never decrease
 * from one row to the next (RANGE bounds are found with a moving pointer
 * over the single ORDER BY key; NULL keys frame their NULL peers).
 * Aggregates then take the cheapest way the frame shape allows:
 *   - whole partition: computed once, copied to every row;
 *   - frame starts at the partition start: running accumulation, O(n);
 *   - frame ends at the partition end (order-insensitive aggregates):
 *     running accumulation backwards, O(n);
 *   - otherwise a segment tree over aggregate states of 16-row blocks
 *     (combine()), O(n log n) state combinations;
 *   - DISTINCT: the rows whose previous equal value lies before the frame
 *     start are exactly the first occurrences in the frame; as the frame
 *     start only grows, rows are switched on in a segment tree (one leaf
 *     per row) when it passes their previous occurrence, O(n log n).
 * count(*), count(x), sum/avg of BIGINT (exact prefix sums in 128 bits),
 * sum/avg of DOUBLE running or over ROWS frames of at most 32 rows (the
 * aggregate's own compensated summation in the same order, so results
 * equal the plain aggregate's) and min/max of numbers (running, or
 * a monotonic deque) are computed natively without calls through the
 * aggregate table. Results equal the aggregate's finalize() in every case.
 *
 * Memory: the stores (a bucket's chunks are freed once its output is
 * built; the string heaps stay until cleanup since output strings point
 * into them; dictionary-encoded strings are copied once per dictionary),
 * per-worker scratch sized to the largest bucket, and the output.
 */
#include "exec/exec_int.h"
#include "exec/sort_int.h"
#include "core/datetime.h"
#include "core/hash.h"
#include "core/list.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* row ids: (global store chunk << ROW_BITS) | row */
#define ROW_BITS 11
#define ROW_MASK ((uint32_t)WB_VEC_SIZE - 1)
_Static_assert(WB_VEC_SIZE == 1 << ROW_BITS, "row ids pack chunk and row");
#define MAX_CHUNKS (UINT32_C(1) << (32 - ROW_BITS))
#define NONE UINT32_MAX
/* segment tree leaves: aggregate states of blocks of 16 rows */
#define LB_BITS 4
#define LB (1 << LB_BITS)
/* rows per bucket aimed at (items of a bucket stay in cache while sorted) */
#define BUCKET_ROWS 8192
#define MIN_BUCKET_BITS 4
#define MAX_BUCKETS 256

/* Where a per-row value comes from: a store column, or a constant. */
struct wsrc {
	int col;                  /* store column; -1: cvec */
	struct vec cvec;          /* CONST vector of one row */
	wb_type type;
};

enum agg_native {
	NV_NONE = 0,
	NV_COUNT_STAR,
	NV_COUNT,
	NV_SUM_I,
	NV_AVG_I,
	NV_SUM_D,                 /* native when running or over short ROWS frames */
	NV_AVG_D,
	NV_MIN_I,
	NV_MAX_I,
	NV_MIN_D,
	NV_MAX_D,
};

struct wfn {
	const struct pn_winfn *f;
	const char *name;         /* for messages */
	int out;                  /* output column */
	int nargs;
	struct wsrc *args;
	/* PW_AGG */
	int nup;                  /* arguments passed to update() */
	int up[AGG_MAXARGS];      /* their indexes into args */
	size_t stride;            /* state size rounded up to 16 */
	struct agg_ctx actx;      /* heap and err are set per worker */
	enum agg_native nv;
	bool order_sensitive;
};

/* Per pool worker: scratch arrays sized to the largest partition seen,
 * and the heap that aggregate states and their results live in (kept
 * until cleanup: result strings point into it). */
struct wscratch {
	struct arena heap;
	struct wb_error err;
	struct sort_item *items;      /* the bucket being sorted */
	struct sort_item *tmp;
	uint32_t *pb;             /* partition starts in the bucket */
	uint32_t *pstart, *pend;  /* peer group of each row */
	uint32_t *fs, *fe;        /* frame of each row */
	uint32_t *cnt;            /* prefix counts (n + 1) */
	uint32_t *pos;            /* positions of non-NULL values / deque */
	__int128 *psum;           /* prefix sums (n + 1) */
	int64_t *vi;              /* gathered argument values */
	double *vd;
	uint8_t *vn;
	uint32_t *prev, *next;    /* DISTINCT: previous / next equal value */
	uint32_t *slots;          /* DISTINCT: hash slots */
	char *states;             /* aggregate states */
	size_t items_cap, tmp_cap, pb_cap, pstart_cap, pend_cap, fs_cap, fe_cap, cnt_cap, pos_cap, psum_cap, vi_cap, vd_cap,
	    vn_cap, prev_cap, next_cap, slots_cap, states_cap;
	struct vec av[AGG_MAXARGS];
	uint32_t gids[WB_VEC_SIZE];
	uint8_t skip[WB_VEC_SIZE];
};

/* Make scratch array S->arr hold at least m elements (contents lost). */
#define FIT(S, arr, m) ((S)->arr = grow((S)->arr, &(S)->arr##_cap, (m), sizeof *(S)->arr))

/* The rows of one bucket collected by one worker. Chunks are allocated one
 * by one so that pointers to them stay valid while the list grows; strings
 * of non-dictionary vectors are copied into heap (dictionaries are copied
 * once per worker, see dict_vals()). */
struct wstore {
	struct chunk **chunks;
	int n;
	size_t cap;
	int64_t rows;
	struct arena heap;
};

struct window_global {
	struct result_chunks result;  /* first: see exec_int.h */
	struct pnode *n;
	struct exec_ctx *ctx;
	int base;                     /* child columns */
	int nstore;                   /* child + extra + hash columns */
	wb_type *stypes;
	int nextra;
	const struct bexpr **extra;   /* evaluated into store columns base.. */
	int hcol;                     /* partition hash column (BIGINT) */
	int npart, norder;
	int *pcol, *ocol;             /* key store columns */
	const struct pn_sortkey *order;
	int nfn;
	struct wfn *fns;
	bool need_peers;
	bool exact;                   /* the single ORDER BY key can be an exact prefix */
	struct wstore *stores;        /* [worker * nb + bucket] */
	int nworkers;
	struct chunk **all;           /* every store chunk, bucket by bucket */
	int nall;
	int nb, bbits;
	int *ball;                    /* nb + 1: first chunk of each bucket in all */
	int64_t *brows;               /* rows of each bucket */
	int *cbase;                   /* nb + 1: first output chunk of each bucket */
	struct wscratch **scratch;    /* per pool worker */
	int nscratch;
	struct arena consts;          /* constant arguments' strings */
	struct arena *dict_heaps;     /* per collecting worker: copied dictionaries */
};

/* ------------------------------------------------------------ helpers */

static void *
grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 1024;
	while (c < need)
		c *= 2;
	free(p);
	*cap = c;
	return xmalloc(c * elem);
}

static inline const struct vec *
scol(const struct window_global *G, uint32_t rowid, int col)
{
	return &G->all[rowid >> ROW_BITS]->cols[col];
}

/* The vector and index holding source s at row id rowid. */
static inline const struct vec *
src_at(const struct window_global *G, const struct wsrc *s, uint32_t rowid, int *idx)
{
	if (s->col < 0) {
		*idx = 0;
		return &s->cvec;
	}
	*idx = (int)(rowid & ROW_MASK);
	return scol(G, rowid, s->col);
}

static inline int64_t
val_i64(const struct vec *v, int i)
{
	return ((const int64_t *)v->data)[v->kind == VEC_CONST ? 0 : i];
}

static inline double
val_f64(const struct vec *v, int i)
{
	return ((const double *)v->data)[v->kind == VEC_CONST ? 0 : i];
}

static inline void
set_null(struct vec *dst, int row)
{
	vec_nulls_writable(dst)[row] = 1;
	memset((char *)dst->data + (size_t)row * type_size(dst->type), 0, type_size(dst->type));
}

/* dst[drow] = src[sidx] (same type; strings stay views). */
static inline void
copy_val(struct vec *dst, int drow, const struct vec *src, int sidx)
{
	if (vec_is_null(src, sidx)) {
		set_null(dst, drow);
		return;
	}
	size_t sz = type_size(dst->type);
	int si = src->kind == VEC_CONST ? 0 : sidx;
	memcpy((char *)dst->data + (size_t)drow * sz, (const char *)src->data + (size_t)si * sz, sz);
}

/* One partition being computed: its sorted items and where its rows go. */
struct wpart {
	struct window_global *G;
	struct wscratch *S;
	const struct sort_item *it;
	uint32_t n;
	int64_t k0;               /* bucket position of the first row */
	int c0;                   /* the bucket's first output chunk */
	bool fs0, fen;            /* current frames: all start at 0 / end at n */
	bool exact;               /* prefixes are the (single) key itself */
};

static inline struct vec *
outv(const struct wpart *P, int col, uint32_t r, int *row)
{
	int64_t k = P->k0 + r;
	*row = (int)(k & ROW_MASK);
	return &P->G->result.chunks[P->c0 + (int)(k >> ROW_BITS)].cols[col];
}

static inline void
out_i64(const struct wpart *P, int col, uint32_t r, int64_t x)
{
	int row;
	struct vec *v = outv(P, col, r, &row);
	vec_i64(v)[row] = x;
}

static inline void
out_f64(const struct wpart *P, int col, uint32_t r, double x)
{
	int row;
	struct vec *v = outv(P, col, r, &row);
	vec_f64(v)[row] = x;
}

static inline void
out_null(const struct wpart *P, int col, uint32_t r)
{
	int row;
	struct vec *v = outv(P, col, r, &row);
	set_null(v, row);
}

/* Output row r of the function's column = source s at partition row t. */
static inline void
out_src(const struct wpart *P, int col, uint32_t r, const struct wsrc *s, uint32_t t)
{
	int row, idx;
	struct vec *v = outv(P, col, r, &row);
	const struct vec *sv = src_at(P->G, s, P->it[t].row, &idx);
	copy_val(v, row, sv, idx);
}

/* Output row r = output row q of the same column (broadcasts). */
static inline void
out_copy(const struct wpart *P, int col, uint32_t r, uint32_t q)
{
	int row, qrow;
	struct vec *v = outv(P, col, r, &row);
	const struct vec *qv = outv(P, col, q, &qrow);
	copy_val(v, row, qv, qrow);
}

static const char *
kind_name(const struct pn_winfn *f)
{
	switch (f->kind) {
	case PW_ROW_NUMBER: return "row_number";
	case PW_RANK: return "rank";
	case PW_DENSE_RANK: return "dense_rank";
	case PW_PERCENT_RANK: return "percent_rank";
	case PW_CUME_DIST: return "cume_dist";
	case PW_NTILE: return "ntile";
	case PW_LAG: return "lag";
	case PW_LEAD: return "lead";
	case PW_FIRST_VALUE: return "first_value";
	case PW_LAST_VALUE: return "last_value";
	case PW_NTH_VALUE: return "nth_value";
	case PW_AGG: return f->agg ? f->agg->name : "aggregate";
	}
	return "window function";
}

/* ------------------------------------------------------------ sorting */

/*
 * A single BOOLEAN, BIGINT, DATE, TIMESTAMP or DOUBLE key without NULLs
 * maps to a prefix that is the key itself (all 64 bits, order-preserving,
 * -0 = 0, NaN = NaN above all), so equal prefixes are peers and need no
 * comparison of values. Used per bucket when the bucket has no NULL key.
 */
static inline uint64_t
exact_prefix(const struct vec *v, int i, const struct pn_sortkey *k)
{
	int r = v->kind == VEC_CONST ? 0 : i;
	uint64_t p;
	switch (v->type) {
	case WB_TYPE_BOOL:
		p = ((const uint8_t *)v->data)[r];
		break;
	case WB_TYPE_DOUBLE: {
		double d = ((const double *)v->data)[r];
		uint64_t b;
		if (d != d) {
			b = UINT64_C(0x7ff8000000000000);
		} else {
			if (d == 0)
				d = 0;
			memcpy(&b, &d, 8);
		}
		p = (b & (UINT64_C(1) << 63)) ? ~b : b | (UINT64_C(1) << 63);
		break;
	}
	default:
		p = (uint64_t)((const int64_t *)v->data)[r] ^ (UINT64_C(1) << 63);
	}
	return k->desc ? ~p : p;
}

static int
cmp_order(const struct window_global *G, const struct sort_item *a, const struct sort_item *b)
{
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	for (int k = 0; k < G->norder; k++) {
		int c = sortkey_cmp(scol(G, a->row, G->ocol[k]), (int)(a->row & ROW_MASK), scol(G, b->row, G->ocol[k]),
		    (int)(b->row & ROW_MASK), &G->order[k]);
		if (c)
			return c;
	}
	return a->row < b->row ? -1 : a->row > b->row;
}

static const struct pn_sortkey part_key = {NULL, false, true};

static int
cmp_part(const struct window_global *G, const struct sort_item *a, const struct sort_item *b)
{
	for (int k = 0; k < G->npart; k++) {
		int c = sortkey_cmp(scol(G, a->row, G->pcol[k]), (int)(a->row & ROW_MASK), scol(G, b->row, G->pcol[k]),
		    (int)(b->row & ROW_MASK), &part_key);
		if (c)
			return c;
	}
	return 0;
}

static inline uint64_t
value_hash(const struct vec *v, int i)
{
	if (vec_is_null(v, i))
		return HASH_NULL;
	int r = v->kind == VEC_CONST ? 0 : i;
	switch (v->type) {
	case WB_TYPE_VARCHAR: {
		wb_str s = vec_str_at(v, i);
		return hash_bytes(s.p, s.n);
	}
	case WB_TYPE_DOUBLE:
		return hash_double(((const double *)v->data)[r]);
	case WB_TYPE_BOOL:
		return hash_u64(((const uint8_t *)v->data)[r]);
	case WB_TYPE_INTERVAL:
		return hash_bytes(&((const wb_interval *)v->data)[r], sizeof(wb_interval));
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP:
		return hash_u64((uint64_t)((const int64_t *)v->data)[r]);
	default:   /* lists */
		return list_hash(((const wb_list *)v->data)[r], type_list_elem(v->type));
	}
}

static inline bool
value_eq(const struct vec *a, int i, const struct vec *b, int j)
{
	bool na = vec_is_null(a, i), nb = vec_is_null(b, j);
	if (na || nb)
		return na && nb;
	int ri = a->kind == VEC_CONST ? 0 : i, rj = b->kind == VEC_CONST ? 0 : j;
	switch (a->type) {
	case WB_TYPE_VARCHAR:
		return wb_str_eq(vec_str_at(a, i), vec_str_at(b, j));
	case WB_TYPE_DOUBLE: {
		double x = ((const double *)a->data)[ri], y = ((const double *)b->data)[rj];
		return x == y || (x != x && y != y);
	}
	case WB_TYPE_BOOL:
		return ((const uint8_t *)a->data)[ri] == ((const uint8_t *)b->data)[rj];
	case WB_TYPE_INTERVAL:
		return memcmp(&((const wb_interval *)a->data)[ri], &((const wb_interval *)b->data)[rj], sizeof(wb_interval)) == 0;
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP:
		return ((const int64_t *)a->data)[ri] == ((const int64_t *)b->data)[rj];
	default:   /* lists */
		return list_eq(((const wb_list *)a->data)[ri], ((const wb_list *)b->data)[rj], type_list_elem(a->type));
	}
}

/* Do rows a and b have equal partition keys? (Equal as hash_vec hashes:
 * -0 = 0, NaN = NaN.) */
static inline bool
part_eq(const struct window_global *G, const struct sort_item *a, const struct sort_item *b)
{
	for (int k = 0; k < G->npart; k++)
		if (!value_eq(scol(G, a->row, G->pcol[k]), (int)(a->row & ROW_MASK), scol(G, b->row, G->pcol[k]),
		    (int)(b->row & ROW_MASK)))
			return false;
	return true;
}

/* Prefetch the partition key slots of row id far and, for strings, the
 * bytes of row id near (whose slot was fetched earlier). */
static inline void
prefetch_keys(const struct window_global *G, uint32_t far, uint32_t near)
{
	for (int k = 0; k < G->npart; k++) {
		const struct vec *v = scol(G, far, G->pcol[k]);
		__builtin_prefetch((const char *)v->data + (size_t)(far & ROW_MASK) * type_size(v->type));
		const struct vec *u = scol(G, near, G->pcol[k]);
		if (u->type == WB_TYPE_VARCHAR)
			__builtin_prefetch(vec_str(u)[near & ROW_MASK].p);
	}
}

/* Partition keys, then ORDER BY keys (only for hash collisions). */
static int
cmp_full(const struct window_global *G, const struct sort_item *a, const struct sort_item *b)
{
	int c = cmp_part(G, a, b);
	return c ? c : cmp_order(G, a, b);
}

typedef int (*item_cmp)(const struct window_global *G, const struct sort_item *a, const struct sort_item *b);

static void
msort_items(const struct window_global *G, item_cmp cmp, struct sort_item *v, struct sort_item *tmp, int64_t n)
{
	if (n < 16) {
		for (int64_t i = 1; i < n; i++) {
			struct sort_item x = v[i];
			int64_t j = i;
			while (j > 0 && cmp(G, &x, &v[j - 1]) < 0) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
		return;
	}
	/* one partition can be the whole input: large merges look at the
	 * context (a stopped one leaves v as two sorted halves) */
	bool big = n > 0xffff;
	if (big && exec_should_stop(G->ctx))
		return;
	int64_t h = n / 2;
	msort_items(G, cmp, v, tmp, h);
	msort_items(G, cmp, v + h, tmp, n - h);
	if (cmp(G, &v[h - 1], &v[h]) <= 0)
		return;
	int64_t i = 0, j = h, k = 0;
	while (i < h && j < n) {
		if (big && (k & 0xffff) == 0xffff && exec_should_stop(G->ctx))
			return;
		tmp[k++] = cmp(G, &v[j], &v[i]) < 0 ? v[j++] : v[i++];
	}
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, sizeof *v * (size_t)n);
}

/* Sort one partition's items by the ORDER BY keys. */
static void
sort_partition(const struct window_global *G, struct sort_item *v, struct sort_item *tmp, int64_t n, bool exact)
{
	if (n < 2 || G->norder == 0)
		return;
	if (exact) {
		/* equal prefixes are equal keys: nothing to resolve */
		if (n > 24) {
			sort_radix(v, tmp, n);
			return;
		}
		for (int64_t i = 1; i < n; i++) {
			struct sort_item x = v[i];
			int64_t j = i;
			while (j > 0 && x.prefix < v[j - 1].prefix) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
		return;
	}
	if (n <= 24) {
		for (int64_t i = 1; i < n; i++) {
			struct sort_item x = v[i];
			int64_t j = i;
			while (j > 0 && cmp_order(G, &x, &v[j - 1]) < 0) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
		return;
	}
	sort_radix(v, tmp, n);
	int64_t i = 0;
	while (i < n) {
		int64_t j = i + 1;
		while (j < n && v[j].prefix == v[i].prefix)
			j++;
		if (j - i > 1)
			msort_items(G, cmp_order, v + i, tmp, j - i);
		i = j;
	}
}

/* Stable LSD radix sort on the 32-bit partition hash (the chunk field). */
static void
radix_hash(struct sort_item *v, struct sort_item *tmp, int64_t n)
{
	sort_radix_on(v, tmp, n, true);
}

/*
 * Sort a bucket: group partitions, order each. Fills S->pb with the start
 * of every partition and a final n; returns the partition count.
 */
static uint32_t
sort_bucket(struct window_global *G, struct wscratch *S, struct sort_item *items, uint32_t n, bool exact)
{
	FIT(S, tmp, n);
	FIT(S, pb, (size_t)n + 1);
	uint32_t np = 0;
	if (G->npart == 0) {
		sort_partition(G, items, S->tmp, n, exact);
		S->pb[np++] = 0;
		S->pb[np] = n;
		return np;
	}
	radix_hash(items, S->tmp, n);
	/* every row of a run of equal hashes must have the run's keys; the
	 * keys are fetched a few rows ahead (they are scattered in memory) */
	uint32_t i = 0;
	while (i < n) {
		uint32_t j = i + 1;
		while (j < n && items[j].chunk == items[i].chunk)
			j++;
		bool same = true;
		for (uint32_t k = i + 1; k < j && same; k++) {
			if (k + 8 < j)
				prefetch_keys(G, items[k + 8].row, k + 4 < j ? items[k + 4].row : items[k].row);
			same = part_eq(G, &items[i], &items[k]);
		}
		if (same) {
			sort_partition(G, items + i, S->tmp, j - i, exact);
			S->pb[np++] = i;
		} else {
			/* different keys with equal 32-bit hashes */
			msort_items(G, cmp_full, items + i, S->tmp, j - i);
			S->pb[np++] = i;
			for (uint32_t k = i + 1; k < j; k++)
				if (cmp_part(G, &items[k - 1], &items[k]) != 0)
					S->pb[np++] = k;
		}
		i = j;
	}
	S->pb[np] = n;
	return np;
}

/* ------------------------------------------------------------ peers and frames */

static void
compute_peers(const struct wpart *P)
{
	const struct window_global *G = P->G;
	struct wscratch *S = P->S;
	uint32_t n = P->n;
	uint32_t *ps = S->pstart, *pe = S->pend;
	ps[0] = 0;
	for (uint32_t r = 1; r < n; r++) {
		bool peer = true;
		const struct sort_item *a = &P->it[r - 1], *b = &P->it[r];
		if (G->norder > 0) {
			peer = a->prefix == b->prefix;
			for (int k = 0; k < G->norder && peer && !P->exact; k++)
				peer = sortkey_cmp(scol(G, a->row, G->ocol[k]), (int)(a->row & ROW_MASK), scol(G, b->row, G->ocol[k]),
				    (int)(b->row & ROW_MASK), &G->order[k]) == 0;
		}
		ps[r] = peer ? ps[r - 1] : r;
	}
	pe[n - 1] = n;
	for (uint32_t r = n - 1; r-- > 0;)
		pe[r] = ps[r + 1] == ps[r] ? pe[r + 1] : r + 1;
}

/* ROWS bound of row r (start: first row in; end: first row after). */
static inline uint32_t
rows_bound(enum pn_bound b, int64_t off, uint32_t r, uint32_t n, bool start)
{
	switch (b) {
	case PB_UNBOUNDED_PRECEDING:
		return 0;
	case PB_PRECEDING:
		if (start)
			return off > (int64_t)r ? 0 : r - (uint32_t)off;
		return off > (int64_t)r ? 0 : r - (uint32_t)off + 1;
	case PB_CURRENT_ROW:
		return start ? r : r + 1;
	case PB_FOLLOWING:
		if (start)
			return off >= (int64_t)(n - r) ? n : r + (uint32_t)off;
		return off >= (int64_t)(n - r - 1) ? n : r + (uint32_t)off + 1;
	case PB_UNBOUNDED_FOLLOWING:
		return n;
	}
	return n;
}

/* Timestamp (microseconds) plus sign * interval: months (day of month
 * clamped), then days, then microseconds. */
static __int128
ts_add(int64_t us, wb_interval iv, int sign)
{
	if (iv.months) {
		int64_t day = dt_ts_day(us), tod = dt_ts_time(us);
		day = dt_add_months(day, sign * (int64_t)iv.months);
		us = day * DT_US_PER_DAY + tod;
	}
	return (__int128)us + sign * ((__int128)iv.days * DT_US_PER_DAY + iv.micros);
}

/*
 * RANGE n PRECEDING / FOLLOWING bounds on the single ORDER BY key. Rows
 * with a NULL key frame their NULL peers; other rows never reach NULL rows
 * through an offset. Keys are compared in an integer domain (BIGINT with an
 * integer offset; DATE / TIMESTAMP as microseconds with an INTERVAL; DATE
 * with an integer number of days) or as doubles.
 */
static void
range_offset_bound(const struct wpart *P, const struct pn_frame *fr, bool start, uint32_t *out)
{
	const struct window_global *G = P->G;
	struct wscratch *S = P->S;
	uint32_t n = P->n;
	enum pn_bound b = start ? fr->start : fr->end;
	const struct wb_value *off = start ? &fr->start_voff : &fr->end_voff;
	const struct pn_sortkey *key = &G->order[0];
	int col = G->ocol[0];
	wb_type kt = key->expr->type;
	/* non-NULL rows are [lo, hi) */
	uint32_t lo = 0, hi = n;
	if (key->nulls_first) {
		while (lo < n && vec_is_null(scol(G, P->it[lo].row, col), (int)(P->it[lo].row & ROW_MASK)))
			lo++;
	} else {
		while (hi > 0 && vec_is_null(scol(G, P->it[hi - 1].row, col), (int)(P->it[hi - 1].row & ROW_MASK)))
			hi--;
	}
	for (uint32_t r = 0; r < lo; r++)
		out[r] = start ? S->pstart[r] : S->pend[r];
	for (uint32_t r = hi; r < n; r++)
		out[r] = start ? S->pstart[r] : S->pend[r];
	/* bound = key + sign * offset, in key order: PRECEDING goes against
	 * it, FOLLOWING with it */
	int sign = (b == PB_PRECEDING) != key->desc ? -1 : 1;
	int dir = key->desc ? -1 : 1;   /* keys go up (1) or down (-1) */
	bool dbl = kt == WB_TYPE_DOUBLE || off->type == WB_TYPE_DOUBLE;
	uint32_t j = lo;
	if (dbl) {
		double o = off->type == WB_TYPE_DOUBLE ? off->u.d : (double)off->u.i;
		for (uint32_t r = lo; r < hi; r++) {
			const struct vec *v = scol(G, P->it[r].row, col);
			int ri = (int)(P->it[r].row & ROW_MASK);
			double x = kt == WB_TYPE_DOUBLE ? val_f64(v, ri) : (double)val_i64(v, ri);
			double B = x + sign * o;
			for (; j < hi; j++) {
				const struct vec *w = scol(G, P->it[j].row, col);
				int wi = (int)(P->it[j].row & ROW_MASK);
				double y = kt == WB_TYPE_DOUBLE ? val_f64(w, wi) : (double)val_i64(w, wi);
				int c = sortkey_dcmp(y, B) * dir;
				/* start: first row at or past B; end: first row past B */
				if (start ? c >= 0 : c > 0)
					break;
			}
			out[r] = j;
		}
		return;
	}
	bool iv = off->type == WB_TYPE_INTERVAL;
	int64_t scale = iv && kt == WB_TYPE_DATE ? DT_US_PER_DAY : 1;
	for (uint32_t r = lo; r < hi; r++) {
		const struct vec *v = scol(G, P->it[r].row, col);
		int64_t x = val_i64(v, (int)(P->it[r].row & ROW_MASK));
		__int128 B = iv ? ts_add(x * scale, off->u.iv, sign) : (__int128)x + (__int128)sign * off->u.i;
		for (; j < hi; j++) {
			const struct vec *w = scol(G, P->it[j].row, col);
			__int128 y = (__int128)val_i64(w, (int)(P->it[j].row & ROW_MASK)) * scale;
			int c = (y < B ? -1 : y > B) * dir;
			if (start ? c >= 0 : c > 0)
				break;
		}
		out[r] = j;
	}
}

/* Frames of every row of the partition into S->fs / S->fe (fe >= fs);
 * sets P->fs0 / P->fen when all frames start at 0 / end at n. */
static void
compute_frames(struct wpart *P, const struct pn_frame *fr)
{
	const struct window_global *G = P->G;
	struct wscratch *S = P->S;
	uint32_t n = P->n, *fs = S->fs, *fe = S->fe;
	if (fr->unit == PF_ROWS) {
		for (uint32_t r = 0; r < n; r++) {
			fs[r] = rows_bound(fr->start, fr->start_ioff, r, n, true);
			fe[r] = rows_bound(fr->end, fr->end_ioff, r, n, false);
		}
	} else {
		/* RANGE: without ORDER BY every row is a peer of every other */
		for (int side = 0; side < 2; side++) {
			bool start = side == 0;
			enum pn_bound b = start ? fr->start : fr->end;
			uint32_t *out = start ? fs : fe;
			if (b == PB_UNBOUNDED_PRECEDING || (G->norder == 0 && start)) {
				memset(out, 0, sizeof *out * n);
			} else if (b == PB_UNBOUNDED_FOLLOWING || G->norder == 0) {
				for (uint32_t r = 0; r < n; r++)
					out[r] = n;
			} else if (b == PB_CURRENT_ROW) {
				memcpy(out, start ? S->pstart : S->pend, sizeof *out * n);
			} else {
				range_offset_bound(P, fr, start, out);
			}
		}
	}
	bool fs0 = true, fen = true;
	for (uint32_t r = 0; r < n; r++) {
		if (fe[r] < fs[r])
			fe[r] = fs[r];
		fs0 &= fs[r] == 0;
		fen &= fe[r] == n;
	}
	P->fs0 = fs0;
	P->fen = fen;
}

/* ------------------------------------------------------------ ranking */

static void
eval_rank(const struct wpart *P, const struct wfn *w)
{
	const struct wscratch *S = P->S;
	uint32_t n = P->n;
	int col = w->out;
	switch (w->f->kind) {
	case PW_ROW_NUMBER:
		for (uint32_t r = 0; r < n; r++)
			out_i64(P, col, r, (int64_t)r + 1);
		break;
	case PW_RANK:
		for (uint32_t r = 0; r < n; r++)
			out_i64(P, col, r, (int64_t)S->pstart[r] + 1);
		break;
	case PW_DENSE_RANK: {
		int64_t d = 0;
		for (uint32_t r = 0; r < n; r++) {
			d += S->pstart[r] == r;
			out_i64(P, col, r, d);
		}
		break;
	}
	case PW_PERCENT_RANK:
		for (uint32_t r = 0; r < n; r++)
			out_f64(P, col, r, n > 1 ? (double)S->pstart[r] / (double)(n - 1) : 0.0);
		break;
	case PW_CUME_DIST:
		for (uint32_t r = 0; r < n; r++)
			out_f64(P, col, r, (double)S->pend[r] / (double)n);
		break;
	default:
		break;
	}
}

/* Integer argument a of the function at row r; false when NULL. */
static inline bool
arg_int(const struct wpart *P, const struct wfn *w, int a, uint32_t r, int64_t *out)
{
	int idx;
	const struct vec *v = src_at(P->G, &w->args[a], P->it[r].row, &idx);
	if (vec_is_null(v, idx))
		return false;
	*out = v->type == WB_TYPE_DOUBLE ? (int64_t)val_f64(v, idx) : val_i64(v, idx);
	return true;
}

static int
eval_ntile(const struct wpart *P, const struct wfn *w, struct wb_error *err)
{
	uint32_t n = P->n;
	for (uint32_t r = 0; r < n; r++) {
		int64_t b;
		if (!arg_int(P, w, 0, r, &b)) {
			out_null(P, w->out, r);
			continue;
		}
		if (b <= 0) {
			err_set(err, w->f->pos, "ntile(): the number of buckets must be greater than zero, got %lld", (long long)b);
			return -1;
		}
		int64_t bucket;
		if (b >= (int64_t)n) {
			bucket = (int64_t)r + 1;
		} else {
			/* the first n % b buckets get one row more */
			int64_t q = n / b, rem = n % b, big = rem * (q + 1);
			bucket = r < big ? r / (q + 1) + 1 : rem + (r - big) / q + 1;
		}
		out_i64(P, w->out, r, bucket);
	}
	return 0;
}

/* ------------------------------------------------------------ values */

/* S->cnt[r] = non-NULL values of source s before row r (n + 1 entries),
 * S->pos[k] = row of the k-th non-NULL value. */
static void
count_nonnull(const struct wpart *P, const struct wsrc *s)
{
	struct wscratch *S = P->S;
	uint32_t c = 0;
	for (uint32_t r = 0; r < P->n; r++) {
		S->cnt[r] = c;
		int idx;
		const struct vec *v = src_at(P->G, s, P->it[r].row, &idx);
		if (!vec_is_null(v, idx))
			S->pos[c++] = r;
	}
	S->cnt[P->n] = c;
}

static void
eval_lag_lead(const struct wpart *P, const struct wfn *w)
{
	struct wscratch *S = P->S;
	uint32_t n = P->n;
	bool lag = w->f->kind == PW_LAG, ign = w->f->ignore_nulls;
	const struct wsrc *val = &w->args[0], *def = w->nargs > 2 ? &w->args[2] : NULL;
	if (ign)
		count_nonnull(P, val);
	for (uint32_t r = 0; r < n; r++) {
		int64_t off = 1;
		if (w->nargs > 1 && !arg_int(P, w, 1, r, &off)) {
			out_null(P, w->out, r);
			continue;
		}
		/* a negative offset looks the other way (as DuckDB does) */
		bool back = lag;
		if (off < 0) {
			back = !back;
			off = off == INT64_MIN ? INT64_MAX : -off;
		}
		int64_t t = -1;
		if (off == 0) {
			t = r;
		} else if (!ign) {
			if (back)
				t = off <= (int64_t)r ? (int64_t)r - off : -1;
			else
				t = off < (int64_t)(n - r) ? (int64_t)r + off : -1;
		} else {
			int64_t k = back ? (int64_t)S->cnt[r] - off : (int64_t)S->cnt[r + 1] + off - 1;
			if (back ? k >= 0 : (off <= (int64_t)S->cnt[n] && k < (int64_t)S->cnt[n]))
				t = S->pos[k];
		}
		if (t >= 0)
			out_src(P, w->out, r, val, (uint32_t)t);
		else if (def)
			out_src(P, w->out, r, def, r);
		else
			out_null(P, w->out, r);
	}
}

static int
eval_first_last_nth(struct wpart *P, const struct wfn *w, struct wb_error *err)
{
	struct wscratch *S = P->S;
	uint32_t n = P->n;
	bool ign = w->f->ignore_nulls;
	const struct wsrc *val = &w->args[0];
	compute_frames(P, &w->f->frame);
	if (ign)
		count_nonnull(P, val);
	for (uint32_t r = 0; r < n; r++) {
		uint32_t fs = S->fs[r], fe = S->fe[r];
		int64_t k = 1;
		if (w->f->kind == PW_NTH_VALUE) {
			if (!arg_int(P, w, 1, r, &k)) {
				out_null(P, w->out, r);
				continue;
			}
			if (k < 1) {
				err_set(err, w->f->pos, "nth_value(): the position must be at least 1, got %lld", (long long)k);
				return -1;
			}
		}
		int64_t t = -1;
		if (!ign) {
			if (w->f->kind == PW_LAST_VALUE)
				t = fe > fs ? (int64_t)fe - 1 : -1;
			else
				t = k <= (int64_t)(fe - fs) ? (int64_t)fs + k - 1 : -1;
		} else {
			uint32_t a = S->cnt[fs], b = S->cnt[fe];
			if (w->f->kind == PW_LAST_VALUE)
				t = b > a ? (int64_t)S->pos[b - 1] : -1;
			else
				t = k <= (int64_t)(b - a) ? (int64_t)S->pos[a + k - 1] : -1;
		}
		if (t >= 0)
			out_src(P, w->out, r, val, (uint32_t)t);
		else
			out_null(P, w->out, r);
	}
	return 0;
}

/* ------------------------------------------------------------ aggregates */

static void
state_init(const struct wfn *w, const struct agg_ctx *actx, char *st)
{
	memset(st, 0, w->stride);
	if (w->f->sig->init)
		w->f->sig->init(actx, st);
}

static void
state_destroy(const struct wfn *w, char *st)
{
	if (w->f->sig->destroy)
		w->f->sig->destroy(st);
}

/* Gather source s at partition rows [a, a + m) into the FLAT vector dst;
 * NULL rows are flagged in skip (when given) and in dst's nulls. */
static void
gather(const struct wpart *P, const struct wsrc *s, uint32_t a, int m, struct vec *dst, uint8_t *skip)
{
	const struct window_global *G = P->G;
	size_t sz = type_size(dst->type);
	dst->nulls = NULL;
	for (int i = 0; i < m; i++) {
		int idx;
		const struct vec *v = src_at(G, s, P->it[a + (uint32_t)i].row, &idx);
		if (vec_is_null(v, idx)) {
			vec_nulls_writable(dst)[i] = 1;
			memset((char *)dst->data + (size_t)i * sz, 0, sz);
			if (skip)
				skip[i] = 1;
			continue;
		}
		if (dst->nulls)
			dst->nulls[i] = 0;
		int si = v->kind == VEC_CONST ? 0 : idx;
		if (sz == 8)
			((int64_t *)dst->data)[i] = ((const int64_t *)v->data)[si];
		else
			memcpy((char *)dst->data + (size_t)i * sz, (const char *)v->data + (size_t)si * sz, sz);
	}
	dst->n = m;
}

/*
 * Fold partition rows [a, b) into states: all into `states` (blocks = 0),
 * or row r into the state of block (r >> LB_BITS) - (a >> LB_BITS). With
 * prev, rows that have an earlier equal value (prev[r] != NONE) are left
 * out (DISTINCT).
 */
static int
agg_feed(const struct wpart *P, const struct wfn *w, const struct agg_ctx *actx, char *states, uint32_t a, uint32_t b,
    bool blocks, const uint32_t *prev)
{
	struct wscratch *S = P->S;
	const struct agg_sig *sig = w->f->sig;
	bool sees_nulls = (sig->flags & AGG_SEES_NULLS) != 0;
	struct vec *args[AGG_MAXARGS];
	uint32_t b0 = a >> LB_BITS;   /* block of states[0] */
	while (a < b) {
		int m = b - a < WB_VEC_SIZE ? (int)(b - a) : WB_VEC_SIZE;
		memset(S->skip, 0, (size_t)m);
		bool any_skip = false;
		for (int j = 0; j < w->nup; j++) {
			struct vec *v = &S->av[j];
			if (v->type != w->args[w->up[j]].type)
				vec_retype(v, w->args[w->up[j]].type);
			gather(P, &w->args[w->up[j]], a, m, v, sees_nulls ? NULL : S->skip);
			any_skip |= !sees_nulls && v->nulls != NULL;
			args[j] = v;
		}
		for (int i = 0; i < m; i++)
			S->gids[i] = blocks ? ((a + (uint32_t)i) >> LB_BITS) - b0 : 0;
		if (prev) {
			for (int i = 0; i < m; i++)
				if (prev[a + (uint32_t)i] != NONE)
					S->skip[i] = 1;
			any_skip = true;
		}
		if (sig->update(actx, states, w->stride, S->gids, args, m, any_skip ? S->skip : NULL) < 0) {
			err_at(actx->err, w->f->pos);
			return -1;
		}
		a += (uint32_t)m;
	}
	return 0;
}

static int
agg_out(const struct wpart *P, const struct wfn *w, const struct agg_ctx *actx, const char *st, uint32_t r)
{
	int row;
	struct vec *v = outv(P, w->out, r, &row);
	if (w->f->sig->finalize(actx, st, v, row) < 0) {
		err_at(actx->err, w->f->pos);
		return -1;
	}
	return 0;
}

static char *
states_buf(struct wscratch *S, const struct wfn *w, size_t count)
{
	FIT(S, states, count * w->stride);
	return S->states;
}

/* Whole partition, running from the start, or running from the end. */
static int
agg_running(const struct wpart *P, const struct wfn *w, const struct agg_ctx *actx, const uint32_t *prev)
{
	struct wscratch *S = P->S;
	uint32_t n = P->n;
	char *st = states_buf(S, w, 1);
	state_init(w, actx, st);
	int rc = 0;
	if (P->fs0 && P->fen) {
		rc = agg_feed(P, w, actx, st, 0, n, false, prev);
		if (rc == 0)
			rc = agg_out(P, w, actx, st, 0);
		for (uint32_t r = 1; r < n && rc == 0; r++)
			out_copy(P, w->out, r, 0);
	} else if (P->fs0) {
		uint32_t cur = 0;
		for (uint32_t r = 0; r < n && rc == 0; r++) {
			if (r > 0 && S->fe[r] == cur) {
				out_copy(P, w->out, r, r - 1);
				continue;
			}
			rc = agg_feed(P, w, actx, st, cur, S->fe[r], false, prev);
			cur = S->fe[r];
			if (rc == 0)
				rc = agg_out(P, w, actx, st, r);
		}
	} else {
		/* frames end at n: grow backwards (order-insensitive aggregates) */
		uint32_t cur = n;
		for (uint32_t r = n; r-- > 0 && rc == 0;) {
			if (r + 1 < n && S->fs[r] == cur) {
				out_copy(P, w->out, r, r + 1);
				continue;
			}
			rc = agg_feed(P, w, actx, st, S->fs[r], cur, false, NULL);
			cur = S->fs[r];
			if (rc == 0)
				rc = agg_out(P, w, actx, st, r);
		}
	}
	state_destroy(w, st);
	return rc;
}

/* Combine tree nodes covering leaves [l, r) of a tree with `leaves`
 * leaves into res, left to right. */
static void
tree_query(const struct wfn *w, const struct agg_ctx *actx, char *tree, uint32_t leaves, uint32_t l, uint32_t r,
    char *res)
{
	uint32_t left[64], right[64];
	int nl = 0, nr = 0;
	for (l += leaves, r += leaves; l < r; l >>= 1, r >>= 1) {
		if (l & 1)
			left[nl++] = l++;
		if (r & 1)
			right[nr++] = --r;
	}
	for (int i = 0; i < nl; i++)
		w->f->sig->combine(actx, res, tree + (size_t)left[i] * w->stride);
	for (int i = nr; i-- > 0;)
		w->f->sig->combine(actx, res, tree + (size_t)right[i] * w->stride);
}

/* Sliding frames: a segment tree over states of 16-row blocks; rows of
 * partial blocks at the frame's edges are folded in directly. */
static int
agg_segtree(const struct wpart *P, const struct wfn *w, const struct agg_ctx *actx)
{
	struct wscratch *S = P->S;
	uint32_t n = P->n, nblk = (n + LB - 1) >> LB_BITS;
	char *buf = states_buf(S, w, 2 * (size_t)nblk + 1);
	char *res = buf, *tree = buf + w->stride;   /* node i at tree + i * stride */
	const struct agg_sig *sig = w->f->sig;
	for (uint32_t i = 0; i < 2 * nblk; i++)
		state_init(w, actx, tree + (size_t)i * w->stride);
	int rc = agg_feed(P, w, actx, tree + (size_t)nblk * w->stride, 0, n, true, NULL);
	for (uint32_t i = nblk; i-- > 1 && rc == 0;) {
		sig->combine(actx, tree + (size_t)i * w->stride, tree + (size_t)(2 * i) * w->stride);
		sig->combine(actx, tree + (size_t)i * w->stride, tree + (size_t)(2 * i + 1) * w->stride);
	}
	for (uint32_t r = 0; r < n && rc == 0; r++) {
		uint32_t fs = S->fs[r], fe = S->fe[r];
		if (r > 0 && fs == S->fs[r - 1] && fe == S->fe[r - 1]) {
			out_copy(P, w->out, r, r - 1);
			continue;
		}
		state_init(w, actx, res);
		uint32_t bl = (fs + LB - 1) >> LB_BITS, br = fe >> LB_BITS;
		if (bl >= br) {
			rc = agg_feed(P, w, actx, res, fs, fe, false, NULL);
		} else {
			rc = agg_feed(P, w, actx, res, fs, bl << LB_BITS, false, NULL);
			if (rc == 0)
				tree_query(w, actx, tree, nblk, bl, br, res);
			if (rc == 0)
				rc = agg_feed(P, w, actx, res, br << LB_BITS, fe, false, NULL);
		}
		if (rc == 0)
			rc = agg_out(P, w, actx, res, r);
		state_destroy(w, res);
	}
	for (uint32_t i = 0; i < 2 * nblk; i++)
		state_destroy(w, tree + (size_t)i * w->stride);
	return rc;
}

/* ---- DISTINCT ---- */

/* S->prev[r] / S->next[r]: the previous / next row with an equal first
 * argument (NONE if there is none). */
static void
link_equal(const struct wpart *P, const struct wfn *w)
{
	struct wscratch *S = P->S;
	uint32_t n = P->n;
	size_t cap = 1024;
	while (cap < 2 * (size_t)n)
		cap *= 2;
	FIT(S, slots, cap);
	memset(S->slots, 0xff, cap * sizeof *S->slots);
	size_t mask = cap - 1;
	const struct wsrc *s = &w->args[w->up[0]];
	for (uint32_t r = 0; r < n; r++) {
		int i;
		const struct vec *v = src_at(P->G, s, P->it[r].row, &i);
		size_t h = (size_t)value_hash(v, i) & mask;
		S->prev[r] = NONE;
		S->next[r] = NONE;
		for (;; h = (h + 1) & mask) {
			uint32_t q = S->slots[h];
			if (q == NONE) {
				S->slots[h] = r;
				break;
			}
			int j;
			const struct vec *u = src_at(P->G, s, P->it[q].row, &j);
			if (value_eq(v, i, u, j)) {
				S->prev[r] = q;
				S->next[q] = r;
				S->slots[h] = r;
				break;
			}
		}
	}
}

/* Switch row j on in the DISTINCT tree: its leaf gets its value, its
 * ancestors are recombined. */
static int
tree_activate(const struct wpart *P, const struct wfn *w, const struct agg_ctx *actx, char *tree, uint32_t j)
{
	uint32_t leaf = P->n + j;
	if (agg_feed(P, w, actx, tree + (size_t)leaf * w->stride, j, j + 1, false, NULL) < 0)
		return -1;
	for (uint32_t p = leaf >> 1; p >= 1; p >>= 1) {
		char *node = tree + (size_t)p * w->stride;
		state_destroy(w, node);
		state_init(w, actx, node);
		w->f->sig->combine(actx, node, tree + (size_t)(2 * p) * w->stride);
		w->f->sig->combine(actx, node, tree + (size_t)(2 * p + 1) * w->stride);
	}
	return 0;
}

/*
 * DISTINCT over any frame: row j counts in [fs, fe) iff prev[j] < fs (it
 * is the first of its value in the frame). Rows with no previous equal
 * value are on from the start; row next[q] goes on when the frame start
 * moves past q. The tree has one leaf per row.
 */
static int
agg_distinct(struct wpart *P, const struct wfn *w, const struct agg_ctx *actx)
{
	struct wscratch *S = P->S;
	uint32_t n = P->n;
	FIT(S, prev, n);
	FIT(S, next, n);
	link_equal(P, w);
	if (P->fs0)
		return agg_running(P, w, actx, S->prev);
	char *buf = states_buf(S, w, 2 * (size_t)n + 1);
	char *res = buf, *tree = buf + w->stride;   /* node i at tree + i * stride */
	for (uint32_t i = 0; i < 2 * n; i++)
		state_init(w, actx, tree + (size_t)i * w->stride);
	int rc = 0;
	for (uint32_t j = 0; j < n && rc == 0; j++)
		if (S->prev[j] == NONE)
			rc = tree_activate(P, w, actx, tree, j);
	uint32_t cur = 0;   /* rows before cur had their successor switched on */
	for (uint32_t r = 0; r < n && rc == 0; r++) {
		for (; cur < S->fs[r] && rc == 0; cur++)
			if (S->next[cur] != NONE)
				rc = tree_activate(P, w, actx, tree, S->next[cur]);
		if (rc < 0)
			break;
		if (r > 0 && S->fs[r] == S->fs[r - 1] && S->fe[r] == S->fe[r - 1]) {
			out_copy(P, w->out, r, r - 1);
			continue;
		}
		state_init(w, actx, res);
		tree_query(w, actx, tree, n, S->fs[r], S->fe[r], res);
		rc = agg_out(P, w, actx, res, r);
		state_destroy(w, res);
	}
	for (uint32_t i = 0; i < 2 * n; i++)
		state_destroy(w, tree + (size_t)i * w->stride);
	return rc;
}

/* ---- native aggregates ---- */

/* Gather the first argument of the partition into S->vi / S->vd + S->vn. */
static void
gather_native(const struct wpart *P, const struct wfn *w, bool dbl, bool nulls_only)
{
	struct wscratch *S = P->S;
	uint32_t n = P->n;
	const struct wsrc *s = &w->args[w->up[0]];
	for (uint32_t r = 0; r < n; r++) {
		int idx;
		const struct vec *v = src_at(P->G, s, P->it[r].row, &idx);
		S->vn[r] = vec_is_null(v, idx);
		if (nulls_only)
			continue;
		if (dbl)
			S->vd[r] = val_f64(v, idx);
		else
			S->vi[r] = v->type == WB_TYPE_BOOL ? ((const uint8_t *)v->data)[v->kind == VEC_CONST ? 0 : idx] : val_i64(v, idx);
	}
}

static int
native_count_sum(const struct wpart *P, const struct wfn *w, const struct agg_ctx *actx)
{
	struct wscratch *S = P->S;
	uint32_t n = P->n;
	const uint32_t *fs = S->fs, *fe = S->fe;
	if (w->nv == NV_COUNT_STAR) {
		for (uint32_t r = 0; r < n; r++)
			out_i64(P, w->out, r, (int64_t)(fe[r] - fs[r]));
		return 0;
	}
	gather_native(P, w, false, w->nv == NV_COUNT);
	uint32_t *cnt = S->cnt;
	cnt[0] = 0;
	for (uint32_t r = 0; r < n; r++)
		cnt[r + 1] = cnt[r] + !S->vn[r];
	if (w->nv == NV_COUNT) {
		for (uint32_t r = 0; r < n; r++)
			out_i64(P, w->out, r, (int64_t)(cnt[fe[r]] - cnt[fs[r]]));
		return 0;
	}
	__int128 *ps = S->psum;
	ps[0] = 0;
	for (uint32_t r = 0; r < n; r++)
		ps[r + 1] = ps[r] + (S->vn[r] ? 0 : S->vi[r]);
	for (uint32_t r = 0; r < n; r++) {
		uint32_t c = cnt[fe[r]] - cnt[fs[r]];
		if (c == 0) {
			out_null(P, w->out, r);
			continue;
		}
		__int128 s = ps[fe[r]] - ps[fs[r]];
		if (w->nv == NV_AVG_I) {
			/* as avg's finalize; through int64 when the sum fits, which
			 * is exact too and avoids int128 -> long double, which
			 * valgrind emulates with doubles */
			long double ls = s >= INT64_MIN && s <= INT64_MAX ? (long double)(int64_t)s : (long double)s;
			out_f64(P, w->out, r, (double)(ls / (long double)c));
			continue;
		}
		if (s > INT64_MAX || s < INT64_MIN) {
			err_set(actx->err, w->f->pos, "sum is out of the BIGINT range");
			err_hint(actx->err, "cast the argument to DOUBLE: sum(CAST(x AS DOUBLE))");
			return -1;
		}
		out_i64(P, w->out, r, (int64_t)s);
	}
	return 0;
}

/* Running DOUBLE sum / avg: the same compensated (Neumaier) summation in
 * the same order as the aggregate, so the results are identical. */
static void
native_sum_d(const struct wpart *P, const struct wfn *w)
{
	struct wscratch *S = P->S;
	uint32_t n = P->n;
	gather_native(P, w, true, false);
	double sum = 0, comp = 0;
	int64_t c = 0;
	uint32_t cur = 0;
	for (uint32_t r = 0; r < n; r++) {
		for (; cur < S->fe[r]; cur++) {
			if (S->vn[cur])
				continue;
			double x = S->vd[cur], t = sum + x;
			if (__builtin_fabs(sum) >= __builtin_fabs(x))
				comp += (sum - t) + x;
			else
				comp += (x - t) + sum;
			sum = t;
			c++;
		}
		if (c == 0)
			out_null(P, w->out, r);
		else
			out_f64(P, w->out, r, w->nv == NV_AVG_D ? (sum + comp) / (double)c : sum + comp);
	}
}

/* DOUBLE sum / avg over short sliding ROWS frames: each frame summed
 * afresh, in order, as the aggregate would. */
static void
native_sum_d_short(const struct wpart *P, const struct wfn *w)
{
	struct wscratch *S = P->S;
	gather_native(P, w, true, false);
	for (uint32_t r = 0; r < P->n; r++) {
		double sum = 0, comp = 0;
		int64_t c = 0;
		for (uint32_t j = S->fs[r]; j < S->fe[r]; j++) {
			if (S->vn[j])
				continue;
			double x = S->vd[j], t = sum + x;
			if (__builtin_fabs(sum) >= __builtin_fabs(x))
				comp += (sum - t) + x;
			else
				comp += (x - t) + sum;
			sum = t;
			c++;
		}
		if (c == 0)
			out_null(P, w->out, r);
		else
			out_f64(P, w->out, r, w->nv == NV_AVG_D ? (sum + comp) / (double)c : sum + comp);
	}
}

/* Width of a ROWS frame with two offset bounds, or -1. */
static int64_t
rows_width(const struct pn_frame *f)
{
	if (f->unit != PF_ROWS)
		return -1;
	int64_t lo, hi;
	switch (f->start) {
	case PB_PRECEDING: lo = -f->start_ioff; break;
	case PB_CURRENT_ROW: lo = 0; break;
	case PB_FOLLOWING: lo = f->start_ioff; break;
	default: return -1;
	}
	switch (f->end) {
	case PB_PRECEDING: hi = -f->end_ioff; break;
	case PB_CURRENT_ROW: hi = 0; break;
	case PB_FOLLOWING: hi = f->end_ioff; break;
	default: return -1;
	}
	if (lo < -1000000 || hi > 1000000)
		return -1;
	return hi - lo + 1;
}

/* min / max over monotone frames: a deque of candidate rows whose values
 * strictly improve from back to front (ties keep the earliest row, as the
 * aggregate keeps the first of equal values). */
static void
native_minmax(const struct wpart *P, const struct wfn *w)
{
	struct wscratch *S = P->S;
	uint32_t n = P->n;
	bool dbl = w->nv == NV_MIN_D || w->nv == NV_MAX_D;
	bool want_max = w->nv == NV_MAX_I || w->nv == NV_MAX_D;
	gather_native(P, w, dbl, false);
	uint32_t *dq = S->pos, head = 0, tail = 0, add = 0;
	int row;
	for (uint32_t r = 0; r < n; r++) {
		for (; add < S->fe[r]; add++) {
			if (S->vn[add])
				continue;
			while (tail > head) {
				uint32_t q = dq[tail - 1];
				int c = dbl ? sortkey_dcmp(S->vd[q], S->vd[add]) : (S->vi[q] > S->vi[add]) - (S->vi[q] < S->vi[add]);
				/* q is dropped when the new value is strictly better */
				if (want_max ? c < 0 : c > 0)
					tail--;
				else
					break;
			}
			dq[tail++] = add;
		}
		while (head < tail && dq[head] < S->fs[r])
			head++;
		if (head == tail) {
			out_null(P, w->out, r);
			continue;
		}
		struct vec *v = outv(P, w->out, r, &row);
		uint32_t q = dq[head];
		if (dbl)
			vec_f64(v)[row] = S->vd[q];
		else if (v->type == WB_TYPE_BOOL)
			vec_bool(v)[row] = (uint8_t)S->vi[q];
		else
			vec_i64(v)[row] = S->vi[q];
	}
}

static int
eval_agg(struct wpart *P, const struct wfn *w, struct wb_error *err)
{
	struct wscratch *S = P->S;
	compute_frames(P, &w->f->frame);
	struct agg_ctx actx = w->actx;
	actx.heap = &S->heap;
	actx.err = err;
	switch (w->nv) {
	case NV_COUNT_STAR:
	case NV_COUNT:
	case NV_SUM_I:
	case NV_AVG_I:
		return native_count_sum(P, w, &actx);
	case NV_SUM_D:
	case NV_AVG_D:
		if (P->fs0) {
			native_sum_d(P, w);
			return 0;
		}
		if (rows_width(&w->f->frame) <= 32 && rows_width(&w->f->frame) >= 0) {
			native_sum_d_short(P, w);
			return 0;
		}
		break;
	case NV_MIN_I:
	case NV_MAX_I:
	case NV_MIN_D:
	case NV_MAX_D:
		native_minmax(P, w);
		return 0;
	default:
		break;
	}
	if (w->f->distinct)
		return agg_distinct(P, w, &actx);
	if (P->fs0 || (P->fen && !w->order_sensitive))
		return agg_running(P, w, &actx, NULL);
	return agg_segtree(P, w, &actx);
}

/* ------------------------------------------------------------ partitions */

static void
scratch_fit(struct wscratch *S, uint32_t n)
{
	size_t m = (size_t)n + 1;
	FIT(S, pstart, m);
	FIT(S, pend, m);
	FIT(S, fs, m);
	FIT(S, fe, m);
	FIT(S, cnt, m);
	FIT(S, pos, m);
	FIT(S, psum, m);
	FIT(S, vi, m);
	FIT(S, vd, m);
	FIT(S, vn, m);
}

static int
eval_partition(struct wpart *P, struct wb_error *err)
{
	struct window_global *G = P->G;
	scratch_fit(P->S, P->n);
	if (G->need_peers)
		compute_peers(P);
	for (int i = 0; i < G->nfn; i++) {
		const struct wfn *w = &G->fns[i];
		int rc = 0;
		/* a function over one partition of all rows takes a while: stop
		 * between functions (the caller reports the context's reason) */
		if (exec_should_stop(G->ctx))
			return -1;
		switch (w->f->kind) {
		case PW_ROW_NUMBER:
		case PW_RANK:
		case PW_DENSE_RANK:
		case PW_PERCENT_RANK:
		case PW_CUME_DIST:
			eval_rank(P, w);
			break;
		case PW_NTILE:
			rc = eval_ntile(P, w, err);
			break;
		case PW_LAG:
		case PW_LEAD:
			eval_lag_lead(P, w);
			break;
		case PW_FIRST_VALUE:
		case PW_LAST_VALUE:
		case PW_NTH_VALUE:
			rc = eval_first_last_nth(P, w, err);
			break;
		case PW_AGG:
			rc = eval_agg(P, w, err);
			break;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

static struct wscratch *
scratch_of(struct window_global *G, int worker)
{
	struct wscratch *S = G->scratch[worker];
	if (S == NULL) {
		S = xcalloc(1, sizeof *S);
		arena_init(&S->heap, 64 * 1024);
		err_init(&S->err);
		for (int j = 0; j < AGG_MAXARGS; j++) {
			vec_init(&S->av[j], WB_TYPE_BIGINT);
			vec_reset(&S->av[j]);
		}
		G->scratch[worker] = S;
	}
	return S;
}

/* Copy the child columns of rows items[k0 .. k0 + n) (a whole number of
 * output chunks from chunk c0 on, or the last rows) into the output
 * chunks, after making those. */
static void
output_chunks(struct window_global *G, const struct sort_item *items, int64_t k0, int64_t n, int c0)
{
	for (int64_t off = 0; off < n; off += WB_VEC_SIZE) {
		struct chunk *out = &G->result.chunks[c0 + (int)(off >> ROW_BITS)];
		int m = n - off < WB_VEC_SIZE ? (int)(n - off) : WB_VEC_SIZE;
		chunk_init(out, G->n->ncol, G->n->types);
		chunk_reset(out);
		out->n = m;
		for (int col = 0; col < out->ncol; col++)
			out->cols[col].n = m;
		const struct sort_item *it = items + k0 + off;
		for (int c = 0; c < G->base; c++) {
			struct vec *dst = &out->cols[c];
			size_t sz = type_size(dst->type);
			for (int i = 0; i < m; i++) {
				if (i + 16 < m) {
					const struct vec *pf = scol(G, it[i + 16].row, c);
					__builtin_prefetch((const char *)pf->data + (size_t)(it[i + 16].row & ROW_MASK) * sz);
				}
				const struct vec *src = scol(G, it[i].row, c);
				int si = (int)(it[i].row & ROW_MASK);
				if (src->nulls && src->nulls[si]) {
					set_null(dst, i);
					continue;
				}
				switch (sz) {
				case 1:
					((uint8_t *)dst->data)[i] = ((const uint8_t *)src->data)[si];
					break;
				case 8:
					((int64_t *)dst->data)[i] = ((const int64_t *)src->data)[si];
					break;
				default:
					memcpy((char *)dst->data + (size_t)i * sz, (const char *)src->data + (size_t)si * sz, sz);
				}
			}
		}
	}
}

/* Can the bucket's (single) ORDER BY key serve as its own prefix? */
static bool
bucket_exact(const struct window_global *G, int b)
{
	bool exact = G->exact;
	for (int ci = G->ball[b]; ci < G->ball[b + 1] && exact; ci++)
		exact = G->all[ci]->cols[G->ocol[0]].nulls == NULL;
	return exact;
}

/* Sort items of the rows of chunks [c0, c1) of all, from items[0] on. */
static void
make_items(const struct window_global *G, struct sort_item *items, int c0, int c1, bool exact)
{
	uint32_t k = 0;
	for (int ci = c0; ci < c1; ci++) {
		const struct chunk *ch = G->all[ci];
		const uint64_t *hv = (const uint64_t *)ch->cols[G->hcol].data;
		const struct vec *ok = G->norder > 0 ? &ch->cols[G->ocol[0]] : NULL;
		for (int r = 0; r < ch->n; r++, k++) {
			items[k].prefix = !ok ? 0 : exact ? exact_prefix(ok, r, &G->order[0]) : sortkey_prefix(ok, r, &G->order[0]);
			items[k].chunk = (uint32_t)hv[r];
			items[k].row = ((uint32_t)ci << ROW_BITS) | (uint32_t)r;
		}
	}
}

static void
free_bucket_rows(struct window_global *G, int b)
{
	for (int ci = G->ball[b]; ci < G->ball[b + 1]; ci++) {
		chunk_free(G->all[ci]);
		free(G->all[ci]);
		G->all[ci] = NULL;
	}
}

static void
bucket_task(void *arg, int b, int worker)
{
	struct window_global *G = arg;
	if (exec_should_stop(G->ctx))
		return;
	struct wscratch *S = scratch_of(G, worker);
	uint32_t n = (uint32_t)G->brows[b];
	if (n == 0)
		return;
	/* the bucket's rows sit in its own chunks: sorting and copying them
	 * stays within a few MB */
	FIT(S, items, n);
	struct sort_item *items = S->items;
	bool exact = bucket_exact(G, b);
	make_items(G, items, G->ball[b], G->ball[b + 1], exact);
	uint32_t np = sort_bucket(G, S, items, n, exact);
	int c0 = G->cbase[b];
	output_chunks(G, items, 0, n, c0);
	for (uint32_t p = 0; p < np; p++) {
		if ((p & 255) == 255 && exec_should_stop(G->ctx))
			return;
		struct wpart P = {G, S, items + S->pb[p], S->pb[p + 1] - S->pb[p], S->pb[p], c0, false, false, exact};
		if (eval_partition(&P, &S->err) < 0) {
			exec_fail(G->ctx, &S->err);
			return;
		}
	}
	/* the output holds copies (strings stay in the heaps) */
	free_bucket_rows(G, b);
}

/*
 * One partition for all rows (no PARTITION BY): its rows are sorted and
 * copied by every worker. Items are made per range of chunks; splitters
 * taken from a sorted sample of prefixes cut them into 256 ordered ranges
 * of about equal size (equal prefixes always fall in one range), each
 * sorted by one task; output chunks are filled per range of chunks. The
 * functions then run over the partition on one thread.
 */
#define RANGE_BITS 8
#define SAMPLES 16384

struct single_job {
	struct window_global *G;
	struct sort_item *items, *tmp;
	int64_t n;
	int ntasks;
	int64_t *first;            /* per task: first item (chunk ranges) */
	uint64_t *or_all, *and_all;
	int64_t *hist;             /* [task][range] */
	int64_t *roff;             /* range offsets, 1 << RANGE_BITS + 1 */
	uint64_t split[1 << RANGE_BITS];   /* range r: prefixes in (split[r - 1], split[r]] */
	uint8_t *range;            /* of each item */
	bool exact;
	int phase;
};

static void
single_task(void *arg, int t, int worker)
{
	struct single_job *J = arg;
	struct window_global *G = J->G;
	int nr = 1 << RANGE_BITS;
	/* a stopped query skips the rest (its output chunks stay empty) */
	if (exec_should_stop(G->ctx))
		return;
	/* phases 0-2: task t takes a range of store chunks */
	int c0 = 0, c1 = 0;
	struct sort_item *it = NULL;
	int64_t cnt = 0;
	if (J->phase <= 2) {
		c0 = (int)((int64_t)G->nall * t / J->ntasks);
		c1 = (int)((int64_t)G->nall * (t + 1) / J->ntasks);
		it = J->items + J->first[t];
		cnt = J->first[t + 1] - J->first[t];
	}
	switch (J->phase) {
	case 0: {
		make_items(G, it, c0, c1, J->exact);
		uint64_t o = 0, a = ~UINT64_C(0);
		for (int64_t i = 0; i < cnt; i++) {
			o |= it[i].prefix;
			a &= it[i].prefix;
		}
		J->or_all[t] = o;
		J->and_all[t] = a;
		break;
	}
	case 1: {
		/* range = number of splitters below the prefix (branch-free
		 * binary search; split[nr - 1] is the maximum) */
		int64_t *h = J->hist + (size_t)t * (size_t)nr;
		uint8_t *rg = J->range + J->first[t];
		for (int64_t i = 0; i < cnt; i++) {
			uint64_t x = it[i].prefix;
			int r = 0;
			for (int step = nr / 2; step > 0; step /= 2)
				r += J->split[r + step - 1] < x ? step : 0;
			rg[i] = (uint8_t)r;
			h[r]++;
		}
		break;
	}
	case 2: {
		int64_t *h = J->hist + (size_t)t * (size_t)nr;
		const uint8_t *rg = J->range + J->first[t];
		for (int64_t i = 0; i < cnt; i++)
			J->tmp[h[rg[i]]++] = it[i];
		break;
	}
	case 3: {
		/* task t sorts range t */
		struct wscratch *S = scratch_of(G, worker);
		int64_t m = J->roff[t + 1] - J->roff[t];
		FIT(S, tmp, (size_t)m);
		sort_partition(G, J->tmp + J->roff[t], S->tmp, m, J->exact);
		break;
	}
	case 4:
		/* task t fills output chunks [t * nch / T, (t + 1) * nch / T) */
		{
			int nch = G->result.n;
			int j0 = (int)((int64_t)nch * t / J->ntasks), j1 = (int)((int64_t)nch * (t + 1) / J->ntasks);
			int64_t k0 = (int64_t)j0 << ROW_BITS, k1 = (int64_t)j1 << ROW_BITS;
			if (k1 > J->n)
				k1 = J->n;
			if (k0 < k1)
				output_chunks(G, J->items, k0, k1 - k0, j0);
		}
		break;
	}
}

static void
single_partition(struct window_global *G)
{
	int64_t n = G->brows[0];
	if (n == 0)
		return;
	int T = pool_size() * 4;
	if (T > G->nall)
		T = G->nall;
	int nr = 1 << RANGE_BITS;
	struct single_job J = {G, xmalloc(sizeof(struct sort_item) * (size_t)n), xmalloc(sizeof(struct sort_item) * (size_t)n),
	    n, T, xcalloc((size_t)T + 1, sizeof(int64_t)), xcalloc((size_t)T, sizeof(uint64_t)),
	    xcalloc((size_t)T, sizeof(uint64_t)), xcalloc((size_t)T * (size_t)nr, sizeof(int64_t)),
	    xcalloc((size_t)nr + 1, sizeof(int64_t)), {0}, NULL, bucket_exact(G, 0), 0};
	for (int t = 0; t < T; t++) {
		int c0 = (int)((int64_t)G->nall * t / T), c1 = (int)((int64_t)G->nall * (t + 1) / T);
		int64_t rows = 0;
		for (int ci = c0; ci < c1; ci++)
			rows += G->all[ci]->n;
		J.first[t + 1] = J.first[t] + rows;
	}
	pool_run(T, single_task, &J);
	uint64_t o = 0, a = ~UINT64_C(0);
	for (int t = 0; t < T; t++) {
		o |= J.or_all[t];
		a &= J.and_all[t];
	}
	uint64_t varying = o ^ a;
	if (G->norder > 0 && varying != 0) {
		/* splitters from a sorted sample */
		int64_t ns = n < SAMPLES ? n : SAMPLES;
		struct sort_item *smp = xmalloc(sizeof *smp * (size_t)ns * 2);
		for (int64_t i = 0; i < ns; i++)
			smp[i].prefix = J.items[(int64_t)((__int128)i * n / ns)].prefix;
		sort_radix(smp, smp + ns, ns);
		for (int r = 0; r < nr - 1; r++)
			J.split[r] = smp[(int64_t)(r + 1) * ns / nr].prefix;
		J.split[nr - 1] = UINT64_MAX;
		free(smp);
		J.range = xmalloc((size_t)n);
		J.phase = 1;
		pool_run(T, single_task, &J);
		int64_t off = 0;
		for (int r = 0; r < nr; r++) {
			J.roff[r] = off;
			for (int t = 0; t < T; t++) {
				int64_t c = J.hist[(size_t)t * (size_t)nr + (size_t)r];
				J.hist[(size_t)t * (size_t)nr + (size_t)r] = off;
				off += c;
			}
		}
		J.roff[nr] = off;
		J.phase = 2;
		pool_run(T, single_task, &J);
		J.phase = 3;
		pool_run(nr, single_task, &J);
		struct sort_item *x = J.items;
		J.items = J.tmp;
		J.tmp = x;
	} else if (G->norder > 0 && !J.exact && !exec_should_stop(G->ctx)) {
		/* every prefix equal: ties of a long string key, say */
		struct wscratch *S = scratch_of(G, 0);
		FIT(S, tmp, (size_t)n);
		sort_partition(G, J.items, S->tmp, n, false);
	}
	J.phase = 4;
	pool_run(T, single_task, &J);
	if (!exec_should_stop(G->ctx)) {
		struct wscratch *S = scratch_of(G, 0);
		struct wpart P = {G, S, J.items, (uint32_t)n, 0, 0, false, false, J.exact};
		if (eval_partition(&P, &S->err) < 0)
			exec_fail(G->ctx, &S->err);
	}
	free(J.items);
	free(J.tmp);
	free(J.first);
	free(J.or_all);
	free(J.and_all);
	free(J.hist);
	free(J.roff);
	free(J.range);
	free_bucket_rows(G, 0);
}

/* ------------------------------------------------------------ collect */

/* A dictionary copied into a worker's heap (dictionaries of expression
 * results live only as long as their expression state's cache). */
struct dict_copy {
	uint64_t id;
	const wb_str *vals;
};

struct collect_worker {
	struct expr_state **ex;
	struct chunk tmp;
	struct arena heap;                /* copied dictionaries */
	struct dict_copy *dicts;
	size_t ndicts, dicts_cap;
	uint64_t hashes[WB_VEC_SIZE];
	uint16_t bkt[WB_VEC_SIZE];        /* bucket of each row */
	struct chunk *dst[WB_VEC_SIZE];   /* store chunk and row each row goes to */
	uint16_t drow[WB_VEC_SIZE];
};

struct collect_run {
	struct window_global *G;
	struct collect_worker **workers;
};

static struct chunk *
store_tail(struct window_global *G, struct wstore *st)
{
	if (st->n > 0 && st->chunks[st->n - 1]->n < WB_VEC_SIZE)
		return st->chunks[st->n - 1];
	st->chunks = xgrow(st->chunks, &st->cap, (size_t)st->n + 1, sizeof *st->chunks);
	struct chunk *ch = xmalloc(sizeof *ch);
	chunk_init(ch, G->nstore, G->stypes);
	chunk_reset(ch);
	st->chunks[st->n++] = ch;
	return ch;
}

/* The worker's copy of dictionary d (made on first sight; ids are
 * process-unique, so a copy never goes stale). */
static const wb_str *
dict_vals(struct window_global *G, struct collect_worker *W, const struct wb_dict *d)
{
	for (size_t i = W->ndicts; i-- > 0;)
		if (W->dicts[i].id == d->id)
			return W->dicts[i].vals;
	wb_str *vals = arena_alloc(&W->heap, sizeof *vals * (d->n ? d->n : 1));
	for (uint32_t k = 0; k < d->n; k++) {
		vals[k].n = d->vals[k].n;
		if (vals[k].n == 0) {
			vals[k].p = "";
		} else {
			char *p = arena_alloc(&W->heap, vals[k].n);
			memcpy(p, d->vals[k].p, vals[k].n);
			vals[k].p = p;
		}
	}
	W->dicts = xgrow(W->dicts, &W->dicts_cap, W->ndicts + 1, sizeof *W->dicts);
	W->dicts[W->ndicts++] = (struct dict_copy){d->id, vals};
	return vals;
}

/* Column c of the worker's rows to their store chunks. */
static void
scatter_column(struct window_global *G, struct wstore *ws, struct collect_worker *W, const struct vec *src, int c, int n)
{
	bool nulls = src->nulls != NULL, cst = src->kind == VEC_CONST;
	size_t sz = type_size(src->type);
	if (src->type == WB_TYPE_VARCHAR) {
		const wb_str *dv = src->kind == VEC_DICT ? dict_vals(G, W, src->dict) : NULL;
		for (int i = 0; i < n; i++) {
			struct vec *d = &W->dst[i]->cols[c];
			if (nulls && vec_is_null(src, i)) {
				vec_nulls_writable(d)[W->drow[i]] = 1;
				vec_str(d)[W->drow[i]] = (wb_str){"", 0};
				continue;
			}
			wb_str v = dv ? dv[vec_codes(src)[i]] : vec_str_at(src, i);
			if (v.n == 0) {
				v.p = "";
			} else if (!dv) {
				char *p = arena_alloc(&ws[W->bkt[i]].heap, v.n);
				memcpy(p, v.p, v.n);
				v.p = p;
			}
			vec_str(d)[W->drow[i]] = v;
		}
		return;
	}
	if (type_is_list(src->type)) {
		wb_type et = type_list_elem(src->type);
		for (int i = 0; i < n; i++) {
			struct vec *d = &W->dst[i]->cols[c];
			if (nulls && vec_is_null(src, i)) {
				vec_nulls_writable(d)[W->drow[i]] = 1;
				vec_list(d)[W->drow[i]] = list_empty();
				continue;
			}
			vec_list(d)[W->drow[i]] = list_copy(&ws[W->bkt[i]].heap, vec_list(src)[cst ? 0 : i], et);
		}
		return;
	}
	for (int i = 0; i < n; i++) {
		struct vec *d = &W->dst[i]->cols[c];
		int si = cst ? 0 : i;
		if (nulls && vec_is_null(src, i)) {
			vec_nulls_writable(d)[W->drow[i]] = 1;
			memset((char *)d->data + (size_t)W->drow[i] * sz, 0, sz);
		} else if (sz == 8) {
			((int64_t *)d->data)[W->drow[i]] = ((const int64_t *)src->data)[si];
		} else {
			memcpy((char *)d->data + (size_t)W->drow[i] * sz, (const char *)src->data + (size_t)si * sz, sz);
		}
	}
}

/* Copy a chunk's rows (child columns, extra expressions, partition hash)
 * into the worker's stores of their buckets. */
static int
window_consume(void *arg, int worker, struct chunk *c, struct wb_error *err)
{
	struct collect_run *run = arg;
	struct window_global *G = run->G;
	struct collect_worker *W = run->workers[worker];
	int n = c->n;
	if (n == 0)
		return 0;
	for (int col = 0; col < G->base; col++)
		vec_ref(&W->tmp.cols[col], &c->cols[col]);
	for (int e = 0; e < G->nextra; e++) {
		struct vec *v;
		if (expr_eval(W->ex[e], c, &v, err) < 0)
			return -1;
		vec_ref(&W->tmp.cols[G->base + e], v);
	}
	struct vec *h = &W->tmp.cols[G->hcol];
	if (G->npart == 0) {
		memset(W->hashes, 0, sizeof(uint64_t) * (size_t)n);
	} else {
		for (int k = 0; k < G->npart; k++)
			hash_vec(&W->tmp.cols[G->pcol[k]], n, W->hashes, k > 0);
	}
	h->kind = VEC_FLAT;
	h->data = W->hashes;
	h->nulls = NULL;
	h->n = n;
	struct wstore *ws = &G->stores[(size_t)worker * (size_t)G->nb];
	for (int i = 0; i < n; i++) {
		int b = G->nb == 1 ? 0 : (int)(W->hashes[i] >> (64 - G->bbits));
		struct chunk *ch = store_tail(G, &ws[b]);
		W->bkt[i] = (uint16_t)b;
		W->dst[i] = ch;
		W->drow[i] = (uint16_t)ch->n++;
		ws[b].rows++;
	}
	for (int col = 0; col < G->nstore; col++)
		scatter_column(G, ws, W, &W->tmp.cols[col], col, n);
	return 0;
}

/* ------------------------------------------------------------ prepare */

/* The store column of expression e (adding it to the extras if needed). */
static int
store_col(struct window_global *G, const struct bexpr *e)
{
	if (e->kind == BX_COLUMN)
		return e->u.column;
	for (int i = 0; i < G->nextra; i++)
		if (bexpr_equal(G->extra[i], e))
			return G->base + i;
	G->extra = xrealloc(G->extra, sizeof *G->extra * (size_t)(G->nextra + 1));
	G->extra[G->nextra] = e;
	return G->base + G->nextra++;
}

static int
set_src(struct window_global *G, struct wsrc *s, const struct bexpr *e, struct wb_error *err)
{
	s->type = e->type;
	vec_init(&s->cvec, e->type == WB_TYPE_NULL ? WB_TYPE_BIGINT : e->type);
	if (!bexpr_is_const(e)) {
		s->col = store_col(G, e);
		return 0;
	}
	s->col = -1;
	struct wb_value v;
	if (expr_eval_const(e, &G->consts, &v, err) < 0)
		return -1;
	vec_set_const(&s->cvec, &v, 1);
	return 0;
}

static enum agg_native
native_of(const struct pn_winfn *f)
{
	const char *nm = f->agg->name;
	const struct agg_sig *sig = f->sig;
	wb_type a = sig->nargs > 0 ? f->args[0]->type : WB_TYPE_NULL;
	bool ints = type_is_integer_like(a), dbl = a == WB_TYPE_DOUBLE;
	if (strcmp(nm, "min") == 0 || strcmp(nm, "max") == 0) {
		/* DISTINCT changes nothing for min / max */
		bool mx = nm[1] == 'a';
		if ((ints || a == WB_TYPE_BOOL) && f->ret == a)
			return mx ? NV_MAX_I : NV_MIN_I;
		if (dbl && f->ret == a)
			return mx ? NV_MAX_D : NV_MIN_D;
		return NV_NONE;
	}
	if (f->distinct)
		return NV_NONE;
	if (strcmp(nm, "count") == 0 && f->ret == WB_TYPE_BIGINT)
		return (sig->flags & AGG_STAR) || f->nargs == 0 ? NV_COUNT_STAR : NV_COUNT;
	if (strcmp(nm, "sum") == 0 && a == WB_TYPE_BIGINT && f->ret == WB_TYPE_BIGINT)
		return NV_SUM_I;
	if (strcmp(nm, "sum") == 0 && dbl && f->ret == WB_TYPE_DOUBLE)
		return NV_SUM_D;
	if ((strcmp(nm, "avg") == 0 || strcmp(nm, "mean") == 0) && f->ret == WB_TYPE_DOUBLE)
		return a == WB_TYPE_BIGINT ? NV_AVG_I : dbl ? NV_AVG_D : NV_NONE;
	return NV_NONE;
}

static int
check_offset(const struct pn_winfn *f, const char *name, bool start, struct wb_error *err)
{
	const struct pn_frame *fr = &f->frame;
	enum pn_bound b = start ? fr->start : fr->end;
	if (b != PB_PRECEDING && b != PB_FOLLOWING)
		return 0;
	const struct wb_value *v = start ? &fr->start_voff : &fr->end_voff;
	const char *which = b == PB_PRECEDING ? "PRECEDING" : "FOLLOWING";
	if (v->is_null) {
		err_set(err, f->pos, "%s(): the frame offset of %s must not be NULL", name, which);
		return -1;
	}
	if (fr->unit == PF_ROWS) {
		int64_t o = start ? fr->start_ioff : fr->end_ioff;
		if (o < 0) {
			err_set(err, f->pos, "%s(): the ROWS frame offset of %s must not be negative, got %lld", name, which,
			    (long long)o);
			return -1;
		}
		return 0;
	}
	bool neg = v->type == WB_TYPE_DOUBLE ? v->u.d < 0 || v->u.d != v->u.d
	    : v->type == WB_TYPE_INTERVAL ? v->u.iv.months < 0 || v->u.iv.days < 0 || v->u.iv.micros < 0 : v->u.i < 0;
	if (neg) {
		err_set(err, f->pos, "%s(): the RANGE frame offset of %s must not be negative", name, which);
		return -1;
	}
	return 0;
}

static int
check_range(const struct window_global *G, const struct pn_winfn *f, const char *name, struct wb_error *err)
{
	const struct pn_frame *fr = &f->frame;
	bool offs = fr->start == PB_PRECEDING || fr->start == PB_FOLLOWING || fr->end == PB_PRECEDING || fr->end == PB_FOLLOWING;
	if (fr->unit != PF_RANGE || !offs || G->norder == 0)
		return 0;
	if (G->norder > 1) {
		err_set(err, f->pos, "%s(): RANGE with an offset needs exactly one ORDER BY key", name);
		return -1;
	}
	wb_type kt = G->order[0].expr->type;
	for (int side = 0; side < 2; side++) {
		enum pn_bound b = side ? fr->end : fr->start;
		if (b != PB_PRECEDING && b != PB_FOLLOWING)
			continue;
		wb_type ot = (side ? &fr->end_voff : &fr->start_voff)->type;
		bool okay = (kt == WB_TYPE_BIGINT && (ot == WB_TYPE_BIGINT || ot == WB_TYPE_DOUBLE)) ||
		    (kt == WB_TYPE_DOUBLE && (ot == WB_TYPE_BIGINT || ot == WB_TYPE_DOUBLE)) ||
		    (kt == WB_TYPE_DATE && (ot == WB_TYPE_BIGINT || ot == WB_TYPE_INTERVAL)) ||
		    (kt == WB_TYPE_TIMESTAMP && ot == WB_TYPE_INTERVAL);
		if (!okay) {
			err_set(err, f->pos, "%s(): a RANGE offset of type %s does not apply to an ORDER BY key of type %s",
			    name, type_name(ot), type_name(kt));
			err_hint(err, "use a number for numeric keys and an INTERVAL for DATE and TIMESTAMP keys");
			return -1;
		}
	}
	return 0;
}

/* Compile the functions: argument sources, native paths, checks. */
static int
setup_functions(struct window_global *G, struct wb_error *err)
{
	struct pnode *n = G->n;
	G->nfn = n->u.window.nfuncs;
	G->fns = xcalloc((size_t)(G->nfn ? G->nfn : 1), sizeof *G->fns);
	for (int i = 0; i < G->nfn; i++) {
		const struct pn_winfn *f = &n->u.window.funcs[i];
		struct wfn *w = &G->fns[i];
		w->f = f;
		w->name = kind_name(f);
		w->out = G->base + i;
		w->nargs = f->nargs;
		w->args = xcalloc((size_t)(f->nargs ? f->nargs : 1), sizeof *w->args);
		for (int a = 0; a < f->nargs; a++)
			if (set_src(G, &w->args[a], f->args[a], err) < 0) {
				err_at(err, f->pos);
				return -1;
			}
		wb_type ret = n->types[w->out];
		switch (f->kind) {
		case PW_RANK:
		case PW_DENSE_RANK:
		case PW_PERCENT_RANK:
		case PW_CUME_DIST:
			G->need_peers = true;
			break;
		case PW_NTILE:
			if (f->nargs < 1) {
				err_set(err, f->pos, "ntile() needs the number of buckets");
				return -1;
			}
			break;
		case PW_LAG:
		case PW_LEAD:
		case PW_FIRST_VALUE:
		case PW_LAST_VALUE:
		case PW_NTH_VALUE:
			if (f->nargs < 1 || (f->kind == PW_NTH_VALUE && f->nargs < 2)) {
				err_set(err, f->pos, "%s(): missing arguments", w->name);
				return -1;
			}
			if ((f->args[0]->type != ret && f->args[0]->type != WB_TYPE_NULL) ||
			    ((f->kind == PW_LAG || f->kind == PW_LEAD) && f->nargs > 2 && f->args[2]->type != ret &&
			        f->args[2]->type != WB_TYPE_NULL)) {
				err_set(err, f->pos, "%s(): the value type does not match the result type %s", w->name, type_name(ret));
				return -1;
			}
			break;
		case PW_AGG: {
			if (f->agg == NULL || f->sig == NULL) {
				err_set(err, f->pos, "window aggregate without a function");
				return -1;
			}
			const struct agg_sig *sig = f->sig;
			w->stride = (sig->state_size + 15) & ~(size_t)15;
			if (w->stride == 0)
				w->stride = 16;
			w->actx.pos = f->pos;
			w->order_sensitive = (sig->flags & AGG_ORDER_SENSITIVE) != 0;
			/* parameters are constant arguments not passed to update() */
			for (int a = 0; a < f->nargs; a++) {
				bool param = (sig->flags & AGG_PARAM_ARG) && a == f->nargs - 1;
				bool sparam = (sig->flags & AGG_SPARAM_ARG) && a == 1;
				if (param || sparam) {
					if (w->args[a].col >= 0) {
						err_set(err, f->pos, "%s(): argument %d must be a constant", w->name, a + 1);
						return -1;
					}
					struct wb_value v;
					vec_get(&w->args[a].cvec, 0, &v);
					if (param)
						w->actx.param = v.type == WB_TYPE_DOUBLE ? v.u.d : (double)v.u.i;
					else
						w->actx.sparam = v.is_null ? NULL : arena_strndup(&G->consts, v.u.s.p, v.u.s.n);
					continue;
				}
				if (w->nup < AGG_MAXARGS)
					w->up[w->nup++] = a;
			}
			w->nv = native_of(f);
			if (w->nv != NV_NONE && w->nv != NV_COUNT_STAR && w->nup < 1)
				w->nv = NV_NONE;
			if (w->f->distinct && w->nup < 1) {
				err_set(err, f->pos, "%s(DISTINCT) needs an argument", w->name);
				return -1;
			}
			break;
		}
		default:
			break;
		}
		if (f->kind == PW_FIRST_VALUE || f->kind == PW_LAST_VALUE || f->kind == PW_NTH_VALUE || f->kind == PW_AGG) {
			if (check_offset(f, w->name, true, err) < 0 || check_offset(f, w->name, false, err) < 0 ||
			    check_range(G, f, w->name, err) < 0)
				return -1;
			const struct pn_frame *fr = &f->frame;
			if (fr->unit == PF_RANGE && G->norder > 0 &&
			    (fr->start != PB_UNBOUNDED_PRECEDING || fr->end != PB_UNBOUNDED_FOLLOWING))
				G->need_peers = true;
		}
	}
	return 0;
}

/* Buckets: enough for every worker to have several, each small enough for
 * its rows to stay in cache while sorted; none without PARTITION BY. The
 * input size is the planner's estimate (rows go to their bucket as they
 * are read). */
static void
choose_buckets(struct window_global *G, double est)
{
	int bits = 0;
	if (G->npart > 0) {
		/* at least MIN_BUCKETS: an estimate far too low must not leave
		 * all partitions to one thread */
		bits = MIN_BUCKET_BITS;
		while ((1 << bits) < MAX_BUCKETS && est / (1 << bits) > BUCKET_ROWS)
			bits++;
	}
	G->bbits = bits;
	G->nb = 1 << bits;
}

int
window_prepare(struct pnode *n, struct exec_ctx *ctx)
{
	struct window_global *G = xcalloc(1, sizeof *G);
	n->gstate = G;
	result_chunks_init(&G->result);
	arena_init(&G->consts, 4096);
	G->n = n;
	G->ctx = ctx;
	G->base = n->child->ncol;
	G->npart = n->u.window.npartition;
	G->norder = n->u.window.norder;
	G->order = n->u.window.order;
	G->pcol = xcalloc((size_t)G->npart + 1, sizeof(int));
	G->ocol = xcalloc((size_t)G->norder + 1, sizeof(int));
	struct wb_error err = WB_ERROR_INIT;
	for (int k = 0; k < G->npart; k++)
		G->pcol[k] = store_col(G, n->u.window.partition[k]);
	for (int k = 0; k < G->norder; k++)
		G->ocol[k] = store_col(G, n->u.window.order[k].expr);
	if (setup_functions(G, &err) < 0) {
		exec_fail(ctx, &err);
		return -1;
	}
	if (G->norder == 1) {
		wb_type kt = G->order[0].expr->type;
		G->exact = kt == WB_TYPE_BOOL || kt == WB_TYPE_DOUBLE || type_is_integer_like(kt);
	}
	G->hcol = G->base + G->nextra;
	G->nstore = G->hcol + 1;
	G->stypes = xmalloc(sizeof(wb_type) * (size_t)G->nstore);
	memcpy(G->stypes, n->child->types, sizeof(wb_type) * (size_t)G->base);
	for (int e = 0; e < G->nextra; e++)
		G->stypes[G->base + e] = G->extra[e]->type == WB_TYPE_NULL ? WB_TYPE_BIGINT : G->extra[e]->type;
	G->stypes[G->hcol] = WB_TYPE_BIGINT;

	/* 1. collect */
	int w = pool_size();
	if (ctx->max_workers > 0 && ctx->max_workers < w)
		w = ctx->max_workers;
	int p = exec_parallelism(n->child);
	if (p < w)
		w = p;
	if (w < 1)
		w = 1;
	choose_buckets(G, n->child->est_rows);
	G->nworkers = w;
	G->stores = xcalloc((size_t)w * (size_t)G->nb, sizeof *G->stores);
	for (size_t i = 0; i < (size_t)w * (size_t)G->nb; i++)
		arena_init(&G->stores[i].heap, 32 * 1024);
	struct collect_run run = {G, xcalloc((size_t)w, sizeof(struct collect_worker *))};
	G->dict_heaps = xcalloc((size_t)w, sizeof *G->dict_heaps);
	int rc = 0;
	for (int i = 0; i < w; i++) {
		struct collect_worker *cw = xcalloc(1, sizeof *cw);
		run.workers[i] = cw;
		arena_init(&cw->heap, 64 * 1024);
		chunk_init(&cw->tmp, G->nstore, G->stypes);
		cw->ex = xcalloc((size_t)G->nextra + 1, sizeof *cw->ex);
		for (int e = 0; e < G->nextra && rc == 0; e++)
			if ((cw->ex[e] = expr_state_new(G->extra[e], &err)) == NULL)
				rc = -1;
	}
	if (rc < 0) {
		exec_fail(ctx, &err);
	} else {
		int used, saved = ctx->max_workers;
		ctx->max_workers = w;
		rc = exec_parallel(n->child, ctx, window_consume, &run, &used);
		ctx->max_workers = saved;
		n->stats.workers = used;
	}
	for (int i = 0; i < w; i++) {
		struct collect_worker *cw = run.workers[i];
		for (int e = 0; e < G->nextra; e++)
			expr_state_free(cw->ex[e]);
		free(cw->ex);
		for (int c = 0; c < G->nstore; c++) {
			cw->tmp.cols[c].data = NULL;
			cw->tmp.cols[c].nulls = NULL;
		}
		chunk_free(&cw->tmp);
		/* output strings may point into the copied dictionaries */
		G->dict_heaps[i] = cw->heap;
		free(cw->dicts);
		free(cw);
	}
	free(run.workers);
	if (rc < 0)
		return -1;

	/* 2. the chunks of each bucket, and where its output goes */
	for (size_t i = 0; i < (size_t)w * (size_t)G->nb; i++)
		G->nall += G->stores[i].n;
	if ((uint32_t)G->nall >= MAX_CHUNKS) {
		err_set(&err, n->u.window.nfuncs ? n->u.window.funcs[0].pos : -1,
		    "window functions over more than %u rows are not supported", (unsigned)(MAX_CHUNKS / 2 * WB_VEC_SIZE));
		exec_fail(ctx, &err);
		return -1;
	}
	G->all = xmalloc(sizeof *G->all * (size_t)(G->nall ? G->nall : 1));
	G->ball = xcalloc((size_t)G->nb + 1, sizeof *G->ball);
	G->brows = xcalloc((size_t)G->nb, sizeof *G->brows);
	G->cbase = xcalloc((size_t)G->nb + 1, sizeof *G->cbase);
	int ci = 0;
	for (int b = 0; b < G->nb; b++) {
		G->ball[b] = ci;
		for (int i = 0; i < w; i++) {
			struct wstore *st = &G->stores[(size_t)i * (size_t)G->nb + (size_t)b];
			for (int c = 0; c < st->n; c++) {
				struct chunk *ch = st->chunks[c];
				for (int col = 0; col < ch->ncol; col++)
					ch->cols[col].n = ch->n;
				G->all[ci++] = ch;
			}
			/* the chunks now belong to all */
			free(st->chunks);
			st->chunks = NULL;
			G->brows[b] += st->rows;
		}
		G->cbase[b + 1] = G->cbase[b] + (int)((G->brows[b] + WB_VEC_SIZE - 1) / WB_VEC_SIZE);
	}
	G->ball[G->nb] = ci;

	/* 3. sort and compute each bucket */
	G->result.n = G->cbase[G->nb];
	G->result.cap = (size_t)G->result.n;
	G->result.chunks = xcalloc((size_t)(G->result.n ? G->result.n : 1), sizeof *G->result.chunks);
	G->nscratch = pool_size();
	G->scratch = xcalloc((size_t)G->nscratch, sizeof *G->scratch);
	if (G->npart == 0)
		single_partition(G);
	else
		pool_run(G->nb, bucket_task, G);
	if (err_isset(&ctx->err) || atomic_load(&ctx->stop))
		return -1;
	free(G->all);
	G->all = NULL;
	G->nall = 0;
	return 0;
}

static void
scratch_free(struct wscratch *S)
{
	if (S == NULL)
		return;
	arena_release(&S->heap);
	err_clear(&S->err);
	free(S->items);
	free(S->tmp);
	free(S->pb);
	free(S->pstart);
	free(S->pend);
	free(S->fs);
	free(S->fe);
	free(S->cnt);
	free(S->pos);
	free(S->psum);
	free(S->vi);
	free(S->vd);
	free(S->vn);
	free(S->prev);
	free(S->next);
	free(S->slots);
	free(S->states);
	for (int j = 0; j < AGG_MAXARGS; j++)
		vec_free(&S->av[j]);
	free(S);
}

void
window_cleanup(struct pnode *n)
{
	struct window_global *G = n->gstate;
	if (G == NULL)
		return;
	/* chunks of a failed run may be partly initialised (zeroed) */
	result_chunks_free(&G->result);
	for (int i = 0; i < G->nall; i++)
		if (G->all[i]) {
			chunk_free(G->all[i]);
			free(G->all[i]);
		}
	for (size_t i = 0; G->stores && i < (size_t)G->nworkers * (size_t)G->nb; i++) {
		struct wstore *st = &G->stores[i];
		for (int c = 0; c < st->n && st->chunks; c++) {
			chunk_free(st->chunks[c]);
			free(st->chunks[c]);
		}
		free(st->chunks);
		arena_release(&st->heap);
	}
	for (int i = 0; G->dict_heaps && i < G->nworkers; i++)
		arena_release(&G->dict_heaps[i]);
	free(G->dict_heaps);
	free(G->stores);
	for (int i = 0; i < G->nscratch; i++)
		scratch_free(G->scratch[i]);
	free(G->scratch);
	for (int i = 0; i < G->nfn; i++) {
		for (int a = 0; a < G->fns[i].nargs; a++)
			vec_free(&G->fns[i].args[a].cvec);
		free(G->fns[i].args);
	}
	free(G->fns);
	free(G->extra);
	free(G->pcol);
	free(G->ocol);
	free(G->stypes);
	free(G->all);
	free(G->ball);
	free(G->brows);
	free(G->cbase);
	arena_release(&G->consts);
	free(G);
	n->gstate = NULL;
}
