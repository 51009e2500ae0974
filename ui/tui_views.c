/*
 * tui_views: which view a result opens in, and what the special ones do.
 *
 * A table remembers the statement that made it, so the view follows from
 * the statement: EXPLAIN opens the plan tree, DESCRIBE HISTORY t a
 * history whose Enter time-travels (SELECT * FROM t VERSION AS OF n, put
 * in the editor and run, so the SQL is there to edit), SHOW RUNS the runs
 * leaderboard, ranked by a metric with m, each run's metric history a
 * sparkline beside its name (as MLflow's run comparison draws each run's
 * curve). Everything else is a grid.
 *
 * The leaderboard's histories come from SHOW METRIC HISTORY, run through
 * the session on the worker as a quiet job when the leaderboard opens and
 * when m changes the metric (the grid's tick starts it once the worker is
 * free); the UI thread only reads the job's table, in its done callback.
 */
#include "ui/tui_int.h"
#include "core/xmalloc.h"
#include "sql/lexer.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct first_words {
	struct token t[2];
	int n;
	struct token *all;       /* every token, for the table name */
	int nall;
	size_t cap;
};

static void
collect(void *arg, const struct token *t)
{
	struct first_words *w = arg;
	w->all = xgrow(w->all, &w->cap, (size_t)w->nall + 1, sizeof *w->all);
	w->all[w->nall++] = *t;
	if (w->n < 2)
		w->t[w->n++] = *t;
}

static bool
word_is(const struct token *t, const char *w)
{
	return (t->type == TOK_IDENT) && (int)strlen(w) == t->len && strncasecmp(t->text, w, (size_t)t->len) == 0;
}

bool
tui_sql_starts(const char *sql, const char *w1, const char *w2)
{
	if (sql == NULL)
		return false;
	struct first_words w = {0};
	lex_all(sql, (int)strlen(sql), collect, &w);
	bool ok = w.n >= 1 && word_is(&w.t[0], w1) && (w2 == NULL || (w.n >= 2 && word_is(&w.t[1], w2)));
	free(w.all);
	return ok;
}

char *
tui_history_table(const char *sql)
{
	struct first_words w = {0};
	lex_all(sql, (int)strlen(sql), collect, &w);
	struct strbuf name = STRBUF_INIT;
	/* DESCRIBE HISTORY a.b.c [LIMIT n] */
	for (int i = 2; i < w.nall; i++) {
		const struct token *t = &w.all[i];
		bool part = (i - 2) % 2 == 0;
		if (part && (t->type == TOK_IDENT || t->type == TOK_QIDENT)) {
			if (t->type == TOK_QIDENT) {
				char *q = xstrndup(t->text, (size_t)t->len);
				tui_quote_ident(&name, q);
				free(q);
			} else {
				sb_add(&name, t->text, (size_t)t->len);
			}
		} else if (!part && t->type == TOK_OP && t->len == 1 && t->text[0] == '.') {
			sb_putc(&name, '.');
		} else {
			break;
		}
	}
	free(w.all);
	if (name.len == 0 || name.s[name.len - 1] == '.') {
		sb_free(&name);
		return NULL;
	}
	return sb_detach(&name);
}

struct tui_view *
tui_view_for_table(struct tui_app *app, struct tui_table *t)
{
	const struct rowset *rs = t->rs;
	if (tui_sql_starts(t->sql, "EXPLAIN", NULL) && rs->ncol >= 2 && strcmp(rs->names[0], "plan") == 0 &&
	    rs->types[0] == WB_TYPE_VARCHAR && rs->nrows > 0)
		return tui_plan_new(app, t);
	char label[64] = "Result";
	struct tui_run *run = app->last;
	if (run != NULL && run->ntables > 1)
		for (int i = 0; i < run->ntables; i++)
			if (run->tables[i] == t)
				snprintf(label, sizeof label, "Result %d of %d", i + 1, run->ntables);
	if (tui_sql_starts(t->sql, "DESCRIBE", "HISTORY") || tui_sql_starts(t->sql, "DESC", "HISTORY")) {
		char *name = tui_history_table(t->sql);
		struct strbuf l = STRBUF_INIT;
		sb_printf(&l, "History of %s (Enter: as of that version)", name ? name : "?");
		struct tui_view *v = tui_grid_new(app, t, TUI_GRID_HISTORY, sb_str(&l));
		tui_grid_set_source(v, name);
		free(name);
		sb_free(&l);
		return v;
	}
	if (tui_sql_starts(t->sql, "SHOW", "RUNS"))
		return tui_grid_new(app, t, TUI_GRID_RUNS, "Runs");
	return tui_grid_new(app, t, TUI_GRID_PLAIN, label);
}

int
tui_history_open(struct tui_app *app, struct tui_table *t, int64_t row, const char *table)
{
	const struct rowset *rs = t->rs;
	int vc = -1;
	for (int c = 0; c < rs->ncol; c++)
		if (strcasecmp(rs->names[c], "version") == 0)
			vc = c;
	if (vc < 0) {
		tui_status(app, true, "This history has no version column");
		return -1;
	}
	struct wb_value v;
	rowset_get(rs, row, vc, &v);
	if (v.is_null || v.type != WB_TYPE_BIGINT) {
		tui_status(app, true, "No version on this row");
		return -1;
	}
	char *sql = xasprintf("SELECT * FROM %s VERSION AS OF %lld;", table, (long long)v.u.i);
	tui_run_user_sql(app, sql, true);
	free(sql);
	return 0;
}

const char *
tui_runs_metric_dir(const char *name, bool *desc)
{
	/* errors, losses and times: lower is better */
	static const char *const lower[] = {"loss", "error", "mse", "mae", "rmse", "mape", "deviance", "time",
	    "aic", "bic", "perplexity"};
	char low[128];
	size_t n = strlen(name);
	if (n >= sizeof low)
		n = sizeof low - 1;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[n] = '\0';
	for (size_t i = 0; i < sizeof lower / sizeof lower[0]; i++) {
		if (strstr(low, lower[i]) != NULL) {
			*desc = false;
			return "lower is better";
		}
	}
	*desc = true;
	return "higher is better";
}

/* ------------------------------------------------------------ the leaderboard's histories */

/* The widest a history column gets: longer histories are averaged into
 * it (chart_sparkline). */
#define TREND_MAX_WIDTH 24

struct tui_trend *
tui_trend_new(void)
{
	struct tui_trend *tr = xcalloc(1, sizeof *tr);
	tr->pending = true;
	tr->want = xstrdup("");
	return tr;
}

static void
trend_clear(struct tui_trend *tr)
{
	for (int64_t i = 0; i < tr->nrows; i++)
		free(tr->v[i]);
	free(tr->v);
	free(tr->n);
	free(tr->key);
	free(tr->header);
	tr->v = NULL;
	tr->n = NULL;
	tr->key = tr->header = NULL;
	tr->nrows = 0;
	tr->w = tr->runs = 0;
}

void
tui_trend_free(struct tui_trend *tr)
{
	if (tr == NULL)
		return;
	trend_clear(tr);
	free(tr->want);
	free(tr);
}

/* The metric g is ranked by, without "metrics." ("" when not ranked). */
static const char *
ranked_metric(const struct tui_grid *g)
{
	if (g->rank_col < 0)
		return "";
	const char *name = g->t->rs->names[g->rank_col];
	return strncmp(name, "metrics.", 8) == 0 ? name + 8 : name;
}

struct trend_job {
	struct tui_table *t;      /* the leaderboard's table (a ref) */
	char *want;               /* its ranked metric at the start */
	const char *cands[3];     /* the metrics to draw, the first with a history wins */
	int ncands;
};

static void
trend_job_free(void *arg)
{
	struct trend_job *tj = arg;
	tui_table_unref(tj->t);
	free(tj->want);
	free(tj);
}

struct run_row {
	wb_str id;
	int64_t row;
};

static int
cmp_id(wb_str a, wb_str b)
{
	uint32_t m = a.n < b.n ? a.n : b.n;
	int c = m ? memcmp(a.p, b.p, m) : 0;
	return c ? c : (a.n < b.n ? -1 : a.n > b.n);
}

static int
cmp_run_row(const void *a, const void *b)
{
	return cmp_id(((const struct run_row *)a)->id, ((const struct run_row *)b)->id);
}

/* The first of the sorted rows whose run id is id, or -1. */
static int64_t
find_run(const struct run_row *rows, int64_t n, wb_str id)
{
	int64_t lo = 0, hi = n;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (cmp_id(rows[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && cmp_id(rows[lo].id, id) == 0 ? lo : -1;
}

static bool
str_is(const struct rowset *rs, int64_t r, int c, const char *s)
{
	struct wb_value v;
	rowset_get(rs, r, c, &v);
	return !v.is_null && v.type == WB_TYPE_VARCHAR && v.u.s.n == strlen(s) && memcmp(v.u.s.p, s, v.u.s.n) == 0;
}

/* From the history rows (run_id, key, value; by run, key, step): the
 * values of key for each row of the leaderboard; false when no run has two
 * of them. */
static bool
trend_fill(struct tui_trend *tr, const struct rowset *lb, int idcol, const struct rowset *h, const char *key)
{
	struct run_row *rows = xcalloc((size_t)lb->nrows + 1, sizeof *rows);
	int64_t nr = 0;
	for (int64_t r = 0; r < lb->nrows; r++) {
		struct wb_value v;
		rowset_get(lb, r, idcol, &v);
		if (!v.is_null && v.type == WB_TYPE_VARCHAR)
			rows[nr++] = (struct run_row){v.u.s, r};
	}
	qsort(rows, (size_t)nr, sizeof *rows, cmp_run_row);
	int *n = xcalloc((size_t)lb->nrows + 1, sizeof *n);
	double **vals = xcalloc((size_t)lb->nrows + 1, sizeof *vals);
	size_t *cap = xcalloc((size_t)lb->nrows + 1, sizeof *cap);
	for (int64_t i = 0; i < h->nrows; i++) {
		if (!str_is(h, i, 1, key))
			continue;
		struct wb_value id, val;
		rowset_get(h, i, 0, &id);
		rowset_get(h, i, 2, &val);
		if (id.is_null || id.type != WB_TYPE_VARCHAR)
			continue;
		double d = val.is_null ? NAN : val.type == WB_TYPE_DOUBLE ? val.u.d : (double)val.u.i;
		for (int64_t k = find_run(rows, nr, id.u.s); k >= 0 && k < nr && cmp_id(rows[k].id, id.u.s) == 0; k++) {
			int64_t r = rows[k].row;
			vals[r] = xgrow(vals[r], &cap[r], (size_t)n[r] + 1, sizeof *vals[r]);
			vals[r][n[r]++] = d;
		}
	}
	int runs = 0, most = 0;
	for (int64_t r = 0; r < lb->nrows; r++) {
		if (n[r] < 2) {
			free(vals[r]);
			vals[r] = NULL;
			n[r] = 0;
			continue;
		}
		runs++;
		if (n[r] > most)
			most = n[r];
	}
	free(rows);
	free(cap);
	if (runs == 0) {
		free(vals);
		free(n);
		return false;
	}
	trend_clear(tr);
	tr->v = vals;
	tr->n = n;
	tr->nrows = lb->nrows;
	tr->runs = runs;
	tr->key = xstrdup(key);
	tr->header = xasprintf("%s history", key);
	int w = most < TREND_MAX_WIDTH ? most : TREND_MAX_WIDTH;
	int hw = tui_width(tr->header, strlen(tr->header));
	tr->w = hw > w ? (hw > TREND_MAX_WIDTH + 8 ? TREND_MAX_WIDTH + 8 : hw) : w;
	return true;
}

static void
trend_done(struct tui_app *app, struct tui_job *job)
{
	struct trend_job *tj = job->arg;
	struct tui_view *v = tui_find_view(app, job->target);
	struct tui_grid *g = (struct tui_grid *)v;
	/* closed meanwhile, or m chose another metric since (its load comes) */
	if (v == NULL || v->ops != &tui_grid_ops || g->t != tj->t || g->trend == NULL ||
	    strcmp(ranked_metric(g), tj->want) != 0)
		return;
	struct tui_run *run = job->run;
	if (run->errors > 0 || run->ntables == 0) {
		tui_status(app, true, "The runs' histories did not load: %s",
		    run->error ? run->error : run->cancelled ? "cancelled" : "no result");
		return;
	}
	const struct rowset *h = run->tables[run->ntables - 1]->rs;
	int idcol = -1;
	for (int c = 0; c < g->t->rs->ncol; c++)
		if (strcmp(g->t->rs->names[c], "run_id") == 0)
			idcol = c;
	if (idcol < 0 || h->ncol < 3)
		return;
	for (int i = 0; i < tj->ncands; i++)
		if (trend_fill(g->trend, g->t->rs, idcol, h, tj->cands[i]))
			return;
	trend_clear(g->trend);     /* no run has a history: no column */
}

void
tui_trend_load(struct tui_app *app, struct tui_grid *g)
{
	struct tui_trend *tr = g->trend;
	tr->pending = false;
	free(tr->want);
	tr->want = xstrdup(ranked_metric(g));
	struct trend_job *tj = xcalloc(1, sizeof *tj);
	tj->t = tui_table_ref(g->t);
	tj->want = xstrdup(tr->want);
	/* the ranked metric when it has a history, else the losses CREATE
	 * MODEL logs per iteration */
	static const char *const losses[] = {"eval_loss", "training_loss"};
	if (tj->want[0] != '\0')
		tj->cands[tj->ncands++] = tj->want;
	for (int i = 0; i < 2; i++)
		if (strcmp(tj->want, losses[i]) != 0)
			tj->cands[tj->ncands++] = losses[i];
	struct strbuf sql = STRBUF_INIT;
	sb_puts(&sql, "SELECT run_id, key, value FROM (SHOW METRIC HISTORY) WHERE key IN (");
	for (int i = 0; i < tj->ncands; i++) {
		if (i)
			sb_puts(&sql, ", ");
		lex_put_string(&sql, tj->cands[i]);
	}
	sb_puts(&sql, ") ORDER BY run_id, key, step");
	struct tui_job *job = tui_job_new("loading the runs' histories", sb_str(&sql), NULL, trend_done, tj);
	sb_free(&sql);
	job->free_arg = trend_job_free;
	job->target = g->base.id;
	job->quiet = true;
	tui_job_start(app, job);
}
