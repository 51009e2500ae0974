/*
 * pq_int: what the files of the Parquet module share (not for other
 * modules: they use store/parquet/pq.h).
 *
 *   pq_thrift.c   Thrift compact protocol: a bounds-checked reader that
 *                 skips unknown fields, and a writer
 *   pq_meta.c     the footer and page-header structs <-> Thrift
 *   pq_rle.c      bit packing, the RLE/bit-packed hybrid (levels, dictionary
 *                 indices, booleans)
 *   pq_delta.c    DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
 *                 DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT
 *   pq_codec.c    page compression (snappy, gzip, zstd, lz4) and CRC
 *   pq_schema.c   Parquet schema -> wb columns (types and conversions)
 *   pq_column.c   decoding one column chunk into vectors
 *   pq_source.c   read_parquet: files, footers, morsels, readers
 *   pq_wcol.c     encoding one column chunk (dictionary, pages, statistics)
 *   pq_write.c    the writer: row groups, parallel parts, footer
 *
 * Decoding never trusts the file: every length, count and offset is checked
 * against the bytes that are really there, and failures come back as a
 * short reason (a static string) that the caller wraps with the file name,
 * row group and column.
 */
#ifndef WB_STORE_PARQUET_PQ_INT_H
#define WB_STORE_PARQUET_PQ_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/arena.h"
#include "core/strbuf.h"
#include "core/types.h"
#include "store/parquet/pq.h"

/* ------------------------------------------------------------ enums */

enum pq_ptype {          /* Type */
	PQ_BOOLEAN = 0, PQ_INT32 = 1, PQ_INT64 = 2, PQ_INT96 = 3, PQ_FLOAT = 4,
	PQ_DOUBLE = 5, PQ_BYTE_ARRAY = 6, PQ_FLBA = 7
};

enum pq_ctype {          /* ConvertedType */
	PQ_CT_UTF8 = 0, PQ_CT_MAP = 1, PQ_CT_MAP_KEY_VALUE = 2, PQ_CT_LIST = 3,
	PQ_CT_ENUM = 4, PQ_CT_DECIMAL = 5, PQ_CT_DATE = 6, PQ_CT_TIME_MILLIS = 7,
	PQ_CT_TIME_MICROS = 8, PQ_CT_TIMESTAMP_MILLIS = 9, PQ_CT_TIMESTAMP_MICROS = 10,
	PQ_CT_UINT_8 = 11, PQ_CT_UINT_16 = 12, PQ_CT_UINT_32 = 13, PQ_CT_UINT_64 = 14,
	PQ_CT_INT_8 = 15, PQ_CT_INT_16 = 16, PQ_CT_INT_32 = 17, PQ_CT_INT_64 = 18,
	PQ_CT_JSON = 19, PQ_CT_BSON = 20, PQ_CT_INTERVAL = 21
};

enum pq_rep { PQ_REQUIRED = 0, PQ_OPTIONAL = 1, PQ_REPEATED = 2 };

enum pq_enc {
	PQ_ENC_PLAIN = 0, PQ_ENC_PLAIN_DICTIONARY = 2, PQ_ENC_RLE = 3, PQ_ENC_BIT_PACKED = 4,
	PQ_ENC_DELTA_BINARY_PACKED = 5, PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
	PQ_ENC_DELTA_BYTE_ARRAY = 7, PQ_ENC_RLE_DICTIONARY = 8, PQ_ENC_BYTE_STREAM_SPLIT = 9
};

enum pq_page_type { PQ_PAGE_DATA = 0, PQ_PAGE_INDEX = 1, PQ_PAGE_DICT = 2, PQ_PAGE_DATA_V2 = 3 };

/* LogicalType union members (field ids) */
enum pq_ltype {
	PQ_LT_NONE = 0, PQ_LT_STRING = 1, PQ_LT_MAP = 2, PQ_LT_LIST = 3, PQ_LT_ENUM = 4,
	PQ_LT_DECIMAL = 5, PQ_LT_DATE = 6, PQ_LT_TIME = 7, PQ_LT_TIMESTAMP = 8,
	PQ_LT_INTEGER = 10, PQ_LT_UNKNOWN = 11, PQ_LT_JSON = 12, PQ_LT_BSON = 13,
	PQ_LT_UUID = 14, PQ_LT_FLOAT16 = 15, PQ_LT_VARIANT = 16, PQ_LT_GEOMETRY = 17,
	PQ_LT_GEOGRAPHY = 18, PQ_LT_OTHER = 99   /* a member this reader does not know */
};

enum pq_unit { PQ_UNIT_NONE = 0, PQ_UNIT_MILLIS = 1, PQ_UNIT_MICROS = 2, PQ_UNIT_NANOS = 3 };

const char *pq_ptype_name(int t);
const char *pq_enc_name(int e);

/* ------------------------------------------------------------ thrift */

/* Compact protocol wire types (field types; list element types are the
 * same numbers, with 1 or 2 for bool elements). */
enum {
	PQ_TT_STOP = 0, PQ_TT_TRUE = 1, PQ_TT_FALSE = 2, PQ_TT_I8 = 3, PQ_TT_I16 = 4,
	PQ_TT_I32 = 5, PQ_TT_I64 = 6, PQ_TT_DOUBLE = 7, PQ_TT_BINARY = 8, PQ_TT_LIST = 9,
	PQ_TT_SET = 10, PQ_TT_MAP = 11, PQ_TT_STRUCT = 12, PQ_TT_UUID = 13
};

#define PQ_THRIFT_MAX_DEPTH 32

/*
 * Reader over [p, end). Errors are sticky: the first one sets `err` (a
 * static string), every later call returns a zero value, so a decoder can
 * run to its end and check err once. Lists and maps announce at most as
 * many elements as bytes remain, so a corrupt count cannot make a decoder
 * allocate or loop beyond the input.
 */
struct pq_tin {
	const uint8_t *p, *end;
	int depth;
	const char *err;
};

void pq_tin_init(struct pq_tin *t, const void *p, size_t n);
void pq_tin_fail(struct pq_tin *t, const char *why);
/* Enter a struct (depth check); leave with pq_tin_leave after its STOP. */
bool pq_tin_enter(struct pq_tin *t);
void pq_tin_leave(struct pq_tin *t);
/* Next field header of the current struct. *last is the previous field id
 * (start at 0). Returns false at STOP or on error. For bool fields the value
 * is in the type (PQ_TT_TRUE / PQ_TT_FALSE). */
bool pq_tin_field(struct pq_tin *t, int *last, int *id, int *type);
uint64_t pq_tin_uvarint(struct pq_tin *t);
int64_t pq_tin_i64(struct pq_tin *t);
int32_t pq_tin_i32(struct pq_tin *t);     /* i16 and i32 (zigzag varints) */
int8_t pq_tin_i8(struct pq_tin *t);
double pq_tin_double(struct pq_tin *t);
/* A binary/string value: a view into the input. */
bool pq_tin_binary(struct pq_tin *t, const uint8_t **p, uint32_t *n);
/* List or set header: returns the element count (-1 on error). */
int pq_tin_list(struct pq_tin *t, int *etype);
/* A bool list element. */
bool pq_tin_bool_elem(struct pq_tin *t);
/* Skip one value of wire type `type` (field or element type). */
void pq_tin_skip(struct pq_tin *t, int type);
/* Value of a bool field (from its header type); fails on other types. */
bool pq_tin_bool_field(struct pq_tin *t, int type);

/*
 * Writer: appends to a strbuf. Structs nest: pq_tout_begin() opens the
 * top-level struct, pq_tout_struct() a struct field, pq_tout_elem_struct()
 * a struct list element; pq_tout_end() writes STOP and closes the innermost.
 */
struct pq_tout {
	struct strbuf *b;
	int last[PQ_THRIFT_MAX_DEPTH];
	int depth;
};

void pq_tout_init(struct pq_tout *t, struct strbuf *b);
void pq_tout_begin(struct pq_tout *t);
void pq_tout_end(struct pq_tout *t);
void pq_tout_field(struct pq_tout *t, int id, int type);
void pq_tout_struct(struct pq_tout *t, int id);
void pq_tout_elem_struct(struct pq_tout *t);
void pq_tout_i32(struct pq_tout *t, int id, int32_t v);
void pq_tout_i64(struct pq_tout *t, int id, int64_t v);
void pq_tout_i8(struct pq_tout *t, int id, int8_t v);
void pq_tout_bool(struct pq_tout *t, int id, bool v);
void pq_tout_double(struct pq_tout *t, int id, double v);
void pq_tout_binary(struct pq_tout *t, int id, const void *p, size_t n);
void pq_tout_string(struct pq_tout *t, int id, const char *s);
void pq_tout_list(struct pq_tout *t, int id, int etype, int n);
/* raw values (list elements) */
void pq_tout_uvarint(struct pq_tout *t, uint64_t v);
void pq_tout_zigzag(struct pq_tout *t, int64_t v);
void pq_tout_elem_binary(struct pq_tout *t, const void *p, size_t n);

/* ------------------------------------------------------------ metadata */

/* A byte string that points into the decoded input or an arena. */
struct pq_bin {
	const uint8_t *p;
	uint32_t n;
	bool set;
};

struct pq_stats {
	struct pq_bin max, min, max_value, min_value;
	bool has_null_count, has_distinct_count, has_nan_count;
	int64_t null_count, distinct_count, nan_count;
	int8_t max_exact, min_exact;   /* -1 absent, else 0/1 */
};

struct pq_logical {
	int kind;               /* enum pq_ltype */
	int32_t scale, precision;          /* DECIMAL */
	bool utc;                          /* TIME, TIMESTAMP */
	int unit;                          /* TIME, TIMESTAMP: enum pq_unit */
	int bit_width;                     /* INTEGER */
	bool is_signed;                    /* INTEGER */
};

struct pq_schema_elem {
	char *name;
	int type;               /* enum pq_ptype, -1 for a group */
	int32_t type_length;    /* -1 absent */
	int repetition;         /* enum pq_rep, -1 absent (the root) */
	int32_t num_children;   /* -1 absent (a leaf) */
	int converted;          /* enum pq_ctype, -1 absent */
	int32_t scale, precision;   /* -1 absent */
	int32_t field_id;           /* -1 absent */
	struct pq_logical logical;  /* kind PQ_LT_NONE when absent */
};

struct pq_kv {
	char *key;
	char *value;            /* NULL when absent */
};

struct pq_column_meta {
	int type;
	int *encodings;
	int nenc;
	char **path;
	int npath;
	int codec;
	int64_t num_values;
	int64_t total_uncompressed_size;
	int64_t total_compressed_size;
	int64_t data_page_offset;
	int64_t index_page_offset;        /* -1 absent */
	int64_t dictionary_page_offset;   /* -1 absent */
	bool has_stats;
	struct pq_stats stats;
};

struct pq_column_chunk {
	char *file_path;        /* NULL: this file */
	int64_t file_offset;
	bool has_meta;
	struct pq_column_meta meta;
};

struct pq_row_group {
	struct pq_column_chunk *cols;
	int ncols;
	int64_t total_byte_size;
	int64_t num_rows;
	int64_t file_offset;              /* -1 absent */
	int64_t total_compressed_size;    /* -1 absent */
	int32_t ordinal;                  /* -1 absent */
};

struct pq_file_meta {
	int32_t version;
	struct pq_schema_elem *schema;
	int nschema;
	int64_t num_rows;
	struct pq_row_group *rgs;
	int nrg;
	struct pq_kv *kv;
	int nkv;
	char *created_by;         /* NULL absent */
	int ncolumn_orders;       /* TYPE_ORDER entries (written for every column) */
	bool encrypted;           /* encryption_algorithm present */
};

struct pq_data_page {
	int32_t num_values;
	int encoding, def_encoding, rep_encoding;
};

struct pq_dict_page {
	int32_t num_values;
	int encoding;
	int8_t is_sorted;         /* -1 absent */
};

struct pq_data_page_v2 {
	int32_t num_values, num_nulls, num_rows;
	int encoding;
	int32_t def_len, rep_len;
	bool is_compressed;       /* default true */
};

struct pq_page_header {
	int type;
	int32_t uncompressed_size;
	int32_t compressed_size;
	bool has_crc;
	uint32_t crc;
	bool has_data, has_dict, has_v2;
	struct pq_data_page data;
	struct pq_dict_page dict;
	struct pq_data_page_v2 v2;
	bool has_stats;           /* data page statistics (decoded, unused by the reader) */
	struct pq_stats stats;
};

/* Decode the footer (the Thrift bytes between the data and the length).
 * Strings and arrays are allocated from `a` or point into p. Returns 0, or
 * -1 with *why set. Required fields that are missing are errors. */
int pq_meta_decode(const uint8_t *p, size_t n, struct arena *a, struct pq_file_meta *out, const char **why);
/* Decode a page header at p (n bytes available); *len = its size. */
int pq_page_header_decode(const uint8_t *p, size_t n, struct pq_page_header *out, size_t *len, const char **why);
void pq_meta_encode(struct strbuf *b, const struct pq_file_meta *m);
void pq_page_header_encode(struct strbuf *b, const struct pq_page_header *h);
void pq_stats_encode(struct pq_tout *t, int id, const struct pq_stats *s);

/* ------------------------------------------------------------ bit packing, RLE */

static inline int pq_bit_width(uint64_t max)
{
	return max == 0 ? 0 : 64 - __builtin_clzll(max);
}

/* Unpack `count` values of `bw` bits (0..32), least significant bit first,
 * from in (which holds at least (count * bw + 7) / 8 bytes). */
void pq_unpack32(const uint8_t *in, int bw, uint32_t *out, int count);
/* Pack `count` values (a multiple of 8) into (count * bw) / 8 bytes. */
void pq_pack32(const uint32_t *in, int bw, uint8_t *out, int count);

/*
 * RLE / bit-packed hybrid decoder over [p, end) with values of bw bits
 * (0..32). pq_rle_get decodes up to n values and returns how many it
 * produced: fewer than n means the data ended (or was corrupt: err set).
 */
struct pq_rle {
	const uint8_t *p, *end;
	int bw;
	uint32_t rle_left;       /* values left in the current RLE run */
	uint32_t rle_value;
	uint32_t lit_left;       /* values left in the current bit-packed run */
	const uint8_t *lit;      /* next group of 8 of the bit-packed run */
	uint32_t buf[8];         /* an unpacked group */
	int buf_pos, buf_n;
	const char *err;
};

void pq_rle_init(struct pq_rle *r, const uint8_t *p, size_t n, int bw);
int pq_rle_get(struct pq_rle *r, uint32_t *out, int n);
/* Definition levels straight to bytes; max_level must fit in 8 bits. */
int pq_rle_get8(struct pq_rle *r, uint8_t *out, int n);
/* Append the hybrid encoding of vals[0..n) with width bw. */
void pq_rle_encode(struct strbuf *out, const uint32_t *vals, int n, int bw);
/* The same for a run of n copies of one value (e.g. all-present levels). */
void pq_rle_encode_run(struct strbuf *out, uint32_t v, int64_t n, int bw);

/* ------------------------------------------------------------ delta, byte stream split */

#define PQ_DELTA_MAX_MINI 4096   /* values per miniblock this reader accepts */

/*
 * Streaming DELTA_BINARY_PACKED decoder: memory stays bounded whatever
 * counts a corrupt header claims. is32: values wrap as 32-bit integers
 * (INT32 columns, lengths).
 */
struct pq_delta {
	const uint8_t *p, *end;
	bool is32;
	uint32_t block, nmini, per_mini;
	uint64_t total, got;
	uint64_t prev, min_delta;
	const uint8_t *widths;
	uint32_t mini;           /* next miniblock of the block (nmini: read a block header) */
	uint32_t pos, n;         /* buffered values */
	const char *err;
	uint64_t vals[PQ_DELTA_MAX_MINI];
};

int pq_delta_init(struct pq_delta *d, const uint8_t *p, size_t n, bool is32, const char **why);
/* Up to n values; returns how many (fewer at the end or on error: err). */
int pq_delta_next(struct pq_delta *d, int64_t *out, int n);
/* Where the encoded stream that starts at p ends (the header's count of
 * values, walked without decoding). NULL with *why on corrupt input. */
const uint8_t *pq_delta_end(const uint8_t *p, size_t n, const char **why);
void pq_delta_encode(struct strbuf *out, const int64_t *vals, int64_t n);

/* DELTA_LENGTH_BYTE_ARRAY: lengths, then the bytes; values view into p. */
struct pq_dlba {
	struct pq_delta len;
	const uint8_t *data, *end;
	int64_t lens[256];
};

int pq_dlba_init(struct pq_dlba *s, const uint8_t *p, size_t n, const char **why);
int pq_dlba_next(struct pq_dlba *s, wb_str *out, int n, const char **why);
void pq_dlba_encode(struct strbuf *out, const wb_str *vals, int64_t n);

/* DELTA_BYTE_ARRAY: prefix lengths, then the suffixes as
 * DELTA_LENGTH_BYTE_ARRAY. Values are rebuilt in memory from `alloc`
 * (called with the value's size; e.g. a vector's heap). */
struct pq_dba {
	struct pq_delta pre;
	struct pq_dlba suf;
	char *last;              /* the previous value (malloc'd) */
	uint32_t last_n;
	size_t last_cap;
	int64_t pres[256];
};

int pq_dba_init(struct pq_dba *s, const uint8_t *p, size_t n, const char **why);
int pq_dba_next(struct pq_dba *s, wb_str *out, int n, char *(*alloc)(void *arg, size_t n), void *arg,
    const char **why);
void pq_dba_fini(struct pq_dba *s);
void pq_dba_encode(struct strbuf *out, const wb_str *vals, int64_t n);

/* BYTE_STREAM_SPLIT of count values of `width` bytes into out. */
int pq_bss_decode(const uint8_t *p, size_t n, int width, int64_t count, uint8_t *out, const char **why);
void pq_bss_encode(struct strbuf *out, const uint8_t *vals, int width, int64_t count);

/* ------------------------------------------------------------ codecs */

bool pq_codec_supported(int codec);
const char *pq_codec_name(int codec);
/* Cheap plausibility check of a page's declared uncompressed size against
 * what the compressed bytes say (before allocating for it). */
int pq_check_size(int codec, const uint8_t *in, size_t n, size_t out_n, const char **why);
/* Decompress exactly out_n bytes; -1 with *why on any mismatch. */
int pq_decompress(int codec, const uint8_t *in, size_t n, uint8_t *out, size_t out_n, const char **why);
/* Compress in[0..n) and append to out. `ctx` is a per-thread zstd context
 * (pq_zstd_ctx_new) or NULL. Returns bytes appended. */
struct pq_zctx;
struct pq_zctx *pq_zctx_new(void);
void pq_zctx_free(struct pq_zctx *z);
size_t pq_compress(int codec, int level, struct pq_zctx *z, const uint8_t *in, size_t n, struct strbuf *out);
uint32_t pq_crc32(const uint8_t *p, size_t n);

/* ------------------------------------------------------------ schema */

/* How a leaf's physical values become a wb value. */
enum pq_conv {
	PQ_CV_BOOL,
	PQ_CV_I32,          /* signed int32 -> BIGINT */
	PQ_CV_U32,          /* unsigned int32 -> BIGINT */
	PQ_CV_I64,
	PQ_CV_U64,          /* unsigned int64 -> BIGINT, error above INT64_MAX */
	PQ_CV_DATE,         /* int32 days */
	PQ_CV_TS_MS, PQ_CV_TS_US, PQ_CV_TS_NS,   /* int64 -> TIMESTAMP */
	PQ_CV_INT96,        /* Impala timestamp */
	PQ_CV_F32, PQ_CV_F64,
	PQ_CV_DEC32, PQ_CV_DEC64, PQ_CV_DECBIN,  /* decimal -> DOUBLE */
	PQ_CV_F16,          /* FIXED[2] half float -> DOUBLE */
	PQ_CV_STRING,       /* bytes -> VARCHAR as they are (UTF-8 checked) */
	PQ_CV_BLOB,         /* bytes -> VARCHAR in DuckDB's BLOB text form */
	PQ_CV_UUID,         /* FIXED[16] -> VARCHAR 8-4-4-4-12 */
	PQ_CV_TIME_MS, PQ_CV_TIME_US, PQ_CV_TIME_NS,  /* -> VARCHAR HH:MM:SS[.ffffff] */
	PQ_CV_INTERVAL,     /* FIXED[12] months, days, millis -> INTERVAL */
	PQ_CV_NESTED        /* not readable: a group or a repeated field */
};

/*
 * One top-level column of a file, as wb sees it. A list of primitives
 * (the LIST annotation in its 3-level and legacy 2-level forms, or a bare
 * repeated primitive) is a column of a wb list type whose element the leaf
 * is; definition levels then say: below d_list the list is NULL, below
 * d_elem it is empty, below max_def the element is NULL.
 */
struct pq_col {
	const char *name;
	wb_type type;           /* wb type of the column */
	wb_type vtype;          /* of the leaf's values: type, or the list's element type */
	bool is_list;
	int max_rep;            /* 0 flat, 1 list */
	int d_list, d_elem;     /* lists, see above */
	int conv;               /* enum pq_conv, of the leaf's values */
	int ptype;              /* physical type of the leaf */
	int32_t type_length;
	int32_t scale;          /* decimals */
	int leaf;               /* column chunk index in each row group; -1 nested */
	int max_def;            /* flat: 0 required, 1 optional; lists up to 3 */
	char *nested_what;      /* for PQ_CV_NESTED: "a list", "a struct", ... */
};

struct pq_schema {
	struct pq_col *cols;
	int ncol;
	int nleaves;
};

/* Conversion and wb type of a leaf element (ptype, conv, type,
 * type_length, scale of c); -1 with *why when it cannot be read. */
int pq_schema_leaf_conv(const struct pq_schema_elem *e, bool binary_as_string, struct pq_col *c,
    const char **why);

/* Map the flattened schema tree of `m` to top-level columns. Returns 0 or
 * -1 with *why (static or arena text) on a malformed tree. */
int pq_schema_build(const struct pq_file_meta *m, bool binary_as_string, struct arena *a,
    struct pq_schema *out, const char **why);

/* ------------------------------------------------------------ decoding a column chunk */

/* Allocations kept until the scan ends (dictionaries handed out in DICT
 * vectors and what their values point into); see pq_source.c. */
struct pq_keep;
void pq_keep_ptr(struct pq_keep *k, void *p);
void pq_keep_arena(struct pq_keep *k, struct arena *a);

/*
 * A reader of one column chunk: bytes [p, p + n) of a mapped file (the
 * dictionary page, if any, then data pages). pq_cr_read() fills a vector
 * with the next rows; VARCHAR values are views into the mapped file, a
 * page buffer, a dictionary or the vector's heap, valid until the next
 * pq_cr_read() / pq_cr_fini() on this reader (dictionaries handed out in
 * DICT vectors live as long as the keep list).
 */
struct pq_creader {
	/* set by the caller before pq_cr_open */
	const struct pq_col *col;
	int codec;
	const char *file;       /* for messages */
	int rg;
	bool verify_crc;
	struct pq_keep *keep;

	/* chunk */
	const uint8_t *pos, *end;
	int64_t rows_total;     /* the row group's row count */
	bool seen_data;

	/* dictionary, converted to the target representation */
	bool has_dict, dict_kept;
	int64_t dict_n;
	void *dict_vals;
	struct wb_dict *dict;   /* VARCHAR handed out as DICT (NULL: FLAT views) */
	uint8_t *dict_buf;      /* decompressed dictionary page */
	struct arena *dict_arena;   /* converted dictionary strings */

	/* current data page */
	int64_t page_left;      /* levels (= rows) left in the page */
	int page_enc;
	bool def_all_present;
	struct pq_rle def;
	uint8_t *lvl_arr;       /* BIT_PACKED levels, expanded */
	int64_t lvl_pos, lvl_n;
	const uint8_t *vp, *vend;   /* PLAIN values */
	int bool_bit;
	struct pq_rle idx;      /* dictionary indices, RLE booleans */
	struct pq_delta *delta;
	struct pq_dlba *dlba;
	struct pq_dba *dba;
	uint8_t *page_buf;      /* decompressed page (owned) */
	uint8_t *bss_buf;       /* BYTE_STREAM_SPLIT values, unsplit (owned) */

	/* lists: repetition levels, levels buffered from the current page,
	 * the call's element slots */
	struct pq_rle rep;
	bool rep_none;          /* a v2 page without repetition levels */
	int lpos, ln;
	uint8_t lrep[2048], ldef[2048];
	char *elems;
	uint8_t *enulls;
	size_t elems_cap, enulls_cap;

	/* buffers freed at the next read */
	void **retired;
	int nretired, cap_retired;

	/* scratch */
	uint8_t levels[2048];
	uint32_t codes[2048];
	uint32_t idxs[2048];
	union {
		wb_str s[2048];
		int64_t i[2048];
		uint8_t b[2048 * 16];
	} scr;
};

int pq_cr_open(struct pq_creader *c, const uint8_t *p, size_t n, int64_t rows, struct wb_error *err);
/* Fill v (reset first) with the next `rows` rows (<= WB_VEC_SIZE). */
int pq_cr_read(struct pq_creader *c, int rows, struct vec *v, struct wb_error *err);
void pq_cr_fini(struct pq_creader *c);

/* ------------------------------------------------------------ encoding a column chunk */

#define PQ_ENC_CACHE 4096

/* Per-thread scratch of the column encoder (reused across chunks). */
struct pq_cenc {
	struct pq_zctx *z;
	struct strbuf page, comp;
	struct strbuf alt[2];          /* the two candidates of a trial */
	uint32_t *idx;                 /* dictionary index per value */
	size_t idx_cap;
	uint32_t *slots;               /* hash slots: dictionary index + 1, 0 empty */
	size_t nslots;
	uint32_t ndict;
	uint64_t *dkeys;               /* fixed-width dictionary values (bits) */
	size_t dkeys_cap;
	wb_str *dstrs;                 /* string dictionary values */
	uint64_t *dhash;
	size_t dstrs_cap, dhash_cap;
	void *dense;                   /* non-NULL values */
	size_t dense_cap;
	uint32_t *lv;                  /* levels of a page */
	size_t lv_cap;
	uint8_t *ldefs, *lreps;        /* a list column's levels */
	size_t ldefs_cap, lreps_cap;
	struct { const char *p; uint32_t n, idx; } cache[PQ_ENC_CACHE];
};

struct pq_cenc *pq_cenc_new(void);
void pq_cenc_free(struct pq_cenc *e);

struct pq_wcol_in {
	const char *name;
	wb_type type;
	int64_t n;                     /* rows */
	const void *vals;              /* n values (wb_list for list types); those under NULLs are ignored */
	const uint8_t *nulls;          /* NULL when nnull == 0 */
	int64_t nnull;
};

struct pq_wcol_res {
	struct pq_column_meta meta;    /* offsets relative to the chunk's first byte */
	bool dict_encoded;
	bool has_minmax;
	struct wb_value min, max;      /* exact; VARCHAR views into the input */
	int64_t null_count;
	int64_t nan_count;             /* DOUBLE: NaN values (not in min/max) */
};

/* Append the pages of one column chunk to out; metadata and statistics
 * strings are allocated from a. -1 with err set (a DATE out of range). */
int pq_wcol_encode(struct pq_cenc *e, const struct pq_write_options *o, const struct pq_wcol_in *in,
    struct strbuf *out, struct arena *a, struct pq_wcol_res *res, struct wb_error *err);

/* ------------------------------------------------------------ misc */

/* Validate UTF-8; returns the offset of the first bad byte or -1. */
ssize_t pq_utf8_check(const uint8_t *p, size_t n);
/* DuckDB's BLOB text: printable ASCII except \ ' " as is, others \xHH. */
size_t pq_blob_text_len(const uint8_t *p, size_t n);
void pq_blob_text(const uint8_t *p, size_t n, char *out);

#endif
