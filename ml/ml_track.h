/*
 * ml_track: run tracking and a model registry in MLflow's local file-store
 * layout ("mlruns/"), so that the MLflow UI and client read what wb logs
 * and wb reads what MLflow logged.
 *
 * Layout (MLflow 2.x FileStore; wb's own root is <warehouse>/mlruns):
 *   <root>/.trash/<exp_id>/                  deleted experiments
 *   <root>/<exp_id>/meta.yaml                experiment ('0' = "Default")
 *   <root>/<exp_id>/<run_id>/meta.yaml       run (run_id = uuid4 hex)
 *   <root>/<exp_id>/<run_id>/metrics/<key>   "<ts_ms> <value> <step>\n" per log
 *   <root>/<exp_id>/<run_id>/params/<key>    the value, no newline
 *   <root>/<exp_id>/<run_id>/tags/<key>      the value, no newline
 *   <root>/<exp_id>/<run_id>/artifacts/
 *   <root>/models/<name>/meta.yaml, aliases/<alias>, version-<N>/meta.yaml
 * Keys containing '/' are sub-directories. meta.yaml files are written as
 * PyYAML writes them (ml_yaml.h), always through a temporary file and a
 * rename, so a reader never sees half of one.
 *
 * Contracts:
 *   - Every function returns -1 (or NULL) with err set on failure; the
 *     message names the path or id and what to do. Nothing is printed.
 *   - The root is created (with .trash/ and the Default experiment '0') by
 *     the first write, never by a read: listing a store that does not exist
 *     gives no experiments.
 *   - Reading tolerates what MLflow writes: missing keys (deleted_time;
 *     status = RUNNING; lifecycle_stage = active), integer experiment ids,
 *     2-field metric lines (step 0), keys in sub-directories; '.trash' and
 *     'models' are not experiments, 'tags', 'datasets', 'traces' not runs.
 *   - Damage: a lookup of one thing (mlt_run_get, a metric history, a
 *     model version) fails with an error naming the damaged file. Listings
 *     (mlt_experiments, mlt_runs, mlt_models) skip a damaged experiment,
 *     run or model and report it through wb_notice (naming the file and the
 *     problem), so one bad directory does not hide all the others.
 *   - Returned structs own their strings; free them with the matching
 *     *_free function. Arrays are sorted as stated at each function.
 *   - Not safe for concurrent use of one struct mlt_store from several
 *     threads. Separate processes may share a root: metric lines are
 *     appended with one write(), params are created exclusively, and
 *     registry versions are claimed with mkdir.
 */
#ifndef WB_ML_ML_TRACK_H
#define WB_ML_ML_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

struct mlt_store;

/* MLflow's RunStatus numbers, as stored in run meta.yaml. */
enum mlt_status {
	MLT_RUNNING = 1,
	MLT_SCHEDULED = 2,
	MLT_FINISHED = 3,
	MLT_FAILED = 4,
	MLT_KILLED = 5,
};

/* Which experiments / runs a listing includes (lifecycle_stage). */
enum mlt_view {
	MLT_ACTIVE,
	MLT_DELETED,
	MLT_ALL,
};

struct mlt_kv {
	char *key;
	char *value;
};

struct mlt_experiment {
	char *experiment_id;
	char *name;
	char *lifecycle_stage;       /* "active" | "deleted" */
	char *artifact_location;     /* "file:///abs/mlruns/<id>" */
	int64_t creation_time;       /* ms since the epoch; -1 when absent */
	int64_t last_update_time;    /* ms; -1 when absent */
};

struct mlt_metric {
	char *key;                   /* NULL in a history (all one key) */
	double value;
	int64_t timestamp;           /* ms since the epoch */
	int64_t step;
};

struct mlt_run {
	char *run_id;
	char *run_name;
	char *experiment_id;
	char *experiment_name;
	const char *status;          /* "RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED" (static text) */
	int64_t start_time;          /* ms; -1 when absent */
	int64_t end_time;            /* ms; -1 while running / absent */
	char *lifecycle_stage;
	char *user_id;
	char *artifact_uri;
	/* sorted by key */
	int nparams, ntags, nmetrics;
	struct mlt_kv *params;
	struct mlt_kv *tags;
	struct mlt_metric *metrics;  /* the latest value per key: max by (step, timestamp, value) */
};

/* ---- the store */

/* A handle on the store at root (made absolute; nothing is created).
 * NULL with err only when the current directory cannot be found. */
struct mlt_store *mlt_open(const char *root, struct wb_error *err);
void mlt_close(struct mlt_store *s);
/* The absolute root path (owned by s). */
const char *mlt_root(const struct mlt_store *s);

/* ---- experiments */

/* Experiments of the view, sorted by creation_time descending then id
 * (MLflow's order). */
int mlt_experiments(struct mlt_store *s, enum mlt_view view, struct mlt_experiment **out, int *n,
    struct wb_error *err);
void mlt_experiments_free(struct mlt_experiment *e, int n);
void mlt_experiment_clear(struct mlt_experiment *e);
/* The active experiment named name: 1 found (*out filled), 0 none, -1 error. */
int mlt_experiment_by_name(struct mlt_store *s, const char *name, struct mlt_experiment *out, struct wb_error *err);
/* The experiment with id (active or deleted): 1 found, 0 none, -1 error. */
int mlt_experiment_get(struct mlt_store *s, const char *id, struct mlt_experiment *out, struct wb_error *err);
/* Create an experiment; *id_out (malloc'd) is its new random id (18
 * digits, as MLflow makes them). An active experiment of that name is an
 * error (MLflow, too, looks among the active ones only). */
int mlt_experiment_create(struct mlt_store *s, const char *name, char **id_out, struct wb_error *err);
/* The id of the active experiment named name, created if there is none. */
int mlt_experiment_get_or_create(struct mlt_store *s, const char *name, char **id_out, struct wb_error *err);
/* Mark deleted (its runs too) and move it to .trash/, as MLflow does. */
int mlt_experiment_delete(struct mlt_store *s, const char *id, struct wb_error *err);

/* ---- runs */

/* Start a run in experiment_id (NULL: "0", created when missing).
 * run_name NULL or "": a random "adjective-noun-NNN" name as MLflow makes.
 * user NULL: $USER (or the login name). source_name NULL: "wb".
 * start_ms < 0: now. *run_id_out (malloc'd) is the new uuid4 hex id. */
int mlt_run_create(struct mlt_store *s, const char *experiment_id, const char *run_name, const char *user,
    const char *source_name, int64_t start_ms, char **run_id_out, struct wb_error *err);
/* Params are immutable: logging the same value again is fine, another
 * value is an error. */
int mlt_log_param(struct mlt_store *s, const char *run_id, const char *key, const char *value,
    struct wb_error *err);
/* Append "<ts> <value> <step>\n" (value as Python's repr(float)); ts_ms < 0: now. */
int mlt_log_metric(struct mlt_store *s, const char *run_id, const char *key, double value, int64_t step,
    int64_t ts_ms, struct wb_error *err);
/* Set (overwrite) a tag; mlflow.runName also renames the run in meta.yaml. */
int mlt_set_tag(struct mlt_store *s, const char *run_id, const char *key, const char *value, struct wb_error *err);
/* The run's artifact directory (malloc'd local path, created if missing);
 * NULL with err when the run's artifact_uri is not a file: URI. */
char *mlt_artifacts_dir(struct mlt_store *s, const char *run_id, struct wb_error *err);
/* Set status (MLT_FINISHED, MLT_FAILED, MLT_KILLED) and end_time (end_ms < 0: now). */
int mlt_run_end(struct mlt_store *s, const char *run_id, enum mlt_status status, int64_t end_ms,
    struct wb_error *err);
/* Remove a run and its artifacts for good (its directory). Unknown id: error. */
int mlt_run_delete(struct mlt_store *s, const char *run_id, struct wb_error *err);
/* One run by id, searched in every experiment (deleted ones too). 1 found,
 * 0 no such run, -1 error (a damaged file is named). */
int mlt_run_get(struct mlt_store *s, const char *run_id, struct mlt_run *out, struct wb_error *err);
/* The runs of experiment_id (NULL: of every experiment of the view),
 * view filtering the runs' lifecycle_stage, sorted by start_time
 * descending then run_id (MLflow's order). */
int mlt_runs(struct mlt_store *s, const char *experiment_id, enum mlt_view view, struct mlt_run **out, int *n,
    struct wb_error *err);
void mlt_run_clear(struct mlt_run *r);
void mlt_runs_free(struct mlt_run *r, int n);
/* Every logged value of one metric, in logging (file) order. */
int mlt_metric_history(struct mlt_store *s, const char *run_id, const char *key, struct mlt_metric **out, int *n,
    struct wb_error *err);
void mlt_metrics_free(struct mlt_metric *m, int n);
/* Text of a status number ("KILLED"...); NULL for an unknown one. */
const char *mlt_status_name(int status);

/* ---- model registry (ml_registry.c), under <root>/models */

struct mlt_model {
	char *name;
	char *description;
	int64_t creation_timestamp;
	int64_t last_updated_timestamp;
	int latest_version;          /* 0 when it has none */
	int nversions;               /* not counting deleted ones */
	int naliases;                /* sorted by alias */
	struct mlt_kv *aliases;      /* alias -> version text */
};

struct mlt_model_version {
	char *name;
	int version;
	int64_t creation_timestamp;
	int64_t last_updated_timestamp;
	char *current_stage;         /* "None", "Staging", ... */
	char *description;
	char *run_id;                /* NULL when registered without a run */
	char *source;
	char *status;                /* "READY" */
	char *user_id;               /* may be NULL */
	int naliases;                /* sorted */
	char **aliases;
};

/* Register source (an artifact URI) of run_id (may be NULL) as the next
 * version of model name (max existing + 1, from 1), creating the model on
 * first use. *version_out gets the number. */
int mlt_model_register(struct mlt_store *s, const char *name, const char *run_id, const char *source,
    int *version_out, struct wb_error *err);
/* Point alias at an existing version (moving it if set before). */
int mlt_model_set_alias(struct mlt_store *s, const char *name, const char *alias, int version, struct wb_error *err);
int mlt_model_delete_alias(struct mlt_store *s, const char *name, const char *alias, struct wb_error *err);
/* Registered models sorted by name. */
int mlt_models(struct mlt_store *s, struct mlt_model **out, int *n, struct wb_error *err);
void mlt_models_free(struct mlt_model *m, int n);
/* The versions of a model (deleted ones hidden), ascending, with aliases. */
int mlt_model_versions(struct mlt_store *s, const char *name, struct mlt_model_version **out, int *n,
    struct wb_error *err);
void mlt_model_version_clear(struct mlt_model_version *v);
void mlt_model_versions_free(struct mlt_model_version *v, int n);
/* "name" (latest version), "name@alias", "name/3" or "name/latest",
 * optionally prefixed "models:/", to one version. */
int mlt_model_resolve(struct mlt_store *s, const char *ref, struct mlt_model_version *out, struct wb_error *err);
/* Remove a registered model with all its versions. */
int mlt_model_delete(struct mlt_store *s, const char *name, struct wb_error *err);
/* Delete one version as MLflow does: it stays on disk in the internal
 * "Deleted_Internal" stage (so its number is never reused), hidden from
 * listings, and the aliases pointing at it are removed. */
int mlt_model_version_delete(struct mlt_store *s, const char *name, int version, struct wb_error *err);

/* ---- shared with ml_registry.c and tests */

/* Python's repr(float): the shortest digits that read back exactly,
 * exponent form below 1e-4 and from 1e16 ("1e-05", "1e+16"), "nan",
 * "inf", "-inf", "100.0". buf holds at least 32 bytes; returns length. */
int mlt_format_float(double v, char *buf);
/* Milliseconds since the epoch. */
int64_t mlt_now_ms(void);
/* 'file://' + the path, percent-encoded as Python's pathlib as_uri. */
char *mlt_path_to_uri(const char *path);
/* The local path of a file: URI (percent-decoded); NULL when uri is not one. */
char *mlt_uri_to_path(const char *uri);
/* mkdir -p; creates the root's .trash and Default experiment when the
 * root itself is made (internal: the first write). */
int mlt_ensure_root(struct mlt_store *s, struct wb_error *err);
int mlt_mkdirs(const char *path, struct wb_error *err);
/* rm -rf (a missing path is fine). */
int mlt_remove_tree(const char *path, struct wb_error *err);
/* Sorted names of the sub-directories of dir (none when dir is missing). */
char **mlt_subdirs(const char *dir, int *n);
void mlt_strv_free(char **v, int n);
/* A file key (param, tag, metric) relative to its folder: no '..', no
 * leading '/', no empty component; MLflow's allowed characters. */
int mlt_check_key(const char *what, const char *key, struct wb_error *err);

#endif
