/*
 * ml_als: alternating least squares for implicit and explicit feedback
 * (the model and its contracts are described in ml_als.h).
 *
 * Layout: the triples become two compressed sparse row matrices, one by
 * user (rows sorted by item) and one by item (rows sorted by user), built
 * with two stable counting sorts so every row's order - and hence every
 * floating-point sum - depends only on the data, not on threads. A half
 * step solves one side's factors given the other's: rows are cut into
 * fixed blocks (pool tasks), each worker has its own scratch, and
 * per-block partial sums (objective terms, Gram matrices) are added in
 * block order afterwards.
 */
#include "ml/ml_als.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ALS_MAGIC 0x31534c41u     /* "ALS1" little-endian */

const char *const ml_als_options[] = {
	"feedback_type", "num_factors", "rank", "l2_reg", "reg", "max_iterations", "wals_alpha", "alpha",
	"seed", "early_stop", "min_rel_progress", NULL,
};

struct ml_als {
	bool implicit;
	int k, nusers, nitems;
	int iterations;           /* run */
	double lambda, alpha;
	int64_t ntrain;           /* cells (implicit) or triples (explicit) used */
	double objective;         /* at the final factors */
	double rmse;              /* explicit: over the training triples; implicit: NaN */
	double *x;                /* nusers x k */
	double *y;                /* nitems x k */
	double *pop;              /* nitems popularity */
	int32_t *ucount;          /* per user: training cells / triples (saturated) */
	/* derived at train/load time, not saved */
	double *yt;               /* k x ldyt: y transposed (zero padded), for scoring all items */
	int ldyt;                 /* nitems rounded up to a multiple of 8 */
	int32_t *pop_order;       /* items by popularity, best first */
};

/* A sparse matrix by rows: row r's entries are [off[r], off[r+1]). */
struct als_csr {
	int nrows;
	int64_t *off;
	int32_t *idx;
	double *val;
};

static void
csr_free(struct als_csr *c)
{
	free(c->off);
	free(c->idx);
	free(c->val);
	memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------ options */

struct als_params {
	bool implicit;
	int k, maxit;
	double lambda, alpha, min_rel;
	bool early_stop;
	uint64_t seed;
};

/* An option with an alias (num_factors / rank): the one given, or name
 * when neither is; both given is an error. */
static const char *
opt_alias(const struct ml_opts *o, const char *name, const char *alias, struct wb_error *err)
{
	struct ml_opt *a = ml_opt_find(o, name), *b = ml_opt_find(o, alias);
	if (a && b) {
		err_set(err, b->pos, "options %s and %s are the same; give one", name, alias);
		return NULL;
	}
	return b ? alias : name;
}

static int
als_read_options(const struct ml_opts *o, struct als_params *p, struct wb_error *err)
{
	static const char *const fb[] = {"implicit", "explicit", NULL};
	const char *s, *kname, *rname, *aname;
	int64_t k, maxit, seed;
	if (ml_opt_choice(o, "feedback_type", "implicit", fb, &s, err) < 0)
		return -1;
	p->implicit = strcmp(s, "implicit") == 0;
	if ((kname = opt_alias(o, "num_factors", "rank", err)) == NULL ||
	    (rname = opt_alias(o, "l2_reg", "reg", err)) == NULL ||
	    (aname = opt_alias(o, "wals_alpha", "alpha", err)) == NULL)
		return -1;
	/* Implicit: plain lambda, BigQuery's default 1. Explicit: lambda per
	 * rating (ALS-WR), Spark's default 0.1 - lambda = 1 per rating would
	 * shrink every factor towards zero. */
	if (ml_opt_int(o, kname, 10, 1, ML_ALS_MAX_RANK, &k, err) < 0 ||
	    ml_opt_num(o, rname, p->implicit ? 1.0 : 0.1, 0, 1e12, &p->lambda, err) < 0 ||
	    ml_opt_int(o, "max_iterations", 10, 1, 10000, &maxit, err) < 0 ||
	    ml_opt_num(o, aname, 40, 0, 1e12, &p->alpha, err) < 0 ||
	    ml_opt_int(o, "seed", 0, 0, (int64_t)1 << 53, &seed, err) < 0 ||
	    ml_opt_bool(o, "early_stop", false, &p->early_stop, err) < 0 ||
	    ml_opt_num(o, "min_rel_progress", 0.01, 0, 1, &p->min_rel, err) < 0)
		return -1;
	const struct ml_opt *al = ml_opt_find(o, aname);
	if (!p->implicit && al) {
		err_set(err, al->pos, "option %s applies to feedback_type = 'implicit' only", aname);
		err_hint(err, "explicit ratings have no confidence weights: drop %s", aname);
		return -1;
	}
	p->k = (int)k;
	p->maxit = (int)maxit;
	p->seed = (uint64_t)seed;
	return 0;
}

/* ------------------------------------------------------------ data */

static int
als_check_data(const struct ml_als_data *d, struct wb_error *err)
{
	if (d->n <= 0 || d->nusers <= 0 || d->nitems <= 0) {
		err_set(err, -1, "matrix factorization needs at least one (user, item, rating) row");
		err_hint(err, "the training query returned no rows with a user, an item and a rating");
		return -1;
	}
	for (int64_t t = 0; t < d->n; t++) {
		if (d->user[t] < 0 || d->user[t] >= d->nusers || d->item[t] < 0 || d->item[t] >= d->nitems) {
			err_set(err, -1, "row %lld: user or item code out of range", (long long)t + 1);
			return -1;
		}
		if (!isfinite(d->rating[t])) {
			err_set(err, -1, "row %lld: the rating is %s", (long long)t + 1,
			    isnan(d->rating[t]) ? "NaN" : "infinite");
			err_hint(err, "filter such rows out (WHERE NOT isnan(rating)) or replace them");
			return -1;
		}
	}
	return 0;
}

/* Stable counting sort of n entries by key into (idx, val) rows of a CSR
 * with nrows rows: entries keep their relative order within a row. */
static void
csr_by_key(struct als_csr *c, int nrows, int64_t n, const int32_t *key, const int32_t *idx, const double *val)
{
	c->nrows = nrows;
	c->off = xcalloc((size_t)nrows + 1, sizeof *c->off);
	c->idx = xmalloc((size_t)(n ? n : 1) * sizeof *c->idx);
	c->val = xmalloc((size_t)(n ? n : 1) * sizeof *c->val);
	for (int64_t t = 0; t < n; t++)
		c->off[key[t] + 1]++;
	for (int r = 0; r < nrows; r++)
		c->off[r + 1] += c->off[r];
	int64_t *pos = xmalloc((size_t)(nrows ? nrows : 1) * sizeof *pos);
	memcpy(pos, c->off, (size_t)nrows * sizeof *pos);
	for (int64_t t = 0; t < n; t++) {
		int64_t p = pos[key[t]]++;
		c->idx[p] = idx[t];
		c->val[p] = val[t];
	}
	free(pos);
}

/* Implicit mode: one cell per (user, item) with the ratings summed; cells
 * whose sum is <= 0 are dropped (no preference, confidence 1 - the same
 * as an unobserved cell). Rows are sorted by item, so duplicates are
 * adjacent. */
static void
csr_merge_positive(struct als_csr *c)
{
	int64_t w = 0;
	for (int r = 0; r < c->nrows; r++) {
		int64_t a = c->off[r], b = c->off[r + 1];
		c->off[r] = w;
		for (int64_t t = a; t < b;) {
			int32_t j = c->idx[t];
			double s = 0;
			for (; t < b && c->idx[t] == j; t++)
				s += c->val[t];
			if (s > 0) {
				c->idx[w] = j;
				c->val[w++] = s;
			}
		}
	}
	c->off[c->nrows] = w;
}

/* The transpose of a CSR (rows sorted by the old row index). */
static void
csr_transpose(struct als_csr *t, const struct als_csr *c, int ncols)
{
	int64_t n = c->off[c->nrows];
	int32_t *rows = xmalloc((size_t)(n ? n : 1) * sizeof *rows);
	for (int r = 0; r < c->nrows; r++)
		for (int64_t p = c->off[r]; p < c->off[r + 1]; p++)
			rows[p] = r;
	csr_by_key(t, ncols, n, c->idx, rows, c->val);
	free(rows);
}

/* ------------------------------------------------------------ dense kernels */

/* GNU vector types: a pair of doubles is an SSE2 register on baseline
 * x86-64 (and a NEON one on arm64). Unaligned loads and stores go through
 * memcpy. */
typedef double v2d __attribute__((vector_size(16)));

#define LOAD2(v, p) memcpy(&(v), (p), sizeof(v2d))
#define STORE2(p, v) memcpy((p), &(v), sizeof(v2d))

/* sum a[p] * b[p] for p < n, four products at a time (the Cholesky's
 * inner loops; its accuracy is that of any summation order) */
static inline double
dot_v(const double *a, const double *b, int n)
{
	v2d s0 = {0, 0}, s1 = s0;
	int p = 0;
	for (; p + 4 <= n; p += 4) {
		v2d a0, a1, b0, b1;
		LOAD2(a0, a + p);
		LOAD2(a1, a + p + 2);
		LOAD2(b0, b + p);
		LOAD2(b1, b + p + 2);
		s0 += a0 * b0;
		s1 += a1 * b1;
	}
	s0 += s1;
	double s = s0[0] + s0[1];
	for (; p < n; p++)
		s += a[p] * b[p];
	return s;
}

/* In-place Cholesky of the lower triangle of the k x k row-major a.
 * Returns -1 when a is not (numerically) positive definite. */
static int
chol(double *a, int k)
{
	for (int j = 0; j < k; j++) {
		double *rj = a + (size_t)j * k;
		double d = rj[j] - dot_v(rj, rj, j);
		if (!(d > 0) || !isfinite(d))
			return -1;
		d = sqrt(d);
		rj[j] = d;
		for (int i = j + 1; i < k; i++) {
			double *ri = a + (size_t)i * k;
			ri[j] = (ri[j] - dot_v(ri, rj, j)) / d;
		}
	}
	return 0;
}

/* Solve L L' x = b with chol's factor; b is overwritten by x. */
static void
chol_solve(const double *l, int k, double *b)
{
	for (int i = 0; i < k; i++) {
		const double *ri = l + (size_t)i * k;
		b[i] = (b[i] - dot_v(ri, b, i)) / ri[i];
	}
	for (int i = k - 1; i >= 0; i--) {
		double s = b[i];
		for (int p = i + 1; p < k; p++)
			s -= l[(size_t)p * k + i] * b[p];
		b[i] = s / l[(size_t)i * k + i];
	}
}

static inline double
dot(const double *a, const double *b, int k)
{
	double s = 0;
	for (int f = 0; f < k; f++)
		s += a[f] * b[f];
	return s;
}

/* ------------------------------------------------------------ Gram matrix */

struct gram_job {
	const double *f;          /* n x k */
	int64_t n;
	int k, ntasks;
	double *part;             /* ntasks x k x k (lower triangles) */
};

static void
gram_task(void *arg, int task, int worker)
{
	struct gram_job *g = arg;
	int k = g->k;
	int64_t a = g->n * task / g->ntasks, b = g->n * (task + 1) / g->ntasks;
	double *G = g->part + (size_t)task * k * k;
	memset(G, 0, (size_t)k * k * sizeof *G);
	for (int64_t r = a; r < b; r++) {
		const double *v = g->f + (size_t)r * k;
		for (int i = 0; i < k; i++) {
			double vi = v[i];
			double *gi = G + (size_t)i * k;
			for (int j = 0; j <= i; j++)
				gi[j] += vi * v[j];
		}
	}
	(void)worker;
}

/* out (k x k, full) = f' f, in a fixed number of row chunks added in
 * order: the same bits for any thread count. */
static void
gram(const double *f, int64_t n, int k, double *out)
{
	int ntasks = (int)((n + 1023) / 1024);
	/* partials cost ntasks k^2 doubles: at most 16 chunks, and about
	 * 64 MB for the largest ranks */
	int cap = (int)(8 * 1024 * 1024 / ((int64_t)k * k));
	if (ntasks > 16)
		ntasks = 16;
	if (ntasks > cap)
		ntasks = cap;
	if (ntasks < 1)
		ntasks = 1;
	struct gram_job g = {f, n, k, ntasks, xmalloc((size_t)ntasks * k * k * sizeof(double))};
	pool_run(ntasks, gram_task, &g);
	memset(out, 0, (size_t)k * k * sizeof *out);
	for (int t = 0; t < ntasks; t++)
		for (size_t e = 0; e < (size_t)k * k; e++)
			out[e] += g.part[(size_t)t * k * k + e];
	for (int i = 0; i < k; i++)
		for (int j = 0; j < i; j++)
			out[(size_t)j * k + i] = out[(size_t)i * k + j];
	free(g.part);
}

/* ------------------------------------------------------------ half step */

/* Observations gathered per pass of the rank-update kernel. */
#define ALS_CHUNK 128

/* A worker's scratch for one solve. The other side's rows of a solve are
 * gathered into g (and w * row into gw), ALS_CHUNK at a time, so the
 * update of the k x k matrix can run tile by tile with the tile in
 * registers instead of reading and writing all of the matrix for every
 * observation (which made rank 50 three times slower). */
struct als_scratch {
	int kp;                   /* k rounded up to a multiple of 4 */
	double *A;                /* k x k: the system, then its factor */
	double *b;                /* k */
	double *S;                /* kp x kp: sum of w v v' (lower tiles) */
	double *g, *gw;           /* ALS_CHUNK x kp, zero padded */
};

static struct als_scratch *
scratch_new(int k)
{
	struct als_scratch *s = xmalloc(sizeof *s);
	s->kp = (k + 3) / 4 * 4;
	size_t kp = (size_t)s->kp;
	s->A = xcalloc((size_t)k * k + k + kp * kp + 2 * ALS_CHUNK * kp, sizeof(double));
	s->b = s->A + (size_t)k * k;
	s->S = s->b + k;
	s->g = s->S + kp * kp;
	s->gw = s->g + ALS_CHUNK * kp;
	return s;
}

static void
scratch_free(struct als_scratch *s)
{
	if (s) {
		free(s->A);
		free(s);
	}
}

/* S += gw' g over n gathered rows, for the 2 x 4 tiles that hold S's
 * lower triangle (some entries above the diagonal come along; they are
 * never read). */
static void
rank_update(double *S, const double *g, const double *gw, int n, int kp)
{
	for (int i = 0; i < kp; i += 2)
		for (int j = 0; j <= i + 1; j += 4) {
			double *s0 = S + (size_t)i * kp + j, *s1 = s0 + kp;
			v2d a0, a1, b0, b1;
			LOAD2(a0, s0);
			LOAD2(a1, s0 + 2);
			LOAD2(b0, s1);
			LOAD2(b1, s1 + 2);
			for (int t = 0; t < n; t++) {
				const double *gr = g + (size_t)t * kp + j, *wr = gw + (size_t)t * kp + i;
				v2d u = {wr[0], wr[0]}, v = {wr[1], wr[1]}, y0, y1;
				LOAD2(y0, gr);
				LOAD2(y1, gr + 2);
				a0 += u * y0;
				a1 += u * y1;
				b0 += v * y0;
				b1 += v * y1;
			}
			STORE2(s0, a0);
			STORE2(s0 + 2, a1);
			STORE2(s1, b0);
			STORE2(s1 + 2, b1);
		}
}

struct half_job {
	const struct als_params *p;
	const struct als_csr *csr;    /* rows of the side solved */
	const double *fixed;          /* the other side's factors */
	const double *gramf;          /* fixed' fixed (implicit) */
	double *out;                  /* this side's factors */
	struct als_scratch **scratch; /* per worker */
	int block, ntasks;
	double *loss;                 /* per task: observed-cell terms */
	double *reg;                  /* per task: penalty terms */
	int *fail;                    /* per task: first singular row + 1, -1 cancelled, or 0 */
	const struct ml_log *log;
};

/* Solve row r into x: the normal equations A x = b of the regularized
 * weighted least squares given the fixed factors. */
static int
solve_row(const struct half_job *h, int r, struct als_scratch *sc, double *x)
{
	const struct als_params *p = h->p;
	int k = p->k, kp = sc->kp;
	int64_t a = h->csr->off[r], e = h->csr->off[r + 1];
	if (a == e) {
		/* no data: the minimizer is 0 (implicit: (Y'Y + lambda I) x = 0) */
		memset(x, 0, (size_t)k * sizeof *x);
		return 0;
	}
	double *A = sc->A, *b = sc->b;
	memset(b, 0, (size_t)k * sizeof *b);
	memset(sc->S, 0, (size_t)kp * kp * sizeof *sc->S);
	for (int64_t t0 = a; t0 < e; t0 += ALS_CHUNK) {
		int n = e - t0 < ALS_CHUNK ? (int)(e - t0) : ALS_CHUNK;
		for (int q = 0; q < n; q++) {
			int64_t t = t0 + q;
			const double *v = h->fixed + (size_t)h->csr->idx[t] * k;
			double *g = sc->g + (size_t)q * kp, *gw = sc->gw + (size_t)q * kp, w, bw;
			if (p->implicit) {
				/* Y'(C_u - I)Y and Y'C_u p_u with p = 1 on stored cells */
				bw = 1 + p->alpha * h->csr->val[t];
				w = bw - 1;
			} else {
				w = 1;
				bw = h->csr->val[t];
			}
			for (int f = 0; f < k; f++) {
				g[f] = v[f];
				gw[f] = w * v[f];
				b[f] += bw * v[f];
			}
		}
		rank_update(sc->S, sc->g, sc->gw, n, kp);
	}
	double lam = p->implicit ? p->lambda : p->lambda * (double)(e - a);
	for (int i = 0; i < k; i++) {
		double *ai = A + (size_t)i * k;
		const double *si = sc->S + (size_t)i * kp;
		for (int j = 0; j <= i; j++)
			ai[j] = (p->implicit ? h->gramf[(size_t)i * k + j] : 0) + si[j];
		ai[i] += lam;
	}
	if (chol(A, k) < 0)
		return -1;
	chol_solve(A, k, b);
	memcpy(x, b, (size_t)k * sizeof *x);
	return 0;
}

/* The observed cells' part of the objective at row r's new factor x:
 * implicit, c (1 - s)^2 - s^2 (the s^2 all cells contribute is added
 * once as trace(X'X Y'Y)); explicit, (r - s)^2. */
static double
row_loss(const struct half_job *h, int r, const double *x)
{
	const struct als_params *p = h->p;
	double s = 0;
	for (int64_t t = h->csr->off[r]; t < h->csr->off[r + 1]; t++) {
		double sc = dot(x, h->fixed + (size_t)h->csr->idx[t] * p->k, p->k), v = h->csr->val[t];
		if (p->implicit) {
			double c = 1 + p->alpha * v;
			s += c * (1 - sc) * (1 - sc) - sc * sc;
		} else
			s += (v - sc) * (v - sc);
	}
	return s;
}

static void
half_task(void *arg, int task, int worker)
{
	struct half_job *h = arg;
	const struct als_params *p = h->p;
	int k = p->k, a = task * h->block, e = a + h->block;
	if (e > h->csr->nrows)
		e = h->csr->nrows;
	h->loss[task] = h->reg[task] = 0;
	h->fail[task] = 0;
	/* large ranks make one block long: look at cancellation per block */
	if (ml_log_cancelled(h->log)) {
		h->fail[task] = -1;
		return;
	}
	struct als_scratch *sc = h->scratch[worker];
	double loss = 0, reg = 0;
	for (int r = a; r < e; r++) {
		double *x = h->out + (size_t)r * k;
		if (solve_row(h, r, sc, x) < 0) {
			h->fail[task] = r + 1;
			return;
		}
		int64_t n = h->csr->off[r + 1] - h->csr->off[r];
		loss += row_loss(h, r, x);
		reg += (p->implicit ? p->lambda : p->lambda * (double)n) * dot(x, x, k);
	}
	h->loss[task] = loss;
	h->reg[task] = reg;
}

/* Solve every row of csr into out given fixed. Returns 0, or -1 with
 * *bad_row set (the smallest singular row, or -1 when cancelled). The
 * observed-cell loss and penalty at the new factors go to *loss, *reg. */
static int
half_step(const struct als_params *p, const struct als_csr *csr, const double *fixed, const double *gramf,
    double *out, struct als_scratch **scratch, const struct ml_log *log, double *loss, double *reg, int *bad_row)
{
	int block = p->k >= 100 ? 16 : p->k >= 30 ? 64 : 256;
	int ntasks = (csr->nrows + block - 1) / block;
	struct half_job h = {
		.p = p, .csr = csr, .fixed = fixed, .gramf = gramf, .out = out, .scratch = scratch,
		.block = block, .ntasks = ntasks, .log = log,
		.loss = xmalloc((size_t)ntasks * sizeof(double)), .reg = xmalloc((size_t)ntasks * sizeof(double)),
		.fail = xmalloc((size_t)ntasks * sizeof(int)),
	};
	pool_run(ntasks, half_task, &h);
	int rc = 0;
	bool cancelled = false;
	*loss = *reg = 0;
	for (int t = 0; t < ntasks; t++) {
		*loss += h.loss[t];
		*reg += h.reg[t];
		if (h.fail[t] > 0 && rc == 0) {
			*bad_row = h.fail[t] - 1;
			rc = -1;
		}
		cancelled |= h.fail[t] < 0;
	}
	if (rc == 0 && cancelled) {
		*bad_row = -1;
		rc = -1;
	}
	free(h.loss);
	free(h.reg);
	free(h.fail);
	return rc;
}

/* ------------------------------------------------------------ derived state */

struct pop_ent {
	double s;
	int32_t i;
};

static int
pop_cmp(const void *a, const void *b)
{
	const struct pop_ent *x = a, *y = b;
	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* What scoring needs beyond the saved state: y transposed (the inner
 * scoring loop then runs over contiguous items) and the popularity order. */
static void
als_derive(struct ml_als *m)
{
	int k = m->k, n = m->nitems;
	m->ldyt = (n + 7) / 8 * 8;
	m->yt = xcalloc((size_t)k * m->ldyt, sizeof *m->yt);
	for (int i = 0; i < n; i++)
		for (int f = 0; f < k; f++)
			m->yt[(size_t)f * m->ldyt + i] = m->y[(size_t)i * k + f];
	struct pop_ent *e = xmalloc((size_t)n * sizeof *e);
	for (int i = 0; i < n; i++)
		e[i] = (struct pop_ent){m->pop[i], i};
	qsort(e, (size_t)n, sizeof *e, pop_cmp);
	m->pop_order = xmalloc((size_t)n * sizeof *m->pop_order);
	for (int i = 0; i < n; i++)
		m->pop_order[i] = e[i].i;
	free(e);
}

void
ml_als_free(struct ml_als *m)
{
	if (m == NULL)
		return;
	free(m->x);
	free(m->y);
	free(m->pop);
	free(m->ucount);
	free(m->yt);
	free(m->pop_order);
	free(m);
}

/* ------------------------------------------------------------ training */

/* User factors' start: |N(0,1)| vectors of unit length, one random stream
 * per user so the start does not depend on anything but (seed, user). */
static void
als_init_users(double *x, int nusers, int k, uint64_t seed)
{
	for (int u = 0; u < nusers; u++) {
		struct ml_rng rng;
		ml_rng_seed(&rng, seed, (uint64_t)u);
		double *v = x + (size_t)u * k, s = 0;
		for (int f = 0; f < k; f++) {
			v[f] = fabs(ml_rng_normal(&rng));
			s += v[f] * v[f];
		}
		s = sqrt(s);
		for (int f = 0; f < k; f++)
			v[f] /= s;
	}
}

static double
trace_prod(const double *a, const double *b, int k)
{
	double s = 0;
	for (size_t e = 0; e < (size_t)k * k; e++)
		s += a[e] * b[e];
	return s;
}

static bool
all_finite(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return false;
	return true;
}

/* The ALS iterations on the built matrices; fills m's factors, objective
 * and iterations. Returns -1 with err set on failure. */
static int
als_iterate(struct ml_als *m, const struct als_params *p, const struct als_csr *byuser,
    const struct als_csr *byitem, struct ml_log *log, struct wb_error *err)
{
	int k = p->k, nw = pool_size();
	struct als_scratch **scratch = xmalloc((size_t)nw * sizeof *scratch);
	for (int w = 0; w < nw; w++)
		scratch[w] = scratch_new(k);
	double *gx = xmalloc((size_t)k * k * sizeof *gx), *gy = xmalloc((size_t)k * k * sizeof *gy);
	int rc = 0, bad;
	double prev = NAN;
	if (p->implicit)
		gram(m->x, m->nusers, k, gx);
	for (int it = 0; it < p->maxit; it++) {
		double iloss, ireg, uloss, ureg;
		if (half_step(p, byitem, m->x, gx, m->y, scratch, log, &iloss, &ireg, &bad) < 0) {
			rc = -1;
			if (bad < 0)
				err_set(err, -1, "training cancelled");
			else {
				err_set(err, -1, "the least-squares system for item (code %d) is singular", bad);
				err_hint(err, "use l2_reg > 0 (it is %g)", p->lambda);
			}
			break;
		}
		if (p->implicit)
			gram(m->y, m->nitems, k, gy);
		if (half_step(p, byuser, m->y, gy, m->x, scratch, log, &uloss, &ureg, &bad) < 0) {
			rc = -1;
			if (bad < 0)
				err_set(err, -1, "training cancelled");
			else {
				err_set(err, -1, "the least-squares system for user (code %d) is singular", bad);
				err_hint(err, "use l2_reg > 0 (it is %g)", p->lambda);
			}
			break;
		}
		double obj = uloss + ureg + ireg;
		if (p->implicit) {
			gram(m->x, m->nusers, k, gx);
			obj += trace_prod(gx, gy, k);
		}
		m->objective = obj;
		m->iterations = it + 1;
		m->rmse = p->implicit ? NAN : sqrt(uloss / (double)m->ntrain);
		if (log)
			ml_log_step(log, it, obj, NAN);
		ml_log_progress(log, it + 1, p->maxit, "iterations");
		if (!isfinite(obj)) {
			err_set(err, -1, "matrix factorization diverged (the objective is not finite)");
			err_hint(err, "the ratings may be too large: scale them down");
			rc = -1;
			break;
		}
		if (p->early_stop && it > 0 && prev - obj < p->min_rel * fabs(prev)) {
			if (log)
				ml_log_note(log, "stopped after %d iterations: the objective improved by less than %g",
				    it + 1, p->min_rel);
			break;
		}
		prev = obj;
	}
	for (int w = 0; w < nw; w++)
		scratch_free(scratch[w]);
	free(scratch);
	free(gx);
	free(gy);
	return rc;
}

/* The user and item matrices of the data (implicit: cells summed, the
 * positive ones kept). Returns -1 with err set when nothing is left. */
static int
als_build(const struct ml_als_data *d, bool implicit, double alpha, struct als_csr *byuser, struct als_csr *byitem,
    struct wb_error *err)
{
	/* by item, then stably by user: user rows come out sorted by item */
	struct als_csr tmp;
	csr_by_key(&tmp, d->nitems, d->n, d->item, d->user, d->rating);
	int32_t *key = xmalloc((size_t)d->n * sizeof *key), *col = xmalloc((size_t)d->n * sizeof *col);
	for (int i = 0; i < d->nitems; i++)
		for (int64_t t = tmp.off[i]; t < tmp.off[i + 1]; t++) {
			key[t] = tmp.idx[t];
			col[t] = i;
		}
	csr_by_key(byuser, d->nusers, d->n, key, col, tmp.val);
	free(key);
	free(col);
	csr_free(&tmp);
	if (implicit)
		csr_merge_positive(byuser);
	int64_t ncells = byuser->off[d->nusers];
	if (ncells == 0) {
		err_set(err, -1, "implicit matrix factorization found no rating > 0");
		err_hint(err, "implicit feedback counts interactions (rating > 0); for scores on any scale use "
		    "feedback_type = 'explicit'");
		csr_free(byuser);
		return -1;
	}
	if (implicit)
		for (int64_t t = 0; t < ncells; t++)
			if (!isfinite(alpha * byuser->val[t])) {
				err_set(err, -1, "wals_alpha * rating overflows (rating sum %g)", byuser->val[t]);
				err_hint(err, "scale the ratings down");
				csr_free(byuser);
				return -1;
			}
	csr_transpose(byitem, byuser, d->nitems);
	return 0;
}

struct ml_als *
ml_als_train(const struct ml_als_data *d, const struct ml_opts *o, struct ml_log *log, struct wb_error *err)
{
	struct als_params p;
	if (als_read_options(o, &p, err) < 0 || als_check_data(d, err) < 0)
		return NULL;

	struct als_csr byuser, byitem;
	if (als_build(d, p.implicit, p.alpha, &byuser, &byitem, err) < 0)
		return NULL;
	int64_t ncells = byuser.off[d->nusers];

	struct ml_als *m = xcalloc(1, sizeof *m);
	m->implicit = p.implicit;
	m->k = p.k;
	m->nusers = d->nusers;
	m->nitems = d->nitems;
	m->lambda = p.lambda;
	m->alpha = p.alpha;
	m->ntrain = ncells;
	m->x = xmalloc((size_t)d->nusers * p.k * sizeof *m->x);
	m->y = xcalloc((size_t)d->nitems * p.k, sizeof *m->y);
	m->pop = xcalloc((size_t)d->nitems, sizeof *m->pop);
	m->ucount = xmalloc((size_t)d->nusers * sizeof *m->ucount);
	for (int u = 0; u < d->nusers; u++) {
		int64_t c = byuser.off[u + 1] - byuser.off[u];
		m->ucount[u] = c > INT32_MAX ? INT32_MAX : (int32_t)c;
	}
	for (int i = 0; i < d->nitems; i++)
		for (int64_t t = byitem.off[i]; t < byitem.off[i + 1]; t++)
			m->pop[i] += p.implicit ? byitem.val[t] : 1;
	als_init_users(m->x, d->nusers, p.k, p.seed);

	int rc = als_iterate(m, &p, &byuser, &byitem, log, err);
	csr_free(&byuser);
	csr_free(&byitem);
	if (rc == 0 && (!all_finite(m->x, (size_t)m->nusers * m->k) || !all_finite(m->y, (size_t)m->nitems * m->k))) {
		err_set(err, -1, "matrix factorization diverged (a factor is not finite)");
		err_hint(err, "the ratings may be too large: scale them down");
		rc = -1;
	}
	if (rc < 0) {
		ml_als_free(m);
		return NULL;
	}
	als_derive(m);
	return m;
}

/* ------------------------------------------------------------ scoring */

double
ml_als_score(const struct ml_als *m, int32_t user, int32_t item)
{
	if (user < 0 || user >= m->nusers || item < 0 || item >= m->nitems)
		return NAN;
	return dot(m->x + (size_t)user * m->k, m->y + (size_t)item * m->k, m->k);
}

/* A bounded min-heap of the best k (score, item): the root is the worst
 * kept, where worse means a lower score or, at equal scores, a larger
 * item code. */
struct topk {
	double *s;
	int32_t *i;
	int n, k;
};

static inline bool
worse(double sa, int32_t ia, double sb, int32_t ib)
{
	return sa < sb || (sa == sb && ia > ib);
}

static void
topk_sift_down(struct topk *h, int at)
{
	for (;;) {
		int l = 2 * at + 1, r = l + 1, m = at;
		if (l < h->n && worse(h->s[l], h->i[l], h->s[m], h->i[m]))
			m = l;
		if (r < h->n && worse(h->s[r], h->i[r], h->s[m], h->i[m]))
			m = r;
		if (m == at)
			return;
		double ts = h->s[at];
		int32_t ti = h->i[at];
		h->s[at] = h->s[m];
		h->i[at] = h->i[m];
		h->s[m] = ts;
		h->i[m] = ti;
		at = m;
	}
}

static void
topk_push(struct topk *h, double s, int32_t i)
{
	if (h->n < h->k) {
		int at = h->n++;
		while (at > 0) {
			int up = (at - 1) / 2;
			if (!worse(s, i, h->s[up], h->i[up]))
				break;
			h->s[at] = h->s[up];
			h->i[at] = h->i[up];
			at = up;
		}
		h->s[at] = s;
		h->i[at] = i;
	} else if (!worse(s, i, h->s[0], h->i[0])) {
		h->s[0] = s;
		h->i[0] = i;
		topk_sift_down(h, 0);
	}
}

/* Empty the heap into items/scores best first; returns the count. */
static int
topk_drain(struct topk *h, int32_t *items, double *scores)
{
	int n = h->n;
	for (int at = n - 1; at >= 0; at--) {
		items[at] = h->i[0];
		if (scores)
			scores[at] = h->s[0];
		h->n--;
		h->s[0] = h->s[h->n];
		h->i[0] = h->i[h->n];
		topk_sift_down(h, 0);
	}
	return n;
}

static bool
seen_has(const int32_t *seen, int nseen, int32_t item)
{
	int lo = 0, hi = nseen;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (seen[mid] < item)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nseen && seen[lo] == item;
}

int
ml_als_popular(const struct ml_als *m, const int32_t *seen, int nseen, int k, int32_t *items, double *scores)
{
	int n = 0;
	for (int t = 0; t < m->nitems && n < k; t++) {
		int32_t i = m->pop_order[t];
		if (seen_has(seen, nseen, i))
			continue;
		items[n] = i;
		if (scores)
			scores[n] = m->pop[i];
		n++;
	}
	return n;
}

/*
 * Scoring every item for many users is a dense product (users x k) times
 * (k x items): 2e10 multiply-adds for 100 k users, 20 k items and rank 10.
 * Done one user at a time over all items it streams the item factors
 * (1.6 MB) from memory per user; instead a block of users walks the items
 * in tiles of REC_TILE whose factors stay in L1 while every user of the
 * block is scored against them, two users and eight items at a time in
 * registers (GNU vector types: SSE2 pairs on baseline x86-64, wider where
 * the target has it). Each score is still x[0]*y[0] + x[1]*y[1] + ...
 * summed in factor order from 0, so it equals ml_als_score's bit for bit.
 */
#define REC_TILE 256
#define REC_BLOCK 64

/* Scores of items [0, len) of a tile (len a multiple of 8; yt rows of
 * stride ld) for users x0 and x1 into s0, s1 (x1 may equal x0). */
static void
score_tile(const double *x0, const double *x1, const double *yt, size_t ld, int k, int len, double *s0,
    double *s1)
{
	for (int j = 0; j < len; j += 8) {
		v2d a0 = {0, 0}, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
		const double *y = yt + j;
		for (int f = 0; f < k; f++, y += ld) {
			v2d y0, y1, y2, y3, u = {x0[f], x0[f]}, v = {x1[f], x1[f]};
			LOAD2(y0, y);
			LOAD2(y1, y + 2);
			LOAD2(y2, y + 4);
			LOAD2(y3, y + 6);
			a0 += u * y0;
			a1 += u * y1;
			a2 += u * y2;
			a3 += u * y3;
			b0 += v * y0;
			b1 += v * y1;
			b2 += v * y2;
			b3 += v * y3;
		}
		STORE2(s0 + j, a0);
		STORE2(s0 + j + 2, a1);
		STORE2(s0 + j + 4, a2);
		STORE2(s0 + j + 6, a3);
		STORE2(s1 + j, b0);
		STORE2(s1 + j + 2, b1);
		STORE2(s1 + j + 4, b2);
		STORE2(s1 + j + 6, b3);
	}
}

/* One user's request while its block is scored. */
struct rec_user {
	const double *x;
	const int32_t *seen;
	int nseen, sp;            /* sp: seen[] position, items come in order */
	struct topk h;
};

static void
offer_one(struct rec_user *u, double s, int32_t i)
{
	while (u->sp < u->nseen && u->seen[u->sp] < i)
		u->sp++;
	if (u->sp < u->nseen && u->seen[u->sp] == i)
		return;
	topk_push(&u->h, s, i);
}

typedef long long v2l __attribute__((vector_size(16)));

/* Offer items i0 + [0, len) with scores s to u's heap, skipping seen.
 * Once the heap is full almost no score beats its worst, so groups of 8
 * are tested against it at once (len is a multiple of 8 unless it is the
 * last, partial group). */
static void
offer(struct rec_user *u, const double *s, int32_t i0, int len)
{
	struct topk *h = &u->h;
	int j = 0;
	for (; j < len && h->n < h->k; j++)
		offer_one(u, s[j], i0 + j);
	for (; j < len && j % 8; j++)
		if (s[j] > h->s[0])
			offer_one(u, s[j], i0 + j);
	for (; j + 8 <= len; j += 8) {
		v2d t = {h->s[0], h->s[0]}, a, b, c, d;
		LOAD2(a, s + j);
		LOAD2(b, s + j + 2);
		LOAD2(c, s + j + 4);
		LOAD2(d, s + j + 6);
		v2l any = (a > t) | (b > t) | (c > t) | (d > t);
		if ((any[0] | any[1]) == 0)
			continue;
		/* items come in increasing order, so an equal score never wins */
		for (int q = j; q < j + 8; q++)
			if (s[q] > h->s[0])
				offer_one(u, s[q], i0 + q);
	}
	for (; j < len; j++)
		if (s[j] > h->s[0])
			offer_one(u, s[j], i0 + j);
}

/* Score all items for the nb users of ru (known users, heaps set up). */
static void
rec_block(const struct ml_als *m, struct rec_user *ru, int nb)
{
	double s0[REC_TILE], s1[REC_TILE];
	size_t ld = (size_t)m->ldyt;
	for (int i0 = 0; i0 < m->nitems; i0 += REC_TILE) {
		int len = (int)(ld - (size_t)i0) < REC_TILE ? (int)(ld - (size_t)i0) : REC_TILE;
		int live = m->nitems - i0 < len ? m->nitems - i0 : len;
		for (int b = 0; b < nb; b += 2) {
			bool two = b + 1 < nb;
			score_tile(ru[b].x, ru[two ? b + 1 : b].x, m->yt + i0, ld, m->k, len, s0, s1);
			offer(&ru[b], s0, i0, live);
			if (two)
				offer(&ru[b + 1], s1, i0, live);
		}
	}
}

/* Requests [a, e): cold or unknown users from the popularity ranking, the
 * others scored in one block; results best first into items/scores
 * (stride k), padded with -1 / NaN when pad. Returns the count of the
 * first request (for ml_als_recommend). hs/hi: (e - a) * min(k, nitems)
 * heap entries. */
static int
rec_requests(const struct ml_als *m, const int32_t *users, int a, int e, const int32_t *const *seen,
    const int *nseen, int k, int32_t *items, double *scores, bool pad, double *hs, int32_t *hi)
{
	struct rec_user ru[REC_BLOCK];
	int slot[REC_BLOCK], nb = 0, first = 0, kk = k < m->nitems ? k : m->nitems;
	for (int r = a; r < e; r++) {
		int32_t u = users[r - a];
		size_t o = (size_t)(r - a) * k;
		if (u < 0 || u >= m->nusers || m->ucount[u] == 0) {
			int n = ml_als_popular(m, seen[r - a], nseen[r - a], k, items + o, scores ? scores + o : NULL);
			if (r == a)
				first = n;
			for (int t = n; pad && t < k; t++) {
				items[o + t] = -1;
				if (scores)
					scores[o + t] = NAN;
			}
			continue;
		}
		ru[nb] = (struct rec_user){m->x + (size_t)u * m->k, seen[r - a], nseen[r - a], 0,
		    {hs + (size_t)nb * kk, hi + (size_t)nb * kk, 0, kk}};
		slot[nb++] = r - a;
	}
	if (nb)
		rec_block(m, ru, nb);
	for (int b = 0; b < nb; b++) {
		size_t o = (size_t)slot[b] * k;
		int n = topk_drain(&ru[b].h, items + o, scores ? scores + o : NULL);
		if (slot[b] == 0)
			first = n;
		for (int t = n; pad && t < k; t++) {
			items[o + t] = -1;
			if (scores)
				scores[o + t] = NAN;
		}
	}
	return first;
}

int
ml_als_recommend(const struct ml_als *m, int32_t user, const int32_t *seen, int nseen, int k, int32_t *items,
    double *scores)
{
	if (k <= 0)
		return 0;
	int kk = k < m->nitems ? k : m->nitems;
	double *hs = xmalloc((size_t)kk * sizeof *hs);
	int32_t *hi = xmalloc((size_t)kk * sizeof *hi);
	int n = rec_requests(m, &user, 0, 1, &seen, &nseen, k, items, scores, false, hs, hi);
	free(hs);
	free(hi);
	return n;
}

struct rec_job {
	const struct ml_als *m;
	const int32_t *users;
	int nreq, k;
	const int64_t *seen_off;
	const int32_t *seen;
	int32_t *items;
	double *scores;
	double **hs;              /* per worker: REC_BLOCK * min(k, nitems) */
	int32_t **hi;
};

static void
rec_task(void *arg, int task, int worker)
{
	struct rec_job *j = arg;
	int a = task * REC_BLOCK, e = a + REC_BLOCK;
	if (e > j->nreq)
		e = j->nreq;
	const int32_t *seen[REC_BLOCK];
	int nseen[REC_BLOCK];
	for (int r = a; r < e; r++) {
		seen[r - a] = NULL;
		nseen[r - a] = 0;
		if (j->seen_off && j->seen) {
			seen[r - a] = j->seen + j->seen_off[r];
			nseen[r - a] = (int)(j->seen_off[r + 1] - j->seen_off[r]);
		}
	}
	size_t o = (size_t)a * j->k;
	rec_requests(j->m, j->users + a, a, e, seen, nseen, j->k, j->items + o, j->scores ? j->scores + o : NULL,
	    true, j->hs[worker], j->hi[worker]);
}

void
ml_als_recommend_many(const struct ml_als *m, const int32_t *users, int nreq, const int64_t *seen_off,
    const int32_t *seen, int k, int32_t *items_out, double *scores_out)
{
	if (nreq <= 0 || k <= 0)
		return;
	int nw = pool_size(), kk = k < m->nitems ? k : m->nitems;
	struct rec_job j = {m, users, nreq, k, seen_off, seen, items_out, scores_out,
	    xmalloc((size_t)nw * sizeof(double *)), xmalloc((size_t)nw * sizeof(int32_t *))};
	for (int w = 0; w < nw; w++) {
		j.hs[w] = xmalloc((size_t)REC_BLOCK * kk * sizeof(double));
		j.hi[w] = xmalloc((size_t)REC_BLOCK * kk * sizeof(int32_t));
	}
	pool_run((nreq + REC_BLOCK - 1) / REC_BLOCK, rec_task, &j);
	for (int w = 0; w < nw; w++) {
		free(j.hs[w]);
		free(j.hi[w]);
	}
	free(j.hs);
	free(j.hi);
}

/* ------------------------------------------------------------ accessors */

int ml_als_nusers(const struct ml_als *m) { return m->nusers; }
int ml_als_nitems(const struct ml_als *m) { return m->nitems; }
int ml_als_rank(const struct ml_als *m) { return m->k; }
bool ml_als_implicit(const struct ml_als *m) { return m->implicit; }
const double *ml_als_user_factors(const struct ml_als *m) { return m->x; }
const double *ml_als_item_factors(const struct ml_als *m) { return m->y; }
double ml_als_objective(const struct ml_als *m) { return m->objective; }

bool
ml_als_known(const struct ml_als *m, int32_t user)
{
	return user >= 0 && user < m->nusers && m->ucount[user] > 0;
}

void
ml_als_describe(const struct ml_als *m, struct ml_kv *kv)
{
	ml_kv_add(kv, "feedback_type", "%s", m->implicit ? "implicit" : "explicit");
	ml_kv_add(kv, "num_factors", "%d", m->k);
	ml_kv_add(kv, "l2_reg", "%g%s", m->lambda, m->implicit ? "" : " (per rating, ALS-WR)");
	if (m->implicit)
		ml_kv_add(kv, "wals_alpha", "%g", m->alpha);
	ml_kv_add(kv, "iterations", "%d", m->iterations);
	ml_kv_add(kv, "users", "%d", m->nusers);
	ml_kv_add(kv, "items", "%d", m->nitems);
	ml_kv_add(kv, m->implicit ? "interactions" : "ratings", "%lld", (long long)m->ntrain);
	ml_kv_add(kv, "objective", "%.6g", m->objective);
	if (!m->implicit)
		ml_kv_add(kv, "training_rmse", "%.6g", m->rmse);
}

/* ------------------------------------------------------------ model file */

void
ml_als_save(const struct ml_als *m, struct ml_wbuf *b)
{
	ml_w_u32(b, ALS_MAGIC);
	ml_w_u8(b, m->implicit);
	ml_w_u32(b, (uint32_t)m->k);
	ml_w_u32(b, (uint32_t)m->nusers);
	ml_w_u32(b, (uint32_t)m->nitems);
	ml_w_u32(b, (uint32_t)m->iterations);
	ml_w_f64(b, m->lambda);
	ml_w_f64(b, m->alpha);
	ml_w_i64(b, m->ntrain);
	ml_w_f64(b, m->objective);
	ml_w_f64(b, m->rmse);
	ml_w_f64s(b, m->x, (size_t)m->nusers * m->k);
	ml_w_f64s(b, m->y, (size_t)m->nitems * m->k);
	ml_w_f64s(b, m->pop, (size_t)m->nitems);
	ml_w_i32s(b, m->ucount, (size_t)m->nusers);
}

static struct ml_als *
load_fail(struct ml_als *m, struct wb_error *err, const char *what)
{
	err_set(err, -1, "matrix factorization model is corrupt: %s", what);
	err_hint(err, "retrain the model");
	ml_als_free(m);
	return NULL;
}

struct ml_als *
ml_als_load(struct ml_rbuf *r, struct wb_error *err)
{
	struct ml_als *m = xcalloc(1, sizeof *m);
	uint32_t magic = ml_r_u32(r);
	uint8_t impl = ml_r_u8(r);
	uint32_t k = ml_r_u32(r), nu = ml_r_u32(r), ni = ml_r_u32(r), it = ml_r_u32(r);
	m->lambda = ml_r_f64(r);
	m->alpha = ml_r_f64(r);
	m->ntrain = ml_r_i64(r);
	m->objective = ml_r_f64(r);
	m->rmse = ml_r_f64(r);
	if (!ml_r_ok(r))
		return load_fail(m, err, "truncated header");
	if (magic != ALS_MAGIC || impl > 1)
		return load_fail(m, err, "bad header");
	if (k < 1 || k > ML_ALS_MAX_RANK || nu < 1 || nu > INT32_MAX || ni < 1 || ni > INT32_MAX ||
	    it > 10000 || !(m->lambda >= 0) || !isfinite(m->lambda) || !(m->alpha >= 0) || !isfinite(m->alpha) ||
	    m->ntrain < 1)
		return load_fail(m, err, "bad sizes or parameters");
	m->implicit = impl;
	m->k = (int)k;
	m->nusers = (int)nu;
	m->nitems = (int)ni;
	m->iterations = (int)it;
	/* every count is checked against the bytes left before allocating */
	uint64_t nx = (uint64_t)nu * k, ny = (uint64_t)ni * k;
	if (!ml_r_fits(r, nx + ny + ni, 8))
		return load_fail(m, err, "truncated factors");
	m->x = xmalloc(nx * sizeof *m->x);
	m->y = xmalloc(ny * sizeof *m->y);
	m->pop = xmalloc((size_t)ni * sizeof *m->pop);
	ml_r_f64s(r, m->x, nx);
	ml_r_f64s(r, m->y, ny);
	ml_r_f64s(r, m->pop, ni);
	if (!ml_r_fits(r, nu, 4))
		return load_fail(m, err, "truncated user counts");
	m->ucount = xmalloc((size_t)nu * sizeof *m->ucount);
	ml_r_i32s(r, m->ucount, nu);
	if (!ml_r_ok(r))
		return load_fail(m, err, "truncated");
	if (!all_finite(m->x, nx) || !all_finite(m->y, ny))
		return load_fail(m, err, "a factor is not finite");
	for (uint32_t i = 0; i < ni; i++)
		if (!(m->pop[i] >= 0) || !isfinite(m->pop[i]))
			return load_fail(m, err, "bad item popularity");
	for (uint32_t u = 0; u < nu; u++)
		if (m->ucount[u] < 0)
			return load_fail(m, err, "bad user counts");
	als_derive(m);
	return m;
}
