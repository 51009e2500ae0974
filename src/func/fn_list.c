/*
 * fn_list.c: list (ARRAY) functions with Spark's names and semantics, and
 * the list comparisons behind =, <>, <, <=, >, >= (fn_arith.c's tables).
 *
 * Spark wins where Spark and DuckDB disagree:
 *   - get(arr, i) and arr[i] count from 0 and give NULL out of range;
 *     element_at(arr, i) counts from 1, negative i from the end, and
 *     index 0 is an error (Spark's non-ANSI mode for out of range);
 *   - size/cardinality/array_size(NULL) is NULL: Spark 4's default (ANSI
 *     mode), Spark 3's array_size and DuckDB's answer; Spark 3's legacy -1
 *     (spark.sql.legacy.sizeOfNull without ANSI) is not reproduced;
 *   - array_contains gives NULL when the value is not found but the list
 *     has a NULL element; array_position gives 0 when not found;
 *   - array_sort puts NULL elements last, sort_array(arr, asc) first when
 *     ascending and last when descending.
 * Element equality and order are core/list.h's (NaN = NaN and largest,
 * -0 = 0). Functions whose signature uses FN_LIST / FN_ELEM (func.h) work
 * for every element type, including NULL[] (array(), [NULL]).
 *
 * Results: new lists are allocated in the output vector's heap with
 * vec_list_alloc(); results that are a part of an argument (slice, the
 * element functions) are views into the argument's memory, as string
 * kernels return views into their inputs.
 */
#include "func/fn_impl.h"

#include "core/list.h"
#include "core/xmalloc.h"

#include <stdlib.h>

static inline bool
el_null(wb_list l, wb_type et, uint32_t i)
{
	return et == WB_TYPE_NULL || list_is_null_at(l, i);
}

/* out[i] = element e of l (out has the element type; NULL stays NULL). */
static void
put_elem(struct vec *out, int i, wb_list l, wb_type et, uint32_t e)
{
	size_t sz = type_size(et);
	if (el_null(l, et, e)) {
		vec_set_null(out, i);
		memset((char *)out->data + (size_t)i * sz, 0, sz);
		if (et == WB_TYPE_VARCHAR)
			vec_str(out)[i] = wb_str_c("");
		return;
	}
	memcpy((char *)out->data + (size_t)i * sz, list_at(l, et, e), sz);
}

static void
set_null_row(struct vec *out, int i)
{
	size_t sz = type_size(out->type);
	vec_set_null(out, i);
	memset((char *)out->data + (size_t)i * sz, 0, sz);
	if (out->type == WB_TYPE_VARCHAR)
		vec_str(out)[i] = wb_str_c("");
	else if (type_is_list(out->type))
		vec_list(out)[i] = list_empty();
}

/* ---- array(a, b, ...) / [a, b, ...] ---- */

/* Not strict: NULL arguments are NULL elements; the list is never NULL. */
static int
array_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)call;
	wb_type et = type_list_elem(out->type);
	size_t sz = type_size(et);
	wb_list *r = vec_list(out);
	out->nulls = NULL;
	for (int i = 0; i < n; i++) {
		bool any = false;
		for (int k = 0; k < nargs && !any; k++)
			any = et == WB_TYPE_NULL || fn_isnull(args[k], i);
		void *data;
		uint8_t *nulls;
		r[i] = vec_list_alloc(out, et, (uint32_t)nargs, any, &data, &nulls);
		for (int k = 0; k < nargs; k++) {
			char *d = (char *)data + (size_t)k * sz;
			if (et == WB_TYPE_NULL || fn_isnull(args[k], i)) {
				nulls[k] = 1;
				memset(d, 0, sz);
				if (et == WB_TYPE_VARCHAR)
					*(wb_str *)d = wb_str_c("");
			} else {
				memcpy(d, (const char *)args[k]->data + (size_t)i * sz, sz);
			}
		}
	}
	return 0;
}

/* ---- element access ---- */

/* get(arr, i): element i counting from 0, NULL when out of range. */
static int
get_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)call;
	(void)nargs;
	wb_type et = type_list_elem(args[0]->type);
	const wb_list *l = vec_list(args[0]);
	const int64_t *ix = vec_i64(args[1]);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		if (ix[i] < 0 || ix[i] >= (int64_t)l[i].n)
			set_null_row(out, i);
		else
			put_elem(out, i, l[i], et, (uint32_t)ix[i]);
	}
	return 0;
}

/* element_at(arr, i): element i counting from 1, from the end when i < 0;
 * NULL out of range; 0 is an error (Spark). */
static int
element_at_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)nargs;
	wb_type et = type_list_elem(args[0]->type);
	const wb_list *l = vec_list(args[0]);
	const int64_t *ix = vec_i64(args[1]);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		int64_t k = ix[i], len = l[i].n;
		if (k == 0) {
			err_set(call->err, call->pos, "element_at: index 0 is invalid: SQL array indices start at 1");
			err_hint(call->err, "use 1 for the first element and -1 for the last, or arr[0] to count from 0");
			return -1;
		}
		int64_t at = k > 0 ? k - 1 : len + k;
		if (at < 0 || at >= len)
			set_null_row(out, i);
		else
			put_elem(out, i, l[i], et, (uint32_t)at);
	}
	return 0;
}

/* size(arr), cardinality(arr), array_size(arr), array_length(arr) */
static int
size_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)call;
	(void)nargs;
	const wb_list *l = vec_list(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++)
		r[i] = fn_skip(out, i) ? 0 : l[i].n;
	return 0;
}

/* ---- searching ---- */

/* Index of the first element of l equal to the value at x (not NULL), or
 * -1; *saw_null tells whether a NULL element was passed over. */
static int64_t
find_elem(wb_list l, wb_type et, const void *x, bool *saw_null)
{
	size_t sz = type_size(et);
	*saw_null = false;
	for (uint32_t e = 0; e < l.n; e++) {
		if (el_null(l, et, e)) {
			*saw_null = true;
			continue;
		}
		if (list_elem_eq(et, (const char *)l.data + (size_t)e * sz, x))
			return e;
	}
	return -1;
}

/* array_contains(arr, x): true if some element equals x; NULL when not
 * found and arr has a NULL element (Spark; the answer is unknown). */
static int
contains_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)call;
	(void)nargs;
	wb_type et = type_list_elem(args[0]->type);
	size_t sz = type_size(et);
	const wb_list *l = vec_list(args[0]);
	uint8_t *r = vec_bool(out);
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (et == WB_TYPE_NULL) {
			/* x is NULL-typed, so the row is already NULL; unreachable */
			vec_set_null(out, i);
			continue;
		}
		bool saw_null;
		int64_t at = find_elem(l[i], et, (const char *)args[1]->data + (size_t)i * sz, &saw_null);
		if (at >= 0)
			r[i] = 1;
		else if (saw_null)
			vec_set_null(out, i);
	}
	return 0;
}

/* array_position(arr, x): 1-based position of the first element equal to
 * x, 0 if there is none (Spark). */
static int
position_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)call;
	(void)nargs;
	wb_type et = type_list_elem(args[0]->type);
	size_t sz = type_size(et);
	const wb_list *l = vec_list(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i) || et == WB_TYPE_NULL)
			continue;
		bool saw_null;
		r[i] = find_elem(l[i], et, (const char *)args[1]->data + (size_t)i * sz, &saw_null) + 1;
	}
	return 0;
}

/* ---- array_join(arr, sep [, null_replacement]) ---- */

static int
join_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	wb_type et = type_list_elem(args[0]->type);
	const wb_list *l = vec_list(args[0]);
	const wb_str *sep = vec_str(args[1]);
	const wb_str *rep = nargs > 2 ? vec_str(args[2]) : NULL;
	wb_str *r = vec_str(out);
	struct strbuf b = STRBUF_INIT;
	struct fn_sw w;
	fn_sw_init(&w, out);
	int rc = 0;
	for (int i = 0; i < n; i++) {
		r[i] = wb_str_c("");
		if (fn_skip(out, i))
			continue;
		sb_clear(&b);
		bool first = true;
		for (uint32_t e = 0; e < l[i].n; e++) {
			bool isnull = el_null(l[i], et, e);
			if (isnull && rep == NULL)
				continue;
			if (!first)
				sb_add(&b, sep[i].p, sep[i].n);
			first = false;
			if (isnull)
				sb_add(&b, rep[i].p, rep[i].n);
			else
				list_format_elem(l[i], et, e, &b);
			if (b.len > FN_MAX_STR) {
				err_set(call->err, call->pos, "array_join: the result is longer than %zu bytes", FN_MAX_STR);
				rc = -1;
				break;
			}
		}
		if (rc < 0)
			break;
		r[i] = fn_sw_copy(&w, b.s ? b.s : "", b.len);
	}
	sb_free(&b);
	return rc;
}

/* ---- array_distinct(arr) ---- */

/* Distinct elements in order of first occurrence, one NULL kept (Spark).
 * Short lists are deduplicated by scanning what was kept; long ones
 * through a hash table shared by the rows of the call. */
static int
distinct_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)call;
	(void)nargs;
	wb_type et = type_list_elem(args[0]->type);
	size_t sz = type_size(et);
	const wb_list *l = vec_list(args[0]);
	wb_list *r = vec_list(out);
	uint32_t *slots = NULL, cap = 0;
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i)) {
			r[i] = list_empty();
			continue;
		}
		wb_list in = l[i];
		void *data;
		uint8_t *nulls;
		wb_list o = vec_list_alloc(out, et, in.n, in.nulls != NULL || et == WB_TYPE_NULL, &data, &nulls);
		uint32_t m = 0;
		bool have_null = false, hashed = in.n > 32;
		if (hashed) {
			uint32_t want = 64;
			while (want < in.n * 2)
				want *= 2;
			if (want > cap) {
				free(slots);
				slots = xmalloc(sizeof *slots * want);
				cap = want;
			}
			memset(slots, 0, sizeof *slots * want);
		}
		uint32_t mask = hashed ? cap - 1 : 0;
		for (uint32_t e = 0; e < in.n; e++) {
			if (el_null(in, et, e)) {
				if (!have_null) {
					have_null = true;
					nulls[m] = 1;
					memset((char *)data + (size_t)m * sz, 0, sz);
					if (et == WB_TYPE_VARCHAR)
						((wb_str *)data)[m] = wb_str_c("");
					m++;
				}
				continue;
			}
			const void *x = list_at(in, et, e);
			bool dup = false;
			if (hashed) {
				uint32_t s = (uint32_t)list_elem_hash(et, x) & mask;
				for (; slots[s]; s = (s + 1) & mask) {
					if (list_elem_eq(et, (const char *)data + (size_t)(slots[s] - 1) * sz, x)) {
						dup = true;
						break;
					}
				}
				if (!dup)
					slots[s] = m + 1;
			} else {
				for (uint32_t k = 0; k < m && !dup; k++)
					dup = !(nulls && nulls[k]) && list_elem_eq(et, (const char *)data + (size_t)k * sz, x);
			}
			if (dup)
				continue;
			memcpy((char *)data + (size_t)m * sz, x, sz);
			m++;
		}
		o.n = m;
		if (!have_null)
			o.nulls = NULL;
		r[i] = o;
	}
	free(slots);
	return 0;
}

/* ---- sorting ---- */

static int
cmp_u8(const void *a, const void *b)
{
	return (int)*(const uint8_t *)a - (int)*(const uint8_t *)b;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int
cmp_f64(const void *a, const void *b)
{
	return list_elem_cmp(WB_TYPE_DOUBLE, a, b);
}

static int
cmp_str(const void *a, const void *b)
{
	return wb_str_cmp(*(const wb_str *)a, *(const wb_str *)b);
}

/* Sorted copy of l: non-NULL elements ascending (or descending), NULL
 * elements first or last. */
static wb_list
sorted(struct vec *out, wb_list l, wb_type et, bool desc, bool nulls_first)
{
	size_t sz = type_size(et);
	uint32_t nn = 0;
	for (uint32_t e = 0; e < l.n; e++)
		nn += el_null(l, et, e);
	void *data;
	uint8_t *nulls;
	wb_list o = vec_list_alloc(out, et, l.n, nn > 0, &data, &nulls);
	uint32_t v0 = nulls_first ? nn : 0, k = v0;
	for (uint32_t e = 0; e < l.n; e++)
		if (!el_null(l, et, e))
			memcpy((char *)data + (size_t)k++ * sz, list_at(l, et, e), sz);
	uint32_t nv = l.n - nn;
	int (*cmp)(const void *, const void *) = et == WB_TYPE_BOOL ? cmp_u8 : et == WB_TYPE_DOUBLE ? cmp_f64 :
	    et == WB_TYPE_VARCHAR ? cmp_str : cmp_i64;
	char *v = (char *)data + (size_t)v0 * sz;
	if (nv > 1)
		qsort(v, nv, sz, cmp);
	if (desc) {
		char tmp[sizeof(wb_str)];
		for (uint32_t a = 0, b = nv ? nv - 1 : 0; a < b; a++, b--) {
			memcpy(tmp, v + (size_t)a * sz, sz);
			memcpy(v + (size_t)a * sz, v + (size_t)b * sz, sz);
			memcpy(v + (size_t)b * sz, tmp, sz);
		}
	}
	uint32_t n0 = nulls_first ? 0 : nv;
	for (uint32_t j = 0; j < nn; j++) {
		nulls[n0 + j] = 1;
		memset((char *)data + (size_t)(n0 + j) * sz, 0, sz);
		if (et == WB_TYPE_VARCHAR)
			((wb_str *)data)[n0 + j] = wb_str_c("");
	}
	return o;
}

/* array_sort(arr): ascending, NULL elements last (Spark). */
static int
array_sort_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)call;
	(void)nargs;
	wb_type et = type_list_elem(args[0]->type);
	const wb_list *l = vec_list(args[0]);
	wb_list *r = vec_list(out);
	for (int i = 0; i < n; i++)
		r[i] = fn_skip(out, i) ? list_empty() : sorted(out, l[i], et, false, false);
	return 0;
}

/* sort_array(arr [, asc = true]): NULL elements first when ascending,
 * last when descending (Spark). */
static int
sort_array_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)call;
	wb_type et = type_list_elem(args[0]->type);
	const wb_list *l = vec_list(args[0]);
	const uint8_t *asc = nargs > 1 ? vec_bool(args[1]) : NULL;
	wb_list *r = vec_list(out);
	for (int i = 0; i < n; i++) {
		bool up = asc == NULL || asc[i];
		r[i] = fn_skip(out, i) ? list_empty() : sorted(out, l[i], et, !up, up);
	}
	return 0;
}

/* array_min / array_max: the smallest / largest non-NULL element, NULL
 * when there is none. */
static int
extreme_k(struct vec **args, int n, struct vec *out, int want)
{
	wb_type et = type_list_elem(args[0]->type);
	const wb_list *l = vec_list(args[0]);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		int64_t best = -1;
		for (uint32_t e = 0; e < l[i].n; e++) {
			if (el_null(l[i], et, e))
				continue;
			if (best < 0 || list_elem_cmp(et, list_at(l[i], et, e), list_at(l[i], et, (uint32_t)best)) * want > 0)
				best = e;
		}
		if (best < 0)
			set_null_row(out, i);
		else
			put_elem(out, i, l[i], et, (uint32_t)best);
	}
	return 0;
}

static int
array_min_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)call;
	(void)nargs;
	return extreme_k(args, n, out, -1);
}

static int
array_max_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)call;
	(void)nargs;
	return extreme_k(args, n, out, 1);
}

/* ---- slice(arr, start, length) ---- */

/* Elements from 1-based `start` (from the end when negative), at most
 * `length` of them; a view into arr. start 0 and negative lengths are
 * errors, a start outside the list gives [] (Spark). */
static int
slice_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)nargs;
	wb_type et = type_list_elem(args[0]->type);
	size_t sz = type_size(et);
	const wb_list *l = vec_list(args[0]);
	const int64_t *st = vec_i64(args[1]), *len = vec_i64(args[2]);
	wb_list *r = vec_list(out);
	for (int i = 0; i < n; i++) {
		r[i] = list_empty();
		if (fn_skip(out, i))
			continue;
		if (st[i] == 0) {
			err_set(call->err, call->pos, "slice: start 0 is invalid: SQL array indices start at 1");
			err_hint(call->err, "use 1 for the first element, -1 for the last");
			return -1;
		}
		if (len[i] < 0) {
			err_set(call->err, call->pos, "slice: length %lld is negative", (long long)len[i]);
			return -1;
		}
		int64_t size = l[i].n, from = st[i] > 0 ? st[i] - 1 : size + st[i];
		if (from < 0 || from >= size)
			continue;
		int64_t k = size - from < len[i] ? size - from : len[i];
		wb_list v = {(const char *)l[i].data + (size_t)from * sz, l[i].nulls ? l[i].nulls + from : NULL,
		    (uint32_t)k};
		r[i] = v;
	}
	return 0;
}

/* ---- concat(arr, ...) and arr || arr ---- */

/* The lists one after the other; NULL if any is NULL (Spark). */
int
fn_list_concat_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	wb_type et = type_list_elem(out->type);
	size_t sz = type_size(et);
	wb_list *r = vec_list(out);
	for (int i = 0; i < n; i++) {
		r[i] = list_empty();
		if (fn_skip(out, i))
			continue;
		uint64_t total = 0;
		bool any_null = et == WB_TYPE_NULL;
		for (int k = 0; k < nargs; k++) {
			wb_list a = vec_list(args[k])[i];
			total += a.n;
			any_null |= a.nulls != NULL;
		}
		if (total > FN_MAX_STR / 16) {
			err_set(call->err, call->pos, "concat: the result would have %llu elements, too many",
			    (unsigned long long)total);
			return -1;
		}
		void *data;
		uint8_t *nulls;
		r[i] = vec_list_alloc(out, et, (uint32_t)total, any_null, &data, &nulls);
		uint32_t at = 0;
		for (int k = 0; k < nargs; k++) {
			wb_list a = vec_list(args[k])[i];
			if (a.n)
				memcpy((char *)data + (size_t)at * sz, a.data, (size_t)a.n * sz);
			if (nulls && a.nulls)
				memcpy(nulls + at, a.nulls, a.n);
			else if (nulls && et == WB_TYPE_NULL)
				memset(nulls + at, 1, a.n);
			at += a.n;
		}
	}
	return 0;
}

/* ---- comparisons (=, <>, <, <=, >, >=) ---- */

#define LIST_CMP_KERNEL(name, test) \
	int \
	fn_list_##name##_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out) \
	{ \
		(void)call; \
		(void)nargs; \
		wb_type et = type_list_elem(args[0]->type); \
		const wb_list *a = vec_list(args[0]), *b = vec_list(args[1]); \
		uint8_t *r = vec_bool(out); \
		for (int i = 0; i < n; i++) \
			r[i] = fn_skip(out, i) ? 0 : (test); \
		return 0; \
	}
LIST_CMP_KERNEL(eq, list_eq(a[i], b[i], et))
LIST_CMP_KERNEL(ne, !list_eq(a[i], b[i], et))
LIST_CMP_KERNEL(lt, list_cmp(a[i], b[i], et) < 0)
LIST_CMP_KERNEL(le, list_cmp(a[i], b[i], et) <= 0)
LIST_CMP_KERNEL(gt, list_cmp(a[i], b[i], et) > 0)
LIST_CMP_KERNEL(ge, list_cmp(a[i], b[i], et) >= 0)

/* ---- table ---- */

#define T_LIST FN_LIST
#define T_ELEM FN_ELEM

static const struct fn_sig array_sigs[] = {SIG1(T_LIST, T_ELEM, array_k, .flags = FN_NONSTRICT | FN_VARIADIC)};
static const struct fn_sig get_sigs[] = {SIG2(T_ELEM, T_LIST, T_I64, get_k)};
static const struct fn_sig element_at_sigs[] = {SIG2(T_ELEM, T_LIST, T_I64, element_at_k)};
static const struct fn_sig size_sigs[] = {SIG1(T_I64, T_LIST, size_k)};
static const struct fn_sig contains_sigs[] = {SIG2(T_BOOL, T_LIST, T_ELEM, contains_k)};
static const struct fn_sig position_sigs[] = {SIG2(T_I64, T_LIST, T_ELEM, position_k)};
static const struct fn_sig join_sigs[] = {
	SIG2(T_STR, T_LIST, T_STR, join_k),
	SIG3(T_STR, T_LIST, T_STR, T_STR, join_k),
};
static const struct fn_sig distinct_sigs[] = {SIG1(T_LIST, T_LIST, distinct_k)};
static const struct fn_sig array_sort_sigs[] = {SIG1(T_LIST, T_LIST, array_sort_k)};
static const struct fn_sig sort_array_sigs[] = {
	SIG1(T_LIST, T_LIST, sort_array_k),
	SIG2(T_LIST, T_LIST, T_BOOL, sort_array_k),
};
static const struct fn_sig array_min_sigs[] = {SIG1(T_ELEM, T_LIST, array_min_k)};
static const struct fn_sig array_max_sigs[] = {SIG1(T_ELEM, T_LIST, array_max_k)};
static const struct fn_sig slice_sigs[] = {SIG3(T_LIST, T_LIST, T_I64, T_I64, slice_k)};

const struct scalar_fn fn_list_table[] = {
	{.name = "array", SIGS(array_sigs), .usage = "array(x, ...) | [x, ...]",
	    .doc = "A list of the arguments (NULL arguments are NULL elements), of their common type",
	    .example = "array(1, 2, NULL)", .example_result = "[1, 2, null]"},
	{.name = "array_contains", SIGS(contains_sigs), .usage = "array_contains(arr, x)",
	    .doc = "true if an element of arr equals x; NULL if not found and arr has a NULL element",
	    .example = "array_contains(array('a', 'b'), 'b')", .example_result = "true"},
	{.name = "array_distinct", SIGS(distinct_sigs), .usage = "array_distinct(arr)",
	    .doc = "arr without repeated elements, in order of first occurrence (one NULL kept)",
	    .example = "array_distinct(array(3, 1, 3, NULL, 1, NULL))", .example_result = "[3, 1, null]"},
	{.name = "array_has", SIGS(contains_sigs), .usage = "array_has(arr, x)",
	    .doc = "alias of array_contains (DuckDB)",
	    .example = "array_has([1, 2], 3)", .example_result = "false"},
	{.name = "array_join", SIGS(join_sigs), .usage = "array_join(arr, sep [, null_replacement])",
	    .doc = "The elements as text joined by sep; NULL elements are skipped unless null_replacement is given",
	    .example = "array_join(array('a', NULL, 'c'), '-', '?')", .example_result = "a-?-c"},
	{.name = "array_length", SIGS(size_sigs), .usage = "array_length(arr)",
	    .doc = "alias of size (DuckDB)",
	    .example = "array_length([1, 2, 3])", .example_result = "3"},
	{.name = "array_max", SIGS(array_max_sigs), .usage = "array_max(arr)",
	    .doc = "The largest non-NULL element (NaN is the largest double); NULL if there is none",
	    .example = "array_max(array(2, NULL, 7, 5))", .example_result = "7"},
	{.name = "array_min", SIGS(array_min_sigs), .usage = "array_min(arr)",
	    .doc = "The smallest non-NULL element; NULL if there is none",
	    .example = "array_min(array('b', 'a', NULL))", .example_result = "a"},
	{.name = "array_position", SIGS(position_sigs), .usage = "array_position(arr, x)",
	    .doc = "1-based position of the first element equal to x; 0 if there is none",
	    .example = "array_position(array('a', 'b', 'b'), 'b')", .example_result = "2"},
	{.name = "array_size", SIGS(size_sigs), .usage = "array_size(arr)",
	    .doc = "alias of size",
	    .example = "array_size(array(1, NULL))", .example_result = "2"},
	{.name = "array_sort", SIGS(array_sort_sigs), .usage = "array_sort(arr)",
	    .doc = "arr sorted ascending, NULL elements last",
	    .example = "array_sort(array(3, NULL, 1, 2))", .example_result = "[1, 2, 3, null]"},
	{.name = "array_to_string", SIGS(join_sigs), .usage = "array_to_string(arr, sep [, null_replacement])",
	    .doc = "alias of array_join (DuckDB)",
	    .example = "array_to_string([1, 2], ', ')", .example_result = "1, 2"},
	{.name = "cardinality", SIGS(size_sigs), .usage = "cardinality(arr)",
	    .doc = "alias of size",
	    .example = "cardinality(array('x'))", .example_result = "1"},
	{.name = "element_at", SIGS(element_at_sigs), .usage = "element_at(arr, i)",
	    .doc = "Element i counting from 1 (from the end when i < 0); NULL when out of range; 0 is an error",
	    .example = "element_at(array('a', 'b', 'c'), -1)", .example_result = "c"},
	{.name = "get", SIGS(get_sigs), .usage = "get(arr, i) | arr[i]",
	    .doc = "Element i counting from 0 (Spark's arr[i]); NULL when out of range",
	    .example = "array('a', 'b', 'c')[0]", .example_result = "a"},
	{.name = "list_contains", SIGS(contains_sigs), .usage = "list_contains(arr, x)",
	    .doc = "alias of array_contains (DuckDB)",
	    .example = "list_contains(['a'], 'a')", .example_result = "true"},
	{.name = "list_value", SIGS(array_sigs), .usage = "list_value(x, ...)",
	    .doc = "alias of array (DuckDB)",
	    .example = "list_value(1.5, 2)", .example_result = "[1.5, 2.0]"},
	{.name = "size", SIGS(size_sigs), .usage = "size(arr)",
	    .doc = "Number of elements of arr; NULL for NULL (Spark 4's default; Spark 3 without ANSI mode gives -1)",
	    .example = "size(array(1, 2, NULL))", .example_result = "3"},
	{.name = "slice", SIGS(slice_sigs), .usage = "slice(arr, start, length)",
	    .doc = "At most length elements from 1-based start (counted from the end when negative)",
	    .example = "slice(array(1, 2, 3, 4), -3, 2)", .example_result = "[2, 3]"},
	{.name = "sort_array", SIGS(sort_array_sigs), .usage = "sort_array(arr [, asc])",
	    .doc = "arr sorted, ascending unless asc is false; NULL elements first when ascending, last when descending",
	    .example = "sort_array(array('b', NULL, 'a'), false)", .example_result = "[b, a, null]"},
};
const int fn_list_count = (int)(sizeof fn_list_table / sizeof fn_list_table[0]);
