/*
 * gen: synthetic data generators ("wb generate ...").
 *
 * `wb generate ecommerce` writes a CSV in exactly the format of the public
 * "eCommerce behavior data from multi-category store" dataset (one file per
 * month, 42,448,764 rows for October 2019):
 *
 *   event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session
 *   2019-10-01 00:00:04 UTC,view,1004237,2053013555631882655,electronics.smartphone,apple,1081.98,535871217,c6bd7419-2748-4c56-95b4-8cec9ff8b80d
 *
 * calibrated to the October 2019 file: event mix, brand and category
 * popularity, prices, session sizes and funnel, duplicates, daily and hourly
 * rhythm, users and products scaled to the requested row count.
 *
 * Determinism: the bytes written are a function of the options alone
 * (rows, seed, start, days, and whether the output is gzip'd). The number
 * of threads (WB_THREADS / pool size) never changes the output.
 *
 * Ownership: gen_options holds borrowed strings (output points into argv
 * or the caller's memory); nothing here allocates memory the caller frees
 * except struct wb_error messages.
 */
#ifndef WB_GEN_GEN_H
#define WB_GEN_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

/* Largest --rows accepted: 10^10 rows is ~1.3 TB of CSV. */
#define GEN_MAX_ROWS INT64_C(10000000000)
/* Longest --days accepted (ten years). */
#define GEN_MAX_DAYS 3660
/* The range of --start. */
#define GEN_MIN_START "1970-01-01"
#define GEN_MAX_START "9000-12-31"

struct gen_options {
	int64_t rows;           /* data rows to write, header excluded (default 1000000) */
	uint64_t seed;          /* default 1 */
	int64_t start_day;      /* first day, days since 1970-01-01 (default 2019-10-01) */
	int days;               /* length of the period in days (default 31) */
	const char *output;     /* file name; NULL or "-": standard output.
	                         * A name ending in ".gz" is written gzip'd. */
	bool help;              /* --help was given: print gen_usage, generate nothing */
};

/* Usage text of `wb generate ecommerce` (for --help, .help and man pages). */
extern const char gen_usage[];
/* One-line synopsis, the first line of gen_usage without "usage: ". */
extern const char gen_synopsis[];

void gen_options_init(struct gen_options *o);

/*
 * Parse the arguments that follow "generate ecommerce" (argv[0] is the
 * first option, not a program name) into *o, which the caller initialised
 * with gen_options_init. Accepts "--opt value" and "--opt=value".
 * Returns 0, or -1 with err naming the bad option or value; err's hint
 * carries "did you mean" (when an option is misspelt) and the synopsis.
 */
int gen_parse_args(int argc, char **argv, struct gen_options *o, struct wb_error *err);

/*
 * The pieces of gen_parse_args, shared with the SQL table function
 * generate_ecommerce() so that both accept the same values:
 * gen_parse_count reads a row or day count with an optional k, M or G
 * multiplier ("10M"), gen_parse_seed a seed in decimal or 0x-hex,
 * gen_parse_start a date YYYY-MM-DD (days since 1970-01-01); each returns
 * 0, or -1 when the text is not one. The _ok functions say whether a value
 * is within the limits (rows 0..GEN_MAX_ROWS, days 1..GEN_MAX_DAYS, start
 * GEN_MIN_START..GEN_MAX_START).
 */
int gen_parse_count(const char *s, int64_t *out);
int gen_parse_seed(const char *s, uint64_t *out);
int gen_parse_start(const char *s, int64_t *day);
bool gen_rows_ok(int64_t rows);
bool gen_days_ok(int64_t days);
bool gen_start_ok(int64_t day);

/*
 * Generate and write the file named by o->output (standard output when it
 * is NULL or "-"). A named file is written under a temporary name in the
 * same directory and renamed into place only when complete, so a failure
 * never leaves a partial file behind. Returns 0, or -1 with err set.
 */
int gen_ecommerce(const struct gen_options *o, struct wb_error *err);

/*
 * Like gen_ecommerce but write to an open descriptor (o->output is only
 * used to name it in messages); gzip'd when `gzip`. gzip output is a
 * sequence of gzip members (one per block, compressed in parallel), which
 * gunzip, zlib's gzread and DuckDB read as one stream.
 */
int gen_ecommerce_fd(const struct gen_options *o, int fd, bool gzip, struct wb_error *err);

/*
 * The same events as typed rows, for the SQL table function
 * generate_ecommerce(): a gen_model holds what a run is built from (the
 * catalog, the rhythm, the period cut into windows); the rows of the file
 * `wb generate ecommerce` writes with the same options are the rows of
 * window 0, then window 1, ... gen_model_windows() - 1, each in order.
 *
 * Windows may be read in any order, by several threads at once, one
 * gen_window per reader: opening window w generates the blocks of
 * sessions that reach it (each block once; blocks are shared by the
 * windows they reach and freed when the last of those is closed). The
 * rows do not depend on the order or the number of threads.
 */
struct gen_event {
	int64_t time;           /* seconds since 1970-01-01 UTC */
	int type;               /* index into gen_event_types */
	int64_t product_id;
	int64_t category_id;
	int code;               /* index into gen_model_codes(), -1: no category_code */
	int brand;              /* index into gen_model_brands(), -1: no brand */
	uint32_t price;         /* cents */
	int64_t user_id;
	const char *session;    /* user_session: 36 bytes, not NUL-terminated,
	                         * valid until its window is closed */
};

/* "view", "cart", "purchase" */
extern const char *const gen_event_types[3];

struct gen_model;
struct gen_window;

/* Build the model (one thread; the catalog takes a moment for large row
 * counts). NULL with err set when an option is out of range. */
struct gen_model *gen_model_new(const struct gen_options *o, struct wb_error *err);
/* Frees the model and any blocks still held (windows must be closed). */
void gen_model_free(struct gen_model *m);
/* Make every window readable again, for a second scan (windows must be
 * closed): blocks still held are freed and made again when needed. */
void gen_model_rewind(struct gen_model *m);
/* Windows of a run with these options (known without building it). */
int64_t gen_model_windows_for(const struct gen_options *o);
int64_t gen_model_windows(const struct gen_model *m);
/* Distinct category codes and brand names, by index (owned by the model). */
const char *const *gen_model_codes(const struct gen_model *m, int *n);
const char *const *gen_model_brands(const struct gen_model *m, int *n);

/* Open window w (0 <= w < gen_model_windows), at most once per scan. NULL
 * with err set only if the generator broke its own bounds (a bug, reported
 * rather than hidden) or w was opened before. */
struct gen_window *gen_window_open(struct gen_model *m, int64_t w, struct wb_error *err);
/* The next up to max rows of the window into out; 0 when it is done. */
int gen_window_read(struct gen_window *win, struct gen_event *out, int max);
/* Release the window's blocks (rows read from it become invalid). */
void gen_window_close(struct gen_window *win);

/*
 * The store's taxonomy, shared by the generator and by anything that wants
 * to describe it (docs, tests). Shares are relative weights: the generator
 * normalises coded categories to 67% of rows and uncoded ones to 33%.
 */
struct gen_category_spec {
	const char *code;       /* dotted path, 2-4 levels; NULL for no category_code */
	const char *ids;        /* real category_id(s), comma-separated; NULL: synthesise */
	int nids;               /* category_ids to use (>= the number listed in ids).
	                         * More than 8 makes the entry a long tail of small
	                         * categories: Zipf weights, each with its own
	                         * price level, conversion and empty-brand share. */
	int line;               /* product_id / 100000 of its products; 0: pick one */
	double share;           /* weight of rows */
	double price;           /* median base price of its products */
	double sigma;           /* log-scale spread of product prices */
	double conv;            /* relative conversion (cart/purchase) propensity */
	double nobrand;         /* fraction of its rows with an empty brand */
	/* "brand pct[*price-factor], ...": percent of the category's rows per
	 * named brand; the rest (minus nobrand) goes to long-tail brands. */
	const char *brands;
};

extern const struct gen_category_spec gen_categories[];
extern const int gen_ncategories;

/* Relative event rate by hour of day (UTC) and by ISO day of week (Mon=0). */
extern const double gen_hour_weight[24];
extern const double gen_dow_weight[7];

#endif
