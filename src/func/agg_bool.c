/*
 * Boolean aggregates: bool_and (every), bool_or (some), count_if.
 * NULLs are ignored; bool_and/bool_or of no value are NULL, count_if of no
 * row is 0 (Spark; DuckDB returns NULL there).
 */
#include "func/agg_impl.h"

struct bool_state {
	uint8_t set, v;
};

static int
bool_and_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	const uint8_t *v = vec_bool(args[0]);
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct bool_state *s = STATE(struct bool_state, i);
		s->v = s->set ? (s->v & v[i]) : v[i];
		s->set = 1;
	}
	return 0;
}

static int
bool_or_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	const uint8_t *v = vec_bool(args[0]);
	for (int i = 0; i < n; i++) {
		if (SKIP(i))
			continue;
		struct bool_state *s = STATE(struct bool_state, i);
		s->v |= v[i];
		s->set = 1;
	}
	return 0;
}

static void
bool_and_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct bool_state *d = (struct bool_state *)dst;
	const struct bool_state *s = (const struct bool_state *)src;
	if (!s->set)
		return;
	d->v = d->set ? (d->v & s->v) : s->v;
	d->set = 1;
}

static void
bool_or_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct bool_state *d = (struct bool_state *)dst;
	const struct bool_state *s = (const struct bool_state *)src;
	d->v |= s->v;
	d->set |= s->set;
}

static int
bool_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	const struct bool_state *s = (const struct bool_state *)state;
	if (!s->set)
		vec_set_null(out, row);
	else
		vec_bool(out)[row] = s->v;
	return 0;
}

const struct agg_sig agg_bool_and_sigs[1] = {
	{WB_TYPE_BOOL, 1, {WB_TYPE_BOOL}, sizeof(struct bool_state), 0, NULL, bool_and_update, bool_and_combine,
	    bool_finalize, NULL},
};

const struct agg_sig agg_bool_or_sigs[1] = {
	{WB_TYPE_BOOL, 1, {WB_TYPE_BOOL}, sizeof(struct bool_state), 0, NULL, bool_or_update, bool_or_combine,
	    bool_finalize, NULL},
};

static int
count_if_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids,
    struct vec **args, int n, const uint8_t *skip)
{
	const uint8_t *v = vec_bool(args[0]);
	for (int i = 0; i < n; i++)
		if (!SKIP(i))
			*STATE(int64_t, i) += v[i] != 0;
	return 0;
}

static void
count_if_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	*(int64_t *)dst += *(const int64_t *)src;
}

static int
count_if_finalize(const struct agg_ctx *ctx, const char *state, struct vec *out, int row)
{
	vec_i64(out)[row] = *(const int64_t *)state;
	return 0;
}

const struct agg_sig agg_count_if_sigs[1] = {
	{WB_TYPE_BIGINT, 1, {WB_TYPE_BOOL}, sizeof(int64_t), 0, NULL, count_if_update, count_if_combine,
	    count_if_finalize, NULL},
};
