/*
 * ml_metrics: evaluation of predictions (ML.EVALUATE, ML.ROC_CURVE,
 * ML.CONFUSION_MATRIX), with BigQuery ML's metric names and scikit-learn's
 * definitions:
 *   - binary classifiers: precision, recall and f1_score of class 1 (the
 *     label's larger value) at the threshold; multiclass: their macro
 *     averages (unweighted mean over the classes that are actual or
 *     predicted in the rows, sklearn's default labels), accuracy, log_loss
 *     (sklearn 1.2's: probabilities clipped to [DBL_EPSILON, 1 -
 *     DBL_EPSILON], each row renormalized), roc_auc (binary: the
 *     Mann-Whitney statistic with ties counted half; multiclass: the macro
 *     one-vs-rest mean over the classes that occur - sklearn refuses rows
 *     lacking one of the model's classes), pr_auc (average precision,
 *     sklearn's average_precision_score: sum over thresholds of
 *     (R_k - R_k-1) P_k);
 *   - regressors: mean_absolute_error, mean_squared_error,
 *     root_mean_squared_error, median_absolute_error, r2_score (1 - SSE /
 *     SST) and explained_variance (1 - var(residual) / var(y)); both NaN
 *     for a constant y, where sklearn 1.2 (force_finite) says 1 or 0.
 * Row weights are not applied: metrics count rows.
 */
#ifndef WB_ML_ML_METRICS_H
#define WB_ML_ML_METRICS_H

#include <stdint.h>

#define ML_MAX_METRICS 8

struct ml_metric_set {
	int n;
	const char *names[ML_MAX_METRICS];
	double values[ML_MAX_METRICS];
};

/* y: class codes 0..nclass-1; prob: n x nclass probabilities (row-major). */
void ml_metrics_classify(const int32_t *y, const double *prob, int64_t n, int nclass, double threshold,
    struct ml_metric_set *out);
void ml_metrics_regress(const double *y, const double *pred, int64_t n, struct ml_metric_set *out);

/* The predicted class of one row of probabilities (binary: 1 when
 * prob[1] >= threshold). */
int ml_predict_class(const double *prob, int nclass, double threshold);

/* Confusion counts: cm[actual * nclass + predicted]. */
void ml_confusion(const int32_t *y, const double *prob, int64_t n, int nclass, double threshold, int64_t *cm);

/* ROC points of a binary classifier: at most maxpts thresholds (distinct
 * scores, thinned evenly when there are more), highest first; each with
 * true/false positives and negatives when predicting 1 for score >=
 * threshold. Returns the count; arrays are malloc'd. */
struct ml_roc {
	int n;
	double *threshold;
	int64_t *tp, *fp, *tn, *fn;
};
void ml_roc_curve(const int32_t *y, const double *score, int64_t n, int maxpts, struct ml_roc *out);
void ml_roc_free(struct ml_roc *r);

/* Area under the ROC curve of scores for the positive rows (y == 1). */
double ml_auc(const int32_t *y, const double *score, int64_t n);

#endif
