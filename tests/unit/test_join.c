/* Unit tests for the join operators (src/exec/op_join.c, join_build.c):
 * every join type over hand-built plans, checked against a naive nested
 * loop written here, plus fixed cases (NULL keys, IS NOT DISTINCT FROM,
 * dictionaries, outputs over many chunks, NOT IN semantics) and a large
 * parallel run checked by counts and checksums. */
#include "tests/tap.h"

#include <pthread.h>
#include <stdlib.h>

#include "core/pool.h"
#include "core/xmalloc.h"
#include "exec/exec.h"
#include "func/func.h"
#include "store/memtable.h"

static struct arena *A;

/* ------------------------------------------------------------ tables */

struct ttab {
	int ncol;
	wb_type types[4];
	char *names[4];
	int n;
	struct wb_value *cells;   /* row-major */
	bool scan;                /* feed through a memtable scan (DICT strings) */
};

#define CELL(t, r, c) (&(t)->cells[(size_t)(r) * (size_t)(t)->ncol + (size_t)(c)])

static struct ttab *
tab_new(int ncol, const wb_type *types, int n)
{
	struct ttab *t = arena_zalloc(A, sizeof *t);
	t->ncol = ncol;
	t->n = n;
	for (int c = 0; c < ncol; c++) {
		t->types[c] = types[c];
		t->names[c] = arena_printf(A, "c%d", c);
	}
	t->cells = arena_zalloc(A, sizeof(struct wb_value) * (size_t)(n ? n * ncol : 1));
	for (int i = 0; i < n * ncol; i++)
		t->cells[i].type = types[i % ncol];
	return t;
}

static void
set_i(struct ttab *t, int r, int c, int64_t v)
{
	CELL(t, r, c)->u.i = v;
}

static void
set_d(struct ttab *t, int r, int c, double v)
{
	CELL(t, r, c)->u.d = v;
}

static void
set_s(struct ttab *t, int r, int c, const char *s)
{
	CELL(t, r, c)->u.s = wb_str_c(arena_strdup(A, s));
}

static void
set_null(struct ttab *t, int r, int c)
{
	CELL(t, r, c)->is_null = true;
}

/* rows [from, from + k) as FLAT vectors */
static void
tab_chunk(const struct ttab *t, int from, int k, struct chunk *ch)
{
	chunk_reset(ch);
	ch->n = k;
	for (int c = 0; c < t->ncol; c++) {
		struct vec *v = &ch->cols[c];
		for (int i = 0; i < k; i++) {
			const struct wb_value *x = CELL(t, from + i, c);
			if (x->is_null) {
				vec_set_null(v, i);
				if (v->type == WB_TYPE_VARCHAR)
					vec_str(v)[i] = (wb_str){"", 0};
				else
					vec_i64(v)[i] = 0;
				continue;
			}
			if (v->nulls)
				v->nulls[i] = 0;
			switch (v->type) {
			case WB_TYPE_DOUBLE: vec_f64(v)[i] = x->u.d; break;
			case WB_TYPE_VARCHAR: vec_str(v)[i] = x->u.s; break;
			case WB_TYPE_BOOL: vec_bool(v)[i] = x->u.b; break;
			default: vec_i64(v)[i] = x->u.i;
			}
		}
		v->n = k;
	}
}

static struct memtable *mts[64];
static int nmts;

/* A plan node producing the table: VALUES, or a scan over a memtable
 * whose row groups hold `per_rg` rows each (each its own dictionaries). */
static struct pnode *
tab_node(const struct ttab *t, int per_rg)
{
	if (!t->scan) {
		struct rowset *rs = rowset_new(t->ncol, t->names, t->types);
		struct chunk ch;
		chunk_init(&ch, t->ncol, t->types);
		for (int from = 0; from < t->n; from += WB_VEC_SIZE) {
			int k = t->n - from < WB_VEC_SIZE ? t->n - from : WB_VEC_SIZE;
			tab_chunk(t, from, k, &ch);
			rowset_append(rs, &ch, 0, -1);
		}
		chunk_free(&ch);
		struct pnode *n = pnode_new(A, PN_VALUES, NULL, t->ncol);
		for (int c = 0; c < t->ncol; c++)
			pnode_set_col(A, n, c, t->names[c], t->types[c]);
		n->u.values.rows = rs;
		return n;
	}
	struct mt_builder *b = mt_builder_new(t->ncol, t->types);
	struct chunk ch;
	chunk_init(&ch, t->ncol, t->types);
	if (per_rg <= 0)
		per_rg = WB_VEC_SIZE;
	for (int from = 0, seq = 0; from < t->n; seq++) {
		int k = t->n - from < per_rg ? t->n - from : per_rg;
		if (k > WB_VEC_SIZE)
			k = WB_VEC_SIZE;
		tab_chunk(t, from, k, &ch);
		/* a new morsel per chunk, unless row groups span chunks */
		ch.seq = per_rg > WB_VEC_SIZE ? 0 : SOURCE_SEQ(seq, 0);
		mt_builder_append(b, &ch);
		from += k;
	}
	chunk_free(&ch);
	int nrg;
	struct mt_rowgroup **rgs = mt_builder_finish(b, &nrg);
	mt_builder_free(b);
	struct memtable *mt = memtable_new(t->ncol, t->types);
	memtable_add(mt, rgs, nrg);
	free(rgs);
	mts[nmts++] = mt;
	struct wb_error err = WB_ERROR_INIT;
	struct source *src = memtable_scan(mt, t->names, &err);
	struct pnode *n = pnode_new(A, PN_SCAN, NULL, t->ncol);
	for (int c = 0; c < t->ncol; c++)
		pnode_set_col(A, n, c, t->names[c], t->types[c]);
	n->u.scan.src = src;
	n->u.scan.label = "t";
	n->u.scan.nproj = t->ncol;
	n->u.scan.proj = arena_zalloc(A, sizeof(int) * (size_t)t->ncol);
	for (int c = 0; c < t->ncol; c++)
		n->u.scan.proj[c] = c;
	return n;
}

static void
free_mts(void)
{
	for (int i = 0; i < nmts; i++)
		memtable_free(mts[i]);
	nmts = 0;
}

/* ------------------------------------------------------- expressions */

static struct bexpr *
call(const char *fn, struct bexpr *x, struct bexpr *y)
{
	const struct scalar_fn *f = fn_lookup(fn);
	wb_type at[2] = {x->type, y ? y->type : WB_TYPE_NULL}, cast[2], ret;
	struct wb_error err = WB_ERROR_INIT;
	const struct fn_sig *sig = fn_resolve(f, at, NULL, y ? 2 : 1, cast, &ret, &err);
	struct bexpr *e = bexpr_new(A, BX_FUNC, ret, 0, y ? 2 : 1);
	e->u.func.fn = f;
	e->u.func.sig = sig;
	e->args[0] = x;
	if (y)
		e->args[1] = y;
	return e;
}

static struct bexpr *
cint(int64_t i)
{
	struct wb_value v = {.type = WB_TYPE_BIGINT, .u.i = i};
	return bexpr_const(A, &v, 0);
}

/* --------------------------------------------------------------- plans */

struct jspec {
	enum pn_kind kind;
	enum pn_join_type type;
	int nkeys;
	int lk[4], rk[4];         /* key columns */
	bool null_eq[4];
	bool expr_keys;           /* keys as `col + 0` (evaluated, not aliased) */
	int residual;             /* 0 none, 1 p.v < b.w, 2 p.v + b.w <> 7 */
	int pv, bw;               /* residual columns */
	bool null_aware;
};

static struct bexpr *
key_expr(const struct ttab *t, int c, bool ex)
{
	struct bexpr *e = bexpr_column(A, c, t->types[c]);
	if (ex && t->types[c] == WB_TYPE_BIGINT)
		e = call("+", e, cint(0));
	return e;
}

static struct pnode *
mk_join(const struct jspec *s, const struct ttab *P, const struct ttab *B, int per_rg)
{
	bool semi = s->type == PJ_SEMI || s->type == PJ_ANTI;
	struct pnode *p = tab_node(P, per_rg), *b = tab_node(B, per_rg);
	int ncol = P->ncol + (semi ? 0 : B->ncol);
	struct pnode *n = pnode_new(A, s->kind, p, ncol);
	for (int c = 0; c < P->ncol; c++)
		pnode_set_col(A, n, c, P->names[c], P->types[c]);
	if (!semi)
		for (int c = 0; c < B->ncol; c++)
			pnode_set_col(A, n, P->ncol + c, B->names[c], B->types[c]);
	n->u.join.type = s->type;
	n->u.join.right = b;
	n->u.join.nkeys = s->nkeys;
	n->u.join.lkeys = arena_zalloc(A, sizeof(struct bexpr *) * 4);
	n->u.join.rkeys = arena_zalloc(A, sizeof(struct bexpr *) * 4);
	n->u.join.null_eq = arena_zalloc(A, sizeof(bool) * 4);
	for (int k = 0; k < s->nkeys; k++) {
		n->u.join.lkeys[k] = key_expr(P, s->lk[k], s->expr_keys);
		n->u.join.rkeys[k] = key_expr(B, s->rk[k], s->expr_keys);
		n->u.join.null_eq[k] = s->null_eq[k];
	}
	if (s->residual) {
		struct bexpr *pv = bexpr_column(A, s->pv, WB_TYPE_BIGINT);
		struct bexpr *bw = bexpr_column(A, P->ncol + s->bw, WB_TYPE_BIGINT);
		n->u.join.residual = s->residual == 1 ? call("<", pv, bw) : call("<>", call("+", pv, bw), cint(7));
	}
	n->u.join.null_aware = s->null_aware;
	return n;
}

/* ------------------------------------------------------------ running */

struct rows {
	pthread_mutex_t mu;
	char **v;
	size_t n, cap;
	int64_t maxchunk;
};

static void
fmt_row(struct strbuf *sb, const struct chunk *c, int i)
{
	sb_clear(sb);
	for (int col = 0; col < c->ncol; col++) {
		struct wb_value v;
		vec_get(&c->cols[col], i, &v);
		value_format(&v, sb, "NULL");
		sb_putc(sb, '|');
	}
}

static int
rows_consume(void *arg, int worker, struct chunk *c, struct wb_error *err)
{
	struct rows *R = arg;
	struct strbuf sb = STRBUF_INIT;
	(void)worker;
	(void)err;
	pthread_mutex_lock(&R->mu);
	if (c->n > R->maxchunk)
		R->maxchunk = c->n;
	for (int i = 0; i < c->n; i++) {
		fmt_row(&sb, c, i);
		R->v = xgrow(R->v, &R->cap, R->n + 1, sizeof *R->v);
		R->v[R->n++] = xstrdup(sb_str(&sb));
	}
	pthread_mutex_unlock(&R->mu);
	sb_free(&sb);
	return 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run a plan on up to `workers` threads; its rows, formatted and sorted. */
static struct rows *
run(struct pnode *root, int workers, char **errmsg)
{
	struct rows *R = xcalloc(1, sizeof *R);
	pthread_mutex_init(&R->mu, NULL);
	struct exec_ctx ctx;
	exec_ctx_init(&ctx);
	ctx.max_workers = workers;
	int rc = exec_prepare(root, &ctx);
	if (rc == 0)
		rc = exec_parallel(root, &ctx, rows_consume, R, NULL);
	exec_cleanup(root);
	if (rc < 0 && errmsg)
		*errmsg = xstrdup(ctx.err.msg ? ctx.err.msg : "?");
	exec_ctx_fini(&ctx);
	free_mts();
	if (R->n)
		qsort(R->v, R->n, sizeof *R->v, cmpstr);
	return R;
}

static void
rows_free(struct rows *R)
{
	for (size_t i = 0; i < R->n; i++)
		free(R->v[i]);
	free(R->v);
	pthread_mutex_destroy(&R->mu);
	free(R);
}

/* ----------------------------------------------------------- reference */

static bool
val_eq(const struct wb_value *a, const struct wb_value *b)
{
	switch (a->type) {
	case WB_TYPE_DOUBLE: return a->u.d == b->u.d || (a->u.d != a->u.d && b->u.d != b->u.d);
	case WB_TYPE_VARCHAR: return wb_str_eq(a->u.s, b->u.s);
	case WB_TYPE_BOOL: return a->u.b == b->u.b;
	default: return a->u.i == b->u.i;
	}
}

static bool
ref_keys(const struct jspec *s, const struct ttab *P, int pr, const struct ttab *B, int br)
{
	for (int k = 0; k < s->nkeys; k++) {
		const struct wb_value *a = CELL(P, pr, s->lk[k]), *b = CELL(B, br, s->rk[k]);
		if (a->is_null || b->is_null) {
			if (s->null_eq[k] && a->is_null && b->is_null)
				continue;
			return false;
		}
		if (!val_eq(a, b))
			return false;
	}
	return true;
}

static bool
ref_match(const struct jspec *s, const struct ttab *P, int pr, const struct ttab *B, int br)
{
	if (!ref_keys(s, P, pr, B, br))
		return false;
	if (s->residual) {
		const struct wb_value *a = CELL(P, pr, s->pv), *b = CELL(B, br, s->bw);
		if (a->is_null || b->is_null)
			return false;
		return s->residual == 1 ? a->u.i < b->u.i : a->u.i + b->u.i != 7;
	}
	return true;
}

static void
ref_add(struct rows *R, const struct ttab *P, int pr, const struct ttab *B, int br)
{
	struct strbuf sb = STRBUF_INIT;
	struct wb_value nul = {.is_null = true};
	for (int c = 0; P && c < P->ncol; c++)
		value_format(pr >= 0 ? CELL(P, pr, c) : &nul, &sb, "NULL"), sb_putc(&sb, '|');
	for (int c = 0; B && c < B->ncol; c++)
		value_format(br >= 0 ? CELL(B, br, c) : &nul, &sb, "NULL"), sb_putc(&sb, '|');
	R->v = xgrow(R->v, &R->cap, R->n + 1, sizeof *R->v);
	R->v[R->n++] = xstrdup(sb_str(&sb));
	sb_free(&sb);
}

static struct rows *
reference(const struct jspec *s, const struct ttab *P, const struct ttab *B)
{
	struct rows *R = xcalloc(1, sizeof *R);
	pthread_mutex_init(&R->mu, NULL);
	bool *bm = xcalloc((size_t)B->n + 1, 1);
	bool bnull = false;
	for (int br = 0; br < B->n; br++)
		for (int k = 0; k < s->nkeys; k++)
			bnull |= CELL(B, br, s->rk[k])->is_null;
	for (int pr = 0; pr < P->n; pr++) {
		bool any = false, pnull = false;
		for (int k = 0; k < s->nkeys; k++)
			pnull |= CELL(P, pr, s->lk[k])->is_null;
		for (int br = 0; br < B->n; br++) {
			if (!ref_match(s, P, pr, B, br))
				continue;
			any = true;
			bm[br] = true;
			if (s->type != PJ_SEMI && s->type != PJ_ANTI)
				ref_add(R, P, pr, B, br);
		}
		switch (s->type) {
		case PJ_LEFT:
		case PJ_FULL:
			if (!any)
				ref_add(R, P, pr, B, -1);
			break;
		case PJ_SEMI:
			if (any)
				ref_add(R, P, pr, NULL, -1);
			break;
		case PJ_ANTI:
			if (s->null_aware && B->n > 0 && (bnull || pnull))
				break;
			if (!any)
				ref_add(R, P, pr, NULL, -1);
			break;
		default:
			break;
		}
	}
	if (s->type == PJ_RIGHT || s->type == PJ_FULL)
		for (int br = 0; br < B->n; br++)
			if (!bm[br])
				ref_add(R, P, -1, B, br);
	free(bm);
	if (R->n)
		qsort(R->v, R->n, sizeof *R->v, cmpstr);
	return R;
}

static const char *
type_label(enum pn_join_type t)
{
	static const char *names[] = {"INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI", "CROSS"};
	return names[t];
}

/* Run spec over P and B and compare with the reference; quiet unless it
 * fails. Returns whether it matched. */
static bool
check_quiet(const struct jspec *s, const struct ttab *P, const struct ttab *B, int workers, int per_rg, char *why,
    size_t whylen)
{
	struct pnode *n = mk_join(s, P, B, per_rg);
	char *err = NULL;
	struct rows *got = run(n, workers, &err);
	struct rows *want = reference(s, P, B);
	bool same = err == NULL && got->n == want->n && got->maxchunk <= WB_VEC_SIZE;
	size_t i = 0;
	for (; same && i < got->n; i++)
		same = strcmp(got->v[i], want->v[i]) == 0;
	if (!same) {
		if (err)
			snprintf(why, whylen, "error: %s", err);
		else if (got->n != want->n)
			snprintf(why, whylen, "%zu rows, want %zu (first got '%s', want '%s')", got->n, want->n,
			    got->n ? got->v[0] : "-", want->n ? want->v[0] : "-");
		else
			snprintf(why, whylen, "row %zu: got '%s', want '%s'", i - 1, got->v[i - 1], want->v[i - 1]);
	}
	free(err);
	rows_free(got);
	rows_free(want);
	return same;
}

static void
check(const struct jspec *s, const struct ttab *P, const struct ttab *B, int workers, const char *name)
{
	char why[512] = "";
	if (!ok(check_quiet(s, P, B, workers, 0, why, sizeof why), "%s (%s)", name, type_label(s->type)))
		diag("%s", why);
}

static int64_t
count_rows(const struct jspec *s, const struct ttab *P, const struct ttab *B, int workers, int64_t *maxchunk)
{
	struct pnode *n = mk_join(s, P, B, 0);
	struct rows *got = run(n, workers, NULL);
	int64_t c = (int64_t)got->n;
	if (maxchunk)
		*maxchunk = got->maxchunk;
	rows_free(got);
	return c;
}

/* ---------------------------------------------------------------- data */

static const wb_type PT[3] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_BIGINT};

static uint64_t rng = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int
rint_(int n)
{
	return (int)(rnd() % (uint64_t)n);
}

static const char *strs[] = {"apple", "banana", "cherry", "", "a somewhat longer string value", "z"};

/* (k1 BIGINT, k2 VARCHAR, v BIGINT) with keys from small domains */
static struct ttab *
rand_tab(int n, int kdom, int nullpct)
{
	struct ttab *t = tab_new(3, PT, n);
	for (int r = 0; r < n; r++) {
		set_i(t, r, 0, rint_(kdom) - 1);
		set_s(t, r, 1, strs[rint_(kdom < 6 ? kdom : 6)]);
		set_i(t, r, 2, rint_(10));
		for (int c = 0; c < 3; c++)
			if (rint_(100) < nullpct)
				set_null(t, r, c);
	}
	return t;
}

static struct jspec
spec(enum pn_join_type type, int nkeys)
{
	struct jspec s = {PN_HASH_JOIN, type, nkeys, {0, 1}, {0, 1}, {false}, false, 0, 2, 2, false};
	return s;
}

/* ------------------------------------------------------------- tests */

static void
test_basic(void)
{
	/* probe: keys 1,1,2,3,NULL; build: keys 1,2,2,4,NULL */
	struct ttab *P = tab_new(3, PT, 5), *B = tab_new(3, PT, 5);
	int64_t pk[5] = {1, 1, 2, 3, 0}, bk[5] = {1, 2, 2, 4, 0};
	for (int r = 0; r < 5; r++) {
		set_i(P, r, 0, pk[r]);
		set_s(P, r, 1, "p");
		set_i(P, r, 2, r);
		set_i(B, r, 0, bk[r]);
		set_s(B, r, 1, "b");
		set_i(B, r, 2, 10 + r);
	}
	set_null(P, 4, 0);
	set_null(B, 4, 0);
	for (int t = PJ_INNER; t <= PJ_ANTI; t++) {
		struct jspec s = spec(t, 1);
		check(&s, P, B, 1, "duplicates and NULL keys");
	}
	struct jspec s = spec(PJ_INNER, 1);
	is_int(count_rows(&s, P, B, 1, NULL), 4, "inner: 1x1 twice, 2x2 once");
	s.type = PJ_LEFT;
	is_int(count_rows(&s, P, B, 1, NULL), 6, "left keeps key 3 and NULL");
	s.type = PJ_RIGHT;
	is_int(count_rows(&s, P, B, 1, NULL), 6, "right keeps key 4 and NULL");
	s.type = PJ_FULL;
	is_int(count_rows(&s, P, B, 1, NULL), 8, "full keeps both sides' unmatched rows");
	s.type = PJ_SEMI;
	is_int(count_rows(&s, P, B, 1, NULL), 3, "semi: each matching probe row once");
	s.type = PJ_ANTI;
	is_int(count_rows(&s, P, B, 1, NULL), 2, "anti: key 3 and NULL");
	/* IS NOT DISTINCT FROM: NULL matches NULL */
	s = spec(PJ_INNER, 1);
	s.null_eq[0] = true;
	is_int(count_rows(&s, P, B, 1, NULL), 5, "null_eq: the NULL keys match too");
	for (int t = PJ_INNER; t <= PJ_ANTI; t++) {
		s.type = t;
		check(&s, P, B, 1, "null_eq");
	}
	/* same through memtable scans (dictionary strings, FOR integers) */
	P->scan = B->scan = true;
	for (int t = PJ_INNER; t <= PJ_ANTI; t++) {
		s = spec(t, 2);
		check(&s, P, B, 1, "two keys over scans");
	}
	P->scan = B->scan = false;
}

static void
test_residual(void)
{
	struct ttab *P = rand_tab(40, 4, 10), *B = rand_tab(30, 4, 10);
	for (int res = 1; res <= 2; res++)
		for (int t = PJ_INNER; t <= PJ_ANTI; t++) {
			struct jspec s = spec(t, 1);
			s.residual = res;
			check(&s, P, B, 1, res == 1 ? "residual p.v < b.w" : "residual p.v + b.w <> 7");
		}
}

static void
test_mixed_keys(void)
{
	/* (BIGINT, VARCHAR, DOUBLE) keys; -0.0 equals 0.0, NaN equals NaN */
	static const wb_type T[4] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_DOUBLE, WB_TYPE_BIGINT};
	struct ttab *P = tab_new(4, T, 6), *B = tab_new(4, T, 5);
	double pd[6] = {0.0, -0.0, 1.5, 0.0 / 0.0, 2.5, 1.5};
	double bd[5] = {-0.0, 1.5, 0.0 / 0.0, 2.5, 1.5};
	for (int r = 0; r < 6; r++) {
		set_i(P, r, 0, r % 2);
		set_s(P, r, 1, r % 3 ? "x" : "y");
		set_d(P, r, 2, pd[r]);
		set_i(P, r, 3, r);
	}
	for (int r = 0; r < 5; r++) {
		set_i(B, r, 0, r % 2);
		set_s(B, r, 1, r % 2 ? "x" : "y");
		set_d(B, r, 2, bd[r]);
		set_i(B, r, 3, r);
	}
	struct jspec s = spec(PJ_INNER, 3);
	s.lk[2] = s.rk[2] = 2;
	for (int t = PJ_INNER; t <= PJ_ANTI; t++) {
		s.type = t;
		check(&s, P, B, 1, "BIGINT+VARCHAR+DOUBLE keys");
	}
	s = spec(PJ_INNER, 1);
	s.lk[0] = s.rk[0] = 2;
	int64_t n = count_rows(&s, P, B, 1, NULL);
	/* 0.0/-0.0 (2 probe x 1 build) + 1.5 (2 x 2) + NaN (1 x 1) + 2.5 (1 x 1) */
	is_int(n, 8, "double keys: -0.0 = 0.0 and NaN = NaN");
	s.expr_keys = true;
	s.lk[0] = s.rk[0] = 0;
	check(&s, P, B, 1, "evaluated key expressions");
}

static void
test_dicts(void)
{
	/* string keys from different dictionaries on each side: a scan whose
	 * row groups (one per 7 rows) each carry their own dictionary */
	struct ttab *P = rand_tab(300, 6, 5), *B = rand_tab(100, 6, 5);
	P->scan = B->scan = true;
	for (int t = PJ_INNER; t <= PJ_ANTI; t++) {
		struct jspec s = spec(t, 1);
		s.lk[0] = s.rk[0] = 1;
		char why[512] = "";
		if (!ok(check_quiet(&s, P, B, 2, 7, why, sizeof why), "string key, many dictionaries (%s)", type_label(t)))
			diag("%s", why);
	}
	/* dictionary probe against FLAT build strings */
	B->scan = false;
	struct jspec s = spec(PJ_LEFT, 1);
	s.lk[0] = s.rk[0] = 1;
	char why[512] = "";
	if (!ok(check_quiet(&s, P, B, 2, 5, why, sizeof why), "DICT probe keys against FLAT build keys"))
		diag("%s", why);
	/* and the other way round */
	P->scan = false;
	B->scan = true;
	if (!ok(check_quiet(&s, P, B, 2, 11, why, sizeof why), "FLAT probe keys against DICT build keys"))
		diag("%s", why);
}

static void
test_many_chunks(void)
{
	/* 5000 probe rows x 7 build rows on one key: 35000 rows, duplicates
	 * on the build side spread over many output chunks */
	struct ttab *P = tab_new(3, PT, 5000), *B = tab_new(3, PT, 7);
	for (int r = 0; r < 5000; r++) {
		set_i(P, r, 0, 1);
		set_s(P, r, 1, "p");
		set_i(P, r, 2, r % 10);
	}
	for (int r = 0; r < 7; r++) {
		set_i(B, r, 0, r < 7 ? 1 : 2);
		set_s(B, r, 1, "b");
		set_i(B, r, 2, r);
	}
	struct jspec s = spec(PJ_INNER, 1);
	int64_t maxc;
	is_int(count_rows(&s, P, B, 2, &maxc), 35000, "inner join multiplies rows over many chunks");
	ok(maxc <= WB_VEC_SIZE, "no output chunk exceeds a vector");
	check(&s, P, B, 2, "35000-row output, row by row");
	/* the other way: 7 probe rows x 5000 build rows */
	is_int(count_rows(&s, B, P, 2, NULL), 35000, "a long chain per probe row");
	s.residual = 1;   /* p.v < b.w */
	check(&s, B, P, 2, "long chains through a residual");
	s.type = PJ_SEMI;
	check(&s, B, P, 2, "semi join stops at the first match of a long chain");
	s.type = PJ_FULL;
	check(&s, B, P, 2, "full join with residual over long chains");
}

static void
test_empty(void)
{
	struct ttab *E = tab_new(3, PT, 0), *T = rand_tab(20, 3, 10);
	for (int t = PJ_INNER; t <= PJ_ANTI; t++) {
		struct jspec s = spec(t, 1);
		check(&s, T, E, 1, "empty build side");
		check(&s, E, T, 1, "empty probe side");
		check(&s, E, E, 1, "both empty");
		s.kind = PN_NL_JOIN;
		s.nkeys = 0;
		s.residual = 1;
		check(&s, T, E, 1, "nested loop, empty inner");
		check(&s, E, T, 1, "nested loop, empty outer");
	}
}

static void
test_not_in(void)
{
	/* x NOT IN (SELECT y ...): probe 1, 2, NULL */
	struct ttab *P = tab_new(3, PT, 3);
	for (int r = 0; r < 3; r++) {
		set_i(P, r, 0, r + 1);
		set_s(P, r, 1, "p");
		set_i(P, r, 2, r);
	}
	set_null(P, 2, 0);
	struct ttab *B1 = tab_new(3, PT, 1), *B2 = tab_new(3, PT, 2), *E = tab_new(3, PT, 0);
	set_i(B1, 0, 0, 1);
	set_s(B1, 0, 1, "b");
	set_i(B2, 0, 0, 1);
	set_s(B2, 0, 1, "b");
	set_null(B2, 1, 0);
	set_s(B2, 1, 1, "b");
	struct jspec s = spec(PJ_ANTI, 1);
	s.null_aware = true;
	is_int(count_rows(&s, P, B1, 1, NULL), 1, "NOT IN (1): only 2 (NULL is unknown)");
	is_int(count_rows(&s, P, B2, 1, NULL), 0, "NOT IN (1, NULL): nothing");
	is_int(count_rows(&s, P, E, 1, NULL), 3, "NOT IN (empty): every row, NULL included");
	s.null_aware = false;
	is_int(count_rows(&s, P, B2, 1, NULL), 2, "NOT EXISTS (1, NULL): 2 and NULL");
	s.null_aware = true;
	s.residual = 1;
	check(&s, P, B1, 1, "null-aware with residual");
	check(&s, P, B2, 1, "null-aware with residual, NULL on the build side");
	struct ttab *R1 = rand_tab(50, 5, 15), *R2 = rand_tab(20, 5, 0);
	s.residual = 0;
	check(&s, R1, R2, 1, "null-aware anti, random, no NULL build keys");
	R2 = rand_tab(20, 5, 10);
	check(&s, R1, R2, 1, "null-aware anti, random");
}

static void
test_nested_loop(void)
{
	struct ttab *P = rand_tab(100, 5, 5), *B = rand_tab(300, 5, 5);
	struct jspec s = spec(PJ_CROSS, 0);
	s.kind = PN_NL_JOIN;
	is_int(count_rows(&s, P, B, 2, NULL), 30000, "cross join: 100 x 300");
	s.type = PJ_INNER;
	check(&s, P, B, 2, "nested loop without condition");
	for (int t = PJ_INNER; t <= PJ_ANTI; t++) {
		s.type = t;
		s.residual = 1;
		check(&s, P, B, 2, "nested loop p.v < b.w");
		s.residual = 2;
		check(&s, P, B, 2, "nested loop p.v + b.w <> 7");
	}
	/* an inner side large enough to be evaluated a block at a time */
	P = rand_tab(40, 5, 5);
	B = rand_tab(3000, 5, 5);
	for (int t = PJ_INNER; t <= PJ_ANTI; t++) {
		s.type = t;
		s.residual = 1 + t % 2;
		check(&s, P, B, 2, "nested loop, 40 x 3000 by blocks");
	}
	B->scan = true;
	s.type = PJ_FULL;
	char why[512] = "";
	if (!ok(check_quiet(&s, P, B, 2, 1500, why, sizeof why), "nested loop by blocks over partly filled blocks"))
		diag("%s", why);
	B->scan = false;
	/* a chunked outer side */
	P = rand_tab(5000, 5, 5);
	B = rand_tab(7, 5, 5);
	s.type = PJ_FULL;
	s.residual = 1;
	check(&s, P, B, 3, "nested loop full join, 5000 x 7, three workers");
}

static void
test_random(int iters)
{
	int fails = 0;
	char why[512];
	for (int it = 0; it < iters; it++) {
		/* now and then more than a vector of probe rows, so that
		 * several workers share the probe side */
		bool big = rint_(10) == 0, nl = rint_(5) == 0;
		/* nested loops over an inner side large enough to go by blocks */
		bool wide = nl && !big && rint_(4) == 0;
		int kd = big ? 20 + rint_(100) : 1 + rint_(8);
		struct ttab *P = rand_tab(big ? 2100 + rint_(3000) : rint_(wide ? 12 : 60), kd, rint_(30));
		struct ttab *B = rand_tab(big ? (nl ? 5 + rint_(10) : 50 + rint_(250)) : wide ? 1024 + rint_(1500) : rint_(40), kd,
		    rint_(30));
		P->scan = rint_(2);
		B->scan = rint_(2);
		struct jspec s = spec((enum pn_join_type)rint_(6), 0);
		if (nl) {
			s.kind = PN_NL_JOIN;
			s.residual = rint_(3);
		} else {
			static const int cfg[4][2] = {{0, -1}, {1, -1}, {0, 1}, {1, 0}};
			int c = rint_(4);
			s.nkeys = cfg[c][1] < 0 ? 1 : 2;
			s.lk[0] = s.rk[0] = cfg[c][0];
			s.lk[1] = s.rk[1] = cfg[c][1];
			for (int k = 0; k < s.nkeys; k++)
				s.null_eq[k] = rint_(5) == 0;
			s.expr_keys = rint_(4) == 0;
			s.residual = rint_(3);
			if (s.type == PJ_ANTI && rint_(2)) {
				s.null_aware = true;
				s.null_eq[0] = s.null_eq[1] = false;
			}
		}
		int workers = 1 + rint_(4);
		int per_rg = rint_(3) ? 0 : 1 + rint_(50);
		if (!check_quiet(&s, P, B, workers, per_rg, why, sizeof why)) {
			if (fails++ < 5)
				diag("iteration %d (%s, %s, keys %d, residual %d, %d x %d rows, %d workers): %s", it,
				    s.kind == PN_NL_JOIN ? "NL" : "hash", type_label(s.type), s.nkeys, s.residual, P->n, B->n,
				    workers, why);
		}
		arena_reset(A);
	}
	is_int(fails, 0, "%d random joins agree with a nested-loop reference", iters);
}

/* ------------------------------------------------------------ large */

struct sums {
	int64_t rows[16];
	uint64_t sum[16];
	int64_t nulls[16];
};

static int
sum_consume(void *arg, int worker, struct chunk *c, struct wb_error *err)
{
	struct sums *S = arg;
	(void)err;
	S->rows[worker] += c->n;
	for (int col = 0; col < c->ncol; col++) {
		const struct vec *v = &c->cols[col];
		if (v->type != WB_TYPE_BIGINT)
			continue;
		for (int i = 0; i < c->n; i++) {
			if (vec_is_null(v, i)) {
				S->nulls[worker]++;
				continue;
			}
			S->sum[worker] += (uint64_t)vec_i64(v)[v->kind == VEC_CONST ? 0 : i] * (uint64_t)(col + 1);
		}
	}
	return 0;
}

static void
test_large(void)
{
	enum { NP = 1000000, NB = 100000, KD = 120000 };
	static const wb_type T2[2] = {WB_TYPE_BIGINT, WB_TYPE_BIGINT};
	struct ttab *P = tab_new(2, T2, NP), *B = tab_new(2, T2, NB);
	int64_t *bcnt = xcalloc(KD, sizeof(int64_t));
	uint64_t *bsum = xcalloc(KD, sizeof(uint64_t));
	int64_t *pcnt = xcalloc(KD, sizeof(int64_t));
	for (int r = 0; r < NB; r++) {
		/* keys 0..KD, some duplicated */
		int64_t k = r % 10 == 0 ? rint_(KD) : (int64_t)r * 7 % KD;
		set_i(B, r, 0, k);
		set_i(B, r, 1, rint_(1000));
		bcnt[k]++;
		bsum[k] += (uint64_t)CELL(B, r, 1)->u.i;
	}
	for (int r = 0; r < NP; r++) {
		int64_t k = rint_(KD);
		set_i(P, r, 0, k);
		set_i(P, r, 1, rint_(1000));
		pcnt[k]++;
	}
	P->scan = true;   /* 9 row groups: parallel probe morsels */
	B->scan = true;
	/* expected: checksum weights column c by c + 1 */
	int64_t e_inner = 0, e_semi = 0, e_anti = 0, e_bun = 0;
	uint64_t s_inner = 0, s_pleft = 0, s_semi = 0, s_anti = 0, s_bun = 0;
	for (int r = 0; r < NP; r++) {
		int64_t k = CELL(P, r, 0)->u.i;
		uint64_t pv = (uint64_t)k + 2 * (uint64_t)CELL(P, r, 1)->u.i;
		if (bcnt[k]) {
			e_inner += bcnt[k];
			s_inner += pv * (uint64_t)bcnt[k] + 3 * (uint64_t)k * (uint64_t)bcnt[k] + 4 * bsum[k];
			e_semi++;
			s_semi += pv;
		} else {
			e_anti++;
			s_anti += pv;
			s_pleft += pv;
		}
	}
	for (int r = 0; r < NB; r++) {
		int64_t k = CELL(B, r, 0)->u.i;
		if (pcnt[k] == 0) {
			e_bun++;
			s_bun += 3 * (uint64_t)k + 4 * (uint64_t)CELL(B, r, 1)->u.i;
		}
	}
	struct {
		enum pn_join_type t;
		int64_t rows;
		uint64_t sum;
		int64_t nulls;
	} cases[] = {
		{PJ_INNER, e_inner, s_inner, 0},
		{PJ_LEFT, e_inner + e_anti, s_inner + s_pleft, 2 * e_anti},
		{PJ_RIGHT, e_inner + e_bun, s_inner + s_bun, 2 * e_bun},
		{PJ_FULL, e_inner + e_anti + e_bun, s_inner + s_pleft + s_bun, 2 * (e_anti + e_bun)},
		{PJ_SEMI, e_semi, s_semi, 0},
		{PJ_ANTI, e_anti, s_anti, 0},
	};
	for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
		struct jspec s = spec(cases[ci].t, 1);
		struct pnode *n = mk_join(&s, P, B, 0);
		struct sums S;
		memset(&S, 0, sizeof S);
		struct exec_ctx ctx;
		exec_ctx_init(&ctx);
		ctx.max_workers = 4;
		int nw = 0;
		int rc = exec_prepare(n, &ctx);
		if (rc == 0)
			rc = exec_parallel(n, &ctx, sum_consume, &S, &nw);
		exec_cleanup(n);
		exec_ctx_fini(&ctx);
		free_mts();
		int64_t rows = 0, nulls = 0;
		uint64_t sum = 0;
		for (int w = 0; w < 16; w++) {
			rows += S.rows[w];
			sum += S.sum[w];
			nulls += S.nulls[w];
		}
		ok(rc == 0 && nw == 4, "1e6 x 1e5 %s ran on 4 workers", type_label(cases[ci].t));
		is_int(rows, cases[ci].rows, "1e6 x 1e5 %s: row count", type_label(cases[ci].t));
		ok(sum == cases[ci].sum, "1e6 x 1e5 %s: checksum", type_label(cases[ci].t));
		is_int(nulls, cases[ci].nulls, "1e6 x 1e5 %s: NULL padding", type_label(cases[ci].t));
	}
	free(bcnt);
	free(bsum);
	free(pcnt);
}

int
main(void)
{
	pool_init(4);
	A = arena_new(0);
	test_basic();
	test_residual();
	test_mixed_keys();
	test_dicts();
	test_many_chunks();
	test_empty();
	test_not_in();
	test_nested_loop();
	arena_reset(A);
	test_random(getenv("WB_JOIN_ITERS") ? atoi(getenv("WB_JOIN_ITERS")) : 600);
	arena_reset(A);
	test_large();
	arena_free(A);
	pool_shutdown();
	return done_testing();
}
