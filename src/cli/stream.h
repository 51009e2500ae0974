/*
 * stream: streaming tables - Delta tables that a query over arriving files
 * keeps up to date in exactly-once micro-batches (Databricks' streaming
 * tables, Spark Structured Streaming's file source and Delta sink).
 *
 *   CREATE OR REFRESH STREAMING TABLE t AS
 *     SELECT ... FROM STREAM read_csv('landing/', maxFilesPerTrigger => 10)
 *   REFRESH STREAMING TABLE t [FULL]        wb stream run t [--every 10s]
 *
 * The pieces, one file each:
 *   stmt_stream.c      the statements (grammar, registration, executors)
 *   stream_def.c       a definition's text: its STREAM source, options,
 *                      WATERMARK clause, and each batch's query text
 *   stream_ckpt.c      the checkpoint directory: offsets, commits, state
 *   stream_plan.c      which files the next batch takes
 *   stream_open.c      opening a stream: table, definition, checkpoint, lock
 *   stream_run.c       running batches exactly once
 *   stream_table.c     the Delta side: creating the table, a batch's commit
 *   stream_cli.c       `wb stream run`
 *   stream_agg.c       stateful window aggregation with a watermark
 *
 * Exactly once. A streaming table has an id (table property wb.stream.id)
 * and a checkpoint directory, <table dir>/_checkpoint/. Batch N is first
 * planned - its files, with size and modification time, written to
 * offsets/N atomically and never rewritten - then run: its rows go to
 * the table in one Delta commit that also carries the txn action (appId
 * = the stream's id, version = N); then commits/N is written. On start a
 * batch with offsets but no commit is finished: if the table's txn version
 * for the stream is >= N the commit happened (commits/N is written now),
 * else the batch runs again with exactly the files of offsets/N. A file
 * named in any offsets file is never read again. So a process killed at
 * any point loses and duplicates nothing. One process at a time runs a
 * stream (a lock on _checkpoint/lock).
 *
 * Ownership: a struct stream_def lives in the arena it was parsed into;
 * checkpoint records own nothing beyond their arena; errors follow
 * core/error.h.
 */
#ifndef WB_CLI_STREAM_H
#define WB_CLI_STREAM_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli/session.h"
#include "core/arena.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "sql/ast.h"

/* Table properties of a streaming table. */
#define STREAM_PROP_DEFINITION "wb.stream.definition"   /* the query text */
#define STREAM_PROP_ID "wb.stream.id"                   /* the stream's id (txn appId) */
#define STREAM_PROP_DECLARED "wb.stream.declaredColumns" /* "true": CREATE listed the columns */
#define STREAM_CHECKPOINT_DIR "_checkpoint"             /* inside the table directory */

/* ------------------------------------------------------------ definitions (stream_def.c) */

enum stream_format { STREAM_CSV, STREAM_PARQUET };

/* A replacement of def->query[start, start + len) in every batch's text;
 * text NULL: the STREAM source (a batch's own). */
struct stream_edit {
	int start, len;
	const char *text;
};

struct stream_def {
	const char *query;          /* SELECT ... FROM STREAM source ... */
	int len;
	int pos0;                   /* where the query starts in the statement text */
	enum stream_format format;
	const char *fn;             /* the table function a batch calls: read_csv, read_parquet */
	char *path;                 /* the source's folder, glob pattern or file, as written */
	int src_pos;                /* the STREAM keyword */
	char *options;              /* the call's other arguments as text (", header = true"), stream
	                               options left out */
	/* stream options (in the source call, Spark's names) */
	int64_t max_files;          /* maxFilesPerTrigger: files per batch (default 1000; 0: all) */
	bool ignore_missing;        /* ignoreMissingFiles: a planned file that is gone is skipped */
	int64_t stable_ms;          /* fileStableMs: a file is taken once its size and mtime held
	                               still this long (default 500) */
	/* WATERMARK column DELAY OF interval (or expr AS column) */
	char *wm_column;            /* NULL: no watermark */
	char *wm_expr;              /* the expression's text when the clause derives the column */
	int64_t wm_delay_us;
	int wm_pos;
	struct stream_edit *edits;  /* sorted by start */
	int nedits;
};

/* Parse a definition: query[0, len) (kept, not copied). pos0 is where the
 * query starts in the statement being run, for error positions (0 when
 * the text stands alone). The parse checks the grammar only; tables,
 * columns and files are looked at when a batch runs. */
int stream_def_parse(const char *query, int len, int pos0, struct arena *a, struct stream_def *d,
    struct wb_error *err);

/* The length of an interval literal (INTERVAL 10 MINUTES, INTERVAL '10
 * minutes', '10 minutes') in microseconds: positive, less than a month;
 * -1 with err (what names it). */
int64_t stream_interval_us(const struct ast *v, const char *what, struct arena *a, struct wb_error *err);

/* A batch's query text: the definition with its STREAM source replaced by
 * a read of files[0..nfiles) and the WATERMARK clause taken out. */
struct stream_sql {
	char *text;                 /* malloc'd */
	int len;
	int *at;                    /* where each edit's text starts in text */
	int *n;                     /* and its length */
};

void stream_sql_build(const struct stream_def *d, char *const *files, int nfiles, struct stream_sql *out);
void stream_sql_free(struct stream_sql *q);
/* A position in a batch's text as one in the definition (positions inside
 * the replaced source map to the STREAM keyword). */
int stream_sql_pos(const struct stream_def *d, const struct stream_sql *q, int pos);

/* The name a batch's text gives window(ts, duration) (a reserved word in
 * wb's grammar): only a streaming aggregation may use it. */
#define STREAM_WINDOW_FN "wb_stream_window"

/* ------------------------------------------------------------ checkpoint (stream_ckpt.c) */

/*
 * Layout of <table dir>/_checkpoint/:
 *   metadata              {"id":"<stream id>","table":"<name>"}
 *   lock                  flock()ed by the process running the stream
 *   offsets/<N>           v1, then one JSON line for the batch, then one per file:
 *                         {"batchId":N,"timestampMs":...}
 *                         {"path":"/abs/file.csv","size":123,"mtimeMs":...}
 *   commits/<N>           v1, then {"batchId":N,"files":..,"rows":..,"lateRows":..,...}
 *   state/<N>.parquet     open windows after batch N (aggregations)
 *   state/<N>.json        the batch's watermark and counts, written before its commit
 * Every file is written to a temporary name, fsynced and renamed (offsets
 * with link(): never over an existing batch).
 */

struct stream_file {
	char *path;                 /* absolute */
	int64_t size;
	int64_t mtime_ms;
};

struct stream_offsets {
	int64_t batch;
	int64_t time_ms;
	int nfiles;
	struct stream_file *files;
};

#define STREAM_NO_TIME INT64_MIN

/* What a batch did (commits/N, and state/N.json before the commit). */
struct stream_commit {
	int64_t batch;
	int64_t time_ms;            /* when it committed */
	int64_t files;              /* files read */
	int64_t missing;            /* planned files that were gone (ignoreMissingFiles) */
	int64_t rows;               /* rows written to the table */
	int64_t input_rows;         /* rows the batch's query produced (aggregations: before grouping) */
	int64_t late_rows;          /* rows dropped: event time before the watermark (or NULL) */
	int64_t delta_version;      /* the Delta commit, -1 unknown */
	int64_t max_event_us;       /* greatest event time seen so far (STREAM_NO_TIME: none) */
	int64_t watermark_us;       /* the watermark after the batch (STREAM_NO_TIME: none) */
	int64_t windows;            /* windows written (closed by the watermark) */
	int64_t open_windows;       /* windows kept in the state */
	int64_t duration_ms;
	int64_t signature;          /* the aggregation's state layout (stream_agg_signature), 0: none */
};

/* Path of a checkpoint entry (malloc'd): "offsets", "commits" with a batch
 * id, or a plain name (batch < 0). */
char *stream_ckpt_path(const char *ckpt, const char *kind, int64_t batch);
/* State files of batch N: "parquet" or "json". */
char *stream_ckpt_state_path(const char *ckpt, int64_t batch, const char *ext);
/* Make the directories; 0 or -1 with err. */
int stream_ckpt_mkdirs(const char *ckpt, struct wb_error *err);
/* The id the checkpoint's metadata records (malloc'd), or NULL (none). */
char *stream_ckpt_id(const char *ckpt);
/* Empty the checkpoint and record id (and the table name) in its metadata. */
int stream_ckpt_reset(const char *ckpt, const char *id, const char *table, struct wb_error *err);
/* Take the lock: -1 with err naming the checkpoint when another process
 * holds it. Returns the descriptor to close. */
int stream_ckpt_lock(const char *ckpt, struct wb_error *err);
/* Batch ids present under kind ("offsets", "commits"), ascending. */
int stream_ckpt_list(const char *ckpt, const char *kind, int64_t **ids, int *n, struct wb_error *err);
int stream_ckpt_write_offsets(const char *ckpt, const struct stream_offsets *o, struct wb_error *err);
int stream_ckpt_read_offsets(const char *ckpt, int64_t batch, struct arena *a, struct stream_offsets *o,
    struct wb_error *err);
/* commits/N (kind "commits") or state/N.json (kind "state"). */
int stream_ckpt_write_commit(const char *ckpt, const char *kind, const struct stream_commit *c,
    struct wb_error *err);
int stream_ckpt_read_commit(const char *ckpt, const char *kind, int64_t batch, struct stream_commit *c,
    struct wb_error *err);
void stream_commit_init(struct stream_commit *c, int64_t batch);
/* Write text to path atomically (temporary file, fsync, rename; excl: link,
 * failing when path exists). */
int stream_write_file(const char *path, const char *text, size_t len, bool excl, struct wb_error *err);
/* Make path's directory entry durable. */
void stream_sync_dir(const char *path);

/* ------------------------------------------------------------ planning (stream_plan.c) */

/* The files at the source path now (absolute, sorted by modification time
 * then name; hidden files and names starting with '_' left out). A folder
 * or the folder of a glob that does not exist is an error; a pattern
 * matching nothing is not (no files yet). */
int stream_list_files(const struct stream_def *d, struct stream_file **files, int *n, struct wb_error *err);
void stream_files_free(struct stream_file *files, int n);

/* Files already planned into some batch: sorted paths. */
struct stream_seen {
	char **paths;
	int n;
	size_t cap;
};

void stream_seen_add(struct stream_seen *s, const char *path);
void stream_seen_sort(struct stream_seen *s);
bool stream_seen_has(const struct stream_seen *s, const char *path);
void stream_seen_free(struct stream_seen *s);

/* The next batch's files from listed[0..nlisted) (the files known at the
 * start of the run): those not seen, oldest first, at most max_files,
 * and only files whose size and mtime have held still for stable_ms -
 * waiting once (at most stable_ms) when the candidates are younger.
 * *young: files left for a later batch because they are still changing.
 * Files taken go to out (stream_file copies, malloc'd). */
int stream_plan_batch(const struct stream_def *d, struct stream_file *listed, int nlisted, const struct stream_seen *seen,
    struct stream_file **out, int *n, int *young, struct wb_error *err);

/* ------------------------------------------------------------ running (stream_open.c, stream_run.c) */

/* What CREATE STREAMING TABLE gives beyond the definition, to create the
 * table at its first batch (or at once, when it lists its columns). */
struct stream_create {
	struct ast_name name;
	struct ast_list columns;    /* COLDEF; empty: the first batch's columns */
	struct ast_list partitioned;
	struct ast_list props;      /* PROPERTY (user TBLPROPERTIES) */
	struct ast_list constraints; /* CONSTRAINT ... EXPECT (cli/expect.h) */
	char *comment;
	int pos;
};

struct stream_agg;

/* A streaming table being run by this process. */
struct stream {
	struct session *s;
	struct arena arena;         /* the definition, names */
	char *name;                 /* the table's name as given, for messages */
	struct ast_name tname;
	char *dir;                  /* the table's directory */
	char *ckpt;                 /* its checkpoint */
	char *id;                   /* the stream's id */
	struct stream_def def;
	const struct stream_create *create;   /* CREATE: the table may not exist yet */
	int lock_fd;
	int err_pos;                /* where errors point (-1: map batch positions into the definition) */
	bool progress;              /* a message per batch */
	volatile sig_atomic_t *stop;          /* set: finish the batch running and stop */
	bool aggregate;             /* a stateful aggregation (stream_agg.c) */
	bool declared;              /* the columns were listed: later files add none */
	int64_t signature;          /* the aggregation's (stream_agg_signature) */
	bool created_dir;           /* CREATE made the table's folder: removed if no table came of it */
	/* called after each batch (NULL: a session message) */
	void (*on_batch)(struct stream *st, const struct stream_commit *c, bool recovered);
	struct stream_seen seen;    /* the files of every plan read so far */
	int64_t seen_upto;          /* ... up to this batch id */
	/* this run */
	int64_t batches, files, rows, late_rows, young;
	int64_t first_version, last_version;
};

/* Open the streaming table tname (or, with create, the one to create with
 * the query query[0, query_len), which starts at query_pos in the
 * statement) for running: its directory, id and definition, the
 * checkpoint locked and checked against the table; full: REFRESH ... FULL
 * (stream_reset first). pos: where errors point. 0 or -1 with err; call
 * stream_close either way. */
int stream_open(struct stream *st, struct session *s, const struct ast_name *tname, int pos,
    const struct stream_create *create, const char *query, int query_len, int query_pos, bool full,
    struct wb_error *err);
/* Release st (and the lock); a CREATE that made no table removes the
 * folder it made. */
void stream_close(struct stream *st);
/* REFRESH ... FULL (stream_open does it): one commit empties the table
 * and gives the stream a new id (so no batch of the old one counts), then
 * the checkpoint starts over. */
int stream_reset(struct stream *st, struct wb_error *err);
/* The line a batch reports ("batch 3: 2 files, 400 rows (Delta version 5)"). */
void stream_batch_line(const struct stream *st, const struct stream_commit *c, bool recovered, struct strbuf *sb);
/* Trigger available-now: finish a batch a crash left planned, then run
 * batches until the files present at the start are all processed. */
int stream_run_available(struct stream *st, struct wb_error *err);
/* Read the definition and id properties of the Delta table in dir
 * (malloc'd; NULL when it is not a streaming table); declared: CREATE
 * listed the columns (later files add none). */
int stream_table_props(const char *dir, char **definition, char **id, bool *declared, struct wb_error *err);
/* The last batch of this stream the table holds (its txn version), -1
 * for none (or no table yet), -2 with err. */
int64_t stream_table_txn(const struct stream *st, struct wb_error *err);
/* Point err into the definition (CREATE: map a batch's position through
 * sql, which may be NULL) or at the statement (REFRESH). */
void stream_map_error(const struct stream *st, const struct stream_sql *sql, struct wb_error *err);
/* An error found in a stored definition says so (REFRESH, wb stream run). */
void stream_definition_error(const struct stream *st, struct wb_error *err);

/* ------------------------------------------------------------ the table (stream_table.c) */

/* CREATE the streaming table: the columns listed, or those of query q (a
 * batch's rows), with the definition and the stream's id as properties. */
int stream_create_table(struct stream *st, struct arena *a, struct ast *q, struct wb_error *err);
/* INSERT INTO the table BY NAME q, in a commit with batch's txn action. */
int stream_insert_batch(struct stream *st, struct arena *a, struct ast *q, int64_t batch, struct wb_error *err);
/* A commit with batch's txn action and no rows. */
int stream_commit_empty(struct stream *st, struct arena *a, int64_t batch, struct wb_error *err);
/* Batch's Delta commit, found in the table's history: its version (-1:
 * none) and rows written. */
void stream_find_commit(const struct stream *st, int64_t batch, int64_t *version, int64_t *rows);

/* `wb stream run TABLE [--every 10s] [--warehouse DIR]` (stream_cli.c): exit status. */
int stream_cli(int argc, char **argv);

/* ------------------------------------------------------------ aggregation (stream_agg.c) */

/* Does the batch query q (a batch's text parsed) aggregate? Then *out is
 * its plan, in arena a: keys, decomposable aggregates (count, sum, min,
 * max, avg), the window over the watermark column; what is not supported
 * is an error naming it. *out NULL when q does not aggregate (a window()
 * or WATERMARK in such a query is an error). */
int stream_agg_analyze(const struct stream_def *d, struct ast *q, struct arena *a, struct stream_agg **out,
    struct wb_error *err);
/* A number that changes when the state's layout does (window, keys,
 * aggregates): kept with the state, so that a changed definition is
 * refused instead of merged with a state it does not fit. */
int64_t stream_agg_signature(const struct stream_agg *g);

/* Run aggregation batch N: the query q (a batch's text parsed into a;
 * rows false when none of its files is left: q then only gives the
 * query's shape), the previous batch's state (prev: its record, NULL for
 * the first); the new state is written to state/N.parquet and
 * state/N.json, and *c filled (watermark, late rows, windows); *emit
 * receives the query of the rows to write (the windows the watermark
 * closed; NULL when there is no state at all), to insert in the batch's
 * commit. */
int stream_agg_batch(struct stream *st, struct arena *a, struct ast *q, bool rows, const struct stream_commit *prev,
    int64_t batch, struct stream_commit *c, struct ast **emit, struct wb_error *err);

/* ------------------------------------------------------------ statements (stmt_stream.c) */

/* Register CREATE [OR REFRESH] STREAMING TABLE, REFRESH STREAMING TABLE,
 * DESCRIBE STREAM and SHOW STREAMING TABLES. */
void stmt_register_stream(void);

#endif
