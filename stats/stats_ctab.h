/*
 * stats_ctab: counts of factors - the two-way contingency table that
 * CHISQ and FISHER test, its rendering for people (box-mode notes), and
 * the chi-square goodness-of-fit statistic that CHISQ ... PROPORTIONS and
 * ABTEST's sample-ratio-mismatch check share.
 */
#ifndef WB_STATS_CTAB_H
#define WB_STATS_CTAB_H

#include "stats/stats.h"

/* The table of two factors a (rows) by b (columns) over the rows where
 * both are non-missing. Only the levels that occur are kept (a level that
 * WHERE or the other variable's NULLs emptied would give a zero margin),
 * in value order. */
struct stats_ctab {
	int r, c;
	const char **rlab, **clab;  /* the levels' text (owned by the data) */
	double *obs;                /* r * c counts, row-major */
	double *rsum, *csum;        /* margins */
	double n;                   /* total */
	int64_t dropped;            /* rows left out: a or b missing */
};

/* Build the table of columns acol by bcol of d. Fails (err set, naming
 * `what`) when the dense table of all levels would be unreasonably large. */
int stats_ctab_build(const struct stats_data *d, int acol, int bcol, const char *what, struct stats_ctab *t,
    struct wb_error *err);
void stats_ctab_free(struct stats_ctab *t);

/* Expected counts under independence, rsum[i] * csum[j] / n, into e
 * (r * c); returns the smallest, and the number below 5 in *below5. */
double stats_ctab_expected(const struct stats_ctab *t, double *e, int *below5);

/* A note showing the table, "obs (exp)" per cell when e is not NULL,
 * headed by `head`; a one-line mention instead when it is too large to
 * read. */
void stats_ctab_note(struct stats_result *r, const struct stats_ctab *t, const double *e, const char *head);

/* Pearson's goodness-of-fit statistic of counts obs[0..k) against
 * probabilities p[0..k) (summing to 1) for n = sum(obs): sum (o - e)^2 / e
 * with e = n p. The expected counts go to e when it is not NULL. */
double stats_chisq_gof(const double *obs, const double *p, int k, double *e);

#endif
