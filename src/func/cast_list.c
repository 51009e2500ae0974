/*
 * cast_list.c: casts from and to list types (cast.c dispatches here).
 *
 *   T[] -> VARCHAR   the text form [1, 2, null] (core/list.h), the same
 *                    text tables and CSV show, as Spark's CAST does;
 *   S[] -> T[]       element by element with the S -> T cast (so any
 *                    element cast CAST allows); a failing element is an
 *                    error naming it, or a NULL element under TRY_CAST;
 *   NULL -> T[]      (cast.c's c_null).
 * VARCHAR -> T[] is not allowed (Spark has no such cast; build lists with
 * split() or array()).
 *
 * Element casts run the scalar cast kernels over batches of up to
 * WB_VEC_SIZE elements gathered from many rows, so a cast costs a few
 * kernel calls per chunk, not one per row.
 */
#include "func/fn_impl.h"

#include "core/list.h"
#include "core/xmalloc.h"

#include <stdlib.h>

static int
list_to_str(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	(void)call;
	(void)nargs;
	const struct vec *in = args[0];
	if (in->nulls && out->nulls == NULL)
		memcpy(vec_nulls_writable(out), in->nulls, (size_t)n);
	wb_type et = type_list_elem(in->type);
	const wb_list *l = vec_list(in);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	struct strbuf b = STRBUF_INIT;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i)) {
			r[i] = wb_str_c("");
			continue;
		}
		sb_clear(&b);
		list_format(l[i], et, &b);
		r[i] = fn_sw_copy(&w, b.s, b.len);
	}
	sb_free(&b);
	return 0;
}

/* A batch of elements on their way through a scalar cast: element j of
 * the batch is element at[j] of output row row[j]. */
struct lc_batch {
	struct vec in, out;
	uint32_t row[WB_VEC_SIZE];
	uint32_t at[WB_VEC_SIZE];
	int m;
};

/* Cast the batch and store the results into the output lists. */
static int
lc_flush(struct fn_call *call, fn_kernel k, struct lc_batch *B, wb_list *res, struct vec *out)
{
	if (B->m == 0)
		return 0;
	wb_type te = type_list_elem(out->type);
	size_t tsz = type_size(te);
	B->in.n = B->m;
	vec_reset(&B->out);
	B->out.n = B->m;
	if (B->in.nulls)
		memcpy(vec_nulls_writable(&B->out), B->in.nulls, (size_t)B->m);
	struct vec *a[1] = {&B->in};
	if (k(call, a, 1, B->m, &B->out) < 0)
		return -1;
	for (int j = 0; j < B->m; j++) {
		wb_list *l = &res[B->row[j]];
		char *dst = (char *)l->data + (size_t)B->at[j] * tsz;
		if (te == WB_TYPE_NULL || vec_is_null(&B->out, j)) {
			((uint8_t *)l->nulls)[B->at[j]] = 1;
			memset(dst, 0, tsz);
			if (te == WB_TYPE_VARCHAR)
				*(wb_str *)dst = wb_str_c("");
			continue;
		}
		if (te == WB_TYPE_VARCHAR) {
			wb_str s = vec_str(&B->out)[j];
			*(wb_str *)dst = vec_str_copy(out, s.p, s.n);
		} else {
			memcpy(dst, (const char *)B->out.data + (size_t)j * tsz, tsz);
		}
	}
	B->m = 0;
	vec_reset(&B->in);
	return 0;
}

static int
list_to_list(struct fn_call *call, const struct vec *in, int n, struct vec *out, bool try_cast)
{
	if (in->nulls && out->nulls == NULL)
		memcpy(vec_nulls_writable(out), in->nulls, (size_t)n);
	wb_type fe = type_list_elem(in->type), te = type_list_elem(out->type);
	fn_kernel k = cast_kernel(fe, te, try_cast);
	size_t fsz = type_size(fe);
	wb_list *res = vec_list(out);
	const wb_list *src = vec_list(in);
	struct lc_batch *B = xmalloc(sizeof *B);
	int rc = 0;
	vec_init(&B->in, fe);
	vec_init(&B->out, te);
	vec_reset(&B->in);
	B->m = 0;
	/* the output lists first (flags allocated, cleared at the end when
	 * no element is NULL), then the elements in batches */
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i)) {
			res[i] = list_empty();
			continue;
		}
		void *data;
		uint8_t *nulls;
		res[i] = vec_list_alloc(out, te, src[i].n, true, &data, &nulls);
	}
	for (int i = 0; i < n && rc == 0; i++) {
		if (fn_skip(out, i))
			continue;
		wb_list l = src[i];
		for (uint32_t e = 0; e < l.n; e++) {
			if (B->m == WB_VEC_SIZE && (rc = lc_flush(call, k, B, res, out)) < 0)
				break;
			int j = B->m++;
			B->row[j] = (uint32_t)i;
			B->at[j] = e;
			if (fe == WB_TYPE_NULL || list_is_null_at(l, e)) {
				vec_nulls_writable(&B->in)[j] = 1;
				memset((char *)B->in.data + (size_t)j * fsz, 0, fsz);
				if (fe == WB_TYPE_VARCHAR)
					vec_str(&B->in)[j] = wb_str_c("");
			} else {
				if (B->in.nulls)
					B->in.nulls[j] = 0;
				memcpy((char *)B->in.data + (size_t)j * fsz, list_at(l, fe, e), fsz);
			}
		}
	}
	if (rc == 0)
		rc = lc_flush(call, k, B, res, out);
	for (int i = 0; i < n && rc == 0; i++) {
		if (fn_skip(out, i))
			continue;
		bool any = false;
		for (uint32_t e = 0; e < res[i].n && !any; e++)
			any = res[i].nulls[e] != 0;
		if (!any)
			res[i].nulls = NULL;
	}
	vec_free(&B->in);
	vec_free(&B->out);
	free(B);
	return rc;
}

static int
list_to_list_x(struct fn_call *c, struct vec **a, int na, int n, struct vec *o)
{
	(void)na;
	return list_to_list(c, a[0], n, o, false);
}

static int
list_to_list_t(struct fn_call *c, struct vec **a, int na, int n, struct vec *o)
{
	(void)na;
	return list_to_list(c, a[0], n, o, true);
}

fn_kernel
cast_list_kernel(wb_type from, wb_type to, bool try_cast)
{
	if (type_is_list(from) && to == WB_TYPE_VARCHAR)
		return list_to_str;
	if (type_is_list(from) && type_is_list(to) &&
	    cast_kernel(type_list_elem(from), type_list_elem(to), try_cast) != NULL)
		return try_cast ? list_to_list_t : list_to_list_x;
	return NULL;
}
