/* Unit tests for the aggregate table (func/agg.h), driving aggregates the
 * way op_agg.c does: vectors of rows with group ids and a skip mask,
 * per-worker partial states in their own heaps, states copied with memcpy
 * (spilling), combine() into a fresh state in any order, finalize().
 *
 * The main property: splitting the input over workers and combining the
 * partial states in any order gives the result of one sequential pass,
 * exactly for order statistics, order-sensitive and sketch aggregates,
 * and to rounding for the moment-based ones. */
#include "tests/tap.h"

#include "core/arena.h"
#include "core/types.h"
#include "core/vector.h"
#include "func/agg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NROWS 20000
#define MAXGROUPS 6007

/* 7 big groups, or 6007 groups of about three rows (the inline and
 * smallest-buffer paths of the states) */
static int ngroups = 7;
#define NWORKERS 3
#define CHUNK WB_VEC_SIZE
#define NCHUNKS ((NROWS + CHUNK - 1) / CHUNK)

static uint64_t rng = 88172645463325252ull;

static uint64_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Input columns: i (BIGINT, some NULLs), d (DOUBLE), s (VARCHAR, some
 * NULLs), b (BOOLEAN). */
static int64_t col_i[NROWS];
static uint8_t null_i[NROWS], null_s[NROWS];
static double col_d[NROWS];
static wb_str col_s[NROWS];
static uint8_t col_b[NROWS];
static struct arena strings;

static void
make_input(void)
{
	arena_init(&strings, 1 << 16);
	for (int r = 0; r < NROWS; r++) {
		col_i[r] = (int64_t)(next_rand() % 1000);
		null_i[r] = r % 13 == 5;
		col_d[r] = 1e6 + (double)(next_rand() % 100000) / 7.0;
		char buf[32];
		int n = snprintf(buf, sizeof buf, "v%llu", (unsigned long long)(next_rand() % 300));
		col_s[r] = (wb_str){arena_strndup(&strings, buf, (size_t)n), (uint32_t)n};
		null_s[r] = r % 17 == 3;
		col_b[r] = next_rand() % 3 != 0;
	}
}

enum col { C_I, C_D, C_S, C_B, C_ID /* i as DOUBLE */ };

/* Fill v (FLAT, type of the column) with rows [off, off + n). */
static void
load_col(struct vec *v, enum col c, int off, int n)
{
	wb_type t = c == C_I ? WB_TYPE_BIGINT : c == C_S ? WB_TYPE_VARCHAR : c == C_B ? WB_TYPE_BOOL : WB_TYPE_DOUBLE;
	if (v->type != t)
		vec_retype(v, t);
	vec_reset(v);
	for (int k = 0; k < n; k++) {
		int r = off + k;
		switch (c) {
		case C_I: vec_i64(v)[k] = col_i[r]; break;
		case C_D: vec_f64(v)[k] = col_d[r]; break;
		case C_ID: vec_f64(v)[k] = (double)col_i[r]; break;
		case C_S: vec_str(v)[k] = col_s[r]; break;
		case C_B: vec_bool(v)[k] = col_b[r]; break;
		}
		if ((c == C_I || c == C_ID) && null_i[r])
			vec_set_null(v, k);
		if (c == C_S && null_s[r])
			vec_set_null(v, k);
	}
	v->n = n;
}

struct acase {
	const char *name;
	int nargs;                 /* as written, parameters included */
	enum col cols[2];          /* the columns passed to update() */
	int ncols;
	wb_type types[AGG_MAXARGS];
	double param;
	const char *sparam;
	bool exact;                /* combining is exact (else 1e-9 relative) */
};

static const struct acase cases[] = {
	{"median", 1, {C_D}, 1, {WB_TYPE_DOUBLE}, 0, NULL, true},
	{"median", 1, {C_I}, 1, {WB_TYPE_BIGINT}, 0, NULL, true},
	{"percentile_cont", 2, {C_D}, 1, {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE}, 0.37, NULL, true},
	{"percentile_cont", 2, {C_D}, 1, {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE}, 0.37, "desc", true},
	{"percentile_disc", 2, {C_I}, 1, {WB_TYPE_BIGINT, WB_TYPE_DOUBLE}, 0.9, NULL, true},
	{"percentile_disc", 2, {C_D}, 1, {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE}, 0.0, NULL, true},
	{"mode", 1, {C_S}, 1, {WB_TYPE_VARCHAR}, 0, NULL, true},
	{"mode", 1, {C_I}, 1, {WB_TYPE_BIGINT}, 0, NULL, true},
	{"approx_count_distinct", 1, {C_I}, 1, {WB_TYPE_BIGINT}, 0, NULL, true},
	{"approx_count_distinct", 1, {C_S}, 1, {WB_TYPE_VARCHAR}, 0, NULL, true},
	{"approx_count_distinct", 2, {C_D}, 1, {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE}, 0.2, NULL, true},
	{"first", 1, {C_S}, 1, {WB_TYPE_VARCHAR}, 0, NULL, true},
	{"last", 1, {C_S}, 1, {WB_TYPE_VARCHAR}, 0, NULL, true},
	{"first", 2, {C_I}, 1, {WB_TYPE_BIGINT, WB_TYPE_BOOL}, 1, NULL, true},
	{"last", 2, {C_I}, 1, {WB_TYPE_BIGINT, WB_TYPE_BOOL}, 1, NULL, true},
	{"any_value", 1, {C_S}, 1, {WB_TYPE_VARCHAR}, 0, NULL, true},
	{"max_by", 2, {C_S, C_I}, 2, {WB_TYPE_VARCHAR, WB_TYPE_BIGINT}, 0, NULL, true},
	{"min_by", 2, {C_I, C_S}, 2, {WB_TYPE_BIGINT, WB_TYPE_VARCHAR}, 0, NULL, true},
	{"max_by", 2, {C_D, C_B}, 2, {WB_TYPE_DOUBLE, WB_TYPE_BOOL}, 0, NULL, true},
	{"string_agg", 2, {C_S}, 1, {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR}, 0, ",", true},
	{"bool_and", 1, {C_B}, 1, {WB_TYPE_BOOL}, 0, NULL, true},
	{"bool_or", 1, {C_B}, 1, {WB_TYPE_BOOL}, 0, NULL, true},
	{"count_if", 1, {C_B}, 1, {WB_TYPE_BOOL}, 0, NULL, true},
	{"corr", 2, {C_D, C_ID}, 2, {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE}, 0, NULL, false},
	{"covar_samp", 2, {C_D, C_ID}, 2, {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE}, 0, NULL, false},
	{"regr_slope", 2, {C_D, C_ID}, 2, {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE}, 0, NULL, false},
	{"regr_intercept", 2, {C_D, C_ID}, 2, {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE}, 0, NULL, false},
	{"regr_count", 2, {C_D, C_ID}, 2, {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE}, 0, NULL, true},
	{"skewness", 1, {C_D}, 1, {WB_TYPE_DOUBLE}, 0, NULL, false},
	{"kurtosis", 1, {C_D}, 1, {WB_TYPE_DOUBLE}, 0, NULL, false},
	{"kurtosis_pop", 1, {C_ID}, 1, {WB_TYPE_DOUBLE}, 0, NULL, false},
};

/* One table of states: ngroups states of sig in their own heap. */
struct part {
	char *states;
	size_t stride;
	struct arena heap;
	struct agg_ctx ctx;
};

static void
part_init(struct part *p, const struct agg_sig *sig, const struct acase *c, struct wb_error *err)
{
	p->stride = (sig->state_size + 15) & ~(size_t)15;
	p->states = calloc(ngroups, p->stride);
	arena_init(&p->heap, 4096);
	p->ctx = (struct agg_ctx){.heap = &p->heap, .err = err, .param = c->param, .sparam = c->sparam};
	if (sig->init)
		for (int g = 0; g < ngroups; g++)
			sig->init(&p->ctx, p->states + g * p->stride);
}

static void
part_free(struct part *p)
{
	free(p->states);
	arena_release(&p->heap);
}

/* Feed chunk ch of the input into p. */
static int
feed_chunk(struct part *p, const struct agg_sig *sig, const struct acase *c, int ch, struct vec *vecs)
{
	int off = ch * CHUNK, n = NROWS - off < CHUNK ? NROWS - off : CHUNK;
	uint32_t gids[CHUNK];
	uint8_t skip[CHUNK];
	struct vec *args[AGG_MAXARGS];
	memset(skip, 0, sizeof skip);
	for (int k = 0; k < n; k++)
		gids[k] = (uint32_t)((off + k) * 31 % ngroups);
	for (int a = 0; a < c->ncols; a++) {
		load_col(&vecs[a], c->cols[a], off, n);
		args[a] = &vecs[a];
		if (!(sig->flags & AGG_SEES_NULLS) && vecs[a].nulls)
			for (int k = 0; k < n; k++)
				skip[k] |= vecs[a].nulls[k];
	}
	p->ctx.seq = (uint64_t)ch << 24;
	return sig->update(&p->ctx, p->states, p->stride, gids, args, n, skip);
}

/* The result of group g (strings point into p's heap). */
static struct wb_value
final_value(struct part *p, const struct agg_sig *sig, int g, struct vec *tmp)
{
	vec_reset(tmp);
	sig->finalize(&p->ctx, p->states + g * p->stride, tmp, 0);
	tmp->n = 1;
	struct wb_value v;
	vec_get(tmp, 0, &v);
	return v;
}

/* Do the groups of a and b finalize to the same values? */
static bool
same_result(struct part *a, struct part *b, const struct agg_sig *sig, wb_type ret, bool exact, char *why,
    size_t whylen)
{
	struct vec va, vb;
	vec_init(&va, ret);
	vec_init(&vb, ret);
	bool eq = true;
	for (int g = 0; g < ngroups && eq; g++) {
		struct wb_value x = final_value(a, sig, g, &va), y = final_value(b, sig, g, &vb);
		eq = x.is_null == y.is_null;
		if (eq && !x.is_null) {
			switch (ret) {
			case WB_TYPE_DOUBLE:
				/* moments of a group of three values near 1e6 are ill
				 * conditioned: any summation order loses ~7 digits */
				eq = exact ? (x.u.d == y.u.d || (isnan(x.u.d) && isnan(y.u.d)))
				    : fabs(x.u.d - y.u.d) <= (ngroups > 100 ? 1e-7 : 1e-9) * fmax(1, fabs(y.u.d));
				break;
			case WB_TYPE_VARCHAR: eq = wb_str_eq(x.u.s, y.u.s); break;
			case WB_TYPE_BOOL: eq = x.u.b == y.u.b; break;
			default: eq = x.u.i == y.u.i; break;
			}
		}
		if (!eq)
			snprintf(why, whylen, "(group %d differs: %.17g %.17g)", g, x.u.d, y.u.d);
	}
	vec_free(&va);
	vec_free(&vb);
	return eq;
}

static void
test_case(const struct acase *c, int round)
{
	struct wb_error err = WB_ERROR_INIT;
	const struct agg_fn *f = agg_lookup(c->name);
	wb_type cast_to[AGG_MAXARGS], ret;
	const struct agg_sig *sig = f ? agg_resolve(f, c->types, c->nargs, cast_to, &ret, &err) : NULL;
	if (!ok(sig != NULL, "%s/%d resolves", c->name, c->nargs))
		return;
	struct vec vecs[2];
	for (int a = 0; a < 2; a++)
		vec_init(&vecs[a], WB_TYPE_BIGINT);

	/* one sequential pass */
	struct part seqp;
	part_init(&seqp, sig, c, &err);
	int rc = 0;
	for (int ch = 0; ch < NCHUNKS; ch++)
		rc |= feed_chunk(&seqp, sig, c, ch, vecs);

	/* workers claim chunks in increasing order, each in its own table */
	struct part w[NWORKERS];
	for (int k = 0; k < NWORKERS; k++)
		part_init(&w[k], sig, c, &err);
	for (int ch = 0; ch < NCHUNKS; ch++)
		rc |= feed_chunk(&w[(int)(next_rand() % NWORKERS)], sig, c, ch, vecs);
	/* spill: states move by memcpy, the worker slots start over */
	char *moved[NWORKERS];
	for (int k = 0; k < NWORKERS; k++) {
		moved[k] = malloc(ngroups * w[k].stride);
		memcpy(moved[k], w[k].states, ngroups * w[k].stride);
		memset(w[k].states, 0, ngroups * w[k].stride);
	}
	/* combine in a random order into a fresh table */
	struct part dst;
	part_init(&dst, sig, c, &err);
	int order[NWORKERS];
	for (int k = 0; k < NWORKERS; k++)
		order[k] = k;
	for (int k = NWORKERS - 1; k > 0; k--) {
		int j = (int)(next_rand() % (uint64_t)(k + 1)), t = order[k];
		order[k] = order[j];
		order[j] = t;
	}
	for (int k = 0; k < NWORKERS; k++)
		for (int g = 0; g < ngroups; g++)
			sig->combine(&dst.ctx, dst.states + g * dst.stride, moved[order[k]] + g * w[order[k]].stride);
	char why[128] = "";
	ok(rc == 0 && same_result(&dst, &seqp, sig, ret, c->exact, why, sizeof why), "%s(%d args%s%s) round %d, %d groups: partial states combine to the sequential result %s",
	    c->name, c->nargs, c->sparam ? ", " : "", c->sparam ? c->sparam : "", round, ngroups, why);

	for (int k = 0; k < NWORKERS; k++) {
		part_free(&w[k]);
		free(moved[k]);
	}
	part_free(&dst);
	part_free(&seqp);
	vec_free(&vecs[0]);
	vec_free(&vecs[1]);
	err_clear(&err);
}

/* ---- direct checks ---- */

/* Run one aggregate over n BIGINT values v[] (one group, one pass). */
static struct wb_value
run_i64(const char *name, int nargs, const wb_type *types, double param, const int64_t *v, int n, struct arena *heap)
{
	struct wb_error err = WB_ERROR_INIT;
	const struct agg_fn *f = agg_lookup(name);
	wb_type cast_to[AGG_MAXARGS], ret;
	const struct agg_sig *sig = agg_resolve(f, types, nargs, cast_to, &ret, &err);
	char *state = calloc(1, (sig->state_size + 15) & ~(size_t)15);
	struct agg_ctx ctx = {.heap = heap, .err = &err, .param = param};
	if (sig->init)
		sig->init(&ctx, state);
	struct vec x;
	vec_init(&x, cast_to[0]);
	uint32_t gids[CHUNK] = {0};
	for (int off = 0; off < n; off += CHUNK) {
		int m = n - off < CHUNK ? n - off : CHUNK;
		vec_reset(&x);
		for (int k = 0; k < m; k++) {
			if (cast_to[0] == WB_TYPE_DOUBLE)
				vec_f64(&x)[k] = (double)v[off + k];
			else
				vec_i64(&x)[k] = v[off + k];
		}
		x.n = m;
		struct vec *args[1] = {&x};
		ctx.seq = (uint64_t)off;
		sig->update(&ctx, state, 0, gids, args, m, NULL);
	}
	struct vec out;
	vec_init(&out, ret);
	vec_reset(&out);
	sig->finalize(&ctx, state, &out, 0);
	out.n = 1;
	struct wb_value r;
	vec_get(&out, 0, &r);
	if (r.type == WB_TYPE_VARCHAR)
		r.u.s.p = arena_strndup(heap, r.u.s.p, r.u.s.n);
	vec_free(&out);
	vec_free(&x);
	free(state);
	return r;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Quickselect against sorting, on inputs that defeat naive pivots. */
static void
test_select(struct arena *heap)
{
	enum { n = 30001 };
	static int64_t v[n], sorted[n];
	const wb_type t1[] = {WB_TYPE_BIGINT, WB_TYPE_DOUBLE};
	const char *shapes[] = {"ascending", "descending", "constant", "organ pipe", "few values", "random"};
	for (int shape = 0; shape < 6; shape++) {
		for (int k = 0; k < n; k++) {
			switch (shape) {
			case 0: v[k] = k; break;
			case 1: v[k] = n - k; break;
			case 2: v[k] = 42; break;
			case 3: v[k] = k < n / 2 ? k : n - k; break;
			case 4: v[k] = (int64_t)(next_rand() % 3); break;
			default: v[k] = (int64_t)(next_rand() % 1000000); break;
			}
		}
		memcpy(sorted, v, sizeof v);
		qsort(sorted, n, sizeof *sorted, cmp_i64);
		const double qs[] = {0, 0.1, 0.5, 0.77, 1};
		bool good = true;
		for (int qi = 0; qi < 5 && good; qi++) {
			struct wb_value r = run_i64("percentile_disc", 2, t1, qs[qi], v, n, heap);
			int64_t idx = (int64_t)ceil(qs[qi] * n) - 1;
			if (idx < 0)
				idx = 0;
			good = r.u.i == sorted[idx];
			struct wb_value c = run_i64("percentile_cont", 2, (const wb_type[]){WB_TYPE_DOUBLE, WB_TYPE_DOUBLE}, qs[qi], v, n, heap);
			double pos = qs[qi] * (n - 1);
			int64_t lo = (int64_t)floor(pos);
			double want = lo + 1 < n ? (double)sorted[lo] + ((double)sorted[lo + 1] - (double)sorted[lo]) * (pos - (double)lo)
			    : (double)sorted[lo];
			good = good && fabs(c.u.d - want) <= 1e-9 * fmax(1, fabs(want));
		}
		ok(good, "percentiles of %d %s values match sorting", n, shapes[shape]);
	}
}

/* HyperLogLog: exact while small, within 3 standard errors when large. */
static void
test_hll(struct arena *heap)
{
	static int64_t v[1000000];
	const wb_type t1[] = {WB_TYPE_BIGINT}, t2[] = {WB_TYPE_BIGINT, WB_TYPE_DOUBLE};
	for (int k = 0; k < 1000000; k++)
		v[k] = (int64_t)k * 2654435761 + 17;
	const int sizes[] = {1, 10, 256, 257, 1000, 100000, 1000000};
	for (int i = 0; i < 7; i++) {
		struct wb_value r = run_i64("approx_count_distinct", 1, t1, 0, v, sizes[i], heap);
		double err = fabs((double)r.u.i / sizes[i] - 1);
		if (sizes[i] <= 256)
			is_int(r.u.i, sizes[i], "approx_count_distinct of %d values is exact", sizes[i]);
		else
			ok(err < 3 * 1.04 / 64, "approx_count_distinct of %d values: %lld (error %.4f < 3 x 1.6%%)", sizes[i],
			    (long long)r.u.i, err);
	}
	/* duplicates do not count */
	for (int k = 0; k < 500000; k++)
		v[k] = k % 1234;
	struct wb_value r = run_i64("approx_count_distinct", 1, t1, 0, v, 500000, heap);
	ok(fabs((double)r.u.i / 1234 - 1) < 0.05, "1234 distinct among 500000 values: %lld", (long long)r.u.i);
	/* rsd picks the precision: 0.01 gives 2^14 registers (0.8%) */
	for (int k = 0; k < 1000000; k++)
		v[k] = (int64_t)k * 7919;
	r = run_i64("approx_count_distinct", 2, t2, 0.01, v, 1000000, heap);
	ok(fabs((double)r.u.i / 1e6 - 1) < 3 * 0.0082, "rsd 0.01 on 1e6 values: %lld", (long long)r.u.i);
	r = run_i64("approx_count_distinct", 2, t2, 0.39, v, 1000000, heap);
	ok(fabs((double)r.u.i / 1e6 - 1) < 3 * 0.26, "rsd 0.39 (16 registers) on 1e6 values: %lld", (long long)r.u.i);
}

static void
test_table(void)
{
	bool sorted = true, found = true, documented = true;
	for (int i = 0; i < agg_count(); i++) {
		const struct agg_fn *f = agg_at(i);
		if (i > 0 && strcasecmp(agg_at(i - 1)->name, f->name) >= 0) {
			sorted = false;
			diag("%s is not after %s", f->name, agg_at(i - 1)->name);
		}
		if (agg_lookup(f->name) != f)
			found = false;
		if (!f->usage || !f->doc || !f->example || !f->example_result)
			documented = false;
		for (int s = 0; s < f->nsigs; s++)
			if ((f->sigs[s].flags & (AGG_PARAM_ARG | AGG_SPARAM_ARG)) && f->sigs[s].param_rule == NULL) {
				documented = false;
				diag("%s: a parameter signature without param_rule", f->name);
			}
	}
	ok(sorted, "the aggregate table is sorted by name");
	ok(found, "agg_lookup finds every aggregate");
	ok(documented, "every aggregate has usage, doc, example and result");
	ok(agg_lookup("no_such_aggregate") == NULL, "unknown names are not found");
}

int
main(void)
{
	struct arena heap;
	arena_init(&heap, 1 << 20);
	make_input();
	test_table();
	for (int round = 0; round < 4; round++) {
		ngroups = round < 2 ? 7 : MAXGROUPS;
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
			test_case(&cases[i], round);
	}
	test_select(&heap);
	test_hll(&heap);
	arena_release(&heap);
	arena_release(&strings);
	return done_testing();
}
