/*
 * POWER PROPORTION BASELINE p1 [MDE delta] [N n] [ALPHA 0.05] [POWER 0.8] [ALTERNATIVE two-sided|one-sided]
 * POWER MEAN SD s [EFFECT delta] [N n] [ALPHA 0.05] [POWER 0.8] [ALTERNATIVE two-sided|one-sided]
 *
 * Sample size, power or minimum detectable effect of a two-sample test,
 * as R's power.prop.test and power.t.test (R 4.2, type "two.sample",
 * strict = FALSE): given the effect, the n per group that reaches POWER;
 * given the effect and N, the power; given N alone, the smallest effect
 * that reaches POWER (R solves for p2 in [p1, 1], and for delta > 0).
 *
 *   proportions: power = Phi((sqrt(n) |p2 - p1| - z_(1-alpha/s)
 *                sqrt((p1 + p2) (1 - (p1 + p2) / 2))) / sqrt(p1 (1 - p1) +
 *                p2 (1 - p2))), p2 = p1 + MDE, s = 2 two-sided, 1 one-sided
 *   means:       power = P(T > t_(1-alpha/s), 2 (n - 1)) for T noncentral t
 *                with 2 (n - 1) df and ncp = sqrt(n / 2) delta / sd (|delta|
 *                when two-sided, as R)
 *
 * R counts, as here, only the upper tail when two-sided (strict = FALSE).
 * The unknown is solved by bisection of the monotone power function to
 * full precision (R's uniroot stops at tol = eps^0.25, about 1e-4: give it
 * tol = 1e-12 to compare). n is the exact solution; n_per_group its
 * ceiling, the sample to plan.
 */
#include "stats/stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

enum power_test { PW_PROPORTION, PW_MEAN };

struct power_opt {
	enum power_test test;
	double baseline, sd;     /* p1; the standard deviation */
	double effect, n, alpha, power;
	bool has_effect, has_n, has_power;
	enum stats_alt alt;      /* TWO_SIDED or ONE_SIDED */
};

enum { C_TEST, C_N, C_NGROUP, C_POWER, C_ALPHA, C_EFFECT, C_BASE, C_SD, C_ALT, NCOLS };

/* The power at n per group and effect e (the other settings from o). */
static double
power_at(const struct power_opt *o, double n, double e)
{
	double tside = o->alt == STATS_TWO_SIDED ? 2 : 1;
	if (o->test == PW_PROPORTION) {
		double p1 = o->baseline, p2 = p1 + e;
		double q = gsl_cdf_ugaussian_Qinv(o->alpha / tside);
		return gsl_cdf_ugaussian_P((sqrt(n) * fabs(p2 - p1) - q * sqrt((p1 + p2) * (1 - (p1 + p2) / 2))) /
		    sqrt(p1 * (1 - p1) + p2 * (1 - p2)));
	}
	double df = 2 * fmax(1e-7, n - 1);   /* as R, which lets n go below 2 while solving */
	/* R takes |delta| when two-sided only: one-sided, a negative delta
	 * is an effect the wrong way, of power below alpha */
	double delta = o->alt == STATS_TWO_SIDED ? fabs(e) : e;
	return stats_t_power(sqrt(n / 2) * delta / o->sd, df, o->alpha, o->alt, false);
}

/* The power as a function of the unknown: n (solve_n) or the effect. */
static double
power_of(const struct power_opt *o, bool solve_n, double v)
{
	return solve_n ? power_at(o, v, o->effect) : power_at(o, o->n, v);
}

/* Solve power_of(v) = o->power for v in [lo, hi], the power increasing
 * in v. The bracket moves down towards floor_ (not below) or up towards
 * ceil_ until it holds the root. false when no v there reaches it. */
static bool
solve(const struct power_opt *o, bool solve_n, double lo, double hi, double floor_, double ceil_, double *out)
{
	double target = o->power;
	for (int i = 0; i < 200 && power_of(o, solve_n, lo) > target; i++) {
		hi = lo;
		lo = floor_ + (lo - floor_) / 2;
	}
	for (int i = 0; i < 200 && power_of(o, solve_n, hi) < target; i++) {
		if (hi >= ceil_)
			return false;
		lo = hi;
		hi = fmin(2 * hi, ceil_);
	}
	if (!(power_of(o, solve_n, hi) >= target))
		return false;
	/* bisection: at most some 1100 halvings reach adjacent doubles */
	for (int i = 0; i < 2000; i++) {
		double mid = lo + (hi - lo) / 2;
		if (mid <= lo || mid >= hi)
			break;
		double p = power_of(o, solve_n, mid);
		if (isnan(p))
			return false;
		if (p < target)
			lo = mid;
		else
			hi = mid;
	}
	/* the nearer end */
	double plo = power_of(o, solve_n, lo), phi = power_of(o, solve_n, hi);
	*out = fabs(plo - target) < fabs(phi - target) ? lo : hi;
	return true;
}

static int
power_run(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	(void)d;
	struct power_opt o = *(const struct power_opt *)st->opt;
	static const char *const names[NCOLS] = {"test", "n", "n_per_group", "power", "alpha", "effect", "baseline",
		"sd", "alternative"};
	const wb_type types[NCOLS] = {WB_TYPE_VARCHAR, WB_TYPE_DOUBLE, WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE,
		WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_VARCHAR};
	stats_result_init(r, NCOLS, names, types);
	bool prop = o.test == PW_PROPORTION;
	const char *what = prop ? "MDE" : "EFFECT";
	if (!o.has_n) {
		double lo = prop ? 1 : 2, floor_ = prop ? 0 : 1;
		if (!solve(&o, true, lo, 1e7, floor_, 1e15, &o.n)) {
			err_set(err, st->pos, "POWER: no sample size reaches power %g with %s %g", o.power, what, o.effect);
			err_hint(err, "the effect is too small to detect: give a larger %s", what);
			return -1;
		}
	} else if (!o.has_effect) {
		bool ok;
		if (prop) {
			/* p2 in [p1, 1], as R; the effect is p2 - p1 */
			ok = solve(&o, false, 0, 1 - o.baseline, 0, 1 - o.baseline, &o.effect);
		} else {
			ok = solve(&o, false, o.sd * 1e-7, o.sd * 1e7, 0, o.sd * 1e15, &o.effect);
		}
		if (!ok) {
			err_set(err, st->pos, "POWER: no %s reaches power %g with N %g per group", prop ?
			    "p2 in [BASELINE, 1]" : "effect", o.power, o.n);
			err_hint(err, "give a larger N, or ask for less POWER");
			return -1;
		}
	} else {
		o.power = power_at(&o, o.n, o.effect);
	}
	stats_s(r, C_TEST, prop ? "proportion" : "mean");
	stats_d(r, C_N, o.n);
	double up = ceil(o.n);
	stats_i(r, C_NGROUP, (int64_t)up);
	stats_d(r, C_POWER, o.power);
	stats_d(r, C_ALPHA, o.alpha);
	stats_d(r, C_EFFECT, o.effect);
	if (prop) {
		stats_d(r, C_BASE, o.baseline);
		stats_null(r, C_SD);
	} else {
		stats_null(r, C_BASE);
		stats_d(r, C_SD, o.sd);
	}
	stats_s(r, C_ALT, stats_alt_name(o.alt));
	stats_row(r);
	if (prop) {
		stats_title(r, "Two-sample comparison of proportions power calculation");
		stats_note(r, "p1 = %.6g, p2 = %.6g (effect = p2 - p1)", o.baseline, o.baseline + o.effect);
	} else {
		stats_title(r, "Two-sample t test power calculation");
		stats_note(r, "delta = %.6g, sd = %.6g (d = %.4g)", o.effect, o.sd, o.effect / o.sd);
	}
	stats_note(r, "n is number in *each* group; %lld per group, %lld in all", (long long)up, 2 * (long long)up);
	return 0;
}

static int
power_parse(struct parser *p, void **data)
{
	struct stats_stmt *st = stats_stmt_new(p, power_run, "POWER");
	struct power_opt *o = arena_zalloc(p->arena, sizeof *o);
	st->opt = o;
	st->no_source = true;
	*data = st;
	o->alpha = 0.05;
	o->power = 0.8;
	o->alt = STATS_TWO_SIDED;
	if (parser_accept_word(p, "PROPORTION"))
		o->test = PW_PROPORTION;
	else if (parser_accept_word(p, "MEAN"))
		o->test = PW_MEAN;
	else
		return parser_syntax_error(p, "PROPORTION or MEAN");
	bool prop = o->test == PW_PROPORTION, has_base = false, has_sd = false;
	int effect_pos = -1;
	for (;;) {
		if (prop && parser_accept_word(p, "BASELINE")) {
			if (!stats_parse_number(p, "BASELINE", 1e-12, 1 - 1e-12, &o->baseline))
				return -1;
			has_base = true;
		} else if (!prop && parser_accept_word(p, "SD")) {
			if (!stats_parse_number(p, "SD", 1e-300, 1e300, &o->sd))
				return -1;
			has_sd = true;
		} else if (parser_accept_word(p, "MDE") || parser_accept_word(p, "EFFECT")) {
			effect_pos = parser_peek(p, 0)->pos;
			if (!stats_parse_number(p, prop ? "MDE" : "EFFECT", prop ? -1 : -1e300, prop ? 1 : 1e300, &o->effect))
				return -1;
			o->has_effect = true;
		} else if (parser_accept_word(p, "N")) {
			if (!stats_parse_number(p, "N", prop ? 1 : 2, 1e15, &o->n))
				return -1;
			o->has_n = true;
		} else if (parser_accept_word(p, "ALPHA")) {
			if (!stats_parse_number(p, "ALPHA", 1e-10, 0.5, &o->alpha))
				return -1;
		} else if (parser_accept_word(p, "POWER")) {
			if (!stats_parse_number(p, "POWER", 0.01, 0.999999, &o->power))
				return -1;
			o->has_power = true;
		} else if (parser_accept_word(p, "ALTERNATIVE")) {
			if (!stats_parse_alternative(p, true, &o->alt))
				return -1;
		} else {
			break;
		}
	}
	/* no FROM: the statement ends here (or at ")" inside a query) */
	const struct token *t = parser_peek(p, 0);
	if (!parser_at_end(p) && !(t->type == TOK_OP && t->len == 1 && t->text[0] == ')'))
		return parser_syntax_error(p, prop ? "BASELINE, MDE, N, ALPHA, POWER, ALTERNATIVE or the end" :
		    "SD, EFFECT, N, ALPHA, POWER, ALTERNATIVE or the end");
	if (prop && !has_base) {
		err_set(p->err, st->pos, "POWER PROPORTION needs BASELINE p1, the control's rate (0.03 for 3%%)");
		return -1;
	}
	if (!prop && !has_sd) {
		err_set(p->err, st->pos, "POWER MEAN needs SD s, the standard deviation of the metric");
		return -1;
	}
	const char *what = prop ? "MDE" : "EFFECT";
	if (!o->has_n && !o->has_effect) {
		err_set(p->err, st->pos, "POWER %s needs %s (to find n) or N (to find the %s)", prop ? "PROPORTION" : "MEAN",
		    what, prop ? "MDE" : "detectable effect");
		return -1;
	}
	if (o->has_n && o->has_effect && o->has_power) {
		err_set(p->err, st->pos, "POWER: N, %s and POWER are all given; leave out the one to compute", what);
		return -1;
	}
	if (o->has_effect && (o->effect == 0 || (prop && !(o->baseline + o->effect > 0 && o->baseline + o->effect < 1)))) {
		if (o->effect == 0)
			err_set(p->err, effect_pos, "%s must not be 0: there is no effect to detect", what);
		else
			err_set(p->err, effect_pos, "BASELINE + MDE must be a rate between 0 and 1, not %g",
			    o->baseline + o->effect);
		return -1;
	}
	return 0;
}

const struct stmt_ext stats_ext_power = {
	.word = "POWER",
	.parse = power_parse,
	.query = true,
	.usage = "POWER PROPORTION BASELINE p1 {MDE d | N n} [ALPHA 0.05] [POWER 0.8] [ALTERNATIVE two-sided|one-sided];"
		 " POWER MEAN SD s {EFFECT d | N n} ...",
	.summary = "sample size per group, power or minimum detectable effect of a two-sample proportion or mean test",
};
