/*
 * join_bench: timings of hand-built hash join plans (not part of make check).
 *
 *   make bench/join_bench && bench/join_bench [PROBE_ROWS [BUILD_ROWS [REPS]]]
 *   JOIN_BENCH_ONLY=INNER bench/join_bench ...     (one case)
 *
 * The probe side is an in-memory table of events (product_id, price,
 * event_type) whose product ids all occur in the build side, a per-product
 * dimension (product_id, n, avg_price) as a GROUP BY product_id would give.
 * Each plan runs on the thread pool (WB_THREADS) into a consumer that
 * counts rows and sums price * avg_price, so every output column is read;
 * the best of REPS runs is printed, split into build (join_prepare) and
 * probe time. Compare with bench/join_duckdb.mjs.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/pool.h"
#include "core/xmalloc.h"
#include "exec/exec.h"
#include "func/func.h"
#include "store/memtable.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static struct memtable *
make_events(int64_t n, int64_t nprod)
{
	static const wb_str types[3] = {{"view", 4}, {"cart", 4}, {"purchase", 8}};
	wb_type t[3] = {WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_VARCHAR};
	struct mt_builder *b = mt_builder_new(3, t);
	struct chunk c;
	chunk_init(&c, 3, t);
	for (int64_t from = 0, seq = 0; from < n; from += WB_VEC_SIZE, seq++) {
		int k = n - from < WB_VEC_SIZE ? (int)(n - from) : WB_VEC_SIZE;
		chunk_reset(&c);
		for (int i = 0; i < k; i++) {
			/* skewed: half the events on the first tenth of the products */
			int64_t p = rnd() % 2 ? (int64_t)(rnd() % (uint64_t)(nprod / 10 + 1)) : (int64_t)(rnd() % (uint64_t)nprod);
			vec_i64(&c.cols[0])[i] = 1000000 + p * 7;
			vec_f64(&c.cols[1])[i] = (double)(rnd() % 100000) / 100;
			vec_str(&c.cols[2])[i] = types[rnd() % 16 == 0 ? 2 : rnd() % 4 == 0];
		}
		c.n = c.cols[0].n = c.cols[1].n = c.cols[2].n = k;
		c.seq = SOURCE_SEQ(seq / 60, seq % 60);
		mt_builder_append(b, &c);
	}
	chunk_free(&c);
	int nrg;
	struct mt_rowgroup **rgs = mt_builder_finish(b, &nrg);
	mt_builder_free(b);
	struct memtable *mt = memtable_new(3, t);
	memtable_add(mt, rgs, nrg);
	free(rgs);
	return mt;
}

static struct memtable *
make_dim(int64_t nprod)
{
	wb_type t[3] = {WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_DOUBLE};
	struct mt_builder *b = mt_builder_new(3, t);
	struct chunk c;
	chunk_init(&c, 3, t);
	for (int64_t from = 0; from < nprod; from += WB_VEC_SIZE) {
		int k = nprod - from < WB_VEC_SIZE ? (int)(nprod - from) : WB_VEC_SIZE;
		chunk_reset(&c);
		for (int i = 0; i < k; i++) {
			/* in hash order, as an aggregate would emit them */
			int64_t p = (from + i) * 40503 % nprod;
			vec_i64(&c.cols[0])[i] = 1000000 + p * 7;
			vec_i64(&c.cols[1])[i] = (int64_t)(rnd() % 1000);
			vec_f64(&c.cols[2])[i] = (double)(rnd() % 10000) / 100;
		}
		c.n = c.cols[0].n = c.cols[1].n = c.cols[2].n = k;
		c.seq = 0;
		mt_builder_append(b, &c);
	}
	chunk_free(&c);
	int nrg;
	struct mt_rowgroup **rgs = mt_builder_finish(b, &nrg);
	mt_builder_free(b);
	struct memtable *mt = memtable_new(3, t);
	memtable_add(mt, rgs, nrg);
	free(rgs);
	return mt;
}

static struct pnode *
scan_node(struct arena *a, struct memtable *mt, char **names)
{
	struct wb_error err = WB_ERROR_INIT;
	struct pnode *n = pnode_new(a, PN_SCAN, NULL, mt->ncol);
	for (int c = 0; c < mt->ncol; c++)
		pnode_set_col(a, n, c, names[c], mt->types[c]);
	n->u.scan.src = memtable_scan(mt, names, &err);
	n->u.scan.label = "t";
	n->u.scan.nproj = mt->ncol;
	n->u.scan.proj = arena_zalloc(a, sizeof(int) * (size_t)mt->ncol);
	for (int c = 0; c < mt->ncol; c++)
		n->u.scan.proj[c] = c;
	return n;
}

struct acc {
	int64_t rows[64];
	double sum[64];
	char pad[64];
};

static int
consume(void *arg, int worker, struct chunk *c, struct wb_error *err)
{
	struct acc *A = arg;
	(void)err;
	A->rows[worker] += c->n;
	if (c->ncol < 6 || c->cols[5].type != WB_TYPE_DOUBLE)
		return 0;
	const struct vec *price = &c->cols[1], *avg = &c->cols[5];
	if (price->kind == VEC_CONST)   /* RIGHT's unmatched rows: NULL probe side */
		return 0;
	double s = 0;
	for (int i = 0; i < c->n; i++)
		s += vec_f64(price)[i] * vec_f64(avg)[avg->kind == VEC_CONST ? 0 : i];
	A->sum[worker] += s;
	return 0;
}

static struct bexpr *
call(struct arena *a, const char *fn, struct bexpr *x, struct bexpr *y)
{
	const struct scalar_fn *f = fn_lookup(fn);
	wb_type at[2] = {x->type, y->type}, cast[2], ret;
	struct wb_error err = WB_ERROR_INIT;
	const struct fn_sig *sig = fn_resolve(f, at, NULL, 2, cast, &ret, &err);
	struct bexpr *e = bexpr_new(a, BX_FUNC, ret, 0, 2);
	e->u.func.fn = f;
	e->u.func.sig = sig;
	e->args[0] = x;
	e->args[1] = y;
	return e;
}

/* nested loop: the key equality as a residual (every pair evaluated) */
static bool nested;

static void
run(const char *label, enum pn_join_type type, struct memtable *ev, struct memtable *dim, int reps)
{
	static char *en[3] = {"product_id", "price", "event_type"}, *dn[3] = {"product_id", "n", "avg_price"};
	const char *only = getenv("JOIN_BENCH_ONLY");   /* one case by label */
	if (only && strcmp(only, label) != 0)
		return;
	double best_b = 1e9, best_p = 1e9;
	int64_t rows = 0;
	double sum = 0;
	for (int r = 0; r < reps; r++) {
		struct arena *a = arena_new(0);
		struct pnode *p = scan_node(a, ev, en), *b = scan_node(a, dim, dn);
		bool semi = type == PJ_SEMI || type == PJ_ANTI;
		struct pnode *j = pnode_new(a, nested ? PN_NL_JOIN : PN_HASH_JOIN, p, semi ? 3 : 6);
		for (int c = 0; c < 3; c++) {
			pnode_set_col(a, j, c, en[c], ev->types[c]);
			if (!semi)
				pnode_set_col(a, j, 3 + c, dn[c], dim->types[c]);
		}
		j->u.join.type = type;
		j->u.join.right = b;
		j->u.join.nkeys = 1;
		j->u.join.lkeys = arena_zalloc(a, sizeof(struct bexpr *));
		j->u.join.rkeys = arena_zalloc(a, sizeof(struct bexpr *));
		j->u.join.null_eq = arena_zalloc(a, sizeof(bool));
		j->u.join.lkeys[0] = bexpr_column(a, 0, WB_TYPE_BIGINT);
		j->u.join.rkeys[0] = bexpr_column(a, 0, WB_TYPE_BIGINT);
		if (nested) {
			j->u.join.nkeys = 0;
			j->u.join.residual = call(a, "=", bexpr_column(a, 0, WB_TYPE_BIGINT), bexpr_column(a, 3, WB_TYPE_BIGINT));
		}
		struct exec_ctx ctx;
		exec_ctx_init(&ctx);
		struct acc A;
		memset(&A, 0, sizeof A);
		long long t0 = exec_now_ns();
		int rc = exec_prepare(j, &ctx);
		long long t1 = exec_now_ns();
		if (rc == 0)
			rc = exec_parallel(j, &ctx, consume, &A, NULL);
		long long t2 = exec_now_ns();
		if (rc < 0) {
			fprintf(stderr, "join_bench: %s\n", ctx.err.msg ? ctx.err.msg : "failed");
			exit(1);
		}
		exec_cleanup(j);
		exec_ctx_fini(&ctx);
		arena_free(a);
		rows = 0;
		sum = 0;
		for (int w = 0; w < 64; w++) {
			rows += A.rows[w];
			sum += A.sum[w];
		}
		if ((t2 - t0) / 1e9 < best_b + best_p) {
			best_b = (t1 - t0) / 1e9;
			best_p = (t2 - t1) / 1e9;
		}
	}
	printf("%-8s %10lld x %7lld  build %7.3f s  probe %7.3f s  total %7.3f s  -> %lld rows (sum %.6g)\n", label,
	    (long long)ev->nrows, (long long)dim->nrows, best_b, best_p, best_b + best_p, (long long)rows, sum);
}

int
main(int argc, char **argv)
{
	int64_t np = argc > 1 ? atoll(argv[1]) : 10000000;
	int64_t nb = argc > 2 ? atoll(argv[2]) : 100000;
	int reps = argc > 3 ? atoi(argv[3]) : 5;
	printf("threads: %d\n", pool_size());
	struct memtable *ev = make_events(np, nb), *dim = make_dim(nb);
	run("INNER", PJ_INNER, ev, dim, reps);
	run("LEFT", PJ_LEFT, ev, dim, reps);
	run("RIGHT", PJ_RIGHT, ev, dim, reps);
	run("SEMI", PJ_SEMI, ev, dim, reps);
	/* a build side as large as the probe side (unique keys) */
	struct memtable *big = make_dim(np);
	run("BIG-BUILD", PJ_INNER, ev, big, reps > 3 ? 3 : reps);
	memtable_free(big);
	/* nested loop over every pair: 20000 x 20000 */
	struct memtable *ne = make_events(20000, 20000), *nd = make_dim(20000);
	nested = true;
	run("NL-INNER", PJ_INNER, ne, nd, reps > 3 ? 3 : reps);
	run("NL-LEFT", PJ_LEFT, ne, nd, reps > 3 ? 3 : reps);
	nested = false;
	memtable_free(ne);
	memtable_free(nd);
	memtable_free(ev);
	memtable_free(dim);
	pool_shutdown();
	return 0;
}
