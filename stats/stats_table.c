/*
 * stats_table: the statistics statements, for the session to register.
 * Each is defined in its own file (stats_<name>.c).
 */
#include "stats/stats.h"

extern const struct stmt_ext stats_ext_describe;
extern const struct stmt_ext stats_ext_chisq;
extern const struct stmt_ext stats_ext_fisher;
extern const struct stmt_ext stats_ext_abtest;
extern const struct stmt_ext stats_ext_regress;
extern const struct stmt_ext stats_ext_corr;
extern const struct stmt_ext stats_ext_ttest;
extern const struct stmt_ext stats_ext_mannwhitney;
extern const struct stmt_ext stats_ext_wilcoxon;
extern const struct stmt_ext stats_ext_kruskal;
extern const struct stmt_ext stats_ext_power;
extern const struct stmt_ext stats_ext_summarize;
extern const struct stmt_ext stats_ext_bootstrap;
extern const struct stmt_ext stats_ext_anova;

const struct stmt_ext *const stats_exts[] = {
	&stats_ext_describe,
	&stats_ext_chisq,
	&stats_ext_fisher,
	&stats_ext_abtest,
	&stats_ext_corr,
	&stats_ext_regress,
	&stats_ext_ttest,
	&stats_ext_mannwhitney,
	&stats_ext_wilcoxon,
	&stats_ext_kruskal,
	&stats_ext_power,
	&stats_ext_summarize,
	&stats_ext_bootstrap,
	&stats_ext_anova,
	NULL,
};
