/*
 * stats_ptukey: the studentized range distribution (Tukey's HSD), which
 * GSL lacks: the distribution of Q = range(Z_1 .. Z_k) / S for k
 * independent standard normals and S^2 an independent chi-squared with
 * df degrees of freedom divided by df (as R's ptukey and qtukey with
 * nranges = 1).
 */
#ifndef WB_STATS_PTUKEY_H
#define WB_STATS_PTUKEY_H

#include <stdbool.h>

/* P(Q <= q) (lower) or P(Q > q) for k >= 2 means and df > 0 degrees of
 * freedom (df = INFINITY: the range of k standard normals). Each tail is
 * integrated directly, so a small upper tail keeps its relative accuracy
 * (about 1e-11 relative, a few times that in tails below 1e-20, down to
 * 1e-280). NaN for bad arguments or if the integration fails. */
double stats_ptukey(double q, double k, double df, bool lower);

/* The q with P(Q <= q) = p, for 0 < p < 1, to about 1e-12 relative; NaN
 * for bad arguments. */
double stats_qtukey(double p, double k, double df);

#endif
