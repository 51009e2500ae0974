#!/usr/bin/python3
"""Reference values for tests/unit/test_ml_linear.c (linear_reg, logistic_reg).

Made with scikit-learn 1.2.1, numpy 1.24.2, scipy 1.10.1 (Debian's python)
and R 4.2.2 (tests/ml/linear_ref.R, for lm/glm standard errors). Rerun from
the source tree with

    /usr/bin/python3 tests/ml/linear_ref.py

which rewrites tests/ml/linear_data.csv (the data set, generated from a
fixed seed and written with 17 digits so that C reads the same doubles) and
tests/ml/linear_ref.inc (the expected values, included by the test).

Objective mapping (see ml/ml_linear.c and ml/ml_logistic.c): Ridge(alpha)
is l2 = alpha; Lasso / ElasticNet(alpha, l1_ratio r) with weights w (all 1
without) is l1 = alpha r sum(w), l2 = alpha (1 - r) sum(w);
LogisticRegression(C) is l2 = 1/C, elasticnet l2 = (1-r)/C, l1 = r/C.

The solvers are run to tolerances far below the test's (1e-6 relative), and
the script prints each reference's optimality residual (the largest
gradient / subgradient component of the objective, relative to the
objective's scale) to show how good the reference itself is.
"""
import os
import subprocess
import sys
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import (ElasticNet, Lasso, LinearRegression,
                                  LogisticRegression, Ridge)

here = os.path.dirname(os.path.abspath(__file__))
N, P = 300, 5
NPROBA = 5   # rows whose predicted probabilities are recorded


def make_data():
    rng = np.random.RandomState(20240611)
    z = rng.normal(size=(N, P))
    x = np.empty((N, P))
    x[:, 0] = z[:, 0]
    x[:, 1] = 0.6 * z[:, 0] + 0.8 * z[:, 1]          # correlated with x1
    x[:, 2] = 2 + 3 * z[:, 2]                          # not standardized
    x[:, 3] = rng.uniform(-1, 1, N)
    x[:, 4] = rng.binomial(1, 0.3, N)                  # a 0/1 dummy
    w = np.round(rng.uniform(0.5, 2.0, N), 3)
    y_reg = 1.5 + x @ [1.0, -2.0, 0.5, 0.0, 0.8] + rng.normal(size=N)
    eta = -0.3 + x @ [0.8, -0.5, 0.2, 0.0, 0.6]
    y_bin = (rng.uniform(size=N) < 1 / (1 + np.exp(-eta))).astype(float)
    B = np.array([[0.0, 0.5, -0.4],
                  [0.0, 0.7, -0.3],
                  [0.0, -0.4, 0.6],
                  [0.0, 0.1, 0.2],
                  [0.0, 0.3, -0.5],
                  [0.0, -0.6, 0.4]])
    e = np.column_stack([np.ones(N), x]) @ B
    pr = np.exp(e - e.max(axis=1, keepdims=True))
    pr /= pr.sum(axis=1, keepdims=True)
    u = rng.uniform(size=N)
    y_multi = (u[:, None] > np.cumsum(pr, axis=1)).sum(axis=1).astype(float)
    return x, w, y_reg, y_bin, y_multi


def write_csv(path, x, w, y_reg, y_bin, y_multi):
    with open(path, "w") as f:
        f.write("x1,x2,x3,x4,x5,w,y_reg,y_bin,y_multi\n")
        for i in range(N):
            vals = list(x[i]) + [w[i], y_reg[i], y_bin[i], y_multi[i]]
            f.write(",".join(repr(float(v)) for v in vals) + "\n")


def read_csv(path):
    a = np.loadtxt(path, delimiter=",", skiprows=1)
    return a[:, :5], a[:, 5], a[:, 6], a[:, 7], a[:, 8]


def linear_kkt(x, y, sw, b0, b, l2, l1, intercept):
    """Largest |subgradient| of the linear objective, relative to sum w y^2."""
    r = y - b0 - x @ b
    g = -(x.T @ (sw * r)) + l2 * b
    res = []
    for j in range(len(b)):
        if b[j] != 0:
            res.append(abs(g[j] + l1 * np.sign(b[j])))
        else:
            res.append(max(abs(g[j]) - l1, 0))
    if intercept:
        res.append(abs(np.sum(sw * r)))
    return max(res) / np.sqrt(np.sum(sw * y * y) * len(y))


def logistic_kkt(x, y, sw, coef, l2, l1, intercept, K):
    """Largest |subgradient| of the logistic objective per unit weight."""
    xt = np.column_stack([np.ones(len(y)), x])
    if K == 2:
        mu = 1 / (1 + np.exp(-(xt @ coef[0])))
        R = (sw * (mu - y))[:, None]
    else:
        e = xt @ coef.T
        pr = np.exp(e - e.max(axis=1, keepdims=True))
        pr /= pr.sum(axis=1, keepdims=True)
        R = sw[:, None] * (pr - (y[:, None] == np.arange(K)))
    res = []
    for k in range(coef.shape[0]):
        g = xt.T @ R[:, k]
        for j in range(1, xt.shape[1]):
            bj = coef[k, j]
            gj = g[j] + l2 * bj
            res.append(abs(gj + l1 * np.sign(bj)) if bj != 0 else max(abs(gj) - l1, 0))
        if intercept:
            res.append(abs(g[0]))
    return max(res) / np.sum(sw)


def fmt(v):
    return "%.17g" % v


def carr(vals):
    return "{" + ", ".join(fmt(v) for v in vals) + "}"


def main():
    data = os.path.join(here, "linear_data.csv")
    write_csv(data, *make_data())
    x, w, y_reg, y_bin, y_multi = read_csv(data)   # exactly what C reads
    ones = np.ones(N)
    S = w.sum()
    lin, logi = [], []

    def add_lin(name, model, weighted, l2, l1):
        sw = w if weighted else ones
        model.fit(x, y_reg, sample_weight=sw)
        b0 = float(model.intercept_) if model.fit_intercept else 0.0
        b = np.asarray(model.coef_, dtype=float)
        kkt = linear_kkt(x, y_reg, sw, b0, b, l2, l1, model.fit_intercept)
        print("%-12s optimality residual %.2e" % (name, kkt), file=sys.stderr)
        lin.append((name, weighted, l2, l1, model.fit_intercept, [b0] + list(b)))

    add_lin("ols", LinearRegression(), False, 0, 0)
    add_lin("ols_w", LinearRegression(), True, 0, 0)
    add_lin("ols_noint", LinearRegression(fit_intercept=False), False, 0, 0)
    add_lin("ridge", Ridge(alpha=10), False, 10, 0)
    add_lin("ridge_w", Ridge(alpha=10), True, 10, 0)
    add_lin("lasso", Lasso(alpha=0.05, tol=1e-15, max_iter=10**6), False, 0, 0.05 * N)
    add_lin("enet_w", ElasticNet(alpha=0.1, l1_ratio=0.5, tol=1e-15, max_iter=10**6), True,
            0.1 * 0.5 * S, 0.1 * 0.5 * S)

    def add_log(name, model, y, weighted, l2, l1, K):
        sw = w if weighted else ones
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(x, y, sample_weight=sw)
        icpt = model.intercept_ if model.fit_intercept else np.zeros(model.coef_.shape[0])
        coef = np.column_stack([icpt, model.coef_])
        kkt = logistic_kkt(x, y, sw, coef, l2, l1, model.fit_intercept, K)
        print("%-12s optimality residual %.2e (%s, %d iterations)" % (name, kkt, model.solver,
              int(np.max(model.n_iter_))), file=sys.stderr)
        proba = model.predict_proba(x[:NPROBA]).ravel()
        logi.append((name, weighted, l2, l1, model.fit_intercept, K, coef.ravel(), proba))

    nc = dict(solver="newton-cholesky", tol=1e-15, max_iter=1000)
    add_log("logit_c1", LogisticRegression(C=1, **nc), y_bin, False, 1, 0, 2)
    add_log("logit_c01", LogisticRegression(C=0.1, **nc), y_bin, False, 10, 0, 2)
    add_log("logit_none", LogisticRegression(penalty=None, **nc), y_bin, False, 0, 0, 2)
    add_log("logit_none_w", LogisticRegression(penalty=None, **nc), y_bin, True, 0, 0, 2)
    add_log("logit_noint", LogisticRegression(C=1, fit_intercept=False, **nc), y_bin, False, 1, 0, 2)
    saga = dict(solver="saga", tol=1e-15, max_iter=10**6)
    add_log("logit_enet", LogisticRegression(penalty="elasticnet", C=0.5, l1_ratio=0.7, **saga), y_bin,
            False, 0.3 / 0.5, 0.7 / 0.5, 2)
    add_log("logit_l1_w", LogisticRegression(penalty="l1", C=0.2, **saga), y_bin, True, 0, 5, 2)
    ncg = dict(solver="newton-cg", tol=1e-15, max_iter=1000, multi_class="multinomial")
    add_log("multi_c1", LogisticRegression(C=1, **ncg), y_multi, False, 1, 0, 3)
    add_log("multi_none", LogisticRegression(penalty=None, **ncg), y_multi, False, 0, 0, 3)
    add_log("multi_c1_w", LogisticRegression(C=1, **ncg), y_multi, True, 1, 0, 3)

    # lm / glm standard errors from R, and the numpy formula for OLS
    rout = subprocess.run(["Rscript", os.path.join(here, "linear_ref.R"), data], check=True,
                          capture_output=True, text=True).stdout
    rvals = {}
    for line in rout.splitlines():
        f = line.split()
        rvals[(f[0], f[1])] = [float(v) for v in f[2:]]
    xt = np.column_stack([ones, x])
    beta = np.linalg.lstsq(xt, y_reg, rcond=None)[0]
    r = y_reg - xt @ beta
    se_np = np.sqrt(np.diag(r @ r / (N - P - 1) * np.linalg.inv(xt.T @ xt)))
    print("ols SE: numpy formula vs R lm, largest relative difference %.1e" %
          np.max(np.abs(se_np / rvals[("ols", "se")] - 1)), file=sys.stderr)
    for name in ("ols", "ols_w", "logit_none", "logit_none_w"):
        ref = [c for c in lin + logi if c[0] == name][0]
        coef = ref[5] if len(ref) == 6 else ref[6]
        print("%-12s sklearn vs R coefficients, largest difference %.1e" %
              (name, np.max(np.abs(np.asarray(coef) - rvals[(name, "coef")]))), file=sys.stderr)

    with open(os.path.join(here, "linear_ref.inc"), "w") as f:
        f.write("/* Generated by tests/ml/linear_ref.py (scikit-learn %s, R lm/glm via linear_ref.R);\n"
                " * do not edit. Rerun: /usr/bin/python3 tests/ml/linear_ref.py */\n" % sklearn.__version__)
        f.write("static const struct lin_ref lin_refs[] = {\n")
        for name, weighted, l2, l1, icpt, coef in lin:
            f.write('\t{"%s", %d, %s, %s, %d, %s},\n' % (name, weighted, fmt(l2), fmt(l1), icpt, carr(coef)))
        f.write("};\n\nstatic const struct log_ref log_refs[] = {\n")
        for name, weighted, l2, l1, icpt, K, coef, proba in logi:
            f.write('\t{"%s", %d, %s, %s, %d, %d,\n\t    %s,\n\t    %s},\n' % (name, weighted, fmt(l2), fmt(l1),
                    icpt, K, carr(coef), carr(proba)))
        f.write("};\n\n/* R 4.2.2 summary(lm / glm)$coefficients[, 2] */\n")
        f.write("static const struct se_ref se_refs[] = {\n")
        for name in ("ols", "ols_w", "ols_noint", "logit_none", "logit_none_w"):
            se = rvals[(name, "se")]
            if name == "ols_noint":
                se = [0.0] + se   # the intercept is not estimated: a known 0
            f.write('\t{"%s", %s},\n' % (name, carr(se)))
        f.write("};\n\n/* OLS standard errors by sigma^2 (X'X)^-1 in numpy */\n")
        f.write("static const double ols_se_numpy[] = %s;\n" % carr(se_np))


if __name__ == "__main__":
    main()
