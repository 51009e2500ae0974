/*
 * ml: model kinds behind one ops struct, and what every kind shares.
 *
 * A kind (logistic_reg, decision_tree_classifier, ...) is a `struct
 * ml_kind`: it trains on a dense numeric matrix (struct ml_data) that the
 * framework has already built from the training query (categorical
 * columns one-hot or ordinal encoded, NULLs dropped or imputed, columns
 * standardized for the kinds that ask for it, class labels coded 0..k-1),
 * predicts chunks of rows, reports feature importance and a few summary
 * values, and saves/loads itself through the bounds-checked buffers below.
 * The framework (ml_model.c) owns feature encoding, the model file, the
 * split, metrics and tracking; kinds know nothing of SQL or files.
 *
 * Conventions every kind follows:
 *   - Deterministic for a seed whatever the thread count: random streams
 *     are derived from (seed, stream id) with ml_rng_seed, never shared
 *     between threads, and parallel work is reduced in a fixed order.
 *   - Errors (a bad option value, a singular problem) go to err with a
 *     message naming the option or the problem and what to do; train then
 *     returns NULL. No aborts, no printing.
 *   - Long loops call ml_log_progress and stop (returning NULL with
 *     "training cancelled") when ml_log_cancelled says so.
 *   - Loaders never trust the file: every count is checked against what
 *     the buffer still holds, and a corrupt payload is an error, not a
 *     crash.
 */
#ifndef WB_ML_ML_H
#define WB_ML_ML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Rows per predict call (the engine's vector size). */
#define ML_CHUNK 2048

enum ml_task {
	ML_REGRESSION,
	ML_CLASSIFICATION,
	ML_RECOMMENDATION,
};

/* ------------------------------------------------------------ options */

/* OPTIONS (key = value, ...): numbers, strings, booleans, lists [a, b]
 * and maps {'k': v}. Keys are lower case. */
enum ml_opt_type { MLO_NUM, MLO_STR, MLO_BOOL, MLO_LIST, MLO_MAP };

struct ml_opt {
	char *key;                /* lower case; NULL for list items */
	enum ml_opt_type type;
	double num;               /* MLO_NUM */
	char *str;                /* MLO_STR, and the text of every scalar */
	bool b;                   /* MLO_BOOL */
	int n;                    /* MLO_LIST / MLO_MAP items */
	struct ml_opt *items;     /* map items carry their key */
	int pos;                  /* statement offset, for errors */
	bool used;                /* read by someone (unknown-option check) */
};

struct ml_opts {
	int n;
	struct ml_opt *v;
};

/* The option named key, marked used; NULL when absent. */
struct ml_opt *ml_opt_find(const struct ml_opts *o, const char *key);
/* Typed reads with range checks. Absent: *out = def, return 0. Wrong
 * type or out of [lo, hi]: error naming the option, return -1. */
int ml_opt_num(const struct ml_opts *o, const char *key, double def, double lo, double hi, double *out,
    struct wb_error *err);
int ml_opt_int(const struct ml_opts *o, const char *key, int64_t def, int64_t lo, int64_t hi, int64_t *out,
    struct wb_error *err);
int ml_opt_bool(const struct ml_opts *o, const char *key, bool def, bool *out, struct wb_error *err);
/* A string option that must be one of allowed (NULL-terminated, compared
 * case-insensitively; *out points into allowed). */
int ml_opt_choice(const struct ml_opts *o, const char *key, const char *def, const char *const *allowed,
    const char **out, struct wb_error *err);
/* Any string option (points into o). */
int ml_opt_str(const struct ml_opts *o, const char *key, const char *def, const char **out, struct wb_error *err);
/* The option's value as text (for run params): numbers as %.17g trimmed,
 * lists/maps in SQL form. Returns malloc'd text. */
char *ml_opt_text(const struct ml_opt *v);

/* ------------------------------------------------------------ data */

/* The training matrix. Features are column-major, finite, already
 * encoded; classification labels are 0..nclass-1 (as doubles). */
struct ml_data {
	int64_t n;                /* rows */
	int p;                    /* features */
	const double *x;          /* x[(size_t)j * n + i] */
	const double *y;          /* n targets */
	const double *w;          /* n row weights (class weights), or NULL: all 1 */
	int nclass;               /* 0: regression; >= 2: classes */
	char *const *names;       /* p feature names, for messages */
	/* Optional held-out rows (same layout, nv rows) a kind may use to log
	 * eval_loss per iteration; NULL when there is no split. */
	int64_t nv;
	const double *xv;
	const double *yv;
};

/* ------------------------------------------------------------ training log */

/* One iteration of an iterative trainer (ML.TRAINING_INFO). */
struct ml_step {
	int iteration;            /* 0-based */
	double loss;              /* training loss (the objective) */
	double eval_loss;         /* on the held-out rows, NaN when not computed */
	double duration_ms;       /* since the previous step */
};

struct ml_log {
	struct ml_step *steps;
	int nsteps, cap;
	char **notes;             /* "converged after 7 iterations", warnings */
	int nnotes;
	/* set by the caller: progress display and cancellation */
	void (*progress)(void *arg, int64_t done, int64_t total, const char *unit);
	void *progress_arg;
	volatile int *cancel;     /* non-zero: stop */
	double t_last;            /* internal: time of the last step */
};

void ml_log_init(struct ml_log *l);
void ml_log_free(struct ml_log *l);
void ml_log_step(struct ml_log *l, int iteration, double loss, double eval_loss);
void ml_log_note(struct ml_log *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* done of total units ("iterations", "trees") - any thread may call. */
void ml_log_progress(struct ml_log *l, int64_t done, int64_t total, const char *unit);
bool ml_log_cancelled(const struct ml_log *l);

/* ------------------------------------------------------------ key/value summaries */

/* DESCRIBE MODEL's kind-specific lines ("trees", "100"). */
struct ml_kv {
	int n, cap;
	char **keys, **vals;
};
void ml_kv_add(struct ml_kv *kv, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ml_kv_free(struct ml_kv *kv);

/* ------------------------------------------------------------ model files */

struct ml_wbuf {
	uint8_t *p;
	size_t n, cap;
};
void ml_w_u8(struct ml_wbuf *b, uint8_t v);
void ml_w_u32(struct ml_wbuf *b, uint32_t v);
void ml_w_i64(struct ml_wbuf *b, int64_t v);
void ml_w_f64(struct ml_wbuf *b, double v);
void ml_w_f64s(struct ml_wbuf *b, const double *v, size_t n);
void ml_w_i32s(struct ml_wbuf *b, const int32_t *v, size_t n);
void ml_w_f32s(struct ml_wbuf *b, const float *v, size_t n);
void ml_w_str(struct ml_wbuf *b, const char *s);     /* NULL allowed */
void ml_wbuf_free(struct ml_wbuf *b);

/* Reads past the end set `bad` and return zeros; check ml_r_ok() after a
 * group of reads. */
struct ml_rbuf {
	const uint8_t *p;
	size_t n, off;
	bool bad;
};
uint8_t ml_r_u8(struct ml_rbuf *r);
uint32_t ml_r_u32(struct ml_rbuf *r);
int64_t ml_r_i64(struct ml_rbuf *r);
double ml_r_f64(struct ml_rbuf *r);
/* Arrays: n elements into out (caller allocated, after checking with
 * ml_r_fits that the buffer holds them). */
void ml_r_f64s(struct ml_rbuf *r, double *out, size_t n);
void ml_r_i32s(struct ml_rbuf *r, int32_t *out, size_t n);
void ml_r_f32s(struct ml_rbuf *r, float *out, size_t n);
char *ml_r_str(struct ml_rbuf *r);                    /* malloc'd; NULL if it was NULL or bad */
/* Whether count elements of size bytes each remain (guards allocations
 * sized by counts read from the file). Sets bad when not. */
bool ml_r_fits(struct ml_rbuf *r, uint64_t count, size_t size);
bool ml_r_ok(const struct ml_rbuf *r);

/* ------------------------------------------------------------ random numbers */

/* xoshiro256** seeded through splitmix64 from (seed, stream): stream lets
 * each tree / block / thread have its own sequence, so results do not
 * depend on scheduling. */
struct ml_rng {
	uint64_t s[4];
};
void ml_rng_seed(struct ml_rng *r, uint64_t seed, uint64_t stream);
uint64_t ml_rng_next(struct ml_rng *r);
double ml_rng_uniform(struct ml_rng *r);              /* [0, 1) */
uint64_t ml_rng_below(struct ml_rng *r, uint64_t n);  /* [0, n), unbiased */
double ml_rng_normal(struct ml_rng *r);               /* N(0, 1) */

/* ------------------------------------------------------------ kinds */

struct ml_kind {
	const char *name;             /* model_type value: "logistic_reg" */
	enum ml_task task;
	const char *summary;          /* one line for help */
	/* The option names this kind reads (NULL-terminated); the framework
	 * rejects options no one reads with a did-you-mean. */
	const char *const *options;
	/* The framework standardizes features (mean 0, sd 1) before train and
	 * the same way before predict; coefficients are reported both ways. */
	bool standardize;
	void *(*train)(const struct ml_data *d, const struct ml_opts *o, struct ml_log *log,
	    struct wb_error *err);
	/* n <= ML_CHUNK rows, features column-major x[j * n + i]. out: for
	 * regression out[i]; for classification the class probabilities
	 * out[i * nclass + c]. Must be thread-safe (called concurrently). */
	void (*predict)(const void *m, const double *x, int n, double *out);
	/* Importance of each of the p features (trees: total weighted impurity
	 * decrease normalized to sum 1; linear: |standardized coefficient|).
	 * NULL when the kind has none. */
	void (*importance)(const void *m, double *out);
	/* DESCRIBE MODEL's lines (iterations, trees, OOB score, ...). */
	void (*describe)(const void *m, struct ml_kv *kv);
	/* Linear kinds: the coefficients in the space the model was trained
	 * in (standardized when `standardize`), intercept first (p + 1
	 * values), and their covariance ((p+1) x (p+1), row-major) when the
	 * kind computes standard errors, else NULL. Both point into the
	 * model. The framework maps them back to the original scale. NULL
	 * for kinds without coefficients. */
	void (*coefs)(const void *m, const double **est, const double **cov);
	void (*save)(const void *m, struct ml_wbuf *b);
	void *(*load)(struct ml_rbuf *r, int p, int nclass, struct wb_error *err);
	void (*free)(void *m);
};

/* The kinds, by model_type (case-insensitive); NULL when unknown. */
const struct ml_kind *ml_kind_find(const char *name);
int ml_kind_count(void);
const struct ml_kind *ml_kind_at(int i);

/* Kinds defined in their own files. */
extern const struct ml_kind ml_kind_linear_reg;
extern const struct ml_kind ml_kind_logistic_reg;
extern const struct ml_kind ml_kind_tree_classifier;
extern const struct ml_kind ml_kind_tree_regressor;
extern const struct ml_kind ml_kind_forest_classifier;
extern const struct ml_kind ml_kind_forest_regressor;

/* Seconds on a monotonic clock. */
double ml_now(void);

#endif
