/*
 * ml_train: CREATE MODEL's work between reading the rows and saving the
 * model - options, roles of the columns, the split, class weights,
 * feature encoding, training and evaluation on the held-out rows.
 *
 * Two steps, because how a column is read depends on the options:
 *   1. ml_train_plan() sees the training query's column names and types
 *      and the options, checks them, and says how each column is read
 *      (NUMERIC or FACTOR, stats.h) - a classifier's label as a factor,
 *      a regressor's as a number, VARCHAR/BOOLEAN features as factors.
 *   2. ml_train_run() gets the columns as read and returns the model, its
 *      held-out predictions (for ROC points and tracking) and notes.
 *
 * Common options (every kind): model_type, label (or input_label_cols =
 * ['y']), data_split (held-out fraction, default 0.2; 0: none),
 * data_split_method ('random' | 'stratified' | 'column' | 'none'),
 * split_col (a BOOLEAN column, TRUE = held out; implies 'column'), seed,
 * null_handling ('impute' | 'drop' | 'error'), category_encoding
 * ('one_hot' | 'ordinal'), standardize_features (linear kinds),
 * class_weight ('balanced') or class_weights ({'label': weight, ...}),
 * threshold (binary classifiers). ALS: user_col, item_col, rating_col
 * (defaults: the first, second and third columns; no rating column means
 * every interaction counts 1) and k (the cut-off of its ranking metrics).
 *
 * The split is by content, not position: a row is held out when a hash
 * of its values and the seed falls under data_split (random), or when it
 * is among the first data_split of its class in hash order (stratified),
 * so the same data and seed give the same split whatever order the rows
 * arrive in.
 */
#ifndef WB_ML_ML_TRAIN_H
#define WB_ML_ML_TRAIN_H

#include "ml/ml_model.h"
#include "stats/stats.h"

struct ml_plan {
	struct ml_opts *opts;
	const char *model_type;
	const struct ml_kind *kind;       /* NULL for als */
	bool als;
	int ncol;
	enum stats_role *roles;           /* how to read each column */
	int label_col;                    /* -1 for als */
	int split_col;                    /* -1: none */
	int user_col, item_col, rating_col;   /* als (rating -1: none) */
	char *const *names;
	const wb_type *types;
	/* resolved options */
	double split_frac;
	const char *split_method;
	uint64_t seed;
	const char *null_handling;
	bool ordinal;
	bool standardize;
	double threshold;
	int k;                            /* als ranking metrics' cut-off */
};

/* Held-out predictions (training rows when there is no split). */
struct ml_eval {
	int64_t n;
	int nclass;
	int32_t *y;                       /* classifiers: class codes */
	double *yreg;                     /* regressors: targets */
	double *pred;                     /* n x nclass probabilities, or n predictions */
	bool on_training;                 /* no held-out rows: measured on the training rows */
};

/* Options every kind accepts (NULL-terminated), for the unknown-option
 * check and for help. */
extern const char *const ml_common_options[];

int ml_train_plan(struct ml_plan *plan, struct ml_opts *opts, int ncol, char *const *names, const wb_type *types,
    struct wb_error *err);
void ml_plan_free(struct ml_plan *plan);

/* Train. The model's name, options and query text are the caller's to
 * set; notes (NULL handling, label distribution, convergence) go to the
 * model. */
struct ml_model *ml_train_run(const struct ml_plan *plan, const struct stats_data *d, struct ml_log *log,
    struct ml_eval *ev, struct wb_error *err);
void ml_eval_free(struct ml_eval *ev);

/* ALS's part of ml_train_run (ml_train_als.c). */
struct ml_model *ml_train_als(const struct ml_plan *plan, const struct stats_data *d, struct ml_log *log,
    struct ml_eval *ev, struct wb_error *err);

/* Predict n rows of encoded features with the kind (chunked, parallel):
 * out n x nclass probabilities or n values. x column-major over n rows. */
void ml_predict_matrix(const struct ml_model *m, const double *x, int64_t n, double *out);

#endif
