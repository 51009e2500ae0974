# Exact one-way ANOVA of the NIST StRD sets as a program reading them as
# DOUBLE sees them: every value parsed to the nearest double, then the sums
# of squares computed in exact rational arithmetic (Python's fractions).
# These are the expected values of the "as doubles" cases of
# tests/sql/stats_nist_anova.slt for SmLs07-09, whose 13 constant leading
# digits leave a double only 2-3 digits of the 0.1-sized differences: the
# rounding of the input alone limits any double-precision program to an
# LRE of about 4 against NIST's certified values (the statement's algorithm
# then loses nothing more, which is what these values test).
#   python3 tests/stats/nist_anova_doubles.py [../shared/data/nist]
import csv
import math
import sys
from fractions import Fraction as F

nist = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/nist"
for name in ["SmLs07", "SmLs08", "SmLs09"]:
    groups = {}
    with open(f"{nist}/{name}.csv") as f:
        for g, y in list(csv.reader(f))[1:]:
            groups.setdefault(g, []).append(F(float(y)))
    vals = [v for vs in groups.values() for v in vs]
    n, k = len(vals), len(groups)
    grand = sum(vals) / n
    ssb = sum(len(vs) * (sum(vs) / len(vs) - grand) ** 2 for vs in groups.values())
    ssw = sum(sum((v - sum(vs) / len(vs)) ** 2 for v in vs) for vs in groups.values())
    msb, msw = ssb / (k - 1), ssw / (n - k)
    out = {"between_ss": ssb, "between_ms": msb, "f": msb / msw, "within_ss": ssw, "within_ms": msw,
           "r_squared": ssb / (ssb + ssw)}
    print(name, " ".join(f"{key}={float(v)!r}" for key, v in out.items()),
          f"residual_sd={math.sqrt(float(msw))!r}")
