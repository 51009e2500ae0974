/*
 * stmt_int: helpers shared by the statement executors of src/cli
 * (stmt.c and stmt_lake.c); not for other modules.
 */
#ifndef WB_CLI_STMT_INT_H
#define WB_CLI_STMT_INT_H

#include "cli/stmt.h"
#include "exec/exec.h"
#include "sql/parser.h"
#include "store/lake/lake.h"

struct lake_write;

/* An execution context with the session's cancel flag and threads. */
void stmt_ctx_setup(struct session *s, struct exec_ctx *ctx);
/* Store scans' rejected rows, free the plan's state and the binder. */
void stmt_finish(struct session *s, struct binder *b, struct pnode *p);
/* Every output column has a non-empty name (else an error at pos). */
int stmt_check_names(char *const *names, int n, int pos, struct wb_error *err);

/* stmt_lake.c: Delta tables. Does this CREATE TABLE make a Delta table
 * (USING DELTA, LOCATION, TBLPROPERTIES, or the session's default)? */
bool stmt_lake_wanted(struct session *s, const struct ast *st);
int stmt_lake_create(struct session *s, struct arena *a, struct ast *st, struct wb_error *err);
/* Append (or overwrite with) plan p's rows - already of the table's
 * columns and types - to Delta table t. */
struct lake_write_options;
int stmt_lake_insert(struct session *s, struct table *t, struct pnode *p, enum lake_write_mode mode,
    const struct lake_write_options *o, int64_t *rows, struct wb_error *err);
/* After a commit that changed Delta table t's schema: the catalog's entry
 * gets the new columns (a new table object). */
void stmt_lake_refresh(struct session *s, struct table *t);

/* The table an INSERT, UPDATE, DELETE, MERGE or TRUNCATE changes (one
 * reference): an in-memory or a Delta table; a view or a read-only table
 * is an error naming what (e.g. "update"). */
struct table *stmt_dml_target(struct session *s, struct ast_name *nm, int pos, const char *what, struct wb_error *err);

/* ---- stmt_dml.c: running rewrites ----
 *
 * A rewrite plan produces the table's columns and then one BIGINT column,
 * the row's action. Rows whose action keeps them are written (to a Delta
 * table's new data file, or to an in-memory table's new contents); every
 * action is counted, for the statement's message and the commit metrics. */
enum dml_action {
	DML_COPY = 0,         /* a target row kept unchanged (in a rewritten file) */
	DML_UPDATE,           /* updated (UPDATE, MERGE WHEN MATCHED) */
	DML_DELETE,           /* deleted: not written */
	DML_INSERT,           /* a new row (MERGE WHEN NOT MATCHED, REPLACE WHERE) */
	DML_SRC_UPDATE,       /* MERGE WHEN NOT MATCHED BY SOURCE THEN UPDATE */
	DML_SRC_DELETE,       /* MERGE WHEN NOT MATCHED BY SOURCE THEN DELETE: not written */
	DML_DROP,             /* not a row of the result (a source row no clause inserts) */
	DML_VIOLATION,        /* an error: the statement fails with dml_run's message */
	DML_NACTIONS
};

struct dml_counts {
	int64_t n[DML_NACTIONS];
};

/* Run rewrite plan p (prepared here) into w (a Delta table: the new data
 * file; w is not committed) or, with w NULL, into a new row group list for
 * an in-memory table (*rgs, *nrg: the caller owns them). violation: the
 * error message for a DML_VIOLATION row. */
int dml_run(struct session *s, struct pnode *p, struct lake_write *w, struct mt_rowgroup ***rgs, int *nrg,
    struct dml_counts *counts, const char *violation, struct wb_error *err);
/* The action column's name in rewrite plans. */
#define DML_ACTION_COLUMN "_wb_action"

/* UPDATE's SET list as one value per column (setv[ncol], NULL: kept);
 * an unknown or repeated column is an error. */
int dml_set_columns(struct arena *a, const struct ast_list *set, const char *tname, int ncol, char *const *names,
    struct ast ***setv, struct wb_error *err);
/* The rewrite query of UPDATE (setv) or DELETE (setv NULL) over relation
 * rel, whose columns are qualified by qual: every row of rel, updated
 * (cast to its column's type) or marked deleted where `where` is true. */
struct ast *dml_rewrite_query(struct arena *a, struct ast *rel, const char *qual, int ncol, char *const *names,
    const wb_type *types, struct ast *const *setv, struct ast *where, int pos);
/* A condition as Spark records it in operationParameters.predicate: a
 * JSON array of its SQL text ("[]" for none). */
char *dml_predicate_json(struct arena *a, const struct ast *where);

/* ---- stmt_lake_dml.c: Delta tables ---- */
struct delta_snapshot;
/* DELETE (set NULL) or UPDATE (the SET list) on Delta table t: only the
 * files holding rows where `where` is true are rewritten, in one commit
 * (*version; -1 when nothing matched and nothing was committed). */
int stmt_lake_rewrite(struct session *s, struct arena *a, struct table *t, const char *qual, struct ast *where,
    const struct ast_list *set, int pos, struct dml_counts *counts, int64_t *version, struct wb_error *err);
/* Rewritten files go to new data files in batches: a file of half a
 * million rows or more alone, smaller ones combined up to a million (by
 * the files' statistics), so that a rewrite keeps the table's file layout
 * - and its file skipping - while tiny files are compacted. The batch
 * starting at files[first] ends before the returned index. */
int64_t stmt_lake_batch_end(struct delta_snapshot *snap, const int64_t *files, int64_t nfiles, int64_t first,
    struct arena *a);
/* Rewrite files[0..nfiles) of snap (files NULL: all) into w with the
 * rewrite query of UPDATE (setv) or DELETE / a REPLACE WHERE's kept rows
 * (setv NULL), in batches (stmt_lake_batch_end): one new data file per
 * batch. counts: summed over the batches. */
int stmt_lake_rewrite_files(struct session *s, struct arena *a, struct delta_snapshot *snap, const char *name,
    const char *qual, const int64_t *files, int64_t nfiles, struct ast *const *setv, struct ast *where, int pos,
    struct lake_write *w, struct dml_counts *counts, struct wb_error *err);
/* The live files of snap holding a row where `where` (over columns
 * qualified by qual) is true - file skipping by statistics first. */
int stmt_lake_touched(struct session *s, struct arena *a, struct delta_snapshot *snap, const char *name, const char *qual,
    struct ast *where, int64_t **files, int64_t *nfiles, struct wb_error *err);
/* The files a DELETE (or REPLACE WHERE) must change: every touched file
 * is removed, but only those with rows that do not match `where` are
 * rewritten - a file every row of which matches (by the numRecords of its
 * statistics; a partition predicate's files, say) just goes. */
struct lake_doomed {
	int64_t *files, nfiles;        /* every file with a matching row */
	int64_t *partial, npartial;    /* ... of which those to rewrite */
	int64_t whole_rows;            /* rows of the files that just go */
};
int stmt_lake_doomed(struct session *s, struct arena *a, struct delta_snapshot *snap, const char *name,
    const char *qual, struct ast *where, struct lake_doomed *d, struct wb_error *err);
void stmt_lake_doomed_free(struct lake_doomed *d);
int stmt_lake_truncate(struct session *s, struct table *t, struct wb_error *err);

/* Statements (stmt_insert.c, stmt_dml.c, stmt_merge.c, stmt_alter.c). */
/* INSERT INTO ...; o: options of a Delta commit (NULL: none) - COPY INTO
 * records the files it loaded, and converts values as its source needs
 * (no store-assignment check). */
int stmt_insert(struct session *s, struct arena *a, struct ast *st, const struct lake_write_options *o,
    struct wb_error *err);
int stmt_delete(struct session *s, struct arena *a, struct ast *st, struct wb_error *err);
int stmt_update(struct session *s, struct arena *a, struct ast *st, struct wb_error *err);
int stmt_truncate(struct session *s, struct arena *a, struct ast *st, struct wb_error *err);
int stmt_merge(struct session *s, struct arena *a, struct ast *st, struct wb_error *err);
int stmt_alter(struct session *s, struct arena *a, struct ast *st, struct wb_error *err);
/* COPY INTO delta_table FROM 'dir' | 'glob' | 'file' ...: load the files
 * not loaded before (each recorded as a txn action in the commit). */
int stmt_copy_into(struct session *s, struct arena *a, struct ast *st, struct wb_error *err);
/* CACHE TABLE t / UNCACHE TABLE [IF EXISTS] t */
int stmt_cache(struct session *s, struct ast *st, struct wb_error *err);

/* ---- Delta table statements registered as parser extensions
 * (stmt_lake_ext.c): DESCRIBE HISTORY / DETAIL, SHOW TBLPROPERTIES,
 * COMMENT ON (stmt_history.c), RESTORE (stmt_restore.c), OPTIMIZE
 * (stmt_optimize.c), VACUUM (stmt_vacuum.c). */

/* The table a statement names: a (qualified) name - delta.`/path`
 * included - or a quoted path. */
struct stmt_target {
	struct ast_name name;
	char *path;                 /* 'path' form, else NULL */
	int pos;
};

/* Parse a target; false with the parser error set. */
bool stmt_parse_target(struct parser *p, struct stmt_target *t);
/* The table a target names (a new reference) and, when it is a Delta
 * table, its directory in *dir (else NULL); what names the statement for
 * errors. need_delta: refuse other tables ("OPTIMIZE needs a Delta
 * table; \"t\" is an in-memory table"). */
struct table *stmt_target_open(struct session *s, const struct stmt_target *t, const char *what, bool need_delta,
    const char **dir, struct wb_error *err);
/* After a commit that changed a named table's schema or comment, put a
 * freshly opened table object in the catalog so later statements see it. */
void stmt_target_refresh(struct session *s, const struct stmt_target *t, struct table *old);

/* Emit a built result (core/rowset.h's rowset_builder) as the
 * statement's result, and free the builder. */
int rows_emit(struct session *s, struct rowset_builder *r, struct wb_error *err);

/* stmt_history.c: the Delta details DESCRIBE EXTENDED adds (key, value). */
void stmt_lake_describe_extended(struct table *t, void (*row)(void *arg, const char *key, const char *value),
    void *arg);
/* SET names of the Delta settings: 1 handled, 0 not a Delta setting, -1
 * error (bad value). */
int stmt_lake_setting(struct session *s, const char *name, const struct wb_value *v, int pos, struct wb_error *err);

/* stmt_stats.c: register the statistics statements (stats/) with their
 * executor; called by stmt_register_exts(). */
void stmt_register_stats(void);
void stmt_register_ml(void);
/* Run plan p (bound with b) and read its columns into d as roles say
 * (stats.h: NUMERIC as doubles, FACTOR as levels); what names the
 * statement in errors. Releases the plan. stmt_free_columns frees what
 * was read (the arena a holds the rest). */
enum stats_role;
struct stats_data;
int stmt_read_columns(struct session *s, struct binder *b, struct pnode *p, const enum stats_role *roles,
    const char *what, struct arena *a, struct stats_data *d, struct wb_error *err);
void stmt_free_columns(struct stats_data *d);

extern const struct stmt_ext stmt_ext_show_partitions;
extern const struct stmt_ext stmt_ext_describe_history, stmt_ext_describe_detail, stmt_ext_show_tblproperties,
    stmt_ext_comment_on, stmt_ext_restore, stmt_ext_optimize, stmt_ext_vacuum;

#endif
