/*
 * DESCRIBE STATS x [, y ...] [BY g] [CONF 0.95] FROM source
 *
 * Per variable (and group): n, missing, mean, sd, se, the t confidence
 * interval of the mean, min, quartiles (R's type 7, as quantile() and
 * DuckDB's quantile_cont), max, skewness and excess kurtosis. Skewness
 * and kurtosis are the adjusted Fisher-Pearson estimators G1 and G2
 * (as DuckDB's skewness() / kurtosis(), Excel's SKEW / KURT, SAS and
 * e1071's type 2): NaN (documented) below 3 and 4 values or at zero
 * variance, like sd below 2 values.
 */
#include "stats/stats.h"
#include "core/xmalloc.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct describe_opt {
	double conf;
	int by;      /* the BY variable's index, or -1 */
};

enum { C_VAR, C_N, C_MISSING, C_MEAN, C_SD, C_SE, C_CILO, C_CIHI, C_MIN, C_Q25, C_MED, C_Q75, C_MAX, C_SKEW, C_KURT,
	NCOLS };

/* One row of statistics of x[0..n) (sorted here). */
static void
describe_row(struct stats_result *r, int off, double *x, int64_t n, int64_t missing, double conf, double shift)
{
	stats_i(r, off + C_N, n);
	stats_i(r, off + C_MISSING, missing);
	if (n == 0) {
		for (int c = C_MEAN; c < NCOLS; c++)
			stats_null(r, off + c);
		return;
	}
	double mean, ss;
	stats_mean_ss(x, n, &mean, &ss);
	double dn = (double)n, sd = n > 1 ? sqrt(ss / (dn - 1)) : NAN, se = sd / sqrt(dn);
	double t = n > 1 ? gsl_cdf_tdist_Pinv(0.5 + conf / 2, dn - 1) : NAN;
	/* central moments for the shape statistics */
	double m2 = ss / dn, m3 = 0, m4 = 0;
	for (int64_t i = 0; i < n; i++) {
		double e = x[i] - mean, e2 = e * e;
		m3 += e2 * e;
		m4 += e2 * e2;
	}
	m3 /= dn;
	m4 /= dn;
	double skew = NAN, kurt = NAN;
	if (n > 2 && m2 > 0)
		skew = sqrt(dn * (dn - 1)) / (dn - 2) * m3 / pow(m2, 1.5);
	if (n > 3 && m2 > 0)
		kurt = (dn - 1) / ((dn - 2) * (dn - 3)) * ((dn + 1) * (m4 / (m2 * m2) - 3) + 6);
	double lo = x[0], hi = x[0];
	for (int64_t i = 1; i < n; i++) {
		if (x[i] < lo)
			lo = x[i];
		if (x[i] > hi)
			hi = x[i];
	}
	static const double probs[3] = {0.25, 0.5, 0.75};
	double q[3];
	stats_quantiles(x, n, probs, 3, q);
	/* locations are reported with the column's shift added back */
	mean += shift;
	lo += shift;
	hi += shift;
	for (int k = 0; k < 3; k++)
		q[k] += shift;
	stats_d(r, off + C_MEAN, mean);
	stats_d(r, off + C_SD, sd);
	stats_d(r, off + C_SE, se);
	stats_d(r, off + C_CILO, mean - t * se);
	stats_d(r, off + C_CIHI, mean + t * se);
	stats_d(r, off + C_MIN, lo);
	stats_d(r, off + C_Q25, q[0]);
	stats_d(r, off + C_MED, q[1]);
	stats_d(r, off + C_Q75, q[2]);
	stats_d(r, off + C_MAX, hi);
	stats_d(r, off + C_SKEW, skew);
	stats_d(r, off + C_KURT, kurt);
}

/* The rows of variable v per level of the BY factor, in level order,
 * then for the rows whose group is NULL (if any). */
static void
describe_groups(struct stats_result *r, const struct stats_data *d, int v, const struct describe_opt *o, double *buf)
{
	const struct stats_column *x = &d->col[v], *g = &d->col[o->by];
	int64_t *miss = xcalloc((size_t)g->nlevels + 1, sizeof *miss);   /* [level + 1] */
	int64_t *rows = xcalloc((size_t)g->nlevels + 1, sizeof *rows);
	for (int64_t i = 0; i < d->n; i++) {
		rows[g->level[i] + 1]++;
		if (isnan(x->x[i]))
			miss[g->level[i] + 1]++;
	}
	struct stats_groups gs;
	stats_groups_split(d, v, o->by, &gs);
	for (int l = 0, k = 0; l < g->nlevels; l++) {
		stats_s(r, 0, g->labels[l]);
		stats_s(r, 1 + C_VAR, x->name);
		bool has = k < gs.k && strcmp(gs.label[k], g->labels[l]) == 0;
		int64_t n = has ? gs.n[k] : 0;
		if (has)
			memcpy(buf, gs.x + gs.start[k++], sizeof *buf * (size_t)n);
		describe_row(r, 1, buf, n, miss[l + 1], o->conf, x->shift);
		stats_row(r);
	}
	if (rows[0] > 0) {
		int64_t n = 0;
		for (int64_t i = 0; i < d->n; i++)
			if (g->level[i] < 0 && !isnan(x->x[i]))
				buf[n++] = x->x[i];
		stats_null(r, 0);
		stats_s(r, 1 + C_VAR, x->name);
		describe_row(r, 1, buf, n, miss[0], o->conf, x->shift);
		stats_row(r);
	}
	stats_groups_free(&gs);
	free(rows);
	free(miss);
}

static int
describe_run(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	(void)err;
	const struct describe_opt *o = st->opt;
	static const char *const base[NCOLS] = {"variable", "n", "missing", "mean", "sd", "se", "ci_low", "ci_high",
		"min", "q25", "median", "q75", "max", "skewness", "kurtosis"};
	const char *names[NCOLS + 1];
	wb_type types[NCOLS + 1];
	int off = o->by >= 0;
	if (off) {
		names[0] = d->col[o->by].name;
		types[0] = WB_TYPE_VARCHAR;
	}
	for (int c = 0; c < NCOLS; c++) {
		names[off + c] = base[c];
		types[off + c] = c == C_VAR ? WB_TYPE_VARCHAR : c == C_N || c == C_MISSING ? WB_TYPE_BIGINT : WB_TYPE_DOUBLE;
	}
	stats_result_init(r, NCOLS + off, names, types);
	stats_title(r, "Descriptive statistics (%g%% confidence interval of the mean)", 100 * o->conf);
	double *buf = xmalloc(sizeof *buf * (size_t)(d->n ? d->n : 1));
	for (int v = 0; v < st->nvars; v++) {
		if (v == o->by)
			continue;
		const struct stats_column *x = &d->col[v];
		if (off) {
			describe_groups(r, d, v, o, buf);
			continue;
		}
		int64_t n = 0;
		for (int64_t i = 0; i < d->n; i++)
			if (!isnan(x->x[i]))
				buf[n++] = x->x[i];
		stats_s(r, C_VAR, x->name);
		describe_row(r, 0, buf, n, d->n - n, o->conf, x->shift);
		stats_row(r);
	}
	free(buf);
	return 0;
}

static int
describe_parse(struct parser *p, void **data)
{
	struct stats_stmt *st = stats_stmt_new(p, describe_run, "DESCRIBE STATS");
	struct describe_opt *o = arena_zalloc(p->arena, sizeof *o);
	st->opt = o;
	*data = st;
	o->conf = 0.95;
	o->by = -1;
	if (stats_parse_vars(p, st, STATS_NUMERIC) < 0)
		return -1;
	for (;;) {
		if (parser_accept_word(p, "BY")) {
			if ((o->by = stats_parse_var(p, st, STATS_FACTOR)) < 0)
				return -1;
		} else if (parser_accept_word(p, "CONF")) {
			if (!stats_parse_number(p, "CONF", 0.5, 0.9999, &o->conf))
				return -1;
		} else {
			break;
		}
	}
	return stats_parse_from(p, st);
}

const struct stmt_ext stats_ext_describe = {
	.word = "DESCRIBE",
	.words2 = "STATS",
	.parse = describe_parse,
	.query = true,
	.usage = "DESCRIBE STATS x [, y ...] [BY g] [CONF 0.95] FROM source [WHERE cond]",
	.summary = "descriptive statistics per variable and group: n, mean, sd, CI, quartiles, skewness, kurtosis",
};
