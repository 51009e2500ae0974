# High-precision values of the studentized range distribution, for
# tests/unit/test_ptukey.c and the small Tukey p-values of
# tests/sql/stats_anova.slt, where R's ptukey is not accurate (many means;
# small upper tails, which R computes as 1 - lower).
#   python3 tests/stats/ptukey_ref.py q,k,df,l|u ...    (mpmath 1.3.0)
# P(Q <= q) = int g(s) P(W <= q s) ds with g the density of
# sqrt(chi2_df / df) and W the range of k standard normals:
#   P(W <= w) = k int phi(z) (Phi(z) - Phi(z - w))^(k-1) dz
#   P(W >  w) = k int phi(z) (Phi(z)^(k-1) - (Phi(z) - Phi(z - w))^(k-1)) dz
# in 25-digit arithmetic, by tanh-sinh quadrature over many subintervals
# (few subintervals miss narrow peaks: use enough). df = inf: the range.
# mpmath's quadrature stops at an absolute error near 10^-dps, so values
# far below 1e-15 need more digits (mp.dps) than used here. Several minutes
# per value.
from mpmath import mp, mpf, quad, npdf, ncdf, log, loggamma, sqrt, exp, linspace, inf
import sys

mp.dps = 25


def inner(w, k, upper):
    m = k - 1
    if upper:
        f = lambda z: k * npdf(z) * (ncdf(z) ** m - (ncdf(z) - ncdf(z - w)) ** m)
    else:
        f = lambda z: k * npdf(z) * (ncdf(z) - ncdf(z - w)) ** m
    hi = max(mpf(12), w / 2 + 12)
    return quad(f, linspace(-12, hi, 49))


def ptukey(q, k, df, upper):
    if df == inf:
        return inner(q, k, upper)
    logc = log(2) + (df / 2) * log(df / 2) - loggamma(df / 2)
    g = lambda s: exp(logc + (df - 1) * log(s) - df * s * s / 2)
    mode, sd = sqrt((df - 1) / df), 1 / sqrt(2 * df)
    lo, hi = max(mpf(0), mode - 30 * sd), mode + 30 * sd
    return quad(lambda s: g(s) * inner(q * s, k, upper), linspace(lo, hi, 13))


for a in sys.argv[1:]:
    q, k, df, tail = a.split(",")
    df = inf if df == "inf" else mpf(df)
    print(a, mp.nstr(ptukey(mpf(q), int(k), df, tail == "u"), 20), flush=True)
