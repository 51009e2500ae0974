/*
 * delta: the Delta Lake transaction log (protocol: reader version 1,
 * writer version 2; see PROTOCOL.md in github.com/delta-io/delta).
 *
 * A Delta table is a directory of Parquet data files plus `_delta_log/`,
 * whose JSON commit files `%020d.json` (one action per line) and Parquet
 * checkpoints define, version by version, the table's protocol, metadata
 * (schema, partition columns, configuration) and set of live data files.
 * This module reads and writes that log. It knows nothing of SQL and
 * nothing of Parquet: checkpoints are read and written through the
 * delta_checkpoint_io hooks that the Parquet layer installs.
 *
 * The rule that everything here follows: only the log decides. Data files
 * are never listed from the table directory (folders often hold files a
 * later commit removed); a snapshot's files are the adds of its log replay.
 *
 * Ownership: a snapshot owns all its strings and arrays (one arena, freed
 * by delta_snapshot_free). Structs handed to callbacks are valid only
 * during the call. Errors follow core/error.h: -1 / NULL plus a message
 * that names the table (or file, with its line) and says what to do.
 */
#ifndef WB_STORE_DELTA_H
#define WB_STORE_DELTA_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"

/* ---- actions ---- */

/* A string -> string map from the log (partitionValues, configuration,
 * tags, format options). A value is NULL when the log has JSON null. */
struct delta_map {
	int n;
	const char **keys;
	const char **values;
};

struct delta_protocol {
	int min_reader_version;
	int min_writer_version;
	int nreader_features;            /* readerFeatures (reader version 3) */
	const char **reader_features;
	int nwriter_features;            /* writerFeatures (writer version 7) */
	const char **writer_features;
};

struct delta_metadata {
	const char *id;
	const char *name;                /* NULL when absent */
	const char *description;         /* NULL when absent */
	const char *format_provider;     /* "parquet" */
	struct delta_map format_options;
	const char *schema_string;       /* Spark StructType JSON */
	int npartition_columns;
	const char **partition_columns;
	struct delta_map configuration;
	int64_t created_time;            /* ms since the epoch, -1 when absent */
};

/* add: a logical file enters (or is re-added to) the table. */
struct delta_add {
	const char *path;                /* as in the log: a URI, relative to the table or absolute */
	struct delta_map partition_values;
	int64_t size;
	int64_t modification_time;       /* ms */
	bool data_change;
	const char *stats;               /* statistics JSON (a string in the log), NULL when absent */
	struct delta_map tags;
	int64_t base_row_id;             /* -1 when absent */
	int64_t default_row_commit_version;   /* -1 when absent */
};

/* remove: a logical file leaves the table; kept as a tombstone for VACUUM. */
struct delta_remove {
	const char *path;
	int64_t deletion_timestamp;      /* ms, -1 when absent */
	bool data_change;
	bool extended_file_metadata;     /* partition_values, size and tags are meaningful */
	struct delta_map partition_values;
	int64_t size;                    /* -1 when absent */
	const char *stats;               /* NULL when absent */
	struct delta_map tags;
	int64_t base_row_id;
	int64_t default_row_commit_version;
};

/* txn: an application's progress marker (appId -> version). */
struct delta_app_txn {
	const char *app_id;
	int64_t version;
	int64_t last_updated;            /* ms, -1 when absent */
};

/* domainMetadata: read and kept (for checkpoints), never interpreted. */
struct delta_domain {
	const char *domain;
	const char *configuration;
	bool removed;
};

enum delta_action_type {
	DELTA_ACTION_PROTOCOL,
	DELTA_ACTION_METADATA,
	DELTA_ACTION_ADD,
	DELTA_ACTION_REMOVE,
	DELTA_ACTION_TXN,
	DELTA_ACTION_DOMAIN,
	DELTA_ACTION_COMMIT_INFO         /* u.commit_info: the object as compact JSON */
};

/* One action: one line of a commit file, or one row of a checkpoint. */
struct delta_action {
	enum delta_action_type type;
	union {
		struct delta_protocol protocol;
		struct delta_metadata metadata;
		struct delta_add add;
		struct delta_remove remove;
		struct delta_app_txn txn;
		struct delta_domain domain;
		const char *commit_info;
	} u;
};

const char *delta_map_get(const struct delta_map *m, const char *key, bool *found);
/* Does a table configuration hold a CHECK constraint (delta.constraints.*;
 * delta_protocol.c)? */
bool delta_has_constraints(const struct delta_map *conf);
/* A copy of src, keys and values (NULL stays NULL) in a. */
void delta_map_copy(struct arena *a, const struct delta_map *src, struct delta_map *dst);

/* ---- schema ---- */

/* A top-level column of the table. wb maps Delta types onto its own:
 *   byte, short, integer, long   -> BIGINT
 *   float, double, decimal(p,s)  -> DOUBLE (decimal: for now)
 *   string, binary               -> VARCHAR
 *   boolean, date                -> BOOLEAN, DATE
 *   timestamp, timestamp_ntz     -> TIMESTAMP
 * and keeps the Delta type string, so rewriting a schema preserves
 * "decimal(10,2)" or "integer" instead of widening them. Nested types
 * (struct, array, map), variant and void are refused naming the column. */
struct delta_column {
	const char *name;
	wb_type type;
	const char *delta_type;          /* "integer", "decimal(10,2)", ... */
	bool nullable;
	const char *metadata;            /* the field's metadata object, compact JSON */
	int partition_index;             /* index in partitionColumns, -1 for data columns */
};

struct delta_schema {
	int ncols;
	struct delta_column *cols;
};

/* Parse a schemaString. Strings go to a; the error names the column. */
int delta_schema_parse(const char *schema_string, struct arena *a, struct delta_schema *out,
    struct wb_error *err);
/* Serialise a schema as a schemaString (Spark StructType JSON). */
void delta_schema_write(const struct delta_schema *s, struct strbuf *out);
/* The Delta type a new column of wb type t gets ("long", "double", ...). */
const char *delta_type_for(wb_type t);
/* Column index by name (Delta column names are unique regardless of case,
 * so the match is case-insensitive), or -1. */
int delta_schema_find(const struct delta_schema *s, const char *name);

/* ---- values: partition values and file statistics ---- */

/* A partition value from the log (text NULL or "" is SQL NULL) as a typed
 * value of col's type, per the protocol's partition value serialization.
 * Strings point into text or a. */
int delta_partition_value(const struct delta_column *col, const char *text, struct arena *a,
    struct wb_value *out, struct wb_error *err);
/* The log text of add's value of partition column `column` (matched
 * case-insensitively, as Spark does), or NULL (absent or JSON null). */
const char *delta_add_partition_text(const struct delta_add *add, const char *column);
/* The rows of add by its statistics (numRecords), or -1 when it has none. */
int64_t delta_add_num_records(const struct delta_schema *s, const struct delta_add *add, struct arena *a);
/* The log text of a partition value; appends nothing and returns false for
 * NULL (which the log records as JSON null). Timestamps are written in
 * ISO 8601 UTC ("2019-10-01T00:00:05.000000Z"). */
bool delta_partition_format(const struct delta_column *col, const struct wb_value *v,
    struct strbuf *out);

/* Per-column statistics of one data file (schema order). */
struct delta_col_stats {
	bool has_min, has_max;
	struct wb_value min, max;        /* of the column's wb type */
	int64_t null_count;              /* -1 when unknown */
};

struct delta_file_stats {
	int64_t num_records;             /* -1 when unknown */
	bool tight_bounds;               /* false: bounds may be wide (deletion vectors) */
	struct delta_col_stats *cols;    /* schema->ncols entries */
};

/* Parse an add's stats JSON. Columns missing from the stats are unknown.
 * Timestamps in stats are truncated to milliseconds by Spark, so a
 * TIMESTAMP max is widened by 999 us here: min <= v <= max holds for
 * every value of the file. */
int delta_stats_parse(const struct delta_schema *s, const char *stats, struct arena *a,
    struct delta_file_stats *out, struct wb_error *err);
/* Write stats JSON: numRecords, minValues, maxValues, nullCount. Columns
 * without bounds are left out of min/max; partition columns (their value
 * is in partitionValues) and booleans get none, as in Spark. Strings
 * longer than 32 characters are cut for minValues and left out of
 * maxValues; timestamps are written to the millisecond, min rounded down
 * and max rounded up. */
void delta_stats_write(const struct delta_schema *s, const struct delta_file_stats *st,
    struct strbuf *out);

/* ---- paths ---- */

/* Percent-decode a log path ("a%20b" -> "a b"). false on a bad escape. */
bool delta_path_decode(const char *in, struct strbuf *out);
/* Percent-encode a relative path for an add/remove action. */
void delta_path_encode(const char *in, struct strbuf *out);
/* The local file a log path names: relative paths resolve against the
 * table directory, "file:" URIs and absolute paths are taken as they are;
 * other schemes (s3://, abfss://) are an error. Returns malloc'd memory. */
char *delta_file_path(const char *table, const char *log_path, struct wb_error *err);

/* ---- snapshots ---- */

/* Which clock "AS OF TIMESTAMP" uses for commits without an in-commit
 * timestamp (commits that have one always use it, per the protocol). */
enum delta_ts_source {
	DELTA_TS_FILE_TIME,              /* the commit file's modification time (the protocol's rule) */
	DELTA_TS_COMMIT_INFO             /* commitInfo.timestamp, else the file time: survives copying a table */
};

#define DELTA_LATEST (-1)
#define DELTA_NO_TIMESTAMP INT64_MIN

struct delta_read_options {
	int64_t version;                 /* DELTA_LATEST or a version */
	int64_t timestamp;               /* ms; DELTA_NO_TIMESTAMP or "as of" this time */
	enum delta_ts_source ts_source;
};

#define DELTA_READ_OPTIONS_INIT { DELTA_LATEST, DELTA_NO_TIMESTAMP, DELTA_TS_FILE_TIME }

struct delta_snapshot {
	char *table;                     /* the table directory as given */
	int64_t version;
	int64_t timestamp;               /* commit timestamp of `version`, ms */
	struct delta_protocol protocol;
	struct delta_metadata metadata;
	struct delta_schema schema;      /* parsed metadata.schema_string */
	int64_t nfiles;                  /* live files, in order of first appearance in the log */
	struct delta_add *files;
	int64_t ntombstones;             /* removes not re-added */
	struct delta_remove *tombstones;
	int ntxns;
	struct delta_app_txn *txns;
	int ndomains;                    /* live (not removed) domains */
	struct delta_domain *domains;
	const char *commit_info;         /* commitInfo of `version`, compact JSON, or NULL */
	int64_t checkpoint_version;      /* the checkpoint replay started from, -1 if none */
	struct arena arena;
};

/* Reconstruct the table at a version (latest by default, or "as of" a
 * version or a timestamp; opt may be NULL). Refuses tables it cannot read
 * correctly: reader features it does not implement, column mapping,
 * deletion vectors, non-Parquet formats, nested columns. */
struct delta_snapshot *delta_snapshot_open(const char *table, const struct delta_read_options *opt,
    struct wb_error *err);
void delta_snapshot_free(struct delta_snapshot *s);

/* Total rows of the live files from their stats, or -1 when a file has
 * no numRecords. */
int64_t delta_snapshot_num_records(const struct delta_snapshot *s, struct wb_error *err);

/* Is there a Delta table at path (a _delta_log with a commit or checkpoint)? */
bool delta_table_exists(const char *table);
/* The latest version from listing the log, or -1 with err. */
int64_t delta_latest_version(const char *table, struct wb_error *err);

/* One commit for DESCRIBE HISTORY. */
struct delta_history_entry {
	int64_t version;
	int64_t timestamp;               /* the commit time "as of timestamp" uses (same ts_source) */
	const char *operation;           /* commitInfo.operation or NULL */
	const char *commit_info;         /* compact JSON or NULL */
};

/* Newest first, at most limit entries (limit <= 0: all that exist);
 * strings and the array live in a. Timestamps follow ts_source like time
 * travel does (strictly increasing within the entries shown), so a time
 * shown here selects that version in "AS OF TIMESTAMP". */
int delta_history(const char *table, int64_t limit, enum delta_ts_source ts_source, struct arena *a,
    struct delta_history_entry **out, int64_t *n, struct wb_error *err);

/* ---- writing commits ---- */

/* A transaction being prepared: actions collected, then published
 * atomically as the next version.
 *
 *   c = delta_commit_begin(table, snap, "WRITE", err);
 *   delta_commit_add(c, &add); ...; delta_commit_param(c, "mode", "Append");
 *   v = delta_commit_publish(c, &res, err);
 *   delta_commit_free(c);
 *
 * Publishing writes the commit to a hidden temporary file in _delta_log,
 * fsyncs it, then link()s it to `%020d.json` (renameat2 RENAME_NOREPLACE
 * where hard links are not supported), which fails if the version exists:
 * two writers never both win a version, and no reader ever sees a
 * half-written commit. The directory is fsynced after.
 *
 * A writer that loses the race reads the winning commits and applies the
 * protocol's conflict rules (Serializable):
 *   - the winner changed the protocol or the metadata: conflict;
 *   - both set a txn for the same appId: conflict;
 *   - both removed the same file: conflict;
 *   - if this transaction read the table (delta_commit_reads_table; any
 *     data-changing remove or a metadata change implies it), a winner that
 *     added or removed data conflicts;
 * and otherwise retries at the next version. A blind append (only new
 * files, nothing read) therefore only conflicts with protocol, metadata and
 * txn changes. A conflict is an error (res->conflict set) that names the
 * winning version and its operation.
 *
 * After a commit at a multiple of the table's checkpoint interval
 * (delta.checkpointInterval, default 10) a checkpoint is written if a
 * writer is installed (delta_checkpoint_io); its failure leaves the commit
 * standing and is reported in res->warning. */
struct delta_commit;

struct delta_commit_result {
	int64_t version;                 /* the version committed */
	int attempts;                    /* 1, plus one per version lost to a concurrent writer */
	bool conflict;                   /* the error was a conflict with a concurrent commit */
	bool checkpointed;               /* a checkpoint was written after the commit */
	char warning[512];               /* non-fatal problem after the commit ("" if none) */
};

/* Begin a transaction on table, computed from snapshot read (which the
 * commit does not keep), or with read NULL to create the table (version 0;
 * delta_commit_set_metadata required). Refuses tables wb cannot write
 * (writer features it does not implement, invariants) and creating a
 * table that exists. operation is commitInfo.operation ("WRITE",
 * "DELETE", "CREATE TABLE", ...). */
struct delta_commit *delta_commit_begin(const char *table, const struct delta_snapshot *read,
    const char *operation, struct wb_error *err);
void delta_commit_free(struct delta_commit *c);
/* Actions; everything is copied. */
void delta_commit_set_protocol(struct delta_commit *c, const struct delta_protocol *p);
void delta_commit_set_metadata(struct delta_commit *c, const struct delta_metadata *m);
void delta_commit_add(struct delta_commit *c, const struct delta_add *add);
void delta_commit_remove(struct delta_commit *c, const struct delta_remove *rm);
void delta_commit_set_txn(struct delta_commit *c, const char *app_id, int64_t version);
/* The new data depends on what was read (UPDATE, DELETE, MERGE, INSERT
 * ... SELECT from the table itself, overwrite): concurrent data changes
 * then conflict. */
void delta_commit_reads_table(struct delta_commit *c);
/* commitInfo.operationParameters / operationMetrics (strings, as Spark
 * writes them). */
void delta_commit_param(struct delta_commit *c, const char *key, const char *value);
void delta_commit_metric(struct delta_commit *c, const char *key, int64_t value);
/* A further commitInfo member: key and its value as JSON text (readers
 * ignore members they do not know; wb records expectation counts so). */
void delta_commit_info(struct delta_commit *c, const char *key, const char *json);
/* Publish; returns the version, or -1 with err (and res->conflict for a
 * conflict). res may be NULL. */
int64_t delta_commit_publish(struct delta_commit *c, struct delta_commit_result *res, struct wb_error *err);

/* A remove action for a live file (extended metadata, dataChange true,
 * deletionTimestamp now). Points into add. */
struct delta_remove delta_remove_for(const struct delta_add *add, int64_t now_ms);
/* Metadata of a new table: a random id, Parquet format, createdTime now,
 * schemaString from s, partition columns as given. Strings go to a. */
void delta_metadata_new(const struct delta_schema *s, const char *const *partition_columns, int npart,
    struct arena *a, struct delta_metadata *out);
/* A random (version 4) UUID into out[37] - for data file names. */
void delta_uuid(char out[37]);

/* ---- checkpoints ---- */

/* Emit one checkpoint row (an action) while a checkpoint is read. */
typedef int (*delta_checkpoint_emit_fn)(void *st, const struct delta_action *row, struct wb_error *err);

/* The Parquet layer provides these (delta_checkpoint_io_set at start-up).
 *
 * read: read the checkpoint files[0..nfiles) (one classic file, or all
 *   parts of a multi-part checkpoint, in order) and call emit once for each
 *   non-null action column of each row: protocol, metaData, txn, add,
 *   remove, domainMetadata (other columns ignored). Strings handed to emit
 *   may die after the call. Return 0, or -1 with err (naming the file).
 * write: write rows[0..n) (each one action; see delta_checkpoint_schema())
 *   as one Parquet file at path. wb writes to a temporary name and renames,
 *   so write just creates path. The table's schema and partition columns
 *   are in snap for partitionValues_parsed / stats_parsed if wanted.
 */
struct delta_checkpoint_io {
	int (*read)(void *ctx, const char *const *files, int nfiles, delta_checkpoint_emit_fn emit,
	    void *st, struct wb_error *err);
	int (*write)(void *ctx, const char *path, const struct delta_action *rows, int64_t n,
	    const struct delta_snapshot *snap, struct wb_error *err);
	void *ctx;
};

/* Install (or with NULL remove) the checkpoint reader/writer. Not
 * thread-safe: call before tables are opened. */
void delta_checkpoint_io_set(const struct delta_checkpoint_io *io);
const struct delta_checkpoint_io *delta_checkpoint_io_get(void);

/* The rows of a V1 checkpoint of s, in the protocol's order: protocol,
 * metaData, txns, live domainMetadata, adds, then the removes whose
 * tombstones have not expired at now_ms (delta.deletedFileRetentionDuration,
 * default one week), without their stats and tags. Rows point into s. */
int64_t delta_checkpoint_rows(const struct delta_snapshot *s, int64_t now_ms, struct arena *a,
    struct delta_action **rows);
/* The table's delta.deletedFileRetentionDuration ("interval 1 week",
 * "interval 30 days", "interval 168 hours") in ms - how long removed
 * files must be kept for readers of older versions (VACUUM's default
 * retention, and how long checkpoints keep tombstones): 7 days when
 * unset, -1 when it cannot be understood. */
int64_t delta_deleted_file_retention_ms(const struct delta_snapshot *s);
/* The checkpoint's Parquet schema as Spark StructType JSON: one nullable
 * struct column per action (txn, add, remove, metaData, protocol,
 * domainMetadata) with the fields the protocol lists. */
const char *delta_checkpoint_schema(void);

/* Write a classic checkpoint of s (`%020d.checkpoint.parquet`) through
 * the installed writer - to a temporary name, then renamed - and point
 * _last_checkpoint at it. Without a writer: -1, "needs Parquet support". */
int delta_checkpoint_write(const struct delta_snapshot *s, struct wb_error *err);

/* _delta_log/_last_checkpoint */
struct delta_last_checkpoint {
	int64_t version;
	int64_t size;                    /* actions in the checkpoint */
	int64_t parts;                   /* 0 when absent (a single file) */
	int64_t size_in_bytes;           /* -1 when absent */
	int64_t num_of_add_files;        /* -1 when absent */
};

/* 0 and *out filled; 1 when there is no _last_checkpoint; -1 when it
 * cannot be read, is not valid JSON, or its checksum does not match. */
int delta_last_checkpoint_read(const char *table, struct delta_last_checkpoint *out,
    struct wb_error *err);
/* Replace _last_checkpoint atomically (temporary file, fsync, rename),
 * with the protocol's checksum. */
int delta_last_checkpoint_write(const char *table, const struct delta_last_checkpoint *lc,
    struct wb_error *err);
/* The protocol's _last_checkpoint checksum of a JSON text: MD5 of its
 * canonical form (leaf paths sorted bytewise, strings URL-encoded, the
 * top-level "checksum" member left out), as 32 hex digits into out[33]. */
int delta_json_checksum(const char *json, size_t len, char out[33], struct wb_error *err);

#endif
