/*
 * csv_int: internals shared by the csv_*.c files (not a public header).
 *
 *   csv_tok.c     tokenizer: rows and field boundaries of a byte range
 *   csv_conv.c    fast field parsers and column conversion into vectors
 *   csv_input.c   files: mmap, gzip / pipe streams, line counting (globs: store/files.h)
 *   csv_sniff.c   dialect, header and type detection from a sample
 *   csv_source.c  options, csv_source_open: files, sniffing, schema
 *   csv_scan.c    the scan: morsels, readers, chunks (source_ops)
 *   csv_reject.c  bad rows: error messages, rejects table
 *   csv_write.c   csv_write_field
 */
#ifndef WB_STORE_CSV_INT_H
#define WB_STORE_CSV_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <pthread.h>
#include <stdatomic.h>
#include <zlib.h>

#include "core/error.h"
#include "core/types.h"
#include "core/vector.h"
#include "store/csv.h"
#include "store/source.h"

#define CSV_MAX_LINE_LIMIT ((int64_t)1 << 30)
#define CSV_MAX_COLUMNS 100000

struct csv_dialect {
	char delim;
	char quote;   /* 0: no quoting */
	char escape;  /* == quote: doubling; 0 or other: escape char inside quotes */
};

/* ---- tokenizer (csv_tok.c) ---- */

/* Row flags. */
#define CSV_RF_BADQUOTE     0x01  /* stray quote, or text after a closing quote */
#define CSV_RF_UNTERMINATED 0x02  /* input ended inside a quoted field */
#define CSV_RF_ESCAPED      0x04  /* some quoted field holds an escaped quote */

enum csv_tok_status {
	CSV_TOK_LIMIT,    /* next row would start at or after `limit` */
	CSV_TOK_FULL,     /* maxrows rows (or 2 GiB of offsets) produced */
	CSV_TOK_MORE,     /* input ends inside a row and eof was false */
	CSV_TOK_EOF,      /* all input consumed (eof was true) */
	CSV_TOK_TOOLONG   /* the row at long_start exceeds max_line */
};

/*
 * Tokenizer state and output. Offsets are relative to `org` (the position
 * the last run started at). Field c of row r ends at fend[r*cap + c] (the
 * delimiter or terminator position) and starts at rstart[r] (c == 0) or
 * one byte after the end of field c-1. Only the first `cap` fields of a row
 * are recorded; nf[r] counts them all.
 */
struct csv_tok {
	struct csv_dialect d;
	int cap;
	int maxrows;
	bool keep_blank;      /* a blank line is a row of one empty field */
	int64_t max_line;
	const char *org;
	int nrows;
	uint32_t *rstart;
	uint32_t *rend;       /* position of the terminator (or of the input end) */
	uint32_t *nf;
	uint8_t *flags;
	uint32_t *fend;
	bool highbit;         /* a byte >= 0x80 was seen (UTF-8 check needed) */
	bool anybad;          /* some row has BADQUOTE or UNTERMINATED */
	size_t long_start;    /* CSV_TOK_TOOLONG: absolute start of that row */
	bool long_in_quote;
};

void csv_tok_init(struct csv_tok *t, const struct csv_dialect *d, int cap, int maxrows,
    bool keep_blank, int64_t max_line);
void csv_tok_free(struct csv_tok *t);
/* Tokenize rows starting at buf[pos] (a row start) while row starts are
 * below `limit`, reading at most up to `end`; eof says the input really
 * ends at `end`. Returns the absolute position where the next row starts
 * and sets *status. */
size_t csv_tok_run(struct csv_tok *t, const char *buf, size_t pos, size_t limit, size_t end,
    bool eof, enum csv_tok_status *status);

static inline uint32_t
csv_tok_fstart(const struct csv_tok *t, int r, int c)
{
	return c == 0 ? t->rstart[r] : t->fend[(size_t)r * (size_t)t->cap + (size_t)c - 1] + 1;
}
static inline uint32_t
csv_tok_fend(const struct csv_tok *t, int r, int c)
{
	return t->fend[(size_t)r * (size_t)t->cap + (size_t)c];
}
/* Remove rows whose keep[r] is 0 (keeps order). */
void csv_tok_compact(struct csv_tok *t, const uint8_t *keep);

/* Position after the first row terminator outside quotes at or after
 * `from`, given the quote state there (RFC quoting only); `end` if none. */
size_t csv_split_point(const char *buf, size_t from, size_t end, char quote, bool in_quote);
/* Number of `quote` bytes in p[0..n) modulo 2. */
int csv_quote_parity(const char *p, size_t n, char quote);
/* Scan one row from buf[pos] without recording it, across calls: *in_quote
 * carries the state. Returns the position after the row's terminator, or
 * (size_t)-1 if `end` was reached first (then call again with more data). */
size_t csv_skip_row(const char *buf, size_t pos, size_t end, const struct csv_dialect *d,
    bool *in_quote);

/* ---- conversion (csv_conv.c) ---- */

struct csv_nulls {
	int n;                /* 0: only the empty unquoted field is NULL */
	char **s;
	uint32_t *len;
	bool empty_is_null;   /* "" among the null strings */
};

/* Whole-field fast parsers; false if the text is not exactly that type
 * (they fall back to the general core parsers for unusual forms). */
bool csv_parse_int64(const char *p, size_t n, int64_t *out);
bool csv_parse_double(const char *p, size_t n, double *out);
bool csv_parse_timestamp(const char *p, size_t n, int64_t *out);
bool csv_parse_date(const char *p, size_t n, int64_t *out);
bool csv_parse_bool(const char *p, size_t n, bool strict, uint8_t *out);
/* Does p[0..n) convert to type t? (for inference and header detection) */
bool csv_value_fits(wb_type t, const char *p, size_t n);
/* Field of row r, column c with quotes removed. *tmp_used tells whether
 * the text was unescaped into tmp (capacity tmpcap; false result if too
 * small). Returns false if the field is NULL. */
bool csv_is_null(const struct csv_nulls *nl, const char *p, size_t n, bool varchar);
/* Unescape quoted content q[0..n) (without the outer quotes) into dst
 * (room for n bytes); returns the new length. */
size_t csv_unescape(char *dst, const char *q, size_t n, const struct csv_dialect *d);

/*
 * Convert column c of the tokenized rows into v (type t, reset by the
 * caller). Rows that do not convert are NULL in v and their indexes are
 * written to bad[] (ascending); returns how many. Strings are views into
 * the tokenized input, or copies in v's heap when they had escapes.
 */
int csv_conv_column(const struct csv_tok *t, int c, wb_type type, const struct csv_dialect *d,
    const struct csv_nulls *nl, struct vec *v, int *bad);
/* First invalid UTF-8 byte in p[0..n), or -1. */
ssize_t csv_utf8_check(const char *p, size_t n);

/* ---- input (csv_input.c) ---- */

/* A sequential reader of decompressed bytes (gzip or plain fd). Never
 * copy one once open: zlib's state points back at its z_stream. */
struct csv_stream {
	int fd;
	bool gzip;
	bool zinit;
	bool zdone;           /* no more output */
	z_stream z;
	unsigned char *in;
	size_t incap;
	bool in_eof;
	int64_t in_total;     /* compressed (raw) bytes read so far */
	const char *name;
};
/* Open path for streaming (or use fd when >= 0; the stream owns it);
 * gzip decodes gzip members. */
int csv_stream_open(struct csv_stream *st, const char *path, int fd, bool gzip,
    struct wb_error *err);
/* Read up to n bytes into dst: bytes read, 0 at end of input, -1 on error. */
ssize_t csv_stream_read(struct csv_stream *st, char *dst, size_t n, struct wb_error *err);
void csv_stream_close(struct csv_stream *st);

/*
 * Read-ahead: a producer thread that decompresses a stream into a small
 * ring of slots while the reader parses (gzip is the slow part of a gzip
 * scan, so this overlaps the two on two cores). The consumer copies out
 * of the slots; errors travel as the message of the first failure.
 */
#define CSV_ASYNC_SLOTS 3
struct csv_async {
	struct csv_stream *st;    /* owned; used by the producer only */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct {
		char *p;
		size_t len, off;
	} slot[CSV_ASYNC_SLOTS];
	size_t slot_size;
	int head, count;          /* filled slots: head .. head+count-1 */
	bool eof, stop;
	char *errmsg;
	int64_t in_total;         /* compressed bytes consumed (under mu) */
};
/* Start the producer on st (owned by a from then on). -1 if no thread
 * could be started (st stays the caller's). */
int csv_async_start(struct csv_async *a, struct csv_stream *st, size_t slot_size);
ssize_t csv_async_read(struct csv_async *a, char *dst, size_t n, struct wb_error *err);
int64_t csv_async_in_total(struct csv_async *a);
/* Stop and join the producer, close the stream. */
void csv_async_close(struct csv_async *a);

/* Map a regular file read-only (size 0: map NULL): 1; not a regular
 * file: 0 with *pipefd open; -1 on error. */
int csv_map_file(const char *path, const char **map, size_t *size, int *pipefd,
    struct wb_error *err);
void csv_unmap(const char *map, size_t size);
/* Kinds of input recognised by magic bytes. */
enum csv_magic { CSV_MAGIC_NONE, CSV_MAGIC_GZIP, CSV_MAGIC_ZSTD, CSV_MAGIC_BZIP2,
	CSV_MAGIC_XZ, CSV_MAGIC_ZIP };
enum csv_magic csv_detect_magic(const unsigned char *p, size_t n);
const char *csv_magic_name(enum csv_magic m);

/* Line terminators (LF, CRLF, lone CR) in p[0..n). A CR at p[n-1] counts
 * as a terminator only if next_is_lf is false. */
int64_t csv_count_lines(const char *p, size_t n, bool next_is_lf);

/* ---- sniffing (csv_sniff.c) ---- */

struct csv_sniff {
	struct csv_dialect d;
	int ncol;
	char **names;         /* malloc'd */
	wb_type *types;
	bool *inferred;       /* type came from inference (for messages) */
	bool header;
	size_t data_start;    /* offset of the first data row (after BOM, skip, header) */
	int64_t data_line;    /* its 1-based line number */
	int64_t sample_rows;  /* data rows seen by inference */
	double row_bytes;     /* average bytes per data row in the sample */
};

/*
 * Detect the dialect, header and column types from buf[0..n) (the start
 * of the first file; whole = it is the entire file). Applies the options
 * (explicit delimiter, columns, types, all_varchar, header). 0 or -1.
 */
int csv_sniff_run(const char *buf, size_t n, bool whole, const struct csv_options *o,
    const char *fname, struct csv_sniff *out, struct wb_error *err);
void csv_sniff_free(struct csv_sniff *sn);
/*
 * For another file of a glob: find where its data starts (BOM, skip lines,
 * header as decided for the first file) and check its first row has ncol
 * fields. 0 or -1.
 */
int csv_sniff_follow(const char *buf, size_t n, bool whole, const struct csv_sniff *first,
    const struct csv_options *o, const char *fname, const char *firstname,
    size_t *data_start, int64_t *data_line, struct wb_error *err);
/* Bytes of the BOM at buf (0 or 3). */
size_t csv_bom_len(const char *buf, size_t n);
/* Position after `lines` line terminators from pos (or n). */
size_t csv_skip_lines(const char *buf, size_t n, size_t pos, int64_t lines);

/* Append text to a message, quoted with '...', control bytes escaped and
 * cut after max bytes. */
void csv_quote_value(struct strbuf *sb, const char *p, size_t n, size_t max);

/* ---- the source (csv_source.c, csv_scan.c, csv_reject.c) ---- */

struct csv_file {
	char *path;
	bool gzip;
	bool mapped;          /* regular uncompressed file, read through map */
	const char *map;
	size_t size;          /* mapped bytes */
	int64_t raw_size;     /* bytes on disk (compressed size for gzip) */
	size_t data_start;    /* in decompressed bytes */
	int64_t data_line;
	int first_morsel;
	int nblocks;
	size_t bsize;
	uint8_t *parity;      /* per block quote parity, valid once pdone[b] */
	uint8_t *pdone;       /* under csv_src.mu */
	uint8_t *cum;         /* cum[b]: quote state at block b's nominal start, b <= known */
	int known;            /* blocks 0..known-1 folded into cum (under mu) */
	/* a pipe cannot be reopened: its stream and sniffed prefix are kept */
	struct csv_stream *keep;
	char *keepbuf;
	size_t keeplen, keepcap;
};

struct csv_morsel {
	int file;
	int block;
};

struct csv_reject {
	int file;
	int64_t line;
	char *column;         /* NULL for row-level errors */
	char *error;
	char *original;
};

struct csv_src {
	struct source s;      /* first: the struct source handed out */
	struct csv_sniff sn;
	struct csv_nulls nulls;
	char *first_name;
	int ncol_file;        /* columns in the files (without `filename`) */
	bool filename_col;
	bool metadata_cols;   /* _source_file, _ingested_at, _source_line after `filename` */
	int line_col;         /* the _source_line column, or -1 */
	int64_t ingested_at;  /* microseconds since the epoch, UTC */
	bool ignore_errors;
	bool store_rejects;
	bool progress;
	int64_t max_line;
	int64_t block_size;
	double gz_ratio;      /* decompressed / compressed bytes, for estimates */
	struct csv_file *files;
	int nfiles;
	struct csv_morsel *morsels;
	int nmorsels;
	_Atomic int next_morsel;
	_Atomic int morsels_done;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct csv_reject *rej;   /* under mu */
	size_t nrej, caprej;
	_Atomic int64_t nrejected;
	struct progress *prog;
	bool started;
};

struct csv_reader {
	struct csv_tok tok;
	int *bad;
	uint8_t *keep;
	int morsel;           /* -1: none claimed */
	int file;
	int64_t chunk;        /* chunks emitted in this morsel */
	size_t pos, end;      /* mapped morsel: next row start, block end */
	size_t mstart;        /* mapped morsel: where it began */
	bool streaming;
	struct csv_stream *st;  /* NULL once moved into aio */
	bool async;             /* gzip read-ahead thread running */
	struct csv_async aio;
	char *buf;            /* stream buffer: rows at [bpos, len) */
	size_t cap, len, bpos, capmax;
	bool beof;
	int64_t bline;        /* line number of buf[0] */
	int64_t st_reported;  /* compressed bytes already counted as progress */
	bool skipping;        /* discarding the rest of a too long row */
	bool skip_q;
	/* line numbers are counted lazily from a known point */
	const char *lbase;
	size_t lpos;
	int64_t lline;
	/* ignore_errors / store_rejects: columns the query does not read are
	 * still converted (into this scratch vector) so that a bad row is
	 * dropped whatever the projection */
	struct vec scratch;
};

extern const struct source_ops csv_source_ops;
/* Cut the files into morsels (at open: max_readers must be known early). */
void csv_plan_morsels(struct csv_src *cs);

/* Line number of the row starting at absolute position pos of the
 * reader's current input (mapped file or stream buffer). */
int64_t csv_reader_line(struct csv_src *cs, struct csv_reader *r, const char *base, size_t pos);

enum csv_bad_kind {
	CSV_BAD_FIELDS,       /* wrong number of fields */
	CSV_BAD_QUOTE,        /* stray quote / text after closing quote */
	CSV_BAD_UNTERMINATED,
	CSV_BAD_UTF8,
	CSV_BAD_TOOLONG,
	CSV_BAD_CONVERT
};

/*
 * Report a bad row: with ignore_errors count it (and keep it when
 * store_rejects), returning 0; otherwise set err (file:line: message and
 * what to do) and return -1. row_p/row_n is the row's text; col the
 * column (-1 when unknown: found from the text where possible); value the
 * offending field for conversions; extra: fields found / bad byte offset.
 */
int csv_report(struct csv_src *cs, struct csv_reader *r, enum csv_bad_kind kind,
    const char *row_p, size_t row_n, int64_t line, int col, const char *value, size_t value_n,
    long extra, struct wb_error *err);

#endif
