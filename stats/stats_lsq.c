/*
 * stats_lsq: least squares by a sequential Householder QR in long double
 * (stats_lsq.h says why).
 */
#include "stats/stats_lsq.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
stats_lsq_init(struct stats_lsq *q, int p)
{
	q->m = p + 1;
	q->r = xcalloc((size_t)q->m * (size_t)q->m, sizeof *q->r);
	q->blk = xcalloc((size_t)q->m * STATS_LSQ_BLOCK, sizeof *q->blk);
	q->nb = 0;
	q->n = 0;
}

void
stats_lsq_free(struct stats_lsq *q)
{
	free(q->r);
	free(q->blk);
	memset(q, 0, sizeof *q);
}

/* Fold the waiting rows into R: for each column j, one reflection that
 * zeroes the block's column j against R's diagonal element (R's rows
 * other than j are zero there, so only row j and the block change). */
static void
lsq_fold(struct stats_lsq *q)
{
	int m = q->m, nb = q->nb;
	long double *r = q->r;
	for (int j = 0; j < m; j++) {
		long double *bj = q->blk + (size_t)j * STATS_LSQ_BLOCK;
		long double s = 0;
		for (int i = 0; i < nb; i++)
			s += bj[i] * bj[i];
		if (s == 0)
			continue;   /* nothing below the diagonal: the reflection is the identity */
		long double x0 = r[j * m + j];
		/* alpha takes the sign opposite to x0 so that x0 - alpha never cancels */
		long double alpha = sqrtl(x0 * x0 + s);
		if (x0 > 0)
			alpha = -alpha;
		long double v0 = x0 - alpha, vtv = v0 * v0 + s;
		for (int k = j + 1; k < m; k++) {
			long double *bk = q->blk + (size_t)k * STATS_LSQ_BLOCK;
			long double w = v0 * r[j * m + k];
			for (int i = 0; i < nb; i++)
				w += bj[i] * bk[i];
			long double f = 2 * w / vtv;
			r[j * m + k] -= f * v0;
			for (int i = 0; i < nb; i++)
				bk[i] -= f * bj[i];
		}
		r[j * m + j] = alpha;
	}
	q->nb = 0;
}

void
stats_lsq_add_block(struct stats_lsq *q, const long double *cols, int nrows)
{
	int done = 0;
	while (done < nrows) {
		int take = STATS_LSQ_BLOCK - q->nb;
		if (take > nrows - done)
			take = nrows - done;
		for (int k = 0; k < q->m; k++)
			memcpy(&q->blk[(size_t)k * STATS_LSQ_BLOCK + q->nb], &cols[(size_t)k * STATS_LSQ_BLOCK + done],
			    sizeof *cols * (size_t)take);
		q->nb += take;
		q->n += take;
		done += take;
		if (q->nb == STATS_LSQ_BLOCK)
			lsq_fold(q);
	}
}

/* Drop the column at position t of the m-row, ncol-column triangular W
 * and restore the triangle with Givens rotations (after the drop the
 * columns from t on have one element below the diagonal). */
static void
lsq_drop(long double *w, int m, int ncol, int t, int *col)
{
	for (int i = 0; i < m; i++)
		memmove(&w[i * m + t], &w[i * m + t + 1], sizeof *w * (size_t)(ncol - t - 1));
	memmove(&col[t], &col[t + 1], sizeof *col * (size_t)(ncol - t - 1));
	ncol--;
	for (int s = t; s < ncol - 1; s++) {
		long double a = w[s * m + s], b = w[(s + 1) * m + s];
		if (b == 0)
			continue;
		long double h = hypotl(a, b), c = a / h, sn = b / h;
		for (int k = s; k < ncol; k++) {
			long double u = w[s * m + k], v = w[(s + 1) * m + k];
			w[s * m + k] = c * u + sn * v;
			w[(s + 1) * m + k] = c * v - sn * u;
		}
		w[(s + 1) * m + s] = 0;
	}
}

int
stats_lsq_solve(const struct stats_lsq *q0, const long double *norm, double tol, struct stats_lsq_fit *f)
{
	struct stats_lsq *q = (struct stats_lsq *)q0;
	if (q->nb > 0)
		lsq_fold(q);   /* the factor is the same with or without the rows folded: do it now */
	int m = q->m, p = m - 1;
	memset(f, 0, sizeof *f);
	f->p = p;
	f->aliased = xcalloc((size_t)(p ? p : 1), sizeof *f->aliased);
	f->coef = xcalloc((size_t)(p ? p : 1), sizeof *f->coef);
	long double *w = xmalloc(sizeof *w * (size_t)m * (size_t)m);
	memcpy(w, q->r, sizeof *w * (size_t)m * (size_t)m);
	int *col = xmalloc(sizeof *col * (size_t)m);
	for (int k = 0; k < m; k++)
		col[k] = k;
	/* R's rule: take the columns in order; one whose part orthogonal to
	 * the kept ones before it is negligible moves out (aliased) */
	int ncol = m, t = 0;
	while (t < ncol - 1) {
		if (fabsl(w[t * m + t]) > (long double)tol * norm[col[t]]) {
			t++;
			continue;
		}
		f->aliased[col[t]] = true;
		lsq_drop(w, m, ncol, t, col);
		ncol--;
	}
	int k = t;   /* the rank; the response's column is at position k */
	f->rank = k;
	f->kept = xmalloc(sizeof *f->kept * (size_t)(k ? k : 1));
	memcpy(f->kept, col, sizeof *col * (size_t)k);
	f->qty = xmalloc(sizeof *f->qty * (size_t)(k ? k : 1));
	for (int i = 0; i < k; i++)
		f->qty[i] = w[i * m + k];
	long double rss = 0;
	for (int i = k; i < m; i++)
		rss += w[i * m + k] * w[i * m + k];
	f->rss = rss;
	/* R11^-1 by back substitution, column by column */
	f->rinv = xcalloc((size_t)(k ? k : 1) * (size_t)(k ? k : 1), sizeof *f->rinv);
	for (int c = 0; c < k; c++) {
		f->rinv[c * k + c] = 1 / w[c * m + c];
		for (int i = c - 1; i >= 0; i--) {
			long double s = 0;
			for (int l = i + 1; l <= c; l++)
				s += w[i * m + l] * f->rinv[l * k + c];
			f->rinv[i * k + c] = -s / w[i * m + i];
		}
	}
	/* b: R11 b = Q'y by back substitution (more accurate than R11^-1 Q'y) */
	long double *b = xmalloc(sizeof *b * (size_t)(k ? k : 1));
	for (int i = k - 1; i >= 0; i--) {
		long double s = f->qty[i];
		for (int l = i + 1; l < k; l++)
			s -= w[i * m + l] * b[l];
		b[i] = s / w[i * m + i];
		f->coef[f->kept[i]] = b[i];
	}
	free(b);
	free(col);
	free(w);
	return k;
}

void
stats_lsq_refine(struct stats_lsq_fit *f, const long double *g)
{
	int k = f->rank;
	long double *z = xmalloc(sizeof *z * (size_t)(k ? k : 1));
	/* z = R^-T g, then delta = R^-1 z */
	for (int l = 0; l < k; l++) {
		long double s = 0;
		for (int j = 0; j <= l; j++)
			s += f->rinv[j * k + l] * g[f->kept[j]];
		z[l] = s;
	}
	for (int i = 0; i < k; i++) {
		long double s = 0;
		for (int l = i; l < k; l++)
			s += f->rinv[i * k + l] * z[l];
		f->coef[f->kept[i]] += s;
	}
	free(z);
}

long double
stats_lsq_quad(const struct stats_lsq_fit *f, const long double *a)
{
	int k = f->rank;
	long double sum = 0;
	for (int l = 0; l < k; l++) {
		long double z = 0;
		for (int j = 0; j <= l; j++)
			z += a[f->kept[j]] * f->rinv[j * k + l];
		sum += z * z;
	}
	return sum;
}

void
stats_lsq_fit_free(struct stats_lsq_fit *f)
{
	free(f->aliased);
	free(f->kept);
	free(f->coef);
	free(f->rinv);
	free(f->qty);
	memset(f, 0, sizeof *f);
}
