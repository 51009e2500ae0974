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
 * Decimal text. A NUMERIC variable may also be VARCHAR holding decimal
 * numbers ('1000000000000.4'): the executor subtracts the first value's
 * integer part from every value exactly, in decimal, before rounding to
 * double, and sets the column's shift to it. Doubles cannot tell
 * 1000000000000.4 from 1000000000000.4000244 (NIST's SmLs07-09): read as
 * text, the deviations keep every digit. Statistics that do not move with
 * a constant (variances, tests) use x as it is; a statement that reports
 * a location (a mean, a quantile, an intercept) adds shift back.
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

#include <signal.h>
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
	/* decided by the expression's type when read: BIGINT and DOUBLE are
	 * NUMERIC, every other type (VARCHAR, BOOLEAN, DATE, TIMESTAMP) a
	 * FACTOR - a regression's categorical terms. The column read says
	 * which (stats_column.role is never STATS_AUTO). */
	STATS_AUTO,
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
	double *x;             /* NUMERIC: the values minus shift; NaN where missing */
	double shift;          /* NUMERIC: 0, except for decimal text (below) */
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
	/* set by the executor for the run: non-zero asks a long computation
	 * (BOOTSTRAP's replicates) to stop with an error; NULL: never */
	volatile sig_atomic_t *cancel;
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

/* The non-missing values of numeric column c (of rows rows) in a new
 * array (the caller frees it); *n their count. */
double *stats_non_missing(const struct stats_column *c, int64_t rows, int64_t *n);
/* Mean and sum of squared deviations of x[0..n) by two passes (the second
 * corrects the first's rounding). */
void stats_mean_ss(const double *x, int64_t n, double *mean, double *ss);
/* Ranks of x[0..n) (1-based, ties get their average rank) into r; the
 * return value is sum over tie groups of (t^3 - t), for tie corrections. */
double stats_rank(const double *x, int64_t n, double *r);
/* Quantiles of x[0..n) (n > 0) at probabilities p[0..np), ascending, as
 * R's type 7 (and DuckDB's quantile_cont) define them, into out; by
 * selection in O(n) per quantile, not a sort. x is permuted. */
void stats_quantiles(double *x, int64_t n, const double *p, int np, double *out);
/* Rank sums by group without ranking element by element: x holds k
 * groups, group g at x[start[g] .. start[g] + n[g]) (as stats_groups);
 * rsum[g] gets the sum of its values' ranks among all the values (1-based,
 * ties at their average rank). Returns sum over tie groups of (t^3 - t),
 * as stats_rank. Each group is radix-sorted and the groups merged, which
 * at 10 M values is several times faster than stats_rank's sort. */
double stats_rank_sums(const double *x, int k, const int64_t *start, const int64_t *n, double *rsum);
/* The index of the level labelled `label` in column c, or -1. */
int stats_level_find(const struct stats_column *c, const char *label);

/* The two-sided p-value of Student's t with df degrees of freedom,
 * P(|T| >= |t|), through the incomplete beta function so that it keeps
 * its relative accuracy far into the tail (GSL's gsl_cdf_tdist_Q loses
 * digits below about 1e-10; R's pt does not). NaN for NaN t. */
double stats_t_pvalue(double t, double df);

/* Holm's step-down adjustment of p[0..m) into adj (may alias p). */
void stats_holm(const double *p, int m, double *adj);

/* stats_groups_split for a two-sample test (test names it in errors: "a
 * t-test"): 0 with gs filled when g has exactly two levels among the rows
 * with y - the first in value order is x, as in R's formula interface;
 * otherwise -1 with an error listing the levels and a hint (WHERE g IN
 * (...)), and gs freed. */
int stats_two_groups(const struct stats_stmt *st, const struct stats_data *d, int ycol, int gcol, const char *test,
    struct stats_groups *gs, struct wb_error *err);

/* ---- distributions (stats_dist.c) ---- */

/* A test's alternative hypothesis; ONE_SIDED is POWER's (R's power.*.test). */
enum stats_alt { STATS_TWO_SIDED, STATS_LESS, STATS_GREATER, STATS_ONE_SIDED };
/* R's name of it: "two.sided", "less", "greater", "one.sided". */
const char *stats_alt_name(enum stats_alt a);
/* ALTERNATIVE's value: two-sided (also two_sided, 'two.sided'), less,
 * greater, or with one_sided (POWER) one-sided; false with the parser's
 * error set otherwise (stats_util.c). */
bool stats_parse_alternative(struct parser *p, bool one_sided, enum stats_alt *out);

/* The noncentral t distribution with df > 0 degrees of freedom and
 * noncentrality ncp: P(T <= t) when lower, else P(T > t), each summed
 * directly (not as 1 - the other), with an absolute error below 1e-15.
 * NaN for NaN arguments or df <= 0. GSL has no noncentral t. */
double stats_nct_cdf(double t, double df, double ncp, bool lower);
/* The t quantile of upper tail q: P(T > t) = q for central T with df
 * degrees of freedom (GSL's, polished to full precision). NaN outside
 * 0 < q < 1. */
double stats_t_upper_quantile(double q, double df);
/* The power of a t test at level alpha whose statistic is noncentral t
 * (ncp, df) under the alternative: P(T > t_(1-alpha)) for GREATER and
 * ONE_SIDED, P(T < -t_(1-alpha)) for LESS, and for TWO_SIDED
 * P(T > t_(1-alpha/2)), plus P(T < -t_(1-alpha/2)) when both_tails (as
 * pwr and power.t.test(strict = TRUE); R's power.t.test by default
 * counts the upper tail only). */
double stats_t_power(double ncp, double df, double alpha, enum stats_alt alt, bool both_tails);
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
