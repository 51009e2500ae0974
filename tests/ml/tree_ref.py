#!/usr/bin/python3
"""tree_ref.py: reference values for tests/unit/test_ml_tree.c.

Writes tests/ml/tree_train.csv and tests/ml/tree_test.csv (3000 and 2000
rows, seeded) and tests/ml/tree_ref.txt: scikit-learn 1.2.1's test
scores for decision trees and random forests with the hyper-parameters the
C test uses, one "key value" line each. Rerun from the top of the tree with
Debian's python (the one that has sklearn):

    /usr/bin/python3 tests/ml/tree_ref.py

Columns: x0..x5, then three targets: yb (0/1), yr (real), y3 (0/1/2).
Signal: yb and y3 depend on x0 (through a sine), x1, x2 >= 3 and x3 > 0.5;
yr on x0, x1^2 and x2. x4 and x5 are noise. x2 takes 5 values (exact cut
points), the rest are continuous (quantile bins).
"""
import os

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

HERE = os.path.dirname(os.path.abspath(__file__))


def make(n, rng):
    x = np.column_stack([
        rng.uniform(-2, 2, n),
        rng.uniform(-2, 2, n),
        rng.integers(0, 5, n).astype(float),
        rng.normal(size=n),
        rng.normal(size=n),
        rng.uniform(0, 1, n),
    ])
    x = np.round(x, 6)    # what the CSV holds
    f = 2.0 * np.sin(1.5 * x[:, 0]) + 1.2 * x[:, 1] + 1.5 * (x[:, 2] >= 3) + 1.2 * (x[:, 3] > 0.5) - 1.0
    yb = (rng.uniform(size=n) < 1 / (1 + np.exp(-2 * f))).astype(float)
    yr = np.round(np.sin(2 * x[:, 0]) + 0.5 * x[:, 1] ** 2 + 0.3 * x[:, 2] + rng.normal(scale=0.3, size=n), 6)
    g = f + rng.normal(scale=0.7, size=n)
    y3 = np.where(g < -0.5, 0, np.where(g < 1.0, 1, 2)).astype(float)
    return x, yb, yr, y3


def write_csv(path, x, yb, yr, y3):
    with open(path, "w") as f:
        f.write("x0,x1,x2,x3,x4,x5,yb,yr,y3\n")
        for i in range(len(yb)):
            f.write(",".join("%.6f" % v for v in x[i]) + ",%d,%.6f,%d\n" % (yb[i], yr[i], y3[i]))


def main():
    rng = np.random.default_rng(7)
    x, yb, yr, y3 = make(3000, rng)
    xt, ybt, yrt, y3t = make(2000, rng)
    write_csv(os.path.join(HERE, "tree_train.csv"), x, yb, yr, y3)
    write_csv(os.path.join(HERE, "tree_test.csv"), xt, ybt, yrt, y3t)
    ref = {}

    def auc(m):
        return roc_auc_score(ybt, m.predict_proba(xt)[:, 1])

    m = DecisionTreeClassifier(max_depth=6, min_samples_leaf=5, random_state=0).fit(x, yb)
    ref["tree_gini_auc"] = auc(m)
    m = DecisionTreeClassifier(criterion="entropy", max_depth=6, min_samples_leaf=5, random_state=0).fit(x, yb)
    ref["tree_entropy_auc"] = auc(m)
    w = np.where(yb == 1, 0.5 / yb.mean(), 0.5 / (1 - yb.mean()))      # class_weight='balanced'
    m = DecisionTreeClassifier(max_depth=6, min_samples_leaf=5, random_state=0).fit(x, yb, sample_weight=w)
    ref["tree_weighted_auc"] = auc(m)
    # (depth 5: a deeper single regression tree's test R^2 moves by +-0.01
    # with the bins alone, e.g. 0.772 .. 0.789 at depth 6 for max_bins
    # 128 .. 255 against sklearn's 0.779)
    m = DecisionTreeRegressor(max_depth=5, min_samples_leaf=10, random_state=0).fit(x, yr)
    ref["tree_reg_r2"] = r2_score(yrt, m.predict(xt))
    m = DecisionTreeClassifier(max_depth=6, min_samples_leaf=5, random_state=0).fit(x, y3)
    ref["tree_3class_acc"] = accuracy_score(y3t, m.predict(xt))

    m = RandomForestClassifier(n_estimators=100, max_depth=8, oob_score=True, random_state=0, n_jobs=2).fit(x, yb)
    ref["forest_auc"] = auc(m)
    ref["forest_oob_acc"] = m.oob_score_
    ref["forest_oob_auc"] = roc_auc_score(yb, m.oob_decision_function_[:, 1])
    for j, v in enumerate(m.feature_importances_):
        ref[f"forest_importance_{j}"] = v
    m = RandomForestClassifier(n_estimators=100, max_depth=8, criterion="entropy", random_state=0,
                               n_jobs=2).fit(x, y3)
    ref["forest_3class_acc"] = accuracy_score(y3t, m.predict(xt))
    m = RandomForestRegressor(n_estimators=100, max_depth=8, max_features=1.0, oob_score=True, random_state=0,
                              n_jobs=2).fit(x, yr)
    ref["forest_reg_r2"] = r2_score(yrt, m.predict(xt))
    ref["forest_reg_oob_r2"] = m.oob_score_

    # On features rounded to 0.1 (at most 71 distinct values, so wb's cut
    # points are exactly sklearn's candidate thresholds) the trees must be
    # the same: leaf counts and the sums of the training predictions.
    g = np.rint(x * 10) / 10
    def sums(key, m, pr):
        ref[key + "_leaves"] = m.get_n_leaves()
        ref[key + "_sum"] = pr.sum()
        ref[key + "_sumsq"] = (pr * pr).sum()
        ref[key + "_wsum"] = (pr * np.arange(1, len(pr) + 1)).sum()
    # (classes: min_samples_leaf 20 leaves no two best splits tied, which
    # sklearn and wb would break differently)
    m = DecisionTreeClassifier(max_depth=6, min_samples_leaf=20, random_state=0).fit(g, yb)
    sums("grid_gini", m, m.predict_proba(g)[:, 1])
    m = DecisionTreeClassifier(max_depth=6, min_samples_leaf=20, random_state=0).fit(g, yb, sample_weight=w)
    sums("grid_weighted", m, m.predict_proba(g)[:, 1])
    m = DecisionTreeClassifier(criterion="entropy", max_depth=5, random_state=0).fit(g, y3)
    sums("grid_3class", m, m.predict_proba(g) @ np.array([0.0, 1.0, 2.0]))
    m = DecisionTreeRegressor(max_depth=6, min_samples_leaf=5, random_state=0).fit(g, yr)
    sums("grid_reg", m, m.predict(g))
    m = DecisionTreeRegressor(max_depth=8, min_samples_split=20, min_impurity_decrease=0.001,
                              random_state=0).fit(g, yr)
    sums("grid_reg_mid", m, m.predict(g))

    # the hand-checkable data set: the split x1 <= 2.5 leaves 1/3 and 2/3
    xs = np.array([[0, 1], [1, 1], [0, 1], [0, 2], [1, 2], [1, 2],
                   [0, 3], [1, 3], [1, 3], [0, 4], [1, 4], [0, 4]], dtype=float)
    ys = np.array([1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0], dtype=float)
    m = DecisionTreeClassifier(max_depth=1, random_state=0).fit(xs, ys)
    ref["tiny_feature"] = m.tree_.feature[0]
    ref["tiny_threshold"] = m.tree_.threshold[0]
    ref["tiny_left_p1"] = m.tree_.value[1][0][1] / m.tree_.value[1][0].sum()
    ref["tiny_right_p1"] = m.tree_.value[2][0][1] / m.tree_.value[2][0].sum()
    ref["tiny_improvement"] = m.tree_.impurity[0] - 0.5 * m.tree_.impurity[1] - 0.5 * m.tree_.impurity[2]

    with open(os.path.join(HERE, "tree_ref.txt"), "w") as f:
        f.write(f"# scikit-learn {sklearn.__version__}, numpy {np.__version__}: tests/ml/tree_ref.py\n")
        for k, v in ref.items():
            f.write(f"{k} {float(v)!r}\n")
    for k, v in ref.items():
        print(k, v)


if __name__ == "__main__":
    main()
