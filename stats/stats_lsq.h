/*
 * stats_lsq: linear least squares by Householder QR, fed rows in blocks.
 *
 * The design matrix is never stored: rows of [x_1 .. x_p | y] are added a
 * block of up to STATS_LSQ_BLOCK at a time, and each block is folded into
 * the running (p+1) x (p+1) triangular factor R of [X | y] with
 * Householder reflections (the "sequential" or stacked QR). Memory is
 * O(p^2) whatever the number of rows, and the factor is the one a QR of
 * the whole matrix would give, so the solution has QR's accuracy, not the
 * normal equations' (whose error grows with the square of X's condition).
 * Everything is computed in long double (64-bit mantissa on x86), which
 * buys the three digits the ill-conditioned NIST sets (Filip) need; it
 * costs about 0.04 s per 10 M rows and pair of columns on x86-64 (x87:
 * 10 M rows, 8 regressors and y: 1.7 s).
 *
 * Rank: stats_lsq_solve() takes the columns in their order and drops
 * (aliases) a column whose part not explained by the kept columns before
 * it is at most tol times its norm - R's lm() rule (LINPACK dqrdc2's
 * limited pivoting), so the same terms come out NA; the caller chooses
 * tol.
 */
#ifndef WB_STATS_LSQ_H
#define WB_STATS_LSQ_H

#include <stdbool.h>
#include <stdint.h>

#define STATS_LSQ_BLOCK 64

struct stats_lsq {
	int m;               /* columns: p regressors, then the response */
	long double *r;      /* m x m, upper triangular, row-major */
	long double *blk;    /* rows waiting, column-major: blk[k * BLOCK + i] */
	int nb;              /* rows in blk */
	int64_t n;           /* rows added */
};

/* A factor for p regressors and one response. */
void stats_lsq_init(struct stats_lsq *q, int p);
/* Add nrows (<= STATS_LSQ_BLOCK) rows given column by column: column k
 * of row i at cols[k * STATS_LSQ_BLOCK + i]. */
void stats_lsq_add_block(struct stats_lsq *q, const long double *cols, int nrows);
void stats_lsq_free(struct stats_lsq *q);

/* The solution, over the kept (not aliased) columns. */
struct stats_lsq_fit {
	int p;               /* regressors */
	int rank;            /* kept */
	bool *aliased;       /* [p] */
	int *kept;           /* [rank]: the kept columns, in order */
	long double *coef;   /* [p]: the estimates (0 where aliased) */
	long double *rinv;   /* rank x rank, row-major: R11^-1 (upper triangular) */
	long double *qty;    /* [rank]: Q'y over the kept columns (their sum of squares: the explained SS) */
	long double rss;     /* residual sum of squares */
};

/* Solve min ||y - X b|| from the factor, aliasing columns whose remaining
 * norm is at most tol * norm[j] (norm[j]: the column's norm in the
 * model's own terms, for R's rule). Returns the rank. */
int stats_lsq_solve(const struct stats_lsq *q, const long double *norm, double tol, struct stats_lsq_fit *f);
/* One step of refinement by the corrected semi-normal equations: given
 * g = X'r, the columns' products with the residuals r = y - X b of the
 * current solution (summed by the caller in a pass over the rows), add
 * (R'R)^-1 g to b. The residuals of an ill-conditioned problem are
 * computed far more accurately than the QR solved it, so this recovers
 * digits the factorization lost (Björck, Numerical Methods for Least
 * Squares Problems, 2.5.3). */
void stats_lsq_refine(struct stats_lsq_fit *f, const long double *g);
/* a' (X'X)^-1 a over the kept columns, a indexed by column [p]: the
 * variance of a'b in units of sigma^2. */
long double stats_lsq_quad(const struct stats_lsq_fit *f, const long double *a);
void stats_lsq_fit_free(struct stats_lsq_fit *f);

#endif
