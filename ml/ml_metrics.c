/*
 * ml_metrics: classification and regression metrics (ml_metrics.h).
 */
#include "ml/ml_metrics.h"
#include "core/xmalloc.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int
ml_predict_class(const double *prob, int nclass, double threshold)
{
	if (nclass == 2)
		return prob[1] >= threshold ? 1 : 0;
	int best = 0;
	for (int c = 1; c < nclass; c++)
		if (prob[c] > prob[best])
			best = c;
	return best;
}

void
ml_confusion(const int32_t *y, const double *prob, int64_t n, int nclass, double threshold, int64_t *cm)
{
	memset(cm, 0, sizeof *cm * (size_t)nclass * (size_t)nclass);
	for (int64_t i = 0; i < n; i++) {
		int pc = ml_predict_class(prob + i * nclass, nclass, threshold);
		cm[(size_t)y[i] * (size_t)nclass + (size_t)pc]++;
	}
}

/* Row indexes ordered by score, descending (ties in index order). */
static int
cmp_desc(const void *a, const void *b, void *arg)
{
	const double *score = arg;
	int64_t i = *(const int64_t *)a, j = *(const int64_t *)b;
	double x = score[i], y = score[j];
	if (x != y)
		return x > y ? -1 : 1;
	return i < j ? -1 : i > j;
}

static int64_t *
order_desc(const double *score, int64_t n)
{
	int64_t *ord = xmalloc(sizeof *ord * (size_t)(n ? n : 1));
	for (int64_t i = 0; i < n; i++)
		ord[i] = i;
	qsort_r(ord, (size_t)n, sizeof *ord, cmp_desc, (void *)score);
	return ord;
}

double
ml_auc(const int32_t *y, const double *score, int64_t n)
{
	int64_t *ord = order_desc(score, n);
	/* walk groups of tied scores: each negative counts the positives
	 * ranked above it, plus half of those tied with it */
	double pos_above = 0, sum = 0, npos = 0, nneg = 0;
	for (int64_t k = 0; k < n;) {
		int64_t e = k;
		double gp = 0, gn = 0;
		while (e < n && score[ord[e]] == score[ord[k]]) {
			if (y[ord[e]] == 1)
				gp++;
			else
				gn++;
			e++;
		}
		sum += gn * (pos_above + gp / 2);
		pos_above += gp;
		npos += gp;
		nneg += gn;
		k = e;
	}
	free(ord);
	return npos > 0 && nneg > 0 ? sum / (npos * nneg) : NAN;
}

/* Average precision (sklearn's average_precision_score). */
static double
average_precision(const int32_t *y, const double *score, int64_t n)
{
	int64_t *ord = order_desc(score, n);
	double npos = 0;
	for (int64_t i = 0; i < n; i++)
		npos += y[i] == 1;
	double tp = 0, seen = 0, prev_r = 0, ap = 0;
	for (int64_t k = 0; k < n;) {
		int64_t e = k;
		while (e < n && score[ord[e]] == score[ord[k]]) {
			tp += y[ord[e]] == 1;
			seen++;
			e++;
		}
		double r = npos > 0 ? tp / npos : 0, p = tp / seen;
		ap += (r - prev_r) * p;
		prev_r = r;
		k = e;
	}
	free(ord);
	return npos > 0 ? ap : NAN;
}

static void
put(struct ml_metric_set *o, const char *name, double v)
{
	if (o->n < ML_MAX_METRICS) {
		o->names[o->n] = name;
		o->values[o->n++] = v;
	}
}

void
ml_metrics_classify(const int32_t *y, const double *prob, int64_t n, int nclass, double threshold,
    struct ml_metric_set *out)
{
	out->n = 0;
	int64_t *cm = xmalloc(sizeof *cm * (size_t)nclass * (size_t)nclass);
	ml_confusion(y, prob, n, nclass, threshold, cm);
	double correct = 0, prec = 0, rec = 0, f1 = 0, ll = 0;
	for (int c = 0; c < nclass; c++)
		correct += (double)cm[c * nclass + c];
	/* per class c: precision = tp / predicted c, recall = tp / actual c
	 * (sklearn: 0 when the denominator is 0); multiclass averages over
	 * the classes that are actual or predicted somewhere, as sklearn's
	 * default label set (unique_labels(y_true, y_pred)) */
	int from = nclass == 2 ? 1 : 0, k = 0;
	for (int c = from; c < nclass; c++) {
		double tp = (double)cm[c * nclass + c], pred = 0, act = 0;
		for (int q = 0; q < nclass; q++) {
			pred += (double)cm[q * nclass + c];
			act += (double)cm[c * nclass + q];
		}
		if (nclass > 2 && pred == 0 && act == 0)
			continue;
		k++;
		double pc = pred > 0 ? tp / pred : 0, rc = act > 0 ? tp / act : 0;
		prec += pc;
		rec += rc;
		f1 += pc + rc > 0 ? 2 * pc * rc / (pc + rc) : 0;
	}
	/* sklearn 1.2's log_loss: each probability clipped to [eps, 1 - eps]
	 * (eps = DBL_EPSILON, its "auto"), then the row renormalized */
	for (int64_t i = 0; i < n; i++) {
		double sum = 0, py = 0;
		for (int c = 0; c < nclass; c++) {
			double p = prob[i * nclass + c];
			p = p < DBL_EPSILON ? DBL_EPSILON : p > 1 - DBL_EPSILON ? 1 - DBL_EPSILON : p;
			sum += p;
			if (c == y[i])
				py = p;
		}
		ll -= log(py / sum);
	}
	double auc, ap;
	if (nclass == 2) {
		double *s = xmalloc(sizeof *s * (size_t)(n ? n : 1));
		for (int64_t i = 0; i < n; i++)
			s[i] = prob[i * 2 + 1];
		auc = ml_auc(y, s, n);
		ap = average_precision(y, s, n);
		free(s);
	} else {
		double *s = xmalloc(sizeof *s * (size_t)(n ? n : 1));
		int32_t *yc = xmalloc(sizeof *yc * (size_t)(n ? n : 1));
		auc = ap = 0;
		int used = 0;
		for (int c = 0; c < nclass; c++) {
			for (int64_t i = 0; i < n; i++) {
				s[i] = prob[i * nclass + c];
				yc[i] = y[i] == c;
			}
			double a = ml_auc(yc, s, n);
			if (!isnan(a)) {
				auc += a;
				ap += average_precision(yc, s, n);
				used++;
			}
		}
		auc = used ? auc / used : NAN;
		ap = used ? ap / used : NAN;
		free(s);
		free(yc);
	}
	put(out, "accuracy", n ? correct / (double)n : NAN);
	put(out, "precision", prec / k);
	put(out, "recall", rec / k);
	put(out, "f1_score", f1 / k);
	put(out, "log_loss", n ? ll / (double)n : NAN);
	put(out, "roc_auc", auc);
	put(out, "pr_auc", ap);
	free(cm);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void
ml_metrics_regress(const double *y, const double *pred, int64_t n, struct ml_metric_set *out)
{
	out->n = 0;
	double my = 0, mr = 0;
	for (int64_t i = 0; i < n; i++) {
		my += y[i];
		mr += y[i] - pred[i];
	}
	my /= (double)n;
	mr /= (double)n;
	double sae = 0, sse = 0, sst = 0, svr = 0;
	double *ae = xmalloc(sizeof *ae * (size_t)(n ? n : 1));
	for (int64_t i = 0; i < n; i++) {
		double r = y[i] - pred[i];
		ae[i] = fabs(r);
		sae += ae[i];
		sse += r * r;
		sst += (y[i] - my) * (y[i] - my);
		svr += (r - mr) * (r - mr);
	}
	qsort(ae, (size_t)n, sizeof *ae, cmp_double);
	double med = n == 0 ? NAN : n % 2 ? ae[n / 2] : (ae[n / 2 - 1] + ae[n / 2]) / 2;
	free(ae);
	double dn = (double)n;
	put(out, "mean_absolute_error", sae / dn);
	put(out, "mean_squared_error", sse / dn);
	put(out, "root_mean_squared_error", sqrt(sse / dn));
	put(out, "median_absolute_error", med);
	put(out, "r2_score", sst > 0 ? 1 - sse / sst : NAN);
	put(out, "explained_variance", sst > 0 ? 1 - svr / sst : NAN);
}

void
ml_roc_curve(const int32_t *y, const double *score, int64_t n, int maxpts, struct ml_roc *out)
{
	memset(out, 0, sizeof *out);
	int64_t *ord = order_desc(score, n);
	int64_t npos = 0;
	for (int64_t i = 0; i < n; i++)
		npos += y[i] == 1;
	int64_t nneg = n - npos;
	/* distinct scores, highest first, with cumulative counts */
	int64_t nd = 0;
	for (int64_t k = 0; k < n; k++)
		if (k == 0 || score[ord[k]] != score[ord[k - 1]])
			nd++;
	int64_t step = maxpts > 0 && nd > maxpts ? (nd + maxpts - 1) / maxpts : 1;
	int cap = (int)(nd / step + 2);
	out->threshold = xmalloc(sizeof *out->threshold * (size_t)cap);
	out->tp = xmalloc(sizeof(int64_t) * (size_t)cap);
	out->fp = xmalloc(sizeof(int64_t) * (size_t)cap);
	out->tn = xmalloc(sizeof(int64_t) * (size_t)cap);
	out->fn = xmalloc(sizeof(int64_t) * (size_t)cap);
	int64_t tp = 0, fp = 0, d = 0;
	for (int64_t k = 0; k < n;) {
		int64_t e = k;
		while (e < n && score[ord[e]] == score[ord[k]]) {
			if (y[ord[e]] == 1)
				tp++;
			else
				fp++;
			e++;
		}
		d++;
		/* keep every step-th threshold and the last (all rows positive) */
		if ((d % step == 0 || e == n) && out->n < cap) {
			int j = out->n++;
			out->threshold[j] = score[ord[k]];
			out->tp[j] = tp;
			out->fp[j] = fp;
			out->tn[j] = nneg - fp;
			out->fn[j] = npos - tp;
		}
		k = e;
	}
	free(ord);
}

void
ml_roc_free(struct ml_roc *r)
{
	free(r->threshold);
	free(r->tp);
	free(r->fp);
	free(r->tn);
	free(r->fn);
	memset(r, 0, sizeof *r);
}
