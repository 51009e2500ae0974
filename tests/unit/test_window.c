/*
 * Unit tests for the window operator (src/exec/op_window.c): PN_WINDOW
 * plans built by hand over VALUES, checked against DuckDB 1.5.6's answers
 * for the same queries (tests/sql/window.slt spells them in SQL), against
 * a naive O(n^2) reference on random data, and on a large input run by
 * every worker. WB_TEST_WINDOW_ROWS sets the large case's size (default
 * 1e6; use less under valgrind).
 */
#include "tests/tap.h"

#include "core/datetime.h"
#include "core/hash.h"
#include "core/pool.h"
#include "core/rowset.h"
#include "exec/exec.h"
#include "exec/plan.h"
#include "func/agg.h"
#include "func/func.h"
#include "store/memtable.h"

#include <stdlib.h>
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

static struct arena *A;

/* ------------------------------------------------------------ tables */

#define MAXC 8

struct tbl {
	int ncol;
	wb_type types[MAXC];
	int64_t n;
	struct wb_value *v;   /* n * ncol cells */
};

static struct wb_value *
cell(const struct tbl *t, int64_t r, int c)
{
	return &t->v[r * t->ncol + c];
}

static struct tbl *
tbl_new(int ncol, const wb_type *types, int64_t n)
{
	struct tbl *t = arena_zalloc(A, sizeof *t);
	t->ncol = ncol;
	memcpy(t->types, types, sizeof(wb_type) * (size_t)ncol);
	t->n = n;
	t->v = calloc((size_t)(n ? n : 1) * (size_t)ncol, sizeof *t->v);
	for (int64_t r = 0; r < n; r++)
		for (int c = 0; c < ncol; c++) {
			cell(t, r, c)->type = types[c];
			cell(t, r, c)->is_null = true;
		}
	return t;
}

static void
tbl_free(struct tbl *t)
{
	free(t->v);
}

/*
 * A table from text: schema "I,T,I" (I BIGINT, R DOUBLE, T VARCHAR, D DATE,
 * S TIMESTAMP), rows separated by ';', cells by ','; NULL is NULL.
 */
static struct tbl *
tbl_parse(const char *schema, const char *rows)
{
	wb_type types[MAXC];
	int ncol = 0;
	for (const char *p = schema; *p; p++) {
		switch (*p) {
		case 'I': types[ncol++] = WB_TYPE_BIGINT; break;
		case 'R': types[ncol++] = WB_TYPE_DOUBLE; break;
		case 'T': types[ncol++] = WB_TYPE_VARCHAR; break;
		case 'D': types[ncol++] = WB_TYPE_DATE; break;
		case 'S': types[ncol++] = WB_TYPE_TIMESTAMP; break;
		default: break;
		}
	}
	int64_t n = *rows ? 1 : 0;
	for (const char *p = rows; *p; p++)
		n += *p == ';';
	struct tbl *t = tbl_new(ncol, types, n);
	const char *p = rows;
	for (int64_t r = 0; r < n; r++) {
		for (int c = 0; c < ncol; c++) {
			size_t len = strcspn(p, ",;");
			struct wb_value *v = cell(t, r, c);
			if (!(len == 4 && memcmp(p, "NULL", 4) == 0)) {
				v->is_null = false;
				switch (types[c]) {
				case WB_TYPE_BIGINT: parse_int64(p, len, &v->u.i); break;
				case WB_TYPE_DOUBLE: parse_double(p, len, &v->u.d); break;
				case WB_TYPE_DATE: dt_parse_date(p, len, &v->u.i); break;
				case WB_TYPE_TIMESTAMP: dt_parse_timestamp(p, len, &v->u.i); break;
				default: v->u.s = (wb_str){arena_strndup(A, p, len), (uint32_t)len};
				}
			}
			p += len;
			if (*p)
				p++;
		}
	}
	return t;
}

static void
put_value(struct vec *v, int i, const struct wb_value *x)
{
	if (x->is_null) {
		vec_set_null(v, i);
		return;
	}
	switch (v->type) {
	case WB_TYPE_DOUBLE: vec_f64(v)[i] = x->u.d; break;
	case WB_TYPE_VARCHAR: vec_str(v)[i] = x->u.s; break;
	case WB_TYPE_BOOL: vec_bool(v)[i] = x->u.b; break;
	default: vec_i64(v)[i] = x->u.i;
	}
}

/* A VALUES node over t (its own copy: exec_cleanup frees it). */
static struct pnode *
values_of(const struct tbl *t)
{
	char *names[MAXC];
	char buf[MAXC][8];
	for (int c = 0; c < t->ncol; c++) {
		snprintf(buf[c], sizeof buf[c], "c%d", c);
		names[c] = buf[c];
	}
	struct rowset *rs = rowset_new(t->ncol, names, t->types);
	struct chunk ch;
	chunk_init(&ch, t->ncol, t->types);
	for (int64_t off = 0; off < t->n; off += WB_VEC_SIZE) {
		chunk_reset(&ch);
		int m = t->n - off < WB_VEC_SIZE ? (int)(t->n - off) : WB_VEC_SIZE;
		for (int c = 0; c < t->ncol; c++) {
			for (int i = 0; i < m; i++)
				put_value(&ch.cols[c], i, cell(t, off + i, c));
			ch.cols[c].n = m;
		}
		ch.n = m;
		rowset_append(rs, &ch, 0, m);
	}
	chunk_free(&ch);
	struct pnode *p = pnode_new(A, PN_VALUES, NULL, t->ncol);
	for (int c = 0; c < t->ncol; c++)
		pnode_set_col(A, p, c, names[c], t->types[c]);
	p->u.values.rows = rs;
	p->est_rows = (double)t->n;
	return p;
}

/* ------------------------------------------------------------ plans */

struct wspec {
	int npart;
	struct bexpr *part[4];
	int norder;
	struct pn_sortkey order[4];
	int nf;
	struct pn_winfn f[48];
};

static struct bexpr *
col(const struct tbl *t, int c)
{
	return bexpr_column(A, c, t->types[c]);
}

static struct bexpr *
cint(int64_t x)
{
	struct wb_value v = {.type = WB_TYPE_BIGINT, .u.i = x};
	return bexpr_const(A, &v, 0);
}

static struct bexpr *
cnull(wb_type t)
{
	struct wb_value v = {.type = t, .is_null = true};
	return bexpr_const(A, &v, 0);
}

static struct bexpr *
cstr(const char *s)
{
	struct wb_value v = {.type = WB_TYPE_VARCHAR};
	v.u.s = wb_str_c(arena_strdup(A, s));
	return bexpr_const(A, &v, 0);
}

static void
part_by(struct wspec *s, struct bexpr *e)
{
	s->part[s->npart++] = e;
}

static void
order_by(struct wspec *s, struct bexpr *e, bool desc, bool nulls_first)
{
	s->order[s->norder++] = (struct pn_sortkey){e, desc, nulls_first};
}

static struct pn_frame
fr_default(const struct wspec *s)
{
	struct pn_frame f = {PF_RANGE, PB_UNBOUNDED_PRECEDING, s->norder ? PB_CURRENT_ROW : PB_UNBOUNDED_FOLLOWING, 0, 0,
	    {0}, {0}};
	return f;
}

static struct pn_frame
fr_rows(enum pn_bound b0, int64_t o0, enum pn_bound b1, int64_t o1)
{
	struct pn_frame f = {PF_ROWS, b0, b1, o0, o1, {0}, {0}};
	return f;
}

static struct pn_frame
fr_range(enum pn_bound b0, int64_t o0, enum pn_bound b1, int64_t o1)
{
	struct pn_frame f = {PF_RANGE, b0, b1, 0, 0, {0}, {0}};
	f.start_voff = (struct wb_value){.type = WB_TYPE_BIGINT, .u.i = o0};
	f.end_voff = (struct wb_value){.type = WB_TYPE_BIGINT, .u.i = o1};
	return f;
}

static struct pn_frame
fr_range_d(enum pn_bound b0, double o0, enum pn_bound b1, double o1)
{
	struct pn_frame f = {PF_RANGE, b0, b1, 0, 0, {0}, {0}};
	f.start_voff = (struct wb_value){.type = WB_TYPE_DOUBLE, .u.d = o0};
	f.end_voff = (struct wb_value){.type = WB_TYPE_DOUBLE, .u.d = o1};
	return f;
}

static struct pn_frame
fr_range_iv(enum pn_bound b0, wb_interval o0, enum pn_bound b1, wb_interval o1)
{
	struct pn_frame f = {PF_RANGE, b0, b1, 0, 0, {0}, {0}};
	f.start_voff = (struct wb_value){.type = WB_TYPE_INTERVAL, .u.iv = o0};
	f.end_voff = (struct wb_value){.type = WB_TYPE_INTERVAL, .u.iv = o1};
	return f;
}

static struct pn_winfn *
add_fn(struct wspec *s, enum pn_win_kind k, wb_type ret, int nargs, struct bexpr *a0, struct bexpr *a1, struct bexpr *a2)
{
	struct pn_winfn *f = &s->f[s->nf++];
	memset(f, 0, sizeof *f);
	f->kind = k;
	f->ret = ret;
	f->nargs = nargs;
	f->args = arena_zalloc(A, sizeof *f->args * 3);
	f->args[0] = a0;
	f->args[1] = a1;
	f->args[2] = a2;
	f->frame = fr_default(s);
	f->pos = 7;
	return f;
}

static struct pn_winfn *
add_rank(struct wspec *s, enum pn_win_kind k)
{
	wb_type t = k == PW_PERCENT_RANK || k == PW_CUME_DIST ? WB_TYPE_DOUBLE : WB_TYPE_BIGINT;
	return add_fn(s, k, t, 0, NULL, NULL, NULL);
}

static struct pn_winfn *
add_agg_sig(struct wspec *s, const struct agg_fn *fn, const struct agg_sig *sig, wb_type ret, struct bexpr *arg,
    bool distinct, struct pn_frame fr)
{
	struct pn_winfn *f = add_fn(s, PW_AGG, ret, arg ? 1 : 0, arg, NULL, NULL);
	f->agg = fn;
	f->sig = sig;
	f->distinct = distinct;
	f->frame = fr;
	return f;
}

static struct pn_winfn *
add_agg(struct wspec *s, const char *name, struct bexpr *arg, bool distinct, struct pn_frame fr)
{
	const struct agg_fn *fn = agg_lookup(name);
	wb_type at = arg ? arg->type : WB_TYPE_NULL, cast, ret;
	struct wb_error err = WB_ERROR_INIT;
	const struct agg_sig *sig = agg_resolve(fn, &at, arg ? 1 : 0, &cast, &ret, &err);
	if (sig == NULL) {
		diag("agg_resolve(%s): %s", name, err.msg);
		exit(1);
	}
	return add_agg_sig(s, fn, sig, ret, arg, distinct, fr);
}

static struct pnode *
window_of(struct pnode *child, struct wspec *s)
{
	int base = child->ncol;
	struct pnode *n = pnode_new(A, PN_WINDOW, child, base + s->nf);
	for (int c = 0; c < base; c++)
		pnode_set_col(A, n, c, child->names[c], child->types[c]);
	for (int i = 0; i < s->nf; i++) {
		char nm[16];
		snprintf(nm, sizeof nm, "f%d", i);
		pnode_set_col(A, n, base + i, nm, s->f[i].ret);
	}
	n->u.window.npartition = s->npart;
	n->u.window.partition = arena_zalloc(A, sizeof(struct bexpr *) * 4);
	memcpy(n->u.window.partition, s->part, sizeof(struct bexpr *) * (size_t)s->npart);
	n->u.window.norder = s->norder;
	n->u.window.order = arena_zalloc(A, sizeof(struct pn_sortkey) * 4);
	memcpy(n->u.window.order, s->order, sizeof(struct pn_sortkey) * (size_t)s->norder);
	n->u.window.nfuncs = s->nf;
	n->u.window.funcs = arena_zalloc(A, sizeof(struct pn_winfn) * (size_t)(s->nf ? s->nf : 1));
	memcpy(n->u.window.funcs, s->f, sizeof(struct pn_winfn) * (size_t)s->nf);
	return n;
}

static char *last_error;

/* Run a plan into a rowset (NULL on error, message in last_error). */
static struct rowset *
run_plan(struct pnode *root)
{
	struct exec_ctx ctx;
	exec_ctx_init(&ctx);
	struct rowset_sink sink;
	rowset_sink_init(&sink);
	int rc = exec_run(root, &ctx, &sink.base);
	exec_cleanup(root);
	free(last_error);
	last_error = NULL;
	if (rc < 0) {
		last_error = strdup(ctx.err.msg ? ctx.err.msg : "(no message)");
		rowset_free(sink.rs);
		sink.rs = NULL;
	}
	exec_ctx_fini(&ctx);
	return sink.rs;
}

static struct rowset *
run_window(const struct tbl *t, struct wspec *s)
{
	return run_plan(window_of(values_of(t), s));
}

/* Output row of each id (column 0 holds ids 0..n-1). */
static int64_t *
rows_by_id(const struct rowset *rs, int64_t n)
{
	int64_t *m = malloc(sizeof *m * (size_t)(n ? n : 1));
	for (int64_t i = 0; i < n; i++)
		m[i] = -1;
	for (int64_t r = 0; r < rs->nrows; r++) {
		struct wb_value v;
		rowset_get(rs, r, 0, &v);
		if (!v.is_null && v.u.i >= 0 && v.u.i < n)
			m[v.u.i] = r;
	}
	return m;
}

/* Column col of rs, rows in id order, against comma-separated text. */
static void
expect(const struct rowset *rs, int col, const char *want, const char *name)
{
	if (rs == NULL) {
		ok(0, "%s (query failed: %s)", name, last_error);
		return;
	}
	int64_t n = rs->nrows;
	int64_t *m = rows_by_id(rs, n);
	struct strbuf got = STRBUF_INIT;
	bool good = true;
	const char *p = want;
	for (int64_t i = 0; i < n; i++) {
		struct wb_value v = {0};
		if (m[i] >= 0)
			rowset_get(rs, m[i], col, &v);
		else
			good = false;
		size_t len = strcspn(p, ",");
		char tok[64];
		snprintf(tok, sizeof tok, "%.*s", (int)len, p);
		p += len;
		if (*p)
			p++;
		if (i)
			sb_putc(&got, ',');
		value_format(&v, &got, "NULL");
		if (strcmp(tok, "NULL") == 0 || v.is_null) {
			good &= v.is_null && strcmp(tok, "NULL") == 0;
		} else if (v.type == WB_TYPE_DOUBLE) {
			double w = strtod(tok, NULL);
			good &= fabs(v.u.d - w) <= 1e-12 * (fabs(w) > 1 ? fabs(w) : 1);
		} else {
			struct strbuf one = STRBUF_INIT;
			value_format(&v, &one, "NULL");
			good &= strcmp(sb_str(&one), tok) == 0;
			sb_free(&one);
		}
	}
	good &= *p == 0;
	if (!ok(good, "%s", name)) {
		diag("want %s", want);
		diag("got  %s", sb_str(&got));
	}
	sb_free(&got);
	free(m);
}

static void
expect_error(struct rowset *rs, const char *needle, const char *name)
{
	bool good = rs == NULL && last_error && strstr(last_error, needle);
	if (!ok(good, "%s", name))
		diag("error: %s", last_error ? last_error : "(none)");
	rowset_free(rs);
}

/* ------------------------------------------------------------ a test aggregate */

/* polyhash(x): h = h * K + x over the values in order; combine() keeps the
 * order, so it checks that frames are folded left to right. */
struct poly_state {
	uint64_t h, pw;
	int64_t n;
};
#define POLY_K UINT64_C(1000003)

static void
poly_init(const struct agg_ctx *ctx, char *st)
{
	struct poly_state *s = (struct poly_state *)st;
	s->h = 0;
	s->pw = 1;
	s->n = 0;
}

static int
poly_update(const struct agg_ctx *ctx, char *states, size_t stride, const uint32_t *gids, struct vec **args, int n,
    const uint8_t *skip)
{
	for (int i = 0; i < n; i++) {
		if (skip && skip[i])
			continue;
		struct poly_state *s = (struct poly_state *)(states + gids[i] * stride);
		s->h = s->h * POLY_K + (uint64_t)vec_i64(args[0])[i];
		s->pw *= POLY_K;
		s->n++;
	}
	return 0;
}

static void
poly_combine(const struct agg_ctx *ctx, char *dst, const char *src)
{
	struct poly_state *d = (struct poly_state *)dst;
	const struct poly_state *s = (const struct poly_state *)src;
	d->h = d->h * s->pw + s->h;
	d->pw *= s->pw;
	d->n += s->n;
}

static int
poly_finalize(const struct agg_ctx *ctx, const char *st, struct vec *out, int row)
{
	const struct poly_state *s = (const struct poly_state *)st;
	if (s->n == 0)
		vec_set_null(out, row);
	else
		vec_i64(out)[row] = (int64_t)s->h;
	return 0;
}

static const struct agg_sig poly_sig = {WB_TYPE_BIGINT, 1, {WB_TYPE_BIGINT}, sizeof(struct poly_state),
    AGG_ORDER_SENSITIVE, poly_init, poly_update, poly_combine, poly_finalize, NULL};
static const struct agg_fn poly_fn = {"polyhash", &poly_sig, 1, "polyhash(x)", "test", NULL, NULL};

/* ------------------------------------------------------------ DuckDB cases */

#define W_ROWS "0,a,1,10;1,a,2,NULL;2,a,2,30;3,a,NULL,40;4,b,5,50;5,b,3,60;6,NULL,1,70;7,NULL,NULL,80;8,a,4,NULL"

static void
test_ranking(void)
{
	struct tbl *t = tbl_parse("I,T,I,I", W_ROWS);
	struct wspec s = {0};
	part_by(&s, col(t, 1));
	order_by(&s, col(t, 2), false, false);
	add_rank(&s, PW_RANK);
	add_rank(&s, PW_DENSE_RANK);
	add_agg(&s, "count", NULL, false, fr_default(&s));
	add_rank(&s, PW_PERCENT_RANK);
	add_rank(&s, PW_CUME_DIST);
	struct rowset *rs = run_window(t, &s);
	expect(rs, 4, "1,2,2,5,2,1,1,2,4", "rank: ties share, gaps follow; NULL keys last");
	expect(rs, 5, "1,2,2,4,2,1,1,2,3", "dense_rank");
	expect(rs, 6, "1,3,3,5,2,1,1,2,4", "count(*) default frame includes peers");
	expect(rs, 7, "0,0.25,0.25,1,1,0,0,1,0.75", "percent_rank");
	expect(rs, 8, "0.2,0.6,0.6,1,1,0.5,0.5,1,0.8", "cume_dist");
	rowset_free(rs);

	struct wspec s2 = {0};
	part_by(&s2, col(t, 1));
	order_by(&s2, col(t, 2), true, true);
	add_rank(&s2, PW_RANK);
	add_rank(&s2, PW_DENSE_RANK);
	add_agg(&s2, "count", NULL, false, fr_default(&s2));
	add_rank(&s2, PW_PERCENT_RANK);
	add_rank(&s2, PW_CUME_DIST);
	rs = run_window(t, &s2);
	expect(rs, 4, "5,3,3,1,1,2,2,1,2", "rank DESC NULLS FIRST");
	expect(rs, 5, "4,3,3,1,1,2,2,1,2", "dense_rank DESC NULLS FIRST");
	expect(rs, 6, "5,4,4,1,1,2,2,1,2", "count(*) DESC NULLS FIRST");
	expect(rs, 7, "1,0.5,0.5,0,0,1,1,0,0.25", "percent_rank DESC NULLS FIRST");
	expect(rs, 8, "1,0.8,0.8,0.2,0.5,1,1,0.5,0.4", "cume_dist DESC NULLS FIRST");
	rowset_free(rs);

	struct wspec s3 = {0};
	part_by(&s3, col(t, 1));
	order_by(&s3, col(t, 2), false, true);
	order_by(&s3, col(t, 0), false, true);
	add_rank(&s3, PW_ROW_NUMBER);
	add_agg(&s3, "sum", col(t, 3), false, fr_default(&s3));
	add_agg(&s3, "count", col(t, 3), false, fr_default(&s3));
	add_agg(&s3, "max", col(t, 3), false, fr_rows(PB_UNBOUNDED_PRECEDING, 0, PB_UNBOUNDED_FOLLOWING, 0));
	rs = run_window(t, &s3);
	expect(rs, 4, "2,3,4,1,2,1,2,1,5", "row_number over two keys");
	expect(rs, 5, "50,50,80,40,110,60,150,80,80", "running sum");
	expect(rs, 6, "2,2,3,1,2,1,2,1,3", "running count(x)");
	expect(rs, 7, "40,40,40,40,60,60,80,80,40", "max over the whole partition");
	rowset_free(rs);

	/* no PARTITION BY, no ORDER BY */
	struct wspec s4 = {0};
	add_agg(&s4, "count", NULL, false, fr_default(&s4));
	add_agg(&s4, "sum", col(t, 3), false, fr_default(&s4));
	add_rank(&s4, PW_RANK);
	add_rank(&s4, PW_CUME_DIST);
	rs = run_window(t, &s4);
	expect(rs, 4, "9,9,9,9,9,9,9,9,9", "count(*) OVER ()");
	expect(rs, 5, "340,340,340,340,340,340,340,340,340", "sum(x) OVER ()");
	expect(rs, 6, "1,1,1,1,1,1,1,1,1", "rank() OVER (): all peers");
	expect(rs, 7, "1,1,1,1,1,1,1,1,1", "cume_dist() OVER ()");
	rowset_free(rs);
	tbl_free(t);
}

static void
test_offsets(void)
{
	struct tbl *t = tbl_parse("I,T,I,I", W_ROWS);
	struct wspec s = {0};
	part_by(&s, col(t, 1));
	order_by(&s, col(t, 2), true, true);
	order_by(&s, col(t, 0), false, true);
	add_fn(&s, PW_LAG, WB_TYPE_BIGINT, 1, col(t, 3), NULL, NULL);
	add_fn(&s, PW_LEAD, WB_TYPE_BIGINT, 3, col(t, 3), cint(2), cint(-1));
	add_fn(&s, PW_LAG, WB_TYPE_BIGINT, 2, col(t, 3), cint(-1), NULL);
	/* the default is evaluated per row: id * 100 stands in as column 4 */
	add_fn(&s, PW_LAG, WB_TYPE_BIGINT, 3, col(t, 3), cint(2), col(t, 0));
	add_fn(&s, PW_LAG, WB_TYPE_BIGINT, 2, col(t, 3), cnull(WB_TYPE_BIGINT), NULL);
	add_fn(&s, PW_LAG, WB_TYPE_BIGINT, 2, col(t, 3), cint(0), NULL);
	struct rowset *rs = run_window(t, &s);
	expect(rs, 4, "30,NULL,NULL,NULL,NULL,50,80,NULL,40", "lag(x)");
	expect(rs, 5, "-1,10,-1,NULL,-1,-1,-1,-1,30", "lead(x, 2, -1)");
	expect(rs, 6, "NULL,30,10,NULL,60,NULL,NULL,70,NULL", "lag(x, -1) looks ahead");
	expect(rs, 7, "NULL,40,NULL,3,4,5,6,7,8", "lag(x, 2, id): per-row default");
	expect(rs, 8, "NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL", "lag(x, NULL) is NULL");
	expect(rs, 9, "10,NULL,30,40,50,60,70,80,NULL", "lag(x, 0) is x");
	rowset_free(rs);

	struct wspec s2 = {0};
	part_by(&s2, col(t, 1));
	order_by(&s2, col(t, 0), false, true);
	struct pn_frame f = fr_rows(PB_PRECEDING, 1, PB_FOLLOWING, 1);
	add_fn(&s2, PW_FIRST_VALUE, WB_TYPE_BIGINT, 1, col(t, 3), NULL, NULL)->frame = f;
	add_fn(&s2, PW_LAST_VALUE, WB_TYPE_BIGINT, 1, col(t, 3), NULL, NULL)->frame = f;
	add_fn(&s2, PW_NTH_VALUE, WB_TYPE_BIGINT, 2, col(t, 3), cint(2), NULL)->frame = f;
	add_agg(&s2, "sum", col(t, 3), false, f);
	rs = run_window(t, &s2);
	expect(rs, 4, "10,10,NULL,30,50,50,70,70,40", "first_value ROWS 1 PRECEDING AND 1 FOLLOWING");
	expect(rs, 5, "NULL,30,40,NULL,60,60,80,80,NULL", "last_value");
	expect(rs, 6, "NULL,NULL,30,40,60,60,80,80,NULL", "nth_value(x, 2)");
	expect(rs, 7, "10,40,70,70,110,110,150,150,40", "moving sum");
	rowset_free(rs);

	struct wspec s3 = {0};
	order_by(&s3, col(t, 0), false, true);
	add_fn(&s3, PW_FIRST_VALUE, WB_TYPE_BIGINT, 1, col(t, 3), NULL, NULL);
	add_fn(&s3, PW_LAST_VALUE, WB_TYPE_BIGINT, 1, col(t, 3), NULL, NULL);
	add_fn(&s3, PW_NTH_VALUE, WB_TYPE_BIGINT, 2, col(t, 3), cint(3), NULL)->frame =
	    fr_rows(PB_UNBOUNDED_PRECEDING, 0, PB_UNBOUNDED_FOLLOWING, 0);
	struct pn_winfn *g = add_fn(&s3, PW_LAG, WB_TYPE_BIGINT, 1, col(t, 3), NULL, NULL);
	g->ignore_nulls = true;
	g = add_fn(&s3, PW_LEAD, WB_TYPE_BIGINT, 3, col(t, 3), cint(1), cint(0));
	g->ignore_nulls = true;
	g = add_fn(&s3, PW_FIRST_VALUE, WB_TYPE_BIGINT, 1, col(t, 3), NULL, NULL);
	g->ignore_nulls = true;
	g->frame = fr_rows(PB_CURRENT_ROW, 0, PB_UNBOUNDED_FOLLOWING, 0);
	g = add_fn(&s3, PW_LAST_VALUE, WB_TYPE_BIGINT, 1, col(t, 3), NULL, NULL);
	g->ignore_nulls = true;
	g->frame = fr_rows(PB_PRECEDING, 2, PB_CURRENT_ROW, 0);
	g = add_fn(&s3, PW_NTH_VALUE, WB_TYPE_BIGINT, 2, col(t, 3), cint(2), NULL);
	g->ignore_nulls = true;
	g->frame = fr_rows(PB_PRECEDING, 1, PB_FOLLOWING, 2);
	g = add_fn(&s3, PW_LAG, WB_TYPE_BIGINT, 2, col(t, 3), cint(-2), NULL);
	g->ignore_nulls = true;
	rs = run_window(t, &s3);
	expect(rs, 4, "10,10,10,10,10,10,10,10,10", "first_value default frame");
	expect(rs, 5, "10,NULL,30,40,50,60,70,80,NULL", "last_value default frame is the current row");
	expect(rs, 6, "30,30,30,30,30,30,30,30,30", "nth_value(x, 3) over the partition");
	expect(rs, 7, "NULL,10,10,30,40,50,60,70,80", "lag IGNORE NULLS");
	expect(rs, 8, "30,30,40,50,60,70,80,0,0", "lead(x, 1, 0) IGNORE NULLS");
	expect(rs, 9, "10,30,30,40,50,60,70,80,NULL", "first_value IGNORE NULLS");
	expect(rs, 10, "10,10,30,40,50,60,70,80,80", "last_value IGNORE NULLS");
	expect(rs, 11, "30,30,40,40,50,60,70,80,NULL", "nth_value IGNORE NULLS");
	expect(rs, 12, "40,40,50,60,70,80,NULL,NULL,NULL", "lag(x, -2) IGNORE NULLS");
	rowset_free(rs);
	tbl_free(t);
}

static void
test_ntile(void)
{
	struct tbl *t = tbl_parse("I,T,I,I", W_ROWS);
	struct wspec s = {0};
	order_by(&s, col(t, 0), false, true);
	add_fn(&s, PW_NTILE, WB_TYPE_BIGINT, 1, cint(4), NULL, NULL);
	add_fn(&s, PW_NTILE, WB_TYPE_BIGINT, 1, cint(20), NULL, NULL);
	add_fn(&s, PW_NTILE, WB_TYPE_BIGINT, 1, cnull(WB_TYPE_BIGINT), NULL, NULL);
	add_fn(&s, PW_NTILE, WB_TYPE_BIGINT, 1, cint(1), NULL, NULL);
	struct rowset *rs = run_window(t, &s);
	expect(rs, 4, "1,1,1,2,2,3,3,4,4", "ntile(4) of 9 rows: remainders go to the first buckets");
	expect(rs, 5, "1,2,3,4,5,6,7,8,9", "ntile(20) of 9 rows");
	expect(rs, 6, "NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL", "ntile(NULL)");
	expect(rs, 7, "1,1,1,1,1,1,1,1,1", "ntile(1)");
	rowset_free(rs);

	struct wspec s2 = {0};
	part_by(&s2, col(t, 1));
	order_by(&s2, col(t, 0), false, true);
	add_fn(&s2, PW_NTILE, WB_TYPE_BIGINT, 1, cint(3), NULL, NULL);
	add_fn(&s2, PW_NTILE, WB_TYPE_BIGINT, 1, cint(2), NULL, NULL);
	rs = run_window(t, &s2);
	expect(rs, 4, "1,1,2,2,1,2,1,2,3", "ntile(3) per partition");
	expect(rs, 5, "1,1,1,2,1,2,1,2,2", "ntile(2) per partition");
	rowset_free(rs);
	tbl_free(t);
}

static void
test_frames(void)
{
	struct tbl *t = tbl_parse("I,T,I,I", W_ROWS);
	struct wspec s = {0};
	order_by(&s, col(t, 0), false, true);
	add_agg(&s, "sum", col(t, 3), false, fr_rows(PB_PRECEDING, 2, PB_PRECEDING, 1));
	add_agg(&s, "sum", col(t, 3), false, fr_rows(PB_FOLLOWING, 1, PB_FOLLOWING, 3));
	add_agg(&s, "count", NULL, false, fr_rows(PB_CURRENT_ROW, 0, PB_UNBOUNDED_FOLLOWING, 0));
	add_agg(&s, "min", col(t, 3), false, fr_rows(PB_PRECEDING, 2, PB_FOLLOWING, 2));
	add_agg(&s, "max", col(t, 3), false, fr_rows(PB_UNBOUNDED_PRECEDING, 0, PB_PRECEDING, 2));
	add_agg(&s, "avg", col(t, 3), false, fr_rows(PB_PRECEDING, 1, PB_FOLLOWING, 1));
	struct rowset *rs = run_window(t, &s);
	expect(rs, 4, "NULL,10,10,30,70,90,110,130,150", "sum ROWS 2 PRECEDING AND 1 PRECEDING");
	expect(rs, 5, "70,120,150,180,210,150,80,NULL,NULL", "sum ROWS 1 FOLLOWING AND 3 FOLLOWING");
	expect(rs, 6, "9,8,7,6,5,4,3,2,1", "count(*) ROWS CURRENT ROW AND UNBOUNDED FOLLOWING");
	expect(rs, 7, "10,10,10,30,30,40,50,60,70", "min ROWS 2 PRECEDING AND 2 FOLLOWING");
	expect(rs, 8, "NULL,NULL,10,10,30,40,50,60,70", "max ROWS UNBOUNDED PRECEDING AND 2 PRECEDING");
	expect(rs, 9, "10,20,35,40,50,60,70,75,80", "avg ROWS 1 PRECEDING AND 1 FOLLOWING");
	rowset_free(rs);

	/* generic aggregates: stddev over a sliding frame (segment tree),
	 * var_pop over a frame ending at the partition end (reverse running) */
	struct tbl *td = tbl_parse("I,R", "0,10;1,NULL;2,30;3,40;4,50;5,60;6,70;7,80;8,NULL");
	struct wspec s2 = {0};
	order_by(&s2, col(td, 0), false, true);
	add_agg(&s2, "stddev", col(td, 1), false, fr_rows(PB_PRECEDING, 2, PB_CURRENT_ROW, 0));
	add_agg(&s2, "var_pop", col(td, 1), false, fr_rows(PB_CURRENT_ROW, 0, PB_UNBOUNDED_FOLLOWING, 0));
	add_agg(&s2, "sum", col(td, 1), false, fr_rows(PB_PRECEDING, 1, PB_FOLLOWING, 1));
	add_agg(&s2, "avg", col(td, 1), false, fr_rows(PB_UNBOUNDED_PRECEDING, 0, PB_CURRENT_ROW, 0));
	rs = run_window(td, &s2);
	expect(rs, 2, "NULL,NULL,14.142135623730951,7.0710678118654755,10,10,10,10,7.0710678118654755",
	    "stddev ROWS 2 PRECEDING AND CURRENT ROW");
	expect(rs, 3, "497.95918367346934,291.6666666666667,291.6666666666667,200,125,66.66666666666667,25,0,NULL",
	    "var_pop ROWS CURRENT ROW AND UNBOUNDED FOLLOWING");
	expect(rs, 4, "10,40,70,120,150,180,210,150,80", "sum(double) sliding");
	expect(rs, 5, "10,10,20,26.666666666666668,32.5,38,43.333333333333336,48.571428571428573,48.571428571428573", "running avg(double)");
	rowset_free(rs);
	tbl_free(td);

	/* RANGE: peers and offsets, NULL keys frame their NULL peers
	 * (DuckDB's default order is NULLS LAST) */
	struct wspec s3 = {0};
	order_by(&s3, col(t, 2), false, false);
	add_agg(&s3, "sum", col(t, 3), false, fr_range(PB_CURRENT_ROW, 0, PB_CURRENT_ROW, 0));
	add_agg(&s3, "count", NULL, false, fr_range(PB_PRECEDING, 1, PB_FOLLOWING, 1));
	add_agg(&s3, "sum", col(t, 3), false, fr_range(PB_PRECEDING, 2, PB_PRECEDING, 1));
	add_agg(&s3, "count", NULL, false, fr_range(PB_PRECEDING, 1, PB_UNBOUNDED_FOLLOWING, 0));
	rs = run_window(t, &s3);
	expect(rs, 4, "80,30,30,120,50,60,80,120,NULL", "sum RANGE CURRENT ROW AND CURRENT ROW");
	expect(rs, 5, "4,5,5,2,2,4,4,2,3", "count RANGE 1 PRECEDING AND 1 FOLLOWING");
	expect(rs, 6, "NULL,80,80,120,60,110,NULL,120,90", "sum RANGE 2 PRECEDING AND 1 PRECEDING");
	expect(rs, 7, "9,9,9,2,4,7,9,2,5", "count RANGE 1 PRECEDING AND UNBOUNDED FOLLOWING, NULLS LAST");
	rowset_free(rs);

	struct wspec s4 = {0};
	order_by(&s4, col(t, 2), false, true);
	add_agg(&s4, "count", NULL, false, fr_range(PB_UNBOUNDED_PRECEDING, 0, PB_FOLLOWING, 1));
	rs = run_window(t, &s4);
	expect(rs, 4, "6,7,7,2,9,8,6,2,9", "count RANGE UNBOUNDED PRECEDING AND 1 FOLLOWING, NULLS FIRST");
	rowset_free(rs);

	struct wspec s5 = {0};
	order_by(&s5, col(t, 2), true, false);
	add_agg(&s5, "count", NULL, false, fr_range(PB_PRECEDING, 1, PB_CURRENT_ROW, 0));
	add_agg(&s5, "sum", col(t, 3), false, fr_range(PB_CURRENT_ROW, 0, PB_FOLLOWING, 2));
	rs = run_window(t, &s5);
	expect(rs, 4, "4,3,3,2,1,2,4,2,2", "count RANGE 1 PRECEDING AND CURRENT ROW, DESC");
	expect(rs, 5, "80,110,110,120,110,170,80,120,90", "sum RANGE CURRENT ROW AND 2 FOLLOWING, DESC");
	rowset_free(rs);
	tbl_free(t);

	/* doubles */
	struct tbl *tf = tbl_parse("I,R", "0,1.0;1,1.4;2,2.0;3,3.5;4,3.5;5,NULL");
	struct wspec s6 = {0};
	order_by(&s6, col(tf, 1), false, false);
	add_agg(&s6, "count", NULL, false, fr_range_d(PB_PRECEDING, 0.5, PB_FOLLOWING, 0.5));
	add_agg(&s6, "sum", col(tf, 1), false, fr_range_d(PB_PRECEDING, 1.5, PB_CURRENT_ROW, 0));
	rs = run_window(tf, &s6);
	expect(rs, 2, "2,2,1,2,2,1", "count RANGE 0.5 PRECEDING AND 0.5 FOLLOWING on DOUBLE");
	expect(rs, 3, "1,2.4,4.4,9,9,NULL", "sum RANGE 1.5 PRECEDING on DOUBLE");
	rowset_free(rs);
	tbl_free(tf);

	/* dates with intervals: months clamp to the end of the month */
	struct tbl *tdt = tbl_parse("I,D", "0,2020-01-31;1,2020-02-29;2,2020-03-01;3,2020-03-31");
	wb_interval m1 = {1, 0, 0}, d30 = {0, 30, 0}, zero = {0, 0, 0};
	struct wspec s7 = {0};
	order_by(&s7, col(tdt, 1), false, false);
	add_agg(&s7, "count", NULL, false, fr_range_iv(PB_PRECEDING, m1, PB_CURRENT_ROW, zero));
	add_agg(&s7, "count", NULL, false, fr_range_iv(PB_CURRENT_ROW, zero, PB_FOLLOWING, d30));
	rs = run_window(tdt, &s7);
	expect(rs, 2, "1,2,2,3", "DATE RANGE INTERVAL 1 MONTH PRECEDING");
	expect(rs, 3, "3,2,2,1", "DATE RANGE INTERVAL 30 DAY FOLLOWING");
	rowset_free(rs);
	struct wspec s8 = {0};
	order_by(&s8, col(tdt, 1), true, false);
	add_agg(&s8, "count", NULL, false, fr_range_iv(PB_PRECEDING, m1, PB_CURRENT_ROW, zero));
	rs = run_window(tdt, &s8);
	expect(rs, 2, "2,2,2,1", "DATE RANGE INTERVAL 1 MONTH PRECEDING, DESC");
	rowset_free(rs);
	tbl_free(tdt);

	struct tbl *tts = tbl_parse("I,S", "0,2019-10-01 00:00:00;1,2019-10-01 00:30:00;2,2019-10-01 01:00:00;"
	    "3,2019-10-01 01:00:01;4,2019-10-01 03:00:00");
	wb_interval h1 = {0, 0, 3600 * DT_US_PER_SEC}, m90 = {0, 0, 90 * 60 * DT_US_PER_SEC};
	struct wspec s9 = {0};
	order_by(&s9, col(tts, 1), false, false);
	add_agg(&s9, "count", NULL, false, fr_range_iv(PB_PRECEDING, h1, PB_CURRENT_ROW, zero));
	add_agg(&s9, "count", NULL, false, fr_range_iv(PB_PRECEDING, m90, PB_FOLLOWING, h1));
	rs = run_window(tts, &s9);
	expect(rs, 2, "1,2,3,3,1", "TIMESTAMP RANGE INTERVAL 1 HOUR PRECEDING");
	expect(rs, 3, "3,4,4,4,1", "TIMESTAMP RANGE 90 MINUTES PRECEDING AND 1 HOUR FOLLOWING");
	rowset_free(rs);
	tbl_free(tts);
}

static void
test_aggregates(void)
{
	struct tbl *t = tbl_parse("I,T,I,I", W_ROWS);
	struct wspec s = {0};
	part_by(&s, col(t, 1));
	add_agg(&s, "count", NULL, false, fr_default(&s));
	struct wspec s2 = {0};
	part_by(&s2, col(t, 1));
	order_by(&s2, col(t, 0), false, true);
	add_agg(&s2, "sum", col(t, 3), false, fr_default(&s2));
	add_agg(&s2, "avg", col(t, 3), false, fr_rows(PB_PRECEDING, 1, PB_CURRENT_ROW, 0));
	add_agg(&s2, "min", col(t, 3), false, fr_rows(PB_CURRENT_ROW, 0, PB_UNBOUNDED_FOLLOWING, 0));
	struct rowset *rs = run_window(t, &s);
	expect(rs, 4, "5,5,5,5,2,2,2,2,5", "count(*) OVER (PARTITION BY g)");
	rowset_free(rs);
	rs = run_window(t, &s2);
	expect(rs, 4, "10,10,40,80,50,110,70,150,80", "running sum per partition");
	expect(rs, 5, "10,10,30,35,50,55,70,75,40", "moving avg per partition");
	expect(rs, 6, "10,30,30,40,50,60,70,80,NULL", "min to the partition end");
	rowset_free(rs);
	tbl_free(t);

	/* DISTINCT */
	struct tbl *d = tbl_parse("I,T,I", "0,x,1;1,y,1;2,x,2;3,NULL,2;4,y,3;5,x,NULL;6,z,3;7,x,1");
	struct wspec s3 = {0};
	order_by(&s3, col(d, 0), false, true);
	add_agg(&s3, "count", col(d, 1), true, fr_default(&s3));
	add_agg(&s3, "count", col(d, 1), true, fr_rows(PB_PRECEDING, 2, PB_CURRENT_ROW, 0));
	add_agg(&s3, "sum", col(d, 2), true, fr_rows(PB_PRECEDING, 1, PB_FOLLOWING, 2));
	add_agg(&s3, "count", col(d, 2), true, fr_rows(PB_UNBOUNDED_PRECEDING, 0, PB_UNBOUNDED_FOLLOWING, 0));
	add_agg(&s3, "sum", col(d, 2), true, fr_rows(PB_CURRENT_ROW, 0, PB_UNBOUNDED_FOLLOWING, 0));
	add_agg(&s3, "max", col(d, 1), true, fr_rows(PB_PRECEDING, 1, PB_CURRENT_ROW, 0));
	rs = run_window(d, &s3);
	expect(rs, 3, "1,2,2,2,2,2,3,3", "running count(DISTINCT s)");
	expect(rs, 4, "1,2,2,2,2,2,3,2", "count(DISTINCT s) ROWS 2 PRECEDING");
	expect(rs, 5, "3,3,6,5,5,4,4,4", "sum(DISTINCT v) ROWS 1 PRECEDING AND 2 FOLLOWING");
	expect(rs, 6, "3,3,3,3,3,3,3,3", "count(DISTINCT v) over the partition");
	expect(rs, 7, "6,6,6,6,4,4,4,1", "sum(DISTINCT v) to the partition end");
	expect(rs, 8, "x,y,y,x,y,y,z,z", "max(DISTINCT s)");
	rowset_free(rs);

	/* strings: generic min / max (segment tree), lag with a default */
	struct wspec s4 = {0};
	order_by(&s4, col(d, 0), false, true);
	add_agg(&s4, "min", col(d, 1), false, fr_rows(PB_PRECEDING, 1, PB_FOLLOWING, 1));
	add_agg(&s4, "max", col(d, 1), false, fr_rows(PB_PRECEDING, 2, PB_CURRENT_ROW, 0));
	add_fn(&s4, PW_LAG, WB_TYPE_VARCHAR, 3, col(d, 1), cint(1), cstr("-"));
	rs = run_window(d, &s4);
	expect(rs, 3, "x,x,x,x,x,x,x,x", "min(s) sliding");
	expect(rs, 4, "x,y,y,y,y,y,z,z", "max(s) sliding");
	expect(rs, 5, "-,x,y,x,NULL,y,x,z", "lag(s, 1, '-')");
	rowset_free(rs);
	struct wspec s5 = {0};
	order_by(&s5, col(d, 2), false, false);
	order_by(&s5, col(d, 0), false, true);
	add_fn(&s5, PW_FIRST_VALUE, WB_TYPE_VARCHAR, 1, col(d, 1), NULL, NULL);
	rs = run_window(d, &s5);
	expect(rs, 3, "x,x,x,x,x,x,x,x", "first_value(s) ORDER BY v NULLS LAST, id");
	rowset_free(rs);
	tbl_free(d);
}

/* The order-sensitive test aggregate over sliding frames of many widths:
 * the segment tree must fold blocks left to right. */
static void
test_order_sensitive(void)
{
	enum { N = 1500 };
	wb_type ty[2] = {WB_TYPE_BIGINT, WB_TYPE_BIGINT};
	struct tbl *t = tbl_new(2, ty, N);
	for (int64_t r = 0; r < N; r++) {
		*cell(t, r, 0) = (struct wb_value){.type = WB_TYPE_BIGINT, .u.i = r};
		*cell(t, r, 1) = (struct wb_value){.type = WB_TYPE_BIGINT, .u.i = (r * 37) % 101, .is_null = r % 13 == 0};
	}
	static const int64_t offs[][2] = {{0, 0}, {3, 40}, {40, 3}, {100, 100}, {17, 300}, {700, 5}};
	struct wspec s = {0};
	order_by(&s, col(t, 0), false, true);
	for (int i = 0; i < 6; i++)
		add_agg_sig(&s, &poly_fn, &poly_sig, WB_TYPE_BIGINT, col(t, 1), false,
		    fr_rows(PB_PRECEDING, offs[i][0], PB_FOLLOWING, offs[i][1]));
	add_agg_sig(&s, &poly_fn, &poly_sig, WB_TYPE_BIGINT, col(t, 1), false,
	    fr_rows(PB_CURRENT_ROW, 0, PB_UNBOUNDED_FOLLOWING, 0));
	struct rowset *rs = run_window(t, &s);
	int64_t *m = rs ? rows_by_id(rs, N) : NULL;
	int bad = 0;
	for (int64_t r = 0; rs && r < N; r++) {
		for (int i = 0; i < 7; i++) {
			int64_t lo = i < 6 ? r - offs[i][0] : r, hi = i < 6 ? r + offs[i][1] : N - 1;
			lo = lo < 0 ? 0 : lo;
			hi = hi >= N ? N - 1 : hi;
			uint64_t h = 0;
			int64_t cnt = 0;
			for (int64_t j = lo; j <= hi; j++)
				if (!cell(t, j, 1)->is_null) {
					h = h * POLY_K + (uint64_t)cell(t, j, 1)->u.i;
					cnt++;
				}
			struct wb_value v;
			rowset_get(rs, m[r], 2 + i, &v);
			if (cnt == 0 ? !v.is_null : v.is_null || (uint64_t)v.u.i != h)
				bad++;
		}
	}
	ok(rs && bad == 0, "an order-sensitive aggregate over sliding frames folds rows in order (%d wrong)", bad);
	free(m);
	rowset_free(rs);
	tbl_free(t);
}

static void
test_errors(void)
{
	struct tbl *t = tbl_parse("I,T,I,I", W_ROWS);
	struct wspec s = {0};
	order_by(&s, col(t, 0), false, true);
	add_fn(&s, PW_NTILE, WB_TYPE_BIGINT, 1, cint(0), NULL, NULL);
	expect_error(run_window(t, &s), "ntile", "ntile(0) is an error naming ntile");

	/* a bucket count column that is 0 in one partition only */
	struct wspec s1 = {0};
	part_by(&s1, col(t, 1));
	order_by(&s1, col(t, 0), false, true);
	add_fn(&s1, PW_NTILE, WB_TYPE_BIGINT, 1, col(t, 0), NULL, NULL);
	expect_error(run_window(t, &s1), "greater than zero", "ntile(id) fails at id 0");

	struct wspec s2 = {0};
	order_by(&s2, col(t, 0), false, true);
	add_agg(&s2, "sum", col(t, 3), false, fr_rows(PB_PRECEDING, -1, PB_CURRENT_ROW, 0));
	expect_error(run_window(t, &s2), "sum(): the ROWS frame offset of PRECEDING must not be negative",
	    "negative ROWS offset");

	struct wspec s3 = {0};
	order_by(&s3, col(t, 0), false, true);
	struct pn_winfn *f = add_agg(&s3, "count", NULL, false, fr_rows(PB_CURRENT_ROW, 0, PB_FOLLOWING, 1));
	f->frame.end_voff.is_null = true;
	expect_error(run_window(t, &s3), "must not be NULL", "NULL frame offset");

	struct wspec s4 = {0};
	order_by(&s4, col(t, 0), false, true);
	add_fn(&s4, PW_NTH_VALUE, WB_TYPE_BIGINT, 2, col(t, 3), cint(0), NULL);
	expect_error(run_window(t, &s4), "nth_value", "nth_value(x, 0) is an error");

	struct wspec s5 = {0};
	order_by(&s5, col(t, 0), false, true);
	add_agg(&s5, "count", NULL, false, fr_range(PB_PRECEDING, -2, PB_CURRENT_ROW, 0));
	expect_error(run_window(t, &s5), "must not be negative", "negative RANGE offset");

	struct wspec s6 = {0};
	order_by(&s6, col(t, 1), false, true);
	add_agg(&s6, "count", NULL, false, fr_range(PB_PRECEDING, 1, PB_CURRENT_ROW, 0));
	expect_error(run_window(t, &s6), "does not apply", "RANGE offset on a VARCHAR key");

	/* an aggregate's own error: BIGINT sum overflow */
	struct tbl *big = tbl_parse("I,I", "0,9223372036854775807;1,1;2,1");
	struct wspec s7 = {0};
	order_by(&s7, col(big, 0), false, true);
	add_agg(&s7, "sum", col(big, 1), false, fr_default(&s7));
	expect_error(run_window(big, &s7), "out of the BIGINT range", "running sum overflow");
	tbl_free(big);
	tbl_free(t);
}

static int
cmpu(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void
test_edges(void)
{
	wb_type ty[2] = {WB_TYPE_BIGINT, WB_TYPE_BIGINT};
	struct tbl *t = tbl_new(2, ty, 0);
	struct wspec s = {0};
	part_by(&s, col(t, 1));
	order_by(&s, col(t, 1), false, true);
	add_rank(&s, PW_ROW_NUMBER);
	add_agg(&s, "sum", col(t, 1), false, fr_rows(PB_PRECEDING, 1, PB_FOLLOWING, 1));
	struct rowset *rs = run_window(t, &s);
	ok(rs != NULL && rs->nrows == 0 && rs->ncol == 4, "empty input: no rows, the right columns");
	rowset_free(rs);
	tbl_free(t);

	/* a single row; huge offsets */
	struct tbl *one = tbl_parse("I,I", "0,5");
	struct wspec s1 = {0};
	order_by(&s1, col(one, 1), false, true);
	add_rank(&s1, PW_PERCENT_RANK);
	add_agg(&s1, "sum", col(one, 1), false, fr_rows(PB_PRECEDING, INT64_MAX, PB_FOLLOWING, INT64_MAX));
	add_agg(&s1, "count", NULL, false, fr_range(PB_PRECEDING, INT64_MAX, PB_FOLLOWING, INT64_MAX));
	add_fn(&s1, PW_LAG, WB_TYPE_BIGINT, 2, col(one, 1), cint(INT64_MIN), NULL);
	add_fn(&s1, PW_LEAD, WB_TYPE_BIGINT, 2, col(one, 1), cint(INT64_MAX), NULL);
	rs = run_window(one, &s1);
	expect(rs, 2, "0", "percent_rank of a single row");
	expect(rs, 3, "5", "ROWS with huge offsets");
	expect(rs, 4, "1", "RANGE with huge offsets");
	expect(rs, 5, "NULL", "lag(x, INT64_MIN)");
	expect(rs, 6, "NULL", "lead(x, INT64_MAX)");
	rowset_free(rs);
	tbl_free(one);

	/* partition keys whose 32-bit hashes collide land in one sort run */
	enum { NC = 1 << 19 };
	struct vec v;
	vec_init(&v, WB_TYPE_BIGINT);
	vec_reset(&v);
	uint64_t *pairs = malloc(sizeof *pairs * NC), h[WB_VEC_SIZE];
	for (int64_t base = 0; base < NC; base += WB_VEC_SIZE) {
		for (int i = 0; i < WB_VEC_SIZE; i++)
			vec_i64(&v)[i] = base + i;
		v.n = WB_VEC_SIZE;
		hash_vec(&v, WB_VEC_SIZE, h, 0);
		for (int i = 0; i < WB_VEC_SIZE; i++)
			pairs[base + i] = (h[i] & 0xffffffffu) << 32 | (uint64_t)(base + i);
	}
	vec_free(&v);
	qsort(pairs, NC, sizeof *pairs, cmpu);
	int64_t ka = -1, kb = -1;
	for (int i = 1; i < NC && ka < 0; i++)
		if (pairs[i] >> 32 == pairs[i - 1] >> 32) {
			ka = (int64_t)(pairs[i - 1] & 0xffffffffu);
			kb = (int64_t)(pairs[i] & 0xffffffffu);
		}
	free(pairs);
	ok(ka >= 0, "found two keys with colliding 32-bit hashes (%lld, %lld)", (long long)ka, (long long)kb);
	struct tbl *c = tbl_new(3, (wb_type[]){WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_BIGINT}, 12);
	for (int64_t r = 0; r < 12; r++) {
		*cell(c, r, 0) = (struct wb_value){.type = WB_TYPE_BIGINT, .u.i = r};
		*cell(c, r, 1) = (struct wb_value){.type = WB_TYPE_BIGINT, .u.i = r % 3 == 2 ? 7 : r % 3 ? kb : ka};
		*cell(c, r, 2) = (struct wb_value){.type = WB_TYPE_BIGINT, .u.i = 100 - r};
	}
	struct wspec s2 = {0};
	part_by(&s2, col(c, 1));
	order_by(&s2, col(c, 2), false, true);
	add_rank(&s2, PW_ROW_NUMBER);
	add_agg(&s2, "sum", col(c, 0), false, fr_default(&s2));
	rs = run_window(c, &s2);
	expect(rs, 3, "4,4,4,3,3,3,2,2,2,1,1,1", "row_number with colliding partition hashes");
	expect(rs, 4, "18,22,26,18,21,24,15,17,19,9,10,11", "running sum with colliding partition hashes");
	rowset_free(rs);
	tbl_free(c);
}

/* ------------------------------------------------------------ random vs naive */

static uint64_t rng = 88172645463325252ull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int64_t
rint_(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

enum { C_ID, C_P, C_S, C_O, C_X, C_D, C_TS, NCOLS };
static const char *const svals[] = {"a", "bb", "c", "ddddddddddX", "ddddddddddY", "e"};

static struct tbl *
random_table(int64_t n, int nparts)
{
	wb_type ty[NCOLS] = {WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_BIGINT,
	    WB_TYPE_DOUBLE, WB_TYPE_TIMESTAMP};
	struct tbl *t = tbl_new(NCOLS, ty, n);
	int64_t orange = rint_(3, 60);
	/* some tables have no NULLs in a column (exact sort prefixes) */
	int pct[NCOLS];
	for (int c = 0; c < NCOLS; c++)
		pct[c] = c == C_ID || rint_(0, 2) == 0 ? 0 : 8;
	for (int64_t r = 0; r < n; r++) {
		struct wb_value *v = cell(t, r, 0);
		for (int c = 0; c < NCOLS; c++)
			v[c].is_null = rint_(0, 99) < pct[c];
		v[C_ID].u.i = r;
		v[C_P].u.i = rint_(0, nparts - 1);
		v[C_S].u.s = wb_str_c(svals[rint_(0, 5)]);
		v[C_O].u.i = rint_(0, orange);
		v[C_X].u.i = rint_(-40, 40);
		v[C_D].u.d = (double)rint_(-1000, 1000) / 8.0;
		v[C_TS].u.i = INT64_C(1569888000000000) + rint_(0, 120) * DT_US_PER_DAY / 2 + rint_(0, 3) * 3600 * DT_US_PER_SEC;
	}
	return t;
}

struct ref {
	const struct tbl *t;
	const struct wspec *s;
	int64_t *pos;     /* partition rows in order */
	int64_t n;
};

static int
cmp_val(const struct wb_value *a, const struct wb_value *b, const struct pn_sortkey *k)
{
	if (a->is_null || b->is_null) {
		if (a->is_null && b->is_null)
			return 0;
		int c = a->is_null ? -1 : 1;
		return k->nulls_first ? c : -c;
	}
	int c;
	switch (a->type) {
	case WB_TYPE_DOUBLE: c = a->u.d < b->u.d ? -1 : a->u.d > b->u.d; break;
	case WB_TYPE_VARCHAR: c = wb_str_cmp(a->u.s, b->u.s); break;
	default: c = a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
	}
	return k->desc ? -c : c;
}

static const struct tbl *qs_t;
static const struct wspec *qs_s;

static int
cmp_keys(int64_t a, int64_t b)
{
	for (int k = 0; k < qs_s->norder; k++) {
		int col = qs_s->order[k].expr->u.column;
		int c = cmp_val(cell(qs_t, a, col), cell(qs_t, b, col), &qs_s->order[k]);
		if (c)
			return c;
	}
	return 0;
}

static int
qs_cmp(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	int c = cmp_keys(a, b);
	return c ? c : (a < b ? -1 : a > b);
}

static bool
same_part(const struct tbl *t, const struct wspec *s, int64_t a, int64_t b)
{
	for (int k = 0; k < s->npart; k++) {
		int col = s->part[k]->u.column;
		const struct wb_value *x = cell(t, a, col), *y = cell(t, b, col);
		if (x->is_null != y->is_null)
			return false;
		if (x->is_null)
			continue;
		if (x->type == WB_TYPE_VARCHAR ? !wb_str_eq(x->u.s, y->u.s) : x->u.i != y->u.i)
			return false;
	}
	return true;
}

/* Naive frame [fs, fe) of partition position i. */
static void
ref_frame(const struct ref *R, const struct pn_frame *f, int64_t i, int64_t *fs, int64_t *fe)
{
	int64_t n = R->n;
	if (f->unit == PF_ROWS) {
		int64_t s = f->start == PB_UNBOUNDED_PRECEDING ? 0 : f->start == PB_PRECEDING ? i - f->start_ioff
		    : f->start == PB_CURRENT_ROW ? i : f->start == PB_FOLLOWING ? i + f->start_ioff : n;
		int64_t e = f->end == PB_UNBOUNDED_FOLLOWING ? n - 1 : f->end == PB_FOLLOWING ? i + f->end_ioff
		    : f->end == PB_CURRENT_ROW ? i : f->end == PB_PRECEDING ? i - f->end_ioff : -1;
		*fs = s < 0 ? 0 : s > n ? n : s;
		*fe = e + 1 < 0 ? 0 : e + 1 > n ? n : e + 1;
		if (*fe < *fs)
			*fe = *fs;
		return;
	}
	/* RANGE: peers and value distances */
	int64_t ps = 0, pe = 0;
	for (int64_t j = 0; j < n; j++) {
		int c = R->s->norder ? cmp_keys(R->pos[j], R->pos[i]) : 0;
		ps += c < 0;
		pe += c <= 0;
	}
	for (int side = 0; side < 2; side++) {
		enum pn_bound b = side ? f->end : f->start;
		int64_t res;
		if (b == PB_UNBOUNDED_PRECEDING)
			res = 0;
		else if (b == PB_UNBOUNDED_FOLLOWING)
			res = n;
		else if (b == PB_CURRENT_ROW || R->s->norder == 0)
			res = side ? pe : ps;
		else {
			const struct pn_sortkey *k = &R->s->order[0];
			int col = k->expr->u.column;
			const struct wb_value *xi = cell(R->t, R->pos[i], col);
			if (xi->is_null) {
				res = side ? pe : ps;
			} else {
				const struct wb_value *off = side ? &f->end_voff : &f->start_voff;
				int sign = (b == PB_PRECEDING) != k->desc ? -1 : 1;
				/* the bound as a value, then count non-NULL rows before it */
				struct wb_value B = *xi;
				if (xi->type == WB_TYPE_DOUBLE)
					B.u.d = xi->u.d + sign * off->u.d;
				else if (off->type == WB_TYPE_INTERVAL) {
					int64_t day = dt_ts_day(xi->u.i), tod = dt_ts_time(xi->u.i);
					day = dt_add_months(day, sign * off->u.iv.months);
					B.u.i = day * DT_US_PER_DAY + tod + sign * (off->u.iv.days * DT_US_PER_DAY + off->u.iv.micros);
				} else
					B.u.i = xi->u.i + sign * off->u.i;
				int64_t lo = 0, cnt = 0;
				for (int64_t j = 0; j < n; j++) {
					const struct wb_value *xj = cell(R->t, R->pos[j], col);
					if (xj->is_null) {
						lo += k->nulls_first;
						continue;
					}
					int c = cmp_val(xj, &B, k);
					cnt += side ? c <= 0 : c < 0;
				}
				res = lo + cnt;
			}
		}
		if (side)
			*fe = res;
		else
			*fs = res;
	}
	if (*fe < *fs)
		*fe = *fs;
}

/* The naive value of function f at partition position i, as text. */
static void
ref_value(const struct ref *R, const struct pn_winfn *f, int64_t i, struct strbuf *out)
{
	const struct tbl *t = R->t;
	int64_t n = R->n;
	int64_t rank = 0, peers_le = 0, groups = 0;
	bool ranking = f->kind == PW_RANK || f->kind == PW_DENSE_RANK || f->kind == PW_PERCENT_RANK || f->kind == PW_CUME_DIST;
	for (int64_t j = 0; j < n && ranking; j++) {
		int c = R->s->norder ? cmp_keys(R->pos[j], R->pos[i]) : 0;
		rank += c < 0;
		peers_le += c <= 0;
		if (c < 0 && (j == 0 || cmp_keys(R->pos[j - 1], R->pos[j]) != 0))
			groups++;
	}
	int vcol = f->nargs > 0 && f->args[0]->kind == BX_COLUMN ? f->args[0]->u.column : -1;
	switch (f->kind) {
	case PW_ROW_NUMBER: sb_printf(out, "%lld", (long long)i + 1); return;
	case PW_RANK: sb_printf(out, "%lld", (long long)rank + 1); return;
	case PW_DENSE_RANK: sb_printf(out, "%lld", (long long)groups + 1); return;
	case PW_PERCENT_RANK: sb_printf(out, "%.12g", n > 1 ? (double)rank / (double)(n - 1) : 0.0); return;
	case PW_CUME_DIST: sb_printf(out, "%.12g", (double)peers_le / (double)n); return;
	case PW_NTILE: {
		/* deal rows out: bucket b gets n / k rows, one more while rows remain */
		int64_t k = f->args[0]->u.value.u.i, r = 0, b = 1;
		while (r <= i) {
			int64_t size = n / k + (b <= n % k);
			if (i < r + size)
				break;
			r += size;
			b++;
		}
		sb_printf(out, "%lld", (long long)b);
		return;
	}
	case PW_LAG:
	case PW_LEAD: {
		int64_t off = f->nargs > 1 ? f->args[1]->u.value.u.i : 1;
		int64_t dir = f->kind == PW_LAG ? -1 : 1, j = i, found = -1;
		if (off < 0) {
			dir = -dir;
			off = -off;
		}
		if (off == 0)
			found = i;
		else if (!f->ignore_nulls)
			found = i + dir * off >= 0 && i + dir * off < n ? i + dir * off : -1;
		else
			for (int64_t seen = 0; (j += dir) >= 0 && j < n;)
				if (!cell(t, R->pos[j], vcol)->is_null && ++seen == off) {
					found = j;
					break;
				}
		if (found >= 0)
			value_format(cell(t, R->pos[found], vcol), out, "NULL");
		else if (f->nargs > 2)
			value_format(f->args[2]->kind == BX_CONST ? &f->args[2]->u.value : cell(t, R->pos[i], f->args[2]->u.column),
			    out, "NULL");
		else
			sb_puts(out, "NULL");
		return;
	}
	default:
		break;
	}
	int64_t fs, fe;
	ref_frame(R, &f->frame, i, &fs, &fe);
	if (f->kind != PW_AGG) {
		int64_t k = f->kind == PW_NTH_VALUE ? f->args[1]->u.value.u.i : 1, found = -1, seen = 0;
		if (f->kind == PW_LAST_VALUE) {
			for (int64_t j = fe - 1; j >= fs && found < 0; j--)
				if (!f->ignore_nulls || !cell(t, R->pos[j], vcol)->is_null)
					found = j;
		} else {
			for (int64_t j = fs; j < fe && found < 0; j++)
				if ((!f->ignore_nulls || !cell(t, R->pos[j], vcol)->is_null) && ++seen == k)
					found = j;
		}
		if (found >= 0)
			value_format(cell(t, R->pos[found], vcol), out, "NULL");
		else
			sb_puts(out, "NULL");
		return;
	}
	/* aggregates over [fs, fe) */
	const char *nm = f->agg->name;
	int64_t cnt = 0;
	__int128 isum = 0;
	long double dsum = 0, dsq = 0;
	bool have = false;
	struct wb_value best = {0};
	uint64_t h = 0;
	bool seen_i[81] = {0}, seen_s[6] = {0};
	for (int64_t j = fs; j < fe; j++) {
		if (vcol < 0) {
			cnt++;
			continue;
		}
		const struct wb_value *v = cell(t, R->pos[j], vcol);
		if (v->is_null)
			continue;
		if (f->distinct) {
			if (v->type == WB_TYPE_VARCHAR) {
				int si = 0;
				while (!wb_str_eq(v->u.s, wb_str_c(svals[si])))
					si++;
				if (seen_s[si])
					continue;
				seen_s[si] = true;
			} else {
				if (seen_i[v->u.i + 40])
					continue;
				seen_i[v->u.i + 40] = true;
			}
		}
		cnt++;
		if (v->type == WB_TYPE_DOUBLE) {
			dsum += v->u.d;
			dsq += (long double)v->u.d * v->u.d;
		} else if (v->type != WB_TYPE_VARCHAR) {
			isum += v->u.i;
			dsum += v->u.i;
		}
		h = h * POLY_K + (uint64_t)v->u.i;
		bool mx = strcmp(nm, "max") == 0;
		if (!have || (mx ? cmp_val(v, &best, &(struct pn_sortkey){0}) > 0 : cmp_val(v, &best, &(struct pn_sortkey){0}) < 0))
			best = *v;
		have = true;
	}
	if (strcmp(nm, "count") == 0)
		sb_printf(out, "%lld", (long long)cnt);
	else if (cnt == 0)
		sb_puts(out, "NULL");
	else if (strcmp(nm, "polyhash") == 0)
		sb_printf(out, "%lld", (long long)h);
	else if (strcmp(nm, "min") == 0 || strcmp(nm, "max") == 0)
		value_format(&best, out, "NULL");
	else if (strcmp(nm, "sum") == 0 && f->ret == WB_TYPE_BIGINT)
		sb_printf(out, "%lld", (long long)isum);
	else if (strcmp(nm, "sum") == 0)
		sb_printf(out, "%.17Lg", dsum);
	else if (strcmp(nm, "avg") == 0)
		sb_printf(out, "%.17Lg", dsum / cnt);
	else if (strcmp(nm, "var_pop") == 0) {
		long double m = dsum / cnt, var = dsq / cnt - m * m;
		sb_printf(out, "%.17Lg", var < 0 ? 0 : var);
	} else if (strcmp(nm, "stddev") == 0) {
		if (cnt < 2) {
			sb_puts(out, "NULL");
			return;
		}
		long double m = dsum / cnt, var = (dsq - cnt * m * m) / (cnt - 1);
		sb_printf(out, "%.17g", sqrt((double)(var < 0 ? 0 : var)));
	}
}

static bool
close_enough(const char *got, const char *want, wb_type t)
{
	if (strcmp(got, want) == 0)
		return true;
	if (t != WB_TYPE_DOUBLE || strcmp(got, "NULL") == 0 || strcmp(want, "NULL") == 0)
		return false;
	double a = strtod(got, NULL), b = strtod(want, NULL);
	return fabs(a - b) <= 1e-7 * (fabs(b) > 1 ? fabs(b) : 1) + 1e-9;
}

static struct pn_frame
random_frame(const struct wspec *s, bool ties, int key)
{
	static const enum pn_bound starts[] = {PB_UNBOUNDED_PRECEDING, PB_PRECEDING, PB_CURRENT_ROW, PB_FOLLOWING};
	static const enum pn_bound ends[] = {PB_PRECEDING, PB_CURRENT_ROW, PB_FOLLOWING, PB_UNBOUNDED_FOLLOWING};
	enum pn_bound b0 = starts[rint_(0, 3)], b1 = ends[rint_(0, 3)];
	if (rint_(0, 4) == 0)
		b0 = PB_UNBOUNDED_PRECEDING;
	/* small offsets, and large ones that span segment tree blocks */
	int64_t big = rint_(0, 1) ? 4 : 70;
	if (!ties && rint_(0, 2) == 0)
		return fr_rows(b0, rint_(0, big), b1, rint_(0, big));
	bool offsets = s->norder == 1 && key != C_S;
	if (!offsets) {
		if (b0 == PB_PRECEDING || b0 == PB_FOLLOWING)
			b0 = PB_CURRENT_ROW;
		if (b1 == PB_PRECEDING || b1 == PB_FOLLOWING)
			b1 = PB_CURRENT_ROW;
		return fr_range(b0, 0, b1, 0);
	}
	if (key == C_D)
		return fr_range_d(b0, (double)rint_(0, 20) / 4, b1, (double)rint_(0, 20) / 4);
	if (key == C_TS) {
		wb_interval i0 = {(int32_t)rint_(0, 1), (int32_t)rint_(0, 3), rint_(0, 5) * 3600 * DT_US_PER_SEC};
		wb_interval i1 = {(int32_t)rint_(0, 1), (int32_t)rint_(0, 3), rint_(0, 5) * 3600 * DT_US_PER_SEC};
		return fr_range_iv(b0, i0, b1, i1);
	}
	return fr_range(b0, rint_(0, big / 4 + 1), b1, rint_(0, big / 4 + 1));
}

/* One random spec over a random table, checked row by row. */
static void
random_case(int iter, int64_t nrows, int nparts)
{
	struct tbl *t = random_table(nrows, nparts);
	struct wspec s = {0};
	int npk = nparts > 1 ? (int)rint_(1, 2) : 0;
	if (npk >= 1)
		part_by(&s, col(t, C_P));
	if (npk >= 2)
		part_by(&s, col(t, C_S));
	bool ties = rint_(0, 1) == 0;
	static const int keys[] = {C_O, C_D, C_TS, C_S};
	int key = keys[rint_(0, 3)];
	bool nokey = rint_(0, 9) == 0;
	if (nokey)
		key = C_ID;
	else
		order_by(&s, col(t, key), rint_(0, 1), rint_(0, 1));
	if (!ties)
		order_by(&s, col(t, C_ID), rint_(0, 1), false);
	int nf = (int)rint_(8, 16);
	for (int i = 0; i < nf; i++) {
		int pick = (int)rint_(0, ties ? 5 : 13);
		struct pn_frame fr = random_frame(&s, ties, key);
		struct pn_winfn *f;
		static const char *const aggs[] = {"count", "count", "sum", "avg", "min", "max", "sum", "min", "max",
		    "stddev", "var_pop", "count", "sum", "polyhash"};
		int ai = (int)rint_(0, ties ? 12 : 13);
		switch (pick) {
		case 0: add_rank(&s, ties ? PW_RANK : PW_ROW_NUMBER); break;
		case 1: add_rank(&s, PW_DENSE_RANK); break;
		case 2: add_rank(&s, rint_(0, 1) ? PW_PERCENT_RANK : PW_CUME_DIST); break;
		case 6: add_fn(&s, PW_NTILE, WB_TYPE_BIGINT, 1, cint(rint_(1, 9)), NULL, NULL); break;
		case 7:
		case 8: {
			int vc = rint_(0, 2) ? C_X : C_S;
			int na = (int)rint_(1, 3);
			struct bexpr *def = vc == C_X ? (rint_(0, 1) ? col(t, C_ID) : cint(-99)) : cstr("dflt");
			f = add_fn(&s, pick == 7 ? PW_LAG : PW_LEAD, t->types[vc], na, col(t, vc), cint(rint_(-3, 3)), def);
			f->ignore_nulls = rint_(0, 1);
			break;
		}
		case 9:
		case 10:
		case 11: {
			int vc = rint_(0, 2) ? C_X : C_S;
			enum pn_win_kind k = pick == 9 ? PW_FIRST_VALUE : pick == 10 ? PW_LAST_VALUE : PW_NTH_VALUE;
			f = add_fn(&s, k, t->types[vc], k == PW_NTH_VALUE ? 2 : 1, col(t, vc), cint(rint_(1, 3)), NULL);
			f->ignore_nulls = rint_(0, 1);
			f->frame = fr;
			break;
		}
		default: {
			const char *nm = aggs[ai];
			struct bexpr *arg;
			if (strcmp(nm, "polyhash") == 0) {
				add_agg_sig(&s, &poly_fn, &poly_sig, WB_TYPE_BIGINT, col(t, C_X), false, fr);
				break;
			}
			if (strcmp(nm, "stddev") == 0 || strcmp(nm, "var_pop") == 0)
				arg = col(t, C_D);
			else if (ai == 0)
				arg = NULL;
			else if (strcmp(nm, "min") == 0 || strcmp(nm, "max") == 0)
				arg = col(t, ai >= 7 ? C_S : rint_(0, 1) ? C_D : C_X);
			else if (ai == 6)
				arg = col(t, C_D);
			else
				arg = col(t, rint_(0, 1) ? C_X : C_S);
			if (arg && arg->type == WB_TYPE_VARCHAR && strcmp(nm, "count") != 0)
				arg = col(t, C_X);
			bool distinct = arg && (ai == 11 || ai == 12 || (ai < 9 && rint_(0, 5) == 0)) &&
			    arg->type != WB_TYPE_DOUBLE;
			/* avg(DISTINCT bigint) runs avg's own finalize, which converts
			 * an int128 sum to long double: valgrind emulates x87 with
			 * doubles, so negative sums come out wrong there */
			if (distinct && strcmp(nm, "avg") == 0 && RUNNING_ON_VALGRIND)
				distinct = false;
			add_agg(&s, nm, arg, distinct, fr);
		}
		}
	}
	struct rowset *rs = run_window(t, &s);
	if (rs == NULL) {
		ok(0, "random case %d runs (%s)", iter, last_error);
		tbl_free(t);
		return;
	}
	int64_t *m = rows_by_id(rs, t->n);
	/* reference: partitions by brute force, each sorted */
	int64_t *order = malloc(sizeof *order * (size_t)t->n);
	bool *done = calloc((size_t)t->n, 1);
	qs_t = t;
	qs_s = &s;
	int bad = 0;
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
	for (int64_t r0 = 0; r0 < t->n && bad < 5; r0++) {
		if (done[r0])
			continue;
		int64_t n = 0;
		for (int64_t r = r0; r < t->n; r++)
			if (!done[r] && same_part(t, &s, r0, r)) {
				order[n++] = r;
				done[r] = true;
			}
		qsort(order, (size_t)n, sizeof *order, qs_cmp);
		struct ref R = {t, &s, order, n};
		for (int64_t i = 0; i < n && bad < 5; i++) {
			int64_t row = m[order[i]];
			for (int fi = 0; fi < s.nf; fi++) {
				sb_clear(&want);
				sb_clear(&got);
				ref_value(&R, &s.f[fi], i, &want);
				struct wb_value v;
				rowset_get(rs, row, NCOLS + fi, &v);
				if (v.type == WB_TYPE_DOUBLE && !v.is_null)
					sb_printf(&got, "%.17g", v.u.d);
				else
					value_format(&v, &got, "NULL");
				if (!close_enough(sb_str(&got), sb_str(&want), s.f[fi].ret)) {
					const struct pn_winfn *f = &s.f[fi];
					struct strbuf o0 = STRBUF_INIT, o1 = STRBUF_INIT;
					value_format(&f->frame.start_voff, &o0, "-");
					value_format(&f->frame.end_voff, &o1, "-");
					diag("case %d: row id %lld (position %lld of %lld) function %d (kind %d %s%s, frame %s %d %lld/%s .. %d %lld/%s): "
					     "want %s, got %s",
					    iter, (long long)order[i], (long long)i, (long long)n, fi, f->kind,
					    f->agg ? f->agg->name : "", f->distinct ? " DISTINCT" : "",
					    f->frame.unit == PF_ROWS ? "ROWS" : "RANGE", f->frame.start, (long long)f->frame.start_ioff,
					    sb_str(&o0), f->frame.end, (long long)f->frame.end_ioff, sb_str(&o1), sb_str(&want), sb_str(&got));
					sb_free(&o0);
					sb_free(&o1);
					bad++;
				}
			}
		}
	}
	ok(bad == 0 && rs->nrows == t->n, "random case %d: %lld rows, %d partition keys, %d functions, %s order match the reference",
	    iter, (long long)t->n, s.npart, s.nf, ties ? "tied" : "total");
	sb_free(&want);
	sb_free(&got);
	free(order);
	free(done);
	free(m);
	rowset_free(rs);
	tbl_free(t);
}

/* ------------------------------------------------------------ dictionaries */

/*
 * Dictionary-encoded strings: a memtable scan hands out DICT vectors (one
 * dictionary per row group), and upper() over them returns dictionaries
 * owned by its expression state's cache, which is reset whenever the
 * input dictionary changes: stored strings must not point into it.
 */
static void
test_dictionaries(int64_t n)
{
	static const char *const words[] = {"view", "cart", "purchase", "remove_from_cart"};
	wb_type ty[2] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR};
	struct mt_builder *mb = mt_builder_new(2, ty);
	struct chunk ch;
	chunk_init(&ch, 2, ty);
	for (int64_t off = 0; off < n; off += WB_VEC_SIZE) {
		chunk_reset(&ch);
		int m = n - off < WB_VEC_SIZE ? (int)(n - off) : WB_VEC_SIZE;
		for (int i = 0; i < m; i++) {
			int64_t id = off + i;
			vec_i64(&ch.cols[0])[i] = id;
			/* row groups see different word sets: different dictionaries */
			vec_str(&ch.cols[1])[i] = wb_str_c(words[(id / 100000 + id % 3) % 4]);
		}
		ch.n = ch.cols[0].n = ch.cols[1].n = m;
		ch.seq = SOURCE_SEQ(off / WB_VEC_SIZE, 0);
		mt_builder_append(mb, &ch);
	}
	chunk_free(&ch);
	int nrg;
	struct mt_rowgroup **rgs = mt_builder_finish(mb, &nrg);
	mt_builder_free(mb);
	struct memtable *mt = memtable_new(2, ty);
	memtable_add(mt, rgs, nrg);
	free(rgs);
	char *names[2] = {"id", "w"};
	struct table *tab = memtable_table("dicts", 2, names, ty, mt);

	struct pnode *scan = pnode_new(A, PN_SCAN, NULL, 2);
	pnode_set_col(A, scan, 0, "id", WB_TYPE_BIGINT);
	pnode_set_col(A, scan, 1, "w", WB_TYPE_VARCHAR);
	scan->u.scan.table = tab;   /* the plan's reference */
	scan->u.scan.nproj = 2;
	scan->u.scan.proj = arena_zalloc(A, sizeof(int) * 2);
	scan->u.scan.proj[1] = 1;
	scan->est_rows = (double)n;
	const struct scalar_fn *up = fn_lookup("upper");
	wb_type at = WB_TYPE_VARCHAR, cast, ret;
	struct wb_error err = WB_ERROR_INIT;
	struct bexpr *u = bexpr_new(A, BX_FUNC, WB_TYPE_VARCHAR, 0, 1);
	u->u.func.fn = up;
	u->u.func.sig = fn_resolve(up, &at, NULL, 1, &cast, &ret, &err);
	u->args[0] = bexpr_column(A, 1, WB_TYPE_VARCHAR);
	struct wspec s = {0};
	part_by(&s, bexpr_column(A, 1, WB_TYPE_VARCHAR));
	order_by(&s, bexpr_column(A, 0, WB_TYPE_BIGINT), false, true);
	add_fn(&s, PW_LAG, WB_TYPE_VARCHAR, 1, u, NULL, NULL);
	add_fn(&s, PW_FIRST_VALUE, WB_TYPE_VARCHAR, 1, bexpr_column(A, 1, WB_TYPE_VARCHAR), NULL, NULL);
	add_agg(&s, "max", u, false, fr_rows(PB_PRECEDING, 2, PB_CURRENT_ROW, 0));
	struct rowset *rs = run_plan(window_of(scan, &s));
	int bad = 0;
	for (int64_t r = 0; rs && r < rs->nrows && bad < 5; r++) {
		struct wb_value id, w, lag, first, mx;
		rowset_get(rs, r, 0, &id);
		rowset_get(rs, r, 1, &w);
		rowset_get(rs, r, 2, &lag);
		rowset_get(rs, r, 3, &first);
		rowset_get(rs, r, 4, &mx);
		char want[32];
		snprintf(want, sizeof want, "%.*s", (int)w.u.s.n, w.u.s.p);
		for (char *c = want; *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		/* every word has rows before id 30 in its partition, except at
		 * each partition's first row */
		bool good = (lag.is_null || (lag.u.s.n == w.u.s.n && memcmp(lag.u.s.p, want, w.u.s.n) == 0)) &&
		    first.u.s.n == w.u.s.n && memcmp(first.u.s.p, w.u.s.p, w.u.s.n) == 0 &&
		    mx.u.s.n == w.u.s.n && memcmp(mx.u.s.p, want, w.u.s.n) == 0;
		if (!good) {
			diag("id %lld: w %.*s lag %.*s first %.*s max %.*s", (long long)id.u.i, (int)w.u.s.n, w.u.s.p,
			    (int)lag.u.s.n, lag.is_null ? "" : lag.u.s.p, (int)first.u.s.n, first.u.s.p, (int)mx.u.s.n, mx.u.s.p);
			bad++;
		}
	}
	ok(rs && rs->nrows == n && bad == 0, "dictionary-encoded input and dictionary results of expressions over %lld rows",
	    (long long)n);
	rowset_free(rs);
}

/* ------------------------------------------------------------ large */

static void
test_large(int64_t n)
{
	wb_type ty[3] = {WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_DOUBLE};
	struct tbl *t = tbl_new(3, ty, n);
	const int64_t P = 1000;
	for (int64_t r = 0; r < n; r++) {
		/* ids shuffled so that the input is not already sorted */
		int64_t id = (r * 7919) % n;
		*cell(t, r, 0) = (struct wb_value){.type = WB_TYPE_BIGINT, .u.i = id};
		*cell(t, r, 1) = (struct wb_value){.type = WB_TYPE_BIGINT, .u.i = id % P};
		*cell(t, r, 2) = (struct wb_value){.type = WB_TYPE_DOUBLE, .u.d = (double)(id % 10)};
	}
	struct wspec s = {0};
	part_by(&s, col(t, 1));
	order_by(&s, col(t, 0), false, true);
	add_rank(&s, PW_ROW_NUMBER);
	add_fn(&s, PW_LAG, WB_TYPE_BIGINT, 1, col(t, 0), NULL, NULL);
	add_agg(&s, "sum", col(t, 0), false, fr_default(&s));
	add_agg(&s, "count", NULL, false, fr_rows(PB_PRECEDING, 5, PB_CURRENT_ROW, 0));
	add_agg(&s, "avg", col(t, 2), false, fr_rows(PB_PRECEDING, 2, PB_FOLLOWING, 2));
	add_agg(&s, "max", col(t, 0), false, fr_rows(PB_PRECEDING, 3, PB_PRECEDING, 1));
	long long t0 = exec_now_ns();
	struct rowset *rs = run_window(t, &s);
	long long t1 = exec_now_ns();
	ok(rs != NULL && rs->nrows == n, "large: %lld rows in %d partitions (%.0f ms on %d threads)", (long long)n, (int)P,
	    (double)(t1 - t0) / 1e6, pool_size());
	int bad = 0;
	for (int64_t r = 0; rs && r < rs->nrows && bad < 5; r++) {
		struct wb_value v[8];
		for (int c = 0; c < 8; c++)
			rowset_get(rs, r, c, &v[c]);
		int64_t id = v[0].u.i, k = id / P, p = id % P;
		int64_t sum = (k + 1) * p + P * k * (k + 1) / 2;
		int64_t cnt = k + 1 < 6 ? k + 1 : 6;
		/* avg of (id % 10) over ids id - 2P .. id + 2P that exist */
		int64_t last = (n - 1 - p) / P, lo = k - 2 < 0 ? 0 : k - 2, hi = k + 2 > last ? last : k + 2;
		double s2 = 0;
		for (int64_t j = lo; j <= hi; j++)
			s2 += (double)((p + j * P) % 10);
		double avg = s2 / (double)(hi - lo + 1);
		bool good = v[3].u.i == k + 1 && (k == 0 ? v[4].is_null : v[4].u.i == id - P) && v[5].u.i == sum &&
		    v[6].u.i == cnt && fabs(v[7].u.d - avg) < 1e-9;
		struct wb_value mx;
		rowset_get(rs, r, 8, &mx);
		good &= k == 0 ? mx.is_null : mx.u.i == id - P;
		if (!good) {
			diag("large: id %lld: rn %lld lag %lld sum %lld count %lld avg %g max %lld", (long long)id,
			    (long long)v[3].u.i, (long long)v[4].u.i, (long long)v[5].u.i, (long long)v[6].u.i, v[7].u.d,
			    (long long)mx.u.i);
			bad++;
		}
	}
	ok(bad == 0, "large: row_number, lag, running sum, moving count / avg / max are right");
	rowset_free(rs);

	/* one partition, ties: rank over id % 10 descending */
	struct wspec s2 = {0};
	struct bexpr *k3 = col(t, 2);   /* id % 10 as DOUBLE: ten peer groups */
	order_by(&s2, k3, true, true);
	add_rank(&s2, PW_RANK);
	add_rank(&s2, PW_DENSE_RANK);
	add_agg(&s2, "count", NULL, false, fr_default(&s2));
	t0 = exec_now_ns();
	rs = run_window(t, &s2);
	t1 = exec_now_ns();
	bad = 0;
	for (int64_t r = 0; rs && r < rs->nrows && bad < 5; r++) {
		struct wb_value id, rk, dr, c;
		rowset_get(rs, r, 0, &id);
		rowset_get(rs, r, 3, &rk);
		rowset_get(rs, r, 4, &dr);
		rowset_get(rs, r, 5, &c);
		int64_t g = id.u.i % 10, above = 0;
		for (int64_t h = g + 1; h < 10; h++)
			above += n / 10 + (h < n % 10);
		int64_t mine = n / 10 + (g < n % 10);
		if (rk.u.i != above + 1 || dr.u.i != 10 - g || c.u.i != above + mine) {
			diag("one partition: id %lld rank %lld dense %lld count %lld", (long long)id.u.i, (long long)rk.u.i,
			    (long long)dr.u.i, (long long)c.u.i);
			bad++;
		}
	}
	ok(rs && rs->nrows == n && bad == 0, "large: one partition of %lld rows with ten peer groups (%.0f ms)", (long long)n,
	    (double)(t1 - t0) / 1e6);
	rowset_free(rs);

	/* one partition in id order: generic aggregates over wide sliding
	 * frames (segment trees spanning many chunks) */
	struct wspec s3 = {0};
	order_by(&s3, col(t, 0), false, true);
	add_agg(&s3, "sum", col(t, 2), false, fr_rows(PB_PRECEDING, 1000, PB_FOLLOWING, 1000));
	add_agg(&s3, "count", col(t, 1), true, fr_rows(PB_PRECEDING, 50, PB_CURRENT_ROW, 0));
	add_agg(&s3, "sum", col(t, 1), true, fr_rows(PB_PRECEDING, 1500, PB_PRECEDING, 1));
	t0 = exec_now_ns();
	rs = run_window(t, &s3);
	t1 = exec_now_ns();
	double *pre = malloc(sizeof *pre * (size_t)(n + 1));
	pre[0] = 0;
	for (int64_t i = 0; i < n; i++)
		pre[i + 1] = pre[i] + (double)(i % 10);
	bad = 0;
	for (int64_t r = 0; rs && r < rs->nrows && bad < 5; r++) {
		struct wb_value id, sm, cd, sd;
		rowset_get(rs, r, 0, &id);
		rowset_get(rs, r, 3, &sm);
		rowset_get(rs, r, 4, &cd);
		rowset_get(rs, r, 5, &sd);
		int64_t i = id.u.i, lo = i - 1000 < 0 ? 0 : i - 1000, hi = i + 1000 >= n ? n - 1 : i + 1000;
		/* distinct p = id % 1000 over ids [i - 1500, i - 1]: all of 0..999
		 * once 1000 ids are in, else the ids themselves */
		int64_t d0 = i - 1500 < 0 ? 0 : i - 1500, w = i - d0;
		int64_t dsum = 0;
		if (w >= 1000)
			dsum = 999 * 1000 / 2;
		else
			for (int64_t j = d0; j < i; j++)
				dsum += j % P;
		bool good = fabs(sm.u.d - (pre[hi + 1] - pre[lo])) < 1e-6 && cd.u.i == (i < 50 ? i + 1 : 51) &&
		    (w == 0 ? sd.is_null : sd.u.i == dsum);
		if (!good) {
			diag("wide frames: id %lld sum %g count distinct %lld sum distinct %lld", (long long)i, sm.u.d,
			    (long long)cd.u.i, (long long)sd.u.i);
			bad++;
		}
	}
	free(pre);
	ok(rs && rs->nrows == n && bad == 0, "large: segment trees and DISTINCT over one partition of %lld rows (%.0f ms)",
	    (long long)n, (double)(t1 - t0) / 1e6);
	rowset_free(rs);
	tbl_free(t);
}

int
main(void)
{
	A = arena_new(0);
	pool_init(4);
	test_ranking();
	test_offsets();
	test_ntile();
	test_frames();
	test_aggregates();
	test_order_sensitive();
	test_errors();
	test_edges();
	const char *env = getenv("WB_TEST_WINDOW_ROWS");
	int64_t big = env ? atoll(env) : 1000000;
	int iters = env && big < 100000 ? 6 : 24;
	for (int i = 0; i < iters; i++) {
		bool one = i % 6 == 5;
		random_case(i, one ? 5000 : big < 20000 ? big : 20000, one ? 1 : (int)rint_(100, 1000));
	}
	test_dictionaries(big < 300000 ? 300000 : big);
	test_large(big);
	free(last_error);
	arena_free(A);
	pool_shutdown();
	return done_testing();
}
