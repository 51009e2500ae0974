/*
 * ml_tree: CART trees grown on binned features, shared by the decision tree
 * and random forest kinds (ml_forest.c).
 *
 * Training first bins every feature once (ml_tree_bins_build): at most
 * max_bins bins per feature, uint8 codes column-major, cut points from
 * quantiles of the training rows (a seeded sample of them when n is large)
 * or, for a feature with few distinct values, the midpoints between those
 * values. code(x) = number of cuts < x, so "code <= t" is "x <= cut[t]":
 * a split found on codes is stored as the raw threshold cut[t] and
 * prediction walks raw features (x <= threshold goes left). Unlike
 * sklearn's, whose thresholds are midpoints between the values present in
 * the node, these are global: the training rows split the same way, but a
 * new value between two of the node's values may go the other way.
 *
 * A tree grows depth first on an array of in-bag rows (row id, weight),
 * each node a range of that array that splitting partitions in place
 * (stably, so row ids stay ascending and the gathers stay near-sequential).
 * Split search reads per-node histograms: per bin the row count, the
 * weight and the weighted target sums (regression: sum w*y, sum w*y^2;
 * binary: sum w*y; more classes: the weight of each class). When a node
 * looks at most features (single trees, max_features = 'all' or a large
 * fraction) every node keeps histograms of all features, the smaller child
 * is counted and the larger one is the parent minus it; when it looks at
 * few (max_features = 'sqrt'), only the drawn features are counted, which
 * is cheaper than counting all of them even for half the rows.
 *
 * Contracts: trees are deterministic functions of (data, params, rng
 * state); a child's node index is greater than its parent's (loaders rely
 * on it to rule out cycles); min_samples_leaf and min_samples_split count
 * rows, not weight; rows of weight 0 never enter a tree.
 */
#ifndef WB_ML_ML_TREE_H
#define WB_ML_ML_TREE_H

#include "ml/ml.h"

#include <stdint.h>

#define ML_TREE_MAX_DEPTH 64

/* ------------------------------------------------------------ binning */

struct ml_tree_bins {
	int64_t n;
	int p;
	uint8_t *code;        /* code[j * n + i] */
	int *nbins;           /* bins of feature j: 1 .. max_bins */
	int *off;             /* feature j's first bin among all features' bins */
	int total;            /* sum of nbins */
	double *cut;          /* cut[off[j] + t], t < nbins[j] - 1: upper edge of bin t */
};

/* Bin d's features into at most max_bins (2..255) bins. The quantile
 * sample is drawn from stream `stream` of seed. Runs on the pool. */
void ml_tree_bins_build(struct ml_tree_bins *b, const struct ml_data *d, int max_bins, uint64_t seed,
    uint64_t stream);
void ml_tree_bins_free(struct ml_tree_bins *b);

/* ------------------------------------------------------------ trees */

enum ml_tree_crit { ML_CRIT_GINI, ML_CRIT_ENTROPY, ML_CRIT_VARIANCE };

/* A fitted tree. Node 0 is the root. Internal node i: rows with
 * x[feat[i]] <= thr[i] go to kid[2i], others to kid[2i+1] (both > i),
 * leaf[i] = -1. Leaf i: leaf[i] is its leaf number, its value
 * val[leaf[i] * nval .. + nval) (class probabilities, or the mean target);
 * it points to itself (kid[2i] = kid[2i+1] = i, feat 0, thr +inf, tbin
 * 255), so a walk of exactly `depth` steps ends on a leaf for every row
 * and needs no test per step: blocks of rows walk in lockstep, every row
 * an independent chain of loads the CPU overlaps. Every node but the root
 * has exactly one parent (loaders check it), so depth is exact. */
struct ml_tree {
	int32_t nnodes, nleaves, depth;
	int32_t *feat;
	double *thr;
	int32_t *kid;
	int32_t *leaf;
	double *val;
	uint8_t *tbin;        /* training only: the split's bin (code <= tbin goes left); NULL after load */
};

void ml_tree_free(struct ml_tree *t);
/* The leaves reached by rows i0 .. i0 + n - 1 (n <= ML_CHUNK) of the
 * column-major matrix x with ld rows: node[k] for row i0 + k. */
void ml_tree_walk(const struct ml_tree *t, const double *x, size_t ld, size_t i0, int n, int32_t *node);
/* The same on the training codes for the listed rows (needs tbin). */
void ml_tree_walk_code(const struct ml_tree *t, const uint8_t *code, size_t ld, const int32_t *rows, int n,
    int32_t *node);
static inline const double *
ml_tree_value(const struct ml_tree *t, int nval, int32_t node)
{
	return t->val + (size_t)t->leaf[node] * (size_t)nval;
}
/* Write / read one tree; the reader checks every index (features < p,
 * kids in (i, nnodes), leaf numbers, finite thresholds and values) and
 * returns -1 with err set on a corrupt buffer. */
void ml_tree_save(const struct ml_tree *t, int nval, struct ml_wbuf *b);
int ml_tree_load(struct ml_tree *t, struct ml_rbuf *r, int p, int nval, struct wb_error *err);

/* What a tree grows on: the binned features and the targets of all rows. */
struct ml_tree_data {
	const struct ml_tree_bins *bins;
	const double *y;      /* regression: targets minus ymean; classes: codes */
	double ymean;         /* added back to regression leaf values */
	int nclass;           /* 0: regression */
};

struct ml_tree_params {
	enum ml_tree_crit crit;
	int max_depth;
	int64_t min_samples_leaf, min_samples_split;
	double min_impurity_decrease;
	int mtry;             /* features drawn per split (p: all) */
};

/* Per-thread scratch for growing trees; reusable across trees. */
struct ml_tree_work;
struct ml_tree_work *ml_tree_work_new(const struct ml_tree_data *td, const struct ml_tree_params *pp);
void ml_tree_work_free(struct ml_tree_work *w);
/* The in-bag row arrays to fill before ml_tree_grow: m rows, ascending
 * row ids with positive weights (capacity n). */
int32_t *ml_tree_work_rows(struct ml_tree_work *w);
double *ml_tree_work_weights(struct ml_tree_work *w);

/* What a grown tree reports besides itself. */
struct ml_tree_stats {
	double *importance;   /* p: weighted impurity decrease per feature / root weight (caller's array) */
	double train_loss;    /* weighted error rate (classes) or mean squared error of the leaves */
	/* loss_at[d]: the training loss of the tree cut at depth d, d <= depth
	 * (caller's array of ML_TREE_MAX_DEPTH + 1, or NULL) */
	double *loss_at;
};

/* Grow a tree on the m in-bag rows in the work arrays, drawing features
 * from rng. Returns 0, or -1 when cancelled. */
int ml_tree_grow(struct ml_tree *t, const struct ml_tree_data *td, const struct ml_tree_params *pp,
    struct ml_tree_work *w, int64_t m, struct ml_rng *rng, struct ml_tree_stats *st, const struct ml_log *log);

/* Sort n doubles (no NaNs) ascending; tmp holds n. */
void ml_tree_sort(double *v, double *tmp, int64_t n);

/* After ml_tree_grow: the value of every node (not just leaves) of the
 * last tree grown, nnodes * nval, for per-depth evaluation; and each
 * node's depth. Valid until the next grow. */
const double *ml_tree_work_node_values(const struct ml_tree_work *w);
const uint8_t *ml_tree_work_node_depths(const struct ml_tree_work *w);

#endif
