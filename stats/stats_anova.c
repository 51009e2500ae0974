/*
 * ANOVA y BY g1 [, g2 [, g1*g2]] FROM source [WHERE cond]
 * ANOVA y BY g1*g2 FROM source                     (= BY g1, g2, g1*g2)
 * ANOVA y BY g LEVENE [MEAN | MEDIAN] | WELCH | TUKEY [CONF 0.95] FROM source
 *
 * The analysis of variance table as R's summary(aov(y ~ g1 * g2)), in
 * broom's names: term, df, sum_sq, mean_sq, f_value, p_value, and
 * eta_sq (the term's sum of squares over the total corrected sum of
 * squares), one row per term and a Residuals row (f_value, p_value and
 * eta_sq NULL there).
 *
 * Balanced designs (every cell the same count) get R's sequential (type
 * I) sums of squares, which there equal type II; unbalanced two-way
 * designs get type II sums of squares (as car::Anova(lm(...), type = 2):
 * each main effect adjusted for the other, the interaction for both), and
 * the title says so.
 *
 * How: the rows are reduced to cells (a level of g1, or a pair of levels)
 * with their count, mean and sum of squared deviations, by two passes
 * (the second corrects the first's mean and measures deviations from it)
 * over the values less the first one, so constant leading digits cost
 * nothing. One factor: the between sum of squares is sum n_i (mean_i -
 * grand)^2, the within one the sum of the cells'. Two factors: least
 * squares is exact on the cell means weighted by their counts (the design
 * is constant within a cell), so the additive model is fitted to a row
 * per cell, by Householder QR of the dummy-coded design (treatment
 * contrasts) on the means centred at the grand mean. A term's sum of
 * squares is the sum of the squared effects Q'y of its columns (as R's
 * aov computes them), never a difference of residual sums of squares;
 * what the additive model leaves between the cells is the interaction's
 * (the model with it fits the cell means exactly). g1's type II sum of
 * squares takes a second fit, with g2's columns first.
 *
 * The options replace the table by another (stats_anova_post.c).
 */
#include "stats/stats_anova.h"
#include "core/xmalloc.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Two-way designs are fitted by QR on (levels of g1 + levels of g2 - 1)
 * columns and a row per cell: at most MAX_COLS columns (which bounds the
 * cells' arrays), and rows x columns^2 at most MAX_WORK (a few seconds). */
enum { MAX_COLS = 2048 };
#define MAX_WORK 1e10

double
anova_f_pvalue(double f, double df1, double df2)
{
	return stats_fdist_Q(f, df1, df2);
}

/* ------------------------------------------------------------ cells */

/* The rows reduced to cells: a level of g1 (nb = 1) or a pair (g1, g2),
 * over the levels that occur in rows with a response and every factor. */
struct cells {
	int na, nb;
	const char **alabel, **blabel;
	int64_t *n;          /* per cell, index a * nb + b */
	/* mean and grand are of y less the first value used: a mean of
	 * values near 1e12 would keep 4 decimals of their differences, the
	 * mean of the shifted values all of them (the subtraction is exact
	 * within a factor 2 of the shift); only differences of means are used */
	double *mean, *ss;   /* NaN / 0 for an empty cell */
	int64_t total, dropped;
	double grand, sst;   /* grand mean, total corrected sum of squares */
};

static void
cells_free(struct cells *c)
{
	free(c->alabel);
	free(c->blabel);
	free(c->n);
	free(c->mean);
	free(c->ss);
}

/*
 * Cells of the response (variable 0) by the nf factors (variables 1, 2),
 * in two passes over the rows: counts and sums per cell of the factors'
 * levels as read, then deviations from the cell's and the grand mean;
 * the levels without rows (their values all missing) are then dropped.
 * Row i counts when y[i] is not missing and no factor is. The caller
 * bounds the levels' product (MAX_COLS).
 */
static void
cells_build(const struct stats_data *d, int nf, struct cells *c)
{
	memset(c, 0, sizeof *c);
	const double *y = d->col[0].x;
	const struct stats_column *A = &d->col[1], *B = nf > 1 ? &d->col[2] : NULL;
	const int32_t *la = A->level, *lb = B ? B->level : NULL;
	size_t nla = (size_t)A->nlevels, nlb = B ? (size_t)B->nlevels : 1, nraw = nla * nlb;
	/* Each cell's sums are split over S interleaved slots (row i adds to
	 * slot i % S): rows sorted by group would otherwise add to one memory
	 * location row after row, each addition waiting for the last. */
	size_t S = nraw <= 65536 ? 4 : 1, ns = nraw * S;
	int64_t *n = xcalloc(ns ? ns : 1, sizeof *n);
	double *sum = xcalloc(ns ? ns : 1, sizeof *sum), *dev = xcalloc(ns ? ns : 1, sizeof *dev);
	double *sq = xcalloc(ns ? ns : 1, sizeof *sq), *mean = xcalloc(nraw ? nraw : 1, sizeof *mean);
	double K = NAN, tot[2] = {0, 0};
	int64_t used = 0;
	for (int64_t i = 0; i < d->n; i++) {
		int32_t b = lb ? lb[i] : 0;
		if (isnan(y[i]) || la[i] < 0 || b < 0)
			continue;
		if (used++ == 0)
			K = y[i];
		size_t k = ((size_t)la[i] * nlb + (size_t)b) * S + ((size_t)i & (S - 1));
		double v = y[i] - K;
		n[k]++;
		sum[k] += v;
		tot[i & 1] += v;
	}
	/* fold the slots into the first: counts, and the first pass's means */
	for (size_t k = 0; k < nraw; k++) {
		for (size_t j = 1; j < S; j++) {
			n[k * S] += n[k * S + j];
			sum[k * S] += sum[k * S + j];
		}
		mean[k] = n[k * S] ? sum[k * S] / (double)n[k * S] : 0;
	}
	double g = used ? (tot[0] + tot[1]) / (double)used : NAN, gdev[2] = {0, 0}, gsq[2] = {0, 0};
	for (int64_t i = 0; i < d->n; i++) {
		int32_t b = lb ? lb[i] : 0;
		if (isnan(y[i]) || la[i] < 0 || b < 0)
			continue;
		size_t c0 = (size_t)la[i] * nlb + (size_t)b, k = c0 * S + ((size_t)i & (S - 1));
		double v = y[i] - K, e = v - mean[c0];
		dev[k] += e;
		sq[k] += e * e;
		e = v - g;
		gdev[i & 1] += e;
		gsq[i & 1] += e * e;
	}
	for (size_t k = 0; k < nraw; k++) {
		for (size_t j = 1; j < S; j++) {
			dev[k * S] += dev[k * S + j];
			sq[k * S] += sq[k * S + j];
		}
	}
	/* the deviations' sums correct the first pass's rounding (Chan,
	 * Golub and LeVeque's corrected two-pass algorithm) */
	c->total = used;
	c->dropped = d->n - used;
	double gd = gdev[0] + gdev[1];
	c->grand = used ? g + gd / (double)used : NAN;
	c->sst = used ? gsq[0] + gsq[1] - gd * gd / (double)used : NAN;
	if (c->sst < 0)
		c->sst = 0;
	/* the levels with rows, then their cells */
	int32_t *am = xmalloc(sizeof *am * (nla ? nla : 1)), *bm = xmalloc(sizeof *bm * nlb);
	c->alabel = xmalloc(sizeof *c->alabel * (nla ? nla : 1));
	c->blabel = xmalloc(sizeof *c->blabel * nlb);
	for (size_t a = 0; a < nla; a++) {
		am[a] = -1;
		for (size_t b = 0; b < nlb && am[a] < 0; b++)
			if (n[(a * nlb + b) * S])
				am[a] = c->na;
		if (am[a] >= 0)
			c->alabel[c->na++] = A->labels[a];
	}
	for (size_t b = 0; b < nlb; b++) {
		bm[b] = -1;
		for (size_t a = 0; a < nla && bm[b] < 0; a++)
			if (n[(a * nlb + b) * S])
				bm[b] = c->nb;
		if (bm[b] >= 0)
			c->blabel[c->nb++] = B ? B->labels[b] : NULL;
	}
	size_t nc = (size_t)c->na * (size_t)c->nb;
	c->n = xcalloc(nc ? nc : 1, sizeof *c->n);
	c->mean = xmalloc(sizeof *c->mean * (nc ? nc : 1));
	c->ss = xcalloc(nc ? nc : 1, sizeof *c->ss);
	for (size_t k = 0; k < nc; k++)
		c->mean[k] = NAN;
	for (size_t k = 0; k < nraw; k++) {
		size_t f = k * S;
		if (n[f] == 0)
			continue;
		size_t to = (size_t)am[k / nlb] * (size_t)c->nb + (size_t)bm[k % nlb];
		double dn = (double)n[f];
		c->n[to] = n[f];
		c->mean[to] = mean[k] + dev[f] / dn;
		c->ss[to] = sq[f] - dev[f] * dev[f] / dn;
		if (c->ss[to] < 0)
			c->ss[to] = 0;
	}
	free(am);
	free(bm);
	free(n);
	free(sum);
	free(dev);
	free(sq);
	free(mean);
}

/* ------------------------------------------------------------ table */

enum { C_TERM, C_DF, C_SS, C_MS, C_F, C_P, C_ETA, NCOLS };

static void
table_init(struct stats_result *r)
{
	static const char *const names[NCOLS] = {"term", "df", "sum_sq", "mean_sq", "f_value", "p_value", "eta_sq"};
	static const wb_type types[NCOLS] = {WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE,
		WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE};
	stats_result_init(r, NCOLS, names, types);
	r->stars_col = C_P;
}

/* A term's row: its F against the residual mean square mse on rdf. A
 * zero mse gives F = Inf (NaN when the term's is zero too), p = 0. */
static void
term_row(struct stats_result *r, const char *term, int64_t df, double ss, double mse, int64_t rdf, double sst)
{
	double ms = ss / (double)df;
	double f = mse > 0 ? ms / mse : ms > 0 ? INFINITY : NAN;
	stats_s(r, C_TERM, term);
	stats_i(r, C_DF, df);
	stats_d(r, C_SS, ss);
	stats_d(r, C_MS, ms);
	stats_d(r, C_F, f);
	stats_d(r, C_P, anova_f_pvalue(f, (double)df, (double)rdf));
	stats_d(r, C_ETA, ss / sst);
	stats_row(r);
}

static void
resid_row(struct stats_result *r, int64_t df, double ss)
{
	stats_s(r, C_TERM, "Residuals");
	stats_i(r, C_DF, df);
	stats_d(r, C_SS, ss);
	stats_d(r, C_MS, ss / (double)df);
	stats_null(r, C_F);
	stats_null(r, C_P);
	stats_null(r, C_ETA);
	stats_row(r);
}

/* The notes every table shares: rows left out, fit summary. */
static void
table_notes(struct stats_result *r, const struct stats_data *d, const struct cells *c, double rss, int64_t rdf)
{
	stats_note(r, "Residual standard error: %.6g on %lld degrees of freedom; R-squared: %.6g", sqrt(rss / (double)rdf),
	    (long long)rdf, 1 - rss / c->sst);
	if (c->dropped > 0)
		stats_note(r, "%lld of %lld rows left out: %s or a factor is NULL or NaN", (long long)c->dropped,
		    (long long)d->n, d->col[0].name);
}

/* Factor variable v's levels in use (k, labelled): at least two. */
static int
check_levels(const struct stats_stmt *st, const struct stats_data *d, int v, int k, const char *const *label,
    struct wb_error *err)
{
	const char *name = d->col[v].name;
	if (k >= 2)
		return 0;
	if (k == 1) {
		err_set(err, st->vars[v].pos, "ANOVA: %s has one level ('%s') in the rows used; an analysis of variance "
		    "compares two or more groups", name, label[0]);
		err_hint(err, "check the WHERE condition, or that %s has more than one value", name);
	} else {
		err_set(err, st->vars[v].pos, "ANOVA: no rows where %s and %s are both given", d->col[0].name, name);
		err_hint(err, "check the WHERE condition, and that %s and %s are not all NULL", d->col[0].name, name);
	}
	return -1;
}

/* One factor: between and within sums of squares from the cells. */
static int
oneway(const struct stats_stmt *st, const struct stats_data *d, const struct cells *c, struct stats_result *r,
    struct wb_error *err)
{
	int k = c->na;
	int64_t rdf = c->total - k;
	if (rdf < 1) {
		err_set(err, st->vars[1].pos, "ANOVA: no residual degrees of freedom: %lld values in %d groups of %s",
		    (long long)c->total, k, d->col[1].name);
		err_hint(err, "an analysis of variance needs more values than groups (some group with two or more)");
		return -1;
	}
	double ssb = 0, ssw = 0;
	for (int i = 0; i < k; i++) {
		double e = c->mean[i] - c->grand;
		ssb += (double)c->n[i] * e * e;
		ssw += c->ss[i];
	}
	table_init(r);
	stats_title(r, "One-way analysis of variance: %s by %s", d->col[0].name, d->col[1].name);
	term_row(r, d->col[1].name, k - 1, ssb, ssw / (double)rdf, rdf, c->sst);
	resid_row(r, rdf, ssw);
	table_notes(r, d, c, ssw, rdf);
	if (ssw == 0)
		stats_note(r, "Every group's values are equal: F is Inf (NaN if the means are equal too)");
	return 0;
}

/*
 * Least squares of the cell means (centred at the grand mean, weighted by
 * the cell counts) on an intercept and the main effects' dummy columns:
 * g1's then g2's, or g2's first (b_first). first and second receive the
 * sums of the squared effects Q'y of the two blocks - the first term's
 * sum of squares, and the second's adjusted for it - and *extra the rest
 * of |Q'y|^2: what the additive model leaves between the cells, which is
 * the interaction's sum of squares when every cell has rows (the model
 * with the interaction fits the cell means exactly). Returns the number
 * of columns, or -1 when the main effects are aliased (empty cells split
 * the design into parts that share no level).
 */
static int
cell_lsq(const struct cells *c, bool b_first, double *first, double *second, double *extra)
{
	int na = c->na, nb = c->nb, p = na + nb - 1;
	int rows = 0;
	for (int k = 0; k < na * nb; k++)
		rows += c->n[k] > 0;
	if (rows < p)
		return -1;
	gsl_matrix *X = gsl_matrix_calloc((size_t)rows, (size_t)p);
	gsl_vector *y = gsl_vector_alloc((size_t)rows);
	/* columns: 0 the intercept, then g1's levels 2.. and g2's (or the
	 * other way round): treatment contrasts, as R's defaults */
	size_t a0 = b_first ? (size_t)nb : 1, b0 = b_first ? 1 : (size_t)na;
	size_t row = 0;
	for (int a = 0; a < na; a++) {
		for (int b = 0; b < nb; b++) {
			int k = a * nb + b;
			if (c->n[k] == 0)
				continue;
			double w = sqrt((double)c->n[k]);
			gsl_matrix_set(X, row, 0, w);
			if (a > 0)
				gsl_matrix_set(X, row, a0 + (size_t)a - 1, w);
			if (b > 0)
				gsl_matrix_set(X, row, b0 + (size_t)b - 1, w);
			gsl_vector_set(y, row, w * (c->mean[k] - c->grand));
			row++;
		}
	}
	/* column norms, to tell an aliased column from a short one */
	double *norm = xmalloc(sizeof *norm * (size_t)p);
	for (int j = 0; j < p; j++) {
		gsl_vector_view cv = gsl_matrix_column(X, (size_t)j);
		norm[j] = gsl_blas_dnrm2(&cv.vector);
	}
	gsl_vector *tau = gsl_vector_alloc((size_t)p);
	int rc = gsl_linalg_QR_decomp(X, tau);
	if (rc == GSL_SUCCESS)
		rc = gsl_linalg_QR_QTvec(X, tau, y);
	int split = 1 + (b_first ? nb - 1 : na - 1);
	*first = *second = *extra = 0;
	for (int j = 0; j < rows && rc == GSL_SUCCESS; j++) {
		if (j < p && fabs(gsl_matrix_get(X, (size_t)j, (size_t)j)) <= 1e-9 * norm[j])
			rc = GSL_ESING;
		double e = gsl_vector_get(y, (size_t)j), e2 = e * e;
		if (j == 0)
			continue;   /* the intercept's: 0 up to rounding, y being centred */
		*(j < split ? first : j < p ? second : extra) += e2;
	}
	free(norm);
	gsl_vector_free(tau);
	gsl_vector_free(y);
	gsl_matrix_free(X);
	return rc == GSL_SUCCESS ? p : -1;
}

/* Two factors, with or without their interaction. */
static int
twoway(const struct stats_stmt *st, const struct stats_data *d, const struct cells *c, bool inter,
    struct stats_result *r, struct wb_error *err)
{
	const char *an = d->col[1].name, *bn = d->col[2].name;
	int na = c->na, nb = c->nb;
	bool balanced = true, empty = false;
	for (int k = 0; k < na * nb; k++) {
		if (c->n[k] != c->n[0])
			balanced = false;
		if (c->n[k] == 0 && !empty) {
			empty = true;
			if (inter) {
				err_set(err, st->vars[2].pos, "ANOVA: no rows where %s = '%s' and %s = '%s' (an empty cell): "
				    "the interaction %s*%s cannot be estimated", an, c->alabel[k / nb], bn,
				    c->blabel[k % nb], an, bn);
				err_hint(err, "drop the interaction (ANOVA y BY %s, %s) or leave that level out with WHERE", an,
				    bn);
				return -1;
			}
		}
	}
	/* the QR takes about 2 rows cols^2 operations: keep it to seconds */
	double rows = 0, cols = na + nb - 1;
	for (int k = 0; k < na * nb; k++)
		rows += c->n[k] > 0;
	if (rows * cols * cols > MAX_WORK) {
		err_set(err, st->pos, "ANOVA: %s and %s have %d and %d levels, %.0f cells: too many for a two-way analysis "
		    "(it fits a model of %.0f columns to a row per cell)", an, bn, na, nb, rows, cols);
		err_hint(err, "group the levels into fewer (CASE ... END), or analyse one factor at a time");
		return -1;
	}
	/* g1 first: g1's sequential sum of squares, g2's adjusted for g1 (its
	 * type II one) and the interaction's; g2 first: g1's type II one */
	double ssa, ssb, ssab, ssa2, ssb2, x2;
	int p = cell_lsq(c, false, &ssa, &ssb, &ssab);
	if (p > 0 && !balanced && cell_lsq(c, true, &ssb2, &ssa2, &x2) > 0)
		ssa = ssa2;   /* g1 adjusted for g2 */
	else if (p > 0 && !balanced)
		p = -1;
	if (p < 0) {
		err_set(err, st->vars[2].pos, "ANOVA: the levels of %s and %s are not connected (empty cells separate "
		    "them), so their effects cannot be told apart", an, bn);
		err_hint(err, "leave out the levels that only occur apart, or analyse each factor alone");
		return -1;
	}
	double ssw = 0;
	for (int k = 0; k < na * nb; k++)
		ssw += c->ss[k];
	int64_t dfab = (int64_t)(na - 1) * (nb - 1);
	double rss = inter ? ssw : ssw + ssab;
	int64_t rdf = c->total - p - (inter ? dfab : 0);
	if (rdf < 1) {
		err_set(err, st->vars[inter ? 2 : 1].pos, "ANOVA: no residual degrees of freedom: %lld values for %lld "
		    "parameters%s", (long long)c->total, (long long)(c->total - rdf), inter ? " (with one value per "
		    "cell the interaction leaves none)" : "");
		if (inter)
			err_hint(err, "drop the interaction (ANOVA y BY %s, %s)", an, bn);
		else
			err_hint(err, "an analysis of %s and %s needs more values", an, bn);
		return -1;
	}
	table_init(r);
	if (balanced)
		stats_title(r, "Two-way analysis of variance: %s by %s and %s (balanced design: sequential sums of squares)",
		    d->col[0].name, an, bn);
	else
		stats_title(r, "Two-way analysis of variance: %s by %s and %s (Type II sums of squares: unbalanced design)",
		    d->col[0].name, an, bn);
	double mse = rss / (double)rdf;
	term_row(r, an, na - 1, ssa, mse, rdf, c->sst);
	term_row(r, bn, nb - 1, ssb, mse, rdf, c->sst);
	if (inter) {
		char *name = xmalloc(strlen(an) + strlen(bn) + 2);
		sprintf(name, "%s:%s", an, bn);
		term_row(r, name, dfab, ssab, mse, rdf, c->sst);
		free(name);
	}
	resid_row(r, rdf, rss);
	table_notes(r, d, c, rss, rdf);
	if (!balanced)
		stats_note(r, "Type II sums of squares (unbalanced design): each factor adjusted for the other%s, as "
		    "car::Anova(type = 2); they need not add up to the total", inter ? ", the interaction for both" : "");
	if (empty)
		stats_note(r, "Some cells of %s x %s are empty", an, bn);
	if (rss == 0)
		stats_note(r, "Every cell's values are equal: F is Inf (NaN where a term's sum of squares is 0 too)");
	return 0;
}

static int
anova_run(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct anova_opt *o = st->opt;
	switch (o->kind) {
	case ANOVA_LEVENE: return anova_levene(st, d, r, err);
	case ANOVA_WELCH: return anova_welch(st, d, r, err);
	case ANOVA_TUKEY: return anova_tukey(st, d, r, err);
	case ANOVA_TABLE: break;
	}
	if (o->nfactors > 1 && d->col[1].nlevels + d->col[2].nlevels - 1 > MAX_COLS) {
		err_set(err, st->pos, "ANOVA: %s and %s have %d and %d levels; a two-way analysis takes at most %d "
		    "together", d->col[1].name, d->col[2].name, d->col[1].nlevels, d->col[2].nlevels, MAX_COLS + 1);
		err_hint(err, "group the levels into fewer (CASE ... END), or analyse one factor at a time");
		return -1;
	}
	struct cells c;
	cells_build(d, o->nfactors, &c);
	int rc = check_levels(st, d, 1, c.na, c.alabel, err);
	if (rc == 0 && o->nfactors > 1)
		rc = check_levels(st, d, 2, c.nb, c.blabel, err);
	if (rc == 0)
		rc = o->nfactors == 1 ? oneway(st, d, &c, r, err) : twoway(st, d, &c, o->interaction, r, err);
	cells_free(&c);
	return rc;
}

/* ------------------------------------------------------------ parsing */

/* The text of a column reference (a.b for a qualified one). */
static char *
colref_text(struct arena *a, const struct ast *e)
{
	size_t len = 0;
	for (int i = 0; i < e->u.name.n; i++)
		len += strlen(e->u.name.parts[i]) + 1;
	char *s = arena_alloc(a, len + 1);
	s[0] = 0;
	for (int i = 0; i < e->u.name.n; i++) {
		if (i)
			strcat(s, ".");
		strcat(s, e->u.name.parts[i]);
	}
	return s;
}

/* Is e the product of two column references (a crossing g1*g2)? */
static bool
is_crossing(const struct ast *e)
{
	return e->kind == AST_BINARY && strcmp(e->u.binary.op, "*") == 0 && e->u.binary.left->kind == AST_COLREF &&
	    e->u.binary.right->kind == AST_COLREF;
}

/* Add a factor variable for the expression e (a column reference). */
static void
add_factor(struct parser *p, struct stats_stmt *st, struct ast *e)
{
	if (st->nvars == st->vcap) {
		int cap = st->vcap ? 2 * st->vcap : 4;
		struct stats_var *v = arena_zalloc(p->arena, sizeof *v * (size_t)cap);
		if (st->nvars)
			memcpy(v, st->vars, sizeof *v * (size_t)st->nvars);
		st->vars = v;
		st->vcap = cap;
	}
	struct stats_var *v = &st->vars[st->nvars++];
	v->expr = e;
	v->role = STATS_FACTOR;
	v->pos = e->pos;
	v->name = colref_text(p->arena, e);
}

/* The factors after BY: g1 [, g2 [, g1*g2]] or g1*g2. */
static int
parse_factors(struct parser *p, struct stats_stmt *st, struct anova_opt *o)
{
	do {
		int pos = parser_peek(p, 0)->pos;
		int v = stats_parse_var(p, st, STATS_FACTOR);
		if (v < 0)
			return -1;
		struct ast *e = st->vars[v].expr;
		if (!is_crossing(e)) {
			if (o->nfactors == 2 || o->interaction) {
				err_set(p->err, pos, "ANOVA takes one or two factors (and their interaction g1*g2)");
				err_hint(p->err, "ANOVA y BY g1, g2, g1*g2 FROM source");
				return -1;
			}
			if (o->nfactors == 1 && strcasecmp(st->vars[1].name, st->vars[2].name) == 0) {
				err_set(p->err, pos, "ANOVA: %s is given twice", st->vars[2].name);
				err_hint(p->err, "name two different factors: ANOVA y BY g1, g2 FROM source");
				return -1;
			}
			o->nfactors++;
			continue;
		}
		/* g1*g2: the crossing of two column references */
		st->nvars--;
		char *l = colref_text(p->arena, e->u.binary.left), *r = colref_text(p->arena, e->u.binary.right);
		if (o->nfactors == 0) {
			add_factor(p, st, e->u.binary.left);
			add_factor(p, st, e->u.binary.right);
			o->nfactors = 2;
			o->interaction = true;
			continue;
		}
		const char *a = st->vars[1].name, *b = o->nfactors == 2 ? st->vars[2].name : "";
		if (o->nfactors != 2 || o->interaction ||
		    !((strcasecmp(l, a) == 0 && strcasecmp(r, b) == 0) || (strcasecmp(l, b) == 0 && strcasecmp(r, a) == 0))) {
			err_set(p->err, pos, "ANOVA: the interaction term must cross the two factors before it (%s*%s)", a,
			    o->nfactors == 2 ? b : "g2");
			err_hint(p->err, "ANOVA y BY g1, g2, g1*g2 FROM source, or ANOVA y BY g1*g2 FROM source");
			return -1;
		}
		o->interaction = true;
	} while (parser_accept_op(p, ","));
	return 0;
}

static int
anova_parse(struct parser *p, void **data)
{
	struct stats_stmt *st = stats_stmt_new(p, anova_run, "ANOVA");
	struct anova_opt *o = arena_zalloc(p->arena, sizeof *o);
	st->opt = o;
	*data = st;
	o->kind = ANOVA_TABLE;
	o->conf = 0.95;
	if (stats_parse_var(p, st, STATS_NUMERIC) < 0)
		return -1;
	if (!parser_expect_word(p, "BY"))
		return -1;
	if (parse_factors(p, st, o) < 0)
		return -1;
	int opt_pos = parser_peek(p, 0)->pos;
	bool conf = false;
	for (;;) {
		int pos = parser_peek(p, 0)->pos;
		enum anova_kind k = ANOVA_TABLE;
		if (parser_accept_word(p, "LEVENE")) {
			k = ANOVA_LEVENE;
			if (parser_accept_word(p, "MEAN"))
				o->center_mean = true;
			else
				parser_accept_word(p, "MEDIAN");
		} else if (parser_accept_word(p, "WELCH")) {
			k = ANOVA_WELCH;
		} else if (parser_accept_word(p, "TUKEY")) {
			k = ANOVA_TUKEY;
		} else if (parser_accept_word(p, "CONF")) {
			if (!stats_parse_number(p, "CONF", 0.5, 0.9999, &o->conf))
				return -1;
			conf = true;
			continue;
		} else {
			break;
		}
		if (o->kind != ANOVA_TABLE) {
			err_set(p->err, pos, "ANOVA: one of LEVENE, WELCH and TUKEY at a time");
			err_hint(p->err, "run one statement per test");
			return -1;
		}
		o->kind = k;
		opt_pos = pos;
	}
	if (o->kind != ANOVA_TABLE && o->nfactors != 1) {
		err_set(p->err, opt_pos, "ANOVA: LEVENE, WELCH and TUKEY compare the groups of one factor");
		err_hint(p->err, "ANOVA y BY g TUKEY FROM source; for two factors, cross them into one: BY g1 || '/' || g2");
		return -1;
	}
	if (conf && o->kind != ANOVA_TUKEY) {
		err_set(p->err, opt_pos, "ANOVA: CONF is the confidence level of TUKEY's intervals");
		err_hint(p->err, "ANOVA y BY g TUKEY CONF 0.99 FROM source");
		return -1;
	}
	return stats_parse_from(p, st);
}

const struct stmt_ext stats_ext_anova = {
	.word = "ANOVA",
	.parse = anova_parse,
	.query = true,
	.usage = "ANOVA y BY g1 [, g2 [, g1*g2]] [LEVENE [MEAN|MEDIAN] | WELCH | TUKEY [CONF 0.95]] FROM source "
	         "[WHERE cond]",
	.summary = "analysis of variance (one- and two-way, type II when unbalanced) with eta-squared; Levene / "
	           "Brown-Forsythe, Welch's ANOVA, Tukey HSD",
};
