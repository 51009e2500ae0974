#include "core/rowset.h"
#include "core/list.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct rowset *
rowset_new(int ncol, char *const *names, const wb_type *types)
{
	struct rowset *rs = xcalloc(1, sizeof *rs);
	rs->ncol = ncol;
	rs->names = xcalloc((size_t)(ncol ? ncol : 1), sizeof(char *));
	rs->types = xcalloc((size_t)(ncol ? ncol : 1), sizeof(wb_type));
	for (int i = 0; i < ncol; i++) {
		rs->names[i] = xstrdup(names && names[i] ? names[i] : "");
		rs->types[i] = types[i];
	}
	arena_init(&rs->heap, 256 * 1024);
	return rs;
}

void
rowset_free(struct rowset *rs)
{
	if (rs == NULL)
		return;
	for (int i = 0; i < rs->ncol; i++)
		free(rs->names[i]);
	free(rs->names);
	free(rs->types);
	for (int i = 0; i < rs->nchunks; i++)
		chunk_free(&rs->chunks[i]);
	free(rs->chunks);
	arena_release(&rs->heap);
	free(rs);
}

static struct chunk *
rowset_tail(struct rowset *rs)
{
	if (rs->nchunks == 0 || rs->chunks[rs->nchunks - 1].n == WB_VEC_SIZE) {
		rs->chunks = xgrow(rs->chunks, &rs->cap, (size_t)rs->nchunks + 1, sizeof(struct chunk));
		struct chunk *c = &rs->chunks[rs->nchunks++];
		chunk_init(c, rs->ncol, rs->types);
		chunk_reset(c);
	}
	return &rs->chunks[rs->nchunks - 1];
}

void
rowset_append(struct rowset *rs, const struct chunk *c, int from, int n)
{
	if (n < 0)
		n = c->n - from;
	while (n > 0) {
		struct chunk *t = rowset_tail(rs);
		int room = WB_VEC_SIZE - t->n;
		int k = n < room ? n : room;
		for (int col = 0; col < rs->ncol; col++) {
			const struct vec *src = &c->cols[col];
			struct vec *dst = &t->cols[col];
			size_t sz = type_size(dst->type);
			for (int i = 0; i < k; i++) {
				int r = from + i, w = t->n + i;
				if (vec_is_null(src, r)) {
					vec_nulls_writable(dst)[w] = 1;
					memset((char *)dst->data + (size_t)w * sz, 0, sz);
					continue;
				}
				if (dst->nulls)
					dst->nulls[w] = 0;
				if (dst->type == WB_TYPE_VARCHAR) {
					wb_str s = vec_str_at(src, r);
					char *p = arena_alloc(&rs->heap, s.n);
					if (s.n)
						memcpy(p, s.p, s.n);
					wb_str d = {p, s.n};
					vec_str(dst)[w] = d;
				} else if (type_is_list(dst->type)) {
					wb_list l = vec_list(src)[src->kind == VEC_CONST ? 0 : r];
					vec_list(dst)[w] = list_copy(&rs->heap, l, type_list_elem(dst->type));
				} else {
					int sr = src->kind == VEC_CONST ? 0 : r;
					memcpy((char *)dst->data + (size_t)w * sz, (const char *)src->data + (size_t)sr * sz, sz);
				}
			}
			dst->n = t->n + k;
		}
		t->n += k;
		rs->nrows += k;
		from += k;
		n -= k;
	}
}

void
rowset_get(const struct rowset *rs, int64_t row, int col, struct wb_value *out)
{
	const struct chunk *c = &rs->chunks[row / WB_VEC_SIZE];
	vec_get(&c->cols[col], (int)(row % WB_VEC_SIZE), out);
}

static int
rs_begin(struct wb_sink *s, int ncol, char *const *names, const wb_type *types, struct wb_error *err)
{
	struct rowset_sink *r = (struct rowset_sink *)s;
	rowset_free(r->rs);
	r->rs = rowset_new(ncol, names, types);
	r->rows = 0;
	return 0;
}

static int
rs_chunk(struct wb_sink *s, const struct chunk *c, struct wb_error *err)
{
	struct rowset_sink *r = (struct rowset_sink *)s;
	if (r->max <= 0) {
		rowset_append(r->rs, c, 0, -1);
	} else if (r->rs->nrows < r->max) {
		int64_t room = r->max - r->rs->nrows;
		rowset_append(r->rs, c, 0, c->n < room ? c->n : (int)room);
	}
	r->rows += c->n;
	return 0;
}

void
rowset_sink_init(struct rowset_sink *s)
{
	memset(s, 0, sizeof *s);
	s->base.begin = rs_begin;
	s->base.chunk = rs_chunk;
}

/* ------------------------------------------------------------ builder */

void
rsb_init(struct rowset_builder *r, int ncol, const char *const *names, const wb_type *types)
{
	r->rs = rowset_new(ncol, (char *const *)names, types);
	chunk_init(&r->c, ncol, types);
	chunk_reset(&r->c);
}

void
rsb_str(struct rowset_builder *r, int col, const char *s)
{
	struct vec *v = &r->c.cols[col];
	if (s == NULL)
		vec_set_null(v, r->c.n);
	else
		vec_str(v)[r->c.n] = vec_str_copy(v, s, strlen(s));
}

void
rsb_int(struct rowset_builder *r, int col, int64_t x)
{
	struct vec *v = &r->c.cols[col];
	if (x == INT64_MIN)
		vec_set_null(v, r->c.n);
	else
		vec_i64(v)[r->c.n] = x;
}

void
rsb_value(struct rowset_builder *r, int col, const struct wb_value *x)
{
	struct vec *v = &r->c.cols[col];
	if (x->is_null) {
		vec_set_null(v, r->c.n);
		return;
	}
	switch (x->type) {
	case WB_TYPE_VARCHAR:
		vec_str(v)[r->c.n] = vec_str_copy(v, x->u.s.p, x->u.s.n);
		break;
	case WB_TYPE_DOUBLE:
		vec_f64(v)[r->c.n] = x->u.d;
		break;
	case WB_TYPE_BOOL:
		vec_bool(v)[r->c.n] = x->u.b;
		break;
	default:
		vec_i64(v)[r->c.n] = x->u.i;
		break;
	}
}

void
rsb_bool(struct rowset_builder *r, int col, int b)
{
	struct vec *v = &r->c.cols[col];
	if (b < 0)
		vec_set_null(v, r->c.n);
	else
		vec_bool(v)[r->c.n] = (uint8_t)(b != 0);
}

static void
rsb_flush(struct rowset_builder *r)
{
	if (r->c.n == 0)
		return;
	for (int i = 0; i < r->c.ncol; i++)
		r->c.cols[i].n = r->c.n;
	rowset_append(r->rs, &r->c, 0, r->c.n);
	chunk_reset(&r->c);
}

void
rsb_end_row(struct rowset_builder *r)
{
	if (++r->c.n == WB_VEC_SIZE)
		rsb_flush(r);
}

void
rsb_free(struct rowset_builder *r)
{
	chunk_free(&r->c);
	rowset_free(r->rs);
	r->rs = NULL;
}

void
rsb_double(struct rowset_builder *r, int col, double x)
{
	vec_f64(&r->c.cols[col])[r->c.n] = x;
}

void
rsb_null(struct rowset_builder *r, int col)
{
	vec_set_null(&r->c.cols[col], r->c.n);
}

struct rowset *
rsb_finish(struct rowset_builder *r)
{
	rsb_flush(r);
	struct rowset *rs = r->rs;
	r->rs = NULL;
	rsb_free(r);
	return rs;
}
