/*
 * ml_tree_bench: wb's side of the random forest benchmark (not part of
 * make check). bench/ml_tree.py writes the data and times sklearn.
 *
 *   /usr/bin/python3 bench/ml_tree.py          (data + sklearn's time and AUC)
 *   make bench/ml_tree_bench && bench/ml_tree_bench [FILE [TREES [DEPTH [KIND]]]]
 *
 * Trains random_forest_classifier (or KIND, e.g. random_forest_regressor,
 * which fits the 0/1 labels) with num_trees = TREES, max_depth = DEPTH
 * and the defaults otherwise on the training rows, with the pool sized by
 * WB_THREADS, and prints the training time, the predict time of the test
 * rows (chunks of ML_CHUNK on one thread), the test AUC and the OOB
 * summary.
 *
 * Measured (idle 2-core AMD EPYC VM, 1 M x 20 rows, 100 trees, depth 10):
 * wb 3.7 s train (7.7 s on one thread), test AUC 0.82683; sklearn 1.2.1
 * n_jobs=2 210.8 s, test AUC 0.82462.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"
#include "core/xmalloc.h"
#include "ml/ml.h"

static double *
read_doubles(FILE *fp, size_t n)
{
	double *v = xmalloc(n * sizeof *v);
	if (fread(v, sizeof *v, n, fp) != n) {
		fprintf(stderr, "ml_tree_bench: short data file\n");
		exit(1);
	}
	return v;
}

static int
cmp_pair(const void *a, const void *b)
{
	const double *x = a, *y = b;
	return (x[0] > y[0]) - (x[0] < y[0]);
}

/* AUC with midranks for ties. */
static double
auc(const double *s, const double *y, int64_t n)
{
	double *v = xmalloc((size_t)n * 2 * sizeof *v), npos = 0, rs = 0;
	for (int64_t i = 0; i < n; i++) {
		v[2 * i] = s[i];
		v[2 * i + 1] = y[i];
		npos += y[i] > 0.5;
	}
	qsort(v, (size_t)n, 2 * sizeof *v, cmp_pair);
	for (int64_t i = 0; i < n;) {
		int64_t j = i;
		double pos = 0;
		while (j < n && v[2 * j] == v[2 * i])
			pos += v[2 * j++ + 1] > 0.5;
		rs += pos * ((double)(i + 1) + (double)j) / 2;
		i = j;
	}
	free(v);
	return (rs - npos * (npos + 1) / 2) / (npos * ((double)n - npos));
}

int
main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : "/tmp/ml_tree_bench.bin";
	const char *trees = argc > 2 ? argv[2] : "100", *depth = argc > 3 ? argv[3] : "10";
	const char *kindname = argc > 4 ? argv[4] : "random_forest_classifier";
	FILE *fp = fopen(file, "rb");
	if (fp == NULL) {
		fprintf(stderr, "ml_tree_bench: cannot open %s (run bench/ml_tree.py first)\n", file);
		return 1;
	}
	int64_t hdr[3];
	if (fread(hdr, sizeof hdr[0], 3, fp) != 3)
		return 1;
	int64_t n = hdr[0], nt = hdr[1];
	int p = (int)hdr[2];
	double *x = read_doubles(fp, (size_t)n * (size_t)p), *y = read_doubles(fp, (size_t)n);
	double *xt = read_doubles(fp, (size_t)nt * (size_t)p), *yt = read_doubles(fp, (size_t)nt);
	fclose(fp);

	const struct ml_kind *k = ml_kind_find(kindname);
	if (k == NULL) {
		fprintf(stderr, "ml_tree_bench: no kind %s\n", kindname);
		return 1;
	}
	struct ml_opt ov[2] = {
		{.key = "num_trees", .type = MLO_NUM, .num = atof(trees), .str = (char *)trees},
		{.key = "max_depth", .type = MLO_NUM, .num = atof(depth), .str = (char *)depth},
	};
	struct ml_opts o = {strstr(kindname, "forest") ? 2 : 1, strstr(kindname, "forest") ? ov : ov + 1};
	/* a regressor fits the 0/1 labels: its predictions are scores too */
	int nv = k->task == ML_CLASSIFICATION ? 2 : 1;
	struct ml_data d = {.n = n, .p = p, .x = x, .y = y, .nclass = nv == 2 ? 2 : 0};
	struct ml_log log;
	ml_log_init(&log);
	struct wb_error err = WB_ERROR_INIT;
	pool_size();
	double t0 = ml_now();
	void *m = k->train(&d, &o, &log, &err);
	double t1 = ml_now();
	if (m == NULL) {
		fprintf(stderr, "ml_tree_bench: %s\n", err.msg);
		return 1;
	}
	double *pr = xmalloc((size_t)nt * 2 * sizeof *pr), *s = xmalloc((size_t)nt * sizeof *s);
	double *chunk = xmalloc((size_t)ML_CHUNK * (size_t)p * sizeof *chunk);
	double t2 = ml_now();
	for (int64_t i0 = 0; i0 < nt; i0 += ML_CHUNK) {
		int c = (int)(nt - i0 < ML_CHUNK ? nt - i0 : ML_CHUNK);
		for (int j = 0; j < p; j++)
			memcpy(chunk + (size_t)j * (size_t)c, xt + (size_t)j * (size_t)nt + (size_t)i0, (size_t)c * sizeof *chunk);
		k->predict(m, chunk, c, pr + (size_t)i0 * (size_t)nv);
	}
	double t3 = ml_now();
	for (int64_t i = 0; i < nt; i++)
		s[i] = pr[nv * i + nv - 1];
	printf("wb %s(num_trees=%s, max_depth=%s) on %lld x %d, %d threads: train %.2f s, predict %.2f s, "
	    "test AUC %.5f\n", kindname, trees, depth, (long long)n, p, pool_size(), t1 - t0, t3 - t2, auc(s, yt, nt));
	struct ml_kv kv = {0};
	k->describe(m, &kv);
	for (int i = 0; i < kv.n; i++)
		printf("  %s: %s\n", kv.keys[i], kv.vals[i]);
	for (int i = 0; i < log.nnotes; i++)
		printf("  note: %s\n", log.notes[i]);
	ml_kv_free(&kv);
	ml_log_free(&log);
	k->free(m);
	free(x);
	free(y);
	free(xt);
	free(yt);
	free(pr);
	free(s);
	free(chunk);
	return 0;
}
