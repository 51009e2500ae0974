#!/usr/bin/python3
"""Reference values for tests/unit/test_ml_metrics.c (ml/ml_metrics.c).

Made with scikit-learn 1.2.1 and numpy 1.24.2 (Debian's python). Rerun from
the source tree with

    /usr/bin/python3 tests/ml/metrics_ref.py

which rewrites tests/ml/metrics_ref.inc (the inputs and the expected
values, included by the test; every number printed with 17 significant
digits so that C reads the same doubles).

What is compared with what:
  - binary classifiers: accuracy_score, precision_score, recall_score,
    f1_score (pos_label = 1) of the predictions prob >= threshold;
    log_loss (eps = "auto", 1.2's default: clip to [DBL_EPSILON,
    1 - DBL_EPSILON], then renormalize each row); roc_auc_score;
    average_precision_score (wb's pr_auc); confusion_matrix; roc_curve
    with drop_intermediate = False (without its first point, the
    threshold max + 1 where nothing is predicted positive);
  - multiclass: the same with average = "macro" (precision, recall, f1
    over the labels in y_true or y_pred, sklearn's default label set);
    roc_auc_score(multi_class = "ovr", average = "macro");
    average_precision_score(label_binarize(y), prob, average = "macro");
  - regressors: mean_absolute_error, mean_squared_error, its square root,
    median_absolute_error, r2_score, explained_variance_score.

Where wb's definition differs on purpose (and the test says so):
  - a class of the model absent from y_true: sklearn's roc_auc_score
    refuses ("Number of classes in y_true not equal to the number of
    columns in 'y_score'"); wb averages roc_auc and pr_auc over the
    classes that occur (computed here one class at a time);
  - a constant y: sklearn 1.2's r2_score and explained_variance_score
    give 1.0 (perfect predictions) or 0.0 (force_finite); wb gives NaN
    (NULL in SQL), the statistic being undefined.
"""
import os

import numpy as np
import sklearn
from sklearn import metrics as M
from sklearn.preprocessing import label_binarize

here = os.path.dirname(os.path.abspath(__file__))
out = []


def num(v):
    v = float(v)
    if np.isnan(v):
        return "NAN"
    if np.isinf(v):
        return "INFINITY" if v > 0 else "-INFINITY"
    return repr(v)


def arr(name, ctype, vals):
    vals = list(vals)
    if ctype == "double":
        body = ", ".join(num(v) for v in vals)
    else:
        body = ", ".join(str(int(v)) for v in vals)
    out.append("static const %s %s[%d] = {%s};" % (ctype, name, max(len(vals), 1), body))


def scalar(name, v):
    out.append("static const double %s = %s;" % (name, num(v)))


def binary(tag, y, s, thr):
    y = np.asarray(y)
    s = np.asarray(s, dtype=float)
    prob = np.column_stack([1 - s, s])
    pred = (s >= thr).astype(int)
    arr(tag + "_y", "int32_t", y)
    arr(tag + "_prob", "double", prob.ravel())
    out.append("#define %s_N %d" % (tag.upper(), len(y)))
    scalar(tag + "_thr", thr)
    ref = [
        M.accuracy_score(y, pred),
        M.precision_score(y, pred, zero_division=0),
        M.recall_score(y, pred, zero_division=0),
        M.f1_score(y, pred, zero_division=0),
        M.log_loss(y, prob),
        M.roc_auc_score(y, s),
        M.average_precision_score(y, s),
    ]
    arr(tag + "_ref", "double", ref)
    arr(tag + "_cm", "int64_t", M.confusion_matrix(y, pred, labels=[0, 1]).ravel())


def multiclass(tag, y, prob, k, present_only=False):
    y = np.asarray(y)
    prob = np.asarray(prob, dtype=float)
    pred = prob.argmax(axis=1)   # first maximum, as wb
    arr(tag + "_y", "int32_t", y)
    arr(tag + "_prob", "double", prob.ravel())
    out.append("#define %s_N %d" % (tag.upper(), len(y)))
    out.append("#define %s_K %d" % (tag.upper(), k))
    yb = label_binarize(y, classes=list(range(k)))
    if present_only:
        # wb: one-vs-rest over the classes that occur in y
        cls = [c for c in range(k) if yb[:, c].any()]
        auc = np.mean([M.roc_auc_score(yb[:, c], prob[:, c]) for c in cls])
        ap = np.mean([M.average_precision_score(yb[:, c], prob[:, c]) for c in cls])
    else:
        auc = M.roc_auc_score(y, prob, multi_class="ovr", average="macro")
        ap = M.average_precision_score(yb, prob, average="macro")
    ref = [
        M.accuracy_score(y, pred),
        M.precision_score(y, pred, average="macro", zero_division=0),
        M.recall_score(y, pred, average="macro", zero_division=0),
        M.f1_score(y, pred, average="macro", zero_division=0),
        M.log_loss(y, prob, labels=list(range(k))),
        auc,
        ap,
    ]
    arr(tag + "_ref", "double", ref)
    arr(tag + "_cm", "int64_t", M.confusion_matrix(y, pred, labels=list(range(k))).ravel())


def regression(tag, y, p):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    arr(tag + "_y", "double", y)
    arr(tag + "_pred", "double", p)
    out.append("#define %s_N %d" % (tag.upper(), len(y)))
    ref = [
        M.mean_absolute_error(y, p),
        M.mean_squared_error(y, p),
        np.sqrt(M.mean_squared_error(y, p)),
        M.median_absolute_error(y, p),
        M.r2_score(y, p),
        M.explained_variance_score(y, p),
    ]
    arr(tag + "_ref", "double", ref)


def roc_points(tag, y, s):
    fpr, tpr, thr = M.roc_curve(y, s, drop_intermediate=False)
    y = np.asarray(y)
    npos, nneg = int((y == 1).sum()), int((y != 1).sum())
    # sklearn's first point is (thresholds[0] = max + 1, nothing positive)
    thr, tps, fps = thr[1:], np.rint(tpr[1:] * npos), np.rint(fpr[1:] * nneg)
    arr(tag + "_roc_thr", "double", thr)
    arr(tag + "_roc_tp", "int64_t", tps)
    arr(tag + "_roc_fp", "int64_t", fps)
    out.append("#define %s_ROC_N %d" % (tag.upper(), len(thr)))


def main():
    out.append("/* made by tests/ml/metrics_ref.py with scikit-learn %s, numpy %s; do not edit */"
               % (sklearn.__version__, np.__version__))
    # b1: ties across classes (0.8 twice: one each; 0.4 three times), threshold 0.5
    y1 = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0]
    s1 = [0.9, 0.8, 0.8, 0.7, 0.4, 0.4, 0.4, 0.35, 0.6, 0.1, 0.2, 0.55, 0.5, 0.5, 0.05, 0.65]
    binary("b1", y1, s1, 0.5)
    roc_points("b1", y1, s1)
    # the same scores at threshold 0.3
    binary("b2", y1, s1, 0.3)
    # b3: certain predictions, right and wrong (log_loss clipping)
    y3 = [1, 0, 1, 0, 1, 0]
    s3 = [1.0, 0.0, 0.0, 1.0, 0.999, 1e-20]
    binary("b3", y3, s3, 0.5)
    # b4: nothing predicted positive (precision 0 by sklearn's zero_division = 0)
    y4 = [1, 0, 1, 0, 0]
    s4 = [0.2, 0.1, 0.3, 0.4, 0.1]
    binary("b4", y4, s4, 0.5)
    # m1: three classes, ties in scores across rows
    rng = np.random.RandomState(7)
    n = 24
    a = np.round(rng.dirichlet([1, 1, 1], size=n), 2)
    p0, p1 = a[:, 0], a[:, 1]
    p2 = 1 - p0 - p1
    prob = np.column_stack([p0, p1, np.maximum(p2, 0)])
    prob[:, 2] = 1 - prob[:, 0] - prob[:, 1]
    y = rng.randint(0, 3, size=n)
    y[:3] = [0, 1, 2]
    multiclass("m1", y, prob, 3)
    # m2: four classes in the model; class 3 neither occurs nor is predicted
    pm2 = np.column_stack([prob[:, 0] * 0.9, prob[:, 1] * 0.9, prob[:, 2] * 0.9, np.full(n, 0.1)])
    pm2[:, 3] = 1 - pm2[:, 0] - pm2[:, 1] - pm2[:, 2]
    multiclass("m2", y, pm2, 4, present_only=True)
    # r1: odd n; r2: even n (median of the two middle errors)
    r1y = [3.0, -0.5, 2.0, 7.0, 4.25, 1.5, 0.0, -2.0, 10.0]
    r1p = [2.5, 0.0, 2.0, 8.0, 4.0, 2.5, -0.75, -1.0, 8.5]
    regression("r1", r1y, r1p)
    r2y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    r2p = [1.5, 2.5, 2.0, 4.5, 4.0, 7.0, 6.5, 8.0, 10.5, 9.0]
    regression("r2", r2y, r2p)
    with open(os.path.join(here, "metrics_ref.inc"), "w") as f:
        f.write("\n".join(out) + "\n")


main()
