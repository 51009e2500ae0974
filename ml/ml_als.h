/*
 * ml_als: matrix factorization by alternating least squares, for
 * recommendations (model_type = 'matrix_factorization').
 *
 * The data are (user, item, rating) triples with users and items already
 * coded 0..nusers-1 and 0..nitems-1 by the framework. Each user u gets a
 * factor x_u and each item i a factor y_i (num_factors values each); the
 * predicted preference is x_u . y_i.
 *
 * Implicit feedback (feedback_type = 'implicit', the default; Hu, Koren &
 * Volinsky 2008): ratings are interaction strengths (counts, durations).
 * The ratings of a (user, item) pair are summed into r_ui; the preference
 * is p_ui = [r_ui > 0] and the confidence c_ui = 1 + alpha * r_ui. ALS
 * minimizes, over every cell of the users x items matrix,
 *     sum_ui c_ui (p_ui - x_u.y_i)^2 + l2_reg (sum |x_u|^2 + sum |y_i|^2)
 * where unobserved cells have p = 0 and c = 1. A pair whose summed rating
 * is <= 0 is the same as an unobserved one (no preference, confidence
 * 1): negative feedback is not modelled. Each user's solve uses
 * Y'Y + Y_u'(C_u - I)Y_u, so it costs O(n_u k^2 + k^3), not O(nitems k^2).
 *
 * Explicit ratings (feedback_type = 'explicit'): regularized least squares
 * over the observed triples only, with Zhou et al.'s weighted-lambda
 * regularization (ALS-WR, as Spark MLlib does):
 *     sum_obs (r_ui - x_u.y_i)^2 + l2_reg (sum n_u |x_u|^2 + sum n_i |y_i|^2)
 * with n_u, n_i the numbers of ratings. The penalty grows with the data
 * behind each factor, so one l2_reg suits users with 3 ratings and with
 * 3000. Duplicate triples count as separate observations. There are no
 * bias terms: predictions are x_u.y_i, without a global mean.
 *
 * Users and items with no (positive, in implicit mode) training triples
 * have zero factors and score 0; ml_als_known() tells such users apart,
 * and ml_als_recommend() gives them the popularity ranking.
 *
 * Scoring all items for a user costs nitems * k multiply-adds; 100 k
 * users x 20 k items at rank 10 take about 3 CPU seconds (x86-64, SSE2).
 *
 * Training: user factors start as |N(0,1)| vectors scaled to unit length
 * (one random stream per user from `seed`); each iteration solves all item
 * factors given the users', then all user factors given the items', each
 * solve an independent k x k Cholesky, spread over the thread pool in
 * fixed blocks so results are bit-identical for any thread count. After
 * training every user factor is the exact minimizer given the item
 * factors (what fold-in of a user would give). The objective after each
 * iteration goes to ml_log_step.
 *
 * Options (BigQuery ML's names; aliases in parentheses):
 *   feedback_type      'implicit' (default) or 'explicit'
 *   num_factors (rank) factors per user and item, 1..1000; default 10
 *   l2_reg (reg)       lambda above, >= 0; default 1 for implicit (as
 *                      BigQuery) and 0.1 for explicit (per rating, as
 *                      Spark's regParam)
 *   max_iterations     1..10000; default 10 (one iteration = items, users)
 *   wals_alpha (alpha) confidence slope, >= 0; default 40 (Hu et al.);
 *                      implicit only (an error with explicit)
 *   seed               initialization, 0..2^53; default 0
 *   early_stop         stop when an iteration lowers the objective by
 *                      less than min_rel_progress of it; default FALSE
 *                      (BigQuery's default is TRUE) so max_iterations is
 *                      what runs
 *   min_rel_progress   default 0.01
 * The training log gets the objective after every iteration (no
 * eval_loss); ml_log_progress counts iterations.
 *
 * The model is read-only after training: score/recommend/popular may be
 * called concurrently.
 */
#ifndef WB_ML_ML_ALS_H
#define WB_ML_ML_ALS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "ml/ml.h"

/* Largest num_factors. */
#define ML_ALS_MAX_RANK 1000

struct ml_als_data {
	int64_t n;                /* triples */
	const int32_t *user;      /* n codes in [0, nusers) */
	const int32_t *item;      /* n codes in [0, nitems) */
	const double *rating;     /* n ratings, finite */
	int nusers, nitems;
};

struct ml_als;

/* The option names train reads (NULL-terminated). */
extern const char *const ml_als_options[];

/* Train; NULL with err set on a bad option, bad data (empty, a code out
 * of range, a NaN or infinite rating), a singular system (l2_reg = 0) or
 * cancellation. */
struct ml_als *ml_als_train(const struct ml_als_data *d, const struct ml_opts *o, struct ml_log *log,
    struct wb_error *err);

/* x_u . y_i; NaN when user or item is out of range. */
double ml_als_score(const struct ml_als *m, int32_t user, int32_t item);

/* The top k items for user by score, excluding seen[0..nseen) (sorted
 * ascending; duplicates and codes out of range are ignored). Writes at
 * most k items and their scores, best first, ties by smaller item code,
 * and returns how many. A user out of range or with no training
 * interactions gets ml_als_popular()'s ranking instead. scores may be
 * NULL. */
int ml_als_recommend(const struct ml_als *m, int32_t user, const int32_t *seen, int nseen, int k, int32_t *items,
    double *scores);

/* ml_als_recommend for nreq users in parallel on the pool. Request r's
 * seen items are seen[seen_off[r] .. seen_off[r+1]); its results go to
 * items_out[r*k ..] and scores_out[r*k ..] (scores_out may be NULL),
 * padded with -1 (items) and NaN (scores) after the count found. */
void ml_als_recommend_many(const struct ml_als *m, const int32_t *users, int nreq, const int64_t *seen_off,
    const int32_t *seen, int k, int32_t *items_out, double *scores_out);

/* Items by popularity, best first (ties by item code), excluding seen
 * (sorted): implicit, the sum of the positive summed ratings; explicit,
 * the number of ratings. Returns the count written (<= k). */
int ml_als_popular(const struct ml_als *m, const int32_t *seen, int nseen, int k, int32_t *items, double *scores);

int ml_als_nusers(const struct ml_als *m);
int ml_als_nitems(const struct ml_als *m);
int ml_als_rank(const struct ml_als *m);
bool ml_als_implicit(const struct ml_als *m);
/* Whether user had training interactions (else its factor is zero). */
bool ml_als_known(const struct ml_als *m, int32_t user);
/* The factors, row-major: user u's at [u * rank], item i's at [i * rank]. */
const double *ml_als_user_factors(const struct ml_als *m);
const double *ml_als_item_factors(const struct ml_als *m);
/* The objective ALS minimizes (see above) at the trained factors. */
double ml_als_objective(const struct ml_als *m);

void ml_als_describe(const struct ml_als *m, struct ml_kv *kv);
void ml_als_save(const struct ml_als *m, struct ml_wbuf *b);
struct ml_als *ml_als_load(struct ml_rbuf *r, struct wb_error *err);
void ml_als_free(struct ml_als *m);

#endif
