/*
 * session: the one place statements and dot-commands are executed.
 *
 * Every front end (REPL, -c, script files, stdin, notebooks, the TUI, the
 * sqllogictest runner) hands text to session_run() and receives results
 * through the session's sink. A session owns the catalog, settings,
 * parameters and output state (mode, output file, timer).
 *
 * Error reporting: errors are printed once, by the session, to its error
 * stream: "Error: <message>" followed by the statement line with a caret
 * under the position and a HINT line; for scripts the location is given as
 * file:line:column.
 */
#ifndef WB_CLI_SESSION_H
#define WB_CLI_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"
#include "core/rowset.h"
#include "core/sink.h"
#include "sql/ast.h"
#include "store/catalog.h"
#include "ui/render.h"

struct session_param {
	char *name;
	struct wb_value value;   /* strings point into `text` */
	char *text;
};

struct session {
	struct catalog *catalog;
	struct render_options render;
	FILE *out;               /* results */
	FILE *errout;            /* errors and messages */
	FILE *redirect;          /* .output / .once target, or NULL */
	bool redirect_once;
	char *redirect_path;
	struct wb_sink *sink;    /* the renderer for the current mode */
	struct wb_sink *override_sink;   /* tests/TUI: receive results instead */
	struct wb_sink *show_sink;       /* an override_sink that still shows results to a
	                                    person (a notebook report's tee): statements format
	                                    for a person when override_sink is NULL or this */
	bool timer;
	bool bail;
	bool echo;
	bool quit;
	bool interactive;
	int threads;
	bool default_delta;      /* CREATE TABLE makes Delta tables (default; SET default_table_format) */
	bool dynamic_partition_overwrite;  /* INSERT OVERWRITE replaces only the partitions
	                            written to (SET spark.sql.sources.partitionOverwriteMode = dynamic) */
	bool schema_auto_merge;  /* INSERT and MERGE add new columns to the target
	                            (SET spark.databricks.delta.schema.autoMerge.enabled) */
	/* Delta maintenance settings (Databricks' names; stmt_lake_setting) */
	bool delta_retention_check;      /* spark.databricks.delta.retentionDurationCheck.enabled */
	int64_t delta_target_file_size;  /* spark.databricks.delta.optimize.maxFileSize (OPTIMIZE's target
	                                    and where writes cut files); 0: default */
	int64_t max_records_per_file;    /* spark.sql.files.maxRecordsPerFile (writes, OPTIMIZE); 0: no limit */
	volatile sig_atomic_t cancel;
	struct session_param *params;
	int nparams;
	size_t pcap;
	int errors;              /* statements that failed */
	struct rowset *last;     /* the last result shown (its first SESSION_LAST_MAX_ROWS
	                            rows), for .chart and notebook chart cells; NULL: none */
	int64_t last_rows;       /* rows that result had (last->nrows when all are kept) */
	/* where the text being run comes from, for error locations */
	const char *source_name; /* NULL for interactive / -c */
	int source_line;         /* line of the first character of the text */
	struct wb_error last_error;   /* copy of the last error (tests, TUI) */
	int last_error_line;     /* its line in the source (source_line based; dashboards) */
	char *ml_experiment;     /* SET EXPERIMENT: where CREATE MODEL's runs go (NULL: Default) */
	char *expect_note;       /* what a write's expectations did, for the statement's message
	                            (cli/expect.h: expect_note_append) */
	/* the SQL statement being run by session_exec_sql (not NUL-terminated;
	 * NULL between statements): front ends label the results a sink
	 * receives with the statement that made them (the TUI's derived views) */
	const char *stmt_text;
	int stmt_len;
};

struct session *session_new(void);
void session_free(struct session *s);
/* Run a script: statements separated by ';' and dot-commands on lines of
 * their own. Returns 0 if everything succeeded, -1 if something failed
 * (with --bail semantics when s->bail: stops at the first failure). */
int session_run(struct session *s, const char *text, const char *source_name, int first_line);
/* Run exactly one SQL statement (no dot-commands). */
int session_exec_sql(struct session *s, const char *sql, int len);
/* Run one dot-command line (".mode csv"). */
int session_exec_command(struct session *s, const char *line);
/* The sink results go to now (override, or the renderer for the mode). */
struct wb_sink *session_sink(struct session *s);
/* Rebuild the renderer after a mode/output change. */
void session_reset_sink(struct session *s);
FILE *session_output(struct session *s);
/* Print an error for text (statement) with caret and hint. */
void session_report(struct session *s, const char *text, int len, struct wb_error *err);
void session_message(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parameters (.param set, -p). */
int session_set_param(struct session *s, const char *name, const char *value, struct wb_error *err);
const struct wb_value *session_get_param(struct session *s, const char *name);
/* session_last.c: the sink that keeps the results the session shows in
 * s->last, wrapping the renderer `next` (which it owns and frees). */
#define SESSION_LAST_MAX_ROWS 100000
struct wb_sink *session_keep_sink_new(struct session *s, struct wb_sink *next);
void session_keep_sink_free(struct wb_sink *k);
/* Send a rowset to the current sink as one result. */
int session_emit(struct session *s, const struct rowset *rs, struct wb_error *err);

#endif
