/*
 * stats: statistics statements on GNU GSL (TTEST, ANOVA, CHISQ, ABTEST,
 * POWER, CORR, REGRESS, BOOTSTRAP, DESCRIBE STATS, SUMMARIZE, ...).
 *
 * Every statement reads `<WORD> <variables and options> FROM <source>
 * [WHERE cond]` and returns one table (DESIGN §1), so it can be rendered,
 * charted, tested and stored (`CREATE TABLE gold.x AS TTEST ...`,
 * `SELECT * FROM (ANOVA ...)`).
 *
 * How a statement is made. Its file defines a parser extension (struct
 * stmt_ext, sql/parser.h) with .query = true and no .exec; stats_exts[]
 * lists them and the session registers each with its one executor (src/
 * cli/stmt_stats.c). The extension's parse callback:
 *   - allocates the statement with stats_stmt_new(p, run, "TTEST"),
 *   - reads its variables with stats_parse_var() - each an expression over
 *     the source, read NUMERIC (as double) or as a FACTOR (levels) - and its
 *     options with the parser_* helpers into an arena struct at st->opt,
 *   - ends with stats_parse_from() (FROM source [WHERE cond], end).
 * The executor runs SELECT var1, var2, ... FROM source WHERE cond, reads
 * the rows into a struct stats_data (one column per variable, in order),
 * and calls st->run, which fills a struct stats_result; the result is
 * emitted as the statement's table, with its title line above and notes
 * below in box mode. A statement that needs no rows (POWER) sets
 * st->no_source; one that needs the source's schema first (SUMMARIZE) sets
 * st->rewrite instead of reading variables.
 *
 * Missing values. A NUMERIC variable's NULLs and NaNs are missing (NaN,
 * as in R); each statement drops the rows it cannot use and says how many
 * in its result or notes. An infinite value is an error naming the
 * variable (the executor checks). A FACTOR's NULL is missing (-1).
 *
 * Errors: messages name the statement and the variable ("TTEST: price
 * has 1 value in group 'B'; a t-test needs at least 2 per group") with a
 * hint saying what to do. GSL's error handler is off (stats_init()), so
 * GSL never aborts: statements check what GSL returns.
 *
 * Accuracy: sums use two-pass (or Welford) algorithms and least squares
 * use QR / SVD; tests compare with NIST StRD certified values and with
 * values recorded from R (tests/stats/README.md says how).
 */
#ifndef WB_STATS_STATS_H
#define WB_STATS_STATS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rowset.h"
#include "core/strbuf.h"
#include "sql/parser.h"

enum stats_role {
	STATS_NUMERIC,   /* read as double: BIGINT, DOUBLE, BOOLEAN (0/1) */
	STATS_FACTOR,    /* read as levels of any scalar type */
};

/* A variable as parsed: an expression over the source. */
struct stats_var {
	struct ast *expr;
	char *name;            /* its text as written (labels in results) */
	enum stats_role role;
	int pos;
};

/* A variable as read: n values, one per source row that passed WHERE. */
struct stats_column {
	const char *name;
	enum stats_role role;
	wb_type type;          /* the expression's SQL type */
	double *x;             /* NUMERIC: the values; NaN where missing */
	int32_t *level;        /* FACTOR: each row's level, -1 where missing */
	int nlevels;           /* FACTOR: distinct non-missing values ... */
	char **labels;         /* ... their text, in value order (numbers numerically,
	                          strings bytewise, false < true, dates in time) */
};

struct stats_data {
	int64_t n;             /* rows read */
	int ncol;
	struct stats_column *col;   /* one per variable, in parse order */
};

/* A statement's result: one table, plus text for people (box mode). */
struct stats_result {
	struct rowset_builder rows;
	char *title;           /* method line shown above the table ("Welch Two Sample t-test") */
	struct strbuf notes;   /* lines shown below it: warnings, verdicts, legends */
	int stars_col;         /* a p-value column: box mode adds significance stars after it (-1: none) */
};

struct stats_stmt;
typedef int (*stats_run_fn)(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r,
    struct wb_error *err);

struct stats_stmt {
	const char *what;      /* "TTEST": errors begin with it */
	int pos;               /* of the leading word */
	stats_run_fn run;
	struct stats_var *vars;
	int nvars, vcap;
	struct ast *source;    /* FROM item (table, table function, (query)) */
	struct ast *where;     /* or NULL */
	bool no_source;        /* POWER: runs on no rows (d->n == 0, no columns) */
	/* SUMMARIZE: given the source's columns, the query whose result is
	 * the statement's table (run instead of reading variables) */
	struct ast *(*rewrite)(const struct stats_stmt *st, struct arena *a, int ncol, char *const *names,
	    const wb_type *types);
	void *opt;             /* the statement's own options (arena) */
};

/* Statements, for the session to register (NULL-terminated). */
extern const struct stmt_ext *const stats_exts[];

/* Turn GSL's abort-on-error handler off (idempotent). */
void stats_init(void);

/* ---- parsing (stats_parse.c) ---- */
struct stats_stmt *stats_stmt_new(struct parser *p, stats_run_fn run, const char *what);
/* Parse an expression as a variable of role; its index, or -1. */
int stats_parse_var(struct parser *p, struct stats_stmt *st, enum stats_role role);
/* Variables separated by commas (at least one); the count, or -1. */
int stats_parse_vars(struct parser *p, struct stats_stmt *st, enum stats_role role);
/* FROM source [WHERE cond], then the end of the statement. */
int stats_parse_from(struct parser *p, struct stats_stmt *st);
/* Option values: a number in [lo, hi] (what names it in errors). */
bool stats_parse_number(struct parser *p, const char *what, double lo, double hi, double *out);
/* A level's label: a string, a number or an identifier (CONTROL 'A'). */
char *stats_parse_label(struct parser *p, const char *what);

/* ---- results (stats_result.c) ---- */
void stats_result_init(struct stats_result *r, int ncol, const char *const *names, const wb_type *types);
void stats_result_free(struct stats_result *r);
void stats_title(struct stats_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void stats_note(struct stats_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Cell setters for the current row: a double that is NaN is stored as
 * NaN (documented per statement), not NULL; stats_null() for NULL. */
static inline void stats_d(struct stats_result *r, int col, double v) { rsb_double(&r->rows, col, v); }
static inline void stats_i(struct stats_result *r, int col, int64_t v) { rsb_int(&r->rows, col, v); }
static inline void stats_s(struct stats_result *r, int col, const char *v) { rsb_str(&r->rows, col, v); }
static inline void stats_b(struct stats_result *r, int col, int v) { rsb_bool(&r->rows, col, v); }
static inline void stats_null(struct stats_result *r, int col) { rsb_null(&r->rows, col); }
static inline void stats_row(struct stats_result *r) { rsb_end_row(&r->rows); }
/* R's significance stars for p: "***" < 0.001 < "**" < 0.01 < "*" < 0.05 < "." < 0.1 < "". */
const char *stats_stars(double p);

/* ---- shared helpers (stats_util.c) ---- */

/* A numeric variable split by a factor: the non-missing values of y whose
 * group is not missing, ordered by group. Group g's values are
 * x[start[g] .. start[g] + n[g]); label[g] its level's text. Levels with
 * no values are dropped (k counts the rest). dropped: rows left out. */
struct stats_groups {
	int k;
	int64_t *n, *start;
	const char **label;
	double *x;
	int64_t total, dropped;
};
void stats_groups_split(const struct stats_data *d, int ycol, int gcol, struct stats_groups *out);
void stats_groups_free(struct stats_groups *gs);

/* Mean and sum of squared deviations of x[0..n) by two passes (the second
 * corrects the first's rounding). */
void stats_mean_ss(const double *x, int64_t n, double *mean, double *ss);
/* Ranks of x[0..n) (1-based, ties get their average rank) into r; the
 * return value is sum over tie groups of (t^3 - t), for tie corrections. */
double stats_rank(const double *x, int64_t n, double *r);
/* The index of the level labelled `label` in column c, or -1. */
int stats_level_find(const struct stats_column *c, const char *label);

/* Holm's step-down adjustment of p[0..m) into adj (may alias p). */
void stats_holm(const double *p, int m, double *adj);

/* P(F > f) for the F distribution with df1, df2 > 0 degrees of freedom,
 * to about 1e-13 relative in both tails (R's pf(lower.tail = FALSE)).
 * Use it instead of GSL's gsl_cdf_fdist_Q, which loses the small upper
 * tail when df2 is large: 0 instead of 3.6e-17 for F = 37.9 on 2 and 1e7
 * degrees of freedom. f = Inf gives 0, f <= 0 gives 1, NaN gives NaN. */
double stats_fdist_Q(double f, double df1, double df2);
/* lgamma(x) less Stirling's (x - 1/2) log x - x + log(2 pi) / 2, for x >
 * 0, exact to about 1e-16 where the difference of the two would cancel
 * (large x): for densities and tails with large degrees of freedom. */
double stats_lgamma_rest(double x);

#endif
