/*
 * BOOTSTRAP agg(x) [BY g] [N 1000] [SEED 42] [CONF 0.95]
 *           [METHOD percentile|basic|bca] [REPLICATES] FROM source
 *
 * The nonparametric bootstrap of an aggregate: N times, draw n values
 * with replacement from the n values of x (per group of g, resampling
 * within each group), compute the aggregate; report per group the
 * estimate on the data, bias (mean of the replicates - estimate),
 * std_error (their sd) and a confidence interval from them, as R's
 * boot() and boot.ci():
 *   percentile  boot.ci(type = "perc"): the replicates' order statistics
 *               at (N + 1) alpha, interpolated on the normal quantile
 *               scale between neighbours (boot's norm.inter);
 *   basic       boot.ci(type = "basic"): 2 estimate - those, swapped;
 *   bca         boot.ci(type = "bca", L = empinf(b, type = "jack")):
 *               bias correction qnorm(#{t < estimate} / N), acceleration
 *               from the jackknife values L_i = (n - 1)(estimate -
 *               estimate without value i), computed in O(n) per statistic.
 * REPLICATES returns the replicates themselves ([g], replicate, value).
 *
 * Aggregates: avg/mean, sum, count (of non-NULL values: it resamples all
 * the rows, NULL included, and reads any type), median, quantile_cont /
 * percentile_cont / percentile(x, p) (R's type 7), quantile_disc /
 * percentile_disc / quantile(x, p) (R's type 1, as wb's SQL quantile),
 * stddev / stddev_samp / sd / std, var_samp / variance / var, min, max; a
 * BOOLEAN is 0/1, so avg(flag) is a proportion. The others resample the
 * non-missing values.
 *
 * Cancellation (the statement's cancel flag, Ctrl-C) is looked at before
 * every replicate: a replicate of a million values takes milliseconds.
 *
 * Determinism: replicates are drawn in blocks of BLOCK; block j of group k
 * comes from GSL's mt19937 seeded with a 32-bit value mixed (splitmix64)
 * from SEED, k and j, and its indices are Lemire's unbiased multiply-shift
 * reduction of the generator's 32-bit outputs. Blocks are the tasks of the
 * thread pool, so the numbers do not depend on the number of threads.
 */
/* GSL's inline gsl_rng_get: one call per resampled value */
#define HAVE_INLINE 1
#include "stats/stats.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BLOCK 64
#define MAX_REPLICATES 1000000
#define MAX_DRAWS 1e10   /* N x rows: about 70 s of CPU (7 ns a draw) */

enum bs_stat { BS_MEAN, BS_SUM, BS_COUNT, BS_QCONT, BS_QDISC, BS_SD, BS_VAR, BS_MIN, BS_MAX };
enum bs_method { BS_PERC, BS_BASIC, BS_BCA };

struct bs_opt {
	enum bs_stat stat;
	double p;              /* quantiles */
	const char *label;     /* the aggregate as written: "avg(price)" */
	int by;                /* the BY variable's index, or -1 */
	int64_t nrep;
	uint64_t seed;
	double conf;
	enum bs_method method;
	bool replicates;       /* return the replicates, not the summary */
};

/* ------------------------------------------------------------ statistics */

static bool
needs_sorted(enum bs_stat s)
{
	return s == BS_QCONT || s == BS_QDISC;
}

/* Values the statistic needs: sd and var need 2. */
static int64_t
min_values(enum bs_stat s)
{
	return s == BS_SD || s == BS_VAR ? 2 : 1;
}

/* The 0-based rank quantile_disc picks among m values: the first whose
 * cumulative fraction reaches p (R's type 1; written as wb's SQL does, so
 * that m - m p rounding the same way gives the same rank). */
static int64_t
disc_rank(int64_t m, double p)
{
	int64_t r = m - (int64_t)floor((double)m - (double)m * p);
	if (r < 1)
		r = 1;
	if (r > m)
		r = m;
	return r - 1;
}

/* Quantile (type 7 or 1) of m sorted values y. */
static double
quantile_sorted(const double *y, int64_t m, enum bs_stat s, double p)
{
	if (s == BS_QDISC)
		return y[disc_rank(m, p)];
	double h = (double)(m - 1) * p;
	int64_t f = (int64_t)floor(h);
	if (f >= m - 1)
		return y[m - 1];
	return y[f] + (h - (double)f) * (y[f + 1] - y[f]);
}

/* The statistic on the data x[0..n) (sorted when needs_sorted). */
static double
estimate(enum bs_stat s, double p, const double *x, int64_t n)
{
	if (n < min_values(s))
		return NAN;
	double mean, ss;
	switch (s) {
	case BS_MEAN:
		stats_mean_ss(x, n, &mean, &ss);
		return mean;
	case BS_SUM:
	case BS_COUNT: {
		/* Neumaier's compensated sum, as the engine's sum() */
		double sum = 0, c = 0;
		for (int64_t i = 0; i < n; i++) {
			double t = sum + x[i];
			c += fabs(sum) >= fabs(x[i]) ? (sum - t) + x[i] : (x[i] - t) + sum;
			sum = t;
		}
		return sum + c;
	}
	case BS_SD:
	case BS_VAR:
		stats_mean_ss(x, n, &mean, &ss);
		return s == BS_VAR ? ss / (double)(n - 1) : sqrt(ss / (double)(n - 1));
	case BS_MIN:
	case BS_MAX: {
		double v = x[0];
		for (int64_t i = 1; i < n; i++)
			if (s == BS_MIN ? x[i] < v : x[i] > v)
				v = x[i];
		return v;
	}
	case BS_QCONT:
	case BS_QDISC:
		return quantile_sorted(x, n, s, p);
	}
	return NAN;
}

/* R's jackknife influence values L_i = (n - 1)(est - est without value i),
 * into L (n values, in x's order; x sorted for quantiles and min/max). */
static void
jackknife(enum bs_stat s, double p, const double *x, int64_t n, double est, double *L)
{
	double dn = (double)n, mean, ss;
	stats_mean_ss(x, n, &mean, &ss);
	for (int64_t i = 0; i < n; i++) {
		double loo;
		switch (s) {
		case BS_MEAN: L[i] = x[i] - mean; continue;
		case BS_SUM:
		case BS_COUNT: L[i] = (dn - 1) * x[i]; continue;
		case BS_SD:
		case BS_VAR: {
			/* removing x_i takes (x_i - mean)^2 n / (n - 1) from ss */
			double e = x[i] - mean, ss1 = ss - e * e * dn / (dn - 1);
			if (ss1 < 0)
				ss1 = 0;
			loo = n > 2 ? ss1 / (dn - 2) : NAN;
			if (s == BS_SD)
				loo = sqrt(loo);
			break;
		}
		case BS_MIN: loo = i == 0 ? x[1] : x[0]; break;
		case BS_MAX: loo = i == n - 1 ? x[n - 2] : x[n - 1]; break;
		default: {
			/* the quantile of the n - 1 sorted values without x[i] */
			int64_t m = n - 1, r0, r1;
			double w = 0;
			if (s == BS_QDISC) {
				r0 = r1 = disc_rank(m, p);
			} else {
				double h = (double)(m - 1) * p;
				r0 = (int64_t)floor(h);
				r1 = r0 + 1 < m ? r0 + 1 : r0;
				w = h - (double)r0;
			}
			double y0 = x[r0 < i ? r0 : r0 + 1], y1 = x[r1 < i ? r1 : r1 + 1];
			loo = r1 == r0 ? y0 : y0 + w * (y1 - y0);
			break;
		}
		}
		L[i] = (dn - 1) * (est - loo);
	}
}

/* ------------------------------------------------------------ resampling */

/* splitmix64's finaliser: seeds for the blocks' generators */
static uint64_t
mix64(uint64_t z)
{
	z += UINT64_C(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A uniform index in [0, n), n < 2^32: Lemire's multiply-shift with
 * rejection of the biased low products. */
static inline uint32_t
draw_index(gsl_rng *r, uint32_t n)
{
	uint64_t m = (uint64_t)(uint32_t)gsl_rng_get(r) * n;
	uint32_t low = (uint32_t)m;
	if (low < n) {
		uint32_t t = (uint32_t)(-n) % n;
		while (low < t) {
			m = (uint64_t)(uint32_t)gsl_rng_get(r) * n;
			low = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

struct bs_worker {
	gsl_rng *rng;
	uint32_t *counts;      /* quantiles: draws per sorted value */
	int64_t ncounts;
};

/* One group's resampling, shared by the pool's tasks. */
struct bs_job {
	enum bs_stat stat;
	double p;
	const double *x;       /* the values; sorted for quantiles */
	int64_t n;
	double shift;          /* sd, var: their mean (sums of x - shift lose less); else 0 */
	uint64_t seed;         /* mixed from SEED and the group */
	int64_t nrep;
	double *rep;           /* out: nrep replicates */
	struct bs_worker *w;   /* per pool worker */
	bool oom;
	volatile sig_atomic_t *cancel;   /* non-zero: the remaining replicates are skipped */
};

/* Draw m indices into idx. Drawing a batch before reading the values
 * lets the reads of x - random, mostly cache misses - overlap, where a
 * read after each draw waits for it (2-3x slower for a million values). */
static void
draw_batch(gsl_rng *r, uint32_t n, uint32_t *idx, int m)
{
	for (int k = 0; k < m; k++)
		idx[k] = draw_index(r, n);
}

#define BATCH 256

/* The statistic of one resample, drawn with the worker's generator. The
 * values are read in draw order, so the sums do not depend on BATCH. */
static double
replicate(struct bs_job *j, struct bs_worker *w)
{
	const double *x = j->x;
	int64_t n = j->n;
	uint32_t un = (uint32_t)n, idx[BATCH];
	double dn = (double)n;
	switch (j->stat) {
	case BS_MEAN:
	case BS_SUM:
	case BS_COUNT:
	case BS_SD:
	case BS_VAR: {
		double s1 = 0, s2 = 0, sh = j->shift;
		for (int64_t i = 0; i < n; i += BATCH) {
			int m = n - i < BATCH ? (int)(n - i) : BATCH;
			draw_batch(w->rng, un, idx, m);
			for (int k = 0; k < m; k++) {
				double d = x[idx[k]] - sh;
				s1 += d;
				s2 += d * d;
			}
		}
		if (j->stat == BS_MEAN)
			return sh + s1 / dn;
		if (j->stat == BS_SUM || j->stat == BS_COUNT)
			return sh * dn + s1;
		double var = (s2 - s1 * s1 / dn) / (dn - 1);
		if (var < 0)
			var = 0;
		return j->stat == BS_VAR ? var : sqrt(var);
	}
	case BS_MIN:
	case BS_MAX: {
		/* the values are finite (the executor rejects infinities) */
		double v = j->stat == BS_MIN ? INFINITY : -INFINITY;
		for (int64_t i = 0; i < n; i += BATCH) {
			int m = n - i < BATCH ? (int)(n - i) : BATCH;
			draw_batch(w->rng, un, idx, m);
			for (int k = 0; k < m; k++) {
				double y = x[idx[k]];
				if (j->stat == BS_MIN ? y < v : y > v)
					v = y;
			}
		}
		return v;
	}
	default: {
		/* count the draws of each sorted value, then walk the counts to
		 * the wanted ranks: no copy and no sort of the resample */
		uint32_t *c = w->counts;
		memset(c, 0, sizeof *c * (size_t)n);
		for (int64_t i = 0; i < n; i += BATCH) {
			int m = n - i < BATCH ? (int)(n - i) : BATCH;
			draw_batch(w->rng, un, idx, m);
			for (int k = 0; k < m; k++)
				c[idx[k]]++;
		}
		int64_t r0, r1;
		double f = 0;
		if (j->stat == BS_QDISC) {
			r0 = r1 = disc_rank(n, j->p);
		} else {
			double h = (dn - 1) * j->p;
			r0 = (int64_t)floor(h);
			r1 = r0 + 1 < n ? r0 + 1 : r0;
			f = h - (double)r0;
		}
		double y0 = NAN, y1 = NAN;
		int64_t cum = 0;
		for (int64_t k = 0; k < n; k++) {
			cum += c[k];
			if (isnan(y0) && cum > r0)
				y0 = x[k];
			if (cum > r1) {
				y1 = x[k];
				break;
			}
		}
		return r1 == r0 || f == 0 ? y0 : y0 + f * (y1 - y0);
	}
	}
}

/* Pool task: replicates [task * BLOCK, ...) of the job. */
static void
bs_task(void *arg, int task, int worker)
{
	struct bs_job *j = arg;
	struct bs_worker *w = &j->w[worker];
	if (w->rng == NULL)
		w->rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (w->rng == NULL) {
		j->oom = true;
		return;
	}
	if (needs_sorted(j->stat) && w->ncounts < j->n) {
		free(w->counts);
		w->counts = xmalloc(sizeof *w->counts * (size_t)j->n);
		w->ncounts = j->n;
	}
	gsl_rng_set(w->rng, (unsigned long)(mix64(j->seed ^ mix64((uint64_t)task)) & 0xffffffffu));
	int64_t lo = (int64_t)task * BLOCK, hi = lo + BLOCK < j->nrep ? lo + BLOCK : j->nrep;
	for (int64_t b = lo; b < hi; b++) {
		if (j->cancel && *j->cancel)
			return;
		j->rep[b] = replicate(j, w);
	}
}

/* ------------------------------------------------------------ intervals */

/* boot's norm.inter: the (N + 1) alpha-th order statistic of the sorted
 * replicates t, interpolated on the normal quantile scale between its
 * neighbours; extreme ranks take the extreme values (*extreme set). */
static double
norm_inter(const double *t, int64_t R, double alpha, bool *extreme)
{
	double rk = (double)(R + 1) * alpha;
	if (!(rk > 1 && rk < (double)R))
		*extreme = true;
	int64_t k = (int64_t)rk;
	if (k <= 0)
		return t[0];
	if (k >= R)
		return t[R - 1];
	if ((double)k == rk)
		return t[k - 1];
	double z = gsl_cdf_ugaussian_Pinv(alpha), zk = gsl_cdf_ugaussian_Pinv((double)k / (double)(R + 1)),
	       zk1 = gsl_cdf_ugaussian_Pinv((double)(k + 1) / (double)(R + 1));
	return t[k - 1] + (z - zk) / (zk1 - zk) * (t[k] - t[k - 1]);
}

/* ------------------------------------------------------------ output */

enum { C_STAT, C_EST, C_BIAS, C_SE, C_LO, C_HI, C_N, C_REPS, NCOLS };

struct bs_run {
	const struct bs_opt *o;
	struct stats_result *r;
	int off;               /* 1 with a group column */
	struct bs_worker *w;
	int nworkers;
	double *rep;           /* nrep */
	double *L;             /* jackknife values (BCa) */
	int64_t Lcap;
	bool extreme;          /* an interval used extreme order statistics */
	struct strbuf bca_notes;
	volatile sig_atomic_t *cancel;   /* the statement's (NULL: none) */
};

static void
group_cell(struct bs_run *b, const char *label)
{
	if (b->off)
		stats_s(b->r, 0, label);
}

/* A group whose statistic cannot be computed: NULLs, and why in a note. */
static void
empty_row(struct bs_run *b, const char *label, int64_t n)
{
	const struct bs_opt *o = b->o;
	if (n == 0)
		stats_note(b->r, "group %s: %s has no values", label, o->label);
	else
		stats_note(b->r, "group %s: %s has %lld value%s; it needs at least %lld", label, o->label, (long long)n,
		    n == 1 ? "" : "s", (long long)min_values(o->stat));
	if (o->replicates)
		return;
	group_cell(b, label);
	stats_s(b->r, b->off + C_STAT, o->label);
	for (int c = C_EST; c <= C_HI; c++)
		stats_null(b->r, b->off + c);
	stats_i(b->r, b->off + C_N, n);
	stats_i(b->r, b->off + C_REPS, 0);
	stats_row(b->r);
}

static void
bca_note(struct bs_run *b, const char *label, const char *why)
{
	if (b->off)
		sb_printf(&b->bca_notes, "group %s: BCa is undefined (NaN): %s\n", label, why);
	else
		sb_printf(&b->bca_notes, "BCa is undefined (NaN): %s\n", why);
}

/* The CI [lo, hi] by the chosen method from the sorted replicates. */
static void
interval(struct bs_run *b, const char *label, const double *x, int64_t n, double est, const double *t, double *lo,
    double *hi)
{
	const struct bs_opt *o = b->o;
	int64_t R = o->nrep;
	/* as R: alpha = (1 + c(-conf, conf)) / 2, rounding included */
	double a_lo = (1 - o->conf) / 2, a_hi = (1 + o->conf) / 2;
	if (o->method == BS_PERC) {
		*lo = norm_inter(t, R, a_lo, &b->extreme);
		*hi = norm_inter(t, R, a_hi, &b->extreme);
		return;
	}
	if (o->method == BS_BASIC) {
		*lo = 2 * est - norm_inter(t, R, a_hi, &b->extreme);
		*hi = 2 * est - norm_inter(t, R, a_lo, &b->extreme);
		return;
	}
	*lo = *hi = NAN;
	int64_t below = 0;
	for (int64_t i = 0; i < R; i++)
		below += t[i] < est;
	double w = gsl_cdf_ugaussian_Pinv((double)below / (double)R);
	if (!isfinite(w)) {
		bca_note(b, label, below == 0 ? "no replicate is below the estimate" : "every replicate is below the estimate");
		return;
	}
	if (n > b->Lcap) {
		free(b->L);
		b->L = xmalloc(sizeof *b->L * (size_t)n);
		b->Lcap = n;
	}
	jackknife(o->stat, o->p, x, n, est, b->L);
	double s2 = 0, s3 = 0;
	for (int64_t i = 0; i < n; i++) {
		double l = b->L[i];
		s2 += l * l;
		s3 += l * l * l;
	}
	double acc = s3 / (6 * pow(s2, 1.5));
	if (!isfinite(acc)) {
		bca_note(b, label, "the jackknife values are all 0");
		return;
	}
	double za[2] = {gsl_cdf_ugaussian_Pinv(a_lo), gsl_cdf_ugaussian_Pinv(a_hi)}, ci[2];
	for (int k = 0; k < 2; k++) {
		double adj = gsl_cdf_ugaussian_P(w + (w + za[k]) / (1 - acc * (w + za[k])));
		ci[k] = norm_inter(t, R, adj, &b->extreme);
	}
	*lo = ci[0];
	*hi = ci[1];
}

/* Bootstrap one group's values x[0..n) (sorted here when needed) and add
 * its row(s). k, the group's level number, goes into the seeds. -1: out
 * of memory, -2: cancelled. */
static int
bootstrap_group(struct bs_run *b, const char *label, double *x, int64_t n, int k)
{
	const struct bs_opt *o = b->o;
	if (n < min_values(o->stat)) {
		empty_row(b, label, n);
		return 0;
	}
	if (needs_sorted(o->stat) || o->stat == BS_MIN || o->stat == BS_MAX)
		gsl_sort(x, 1, (size_t)n);
	double est = estimate(o->stat, o->p, x, n), shift = 0, ss;
	/* var and sd from shifted sums: s2 - s1^2 / n cancels little when
	 * the shift is near the mean; the other sums stay exact for integers */
	if (o->stat == BS_SD || o->stat == BS_VAR)
		stats_mean_ss(x, n, &shift, &ss);
	struct bs_job j = {.stat = o->stat, .p = o->p, .x = x, .n = n, .shift = shift,
		.seed = mix64(o->seed ^ mix64(UINT64_C(0x5eed) + (uint64_t)k)), .nrep = o->nrep, .rep = b->rep,
		.w = b->w, .cancel = b->cancel};
	pool_run((int)((o->nrep + BLOCK - 1) / BLOCK), bs_task, &j);
	if (j.oom)
		return -1;
	if (j.cancel && *j.cancel)
		return -2;
	if (o->replicates) {
		for (int64_t i = 0; i < o->nrep; i++) {
			group_cell(b, label);
			stats_i(b->r, b->off, i + 1);
			stats_d(b->r, b->off + 1, b->rep[i]);
			stats_row(b->r);
		}
		return 0;
	}
	double mean, rss;
	stats_mean_ss(b->rep, o->nrep, &mean, &rss);
	gsl_sort(b->rep, 1, (size_t)o->nrep);
	double lo, hi;
	interval(b, label, x, n, est, b->rep, &lo, &hi);
	group_cell(b, label);
	stats_s(b->r, b->off + C_STAT, o->label);
	stats_d(b->r, b->off + C_EST, est);
	stats_d(b->r, b->off + C_BIAS, mean - est);
	stats_d(b->r, b->off + C_SE, sqrt(rss / (double)(o->nrep - 1)));
	stats_d(b->r, b->off + C_LO, lo);
	stats_d(b->r, b->off + C_HI, hi);
	stats_i(b->r, b->off + C_N, n);
	stats_i(b->r, b->off + C_REPS, o->nrep);
	stats_row(b->r);
	return 0;
}

static const char *const method_names[] = {"percentile", "basic", "BCa"};

static void
result_init(const struct bs_opt *o, const struct stats_data *d, struct stats_result *r, int off)
{
	static const char *const base[NCOLS] = {"statistic", "estimate", "bias", "std_error", "ci_low", "ci_high", "n",
		"replicates"};
	const char *names[NCOLS + 1];
	wb_type types[NCOLS + 1];
	if (off) {
		names[0] = d->col[o->by].name;
		types[0] = WB_TYPE_VARCHAR;
	}
	if (o->replicates) {
		names[off] = "replicate";
		types[off] = WB_TYPE_BIGINT;
		names[off + 1] = "value";
		types[off + 1] = WB_TYPE_DOUBLE;
		stats_result_init(r, off + 2, names, types);
		stats_title(r, "Bootstrap replicates of %s: %lld, seed %llu", o->label, (long long)o->nrep,
		    (unsigned long long)o->seed);
		return;
	}
	for (int c = 0; c < NCOLS; c++) {
		names[off + c] = base[c];
		types[off + c] = c == C_STAT ? WB_TYPE_VARCHAR : c >= C_N ? WB_TYPE_BIGINT : WB_TYPE_DOUBLE;
	}
	stats_result_init(r, NCOLS + off, names, types);
	stats_title(r, "Bootstrap %s confidence interval (%g%%) of %s: %lld replicates, seed %llu",
	    method_names[o->method], 100 * o->conf, o->label, (long long)o->nrep, (unsigned long long)o->seed);
}

static int
bootstrap_run(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct bs_opt *o = st->opt;
	const struct stats_column *xc = &d->col[0];
	int off = o->by >= 0;
	if (d->n == 0) {
		err_set(err, st->pos, "BOOTSTRAP: the source has no rows");
		err_hint(err, "check the source and its WHERE condition");
		return -1;
	}
	if (d->n > (int64_t)UINT32_MAX) {
		err_set(err, st->pos, "BOOTSTRAP: %lld rows are more than it resamples (4294967295)", (long long)d->n);
		err_hint(err, "bootstrap a sample of the rows");
		return -1;
	}
	if ((double)o->nrep * (double)d->n > MAX_DRAWS) {
		err_set(err, st->pos, "BOOTSTRAP: N %lld over %lld rows is %.3g draws, more than the limit %.0e",
		    (long long)o->nrep, (long long)d->n, (double)o->nrep * (double)d->n, MAX_DRAWS);
		err_hint(err, "lower N (1000 replicates are enough for a 95%% interval)");
		return -1;
	}
	/* The data as a numeric column and a factor, for stats_groups_split:
	 * count resamples its 0/1 "not NULL" indicators over all rows;
	 * without BY every row is in group 0. */
	struct stats_column cols[2];
	cols[0] = *xc;
	cols[0].role = STATS_NUMERIC;
	double *ind = NULL;
	if (o->stat == BS_COUNT) {
		ind = xmalloc(sizeof *ind * (size_t)d->n);
		for (int64_t i = 0; i < d->n; i++)
			ind[i] = xc->role == STATS_FACTOR ? xc->level[i] >= 0 : !isnan(xc->x[i]);
		cols[0].x = ind;
	}
	int32_t *one = NULL;
	char *all_label = "";
	if (off) {
		cols[1] = d->col[o->by];
	} else {
		one = xcalloc((size_t)d->n, sizeof *one);
		memset(&cols[1], 0, sizeof cols[1]);
		cols[1].role = STATS_FACTOR;
		cols[1].level = one;
		cols[1].nlevels = 1;
		cols[1].labels = &all_label;
	}
	struct stats_data dd = {.n = d->n, .ncol = 2, .col = cols};
	struct stats_groups gs;
	stats_groups_split(&dd, 0, 1, &gs);
	free(ind);
	free(one);
	if (!off && gs.k == 0) {
		stats_groups_free(&gs);
		err_set(err, st->pos, "BOOTSTRAP: %s has no values (%lld rows, all NULL)", xc->name, (long long)d->n);
		err_hint(err, "check the column and the source's WHERE condition");
		return -1;
	}
	if (!off && gs.n[0] < min_values(o->stat)) {
		stats_groups_free(&gs);
		err_set(err, st->pos, "BOOTSTRAP: %s has 1 value; %s needs at least 2", xc->name, o->label);
		err_hint(err, "bootstrap a larger sample");
		return -1;
	}
	result_init(o, d, r, off);
	struct bs_run b = {.o = o, .r = r, .off = off, .nworkers = pool_size(), .cancel = st->cancel};
	sb_init(&b.bca_notes);
	b.w = xcalloc((size_t)b.nworkers, sizeof *b.w);
	b.rep = xmalloc(sizeof *b.rep * (size_t)o->nrep);
	int rc = 0;
	/* every level in order; the levels with no values get a row of NULLs */
	const struct stats_column *g = &cols[1];
	for (int l = 0, k = 0; l < g->nlevels && rc == 0; l++) {
		if (k < gs.k && gs.label[k] == g->labels[l]) {
			rc = bootstrap_group(&b, g->labels[l], gs.x + gs.start[k], gs.n[k], l);
			k++;
		} else {
			empty_row(&b, g->labels[l], 0);
		}
	}
	if (rc == -2) {
		err_set(err, st->pos, "BOOTSTRAP cancelled");
		err_hint(err, "Ctrl-C stopped it; a smaller N or a sample of the rows takes less time");
		rc = -1;
	} else if (rc < 0) {
		err_set(err, st->pos, "BOOTSTRAP: out of memory for the random number generators");
	}
	if (gs.dropped > 0 && o->stat != BS_COUNT)
		stats_note(r, "%lld row%s with a missing %s%s left out", (long long)gs.dropped, gs.dropped == 1 ? "" : "s",
		    xc->name, off ? " or group" : "");
	else if (gs.dropped > 0)
		stats_note(r, "%lld row%s with a missing group left out", (long long)gs.dropped, gs.dropped == 1 ? "" : "s");
	if (b.extreme)
		stats_note(r, "extreme order statistics used as endpoints: N is small for CONF %g", o->conf);
	sb_puts(&r->notes, sb_str(&b.bca_notes));
	sb_free(&b.bca_notes);
	for (int i = 0; i < b.nworkers; i++) {
		if (b.w[i].rng)
			gsl_rng_free(b.w[i].rng);
		free(b.w[i].counts);
	}
	free(b.w);
	free(b.rep);
	free(b.L);
	stats_groups_free(&gs);
	return rc;
}

/* ------------------------------------------------------------ parsing */

static const struct {
	const char *name;
	enum bs_stat stat;
	double p;              /* median's 0.5; -1: p is an argument */
} bs_aggs[] = {
	{"avg", BS_MEAN, 0}, {"mean", BS_MEAN, 0}, {"sum", BS_SUM, 0}, {"count", BS_COUNT, 0},
	{"median", BS_QCONT, 0.5}, {"quantile_cont", BS_QCONT, -1}, {"percentile_cont", BS_QCONT, -1},
	{"percentile", BS_QCONT, -1}, {"quantile_disc", BS_QDISC, -1}, {"percentile_disc", BS_QDISC, -1},
	{"quantile", BS_QDISC, -1}, {"stddev", BS_SD, 0}, {"stddev_samp", BS_SD, 0}, {"sd", BS_SD, 0},
	{"std", BS_SD, 0}, {"var_samp", BS_VAR, 0}, {"variance", BS_VAR, 0}, {"var", BS_VAR, 0},
	{"min", BS_MIN, 0}, {"max", BS_MAX, 0},
};

#define SUPPORTED "avg/mean, sum, count, median, quantile_cont(x, p) (percentile_cont, percentile), " \
	"quantile_disc(x, p) (percentile_disc, quantile), stddev/stddev_samp/sd/std, var_samp/variance/var, min, max"

/* agg(expr [, p]): the aggregate, its variable, and its text as label. */
static int
parse_agg(struct parser *p, struct stats_stmt *st, struct bs_opt *o)
{
	const struct token *t = parser_peek(p, 0);
	int start = t->pos;
	char *name = parser_ident(p, "an aggregate such as avg(x)");
	if (name == NULL)
		return -1;
	int a = -1;
	for (size_t i = 0; i < sizeof bs_aggs / sizeof bs_aggs[0]; i++)
		if (strcasecmp(name, bs_aggs[i].name) == 0)
			a = (int)i;
	if (a < 0) {
		err_set(p->err, start, "BOOTSTRAP: %s() is not an aggregate it can resample", name);
		err_hint(p->err, "use one of " SUPPORTED);
		return -1;
	}
	o->stat = bs_aggs[a].stat;
	o->p = bs_aggs[a].p;
	if (!parser_expect_op(p, "("))
		return -1;
	if (parser_peek(p, 0)->type == TOK_OP && parser_accept_op(p, "*")) {
		err_set(p->err, start, "BOOTSTRAP: %s(*) is the same in every resample", name);
		err_hint(p->err, "count a column's non-NULL values: count(x)");
		return -1;
	}
	if (stats_parse_var(p, st, o->stat == BS_COUNT ? STATS_FACTOR : STATS_NUMERIC) < 0)
		return -1;
	if (o->p < 0) {
		if (!parser_accept_op(p, ",")) {
			err_set(p->err, parser_peek(p, 0)->pos, "BOOTSTRAP: %s(x, p) needs the fraction p", name);
			err_hint(p->err, "%s(x, 0.9) is the 90th percentile", name);
			return -1;
		}
		if (!stats_parse_number(p, "the fraction p", 0, 1, &o->p))
			return -1;
	}
	if (!parser_expect_op(p, ")"))
		return -1;
	const struct token *last = &p->toks[p->cur - 1];
	o->label = arena_strndup(p->arena, p->src + start, (size_t)(last->pos + last->len - start));
	return 0;
}

/* Options: a whole number in [lo, hi] (errors print it as one). */
static bool
parse_int(struct parser *p, const char *what, int64_t lo, int64_t hi, int64_t *out)
{
	int pos = parser_peek(p, 0)->pos;
	double v;
	if (!parser_number(p, &v))
		return false;
	if (!(v >= (double)lo && v <= (double)hi)) {
		err_set(p->err, pos, "%s must be between %lld and %lld, not %.15g", what, (long long)lo, (long long)hi, v);
		return false;
	}
	if (v != floor(v)) {
		err_set(p->err, pos, "%s must be a whole number, not %.15g", what, v);
		return false;
	}
	*out = (int64_t)v;
	return true;
}

static int
bootstrap_parse(struct parser *p, void **data)
{
	struct stats_stmt *st = stats_stmt_new(p, bootstrap_run, "BOOTSTRAP");
	struct bs_opt *o = arena_zalloc(p->arena, sizeof *o);
	st->opt = o;
	*data = st;
	o->by = -1;
	o->nrep = 1000;
	o->seed = 42;
	o->conf = 0.95;
	o->method = BS_PERC;
	if (parse_agg(p, st, o) < 0)
		return -1;
	for (;;) {
		if (parser_accept_word(p, "BY")) {
			if (o->by >= 0)
				return parser_error(p, "BOOTSTRAP: BY is given twice");
			if ((o->by = stats_parse_var(p, st, STATS_FACTOR)) < 0)
				return -1;
		} else if (parser_accept_word(p, "N")) {
			if (!parse_int(p, "N (the number of replicates)", 2, MAX_REPLICATES, &o->nrep))
				return -1;
		} else if (parser_accept_word(p, "SEED")) {
			int64_t s;
			if (!parse_int(p, "SEED", 0, INT64_C(9007199254740991), &s))
				return -1;
			o->seed = (uint64_t)s;
		} else if (parser_accept_word(p, "CONF")) {
			if (!stats_parse_number(p, "CONF", 0.5, 0.9999, &o->conf))
				return -1;
		} else if (parser_accept_word(p, "METHOD")) {
			if (parser_accept_word(p, "PERCENTILE") || parser_accept_word(p, "PERC"))
				o->method = BS_PERC;
			else if (parser_accept_word(p, "BASIC"))
				o->method = BS_BASIC;
			else if (parser_accept_word(p, "BCA"))
				o->method = BS_BCA;
			else
				return parser_syntax_error(p, "percentile, basic or bca");
		} else if (parser_accept_word(p, "REPLICATES")) {
			o->replicates = true;
		} else {
			break;
		}
	}
	return stats_parse_from(p, st);
}

const struct stmt_ext stats_ext_bootstrap = {
	.word = "BOOTSTRAP",
	.parse = bootstrap_parse,
	.query = true,
	.usage = "BOOTSTRAP agg(x) [BY g] [N 1000] [SEED 42] [CONF 0.95] [METHOD percentile|basic|bca] [REPLICATES] "
		 "FROM source [WHERE cond]",
	.summary = "bootstrap confidence interval of an aggregate (avg, sum, count, median, quantile, sd, var, min, max)",
};
