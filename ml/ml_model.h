/*
 * ml_model: a trained model as wb keeps it - what it was trained on, how
 * its input columns become the kind's numeric features, and the kind's own
 * payload - and the model file (`<name>.wbm`) that holds it.
 *
 * Features. Each input column of the training query (other than the
 * label, a split column and ALS's columns) is one ml_feature:
 *   - numeric (BIGINT, DOUBLE): one feature; NULL/NaN is replaced by the
 *     training mean when null_handling = 'impute', else the row is dropped
 *     (training) or gets a NULL prediction;
 *   - categorical (VARCHAR, BOOLEAN, DATE, TIMESTAMP): one-hot (one 0/1
 *     feature per level; linear kinds leave out the first level, the
 *     reference, as R's treatment coding, so the intercept stays
 *     identifiable) or ordinal (one feature: the level's rank); a level not
 *     seen in training, or NULL under 'impute', is all zeros (one-hot) or
 *     -1 (ordinal).
 *   - Kinds with `standardize` get numeric features as (x - mean) / sd
 *     (training mean and population sd; sd 0 is taken as 1).
 * The same code encodes the training rows and every predicted chunk, so
 * training and scoring cannot disagree.
 *
 * The model file: "WBMODEL\0", a format version, the payload, and an MD5
 * of everything before it. A file that is truncated, altered or of another
 * version is refused with an error naming it; it is written to a temporary
 * name and renamed, so a crash never leaves half a model.
 */
#ifndef WB_ML_ML_MODEL_H
#define WB_ML_ML_MODEL_H

#include "ml/ml.h"
#include "ml/ml_metrics.h"
#include "core/types.h"
#include "core/vector.h"

struct ml_als;

enum ml_enc { ML_ENC_NUMERIC, ML_ENC_ONEHOT, ML_ENC_ORDINAL };

struct ml_feature {
	char *name;              /* the input column */
	wb_type type;            /* its SQL type at training */
	enum ml_enc enc;
	int nlevels;             /* categorical: levels in value order */
	char **levels;           /* their text (as CAST(x AS VARCHAR)) */
	int first;               /* the first encoded feature's index */
	int width;               /* encoded features: 1, or the one-hot levels used */
	int skip;                /* one-hot: levels left out at the front (0 or 1) */
	double mean, sd;         /* numeric: training mean (imputation) and sd (standardization; 1: none) */
	/* lookup: level text -> index, built on load (open addressing) */
	int32_t *slots;
	uint64_t *hashes;
	int nslots;
};

/* The label of supervised models. */
struct ml_label {
	char *name;
	wb_type type;
	int nclass;              /* 0: regression */
	char **classes;          /* class text, in value order (class codes 0..nclass-1) */
};

/* One metric on the evaluation split (or the training rows). */
struct ml_metric {
	char *name;
	double value;
};

struct ml_model {
	char *name;                      /* as created */
	const struct ml_kind *kind;      /* NULL for als */
	char *model_type;                /* the model_type option */
	/* supervised models */
	int nfeat;                       /* input columns */
	struct ml_feature *feat;
	int p;                           /* encoded features */
	char **fnames;                   /* p encoded feature names ("brand=apple") */
	struct ml_label label;
	bool drop_nulls;                 /* null_handling = 'drop' (else impute) */
	bool standardize;                /* numeric features as (x - mean) / sd */
	double threshold;                /* binary classifiers: predicted class 1 when P >= threshold */
	void *impl;                      /* the kind's model */
	/* als: user and item ids as text, by code; the user's seen items */
	struct ml_als *als;
	char *user_col, *item_col, *rating_col;
	wb_type user_type, item_type;
	int nusers, nitems;
	char **users, **items;
	int64_t *seen_off;               /* CSR: user u's items seen[seen_off[u] .. seen_off[u+1]) sorted */
	int32_t *seen;
	/* training record */
	int nopts;
	char **opt_keys, **opt_vals;     /* every option as given, as text */
	int nmetrics;
	struct ml_metric *metrics;       /* evaluation on the held-out split */
	int64_t *cm;                     /* classifiers: its confusion matrix (nclass x nclass) */
	struct ml_roc roc;               /* binary classifiers: its ROC points */
	int nsteps;
	struct ml_step *steps;           /* loss per iteration */
	int nnotes;
	char **notes;
	char *run_id, *experiment_id;    /* tracking */
	int64_t created_ms;
	int64_t train_rows, eval_rows;
	/* the held-out split, as the rule that rebuilds it (ML.EVALUATE's default) */
	char *eval_query;                /* SQL text of the training query */
	double split_frac;
	char *split_method;              /* "random", "stratified", "column", "none" */
	char *split_col;
	uint64_t seed;
};

void ml_model_free(struct ml_model *m);
/* Add a metric / a note (printf-style) to the training record. */
void ml_model_add_metric(struct ml_model *m, const char *name, double v);
void ml_model_note(struct ml_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Save to path (temporary file + rename) / load with every check. */
int ml_model_save(const struct ml_model *m, const char *path, struct wb_error *err);
struct ml_model *ml_model_load(const char *path, struct wb_error *err);
/* The same to and from memory (tests). */
void ml_model_write(const struct ml_model *m, struct ml_wbuf *b);
struct ml_model *ml_model_read(const uint8_t *p, size_t n, const char *what, struct wb_error *err);

/* Build each categorical feature's level lookup (after load or training). */
void ml_model_index(struct ml_model *m);
/* A level's index in feature f (text, len), or -1 when unseen. */
int ml_feature_level(const struct ml_feature *f, const char *s, size_t len);

/*
 * Encode n (<= ML_CHUNK) rows given as one vector per input column (in
 * feature order, any type the features were trained with) into x, column-
 * major x[j * n + i] over the p encoded features. ok[i] is cleared for a
 * row that cannot be predicted (a NULL under null_handling = 'drop').
 * Returns 0, or -1 with err set (a column of another type).
 */
int ml_encode_chunk(const struct ml_model *m, struct vec **cols, int n, double *x, bool *ok, struct wb_error *err);

/* Map one kind's coefficients back to the original feature scale:
 * est[p+1], se[p+1] (NaN without covariance). */
void ml_model_coefs(const struct ml_model *m, double *est, double *se);

#endif
