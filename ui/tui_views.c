/*
 * tui_views: which view a result opens in, and what the special ones do.
 *
 * A table remembers the statement that made it, so the view follows from
 * the statement: EXPLAIN opens the plan tree, DESCRIBE HISTORY t a
 * history whose Enter time-travels (SELECT * FROM t VERSION AS OF n, put
 * in the editor and run, so the SQL is there to edit), SHOW RUNS the runs
 * leaderboard, ranked by a metric with m. Everything else is a grid.
 */
#include "ui/tui_int.h"
#include "core/xmalloc.h"
#include "sql/lexer.h"

#include <ctype.h>
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
