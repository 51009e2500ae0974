/*
 * CHISQ a BY b [CORRECT] FROM source
 * CHISQ a [PROPORTIONS (p1, p2, ...)] FROM source
 *
 * Pearson's chi-square test of independence of two factors, as R's
 * chisq.test(table(a, b)), or of goodness of fit of one factor's counts to
 * given proportions (uniform without PROPORTIONS), as chisq.test(table(a),
 * p = ...). One row: statistic, df, p_value, n, cramers_v, min_expected,
 * method.
 *
 * Yates' continuity correction is applied on request (CORRECT) and only to
 * 2 x 2 tables - R corrects 2 x 2 tables by default; wb does not, so the
 * plain statistic is what one gets without asking. Cramer's V is
 * sqrt(X2 / (n (min(r, c) - 1))) from the uncorrected statistic (NULL for
 * goodness of fit). Levels that do not occur (after WHERE and the other
 * variable's NULLs) are not part of the table: a zero margin would make
 * the statistic NaN, as it does in R.
 */
#include "stats/stats.h"
#include "stats/stats_ctab.h"
#include "core/xmalloc.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

struct chisq_opt {
	int by;          /* BY's variable index, or -1 */
	bool correct;
	double *prop;    /* PROPORTIONS, or NULL */
	int nprop;
	int prop_pos;
};

enum { C_STAT, C_DF, C_P, C_N, C_V, C_MINE, C_METHOD, NCOLS };

static void
chisq_result_init(struct stats_result *r)
{
	static const char *const names[NCOLS] = {"statistic", "df", "p_value", "n", "cramers_v", "min_expected",
		"method"};
	static const wb_type types[NCOLS] = {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_BIGINT,
		WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_VARCHAR};
	stats_result_init(r, NCOLS, names, types);
	r->stars_col = C_P;
}

/* The warning R gives, with how many cells are concerned. */
static void
small_expected_note(struct stats_result *r, int below5, int cells)
{
	if (below5 > 0)
		stats_note(r, "Chi-squared approximation may be incorrect: %d of %d expected counts below 5", below5,
		    cells);
}

/* Test of independence of a (rows) and b (columns). */
static int
chisq_independence(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r,
    struct wb_error *err)
{
	const struct chisq_opt *o = st->opt;
	const struct stats_column *a = &d->col[0], *b = &d->col[o->by];
	struct stats_ctab t;
	if (stats_ctab_build(d, 0, o->by, "CHISQ", &t, err) < 0)
		return -1;
	if (t.n == 0) {
		err_set(err, st->pos, "CHISQ: no rows where both %s and %s are not NULL", a->name, b->name);
		err_hint(err, "check the source, WHERE and the variables' NULLs");
		stats_ctab_free(&t);
		return -1;
	}
	if (t.r < 2 || t.c < 2) {
		const struct stats_column *one = t.r < 2 ? a : b;
		err_set(err, st->vars[t.r < 2 ? 0 : o->by].pos,
		    "CHISQ: %s has %d level%s where %s is not NULL; a test of independence needs at least 2 of each",
		    one->name, t.r < 2 ? t.r : t.c, (t.r < 2 ? t.r : t.c) == 1 ? "" : "s", one == a ? b->name : a->name);
		err_hint(err, "to test one variable's counts against proportions: CHISQ %s PROPORTIONS (...) FROM ...",
		    a->name);
		stats_ctab_free(&t);
		return -1;
	}
	size_t cells = (size_t)t.r * (size_t)t.c;
	double *e = xmalloc(sizeof *e * cells);
	int below5;
	double mine = stats_ctab_expected(&t, e, &below5);
	bool two = t.r == 2 && t.c == 2;
	/* R's correction: the smallest |o - e| capped at 0.5 (all four are
	 * equal in a 2 x 2 table), and none when o = e exactly */
	double yates = 0;
	if (o->correct && two) {
		yates = 0.5;
		for (size_t i = 0; i < cells; i++)
			if (fabs(t.obs[i] - e[i]) < yates)
				yates = fabs(t.obs[i] - e[i]);
	}
	double x2 = 0, x2plain = 0;
	for (size_t i = 0; i < cells; i++) {
		double dv = fabs(t.obs[i] - e[i]), dc = dv - yates;
		x2 += dc * dc / e[i];
		x2plain += dv * dv / e[i];
	}
	double df = (double)(t.r - 1) * (double)(t.c - 1);
	double p = gsl_cdf_chisq_Q(x2, df);
	int k = t.r < t.c ? t.r : t.c;
	const char *method = yates > 0 ? "Pearson's Chi-squared test with Yates' continuity correction"
	                               : "Pearson's Chi-squared test";
	chisq_result_init(r);
	stats_title(r, "%s: %s by %s", method, a->name, b->name);
	stats_d(r, C_STAT, x2);
	stats_d(r, C_DF, df);
	stats_d(r, C_P, p);
	stats_i(r, C_N, (int64_t)t.n);
	stats_d(r, C_V, sqrt(x2plain / (t.n * (double)(k - 1))));
	stats_d(r, C_MINE, mine);
	stats_s(r, C_METHOD, method);
	stats_row(r);
	struct strbuf head;
	sb_init(&head);
	sb_printf(&head, "Observed (expected) counts, %s (rows) by %s (columns)", a->name, b->name);
	stats_ctab_note(r, &t, e, sb_str(&head));
	sb_free(&head);
	small_expected_note(r, below5, (int)cells);
	if (o->correct && !two)
		stats_note(r, "CORRECT not applied: Yates' continuity correction is for 2 x 2 tables only");
	if (t.dropped > 0)
		stats_note(r, "%lld row%s with a NULL %s or %s left out", (long long)t.dropped, t.dropped == 1 ? "" : "s",
		    a->name, b->name);
	free(e);
	stats_ctab_free(&t);
	return 0;
}

/* Goodness of fit of a's counts to PROPORTIONS (or to equal ones). */
static int
chisq_fit(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct chisq_opt *o = st->opt;
	const struct stats_column *a = &d->col[0];
	int k = a->nlevels;   /* every level occurs: there is no other variable */
	if (o->prop != NULL && k != o->nprop) {
		err_set(err, o->prop_pos, "CHISQ: %s has %d level%s but PROPORTIONS gives %d", a->name, k,
		    k == 1 ? "" : "s", o->nprop);
		err_hint(err, "give one proportion per level of %s, in value order (levels with no rows cannot be "
		    "counted: leave them out and rescale)", a->name);
		return -1;
	}
	if (k < 2) {
		err_set(err, st->vars[0].pos, "CHISQ: %s has %d level%s; a goodness-of-fit test needs at least 2",
		    a->name, k, k == 1 ? "" : "s");
		err_hint(err, "check WHERE and the NULLs of %s", a->name);
		return -1;
	}
	double *obs = xcalloc((size_t)k, sizeof *obs), *p = xmalloc(sizeof *p * (size_t)k);
	double *e = xmalloc(sizeof *e * (size_t)k);
	int64_t n = 0;
	for (int64_t i = 0; i < d->n; i++)
		if (a->level[i] >= 0) {
			obs[a->level[i]] += 1;
			n++;
		}
	for (int i = 0; i < k; i++)
		p[i] = o->prop != NULL ? o->prop[i] : 1.0 / k;
	double x2 = stats_chisq_gof(obs, p, k, e);
	double mine = INFINITY;
	int below5 = 0;
	for (int i = 0; i < k; i++) {
		if (e[i] < mine)
			mine = e[i];
		below5 += e[i] < 5;
	}
	const char *method = "Chi-squared test for given probabilities";
	chisq_result_init(r);
	stats_title(r, "%s: %s%s", method, a->name, o->prop != NULL ? "" : " (equal probabilities)");
	stats_d(r, C_STAT, x2);
	stats_d(r, C_DF, (double)(k - 1));
	stats_d(r, C_P, gsl_cdf_chisq_Q(x2, (double)(k - 1)));
	stats_i(r, C_N, n);
	stats_null(r, C_V);
	stats_d(r, C_MINE, mine);
	stats_s(r, C_METHOD, method);
	stats_row(r);
	/* the counts as a one-column table: one row per level */
	const char *clab = "observed (expected)";
	struct stats_ctab t = {.r = k, .c = 1, .rlab = (const char **)a->labels, .clab = &clab, .obs = obs,
		.n = (double)n};
	stats_ctab_note(r, &t, e, "Counts");
	small_expected_note(r, below5, k);
	if (d->n > n)
		stats_note(r, "%lld row%s with a NULL %s left out", (long long)(d->n - n), d->n - n == 1 ? "" : "s",
		    a->name);
	free(obs);
	free(p);
	free(e);
	return 0;
}

static int
chisq_run(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct chisq_opt *o = st->opt;
	if (d->n == 0) {
		err_set(err, st->pos, "CHISQ: the source has no rows");
		err_hint(err, "check the source and WHERE");
		return -1;
	}
	return o->by >= 0 ? chisq_independence(st, d, r, err) : chisq_fit(st, d, r, err);
}

/* PROPORTIONS (p1, p2, ...): each in (0, 1], summing to 1 within 1e-9. */
static int
parse_proportions(struct parser *p, struct chisq_opt *o)
{
	o->prop_pos = parser_peek(p, 0)->pos;
	if (!parser_expect_op(p, "("))
		return -1;
	int cap = 8;
	o->prop = arena_alloc(p->arena, sizeof *o->prop * (size_t)cap);
	double sum = 0;
	do {
		if (o->nprop == cap) {
			double *v = arena_alloc(p->arena, sizeof *v * (size_t)cap * 2);
			for (int i = 0; i < o->nprop; i++)
				v[i] = o->prop[i];
			o->prop = v;
			cap *= 2;
		}
		int pos = parser_peek(p, 0)->pos;
		double v;
		if (!parser_number(p, &v))
			return -1;
		if (!(v > 0 && v <= 1)) {
			err_set(p->err, pos, "CHISQ: a proportion must be above 0 and at most 1, not %g", v);
			return -1;
		}
		o->prop[o->nprop++] = v;
		sum += v;
	} while (parser_accept_op(p, ","));
	if (!parser_expect_op(p, ")"))
		return -1;
	if (fabs(sum - 1) > 1e-9) {
		err_set(p->err, o->prop_pos, "CHISQ: PROPORTIONS sum to %.12g, not 1", sum);
		err_hint(p->err, "give proportions that sum to 1, one per level of the variable in value order");
		return -1;
	}
	return 0;
}

static int
chisq_parse(struct parser *p, void **data)
{
	struct stats_stmt *st = stats_stmt_new(p, chisq_run, "CHISQ");
	struct chisq_opt *o = arena_zalloc(p->arena, sizeof *o);
	st->opt = o;
	*data = st;
	o->by = -1;
	if (stats_parse_var(p, st, STATS_FACTOR) < 0)
		return -1;
	int correct_pos = -1;
	for (;;) {
		if (parser_accept_word(p, "BY")) {
			if ((o->by = stats_parse_var(p, st, STATS_FACTOR)) < 0)
				return -1;
		} else if (parser_accept_word(p, "CORRECT")) {
			o->correct = true;
			correct_pos = p->toks[p->cur - 1].pos;
		} else if (parser_accept_word(p, "PROPORTIONS")) {
			if (parse_proportions(p, o) < 0)
				return -1;
		} else {
			break;
		}
	}
	if (o->by >= 0 && o->prop != NULL) {
		err_set(p->err, o->prop_pos, "CHISQ: PROPORTIONS is for one variable's counts, not with BY");
		err_hint(p->err, "CHISQ a BY b tests independence; CHISQ a PROPORTIONS (...) tests goodness of fit");
		return -1;
	}
	if (o->correct && o->by < 0) {
		err_set(p->err, correct_pos, "CHISQ: CORRECT (Yates' continuity correction) is for CHISQ a BY b");
		err_hint(p->err, "leave CORRECT out of a goodness-of-fit test");
		return -1;
	}
	return stats_parse_from(p, st);
}

const struct stmt_ext stats_ext_chisq = {
	.word = "CHISQ",
	.parse = chisq_parse,
	.query = true,
	.usage = "CHISQ a BY b [CORRECT] FROM source [WHERE cond] | CHISQ a [PROPORTIONS (p1, p2, ...)] FROM source",
	.summary = "chi-square test of independence (contingency table, Cramer's V) or of goodness of fit",
};
