/*
 * ml_tree: binning and CART on histograms (see ml_tree.h for the scheme
 * and its contracts).
 *
 * Histogram entries are `stride` doubles per bin: [0] rows, [1] weight,
 * then regression: sum w*y, sum w*y^2 (stride 4); two classes: sum w*y
 * with y in {0, 1} (stride 3); k > 2 classes: the weight of each class
 * (stride k + 2). Node totals use the same layout. Row counts are exact in
 * doubles, so the subtraction trick never miscounts rows.
 *
 * The split rule follows sklearn's BestSplitter so that the same
 * hyper-parameters mean the same thing: features are drawn without
 * replacement until mtry have been looked at and at least one was not
 * constant in the node; the best split maximises the criterion's proxy
 * (the first one found wins a tie); a node is a leaf at max_depth, below
 * min_samples_split or 2 * min_samples_leaf rows, when pure, when no split
 * leaves min_samples_leaf rows on both sides, or when the weighted
 * impurity decrease is below min_impurity_decrease.
 */
#include "ml/ml_tree.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows sampled for the quantile cut points (as sklearn's histogram
 * boosting); more only sharpen cuts that 255 bins cannot resolve anyway. */
#define BIN_SAMPLE 200000

/* Features counted per pass over a node's rows: each pass reads the
 * rows' ids, weights and targets once for all of them, and 4 histogram
 * and column pointers still fit in registers. */
#define HIST_GROUP 4
/* Rows ahead whose codes are prefetched: a deep node's rows are spread
 * over the whole column, each gather a cache miss the hardware cannot
 * predict, and the row ids say where they will be. */
#define PREFETCH 48

/* ------------------------------------------------------------ binning */

/* An order-preserving map of doubles to unsigned keys (no NaNs here). */
static inline uint64_t
dkey(double x)
{
	uint64_t u;
	memcpy(&u, &x, 8);
	return (u >> 63) ? ~u : u | (1ULL << 63);
}

/* LSD radix sort of v (n values) using tmp; bytes that are the same in
 * every key are skipped, so integer-valued features sort in few passes. */
void
ml_tree_sort(double *v, double *tmp, int64_t n)
{
	uint64_t *a = (uint64_t *)v, *b = (uint64_t *)tmp;
	if (n < 2)
		return;
	for (int64_t i = 0; i < n; i++)
		a[i] = dkey(v[i]);
	for (int shift = 0; shift < 64; shift += 8) {
		int64_t cnt[256] = {0};
		for (int64_t i = 0; i < n; i++)
			cnt[(a[i] >> shift) & 255]++;
		if (cnt[(a[0] >> shift) & 255] == n)
			continue;
		int64_t pos = 0;
		for (int d = 0; d < 256; d++) {
			int64_t c = cnt[d];
			cnt[d] = pos;
			pos += c;
		}
		for (int64_t i = 0; i < n; i++)
			b[cnt[(a[i] >> shift) & 255]++] = a[i];
		uint64_t *t = a;
		a = b;
		b = t;
	}
	if (a != (uint64_t *)v)
		memcpy(v, a, (size_t)n * 8);
	for (int64_t i = 0; i < n; i++) {
		uint64_t u = ((uint64_t *)v)[i];
		u = (u >> 63) ? u & ~(1ULL << 63) : ~u;
		memcpy(&v[i], &u, 8);
	}
}

/* A threshold between a < b that sends a left and b right, as sklearn
 * does: the midpoint, or a itself when the midpoint rounds up to b. */
static double
midpoint(double a, double b)
{
	double m = a * 0.5 + b * 0.5;
	if (!(m >= a && m < b))
		m = a;
	return m;
}

struct bin_ctx {
	const struct ml_data *d;
	struct ml_tree_bins *b;
	const int64_t *sample;    /* ns row ids, or NULL: all rows */
	int64_t ns;
	int max_bins;
	double **cuts;            /* per feature, nbins - 1 values */
};

/* Cut points of one feature from its sorted sample v[0..ns): the
 * midpoints between distinct values when there are at most max_bins of
 * them, else between the values at equally spaced ranks (moved past ties,
 * so a heavy value gets a bin to itself). Returns the number of cuts. */
static int
feature_cuts(const double *v, int64_t ns, int max_bins, double *cut)
{
	int64_t distinct = ns > 0;
	for (int64_t i = 1; i < ns && distinct <= max_bins; i++)
		distinct += v[i] != v[i - 1];
	int nc = 0;
	if (distinct <= max_bins) {
		for (int64_t i = 1; i < ns; i++)
			if (v[i] != v[i - 1])
				cut[nc++] = midpoint(v[i - 1], v[i]);
		return nc;
	}
	for (int q = 1; q < max_bins; q++) {
		int64_t r = (int64_t)((double)q * (double)ns / max_bins);
		if (r < 1)
			r = 1;
		double a = v[r - 1];
		/* the first value above a */
		int64_t lo = r - 1, hi = ns;
		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;
			if (v[mid] > a)
				hi = mid;
			else
				lo = mid;
		}
		if (hi == ns)
			break;
		double c = midpoint(a, v[hi]);
		if (nc == 0 || c > cut[nc - 1])
			cut[nc++] = c;
	}
	return nc;
}

/* code = number of cuts < x: a branch-free search over 255 slots padded
 * with +inf. */
static void
encode_column(const double *x, int64_t n, const double *cut, int nc, uint8_t *code)
{
	double c[256];
	for (int i = 0; i < 256; i++)
		c[i] = i < nc ? cut[i] : INFINITY;
	for (int64_t i = 0; i < n; i++) {
		double v = x[i];
		unsigned k = 0;
		k += c[k + 127] < v ? 128 : 0;
		k += c[k + 63] < v ? 64 : 0;
		k += c[k + 31] < v ? 32 : 0;
		k += c[k + 15] < v ? 16 : 0;
		k += c[k + 7] < v ? 8 : 0;
		k += c[k + 3] < v ? 4 : 0;
		k += c[k + 1] < v ? 2 : 0;
		k += c[k] < v ? 1 : 0;
		code[i] = (uint8_t)k;
	}
}

static void
bin_feature_task(void *arg, int j, int worker)
{
	struct bin_ctx *c = arg;
	const struct ml_data *d = c->d;
	const double *x = d->x + (size_t)j * (size_t)d->n;
	int64_t ns = c->sample ? c->ns : d->n;
	double *v = xmalloc((size_t)ns * sizeof *v), *tmp = xmalloc((size_t)ns * sizeof *tmp);
	for (int64_t k = 0; k < ns; k++)
		v[k] = x[c->sample ? c->sample[k] : k] + 0.0;   /* -0 -> +0 */
	ml_tree_sort(v, tmp, ns);
	double *cut = xmalloc((size_t)c->max_bins * sizeof *cut);
	int nc = feature_cuts(v, ns, c->max_bins, cut);
	free(v);
	free(tmp);
	c->cuts[j] = cut;
	c->b->nbins[j] = nc + 1;
	encode_column(x, d->n, cut, nc, c->b->code + (size_t)j * (size_t)d->n);
}

void
ml_tree_bins_build(struct ml_tree_bins *b, const struct ml_data *d, int max_bins, uint64_t seed, uint64_t stream)
{
	memset(b, 0, sizeof *b);
	b->n = d->n;
	b->p = d->p;
	b->code = xmalloc((size_t)d->n * (size_t)(d->p > 0 ? d->p : 1));
	b->nbins = xcalloc((size_t)d->p + 1, sizeof *b->nbins);
	b->off = xcalloc((size_t)d->p + 1, sizeof *b->off);
	struct bin_ctx c = {.d = d, .b = b, .max_bins = max_bins};
	c.cuts = xcalloc((size_t)d->p + 1, sizeof *c.cuts);
	int64_t *sample = NULL;
	if (d->n > BIN_SAMPLE) {
		/* selection sampling: BIN_SAMPLE distinct rows, ascending */
		struct ml_rng rng;
		ml_rng_seed(&rng, seed, stream);
		sample = xmalloc(BIN_SAMPLE * sizeof *sample);
		int64_t k = 0;
		for (int64_t i = 0; i < d->n && k < BIN_SAMPLE; i++)
			if ((double)(d->n - i) * ml_rng_uniform(&rng) < (double)(BIN_SAMPLE - k))
				sample[k++] = i;
		c.sample = sample;
		c.ns = k;
	}
	pool_run(d->p, bin_feature_task, &c);
	for (int j = 0; j < d->p; j++)
		b->total += b->nbins[j];
	b->cut = xmalloc((size_t)(b->total > 0 ? b->total : 1) * sizeof *b->cut);
	int off = 0;
	for (int j = 0; j < d->p; j++) {
		b->off[j] = off;
		memcpy(b->cut + off, c.cuts[j], (size_t)(b->nbins[j] - 1) * sizeof *b->cut);
		off += b->nbins[j];
		free(c.cuts[j]);
	}
	b->off[d->p] = off;
	free(c.cuts);
	free(sample);
}

void
ml_tree_bins_free(struct ml_tree_bins *b)
{
	free(b->code);
	free(b->nbins);
	free(b->off);
	free(b->cut);
	memset(b, 0, sizeof *b);
}

/* ------------------------------------------------------------ work space */

/* A node waiting on the depth-first stack. */
struct pending {
	int64_t start, end;
	int depth;
	int32_t parent;
	int is_left;
	double impurity;
};

struct ml_tree_work {
	int64_t n;
	int p, stride, nval, nclass;
	bool full;                /* histograms of all features per node */
	/* in-bag rows of the tree being grown and the partition scratch */
	int32_t *ri, *si;
	double *rw, *sw, *rv, *sv;
	int32_t *rc, *sc;         /* class codes (more than two classes) */
	/* the stack: each slot owns its node totals and, in full mode, its
	 * histograms (allocated on first use) */
	int nslots;
	struct pending *stack;
	double *slot_stats;       /* nslots * stride */
	double **slot_hist;
	double *spare;            /* full mode: the histogram not on the stack */
	double *fhist;            /* sampled mode: HIST_GROUP features' histograms */
	size_t fhist_len;         /* doubles per feature in fhist */
	double *tl, *tr, *cur, *best;     /* stride-sized temporaries */
	int *perm;                /* feature draw order */
	/* nodes of the tree being grown */
	int32_t cap, nnodes;
	int32_t *feat, *kid;
	double *thr, *nodeval, *nodeloss;
	uint8_t *tbin, *depth;
};

static int
stride_of(int nclass)
{
	return nclass == 0 ? 4 : nclass == 2 ? 3 : nclass + 2;
}

/* Histograms of all features for every node on the stack cost
 * (max_depth + 3) full sets; beyond this many bytes fall back to counting
 * the drawn features only. */
#define FULL_HIST_BUDGET ((size_t)256 << 20)

struct ml_tree_work *
ml_tree_work_new(const struct ml_tree_data *td, const struct ml_tree_params *pp)
{
	struct ml_tree_work *w = xcalloc(1, sizeof *w);
	const struct ml_tree_bins *b = td->bins;
	size_t n = (size_t)(b->n > 0 ? b->n : 1);
	w->n = b->n;
	w->p = b->p;
	w->nclass = td->nclass;
	w->stride = stride_of(td->nclass);
	w->nval = td->nclass ? td->nclass : 1;
	w->ri = xmalloc(n * sizeof *w->ri);
	w->si = xmalloc(n * sizeof *w->si);
	w->rw = xmalloc(n * sizeof *w->rw);
	w->sw = xmalloc(n * sizeof *w->sw);
	if (td->nclass > 2) {
		w->rc = xmalloc(n * sizeof *w->rc);
		w->sc = xmalloc(n * sizeof *w->sc);
	} else {
		w->rv = xmalloc(n * sizeof *w->rv);
		w->sv = xmalloc(n * sizeof *w->sv);
	}
	w->nslots = pp->max_depth + 3;
	w->stack = xcalloc((size_t)w->nslots, sizeof *w->stack);
	w->slot_stats = xcalloc((size_t)w->nslots * (size_t)w->stride, sizeof(double));
	w->slot_hist = xcalloc((size_t)w->nslots, sizeof *w->slot_hist);
	size_t set = (size_t)b->total * (size_t)w->stride * sizeof(double);
	/* counting all features for the smaller child beats counting the
	 * drawn ones for both children when mtry is at least about p / 2 */
	w->full = 2 * pp->mtry >= b->p && set * (size_t)(w->nslots + 1) <= FULL_HIST_BUDGET;
	int maxnb = 1;
	for (int j = 0; j < b->p; j++)
		if (b->nbins[j] > maxnb)
			maxnb = b->nbins[j];
	w->fhist_len = (size_t)maxnb * (size_t)w->stride;
	w->fhist = xmalloc(HIST_GROUP * w->fhist_len * sizeof(double));
	w->tl = xmalloc((size_t)w->stride * sizeof(double));
	w->tr = xmalloc((size_t)w->stride * sizeof(double));
	w->cur = xmalloc((size_t)w->stride * sizeof(double));
	w->best = xmalloc((size_t)w->stride * sizeof(double));
	w->perm = xmalloc((size_t)(b->p > 0 ? b->p : 1) * sizeof *w->perm);
	return w;
}

void
ml_tree_work_free(struct ml_tree_work *w)
{
	if (w == NULL)
		return;
	free(w->ri);
	free(w->si);
	free(w->rw);
	free(w->sw);
	free(w->rv);
	free(w->sv);
	free(w->rc);
	free(w->sc);
	free(w->stack);
	free(w->slot_stats);
	for (int i = 0; i < w->nslots; i++)
		free(w->slot_hist[i]);
	free(w->slot_hist);
	free(w->spare);
	free(w->fhist);
	free(w->tl);
	free(w->tr);
	free(w->cur);
	free(w->best);
	free(w->perm);
	free(w->feat);
	free(w->kid);
	free(w->thr);
	free(w->nodeval);
	free(w->nodeloss);
	free(w->tbin);
	free(w->depth);
	free(w);
}

int32_t *
ml_tree_work_rows(struct ml_tree_work *w)
{
	return w->ri;
}

double *
ml_tree_work_weights(struct ml_tree_work *w)
{
	return w->rw;
}

const double *
ml_tree_work_node_values(const struct ml_tree_work *w)
{
	return w->nodeval;
}

const uint8_t *
ml_tree_work_node_depths(const struct ml_tree_work *w)
{
	return w->depth;
}

/* ------------------------------------------------------------ histograms */

/* Count rows [s, e) of the work arrays into h[j] (zeroed by the caller),
 * the histogram of the feature whose codes are col[j], for j < m. Inlined
 * with a constant m, so the loop over the features unrolls. */
static inline __attribute__((always_inline)) void
hist_rows(const struct ml_tree_work *w, const uint8_t *const *col, double *const *h, int m, int64_t s, int64_t e)
{
	const int32_t *ri = w->ri;
	const double *rw = w->rw;
	if (w->nclass == 0) {
		const double *rv = w->rv;
		for (int64_t k = s; k < e; k++) {
			int32_t r = ri[k], rp = ri[k + PREFETCH < e ? k + PREFETCH : k];
			for (int j = 0; j < m; j++)
				__builtin_prefetch(col[j] + rp);
			double wk = rw[k], wy = wk * rv[k], wyy = wy * rv[k];
			for (int j = 0; j < m; j++) {
				double *q = h[j] + 4 * (size_t)col[j][r];
				q[0] += 1;
				q[1] += wk;
				q[2] += wy;
				q[3] += wyy;
			}
		}
	} else if (w->nclass == 2) {
		const double *rv = w->rv;
		for (int64_t k = s; k < e; k++) {
			int32_t r = ri[k], rp = ri[k + PREFETCH < e ? k + PREFETCH : k];
			for (int j = 0; j < m; j++)
				__builtin_prefetch(col[j] + rp);
			double wk = rw[k], wy = wk * rv[k];
			for (int j = 0; j < m; j++) {
				double *q = h[j] + 3 * (size_t)col[j][r];
				q[0] += 1;
				q[1] += wk;
				q[2] += wy;
			}
		}
	} else {
		const int32_t *rc = w->rc;
		size_t st = (size_t)w->stride;
		for (int64_t k = s; k < e; k++) {
			int32_t r = ri[k], c = 2 + rc[k], rp = ri[k + PREFETCH < e ? k + PREFETCH : k];
			for (int j = 0; j < m; j++)
				__builtin_prefetch(col[j] + rp);
			double wk = rw[k];
			for (int j = 0; j < m; j++) {
				double *q = h[j] + st * col[j][r];
				q[0] += 1;
				q[1] += wk;
				q[c] += wk;
			}
		}
	}
}

/* Histograms of the m features f[0..m) over rows [s, e) into h[j]. */
static void
hist_count(const struct ml_tree_work *w, const struct ml_tree_bins *b, const int *f, int m, int64_t s, int64_t e,
    double *const *h)
{
	for (int g = 0; g < m; g += HIST_GROUP) {
		const uint8_t *col[HIST_GROUP];
		int gm = m - g < HIST_GROUP ? m - g : HIST_GROUP;
		for (int j = 0; j < gm; j++) {
			col[j] = b->code + (size_t)f[g + j] * (size_t)b->n;
			memset(h[g + j], 0, (size_t)b->nbins[f[g + j]] * (size_t)w->stride * sizeof(double));
		}
		switch (gm) {
		case 1:
			hist_rows(w, col, h + g, 1, s, e);
			break;
		case 2:
			hist_rows(w, col, h + g, 2, s, e);
			break;
		case 3:
			hist_rows(w, col, h + g, 3, s, e);
			break;
		default:
			hist_rows(w, col, h + g, HIST_GROUP, s, e);
			break;
		}
	}
}

/* All features' histograms of rows [s, e) into h. */
static void
hist_count_all(const struct ml_tree_work *w, const struct ml_tree_bins *b, int64_t s, int64_t e, double *h)
{
	for (int g = 0; g < b->p; g += HIST_GROUP) {
		int f[HIST_GROUP], gm = b->p - g < HIST_GROUP ? b->p - g : HIST_GROUP;
		double *hp[HIST_GROUP];
		for (int j = 0; j < gm; j++) {
			f[j] = g + j;
			hp[j] = h + (size_t)b->off[g + j] * (size_t)w->stride;
		}
		hist_count(w, b, f, gm, s, e, hp);
	}
}

/* Node totals of rows [s, e), summed in row order: a pure node's other
 * classes come out exactly 0 (the parent's totals minus the sibling's
 * would leave rounding residues that look like impurity). */
static void
node_totals(const struct ml_tree_work *w, int64_t s, int64_t e, double *t)
{
	const double *rw = w->rw;
	memset(t, 0, (size_t)w->stride * sizeof *t);
	t[0] = (double)(e - s);
	if (w->nclass == 0) {
		for (int64_t k = s; k < e; k++) {
			double wy = rw[k] * w->rv[k];
			t[1] += rw[k];
			t[2] += wy;
			t[3] += wy * w->rv[k];
		}
	} else if (w->nclass == 2) {
		for (int64_t k = s; k < e; k++) {
			t[1] += rw[k];
			t[2] += rw[k] * w->rv[k];
		}
	} else {
		for (int64_t k = s; k < e; k++) {
			t[1] += rw[k];
			t[2 + w->rc[k]] += rw[k];
		}
	}
}

/* ------------------------------------------------------------ criteria */

static double
xlogx(double x)
{
	return x > 0 ? x * log(x) : 0;
}

/* Impurity of a node with totals t (sklearn's: variance, Gini, entropy in
 * bits). */
static double
impurity(const struct ml_tree_work *w, enum ml_tree_crit crit, const double *t)
{
	double W = t[1];
	if (!(W > 0))
		return 0;
	if (w->nclass == 0) {
		double m = t[2] / W, v = t[3] / W - m * m;
		return v > 0 ? v : 0;
	}
	int k = w->nclass;
	double acc = 0;
	for (int c = 0; c < k; c++) {
		double wc = k == 2 ? (c ? t[2] : W - t[2]) : t[2 + c];
		double pc = wc / W;
		if (pc < 0)
			pc = 0;
		acc += crit == ML_CRIT_GINI ? pc * pc : (pc > 0 ? pc * log2(pc) : 0);
	}
	return crit == ML_CRIT_GINI ? 1 - acc : -acc;
}

/* The proxy sklearn maximises: larger is better, equal to minus the
 * children's weighted impurity up to terms fixed by the node. */
static inline double
side_proxy(const struct ml_tree_work *w, enum ml_tree_crit crit, const double *s)
{
	double W = s[1];
	if (w->nclass == 0)
		return s[2] * s[2] / W;
	if (w->nclass == 2) {
		double w1 = s[2], w0 = W - w1;
		if (crit == ML_CRIT_GINI)
			return (w1 * w1 + w0 * w0) / W;
		return xlogx(w1) + xlogx(w0) - xlogx(W);
	}
	double acc = 0;
	if (crit == ML_CRIT_GINI) {
		for (int c = 0; c < w->nclass; c++)
			acc += s[2 + c] * s[2 + c];
		return acc / W;
	}
	for (int c = 0; c < w->nclass; c++)
		acc += xlogx(s[2 + c]);
	return acc - xlogx(W);
}

/* Keep a candidate split if it beats the best so far. */
static inline void
consider(double v, int b, const double *L, int st, double *best, int *bin, double *left)
{
	if (v > *best) {
		*best = v;
		*bin = b;
		memcpy(left, L, (size_t)st * sizeof *L);
	}
}

/* The best split of one feature's histogram h (nb bins) for a node with
 * totals t: sets *bin and copies the left totals to left when it beats
 * *best. Bins without rows are skipped: a cut after them moves no row.
 * The common layouts (two classes with Gini, regression) have their own
 * loops, which are most of the work on small nodes. */
static void
best_in_feature(struct ml_tree_work *w, enum ml_tree_crit crit, int64_t msl, const double *h, int nb,
    const double *t, double *best, int *bin, double *left)
{
	int st = w->stride;
	double m = (double)msl;
	if (st == 3 && crit == ML_CRIT_GINI) {
		double L[3] = {0, 0, 0};
		for (int b = 0; b + 1 < nb; b++) {
			const double *q = h + 3 * (size_t)b;
			L[0] += q[0], L[1] += q[1], L[2] += q[2];
			if (q[0] == 0 || L[0] < m)
				continue;
			if (t[0] - L[0] < m)
				break;
			double wl = L[1], sl = L[2], wr = t[1] - wl, sr = t[2] - sl;
			if (!(wl > 0) || !(wr > 0))
				continue;
			consider((sl * sl + (wl - sl) * (wl - sl)) / wl + (sr * sr + (wr - sr) * (wr - sr)) / wr, b, L, 3,
			    best, bin, left);
		}
		return;
	}
	if (st == 4) {
		double L[4] = {0, 0, 0, 0};
		for (int b = 0; b + 1 < nb; b++) {
			const double *q = h + 4 * (size_t)b;
			L[0] += q[0], L[1] += q[1], L[2] += q[2], L[3] += q[3];
			if (q[0] == 0 || L[0] < m)
				continue;
			if (t[0] - L[0] < m)
				break;
			double wl = L[1], sl = L[2], wr = t[1] - wl, sr = t[2] - sl;
			if (!(wl > 0) || !(wr > 0))
				continue;
			consider(sl * sl / wl + sr * sr / wr, b, L, 4, best, bin, left);
		}
		return;
	}
	double *L = w->cur, *R = w->tr;
	memset(L, 0, (size_t)st * sizeof *L);
	for (int b = 0; b + 1 < nb; b++) {
		const double *q = h + (size_t)b * (size_t)st;
		for (int c = 0; c < st; c++)
			L[c] += q[c];
		if (q[0] == 0 || L[0] < m)
			continue;
		if (t[0] - L[0] < m)
			break;
		for (int c = 0; c < st; c++)
			R[c] = t[c] - L[c];
		if (!(L[1] > 0) || !(R[1] > 0))
			continue;
		consider(side_proxy(w, crit, L) + side_proxy(w, crit, R), b, L, st, best, bin, left);
	}
}

/* ------------------------------------------------------------ growing */

static void
ensure_nodes(struct ml_tree_work *w, int nval)
{
	if (w->nnodes < w->cap)
		return;
	w->cap = w->cap ? 2 * w->cap : 256;
	size_t c = (size_t)w->cap;
	w->feat = xrealloc(w->feat, c * sizeof *w->feat);
	w->kid = xrealloc(w->kid, 2 * c * sizeof *w->kid);
	w->thr = xrealloc(w->thr, c * sizeof *w->thr);
	w->tbin = xrealloc(w->tbin, c * sizeof *w->tbin);
	w->depth = xrealloc(w->depth, c * sizeof *w->depth);
	w->nodeloss = xrealloc(w->nodeloss, c * sizeof *w->nodeloss);
	w->nodeval = xrealloc(w->nodeval, c * (size_t)nval * sizeof *w->nodeval);
}

/* The node's prediction (class probabilities or mean) and its weighted
 * training loss (misclassified weight or sum of squared errors). */
static void
node_value(const struct ml_tree_work *w, const struct ml_tree_data *td, const double *t, double *val, double *loss)
{
	double W = t[1];
	if (!(W > 0)) {
		/* a tree whose draw holds only rows of weight 0 learns nothing */
		for (int c = 0; c < w->nval; c++)
			val[c] = w->nclass ? 1.0 / w->nclass : td->ymean;
		*loss = 0;
		return;
	}
	if (w->nclass == 0) {
		double m = t[2] / W, sse = t[3] - t[2] * m;
		val[0] = m + td->ymean;
		*loss = sse > 0 ? sse : 0;
		return;
	}
	double top = 0;
	for (int c = 0; c < w->nclass; c++) {
		double wc = w->nclass == 2 ? (c ? t[2] : W - t[2]) : t[2 + c];
		if (wc < 0)
			wc = 0;
		val[c] = wc / W;
		if (wc > top)
			top = wc;
	}
	*loss = W - top > 0 ? W - top : 0;
}

/* Partition rows [s, e) stably: code <= tb first. Returns the left count. */
static int64_t
partition(struct ml_tree_work *w, const uint8_t *col, unsigned tb, int64_t s, int64_t e)
{
	int64_t nl = s, nr = 0;
	int32_t *ri = w->ri, *si = w->si;
	double *rw = w->rw, *sw = w->sw;
	if (w->nclass > 2) {
		int32_t *rc = w->rc, *sc = w->sc;
		for (int64_t k = s; k < e; k++) {
			int32_t r = ri[k], c = rc[k];
			__builtin_prefetch(col + ri[k + PREFETCH < e ? k + PREFETCH : k]);
			double x = rw[k];
			int go = col[r] <= tb;
			ri[nl] = r, rw[nl] = x, rc[nl] = c;
			si[nr] = r, sw[nr] = x, sc[nr] = c;
			nl += go;
			nr += !go;
		}
		memcpy(rc + nl, sc, (size_t)nr * sizeof *rc);
	} else {
		double *rv = w->rv, *sv = w->sv;
		for (int64_t k = s; k < e; k++) {
			int32_t r = ri[k];
			__builtin_prefetch(col + ri[k + PREFETCH < e ? k + PREFETCH : k]);
			double x = rw[k], v = rv[k];
			int go = col[r] <= tb;
			ri[nl] = r, rw[nl] = x, rv[nl] = v;
			si[nr] = r, sw[nr] = x, sv[nr] = v;
			nl += go;
			nr += !go;
		}
		memcpy(rv + nl, sv, (size_t)nr * sizeof *rv);
	}
	memcpy(ri + nl, si, (size_t)nr * sizeof *ri);
	memcpy(rw + nl, sw, (size_t)nr * sizeof *rw);
	return nl - s;
}

/* Whether a node of n rows, at depth, with this impurity may be split. */
static bool
splittable(const struct ml_tree_params *pp, int64_t n, int depth, double imp)
{
	return depth < pp->max_depth && n >= pp->min_samples_split && n >= 2 * pp->min_samples_leaf &&
	    imp > DBL_EPSILON;
}

struct split {
	int feat, bin;
	double proxy;
};

/* Draw features for the node in slot `top` and find its best split;
 * returns false when there is none. In full mode the slot's histograms are
 * read, else each drawn feature is counted. w->best holds the left totals. */
static bool
find_split(struct ml_tree_work *w, const struct ml_tree_data *td, const struct ml_tree_params *pp, int top,
    struct ml_rng *rng, struct split *sp)
{
	const struct ml_tree_bins *b = td->bins;
	const struct pending *nd = &w->stack[top];
	const double *t = w->slot_stats + (size_t)top * (size_t)w->stride;
	int st = w->stride, left = b->p, visited = 0, nconst = 0;
	sp->feat = -1;
	sp->proxy = -INFINITY;
	for (int j = 0; j < b->p; j++)
		w->perm[j] = j;
	while (left > 0 && (visited < pp->mtry || visited <= nconst)) {
		/* the first mtry draws are all looked at, so they are counted in
		 * groups; past them one at a time until one is not constant */
		int g = visited < pp->mtry ? pp->mtry - visited : 1, f[HIST_GROUP];
		if (g > HIST_GROUP)
			g = HIST_GROUP;
		if (g > left)
			g = left;
		const double *hs[HIST_GROUP];
		for (int j = 0; j < g; j++) {
			int k = (int)ml_rng_below(rng, (uint64_t)left);
			f[j] = w->perm[k];
			w->perm[k] = w->perm[left - 1];
			w->perm[--left] = f[j];
			hs[j] = w->full ? w->slot_hist[top] + (size_t)b->off[f[j]] * (size_t)st :
			    w->fhist + (size_t)j * (size_t)w->fhist_len;
		}
		if (!w->full)
			hist_count(w, b, f, g, nd->start, nd->end, (double *const *)hs);
		for (int j = 0; j < g; j++) {
			visited++;
			const double *h = hs[j];
			int nb = b->nbins[f[j]], nonempty = 0;
			for (int i = 0; i < nb && nonempty < 2; i++)
				nonempty += h[(size_t)i * (size_t)st] > 0;
			if (nonempty < 2) {
				nconst++;
				continue;
			}
			int bin = -1;
			double before = sp->proxy;
			best_in_feature(w, pp->crit, pp->min_samples_leaf, h, nb, t, &sp->proxy, &bin, w->best);
			if (sp->proxy > before) {
				sp->feat = f[j];
				sp->bin = bin;
			}
		}
	}
	return sp->feat >= 0;
}

/* Histograms for the children of the node in slot `top` (left child to go
 * to slot top + 1, right to slot top), for those that will be split. */
static void
child_hists(struct ml_tree_work *w, const struct ml_tree_bins *b, int top, int64_t s, int64_t mid, int64_t e,
    bool need_l, bool need_r)
{
	if (!need_l && !need_r)
		return;
	size_t len = (size_t)b->total * (size_t)w->stride;
	if (w->spare == NULL)
		w->spare = xmalloc(len * sizeof(double));
	if (w->slot_hist[top + 1] == NULL)
		w->slot_hist[top + 1] = xmalloc(len * sizeof(double));
	double *parent = w->slot_hist[top], *small = w->spare;
	bool left_small = mid - s <= e - mid;
	if (left_small)
		hist_count_all(w, b, s, mid, small);
	else
		hist_count_all(w, b, mid, e, small);
	if (left_small ? need_r : need_l)
		for (size_t i = 0; i < len; i++)
			parent[i] -= small[i];
	/* parent's buffer now holds the larger child's histograms */
	double *freed = w->slot_hist[top + 1];
	if (left_small) {
		w->slot_hist[top + 1] = small;
		w->slot_hist[top] = parent;
	} else {
		w->slot_hist[top + 1] = parent;
		w->slot_hist[top] = small;
	}
	w->spare = freed;
}

/* Copy the grown nodes out of the work space into t (leaf values only),
 * leaves pointing to themselves. */
static void
emit_tree(struct ml_tree *t, const struct ml_tree_work *w, int32_t nleaves, int depth)
{
	size_t nn = (size_t)w->nnodes, nv = (size_t)w->nval;
	t->nnodes = w->nnodes;
	t->nleaves = nleaves;
	t->depth = depth;
	t->feat = xmalloc(nn * sizeof *t->feat);
	t->thr = xmalloc(nn * sizeof *t->thr);
	t->kid = xmalloc(2 * nn * sizeof *t->kid);
	t->leaf = xmalloc(nn * sizeof *t->leaf);
	t->tbin = xmalloc(nn * sizeof *t->tbin);
	t->val = xmalloc((size_t)nleaves * nv * sizeof *t->val);
	for (size_t i = 0; i < nn; i++) {
		if (w->feat[i] >= 0) {
			t->feat[i] = w->feat[i];
			t->thr[i] = w->thr[i];
			t->tbin[i] = w->tbin[i];
			t->kid[2 * i] = w->kid[2 * i];
			t->kid[2 * i + 1] = w->kid[2 * i + 1];
			t->leaf[i] = -1;
			continue;
		}
		t->feat[i] = 0;
		t->thr[i] = INFINITY;
		t->tbin[i] = 255;
		t->kid[2 * i] = t->kid[2 * i + 1] = (int32_t)i;
		t->leaf[i] = w->kid[2 * i];
		memcpy(t->val + (size_t)w->kid[2 * i] * nv, w->nodeval + i * nv, nv * sizeof *t->val);
	}
}

/* Store the in-bag targets next to the row ids the caller filled. */
static void
load_targets(struct ml_tree_work *w, const struct ml_tree_data *td, int64_t m)
{
	for (int64_t k = 0; k < m; k++) {
		double y = td->y[w->ri[k]];
		if (w->nclass > 2)
			w->rc[k] = (int32_t)y;
		else
			w->rv[k] = y;
	}
}

int
ml_tree_grow(struct ml_tree *t, const struct ml_tree_data *td, const struct ml_tree_params *pp,
    struct ml_tree_work *w, int64_t m, struct ml_rng *rng, struct ml_tree_stats *st, const struct ml_log *log)
{
	const struct ml_tree_bins *b = td->bins;
	int S = w->stride, nv = w->nval, depth_reached = 0;
	int32_t nleaves = 0;
	memset(t, 0, sizeof *t);
	if (st->importance)
		memset(st->importance, 0, (size_t)b->p * sizeof *st->importance);
	load_targets(w, td, m);
	w->nnodes = 0;

	/* the root */
	double *t0 = w->slot_stats;
	node_totals(w, 0, m, t0);
	double wroot = t0[1];
	w->stack[0] = (struct pending){0, m, 0, -1, 0, impurity(w, pp->crit, t0)};
	if (w->full && splittable(pp, m, 0, w->stack[0].impurity)) {
		if (w->slot_hist[0] == NULL)
			w->slot_hist[0] = xmalloc((size_t)b->total * (size_t)S * sizeof(double));
		hist_count_all(w, b, 0, m, w->slot_hist[0]);
	}
	int top = 0;    /* stack size - 1 */
	while (top >= 0) {
		if ((w->nnodes & 63) == 63 && ml_log_cancelled(log))
			return -1;
		struct pending nd = w->stack[top];
		double *tot = w->slot_stats + (size_t)top * (size_t)S;
		ensure_nodes(w, nv);
		int32_t id = w->nnodes++;
		if (nd.parent >= 0)
			w->kid[2 * nd.parent + !nd.is_left] = id;
		w->depth[id] = (uint8_t)nd.depth;
		if (nd.depth > depth_reached)
			depth_reached = nd.depth;
		node_value(w, td, tot, w->nodeval + (size_t)id * (size_t)nv, &w->nodeloss[id]);

		struct split sp = {-1, 0, 0};
		double imp_l = 0, imp_r = 0, wl = 0, wr = 0, W = tot[1];
		bool leaf = !splittable(pp, nd.end - nd.start, nd.depth, nd.impurity);
		if (!leaf)
			leaf = !find_split(w, td, pp, top, rng, &sp);
		int64_t mid = nd.start;
		if (!leaf) {
			/* the children's totals and impurities from their rows */
			mid += partition(w, b->code + (size_t)sp.feat * (size_t)b->n, (unsigned)sp.bin, nd.start, nd.end);
			node_totals(w, nd.start, mid, w->tl);
			node_totals(w, mid, nd.end, w->tr);
			imp_l = impurity(w, pp->crit, w->tl);
			imp_r = impurity(w, pp->crit, w->tr);
			wl = w->tl[1];
			wr = w->tr[1];
			double improvement = W / wroot * (nd.impurity - wl / W * imp_l - wr / W * imp_r);
			leaf = improvement + DBL_EPSILON < pp->min_impurity_decrease;
		}
		if (leaf) {
			w->feat[id] = -1;
			w->thr[id] = 0;
			w->tbin[id] = 0;
			w->kid[2 * id] = nleaves++;
			w->kid[2 * id + 1] = -1;
			top--;
			continue;
		}
		w->feat[id] = sp.feat;
		w->tbin[id] = (uint8_t)sp.bin;
		w->thr[id] = b->cut[b->off[sp.feat] + sp.bin];
		if (st->importance)
			st->importance[sp.feat] += W * nd.impurity - wl * imp_l - wr * imp_r;
		/* right child in this slot, left above it: left is grown first */
		struct pending r = {mid, nd.end, nd.depth + 1, id, 0, imp_r};
		struct pending l = {nd.start, mid, nd.depth + 1, id, 1, imp_l};
		if (w->full)
			child_hists(w, b, top, nd.start, mid, nd.end, splittable(pp, mid - nd.start, l.depth, imp_l),
			    splittable(pp, nd.end - mid, r.depth, imp_r));
		w->stack[top] = r;
		w->stack[top + 1] = l;
		memcpy(w->slot_stats + (size_t)top * (size_t)S, w->tr, (size_t)S * sizeof(double));
		memcpy(w->slot_stats + (size_t)(top + 1) * (size_t)S, w->tl, (size_t)S * sizeof(double));
		top++;
	}
	emit_tree(t, w, nleaves, depth_reached);

	/* what the tree reports */
	double loss = 0;
	for (int32_t i = 0; i < w->nnodes; i++)
		if (w->feat[i] < 0)
			loss += w->nodeloss[i];
	st->train_loss = wroot > 0 ? loss / wroot : 0;
	if (st->importance && wroot > 0)
		for (int j = 0; j < b->p; j++)
			st->importance[j] /= wroot;
	if (st->loss_at) {
		for (int d = 0; d <= depth_reached; d++) {
			double acc = 0;
			for (int32_t i = 0; i < w->nnodes; i++)
				if (w->depth[i] == d || (w->feat[i] < 0 && w->depth[i] < d))
					acc += w->nodeloss[i];
			st->loss_at[d] = wroot > 0 ? acc / wroot : 0;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ trees */

void
ml_tree_free(struct ml_tree *t)
{
	free(t->feat);
	free(t->thr);
	free(t->kid);
	free(t->leaf);
	free(t->val);
	free(t->tbin);
	memset(t, 0, sizeof *t);
}

void
ml_tree_walk(const struct ml_tree *t, const double *x, size_t ld, size_t i0, int n, int32_t *node)
{
	const int32_t *feat = t->feat, *kid = t->kid;
	const double *thr = t->thr;
	for (int i = 0; i < n; i++)
		node[i] = 0;
	for (int d = 0; d < t->depth; d++)
		for (int i = 0; i < n; i++) {
			int32_t k = node[i];
			node[i] = kid[2 * k + (x[(size_t)feat[k] * ld + i0 + (size_t)i] > thr[k])];
		}
}

void
ml_tree_walk_code(const struct ml_tree *t, const uint8_t *code, size_t ld, const int32_t *rows, int n,
    int32_t *node)
{
	const int32_t *feat = t->feat, *kid = t->kid;
	const uint8_t *tbin = t->tbin;
	for (int i = 0; i < n; i++)
		node[i] = 0;
	for (int d = 0; d < t->depth; d++)
		for (int i = 0; i < n; i++) {
			int32_t k = node[i];
			node[i] = kid[2 * k + (code[(size_t)feat[k] * ld + (size_t)rows[i]] > tbin[k])];
		}
}

/* On file a leaf is feat -1 with its leaf number in the first kid slot. */
void
ml_tree_save(const struct ml_tree *t, int nval, struct ml_wbuf *b)
{
	ml_w_u32(b, (uint32_t)t->nnodes);
	ml_w_u32(b, (uint32_t)t->nleaves);
	for (int32_t i = 0; i < t->nnodes; i++) {
		bool leaf = t->leaf[i] >= 0;
		ml_w_u32(b, leaf ? UINT32_MAX : (uint32_t)t->feat[i]);
		ml_w_f64(b, leaf ? 0 : t->thr[i]);
		ml_w_u32(b, (uint32_t)(leaf ? t->leaf[i] : t->kid[2 * i]));
		ml_w_u32(b, leaf ? UINT32_MAX : (uint32_t)t->kid[2 * i + 1]);
	}
	ml_w_f64s(b, t->val, (size_t)t->nleaves * (size_t)nval);
}

/* Check node i as read: a leaf with an unused leaf number, or a split on
 * a feature < p with two distinct kids after it that no other node
 * claims, not deeper than ML_TREE_MAX_DEPTH. Returns the problem or NULL. */
static const char *
check_node(struct ml_tree *t, int32_t i, int p, uint8_t *depth, uint8_t *has_parent, uint8_t *leaf_seen)
{
	int32_t f = t->feat[i], k0 = t->kid[2 * i], k1 = t->kid[2 * i + 1], nn = t->nnodes;
	if (i > 0 && !has_parent[i])
		return "a node without a parent";
	if (f == -1) {
		if (k0 < 0 || k0 >= t->nleaves || leaf_seen[k0])
			return "leaf index out of range";
		leaf_seen[k0] = 1;
		t->leaf[i] = k0;
		t->feat[i] = 0;
		t->thr[i] = INFINITY;
		t->kid[2 * i] = t->kid[2 * i + 1] = i;
		return NULL;
	}
	if (f < 0 || f >= p)
		return "feature index out of range";
	if (isnan(t->thr[i]))
		return "threshold not a number";
	if (k0 <= i || k1 <= i || k0 >= nn || k1 >= nn || k0 == k1 || has_parent[k0] || has_parent[k1])
		return "child index out of range";
	if (depth[i] >= ML_TREE_MAX_DEPTH)
		return "tree too deep";
	has_parent[k0] = has_parent[k1] = 1;
	depth[k0] = depth[k1] = (uint8_t)(depth[i] + 1);
	if (depth[i] + 1 > t->depth)
		t->depth = depth[i] + 1;
	t->leaf[i] = -1;
	return NULL;
}

int
ml_tree_load(struct ml_tree *t, struct ml_rbuf *r, int p, int nval, struct wb_error *err)
{
	memset(t, 0, sizeof *t);
	uint32_t nn = ml_r_u32(r), nl = ml_r_u32(r);
	/* a node takes 20 bytes */
	if (!ml_r_ok(r) || nn == 0 || nl == 0 || nl > nn || nn > INT32_MAX / 2 || !ml_r_fits(r, nn, 20)) {
		err_set(err, -1, "corrupt tree in the model file: bad node count");
		return -1;
	}
	t->nnodes = (int32_t)nn;
	t->nleaves = (int32_t)nl;
	t->feat = xmalloc((size_t)nn * sizeof *t->feat);
	t->thr = xmalloc((size_t)nn * sizeof *t->thr);
	t->kid = xmalloc(2 * (size_t)nn * sizeof *t->kid);
	t->leaf = xmalloc((size_t)nn * sizeof *t->leaf);
	uint8_t *depth = xcalloc((size_t)nn, 1), *has_parent = xcalloc((size_t)nn, 1);
	uint8_t *leaf_seen = xcalloc((size_t)nl, 1);
	const char *bad = NULL;
	int32_t leaves = 0;
	for (uint32_t i = 0; i < nn && bad == NULL; i++) {
		t->feat[i] = (int32_t)ml_r_u32(r);
		t->thr[i] = ml_r_f64(r);
		t->kid[2 * i] = (int32_t)ml_r_u32(r);
		t->kid[2 * i + 1] = (int32_t)ml_r_u32(r);
		leaves += t->feat[i] == -1;
		bad = check_node(t, (int32_t)i, p, depth, has_parent, leaf_seen);
	}
	free(depth);
	free(has_parent);
	free(leaf_seen);
	if (bad == NULL && !ml_r_ok(r))
		bad = "truncated";
	if (bad == NULL && leaves != t->nleaves)
		bad = "leaf count does not match the leaves";
	if (bad == NULL && !ml_r_fits(r, (uint64_t)nl * (uint64_t)nval, 8))
		bad = "truncated leaf values";
	if (bad == NULL) {
		t->val = xmalloc((size_t)nl * (size_t)nval * sizeof *t->val);
		ml_r_f64s(r, t->val, (size_t)nl * (size_t)nval);
		for (size_t i = 0; i < (size_t)nl * (size_t)nval && bad == NULL; i++)
			if (!isfinite(t->val[i]))
				bad = "leaf value not finite";
	}
	if (bad != NULL) {
		err_set(err, -1, "corrupt tree in the model file: %s", bad);
		ml_tree_free(t);
		return -1;
	}
	return 0;
}
