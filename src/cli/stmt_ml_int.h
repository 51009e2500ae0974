/*
 * stmt_ml_int: what the ML executor's files share (stmt_ml.c: models and
 * CREATE MODEL; stmt_ml_fn.c: the ML.* table functions; stmt_ml_track.c:
 * experiments, runs and the registry).
 */
#ifndef WB_CLI_STMT_ML_INT_H
#define WB_CLI_STMT_ML_INT_H

#include "cli/stmt_int.h"
#include "ml/ml_model.h"
#include "ml/ml_stmt.h"

/* A model file resolved from a reference: a trained model
 * ([schema.]name) or a registered one (name, name@alias, name/3). */
struct ml_resolved {
	char *path;        /* the .wbm file */
	char *display;     /* as the user named it */
};
int ml_resolve(struct session *s, const char *ref, int pos, struct ml_resolved *r, struct wb_error *err);
void ml_resolved_free(struct ml_resolved *r);

/* The trained model's file for a name, and whether it exists. */
char *ml_model_file(struct session *s, const struct ast_name *n, struct wb_error *err);

/* Loaded through the process-wide cache (ml_predict_fn.c). */
const struct ml_model *ml_cache_acquire(const char *path, struct wb_error *err);
void ml_cache_release(const struct ml_model *m);

/* ML.* (stmt_ml_fn.c) */
int ml_exec_fn(struct session *s, struct arena *a, struct ml_stmt *st, struct wb_error *err);
struct ast *ml_rewrite_predict(struct session *s, struct arena *a, void *data, struct wb_error *err);

/* tracking (stmt_ml_track.c) */
struct ml_run_ctx;
/* Start a run for CREATE MODEL (in the current experiment). NULL: no
 * tracking (err set when starting failed). */
struct ml_run_ctx *ml_track_start(struct session *s, const struct ml_stmt *st, const char *model_name,
    struct wb_error *err);
/* The run's id and experiment id (for the model file). */
const char *ml_track_run_id(const struct ml_run_ctx *r);
const char *ml_track_experiment_id(const struct ml_run_ctx *r);
/* Log the finished training (params, metrics, artifacts) and end the run
 * FINISHED; or, with m NULL, end it FAILED with the error's message. */
int ml_track_end(struct session *s, struct ml_run_ctx *r, const struct ml_model *m, const char *model_file,
    const struct wb_error *failure, struct wb_error *err);
int ml_exec_track(struct session *s, struct arena *a, struct ml_stmt *st, struct wb_error *err);
/* The session's run store (<warehouse>/mlruns; nothing is created), or
 * NULL with err when the session has no warehouse. */
struct mlt_store;
struct mlt_store *ml_track_store(struct session *s, struct wb_error *err);
/* SHOW METRIC HISTORY (stmt_ml_history.c), registered with the ML statements. */
void ml_register_history(void);

#endif
