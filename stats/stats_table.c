/*
 * stats_table: the statistics statements, for the session to register.
 * Each is defined in its own file (stats_<name>.c).
 */
#include "stats/stats.h"

extern const struct stmt_ext stats_ext_describe;
extern const struct stmt_ext stats_ext_anova;

const struct stmt_ext *const stats_exts[] = {
	&stats_ext_describe,
	&stats_ext_anova,
	NULL,
};
