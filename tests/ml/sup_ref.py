#!/usr/bin/python3
"""Reference values for tests/sql/ml_sklearn.slt: CREATE MODEL end to end
against scikit-learn and R on a small committed data set.

Made with scikit-learn 1.2.1, numpy 1.24.2, scipy 1.10.1 (Debian's python)
and R 4.2.2 (lm, for linear_reg's standard errors). Rerun from the source
tree with

    /usr/bin/python3 tests/ml/sup_ref.py

which rewrites
  tests/ml/sup_data.csv    the data (240 rows: id, x1, x2 DOUBLE, x3 BIGINT,
                           region VARCHAR, bought 0/1, spend DOUBLE), every
                           double written with repr() so wb reads the same
                           doubles;
  tests/ml/sup_proba.csv   per id: the references' predictions (binary
                           P(bought = 1) plain and with class_weight =
                           'balanced', linear_reg's fitted spend);
and prints the expected rows of the slt file (pasted there by hand).

wb's design, rebuilt here: numeric features standardized with the
training mean and the population sd (numpy's std, ddof = 0), the
categorical region one-hot with its first level ('east') left out, the
intercept unpenalized. wb's l2_reg = 1 is LogisticRegression(C = 1): both
minimize sum_i w_i logloss_i + ||b||^2 / 2 over the standardized design.
ML.WEIGHTS maps weights back to the original scale: w_j = b_j / sd_j and
the intercept b0 - sum_j b_j mean_j / sd_j. linear_reg without a penalty is
ordinary least squares: numpy's lstsq on the raw design, standard errors
sigma^2 (X'X)^-1 with sigma^2 = RSS / (n - p - 1), checked against R's lm.
"""
import io
import os
import subprocess
import sys
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M
from sklearn.linear_model import LogisticRegression

here = os.path.dirname(os.path.abspath(__file__))
N = 240
LEVELS = ["east", "north", "south"]


def make_data():
    rng = np.random.RandomState(20241121)
    x1 = np.round(rng.normal(5, 2, N), 3)
    x2 = np.round(rng.uniform(0, 10, N), 2)
    x3 = rng.poisson(3, N)
    # region depends on x1 and x2 (a multiclass label too)
    z = np.column_stack([np.zeros(N), 0.4 * (x1 - 5), 0.3 * (x2 - 5)])
    pr = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    region = np.array([LEVELS[rng.choice(3, p=p)] for p in pr])
    eff = {"east": 0.0, "north": 0.8, "south": -0.6}
    lin = -1 + 0.5 * (x1 - 5) - 0.25 * (x2 - 5) + 0.3 * (x3 - 3) + np.array([eff[r] for r in region])
    bought = (rng.uniform(size=N) < 1 / (1 + np.exp(-lin))).astype(int)
    spend = np.round(10 + 2 * x1 - 0.5 * x2 + 1.5 * x3 + np.array([3 * eff[r] for r in region])
                     + rng.normal(0, 2, N), 4)
    ids = np.arange(1, N + 1)
    return ids, x1, x2, x3, region, bought, spend


def write_csv(path, header, cols):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for row in zip(*cols):
            f.write(",".join(repr(float(v)) if isinstance(v, (float, np.floating)) else str(v) for v in row) + "\n")


def design(x1, x2, x3, region, standardize):
    num = np.column_stack([x1, x2, x3.astype(float)])
    mean, sd = num.mean(axis=0), num.std(axis=0)
    if standardize:
        num = (num - mean) / sd
    dummies = np.column_stack([(region == lv).astype(float) for lv in LEVELS[1:]])
    return np.column_stack([num, dummies]), mean, sd


def logistic(X, y, C, weight=None):
    m = LogisticRegression(C=C, tol=1e-14, max_iter=100000, solver="newton-cg", class_weight=weight)
    with warnings.catch_warnings():
        # newton-cg's stopping rule cannot reach 1e-14; the gradient below shows the optimum is
        warnings.simplefilter("ignore")
        m.fit(X, y)
    # the objective's gradient: sum_i w_i (p_i - y_i) [1, x_i] + [0, b / C]
    w = np.ones(len(y)) if weight is None else np.where(y == 1, len(y) / (2.0 * y.sum()), len(y) / (2.0 * (len(y) - y.sum())))
    r = w * (m.predict_proba(X)[:, 1] - y)
    g = np.concatenate([[r.sum()], X.T @ r + m.coef_[0] / C])
    print("# logistic fit (class_weight %s): largest gradient component %.2g" % (weight, np.max(np.abs(g))))
    return m


def back(m, mean, sd):
    b = m.coef_[0].copy()
    b0 = m.intercept_[0]
    w = b.copy()
    w[:3] = b[:3] / sd
    w0 = b0 - np.sum(b[:3] * mean / sd)
    return [w0] + list(w)


def emit(title, rows):
    print("#", title)
    for r in rows:
        print("\t".join(x if isinstance(x, str) else repr(float(x)) for x in r))
    print()


def classify_metrics(y, p):
    pred = (p >= 0.5).astype(int)
    return [M.accuracy_score(y, pred), M.precision_score(y, pred), M.recall_score(y, pred), M.f1_score(y, pred),
            M.log_loss(y, np.column_stack([1 - p, p])), M.roc_auc_score(y, p), M.average_precision_score(y, p)]


def main():
    ids, x1, x2, x3, region, bought, spend = make_data()
    write_csv(os.path.join(here, "sup_data.csv"), ["id", "x1", "x2", "x3", "region", "bought", "spend"],
              [ids, x1, x2, x3, region, bought, spend])
    terms = ["(Intercept)", "x1", "x2", "x3", "region=north", "region=south"]
    print("# sklearn %s, numpy %s" % (sklearn.__version__, np.__version__))
    X, mean, sd = design(x1, x2, x3, region, True)
    # logistic_reg, l2_reg = 1, data_split = 0
    lr = logistic(X, bought, 1.0)
    emit("logistic_reg l2_reg = 1: ML.WEIGHTS", zip(terms, back(lr, mean, sd)))
    p = lr.predict_proba(X)[:, 1]
    emit("logistic_reg: metrics on the training rows", [classify_metrics(bought, p)])
    sel = ids % 3 == 0
    emit("logistic_reg: ML.EVALUATE on rows id % 3 = 0", [classify_metrics(bought[sel], p[sel])])
    # class_weight = 'balanced'
    lb = logistic(X, bought, 1.0, "balanced")
    emit("logistic_reg class_weight = 'balanced': ML.WEIGHTS", zip(terms, back(lb, mean, sd)))
    pb = lb.predict_proba(X)[:, 1]
    # threshold 0.3: predicted labels
    emit("logistic_reg: count of predicted 1 at threshold 0.5 and 0.3",
         [[str(int((p >= 0.5).sum())), str(int((p >= 0.3).sum()))]])
    # linear_reg, no penalty: least squares on the raw design
    Xr, _, _ = design(x1, x2, x3, region, False)
    A = np.column_stack([np.ones(N), Xr])
    beta, _, rank, _ = np.linalg.lstsq(A, spend, rcond=None)
    res = spend - A @ beta
    sigma2 = res @ res / (N - A.shape[1])
    se = np.sqrt(np.diag(sigma2 * np.linalg.inv(A.T @ A)))
    emit("linear_reg: ML.WEIGHTS weight, std_error", zip(terms, beta, se))
    fit = A @ beta
    def reg_metrics(y, f):
        return [M.mean_absolute_error(y, f), M.mean_squared_error(y, f), np.sqrt(M.mean_squared_error(y, f)),
                M.median_absolute_error(y, f), M.r2_score(y, f), M.explained_variance_score(y, f)]
    emit("linear_reg: ML.EVALUATE on rows id % 3 = 0", [reg_metrics(spend[sel], fit[sel])])
    # R's lm must agree with numpy
    rcode = ('d <- read.csv("%s"); m <- lm(spend ~ x1 + x2 + x3 + region, data = d); '
             'cf <- summary(m)$coefficients; cat(sprintf("%%.17g,%%.17g", cf[, 1], cf[, 2]), sep = "\\n"); '
             'cat(R.version.string, "\\n", file = stderr())' % os.path.join(here, "sup_data.csv"))
    try:
        r = subprocess.run(["Rscript", "-e", "options(digits = 17); " + rcode], capture_output=True, text=True,
                           check=True)
        rv = np.loadtxt(io.StringIO(r.stdout), delimiter=",")
        print("# %s: lm agrees with numpy to %.2g (coefficients), %.2g (standard errors)" % (
            r.stderr.strip(), np.max(np.abs(rv[:, 0] - beta) / np.abs(beta)), np.max(np.abs(rv[:, 1] - se) / se)))
    except (OSError, subprocess.CalledProcessError) as e:
        print("# R not run: %s" % e, file=sys.stderr)
    # unpenalized logistic_reg: R's glm (coefficients and standard errors
    # are those of the raw design: standardizing is an affine map)
    rcode = ('d <- read.csv("%s"); m <- glm(bought ~ x1 + x2 + x3 + region, family = binomial, data = d, '
             'control = glm.control(epsilon = 1e-14, maxit = 100)); '
             'cf <- summary(m)$coefficients; cat(sprintf("%%.17g,%%.17g", cf[, 1], cf[, 2]), sep = "\\n")'
             % os.path.join(here, "sup_data.csv"))
    try:
        r = subprocess.run(["Rscript", "-e", "options(digits = 17); " + rcode], capture_output=True, text=True,
                           check=True)
        rv = np.loadtxt(io.StringIO(r.stdout), delimiter=",")
        emit("logistic_reg without a penalty: R glm(binomial) weight, std_error", zip(terms, rv[:, 0], rv[:, 1]))
    except (OSError, subprocess.CalledProcessError) as e:
        print("# R not run: %s" % e, file=sys.stderr)
    # linear_reg, l2_reg = 10: Ridge(alpha = 10) on the standardized design
    from sklearn.linear_model import Ridge
    rg = Ridge(alpha=10.0, tol=1e-14, solver="cholesky").fit(X, spend)
    w = rg.coef_.copy()
    w[:3] = rg.coef_[:3] / sd
    w0 = rg.intercept_ - np.sum(rg.coef_[:3] * mean / sd)
    emit("linear_reg l2_reg = 10: Ridge(alpha=10) weights mapped back", zip(terms, [w0] + list(w)))
    # multiclass: region from x1, x2, x3 (logistic_reg, l2_reg = 1, multinomial)
    Xm, _, _ = design(x1, x2, x3, region, True)
    Xm = Xm[:, :3]
    mm = LogisticRegression(C=1.0, tol=1e-14, max_iter=100000, solver="newton-cg", multi_class="multinomial")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mm.fit(Xm, region)
    Y = np.eye(3)[[LEVELS.index(r) for r in region]]
    G = Xm.T @ (mm.predict_proba(Xm) - Y) + mm.coef_.T
    print("# multinomial fit: largest gradient component %.2g" % max(np.max(np.abs(G)),
          np.max(np.abs((mm.predict_proba(Xm) - Y).sum(axis=0)))))
    pm = mm.predict_proba(Xm)
    pred = pm.argmax(axis=1)
    yi = np.array([LEVELS.index(r) for r in region])
    emit("multiclass logistic_reg of region: ML.EVALUATE on rows id % 3 = 0", [[
        M.accuracy_score(yi[sel], pred[sel]),
        M.precision_score(yi[sel], pred[sel], average="macro", zero_division=0),
        M.recall_score(yi[sel], pred[sel], average="macro", zero_division=0),
        M.f1_score(yi[sel], pred[sel], average="macro", zero_division=0),
        M.log_loss(yi[sel], pm[sel], labels=[0, 1, 2]),
        M.roc_auc_score(yi[sel], pm[sel], multi_class="ovr", average="macro"),
        M.average_precision_score(np.eye(3)[yi[sel]], pm[sel], average="macro")]])
    write_csv(os.path.join(here, "sup_proba.csv"), ["id", "p", "p_balanced", "fitted", "p_east", "p_north", "p_south"],
              [ids, p, pb, fit, pm[:, 0], pm[:, 1], pm[:, 2]])
    # stratified split: per class, round(0.25 n_c) held out
    for c in (0, 1):
        nc = int((bought == c).sum())
        print("# class %d: %d rows, %d held out with data_split = 0.25 stratified" % (c, nc, int(np.floor(0.25 * nc + 0.5))))


main()
