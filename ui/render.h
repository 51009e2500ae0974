/*
 * render: result renderers (box, csv, tsv, json, jsonl, markdown, line).
 *
 * A renderer is a `struct wb_sink` (core/sink.h) writing to a FILE. It
 * knows no session, no SQL and no curses: it receives a table's columns at
 * begin(), rows in chunks, and draws or serialises them. One sink serves
 * any number of results in a row (begin/chunk/end repeated), as a REPL
 * session reuses it across statements.
 *
 * Streaming. csv, tsv, json, jsonl, markdown and line write each chunk as
 * it arrives, so exporting 42 M rows needs no more memory than one chunk.
 * box has to know every column's width before it draws the first line, so
 * it keeps formatted copies of only the rows it will show: the first
 * max_rows rows, and a ring of the last max_rows/2 rows seen. Memory is
 * bounded by max_rows whatever the result size (max_rows <= 0 shows, and
 * therefore keeps, everything).
 *
 * Values are written as value_format() writes them (core/types.h): doubles
 * in shortest round-trip form, timestamps as "2019-10-01 00:00:00",
 * intervals as format_interval() does. What each mode adds:
 *   box       DuckDB-style table: names centred, types under them, numbers
 *             right-aligned, control characters escaped (\n, \t, \x01,
 *             \u202e) so the grid never breaks, widths measured in
 *             terminal columns (East Asian wide characters count 2),
 *             values truncated with "…" and middle columns hidden to fit
 *             max_width, long results elided with a row of "·" and a
 *             footer "42,448,764 rows (40 shown)   9 columns (5 shown)".
 *             Small complete results have no footer, like DuckDB; an empty
 *             one says "0 rows".
 *   csv       RFC 4180: a value is quoted when it contains the delimiter,
 *             a quote, CR or LF, starts or ends with a space or tab, or
 *             equals the NULL text (so an empty string is written "" and
 *             stays distinct from NULL, which is empty).
 *   tsv       no quoting; tab, LF, CR and backslash written as \t \n \r \\.
 *   json      one JSON array of objects, one object per line; jsonl: one
 *             object per line. Numbers are JSON numbers (NaN and
 *             infinities become null), BOOLEAN true/false, NULL null,
 *             everything else a string; invalid UTF-8 becomes U+FFFD.
 *   markdown  a GitHub table, numbers right-aligned (---:), "|" escaped.
 *   line      sqlite3's line mode: "name = value" with names right-aligned,
 *             a blank line between rows.
 *   trash     discards everything (counts rows; for timing queries).
 * message() lines ("Table t created") are printed in box, markdown and
 * line modes and dropped in the machine-readable modes, so a csv or json
 * stream stays parseable; front ends print status elsewhere if they wish.
 */
#ifndef WB_UI_RENDER_H
#define WB_UI_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/rowset.h"
#include "core/sink.h"

enum render_mode {
	RENDER_BOX = 0,
	RENDER_CSV,
	RENDER_TSV,
	RENDER_JSON,
	RENDER_JSONL,
	RENDER_MARKDOWN,
	RENDER_LINE,
	RENDER_TRASH,
	RENDER__COUNT
};

/* Mode by name, case-insensitive: "box" (or "duckbox"), "csv", "tsv",
 * "json", "jsonl" (or "ndjson"), "markdown" (or "md"), "line", "trash".
 * Returns false for an unknown name and leaves *out alone. */
bool render_mode_from_name(const char *name, enum render_mode *out);
/* The canonical name of a mode ("box", ...); "?" for an invalid value. */
const char *render_mode_name(enum render_mode m);

struct render_options {
	enum render_mode mode;
	int64_t max_rows;      /* box: rows shown before eliding (40); <= 0: all */
	int max_width;         /* box: width in terminal columns; 0: unlimited.
				* A table is never cut below its first column
				* (and the footer's longest word). */
	bool utf8;             /* box: Unicode lines (else ASCII + - |) */
	bool header;           /* csv/tsv: write a header line */
	bool show_types;       /* box: a second header line with column types */
	/* Text for NULL; NULL means the mode's default: "NULL" in box,
	 * markdown and line, "" in csv and tsv. json always writes null. */
	const char *null_text;
};

/* Defaults: box, 40 rows, unlimited width, UTF-8, header and types on. */
void render_options_init(struct render_options *o);

/* A sink rendering results to `out` (not closed by the sink). The options
 * are copied (null_text too). A write error on `out` makes the callback
 * that noticed it fail with a message naming the error. */
struct wb_sink *render_sink_new(const struct render_options *o, FILE *out);
/* Free a sink from render_sink_new (NULL is fine). A result begun but not
 * ended is dropped without output. */
void render_sink_free(struct wb_sink *s);
/* Rows received by the current or last result (0 before any). */
int64_t render_sink_rows(struct wb_sink *s);
/* Test hook: rows the sink holds in memory right now (box only; other
 * modes hold none). Bounded by max_rows + max_rows/2 when max_rows > 0. */
int64_t render_sink_buffered(struct wb_sink *s);

/* Render a whole rowset as one result. Returns 0, or -1 if writing to
 * `out` failed. */
int render_rowset(const struct rowset *rs, const struct render_options *o, FILE *out);

/*
 * Text helpers shared with charts and the TUI, which must measure text
 * the same way the tables do.
 */
/* Terminal columns s[0..n) takes when shown by the box renderer, i.e.
 * after escaping: control characters count as their escape sequence
 * (\n = 2), invalid UTF-8 bytes as \xNN (4), East Asian wide and
 * fullwidth characters 2, combining marks and zero-width characters 0. */
int render_display_width(const char *s, size_t n);
/* Columns taken by one code point as printed (0, 1 or 2); -1 for code
 * points the box renderer escapes (C0/C1 controls, DEL, bidi controls,
 * line and paragraph separators). */
int render_codepoint_width(uint32_t cp);
/* Decimal text of v with thousands separators ("42,448,764") into buf
 * (>= 32 bytes); returns the length. */
int render_group_digits(int64_t v, char *buf);

#endif
