#!/usr/bin/python3
"""ml_tree.py: the random forest benchmark's data and sklearn's side of it.

Generates N training rows and N/5 test rows of P features with a non-linear
binary signal (seeded, so every run sees the same data), writes them to
OUT for bench/ml_tree_bench (the C side), then trains sklearn's
RandomForestClassifier(n_estimators=TREES, max_depth=DEPTH, n_jobs=JOBS,
max_features='sqrt', bootstrap=True) on the same rows and prints its fit
time and test AUC.

    /usr/bin/python3 bench/ml_tree.py [--n 1000000] [--p 20] [--trees 100]
        [--depth 10] [--jobs 2] [--out /tmp/ml_tree_bench.bin] [--no-sklearn]
    make bench/ml_tree_bench && bench/ml_tree_bench /tmp/ml_tree_bench.bin

The file is little-endian: int64 n, int64 nt, int64 p, then the training
features column-major (p * n doubles), n labels (doubles 0/1), the test
features (p * nt) and nt labels. Needs scikit-learn (Debian's python3).
"""
import argparse
import time

import numpy as np


def make(n, p, rng):
    """Features: normal, uniform, a few integer-valued ones, noise; the
    label is Bernoulli(sigmoid(f)) with f non-linear in six of them."""
    x = np.empty((n, p))
    for j in range(p):
        if j % 5 == 3:
            x[:, j] = rng.integers(0, 6, n)          # few distinct values
        elif j % 2 == 0:
            x[:, j] = rng.normal(size=n)
        else:
            x[:, j] = rng.uniform(-2, 2, n)
    f = (1.5 * np.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2] + 1.2 * (x[:, 3] >= 3)
         - 0.6 * x[:, 4] ** 2 + 0.8 * x[:, 5] + 0.4)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-f))).astype(float)
    return x, y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000000)
    ap.add_argument("--p", type=int, default=20)
    ap.add_argument("--trees", type=int, default=100)
    ap.add_argument("--depth", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default="/tmp/ml_tree_bench.bin")
    ap.add_argument("--no-sklearn", action="store_true")
    a = ap.parse_args()
    rng = np.random.default_rng(20240601)
    x, y = make(a.n, a.p, rng)
    xt, yt = make(a.n // 5, a.p, rng)
    with open(a.out, "wb") as f:
        np.array([a.n, a.n // 5, a.p], dtype="<i8").tofile(f)
        np.asfortranarray(x).T.astype("<f8").tofile(f)   # column-major
        y.astype("<f8").tofile(f)
        np.asfortranarray(xt).T.astype("<f8").tofile(f)
        yt.astype("<f8").tofile(f)
    print(f"data: {a.n} x {a.p} train, {a.n // 5} test, positives {y.mean():.3f}, written to {a.out}")
    if a.no_sklearn:
        return
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import roc_auc_score
    import sklearn
    m = RandomForestClassifier(n_estimators=a.trees, max_depth=a.depth, n_jobs=a.jobs,
                               max_features="sqrt", bootstrap=True, random_state=0)
    t = time.perf_counter()
    m.fit(x, y)
    fit = time.perf_counter() - t
    t = time.perf_counter()
    pr = m.predict_proba(xt)[:, 1]
    pred = time.perf_counter() - t
    print(f"sklearn {sklearn.__version__} RandomForestClassifier(n_estimators={a.trees}, "
          f"max_depth={a.depth}, n_jobs={a.jobs}): fit {fit:.2f} s, predict {pred:.2f} s, "
          f"test AUC {roc_auc_score(yt, pr):.5f}")


if __name__ == "__main__":
    main()
