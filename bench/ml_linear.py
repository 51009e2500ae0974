#!/usr/bin/python3
"""Training time of logistic_reg / linear_reg against scikit-learn on the
same synthetic table (not part of make check).

    make bench/ml_linear_bench && /usr/bin/python3 bench/ml_linear.py [ROWS [FEATURES]]

Defaults: 1000000 rows, 20 features (standard normal, pairwise correlated
0.3, like standardized features), labels from a logistic model. The table
is cached in bench/out. scikit-learn 1.2.1 runs LogisticRegression() (lbfgs,
C = 1, its defaults: tol 1e-4, max_iter 100) and with tol 1e-8; wb runs
logistic_reg with l2_reg = 1 (the same objective) with strategy auto (IRLS)
and lbfgs. Best of 3 each, wall clock and CPU time (all threads: on a
busy machine the CPU time is the steadier measure); the coefficients'
largest difference from wb's IRLS fit is printed too. WB_THREADS sets wb's
threads; numpy's BLAS uses its own (OPENBLAS_NUM_THREADS).
"""
import os
import subprocess
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression, LogisticRegression

here = os.path.dirname(os.path.abspath(__file__))
rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
p = int(sys.argv[2]) if len(sys.argv) > 2 else 20
out = os.path.join(here, "out")
os.makedirs(out, exist_ok=True)
path = os.path.join(out, "ml_linear_%dx%d.bin" % (rows, p))

rng = np.random.default_rng(42)
common = rng.standard_normal(rows)
x = np.sqrt(0.7) * rng.standard_normal((p, rows)) + np.sqrt(0.3) * common   # column-major as wb wants
beta = rng.uniform(-0.5, 0.5, p)
eta = 0.3 + beta @ x
y_bin = (rng.uniform(size=rows) < 1 / (1 + np.exp(-eta))).astype(float)
y_reg = 1 + beta @ x + rng.standard_normal(rows)
if not os.path.exists(path):
    with open(path, "wb") as f:
        np.array([rows, p], dtype="<i8").tofile(f)
        x.astype("<f8").tofile(f)
        y_reg.astype("<f8").tofile(f)
        y_bin.astype("<f8").tofile(f)
X = np.ascontiguousarray(x.T)   # sklearn's usual row-major layout


def best_of(fn, reps=3):
    t, c = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        r = fn()
        t.append(time.perf_counter() - t0)
        c.append(time.process_time() - c0)
    return (min(t), min(c)), r


def wb(kind, strategy, l2):
    exe = os.path.join(here, "ml_linear_bench")
    res = subprocess.run([exe, path, kind, strategy, str(l2), "3"], check=True, capture_output=True,
                         text=True).stdout
    d = {}
    for line in res.splitlines():
        k, _, v = line.partition(" ")
        d.setdefault(k, []).append(v)
    coef = np.array([float(v) for v in d["coef"][0].split()])
    return (float(d["train_s"][0]), float(d["train_cpu_s"][0])), coef, d.get("note", []), int(d["steps"][0])


print("%d rows x %d features; scikit-learn %s, numpy %s" % (rows, p, sklearn.__version__, np.__version__))
print("\nlogistic regression, l2 = 1 (C = 1)")
fits = {}
for name, kw in (("sklearn lbfgs (defaults)", {}), ("sklearn lbfgs tol=1e-8", dict(tol=1e-8, max_iter=1000))):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t, m = best_of(lambda: LogisticRegression(**kw).fit(X, y_bin))
    fits[name] = (t, np.concatenate([m.intercept_, m.coef_[0]]), "%d iterations" % m.n_iter_[0])
for strategy in ("auto", "lbfgs"):
    t, c, notes, steps = wb("logistic_reg", strategy, 1)
    fits["wb logistic_reg " + strategy] = (t, c, "; ".join(notes))
ref = fits["wb logistic_reg auto"][1]
print("  %-28s %8s %8s" % ("", "wall s", "cpu s"))
for name, (t, c, info) in fits.items():
    print("  %-28s %8.3f %8.3f   max |coef - wb auto| %.1e   %s" % (name, t[0], t[1], np.max(np.abs(c - ref)), info))

print("\nlinear regression (OLS)")
t, m = best_of(lambda: LinearRegression().fit(X, y_reg))
c_sk = np.concatenate([[m.intercept_], m.coef_])
print("  %-28s %8.3f %8.3f" % ("sklearn LinearRegression", t[0], t[1]))
t, c, notes, steps = wb("linear_reg", "auto", 0)
print("  %-28s %8.3f %8.3f   max |coef - sklearn| %.1e" % ("wb linear_reg (qr)", t[0], t[1], np.max(np.abs(c - c_sk))))
