/*
 * string_agg(s [, sep]) (listagg) and group_concat(s [, sep]): the
 * non-NULL strings of a group joined by a constant separator (Spark's
 * default separator is "", MySQL's group_concat's ","). NULL when the
 * group has no non-NULL string.
 *
 * Order: the strings are joined in input order, made deterministic across
 * threads the way first()/last() are (see agg_pick.c): every piece keeps
 * the order key (ctx->seq) of its chunk, partial states are concatenated by
 * combine(), and finalize() stably sorts the pieces by key when they are
 * not already in order. So string_agg over a stored table or a sorted
 * subquery follows its order; without order keys (seq 0) the order is
 * that of arrival per thread, as in Spark, where it is not defined either.
 * (WITHIN GROUP (ORDER BY ...) is not supported: sort in a subquery.)
 *
 * Memory: the bytes of a group go to blocks in the heap that double in
 * size and never move (pieces point at them); pieces are 24 bytes each.
 */
#include "func/agg_impl.h"

#include <string.h>

struct sa_piece {
	const char *p;
	uint64_t seq;
	uint32_t n;
};

struct sa_state {
	struct sa_piece *pc;   /* cap pieces in the heap */
	char *blk;             /* current byte block */
	uint64_t total;        /* bytes in all pieces */
	uint32_t n, cap;
	uint32_t used, size;   /* of blk */
	uint8_t unsorted;      /* a piece's key is below its predecessor's */
};

static void
sa_reserve(const struct agg_ctx *ctx, struct sa_state *s, uint32_t need)
{
	if (need <= s->cap)
		return;
	uint32_t c = s->cap ? s->cap * 2 : 2;
	while (c < need)
		c *= 2;
	struct sa_piece *pc = arena_alloc(ctx->heap, sizeof *pc * c);
	if (s->n)
		memcpy(pc, s->pc, sizeof *pc * s->n);
	s->pc = pc;
	s->cap = c;
}

static int
sa_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	const wb_str *v = vec_str(args[0]);
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct sa_state *s = STATE(struct sa_state, i);
		if (s->n == s->cap)
			sa_reserve(ctx, s, s->n + 1);
		uint32_t len = v[i].n;
		if (s->size - s->used < len) {
			/* blocks double up to 1 MiB: small groups stay small, big
			 * ones do not waste half of a huge block */
			uint32_t size = s->size < 16 ? 32 : s->size < (1u << 20) ? s->size * 2 : s->size;
			if (size < len)
				size = len;
			s->blk = arena_alloc(ctx->heap, size);
			s->size = size;
			s->used = 0;
		}
		char *p = s->blk + s->used;
		if (len)
			memcpy(p, v[i].p, len);
		s->used += len;
		if (s->n && s->pc[s->n - 1].seq > ctx->seq)
			s->unsorted = 1;
		s->pc[s->n++] = (struct sa_piece){p, ctx->seq, len};
		s->total += len;
	}
	return 0;
}

static void
sa_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct sa_state *d = (struct sa_state *)dst;
	const struct sa_state *s = (const struct sa_state *)src;
	if (s->n == 0)
		return;
	if (d->n == 0) {
		/* src's pieces and bytes, read-only: marked full, so that the
		 * next addition copies the pieces and starts a new block */
		*d = *s;
		d->cap = d->n;
		d->size = d->used;
		return;
	}
	sa_reserve(ctx, d, d->n + s->n);
	if (s->unsorted || d->pc[d->n - 1].seq > s->pc[0].seq)
		d->unsorted = 1;
	memcpy(d->pc + d->n, s->pc, sizeof *s->pc * s->n);
	d->n += s->n;
	d->total += s->total;
}

/* Stable natural merge sort of pieces by key: the pieces are runs in
 * order (one per thread's stretch of morsels), so merging neighbouring
 * runs takes O(n log runs). */
static void
sa_sort(struct arena *heap, struct sa_piece *pc, uint32_t n)
{
	struct sa_piece *tmp = arena_alloc(heap, sizeof *tmp * n), *a = pc, *b = tmp;
	for (;;) {
		uint32_t runs = 0;
		for (uint32_t lo = 0; lo < n;) {
			uint32_t mid = lo + 1;
			while (mid < n && a[mid - 1].seq <= a[mid].seq)
				mid++;
			uint32_t hi = mid < n ? mid + 1 : n;
			while (hi < n && a[hi - 1].seq <= a[hi].seq)
				hi++;
			uint32_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				b[k++] = a[j].seq < a[i].seq ? a[j++] : a[i++];
			while (i < mid)
				b[k++] = a[i++];
			while (j < hi)
				b[k++] = a[j++];
			runs++;
			lo = hi;
		}
		struct sa_piece *t = a;
		a = b;
		b = t;
		if (runs <= 1)
			break;
	}
	if (a != pc)
		memcpy(pc, a, sizeof *pc * n);
}

static int
sa_finalize_sep(const struct agg_ctx *ctx, const char *state, struct vec *out, int row, const char *dflt)
{
	const struct sa_state *s = (const struct sa_state *)state;
	if (s->n == 0) {
		vec_set_null(out, row);
		return 0;
	}
	const char *sep = ctx->sparam ? ctx->sparam : dflt;
	size_t seplen = strlen(sep);
	uint64_t len = s->total + (uint64_t)seplen * (s->n - 1);
	if (len > UINT32_MAX) {
		err_set(ctx->err, ctx->pos, "string_agg: the result would be %llu bytes, more than a string can hold (4 GiB)",
		    (unsigned long long)len);
		err_hint(ctx->err, "aggregate fewer rows per group");
		return -1;
	}
	if (s->n == 1) {
		/* the piece's bytes live as long as the result: no copy */
		vec_str(out)[row] = (wb_str){s->pc[0].p, s->pc[0].n};
		return 0;
	}
	if (s->unsorted)
		sa_sort(ctx->heap, s->pc, s->n);
	char *buf = arena_alloc(ctx->heap, len ? len : 1), *p = buf;
	for (uint32_t k = 0; k < s->n; k++) {
		if (k && seplen) {
			memcpy(p, sep, seplen);
			p += seplen;
		}
		if (s->pc[k].n)
			memcpy(p, s->pc[k].p, s->pc[k].n);
		p += s->pc[k].n;
	}
	vec_str(out)[row] = (wb_str){buf, (uint32_t)len};
	return 0;
}

static int
sa_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	return sa_finalize_sep(ctx, state, out, row, "");
}

static int
gc_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	return sa_finalize_sep(ctx, state, out, row, ",");
}

#define SEP_RULE "the separator must be a constant string"

const struct agg_sig agg_string_agg_sigs[2] = {
	{WB_TYPE_VARCHAR, 1, {WB_TYPE_VARCHAR}, sizeof(struct sa_state), AGG_ORDER_SENSITIVE, NULL, sa_update, sa_combine,
	    sa_finalize, NULL},
	{WB_TYPE_VARCHAR, 2, {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR}, sizeof(struct sa_state),
	    AGG_ORDER_SENSITIVE | AGG_SPARAM_ARG, NULL, sa_update, sa_combine, sa_finalize, NULL, SEP_RULE},
};

const struct agg_sig agg_group_concat_sigs[2] = {
	{WB_TYPE_VARCHAR, 1, {WB_TYPE_VARCHAR}, sizeof(struct sa_state), AGG_ORDER_SENSITIVE, NULL, sa_update, sa_combine,
	    gc_finalize, NULL},
	{WB_TYPE_VARCHAR, 2, {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR}, sizeof(struct sa_state),
	    AGG_ORDER_SENSITIVE | AGG_SPARAM_ARG, NULL, sa_update, sa_combine, gc_finalize, NULL, SEP_RULE},
};
