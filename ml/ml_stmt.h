/*
 * ml_stmt: the ML statements as parsed (ml_parse.c), in BigQuery ML's
 * shape, for the session's executor (src/cli/stmt_ml.c):
 *
 *   CREATE [OR REPLACE] MODEL [IF NOT EXISTS] name OPTIONS (k = v, ...) AS query
 *   DROP MODEL [IF EXISTS] name          SHOW MODELS          DESCRIBE MODEL name
 *   SELECT ... FROM ML.PREDICT(MODEL m, TABLE t | (query) [, threshold => 0.6])
 *     and ML.EVALUATE, ML.CONFUSION_MATRIX, ML.ROC_CURVE (MODEL m [, input]),
 *     ML.FEATURE_IMPORTANCE, ML.TRAINING_INFO, ML.WEIGHTS (MODEL m),
 *     ML.RECOMMEND(MODEL m [, k] [, TABLE users])
 *   SET EXPERIMENT name      SHOW EXPERIMENTS
 *   SHOW RUNS [IN exp] [WHERE cond] [ORDER BY ...] [LIMIT n]
 *   COMPARE RUNS id, id, ...        DELETE RUN id
 *   REGISTER MODEL m [FROM RUN id] AS name     SHOW MODEL VERSIONS name
 *   REGISTER MODEL FROM RUN (query) AS name    (the run id: the query's first value)
 *   ALTER MODEL name SET ALIAS a [VERSION n] | DROP ALIAS a   (no VERSION: the latest)
 *
 * A model reference in ML.* is a model made by CREATE MODEL ([schema.]name)
 * or a registered model: 'name' (latest version), name@alias, name/3.
 */
#ifndef WB_ML_ML_STMT_H
#define WB_ML_ML_STMT_H

#include "ml/ml.h"
#include "sql/parser.h"

enum ml_stmt_kind {
	MLS_CREATE, MLS_DROP, MLS_SHOW_MODELS, MLS_DESCRIBE,
	MLS_PREDICT, MLS_EVALUATE, MLS_CONFUSION, MLS_ROC, MLS_IMPORTANCE, MLS_TRAINING_INFO, MLS_WEIGHTS,
	MLS_RECOMMEND,
	MLS_SET_EXPERIMENT, MLS_SHOW_EXPERIMENTS, MLS_SHOW_RUNS, MLS_COMPARE_RUNS, MLS_DELETE_RUN,
	MLS_REGISTER, MLS_SHOW_VERSIONS, MLS_SET_ALIAS, MLS_DROP_ALIAS,
};

/* ORDER BY item of SHOW RUNS */
struct ml_order {
	struct ast *expr;
	bool desc;
};

struct ml_stmt {
	enum ml_stmt_kind kind;
	int pos;
	struct ast_name name;        /* the model (CREATE, DROP, DESCRIBE, REGISTER's source) */
	char *ref;                   /* ML.*: the model reference as written */
	int ref_pos;
	bool or_replace, if_not_exists, if_exists;
	struct ml_opts opts;         /* CREATE: OPTIONS; ML.*: named arguments */
	struct ast *query;           /* CREATE: AS query; ML.*: the input (or NULL) */
	char *query_text;            /* its text, as written */
	int64_t k;                   /* ML.RECOMMEND's k (0: default) */
	/* tracking and registry */
	char *experiment;            /* SET EXPERIMENT, SHOW RUNS IN */
	char **run_ids;
	int nruns;
	struct ast *where;
	struct ml_order *order;
	int norder;
	int64_t limit;               /* -1: none */
	struct ast *run_query;       /* REGISTER MODEL FROM RUN (query): the run id is its first value */
	char *target;                /* REGISTER ... AS target; ALTER MODEL target; SHOW MODEL VERSIONS target */
	char *alias;
	int64_t version;
};

/* The statements, for the session to register (NULL-terminated). */
extern const struct stmt_ext *const ml_exts[];

#endif
