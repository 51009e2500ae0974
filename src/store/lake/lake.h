/*
 * lake: Delta tables as catalog tables, and the warehouse that holds them.
 *
 * A Delta table (store/delta + store/parquet) becomes a `struct table` of
 * kind "delta": its schema is the latest snapshot's at open, and every scan
 * replays the log again, so a query sees the latest committed version
 * (another process's commits included) and nothing half-written. Scans
 * read only the live files of that version, skip files whose add-action
 * statistics rule out the filter above the scan (scan_pred.h; counted as
 * "files" in EXPLAIN ANALYZE), and read the rest in parallel, one morsel
 * per Parquet row group.
 *
 * Writing goes through a lake_write: the statement's workers append
 * chunks to Parquet parts of one new data file per partition, then one
 * commit publishes the files (add actions with the partition values and
 * numRecords/minValues/maxValues/nullCount stats) and, for an overwrite,
 * removes every file the read snapshot had.
 * A failure before the commit deletes the new file; the table stays at its
 * last version.
 *
 * The warehouse is a directory of `catalog/schema/table` folders (DESIGN
 * §4): lake_warehouse_* name the folders; tables are found by looking for
 * `_delta_log` in them. Only the log decides what a table holds.
 */
#ifndef WB_STORE_LAKE_LAKE_H
#define WB_STORE_LAKE_LAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/types.h"
#include "core/vector.h"
#include "store/delta/delta.h"
#include "store/table.h"

/* ------------------------------------------------------------ tables */

/* Open the Delta table in dir as a catalog table called name (one
 * reference). external: DROP TABLE leaves its files (LOCATION tables and
 * tables read by path). NULL with err (naming dir) when it is not a
 * readable Delta table. */
struct table *lake_table_open(const char *name, const char *dir, bool external, struct wb_error *err);
/* Time travel: the table as of at->version or at->timestamp (at NULL or
 * neither set: the latest, as lake_table_open). A table opened at a
 * version is pinned: its schema is that version's and every scan reads
 * that version. The table ops' as_of does the same for the binder. */
struct table *lake_table_open_at(const char *name, const char *dir, bool external,
    const struct delta_read_options *at, struct wb_error *err);
/* The table's directory, or NULL if t is not a Delta table. */
const char *lake_table_dir(const struct table *t);
bool lake_table_is_external(const struct table *t);
/* The version a pinned table reads, or -1 (the latest at each scan, or
 * not a Delta table). */
int64_t lake_table_version(const struct table *t);

/* The clock of "TIMESTAMP AS OF" and of DESCRIBE HISTORY: commitInfo's
 * timestamp where a commit has one, so that a table keeps its history's
 * times when it is copied (file times do not survive cp or object
 * stores); commits with in-commit timestamps always use those. */
#define LAKE_TS_SOURCE DELTA_TS_COMMIT_INFO

/* ------------------------------------------------------------ pinned tables */

struct delta_snapshot;

/* Extra columns a pinned table adds after the snapshot's own columns. */
#define LAKE_FILE_COLUMN "_wb_file"   /* BIGINT: the row's data file, an index into snap->files */
#define LAKE_ROW_COLUMN "_wb_row"     /* BIGINT: the row's 0-based position in its file */
enum { LAKE_PIN_FILE = 1, LAKE_PIN_ROW = 2 };

/* A table (kind "delta") that reads snapshot snap as it is - not the
 * latest version - for statements that read one version and commit the
 * next on top of it (DELETE, UPDATE, MERGE): its columns are the
 * snapshot's schema, then the extra columns flags ask for; it holds the
 * live files files[0..nfiles) (indexes into snap->files; files NULL: all
 * of them). snap is borrowed: finish every plan that scans the table and
 * release it before freeing snap. */
struct table *lake_table_pinned(const char *name, struct delta_snapshot *snap, const int64_t *files, int64_t nfiles,
    unsigned flags);
/* CACHE TABLE: decode the latest version into memory (compressed
 * columns, like an in-memory table); scans of that same version read the
 * cache, scans of any later version the files again (a stale cache is
 * dropped). Returns the rows cached, or -1 with err. t must be a Delta
 * table. */
int64_t lake_table_cache(struct table *t, struct wb_error *err);
/* Drop the cache; false if there was none. */
bool lake_table_uncache(struct table *t);
/* The version cached if it is the latest, else -1 (also for tables that
 * are not Delta). */
int64_t lake_table_cached_version(struct table *t);

/* ------------------------------------------------------------ writing */

enum lake_write_mode {
	LAKE_CREATE,        /* a new table: version 0 with protocol and metadata */
	LAKE_REPLACE,       /* CREATE OR REPLACE: new metadata, every old file removed */
	LAKE_APPEND,        /* INSERT INTO */
	LAKE_OVERWRITE,     /* INSERT OVERWRITE: every old file removed */
	LAKE_OVERWRITE_PARTITIONS,  /* INSERT OVERWRITE in dynamic partition mode: the old
	                               files of the partitions written to are removed
	                               (unpartitioned tables: every file) */
};

struct lake_write_options {
	const char *comment;           /* metadata description, or NULL */
	char *const *prop_keys;        /* TBLPROPERTIES (configuration) */
	char *const *prop_values;
	int nprops;
	const char *operation;         /* commitInfo.operation; NULL: by mode */
	bool merge_schema;             /* APPEND: columns the table lacks are added to its
	                                  schema in the same commit (schema evolution) */
	char *const *txn_ids;          /* txn actions (appId, version 1) to record, */
	int ntxns;                     /* e.g. the files COPY INTO loaded */
	char *const *param_keys;       /* extra commitInfo.operationParameters */
	char *const *param_values;     /* (e.g. COPY INTO's files with size and mtime) */
	int nparams;
	char *const *partition_by;     /* CREATE/REPLACE: partition columns (PARTITIONED BY) */
	int npartition;

	const char *txn_app_id;        /* one more txn action, (txn_app_id, txn_version): a
	                                  streaming table's batch (NULL: none). A concurrent
	                                  commit setting the same appId conflicts. */
	int64_t txn_version;
};

struct lake_write;
struct lake_part;

/* Begin writing rows of ncol columns (names, types: the table's schema for
 * CREATE/REPLACE; checked against the table's otherwise, where a column
 * the table lacks is an error unless o->merge_schema) to the table in dir.
 * CREATE refuses a directory that already holds a table, and partition
 * columns that are not columns, or are all of them. A partition column
 * not among the written ones is NULL for every row. */
struct lake_write *lake_write_begin(const char *dir, enum lake_write_mode mode, int ncol, char *const *names,
    const wb_type *types, const struct lake_write_options *o, struct wb_error *err);
/* A writer for one producing thread (freed with w's files). Each row goes
 * to the data file of its partition (Hive-style directories, at most
 * LAKE_MAX_PARTITIONS per statement), written like pq_part_write writes
 * (row groups in input order). */
struct lake_part *lake_write_part(struct lake_write *w);
int lake_part_write(struct lake_part *p, const struct chunk *c, struct wb_error *err);
/* Cut data files at max_rows rows (Spark's spark.sql.files.maxRecordsPerFile;
 * exact; 0: no limit) and at about target_bytes (checked as row groups
 * are written; the table property delta.targetFileSize wins, <= 0: 128
 * MiB). Without this call a write makes one file per partition. Call it
 * before handing out lake_parts. */
void lake_write_set_limits(struct lake_write *w, int64_t max_rows, int64_t target_bytes);
/* Close the data file and publish the commit; frees w. Returns the
 * committed version (rows written in *rows), or -1 with err (the new file
 * is removed, the table unchanged). */
int64_t lake_write_commit(struct lake_write *w, int64_t *rows, struct wb_error *err);
/* Give up: remove the new file, free w. */
void lake_write_abort(struct lake_write *w);

/*
 * Rewriting (DELETE, UPDATE, MERGE, INSERT ... REPLACE WHERE, TRUNCATE):
 * a commit on top of the snapshot the statement read, which removes some
 * of its files and adds at most one new one. The commit says it read the
 * table, so a concurrent commit that changed data makes it fail with a
 * conflict instead of losing that change.
 *
 * lake_write_begin_at: like lake_write_begin (APPEND) but on read (which
 * must outlive w) with commitInfo.operation op; ncol 0 writes no data
 * file (only removes); merge_schema as in lake_write_options. Metrics are
 * the caller's (lake_write_metric), not the WRITE ones.
 */
struct lake_write *lake_write_begin_at(const char *dir, struct delta_snapshot *read, const char *op, int ncol,
    char *const *names, const wb_type *types, bool merge_schema, struct wb_error *err);
/* Remove live file f (an index into read->files) in the commit. */
void lake_write_remove(struct lake_write *w, int64_t f);
/* commitInfo.operationParameters / operationMetrics. */
void lake_write_param(struct lake_write *w, const char *key, const char *value);
void lake_write_metric(struct lake_write *w, const char *key, int64_t value);
/* Close the data file being written and start another: the rows written
 * after this call go to a new file (the commit adds every file with rows).
 * A rewrite keeps the table's file layout this way instead of merging
 * everything it rewrites into one file. Call it only between runs of
 * producers (no lake_part from before may be used afterwards). On
 * failure every file of w is removed; w must then be aborted. */
int lake_write_next_file(struct lake_write *w, struct wb_error *err);
/* Names under which the commit records the files and bytes it added and
 * removed (DELETE/UPDATE: numAddedFiles, numRemovedFiles, numAddedBytes,
 * numRemovedBytes; MERGE: numTargetFilesAdded, ...); NULL: not recorded. */
void lake_write_file_metrics(struct lake_write *w, const char *added_files, const char *removed_files,
    const char *added_bytes, const char *removed_bytes);

/*
 * The SQL layer's checks of a write (CHECK constraints and expectations,
 * src/cli/expect.h) travel with the lake_write: attached once, told just
 * before the commit is published (they may commit something first - the
 * quarantine table -, add commitInfo members, or refuse: -1 with err
 * aborts the write), told the version when it stood, and released with w
 * (committed or aborted). A lake_write refuses to commit rows to a table
 * whose configuration holds CHECK constraints unless checks are attached.
 */
struct lake_write_hook {
	int (*before_commit)(void *arg, struct lake_write *w, struct wb_error *err);
	void (*committed)(void *arg, int64_t version);
	void (*release)(void *arg);
};
void lake_write_attach(struct lake_write *w, const struct lake_write_hook *h, void *arg);
/* The arg attached with hook h, or NULL. */
void *lake_write_attached(const struct lake_write *w, const struct lake_write_hook *h);
/* The table's directory, and its configuration as it will be after the
 * commit (the new table's properties when creating or replacing it). */
const char *lake_write_dir(const struct lake_write *w);
const struct delta_map *lake_write_configuration(const struct lake_write *w);
/* The version the write commits on top of (-1: it creates the table). */
int64_t lake_write_read_version(const struct lake_write *w);
/* A further commitInfo member (key, JSON text). */
void lake_write_info(struct lake_write *w, const char *key, const char *json);
/* ------------------------------------------------------------ commit observer */

/* Called after each commit this process publishes to a Delta table
 * (writes, DELETE/UPDATE/MERGE, ALTER, COMMENT, RESTORE, OPTIMIZE,
 * VACUUM): the table's directory, the version committed,
 * commitInfo.operation, and the rows the commit wrote - a write's
 * numOutputRows; for DELETE, UPDATE, MERGE and REPLACE WHERE the rows
 * deleted, updated and inserted (rows only copied into new files are not
 * counted); 0 for metadata and maintenance commits. `wb job` records it
 * per task (rows written). */
typedef void (*lake_commit_observer)(void *arg, const char *dir, int64_t version, const char *operation,
    int64_t rows);
/* One observer per process (fn NULL removes it). Set it at start-up,
 * before statements run; it is called on the committing thread and must
 * not fail the commit (it cannot: the commit already stands). */
void lake_set_commit_observer(lake_commit_observer fn, void *arg);
/* For lake's commit sites (and any module that publishes a Delta commit
 * itself): tell the observer, if there is one. */
void lake_commit_notify(const char *dir, int64_t version, const char *operation, int64_t rows);

/* ------------------------------------------------------------ ALTER TABLE */

/* Metadata-only commits on the latest version of the table in dir (Spark's
 * operations ADD COLUMNS, SET/UNSET TBLPROPERTIES, CHANGE COLUMN); each
 * returns the version committed or -1 with err. New columns are nullable
 * and read as NULL in the files written before them; comments (may be
 * NULL) go to the field metadata. Setting a property that needs a protocol
 * feature wb does not implement (column mapping, deletion vectors, change
 * data feed, ...) is refused. */
int64_t lake_add_columns(const char *dir, int n, char *const *names, const wb_type *types, char *const *comments,
    struct wb_error *err);
int64_t lake_set_properties(const char *dir, int n, char *const *keys, char *const *values, bool unset,
    bool if_exists, struct wb_error *err);
int64_t lake_comment_column(const char *dir, const char *column, const char *comment, struct wb_error *err);
/* A metadata commit op (ADD CONSTRAINT, ...) on snapshot read - the
 * version the caller checked; a commit since then that changed data or
 * metadata makes this one fail with a conflict: configuration keys set to
 * values (nset) and removed (nunset), with operationParameters params.
 * The protocol is raised as the new configuration needs (CHECK
 * constraints: writer version 3). The version committed, or -1 with err. */
int64_t lake_change_properties(const char *dir, struct delta_snapshot *read, const char *op, int nset, char *const *keys,
    char *const *values, int nunset, char *const *unset, int nparams, char *const *pkeys, char *const *pvalues,
    struct wb_error *err);

/* rm -rf path (a missing path is no error). */
int lake_remove_tree(const char *path, struct wb_error *err);
/* Remove a managed table's directory (DROP TABLE): the log first, so a
 * crash half-way never leaves a readable table with missing files. */
int lake_drop_files(const char *dir, struct wb_error *err);

/* ------------------------------------------------------------ maintenance */

/* COMMENT ON TABLE: a metadata-only commit setting metaData.description
 * (comment NULL: removing it), logged as SET TBLPROPERTIES with
 * {"comment": ...} like Spark (UNSET TBLPROPERTIES for NULL). Returns the
 * version committed, or -1 with err. */
int64_t lake_set_comment(const char *dir, const char *comment, struct wb_error *err);

/* RESTORE TABLE ... TO VERSION AS OF / TIMESTAMP AS OF. */
struct lake_restore_options {
	struct delta_read_options to;    /* the version (or time) to restore */
	const char *timestamp_text;      /* for operationParameters when restoring to a time */
};

/* Databricks' RESTORE result and operationMetrics. */
struct lake_restore_metrics {
	int64_t version;                 /* the RESTORE commit */
	int64_t restored_version;        /* the version restored */
	int64_t table_size_after, num_files_after;
	int64_t num_removed_files, num_restored_files;
	int64_t removed_files_size, restored_files_size;
};

/* One commit "RESTORE": adds (dataChange true) for the files of the
 * restored version that are not live, removes for the live files it did
 * not have, and its metadata if that differs (the table keeps its id; the
 * protocol is never lowered). Refuses when a file to re-add is gone
 * (vacuumed), naming it. Returns the version committed, or -1 with err. */
int64_t lake_restore(const char *dir, const struct lake_restore_options *o, struct lake_restore_metrics *m,
    struct wb_error *err);

/* OPTIMIZE [ZORDER BY (...)]. */
struct lake_optimize_options {
	char *const *zorder;             /* Z-order column names (none: bin-packing) */
	int nzorder;
	int64_t target_file_size;        /* bytes; <= 0: default. The table property
	                                    delta.targetFileSize wins over this. */
	int64_t max_records_per_file;    /* cut new files at this many rows; 0: no limit */
	const int64_t *files;            /* the files that may be rewritten (a WHERE's partitions):
	                                    indexes into the snapshot's files; NULL: every live file */
	int64_t nfiles;
	const char *predicate;           /* operationParameters.predicate, a JSON array of SQL
	                                    text (NULL: "[]") */
};

#define LAKE_TARGET_FILE_SIZE (INT64_C(128) << 20)

/* A size as table properties and settings give it: "134217728", "128mb",
 * "1g", "64 MiB" (k, m, g, t are powers of 1024). Bytes, or -1. */
int64_t lake_parse_size(const char *s);

struct lake_file_sizes {
	int64_t files, bytes, min, max;  /* min/max 0 when files == 0 */
};

/* Databricks' OPTIMIZE metrics (the statement's result and the commit's
 * operationMetrics). */
struct lake_optimize_metrics {
	int64_t version;                 /* the OPTIMIZE commit, -1 when there was nothing to do */
	int64_t target_file_size;        /* the target used */
	struct lake_file_sizes added, removed;
	int64_t p25, p50, p75;           /* added files' size percentiles */
	int64_t considered_files;        /* live files looked at */
	int64_t skipped_files;           /* left as they are (large enough, or alone in a bin) */
	int64_t batches;                 /* bins written (one per partition for ZORDER) */
	int64_t partitions;              /* partitions with files rewritten (1 unpartitioned) */
	int64_t rows;                    /* rows rewritten */
	int64_t start_ms, end_ms;
};

/* Compact the table's small files: without Z-order, files below the
 * target size are packed, in log order, into bins of at most the target,
 * each rewritten as one file (bins of one file are left alone); with
 * Z-order, every live file is rewritten sorted by the Z-order columns
 * (lake_maint.h has the method) into files of about the target size. A
 * partitioned table is optimized per partition: a bin holds files of one
 * partition, each partition is Z-ordered on its own, and new files go to
 * their partition's directory with its partitionValues. o->files limits
 * the files looked at. One commit "OPTIMIZE" removes the old files and
 * adds the new ones, all with dataChange false, so it conflicts only with
 * commits that removed the same files. Refuses unknown Z-order columns,
 * partition columns and BOOLEAN ones (Delta keeps no statistics for
 * them). Returns 0 (m->version: the version committed, -1 when there was
 * nothing to do), or -1 with err; new files are removed when the commit
 * fails. The latest version is optimized. */
int lake_optimize(const char *dir, const struct lake_optimize_options *o, struct lake_optimize_metrics *m,
    struct wb_error *err);
/* The same on top of snapshot snap (the caller's) - the one o->files
 * index into; a commit since it was read that removed one of the files
 * makes this one fail with a conflict. */
int lake_optimize_at(const char *dir, const struct delta_snapshot *snap, const struct lake_optimize_options *o,
    struct lake_optimize_metrics *m, struct wb_error *err);

/* VACUUM. */
struct lake_vacuum_options {
	int64_t retain_ms;               /* keep files removed (or, untracked, written) less than this ago */
	bool dry_run;                    /* list, delete nothing */
	int64_t now_ms;                  /* the clock (0: now) */
	/* for the VACUUM START commit's operationParameters */
	bool retention_check;            /* the session refuses short retentions */
	int64_t default_retention_ms;    /* the table's retention */
	bool retain_given;               /* RETAIN was given (specifiedRetentionMillis) */
	/* Called for each file deleted (or, dry run, that would be): its
	 * path, as the table directory plus the relative name, and size. */
	void (*each)(void *arg, const char *path, int64_t size);
	void *arg;
};

struct lake_vacuum_result {
	int64_t files, bytes;            /* deleted (or to delete) */
	int64_t dirs;                    /* directories looked through */
	int64_t empty_dirs;              /* empty directories removed */
};

/* Delete the files under the table directory that the latest version
 * does not reference and that were removed (tombstone deletionTimestamp)
 * or, for files the log never mentioned (files of failed commits,
 * leftovers), last modified before now - retain. Never touches _delta_log
 * or other names starting with '_' or '.', except the hidden .crc side
 * files of deleted data files. Without dry_run, logs the run as two
 * commits, VACUUM START and VACUUM END, like Databricks. 0, or -1 with
 * err (files deleted before a failure stay deleted: they were garbage). */
int lake_vacuum(const char *dir, const struct lake_vacuum_options *o, struct lake_vacuum_result *r,
    struct wb_error *err);

/* ------------------------------------------------------------ warehouse */

/* The warehouse root: dir if given, else $WB_WAREHOUSE, else ./wb.lake
 * (malloc'd, not created). */
char *lake_warehouse_root(const char *dir);
/* root/catalog/schema[/table] (malloc'd; names lower-cased). table may be
 * NULL. */
char *lake_warehouse_path(const char *root, const char *catalog, const char *schema, const char *table);
/* mkdir -p; 0 or -1 with err naming the directory. */
int lake_mkdirs(const char *path, struct wb_error *err);
/* Call fn for each sub-directory name of dir (none if dir is missing);
 * tables_only: only those that hold a Delta table. Sorted bytewise. */
void lake_each_dir(const char *dir, bool tables_only, void (*fn)(void *arg, const char *name), void *arg);

/* Install the Parquet reader and writer of Delta checkpoints
 * (delta_checkpoint_io; lake_checkpoint.c). Front ends and tests that open
 * tables call it once at start-up; session_new does. */
void lake_checkpoint_init(void);

#endif
