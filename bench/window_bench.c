/*
 * window_bench: timings of hand-built PN_WINDOW plans over the benchmark's
 * events CSV, loaded once into an in-memory table (as bench/duckdb_bench.mjs
 * loads it into DuckDB). Each query runs REPS times; the output is pulled
 * through a sink that counts rows. "narrow" plans scan only the columns the
 * window needs, "wide" plans carry all nine.
 *
 *   make && gcc -O2 -I src -I . -D_GNU_SOURCE -pthread bench/window_bench.c \
 *       $(make -s -f Makefile -f - wb-libs <<<'wb-libs: ; @echo $(WB_LIBS)') \
 *       -o /tmp/window_bench
 *   /tmp/window_bench bench/out/events_1000000.csv [REPS]
 *
 * The DuckDB side of the same queries: bench/window_bench.mjs. Both print
 * every run; compare the best of REPS, from runs made back to back on an
 * otherwise idle machine.
 */
#include "core/pool.h"
#include "exec/exec.h"
#include "exec/plan.h"
#include "func/agg.h"
#include "func/func.h"
#include "func/tablefn.h"
#include "store/memtable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EVENT_TIME, EVENT_TYPE, PRODUCT_ID, CATEGORY_ID, CATEGORY_CODE, BRAND, PRICE, USER_ID, USER_SESSION, NCOL };

static struct arena *A;
static struct table *events;
static char **names;
static wb_type *types;

struct count_sink {
	struct wb_sink base;
	int64_t rows;
};

static int
count_chunk(struct wb_sink *s, const struct chunk *c, struct wb_error *err)
{
	((struct count_sink *)s)->rows += c->n;
	return 0;
}

/* A scan of the events table producing columns cols[0..n). */
static struct pnode *
scan(const int *cols, int n)
{
	struct pnode *p = pnode_new(A, PN_SCAN, NULL, n);
	p->u.scan.proj = arena_zalloc(A, sizeof(int) * (size_t)n);
	for (int i = 0; i < n; i++) {
		pnode_set_col(A, p, i, names[cols[i]], types[cols[i]]);
		p->u.scan.proj[i] = cols[i];
	}
	p->u.scan.nproj = n;
	p->u.scan.table = events;
	p->u.scan.label = "events";
	p->est_rows = (double)memtable_of(events)->nrows;
	table_ref(events);
	return p;
}

static int
col_of(const struct pnode *child, int c)
{
	for (int i = 0; i < child->ncol; i++)
		if (child->u.scan.proj[i] == c)
			return i;
	abort();
}

static struct bexpr *
colx(const struct pnode *child, int c)
{
	return bexpr_column(A, col_of(child, c), types[c]);
}

struct query {
	const char *name;
	int part;                 /* column or -1 */
	int order;                /* column */
	bool desc;
	int kind;                 /* 0 row_number, 1 lag, 2 running count, 3 running count of views, 4 moving avg, 5 rank */
	bool wide;
};

static struct pnode *
plan(const struct query *q)
{
	int cols[NCOL], n = 0;
	if (q->wide) {
		for (int i = 0; i < NCOL; i++)
			cols[n++] = i;
	} else {
		if (q->part >= 0)
			cols[n++] = q->part;
		cols[n++] = q->order;
		if (q->kind == 3)
			cols[n++] = EVENT_TYPE;
		if (q->kind == 4)
			cols[n++] = PRICE;
	}
	struct pnode *child = scan(cols, n);
	struct pnode *w = pnode_new(A, PN_WINDOW, child, n + 1);
	for (int i = 0; i < n; i++)
		pnode_set_col(A, w, i, child->names[i], child->types[i]);
	struct pn_winfn *f = arena_zalloc(A, sizeof *f);
	f->args = arena_zalloc(A, sizeof(struct bexpr *) * 3);
	f->frame.unit = PF_RANGE;
	f->frame.start = PB_UNBOUNDED_PRECEDING;
	f->frame.end = PB_CURRENT_ROW;
	f->ret = WB_TYPE_BIGINT;
	struct wb_error err = WB_ERROR_INIT;
	switch (q->kind) {
	case 0:
		f->kind = PW_ROW_NUMBER;
		break;
	case 1:
		f->kind = PW_LAG;
		f->nargs = 1;
		f->args[0] = colx(child, EVENT_TIME);
		f->ret = WB_TYPE_TIMESTAMP;
		break;
	case 2:
	case 3: {
		f->kind = PW_AGG;
		f->agg = agg_lookup("count");
		wb_type at = WB_TYPE_NULL, cast, ret;
		if (q->kind == 3) {
			/* count(CASE WHEN event_type = 'view' THEN 1 END): FILTER as the binder would spell it */
			const struct scalar_fn *eq = fn_lookup("=");
			wb_type et[2] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR}, ec[2], er;
			struct bexpr *cmp = bexpr_new(A, BX_FUNC, WB_TYPE_BOOL, 0, 2);
			cmp->u.func.fn = eq;
			cmp->u.func.sig = fn_resolve(eq, et, NULL, 2, ec, &er, &err);
			cmp->args[0] = colx(child, EVENT_TYPE);
			struct wb_value vv = {.type = WB_TYPE_VARCHAR, .u.s = wb_str_c("view")};
			cmp->args[1] = bexpr_const(A, &vv, 0);
			struct bexpr *cs = bexpr_new(A, BX_CASE, WB_TYPE_BIGINT, 0, 2);
			struct wb_value one = {.type = WB_TYPE_BIGINT, .u.i = 1};
			cs->args[0] = cmp;
			cs->args[1] = bexpr_const(A, &one, 0);
			f->nargs = 1;
			f->args[0] = cs;
			at = WB_TYPE_BIGINT;
		} else {
			f->frame.unit = PF_ROWS;
		}
		f->sig = agg_resolve(f->agg, &at, f->nargs, &cast, &ret, &err);
		break;
	}
	case 4: {
		f->kind = PW_AGG;
		f->agg = agg_lookup("avg");
		wb_type at = WB_TYPE_DOUBLE, cast;
		f->nargs = 1;
		f->args[0] = colx(child, PRICE);
		f->sig = agg_resolve(f->agg, &at, 1, &cast, &f->ret, &err);
		f->frame.unit = PF_ROWS;
		f->frame.start = PB_PRECEDING;
		f->frame.start_ioff = 5;
		break;
	}
	case 5:
		f->kind = PW_RANK;
		break;
	}
	pnode_set_col(A, w, n, "f", f->ret);
	w->u.window.nfuncs = 1;
	w->u.window.funcs = f;
	if (q->part >= 0) {
		w->u.window.npartition = 1;
		w->u.window.partition = arena_zalloc(A, sizeof(struct bexpr *));
		w->u.window.partition[0] = colx(child, q->part);
	}
	w->u.window.norder = 1;
	w->u.window.order = arena_zalloc(A, sizeof(struct pn_sortkey));
	w->u.window.order[0] = (struct pn_sortkey){colx(child, q->order), q->desc, !q->desc};
	return w;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: window_bench EVENTS.csv [REPS]\n");
		return 2;
	}
	int reps = argc > 2 ? atoi(argv[2]) : 3;
	A = arena_new(0);
	struct wb_error err = WB_ERROR_INIT;
	struct tf_value path = {.kind = TF_SCALAR, .v = {.type = WB_TYPE_VARCHAR, .u.s = wb_str_c(argv[1])}};
	struct tf_args args = {.npos = 1, .pos = &path};
	struct source *src = tablefn_lookup("read_csv")->bind(&args, &err);
	if (src == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	struct pnode *sc = pnode_new(A, PN_SCAN, NULL, src->ncol);
	sc->u.scan.src = src;
	sc->u.scan.nproj = src->ncol;
	sc->u.scan.proj = arena_zalloc(A, sizeof(int) * (size_t)src->ncol);
	for (int i = 0; i < src->ncol; i++) {
		pnode_set_col(A, sc, i, src->names[i], src->types[i]);
		sc->u.scan.proj[i] = i;
	}
	names = sc->names;
	types = sc->types;
	struct exec_ctx ctx;
	exec_ctx_init(&ctx);
	long long t0 = exec_now_ns();
	struct memtable *mt = exec_materialize(sc, &ctx);
	if (mt == NULL) {
		fprintf(stderr, "%s\n", ctx.err.msg);
		return 1;
	}
	sc->u.scan.src = NULL;
	exec_cleanup(sc);
	exec_ctx_fini(&ctx);
	source_free(src);
	events = memtable_table("events", NCOL, names, types, mt);
	printf("load\t%.4f\t%lld rows, %d threads\n", (double)(exec_now_ns() - t0) / 1e9, (long long)mt->nrows, pool_size());
	static const struct query qs[] = {
		{"rn_session_narrow", USER_SESSION, EVENT_TIME, false, 0, false},
		{"rn_session_wide", USER_SESSION, EVENT_TIME, false, 0, true},
		{"lag_user_narrow", USER_ID, EVENT_TIME, false, 1, false},
		{"lag_user_wide", USER_ID, EVENT_TIME, false, 1, true},
		{"runcount_narrow", USER_ID, EVENT_TIME, false, 2, false},
		{"runcount_filter_narrow", USER_ID, EVENT_TIME, false, 3, false},
		{"movavg_narrow", USER_ID, EVENT_TIME, false, 4, false},
		{"rank_noPart", -1, PRICE, false, 5, false},
	};
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		if (argc > 3 && strstr(qs[i].name, argv[3]) == NULL)
			continue;
		for (int r = 0; r < reps; r++) {
			struct pnode *p = plan(&qs[i]);
			exec_ctx_init(&ctx);
			struct count_sink cs = {{NULL, count_chunk, NULL, NULL}, 0};
			t0 = exec_now_ns();
			int rc = exec_run(p, &ctx, &cs.base);
			long long t1 = exec_now_ns();
			exec_cleanup(p);
			long long t2 = exec_now_ns();
			if (rc < 0)
				fprintf(stderr, "%s: %s\n", qs[i].name, ctx.err.msg);
			printf("%s\t%.4f\t(+%.4f cleanup) %lld rows\n", qs[i].name, (double)(t1 - t0) / 1e9, (double)(t2 - t1) / 1e9,
			    (long long)cs.rows);
			exec_ctx_fini(&ctx);
		}
	}
	table_unref(events);
	arena_free(A);
	return 0;
}
