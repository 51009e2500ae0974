/*
 * Aggregates that pick one row's value: first (first_value), last
 * (last_value), any_value, max_by (arg_max), min_by (arg_min), and min/max
 * of lists. Values of every type; strings and lists are copied into the
 * aggregation's heap.
 *
 * Input order. first/last follow Spark: the result is the value of the
 * first/last row the aggregate sees. wb makes that deterministic where the
 * input has an order: each state remembers the order key (ctx->seq, the
 * chunk's morsel/chunk number) of the row it kept, and combine() keeps the
 * smaller (first) or larger (last) key, so partial states merged in any
 * order across threads give the first/last row of the scan order (table
 * order for a stored table, the ORDER BY of a sorted subquery). Inputs
 * whose operators do not carry order keys give some row, as in Spark.
 * max_by/min_by break ties on the key the same way: the first row wins.
 *
 * Strings: a row that replaces the kept value is first only referenced
 * (the chunk stays valid during update()); once the whole chunk is folded,
 * the states that changed copy their string, reusing their previous buffer
 * when it is big enough. So last(s) over a million rows copies at most one
 * string per group per chunk, in place. Lists the same way (agg_list_own).
 *
 * combine() may leave dst pointing at src's buffers (read-only: the window
 * operator's segment trees combine one state into many results); it sets
 * dst's capacities to 0 so that dst's next copy gets a buffer of its own.
 */
#include "func/agg_impl.h"

#include <string.h>

/* ---- first / last / any_value ---- */

/* want_last: replace on an equal or later key; else only on an earlier one
 * (rows of one call share ctx->seq and come in order, so first keeps the
 * first row of the chunk and last the last). */
static int
pick_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids, const struct vec *v,
    int n, const uint8_t *skip, bool want_last, bool ignore_nulls)
{
	bool pending = false;
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		bool isnull = v->nulls && v->nulls[i];
		if (isnull && ignore_nulls)
			continue;
		struct pick_state *s = STATE(struct pick_state, i);
		if (s->set && (want_last ? ctx->seq < s->seq : ctx->seq >= s->seq))
			continue;
		s->set = 1;
		s->seq = ctx->seq;
		s->null = isnull;
		s->pending = 0;
		if (!isnull) {
			s->v = agg_val_load(v, i);
			if (v->type == WB_TYPE_VARCHAR || type_is_list(v->type))
				s->pending = pending = true;
		}
	}
	if (!pending)
		return 0;
	for (int i = 0; i < n; i++) {
		struct pick_state *s = STATE(struct pick_state, i);
		if (s->pending) {
			if (v->type == WB_TYPE_VARCHAR)
				agg_str_own(ctx, &s->v.s, &s->buf, &s->cap);
			else
				agg_list_own(ctx, v->type, &s->v.l, &s->buf, &s->cap);
			s->pending = 0;
		}
	}
	return 0;
}

static int
first_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	return pick_update(ctx, states, stride, gids, args[0], n, skip, false, ctx->param != 0);
}

static int
last_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	return pick_update(ctx, states, stride, gids, args[0], n, skip, true, ctx->param != 0);
}

static int
any_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	return pick_update(ctx, states, stride, gids, args[0], n, skip, false, true);
}

static void
first_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct pick_state *d = (struct pick_state *)dst;
	const struct pick_state *s = (const struct pick_state *)src;
	if (s->set && (!d->set || s->seq < d->seq)) {
		*d = *s;   /* src's buffer, read-only */
		d->cap = 0;
	}
}

static void
last_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct pick_state *d = (struct pick_state *)dst;
	const struct pick_state *s = (const struct pick_state *)src;
	if (s->set && (!d->set || s->seq >= d->seq)) {
		*d = *s;
		d->cap = 0;
	}
}

static int
pick_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct pick_state *s = (const struct pick_state *)state;
	if (!s->set || s->null)
		vec_set_null(out, row);
	else
		agg_val_store(out, row, s->v);
	return 0;
}

#define PS sizeof(struct pick_state)
#define PICK_FLAGS (AGG_SEES_NULLS | AGG_ORDER_SENSITIVE)
#define IGNORE_RULE "ignore_nulls must be a constant BOOLEAN"

const struct agg_sig agg_first_sigs[2] = {
	{WB_TYPE_NULL, 1, {WB_TYPE_NULL}, PS, PICK_FLAGS | AGG_NULLS_PARAM, NULL, first_update, first_combine, pick_finalize,
	    NULL},
	{WB_TYPE_NULL, 2, {WB_TYPE_NULL, WB_TYPE_BOOL}, PS, PICK_FLAGS | AGG_PARAM_ARG, NULL, first_update, first_combine,
	    pick_finalize, NULL, IGNORE_RULE},
};

const struct agg_sig agg_last_sigs[2] = {
	{WB_TYPE_NULL, 1, {WB_TYPE_NULL}, PS, PICK_FLAGS | AGG_NULLS_PARAM, NULL, last_update, last_combine, pick_finalize,
	    NULL},
	{WB_TYPE_NULL, 2, {WB_TYPE_NULL, WB_TYPE_BOOL}, PS, PICK_FLAGS | AGG_PARAM_ARG, NULL, last_update, last_combine,
	    pick_finalize, NULL, IGNORE_RULE},
};

/* any_value skips NULLs (as DuckDB; Spark's any_value(x) may return NULL
 * when a NULL row comes first), and is first() otherwise. */
const struct agg_sig agg_any_value_sigs[1] = {
	{WB_TYPE_NULL, 1, {WB_TYPE_NULL}, PS, 0, NULL, any_update, first_combine, pick_finalize, NULL},
};

/* ---- max_by / min_by ---- */

struct by_state {
	union agg_val x, y;
	uint64_t seq;
	const char *xbuf, *ybuf;
	uint32_t xcap, ycap;
	uint8_t set, xnull, pending;
	uint8_t ytype;       /* combine() compares keys without the vectors */
};

/*
 * max_by(x, y) (want = 1) / min_by (want = -1): x at the row with the
 * largest / smallest y. Rows with a NULL y are skipped; a NULL x at the
 * winning row gives NULL (Spark; DuckDB's arg_max skips NULL x instead).
 * Ties keep the first row in input order.
 */
static int
by_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids, struct vec **args, int n,
    const uint8_t *skip, int want)
{
	const struct vec *x = args[0], *y = args[1];
	wb_type yt = y->type;
	bool xown = x->type == WB_TYPE_VARCHAR || type_is_list(x->type);
	bool yown = yt == WB_TYPE_VARCHAR || type_is_list(yt);
	bool strings = xown || yown, pending = false;
	for (int i = 0; i < n; i++) {
		if (SKIP(i) || (y->nulls && y->nulls[i]))
			continue;
		struct by_state *s = STATE(struct by_state, i);
		union agg_val yv = agg_val_load(y, i);
		if (s->set) {
			int c = agg_val_cmp(yt, yv, s->y) * want;
			if (c < 0 || (c == 0 && ctx->seq >= s->seq))
				continue;
		}
		s->set = 1;
		s->ytype = (uint8_t)yt;
		s->seq = ctx->seq;
		s->y = yv;
		s->xnull = x->nulls && x->nulls[i];
		if (!s->xnull)
			s->x = agg_val_load(x, i);
		if (strings)
			s->pending = pending = true;
	}
	if (!pending)
		return 0;
	for (int i = 0; i < n; i++) {
		struct by_state *s = STATE(struct by_state, i);
		if (!s->pending)
			continue;
		if (x->type == WB_TYPE_VARCHAR && !s->xnull)
			agg_str_own(ctx, &s->x.s, &s->xbuf, &s->xcap);
		else if (type_is_list(x->type) && !s->xnull)
			agg_list_own(ctx, x->type, &s->x.l, &s->xbuf, &s->xcap);
		if (yt == WB_TYPE_VARCHAR)
			agg_str_own(ctx, &s->y.s, &s->ybuf, &s->ycap);
		else if (type_is_list(yt))
			agg_list_own(ctx, yt, &s->y.l, &s->ybuf, &s->ycap);
		s->pending = 0;
	}
	return 0;
}

static int
max_by_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	return by_update(ctx, states, stride, gids, args, n, skip, 1);
}

static int
min_by_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	return by_update(ctx, states, stride, gids, args, n, skip, -1);
}

static void
by_combine(char *dst, const char *src, int want)
{
	struct by_state *d = (struct by_state *)dst;
	const struct by_state *s = (const struct by_state *)src;
	if (!s->set)
		return;
	if (d->set) {
		int c = agg_val_cmp((wb_type)s->ytype, s->y, d->y) * want;
		if (c < 0 || (c == 0 && s->seq >= d->seq))
			return;
	}
	*d = *s;   /* src's buffers, read-only */
	d->xcap = d->ycap = 0;
}

static void
max_by_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	by_combine(dst, src, 1);
}

static void
min_by_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	by_combine(dst, src, -1);
}

static int
by_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct by_state *s = (const struct by_state *)state;
	if (!s->set || s->xnull)
		vec_set_null(out, row);
	else
		agg_val_store(out, row, s->x);
	return 0;
}

const struct agg_sig agg_max_by_sigs[1] = {
	{WB_TYPE_NULL, 2, {WB_TYPE_NULL, WB_TYPE_NULL}, sizeof(struct by_state), AGG_SEES_NULLS, NULL, max_by_update,
	    max_by_combine, by_finalize, NULL},
};

const struct agg_sig agg_min_by_sigs[1] = {
	{WB_TYPE_NULL, 2, {WB_TYPE_NULL, WB_TYPE_NULL}, sizeof(struct by_state), AGG_SEES_NULLS, NULL, min_by_update,
	    min_by_combine, by_finalize, NULL},
};

/* ---- min / max of lists (list_cmp order) ---- */

static int
mm_list_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids, const struct vec *v,
    int n, const uint8_t *skip, int want)
{
	wb_type et = type_list_elem(v->type);
	const wb_list *l = vec_list(v);
	bool pending = false;
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct pick_state *s = STATE(struct pick_state, i);
		if (s->set && list_cmp(l[i], *s->v.l, et) * want <= 0)
			continue;
		s->set = 1;
		s->v.l = &l[i];
		s->pending = pending = true;
	}
	for (int i = 0; pending && i < n; i++) {
		struct pick_state *s = STATE(struct pick_state, i);
		if (s->pending) {
			agg_list_own(ctx, v->type, &s->v.l, &s->buf, &s->cap);
			s->pending = 0;
		}
	}
	return 0;
}

int
agg_min_list_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	return mm_list_update(ctx, states, stride, gids, args[0], n, skip, -1);
}

int
agg_max_list_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	return mm_list_update(ctx, states, stride, gids, args[0], n, skip, 1);
}

/* combine() is not told the type: one pair per element type. */
#define MM_LIST_COMBINE(ET) \
void \
agg_min_list_combine_##ET(const struct agg_ctx *ctx, char *dst, const char *src) \
{ \
	struct pick_state *d = (struct pick_state *)dst; \
	const struct pick_state *s = (const struct pick_state *)src; \
	if (s->set && (!d->set || list_cmp(*s->v.l, *d->v.l, WB_TYPE_##ET) < 0)) { \
		*d = *s; \
		d->cap = 0; \
	} \
} \
void \
agg_max_list_combine_##ET(const struct agg_ctx *ctx, char *dst, const char *src) \
{ \
	struct pick_state *d = (struct pick_state *)dst; \
	const struct pick_state *s = (const struct pick_state *)src; \
	if (s->set && (!d->set || list_cmp(*s->v.l, *d->v.l, WB_TYPE_##ET) > 0)) { \
		*d = *s; \
		d->cap = 0; \
	} \
}
AGG_LIST_ELEMS(MM_LIST_COMBINE)

int
agg_mm_list_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	return pick_finalize(ctx, state, out, row);
}
