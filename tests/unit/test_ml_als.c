/* Unit tests for ml/ml_als.c: matrix factorization by alternating least
 * squares. No reference implementation is needed: ALS's half steps have
 * closed-form optima, so the tests check optimality (the gradient of each
 * user's objective at the trained factors), the objective against a dense
 * O(users x items) evaluation, exact recovery of a low-rank matrix, and
 * ranking quality on a planted-structure dataset generated here. */
#include "tests/tap.h"

#include "core/pool.h"
#include "core/xmalloc.h"
#include "ml/ml.h"
#include "ml/ml_als.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ options */

static struct ml_opt opt_v[16];
static struct ml_opts opts = {0, opt_v};
static char opt_text_buf[16][32];

static void
opts_clear(void)
{
	opts.n = 0;
}

static void
opt_num(const char *key, double v)
{
	struct ml_opt *o = &opt_v[opts.n];
	snprintf(opt_text_buf[opts.n], sizeof opt_text_buf[0], "%g", v);
	*o = (struct ml_opt){.key = (char *)key, .type = MLO_NUM, .num = v, .str = opt_text_buf[opts.n], .pos = -1};
	opts.n++;
}

static void
opt_str(const char *key, const char *s)
{
	opt_v[opts.n] = (struct ml_opt){.key = (char *)key, .type = MLO_STR, .str = (char *)s, .pos = -1};
	opts.n++;
}

/* ------------------------------------------------------------ data */

struct triples {
	int64_t n, cap;
	int32_t *u, *i;
	double *r;
	int nusers, nitems;
};

static void
tr_add(struct triples *t, int u, int i, double r)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->u = xrealloc(t->u, (size_t)t->cap * sizeof *t->u);
		t->i = xrealloc(t->i, (size_t)t->cap * sizeof *t->i);
		t->r = xrealloc(t->r, (size_t)t->cap * sizeof *t->r);
	}
	t->u[t->n] = u;
	t->i[t->n] = i;
	t->r[t->n++] = r;
}

static void
tr_free(struct triples *t)
{
	free(t->u);
	free(t->i);
	free(t->r);
	memset(t, 0, sizeof *t);
}

static struct ml_als_data
tr_data(const struct triples *t)
{
	return (struct ml_als_data){t->n, t->u, t->i, t->r, t->nusers, t->nitems};
}

/* The summed rating of every (user, item) cell, dense. */
static double *
tr_dense(const struct triples *t)
{
	double *R = xcalloc((size_t)t->nusers * t->nitems, sizeof *R);
	for (int64_t e = 0; e < t->n; e++)
		R[(size_t)t->u[e] * t->nitems + t->i[e]] += t->r[e];
	return R;
}

/* Planted structure: G groups of users, group g prefers items
 * [g * B, (g + 1) * B) with a skew inside the block (item b of the block
 * drawn with weight 1 / (b + 2)); each user has 8..14 block items rated
 * 1..4 (counts) and 3 noise items drawn uniformly from all items. Items
 * past G * B are only ever noise. One block interaction per user is held
 * out in held[u]. */
#define PL_USERS 600
#define PL_G 6
#define PL_B 25
#define PL_ITEMS 200

static void
planted(struct triples *train, int32_t *held)
{
	struct ml_rng rng;
	ml_rng_seed(&rng, 20240611, 0);
	memset(train, 0, sizeof *train);
	train->nusers = PL_USERS;
	train->nitems = PL_ITEMS;
	double w[PL_B], wsum = 0;
	for (int b = 0; b < PL_B; b++)
		wsum += w[b] = 1.0 / (b + 2);
	for (int u = 0; u < PL_USERS; u++) {
		int g = u % PL_G, m = 8 + (int)ml_rng_below(&rng, 7);
		bool have[PL_B] = {0};
		int picked[PL_B], np = 0;
		while (np < m) {
			double x = ml_rng_uniform(&rng) * wsum;
			int b = 0;
			while (b < PL_B - 1 && (x -= w[b]) > 0)
				b++;
			if (have[b])
				continue;
			have[b] = true;
			picked[np++] = b;
		}
		int h = (int)ml_rng_below(&rng, (uint64_t)np);
		held[u] = g * PL_B + picked[h];
		for (int t = 0; t < np; t++)
			if (t != h)
				tr_add(train, u, g * PL_B + picked[t], 1 + (double)ml_rng_below(&rng, 4));
		for (int t = 0; t < 3; t++) {
			int i = (int)ml_rng_below(&rng, PL_ITEMS);
			if (i != held[u])
				tr_add(train, u, i, 1);
		}
	}
}

/* recall@5 of the generator's own ranking: a user's unseen items of
 * their group's block, most likely first - what the best recommender
 * could do. */
static double
planted_oracle(const int32_t *held, const int64_t *off, const int32_t *seen)
{
	int hits = 0;
	for (int u = 0; u < PL_USERS; u++) {
		int g = u % PL_G, n = 0;
		for (int b = 0; b < PL_B && n < 5; b++) {
			int i = g * PL_B + b;
			bool s = false;
			for (int64_t t = off[u]; t < off[u + 1]; t++)
				s |= seen[t] == i;
			if (s)
				continue;
			n++;
			if (i == held[u]) {
				hits++;
				break;
			}
		}
	}
	return (double)hits / PL_USERS;
}

/* Each user's training items, sorted and distinct: CSR. */
static void
seen_lists(const struct triples *t, int64_t **offp, int32_t **itemsp)
{
	double *R = tr_dense(t);
	int64_t *off = xcalloc((size_t)t->nusers + 1, sizeof *off);
	int32_t *it = xmalloc((size_t)(t->n ? t->n : 1) * sizeof *it);
	int64_t n = 0;
	for (int u = 0; u < t->nusers; u++) {
		for (int i = 0; i < t->nitems; i++)
			if (R[(size_t)u * t->nitems + i] != 0)
				it[n++] = i;
		off[u + 1] = n;
	}
	free(R);
	*offp = off;
	*itemsp = it;
}

/* ------------------------------------------------------------ checks */

/* The largest relative gradient norm of a user's objective at the
 * trained factors, given the item factors: how far each user factor is
 * from the exact minimizer. Implicit: grad/2 = (Y'C_uY + lambda I)x - Y'C_u p;
 * explicit (ALS-WR): (Y_u'Y_u + lambda n_u I)x - Y_u'r_u. Relative to the
 * norm of the two terms. */
static double
max_user_gradient(const struct ml_als *m, const double *R, int nusers, int nitems, bool implicit, double lambda,
    double alpha)
{
	int k = ml_als_rank(m);
	const double *X = ml_als_user_factors(m), *Y = ml_als_item_factors(m);
	double worst = 0;
	double *ax = xmalloc((size_t)k * sizeof *ax), *bb = xmalloc((size_t)k * sizeof *bb);
	for (int u = 0; u < nusers; u++) {
		const double *x = X + (size_t)u * k;
		memset(ax, 0, (size_t)k * sizeof *ax);
		memset(bb, 0, (size_t)k * sizeof *bb);
		int nu = 0;
		for (int i = 0; i < nitems; i++) {
			double r = R[(size_t)u * nitems + i];
			const double *y = Y + (size_t)i * k;
			double s = 0;
			for (int f = 0; f < k; f++)
				s += x[f] * y[f];
			double c, p;
			if (implicit) {
				p = r > 0;
				c = r > 0 ? 1 + alpha * r : 1;
			} else {
				if (isnan(r))
					continue;
				p = r;
				c = 1;
			}
			nu++;
			for (int f = 0; f < k; f++) {
				ax[f] += c * s * y[f];
				bb[f] += c * p * y[f];
			}
		}
		double lam = implicit ? lambda : lambda * nu;
		double g2 = 0, n2 = 0, b2 = 0;
		for (int f = 0; f < k; f++) {
			ax[f] += lam * x[f];
			g2 += (ax[f] - bb[f]) * (ax[f] - bb[f]);
			n2 += ax[f] * ax[f];
			b2 += bb[f] * bb[f];
		}
		double rel = sqrt(g2) / (sqrt(n2) + sqrt(b2) + 1e-300);
		if (rel > worst)
			worst = rel;
	}
	free(ax);
	free(bb);
	return worst;
}

/* Hu et al.'s objective evaluated densely over every cell. */
static double
dense_implicit_objective(const struct ml_als *m, const double *R, int nusers, int nitems, double lambda,
    double alpha)
{
	int k = ml_als_rank(m);
	const double *X = ml_als_user_factors(m), *Y = ml_als_item_factors(m);
	long double s = 0;
	for (int u = 0; u < nusers; u++)
		for (int i = 0; i < nitems; i++) {
			double r = R[(size_t)u * nitems + i], sc = 0;
			for (int f = 0; f < k; f++)
				sc += X[(size_t)u * k + f] * Y[(size_t)i * k + f];
			double p = r > 0, c = r > 0 ? 1 + alpha * r : 1;
			s += c * (p - sc) * (p - sc);
		}
	for (size_t e = 0; e < (size_t)nusers * k; e++)
		s += lambda * X[e] * X[e];
	for (size_t e = 0; e < (size_t)nitems * k; e++)
		s += lambda * Y[e] * Y[e];
	return (double)s;
}

static struct ml_als *
train(const struct triples *t, struct ml_log *log, struct wb_error *err)
{
	struct ml_als_data d = tr_data(t);
	return ml_als_train(&d, &opts, log, err);
}

static bool
same_factors(const struct ml_als *a, const struct ml_als *b)
{
	if (ml_als_rank(a) != ml_als_rank(b) || ml_als_nusers(a) != ml_als_nusers(b) ||
	    ml_als_nitems(a) != ml_als_nitems(b))
		return false;
	size_t k = (size_t)ml_als_rank(a);
	return memcmp(ml_als_user_factors(a), ml_als_user_factors(b), k * ml_als_nusers(a) * sizeof(double)) == 0 &&
	    memcmp(ml_als_item_factors(a), ml_als_item_factors(b), k * ml_als_nitems(a) * sizeof(double)) == 0;
}

/* recall@k over users: the held-out item among the top k recommended
 * (training items excluded). popular: the popularity baseline instead. */
static double
recall_at(const struct ml_als *m, const int32_t *held, const int64_t *off, const int32_t *seen, int nusers,
    int k, bool popular)
{
	int hits = 0;
	int32_t *items = xmalloc((size_t)k * sizeof *items);
	for (int u = 0; u < nusers; u++) {
		int nseen = (int)(off[u + 1] - off[u]);
		int n = popular ? ml_als_popular(m, seen + off[u], nseen, k, items, NULL) :
		    ml_als_recommend(m, u, seen + off[u], nseen, k, items, NULL);
		for (int t = 0; t < n; t++)
			if (items[t] == held[u]) {
				hits++;
				break;
			}
	}
	free(items);
	return (double)hits / nusers;
}

/* ------------------------------------------------------------ tests */

static void
test_planted(void)
{
	struct triples t;
	int32_t held[PL_USERS];
	planted(&t, held);
	int64_t *off;
	int32_t *seen;
	seen_lists(&t, &off, &seen);

	/* wals_alpha = 1: the generated counts (1..4) carry no signal beyond
	 * presence, and Hu et al.'s alpha = 40 trusts them too much */
	opts_clear();
	opt_num("num_factors", 8);
	opt_num("max_iterations", 15);
	opt_num("wals_alpha", 1);
	struct ml_log log;
	ml_log_init(&log);
	struct wb_error err = WB_ERROR_INIT;
	struct ml_als *m = train(&t, &log, &err);
	ok(m != NULL, "implicit ALS trains on the planted data (%lld triples)", (long long)t.n);
	if (m == NULL) {
		diag("%s", err.msg);
		return;
	}
	double r_als = recall_at(m, held, off, seen, PL_USERS, 5, false);
	double r_pop = recall_at(m, held, off, seen, PL_USERS, 5, true);
	double r_best = planted_oracle(held, off, seen);
	diag("planted: recall@5 ALS %.3f, popularity %.3f, the generator's ranking %.3f", r_als, r_pop, r_best);
	ok(r_als >= 0.6 && r_als >= 0.9 * r_best, "recall@5 of implicit ALS is high: %.3f (the generator's own ranking: %.3f)",
	    r_als, r_best);
	ok(r_als >= r_pop + 0.4, "and far above the popularity baseline: %.3f vs %.3f", r_als, r_pop);
	ml_als_free(m);
	ml_log_free(&log);

	/* the defaults (rank 10, alpha 40, l2_reg 1) */
	opts_clear();
	opt_num("max_iterations", 15);
	ml_log_init(&log);
	m = train(&t, &log, &err);
	double r_def = m ? recall_at(m, held, off, seen, PL_USERS, 5, false) : 0;
	ok(m && r_def >= 0.35 && r_def >= r_pop + 0.25, "with the default options recall@5 is lower but well above "
	    "popularity: %.3f", r_def);
	if (m == NULL)
		return;

	/* the log: one step per iteration, the objective never increasing
	 * (each half step minimizes it exactly) */
	is_int(log.nsteps, 15, "one training-log step per iteration");
	bool mono = true;
	for (int s = 1; s < log.nsteps; s++)
		if (log.steps[s].loss > log.steps[s - 1].loss * (1 + 1e-12))
			mono = false;
	ok(mono, "the objective decreases monotonically (%g -> %g)", log.steps[0].loss,
	    log.steps[log.nsteps - 1].loss);

	/* the objective computed with the Y'Y trick equals the dense sum */
	double *R = tr_dense(&t);
	double dense = dense_implicit_objective(m, R, PL_USERS, PL_ITEMS, 1.0, 40);
	ok(fabs(ml_als_objective(m) - dense) <= 1e-9 * dense, "objective %.12g = dense evaluation %.12g",
	    ml_als_objective(m), dense);
	is_dbl(log.steps[log.nsteps - 1].loss, ml_als_objective(m), 0, "the last step logs the final objective");

	/* exactness: each user factor minimizes its objective given Y */
	double g = max_user_gradient(m, R, PL_USERS, PL_ITEMS, true, 1.0, 40);
	ok(g <= 1e-8, "implicit: every user factor is the exact minimizer given the items (max rel. gradient %.2g)",
	    g);

	free(R);
	ml_log_free(&log);
	ml_als_free(m);
	tr_free(&t);
	free(off);
	free(seen);
}

/* Explicit: a random sparse sample of a rank-3 matrix plus noise; distinct
 * cells, so the dense matrix (NaN = missing) holds exactly the data. */
static void
test_explicit_gradient(void)
{
	enum { NU = 150, NI = 80, K = 3 };
	struct ml_rng rng;
	ml_rng_seed(&rng, 7, 1);
	double U[NU][K], V[NI][K];
	for (int u = 0; u < NU; u++)
		for (int f = 0; f < K; f++)
			U[u][f] = ml_rng_normal(&rng);
	for (int i = 0; i < NI; i++)
		for (int f = 0; f < K; f++)
			V[i][f] = ml_rng_normal(&rng);
	struct triples t = {.nusers = NU, .nitems = NI};
	double *R = xmalloc((size_t)NU * NI * sizeof *R);
	for (int u = 0; u < NU; u++)
		for (int i = 0; i < NI; i++) {
			R[(size_t)u * NI + i] = NAN;
			if (ml_rng_uniform(&rng) < 0.3) {
				double r = 0;
				for (int f = 0; f < K; f++)
					r += U[u][f] * V[i][f];
				r += 0.1 * ml_rng_normal(&rng);
				R[(size_t)u * NI + i] = r;
				tr_add(&t, u, i, r);
			}
		}
	opts_clear();
	opt_str("feedback_type", "explicit");
	opt_num("rank", 5);
	opt_num("reg", 0.05);
	opt_num("max_iterations", 8);
	struct ml_log log;
	ml_log_init(&log);
	struct wb_error err = WB_ERROR_INIT;
	struct ml_als *m = train(&t, &log, &err);
	ok(m != NULL, "explicit ALS trains (negative ratings are fine)");
	if (m) {
		double g = max_user_gradient(m, R, NU, NI, false, 0.05, 0);
		ok(g <= 1e-8, "explicit: every user factor is the exact minimizer given the items (max rel. gradient "
		    "%.2g)", g);
		bool mono = true;
		for (int s = 1; s < log.nsteps; s++)
			if (log.steps[s].loss > log.steps[s - 1].loss * (1 + 1e-12))
				mono = false;
		ok(mono, "explicit objective decreases monotonically (%g -> %g)", log.steps[0].loss,
		    log.steps[log.nsteps - 1].loss);
		/* the objective: squared errors plus lambda n_u |x_u|^2 + lambda n_i |y_i|^2 */
		const double *X = ml_als_user_factors(m), *Y = ml_als_item_factors(m);
		long double obj = 0, sse = 0;
		int nu[NU] = {0}, ni[NI] = {0};
		for (int u = 0; u < NU; u++)
			for (int i = 0; i < NI; i++) {
				double r = R[(size_t)u * NI + i];
				if (isnan(r))
					continue;
				double e = r - ml_als_score(m, u, i);
				sse += e * e;
				nu[u]++;
				ni[i]++;
			}
		obj = sse;
		for (int u = 0; u < NU; u++)
			for (int f = 0; f < 5; f++)
				obj += 0.05 * nu[u] * X[u * 5 + f] * X[u * 5 + f];
		for (int i = 0; i < NI; i++)
			for (int f = 0; f < 5; f++)
				obj += 0.05 * ni[i] * Y[i * 5 + f] * Y[i * 5 + f];
		ok(fabs(ml_als_objective(m) - (double)obj) <= 1e-9 * (double)obj, "explicit objective %.12g = direct %.12g",
		    ml_als_objective(m), (double)obj);
		struct ml_kv kv = {0};
		ml_als_describe(m, &kv);
		const char *rmse = NULL;
		for (int e = 0; e < kv.n; e++)
			if (strcmp(kv.keys[e], "training_rmse") == 0)
				rmse = kv.vals[e];
		double want = sqrt((double)sse / (double)t.n);
		ok(rmse && fabs(atof(rmse) - want) <= 1e-5 * want, "describe's training_rmse %s = %.6g", rmse ? rmse :
		    "(none)", want);
		ml_kv_free(&kv);
	} else
		diag("%s", err.msg);
	ml_als_free(m);
	ml_log_free(&log);
	free(R);
	tr_free(&t);
}

/* Explicit ALS on a fully observed rank-3 matrix with rank 3 and a tiny
 * l2_reg recovers it. */
static void
test_lowrank_recovery(void)
{
	enum { NU = 60, NI = 40, K = 3 };
	struct ml_rng rng;
	ml_rng_seed(&rng, 11, 2);
	double U[NU][K], V[NI][K];
	for (int u = 0; u < NU; u++)
		for (int f = 0; f < K; f++)
			U[u][f] = ml_rng_normal(&rng);
	for (int i = 0; i < NI; i++)
		for (int f = 0; f < K; f++)
			V[i][f] = ml_rng_normal(&rng);
	struct triples t = {.nusers = NU, .nitems = NI};
	/* rows in a shuffled-looking order: items descending */
	for (int i = NI - 1; i >= 0; i--)
		for (int u = 0; u < NU; u++) {
			double r = 0;
			for (int f = 0; f < K; f++)
				r += U[u][f] * V[i][f];
			tr_add(&t, u, i, r);
		}
	opts_clear();
	opt_str("feedback_type", "EXPLICIT");
	opt_num("num_factors", K);
	opt_num("l2_reg", 1e-12);
	opt_num("max_iterations", 30);
	struct wb_error err = WB_ERROR_INIT;
	struct ml_als *m = train(&t, NULL, &err);
	ok(m != NULL, "explicit ALS on a full rank-3 matrix");
	if (m) {
		double se = 0, ss = 0;
		for (int64_t e = 0; e < t.n; e++) {
			double d = t.r[e] - ml_als_score(m, t.u[e], t.i[e]);
			se += d * d;
			ss += t.r[e] * t.r[e];
		}
		double rmse = sqrt(se / t.n), rms = sqrt(ss / t.n);
		ok(rmse <= 1e-8 * rms, "recovers it: RMSE %.3g (entries' RMS %.3g)", rmse, rms);
	} else
		diag("%s", err.msg);
	ml_als_free(m);
	tr_free(&t);
}

/* recommend: brute force agreement, seen exclusion, order, ties, padding,
 * cold users, and recommend_many == recommend. */
static void
test_recommend(void)
{
	struct triples t;
	int32_t held[PL_USERS];
	planted(&t, held);
	int64_t *off;
	int32_t *seen;
	seen_lists(&t, &off, &seen);
	/* user PL_USERS has no data: a cold user at the end */
	t.nusers = PL_USERS + 1;
	opts_clear();
	opt_num("rank", 6);
	opt_num("alpha", 10);
	opt_num("reg", 0.5);
	opt_num("seed", 3);
	struct wb_error err = WB_ERROR_INIT;
	struct ml_als *m = train(&t, NULL, &err);
	ok(m != NULL, "trains with a user who has no data");
	if (m == NULL) {
		diag("%s", err.msg);
		return;
	}
	enum { K = 10 };
	bool agree = true, excl = true, order = true, scores_ok = true;
	double *all = xmalloc(PL_ITEMS * sizeof *all);
	for (int u = 0; u < PL_USERS; u += 7) {
		int32_t items[K];
		double sc[K];
		const int32_t *s = seen + off[u];
		int nseen = (int)(off[u + 1] - off[u]);
		int n = ml_als_recommend(m, u, s, nseen, K, items, sc);
		if (n != K)
			agree = false;
		/* brute force: best unseen item, K times */
		bool used[PL_ITEMS] = {0};
		for (int j = 0; j < nseen; j++)
			used[s[j]] = true;
		for (int i = 0; i < PL_ITEMS; i++)
			all[i] = ml_als_score(m, u, i);
		for (int r = 0; r < n; r++) {
			int best = -1;
			for (int i = 0; i < PL_ITEMS; i++)
				if (!used[i] && (best < 0 || all[i] > all[best]))
					best = i;
			if (items[r] != best)
				agree = false;
			if (best >= 0)
				used[best] = true;
			for (int j = 0; j < nseen; j++)
				if (s[j] == items[r])
					excl = false;
			if (r && sc[r] > sc[r - 1])
				order = false;
			if (sc[r] != all[items[r]])
				scores_ok = false;
		}
	}
	ok(agree, "recommend's top %d equals a brute-force ranking", K);
	ok(excl, "recommend never returns a seen item");
	ok(order, "recommend returns best first");
	ok(scores_ok, "recommend's scores are ml_als_score's");

	/* padding: k larger than the unseen items */
	{
		int u = 5, nseen = (int)(off[u + 1] - off[u]);
		int32_t *items = xmalloc(300 * sizeof *items);
		int n = ml_als_recommend(m, u, seen + off[u], nseen, 300, items, NULL);
		is_int(n, PL_ITEMS - nseen, "k > unseen items: every unseen item once");
		free(items);
	}

	/* cold user (no data) and unknown user: popularity */
	{
		int32_t a[K], b[K];
		double sa[K], sb[K];
		ok(!ml_als_known(m, PL_USERS) && ml_als_known(m, 0) && !ml_als_known(m, -1), "ml_als_known");
		int na = ml_als_recommend(m, PL_USERS, NULL, 0, K, a, sa);
		int nb = ml_als_popular(m, NULL, 0, K, b, sb);
		ok(na == K && nb == K && memcmp(a, b, sizeof a) == 0, "a user without data gets the popularity ranking");
		na = ml_als_recommend(m, PL_USERS + 5, NULL, 0, K, a, sa);
		ok(na == K && memcmp(a, b, sizeof a) == 0, "so does an unknown user code");
		ok(isnan(ml_als_score(m, PL_USERS + 5, 0)) && isnan(ml_als_score(m, 0, -1)), "score out of range: NaN");
		/* popularity = sum of ratings, best first, ties by item code */
		double *pop = xcalloc(PL_ITEMS, sizeof *pop);
		for (int64_t e = 0; e < t.n; e++)
			pop[t.i[e]] += t.r[e];
		bool pok = true;
		for (int r = 0; r < nb; r++) {
			if (sb[r] != pop[b[r]])
				pok = false;
			if (r && (sb[r] > sb[r - 1] || (sb[r] == sb[r - 1] && b[r] < b[r - 1])))
				pok = false;
		}
		for (int i = 0; i < PL_ITEMS; i++) {
			bool listed = false;
			for (int r = 0; r < nb; r++)
				listed |= b[r] == i;
			if (!listed && (pop[i] > sb[nb - 1] || (pop[i] == sb[nb - 1] && i < b[nb - 1])))
				pok = false;
		}
		ok(pok, "popular: sums of ratings, best first, ties by item code, none better left out");
		int32_t ex[3] = {b[0] < b[2] ? b[0] : b[2], b[0] < b[2] ? b[2] : b[0], b[0] < b[2] ? b[2] : b[0]};
		int32_t c[K];
		int nc = ml_als_popular(m, ex, 3, K, c, NULL);
		ok(nc == K && c[0] == b[1] && c[1] == b[3], "popular excludes seen (duplicates in seen are fine)");
		free(pop);
	}

	/* recommend_many == recommend, padded */
	{
		int nreq = PL_USERS + 2;
		int32_t *users = xmalloc((size_t)nreq * sizeof *users);
		int64_t *soff = xmalloc(((size_t)nreq + 1) * sizeof *soff);
		for (int r = 0; r < nreq; r++)
			users[r] = r < PL_USERS ? r : r == PL_USERS ? PL_USERS : -3;
		memcpy(soff, off, (PL_USERS + 1) * sizeof *soff);
		soff[PL_USERS + 1] = soff[PL_USERS];
		soff[PL_USERS + 2] = soff[PL_USERS];
		int kk = 12;
		int32_t *items = xmalloc((size_t)nreq * kk * sizeof *items);
		double *sc = xmalloc((size_t)nreq * kk * sizeof *sc);
		ml_als_recommend_many(m, users, nreq, soff, seen, kk, items, sc);
		bool same = true;
		int32_t one[12];
		double ones[12];
		for (int r = 0; r < nreq; r++) {
			int n = ml_als_recommend(m, users[r], seen + soff[r], (int)(soff[r + 1] - soff[r]), kk, one, ones);
			for (int j = 0; j < kk; j++) {
				int32_t want = j < n ? one[j] : -1;
				if (items[(size_t)r * kk + j] != want)
					same = false;
				if (j < n ? sc[(size_t)r * kk + j] != ones[j] : !isnan(sc[(size_t)r * kk + j]))
					same = false;
			}
		}
		ok(same, "recommend_many equals recommend for %d users (with a cold and an unknown one)", nreq);
		free(users);
		free(soff);
		free(items);
		free(sc);
	}
	free(all);
	ml_als_free(m);
	tr_free(&t);
	free(off);
	free(seen);
}

/* Ties: two items with identical columns get bit-identical factors, so
 * their scores tie exactly; the smaller code must come first. */
static void
test_ties(void)
{
	struct triples t = {.nusers = 30, .nitems = 12};
	struct ml_rng rng;
	ml_rng_seed(&rng, 5, 5);
	for (int u = 0; u < 30; u++)
		for (int i = 0; i < 12; i++) {
			if (i == 9)
				continue;   /* item 9 copies item 4 below */
			if (ml_rng_uniform(&rng) < 0.5) {
				double r = 1 + (double)ml_rng_below(&rng, 3);
				tr_add(&t, u, i, r);
				if (i == 4)
					tr_add(&t, u, 9, r);
			}
		}
	opts_clear();
	opt_num("num_factors", 3);
	struct wb_error err = WB_ERROR_INIT;
	struct ml_als *m = train(&t, NULL, &err);
	ok(m != NULL, "ties: trains");
	if (m == NULL)
		return;
	bool tie_ok = true, tied = true;
	for (int u = 0; u < 30; u++) {
		if (ml_als_score(m, u, 4) != ml_als_score(m, u, 9))
			tied = false;
		int32_t items[12];
		int n = ml_als_recommend(m, u, NULL, 0, 12, items, NULL);
		int p4 = -1, p9 = -1;
		for (int r = 0; r < n; r++) {
			if (items[r] == 4)
				p4 = r;
			if (items[r] == 9)
				p9 = r;
		}
		if (!(p4 >= 0 && p9 == p4 + 1))
			tie_ok = false;
	}
	ok(tied, "identical items score identically");
	ok(tie_ok, "tied items come out by item code, adjacent");
	ml_als_free(m);
	tr_free(&t);
}

/* Implicit mode sums a cell's ratings and drops cells whose sum is <= 0:
 * the same factors, bit for bit, as the cleaned data. */
static void
test_implicit_cells(void)
{
	struct triples a = {.nusers = 40, .nitems = 30}, b = {.nusers = 40, .nitems = 30};
	struct ml_rng rng;
	ml_rng_seed(&rng, 9, 9);
	for (int u = 0; u < 40; u++)
		for (int i = 0; i < 30; i++) {
			double x = ml_rng_uniform(&rng);
			if (x < 0.2) {
				tr_add(&a, u, i, 3);
				tr_add(&b, u, i, 1);
				tr_add(&b, u, i, 2);
			} else if (x < 0.3) {
				tr_add(&a, u, i, 1);
				tr_add(&b, u, i, 1);
			} else if (x < 0.35)
				tr_add(&b, u, i, 0);
			else if (x < 0.4)
				tr_add(&b, u, i, -2);
			else if (x < 0.45) {
				tr_add(&b, u, i, 2);
				tr_add(&b, u, i, -2);
			}
		}
	opts_clear();
	opt_num("num_factors", 4);
	struct wb_error err = WB_ERROR_INIT;
	struct ml_als *ma = train(&a, NULL, &err), *mb = train(&b, NULL, &err);
	ok(ma && mb && same_factors(ma, mb), "implicit: duplicates are summed, cells with a sum <= 0 ignored");
	ml_als_free(ma);
	ml_als_free(mb);
	tr_free(&a);
	tr_free(&b);
}

struct det_arg {
	const struct triples *t;
	struct ml_als *m;
};

static void
det_task(void *arg, int task, int worker)
{
	struct det_arg *d = arg;
	struct wb_error err = WB_ERROR_INIT;
	d->m = train(d->t, NULL, &err);
	err_clear(&err);
}

static void
test_determinism(void)
{
	struct triples t;
	int32_t held[PL_USERS];
	planted(&t, held);
	opts_clear();
	opt_num("num_factors", 7);
	opt_num("seed", 99);
	struct wb_error err = WB_ERROR_INIT;
	struct ml_als *m2 = train(&t, NULL, &err);
	/* inside a pool task every pool_run runs inline: one thread */
	struct det_arg d = {&t, NULL};
	pool_run(1, det_task, &d);
	ok(pool_size() == 2 && m2 && d.m && same_factors(m2, d.m),
	    "the same factors, bit for bit, on 1 and %d threads", pool_size());
	opts_clear();
	opt_num("num_factors", 7);
	opt_num("seed", 100);
	struct ml_als *m3 = train(&t, NULL, &err);
	ok(m3 && !same_factors(m2, m3), "another seed, other factors");
	ml_als_free(m2);
	ml_als_free(m3);
	ml_als_free(d.m);
	tr_free(&t);
}

static void
test_save_load(void)
{
	struct triples t;
	int32_t held[PL_USERS];
	planted(&t, held);
	opts_clear();
	opt_num("num_factors", 5);
	opt_num("max_iterations", 4);
	struct wb_error err = WB_ERROR_INIT;
	struct ml_als *m = train(&t, NULL, &err);
	struct ml_wbuf b = {0};
	ml_als_save(m, &b);
	struct ml_rbuf r = {b.p, b.n, 0, false};
	struct ml_als *l = ml_als_load(&r, &err);
	ok(l != NULL && r.off == b.n, "load reads what save wrote");
	if (l) {
		ok(same_factors(m, l) && ml_als_implicit(l) && ml_als_objective(l) == ml_als_objective(m),
		    "round trip: identical factors and summary");
		int32_t ia[10], ib[10];
		double sa[10], sb[10];
		bool same = true;
		for (int u = 0; u < PL_USERS; u += 13) {
			int na = ml_als_recommend(m, u, NULL, 0, 10, ia, sa), nb = ml_als_recommend(l, u, NULL, 0, 10, ib,
			    sb);
			if (na != nb || memcmp(ia, ib, sizeof ia) || memcmp(sa, sb, sizeof sa))
				same = false;
		}
		int na = ml_als_popular(m, NULL, 0, 10, ia, sa), nb = ml_als_popular(l, NULL, 0, 10, ib, sb);
		ok(same && na == nb && memcmp(ia, ib, sizeof ia) == 0, "the loaded model recommends the same");
		struct ml_wbuf b2 = {0};
		ml_als_save(l, &b2);
		ok(b2.n == b.n && memcmp(b.p, b2.p, b.n) == 0, "saving the loaded model gives the same bytes");
		ml_wbuf_free(&b2);
		struct ml_kv k1 = {0}, k2 = {0};
		ml_als_describe(m, &k1);
		ml_als_describe(l, &k2);
		bool kv = k1.n == k2.n && k1.n > 5;
		for (int e = 0; kv && e < k1.n; e++)
			kv = strcmp(k1.keys[e], k2.keys[e]) == 0 && strcmp(k1.vals[e], k2.vals[e]) == 0;
		ok(kv, "describe: %d lines, the same after loading", k1.n);
		ml_kv_free(&k1);
		ml_kv_free(&k2);
	}
	ml_als_free(l);

	/* corrupt buffers: every truncation is an error, never a crash */
	bool all_err = true;
	for (size_t cut = 0; cut < b.n; cut += cut < 64 ? 1 : 997) {
		struct ml_rbuf rr = {b.p, cut, 0, false};
		struct wb_error e = WB_ERROR_INIT;
		struct ml_als *x = ml_als_load(&rr, &e);
		if (x != NULL || !err_isset(&e))
			all_err = false;
		ml_als_free(x);
		err_clear(&e);
	}
	ok(all_err, "a truncated model is an error");
	/* bad magic, a huge user count, a NaN factor */
	uint8_t *c = xmalloc(b.n);
	struct { size_t at; uint8_t v; const char *what; } pokes[] = {
		{0, 'X', "bad magic"}, {4, 7, "bad feedback byte"}, {12, 0x7f, "huge user count"},
		{5, 0xe9, "rank 1001"},
	};
	for (size_t p = 0; p < sizeof pokes / sizeof pokes[0]; p++) {
		memcpy(c, b.p, b.n);
		c[pokes[p].at] = pokes[p].v;
		if (pokes[p].at == 5)
			c[6] = 0x03;    /* 0x3e9 = 1001 */
		struct ml_rbuf rr = {c, b.n, 0, false};
		struct wb_error e = WB_ERROR_INIT;
		struct ml_als *x = ml_als_load(&rr, &e);
		ok(x == NULL && err_isset(&e), "corrupt model (%s) is an error: %s", pokes[p].what, e.msg ? e.msg : "");
		ml_als_free(x);
		err_clear(&e);
	}
	{
		/* the header is 4 + 1 + 4 * 4 + 8 * 5 = 61 bytes, then X */
		memcpy(c, b.p, b.n);
		double nan = NAN;
		memcpy(c + 61 + 8 * 3, &nan, 8);
		struct ml_rbuf rr = {c, b.n, 0, false};
		struct wb_error e = WB_ERROR_INIT;
		struct ml_als *x = ml_als_load(&rr, &e);
		ok(x == NULL && err_isset(&e), "a NaN factor is an error: %s", e.msg ? e.msg : "");
		ml_als_free(x);
		err_clear(&e);
	}
	free(c);
	ml_wbuf_free(&b);
	ml_als_free(m);
	tr_free(&t);
}

static void
expect_error(const struct triples *t, const char *what, const char *needle)
{
	struct wb_error err = WB_ERROR_INIT;
	struct ml_als *m = train(t, NULL, &err);
	ok(m == NULL && err.msg && strstr(err.msg, needle), "%s: %s", what, err.msg ? err.msg : "(no error)");
	ml_als_free(m);
	err_clear(&err);
}

static void
test_errors(void)
{
	struct triples t = {.nusers = 3, .nitems = 3};
	opts_clear();
	expect_error(&t, "no rows", "at least one");
	tr_add(&t, 0, 0, 1);
	tr_add(&t, 1, 1, 2);
	tr_add(&t, 2, 2, 3);
	tr_add(&t, 2, 0, 1);
	t.r[1] = NAN;
	expect_error(&t, "NaN rating", "row 2: the rating is NaN");
	t.r[1] = INFINITY;
	expect_error(&t, "infinite rating", "infinite");
	t.r[1] = 2;
	t.u[2] = 3;
	expect_error(&t, "user code out of range", "row 3");
	t.u[2] = 2;
	t.i[3] = -1;
	expect_error(&t, "item code out of range", "row 4");
	t.i[3] = 0;
	opt_num("num_factors", 0);
	expect_error(&t, "num_factors 0", "num_factors");
	opts_clear();
	opt_num("rank", 1001);
	expect_error(&t, "rank 1001", "rank");
	opts_clear();
	opt_num("rank", 2);
	opt_num("num_factors", 2);
	expect_error(&t, "both rank and num_factors", "give one");
	opts_clear();
	opt_str("feedback_type", "both");
	expect_error(&t, "feedback_type 'both'", "feedback_type");
	opts_clear();
	opt_num("l2_reg", -1);
	expect_error(&t, "negative l2_reg", "l2_reg");
	opts_clear();
	opt_num("max_iterations", 0);
	expect_error(&t, "max_iterations 0", "max_iterations");
	opts_clear();
	opt_num("alpha", -1);
	expect_error(&t, "negative alpha", "alpha");
	opts_clear();
	opt_num("rank", 2.5);
	expect_error(&t, "rank 2.5", "whole number");

	opts_clear();
	opt_str("feedback_type", "explicit");
	opt_num("wals_alpha", 10);
	expect_error(&t, "wals_alpha with explicit", "implicit' only");

	/* explicit, no regularization, a user with one rating and rank 2 */
	opts_clear();
	opt_str("feedback_type", "explicit");
	opt_num("l2_reg", 0);
	opt_num("rank", 2);
	expect_error(&t, "explicit, l2_reg = 0, underdetermined", "singular");
	/* implicit with nothing positive */
	opts_clear();
	for (int e = 0; e < t.n; e++)
		t.r[e] = -1;
	expect_error(&t, "implicit, all ratings <= 0", "no rating > 0");
	opts_clear();
	opt_str("feedback_type", "explicit");
	struct wb_error err = WB_ERROR_INIT;
	struct ml_als *m = train(&t, NULL, &err);
	ok(m != NULL, "explicit accepts negative ratings");
	ml_als_free(m);
	tr_free(&t);
}

static int progress_calls;
static int64_t progress_last;

static void
progress(void *arg, int64_t done, int64_t total, const char *unit)
{
	progress_calls++;
	progress_last = done;
	if (arg && done == 2)
		*(volatile int *)arg = 1;
}

static void
test_log_cancel(void)
{
	struct triples t;
	int32_t held[PL_USERS];
	planted(&t, held);
	opts_clear();
	opt_num("max_iterations", 6);
	struct ml_log log;
	ml_log_init(&log);
	log.progress = progress;
	struct wb_error err = WB_ERROR_INIT;
	struct ml_als *m = train(&t, &log, &err);
	ok(m && progress_calls == 6 && progress_last == 6, "progress once per iteration (%d calls)", progress_calls);
	ml_als_free(m);
	ml_log_free(&log);

	/* cancelled from the progress callback after iteration 2 */
	volatile int cancel = 0;
	ml_log_init(&log);
	log.progress = progress;
	log.progress_arg = (void *)&cancel;
	log.cancel = &cancel;
	m = train(&t, &log, &err);
	ok(m == NULL && err.msg && strcmp(err.msg, "training cancelled") == 0 && log.nsteps == 2,
	    "cancellation stops training: %s after %d steps", err.msg ? err.msg : "(none)", log.nsteps);
	err_clear(&err);
	ml_log_free(&log);

	/* early stop */
	opts_clear();
	opt_num("max_iterations", 200);
	opt_str("early_stop", "true");
	opt_num("min_rel_progress", 0.001);
	ml_log_init(&log);
	m = train(&t, &log, &err);
	ok(m && log.nsteps < 200 && log.nnotes == 1, "early_stop: stopped after %d iterations", log.nsteps);
	ml_als_free(m);
	ml_log_free(&log);
	tr_free(&t);
}

int
main(void)
{
	pool_init(2);
	test_planted();
	test_explicit_gradient();
	test_lowrank_recovery();
	test_recommend();
	test_ties();
	test_implicit_cells();
	test_determinism();
	test_save_load();
	test_errors();
	test_log_cancel();
	pool_shutdown();
	ok(ml_als_options[0] && strcmp(ml_als_options[0], "feedback_type") == 0, "ml_als_options lists the options");
	return done_testing();
}
