/*
 * fn_impl: private helpers shared by the scalar function families in
 * src/func/fn_*.c and cast.c. Not for use outside src/func.
 *
 * Each family file defines one table of `struct scalar_fn` entries and
 * exports it (with its length) here; func.c merges the tables into one
 * sorted registry.
 */
#ifndef WB_FUNC_FN_IMPL_H
#define WB_FUNC_FN_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/datetime.h"
#include "core/vector.h"
#include "func/func.h"

/* Short type names for signature tables. */
#define T_ANY FN_ANY
#define T_BOOL WB_TYPE_BOOL
#define T_I64 WB_TYPE_BIGINT
#define T_F64 WB_TYPE_DOUBLE
#define T_STR WB_TYPE_VARCHAR
#define T_DATE WB_TYPE_DATE
#define T_TS WB_TYPE_TIMESTAMP
#define T_IV WB_TYPE_INTERVAL

#define SIG0(r, k, ...) { .ret = (r), .nargs = 0, .kernel = (k), __VA_ARGS__ }
#define SIG1(r, a, k, ...) { .ret = (r), .nargs = 1, .args = {a}, .kernel = (k), __VA_ARGS__ }
#define SIG2(r, a, b, k, ...) { .ret = (r), .nargs = 2, .args = {a, b}, .kernel = (k), __VA_ARGS__ }
#define SIG3(r, a, b, c, k, ...) { .ret = (r), .nargs = 3, .args = {a, b, c}, .kernel = (k), __VA_ARGS__ }
#define SIG4(r, a, b, c, d, k, ...) { .ret = (r), .nargs = 4, .args = {a, b, c, d}, .kernel = (k), __VA_ARGS__ }
#define SIGS(x) (x), (int)(sizeof(x) / sizeof((x)[0]))

/* The family tables (one per fn_*.c file). */
#define FN_FAMILY(name) \
	extern const struct scalar_fn fn_##name##_table[]; \
	extern const int fn_##name##_count
FN_FAMILY(arith);
FN_FAMILY(cond);
FN_FAMILY(string);
FN_FAMILY(like);
FN_FAMILY(regex);
FN_FAMILY(math);
FN_FAMILY(date);
FN_FAMILY(hash);
FN_FAMILY(list);
#undef FN_FAMILY

/* List kernels other families' tables use (fn_list.c): concat of lists
 * (concat, ||) and the comparisons of lists (=, <>, <, <=, >, >=). */
int fn_list_concat_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out);
int fn_list_eq_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out);
int fn_list_ne_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out);
int fn_list_lt_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out);
int fn_list_le_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out);
int fn_list_gt_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out);
int fn_list_ge_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out);

/* Casts from and to list types (cast_list.c); NULL when not allowed.
 * cast_kernel() dispatches here (from != to, from is not NULL). */
fn_kernel cast_list_kernel(wb_type from, wb_type to, bool try_cast);

/* Row i of a strict kernel's output is already NULL (skip it). */
static inline bool fn_skip(const struct vec *out, int i)
{
	return out->nulls != NULL && out->nulls[i];
}

/* Row i of an input vector (FLAT) is NULL; for non-strict kernels. */
static inline bool fn_isnull(const struct vec *v, int i)
{
	return v->nulls != NULL && v->nulls[i];
}

/*
 * String output writer: hands out bytes from large blocks of the output
 * vector's heap so a kernel does not call the allocator once per row.
 * Pattern: d = fn_sw_reserve(&w, max_len); write k <= max_len bytes at d;
 * res[i] = fn_sw_commit(&w, k).
 */
struct fn_sw {
	struct vec *out;
	char *p;
	size_t left;
};

static inline void fn_sw_init(struct fn_sw *w, struct vec *out)
{
	w->out = out;
	w->p = NULL;
	w->left = 0;
}

char *fn_sw_grow(struct fn_sw *w, size_t n);

static inline char *fn_sw_reserve(struct fn_sw *w, size_t n)
{
	/* never NULL, even for n == 0, so results are always safe views */
	return n <= w->left && w->p != NULL ? w->p : fn_sw_grow(w, n);
}

static inline wb_str fn_sw_commit(struct fn_sw *w, size_t n)
{
	wb_str s = {w->p, (uint32_t)n};
	w->p += n;
	w->left -= n;
	return s;
}

/* Copy bytes into the writer and return the view. */
static inline wb_str fn_sw_copy(struct fn_sw *w, const char *p, size_t n)
{
	char *d = fn_sw_reserve(w, n);
	if (n)
		memcpy(d, p, n);
	return fn_sw_commit(w, n);
}

/* Largest string a function builds (256 MiB): a larger result is far
 * more likely a mistake (repeat(s, 1e9)) than a need. */
#define FN_MAX_STR ((size_t)1 << 28)

/*
 * UTF-8. wb strings are UTF-8 but are never validated on input: every
 * helper tolerates invalid bytes by treating a stray byte as one
 * character, so lengths and positions stay consistent with each other.
 */
static inline bool fn_is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

bool fn_is_ascii(const char *p, size_t n);
/* Number of characters. */
size_t fn_utf8_count(const char *p, size_t n);
/* Byte offset of the character after `k` characters starting at byte
 * `off` (clamped to n). */
size_t fn_utf8_skip(const char *p, size_t n, size_t off, size_t k);
/* Length in bytes of the character starting at p[i]: the byte and the
 * continuation bytes after it (consistent with fn_utf8_count). */
static inline size_t fn_utf8_clen(const char *p, size_t n, size_t i)
{
	size_t j = i + 1;
	while (j < n && fn_is_cont((unsigned char)p[j]))
		j++;
	return j - i;
}
/* Decode the character at p[*i] and advance *i; invalid bytes decode to
 * themselves (0x80..0xFF) so that they round-trip through encode. */
uint32_t fn_utf8_decode(const char *p, size_t n, size_t *i);
/* Encode cp (< 0x110000) at out; returns bytes written (1..4). */
int fn_utf8_encode(uint32_t cp, char *out);

/* Unicode-aware simple case mapping of one code point (C library tables
 * of the C.UTF-8 locale; ASCII only if that locale is missing). */
uint32_t fn_cp_lower(uint32_t cp);
uint32_t fn_cp_upper(uint32_t cp);
/* Lower-case s into dst (room for 2 * n bytes); returns the length. */
size_t fn_str_lower(const char *s, size_t n, char *dst);

/* Current statement time: used by current_timestamp & co. */
int64_t fn_now_us(void);

/* Format a value as text into buf (>= 64 bytes) for error messages;
 * strings are quoted and cut at 40 bytes. */
const char *fn_show(const struct wb_value *v, char *buf, size_t size);
const char *fn_show_str(wb_str s, char *buf, size_t size);

/* Parse an interval text ('1 day', '2 hours 30 minutes', '01:02:03', ...). */
bool fn_parse_interval(const char *s, size_t n, wb_interval *out);

/* Timestamp helpers shared by arith and date. */
bool fn_ts_add_interval(int64_t ts, wb_interval iv, int64_t *out);

/* Java/Spark datetime patterns (fn_date.c), shared by casts of
 * to_timestamp & co. A compiled pattern is a small program. */
struct fn_dtfmt;
struct fn_dtfmt *fn_dtfmt_compile(const char *fmt, size_t n, const char *fname, struct wb_error *err);
void fn_dtfmt_free(struct fn_dtfmt *f);
/* Formats ts into buf (>= fn_dtfmt_maxlen bytes); returns length. */
size_t fn_dtfmt_format(const struct fn_dtfmt *f, int64_t ts, char *buf);
size_t fn_dtfmt_maxlen(const struct fn_dtfmt *f);
bool fn_dtfmt_parse(const struct fn_dtfmt *f, const char *s, size_t n, int64_t *ts);

#endif
