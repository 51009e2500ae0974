/*
 * ml_glm: what the linear kinds (linear_reg, logistic_reg) share - the
 * fitted model and its file format, the options, the parallel row-block
 * passes, and the solvers that do not look at rows (Cholesky with
 * aliasing, coordinate descent on a quadratic, L-BFGS).
 *
 * Internal to ml_linear.c and ml_logistic.c; the framework sees only the
 * two struct ml_kind values of ml.h.
 *
 * Parallel passes over the rows are split into tasks whose number and
 * row ranges depend only on (n, size of the per-task partial result),
 * never on the thread count; each task writes its own partial sums and
 * the caller adds them up in task order, so a fit is bit-for-bit the
 * same on 1 or 64 threads.
 */
#ifndef WB_ML_GLM_H
#define WB_ML_GLM_H

#include "ml/ml.h"

#include <stdbool.h>
#include <stdint.h>

/* ------------------------------------------------------------ options */

enum ml_glm_strategy {
	GLM_AUTO,
	GLM_QR,        /* linear_reg, l1_reg = 0: Householder QR (stats_lsq) */
	GLM_IRLS,      /* binary logistic_reg, l1_reg = 0: Newton / IRLS */
	GLM_LBFGS,     /* logistic_reg, l1_reg = 0: limited-memory BFGS */
	GLM_CD,        /* coordinate descent (logistic: on Newton's quadratic) */
};

/* 'auto', 'qr', ... in enum order, NULL-terminated. */
extern const char *const ml_glm_strategy_names[];
/* The option names both kinds read, NULL-terminated. */
extern const char *const ml_glm_options[];

struct ml_glm_opts {
	double l2, l1;              /* l2_reg, l1_reg >= 0 */
	bool intercept;             /* fit_intercept */
	int64_t max_iter;           /* max_iterations; 0: the strategy's default */
	double tol;                 /* min_rel_progress; < 0: the strategy's default */
	enum ml_glm_strategy strategy;
	int strategy_pos;           /* statement offset of optimize_strategy, for errors */
};

int ml_glm_read_opts(const struct ml_opts *o, struct ml_glm_opts *g, struct wb_error *err);

/* ------------------------------------------------------------ rows */

/* Checks the weights (finite, >= 0, some > 0) and the labels (finite;
 * classification: whole numbers 0..nclass-1). Fills the total weight, the
 * rows of positive weight and, when classw is not NULL, the weight of each
 * class (nclass values). */
int ml_glm_check_rows(const struct ml_data *d, const char *kind, double *sumw, int64_t *npos, double *classw,
    struct wb_error *err);

/* The name of feature j for messages (j < 0: the intercept). */
const char *ml_glm_name(const struct ml_data *d, int j, char *buf, size_t size);

/* Rows per inner block: one block of every column (and the per-row
 * scratch) stays in the L2 cache. */
#define GLM_BLOCK 256

/* Task split of n rows whose partial results take `partial` doubles each. */
int ml_glm_ntasks(int64_t n, size_t partial);
void ml_glm_task_rows(int64_t n, int ntasks, int task, int64_t *lo, int64_t *hi);

/* h (m x m, row-major, upper triangle) += sum_i v[i] c_j[i] c_k[i] over
 * the nb (<= GLM_BLOCK) rows of the columns c_0 .. c_{m-1}; scratch holds
 * GLM_GRAM_SCRATCH(m) doubles. Some entries just below the diagonal get sums
 * too: take the lower triangle from the upper one (ml_glm_symmetrize). */
#define GLM_GRAM_SCRATCH(m) ((size_t)((m) + 4) * GLM_BLOCK)
void ml_glm_gram_block(const double *const *cols, int m, int nb, const double *v, double *scratch, double *h);
/* Mirror the upper triangle of the m x m matrix a into its lower one. */
void ml_glm_symmetrize(double *a, int m);

/* ------------------------------------------------------------ dense solvers */

/* Cholesky factor (lower, row-major m x m into l) of the symmetric a over
 * the coordinates not in skip (skip may be NULL). A coordinate whose
 * pivot - its squared norm left after the coordinates before it - is at
 * most tol * a_jj (or a_jj <= 0) is marked in alias and left out when
 * alias is given; without alias it makes the factorization fail (-1).
 * Returns the number of coordinates factored. */
int ml_glm_chol(const double *a, int m, const bool *skip, double tol, double *l, bool *alias);
/* Solve L L' x = b in place over the coordinates factored (those with
 * l_jj > 0); the others are set to 0. */
void ml_glm_chol_solve(const double *l, int m, double *b);
/* inv = A^-1 over the coordinates factored; the rows and columns of the
 * others get `fill`. */
void ml_glm_chol_inverse(const double *l, int m, double fill, double *inv);

/* Minimize (1/2) b'Ab - c'b + sum_j pen[j] |b_j| by cyclic coordinate
 * descent from b, over the coordinates not in fixed (fixed may be NULL).
 * A is m x m, symmetric (full). Sweeps until the objective decreases by
 * at most tol in a sweep (measured coordinate by coordinate, so without
 * cancellation) or max_sweeps. Returns the sweeps done; *dec gets the
 * last sweep's decrease. A coordinate with a_jj <= 0 is set to 0. */
int ml_glm_cd(int m, const double *a, const double *c, const double *pen, const bool *fixed, double *b,
    int max_sweeps, double tol, double *dec);

/* Limited-memory BFGS (10 pairs) with a weak-Wolfe line search, for a
 * smooth objective. fg returns f(x) and fills its gradient g; iter is
 * called after each accepted step and stops the run by returning true.
 * Coordinates in fixed keep their start values. Converged when an
 * iteration's decrease is at most tol |f| and the gradient's largest
 * component at most 1e3 tol |f|: linear convergence can make tiny
 * decreases while coefficients along weak directions are still off by
 * 1e-4, which the gradient shows. Stops at max_iter, or when the line
 * search cannot decrease f (at the rounding floor of f: converged if the
 * gradient test holds). */
struct ml_glm_lbfgs {
	int nvar;
	double (*fg)(void *ctx, const double *x, double *g);
	bool (*iter)(void *ctx, int it, const double *x, double f);
	void *ctx;
	const bool *fixed;
	int max_iter;
	double tol;
	/* results */
	int iterations;
	bool converged, stopped, ls_failed;
	double f, rel;              /* final objective, last relative decrease */
};
void ml_glm_lbfgs(struct ml_glm_lbfgs *o, double *x);

/* ------------------------------------------------------------ the model */

struct ml_glm {
	int p;                      /* features */
	int nclass;                 /* 0: regression; 2: binary; > 2: multinomial */
	int nset;                   /* coefficient sets: 1, or nclass (multinomial) */
	double *coef;               /* nset x (p + 1), intercept first */
	double *cov;                /* (p + 1) x (p + 1), or NULL */
	uint8_t *aliased;           /* p + 1: dropped as collinear (coef 0) */
	/* how it was fitted, for DESCRIBE */
	enum ml_glm_strategy strategy;
	bool intercept, converged;
	int iterations;
	double l2, l1;
	double objective;           /* the final value of the documented objective */
	double sumw;                /* total row weight */
	int64_t nrows;              /* rows of positive weight */
	int rank;                   /* coefficients estimated (intercept included); -1 if not known */
	double sigma, df;           /* linear: residual standard error and its degrees of freedom (NaN else) */
};

struct ml_glm *ml_glm_new(int p, int nclass, int nset);
void ml_glm_free(void *m);
void ml_glm_predict(const void *m, const double *x, int n, double *out);
void ml_glm_importance(const void *m, double *out);
void ml_glm_describe(const void *m, struct ml_kv *kv);
void ml_glm_coefs(const void *m, const double **est, const double **cov);
void ml_glm_save(const void *m, struct ml_wbuf *b);
/* nclass: what the framework says (0 for regression kinds). */
void *ml_glm_load(struct ml_rbuf *r, int p, int nclass, bool logistic, struct wb_error *err);

/* The iteration count note: "converged after N iterations" or "did not
 * converge ...". */
void ml_glm_note_convergence(struct ml_log *log, bool converged, int iterations, double rel, const char *unit);

#endif
