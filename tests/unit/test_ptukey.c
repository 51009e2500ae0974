/* Unit tests for stats/stats_ptukey.c: the studentized range distribution
 * against R 4.2.2 (tests/stats/ptukey.R) where R is accurate, and against
 * high-precision values (tests/stats/ptukey_ref.py: mpmath at 25 digits,
 * which fine trapezoid sums reproduce to 1e-13) where R is not. */
#include "tests/tap.h"

#include "stats/stats_ptukey.h"

#include <gsl/gsl_errno.h>
#include <math.h>

/* relative difference */
static double
rel(double got, double want)
{
	return fabs(got - want) / fabs(want);
}

int
main(void)
{
	gsl_set_error_handler_off();

	/* R 4.2.2: ptukey(q, k, df) and ptukey(..., lower.tail = FALSE). R's
	 * upper tail is 1 - its lower one, so it is compared absolutely. */
	static const double r_cases[][5] = {
		{3.5, 3, 20, 0.94410815091794065, 0.055891849082059353},
		{2, 5, 10, 0.36691773747042844, 0.63308226252957156},
		{4, 4, 100, 0.97154949383351541, 0.02845050616648459},
		{1, 2, 5, 0.48891591956964403, 0.51108408043035602},
		{8, 3, 2, 0.94600899972286745, 0.05399100027713255},
		{3, 3, INFINITY, 0.9144574283450424, 0.0855425716549576},
		{4.5, 6, 30, 0.96382241462627127, 0.036177585373728727},
	};
	for (size_t i = 0; i < sizeof r_cases / sizeof r_cases[0]; i++) {
		const double *c = r_cases[i];
		double lo = stats_ptukey(c[0], c[1], c[2], true), up = stats_ptukey(c[0], c[1], c[2], false);
		ok(rel(lo, c[3]) <= 1e-9, "ptukey(%g, %g, %g) = %.17g, R %.17g", c[0], c[1], c[2], lo, c[3]);
		ok(fabs(up - c[4]) <= 1e-10, "upper ptukey(%g, %g, %g) = %.17g, R %.17g", c[0], c[1], c[2], up, c[4]);
		ok(fabs(lo + up - 1) <= 1e-13, "the tails of (%g, %g, %g) add up to 1", c[0], c[1], c[2]);
	}

	/* Where R is not accurate: many means (R's ptukey differs by 3e-8 at
	 * k = 50 and 4e-6 relative at k = 100), small upper tails (R's are
	 * 1 - lower: 2.99e-12 for the exact 1.86e-12 below). */
	static const struct { double q, k, df; bool lower; double want; } hp[] = {
		{5, 50, 30, true, 0.69862060290441226},
		{3, 100, 5, true, 0.0287974856141058437},
		{20, 5, 10, false, 4.8266805977182340e-7},
		{10, 3, INFINITY, false, 4.6122265303587988265e-12},
		{10, 3, 1e7, false, 4.61252622647276881e-12},
		{14.621858477593006, 4, 43, false, 1.8555804383369814e-12},
		{9.6546200808333502, 4, 43, false, 1.3564076150080756e-07},
	};
	for (size_t i = 0; i < sizeof hp / sizeof hp[0]; i++) {
		double got = stats_ptukey(hp[i].q, hp[i].k, hp[i].df, hp[i].lower);
		ok(rel(got, hp[i].want) <= 1e-11, "%s ptukey(%g, %g, %g) = %.17g, want %.17g", hp[i].lower ? "lower" :
		    "upper", hp[i].q, hp[i].k, hp[i].df, got, hp[i].want);
	}

	/* For df >= 100 and q^2 <= 2 sqrt(2 df) the outer integral is Gauss-
	 * Hermite quadrature, else adaptive: the two agree across the switch to
	 * about 1e-11, the adaptive rule's accuracy (3e-11 in a tail of 4e-30) */
	static const double sw[][2] = {{100, 3}, {1000, 10}, {1e4, 20}};
	for (size_t i = 0; i < sizeof sw / sizeof sw[0]; i++) {
		double df = sw[i][0], k = sw[i][1], q = sqrt(2 * sqrt(2 * df));
		double in = stats_ptukey(q * (1 - 1e-13), k, df, false), out = stats_ptukey(q * (1 + 1e-13), k, df, false);
		ok(rel(in, out) <= 1e-10, "upper ptukey(%g, %g, %g) on either side of the switch: %.17g, %.17g", q, k, df,
		    in, out);
	}

	/* qtukey: against quantiles solved from R's ptukey by uniroot to 1e-15
	 * (R's qtukey itself is documented to 4 decimals), and round trips */
	static const double q_cases[][4] = {
		{0.95, 3, 20, 3.5779347252259641},
		{0.95, 5, 10, 4.6542929979212513},
		{0.9, 2, 5, 2.8497087384065294},
		{0.95, 3, 2, 8.3307826456548604},
		{0.99, 6, 30, 5.2418260488618742},
	};
	for (size_t i = 0; i < sizeof q_cases / sizeof q_cases[0]; i++) {
		const double *c = q_cases[i];
		double q = stats_qtukey(c[0], c[1], c[2]);
		ok(rel(q, c[3]) <= 1e-9, "qtukey(%g, %g, %g) = %.17g, want %.17g", c[0], c[1], c[2], q, c[3]);
		ok(fabs(stats_ptukey(q, c[1], c[2], false) - (1 - c[0])) <= 1e-13 * (1 - c[0]),
		    "ptukey(qtukey(%g, %g, %g)) = %g", c[0], c[1], c[2], c[0]);
	}
	static const double trips[][3] = {{0.5, 4, 12}, {0.01, 3, 5}, {0.999, 10, 1000}, {0.95, 30, 200}, {0.95, 3, 1}};
	for (size_t i = 0; i < sizeof trips / sizeof trips[0]; i++) {
		const double *c = trips[i];
		double q = stats_qtukey(c[0], c[1], c[2]);
		double back = c[0] > 0.5 ? 1 - stats_ptukey(q, c[1], c[2], false) : stats_ptukey(q, c[1], c[2], true);
		ok(rel(back, c[0]) <= 1e-12, "ptukey(qtukey(%g, %g, %g) = %.15g) = %.17g", c[0], c[1], c[2], q, back);
	}

	/* edges */
	ok(stats_ptukey(0, 3, 10, true) == 0 && stats_ptukey(-1, 3, 10, false) == 1, "q <= 0");
	ok(stats_ptukey(INFINITY, 3, 10, true) == 1 && stats_ptukey(INFINITY, 3, 10, false) == 0, "q = Inf");
	ok(isnan(stats_ptukey(NAN, 3, 10, true)), "q NaN");
	ok(isnan(stats_ptukey(2, 1, 10, true)) && isnan(stats_ptukey(2, 3, 0, true)), "k < 2, df <= 0: NaN");
	ok(isnan(stats_qtukey(0, 3, 10)) && isnan(stats_qtukey(1, 3, 10)) && isnan(stats_qtukey(0.5, 1, 10)),
	    "qtukey outside (0, 1) or k < 2: NaN");
	return done_testing();
}
