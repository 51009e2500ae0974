/*
 * vector: columns of up to WB_VEC_SIZE values, and chunks of columns.
 *
 * Operators exchange chunks. A vector is one of three kinds:
 *   FLAT   data holds n values of the type's physical representation;
 *   CONST  data holds one value that stands for all n rows;
 *   DICT   (VARCHAR only) data holds n uint32 codes into `dict`, whose
 *          entries are never NULL; row NULLs are in `nulls`.
 * `nulls` is NULL when no row is NULL; otherwise nulls[i] != 0 marks row i
 * NULL (for CONST only nulls[0] is meaningful). Values under a NULL are
 * unspecified but always safe to read (a list under a NULL may be all
 * zero bytes: treat it as absent, never walk its elements).
 *
 * Ownership and lifetime. A vector owns `buf` (capacity WB_VEC_SIZE values),
 * `nullbuf` and a string `heap`; `data` and `nulls` may point at those or
 * borrow someone else's memory (zero-copy from storage or from a child
 * operator). A chunk an operator returns stays valid until that operator's
 * next call; strings and lists in it may live in the vector's heap, in
 * storage, in a dictionary or in the plan's constants. Whoever keeps values
 * longer (hash tables, sorts, materialisation) copies them (lists with
 * list_copy(), which copies their string elements too). Dictionaries live at least
 * as long as the query that sees them and carry a process-unique id so that
 * per-dictionary results can be cached.
 */
#ifndef WB_CORE_VECTOR_H
#define WB_CORE_VECTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/types.h"

#define WB_VEC_SIZE 2048

enum vec_kind { VEC_FLAT = 0, VEC_CONST, VEC_DICT };

struct wb_dict {
	uint32_t n;
	const wb_str *vals;
	uint64_t id;          /* from dict_next_id() */
	const uint64_t *hashes;   /* hash_bytes() of each value, or NULL */
};

uint64_t dict_next_id(void);

struct vec {
	wb_type type;
	enum vec_kind kind;
	int n;
	void *data;
	uint8_t *nulls;
	const struct wb_dict *dict;
	/* owned storage */
	void *buf;
	uint8_t *nullbuf;
	struct arena *heap;
};

struct chunk {
	int ncol;
	int n;
	/* Order key set by sources: (morsel index << 24) | chunk-in-morsel.
	 * Streaming operators pass it through so order-preserving collectors
	 * can restore input order after a parallel run. */
	uint64_t seq;
	struct vec *cols;
};

void vec_init(struct vec *v, wb_type t);
void vec_free(struct vec *v);
/* Make v an empty FLAT vector writing into its own buffer: data = buf
 * (allocated on first use), nulls = NULL, heap emptied. */
void vec_reset(struct vec *v);
/* Change the type of a vector (buffers reallocated as needed) and reset. */
void vec_retype(struct vec *v, wb_type t);
/* Ensure nulls is v's own writable array of WB_VEC_SIZE bytes, keeping the
 * current NULL flags (all zero if there were none). */
uint8_t *vec_nulls_writable(struct vec *v);
/* Mark row i NULL (makes nulls writable). */
void vec_set_null(struct vec *v, int i);
/* Bytes that live as long as the vector's current contents. */
char *vec_str_alloc(struct vec *v, size_t n);
/* A new list of n elements of type elem in v's heap (see list_alloc()). */
wb_list vec_list_alloc(struct vec *v, wb_type elem, uint32_t n, bool want_nulls, void **data, uint8_t **nulls);
/* Copy n bytes into v's heap and return a view of them. */
wb_str vec_str_copy(struct vec *v, const char *p, size_t n);
/* CONST vector of n rows holding val (strings are referenced, not copied). */
void vec_set_const(struct vec *v, const struct wb_value *val, int n);
/* Convert CONST or DICT to FLAT in v's own buffer (strings stay views). */
void vec_flatten(struct vec *v);
/* dst shares src's arrays (no copy); dst's own buffers are kept for later. */
void vec_ref(struct vec *dst, const struct vec *src);
/* dst = FLAT (or DICT, if src is DICT) copy of src rows sel[0..n) (or the
 * first n rows when sel is NULL); strings remain views into src's storage. */
void vec_gather(struct vec *dst, const struct vec *src, const uint32_t *sel, int n);
/* Slow path: the value of row i. */
void vec_get(const struct vec *v, int i, struct wb_value *out);
static inline bool vec_is_null(const struct vec *v, int i)
{
	return v->nulls != NULL && v->nulls[v->kind == VEC_CONST ? 0 : i];
}
/* Does v contain any NULL row? (cheap for FLAT with nulls == NULL) */
bool vec_has_nulls(const struct vec *v);
/* Value size in bytes of one entry of v->data for its kind. */
size_t vec_elem_size(const struct vec *v);

/* Typed access to data (FLAT or CONST). */
static inline int64_t *vec_i64(const struct vec *v) { return (int64_t *)v->data; }
static inline double *vec_f64(const struct vec *v) { return (double *)v->data; }
static inline uint8_t *vec_bool(const struct vec *v) { return (uint8_t *)v->data; }
static inline wb_str *vec_str(const struct vec *v) { return (wb_str *)v->data; }
static inline uint32_t *vec_codes(const struct vec *v) { return (uint32_t *)v->data; }
static inline wb_interval *vec_iv(const struct vec *v) { return (wb_interval *)v->data; }
static inline wb_list *vec_list(const struct vec *v) { return (wb_list *)v->data; }

/* The string of row i of a VARCHAR vector of any kind (row must not be NULL). */
static inline wb_str vec_str_at(const struct vec *v, int i)
{
	switch (v->kind) {
	case VEC_DICT: return v->dict->vals[((const uint32_t *)v->data)[i]];
	case VEC_CONST: return ((const wb_str *)v->data)[0];
	default: return ((const wb_str *)v->data)[i];
	}
}

/* Equal bytes. Views of one dictionary entry share their pointer, which
 * settles equality without reading the bytes. */
static inline bool wb_str_eq(wb_str a, wb_str b)
{
	return a.n == b.n && (a.p == b.p || a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}
int wb_str_cmp(wb_str a, wb_str b);

void chunk_init(struct chunk *c, int ncol, const wb_type *types);
void chunk_free(struct chunk *c);
/* vec_reset every column; n = 0. */
void chunk_reset(struct chunk *c);

#endif
