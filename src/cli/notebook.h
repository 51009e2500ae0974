/*
 * notebook: .wb notebooks - the format, its runner, its tests, its report
 * and its Databricks import/export (man wb-notebook(5)).
 *
 * A notebook is a plain-text script that stays runnable by `wb FILE.wb`:
 * cells start at marker lines `-- %% <kind> [options]` (kinds sql, md,
 * chart); markdown and chart cells are `-- ` comment lines; a file without
 * markers is one SQL cell. `-- param NAME TYPE [= DEFAULT]` lines at the
 * top declare typed parameters, used as :NAME (a typed value bound by the
 * session) or ${NAME} (text substituted before the statement runs). An
 * expected-output block, `-- > ` lines right after a SQL cell's code or a
 * chart cell's spec lines, makes the notebook a test (`wb test NB.wb`);
 * `wb run --update` rewrites them.
 *
 * Files, one responsibility each:
 *   notebook_parse.c   the format: lines, header, parameters' declarations,
 *                      cells and their options, expected blocks; cell
 *                      lookup by number or name; atomic file writes
 *   notebook_param.c   parameter values: typed parsing, -p overrides, the
 *                      session binding of :NAME, ${NAME} substitution
 *   notebook_run.c     running cells through session_run with their output
 *                      captured, `wb run`
 *   notebook_test.c    masking of volatile values, comparison with expected
 *                      blocks, unified diffs, TAP, `wb test NB.wb`, --update
 *   notebook_report.c  the markdown report of a run (--output report.md)
 *   notebook_dbx.c     Databricks SQL notebook source export/import and
 *                      `wb notebook cells|params|export|import`
 *
 * Contracts: statements only ever run through session_run(); nothing is
 * written half: rewritten notebooks, reports and exports go to a temporary
 * file renamed over the target. Errors in the notebook itself (a malformed
 * marker or parameter line, an unknown parameter or cell) are reported as
 * file:line with a hint before any cell runs.
 */
#ifndef WB_CLI_NOTEBOOK_H
#define WB_CLI_NOTEBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"

struct session;

/* ------------------------------------------------------------ front ends */

/* wb run NB.wb [-p NAME=VALUE ...] [--from CELL] [--only CELL]
 *   [--output REPORT.md] [--update] [global options]. Returns the exit
 * status: 0, 1 when a cell failed, 2 for usage and notebook errors. */
int nb_run_main(int argc, char **argv);
/* wb notebook cells|params|export|import ... (same exit statuses). */
int nb_notebook_main(int argc, char **argv);

/* wb test for one .wb file: what slt's runner counts, shared so that .slt
 * and .wb files can be mixed in one TAP stream. */
struct nb_test_totals {
	bool tap;        /* print "ok N - ..." lines (and diagnostics as # comments) */
	int tapn;        /* last TAP test number used */
	int passed, failed;
	const char *warehouse;   /* wb test --warehouse DIR: run there (notebooks that
	                            build on each other's tables); NULL: a fresh one */
};
/* Run the notebook at path as a test (fresh temporary warehouse, every
 * cell's output compared with its expected block); reports name it as
 * shown (the path as the user gave it). Adds to *t; returns 0 when
 * nothing failed. */
int nb_test_file(const char *path, const char *shown, struct nb_test_totals *t);
/* Does this path name a notebook (ends in .wb)? */
bool nb_is_notebook_path(const char *path);

/* ------------------------------------------------------------ the model */

enum nb_kind { NB_SQL, NB_MD, NB_CHART };

/* One line of the file: text at p, len bytes without the line terminator
 * ("\n" or "\r\n"); next is the offset of the following line. */
struct nb_line {
	const char *p;
	int len;
	size_t off, next;
};

struct nb_param {
	char *name;
	char *type_text;   /* as written: "DATE", "INT", ... */
	wb_type type;      /* VARCHAR, BIGINT, DOUBLE, BOOL, DATE or TIMESTAMP */
	char *def;         /* the default's text (quotes removed); NULL: required */
	int line;
};

/* Line numbers are 1-based; ranges [a, b) exclude b. */
struct nb_cell {
	enum nb_kind kind;
	int number;        /* 1-based, in file order over all kinds */
	char *name;        /* name=... option, or NULL */
	char *opts;        /* the other options, as written ("" when none) */
	int marker;        /* line of the `-- %%` marker; 0: the implicit first cell */
	int first, end;    /* the cell's lines after its marker */
	int code_end;      /* sql: lines [first, code_end) are run; chart:
			    * they are its spec lines; md: code_end == end */
	int out_first, out_end;   /* sql and chart: the expected block's lines;
				   * out_first 0: none */
	int last;          /* where --update adds a block: sql, the last line
			    * of code, not blank nor a comment (0: none);
			    * chart, its last spec line with text, else its
			    * marker */
};

struct notebook {
	char *path;
	char *text;
	size_t len;
	struct nb_line *lines;   /* lines[i] is line i + 1 */
	int nlines;
	const char *eol;         /* "\n" or "\r\n", as the file writes them */
	int header_end;          /* lines [1, header_end) are the header (comments
				  * before the first marker); 1: none */
	struct nb_param *params;
	int nparams;
	struct nb_cell *cells;
	int ncells;
};

/* Parse text (a copy is kept). Fills err with "path:line: ..." and a hint
 * for a malformed marker, option, parameter line or expected block. */
struct notebook *nb_parse(const char *path, const char *text, size_t len, struct wb_error *err);
/* Only the lines of text, no cells (for reading other formats). */
struct notebook *nb_text(const char *path, const char *text, size_t len);
/* Read and parse a file. */
struct notebook *nb_load(const char *path, struct wb_error *err);
void nb_free(struct notebook *nb);
const char *nb_kind_name(enum nb_kind k);
/* The cell named by spec: a 1-based number or a name. -1 with err set
 * (listing the cells) when there is none. */
int nb_find_cell(const struct notebook *nb, const char *spec, struct wb_error *err);
/* Append lines [a, b) as in the file, each ended by "\n". */
void nb_lines_text(const struct notebook *nb, int a, int b, struct strbuf *out);
/* Line n's text as a NUL-terminated copy (caller frees). */
char *nb_line_dup(const struct notebook *nb, int n);
/* Is the line a comment (starts with "--" after blanks) or blank? */
bool nb_line_is_comment(const char *p, int len);
bool nb_line_is_blank(const char *p, int len);
/* The text of a markdown/chart comment line: "-- x" -> "x", "--" -> "". */
void nb_comment_text(const char *p, int len, const char **text, int *tlen);
/* "Cell 3 (load_events)" or "Cell 3" into buf. */
const char *nb_cell_label(const struct nb_cell *c, char *buf, size_t n);
/* Write data to path through a temporary file in the same directory
 * renamed over it (the target's mode is kept). */
int nb_write_atomic(const char *path, const char *data, size_t len, struct wb_error *err);
/* Read a whole file (text, no NUL bytes); NULL with err set. */
char *nb_read_file(const char *path, size_t *len, struct wb_error *err);

/* ------------------------------------------------------------ parameters */

/* Parse a `-- param` line's text after "param": NAME TYPE [= DEFAULT].
 * Returns 0, or -1 with err saying what is wrong (no location). */
int nb_param_decl(const char *s, int len, struct nb_param *out, struct wb_error *err);
/* Parse text (quotes already removed) as a value of type t; a VARCHAR
 * points into text. Returns false when it does not parse; *why then names
 * the expected form. */
bool nb_value_parse(wb_type t, const char *text, struct wb_value *out, const char **why);
/* The canonical name of a parameter type ("DATE"). */
const char *nb_type_name(wb_type t);

/* The values a run uses: one per declared parameter (or per -p when the
 * notebook declares none). */
struct nb_var {
	char *name;
	wb_type type;
	char *text;        /* what ${name} becomes */
	char *raw;         /* an undeclared -p's value as given (the session types it) */
	struct wb_value value;
};
struct nb_vars {
	struct nb_var *v;
	int n;
	bool declared;     /* the notebook declares parameters */
};
/* Resolve the declared parameters' values from defaults and the -p
 * NAME=VALUE assignments, checking names, types and required ones, and
 * every ${NAME} in the SQL cells. Returns -1 with err set (file:line where
 * it helps) before anything runs. */
int nb_vars_resolve(const struct notebook *nb, char **assigns, int nassigns, struct nb_vars *out,
    struct wb_error *err);
/* Bind the values as the session's :NAME parameters. */
int nb_vars_bind(const struct nb_vars *v, struct session *s, struct wb_error *err);
/* Append text with each ${NAME} of v replaced by its text (\${ is left
 * alone); unknown names stay as written. */
void nb_vars_substitute(const struct nb_vars *v, const char *text, size_t len, struct strbuf *out);
void nb_vars_free(struct nb_vars *v);

/* ------------------------------------------------------------ running */

struct nb_report;

/* What one cell did. */
struct nb_cell_out {
	bool ran, failed;
	char *text;        /* captured output when capturing, else NULL */
};

struct nb_run {
	struct notebook *nb;
	struct session *s;
	const struct nb_vars *vars;
	int from, to;             /* cells [from, to] (0-based) run */
	bool capture;             /* keep each cell's output (tests, --update) */
	bool pass;                /* show output on stdout/stderr as it comes */
	const char *shown_path;   /* how errors name the file (default nb->path) */
	struct nb_report *report; /* or NULL */
	struct nb_cell_out *outs; /* ncells entries, filled by nb_run_cells */
	int stopped;              /* index of the cell the run stopped at, or -1 */
	int failed;               /* cells that failed */
};
/* Run cells [from, to] in order; each SQL cell through session_run with
 * the file's line numbers; a chart cell draws the last result of the SQL
 * cell before it (an error in its spec reported at its line) - when
 * capturing, at a fixed size and character set (stmt_chart_show_fixed),
 * so that tests do not depend on the terminal or the locale. Stops at a
 * failing cell when the session's bail is on (the default for notebooks;
 * a chart cell runs under the bail its SQL cell left). Returns 0 when no
 * cell failed. */
int nb_run_cells(struct nb_run *r);
void nb_run_free(struct nb_run *r);
/* A SQL cell's code (lines [first, code_end)) with ${NAME} substituted
 * from vars (NULL: as written); caller frees. */
char *nb_cell_code(const struct notebook *nb, const struct nb_vars *vars, const struct nb_cell *c);
/* A chart cell's spec: its marker's options, then its lines (${NAME}
 * substituted), parsed into sp (initialised by the caller). On an error,
 * when line is not NULL, *line and *col (-1: none) say where in the file
 * it is. */
struct chart_spec;
int nb_chart_spec(const struct notebook *nb, const struct nb_vars *vars, const struct nb_cell *c, struct chart_spec *sp,
    struct wb_error *err, int *line, int *col);
/* The line and column of byte offset pos (-1: none) within cell c: the
 * line holding it, else the cell's marker line (*col -1). */
void nb_error_line(const struct notebook *nb, const struct nb_cell *c, int pos, int *line, int *col);
/* A session for a notebook: bail on, Delta tables in warehouse (NULL: the
 * default), or, when tmp_wh is given and warehouse is NULL, in a fresh
 * temporary directory whose path is written to tmp_wh. */
struct session *nb_session_new(const char *warehouse, char *tmp_wh, size_t tmp_len);
/* Free it, and remove the temporary warehouse (tmp_wh "" or NULL: none). */
void nb_session_free(struct session *s, const char *tmp_wh);
/* wb run --update: run r (capturing) and rewrite the notebook's expected
 * blocks from the masked output; nothing is written when a cell stopped
 * the run. tmp_wh: the temporary warehouse, masked. Returns the exit
 * status. */
int nb_update(struct nb_run *r, const char *tmp_wh);

/* ------------------------------------------------------------ tests */

/* How volatile values are masked: the run's environment. */
struct nb_mask {
	const char *warehouse;   /* replaced by <warehouse> */
	const char *path;        /* the notebook's path, replaced by its base name */
	const char *base;
	long long now;           /* seconds since the epoch */
};
/* Mask a cell's output (see wb-notebook(5), MASKING): returns the masked
 * text, lines ended by "\n". */
char *nb_mask_output(const struct nb_mask *m, const char *text);
/* Compare masked output with the expected lines; returns true when they
 * match, else appends a unified diff to diff (when not NULL). exact (chart
 * cells: where a mark is drawn is what is tested): blanks count, only
 * trailing ones are dropped; else runs of blanks and of box rules count
 * as one. */
bool nb_expect_match(char **want, int nwant, const char *got, const char *label, bool exact, struct strbuf *diff);

/* ------------------------------------------------------------ report */

/* A markdown report of a run, written to path when the run ends. */
struct nb_report *nb_report_new(const struct notebook *nb, const struct nb_vars *v);
/* Called by the runner around each cell and for the text it captures. */
void nb_report_cell_begin(struct nb_report *r, const struct notebook *nb, int cell, const char *code);
void nb_report_text(struct nb_report *r, const char *s, size_t n);
void nb_report_cell_end(struct nb_report *r);
void nb_report_stopped(struct nb_report *r, const char *what);
/* The sink to install as the session's override: it shows every result
 * on the session's own sink and copies it, as a markdown table, into the
 * report. */
struct wb_sink *nb_report_sink(struct nb_report *r, struct session *s);
/* Set while the tee is inside a sink callback (its output to the
 * terminal is then not report text). */
bool nb_report_in_sink(const struct nb_report *r);
int nb_report_write(struct nb_report *r, const char *path, struct wb_error *err);
void nb_report_free(struct nb_report *r);

/* ------------------------------------------------------------ Databricks */

/* Databricks SQL notebook source ("-- Databricks notebook source") from a
 * notebook, and back. */
int nb_export_dbx(const struct notebook *nb, struct strbuf *out, struct wb_error *err);
int nb_import_dbx(const char *path, const char *text, size_t len, struct strbuf *out, struct wb_error *err);

#endif
