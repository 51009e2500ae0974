/*
 * fn_cond.c: conditional functions (coalesce, nullif, if, nvl, nvl2,
 * greatest, least) and NULL/NaN tests.
 *
 * Most of these take arguments of any type (FN_ANY with FN_SAME_TYPE), so
 * the kernels move values by element size and compare with a per-type
 * helper chosen once per call.
 */
#include "func/fn_impl.h"
#include "core/list.h"

#include <math.h>

/* Copy row j of src to row i of dst (same type). */
static inline void
copy_row(struct vec *dst, int i, const struct vec *src, int j)
{
	switch (type_size(dst->type)) {
	case 1: ((uint8_t *)dst->data)[i] = ((const uint8_t *)src->data)[j]; break;
	case 8: ((int64_t *)dst->data)[i] = ((const int64_t *)src->data)[j]; break;
	case 16: ((wb_str *)dst->data)[i] = ((const wb_str *)src->data)[j]; break;
	default: {
		size_t sz = type_size(dst->type);
		memcpy((char *)dst->data + (size_t)i * sz, (const char *)src->data + (size_t)j * sz, sz);
	}
	}
}

/* Drop out's NULL array when no row ended up NULL. */
static void
tidy_nulls(struct vec *out, int n)
{
	if (out->nulls == NULL)
		return;
	for (int i = 0; i < n; i++)
		if (out->nulls[i])
			return;
	out->nulls = NULL;
}

/* Three-way comparison of two values of type t (NaN is the largest
 * double; intervals compare with a month as 30 days; lists as list_cmp). */
static int
cmp_rows(wb_type t, const struct vec *a, int i, const struct vec *b, int j)
{
	switch (t) {
	case WB_TYPE_BOOL:
	case WB_TYPE_NULL: {
		int x = ((const uint8_t *)a->data)[i], y = ((const uint8_t *)b->data)[j];
		return (x > y) - (x < y);
	}
	case WB_TYPE_DOUBLE: {
		double x = vec_f64(a)[i], y = vec_f64(b)[j];
		if (isnan(x) || isnan(y))
			return isnan(x) - isnan(y);
		return (x > y) - (x < y);
	}
	case WB_TYPE_VARCHAR:
		return wb_str_cmp(vec_str(a)[i], vec_str(b)[j]);
	case WB_TYPE_INTERVAL: {
		wb_interval x = vec_iv(a)[i], y = vec_iv(b)[j];
		__int128 kx = ((__int128)x.months * 30 + x.days) * DT_US_PER_DAY + x.micros;
		__int128 ky = ((__int128)y.months * 30 + y.days) * DT_US_PER_DAY + y.micros;
		return (kx > ky) - (kx < ky);
	}
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP: {
		int64_t x = vec_i64(a)[i], y = vec_i64(b)[j];
		return (x > y) - (x < y);
	}
	default:   /* lists */
		return list_cmp(vec_list(a)[i], vec_list(b)[j], type_list_elem(t));
	}
}

/* coalesce(a, b, ...), nvl(a, b), ifnull(a, b) */
static int
coalesce_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	uint8_t *on = vec_nulls_writable(out);
	memset(on, 1, (size_t)n);
	for (int k = 0; k < nargs; k++) {
		const struct vec *a = args[k];
		for (int i = 0; i < n; i++) {
			if (on[i] && !fn_isnull(a, i)) {
				copy_row(out, i, a, i);
				on[i] = 0;
			}
		}
	}
	tidy_nulls(out, n);
	return 0;
}

/* The binder's check for a correlated scalar subquery without an
 * aggregate: args[0] = rows it produced for this outer row, args[1] = the
 * value; more than one row is an error, as in SQL. */
static int
single_row_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)nargs;
	const struct vec *cnt = args[0], *v = args[1];
	uint8_t *on = vec_nulls_writable(out);
	for (int i = 0; i < n; i++) {
		if (!fn_isnull(cnt, i) && vec_i64(cnt)[i] > 1) {
			err_set(call->err, call->pos, "a subquery used as an expression returned more than one row (%lld rows)",
			    (long long)vec_i64(cnt)[i]);
			err_hint(call->err, "aggregate the subquery's rows, add LIMIT 1, or join instead");
			return -1;
		}
		on[i] = fn_isnull(v, i);
		if (!on[i])
			copy_row(out, i, v, i);
	}
	tidy_nulls(out, n);
	return 0;
}

/* nullif(a, b): NULL when a = b, else a. */
static int
nullif_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const struct vec *a = args[0], *b = args[1];
	uint8_t *on = vec_nulls_writable(out);
	for (int i = 0; i < n; i++) {
		copy_row(out, i, a, i);
		on[i] = fn_isnull(a, i) || (!fn_isnull(b, i) && cmp_rows(out->type, a, i, b, i) == 0);
	}
	tidy_nulls(out, n);
	return 0;
}

/* if(cond, a, b): a where cond is true, b where it is false or NULL. */
static int
if_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const struct vec *c = args[0];
	const uint8_t *cv = vec_bool(c);
	uint8_t *on = vec_nulls_writable(out);
	for (int i = 0; i < n; i++) {
		const struct vec *src = !fn_isnull(c, i) && cv[i] ? args[1] : args[2];
		copy_row(out, i, src, i);
		on[i] = fn_isnull(src, i);
	}
	tidy_nulls(out, n);
	return 0;
}

/* nvl2(a, b, c): b where a is not NULL, else c. */
static int
nvl2_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	uint8_t *on = vec_nulls_writable(out);
	for (int i = 0; i < n; i++) {
		const struct vec *src = fn_isnull(args[0], i) ? args[2] : args[1];
		copy_row(out, i, src, i);
		on[i] = fn_isnull(src, i);
	}
	tidy_nulls(out, n);
	return 0;
}

/* greatest/least skip NULL arguments (Spark); NULL only when all are NULL. */
static int
extreme(struct vec **args, int nargs, int n, struct vec *out, int sign)
{
	uint8_t *on = vec_nulls_writable(out);
	memset(on, 1, (size_t)n);
	for (int k = 0; k < nargs; k++) {
		const struct vec *a = args[k];
		for (int i = 0; i < n; i++) {
			if (fn_isnull(a, i))
				continue;
			if (on[i] || sign * cmp_rows(out->type, a, i, out, i) > 0) {
				copy_row(out, i, a, i);
				on[i] = 0;
			}
		}
	}
	tidy_nulls(out, n);
	return 0;
}

static int
greatest_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return extreme(args, nargs, n, out, 1);
}

static int
least_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return extreme(args, nargs, n, out, -1);
}

static int
isnull_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	uint8_t *r = vec_bool(out);
	for (int i = 0; i < n; i++)
		r[i] = args[0]->type == WB_TYPE_NULL || fn_isnull(args[0], i);
	out->nulls = NULL;
	return 0;
}

static int
isnotnull_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	uint8_t *r = vec_bool(out);
	for (int i = 0; i < n; i++)
		r[i] = !(args[0]->type == WB_TYPE_NULL || fn_isnull(args[0], i));
	out->nulls = NULL;
	return 0;
}

/* isnan(NULL) is false, as in Spark. */
static int
isnan_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const double *a = vec_f64(args[0]);
	uint8_t *r = vec_bool(out);
	for (int i = 0; i < n; i++)
		r[i] = !fn_isnull(args[0], i) && isnan(a[i]);
	out->nulls = NULL;
	return 0;
}

/* nanvl(a, b): a unless a is NaN, then b (strict, as Spark). */
static int
nanvl_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const double *a = vec_f64(args[0]), *b = vec_f64(args[1]);
	double *r = vec_f64(out);
	for (int i = 0; i < n; i++)
		r[i] = isnan(a[i]) ? b[i] : a[i];
	return 0;
}

static int
typeof_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	wb_str *r = vec_str(out);
	wb_str t = wb_str_c(type_name(args[0]->type));
	for (int i = 0; i < n; i++)
		r[i] = t;
	out->nulls = NULL;
	return 0;
}

#define NS (FN_NONSTRICT | FN_SAME_TYPE)

static const struct fn_sig coalesce_sigs[] = {
	SIG2(T_ANY, T_ANY, T_ANY, coalesce_k, .flags = NS | FN_VARIADIC),
};
static const struct fn_sig nvl_sigs[] = {
	SIG2(T_ANY, T_ANY, T_ANY, coalesce_k, .flags = NS),
};
static const struct fn_sig nullif_sigs[] = {
	SIG2(T_ANY, T_ANY, T_ANY, nullif_k, .flags = NS),
};
static const struct fn_sig if_sigs[] = {
	SIG3(T_ANY, T_BOOL, T_ANY, T_ANY, if_k, .flags = NS),
};
/* The tested argument of nvl2 has its own type, independent of the
 * result's, so it gets one signature per type. */
static const struct fn_sig nvl2_sigs[] = {
	SIG3(T_ANY, T_BOOL, T_ANY, T_ANY, nvl2_k, .flags = NS),
	SIG3(T_ANY, T_I64, T_ANY, T_ANY, nvl2_k, .flags = NS),
	SIG3(T_ANY, T_F64, T_ANY, T_ANY, nvl2_k, .flags = NS),
	SIG3(T_ANY, T_STR, T_ANY, T_ANY, nvl2_k, .flags = NS),
	SIG3(T_ANY, T_DATE, T_ANY, T_ANY, nvl2_k, .flags = NS),
	SIG3(T_ANY, T_TS, T_ANY, T_ANY, nvl2_k, .flags = NS),
	SIG3(T_ANY, T_IV, T_ANY, T_ANY, nvl2_k, .flags = NS),
};
static const struct fn_sig greatest_sigs[] = {
	SIG3(T_ANY, T_ANY, T_ANY, T_ANY, greatest_k, .flags = NS | FN_VARIADIC),
};
static const struct fn_sig least_sigs[] = {
	SIG3(T_ANY, T_ANY, T_ANY, T_ANY, least_k, .flags = NS | FN_VARIADIC),
};
static const struct fn_sig isnull_sigs[] = {
	SIG1(T_BOOL, T_ANY, isnull_k, .flags = FN_NONSTRICT),
};
static const struct fn_sig isnotnull_sigs[] = {
	SIG1(T_BOOL, T_ANY, isnotnull_k, .flags = FN_NONSTRICT),
};
static const struct fn_sig isnan_sigs[] = {
	SIG1(T_BOOL, T_F64, isnan_k, .flags = FN_NONSTRICT),
};
static const struct fn_sig nanvl_sigs[] = {
	SIG2(T_F64, T_F64, T_F64, nanvl_k),
};
static const struct fn_sig typeof_sigs[] = {
	SIG1(T_STR, T_ANY, typeof_k, .flags = FN_NONSTRICT),
};

static const struct fn_sig single_row_sigs[] = {
	SIG2(T_ANY, T_I64, T_ANY, single_row_k, .flags = NS),
};

const struct scalar_fn fn_single_row_check = {.name = "single_row_check", SIGS(single_row_sigs),
    .usage = "single_row_check(rows, value)", .doc = "internal: value, or an error when rows > 1"};

const struct scalar_fn fn_cond_table[] = {
	{.name = "coalesce", SIGS(coalesce_sigs), .usage = "coalesce(a, b, ...)",
	    .doc = "The first argument that is not NULL, or NULL if all are",
	    .example = "coalesce(NULL, 2, 3)", .example_result = "2"},
	{.name = "nvl", SIGS(nvl_sigs), .usage = "nvl(a, b)",
	    .doc = "a if it is not NULL, else b (coalesce of two arguments)",
	    .example = "nvl(NULL, 'none')", .example_result = "none"},
	{.name = "ifnull", SIGS(nvl_sigs), .usage = "ifnull(a, b)",
	    .doc = "a if it is not NULL, else b (same as nvl)",
	    .example = "ifnull(NULL, 0)", .example_result = "0"},
	{.name = "nullif", SIGS(nullif_sigs), .usage = "nullif(a, b)",
	    .doc = "NULL if a equals b, else a",
	    .example = "nullif(0, 0)", .example_result = "NULL"},
	{.name = "if", SIGS(if_sigs), .usage = "if(cond, a, b)",
	    .doc = "a when cond is true, b when it is false or NULL",
	    .example = "if(1 < 2, 'yes', 'no')", .example_result = "yes"},
	{.name = "iff", SIGS(if_sigs), .usage = "iff(cond, a, b)",
	    .doc = "Same as if(cond, a, b)",
	    .example = "iff(false, 1, 2)", .example_result = "2"},
	{.name = "nvl2", SIGS(nvl2_sigs), .usage = "nvl2(a, b, c)",
	    .doc = "b if a is not NULL, else c",
	    .example = "nvl2(NULL, 'set', 'unset')", .example_result = "unset"},
	{.name = "greatest", SIGS(greatest_sigs), .usage = "greatest(a, b, ...)",
	    .doc = "The largest argument, skipping NULLs (Spark); NULL only if all are NULL",
	    .example = "greatest(3, NULL, 7.5, 1)", .example_result = "7.5"},
	{.name = "least", SIGS(least_sigs), .usage = "least(a, b, ...)",
	    .doc = "The smallest argument, skipping NULLs (Spark); NULL only if all are NULL",
	    .example = "least('b', 'a', 'c')", .example_result = "a"},
	{.name = "isnull", SIGS(isnull_sigs), .usage = "isnull(x)",
	    .doc = "true if x is NULL (same as x IS NULL)",
	    .example = "isnull(NULL)", .example_result = "true"},
	{.name = "isnotnull", SIGS(isnotnull_sigs), .usage = "isnotnull(x)",
	    .doc = "true if x is not NULL (same as x IS NOT NULL)",
	    .example = "isnotnull(1)", .example_result = "true"},
	{.name = "isnan", SIGS(isnan_sigs), .usage = "isnan(x)",
	    .doc = "true if x is NaN; false for NULL",
	    .example = "isnan(CAST('nan' AS DOUBLE))", .example_result = "true"},
	{.name = "nanvl", SIGS(nanvl_sigs), .usage = "nanvl(a, b)",
	    .doc = "a unless it is NaN, then b",
	    .example = "nanvl(CAST('nan' AS DOUBLE), 0.0)", .example_result = "0.0"},
	{.name = "typeof", SIGS(typeof_sigs), .usage = "typeof(x)",
	    .doc = "The name of x's wb type (BIGINT, DOUBLE, VARCHAR, ...)",
	    .example = "typeof(1.5)", .example_result = "DOUBLE"},
};
const int fn_cond_count = (int)(sizeof fn_cond_table / sizeof fn_cond_table[0]);
