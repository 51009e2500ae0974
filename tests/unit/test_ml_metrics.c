/* Unit tests for ml/ml_metrics.c: classification and regression metrics,
 * confusion matrices and ROC points against scikit-learn 1.2.1 on small
 * fixed arrays. The inputs and expected values come from
 * tests/ml/metrics_ref.py (rerun: /usr/bin/python3 tests/ml/metrics_ref.py),
 * recorded in tests/ml/metrics_ref.inc. Where wb's definition differs
 * from sklearn on purpose (metrics_ref.py lists them), the test checks
 * wb's documented value. */
#include "tests/tap.h"

#include "ml/ml_metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ml/metrics_ref.inc"

/* sklearn and wb compute the same sums in a different order */
#define TOL 1e-12

static const char *const class_names[] = {"accuracy", "precision", "recall", "f1_score", "log_loss", "roc_auc",
    "pr_auc"};
static const char *const reg_names[] = {"mean_absolute_error", "mean_squared_error", "root_mean_squared_error",
    "median_absolute_error", "r2_score", "explained_variance"};

static double
metric(const struct ml_metric_set *ms, const char *name)
{
	for (int i = 0; i < ms->n; i++)
		if (strcmp(ms->names[i], name) == 0)
			return ms->values[i];
	return -12345;
}

static void
check_classify(const char *tag, const int32_t *y, const double *prob, int64_t n, int k, double thr,
    const double *ref, const int64_t *cm_ref)
{
	struct ml_metric_set ms;
	ml_metrics_classify(y, prob, n, k, thr, &ms);
	is_int(ms.n, 7, "%s: seven classification metrics", tag);
	for (int i = 0; i < 7; i++) {
		is_str(ms.names[i], class_names[i], "%s: metric %d is %s", tag, i, class_names[i]);
		is_dbl(metric(&ms, class_names[i]), ref[i], TOL, "%s: %s = sklearn's", tag, class_names[i]);
	}
	int64_t cm[16];
	ml_confusion(y, prob, n, k, thr, cm);
	int same = 1;
	for (int i = 0; i < k * k; i++)
		same &= cm[i] == cm_ref[i];
	ok(same, "%s: confusion matrix = sklearn's confusion_matrix", tag);
	if (!same)
		for (int i = 0; i < k * k; i++)
			diag("cm[%d] got %lld want %lld", i, (long long)cm[i], (long long)cm_ref[i]);
}

static void
check_regress(const char *tag, const double *y, const double *p, int64_t n, const double *ref)
{
	struct ml_metric_set ms;
	ml_metrics_regress(y, p, n, &ms);
	is_int(ms.n, 6, "%s: six regression metrics", tag);
	for (int i = 0; i < 6; i++) {
		is_str(ms.names[i], reg_names[i], "%s: metric %d is %s", tag, i, reg_names[i]);
		is_dbl(metric(&ms, reg_names[i]), ref[i], TOL, "%s: %s = sklearn's", tag, reg_names[i]);
	}
}

static void
test_binary(void)
{
	check_classify("b1 (ties, threshold 0.5)", b1_y, b1_prob, B1_N, 2, b1_thr, b1_ref, b1_cm);
	check_classify("b2 (threshold 0.3)", b2_y, b2_prob, B2_N, 2, b2_thr, b2_ref, b2_cm);
	check_classify("b3 (certain predictions: log_loss clipped)", b3_y, b3_prob, B3_N, 2, b3_thr, b3_ref, b3_cm);
	check_classify("b4 (nothing predicted positive)", b4_y, b4_prob, B4_N, 2, b4_thr, b4_ref, b4_cm);
	/* ml_auc directly: scores of class 1 */
	double s[B1_N];
	for (int i = 0; i < B1_N; i++)
		s[i] = b1_prob[2 * i + 1];
	is_dbl(ml_auc(b1_y, s, B1_N), b1_ref[5], TOL, "ml_auc with ties = roc_auc_score");
	/* the threshold is inclusive: P(1) = threshold predicts 1 */
	double at[2] = {0.5, 0.5};
	is_int(ml_predict_class(at, 2, 0.5), 1, "P(1) = threshold predicts class 1");
	double below[2] = {0.51, 0.49};
	is_int(ml_predict_class(below, 2, 0.5), 0, "P(1) < threshold predicts class 0");
	is_int(ml_predict_class(below, 2, 0.4), 1, "a lower threshold predicts class 1");
	double tie3[3] = {0.2, 0.4, 0.4};
	is_int(ml_predict_class(tie3, 3, 0.5), 1, "multiclass: the first of tied maxima (numpy's argmax)");
}

static void
test_multiclass(void)
{
	check_classify("m1 (three classes, macro averages)", m1_y, m1_prob, M1_N, 3, 0.5, m1_ref, m1_cm);
	/* m2: a fourth class neither in y nor predicted; sklearn's macro
	 * averages leave it out (labels = those in y_true or y_pred); roc_auc
	 * and pr_auc average over the classes that occur (sklearn refuses) */
	check_classify("m2 (a model class absent from y and predictions)", m2_y, m2_prob, M2_N, 4, 0.5, m2_ref, m2_cm);
}

static void
test_regression(void)
{
	check_regress("r1 (odd n)", r1_y, r1_pred, R1_N, r1_ref);
	check_regress("r2 (even n: median of the middle two)", r2_y, r2_pred, R2_N, r2_ref);
	/* constant y: r2 and explained variance are undefined; wb gives NaN
	 * where sklearn 1.2 (force_finite) gives 1.0 or 0.0 */
	double cy[4] = {2, 2, 2, 2}, cp[4] = {1, 2, 3, 2};
	struct ml_metric_set ms;
	ml_metrics_regress(cy, cp, 4, &ms);
	ok(isnan(metric(&ms, "r2_score")), "constant y: r2_score is NaN (documented difference)");
	ok(isnan(metric(&ms, "explained_variance")), "constant y: explained_variance is NaN");
	is_dbl(metric(&ms, "mean_absolute_error"), 0.5, TOL, "constant y: mean_absolute_error");
	is_dbl(metric(&ms, "median_absolute_error"), 0.5, TOL, "constant y: median_absolute_error");
	/* no rows: NaN, no crash */
	ml_metrics_regress(cy, cp, 0, &ms);
	ok(isnan(metric(&ms, "mean_squared_error")) && isnan(metric(&ms, "median_absolute_error")),
	    "no rows: regression metrics are NaN");
}

static void
test_roc(void)
{
	double s[B1_N];
	for (int i = 0; i < B1_N; i++)
		s[i] = b1_prob[2 * i + 1];
	struct ml_roc r;
	ml_roc_curve(b1_y, s, B1_N, 100, &r);
	is_int(r.n, B1_ROC_N, "ROC: one point per distinct score (sklearn, drop_intermediate = False)");
	int same = r.n == B1_ROC_N;
	for (int i = 0; same && i < r.n; i++) {
		same &= r.threshold[i] == b1_roc_thr[i] && r.tp[i] == b1_roc_tp[i] && r.fp[i] == b1_roc_fp[i];
		same &= r.tp[i] + r.fn[i] == 7 && r.fp[i] + r.tn[i] == 9;
	}
	ok(same, "ROC: thresholds, true and false positives = sklearn's roc_curve");
	ml_roc_free(&r);
	/* thinned to at most 5 points, highest first, the last predicting every row positive */
	ml_roc_curve(b1_y, s, B1_N, 5, &r);
	ok(r.n >= 2 && r.n <= 5, "ROC thinned to %d points (at most 5)", r.n);
	int desc = 1;
	for (int i = 1; i < r.n; i++)
		desc &= r.threshold[i] < r.threshold[i - 1];
	ok(desc, "ROC thinned: thresholds decrease");
	ok(r.n > 0 && r.tp[r.n - 1] == 7 && r.fp[r.n - 1] == 9 && r.threshold[r.n - 1] == 0.05,
	    "ROC thinned: the last point is the lowest score (every row positive)");
	/* each kept point is one of sklearn's */
	int found = 1;
	for (int i = 0; i < r.n; i++) {
		int hit = 0;
		for (int j = 0; j < B1_ROC_N; j++)
			hit |= r.threshold[i] == b1_roc_thr[j] && r.tp[i] == b1_roc_tp[j] && r.fp[i] == b1_roc_fp[j];
		found &= hit;
	}
	ok(found, "ROC thinned: every point is one of the full curve's");
	ml_roc_free(&r);
	/* no rows */
	ml_roc_curve(b1_y, s, 0, 100, &r);
	is_int(r.n, 0, "ROC of no rows: no points");
	ml_roc_free(&r);
}

static void
test_degenerate(void)
{
	/* one class in y: AUC and AP undefined */
	int32_t y[4] = {1, 1, 1, 1};
	double prob[8] = {0.1, 0.9, 0.4, 0.6, 0.7, 0.3, 0.2, 0.8};
	struct ml_metric_set ms;
	ml_metrics_classify(y, prob, 4, 2, 0.5, &ms);
	ok(isnan(metric(&ms, "roc_auc")), "one class in y: roc_auc is NaN");
	is_dbl(metric(&ms, "accuracy"), 0.75, TOL, "one class in y: accuracy");
	is_dbl(metric(&ms, "recall"), 0.75, TOL, "one class in y: recall");
	is_dbl(metric(&ms, "precision"), 1.0, TOL, "one class in y: precision");
	/* no rows */
	ml_metrics_classify(y, prob, 0, 2, 0.5, &ms);
	ok(isnan(metric(&ms, "accuracy")) && isnan(metric(&ms, "log_loss")) && isnan(metric(&ms, "roc_auc")),
	    "no rows: accuracy, log_loss and roc_auc are NaN");
	ml_metrics_classify(y, prob, 0, 3, 0.5, &ms);
	ok(isnan(metric(&ms, "accuracy")) && isnan(metric(&ms, "roc_auc")), "no rows, three classes: NaN");
}

int
main(void)
{
	test_binary();
	test_multiclass();
	test_regression();
	test_roc();
	test_degenerate();
	return done_testing();
}
