/*
 * KRUSKAL y BY g FROM source
 *
 * The Kruskal-Wallis rank-sum test, as R's kruskal.test (R 4.2): with
 * the ranks of y over all groups (ties get their average rank), n values
 * and k groups of n_i values with mean rank Rbar_i,
 *
 *   H = 12 / (n (n + 1)) sum_i n_i (Rbar_i - (n + 1) / 2)^2
 *       / (1 - sum_ties (t^3 - t) / (n^3 - n))
 *
 * (R sums R_i^2 / n_i and subtracts 3 (n + 1); the deviations form is the
 * same number without the cancellation), chi-squared with k - 1 df. The
 * effect size epsilon_sq = H / ((n^2 - 1) / (n + 1)) = H / (n - 1)
 * (Tomczak & Tomczak 2014).
 */
#include "stats/stats.h"
#include "core/xmalloc.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

struct kruskal_opt {
	int by;
};

enum { C_STAT, C_DF, C_P, C_N, C_GROUPS, C_EPS, C_METHOD, NCOLS };

static int
kruskal_run(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct kruskal_opt *o = st->opt;
	static const char *const names[NCOLS] = {"statistic", "df", "p_value", "n", "groups", "epsilon_sq", "method"};
	const wb_type types[NCOLS] = {WB_TYPE_DOUBLE, WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_BIGINT, WB_TYPE_BIGINT,
		WB_TYPE_DOUBLE, WB_TYPE_VARCHAR};
	stats_result_init(r, NCOLS, names, types);
	r->stars_col = C_P;
	const char *y = d->col[0].name, *g = d->col[o->by].name;
	struct stats_groups gs;
	stats_groups_split(d, 0, o->by, &gs);
	int rc = -1;
	if (gs.k == 0) {
		err_set(err, st->pos, "KRUSKAL: no row has both %s and %s", y, g);
		err_hint(err, "check that neither is NULL everywhere (and the WHERE condition)");
		goto out;
	}
	if (gs.k < 2) {
		err_set(err, st->pos, "KRUSKAL: all observations are in the same group (%s %s)", g, gs.label[0]);
		err_hint(err, "the test compares two or more groups; check BY and the WHERE condition");
		goto out;
	}
	int64_t n = gs.total;
	double *rsum = xmalloc(sizeof *rsum * (size_t)gs.k);
	double ties = stats_rank_sums(gs.x, gs.k, gs.start, gs.n, rsum);
	double dn = (double)n, mid = (dn + 1) / 2, h = 0;
	for (int i = 0; i < gs.k; i++) {
		double s = rsum[i];
		double dev = s / (double)gs.n[i] - mid;
		h += (double)gs.n[i] * dev * dev;
		if (gs.k <= 12)
			stats_note(r, "%s %s: n = %lld, mean rank %.6g", g, gs.label[i], (long long)gs.n[i],
			    s / (double)gs.n[i]);
	}
	free(rsum);
	double denom = 1 - ties / (dn * dn * dn - dn);
	if (!(denom > 0)) {
		err_set(err, st->pos, "KRUSKAL: all %lld values of %s are tied; there is nothing to rank", (long long)n, y);
		err_hint(err, "the groups are constant and equal: there is no evidence of a difference");
		goto out;
	}
	h = 12 / (dn * (dn + 1)) * h / denom;
	stats_d(r, C_STAT, h);
	stats_i(r, C_DF, gs.k - 1);
	stats_d(r, C_P, gsl_cdf_chisq_Q(h, gs.k - 1));
	stats_i(r, C_N, n);
	stats_i(r, C_GROUPS, gs.k);
	stats_d(r, C_EPS, h / (dn - 1));
	stats_s(r, C_METHOD, "Kruskal-Wallis rank sum test");
	stats_row(r);
	stats_title(r, "Kruskal-Wallis rank sum test");
	if (gs.dropped > 0)
		stats_note(r, "%lld row%s with a missing %s or %s left out", (long long)gs.dropped,
		    gs.dropped == 1 ? "" : "s", y, g);
	rc = 0;
out:
	stats_groups_free(&gs);
	return rc;
}

static int
kruskal_parse(struct parser *p, void **data)
{
	struct stats_stmt *st = stats_stmt_new(p, kruskal_run, "KRUSKAL");
	struct kruskal_opt *o = arena_zalloc(p->arena, sizeof *o);
	st->opt = o;
	*data = st;
	if (stats_parse_var(p, st, STATS_NUMERIC) < 0)
		return -1;
	if (!parser_expect_word(p, "BY"))
		return -1;
	if ((o->by = stats_parse_var(p, st, STATS_FACTOR)) < 0)
		return -1;
	return stats_parse_from(p, st);
}

const struct stmt_ext stats_ext_kruskal = {
	.word = "KRUSKAL",
	.parse = kruskal_parse,
	.query = true,
	.usage = "KRUSKAL y BY g FROM source",
	.summary = "Kruskal-Wallis rank-sum test across groups, as R's kruskal.test",
};
