/*
 * pq: Parquet files - the reader (a parallel `struct source`) and the
 * writer (a C API used by COPY TO and by the Delta layer). Written from the
 * Apache Parquet format specification; no SQL here.
 *
 * Reading. Flat schemas: every top-level primitive column. Types map as
 *   BOOLEAN                                   -> BOOLEAN
 *   INT32, INT64 (any INT/UINT annotation)    -> BIGINT (UINT64 values above
 *                                                INT64_MAX are an error)
 *   FLOAT, DOUBLE, FLOAT16                    -> DOUBLE
 *   DECIMAL (INT32, INT64, FIXED, BYTE_ARRAY) -> DOUBLE (nearest double)
 *   DATE                                      -> DATE
 *   TIMESTAMP millis/micros/nanos, INT96      -> TIMESTAMP (nanoseconds are
 *                                                truncated toward zero)
 *   BYTE_ARRAY STRING/UTF8/ENUM/JSON          -> VARCHAR (UTF-8 checked)
 *   BYTE_ARRAY or FIXED without annotation,
 *   BSON                                      -> VARCHAR holding DuckDB's BLOB
 *                                                text (printable ASCII as is,
 *                                                other bytes as \xHH), unless
 *                                                binary_as_string
 *   UUID                                      -> VARCHAR (8-4-4-4-12 hex)
 *   TIME                                      -> VARCHAR (HH:MM:SS[.ffffff])
 *   INTERVAL (FIXED[12])                      -> INTERVAL
 * Lists of primitive values (LIST in its standard 3-level and legacy
 * 2-level forms, and bare repeated primitives) become wb lists of the
 * element's type (BIGINT[], VARCHAR[], ...), with NULL lists, empty lists
 * and NULL elements. Other nested columns (structs, maps, lists of lists)
 * appear in the schema as VARCHAR so that DESCRIBE shows them, and a scan
 * that projects one fails with a message naming it; scans that leave them
 * out read the rest. Dictionary-encoded string columns come out as DICT vectors when
 * the dictionary is at most half the row group's rows, so low-cardinality
 * strings stay codes; the dictionaries live until the source is freed.
 *
 * Pruning: row groups whose footer statistics prove that no row passes the
 * scan's hints (scan_pred.h) are skipped - min_value/max_value, the
 * deprecated min/max only for signed numbers, DOUBLE bounds only when the
 * file counts no NaN (wb writes nan_count), never for binary text.
 *
 * Parallelism: one morsel per row group, claimed atomically by readers;
 * morsel numbers run across the files of a glob or list in order, so chunk
 * sequence numbers give file and row order. Only the projected columns are
 * decoded.
 *
 * Errors name the file, and where it applies the row group and column, and
 * what is wrong ("truncated", "page header is corrupt", "unsupported
 * codec LZO", ...). Corrupt input never crashes the reader.
 *
 * Writing. pq_writer_open/write/close write one file with a flat schema:
 * BIGINT -> INT64, DOUBLE -> DOUBLE, BOOLEAN -> BOOLEAN, VARCHAR ->
 * BYTE_ARRAY (STRING), DATE -> INT32 (DATE), TIMESTAMP -> INT64
 * (TIMESTAMP(MICROS, isAdjustedToUTC = true)), lists T[] -> the standard
 * 3-level LIST of T (optional elements, no statistics); INTERVAL is
 * refused. All
 * columns are OPTIONAL. Columns are dictionary-encoded (RLE_DICTIONARY data
 * pages over a PLAIN dictionary page) and fall back to PLAIN when the
 * dictionary would not pay off; data pages are v1 with RLE definition
 * levels; statistics (min_value/max_value, legacy min/max where the sort
 * orders agree, null_count) are written per column chunk.
 */
#ifndef WB_STORE_PARQUET_PQ_H
#define WB_STORE_PARQUET_PQ_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/types.h"
#include "core/vector.h"
#include "store/source.h"

/* CompressionCodec values of the format. */
enum pq_codec {
	PQ_CODEC_UNCOMPRESSED = 0, PQ_CODEC_SNAPPY = 1, PQ_CODEC_GZIP = 2, PQ_CODEC_LZO = 3,
	PQ_CODEC_BROTLI = 4, PQ_CODEC_LZ4 = 5, PQ_CODEC_ZSTD = 6, PQ_CODEC_LZ4_RAW = 7
};

/* ------------------------------------------------------------ reading */

struct pq_read_options {
	bool binary_as_string;   /* un-annotated BYTE_ARRAY as raw bytes */
	bool filename;           /* add a VARCHAR column `filename` after the file's columns */
	bool file_row_number;    /* then a BIGINT column `file_row_number` (0-based row in its file) */
	bool verify_crc;         /* check page CRCs when present (default true) */
};

void pq_read_options_init(struct pq_read_options *o);

/*
 * Open files for reading: `paths` are file names or glob patterns (each
 * pattern's matches sorted bytewise; a pattern that matches nothing is an
 * error). The first file's schema is the source's; later files must have
 * every column (matched by name) with the same wb type. Footers are read
 * here; data is read by the readers. NULL with err set on failure.
 */
struct source *pq_source_open(char *const *paths, int npaths, const struct pq_read_options *o,
    struct wb_error *err);

/* Is path a regular file that starts with the Parquet magic? (for FROM
 * 'name' without a .parquet extension; pipes are never read) */
bool pq_file_looks_parquet(const char *path);

/* ------------------------------------------------------------ writing */

struct pq_write_options {
	int codec;                  /* enum pq_codec: UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW */
	int level;                  /* codec level; 0 = the codec's default */
	int64_t row_group_rows;     /* default 122880 */
	int64_t row_group_bytes;    /* cut a row group earlier at this much raw data
	                               (default 128 MiB) */
	int64_t page_bytes;         /* target uncompressed data page size (1 MiB) */
	int64_t dict_bytes;         /* largest dictionary page (1 MiB) */
	bool dictionary;            /* default true */
};

void pq_write_options_init(struct pq_write_options *o);
/* "zstd", "snappy", "gzip", "uncompressed"/"none", "lz4"/"lz4_raw";
 * false if unknown or not built in. */
bool pq_codec_from_name(const char *name, int *codec);

/* Per-column statistics of a written file, as Delta add actions need them. */
struct pq_col_stats {
	bool has_minmax;            /* false when every value is NULL, for lists, and
	                               for a DOUBLE column holding a NaN (NaN sorts
	                               above every bound in SQL, so a min/max that
	                               leaves it out must not be used to skip) */
	struct wb_value min, max;   /* VARCHAR values are malloc'd, owned here */
	int64_t null_count;
};

struct pq_write_stats {
	int64_t rows;
	int64_t bytes;              /* file size */
	int row_groups;
	int ncol;
	struct pq_col_stats *cols;
};

void pq_write_stats_free(struct pq_write_stats *s);

struct pq_writer;
struct pq_part;

/* Create (truncate) `path` and prepare to write columns of these names and
 * types. NULL with err set (e.g. an INTERVAL column). */
struct pq_writer *pq_writer_open(const char *path, int ncol, char *const *names, const wb_type *types,
    const struct pq_write_options *o, struct wb_error *err);
/* Append rows (serial use: one thread). Values are copied. */
int pq_writer_write(struct pq_writer *w, const struct chunk *c, struct wb_error *err);

/*
 * Parallel use: one part per producing thread. pq_part_write appends rows
 * to the part's row group, cut at row_group_rows / row_group_bytes and when
 * the chunk's morsel (seq >> 24) changes; a finished row group is encoded
 * and compressed on the calling thread and written at the end of the file.
 * The footer lists row groups in sequence-number order, so the file reads
 * back in input order whatever order the parts finished in; runs of small
 * row groups (from small morsels) are merged at close. Parts are flushed
 * and freed by pq_writer_close.
 */
struct pq_part *pq_writer_part(struct pq_writer *w);
/* Bytes of encoded row groups in the file so far, and their rows in
 * *rows (thread-safe). */
int64_t pq_writer_bytes(struct pq_writer *w, int64_t *rows);
int pq_part_write(struct pq_part *p, const struct chunk *c, struct wb_error *err);

/* Flush, write the footer, close the file. On success fill *stats (if not
 * NULL; free with pq_write_stats_free). The writer is freed either way; on
 * failure the file is removed. */
int pq_writer_close(struct pq_writer *w, struct pq_write_stats *stats, struct wb_error *err);
/* Give up: free everything and remove the file. */
void pq_writer_abort(struct pq_writer *w);

/* ------------------------------------------------------------ nested columns, leaf by leaf */

/*
 * A small reader and writer for files with nested columns (structs, maps,
 * lists of primitives), made for Delta checkpoints: correct rather than
 * fast, whole files in memory, no SQL source behind them.
 *
 * Reading goes one leaf at a time, in rows of the leaf's top-level field.
 * A pq_ncol reads the leaf named by a dotted path as a wb list column:
 *   PQ_NVALUE      "add.size", "metaData.format.provider": a primitive
 *                  inside structs, never repeated. A row is NULL when the
 *                  top-level field is NULL, else a list of one value, or
 *                  of none when the value or a struct between is NULL.
 *   PQ_NMAP_KEY,   "add.partitionValues": the keys or the values of the
 *   PQ_NMAP_VALUE  map there (its repeated key_value group, whatever its
 *                  name), one per entry; values may be NULL elements.
 *   PQ_NLIST_ELEM  "metaData.partitionColumns": the elements of the list
 *                  there (3-level or legacy 2-level form).
 * A NULL map or list and an empty one both give an empty list. Leaves are
 * matched by name, so files with fields in another order, extra fields or
 * missing ones read the same: pq_ncol_open returns NULL without setting
 * err for a path the file does not have.
 *
 * Errors name the file, the row group and the leaf; corrupt input never
 * crashes the reader.
 */
enum pq_nkind { PQ_NVALUE, PQ_NMAP_KEY, PQ_NMAP_VALUE, PQ_NLIST_ELEM };

struct pq_nfile;
struct pq_ncol;

/* Read path into memory and decode its footer. */
struct pq_nfile *pq_nfile_open(const char *path, struct wb_error *err);
void pq_nfile_free(struct pq_nfile *f);
int pq_nfile_row_groups(const struct pq_nfile *f);
int64_t pq_nfile_rows(const struct pq_nfile *f, int rg);
/* A reader of the leaf at path of this kind whose values have wb type
 * want (BIGINT for INT32/INT64, BOOLEAN, VARCHAR); a leaf of another type
 * is an error. */
struct pq_ncol *pq_ncol_open(struct pq_nfile *f, const char *path, enum pq_nkind kind, wb_type want,
    struct wb_error *err);
/* Start row group rg; then pq_ncol_read fills v (of type want[]) with
 * the next rows (<= WB_VEC_SIZE), views valid until the next read. */
int pq_ncol_start(struct pq_ncol *c, int rg, struct wb_error *err);
int pq_ncol_read(struct pq_ncol *c, int rows, struct vec *v, struct wb_error *err);
void pq_ncol_free(struct pq_ncol *c);

/*
 * Writing: the caller gives the schema tree in depth-first order (element
 * 0 the root) and, for each leaf in that order, its repetition and
 * definition levels and its present values, Dremel-style - the writer
 * checks the levels against the tree, it does not shred. One row group,
 * PLAIN values, RLE levels, v1 data pages cut at row boundaries, no
 * statistics.
 */
enum pq_nannot { PQ_NA_NONE, PQ_NA_MAP, PQ_NA_LIST };

struct pq_nelem {
	const char *name;
	int repetition;            /* 0 required, 1 optional, 2 repeated; the root's is ignored */
	int nchildren;             /* > 0: a group */
	enum pq_nannot annot;      /* groups: MAP or LIST */
	wb_type type;              /* leaves: BIGINT, BOOLEAN or VARCHAR (UTF8 string) */
	bool int32;                /* BIGINT stored as INT32 */
};

struct pq_nleaf {
	int64_t nlevels;
	const uint8_t *rep;        /* NULL: all 0 */
	const uint8_t *def;
	int64_t nvals;             /* levels at the leaf's maximum definition level */
	const void *vals;          /* int64_t, uint8_t (bool) or wb_str values */
};

/* Write the file at path (created or truncated; removed on failure). */
int pq_nwrite(const char *path, const struct pq_nelem *schema, int nschema, const struct pq_nleaf *leaves,
    int64_t rows, int codec, struct wb_error *err);

#endif
