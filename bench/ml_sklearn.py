#!/usr/bin/python3
"""ml_sklearn.py: scikit-learn's side of bench/ml.sh.

Reads the user-feature table bench/ml.sh exported from wb (COPY
silver.user_features TO 'x.csv' (HEADER)) and trains what ml.sh trains in
wb, on the same rows, features and split:

  features   every column but user_id, the label (purchased) and the split
             column (is_eval); VARCHAR columns (top_category) are
             categorical, the rest numeric; a NULL number is imputed by its
             training mean (wb's null_handling = 'impute')
  split      is_eval = true rows are held out (wb: split_col = 'is_eval')
  LR         LogisticRegression(C=1.0, lbfgs) - wb's logistic_reg with
             l2_reg = 1 minimizes the same objective (sum of log losses +
             ||b||^2 / 2, intercept not penalized). Encoded as wb encodes a
             linear kind: numbers standardized by the training rows' mean
             and population sd (StandardScaler), categories one-hot with
             the first level (in sorted order) dropped
  RF         RandomForestClassifier(n_estimators=100, max_depth=10,
             max_features='sqrt', n_jobs=2, random_state=0) - wb's
             random_forest_classifier (num_trees = 100, max_depth = 10,
             max_features = 'sqrt'); categories one-hot with every level,
             numbers as they are (as wb encodes tree kinds)

Times fit() only (the encoding is done before the clock starts) and
reports the AUC of P(purchased) on the held-out rows.

    /usr/bin/python3 bench/ml_sklearn.py user_features.csv [--tsv OUT]
        [--jobs 2] [--trees 100] [--depth 10] [--only lr|rf]

Prints a table; --tsv also writes "model<TAB>fit_seconds<TAB>auc" lines
for ml.sh. Checked with scikit-learn 1.2.1, pandas 1.5.3, numpy 1.24.2
(Debian 12's python3; /usr/bin/python3, not a pyenv one).
"""
import argparse
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ID, LABEL, SPLIT = "user_id", "purchased", "is_eval"


def as_bool(s):
    """wb writes BOOLEAN as true/false; pandas may already have parsed it."""
    if s.dtype == bool:
        return s.to_numpy()
    return s.astype(str).str.lower().isin(["true", "1", "t"]).to_numpy()


def encode(df, train, linear):
    """The design matrix as wb builds it (ml_train.c build_features):
    levels and means from the training rows only; a linear model gets
    standardized numbers and drops each categorical's first level."""
    cols = []
    names = []
    for c in df.columns:
        if c in (ID, LABEL, SPLIT):
            continue
        s = df[c]
        if s.dtype == object:
            lev = sorted(s[train].dropna().unique())
            if linear:
                lev = lev[1:]
            v = s.to_numpy()
            for l in lev:
                cols.append((v == l).astype(float))
                names.append(f"{c}={l}")
            continue
        x = s.to_numpy(dtype=float)
        mean = np.nanmean(x[train])
        x = np.where(np.isnan(x), mean, x)
        if linear:
            sd = x[train].std()               # population sd (ddof 0), as wb
            x = (x - mean) / (sd if sd > 0 else 1.0)
        cols.append(x)
        names.append(c)
    return np.column_stack(cols), names


def fit_auc(model, x, y, train):
    xt, yt = np.ascontiguousarray(x[train]), y[train]
    xe, ye = x[~train], y[~train]
    t0 = time.perf_counter()
    model.fit(xt, yt)
    fit = time.perf_counter() - t0
    auc = roc_auc_score(ye, model.predict_proba(xe)[:, 1])
    return fit, auc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--tsv")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--trees", type=int, default=100)
    ap.add_argument("--depth", type=int, default=10)
    ap.add_argument("--only", choices=["lr", "rf"])
    a = ap.parse_args()

    t0 = time.perf_counter()
    df = pd.read_csv(a.csv, keep_default_na=True)
    df = df.dropna(subset=[LABEL])            # wb: rows without a label never count
    y = as_bool(df[LABEL]).astype(int)
    train = ~as_bool(df[SPLIT])
    read = time.perf_counter() - t0
    print(f"sklearn {sklearn.__version__}: {len(df)} rows ({train.sum()} training, "
          f"{(~train).sum()} held out), read in {read:.1f} s", file=sys.stderr)

    rows = []
    if a.only in (None, "lr"):
        x, names = encode(df, train, linear=True)
        lr = LogisticRegression(C=1.0, solver="lbfgs", max_iter=10000)
        fit, auc = fit_auc(lr, x, y, train)
        rows.append(("logistic_reg", fit, auc, f"{x.shape[1]} features, {lr.n_iter_[0]} iterations"))
    if a.only in (None, "rf"):
        x, names = encode(df, train, linear=False)
        rf = RandomForestClassifier(n_estimators=a.trees, max_depth=a.depth, max_features="sqrt",
                                    n_jobs=a.jobs, random_state=0)
        fit, auc = fit_auc(rf, x, y, train)
        rows.append(("random_forest", fit, auc, f"{x.shape[1]} features, n_jobs={a.jobs}"))

    print(f"{'model':<16} {'fit_s':>9} {'auc':>8}  notes")
    for m, fit, auc, note in rows:
        print(f"{m:<16} {fit:9.3f} {auc:8.4f}  {note}")
    if a.tsv:
        with open(a.tsv, "w") as f:
            for m, fit, auc, _ in rows:
                f.write(f"{m}\t{fit:.6f}\t{auc:.6f}\n")


if __name__ == "__main__":
    main()
