/*
 * stats_anova: what the ANOVA statement's files share (stats_anova.c
 * parses and computes the analysis of variance table; stats_anova_post.c
 * the one-factor alternatives: Levene / Brown-Forsythe, Welch and Tukey).
 */
#ifndef WB_STATS_ANOVA_H
#define WB_STATS_ANOVA_H

#include "stats/stats.h"

enum anova_kind {
	ANOVA_TABLE,    /* the analysis of variance table */
	ANOVA_LEVENE,   /* Levene (centre mean) or Brown-Forsythe (median) */
	ANOVA_WELCH,    /* Welch's heteroscedastic one-way ANOVA */
	ANOVA_TUKEY,    /* Tukey's honest significant differences */
};

/* The statement's options. Variables: 0 the response, 1 and 2 the
 * factors. */
struct anova_opt {
	enum anova_kind kind;
	int nfactors;        /* 1 or 2 */
	bool interaction;    /* g1*g2 */
	bool center_mean;    /* LEVENE MEAN (else the median) */
	double conf;         /* TUKEY CONF */
};

/* The one-factor tests: each fills r with its own table from the response
 * (variable 0) split by the factor (variable 1), or sets err. */
int anova_levene(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r,
    struct wb_error *err);
int anova_welch(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r,
    struct wb_error *err);
int anova_tukey(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r,
    struct wb_error *err);

/* The F test's upper tail, with R's values where the ratio degenerates:
 * F = Inf (a zero residual sum of squares under a positive one) gives 0,
 * F = NaN gives NaN. */
double anova_f_pvalue(double f, double df1, double df2);

#endif
