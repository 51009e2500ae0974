/*
 * csv: the CSV reader (a parallel `struct source`) and the CSV field writer.
 *
 * Dialect. Rows end at LF, CRLF or a lone CR outside quotes. A field that
 * starts with the quote character is quoted: it may hold delimiters,
 * newlines and the quote itself, written twice ("" - RFC 4180) or, when
 * `escape` differs from `quote`, preceded by the escape character. A quote
 * anywhere else in a field, or text after a closing quote, makes the row bad.
 * A UTF-8 byte order mark is skipped. Blank lines are skipped, except in
 * single-column files where a blank line is a NULL value (as DuckDB does).
 *
 * NULLs. An empty unquoted field is NULL. In a VARCHAR column a quoted
 * empty field ("") is the empty string, never NULL (note: DuckDB's default
 * allow_quoted_nulls makes it NULL; wb keeps the distinction so that
 * csv_write_field output reads back exactly); in other columns it is NULL.
 * With null_strings set, the listed unquoted strings are NULL and, in
 * VARCHAR columns, an empty unquoted field is the empty string unless "" is
 * listed (DuckDB's `nullstr`); in other columns an empty field is NULL.
 *
 * Types inferred from the first sample_rows rows, first match wins:
 * BOOLEAN (true/false/t/f, any case), BIGINT (fits int64), DOUBLE (any other
 * number, including integers beyond int64 - as DuckDB does), DATE
 * (YYYY-MM-DD), TIMESTAMP (date and time, optional fraction, `UTC`, `Z` or
 * +HH:MM suffix), VARCHAR. A column with no value in the sample is VARCHAR.
 * Explicit BOOLEAN columns also accept yes/no/y/n/1/0.
 *
 * Header (auto): the first row is a header when some value of it does not
 * fit the type inferred for its column from the following rows, or when
 * every column is VARCHAR and the first row has no empty field. Without a
 * header, columns are named column0, column1, ...; empty header names get
 * that name too and duplicates get a suffix (a, a_1, ...).
 *
 * Errors (struct wb_error, first error wins) name the file, the line (of
 * the first byte of the row; physical lines, so quoted newlines count), the
 * column, the value, the type, and what to do. Row-level checks (number of
 * fields, quoting, UTF-8 of the whole row, length) apply to every row;
 * conversions only to the projected columns, so a bad value in a column
 * that is not read is not an error. ignore_errors skips bad rows and counts
 * them; store_rejects (which implies ignore_errors) also keeps them for
 * csv_source_rejects(). In a parallel scan with several bad rows, which one
 * is reported first depends on timing; each message is exact.
 *
 * Input: plain files are mapped; gzip (one or more members) is streamed
 * through zlib; pipes and devices are streamed (gzip if named *.gz).
 * zstd, bzip2, xz and zip inputs are recognised and refused with a message.
 * Files with NUL bytes in their first MiB are refused as binary.
 *
 * Parallel scans: uncompressed regular files are cut into morsels (byte
 * blocks, default up to 16 MiB) that start exactly at row boundaries, found
 * by counting quote parity per block. Morsel numbers run across the files
 * of a glob in order, so chunk seq numbers give file order. gzip files and
 * pipes are one morsel each; a gzip stream is inflated serially by one
 * read-ahead thread per file while the reader that claimed it parses, so
 * decompression and parsing overlap. With an escape
 * character other than the quote, each file is one morsel (parity does not
 * hold).
 *
 * Lifetime: VARCHAR values in chunks from next() point into the reader's
 * input (the mapped file or its buffer) or the vector's heap, valid until
 * that reader's next call; the `filename` column points into the source.
 */
#ifndef WB_STORE_CSV_H
#define WB_STORE_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rowset.h"
#include "core/strbuf.h"
#include "core/types.h"
#include "store/source.h"

enum {
	CSV_COMPRESSION_AUTO = 0, /* gzip when the file starts with gzip's magic bytes */
	CSV_COMPRESSION_NONE,
	CSV_COMPRESSION_GZIP
};

struct csv_column_spec {
	char *name;
	wb_type type;
};

/* All pointers in csv_options are owned by the options and released by
 * csv_options_free() (malloc'd strings and arrays). csv_source_open()
 * copies what it needs, so options may be freed right after it. */
struct csv_options {
	int header;            /* -1 auto-detect (default), 0 no, 1 yes */
	char delim;            /* 0 = sniff among , | ; \t */
	char quote;            /* default '"'; 0 = no quoting */
	char escape;           /* 0 (default): same as quote, i.e. RFC 4180 doubling; or e.g. '\\' */
	int64_t skip;          /* physical lines to skip before the header */
	int64_t sample_rows;   /* rows used for type inference (default 20480) */
	bool all_varchar;
	bool auto_detect;      /* default true; false requires columns */
	struct csv_column_spec *columns; int ncolumns;   /* explicit full schema */
	struct csv_column_spec *types; int ntypes;       /* per-name type overrides */
	char **null_strings; int nnull_strings;          /* see NULLs above */
	bool filename;         /* add a trailing VARCHAR column `filename` */
	bool metadata;         /* then Bronze ingestion columns: `_source_file`
	                          VARCHAR (the path), `_ingested_at`
	                          TIMESTAMP (when the source was opened) and
	                          `_source_line` BIGINT (the line the row starts on) */
	bool ignore_errors;    /* skip bad rows */
	bool store_rejects;    /* keep bad rows for csv_source_rejects() */
	int compression;       /* CSV_COMPRESSION_* */
	int64_t max_line_size; /* default 16 MiB (at most 1 GiB); longer rows are errors */
	bool progress;         /* allow the stderr progress bar */
	int64_t block_size;    /* morsel size in bytes; 0 = automatic (tests use small ones) */
};

void csv_options_init(struct csv_options *o);
void csv_options_free(struct csv_options *o);
/* Append to o->columns / o->types / o->null_strings (copies the strings). */
void csv_options_add_column(struct csv_options *o, const char *name, wb_type type);
void csv_options_add_type(struct csv_options *o, const char *name, wb_type type);
void csv_options_add_null(struct csv_options *o, const char *s);

/*
 * Open one file or a glob pattern (matches sorted bytewise). Sniffs the
 * first file's dialect, header and types and fills the source's names and
 * types; checks that every other file has the same number of columns
 * (matched by position). Reads no more than the sample. NULL with err set
 * on failure. Free with source_free().
 */
struct source *csv_source_open(const char *pattern, const struct csv_options *o,
    struct wb_error *err);
/* The same over several files or patterns, in the order given. */
struct source *csv_source_open_list(const char *const *patterns, int npatterns, const struct csv_options *o,
    struct wb_error *err);

/* After the scan: rejected rows as a table (file VARCHAR, line BIGINT,
 * column VARCHAR, error VARCHAR, original VARCHAR) in file and line order;
 * NULL when store_rejects was not set or nothing was rejected. The caller
 * owns the result. */
struct rowset *csv_source_rejects(struct source *s);
/* Rows skipped because of errors so far (ignore_errors / store_rejects). */
int64_t csv_source_rows_rejected(struct source *s);

/* What the sniffer decided, for DESCRIBE-like uses and messages. */
struct csv_sniff_info {
	char delim, quote, escape;
	bool header;
	int64_t sample_rows;   /* data rows the types were inferred from */
	int nfiles;
};
void csv_source_sniff_info(struct source *s, struct csv_sniff_info *out);

/* Append one field to out, quoted (its quotes doubled) only when it
 * contains the delimiter, the quote, CR or LF, or is empty (so that it reads
 * back as an empty string, not NULL). Callers write NULL as nothing (an
 * empty unquoted field). quote 0 means never quote. */
void csv_write_field(struct strbuf *out, const char *p, size_t n, char delim, char quote);

#endif
