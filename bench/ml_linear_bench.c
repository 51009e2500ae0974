/*
 * ml_linear_bench: training time of linear_reg / logistic_reg on a table
 * written by bench/ml_linear.py (not part of make check).
 *
 *   make bench/ml_linear_bench
 *   bench/ml_linear_bench FILE KIND [STRATEGY [L2 [REPS]]]
 *
 * FILE: int64 n, int64 p, then x column-major (p * n doubles), y_reg (n),
 * y_bin (n), little-endian. KIND: linear_reg or logistic_reg. Prints the
 * best of REPS training times (seconds, wall clock and CPU of all
 * threads), the iterations and the coefficients (intercept first), one
 * "key value..." per line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/pool.h"
#include "core/xmalloc.h"
#include "ml/ml.h"

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s FILE KIND [STRATEGY [L2 [REPS]]]\n", argv[0]);
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (f == NULL) {
		perror(argv[1]);
		return 1;
	}
	int64_t hdr[2];
	if (fread(hdr, 8, 2, f) != 2)
		return 1;
	int64_t n = hdr[0];
	int p = (int)hdr[1];
	double *x = xmalloc(sizeof *x * (size_t)n * p), *yr = xmalloc(sizeof *yr * n), *yb = xmalloc(sizeof *yb * n);
	if (fread(x, 8, (size_t)n * p, f) != (size_t)n * p || fread(yr, 8, n, f) != (size_t)n ||
	    fread(yb, 8, n, f) != (size_t)n)
		return 1;
	fclose(f);
	const struct ml_kind *k = ml_kind_find(argv[2]);
	if (k == NULL)
		return 2;
	const char *strategy = argc > 3 ? argv[3] : "auto";
	double l2 = argc > 4 ? atof(argv[4]) : 0;
	int reps = argc > 5 ? atoi(argv[5]) : 3;
	char l2txt[32];
	snprintf(l2txt, sizeof l2txt, "%g", l2);
	struct ml_opt ov[2] = {
		{.key = "optimize_strategy", .type = MLO_STR, .str = (char *)strategy, .pos = -1},
		{.key = "l2_reg", .type = MLO_NUM, .num = l2, .str = l2txt, .pos = -1},
	};
	struct ml_opts o = {2, ov};
	struct ml_data d = {.n = n, .p = p, .x = x, .y = k->task == ML_REGRESSION ? yr : yb,
	    .nclass = k->task == ML_REGRESSION ? 0 : 2};
	pool_size();
	double best = 1e300, best_cpu = 1e300;
	void *m = NULL;
	struct ml_log log;
	for (int r = 0; r < reps; r++) {
		if (m) {
			k->free(m);
			ml_log_free(&log);
		}
		ml_log_init(&log);
		struct wb_error err = WB_ERROR_INIT;
		struct timespec c0, c1;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
		double t0 = ml_now();
		m = k->train(&d, &o, &log, &err);
		double t = ml_now() - t0;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
		double cpu = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
		if (cpu < best_cpu)
			best_cpu = cpu;
		if (m == NULL) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		if (t < best)
			best = t;
	}
	printf("threads %d\n", pool_size());
	printf("train_s %.4f\n", best);
	printf("train_cpu_s %.4f\n", best_cpu);
	printf("steps %d\n", log.nsteps);
	for (int i = 0; i < log.nnotes; i++)
		printf("note %s\n", log.notes[i]);
	const double *est, *cov;
	k->coefs(m, &est, &cov);
	printf("coef");
	for (int j = 0; j <= p; j++)
		printf(" %.17g", est[j]);
	printf("\n");
	k->free(m);
	ml_log_free(&log);
	free(x);
	free(yr);
	free(yb);
	return 0;
}
